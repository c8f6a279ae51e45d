package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuditTrail(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	lines := make(chan string, 8)
	srv, _ := testServer(t,
		WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))),
		WithAuditSink(func(_ context.Context, line string) error { lines <- line; return nil }))
	admin := bearer(loginToken(t, srv, "admin", "admin-pw"))
	send(srv, xreq{method: "POST", path: "/api/user", header: admin,
		body: `{"username":"bob","password":"Bob-Secret-Pw1","roles":["read-only"],"email":"b@x"}`})
	send(srv, xreq{method: "GET", path: "/api/user", header: admin})
	select {
	case l := <-lines:
		t.Fatalf("sent to the cluster with AUDIT_API_ENABLED off: %s", l)
	case <-time.After(20 * time.Millisecond):
	}
	send(srv, xreq{method: "PUT", path: "/api/settings", header: admin, body: `{"AUDIT_API_ENABLED":true,"GRAFANA_API_PASSWORD":"Graf-Secret"}`})
	send(srv, xreq{method: "DELETE", path: "/api/user/bob", header: admin})
	var got []string
	for range 2 {
		select {
		case l := <-lines:
			got = append(got, l)
		case <-time.After(2 * time.Second):
			t.Fatalf("cluster lines: %q", got)
		}
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{
		`msg=audit user=admin method=POST path=/api/user status=201`,
		`\"email\":\"b@x\"`, `\"password\":\"***\"`,
		`msg=audit user=admin method=DELETE path=/api/user/bob status=204`,
		`\"GRAFANA_API_PASSWORD\":\"***\"`,
		// The login itself is a write: its password is not recorded.
		`msg=audit user=- method=POST path=/api/auth status=201`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"Bob-Secret-Pw1", "Graf-Secret", "admin-pw"} {
		if strings.Contains(out, secret) || strings.Contains(strings.Join(got, "\n"), secret) {
			t.Errorf("the audit trail holds the secret %q", secret)
		}
	}
	if strings.Contains(out, "msg=audit user=admin method=GET") {
		t.Error("a read was audited")
	}
	// The lines are sent concurrently: either order.
	if all := strings.Join(got, "\n"); !strings.Contains(all, "[cephapi] user='admin' method='DELETE' path='/api/user/bob' status=204") {
		t.Errorf("cluster lines: %s", all)
	}
}

func TestRedactBody(t *testing.T) {
	for _, tc := range []struct{ path, body, want string }{
		{"/api/pool", `{"pool":"p","pg_num":8}`, `{"pg_num":8,"pool":"p"}`},
		{"/api/user/x/change_password", `{"old_password":"a","new_password":"b"}`, `{"new_password":"***","old_password":"***"}`},
		{"/api/rgw/user", `{"uid":"u","keys":[{"secret_key":"s"}]}`, `{"keys":"***","uid":"u"}`},
		{"/api/settings/grafana-api-password", `{"value":"pw"}`, `{"value":"***"}`},
		{"/api/v0.1/osd/pool/create", `pool=p&password=x`, `<17 bytes, not JSON>`},
	} {
		if got := redactBody(tc.path, []byte(tc.body), int64(len(tc.body))); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.path, tc.body, got, tc.want)
		}
	}
}
