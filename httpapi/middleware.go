package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// reqInfo travels with a request (in its context) so the outer middleware
// can log what the inner layers learned.
type reqInfo struct {
	id    string
	route *Route
	user  string
}

type ctxKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	i, _ := ctx.Value(ctxKey{}).(*reqInfo)
	return i
}

// RequestID returns the request id of a request handled by the server.
func RequestID(ctx context.Context) string {
	if i := infoFrom(ctx); i != nil {
		return i.id
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// requestIDs makes request ids: a random per-server prefix and a counter,
// unique without a call to the random source per request (ids name
// requests in logs; they are not secrets).
type requestIDs struct {
	prefix [12]byte // hex of 6 random bytes
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [6]byte
	_, _ = rand.Read(b[:])
	ids := &requestIDs{}
	hex.Encode(ids.prefix[:], b[:])
	return ids
}

// next returns 24 hex digits: the prefix, then the counter.
func (ids *requestIDs) next() string {
	var b [24]byte
	copy(b[:], ids.prefix[:])
	n := ids.n.Add(1)
	for i := len(b) - 1; i >= len(ids.prefix); i-- {
		b[i] = "0123456789abcdef"[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

// Headers every answer carries, as the dashboard's: no MIME sniffing, no
// framing by other sites. The slices are shared by all answers; net/http
// only reads them, and a handler that sets one replaces the slice. Code
// that wraps the server must do the same (Set, Del, Add or assignment),
// never write into a header's value slice.
var (
	nosniffHeader = []string{"nosniff"}
	cspHeader     = []string{"frame-ancestors 'self';"}
)

// exchange is the state of one request kept by the server's outer frame:
// what the response was (for the log) and what the inner layers learned
// (reqInfo, in the request's context). One allocation per request.
type exchange struct {
	recorder
	info reqInfo
}

// frame is the outer middleware of every request: it takes a well-formed
// X-Request-Id from the client or makes one and echoes it, sets the common
// headers, turns a panic in a handler into a 500 Internal error body (the
// server keeps running), and logs one line per request: at Info for writes
// and failures, at Debug for successful reads (GET and HEAD below 400),
// which dashboards poll several times a second and which cost a formatted
// line and a write each. It never logs the query string (tokens may travel
// in it) nor any header.
func (s *Server) frame(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		x := &exchange{recorder: recorder{ResponseWriter: w}}
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = s.ids.next()
		}
		x.info.id = id
		h := w.Header()
		h["X-Request-Id"] = []string{id}
		h["X-Content-Type-Options"] = nosniffHeader
		h["Content-Security-Policy"] = cspHeader
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &x.info))
		if ab := s.startAudit(r); ab != nil {
			defer s.audit(x, r, ab)
		}
		defer s.logRequest(x, r, start)
		defer s.recoverPanic(x, r)
		next.ServeHTTP(&x.recorder, r)
	})
}

// recoverPanic answers 500 for a panic in a handler and logs it with the
// stack. http.ErrAbortHandler goes on up, as net/http expects.
func (s *Server) recoverPanic(x *exchange, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.ErrorContext(r.Context(), "panic in handler",
		"request_id", x.info.id, "method", r.Method, "path", r.URL.Path,
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if x.status == 0 {
		s.writeError(&x.recorder, r, &ceph.Error{Code: ceph.Internal, Detail: "Internal server error"})
	}
}

// logRequest writes the access log line of x.
func (s *Server) logRequest(x *exchange, r *http.Request, start time.Time) {
	level := slog.LevelInfo
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && x.status < 400 {
		level = slog.LevelDebug
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", x.status),
		slog.Int64("bytes", x.bytes),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", x.info.id),
	}
	if x.info.route != nil {
		attrs = append(attrs, slog.String("route", x.info.route.Method+" "+x.info.route.Path))
	}
	if x.info.user != "" {
		attrs = append(attrs, slog.String("user", x.info.user))
	}
	s.log.LogAttrs(r.Context(), level, "http request", attrs...)
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// notFound answers paths outside the table: 405 with Allow when the path
// exists for other methods, else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if s.ui != nil && isUIPath(r) {
		s.ui.serve(w, r, s.apiNotFound)
		return
	}
	// A collection with a trailing slash is the collection, as the
	// dashboard's CherryPy routes take it (its web UI asks for
	// /api/cluster_conf/).
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") && (strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ui-api/")) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimSuffix(p, "/")
		r2.URL.RawPath = ""
		if _, pat := s.mux.Handler(r2); pat != "" && pat != "/" {
			s.mux.ServeHTTP(w, r2)
			return
		}
	}
	s.apiNotFound(w, r)
}

// apiNotFound answers a path no route has: 405 with Allow when another
// method has one, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pat := s.mux.Handler(probe); pat != "" && pat != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, &ceph.Error{Code: ceph.InvalidArgument, Detail: "The path '" + r.URL.Path + "' does not allow " + r.Method}, http.StatusMethodNotAllowed)
		return
	}
	s.writeError(w, r, &ceph.Error{Code: ceph.NotFound, Detail: "The path '" + r.URL.Path + "' was not found."})
}

// ErrorBody is the error document: the dashboard's controller shape
// (detail, code, component) and its framework shape (status, detail,
// request_id) in one body, so clients of either shape can read it.
type ErrorBody struct {
	Detail    string  `json:"detail"`
	Code      string  `json:"code"`
	Component *string `json:"component"`
	Status    string  `json:"status"`
	RequestID string  `json:"request_id"`
}

// writeError writes err with the status of its code (or status[0]).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error, status ...int) {
	ce := ceph.AsError(err)
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		ce = &ceph.Error{Code: ceph.Canceled, Detail: "client closed the request", Err: err}
	}
	code := ce.Code.HTTPStatus()
	if len(status) > 0 {
		code = status[0]
	}
	body := ErrorBody{
		Detail:    ce.Detail,
		Code:      ce.WireCode(),
		Status:    statusLine(code),
		RequestID: RequestID(r.Context()),
	}
	if body.Detail == "" {
		body.Detail = ce.Error()
	}
	if ce.Component != "" {
		comp := ce.Component
		body.Component = &comp
	}
	switch {
	case ce.Code == ceph.Unimplemented:
		// Not a fault of the server: the operation (or the transport's
		// part of it) is not built yet. Worth a look, not an alarm.
		s.log.WarnContext(r.Context(), "not implemented", "request_id", body.RequestID,
			"method", r.Method, "path", r.URL.Path, "error", ce.Error())
	case code >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "request_id", body.RequestID,
			"method", r.Method, "path", r.URL.Path, "code", body.Code, "error", ce.Error())
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Del("Content-Length")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// statusLine is "404 Not Found"; 499 (our Canceled) has no standard text.
func statusLine(code int) string {
	text := http.StatusText(code)
	if code == 499 {
		text = "Client Closed Request"
	}
	if text == "" {
		return strconv.Itoa(code)
	}
	return strconv.Itoa(code) + " " + text
}
