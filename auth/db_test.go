package auth

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/ceph"
)

func TestPasswordPolicy(t *testing.T) {
	all := PasswordPolicy{
		Enabled: true, CheckLength: true, CheckOldPwd: true, CheckUsername: true, CheckExclusion: true,
		CheckComplexity: true, CheckSequential: true, CheckRepetitive: true,
		MinLength: 8, MinComplexity: 10, ExclusionList: []string{"osd", "ceph"},
	}
	for _, tc := range []struct {
		name     string
		p        PasswordPolicy
		pw, user string
		old      string
		credits  int
		err      string
	}{
		{"default: length only", DefaultPasswordPolicy(), "abcdefgh", "", "", 0, ""},
		{"default: too short", DefaultPasswordPolicy(), "abcdefg", "", "", 0, "Password is too weak."},
		{"default: same as old", DefaultPasswordPolicy(), "abcdefgh", "", "abcdefgh", 0, "Password must not be the same as the previous one."},
		{"disabled", PasswordPolicy{}, "a", "", "", 0, ""},
		{"complexity credits", all, "Zx9!Zx9!Zx", "", "", 2 + 1 + 1 + 3 + 2 + 1 + 1 + 3 + 2 + 1, ""},
		{"too complex-less", all, "abcd", "", "", 0, "Password is too weak."},
		{"username", all, "Xbob!Y7q1w", "BOB", "", 0, "Password must not contain username."},
		{"keyword", all, "Xq!Ceph7Zw", "", "", 0, `Password must not contain the keyword "Ceph".`},
		{"repetitive", all, "Xq!aaa7Zw", "", "", 0, "Password must not contain repetitive characters."},
		{"sequential", all, "Xq!abc7Zw", "", "", 0, "Password must not contain sequential characters."},
		{"other characters", all, "ÄÖÜß!", "", "", 0, "Password is too weak."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			credits, err := tc.p.Check(tc.pw, tc.user, tc.old)
			if tc.err != "" {
				if ce := ceph.AsError(err); ce == nil || ce.Detail != tc.err || ce.Reason != "password_policy_validation_failed" || ce.Code != ceph.InvalidArgument {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || credits != tc.credits {
				t.Fatalf("= %d, %v; want %d", credits, err, tc.credits)
			}
		})
	}
	for _, tc := range []struct {
		credits int
		want    string
	}{{0, "Weak"}, {14, "Weak"}, {15, "OK"}, {19, "OK"}, {20, "Strong"}, {24, "Strong"}, {25, "Very strong"}} {
		p := PasswordPolicy{Enabled: true, CheckComplexity: true}
		// A password of n lower-case letters has n credits.
		pw := ""
		for i := 0; i < tc.credits; i++ {
			pw += string(rune('a' + (i*7)%26))
		}
		if v := p.Validate(pw, "", ""); v.Valuation != tc.want || !v.Valid || v.Credits != tc.credits {
			t.Errorf("%d credits: %+v, want %s", tc.credits, v, tc.want)
		}
	}
}

func TestSettingCast(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want any
		ok   bool
	}{
		{"PWD_POLICY_ENABLED", false, false, true},
		{"pwd-policy-enabled", "False", false, true},
		{"PWD_POLICY_ENABLED", "maybe", nil, false},
		{"PWD_POLICY_ENABLED", 1.0, nil, false},
		{"ACCOUNT_LOCKOUT_ATTEMPTS", 5.0, int64(5), true},
		{"ACCOUNT_LOCKOUT_ATTEMPTS", "7", int64(7), true},
		{"ACCOUNT_LOCKOUT_ATTEMPTS", 1.5, nil, false},
		{"ACCOUNT_LOCKOUT_ATTEMPTS", "ten", nil, false},
		{"ACCOUNT_LOCKOUT_ATTEMPTS", true, nil, false},
		{"GRAFANA_API_URL", "http://g", "http://g", true},
		{"GRAFANA_API_URL", []any{"x"}, nil, false},
		{"RGW_API_ACCESS_KEY", map[string]any{"zone": "k"}, map[string]any{"zone": "k"}, true},
	} {
		def, ok := LookupSetting(tc.name)
		if !ok {
			t.Fatalf("%s: unknown", tc.name)
		}
		got, err := def.Cast(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%s(%v): err %v", tc.name, tc.in, err)
			continue
		}
		if tc.ok {
			if a, b := mustJSON(t, got), mustJSON(t, tc.want); a != b {
				t.Errorf("%s(%v) = %s, want %s", tc.name, tc.in, a, b)
			}
		}
	}
	if _, ok := LookupSetting("NO_SUCH"); ok {
		t.Error("unknown setting found")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func openTestDB(t *testing.T, kv KV, opts ...DBOption) *DB {
	t.Helper()
	d, err := OpenDB(context.Background(), kv, append([]DBOption{WithBcryptCost(bcrypt.MinCost)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDBSurvivesReopenFromFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "accounts.json")
	kv, err := OpenFileKV(path)
	if err != nil {
		t.Fatal(err)
	}
	d := openTestDB(t, kv)
	if ok, err := d.Bootstrap(ctx, "admin", "pw-Adm1n!"); !ok || err != nil {
		t.Fatalf("bootstrap: %v %v", ok, err)
	}
	if ok, _ := d.Bootstrap(ctx, "other", "x"); ok {
		t.Fatal("bootstrapped twice")
	}
	secret, err := d.JWTSecret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateUser(ctx, UserSpec{Username: "bob", Password: "hunter2hunter2", Roles: []string{"read-only"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateRole(ctx, Role{Name: "viewer", ScopePermissions: Permissions{ScopePool: {Read}}}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSettings(ctx, map[string]any{"ACCOUNT_LOCKOUT_ATTEMPTS": 3.0}); err != nil {
		t.Fatal(err)
	}
	key, _, err := d.CreateAPIKey(ctx, "bob", "ci", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Revoke(ctx, "jti-1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode: %v %v", fi, err)
	}

	kv2, err := OpenFileKV(path)
	if err != nil {
		t.Fatal(err)
	}
	d2 := openTestDB(t, kv2)
	if _, err := d2.Authenticate(ctx, "bob", "hunter2hunter2"); err != nil {
		t.Errorf("bob after reopen: %v", err)
	}
	if s2, _ := d2.JWTSecret(ctx); string(s2) != string(secret) {
		t.Error("the token secret changed")
	}
	if _, err := d2.Role(ctx, "viewer"); err != nil {
		t.Error(err)
	}
	if d2.LockoutAttempts(ctx) != 3 {
		t.Errorf("lockout = %d", d2.LockoutAttempts(ctx))
	}
	if _, _, err := d2.AuthenticateAPIKey(ctx, key); err != nil {
		t.Errorf("API key after reopen: %v", err)
	}
	if !d2.Revoked(ctx, "jti-1") {
		t.Error("logout forgotten")
	}
}

func TestOpenFileKVRefusesGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	if err := os.WriteFile(path, []byte(`{"keys": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileKV(path); ceph.CodeOf(err) != ceph.FailedPrecondition {
		t.Fatalf("torn file: %v", err)
	}
}

func TestLockoutTable(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		limit int
		fails int
		ok    bool
	}{
		{"9 failures", 10, 9, true},
		{"10 failures", 10, 10, false},
		{"never", 0, 30, true},
		{"setting 2", 2, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := openTestDB(t, NewMemoryKV())
			if err := d.SetSettings(ctx, map[string]any{SettingLockoutAttempts: float64(tc.limit)}); err != nil {
				t.Fatal(err)
			}
			if err := d.AddUser("u", "right-pw", "read-only"); err != nil {
				t.Fatal(err)
			}
			for range tc.fails {
				if _, err := d.Authenticate(ctx, "u", "wrong"); ceph.AsError(err).Reason != "invalid_credentials" {
					t.Fatal(err)
				}
			}
			_, err := d.Authenticate(ctx, "u", "right-pw")
			if (err == nil) != tc.ok {
				t.Fatalf("right password after %d failures: %v", tc.fails, err)
			}
			if !tc.ok {
				u, _ := d.User(ctx, "u")
				if u.Enabled {
					t.Error("locked account is enabled")
				}
				if err := d.SetEnabled("u", true); err != nil {
					t.Fatal(err)
				}
				if _, err := d.Authenticate(ctx, "u", "right-pw"); err != nil {
					t.Errorf("re-enabled: %v", err)
				}
			}
		})
	}
}

func TestExpiredPasswordCannotLogIn(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	d := openTestDB(t, NewMemoryKV(), WithStoreClock(clock))
	exp := now.Add(time.Hour).Unix()
	if _, err := d.CreateUser(ctx, UserSpec{Username: "e", Password: "long-enough", PwdExpirationDate: &exp}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Authenticate(ctx, "e", "long-enough"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := d.Authenticate(ctx, "e", "long-enough"); err == nil {
		t.Fatal("expired password logged in")
	}
	past := now.Add(-time.Minute).Unix()
	if _, err := d.CreateUser(ctx, UserSpec{Username: "f", PwdExpirationDate: &past}); ceph.AsError(err).Reason != "pwd_past_expiration_date" {
		t.Fatalf("past expiry: %v", err)
	}
}

func TestUserAndRoleRules(t *testing.T) {
	ctx := context.Background()
	d := openTestDB(t, NewMemoryKV())
	if err := d.AddUser("admin", "pw", "administrator"); err != nil {
		t.Fatal(err)
	}
	reason := func(err error) string {
		if ce := ceph.AsError(err); ce != nil {
			return ce.Reason
		}
		return ""
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no username", func() error { _, err := d.CreateUser(ctx, UserSpec{}); return err }(), "username_required"},
		{"unknown role", func() error {
			_, err := d.CreateUser(ctx, UserSpec{Username: "x", Roles: []string{"nope"}})
			return err
		}(), "role_does_not_exist"},
		{"weak password", func() error { _, err := d.CreateUser(ctx, UserSpec{Username: "x", Password: "short"}); return err }(), "password_policy_validation_failed"},
		{"duplicate", func() error { _, err := d.CreateUser(ctx, UserSpec{Username: "admin"}); return err }(), "username_already_exists"},
		{"delete self", d.DeleteUser(ctx, "admin", "admin"), "cannot_delete_current_user"},
		{"disable self", func() error {
			_, err := d.UpdateUser(ctx, "admin", "admin", UserSpec{Enabled: new(false)})
			return err
		}(), "cannot_disable_current_user"},
		{"other's password", d.ChangePassword(ctx, "admin", "bob", "a", "b"), "invalid_user_context"},
		{"wrong old password", d.ChangePassword(ctx, "admin", "admin", "bad", "new-password-1"), "invalid_old_password"},
		{"same password", d.ChangePassword(ctx, "admin", "admin", "pw", "pw"), "password_policy_validation_failed"},
		{"system role update", func() error { _, err := d.UpdateRole(ctx, Role{Name: "read-only"}); return err }(), "cannot_update_system_role"},
		{"system role delete", d.DeleteRole(ctx, "administrator"), "cannot_delete_system_role"},
		{"no role name", func() error { _, err := d.CreateRole(ctx, Role{}); return err }(), "name_required"},
		{"bad scope", func() error {
			_, err := d.CreateRole(ctx, Role{Name: "r", ScopePermissions: Permissions{"x": {Read}}})
			return err
		}(), "invalid_scope"},
		{"bad permission", func() error {
			_, err := d.CreateRole(ctx, Role{Name: "r", ScopePermissions: Permissions{ScopePool: {"fly"}}})
			return err
		}(), "invalid_permission"},
	} {
		if got := reason(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.want)
		}
	}
	if _, err := d.UpdateUser(ctx, "admin", "nobody", UserSpec{}); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("update of a missing user: %v", err)
	}
	if _, err := d.CreateRole(ctx, Role{Name: "r", ScopePermissions: Permissions{ScopePool: {Update, Read}, ScopeOSD: {}}}); err != nil {
		t.Fatal(err)
	}
	r, err := d.CloneRole(ctx, "r", "r2")
	if err != nil || len(r.ScopePermissions) != 1 || r.ScopePermissions[ScopePool][0] != Read {
		t.Fatalf("clone: %+v %v", r, err)
	}
	if _, err := d.CreateUser(ctx, UserSpec{Username: "bob", Roles: []string{"r"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteRole(ctx, "r"); reason(err) != "role_is_associated_with_user" {
		t.Errorf("delete of a held role: %v", err)
	}
	// Editing a role ends the sessions of its users, as on the dashboard.
	before, _ := d.User(ctx, "bob")
	time.Sleep(1100 * time.Millisecond)
	if _, err := d.UpdateRole(ctx, Role{Name: "r", ScopePermissions: Permissions{ScopeOSD: {Read}}}); err != nil {
		t.Fatal(err)
	}
	after, _ := d.User(ctx, "bob")
	if !after.LastUpdate.After(before.LastUpdate) {
		t.Error("role update kept the users' last update")
	}
	roles, _ := d.Roles(ctx)
	if len(roles) != 10 || roles[0].Name != "administrator" {
		t.Errorf("roles: %d, first %s", len(roles), roles[0].Name)
	}
}

func TestSharedKVAcrossInstances(t *testing.T) {
	ctx := context.Background()
	kv := NewMemoryKV()
	a := openTestDB(t, kv, WithRefresh(time.Millisecond))
	b := openTestDB(t, kv, WithRefresh(time.Millisecond))
	// Concurrent writes of different records on both instances lose nothing.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := a
			if i%2 == 1 {
				d = b
			}
			if _, err := d.CreateUser(ctx, UserSpec{Username: "u" + string(rune('a'+i)), Password: "long-password"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	time.Sleep(2 * time.Millisecond)
	for _, d := range []*DB{a, b} {
		if us, _ := d.Users(ctx); len(us) != 20 {
			t.Errorf("instance sees %d users", len(us))
		}
	}
	key, _, err := a.CreateAPIKey(ctx, "ua", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.AuthenticateAPIKey(ctx, key); err != nil {
		t.Errorf("key of a on b: %v", err)
	}
	if err := a.Revoke(ctx, "j", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	if !b.Revoked(ctx, "j") {
		t.Error("logout on a not seen on b")
	}
	sa, _ := a.JWTSecret(ctx)
	sb, _ := b.JWTSecret(ctx)
	if string(sa) != string(sb) {
		t.Error("instances sign with different secrets")
	}
}

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	d := openTestDB(t, NewMemoryKV(), WithStoreClock(func() time.Time { return now }))
	if err := d.AddUser("bot", "pw", "pool-manager"); err != nil {
		t.Fatal(err)
	}
	exp := now.Add(time.Hour)
	key, info, err := d.CreateAPIKey(ctx, "bot", "ci", &exp)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := d.AuthenticateAPIKey(ctx, key)
	if err != nil || u.Username != "bot" {
		t.Fatalf("%v %v", u, err)
	}
	keys, _ := d.APIKeyList(ctx, "")
	if len(keys) != 1 || keys[0].LastUsed == nil || keys[0].ID != info.ID {
		t.Fatalf("list: %+v", keys)
	}
	b, _ := json.Marshal(keys)
	var back []map[string]any
	_ = json.Unmarshal(b, &back)
	if _, ok := back[0]["sha256"]; ok {
		t.Error("the list shows the hash")
	}
	flipped := key[:len(key)-1] + map[bool]string{true: "1", false: "0"}[key[len(key)-1] == '0']
	for _, bad := range []string{"", key + "x", flipped, APIKeyPrefix + "x_y", "cephapi_" + info.ID + "_" + string(make([]byte, 64))} {
		if _, _, err := d.AuthenticateAPIKey(ctx, bad); ceph.CodeOf(err) != ceph.Unauthenticated {
			t.Errorf("%q: %v", bad, err)
		}
	}
	now = now.Add(2 * time.Hour)
	if _, _, err := d.AuthenticateAPIKey(ctx, key); ceph.CodeOf(err) != ceph.Unauthenticated {
		t.Errorf("expired key: %v", err)
	}
	key2, info2, _ := d.CreateAPIKey(ctx, "bot", "", nil)
	if err := d.RevokeAPIKey(ctx, info2.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.AuthenticateAPIKey(ctx, key2); ceph.CodeOf(err) != ceph.Unauthenticated {
		t.Errorf("revoked key: %v", err)
	}
	if err := d.RevokeAPIKey(ctx, info2.ID); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("revoke twice: %v", err)
	}
	if _, _, err := d.CreateAPIKey(ctx, "nobody", "", nil); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("key of a missing user: %v", err)
	}
}

func TestDashboardAccounts(t *testing.T) {
	ctx := context.Background()
	kv := NewMemoryKV()
	hash, _ := bcrypt.GenerateFromPassword([]byte("dash-pw"), bcrypt.MinCost)
	db := map[string]any{
		"users": map[string]any{"dash": map[string]any{
			"username": "dash", "password": string(hash), "roles": []string{"read-only", "custom"},
			"name": nil, "email": "d@x", "lastUpdate": 1_700_000_000, "enabled": true,
			"pwdExpirationDate": nil, "pwdUpdateRequired": false,
		}},
		"roles":   map[string]any{"custom": map[string]any{"name": "custom", "description": nil, "scopes_permissions": map[string][]string{"osd": {"read"}}}},
		"version": 2,
	}
	b, _ := json.Marshal(db)
	_ = kv.Put(ctx, DashboardAccessDBKey, b)
	d := openTestDB(t, kv, WithDashboardAccounts())
	u, err := d.Authenticate(ctx, "dash", "dash-pw")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := UserPermissions(ctx, d, u)
	if !p.Allows(ScopeOSD, Read) || !p.Allows(ScopePool, Read) {
		t.Errorf("permissions: %v", p)
	}
	if _, err := d.UpdateUser(ctx, "admin", "dash", UserSpec{Email: "new@x", Roles: []string{"read-only"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteUser(ctx, "admin", "dash"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.User(ctx, "dash"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("deleted dashboard user: %v", err)
	}
	// A dashboard role is hidden by a record of ours, not deleted there.
	if err := d.DeleteRole(ctx, "custom"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Role(ctx, "custom"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("deleted dashboard role: %v", err)
	}
	d2 := openTestDB(t, kv, WithDashboardAccounts())
	if _, err := d2.Role(ctx, "custom"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("deleted dashboard role after reopening: %v", err)
	}
	after, _ := kv.Load(ctx, DashboardAccessDBKey)
	if string(after[DashboardAccessDBKey]) != string(b) {
		t.Error("the dashboard's database was written")
	}
}

func TestPasswordChecksAreBounded(t *testing.T) {
	ctx := context.Background()
	d := openTestDB(t, NewMemoryKV(), WithPasswordChecks(1, 10*time.Millisecond))
	if err := d.AddUser("u", "pw", "read-only"); err != nil {
		t.Fatal(err)
	}
	d.checks <- struct{}{} // a check in progress
	if _, err := d.Authenticate(ctx, "u", "pw"); ceph.CodeOf(err) != ceph.TooManyRequests {
		t.Fatalf("busy: %v", err)
	}
	<-d.checks
	if _, err := d.Authenticate(ctx, "u", "pw"); err != nil {
		t.Fatal(err)
	}
}

// TestMissedLookupsReadTheStore: with a long refresh interval, a user or
// API key made on another instance is still found at once.
func TestMissedLookupsReadTheStore(t *testing.T) {
	ctx := context.Background()
	kv := NewMemoryKV()
	a := openTestDB(t, kv, WithRefresh(time.Hour))
	b := openTestDB(t, kv, WithRefresh(time.Hour))
	if _, err := a.CreateUser(ctx, UserSpec{Username: "new", Password: "long-password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(ctx, "new", "long-password"); err != nil {
		t.Fatalf("login on b: %v", err)
	}
	key, _, err := a.CreateAPIKey(ctx, "new", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Within a second of b's last read: the key lookup waits for the next.
	if _, _, err := b.AuthenticateAPIKey(ctx, key); err != nil {
		t.Fatalf("key on b: %v", err)
	}
	// A login never waits: an unknown name within the second answers at once.
	start := time.Now()
	if _, err := b.Authenticate(ctx, "ghost", "x"); err == nil {
		t.Fatal("ghost logged in")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("an unknown user's login waited %v", d)
	}
}
