//go:build rados

package rados

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// TestChangesElsewhereAreSeenWithinTheBound changes the cluster with the
// ceph CLI, behind the transport's back, after warming its cache, and
// checks that each read sees the change within the documented bound (an
// answer is at most DefaultCacheTTL old) plus the time Ceph itself takes.
func TestChangesElsewhereAreSeenWithinTheBound(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)
	conf := os.Getenv("CEPH_CONF")
	cli := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ceph", append([]string{"-c", conf}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ceph %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	stamp := time.Now().Format("150405")
	pool, profile := "fresh-pool-"+stamp, "fresh-ecp-"+stamp
	const bound = DefaultCacheTTL + time.Second // + the commit and CLI time of Ceph
	for _, tc := range []struct {
		name   string
		change []string
		undo   []string
		seen   func() (bool, error)
	}{
		{"pool list", []string{"osd", "pool", "create", pool, "8"}, []string{"osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it"},
			func() (bool, error) {
				ps, err := c.Pools.List(ctx, nil)
				return slices.ContainsFunc(ps, func(p ceph.Pool) bool { return p.PoolName == pool }), err
			}},
		{"OSD flags", []string{"osd", "set", "noscrub"}, []string{"osd", "unset", "noscrub"},
			func() (bool, error) {
				fs, err := c.OSDFlags.List(ctx)
				return slices.Contains(fs, "noscrub"), err
			}},
		{"EC profiles", []string{"osd", "erasure-code-profile", "set", profile, "k=2", "m=1"}, []string{"osd", "erasure-code-profile", "rm", profile},
			func() (bool, error) {
				ps, err := c.ErasureCodeProfiles.List(ctx)
				return slices.ContainsFunc(ps, func(p ceph.ErasureCodeProfile) bool { return p.Name == profile }), err
			}},
		{"configuration", []string{"config", "set", "global", "osd_scrub_auto_repair", "true"}, []string{"config", "rm", "global", "osd_scrub_auto_repair"},
			func() (bool, error) {
				opts, err := c.Config.List(ctx)
				return slices.ContainsFunc(opts, func(o ceph.ConfigOption) bool {
					return o.Name == "osd_scrub_auto_repair" && slices.Contains(o.Value, ceph.ConfigValue{Section: "global", Value: "true"})
				}), err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ok, err := tc.seen(); err != nil || ok {
				t.Fatalf("before the change: seen=%v %v", ok, err)
			}
			cli(tc.change...)
			t.Cleanup(func() { cli(tc.undo...) })
			changed := time.Now()
			for {
				ok, err := tc.seen()
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					t.Logf("seen %v after the CLI returned", time.Since(changed).Round(time.Millisecond))
					return
				}
				if time.Since(changed) > bound {
					t.Fatalf("not seen %v after the CLI returned (bound %v)", time.Since(changed), bound)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
