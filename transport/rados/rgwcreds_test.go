//go:build rados

package rados

import (
	"context"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
)

const fakeRGWServiceDump = `{"services":{"rgw":{"daemons":{"summary":"","4149":{"gid":4149,"addr":"127.0.0.1:0/256592767",
"metadata":{"id":"x","frontend_config#0":"beast endpoint=127.0.0.1:24081","hostname":"vm","realm_name":"r1",
"zonegroup_name":"default","zone_name":"default","ceph_version":"ceph version 16.2.15"}}}}}}`

func fakeGateway(t *testing.T, keys map[string]fakeReply) *gateway {
	r, f := newTestRunner(t)
	f.answers["service dump"] = fakeReply{out: []byte(fakeRGWServiceDump)}
	f.answers["config get client.rgw.x"] = fakeReply{out: []byte(`""`)}
	for k, v := range keys {
		f.answers[k] = v
	}
	return newGateway(r, Config{})
}

func TestRGWNoCredentials(t *testing.T) {
	g := fakeGateway(t, map[string]fakeReply{"config-key get": {err: errnoErr(-2), status: "Error ENOENT"}})
	ctx := context.Background()
	ds, err := rgwDaemons{g: g}.List(ctx)
	if err != nil || len(ds) != 1 || ds[0].ID != "x" || !ds[0].Default || ds[0].ServiceMapID != "4149" {
		t.Fatalf("List = %+v, %v", ds, err)
	}
	_, err = rgwUsers{g: g}.List(ctx, "")
	if ceph.CodeOf(err) != ceph.Unavailable || !strings.Contains(err.Error(), "ceph dashboard set-rgw-credentials") {
		t.Fatalf("Users.List without keys = %v", err)
	}
	if _, err := (rgwDaemons{g: g}).Get(ctx, "y"); ceph.CodeOf(err) != ceph.NotFound || !strings.Contains(err.Error(), "Service rgw y is not available") {
		t.Fatalf("Get(y) = %v", err)
	}
}

func TestRGWKeysByRealm(t *testing.T) {
	// the fake answers every config-key get alike: access and secret are
	// the same JSON object here
	g := fakeGateway(t, map[string]fakeReply{"config-key get": {out: []byte(`{"r1": "AK1", "r2": "AK2"}`)}})
	c, err := g.conn(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.access != "AK1" || c.endpoint != "http://127.0.0.1:24081" {
		t.Fatalf("conn: access %q endpoint %q", c.access, c.endpoint)
	}
	g = fakeGateway(t, map[string]fakeReply{"config-key get": {out: []byte(`{"r2": "AK2"}`)}})
	if _, err := g.conn(context.Background(), ""); ceph.CodeOf(err) != ceph.Unavailable || !strings.Contains(err.Error(), `realm "r1"`) {
		t.Fatalf("no key for the realm: %v", err)
	}
}

func TestRGWTransportErrorHidesSecrets(t *testing.T) {
	g := fakeGateway(t, nil)
	g.endpoint, g.access, g.secret = "http://127.0.0.1:1", "AK", "SK"
	_, err := rgwUsers{g: g}.Create(context.Background(), "", rgwUserCreateWithSecret)
	if ceph.CodeOf(err) != ceph.Unavailable || strings.Contains(err.Error(), "rd-top-secret") {
		t.Fatalf("Create on a dead gateway = %v", err)
	}
}

var rgwUserCreateWithSecret = rgw.UserCreate{UID: "rd-x", DisplayName: "x", AccessKey: "rd-ak", SecretKey: "rd-top-secret"}
