package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

func TestLoginAndMinimalHealth(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: "POST", path: "/api/auth", body: `{"username":"admin","password":"admin-pw"}`})
	if w.Code != http.StatusCreated {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	var lr map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &lr); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"token", "username", "permissions", "pwdExpirationDate", "sso", "pwdUpdateRequired"} {
		if _, ok := lr[k]; !ok {
			t.Errorf("login answer lacks %q: %s", k, w.Body)
		}
	}
	if perms := lr["permissions"].(map[string]any); len(perms) != len(auth.Scopes) {
		t.Errorf("administrator permissions: %v", perms)
	}
	if ct := w.Header().Get("Content-Type"); ct != v1 {
		t.Errorf("content type %q", ct)
	}
	ck := w.Result().Cookies()
	if len(ck) != 1 || ck[0].Name != "token" || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].Secure || ck[0].Value != lr["token"] {
		t.Errorf("cookie %+v", ck)
	}

	w = f.do(req{method: "GET", path: "/api/health/minimal", token: lr["token"].(string)})
	if w.Code != http.StatusOK {
		t.Fatalf("health: %d %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != v1 {
		t.Errorf("content type %q", ct)
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"health", "mon_status", "fs_map", "osd_map", "scrub_status", "pg_info", "mgr_map", "pools", "df", "client_perf", "hosts", "rgw", "iscsi_daemons"} {
		if _, ok := h[k]; !ok {
			t.Errorf("minimal health lacks %q", k)
		}
	}
	if string(h["pools"]) != "[{},{}]" {
		t.Errorf("pools = %s", h["pools"])
	}
}

func TestHealthSectionsFollowPermissions(t *testing.T) {
	f := newFixture(t)
	tok := f.login("poolmgr", "pool-pw")
	for _, path := range []string{"/api/health/minimal", "/api/health/full"} {
		w := f.do(req{method: "GET", path: path, token: tok})
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var h map[string]json.RawMessage
		_ = json.Unmarshal(w.Body.Bytes(), &h)
		var keys []string
		for k := range h {
			keys = append(keys, k)
		}
		want := map[string]bool{"health": true, "pools": true, "df": true, "client_perf": true}
		if len(h) != len(want) {
			t.Errorf("%s: pool-manager sees %v", path, keys)
		}
		for k := range want {
			if _, ok := h[k]; !ok {
				t.Errorf("%s: pool-manager misses %q", path, k)
			}
		}
	}
}

func TestBadCredentials(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{
		`{"username":"admin","password":"nope"}`,
		`{"username":"ghost","password":"admin-pw"}`,
		`{"username":"","password":""}`,
	} {
		w := f.do(req{method: "POST", path: "/api/auth", body: body})
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d", body, w.Code)
		}
		e := decodeError(t, w)
		if e.Code != "invalid_credentials" || e.Component == nil || *e.Component != "auth" || e.Detail != "Invalid credentials" {
			t.Errorf("%s: %s", body, w.Body)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Errorf("cookie set on failed login")
		}
	}
	w := f.do(req{method: "POST", path: "/api/auth", body: `{"username":"admin"}`})
	if w.Code != 400 || !strings.Contains(decodeError(t, w).Detail, "password") {
		t.Errorf("missing password: %d %s", w.Code, w.Body)
	}
}

func TestUnauthenticated(t *testing.T) {
	f := newFixture(t)
	for name, r := range map[string]req{
		"no token":      {method: "GET", path: "/api/health/minimal"},
		"garbage token": {method: "GET", path: "/api/health/minimal", token: "garbage"},
		"basic scheme":  {method: "GET", path: "/api/health/minimal", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4tcHc="}},
		"bad cookie":    {method: "GET", path: "/api/osd", header: map[string]string{"Cookie": "token=abc"}},
	} {
		w := f.do(r)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
			continue
		}
		e := decodeError(t, w)
		if e.Detail != "You are not authorized to access that resource" || e.Code != "unauthenticated" || e.Status != "401 Unauthorized" {
			t.Errorf("%s: %s", name, w.Body)
		}
	}
}

func TestReadOnlyUserCannotWrite(t *testing.T) {
	f := newFixture(t)
	tok := f.login("reader", "reader-pw")
	if w := f.do(req{method: "GET", path: "/api/pool", token: tok}); w.Code != 200 {
		t.Fatalf("read: %d %s", w.Code, w.Body)
	}
	for _, r := range []req{
		{method: "POST", path: "/api/pool", body: `{"pool":"p","pg_num":8,"pool_type":"replicated"}`},
		{method: "DELETE", path: "/api/pool/rbd"},
		{method: "PUT", path: "/api/osd/0/mark", body: `{"action":"out"}`},
		{method: "GET", path: "/api/cluster_conf"}, // read-only lacks config-opt
	} {
		r.token = tok
		w := f.do(r)
		if w.Code != http.StatusForbidden {
			t.Errorf("%s %s: %d %s", r.method, r.path, w.Code, w.Body)
			continue
		}
		if e := decodeError(t, w); e.Detail != "You don't have permissions to access that resource" || e.Code != "permission_denied" {
			t.Errorf("%s", w.Body)
		}
	}
	if _, ok := f.pools.pools["p"]; ok {
		t.Error("forbidden create happened")
	}
}

func TestVersionNegotiation(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path, accept string
		status       int
		detail       string
		ctype        string
	}{
		{"/api/health/minimal", "-", 415, "Unable to find version in request header", ""},
		{"/api/health/minimal", "application/json", 415, "Unable to find version in request header", ""},
		{"/api/health/minimal", "*/*", 415, "Unable to find version in request header", ""},
		{"/api/health/minimal", "application/vnd.ceph.api.vX+json", 415, "Unable to find version in request header", ""},
		{"/api/health/minimal", "application/vnd.ceph.api.v9.0+json", 415, "Incorrect version: endpoint is '1.0', client requested '9.0'", ""},
		{"/api/health/minimal", "application/vnd.ceph.api.v1.1+json", 415, "Incorrect version: endpoint is '1.0', client requested '1.1'", ""},
		{"/api/health/minimal", "application/vnd.ceph.api.v0.1+json", 415, "Incorrect version: endpoint is '1.0', client requested '0.1'", ""},
		{"/api/health/minimal", v1, 200, "", v1},
		{"/api/health/minimal", "application/vnd.ceph.api.v1.0+json, */*;q=0.8", 200, "", v1},
		{"/api/osd/settings", v1, 415, "Incorrect version: endpoint is '0.1', client requested '1.0'", ""},
		{"/api/host", v1, 501, "", ""}, // 1.1 serves 1.0
		{"/api/block/image", v1, 415, "Incorrect version: endpoint is '2.0', client requested '1.0'", ""},
		{"/api/block/image", "application/vnd.ceph.api.v2.0+json", 501, "", ""},
	} {
		w := f.do(req{method: "GET", path: tc.path, accept: tc.accept, token: f.admin})
		if w.Code != tc.status {
			t.Errorf("%s %q: %d %s", tc.path, tc.accept, w.Code, w.Body)
			continue
		}
		if tc.detail != "" {
			e := decodeError(t, w)
			if e.Detail != tc.detail || e.Code != "unsupported_version" {
				t.Errorf("%s %q: %s", tc.path, tc.accept, w.Body)
			}
		}
		if tc.ctype != "" && w.Header().Get("Content-Type") != tc.ctype {
			t.Errorf("%s: content type %q", tc.path, w.Header().Get("Content-Type"))
		}
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		r      req
		status int
		detail string
	}{
		{req{method: "POST", path: "/api/pool", body: `{"pool":`}, 400, "Invalid JSON document"},
		{req{method: "POST", path: "/api/pool", body: `not json`}, 400, "Invalid JSON document"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a"} {}`}, 400, "Invalid JSON document"},
		{req{method: "POST", path: "/api/pool", body: `[1,2]`}, 400, "must be a JSON object"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":5,"pg_num":8,"pool_type":"replicated"}`}, 400, "'pool'"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a","pg_num":"eight","pool_type":"replicated"}`}, 400, "invalid integer"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a","pg_num":8,"pool_type":"replicated","bogus":1}`}, 400, "Unexpected body parameters: bogus"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a"}`}, 400, "Missing parameters: pg_num, pool_type"},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a","pg_num":-1,"pool_type":"replicated"}`}, 400, ""},
		{req{method: "POST", path: "/api/pool", body: `{"pool":"a","pg_num":8,"pool_type":"triplicated"}`}, 400, ""},
		{req{method: "PUT", path: "/api/osd/abc/mark", body: `{"action":"out"}`}, 400, "invalid OSD id"},
		{req{method: "PUT", path: "/api/osd/1/mark", body: `{"action":"sideways"}`}, 400, "invalid OSD mark action"},
		{req{method: "GET", path: "/api/pool?stats=maybe"}, 400, "not a boolean"},
		{req{method: "GET", path: "/api/osd/safe_to_destroy?ids=[1,x]"}, 400, ""},
		{req{method: "GET", path: "/api/pool/nope"}, 404, "No such pool"},
		{req{method: "GET", path: "/api/no/such/thing"}, 404, "was not found"},
		{req{method: "PATCH", path: "/api/pool"}, 405, "does not allow"},
	} {
		tc.r.token = f.admin
		w := f.do(tc.r)
		if w.Code != tc.status {
			t.Errorf("%s %s %s: %d %s", tc.r.method, tc.r.path, tc.r.body, w.Code, w.Body)
			continue
		}
		if e := decodeError(t, w); !strings.Contains(e.Detail, tc.detail) {
			t.Errorf("%s %s: detail %q, want %q", tc.r.method, tc.r.body, e.Detail, tc.detail)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, WithMaxBodyBytes(64))
	big := `{"pool":"` + strings.Repeat("a", 200) + `","pg_num":8,"pool_type":"replicated"}`
	w := f.do(req{method: "POST", path: "/api/pool", body: big, token: f.admin})
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if e := decodeError(t, w); e.Code != "too_large" {
		t.Errorf("%s", w.Body)
	}
}

func TestLogoutRevokesToken(t *testing.T) {
	f := newFixture(t)
	tok := f.login("admin", "admin-pw")
	if w := f.do(req{method: "GET", path: "/api/pool", token: tok}); w.Code != 200 {
		t.Fatalf("before logout: %d", w.Code)
	}
	w := f.do(req{method: "POST", path: "/api/auth/logout", token: tok})
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"redirect_url":"#/login"}` {
		t.Fatalf("logout: %d %s", w.Code, w.Body)
	}
	if ck := w.Result().Cookies(); len(ck) != 1 || ck[0].MaxAge >= 0 {
		t.Errorf("logout cookie %+v", ck)
	}
	if w := f.do(req{method: "GET", path: "/api/pool", token: tok}); w.Code != 401 {
		t.Errorf("after logout: %d", w.Code)
	}
	// Other sessions stay valid.
	if w := f.do(req{method: "GET", path: "/api/pool", token: f.admin}); w.Code != 200 {
		t.Errorf("other token: %d", w.Code)
	}
}

func TestCookieAuthAndCheck(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: "GET", path: "/api/pool", header: map[string]string{"Cookie": "token=" + f.admin}})
	if w.Code != 200 {
		t.Fatalf("cookie auth: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "POST", path: "/api/auth/check?token=" + f.admin})
	var ok map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &ok)
	if w.Code != 200 || ok["username"] != "admin" || ok["permissions"] == nil {
		t.Errorf("check query: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "POST", path: "/api/auth/check", body: `{"token":"` + f.admin + `"}`})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"username":"admin"`) {
		t.Errorf("check body: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "POST", path: "/api/auth/check?token=bad"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"login_url":"#/login"`) {
		t.Errorf("check bad: %d %s", w.Code, w.Body)
	}
}

func TestPasswordChangeRevokesOlderTokens(t *testing.T) {
	now := time.Now().Add(-time.Hour)
	clock := func() time.Time { return now }
	f := newFixture(t, WithClock(clock))
	tok := f.login("reader", "reader-pw")
	now = now.Add(2 * time.Second)
	if err := f.store.SetPassword("reader", "new-pw"); err != nil {
		t.Fatal(err)
	}
	// The store records the change at the real time, after the token.
	if w := f.do(req{method: "GET", path: "/api/pool", token: tok}); w.Code != 401 {
		t.Errorf("old token after password change: %d", w.Code)
	}
	// Expiry through the server clock.
	now = time.Now().Add(time.Second)
	tok = f.login("reader", "new-pw")
	now = now.Add(9 * time.Hour)
	if w := f.do(req{method: "GET", path: "/api/pool", token: tok}); w.Code != 401 {
		t.Errorf("expired token: %d", w.Code)
	}
}

func TestTaskAnswers202ThenFinishes(t *testing.T) {
	f := newFixture(t, WithTaskWait(20*time.Millisecond))
	f.pools.gate = make(chan struct{})
	f.pools.ctxErr = make(chan error, 1)
	w := f.do(req{method: "POST", path: "/api/pool", token: f.admin, body: `{"pool":"slow","pg_num":8,"pool_type":"replicated"}`})
	if w.Code != http.StatusAccepted {
		t.Fatalf("slow create: %d %s", w.Code, w.Body)
	}
	if got := strings.TrimSpace(w.Body.String()); got != `{"metadata":{"pool_name":"slow"},"name":"pool/create"}` {
		t.Errorf("202 body %s", got)
	}
	var tl TaskList
	w = f.do(req{method: "GET", path: "/api/task?name=pool/create", token: f.admin})
	_ = json.Unmarshal(w.Body.Bytes(), &tl)
	if len(tl.Executing) != 1 || tl.Executing[0].Name != "pool/create" || len(tl.Finished) != 0 {
		t.Fatalf("executing: %s", w.Body)
	}
	if strings.Contains(w.Body.String(), "end_time") {
		t.Errorf("executing task has end_time: %s", w.Body)
	}
	// Same call again joins the running task.
	w = f.do(req{method: "POST", path: "/api/pool", token: f.admin, body: `{"pool":"slow","pg_num":8,"pool_type":"replicated"}`})
	if w.Code != http.StatusAccepted {
		t.Fatalf("repeat: %d", w.Code)
	}
	close(f.pools.gate)
	if err := <-f.pools.ctxErr; err != nil {
		t.Errorf("task context ended with the request: %v", err)
	}
	waitFor(t, "task to finish", func() bool {
		w = f.do(req{method: "GET", path: "/api/task?name=pool/*", token: f.admin})
		tl = TaskList{}
		_ = json.Unmarshal(w.Body.Bytes(), &tl)
		return len(tl.Finished) == 1
	})
	var raw struct {
		Finished []map[string]any `json:"finished_tasks"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &raw)
	for _, k := range []string{"name", "metadata", "begin_time", "end_time", "duration", "progress", "success", "ret_value", "exception"} {
		if _, ok := raw.Finished[0][k]; !ok {
			t.Errorf("finished task lacks %q: %s", k, w.Body)
		}
	}
	if raw.Finished[0]["success"] != true {
		t.Errorf("task failed: %s", w.Body)
	}
	// The summary lists it for the admin, not for the reader (no pool:create).
	w = f.do(req{method: "GET", path: "/api/summary", token: f.admin})
	if !strings.Contains(w.Body.String(), `"pool/create"`) || !strings.Contains(w.Body.String(), "rbd_mirroring") {
		t.Errorf("admin summary: %s", w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/summary", token: f.login("reader", "reader-pw")})
	if w.Code != 200 || strings.Contains(w.Body.String(), `"pool/create"`) {
		t.Errorf("reader summary: %d %s", w.Code, w.Body)
	}
}

func TestTaskDoneInTime(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: "POST", path: "/api/pool", token: f.admin, body: `{"pool":"fast","pg_num":"8","pool_type":"replicated","application_metadata":["rbd"]}`})
	if w.Code != http.StatusCreated || strings.TrimSpace(w.Body.String()) != "null" {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "POST", path: "/api/pool", token: f.admin, body: `{"pool":"fast","pg_num":8,"pool_type":"replicated"}`})
	if w.Code != http.StatusConflict || decodeError(t, w).Code != "already_exists" {
		t.Errorf("duplicate: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "PUT", path: "/api/pool/fast", token: f.admin, body: `{"pool":"renamed","pg_num":16}`})
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != "null" {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "GET", path: "/api/pool/renamed?attrs=pg_num,type", token: f.admin})
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"configuration":[],"pg_num":16,"pool_name":"renamed","type":"replicated"}` {
		t.Errorf("get attrs: %d %s", w.Code, w.Body)
	}
	w = f.do(req{method: "DELETE", path: "/api/pool/renamed", token: f.admin})
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("delete: %d %q", w.Code, w.Body)
	}
	w = f.do(req{method: "DELETE", path: "/api/pool/renamed", token: f.admin})
	if w.Code != http.StatusNotFound {
		t.Errorf("delete again: %d", w.Code)
	}
	// The failed task shows in the list with its exception.
	w = f.do(req{method: "GET", path: "/api/task?name=pool/delete", token: f.admin})
	if !strings.Contains(w.Body.String(), `"success":false`) || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
		t.Errorf("failed task: %s", w.Body)
	}
}

func TestPanicRecovery(t *testing.T) {
	f := newFixture(t)
	f.pools.panicky = true
	w := f.do(req{method: "GET", path: "/api/pool", token: f.admin})
	if w.Code != 500 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if e := decodeError(t, w); e.Code != "internal" || strings.Contains(e.Detail, "fake transport bug") {
		t.Errorf("%s", w.Body)
	}
	f.pools.panicky = false
	if w := f.do(req{method: "GET", path: "/api/pool", token: f.admin}); w.Code != 200 {
		t.Errorf("after panic: %d", w.Code)
	}
}

// TestEveryCodeStatus checks the status and code string of every error
// code, through the one table in package ceph.
func TestEveryCodeStatus(t *testing.T) {
	f := newFixture(t)
	for _, code := range ceph.Codes() {
		w := f.do(req{method: "GET", path: "/api/pool/" + code.String(), token: f.admin})
		if w.Code != code.HTTPStatus() {
			t.Errorf("%s: status %d, want %d", code, w.Code, code.HTTPStatus())
		}
		e := decodeError(t, w)
		want := (&ceph.Error{Code: code}).WireCode()
		if e.Code != want || e.Component == nil || *e.Component != "pool" {
			t.Errorf("%s: body %s", code, w.Body)
		}
		back, ok := ceph.CodeFromName(e.Code)
		if !ok || (back != code && !(code == ceph.Unknown && back == ceph.Internal)) {
			t.Errorf("%s: wire code %q does not map back", code, e.Code)
		}
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t)
	w := f.do(req{method: "GET", path: "/api/pool", token: f.admin, header: map[string]string{"X-Request-Id": "abc-123"}})
	if w.Header().Get("X-Request-Id") != "abc-123" {
		t.Errorf("id not echoed")
	}
	w = f.do(req{method: "GET", path: "/api/pool", token: f.admin, header: map[string]string{"X-Request-Id": "bad id\n"}})
	if id := w.Header().Get("X-Request-Id"); id == "" || id == "bad id\n" {
		t.Errorf("bad id kept: %q", id)
	}
}

// TestRouteTable walks the table: every route is well formed, and the
// middleware enforces what each route declares.
func TestRouteTable(t *testing.T) {
	f := newFixture(t)
	reader := f.login("reader", "reader-pw")
	seen := map[string]bool{}
	versions := map[Version]bool{V1: true, V01: true, V1_1: true, V2: true}
	for _, rt := range f.srv.Routes() {
		key := rt.Method + " " + rt.Path
		if seen[key] {
			t.Errorf("%s routed twice", key)
		}
		seen[key] = true
		if rt.Scope != "" && !auth.ValidScope(rt.Scope) {
			t.Errorf("%s: bad scope %q", key, rt.Scope)
		}
		if !auth.ValidPermission(rt.Permission) {
			t.Errorf("%s: bad permission %q", key, rt.Permission)
		}
		if !versions[rt.Version] {
			t.Errorf("%s: unexpected version %s", key, rt.Version)
		}
		if rt.Public != publicPath(rt.Path) {
			t.Errorf("%s: public=%v", key, rt.Public)
		}
		if rt.Task != "" && rt.Method == "GET" {
			t.Errorf("%s: a read is not a task", key)
		}
		path := concrete(rt.Path)
		accept := rt.Version.MediaType()
		if rt.Public {
			continue
		}
		// No token: 401 on every protected route, before anything else.
		if w := f.do(req{method: rt.Method, path: path, accept: "-"}); w.Code != 401 {
			t.Errorf("%s without token: %d", key, w.Code)
		}
		// A read-only user: 403 exactly when the route needs more than
		// read or needs a scope read-only lacks.
		w := f.do(req{method: rt.Method, path: path, token: reader, accept: accept})
		wantForbidden := rt.Scope != "" && !(rt.Permission == auth.Read && rt.Scope != auth.ScopeConfigOpt && rt.Scope != auth.ScopeDashboardSettings)
		if (w.Code == 403) != wantForbidden {
			t.Errorf("%s as read-only: %d (want forbidden=%v)", key, w.Code, wantForbidden)
		}
		// Wrong version: 415 after auth.
		if w := f.do(req{method: rt.Method, path: path, token: f.admin, accept: "application/vnd.ceph.api.v99.0+json"}); w.Code != 415 {
			t.Errorf("%s with v99: %d", key, w.Code)
		}
	}
}

// concrete fills a pattern's wildcards with plausible values.
func concrete(pattern string) string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") {
			seg = "1"
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}

// TestEndpointInventory fails on any operation of endpoints.tsv that is not
// routed; operations without a handler answer 501 not_implemented.
func TestEndpointInventory(t *testing.T) {
	f := newFixture(t)
	routes := map[string]Route{}
	for _, rt := range f.srv.Routes() {
		routes[rt.Method+" "+rt.Path] = rt
	}
	fh, err := os.Open("testdata/endpoints.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	n := 0
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		fields := strings.Split(strings.TrimSpace(sc.Text()), "\t")
		if len(fields) < 2 {
			continue
		}
		n++
		key := fields[0] + " " + fields[1]
		rt, ok := routes[key]
		if !ok {
			t.Errorf("%s is not routed", key)
			continue
		}
		if rt.Public {
			continue // logout would revoke the token the walk uses
		}
		w := f.do(req{method: rt.Method, path: concrete(rt.Path), token: f.admin, accept: rt.Version.MediaType()})
		if w.Code == 404 && strings.Contains(w.Body.String(), "was not found.") || w.Code == 405 {
			t.Errorf("%s: the mux does not reach the route (%d)", key, w.Code)
		}
		if !rt.Implemented {
			if w.Code != 501 || decodeError(t, w).Code != "not_implemented" {
				t.Errorf("%s: %d %s", key, w.Code, w.Body)
			}
		}
	}
	// Besides the inventory, the table holds only dashboard UI helpers
	// (/ui-api/...) and our marked extensions, never an unmarked /api
	// route the dashboard does not have.
	api := 0
	for key, rt := range routes {
		if rt.Op.Extension {
			continue // ours, documented as x-cephapi-extension
		}
		if strings.Contains(key, " /api/") {
			api++
		} else if !strings.Contains(key, " /ui-api/") {
			t.Errorf("route %s is neither /api nor /ui-api", key)
		}
	}
	if n != 207 || api != n {
		t.Errorf("inventory has %d operations, table %d /api routes", n, api)
	}
}

func TestNoGoCephDependency(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "github.com/ceph/go-ceph") {
		t.Error("httpapi depends on go-ceph")
	}
	if !strings.Contains(string(out), "github.com/cephapi/cephapi/auth") {
		t.Error("go list output looks wrong")
	}
}

func TestLegacyAuthorizer(t *testing.T) {
	for _, loopback := range []bool{false, true} {
		f := newFixture(t, WithLoopbackAnonymousReads(loopback))
		authz := f.srv.LegacyAuthorizer()
		reader := f.login("reader", "reader-pw")
		mk := func(set func(r *http.Request)) *http.Request {
			r, _ := http.NewRequest("GET", "/health", nil)
			if set != nil {
				set(r)
			}
			return r
		}
		anon := mk(nil)
		for _, tc := range []struct {
			name  string
			r     *http.Request
			scope auth.Scope
			perm  auth.Permission
			want  ceph.Code
		}{
			{"anonymous read", anon, auth.ScopeMonitor, auth.Read, map[bool]ceph.Code{false: ceph.Unauthenticated, true: ceph.Unknown}[loopback]},
			{"anonymous write", anon, auth.ScopeOSD, auth.Update, ceph.Unauthenticated},
			{"basic admin write", mk(func(r *http.Request) { r.SetBasicAuth("admin", "admin-pw") }), auth.ScopeOSD, auth.Update, ceph.Unknown},
			{"basic wrong password", mk(func(r *http.Request) { r.SetBasicAuth("admin", "x") }), auth.ScopeMonitor, auth.Read, ceph.Unauthenticated},
			{"basic reader write", mk(func(r *http.Request) { r.SetBasicAuth("reader", "reader-pw") }), auth.ScopeOSD, auth.Update, ceph.PermissionDenied},
			{"bearer reader read", mk(func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+reader) }), auth.ScopeOSD, auth.Read, ceph.Unknown},
			{"bearer bad", mk(func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }), auth.ScopeOSD, auth.Read, ceph.Unauthenticated},
		} {
			err := authz(tc.r, string(tc.scope), string(tc.perm))
			if got := ceph.CodeOf(err); got != tc.want {
				t.Errorf("loopback=%v %s: %v", loopback, tc.name, err)
			}
		}
	}
}

func TestLegacyMount(t *testing.T) {
	var seen string
	legacy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.Path
		_, _ = w.Write([]byte("HEALTH_OK"))
	})
	f := newFixture(t, WithLegacy(legacy))
	w := f.do(req{method: "GET", path: "/api/v0.1/health", accept: "-"})
	if w.Code != 200 || w.Body.String() != "HEALTH_OK" || seen != "/health" {
		t.Errorf("%d %q seen %q", w.Code, w.Body, seen)
	}
}

// TestTaskSurvivesClientDisconnect: a client that goes away while its
// task runs must not abort the write half-way.
func TestTaskSurvivesClientDisconnect(t *testing.T) {
	f := newFixture(t, WithTaskWait(time.Minute))
	f.pools.gate = make(chan struct{})
	f.pools.ctxErr = make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("POST", "/api/pool", strings.NewReader(`{"pool":"held","pg_num":8,"pool_type":"replicated"}`)).WithContext(ctx)
	r.Header.Set("Accept", v1)
	r.Header.Set("Authorization", "Bearer "+f.admin)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.srv.ServeHTTP(httptest.NewRecorder(), r)
	}()
	waitFor(t, "the task to start", func() bool {
		return len(f.srv.tasks.list("pool/create", nil).Executing) == 1
	})
	cancel()
	<-done // the handler returns at once; the task goes on
	close(f.pools.gate)
	if err := <-f.pools.ctxErr; err != nil {
		t.Fatalf("task context canceled with the request: %v", err)
	}
	waitFor(t, "the pool", func() bool {
		f.pools.mu.Lock()
		defer f.pools.mu.Unlock()
		_, ok := f.pools.pools["held"]
		return ok
	})
}

// TestLoginOverTLS checks the cookie is Secure when the request came over
// TLS, through a real listener.
func TestLoginOverTLS(t *testing.T) {
	f := newFixture(t)
	ts := httptest.NewTLSServer(f.srv)
	defer ts.Close()
	r, _ := http.NewRequest("POST", ts.URL+"/api/auth", strings.NewReader(`{"username":"admin","password":"admin-pw"}`))
	r.Header.Set("Accept", v1)
	rsp, err := ts.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer rsp.Body.Close()
	ck := rsp.Cookies()
	if rsp.StatusCode != 201 || len(ck) != 1 || !ck[0].Secure || !ck[0].HttpOnly {
		t.Errorf("%d %+v", rsp.StatusCode, ck)
	}
}

// TestRouteFacts pins scopes, permissions and versions that differ from
// the defaults, as the dashboard's controllers declare them.
func TestRouteFacts(t *testing.T) {
	f := newFixture(t)
	routes := map[string]Route{}
	for _, rt := range f.srv.Routes() {
		routes[rt.Method+" "+rt.Path] = rt
	}
	for key, want := range map[string]struct {
		scope   auth.Scope
		perm    auth.Permission
		version Version
		task    string
	}{
		"POST /api/osd/{svc_id}/scrub":                    {auth.ScopeOSD, auth.Update, V1, ""},
		"POST /api/osd/{svc_id}/reweight":                 {auth.ScopeOSD, auth.Create, V1, ""},
		"PUT /api/osd/{svc_id}/mark":                      {auth.ScopeOSD, auth.Update, V1, ""},
		"PUT /api/osd/flags/individual":                   {auth.ScopeOSD, auth.Update, V1, ""},
		"GET /api/osd/settings":                           {auth.ScopeOSD, auth.Read, V01, ""},
		"DELETE /api/osd/{svc_id}":                        {auth.ScopeOSD, auth.Delete, V1, "osd/delete"},
		"POST /api/osd":                                   {auth.ScopeOSD, auth.Create, V1, "osd/create"},
		"POST /api/pool":                                  {auth.ScopePool, auth.Create, V1, "pool/create"},
		"PUT /api/pool/{pool_name}":                       {auth.ScopePool, auth.Update, V1, "pool/edit"},
		"DELETE /api/pool/{pool_name}":                    {auth.ScopePool, auth.Delete, V1, "pool/delete"},
		"GET /api/crush_rule":                             {auth.ScopePool, auth.Read, V1, ""},
		"GET /api/mgr/module":                             {auth.ScopeConfigOpt, auth.Read, V1, ""},
		"POST /api/mgr/module/{module_name}/enable":       {auth.ScopeConfigOpt, auth.Create, V1, ""},
		"GET /api/health/minimal":                         {"", auth.Read, V1, ""},
		"GET /api/summary":                                {"", auth.Read, V1, ""},
		"GET /api/perf_counters/mon/{service_id}":         {auth.ScopeMonitor, auth.Read, V1, ""},
		"GET /api/perf_counters/tcmu-runner/{service_id}": {auth.ScopeISCSI, auth.Read, V1, ""},
		"GET /api/block/image":                            {auth.ScopeRBDImage, auth.Read, V2, ""},
		"PUT /api/block/image/{image_spec}":               {auth.ScopeRBDImage, auth.Update, V1, "rbd/edit"},
		"POST /api/block/image/{image_spec}/flatten":      {auth.ScopeRBDImage, auth.Update, V1, "rbd/flatten"},
		"POST /api/block/image/trash/purge":               {auth.ScopeRBDImage, auth.Delete, V1, "rbd/trash/purge"},
		"POST /api/grafana/dashboards":                    {auth.ScopeGrafana, auth.Update, V1, ""},
		"GET /api/host":                                   {auth.ScopeHosts, auth.Read, V1_1, ""},
		"POST /api/host":                                  {auth.ScopeHosts, auth.Create, V01, "host/add"},
		"POST /api/user/validate_password":                {"", auth.Create, V1, ""},
		"GET /api/role":                                   {auth.ScopeUser, auth.Read, V1, ""},
		"PUT /api/settings":                               {auth.ScopeConfigOpt, auth.Update, V1, ""},
		"POST /api/nfs-ganesha/export":                    {auth.ScopeNFSGanesha, auth.Create, V2, "nfs/create"},
	} {
		rt, ok := routes[key]
		if !ok {
			t.Errorf("%s not routed", key)
			continue
		}
		if rt.Scope != want.scope || rt.Permission != want.perm || rt.Version != want.version || rt.Task != want.task {
			t.Errorf("%s: scope %q perm %q version %s task %q; want %+v", key, rt.Scope, rt.Permission, rt.Version, rt.Task, want)
		}
	}
}

// publicPath: the login calls and the web UI helpers the dashboard serves
// without a login (secure=False: languages, the login banner, JavaScript
// error reports) need no token; nothing else.
func publicPath(p string) bool {
	for _, pre := range []string{"/api/auth", "/ui-api/langs", "/ui-api/login/", "/ui-api/logging/"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}
