package rest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
)

// counter counts requests by "METHOD path" on their way to next.
type counter struct {
	next http.Handler
	mu   sync.Mutex
	n    map[string]int
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	c.next.ServeHTTP(w, r)
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := 0
	for _, v := range c.n {
		t += v
	}
	return t
}

// clock is a settable clock for the server's tokens.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClient(t *testing.T, base string, opts ...rest.Option) *cephapi.Client {
	t.Helper()
	c, err := rest.New(base, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func wantCode(t *testing.T, err error, want ceph.Code) *ceph.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	var ce *ceph.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *ceph.Error", err, err)
	}
	if !errors.Is(err, &ceph.Error{Code: want}) {
		t.Fatalf("got %v (code %v), want code %v", err, ce.Code, want)
	}
	return ce
}

func TestNewRejectsBadArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  string
		opts []rest.Option
	}{
		{"no scheme", "localhost:8443", []rest.Option{rest.WithToken("x")}},
		{"ftp", "ftp://host/", []rest.Option{rest.WithToken("x")}},
		{"query", "http://host/?a=b", []rest.Option{rest.WithToken("x")}},
		{"user info", "http://u:p@host/", []rest.Option{rest.WithToken("x")}},
		{"no credentials", "http://host/", nil},
		{"missing CA file", "https://host/", []rest.Option{rest.WithToken("x"), rest.WithCACertFile("/nonexistent/ca.pem")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rest.New(tc.url, tc.opts...)
			wantCode(t, err, ceph.InvalidArgument)
		})
	}
}

// A wrong password is the dashboard's 400 invalid_credentials: the client
// reports it as Unauthenticated, keeps the reason and the raw answer.
func TestWrongPassword(t *testing.T) {
	base, _ := loopServer(t, "")
	c := newClient(t, base, rest.WithCredentials(testUser, "wrong"))
	_, err := c.Health.Report(context.Background())
	ce := wantCode(t, err, ceph.Unauthenticated)
	if ce.Reason != "invalid_credentials" || ce.Component != "auth" {
		t.Errorf("reason %q component %q, want invalid_credentials/auth", ce.Reason, ce.Component)
	}
	var re *rest.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest || !strings.Contains(string(re.Body), "invalid_credentials") {
		t.Errorf("ResponseError = %+v, want the 400 body", re)
	}
}

// A base URL that does not lead to the API answers 404 to the login.
func TestWrongURL(t *testing.T) {
	base, _ := loopServer(t, "")
	c := newClient(t, base+"/not-the-api", rest.WithCredentials(testUser, testPassword))
	_, err := c.Pools.List(context.Background(), nil)
	ce := wantCode(t, err, ceph.NotFound)
	if ce.Component != "auth" {
		t.Errorf("component %q, want auth (the login failed)", ce.Component)
	}
	// Not an HTTP server of ours at all: a plain 404 page.
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	c = newClient(t, ts.URL, rest.WithToken("tok"))
	_, err = c.OSDs.List(context.Background())
	wantCode(t, err, ceph.NotFound)
}

// An expired token gets one new login, then the call succeeds.
func TestExpiredTokenLogsInAgainOnce(t *testing.T) {
	// The accounts first: a token issued in the second before the user's
	// last update (the store's real clock) would be rejected.
	acc := accounts(t)
	clk := &clock{t: time.Now().Add(time.Second)}
	mem := memory.New()
	srv := httpapi.New(mem, httpapi.WithAccounts(acc), httpapi.WithClock(clk.now), httpapi.WithTokenTTL(time.Hour))
	cnt := &counter{next: srv}
	ts := httptest.NewServer(cnt)
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword))
	ctx := context.Background()
	if _, err := c.Health.Report(ctx); err != nil {
		t.Fatal(err)
	}
	clk.add(2 * time.Hour)
	if _, err := c.Health.Report(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := cnt.get("POST /api/auth"); n != 2 {
		t.Errorf("%d logins, want 2 (first call, then once after expiry)", n)
	}
	if n := cnt.get("GET /api/health/minimal"); n != 3 {
		t.Errorf("%d health calls, want 3 (ok, 401, retried ok)", n)
	}
}

// A revoked token (logout puts its jti on the block list) gets a new login
// with credentials, and is a clean Unauthenticated error without them.
func TestRevokedToken(t *testing.T) {
	srv := httpapi.New(memory.New(), httpapi.WithAccounts(accounts(t)))
	cnt := &counter{next: srv}
	ts := httptest.NewServer(cnt)
	defer ts.Close()
	tok, claims, err := srv.Tokens().Issue(testUser)
	if err != nil {
		t.Fatal(err)
	}
	srv.Tokens().Block(claims.ID, claims.ExpiresAt.Time)
	ctx := context.Background()

	c := newClient(t, ts.URL, rest.WithToken(tok))
	_, err = c.OSDs.List(ctx)
	wantCode(t, err, ceph.Unauthenticated)
	if n := cnt.total(); n != 1 {
		t.Errorf("%d requests without credentials, want 1 (no login, no retry)", n)
	}

	c = newClient(t, ts.URL, rest.WithToken(tok), rest.WithCredentials(testUser, testPassword))
	if _, err := c.OSDs.List(ctx); err != nil {
		t.Fatalf("with credentials: %v", err)
	}
	if n := cnt.get("POST /api/auth"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// A server that rejects every token: one login, one retry, then an error;
// never a loop.
func TestAlways401DoesNotLoop(t *testing.T) {
	cnt := &counter{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/auth" {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"token":"t"}`)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"status":"401 Unauthorized","detail":"You are not authorized to access that resource","request_id":"x"}`)
	})}
	ts := httptest.NewServer(cnt)
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithCredentials("u", "p"))
	_, err := c.Pools.List(context.Background(), nil)
	ce := wantCode(t, err, ceph.Unauthenticated)
	if ce.Component != "pool" {
		t.Errorf("component %q, want pool", ce.Component)
	}
	if l, g := cnt.get("POST /api/auth"), cnt.get("GET /api/pool"); l != 2 || g != 2 {
		t.Errorf("%d logins and %d calls, want 2 and 2", l, g)
	}
}

// A closed port is Unavailable, at once (well before the call's deadline).
func TestDeadServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, "http://"+addr, rest.WithCredentials(testUser, testPassword))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.Health.Report(ctx)
	wantCode(t, err, ceph.Unavailable)
	if ctx.Err() != nil {
		t.Errorf("the call used up its deadline")
	}
}

// A server that does not answer: the call's deadline ends it with
// DeadlineExceeded; a canceled context is Canceled.
func TestContextHonoured(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	c := newClient(t, ts.URL, rest.WithToken("t"))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.OSDs.List(ctx)
	wantCode(t, err, ceph.DeadlineExceeded)

	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel2() }()
	_, err = c.OSDs.List(ctx2)
	wantCode(t, err, ceph.Canceled)
}

// With a task wait of 0 every task-backed call answers 202: the client
// polls /api/task and returns the task's success or its error.
func TestTaskPolling(t *testing.T) {
	mem, fake := memory.NewFake()
	srv := httpapi.New(mem, httpapi.WithAccounts(accounts(t)), httpapi.WithTaskWait(0))
	cnt := &counter{next: srv}
	ts := httptest.NewServer(cnt)
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword), rest.WithTaskPollInterval(5*time.Millisecond))
	ctx := context.Background()
	release := make(chan struct{})
	fake.OnCall("Pools.Create", func(memory.Call) error { <-release; return nil })
	// the task finishes only once the client has seen it executing (not
	// after a sleep: on a loaded host the first poll may come late)
	go func() {
		for cnt.get("GET /api/task") < 2 { // the first was answered
			time.Sleep(time.Millisecond)
		}
		close(release)
	}()
	if err := c.Pools.Create(ctx, "p1", &ceph.PoolCreateOptions{PGNum: 8}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Pools.Get(ctx, "p1", nil); err != nil {
		t.Fatalf("the pool the task made: %v", err)
	}
	if n := cnt.get("GET /api/task"); n < 2 {
		t.Errorf("%d task polls, want at least 2 (executing, then finished)", n)
	}

	fake.FailNext("Pools.Delete", ceph.Errorf(ceph.Busy, "pool", "pool p1 is in use"))
	err := c.Pools.Delete(ctx, "p1")
	ce := wantCode(t, err, ceph.Busy)
	if ce.Component != "pool" || ce.Detail != "pool p1 is in use" {
		t.Errorf("task error %+v, want the injected one", ce)
	}
	var te *rest.TaskError
	if !errors.As(err, &te) || te.Name != "pool/delete" {
		t.Errorf("TaskError = %+v, want pool/delete", te)
	}
}

// Polling a task that never ends honours the call's deadline.
func TestTaskPollingHonoursContext(t *testing.T) {
	var polls atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /api/pool":
			fmt.Fprint(w, `[]`)
		case "POST /api/pool":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprint(w, `{"name":"pool/create","metadata":{"pool_name":"p"}}`)
		case "GET /api/task":
			polls.Add(1)
			if r.URL.Query().Get("name") != "pool/create" {
				t.Errorf("task poll with name %q", r.URL.Query().Get("name"))
			}
			fmt.Fprint(w, `{"executing_tasks":[{"name":"pool/create","metadata":{"pool_name":"p"},"begin_time":"x","progress":0}],"finished_tasks":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithToken("t"), rest.WithTaskPollInterval(5*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := c.Pools.Create(ctx, "p", &ceph.PoolCreateOptions{PGNum: 8})
	wantCode(t, err, ceph.DeadlineExceeded)
	if polls.Load() < 2 {
		t.Errorf("%d task polls, want several before the deadline", polls.Load())
	}
}

// A server that does not serve the version the client asks for answers
// 415: UnsupportedVersion.
func TestUnsupportedVersion(t *testing.T) {
	srv := httpapi.New(memory.New(), httpapi.WithAccounts(accounts(t)))
	// Pretend the client asked for 9.0, as an older or newer server would
	// see a version it does not have.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/osd/settings" {
			r.Header.Set("Accept", "application/vnd.ceph.api.v9.0+json")
		}
		srv.ServeHTTP(w, r)
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithCredentials(testUser, testPassword))
	_, err := c.OSDs.Settings(context.Background())
	ce := wantCode(t, err, ceph.UnsupportedVersion)
	if !strings.Contains(ce.Detail, "Incorrect version") || ce.Component != "osd" {
		t.Errorf("error %+v, want the server's detail and component osd", ce)
	}
}

// Response bodies are read up to the limit, never further.
func TestOversizeResponse(t *testing.T) {
	var wrote atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "[")
		chunk := strings.Repeat(`"x",`, 1024)
		for i := 0; i < 64<<10; i++ { // up to 256 MiB, if anyone read it
			n, err := io.WriteString(w, chunk)
			wrote.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, rest.WithToken("t"), rest.WithMaxResponseBytes(64<<10))
	_, err := c.OSDFlags.List(context.Background())
	ce := wantCode(t, err, ceph.TooLarge)
	if ce.Component != "osd" {
		t.Errorf("component %q, want osd", ce.Component)
	}
	if wrote.Load() > 64<<20 {
		t.Errorf("the server wrote %d bytes: the client read far past the limit", wrote.Load())
	}
}

// The client sends the version of each operation from its table and works
// when the API sits under a prefix, with image specs as one path segment.
func TestRequestShape(t *testing.T) {
	type seen struct{ method, path, rawPath, accept, auth, ua string }
	var mu sync.Mutex
	var got []seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.Header.Get("Accept"), r.Header.Get("Authorization"), r.Header.Get("User-Agent")})
		mu.Unlock()
		switch {
		case r.URL.Path == "/pfx/api/auth":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"token":"tok1"}`)
		case r.URL.Path == "/pfx/api/block/image":
			fmt.Fprint(w, `[]`)
		default:
			fmt.Fprint(w, `{}`)
		}
	}))
	defer ts.Close()
	c := newClient(t, ts.URL+"/pfx", rest.WithCredentials("u", "p"), rest.WithUserAgent("test-agent"))
	ctx := context.Background()
	if _, err := c.RBD.Images.List(ctx, "rbd", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OSDs.Settings(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Health.Full(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RBD.Images.Get(ctx, rbdSpec("rbd", "img 1")); err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{"POST", "/pfx/api/auth", "/pfx/api/auth", "application/vnd.ceph.api.v1.0+json", "", "test-agent"},
		{"GET", "/pfx/api/block/image", "/pfx/api/block/image", "application/vnd.ceph.api.v2.0+json", "Bearer tok1", "test-agent"},
		{"GET", "/pfx/api/osd/settings", "/pfx/api/osd/settings", "application/vnd.ceph.api.v0.1+json", "Bearer tok1", "test-agent"},
		{"GET", "/pfx/api/health/full", "/pfx/api/health/full", "application/vnd.ceph.api.v1.0+json", "Bearer tok1", "test-agent"},
		{"GET", "/pfx/api/block/image/rbd/img 1", "/pfx/api/block/image/rbd%2Fimg%201", "application/vnd.ceph.api.v1.0+json", "Bearer tok1", "test-agent"},
	}
	if len(got) != len(want) {
		t.Fatalf("requests %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Logs come newest first; Lines keeps the newest ones.
func TestLogLinesKeepNewest(t *testing.T) {
	base, _ := loopServer(t, "")
	c := newClient(t, base, rest.WithCredentials(testUser, testPassword))
	ctx := context.Background()
	for _, name := range []string{"log1", "log2", "log3"} {
		if err := c.Pools.Create(ctx, name, &ceph.PoolCreateOptions{PGNum: 8}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.Logs.Recent(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := c.Logs.Recent(ctx, &ceph.LogOptions{Lines: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.AuditLog) < 3 || len(two.AuditLog) != 2 {
		t.Fatalf("%d audit lines in all, %d with Lines 2", len(all.AuditLog), len(two.AuditLog))
	}
	for i := range two.AuditLog {
		if two.AuditLog[i].Seq != all.AuditLog[i].Seq || two.AuditLog[i].Message != all.AuditLog[i].Message {
			t.Errorf("line %d = %+v, want the newest %+v", i, two.AuditLog[i], all.AuditLog[i])
		}
	}
}
