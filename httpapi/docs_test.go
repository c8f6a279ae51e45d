package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/httpapi/ops"
)

func newDocsHandler(t testing.TB, implemented func(*ops.Operation) bool) http.Handler {
	t.Helper()
	h, err := docsHandler(implemented)
	if err != nil {
		t.Fatalf("docsHandler: %v", err)
	}
	return h
}

// docsGet serves one request with h and returns the response and body.
func docsGet(t testing.TB, h http.Handler, method, target string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestDocsAPIJSON(t *testing.T) {
	impl := func(o *ops.Operation) bool { return o.Tag == "Pool" }
	h := newDocsHandler(t, impl)
	resp, body := docsGet(t, h, "GET", "/docs/api.json")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /docs/api.json: %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Info    struct{ Title string }               `json:"info"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("api.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") || doc.Info.Title != "Ceph REST API" {
		t.Errorf("openapi %q, title %q", doc.OpenAPI, doc.Info.Title)
	}
	paths := map[string]bool{}
	for _, o := range ops.All {
		paths[o.Path] = true
	}
	nops := 0
	for _, item := range doc.Paths {
		for _, op := range item {
			nops++
			id, _ := op["operationId"].(string)
			o, ok := ops.ByID(id)
			if !ok {
				t.Errorf("unknown operationId %q", id)
				continue
			}
			if got, _ := op["x-implemented"].(bool); got != impl(o) {
				t.Errorf("%s: x-implemented %v", id, got)
			}
		}
	}
	// 143 paths at this writing, with 209 operations.
	if len(doc.Paths) != len(paths) || len(doc.Paths) < 140 {
		t.Errorf("%d paths, want the %d of ops.All", len(doc.Paths), len(paths))
	}
	if nops != len(ops.All) || nops < 200 {
		t.Errorf("%d operations, want the %d of ops.All", nops, len(ops.All))
	}

	// HEAD, and the validator the document carries.
	head, hbody := docsGet(t, h, "HEAD", "/docs/api.json")
	if head.StatusCode != 200 || len(hbody) != 0 || head.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("HEAD /docs/api.json: %d, Content-Length %q, %d body bytes",
			head.StatusCode, head.Header.Get("Content-Length"), len(hbody))
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r, _ := docsGet(t, h, "GET", "/docs/api.json", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", r.StatusCode)
	}
	if r, _ := docsGet(t, h, "POST", "/docs/api.json"); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /docs/api.json: %d, want 405", r.StatusCode)
	}
}

// docsAssetRE finds the src and href attributes of a page.
var docsAssetRE = regexp.MustCompile(`(?i)<(?:script|link|img)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']`)

func TestDocsPage(t *testing.T) {
	h := newDocsHandler(t, nil)
	for _, target := range []string{"/docs", "/docs/"} {
		resp, body := docsGet(t, h, "GET", target)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", target, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", target)
		}
		page := string(body)
		for _, want := range []string{"<title>Ceph REST API - Swagger UI</title>", `"/docs/api.json"`, `id="swagger-ui"`} {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s: page lacks %s", target, want)
			}
		}
		if strings.Contains(page, "http://") && !strings.Contains(page, `startsWith("http://")`) {
			t.Errorf("GET %s: page names another origin", target)
		}

		assets := docsAssetRE.FindAllStringSubmatch(page, -1)
		if len(assets) < 4 {
			t.Fatalf("GET %s: %d assets, want the CSS, two icons and two scripts", target, len(assets))
		}
		seen := map[string]bool{}
		for _, m := range assets {
			u := m[1]
			seen[u] = true
			if !strings.HasPrefix(u, "/docs/") {
				t.Errorf("asset %q is not under /docs/", u)
				continue
			}
			for _, enc := range []string{"", "gzip"} {
				r, b := docsGet(t, h, "GET", u, "Accept-Encoding", enc)
				if r.StatusCode != 200 || len(b) < 100 {
					t.Errorf("GET %s (Accept-Encoding %q): %d, %d bytes", u, enc, r.StatusCode, len(b))
				}
				if enc == "" && strings.HasSuffix(u, ".js") && !strings.Contains(string(b), "SwaggerUI") {
					t.Errorf("GET %s: not Swagger UI's script", u)
				}
			}
		}
		for _, want := range []string{"/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js"} {
			if !seen[want] {
				t.Errorf("GET %s: page does not load %s", target, want)
			}
		}
	}

	if r, _ := docsGet(t, h, "GET", "/docs/no-such-file.js"); r.StatusCode != http.StatusNotFound {
		t.Errorf("GET /docs/no-such-file.js: %d, want 404", r.StatusCode)
	}
	// (A recorder keeps what a HEAD handler writes; a server drops it.)
	if r, _ := docsGet(t, h, "HEAD", "/docs/"); r.StatusCode != 200 {
		t.Errorf("HEAD /docs/: %d", r.StatusCode)
	}
}

func TestDocsRootRedirect(t *testing.T) {
	h := http.HandlerFunc(rootRedirect)
	resp, _ := docsGet(t, h, "GET", "/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/docs" {
		t.Errorf("GET /: %d Location %q, want 302 /docs", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := docsGet(t, h, "GET", "/elsewhere"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /elsewhere: %d, want 404", resp.StatusCode)
	}

	// Through a real server and client, as a browser follows it.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", rootRedirect)
	docs := newDocsHandler(t, nil)
	mux.Handle("GET /docs", docs)
	mux.Handle("GET /docs/", docs)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	r, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || r.Request.URL.Path != "/docs" || !strings.Contains(string(b), "swagger-ui-bundle.js") {
		t.Errorf("GET / followed to %s: %d", r.Request.URL, r.StatusCode)
	}
}
