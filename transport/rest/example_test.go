package rest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
)

// Talk to a Dashboard-compatible API: here this project's own server over
// the in-memory demo cluster; against a real cluster, pass the dashboard's
// URL (for example "https://mgr.example.com:8443").
func ExampleNew() {
	accounts, err := auth.NewMemoryStore("admin", "s3cret", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(httpapi.New(memory.New(), httpapi.WithAccounts(accounts)))
	defer srv.Close()

	c, err := rest.New(srv.URL, rest.WithCredentials("admin", "s3cret"))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx := context.Background()

	h, err := c.Health.Report(ctx) // logs in first
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Status)

	pools, err := c.Pools.List(ctx, nil)
	if err != nil {
		panic(err)
	}
	for _, p := range pools {
		fmt.Println(p.PoolName, p.Type, p.Size)
	}

	osds, err := c.OSDs.List(ctx)
	if err != nil {
		panic(err)
	}
	for _, o := range osds {
		fmt.Printf("osd.%d host=%s up=%d in=%d\n", o.ID, o.Host.Name, o.Up, o.In)
	}

	// A missing pool is a *ceph.Error with code NotFound.
	_, err = c.Pools.Get(ctx, "no-such-pool", nil)
	fmt.Println(err != nil, ceph.CodeOf(err))
	// Output:
	// HEALTH_OK
	// device_health_metrics replicated 1
	// osd.0 host=dev up=1 in=1
	// true not_found
}
