package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// Defaults of the options.
const (
	DefaultMaxBodyBytes = 1 << 20
	// DefaultTaskWait is how long a task-backed call waits before it answers
	// 202, as the dashboard's pool and RBD tasks (wait_for=2.0).
	DefaultTaskWait = 2 * time.Second
	// DefaultTaskTimeout bounds a task's work once it is detached from the
	// request.
	DefaultTaskTimeout = 10 * time.Minute
)

// Server serves a *cephapi.Client as the Ceph Dashboard REST API under /api
// (and, when WithLegacy is given, the legacy API under /api/v0.1). It is an
// http.Handler and is safe for concurrent use.
type Server struct {
	client        *cephapi.Client
	accounts      auth.Store
	tokens        *auth.Tokens
	log           *slog.Logger
	maxBody       int64
	taskWait      time.Duration
	taskWaitSet   bool
	taskTimeout   time.Duration
	now           func() time.Time
	legacy        http.Handler
	legacyBuild   func(func(*http.Request, string, string) error) http.Handler
	loopbackReads bool
	secret        []byte
	ttl           time.Duration
	auditSink     func(context.Context, string) error
	auditSlots    chan struct{}
	uiDir         string
	ui            *ui // the web UI served at "/" (WithUI); nil for none

	routes  []Route
	mux     *http.ServeMux
	tasks   *taskManager
	handler http.Handler
	ids     *requestIDs
}

// Option configures New.
type Option func(*Server)

// WithAccounts sets the account store. Without it nobody can log in.
func WithAccounts(s auth.Store) Option { return func(srv *Server) { srv.accounts = s } }

// WithJWTSecret sets the HS256 signing secret. Without it the account
// store's secret is used when it keeps one (auth.DB does), else a random
// one, and then tokens do not survive a restart.
func WithJWTSecret(secret []byte) Option {
	return func(srv *Server) { srv.secret = append([]byte(nil), secret...) }
}

// WithTokenTTL sets the token lifetime (default 8 hours).
func WithTokenTTL(d time.Duration) Option { return func(srv *Server) { srv.ttl = d } }

// WithLogger sets the logger for access and error logs (default: discard).
func WithLogger(l *slog.Logger) Option { return func(srv *Server) { srv.log = l } }

// WithMaxBodyBytes limits request bodies (default 1 MiB); larger bodies get 413.
func WithMaxBodyBytes(n int64) Option { return func(srv *Server) { srv.maxBody = n } }

// WithTaskWait sets how long a task-backed call waits for its task before
// answering 202 (default 2 s). Zero answers 202 unless the task is already
// done.
func WithTaskWait(d time.Duration) Option {
	return func(srv *Server) { srv.taskWait, srv.taskWaitSet = d, true }
}

// WithTaskTimeout bounds the work of one task (default 10 minutes).
func WithTaskTimeout(d time.Duration) Option { return func(srv *Server) { srv.taskTimeout = d } }

// WithClock sets the clock (tokens, task times). Tests use it.
func WithClock(now func() time.Time) Option { return func(srv *Server) { srv.now = now } }

// WithLegacy mounts h at /api/v0.1/ (the prefix is stripped). To give h
// this server's authorizer, use WithLegacyBuilder instead.
func WithLegacy(h http.Handler) Option { return func(srv *Server) { srv.legacy = h } }

// WithLegacyBuilder mounts at /api/v0.1/ the handler build returns; New
// calls build with the server's LegacyAuthorizer, which does not exist
// before New runs. With the legacy package:
//
//	httpapi.WithLegacyBuilder(func(authz func(*http.Request, string, string) error) http.Handler {
//		return legacy.New(client.Commands, authz)
//	})
func WithLegacyBuilder(build func(authorize func(r *http.Request, scope, permission string) error) http.Handler) Option {
	return func(srv *Server) { srv.legacyBuild = build }
}

// WithLoopbackAnonymousReads lets the legacy API serve reads without
// credentials. The program sets it only when it listens on a loopback
// address; writes always need credentials.
func WithLoopbackAnonymousReads(on bool) Option { return func(srv *Server) { srv.loopbackReads = on } }

// New returns the server for client. A nil client serves every call as
// not implemented.
func New(client *cephapi.Client, opts ...Option) *Server {
	if client == nil {
		client = cephapi.New(nil)
	}
	s := &Server{
		client:      client,
		accounts:    noAccounts{},
		log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxBody:     DefaultMaxBodyBytes,
		taskWait:    DefaultTaskWait,
		taskTimeout: DefaultTaskTimeout,
		now:         time.Now,
		ids:         newRequestIDs(),
		auditSlots:  make(chan struct{}, 16),
	}
	for _, o := range opts {
		o(s)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.taskTimeout <= 0 {
		s.taskTimeout = DefaultTaskTimeout
	}
	if s.taskWait < 0 {
		s.taskWait = 0
	}
	if len(s.secret) == 0 {
		// A store that keeps the signing secret makes tokens survive a
		// restart and valid on every server sharing the store.
		if ss, ok := s.accounts.(interface {
			JWTSecret(context.Context) ([]byte, error)
		}); ok {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			secret, err := ss.JWTSecret(ctx)
			cancel()
			if err != nil {
				s.log.Warn("the account store keeps no token secret; tokens will not survive a restart", "error", err)
			} else {
				s.secret = secret
			}
		}
	}
	tokens, err := auth.NewTokens(s.secret, s.ttl, s.now)
	if err != nil {
		// Only a failing system random source gets here.
		panic(err)
	}
	s.tokens = tokens
	s.secret = nil
	s.tasks = newTaskManager(s.now, s.log)
	if s.uiDir != "" {
		u, err := newUI(s.uiDir)
		if err != nil {
			s.log.Warn("the web UI is not served", "error", err)
		} else {
			s.ui = u
		}
	}
	bound := map[*ops.Operation]handlerFunc{}
	for _, b := range s.bindings() {
		if bound[b.op] != nil {
			panic("httpapi: " + b.op.String() + " is bound twice")
		}
		bound[b.op] = b.handle
	}
	s.routes = make([]Route, 0, len(ops.All))
	for _, op := range ops.All {
		s.routes = append(s.routes, newRoute(op, bound[op]))
	}
	s.mux = http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		s.mux.Handle(rt.Method+" "+rt.Path, s.routeHandler(rt))
	}
	docs, err := docsHandler(func(o *ops.Operation) bool { return bound[o] != nil })
	if err != nil {
		panic("httpapi: the API document: " + err.Error()) // the table is broken
	}
	s.mux.Handle("GET "+docsPath, docs)
	s.mux.Handle("GET "+docsPath+"/", docs)
	if s.ui != nil {
		s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.ui.serve(w, r, s.notFound) })
	} else {
		s.mux.HandleFunc("GET /{$}", rootRedirect)
	}
	s.mux.Handle("/", http.HandlerFunc(s.notFound))
	if s.legacyBuild != nil {
		s.legacy = s.legacyBuild(s.LegacyAuthorizer())
	}
	if s.legacy != nil {
		s.mux.Handle("/api/v0.1/", http.StripPrefix("/api/v0.1", s.legacy))
	}
	s.handler = s.frame(s.mux)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns a copy of the route table.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	copy(out, s.routes)
	return out
}

// Tokens returns the server's token manager (to issue tokens for tests or
// tools).
func (s *Server) Tokens() *auth.Tokens { return s.tokens }

// noAccounts is the store of a server built without WithAccounts.
type noAccounts struct{}

func (noAccounts) User(context.Context, string) (*auth.User, error) {
	return nil, ceph.Errorf(ceph.NotFound, "user", "no such user")
}
func (noAccounts) Role(context.Context, string) (*auth.Role, error) {
	return nil, ceph.Errorf(ceph.NotFound, "role", "no such role")
}
func (noAccounts) Authenticate(context.Context, string, string) (*auth.User, error) {
	return nil, auth.InvalidCredentials()
}
