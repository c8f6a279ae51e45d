package transporttest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
)

var errorChecks = []check{
	{"EmptyNames", checkEmptyNames},
	{"NegativePGNum", checkNegativePGNum},
	{"UnknownOSD", checkUnknownOSD},
	{"UnknownFlag", checkUnknownFlag},
	{"BadMarkAction", checkBadMarkAction},
	{"NotFoundShape", checkNotFoundShape},
	{"CanceledContext", checkCanceledContext},
}

// namedCall is one call whose error a table test checks.
type namedCall struct {
	name string
	call func(ctx context.Context) error
}

// wantAll checks each call's error against want. A call that returns
// Unimplemented is left out; when every call is, the test is skipped.
func wantAll(ctx context.Context, t testing.TB, calls []namedCall, want *ceph.Error) {
	t.Helper()
	ran := 0
	for _, c := range calls {
		err := c.call(ctx)
		if errors.Is(err, ceph.ErrUnimplemented) {
			t.Logf("%s: not implemented, left out", c.name)
			continue
		}
		ran++
		wantErr(t, err, want, "%s", c.name)
	}
	if ran == 0 {
		t.Skip("no call of this test is implemented")
	}
}

func checkEmptyNames(ctx context.Context, t testing.TB, e *env) {
	c := e.c
	wantAll(ctx, t, []namedCall{
		{"Pools.Get(\"\")", func(ctx context.Context) error { _, err := c.Pools.Get(ctx, "", nil); return err }},
		{"Pools.Create(\"\")", func(ctx context.Context) error { return c.Pools.Create(ctx, "", poolCreateOptions()) }},
		{"Pools.Update(\"\")", func(ctx context.Context) error { return c.Pools.Update(ctx, "", nil) }},
		{"Pools.Delete(\"\")", func(ctx context.Context) error { return c.Pools.Delete(ctx, "") }},
		{"Pools.Update(rename to \"\")", func(ctx context.Context) error {
			empty := ""
			return c.Pools.Update(ctx, uniqueName("pool"), &ceph.PoolUpdateOptions{NewName: &empty})
		}},
		{"CrushRules.Get(\"\")", func(ctx context.Context) error { _, err := c.CrushRules.Get(ctx, ""); return err }},
		{"CrushRules.Delete(\"\")", func(ctx context.Context) error { return c.CrushRules.Delete(ctx, "") }},
		{"ErasureCodeProfiles.Get(\"\")", func(ctx context.Context) error { _, err := c.ErasureCodeProfiles.Get(ctx, ""); return err }},
		{"ErasureCodeProfiles.Delete(\"\")", func(ctx context.Context) error { return c.ErasureCodeProfiles.Delete(ctx, "") }},
		{"Config.Get(\"\")", func(ctx context.Context) error { _, err := c.Config.Get(ctx, ""); return err }},
		{"MgrModules.Get(\"\")", func(ctx context.Context) error { _, err := c.MgrModules.Get(ctx, ""); return err }},
		{"MgrModules.Enable(\"\")", func(ctx context.Context) error { return c.MgrModules.Enable(ctx, "") }},
		{"PerfCounters.Daemon(mon, \"\")", func(ctx context.Context) error { _, err := c.PerfCounters.Daemon(ctx, "mon", ""); return err }},
		{"RBD.Images.Get(empty spec)", func(ctx context.Context) error { _, err := c.RBD.Images.Get(ctx, rbd.ImageSpec{}); return err }},
		{"Commands.Command(empty prefix)", func(ctx context.Context) error { _, err := c.Commands.Command(ctx, ceph.Command{}); return err }},
	}, ceph.ErrInvalidArgument)
}

func checkNegativePGNum(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	for _, n := range []int{-1, 0} {
		opts := poolCreateOptions()
		opts.PGNum = n
		err := e.c.Pools.Create(ctx, name, opts)
		if err == nil {
			// Should not have happened; do not leave the pool behind.
			e.cleanup(t, "delete pool "+name, func(ctx context.Context) error { return e.c.Pools.Delete(ctx, name) })
		}
		wantErr(t, err, ceph.ErrInvalidArgument, "Pools.Create with pg_num %d", n)
	}
	neg := -8
	wantErr(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{PGNum: &neg}), ceph.ErrInvalidArgument, "Pools.Update with pg_num -8")
	// The rejected create must not have made a pool.
	_, err := e.c.Pools.Get(ctx, name, nil)
	wantErr(t, err, ceph.ErrNotFound, "Pools.Get after rejected creates")
}

func checkUnknownOSD(ctx context.Context, t testing.TB, e *env) {
	osds, err := e.c.OSDs.List(ctx)
	must(t, err, "OSDs.List")
	maxID := -1
	for _, o := range osds {
		maxID = max(maxID, o.ID)
	}
	missing := maxID + 1000
	c := e.c
	// Real Ceph answers ENOENT for these (osd find/metadata, osd reweight,
	// osd lost). It answers "osd.N does not exist" with success to
	// `osd out N`, so Mark in/out of a missing OSD is not checked here.
	wantAll(ctx, t, []namedCall{
		{"OSDs.Get(missing)", func(ctx context.Context) error { _, err := c.OSDs.Get(ctx, missing); return err }},
		{"OSDs.Reweight(missing)", func(ctx context.Context) error { return c.OSDs.Reweight(ctx, missing, 0.5) }},
		{"OSDs.Mark(missing, lost)", func(ctx context.Context) error { return c.OSDs.Mark(ctx, []int{missing}, osd.Lost) }},
	}, ceph.ErrNotFound)
	wantAll(ctx, t, []namedCall{
		{"OSDs.Get(-1)", func(ctx context.Context) error { _, err := c.OSDs.Get(ctx, -1); return err }},
		{"OSDs.Mark([-1], out)", func(ctx context.Context) error { return c.OSDs.Mark(ctx, []int{-1}, osd.Out) }},
		{"OSDs.Mark(no ids, out)", func(ctx context.Context) error { return c.OSDs.Mark(ctx, nil, osd.Out) }},
		{"OSDs.Reweight(-1)", func(ctx context.Context) error { return c.OSDs.Reweight(ctx, -1, 1) }},
		{"OSDs.Reweight(weight 2)", func(ctx context.Context) error { return c.OSDs.Reweight(ctx, 0, 2) }},
		{"OSDLifecycle.Destroy(-1)", func(ctx context.Context) error { return c.OSDLifecycle.Destroy(ctx, -1) }},
	}, ceph.ErrInvalidArgument)
}

func checkUnknownFlag(ctx context.Context, t testing.TB, e *env) {
	before, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List")
	id := firstOSD(ctx, t, e).ID
	c := e.c
	wantAll(ctx, t, []namedCall{
		{"OSDFlags.Set(current + unknown)", func(ctx context.Context) error {
			_, err := c.OSDFlags.Set(ctx, append(slices.Clone(before), "ctest-no-such-flag"))
			return err
		}},
		{"OSDFlags.SetIndividual(unknown)", func(ctx context.Context) error {
			_, err := c.OSDFlags.SetIndividual(ctx, []int{id}, map[string]bool{"ctest-no-such-flag": true})
			return err
		}},
		{"OSDFlags.SetIndividual(cluster-only flag)", func(ctx context.Context) error {
			_, err := c.OSDFlags.SetIndividual(ctx, []int{id}, map[string]bool{"sortbitwise": true})
			return err
		}},
	}, ceph.ErrInvalidArgument)
	after, err := e.c.OSDFlags.List(ctx)
	must(t, err, "OSDFlags.List after the rejected calls")
	if !slices.Equal(sortedCopy(before), sortedCopy(after)) {
		t.Errorf("rejected flag changes changed the flags: before %v, after %v", before, after)
	}
}

func checkBadMarkAction(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	c := e.c
	wantAll(ctx, t, []namedCall{
		{"OSDs.Mark(sideways)", func(ctx context.Context) error { return c.OSDs.Mark(ctx, []int{o.ID}, osd.MarkAction("sideways")) }},
		{"OSDs.Mark(\"\")", func(ctx context.Context) error { return c.OSDs.Mark(ctx, []int{o.ID}, "") }},
	}, ceph.ErrInvalidArgument)
	got, err := osdEntry(ctx, e, o.ID)
	must(t, err, "OSDs.Get(%d)", o.ID)
	if got.Up != o.Up || got.In != o.In {
		t.Errorf("osd.%d changed after rejected marks: up/in %d/%d, was %d/%d", o.ID, got.Up, got.In, o.Up, o.In)
	}
}

// checkNotFoundShape checks that every "no such thing" error is NotFound,
// is not mistaken for another code, and names its component.
func checkNotFoundShape(ctx context.Context, t testing.TB, e *env) {
	c := e.c
	missing := uniqueName("missing")
	calls := []namedCall{
		{"Pools.Get", func(ctx context.Context) error { _, err := c.Pools.Get(ctx, missing, nil); return err }},
		{"CrushRules.Get", func(ctx context.Context) error { _, err := c.CrushRules.Get(ctx, missing); return err }},
		{"ErasureCodeProfiles.Get", func(ctx context.Context) error { _, err := c.ErasureCodeProfiles.Get(ctx, missing); return err }},
		{"Config.Get", func(ctx context.Context) error { _, err := c.Config.Get(ctx, "ctest_no_such_option"); return err }},
		{"MgrModules.Options", func(ctx context.Context) error { _, err := c.MgrModules.Options(ctx, missing); return err }},
		{"PerfCounters.Daemon", func(ctx context.Context) error { _, err := c.PerfCounters.Daemon(ctx, "mon", missing); return err }},
	}
	wantAll(ctx, t, calls, ceph.ErrNotFound)
	for _, call := range calls {
		err := call.call(ctx)
		for _, other := range []*ceph.Error{ceph.ErrInvalidArgument, ceph.ErrInternal, ceph.ErrAlreadyExists} {
			if errors.Is(err, other) {
				t.Errorf("%s: error %v also matches %v", call.name, err, other.Code)
			}
		}
	}
}

func checkCanceledContext(ctx context.Context, t testing.TB, e *env) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	c := e.c
	wantAll(cctx, t, []namedCall{
		{"Health.Report", func(ctx context.Context) error { _, err := c.Health.Report(ctx); return err }},
		{"Pools.List", func(ctx context.Context) error { _, err := c.Pools.List(ctx, nil); return err }},
		{"OSDs.List", func(ctx context.Context) error { _, err := c.OSDs.List(ctx); return err }},
	}, ceph.ErrCanceled)
}
