//go:build rados

package rados_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/rados"
)

// Connect as the Ceph command line does (`ceph -n client.admin -c
// /etc/ceph/ceph.conf`), with every call bounded by 5 s of librados time.
// Build with `-tags rados,pacific` on Ceph 16.
func ExampleNew() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rados.New(ctx, rados.Config{
		Name:         "client.admin",
		ConfFile:     "/etc/ceph/ceph.conf",
		MonOpTimeout: 5 * time.Second,
		OSDOpTimeout: 5 * time.Second,
	})
	if errors.Is(err, ceph.ErrUnavailable) {
		log.Fatal("no cluster: ", err)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	h, err := c.Health.Report(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Status)
	// The legacy ceph-rest-api passes any command through:
	out, err := c.Commands.Command(ctx, ceph.Command{Prefix: "osd tree"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out.Output))
}
