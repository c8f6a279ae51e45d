// Package uitest drives the Ceph Dashboard's web UI in a real headless
// Chromium (Debian's package) through a login and a list of pages, and
// reports what a person would have seen go wrong on each: error toasts,
// backend calls that failed, JavaScript errors. It takes a screenshot of
// every page. The same walk runs against the real ceph-mgr dashboard (to
// learn what the UI calls) and against this project's server with --ui.
package uitest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Page is one page of the UI: its name, its route (the part after "#"),
// and a CSS selector that shows once the page rendered its data.
type Page struct {
	Name  string
	Route string
	Ready string
}

// Pages are the pages issue 14 lists: landing page, hosts, OSDs, pools,
// block (images, namespaces, mirroring, trash), file systems, object
// gateway (daemons, users, buckets), monitors, configuration, manager
// modules, logs, users and roles, and the user's own password change.
var Pages = []Page{
	{"dashboard", "/dashboard", "cd-health"},
	{"hosts", "/hosts", "cd-table"},
	{"osds", "/osd", "cd-table"},
	{"pools", "/pool", "cd-table"},
	{"rbd-images", "/block/rbd", "cd-table"},
	{"rbd-namespaces", "/block/rbd/namespaces", "cd-table"},
	{"rbd-trash", "/block/rbd/trash", "cd-table"},
	{"rbd-mirroring", "/block/mirroring", "cd-mirroring"},
	{"cephfs", "/cephfs", "cd-table"},
	{"rgw-daemons", "/rgw/daemon", "cd-table"},
	{"rgw-users", "/rgw/user", "cd-table"},
	{"rgw-buckets", "/rgw/bucket", "cd-table"},
	{"monitors", "/monitor", "cd-table"},
	{"configuration", "/configuration", "cd-table"},
	{"mgr-modules", "/mgr-modules", "cd-table"},
	{"logs", "/logs", "cd-logs"},
	{"users", "/user-management/users", "cd-table"},
	{"roles", "/user-management/roles", "cd-table"},
	{"password", "/user-profile/edit", "form"},
}

// MorePages are the forms and the pages beyond issue 14's list; those
// that need an orchestrator must show the UI's own "not available" panel,
// not an error.
var MorePages = []Page{
	{"crush-map", "/crush-map", "cd-crushmap"},
	{"services", "/services", "cd-orchestrator-doc-panel, cd-error"},
	{"inventory", "/inventory", "cd-orchestrator-doc-panel, cd-error"},
	{"pool-create", "/pool/create", "cd-pool-form form"},
	{"rbd-create", "/block/rbd/create", "cd-rbd-form form"},
	{"rgw-user-create", "/rgw/user/create", "form"},
	{"rgw-bucket-create", "/rgw/bucket/create", "form"},
	{"user-create", "/user-management/users/create", "form"},
	{"role-create", "/user-management/roles/create", "form"},
	{"telemetry", "/telemetry", "form"},
	{"mgr-module-edit", "/mgr-modules/edit/telemetry", "form"},
	{"configuration-edit", "/configuration/edit/osd_max_backfills", "form"},
}

// Call is one backend request of a page.
type Call struct {
	Method, Path string
	Status       int64
	Error        string // the browser's error when the request failed
}

func (c Call) String() string {
	if c.Error != "" {
		return fmt.Sprintf("%s %s: %s", c.Method, c.Path, c.Error)
	}
	return fmt.Sprintf("%s %s: %d", c.Method, c.Path, c.Status)
}

// Result is what one page showed.
type Result struct {
	Page Page
	// Calls are the page's requests to /api and /ui-api, in order.
	Calls []Call
	// Failed are the calls that answered 400 or more, or failed.
	Failed []Call
	// Toasts are the texts of the error toasts shown.
	Toasts []string
	// JSErrors are uncaught exceptions and console errors.
	JSErrors []string
	// Rendered reports whether Page.Ready showed.
	Rendered bool
	// Screenshot is a PNG of the page.
	Screenshot []byte
}

// OK reports whether the page rendered without a toast, a failed call or a
// JavaScript error.
func (r *Result) OK() bool {
	return r.Rendered && len(r.Failed) == 0 && len(r.Toasts) == 0 && len(r.JSErrors) == 0
}

// Config is a walk.
type Config struct {
	// Base is the UI's URL ("http://127.0.0.1:8080").
	Base string
	// User and Password log in.
	User, Password string
	// Chromium is the browser binary (default: chromium or
	// chromium-browser from PATH).
	Chromium string
	// Settle is how long the network must stay quiet before a page counts
	// as loaded (default 1.5 s); PageTimeout bounds one page (default 30 s).
	Settle, PageTimeout time.Duration
	// Ignore are calls (method and path prefix, "GET /api/prometheus")
	// whose failure is the UI's own "not configured" state on both servers.
	Ignore []string
}

// FindChromium returns Debian's chromium, or an error naming the package.
func FindChromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("neither chromium nor chromium-browser is in PATH (apt-get install -y chromium)")
}

// recorder collects a tab's events; its methods are safe for the event loop.
type recorder struct {
	mu       sync.Mutex
	inflight map[network.RequestID]Call
	calls    []Call
	jsErrors []string
	lastNet  time.Time
}

func (r *recorder) on(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.lastNet = time.Now()
		u, err := url.Parse(e.Request.URL)
		if err != nil || !(strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/ui-api/") || u.Path == "/api") {
			return
		}
		p := u.Path
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		r.inflight[e.RequestID] = Call{Method: e.Request.Method, Path: p}
	case *network.EventResponseReceived:
		r.lastNet = time.Now()
		if c, ok := r.inflight[e.RequestID]; ok {
			c.Status = e.Response.Status
			r.inflight[e.RequestID] = c
		}
	case *network.EventLoadingFinished:
		r.lastNet = time.Now()
		if c, ok := r.inflight[e.RequestID]; ok {
			delete(r.inflight, e.RequestID)
			r.calls = append(r.calls, c)
		}
	case *network.EventLoadingFailed:
		r.lastNet = time.Now()
		if c, ok := r.inflight[e.RequestID]; ok {
			delete(r.inflight, e.RequestID)
			if c.Status == 0 {
				c.Error = e.ErrorText
			}
			r.calls = append(r.calls, c)
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description
		}
		r.jsErrors = append(r.jsErrors, firstLine(msg))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				}
			}
			r.jsErrors = append(r.jsErrors, firstLine(strings.Join(parts, " ")))
		}
	}
}

// take returns and clears what was recorded.
func (r *recorder) take() ([]Call, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, j := r.calls, r.jsErrors
	r.calls, r.jsErrors = nil, nil
	return c, j
}

// quiet reports whether no request is open and the network was quiet for d.
func (r *recorder) quiet(d time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) == 0 && time.Since(r.lastNet) >= d
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// Walk logs in and visits the pages in order. The browser runs for the
// walk only (headless, a new profile).
func Walk(ctx context.Context, cfg Config, pages []Page) ([]Result, error) {
	if cfg.Chromium == "" {
		p, err := FindChromium()
		if err != nil {
			return nil, err
		}
		cfg.Chromium = p
	}
	if cfg.Settle == 0 {
		cfg.Settle = 1500 * time.Millisecond
	}
	if cfg.PageTimeout == 0 {
		cfg.PageTimeout = 30 * time.Second
	}
	base := strings.TrimRight(cfg.Base, "/")
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(cfg.Chromium),
		chromedp.Flag("no-sandbox", true), // root in CI
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	stop := context.AfterFunc(ctx, cancelBrowser)
	defer stop()

	rec := &recorder{inflight: map[network.RequestID]Call{}}
	if err := chromedp.Listen(bctx, rec.on); err != nil {
		return nil, fmt.Errorf("starting chromium: %w", err)
	}
	if _, err := chromedp.Call(bctx, runtime.Enable, cdp.Empty{}); err != nil {
		return nil, fmt.Errorf("runtime.enable: %w", err)
	}
	step := func(d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
		tctx, cancel := context.WithTimeout(bctx, d)
		defer cancel()
		return chromedp.Do(tctx, actions...)
	}

	// log in
	if err := step(cfg.PageTimeout,
		chromedp.Navigate(base+"/#/login"),
		chromedp.WaitVisible(chromedp.CSS("input#username")),
		chromedp.SendKeys(chromedp.CSS("input#username"), cfg.User),
		chromedp.SendKeys(chromedp.CSS("input#password"), cfg.Password),
		chromedp.Click(chromedp.CSS("input[type=submit], button[type=submit]")),
	); err != nil {
		return nil, fmt.Errorf("login form: %w", err)
	}
	if err := step(cfg.PageTimeout, chromedp.WaitVisible(chromedp.CSS("cd-navigation"))); err != nil {
		return nil, fmt.Errorf("no navigation after the login: %w", err)
	}
	settle(bctx, rec, cfg.Settle, cfg.PageTimeout)
	var out []Result
	// the login and the landing page it leads to are a page of their own
	out = append(out, collect(bctx, rec, cfg, Page{Name: "login", Route: "/login", Ready: "cd-navigation"}, true))
	_ = step(5*time.Second, dismissToasts())

	for _, p := range pages {
		_, err := runIn[any](bctx, cfg.PageTimeout, chromedp.Evaluate[any](fmt.Sprintf("window.location.hash = %q; null", "#"+p.Route)))
		if err != nil {
			return out, fmt.Errorf("%s: %w", p.Name, err)
		}
		rendered := step(cfg.PageTimeout, chromedp.WaitVisible(chromedp.CSS(p.Ready))) == nil
		settle(bctx, rec, cfg.Settle, cfg.PageTimeout)
		out = append(out, collect(bctx, rec, cfg, p, rendered))
		_ = step(5*time.Second, dismissToasts())
	}
	return out, nil
}

// collect is what the page shows now: toasts, a screenshot, and the calls
// and errors recorded since the last page.
func collect(ctx context.Context, rec *recorder, cfg Config, p Page, rendered bool) Result {
	res := Result{Page: p, Rendered: rendered}
	res.Toasts, _ = runIn[[]string](ctx, 5*time.Second, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.toast-error, .ngx-toastr.toast-error')).map(e => e.innerText.trim())`))
	res.Screenshot, _ = runIn[[]byte](ctx, 15*time.Second, chromedp.CaptureScreenshot())
	res.Calls, res.JSErrors = rec.take()
	for _, c := range res.Calls {
		if (c.Error != "" || c.Status >= 400) && !ignored(cfg.Ignore, c) {
			res.Failed = append(res.Failed, c)
		}
	}
	return res
}

func runIn[T any](ctx context.Context, d time.Duration, a chromedp.Action[T]) (T, error) {
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Run(tctx, a)
}

// settle waits until the network was quiet for d (at most max).
func settle(ctx context.Context, rec *recorder, d, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if rec.quiet(d) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dismissToasts removes the toasts shown, so the next page starts clean.
func dismissToasts() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`document.querySelectorAll('.ngx-toastr, .toast').forEach(e => e.remove()); null`)(ctx, t)
		return err
	})
}

func ignored(rules []string, c Call) bool {
	for _, r := range rules {
		m, p, _ := strings.Cut(r, " ")
		if m == c.Method && strings.HasPrefix(c.Path, p) {
			return true
		}
	}
	return false
}
