package rest

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rgw"
)

// The RGW services are the dashboard's /api/rgw (controllers/rgw.py),
// the inverse of httpapi/h_rgw.go. The gateway gw goes out as
// daemon_name: in the query of a read or a delete, in the body of a
// POST or PUT, as the dashboard's web UI sends it; "" leaves it out (the
// default gateway). The dashboard takes its booleans and most numbers as
// strings. Its errors are mapped by rgwError.
type (
	rgwDaemons struct {
		c *client
		rgw.UnimplementedDaemons
	}
	rgwSite struct {
		c *client
		rgw.UnimplementedSite
	}
	rgwUsers struct {
		c *client
		rgw.UnimplementedUsers
	}
	rgwBuckets struct {
		c *client
		rgw.UnimplementedBuckets
	}
)

var (
	_ rgw.Daemons = rgwDaemons{}
	_ rgw.Site    = rgwSite{}
	_ rgw.Users   = rgwUsers{}
	_ rgw.Buckets = rgwBuckets{}
)

// optStr is nil for "" (a body field left out).
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

func optBoolStr(b *bool) *string {
	if b == nil {
		return nil
	}
	return new(boolStr(*b))
}

func optIntStr(n *int) *string {
	if n == nil {
		return nil
	}
	return new(strconv.Itoa(*n))
}

// nonZeroIntStr is nil for 0.
func nonZeroIntStr(n int) *string {
	if n == 0 {
		return nil
	}
	return new(strconv.Itoa(n))
}

// rgwList decodes a list answer, [] rather than nil.
func rgwList[T, Req any](ctx context.Context, c *client, kind rgwOp, op ops.Op[Req], req *Req) ([]T, error) {
	var out []T
	if _, err := send(ctx, c, op, req, &out); err != nil {
		return nil, rgwError(kind, err)
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

func rgwGet[T, Req any](ctx context.Context, c *client, kind rgwOp, op ops.Op[Req], req *Req) (*T, error) {
	out, err := get[T](ctx, c, op, req)
	return out, rgwError(kind, err)
}

func rgwExec[Req any](ctx context.Context, c *client, kind rgwOp, op ops.Op[Req], req *Req) error {
	return rgwError(kind, exec(ctx, c, op, req))
}

func (s rgwDaemons) List(ctx context.Context) ([]rgw.Daemon, error) {
	return rgwList[rgw.Daemon](ctx, s.c, rgwPlain, ops.RGWDaemonList, &ops.RGWDaemonListRequest{})
}

func (s rgwDaemons) Get(ctx context.Context, id string) (*rgw.DaemonInfo, error) {
	return rgwGet[rgw.DaemonInfo](ctx, s.c, rgwPlain, ops.RGWDaemonGet, &ops.RGWDaemonGetRequest{SvcID: id})
}

func (s rgwSite) PlacementTargets(ctx context.Context, gw string) (*rgw.Placement, error) {
	p, err := rgwGet[rgw.Placement](ctx, s.c, rgwPlain, ops.RGWSite, &ops.RGWSiteRequest{Query: "placement-targets", DaemonName: gw})
	if err == nil && p.Targets == nil {
		p.Targets = []rgw.PlacementTarget{}
	}
	return p, err
}

func (s rgwSite) Realms(ctx context.Context, gw string) ([]string, error) {
	return rgwList[string](ctx, s.c, rgwPlain, ops.RGWSite, &ops.RGWSiteRequest{Query: "realms", DaemonName: gw})
}

func (s rgwSite) DefaultRealm(ctx context.Context, gw string) (string, error) {
	name, err := rgwGet[string](ctx, s.c, rgwPlain, ops.RGWSite, &ops.RGWSiteRequest{Query: "default-realm", DaemonName: gw})
	if err != nil {
		return "", err
	}
	if *name == "" {
		return "", ceph.Errorf(ceph.NotFound, "rgw", "Default realm not found.")
	}
	return *name, nil
}

func (s rgwUsers) List(ctx context.Context, gw string) ([]string, error) {
	return rgwList[string](ctx, s.c, rgwPlain, ops.RGWUserList, &ops.RGWUserListRequest{DaemonName: gw})
}

func (s rgwUsers) Get(ctx context.Context, gw, uid string, stats bool) (*rgw.User, error) {
	st := ops.Bool(stats)
	return rgwGet[rgw.User](ctx, s.c, rgwPlain, ops.RGWUserGet, &ops.RGWUserGetRequest{UID: uid, DaemonName: gw, Stats: &st})
}

func (s rgwUsers) Emails(ctx context.Context, gw string) ([]string, error) {
	return rgwList[string](ctx, s.c, rgwPlain, ops.RGWUserGetEmails, &ops.RGWUserGetEmailsRequest{DaemonName: gw})
}

func (s rgwUsers) Create(ctx context.Context, gw string, u rgw.UserCreate) (*rgw.User, error) {
	return rgwGet[rgw.User](ctx, s.c, rgwPlain, ops.RGWUserCreate, &ops.RGWUserCreateRequest{
		UID: u.UID, DisplayName: u.DisplayName, Email: u.Email, DaemonName: optStr(gw),
		MaxBuckets: optIntStr(u.MaxBuckets), Suspended: optBoolStr(u.Suspended), GenerateKey: optBoolStr(u.GenerateKey),
		AccessKey: optStr(u.AccessKey), SecretKey: optStr(u.SecretKey),
	})
}

func (s rgwUsers) Update(ctx context.Context, gw, uid string, u rgw.UserUpdate) (*rgw.User, error) {
	return rgwGet[rgw.User](ctx, s.c, rgwPlain, ops.RGWUserUpdate, &ops.RGWUserUpdateRequest{
		UID: uid, DaemonName: optStr(gw), DisplayName: u.DisplayName, Email: u.Email,
		MaxBuckets: optIntStr(u.MaxBuckets), Suspended: optBoolStr(u.Suspended),
	})
}

func (s rgwUsers) Delete(ctx context.Context, gw, uid string) error {
	return rgwExec(ctx, s.c, rgwUserDelete, ops.RGWUserDelete, &ops.RGWUserDeleteRequest{UID: uid, DaemonName: gw})
}

func (s rgwUsers) AddCapability(ctx context.Context, gw, uid string, c rgw.Capability) ([]rgw.Capability, error) {
	return rgwList[rgw.Capability](ctx, s.c, rgwPlain, ops.RGWUserCapabilityCreate, &ops.RGWUserCapabilityCreateRequest{
		UID: uid, DaemonName: optStr(gw), Type: c.Type, Perm: c.Perm})
}

// RemoveCapability answers 204: the remaining capabilities are read back.
func (s rgwUsers) RemoveCapability(ctx context.Context, gw, uid string, c rgw.Capability) ([]rgw.Capability, error) {
	err := rgwExec(ctx, s.c, rgwPlain, ops.RGWUserCapabilityDelete, &ops.RGWUserCapabilityDeleteRequest{
		UID: uid, DaemonName: gw, Type: c.Type, Perm: c.Perm})
	if err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, gw, uid, false)
	if err != nil {
		return nil, err
	}
	if u.Caps == nil {
		return []rgw.Capability{}, nil
	}
	return u.Caps, nil
}

func (s rgwUsers) CreateKey(ctx context.Context, gw, uid string, k rgw.KeyCreate) ([]rgw.Key, error) {
	return rgwList[rgw.Key](ctx, s.c, rgwPlain, ops.RGWUserKeyCreate, &ops.RGWUserKeyCreateRequest{
		UID: uid, DaemonName: optStr(gw), KeyType: optStr(k.Type), Subuser: optStr(k.Subuser),
		GenerateKey: new(boolStr(k.Generate)), AccessKey: optStr(k.AccessKey), SecretKey: optStr(k.SecretKey),
	})
}

func (s rgwUsers) DeleteKey(ctx context.Context, gw, uid string, k rgw.KeyDelete) error {
	return rgwExec(ctx, s.c, rgwKeyDelete, ops.RGWUserKeyDelete, &ops.RGWUserKeyDeleteRequest{
		UID: uid, DaemonName: gw, KeyType: k.Type, Subuser: k.Subuser, AccessKey: k.AccessKey})
}

func (s rgwUsers) Quotas(ctx context.Context, gw, uid string) (*rgw.Quotas, error) {
	return rgwGet[rgw.Quotas](ctx, s.c, rgwPlain, ops.RGWUserQuotaGet, &ops.RGWUserQuotaGetRequest{UID: uid, DaemonName: gw})
}

// SetQuota answers 200 "" (RGW's empty answer, passed on).
func (s rgwUsers) SetQuota(ctx context.Context, gw, uid string, q rgw.QuotaUpdate) error {
	return rgwExec(ctx, s.c, rgwPlain, ops.RGWUserQuotaSet, &ops.RGWUserQuotaSetRequest{
		UID: uid, DaemonName: optStr(gw), QuotaType: q.Type, Enabled: boolStr(q.Enabled),
		MaxSizeKB: ops.Int(q.MaxSizeKB), MaxObjects: strconv.FormatInt(q.MaxObjects, 10),
	})
}

func (s rgwUsers) CreateSubuser(ctx context.Context, gw, uid string, sc rgw.SubuserCreate) ([]rgw.Subuser, error) {
	return rgwList[rgw.Subuser](ctx, s.c, rgwPlain, ops.RGWUserSubuserCreate, &ops.RGWUserSubuserCreateRequest{
		UID: uid, DaemonName: optStr(gw), Subuser: sc.Subuser, Access: sc.Access, KeyType: optStr(sc.KeyType),
		GenerateSecret: new(boolStr(sc.GenerateSecret)), AccessKey: optStr(sc.AccessKey), SecretKey: optStr(sc.SecretKey),
	})
}

func (s rgwUsers) DeleteSubuser(ctx context.Context, gw, uid, subuser string, purgeKeys bool) error {
	return rgwExec(ctx, s.c, rgwPlain, ops.RGWUserSubuserDelete, &ops.RGWUserSubuserDeleteRequest{
		UID: uid, Subuser: subuser, PurgeKeys: boolStr(purgeKeys), DaemonName: gw})
}

func (s rgwUsers) Roles(ctx context.Context, gw string) ([]rgw.Role, error) {
	return rgwList[rgw.Role](ctx, s.c, rgwNewer, ops.RGWUserRoles, &ops.RGWUserRolesRequest{DaemonName: gw})
}

func (s rgwBuckets) Names(ctx context.Context, gw, owner string) ([]string, error) {
	st := ops.Bool(false)
	return rgwList[string](ctx, s.c, rgwPlain, ops.RGWBucketList, &ops.RGWBucketListRequest{Stats: &st, DaemonName: gw, UID: owner})
}

func (s rgwBuckets) List(ctx context.Context, gw, owner string) ([]rgw.Bucket, error) {
	st := ops.Bool(true)
	return rgwList[rgw.Bucket](ctx, s.c, rgwPlain, ops.RGWBucketList, &ops.RGWBucketListRequest{Stats: &st, DaemonName: gw, UID: owner})
}

func (s rgwBuckets) Get(ctx context.Context, gw, bucket string) (*rgw.Bucket, error) {
	return rgwGet[rgw.Bucket](ctx, s.c, rgwPlain, ops.RGWBucketGet, &ops.RGWBucketGetRequest{Bucket: bucket, DaemonName: gw})
}

// errNoBucketEncryption: the dashboard's bucket create and update of the
// operation table take no encryption fields.
func errNoBucketEncryption() error {
	return ceph.Errorf(ceph.Unimplemented, "rgw", "the REST transport cannot set a bucket's default encryption (the API's bucket create and update take no encryption fields)")
}

// Create answers 201 null.
func (s rgwBuckets) Create(ctx context.Context, gw string, c rgw.BucketCreate) error {
	if c.EncryptionState {
		return errNoBucketEncryption()
	}
	return rgwExec(ctx, s.c, rgwPlain, ops.RGWBucketCreate, &ops.RGWBucketCreateRequest{
		Bucket: c.Bucket, UID: c.UID, DaemonName: optStr(gw), Zonegroup: optStr(c.Zonegroup),
		PlacementTarget: optStr(c.PlacementTarget), LockEnabled: new(boolStr(c.LockEnabled)), LockMode: optStr(c.LockMode),
		LockRetentionPeriodDays:  nonZeroIntStr(c.LockRetentionPeriodDays),
		LockRetentionPeriodYears: nonZeroIntStr(c.LockRetentionPeriodYears),
	})
}

// Update answers 200 "".
func (s rgwBuckets) Update(ctx context.Context, gw, bucket string, u rgw.BucketUpdate) error {
	if u.EncryptionState != nil {
		return errNoBucketEncryption()
	}
	return rgwExec(ctx, s.c, rgwPlain, ops.RGWBucketUpdate, &ops.RGWBucketUpdateRequest{
		Bucket: bucket, BucketID: u.BucketID, UID: u.UID, DaemonName: optStr(gw),
		VersioningState: optStr(u.VersioningState), MFADelete: optStr(u.MFADelete),
		MFATokenSerial: optStr(u.MFATokenSerial), MFATokenPin: optStr(u.MFATokenPin), LockMode: optStr(u.LockMode),
		LockRetentionPeriodDays:  nonZeroIntStr(u.LockRetentionPeriodDays),
		LockRetentionPeriodYears: nonZeroIntStr(u.LockRetentionPeriodYears),
	})
}

func (s rgwBuckets) Delete(ctx context.Context, gw, bucket string, purgeObjects bool) error {
	return rgwExec(ctx, s.c, rgwPlain, ops.RGWBucketDelete, &ops.RGWBucketDeleteRequest{
		Bucket: bucket, PurgeObjects: boolStr(purgeObjects), DaemonName: gw})
}

func (s rgwBuckets) Encryption(ctx context.Context, gw, bucket, owner string) (*rgw.Encryption, error) {
	return rgwGet[rgw.Encryption](ctx, s.c, rgwNewer, ops.RGWBucketGetEncryption, &ops.RGWBucketGetEncryptionRequest{
		BucketName: bucket, DaemonName: gw, Owner: owner})
}

func (s rgwBuckets) DeleteEncryption(ctx context.Context, gw, bucket, owner string) error {
	return rgwExec(ctx, s.c, rgwNewer, ops.RGWBucketDeleteEncryption, &ops.RGWBucketDeleteEncryptionRequest{
		BucketName: bucket, DaemonName: gw, Owner: owner})
}

func (s rgwBuckets) EncryptionConfig(ctx context.Context, gw, owner string) (rgw.EncryptionConfig, error) {
	out, err := rgwGet[rgw.EncryptionConfig](ctx, s.c, rgwNewer, ops.RGWBucketGetEncryptionConfig, &ops.RGWBucketGetEncryptionConfigRequest{
		DaemonName: gw, Owner: owner})
	if err != nil {
		return nil, err
	}
	if *out == nil {
		return rgw.EncryptionConfig{}, nil
	}
	return *out, nil
}

func (s rgwBuckets) SetEncryptionConfig(ctx context.Context, gw string, k rgw.KMSConfig) error {
	return rgwExec(ctx, s.c, rgwNewer, ops.RGWBucketSetEncryptionConfig, &ops.RGWBucketSetEncryptionConfigRequest{
		EncryptionType: k.EncryptionType, KmsProvider: k.KMSProvider, AuthMethod: optStr(k.AuthMethod),
		SecretEngine: optStr(k.SecretEngine), SecretPath: optStr(k.SecretPath), Namespace: optStr(k.Namespace),
		Address: optStr(k.Address), Token: optStr(k.Token), Owner: optStr(k.Owner), SslCert: optStr(k.SSLCert),
		ClientCert: optStr(k.ClientCert), ClientKey: optStr(k.ClientKey), DaemonName: optStr(gw),
	})
}

// rgwOp says which operation an error answered, for what only some of
// them mean.
type rgwOp int

const (
	rgwPlain rgwOp = iota
	// rgwUserDelete: BucketAlreadyExists means the user owns buckets; a
	// dashboard's system user cannot be deleted.
	rgwUserDelete
	// rgwKeyDelete: InvalidAccessKeyId means no such key.
	rgwKeyDelete
	// rgwNewer: the Ceph 17 operations (user roles, bucket encryption)
	// that 16.2.15 routes elsewhere and answers 500.
	rgwNewer
)

// rgwError maps an error answer of the real dashboard whose detail
// carries RGW's error (a 500, or a 400 for a user delete) to its code;
// an answer of this project's server already carries its code and
// passes unchanged.
func rgwError(kind rgwOp, err error) error {
	var ce *ceph.Error
	var re *ResponseError
	if err == nil || !errors.As(err, &ce) || !errors.As(err, &re) {
		return err
	}
	code, reason, ok := rgwClassify(kind, re.StatusCode, ce.Reason, ce.Detail)
	if !ok || code == ce.Code {
		return err
	}
	return &ceph.Error{Code: code, Component: "rgw", Detail: ce.Detail, Reason: reason, Err: native(err)}
}

// rgwClassify finds the code of an answer of status with the wire code
// wire (this server's answers carry RGW's code there, and take the
// status of our code: 400 for FailedPrecondition) and detail (the real
// dashboard's carry it in the detail); ok is false when there is
// nothing to change.
func rgwClassify(kind rgwOp, status int, wire, detail string) (code ceph.Code, reason string, ok bool) {
	if status != 400 && status != 500 {
		return 0, "", false
	}
	rc := wire
	if _, known := rgw.ErrorCode(rc); !known {
		rc = rgwCodeIn(detail)
	}
	switch {
	case kind == rgwNewer && rc == "ServerSideEncryptionConfigurationNotFoundError":
		return ceph.NotFound, rc, true
	case kind == rgwNewer && status == 500:
		return ceph.Unimplemented, rc, true
	case kind == rgwUserDelete && rc == "BucketAlreadyExists":
		return ceph.FailedPrecondition, rc, true
	case kind == rgwUserDelete && containsFold(detail, "Unable to delete"):
		return ceph.Busy, rc, true
	case kind == rgwKeyDelete && rc == "InvalidAccessKeyId":
		return ceph.NotFound, rc, true
	}
	if c, found := rgw.ErrorCode(rc); found {
		return c, rc, true
	}
	return 0, "", false
}

// rgwCodeIn returns the RGW error code in a detail: RGW's JSON answer in
// a Python bytes repr, which the dashboard may split over lines
// (b'{"Code":"NoSu'\n b'chUser",...}'). The splits are joined before
// the code is looked for.
func rgwCodeIn(detail string) string {
	s := bytesReprSplit.ReplaceAllString(detail, "")
	if m := rgwCodeField.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	// No JSON: a known code named in the text.
	for _, n := range rgw.ErrorCodeNames() {
		if containsWord(s, n) {
			return n
		}
	}
	return ""
}

var (
	// bytesReprSplit is where Python's repr of a long bytes value breaks
	// it: a closing quote, a newline with indentation, and b'.
	bytesReprSplit = regexp.MustCompile(`['"]\s*\n\s*b['"]`)
	rgwCodeField   = regexp.MustCompile(`["']Code["']\s*:\s*["'](\w+)["']`)
)

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// containsWord reports whether s has w not inside a longer word.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
