package transporttest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

var hostChecks = []check{
	{"List", checkHostList},
	{"CarriesDaemons", checkHostDaemons},
	{"Get", checkHostGet},
	{"GetUnknown", checkHostGetUnknown},
	{"Sources", checkHostSources},
	{"Facts", checkHostFacts},
}

// hostServices indexes the services of hosts: "type.id" -> host name.
func hostServices(t testing.TB, hosts []ceph.Host) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, h := range hosts {
		for _, s := range h.Services {
			k := s.Type + "." + s.ID
			if prev, ok := out[k]; ok {
				t.Errorf("%s is on host %s and on host %s", k, prev, h.Hostname)
			}
			out[k] = h.Hostname
		}
	}
	return out
}

func checkHostList(ctx context.Context, t testing.TB, e *env) {
	hosts, err := e.c.Hosts.List(ctx, nil)
	must(t, err, "Hosts.List")
	if len(hosts) == 0 {
		t.Fatal("Hosts.List is empty: a cluster has at least its monitor's host")
	}
	if !sort.SliceIsSorted(hosts, func(i, j int) bool { return hosts[i].Hostname < hosts[j].Hostname }) {
		t.Error("the hosts are not sorted by name")
	}
	seen := map[string]bool{}
	for _, h := range hosts {
		if h.Hostname == "" {
			t.Errorf("a host has no name: %+v", h)
		}
		if seen[h.Hostname] {
			t.Errorf("host %s is listed twice", h.Hostname)
		}
		seen[h.Hostname] = true
		if !h.Sources.Ceph && !h.Sources.Orchestrator {
			t.Errorf("host %s has no source", h.Hostname)
		}
		if h.Services == nil || h.Labels == nil {
			t.Errorf("host %s: services %v, labels %v, want lists", h.Hostname, h.Services, h.Labels)
		}
		if h.Sources.Ceph && len(h.Services) == 0 {
			t.Errorf("host %s is known to Ceph but runs no daemon", h.Hostname)
		}
		for i, s := range h.Services {
			if s.Type == "" || s.ID == "" {
				t.Errorf("host %s: a service without type or id: %+v", h.Hostname, s)
			}
			if i > 0 {
				p := h.Services[i-1]
				if p.Type > s.Type || p.Type == s.Type && p.ID >= s.ID {
					t.Errorf("host %s: services not sorted by type and id: %s.%s before %s.%s", h.Hostname, p.Type, p.ID, s.Type, s.ID)
				}
			}
		}
		if n := len(h.Services); n > 0 && h.CephVersion != h.Services[n-1].CephVersion {
			t.Errorf("host %s: version %q, its last service's %q", h.Hostname, h.CephVersion, h.Services[n-1].CephVersion)
		}
	}
	hostServices(t, hosts)
	// the health's host count is the list's length, as the dashboard's
	hm, err := e.c.Health.Minimal(ctx)
	if err == nil && hm.Hosts != len(hosts) {
		t.Errorf("Health.Minimal counts %d hosts, Hosts.List has %d", hm.Hosts, len(hosts))
	}
}

// checkHostDaemons: the hosts carry every monitor of the monitor map, the
// active manager, every OSD that has booted (on the host of its
// metadata) and every gateway, as the other reads report them.
func checkHostDaemons(ctx context.Context, t testing.TB, e *env) {
	hosts, err := e.c.Hosts.List(ctx, nil)
	must(t, err, "Hosts.List")
	on := hostServices(t, hosts)

	mons, err := e.c.Monitors.Status(ctx)
	must(t, err, "Monitors.Status")
	for _, m := range mons.MonStatus.MonMap.Mons {
		if _, ok := on["mon."+m.Name]; !ok {
			t.Errorf("monitor %s is on no host", m.Name)
		}
	}
	hm, err := e.c.Health.Minimal(ctx)
	must(t, err, "Health.Minimal")
	if a := hm.MgrMap.ActiveName; a != "" {
		if _, ok := on["mgr."+a]; !ok {
			t.Errorf("the active manager %s is on no host", a)
		}
	}
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	checked := 0
	for _, o := range osds {
		if o.Up != 1 {
			continue // a booted OSD has metadata; one never booted has none
		}
		host, ok := on["osd."+strconv.Itoa(o.ID)]
		if !ok {
			t.Errorf("osd.%d is up but on no host", o.ID)
			continue
		}
		if checked < 4 { // its metadata says which host
			checked++
			d, err := e.c.OSDs.Get(ctx, o.ID)
			must(t, err, "OSDs.Get(%d)", o.ID)
			if hn := d.OSDMetadata["hostname"]; hn != host {
				t.Errorf("osd.%d is on host %s, its metadata says %q", o.ID, host, hn)
			}
		}
	}
	gws, err := e.c.RGW.Daemons.List(ctx)
	if errors.Is(err, ceph.ErrUnimplemented) {
		return
	}
	must(t, err, "RGW.Daemons.List")
	for _, g := range gws {
		host, ok := on["rgw."+g.ServiceMapID]
		if !ok {
			t.Errorf("gateway %s (%s) is on no host", g.ID, g.ServiceMapID)
			continue
		}
		if host != g.ServerHostname {
			t.Errorf("gateway %s is on host %s, the gateway list says %s", g.ID, host, g.ServerHostname)
		}
		for _, h := range hosts {
			for _, s := range h.Services {
				if s.Type == "rgw" && s.ID == g.ServiceMapID && s.Name != g.ID {
					t.Errorf("gateway %s: its service is named %q", g.ServiceMapID, s.Name)
				}
			}
		}
	}
}

func checkHostGet(ctx context.Context, t testing.TB, e *env) {
	hosts, err := e.c.Hosts.List(ctx, nil)
	must(t, err, "Hosts.List")
	if len(hosts) == 0 {
		t.Skip("no host")
	}
	for _, h := range hosts {
		got, err := e.c.Hosts.Get(ctx, h.Hostname)
		must(t, err, "Hosts.Get(%s)", h.Hostname)
		if got.Hostname != h.Hostname || !reflect.DeepEqual(got.Services, h.Services) || got.Sources != h.Sources {
			t.Errorf("Hosts.Get(%s) = %+v, the list has %+v", h.Hostname, *got, h)
		}
	}
}

func checkHostGetUnknown(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.Hosts.Get(ctx, "ctest-no-such-host")
	wantErr(t, err, ceph.ErrNotFound, "Hosts.Get(unknown)")
}

// checkHostSources: a source selects the hosts it knows; a name that is no
// source selects none, as the dashboard's.
func checkHostSources(ctx context.Context, t testing.TB, e *env) {
	all, err := e.c.Hosts.List(ctx, nil)
	must(t, err, "Hosts.List")
	var fromCeph []string
	for _, h := range all {
		if h.Sources.Ceph {
			fromCeph = append(fromCeph, h.Hostname)
		}
	}
	cephOnly, err := e.c.Hosts.List(ctx, &ceph.HostListOptions{Sources: []string{ceph.HostSourceCeph}})
	must(t, err, "Hosts.List(sources ceph)")
	var got []string
	for _, h := range cephOnly {
		got = append(got, h.Hostname)
		if !h.Sources.Ceph {
			t.Errorf("sources ceph listed %s, which Ceph does not know", h.Hostname)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(fromCeph) {
		t.Errorf("sources ceph listed %v, the full list's Ceph hosts are %v", got, fromCeph)
	}
	orch, err := e.c.Hosts.List(ctx, &ceph.HostListOptions{Sources: []string{ceph.HostSourceOrchestrator}})
	must(t, err, "Hosts.List(sources orchestrator)")
	for _, h := range orch {
		if !h.Sources.Orchestrator {
			t.Errorf("sources orchestrator listed %s, which the orchestrator does not know", h.Hostname)
		}
	}
	none, err := e.c.Hosts.List(ctx, &ceph.HostListOptions{Sources: []string{"ctest-no-such-source"}})
	must(t, err, "Hosts.List(unknown source)")
	if len(none) != 0 || none == nil {
		t.Errorf("an unknown source listed %v, want []", none)
	}
}

// checkHostFacts: facts need an orchestrator; without one (no host the
// orchestrator knows) the list fails as the dashboard's, 400
// orchestrator_status_unavailable.
func checkHostFacts(ctx context.Context, t testing.TB, e *env) {
	all, err := e.c.Hosts.List(ctx, nil)
	must(t, err, "Hosts.List")
	for _, h := range all {
		if h.Sources.Orchestrator {
			t.Skip("the cluster has an orchestrator")
		}
	}
	_, err = e.c.Hosts.List(ctx, &ceph.HostListOptions{Facts: true})
	if wantErr(t, err, ceph.ErrFailedPrecondition, "Hosts.List(facts) without an orchestrator") {
		if ce := ceph.AsError(err); ce.WireCode() != "orchestrator_status_unavailable" {
			t.Errorf("Hosts.List(facts): code %q, want orchestrator_status_unavailable", ce.WireCode())
		}
	}
}
