package legacy

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// capturedCmd answers from replies a real Ceph 16.2.15 cluster gave
// (internal/cmdemu/testdata/<state>), keyed by prefix, "detail" and format;
// extra adds or overrides answers; anything else is refused as the monitor
// refuses an unknown command.
type capturedCmd struct {
	t     *testing.T
	state string
	extra map[string]string
	got   []string
}

func (c *capturedCmd) Command(_ context.Context, cmd ceph.Command) (*ceph.CommandResult, error) {
	key := strings.ReplaceAll(cmd.Prefix, " ", "_")
	if cmd.Args["detail"] == "detail" {
		key += "_detail"
	}
	if cmd.Format != "" {
		key += "." + cmd.Format
	}
	c.got = append(c.got, key)
	if s, ok := c.extra[key]; ok {
		return &ceph.CommandResult{Output: []byte(s)}, nil
	}
	b, err := os.ReadFile("../../internal/cmdemu/testdata/" + c.state + "/" + key + ".out")
	if err != nil {
		return nil, &ceph.Error{Code: ceph.InvalidArgument, Component: "command", Detail: "command not known", Err: syscall.EINVAL}
	}
	return &ceph.CommandResult{Output: b}, nil
}

func getJSON(t *testing.T, c ceph.Commander, target string) (map[string]any, []byte) {
	t.Helper()
	w := do(t, New(c, nil), "GET", target, map[string]string{"Accept": "application/json"})
	if w.Code != 200 {
		t.Fatalf("%s: %d %s", target, w.Code, w.Body.String())
	}
	var v struct {
		Output map[string]any `json:"output"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v.Output, w.Body.Bytes()
}

// keysOf returns an object's keys in order.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	o, err := parseObject(b)
	if err != nil {
		t.Fatal(err)
	}
	return o.keys
}

// TestCompatAdditive: Ceph 16's own fields come first, unchanged and in
// their order; the older releases' follow.
func TestCompatAdditive(t *testing.T) {
	for _, state := range []string{"health-err", "mon-down", "three-mons", "seed"} {
		for _, cmd := range []string{"health", "status"} {
			c := &capturedCmd{t: t, state: state}
			orig, err := os.ReadFile("../../internal/cmdemu/testdata/" + state + "/" + cmd + ".json.out")
			if err != nil {
				continue
			}
			var want map[string]any
			if err := json.Unmarshal(orig, &want); err != nil {
				t.Fatal(err)
			}
			got, body := getJSON(t, c, "/"+cmd)
			for k, v := range want {
				gv := got[k]
				if k == "health" || k == "osdmap" || k == "pgmap" || k == "monmap" {
					// Objects that gain fields: Ceph's own stay as they were.
					for kk, vv := range v.(map[string]any) {
						if !reflect.DeepEqual(gv.(map[string]any)[kk], vv) {
							t.Errorf("%s %s: %s.%s changed: %v, want %v", state, cmd, k, kk, gv.(map[string]any)[kk], vv)
						}
					}
					continue
				}
				if !reflect.DeepEqual(gv, v) {
					t.Errorf("%s %s: %s changed: %v, want %v", state, cmd, k, gv, v)
				}
			}
			var wrapped struct {
				Output json.RawMessage `json:"output"`
			}
			_ = json.Unmarshal(body, &wrapped)
			wk, gk := keysOf(t, orig), keysOf(t, wrapped.Output)
			if !reflect.DeepEqual(gk[:len(wk)], wk) {
				t.Errorf("%s %s: key order %v, want %v first", state, cmd, gk, wk)
			}
		}
	}
}

func TestCompatHealthAndStatus(t *testing.T) {
	// health-err: a 3-monitor cluster with mon.c down, osd.0 full.
	c := &capturedCmd{t: t, state: "health-err", extra: map[string]string{
		"time-sync-status.json": `{"timechecks":{"epoch":14,"round":6,"round_status":"finished"}}`,
	}}
	h, _ := getJSON(t, c, "/health")
	if h["overall_status"] != "HEALTH_ERR" {
		t.Errorf("overall_status %v", h["overall_status"])
	}
	if tc := h["timechecks"].(map[string]any); tc["epoch"] != 14.0 || tc["round"] != 6.0 || tc["round_status"] != "finished" {
		t.Errorf("timechecks %v", tc)
	}
	mons := h["health"].(map[string]any)["health_services"].([]any)[0].(map[string]any)["mons"].([]any)
	if len(mons) != 2 || mons[0].(map[string]any)["name"] != "a" || mons[1].(map[string]any)["name"] != "b" {
		t.Errorf("health_services mons %v: want the quorum a, b", mons)
	}
	sum := h["summary"].([]any)
	if len(sum) != 4 || sum[1].(map[string]any)["severity"] != "HEALTH_ERR" || sum[1].(map[string]any)["summary"] != "1 full osd(s)" {
		t.Errorf("summary %v", sum)
	}
	s, _ := getJSON(t, c, "/status")
	om := s["osdmap"].(map[string]any)["osdmap"].(map[string]any)
	if om["full"] != true || om["nearfull"] != false || om["epoch"] != s["osdmap"].(map[string]any)["epoch"] {
		t.Errorf("osdmap.osdmap %v", om)
	}
	if _, ok := s["pgmap"].(map[string]any)["version"]; ok {
		t.Errorf("pgmap.version without pg dump: %v", s["pgmap"])
	}
	c.extra["pg_dump.json"] = `{"pg_ready":true,"pg_map":{"version":326,"stamp":"2026-12-04T19:15:58.620418+0000"}}`
	s, _ = getJSON(t, c, "/status")
	if v := s["pgmap"].(map[string]any)["version"]; v != 326.0 {
		t.Errorf("pgmap.version %v", v)
	}
	if mm := s["monmap"].(map[string]any); len(mm["mons"].([]any)) != 3 || mm["fsid"] != s["fsid"] {
		t.Errorf("monmap %v", mm)
	}

	// A monitor low on space: the plain health names no monitor, so the
	// details are asked for; mon.b's health and avail_percent come from
	// them.
	low := `{"status":"HEALTH_WARN","checks":{"MON_DISK_LOW":{"severity":"HEALTH_WARN","summary":{"message":"mon b is low on available space","count":1},"muted":false}},"mutes":[]}`
	lowDetail := `{"status":"HEALTH_WARN","checks":{"MON_DISK_LOW":{"severity":"HEALTH_WARN","summary":{"message":"mon b is low on available space","count":1},"detail":[{"message":"mon.b has 27% avail"}],"muted":false}},"mutes":[]}`
	c = &capturedCmd{t: t, state: "three-mons", extra: map[string]string{"health.json": low, "health_detail.json": lowDetail}}
	h, _ = getJSON(t, c, "/health")
	mons = h["health"].(map[string]any)["health_services"].([]any)[0].(map[string]any)["mons"].([]any)
	want := []any{
		map[string]any{"name": "a", "health": "HEALTH_OK"},
		map[string]any{"name": "b", "health": "HEALTH_WARN", "avail_percent": 27.0},
		map[string]any{"name": "c", "health": "HEALTH_OK"},
	}
	if !reflect.DeepEqual(mons, want) {
		t.Errorf("mons %v, want %v", mons, want)
	}
	if !strings.Contains(strings.Join(c.got, " "), "health_detail.json") {
		t.Errorf("details not asked for: %v", c.got)
	}
	// Without time-sync-status only the epoch, the election epoch.
	if tc := h["timechecks"].(map[string]any); len(tc) != 1 || tc["epoch"] != 12.0 {
		t.Errorf("timechecks %v", tc)
	}
}

func TestCompatMonStatus(t *testing.T) {
	for _, tc := range []struct {
		state  string
		quorum []any
		epoch  float64
	}{
		{"three-mons", []any{0.0, 1.0, 2.0}, 12},
		{"mon-down", []any{0.0, 1.0}, 16},
	} {
		c := &capturedCmd{t: t, state: tc.state}
		m, _ := getJSON(t, c, "/mon_status")
		if m["name"] != "a" || m["rank"] != 0.0 || m["state"] != "leader" || !reflect.DeepEqual(m["quorum"], tc.quorum) {
			t.Errorf("%s: mon_status %v", tc.state, m)
		}
		if m["election_epoch"] != tc.epoch {
			t.Errorf("%s: election_epoch %v, want %v", tc.state, m["election_epoch"], tc.epoch)
		}
		if len(m["monmap"].(map[string]any)["mons"].([]any)) != 3 {
			t.Errorf("%s: monmap %v", tc.state, m["monmap"])
		}
		if _, ok := m["feature_map"]; ok {
			t.Errorf("%s: feature_map without the features command", tc.state)
		}
	}
	// A cluster that still has mon_status answers it itself.
	c := &capturedCmd{t: t, state: "seed", extra: map[string]string{"mon_status.json": `{"name":"x","state":"peon"}`}}
	if m, _ := getJSON(t, c, "/mon_status"); m["name"] != "x" {
		t.Errorf("own mon_status replaced: %v", m)
	}
	// Plain text is the pretty JSON the monitor printed.
	w := do(t, New(&capturedCmd{t: t, state: "seed"}, nil), "GET", "/mon_status", nil)
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "{\n    \"name\": \"a\",") {
		t.Errorf("plain mon_status: %d %q", w.Code, w.Body.String())
	}
}

func TestCompatMDSDump(t *testing.T) {
	fsJSON := `{"epoch":4,"default_fscid":1,"filesystems":[{"mdsmap":{"epoch":3,"fs_name":"other"},"id":2},{"mdsmap":{"epoch":4,"fs_name":"cephfs","max_mds":1},"id":1}]}`
	fsPlain := "e4\nenable_multiple, ever_enabled_multiple: 1,1\nlegacy client fscid: 1\n \nFilesystem 'other' (2)\nfs_name\tother\n \nFilesystem 'cephfs' (1)\nfs_name\tcephfs\nepoch\t4\nmax_mds\t1\n \n \ndumped fsmap epoch 4\n"
	c := &capturedCmd{t: t, state: "seed", extra: map[string]string{"fs_dump.json": fsJSON, "fs_dump": fsPlain}}
	m, _ := getJSON(t, c, "/mds/dump")
	if !reflect.DeepEqual(m, map[string]any{"epoch": 4.0, "fs_name": "cephfs", "max_mds": 1.0}) {
		t.Errorf("mds dump json %v", m)
	}
	w := do(t, New(c, nil), "GET", "/mds/dump", nil)
	if w.Code != 200 || w.Body.String() != "fs_name\tcephfs\nepoch\t4\nmax_mds\t1\n" || w.Header().Get("X-Ceph-Status") != "dumped fsmap epoch 4" {
		t.Errorf("mds dump plain: %d %q %q", w.Code, w.Body.String(), w.Header().Get("X-Ceph-Status"))
	}
	// No legacy file system: the cluster's refusal stands.
	c.extra["fs_dump.json"] = `{"epoch":4,"default_fscid":-1,"filesystems":[]}`
	if w := do(t, New(c, nil), "GET", "/mds/dump.json", nil); w.Code != 400 {
		t.Errorf("mds dump without fs: %d %q", w.Code, w.Body.String())
	}
}
