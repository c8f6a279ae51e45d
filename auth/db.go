package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi/ceph"
)

// The keys of the account database in its KV. Every record is a key of
// its own (see KV).
const (
	keyPrefix     = "cephapi/"
	userPrefix    = "cephapi/auth/user/"
	rolePrefix    = "cephapi/auth/role/"
	revokedPrefix = "cephapi/auth/revoked/"
	apiKeyPrefix  = "cephapi/auth/apikey/"
	secretKey     = "cephapi/auth/jwt_secret"
	settingPrefix = "cephapi/settings/"
)

// DashboardAccessDBKey is the config-key under which the Ceph Dashboard of
// Ceph 16 keeps its users and roles (services/access_control.py). A DB
// opened WithDashboardAccounts reads it and never writes it.
const DashboardAccessDBKey = "mgr/dashboard/accessdb_v2"

// userRecord is a stored user, in the dashboard's own shape (User.to_dict)
// plus the fields only we keep.
type userRecord struct {
	Username   string   `json:"username"`
	Password   *string  `json:"password"`
	Name       *string  `json:"name"`
	Email      *string  `json:"email"`
	Roles      []string `json:"roles"`
	LastUpdate int64    `json:"lastUpdate"`
	// LastUpdateMs is ours, in milliseconds (tokens carry iat_ms).
	LastUpdateMs      int64  `json:"lastUpdateMs,omitempty"`
	Enabled           bool   `json:"enabled"`
	PwdExpirationDate *int64 `json:"pwdExpirationDate"`
	PwdUpdateRequired bool   `json:"pwdUpdateRequired"`
	// FailedLogins counts the failed logins in a row (the dashboard keeps
	// it in memory only, so a restart forgets it; we do not).
	FailedLogins int `json:"failedLogins,omitempty"`
	// Deleted hides a dashboard user of the same name.
	Deleted bool `json:"deleted,omitempty"`
}

type roleRecord struct {
	Name             string      `json:"name"`
	Description      *string     `json:"description"`
	ScopePermissions Permissions `json:"scopes_permissions"`
	Deleted          bool        `json:"deleted,omitempty"`
}

type dashboardDB struct {
	Users   map[string]*userRecord `json:"users"`
	Roles   map[string]*roleRecord `json:"roles"`
	Version int                    `json:"version"`
}

// DB is the account database: users, roles, settings, API keys, logouts
// and the token signing secret, kept in a KV. It implements Store and
// Manager and is safe for concurrent use.
//
// It keeps the whole database in memory and reads the KV again when its
// copy is older than the refresh interval (WithRefresh), so several servers
// sharing one KV (the cluster's config-key store) see each other's
// changes within that interval; a lookup of an unknown user or API key
// reads it at once (at most once a second). Every write reads the KV
// first and then writes only the record it changes.
type DB struct {
	kv        KV
	cost      int
	now       func() time.Time
	refresh   time.Duration
	dashboard bool
	checks    chan struct{} // bounds the concurrent bcrypt checks
	checkWait time.Duration
	lockout   *int // overrides the ACCOUNT_LOCKOUT_ATTEMPTS setting
	dummy     []byte

	writeMu    sync.Mutex // serializes this process's writes
	refreshing atomic.Bool
	forceMu    sync.Mutex
	lastForced time.Time // of the last forced reload

	mu    sync.RWMutex
	state *dbState

	// keyUse keeps the last use of each API key in memory; it is written
	// to the KV at most once a minute per key, so that a busy key does
	// not write on every request.
	useMu  sync.Mutex
	keyUse map[string]time.Time
}

// dbState is one snapshot of the KV, replaced as a whole on reload.
type dbState struct {
	loaded   time.Time
	ours     map[string]*userRecord
	dash     map[string]*userRecord
	users    map[string]*User // merged: ours over the dashboard's
	roles    map[string]*Role // custom roles, merged; system roles apart
	ourRoles map[string]*roleRecord
	// dashRoles names the custom roles of the dashboard's database.
	dashRoles map[string]bool
	revoked   map[string]int64
	keys      map[string]*apiKeyRecord
	settings  map[string]any
	secret    []byte
}

var systemRoles = func() map[string]*Role {
	m := map[string]*Role{}
	for _, r := range SystemRoles() {
		m[r.Name] = &r
	}
	return m
}()

// DBOption configures OpenDB.
type DBOption func(*DB)

// WithBcryptCost sets the bcrypt cost of new hashes (default
// bcrypt.DefaultCost). Tests use bcrypt.MinCost to stay fast.
func WithBcryptCost(cost int) DBOption { return func(d *DB) { d.cost = cost } }

// WithLockoutAttempts overrides the ACCOUNT_LOCKOUT_ATTEMPTS setting: an
// account is disabled after n failed logins in a row (0: never).
func WithLockoutAttempts(n int) DBOption { return func(d *DB) { d.lockout = &n } }

// WithStoreClock sets the clock.
func WithStoreClock(now func() time.Time) DBOption { return func(d *DB) { d.now = now } }

// WithRefresh sets how old the in-memory copy of the KV may grow before it
// is read again (default 0: never, for a KV this DB alone writes). Servers
// that share a KV set it (the rados transport's config-key store: 2s).
func WithRefresh(d time.Duration) DBOption { return func(db *DB) { db.refresh = d } }

// WithDashboardAccounts makes the DB read the Ceph Dashboard's own users
// and custom roles from DashboardAccessDBKey in the same KV: they log in
// with their dashboard passwords. The key is never written; a change made
// through this DB to such a user (including a lockout) is stored as a
// record of ours that takes its place.
func WithDashboardAccounts() DBOption { return func(d *DB) { d.dashboard = true } }

// WithPasswordChecks bounds the password checks (bcrypt comparisons) that
// run at once to n, waiting at most wait for a turn before a login is
// refused with TooManyRequests. The default is half the CPUs (at least 1)
// and one second, so that a flood of guesses leaves the other requests
// CPU to run on.
func WithPasswordChecks(n int, wait time.Duration) DBOption {
	return func(d *DB) {
		if n < 1 {
			n = 1
		}
		d.checks = make(chan struct{}, n)
		d.checkWait = wait
	}
}

// OpenDB opens the account database in kv and loads it.
func OpenDB(ctx context.Context, kv KV, opts ...DBOption) (*DB, error) {
	d := &DB{kv: kv, cost: bcrypt.DefaultCost, now: time.Now, checkWait: time.Second}
	d.checks = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))
	for _, o := range opts {
		o(d)
	}
	var err error
	if d.dummy, err = bcrypt.GenerateFromPassword([]byte("not a password"), d.cost); err != nil {
		return nil, ceph.Wrap(err, ceph.InvalidArgument, "auth")
	}
	if err := d.reload(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// NewMemoryStore returns a DB in memory with one enabled administrator
// account. Unlike the dashboard it does not lock accounts unless
// WithLockoutAttempts says so: tests make failed logins on purpose.
func NewMemoryStore(adminUser, adminPassword string, opts ...DBOption) (*DB, error) {
	opts = append([]DBOption{WithLockoutAttempts(0)}, opts...)
	d, err := OpenDB(context.Background(), NewMemoryKV(), opts...)
	if err != nil {
		return nil, err
	}
	if err := d.AddUser(adminUser, adminPassword, "administrator"); err != nil {
		return nil, err
	}
	return d, nil
}

// MemoryStore is the former name of a DB in memory.
type MemoryStore = DB

// Bootstrap creates an administrator account when the database has no
// user at all (the first start of a server), and reports whether it did.
func (d *DB) Bootstrap(ctx context.Context, username, password string) (bool, error) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if err := d.reload(ctx); err != nil {
		return false, err
	}
	if len(d.snapshot().users) > 0 {
		return false, nil
	}
	if err := d.putUserLocked(ctx, username, password, []string{"administrator"}); err != nil {
		return false, err
	}
	return true, nil
}

func (d *DB) snapshot() *dbState {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.state
}

// reload reads the whole database from the KV.
func (d *DB) reload(ctx context.Context) error {
	st := &dbState{
		ours: map[string]*userRecord{}, dash: map[string]*userRecord{}, users: map[string]*User{},
		roles: map[string]*Role{}, ourRoles: map[string]*roleRecord{}, dashRoles: map[string]bool{}, revoked: map[string]int64{},
		keys: map[string]*apiKeyRecord{}, settings: map[string]any{},
	}
	kvs, err := d.kv.Load(ctx, keyPrefix)
	if err != nil {
		return err
	}
	now := d.now().Unix()
	for k, v := range kvs {
		switch {
		case strings.HasPrefix(k, userPrefix):
			var r userRecord
			if json.Unmarshal(v, &r) == nil && r.Username != "" {
				st.ours[r.Username] = &r
			}
		case strings.HasPrefix(k, rolePrefix):
			var r roleRecord
			if json.Unmarshal(v, &r) == nil && r.Name != "" {
				st.ourRoles[r.Name] = &r
			}
		case strings.HasPrefix(k, revokedPrefix):
			var r struct {
				Exp int64 `json:"exp"`
			}
			if json.Unmarshal(v, &r) == nil && r.Exp >= now {
				st.revoked[strings.TrimPrefix(k, revokedPrefix)] = r.Exp
			}
		case strings.HasPrefix(k, apiKeyPrefix):
			var r apiKeyRecord
			if json.Unmarshal(v, &r) == nil && r.ID != "" {
				st.keys[r.ID] = &r
			}
		case strings.HasPrefix(k, settingPrefix):
			var x any
			if def, ok := LookupSetting(strings.TrimPrefix(k, settingPrefix)); ok && json.Unmarshal(v, &x) == nil {
				if c, err := def.Cast(x); err == nil {
					st.settings[def.Name] = c
				}
			}
		case k == secretKey:
			var s string
			if json.Unmarshal(v, &s) == nil {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) >= 16 {
					st.secret = b
				}
			}
		}
	}
	dashRoles := map[string]*roleRecord{}
	if d.dashboard {
		kvs, err := d.kv.Load(ctx, DashboardAccessDBKey)
		if err != nil {
			return err
		}
		if v, ok := kvs[DashboardAccessDBKey]; ok {
			var db dashboardDB
			if err := json.Unmarshal(v, &db); err == nil {
				for name, u := range db.Users {
					if u != nil {
						u.Username = name
						st.dash[name] = u
					}
				}
				for name, r := range db.Roles {
					if r != nil {
						r.Name = name
						dashRoles[name] = r
						st.dashRoles[name] = true
					}
				}
			}
		}
	}
	for _, src := range []map[string]*roleRecord{dashRoles, st.ourRoles} {
		for name, r := range src {
			if _, sys := systemRoles[name]; sys {
				continue
			}
			if r.Deleted {
				delete(st.roles, name)
				continue
			}
			st.roles[name] = r.role()
		}
	}
	for i, src := range []map[string]*userRecord{st.dash, st.ours} {
		for name, r := range src {
			if r.Deleted {
				delete(st.users, name)
				continue
			}
			st.users[name] = r.user(i == 0)
		}
	}
	st.loaded = d.now()
	d.mu.Lock()
	d.state = st
	d.mu.Unlock()
	return nil
}

// fresh returns the state, read again from the KV first when it is older
// than the refresh interval. Only one caller reloads; the others go on
// with the copy they have.
func (d *DB) fresh(ctx context.Context) *dbState {
	st := d.snapshot()
	if d.refresh <= 0 || d.now().Sub(st.loaded) < d.refresh {
		return st
	}
	if d.refreshing.CompareAndSwap(false, true) {
		defer d.refreshing.Store(false)
		if err := d.reload(ctx); err == nil {
			return d.snapshot()
		}
	}
	return st
}

// forced reads the KV again for a lookup that missed (a user or key
// another server has just created), at most once a second: a caller that
// asks while a read is due waits for it, and callers that asked before a
// read began share its result.
func (d *DB) forced(ctx context.Context) *dbState {
	if d.refresh <= 0 {
		return d.snapshot()
	}
	asked := d.now()
	d.forceMu.Lock()
	defer d.forceMu.Unlock()
	if st := d.snapshot(); st.loaded.After(asked) {
		return st
	}
	if wait := time.Second - d.now().Sub(d.lastForced); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return d.snapshot()
		}
	}
	d.lastForced = d.now()
	_ = d.reload(ctx)
	return d.snapshot()
}

// forcedNow is forced without the wait: it reads the store only when no
// forced read happened in the last second and no other is under way.
func (d *DB) forcedNow(ctx context.Context) *dbState {
	if d.refresh <= 0 || !d.forceMu.TryLock() {
		return d.snapshot()
	}
	defer d.forceMu.Unlock()
	if d.now().Sub(d.lastForced) >= time.Second {
		d.lastForced = d.now()
		_ = d.reload(ctx)
	}
	return d.snapshot()
}

func (r *roleRecord) role() *Role {
	perms := Permissions{}
	for s, ps := range r.ScopePermissions {
		if len(ps) > 0 {
			perms[s] = slices.Sorted(slices.Values(ps))
		}
	}
	return &Role{Name: r.Name, Description: deref(r.Description), ScopePermissions: perms}
}

func (r *userRecord) user(dashboard bool) *User {
	u := &User{
		Username: r.Username, Name: deref(r.Name), Email: deref(r.Email),
		Roles: slices.Sorted(slices.Values(r.Roles)), Enabled: r.Enabled,
		LastUpdate: time.Unix(r.LastUpdate, 0), PwdUpdateRequired: r.PwdUpdateRequired,
		FromDashboard: dashboard, FailedLogins: r.FailedLogins,
	}
	if r.LastUpdateMs/1000 == r.LastUpdate {
		u.LastUpdate = time.UnixMilli(r.LastUpdateMs)
	}
	if r.Password != nil {
		u.PasswordHash = []byte(*r.Password)
	}
	if r.PwdExpirationDate != nil {
		t := time.Unix(*r.PwdExpirationDate, 0)
		u.PwdExpirationDate = &t
	}
	return u
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// record returns the stored form of the merged user u.
func record(u *User) *userRecord {
	r := &userRecord{
		Username: u.Username, Name: strPtr(u.Name), Email: strPtr(u.Email),
		Roles: slices.Clone(u.Roles), LastUpdate: u.LastUpdate.Unix(), LastUpdateMs: u.LastUpdate.UnixMilli(), Enabled: u.Enabled,
		PwdUpdateRequired: u.PwdUpdateRequired, FailedLogins: u.FailedLogins,
	}
	if r.Roles == nil {
		r.Roles = []string{}
	}
	if u.PasswordHash != nil {
		h := string(u.PasswordHash)
		r.Password = &h
	}
	if u.PwdExpirationDate != nil {
		e := u.PwdExpirationDate.Unix()
		r.PwdExpirationDate = &e
	}
	return r
}

func userKey(name string) string { return userPrefix + url.PathEscape(name) }
func roleKey(name string) string { return rolePrefix + url.PathEscape(name) }

func (d *DB) put(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return ceph.Wrap(err, ceph.Internal, "auth")
	}
	return d.kv.Put(ctx, key, b)
}

// update runs fn on a fresh copy of the database, holding this process's
// write lock, and reloads afterwards so that readers see the change.
func (d *DB) update(ctx context.Context, fn func(st *dbState) error) error {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if err := d.reload(ctx); err != nil {
		return err
	}
	if err := fn(d.snapshot()); err != nil {
		return err
	}
	return d.reload(ctx)
}

func notFoundUser(name string) error {
	return &ceph.Error{Code: ceph.NotFound, Component: "user", Detail: "User '" + name + "' does not exist"}
}

// User implements Store. A user unknown here is looked up again in the KV
// (a user another server created).
func (d *DB) User(ctx context.Context, username string) (*User, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	u, ok := d.fresh(ctx).users[username]
	if !ok {
		if u, ok = d.forced(ctx).users[username]; !ok {
			return nil, notFoundUser(username)
		}
	}
	return u.clone(), nil
}

func (u *User) clone() *User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.PasswordHash = slices.Clone(u.PasswordHash)
	if u.PwdExpirationDate != nil {
		t := *u.PwdExpirationDate
		c.PwdExpirationDate = &t
	}
	return &c
}

// Role implements Store.
func (d *DB) Role(ctx context.Context, name string) (*Role, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	r, err := d.rolePerms(ctx, name)
	if err != nil {
		return nil, err
	}
	c := *r
	c.ScopePermissions = Permissions{}
	for s, ps := range r.ScopePermissions {
		c.ScopePermissions[s] = slices.Clone(ps)
	}
	return &c, nil
}

func (d *DB) rolePerms(ctx context.Context, name string) (*Role, error) {
	if r, ok := systemRoles[name]; ok {
		return r, nil
	}
	if r, ok := d.fresh(ctx).roles[name]; ok {
		return r, nil
	}
	return nil, &ceph.Error{Code: ceph.NotFound, Component: "role", Detail: "Role '" + name + "' does not exist"}
}

// RolePermissions implements RolePermissionsReader: stored roles are
// replaced, never modified, so the map can be shared.
func (d *DB) RolePermissions(ctx context.Context, name string) (Permissions, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	r, err := d.rolePerms(ctx, name)
	if err != nil {
		return nil, err
	}
	return r.ScopePermissions, nil
}

func (d *DB) lockoutAttempts(st *dbState) int {
	if d.lockout != nil {
		return *d.lockout
	}
	return settingsView(st.settings).int(SettingLockoutAttempts)
}

// checkPassword compares a password with a bcrypt hash (a dummy one for a
// missing user, so that both cost the same), within the bound of
// concurrent checks.
func (d *DB) checkPassword(ctx context.Context, hash []byte, password string) (bool, error) {
	t := time.NewTimer(d.checkWait)
	defer t.Stop()
	select {
	case d.checks <- struct{}{}:
	case <-ctx.Done():
		return false, ceph.CheckContext(ctx, "auth")
	case <-t.C:
		return false, &ceph.Error{Code: ceph.TooManyRequests, Component: "auth", Detail: "Too many login attempts at once; try again later"}
	}
	defer func() { <-d.checks }()
	if hash == nil {
		hash = d.dummy
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil, nil
}

// Authenticate implements Store, with the dashboard's lockout: after
// ACCOUNT_LOCKOUT_ATTEMPTS failed logins in a row the account is disabled
// and every further login refused, the right password included, until an
// administrator enables it again. An expired password cannot log in.
// Unknown users cost the same password check as known ones.
func (d *DB) Authenticate(ctx context.Context, username, password string) (*User, error) {
	if err := ceph.CheckContext(ctx, "auth"); err != nil {
		return nil, err
	}
	st := d.fresh(ctx)
	u, ok := st.users[username]
	if !ok {
		// A user another server has just created: read the store again
		// if no read happened in the last second, but never wait for
		// one, so that an unknown name does not answer later than a
		// wrong password does (the periodic refresh finds it otherwise).
		st = d.forcedNow(ctx)
		u, ok = st.users[username]
	}
	var hash []byte
	if ok {
		hash = u.PasswordHash
	}
	match, err := d.checkPassword(ctx, hash, password)
	if err != nil {
		return nil, err
	}
	good := subtle.ConstantTimeEq(boolInt(match), 1) & subtle.ConstantTimeEq(boolInt(ok && hash != nil), 1)
	if !ok {
		return nil, InvalidCredentials()
	}
	now := d.now()
	expired := u.PwdExpirationDate != nil && u.PwdExpirationDate.Before(now)
	success := good == 1 && u.Enabled && !expired
	locked := false
	if limit := d.lockoutAttempts(st); limit > 0 && (!success || u.FailedLogins > 0) {
		err := d.update(ctx, func(st *dbState) error {
			cur, ok := st.users[username]
			if !ok {
				return nil
			}
			c := cur.clone()
			if success {
				c.FailedLogins = 0
			} else if c.Enabled {
				c.FailedLogins++
				if c.FailedLogins >= limit {
					c.Enabled = false
					c.LastUpdate = now
					locked = true
				}
			}
			return d.put(ctx, userKey(username), record(c))
		})
		if err != nil {
			return nil, err
		}
	}
	if !success {
		e := InvalidCredentials()
		if locked {
			e.Err = ErrAccountLocked
		}
		return nil, e
	}
	return u.clone(), nil
}

// ErrAccountLocked is wrapped by the InvalidCredentials error of the failed
// login that disabled an account (errors.Is finds it), for the log line
// the dashboard writes then; the caller sees only InvalidCredentials.
var ErrAccountLocked = errors.New("the account was disabled after too many failed logins")

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func (d *DB) hash(password string) ([]byte, error) {
	if password == "" {
		return nil, ceph.Errorf(ceph.InvalidArgument, "user", "password must not be empty")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), d.cost)
	if err != nil {
		// bcrypt refuses passwords longer than 72 bytes.
		return nil, ceph.Wrap(err, ceph.InvalidArgument, "user")
	}
	return hash, nil
}

// AddUser adds an enabled account with the given roles, without the
// password policy (for bootstrapping and tests).
func (d *DB) AddUser(username, password string, roles ...string) error {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	ctx := context.Background()
	if err := d.reload(ctx); err != nil {
		return err
	}
	return d.putUserLocked(ctx, username, password, roles)
}

func (d *DB) putUserLocked(ctx context.Context, username, password string, roles []string) error {
	if username == "" {
		return ceph.Errorf(ceph.InvalidArgument, "user", "username must not be empty")
	}
	hash, err := d.hash(password)
	if err != nil {
		return err
	}
	st := d.snapshot()
	if _, ok := st.users[username]; ok {
		return ceph.Errorf(ceph.AlreadyExists, "user", "User '%s' already exists", username)
	}
	for _, r := range roles {
		if _, err := d.rolePerms(ctx, r); err != nil {
			return err
		}
	}
	u := &User{Username: username, Roles: slices.Sorted(slices.Values(roles)), Enabled: true, LastUpdate: d.now(), PasswordHash: hash}
	if err := d.put(ctx, userKey(username), record(u)); err != nil {
		return err
	}
	return d.reload(ctx)
}

// SetPassword changes a password without the policy and records the
// change time, which invalidates the user's existing tokens.
func (d *DB) SetPassword(username, password string) error {
	hash, err := d.hash(password)
	if err != nil {
		return err
	}
	ctx := context.Background()
	return d.modifyUser(ctx, username, func(u *User) error {
		d.setHash(u, hash, settingsView(d.snapshot().settings))
		return nil
	})
}

func (d *DB) setHash(u *User, hash []byte, s settingsView) {
	u.PasswordHash = hash
	u.FailedLogins = 0
	u.LastUpdate = d.now()
	u.PwdUpdateRequired = false
	u.PwdExpirationDate = d.expiry(s)
}

// expiry is the expiration date of a password set now
// (USER_PWD_EXPIRATION_SPAN days; nil when 0).
func (d *DB) expiry(s settingsView) *time.Time {
	days := s.int(SettingPwdExpirationSpan)
	if days <= 0 {
		return nil
	}
	t := d.now().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Second)
	return &t
}

// SetEnabled enables or disables an account; enabling it forgets its
// failed logins.
func (d *DB) SetEnabled(username string, enabled bool) error {
	return d.modifyUser(context.Background(), username, func(u *User) error {
		u.Enabled = enabled
		u.LastUpdate = d.now()
		if enabled {
			u.FailedLogins = 0
		}
		return nil
	})
}

// modifyUser applies fn to a fresh copy of the user and stores it.
func (d *DB) modifyUser(ctx context.Context, username string, fn func(u *User) error) error {
	return d.update(ctx, func(st *dbState) error {
		cur, ok := st.users[username]
		if !ok {
			return notFoundUser(username)
		}
		u := cur.clone()
		if err := fn(u); err != nil {
			return err
		}
		return d.put(ctx, userKey(username), record(u))
	})
}

// AddRole adds a custom role. Scopes and permissions are checked.
func (d *DB) AddRole(r Role) error {
	_, err := d.CreateRole(context.Background(), r)
	return err
}

// JWTSecret returns the token signing secret kept in the database,
// creating it on first use, so that tokens survive a restart and every
// server sharing the database accepts them.
func (d *DB) JWTSecret(ctx context.Context) ([]byte, error) {
	if s := d.snapshot().secret; s != nil {
		return slices.Clone(s), nil
	}
	var out []byte
	err := d.update(ctx, func(st *dbState) error {
		if st.secret != nil {
			return nil
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return ceph.Wrap(err, ceph.Internal, "auth")
		}
		return d.put(ctx, secretKey, base64.StdEncoding.EncodeToString(b))
	})
	if err != nil {
		return nil, err
	}
	out = d.snapshot().secret
	if out == nil {
		return nil, ceph.Errorf(ceph.Internal, "auth", "the token secret was not stored")
	}
	return slices.Clone(out), nil
}

// Revoke implements Revoker: a logged-out token id is refused by every
// server sharing the database until it expires.
func (d *DB) Revoke(ctx context.Context, jti string, exp time.Time) error {
	return d.update(ctx, func(st *dbState) error {
		now := d.now().Unix()
		for id, e := range st.revoked {
			if e < now {
				_ = d.kv.Delete(ctx, revokedPrefix+id)
			}
		}
		return d.put(ctx, revokedPrefix+url.PathEscape(jti), map[string]int64{"exp": exp.Unix()})
	})
}

// Revoked implements Revoker.
func (d *DB) Revoked(ctx context.Context, jti string) bool {
	_, ok := d.fresh(ctx).revoked[url.PathEscape(jti)]
	return ok
}

// Settings returns the stored values of the settings (the ones left at
// their default are missing).
func (d *DB) settingsView(ctx context.Context) settingsView {
	return settingsView(d.fresh(ctx).settings)
}

// PasswordPolicy returns the policy the current settings make.
func (d *DB) PasswordPolicy(ctx context.Context) PasswordPolicy {
	return policyFrom(d.settingsView(ctx))
}

// SettingBool returns a boolean setting's current value.
func (d *DB) SettingBool(ctx context.Context, name string) bool {
	return d.settingsView(ctx).bool(name)
}

// LockoutAttempts returns the number of failed logins that disables an
// account (0: never).
func (d *DB) LockoutAttempts(ctx context.Context) int { return d.lockoutAttempts(d.fresh(ctx)) }

var (
	_ Store                 = (*DB)(nil)
	_ RolePermissionsReader = (*DB)(nil)
	_ Revoker               = (*DB)(nil)
)

// EnsureUser makes sure an enabled account username exists whose password
// is password (the program's administrator, whose password an operator
// gives at start): it creates the account with the given role when
// missing, and otherwise sets the password and enables the account only
// when they differ, so that an unchanged password keeps the account's
// sessions. It reports whether it changed anything. The comparison is not
// a login: it neither counts a failure nor waits for a turn.
func (d *DB) EnsureUser(ctx context.Context, username, password, role string) (bool, error) {
	u, err := d.User(ctx, username)
	if ceph.CodeOf(err) == ceph.NotFound {
		d.writeMu.Lock()
		defer d.writeMu.Unlock()
		if err := d.reload(ctx); err != nil {
			return false, err
		}
		return true, d.putUserLocked(ctx, username, password, []string{role})
	}
	if err != nil {
		return false, err
	}
	same := u.PasswordHash != nil && bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(password)) == nil
	if same && u.Enabled {
		return false, nil
	}
	hash, err := d.hash(password)
	if err != nil {
		return false, err
	}
	return true, d.modifyUser(ctx, username, func(u *User) error {
		if !same {
			d.setHash(u, hash, settingsView(d.snapshot().settings))
		}
		u.Enabled, u.FailedLogins, u.FromDashboard = true, 0, false
		u.LastUpdate = d.now()
		return nil
	})
}
