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
)

// rgwEndpoint is the gateway the tests put objects through: CEPH_RGW_URL,
// else the default daemon's frontend on its service map address.
func rgwEndpoint(ctx context.Context, t *testing.T, c *cephapi.Client) string {
	t.Helper()
	if u := os.Getenv("CEPH_RGW_URL"); u != "" {
		return u
	}
	ds, err := c.RGW.Daemons.List(ctx)
	if err != nil || len(ds) == 0 {
		t.Skipf("no radosgw: %v", err)
	}
	info, err := c.RGW.Daemons.Get(ctx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	port, ssl, err := parseFrontend(info.Metadata["frontend_config#0"])
	if err != nil {
		t.Skip(err)
	}
	scheme := "http"
	if ssl {
		scheme = "https"
	}
	return scheme + "://" + info.Metadata["hostname"] + ":" + strconv.Itoa(port)
}

// rgwPut is the conformance suite's object putter: a PUT signed with the
// bucket owner's S3 key.
func rgwPut(c *cephapi.Client, endpoint string) func(ctx context.Context, uid, bucket, key string, body []byte) error {
	return func(ctx context.Context, uid, bucket, key string, body []byte) error {
		u, err := c.RGW.Users.Get(ctx, "", uid, false)
		if err != nil {
			return err
		}
		if len(u.Keys) == 0 {
			return fmt.Errorf("user %s has no S3 key", uid)
		}
		return s3put.Put(ctx, nil, endpoint, bucket, key, body, u.Keys[0].AccessKey, u.Keys[0].SecretKey)
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
