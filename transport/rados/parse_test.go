package rados

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status string
		want   ceph.Code
	}{
		{"ENOENT", errnoErr(-int(syscall.ENOENT)), "pool 'x' does not exist", ceph.NotFound},
		{"EEXIST", errnoErr(-int(syscall.EEXIST)), "", ceph.AlreadyExists},
		{"EINVAL", errnoErr(-int(syscall.EINVAL)), "invalid command", ceph.InvalidArgument},
		{"ERANGE", errnoErr(-int(syscall.ERANGE)), "", ceph.InvalidArgument},
		{"EPERM", errnoErr(-int(syscall.EPERM)), "", ceph.PermissionDenied},
		{"EACCES", errnoErr(-int(syscall.EACCES)), "", ceph.PermissionDenied},
		{"EBUSY", errnoErr(-int(syscall.EBUSY)), "osd.0 is not down", ceph.Busy},
		{"EOPNOTSUPP", errnoErr(-int(syscall.EOPNOTSUPP)), "", ceph.Unimplemented},
		{"ETIMEDOUT", errnoErr(-int(syscall.ETIMEDOUT)), "", ceph.Unavailable},
		{"ENOTCONN", errnoErr(-int(syscall.ENOTCONN)), "", ceph.Unavailable},
		{"ESHUTDOWN", errnoErr(-int(syscall.ESHUTDOWN)), "", ceph.Unavailable},
		{"positive errno", errnoErr(int(syscall.ENOENT)), "", ceph.NotFound},
		{"no handler", errnoErr(-int(syscall.EINVAL)), "No handler found for 'foo'", ceph.Unimplemented},
		{"unknown errno", errnoErr(-int(syscall.EXDEV)), "", ceph.Internal},
		{"no errno", errors.New("boom"), "", ceph.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(tt.err, tt.status, "pool")
			if got := ceph.CodeOf(err); got != tt.want {
				t.Fatalf("code = %v, want %v", got, tt.want)
			}
			var ce *ceph.Error
			if !errors.As(err, &ce) || ce.Component != "pool" {
				t.Fatalf("not a *ceph.Error with component: %#v", err)
			}
			if tt.status != "" && ce.Detail != tt.status {
				t.Fatalf("detail = %q, want the status line %q", ce.Detail, tt.status)
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("native error lost")
			}
		})
	}
	if classify(nil, "x", "pool") != nil {
		t.Fatal("classify(nil) != nil")
	}
	already := ceph.Errorf(ceph.NotFound, "rbd", "x")
	if classify(already, "", "pool") != already {
		t.Fatal("an *ceph.Error is wrapped twice")
	}
}

func TestEncode(t *testing.T) {
	if got := string(encode("osd tree", "", nil)); got != `{"prefix":"osd tree"}` {
		t.Fatalf("plain format: %s", got)
	}
	if got := string(encode("osd reweight", "json", args{"id": 0, "weight": floatArg(1)})); got != `{"format":"json","id":0,"prefix":"osd reweight","weight":1.0}` {
		t.Fatalf("json: %s", got)
	}
	for f, want := range map[float64]string{1: "1.0", 0.5: "0.5", 0: "0.0", 1e21: "1000000000000000000000.0"} {
		if got := string(floatArg(f)); got != want {
			t.Errorf("floatArg(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestCallContext(t *testing.T) {
	r, f := newTestRunner(t)
	// a canceled context makes no call
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.mon(ctx, "x", "osd dump", nil); !errors.Is(err, ceph.ErrCanceled) {
		t.Fatalf("err = %v, want Canceled", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("a call was made with a canceled context")
	}
	// a call that hangs returns when the deadline passes
	f.block = make(chan struct{})
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := r.mon(ctx, "x", "osd dump", nil); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ceph.ErrDeadlineExceeded) {
			t.Fatalf("err = %v, want DeadlineExceeded", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not return at the deadline")
	}
	// close waits for the abandoned call, then refuses new ones
	closed := make(chan struct{})
	go func() { r.close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("close returned while a call was still running")
	case <-time.After(20 * time.Millisecond):
	}
	close(f.block)
	<-closed
	if _, err := r.mon(context.Background(), "x", "osd dump", nil); !errors.Is(err, ceph.ErrUnavailable) {
		t.Fatalf("after close: %v, want Unavailable", err)
	}
}

func TestHealthReport(t *testing.T) {
	r, f := newTestRunner(t)
	b := mustRead(t, "health_detail_warn.json")
	f.on("health detail", string(b), "", 0)
	rep, err := health{r: r}.Report(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != ceph.HealthWarn || len(rep.Checks) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	if rep.Checks[0].Type != "OSDMAP_FLAGS" || rep.Checks[1].Type != "OSD_FLAGS" {
		t.Fatalf("order: %v, %v", rep.Checks[0].Type, rep.Checks[1].Type)
	}
	if rep.Checks[1].Detail[0].Message != "osd.1 has flags noout" || rep.Checks[0].Detail == nil {
		t.Fatalf("detail: %+v", rep.Checks)
	}
}

func TestHealthFullAndMinimal(t *testing.T) {
	r, _ := newTestRunner(t)
	h := health{r: r}
	ctx := context.Background()
	full, err := h.Full(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if full.Health.Status != ceph.HealthOK || full.Hosts != 1 || full.RGW != 0 {
		t.Fatalf("full: status %v hosts %d rgw %d", full.Health.Status, full.Hosts, full.RGW)
	}
	if len(full.OSDMap.OSDs) != 2 || full.OSDMap.FSID == "" || len(full.Pools) != 2 || len(full.DF.Pools) != 2 {
		t.Fatalf("full: %d osds, %d pools, %d df pools", len(full.OSDMap.OSDs), len(full.Pools), len(full.DF.Pools))
	}
	if full.Pools[1].CrushRule != "replicated_rule" || full.Pools[1].Stats["objects"].Latest != 5 {
		t.Fatalf("pool with stats: %+v", full.Pools[1])
	}
	if full.MonStatus.Name != "a" || full.MonStatus.State != "leader" || full.MgrMap.ActiveName != "x" {
		t.Fatalf("mon/mgr: %+v %+v", full.MonStatus, full.MgrMap)
	}
	if full.ScrubStatus != "Inactive" || full.PGInfo.Statuses["active+clean"] != 9 || full.PGInfo.PGsPerOSD != 3.5 {
		t.Fatalf("pg info: %+v %q", full.PGInfo, full.ScrubStatus)
	}
	min, err := h.Minimal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(min.MonStatus.MonMap.Mons) != 1 || len(min.OSDMap.OSDs) != 2 || len(min.Pools) != 2 ||
		min.DF.Stats.TotalBytes != full.DF.Stats.TotalBytes || min.OSDMap.OSDs[0].Up != 1 {
		t.Fatalf("minimal: %+v", min)
	}
	s, err := h.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := ceph.Summary{HealthStatus: ceph.HealthOK, MgrID: "x", MgrHost: "http://127.0.0.1:43080/", HaveMonConnection: true,
		Version: "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)"}
	if *s != want {
		t.Fatalf("summary = %+v", s)
	}
}

func TestScrubStatus(t *testing.T) {
	tests := []struct {
		flags    []string
		statuses map[string]int
		want     string
	}{
		{nil, map[string]int{"active+clean": 1}, "Inactive"},
		{[]string{"noscrub"}, map[string]int{"active+clean+scrubbing": 1}, "Disabled"},
		{[]string{"nodeep-scrub"}, nil, "Disabled"},
		{nil, map[string]int{"active+clean+scrubbing+deep": 1}, "Active"},
	}
	for _, tt := range tests {
		if got := scrubStatus(tt.flags, tt.statuses); got != tt.want {
			t.Errorf("scrubStatus(%v, %v) = %q, want %q", tt.flags, tt.statuses, got, tt.want)
		}
	}
}

func TestMonitors(t *testing.T) {
	r, _ := newTestRunner(t)
	rep, err := monitors{r: r}.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.InQuorum) != 1 || len(rep.OutQuorum) != 0 || rep.InQuorum[0].PublicAddr != "127.0.0.1:43001/0" {
		t.Fatalf("report: %+v", rep)
	}
}

func TestPools(t *testing.T) {
	ctx := context.Background()
	t.Run("List", func(t *testing.T) {
		r, _ := newTestRunner(t)
		l, err := pools{r: r}.List(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := l[1]
		if p.PoolName != "rbdp" || p.Type != ceph.Replicated || p.CrushRule != "replicated_rule" ||
			!reflect.DeepEqual(p.ApplicationMetadata, []string{"rbd"}) || p.QuotaMaxObjects != 1000 || p.Stats != nil ||
			p.PGNumPending != 8 || p.LastForceOpResend != "0" {
			t.Fatalf("pool: %+v", p)
		}
	})
	t.Run("GetMissing", func(t *testing.T) {
		r, _ := newTestRunner(t)
		if _, err := (pools{r: r}).Get(ctx, "nope", nil); !errors.Is(err, ceph.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("CreateExisting", func(t *testing.T) {
		// the mon answers 0 "pool 'rbdp' already exists": checked first
		r, f := newTestRunner(t)
		err := pools{r: r}.Create(ctx, "rbdp", &ceph.PoolCreateOptions{PGNum: 8})
		if !errors.Is(err, ceph.ErrAlreadyExists) || len(f.writes()) != 0 {
			t.Fatalf("err = %v, writes %v", err, f.writes())
		}
	})
	t.Run("Create", func(t *testing.T) {
		r, f := newTestRunner(t)
		for _, k := range []string{"osd pool create", "osd pool application enable", "osd pool set", "osd pool set-quota"} {
			f.on(k, "", "", 0)
		}
		err := pools{r: r}.Create(ctx, "new", &ceph.PoolCreateOptions{PGNum: 16, Size: 2, Applications: []string{"rbd"},
			QuotaMaxBytes: 1024, Compression: &ceph.Compression{Mode: "aggressive"}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			`osd pool create pg_num=16 pgp_num=16 pool="new" pool_type="replicated"`,
			`osd pool application enable app="rbd" pool="new" yes_i_really_mean_it=true`,
			`osd pool set-quota field="max_bytes" pool="new" val="1024"`,
			`osd pool set pool="new" val="2" var="size"`,
			`osd pool set pool="new" val="aggressive" var="compression_mode"`,
		}
		if got := f.writes(); !reflect.DeepEqual(got, want) {
			t.Fatalf("writes:\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("Update", func(t *testing.T) {
		r, f := newTestRunner(t)
		for _, k := range []string{"osd pool application enable", "osd pool application disable", "osd pool set", "osd pool rename"} {
			f.on(k, "", "", 0)
		}
		n, apps, name := 32, []string{"rgw"}, "renamed"
		err := pools{r: r}.Update(ctx, "rbdp", &ceph.PoolUpdateOptions{PGNum: &n, Applications: &apps, NewName: &name})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			`osd pool application disable app="rbd" pool="rbdp" yes_i_really_mean_it=true`,
			`osd pool application enable app="rgw" pool="rbdp" yes_i_really_mean_it=true`,
			`osd pool set pool="rbdp" val="32" var="pg_num"`,
			`osd pool set pool="rbdp" val="32" var="pgp_num"`,
			`osd pool rename destpool="renamed" srcpool="rbdp"`,
		}
		if got := f.writes(); !reflect.DeepEqual(got, want) {
			t.Fatalf("writes:\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("DeleteMissing", func(t *testing.T) {
		r, f := newTestRunner(t)
		if err := (pools{r: r}).Delete(ctx, "nope"); !errors.Is(err, ceph.ErrNotFound) || len(f.writes()) != 0 {
			t.Fatalf("err = %v, writes %v", err, f.writes())
		}
	})
	t.Run("DeleteForbidden", func(t *testing.T) {
		r, f := newTestRunner(t)
		f.on("osd pool delete", "", "pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true before you can destroy a pool", syscall.EPERM)
		err := pools{r: r}.Delete(ctx, "rbdp")
		if !errors.Is(err, ceph.ErrFailedPrecondition) {
			t.Fatalf("err = %v, want FailedPrecondition", err)
		}
	})
}

func TestCompressionUnset(t *testing.T) {
	got := compressionKeys(&ceph.Compression{Mode: "unset"}, map[string]any{"compression_algorithm": "snappy", "compression_min_blob_size": 1})
	want := [][2]string{{"compression_mode", "unset"}, {"compression_min_blob_size", "0"}, {"compression_algorithm", "unset"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestCrushAndProfiles(t *testing.T) {
	ctx := context.Background()
	r, f := newTestRunner(t)
	rules, err := crushRules{r: r}.List(ctx)
	if err != nil || len(rules) != 1 || rules[0].RuleName != "replicated_rule" || len(rules[0].Steps) != 3 {
		t.Fatalf("rules %+v %v", rules, err)
	}
	if _, err := (crushRules{r: r}).Get(ctx, "nope"); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Get(nope) = %v", err)
	}
	if err := (crushRules{r: r}).Delete(ctx, "nope"); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Delete(nope) = %v", err)
	}
	if err := (crushRules{r: r}).Create(ctx, "replicated_rule", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "osd"}); !errors.Is(err, ceph.ErrAlreadyExists) {
		t.Fatalf("Create(existing) = %v", err)
	}
	profs, err := ecProfiles{r: r}.List(ctx)
	if err != nil || len(profs) != 2 {
		t.Fatalf("profiles %+v %v", profs, err)
	}
	ecp := profs[1]
	if ecp.Name != "ecp" || ecp.K != 2 || ecp.M != 1 || ecp.CrushFailureDomain != "osd" || ecp.Extra["w"] != "8" {
		t.Fatalf("ecp = %+v", ecp)
	}
	got, err := ecProfiles{r: r}.Get(ctx, "ecp")
	if err != nil || !reflect.DeepEqual(*got, ecp) {
		t.Fatalf("Get(ecp) = %+v, %v", got, err)
	}
	f.on("osd erasure-code-profile set", "", "", 0)
	if err := (ecProfiles{r: r}).Create(ctx, "p2", &ceph.ErasureCodeProfileCreateOptions{K: 4, M: 2, Plugin: "jerasure", Extra: map[string]string{"w": "8"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{`osd erasure-code-profile set name="p2" profile=["k=4","m=2","plugin=jerasure","w=8"]`}
	if !reflect.DeepEqual(f.writes(), want) {
		t.Fatalf("writes %q", f.writes())
	}
}

func TestConfig(t *testing.T) {
	ctx := context.Background()
	r, f := newTestRunner(t)
	f.on("tell mon.a config help", string(mustRead(t, "config_help_subset.json")), "", 0)
	// debug_* levels are not in the whole-schema help: asked one by one
	f.on("tell mon.a config show", `{"debug_osd": "1/5", "osd_max_backfills": "1"}`, "", 0)
	f.on("config help", `{"name": "debug_osd", "type": "str", "level": "advanced", "default": "1/5", "can_update_at_runtime": true}`, "", 0)
	c := config{r: r, schema: &schemaCache{}}
	o, err := c.Get(ctx, "osd_max_backfills")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Value, []ceph.ConfigValue{{Section: "osd", Value: "3"}}) || o.Source != "mon" {
		t.Fatalf("option: %+v", o)
	}
	if d, err := c.Get(ctx, "debug_osd"); err != nil || d.Type != "str" || d.Default != "1/5" {
		t.Fatalf("debug_osd: %+v %v", d, err)
	}
	fsid, err := c.Get(ctx, "fsid")
	if err != nil || len(fsid.Value) != 1 || fsid.Value[0].Section != "mgr" {
		t.Fatalf("fsid: %+v %v", fsid, err)
	}
	if _, err := c.Get(ctx, "nope"); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Get(nope) = %v", err)
	}
	if _, err := c.Filter(ctx, []string{"nope"}); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Filter(nope) = %v", err)
	}
	err = c.Set(ctx, "osd_objectstore", []ceph.ConfigValue{{Section: "osd", Value: "memstore"}})
	var ce *ceph.Error
	if !errors.As(err, &ce) || ce.Code != ceph.InvalidArgument || ce.Reason != "config_option_not_updatable_at_runtime" {
		t.Fatalf("Set(startup option) = %v", err)
	}
	f.on("config set", "", "", 0)
	f.on("config rm", "", "", 0)
	if err := c.Set(ctx, "osd_max_backfills", []ceph.ConfigValue{{Section: "osd", Value: "2"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`config rm name="osd_max_backfills" who="global"`, `config rm name="osd_max_backfills" who="mon"`,
		`config rm name="osd_max_backfills" who="mgr"`, `config set name="osd_max_backfills" value="2" who="osd"`,
		`config rm name="osd_max_backfills" who="mds"`, `config rm name="osd_max_backfills" who="client"`,
	}
	if !reflect.DeepEqual(f.writes(), want) {
		t.Fatalf("writes %q", f.writes())
	}
}

func TestMgrModules(t *testing.T) {
	ctx := context.Background()
	r, _ := newTestRunner(t)
	m := mgrModules{r: r}
	mods, err := m.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ceph.MgrModule{}
	for _, x := range mods {
		byName[x.Name] = x
	}
	if d := byName["dashboard"]; !d.Enabled || d.AlwaysOn {
		t.Fatalf("dashboard: %+v", d)
	}
	if b := byName["balancer"]; !b.Enabled || !b.AlwaysOn {
		t.Fatalf("balancer: %+v", b)
	}
	if _, ok := byName["selftest"]; ok {
		t.Fatal("selftest is listed")
	}
	vals, err := m.Get(ctx, "dashboard")
	if err != nil {
		t.Fatal(err)
	}
	if vals["server_port"] != int64(43080) || vals["ssl"] != false || vals["server_addr"] != "127.0.0.1" {
		t.Fatalf("values: port %#v ssl %#v addr %#v", vals["server_port"], vals["ssl"], vals["server_addr"])
	}
	if _, err := m.Get(ctx, "nope"); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Get(nope) = %v", err)
	}
}

func TestTypedValue(t *testing.T) {
	tests := []struct {
		typ, s string
		def    bool
		want   any
	}{
		{"str", "None", true, ""},
		{"str", "x", false, "x"},
		{"bool", "", true, false},
		{"bool", "True", true, true},
		{"secs", "60", true, int64(60)},
		{"float", "0.5", true, 0.5},
		{"int", "None", true, nil},
		{"uint", "", true, ""},
	}
	for _, tt := range tests {
		if got := typedValue(tt.typ, tt.s, tt.def); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("typedValue(%q, %q) = %#v, want %#v", tt.typ, tt.s, got, tt.want)
		}
	}
}

func TestLogs(t *testing.T) {
	r, f := newTestRunner(t)
	b := string(mustRead(t, "log_last_5.json"))
	f.on("log last", b, "", 0)
	got, err := logs{r: r}.Recent(context.Background(), &ceph.LogOptions{Lines: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ClusterLog) != 2 || got.ClusterLog[0].Seq != 44 || got.ClusterLog[1].Seq != 42 {
		t.Fatalf("newest first, 2 lines: %+v", got.ClusterLog)
	}
}

func TestOSDs(t *testing.T) {
	ctx := context.Background()
	r, f := newTestRunner(t)
	o := osds{r: r}
	l, err := o.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 2 || l[0].ID != 0 || l[0].Tree.Name != "osd.0" || l[0].Host.Name != "vm" ||
		l[1].Stats["numpg"] != 7 || l[0].OperationalStatus != "unmanaged" || l[0].OSDStats.Statfs.Total != 1073741824 {
		t.Fatalf("list: %+v", l[0])
	}
	d, err := o.Get(ctx, 0)
	if err != nil || d.OSDMetadata["osd_objectstore"] != "memstore" || d.OSDMap.ID != 0 {
		t.Fatalf("get: %+v %v", d, err)
	}
	if _, err := o.Get(ctx, 9); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Get(9) = %v", err)
	}
	if err := o.Mark(ctx, []int{9}, osd.Out); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Mark(9) = %v (the mon says success for a missing OSD)", err)
	}
	f.on("osd lost", "", "osd.0 is not down", syscall.EBUSY)
	if err := o.Mark(ctx, []int{0}, osd.Lost); !errors.Is(err, ceph.ErrBusy) {
		t.Fatalf("Mark(lost) = %v, want Busy", err)
	}
	f.on("osd reweight", "", "", 0)
	if err := o.Reweight(ctx, 0, 1); err != nil {
		t.Fatal(err)
	}
	f.on("osd scrub", "", "osd.0 is not up", syscall.EAGAIN)
	if err := o.Scrub(ctx, 0, false); !errors.Is(err, ceph.ErrFailedPrecondition) {
		t.Fatalf("Scrub of a down OSD = %v, want FailedPrecondition", err)
	}
	s, err := o.Settings(ctx)
	if err != nil || s.FullRatio != 0.949999988079071 || s.NearfullRatio != 0.8500000238418579 {
		t.Fatalf("settings %+v %v", s, err)
	}
	want := []string{`osd lost id=0 yes_i_really_mean_it=true`, `osd reweight id=0 weight=1.0`, `osd scrub who="0"`}
	if !reflect.DeepEqual(f.writes(), want) {
		t.Fatalf("writes %q", f.writes())
	}
}

func TestFlags(t *testing.T) {
	if got := clusterFlags([]string{"sortbitwise", "pauserd", "pausewr", "noout"}); !reflect.DeepEqual(got, []string{"noout", "pause", "sortbitwise"}) {
		t.Fatalf("clusterFlags = %v", got)
	}
	ctx := context.Background()
	r, f := newTestRunner(t)
	fl := flags{r: r}
	cur, err := fl.List(ctx)
	if err != nil || !reflect.DeepEqual(cur, []string{"pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"}) {
		t.Fatalf("List = %v, %v", cur, err)
	}
	f.on("osd set", "", "", 0)
	got, err := fl.Set(ctx, append(cur, "noout"))
	if err != nil || len(got) != 5 {
		t.Fatalf("Set = %v, %v", got, err)
	}
	if w := f.writes(); !reflect.DeepEqual(w, []string{`osd set key="noout"`}) {
		t.Fatalf("writes %q", w)
	}
	ind, err := fl.Individual(ctx)
	if err != nil || len(ind) != 2 || !reflect.DeepEqual(ind[0].Flags, []string{"exists", "up"}) {
		t.Fatalf("Individual = %+v, %v", ind, err)
	}
	f.on("osd set-group", "", "", 0)
	f.on("osd unset-group", "", "", 0)
	res, err := fl.SetIndividual(ctx, []int{1}, map[string]bool{"noout": true, "noin": false})
	if err != nil || !reflect.DeepEqual(res.Added, []string{"noout"}) || !reflect.DeepEqual(res.Removed, []string{"noin"}) {
		t.Fatalf("SetIndividual = %+v, %v", res, err)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	r, f := newTestRunner(t)
	l := lifecycle{r: r, newUUID: func() (string, error) { return "u-1", nil }}
	f.on("osd new", `{"osdid":2}`, "", 0)
	f.on("osd crush add", "", "", 0)
	id, err := l.Create(ctx, &osd.CreateOptions{Host: "h1"})
	if err != nil || id != 2 {
		t.Fatalf("Create = %d, %v", id, err)
	}
	want := []string{`osd new uuid="u-1"`, `osd crush add args=["host=h1","root=default"] id=2 weight=1.0`}
	if !reflect.DeepEqual(f.writes(), want) {
		t.Fatalf("writes %q", f.writes())
	}
	f.on("osd safe-to-destroy", string(mustRead(t, "osd_safe-to-destroy_0.json")),
		"OSD(s) 0 have 2 pgs currently mapped to them.", syscall.EBUSY)
	rep, err := l.SafeToDestroy(ctx, []int{0})
	if err != nil || rep.IsSafeToDestroy || rep.Message == "" {
		t.Fatalf("SafeToDestroy = %+v, %v", rep, err)
	}
	if err := l.Destroy(ctx, 9); !errors.Is(err, ceph.ErrNotFound) {
		t.Fatalf("Destroy(9) = %v", err)
	}
	if err := l.Delete(ctx, 0, nil); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Fatalf("Delete = %v", err)
	}
	if id, err := parseOSDNew([]byte("7\n")); err != nil || id != 7 {
		t.Fatalf("parseOSDNew(plain) = %d, %v", id, err)
	}
}

func TestPerfCounters(t *testing.T) {
	r, f := newTestRunner(t)
	f.on("tell osd.0 perf schema", string(mustRead(t, "osd_perf_schema_subset.json")), "", 0)
	f.on("tell osd.0 perf dump", string(mustRead(t, "osd_perf_dump_subset.json")), "", 0)
	f.on("tell osd.0 perf histogram schema", `{"osd":{"op_r_latency_out_bytes_histogram":{"type":26,"description":"Histogram of operation latency","priority":5,"units":"none"}}}`, "", 0)
	now := time.Unix(1000, 0)
	p := &perfCounters{r: r, last: map[string]perfSample{}, now: func() time.Time { return now }}
	d, err := p.Daemon(context.Background(), "osd", "0")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ceph.NamedCounter{}
	for _, c := range d.Counters {
		got[c.Name] = c
	}
	if c := got["osd.op_w"]; c.Unit != "/s" || c.Value != 0 {
		t.Fatalf("first sample of a counter is a rate of 0: %+v", c)
	}
	if c := got["osd.stat_bytes"]; c.Unit != "" || c.Value != 1073741824 {
		t.Fatalf("gauge: %+v", c)
	}
	if c, ok := got["osd.op_r_latency_out_bytes_histogram"]; !ok || c.Unit != "" || c.Value != 0 {
		t.Fatalf("a histogram is listed with the value 0, as the manager's schema has it: %+v (listed %v)", c, ok)
	}
	f.on("tell osd.0 perf dump", `{"osd":{"op_w":35,"numpg":2,"stat_bytes":1073741824,"op_r_latency":{"avgcount":1,"sum":1,"avgtime":1}}}`, "", 0)
	now = now.Add(10 * time.Second)
	d, err = p.Daemon(context.Background(), "osd", "0")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Counters {
		if c.Name == "osd.op_w" && c.Value != 2 {
			t.Fatalf("rate = %v, want (35-15)/10 = 2", c.Value)
		}
	}
	if _, err := p.Daemon(context.Background(), "mgr", "x"); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Fatalf("mgr = %v", err)
	}
}

func TestRBDHelpers(t *testing.T) {
	if got := featureNames(61); !reflect.DeepEqual(got, []string{"deep-flatten", "exclusive-lock", "fast-diff", "layering", "object-map"}) {
		t.Fatalf("featureNames = %v", got)
	}
	if b, err := featureBits([]string{"layering", "exclusive-lock"}); err != nil || b != 5 {
		t.Fatalf("featureBits = %d, %v", b, err)
	}
	if _, err := featureBits([]string{"nope"}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Fatalf("featureBits(nope) = %v", err)
	}
	dis, en := featureChanges(61, 1|4)
	if !reflect.DeepEqual(dis, []uint64{16, 8, 32}) || en != nil {
		t.Fatalf("featureChanges = %v %v", dis, en)
	}
	for size, want := range map[uint64]uint64{0: 22, 4096: 12, 1 << 22: 22} {
		if o, err := objectOrder(size); err != nil || o != want {
			t.Errorf("objectOrder(%d) = %d, %v", size, o, err)
		}
	}
	if _, err := objectOrder(3000); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Fatalf("objectOrder(3000) = %v", err)
	}
	if got := rbdTimestamp(time.Date(2026, 11, 26, 20, 5, 6, 518708000, time.UTC)); got != "2026-11-26T20:05:06Z" {
		t.Fatalf("timestamp %q", got)
	}
	if got := rbdTimestamp(time.Date(2026, 11, 26, 20, 5, 6, 0, time.UTC)); got != "2026-11-26T20:05:06Z" {
		t.Fatalf("timestamp %q", got)
	}
}

func TestCommands(t *testing.T) {
	r, f := newTestRunner(t)
	c := commands{r: r}
	f.on("osd tree", "ID CLASS WEIGHT\n", "", 0)
	res, err := c.Command(context.Background(), ceph.Command{Prefix: "osd tree"})
	if err != nil || string(res.Output) != "ID CLASS WEIGHT\n" {
		t.Fatalf("Command = %+v, %v", res, err)
	}
	if _, ok := f.calls[0]["format"]; ok {
		t.Fatal("plain format sent a format key")
	}
	f.on("pg dump", "", "", syscall.ENOENT)
	_, err = c.Command(context.Background(), ceph.Command{Prefix: "pg dump", Target: "mgr", Format: "json"})
	if !errors.Is(err, ceph.ErrNotFound) || f.calls[1]["format"] != "json" {
		t.Fatalf("mgr command = %v", err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRBDPoolConfig(t *testing.T) {
	schema := []ceph.ConfigOption{{Name: "rbd_cache"}, {Name: "rbd_default_pool"}, {Name: "osd_max_backfills"}, {Name: "rbd_atime_update_interval"}}
	names := rbdOptionNames(schema)
	if !reflect.DeepEqual(names, []string{"rbd_atime_update_interval", "rbd_cache"}) {
		t.Fatalf("names = %v", names)
	}
	got := mergePoolConfig(names, map[string]string{"rbd_cache": "true", "rbd_atime_update_interval": "60"}, map[string]string{"rbd_cache": "false"})
	want := []ceph.PoolConfigOption{{Name: "rbd_atime_update_interval", Value: "60", Source: 0}, {Name: "rbd_cache", Value: "false", Source: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merge = %+v", got)
	}
	if err := checkRBDOptions(names, map[string]string{"conf_rbd_cache": "x", "rbd_cache": "y"}); err != nil {
		t.Fatal(err)
	}
	if err := checkRBDOptions(names, map[string]string{"rbd_default_pool": "x"}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Fatalf("non-overridable option = %v", err)
	}
	// without librbd, configuration is Unimplemented, and refused before any write
	r, f := newTestRunner(t)
	err := pools{r: r}.Create(context.Background(), "new", &ceph.PoolCreateOptions{PGNum: 8, Configuration: map[string]string{"rbd_cache": "false"}})
	if !errors.Is(err, ceph.ErrUnimplemented) || len(f.writes()) != 0 {
		t.Fatalf("Create with configuration = %v, writes %v", err, f.writes())
	}
}

func TestMergeConfigImage(t *testing.T) {
	names := []string{"rbd_a", "rbd_b", "rbd_c"}
	got := mergeConfig(names, map[string]string{"rbd_a": "1", "rbd_b": "1", "rbd_c": "1"},
		map[string]string{"rbd_b": "2", "rbd_c": "2"}, confOverrides(map[string]string{"conf_rbd_c": "3", "other": "x"}))
	want := []ceph.PoolConfigOption{{Name: "rbd_a", Value: "1", Source: 0}, {Name: "rbd_b", Value: "2", Source: 1}, {Name: "rbd_c", Value: "3", Source: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestPGStatesActive(t *testing.T) {
	r, _ := newTestRunner(t)
	for pool, want := range map[string]bool{"ecx": false, "device_health_metrics": true} {
		var st pgStates
		if err := r.monJSON(context.Background(), "pool", &st, "pg ls-by-pool", args{"poolstr": pool}); err != nil {
			t.Fatal(err)
		}
		if st.allActive() != want {
			t.Errorf("%s: allActive = %v, want %v", pool, !want, want)
		}
	}
	if (&pgStates{}).allActive() {
		t.Error("a pool without PGs is not active")
	}
}

// fakeConf stands for librbd in pools tests.
type fakeConf struct{ calls int }

func (f *fakeConf) poolConfig(context.Context, string) ([]ceph.PoolConfigOption, error) {
	f.calls++
	return []ceph.PoolConfigOption{{Name: "rbd_cache", Value: "true"}}, nil
}
func (f *fakeConf) setPoolConfig(context.Context, string, map[string]string) error { return nil }

func TestPoolConfigurationInactivePool(t *testing.T) {
	r, f := newTestRunner(t)
	f.on("pg ls-by-pool rbdp", string(mustRead(t, "pg_ls-by-pool_ecx.json")), "", 0)
	fc := &fakeConf{}
	p := pools{r: r, conf: fc}
	got, err := p.Get(context.Background(), "rbdp", nil)
	if err != nil || got.Configuration == nil || len(got.Configuration) != 0 || fc.calls != 0 {
		t.Fatalf("inactive pool: %+v, %v, librbd calls %d", got, err, fc.calls)
	}
	f.on("pg ls-by-pool rbdp", string(mustRead(t, "pg_ls-by-pool_device_health_metrics.json")), "", 0)
	conf, err := p.Configuration(context.Background(), "rbdp")
	if err != nil || len(conf) != 1 || fc.calls != 1 {
		t.Fatalf("active pool: %+v, %v", conf, err)
	}
}

// tellFake is the fake with the tell calls of a real connection: to a
// manager by name and, through libcephfs, to a metadata server.
type tellFake struct{ *fakeCommander }

func (f tellFake) MgrCommandTarget(name string, args [][]byte) ([]byte, string, error) {
	return f.targeted("mgr."+name, args)
}

func (f tellFake) MdsCommand(spec string, args [][]byte) ([]byte, string, error) {
	return f.targeted("mds."+spec, args)
}

func (f tellFake) targeted(daemon string, args [][]byte) ([]byte, string, error) {
	var cmd map[string]any
	_ = json.Unmarshal(args[0], &cmd)
	cmd["prefix"] = fmt.Sprintf("tell %s %s", daemon, cmd["prefix"])
	b, _ := json.Marshal(cmd)
	return f.answer(b)
}

// Managers and metadata servers are asked by name, only when the maps list
// them; All has the metadata servers (as the dashboard, not the managers).
func TestPerfCountersMgrMDS(t *testing.T) {
	r, f := newTestRunner(t)
	tf := tellFake{f}
	r.c, r.mds = tf, tf
	f.on("fs dump", `{"epoch":5,"filesystems":[{"id":1,"mdsmap":{"fs_name":"cephfs","info":{"gid_4215":{"gid":4215,"name":"a","rank":0,"state":"up:active"}}}}],"standbys":[{"gid":4300,"name":"b","rank":-1,"state":"up:standby"}]}`, "", 0)
	schema := `{"mds":{"request":{"type":10,"metric_type":"counter","description":"Requests","nick":"req","priority":5,"units":"none"}}}`
	for _, d := range []string{"mds.a", "mds.b", "mgr.x"} {
		f.on("tell "+d+" perf schema", schema, "", 0)
		f.on("tell "+d+" perf dump", `{"mds":{"request":7}}`, "", 0)
	}
	p := &perfCounters{r: r, last: map[string]perfSample{}, now: time.Now}
	ctx := context.Background()
	for _, tc := range []struct {
		typ, id string
		code    ceph.Code
	}{
		{"mds", "a", ceph.Unknown},
		{"mds", "b", ceph.Unknown},
		{"mgr", "x", ceph.Unknown},
		{"mds", "zz", ceph.NotFound},
		{"mgr", "y", ceph.NotFound},
		{"rgw", "x", ceph.NotFound}, // no gateway in the service map
		{"rbd-mirror", "x", ceph.Unimplemented},
	} {
		d, err := p.Daemon(ctx, tc.typ, tc.id)
		if ceph.CodeOf(err) != tc.code {
			t.Fatalf("%s.%s: %v, want code %q", tc.typ, tc.id, err, tc.code)
		}
		if err == nil && (len(d.Counters) != 1 || d.Counters[0].Name != "mds.request" || d.Service.Type != tc.typ) {
			t.Fatalf("%s.%s: %+v", tc.typ, tc.id, d)
		}
	}
	f.on("tell osd.0 perf schema", string(mustRead(t, "osd_perf_schema_subset.json")), "", 0)
	f.on("tell osd.0 perf dump", string(mustRead(t, "osd_perf_dump_subset.json")), "", 0)
	f.on("tell mon.a perf schema", schema, "", 0)
	f.on("tell mon.a perf dump", `{}`, "", 0)
	all, err := p.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"mds.a", "mds.b", "mon.a", "osd.0"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("All has %v, want %v", keys, want)
	}
}
