package ops

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/internal/opgen"
)

// specFile is the dashboard's OpenAPI document, beside the repository.
const specFile = "../../../shared/spec/dashboard-openapi-16.2.15.yaml"

// TestTableIsGenerated regenerates the table from the spec and ops.yaml
// and compares it with the committed file: a hand edit of table_gen.go, or
// an edit of ops.yaml without go generate, fails here. It needs the spec;
// without it (a clone on its own) it is skipped.
func TestTableIsGenerated(t *testing.T) {
	spec, err := os.ReadFile(specFile)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the spec is not checked out beside the repository", specFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	facts, err := os.ReadFile("ops.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := opgen.Generate(spec, facts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("table_gen.go is not what ops.yaml and the spec generate: run go generate ./httpapi/ops")
	}
}

// TestTableCoversSeedOperations: the table has exactly the 207 operations
// of endpoints.tsv plus /ui-api helpers, and the operations of the OpenAPI
// document are marked InSpec.
func TestTableCoversSeedOperations(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "endpoints.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(strings.TrimSpace(sc.Text()), "\t")
		if len(fields) == 2 {
			seed[fields[0]+" "+fields[1]] = true
		}
	}
	if len(seed) != 207 {
		t.Fatalf("endpoints.tsv has %d operations", len(seed))
	}
	inSpec := 0
	for _, o := range All {
		if o.InSpec {
			inSpec++
		}
		if o.Extension {
			if o.InSpec {
				t.Errorf("%s: an extension in the spec?", o)
			}
			continue
		}
		if strings.HasPrefix(o.Path, "/ui-api/") {
			if o.InSpec {
				t.Errorf("%s: a UI helper in the spec?", o)
			}
			continue
		}
		if !seed[o.String()] {
			t.Errorf("%s is not in endpoints.tsv", o)
		}
		delete(seed, o.String())
	}
	for k := range seed {
		t.Errorf("%s is not in the table", k)
	}
	if inSpec != 195 {
		t.Errorf("%d operations are in the spec, want 195", inSpec)
	}
}

var scopes = map[string]bool{"": true, "hosts": true, "config-opt": true, "pool": true, "osd": true, "monitor": true,
	"rbd-image": true, "iscsi": true, "rbd-mirroring": true, "rgw": true, "cephfs": true, "manager": true, "log": true,
	"grafana": true, "prometheus": true, "user": true, "dashboard-settings": true, "nfs-ganesha": true}

// TestRows checks each row on its own: unique names and keys, known scopes
// and permissions, path parameters that match the path, task metadata
// that names a parameter, and a request type whose fields are the row's
// parameters and body fields with matching names, kinds and optionality.
func TestRows(t *testing.T) {
	ids, keys := map[string]bool{}, map[string]bool{}
	for _, o := range All {
		if ids[o.ID] || keys[o.String()] {
			t.Errorf("%s (%s) listed twice", o.ID, o)
		}
		ids[o.ID], keys[o.String()] = true, true
		if got, ok := ByID(o.ID); !ok || got != o {
			t.Errorf("ByID(%s)", o.ID)
		}
		if got, ok := ByKey(o.Method, o.Path); !ok || got != o {
			t.Errorf("ByKey(%s)", o)
		}
		if !scopes[o.Scope] {
			t.Errorf("%s: scope %q", o, o.Scope)
		}
		switch o.Permission {
		case "read", "create", "update", "delete":
		default:
			t.Errorf("%s: permission %q", o, o.Permission)
		}
		if o.Component == "" {
			t.Errorf("%s: no component", o)
		}
		if o.Public != publicPath(o.Path) {
			t.Errorf("%s: public=%v", o, o.Public)
		}
		if o.Task != "" && o.Method == http.MethodGet {
			t.Errorf("%s: a read is not a task", o)
		}
		if (o.Task == "") != (len(o.TaskMeta) == 0) {
			t.Errorf("%s: task %q with %d metadata keys", o, o.Task, len(o.TaskMeta))
		}
		if o.Status < 200 || o.Status > 299 {
			t.Errorf("%s: status %d", o, o.Status)
		}
		var inPath []string
		for _, p := range o.Params {
			if p.In == "path" {
				inPath = append(inPath, p.Name)
			}
		}
		if !reflect.DeepEqual(inPath, o.PathParams()) {
			t.Errorf("%s: path parameters %v, path has %v", o, inPath, o.PathParams())
		}
		for _, m := range o.TaskMeta {
			from, _, _ := strings.Cut(m.From, ".")
			_, p := o.Param(from)
			_, f := o.Field(from)
			if !p && !f {
				t.Errorf("%s: task metadata %s from unknown %s", o, m.Key, m.From)
			}
		}
		checkRequestType(t, o)
	}
}

func checkRequestType(t *testing.T, o *Operation) {
	t.Helper()
	rt := o.RequestType()
	if rt == nil || rt.Kind() != reflect.Struct {
		t.Errorf("%s: request type %v", o, rt)
		return
	}
	seen := map[string]bool{}
	for _, ft := range Plan(rt) {
		f := rt.Field(ft.Index)
		optional := f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.Map || f.Type == reflect.TypeFor[[]byte]() || f.Type.Kind() == reflect.Slice
		switch {
		case ft.Path != "":
			seen["path "+ft.Path] = true
			if f.Type.Kind() != reflect.String {
				t.Errorf("%s: path field %s is %s", o, f.Name, f.Type)
			}
		case ft.Kwargs:
			if !o.Kwargs {
				t.Errorf("%s: Extra without kwargs", o)
			}
			continue
		}
		if ft.Query != "" {
			seen["query "+ft.Query] = true
			p, ok := o.Param(ft.Query)
			if !ok || p.In != "query" {
				t.Errorf("%s: field %s reads query %s, which the row does not have", o, f.Name, ft.Query)
			} else if ft.JSON == "" && f.Type.Kind() != reflect.String && p.Required == (f.Type.Kind() == reflect.Pointer) {
				t.Errorf("%s: query %s required=%v but field %s is %s", o, ft.Query, p.Required, f.Name, f.Type)
			}
		}
		if ft.JSON != "" {
			seen["body "+ft.JSON] = true
			fd, ok := o.Field(ft.JSON)
			if !ok {
				t.Errorf("%s: field %s reads body field %s, which the row does not have", o, f.Name, ft.JSON)
				continue
			}
			if fd.Required == optional && f.Type != reflect.TypeFor[map[string]any]() && f.Type.Kind() != reflect.Map && f.Type.Kind() != reflect.Slice && f.Type.Name() != "RawMessage" {
				t.Errorf("%s: body %s required=%v but field %s is %s", o, ft.JSON, fd.Required, f.Name, f.Type)
			}
			if !kindFits(fd.Type, f.Type) {
				t.Errorf("%s: body %s is %q but field %s is %s", o, ft.JSON, fd.Type, f.Name, f.Type)
			}
		}
	}
	for _, p := range o.Params {
		if !seen[p.In+" "+p.Name] {
			t.Errorf("%s: no field for %s parameter %s", o, p.In, p.Name)
		}
	}
	for _, fd := range o.Body {
		if !seen["body "+fd.Name] {
			t.Errorf("%s: no field for body field %s", o, fd.Name)
		}
	}
}

// kindFits reports whether a Go field type carries values of a JSON kind.
func kindFits(k Kind, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "RawMessage" {
		return true
	}
	switch k {
	case String:
		return t.Kind() == reflect.String
	case Integer:
		return t == reflect.TypeFor[Int]() || (t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64)
	case Number:
		return t == reflect.TypeFor[Float]() || t == reflect.TypeFor[Int]() || t.Kind() == reflect.Float64
	case Boolean:
		return t.Kind() == reflect.Bool
	case Array:
		return t.Kind() == reflect.Slice
	case Object:
		return t.Kind() == reflect.Map || t.Kind() == reflect.Struct
	case Any:
		return true
	}
	return false
}

// publicPath: the login calls and the web UI helpers the dashboard serves
// without a login (secure=False: languages, the login banner, JavaScript
// error reports) need no token; nothing else.
func publicPath(p string) bool {
	for _, pre := range []string{"/api/auth", "/ui-api/langs", "/ui-api/login/", "/ui-api/logging/"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}
