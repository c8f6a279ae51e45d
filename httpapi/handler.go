package httpapi

import (
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
	// body is the request body's top-level fields, once decoded.
	body map[string]json.RawMessage
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
func (c *call) allowed(scope auth.Scope, perm auth.Permission) bool {
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
		meta := tw.meta
		if meta == nil {
			meta = c.taskMeta()
		}
		t := s.tasks.run(c.route.Task, meta, ctx, cancel, tw.fn)
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
	} else if m, ok := v.(*memoizedPick); ok {
		b, err = c.route.memo.encodePick(m)
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

// nothing adapts an error-only domain call to a handler result (the JSON
// null body of the dashboard's create and update answers).
func nothing(err error) (any, error) { return nil, err }
