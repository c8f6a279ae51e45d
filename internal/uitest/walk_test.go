package uitest

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/transport/memory"
)

// TestWebUIMemory walks the dashboard's web UI served by our server on the
// memory transport. Gated on CEPH_TEST_BROWSER=1 (Debian's chromium) and
// on the built frontend of Debian's ceph-mgr-dashboard (or
// CEPH_TEST_UI_DIR); CEPH_TEST_BROWSER_SHOTS=DIR keeps a screenshot per
// page.
func TestWebUIMemory(t *testing.T) {
	dir := browserGate(t)
	c := memory.New(memory.WithGateway("gw1"))
	rbdPool(t, c)
	walkOurs(t, c, dir, "memory")
}

// browserGate skips unless CEPH_TEST_BROWSER=1 and returns the UI
// directory (failing when the gate is open but the pieces are missing).
func browserGate(t *testing.T) string {
	t.Helper()
	if os.Getenv("CEPH_TEST_BROWSER") != "1" {
		t.Skip("set CEPH_TEST_BROWSER=1 to walk the web UI in headless Chromium")
	}
	if _, err := FindChromium(); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("CEPH_TEST_UI_DIR")
	if dir == "" {
		dir = httpapi.DebianUIDir
	}
	if err := httpapi.CheckUIDir(dir); err != nil {
		t.Fatalf("CEPH_TEST_BROWSER=1 but no web UI: %v (apt-get install ceph-mgr-dashboard, or set CEPH_TEST_UI_DIR)", err)
	}
	return dir
}

// walkOurs serves client with the UI, logs in and walks every page; any
// page that shows an error toast, a failed call or a JavaScript error, or
// does not render, fails the test.
func walkOurs(t *testing.T, client *cephapi.Client, dir, name string) {
	t.Helper()
	const password = "uitest-Passw0rd"
	accounts, err := auth.NewMemoryStore("admin", password)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(client, httpapi.WithAccounts(accounts), httpapi.WithUI(dir)))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pages := append(append([]Page{}, Pages...), MorePages...)
	res, err := Walk(ctx, Config{Base: srv.URL, User: "admin", Password: password}, pages)
	shots := os.Getenv("CEPH_TEST_BROWSER_SHOTS")
	for _, r := range res {
		if shots != "" && len(r.Screenshot) > 0 {
			p := filepath.Join(shots, name, r.Page.Name+".png")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				_ = os.WriteFile(p, r.Screenshot, 0o644)
			}
		}
		if r.OK() {
			t.Logf("%s (#%s): rendered, %d calls", r.Page.Name, r.Page.Route, len(r.Calls))
			continue
		}
		t.Errorf("%s (#%s): rendered=%v failed=%v toasts=%q js=%q", r.Page.Name, r.Page.Route, r.Rendered, r.Failed, r.Toasts, r.JSErrors)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(pages)+1 {
		t.Fatalf("walked %d of %d pages (and the login)", len(res), len(pages))
	}
}

// rbdPool makes a pool with the rbd application and an image in it, so
// that the block pages show their tables, and removes both at the end.
func rbdPool(t *testing.T, c *cephapi.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "uitest-rbd-" + time.Now().Format("150405")
	if err := c.Pools.Create(ctx, name, &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{"rbd"}}); err != nil {
		t.Fatalf("creating pool %s: %v", name, err)
	}
	image := rbd.ImageSpec{Pool: name, Name: "uitest-disk"}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := c.RBD.Images.Delete(ctx, image); err != nil {
			t.Logf("deleting image %s: %v", image.Name, err)
		}
		if err := c.Pools.Delete(ctx, name); err != nil {
			t.Logf("deleting pool %s: %v", name, err)
		}
	})
	// an image, so that the images table shows a row
	if err := c.RBD.Images.Create(ctx, image, &rbd.CreateOptions{Size: 1 << 30}); err != nil {
		t.Fatalf("creating image %s: %v", image.Name, err)
	}
}
