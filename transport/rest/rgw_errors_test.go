package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
)

// A 16.2.15 dashboard's detail for an RGW error: RGW's JSON answer in a
// Python bytes repr, split over lines where it is long.
const (
	noSuchUserSplit = "b'{\"Code\":\"NoSu'\n b'chUser\",\"RequestId\":\"tx0000a-0066\",\"HostId\":\"1234-default-default\"}'"
	bucketExists    = "b'{\"Code\":\"BucketAlreadyExists\",\"RequestId\":\"tx0000b\",\"HostId\":\"'\n b'1234-default-default\"}'"
)

func TestRGWCodeIn(t *testing.T) {
	for _, tc := range []struct{ detail, want string }{
		{noSuchUserSplit, "NoSuchUser"},
		{bucketExists, "BucketAlreadyExists"},
		{`b'{"Code":"NoSuchKey","RequestId":"tx1"}'`, "NoSuchKey"},
		{"b'{\"Code\":\"EmailE'\n   b'xists\"}'", "EmailExists"},
		{`{"Code": "KeyExists"}`, "KeyExists"},
		{"b'{\"Code\":\"InvalidAccessK'\n b'eyId\",\"RequestId\":\"tx2\"}'", "InvalidAccessKeyId"},
		{"error: NoSuchSubUser for uid", "NoSuchSubUser"},
		{"NoSuchUserX is not a code", ""},
		{"Service rgw nope is not available", ""},
		{"", ""},
	} {
		if got := rgwCodeIn(tc.detail); got != tc.want {
			t.Errorf("rgwCodeIn(%q) = %q, want %q", tc.detail, got, tc.want)
		}
	}
}

func TestRGWClassify(t *testing.T) {
	const none = ceph.Code(-1)
	for _, tc := range []struct {
		name   string
		kind   rgwOp
		status int
		wire   string
		detail string
		want   ceph.Code
	}{
		{"get missing user", rgwPlain, 500, "", noSuchUserSplit, ceph.NotFound},
		{"delete missing user", rgwUserDelete, 400, "", noSuchUserSplit, ceph.NotFound},
		{"missing bucket", rgwPlain, 500, "", `b'{"Code":"NoSuchBucket"}'`, ceph.NotFound},
		{"missing subuser", rgwPlain, 500, "", `b'{"Code":"NoSuchSubUser"}'`, ceph.NotFound},
		{"user exists", rgwPlain, 500, "", `b'{"Code":"UserAlreadyExists"}'`, ceph.AlreadyExists},
		{"email exists", rgwPlain, 500, "", `b'{"Code":"EmailExists"}'`, ceph.AlreadyExists},
		{"key exists", rgwPlain, 500, "", `b'{"Code":"KeyExists"}'`, ceph.AlreadyExists},
		{"bucket exists on create", rgwPlain, 500, "", bucketExists, ceph.AlreadyExists},
		{"user delete owning buckets", rgwUserDelete, 400, "", bucketExists, ceph.FailedPrecondition},
		{"system user delete", rgwUserDelete, 400, "", `Unable to delete "dashboard" - this user account is required for managing the Object Gateway`, ceph.Busy},
		{"key delete unknown key", rgwKeyDelete, 500, "", `b'{"Code":"InvalidAccessKeyId"}'`, ceph.NotFound},
		// Elsewhere it is what RGW means by it: the dashboard's own key is refused.
		{"InvalidAccessKeyId elsewhere", rgwPlain, 500, "", `b'{"Code":"InvalidAccessKeyId"}'`, ceph.PermissionDenied},
		{"roles on 16.2.15", rgwNewer, 500, "", noSuchUserSplit, ceph.Unimplemented},
		{"encryption on 16.2.15", rgwNewer, 500, "", `b'{"Code":"NoSuchBucket"}'`, ceph.Unimplemented},
		{"encryption not set (17)", rgwNewer, 500, "", `b'{"Code":"ServerSideEncryptionConfigurationNotFoundError"}'`, ceph.NotFound},
		{"newer op, bad input", rgwNewer, 400, "", "bad", none},
		{"our server: bucket not empty", rgwPlain, 400, "BucketNotEmpty", "The bucket is not empty.", ceph.FailedPrecondition},
		{"our server: buckets exist", rgwUserDelete, 400, "BucketsExist", `User "u" still owns buckets.`, ceph.FailedPrecondition},
		{"missing daemon", rgwPlain, 404, "", "Service rgw nope is not available", none},
		{"unknown 500", rgwPlain, 500, "", "something broke", none},
	} {
		code, _, ok := rgwClassify(tc.kind, tc.status, tc.wire, tc.detail)
		if !ok {
			code = none
		}
		if code != tc.want {
			t.Errorf("%s: code %v, want %v", tc.name, code, tc.want)
		}
	}
}

// TestRGWRealDashboardErrors sends calls to a stub that answers as a
// 16.2.15 dashboard does, and checks the codes the client returns.
func TestRGWRealDashboardErrors(t *testing.T) {
	answers := map[string]struct {
		status int
		body   any
	}{
		"GET /api/rgw/user/gone":                  {500, map[string]any{"detail": noSuchUserSplit, "code": "500", "component": "rgw"}},
		"DELETE /api/rgw/user/gone":               {400, map[string]any{"detail": noSuchUserSplit, "component": "rgw"}},
		"DELETE /api/rgw/user/owner":              {400, map[string]any{"detail": bucketExists, "component": "rgw"}},
		"DELETE /api/rgw/user/u/key":              {500, map[string]any{"detail": `b'{"Code":"InvalidAccessKeyId"}'`, "component": "rgw"}},
		"GET /api/rgw/user/roles":                 {500, map[string]any{"detail": noSuchUserSplit, "component": "rgw"}},
		"GET /api/rgw/daemon/nope":                {404, map[string]any{"detail": "Service rgw nope is not available", "status": "404 Not Found"}},
		"GET /api/rgw/site":                       {404, map[string]any{"detail": "Default realm not found.", "status": "404 Not Found"}},
		"GET /api/rgw/bucket/getEncryptionConfig": {500, map[string]any{"detail": `b'{"Code":"NoSuchBucket"}'`, "component": "rgw"}},
		"POST /api/rgw/bucket":                    {201, nil},
		"PUT /api/rgw/user/u/quota":               {200, ""},
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/auth" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"token":"t"}`))
			return
		}
		a, ok := answers[r.Method+" "+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_ = json.NewEncoder(w).Encode(a.body)
	}))
	defer ts.Close()
	c, err := New(ts.URL, WithCredentials("u", "p"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	is := func(name string, err error, want ceph.Code) {
		t.Helper()
		if want == ceph.Unknown {
			if err != nil {
				t.Errorf("%s: %v, want no error", name, err)
			}
			return
		}
		if !errors.Is(err, &ceph.Error{Code: want}) {
			t.Errorf("%s: %v, want code %v", name, err, want)
		}
	}
	_, err = c.RGW.Users.Get(ctx, "", "gone", false)
	is("Users.Get(gone)", err, ceph.NotFound)
	is("Users.Delete(gone)", c.RGW.Users.Delete(ctx, "", "gone"), ceph.NotFound)
	is("Users.Delete(owner)", c.RGW.Users.Delete(ctx, "", "owner"), ceph.FailedPrecondition)
	is("DeleteKey", c.RGW.Users.DeleteKey(ctx, "", "u", rgw.KeyDelete{Type: rgw.KeyS3, AccessKey: "AK"}), ceph.NotFound)
	_, err = c.RGW.Users.Roles(ctx, "")
	is("Roles", err, ceph.Unimplemented)
	_, err = c.RGW.Daemons.Get(ctx, "nope")
	is("Daemons.Get(nope)", err, ceph.NotFound)
	_, err = c.RGW.Site.DefaultRealm(ctx, "")
	is("DefaultRealm", err, ceph.NotFound)
	_, err = c.RGW.Buckets.EncryptionConfig(ctx, "", "")
	is("EncryptionConfig", err, ceph.Unimplemented)
	is("Buckets.Create", c.RGW.Buckets.Create(ctx, "", rgw.BucketCreate{Bucket: "bkt", UID: "u"}), ceph.Unknown)
	is("SetQuota", c.RGW.Users.SetQuota(ctx, "", "u", rgw.QuotaUpdate{Type: rgw.QuotaUser, Enabled: true, MaxSizeKB: 1, MaxObjects: 1}), ceph.Unknown)
}
