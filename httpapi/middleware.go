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

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestID takes a well-formed X-Request-Id from the client or makes one,
// and echoes it in the response.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		h := w.Header()
		h.Set("X-Request-Id", id)
		// As the dashboard: no MIME sniffing, no framing by other sites.
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "frame-ancestors 'self';")
		info := &reqInfo{id: id}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, info)))
	})
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

// recoverPanics turns a panic in a handler into a 500 Internal error body
// and an error log with the stack; the server keeps running.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic in handler",
				"request_id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec.status == 0 {
				s.writeError(rec, r, &ceph.Error{Code: ceph.Internal, Detail: "Internal server error"})
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// accessLog logs one line per request: at Info for writes and failures,
// at Debug for successful reads (GET and HEAD below 400), which dashboards
// poll several times a second and which cost a formatted line and a write
// each (about 8% of the CPU of a cached GET under load). It never logs
// the query string (tokens may travel in it) nor any header.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && rec.status < 400 {
			level = slog.LevelDebug
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
		}
		if i := infoFrom(r.Context()); i != nil {
			attrs = append(attrs, slog.String("request_id", i.id))
			if i.route != nil {
				attrs = append(attrs, slog.String("route", i.route.Method+" "+i.route.Path))
			}
			if i.user != "" {
				attrs = append(attrs, slog.String("user", i.user))
			}
		}
		s.log.LogAttrs(r.Context(), level, "http request", attrs...)
	})
}

// notFound answers paths outside the table: 405 with Allow when the path
// exists for other methods, else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
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
	if code >= 500 {
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
