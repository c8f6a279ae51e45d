package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Side is one of the two servers compared.
type Side struct {
	// Name says which ("ours", "dashboard") in reports.
	Name string
	// Base is the server's URL without a trailing slash.
	Base string
	// Token is the Bearer token sent with every request of a case that
	// is not NoAuth.
	Token string
	// Vars are substituted for "{name}" in a case's path and body, so that
	// each side writes to its own objects; in answers each value is
	// replaced back by "{name}" (in answers to requests whose path or body
	// names it) before values are compared. Values should
	// be long and distinct (a pool name, not a letter); only values that are
	// plain names (4 characters or more) are replaced back.
	Vars map[string]string
	// Client sends the requests (default: a client with a 60 s timeout).
	Client *http.Client
}

// Response is one side's answer.
type Response struct {
	Status int
	Body   []byte
	// Doc is the decoded JSON body (after the side's Vars were replaced by
	// their names); nil for an empty or non-JSON body.
	Doc any
	// JSON is false when the body is not empty and not JSON.
	JSON     bool
	Duration time.Duration
}

func (s *Side) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 60 * time.Second}
}

// Expand replaces every "{name}" of the side's Vars in str.
func (s *Side) Expand(str string) string {
	for k, v := range s.Vars {
		str = strings.ReplaceAll(str, "{"+k+"}", v)
	}
	return str
}

// normalize replaces the values of the side's Vars that the templates
// use by "{name}", longest first (an answer to a request that names no
// variable is left alone: a variable's value may be a name other requests
// see as plain data).
func (s *Side) normalize(b []byte, templates ...string) []byte {
	keys := make([]string, 0, len(s.Vars))
	for k := range s.Vars {
		for _, t := range templates {
			if strings.Contains(t, "{"+k+"}") {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return len(s.Vars[keys[i]]) > len(s.Vars[keys[j]]) })
	for _, k := range keys {
		if v := s.Vars[k]; len(v) >= 4 && plainName(v) {
			b = bytes.ReplaceAll(b, []byte(v), []byte("{"+k+"}"))
		}
	}
	return b
}

// plainName reports whether v is a name (letters, digits, "-", "_", "."),
// not a JSON document that must stay intact.
func plainName(v string) bool {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Do sends one request: method, path (expanded), the versioned Accept
// header of version ("1.0" when empty; "-" sends none), body (expanded; sent
// as JSON when not empty) and the side's token unless noAuth. The values
// of the variables named in path, body or names are replaced back by
// their names in the answer.
func (s *Side) Do(ctx context.Context, method, path, version, body string, noAuth bool, names ...string) (*Response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(s.Expand(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, s.Base+s.Expand(path), rd)
	if err != nil {
		return nil, err
	}
	switch version {
	case "":
		req.Header.Set("Accept", "application/vnd.ceph.api.v1.0+json")
	case "-":
	default:
		req.Header.Set("Accept", "application/vnd.ceph.api.v"+version+"+json")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if !noAuth && s.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.Token)
	}
	start := time.Now()
	rsp, err := s.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", s.Name, method, path, err)
	}
	defer rsp.Body.Close()
	b, err := io.ReadAll(rsp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: reading the body: %w", s.Name, method, path, err)
	}
	out := &Response{Status: rsp.StatusCode, Body: b, JSON: true, Duration: time.Since(start)}
	if len(bytes.TrimSpace(b)) > 0 {
		templates := []string{path, body}
		for _, n := range names {
			templates = append(templates, "{"+n+"}")
		}
		dec := json.NewDecoder(bytes.NewReader(s.normalize(b, templates...)))
		if err := dec.Decode(&out.Doc); err != nil {
			out.JSON, out.Doc = false, nil
		}
	}
	return out, nil
}

// Login asks the side's /api/auth for a token.
func (s *Side) Login(ctx context.Context, user, password string) error {
	body, err := json.Marshal(map[string]string{"username": user, "password": password})
	if err != nil {
		return err
	}
	rsp, err := s.Do(ctx, http.MethodPost, "/api/auth", "", string(body), true)
	if err != nil {
		return err
	}
	m, _ := rsp.Doc.(map[string]any)
	tok, _ := m["token"].(string)
	if rsp.Status != http.StatusCreated || tok == "" {
		return fmt.Errorf("%s: login as %s: status %d", s.Name, user, rsp.Status)
	}
	s.Token = tok
	return nil
}

// Known is an intentional or accepted difference of one case.
type Known struct {
	// Kind of the difference; "" matches every kind.
	Kind Kind
	// Path is a pattern (see the package doc); "**" matches everything.
	Path string
	// Reason says why the difference is right or accepted. Required.
	Reason string
}

func (k Known) matches(d Diff) bool {
	return (k.Kind == "" || k.Kind == d.Kind) && Match(k.Path, d.Path)
}

// Case is one request sent to both sides.
type Case struct {
	Name   string
	Method string // default GET
	// Path and Body are templates: "{name}" is replaced by the side's Var.
	Path string
	Body string
	// Version of the Accept header ("1.0" when empty; "-" for none).
	Version string
	// NoAuth sends no token.
	NoAuth bool
	// Status, when set, lists the statuses each side may answer (for
	// example 201 and 202 for a task that may outlive its wait); else the
	// statuses must be equal.
	Status []int
	// Maps are the paths of objects whose keys are data (daemon names,
	// option names): their values are compared as one union shape.
	Maps []string
	// Values are paths whose values must be equal on both sides (compared
	// as sorted multisets over "[]" and "{}").
	Values []string
	// Known are the accepted differences, each with its reason.
	Known []Known
	// Await, when set, is a path (template) polled with GET on each side
	// after the request until it answers AwaitStatus (default 200), so that
	// the next case sees the write done even when it answered 202.
	Await       string
	AwaitStatus int
	// AwaitTasks polls GET /api/task on each side after the request until
	// no task is executing (for edits that may answer 202).
	AwaitTasks bool
	// Names are variables replaced back in the answer although the
	// request does not name them (the owner of a bucket named in the path).
	Names []string
	// Capture sets side variables from the answer: name -> path of a
	// string value (an image id each side's cluster chose), for the cases
	// after it.
	Capture map[string]string
}

// Explained is a difference a Known entry accepts.
type Explained struct {
	Diff   Diff
	Reason string
}

// Result is the outcome of one case.
type Result struct {
	Ours, Theirs *Response
	// Diffs are the differences no Known entry accepts: failures.
	Diffs []Diff
	// Explained are the accepted ones.
	Explained []Explained
	// Unused are Known entries that matched nothing this time (the
	// difference may depend on the cluster's state, or be gone).
	Unused []Known
}

// errorExtras are the fields our error body adds to either of the
// dashboard's two error shapes (see ErrorBodyReason).
var errorExtras = []string{"code", "component", "status", "request_id"}

// ErrorBodyReason is why our error bodies have fields the dashboard's lack.
const ErrorBodyReason = "our error body carries both dashboard shapes at once ({detail, code, component} and {status, detail, request_id}); see docs/dashboard-differences.md#error-bodies"

// TaskReason is why a 202 on one side and a 200/201/204 on the other are
// not compared further.
const TaskReason = "a task-backed call answers 202 when its task outlives the wait (about 2 s), else its own status: which one is timing (docs/dashboard-differences.md#tasks)"

// Run sends c to both sides (ours first) and compares the answers.
func Run(ctx context.Context, c Case, ours, theirs *Side) (*Result, error) {
	method := c.Method
	if method == "" {
		method = http.MethodGet
	}
	res := &Result{}
	var err error
	if res.Ours, err = ours.Do(ctx, method, c.Path, c.Version, c.Body, c.NoAuth, c.Names...); err != nil {
		return nil, err
	}
	if err := await(ctx, c, ours); err != nil {
		return nil, err
	}
	if res.Theirs, err = theirs.Do(ctx, method, c.Path, c.Version, c.Body, c.NoAuth, c.Names...); err != nil {
		return nil, err
	}
	if err := await(ctx, c, theirs); err != nil {
		return nil, err
	}
	if err := capture(c, ours, res.Ours); err != nil {
		return nil, err
	}
	if err := capture(c, theirs, res.Theirs); err != nil {
		return nil, err
	}
	res.compare(c)
	return res, nil
}

// capture sets the side's variables that c captures from its answer.
func capture(c Case, s *Side, r *Response) error {
	if len(c.Capture) == 0 {
		return nil
	}
	var doc any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		return fmt.Errorf("%s: %s: cannot capture from a non-JSON answer: %s", s.Name, c.Name, r.Body)
	}
	for name, path := range c.Capture {
		vals := Values(doc, path)
		var v string
		if len(vals) != 1 || json.Unmarshal([]byte(vals[0]), &v) != nil || v == "" {
			return fmt.Errorf("%s: %s: want one string at %s to capture as {%s}, got %v", s.Name, c.Name, path, name, vals)
		}
		if s.Vars == nil {
			s.Vars = map[string]string{}
		}
		s.Vars[name] = v
	}
	return nil
}

func await(ctx context.Context, c Case, s *Side) error {
	if c.AwaitTasks {
		if err := awaitTasks(ctx, s); err != nil {
			return err
		}
	}
	if c.Await == "" {
		return nil
	}
	want := c.AwaitStatus
	if want == 0 {
		want = http.StatusOK
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		rsp, err := s.Do(ctx, http.MethodGet, c.Await, "", "", false)
		if err != nil {
			return err
		}
		if rsp.Status == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: GET %s still answers %d (want %d) after 90s", s.Name, s.Expand(c.Await), rsp.Status, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func awaitTasks(ctx context.Context, s *Side) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		rsp, err := s.Do(ctx, http.MethodGet, "/api/task", "", "", false)
		if err != nil {
			return err
		}
		var tasks struct {
			Executing []any `json:"executing_tasks"`
		}
		if err := json.Unmarshal(rsp.Body, &tasks); err == nil && rsp.Status == http.StatusOK && len(tasks.Executing) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: tasks still executing after 90s: %s", s.Name, rsp.Body)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Compare compares two answers to c as Run does (exported for tests of
// the comparison itself).
func Compare(c Case, ours, theirs *Response) *Result {
	res := &Result{Ours: ours, Theirs: theirs}
	res.compare(c)
	return res
}

func (res *Result) compare(c Case) {
	o, t := res.Ours, res.Theirs
	var diffs []Diff
	if len(c.Status) > 0 {
		if !slices.Contains(c.Status, o.Status) || !slices.Contains(c.Status, t.Status) {
			diffs = append(diffs, Diff{Kind: Status, Ours: fmt.Sprint(o.Status), Theirs: fmt.Sprint(t.Status)})
		}
	} else if o.Status != t.Status {
		diffs = append(diffs, Diff{Kind: Status, Ours: fmt.Sprint(o.Status), Theirs: fmt.Sprint(t.Status)})
	}
	bothErrors := o.Status >= 400 && t.Status >= 400
	bothOK := o.Status < 400 && t.Status < 400
	// One side's task outlived its wait (202 {name, metadata}), the
	// other's did not: the bodies cannot compare (the status check above
	// says whether both were allowed).
	task := o.Status != t.Status && (o.Status == http.StatusAccepted || t.Status == http.StatusAccepted)
	if task {
		res.Explained = append(res.Explained, Explained{Diff{Kind: Status, Ours: fmt.Sprint(o.Status), Theirs: fmt.Sprint(t.Status)}, TaskReason})
	}
	if (bothErrors || bothOK) && !task {
		switch {
		case !o.JSON || !t.JSON:
			if o.JSON != t.JSON {
				diffs = append(diffs, Diff{Kind: Type, Ours: jsonOrText(o), Theirs: jsonOrText(t)})
			}
		case o.Doc == nil || t.Doc == nil:
			if (o.Doc == nil) != (t.Doc == nil) {
				diffs = append(diffs, Diff{Kind: Type, Ours: Of(o.Doc, nil).TypeList(), Theirs: Of(t.Doc, nil).TypeList()})
			}
		default:
			diffs = append(diffs, CompareShapes(Of(o.Doc, c.Maps), Of(t.Doc, c.Maps))...)
		}
		for _, p := range c.Values {
			ov, tv := Values(o.Doc, p), Values(t.Doc, p)
			if !slices.Equal(ov, tv) {
				diffs = append(diffs, Diff{Kind: Value, Path: p, Ours: short(ov), Theirs: short(tv)})
			}
		}
	}
	used := make([]bool, len(c.Known))
	for _, d := range diffs {
		reason := ""
		for i, k := range c.Known {
			if k.matches(d) {
				used[i] = true
				reason = k.Reason
				break
			}
		}
		if reason == "" && bothErrors && d.Kind == Extra && slices.Contains(errorExtras, d.Path) {
			reason = ErrorBodyReason
		}
		if reason == "" {
			res.Diffs = append(res.Diffs, d)
		} else {
			res.Explained = append(res.Explained, Explained{d, reason})
		}
	}
	for i, k := range c.Known {
		if !used[i] {
			res.Unused = append(res.Unused, k)
		}
	}
}

func jsonOrText(r *Response) string {
	if r.JSON {
		return "json"
	}
	return "text"
}

func short(vs []string) string {
	s := "[" + strings.Join(vs, ", ") + "]"
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
