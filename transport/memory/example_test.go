package memory_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
)

// The demo cluster: one OSD on host "dev" and three empty racks, healthy.
func ExampleNew() {
	ctx := context.Background()
	c := memory.New()
	defer c.Close()

	h, err := c.Health.Report(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Status)

	tree, err := c.OSDs.Tree(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range tree.Nodes {
		fmt.Printf("%3d %-5s %-7s weight %g\n", n.ID, n.Type, n.Name, n.CrushWeight)
	}
	// Output:
	// HEALTH_OK
	//  -1 root  default weight 1
	//  -2 host  dev     weight 1
	//   0 osd   osd.0   weight 1
	//  -3 rack  rack01  weight 0
	//  -4 rack  rack02  weight 0
	//  -5 rack  rack03  weight 0
}

// Pools are created, renamed and deleted; the cluster rejects a duplicate.
func Example_pools() {
	ctx := context.Background()
	c := memory.New()
	defer c.Close()

	err := c.Pools.Create(ctx, "images", &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Pools.Create(ctx, "images", &ceph.PoolCreateOptions{PGNum: 8})
	fmt.Println(errors.Is(err, ceph.ErrAlreadyExists), err)

	newName := "vm-images"
	if err := c.Pools.Update(ctx, "images", &ceph.PoolUpdateOptions{NewName: &newName}); err != nil {
		log.Fatal(err)
	}
	pools, err := c.Pools.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pools {
		fmt.Println(p.Pool, p.PoolName, p.Type, p.PGNum, p.ApplicationMetadata)
	}
	// Output:
	// true pool: pool 'images' already exists
	// 1 device_health_metrics replicated 1 [mgr_devicehealth]
	// 2 vm-images replicated 8 [rbd]
}

// Marking an OSD out does not make it down: the cluster stays healthy and
// the OSD keeps serving. An OSD that is down (and still in) raises
// OSD_DOWN, the checks for its host and root, and its PGs go stale.
func Example_markOSD() {
	ctx := context.Background()
	c := memory.New()
	defer c.Close()

	report := func() {
		h, err := c.Health.Report(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(h.Status)
		for _, chk := range h.Checks {
			fmt.Printf("  %s: %s\n", chk.Type, chk.Summary.Message)
		}
	}
	if err := c.OSDs.Mark(ctx, []int{0}, osd.Out); err != nil {
		log.Fatal(err)
	}
	d, err := c.OSDs.Get(ctx, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("up", d.OSDMap.Up, "in", d.OSDMap.In, d.OSDMap.State)
	report()

	if err := c.OSDs.Mark(ctx, []int{0}, osd.In); err != nil {
		log.Fatal(err)
	}
	if err := c.OSDs.Mark(ctx, []int{0}, osd.Down); err != nil {
		log.Fatal(err)
	}
	report()
	// Output:
	// up 1 in 0 [exists up]
	// HEALTH_OK
	// HEALTH_WARN
	//   OSD_DOWN: 1 osds down
	//   OSD_HOST_DOWN: 1 host (1 osds) down
	//   OSD_ROOT_DOWN: 1 root (1 osds) down
	//   PG_AVAILABILITY: Reduced data availability: 1 pgs stale
}

// The memory transport as a test fake: inject an error into one call, see
// it come out unchanged, and check which calls the code under test made.
func Example_fake() {
	ctx := context.Background()
	c, fake := memory.NewFake()
	defer c.Close()

	errMonDown := ceph.Errorf(ceph.Unavailable, "mon", "monitor connection lost")
	fake.FailNext("Pools.Create", errMonDown)

	err := c.Pools.Create(ctx, "data", &ceph.PoolCreateOptions{PGNum: 8})
	fmt.Println(errors.Is(err, errMonDown), errors.Is(err, ceph.ErrUnavailable))

	// FailNext fires once: the retry succeeds.
	err = c.Pools.Create(ctx, "data", &ceph.PoolCreateOptions{PGNum: 8})
	fmt.Println(err)

	for _, call := range fake.Calls() {
		fmt.Println(call.Method, call.Args[0])
	}
	// Output:
	// true true
	// <nil>
	// Pools.Create data
	// Pools.Create data
}

// Every change writes the audit and cluster log lines Ceph writes; a fixed
// clock makes them reproducible.
func Example_logs() {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	c := memory.New(memory.WithClock(clock))
	defer c.Close()

	if _, err := c.OSDFlags.Set(ctx, []string{"noout", "pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"}); err != nil {
		log.Fatal(err)
	}
	logs, err := c.Logs.Recent(ctx, &ceph.LogOptions{Lines: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range logs.AuditLog {
		fmt.Println(e.Stamp, e.Priority, e.Message)
	}
	for _, e := range logs.ClusterLog {
		fmt.Println(e.Stamp, e.Priority, e.Message)
	}
	// Output:
	// 2026-01-02T03:04:05.000000+0000 [INF] from='client.? 127.0.0.1:0/0' entity='client.admin' cmd='[{"prefix": "osd set", "key": "noout"}]': finished
	// 2026-01-02T03:04:05.000000+0000 [INF] from='client.? 127.0.0.1:0/0' entity='client.admin' cmd=[{"prefix": "osd set", "key": "noout"}]: dispatch
	// 2026-01-02T03:04:05.000000+0000 [WRN] Health check failed: noout flag(s) set (OSDMAP_FLAGS)
	// 2026-01-02T03:04:05.000000+0000 [DBG] osdmap e10: 1 total, 1 up, 1 in
}

// A generated cluster for tests and benchmarks: 100 hosts of 10 OSDs
// spread over 4 racks, 5 RBD pools, healthy.
func Example_generated() {
	ctx := context.Background()
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 100, OSDsPerHost: 10, Racks: 4, Pools: 5}))
	defer c.Close()

	m, err := c.Health.Minimal(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Health.Status, len(m.OSDMap.OSDs), "OSDs on", m.Hosts, "hosts,", len(m.Pools), "pools")
	fmt.Println(m.PGInfo.Statuses)

	tree, err := c.OSDs.Tree(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tree.Nodes[0].Name, tree.Nodes[0].CrushWeight, tree.Nodes[1].Name, tree.Nodes[1].CrushWeight)
	// Output:
	// HEALTH_OK 1000 OSDs on 100 hosts, 6 pools
	// map[active+clean:1281]
	// default 1000 rack01 250
}

// A gateway: a user, a bucket of theirs and an object put through the
// Fake (the admin API does not put objects), counted in the bucket's usage.
func Example_gateway() {
	ctx := context.Background()
	c, fake := memory.NewFake(memory.WithGateway("x"))
	defer c.Close()

	u, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: "alice", DisplayName: "Alice"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.UID, len(u.Keys), len(u.Keys[0].AccessKey), u.MaxBuckets)

	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: "photos", UID: "alice"}); err != nil {
		log.Fatal(err)
	}
	if err := fake.PutObject("photos", "cat.jpg", 5000); err != nil {
		log.Fatal(err)
	}
	b, err := c.RGW.Buckets.Get(ctx, "", "photos")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Owner, b.Versioning, b.Objects(), b.Usage["rgw.main"].SizeActual)

	err = c.RGW.Users.Delete(ctx, "", "alice")
	fmt.Println(errors.Is(err, ceph.ErrFailedPrecondition))
	// Output:
	// alice 1 20 1000
	// alice Suspended 1 8192
	// true
}
