package rgw

import (
	"context"
	"encoding/json"

	"github.com/cephapi/cephapi/internal/jsonx"
)

// Every operation names the gateway it goes through: gw is a daemon id
// of the service map ("x" for client.rgw.x), or "" for the default one
// (the first daemon by id, as the dashboard picks it). Users and buckets
// are the cluster's, whichever gateway serves them; gw matters only on a
// cluster with several zones.

// Daemons lists the RADOS Gateway daemons of the service map.
type Daemons interface {
	// List returns every gateway, sorted by id.
	List(ctx context.Context) ([]Daemon, error)
	// Get returns one gateway's metadata and status (NotFound when the
	// service map has no such daemon).
	Get(ctx context.Context, id string) (*DaemonInfo, error)
}

// Site reads the gateway's multisite configuration.
type Site interface {
	// PlacementTargets returns the zonegroup and the placement targets
	// of the gateway's zone.
	PlacementTargets(ctx context.Context, gw string) (*Placement, error)
	// Realms returns the names of the realms.
	Realms(ctx context.Context, gw string) ([]string, error)
	// DefaultRealm returns the default realm's name (NotFound when
	// there is none).
	DefaultRealm(ctx context.Context, gw string) (string, error)
}

// Users manages the gateway's users, their keys, capabilities, quotas and
// subusers.
type Users interface {
	// List returns every user id ("tenant$user" for a tenant's user).
	List(ctx context.Context, gw string) ([]string, error)
	// Get returns a user, with its usage statistics when stats is set.
	Get(ctx context.Context, gw, uid string, stats bool) (*User, error)
	// Emails returns the e-mail address of every user that has one.
	Emails(ctx context.Context, gw string) ([]string, error)
	// Create makes a user (AlreadyExists when the id or the e-mail
	// address is taken, or a given access key belongs to someone).
	Create(ctx context.Context, gw string, u UserCreate) (*User, error)
	// Update changes what u sets.
	Update(ctx context.Context, gw, uid string, u UserUpdate) (*User, error)
	// Delete removes a user with its keys (FailedPrecondition when the
	// user still owns buckets; Busy for the transport's own system user).
	Delete(ctx context.Context, gw, uid string) error

	// AddCapability grants a capability and returns the user's
	// capabilities.
	AddCapability(ctx context.Context, gw, uid string, c Capability) ([]Capability, error)
	// RemoveCapability revokes a capability and returns the rest.
	RemoveCapability(ctx context.Context, gw, uid string, c Capability) ([]Capability, error)

	// CreateKey adds an S3 or Swift key (generated unless given) and
	// returns the user's keys of that type.
	CreateKey(ctx context.Context, gw, uid string, k KeyCreate) ([]Key, error)
	// DeleteKey removes a key: an S3 key by its access key, a Swift key
	// by its subuser.
	DeleteKey(ctx context.Context, gw, uid string, k KeyDelete) error

	// Quotas returns the user's user and bucket quotas.
	Quotas(ctx context.Context, gw, uid string) (*Quotas, error)
	// SetQuota sets the user quota or the user's bucket quota.
	SetQuota(ctx context.Context, gw, uid string, q QuotaUpdate) error

	// CreateSubuser adds a subuser and returns the user's subusers.
	CreateSubuser(ctx context.Context, gw, uid string, s SubuserCreate) ([]Subuser, error)
	// DeleteSubuser removes a subuser, with its keys when purgeKeys.
	DeleteSubuser(ctx context.Context, gw, uid, subuser string, purgeKeys bool) error

	// Roles lists the IAM roles of the gateway.
	Roles(ctx context.Context, gw string) ([]Role, error)
}

// Buckets manages buckets.
type Buckets interface {
	// Names returns the bucket names, of one owner when owner is set.
	Names(ctx context.Context, gw, owner string) ([]string, error)
	// List returns the buckets with their statistics, of one owner when
	// owner is set.
	List(ctx context.Context, gw, owner string) ([]Bucket, error)
	// Get returns a bucket with its owner, usage, versioning, MFA delete
	// and object locking.
	Get(ctx context.Context, gw, bucket string) (*Bucket, error)
	// Create makes a bucket owned by c.UID. Creating a bucket the owner
	// already has succeeds, as S3 does; another owner's bucket of that
	// name is AlreadyExists.
	Create(ctx context.Context, gw string, c BucketCreate) error
	// Update links the bucket to u.UID (an owner change when it is
	// another user) and sets versioning, MFA delete and the locking
	// retention.
	Update(ctx context.Context, gw, bucket string, u BucketUpdate) error
	// Delete removes a bucket; a bucket that holds objects is
	// FailedPrecondition unless purgeObjects.
	Delete(ctx context.Context, gw, bucket string, purgeObjects bool) error

	// Encryption returns the bucket's default encryption (NotFound
	// when it has none).
	Encryption(ctx context.Context, gw, bucket, owner string) (*Encryption, error)
	// DeleteEncryption removes the bucket's default encryption.
	DeleteEncryption(ctx context.Context, gw, bucket, owner string) error
	// EncryptionConfig returns the gateway's key management settings,
	// by encryption type.
	EncryptionConfig(ctx context.Context, gw, owner string) (EncryptionConfig, error)
	// SetEncryptionConfig sets the key management settings of one
	// encryption type.
	SetEncryptionConfig(ctx context.Context, gw string, c KMSConfig) error
}

// Daemon is a gateway of the service map, as GET /api/rgw/daemon lists it.
type Daemon struct {
	ID             string `json:"id"`
	ServiceMapID   string `json:"service_map_id"`
	Version        string `json:"version"`
	ServerHostname string `json:"server_hostname"`
	RealmName      string `json:"realm_name"`
	ZonegroupName  string `json:"zonegroup_name"`
	ZoneName       string `json:"zone_name"`
	// Default is set for the gateway that gw "" selects.
	Default bool `json:"default"`
}

// DaemonInfo is one gateway's service map entry: its metadata (host,
// version, frontend, zone...) and the status it reports.
type DaemonInfo struct {
	Metadata map[string]string `json:"rgw_metadata"`
	ID       string            `json:"rgw_id"`
	Status   map[string]any    `json:"rgw_status"`
}

// Placement is the zonegroup of a gateway and its zone's placement
// targets.
type Placement struct {
	Zonegroup string            `json:"zonegroup"`
	Targets   []PlacementTarget `json:"placement_targets"`
}

// PlacementTarget is a placement target and the data pool of its
// STANDARD storage class.
type PlacementTarget struct {
	Name     string `json:"name"`
	DataPool string `json:"data_pool"`
}

// User is a gateway user, as the admin API's user info has it, plus its
// full id ("tenant$user"). Fields the API does not name are kept in
// Extra and written back out.
type User struct {
	UID         string       `json:"uid"`
	Tenant      string       `json:"tenant"`
	UserID      string       `json:"user_id"`
	DisplayName string       `json:"display_name"`
	Email       string       `json:"email"`
	Suspended   int          `json:"suspended"`
	MaxBuckets  int          `json:"max_buckets"`
	Subusers    []Subuser    `json:"subusers"`
	Keys        []Key        `json:"keys"`
	SwiftKeys   []Key        `json:"swift_keys"`
	Caps        []Capability `json:"caps"`
	OpMask      string       `json:"op_mask"`
	System      string       `json:"system,omitempty"`
	BucketQuota Quota        `json:"bucket_quota"`
	UserQuota   Quota        `json:"user_quota"`
	Type        string       `json:"type"`
	// Stats is set when asked for.
	Stats *Usage `json:"stats,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

var userFields = jsonx.FieldNames(User{})

// MarshalJSON writes the fields and Extra.
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	return jsonx.MarshalWithExtra(plain(u), u.Extra)
}

// UnmarshalJSON reads the fields and keeps the others in Extra.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	var p plain
	extra, err := jsonx.UnmarshalWithExtra(b, &p, userFields)
	if err != nil {
		return err
	}
	*u = User(p)
	u.Extra = extra
	return nil
}

// FullID returns "tenant$user", or the user id without a tenant.
func FullID(tenant, user string) string {
	if tenant == "" {
		return user
	}
	return tenant + "$" + user
}

// Key is an S3 key (user, access and secret key) or a Swift key (user and
// secret key). User is "uid" or "uid:subuser".
type Key struct {
	User      string `json:"user"`
	AccessKey string `json:"access_key,omitempty"`
	SecretKey string `json:"secret_key"`
}

// Capability is an admin capability: a type ("users", "buckets",
// "metadata", "usage", "zone", ...) and "read", "write" or "*".
type Capability struct {
	Type string `json:"type"`
	Perm string `json:"perm"`
}

// Subuser is a subuser ("uid:name") and its permissions ("read", "write",
// "read-write" or "full-control").
type Subuser struct {
	ID          string `json:"id"`
	Permissions string `json:"permissions"`
}

// Quota is a user or bucket quota. MaxSize and MaxObjects are -1 when
// unlimited.
type Quota struct {
	Enabled    bool  `json:"enabled"`
	CheckOnRaw bool  `json:"check_on_raw"`
	MaxSize    int64 `json:"max_size"`
	MaxSizeKB  int64 `json:"max_size_kb"`
	MaxObjects int64 `json:"max_objects"`
}

// Quotas are a user's two quotas.
type Quotas struct {
	BucketQuota Quota `json:"bucket_quota"`
	UserQuota   Quota `json:"user_quota"`
}

// Usage is the space and object count of a user or a bucket category.
type Usage struct {
	Size           int64 `json:"size"`
	SizeActual     int64 `json:"size_actual"`
	SizeUtilized   int64 `json:"size_utilized"`
	SizeKB         int64 `json:"size_kb"`
	SizeKBActual   int64 `json:"size_kb_actual"`
	SizeKBUtilized int64 `json:"size_kb_utilized"`
	NumObjects     int64 `json:"num_objects"`
}

// Role is an IAM role of the gateway.
type Role struct {
	RoleID                   string `json:"RoleId"`
	RoleName                 string `json:"RoleName"`
	Path                     string `json:"Path"`
	Arn                      string `json:"Arn"`
	CreateDate               string `json:"CreateDate"`
	MaxSessionDuration       int64  `json:"MaxSessionDuration"`
	AssumeRolePolicyDocument string `json:"AssumeRolePolicyDocument"`
}

// UserCreate are the fields of a new user. Nil pointers leave the
// gateway's defaults (no e-mail, 1000 buckets, not suspended, an S3 key
// generated).
type UserCreate struct {
	UID         string  `json:"uid"`
	DisplayName string  `json:"display_name"`
	Email       *string `json:"email,omitempty"`
	MaxBuckets  *int    `json:"max_buckets,omitempty"`
	Suspended   *bool   `json:"suspended,omitempty"`
	GenerateKey *bool   `json:"generate_key,omitempty"`
	AccessKey   string  `json:"access_key,omitempty"`
	SecretKey   string  `json:"secret_key,omitempty"`
}

// UserUpdate changes the fields that are not nil.
type UserUpdate struct {
	DisplayName *string `json:"display_name,omitempty"`
	Email       *string `json:"email,omitempty"`
	MaxBuckets  *int    `json:"max_buckets,omitempty"`
	Suspended   *bool   `json:"suspended,omitempty"`
}

// Key types.
const (
	KeyS3    = "s3"
	KeySwift = "swift"
)

// KeyCreate describes a new key. Type is "s3" (the default) or "swift";
// Subuser makes it a subuser's key. With Generate unset, AccessKey and
// SecretKey give the key (a Swift key has only the secret).
type KeyCreate struct {
	Type      string `json:"key_type,omitempty"`
	Subuser   string `json:"subuser,omitempty"`
	Generate  bool   `json:"generate_key"`
	AccessKey string `json:"access_key,omitempty"`
	SecretKey string `json:"secret_key,omitempty"`
}

// KeyDelete names a key: an S3 key by AccessKey, a Swift key by Subuser.
type KeyDelete struct {
	Type      string `json:"key_type,omitempty"`
	Subuser   string `json:"subuser,omitempty"`
	AccessKey string `json:"access_key,omitempty"`
}

// Quota types.
const (
	QuotaUser   = "user"
	QuotaBucket = "bucket"
)

// QuotaUpdate sets a user quota ("user") or a user's bucket quota
// ("bucket"). Negative limits mean unlimited.
type QuotaUpdate struct {
	Type       string `json:"quota_type"`
	Enabled    bool   `json:"enabled"`
	MaxSizeKB  int64  `json:"max_size_kb"`
	MaxObjects int64  `json:"max_objects"`
}

// SubuserCreate describes a subuser. Access is "read", "write",
// "readwrite" or "full"; a key of KeyType ("s3" or "swift", default s3)
// is made for it, generated when GenerateSecret.
type SubuserCreate struct {
	Subuser        string `json:"subuser"`
	Access         string `json:"access"`
	KeyType        string `json:"key_type,omitempty"`
	GenerateSecret bool   `json:"generate_secret"`
	AccessKey      string `json:"access_key,omitempty"`
	SecretKey      string `json:"secret_key,omitempty"`
}

// Bucket is a bucket, as the admin API's bucket info has it, plus what
// the dashboard adds from S3 (versioning, MFA delete, locking) and its
// full id ("tenant/bucket"). Fields the API does not name are kept in
// Extra.
type Bucket struct {
	Bucket        string           `json:"bucket"`
	BID           string           `json:"bid"`
	Tenant        string           `json:"tenant"`
	Zonegroup     string           `json:"zonegroup"`
	PlacementRule string           `json:"placement_rule"`
	ID            string           `json:"id"`
	Marker        string           `json:"marker"`
	Owner         string           `json:"owner"`
	NumShards     int              `json:"num_shards"`
	Mtime         string           `json:"mtime"`
	CreationTime  string           `json:"creation_time"`
	Usage         map[string]Usage `json:"usage"`
	BucketQuota   Quota            `json:"bucket_quota"`

	// Set by Get only.
	Versioning               string `json:"versioning,omitempty"`
	MFADelete                string `json:"mfa_delete,omitempty"`
	LockEnabled              *bool  `json:"lock_enabled,omitempty"`
	LockMode                 string `json:"lock_mode,omitempty"`
	LockRetentionPeriodDays  *int   `json:"lock_retention_period_days,omitempty"`
	LockRetentionPeriodYears *int   `json:"lock_retention_period_years,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

var bucketFields = jsonx.FieldNames(Bucket{})

// MarshalJSON writes the fields and Extra.
func (b Bucket) MarshalJSON() ([]byte, error) {
	type plain Bucket
	return jsonx.MarshalWithExtra(plain(b), b.Extra)
}

// UnmarshalJSON reads the fields and keeps the others in Extra.
func (b *Bucket) UnmarshalJSON(data []byte) error {
	type plain Bucket
	var p plain
	extra, err := jsonx.UnmarshalWithExtra(data, &p, bucketFields)
	if err != nil {
		return err
	}
	*b = Bucket(p)
	b.Extra = extra
	return nil
}

// BucketID returns "tenant/bucket", or the name without a tenant.
func BucketID(tenant, bucket string) string {
	if tenant == "" {
		return bucket
	}
	return tenant + "/" + bucket
}

// Objects returns the bucket's object count over its usage categories.
func (b *Bucket) Objects() int64 {
	var n int64
	for _, u := range b.Usage {
		n += u.NumObjects
	}
	return n
}

// Versioning states and lock modes.
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
	LockCompliance      = "COMPLIANCE"
	LockGovernance      = "GOVERNANCE"
)

// BucketCreate describes a new bucket. Zonegroup and PlacementTarget
// together pick its placement. With LockEnabled the bucket gets object
// locking (and versioning) and a default retention of LockMode for
// LockRetentionPeriodDays or LockRetentionPeriodYears. With
// EncryptionState the bucket gets default encryption of EncryptionType
// ("AES256" for SSE-S3, "aws:kms" for SSE-KMS with KeyID).
type BucketCreate struct {
	Bucket                   string `json:"bucket"`
	UID                      string `json:"uid"`
	Zonegroup                string `json:"zonegroup,omitempty"`
	PlacementTarget          string `json:"placement_target,omitempty"`
	LockEnabled              bool   `json:"lock_enabled"`
	LockMode                 string `json:"lock_mode,omitempty"`
	LockRetentionPeriodDays  int    `json:"lock_retention_period_days,omitempty"`
	LockRetentionPeriodYears int    `json:"lock_retention_period_years,omitempty"`
	EncryptionState          bool   `json:"encryption_state,omitempty"`
	EncryptionType           string `json:"encryption_type,omitempty"`
	KeyID                    string `json:"key_id,omitempty"`
}

// BucketUpdate links a bucket to UID (its owner, or a new one) and sets
// what is not empty: versioning ("Enabled" or "Suspended"), MFA delete
// ("Enabled" or "Disabled", with the token's serial and pin), the
// locking retention of a locked bucket, default encryption.
type BucketUpdate struct {
	BucketID                 string `json:"bucket_id"`
	UID                      string `json:"uid"`
	VersioningState          string `json:"versioning_state,omitempty"`
	MFADelete                string `json:"mfa_delete,omitempty"`
	MFATokenSerial           string `json:"mfa_token_serial,omitempty"`
	MFATokenPin              string `json:"mfa_token_pin,omitempty"`
	LockMode                 string `json:"lock_mode,omitempty"`
	LockRetentionPeriodDays  int    `json:"lock_retention_period_days,omitempty"`
	LockRetentionPeriodYears int    `json:"lock_retention_period_years,omitempty"`
	EncryptionState          *bool  `json:"encryption_state,omitempty"`
	EncryptionType           string `json:"encryption_type,omitempty"`
	KeyID                    string `json:"key_id,omitempty"`
}

// Encryption is a bucket's default encryption, as S3's
// GetBucketEncryption has it.
type Encryption struct {
	// SSEAlgorithm is "AES256" or "aws:kms".
	SSEAlgorithm   string `json:"SSEAlgorithm"`
	KMSMasterKeyID string `json:"KMSMasterKeyID,omitempty"`
}

// EncryptionConfig holds the gateway's key management settings by
// encryption type ("SSE_KMS", "SSE_S3").
type EncryptionConfig map[string][]KMSConfig

// KMSConfig is the key management setting of one encryption type.
type KMSConfig struct {
	EncryptionType string `json:"encryption_type"`
	KMSProvider    string `json:"kms_provider"`
	AuthMethod     string `json:"auth_method,omitempty"`
	SecretEngine   string `json:"secret_engine,omitempty"`
	SecretPath     string `json:"secret_path,omitempty"`
	Namespace      string `json:"namespace,omitempty"`
	Address        string `json:"address"`
	Token          string `json:"token,omitempty"`
	SSLCert        string `json:"ssl_cert,omitempty"`
	ClientCert     string `json:"client_cert,omitempty"`
	ClientKey      string `json:"client_key,omitempty"`
	Owner          string `json:"owner,omitempty"`
}
