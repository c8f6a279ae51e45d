package ceph_test

import (
	"encoding/json"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

func TestMonHealthReport(t *testing.T) {
	const in = `{"status":"HEALTH_ERR","checks":{
		"POOL_APP_NOT_ENABLED":{"severity":"HEALTH_WARN","summary":{"message":"1 pool(s) do not have an application enabled","count":1},"detail":[{"message":"application not enabled on pool 'x'"}],"muted":false},
		"OSD_FULL":{"severity":"HEALTH_ERR","summary":{"message":"1 full osd(s)","count":1},"muted":false},
		"OSD_DOWN":{"severity":"HEALTH_WARN","summary":{"message":"1 osds down","count":1},"detail":[],"muted":true}},
		"mutes":[]}`
	var h ceph.MonHealth
	if err := json.Unmarshal([]byte(in), &h); err != nil {
		t.Fatal(err)
	}
	r := h.Report()
	var order []string
	for _, c := range r.Checks {
		order = append(order, c.Type)
		if c.Detail == nil {
			t.Errorf("%s: nil detail", c.Type)
		}
	}
	if want := "OSD_FULL OSD_DOWN POOL_APP_NOT_ENABLED"; join(order) != want {
		t.Errorf("order %q, want %q", join(order), want)
	}
	if r.Status != ceph.HealthErr || r.Mutes == nil || !r.Checks[1].Muted {
		t.Errorf("report = %+v", r)
	}
	if empty := (&ceph.MonHealth{Status: ceph.HealthOK}).Report(); empty.Checks == nil || empty.Mutes == nil {
		t.Errorf("empty report has nil lists: %+v", empty)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
