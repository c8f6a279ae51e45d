package rgw

import (
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

//go:generate go run ../internal/svcgen -o services_gen.go Daemons=rgw Site=rgw Users=rgw Buckets=rgw

// The argument checks of the operations; the generated Validated* types
// run them before any transport is called.
type (
	daemonsChecks struct{}
	usersChecks   struct{}
	bucketsChecks struct{}
)

func invalid(format string, args ...any) error {
	return ceph.Errorf(ceph.InvalidArgument, "rgw", format, args...)
}

// CheckUID checks a user id: "user" or "tenant$user", without slashes,
// colons or control characters.
func CheckUID(uid string) error {
	if strings.TrimSpace(uid) == "" {
		return invalid("user id must not be empty")
	}
	if len(uid) > 255 {
		return invalid("user id %.20q... is longer than 255 characters", uid)
	}
	if strings.ContainsAny(uid, "/:?#") || strings.Count(uid, "$") > 1 || strings.HasPrefix(uid, "$") || strings.HasSuffix(uid, "$") {
		return invalid("invalid user id %q", uid)
	}
	for _, r := range uid {
		if r < 0x20 || r == 0x7f {
			return invalid("invalid user id %q", uid)
		}
	}
	return nil
}

// CheckBucketName checks a bucket name by S3's rules (3 to 63 lower-case
// letters, digits, dots and hyphens, starting and ending with a letter
// or digit), optionally after "tenant/".
func CheckBucketName(name string) error {
	if i := strings.IndexByte(name, '/'); i >= 0 {
		if err := CheckUID(name[:i]); err != nil && i > 0 {
			return invalid("invalid bucket name %q", name)
		}
		name = name[i+1:]
	}
	if len(name) < 3 || len(name) > 63 {
		return invalid("bucket name %q must be 3 to 63 characters long", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-'
		if !ok {
			return invalid("bucket name %q may hold only lower-case letters, digits, dots and hyphens", name)
		}
	}
	first, last := name[0], name[len(name)-1]
	if first == '.' || first == '-' || last == '.' || last == '-' || strings.Contains(name, "..") {
		return invalid("bucket name %q must start and end with a letter or digit", name)
	}
	return nil
}

func checkKeyType(t string) error {
	switch t {
	case "", KeyS3, KeySwift:
		return nil
	}
	return invalid("key type must be %q or %q, not %q", KeyS3, KeySwift, t)
}

func checkSubuser(uid, sub string) error {
	if sub == "" {
		return invalid("subuser must not be empty")
	}
	name := sub
	if i := strings.IndexByte(sub, ':'); i >= 0 {
		if sub[:i] != uid {
			return invalid("subuser %q is not a subuser of %q", sub, uid)
		}
		name = sub[i+1:]
	}
	if name == "" || strings.ContainsAny(name, ":/$") {
		return invalid("invalid subuser name %q", sub)
	}
	return nil
}

func (daemonsChecks) Get(id string) error {
	if id == "" {
		return invalid("daemon id must not be empty")
	}
	return nil
}

func (usersChecks) Get(_, uid string, _ bool) error { return CheckUID(uid) }

func (usersChecks) Create(_ string, u UserCreate) error {
	if err := CheckUID(u.UID); err != nil {
		return err
	}
	if strings.TrimSpace(u.DisplayName) == "" {
		return invalid("display name must not be empty")
	}
	if u.MaxBuckets != nil && *u.MaxBuckets < -1 {
		return invalid("max buckets must be -1 (no buckets), 0 (unlimited) or more, not %d", *u.MaxBuckets)
	}
	if u.Email != nil && *u.Email != "" && !strings.Contains(*u.Email, "@") {
		return invalid("invalid e-mail address %q", *u.Email)
	}
	if (u.AccessKey == "") != (u.SecretKey == "") {
		return invalid("an access key needs its secret key, and a secret key its access key")
	}
	return nil
}

func (usersChecks) Update(_, uid string, u UserUpdate) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	if u.DisplayName != nil && strings.TrimSpace(*u.DisplayName) == "" {
		return invalid("display name must not be empty")
	}
	if u.MaxBuckets != nil && *u.MaxBuckets < -1 {
		return invalid("max buckets must be -1 (no buckets), 0 (unlimited) or more, not %d", *u.MaxBuckets)
	}
	if u.Email != nil && *u.Email != "" && !strings.Contains(*u.Email, "@") {
		return invalid("invalid e-mail address %q", *u.Email)
	}
	return nil
}

func (usersChecks) Delete(_, uid string) error { return CheckUID(uid) }

func checkCap(c Capability) error {
	switch c.Type {
	case "users", "buckets", "metadata", "usage", "zone", "bilog", "mdlog", "datalog", "roles", "user-policy", "amz-cache", "oidc-provider", "info", "ratelimit":
	default:
		return invalid("unknown capability type %q", c.Type)
	}
	switch c.Perm {
	case "read", "write", "*":
	default:
		return invalid("capability permission must be read, write or *, not %q", c.Perm)
	}
	return nil
}

func (usersChecks) AddCapability(_, uid string, c Capability) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	return checkCap(c)
}

func (usersChecks) RemoveCapability(_, uid string, c Capability) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	return checkCap(c)
}

func (usersChecks) CreateKey(_, uid string, k KeyCreate) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	if err := checkKeyType(k.Type); err != nil {
		return err
	}
	if k.Type == KeySwift && k.Subuser == "" {
		return invalid("a Swift key belongs to a subuser: name it")
	}
	if k.Subuser != "" {
		if err := checkSubuser(uid, k.Subuser); err != nil {
			return err
		}
	}
	if !k.Generate {
		if k.SecretKey == "" {
			return invalid("give the secret key, or have one generated")
		}
		if k.Type != KeySwift && k.AccessKey == "" {
			return invalid("give the access key, or have one generated")
		}
	}
	return nil
}

func (usersChecks) DeleteKey(_, uid string, k KeyDelete) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	if err := checkKeyType(k.Type); err != nil {
		return err
	}
	if k.Type == KeySwift {
		if k.Subuser == "" {
			return invalid("a Swift key is named by its subuser")
		}
		return checkSubuser(uid, k.Subuser)
	}
	if k.AccessKey == "" {
		return invalid("an S3 key is named by its access key")
	}
	return nil
}

func (usersChecks) Quotas(_, uid string) error { return CheckUID(uid) }

func (usersChecks) SetQuota(_, uid string, q QuotaUpdate) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	if q.Type != QuotaUser && q.Type != QuotaBucket {
		return invalid("quota type must be %q or %q, not %q", QuotaUser, QuotaBucket, q.Type)
	}
	return nil
}

func (usersChecks) CreateSubuser(_, uid string, s SubuserCreate) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	if err := checkSubuser(uid, s.Subuser); err != nil {
		return err
	}
	switch s.Access {
	case "read", "write", "readwrite", "full":
	default:
		return invalid("subuser access must be read, write, readwrite or full, not %q", s.Access)
	}
	if err := checkKeyType(s.KeyType); err != nil {
		return err
	}
	if !s.GenerateSecret && s.SecretKey == "" {
		return invalid("give the secret key, or have one generated")
	}
	return nil
}

func (usersChecks) DeleteSubuser(_, uid, sub string, _ bool) error {
	if err := CheckUID(uid); err != nil {
		return err
	}
	return checkSubuser(uid, sub)
}

func checkLock(mode string, days, years int) error {
	if days < 0 || years < 0 {
		return invalid("Retention period must be a positive integer.")
	}
	if days > 0 && years > 0 {
		return invalid("Retention period requires either Days or Years. You can't specify both at the same time.")
	}
	if days == 0 && years == 0 {
		return invalid("Retention period requires either Days or Years. You must specify at least one.")
	}
	switch strings.ToUpper(mode) {
	case LockCompliance, LockGovernance:
		return nil
	}
	return invalid("Retention mode must be either COMPLIANCE or GOVERNANCE.")
}

func checkEncryption(state bool, typ, keyID string) error {
	if !state {
		return nil
	}
	switch typ {
	case "AES256":
		return nil
	case "aws:kms":
		if keyID == "" {
			return invalid("SSE-KMS encryption needs a key id")
		}
		return nil
	}
	return invalid("encryption type must be AES256 or aws:kms, not %q", typ)
}

func (bucketsChecks) Get(_, bucket string) error { return CheckBucketName(bucket) }

func (bucketsChecks) Names(_, owner string) error {
	if owner != "" {
		return CheckUID(owner)
	}
	return nil
}

func (bucketsChecks) List(_, owner string) error {
	if owner != "" {
		return CheckUID(owner)
	}
	return nil
}

func (bucketsChecks) Create(_ string, c BucketCreate) error {
	if err := CheckBucketName(c.Bucket); err != nil {
		return err
	}
	if strings.Contains(c.Bucket, "/") {
		return invalid("a new bucket's name has no tenant: the owner's tenant is used")
	}
	if err := CheckUID(c.UID); err != nil {
		return err
	}
	if (c.Zonegroup == "") != (c.PlacementTarget == "") && c.PlacementTarget != "" {
		return invalid("a placement target needs its zonegroup")
	}
	if c.LockEnabled {
		if err := checkLock(c.LockMode, c.LockRetentionPeriodDays, c.LockRetentionPeriodYears); err != nil {
			return err
		}
	}
	return checkEncryption(c.EncryptionState, c.EncryptionType, c.KeyID)
}

func (bucketsChecks) Update(_, bucket string, u BucketUpdate) error {
	if err := CheckBucketName(bucket); err != nil {
		return err
	}
	if err := CheckUID(u.UID); err != nil {
		return err
	}
	if u.BucketID == "" {
		return invalid("bucket_id must not be empty: it is the bucket's id as Get returns it")
	}
	switch u.VersioningState {
	case "", VersioningEnabled, VersioningSuspended:
	default:
		return invalid("versioning state must be Enabled or Suspended, not %q", u.VersioningState)
	}
	switch u.MFADelete {
	case "", "Enabled", "Disabled":
	default:
		return invalid("MFA delete must be Enabled or Disabled, not %q", u.MFADelete)
	}
	if u.MFADelete != "" && (u.MFATokenSerial == "" || u.MFATokenPin == "") {
		return invalid("changing MFA delete needs the MFA token's serial and pin")
	}
	if u.LockMode != "" || u.LockRetentionPeriodDays != 0 || u.LockRetentionPeriodYears != 0 {
		if err := checkLock(u.LockMode, u.LockRetentionPeriodDays, u.LockRetentionPeriodYears); err != nil {
			return err
		}
	}
	if u.EncryptionState != nil {
		return checkEncryption(*u.EncryptionState, u.EncryptionType, u.KeyID)
	}
	return nil
}

func (bucketsChecks) Delete(_, bucket string, _ bool) error { return CheckBucketName(bucket) }

func (bucketsChecks) Encryption(_, bucket, _ string) error { return CheckBucketName(bucket) }

func (bucketsChecks) DeleteEncryption(_, bucket, _ string) error { return CheckBucketName(bucket) }

func (bucketsChecks) SetEncryptionConfig(_ string, c KMSConfig) error {
	switch c.EncryptionType {
	case "aws:kms", "AES256":
	default:
		return invalid("encryption type must be AES256 or aws:kms, not %q", c.EncryptionType)
	}
	switch c.KMSProvider {
	case "vault", "kmip":
	default:
		return invalid("KMS provider must be vault or kmip, not %q", c.KMSProvider)
	}
	if c.Address == "" {
		return invalid("the KMS address must not be empty")
	}
	return nil
}
