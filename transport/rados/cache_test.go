package rados

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// fakeClock is a settable clock for the cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestCache(ttl time.Duration) (*cache, *fakeClock) {
	clk := &fakeClock{t: time.Unix(1700000000, 0)}
	c := newCache(ttl, time.Minute)
	c.now = clk.now
	return c, clk
}

// counter is a fetch that counts its calls and answers their number.
type counter struct{ n atomic.Int64 }

func (c *counter) fetch(context.Context) (int64, error) { return c.n.Add(1), nil }

func TestCacheHitMissExpiry(t *testing.T) {
	c, clk := newTestCache(time.Second)
	var f counter
	ctx := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		want    int64
	}{
		{"first read fetches", 0, 1},
		{"second read is a hit", 0, 1},
		{"fresh, no refresh yet", 499 * time.Millisecond, 1},
		{"expired at the TTL", 501 * time.Millisecond, 2},
		{"fresh again", 400 * time.Millisecond, 2},
	}
	for _, s := range steps {
		clk.advance(s.advance)
		got, err := cached(ctx, c, "test", "k", f.fetch)
		if err != nil || got != s.want {
			t.Fatalf("%s: got %d, %v; want %d", s.name, got, err, s.want)
		}
	}
	// another key is another entry
	var g counter
	if got, _ := cached(ctx, c, "test", "other", g.fetch); got != 1 {
		t.Fatalf("other key: got %d, want a fetch", got)
	}
}

func TestCacheRefreshAhead(t *testing.T) {
	c, clk := newTestCache(time.Second)
	release := make(chan struct{})
	var n atomic.Int64
	fetch := func(context.Context) (int64, error) {
		i := n.Add(1)
		if i == 2 {
			<-release
		}
		return i, nil
	}
	ctx := context.Background()
	if v, _ := cached(ctx, c, "test", "k", fetch); v != 1 {
		t.Fatalf("got %d", v)
	}
	clk.advance(850 * time.Millisecond) // past 4/5 of the TTL
	if v, _ := cached(ctx, c, "test", "k", fetch); v != 1 {
		t.Fatalf("refresh ahead: got %d, want the current answer 1 at once", v)
	}
	for n.Load() != 2 {
		time.Sleep(time.Millisecond) // the background fetch started
	}
	if v, _ := cached(ctx, c, "test", "k", fetch); v != 1 || n.Load() != 2 {
		t.Fatalf("one refresh at a time: got %d after %d fetches", v, n.Load())
	}
	// past the TTL the old answer is never served: readers wait for the
	// refresh
	clk.advance(150 * time.Millisecond)
	got := make(chan int64, 1)
	go func() { v, _ := cached(ctx, c, "test", "k", fetch); got <- v }()
	select {
	case v := <-got:
		t.Fatalf("expired answer served: %d", v)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if v := <-got; v != 2 {
		t.Fatalf("after the refresh: got %d, want 2", v)
	}
	if v, _ := cached(ctx, c, "test", "k", fetch); v != 2 || n.Load() != 2 {
		t.Fatalf("refreshed answer not stored: %d after %d fetches", v, n.Load())
	}
}

func TestCacheInvalidate(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	var f counter
	ctx := context.Background()
	if got, _ := cached(ctx, c, "test", "k", f.fetch); got != 1 {
		t.Fatalf("got %d", got)
	}
	c.invalidate()
	if got, _ := cached(ctx, c, "test", "k", f.fetch); got != 2 {
		t.Fatalf("after invalidate: got %d, want a fetch (2)", got)
	}
	if got, _ := cached(ctx, c, "test", "k", f.fetch); got != 2 {
		t.Fatalf("after refetch: got %d, want a hit (2)", got)
	}
}

func TestCacheNil(t *testing.T) {
	var c *cache // the disabled cache
	c.invalidate()
	var f counter
	for i := int64(1); i <= 3; i++ {
		if got, _ := cached(context.Background(), c, "test", "k", f.fetch); got != i {
			t.Fatalf("call %d: got %d, want a fetch each time", i, got)
		}
	}
	if newCache(0, 0) != nil || newCache(-1, 0) != nil {
		t.Fatal("ttl <= 0 must give the disabled (nil) cache")
	}
}

func TestCacheErrorNotStored(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	ctx := context.Background()
	calls := 0
	fail := func(context.Context) (int, error) {
		calls++
		return 0, errorf(ceph.Unavailable, "test", "monitor down")
	}
	for i := 0; i < 2; i++ {
		_, err := cached(ctx, c, "test", "k", fail)
		if ceph.CodeOf(err) != ceph.Unavailable {
			t.Fatalf("got %v, want Unavailable", err)
		}
	}
	if calls != 2 {
		t.Fatalf("fetches = %d, want 2 (errors are not cached)", calls)
	}
	ok := func(context.Context) (int, error) { return 7, nil }
	if got, err := cached(ctx, c, "test", "k", ok); got != 7 || err != nil {
		t.Fatalf("after recovery: %d, %v", got, err)
	}
}

func TestCacheCollapsesConcurrentFetches(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	var n atomic.Int64
	fetch := func(context.Context) (string, error) {
		n.Add(1)
		started <- struct{}{}
		<-release
		return "v", nil
	}
	const readers = 50
	var wg sync.WaitGroup
	var arrived atomic.Int64
	errs := make(chan error, readers)
	for i := 0; i < readers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			arrived.Add(1)
			v, err := cached(context.Background(), c, "test", "k", fetch)
			if err == nil && v != "v" {
				err = errors.New("wrong value " + v)
			}
			errs <- err
		}()
	}
	<-started
	// wait until every reader waits on the one flight
	for deadline := time.Now().Add(5 * time.Second); ; {
		c.mu.Lock()
		nf := len(c.flights)
		c.mu.Unlock()
		if nf == 1 && arrived.Load() == readers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("flights = %d", nf)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond) // let the last arrivals reach the flight
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("fetches = %d, want 1 for %d concurrent readers", got, readers)
	}
}

func TestCacheWaiterContextEnds(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	release := make(chan struct{})
	fetchCtx := make(chan context.Context, 1)
	fetch := func(ctx context.Context) (string, error) {
		fetchCtx <- ctx
		<-release
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return "v", nil
	}
	// the first caller starts the fetch, then goes away
	ctx1, cancel1 := context.WithCancel(context.Background())
	done1 := make(chan error, 1)
	go func() { _, err := cached(ctx1, c, "test", "k", fetch); done1 <- err }()
	fctx := <-fetchCtx
	if _, ok := fctx.Deadline(); !ok {
		t.Error("the shared fetch has no deadline of its own")
	}
	// a second caller joins with a deadline that passes
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := cached(ctx2, c, "test", "k", fetch); ceph.CodeOf(err) != ceph.DeadlineExceeded {
		t.Fatalf("waiter past its deadline: got %v, want DeadlineExceeded", err)
	}
	cancel1()
	if err := <-done1; ceph.CodeOf(err) != ceph.Canceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled caller: got %v, want Canceled", err)
	}
	if fctx.Err() != nil {
		t.Fatal("the shared fetch was canceled by its callers")
	}
	// a third caller still gets the shared answer
	done3 := make(chan string, 1)
	go func() { v, _ := cached(context.Background(), c, "test", "k", fetch); done3 <- v }()
	time.Sleep(5 * time.Millisecond)
	close(release)
	if v := <-done3; v != "v" {
		t.Fatalf("third caller got %q", v)
	}
	// and it was stored
	if v, err := cached(context.Background(), c, "test", "k", fetch); v != "v" || err != nil {
		t.Fatalf("stored answer: %q, %v", v, err)
	}
	// an already-ended context does not start a fetch
	ctx4, cancel4 := context.WithCancel(context.Background())
	cancel4()
	c.invalidate()
	if _, err := cached(ctx4, c, "test", "k", fetch); ceph.CodeOf(err) != ceph.Canceled {
		t.Fatalf("ended context: got %v", err)
	}
}

func TestCacheWriteDuringFetch(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	release := make(chan struct{})
	var n atomic.Int64
	fetch := func(context.Context) (int64, error) {
		i := n.Add(1)
		if i == 1 {
			<-release // the first fetch straddles the write
		}
		return i, nil
	}
	first := make(chan int64, 1)
	go func() { v, _ := cached(context.Background(), c, "test", "k", fetch); first <- v }()
	for n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.invalidate() // a write returns while the fetch runs
	// a read after the write does not join the old flight
	if v, _ := cached(context.Background(), c, "test", "k", fetch); v != 2 {
		t.Fatalf("read after the write got %d, want a new fetch (2)", v)
	}
	close(release)
	if v := <-first; v != 1 {
		t.Fatalf("reader before the write got %d", v)
	}
	// the old fetch's answer was not stored over the new one
	if v, _ := cached(context.Background(), c, "test", "k", fetch); v != 2 {
		t.Fatalf("got %d, want the post-write answer 2", v)
	}
}

func TestCachePanicInFetch(t *testing.T) {
	c, _ := newTestCache(time.Hour)
	_, err := cached(context.Background(), c, "test", "k", func(context.Context) (int, error) { panic("boom") })
	if ceph.CodeOf(err) != ceph.Internal {
		t.Fatalf("got %v, want Internal", err)
	}
	if v, err := cached(context.Background(), c, "test", "k", func(context.Context) (int, error) { return 1, nil }); v != 1 || err != nil {
		t.Fatalf("after a panic: %d, %v", v, err)
	}
}

// countCalls counts the commands the fake received with the given prefix.
func (f *fakeCommander) countCalls(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c["prefix"] == prefix {
			n++
		}
	}
	return n
}

// Through the services: reads are served from the cache, every write
// (and every raw command) invalidates it, and a failed write too.
func TestCacheServicesReadYourWrites(t *testing.T) {
	r, f := newTestRunner(t)
	c, clk := newTestCache(time.Second)
	r.cache = c
	s := newServices(r, &schemaCache{})
	ctx := context.Background()

	summary := func() {
		t.Helper()
		if _, err := s.Health.Summary(ctx); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name     string
		do       func()
		versions int // "versions" commands sent so far
	}{
		{"first summary fetches", summary, 1},
		{"second is a hit", summary, 1},
		{"an OSD list does not invalidate", func() {
			if _, err := s.OSDs.List(ctx); err != nil {
				t.Fatal(err)
			}
			summary()
		}, 1},
		{"a librbd read does not invalidate", func() {
			if err := r.doRead(ctx, "rbd", func() error { return nil }); err != nil {
				t.Fatal(err)
			}
			summary()
		}, 1},
		{"any other librbd call invalidates", func() {
			if err := r.do(ctx, "rbd", func() error { return nil }); err != nil {
				t.Fatal(err)
			}
			summary()
		}, 2},
		{"a write invalidates", func() {
			f.on("osd set", "", "noout is set", 0)
			f.on("osd unset", "", "unset", 0)
			if _, err := s.OSDFlags.Set(ctx, []string{"noout"}); err != nil {
				t.Fatal(err)
			}
			summary()
		}, 3},
		{"a failed write invalidates too", func() {
			f.on("osd reweight", "", "osd.9 does not exist", syscall.ENOENT)
			if err := s.OSDs.Reweight(ctx, 9, 0.5); ceph.CodeOf(err) != ceph.NotFound {
				t.Fatalf("reweight: %v", err)
			}
			summary()
		}, 4},
		{"a raw command invalidates", func() {
			if _, err := s.Commands.Command(ctx, ceph.Command{Prefix: "osd ls"}); err != nil && ceph.CodeOf(err) != ceph.InvalidArgument {
				t.Fatal(err)
			}
			summary()
		}, 5},
		{"expiry refetches", func() { clk.advance(time.Second); summary() }, 6},
	}
	for _, st := range steps {
		st.do()
		if got := f.countCalls("versions"); got != st.versions {
			t.Fatalf("%s: versions sent %d times, want %d", st.name, got, st.versions)
		}
	}
}

// The cached OSD list is the list the uncached service builds.
func TestCacheOSDListSame(t *testing.T) {
	r, _ := newTestRunner(t)
	want, err := osds{r: r}.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r.cache, _ = newTestCache(time.Hour)
	for i := 0; i < 2; i++ {
		got, err := osds{r: r}.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || got[0].ID != want[0].ID || got[0].Host.Name != want[0].Host.Name {
			t.Fatalf("cached list differs: %+v", got)
		}
	}
	var _ []osd.OSD = want
}

func BenchmarkCacheHit(b *testing.B) {
	c := newCache(time.Hour, time.Minute)
	fetch := func(context.Context) (*ceph.HealthMinimal, error) { return &ceph.HealthMinimal{}, nil }
	ctx := context.Background()
	if _, err := cached(ctx, c, "test", "health/minimal", fetch); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cached(ctx, c, "test", "health/minimal", fetch); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHealthMinimalCached is the service call behind
// /api/health/minimal on a warm cache (replies captured from a real
// cluster), against BenchmarkHealthMinimalUncached, which decodes every
// reply each time (and, on a real cluster, waits for 11 monitor commands).
func BenchmarkHealthMinimalCached(b *testing.B) { benchMinimal(b, time.Hour) }

func BenchmarkHealthMinimalUncached(b *testing.B) { benchMinimal(b, 0) }

func benchMinimal(b *testing.B, ttl time.Duration) {
	r, _ := newTestRunner(b)
	r.cache = newCache(ttl, time.Minute)
	h := health{r: r}
	ctx := context.Background()
	if _, err := h.Minimal(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.Minimal(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// Every fetch behind a cached read sends only read commands: a command
// missing from readCommands would invalidate the cache on each fetch, and
// the cache would silently never hold anything.
func TestCacheFetchesOnlyRead(t *testing.T) {
	r, f := newTestRunner(t)
	r.cache, _ = newTestCache(time.Hour)
	s := newServices(r, &schemaCache{})
	ctx := context.Background()
	reads := []struct {
		name string
		read func() error
	}{
		{"Health.Minimal", func() error { _, err := s.Health.Minimal(ctx); return err }},
		{"Health.Full", func() error { _, err := s.Health.Full(ctx); return err }},
		{"Health.Summary", func() error { _, err := s.Health.Summary(ctx); return err }},
		{"Health.Report", func() error { _, err := s.Health.Report(ctx); return err }},
		{"OSDs.List", func() error { _, err := s.OSDs.List(ctx); return err }},
		{"OSDs.Tree", func() error { _, err := s.OSDs.Tree(ctx); return err }},
		{"Monitors.Status", func() error { _, err := s.Monitors.Status(ctx); return err }},
	}
	for _, rd := range reads {
		t.Run(rd.name, func(t *testing.T) {
			if err := rd.read(); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			n := len(f.calls)
			f.mu.Unlock()
			if err := rd.read(); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.calls) != n {
				var sent []any
				for _, c := range f.calls[n:] {
					sent = append(sent, c["prefix"])
				}
				t.Errorf("second read sent %v: a command of the first is missing from readCommands", sent)
			}
		})
	}
}

// Reads that have no cached answer of their own (the pool list, an EC
// profile, the manager modules) share their commands' answers through the
// command cache, within the ttl and until a write; config-key reads and
// the commands of a shared fetch are never taken from it.
func TestCommandCache(t *testing.T) {
	r, f := newTestRunner(t)
	c, clk := newTestCache(time.Second)
	r.cache = c
	s := newServices(r, &schemaCache{})
	ctx := context.Background()
	pools := func() {
		t.Helper()
		if _, err := s.Pools.List(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.on("config-key dump", "{}", "", 0)
	dump := func() {
		t.Helper()
		if _, err := s.Commands.Command(ctx, ceph.Command{Prefix: "config-key dump", Format: "json"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []struct {
		name            string
		do              func()
		osdDumps, dumps int
	}{
		{"first list fetches", pools, 1, 0},
		{"second is a hit", pools, 1, 0},
		{"config-key is never cached", func() { dump(); dump() }, 1, 2},
		{"and does not invalidate", pools, 1, 2},
		{"a write invalidates", func() {
			f.on("osd set", "", "noout is set", 0)
			f.on("osd unset", "", "unset", 0)
			if _, err := s.OSDFlags.Set(ctx, []string{"noout"}); err != nil {
				t.Fatal(err)
			}
			pools()
		}, 2, 2},
		{"expiry with the same epoch keeps the map", func() { clk.advance(time.Second); pools() }, 2, 2},
		{"a new epoch refetches", func() {
			f.on("osd stat", `{"epoch": 99}`, "", 0)
			clk.advance(time.Second)
			pools()
		}, 3, 2},
	} {
		st.do()
		if got, dumps := f.countCalls("osd dump"), f.countCalls("config-key dump"); got != st.osdDumps || dumps != st.dumps {
			t.Fatalf("%s: osd dump sent %d times (want %d), config-key dump %d (want %d)", st.name, got, st.osdDumps, dumps, st.dumps)
		}
	}
	// A shared fetch sends its commands itself, but for a versioned part
	// only the probe when the version is unchanged.
	before, probes := f.countCalls("osd dump"), f.countCalls("osd stat")
	clk.advance(time.Second)
	if _, err := s.Health.Minimal(ctx); err != nil {
		t.Fatal(err)
	}
	if f.countCalls("osd dump") != before || f.countCalls("osd stat") == probes {
		t.Errorf("the health fetch with an unchanged epoch: osd dump %d -> %d, osd stat %d -> %d (want the same dump after a probe)",
			before, f.countCalls("osd dump"), probes, f.countCalls("osd stat"))
	}
	f.on("osd stat", `{"epoch": 100}`, "", 0)
	clk.advance(time.Second)
	if _, err := s.Health.Minimal(ctx); err != nil {
		t.Fatal(err)
	}
	if f.countCalls("osd dump") == before {
		t.Error("the health fetch used a cached osd dump of an older epoch")
	}
}

// A versioned answer outlives the ttl while its probe finds the version
// unchanged; a new version, an invalidation or no entry fetches; a failed
// probe is an error, never a stored answer, and leaves the entry to vouch
// for later.
func TestCacheVersioned(t *testing.T) {
	c, clk := newTestCache(time.Second)
	var fetches, probes atomic.Int64
	version := "v1"
	var probeErr error
	probe := func(context.Context) (string, error) {
		probes.Add(1)
		return version, probeErr
	}
	fetch := func(context.Context) (int64, error) { return fetches.Add(1), nil }
	ctx := context.Background()
	steps := []struct {
		name           string
		do             func()
		want           int64
		wantErr        bool
		fetches, probe int64
	}{
		{"first read fetches after a probe", func() {}, 1, false, 1, 1},
		{"within the ttl: a hit, no probe", func() { clk.advance(500 * time.Millisecond) }, 1, false, 1, 1},
		{"expired, same version: kept", func() { clk.advance(600 * time.Millisecond) }, 1, false, 1, 2},
		{"kept for another ttl", func() { clk.advance(500 * time.Millisecond) }, 1, false, 1, 2},
		{"a new version fetches", func() { version = "v2"; clk.advance(time.Second) }, 2, false, 2, 3},
		{"a failed probe is an error", func() { probeErr = errors.New("down"); clk.advance(time.Second) }, 0, true, 2, 4},
		{"the entry still vouches after it", func() { probeErr = nil }, 2, false, 2, 5},
		{"an invalidation fetches", func() { c.invalidate() }, 3, false, 3, 6},
	}
	for _, st := range steps {
		st.do()
		v, err := cachedVersioned(ctx, c, "test", "k", probe, fetch)
		if (err != nil) != st.wantErr || v != st.want || fetches.Load() != st.fetches || probes.Load() != st.probe {
			t.Fatalf("%s: got %d, %v after %d fetches and %d probes; want %d (error %v), %d fetches, %d probes",
				st.name, v, err, fetches.Load(), probes.Load(), st.want, st.wantErr, st.fetches, st.probe)
		}
	}
}

// Read as a part of a shared fetch, a versioned answer is probed each time
// (never taken on its age) and fetched again when its version moved.
func TestCacheVersionedInsideFetch(t *testing.T) {
	c, clk := newTestCache(time.Second)
	var inner, probes atomic.Int64
	version := "v1"
	probe := func(context.Context) (string, error) { probes.Add(1); return version, nil }
	innerFetch := func(context.Context) (int64, error) { return inner.Add(1), nil }
	ctx := context.Background()
	if _, err := cachedVersioned(ctx, c, "test", "inner", probe, innerFetch); err != nil {
		t.Fatal(err)
	}
	var outer atomic.Int64
	outerFetch := func(ctx context.Context) (int64, error) {
		v, err := cachedVersioned(ctx, c, "test", "inner", probe, innerFetch)
		return outer.Add(1)*100 + v, err
	}
	for _, st := range []struct {
		name          string
		do            func()
		want          int64
		inner, probes int64
	}{
		{"the part is probed, not refetched", func() {}, 101, 1, 2},
		{"a moved part is fetched", func() { version = "v2"; clk.advance(time.Second) }, 202, 2, 3},
	} {
		st.do()
		v, err := cached(ctx, c, "test", "outer", outerFetch)
		if err != nil || v != st.want || inner.Load() != st.inner || probes.Load() != st.probes {
			t.Fatalf("%s: got %d, %v; inner fetches %d, probes %d; want %d, %d, %d",
				st.name, v, err, inner.Load(), probes.Load(), st.want, st.inner, st.probes)
		}
	}
}

// An answer whose fetch takes long is refreshed earlier than 4/5 of its
// life: twice its fetch time before its end, never before half of it.
func TestCacheRefreshAheadOfSlowFetch(t *testing.T) {
	for _, tc := range []struct {
		took, ahead time.Duration
	}{
		{0, 800 * time.Millisecond},
		{50 * time.Millisecond, 800 * time.Millisecond},
		{150 * time.Millisecond, 700 * time.Millisecond},
		{300 * time.Millisecond, 500 * time.Millisecond},
		{2 * time.Second, 500 * time.Millisecond},
	} {
		c, _ := newTestCache(time.Second)
		if got := c.refreshAhead(cacheEntry{took: tc.took}); got != tc.ahead {
			t.Errorf("fetch of %v: refresh at %v, want %v", tc.took, got, tc.ahead)
		}
	}
}

// A fetch of the OSD list probes the OSD map's epoch once, for itself and
// for its parts (the decoded map, the tree).
func TestCacheOneProbePerFetch(t *testing.T) {
	r, f := newTestRunner(t)
	c, clk := newTestCache(time.Second)
	r.cache = c
	s := newServices(r, &schemaCache{})
	ctx := context.Background()
	for i, epoch := range []string{`{"epoch": 7}`, `{"epoch": 8}`} {
		f.on("osd stat", epoch, "", 0)
		before := f.countCalls("osd stat")
		if _, err := s.OSDs.List(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.countCalls("osd stat") - before; n != 1 {
			t.Errorf("fetch %d: osd stat sent %d times, want 1", i, n)
		}
		clk.advance(time.Second)
	}
}

// The configuration list is kept while the configuration database's
// version (`config log 1`) holds: past the ttl a probe vouches for it, and
// a new version fetches the values again.
func TestCacheConfigListVersioned(t *testing.T) {
	ctx := context.Background()
	r, f := newTestRunner(t)
	c, clk := newTestCache(time.Second)
	r.cache = c
	f.on("tell mon.a config help", string(mustRead(t, "config_help_subset.json")), "", 0)
	f.on("tell mon.a config show", `{"osd_max_backfills": "1"}`, "", 0)
	cfg := config{r: r, schema: &schemaCache{}}
	first, err := cfg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		do    func()
		same  bool // the very list of the first read
		dumps int  // config dump sent so far
	}{
		{"within the ttl", func() {}, true, 1},
		{"expired, same version", func() { clk.advance(1100 * time.Millisecond) }, true, 1},
		{"a new version, the same values: fetched, the list kept", func() {
			f.on("config log", `[{"version": 6, "changes": []}]`, "", 0)
			clk.advance(1100 * time.Millisecond)
		}, true, 2},
		{"a new version, new values", func() {
			f.on("config log", `[{"version": 7, "changes": []}]`, "", 0)
			f.on("config dump", `[]`, "", 0)
			clk.advance(1100 * time.Millisecond)
		}, false, 3},
	}
	for _, st := range steps {
		st.do()
		got, err := cfg.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if same := &got[0] == &first[0]; same != st.same || f.countCalls("config dump") != st.dumps {
			t.Errorf("%s: same list %v, config dump sent %d times; want %v, %d", st.name, same, f.countCalls("config dump"), st.same, st.dumps)
		}
	}
}
