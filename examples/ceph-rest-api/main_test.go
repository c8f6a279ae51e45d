package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cephapi/cephapi/httpapi"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
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

func start(t *testing.T, args []string, env map[string]string) (base string, stdout *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	// Each test server keeps its accounts in a file of its own, never in
	// the user's default file.
	accounts := "file:" + filepath.Join(t.TempDir(), "accounts.json")
	getenv := func(k string) string {
		if v, ok := env[k]; ok || k != "CEPH_REST_API_ACCOUNTS" {
			return v
		}
		return accounts
	}
	go func() {
		done <- run(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), getenv, stdout, io.Discard, ready)
	}()
	select {
	case addr := <-ready:
		base = "http://" + addr.String()
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start in 10s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("shutdown: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	return base, stdout
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func login(t *testing.T, base, password string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/auth", strings.NewReader(`{"username":"admin","password":"`+password+`"}`))
	req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The seed's two curl examples against the embedded default.
func TestSeedExamples(t *testing.T) {
	base, _ := start(t, nil, map[string]string{"CEPH_REST_API_PASSWORD": "s3cret-pass"})
	code, body := get(t, base+"/api/v0.1/health")
	if code != 200 || body != "HEALTH_OK\n" {
		t.Fatalf("health = %d %q", code, body)
	}
	code, body = get(t, base+"/api/v0.1/osd/tree")
	if code != 200 {
		t.Fatalf("osd tree = %d %q", code, body)
	}
	for _, re := range []string{
		`(?m)^-1 +1\.00000 +root default`,
		`(?m)^-2 +1\.00000 +host dev`,
		`(?m)^ 0 +hdd +1\.00000 +osd\.0 +up +1\.00000 +1\.00000$`,
		`(?m)^-3 +0 +rack rack01`, `(?m)^-4 +0 +rack rack02`, `(?m)^-5 +0 +rack rack03`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("osd tree lacks %s:\n%s", re, body)
		}
	}
	if got := login(t, base, "s3cret-pass"); got != http.StatusCreated {
		t.Errorf("login with the env password = %d", got)
	}
	if got := login(t, base, "wrong"); got != http.StatusBadRequest {
		t.Errorf("login with a wrong password = %d", got)
	}
}

func TestGeneratedPasswordPrintedOnce(t *testing.T) {
	base, out := start(t, nil, nil)
	m := regexp.MustCompile(`generated password for user admin: (\S+)`).FindAllStringSubmatch(out.String(), -1)
	if len(m) != 1 {
		t.Fatalf("want the generated password printed once, got:\n%s", out)
	}
	if got := login(t, base, m[0][1]); got != http.StatusCreated {
		t.Errorf("login with the generated password = %d", got)
	}
}

func TestPasswordFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, out := start(t, []string{"--admin-password-file", f}, map[string]string{"CEPH_REST_API_PASSWORD": "ignored"})
	if strings.Contains(out.String(), "from-a-file") {
		t.Error("the password was printed")
	}
	if got := login(t, base, "from-a-file"); got != http.StatusCreated {
		t.Errorf("login = %d", got)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--transport", "carrier-pigeon"},
		{"--tls-cert", "x"},
		{"--log-level", "loud"},
		{"extra"},
		{"--listen", "256.0.0.1:99999"},
		{"--procs", "-1"},
		{"--procs", "many"},
		{"--cache-ttl", "soon"},
		{"--accounts", "cloud"},
		{"--accounts", "file:"},
		{"--accounts", "config-key"},
		{"--ui=/nonexistent/dist"},
	} {
		memory := func(k string) string { return map[string]string{"CEPH_REST_API_ACCOUNTS": "memory"}[k] }
		err := run(context.Background(), args, memory, io.Discard, io.Discard, nil)
		if err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}

// The gateway: our server in front of another dashboard-compatible API
// (here our own server over the memory transport; TestGatewayDashboard in
// real_test.go runs it in front of the real dashboard).
func TestGateway(t *testing.T) {
	upstream, _ := start(t, nil, map[string]string{"CEPH_REST_API_PASSWORD": "up-pass"})
	pwFile := filepath.Join(t.TempDir(), "upw")
	if err := os.WriteFile(pwFile, []byte("up-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, []string{"--transport", "rest", "--upstream", upstream, "--upstream-user", "admin", "--upstream-password-file", pwFile},
		map[string]string{"CEPH_REST_API_PASSWORD": "gw-pass"})
	code, body := get(t, base+"/api/v0.1/health")
	if code != 200 || body != "HEALTH_OK\n" {
		t.Fatalf("health through the gateway = %d %q", code, body)
	}
	code, body = get(t, base+"/api/v0.1/osd/tree")
	if code != 200 || !strings.Contains(body, "host dev") {
		t.Fatalf("osd tree through the gateway = %d %q", code, body)
	}
	if got := login(t, base, "gw-pass"); got != http.StatusCreated {
		t.Errorf("login to the gateway = %d", got)
	}
}

func TestGatewayErrors(t *testing.T) {
	upstream, _ := start(t, nil, map[string]string{"CEPH_REST_API_PASSWORD": "up-pass"})
	env := func(k string) string {
		return map[string]string{"CEPH_REST_API_UPSTREAM_PASSWORD": "wrong"}[k]
	}
	for _, tt := range []struct {
		name string
		args []string
		env  func(string) string
	}{
		{"no upstream", []string{"--transport", "rest"}, env},
		{"no password", []string{"--transport", "rest", "--upstream", upstream}, func(string) string { return "" }},
		{"wrong password", []string{"--transport", "rest", "--upstream", upstream}, env},
		{"dead upstream", []string{"--transport", "rest", "--upstream", "http://127.0.0.1:1", "--op-timeout", "2s"}, env},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- run(context.Background(), tt.args, tt.env, io.Discard, io.Discard, nil) }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("run succeeded")
				}
			case <-time.After(15 * time.Second):
				t.Fatal("run did not fail in bounded time")
			}
		})
	}
}

// --ui alone is Debian's build, --ui=DIR another; --ui=false none.
func TestUIFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"--ui=false"}, ""},
		{[]string{"--ui=" + t.TempDir()}, "error"},
	} {
		cfg, err := parseFlags(tc.args, io.Discard)
		switch {
		case tc.want == "error":
			if err == nil {
				t.Errorf("%v: accepted a directory with no built frontend", tc.args)
			}
		case err != nil || cfg.ui.dir != tc.want:
			t.Errorf("%v: dir %q, err %v; want %q", tc.args, cfg.ui.dir, err, tc.want)
		}
	}
	if _, err := os.Stat(httpapi.DebianUIDir); err == nil {
		cfg, err := parseFlags([]string{"--ui", "--listen", "127.0.0.1:0"}, io.Discard)
		if err != nil || cfg.ui.dir != httpapi.DebianUIDir || cfg.listen != "127.0.0.1:0" {
			t.Errorf("--ui --listen: %+v, %v", cfg, err)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--version"}, func(string) string { return "" }, &out, io.Discard, nil)
	if err != errVersion {
		t.Fatalf("run --version: %v", err)
	}
	if !regexp.MustCompile(`^ceph-rest-api \S+.* \(go[0-9.]+; Ceph Dashboard API 16\.2, [0-9]+ of [0-9]+ operations implemented\)\n$`).MatchString(out.String()) {
		t.Errorf("version line %q", out.String())
	}
}

// TestStartupHints: the hints printed at start-up work as printed: on
// loopback the legacy call needs no credentials; the docs are linked.
func TestStartupHints(t *testing.T) {
	base, stdout := start(t, nil, map[string]string{"CEPH_REST_API_PASSWORD": "pw"})
	out := stdout.String()
	if !strings.Contains(out, "curl "+base+"/api/v0.1/health") || !strings.Contains(out, base+"/docs") {
		t.Fatalf("hints:\n%s", out)
	}
	if code, body := get(t, base+"/api/v0.1/health"); code != 200 {
		t.Errorf("the legacy hint answers %d %s", code, body)
	}
	// The docs need no login, and / leads to them.
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "swagger-ui") {
		t.Errorf("/ answers %d %.200s", code, body)
	}
	if code, body := get(t, base+"/docs/api.json"); code != 200 || !strings.Contains(body, `"openapi": "3.`) {
		t.Errorf("/docs/api.json answers %d %.200s", code, body)
	}
}
