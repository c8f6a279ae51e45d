package ops

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]openAPIOp `json:"paths"`
	Components struct {
		Schemas         map[string]json.RawMessage `json:"schemas"`
		Responses       map[string]openAPIRsp      `json:"responses"`
		SecuritySchemes map[string]struct {
			Type, Scheme, BearerFormat string
		} `json:"securitySchemes"`
	} `json:"components"`
}

type openAPIOp struct {
	OperationID string                `json:"operationId"`
	Tags        []string              `json:"tags"`
	Summary     string                `json:"summary"`
	Security    *[]map[string][]any   `json:"security"`
	Implemented *bool                 `json:"x-implemented"`
	Scope       string                `json:"x-scope"`
	Permission  string                `json:"x-permission"`
	Task        string                `json:"x-task"`
	Version     string                `json:"x-version"`
	MediaType   string                `json:"x-media-type"`
	Description string                `json:"description"`
	Parameters  []openAPIParam        `json:"parameters"`
	RequestBody *openAPIBody          `json:"requestBody"`
	Responses   map[string]openAPIRsp `json:"responses"`
}

type openAPIParam struct {
	Name     string         `json:"name"`
	In       string         `json:"in"`
	Required bool           `json:"required"`
	Schema   map[string]any `json:"schema"`
}

type openAPIBody struct {
	Required bool `json:"required"`
	Content  map[string]struct {
		Schema struct {
			Type                 string                    `json:"type"`
			Properties           map[string]map[string]any `json:"properties"`
			Required             []string                  `json:"required"`
			AdditionalProperties any                       `json:"additionalProperties"`
		} `json:"schema"`
	} `json:"content"`
}

type openAPIRsp struct {
	Ref         string `json:"$ref"`
	Description string `json:"description"`
	Content     map[string]struct {
		Schema map[string]any `json:"schema"`
	} `json:"content"`
}

func parseOpenAPI(t *testing.T, implemented func(*Operation) bool) ([]byte, *openAPIDoc) {
	t.Helper()
	b, err := OpenAPI(implemented)
	if err != nil {
		t.Fatalf("OpenAPI: %v", err)
	}
	if !json.Valid(b) {
		t.Fatal("OpenAPI: not valid JSON")
	}
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("OpenAPI: %v", err)
	}
	return b, &doc
}

func TestOpenAPIDocument(t *testing.T) {
	odd := map[string]bool{}
	for i, o := range All {
		odd[o.ID] = i%2 == 1
	}
	for _, tc := range []struct {
		name        string
		implemented func(*Operation) bool
		want        func(*Operation) bool
	}{
		{"nil", nil, func(*Operation) bool { return true }},
		{"all", func(*Operation) bool { return true }, func(*Operation) bool { return true }},
		{"none", func(*Operation) bool { return false }, func(*Operation) bool { return false }},
		{"odd", func(o *Operation) bool { return odd[o.ID] }, func(o *Operation) bool { return odd[o.ID] }},
		{"pools", func(o *Operation) bool { return o.Tag == "Pool" }, func(o *Operation) bool { return o.Tag == "Pool" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := parseOpenAPI(t, tc.implemented)
			if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
				t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
			}
			if doc.Info.Title != "Ceph REST API" {
				t.Errorf("title = %q", doc.Info.Title)
			}
			for _, w := range []string{"Ceph Dashboard", "501"} {
				if !strings.Contains(doc.Info.Description, w) {
					t.Errorf("description does not mention %q", w)
				}
			}
			if _, ok := doc.Components.Schemas["Error"]; !ok {
				t.Error("no components.schemas.Error")
			}
			if s := doc.Components.SecuritySchemes["jwt"]; s.Type != "http" || s.Scheme != "bearer" || s.BearerFormat != "JWT" {
				t.Errorf("securitySchemes.jwt = %+v", s)
			}

			seen := map[string]int{}
			nops := 0
			for path, item := range doc.Paths {
				for method, op := range item {
					nops++
					seen[op.OperationID]++
					o, ok := ByID(op.OperationID)
					if !ok {
						t.Errorf("%s %s: unknown operationId %q", method, path, op.OperationID)
						continue
					}
					if o.Path != path || strings.ToLower(o.Method) != method {
						t.Errorf("%s is at %s %s, want %s", o.ID, method, path, o)
					}
				}
			}
			if nops != len(All) {
				t.Errorf("document has %d operations, All has %d", nops, len(All))
			}
			for _, o := range All {
				if n := seen[o.ID]; n != 1 {
					t.Errorf("%s: in the document %d times, want once", o.ID, n)
					continue
				}
				checkOperation(t, o, doc.Paths[o.Path][strings.ToLower(o.Method)], doc.Components.Responses, tc.want(o))
			}
		})
	}
}

func checkOperation(t *testing.T, o *Operation, op openAPIOp, responses map[string]openAPIRsp, implemented bool) {
	t.Helper()
	if op.Implemented == nil || *op.Implemented != implemented {
		t.Errorf("%s: x-implemented = %v, want %v", o.ID, op.Implemented, implemented)
	}
	// Every operation names its version, a 204 DELETE too.
	if op.Version != o.Version.String() || op.MediaType != o.Version.MediaType() || !strings.Contains(op.Description, o.Version.MediaType()) {
		t.Errorf("%s: x-version %q, x-media-type %q, description %q; want %s", o.ID, op.Version, op.MediaType, op.Description, o.Version.MediaType())
	}
	if len(op.Tags) != 1 || op.Tags[0] == "" || (o.Tag != "" && op.Tags[0] != o.Tag) {
		t.Errorf("%s: tags = %q, want [%q]", o.ID, op.Tags, o.Tag)
	}
	wantSummary := o.ID
	if o.Doc != "" {
		wantSummary = o.Doc
	}
	if !implemented {
		wantSummary = "(not implemented: 501) " + wantSummary
	}
	if op.Summary != wantSummary {
		t.Errorf("%s: summary = %q", o.ID, op.Summary)
	}
	if op.Scope != o.Scope || op.Permission != o.Permission || op.Task != o.Task {
		t.Errorf("%s: x-scope, x-permission, x-task = %q %q %q, want %q %q %q",
			o.ID, op.Scope, op.Permission, op.Task, o.Scope, o.Permission, o.Task)
	}
	switch {
	case op.Security == nil:
		t.Errorf("%s: no security", o.ID)
	case o.Public && len(*op.Security) != 0:
		t.Errorf("%s: public, security = %v", o.ID, *op.Security)
	case !o.Public && (len(*op.Security) != 1 || (*op.Security)[0]["jwt"] == nil):
		t.Errorf("%s: security = %v, want [{jwt: []}]", o.ID, *op.Security)
	}

	// Success response, keyed by the version's media type.
	ok, found := op.Responses[strconv.Itoa(o.Status)]
	if !found {
		t.Errorf("%s: no %d response", o.ID, o.Status)
	} else if o.Status != 204 {
		if _, found := ok.Content[o.Version.MediaType()]; !found || len(ok.Content) != 1 {
			t.Errorf("%s: %d content types %v, want %s", o.ID, o.Status, keys(ok.Content), o.Version.MediaType())
		}
	} else if len(ok.Content) != 0 {
		t.Errorf("%s: 204 with content", o.ID)
	}
	if acc, found := op.Responses["202"]; (o.Task != "") != found {
		t.Errorf("%s: task %q, 202 response %v", o.ID, o.Task, found)
	} else if found {
		c, ok := acc.Content[o.Version.MediaType()]
		if !ok || c.Schema["$ref"] != "#/components/schemas/Task" {
			t.Errorf("%s: 202 content %v", o.ID, acc.Content)
		}
	}
	for _, code := range []string{"400", "401", "403", "404", "415", "500", "501"} {
		r, found := op.Responses[code]
		if !found {
			t.Errorf("%s: no %s response", o.ID, code)
			continue
		}
		if r.Ref != "" {
			r = responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
		}
		if r.Content["application/json"].Schema["$ref"] != "#/components/schemas/Error" {
			t.Errorf("%s: %s response %v", o.ID, code, r.Content)
		}
	}

	// Parameters: every one of the table and every path parameter.
	params := map[string]openAPIParam{}
	for _, p := range op.Parameters {
		params[p.In+" "+p.Name] = p
	}
	for _, p := range o.Params {
		got, found := params[p.In+" "+p.Name]
		if !found {
			t.Errorf("%s: no %s parameter %s", o.ID, p.In, p.Name)
			continue
		}
		if got.Required != (p.Required || p.In == "path") {
			t.Errorf("%s: parameter %s required = %v", o.ID, p.Name, got.Required)
		}
		if typ, _ := got.Schema["type"].(string); typ != string(p.Type) {
			t.Errorf("%s: parameter %s type %q, want %q", o.ID, p.Name, typ, p.Type)
		}
	}
	for _, name := range o.PathParams() {
		if _, found := params["path "+name]; !found {
			t.Errorf("%s: path parameter %s not declared", o.ID, name)
		}
	}

	// Body fields, with the required ones listed.
	if !o.HasBody() {
		if op.RequestBody != nil {
			t.Errorf("%s: request body without fields", o.ID)
		}
		return
	}
	if op.RequestBody == nil {
		t.Errorf("%s: no request body", o.ID)
		return
	}
	s := op.RequestBody.Content["application/json"].Schema
	var required []string
	for _, f := range o.Body {
		if f.Required {
			required = append(required, f.Name)
		}
		prop, found := s.Properties[f.Name]
		if !found {
			t.Errorf("%s: no body field %s", o.ID, f.Name)
			continue
		}
		if typ, _ := prop["type"].(string); typ != string(f.Type) {
			t.Errorf("%s: body field %s type %q, want %q", o.ID, f.Name, typ, f.Type)
		}
		if f.Type == Array {
			items, _ := prop["items"].(map[string]any)
			if typ, _ := items["type"].(string); items == nil || typ != string(f.Items) {
				t.Errorf("%s: body field %s items %v, want %q", o.ID, f.Name, prop["items"], f.Items)
			}
		}
	}
	sort.Strings(required)
	got := append([]string(nil), s.Required...)
	sort.Strings(got)
	if !reflect.DeepEqual(got, required) {
		t.Errorf("%s: required %q, want %q", o.ID, got, required)
	}
	if op.RequestBody.Required != (len(required) > 0) {
		t.Errorf("%s: requestBody.required = %v", o.ID, op.RequestBody.Required)
	}
	if (s.AdditionalProperties == true) != o.Kwargs {
		t.Errorf("%s: additionalProperties %v, kwargs %v", o.ID, s.AdditionalProperties, o.Kwargs)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIExamples(t *testing.T) {
	_, doc := parseOpenAPI(t, nil)
	op := func(method, path string) openAPIOp {
		t.Helper()
		op, ok := doc.Paths[path][method]
		if !ok {
			t.Fatalf("no %s %s", method, path)
		}
		return op
	}

	create := op("post", "/api/pool")
	if create.OperationID != "PoolCreate" || create.Task != "pool/create" || create.Scope != "pool" || create.Permission != "create" {
		t.Errorf("POST /api/pool = %+v", create)
	}
	if _, ok := create.Responses["201"].Content["application/vnd.ceph.api.v1.0+json"]; !ok {
		t.Errorf("POST /api/pool 201 = %+v", create.Responses["201"])
	}
	body := create.RequestBody.Content["application/json"].Schema
	if got := body.Required; !reflect.DeepEqual(got, []string{"pool", "pg_num", "pool_type"}) {
		t.Errorf("POST /api/pool required = %q", got)
	}
	if items := body.Properties["flags"]["items"]; !reflect.DeepEqual(items, map[string]any{"type": "string"}) {
		t.Errorf("POST /api/pool flags items = %v", items)
	}

	list := op("get", "/api/pool")
	for _, p := range list.Parameters {
		if p.Name == "stats" && p.Schema["default"] != false {
			t.Errorf("GET /api/pool stats default = %#v, want false", p.Schema["default"])
		}
	}

	if login := op("post", "/api/auth"); login.Security == nil || len(*login.Security) != 0 {
		t.Errorf("POST /api/auth security = %v, want []", login.Security)
	}
	if del := op("delete", "/api/pool/{pool_name}"); del.Responses["204"].Content != nil {
		t.Errorf("DELETE /api/pool/{pool_name} 204 = %+v", del.Responses["204"])
	}
	if info := op("get", "/ui-api/crush_rule/info"); !reflect.DeepEqual(info.Tags, []string{"CrushRule"}) {
		t.Errorf("GET /ui-api/crush_rule/info tags = %q", info.Tags)
	}
}

func TestOpenAPIDefaults(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		text string
		want any
		ok   bool
	}{
		{String, "s3", "s3", true},
		{Integer, "5", int64(5), true},
		{Integer, "x", nil, false},
		{Number, "0.5", 0.5, true},
		{Boolean, "true", true, true},
		{Boolean, "False", false, true},
		{Boolean, "maybe", nil, false},
		{Any, "1", 1.0, true},
		{Any, "abc", "abc", true},
		{Array, `["a"]`, []any{"a"}, true},
		{Array, `{}`, nil, false},
		{Object, `{"a":1}`, map[string]any{"a": 1.0}, true},
	} {
		got, ok := parseDefault(tc.kind, tc.text)
		if ok != tc.ok || (ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("parseDefault(%q, %q) = %#v, %v; want %#v, %v", tc.kind, tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

func TestOpenAPIDeterministic(t *testing.T) {
	a, _ := OpenAPI(nil)
	b, _ := OpenAPI(nil)
	if string(a) != string(b) {
		t.Error("two documents differ")
	}
}

// TestOpenAPIValidate checks the document with an OpenAPI library.
func TestOpenAPIValidate(t *testing.T) {
	b, _ := parseOpenAPI(t, func(o *Operation) bool { return o.InSpec })
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("LoadFromData: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	if n != len(All) {
		t.Errorf("kin-openapi sees %d operations, want %d", n, len(All))
	}

	// The validator is no formality: a path parameter left undeclared
	// fails it.
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	get := raw["paths"].(map[string]any)["/api/pool/{pool_name}"].(map[string]any)["get"].(map[string]any)
	delete(get, "parameters")
	broken, _ := json.Marshal(raw)
	if doc, err := openapi3.NewLoader().LoadFromData(broken); err == nil {
		if err := doc.Validate(context.Background()); err == nil {
			t.Error("Validate accepts an undeclared path parameter")
		}
	}
}
