package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/transport/memory"
)

// A built frontend as Debian ships it: dist/<lang>/index.html and the
// locale in dist/../package.json.
func fakeUI(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dist := filepath.Join(root, "dist")
	for lang, body := range map[string]string{"en-US": "english", "de-DE": "deutsch"} {
		if err := os.MkdirAll(filepath.Join(dist, lang, "assets"), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range map[string]string{"index.html": "<html>" + body + "</html>", "main.js": "// " + body, "assets/logo.svg": "<svg/>"} {
			if err := os.WriteFile(filepath.Join(dist, lang, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"config": {"locale": "en-US"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "secret.txt"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dist
}

func TestUI(t *testing.T) {
	srv := New(memory.New(), WithUI(fakeUI(t)))
	for _, tc := range []struct {
		name, path, lang, cookie string
		status                   int
		body                     string
	}{
		{"root is index.html", "/", "", "", 200, "english"},
		{"a bundle", "/main.js", "", "", 200, "// english"},
		{"a nested asset", "/assets/logo.svg", "", "", 200, "<svg/>"},
		{"Accept-Language picks the language", "/", "de-DE,de;q=0.9,en;q=0.5", "", 200, "deutsch"},
		{"the main tag matches too", "/", "de", "", 200, "deutsch"},
		{"weights order the tags", "/", "de;q=0.1, en-US;q=0.8", "", 200, "english"},
		{"an unknown language falls back", "/", "fr-FR", "", 200, "english"},
		{"the cd-lang cookie wins", "/", "en-US", "de-DE", 200, "deutsch"},
		{"a missing file is the API's 404", "/nope.js", "", "", 404, "not found"},
		{"no directory listing", "/assets/", "", "", 404, "not found"},
		{"no way out of the directory", "/../../secret.txt", "", "", 0, ""},
		{"encoded dots stay inside", "/%2e%2e/%2e%2e/secret.txt", "", "", 0, ""},
		{"the API is not the UI", "/api/nothing", "", "", 404, "not found"},
		{"the docs stay", "/docs", "", "", 200, "swagger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.lang != "" {
				r.Header.Set("Accept-Language", tc.lang)
			}
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: "cd-lang", Value: tc.cookie})
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if tc.status == 0 { // anything but the file outside
				if w.Code == 200 || strings.Contains(w.Body.String(), "outside") {
					t.Errorf("GET %s: %d %.200s: served a file outside the UI", tc.path, w.Code, w.Body)
				}
				return
			}
			if w.Code != tc.status || !strings.Contains(strings.ToLower(w.Body.String()), tc.body) {
				t.Errorf("GET %s: %d %.200s, want %d with %q", tc.path, w.Code, w.Body, tc.status, tc.body)
			}
			if tc.status == 200 && tc.path != "/docs" && w.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", w.Header().Get("Cache-Control"))
			}
		})
	}
	// without --ui the root still leads to the API document
	w := httptest.NewRecorder()
	New(memory.New()).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code/100 != 3 {
		t.Errorf("GET / without a UI: %d, want a redirect to the docs", w.Code)
	}
	if err := CheckUIDir(t.TempDir()); err == nil {
		t.Error("CheckUIDir of an empty directory: no error")
	}
}

// The web UI's helpers answer what the UI needs before and after a login.
func TestUIHelpers(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct {
		method, path, body string
		token              bool
		status             int
		want               string
	}{
		{"GET", "/ui-api/langs", "", false, 200, "[]"},
		{"GET", "/ui-api/login/custom_banner", "", false, 200, "null"},
		{"POST", "/ui-api/logging/js-error", `{"url": "http://h/#/x?token=secret", "message": "boom"}`, false, 200, "null"},
		{"POST", "/ui-api/logging/js-error", `{"url": "http://h/"}`, false, 400, "message"},
		{"GET", "/ui-api/motd", "", false, 401, ""},
		{"GET", "/ui-api/motd", "", true, 200, "null"},
		{"GET", "/ui-api/standard_settings", "", true, 200, `"pwd_policy_min_length":8`},
		{"GET", "/ui-api/orchestrator/status", "", true, 200, `"available":false`},
		{"GET", "/ui-api/block/mirroring/status", "", true, 200, `"available":true`},
		{"GET", "/ui-api/scope", "", true, 200, `"rbd-image"`},
		{"GET", "/api/feature_toggles", "", true, 200, `"iscsi":false`},
		{"GET", "/api/prometheus/notifications", "", true, 200, "[]"},
		{"GET", "/api/grafana/url", "", true, 200, `{"instance":""}`},
		{"GET", "/api/summary/", "", true, 200, `"health_status"`},
		{"GET", "/api/nothing/", "", true, 404, "not found"},
	} {
		token := ""
		if tc.token {
			token = fx.admin
		}
		w := fx.do(req{method: tc.method, path: tc.path, body: tc.body, token: token})
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %.300s, want %d with %q", tc.method, tc.path, w.Code, w.Body, tc.status, tc.want)
		}
	}
}

// bootOSDs adds OSDs to a cluster's list: never booted (up_from 0, never
// asked for metadata, as the manager's osd_metadata has none), or booted
// with the given object store.
type bootOSDs struct {
	osd.OSDs
	t     *testing.T
	extra map[int]string // id: object store, "" for never booted
}

func (b bootOSDs) List(ctx context.Context) ([]osd.OSD, error) {
	list, err := b.OSDs.List(ctx)
	if err != nil {
		return nil, err
	}
	for id, store := range b.extra {
		o := list[0]
		o.ID, o.OSD = id, id
		o.UpFrom = 0
		if store != "" {
			o.UpFrom = 5
		}
		list = append(list, o)
	}
	return list, nil
}

func (b bootOSDs) Get(ctx context.Context, id int) (*osd.Details, error) {
	store, ok := b.extra[id]
	if !ok {
		return b.OSDs.Get(ctx, id)
	}
	if store == "" {
		b.t.Errorf("osd.%d never booted, and its metadata was asked for", id)
		return nil, ceph.Errorf(ceph.NotFound, "osd", "no metadata")
	}
	return &osd.Details{OSDMetadata: map[string]string{"osd_objectstore": store}}, nil
}

// TestUIPoolInfoBlueStore checks is_all_bluestore: every OSD that booted
// says bluestore, as the dashboard's all() over the manager's metadata.
func TestUIPoolInfoBlueStore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra map[int]string
		want  bool
	}{
		{"the demo cluster", nil, true},
		{"OSDs that never booted are not asked", map[int]string{90: "", 91: ""}, true},
		{"a booted filestore OSD", map[int]string{90: "", 92: "filestore"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := memory.New()
			c.OSDs = bootOSDs{c.OSDs, t, tc.extra}
			f := newFixtureWith(t, c, nil)
			w := f.do(req{method: "GET", path: "/ui-api/pool/info", token: f.admin})
			var got struct {
				AllBlue bool `json:"is_all_bluestore"`
			}
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil || got.AllBlue != tc.want {
				t.Fatalf("%d %s; want is_all_bluestore %v", w.Code, w.Body.String(), tc.want)
			}
		})
	}
}
