package rest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
)

func rbdSpec(pool, name string) rbd.ImageSpec { return rbd.ImageSpec{Pool: pool, Name: name} }

// TestErrorCodeRoundTrip: for every code of the closed set, httpapi (over a
// memory fake whose call fails with that code) writes the error, and the
// client reads back the same code, component and detail. Unknown is written
// as "internal" (it has no wire form of its own) and reads back Internal.
func TestErrorCodeRoundTrip(t *testing.T) {
	mem, fake := memory.NewFake()
	srv := httpapi.New(mem, httpapi.WithAccounts(accounts(t)))
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tok, _, err := srv.Tokens().Issue(testUser)
	if err != nil {
		t.Fatal(err)
	}
	// Token only: a 401 must come back as it is, not trigger a login.
	c := newClient(t, ts.URL, rest.WithToken(tok))
	for _, code := range ceph.Codes() {
		t.Run(code.String(), func(t *testing.T) {
			injected := &ceph.Error{Code: code, Component: "roundtrip", Detail: "injected " + code.String()}
			fake.FailNext("Monitors.Status", injected)
			_, err := c.Monitors.Status(context.Background())
			want := code
			if code == ceph.Unknown {
				want = ceph.Internal
			}
			ce := wantCode(t, err, want)
			if ce.Component != "roundtrip" || ce.Detail != injected.Detail {
				t.Errorf("got component %q detail %q, want %q %q", ce.Component, ce.Detail, injected.Component, injected.Detail)
			}
			var re *rest.ResponseError
			if !errors.As(err, &re) || re.StatusCode != want.HTTPStatus() {
				t.Errorf("ResponseError %+v, want status %d", re, want.HTTPStatus())
			}
		})
	}
}

// TestDashboardErrorShapes: the error bodies the real dashboard writes
// (observed on 16.2.15, see shared/spec/dashboard-behaviour.md) map to the
// right codes.
func TestDashboardErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		code      ceph.Code
		reason    string
		component string
	}{
		{"framework 404", 404, `{"status": "404 Not Found", "detail": "The path 'No such pool' was not found.", "request_id": "abc"}`, ceph.NotFound, "", "pool"},
		{"malformed JSON", 400, `{"status": "400 Bad Request", "detail": "Invalid JSON document", "request_id": "abc"}`, ceph.InvalidArgument, "", "pool"},
		{"ENOENT", 400, `{"detail": "pool 'x' does not exist", "code": "2", "component": "pool"}`, ceph.NotFound, "2", "pool"},
		{"EEXIST", 400, `{"detail": "exists", "code": "17", "component": "pool"}`, ceph.AlreadyExists, "17", "pool"},
		{"EINVAL", 400, `{"detail": "bad", "code": "22", "component": "pool"}`, ceph.InvalidArgument, "22", "pool"},
		{"EBUSY", 400, `{"detail": "in use", "code": "16", "component": "pool"}`, ceph.Busy, "16", "pool"},
		{"EPERM", 400, `{"detail": "no", "code": "1", "component": "pool"}`, ceph.PermissionDenied, "1", "pool"},
		{"EACCES", 400, `{"detail": "no", "code": "13", "component": "pool"}`, ceph.PermissionDenied, "13", "pool"},
		{"EOPNOTSUPP", 400, `{"detail": "no", "code": "95", "component": "pool"}`, ceph.Unimplemented, "95", "pool"},
		{"ENOSYS", 400, `{"detail": "no", "code": "38", "component": "pool"}`, ceph.Unimplemented, "38", "pool"},
		{"ETIMEDOUT", 400, `{"detail": "slow", "code": "110", "component": "pool"}`, ceph.Unavailable, "110", "pool"},
		{"ERANGE", 400, `{"detail": "range", "code": "34", "component": "pool"}`, ceph.InvalidArgument, "34", "pool"},
		{"numeric code", 400, `{"detail": "range", "code": 34, "component": "pool"}`, ceph.InvalidArgument, "34", "pool"},
		{"orchestrator", 503, `{"detail": "no orchestrator", "code": "orchestrator_status_unavailable", "component": "orchestrator"}`, ceph.Unavailable, "orchestrator_status_unavailable", "orchestrator"},
		{"unknown string", 400, `{"detail": "x", "code": "Error", "component": null}`, ceph.InvalidArgument, "Error", "pool"},
		{"bad login", 400, `{"detail": "Invalid credentials", "code": "invalid_credentials", "component": "auth"}`, ceph.Unauthenticated, "invalid_credentials", "auth"},
		{"our code name", 409, `{"detail": "busy", "code": "busy", "component": "pool", "status": "409 Conflict", "request_id": "r"}`, ceph.Busy, "", "pool"},
		{"415", 415, `{"status": "415 Unsupported Media Type", "detail": "Incorrect version: endpoint is '1.0', client requested '9.0'", "request_id": "r"}`, ceph.UnsupportedVersion, "", "pool"},
		{"401", 401, `{"status": "401 Unauthorized", "detail": "You are not authorized to access that resource", "request_id": "r"}`, ceph.Unauthenticated, "", "pool"},
		{"403", 403, `{"status": "403 Forbidden", "detail": "You don't have permissions to access that resource", "request_id": "r"}`, ceph.PermissionDenied, "", "pool"},
		{"500", 500, `{"status": "500 Internal Server Error", "detail": "The server encountered an unexpected condition", "request_id": "r"}`, ceph.Internal, "", "pool"},
		{"502 HTML", 502, `<html>bad gateway</html>`, ceph.Unavailable, "", "pool"},
		{"empty 404", 404, ``, ceph.NotFound, "", "pool"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer ts.Close()
			c := newClient(t, ts.URL, rest.WithToken("t"))
			_, err := c.Pools.Get(context.Background(), "x", nil)
			ce := wantCode(t, err, tc.code)
			if ce.Reason != tc.reason || ce.Component != tc.component || ce.Detail == "" {
				t.Errorf("got reason %q component %q detail %q, want %q %q and a detail", ce.Reason, ce.Component, ce.Detail, tc.reason, tc.component)
			}
			var re *rest.ResponseError
			if !errors.As(err, &re) || re.StatusCode != tc.status || string(re.Body) != tc.body {
				t.Errorf("ResponseError %+v, want status %d and the raw body", re, tc.status)
			}
		})
	}
}

// TestDashboardTaskException: a finished task of the real dashboard with
// success=false carries {detail, code, component, status}.
func TestDashboardTaskException(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /api/pool":
			fmt.Fprint(w, `[{"pool_name": "p"}]`)
		case "DELETE /api/pool/p":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"name": "pool/delete", "metadata": {"pool_name": ["p"]}}`)
		case "GET /api/task":
			fmt.Fprint(w, `{"executing_tasks": [], "finished_tasks": [
				{"name": "pool/delete", "metadata": {"pool_name": ["other"]}, "success": true, "ret_value": null, "exception": null},
				{"name": "pool/delete", "metadata": {"pool_name": ["p"]}, "begin_time": "2026-01-01T00:00:00.000000Z",
				 "end_time": "2026-01-01T00:00:03.000000Z", "duration": 3.0, "progress": 0, "success": false, "ret_value": null,
				 "exception": {"detail": "pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true before you can destroy a pool", "code": "1", "component": "pool", "status": 400}}]}`)
		}
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithToken("t"), rest.WithTaskPollInterval(1))
	err := c.Pools.Delete(context.Background(), "p")
	ce := wantCode(t, err, ceph.PermissionDenied)
	if ce.Component != "pool" || ce.Reason != "1" {
		t.Errorf("got %+v", ce)
	}
	var te *rest.TaskError
	if !errors.As(err, &te) || te.Name != "pool/delete" {
		t.Errorf("TaskError %+v", te)
	}
}
