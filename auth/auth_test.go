package auth

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/ceph"
)

func newStore(t *testing.T, now func() time.Time) *MemoryStore {
	t.Helper()
	opts := []DBOption{WithBcryptCost(bcrypt.MinCost)}
	if now != nil {
		opts = append(opts, WithStoreClock(now))
	}
	s, err := NewMemoryStore("admin", "secret", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthenticate(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	if err := s.AddUser("ro", "ro-pw", "read-only"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("x", "pw", "no-such-role"); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("unknown role: %v", err)
	}
	if err := s.AddUser("ro", "pw"); !errors.Is(err, ceph.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	for _, tc := range []struct {
		user, pw string
		ok       bool
	}{
		{"admin", "secret", true},
		{"admin", "wrong", false},
		{"nobody", "secret", false},
		{"ro", "ro-pw", true},
		{"", "", false},
	} {
		u, err := s.Authenticate(ctx, tc.user, tc.pw)
		if tc.ok != (err == nil) {
			t.Errorf("%s/%s: err=%v", tc.user, tc.pw, err)
			continue
		}
		if err != nil {
			var ce *ceph.Error
			if !errors.As(err, &ce) || ce.WireCode() != "invalid_credentials" || ce.Code.HTTPStatus() != 400 {
				t.Errorf("%s: want invalid_credentials 400, got %v", tc.user, err)
			}
			continue
		}
		if u.Username != tc.user || len(u.PasswordHash) == 0 {
			t.Errorf("got %+v", u)
		}
	}
	if err := s.SetEnabled("ro", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "ro", "ro-pw"); err == nil {
		t.Error("disabled user logged in")
	}
}

func TestSystemRolePermissions(t *testing.T) {
	s := newStore(t, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		role  string
		scope Scope
		perm  Permission
		want  bool
	}{
		{"administrator", ScopeDashboardSettings, Delete, true},
		{"read-only", ScopePool, Read, true},
		{"read-only", ScopePool, Create, false},
		{"read-only", ScopeConfigOpt, Read, false},
		{"read-only", ScopeDashboardSettings, Read, false},
		{"block-manager", ScopePool, Read, true},
		{"block-manager", ScopePool, Update, false},
		{"block-manager", ScopeRBDImage, Delete, true},
		{"cluster-manager", ScopeLog, Create, true},
		{"cluster-manager", ScopePool, Read, false},
		{"pool-manager", ScopePool, Delete, true},
		{"ganesha-manager", ScopeRGW, Update, true},
		{"cephfs-manager", ScopeGrafana, Read, true},
		{"rgw-manager", ScopeOSD, Read, false},
	} {
		u := &User{Roles: []string{tc.role}}
		p, err := UserPermissions(ctx, s, u)
		if err != nil {
			t.Fatal(err)
		}
		if got := Authorize(u, p, tc.scope, tc.perm); got != tc.want {
			t.Errorf("%s %s:%s = %v, want %v", tc.role, tc.scope, tc.perm, got, tc.want)
		}
		u.PwdUpdateRequired = true
		if Authorize(u, p, tc.scope, tc.perm) {
			t.Errorf("%s: authorized while a password update is required", tc.role)
		}
	}
	if len(SystemRoles()) != 8 {
		t.Errorf("want 8 system roles")
	}
}

func TestAddRole(t *testing.T) {
	s := newStore(t, nil)
	if err := s.AddRole(Role{Name: "r", ScopePermissions: Permissions{"bogus": {Read}}}); ceph.CodeOf(err) != ceph.InvalidArgument {
		t.Errorf("bad scope: %v", err)
	}
	if err := s.AddRole(Role{Name: "r", ScopePermissions: Permissions{ScopePool: {"fly"}}}); ceph.CodeOf(err) != ceph.InvalidArgument {
		t.Errorf("bad perm: %v", err)
	}
	if err := s.AddRole(Role{Name: "administrator"}); ceph.AsError(err).Reason != "role_already_exists" {
		t.Errorf("system role: %v", err)
	}
	if err := s.AddRole(Role{Name: "r", ScopePermissions: Permissions{ScopePool: {Read, Update}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("u", "pw", "r", "read-only"); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User(context.Background(), "u")
	p, err := UserPermissions(context.Background(), s, u)
	if err != nil {
		t.Fatal(err)
	}
	if got := p[ScopePool]; len(got) != 2 || got[0] != Read || got[1] != Update {
		t.Errorf("merged pool perms = %v", got)
	}
}

func TestTokens(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	s := newStore(t, clock)
	tk, err := NewTokens([]byte("k"), time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, c, err := tk.Issue("admin")
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != Issuer || c.ID == "" || c.ExpiresAt.Sub(c.IssuedAt.Time) != time.Hour {
		t.Fatalf("claims %+v", c)
	}
	if u, _, err := tk.Verify(ctx, s, tok); err != nil || u.Username != "admin" {
		t.Fatalf("verify: %v", err)
	}
	other, _ := NewTokens([]byte("other"), time.Hour, clock)
	for name, bad := range map[string]string{
		"garbage":    "abc",
		"empty":      "",
		"other key":  func() string { s, _, _ := other.Issue("admin"); return s }(),
		"alg none":   "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VybmFtZSI6ImFkbWluIn0.",
		"truncated":  tok[:len(tok)-3],
		"unknown us": func() string { s, _, _ := tk.Issue("ghost"); return s }(),
	} {
		if _, _, err := tk.Verify(ctx, s, bad); !errors.Is(err, ceph.ErrUnauthenticated) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Expiry.
	now = now.Add(2 * time.Hour)
	if _, _, err := tk.Verify(ctx, s, tok); !errors.Is(err, ceph.ErrUnauthenticated) {
		t.Errorf("expired token accepted: %v", err)
	}
	// Password change invalidates older tokens.
	tok, _, _ = tk.Issue("admin")
	now = now.Add(time.Second)
	if err := s.SetPassword("admin", "new"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tk.Verify(ctx, s, tok); !errors.Is(err, ceph.ErrUnauthenticated) {
		t.Errorf("token older than password change accepted: %v", err)
	}
	// Block list.
	tok, c, _ = tk.Issue("admin")
	tk.Block(c.ID, c.ExpiresAt.Time)
	if _, err := tk.Parse(tok); !errors.Is(err, ceph.ErrUnauthenticated) {
		t.Errorf("blocked token accepted: %v", err)
	}
}

func TestLockout(t *testing.T) {
	s, err := NewMemoryStore("admin", "pw", WithBcryptCost(bcrypt.MinCost), WithLockoutAttempts(3))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := s.Authenticate(ctx, "admin", "bad"); err == nil {
			t.Fatal("bad password accepted")
		}
	}
	// A success resets the count.
	if _, err := s.Authenticate(ctx, "admin", "pw"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		_, _ = s.Authenticate(ctx, "admin", "bad")
	}
	if _, err := s.Authenticate(ctx, "admin", "pw"); err == nil {
		t.Fatal("locked account logged in")
	}
	if err := s.SetEnabled("admin", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "admin", "pw"); err != nil {
		t.Fatalf("re-enabled account: %v", err)
	}
	// Unknown users are not tracked.
	for i := 0; i < 5; i++ {
		_, _ = s.Authenticate(ctx, "ghost", "x")
	}
	if _, err := s.User(ctx, "ghost"); ceph.CodeOf(err) != ceph.NotFound {
		t.Errorf("failed logins of an unknown user made a record: %v", err)
	}
}

// plainStore hides MemoryStore's optional RolePermissions, so
// UserPermissions takes the copying path.
type plainStore struct{ Store }

func TestUserPermissionsWithAndWithoutSharedRoles(t *testing.T) {
	ctx := context.Background()
	m, err := NewMemoryStore("admin", "pw", WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddUser("ro", "pw", "read-only"); err != nil {
		t.Fatal(err)
	}
	u, err := m.User(ctx, "ro")
	if err != nil {
		t.Fatal(err)
	}
	shared, err := UserPermissions(ctx, m, u)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := UserPermissions(ctx, plainStore{m}, u)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shared, copied) || len(shared["pool"]) != 1 || shared["pool"][0] != Read {
		t.Fatalf("shared %v, copied %v", shared, copied)
	}
}
