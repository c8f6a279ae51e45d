//go:build rados

package rados

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ceph/go-ceph/rgw/admin"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
)

// The admin API's answers are decoded into the rgw types directly (go-ceph's
// structs drop fields that rgw.User and rgw.Bucket keep in Extra); go-ceph's
// admin client makes the writes whose answer is not needed or is small.

type rgwSite struct{ g *gateway }

type rgwUsers struct{ g *gateway }

type rgwBuckets struct{ g *gateway }

func (s rgwSite) PlacementTargets(ctx context.Context, gw string) (*rgw.Placement, error) {
	c, err := s.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	var zone struct {
		PlacementPools []struct {
			Key string `json:"key"`
			Val struct {
				StorageClasses map[string]struct {
					DataPool string `json:"data_pool"`
				} `json:"storage_classes"`
			} `json:"val"`
		} `json:"placement_pools"`
	}
	if err := c.adminJSON(ctx, &zone, http.MethodGet, "config", url.Values{"type": {"zone"}}); err != nil {
		return nil, err
	}
	p := &rgw.Placement{Zonegroup: c.zonegroup, Targets: []rgw.PlacementTarget{}}
	for _, pp := range zone.PlacementPools {
		p.Targets = append(p.Targets, rgw.PlacementTarget{Name: pp.Key, DataPool: pp.Val.StorageClasses["STANDARD"].DataPool})
	}
	return p, nil
}

type realmList struct {
	DefaultInfo string   `json:"default_info"`
	Realms      []string `json:"realms"`
}

func (s rgwSite) Realms(ctx context.Context, gw string) ([]string, error) {
	c, err := s.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	var rl realmList
	if err := c.adminJSON(ctx, &rl, http.MethodGet, "realm?list", nil); err != nil {
		return nil, err
	}
	if rl.Realms == nil {
		rl.Realms = []string{}
	}
	return rl.Realms, nil
}

func (s rgwSite) DefaultRealm(ctx context.Context, gw string) (string, error) {
	c, err := s.g.conn(ctx, gw)
	if err != nil {
		return "", err
	}
	var rl realmList
	if err := c.adminJSON(ctx, &rl, http.MethodGet, "realm?list", nil); err != nil {
		return "", err
	}
	if rl.DefaultInfo != "" {
		var realm struct {
			Name string `json:"name"`
		}
		err := c.adminJSON(ctx, &realm, http.MethodGet, "realm", url.Values{"id": {rl.DefaultInfo}})
		if err != nil && ceph.CodeOf(err) != ceph.NotFound {
			return "", err
		}
		if realm.Name != "" {
			return realm.Name, nil
		}
	}
	return "", errorf(ceph.NotFound, rgwComponent, "Default realm not found.")
}

// user reads a user's info.
func (c *rgwConn) user(ctx context.Context, uid string, stats bool) (*rgw.User, error) {
	q := url.Values{"uid": {uid}}
	if stats {
		// sync: the user's statistics are otherwise those of the last
		// periodic sync (rgw_user_quota_sync_interval), missing objects
		// put since; radosgw 16.2 sums the user's buckets first
		q.Set("stats", "true")
		q.Set("sync", "true")
	}
	var u rgw.User
	if err := c.adminJSON(ctx, &u, http.MethodGet, "user", q); err != nil {
		return nil, err
	}
	u.UID = u.UserID
	if !strings.Contains(u.UserID, "$") {
		u.UID = rgw.FullID(u.Tenant, u.UserID)
	}
	if !stats {
		u.Stats = nil
	}
	return &u, nil
}

func (u rgwUsers) List(ctx context.Context, gw string) ([]string, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	return c.userIDs(ctx)
}

func (c *rgwConn) userIDs(ctx context.Context) ([]string, error) {
	users := []string{}
	marker := ""
	for {
		q := url.Values{}
		if marker != "" {
			q.Set("marker", marker)
		}
		var page struct {
			Keys      []string `json:"keys"`
			Truncated bool     `json:"truncated"`
			Marker    string   `json:"marker"`
		}
		if err := c.adminJSON(ctx, &page, http.MethodGet, "user?list", q); err != nil {
			return nil, err
		}
		users = append(users, page.Keys...)
		if !page.Truncated || page.Marker == "" || page.Marker == marker {
			return users, nil
		}
		marker = page.Marker
	}
}

func (u rgwUsers) Get(ctx context.Context, gw, uid string, stats bool) (*rgw.User, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	return c.user(ctx, uid, stats)
}

func (u rgwUsers) Emails(ctx context.Context, gw string) ([]string, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	ids, err := c.userIDs(ctx)
	if err != nil {
		return nil, err
	}
	emails := []string{}
	for _, id := range ids {
		usr, err := c.user(ctx, id, false)
		if ceph.CodeOf(err) == ceph.NotFound {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		if usr.Email != "" {
			emails = append(emails, usr.Email)
		}
	}
	return emails, nil
}

func (u rgwUsers) Create(ctx context.Context, gw string, uc rgw.UserCreate) (*rgw.User, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	// the admin API's user create with the dashboard's parameters (go-ceph's
	// CreateUser has no explicit key pair for a user)
	q := url.Values{"uid": {uc.UID}, "display-name": {uc.DisplayName}}
	if uc.Email != nil {
		q.Set("email", *uc.Email)
	}
	if uc.MaxBuckets != nil {
		q.Set("max-buckets", strconv.Itoa(*uc.MaxBuckets))
	}
	if uc.Suspended != nil {
		q.Set("suspended", strconv.FormatBool(*uc.Suspended))
	}
	if uc.GenerateKey != nil {
		q.Set("generate-key", strconv.FormatBool(*uc.GenerateKey))
	}
	if uc.AccessKey != "" {
		q.Set("access-key", uc.AccessKey)
	}
	if uc.SecretKey != "" {
		q.Set("secret-key", uc.SecretKey)
	}
	if _, err := c.admin(ctx, http.MethodPut, "user", q); err != nil {
		return nil, err
	}
	return c.user(ctx, uc.UID, false)
}

func (u rgwUsers) Update(ctx context.Context, gw, uid string, uu rgw.UserUpdate) (*rgw.User, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	q := url.Values{"uid": {uid}}
	if uu.DisplayName != nil {
		q.Set("display-name", *uu.DisplayName)
	}
	if uu.Email != nil {
		q.Set("email", *uu.Email)
	}
	if uu.MaxBuckets != nil {
		q.Set("max-buckets", strconv.Itoa(*uu.MaxBuckets))
	}
	if uu.Suspended != nil {
		q.Set("suspended", strconv.FormatBool(*uu.Suspended))
	}
	// not go-ceph's ModifyUser: it drops empty values, so an e-mail
	// address could not be cleared
	if _, err := c.admin(ctx, http.MethodPost, "user", q); err != nil {
		return nil, err
	}
	return c.user(ctx, uid, false)
}

func (u rgwUsers) Delete(ctx context.Context, gw, uid string) error {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	own, err := c.ownUID(ctx)
	if err != nil {
		return err
	}
	if own == uid {
		return errorf(ceph.Busy, rgwComponent, "Unable to delete %q - this user account is required for managing the Object Gateway", uid)
	}
	err = c.adminError(ctx, "DELETE /admin/user", c.api.RemoveUser(ctx, admin.User{ID: uid}))
	switch reasonOf(err) {
	case "BucketAlreadyExists", "BucketNotEmpty":
		// radosgw answers EEXIST for a user who still owns buckets
		return &ceph.Error{Code: ceph.FailedPrecondition, Component: rgwComponent, Reason: reasonOf(err),
			Detail: fmt.Sprintf("user %s still owns buckets: delete them or link them to another user first", uid), Err: err}
	}
	return err
}

// ownUID is the user of the admin keys.
func (c *rgwConn) ownUID(ctx context.Context) (string, error) {
	var u struct {
		UserID string `json:"user_id"`
		Tenant string `json:"tenant"`
	}
	if err := c.adminJSON(ctx, &u, http.MethodGet, "user", url.Values{"access-key": {c.access}}); err != nil {
		return "", err
	}
	if strings.Contains(u.UserID, "$") {
		return u.UserID, nil
	}
	return rgw.FullID(u.Tenant, u.UserID), nil
}

func capsOf(cs []admin.UserCapSpec) []rgw.Capability {
	out := make([]rgw.Capability, 0, len(cs))
	for _, c := range cs {
		out = append(out, rgw.Capability{Type: c.Type, Perm: c.Perm})
	}
	return out
}

func (u rgwUsers) AddCapability(ctx context.Context, gw, uid string, cp rgw.Capability) ([]rgw.Capability, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	cs, err := c.api.AddUserCap(ctx, uid, cp.Type+"="+cp.Perm)
	if err != nil {
		return nil, c.adminError(ctx, "PUT /admin/user?caps", err)
	}
	return capsOf(cs), nil
}

func (u rgwUsers) RemoveCapability(ctx context.Context, gw, uid string, cp rgw.Capability) ([]rgw.Capability, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	cs, err := c.api.RemoveUserCap(ctx, uid, cp.Type+"="+cp.Perm)
	if err != nil {
		return nil, c.adminError(ctx, "DELETE /admin/user?caps", err)
	}
	return capsOf(cs), nil
}

func (u rgwUsers) CreateKey(ctx context.Context, gw, uid string, k rgw.KeyCreate) ([]rgw.Key, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	typ := k.Type
	if typ == "" {
		typ = rgw.KeyS3
	}
	gen := k.Generate
	spec := admin.UserKeySpec{UID: uid, SubUser: k.Subuser, KeyType: typ, GenerateKey: &gen}
	if !gen {
		spec.AccessKey, spec.SecretKey = k.AccessKey, k.SecretKey
	}
	ks, err := c.api.CreateKey(ctx, spec)
	if err != nil {
		return nil, c.adminError(ctx, "PUT /admin/user?key", err)
	}
	out := []rgw.Key{}
	for _, x := range *ks {
		out = append(out, rgw.Key{User: x.User, AccessKey: x.AccessKey, SecretKey: x.SecretKey})
	}
	return out, nil
}

func (u rgwUsers) DeleteKey(ctx context.Context, gw, uid string, k rgw.KeyDelete) error {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	typ := k.Type
	if typ == "" {
		typ = rgw.KeyS3
	}
	// the admin API's key remove, not go-ceph's RemoveKey: that one wants
	// a swift key's subuser without the uid the gateway needs with it
	q := url.Values{"uid": {uid}, "key-type": {typ}}
	if k.Subuser != "" {
		q.Set("subuser", k.Subuser)
	}
	if k.AccessKey != "" {
		q.Set("access-key", k.AccessKey)
	}
	_, err = c.admin(ctx, http.MethodDelete, "user?key", q)
	if reasonOf(err) == "InvalidAccessKeyId" {
		// the gateway's answer for a key the user does not have
		return &ceph.Error{Code: ceph.NotFound, Component: rgwComponent, Reason: "InvalidAccessKeyId",
			Detail: fmt.Sprintf("user %s has no such key", uid), Err: err}
	}
	return err
}

func (u rgwUsers) Quotas(ctx context.Context, gw, uid string) (*rgw.Quotas, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	var q rgw.Quotas
	if err := c.adminJSON(ctx, &q, http.MethodGet, "user?quota", url.Values{"uid": {uid}}); err != nil {
		return nil, err
	}
	return &q, nil
}

func (u rgwUsers) SetQuota(ctx context.Context, gw, uid string, qu rgw.QuotaUpdate) error {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	en := qu.Enabled
	kb := int(qu.MaxSizeKB)
	objs := qu.MaxObjects
	spec := admin.QuotaSpec{UID: uid, Enabled: &en, MaxSizeKb: &kb, MaxObjects: &objs}
	if qu.Type == rgw.QuotaBucket {
		err = c.api.SetBucketQuota(ctx, spec)
	} else {
		err = c.api.SetUserQuota(ctx, spec)
	}
	return c.adminError(ctx, "PUT /admin/user?quota", err)
}

func (u rgwUsers) CreateSubuser(ctx context.Context, gw, uid string, s rgw.SubuserCreate) ([]rgw.Subuser, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	typ := s.KeyType
	if typ == "" {
		typ = rgw.KeyS3
	}
	// go-ceph's CreateSubuser takes no access key nor generate-secret
	q := url.Values{"uid": {uid}, "subuser": {s.Subuser}, "key-type": {typ}, "access": {s.Access},
		"generate-secret": {strconv.FormatBool(s.GenerateSecret)}}
	if s.AccessKey != "" {
		q.Set("access-key", s.AccessKey)
	}
	if s.SecretKey != "" {
		q.Set("secret-key", s.SecretKey)
	}
	if _, err := c.admin(ctx, http.MethodPut, "user", q); err != nil {
		return nil, err
	}
	usr, err := c.user(ctx, uid, false)
	if err != nil {
		return nil, err
	}
	if usr.Subusers == nil {
		usr.Subusers = []rgw.Subuser{}
	}
	return usr.Subusers, nil
}

func (u rgwUsers) DeleteSubuser(ctx context.Context, gw, uid, subuser string, purgeKeys bool) error {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	name := subuser
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	err = c.api.RemoveSubuser(ctx, admin.User{ID: uid}, admin.SubuserSpec{Name: name, PurgeKeys: &purgeKeys})
	return c.adminError(ctx, "DELETE /admin/user (subuser)", err)
}

func (u rgwUsers) Roles(ctx context.Context, gw string) ([]rgw.Role, error) {
	c, err := u.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	body := []byte(url.Values{"Action": {"ListRoles"}, "Version": {"2010-05-08"}}.Encode())
	out, _, err := c.do(ctx, "IAM ListRoles", http.MethodPost, "/", body, h, c.access, c.secret, "iam")
	switch ceph.CodeOf(err) {
	case ceph.NotFound:
		// radosgw 16.2 answers NoSuchEntity when there is no role
		return []rgw.Role{}, nil
	case ceph.PermissionDenied:
		return nil, &ceph.Error{Code: ceph.PermissionDenied, Component: rgwComponent, Reason: "AccessDenied",
			Detail: "the RGW admin user may not list roles: grant it the roles capability (`radosgw-admin caps add --uid <user> --caps roles=*`)", Err: err}
	case ceph.Unknown:
	default:
		return nil, err
	}
	var res struct {
		Roles []struct {
			RoleID                   string `xml:"RoleId"`
			RoleName                 string `xml:"RoleName"`
			Path                     string `xml:"Path"`
			Arn                      string `xml:"Arn"`
			CreateDate               string `xml:"CreateDate"`
			MaxSessionDuration       int64  `xml:"MaxSessionDuration"`
			AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
		} `xml:"ListRolesResult>Roles>member"`
	}
	if err := xml.Unmarshal(out, &res); err != nil {
		return nil, badReply(rgwComponent, "IAM ListRoles", err)
	}
	roles := make([]rgw.Role, 0, len(res.Roles))
	for _, r := range res.Roles {
		roles = append(roles, rgw.Role(r))
	}
	return roles, nil
}

func (b rgwBuckets) Names(ctx context.Context, gw, owner string) ([]string, error) {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	q := url.Values{"stats": {"false"}}
	if owner != "" {
		q.Set("uid", owner)
	}
	names := []string{}
	if err := c.adminJSON(ctx, &names, http.MethodGet, "bucket", q); err != nil {
		return nil, err
	}
	return names, nil
}

func (b rgwBuckets) List(ctx context.Context, gw, owner string) ([]rgw.Bucket, error) {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	q := url.Values{"stats": {"true"}}
	if owner != "" {
		q.Set("uid", owner)
	}
	bs := []rgw.Bucket{}
	if err := c.adminJSON(ctx, &bs, http.MethodGet, "bucket", q); err != nil {
		return nil, err
	}
	for i := range bs {
		bs[i].BID = rgw.BucketID(bs[i].Tenant, bs[i].Bucket)
	}
	return bs, nil
}

func (c *rgwConn) bucketInfo(ctx context.Context, bucket string) (*rgw.Bucket, error) {
	var bk rgw.Bucket
	if err := c.adminJSON(ctx, &bk, http.MethodGet, "bucket", url.Values{"bucket": {bucket}}); err != nil {
		return nil, err
	}
	bk.BID = rgw.BucketID(bk.Tenant, bk.Bucket)
	return &bk, nil
}

type versioningConfig struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

func (c *rgwConn) versioning(ctx context.Context, owner, s3name string) (*versioningConfig, error) {
	out, _, err := c.s3(ctx, owner, http.MethodGet, s3name, "versioning", nil, nil)
	if err != nil {
		return nil, err
	}
	var v versioningConfig
	if err := xml.Unmarshal(out, &v); err != nil {
		return nil, badReply(rgwComponent, "GET ?versioning", err)
	}
	if v.Status == "" {
		v.Status = rgw.VersioningSuspended
	}
	if v.MfaDelete == "" {
		v.MfaDelete = "Disabled"
	}
	return &v, nil
}

type objectLockConfig struct {
	XMLName           xml.Name `xml:"ObjectLockConfiguration"`
	Xmlns             string   `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string   `xml:"ObjectLockEnabled"`
	Rule              *struct {
		DefaultRetention struct {
			Mode  string `xml:"Mode"`
			Days  *int   `xml:"Days,omitempty"`
			Years *int   `xml:"Years,omitempty"`
		} `xml:"DefaultRetention"`
	} `xml:"Rule,omitempty"`
}

type locking struct {
	enabled     bool
	mode        string
	days, years *int
}

// locking reads the bucket's object lock configuration, with the
// dashboard's defaults when it has none.
func (c *rgwConn) locking(ctx context.Context, owner, s3name string) (*locking, error) {
	out, _, err := c.s3(ctx, owner, http.MethodGet, s3name, "object-lock", nil, nil)
	if reasonOf(err) == "ObjectLockConfigurationNotFoundError" {
		return &locking{mode: "compliance"}, nil
	}
	if err != nil {
		return nil, err
	}
	var l objectLockConfig
	if err := xml.Unmarshal(out, &l); err != nil {
		return nil, badReply(rgwComponent, "GET ?object-lock", err)
	}
	lk := &locking{enabled: l.ObjectLockEnabled == "Enabled"}
	zero := 0
	lk.days, lk.years = &zero, &zero
	if l.Rule != nil {
		lk.mode = l.Rule.DefaultRetention.Mode
		if d := l.Rule.DefaultRetention.Days; d != nil {
			lk.days = d
		}
		if y := l.Rule.DefaultRetention.Years; y != nil {
			lk.years = y
		}
	}
	return lk, nil
}

func (b rgwBuckets) Get(ctx context.Context, gw, bucket string) (*rgw.Bucket, error) {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	bk, err := c.bucketInfo(ctx, bucket)
	if err != nil {
		return nil, err
	}
	name := s3Bucket(bk.Bucket, bk.Tenant)
	v, err := c.versioning(ctx, bk.Owner, name)
	if err != nil {
		return nil, err
	}
	bk.Versioning, bk.MFADelete = v.Status, v.MfaDelete
	lk, err := c.locking(ctx, bk.Owner, name)
	if err != nil {
		return nil, err
	}
	en := lk.enabled
	bk.LockEnabled, bk.LockMode = &en, lk.mode
	bk.LockRetentionPeriodDays, bk.LockRetentionPeriodYears = lk.days, lk.years
	return bk, nil
}

// setLocking puts the default retention, checked as the dashboard checks
// it.
func (c *rgwConn) setLocking(ctx context.Context, owner, s3name, mode string, days, years int) error {
	switch {
	case days < 0 || years < 0:
		return errorf(ceph.InvalidArgument, rgwComponent, "Retention period must be a positive integer.")
	case days > 0 && years > 0:
		return errorf(ceph.InvalidArgument, rgwComponent, "Retention period requires either Days or Years. You can't specify both at the same time.")
	case days == 0 && years == 0:
		return errorf(ceph.InvalidArgument, rgwComponent, "Retention period requires either Days or Years. You must specify at least one.")
	}
	mode = strings.ToUpper(mode)
	if mode != rgw.LockCompliance && mode != rgw.LockGovernance {
		return errorf(ceph.InvalidArgument, rgwComponent, "Retention mode must be either COMPLIANCE or GOVERNANCE.")
	}
	var l objectLockConfig
	l.ObjectLockEnabled = "Enabled"
	l.Rule = &struct {
		DefaultRetention struct {
			Mode  string `xml:"Mode"`
			Days  *int   `xml:"Days,omitempty"`
			Years *int   `xml:"Years,omitempty"`
		} `xml:"DefaultRetention"`
	}{}
	l.Rule.DefaultRetention.Mode = mode
	if days > 0 {
		l.Rule.DefaultRetention.Days = &days
	}
	if years > 0 {
		l.Rule.DefaultRetention.Years = &years
	}
	_, _, err := c.s3(ctx, owner, http.MethodPut, s3name, "object-lock", xmlBody(l), nil)
	return err
}

func (b rgwBuckets) Create(ctx context.Context, gw string, bc rgw.BucketCreate) error {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	if ok, _ := c.encryptionSupported(ctx, gw); bc.EncryptionState && !ok {
		// refused before the bucket is made, not after
		return noBucketEncryption("PutBucketEncryption")
	}
	var body []byte
	if bc.Zonegroup != "" && bc.PlacementTarget != "" {
		body = xmlBody(struct {
			XMLName            xml.Name `xml:"CreateBucketConfiguration"`
			LocationConstraint string   `xml:"LocationConstraint"`
		}{LocationConstraint: bc.Zonegroup + ":" + bc.PlacementTarget})
	}
	h := http.Header{}
	if bc.LockEnabled {
		h.Set("x-amz-bucket-object-lock-enabled", "true")
	}
	tenant := ""
	if i := strings.IndexByte(bc.UID, '$'); i >= 0 {
		tenant = bc.UID[:i]
	}
	name := s3Bucket(bc.Bucket, tenant)
	if _, _, err := c.s3(ctx, bc.UID, http.MethodPut, name, "", body, h); err != nil {
		return err
	}
	if bc.LockEnabled {
		if err := c.setLocking(ctx, bc.UID, name, bc.LockMode, bc.LockRetentionPeriodDays, bc.LockRetentionPeriodYears); err != nil {
			return err
		}
	}
	if bc.EncryptionState {
		return c.putEncryption(ctx, bc.UID, name, bc.EncryptionType, bc.KeyID)
	}
	return nil
}

// putEncryption sets a bucket's default encryption (S3's
// PutBucketEncryption).
func (c *rgwConn) putEncryption(ctx context.Context, owner, s3name, typ, keyID string) error {
	type def struct {
		SSEAlgorithm   string `xml:"SSEAlgorithm"`
		KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
	}
	cfg := struct {
		XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
		Xmlns   string   `xml:"xmlns,attr"`
		Rule    struct {
			Default def `xml:"ApplyServerSideEncryptionByDefault"`
		} `xml:"Rule"`
	}{Xmlns: "http://s3.amazonaws.com/doc/2006-03-01/"}
	if typ == "" {
		typ = "AES256"
	}
	cfg.Rule.Default = def{SSEAlgorithm: typ}
	if typ == "aws:kms" {
		cfg.Rule.Default.KMSMasterKeyID = keyID
	}
	_, _, err := c.s3(ctx, owner, http.MethodPut, s3name, "encryption", xmlBody(cfg), nil)
	return err
}

func (b rgwBuckets) Update(ctx context.Context, gw, bucket string, bu rgw.BucketUpdate) error {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	encOK, _ := c.encryptionSupported(ctx, gw)
	if bu.EncryptionState != nil && !encOK {
		if *bu.EncryptionState {
			return noBucketEncryption("PutBucketEncryption")
		}
		// no bucket of this gateway can have default encryption
		bu.EncryptionState = nil
	}
	link := bucket
	if strings.Contains(bu.UID, "$") && !strings.Contains(link, "/") {
		link = "/" + link
	}
	err = c.api.LinkBucket(ctx, admin.BucketLinkInput{Bucket: link, BucketID: bu.BucketID, UID: bu.UID})
	if err != nil {
		return c.adminError(ctx, "PUT /admin/bucket (link)", err)
	}
	tenant := ""
	if i := strings.IndexByte(bu.UID, '$'); i >= 0 {
		tenant = bu.UID[:i]
	}
	name := s3Bucket(bucket, tenant)
	lk, err := c.locking(ctx, bu.UID, name)
	if err != nil {
		return err
	}
	if bu.VersioningState != "" {
		if bu.VersioningState == rgw.VersioningSuspended && lk.enabled {
			return &ceph.Error{Code: ceph.FailedPrecondition, Component: rgwComponent,
				Detail: "Bucket versioning cannot be disabled/suspended on buckets with object lock enabled "}
		}
		v, err := c.versioning(ctx, bu.UID, name)
		if err != nil {
			return err
		}
		if bu.VersioningState != v.Status || (bu.MFADelete != "" && bu.MFADelete != v.MfaDelete) {
			cfg := versioningConfig{Status: bu.VersioningState}
			h := http.Header{}
			if bu.MFADelete != "" && bu.MFATokenSerial != "" && bu.MFATokenPin != "" {
				h.Set("x-amz-mfa", bu.MFATokenSerial+" "+bu.MFATokenPin)
				cfg.MfaDelete = bu.MFADelete
			}
			if _, _, err := c.s3(ctx, bu.UID, http.MethodPut, name, "versioning", xmlBody(cfg), h); err != nil {
				if cfg.MfaDelete != "" && reasonOf(err) == "AccessDenied" {
					if ce, ok := err.(*ceph.Error); ok {
						ce.Detail = "Bad MFA credentials: " + ce.Detail
					}
				}
				return err
			}
		}
	}
	if lk.enabled && (bu.LockMode != "" || bu.LockRetentionPeriodDays != 0 || bu.LockRetentionPeriodYears != 0) {
		if err := c.setLocking(ctx, bu.UID, name, bu.LockMode, bu.LockRetentionPeriodDays, bu.LockRetentionPeriodYears); err != nil {
			return err
		}
	}
	switch {
	case bu.EncryptionState == nil:
	case *bu.EncryptionState:
		return c.putEncryption(ctx, bu.UID, name, bu.EncryptionType, bu.KeyID)
	default:
		_, _, err := c.s3(ctx, bu.UID, http.MethodDelete, name, "encryption", nil, nil)
		return err
	}
	return nil
}

func (b rgwBuckets) Delete(ctx context.Context, gw, bucket string, purgeObjects bool) error {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	err = c.api.RemoveBucket(ctx, admin.Bucket{Bucket: bucket, PurgeObject: &purgeObjects})
	if err != nil {
		err = c.adminError(ctx, "DELETE /admin/bucket", err)
		if reasonOf(err) == "BucketNotEmpty" {
			if ce, ok := err.(*ceph.Error); ok {
				ce.Detail = fmt.Sprintf("bucket %s is not empty: purge its objects to delete it", bucket)
			}
		}
	}
	return err
}

// noBucketEncryption is the answer where the gateway has no S3 bucket
// encryption: radosgw 16.2 takes ?encryption for no subresource at all
// (GET lists the objects, PUT is InvalidArgument and DELETE removes the
// bucket), so no request is sent.
func noBucketEncryption(call string) error {
	return errorf(ceph.Unimplemented, rgwComponent,
		"this radosgw (ceph 16.2.x) does not support S3 bucket encryption (%s)", call)
}

// encryptionSupported tells whether gateway c has S3 bucket encryption:
// radosgw from Quincy (17) on.
func (c *rgwConn) encryptionSupported(ctx context.Context, gw string) (bool, string) {
	e, err := c.g.daemon(ctx, gw)
	if err != nil {
		return false, ""
	}
	v := e.Metadata["ceph_version_short"]
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	return err == nil && n >= 17, v
}

func (b rgwBuckets) Encryption(ctx context.Context, gw, bucket, owner string) (*rgw.Encryption, error) {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return nil, err
	}
	if ok, _ := c.encryptionSupported(ctx, gw); !ok {
		return nil, noBucketEncryption("GetBucketEncryption")
	}
	out, _, err := c.s3(ctx, owner, http.MethodGet, s3Bucket(bucket, ""), "encryption", nil, nil)
	if err != nil {
		return nil, err
	}
	var res struct {
		Rule struct {
			Default struct {
				SSEAlgorithm   string `xml:"SSEAlgorithm"`
				KMSMasterKeyID string `xml:"KMSMasterKeyID"`
			} `xml:"ApplyServerSideEncryptionByDefault"`
		} `xml:"Rule"`
	}
	if err := xml.Unmarshal(out, &res); err != nil {
		return nil, badReply(rgwComponent, "GET ?encryption", err)
	}
	return &rgw.Encryption{SSEAlgorithm: res.Rule.Default.SSEAlgorithm, KMSMasterKeyID: res.Rule.Default.KMSMasterKeyID}, nil
}

func (b rgwBuckets) DeleteEncryption(ctx context.Context, gw, bucket, owner string) error {
	c, err := b.g.conn(ctx, gw)
	if err != nil {
		return err
	}
	if ok, _ := c.encryptionSupported(ctx, gw); !ok {
		// never sent: radosgw 16.2 would delete the bucket itself
		return noBucketEncryption("DeleteBucketEncryption")
	}
	_, _, err = c.s3(ctx, owner, http.MethodDelete, s3Bucket(bucket, ""), "encryption", nil, nil)
	return err
}

// kmsOptions are the cluster configuration options of the key management
// settings, by encryption type, as the newer dashboards keep them (the
// SSE-S3 ones exist from Quincy on).
var kmsOptions = map[string]struct {
	key     string // EncryptionConfig key
	backend string
	vault   map[string]string // KMSConfig field -> option
	kmip    map[string]string
}{
	"aws:kms": {key: "SSE_KMS", backend: "rgw_crypt_s3_kms_backend",
		vault: map[string]string{"auth_method": "rgw_crypt_vault_auth", "secret_engine": "rgw_crypt_vault_secret_engine",
			"secret_path": "rgw_crypt_vault_prefix", "namespace": "rgw_crypt_vault_namespace", "address": "rgw_crypt_vault_addr",
			"token": "rgw_crypt_vault_token_file", "ssl_cert": "rgw_crypt_vault_ssl_cacert",
			"client_cert": "rgw_crypt_vault_ssl_clientcert", "client_key": "rgw_crypt_vault_ssl_clientkey"},
		kmip: map[string]string{"address": "rgw_crypt_kmip_addr", "ssl_cert": "rgw_crypt_kmip_ca_path",
			"client_cert": "rgw_crypt_kmip_client_cert", "client_key": "rgw_crypt_kmip_client_key"}},
	"AES256": {key: "SSE_S3", backend: "rgw_crypt_sse_s3_backend",
		vault: map[string]string{"auth_method": "rgw_crypt_sse_s3_vault_auth", "secret_engine": "rgw_crypt_sse_s3_vault_secret_engine",
			"secret_path": "rgw_crypt_sse_s3_vault_prefix", "namespace": "rgw_crypt_sse_s3_vault_namespace", "address": "rgw_crypt_sse_s3_vault_addr",
			"token": "rgw_crypt_sse_s3_vault_token_file", "ssl_cert": "rgw_crypt_sse_s3_vault_ssl_cacert",
			"client_cert": "rgw_crypt_sse_s3_vault_ssl_clientcert", "client_key": "rgw_crypt_sse_s3_vault_ssl_clientkey"}},
}

// kmsFields are a KMSConfig's settable fields by JSON name.
func kmsFields(c *rgw.KMSConfig) map[string]*string {
	return map[string]*string{"auth_method": &c.AuthMethod, "secret_engine": &c.SecretEngine, "secret_path": &c.SecretPath,
		"namespace": &c.Namespace, "address": &c.Address, "token": &c.Token, "ssl_cert": &c.SSLCert,
		"client_cert": &c.ClientCert, "client_key": &c.ClientKey}
}

const rgwConfigWho = "client.rgw"

// configValue reads one option of client.rgw; an option this cluster
// does not know reads as "".
func (g *gateway) configValue(ctx context.Context, name string) (string, error) {
	v, err := g.configGet(ctx, rgwConfigWho, name)
	switch ceph.CodeOf(err) {
	case ceph.NotFound, ceph.InvalidArgument:
		return "", nil
	}
	return v, err
}

// configGet is `config get who key`: the monitors answer a string
// option's value as plain text even with JSON asked for.
func (g *gateway) configGet(ctx context.Context, who, key string) (string, error) {
	out, err := g.r.mon(ctx, rgwComponent, "config get", args{"who": who, "key": key})
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(out))
	if strings.HasPrefix(v, `"`) {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			v = s
		}
	}
	return v, nil
}

func (b rgwBuckets) EncryptionConfig(ctx context.Context, gw, owner string) (rgw.EncryptionConfig, error) {
	out := rgw.EncryptionConfig{}
	for _, typ := range []string{"aws:kms", "AES256"} {
		o := kmsOptions[typ]
		backend, err := b.g.configValue(ctx, o.backend)
		if err != nil {
			return nil, err
		}
		opts := o.vault
		if backend == "kmip" {
			opts = o.kmip
		} else if backend != "vault" {
			continue
		}
		kc := rgw.KMSConfig{EncryptionType: typ, KMSProvider: backend, Owner: owner}
		fields := kmsFields(&kc)
		for f, name := range opts {
			if *fields[f], err = b.g.configValue(ctx, name); err != nil {
				return nil, err
			}
		}
		out[o.key] = append(out[o.key], kc)
	}
	return out, nil
}

func (b rgwBuckets) SetEncryptionConfig(ctx context.Context, gw string, kc rgw.KMSConfig) error {
	o, ok := kmsOptions[kc.EncryptionType]
	if !ok {
		return errorf(ceph.InvalidArgument, rgwComponent, "unknown encryption type %q", kc.EncryptionType)
	}
	opts := o.vault
	if kc.KMSProvider == "kmip" {
		opts = o.kmip
		if opts == nil {
			return errorf(ceph.InvalidArgument, rgwComponent, "KMIP is not a key manager for %s", kc.EncryptionType)
		}
	}
	set := func(name, value string) error {
		_, err := b.g.r.monWrite(ctx, rgwComponent, "config set", args{"who": rgwConfigWho, "name": name, "value": value})
		if err != nil && ceph.CodeOf(err) == ceph.InvalidArgument && strings.Contains(err.Error(), "unrecognized") {
			return &ceph.Error{Code: ceph.Unimplemented, Component: rgwComponent,
				Detail: fmt.Sprintf("this cluster has no option %s (its radosgw lacks %s key management)", name, kc.EncryptionType), Err: err}
		}
		return err
	}
	if err := set(o.backend, kc.KMSProvider); err != nil {
		return err
	}
	fields := kmsFields(&kc)
	for _, f := range []string{"auth_method", "secret_engine", "secret_path", "namespace", "address", "token", "ssl_cert", "client_cert", "client_key"} {
		name, ok := opts[f]
		if !ok || *fields[f] == "" {
			continue
		}
		if err := set(name, *fields[f]); err != nil {
			return err
		}
	}
	return nil
}

// reasonOf is RGW's error code carried by err.
func reasonOf(err error) string {
	if ce := ceph.AsError(err); ce != nil {
		return ce.Reason
	}
	return ""
}
