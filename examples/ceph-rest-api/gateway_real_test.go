package main

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestGatewayDashboard runs the server as a gateway in front of the real
// ceph-mgr dashboard of the project's test cluster (scripts/test-real sets
// CEPH_DASHBOARD_URL, _USER and _PASSWORD from the cluster's env.sh).
func TestGatewayDashboard(t *testing.T) {
	url, user, pw := os.Getenv("CEPH_DASHBOARD_URL"), os.Getenv("CEPH_DASHBOARD_USER"), os.Getenv("CEPH_DASHBOARD_PASSWORD")
	if url == "" || user == "" || pw == "" {
		t.Skip("CEPH_DASHBOARD_URL/USER/PASSWORD not set: no real dashboard")
	}
	env := map[string]string{"CEPH_REST_API_UPSTREAM_PASSWORD": pw, "CEPH_REST_API_PASSWORD": "gw-pass"}
	base, _ := start(t, []string{"--transport", "rest", "--upstream", url, "--upstream-user", user, "--op-timeout", "30s"}, env)

	code, body := get(t, base+"/api/v0.1/health")
	if code != 200 || !strings.HasPrefix(body, "HEALTH_") {
		t.Fatalf("legacy health through the gateway = %d %q", code, body)
	}
	code, body = get(t, base+"/api/v0.1/osd/tree")
	if code != 200 || !strings.Contains(body, "root default") || !strings.Contains(body, "osd.0") {
		t.Fatalf("legacy osd tree through the gateway = %d %q", code, body)
	}
	code, body = get(t, base+"/api/v0.1/osd/tree.json")
	if code != 200 || !strings.Contains(body, `"status":"OK"`) {
		t.Fatalf("legacy osd tree JSON through the gateway = %d %q", code, body)
	}
	if got := login(t, base, "gw-pass"); got != http.StatusCreated {
		t.Fatalf("login to the gateway = %d", got)
	}
	// A wrong upstream password fails at start-up with a clear error.
	bad := map[string]string{"CEPH_REST_API_UPSTREAM_PASSWORD": "not-the-password"}
	err := run(t.Context(), []string{"--transport", "rest", "--upstream", url, "--upstream-user", user, "--listen", "127.0.0.1:0"},
		func(k string) string { return bad[k] }, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "credentials") {
		t.Fatalf("wrong upstream password: %v", err)
	}
}
