//go:build rados

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealSharedAccounts runs two servers on the test cluster with the
// config-key store: a user made with `ceph dashboard ac-user-create` logs
// in to ours; a user, an API key and a logout made through one server
// hold on the other; audit lines reach the cluster log.
func TestRealSharedAccounts(t *testing.T) {
	conf := realConf(t)
	stamp := time.Now().Format("150405")
	dashUser, dashPW := "cephapi-dash-"+stamp, "Dash-Passw0rd-"+stamp
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(dashPW), 0o600); err != nil {
		t.Fatal(err)
	}
	cephCLI(t, conf, "dashboard", "ac-user-create", dashUser, "-i", pwFile, "read-only")
	t.Cleanup(func() { _ = execCeph(conf, "dashboard", "ac-user-delete", dashUser) })

	env := map[string]string{"CEPH_REST_API_PASSWORD": realPassword, "CEPH_REST_API_ACCOUNTS": "config-key"}
	args := []string{"--transport", "rados", "-c", conf}
	a, _ := start(t, args, env)
	b, _ := start(t, args, env)

	// The dashboard's own user, on both servers.
	for _, base := range []string{a, b} {
		tok := tokenOf(t, base, dashUser, dashPW)
		if code, body := api(t, base, "GET", "/api/pool", tok, ""); code != 200 {
			t.Errorf("dashboard user reading pools: %d %s", code, body)
		}
		if code, _ := api(t, base, "POST", "/api/pool", tok, `{"pool":"x","pg_num":8,"pool_type":"replicated"}`); code != 403 {
			t.Errorf("read-only dashboard user creating a pool: %d", code)
		}
	}

	adminA := tokenOf(t, a, "admin", realPassword)
	user := "cephapi-shared-" + stamp
	if code, body := api(t, a, "POST", "/api/user", adminA, `{"username":"`+user+`","password":"Shared-pw-1","roles":["pool-manager"],"pwdUpdateRequired":false}`); code != 201 {
		t.Fatalf("create on A: %d %s", code, body)
	}
	t.Cleanup(func() { api(t, a, "DELETE", "/api/user/"+user, adminA, "") })
	tokB := tokenOf(t, b, user, "Shared-pw-1") // made on A, logs in on B
	if code, body := api(t, a, "GET", "/api/pool", tokB, ""); code != 200 {
		t.Errorf("B's token on A: %d %s", code, body)
	}

	code, body := api(t, a, "POST", "/api/apikey", adminA, `{"username":"`+user+`","description":"shared"}`)
	if code != 201 {
		t.Fatalf("API key on A: %d %s", code, body)
	}
	var k struct{ Key, ID string }
	_ = json.Unmarshal([]byte(body), &k)
	if code, body := api(t, b, "GET", "/api/pool", k.Key, ""); code != 200 {
		t.Errorf("A's API key on B: %d %s", code, body)
	}

	// A logout on B ends the token on A (within A's refresh interval).
	if code, _ := api(t, b, "POST", "/api/auth/logout", tokB, ""); code != 200 {
		t.Fatalf("logout on B: %d", code)
	}
	waitFor(t, "the logout on B to reach A", func() bool {
		code, _ := api(t, a, "GET", "/api/pool", tokB, "")
		return code == 401
	})
	// A key revoked on A stops on B.
	if code, _ := api(t, a, "DELETE", "/api/apikey/"+k.ID, adminA, ""); code != 204 {
		t.Fatalf("revoke on A: %d", code)
	}
	waitFor(t, "the revocation on A to reach B", func() bool {
		code, _ := api(t, b, "GET", "/api/pool", k.Key, "")
		return code == 401
	})

	// Auditing to the cluster log, switched on through A.
	if code, body := api(t, a, "PUT", "/api/settings/AUDIT_API_ENABLED", adminA, `{"value":true}`); code != 200 {
		t.Fatalf("audit on: %d %s", code, body)
	}
	t.Cleanup(func() { api(t, a, "DELETE", "/api/settings/AUDIT_API_ENABLED", adminA, "") })
	mark := "cephapi-audit-" + stamp
	api(t, a, "POST", "/api/role", adminA, `{"name":"`+mark+`","scopes_permissions":{"pool":["read"]}}`)
	t.Cleanup(func() { api(t, a, "DELETE", "/api/role/"+mark, adminA, "") })
	waitFor(t, "the audit line in the cluster log", func() bool {
		return strings.Contains(cephCLI(t, conf, "log", "last", "200"), mark)
	})
}

func execCeph(conf string, args ...string) error {
	return exec.Command("ceph", append([]string{"-c", conf}, args...)...).Run()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
