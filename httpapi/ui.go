package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// DebianUIDir is where Debian's ceph-mgr-dashboard package installs the
// dashboard's built web UI.
const DebianUIDir = "/usr/share/ceph/mgr/dashboard/frontend/dist"

// WithUI serves the Ceph Dashboard's built web UI (its dist directory: one
// directory per language, such as en-US, holding index.html and the
// bundles) at "/", as the dashboard's mgr module does: the language comes
// from the cd-lang cookie, else Accept-Language, else the locale of the
// frontend's package.json (en-US). API paths are not affected. New
// returns the server without the UI when dir cannot be read; use
// CheckUIDir first to report why.
func WithUI(dir string) Option { return func(s *Server) { s.uiDir = dir } }

// ui serves the files of one built frontend.
type ui struct {
	dir string
	// langs maps a lower-case tag ("en-us", and "en" for it) to the
	// directory name ("en-US").
	langs map[string]string
	names []string // the directory names, sorted (GET /ui-api/langs)
	def   string
}

// CheckUIDir reports whether dir holds a built dashboard frontend.
func CheckUIDir(dir string) error {
	_, err := newUI(dir)
	return err
}

func newUI(dir string) (*ui, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("the web UI directory: %w", err)
	}
	u := &ui{dir: dir, langs: map[string]string{}, def: "en-US"}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "index.html")); err != nil {
			continue
		}
		u.names = append(u.names, e.Name())
		low := strings.ToLower(e.Name())
		u.langs[low] = e.Name()
		if main, _, ok := strings.Cut(low, "-"); ok {
			if _, taken := u.langs[main]; !taken {
				u.langs[main] = e.Name()
			}
		}
	}
	if len(u.names) == 0 {
		return nil, fmt.Errorf("%s has no built frontend (no <language>/index.html; Debian's ceph-mgr-dashboard installs one at %s)", dir, DebianUIDir)
	}
	sort.Strings(u.names)
	// the frontend's package.json names its default locale
	if b, err := os.ReadFile(filepath.Join(dir, "..", "package.json")); err == nil {
		var pkg struct {
			Config struct {
				Locale string `json:"locale"`
			} `json:"config"`
		}
		if json.Unmarshal(b, &pkg) == nil && pkg.Config.Locale != "" {
			u.def = pkg.Config.Locale
		}
	}
	if _, ok := u.langs[strings.ToLower(u.def)]; !ok {
		u.def = u.names[0]
	}
	return u, nil
}

// language picks the directory for the request.
func (u *ui) language(r *http.Request) string {
	var tags []string
	if c, err := r.Cookie("cd-lang"); err == nil && c.Value != "" {
		tags = []string{c.Value}
	} else {
		tags = acceptLanguages(r.Header.Get("Accept-Language"))
	}
	for _, t := range tags {
		if d, ok := u.langs[strings.ToLower(t)]; ok {
			return d
		}
	}
	return u.langs[strings.ToLower(u.def)]
}

// acceptLanguages returns the tags of an Accept-Language header, most
// wanted first (at most 10, as the dashboard reads).
func acceptLanguages(h string) []string {
	type tag struct {
		name string
		q    float64
	}
	var tags []tag
	for i, part := range strings.Split(h, ",") {
		if i >= 10 {
			break
		}
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if name == "" || name == "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tags = append(tags, tag{name, q})
	}
	slices.SortStableFunc(tags, func(a, b tag) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.name
	}
	return out
}

// serve answers a GET or HEAD of a file of the UI ("/" is index.html).
// Directories are not listed; a missing file is the API's 404.
func (u *ui) serve(w http.ResponseWriter, r *http.Request, notFound http.HandlerFunc) {
	lang := u.language(r)
	name := path.Clean("/" + r.URL.Path)
	if name == "/" {
		name = "/index.html"
	}
	root := http.Dir(filepath.Join(u.dir, lang))
	f, err := root.Open(name)
	if err != nil {
		notFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Language", lang)
	h.Add("Vary", "Accept-Language")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, st.Name(), st.ModTime(), f)
}

// isUIPath reports whether a request may be for a file of the UI: a GET or
// HEAD outside the API's roots.
func isUIPath(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	for _, root := range []string{"/api", "/ui-api", docsPath} {
		if p == root || strings.HasPrefix(p, root+"/") {
			return false
		}
	}
	return true
}

// uiLangs is GET /ui-api/langs: the languages of the served UI.
func (s *Server) uiLangs() ([]string, error) {
	if s.ui == nil {
		return []string{}, nil
	}
	return slices.Clone(s.ui.names), nil
}
