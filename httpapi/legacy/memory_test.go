package legacy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/transport/memory"
)

// bucketIDs matches the bucket ids at the start of osd tree rows: real
// Ceph 16 skips ids it gives to per-class shadow buckets, a model need not.
var bucketIDs = regexp.MustCompile(`(?m)^-\d+ `)

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

// TestMemorySeed is the seed's two curl examples over the memory
// transport: HEALTH_OK, and the tree with osd.0 under host dev and the
// three racks, laid out as Ceph 16.2.15 prints the same tree (captured in
// internal/cmdemu/testdata/seed, where osd.0 weighs 0.00099 instead of 1).
func TestMemorySeed(t *testing.T) {
	c := memory.New()
	res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: "health"})
	if err != nil || string(res.Output) != "HEALTH_OK\n" {
		t.Fatalf("health: %q %v", res, err)
	}
	h := http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil))
	if w := get(t, h, "GET", "/api/v0.1/health"); w.Code != 200 || w.Body.String() != "HEALTH_OK\n" {
		t.Errorf("GET health: %d %q", w.Code, w.Body.String())
	}
	real, err := os.ReadFile("../../internal/cmdemu/testdata/seed/osd_tree.out")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(string(real), "0.00099", "1.00000")
	w := get(t, h, "GET", "/api/v0.1/osd/tree")
	if w.Code != 200 {
		t.Fatalf("GET osd/tree: %d %q", w.Code, w.Body.String())
	}
	got := w.Body.String()
	if bucketIDs.ReplaceAllString(got, "-N ") != bucketIDs.ReplaceAllString(want, "-N ") {
		t.Errorf("osd tree differs from Ceph 16.2.15's layout:\ngot:\n%s\nwant (ids aside):\n%s", got, want)
	}
	for _, s := range []string{"host dev", "osd.0", "rack rack01", "rack rack02", "rack rack03"} {
		if !strings.Contains(got, s) {
			t.Errorf("tree lacks %q", s)
		}
	}
}

// TestMemoryWrites drives writes through the handler and reads their effect
// back from the model.
func TestMemoryWrites(t *testing.T) {
	c := memory.New()
	h := legacy.New(c.Commands, nil)
	steps := []struct {
		method, target string
		code           int
		status         string // X-Ceph-Status
		body           string // substring of the body
	}{
		{"PUT", "/osd/out?ids=0", 200, "marked out osd.0. ", ""},
		{"PUT", "/osd/out?ids=0", 200, "osd.0 is already out. ", ""},
		{"GET", "/osd/tree", 200, "", "osd.0        up         0  1.00000"},
		{"PUT", "/osd/in?ids=0", 200, "marked in osd.0. ", ""},
		{"PUT", "/osd/set?key=noout", 200, "noout is set", ""},
		{"GET", "/health", 200, "", "HEALTH_WARN noout flag(s) set"},
		{"GET", "/osd/stat", 200, "", "flags noout"},
		{"PUT", "/osd/unset?key=noout", 200, "noout is unset", ""},
		{"GET", "/health", 200, "", "HEALTH_OK"},
		{"PUT", "/osd/reweight?id=0&weight=0.5", 200, "reweighted osd.0 to 0.5 (8000)", ""},
		{"GET", "/osd/tree", 200, "", "up   0.50000  1.00000"},
		{"PUT", "/osd/reweight?id=7&weight=0.5", 400, "", "Error: osd.7 does not exist (-2)"},
		{"PUT", "/osd/set?key=bogus", 400, "", "Error: unrecognized flag 'bogus' (-22)"},
		{"PUT", "/osd/out?ids=9", 200, "osd.9 does not exist. ", ""},
		{"GET", "/osd/pool/ls?detail=detail", 200, "", "pool 1 'device_health_metrics' replicated size"},
		{"GET", "/osd/down?ids=0", 405, "", ""},
	}
	for _, s := range steps {
		w := get(t, h, s.method, s.target)
		if w.Code != s.code || w.Header().Get("X-Ceph-Status") != s.status || !strings.Contains(w.Body.String(), s.body) {
			t.Errorf("%s %s: %d status %q body %q; want %d %q %q", s.method, s.target, w.Code, w.Header().Get("X-Ceph-Status"), w.Body.String(), s.code, s.status, s.body)
		}
	}
	// JSON output is wrapped and parses.
	w := get(t, h, "GET", "/osd/tree.json")
	var body struct {
		Output struct {
			Nodes []struct {
				Name string `json:"name"`
			} `json:"nodes"`
		} `json:"output"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Status != "OK" || len(body.Output.Nodes) != 6 {
		t.Errorf("osd/tree.json: %v %q", err, w.Body.String())
	}
}

// TestMemorySmallReads: the small reads python-cephclient calls, laid out
// as Ceph 16.2.15 prints them (see internal/cmdemu/smallreads.go), from
// the model's seed.
func TestMemorySmallReads(t *testing.T) {
	c := memory.New()
	h := legacy.New(c.Commands, nil)
	for _, tc := range []struct{ target, body string }{
		{"/fsid", `^[0-9a-f-]{36}\n$`},
		{"/fsid.json", `^\{"output":\{"fsid":"[0-9a-f-]{36}"\},"status":"OK"\}$`},
		{"/osd/lspools", `^1 device_health_metrics\n$`},
		{"/osd/lspools.json", `^\{"output":\[\{"poolnum":1,"poolname":"device_health_metrics"\}\],"status":"OK"\}$`},
		{"/osd/getmaxosd", `^max_osd = 1 in epoch \d+\n$`},
		{"/osd/getmaxosd.json", `^\{"output":\{"epoch":\d+,"max_osd":1\},"status":"OK"\}$`},
		{"/osd/crush/rule/ls", `^replicated_rule\n$`},
		{"/osd/crush/rule/list.json", `^\{"output":\["replicated_rule"\],"status":"OK"\}$`},
	} {
		w := get(t, h, "GET", tc.target)
		if w.Code != 200 || !regexp.MustCompile(tc.body).MatchString(w.Body.String()) {
			t.Errorf("%s: %d %q, want %s", tc.target, w.Code, w.Body.String(), tc.body)
		}
	}
	// The fsid is the OSD map's.
	fsid := get(t, h, "GET", "/fsid").Body.String()
	if !strings.Contains(get(t, h, "GET", "/osd/dump.json").Body.String(), `"fsid":"`+strings.TrimSpace(fsid)+`"`) {
		t.Errorf("fsid %q is not the OSD map's", fsid)
	}
}
