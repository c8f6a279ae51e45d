package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
)

// call is one request on its way through a route: what the middleware
// learned (user, permissions) and what the handler needs (request, route).
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	route  *Route
	info   *reqInfo
	user   *auth.User
	claims *auth.Claims
	perms  auth.Permissions
}

// handlerFunc decodes a request, calls the domain API and returns the value
// to encode (or a *taskWork to run as a dashboard task, or a *response for
// a non-default status or headers).
type handlerFunc func(c *call) (any, error)

// taskWork is work a handler hands to the task manager: it runs detached
// from the request, under the route's task name.
type taskWork struct {
	meta map[string]any
	fn   func(ctx context.Context) (any, error)
}

// response overrides the route's status or adds headers.
type response struct {
	status int
	header http.Header
	body   any
}

func (c *call) ctx() context.Context { return c.r.Context() }

// allowed reports whether the caller holds perm on scope.
func (c *call) allowed(scope, perm string) bool {
	return c.user != nil && auth.Authorize(c.user, c.perms, scope, perm)
}

func (s *Server) dispatch(c *call) {
	v, err := c.route.handle(c)
	if err != nil {
		s.writeError(c.w, c.r, err)
		return
	}
	if tw, ok := v.(*taskWork); ok {
		// The work must not die with the request: a client that goes away
		// must not leave a half-done write. It keeps the request's values
		// (request id) but has its own deadline.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx()), s.taskTimeout)
		t := s.tasks.run(c.route.Task, tw.meta, ctx, cancel, tw.fn)
		wait := s.taskWait
		if !s.taskWaitSet && c.route.TaskWait > 0 {
			wait = c.route.TaskWait
		}
		if !t.wait(c.ctx(), wait) {
			if c.ctx().Err() != nil {
				return // client gone; the task goes on
			}
			s.writeJSON(c, http.StatusAccepted, map[string]any{"name": t.name, "metadata": t.metadata})
			return
		}
		if v, err = t.result(); err != nil {
			s.writeError(c.w, c.r, err)
			return
		}
	}
	status := c.route.Status
	if rsp, ok := v.(*response); ok {
		for k, vs := range rsp.header {
			c.w.Header()[k] = vs
		}
		if rsp.status != 0 {
			status = rsp.status
		}
		v = rsp.body
	}
	s.writeJSON(c, status, v)
}

func (s *Server) writeJSON(c *call, status int, v any) {
	h := c.w.Header()
	// The slice is shared by every answer of the route; net/http only
	// reads it.
	h["Content-Type"] = c.route.mediaType
	if status == http.StatusNoContent {
		c.w.WriteHeader(status)
		return
	}
	var b []byte
	var err error
	if m, ok := v.(*memoized); ok {
		b, err = c.route.memo.encode(m)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		delete(h, "Content-Type")
		s.writeError(c.w, c.r, &ceph.Error{Code: ceph.Internal, Detail: "cannot encode the response", Err: err})
		return
	}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}

// decode reads the JSON body into dst. An empty body leaves dst as it is.
// strict rejects fields dst does not have, as the dashboard does for
// handlers without **kwargs ("Unexpected body parameters").
func (c *call) decode(dst any, strict bool) error {
	if c.r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(c.r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &ceph.Error{Code: ceph.TooLarge, Detail: fmt.Sprintf("Request body is larger than %d bytes", mbe.Limit), Err: err}
		}
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "cannot read the request body", Err: err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(dst); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document: data after the top-level value"}
	}
	return nil
}

func bodyError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ce *ceph.Error
	switch {
	case errors.As(err, &ce):
		return err // from a custom UnmarshalJSON
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document", Err: err}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return &ceph.Error{Code: ceph.InvalidArgument, Detail: fmt.Sprintf("Invalid JSON document: the body must be a JSON %s", jsonKind(te.Type.Kind().String())), Err: err}
		}
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: fmt.Sprintf("Invalid type for parameter '%s': got JSON %s, want %s", field, te.Value, jsonKind(te.Type.Kind().String())), Err: err}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Unexpected body parameters: " + name, Err: err}
	}
	return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document", Err: err}
}

func jsonKind(k string) string {
	switch k {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "bool":
		return "boolean"
	}
	return k
}

func missing(names ...string) error {
	return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Missing parameters: " + strings.Join(names, ", ")}
}

// field is a required parameter and whether the request has it.
type field struct {
	name string
	set  bool
}

// required answers 400 "Missing parameters: a, b" for the fields not set.
func required(fields ...field) error {
	var miss []string
	for _, f := range fields {
		if !f.set {
			miss = append(miss, f.name)
		}
	}
	if len(miss) > 0 {
		return missing(miss...)
	}
	return nil
}

// withBody builds a handler that decodes the body into Req first.
func withBody[Req any](strict bool, f func(c *call, req *Req) (any, error)) handlerFunc {
	return func(c *call) (any, error) {
		var req Req
		if err := c.decode(&req, strict); err != nil {
			return nil, err
		}
		return f(c, &req)
	}
}

// get builds a handler for a parameterless read.
// Its answer is memoized: a transport that returns the same value again
// (from its cache) gets the same bytes written without encoding them again.
func get[T any](f func(ctx context.Context) (T, error)) handlerFunc {
	return func(c *call) (any, error) {
		v, err := f(c.ctx())
		if err != nil {
			return nil, err
		}
		return &memoized{src: v}, nil
	}
}

// byPath builds a handler for a read of one resource named by a path value.
func byPath[T any](param string, f func(ctx context.Context, name string) (T, error)) handlerFunc {
	return func(c *call) (any, error) { return f(c.ctx(), c.r.PathValue(param)) }
}

// nothing adapts an error-only domain call to a handler result (the JSON
// null body of the dashboard's create and update answers).
func nothing(err error) (any, error) { return nil, err }

// queryBool reads a boolean query parameter the way the dashboard's
// str_to_bool does; absent means def.
func (c *call) queryBool(name string, def bool) (bool, error) {
	v, ok := c.r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return def, nil
	}
	return parseBool(name, v[0])
}

func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "t", "true", "on", "1":
		return true, nil
	case "n", "no", "f", "false", "off", "0", "":
		return false, nil
	}
	return false, ceph.Errorf(ceph.InvalidArgument, "", "Invalid value for parameter '%s': %q is not a boolean", name, s)
}

// flexInt is an integer that also accepts a numeric string, as the
// dashboard passes body values through to Ceph commands that take either.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	s = strings.Trim(s, `"`)
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		if fl, ferr := strconv.ParseFloat(s, 64); ferr == nil && fl == float64(int64(fl)) && fl < 1<<62 && fl > -(1<<62) {
			*f = flexInt(int64(fl))
			return nil
		}
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid integer %s", truncate(string(b)))
	}
	*f = flexInt(n)
	return nil
}

// flexFloat is a number that also accepts a numeric string.
type flexFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(strings.Trim(s, `"`)), 64)
	if err != nil || n != n || n > 1e300 || n < -1e300 {
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid number %s", truncate(string(b)))
	}
	*f = flexFloat(n)
	return nil
}

// flexBool is a boolean that also accepts the strings str_to_bool knows.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	v, err := parseBool("", strings.Trim(s, `"`))
	if err != nil {
		return ceph.Errorf(ceph.InvalidArgument, "", "invalid boolean %s", truncate(string(b)))
	}
	*f = flexBool(v)
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
