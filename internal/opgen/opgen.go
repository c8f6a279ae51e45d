// Package opgen generates the operation table of package httpapi/ops from
// two inputs: the dashboard's OpenAPI document (methods, paths, versions,
// tags, parameters, body fields and which of them are required) and
// ops.yaml, the facts the document does not carry (each operation's Go
// name, security scope and permission, task, success status, component,
// and the body types the dashboard really takes where the document only
// says "string").
//
// The generated file holds, per operation, one *ops.Operation row and one
// request type whose fields carry `path`, `query` and `json` tags: the
// server decodes HTTP requests into it and the REST client encodes it.
package opgen

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Generate returns the Go source of the table (package ops).
func Generate(specYAML, factsYAML []byte) ([]byte, error) {
	spec, err := parseSpec(specYAML)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	facts, err := parseFacts(factsYAML)
	if err != nil {
		return nil, fmt.Errorf("ops.yaml: %w", err)
	}
	ops, err := merge(spec, facts)
	if err != nil {
		return nil, err
	}
	src := emit(ops)
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("gofmt of the generated code: %w\n%s", err, src)
	}
	return out, nil
}

// specOp is what the OpenAPI document says of one operation.
type specOp struct {
	tag      string
	version  string
	params   []param
	body     []field
	required map[string]bool
}

type param struct {
	name, in string
	t        typ
	required bool
	def      string
}

type field struct {
	name     string
	t        typ
	required bool
}

// typ is a JSON kind with the element kind of an array and the Go type
// of the request field ("" for the kind's default).
type typ struct {
	kind, items, goType string
}

func node(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func pairs(n *yaml.Node) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

func str(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

func parseSpec(b []byte) (map[string]*specOp, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	root := doc.Content[0]
	out := map[string]*specOp{}
	for _, p := range pairs(node(root, "paths")) {
		path := p[0].Value
		for _, m := range pairs(p[1]) {
			method := strings.ToUpper(m[0].Value)
			o := m[1]
			so := &specOp{required: map[string]bool{}}
			if tags := node(o, "tags"); tags != nil && len(tags.Content) > 0 {
				so.tag = tags.Content[0].Value
			}
			for _, r := range pairs(node(o, "responses")) {
				for _, ct := range pairs(node(r[1], "content")) {
					v := strings.TrimSuffix(strings.TrimPrefix(ct[0].Value, "application/vnd.ceph.api.v"), "+json")
					if v != ct[0].Value && so.version == "" {
						so.version = v
					}
				}
			}
			if ps := node(o, "parameters"); ps != nil {
				for _, pn := range ps.Content {
					sch := node(pn, "schema")
					pp := param{name: str(node(pn, "name")), in: str(node(pn, "in")), t: typ{kind: str(node(sch, "type"))},
						required: str(node(pn, "required")) == "true", def: str(node(pn, "default"))}
					so.params = append(so.params, pp)
				}
			}
			sch := node(node(node(node(o, "requestBody"), "content"), "application/json"), "schema")
			if req := node(sch, "required"); req != nil {
				for _, r := range req.Content {
					so.required[r.Value] = true
				}
			}
			for _, f := range pairs(node(sch, "properties")) {
				t := typ{kind: str(node(f[1], "type")), items: str(node(node(f[1], "items"), "type"))}
				so.body = append(so.body, field{name: f[0].Value, t: t, required: so.required[f[0].Value]})
			}
			out[method+" "+path] = so
		}
	}
	return out, nil
}

// fact is one operation's entry of ops.yaml.
type fact struct {
	id, method, path string
	set              map[string]string // scalar keys as given
	query, pathTypes [][2]string       // name, type spec
	body             [][2]string
	meta             [][2]string
}

type prefix struct {
	path string
	set  map[string]string
}

type factsFile struct {
	prefixes []prefix
	ops      []*fact
}

func scalars(n *yaml.Node) map[string]string {
	out := map[string]string{}
	for _, p := range pairs(n) {
		if p[1].Kind == yaml.ScalarNode {
			out[p[0].Value] = p[1].Value
		}
	}
	return out
}

func ordered(n *yaml.Node) [][2]string {
	var out [][2]string
	for _, p := range pairs(n) {
		out = append(out, [2]string{p[0].Value, p[1].Value})
	}
	return out
}

var factKeys = map[string]bool{"op": true, "scope": true, "perm": true, "public": true, "task": true, "taskwait": true,
	"status": true, "component": true, "version": true, "kwargs": true, "scalartext": true, "extension": true, "doc": true, "tag": true,
	"query": true, "path": true, "body": true, "meta": true}

func parseFacts(b []byte) (*factsFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	root := doc.Content[0]
	ff := &factsFile{}
	for _, p := range pairs(node(root, "prefixes")) {
		ff.prefixes = append(ff.prefixes, prefix{path: p[0].Value, set: scalars(p[1])})
	}
	seen := map[string]bool{}
	for _, p := range pairs(node(root, "operations")) {
		f := &fact{id: p[0].Value, set: scalars(p[1])}
		for _, kv := range pairs(p[1]) {
			if !factKeys[kv[0].Value] {
				return nil, fmt.Errorf("%s: unknown key %q", f.id, kv[0].Value)
			}
		}
		if seen[f.id] {
			return nil, fmt.Errorf("%s: listed twice", f.id)
		}
		seen[f.id] = true
		m, path, ok := strings.Cut(f.set["op"], " ")
		if !ok {
			return nil, fmt.Errorf("%s: op must be \"METHOD /path\", got %q", f.id, f.set["op"])
		}
		f.method, f.path = m, path
		f.query = ordered(node(p[1], "query"))
		f.pathTypes = ordered(node(p[1], "path"))
		f.body = ordered(node(p[1], "body"))
		f.meta = ordered(node(p[1], "meta"))
		ff.ops = append(ff.ops, f)
	}
	return ff, nil
}

// parseType reads "kind[!] [GoType]": kind is string, integer, number,
// boolean, object, array, strings (array of strings), integers (array of
// integers) or any; "!" marks it required; "-" drops a field of the
// document the server does not take.
func parseType(s string) (t typ, required bool, err error) {
	s = strings.TrimSpace(s)
	kind, goType, _ := strings.Cut(s, " ")
	if strings.HasSuffix(kind, "!") {
		required = true
		kind = strings.TrimSuffix(kind, "!")
	}
	t.goType = strings.TrimSpace(goType)
	switch kind {
	case "string", "integer", "number", "boolean", "object", "array", "any":
		t.kind = kind
	case "strings":
		t.kind, t.items = "array", "string"
	case "integers":
		t.kind, t.items = "array", "integer"
	default:
		return t, false, fmt.Errorf("unknown type %q", s)
	}
	if t.kind == "any" {
		t.kind = ""
	}
	return t, required, nil
}

// op is a merged operation.
type op struct {
	id, tag, method, path, version    string
	scope, perm, task, component, doc string
	public, kwargs, inSpec, extension bool
	scalarText                        bool
	status                            int
	taskWait                          float64
	params                            []param
	body                              []field
	meta                              [][2]string
}

func (f *fact) get(ff *factsFile, key string) (string, bool) {
	if v, ok := f.set[key]; ok {
		return v, true
	}
	best := -1
	var val string
	for _, p := range ff.prefixes {
		if f.path == p.path || strings.HasPrefix(f.path, p.path+"/") {
			if v, ok := p.set[key]; ok && len(p.path) > best {
				best, val = len(p.path), v
			}
		}
	}
	return val, best >= 0
}

var defaultPerm = map[string]string{"POST": "create", "PUT": "update", "DELETE": "delete", "GET": "read"}
var defaultStatus = map[string]int{"POST": 201, "DELETE": 204}

func merge(spec map[string]*specOp, ff *factsFile) ([]*op, error) {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	used := map[string]bool{}
	var out []*op
	for _, f := range ff.ops {
		key := f.method + " " + f.path
		if used[key] {
			fail("%s: %s listed twice", f.id, key)
		}
		used[key] = true
		so := spec[key]
		o := &op{id: f.id, method: f.method, path: f.path, inSpec: so != nil}
		if defaultPerm[f.method] == "" {
			fail("%s: unknown method %s", f.id, f.method)
		}
		o.scope, _ = f.get(ff, "scope")
		o.component, _ = f.get(ff, "component")
		pub, _ := f.get(ff, "public")
		o.public = pub == "true"
		o.perm = defaultPerm[f.method]
		if v, ok := f.set["perm"]; ok {
			if v == o.perm {
				fail("%s: perm %s is the default", f.id, v)
			}
			o.perm = v
		}
		o.status = 200
		if s, ok := defaultStatus[f.method]; ok {
			o.status = s
		}
		if v, ok := f.set["status"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				fail("%s: status %q", f.id, v)
			}
			o.status = n
		}
		if v, ok := f.set["taskwait"]; ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fail("%s: taskwait %q", f.id, v)
			}
			o.taskWait = n
		}
		o.task, o.doc = f.set["task"], f.set["doc"]
		o.kwargs = f.set["kwargs"] == "true"
		st, _ := f.get(ff, "scalartext")
		o.scalarText = st == "true"
		o.extension = f.set["extension"] == "true"
		o.meta = f.meta
		if len(o.meta) > 0 && o.task == "" {
			fail("%s: meta without a task", f.id)
		}
		o.tag = f.set["tag"]
		o.version = f.set["version"]
		if so != nil {
			if o.tag == "" {
				o.tag = so.tag
			}
			if o.version != "" && o.version != so.version {
				fail("%s: version %s, the document says %s", f.id, o.version, so.version)
			}
			o.version = so.version
			o.params = append(o.params, so.params...)
		}
		if o.version == "" {
			o.version = "1.0"
		}
		// Path parameters: every {name} of the path, in order.
		var names []string
		for rest := f.path; ; {
			i := strings.IndexByte(rest, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(rest, '}')
			names = append(names, rest[i+1:j])
			rest = rest[j+1:]
		}
		for _, n := range names {
			found := false
			for _, p := range o.params {
				if p.in == "path" && p.name == n {
					found = true
				}
			}
			if !found {
				o.params = append(o.params, param{name: n, in: "path", t: typ{kind: "string"}, required: true})
			}
		}
		for _, pt := range f.pathTypes {
			t, _, err := parseType(pt[1])
			if err != nil {
				fail("%s: path %s: %v", f.id, pt[0], err)
			}
			ok := false
			for i := range o.params {
				if o.params[i].in == "path" && o.params[i].name == pt[0] {
					o.params[i].t, ok = t, true
				}
			}
			if !ok {
				fail("%s: no path parameter %s", f.id, pt[0])
			}
		}
		for _, q := range f.query {
			i := -1
			for k := range o.params {
				if o.params[k].in == "query" && o.params[k].name == q[0] {
					i = k
				}
			}
			if q[1] == "-" {
				if i < 0 {
					fail("%s: query %s to drop is not in the document", f.id, q[0])
				} else {
					o.params = append(o.params[:i], o.params[i+1:]...)
				}
				continue
			}
			def := ""
			spec, d, _ := strings.Cut(q[1], " = ")
			if d != "" {
				def = d
			}
			t, req, err := parseType(spec)
			if err != nil {
				fail("%s: query %s: %v", f.id, q[0], err)
			}
			if i >= 0 {
				o.params[i].t, o.params[i].required = t, req
				if def != "" {
					o.params[i].def = def
				}
			} else {
				o.params = append(o.params, param{name: q[0], in: "query", t: t, required: req, def: def})
			}
		}
		// Body: the facts' fields in their order (which may matter to the
		// dashboard), then the document's others.
		inFacts := map[string]bool{}
		for _, b := range f.body {
			inFacts[b[0]] = true
			if b[1] == "-" {
				continue
			}
			t, req, err := parseType(b[1])
			if err != nil {
				fail("%s: body %s: %v", f.id, b[0], err)
			}
			o.body = append(o.body, field{name: b[0], t: t, required: req})
		}
		if so != nil {
			for _, b := range so.body {
				if !inFacts[b.name] {
					o.body = append(o.body, b)
				}
			}
		}
		for _, m := range o.meta {
			if first, _, _ := strings.Cut(m[1], "."); !o.has(first) {
				fail("%s: meta %s comes from %s, which the operation does not have", f.id, m[0], m[1])
			}
		}
		out = append(out, o)
	}
	var missing []string
	for key := range spec {
		if !used[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		fail("%s is in the document but not in ops.yaml", k)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

func (o *op) has(name string) bool {
	for _, p := range o.params {
		if p.name == name {
			return true
		}
	}
	for _, b := range o.body {
		if b.name == name {
			return true
		}
	}
	return false
}

var kindConst = map[string]string{"string": "String", "integer": "Integer", "number": "Number",
	"boolean": "Boolean", "array": "Array", "object": "Object", "": "Any"}

// goName turns a JSON name into an exported Go name with the usual
// initialisms.
func goName(s string) string {
	initialisms := map[string]string{"id": "ID", "uuid": "UUID", "url": "URL", "pg": "PG", "osd": "OSD", "api": "API",
		"fs": "FS", "ip": "IP", "rbd": "RBD", "mds": "MDS", "kb": "KB", "ids": "IDs", "iqn": "IQN", "uid": "UID", "acl": "ACL", "mfa": "MFA"}
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if v, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(v)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func goType(t typ, required, query bool) string {
	g := t.goType
	if g == "" {
		switch t.kind {
		case "string":
			g = "string"
		case "integer":
			g = "Int"
		case "number":
			g = "Float"
		case "boolean":
			g = "Bool"
		case "object":
			g = "map[string]any"
		case "array":
			switch t.items {
			case "string":
				g = "[]string"
			case "integer":
				g = "[]Int"
			default:
				g = "[]any"
			}
		default:
			g = "json.RawMessage"
		}
	}
	if required || strings.HasPrefix(g, "map[") || strings.HasPrefix(g, "*") || g == "json.RawMessage" || (query && g == "string") {
		return g
	}
	return "*" + g
}

type structField struct {
	name, goType string
	tags         []string
	jsonName     string
	required     bool
}

func (o *op) fields() []*structField {
	var out []*structField
	byName := map[string]*structField{}
	add := func(name, gt, tag string, required bool) {
		if sf, ok := byName[name]; ok {
			sf.tags = append(sf.tags, tag)
			return
		}
		sf := &structField{name: goName(name), goType: gt, tags: []string{tag}, required: required}
		byName[name] = sf
		out = append(out, sf)
	}
	for _, p := range o.params {
		if p.in == "path" {
			add(p.name, "string", fmt.Sprintf(`path:"%s"`, p.name), true)
		}
	}
	for _, p := range o.params {
		if p.in == "query" {
			add(p.name, goType(p.t, p.required, true), fmt.Sprintf(`query:"%s"`, p.name), p.required)
		}
	}
	for _, b := range o.body {
		if sf, ok := byName[b.name]; ok {
			// In the query and the body: one field, the body's type.
			sf.goType = goType(b.t, b.required, false)
			sf.jsonName = b.name
			sf.required = b.required
			continue
		}
		add(b.name, goType(b.t, b.required, false), "", b.required)
		byName[b.name].jsonName = b.name
		byName[b.name].tags = nil
	}
	// Go names must be unique.
	seen := map[string]int{}
	for _, sf := range out {
		seen[sf.name]++
		if seen[sf.name] > 1 {
			sf.name += strconv.Itoa(seen[sf.name])
		}
	}
	return out
}

func (sf *structField) tag() string {
	tags := append([]string(nil), sf.tags...)
	if sf.jsonName != "" {
		j := sf.jsonName
		if !sf.required {
			j += ",omitempty"
		}
		tags = append(tags, fmt.Sprintf(`json:"%s"`, j))
	} else {
		tags = append(tags, `json:"-"`)
	}
	return "`" + strings.Join(tags, " ") + "`"
}

func versionExpr(v string) string {
	switch v {
	case "1.0":
		return "V1_0"
	case "0.1":
		return "V0_1"
	case "1.1":
		return "V1_1"
	case "2.0":
		return "V2_0"
	}
	maj, min, _ := strings.Cut(v, ".")
	return fmt.Sprintf("Version{%s, %s}", maj, min)
}

func emit(ops []*op) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("// Code generated by internal/opgen from the dashboard's OpenAPI document and ops.yaml; DO NOT EDIT.\n\n")
	w("package ops\n\n")
	imports := map[string]bool{"reflect": true}
	for _, o := range ops {
		for _, sf := range o.fields() {
			for pkg, path := range map[string]string{"json.": "encoding/json", "ceph.": "github.com/cephapi/cephapi/ceph",
				"osd.": "github.com/cephapi/cephapi/osd", "rbd.": "github.com/cephapi/cephapi/rbd",
				"auth.": "github.com/cephapi/cephapi/auth"} {
				if strings.Contains(sf.goType, pkg) {
					imports[path] = true
				}
			}
			if o.kwargs {
				imports["encoding/json"] = true
			}
		}
	}
	{
		var list []string
		for p := range imports {
			list = append(list, p)
		}
		sort.Strings(list)
		w("import (\n")
		for _, p := range list {
			w("\t%q\n", p)
		}
		w(")\n\n")
	}
	w("// requestTypes maps each operation to its request type.\n")
	w("var requestTypes = map[*Operation]reflect.Type{\n")
	for _, o := range ops {
		w("\t%s.Operation: reflect.TypeFor[%sRequest](),\n", o.id, o.id)
	}
	w("}\n\n")
	w("// All is every operation, in the order of ops.yaml.\n")
	w("var All = []*Operation{\n")
	for _, o := range ops {
		w("\t%s.Operation,\n", o.id)
	}
	w("}\n\n")
	for _, o := range ops {
		w("// %s is %s %s", o.id, o.method, o.path)
		if o.doc != "" {
			w(": %s", o.doc)
		}
		w(".\n")
		w("var %s = Op[%sRequest]{&Operation{\n", o.id, o.id)
		w("ID: %q, Tag: %q, Method: %q, Path: %q, Version: %s,\n", o.id, o.tag, o.method, o.path, versionExpr(o.version))
		w("Scope: %q, Permission: %q, Component: %q, Status: %d,\n", o.scope, o.perm, o.component, o.status)
		if o.public {
			w("Public: true,\n")
		}
		if o.inSpec {
			w("InSpec: true,\n")
		}
		if o.kwargs {
			w("Kwargs: true,\n")
		}
		if o.scalarText {
			w("ScalarText: true,\n")
		}
		if o.extension {
			w("Extension: true,\n")
		}
		if o.task != "" {
			w("Task: %q,\n", o.task)
		}
		if len(o.meta) > 0 {
			w("TaskMeta: []Meta{")
			for _, m := range o.meta {
				w("{%q, %q}, ", m[0], m[1])
			}
			w("},\n")
		}
		if o.taskWait != 0 {
			w("TaskWaitSeconds: %v,\n", o.taskWait)
		}
		if o.doc != "" {
			w("Doc: %q,\n", o.doc)
		}
		if len(o.params) > 0 {
			w("Params: []Param{\n")
			for _, p := range o.params {
				w("{Name: %q, In: %q, Type: %s", p.name, p.in, kindConst[p.t.kind])
				if p.required {
					w(", Required: true")
				}
				if p.def != "" {
					w(", Default: %q", p.def)
				}
				w("},\n")
			}
			w("},\n")
		}
		if len(o.body) > 0 {
			w("Body: []Field{\n")
			for _, f := range o.body {
				w("{Name: %q, Type: %s", f.name, kindConst[f.t.kind])
				if f.t.items != "" {
					w(", Items: %s", kindConst[f.t.items])
				}
				if f.required {
					w(", Required: true")
				}
				w("},\n")
			}
			w("},\n")
		}
		w("}}\n\n")
		w("// %sRequest is the request of %s.\n", o.id, o.id)
		fs := o.fields()
		if len(fs) == 0 && !o.kwargs {
			w("type %sRequest struct{}\n\n", o.id)
			continue
		}
		w("type %sRequest struct {\n", o.id)
		for _, sf := range fs {
			w("%s %s %s\n", sf.name, sf.goType, sf.tag())
		}
		if o.kwargs {
			w("// Extra holds the body fields beyond the named ones.\n")
			w("Extra map[string]json.RawMessage `json:\"-\" kwargs:\"\"`\n")
		}
		w("}\n\n")
	}
	return b.Bytes()
}
