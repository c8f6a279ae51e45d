package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// TestMemoEncode checks when the memo reuses an encoding: only for the same
// value (by identity) and variant, never for a new value, a value without
// identity, or another variant.
func TestMemoEncode(t *testing.T) {
	a, b := &struct{ N int }{1}, &struct{ N int }{2}
	s1, s2 := []int{1, 2, 3}, []int{1, 2, 3}
	m1 := map[string]int{"x": 1}
	type step struct {
		src     any
		variant uint64
		want    string
		encodes bool // whether view/Marshal must run
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"same pointer reuses", []step{{a, 0, `{"N":1}`, true}, {a, 0, `{"N":1}`, false}}},
		{"new pointer encodes", []step{{a, 0, `{"N":1}`, true}, {b, 0, `{"N":2}`, true}, {b, 0, `{"N":2}`, false}}},
		{"variants are separate", []step{{a, 1, `{"N":1}`, true}, {a, 2, `{"N":1}`, true}, {a, 1, `{"N":1}`, false}, {a, 2, `{"N":1}`, false}}},
		{"a new value drops the old", []step{{a, 0, `{"N":1}`, true}, {b, 0, `{"N":2}`, true}, {a, 0, `{"N":1}`, true}}},
		{"slices by data and length", []step{{s1, 0, `[1,2,3]`, true}, {s1, 0, `[1,2,3]`, false}, {s1[:2], 0, `[1,2]`, true}, {s2, 0, `[1,2,3]`, true}}},
		{"maps by header", []step{{m1, 0, `{"x":1}`, true}, {m1, 0, `{"x":1}`, false}, {map[string]int{"x": 1}, 0, `{"x":1}`, true}}},
		{"no identity: empty maps", []step{{map[string]int{}, 0, `{}`, true}, {map[string]int{}, 0, `{}`, true}}},
		{"no identity: empty and nil", []step{{[]int{}, 0, `[]`, true}, {nil, 0, `null`, true}, {(*struct{})(nil), 0, `null`, true}}},
		{"no identity: zero size", []step{{&struct{}{}, 0, `{}`, true}, {&struct{}{}, 0, `{}`, true}, {make([]struct{}, 2), 0, `[{},{}]`, true}, {make([]struct{}, 2), 0, `[{},{}]`, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mm memo
			for i, s := range tt.steps {
				encoded := false
				m := &memoized{src: s.src, variant: s.variant, view: func() any { encoded = true; return s.src }}
				got, err := mm.encode(m)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if string(got) != s.want || encoded != s.encodes {
					t.Errorf("step %d: got %s (encoded %v), want %s (encoded %v)", i, got, encoded, s.want, s.encodes)
				}
			}
		})
	}
}

// TestMemoBoundsEntries checks that one value keeps at most maxMemoEntries
// encodings, however many variants callers ask for.
func TestMemoBoundsEntries(t *testing.T) {
	var mm memo
	v := &struct{ N int }{1}
	for i := range 3 * maxMemoEntries {
		if _, err := mm.encode(&memoized{src: v, variant: uint64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(*mm.entries.Load()); n != maxMemoEntries {
		t.Errorf("%d entries, want %d", n, maxMemoEntries)
	}
}

// summaryOnce answers the summary from one value, as a cache does.
type summaryOnce struct {
	ceph.Health
	sum *ceph.Summary
}

func (h summaryOnce) Summary(context.Context) (*ceph.Summary, error) { return h.sum, nil }

// TestMemoizedAnswers checks the server's memoized reads against a
// transport that returns one value again and again: each caller still
// sees only what its roles allow, the summary follows the task list, and a
// new value is seen at once.
func TestMemoizedAnswers(t *testing.T) {
	client := cachedClient(t)
	client.Health = summaryOnce{client.Health, &ceph.Summary{HealthStatus: "HEALTH_OK", MgrID: "x"}}
	f := newFixtureWith(t, client, nil)
	reader := f.login("reader", "reader-pw")
	poolmgr := f.login("poolmgr", "pool-pw")

	keys := func(token, path string) string {
		w := f.do(req{method: "GET", path: path, token: token})
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(len(m))
	}
	// Interleave callers: a memo keyed only by the value would hand one
	// caller's view to the other.
	var got []string
	for range 2 {
		got = append(got, keys(f.admin, "/api/health/minimal"), keys(poolmgr, "/api/health/minimal"), keys(reader, "/api/health/minimal"))
	}
	if got[0] != got[3] || got[1] != got[4] || got[2] != got[5] || got[0] == got[1] {
		t.Errorf("sections seen by admin, pool-manager, read-only, twice: %v", got)
	}

	summary := func() string {
		w := f.do(req{method: "GET", path: "/api/summary", token: f.admin})
		if w.Code != 200 {
			t.Fatalf("summary: %d %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	before := summary()
	if summary() != before {
		t.Fatal("the summary of one value changed by itself")
	}
	// A task changes the task list, not the transport's value: the next
	// summary must show it.
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	f.srv.tasks.run("pool/create", map[string]any{"pool_name": "memo"}, ctx, cancel, func(context.Context) (any, error) {
		<-done
		return nil, nil
	})
	executing := summary()
	if executing == before || !json.Valid([]byte(executing)) {
		t.Errorf("summary did not show the executing task: %s", executing)
	}
	close(done)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && summary() == executing {
		time.Sleep(5 * time.Millisecond)
	}
	if s := summary(); s == executing || s == before {
		t.Errorf("summary did not show the finished task: %s", s)
	}

	// A new value (the cache refreshed) is encoded at once.
	client.Health = summaryOnce{client.Health, &ceph.Summary{HealthStatus: "HEALTH_WARN", MgrID: "y"}}
	if s := summary(); !strings.Contains(s, `"health_status":"HEALTH_WARN"`) {
		t.Errorf("summary of a new value: %s", s)
	}
}

// Concurrent requests for a value not yet encoded share one encoding.
func TestMemoCollapsesConcurrentEncodings(t *testing.T) {
	var mm memo
	src := &struct{ N int }{7}
	var encodes atomic.Int64
	release := make(chan struct{})
	const n = 8
	bodies := make(chan string, n)
	for range n {
		go func() {
			b, err := mm.encode(&memoized{src: src, view: func() any {
				encodes.Add(1)
				<-release
				return src
			}})
			if err != nil {
				t.Error(err)
			}
			bodies <- string(b)
		}()
	}
	// let every caller arrive while the first encoding is held
	for deadline := time.Now().Add(5 * time.Second); ; {
		mm.mu.Lock()
		p := len(mm.pending)
		mm.mu.Unlock()
		if p == 1 && encodes.Load() == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	for range n {
		if b := <-bodies; b != `{"N":7}` {
			t.Fatalf("body %s", b)
		}
	}
	if got := encodes.Load(); got != 1 {
		t.Errorf("%d encodings for %d concurrent requests, want 1", got, n)
	}
}

// TestMemoEncodePick checks that an answer built from kept element
// encodings is the bytes json.Marshal gives for the picked elements, for
// every kind of pick and across lists.
func TestMemoEncodePick(t *testing.T) {
	type elem struct {
		ID   int               `json:"id"`
		Tags map[string]string `json:"tags,omitempty"`
		Note string            `json:"note"`
	}
	a := []elem{{0, nil, "<a>"}, {1, map[string]string{"b": "x", "a": "y"}, ""}, {2, nil, "\u2028"}}
	b := []elem{{7, nil, "other"}}
	tests := []struct {
		name string
		src  any
		pick []int
	}{
		{"all", a, []int{0, 1, 2}},
		{"again, reordered", a, []int{2, 0}},
		{"one", a, []int{1}},
		{"none", a, []int{}},
		{"another list", b, []int{0}},
		{"the first list again", a, []int{0, 2}},
		{"empty list", []elem{}, nil},
		{"not memoizable", []struct{}{{}, {}}, []int{1, 0}},
	}
	var mm memo
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mm.encodePick(&memoizedPick{src: tt.src, pick: tt.pick})
			if err != nil {
				t.Fatal(err)
			}
			var picked []any = []any{}
			for _, i := range tt.pick {
				switch s := tt.src.(type) {
				case []elem:
					picked = append(picked, s[i])
				case []struct{}:
					picked = append(picked, s[i])
				}
			}
			want, _ := json.Marshal(picked)
			if string(got) != string(want) {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}
