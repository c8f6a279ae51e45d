// Package legacy serves the legacy ceph-rest-api (/api/v0.1) over a
// ceph.Commander, as Ceph's ceph_rest_api.py (Ceph 12 and older) did:
//
//   - the path's words are the command prefix ("/osd/pool/ls" runs
//     "osd pool ls"), query parameters are its arguments (repeated
//     parameters make a list);
//   - read commands answer GET (and HEAD), write commands PUT (and DELETE);
//   - output is plain text by default; a ".json"/".xml" suffix or an
//     Accept of application/json or application/xml wraps it as
//     {"output": ..., "status": "OK"} or <response><output>…</output>
//     <status>OK</status></response>;
//   - a binary map (osd getmap, osd getcrushmap, mon getmap, pg getmap)
//     is sent as it is, as application/octet-stream, whatever the format;
//   - a failed command answers 400 with "Error: <message> (<errno>)";
//   - "?help" on a command describes it; the base path, "?help" alone, or
//     a partial path ("/osd", "/osd/pool") list the commands (with
//     WithPassthrough, the cluster's own, from get_command_descriptions);
//   - for clients written against Jewel/Luminous, the JSON of health and
//     status gains those releases' fields, and mon_status, which Ceph 16
//     removed, is answered from quorum_status (see compat.go).
//
// The handler expects the base path already stripped (it is mounted with
// http.StripPrefix("/api/v0.1", h)).
package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/cmdemu"
)

// Authorizer decides whether r may use scope with permission ("read" or
// "update"). It returns nil or a *ceph.Error (Unauthenticated,
// PermissionDenied).
type Authorizer func(r *http.Request, scope, permission string) error

// Option configures the handler.
type Option func(*handler)

// WithPassthrough sends commands the handler has no signature for to the
// Commander as they are (string arguments; GET needs read, PUT update
// permission on the scope of their first word). Use it with a Commander
// that passes any command through to Ceph, such as librados.
func WithPassthrough() Option { return func(h *handler) { h.passthrough = true } }

// WithBasePath sets the base path shown in help and error texts (default
// "/api/v0.1").
func WithBasePath(p string) Option { return func(h *handler) { h.base = strings.TrimRight(p, "/") } }

// MaxQueryBytes bounds the query string of a request.
const MaxQueryBytes = 16 << 10

type handler struct {
	cmd         ceph.Commander
	authorize   Authorizer
	passthrough bool
	base        string
	sigs        []cmdemu.Signature
	desc        descCache
}

// New returns the legacy API handler over cmd. A nil authorize allows
// everything (for tests).
func New(cmd ceph.Commander, authorize Authorizer, opts ...Option) http.Handler {
	h := &handler{cmd: cmd, authorize: authorize, base: "/api/v0.1", sigs: withCompatSigs(cmdemu.Commands())}
	for _, o := range opts {
		o(h)
	}
	return h
}

// scopes maps a command's leading words to the dashboard security scope
// that guards it; the longest matching prefix wins.
var scopes = []struct{ prefix, scope string }{
	{"osd pool", "pool"},
	{"osd", "osd"},
	{"pg", "pool"},
	{"df", "pool"},
	{"mon", "monitor"},
	{"quorum_status", "monitor"},
	{"health", "monitor"},
	{"status", "monitor"},
	{"report", "monitor"},
	{"config-key", "config-opt"},
	{"config", "config-opt"},
	{"auth", "user"},
	{"mgr", "manager"},
	{"fs", "cephfs"},
	{"mds", "cephfs"},
	{"log", "log"},
	{"crash", "log"},
	{"node", "hosts"},
}

// ScopeOf returns the security scope of a command prefix ("monitor" when
// no entry matches).
func ScopeOf(prefix string) string {
	best, scope := -1, "monitor"
	for _, s := range scopes {
		if (prefix == s.prefix || strings.HasPrefix(prefix, s.prefix+" ")) && len(s.prefix) > best {
			best, scope = len(s.prefix), s.scope
		}
	}
	return scope
}

// secretReads are the read commands whose answer holds secrets: cephx
// keys (client.admin's among them) and config-key values (the
// dashboard's RGW keys, the account store's token secret).
var secretReads = []string{"auth ls", "auth list", "auth export", "auth get", "auth get-key", "auth print-key", "auth print_key",
	"auth get-or-create", "auth get-or-create-key", "config-key get", "config-key dump"}

// revealsSecrets reports whether the command prefix is one of secretReads
// (or a longer form of one).
func revealsSecrets(prefix string) bool {
	for _, p := range secretReads {
		if prefix == p || strings.HasPrefix(prefix, p+" ") {
			return true
		}
	}
	return false
}

func methodsOf(write bool) []string {
	if write {
		return []string{http.MethodPut, http.MethodDelete}
	}
	return []string{http.MethodGet, http.MethodHead}
}

func (h *handler) lookup(prefix string) (cmdemu.Signature, bool) {
	for _, s := range h.sigs {
		if s.Prefix == prefix {
			return s, true
		}
	}
	return cmdemu.Signature{}, false
}

// wantFormat returns "", "json" or "xml" (with "-pretty") from the suffix
// or the Accept header; the suffix wins.
func wantFormat(path string, r *http.Request) (string, string) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.Contains(path[i:], "/") {
		f := path[i+1:]
		switch f {
		case "json", "xml", "json-pretty", "xml-pretty":
			return path[:i], f
		}
	}
	acc := r.Header.Get("Accept")
	switch {
	case strings.Contains(acc, "application/json"):
		return path, "json"
	case strings.Contains(acc, "application/xml"):
		return path, "xml"
	}
	return path, ""
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > MaxQueryBytes {
		h.respond(w, r, "", nil, "query string too long", http.StatusRequestURITooLong)
		return
	}
	path, format := wantFormat(r.URL.Path, r)
	words := strings.FieldsFunc(path, func(c rune) bool { return c == '/' })
	for _, wd := range words {
		if strings.ContainsAny(wd, " \t\r\n\x00") {
			h.respond(w, r, format, nil, "Invalid endpoint "+h.base+path, http.StatusBadRequest)
			return
		}
	}
	prefix := strings.Join(words, " ")
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		h.respond(w, r, format, nil, "invalid query string: "+err.Error(), http.StatusBadRequest)
		return
	}
	_, wantHelp := query["help"]
	if prefix == "" {
		h.helpList(w, r, format, "", http.StatusOK, h.listedSigs(r.Context()))
		return
	}
	sig, known := h.lookup(prefix)
	if !known && h.passthrough {
		// A partial path lists the commands under it, as the legacy server
		// did (with 400: it is no endpoint), from the cluster's own
		// descriptions when the Commander has them.
		if sigs := h.listedSigs(r.Context()); isPartial(sigs, prefix) {
			h.helpList(w, r, format, prefix, http.StatusBadRequest, sigs)
			return
		}
	}
	if !known && !h.passthrough {
		if h.hasCommandsUnder(prefix) {
			h.helpList(w, r, format, prefix, http.StatusBadRequest, h.sigs)
			return
		}
		h.respond(w, r, format, nil, "Invalid endpoint "+h.base+path, http.StatusBadRequest)
		return
	}
	if !known {
		sig = cmdemu.Signature{Prefix: prefix, Write: r.Method == http.MethodPut || r.Method == http.MethodDelete}
	}
	allowed := methodsOf(sig.Write)
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", strings.Join(append(allowed, http.MethodOptions), ", "))
		w.WriteHeader(http.StatusOK)
		return
	}
	if !contains(allowed, r.Method) {
		w.Header().Set("Allow", strings.Join(append(allowed, http.MethodOptions), ", "))
		h.respond(w, r, format, nil, fmt.Sprintf("Method %s not allowed for %s%s; use %s", r.Method, h.base, path, allowed[0]), http.StatusMethodNotAllowed)
		return
	}
	if wantHelp && known {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, "%s: %s\n", conciseSig(sig), sig.Help)
		return
	}
	perm := "read"
	if sig.Write || revealsSecrets(prefix) {
		// a read that hands out keys is as strong as a write: it never
		// goes without credentials, and a read-only role cannot do it
		perm = "update"
	}
	if h.authorize != nil {
		if err := h.authorize(r, ScopeOf(prefix), perm); err != nil {
			ce := ceph.AsError(err)
			status := ce.Code.HTTPStatus()
			if ce.Code == ceph.Unauthenticated {
				w.Header().Set("WWW-Authenticate", `Basic realm="ceph-rest-api"`)
			}
			msg := ce.Detail
			if msg == "" {
				msg = ce.Error()
			}
			h.respond(w, r, format, nil, msg, status)
			return
		}
	}
	var args map[string]any
	if cs, ok := h.clusterSig(r.Context(), prefix, known, query); ok {
		args, err = typeArgs(cs, query)
	} else {
		args, err = buildArgs(sig, query, known)
	}
	if err != nil {
		h.respond(w, r, format, nil, "Error: "+err.Error()+" (-22)", http.StatusBadRequest)
		return
	}
	res, err := h.cmd.Command(r.Context(), ceph.Command{Prefix: prefix, Args: args, Format: format})
	if err != nil {
		ce := ceph.AsError(err)
		if h.serveCompat(w, r, format, prefix, args, ce) {
			return
		}
		status := http.StatusBadRequest
		switch ce.Code {
		case ceph.Unavailable, ceph.DeadlineExceeded, ceph.Canceled, ceph.Internal, ceph.Unknown, ceph.Unauthenticated, ceph.PermissionDenied:
			status = ce.Code.HTTPStatus()
		}
		msg := ce.Detail
		if msg == "" {
			msg = ce.Error()
		}
		h.respond(w, r, format, nil, fmt.Sprintf("Error: %s (%d)", msg, -errnoOf(ce)), status)
		return
	}
	status := res.Status
	if status == "" {
		status = "OK"
	}
	out := res.Output
	w.Header().Set("X-Ceph-Status", headerSafe(res.Status))
	if binaryOutput[prefix] {
		// A map in Ceph's binary encoding, in whatever format was asked
		// for (the monitor ignores it): JSON or XML could not carry the
		// bytes as they are.
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(out)
		}
		return
	}
	if strings.HasPrefix(format, "json") {
		out = h.newCompat(r.Context()).augment(prefix, args, out)
	}
	h.respond(w, r, format, out, status, http.StatusOK)
}

// binaryOutput are the commands whose output is a map in Ceph's binary
// encoding (python-cephclient asks for them with body type binary, Accept
// application/octet-stream); they are served as application/octet-stream.
var binaryOutput = map[string]bool{
	"osd getmap": true, "osd getcrushmap": true, "mon getmap": true, "pg getmap": true, "mds getmap": true,
}

// headerSafe drops characters a header value cannot carry.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// errnoOf returns the errno that stands for a failed command.
func errnoOf(e *ceph.Error) int {
	var en syscall.Errno
	if errors.As(e, &en) {
		return int(en)
	}
	switch e.Code {
	case ceph.NotFound:
		return int(syscall.ENOENT)
	case ceph.AlreadyExists:
		return int(syscall.EEXIST)
	case ceph.PermissionDenied, ceph.Unauthenticated:
		return int(syscall.EACCES)
	case ceph.Busy:
		return int(syscall.EBUSY)
	case ceph.Unimplemented:
		return int(syscall.EOPNOTSUPP)
	case ceph.Unavailable, ceph.DeadlineExceeded:
		return int(syscall.ETIMEDOUT)
	case ceph.Canceled:
		return int(syscall.EINTR)
	case ceph.Internal, ceph.Unknown:
		return int(syscall.EIO)
	}
	return int(syscall.EINVAL)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// buildArgs turns query parameters into command arguments, typed by the
// signature. Unknown parameters are refused for known commands, as the old
// API refused arguments a command's signature did not list.
func buildArgs(sig cmdemu.Signature, q url.Values, known bool) (map[string]any, error) {
	args := map[string]any{}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "help" {
			continue
		}
		vals := q[k]
		if !known {
			if len(vals) == 1 {
				args[k] = vals[0]
			} else {
				args[k] = vals
			}
			continue
		}
		var p *cmdemu.Param
		for i := range sig.Params {
			if sig.Params[i].Name == k {
				p = &sig.Params[i]
			}
		}
		if p == nil {
			return nil, fmt.Errorf("invalid parameter %q for %s", k, sig.Prefix)
		}
		if !p.List && len(vals) > 1 {
			return nil, fmt.Errorf("parameter %q takes one value, got %d", k, len(vals))
		}
		switch p.Type {
		case cmdemu.CephInt:
			n, err := strconv.Atoi(vals[0])
			if err != nil {
				return nil, fmt.Errorf("%s: expected an integer, got %q", k, vals[0])
			}
			args[k] = n
		case cmdemu.CephFloat:
			f, err := strconv.ParseFloat(vals[0], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: expected a number, got %q", k, vals[0])
			}
			args[k] = f
		case cmdemu.CephOsdName:
			// As ceph_argparse sent it: the id ("0" or "osd.0") as a number.
			n, err := strconv.Atoi(strings.TrimPrefix(vals[0], "osd."))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%s: invalid osd id value %q", k, vals[0])
			}
			args[k] = n
		case cmdemu.CephBool:
			b := true
			if vals[0] != "" {
				var err error
				if b, err = strconv.ParseBool(vals[0]); err != nil {
					return nil, fmt.Errorf("%s: expected true or false, got %q", k, vals[0])
				}
			}
			args[k] = b
		default:
			if p.List {
				args[k] = append([]string(nil), vals...)
			} else {
				args[k] = vals[0]
			}
		}
	}
	if known {
		for _, p := range sig.Params {
			if _, ok := args[p.Name]; p.Required && !ok {
				return nil, fmt.Errorf("missing required parameter %s", p.Name)
			}
		}
	}
	return args, nil
}

// conciseSig describes a command as the old API did:
// "osd/out?ids=<CephString> [...]".
func conciseSig(s cmdemu.Signature) string {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(s.Prefix, " ", "/"))
	for i, p := range s.Params {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		v := "<" + string(p.Type) + ">"
		if len(p.Choices) > 0 {
			v = strings.Join(p.Choices, "|")
		}
		if p.List {
			v += " [...]"
		}
		if !p.Required {
			v = "[" + v + "]"
		}
		b.WriteString(p.Name + "=" + v)
	}
	return b.String()
}

func (h *handler) hasCommandsUnder(prefix string) bool {
	for _, s := range h.sigs {
		if strings.HasPrefix(s.Prefix, prefix) {
			return true
		}
	}
	return false
}

type helpEntry struct {
	Path   string `json:"path"`
	Method string `json:"method"`
	Help   string `json:"help"`
}

// helpList answers with the commands whose prefix starts with prefix: an
// HTML table as the old API, or JSON/XML when asked for.
func (h *handler) helpList(w http.ResponseWriter, r *http.Request, format, prefix string, status int, sigs []cmdemu.Signature) {
	var entries []helpEntry
	for _, s := range sigs {
		if !strings.HasPrefix(s.Prefix, prefix) {
			continue
		}
		m := "GET"
		if s.Write {
			m = "PUT"
		}
		entries = append(entries, helpEntry{Path: h.base + "/" + conciseSig(s), Method: m, Help: s.Help})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	if format != "" {
		out, _ := json.Marshal(entries)
		msg := "OK"
		if status != http.StatusOK {
			msg = "Invalid endpoint " + h.base + "/" + strings.ReplaceAll(prefix, " ", "/")
		}
		if strings.HasPrefix(format, "xml") {
			var b strings.Builder
			for _, e := range entries {
				fmt.Fprintf(&b, "<command><path>%s</path><method>%s</method><help>%s</help></command>", html.EscapeString(e.Path), e.Method, html.EscapeString(e.Help))
			}
			h.respond(w, r, format, []byte(b.String()), msg, status)
			return
		}
		h.respond(w, r, format, out, msg, status)
		return
	}
	var b strings.Builder
	b.WriteString("<html><body><table border=1><th>Possible commands:</th><th>Method</th><th>Description</th>")
	for _, e := range entries {
		fmt.Fprintf(&b, "<tr><td>%s\n</td><td>%s</td><td>%s</td></tr>\n", html.EscapeString(e.Path), e.Method, html.EscapeString(e.Help))
	}
	b.WriteString("</table></body></html>")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// respond writes output and status as the old API's make_response did.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, format string, output []byte, status string, code int) {
	var body []byte
	switch {
	case strings.HasPrefix(format, "json"):
		// The command's JSON is kept as it is (key order included); output
		// that is not JSON is passed as a string, no output as [].
		var native any = []any{}
		if len(bytes.TrimSpace(output)) > 0 {
			var buf bytes.Buffer
			if json.Valid(output) && json.Compact(&buf, output) == nil {
				native = json.RawMessage(buf.Bytes())
			} else {
				native = string(output)
			}
		}
		b, err := json.Marshal(struct {
			Output any    `json:"output"`
			Status string `json:"status"`
		}{native, status})
		if err != nil {
			b = []byte(`{"output":null,"status":"internal error"}`)
		}
		body = b
		w.Header().Set("Content-Type", "application/json")
	case strings.HasPrefix(format, "xml"):
		var esc strings.Builder
		esc.WriteString(html.EscapeString(status))
		body = []byte(fmt.Sprintf("\n<response>\n  <output>\n    %s\n  </output>\n  <status>\n    %s\n  </status>\n</response>", output, esc.String()))
		w.Header().Set("Content-Type", "application/xml")
	default:
		body = output
		if code < 200 || code >= 300 {
			body = append(append(append([]byte(nil), output...), '\n'), []byte(status+"\n")...)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
