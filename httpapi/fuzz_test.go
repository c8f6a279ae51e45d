package httpapi

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/rbd"
)

var fuzzTargets = []struct{ method, path string }{
	{"POST", "/api/auth"},
	{"POST", "/api/auth/check?token=SEG"},
	{"POST", "/api/pool"},
	{"PUT", "/api/pool/SEG"},
	{"GET", "/api/pool/SEG?attrs=SEG&stats=SEG"},
	{"DELETE", "/api/pool/SEG"},
	{"PUT", "/api/osd/SEG/mark"},
	{"POST", "/api/osd/SEG/reweight"},
	{"POST", "/api/osd/SEG/scrub?deep=SEG"},
	{"POST", "/api/osd"},
	{"PUT", "/api/osd/flags/individual"},
	{"GET", "/api/osd/safe_to_destroy?ids=SEG"},
	{"PUT", "/api/cluster_conf"},
	{"POST", "/api/cluster_conf"},
	{"POST", "/api/erasure_code_profile"},
	{"PUT", "/api/mgr/module/SEG"},
	{"GET", "/api/task?name=SEG"},
	{"POST", "/api/block/image"},
	{"PUT", "/api/block/image/SEG"},
	{"GET", "/api/block/image?limit=SEG&offset=SEG&sort=SEG&search=SEG"},
}

// FuzzRequest sends arbitrary bodies and path/query values to a few
// endpoints: no input may give a 500, a panic or a non-JSON answer.
// Run briefly with: go test -run=^$ -fuzz=FuzzRequest -fuzztime=30s ./httpapi
func FuzzRequest(f *testing.F) {
	seeds := []struct {
		target uint8
		seg    string
		body   string
	}{
		{0, "", `{"username":"admin","password":"admin-pw"}`},
		{0, "", `{"username":1}`},
		{1, "abc", `{"token":"x"}`},
		{2, "", `{"pool":"p","pg_num":8,"pool_type":"replicated","size":"3","compression_required_ratio":"0.5","configuration":{"rbd_qos_bps_limit":0}}`},
		{2, "", `{"pool":"p","pg_num":1e400,"pool_type":"erasure"}`},
		{3, "rbd", `{"pool":"q","application_metadata":null,"flags":["ec_overwrites"]}`},
		{4, "rbd", ``},
		{6, "osd.1", `{"action":"lost"}`},
		{7, "-1", `{"weight":"NaN"}`},
		{8, "0", `{"deep":"yes"}`},
		{9, "", `{"method":"bare","data":{"uuid":"u","host":"h","weight":"1"},"tracking_id":"t"}`},
		{10, "", `{"flags":{"noout":true,"bogus":null},"ids":[1,2]}`},
		{11, "[1,2,3]", ``},
		{12, "", `{"options":{"a":{"section":"global","value":"1"}}}`},
		{13, "", `{"name":"a","value":[{"section":"osd","value":"2"}]}`},
		{14, "", `{"name":"ec","k":"2","m":1,"plugin":"jerasure","x":[1]}`},
		{15, "dashboard", `{"config":{"a":1}}`},
		{16, "pool/*", ``},
		{17, "", `{"name":"i","pool_name":"rbd","size":"1024","features":["layering"],"configuration":{"a":"1"}}`},
		{18, "rbd%2Fi", `{"name":"j","size":2048,"features":null}`},
		{19, "-1", ``},
		{2, "", "\x00\xff{"},
		{2, "", `{"pool":"` + strings.Repeat("a", 300) + `"}`},
	}
	for _, s := range seeds {
		f.Add(s.target, s.seg, []byte(s.body))
	}
	pools := newFakePools()
	images := &fakeImages{images: map[string]rbd.Image{}}
	fx := newFixtureWith(f, cephapi.New(&cephapi.Client{Health: fakeHealth{}, Pools: pools, RBD: cephapi.RBD{Images: images}}), pools)
	f.Fuzz(func(t *testing.T, target uint8, seg string, body []byte) {
		tg := fuzzTargets[int(target)%len(fuzzTargets)]
		path := strings.ReplaceAll(tg.path, "SEG", url.PathEscape(seg))
		w := fx.serve(req{method: tg.method, path: path, body: string(body), token: fx.admin})
		if w.Code >= 500 && w.Code != 501 {
			t.Fatalf("%s %s %q: %d %s", tg.method, path, body, w.Code, w.Body)
		}
		// ServeMux redirects unclean paths ("//", "/./") with a 301 of its own.
		if w.Code != 204 && w.Code/100 != 3 && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s %q: not JSON: %q", tg.method, path, body, w.Body)
		}
	})
}
