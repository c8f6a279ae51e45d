package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

// Test doubles of a few domain services; the rest of the client answers
// Unimplemented through cephapi.New.

type fakeHealth struct{}

func (fakeHealth) Report(context.Context) (*ceph.HealthReport, error) {
	return &ceph.HealthReport{Status: ceph.HealthOK, Checks: []ceph.HealthCheck{}, Mutes: []any{}}, nil
}

func (f fakeHealth) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	r, _ := f.Report(ctx)
	h := &ceph.HealthMinimal{Health: *r, ScrubStatus: "Inactive", Hosts: 1, Pools: []struct{}{{}, {}}}
	h.OSDMap.OSDs = []ceph.OSDState{{In: 1, Up: 1, State: []string{"exists", "up"}}}
	h.MgrMap.ActiveName = "x"
	return h, nil
}

func (f fakeHealth) Full(ctx context.Context) (*ceph.HealthFull, error) {
	r, _ := f.Report(ctx)
	return &ceph.HealthFull{Health: *r, Hosts: 1}, nil
}

func (fakeHealth) Summary(context.Context) (*ceph.Summary, error) {
	return &ceph.Summary{HealthStatus: ceph.HealthOK, MgrID: "x", Version: "ceph version 16.2.15"}, nil
}

// fakePools keeps pools in a map. Create blocks on gate when it is set;
// List panics when panicky is set; Get of a pool named after an error code
// fails with that code.
type fakePools struct {
	mu      sync.Mutex
	pools   map[string]ceph.Pool
	gate    chan struct{}
	ctxErr  chan error // receives ctx.Err() after a gated Create
	panicky bool
}

func newFakePools() *fakePools {
	return &fakePools{pools: map[string]ceph.Pool{"rbd": {Pool: 1, PoolName: "rbd", Type: ceph.Replicated, Size: 3, PGNum: 32}}}
}

func (f *fakePools) List(ctx context.Context, _ *ceph.PoolListOptions) ([]ceph.Pool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panicky {
		panic("fake transport bug")
	}
	var out []ceph.Pool
	for _, p := range f.pools {
		out = append(out, p)
	}
	return out, nil
}

func (f *fakePools) Get(ctx context.Context, name string, _ *ceph.PoolGetOptions) (*ceph.Pool, error) {
	if code, ok := ceph.CodeFromName(name); ok {
		return nil, &ceph.Error{Code: code, Component: "pool", Detail: "injected " + name}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pools[name]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "pool", "No such pool")
	}
	return &p, nil
}

func (f *fakePools) Create(ctx context.Context, name string, opts *ceph.PoolCreateOptions) error {
	if f.gate != nil {
		<-f.gate
		if f.ctxErr != nil {
			f.ctxErr <- ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.pools[name]; ok {
		return ceph.Errorf(ceph.AlreadyExists, "pool", "pool '%s' already exists", name)
	}
	f.pools[name] = ceph.Pool{Pool: len(f.pools) + 1, PoolName: name, Type: opts.Type, PGNum: opts.PGNum}
	return nil
}

func (f *fakePools) Update(ctx context.Context, name string, opts *ceph.PoolUpdateOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pools[name]
	if !ok {
		return ceph.Errorf(ceph.NotFound, "pool", "No such pool")
	}
	if opts.NewName != nil {
		delete(f.pools, name)
		p.PoolName = *opts.NewName
	}
	if opts.PGNum != nil {
		p.PGNum = *opts.PGNum
	}
	f.pools[p.PoolName] = p
	return nil
}

func (f *fakePools) Delete(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.pools[name]; !ok {
		return ceph.Errorf(ceph.NotFound, "pool", "No such pool")
	}
	delete(f.pools, name)
	return nil
}

func (f *fakePools) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	return []ceph.PoolConfigOption{}, nil
}

type fixture struct {
	t     testing.TB
	srv   *Server
	store *auth.MemoryStore
	pools *fakePools
	admin string // admin token
}

func newFixture(t testing.TB, opts ...Option) *fixture {
	t.Helper()
	pools := newFakePools()
	return newFixtureWith(t, cephapi.New(&cephapi.Client{Health: fakeHealth{}, Pools: pools}), pools, opts...)
}

func newFixtureWith(t testing.TB, client *cephapi.Client, pools *fakePools, opts ...Option) *fixture {
	t.Helper()
	store, err := auth.NewMemoryStore("admin", "admin-pw", auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddUser("reader", "reader-pw", "read-only"); err != nil {
		t.Fatal(err)
	}
	if err := store.AddUser("poolmgr", "pool-pw", "pool-manager"); err != nil {
		t.Fatal(err)
	}
	srv := New(client, append([]Option{WithAccounts(store), WithJWTSecret([]byte("test-secret"))}, opts...)...)
	f := &fixture{t: t, srv: srv, store: store, pools: pools}
	f.admin = f.login("admin", "admin-pw")
	return f
}

const v1 = "application/vnd.ceph.api.v1.0+json"

type req struct {
	method, path, body string
	token              string
	accept             string // default v1
	header             map[string]string
}

func (f *fixture) do(r req) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.serve(r)
}

// serve is do without t.Helper (fuzz targets must not call the F's Helper).
func (f *fixture) serve(r req) *httptest.ResponseRecorder {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.accept == "" {
		r.accept = v1
	}
	if r.accept != "-" {
		hr.Header.Set("Accept", r.accept)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, hr)
	return w
}

func (f *fixture) login(user, pw string) string {
	f.t.Helper()
	b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	w := f.do(req{method: "POST", path: "/api/auth", body: string(b)})
	if w.Code != http.StatusCreated {
		f.t.Fatalf("login %s: %d %s", user, w.Code, w.Body)
	}
	var rsp LoginResponse
	if err := json.Unmarshal(w.Body.Bytes(), &rsp); err != nil {
		f.t.Fatal(err)
	}
	return rsp.Token
}

func decodeError(t testing.TB, w *httptest.ResponseRecorder) ErrorBody {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	if e.Code == "" || e.Detail == "" || e.Status == "" || e.RequestID == "" {
		t.Fatalf("incomplete error body %s", w.Body)
	}
	if got := w.Header().Get("X-Request-Id"); got != e.RequestID {
		t.Fatalf("request_id %q != header %q", e.RequestID, got)
	}
	return e
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
