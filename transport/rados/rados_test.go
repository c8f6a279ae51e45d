//go:build rados

package rados

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/internal/devcluster"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
)

// realClient connects to the cluster named by CEPH_CONF, or skips.
func realClient(t *testing.T) *cephapi.Client {
	t.Helper()
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster to test against (see scripts/test-real)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := New(ctx, Config{ConfFile: conf})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Logf("Close: %v", err)
		}
	})
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRealSmoke(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)

	t.Run("Health", func(t *testing.T) {
		r, err := c.Health.Report(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == "" {
			t.Fatalf("empty health status")
		}
		m, err := c.Health.Minimal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.OSDMap.OSDs) == 0 || len(m.MonStatus.MonMap.Mons) == 0 {
			t.Fatalf("minimal health has no OSDs or monitors: %+v", m)
		}
		f, err := c.Health.Full(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.OSDMap.FSID == "" || f.DF.Stats.TotalBytes == 0 {
			t.Fatalf("full health lacks fsid or capacity")
		}
		s, err := c.Health.Summary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s.Version, "ceph version ") || s.MgrID == "" {
			t.Fatalf("summary: %+v", s)
		}
	})
	t.Run("Monitors", func(t *testing.T) {
		r, err := c.Monitors.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.InQuorum) == 0 || r.MonStatus.State != "leader" {
			t.Fatalf("monitor report: %+v", r)
		}
	})
	t.Run("OSDs", func(t *testing.T) {
		l, err := c.OSDs.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(l) == 0 || l[0].Tree.Name == "" || l[0].Host.Name == "" {
			t.Fatalf("osd list: %+v", l)
		}
		d, err := c.OSDs.Get(ctx, l[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.OSDMetadata["osd_objectstore"] == "" {
			t.Fatalf("no metadata: %+v", d)
		}
		if _, err := c.OSDs.Get(ctx, 4242); !errors.Is(err, ceph.ErrNotFound) {
			t.Fatalf("Get(4242) = %v, want NotFound", err)
		}
		// Real Ceph refuses to mark an up OSD lost with EBUSY.
		if err := c.OSDs.Mark(ctx, []int{l[0].ID}, osd.Lost); !errors.Is(err, ceph.ErrBusy) {
			t.Fatalf("Mark(lost) of an up OSD = %v, want Busy", err)
		}
		h, err := c.OSDs.Histogram(ctx, l[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.OSD) == 0 {
			t.Fatalf("empty histogram")
		}
	})
	t.Run("Commands", func(t *testing.T) {
		r, err := c.Commands.Command(ctx, ceph.Command{Prefix: "osd tree"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(r.Output), "ID") {
			t.Fatalf("plain osd tree: %q", r.Output)
		}
		_, err = c.Commands.Command(ctx, ceph.Command{Prefix: "no such command"})
		if !errors.Is(err, ceph.ErrInvalidArgument) {
			t.Fatalf("unknown command = %v, want InvalidArgument", err)
		}
		var ec errnoCoder
		if !errors.As(err, &ec) {
			t.Fatalf("native go-ceph error not reachable from %v", err)
		}
	})
	t.Run("PoolAndImage", func(t *testing.T) {
		name := "rsmoke-" + time.Now().Format("150405.000")
		name = strings.ReplaceAll(name, ".", "")
		err := c.Pools.Create(ctx, name, &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Pools.Delete(context.Background(), name) })
		if err := c.Pools.Create(ctx, name, &ceph.PoolCreateOptions{PGNum: 8}); !errors.Is(err, ceph.ErrAlreadyExists) {
			t.Fatalf("second Create = %v, want AlreadyExists", err)
		}
		p, err := c.Pools.Get(ctx, name, &ceph.PoolGetOptions{Stats: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.Type != ceph.Replicated || p.CrushRule == "" || len(p.ApplicationMetadata) != 1 {
			t.Fatalf("pool: %+v", p)
		}
		// empty until the new pool's PGs are active
		var conf []ceph.PoolConfigOption
		for deadline := time.Now().Add(30 * time.Second); len(conf) == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if conf, err = c.Pools.Configuration(ctx, name); err != nil {
				t.Fatal(err)
			}
		}
		if len(conf) < 100 {
			t.Fatalf("Configuration: %d options", len(conf))
		}
		if err := c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{Configuration: map[string]string{"rbd_cache": "false"}}); err != nil {
			t.Fatal(err)
		}
		if got := rbdOption(t, c, name, "rbd_cache"); got != (ceph.PoolConfigOption{Name: "rbd_cache", Value: "false", Source: 1}) {
			t.Fatalf("after set: %+v", got)
		}
		if err := c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{Configuration: map[string]string{"rbd_cache": ""}}); err != nil {
			t.Fatal(err)
		}
		if got := rbdOption(t, c, name, "rbd_cache"); got.Source != 0 || got.Value != "true" {
			t.Fatalf("after remove: %+v", got)
		}
		err = c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{Configuration: map[string]string{"rbd_no_such": "1"}})
		if !errors.Is(err, ceph.ErrInvalidArgument) {
			t.Fatalf("unknown RBD option = %v, want InvalidArgument", err)
		}
		spec := rbd.ImageSpec{Pool: name, Name: "img"}
		if err := c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: 8 << 20}); err != nil {
			t.Fatal(err)
		}
		if err := c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: 8 << 20}); !errors.Is(err, ceph.ErrAlreadyExists) {
			t.Fatalf("second image Create = %v, want AlreadyExists", err)
		}
		size := uint64(16 << 20)
		if err := c.RBD.Images.Update(ctx, spec, &rbd.UpdateOptions{Size: &size}); err != nil {
			t.Fatal(err)
		}
		if err := c.RBD.Images.Update(ctx, spec, &rbd.UpdateOptions{Configuration: map[string]string{"rbd_cache": "false"}}); err != nil {
			t.Fatal(err)
		}
		img, err := c.RBD.Images.Get(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if img.Size != size || img.ID == "" || len(img.FeaturesName) == 0 || len(img.Configuration) < 100 {
			t.Fatalf("image: %+v", img)
		}
		for _, o := range img.Configuration {
			if o.Name == "rbd_cache" && (o.Source != 2 || o.Value != "false") {
				t.Fatalf("image override: %+v", o)
			}
		}
		l, err := c.RBD.Images.List(ctx, name, nil)
		if err != nil || len(l.Images) != 1 {
			t.Fatalf("List = %v, %v", l, err)
		}
		if err := c.RBD.Images.Delete(ctx, spec); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RBD.Images.Get(ctx, spec); !errors.Is(err, ceph.ErrNotFound) {
			t.Fatalf("Get after Delete = %v, want NotFound", err)
		}
		if err := c.Pools.Delete(ctx, name); err != nil {
			t.Fatal(err)
		}
		if err := c.Pools.Delete(ctx, name); !errors.Is(err, ceph.ErrNotFound) {
			t.Fatalf("second Delete = %v, want NotFound", err)
		}
	})
	t.Run("Config", func(t *testing.T) {
		const name = "osd_max_backfills"
		if err := c.Config.SetMany(ctx, map[string]ceph.ConfigValue{name: {Section: "osd", Value: "3"}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Config.Delete(context.Background(), name, "osd") })
		o, err := c.Config.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != "uint" || len(o.Value) != 1 || o.Value[0] != (ceph.ConfigValue{Section: "osd", Value: "3"}) {
			t.Fatalf("option: %+v", o)
		}
		// osd_objectstore cannot change at run time: the dashboard refuses.
		err = c.Config.Set(ctx, "osd_objectstore", []ceph.ConfigValue{{Section: "osd", Value: "memstore"}})
		if !errors.Is(err, ceph.ErrInvalidArgument) {
			t.Fatalf("Set of a startup-only option = %v, want InvalidArgument", err)
		}
		if _, err := c.Config.Get(ctx, "no_such_option"); !errors.Is(err, ceph.ErrNotFound) {
			t.Fatalf("Get(no_such_option) = %v, want NotFound", err)
		}
	})
	t.Run("MgrModulesLogsPerf", func(t *testing.T) {
		mods, err := c.MgrModules.List(ctx)
		if err != nil || len(mods) == 0 {
			t.Fatalf("modules: %v %v", len(mods), err)
		}
		if _, err := c.MgrModules.Get(ctx, "dashboard"); err != nil {
			t.Fatal(err)
		}
		logs, err := c.Logs.Recent(ctx, nil)
		if err != nil || len(logs.ClusterLog) == 0 {
			t.Fatalf("logs: %v", err)
		}
		all, err := c.PerfCounters.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all["osd.0"]) == 0 || len(all) < 2 {
			t.Fatalf("perf counters of %d daemons", len(all))
		}
	})
}

// A cluster that does not answer gives Unavailable within the timeout.
func TestRealUnreachable(t *testing.T) {
	if os.Getenv("CEPH_CONF") == "" {
		t.Skip("CEPH_CONF is not set")
	}
	dir := t.TempDir()
	conf := dir + "/ceph.conf"
	// a monitor address nothing listens on
	if err := os.WriteFile(conf, []byte("[global]\nmon_host = 127.0.0.1:1\nauth_client_required = none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := New(context.Background(), Config{ConfFile: conf, MonOpTimeout: 2 * time.Second})
	if !errors.Is(err, ceph.ErrUnavailable) {
		t.Fatalf("New = %v, want Unavailable", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestRealMonitorStop stops the monitor of the dev cluster started by
// scripts/ceph-dev-cluster (CEPH_DEV_DIR, from its env.sh), checks that
// calls fail with Unavailable within the configured timeout, that a
// context deadline is honoured sooner, and that the client recovers by
// itself once the monitor is back.
func TestRealMonitorStop(t *testing.T) {
	dir, conf := devcluster.Dir(t)
	ctx := context.Background()
	const timeout = 3 * time.Second
	c, err := New(ctx, Config{ConfFile: conf, MonOpTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Health.Report(ctx); err != nil {
		t.Fatal(err)
	}
	restart := devcluster.StopMonitor(t, dir, conf)

	start := time.Now()
	_, err = c.Health.Report(ctx)
	if !errors.Is(err, ceph.ErrUnavailable) {
		t.Errorf("with the monitor stopped: %v, want Unavailable", err)
	}
	if d := time.Since(start); d > timeout+2*time.Second {
		t.Errorf("Unavailable after %v, want about %v", d, timeout)
	}
	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start = time.Now()
	_, err = c.OSDs.List(dctx)
	cancel()
	if !errors.Is(err, ceph.ErrDeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("with a 300ms deadline: %v after %v, want DeadlineExceeded at once", err, time.Since(start))
	}

	restart()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.Health.Report(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 30s after the monitor restarted: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func rbdOption(t *testing.T, c *cephapi.Client, pool, name string) ceph.PoolConfigOption {
	t.Helper()
	p, err := c.Pools.Get(context.Background(), pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range p.Configuration {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("pool %s has no RBD option %s", pool, name)
	return ceph.PoolConfigOption{}
}
