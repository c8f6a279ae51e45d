package ops

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Version is a dashboard API version (major.minor).
type Version struct{ Major, Minor int }

// The dashboard's versions (its controllers/_version.py).
var (
	V1_0 = Version{1, 0} // APIVersion.DEFAULT
	V0_1 = Version{0, 1} // APIVersion.EXPERIMENTAL
	V1_1 = Version{1, 1}
	V2_0 = Version{2, 0}
)

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// MediaType is the versioned JSON media type, application/vnd.ceph.api.vX.Y+json.
func (v Version) MediaType() string { return "application/vnd.ceph.api.v" + v.String() + "+json" }

// Supports reports whether an endpoint at v serves a client asking for c:
// same major, client minor not higher (the dashboard's APIVersion.supports).
func (v Version) Supports(c Version) bool { return v.Major == c.Major && c.Minor <= v.Minor }

// Kind is the JSON type of a parameter or body field, as OpenAPI names it.
type Kind string

// The kinds. Integer, Number and Boolean values may also be sent as
// strings ("8", "true"), as the dashboard passes them on to Ceph.
const (
	String  Kind = "string"
	Integer Kind = "integer"
	Number  Kind = "number"
	Boolean Kind = "boolean"
	Array   Kind = "array"
	Object  Kind = "object"
	// Any is a value of any JSON type.
	Any Kind = ""
)

// Param is a path or query parameter.
type Param struct {
	Name string
	// In is "path" or "query".
	In       string
	Type     Kind
	Required bool
	// Default is the dashboard's default, as text ("" for none).
	Default string
}

// Field is a top-level field of a JSON request body.
type Field struct {
	Name     string
	Type     Kind
	Items    Kind // element kind of an Array; "" for any
	Required bool
}

// Meta is one key of a task's metadata and the request parameter or body
// field its value comes from (the dashboard's @Task metadata templates,
// such as {'pool_name': '{pool_name}'}); "fsal.name" is the name field of
// the body object fsal.
type Meta struct{ Key, From string }

// Operation describes one operation of the API: everything the server,
// the REST client and the API document need to know about it. The table
// of operations (All) is generated from the dashboard's OpenAPI document
// and this package's ops.yaml; see doc.go.
type Operation struct {
	// ID names the operation in Go ("RBDSnapCreate") and in the API
	// document (operationId).
	ID string
	// Tag is the dashboard controller's OpenAPI tag ("RbdSnapshot").
	Tag    string
	Method string
	// Path is the path pattern with {name} parameters, as net/http's
	// ServeMux and the OpenAPI document write it.
	Path    string
	Version Version
	// Scope is the security scope; "" means any logged-in user.
	Scope string
	// Permission is read, create, update or delete.
	Permission string
	// Public operations need no token (login, token check, logout).
	Public bool
	// Task is the dashboard task name of an operation that runs as a task
	// ("pool/create"), "" for none; TaskMeta its metadata.
	Task     string
	TaskMeta []Meta
	// TaskWaitSeconds overrides the server's default wait before a task
	// answers 202 (the dashboard waits 4 s for RBD edits); 0 for the default.
	TaskWaitSeconds float64
	// Component names the area in errors that carry none ("pool").
	Component string
	// Status is the success status.
	Status int
	Params []Param
	Body   []Field
	// Kwargs operations accept body fields beyond Body (the dashboard
	// controller takes **kwargs); they reach the request's Extra field.
	Kwargs bool
	// ScalarText operations take a JSON number or boolean for a string
	// body field as its text: their controllers pass body values on to
	// the gateway as query text, so {"max_buckets": 7} is
	// {"max_buckets": "7"} there (the document declares such fields as
	// strings; the dashboard's web UI sends numbers).
	ScalarText bool
	// Extension operations are ours: the Ceph Dashboard has no such
	// endpoint (API keys). The API document marks them x-cephapi-extension.
	Extension bool
	// InSpec is true for the operations of the dashboard's 16.2.15 OpenAPI
	// document; the others are in endpoints.tsv (later dashboards) or are
	// the dashboard's UI helpers under /ui-api.
	InSpec bool
	// Doc says what the operation does, where the table says more than
	// its name.
	Doc string
}

// Op is an Operation whose request type is Req: the server decodes an
// HTTP request into a *Req and the REST client encodes a *Req into one,
// so the two cannot disagree on a name or a type.
type Op[Req any] struct{ *Operation }

// String is "METHOD /path".
func (o *Operation) String() string { return o.Method + " " + o.Path }

// Param returns the named path or query parameter.
func (o *Operation) Param(name string) (Param, bool) {
	for _, p := range o.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Field returns the named body field.
func (o *Operation) Field(name string) (Field, bool) {
	for _, f := range o.Body {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// RequestType is the operation's request struct type (PoolCreateRequest
// for PoolCreate).
func (o *Operation) RequestType() reflect.Type { return requestTypes[o] }

// HasBody reports whether the operation reads a JSON body.
func (o *Operation) HasBody() bool { return len(o.Body) > 0 || o.Kwargs }

// PathParams lists the names of the path's {parameters} in order.
func (o *Operation) PathParams() []string {
	var out []string
	for rest := o.Path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

// DefaultPermission is the permission the dashboard's RESTController
// gives a method unless the controller says otherwise.
func DefaultPermission(method string) string {
	switch method {
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodDelete:
		return "delete"
	}
	return "read"
}

// DefaultStatus is the dashboard's success status for a method: 201 for a
// POST, 204 for a DELETE, else 200.
func DefaultStatus(method string) int {
	switch method {
	case http.MethodPost:
		return http.StatusCreated
	case http.MethodDelete:
		return http.StatusNoContent
	}
	return http.StatusOK
}

// ByKey returns the operation of method and path pattern ("GET",
// "/api/pool/{pool_name}").
func ByKey(method, path string) (*Operation, bool) {
	o, ok := byKey[method+" "+path]
	return o, ok
}

// ByID returns the operation named id ("PoolCreate").
func ByID(id string) (*Operation, bool) {
	o, ok := byID[id]
	return o, ok
}

var byKey, byID = index()

func index() (map[string]*Operation, map[string]*Operation) {
	k, i := make(map[string]*Operation, len(All)), make(map[string]*Operation, len(All))
	for _, o := range All {
		k[o.String()] = o
		i[o.ID] = o
	}
	return k, i
}
