package httpapi

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// binding ties an operation of the table to the function that serves it.
type binding struct {
	op     *ops.Operation
	handle handlerFunc
}

// bind builds the binding of op: the request is decoded into a *Req from
// the path, the query and the body as the table describes them (required
// fields, JSON types, unknown fields refused unless the operation takes
// **kwargs), then f turns it into one domain call. f returns the value to
// encode, or later(...) for the work of a task operation.
func bind[Req any](op ops.Op[Req], f func(c *call, r *Req) (any, error)) binding {
	return binding{op: op.Operation, handle: func(c *call) (any, error) {
		var req Req
		if err := c.decodeRequest(&req); err != nil {
			return nil, err
		}
		return f(c, &req)
	}}
}

// later hands fn to the task manager: it runs detached from the request,
// under the operation's task name with the metadata the table names.
func later(fn func(ctx context.Context) (any, error)) *taskWork { return &taskWork{fn: fn} }

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeRequest fills dst (a pointer to an operation's request struct)
// from the request. Errors are 400s with the dashboard's wording.
func (c *call) decodeRequest(dst any) error {
	op := c.route.Op
	v := reflect.ValueOf(dst).Elem()
	plan := ops.Plan(v.Type())
	var q url.Values // parsed on first use: most reads take no query
	var miss []string
	for _, fp := range plan {
		f := v.Field(fp.Index)
		switch {
		case fp.Path != "":
			f.SetString(c.r.PathValue(fp.Path))
		case fp.Query != "":
			if q == nil {
				q = c.r.URL.Query()
			}
			vals := q[fp.Query]
			p, _ := op.Param(fp.Query)
			if len(vals) == 0 || (vals[0] == "" && (p.Required || p.Type == ops.Integer || p.Type == ops.Number)) {
				// Absent; an empty number is absent too, and a required
				// parameter must not be empty.
				if p.Required {
					miss = append(miss, fp.Query)
				}
				continue
			}
			if err := setText(f, vals[0]); err != nil {
				return queryError(op, fp.Query, vals[0], err)
			}
		}
	}
	if len(miss) > 0 {
		return missing(miss...)
	}
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodDelete || c.r.Method == http.MethodHead {
		return nil
	}
	body, err := c.readObject()
	if err != nil {
		return err
	}
	c.body = body.values
	var unknown []string
	byJSON := map[string]int{}
	kwargs := -1
	for i, fp := range plan {
		if fp.JSON != "" {
			byJSON[fp.JSON] = i
		}
		if fp.Kwargs {
			kwargs = i
		}
	}
	for _, k := range body.keys {
		_, known := byJSON[k]
		if _, inTable := op.Field(k); !known || !inTable {
			if op.Kwargs && kwargs >= 0 {
				f := v.Field(plan[kwargs].Index)
				if f.IsNil() {
					f.Set(reflect.MakeMap(f.Type()))
				}
				f.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(body.values[k]))
				continue
			}
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Unexpected body parameters: " + strings.Join(unknown, ", ")}
	}
	for _, k := range body.keys {
		i, ok := byJSON[k]
		if !ok {
			continue
		}
		f := v.Field(plan[i].Index)
		if op.ScalarText && scalarText(f, body.values[k]) {
			continue
		}
		if err := json.Unmarshal(body.values[k], f.Addr().Interface()); err != nil {
			return fieldError(k, err)
		}
	}
	for _, fd := range op.Body {
		if !fd.Required {
			continue
		}
		if raw, ok := body.values[fd.Name]; !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			miss = append(miss, fd.Name)
		}
	}
	if len(miss) > 0 {
		return missing(miss...)
	}
	return nil
}

// scalarText sets a string field (or *string) from a JSON number or
// boolean as its text, and reports whether it did (for the operations
// the table marks ScalarText).
func scalarText(f reflect.Value, raw json.RawMessage) bool {
	t := f.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.String || t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return false
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false
	}
	switch c := raw[0]; {
	case c == 't' || c == 'f':
		if !bytes.Equal(raw, []byte("true")) && !bytes.Equal(raw, []byte("false")) {
			return false
		}
	case c == '-' || c >= '0' && c <= '9':
		if !json.Valid(raw) {
			return false
		}
	default:
		return false
	}
	_ = setText(f, string(raw))
	return true
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// setText sets a query parameter's field: strings as they are, other
// types through their UnmarshalText.
func setText(f reflect.Value, s string) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := setText(p.Elem(), s); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	if f.Kind() == reflect.String {
		f.SetString(s)
		return nil
	}
	if f.Addr().Type().Implements(textUnmarshaler) {
		return f.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	return fmt.Errorf("cannot set a query parameter of type %s", f.Type())
}

func queryError(op *ops.Operation, name, val string, err error) error {
	p, _ := op.Param(name)
	what := "valid"
	switch p.Type {
	case ops.Boolean:
		what = "a boolean"
	case ops.Integer:
		what = "an integer"
	case ops.Number:
		what = "a number"
	}
	return &ceph.Error{Code: ceph.InvalidArgument, Component: op.Component,
		Detail: fmt.Sprintf("Invalid value for parameter '%s': %q is not %s", name, val, what), Err: err}
}

func fieldError(name string, err error) error {
	var te *json.UnmarshalTypeError
	var ce *ceph.Error
	switch {
	case errors.As(err, &ce):
		return err // from a custom UnmarshalJSON
	case errors.As(err, &te):
		field := name
		if te.Field != "" {
			field += "." + te.Field
		}
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: fmt.Sprintf("Invalid type for parameter '%s': got JSON %s, want %s", field, te.Value, jsonKind(te.Type.Kind().String())), Err: err}
	}
	return bodyError(err)
}

// object is a request body: its top-level keys in order and their values.
type object struct {
	keys   []string
	values map[string]json.RawMessage
}

// readObject reads the body as one JSON object; an empty body (or null)
// has no keys.
func (c *call) readObject() (object, error) {
	obj := object{values: map[string]json.RawMessage{}}
	if c.r.Body == nil {
		return obj, nil
	}
	data, err := io.ReadAll(c.r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return obj, &ceph.Error{Code: ceph.TooLarge, Detail: fmt.Sprintf("Request body is larger than %d bytes", mbe.Limit), Err: err}
		}
		return obj, &ceph.Error{Code: ceph.InvalidArgument, Detail: "cannot read the request body", Err: err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return obj, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return obj, bodyError(err)
	}
	switch tok {
	case json.Delim('{'):
	case nil:
		return obj, trailing(dec)
	default:
		if !json.Valid(data) {
			return obj, &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document"}
		}
		return obj, &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document: the body must be a JSON object"}
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return obj, bodyError(err)
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return obj, bodyError(err)
		}
		if _, dup := obj.values[k]; !dup {
			obj.keys = append(obj.keys, k)
		}
		obj.values[k] = raw
	}
	if _, err := dec.Token(); err != nil {
		return obj, bodyError(err)
	}
	return obj, trailing(dec)
}

func trailing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return &ceph.Error{Code: ceph.InvalidArgument, Detail: "Invalid JSON document: data after the top-level value"}
	}
	return nil
}

// taskMeta is the metadata of a task operation's task, from the request
// as the table names it; an absent value is null.
func (c *call) taskMeta() map[string]any {
	op := c.route.Op
	out := make(map[string]any, len(op.TaskMeta))
	q := c.r.URL.Query()
	for _, m := range op.TaskMeta {
		var v any
		from, sub, nested := strings.Cut(m.From, ".")
		if p, ok := op.Param(from); ok && p.In == "path" {
			v = c.r.PathValue(from)
		} else if raw, ok := c.body[from]; ok {
			_ = json.Unmarshal(raw, &v)
		} else if vals, ok := q[from]; ok && len(vals) > 0 {
			v = vals[0]
		}
		if nested {
			// A field of a body object ("fsal.name"); null when absent.
			obj, _ := v.(map[string]any)
			v = obj[sub]
		}
		out[m.Key] = v
	}
	return out
}
