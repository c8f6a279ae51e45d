package httpapi

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLogKeepsSecrets checks that every request is logged with its
// route, status and request id, and that no password or token reaches the
// log, whichever way it travelled.
func TestAccessLogKeepsSecrets(t *testing.T) {
	var buf syncBuffer
	f := newFixture(t, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	f.do(req{method: "POST", path: "/api/auth", body: `{"username":"admin","password":"wrong-secret"}`})
	f.do(req{method: "POST", path: "/api/auth/check?token=" + f.admin})
	f.do(req{method: "GET", path: "/api/pool", token: f.admin, header: map[string]string{"X-Request-Id": "req-42"}})
	f.do(req{method: "GET", path: "/api/pool", header: map[string]string{"Cookie": "token=" + f.admin}})
	f.pools.panicky = true
	f.do(req{method: "GET", path: "/api/pool", token: f.admin})
	out := buf.String()
	for _, secret := range []string{"admin-pw", "wrong-secret", f.admin, f.admin[strings.LastIndex(f.admin, ".")+1:]} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		`msg="http request" method=GET path=/api/pool status=200`,
		"request_id=req-42",
		`route="GET /api/pool"`,
		"user=admin",
		`msg="panic in handler"`,
		"status=500",
		`msg="login successful" user=admin`,
		`msg="login failed"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// TestAccessLogLevels checks that successful reads are logged at Debug
// (they are polled many times a second) and that writes and failed reads
// stay at Info.
func TestAccessLogLevels(t *testing.T) {
	var buf syncBuffer
	f := newFixture(t, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	tests := []struct {
		name   string
		req    req
		logged bool
	}{
		{"successful GET", req{method: "GET", path: "/api/pool", token: f.admin}, false},
		{"GET without credentials", req{method: "GET", path: "/api/pool"}, true},
		{"GET of a missing path", req{method: "GET", path: "/api/nothing-here", token: f.admin}, true},
		{"POST", req{method: "POST", path: "/api/auth", body: `{"username":"admin","password":"wrong"}`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := strings.Count(buf.String(), `msg="http request"`)
			f.do(tt.req)
			after := strings.Count(buf.String(), `msg="http request"`)
			if got := after > before; got != tt.logged {
				t.Errorf("logged at Info = %v, want %v:\n%s", got, tt.logged, buf.String())
			}
		})
	}
}

// TestNotImplementedIsAWarning: a 501 is logged at WARN (an operation not
// built yet), not at ERROR as a failure of the server would be.
func TestNotImplementedIsAWarning(t *testing.T) {
	var buf syncBuffer
	f := newFixture(t, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	if w := f.do(req{method: "GET", path: "/api/cephfs", token: f.admin}); w.Code != 501 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	out := buf.String()
	if !strings.Contains(out, `level=WARN msg="not implemented" request_id=`) || strings.Contains(out, "level=ERROR") {
		t.Errorf("log:\n%s", out)
	}
	f.pools.panicky = true
	f.do(req{method: "GET", path: "/api/pool", token: f.admin})
	if !strings.Contains(buf.String(), "level=ERROR") {
		t.Errorf("a 500 is not an error:\n%s", buf.String())
	}
}
