package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rgw"
)

// rgwBindings are the bindings of the /api/rgw operations
// (controllers/rgw.py). daemon_name is the gw argument of the domain API.
// The dashboard takes its booleans as strings ("true", "false"); a value
// str_to_bool does not know is 400 here (the dashboard answers 500).
func (s *Server) rgwBindings() []binding {
	c := s.client
	return []binding{
		// GET /api/rgw/daemon
		bind(ops.RGWDaemonList, func(cl *call, _ *ops.RGWDaemonListRequest) (any, error) {
			return listOf(c.RGW.Daemons.List(cl.ctx()))
		}),
		// GET /api/rgw/daemon/{svc_id}
		bind(ops.RGWDaemonGet, func(cl *call, r *ops.RGWDaemonGetRequest) (any, error) {
			return c.RGW.Daemons.Get(cl.ctx(), r.SvcID)
		}),
		// placement-targets, realms or default-realm; any other query is the dashboard's documented 501.
		// GET /api/rgw/site
		bind(ops.RGWSite, func(cl *call, r *ops.RGWSiteRequest) (any, error) {
			switch r.Query {
			case "placement-targets":
				return c.RGW.Site.PlacementTargets(cl.ctx(), r.DaemonName)
			case "realms":
				return listOf(c.RGW.Site.Realms(cl.ctx(), r.DaemonName))
			case "default-realm":
				return c.RGW.Site.DefaultRealm(cl.ctx(), r.DaemonName)
			}
			return nil, ceph.Errorf(ceph.Unimplemented, "rgw",
				"Not Implemented: query must be placement-targets, realms or default-realm (the dashboard has no multisite topology either)")
		}),

		// GET /api/rgw/user
		bind(ops.RGWUserList, func(cl *call, r *ops.RGWUserListRequest) (any, error) {
			return listOf(c.RGW.Users.List(cl.ctx(), r.DaemonName))
		}),
		// GET /api/rgw/user/get_emails
		bind(ops.RGWUserGetEmails, func(cl *call, r *ops.RGWUserGetEmailsRequest) (any, error) {
			return listOf(c.RGW.Users.Emails(cl.ctx(), r.DaemonName))
		}),
		// (Ceph 17)
		// GET /api/rgw/user/roles
		bind(ops.RGWUserRoles, func(cl *call, r *ops.RGWUserRolesRequest) (any, error) {
			return listOf(c.RGW.Users.Roles(cl.ctx(), r.DaemonName))
		}),
		// keys only for a caller that may edit rgw (the dashboard's _keys_allowed).
		// GET /api/rgw/user/{uid}
		bind(ops.RGWUserGet, func(cl *call, r *ops.RGWUserGetRequest) (any, error) {
			stats := r.Stats == nil || bool(*r.Stats)
			u, err := c.RGW.Users.Get(cl.ctx(), r.DaemonName, r.UID, stats)
			if err != nil {
				return nil, err
			}
			return userView(cl, u)
		}),
		// POST /api/rgw/user
		bind(ops.RGWUserCreate, func(cl *call, r *ops.RGWUserCreateRequest) (any, error) {
			u := rgw.UserCreate{UID: r.UID, DisplayName: r.DisplayName, Email: r.Email,
				AccessKey: deref(r.AccessKey), SecretKey: deref(r.SecretKey)}
			var err error
			if u.MaxBuckets, err = optInt("max_buckets", r.MaxBuckets); err != nil {
				return nil, err
			}
			if u.Suspended, err = optBool("suspended", r.Suspended); err != nil {
				return nil, err
			}
			if u.GenerateKey, err = optBool("generate_key", r.GenerateKey); err != nil {
				return nil, err
			}
			return c.RGW.Users.Create(cl.ctx(), deref(r.DaemonName), u)
		}),
		// PUT /api/rgw/user/{uid}
		bind(ops.RGWUserUpdate, func(cl *call, r *ops.RGWUserUpdateRequest) (any, error) {
			u := rgw.UserUpdate{DisplayName: r.DisplayName, Email: r.Email}
			var err error
			if u.MaxBuckets, err = optInt("max_buckets", r.MaxBuckets); err != nil {
				return nil, err
			}
			if u.Suspended, err = optBool("suspended", r.Suspended); err != nil {
				return nil, err
			}
			return c.RGW.Users.Update(cl.ctx(), deref(r.DaemonName), r.UID, u)
		}),
		// DELETE /api/rgw/user/{uid}
		bind(ops.RGWUserDelete, func(cl *call, r *ops.RGWUserDeleteRequest) (any, error) {
			return nothing(c.RGW.Users.Delete(cl.ctx(), r.DaemonName, r.UID))
		}),
		// the caps list.
		// POST /api/rgw/user/{uid}/capability
		bind(ops.RGWUserCapabilityCreate, func(cl *call, r *ops.RGWUserCapabilityCreateRequest) (any, error) {
			return listOf(c.RGW.Users.AddCapability(cl.ctx(), deref(r.DaemonName), r.UID, rgw.Capability{Type: r.Type, Perm: r.Perm}))
		}),
		// DELETE /api/rgw/user/{uid}/capability
		bind(ops.RGWUserCapabilityDelete, func(cl *call, r *ops.RGWUserCapabilityDeleteRequest) (any, error) {
			_, err := c.RGW.Users.RemoveCapability(cl.ctx(), r.DaemonName, r.UID, rgw.Capability{Type: r.Type, Perm: r.Perm})
			return nothing(err)
		}),
		// the user's keys of that type.
		// POST /api/rgw/user/{uid}/key
		bind(ops.RGWUserKeyCreate, func(cl *call, r *ops.RGWUserKeyCreateRequest) (any, error) {
			gen, err := optBool("generate_key", r.GenerateKey)
			if err != nil {
				return nil, err
			}
			k := rgw.KeyCreate{Type: deref(r.KeyType), Subuser: deref(r.Subuser), Generate: gen == nil || *gen,
				AccessKey: deref(r.AccessKey), SecretKey: deref(r.SecretKey)}
			return listOf(c.RGW.Users.CreateKey(cl.ctx(), deref(r.DaemonName), r.UID, k))
		}),
		// DELETE /api/rgw/user/{uid}/key
		bind(ops.RGWUserKeyDelete, func(cl *call, r *ops.RGWUserKeyDeleteRequest) (any, error) {
			return nothing(c.RGW.Users.DeleteKey(cl.ctx(), r.DaemonName, r.UID,
				rgw.KeyDelete{Type: r.KeyType, Subuser: r.Subuser, AccessKey: r.AccessKey}))
		}),
		// GET /api/rgw/user/{uid}/quota
		bind(ops.RGWUserQuotaGet, func(cl *call, r *ops.RGWUserQuotaGetRequest) (any, error) {
			return c.RGW.Users.Quotas(cl.ctx(), r.DaemonName, r.UID)
		}),
		// 200 with an empty string, as the dashboard passes on RGW's empty answer.
		// PUT /api/rgw/user/{uid}/quota
		bind(ops.RGWUserQuotaSet, func(cl *call, r *ops.RGWUserQuotaSetRequest) (any, error) {
			on, err := reqBool("enabled", r.Enabled)
			if err != nil {
				return nil, err
			}
			objs, err := reqInt("max_objects", r.MaxObjects)
			if err != nil {
				return nil, err
			}
			q := rgw.QuotaUpdate{Type: r.QuotaType, Enabled: on, MaxSizeKB: int64(r.MaxSizeKB), MaxObjects: objs}
			if err := c.RGW.Users.SetQuota(cl.ctx(), deref(r.DaemonName), r.UID, q); err != nil {
				return nil, err
			}
			return "", nil
		}),
		// the subusers list.
		// POST /api/rgw/user/{uid}/subuser
		bind(ops.RGWUserSubuserCreate, func(cl *call, r *ops.RGWUserSubuserCreateRequest) (any, error) {
			gen, err := optBool("generate_secret", r.GenerateSecret)
			if err != nil {
				return nil, err
			}
			sc := rgw.SubuserCreate{Subuser: r.Subuser, Access: r.Access, KeyType: deref(r.KeyType),
				GenerateSecret: gen == nil || *gen, AccessKey: deref(r.AccessKey), SecretKey: deref(r.SecretKey)}
			return listOf(c.RGW.Users.CreateSubuser(cl.ctx(), deref(r.DaemonName), r.UID, sc))
		}),
		// DELETE /api/rgw/user/{uid}/subuser/{subuser}
		bind(ops.RGWUserSubuserDelete, func(cl *call, r *ops.RGWUserSubuserDeleteRequest) (any, error) {
			purge, err := defBool("purge_keys", r.PurgeKeys, true)
			if err != nil {
				return nil, err
			}
			return nothing(c.RGW.Users.DeleteSubuser(cl.ctx(), r.DaemonName, r.UID, r.Subuser, purge))
		}),

		// (v1.1): names, or with stats the buckets (each with its bid).
		// GET /api/rgw/bucket
		bind(ops.RGWBucketList, func(cl *call, r *ops.RGWBucketListRequest) (any, error) {
			owner := strings.TrimSpace(r.UID)
			if r.Stats != nil && bool(*r.Stats) {
				bs, err := listOf(c.RGW.Buckets.List(cl.ctx(), r.DaemonName, owner))
				if err != nil {
					return nil, err
				}
				for i := range bs {
					bs[i].BID = rgw.BucketID(bs[i].Tenant, bs[i].Bucket)
				}
				return bs, nil
			}
			return listOf(c.RGW.Buckets.Names(cl.ctx(), r.DaemonName, owner))
		}),
		// GET /api/rgw/bucket/{bucket}
		bind(ops.RGWBucketGet, func(cl *call, r *ops.RGWBucketGetRequest) (any, error) {
			b, err := c.RGW.Buckets.Get(cl.ctx(), r.DaemonName, r.Bucket)
			if err != nil {
				return nil, err
			}
			return bucketView(b)
		}),
		// 201 null, as the dashboard answers.
		// POST /api/rgw/bucket
		bind(ops.RGWBucketCreate, func(cl *call, r *ops.RGWBucketCreateRequest) (any, error) {
			lock, err := defBool("lock_enabled", deref(r.LockEnabled), false)
			if err != nil {
				return nil, err
			}
			bc := rgw.BucketCreate{Bucket: r.Bucket, UID: r.UID, Zonegroup: deref(r.Zonegroup),
				PlacementTarget: deref(r.PlacementTarget), LockEnabled: lock, LockMode: deref(r.LockMode)}
			if bc.LockRetentionPeriodDays, err = zeroInt("lock_retention_period_days", r.LockRetentionPeriodDays); err != nil {
				return nil, err
			}
			if bc.LockRetentionPeriodYears, err = zeroInt("lock_retention_period_years", r.LockRetentionPeriodYears); err != nil {
				return nil, err
			}
			return nothing(c.RGW.Buckets.Create(cl.ctx(), deref(r.DaemonName), bc))
		}),
		// 200 with an empty string (RGW's empty link answer), as the dashboard answers.
		// PUT /api/rgw/bucket/{bucket}
		bind(ops.RGWBucketUpdate, func(cl *call, r *ops.RGWBucketUpdateRequest) (any, error) {
			u := rgw.BucketUpdate{BucketID: r.BucketID, UID: r.UID, VersioningState: deref(r.VersioningState),
				MFADelete: deref(r.MFADelete), MFATokenSerial: deref(r.MFATokenSerial), MFATokenPin: deref(r.MFATokenPin),
				LockMode: deref(r.LockMode)}
			var err error
			if u.LockRetentionPeriodDays, err = zeroInt("lock_retention_period_days", r.LockRetentionPeriodDays); err != nil {
				return nil, err
			}
			if u.LockRetentionPeriodYears, err = zeroInt("lock_retention_period_years", r.LockRetentionPeriodYears); err != nil {
				return nil, err
			}
			if err := c.RGW.Buckets.Update(cl.ctx(), deref(r.DaemonName), r.Bucket, u); err != nil {
				return nil, err
			}
			return "", nil
		}),
		// DELETE /api/rgw/bucket/{bucket}
		bind(ops.RGWBucketDelete, func(cl *call, r *ops.RGWBucketDeleteRequest) (any, error) {
			purge, err := defBool("purge_objects", r.PurgeObjects, true)
			if err != nil {
				return nil, err
			}
			return nothing(c.RGW.Buckets.Delete(cl.ctx(), r.DaemonName, r.Bucket, purge))
		}),
		// (Ceph 17+)
		// GET /api/rgw/bucket/getEncryption
		bind(ops.RGWBucketGetEncryption, func(cl *call, r *ops.RGWBucketGetEncryptionRequest) (any, error) {
			return c.RGW.Buckets.Encryption(cl.ctx(), r.DaemonName, r.BucketName, r.Owner)
		}),
		// (Ceph 17+)
		// DELETE /api/rgw/bucket/deleteEncryption
		bind(ops.RGWBucketDeleteEncryption, func(cl *call, r *ops.RGWBucketDeleteEncryptionRequest) (any, error) {
			return nothing(c.RGW.Buckets.DeleteEncryption(cl.ctx(), r.DaemonName, r.BucketName, r.Owner))
		}),
		// (Ceph 17+)
		// GET /api/rgw/bucket/getEncryptionConfig
		bind(ops.RGWBucketGetEncryptionConfig, func(cl *call, r *ops.RGWBucketGetEncryptionConfigRequest) (any, error) {
			return c.RGW.Buckets.EncryptionConfig(cl.ctx(), r.DaemonName, r.Owner)
		}),
		// (Ceph 17+)
		// PUT /api/rgw/bucket/setEncryptionConfig
		bind(ops.RGWBucketSetEncryptionConfig, func(cl *call, r *ops.RGWBucketSetEncryptionConfigRequest) (any, error) {
			k := rgw.KMSConfig{EncryptionType: r.EncryptionType, KMSProvider: r.KmsProvider,
				AuthMethod: deref(r.AuthMethod), SecretEngine: deref(r.SecretEngine), SecretPath: deref(r.SecretPath),
				Namespace: deref(r.Namespace), Address: deref(r.Address), Token: deref(r.Token), Owner: deref(r.Owner),
				SSLCert: deref(r.SslCert), ClientCert: deref(r.ClientCert), ClientKey: deref(r.ClientKey)}
			return nothing(c.RGW.Buckets.SetEncryptionConfig(cl.ctx(), deref(r.DaemonName), k))
		}),
	}
}

// listOf turns a nil slice into an empty one (JSON [] rather than null).
func listOf[T any](s []T, err error) ([]T, error) {
	if err == nil && s == nil {
		s = []T{}
	}
	return s, err
}

// keysAllowed is the dashboard's _keys_allowed: rgw read and at least one
// of create, update, delete.
func keysAllowed(cl *call) bool {
	if !cl.allowed(auth.Scope("rgw"), auth.Permission("read")) {
		return false
	}
	for _, p := range []string{"create", "update", "delete"} {
		if cl.allowed(auth.Scope("rgw"), auth.Permission(p)) {
			return true
		}
	}
	return false
}

// userView is a user as GET /api/rgw/user/{uid} answers it: without keys
// and swift_keys for a caller that may only read.
func userView(cl *call, u *rgw.User) (any, error) {
	if keysAllowed(cl) {
		return u, nil
	}
	b, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "keys")
	delete(m, "swift_keys")
	return m, nil
}

// bucketView is a bucket as GET /api/rgw/bucket/{bucket} answers it: with
// bid, and the locking fields null when the bucket has no lock
// configuration (the dashboard's defaults).
func bucketView(b *rgw.Bucket) (any, error) {
	b.BID = rgw.BucketID(b.Tenant, b.Bucket)
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	null := json.RawMessage("null")
	for _, k := range []string{"lock_retention_period_days", "lock_retention_period_years"} {
		if _, ok := m[k]; !ok {
			m[k] = null
		}
	}
	if _, ok := m["lock_enabled"]; !ok {
		m["lock_enabled"] = json.RawMessage("false")
	}
	if _, ok := m["lock_mode"]; !ok {
		m["lock_mode"] = json.RawMessage(`"compliance"`)
	}
	for k, v := range map[string]string{"versioning": `"Suspended"`, "mfa_delete": `"Disabled"`} {
		if _, ok := m[k]; !ok {
			m[k] = json.RawMessage(v)
		}
	}
	return m, nil
}

func badValue(name, val, what string) error {
	return ceph.Errorf(ceph.InvalidArgument, "rgw", "Invalid value for parameter '%s': %q is not %s", name, val, what)
}

// optBool reads an optional string boolean.
func optBool(name string, s *string) (*bool, error) {
	if s == nil {
		return nil, nil
	}
	v, ok := ops.ParseBool(*s)
	if !ok {
		return nil, badValue(name, *s, "a boolean")
	}
	return &v, nil
}

// reqBool reads a required string boolean.
func reqBool(name, s string) (bool, error) {
	v, ok := ops.ParseBool(s)
	if !ok {
		return false, badValue(name, s, "a boolean")
	}
	return v, nil
}

// defBool reads a string boolean with a default for "".
func defBool(name, s string, def bool) (bool, error) {
	if s == "" {
		return def, nil
	}
	return reqBool(name, s)
}

// optInt reads an optional integer sent as a string.
func optInt(name string, s *string) (*int, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(*s))
	if err != nil {
		return nil, badValue(name, *s, "an integer")
	}
	return &n, nil
}

// zeroInt reads an optional integer string, 0 when absent.
func zeroInt(name string, s *string) (int, error) {
	n, err := optInt(name, s)
	if err != nil || n == nil {
		return 0, err
	}
	return *n, nil
}

// reqInt reads a required integer sent as a string.
func reqInt(name, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, badValue(name, s, "an integer")
	}
	return n, nil
}
