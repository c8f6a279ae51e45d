package rest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/rest"
)

// dashboardLogin logs in with plain HTTP and returns a token.
func dashboardLogin(t *testing.T, base, user, pw string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	req, _ := http.NewRequest("POST", base+"/api/auth", strings.NewReader(string(body)))
	req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	req.Header.Set("Content-Type", "application/json")
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer rsp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(rsp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login: status %d, %v", rsp.StatusCode, err)
	}
	return out.Token
}

// TestDashboardFailures points the client at the real dashboard with a
// wrong password, a wrong URL, a revoked and a forged token: each is a
// clear, typed error, in bounded time (gated like TestDashboardConformance).
func TestDashboardFailures(t *testing.T) {
	base, user, pw := os.Getenv("CEPH_DASHBOARD_URL"), os.Getenv("CEPH_DASHBOARD_USER"), os.Getenv("CEPH_DASHBOARD_PASSWORD")
	if base == "" || user == "" || pw == "" || !strings.HasPrefix(base, "http://") {
		t.Skip("CEPH_DASHBOARD_URL (http), CEPH_DASHBOARD_USER and CEPH_DASHBOARD_PASSWORD are not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	t.Run("WrongPassword", func(t *testing.T) {
		c := newClient(t, base, rest.WithCredentials(user, pw+"-wrong"))
		_, err := c.Health.Report(ctx)
		ce := wantCode(t, err, ceph.Unauthenticated)
		if ce.Reason != "invalid_credentials" {
			t.Errorf("reason %q, want invalid_credentials", ce.Reason)
		}
	})
	t.Run("WrongURL", func(t *testing.T) {
		c := newClient(t, base+"/no/such/prefix", rest.WithCredentials(user, pw))
		_, err := c.Health.Report(ctx)
		wantCode(t, err, ceph.NotFound)
	})
	t.Run("ForgedToken", func(t *testing.T) {
		c := newClient(t, base, rest.WithToken("eyJhbGciOiJIUzI1NiJ9.e30.forged"))
		_, err := c.Health.Report(ctx)
		wantCode(t, err, ceph.Unauthenticated)
	})
	t.Run("RevokedToken", func(t *testing.T) {
		tok := dashboardLogin(t, base, user, pw)
		req, _ := http.NewRequest("POST", base+"/api/auth/logout", nil)
		req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
		req.Header.Set("Authorization", "Bearer "+tok)
		rsp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rsp.Body.Close()
		c := newClient(t, base, rest.WithToken(tok))
		_, err = c.Health.Report(ctx)
		wantCode(t, err, ceph.Unauthenticated)
		// With credentials: one new login, then success.
		c = newClient(t, base, rest.WithToken(tok), rest.WithCredentials(user, pw))
		if _, err := c.Health.Report(ctx); err != nil {
			t.Fatalf("with credentials after revocation: %v", err)
		}
	})
}
