package rados

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// DefaultCacheTTL is how long a cached answer of a hot read (health, OSD
// list, summary, ...) may be served before it is fetched again, unless
// WithCacheTTL says otherwise.
const DefaultCacheTTL = time.Second

// cache keeps the answers of the hot reads for a short, bounded time, so
// that a burst of dashboard polls costs one round of monitor commands, not
// one per request.
//
// Three rules keep it correct:
//
//   - Bounded staleness: an answer is served for at most ttl after the
//     fetch that produced it started; then the next read fetches again.
//   - Read your writes: every command the runner sends that is not a known
//     read (every write, every raw command, every librbd call) bumps a
//     generation and drops every entry, both when it starts and when it
//     ends, so a read that starts after a write returned never sees an
//     answer fetched before the write was applied, and a fetch that
//     overlapped a write is not stored.
//   - Collapsed fetches: concurrent reads of one key share one fetch
//     (a small singleflight, keyed by key and generation). A waiter whose
//     context ends returns at once with Canceled/DeadlineExceeded; the
//     shared fetch goes on for the others under its own context, bounded by
//     fetchTimeout, and is not canceled by any one caller.
//
// Errors are never stored: the next read after a failed fetch fetches
// again (concurrent readers still share the failed fetch).
//
// Cached values are shared by every caller: they must be treated as
// read-only (the HTTP layer only encodes them).
type cache struct {
	ttl          time.Duration
	fetchTimeout time.Duration
	now          func() time.Time

	// background admits one librados call of background refreshes at a
	// time (see inBackground).
	background chan struct{}

	mu      sync.Mutex
	gen     uint64
	entries map[string]cacheEntry
	flights map[flightKey]*flight
}

type cacheEntry struct {
	val any
	at  time.Time // when the fetch (or probe) that vouched for val started
	// version is the cluster's version of what val was built from (an
	// OSD map epoch, ...), for answers cached by cachedVersioned; "" for
	// the others.
	version string
	// took is how long the last fetch of val took (a probe that
	// found the version unchanged keeps it).
	took time.Duration
}

type flightKey struct {
	key string
	gen uint64
}

type flight struct {
	done chan struct{}
	val  any
	err  error
}

// newCache returns a cache serving answers for ttl; ttl <= 0 returns nil,
// the disabled cache (every read fetches).
func newCache(ttl, fetchTimeout time.Duration) *cache {
	if ttl <= 0 {
		return nil
	}
	if fetchTimeout <= 0 {
		fetchTimeout = defaultFetchTimeout
	}
	return &cache{ttl: ttl, fetchTimeout: fetchTimeout, now: time.Now, background: make(chan struct{}, 1),
		entries: map[string]cacheEntry{}, flights: map[flightKey]*flight{}}
}

// defaultFetchTimeout bounds a shared fetch when the runner gives none.
const defaultFetchTimeout = 30 * time.Second

// invalidate drops every entry and makes fetches in flight unstorable.
// Safe on a nil cache.
func (c *cache) invalidate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	c.mu.Unlock()
}

// cached returns the answer of key: from c when it is fresh, else from
// fetch, shared with every concurrent caller of the same key. A nil c
// always calls fetch with ctx.
func cached[T any](ctx context.Context, c *cache, component, key string, fetch func(context.Context) (T, error)) (T, error) {
	return lookup(ctx, c, component, key, nil, fetch)
}

// cachedVersioned is cached for an answer that Ceph versions: probe
// returns, cheaply, the cluster's current version of what fetch reads (an
// OSD map epoch, the PG stats' version). When an answer has outlived the
// ttl, the refresh asks probe first and, if the version is the one the
// answer was built from, keeps the answer for another ttl instead of
// fetching it again: on a big cluster an unchanged 10,000-OSD map costs
// one small command a second, not the map. The probe runs before the
// fetch, so the version stored is never newer than the answer (at worst a
// change that landed during the fetch is fetched again).
//
// Inside a shared fetch (a composite answer that reads this one as a
// part), the stored answer is used only after a probe, made then, found
// its version current: a composite answer stored at its fetch's start is
// never built from parts older than that.
func cachedVersioned[T any](ctx context.Context, c *cache, component, key string, probe func(context.Context) (string, error), fetch func(context.Context) (T, error)) (T, error) {
	if c == nil {
		return fetch(ctx)
	}
	if ctx.Value(inFetchKey{}) != nil {
		return revalidateNow(ctx, c, key, probe, fetch)
	}
	return lookup(ctx, c, component, key, probe, fetch)
}

// revalidateNow is cachedVersioned inside a shared fetch: probe now, use
// the stored answer if its version is current, else fetch and store.
func revalidateNow[T any](ctx context.Context, c *cache, key string, probe func(context.Context) (string, error), fetch func(context.Context) (T, error)) (T, error) {
	var zero T
	c.mu.Lock()
	gen := c.gen
	e, ok := c.entries[key]
	c.mu.Unlock()
	start := c.now()
	version, err := probe(ctx)
	if err != nil {
		return zero, err
	}
	if ok && e.version == version {
		return e.val.(T), nil
	}
	val, err := fetch(ctx)
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.storeLocked(key, cacheEntry{val: val, at: start, version: version, took: c.now().Sub(start)})
	}
	c.mu.Unlock()
	return val, nil
}

// refreshAhead is the age from which a reader of e starts its refresh in
// the background: 4/5 of the ttl, or earlier for an answer whose fetch
// takes long (twice its last fetch before the end of its life, but never
// before half of it), so that under steady load no reader waits for a
// fetch and none gets an answer older than ttl. (Not earlier: each fetch
// costs the monitors and the manager CPU that, on a small host, the
// requests being served need.)
func (c *cache) refreshAhead(e cacheEntry) time.Duration {
	ahead := c.ttl * 4 / 5
	if early := c.ttl - 2*e.took; early < ahead {
		ahead = max(early, c.ttl/2)
	}
	return ahead
}

func lookup[T any](ctx context.Context, c *cache, component, key string, probe func(context.Context) (string, error), fetch func(context.Context) (T, error)) (T, error) {
	var zero T
	if c == nil {
		return fetch(ctx)
	}
	if err := ceph.CheckContext(ctx, component); err != nil {
		return zero, err
	}
	c.mu.Lock()
	now := c.now()
	fk := flightKey{key, c.gen}
	var prev *cacheEntry
	if e, ok := c.entries[key]; ok {
		if age := now.Sub(e.at); age < c.ttl {
			if age >= c.refreshAhead(e) && c.flights[fk] == nil {
				startFlight(context.WithValue(ctx, backgroundKey{}, true), c, fk, now, &e, probe, fetch)
			}
			c.mu.Unlock()
			return e.val.(T), nil
		}
		// kept, expired, for the refresh's probe to vouch for; else
		// dropped, but still compared with the refresh's answer
		prev = &e
		if probe == nil || e.version == "" {
			delete(c.entries, key)
		}
	}
	f := c.flights[fk]
	if f == nil {
		f = startFlight(ctx, c, fk, now, prev, probe, fetch)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return zero, ceph.CheckContext(ctx, component)
	}
	if f.err != nil {
		return zero, f.err
	}
	return f.val.(T), nil
}

// backgroundKey marks the context of a refresh ahead.
type backgroundKey struct{}

// inFetchKey marks the context of a shared fetch: the commands it sends
// bypass the command cache (see runner.read), so that an answer stored at
// the fetch's start is never made of command outputs older than that.
type inFetchKey struct{}

// probeMemoKey marks a shared fetch's probe results (a *probeMemo): an
// answer made of versioned parts (the OSD list: the OSD map, the tree)
// probes the OSD map's epoch for itself and again for each part; within
// one fetch the first answer serves them all, so the parts are checked
// against the very epoch the answer is stored under, and `osd stat` is
// sent once.
type probeMemoKey struct{}

type probeMemo struct {
	mu sync.Mutex
	m  map[string]*probeResult
}

type probeResult struct {
	once    sync.Once
	version string
	err     error
}

// memoProbe runs probe (named key) once per shared fetch; outside a fetch
// it just runs it.
func memoProbe(ctx context.Context, key string, probe func(context.Context) (string, error)) (string, error) {
	pm, _ := ctx.Value(probeMemoKey{}).(*probeMemo)
	if pm == nil {
		return probe(ctx)
	}
	pm.mu.Lock()
	r := pm.m[key]
	if r == nil {
		r = &probeResult{}
		pm.m[key] = r
	}
	pm.mu.Unlock()
	r.once.Do(func() { r.version, r.err = probe(ctx) })
	return r.version, r.err
}

// maxEntries bounds the number of cached answers: commands with
// arguments (one OSD's metadata, a pool's PGs, any read command of the
// legacy API) make one entry each. Past the bound the expired entries go,
// and if that is not enough, all of them.
const maxEntries = 4096

// storeLocked stores an answer; c.mu must be held.
func (c *cache) storeLocked(key string, e cacheEntry) {
	if len(c.entries) >= maxEntries {
		now := c.now()
		for k, old := range c.entries {
			if now.Sub(old.at) >= c.ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxEntries {
			clear(c.entries)
		}
	}
	c.entries[key] = e
}

// inBackground wraps fn, a call into librados, so that the calls of
// background refreshes (ctx marked by cached) run one at a time, and each
// is followed by a yield. Commands wait on a C thread without holding a P
// (see threadConn), but the monitors and the manager share the host's CPUs
// with the server: a refresh that sent its ~10 commands at once would make
// them compete with the requests being served, and the parsing of all the
// answers would land on the Ps at once. One at a time, the refresh takes
// longer, but nobody waits for it. Calls of other contexts are not
// affected.
func (c *cache) inBackground(ctx context.Context, fn func() ([]byte, string, error)) func() ([]byte, string, error) {
	if c == nil || ctx.Value(backgroundKey{}) == nil {
		return fn
	}
	return func() ([]byte, string, error) {
		c.background <- struct{}{}
		defer func() {
			<-c.background
			// Let the goroutines that queued up behind this call run
			// before the refresh makes its next one.
			runtime.Gosched()
		}()
		return fn()
	}
}

// startFlight starts the shared fetch fk; c.mu must be held. With a
// probe, the fetch asks it first and keeps prev (when given) if its
// version is current. A fetched answer equal to prev's is replaced by
// prev's (see sameAsBefore).
func startFlight[T any](ctx context.Context, c *cache, fk flightKey, now time.Time, prev *cacheEntry, probe func(context.Context) (string, error), fetch func(context.Context) (T, error)) *flight {
	f := &flight{done: make(chan struct{})}
	c.flights[fk] = f
	var p, before *cacheEntry
	if prev != nil {
		cp := *prev
		before = &cp
		if probe != nil && prev.version != "" {
			p = before
		}
	}
	get := func(fctx context.Context) (any, string, time.Duration, error) {
		version := ""
		if probe != nil {
			v, err := probe(fctx)
			if err != nil {
				return nil, "", 0, err
			}
			if p != nil && p.version == v {
				return p.val, v, p.took, nil
			}
			version = v
		}
		val, err := fetch(fctx)
		if err != nil {
			return nil, version, 0, err
		}
		return sameAsBefore(before, val), version, c.now().Sub(now), nil
	}
	go c.run(fk, f, now, get, context.WithoutCancel(ctx))
	return f
}

// sameAsBefore returns the answer before holds when it equals val, else
// val. A refresh that finds the cluster unchanged then hands out the very
// value it replaces, and everything kept for that value (the HTTP
// server's encoding of it, by identity) stays good: an unchanged answer
// of a read cached by age (the monitors, the configuration) is not
// encoded again each second by a request that the others queue behind.
// The comparison runs in the refresh, not in a request.
func sameAsBefore[T any](before *cacheEntry, val T) any {
	if before != nil {
		if old, ok := before.val.(T); ok && reflect.DeepEqual(old, val) {
			return old
		}
	}
	return val
}

// run performs one shared fetch under its own bounded context (parent
// keeps the values of the first caller's context, never its cancellation)
// and stores the answer when no write happened meanwhile.
func (c *cache) run(fk flightKey, f *flight, start time.Time, fetch func(context.Context) (any, string, time.Duration, error), parent context.Context) {
	ctx, cancel := context.WithTimeout(context.WithValue(context.WithValue(parent, inFetchKey{}, true),
		probeMemoKey{}, &probeMemo{m: map[string]*probeResult{}}), c.fetchTimeout)
	defer cancel()
	defer close(f.done)
	defer func() {
		// a panic in fetch must not leave waiters hanging
		if v := recover(); v != nil {
			f.val, f.err = nil, errorf(ceph.Internal, "cache", "fetch of %s panicked: %v", fk.key, v)
			c.mu.Lock()
			delete(c.flights, fk)
			c.mu.Unlock()
		}
	}()
	val, version, took, err := fetch(ctx)
	f.val, f.err = val, err
	c.mu.Lock()
	delete(c.flights, fk)
	if err == nil && c.gen == fk.gen {
		c.storeLocked(fk.key, cacheEntry{val: val, at: start, version: version, took: took})
	}
	c.mu.Unlock()
}
