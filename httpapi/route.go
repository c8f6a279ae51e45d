package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

// Version is a dashboard API version (major.minor).
type Version struct{ Major, Minor int }

// Dashboard versions in use (dashboard controllers/_version.py).
var (
	V1   = Version{1, 0} // APIVersion.DEFAULT
	V01  = Version{0, 1} // APIVersion.EXPERIMENTAL
	V1_1 = Version{1, 1}
	V2   = Version{2, 0}
)

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// MediaType is the versioned JSON media type, application/vnd.ceph.api.vX.Y+json.
func (v Version) MediaType() string { return "application/vnd.ceph.api.v" + v.String() + "+json" }

// Supports reports whether an endpoint at v serves a client asking for c:
// same major, client minor not higher (dashboard APIVersion.supports).
func (v Version) Supports(c Version) bool { return v.Major == c.Major && c.Minor <= v.Minor }

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
	return Version{a, b}, ok1 && ok2
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

// Route is one operation of the API. The table of routes is data: the
// middleware reads Scope, Permission, Version and Public to authenticate,
// authorize and negotiate before the handler runs.
type Route struct {
	Method string
	// Path is a net/http ServeMux pattern path ("/api/osd/{svc_id}").
	Path string
	// Scope is the dashboard security scope; "" means any authenticated
	// user (health, summary, task, the perf counter list).
	Scope string
	// Permission defaults from Method (GET read, POST create, PUT update,
	// DELETE delete) as the dashboard's RESTController does, unless the
	// controller overrides it (for example osd scrub is update).
	Permission string
	// Version is the endpoint's API version (default 1.0), from the
	// dashboard's OpenAPI document.
	Version Version
	// Public routes need no token (the auth controller).
	Public bool
	// Task names the dashboard task ("pool/create") a task-backed handler
	// runs under.
	Task string
	// TaskWait overrides the server's default task wait for this route
	// (the dashboard waits 4 s for RBD edits, 2 s for most others); an
	// explicit WithTaskWait applies to every route.
	TaskWait time.Duration
	// Status is the success status (default: POST 201, DELETE 204, else 200).
	Status int
	// Implemented is false for routes that answer 501 until their issue lands.
	Implemented bool

	handle handlerFunc
	// mediaType is the Content-Type header of the answers (Version's).
	mediaType []string
	// memo keeps the encodings of memoized answers.
	memo *memo
}

func (rt *Route) normalize() {
	if rt.Version == (Version{}) {
		rt.Version = V1
	}
	rt.mediaType = []string{rt.Version.MediaType()}
	rt.memo = &memo{}
	if rt.Permission == "" {
		rt.Permission = permissionFor(rt.Method)
	}
	if rt.Status == 0 {
		switch rt.Method {
		case http.MethodPost:
			rt.Status = http.StatusCreated
		case http.MethodDelete:
			rt.Status = http.StatusNoContent
		default:
			rt.Status = http.StatusOK
		}
	}
	if rt.handle == nil {
		rt.handle = notImplemented
	} else {
		rt.Implemented = true
	}
}

func permissionFor(method string) string {
	switch method {
	case http.MethodPost:
		return auth.Create
	case http.MethodPut:
		return auth.Update
	case http.MethodDelete:
		return auth.Delete
	}
	return auth.Read
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

func errForbidden() *ceph.Error {
	return &ceph.Error{Code: ceph.PermissionDenied, Detail: "You don't have permissions to access that resource"}
}

// authenticate reads the token from the Authorization header (Bearer) or,
// failing that, the "token" cookie. The dashboard looks at the cookie
// first; we prefer the explicit header so that a stale browser cookie
// cannot shadow it.
func (s *Server) authenticate(c *call) error {
	tok := tokenFrom(c.r)
	if tok == "" {
		return errUnauthorized(nil)
	}
	u, claims, err := s.tokens.Verify(c.r.Context(), s.accounts, tok)
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

func tokenFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimSpace(tok)
		}
	}
	if ck, err := r.Cookie("token"); err == nil {
		return ck.Value
	}
	return ""
}
