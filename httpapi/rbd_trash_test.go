package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/memory"
)

// TestRBDTrashOverMemory drives the trash endpoints over the memory model:
// the statuses of the table, the dashboard's per-pool list, restore under
// the old name, the deferment, the purge.
func TestRBDTrashOverMemory(t *testing.T) {
	f := newFixtureWith(t, memory.New(), nil, WithTaskWait(5*time.Second))
	step := func(method, path, body string, status int) string {
		t.Helper()
		w := f.do(req{method: method, path: path, body: body, token: f.admin})
		if w.Code != status {
			t.Fatalf("%s %s: %d %s, want %d", method, path, w.Code, w.Body, status)
		}
		return w.Body.String()
	}
	step("POST", "/api/pool", `{"pool":"p1","pg_num":8,"pool_type":"replicated","size":1,"application_metadata":["rbd"]}`, 201)
	step("POST", "/api/pool", `{"pool":"p2","pg_num":8,"pool_type":"replicated","size":1,"application_metadata":["rbd"]}`, 201)
	for _, name := range []string{"a", "b"} {
		step("POST", "/api/block/image", `{"name":"`+name+`","pool_name":"p1","size":1048576}`, 201)
	}
	trash := func(query string) []rbdPoolTrash {
		t.Helper()
		var out []rbdPoolTrash
		if err := json.Unmarshal([]byte(step("GET", "/api/block/image/trash"+query, "", 200)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := trash(""); len(got) != 2 || got[0].PoolName != "p1" || got[1].PoolName != "p2" || len(got[0].Value) != 0 || got[0].Value == nil {
		t.Fatalf("empty trash: %+v, want p1 and p2 with no entries", got)
	}

	var img rbd.Image
	_ = json.Unmarshal([]byte(step("GET", "/api/block/image/p1%2Fa", "", 200)), &img)
	step("POST", "/api/block/image/p1%2Fa/move_trash", `{"delay":3600}`, 200)
	step("POST", "/api/block/image/p1%2Fb/move_trash", `{"delay":-1}`, 400)
	step("GET", "/api/block/image/p1%2Fa", "", 404)
	got := trash("?pool_name=p1")
	if len(got) != 1 || got[0].PoolName != "p1" || got[0].Status != 0 || len(got[0].Value) != 1 {
		t.Fatalf("trash of p1: %+v", got)
	}
	e := got[0].Value[0]
	if e.ID != img.ID || e.Name != "a" || e.Source != "USER" || e.PoolName != "p1" || e.Namespace != "" ||
		!strings.HasSuffix(e.DeletionTime, "Z") || !strings.HasSuffix(e.DefermentEndTime, "Z") {
		t.Errorf("entry %+v", e)
	}
	id := url.PathEscape("p1/" + img.ID)

	// Deferred: no removal without force, nor by a purge.
	w := f.do(req{method: "DELETE", path: "/api/block/image/trash/" + id, token: f.admin})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"code":"failed_precondition"`) {
		t.Errorf("remove before the deferment end: %d %s", w.Code, w.Body)
	}
	step("POST", "/api/block/image/trash/purge?pool_name=p1", "", 200)
	if got := trash("?pool_name=p1"); len(got[0].Value) != 1 {
		t.Errorf("the purge removed a deferred entry: %+v", got)
	}

	// Restore under its old name ("" as the dashboard's librbd takes it),
	// then over a taken name.
	step("POST", "/api/block/image/trash/"+id+"/restore", `{"new_image_name":""}`, 200)
	step("GET", "/api/block/image/p1%2Fa", "", 200)
	step("POST", "/api/block/image/trash/"+id+"/restore", `{"new_image_name":"c"}`, 404)
	step("POST", "/api/block/image/p1%2Fa/move_trash", `{}`, 200)
	step("POST", "/api/block/image/trash/"+id+"/restore", `{"new_image_name":"b"}`, 409)
	step("POST", "/api/block/image/trash/"+id+"/restore", `{}`, 400)

	// Delay 0: expired at once, so purged; force removes a deferred one.
	step("POST", "/api/block/image/trash/purge", "", 200)
	if got := trash(""); len(got[0].Value) != 0 {
		t.Errorf("the purge kept an expired entry: %+v", got)
	}
	step("GET", "/api/block/image/p1%2Fb", "", 200)
	var b rbd.Image
	_ = json.Unmarshal([]byte(step("GET", "/api/block/image/p1%2Fb", "", 200)), &b)
	step("POST", "/api/block/image/p1%2Fb/move_trash", `{"delay":60}`, 200)
	step("DELETE", "/api/block/image/trash/"+url.PathEscape("p1/"+b.ID)+"?force=true", "", 204)
	step("DELETE", "/api/block/image/trash/"+url.PathEscape("p1/"+b.ID)+"?force=true", "", 404)
	step("DELETE", "/api/block/image/trash/p1", "", 400)
	step("GET", "/api/block/image/trash?pool_name=nope", "", 404)
}

// TestRBDNamespacesOverMemory: create is 201, list counts the images of
// each namespace, a namespace with images is not deleted, delete is 204.
func TestRBDNamespacesOverMemory(t *testing.T) {
	f := newFixtureWith(t, memory.New(), nil, WithTaskWait(5*time.Second))
	step := func(method, path, body string, status int) string {
		t.Helper()
		w := f.do(req{method: method, path: path, body: body, token: f.admin})
		if w.Code != status {
			t.Fatalf("%s %s: %d %s, want %d", method, path, w.Code, w.Body, status)
		}
		return w.Body.String()
	}
	step("POST", "/api/pool", `{"pool":"p1","pg_num":8,"pool_type":"replicated","size":1,"application_metadata":["rbd"]}`, 201)
	if body := step("GET", "/api/block/pool/p1/namespace", "", 200); strings.TrimSpace(body) != "[]" {
		t.Errorf("no namespaces: %s", body)
	}
	step("POST", "/api/block/image", `{"name":"i","pool_name":"p1","namespace":"ns1","size":1048576}`, 404)
	step("POST", "/api/block/pool/p1/namespace", `{"namespace":"ns1"}`, 201)
	step("POST", "/api/block/pool/p1/namespace", `{"namespace":"ns1"}`, 409)
	step("POST", "/api/block/pool/p1/namespace", `{"namespace":"a/b"}`, 400)
	step("POST", "/api/block/pool/p1/namespace", `{}`, 400)
	step("POST", "/api/block/image", `{"name":"i","pool_name":"p1","namespace":"ns1","size":1048576}`, 201)
	var list []rbd.Namespace
	_ = json.Unmarshal([]byte(step("GET", "/api/block/pool/p1/namespace", "", 200)), &list)
	if len(list) != 1 || list[0] != (rbd.Namespace{Namespace: "ns1", NumImages: 1}) {
		t.Errorf("namespaces: %+v", list)
	}
	step("DELETE", "/api/block/pool/p1/namespace/ns1", "", 400)

	// An image of the namespace in its trash: entry pool/namespace/id.
	var img rbd.Image
	_ = json.Unmarshal([]byte(step("GET", "/api/block/image/p1%2Fns1%2Fi", "", 200)), &img)
	step("POST", "/api/block/image/p1%2Fns1%2Fi/move_trash", `{"delay":0}`, 200)
	if body := step("GET", "/api/block/image/trash?pool_name=p1", "", 200); !strings.Contains(body, `"namespace":"ns1"`) {
		t.Errorf("trash of p1: %s", body)
	}
	step("DELETE", "/api/block/pool/p1/namespace/ns1", "", 400) // its trash is not empty
	step("DELETE", "/api/block/image/trash/"+url.PathEscape("p1/ns1/"+img.ID), "", 204)

	step("DELETE", "/api/block/pool/p1/namespace/ns1", "", 204)
	step("DELETE", "/api/block/pool/p1/namespace/ns1", "", 404)
	step("GET", "/api/block/pool/nope/namespace", "", 404)
}
