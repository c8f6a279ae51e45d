package rest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/internal/cmdemu"
	"github.com/hashicorp/go-cleanhttp"
)

// Defaults of the options.
const (
	// DefaultTaskPollInterval is the pause between two polls of
	// GET /api/task while a 202 task runs.
	DefaultTaskPollInterval = 500 * time.Millisecond
	// DefaultMaxResponseBytes bounds every response body read (64 MiB: a
	// full health report of a large cluster is a few MiB).
	DefaultMaxResponseBytes = 64 << 20
	// DefaultCallTimeout bounds a call (its requests, re-login and task
	// polling) whose context has no deadline of its own, so that a server
	// that never answers cannot hang the caller.
	DefaultCallTimeout = 5 * time.Minute
	// DefaultUserAgent is sent unless WithUserAgent changes it.
	DefaultUserAgent = "cephapi-rest/1"
)

// Option configures New.
type Option func(*config)

type config struct {
	user, password string
	haveCreds      bool
	token          string
	hc             *http.Client
	tlsConfig      *tls.Config
	caFile         string
	insecure       bool
	userAgent      string
	pollInterval   time.Duration
	maxBytes       int64
	callTimeout    time.Duration
}

// WithCredentials logs in with user and password (POST /api/auth) on the
// first call and again, once, when the server rejects the token (401).
func WithCredentials(user, password string) Option {
	return func(c *config) { c.user, c.password, c.haveCreds = user, password, true }
}

// WithToken uses an existing token. With credentials as well, the token is
// used first and replaced by a new login when it is rejected; without
// credentials a rejected token is an Unauthenticated error.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithHTTPClient sets the HTTP client (default: go-cleanhttp's pooled
// client, no shared global state). Its Timeout, if any, bounds each request
// in addition to the call's context.
func WithHTTPClient(hc *http.Client) Option { return func(c *config) { c.hc = hc } }

// WithTLSConfig sets the TLS configuration of the default transport (or of
// a copy of the transport of the client given with WithHTTPClient, when it
// is an *http.Transport).
func WithTLSConfig(tc *tls.Config) Option { return func(c *config) { c.tlsConfig = tc } }

// WithCACertFile trusts the PEM certificates in file (in addition to none:
// only these roots are used), as a self-signed dashboard certificate needs.
func WithCACertFile(file string) Option { return func(c *config) { c.caFile = file } }

// WithInsecureSkipVerify turns off certificate verification. It is an
// explicit opt-in for test clusters; never use it in production.
func WithInsecureSkipVerify() Option { return func(c *config) { c.insecure = true } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// WithTaskPollInterval sets the pause between two polls of a running task
// (default DefaultTaskPollInterval).
func WithTaskPollInterval(d time.Duration) Option { return func(c *config) { c.pollInterval = d } }

// WithMaxResponseBytes bounds each response body (default
// DefaultMaxResponseBytes); a larger body fails the call with TooLarge.
func WithMaxResponseBytes(n int64) Option { return func(c *config) { c.maxBytes = n } }

// WithCallTimeout bounds each call whose context has no deadline (default
// DefaultCallTimeout). A context deadline always wins.
func WithCallTimeout(d time.Duration) Option { return func(c *config) { c.callTimeout = d } }

// client is the HTTP side shared by every service of one *cephapi.Client.
type client struct {
	base         *url.URL // always ends in "/"
	hc           *http.Client
	user, pass   string
	haveCreds    bool
	userAgent    string
	pollInterval time.Duration
	maxBytes     int64
	callTimeout  time.Duration

	mu      sync.Mutex
	token   string
	loginMu sync.Mutex
}

// New returns a client of the Ceph Dashboard REST API (or of this
// project's httpapi) at baseURL, for example "https://mgr:8443" or
// "https://gw.example.com/ceph" when the API sits under a prefix: every
// path is resolved relative to baseURL.
//
// New does not contact the server; the first call logs in.
func New(baseURL string, opts ...Option) (*cephapi.Client, error) {
	cl, err := newClient(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	parts := cephapi.Client{
		Health:              healthService{c: cl},
		Monitors:            monitorsService{c: cl},
		Pools:               poolsService{c: cl},
		CrushRules:          crushService{c: cl},
		ErasureCodeProfiles: ecpService{c: cl},
		Config:              configService{c: cl},
		MgrModules:          mgrService{c: cl},
		Logs:                logsService{c: cl},
		PerfCounters:        perfService{c: cl},
		Hosts:               hostsService{c: cl},
		OSDs:                osdsService{c: cl},
		OSDFlags:            flagsService{c: cl},
		OSDLifecycle:        lifecycleService{c: cl},
		RBD: cephapi.RBD{
			Images: imagesService{c: cl}, Snapshots: snapshotsService{c: cl},
			Trash: trashService{c: cl}, Namespaces: namespacesService{c: cl},
			Mirroring: mirroringService{c: cl}, Peers: peersService{c: cl},
		},
		CephFS: cephapi.CephFS{FileSystems: fileSystemsService{c: cl}, Directories: directoriesService{c: cl}},
		RGW: cephapi.RGW{
			Daemons: rgwDaemons{c: cl}, Site: rgwSite{c: cl},
			Users: rgwUsers{c: cl}, Buckets: rgwBuckets{c: cl},
		},
	}
	c := cephapi.New(&parts, cephapi.WithCloser(func() error {
		cl.hc.CloseIdleConnections()
		return nil
	}))
	// A dashboard cannot run raw commands: the emulator answers them from
	// the REST-backed services.
	c.Commands = ceph.ValidatedCommander(cmdemu.New(c))
	return c, nil
}

func newClient(baseURL string, opts ...Option) (*client, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, &ceph.Error{Code: ceph.InvalidArgument, Component: "rest", Detail: fmt.Sprintf("invalid base URL %q: %v", baseURL, err), Err: err}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rest", "invalid base URL %q: want http(s)://host[:port][/prefix]", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rest", "invalid base URL %q: no query, fragment or user info allowed", baseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	hc, err := cfg.httpClient()
	if err != nil {
		return nil, err
	}
	cl := &client{
		base: u, hc: hc, user: cfg.user, pass: cfg.password, haveCreds: cfg.haveCreds,
		userAgent: cfg.userAgent, pollInterval: cfg.pollInterval, maxBytes: cfg.maxBytes,
		token: cfg.token, callTimeout: cfg.callTimeout,
	}
	if cl.callTimeout <= 0 {
		cl.callTimeout = DefaultCallTimeout
	}
	if cl.userAgent == "" {
		cl.userAgent = DefaultUserAgent
	}
	if cl.pollInterval <= 0 {
		cl.pollInterval = DefaultTaskPollInterval
	}
	if cl.maxBytes <= 0 {
		cl.maxBytes = DefaultMaxResponseBytes
	}
	if !cl.haveCreds && cl.token == "" {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rest", "no credentials: give WithCredentials or WithToken")
	}
	return cl, nil
}

func (cfg *config) httpClient() (*http.Client, error) {
	wantTLS := cfg.tlsConfig != nil || cfg.caFile != "" || cfg.insecure
	hc := cfg.hc
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
	} else if wantTLS {
		cp := *hc
		hc = &cp
	}
	if !wantTLS {
		return hc, nil
	}
	var tr *http.Transport
	switch t := hc.Transport.(type) {
	case nil:
		tr = cleanhttp.DefaultPooledTransport()
	case *http.Transport:
		tr = t.Clone()
	default:
		return nil, ceph.Errorf(ceph.InvalidArgument, "rest", "TLS options need an *http.Transport, the HTTP client has a %T", t)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.tlsConfig != nil {
		tc = cfg.tlsConfig.Clone()
	}
	if cfg.caFile != "" {
		pem, err := os.ReadFile(cfg.caFile)
		if err != nil {
			return nil, &ceph.Error{Code: ceph.InvalidArgument, Component: "rest", Detail: fmt.Sprintf("reading CA file: %v", err), Err: err}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, ceph.Errorf(ceph.InvalidArgument, "rest", "no PEM certificate in CA file %s", cfg.caFile)
		}
		tc.RootCAs = pool
	}
	if cfg.insecure {
		tc.InsecureSkipVerify = true
	}
	tr.TLSClientConfig = tc
	hc.Transport = tr
	return hc, nil
}

// request is one API call before it is sent; it can be sent twice (after a
// new login).
type request struct {
	op    *ops.Operation
	path  string // relative to the base URL
	query url.Values
	body  []byte
}

// newRequest builds the request of op from req (a pointer to op's
// request type, as the server decodes it; nil for none): path parameters
// (each escaped as one path segment, so "pool/image" becomes
// "pool%2Fimage"), query and JSON body.
func (c *client) newRequest(op *ops.Operation, req any) (*request, error) {
	p, q, body, err := ops.Encode(op, req)
	if err != nil {
		return nil, err
	}
	return &request{op: op, path: p, query: q, body: body}, nil
}

func (c *client) httpRequest(ctx context.Context, r *request, token string) (*http.Request, error) {
	ref := &url.URL{Path: unescapePath(r.path), RawPath: r.path}
	if r.query != nil {
		ref.RawQuery = r.query.Encode()
	}
	u := c.base.ResolveReference(ref)
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.op.Method, u.String(), body)
	if err != nil {
		return nil, &ceph.Error{Code: ceph.InvalidArgument, Component: r.op.Component, Detail: err.Error(), Err: err}
	}
	req.Header.Set("Accept", r.op.Version.MediaType())
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

func unescapePath(p string) string {
	s, err := url.PathUnescape(p)
	if err != nil {
		return p
	}
	return s
}

// response is a read response: status, header and the bounded body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send sends r once with token and reads the whole (bounded) body.
func (c *client) send(ctx context.Context, r *request, token string) (*response, error) {
	if err := ceph.CheckContext(ctx, r.op.Component); err != nil {
		return nil, err
	}
	req, err := c.httpRequest(ctx, r, token)
	if err != nil {
		return nil, err
	}
	rsp, err := c.hc.Do(req)
	if err != nil {
		return nil, transportError(ctx, r, err)
	}
	defer rsp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(rsp.Body, c.maxBytes+1))
	if err != nil {
		return nil, transportError(ctx, r, err)
	}
	if int64(len(body)) > c.maxBytes {
		return nil, &ceph.Error{
			Code: ceph.TooLarge, Component: r.op.Component,
			Detail: fmt.Sprintf("%s %s: response body exceeds %d bytes", r.op.Method, r.path, c.maxBytes),
			Err:    &ResponseError{StatusCode: rsp.StatusCode, Header: rsp.Header, Body: body[:min(len(body), 4096)], Method: r.op.Method, URL: req.URL.Redacted()},
		}
	}
	return &response{status: rsp.StatusCode, header: rsp.Header, body: body}, nil
}

// transportError classifies an error of the HTTP round trip: the caller's
// context first, then timeouts, then everything else (refused connection,
// DNS, TLS, reset) as Unavailable.
func transportError(ctx context.Context, r *request, err error) error {
	if ctx.Err() != nil {
		return ceph.CheckContext(ctx, r.op.Component)
	}
	code := ceph.Unavailable
	var ne interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		code = ceph.DeadlineExceeded
	}
	return &ceph.Error{Code: code, Component: r.op.Component, Detail: fmt.Sprintf("%s %s: %v", r.op.Method, r.path, err), Err: err}
}

func (c *client) currentToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// ensureToken logs in when there is no token yet.
func (c *client) ensureToken(ctx context.Context) (string, error) {
	if tok := c.currentToken(); tok != "" {
		return tok, nil
	}
	return c.relogin(ctx, "")
}

// relogin logs in again unless another call already replaced stale.
func (c *client) relogin(ctx context.Context, stale string) (string, error) {
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if tok := c.currentToken(); tok != stale {
		return tok, nil
	}
	tok, err := c.login(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.token = tok
	c.mu.Unlock()
	return tok, nil
}

// login is POST /api/auth. A bad login (the dashboard's 400
// invalid_credentials) is Unauthenticated with Reason "invalid_credentials".
func (c *client) login(ctx context.Context) (string, error) {
	if !c.haveCreds {
		return "", ceph.Errorf(ceph.Unauthenticated, "auth", "the token was rejected and no credentials are configured to log in again")
	}
	r, err := c.newRequest(ops.Login.Operation, &ops.LoginRequest{Username: c.user, Password: c.pass})
	if err != nil {
		return "", err
	}
	rsp, err := c.send(ctx, r, "")
	if err != nil {
		return "", err
	}
	if rsp.status >= 300 {
		return "", c.responseError(r, rsp)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(rsp.body, &out); err != nil || out.Token == "" {
		return "", &ceph.Error{Code: ceph.Internal, Component: "auth", Detail: "the login answer carries no token", Err: c.respErr(r, rsp)}
	}
	return out.Token, nil
}

// do sends r (logging in first when needed, and once more after a 401),
// follows a 202 task to its end, turns an error status into *ceph.Error
// and decodes a success body into out (when out is not nil).
func (c *client) do(ctx context.Context, r *request, out any) (*response, error) {
	tok, err := c.ensureToken(ctx)
	if err != nil {
		return nil, err
	}
	rsp, err := c.send(ctx, r, tok)
	if err != nil {
		return nil, err
	}
	if rsp.status == http.StatusUnauthorized && c.haveCreds {
		if tok, err = c.relogin(ctx, tok); err != nil {
			return nil, err
		}
		if rsp, err = c.send(ctx, r, tok); err != nil {
			return nil, err
		}
	}
	if rsp.status >= 300 {
		return nil, c.responseError(r, rsp)
	}
	body := rsp.body
	if rsp.status == http.StatusAccepted {
		if body, err = c.waitTask(ctx, r, rsp); err != nil {
			return nil, err
		}
	}
	if out != nil {
		if err := decode(body, out); err != nil {
			return nil, &ceph.Error{Code: ceph.Internal, Component: r.op.Component,
				Detail: fmt.Sprintf("%s %s: cannot decode the answer: %v", r.op.Method, r.path, err), Err: c.respErr(r, rsp)}
		}
	}
	return rsp, nil
}

// call is newRequest plus do, bounded by the call timeout when ctx has
// no deadline.
func (c *client) call(ctx context.Context, op *ops.Operation, req, out any) (*response, error) {
	r, err := c.newRequest(op, req)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.callTimeout)
		defer cancel()
	}
	return c.do(ctx, r, out)
}

// send calls op with its typed request and decodes the answer into out
// (nil: ignore it).
func send[Req any](ctx context.Context, c *client, op ops.Op[Req], req *Req, out any) (*response, error) {
	return c.call(ctx, op.Operation, req, out)
}

// get calls op and returns its answer as a *T.
func get[T, Req any](ctx context.Context, c *client, op ops.Op[Req], req *Req) (*T, error) {
	var out T
	if _, err := send(ctx, c, op, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// exec calls op for its effect.
func exec[Req any](ctx context.Context, c *client, op ops.Op[Req], req *Req) error {
	_, err := send(ctx, c, op, req, nil)
	return err
}

func decode(body []byte, out any) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	return json.Unmarshal(b, out)
}

func (c *client) respErr(r *request, rsp *response) *ResponseError {
	return &ResponseError{StatusCode: rsp.status, Header: rsp.header, Body: rsp.body, Method: r.op.Method, URL: c.base.ResolveReference(&url.URL{Path: unescapePath(r.path), RawPath: r.path}).Redacted()}
}
