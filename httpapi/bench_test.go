package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/transport/memory"
)

// benchClient is the client the benchmarks serve: the memory transport's
// demo cluster.
func benchClient() *cephapi.Client { return memory.New() }

func benchServe(b *testing.B, h http.Handler, path, token string) {
	b.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Accept", v1)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body)
	}
	body := w.Body.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r.Clone(r.Context()))
			if w.Code != 200 {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
}

// BenchmarkHealthMinimal is an authenticated GET /api/health/minimal
// through the whole stack (request id, log, recovery, mux, JWT check, RBAC,
// version, handler, health filtering, JSON).
func BenchmarkHealthMinimal(b *testing.B) {
	f := newFixtureWith(b, benchClient(), nil)
	benchServe(b, f.srv, "/api/health/minimal", f.admin)
}

// BenchmarkOSDList is an authenticated GET /api/osd through the whole stack.
func BenchmarkOSDList(b *testing.B) {
	f := newFixtureWith(b, benchClient(), nil)
	benchServe(b, f.srv, "/api/osd", f.admin)
}

// BenchmarkBareHandler writes the same bytes as GET /api/health/minimal
// from a plain handler, for comparison.
func BenchmarkBareHandler(b *testing.B) {
	f := newFixtureWith(b, benchClient(), nil)
	w := f.do(req{method: "GET", path: "/api/health/minimal", token: f.admin})
	body := w.Body.Bytes()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", v1)
		_, _ = w.Write(body)
	})
	benchServe(b, h, "/api/health/minimal", "")
}

var _ ceph.Health = fakeHealth{}

// sameHealth and sameOSDs answer with one value, as a transport serving
// from its cache does (the rados transport's hot reads).
type sameHealth struct {
	ceph.Health
	min *ceph.HealthMinimal
}

func (h sameHealth) Minimal(context.Context) (*ceph.HealthMinimal, error) { return h.min, nil }

type sameOSDs struct {
	osd.OSDs
	list []osd.OSD
}

func (o sameOSDs) List(context.Context) ([]osd.OSD, error) { return o.list, nil }

// cachedClient is the demo cluster behind a cache that never expires.
func cachedClient(b testing.TB) *cephapi.Client {
	c := benchClient()
	ctx := context.Background()
	min, err := c.Health.Minimal(ctx)
	if err != nil {
		b.Fatal(err)
	}
	c.Health = sameHealth{c.Health, min}
	return withCachedOSDs(b, c)
}

// BenchmarkHealthMinimalCached is GET /api/health/minimal when the
// transport answers from its cache: the server writes the encoding it made
// for the first request again.
func BenchmarkHealthMinimalCached(b *testing.B) {
	f := newFixtureWith(b, cachedClient(b), nil)
	benchServe(b, f.srv, "/api/health/minimal", f.admin)
}

// BenchmarkOSDListCached is GET /api/osd when the transport answers from
// its cache.
func BenchmarkOSDListCached(b *testing.B) {
	f := newFixtureWith(b, cachedClient(b), nil)
	benchServe(b, f.srv, "/api/osd", f.admin)
}

// bigCachedClient is a generated 10,000-OSD cluster (500 hosts of 20)
// whose OSD list comes from a cache that never expires.
func bigCachedClient(b testing.TB) *cephapi.Client {
	return withCachedOSDs(b, memory.New(memory.WithGenerated(500, 20, 8)))
}

// withCachedOSDs answers c's OSD list with one value, as a caching
// transport does.
func withCachedOSDs(b testing.TB, c *cephapi.Client) *cephapi.Client {
	list, err := c.OSDs.List(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	c.OSDs = sameOSDs{c.OSDs, list}
	return c
}

// BenchmarkOSDPageBig is GET /api/osd?offset=0&limit=100 on a 10,000-OSD
// map when the transport answers from its cache.
func BenchmarkOSDPageBig(b *testing.B) {
	f := newFixtureWith(b, bigCachedClient(b), nil)
	benchServe(b, f.srv, "/api/osd?offset=0&limit=100", f.admin)
}

// BenchmarkOSDPageBigSorted is a page of 100 sorted by host name.
func BenchmarkOSDPageBigSorted(b *testing.B) {
	f := newFixtureWith(b, bigCachedClient(b), nil)
	benchServe(b, f.srv, "/api/osd?offset=200&limit=100&sort=-host.name", f.admin)
}

// BenchmarkOSDListBigCached is the full list of the 10,000-OSD map.
func BenchmarkOSDListBigCached(b *testing.B) {
	f := newFixtureWith(b, bigCachedClient(b), nil)
	benchServe(b, f.srv, "/api/osd", f.admin)
}

// TestOSDPageBytes checks that a page built from kept element encodings is
// what encoding the page gives, for several pages of one cached list.
func TestOSDPageBytes(t *testing.T) {
	c := withCachedOSDs(t, memory.New(memory.WithGenerated(10, 5, 2)))
	list := c.OSDs.(sameOSDs).list
	f := newFixtureWith(t, c, nil)
	for _, q := range []string{"offset=0&limit=10", "offset=0&limit=10", "offset=45&limit=10", "limit=3&sort=-host.name",
		"search=host0003&sort=osd_stats.kb_used", "offset=100", "sort=-id&limit=2"} {
		w := f.do(req{method: "GET", path: "/api/osd?" + q, token: f.admin})
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
		vals, _ := url.ParseQuery(q)
		opts := &osd.ListOptions{Search: vals.Get("search"), Sort: vals.Get("sort")}
		opts.Offset, _ = strconv.Atoi(vals.Get("offset"))
		opts.Limit, _ = strconv.Atoi(vals.Get("limit"))
		page, total := opts.Page(list)
		if total == 0 {
			t.Fatalf("%s: no OSD matched", q)
		}
		want, _ := json.Marshal(page)
		if w.Body.String() != string(want) || w.Header().Get("X-Total-Count") != strconv.Itoa(total) {
			t.Errorf("%s: got %d bytes (total %s), want %d bytes (total %d)", q, w.Body.Len(), w.Header().Get("X-Total-Count"), len(want), total)
		}
	}
}
