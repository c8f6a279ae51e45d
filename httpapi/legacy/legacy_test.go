package legacy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// fakeCmd records the commands it gets and answers from a table.
type fakeCmd struct {
	got     []ceph.Command
	answers map[string]*ceph.CommandResult
	errs    map[string]error
}

func (f *fakeCmd) Command(_ context.Context, c ceph.Command) (*ceph.CommandResult, error) {
	f.got = append(f.got, c)
	if err := f.errs[c.Prefix]; err != nil {
		return nil, err
	}
	if r, ok := f.answers[c.Prefix+"|"+c.Format]; ok {
		return r, nil
	}
	return &ceph.CommandResult{}, nil
}

func newFake() *fakeCmd {
	return &fakeCmd{
		answers: map[string]*ceph.CommandResult{
			"health|":          {Output: []byte("HEALTH_OK\n")},
			"health|json":      {Output: []byte(`{"status":"HEALTH_OK","checks":{},"mutes":[]}`)},
			"health|xml":       {Output: []byte(`<health><status>HEALTH_OK</status></health>`)},
			"osd out|":         {Status: "marked out osd.0. "},
			"osd tree|json":    {Output: []byte(`{"nodes":[],"stray":[]}` + "\n")},
			"osd pool ls|":     {Output: []byte("rbd\n")},
			"mon dump|json":    {Output: []byte(`{"epoch":1}`), Status: "dumped monmap epoch 1"},
			"quorum_status|":   {Output: []byte("{}\n")},
			"osd reweight|":    {Status: "reweighted osd.0 to 0.5 (8000)"},
			"pg dump_stuck|":   {Output: []byte("ok\n")},
			"osd utilization|": {Output: []byte("ok\n")},
			"osd set|json":     {Status: "noout is set"},
			"status|json":      {Output: []byte("not json")},
			"osd pool ls|xml":  {Output: []byte("<pools><pool>rbd</pool></pools>")},
		},
		errs: map[string]error{
			"osd down": &ceph.Error{Code: ceph.NotFound, Component: "command", Detail: "osd.9 does not exist", Err: syscall.ENOENT},
			"mon stat": ceph.Errorf(ceph.Unavailable, "command", "monitor unreachable"),
		},
	}
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestLegacyTable(t *testing.T) {
	tests := []struct {
		name, method, target string
		hdr                  map[string]string
		code                 int
		body                 string // exact body, unless contains is set
		contains             string
		ctype                string
		cmd                  *ceph.Command // the command the Commander must get
	}{
		{name: "health plain", method: "GET", target: "/health", code: 200, body: "HEALTH_OK\n", ctype: "text/plain",
			cmd: &ceph.Command{Prefix: "health", Args: map[string]any{}}},
		{name: "health json suffix", method: "GET", target: "/health.json", code: 200,
			body: `{"output":{"status":"HEALTH_OK","checks":{},"mutes":[],"overall_status":"HEALTH_OK","summary":[],"detail":[]},"status":"OK"}`, ctype: "application/json",
			cmd: &ceph.Command{Prefix: "health", Args: map[string]any{}, Format: "json"}},
		{name: "health accept json", method: "GET", target: "/health", hdr: map[string]string{"Accept": "application/json"}, code: 200,
			contains: `"status":"OK"`, ctype: "application/json"},
		{name: "health xml", method: "GET", target: "/health.xml", code: 200,
			body: "\n<response>\n  <output>\n    <health><status>HEALTH_OK</status></health>\n  </output>\n  <status>\n    OK\n  </status>\n</response>", ctype: "application/xml"},
		{name: "health detail arg", method: "GET", target: "/health?detail=detail", code: 200,
			cmd: &ceph.Command{Prefix: "health", Args: map[string]any{"detail": "detail"}}},
		{name: "pool ls detail", method: "GET", target: "/osd/pool/ls?detail=detail", code: 200,
			cmd: &ceph.Command{Prefix: "osd pool ls", Args: map[string]any{"detail": "detail"}}},
		{name: "osd out put", method: "PUT", target: "/osd/out?ids=0", code: 200, body: "",
			cmd: &ceph.Command{Prefix: "osd out", Args: map[string]any{"ids": []string{"0"}}}},
		{name: "osd out list", method: "PUT", target: "/osd/out?ids=0&ids=2", code: 200,
			cmd: &ceph.Command{Prefix: "osd out", Args: map[string]any{"ids": []string{"0", "2"}}}},
		{name: "osd set json status", method: "PUT", target: "/osd/set.json?key=noout", code: 200,
			body: `{"output":[],"status":"noout is set"}`},
		{name: "reweight typed", method: "PUT", target: "/osd/reweight?id=0&weight=0.5", code: 200,
			cmd: &ceph.Command{Prefix: "osd reweight", Args: map[string]any{"id": 0, "weight": 0.5}}},
		{name: "int arg typed", method: "GET", target: "/mon/dump.json?epoch=1", code: 200,
			body: `{"output":{"epoch":1},"status":"dumped monmap epoch 1"}`,
			cmd:  &ceph.Command{Prefix: "mon dump", Args: map[string]any{"epoch": 1}, Format: "json"}},
		{name: "bad int", method: "GET", target: "/mon/dump?epoch=x", code: 400, contains: "expected an integer"},
		{name: "bad float", method: "PUT", target: "/osd/reweight?id=0&weight=heavy", code: 400, contains: "expected a number"},
		{name: "missing required", method: "PUT", target: "/osd/reweight?id=0", code: 400, contains: "missing required parameter weight"},
		{name: "unknown param", method: "GET", target: "/health?bogus=1", code: 400, contains: "invalid parameter"},
		{name: "write needs PUT", method: "GET", target: "/osd/out?ids=0", code: 405, contains: "use PUT"},
		{name: "read refuses PUT", method: "PUT", target: "/health", code: 405},
		{name: "read refuses POST", method: "POST", target: "/osd/tree", code: 405},
		{name: "command error", method: "PUT", target: "/osd/down?ids=9", code: 400, body: "\nError: osd.9 does not exist (-2)\n"},
		{name: "command error json", method: "PUT", target: "/osd/down.json?ids=9", code: 400,
			body: `{"output":[],"status":"Error: osd.9 does not exist (-2)"}`},
		{name: "unavailable", method: "GET", target: "/mon/stat", code: 503, contains: "monitor unreachable"},
		{name: "unknown path", method: "GET", target: "/osd/bogus", code: 400, contains: "Invalid endpoint /api/v0.1/osd/bogus"},
		{name: "partial path lists", method: "GET", target: "/osd/pool", code: 400, contains: "osd/pool/ls", ctype: "text/html"},
		{name: "root lists", method: "GET", target: "/", code: 200, contains: "Possible commands"},
		{name: "root help json", method: "GET", target: "/?help", hdr: map[string]string{"Accept": "application/json"}, code: 200, contains: `"path":"/api/v0.1/osd/out?ids=`},
		{name: "command help", method: "GET", target: "/osd/out?help", code: 405},
		{name: "command help put", method: "PUT", target: "/osd/out?help", code: 200, contains: "osd/out?ids=<CephString> [...]: set osd(s)"},
		{name: "not json output", method: "GET", target: "/status.json", code: 200, body: `{"output":"not json","status":"OK"}`},
		{name: "pool ls xml", method: "GET", target: "/osd/pool/ls.xml", code: 200, contains: "<pools><pool>rbd</pool></pools>"},
		{name: "head", method: "HEAD", target: "/health", code: 200, body: ""},
		{name: "options", method: "OPTIONS", target: "/osd/out", code: 200},
		{name: "bad query", method: "GET", target: "/health?%zz", code: 400},
		{name: "quorum plain", method: "GET", target: "/quorum_status", code: 200, body: "{}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			h := New(f, nil)
			w := do(t, h, tc.method, tc.target, tc.hdr)
			if w.Code != tc.code {
				t.Fatalf("status %d, want %d; body %q", w.Code, tc.code, w.Body.String())
			}
			if tc.contains != "" && !strings.Contains(w.Body.String(), tc.contains) {
				t.Errorf("body %q does not contain %q", w.Body.String(), tc.contains)
			}
			if tc.contains == "" && tc.code != 405 && tc.name != "options" && tc.name != "health detail arg" && tc.name != "pool ls detail" && tc.name != "osd out list" && tc.name != "reweight typed" && tc.name != "bad query" && w.Body.String() != tc.body {
				t.Errorf("body %q, want %q", w.Body.String(), tc.body)
			}
			if tc.ctype != "" && !strings.HasPrefix(w.Header().Get("Content-Type"), tc.ctype) {
				t.Errorf("Content-Type %q, want %q", w.Header().Get("Content-Type"), tc.ctype)
			}
			if tc.code == 405 && !strings.Contains(w.Header().Get("Allow"), "GET") && !strings.Contains(w.Header().Get("Allow"), "PUT") {
				t.Errorf("405 without Allow: %v", w.Header())
			}
			if tc.cmd != nil {
				// The command, then only the compatibility layer's reads.
				if len(f.got) == 0 {
					t.Fatalf("no command sent")
				}
				for _, c := range f.got[1:] {
					if c.Prefix != "time-sync-status" && c.Prefix != "quorum_status" {
						t.Fatalf("commands sent: %v", f.got)
					}
				}
				// CephOsdName passes as the id number, as ceph_argparse sent
				// it: the monitor refuses a string ("bad or missing field 'id'").
				want := *tc.cmd
				if !reflect.DeepEqual(f.got[0], want) {
					t.Errorf("command %#v, want %#v", f.got[0], want)
				}
			}
		})
	}
}

func TestLegacyAuthorizer(t *testing.T) {
	type call struct{ scope, perm string }
	var calls []call
	deny := map[string]error{}
	authz := func(r *http.Request, scope, perm string) error {
		calls = append(calls, call{scope, perm})
		return deny[scope+"/"+perm]
	}
	f := newFake()
	h := New(f, authz)
	cases := []struct {
		method, target string
		want           call
	}{
		{"GET", "/health", call{"monitor", "read"}},
		{"GET", "/osd/tree", call{"osd", "read"}},
		{"GET", "/osd/pool/ls", call{"pool", "read"}},
		{"GET", "/df", call{"pool", "read"}},
		{"GET", "/pg/stat", call{"pool", "read"}},
		{"GET", "/quorum_status", call{"monitor", "read"}},
		{"PUT", "/osd/out?ids=0", call{"osd", "update"}},
		{"PUT", "/osd/set?key=noout", call{"osd", "update"}},
	}
	for _, c := range cases {
		calls = nil
		do(t, h, c.method, c.target, nil)
		if len(calls) != 1 || calls[0] != c.want {
			t.Errorf("%s %s: authorizer calls %v, want %v", c.method, c.target, calls, c.want)
		}
	}
	deny["osd/update"] = ceph.Errorf(ceph.Unauthenticated, "auth", "Authentication required")
	f.got = nil
	w := do(t, h, "PUT", "/osd/out?ids=0", nil)
	if w.Code != 401 || len(f.got) != 0 || w.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("unauthenticated write: %d %v sent=%v", w.Code, w.Header(), f.got)
	}
	deny["osd/update"] = ceph.Errorf(ceph.PermissionDenied, "auth", "Access denied")
	w = do(t, h, "PUT", "/osd/out.json?ids=0", nil)
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != 403 || body["status"] != "Access denied" || len(f.got) != 0 {
		t.Errorf("forbidden write: %d %q sent=%v", w.Code, w.Body.String(), f.got)
	}
}

func TestScopeOf(t *testing.T) {
	for prefix, want := range map[string]string{
		"osd pool ls": "pool", "osd tree": "osd", "osd": "osd", "osdx": "monitor", "mon dump": "monitor",
		"config get": "config-opt", "config-key ls": "config-opt", "auth ls": "user", "pg dump_stuck": "pool",
		"health": "monitor", "mgr module ls": "manager", "fs ls": "cephfs",
	} {
		if got := ScopeOf(prefix); got != want {
			t.Errorf("ScopeOf(%q) = %q, want %q", prefix, got, want)
		}
	}
}

func TestPassthrough(t *testing.T) {
	f := newFake()
	h := New(f, nil, WithPassthrough())
	// osd utilization is a command the handler does not know.
	w := do(t, h, "GET", "/osd/utilization?threshold=10", nil)
	if w.Code != 200 || w.Body.String() != "ok\n" {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	want := ceph.Command{Prefix: "osd utilization", Args: map[string]any{"threshold": "10"}}
	if last := f.got[len(f.got)-1]; !reflect.DeepEqual(last, want) {
		t.Errorf("got %#v", last)
	}
	// Without passthrough the same path is an unknown endpoint.
	if w := do(t, New(f, nil), "GET", "/osd/utilization", nil); w.Code != 400 {
		t.Errorf("no passthrough: %d", w.Code)
	}
}

func FuzzLegacy(f *testing.F) {
	for _, s := range []string{"/health", "/osd/out?ids=0", "/osd/tree.json", "/?help", "/osd/pool/ls.xml?detail=detail", "/a/b/c.d?e=f&e=g", "/%00", "/mon/dump?epoch=99999999999999999999"} {
		f.Add("GET", s)
		f.Add("PUT", s)
	}
	h := New(newFake(), nil, WithPassthrough())
	h2 := New(newFake(), nil)
	f.Fuzz(func(t *testing.T, method, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r, err := http.NewRequest("GET", "http://x"+target, nil)
		if err != nil || method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			return
		}
		r.Method = method
		for _, hh := range []http.Handler{h, h2} {
			w := httptest.NewRecorder()
			hh.ServeHTTP(w, r)
			if w.Code >= 500 && w.Code != 503 {
				t.Fatalf("%s %s: %d %q", method, target, w.Code, w.Body.String())
			}
		}
	})
}

// descriptions is a get_command_descriptions answer in the monitors' form
// (strings for req and n, as Ceph 16 sends them).
const descriptions = `{
"cmd000":{"sig":["osd","tree",{"name":"epoch","type":"CephInt","n":"1","req":"false","range":"0"}],"help":"print OSD tree","module":"osd","perm":"r","flags":0},
"cmd001":{"sig":["osd","pool","ls",{"name":"detail","type":"CephChoices","strings":"detail","req":"false"}],"help":"list pools","module":"osd","perm":"r","flags":8},
"cmd002":{"sig":["osd","pool","get",{"name":"pool","type":"CephPoolname"},{"name":"var","type":"CephChoices","strings":"size|min_size"}],"help":"get pool parameter <var>","module":"osd","perm":"r","flags":0},
"cmd003":{"sig":["osd","out",{"name":"ids","type":"CephString","n":"N"}],"help":"set osd(s) out","module":"osd","perm":"rw","flags":0},
"cmd004":{"sig":["osd","hidden-thing"],"help":"hidden","module":"osd","perm":"r","flags":32},
"cmd006":{"sig":["osd","find",{"name":"id","type":"CephOsdName"}],"help":"find osd <id> in the CRUSH map","module":"osd","perm":"r","flags":0},
"cmd007":{"sig":["osd","ls-tree",{"name":"epoch","type":"CephInt","req":"false"},{"name":"name","type":"CephString"}],"help":"show OSD ids under bucket","module":"osd","perm":"r","flags":0},
"cmd005":{"sig":["health",{"name":"detail","type":"CephChoices","strings":"detail","req":false}],"help":"show cluster health","module":"mon","perm":"r","flags":0}
}`

// TestPassthroughPrefixes: with passthrough a partial path lists the
// cluster's commands under it, as ceph_rest_api.py's show_human_help did
// (an HTML table, 400: the path is no endpoint), and the base path lists
// them all.
func TestPassthroughPrefixes(t *testing.T) {
	f := newFake()
	f.answers["get_command_descriptions|json"] = &ceph.CommandResult{Output: []byte(descriptions)}
	h := New(f, nil, WithPassthrough())
	for _, tc := range []struct {
		target   string
		code     int
		has, not []string
	}{
		{"/osd", 400, []string{"osd/tree?epoch=[&lt;CephInt&gt;]", "osd/pool/ls?detail=[detail]", "osd/pool/get?pool=&lt;CephPoolname&gt;&amp;var=size|min_size", "osd/out?ids=&lt;CephString&gt; [...]\n</td><td>PUT"}, []string{"health", "hidden-thing"}},
		{"/osd/pool", 400, []string{"osd/pool/ls", "osd/pool/get"}, []string{"osd/tree", "osd/out"}},
		{"/", 200, []string{"osd/tree", "health?detail=[detail]", "mon_status"}, []string{"hidden-thing"}},
	} {
		w := do(t, h, "GET", tc.target, nil)
		body := w.Body.String()
		if w.Code != tc.code || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, "Possible commands:") {
			t.Errorf("%s: %d %q %q", tc.target, w.Code, w.Header().Get("Content-Type"), body)
			continue
		}
		for _, s := range tc.has {
			if !strings.Contains(body, s) {
				t.Errorf("%s: listing lacks %q:\n%s", tc.target, s, body)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(body, s) {
				t.Errorf("%s: listing has %q:\n%s", tc.target, s, body)
			}
		}
	}
	// A full command still passes through; the descriptions are asked once.
	if w := do(t, h, "GET", "/osd/tree.json", nil); w.Code != 200 {
		t.Errorf("osd/tree: %d %q", w.Code, w.Body.String())
	}
	// Arguments are typed by the cluster's signature, as ceph_argparse did.
	for target, want := range map[string]map[string]any{
		"/osd/find?id=osd.3":              {"id": 3},
		"/osd/ls-tree?name=dev&epoch=7":   {"name": "dev", "epoch": int64(7)},
		"/osd/pool/get?pool=rbd&var=size": {"pool": "rbd", "var": "size"},
		"/pg/dump_stuck?threshold=10":     {"threshold": 10},   // emulated: typed by the handler's signature
		"/osd/utilization?threshold=10":   {"threshold": "10"}, // not described: as it came
	} {
		if w := do(t, h, "GET", target, nil); w.Code != 200 {
			t.Errorf("%s: %d %q", target, w.Code, w.Body.String())
		}
		if got := f.got[len(f.got)-1].Args; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: args %#v, want %#v", target, got, want)
		}
	}
	if w := do(t, h, "GET", "/osd/find?id=x", nil); w.Code != 400 {
		t.Errorf("osd find id=x: %d", w.Code)
	}
	n := 0
	for _, c := range f.got {
		if c.Prefix == "get_command_descriptions" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("get_command_descriptions asked %d times", n)
	}
	// Without descriptions the handler's own commands are listed.
	h = New(newFake(), nil, WithPassthrough())
	if w := do(t, h, "GET", "/osd/pool", nil); w.Code != 400 || !strings.Contains(w.Body.String(), "osd/pool/ls") {
		t.Errorf("no descriptions: %d %q", w.Code, w.Body.String())
	}
}
