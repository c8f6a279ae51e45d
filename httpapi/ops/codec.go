package ops

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cephapi/cephapi/ceph"
)

// FieldTags is where one field of a request type comes from: the path
// parameter, query parameter or body field it is named after (the
// `path`, `query` and `json` tags), or the Extra body fields of a
// **kwargs operation.
type FieldTags struct {
	Index       int
	Path, Query string
	JSON        string
	Kwargs      bool
}

var plans sync.Map // reflect.Type -> []FieldTags

// Plan returns the tags of the fields of a request struct type.
func Plan(t reflect.Type) []FieldTags {
	if p, ok := plans.Load(t); ok {
		return p.([]FieldTags)
	}
	var out []FieldTags
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		ft := FieldTags{Index: i, Path: sf.Tag.Get("path"), Query: sf.Tag.Get("query")}
		if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name != "-" {
			ft.JSON = name
		}
		_, ft.Kwargs = sf.Tag.Lookup("kwargs")
		out = append(out, ft)
	}
	plans.Store(t, out)
	return out
}

// BodyInQuery reports whether a request of the operation carries no body
// (GET, DELETE): fields that may come from either go in the query.
func (o *Operation) BodyInQuery() bool {
	return o.Method == http.MethodGet || o.Method == http.MethodDelete || o.Method == http.MethodHead
}

// Encode turns req (a pointer to the operation's request type, or nil)
// into the request's path relative to the API's base URL (each parameter
// escaped as one segment, so "pool/image" is "pool%2Fimage"), query and
// JSON body (nil for none). It is the REST client's half of the table;
// the server decodes the same types.
func Encode(o *Operation, req any) (path string, query url.Values, body []byte, err error) {
	vals := map[string]string{}
	var extra map[string]json.RawMessage
	if req != nil {
		v := reflect.ValueOf(req)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v = reflect.Value{}
			} else {
				v = v.Elem()
			}
		}
		if v.IsValid() {
			for _, ft := range Plan(v.Type()) {
				f := v.Field(ft.Index)
				switch {
				case ft.Path != "":
					vals[ft.Path] = f.String()
				case ft.Kwargs:
					extra, _ = f.Interface().(map[string]json.RawMessage)
				case ft.Query != "":
					// A field the server takes from the query or the body
					// goes in the query, as the dashboard's web UI sends it.
					if s, ok := queryText(f); ok {
						if query == nil {
							query = url.Values{}
						}
						query.Set(ft.Query, s)
					}
				}
			}
			if o.HasBody() && !o.BodyInQuery() && hasBodyOnly(v) {
				if body, err = json.Marshal(bodyOf(v)); err != nil {
					return "", nil, nil, &ceph.Error{Code: ceph.InvalidArgument, Component: o.Component, Detail: "cannot encode the request body: " + err.Error(), Err: err}
				}
				body = withExtra(body, extra)
			}
		}
	}
	var b strings.Builder
	rest := strings.TrimPrefix(o.Path, "/")
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest, '}')
		name := rest[i+1 : j]
		val, ok := vals[name]
		if !ok {
			return "", nil, nil, ceph.Errorf(ceph.Internal, o.Component, "%s: no value for path parameter %s", o, name)
		}
		if val == "" || val == "." || val == ".." {
			return "", nil, nil, ceph.Errorf(ceph.InvalidArgument, o.Component, "invalid name %q", val)
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(val))
		rest = rest[j+1:]
	}
	return b.String(), query, body, nil
}

// hasBodyOnly reports whether the request has a field that goes in the
// body (a json tag and no query tag).
func hasBodyOnly(v reflect.Value) bool {
	for _, ft := range Plan(v.Type()) {
		if (ft.JSON != "" && ft.Query == "") || ft.Kwargs {
			return true
		}
	}
	return false
}

// bodyOf is what to encode as the body: the request itself, or a copy
// without the fields that went in the query (encoding/json keeps the
// struct's field order, which the dashboard may care about).
func bodyOf(v reflect.Value) any {
	plan := Plan(v.Type())
	masked := false
	for _, ft := range plan {
		if ft.Query != "" && ft.JSON != "" {
			masked = true
		}
	}
	if !masked {
		return v.Addr().Interface()
	}
	cp := reflect.New(v.Type()).Elem()
	for _, ft := range plan {
		if ft.Query == "" {
			cp.Field(ft.Index).Set(v.Field(ft.Index))
		}
	}
	return cp.Addr().Interface()
}

// queryText formats a query parameter's field; ok is false for an absent
// value (nil pointer, empty string).
func queryText(f reflect.Value) (string, bool) {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return "", false
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		return f.String(), f.String() != ""
	case reflect.Bool:
		return strconv.FormatBool(f.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(f.Int(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(f.Float(), 'f', -1, 64), true
	}
	b, err := json.Marshal(f.Interface())
	return string(b), err == nil
}

// withExtra appends the Extra fields of a **kwargs request to its encoded
// object, in name order.
func withExtra(obj []byte, extra map[string]json.RawMessage) []byte {
	if len(extra) == 0 {
		return obj
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := bytes.TrimSuffix(bytes.TrimSpace(obj), []byte("}"))
	for _, k := range keys {
		if len(out) > 1 {
			out = append(out, ',')
		}
		kb, _ := json.Marshal(k)
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, extra[k]...)
	}
	return append(out, '}')
}
