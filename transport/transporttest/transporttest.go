package transporttest

import (
	"context"
	"testing"
	"time"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/rgw"
)

// Harness gives the suite clients of one transport. RunConformanceTests
// makes a new Harness for every test (through the function the transport
// passes in), asks it for one client, and closes it when the test and its
// cleanups are done.
type Harness interface {
	// MakeClient returns a client connected to the cluster under test. It
	// may be called at most once per Harness.
	MakeClient(ctx context.Context, t *testing.T) (*cephapi.Client, error)
	// Close releases what the harness holds (the client, a server, a
	// connection). It is called once, after the test's cleanups.
	Close()
}

// ObjectStore is implemented by a Harness that can store objects in its
// own cluster's buckets (a memory cluster's Fake); the RGW checks that
// need objects use it before Options.PutObject.
type ObjectStore interface {
	PutObject(ctx context.Context, creds rgw.Key, bucket, key string, body []byte) error
}

// HarnessMaker makes a Harness for one test.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// Options tune the suite for a transport. The zero value is fine for the
// memory transport; a real cluster may want longer timeouts.
type Options struct {
	// PollTimeout bounds each wait for something that settles
	// asynchronously on a real cluster (a pool showing in a list, a health
	// check being raised, a manager module restarting). Default 60s.
	PollTimeout time.Duration
	// PollInterval is the pause between two polls. Default 200ms.
	PollInterval time.Duration
	// TestTimeout bounds one test, its cleanups excluded. Default 3m.
	TestTimeout time.Duration
	// CleanupTimeout bounds each cleanup step. Default 1m.
	CleanupTimeout time.Duration
	// NoReadYourWrites leaves out the ReadYourWrites area, for a client
	// of a server that answers reads from copies trailing its own writes
	// (the real dashboard reads its manager's maps, which the monitors
	// update after a write has returned).
	NoReadYourWrites bool
	// PutObject, when set, stores an object of body under key in bucket
	// through the gateway, as the user of creds (an S3 key of the bucket's
	// owner), for the RGW checks that need objects; they are skipped
	// without it or a Harness that is an ObjectStore.
	PutObject ObjectPutter
	// StaleRGWUserStats leaves out the check that a user's statistics
	// count the objects just put, for the real dashboard: 16.2.15 asks the
	// gateway for `?stats` without `sync`, so they trail by the gateway's
	// user-stats sync interval (minutes).
	StaleRGWUserStats bool
}

// ObjectPutter puts an object into an RGW bucket (an S3 PUT).
type ObjectPutter func(ctx context.Context, t testing.TB, creds rgw.Key, bucket, key string, body []byte) error

// WithObjectPutter sets Options.PutObject.
func WithObjectPutter(put ObjectPutter) Option { return func(o *Options) { o.PutObject = put } }

// WithStaleRGWUserStats sets Options.StaleRGWUserStats.
func WithStaleRGWUserStats() Option { return func(o *Options) { o.StaleRGWUserStats = true } }

// Option changes Options.
type Option func(*Options)

// WithPollTimeout sets Options.PollTimeout.
func WithPollTimeout(d time.Duration) Option { return func(o *Options) { o.PollTimeout = d } }

// WithPollInterval sets Options.PollInterval.
func WithPollInterval(d time.Duration) Option { return func(o *Options) { o.PollInterval = d } }

// WithoutReadYourWrites sets Options.NoReadYourWrites.
func WithoutReadYourWrites() Option { return func(o *Options) { o.NoReadYourWrites = true } }

// WithTestTimeout sets Options.TestTimeout.
func WithTestTimeout(d time.Duration) Option { return func(o *Options) { o.TestTimeout = d } }

func (o *Options) defaults() {
	if o.PollTimeout <= 0 {
		o.PollTimeout = 60 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.TestTimeout <= 0 {
		o.TestTimeout = 3 * time.Minute
	}
	if o.CleanupTimeout <= 0 {
		o.CleanupTimeout = time.Minute
	}
}

// RunConformanceTests runs every behaviour of the core slice against the
// transport newHarness builds, each as a subtest named Area/Behaviour (for
// example "Pools/Rename"), so one area can be run with
// -run 'Conformance/Pools'. A behaviour whose call returns Unimplemented is
// skipped, never failed.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker, opts ...Option) {
	t.Helper()
	var o Options
	for _, f := range opts {
		f(&o)
	}
	o.defaults()
	for _, a := range areas {
		if a.name == "ReadYourWrites" && o.NoReadYourWrites {
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			for _, c := range a.checks {
				t.Run(c.name, func(t *testing.T) {
					runOne(t, newHarness, &o, c.fn)
				})
			}
		})
	}
}

func runOne(t *testing.T, newHarness HarnessMaker, o *Options, fn checkFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), o.TestTimeout)
	defer cancel()
	h, err := newHarness(ctx, t)
	if err != nil {
		t.Fatalf("making the harness: %v", err)
	}
	// Registered first, so it runs after every cleanup the check registers.
	t.Cleanup(h.Close)
	c, err := h.MakeClient(ctx, t)
	if err != nil {
		t.Fatalf("making the client: %v", err)
	}
	if c == nil {
		t.Fatal("MakeClient returned a nil client and no error")
	}
	e := &env{c: c, o: o, put: o.PutObject}
	if st, ok := h.(ObjectStore); ok {
		e.put = func(ctx context.Context, _ testing.TB, creds rgw.Key, bucket, key string, body []byte) error {
			return st.PutObject(ctx, creds, bucket, key, body)
		}
	}
	fn(ctx, t, e)
}

// env is what a check gets besides ctx and t: the client and the options.
type env struct {
	c *cephapi.Client
	o *Options
	// put stores an object (the harness's ObjectStore, else
	// o.PutObject); nil when neither can.
	put ObjectPutter
}

// A checkFunc is one behaviour. It takes testing.TB, not *testing.T, so the
// suite's self-test can run it with a recorder and prove it can fail.
type checkFunc func(ctx context.Context, t testing.TB, e *env)

type check struct {
	name string
	fn   checkFunc
}

type area struct {
	name   string
	checks []check
}

// areas is the whole suite, in the order it runs.
var areas = []area{
	{"Errors", errorChecks},
	{"Health", healthChecks},
	{"Monitors", monitorChecks},
	{"Pools", poolChecks},
	{"CrushRules", crushChecks},
	{"ErasureCodeProfiles", ecpChecks},
	{"ClusterConfig", configChecks},
	{"MgrModules", mgrChecks},
	{"Logs", logChecks},
	{"PerfCounters", perfChecks},
	{"Hosts", hostChecks},
	{"OSDs", osdChecks},
	{"OSDFlags", flagChecks},
	{"OSDLifecycle", lifecycleChecks},
	{"RBDImages", rbdChecks},
	{"RBDTrash", rbdTrashChecks},
	{"RBDNamespaces", rbdNamespaceChecks},
	{"RBDMirroring", rbdMirrorChecks},
	{"CephFS", cephfsChecks},
	{"RGW", rgwChecks},
	{"Commands", commandChecks},
	{"ReadYourWrites", readYourWritesChecks},
}
