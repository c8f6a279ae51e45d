package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/transport/memory"
)

type healthCommander struct{}

func (healthCommander) Command(ctx context.Context, cmd ceph.Command) (*ceph.CommandResult, error) {
	if cmd.Prefix == "health" {
		return &ceph.CommandResult{Output: []byte("HEALTH_OK\n")}, nil
	}
	return nil, ceph.Errorf(ceph.InvalidArgument, "", "unknown command %q", cmd.Prefix)
}

// TestLegacyWiring mounts the real legacy handler with the server's
// authorizer, as the program does.
func TestLegacyWiring(t *testing.T) {
	accounts, err := auth.NewMemoryStore("admin", "pw", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	client := cephapi.New(&cephapi.Client{Commands: healthCommander{}})
	for _, loopback := range []bool{false, true} {
		srv := httpapi.New(client, httpapi.WithAccounts(accounts), httpapi.WithLoopbackAnonymousReads(loopback),
			httpapi.WithLegacyBuilder(func(authz func(*http.Request, string, string) error) http.Handler {
				return legacy.New(client.Commands, authz)
			}))
		for _, basic := range []bool{false, true} {
			r := httptest.NewRequest("GET", "/api/v0.1/health", nil)
			if basic {
				r.SetBasicAuth("admin", "pw")
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			wantOK := loopback || basic
			if (w.Code == 200) != wantOK {
				t.Errorf("loopback=%v basic=%v: %d %s", loopback, basic, w.Code, w.Body)
			}
			if wantOK && !strings.HasPrefix(w.Body.String(), "HEALTH_OK") {
				t.Errorf("body %q", w.Body)
			}
		}
	}
}

// Reads that hand out keys (cephx keys, config-key values) are as strong
// as writes: never anonymous, not for a read-only role.
func TestLegacySecretReads(t *testing.T) {
	accounts, err := auth.NewMemoryStore("admin", "pw", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	if err := accounts.AddUser("viewer", "pw2", "read-only"); err != nil {
		t.Fatal(err)
	}
	client := memory.New()
	srv := httpapi.New(client, httpapi.WithAccounts(accounts), httpapi.WithLoopbackAnonymousReads(true),
		httpapi.WithLegacyBuilder(func(authz func(*http.Request, string, string) error) http.Handler {
			return legacy.New(client.Commands, authz)
		}))
	for _, tc := range []struct {
		path, user, pw string
		want           int
	}{
		{"/api/v0.1/auth/export?entity=client.admin", "", "", http.StatusUnauthorized},
		{"/api/v0.1/auth/get-key?entity=client.admin", "", "", http.StatusUnauthorized},
		{"/api/v0.1/auth/print-key?entity=client.admin", "viewer", "pw2", http.StatusForbidden},
		{"/api/v0.1/config-key/get?key=mgr/telemetry/salt", "viewer", "pw2", http.StatusForbidden},
		{"/api/v0.1/auth/export?entity=client.admin", "admin", "pw", http.StatusOK},
		{"/api/v0.1/auth/ls", "", "", http.StatusUnauthorized}, // auth ls prints every key
		{"/api/v0.1/auth/list", "viewer", "pw2", http.StatusForbidden},
		{"/api/v0.1/config-key/ls", "", "", http.StatusOK}, // key names only
		{"/api/v0.1/health", "", "", http.StatusOK},
	} {
		r := httptest.NewRequest("GET", tc.path, nil)
		if tc.user != "" {
			r.SetBasicAuth(tc.user, tc.pw)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("GET %s as %q: %d %.200s, want %d", tc.path, tc.user, w.Code, w.Body, tc.want)
		}
	}
}
