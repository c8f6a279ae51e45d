package transporttest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	cephapi "github.com/cephapi/cephapi"
)

// recorder is a testing.TB that records failures and skips instead of
// reporting them, so the self-tests can assert that a check fails. It embeds
// the real T only to satisfy testing.TB's unexported method and for harmless
// helpers (TempDir, Setenv); every reporting method is overridden.
type recorder struct {
	testing.TB
	name string

	mu       sync.Mutex
	failed   bool
	skipped  bool
	logs     []string
	cleanups []func()
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Helper()      {}

func (r *recorder) Log(args ...any) { r.log(fmt.Sprintln(args...)) }
func (r *recorder) Logf(format string, args ...any) {
	r.log(fmt.Sprintf(format, args...))
}

func (r *recorder) log(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, s)
}

func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) FailNow() {
	r.Fail()
	runtime.Goexit()
}

func (r *recorder) Error(args ...any) { r.Log(args...); r.Fail() }
func (r *recorder) Errorf(format string, args ...any) {
	r.Logf(format, args...)
	r.Fail()
}
func (r *recorder) Fatal(args ...any) { r.Log(args...); r.FailNow() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Logf(format, args...)
	r.FailNow()
}

func (r *recorder) SkipNow() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) { r.Log(args...); r.SkipNow() }
func (r *recorder) Skipf(format string, args ...any) {
	r.Logf(format, args...)
	r.SkipNow()
}

func (r *recorder) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}

func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// inGoroutine runs f in its own goroutine so that FailNow and SkipNow
// (runtime.Goexit) end f only, and waits for it.
func inGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// runCleanups runs the registered cleanups last first, each in its own
// goroutine, as testing does.
func (r *recorder) runCleanups() {
	for {
		r.mu.Lock()
		n := len(r.cleanups)
		if n == 0 {
			r.mu.Unlock()
			return
		}
		f := r.cleanups[n-1]
		r.cleanups = r.cleanups[:n-1]
		r.mu.Unlock()
		inGoroutine(f)
	}
}

func (r *recorder) String() string {
	return fmt.Sprintf("failed=%v skipped=%v log=%q", r.failed, r.skipped, r.logs)
}

// quickOptions keep the self-tests fast: a broken client never converges,
// so polls give up soon.
func quickOptions() *Options {
	o := Options{PollTimeout: 300 * time.Millisecond, PollInterval: 5 * time.Millisecond}
	o.defaults()
	return &o
}

// runRecorded runs one check against c with a recorder and returns it.
func runRecorded(t *testing.T, name string, fn checkFunc, c *cephapi.Client) *recorder {
	t.Helper()
	r := &recorder{TB: t, name: name}
	o := quickOptions()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inGoroutine(func() { fn(ctx, r, &env{c: c, o: o, put: o.PutObject}) })
	r.runCleanups()
	return r
}

// findCheck returns the check named "Area/Behaviour".
func findCheck(t *testing.T, full string) checkFunc {
	t.Helper()
	for _, a := range areas {
		for _, c := range a.checks {
			if a.name+"/"+c.name == full {
				return c.fn
			}
		}
	}
	t.Fatalf("no check %q", full)
	return nil
}

func TestRecorder(t *testing.T) {
	tests := []struct {
		name          string
		fn            func(tb testing.TB)
		failed, skipd bool
		cleanedUp     bool
	}{
		{"pass", func(tb testing.TB) { tb.Cleanup(func() {}) }, false, false, true},
		{"error", func(tb testing.TB) { tb.Errorf("x"); tb.Cleanup(func() {}) }, true, false, true},
		{"fatal stops", func(tb testing.TB) { tb.Cleanup(func() {}); tb.Fatal("x"); tb.Error("not reached") }, true, false, true},
		{"skip", func(tb testing.TB) { tb.Cleanup(func() {}); tb.Skip("x") }, false, true, true},
		{"cleanup failure", func(tb testing.TB) { tb.Cleanup(func() { tb.Fatalf("in cleanup") }) }, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t, name: tt.name}
			inGoroutine(func() { tt.fn(r) })
			ran := 0
			for i := range r.cleanups {
				f := r.cleanups[i]
				r.cleanups[i] = func() { f(); ran++ }
			}
			r.runCleanups()
			if r.failed != tt.failed || r.skipped != tt.skipd {
				t.Errorf("recorder %v, want failed=%v skipped=%v", r, tt.failed, tt.skipd)
			}
			if tt.cleanedUp && ran != 1 {
				t.Errorf("cleanup ran %d times, want 1", ran)
			}
		})
	}
}
