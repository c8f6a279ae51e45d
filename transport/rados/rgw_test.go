//go:build rados

package rados

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/s3put"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/transporttest"
)

// rgwEndpoint is the gateway the tests put objects through: CEPH_RGW_URL,
// else the default daemon's frontend on its host (skips without one).
func rgwEndpoint(ctx context.Context, t *testing.T, c *cephapi.Client) string {
	t.Helper()
	u, err := rgwEndpointOf(ctx, c)
	if err != nil {
		t.Skip(err)
	}
	return u
}

func rgwEndpointOf(ctx context.Context, c *cephapi.Client) (string, error) {
	if u := os.Getenv("CEPH_RGW_URL"); u != "" {
		return u, nil
	}
	ds, err := c.RGW.Daemons.List(ctx)
	if err != nil {
		return "", err
	}
	if len(ds) == 0 {
		return "", fmt.Errorf("no radosgw in the service map")
	}
	info, err := c.RGW.Daemons.Get(ctx, ds[0].ID)
	if err != nil {
		return "", err
	}
	port, ssl, err := parseFrontend(info.Metadata["frontend_config#0"])
	if err != nil {
		return "", err
	}
	scheme := "http"
	if ssl {
		scheme = "https"
	}
	return scheme + "://" + info.Metadata["hostname"] + ":" + strconv.Itoa(port), nil
}

// rgwPutter is the conformance suite's object putter: an S3 PUT signed
// with the given key, through the gateway of rgwEndpointOf.
func rgwPutter(c *cephapi.Client) transporttest.ObjectPutter {
	return func(ctx context.Context, t testing.TB, creds rgw.Key, bucket, key string, body []byte) error {
		endpoint, err := rgwEndpointOf(ctx, c)
		if err != nil {
			return err
		}
		return s3put.Put(ctx, nil, endpoint, bucket, key, body, creds.AccessKey, creds.SecretKey)
	}
}

func TestRealRGW(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)
	ds, err := c.RGW.Daemons.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 {
		t.Skip("no radosgw in the service map")
	}
	if !ds[0].Default || ds[0].Version == "" || ds[0].ServiceMapID == "" {
		t.Fatalf("daemons: %+v", ds)
	}
	if _, err := c.RGW.Daemons.Get(ctx, "rd-no-such"); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("Get(unknown) = %v, want NotFound", err)
	}
	endpoint := rgwEndpoint(ctx, t, c)

	suffix := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	uid, bucket := "rd-user-"+suffix, "rd-bucket-"+suffix
	u, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: "rd test " + suffix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := c.RGW.Buckets.Delete(ctx, "", bucket, true); err != nil && ceph.CodeOf(err) != ceph.NotFound {
			t.Errorf("cleanup bucket: %v", err)
		}
		if err := c.RGW.Users.Delete(ctx, "", uid); err != nil {
			t.Errorf("cleanup user: %v", err)
		}
	})
	if u.UID != uid || len(u.Keys) == 0 {
		t.Fatalf("created user: %+v", u)
	}
	if _, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: "again"}); ceph.CodeOf(err) != ceph.AlreadyExists {
		t.Fatalf("Create again = %v, want AlreadyExists", err)
	}
	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: bucket, UID: uid}); err != nil {
		t.Fatal(err)
	}
	if err := s3put.Put(ctx, nil, endpoint, bucket, "hello.txt", []byte("hello"), u.Keys[0].AccessKey, u.Keys[0].SecretKey); err != nil {
		t.Fatal(err)
	}
	b, err := c.RGW.Buckets.Get(ctx, "", bucket)
	if err != nil {
		t.Fatal(err)
	}
	if b.Owner != uid || b.Objects() != 1 || b.Versioning != rgw.VersioningSuspended || b.MFADelete != "Disabled" ||
		b.LockEnabled == nil || *b.LockEnabled || b.BID != bucket {
		t.Fatalf("bucket: %+v", b)
	}
	if st, err := c.RGW.Users.Get(ctx, "", uid, true); err != nil || st.Stats == nil || st.Stats.NumObjects != 1 {
		t.Fatalf("user stats right after the PUT: %v %+v", err, st)
	}
	if err := c.RGW.Buckets.Delete(ctx, "", bucket, false); ceph.CodeOf(err) != ceph.FailedPrecondition {
		t.Fatalf("Delete(non-empty) = %v, want FailedPrecondition", err)
	}
	if err := c.RGW.Buckets.Update(ctx, "", bucket, rgw.BucketUpdate{BucketID: b.ID, UID: uid, VersioningState: rgw.VersioningEnabled}); err != nil {
		t.Fatal(err)
	}
	if b, err = c.RGW.Buckets.Get(ctx, "", bucket); err != nil || b.Versioning != rgw.VersioningEnabled {
		t.Fatalf("versioning after update: %v %+v", err, b)
	}
	if _, err := c.RGW.Buckets.Encryption(ctx, "", bucket, uid); err == nil {
		t.Logf("bucket encryption answered")
	} else if code := ceph.CodeOf(err); code != ceph.Unimplemented && code != ceph.NotFound {
		t.Fatalf("Encryption = %v", err)
	}
	if path, err := exec.LookPath("radosgw-admin"); err == nil {
		out, err := exec.CommandContext(ctx, path, "-c", os.Getenv("CEPH_CONF"), "user", "info", "--uid", uid).CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"user_id": "`+uid+`"`) {
			t.Fatalf("radosgw-admin user info: %v\n%s", err, out)
		}
	}
	ids, err := c.RGW.Users.List(ctx, "")
	if err != nil || !contains(ids, uid) {
		t.Fatalf("users %v: %v", ids, err)
	}
	if _, err := c.RGW.Users.Roles(ctx, ""); err != nil {
		t.Fatalf("Roles: %v", err)
	}
	if p, err := c.RGW.Site.PlacementTargets(ctx, ""); err != nil || len(p.Targets) == 0 {
		t.Fatalf("placement: %+v %v", p, err)
	}
	if _, err := c.RGW.Site.Realms(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestRealRGWManage(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)
	if ds, err := c.RGW.Daemons.List(ctx); err != nil || len(ds) == 0 {
		t.Skipf("no radosgw: %v", err)
	}
	suffix := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	a, b2, bucket := "rd-ma-"+suffix, "rd-mb-"+suffix, "rd-lock-"+suffix
	for _, uid := range []string{a, b2} {
		if _, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: uid}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		_ = c.RGW.Buckets.Delete(ctx, "", bucket, true)
		for _, uid := range []string{a, b2} {
			if err := c.RGW.Users.Delete(ctx, "", uid); err != nil {
				t.Errorf("cleanup %s: %v", uid, err)
			}
		}
	})
	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: bucket, UID: a, Zonegroup: "default", PlacementTarget: "default-placement",
		LockEnabled: true, LockMode: rgw.LockGovernance, LockRetentionPeriodDays: 1}); err != nil {
		t.Fatal(err)
	}
	bk, err := c.RGW.Buckets.Get(ctx, "", bucket)
	if err != nil {
		t.Fatal(err)
	}
	if !*bk.LockEnabled || bk.LockMode != rgw.LockGovernance || *bk.LockRetentionPeriodDays != 1 || bk.Versioning != rgw.VersioningEnabled {
		t.Fatalf("locked bucket: %+v", bk)
	}
	err = c.RGW.Buckets.Update(ctx, "", bucket, rgw.BucketUpdate{BucketID: bk.ID, UID: a, VersioningState: rgw.VersioningSuspended})
	if ceph.CodeOf(err) != ceph.FailedPrecondition {
		t.Fatalf("suspend on a locked bucket = %v", err)
	}
	// owner change
	if err := c.RGW.Buckets.Update(ctx, "", bucket, rgw.BucketUpdate{BucketID: bk.ID, UID: b2, LockMode: rgw.LockCompliance, LockRetentionPeriodYears: 1}); err != nil {
		t.Fatal(err)
	}
	if bk, err = c.RGW.Buckets.Get(ctx, "", bucket); err != nil || bk.Owner != b2 || bk.LockMode != rgw.LockCompliance {
		t.Fatalf("after owner change: %v %+v", err, bk)
	}
	if names, err := c.RGW.Buckets.Names(ctx, "", b2); err != nil || !contains(names, bucket) {
		t.Fatalf("names of %s: %v %v", b2, names, err)
	}
	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: bucket, UID: a}); ceph.CodeOf(err) != ceph.AlreadyExists {
		t.Fatalf("another owner's bucket = %v, want AlreadyExists", err)
	}
	// caps, keys, quotas, subusers
	caps, err := c.RGW.Users.AddCapability(ctx, "", a, rgw.Capability{Type: "usage", Perm: "read"})
	if err != nil || len(caps) != 1 {
		t.Fatalf("caps %v %v", caps, err)
	}
	if caps, err = c.RGW.Users.RemoveCapability(ctx, "", a, rgw.Capability{Type: "usage", Perm: "read"}); err != nil || len(caps) != 0 {
		t.Fatalf("caps %v %v", caps, err)
	}
	keys, err := c.RGW.Users.CreateKey(ctx, "", a, rgw.KeyCreate{Generate: true})
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %v %v", len(keys), err)
	}
	if err := c.RGW.Users.DeleteKey(ctx, "", a, rgw.KeyDelete{AccessKey: keys[1].AccessKey}); err != nil {
		t.Fatal(err)
	}
	if err := c.RGW.Users.SetQuota(ctx, "", a, rgw.QuotaUpdate{Type: rgw.QuotaUser, Enabled: true, MaxSizeKB: 1024, MaxObjects: 10}); err != nil {
		t.Fatal(err)
	}
	if err := c.RGW.Users.SetQuota(ctx, "", a, rgw.QuotaUpdate{Type: rgw.QuotaBucket, Enabled: true, MaxSizeKB: -1, MaxObjects: 5}); err != nil {
		t.Fatal(err)
	}
	q, err := c.RGW.Users.Quotas(ctx, "", a)
	if err != nil || !q.UserQuota.Enabled || q.UserQuota.MaxObjects != 10 || q.BucketQuota.MaxObjects != 5 {
		t.Fatalf("quotas %+v %v", q, err)
	}
	subs, err := c.RGW.Users.CreateSubuser(ctx, "", a, rgw.SubuserCreate{Subuser: "sw", Access: "read", KeyType: rgw.KeySwift, GenerateSecret: true})
	if err != nil || len(subs) != 1 || subs[0].ID != a+":sw" {
		t.Fatalf("subusers %+v %v", subs, err)
	}
	if err := c.RGW.Users.DeleteSubuser(ctx, "", a, "sw", true); err != nil {
		t.Fatal(err)
	}
	if err := c.RGW.Users.DeleteSubuser(ctx, "", a, "sw", true); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("delete missing subuser = %v", err)
	}
	email := "rd-" + suffix + "@example.com"
	if _, err := c.RGW.Users.Update(ctx, "", a, rgw.UserUpdate{Email: &email}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RGW.Users.Update(ctx, "", b2, rgw.UserUpdate{Email: &email}); ceph.CodeOf(err) != ceph.AlreadyExists {
		t.Fatalf("taken e-mail = %v", err)
	}
	if emails, err := c.RGW.Users.Emails(ctx, ""); err != nil || !contains(emails, email) {
		t.Fatalf("emails %v %v", emails, err)
	}
	if _, err := c.RGW.Users.Get(ctx, "", "rd-no-such-user", true); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("missing user = %v", err)
	}
	if err := c.RGW.Users.Delete(ctx, "", b2); ceph.CodeOf(err) != ceph.FailedPrecondition {
		t.Fatalf("delete a bucket owner = %v, want FailedPrecondition", err)
	}
	if err := c.RGW.Users.DeleteKey(ctx, "", a, rgw.KeyDelete{AccessKey: "RDNOSUCHKEY"}); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("delete a missing key = %v, want NotFound", err)
	}
	if _, err := c.RGW.Users.CreateKey(ctx, "", b2, rgw.KeyCreate{AccessKey: keys[0].AccessKey, SecretKey: "rd-secret"}); ceph.CodeOf(err) != ceph.AlreadyExists {
		t.Fatalf("another user's key = %v, want AlreadyExists", err)
	}
	if err := c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: bucket, UID: b2}); err != nil {
		t.Fatalf("creating a bucket the owner has = %v, want success", err)
	}
	if err := c.RGW.Users.Delete(ctx, "", "dashboard"); ceph.CodeOf(err) != ceph.Busy {
		t.Fatalf("delete own user = %v", err)
	}
	if _, err := c.RGW.Site.DefaultRealm(ctx, ""); err != nil && ceph.CodeOf(err) != ceph.NotFound {
		t.Fatal(err)
	}
	if err := c.RGW.Buckets.DeleteEncryption(ctx, "", bucket, b2); ceph.CodeOf(err) != ceph.Unimplemented {
		t.Fatalf("DeleteEncryption = %v", err)
	}
	if _, err := c.RGW.Buckets.Get(ctx, "", bucket); err != nil {
		t.Fatalf("bucket gone after DeleteEncryption: %v", err)
	}
}

func TestParseFrontend(t *testing.T) {
	for _, tc := range []struct {
		in   string
		port int
		ssl  bool
	}{
		{"beast endpoint=127.0.0.1:24081", 24081, false},
		{"beast port=8080", 8080, false},
		{"beast ssl_port=443 ssl_certificate=/x", 443, true},
		{"beast ssl_endpoint=[::1]", 443, true},
		{"beast endpoint=10.0.0.1", 80, false},
		{"civetweb port=7480", 7480, false},
		{"civetweb port=127.0.0.1:8443s", 8443, true},
	} {
		port, ssl, err := parseFrontend(tc.in)
		if err != nil || port != tc.port || ssl != tc.ssl {
			t.Errorf("parseFrontend(%q) = %d %v %v, want %d %v", tc.in, port, ssl, err, tc.port, tc.ssl)
		}
	}
	if _, _, err := parseFrontend("loadgen"); err == nil {
		t.Errorf("parseFrontend(loadgen) succeeded")
	}
}

func TestRealRGWCredentials(t *testing.T) {
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster to test against (see scripts/test-real)")
	}
	ctx := testCtx(t)
	c := realClient(t)
	endpoint := rgwEndpoint(ctx, t, c)
	bad, err := New(ctx, Config{ConfFile: conf}, WithRGW(endpoint, "rd-no-such-key", "rd-wrong-secret"), WithRGWTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err := bad.RGW.Daemons.List(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = bad.RGW.Users.List(ctx, "")
	if ceph.CodeOf(err) != ceph.PermissionDenied {
		t.Fatalf("wrong keys: %v, want PermissionDenied", err)
	}
	down, err := New(ctx, Config{ConfFile: conf}, WithRGW("http://127.0.0.1:1", "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	if _, err := down.RGW.Users.List(ctx, ""); ceph.CodeOf(err) != ceph.Unavailable {
		t.Fatalf("no gateway: %v, want Unavailable", err)
	}
}

func TestRealRGWDaemonStatus(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)
	ds, err := c.RGW.Daemons.List(ctx)
	if err != nil || len(ds) == 0 {
		t.Skipf("no radosgw: %v", err)
	}
	info, err := c.RGW.Daemons.Get(ctx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != ds[0].ID || info.Metadata["id"] != ds[0].ID || info.Status == nil {
		t.Fatalf("info: %+v", info)
	}
	t.Logf("status: %v", info.Status)
}

func TestRealRGWEncryption(t *testing.T) {
	c := realClient(t)
	ctx := testCtx(t)
	ds, err := c.RGW.Daemons.List(ctx)
	if err != nil || len(ds) == 0 {
		t.Skipf("no radosgw: %v", err)
	}
	if !strings.HasPrefix(ds[0].Version, "ceph version 16.") {
		t.Skipf("radosgw %s: the 16.2 answers are checked here", ds[0].Version)
	}
	suffix := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	uid, bucket := "rd-enc-"+suffix, "rd-enc-"+suffix
	if _, err := c.RGW.Users.Create(ctx, "", rgw.UserCreate{UID: uid, DisplayName: uid}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		_ = c.RGW.Buckets.Delete(ctx, "", bucket, true)
		if err := c.RGW.Users.Delete(ctx, "", uid); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	err = c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: bucket, UID: uid, EncryptionState: true, EncryptionType: "AES256"})
	if ceph.CodeOf(err) != ceph.Unimplemented || !strings.Contains(err.Error(), "PutBucketEncryption") {
		t.Fatalf("Create with encryption = %v", err)
	}
	if _, err := c.RGW.Buckets.Get(ctx, "", bucket); ceph.CodeOf(err) != ceph.NotFound {
		t.Fatalf("a refused bucket was made: %v", err)
	}

	// the KMS settings live in the cluster configuration of client.rgw
	before, err := c.RGW.Buckets.EncryptionConfig(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 0 {
		t.Skipf("the cluster has KMS settings already (%v): not touching them", before)
	}
	t.Cleanup(func() {
		for _, n := range []string{"rgw_crypt_s3_kms_backend", "rgw_crypt_vault_addr", "rgw_crypt_vault_auth", "rgw_crypt_vault_secret_engine"} {
			_ = c.Config.Delete(context.Background(), n, "client.rgw")
		}
	})
	kc := rgw.KMSConfig{EncryptionType: "aws:kms", KMSProvider: "vault", AuthMethod: "token", SecretEngine: "kv", Address: "http://127.0.0.1:8200"}
	if err := c.RGW.Buckets.SetEncryptionConfig(ctx, "", kc); err != nil {
		t.Fatal(err)
	}
	got, err := c.RGW.Buckets.EncryptionConfig(ctx, "", "")
	if err != nil || len(got["SSE_KMS"]) != 1 || got["SSE_KMS"][0].Address != kc.Address || got["SSE_KMS"][0].AuthMethod != "token" {
		t.Fatalf("EncryptionConfig = %+v, %v", got, err)
	}
	err = c.RGW.Buckets.SetEncryptionConfig(ctx, "", rgw.KMSConfig{EncryptionType: "AES256", KMSProvider: "vault", Address: "http://127.0.0.1:8200"})
	if ceph.CodeOf(err) != ceph.Unimplemented {
		t.Fatalf("SSE-S3 settings on 16.2 = %v", err)
	}
}
