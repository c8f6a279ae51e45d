//go:build linux

package httpapi

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/cephapi/cephapi/transport/memory"
	"time"

	"github.com/cephapi/cephapi/httpapi/ops"
)

// TestDocsBrowser loads / in a real headless Chromium, follows the
// redirect to /docs and checks that Swagger UI rendered the document:
// the page's HTML alone has none of what it looks for. Debian's package:
//
//	apt-get install -y chromium
//	CEPH_TEST_BROWSER=1 go test -run Browser -v ./httpapi/
//
// CEPH_TEST_BROWSER_SHOT=DIR also keeps the screenshot as DIR/docs.png.
func TestDocsBrowser(t *testing.T) {
	if os.Getenv("CEPH_TEST_BROWSER") != "1" {
		t.Skip("set CEPH_TEST_BROWSER=1 to render the docs in headless Chromium")
	}
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Fatal("CEPH_TEST_BROWSER=1 but neither chromium nor chromium-browser is in PATH (apt-get install -y chromium)")
	}

	// The server as the program runs it, on the embedded model: its docs
	// routes, its redirect and its idea of what is implemented.
	mux := New(memory.New())
	unimplemented := ""
	for _, rt := range mux.Routes() {
		if !rt.Implemented {
			unimplemented = rt.Op.ID
			break
		}
	}
	var mu sync.Mutex
	var requested []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.Method+" "+r.URL.Path)
		mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/"

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	dom := runChromium(ctx, t, chromium, "dump-dom", "--dump-dom", url)
	mu.Lock()
	got := strings.Join(requested, "\n")
	mu.Unlock()
	for _, want := range []string{"GET /", "GET /docs", "GET /docs/swagger-ui-bundle.js", "GET /docs/swagger-ui-standalone-preset.js", "GET /docs/swagger-ui.css", "GET /docs/api.json"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).MatchString(got) {
			t.Errorf("the browser did not ask for %s; it asked for\n%s", want, got)
		}
	}

	// What only the rendered UI has: the info block's title, one
	// operation block per operation with its path and summary, the
	// version badge of the document.
	checks := []struct {
		what string
		re   string
	}{
		{"the Swagger UI root", `class="swagger-ui"`},
		{"the document's title", `<h2 class="title">Ceph REST API`},
		{"the OpenAPI version badge", `OAS\s*3\.0`},
		{"the pool path", `data-path="/api/pool/\{pool_name\}"`},
		{"the description", `Ceph Dashboard REST API`},
		{"an operation's Doc as its summary", regexp.QuoteMeta(textInDOM(ops.AuthCheck.Doc))},
		{"an operation's ID as its summary", `>PoolCreate<`},
		{"the Pool tag", `id="operations-tag-Pool"`},
	}
	if unimplemented != "" {
		checks = append(checks, struct{ what, re string }{"an unimplemented operation marked", `>\(not implemented: 501\) ` + unimplemented + `<`})
	}
	for _, c := range checks {
		if !regexp.MustCompile(c.re).MatchString(dom) {
			t.Errorf("the rendered page lacks %s (%s)", c.what, c.re)
		}
	}
	blocks := len(regexp.MustCompile(`class="opblock opblock-(get|post|put|delete)`).FindAllString(dom, -1))
	if blocks != len(ops.All) {
		t.Errorf("%d operation blocks rendered, want %d (one per operation)", blocks, len(ops.All))
	}
	if t.Failed() {
		t.Logf("dumped DOM (%d bytes), start:\n%.3000s", len(dom), dom)
	}

	shot := filepath.Join(t.TempDir(), "docs.png")
	runChromium(ctx, t, chromium, "screenshot", "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars", url)
	checkScreenshot(t, shot)
	if dir := os.Getenv("CEPH_TEST_BROWSER_SHOT"); dir != "" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(filepath.Join(dir, "docs.png"), b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// textInDOM is s as a serialized DOM text node writes it.
func textInDOM(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\u00a0", "&nbsp;").Replace(s)
}

// runChromium runs headless Chromium with its own profile and no network
// but the test server (any other host does not resolve), and returns what
// it writes on stdout. A console message of a load that failed or that
// the page's Content-Security-Policy blocked, or of an uncaught script
// error, fails the test. Its process group is killed on return or when ctx
// ends, so no renderer outlives the test.
func runChromium(ctx context.Context, t *testing.T, chromium, what string, args ...string) string {
	t.Helper()
	args = append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--disable-background-networking", "--disable-sync", "--disable-component-update",
		"--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir=" + t.TempDir(),
		"--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0",
	}, args...)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Dir = t.TempDir()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leftover children
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("chromium %s: timed out after %v\nstderr:\n%s", what, time.Since(start), stderr.String())
		}
		t.Fatalf("chromium %s: %v\nstderr:\n%s", what, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			t.Logf("chromium %s: console: %s", what, line)
			// A blocked or failed load (the page wanted something the
			// server does not serve, or another origin) or a script error.
			for _, bad := range []string{"Content Security Policy", "Refused to", "Failed to load resource", "net::ERR_", "Uncaught"} {
				if strings.Contains(line, bad) {
					t.Errorf("chromium %s: %s", what, line)
					break
				}
			}
		}
	}
	t.Logf("chromium %s: %v, %d bytes on stdout", what, time.Since(start).Round(time.Millisecond), stdout.Len())
	return stdout.String()
}

// checkScreenshot checks the PNG is the window's size and shows Swagger
// UI's operation blocks: areas of the GET (#61affe) and POST (#49cc90)
// method badges, which a blank or unrendered page has none of.
func checkScreenshot(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if size := img.Bounds().Size(); size != (image.Point{1280, 2000}) || len(b) < 20000 {
		t.Errorf("screenshot: %v, %d bytes; want 1280x2000 and some content", size, len(b))
	}
	near := func(r, g, b, wr, wg, wb uint32) bool {
		d := func(x, y uint32) uint32 {
			if x > y {
				return x - y
			}
			return y - x
		}
		return d(r, wr)+d(g, wg)+d(b, wb) < 24
	}
	var get, post, white, total int
	colors := map[uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			total++
			colors[r<<16|g<<8|bl] = true
			switch {
			case near(r, g, bl, 0x61, 0xaf, 0xfe):
				get++
			case near(r, g, bl, 0x49, 0xcc, 0x90):
				post++
			case r > 0xf0 && g > 0xf0 && bl > 0xf0:
				white++
			}
		}
	}
	t.Logf("screenshot: %d bytes, %d colors, GET-blue %d px, POST-green %d px, near-white %.0f%%",
		len(b), len(colors), get, post, 100*float64(white)/float64(total))
	if get < 1000 || post < 1000 || len(colors) < 50 || white > total*99/100 {
		t.Errorf("screenshot does not show rendered operations (GET %d px, POST %d px, %d colors)", get, post, len(colors))
	}
}
