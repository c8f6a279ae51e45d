package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/rgw"
)

// fakeRGW records what the rgw bindings pass on.
type fakeRGW struct {
	rgw.UnimplementedUsers
	create   rgw.UserCreate
	purge    *bool
	bucketGW string
}

func (f *fakeRGW) Create(_ context.Context, _ string, u rgw.UserCreate) (*rgw.User, error) {
	f.create = u
	return &rgw.User{UID: u.UID, Keys: []rgw.Key{{User: u.UID, AccessKey: "A", SecretKey: "S"}}}, nil
}

func (f *fakeRGW) Get(_ context.Context, _, uid string, _ bool) (*rgw.User, error) {
	return &rgw.User{UID: uid, Keys: []rgw.Key{{User: uid, AccessKey: "A", SecretKey: "S"}}}, nil
}

type fakeBuckets struct {
	rgw.UnimplementedBuckets
	f *fakeRGW
}

func (b fakeBuckets) Delete(_ context.Context, gw, _ string, purge bool) error {
	b.f.purge, b.f.bucketGW = &purge, gw
	return nil
}

func TestRGWParameters(t *testing.T) {
	f := &fakeRGW{}
	fx := newFixtureWith(t, cephapi.New(&cephapi.Client{Health: fakeHealth{},
		RGW: cephapi.RGW{Users: f, Buckets: fakeBuckets{f: f}}}), nil)
	for _, c := range []struct {
		name         string
		method, path string
		body         string
		status       int
		detail       string
	}{
		{"JSON numbers and booleans", "POST", "/api/rgw/user", `{"uid":"u2","display_name":"U","suspended":false,"generate_key":true,"max_buckets":7}`, 201, ""},
		{"numeric quota (decoded; the fake has no quotas)", "PUT", "/api/rgw/user/u2/quota", `{"quota_type":"user","enabled":true,"max_size_kb":1024,"max_objects":10}`, 501, "Users.SetQuota"},
		{"string booleans", "POST", "/api/rgw/user", `{"uid":"u1","display_name":"U","suspended":"true","generate_key":"false","max_buckets":"7"}`, 201, ""},
		{"object for a string", "POST", "/api/rgw/user", `{"uid":"u3","display_name":{"a":1}}`, 400, "display_name"},
		{"bad boolean", "POST", "/api/rgw/user", `{"uid":"u1","display_name":"U","suspended":"maybe"}`, 400, "suspended"},
		{"bad integer", "POST", "/api/rgw/user", `{"uid":"u1","display_name":"U","max_buckets":"many"}`, 400, "max_buckets"},
		{"missing display_name", "POST", "/api/rgw/user", `{"uid":"u1"}`, 400, "Missing parameters: display_name"},
		{"missing quota fields", "PUT", "/api/rgw/user/u1/quota", `{"quota_type":"user"}`, 400, "Missing parameters"},
		{"missing cap perm", "DELETE", "/api/rgw/user/u1/capability?type=users", "", 400, "Missing parameters: perm"},
		{"purge_objects false", "DELETE", "/api/rgw/bucket/bk1?purge_objects=false&daemon_name=x", "", 204, ""},
		{"bad purge_objects", "DELETE", "/api/rgw/bucket/bk1?purge_objects=perhaps", "", 400, "purge_objects"},
		{"bad stats", "GET", "/api/rgw/bucket?stats=perhaps", "", 400, "stats"},
		{"site without query", "GET", "/api/rgw/site", "", 501, "Not Implemented"},
	} {
		w := fx.do(req{method: c.method, path: c.path, body: c.body, token: fx.admin, accept: acceptFor(c.path)})
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.detail) {
			t.Errorf("%s: %d %s (want %d with %q)", c.name, w.Code, w.Body, c.status, c.detail)
		}
	}
	if f.create.Suspended == nil || !*f.create.Suspended || f.create.GenerateKey == nil || *f.create.GenerateKey ||
		f.create.MaxBuckets == nil || *f.create.MaxBuckets != 7 {
		t.Errorf("create got %+v", f.create)
	}
	if f.purge == nil || *f.purge || f.bucketGW != "x" {
		t.Errorf("delete got purge %v gw %q", f.purge, f.bucketGW)
	}
}

func acceptFor(path string) string {
	if strings.HasPrefix(path, "/api/rgw/bucket?") {
		return "application/vnd.ceph.api.v1.1+json"
	}
	return v1
}

// TestRGWUserKeysNeedWrite: a caller with only read on rgw gets no keys.
func TestRGWUserKeysNeedWrite(t *testing.T) {
	f := &fakeRGW{}
	fx := newFixtureWith(t, cephapi.New(&cephapi.Client{Health: fakeHealth{}, RGW: cephapi.RGW{Users: f}}), nil)
	for _, c := range []struct {
		token string
		keys  bool
	}{{fx.admin, true}, {fx.login("reader", "reader-pw"), false}} {
		w := fx.do(req{method: "GET", path: "/api/rgw/user/u1", token: c.token})
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		_, has := m["keys"]
		_, swift := m["swift_keys"]
		if has != c.keys || swift != c.keys || m["uid"] != "u1" {
			t.Errorf("keys allowed %v: %s", c.keys, w.Body)
		}
	}
}
