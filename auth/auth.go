package auth

import (
	"context"
	"crypto/subtle"
	"slices"
	"sort"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/ceph"
)

// The dashboard's security scopes (dashboard/security.py, Scope).
const (
	ScopeHosts             = "hosts"
	ScopeConfigOpt         = "config-opt"
	ScopePool              = "pool"
	ScopeOSD               = "osd"
	ScopeMonitor           = "monitor"
	ScopeRBDImage          = "rbd-image"
	ScopeISCSI             = "iscsi"
	ScopeRBDMirroring      = "rbd-mirroring"
	ScopeRGW               = "rgw"
	ScopeCephFS            = "cephfs"
	ScopeManager           = "manager"
	ScopeLog               = "log"
	ScopeGrafana           = "grafana"
	ScopePrometheus        = "prometheus"
	ScopeUser              = "user"
	ScopeDashboardSettings = "dashboard-settings"
	ScopeNFSGanesha        = "nfs-ganesha"
)

// Scopes lists every security scope.
var Scopes = []string{
	ScopeHosts, ScopeConfigOpt, ScopePool, ScopeOSD, ScopeMonitor, ScopeRBDImage, ScopeISCSI,
	ScopeRBDMirroring, ScopeRGW, ScopeCephFS, ScopeManager, ScopeLog, ScopeGrafana,
	ScopePrometheus, ScopeUser, ScopeDashboardSettings, ScopeNFSGanesha,
}

// The four permissions of a scope.
const (
	Read   = "read"
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// AllPermissions lists the permissions in the dashboard's order.
var AllPermissions = []string{Read, Create, Update, Delete}

// ValidScope reports whether s is one of Scopes.
func ValidScope(s string) bool { return slices.Contains(Scopes, s) }

// ValidPermission reports whether p is one of AllPermissions.
func ValidPermission(p string) bool { return slices.Contains(AllPermissions, p) }

// Permissions maps a scope to the permissions granted on it, as the
// dashboard's login answer carries them.
type Permissions map[string][]string

// Allows reports whether perm is granted on scope.
func (p Permissions) Allows(scope, perm string) bool {
	return slices.Contains(p[scope], perm)
}

// Role is a named set of scope permissions.
type Role struct {
	Name             string      `json:"name"`
	Description      string      `json:"description"`
	ScopePermissions Permissions `json:"scopes_permissions"`
	// System roles cannot be changed or deleted.
	System bool `json:"system"`
}

// User is a dashboard account. PasswordHash is a bcrypt hash and is never
// serialized.
type User struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Roles    []string `json:"roles"`
	Enabled  bool     `json:"enabled"`
	// LastUpdate is when the password (or other security-relevant data)
	// last changed; tokens issued before it are rejected.
	LastUpdate        time.Time  `json:"-"`
	PwdExpirationDate *time.Time `json:"-"`
	PwdUpdateRequired bool       `json:"pwdUpdateRequired"`
	PasswordHash      []byte     `json:"-"`
}

// Store is the account store of the HTTP server. Implementations must be
// safe for concurrent use. Lookups of missing users or roles return a
// NotFound *ceph.Error.
type Store interface {
	// User returns the account; NotFound when it does not exist.
	User(ctx context.Context, username string) (*User, error)
	// Role returns a role (system or custom); NotFound when unknown.
	Role(ctx context.Context, name string) (*Role, error)
	// Authenticate checks a password and returns the account. Every
	// failure (unknown user, wrong password, disabled account) is the same
	// InvalidCredentials error, so callers cannot tell them apart.
	Authenticate(ctx context.Context, username, password string) (*User, error)
}

// RolePermissionsReader is an optional interface of a Store: the
// permissions of a role as a map shared with the store, which the caller
// must not modify. A store whose roles never change once stored offers it,
// so that the check made on every request copies nothing (copying the role
// was a fifth of a request's CPU).
type RolePermissionsReader interface {
	RolePermissions(ctx context.Context, name string) (Permissions, error)
}

// InvalidCredentials is the dashboard's answer to a failed login
// (400, code "invalid_credentials").
func InvalidCredentials() *ceph.Error {
	return &ceph.Error{Code: ceph.InvalidArgument, Component: "auth", Reason: "invalid_credentials", Detail: "Invalid credentials"}
}

// UserPermissions merges the permissions of every role of u, as the
// dashboard's User.permissions_dict does. A user that must change its
// password has no permissions (the dashboard's authorize refuses everything).
// The result may be shared with the store: read it, do not modify it.
func UserPermissions(ctx context.Context, s Store, u *User) (Permissions, error) {
	if len(u.Roles) == 1 {
		// The common case: one role, whose permissions are the answer.
		var perms Permissions
		var err error
		if rp, ok := s.(RolePermissionsReader); ok {
			perms, err = rp.RolePermissions(ctx, u.Roles[0])
		} else {
			var r *Role
			if r, err = s.Role(ctx, u.Roles[0]); err == nil {
				perms = r.ScopePermissions
			}
		}
		switch {
		case err == nil:
			return perms, nil
		case ceph.CodeOf(err) == ceph.NotFound:
			return Permissions{}, nil
		default:
			return nil, err
		}
	}
	out := Permissions{}
	for _, rn := range u.Roles {
		r, err := s.Role(ctx, rn)
		if err != nil {
			if ceph.CodeOf(err) == ceph.NotFound {
				continue // a dangling role name grants nothing
			}
			return nil, err
		}
		for scope, perms := range r.ScopePermissions {
			for _, p := range perms {
				if !slices.Contains(out[scope], p) {
					out[scope] = append(out[scope], p)
				}
			}
		}
	}
	for scope := range out {
		sort.Slice(out[scope], func(i, j int) bool {
			return slices.Index(AllPermissions, out[scope][i]) < slices.Index(AllPermissions, out[scope][j])
		})
	}
	return out, nil
}

// Authorize reports whether the user's permissions allow perm on scope,
// refusing everything while a password update is required.
func Authorize(u *User, perms Permissions, scope, perm string) bool {
	if u.PwdUpdateRequired {
		return false
	}
	return perms.Allows(scope, perm)
}

func full() []string { return []string{Read, Create, Update, Delete} }

// SystemRoles returns the dashboard's predefined roles
// (services/access_control.py), fresh copies on each call.
func SystemRoles() []Role {
	admin := Permissions{}
	readOnly := Permissions{}
	for _, s := range Scopes {
		// Permission.all_permissions() lists them sorted by name.
		admin[s] = []string{Create, Delete, Read, Update}
		if s != ScopeDashboardSettings && s != ScopeConfigOpt {
			readOnly[s] = []string{Read}
		}
	}
	return []Role{
		{Name: "administrator", Description: "allows full permissions for all security scopes", ScopePermissions: admin, System: true},
		{Name: "read-only", Description: "allows read permission for all security scope except dashboard settings and config-opt", ScopePermissions: readOnly, System: true},
		{Name: "block-manager", Description: "allows full permissions for rbd-image, rbd-mirroring, and iscsi scopes", System: true, ScopePermissions: Permissions{
			ScopeRBDImage: full(), ScopePool: {Read}, ScopeISCSI: full(), ScopeRBDMirroring: full(), ScopeGrafana: {Read},
		}},
		{Name: "rgw-manager", Description: "allows full permissions for the rgw scope", System: true, ScopePermissions: Permissions{
			ScopeRGW: full(), ScopeGrafana: {Read},
		}},
		{Name: "cluster-manager", Description: "allows full permissions for the hosts, osd, mon, mgr, and config-opt scopes", System: true, ScopePermissions: Permissions{
			ScopeHosts: full(), ScopeOSD: full(), ScopeMonitor: full(), ScopeManager: full(), ScopeConfigOpt: full(), ScopeLog: full(), ScopeGrafana: {Read},
		}},
		{Name: "pool-manager", Description: "allows full permissions for the pool scope", System: true, ScopePermissions: Permissions{
			ScopePool: full(), ScopeGrafana: {Read},
		}},
		{Name: "cephfs-manager", Description: "allows full permissions for the cephfs scope", System: true, ScopePermissions: Permissions{
			ScopeCephFS: full(), ScopeGrafana: {Read},
		}},
		{Name: "ganesha-manager", Description: "allows full permissions for the nfs-ganesha scope", System: true, ScopePermissions: Permissions{
			ScopeNFSGanesha: full(), ScopeCephFS: full(), ScopeRGW: full(), ScopeGrafana: {Read},
		}},
	}
}

// MemoryStore is an in-memory Store with the system roles. It is safe for
// concurrent use.
type MemoryStore struct {
	mu    sync.RWMutex
	users map[string]*User
	roles map[string]*Role
	cost  int
	now   func() time.Time
	dummy []byte // hash compared against for unknown users (constant work)
	// lockout is the number of consecutive failed logins that disables an
	// account (0: never); failures counts them per existing account.
	lockout  int
	failures map[string]int
}

// MemoryOption configures NewMemoryStore.
type MemoryOption func(*MemoryStore)

// WithBcryptCost sets the bcrypt cost (default bcrypt.DefaultCost). Tests
// use bcrypt.MinCost to stay fast.
func WithBcryptCost(cost int) MemoryOption { return func(m *MemoryStore) { m.cost = cost } }

// WithLockoutAttempts disables an account after n consecutive failed
// logins, as the dashboard's ACCOUNT_LOCKOUT_ATTEMPTS (10 there); an
// administrator must enable it again (SetEnabled). 0, the default here,
// never locks: with only the in-memory store and no user-management API
// yet, a locked administrator could only be restored by a restart.
func WithLockoutAttempts(n int) MemoryOption { return func(m *MemoryStore) { m.lockout = n } }

// WithStoreClock sets the clock used for LastUpdate.
func WithStoreClock(now func() time.Time) MemoryOption { return func(m *MemoryStore) { m.now = now } }

// NewMemoryStore returns a store with the system roles and one enabled
// administrator account.
func NewMemoryStore(adminUser, adminPassword string, opts ...MemoryOption) (*MemoryStore, error) {
	m := &MemoryStore{users: map[string]*User{}, roles: map[string]*Role{}, cost: bcrypt.DefaultCost, now: time.Now, failures: map[string]int{}}
	for _, o := range opts {
		o(m)
	}
	for _, r := range SystemRoles() {
		m.roles[r.Name] = &r
	}
	var err error
	if m.dummy, err = bcrypt.GenerateFromPassword([]byte("not a password"), m.cost); err != nil {
		return nil, ceph.Wrap(err, ceph.InvalidArgument, "auth")
	}
	if err := m.AddUser(adminUser, adminPassword, "administrator"); err != nil {
		return nil, err
	}
	return m, nil
}

// AddUser adds an enabled account with the given roles. It refuses an
// existing name, an empty name or password, and unknown roles.
func (m *MemoryStore) AddUser(username, password string, roles ...string) error {
	if username == "" {
		return ceph.Errorf(ceph.InvalidArgument, "user", "username must not be empty")
	}
	hash, err := m.hash(password)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[username]; ok {
		return ceph.Errorf(ceph.AlreadyExists, "user", "User '%s' already exists", username)
	}
	for _, r := range roles {
		if _, ok := m.roles[r]; !ok {
			return ceph.Errorf(ceph.NotFound, "user", "Role '%s' does not exist", r)
		}
	}
	m.users[username] = &User{
		Username: username, Roles: slices.Clone(roles), Enabled: true,
		LastUpdate: m.now(), PasswordHash: hash,
	}
	return nil
}

// hash checks and bcrypt-hashes a new password.
func (m *MemoryStore) hash(password string) ([]byte, error) {
	if password == "" {
		return nil, ceph.Errorf(ceph.InvalidArgument, "user", "password must not be empty")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), m.cost)
	if err != nil {
		// bcrypt refuses passwords longer than 72 bytes.
		return nil, ceph.Wrap(err, ceph.InvalidArgument, "user")
	}
	return hash, nil
}

// SetPassword changes a password and records the change time, which
// invalidates the user's existing tokens.
func (m *MemoryStore) SetPassword(username, password string) error {
	hash, err := m.hash(password)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[username]
	if !ok {
		return ceph.Errorf(ceph.NotFound, "user", "User '%s' does not exist", username)
	}
	u.PasswordHash = hash
	u.LastUpdate = m.now()
	u.PwdUpdateRequired = false
	return nil
}

// SetEnabled enables or disables an account.
func (m *MemoryStore) SetEnabled(username string, enabled bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[username]
	if !ok {
		return ceph.Errorf(ceph.NotFound, "user", "User '%s' does not exist", username)
	}
	u.Enabled = enabled
	u.LastUpdate = m.now()
	return nil
}

// AddRole adds a custom role. Scopes and permissions are checked.
func (m *MemoryStore) AddRole(r Role) error {
	if r.Name == "" {
		return ceph.Errorf(ceph.InvalidArgument, "role", "role name must not be empty")
	}
	perms := Permissions{}
	for s, ps := range r.ScopePermissions {
		if !ValidScope(s) {
			return ceph.Errorf(ceph.InvalidArgument, "role", "Scope '%s' is not valid", s)
		}
		for _, p := range ps {
			if !ValidPermission(p) {
				return ceph.Errorf(ceph.InvalidArgument, "role", "Permission '%s' is not valid", p)
			}
		}
		perms[s] = slices.Clone(ps)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.roles[r.Name]; ok {
		return ceph.Errorf(ceph.AlreadyExists, "role", "Role '%s' already exists", r.Name)
	}
	m.roles[r.Name] = &Role{Name: r.Name, Description: r.Description, ScopePermissions: perms}
	return nil
}

func cloneUser(u *User) *User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.PasswordHash = slices.Clone(u.PasswordHash)
	return &c
}

// User implements Store.
func (m *MemoryStore) User(ctx context.Context, username string) (*User, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.users[username]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "user", "User '%s' does not exist", username)
	}
	return cloneUser(u), nil
}

// Role implements Store.
func (m *MemoryStore) Role(ctx context.Context, name string) (*Role, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.roles[name]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "role", "Role '%s' does not exist", name)
	}
	c := *r
	c.ScopePermissions = Permissions{}
	for s, ps := range r.ScopePermissions {
		c.ScopePermissions[s] = slices.Clone(ps)
	}
	return &c, nil
}

// RolePermissions implements RolePermissionsReader: roles are never
// modified once stored (AddRole stores a copy), so the map can be shared.
func (m *MemoryStore) RolePermissions(ctx context.Context, name string) (Permissions, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.roles[name]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "role", "Role '%s' does not exist", name)
	}
	return r.ScopePermissions, nil
}

// Authenticate implements Store. An unknown user costs the same bcrypt
// comparison as a known one, so response time does not reveal which
// accounts exist.
func (m *MemoryStore) Authenticate(ctx context.Context, username, password string) (*User, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	m.mu.RLock()
	u, ok := m.users[username]
	var hash []byte
	if ok {
		u = cloneUser(u)
		hash = u.PasswordHash
	} else {
		hash = m.dummy
	}
	m.mu.RUnlock()
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	// Combine the outcomes without branching on which one failed first.
	good := subtle.ConstantTimeEq(boolInt(err == nil), 1) & subtle.ConstantTimeEq(boolInt(ok), 1)
	if ok && m.lockout > 0 {
		m.countAttempt(username, good == 1 && u.Enabled)
	}
	if good != 1 || !u.Enabled {
		return nil, InvalidCredentials()
	}
	return u, nil
}

// countAttempt resets the failure count on success and disables the
// account when the failures reach the lockout limit.
func (m *MemoryStore) countAttempt(username string, success bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if success {
		delete(m.failures, username)
		return
	}
	m.failures[username]++
	if m.failures[username] >= m.lockout {
		if u, ok := m.users[username]; ok {
			u.Enabled = false
			u.LastUpdate = m.now()
		}
		delete(m.failures, username)
	}
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

var _ Store = (*MemoryStore)(nil)
