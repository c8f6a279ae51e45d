package transporttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// NamePrefix starts the name of everything the suite creates, so that what a
// crashed run leaves behind on a real cluster is easy to find and remove.
const NamePrefix = "ctest-"

// uniqueName returns NamePrefix, the kind of object and a random suffix.
func uniqueName(kind string) string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return NamePrefix + kind + "-" + hex.EncodeToString(b[:])
}

// skipIfUnimplemented skips the test when err says the transport does not
// offer the call.
func skipIfUnimplemented(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ceph.ErrUnimplemented) {
		t.Skipf("not implemented by this transport: %v", err)
	}
}

// must fails the test now when err is not nil (and skips it when err is
// Unimplemented).
func must(t testing.TB, err error, format string, args ...any) {
	t.Helper()
	if err == nil {
		return
	}
	skipIfUnimplemented(t, err)
	t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
}

// wantErr checks that err has the code of want (errors.Is) and is an
// *ceph.Error with a component (errors.As). It reports with Errorf and
// returns whether err was right. An Unimplemented err skips the test.
func wantErr(t testing.TB, err error, want *ceph.Error, format string, args ...any) bool {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if err == nil {
		t.Errorf("%s: got no error, want %v", what, want.Code)
		return false
	}
	skipIfUnimplemented(t, err)
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v (code %v), want code %v", what, err, ceph.CodeOf(err), want.Code)
		return false
	}
	var ce *ceph.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: error %v is not a *ceph.Error", what, err)
		return false
	}
	if ce.Component == "" {
		t.Errorf("%s: error %v has no component", what, err)
		return false
	}
	return true
}

// cleanup registers f to run after the test with a fresh context (the
// test's own context is done by then). A NotFound error from f is ignored:
// the thing is already gone; so is Unimplemented: the thing was never made.
// Other errors are reported, because a transport that cannot undo what the
// test did leaves a real cluster changed.
func (e *env) cleanup(t testing.TB, what string, f func(ctx context.Context) error) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), e.o.CleanupTimeout)
		defer cancel()
		err := f(ctx)
		if err != nil && !errors.Is(err, ceph.ErrNotFound) && !errors.Is(err, ceph.ErrUnimplemented) {
			t.Errorf("cleanup: %s: %v", what, err)
		}
	})
}

// eventually polls cond until it reports done, for state that settles
// asynchronously on a real cluster. The wait is bounded by PollTimeout and
// ctx. An Unavailable error (a restarting manager) is retried; any other
// error ends the test. On timeout the test fails with the last state cond
// described.
func (e *env) eventually(ctx context.Context, t testing.TB, what string, cond func(ctx context.Context) (done bool, state string, err error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, e.o.PollTimeout)
	defer cancel()
	var last string
	for {
		done, state, err := cond(ctx)
		switch {
		case err == nil && done:
			return
		case err == nil:
			last = state
		case errors.Is(err, ceph.ErrUnavailable):
			last = "unavailable: " + err.Error()
		case ctx.Err() != nil:
			t.Fatalf("%s: gave up after %v; last state: %s", what, e.o.PollTimeout, last)
		default:
			must(t, err, "%s", what)
		}
		timer := time.NewTimer(e.o.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			t.Fatalf("%s: gave up after %v; last state: %s", what, e.o.PollTimeout, last)
		case <-timer.C:
		}
	}
}

// firstOSD returns the first OSD the cluster lists (skipping the test when
// there is none).
func firstOSD(ctx context.Context, t testing.TB, e *env) osd.OSD {
	t.Helper()
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	if len(osds) == 0 {
		t.Skip("the cluster has no OSD")
	}
	return osds[0]
}

// firstUpInOSD returns the first OSD that is up and in.
func firstUpInOSD(ctx context.Context, t testing.TB, e *env) osd.OSD {
	t.Helper()
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	for _, o := range osds {
		if o.Up == 1 && o.In == 1 {
			return o
		}
	}
	t.Skip("the cluster has no OSD that is up and in")
	return osd.OSD{}
}

// osdEntry reads one OSD's map entry.
func osdEntry(ctx context.Context, e *env, id int) (ceph.OSDMapEntry, error) {
	d, err := e.c.OSDs.Get(ctx, id)
	if err != nil {
		return ceph.OSDMapEntry{}, err
	}
	return d.OSDMap.OSDMapEntry, nil
}

// poolCreateOptions are small replicated pool settings that work on a
// single-OSD real cluster: 8 PGs, no autoscaler changing pg_num behind the
// test's back, size 2 / min_size 1 (no size-1 pool, which real Ceph only
// allows with mon_allow_pool_size_one).
func poolCreateOptions(apps ...string) *ceph.PoolCreateOptions {
	return &ceph.PoolCreateOptions{
		Type:            ceph.Replicated,
		PGNum:           8,
		Size:            2,
		MinSize:         1,
		PGAutoscaleMode: "off",
		Applications:    apps,
	}
}

// createPool creates a pool and registers its deletion.
func (e *env) createPool(ctx context.Context, t testing.TB, name string, opts *ceph.PoolCreateOptions) {
	t.Helper()
	err := e.c.Pools.Create(ctx, name, opts)
	if err == nil || !errors.Is(err, ceph.ErrUnimplemented) {
		// Register even on error: a transport may fail after creating.
		e.cleanup(t, "delete pool "+name, func(ctx context.Context) error {
			return e.c.Pools.Delete(ctx, name)
		})
	}
	must(t, err, "Pools.Create(%q)", name)
}

// healthHas reports whether the health report raises check.
func healthHas(ctx context.Context, e *env, check string) (bool, []string, error) {
	r, err := e.c.Health.Report(ctx)
	if err != nil {
		return false, nil, err
	}
	var types []string
	for _, c := range r.Checks {
		types = append(types, c.Type)
	}
	return slices.Contains(types, check), types, nil
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func validStatus(s ceph.HealthStatus) bool {
	return s == ceph.HealthOK || s == ceph.HealthWarn || s == ceph.HealthErr
}
