package transporttest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

var poolChecks = []check{
	{"CreateReplicated", checkPoolCreateReplicated},
	{"ListStats", checkPoolListStats},
	{"UpdatePGNum", checkPoolUpdatePGNum},
	{"UpdateSize", checkPoolUpdateSize},
	{"UpdateApplications", checkPoolUpdateApplications},
	{"UpdateQuota", checkPoolUpdateQuota},
	{"Rename", checkPoolRename},
	{"Delete", checkPoolDelete},
	{"GetMissing", checkPoolGetMissing},
	{"DeleteMissing", checkPoolDeleteMissing},
	{"CreateDuplicate", checkPoolCreateDuplicate},
	{"ErasureCoded", checkPoolErasureCoded},
}

var crushChecks = []check{
	{"CreateGetListDelete", checkCrushLifecycle},
	{"GetMissing", checkCrushGetMissing},
	{"DeleteMissing", checkCrushDeleteMissing},
}

var ecpChecks = []check{
	{"CreateGetListDelete", checkECPLifecycle},
	{"GetMissing", checkECPGetMissing},
}

// getPool reads a pool, failing the test on error.
func getPool(ctx context.Context, t testing.TB, e *env, name string) *ceph.Pool {
	t.Helper()
	p, err := e.c.Pools.Get(ctx, name, nil)
	must(t, err, "Pools.Get(%q)", name)
	return p
}

// listedPool returns the pool from Pools.List. Unlike Get, List does not
// read the pool's RBD configuration, which on a real cluster is object I/O
// that hangs while the pool's PGs are inactive (an erasure-coded or
// min_size 2 pool on a single OSD).
func listedPool(ctx context.Context, e *env, name string) (*ceph.Pool, error) {
	ps, err := e.c.Pools.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].PoolName == name {
			return &ps[i], nil
		}
	}
	return nil, ceph.Errorf(ceph.NotFound, "pool", "Pools.List does not list %s", name)
}

// waitPool polls List until the pool is listed and cond holds.
func waitPool(ctx context.Context, t testing.TB, e *env, name, what string, cond func(p *ceph.Pool) bool) *ceph.Pool {
	t.Helper()
	var last *ceph.Pool
	e.eventually(ctx, t, fmt.Sprintf("pool %s: %s", name, what), func(ctx context.Context) (bool, string, error) {
		p, err := listedPool(ctx, e, name)
		if errors.Is(err, ceph.ErrNotFound) {
			return false, "not listed", nil
		}
		if err != nil {
			return false, "", err
		}
		last = p
		return cond(p), fmt.Sprintf("%+v", *p), nil
	})
	return last
}

// waitPoolListed polls List until the pool is (or is not) in it.
func waitPoolListed(ctx context.Context, t testing.TB, e *env, name string, want bool) {
	t.Helper()
	e.eventually(ctx, t, fmt.Sprintf("pool %s listed=%v", name, want), func(ctx context.Context) (bool, string, error) {
		ps, err := e.c.Pools.List(ctx, nil)
		if err != nil {
			return false, "", err
		}
		got := slices.ContainsFunc(ps, func(p ceph.Pool) bool { return p.PoolName == name })
		return got == want, fmt.Sprintf("listed=%v among %d pools", got, len(ps)), nil
	})
}

func checkPoolCreateReplicated(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	opts := poolCreateOptions("rbd")
	opts.QuotaMaxBytes = 10 << 20
	opts.QuotaMaxObjects = 1000
	opts.Compression = &ceph.Compression{Mode: "passive", Algorithm: "snappy"}
	e.createPool(ctx, t, name, opts)

	p := getPool(ctx, t, e, name)
	if p.PoolName != name {
		t.Errorf("pool_name %q, want %q", p.PoolName, name)
	}
	if p.Type != ceph.Replicated {
		t.Errorf("type %q, want replicated", p.Type)
	}
	if p.Size != 2 || p.MinSize != 1 {
		t.Errorf("size/min_size %d/%d, want 2/1", p.Size, p.MinSize)
	}
	if p.PGNum != 8 && p.PGNumTarget != 8 {
		t.Errorf("pg_num %d (target %d), want 8", p.PGNum, p.PGNumTarget)
	}
	if p.PGAutoscaleMode != "off" {
		t.Errorf("pg_autoscale_mode %q, want off", p.PGAutoscaleMode)
	}
	if !slices.Equal(p.ApplicationMetadata, []string{"rbd"}) {
		t.Errorf("application_metadata %v, want [rbd]", p.ApplicationMetadata)
	}
	if p.QuotaMaxBytes != 10<<20 || p.QuotaMaxObjects != 1000 {
		t.Errorf("quotas %d bytes / %d objects, want %d / 1000", p.QuotaMaxBytes, p.QuotaMaxObjects, 10<<20)
	}
	if got := fmt.Sprint(p.Options["compression_mode"]); got != "passive" {
		t.Errorf("options.compression_mode %q, want passive (options %v)", got, p.Options)
	}
	if got := fmt.Sprint(p.Options["compression_algorithm"]); got != "snappy" {
		t.Errorf("options.compression_algorithm %q, want snappy (options %v)", got, p.Options)
	}
	if p.CrushRule == "" {
		t.Error("crush_rule is empty")
	} else if _, err := e.c.CrushRules.Get(ctx, p.CrushRule); err != nil && !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("the pool's crush rule %q cannot be read: %v", p.CrushRule, err)
	}
	waitPoolListed(ctx, t, e, name, true)
}

func checkPoolListStats(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	waitPoolListed(ctx, t, e, name, true)
	ps, err := e.c.Pools.List(ctx, &ceph.PoolListOptions{Stats: true})
	must(t, err, "Pools.List(stats)")
	i := slices.IndexFunc(ps, func(p ceph.Pool) bool { return p.PoolName == name })
	if i < 0 {
		t.Fatalf("Pools.List(stats) does not list %s", name)
	}
	if ps[i].Stats == nil {
		t.Errorf("pool %s has no stats although they were asked for", name)
	}
	ids := map[int]string{}
	for _, p := range ps {
		if other, dup := ids[p.Pool]; dup {
			t.Errorf("pools %s and %s share id %d", other, p.PoolName, p.Pool)
		}
		ids[p.Pool] = p.PoolName
	}
}

func checkPoolUpdatePGNum(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	n := 16
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{PGNum: &n}), "Pools.Update(pg_num 16)")
	// Real Ceph moves pg_num towards pg_num_target in steps.
	waitPool(ctx, t, e, name, "pg_num or its target 16", func(p *ceph.Pool) bool {
		return p.PGNum == 16 || p.PGNumTarget == 16
	})
}

func checkPoolUpdateSize(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	size := 3
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{Size: &size}), "Pools.Update(size 3)")
	p := waitPool(ctx, t, e, name, "size 3", func(p *ceph.Pool) bool { return p.Size == 3 })
	if p.MinSize < 1 || p.MinSize > p.Size {
		t.Errorf("min_size %d is out of 1..%d", p.MinSize, p.Size)
	}
	min := 2
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{MinSize: &min}), "Pools.Update(min_size 2)")
	waitPool(ctx, t, e, name, "min_size 2", func(p *ceph.Pool) bool { return p.MinSize == 2 && p.Size == 3 })
	// min_size 2 makes the PGs inactive on a single-OSD cluster; go back to
	// 1 so that the pool is active again before it is deleted.
	min = 1
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{MinSize: &min}), "Pools.Update(min_size 1)")
	waitPool(ctx, t, e, name, "min_size 1", func(p *ceph.Pool) bool { return p.MinSize == 1 })
}

func checkPoolUpdateApplications(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	for _, apps := range [][]string{{"rbd", "rgw"}, {"rgw"}} {
		must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{Applications: &apps}), "Pools.Update(applications %v)", apps)
		waitPool(ctx, t, e, name, fmt.Sprintf("applications %v", apps), func(p *ceph.Pool) bool {
			return slices.Equal(sortedCopy(p.ApplicationMetadata), apps)
		})
	}
}

func checkPoolUpdateQuota(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	opts := poolCreateOptions("rbd")
	opts.QuotaMaxObjects = 1000
	e.createPool(ctx, t, name, opts)
	bytes, objects := int64(20<<20), int64(0)
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{QuotaMaxBytes: &bytes, QuotaMaxObjects: &objects}), "Pools.Update(quotas)")
	waitPool(ctx, t, e, name, "quota 20 MiB, no object quota", func(p *ceph.Pool) bool {
		return p.QuotaMaxBytes == bytes && p.QuotaMaxObjects == 0
	})
}

func checkPoolRename(ctx context.Context, t testing.TB, e *env) {
	name, newName := uniqueName("pool"), uniqueName("pool")
	e.cleanup(t, "delete pool "+newName, func(ctx context.Context) error { return e.c.Pools.Delete(ctx, newName) })
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	id := getPool(ctx, t, e, name).Pool
	must(t, e.c.Pools.Update(ctx, name, &ceph.PoolUpdateOptions{NewName: &newName}), "Pools.Update(rename)")
	p := getPool(ctx, t, e, newName)
	if p.Pool != id || p.PoolName != newName {
		t.Errorf("renamed pool is %q id %d, want %q id %d", p.PoolName, p.Pool, newName, id)
	}
	_, err := e.c.Pools.Get(ctx, name, nil)
	wantErr(t, err, ceph.ErrNotFound, "Pools.Get(old name)")
	waitPoolListed(ctx, t, e, newName, true)
	waitPoolListed(ctx, t, e, name, false)

	// Renaming onto an existing pool, itself included, is refused (real
	// Ceph: `osd pool rename x x` is EEXIST, and the dashboard passes it on).
	err = e.c.Pools.Update(ctx, newName, &ceph.PoolUpdateOptions{NewName: &newName})
	wantErr(t, err, ceph.ErrAlreadyExists, "Pools.Update(rename to its own name)")
	other := uniqueName("pool")
	e.createPool(ctx, t, other, poolCreateOptions("rbd"))
	err = e.c.Pools.Update(ctx, newName, &ceph.PoolUpdateOptions{NewName: &other})
	wantErr(t, err, ceph.ErrAlreadyExists, "Pools.Update(rename onto an existing pool)")
}

func checkPoolDelete(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	must(t, e.c.Pools.Delete(ctx, name), "Pools.Delete")
	_, err := e.c.Pools.Get(ctx, name, nil)
	wantErr(t, err, ceph.ErrNotFound, "Pools.Get after delete")
	waitPoolListed(ctx, t, e, name, false)
}

func checkPoolGetMissing(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.Pools.Get(ctx, uniqueName("pool"), nil)
	wantErr(t, err, ceph.ErrNotFound, "Pools.Get(missing)")
	n := 16
	err = e.c.Pools.Update(ctx, uniqueName("pool"), &ceph.PoolUpdateOptions{PGNum: &n})
	wantErr(t, err, ceph.ErrNotFound, "Pools.Update(missing)")
}

// checkPoolDeleteMissing: the library's contract is NotFound. (Raw Ceph
// answers success to `osd pool delete` of a missing pool; transports look
// the pool up first.)
func checkPoolDeleteMissing(ctx context.Context, t testing.TB, e *env) {
	err := e.c.Pools.Delete(ctx, uniqueName("pool"))
	wantErr(t, err, ceph.ErrNotFound, "Pools.Delete(missing)")
}

// checkPoolCreateDuplicate: the library's contract is AlreadyExists. (Raw
// Ceph answers success, "already exists", to `osd pool create`.)
func checkPoolCreateDuplicate(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("pool")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	opts := poolCreateOptions("rgw")
	opts.PGNum = 16
	err := e.c.Pools.Create(ctx, name, opts)
	wantErr(t, err, ceph.ErrAlreadyExists, "Pools.Create(duplicate)")
	p := getPool(ctx, t, e, name)
	if p.PGNum != 8 && p.PGNumTarget != 8 {
		t.Errorf("the refused create changed pg_num to %d (target %d)", p.PGNum, p.PGNumTarget)
	}
	if !slices.Equal(p.ApplicationMetadata, []string{"rbd"}) {
		t.Errorf("the refused create changed the applications to %v", p.ApplicationMetadata)
	}
}

// createProfile creates a k=2 m=1 profile over OSDs and registers its deletion.
func createProfile(ctx context.Context, t testing.TB, e *env, name string) {
	t.Helper()
	err := e.c.ErasureCodeProfiles.Create(ctx, name, &ceph.ErasureCodeProfileCreateOptions{
		K: 2, M: 1, Plugin: "jerasure", CrushFailureDomain: "osd",
	})
	must(t, err, "ErasureCodeProfiles.Create(%q)", name)
	e.cleanup(t, "delete erasure code profile "+name, func(ctx context.Context) error {
		return e.c.ErasureCodeProfiles.Delete(ctx, name)
	})
}

func checkPoolErasureCoded(ctx context.Context, t testing.TB, e *env) {
	profile, name := uniqueName("ecp"), uniqueName("ecpool")
	createProfile(ctx, t, e, profile)
	// Real Ceph creates a CRUSH rule named after an erasure-coded pool and
	// keeps it after the pool is gone; remove it after the pool (cleanups
	// run last-in first-out).
	e.cleanup(t, "delete crush rule "+name, func(ctx context.Context) error {
		err := e.c.CrushRules.Delete(ctx, name)
		if errors.Is(err, ceph.ErrUnimplemented) {
			return nil
		}
		return err
	})
	e.createPool(ctx, t, name, &ceph.PoolCreateOptions{
		Type:               ceph.Erasure,
		PGNum:              8,
		ErasureCodeProfile: profile,
		PGAutoscaleMode:    "off",
		Applications:       []string{"rgw"},
	})
	// The pool's PGs are inactive on a cluster with fewer than 3 OSDs, so
	// read it from the list (see listedPool).
	p := waitPool(ctx, t, e, name, "listed", func(*ceph.Pool) bool { return true })
	if p.Type != ceph.Erasure {
		t.Errorf("type %q, want erasure", p.Type)
	}
	if p.ErasureCodeProfile != profile {
		t.Errorf("erasure_code_profile %q, want %q", p.ErasureCodeProfile, profile)
	}
	if p.Size != 3 {
		t.Errorf("size %d, want k+m = 3", p.Size)
	}
	if p.MinSize < 2 || p.MinSize > 3 {
		t.Errorf("min_size %d, want k..k+m (2..3)", p.MinSize)
	}
	// A profile in use cannot be deleted (real Ceph: EBUSY).
	err := e.c.ErasureCodeProfiles.Delete(ctx, profile)
	wantErr(t, err, ceph.ErrBusy, "ErasureCodeProfiles.Delete(profile in use)")
	// So is a CRUSH rule in use (real Ceph: EBUSY).
	if p.CrushRule != "" {
		err = e.c.CrushRules.Delete(ctx, p.CrushRule)
		wantErr(t, err, ceph.ErrBusy, "CrushRules.Delete(rule in use)")
	}
}

// ---------------------------------------------------------- crush rules --

// crushRoot returns the name of the first root of the CRUSH tree.
func crushRoot(ctx context.Context, t testing.TB, e *env) string {
	t.Helper()
	tree, err := e.c.OSDs.Tree(ctx)
	must(t, err, "OSDs.Tree")
	for _, n := range tree.Nodes {
		if n.Type == "root" {
			return n.Name
		}
	}
	t.Skip("the CRUSH tree has no root")
	return ""
}

func ruleListed(ctx context.Context, e *env, name string) (bool, error) {
	rules, err := e.c.CrushRules.List(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(rules, func(r ceph.CrushRule) bool { return r.RuleName == name }), nil
}

func checkCrushLifecycle(ctx context.Context, t testing.TB, e *env) {
	root := crushRoot(ctx, t, e)
	name := uniqueName("rule")
	err := e.c.CrushRules.Create(ctx, name, &ceph.CrushRuleCreateOptions{Root: root, FailureDomain: "osd"})
	must(t, err, "CrushRules.Create(%q)", name)
	e.cleanup(t, "delete crush rule "+name, func(ctx context.Context) error { return e.c.CrushRules.Delete(ctx, name) })

	r, err := e.c.CrushRules.Get(ctx, name)
	must(t, err, "CrushRules.Get(%q)", name)
	if r.RuleName != name {
		t.Errorf("rule_name %q, want %q", r.RuleName, name)
	}
	if r.Type != 1 {
		t.Errorf("type %d, want 1 (replicated)", r.Type)
	}
	var ops []string
	for _, s := range r.Steps {
		ops = append(ops, s.Op)
	}
	take := slices.Index(ops, "take")
	if take < 0 || ops[len(ops)-1] != "emit" {
		t.Errorf("steps %v, want take ... emit", ops)
	} else if r.Steps[take].ItemName != root {
		t.Errorf("the rule takes %q, want %q", r.Steps[take].ItemName, root)
	}
	e.eventually(ctx, t, "rule listed", func(ctx context.Context) (bool, string, error) {
		ok, err := ruleListed(ctx, e, name)
		return ok, "not listed", err
	})
	rules, err := e.c.CrushRules.List(ctx)
	must(t, err, "CrushRules.List")
	ids := map[int]string{}
	for _, r := range rules {
		if other, dup := ids[r.RuleID]; dup {
			t.Errorf("rules %s and %s share id %d", other, r.RuleName, r.RuleID)
		}
		ids[r.RuleID] = r.RuleName
	}

	must(t, e.c.CrushRules.Delete(ctx, name), "CrushRules.Delete(%q)", name)
	_, err = e.c.CrushRules.Get(ctx, name)
	wantErr(t, err, ceph.ErrNotFound, "CrushRules.Get after delete")
	e.eventually(ctx, t, "rule gone from the list", func(ctx context.Context) (bool, string, error) {
		ok, err := ruleListed(ctx, e, name)
		return !ok, "still listed", err
	})
}

func checkCrushGetMissing(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.CrushRules.Get(ctx, uniqueName("rule"))
	wantErr(t, err, ceph.ErrNotFound, "CrushRules.Get(missing)")
}

// checkCrushDeleteMissing: the library's contract is NotFound (raw Ceph
// answers success to `osd crush rule rm` of a missing rule).
func checkCrushDeleteMissing(ctx context.Context, t testing.TB, e *env) {
	err := e.c.CrushRules.Delete(ctx, uniqueName("rule"))
	wantErr(t, err, ceph.ErrNotFound, "CrushRules.Delete(missing)")
}

// ------------------------------------------------------------ EC profiles --

func checkECPLifecycle(ctx context.Context, t testing.TB, e *env) {
	name := uniqueName("ecp")
	createProfile(ctx, t, e, name)
	p, err := e.c.ErasureCodeProfiles.Get(ctx, name)
	must(t, err, "ErasureCodeProfiles.Get(%q)", name)
	if p.Name != name || p.K != 2 || p.M != 1 || p.Plugin != "jerasure" || p.CrushFailureDomain != "osd" {
		t.Errorf("profile is %+v, want %s k=2 m=1 plugin=jerasure crush-failure-domain=osd", *p, name)
	}
	listed := func(ctx context.Context) (bool, error) {
		ps, err := e.c.ErasureCodeProfiles.List(ctx)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(ps, func(p ceph.ErasureCodeProfile) bool { return p.Name == name }), nil
	}
	e.eventually(ctx, t, "profile listed", func(ctx context.Context) (bool, string, error) {
		ok, err := listed(ctx)
		return ok, "not listed", err
	})
	must(t, e.c.ErasureCodeProfiles.Delete(ctx, name), "ErasureCodeProfiles.Delete(%q)", name)
	_, err = e.c.ErasureCodeProfiles.Get(ctx, name)
	wantErr(t, err, ceph.ErrNotFound, "ErasureCodeProfiles.Get after delete")
	e.eventually(ctx, t, "profile gone from the list", func(ctx context.Context) (bool, string, error) {
		ok, err := listed(ctx)
		return !ok, "still listed", err
	})
}

func checkECPGetMissing(ctx context.Context, t testing.TB, e *env) {
	_, err := e.c.ErasureCodeProfiles.Get(ctx, uniqueName("ecp"))
	wantErr(t, err, ceph.ErrNotFound, "ErasureCodeProfiles.Get(missing)")
}
