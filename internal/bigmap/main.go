//go:build rados

// Command bigmap grows a test cluster's OSD map to thousands of OSDs that
// exist only in the maps: each is created (`osd new`) and placed in CRUSH
// under one of many hosts (all at once, with crushtool and one
// `osd setcrushmap`), but never started. They live under a CRUSH root
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
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
			for range work {
				if err := newOSD(run); err != nil {
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
	fmt.Printf("bigmap: %d OSDs created in %s; placing them in CRUSH\n", need, time.Since(start).Round(time.Second))
	placed, err := place(*conf, *hosts, *total)
	if err != nil {
		log.Fatalf("bigmap: %v", err)
	}
	fmt.Printf("bigmap: the map holds %d OSDs, %d of them placed now under bigmap hosts (%s in all)\n", *total, placed, time.Since(start).Round(time.Second))
}

// newOSD creates one OSD (`osd new`): in the OSD map, not yet in CRUSH.
// Placing each with `osd crush add` would cost the monitors a decode and
// an encode of the whole CRUSH map per OSD; place does them all at once.
func newOSD(run func(string, map[string]any) ([]byte, error)) error {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
	_, err := run("osd new", map[string]any{"uuid": uuid})
	return err
}

// place puts every OSD that is in no CRUSH bucket under new hosts of the
// root "bigmap" (made when missing): it decompiles the CRUSH map with
// crushtool, adds the devices and buckets, compiles it and sets it with
// one `ceph osd setcrushmap`. It returns how many OSDs it placed.
func place(conf string, hosts, total int) (int, error) {
	dir, err := os.MkdirTemp("", "bigmap")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	bin, txt := filepath.Join(dir, "crush.bin"), filepath.Join(dir, "crush.txt")
	sh := func(name string, args ...string) error {
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := sh("ceph", "-c", conf, "osd", "getcrushmap", "-o", bin); err != nil {
		return 0, err
	}
	if err := sh("crushtool", "-d", bin, "-o", txt); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(txt)
	if err != nil {
		return 0, err
	}
	text := string(b)
	// What CRUSH knows: its devices, its bucket ids, its bigmap hosts.
	inCrush := map[int]bool{}
	minID, bigHosts := 0, 0
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "device":
			if id, err := strconv.Atoi(f[1]); err == nil {
				inCrush[id] = true
			}
		case len(f) >= 2 && f[0] == "id":
			if id, err := strconv.Atoi(f[1]); err == nil && id < minID {
				minID = id
			}
		case len(f) >= 2 && f[0] == "host" && strings.HasPrefix(f[1], "bigmap-host-"):
			bigHosts++
		}
	}
	var fresh []int
	for id := 0; id < total; id++ {
		if !inCrush[id] {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	var devices, buckets strings.Builder
	for _, id := range fresh {
		fmt.Fprintf(&devices, "device %d osd.%d\n", id, id)
	}
	per := max(1, (len(fresh)+hosts-1)/hosts)
	nextID := minID - 1
	var rootItems strings.Builder
	for h := 0; h*per < len(fresh); h++ {
		name := fmt.Sprintf("bigmap-host-%05d", bigHosts+h)
		members := fresh[h*per : min((h+1)*per, len(fresh))]
		fmt.Fprintf(&buckets, "host %s {\n\tid %d\n\talg straw2\n\thash 0\n", name, nextID)
		nextID--
		for _, id := range members {
			fmt.Fprintf(&buckets, "\titem osd.%d weight 0.01000\n", id)
		}
		buckets.WriteString("}\n")
		fmt.Fprintf(&rootItems, "\titem %s weight %.5f\n", name, 0.01*float64(len(members)))
	}
	// Devices go after the last device line (or the "# devices" header).
	at := strings.LastIndex(text, "\ndevice ")
	if at >= 0 {
		at += 1 + strings.Index(text[at+1:], "\n")
	} else {
		at = strings.Index(text, "# devices\n") + len("# devices\n")
	}
	text = text[:at+1] + devices.String() + text[at+1:]
	// The hosts go before the rules; the root gets them as items.
	if i := strings.Index(text, "root bigmap {"); i >= 0 {
		end := i + strings.Index(text[i:], "}")
		text = text[:end] + rootItems.String() + text[end:]
		r := strings.Index(text, "root bigmap {")
		text = text[:r] + buckets.String() + text[r:]
	} else {
		rules := strings.Index(text, "# rules")
		if rules < 0 {
			return 0, fmt.Errorf("no rules section in the CRUSH map")
		}
		root := fmt.Sprintf("root bigmap {\n\tid %d\n\talg straw2\n\thash 0\n%s}\n\n", nextID, rootItems.String())
		text = text[:rules] + buckets.String() + root + text[rules:]
	}
	if err := os.WriteFile(txt, []byte(text), 0o600); err != nil {
		return 0, err
	}
	if err := sh("crushtool", "-c", txt, "-o", bin); err != nil {
		return 0, err
	}
	if err := sh("ceph", "-c", conf, "osd", "setcrushmap", "-i", bin); err != nil {
		return 0, err
	}
	return len(fresh), nil
}
