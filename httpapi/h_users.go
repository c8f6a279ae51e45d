package httpapi

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// accountBindings serves /api/user, /api/role, /api/settings and our
// /api/apikey from the account store when it is an auth.Manager (the
// store of auth.OpenDB and auth.NewMemoryStore); with another store they
// answer Unimplemented.
func (s *Server) accountBindings() []binding {
	return []binding{
		// GET /api/user
		bind(ops.UserList, func(c *call, _ *ops.UserListRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.Users(c.ctx()) })
		}),
		// POST /api/user
		bind(ops.UserCreate, s.userCreate),
		// GET /api/user/{username}
		bind(ops.UserGet, func(c *call, r *ops.UserGetRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.User(c.ctx(), r.Username) })
		}),
		// PUT /api/user/{username}
		bind(ops.UserUpdate, s.userUpdate),
		// DELETE /api/user/{username}
		bind(ops.UserDelete, func(c *call, r *ops.UserDeleteRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				return nil, m.DeleteUser(c.ctx(), c.user.Username, r.Username)
			})
		}),
		// POST /api/user/{username}/change_password
		bind(ops.UserChangePassword, func(c *call, r *ops.UserChangePasswordRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				return nil, m.ChangePassword(c.ctx(), c.user.Username, r.Username, r.OldPassword, r.NewPassword)
			})
		}),
		// POST /api/user/validate_password
		bind(ops.UserValidatePassword, func(c *call, r *ops.UserValidatePasswordRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				return m.ValidatePassword(c.ctx(), r.Password, deref(r.Username), deref(r.OldPassword)), nil
			})
		}),

		// GET /api/role
		bind(ops.RoleList, func(c *call, _ *ops.RoleListRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.Roles(c.ctx()) })
		}),
		// POST /api/role
		bind(ops.RoleCreate, func(c *call, r *ops.RoleCreateRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				return m.CreateRole(c.ctx(), auth.Role{Name: deref(r.Name), Description: deref(r.Description), ScopePermissions: deref(r.ScopesPermissions)})
			})
		}),
		// GET /api/role/{name}
		bind(ops.RoleGet, func(c *call, r *ops.RoleGetRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.Role(c.ctx(), r.Name) })
		}),
		// PUT /api/role/{name}
		bind(ops.RoleUpdate, func(c *call, r *ops.RoleUpdateRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) {
				return m.UpdateRole(c.ctx(), auth.Role{Name: r.Name, Description: deref(r.Description), ScopePermissions: deref(r.ScopesPermissions)})
			})
		}),
		// DELETE /api/role/{name}
		bind(ops.RoleDelete, func(c *call, r *ops.RoleDeleteRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return nil, m.DeleteRole(c.ctx(), r.Name) })
		}),
		// POST /api/role/{name}/clone
		bind(ops.RoleClone, func(c *call, r *ops.RoleCloneRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.CloneRole(c.ctx(), r.Name, r.NewName) })
		}),

		// GET /api/settings
		bind(ops.SettingsList, func(c *call, r *ops.SettingsListRequest) (any, error) {
			var names []string
			for n := range strings.SplitSeq(r.Names, ",") {
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, auth.SettingName(n))
				}
			}
			return withManager(s, func(m auth.Manager) (any, error) { return m.Settings(c.ctx(), names) })
		}),
		// GET /api/settings/{name}
		bind(ops.SettingsGet, func(c *call, r *ops.SettingsGetRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.Setting(c.ctx(), r.Name) })
		}),
		// PUT /api/settings
		bind(ops.SettingsSet, func(c *call, r *ops.SettingsSetRequest) (any, error) {
			values := map[string]any{}
			for name, raw := range r.Extra {
				v, err := settingValue(raw)
				if err != nil {
					return nil, err
				}
				values[name] = v
			}
			return withManager(s, func(m auth.Manager) (any, error) { return nil, m.SetSettings(c.ctx(), values) })
		}),
		// PUT /api/settings/{name}
		bind(ops.SettingsUpdate, func(c *call, r *ops.SettingsUpdateRequest) (any, error) {
			v, err := settingValue(r.Value)
			if err != nil {
				return nil, err
			}
			return withManager(s, func(m auth.Manager) (any, error) {
				return nil, m.SetSettings(c.ctx(), map[string]any{r.Name: v})
			})
		}),
		// DELETE /api/settings/{name}
		bind(ops.SettingsDelete, func(c *call, r *ops.SettingsDeleteRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return nil, m.ResetSetting(c.ctx(), r.Name) })
		}),

		// API keys are ours (ops.Operation.Extension).
		// GET /api/apikey
		bind(ops.APIKeyList, func(c *call, r *ops.APIKeyListRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return m.APIKeyList(c.ctx(), r.Username) })
		}),
		// POST /api/apikey
		bind(ops.APIKeyCreate, func(c *call, r *ops.APIKeyCreateRequest) (any, error) {
			var exp *time.Time
			if r.Expires != nil {
				exp = new(time.Unix(int64(*r.Expires), 0))
			}
			return withManager(s, func(m auth.Manager) (any, error) {
				key, info, err := m.CreateAPIKey(c.ctx(), r.Username, deref(r.Description), exp)
				if err != nil {
					return nil, err
				}
				c.w.Header().Set("Cache-Control", "no-store")
				return struct {
					*auth.APIKey
					Key string `json:"key"`
				}{info, key}, nil
			})
		}),
		// DELETE /api/apikey/{id}
		bind(ops.APIKeyDelete, func(c *call, r *ops.APIKeyDeleteRequest) (any, error) {
			return withManager(s, func(m auth.Manager) (any, error) { return nil, m.RevokeAPIKey(c.ctx(), r.ID) })
		}),
	}
}

func withManager(s *Server, f func(m auth.Manager) (any, error)) (any, error) {
	m, ok := s.accounts.(auth.Manager)
	if !ok {
		return nil, ceph.Errorf(ceph.Unimplemented, "user", "this server's account store cannot be managed")
	}
	return f(m)
}

// settingValue decodes a setting's JSON value.
func settingValue(raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, ceph.Errorf(ceph.InvalidArgument, "settings", "a setting's value must be JSON: %v", err)
	}
	return v, nil
}

func int64Ptr(p *ops.Int) *int64 {
	if p == nil {
		return nil
	}
	return new(int64(*p))
}

func boolPtr(p *ops.Bool) *bool {
	if p == nil {
		return nil
	}
	return new(bool(*p))
}

// userCreate is POST /api/user. As on the dashboard, a new user must
// change its password at the first login unless pwdUpdateRequired is false.
func (s *Server) userCreate(c *call, r *ops.UserCreateRequest) (any, error) {
	spec := auth.UserSpec{
		Username: deref(r.Username), Password: deref(r.Password), Name: deref(r.Name), Email: deref(r.Email),
		Enabled: boolPtr(r.Enabled), PwdExpirationDate: int64Ptr(r.PwdExpirationDate), PwdUpdateRequired: true,
	}
	if r.Roles != nil {
		spec.Roles = *r.Roles
	}
	if r.PwdUpdateRequired != nil {
		spec.PwdUpdateRequired = bool(*r.PwdUpdateRequired)
	}
	return withManager(s, func(m auth.Manager) (any, error) { return m.CreateUser(c.ctx(), spec) })
}

// userUpdate is PUT /api/user/{username}, with the dashboard's rules: the
// fields not sent are cleared (roles, name, e-mail, expiry) or false
// (pwdUpdateRequired); the password and enabled change only when sent.
func (s *Server) userUpdate(c *call, r *ops.UserUpdateRequest) (any, error) {
	spec := auth.UserSpec{
		Password: deref(r.Password), Name: deref(r.Name), Email: deref(r.Email),
		Enabled: boolPtr(r.Enabled), PwdExpirationDate: int64Ptr(r.PwdExpirationDate),
	}
	if r.Roles != nil {
		spec.Roles = *r.Roles
	}
	if r.PwdUpdateRequired != nil {
		spec.PwdUpdateRequired = bool(*r.PwdUpdateRequired)
	}
	return withManager(s, func(m auth.Manager) (any, error) {
		return m.UpdateUser(c.ctx(), c.user.Username, r.Username, spec)
	})
}
