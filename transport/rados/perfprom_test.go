package rados

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// The metrics page of a 16.2.15 manager with one MDS, one OSD and one
// radosgw (service map id 4151), cut to the families with samples of
// those daemons.
func TestPromDaemon(t *testing.T) {
	f, err := os.Open("testdata/mgr_prometheus_metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fams, err := parseProm(f) // all families, ceph_pool_objects_repaired written several times included
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fams["ceph_pool_objects_repaired"].samples); n < 3 {
		t.Errorf("ceph_pool_objects_repaired: %d samples, want those of every block", n)
	}
	schema, dump, ok := promDaemon(fams, "rgw", "4151")
	if !ok {
		t.Fatal("no counters of rgw.4151")
	}
	all := flatten(schema, dump, prioUseful)
	var names []string
	for k := range all {
		names = append(names, k)
	}
	slices.Sort(names)
	// what the dashboard listed for /api/perf_counters/rgw/4151 on the same cluster
	want := []string{
		"objecter-0x55c7a2231600.op_active", "objecter-0x55c7a2231600.op_r", "objecter-0x55c7a2231600.op_rmw", "objecter-0x55c7a2231600.op_w",
		"objecter.op_active", "objecter.op_r", "objecter.op_rmw", "objecter.op_w",
		"rgw.cache_hit", "rgw.cache_miss", "rgw.failed_req", "rgw.gc_retire_object", "rgw.get", "rgw.get_b", "rgw.get_initial_lat",
		"rgw.keystone_token_cache_hit", "rgw.keystone_token_cache_miss", "rgw.lc_abort_mpu", "rgw.lc_expire_current", "rgw.lc_expire_dm",
		"rgw.lc_expire_noncurrent", "rgw.lc_transition_current", "rgw.lc_transition_noncurrent", "rgw.pubsub_event_lost",
		"rgw.pubsub_event_triggered", "rgw.pubsub_events", "rgw.pubsub_missing_conf", "rgw.pubsub_push_failed", "rgw.pubsub_push_ok",
		"rgw.pubsub_push_pending", "rgw.pubsub_store_fail", "rgw.pubsub_store_ok", "rgw.put", "rgw.put_b", "rgw.put_initial_lat",
		"rgw.qactive", "rgw.qlen", "rgw.req",
	}
	if !slices.Equal(names, want) {
		t.Errorf("counters:\n got %q\nwant %q", names, want)
	}
	for _, tc := range []struct {
		name, desc string
		typ        int
		value      float64
	}{
		{"rgw.cache_hit", "Cache hits", perfCounterU64 | perfCounterCounter, 1869},
		{"rgw.qlen", "Queue length", perfCounterU64, 0},
		{"rgw.get_initial_lat", "Get latency", perfCounterTime | perfCounterLongRunAvg, 0},
		{"objecter.op_w", "Write operations", perfCounterU64 | perfCounterCounter, 1598},
		{"objecter-0x55c7a2231600.op_w", "Write operations", perfCounterU64 | perfCounterCounter, 680},
	} {
		c, ok := all[tc.name]
		if !ok {
			t.Errorf("%s missing", tc.name)
			continue
		}
		if c.Description != tc.desc || c.Type != tc.typ || c.Value != tc.value {
			t.Errorf("%s = %+v, want description %q type %d value %v", tc.name, c, tc.desc, tc.typ, tc.value)
		}
	}
	if c := all["rgw.get_initial_lat"]; c.Count == nil {
		t.Error("rgw.get_initial_lat has no count: a long-running average")
	}
	if _, _, ok := promDaemon(fams, "rgw", "9999"); ok {
		t.Error("counters for a gateway the page does not have")
	}
}

func TestPromPath(t *testing.T) {
	for _, tc := range []struct{ metric, section, counter string }{
		{"ceph_rgw_req", "rgw", "req"},
		{"ceph_rgw_get_initial_lat", "rgw", "get_initial_lat"},
		{"ceph_objecter_op_r", "objecter", "op_r"},
		{"ceph_objecter_0x55c7a2231600_op_r", "objecter-0x55c7a2231600", "op_r"},
		{"rgw_req", "", ""},
		{"ceph_rgw", "", ""},
	} {
		s, c, ok := promPath(tc.metric)
		if s != tc.section || c != tc.counter || ok != (tc.section != "") {
			t.Errorf("promPath(%q) = %q, %q, %v", tc.metric, s, c, ok)
		}
	}
}

// A gateway's counters come from the prometheus module the manager map
// names; without it they are Unimplemented, an unknown gateway NotFound.
func TestPerfCountersGateway(t *testing.T) {
	page, err := os.ReadFile("testdata/mgr_prometheus_metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	r, f := newTestRunner(t)
	f.on("service dump", `{"services":{"rgw":{"daemons":{"summary":"","4151":{"gid":4151,"metadata":{"id":"x"}}}}}}`, "", 0)
	f.on("mgr dump", `{"active_name":"x","services":{"dashboard":"http://127.0.0.1:1/"}}`, "", 0)
	p := &perfCounters{r: r, last: map[string]perfSample{}, now: time.Now}
	ctx := context.Background()
	if _, err := p.Daemon(ctx, "rgw", "4151"); ceph.CodeOf(err) != ceph.Unimplemented || !strings.Contains(err.Error(), "prometheus") {
		t.Fatalf("without the prometheus module: %v, want Unimplemented naming it", err)
	}
	f.on("mgr dump", `{"active_name":"x","services":{"prometheus":"`+srv.URL+`/"}}`, "", 0)
	d, err := p.Daemon(ctx, "rgw", "4151")
	if err != nil {
		t.Fatal(err)
	}
	if d.Service.Type != "rgw" || d.Service.ID != "4151" || len(d.Counters) != 38 {
		t.Fatalf("rgw.4151: %+v with %d counters, want 38", d.Service, len(d.Counters))
	}
	units := map[string]string{}
	for _, c := range d.Counters {
		units[c.Name] = c.Unit
	}
	// the dashboard's units for the same counters
	for name, want := range map[string]string{"rgw.req": "/s", "rgw.get_b": "/s", "rgw.qlen": "", "rgw.get_initial_lat": "/s", "objecter.op_active": ""} {
		if units[name] != want {
			t.Errorf("%s unit %q, want %q", name, units[name], want)
		}
	}
	if _, err := p.Daemon(ctx, "rgw", "4152"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("unknown gateway: %v, want NotFound", err)
	}
	out := map[string]map[string]ceph.PerfCounter{}
	if err := p.gateways(ctx, out); err != nil {
		t.Fatal(err)
	}
	if len(out["rgw.4151"]) != 38 {
		t.Errorf("All's gateways: %d counters of rgw.4151, want 38", len(out["rgw.4151"]))
	}
	srv.Close() // a module that does not answer leaves the gateways out of All
	out = map[string]map[string]ceph.PerfCounter{}
	if err := p.gateways(ctx, out); err != nil || len(out) != 0 {
		t.Errorf("module down: %v, %d daemons", err, len(out))
	}
}
