package transporttest

import (
	"context"
	"slices"
	"sync"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// These self-tests prove that the suite can fail: they run checks against
// small fakes, once behaving as Ceph does and once broken, with a recording
// testing.TB. They do not depend on any transport.

// fakeOSDs is one up OSD; Mark honours in/out unless ignoreMark is set, and
// marking it lost fails Busy unless allowLost is set.
type fakeOSDs struct {
	mu         sync.Mutex
	in         int
	ignoreMark bool
	allowLost  bool
}

func (f *fakeOSDs) entry() ceph.OSDMapEntry {
	return ceph.OSDMapEntry{OSD: 0, Up: 1, In: f.in, Weight: 1, State: []string{"exists", "up"}}
}

func (f *fakeOSDs) List(ctx context.Context) ([]osd.OSD, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return []osd.OSD{{
		OSDMapEntry: f.entry(),
		ID:          0,
		Tree:        osd.TreeNode{ID: 0, Name: "osd.0", Type: "osd"},
		Host:        osd.TreeNode{ID: -2, Name: "dev", Type: "host", Children: []int{0}},
	}}, nil
}

func (f *fakeOSDs) Get(ctx context.Context, id int) (*osd.Details, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != 0 {
		return nil, ceph.Errorf(ceph.NotFound, "osd", "osd.%d does not exist", id)
	}
	return &osd.Details{OSDMap: osd.OSDMapEntryWithID{OSDMapEntry: f.entry(), ID: 0}}, nil
}

func (f *fakeOSDs) Mark(ctx context.Context, ids []int, a osd.MarkAction) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if id != 0 {
			return ceph.Errorf(ceph.NotFound, "osd", "osd.%d does not exist", id)
		}
	}
	switch {
	case a == osd.Lost && !f.allowLost:
		return ceph.Errorf(ceph.Busy, "osd", "osd.0 is not down")
	case f.ignoreMark:
	case a == osd.In:
		f.in = 1
	case a == osd.Out:
		f.in = 0
	}
	return nil
}

func (f *fakeOSDs) Tree(ctx context.Context) (*osd.Tree, error) {
	return nil, ceph.UnimplementedError("osd", "tree")
}
func (f *fakeOSDs) Reweight(ctx context.Context, id int, w float64) error {
	return ceph.UnimplementedError("osd", "reweight")
}
func (f *fakeOSDs) Scrub(ctx context.Context, id int, deep bool) error {
	return ceph.UnimplementedError("osd", "scrub")
}
func (f *fakeOSDs) SetDeviceClass(ctx context.Context, id int, class string) error {
	return ceph.UnimplementedError("osd", "device class")
}
func (f *fakeOSDs) Devices(ctx context.Context, id int) ([]osd.Device, error) {
	return nil, ceph.UnimplementedError("osd", "devices")
}
func (f *fakeOSDs) Histogram(ctx context.Context, id int) (*osd.Histogram, error) {
	return nil, ceph.UnimplementedError("osd", "histogram")
}
func (f *fakeOSDs) Settings(ctx context.Context) (*osd.Settings, error) {
	return nil, ceph.UnimplementedError("osd", "settings")
}

// fakeFlags keeps the cluster flags; with sticky set, Set answers as if it
// worked but changes nothing.
type fakeFlags struct {
	mu     sync.Mutex
	flags  []string
	sticky bool
}

func (f *fakeFlags) List(ctx context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.flags), nil
}

func (f *fakeFlags) Set(ctx context.Context, flags []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.sticky {
		f.flags = slices.Clone(flags)
	}
	return slices.Clone(flags), nil
}

func (f *fakeFlags) Individual(ctx context.Context) ([]osd.IndividualFlagState, error) {
	return nil, ceph.UnimplementedError("osd", "individual flags")
}

func (f *fakeFlags) SetIndividual(ctx context.Context, ids []int, flags map[string]bool) (*osd.IndividualFlagsResult, error) {
	return nil, ceph.UnimplementedError("osd", "individual flags")
}

// fakePools has no pool; a missing pool is NotFound, or Internal when
// wrongCode is set.
type fakePools struct{ wrongCode bool }

func (f fakePools) missing(name string) error {
	if f.wrongCode {
		return ceph.Errorf(ceph.Internal, "pool", "lookup of %s failed", name)
	}
	return ceph.Errorf(ceph.NotFound, "pool", "pool %s does not exist", name)
}

func (f fakePools) List(ctx context.Context, opts *ceph.PoolListOptions) ([]ceph.Pool, error) {
	return nil, nil
}
func (f fakePools) Get(ctx context.Context, name string, opts *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return nil, f.missing(name)
}
func (f fakePools) Create(ctx context.Context, name string, opts *ceph.PoolCreateOptions) error {
	return ceph.UnimplementedError("pool", "create")
}
func (f fakePools) Update(ctx context.Context, name string, opts *ceph.PoolUpdateOptions) error {
	return f.missing(name)
}
func (f fakePools) Delete(ctx context.Context, name string) error { return f.missing(name) }
func (f fakePools) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	return nil, f.missing(name)
}

// fakeHealth reports one WARN check; with lie set it says HEALTH_OK anyway.
type fakeHealth struct{ lie bool }

func (f fakeHealth) Report(ctx context.Context) (*ceph.HealthReport, error) {
	r := &ceph.HealthReport{Status: ceph.HealthWarn, Checks: []ceph.HealthCheck{{
		Type: "OSDMAP_FLAGS", Severity: ceph.HealthWarn,
		Summary: ceph.HealthCheckSummary{Message: "noout flag(s) set", Count: 1},
	}}}
	if f.lie {
		r.Status = ceph.HealthOK
	}
	return r, nil
}
func (f fakeHealth) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	return nil, ceph.UnimplementedError("health", "minimal")
}
func (f fakeHealth) Full(ctx context.Context) (*ceph.HealthFull, error) {
	return nil, ceph.UnimplementedError("health", "full")
}
func (f fakeHealth) Summary(ctx context.Context) (*ceph.Summary, error) {
	return nil, ceph.UnimplementedError("health", "summary")
}

func TestSuiteCanFail(t *testing.T) {
	sortedFlags := []string{"pglog_hardlimit", "purged_snapdirs", "recovery_deletes", "sortbitwise"}
	tests := []struct {
		check   string
		good    *cephapi.Client
		broken  *cephapi.Client
		skipped bool // the good client's run ends in a skip (a later call is unimplemented)
	}{
		{
			check:  "OSDs/MarkOutIn",
			good:   cephapi.New(&cephapi.Client{OSDs: &fakeOSDs{in: 1}}),
			broken: cephapi.New(&cephapi.Client{OSDs: &fakeOSDs{in: 1, ignoreMark: true}}),
		},
		{
			check:  "OSDs/MarkLostUpFails",
			good:   cephapi.New(&cephapi.Client{OSDs: &fakeOSDs{in: 1}}),
			broken: cephapi.New(&cephapi.Client{OSDs: &fakeOSDs{in: 1, allowLost: true}}),
		},
		{
			check:  "Pools/GetMissing",
			good:   cephapi.New(&cephapi.Client{Pools: fakePools{}}),
			broken: cephapi.New(&cephapi.Client{Pools: fakePools{wrongCode: true}}),
		},
		{
			check:  "Pools/DeleteMissing",
			good:   cephapi.New(&cephapi.Client{Pools: fakePools{}}),
			broken: cephapi.New(&cephapi.Client{Pools: fakePools{wrongCode: true}}),
		},
		{
			check:  "Health/Report",
			good:   cephapi.New(&cephapi.Client{Health: fakeHealth{}}),
			broken: cephapi.New(&cephapi.Client{Health: fakeHealth{lie: true}}),
		},
		{
			// The good run reaches the OSDMAP_FLAGS health check, which the
			// fake does not implement, so it ends skipped.
			check:   "OSDFlags/SetAndRestore",
			good:    cephapi.New(&cephapi.Client{OSDFlags: &fakeFlags{flags: sortedFlags}}),
			broken:  cephapi.New(&cephapi.Client{OSDFlags: &fakeFlags{flags: sortedFlags, sticky: true}}),
			skipped: true,
		},
		{
			check:  "OSDFlags/List",
			good:   cephapi.New(&cephapi.Client{OSDFlags: &fakeFlags{flags: sortedFlags}}),
			broken: cephapi.New(&cephapi.Client{OSDFlags: &fakeFlags{flags: []string{"sortbitwise", "noout"}}}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.check, func(t *testing.T) {
			fn := findCheck(t, tt.check)
			if r := runRecorded(t, tt.check, fn, tt.good); r.Failed() || r.Skipped() != tt.skipped {
				t.Errorf("against a correct fake: %v; want failed=false skipped=%v", r, tt.skipped)
			}
			if r := runRecorded(t, tt.check, fn, tt.broken); !r.Failed() {
				t.Errorf("against a broken fake the check did not fail: %v", r)
			}
		})
	}
}

// TestNothingImplementedSkips runs every check against a client whose every
// service is Unimplemented: nothing may fail, and everything that needs a
// service is skipped.
func TestNothingImplementedSkips(t *testing.T) {
	c := cephapi.New(nil)
	for _, a := range areas {
		for _, ch := range a.checks {
			name := a.name + "/" + ch.name
			r := runRecorded(t, name, ch.fn, c)
			if r.Failed() {
				t.Errorf("%s failed against an unimplemented transport: %v", name, r)
			}
			if !r.Skipped() && name != "Errors/CanceledContext" {
				t.Errorf("%s passed against an unimplemented transport: %v", name, r)
			}
		}
	}
}

func TestCheckNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range areas {
		if len(a.checks) == 0 {
			t.Errorf("area %s has no checks", a.name)
		}
		for _, c := range a.checks {
			n := a.name + "/" + c.name
			if seen[n] {
				t.Errorf("check %s is listed twice", n)
			}
			seen[n] = true
		}
	}
}
