package auth

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// Scope is one of the dashboard's security scopes (dashboard/security.py,
// Scope): the area of the cluster a permission applies to.
type Scope string

// Permission is one of the four permissions a role grants on a scope.
type Permission string

// The dashboard's security scopes.
const (
	ScopeHosts             Scope = "hosts"
	ScopeConfigOpt         Scope = "config-opt"
	ScopePool              Scope = "pool"
	ScopeOSD               Scope = "osd"
	ScopeMonitor           Scope = "monitor"
	ScopeRBDImage          Scope = "rbd-image"
	ScopeISCSI             Scope = "iscsi"
	ScopeRBDMirroring      Scope = "rbd-mirroring"
	ScopeRGW               Scope = "rgw"
	ScopeCephFS            Scope = "cephfs"
	ScopeManager           Scope = "manager"
	ScopeLog               Scope = "log"
	ScopeGrafana           Scope = "grafana"
	ScopePrometheus        Scope = "prometheus"
	ScopeUser              Scope = "user"
	ScopeDashboardSettings Scope = "dashboard-settings"
	ScopeNFSGanesha        Scope = "nfs-ganesha"
)

// Scopes lists every security scope.
var Scopes = []Scope{
	ScopeHosts, ScopeConfigOpt, ScopePool, ScopeOSD, ScopeMonitor, ScopeRBDImage, ScopeISCSI,
	ScopeRBDMirroring, ScopeRGW, ScopeCephFS, ScopeManager, ScopeLog, ScopeGrafana,
	ScopePrometheus, ScopeUser, ScopeDashboardSettings, ScopeNFSGanesha,
}

// The four permissions of a scope.
const (
	Read   Permission = "read"
	Create Permission = "create"
	Update Permission = "update"
	Delete Permission = "delete"
)

// AllPermissions lists the permissions in the dashboard's order.
var AllPermissions = []Permission{Read, Create, Update, Delete}

// ValidScope reports whether s is one of Scopes.
func ValidScope(s Scope) bool { return slices.Contains(Scopes, s) }

// ValidPermission reports whether p is one of AllPermissions.
func ValidPermission(p Permission) bool { return slices.Contains(AllPermissions, p) }

// Permissions maps a scope to the permissions granted on it, as the
// dashboard's login answer carries them.
type Permissions map[Scope][]Permission

// Allows reports whether perm is granted on scope.
func (p Permissions) Allows(scope Scope, perm Permission) bool {
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
	// FromDashboard marks a user read from the Ceph Dashboard's own
	// database that we have not changed.
	FromDashboard bool `json:"-"`
	// FailedLogins counts the failed logins in a row.
	FailedLogins int `json:"-"`
}

// MarshalJSON writes the user as the dashboard's `GET /api/user` does:
// lastUpdate and pwdExpirationDate in seconds since the epoch, null for
// an unset name, e-mail or expiry, never the password hash.
func (u *User) MarshalJSON() ([]byte, error) {
	var exp *int64
	if u.PwdExpirationDate != nil {
		exp = new(u.PwdExpirationDate.Unix())
	}
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return json.Marshal(struct {
		Username          string   `json:"username"`
		Roles             []string `json:"roles"`
		Name              *string  `json:"name"`
		Email             *string  `json:"email"`
		LastUpdate        int64    `json:"lastUpdate"`
		Enabled           bool     `json:"enabled"`
		PwdExpirationDate *int64   `json:"pwdExpirationDate"`
		PwdUpdateRequired bool     `json:"pwdUpdateRequired"`
	}{u.Username, roles, strPtr(u.Name), strPtr(u.Email), u.LastUpdate.Unix(), u.Enabled, exp, u.PwdUpdateRequired})
}

// Revoker is an optional interface of a Store that keeps logged-out token
// ids itself, so that a logout reaches every server sharing the store.
type Revoker interface {
	Revoke(ctx context.Context, jti string, exp time.Time) error
	Revoked(ctx context.Context, jti string) bool
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
func Authorize(u *User, perms Permissions, scope Scope, perm Permission) bool {
	if u.PwdUpdateRequired {
		return false
	}
	return perms.Allows(scope, perm)
}

func full() []Permission { return []Permission{Read, Create, Update, Delete} }

// SystemRoles returns the dashboard's predefined roles
// (services/access_control.py), fresh copies on each call.
func SystemRoles() []Role {
	admin := Permissions{}
	readOnly := Permissions{}
	for _, s := range Scopes {
		// Permission.all_permissions() lists them sorted by name.
		admin[s] = []Permission{Create, Delete, Read, Update}
		if s != ScopeDashboardSettings && s != ScopeConfigOpt {
			readOnly[s] = []Permission{Read}
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
		{Name: "cluster-manager", Description: "allows full permissions for the hosts, osd, mon, mgr,\n    and config-opt scopes", System: true, ScopePermissions: Permissions{
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
