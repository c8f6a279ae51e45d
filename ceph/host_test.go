package ceph

import (
	"encoding/json"
	"testing"
)

// TestBuildHosts: the hosts of a one-host cluster as the 16.2.15
// dashboard lists them (observed), and a daemon without a version takes
// the previous one's, as the manager's list_servers does.
func TestBuildHosts(t *testing.T) {
	v := "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)"
	md := map[string]string{"ceph_version": v}
	hosts := BuildHosts([]HostDaemon{
		{"vm", "rgw", "4151", map[string]string{"ceph_version": v, "id": "x"}},
		{"vm", "osd", "0", md}, {"vm", "mon", "a", md}, {"vm", "mgr", "x", md}, {"vm", "mds", "a", md},
		{"", "osd", "1", md},
		{"b", "osd", "2", map[string]string{"ceph_version": "old"}}, {"b", "osd", "10", nil},
	})
	got, _ := json.Marshal(hosts[1])
	want := `{"hostname":"vm","services":[{"type":"mds","id":"a","ceph_version":"` + v + `"},{"type":"mgr","id":"x","ceph_version":"` + v +
		`"},{"type":"mon","id":"a","ceph_version":"` + v + `"},{"type":"osd","id":"0","ceph_version":"` + v +
		`"},{"type":"rgw","id":"4151","ceph_version":"` + v + `","name":"x"}],"ceph_version":"` + v +
		`","addr":"","labels":[],"sources":{"ceph":true,"orchestrator":false},"status":""}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(hosts) != 2 || hosts[0].Hostname != "b" {
		t.Fatalf("hosts: %+v", hosts)
	}
	if s := hosts[0].Services; len(s) != 2 || s[0].ID != "10" || s[0].CephVersion != "" || s[1].CephVersion != "old" || hosts[0].CephVersion != "old" {
		t.Errorf("host b: %+v", hosts[0])
	}
	if _, err := FindHost(hosts, "nosuch"); CodeOf(err) != NotFound {
		t.Errorf("FindHost(nosuch): %v", err)
	}
}
