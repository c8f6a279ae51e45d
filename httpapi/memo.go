package httpapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
)

// Reads that a transport answers from a cache (the rados transport's hot
// reads) hand out the same value, by pointer, to every caller until the
// cache refreshes. Encoding that value is most of the CPU of such a
// request, so the server keeps the encoding of the last few answers of a
// route and writes it again while the transport returns the same value.
//
// This is safe because a value returned by a service is a read-only
// snapshot (see package ceph): neither the transport nor any caller changes
// it after it was returned. A transport that builds a new value per call
// (memory, rest) never hits: it pays an identity check and the storing of
// its latest encoding (a small list per route, replaced on each request).

// memoized is a handler result whose JSON depends only on src, which the
// transport may return again, and on variant (for example which sections
// the caller may see). view builds the value to encode; nil encodes src.
type memoized struct {
	src     any
	variant uint64
	view    func() any
}

// identity names a value by its address (and length, for a slice).
type identity struct {
	ptr uintptr
	n   int
}

// identify returns the identity of a non-nil pointer, non-empty slice or
// non-empty map (a map by its header and length: like every value a
// service returns, a cached map is never changed in place). Other values
// have none and are not memoized: values of zero size (empty slices,
// pointers to empty structs), which may all share one address.
func identify(v any) (identity, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		if rv.Len() > 0 {
			return identity{rv.Pointer(), rv.Len()}, true
		}
	case reflect.Pointer:
		if !rv.IsNil() && rv.Type().Elem().Size() > 0 {
			return identity{rv.Pointer(), -1}, true
		}
	case reflect.Slice:
		if rv.Len() > 0 && rv.Type().Elem().Size() > 0 {
			return identity{rv.Pointer(), rv.Len()}, true
		}
	}
	return identity{}, false
}

// memoEntry is one remembered encoding. It holds src, so that its address
// cannot be reused by another value while the entry exists.
type memoEntry struct {
	src     any
	id      identity
	variant uint64
	body    []byte
}

// maxMemoEntries bounds the encodings a route keeps (one per variant of the
// current value: callers with different permissions see different views).
const maxMemoEntries = 8

// memo is the per-route store. Readers load the entry list without a lock;
// a writer replaces it whole (a lost race only costs one re-encoding).
type memo struct {
	entries atomic.Pointer[[]memoEntry]

	// elems is the element encodings of the latest list answered in
	// parts (memoizedPick).
	elems atomic.Pointer[elemMemo]

	// pending collapses concurrent encodings of one value: when a
	// transport hands out a new big answer (the 17 MB OSD list of a
	// 10,000-OSD map), every request that arrives before the first
	// encoding is stored would otherwise encode it too, each holding a
	// copy.
	mu      sync.Mutex
	pending map[memoKey]*pendingEncode
}

type memoKey struct {
	id      identity
	variant uint64
}

type pendingEncode struct {
	done chan struct{}
	body []byte
	err  error
}

// encode returns the JSON of m, from the store when src and variant match an
// entry, else encoded now and stored in place of the entries of older values.
func (mm *memo) encode(m *memoized) ([]byte, error) {
	id, ok := identify(m.src)
	if ok {
		if list := mm.entries.Load(); list != nil {
			for _, e := range *list {
				if e.id == id && e.variant == m.variant {
					return e.body, nil
				}
			}
		}
	}
	if !ok {
		return marshalView(m)
	}
	k := memoKey{id, m.variant}
	mm.mu.Lock()
	if p := mm.pending[k]; p != nil {
		mm.mu.Unlock()
		<-p.done
		return p.body, p.err
	}
	if mm.pending == nil {
		mm.pending = map[memoKey]*pendingEncode{}
	}
	p := &pendingEncode{done: make(chan struct{})}
	mm.pending[k] = p
	mm.mu.Unlock()
	defer func() {
		mm.mu.Lock()
		delete(mm.pending, k)
		mm.mu.Unlock()
		close(p.done)
	}()
	// a panic in the encoding (caught by the server) must not hand the
	// waiters an empty body
	p.err = errors.New("the encoding of the answer failed")
	p.body, p.err = marshalView(m)
	if p.err != nil {
		return nil, p.err
	}
	mm.store(m, id, p.body)
	return p.body, nil
}

// marshalView encodes m's view (or its source).
func marshalView(m *memoized) ([]byte, error) {
	v := m.src
	if m.view != nil {
		v = m.view()
	}
	return json.Marshal(v)
}

// store puts body in place of the entries of older values.
func (mm *memo) store(m *memoized, id identity, body []byte) {
	next := []memoEntry{{src: m.src, id: id, variant: m.variant, body: body}}
	if list := mm.entries.Load(); list != nil {
		for _, e := range *list {
			if e.id == id && len(next) < maxMemoEntries {
				next = append(next, e)
			}
		}
	}
	mm.entries.Store(&next)
}

// memoizedPick is an answer made of some elements of a list the transport
// may return again (a page of the cached OSD list of a big map): the
// route keeps each element's encoding with the list, so a page costs
// copying the elements' bytes, not encoding them. The answer is the JSON
// array of src's elements at pick, in that order, byte for byte what
// json.Marshal gives for that array.
type memoizedPick struct {
	src  any // a slice
	pick []int
}

// elemMemo is the element encodings of one list: enc[i] is element i's
// JSON once someone asked for it.
type elemMemo struct {
	src any // held, so that its address is not reused while the entry exists
	id  identity
	enc []atomic.Pointer[[]byte]
}

// encodePick returns the JSON of m.
func (mm *memo) encodePick(m *memoizedPick) ([]byte, error) {
	rv := reflect.ValueOf(m.src)
	id, ok := identify(m.src)
	if !ok || rv.Kind() != reflect.Slice {
		picked := make([]any, len(m.pick))
		for j, i := range m.pick {
			picked[j] = rv.Index(i).Interface()
		}
		return json.Marshal(picked)
	}
	em := mm.elems.Load()
	if em == nil || em.id != id {
		em = &elemMemo{src: m.src, id: id, enc: make([]atomic.Pointer[[]byte], rv.Len())}
		// a lost race costs the other list's encodings, not correctness
		mm.elems.Store(em)
	}
	parts := make([][]byte, len(m.pick))
	size := 2 + len(m.pick)
	for j, i := range m.pick {
		p := em.enc[i].Load()
		if p == nil {
			b, err := json.Marshal(rv.Index(i).Addr().Interface())
			if err != nil {
				return nil, err
			}
			p = &b
			em.enc[i].Store(p)
		}
		parts[j] = *p
		size += len(*p)
	}
	out := make([]byte, 0, size)
	out = append(out, '[')
	for j, p := range parts {
		if j > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	return append(out, ']'), nil
}
