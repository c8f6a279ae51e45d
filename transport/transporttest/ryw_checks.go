package transporttest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// readYourWritesChecks: a write is seen by the very next read of the same
// client, with no wait, even when that read was just answered (and, on a
// caching transport, cached) before the write. Each case reads first, to
// warm what a transport may cache, then writes, then reads once.
var readYourWritesChecks = []check{
	{"Pools", checkRYWPools},
	{"OSDFlags", checkRYWFlags},
	{"OSDs", checkRYWOSDs},
	{"Config", checkRYWConfig},
	{"CrushRules", checkRYWCrushRules},
	{"ErasureCodeProfiles", checkRYWProfiles},
	{"PoolUpdate", checkRYWPoolUpdate},
	{"RBDImages", checkRYWImages},
}

// seenAtOnce fails the test unless read, called once right after a write,
// reports the change.
func seenAtOnce(ctx context.Context, t testing.TB, what string, read func(ctx context.Context) (bool, string, error)) {
	t.Helper()
	ok, state, err := read(ctx)
	must(t, err, "%s: the read after the write", what)
	if !ok {
		t.Errorf("%s: the read right after the write does not show it: %s", what, state)
	}
}

func poolListed(ctx context.Context, e *env, name string) (bool, string, error) {
	ps, err := e.c.Pools.List(ctx, nil)
	if err != nil {
		return false, "", err
	}
	return slices.ContainsFunc(ps, func(p ceph.Pool) bool { return p.PoolName == name }), fmt.Sprintf("%d pools", len(ps)), nil
}

func checkRYWPools(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("ryw")
	createThenDelete(ctx, t, e, "pool", name,
		func(ctx context.Context) (bool, string, error) { return poolListed(ctx, e, name) },
		func(ctx context.Context) error { return e.c.Pools.Create(ctx, name, poolCreateOptions()) },
		func(ctx context.Context) error { return e.c.Pools.Delete(ctx, name) })
}

// createThenDelete is the read-your-writes walk of a named resource:
// list (warming a cache), create, see it listed, delete, see it gone. The
// cleanup deletes it if the test stopped in between.
func createThenDelete(ctx context.Context, t testing.TB, e *env, what, name string,
	listed func(ctx context.Context) (bool, string, error), create, del func(ctx context.Context) error) {
	t.Helper()
	if _, _, err := listed(ctx); err != nil {
		must(t, err, "listing %ss", what)
	}
	err := create(ctx)
	e.cleanup(t, "delete "+what+" "+name, func(ctx context.Context) error {
		if ok, _, err := listed(ctx); err != nil || !ok {
			return err
		}
		return del(ctx)
	})
	must(t, err, "creating %s %q", what, name)
	seenAtOnce(ctx, t, "created "+what+" listed", listed)
	must(t, del(ctx), "deleting %s %q", what, name)
	seenAtOnce(ctx, t, "deleted "+what+" not listed", func(ctx context.Context) (bool, string, error) {
		ok, state, err := listed(ctx)
		return !ok, state, err
	})
}

func checkRYWFlags(ctx context.Context, t testing.TB, e *env) {
	orig := saveFlags(ctx, t, e)
	flag := unsetFlag(t, orig, "noscrub", "nodeep-scrub", "noout")
	hasFlag := func(ctx context.Context) (bool, string, error) {
		got, err := e.c.OSDFlags.List(ctx)
		return slices.Contains(got, flag), fmt.Sprint(got), err
	}
	if _, _, err := hasFlag(ctx); err != nil {
		must(t, err, "OSDFlags.List")
	}
	_, err := e.c.OSDFlags.Set(ctx, sortedCopy(append(slices.Clone(orig), flag)))
	must(t, err, "OSDFlags.Set(+%s)", flag)
	seenAtOnce(ctx, t, flag+" in OSDFlags.List", hasFlag)
	_, err = e.c.OSDFlags.Set(ctx, orig)
	must(t, err, "OSDFlags.Set(%v)", orig)
	seenAtOnce(ctx, t, flag+" gone from OSDFlags.List", func(ctx context.Context) (bool, string, error) {
		ok, state, err := hasFlag(ctx)
		return !ok, state, err
	})
}

func checkRYWOSDs(ctx context.Context, t testing.TB, e *env) {
	o := firstOSD(ctx, t, e)
	orig := o.Weight // the OSD map's weight is the reweight
	want := 0.5
	if orig == want {
		want = 0.75
	}
	e.cleanup(t, fmt.Sprintf("restore the reweight of osd.%d", o.ID), func(ctx context.Context) error {
		return e.c.OSDs.Reweight(ctx, o.ID, orig)
	})
	reweight := func(want float64) func(ctx context.Context) (bool, string, error) {
		return func(ctx context.Context) (bool, string, error) {
			osds, err := e.c.OSDs.List(ctx)
			if err != nil {
				return false, "", err
			}
			for _, x := range osds {
				if x.ID == o.ID {
					// the map's and the tree's
					return closeTo(x.Weight, want) && closeTo(x.Tree.Reweight, want),
						fmt.Sprintf("weight %v, tree reweight %v", x.Weight, x.Tree.Reweight), nil
				}
			}
			return false, "not listed", nil
		}
	}
	must(t, e.c.OSDs.Reweight(ctx, o.ID, want), "OSDs.Reweight(%d, %v)", o.ID, want)
	seenAtOnce(ctx, t, fmt.Sprintf("osd.%d reweight %v in OSDs.List", o.ID, want), reweight(want))
	must(t, e.c.OSDs.Reweight(ctx, o.ID, orig), "OSDs.Reweight(%d, %v)", o.ID, orig)
	seenAtOnce(ctx, t, fmt.Sprintf("osd.%d reweight back to %v in OSDs.List", o.ID, orig), reweight(orig))
}

// closeTo compares reweights, which Ceph keeps as 16.16 fixed point.
func closeTo(a, b float64) bool { return a-b < 0.001 && b-a < 0.001 }

func checkRYWConfig(ctx context.Context, t testing.TB, e *env) {
	saveConfig(ctx, t, e, configOption)
	for _, v := range []string{"3", "4"} {
		err := e.c.Config.Set(ctx, configOption, []ceph.ConfigValue{{Section: "osd", Value: v}})
		must(t, err, "Config.Set(osd=%s)", v)
		seenAtOnce(ctx, t, fmt.Sprintf("%s osd=%s in Config.Get", configOption, v), func(ctx context.Context) (bool, string, error) {
			got, err := configValues(ctx, e, configOption)
			return got["osd"] == v, fmt.Sprint(got), err
		})
		seenAtOnce(ctx, t, fmt.Sprintf("%s osd=%s in Config.List", configOption, v), func(ctx context.Context) (bool, string, error) {
			opts, err := e.c.Config.List(ctx)
			if err != nil {
				return false, "", err
			}
			for _, o := range opts {
				if o.Name == configOption {
					return slices.Contains(o.Value, ceph.ConfigValue{Section: "osd", Value: v}), fmt.Sprint(o.Value), nil
				}
			}
			return false, "not listed", nil
		})
	}
}

// checkRYWPoolUpdate: a pool's new quota is in the next Get and List.
func checkRYWPoolUpdate(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("rywq")
	e.createPool(ctx, t, name, poolCreateOptions())
	for _, q := range []int64{1000, 0} {
		if _, err := e.c.Pools.Get(ctx, name, nil); err != nil {
			must(t, err, "Pools.Get(%s)", name)
		}
		if _, _, err := poolListed(ctx, e, name); err != nil {
			must(t, err, "Pools.List")
		}
		must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{QuotaMaxObjects: &q}), "Pools.Update(%s, max objects %d)", name, q)
		seenAtOnce(ctx, t, fmt.Sprintf("pool %s max objects %d in Pools.Get", name, q), func(ctx context.Context) (bool, string, error) {
			p, err := e.c.Pools.Get(ctx, name, nil)
			if err != nil {
				return false, "", err
			}
			return p.QuotaMaxObjects == q, fmt.Sprintf("quota_max_objects %d", p.QuotaMaxObjects), nil
		})
		seenAtOnce(ctx, t, fmt.Sprintf("pool %s max objects %d in Pools.List", name, q), func(ctx context.Context) (bool, string, error) {
			ps, err := e.c.Pools.List(ctx, nil)
			if err != nil {
				return false, "", err
			}
			for _, p := range ps {
				if p.PoolName == name {
					return p.QuotaMaxObjects == q, fmt.Sprintf("quota_max_objects %d", p.QuotaMaxObjects), nil
				}
			}
			return false, "not listed", nil
		})
	}
}

// checkRYWImages: an image is in its pool's list right after it was
// created, and gone right after it was deleted.
func checkRYWImages(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	name := uniqueName("rywimg")
	spec := rbd.ImageSpec{Pool: pool, Name: name}
	createThenDelete(ctx, t, e, "RBD image", name,
		func(ctx context.Context) (bool, string, error) {
			imgs, err := e.c.RBD.Images.List(ctx, pool, nil)
			if err != nil {
				return false, "", err
			}
			return slices.ContainsFunc(imgs.Images, func(i rbd.Image) bool { return i.Name == name }), fmt.Sprintf("%d images", len(imgs.Images)), nil
		},
		func(ctx context.Context) error {
			return e.c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: 4 << 20, Features: []string{"layering"}})
		},
		func(ctx context.Context) error { return e.c.RBD.Images.Delete(ctx, spec) })
}

func checkRYWCrushRules(ctx context.Context, t testing.TB, e *env) {
	root := crushRoot(ctx, t, e)
	name := uniqueName("rule")
	createThenDelete(ctx, t, e, "CRUSH rule", name,
		func(ctx context.Context) (bool, string, error) {
			ok, err := ruleListed(ctx, e, name)
			return ok, fmt.Sprintf("listed %v", ok), err
		},
		func(ctx context.Context) error {
			return e.c.CrushRules.Create(ctx, name, &ceph.CrushRuleCreateOptions{Root: root, FailureDomain: "osd"})
		},
		func(ctx context.Context) error { return e.c.CrushRules.Delete(ctx, name) })
}

func checkRYWProfiles(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("ecp")
	createThenDelete(ctx, t, e, "erasure-code profile", name,
		func(ctx context.Context) (bool, string, error) {
			ps, err := e.c.ErasureCodeProfiles.List(ctx)
			if err != nil {
				return false, "", err
			}
			return slices.ContainsFunc(ps, func(p ceph.ErasureCodeProfile) bool { return p.Name == name }), fmt.Sprintf("%d profiles", len(ps)), nil
		},
		func(ctx context.Context) error {
			return e.c.ErasureCodeProfiles.Create(ctx, name, &ceph.ErasureCodeProfileCreateOptions{K: 2, M: 1, Plugin: "jerasure", CrushFailureDomain: "osd"})
		},
		func(ctx context.Context) error { return e.c.ErasureCodeProfiles.Delete(ctx, name) })
}
