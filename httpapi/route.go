package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// Version is a dashboard API version (major.minor).
type Version = ops.Version

// Dashboard versions in use (dashboard controllers/_version.py).
var (
	V1   = ops.V1_0 // APIVersion.DEFAULT
	V01  = ops.V0_1 // APIVersion.EXPERIMENTAL
	V1_1 = ops.V1_1
	V2   = ops.V2_0
)

const mediaTypePrefix, mediaTypeSuffix = "application/vnd.ceph.api.v", "+json"

// ParseMediaType reads the version from an Accept header. The dashboard
// matches the whole header against the media type; we also accept it as one
// element of a comma-separated list (parameters such as q= are ignored), so
// clients that add "*/*" still work. Anything else, including a missing
// header, "*/*" and "application/json", has no version: the dashboard
// answers those 415 "Unable to find version in request header", and so do we.
func ParseMediaType(accept string) (Version, bool) {
	for accept != "" {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		mt, _, _ := strings.Cut(part, ";")
		if v, ok := parseVersionedType(strings.TrimSpace(mt)); ok {
			return v, true
		}
	}
	return Version{}, false
}

// parseVersionedType reads "application/vnd.ceph.api.v<major>.<minor>+json"
// with 1 to 6 digits in each number.
func parseVersionedType(mt string) (Version, bool) {
	rest, ok := strings.CutPrefix(mt, mediaTypePrefix)
	if !ok {
		return Version{}, false
	}
	if rest, ok = strings.CutSuffix(rest, mediaTypeSuffix); !ok {
		return Version{}, false
	}
	maj, min, ok := strings.Cut(rest, ".")
	if !ok {
		return Version{}, false
	}
	a, ok1 := smallNumber(maj)
	b, ok2 := smallNumber(min)
	return Version{Major: a, Minor: b}, ok1 && ok2
}

// smallNumber parses 1 to 6 ASCII digits.
func smallNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Route is one operation of the API as this server serves it: the row of
// the operation table (package ops) and whether a binding implements it.
// The middleware reads Scope, Permission, Version and Public to
// authenticate, authorize and negotiate before the binding runs.
type Route struct {
	Method string
	// Path is a net/http ServeMux pattern path ("/api/osd/{svc_id}").
	Path string
	// Scope is the dashboard security scope; "" means any authenticated
	// user (health, summary, task, the perf counter list).
	Scope auth.Scope
	// Permission is the one the scope needs (read, create, update, delete).
	Permission auth.Permission
	// Version is the endpoint's API version.
	Version Version
	// Public routes need no token (the auth controller).
	Public bool
	// Task names the dashboard task ("pool/create") the operation runs as.
	Task string
	// TaskWait overrides the server's default task wait for this route
	// (the dashboard waits 4 s for RBD edits, 2 s for most others); an
	// explicit WithTaskWait applies to every route.
	TaskWait time.Duration
	// Status is the success status.
	Status int
	// Implemented is false for operations without a binding: they answer
	// 501 not_implemented.
	Implemented bool
	// Op is the operation's row of the table.
	Op *ops.Operation

	handle handlerFunc
	// mediaType is the Content-Type header of the answers (Version's).
	mediaType []string
	// memo keeps the encodings of memoized answers.
	memo *memo
}

// newRoute makes the route of op, served by handle (nil: 501).
func newRoute(op *ops.Operation, handle handlerFunc) Route {
	rt := Route{
		Method: op.Method, Path: op.Path, Scope: auth.Scope(op.Scope), Permission: auth.Permission(op.Permission),
		Version: op.Version, Public: op.Public, Task: op.Task, Status: op.Status,
		TaskWait:    time.Duration(op.TaskWaitSeconds * float64(time.Second)),
		Implemented: handle != nil, Op: op, handle: handle,
		mediaType: []string{op.Version.MediaType()}, memo: &memo{},
	}
	if rt.handle == nil {
		rt.handle = notImplemented
	}
	return rt
}

func notImplemented(c *call) (any, error) {
	return nil, ceph.Errorf(ceph.Unimplemented, "", "%s %s is not implemented by this server yet", c.route.Method, c.route.Path)
}

// routeHandler builds the middleware chain of one route from its data:
// body limit, authentication, authorization, version negotiation, handler.
func (s *Server) routeHandler(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		}
		c := &call{s: s, w: w, r: r, route: rt}
		if info := infoFrom(r.Context()); info != nil {
			info.route = rt
			c.info = info
		}
		if !rt.Public {
			if err := s.authenticate(c); err != nil {
				s.writeError(w, r, err)
				return
			}
			if c.user.PwdUpdateRequired && !pwdChangeRoutes[rt.Op.ID] {
				s.writeError(w, r, errPasswordUpdateRequired())
				return
			}
			if rt.Scope != "" && !auth.Authorize(c.user, c.perms, rt.Scope, rt.Permission) {
				s.writeError(w, r, errForbidden())
				return
			}
		}
		if err := negotiate(rt, r); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.dispatch(c)
	})
}

func negotiate(rt *Route, r *http.Request) error {
	v, ok := ParseMediaType(r.Header.Get("Accept"))
	if !ok {
		return &ceph.Error{Code: ceph.UnsupportedVersion, Detail: "Unable to find version in request header"}
	}
	if !rt.Version.Supports(v) {
		return &ceph.Error{Code: ceph.UnsupportedVersion, Detail: fmt.Sprintf("Incorrect version: endpoint is '%s', client requested '%s'", rt.Version, v)}
	}
	return nil
}

func errUnauthorized(cause error) *ceph.Error {
	return &ceph.Error{Code: ceph.Unauthenticated, Detail: "You are not authorized to access that resource", Err: cause}
}

// pwdChangeRoutes are the operations a user who must change its password
// may call: everything else is refused until it has.
var pwdChangeRoutes = map[string]bool{
	ops.UserChangePassword.ID: true, ops.UserValidatePassword.ID: true,
	ops.Logout.ID: true, ops.AuthCheck.ID: true,
}

func errPasswordUpdateRequired() *ceph.Error {
	return &ceph.Error{Code: ceph.PermissionDenied, Component: "auth", Reason: "pwd_update_required",
		Detail: "You must change your password (POST /api/user/{username}/change_password) before any other call"}
}

func errForbidden() *ceph.Error {
	return &ceph.Error{Code: ceph.PermissionDenied, Detail: "You don't have permissions to access that resource"}
}

// authenticate reads the token from the Authorization header (Bearer) or,
// failing that, the "token" cookie. The dashboard looks at the cookie
// first; we prefer the explicit header so that a stale browser cookie
// cannot shadow it. A bearer value may also be an API key. A write
// authenticated by the cookie alone must pass the cross-site request
// forgery check (sameOrigin).
func (s *Server) authenticate(c *call) error {
	tok, fromCookie := credential(c.r)
	if tok == "" {
		return errUnauthorized(nil)
	}
	if fromCookie {
		if err := sameOrigin(c.r); err != nil {
			return err
		}
	}
	u, claims, err := s.verify(c.r.Context(), tok)
	if err != nil {
		if ceph.CodeOf(err) == ceph.Unauthenticated {
			return errUnauthorized(err)
		}
		return err
	}
	perms, err := auth.UserPermissions(c.r.Context(), s.accounts, u)
	if err != nil {
		return err
	}
	c.user, c.claims, c.perms = u, claims, perms
	if c.info != nil {
		c.info.user = u.Username
	}
	return nil
}

// verify checks a bearer credential: an API key (auth.APIKeyPrefix) when
// the store keeps them, otherwise a JWT. claims is nil for an API key.
func (s *Server) verify(ctx context.Context, tok string) (*auth.User, *auth.Claims, error) {
	if strings.HasPrefix(tok, auth.APIKeyPrefix) {
		ks, ok := s.accounts.(auth.APIKeys)
		if !ok {
			return nil, nil, &ceph.Error{Code: ceph.Unauthenticated, Component: "auth", Detail: "this server's account store has no API keys"}
		}
		u, _, err := ks.AuthenticateAPIKey(ctx, tok)
		return u, nil, err
	}
	return s.tokens.Verify(ctx, s.accounts, tok)
}

// credential returns the request's bearer token or, without one, its
// token cookie, and whether it came from the cookie.
func credential(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimSpace(tok), false
		}
	}
	if ck, err := r.Cookie("token"); err == nil {
		return ck.Value, true
	}
	return "", false
}

// sameOrigin is the cross-site request forgery check of requests that a
// browser authenticates with the token cookie on its own: a write (any
// method but GET, HEAD and OPTIONS) must not come from another origin
// (Origin, else Referer, names another host than the request's), and
// must not carry a body a plain HTML form can send (text/plain,
// application/x-www-form-urlencoded, multipart/form-data), since a form
// can be posted from any site without a preflight. The dashboard's web
// UI sends JSON from its own origin and passes. Bearer tokens, API keys
// and HTTP Basic are never sent by a browser on its own and are not
// checked.
func sameOrigin(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	forbidden := func(why string) error {
		return &ceph.Error{Code: ceph.PermissionDenied, Component: "auth", Reason: "csrf",
			Detail: "Cross-site request refused: " + why + " (send the token as Authorization: Bearer, or send JSON from the server's own origin)"}
	}
	origin := r.Header.Get("Origin")
	if origin == "null" {
		return forbidden("the request comes from an opaque origin")
	}
	src := origin
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src != "" {
		u, err := url.Parse(src)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return forbidden("the request comes from another origin")
		}
	}
	if r.ContentLength != 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mt = strings.ToLower(mt)
		if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return forbidden("a cookie-authenticated write must send JSON")
		}
	}
	return nil
}

func tokenFrom(r *http.Request) string {
	tok, _ := credential(r)
	return tok
}
