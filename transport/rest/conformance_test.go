package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/internal/s3put"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
	"github.com/cephapi/cephapi/transport/transporttest"
)

const (
	testUser     = "admin"
	testPassword = "s3cret-Pa55"
)

func accounts(t testing.TB) auth.Store {
	t.Helper()
	a, err := auth.NewMemoryStore(testUser, testPassword, auth.WithBcryptCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// loopServer serves httpapi over a fresh memory cluster, under prefix
// ("" for none), and returns the base URL a client uses.
func loopServer(t testing.TB, prefix string, opts ...httpapi.Option) (string, *httptest.Server) {
	t.Helper()
	base, ts, _ := loopCluster(t, prefix, opts...)
	return base, ts
}

// loopCluster is loopServer that also returns the memory cluster's Fake.
func loopCluster(t testing.TB, prefix string, opts ...httpapi.Option) (string, *httptest.Server, *memory.Fake) {
	t.Helper()
	mem, fake := memory.NewFake(memory.WithFileSystem("cephfs"), memory.WithGateway("x"))
	srv := httpapi.New(mem, append([]httpapi.Option{httpapi.WithAccounts(accounts(t))}, opts...)...)
	var h http.Handler = srv
	if prefix != "" {
		mux := http.NewServeMux()
		mux.Handle(prefix+"/", http.StripPrefix(prefix, srv))
		h = mux
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); mem.Close() })
	return ts.URL + prefix, ts, fake
}

// harness is a REST client of a server on a memory cluster, whose Fake
// stores the objects of the RGW checks (the REST API has no S3 side).
type harness struct {
	c    *cephapi.Client
	fake *memory.Fake
}

func (h *harness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) { return h.c, nil }
func (h *harness) Close()                                                          { h.c.Close() }
func (h *harness) PutObject(_ context.Context, _ rgw.Key, bucket, key string, body []byte) error {
	return h.fake.PutObject(bucket, key, int64(len(body)))
}

func loopHarness(prefix string, opts ...httpapi.Option) transporttest.HarnessMaker {
	return func(ctx context.Context, t *testing.T) (transporttest.Harness, error) {
		base, _, fake := loopCluster(t, prefix, opts...)
		c, err := rest.New(base, rest.WithCredentials(testUser, testPassword), rest.WithTaskPollInterval(10*time.Millisecond))
		if err != nil {
			return nil, err
		}
		return &harness{c: c, fake: fake}, nil
	}
}

// TestConformance runs the shared suite over the full loop: the memory
// model, served by httpapi, called through this REST client; once at the
// root, once under a URL prefix (relative paths), and once with every task
// answering 202 (task polling).
func TestConformance(t *testing.T) {
	t.Run("root", func(t *testing.T) {
		transporttest.RunConformanceTests(t, loopHarness(""))
	})
	t.Run("prefix", func(t *testing.T) {
		transporttest.RunConformanceTests(t, loopHarness("/ceph/dashboard"))
	})
	t.Run("tasks202", func(t *testing.T) {
		transporttest.RunConformanceTests(t, loopHarness("", httpapi.WithTaskWait(0)))
	})
}

type sharedHarness struct{ c *cephapi.Client }

func (h sharedHarness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) {
	return h.c, nil
}
func (sharedHarness) Close() {}

// TestDashboardConformance runs the suite against a real ceph-mgr
// dashboard named by CEPH_DASHBOARD_URL, CEPH_DASHBOARD_USER and
// CEPH_DASHBOARD_PASSWORD (skipped without them). The project's
// scripts/ceph-dev-cluster starts one and writes these to its env.sh.
func TestDashboardConformance(t *testing.T) {
	c := dashboardClient(t)
	opts := []transporttest.Option{transporttest.WithPollTimeout(90 * time.Second), transporttest.WithTestTimeout(5 * time.Minute),
		transporttest.WithoutReadYourWrites(), transporttest.WithStaleRGWUserStats()}
	if gw := os.Getenv("CEPH_RGW_URL"); gw != "" {
		// The cluster's radosgw, for the S3 PUTs of the RGW usage case.
		opts = append(opts, transporttest.WithObjectPutter(func(ctx context.Context, _ testing.TB, k rgw.Key, bucket, key string, body []byte) error {
			return s3put.Put(ctx, nil, gw, bucket, key, body, k.AccessKey, k.SecretKey)
		}))
	}
	transporttest.RunConformanceTests(t, func(context.Context, *testing.T) (transporttest.Harness, error) {
		return sharedHarness{c}, nil
	}, opts...)
}

func dashboardClient(t *testing.T) *cephapi.Client {
	t.Helper()
	u, user, pw := os.Getenv("CEPH_DASHBOARD_URL"), os.Getenv("CEPH_DASHBOARD_USER"), os.Getenv("CEPH_DASHBOARD_PASSWORD")
	if u == "" || user == "" || pw == "" {
		t.Skip("CEPH_DASHBOARD_URL, CEPH_DASHBOARD_USER and CEPH_DASHBOARD_PASSWORD are not set")
	}
	opts := []rest.Option{rest.WithCredentials(user, pw), rest.WithTaskPollInterval(200 * time.Millisecond)}
	if ca := os.Getenv("CEPH_DASHBOARD_CA_FILE"); ca != "" {
		opts = append(opts, rest.WithCACertFile(ca))
	} else if os.Getenv("CEPH_DASHBOARD_INSECURE") == "1" {
		opts = append(opts, rest.WithInsecureSkipVerify())
	}
	c, err := rest.New(u, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
