package rados

import (
	"context"
	"encoding/json"
	"syscall"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// TestHostsFromMetadata: the hosts are built from every daemon's
// metadata, the OSDs' numeric id and the service map's daemons (by gid,
// named by their metadata id) included; a cluster without MDS metadata
// lists none; the health counts the same hosts.
func TestHostsFromMetadata(t *testing.T) {
	r, f := newTestRunner(t)
	v := "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)"
	f.on("mon metadata", `[{"name": "a", "hostname": "h1", "ceph_version": "`+v+`"}, {"name": "b", "hostname": "h2", "ceph_version": "`+v+`"}]`, "", 0)
	f.on("mgr metadata", `[{"name": "x", "hostname": "h1", "ceph_version": "`+v+`"}, {"name": "y", "hostname": "h2", "ceph_version": "`+v+`"}]`, "", 0)
	f.on("osd metadata", `[{"id": 10, "hostname": "h2", "ceph_version": "`+v+`"}, {"id": 2, "hostname": "h2", "ceph_version": "`+v+`"}]`, "", 0)
	f.on("mds metadata", ``, "", syscall.ENOENT)
	f.on("orch status", ``, "No orchestrator configured (try `ceph orch set backend`)", syscall.ENOENT)
	f.on("service dump", `{"services": {"rgw": {"daemons": {"summary": "", "4151": {"gid": 4151, "metadata": {"hostname": "h3", "id": "gw", "ceph_version": "`+v+`"}}}},
		"rbd-mirror": {"daemons": {"summary": "", "4200": {"gid": 4200, "metadata": {"hostname": "h2", "id": "admin", "ceph_version": "`+v+`"}}}}}}`, "", 0)
	hs, err := hosts{r: r}.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(hs)
	var short []string
	for _, h := range hs {
		s := h.Hostname + ":"
		for _, svc := range h.Services {
			s += " " + svc.Type + "." + svc.ID
			if svc.Name != "" {
				s += "(" + svc.Name + ")"
			}
		}
		short = append(short, s)
	}
	want := []string{"h1: mgr.x mon.a", "h2: mgr.y mon.b osd.10 osd.2 rbd-mirror.4200(admin)", "h3: rgw.4151(gw)"}
	if len(short) != len(want) {
		t.Fatalf("hosts %v, want %v (%s)", short, want, got)
	}
	for i := range want {
		if short[i] != want[i] {
			t.Errorf("host %d: %q, want %q", i, short[i], want[i])
		}
	}
	if hs[0].CephVersion != v || !hs[0].Sources.Ceph || hs[0].Sources.Orchestrator || hs[0].Labels == nil {
		t.Errorf("host h1: %+v", hs[0])
	}
	if _, err := (hosts{r: r}).Get(context.Background(), "h4"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("Get(h4): %v", err)
	}
	if _, err := (hosts{r: r}).List(context.Background(), &ceph.HostListOptions{Facts: true}); ceph.CodeOf(err) != ceph.FailedPrecondition {
		t.Errorf("List(facts): %v", err)
	}
	// facts need an orchestrator; with one, neither they nor its hosts are read
	f.on("orch status", `{"available": true, "backend": "cephadm"}`, "", 0)
	for _, o := range []*ceph.HostListOptions{{Facts: true}, {Sources: []string{ceph.HostSourceOrchestrator}}} {
		if _, err := (hosts{r: r}).List(context.Background(), o); ceph.CodeOf(err) != ceph.Unimplemented {
			t.Errorf("List(%+v) with an orchestrator: %v", *o, err)
		}
	}
	if l, err := (hosts{r: r}).List(context.Background(), nil); err != nil || len(l) != 3 {
		t.Errorf("List() with an orchestrator: %d hosts, %v", len(l), err)
	}
	// the health's count: node ls (no gateway) and the service map's hosts
	var nl nodeLs
	var sd serviceDump
	_ = json.Unmarshal([]byte(`{"mon": {"h1": ["a"], "h2": ["b"]}, "osd": {"h2": [2, 10]}, "mgr": {"h1": ["x"], "h2": ["y"]}}`), &nl)
	out, _, _ := f.answer([]byte(`{"prefix": "service dump"}`))
	_ = json.Unmarshal(out, &sd)
	if n := nl.hosts(&sd); n != len(hs) {
		t.Errorf("the health counts %d hosts, the list has %d", n, len(hs))
	}
}
