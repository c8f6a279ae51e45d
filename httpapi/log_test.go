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
