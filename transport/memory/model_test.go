package memory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/memory"
)

var bg = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// checks returns "TYPE: summary" for every raised check, in order.
func checks(t *testing.T, c *cephapi.Client) []string {
	t.Helper()
	h, err := c.Health.Report(bg)
	must(t, err)
	var out []string
	for _, hc := range h.Checks {
		out = append(out, hc.Type+": "+hc.Summary.Message)
	}
	if len(h.Checks) == 0 && h.Status != ceph.HealthOK {
		t.Errorf("status %s without checks", h.Status)
	}
	if len(h.Checks) > 0 && h.Status == ceph.HealthOK {
		t.Errorf("HEALTH_OK with checks %v", out)
	}
	return out
}

func flagsWith(extra ...string) []string {
	return append([]string{"pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"}, extra...)
}

func TestHealthDerivedFromState(t *testing.T) {
	gen := func() (*cephapi.Client, *memory.Fake) {
		return memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Pools: 1, PGsPerPool: 8}))
	}
	tests := []struct {
		name  string
		make  func() (*cephapi.Client, *memory.Fake)
		setup func(t *testing.T, c *cephapi.Client, f *memory.Fake)
		want  []string
	}{
		{"demo is healthy", nil, func(*testing.T, *cephapi.Client, *memory.Fake) {}, nil},
		{"generated is healthy", gen, func(*testing.T, *cephapi.Client, *memory.Fake) {}, nil},
		{"noout flag", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			_, err := c.OSDFlags.Set(bg, flagsWith("noout"))
			must(t, err)
		}, []string{"OSDMAP_FLAGS: noout flag(s) set"}},
		{"pause is pauserd and pausewr", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			_, err := c.OSDFlags.Set(bg, flagsWith("pause", "noscrub"))
			must(t, err)
		}, []string{"OSDMAP_FLAGS: pauserd,pausewr,noscrub flag(s) set"}},
		{"per-OSD flags", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			_, err := c.OSDFlags.SetIndividual(bg, []int{0}, map[string]bool{"noout": true, "noin": true})
			must(t, err)
		}, []string{"OSD_FLAGS: 1 OSDs or CRUSH {nodes, device-classes} have {NOUP,NODOWN,NOIN,NOOUT} flags set"}},
		{"empty pool without application is fine", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8}))
		}, nil},
		{"pool with data and no application", nil, func(t *testing.T, c *cephapi.Client, f *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8}))
			must(t, f.SetPoolUsage("p", 3, 1))
		}, []string{"POOL_APP_NOT_ENABLED: 1 pool(s) do not have an application enabled"}},
		{"size 1 pool with the warning on", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.Config.Set(bg, "mon_warn_on_pool_no_redundancy", []ceph.ConfigValue{{Section: "global", Value: "true"}}))
		}, []string{"POOL_NO_REDUNDANCY: 1 pool(s) have no replicas configured"}},
		{"quota reached", nil, func(t *testing.T, c *cephapi.Client, f *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8, QuotaMaxObjects: 10, Applications: []string{"rbd"}}))
			must(t, f.SetPoolUsage("p", 100, 10))
			p, err := c.Pools.Get(bg, "p", nil)
			must(t, err)
			if p.FlagsNames != "hashpspool,full,full_quota" || p.Flags != 1027 {
				t.Errorf("flags of a pool over quota: %d %s", p.Flags, p.FlagsNames)
			}
		}, []string{"POOL_FULL: 1 pool(s) full"}},
		{"OSD down", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.OSDs.Mark(bg, []int{0}, osd.Down))
		}, []string{
			"OSD_DOWN: 1 osds down",
			"OSD_HOST_DOWN: 1 host (1 osds) down",
			"OSD_ROOT_DOWN: 1 root (1 osds) down",
			"PG_AVAILABILITY: Reduced data availability: 1 pgs stale",
		}},
		{"OSD out is not down", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.OSDs.Mark(bg, []int{0}, osd.Out))
		}, nil},
		{"down and out OSD is not reported", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.OSDs.Mark(bg, []int{0}, osd.Out))
			must(t, c.OSDs.Mark(bg, []int{0}, osd.Down))
		}, []string{"PG_AVAILABILITY: Reduced data availability: 1 pgs stale"}},
		{"one host down: size 3 pools degraded", gen, func(t *testing.T, _ *cephapi.Client, f *memory.Fake) {
			must(t, f.SetOSDUp(0, false))
			must(t, f.SetOSDUp(1, false))
		}, []string{
			"OSD_DOWN: 2 osds down",
			"OSD_HOST_DOWN: 1 host (2 osds) down",
			"PG_DEGRADED: Degraded data redundancy: 9 pgs undersized",
		}},
		{"degraded objects counted", gen, func(t *testing.T, _ *cephapi.Client, f *memory.Fake) {
			must(t, f.SetPoolUsage("pool-000", 4096, 100))
			must(t, f.SetOSDUp(2, false))
			must(t, f.SetOSDUp(3, false))
		}, []string{
			"OSD_DOWN: 2 osds down",
			"OSD_HOST_DOWN: 1 host (2 osds) down",
			"PG_DEGRADED: Degraded data redundancy: 100/300 objects degraded (33.333%), 8 pgs degraded, 9 pgs undersized",
		}},
		{"two hosts down: below min_size", gen, func(t *testing.T, _ *cephapi.Client, f *memory.Fake) {
			for id := 0; id < 4; id++ {
				must(t, f.SetOSDUp(id, false))
			}
		}, []string{
			"OSD_DOWN: 4 osds down",
			"OSD_HOST_DOWN: 2 hosts (4 osds) down",
			"PG_AVAILABILITY: Reduced data availability: 9 pgs inactive",
			"PG_DEGRADED: Degraded data redundancy: 9 pgs undersized",
		}},
		{"nearfull OSD", nil, func(t *testing.T, c *cephapi.Client, f *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}}))
			must(t, f.SetPoolUsage("p", 7<<37, 1000)) // 0.875 TiB on a 1 TiB OSD
		}, []string{"OSD_NEARFULL: 1 nearfull osd(s)"}},
		{"full OSD is an error", nil, func(t *testing.T, c *cephapi.Client, f *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}}))
			must(t, f.SetPoolUsage("p", 1<<40, 1000))
		}, []string{"OSD_FULL: 1 full osd(s)"}},
		{"too many PGs per OSD", nil, func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 300, Applications: []string{"rbd"}}))
		}, []string{"TOO_MANY_PGS: too many PGs per OSD (301 > max 250)"}},
		{"booted again: healthy", gen, func(t *testing.T, _ *cephapi.Client, f *memory.Fake) {
			must(t, f.SetOSDUp(5, false))
			must(t, f.SetOSDUp(5, true))
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mk := tt.make
			if mk == nil {
				mk = func() (*cephapi.Client, *memory.Fake) { return memory.NewFake() }
			}
			c, f := mk()
			tt.setup(t, c, f)
			got := checks(t, c)
			if !slices.Equal(got, tt.want) {
				t.Errorf("checks:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestHealthDetails(t *testing.T) {
	c, _ := memory.NewFake()
	_, err := c.OSDFlags.Set(bg, flagsWith("noout", "noscrub"))
	must(t, err)
	_, err = c.OSDFlags.SetIndividual(bg, []int{0}, map[string]bool{"noout": true, "noin": true})
	must(t, err)
	must(t, c.OSDs.Mark(bg, []int{0}, osd.Down))
	h, err := c.Health.Report(bg)
	must(t, err)
	byType := map[string]ceph.HealthCheck{}
	for _, hc := range h.Checks {
		byType[hc.Type] = hc
	}
	detail := func(typ string) []string {
		var out []string
		for _, d := range byType[typ].Detail {
			out = append(out, d.Message)
		}
		return out
	}
	// Ceph counts OSDMAP_FLAGS by the length of the flag string.
	if got := byType["OSDMAP_FLAGS"].Summary; got.Message != "noout,noscrub flag(s) set" || got.Count != 13 {
		t.Errorf("OSDMAP_FLAGS summary %+v", got)
	}
	tests := []struct {
		typ  string
		want []string
	}{
		{"OSD_DOWN", []string{"osd.0 (root=default,host=dev) is down"}},
		{"OSD_HOST_DOWN", []string{"host dev (root=default) (1 osds) is down"}},
		{"OSD_ROOT_DOWN", []string{"root default (1 osds) is down"}},
		{"OSD_FLAGS", []string{"osd.0 has flags noin,noout"}},
		{"PG_AVAILABILITY", []string{"pg 1.0 is stuck stale for 0s, current state stale+active+clean, last acting [0]"}},
	}
	for _, tt := range tests {
		if got := detail(tt.typ); !slices.Equal(got, tt.want) {
			t.Errorf("%s detail = %q, want %q", tt.typ, got, tt.want)
		}
		if byType[tt.typ].Severity != ceph.HealthWarn {
			t.Errorf("%s severity %s", tt.typ, byType[tt.typ].Severity)
		}
	}
	d, err := c.OSDs.Get(bg, 0)
	must(t, err)
	if want := []string{"exists", "noin", "noout"}; !slices.Equal(d.OSDMap.State, want) {
		t.Errorf("state %q, want %q", d.OSDMap.State, want)
	}
}

func TestHealthDetailCap(t *testing.T) {
	c, f := memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 20, Pools: 1, PGsPerPool: 64}))
	for id := 0; id < 20; id++ { // all of host0001
		must(t, f.SetOSDUp(id, false))
	}
	must(t, f.SetPoolUsage("pool-000", 1<<20, 10))
	h, err := c.Health.Report(bg)
	must(t, err)
	got := map[string]ceph.HealthCheck{}
	for _, hc := range h.Checks {
		got[hc.Type] = hc
	}
	// OSD details are complete; PG details stop at mon_health_max_detail.
	if d := got["OSD_DOWN"]; d.Summary.Count != 20 || len(d.Detail) != 20 {
		t.Errorf("OSD_DOWN: %+v", d.Summary)
	}
	pg := got["PG_DEGRADED"]
	if len(pg.Detail) != 51 || pg.Detail[50].Message != "(additional pgs left out for brevity)" {
		t.Fatalf("PG_DEGRADED has %d detail lines", len(pg.Detail))
	}
	if pg.Summary.Message != "Degraded data redundancy: 10/30 objects degraded (33.333%), 10 pgs degraded, 65 pgs undersized" || pg.Summary.Count != 75 {
		t.Errorf("PG_DEGRADED summary %+v", pg.Summary)
	}
	if want := "pg 2.0 is stuck undersized for 0s, current state active+undersized+degraded, last acting ["; !strings.HasPrefix(pg.Detail[1].Message, want) {
		t.Errorf("detail %q", pg.Detail[1].Message)
	}
	p, err := c.Pools.Get(bg, "pool-000", &ceph.PoolGetOptions{Stats: true})
	must(t, err)
	if p.PGStatus["active+undersized+degraded"] != 10 || p.PGStatus["active+undersized"] != 54 {
		t.Errorf("pg status %v", p.PGStatus)
	}
}

func code(err error) ceph.Code { return ceph.CodeOf(err) }

func TestErrorsLikeCeph(t *testing.T) {
	tests := []struct {
		name   string
		call   func(c *cephapi.Client, f *memory.Fake) error
		want   ceph.Code
		detail string
	}{
		{"delete missing pool", func(c *cephapi.Client, _ *memory.Fake) error { return c.Pools.Delete(bg, "nope") },
			ceph.NotFound, "pool 'nope' does not exist"},
		{"create duplicate pool", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Pools.Create(bg, "device_health_metrics", &ceph.PoolCreateOptions{PGNum: 1})
		}, ceph.AlreadyExists, "pool 'device_health_metrics' already exists"},
		{"delete pool with deletion disabled", func(c *cephapi.Client, _ *memory.Fake) error {
			if err := c.Config.Set(bg, "mon_allow_pool_delete", []ceph.ConfigValue{{Section: "mon", Value: "false"}}); err != nil {
				return err
			}
			return c.Pools.Delete(bg, "device_health_metrics")
		}, ceph.PermissionDenied, "pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true before you can destroy a pool"},
		{"pg_num over the limit", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Pools.Create(bg, "big", &ceph.PoolCreateOptions{PGNum: 1024})
		}, ceph.InvalidArgument, "pg_num 1024 size 1 would mean 1025 total pgs, which exceeds max 750 (mon_max_pg_per_osd 250 * num_in_osds 3)"},
		{"pg_num update over the limit", func(c *cephapi.Client, _ *memory.Fake) error {
			n := 4096
			return c.Pools.Update(bg, "device_health_metrics", &ceph.PoolUpdateOptions{PGNum: &n})
		}, ceph.InvalidArgument, "pool id 1 pg_num 4096 size 1 would mean 4096 total pgs, which exceeds max 750 (mon_max_pg_per_osd 250 * num_in_osds 3)"},
		{"mark an up OSD lost", func(c *cephapi.Client, _ *memory.Fake) error { return c.OSDs.Mark(bg, []int{0}, osd.Lost) },
			ceph.Busy, "osd.0 is not down"},
		{"destroy an up OSD", func(c *cephapi.Client, _ *memory.Fake) error { return c.OSDLifecycle.Destroy(bg, 0) },
			ceph.Busy, "osd.0 is not `down`."},
		{"purge an up OSD", func(c *cephapi.Client, _ *memory.Fake) error { return c.OSDLifecycle.Purge(bg, 0) },
			ceph.Busy, "osd.0 is not `down`."},
		{"unknown OSD get", func(c *cephapi.Client, _ *memory.Fake) error { _, err := c.OSDs.Get(bg, 7); return err },
			ceph.NotFound, "osd.7 does not exist"},
		{"unknown OSD mark", func(c *cephapi.Client, _ *memory.Fake) error { return c.OSDs.Mark(bg, []int{0, 7}, osd.Out) },
			ceph.NotFound, "osd.7 does not exist"},
		{"unknown OSD reweight", func(c *cephapi.Client, _ *memory.Fake) error { return c.OSDs.Reweight(bg, 7, 0.5) },
			ceph.NotFound, "osd.7 does not exist"},
		{"unknown OSD flags", func(c *cephapi.Client, _ *memory.Fake) error {
			_, err := c.OSDFlags.SetIndividual(bg, []int{7}, map[string]bool{"noout": true})
			return err
		}, ceph.NotFound, "osd.7 does not exist"},
		{"scrub a down OSD", func(c *cephapi.Client, f *memory.Fake) error {
			if err := f.SetOSDUp(0, false); err != nil {
				return err
			}
			return c.OSDs.Scrub(bg, 0, true)
		}, ceph.Unavailable, "osd.0 is not up"},
		{"unset sortbitwise", func(c *cephapi.Client, _ *memory.Fake) error {
			_, err := c.OSDFlags.Set(bg, []string{"pglog_hardlimit", "purged_snapdirs", "recovery_deletes"})
			return err
		}, ceph.InvalidArgument, ""},
		{"delete a rule in use", func(c *cephapi.Client, _ *memory.Fake) error { return c.CrushRules.Delete(bg, "replicated_rule") },
			ceph.Busy, "crush ruleset replicated_rule 0 is in use"},
		{"delete a missing rule", func(c *cephapi.Client, _ *memory.Fake) error { return c.CrushRules.Delete(bg, "nope") },
			ceph.NotFound, "rule nope does not exist"},
		{"rule on a missing root", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.CrushRules.Create(bg, "r", &ceph.CrushRuleCreateOptions{Root: "nope", FailureDomain: "host"})
		}, ceph.NotFound, "root item nope does not exist"},
		{"rule with an unknown class", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.CrushRules.Create(bg, "r", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host", DeviceClass: "ssd"})
		}, ceph.InvalidArgument, "device class ssd does not exist"},
		{"rule with an unknown type", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.CrushRules.Create(bg, "r", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "foo"})
		}, ceph.InvalidArgument, "unknown type foo"},
		{"profile in use", func(c *cephapi.Client, _ *memory.Fake) error {
			if err := c.Pools.Create(bg, "ec", &ceph.PoolCreateOptions{Type: ceph.Erasure, PGNum: 8}); err != nil {
				return err
			}
			return c.ErasureCodeProfiles.Delete(bg, "default")
		}, ceph.Busy, "ec pool(s) are using the erasure code profile 'default'"},
		{"profile overwritten", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.ErasureCodeProfiles.Create(bg, "default", &ceph.ErasureCodeProfileCreateOptions{K: 4, M: 2})
		}, ceph.AlreadyExists, ""},
		{"unknown config option", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Config.Set(bg, "no_such_option", []ceph.ConfigValue{{Section: "global", Value: "1"}})
		}, ceph.NotFound, ""},
		{"config value of the wrong type", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Config.Set(bg, "osd_pool_default_size", []ceph.ConfigValue{{Section: "global", Value: "three"}})
		}, ceph.InvalidArgument, "error parsing value: strict_si_cast: unit prefix not recognized"},
		{"config value not permitted", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Config.Set(bg, "osd_pool_default_pg_autoscale_mode", []ceph.ConfigValue{{Section: "global", Value: "bogus"}})
		}, ceph.InvalidArgument, "error parsing value: 'bogus' is not one of the permitted values: off, warn, on"},
		{"config value out of range", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.Config.Set(bg, "osd_pool_default_size", []ceph.ConfigValue{{Section: "global", Value: "11"}})
		}, ceph.InvalidArgument, "error parsing value: Value '11' exceeds maximum 10"},
		{"unknown mgr module", func(c *cephapi.Client, _ *memory.Fake) error { return c.MgrModules.Enable(bg, "nope") },
			ceph.NotFound, ""},
		{"hidden mgr module", func(c *cephapi.Client, _ *memory.Fake) error { _, err := c.MgrModules.Get(bg, "selftest"); return err },
			ceph.NotFound, ""},
		{"disable an always-on module", func(c *cephapi.Client, _ *memory.Fake) error { return c.MgrModules.Disable(bg, "balancer") },
			ceph.InvalidArgument, "module 'balancer' cannot be disabled (always-on)"},
		{"bad mgr option value", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.MgrModules.SetOptions(bg, "balancer", map[string]any{"active": "maybe"})
		}, ceph.InvalidArgument, ""},
		{"missing image", func(c *cephapi.Client, _ *memory.Fake) error {
			_, err := c.RBD.Images.Get(bg, rbd.ImageSpec{Pool: "device_health_metrics", Name: "x"})
			return err
		}, ceph.NotFound, ""},
		{"image in a missing pool", func(c *cephapi.Client, _ *memory.Fake) error {
			return c.RBD.Images.Create(bg, rbd.ImageSpec{Pool: "nope", Name: "x"}, &rbd.CreateOptions{Size: 1 << 20})
		}, ceph.NotFound, ""},
		{"rename a pool to its own name", func(c *cephapi.Client, _ *memory.Fake) error {
			n := "device_health_metrics"
			return c.Pools.Update(bg, n, &ceph.PoolUpdateOptions{NewName: &n})
		}, ceph.AlreadyExists, "pool 'device_health_metrics' already exists"},
		{"update to size 1", func(c *cephapi.Client, _ *memory.Fake) error {
			if err := c.Pools.Create(bg, "two", &ceph.PoolCreateOptions{PGNum: 8, Size: 2, MinSize: 1}); err != nil {
				return err
			}
			one := 1
			return c.Pools.Update(bg, "two", &ceph.PoolUpdateOptions{Size: &one})
		}, ceph.PermissionDenied, "WARNING: setting pool size 1 could lead to data loss without recovery. If you are *ABSOLUTELY CERTAIN* that is what you want, pass the flag --yes-i-really-mean-it."},
		{"min_size above size", func(c *cephapi.Client, _ *memory.Fake) error {
			if err := c.Pools.Create(bg, "two", &ceph.PoolCreateOptions{PGNum: 8, Size: 2, MinSize: 1}); err != nil {
				return err
			}
			five := 5
			return c.Pools.Update(bg, "two", &ceph.PoolUpdateOptions{MinSize: &five})
		}, ceph.InvalidArgument, "pool min_size must be between 1 and size, which is set to 2"},
		{"size 1 disallowed", func(c *cephapi.Client, _ *memory.Fake) error {
			if err := c.Config.Set(bg, "mon_allow_pool_size_one", []ceph.ConfigValue{{Section: "global", Value: "false"}}); err != nil {
				return err
			}
			return c.Pools.Create(bg, "one", &ceph.PoolCreateOptions{PGNum: 8, Size: 1})
		}, ceph.PermissionDenied, "configuring pool size as 1 is disabled by default."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := memory.NewFake()
			err := tt.call(c, f)
			if code(err) != tt.want {
				t.Fatalf("error %v (code %v), want code %v", err, code(err), tt.want)
			}
			var ce *ceph.Error
			if !errors.As(err, &ce) {
				t.Fatalf("%T is not a *ceph.Error", err)
			}
			if tt.detail != "" && ce.Detail != tt.detail {
				t.Errorf("detail %q, want %q", ce.Detail, tt.detail)
			}
		})
	}
}

func TestConfigNotUpdatableAtRuntime(t *testing.T) {
	c := memory.New()
	err := c.Config.Set(bg, "osd_objectstore", []ceph.ConfigValue{{Section: "osd", Value: "memstore"}})
	var ce *ceph.Error
	if !errors.As(err, &ce) || ce.Code != ceph.InvalidArgument || ce.Reason != "config_option_not_updatable_at_runtime" {
		t.Fatalf("got %#v", err)
	}
	if ce.Detail != "Config option osd_objectstore is/are not updatable at runtime" {
		t.Errorf("detail %q", ce.Detail)
	}
	err = c.Config.SetMany(bg, map[string]ceph.ConfigValue{"osd_max_backfills": {Section: "osd", Value: "2"}, "fsid": {Section: "global", Value: "x"}})
	if !errors.As(err, &ce) || ce.Reason != "config_option_not_updatable_at_runtime" {
		t.Fatalf("SetMany: %v", err)
	}
	o, err := c.Config.Get(bg, "osd_max_backfills")
	must(t, err)
	if o.Value != nil {
		t.Errorf("a refused SetMany changed osd_max_backfills: %v", o.Value)
	}
}

func TestConfigSetSemantics(t *testing.T) {
	c := memory.New()
	get := func() []ceph.ConfigValue {
		t.Helper()
		o, err := c.Config.Get(bg, "osd_max_backfills")
		must(t, err)
		return o.Value
	}
	steps := []struct {
		name string
		do   func() error
		want []ceph.ConfigValue
	}{
		{"unset", func() error { return nil }, nil},
		{"set two sections", func() error {
			return c.Config.Set(bg, "osd_max_backfills", []ceph.ConfigValue{{Section: "osd", Value: "3"}, {Section: "global", Value: "2"}})
		}, []ceph.ConfigValue{{Section: "global", Value: "2"}, {Section: "osd", Value: "3"}}},
		{"set removes sections not given", func() error {
			return c.Config.Set(bg, "osd_max_backfills", []ceph.ConfigValue{{Section: "osd", Value: "4"}})
		}, []ceph.ConfigValue{{Section: "osd", Value: "4"}}},
		{"set many leaves other sections", func() error {
			return c.Config.SetMany(bg, map[string]ceph.ConfigValue{"osd_max_backfills": {Section: "osd.0", Value: "5"}})
		}, []ceph.ConfigValue{{Section: "osd", Value: "4"}, {Section: "osd.0", Value: "5"}}},
		{"delete one section", func() error { return c.Config.Delete(bg, "osd_max_backfills", "osd") },
			[]ceph.ConfigValue{{Section: "osd.0", Value: "5"}}},
		{"delete a section that is not set", func() error { return c.Config.Delete(bg, "osd_max_backfills", "mon") },
			[]ceph.ConfigValue{{Section: "osd.0", Value: "5"}}},
		{"set nothing removes all", func() error { return c.Config.Set(bg, "osd_max_backfills", nil) }, nil},
	}
	for _, s := range steps {
		must(t, s.do())
		if got := get(); !slices.Equal(got, s.want) {
			t.Fatalf("%s: values %v, want %v", s.name, got, s.want)
		}
	}
	// Values are stored normalized, as Ceph stores them.
	for _, tt := range []struct{ name, in, want string }{
		{"osd_max_backfills", "03", "3"},
		{"mon_warn_on_pool_no_app", "1", "true"},
		{"mon_osd_min_in_ratio", "0.50", "0.500000"},
		{"debug_ms", "5", "5/5"},
	} {
		must(t, c.Config.SetMany(bg, map[string]ceph.ConfigValue{tt.name: {Section: "global", Value: tt.in}}))
		o, err := c.Config.Get(bg, tt.name)
		must(t, err)
		if len(o.Value) != 1 || o.Value[0].Value != tt.want || o.Source != "mon" {
			t.Errorf("%s=%s stored as %+v, want %s", tt.name, tt.in, o.Value, tt.want)
		}
	}
	opts, err := c.Config.Filter(bg, []string{"debug_ms", "nope", "mon_allow_pool_delete"})
	must(t, err)
	if len(opts) != 2 || opts[0].Name != "debug_ms" || opts[1].Type != "bool" || !opts[1].CanUpdateAtRuntime {
		t.Errorf("filter: %+v", opts)
	}
	if _, err := c.Config.Filter(bg, []string{"nope"}); code(err) != ceph.NotFound {
		t.Errorf("filter of unknown names: %v", err)
	}
}

func TestPoolLifecycle(t *testing.T) {
	c := memory.New(memory.WithGenerated(3, 2, 0))
	must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{
		PGNum: 16, Applications: []string{"rbd"}, QuotaMaxBytes: 1 << 30,
		Compression:   &ceph.Compression{Mode: "aggressive", Algorithm: "zstd", RequiredRatio: 0.8},
		Configuration: map[string]string{"rbd_qos_iops_limit": "100"},
	}))
	p, err := c.Pools.Get(bg, "p", &ceph.PoolGetOptions{Stats: true})
	must(t, err)
	if p.Size != 3 || p.MinSize != 2 || p.PGNum != 16 || p.CrushRule != "replicated_rule" || p.FlagsNames != "hashpspool" ||
		p.QuotaMaxBytes != 1<<30 || !slices.Equal(p.ApplicationMetadata, []string{"rbd"}) {
		t.Errorf("created pool: %+v", p)
	}
	if p.Options["compression_mode"] != "aggressive" || p.Options["compression_algorithm"] != "zstd" || p.Options["compression_required_ratio"] != 0.8 {
		t.Errorf("compression options: %v", p.Options)
	}
	if p.PGStatus["active+clean"] != 16 || p.Stats["stored"].Latest != 0 {
		t.Errorf("pg status %v", p.PGStatus)
	}
	found := false
	for _, o := range p.Configuration {
		if o.Name == "rbd_qos_iops_limit" {
			found = o.Value == "100" && o.Source == 1
		}
	}
	if !found {
		t.Error("pool RBD configuration not set")
	}

	newName, pg, size, apps := "q", 32, 2, []string{"cephfs"}
	must(t, c.Pools.Update(bg, "p", &ceph.PoolUpdateOptions{
		NewName: &newName, PGNum: &pg, Size: &size, Applications: &apps,
		Compression: &ceph.Compression{Mode: "unset"},
	}))
	if _, err := c.Pools.Get(bg, "p", nil); code(err) != ceph.NotFound {
		t.Errorf("old name still there: %v", err)
	}
	q, err := c.Pools.Get(bg, "q", nil)
	must(t, err)
	if q.PGNum != 32 || q.PGPlacementNum != 32 || q.Size != 2 || q.MinSize != 1 || !slices.Equal(q.ApplicationMetadata, []string{"cephfs"}) {
		t.Errorf("updated pool: %+v", q)
	}
	if _, ok := q.Options["compression_mode"]; ok {
		t.Errorf("compression not unset: %v", q.Options)
	}

	// Rename onto an existing pool; nothing else of the update applies.
	taken := "device_health_metrics"
	pg2 := 64
	if err := c.Pools.Update(bg, "q", &ceph.PoolUpdateOptions{NewName: &taken, PGNum: &pg2}); code(err) != ceph.AlreadyExists {
		t.Fatalf("rename onto existing: %v", err)
	}
	if q, _ := c.Pools.Get(bg, "q", nil); q.PGNum != 32 {
		t.Errorf("a refused update changed pg_num to %d", q.PGNum)
	}

	// Erasure-coded pool: size from the default profile (k=2 m=2), its own rule.
	must(t, c.Pools.Create(bg, "ec", &ceph.PoolCreateOptions{Type: ceph.Erasure, PGNum: 8, Flags: []string{"ec_overwrites"}}))
	ec, err := c.Pools.Get(bg, "ec", nil)
	must(t, err)
	if ec.Size != 4 || ec.MinSize != 3 || ec.ErasureCodeProfile != "default" || ec.CrushRule != "ec" ||
		ec.FlagsNames != "hashpspool,ec_overwrites" || ec.StripeWidth != 8192 {
		t.Errorf("EC pool: %+v", ec)
	}
	r, err := c.CrushRules.Get(bg, "ec")
	must(t, err)
	if r.Type != 3 || r.MaxSize != 4 || r.Steps[len(r.Steps)-2].Op != "chooseleaf_indep" {
		t.Errorf("EC rule: %+v", r)
	}
	// Only 3 hosts for 4 chunks: the EC pool's PGs are undersized.
	h, err := c.Health.Report(bg)
	must(t, err)
	if h.Status != ceph.HealthWarn || h.Checks[0].Type != "PG_DEGRADED" {
		t.Errorf("health with an EC pool wider than the cluster: %+v", h)
	}
	if err := c.Pools.Create(bg, "r", &ceph.PoolCreateOptions{PGNum: 8, Flags: []string{"ec_overwrites"}}); code(err) != ceph.InvalidArgument {
		t.Errorf("ec_overwrites on a replicated pool: %v", err)
	}

	must(t, c.Pools.Delete(bg, "q"))
	must(t, c.Pools.Delete(bg, "ec"))
	pools, err := c.Pools.List(bg, nil)
	must(t, err)
	if len(pools) != 1 || pools[0].PoolName != "device_health_metrics" {
		t.Errorf("pools left: %v", pools)
	}
}

func TestCrushRules(t *testing.T) {
	c := memory.New(memory.WithGenerated(2, 1, 0))
	must(t, c.CrushRules.Create(bg, "fast", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host", DeviceClass: "hdd"}))
	r, err := c.CrushRules.Get(bg, "fast")
	must(t, err)
	take := r.Steps[0]
	if r.RuleID != 1 || r.Type != 1 || take.Op != "take" || take.ItemName != "default~hdd" || *take.Item >= 0 ||
		r.Steps[1].Op != "chooseleaf_firstn" || r.Steps[1].Type != "host" {
		t.Errorf("rule: %+v %+v", r, r.Steps)
	}
	if err := c.CrushRules.Create(bg, "fast", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host"}); code(err) != ceph.AlreadyExists {
		t.Errorf("duplicate rule: %v", err)
	}
	rule := "fast"
	must(t, c.Pools.Create(bg, "p", &ceph.PoolCreateOptions{PGNum: 8, CrushRule: rule, Applications: []string{"rbd"}}))
	if err := c.CrushRules.Delete(bg, "fast"); code(err) != ceph.Busy {
		t.Errorf("delete in use: %v", err)
	}
	old := "replicated_rule"
	must(t, c.Pools.Update(bg, "p", &ceph.PoolUpdateOptions{CrushRule: &old}))
	must(t, c.CrushRules.Delete(bg, "fast"))
	rules, err := c.CrushRules.List(bg)
	must(t, err)
	if len(rules) != 1 || rules[0].RuleName != "replicated_rule" {
		t.Errorf("rules: %+v", rules)
	}
}

func TestECProfiles(t *testing.T) {
	c := memory.New()
	p, err := c.ErasureCodeProfiles.Get(bg, "default")
	must(t, err)
	if p.K != 2 || p.M != 2 || p.Plugin != "jerasure" || p.Technique != "reed_sol_van" {
		t.Errorf("default profile %+v", p)
	}
	opts := &ceph.ErasureCodeProfileCreateOptions{K: 3, M: 2, CrushFailureDomain: "osd"}
	must(t, c.ErasureCodeProfiles.Create(bg, "k3m2", opts))
	must(t, c.ErasureCodeProfiles.Create(bg, "k3m2", opts)) // the same again is fine
	p, err = c.ErasureCodeProfiles.Get(bg, "k3m2")
	must(t, err)
	if p.K != 3 || p.M != 2 || p.CrushFailureDomain != "osd" || p.CrushRoot != "default" || p.Extra["w"] != "8" {
		t.Errorf("profile %+v", p)
	}
	if err := c.ErasureCodeProfiles.Create(bg, "x", &ceph.ErasureCodeProfileCreateOptions{Plugin: "nope"}); code(err) != ceph.InvalidArgument {
		t.Errorf("unknown plugin: %v", err)
	}
	must(t, c.ErasureCodeProfiles.Delete(bg, "k3m2"))
	if err := c.ErasureCodeProfiles.Delete(bg, "k3m2"); code(err) != ceph.NotFound {
		t.Errorf("delete twice: %v", err)
	}
}

func TestMarkAndLost(t *testing.T) {
	c := memory.New()
	epoch := func() int {
		h, err := c.Health.Full(bg)
		must(t, err)
		return h.OSDMap.Epoch
	}
	e0 := epoch()
	must(t, c.OSDs.Mark(bg, []int{0}, osd.Down))
	if e1 := epoch(); e1 != e0+1 {
		t.Errorf("epoch %d after mark down, want %d", e1, e0+1)
	}
	must(t, c.OSDs.Mark(bg, []int{0}, osd.Down)) // already down: no change
	if e := epoch(); e != e0+1 {
		t.Errorf("a no-op bumped the epoch to %d", e)
	}
	must(t, c.OSDs.Mark(bg, []int{0}, osd.Lost))
	d, err := c.OSDs.Get(bg, 0)
	must(t, err)
	if d.OSDMap.Up != 0 || d.OSDMap.LostAt == 0 || d.OSDMap.DownAt == 0 {
		t.Errorf("lost OSD: %+v", d.OSDMap)
	}
	must(t, c.OSDLifecycle.Destroy(bg, 0))
	tree, err := c.OSDs.Tree(bg)
	must(t, err)
	if tree.Nodes[2].Status != "destroyed" {
		t.Errorf("destroyed OSD in tree: %+v", tree.Nodes[2])
	}
	must(t, c.OSDLifecycle.Purge(bg, 0))
	if _, err := c.OSDs.Get(bg, 0); code(err) != ceph.NotFound {
		t.Errorf("purged OSD still there: %v", err)
	}
	tree, err = c.OSDs.Tree(bg)
	must(t, err)
	if tree.Nodes[1].Name != "dev" || len(tree.Nodes[1].Children) != 0 || tree.Nodes[0].CrushWeight != 0 {
		t.Errorf("tree after purge: %+v", tree.Nodes[:2])
	}
}

func TestReweightAndIn(t *testing.T) {
	c := memory.New()
	must(t, c.OSDs.Reweight(bg, 0, 0.5))
	d, _ := c.OSDs.Get(bg, 0)
	if d.OSDMap.Weight != 0.5 || d.OSDMap.In != 1 {
		t.Errorf("reweight 0.5: %+v", d.OSDMap)
	}
	must(t, c.OSDs.Reweight(bg, 0, 0))
	d, _ = c.OSDs.Get(bg, 0)
	if d.OSDMap.In != 0 {
		t.Errorf("reweight 0 leaves the OSD in")
	}
	must(t, c.OSDs.Mark(bg, []int{0}, osd.In))
	d, _ = c.OSDs.Get(bg, 0)
	if d.OSDMap.In != 1 || d.OSDMap.Weight != 1 {
		t.Errorf("mark in: %+v", d.OSDMap)
	}
}

func TestTreeWeights(t *testing.T) {
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 4, OSDsPerHost: 3, Racks: 2, OSDWeight: 0.5}))
	tree, err := c.OSDs.Tree(bg)
	must(t, err)
	byName := map[string]osd.TreeNode{}
	for _, n := range tree.Nodes {
		byName[n.Name] = n
		if n.Depth != map[string]int{"root": 0, "rack": 1, "host": 2, "osd": 3}[n.Type] {
			t.Errorf("%s depth %d", n.Name, n.Depth)
		}
	}
	if w := byName["default"].CrushWeight; w != 6 {
		t.Errorf("root weight %g, want 6", w)
	}
	if w := byName["rack01"].CrushWeight; w != 3 {
		t.Errorf("rack weight %g, want 3", w)
	}
	if w := byName["host0001"].CrushWeight; w != 1.5 {
		t.Errorf("host weight %g, want 1.5", w)
	}
	if len(tree.Nodes) != 1+2+4+12 {
		t.Errorf("%d nodes", len(tree.Nodes))
	}
	// Nodes come depth first: every node's parent precedes it.
	seen := map[int]bool{}
	for _, n := range tree.Nodes {
		seen[n.ID] = true
		for _, ch := range n.Children {
			if seen[ch] {
				t.Errorf("child %d listed before its parent %d", ch, n.ID)
			}
		}
	}
	osds, err := c.OSDs.List(bg)
	must(t, err)
	if osds[4].Host.Name != "host0002" || osds[4].Tree.Name != "osd.4" || len(osds[4].Host.Children) != 3 {
		t.Errorf("osd.4 host %+v", osds[4].Host)
	}
}

func TestLifecycleCreate(t *testing.T) {
	c, f := memory.NewFake()
	id, err := c.OSDLifecycle.Create(bg, &osd.CreateOptions{Host: "node2", DeviceClass: "ssd"})
	must(t, err)
	if id != 1 {
		t.Fatalf("id %d", id)
	}
	d, err := c.OSDs.Get(bg, id)
	must(t, err)
	if d.OSDMap.Up != 0 || d.OSDMap.In != 1 || !slices.Contains(d.OSDMap.State, "new") {
		t.Errorf("new OSD: %+v", d.OSDMap)
	}
	if got := checks(t, c); got != nil {
		t.Errorf("a new OSD that never booted raised %v", got)
	}
	must(t, f.SetOSDUp(id, true))
	d, _ = c.OSDs.Get(bg, id)
	if d.OSDMap.Up != 1 || d.OSDMap.In != 1 || d.OSDMetadata["hostname"] != "node2" {
		t.Errorf("booted OSD: %+v %v", d.OSDMap, d.OSDMetadata)
	}
	tree, _ := c.OSDs.Tree(bg)
	if tree.Nodes[0].CrushWeight != 2 {
		t.Errorf("root weight %g after adding an OSD", tree.Nodes[0].CrushWeight)
	}
	rep, err := c.OSDLifecycle.SafeToDestroy(bg, []int{id})
	must(t, err)
	if rep.IsSafeToDestroy || !slices.Equal(rep.Active, []int{id}) || len(rep.SafeToDestroy) != 0 {
		t.Errorf("an up OSD: %+v", rep)
	}
	must(t, c.OSDLifecycle.Delete(bg, id, &osd.DeleteOptions{}))
	if _, err := c.OSDs.Get(bg, id); code(err) != ceph.NotFound {
		t.Errorf("deleted OSD: %v", err)
	}
	rep, err = c.OSDLifecycle.SafeToDestroy(bg, []int{id})
	must(t, err)
	if !rep.IsSafeToDestroy {
		t.Errorf("a missing OSD is not safe to destroy: %+v", rep)
	}
}

func TestFlags(t *testing.T) {
	c := memory.New()
	got, err := c.OSDFlags.List(bg)
	must(t, err)
	if !slices.Equal(got, flagsWith()) {
		t.Errorf("default flags %v", got)
	}
	got, err = c.OSDFlags.Set(bg, flagsWith("pause", "noout"))
	must(t, err)
	want := flagsWith("pause", "noout")
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("flags %v, want %v", got, want)
	}
	full, err := c.Health.Full(bg)
	must(t, err)
	if !slices.Contains(full.OSDMap.FlagsSet, "pauserd") || !strings.HasPrefix(full.OSDMap.Flags, "pauserd,pausewr,noout,") {
		t.Errorf("osd map flags %q %v", full.OSDMap.Flags, full.OSDMap.FlagsSet)
	}
	got, err = c.OSDFlags.Set(bg, flagsWith())
	must(t, err)
	if !slices.Equal(got, flagsWith()) {
		t.Errorf("flags after unset %v", got)
	}
	res, err := c.OSDFlags.SetIndividual(bg, []int{0}, map[string]bool{"noup": true, "noout": false})
	must(t, err)
	if !slices.Equal(res.Added, []string{"noup"}) || !slices.Equal(res.Removed, []string{"noout"}) {
		t.Errorf("result %+v", res)
	}
	ind, err := c.OSDFlags.Individual(bg)
	must(t, err)
	if len(ind) != 1 || !slices.Equal(ind[0].Flags, []string{"exists", "noup", "up"}) {
		t.Errorf("individual %+v", ind)
	}
}

func TestMgrModules(t *testing.T) {
	c := memory.New()
	mods, err := c.MgrModules.List(bg)
	must(t, err)
	state := map[string][2]bool{}
	for _, m := range mods {
		state[m.Name] = [2]bool{m.Enabled, m.AlwaysOn}
	}
	for name, want := range map[string][2]bool{
		"dashboard": {true, false}, "balancer": {true, true}, "iostat": {true, false},
		"telemetry": {true, true}, "zabbix": {false, false},
	} {
		if state[name] != want {
			t.Errorf("%s enabled/always_on %v, want %v", name, state[name], want)
		}
	}
	if _, ok := state["selftest"]; ok {
		t.Error("selftest is listed")
	}
	must(t, c.MgrModules.Enable(bg, "zabbix"))
	must(t, c.MgrModules.SetOptions(bg, "balancer", map[string]any{"active": false, "sleep_interval": float64(120), "nope": 1}))
	vals, err := c.MgrModules.Get(bg, "balancer")
	must(t, err)
	if vals["active"] != false || vals["sleep_interval"] != int64(120) {
		t.Errorf("balancer values %v", vals)
	}
	if _, ok := vals["nope"]; ok {
		t.Error("unknown option stored")
	}
	must(t, c.MgrModules.Disable(bg, "zabbix"))
	opts, err := c.MgrModules.Options(bg, "balancer")
	must(t, err)
	if opts["active"].Type != "bool" {
		t.Errorf("schema %+v", opts["active"])
	}
}

func TestImages(t *testing.T) {
	c := memory.New()
	must(t, c.Pools.Create(bg, "rbd", &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}}))
	spec := rbd.ImageSpec{Pool: "rbd", Name: "disk"}
	must(t, c.RBD.Images.Create(bg, spec, &rbd.CreateOptions{Size: 1 << 30}))
	if err := c.RBD.Images.Create(bg, spec, &rbd.CreateOptions{Size: 1 << 30}); code(err) != ceph.AlreadyExists {
		t.Errorf("duplicate image: %v", err)
	}
	img, err := c.RBD.Images.Get(bg, spec)
	must(t, err)
	if img.Size != 1<<30 || img.Order != 22 || img.NumObjs != 256 || img.Features != 61 ||
		!slices.Equal(img.FeaturesName, []string{"deep-flatten", "exclusive-lock", "fast-diff", "layering", "object-map"}) {
		t.Errorf("image %+v", img)
	}
	size, name := uint64(2<<30), "disk2"
	feats := []string{"layering", "exclusive-lock", "deep-flatten"}
	must(t, c.RBD.Images.Update(bg, spec, &rbd.UpdateOptions{NewName: &name, Size: &size, Features: &feats}))
	bad := []string{"layering"}
	if err := c.RBD.Images.Update(bg, rbd.ImageSpec{Pool: "rbd", Name: "disk2"}, &rbd.UpdateOptions{Features: &bad}); code(err) != ceph.InvalidArgument {
		t.Errorf("disabling deep-flatten: %v", err)
	}
	l, err := c.RBD.Images.List(bg, "", nil)
	must(t, err)
	list := l.Images
	if len(list) != 1 || list[0].Name != "disk2" || list[0].Size != size || list[0].Features != 37 {
		t.Errorf("list %+v", list)
	}
	must(t, c.RBD.Images.Delete(bg, rbd.ImageSpec{Pool: "rbd", Name: "disk2"}))
	if err := c.RBD.Images.Delete(bg, rbd.ImageSpec{Pool: "rbd", Name: "disk2"}); code(err) != ceph.NotFound {
		t.Errorf("delete twice: %v", err)
	}
}

func TestFakeHooks(t *testing.T) {
	c, f := memory.NewFake()
	injected := errors.New("injected")

	// OnCall sees every call of its method until removed.
	var seen []string
	remove := f.OnCall("*", func(call memory.Call) error {
		seen = append(seen, call.Method)
		return nil
	})
	_, _ = c.Pools.List(bg, nil)
	_, _ = c.OSDs.Tree(bg)
	remove()
	_, _ = c.Health.Report(bg)
	if !slices.Equal(seen, []string{"Pools.List", "OSDs.Tree"}) {
		t.Errorf("seen %v", seen)
	}

	// A failing reactor stops the call before it changes anything.
	stop := f.OnCall("Pools.Delete", func(call memory.Call) error {
		if call.Args[0] == "device_health_metrics" {
			return injected
		}
		return nil
	})
	if err := c.Pools.Delete(bg, "device_health_metrics"); err != injected {
		t.Errorf("Delete: %v, want the injected error itself", err)
	}
	if _, err := c.Pools.Get(bg, "device_health_metrics", nil); err != nil {
		t.Errorf("the failed delete removed the pool: %v", err)
	}
	stop()

	// FailNext fires once.
	f.FailNext("OSDs.Mark", injected)
	if err := c.OSDs.Mark(bg, []int{0}, osd.Out); !errors.Is(err, injected) {
		t.Errorf("first Mark: %v", err)
	}
	must(t, c.OSDs.Mark(bg, []int{0}, osd.Out))

	// Calls that fail validation never reach the model, so are not recorded.
	f.ResetCalls()
	_ = c.Pools.Create(bg, "", &ceph.PoolCreateOptions{PGNum: 8})
	_ = c.RBD.Images.Delete(bg, rbd.ImageSpec{Pool: "p", Name: "i"})
	calls := f.Calls()
	if len(calls) != 1 || calls[0].Method != "RBD.Images.Delete" || calls[0].Args[0] != (rbd.ImageSpec{Pool: "p", Name: "i"}) {
		t.Errorf("calls %+v", calls)
	}
}

// TestCopiesOut changes everything a call returned and checks that the
// model did not change.
func TestCopiesOut(t *testing.T) {
	c := memory.New()
	pools, _ := c.Pools.List(bg, nil)
	pools[0].ApplicationMetadata[0] = "changed"
	pools[0].Options["pg_num_max"] = 1
	tree, _ := c.OSDs.Tree(bg)
	tree.Nodes[0].Children[0] = 99
	osds, _ := c.OSDs.List(bg)
	osds[0].State[0] = "changed"
	osds[0].PublicAddrs.AddrVec[0].Addr = "changed"
	rules, _ := c.CrushRules.List(bg)
	*rules[0].Steps[0].Item = 42
	logs, _ := c.Logs.Recent(bg, nil)
	logs.ClusterLog[0].Addrs.AddrVec[0].Addr = "changed"
	opt, _ := c.Config.Get(bg, "osd_scrub_begin_hour")
	opt.SeeAlso[0] = "changed"

	pools2, _ := c.Pools.List(bg, nil)
	tree2, _ := c.OSDs.Tree(bg)
	osds2, _ := c.OSDs.List(bg)
	rules2, _ := c.CrushRules.List(bg)
	logs2, _ := c.Logs.Recent(bg, nil)
	opt2, _ := c.Config.Get(bg, "osd_scrub_begin_hour")
	if pools2[0].ApplicationMetadata[0] != "mgr_devicehealth" || pools2[0].Options["pg_num_max"] != 32 ||
		tree2.Nodes[0].Children[0] == 99 || osds2[0].State[0] != "exists" || osds2[0].PublicAddrs.AddrVec[0].Addr == "changed" ||
		*rules2[0].Steps[0].Item != -1 || logs2.ClusterLog[0].Addrs.AddrVec[0].Addr == "changed" || opt2.SeeAlso[0] == "changed" {
		t.Error("a returned value shares memory with the model")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := memory.New(memory.WithGenerated(3, 3, 2))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				name := fmt.Sprintf("p-%d-%d", g, i)
				if err := c.Pools.Create(bg, name, &ceph.PoolCreateOptions{PGNum: 1, Applications: []string{"rbd"}}); err != nil {
					t.Error(err)
					return
				}
				// At most two OSDs out at once: with more, the PGs of
				// the generated pools exceed mon_max_pg_per_osd on the OSDs
				// left in and a create is (rightly) refused.
				_ = c.OSDs.Mark(bg, []int{g % 2}, osd.Out)
				_ = c.OSDs.Mark(bg, []int{g % 2}, osd.In)
				if _, err := c.Health.Full(bg); err != nil {
					t.Error(err)
				}
				if err := c.Pools.Delete(bg, name); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	pools, _ := c.Pools.List(bg, nil)
	if len(pools) != 3 {
		t.Errorf("%d pools left", len(pools))
	}
	if got := checks(t, c); got != nil {
		t.Errorf("health after the storm: %v", got)
	}
}

func TestGeneratedLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large cluster")
	}
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 1000, OSDsPerHost: 10, Racks: 10, Pools: 100, ObjectsPerPool: 1000, BytesPerObject: 4096}))
	h, err := c.Health.Full(bg)
	must(t, err)
	if h.Health.Status != ceph.HealthOK || len(h.OSDMap.OSDs) != 10000 || len(h.Pools) != 101 {
		t.Fatalf("status %s, %d OSDs, %d pools", h.Health.Status, len(h.OSDMap.OSDs), len(h.Pools))
	}
	if h.PGInfo.ObjectStats.NumObjects != 100000 || h.DF.Stats.TotalUsedRawBytes == 0 {
		t.Errorf("usage: %+v %+v", h.PGInfo.ObjectStats, h.DF.Stats)
	}
}

// TestTreeOrder checks Ceph's dump order: a bucket's OSDs by class and id,
// then its buckets by name; "children" lists them in reverse.
func TestTreeOrder(t *testing.T) {
	c, f := memory.NewFake()
	id, err := c.OSDLifecycle.Create(bg, &osd.CreateOptions{Host: "alpha"})
	must(t, err)
	must(t, f.SetOSDUp(id, true))
	tree, err := c.OSDs.Tree(bg)
	must(t, err)
	var names []string
	for _, n := range tree.Nodes {
		names = append(names, n.Name)
	}
	want := []string{"default", "alpha", "osd.1", "dev", "osd.0", "rack01", "rack02", "rack03"}
	if !slices.Equal(names, want) {
		t.Errorf("order %q, want %q", names, want)
	}
	// alpha is -11: -6..-10 are the hdd shadow buckets of the seed's
	// buckets (dev~hdd ... default~hdd), as a monitor allocates them.
	if got := tree.Nodes[0].Children; !slices.Equal(got, []int{-5, -4, -3, -2, -11}) {
		t.Errorf("root children %v", got)
	}
}

// TestOutButUp: an out OSD that is still up keeps its copies; with nowhere
// to move them the PGs are active+clean+remapped and the objects misplaced,
// without a health check (as on a real 3-OSD 16.2 cluster).
func TestOutButUp(t *testing.T) {
	c, f := memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 1, Pools: 1, PGsPerPool: 8}))
	must(t, f.SetPoolUsage("pool-000", 600, 6))
	must(t, c.OSDs.Mark(bg, []int{2}, osd.Out))
	if got := checks(t, c); got != nil {
		t.Errorf("checks %v", got)
	}
	full, err := c.Health.Full(bg)
	must(t, err)
	if st := full.PGInfo.Statuses; st["active+clean+remapped"] != 9 {
		t.Errorf("statuses %v", st)
	}
	if m := full.PGInfo.ObjectStats.NumObjectsMisplaced; m != 6 {
		t.Errorf("misplaced %d, want 6", m)
	}
	if full.DF.Stats.TotalBytes != 2<<40 {
		t.Errorf("total %d: the out OSD still counts", full.DF.Stats.TotalBytes)
	}
	must(t, c.OSDs.Mark(bg, []int{2}, osd.In))
	full, err = c.Health.Full(bg)
	must(t, err)
	if st := full.PGInfo.Statuses; st["active+clean"] != 9 || full.PGInfo.ObjectStats.NumObjectsMisplaced != 0 {
		t.Errorf("after mark in: %v", full.PGInfo)
	}
}

// TestECPoolTooWide: an erasure-coded pool whose rule cannot place
// min_size shards stays creating+incomplete, as on a real small cluster.
func TestECPoolTooWide(t *testing.T) {
	c := memory.New()
	must(t, c.Pools.Create(bg, "ec", &ceph.PoolCreateOptions{Type: ceph.Erasure, PGNum: 8, Applications: []string{"rbd"}}))
	h, err := c.Health.Report(bg)
	must(t, err)
	if len(h.Checks) != 1 || h.Checks[0].Type != "PG_AVAILABILITY" {
		t.Fatalf("checks %+v", h.Checks)
	}
	pa := h.Checks[0]
	if pa.Summary.Message != "Reduced data availability: 8 pgs inactive, 8 pgs incomplete" || pa.Summary.Count != 16 {
		t.Errorf("summary %+v", pa.Summary)
	}
	want := "pg 2.0 is creating+incomplete, acting [0,2147483647,2147483647,2147483647] (reducing pool ec min_size from 3 may help; search ceph.com/docs for 'incomplete')"
	if len(pa.Detail) != 8 || pa.Detail[0].Message != want {
		t.Errorf("detail %q", pa.Detail[0].Message)
	}
}
