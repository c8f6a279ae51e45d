//go:build rados

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/internal/devcluster"
)

// The program on a real cluster: CEPH_CONF names it (scripts/test-real
// sets it from the dev cluster's env.sh); skipped without it.

const realPassword = "real-test-admin-pw"

func realConf(t *testing.T) string {
	t.Helper()
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster to test against (see scripts/test-real)")
	}
	return conf
}

func startRados(t *testing.T, conf string, extra ...string) string {
	t.Helper()
	args := append([]string{"--transport", "rados", "-c", conf}, extra...)
	base, _ := start(t, args, map[string]string{"CEPH_REST_API_PASSWORD": realPassword})
	return base
}

// cephCLI runs the ceph command line on the cluster and returns stdout.
func cephCLI(t *testing.T, conf string, args ...string) string {
	t.Helper()
	cmd := exec.Command("ceph", append([]string{"-c", conf}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ceph %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// sameAsCLI checks that GET path prints, byte for byte, what `ceph args`
// prints. The cluster may change between the two reads (a health check
// clears), so the CLI runs before and after and either may match; a few
// attempts are allowed.
func sameAsCLI(t *testing.T, conf, url string, args ...string) {
	t.Helper()
	var before, got, after string
	for range 5 {
		before = cephCLI(t, conf, args...)
		var status int
		status, got = get(t, url)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", url, status, got)
		}
		after = cephCLI(t, conf, args...)
		if got == before || got == after {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Errorf("GET %s differs from `ceph %s`:\nserver: %q\nceph:   %q", url, strings.Join(args, " "), got, after)
}

func TestRealLegacy(t *testing.T) {
	conf := realConf(t)
	base := startRados(t, conf)

	t.Run("health", func(t *testing.T) { sameAsCLI(t, conf, base+"/api/v0.1/health", "health") })
	t.Run("osd tree", func(t *testing.T) { sameAsCLI(t, conf, base+"/api/v0.1/osd/tree", "osd", "tree") })
	t.Run("osd tree json", func(t *testing.T) {
		status, body := get(t, base+"/api/v0.1/osd/tree.json")
		var doc struct {
			Output struct {
				Nodes []struct {
					Name string `json:"name"`
				} `json:"nodes"`
			} `json:"output"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || status != http.StatusOK || len(doc.Output.Nodes) == 0 {
			t.Fatalf("GET osd/tree.json: %d %v %s", status, err, body)
		}
	})
	// Commands outside the emulated table pass through to the monitor.
	t.Run("pg dump_stuck", func(t *testing.T) {
		status, body := get(t, base+"/api/v0.1/pg/dump_stuck.json")
		var doc struct {
			Output struct {
				PGReady *bool `json:"pg_ready"`
			} `json:"output"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || status != http.StatusOK || doc.Output.PGReady == nil {
			t.Fatalf("GET pg/dump_stuck.json: %d %v %s", status, err, body)
		}
		sameAsCLI(t, conf, base+"/api/v0.1/pg/dump_stuck", "pg", "dump_stuck")
	})
	t.Run("osd pool ls detail", func(t *testing.T) {
		sameAsCLI(t, conf, base+"/api/v0.1/osd/pool/ls?detail=detail", "osd", "pool", "ls", "detail")
	})
	t.Run("unknown command", func(t *testing.T) {
		status, body := get(t, base+"/api/v0.1/no/such/command")
		if status < 400 || status >= 500 {
			t.Fatalf("GET no/such/command: %d %s", status, body)
		}
	})
}

// realLogin gets a dashboard API token from the program.
func realLogin(t *testing.T, base string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/auth", strings.NewReader(`{"username": "admin", "password": "`+realPassword+`"}`))
	req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	req.Header.Set("Content-Type", "application/json")
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer rsp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(rsp.Body).Decode(&out); err != nil || rsp.StatusCode != http.StatusCreated || out.Token == "" {
		t.Fatalf("login: %d %v", rsp.StatusCode, err)
	}
	return out.Token
}

func apiGet(t *testing.T, base, token, path string) (int, []byte, time.Duration) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	return rsp.StatusCode, b, time.Since(start)
}

func TestRealDashboardAPI(t *testing.T) {
	conf := realConf(t)
	base := startRados(t, conf)
	token := realLogin(t, base)
	status, body, _ := apiGet(t, base, token, "/api/health/minimal")
	var h struct {
		Health struct {
			Status string `json:"status"`
		} `json:"health"`
		OSDMap struct {
			OSDs []json.RawMessage `json:"osds"`
		} `json:"osd_map"`
	}
	if err := json.Unmarshal(body, &h); err != nil || status != http.StatusOK {
		t.Fatalf("GET /api/health/minimal: %d %v %s", status, err, body)
	}
	want := strings.Fields(cephCLI(t, conf, "health"))[0]
	if h.Health.Status != want || len(h.OSDMap.OSDs) == 0 {
		t.Fatalf("health %q with %d OSDs, ceph health says %q", h.Health.Status, len(h.OSDMap.OSDs), want)
	}
}

// TestRealMonitorStop stops the monitor of the dev cluster of
// scripts/ceph-dev-cluster (CEPH_DEV_DIR, from its env.sh; no other cluster
// is ever stopped) while the program runs: the dashboard API answers 503
// with the dashboard's error body within --op-timeout, and answers again by
// itself once the monitor is back.
func TestRealMonitorStop(t *testing.T) {
	conf := realConf(t)
	dir := os.Getenv("CEPH_DEV_DIR")
	if dir == "" {
		t.Skip("CEPH_DEV_DIR is not set: only a cluster of scripts/ceph-dev-cluster is stopped")
	}
	const opTimeout = 3 * time.Second
	base := startRados(t, conf, "--op-timeout", opTimeout.String())
	token := realLogin(t, base)
	if status, body, _ := apiGet(t, base, token, "/api/health/minimal"); status != http.StatusOK {
		t.Fatalf("before: %d %s", status, body)
	}

	restart := devcluster.StopMonitor(t, dir, conf)

	// A cache may answer from what it holds for a short while; the first
	// answer that is not 200 must come within the timeout (plus slack for
	// the one call that may still be under way) and be the 503.
	const slack = 2 * time.Second
	start := time.Now()
	var status int
	var body []byte
	for {
		var took time.Duration
		status, body, took = apiGet(t, base, token, "/api/health/minimal")
		if took > opTimeout+slack {
			t.Errorf("one request took %v, want at most %v + %v", took, opTimeout, slack)
		}
		if status != http.StatusOK || time.Since(start) > 2*opTimeout+slack {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(start); d > 2*opTimeout+slack {
		t.Errorf("503 after %v", d)
	}
	var e struct {
		Detail    *string `json:"detail"`
		Code      *string `json:"code"`
		Component *string `json:"component"`
	}
	if err := json.Unmarshal(body, &e); err != nil || status != http.StatusServiceUnavailable ||
		e.Detail == nil || e.Code == nil || *e.Code != "unavailable" || e.Component == nil {
		t.Fatalf("with the monitor stopped: %d %s (%v), want 503 {detail, code: unavailable, component}", status, body, err)
	}

	restart()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body, _ := apiGet(t, base, token, "/api/health/minimal")
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 30s after the monitor restarted: %d %s", status, body)
		}
		time.Sleep(250 * time.Millisecond)
	}
	// The legacy API recovers too.
	if status, body := get(t, base+"/api/v0.1/health"); status != http.StatusOK {
		t.Fatalf("legacy health after recovery: %d %s", status, body)
	}
}
