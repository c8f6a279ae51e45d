package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/httpapi/ops"
)

// TestDecodeFromTable: requests are decoded and checked as the operation
// table describes them, for every operation alike.
func TestDecodeFromTable(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		r      req
		status int
		detail string
	}{
		{"required query missing", req{method: "DELETE", path: "/api/cluster_conf/osd_pool_default_size"}, 400, "Missing parameters: section"},
		{"required query empty", req{method: "DELETE", path: "/api/cluster_conf/osd_pool_default_size?section="}, 400, "Missing parameters: section"},
		{"integer query", req{method: "GET", path: "/api/block/image?offset=x", accept: V2.MediaType()}, 400, `'offset': "x" is not an integer`},
		{"empty integer query is absent (the fixture has no RBD)", req{method: "GET", path: "/api/block/image?offset=", accept: V2.MediaType()}, 501, ""},
		{"null is missing", req{method: "POST", path: "/api/pool", body: `{"pool":null,"pg_num":8,"pool_type":"replicated"}`}, 400, "Missing parameters: pool"},
		{"unknown fields in order", req{method: "POST", path: "/api/pool", body: `{"zz":1,"pool":"a","aa":2}`}, 400, "Unexpected body parameters: zz, aa"},
		{"array field", req{method: "PUT", path: "/api/osd/flags", body: `{"flags":"noout"}`}, 400, "Invalid type for parameter 'flags': got JSON string, want array"},
		{"nested type", req{method: "POST", path: "/api/cluster_conf", body: `{"name":"x","value":[{"section":1}]}`}, 400, "Invalid type for parameter 'value.section'"},
		{"no body fields, strict", req{method: "POST", path: "/api/mgr/module/telemetry/enable", body: `{"x":1}`}, 400, "Unexpected body parameters: x"},
		{"empty body is no fields", req{method: "POST", path: "/api/pool", body: `   `}, 400, "Missing parameters: pool, pg_num, pool_type"},
		{"null body is no fields", req{method: "POST", path: "/api/pool", body: `null`}, 400, "Missing parameters: pool, pg_num, pool_type"},
		{"string body", req{method: "POST", path: "/api/pool", body: `"pool"`}, 400, "must be a JSON object"},
		{"bodies of reads are ignored", req{method: "GET", path: "/api/pool", body: `{"x":1}`}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.token = f.admin
			w := f.do(tc.r)
			if w.Code != tc.status {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if tc.detail != "" {
				if e := decodeError(t, w); !strings.Contains(e.Detail, tc.detail) {
					t.Errorf("detail %q, want %q", e.Detail, tc.detail)
				}
			}
		})
	}
}

// TestTaskMetadataFromTable: a task's metadata comes from the request as
// the row names it; an absent field is null.
func TestTaskMetadataFromTable(t *testing.T) {
	f := newFixture(t, WithTaskWait(0))
	f.pools.gate = make(chan struct{})
	defer close(f.pools.gate)
	w := f.do(req{method: "POST", path: "/api/pool", token: f.admin, body: `{"pool":"held","pg_num":8,"pool_type":"replicated"}`})
	if w.Code != 202 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var got struct {
		Name     string         `json:"name"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "pool/create" || len(got.Metadata) != 1 || got.Metadata["pool_name"] != "held" {
		t.Errorf("202 body %s", w.Body)
	}
	waitFor(t, "the task to be listed", func() bool { return len(f.srv.tasks.list("pool/create", nil).Executing) == 1 })
}

// TestTaskMetadataNested: a metadata key may name a field of a body
// object (the dashboard's '{fsal.name}').
func TestTaskMetadataNested(t *testing.T) {
	rt := newRoute(ops.NFSExportCreate.Operation, nil)
	c := &call{route: &rt, r: httptest.NewRequest("POST", "/api/nfs-ganesha/export", nil),
		body: map[string]json.RawMessage{"path": json.RawMessage(`"/x"`), "fsal": json.RawMessage(`{"name":"CEPH"}`)}}
	got := c.taskMeta()
	if got["path"] != "/x" || got["fsal"] != "CEPH" || got["cluster_id"] != nil || len(got) != 3 {
		t.Errorf("metadata %v", got)
	}
}
