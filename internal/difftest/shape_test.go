package difftest

import (
	"encoding/json"
	"slices"
	"testing"
)

func doc(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"a/b", "a/b", true},
		{"a/b", "a/c", false},
		{"a/*", "a/b", true},
		{"a/*", "a/b/c", false},
		{"a/**", "a/b/c", true},
		{"**", "", true},
		{"**/c", "a/b/c", true},
		{"[]/cache_*", "[]/cache_mode", true},
		{"[]/cache_*", "x/cache_mode", false},
		{"[]", "a", false},
		{"{}/x", "{}/x", true},
		{"hit_set_*", "hit_set_params/x", false},
		{"", "", true},
	} {
		if got := Match(tc.pattern, tc.path); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestCompareShapes(t *testing.T) {
	for _, tc := range []struct {
		name, ours, theirs string
		maps               []string
		want               []Diff
	}{
		{"same", `{"a": 1, "b": [{"c": "x"}]}`, `{"b": [{"c": "y"}], "a": 2}`, nil, nil},
		{"missing and extra", `{"a": 1, "x": {"deep": 1}}`, `{"a": 1, "b": {"deep": 1}}`, nil,
			[]Diff{{Kind: Missing, Path: "b", Theirs: "object"}, {Kind: Extra, Path: "x", Ours: "object"}}},
		{"type", `{"a": "1"}`, `{"a": 1}`, nil, []Diff{{Kind: Type, Path: "a", Ours: "string", Theirs: "number"}}},
		{"null is a type", `{"a": null}`, `{"a": []}`, nil, []Diff{{Kind: Type, Path: "a", Ours: "null", Theirs: "array"}}},
		{"empty list says nothing", `[]`, `[{"a": 1}]`, nil, nil},
		{"element union", `[{"a": 1}, {"b": 2}]`, `[{"a": 1}]`, nil, []Diff{{Kind: Extra, Path: "[]/b", Ours: "number"}}},
		{"nested", `{"l": [{"m": {"n": 1}}]}`, `{"l": [{"m": {"n": true}}]}`, nil,
			[]Diff{{Kind: Type, Path: "l/[]/m/n", Ours: "number", Theirs: "bool"}}},
		{"maps merge keys", `{"osd.0": {"x": 1}}`, `{"mon.a": {"x": 2}, "osd.0": {"x": 3}}`, []string{""}, nil},
		{"maps still compare values", `{"osd.0": {"x": 1}}`, `{"mon.a": {"y": 2}}`, []string{""},
			[]Diff{{Kind: Extra, Path: "{}/x", Ours: "number"}, {Kind: Missing, Path: "{}/y", Theirs: "number"}}},
		{"root type", `[1]`, `{"a": 1}`, nil, []Diff{{Kind: Type, Path: "", Ours: "array", Theirs: "object"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CompareShapes(Of(doc(t, tc.ours), tc.maps), Of(doc(t, tc.theirs), tc.maps))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValues(t *testing.T) {
	d := doc(t, `{"pools": [{"name": "b", "id": 2}, {"name": "a", "id": 1}], "m": {"x": {"v": 1}, "y": {"v": 2}}, "s": "OK"}`)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"pools/[]/name", []string{`"a"`, `"b"`}},
		{"pools/[]/id", []string{"1", "2"}},
		{"m/{}/v", []string{"1", "2"}},
		{"s", []string{`"OK"`}},
		{"nope", nil},
		{"s/deeper", nil},
	} {
		if got := Values(d, tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("Values(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	rsp := func(status int, body string) *Response {
		r := &Response{Status: status, Body: []byte(body), JSON: true}
		if body != "" {
			if err := json.Unmarshal([]byte(body), &r.Doc); err != nil {
				r.JSON = false
			}
		}
		return r
	}
	for _, tc := range []struct {
		name          string
		c             Case
		ours, theirs  *Response
		diffs, unused int
		explained     int
	}{
		{"equal", Case{Values: []string{"s"}}, rsp(200, `{"s": "OK"}`), rsp(200, `{"s": "OK"}`), 0, 0, 0},
		{"value differs", Case{Values: []string{"s"}}, rsp(200, `{"s": "OK"}`), rsp(200, `{"s": "WARN"}`), 1, 0, 0},
		{"status differs", Case{}, rsp(404, `{"detail": "x"}`), rsp(500, `{"detail": "x"}`), 1, 0, 0},
		{"status known", Case{Known: []Known{{Kind: Status, Reason: "r"}}}, rsp(404, `{"detail": "x"}`), rsp(500, `{"detail": "x"}`), 0, 0, 1},
		{"allowed statuses", Case{Status: []int{201, 202}}, rsp(201, `null`), rsp(201, `null`), 0, 0, 0},
		{"task 202 on one side", Case{Status: []int{201, 202}}, rsp(201, `null`), rsp(202, `{"name": "pool/create"}`), 0, 0, 1},
		{"202 not allowed", Case{}, rsp(201, `null`), rsp(202, `{"name": "pool/create"}`), 1, 0, 1},
		{"error extras", Case{}, rsp(404, `{"detail": "d", "code": "not_found", "component": null, "status": "404 Not Found", "request_id": "1"}`),
			rsp(404, `{"status": "404 Not Found", "detail": "d", "request_id": "2"}`), 0, 0, 2},
		{"error missing detail", Case{}, rsp(404, `{"code": "not_found"}`), rsp(404, `{"detail": "d"}`), 1, 0, 1},
		{"extras only for errors", Case{}, rsp(200, `{"a": 1, "code": "x"}`), rsp(200, `{"a": 1}`), 1, 0, 0},
		{"text vs json", Case{}, rsp(200, `not json`), rsp(200, `{}`), 1, 0, 0},
		{"empty bodies", Case{}, rsp(204, ``), rsp(204, ``), 0, 0, 0},
		{"unused known", Case{Known: []Known{{Path: "zz", Reason: "r"}}}, rsp(200, `{}`), rsp(200, `{}`), 0, 1, 0},
		{"known by pattern", Case{Known: []Known{{Kind: Missing, Path: "[]/cache_*", Reason: "r"}}},
			rsp(200, `[{"a": 1}]`), rsp(200, `[{"a": 1, "cache_mode": "none", "cache_x": 1}]`), 0, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Compare(tc.c, tc.ours, tc.theirs)
			if len(res.Diffs) != tc.diffs || len(res.Unused) != tc.unused || len(res.Explained) != tc.explained {
				t.Errorf("diffs %v, unused %v, explained %v; want %d, %d, %d", res.Diffs, res.Unused, res.Explained, tc.diffs, tc.unused, tc.explained)
			}
		})
	}
}

func TestSideNormalize(t *testing.T) {
	s := &Side{Vars: map[string]string{"pool": "dt-ours-pool-1", "flags": `["a","b"]`, "x": "ab"}}
	body := []byte(`{"pool_name": "dt-ours-pool-1", "flags": ["a","b"], "ab": 1}`)
	if got := string(s.normalize(body, "/api/pool")); got != string(body) {
		t.Errorf("normalize without variables = %s", got)
	}
	got := string(s.normalize(body, "/api/pool/{pool}", `{"f": {flags}, "x": "{x}"}`))
	want := `{"pool_name": "{pool}", "flags": ["a","b"], "ab": 1}`
	if got != want {
		t.Errorf("normalize = %s, want %s", got, want)
	}
	if e := s.Expand(`/api/pool/{pool}?f={flags}`); e != `/api/pool/dt-ours-pool-1?f=["a","b"]` {
		t.Errorf("Expand = %s", e)
	}
}
