//go:build rados

// Command bigmap grows a test cluster's OSD map to thousands of OSDs that
// exist only in the maps: each is created (`osd new`) and placed in CRUSH
// under one of many hosts, but never started. They live under a CRUSH root
// of their own ("bigmap") that no rule uses, so no placement group maps to
// them and the cluster's data stays where it is. The real dashboard and our
// server can then be measured on the same big, real map
// (scripts/ceph-dev-cluster grow, scripts/bench-real --big).
//
//	go run -tags rados,pacific ./internal/bigmap -c DIR/ceph.conf -osds 2000 -hosts 100
//
// It adds OSDs until the map holds -osds of them; it is idempotent and can
// grow a map further. The monitors commit concurrent changes together, so
// it sends -parallel commands at once.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/rados"
)

func main() {
	conf := flag.String("c", os.Getenv("CEPH_CONF"), "ceph.conf of the cluster")
	total := flag.Int("osds", 2000, "OSDs the map should hold in all")
	hosts := flag.Int("hosts", 0, "hosts to spread the new OSDs over (default: one per 20 OSDs)")
	parallel := flag.Int("parallel", 256, "commands in flight at once (the monitors commit the changes pending at each proposal together)")
	flag.Parse()
	if *hosts <= 0 {
		*hosts = max(1, *total/20)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	// Many commands queue at the monitors at once: allow each a while.
	client, err := rados.New(ctx, rados.Config{ConfFile: *conf, MonOpTimeout: 2 * time.Minute})
	if err != nil {
		log.Fatalf("bigmap: %v", err)
	}
	defer client.Close()
	run := func(prefix string, a map[string]any) ([]byte, error) {
		res, err := client.Commands.Command(ctx, ceph.Command{Prefix: prefix, Args: a, Format: "json"})
		if err != nil {
			return nil, fmt.Errorf("%s %v: %w", prefix, a, err)
		}
		return res.Output, nil
	}
	out, err := run("osd ls", nil)
	if err != nil {
		log.Fatalf("bigmap: %v", err)
	}
	var ids []int
	if err := json.Unmarshal(out, &ids); err != nil {
		log.Fatalf("bigmap: osd ls: %v", err)
	}
	need := *total - len(ids)
	if need <= 0 {
		fmt.Printf("bigmap: the map holds %d OSDs already\n", len(ids))
		return
	}
	// The monitors refuse more than mon_max_osd OSDs (10,000 by default).
	if _, err := run("config set", map[string]any{"who": "mon", "name": "mon_max_osd", "value": strconv.Itoa(*total + 1000)}); err != nil {
		log.Fatalf("bigmap: %v", err)
	}
	start := time.Now()
	var made atomic.Int64
	work := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for range *parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := addOSD(run, i%*hosts); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				if n := made.Add(1); n%500 == 0 {
					fmt.Printf("bigmap: %d of %d OSDs added (%.0f/s)\n", n, need, float64(n)/time.Since(start).Seconds())
				}
			}
		}()
	}
	for i := range need {
		select {
		case work <- len(ids) + i:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		log.Fatalf("bigmap: %v", firstErr)
	}
	fmt.Printf("bigmap: the map holds %d OSDs under %d bigmap hosts (+%d in %s)\n", *total, *hosts, need, time.Since(start).Round(time.Second))
}

// addOSD creates one OSD and places it under host bigmap-host-N of root
// bigmap (created on first use).
func addOSD(run func(string, map[string]any) ([]byte, error), host int) error {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
	out, err := run("osd new", map[string]any{"uuid": uuid})
	if err != nil {
		return err
	}
	var r struct {
		OSDID int `json:"osdid"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return fmt.Errorf("osd new: %q: %w", out, err)
	}
	_, err = run("osd crush add", map[string]any{
		"id": r.OSDID, "weight": 0.01,
		"args": []string{"root=bigmap", fmt.Sprintf("host=bigmap-host-%04d", host)},
	})
	return err
}
