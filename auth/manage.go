package auth

import (
	"context"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// Manager manages accounts, roles and settings, as /api/user, /api/role
// and /api/settings do. DB implements it.
type Manager interface {
	Store
	Users(ctx context.Context) ([]*User, error)
	CreateUser(ctx context.Context, spec UserSpec) (*User, error)
	UpdateUser(ctx context.Context, actor, username string, spec UserSpec) (*User, error)
	DeleteUser(ctx context.Context, actor, username string) error
	ChangePassword(ctx context.Context, actor, username, oldPassword, newPassword string) error
	ValidatePassword(ctx context.Context, password, username, oldPassword string) PasswordValidation

	Roles(ctx context.Context) ([]*Role, error)
	CreateRole(ctx context.Context, r Role) (*Role, error)
	UpdateRole(ctx context.Context, r Role) (*Role, error)
	DeleteRole(ctx context.Context, name string) error
	CloneRole(ctx context.Context, name, newName string) (*Role, error)

	Settings(ctx context.Context, names []string) ([]Setting, error)
	Setting(ctx context.Context, name string) (Setting, error)
	SetSettings(ctx context.Context, values map[string]any) error
	ResetSetting(ctx context.Context, name string) error

	APIKeys
}

// UserSpec is a user to create, or the new state of a user to update, as
// the dashboard's User.create and User.set take them. For an update, the
// dashboard's rules apply: name, e-mail, roles, expiry and
// pwdUpdateRequired are replaced by what is given (absent is empty), the
// password only when given, enabled only when not nil.
type UserSpec struct {
	Username          string
	Password          string
	Name              string
	Email             string
	Roles             []string
	Enabled           *bool
	PwdExpirationDate *int64
	PwdUpdateRequired bool
}

func userError(reason, msg string) *ceph.Error {
	return &ceph.Error{Code: ceph.InvalidArgument, Component: "user", Reason: reason, Detail: msg}
}

func roleError(reason, msg string) *ceph.Error {
	return &ceph.Error{Code: ceph.InvalidArgument, Component: "role", Reason: reason, Detail: msg}
}

// Users implements Manager, sorted by name.
func (d *DB) Users(ctx context.Context) ([]*User, error) {
	if err := ceph.CheckContext(ctx, "user"); err != nil {
		return nil, err
	}
	st := d.fresh(ctx)
	out := make([]*User, 0, len(st.users))
	for _, u := range st.users {
		out = append(out, u.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, nil
}

func (d *DB) checkRoles(ctx context.Context, roles []string) error {
	for _, r := range roles {
		if _, err := d.rolePerms(ctx, r); err != nil {
			return userError("role_does_not_exist", "Role does not exist")
		}
	}
	return nil
}

func (d *DB) checkExpiry(exp *int64) error {
	if exp != nil && *exp < d.now().Unix() {
		return userError("pwd_past_expiration_date", "Password expiration date must not be in the past")
	}
	return nil
}

// CreateUser implements Manager. The password, when given, must meet the
// policy; a user without one cannot log in.
func (d *DB) CreateUser(ctx context.Context, spec UserSpec) (*User, error) {
	if spec.Username == "" {
		return nil, userError("username_required", "Username is required")
	}
	if err := d.checkRoles(ctx, spec.Roles); err != nil {
		return nil, err
	}
	if spec.Password != "" {
		if _, err := d.PasswordPolicy(ctx).Check(spec.Password, spec.Username, ""); err != nil {
			return nil, err
		}
	}
	if err := d.checkExpiry(spec.PwdExpirationDate); err != nil {
		return nil, err
	}
	var hash []byte
	if spec.Password != "" {
		var err error
		if hash, err = d.hash(spec.Password); err != nil {
			return nil, err
		}
	}
	var out *User
	err := d.update(ctx, func(st *dbState) error {
		if _, ok := st.users[spec.Username]; ok {
			return userError("username_already_exists", "Username already exists")
		}
		u := &User{
			Username: spec.Username, Name: spec.Name, Email: spec.Email,
			Roles: slices.Sorted(slices.Values(spec.Roles)), Enabled: spec.Enabled == nil || *spec.Enabled,
			LastUpdate: d.now(), PasswordHash: hash, PwdUpdateRequired: spec.PwdUpdateRequired,
		}
		if spec.PwdExpirationDate != nil {
			u.PwdExpirationDate = new(time.Unix(*spec.PwdExpirationDate, 0))
		} else {
			u.PwdExpirationDate = d.expiry(settingsView(st.settings))
		}
		out = u
		return d.put(ctx, userKey(u.Username), record(u))
	})
	if err != nil {
		return nil, err
	}
	return out.clone(), nil
}

// UpdateUser implements Manager. Like the dashboard it refreshes the
// user's last update, which ends the user's sessions, and refuses to let
// actor disable itself.
func (d *DB) UpdateUser(ctx context.Context, actor, username string, spec UserSpec) (*User, error) {
	if actor == username && spec.Enabled != nil && !*spec.Enabled {
		return nil, userError("cannot_disable_current_user", "You are not allowed to disable your user")
	}
	if _, err := d.User(ctx, username); err != nil {
		return nil, err
	}
	if err := d.checkRoles(ctx, spec.Roles); err != nil {
		return nil, err
	}
	var hash []byte
	if spec.Password != "" {
		if _, err := d.PasswordPolicy(ctx).Check(spec.Password, username, ""); err != nil {
			return nil, err
		}
		var err error
		if hash, err = d.hash(spec.Password); err != nil {
			return nil, err
		}
	}
	if err := d.checkExpiry(spec.PwdExpirationDate); err != nil {
		return nil, err
	}
	var out *User
	err := d.modifyUser(ctx, username, func(u *User) error {
		if hash != nil {
			d.setHash(u, hash, settingsView(d.snapshot().settings))
		}
		u.Name, u.Email = spec.Name, spec.Email
		if spec.Enabled != nil {
			if *spec.Enabled && !u.Enabled {
				u.FailedLogins = 0
			}
			u.Enabled = *spec.Enabled
		}
		u.PwdExpirationDate = nil
		if spec.PwdExpirationDate != nil {
			u.PwdExpirationDate = new(time.Unix(*spec.PwdExpirationDate, 0))
		}
		u.Roles = slices.Sorted(slices.Values(spec.Roles))
		u.PwdUpdateRequired = spec.PwdUpdateRequired
		u.LastUpdate = d.now()
		u.FromDashboard = false
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out.clone(), nil
}

// DeleteUser implements Manager. A user of the dashboard's own database
// is hidden by a record of ours (that database is never written).
func (d *DB) DeleteUser(ctx context.Context, actor, username string) error {
	if actor == username {
		return userError("cannot_delete_current_user", "Cannot delete current user")
	}
	return d.update(ctx, func(st *dbState) error {
		if _, ok := st.users[username]; !ok {
			return notFoundUser(username)
		}
		if _, dash := st.dash[username]; dash {
			return d.put(ctx, userKey(username), &userRecord{Username: username, Roles: []string{}, Deleted: true})
		}
		return d.kv.Delete(ctx, userKey(username))
	})
}

// ChangePassword implements Manager: a user changes its own password,
// giving the old one; the new one must meet the policy.
func (d *DB) ChangePassword(ctx context.Context, actor, username, oldPassword, newPassword string) error {
	if actor != username {
		return userError("invalid_user_context", "Invalid user context")
	}
	u, err := d.User(ctx, username)
	if err != nil {
		return err
	}
	ok, err := d.checkPassword(ctx, u.PasswordHash, oldPassword)
	if err != nil {
		return err
	}
	if !ok || u.PasswordHash == nil {
		return userError("invalid_old_password", "Invalid old password")
	}
	if _, err := d.PasswordPolicy(ctx).Check(newPassword, username, oldPassword); err != nil {
		return err
	}
	hash, err := d.hash(newPassword)
	if err != nil {
		return err
	}
	return d.modifyUser(ctx, username, func(u *User) error {
		d.setHash(u, hash, settingsView(d.snapshot().settings))
		u.FromDashboard = false
		return nil
	})
}

// ValidatePassword implements Manager.
func (d *DB) ValidatePassword(ctx context.Context, password, username, oldPassword string) PasswordValidation {
	return d.PasswordPolicy(ctx).Validate(password, username, oldPassword)
}

// Roles implements Manager: system and custom roles, sorted by name.
func (d *DB) Roles(ctx context.Context) ([]*Role, error) {
	if err := ceph.CheckContext(ctx, "role"); err != nil {
		return nil, err
	}
	st := d.fresh(ctx)
	var out []*Role
	for _, src := range []map[string]*Role{systemRoles, st.roles} {
		for name := range src {
			r, err := d.Role(ctx, name)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func checkPermissions(p Permissions) error {
	for s, ps := range p {
		if !ValidScope(s) {
			return roleError("invalid_scope", "Invalid scope")
		}
		for _, x := range ps {
			if !ValidPermission(x) {
				return roleError("invalid_permission", "Invalid permission")
			}
		}
	}
	return nil
}

func roleRecordOf(r Role) *roleRecord {
	rec := &roleRecord{Name: r.Name, Description: strPtr(r.Description), ScopePermissions: Permissions{}}
	for s, ps := range r.ScopePermissions {
		if len(ps) > 0 {
			rec.ScopePermissions[s] = slices.Sorted(slices.Values(ps))
		}
	}
	return rec
}

// CreateRole implements Manager.
func (d *DB) CreateRole(ctx context.Context, r Role) (*Role, error) {
	if r.Name == "" {
		return nil, roleError("name_required", "Name is required")
	}
	if err := checkPermissions(r.ScopePermissions); err != nil {
		return nil, err
	}
	err := d.update(ctx, func(st *dbState) error {
		_, sys := systemRoles[r.Name]
		if _, ok := st.roles[r.Name]; ok || sys {
			return roleError("role_already_exists", "Role already exists")
		}
		return d.put(ctx, roleKey(r.Name), roleRecordOf(r))
	})
	if err != nil {
		return nil, err
	}
	return d.Role(ctx, r.Name)
}

// UpdateRole implements Manager. As on the dashboard, the users holding
// the role get a new last update, which ends their sessions.
func (d *DB) UpdateRole(ctx context.Context, r Role) (*Role, error) {
	if _, sys := systemRoles[r.Name]; sys {
		return nil, roleError("cannot_update_system_role", "Cannot update system role")
	}
	if err := checkPermissions(r.ScopePermissions); err != nil {
		return nil, err
	}
	err := d.update(ctx, func(st *dbState) error {
		if _, ok := st.roles[r.Name]; !ok {
			return &ceph.Error{Code: ceph.NotFound, Component: "role", Detail: "Role '" + r.Name + "' does not exist"}
		}
		if err := d.put(ctx, roleKey(r.Name), roleRecordOf(r)); err != nil {
			return err
		}
		now := d.now()
		for _, u := range st.users {
			if slices.Contains(u.Roles, r.Name) {
				c := u.clone()
				c.LastUpdate = now
				if err := d.put(ctx, userKey(c.Username), record(c)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.Role(ctx, r.Name)
}

// DeleteRole implements Manager. A role that a user holds stays.
func (d *DB) DeleteRole(ctx context.Context, name string) error {
	if _, sys := systemRoles[name]; sys {
		return roleError("cannot_delete_system_role", "Cannot delete system role")
	}
	return d.update(ctx, func(st *dbState) error {
		if _, ok := st.roles[name]; !ok {
			return &ceph.Error{Code: ceph.NotFound, Component: "role", Detail: "Role '" + name + "' does not exist"}
		}
		for _, u := range st.users {
			if slices.Contains(u.Roles, name) {
				return roleError("role_is_associated_with_user", "Role is associated with user")
			}
		}
		if _, ours := st.ourRoles[name]; ours && !st.dashRoles[name] {
			return d.kv.Delete(ctx, roleKey(name))
		}
		return d.put(ctx, roleKey(name), &roleRecord{Name: name, Deleted: true})
	})
}

// CloneRole implements Manager.
func (d *DB) CloneRole(ctx context.Context, name, newName string) (*Role, error) {
	r, err := d.Role(ctx, name)
	if err != nil {
		return nil, err
	}
	return d.CreateRole(ctx, Role{Name: newName, Description: r.Description, ScopePermissions: r.ScopePermissions})
}

func settingNotFound(name string) error {
	return &ceph.Error{Code: ceph.NotFound, Component: "settings", Detail: "Setting '" + name + "' does not exist"}
}

// Settings implements Manager: all settings in the dashboard's order, or
// only the named ones (unknown names are left out, as the dashboard does).
func (d *DB) Settings(ctx context.Context, names []string) ([]Setting, error) {
	if err := ceph.CheckContext(ctx, "settings"); err != nil {
		return nil, err
	}
	s := d.settingsView(ctx)
	var out []Setting
	for _, def := range SettingDefs {
		if len(names) > 0 && !slices.Contains(names, def.Name) {
			continue
		}
		out = append(out, Setting{Name: def.Name, Default: def.Default, Type: def.Type, Value: s.value(def.Name)})
	}
	return out, nil
}

// Setting implements Manager.
func (d *DB) Setting(ctx context.Context, name string) (Setting, error) {
	def, ok := LookupSetting(name)
	if !ok {
		return Setting{}, settingNotFound(SettingName(name))
	}
	return Setting{Name: def.Name, Default: def.Default, Type: def.Type, Value: d.settingsView(ctx).value(def.Name)}, nil
}

// SetSettings implements Manager. Every value is checked before any is
// stored: one bad value changes nothing.
func (d *DB) SetSettings(ctx context.Context, values map[string]any) error {
	cast := map[string]any{}
	for name, v := range values {
		def, ok := LookupSetting(name)
		if !ok {
			return settingNotFound(SettingName(name))
		}
		c, err := def.Cast(v)
		if err != nil {
			return err
		}
		cast[def.Name] = c
	}
	return d.update(ctx, func(*dbState) error {
		for _, name := range slices.Sorted(maps.Keys(cast)) {
			if err := d.put(ctx, settingPrefix+name, cast[name]); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResetSetting implements Manager: the setting returns to its default.
func (d *DB) ResetSetting(ctx context.Context, name string) error {
	def, ok := LookupSetting(name)
	if !ok {
		return settingNotFound(SettingName(name))
	}
	return d.update(ctx, func(*dbState) error { return d.kv.Delete(ctx, settingPrefix+def.Name) })
}

var _ Manager = (*DB)(nil)
