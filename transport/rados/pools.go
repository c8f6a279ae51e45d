package rados

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
)

const poolComponent = "pool"

// pools manages pools with `osd pool ...` monitor commands, the way the
// dashboard's pool controller does.
type pools struct {
	ceph.UnimplementedPools
	r *runner
	// conf reads and writes RBD pool configuration; nil without librbd.
	conf poolConfigurer
}

var _ ceph.Pools = pools{}

// poolStatsByName turns `df detail` per-pool usage into the dashboard's
// stats: the latest value of each counter. Rates need a time series the
// monitors do not keep, so Rate is 0 and Rates is empty.
func poolStatsByName(df *dfDetail) map[string]map[string]ceph.PoolStat {
	out := make(map[string]map[string]ceph.PoolStat, len(df.Pools))
	for _, p := range df.Pools {
		s := make(map[string]ceph.PoolStat, len(p.Stats))
		for k, v := range p.Stats {
			if f, ok := v.(float64); ok {
				s[k] = ceph.PoolStat{Latest: f, Rates: [][2]float64{}}
			}
		}
		out[p.Name] = s
	}
	return out
}

// poolUsage converts one pool's `df detail` stats.
func poolUsage(stats map[string]any) ceph.PoolUsage {
	var u ceph.PoolUsage
	b, err := json.Marshal(stats)
	if err == nil {
		_ = json.Unmarshal(b, &u) // the keys are Ceph's; unknown ones are ignored
	}
	return u
}

// list returns the pools, kept while the OSD map's epoch (and, with
// stats, the PG stats' version: usage and PG states come from the
// manager's PG map) stays the same. Shared, read-only.
func (p pools) list(ctx context.Context, stats bool) ([]ceph.Pool, error) {
	if !stats {
		return cachedVersioned(ctx, p.r.cache, poolComponent, "pool/list", p.r.osdEpochProbe(poolComponent),
			func(ctx context.Context) ([]ceph.Pool, error) { return p.build(ctx, false) })
	}
	return cachedVersioned(ctx, p.r.cache, poolComponent, "pool/list/stats",
		probes(p.r.osdEpochProbe(poolComponent), func(ctx context.Context) (string, error) { return p.r.pgVersion(ctx, poolComponent) }),
		func(ctx context.Context) ([]ceph.Pool, error) { return p.build(ctx, true) })
}

func (p pools) build(ctx context.Context, stats bool) ([]ceph.Pool, error) {
	d, err := p.r.osdDump(ctx, poolComponent)
	if err != nil {
		return nil, err
	}
	rules, err := p.r.crushRules(ctx, poolComponent)
	if err != nil {
		return nil, err
	}
	var byName map[string]map[string]ceph.PoolStat
	var pgByPool map[int]map[string]int
	if stats {
		df, err := p.r.df(ctx, poolComponent)
		if err != nil {
			return nil, err
		}
		byName = poolStatsByName(df)
		if pgByPool, err = p.pgStatus(ctx); err != nil {
			return nil, err
		}
	}
	names := ruleNames(rules)
	out := make([]ceph.Pool, 0, len(d.Pools))
	for _, rp := range d.Pools {
		pool := rp.toPool(names)
		if stats {
			pool.Stats = byName[rp.PoolName]
			if pool.Stats == nil {
				pool.Stats = map[string]ceph.PoolStat{}
			}
			pool.PGStatus = pgByPool[pool.Pool]
			if pool.PGStatus == nil {
				pool.PGStatus = map[string]int{}
			}
		}
		out = append(out, pool)
	}
	return out, nil
}

func (p pools) List(ctx context.Context, opts *ceph.PoolListOptions) ([]ceph.Pool, error) {
	return p.list(ctx, opts != nil && opts.Stats)
}

func (p pools) Get(ctx context.Context, name string, opts *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return p.get(ctx, name, opts != nil && opts.Stats, true)
}

// get returns one pool, with stats and with its RBD configuration when
// asked (and reachable).
func (p pools) get(ctx context.Context, name string, stats, conf bool) (*ceph.Pool, error) {
	all, err := p.list(ctx, stats)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].PoolName == name {
			// a copy: the list is shared
			cp := all[i]
			pool := &cp
			if conf && p.conf != nil {
				// as the dashboard, Get carries the pool's RBD configuration
				if pool.Configuration, err = p.rbdConfig(ctx, name); err != nil {
					return nil, err
				}
			}
			return pool, nil
		}
	}
	return nil, errorf(ceph.NotFound, poolComponent, "No such pool")
}

// exists reports whether the pool exists (the create and delete commands
// succeed on an existing/missing pool, so the callers check first).
func (p pools) exists(ctx context.Context, name string) (bool, error) {
	var names []string
	if err := p.r.monJSON(ctx, poolComponent, &names, "osd pool ls", nil); err != nil {
		return false, err
	}
	for _, n := range names {
		if n == name {
			return true, nil
		}
	}
	return false, nil
}

func (p pools) set(ctx context.Context, pool, key, val string) error {
	_, err := p.r.monWrite(ctx, poolComponent, "osd pool set", args{"pool": pool, "var": key, "val": val})
	return err
}

func (p pools) app(ctx context.Context, pool, what, app string) error {
	_, err := p.r.monWrite(ctx, poolComponent, "osd pool application "+what,
		args{"pool": pool, "app": app, "yes_i_really_mean_it": true})
	return err
}

func (p pools) quota(ctx context.Context, pool, field string, v int64) error {
	_, err := p.r.monWrite(ctx, poolComponent, "osd pool set-quota",
		args{"pool": pool, "field": field, "val": strconv.FormatInt(v, 10)})
	return err
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// compressionKeys lists the pool options to set for c, in order.
func compressionKeys(c *ceph.Compression, current map[string]any) [][2]string {
	if c == nil {
		return nil
	}
	var kv [][2]string
	if c.Mode == "unset" {
		// as the dashboard: unset the mode and reset every other setting
		// the pool has
		kv = append(kv, [2]string{"compression_mode", "unset"})
		for _, k := range []string{"compression_min_blob_size", "compression_max_blob_size", "compression_required_ratio"} {
			if _, ok := current[k]; ok {
				kv = append(kv, [2]string{k, "0"})
			}
		}
		if _, ok := current["compression_algorithm"]; ok {
			kv = append(kv, [2]string{"compression_algorithm", "unset"})
		}
		return kv
	}
	if c.Mode != "" {
		kv = append(kv, [2]string{"compression_mode", c.Mode})
	}
	if c.Algorithm != "" {
		kv = append(kv, [2]string{"compression_algorithm", c.Algorithm})
	}
	if c.MinBlobSize > 0 {
		kv = append(kv, [2]string{"compression_min_blob_size", strconv.FormatInt(c.MinBlobSize, 10)})
	}
	if c.MaxBlobSize > 0 {
		kv = append(kv, [2]string{"compression_max_blob_size", strconv.FormatInt(c.MaxBlobSize, 10)})
	}
	if c.RequiredRatio > 0 {
		kv = append(kv, [2]string{"compression_required_ratio", formatFloat(c.RequiredRatio)})
	}
	return kv
}

func (p pools) Create(ctx context.Context, name string, o *ceph.PoolCreateOptions) error {
	if len(o.Configuration) > 0 && p.conf == nil {
		return errorf(ceph.Unimplemented, poolComponent, "RBD pool configuration needs librbd (build tag rados)")
	}
	ok, err := p.exists(ctx, name)
	if err != nil {
		return err
	}
	if ok {
		return errorf(ceph.AlreadyExists, poolComponent, "pool '%s' already exists", name)
	}
	typ := o.Type
	if typ == "" {
		typ = ceph.Replicated
	}
	a := args{"pool": name, "pg_num": o.PGNum, "pgp_num": o.PGNum, "pool_type": string(typ)}
	if typ == ceph.Erasure && o.ErasureCodeProfile != "" {
		a["erasure_code_profile"] = o.ErasureCodeProfile
	}
	if o.CrushRule != "" {
		a["rule"] = o.CrushRule
	}
	if o.PGAutoscaleMode != "" {
		a["autoscale_mode"] = o.PGAutoscaleMode
	}
	if _, err := p.r.monWrite(ctx, poolComponent, "osd pool create", a); err != nil {
		return err
	}
	for _, f := range o.Flags {
		if f == "ec_overwrites" {
			if err := p.set(ctx, name, "allow_ec_overwrites", "true"); err != nil {
				return err
			}
		}
	}
	for _, app := range o.Applications {
		if err := p.app(ctx, name, "enable", app); err != nil {
			return err
		}
	}
	if o.QuotaMaxObjects > 0 {
		if err := p.quota(ctx, name, "max_objects", o.QuotaMaxObjects); err != nil {
			return err
		}
	}
	if o.QuotaMaxBytes > 0 {
		if err := p.quota(ctx, name, "max_bytes", o.QuotaMaxBytes); err != nil {
			return err
		}
	}
	var kv [][2]string
	if o.Size > 0 {
		kv = append(kv, [2]string{"size", strconv.Itoa(o.Size)})
	}
	if o.MinSize > 0 {
		kv = append(kv, [2]string{"min_size", strconv.Itoa(o.MinSize)})
	}
	kv = append(kv, compressionKeys(o.Compression, nil)...)
	for _, e := range kv {
		if err := p.set(ctx, name, e[0], e[1]); err != nil {
			return err
		}
	}
	if len(o.Configuration) > 0 {
		return p.conf.setPoolConfig(ctx, name, o.Configuration)
	}
	return nil
}

func (p pools) Update(ctx context.Context, name string, o *ceph.PoolUpdateOptions) error {
	if o != nil && len(o.Configuration) > 0 && p.conf == nil {
		return errorf(ceph.Unimplemented, poolComponent, "RBD pool configuration needs librbd (build tag rados)")
	}
	cur, err := p.get(ctx, name, false, false)
	if err != nil {
		return err
	}
	if o == nil {
		return nil
	}
	for _, f := range o.Flags {
		if f == "ec_overwrites" {
			if err := p.set(ctx, name, "allow_ec_overwrites", "true"); err != nil {
				return err
			}
		}
	}
	if o.Applications != nil {
		have := map[string]bool{}
		for _, a := range cur.ApplicationMetadata {
			have[a] = true
		}
		want := map[string]bool{}
		for _, a := range *o.Applications {
			want[a] = true
		}
		for _, a := range sortedKeys(have) {
			if !want[a] {
				if err := p.app(ctx, name, "disable", a); err != nil {
					return err
				}
			}
		}
		for _, a := range sortedKeys(want) {
			if !have[a] {
				if err := p.app(ctx, name, "enable", a); err != nil {
					return err
				}
			}
		}
	}
	if o.QuotaMaxObjects != nil {
		if err := p.quota(ctx, name, "max_objects", *o.QuotaMaxObjects); err != nil {
			return err
		}
	}
	if o.QuotaMaxBytes != nil {
		if err := p.quota(ctx, name, "max_bytes", *o.QuotaMaxBytes); err != nil {
			return err
		}
	}
	var kv [][2]string
	if o.Size != nil {
		kv = append(kv, [2]string{"size", strconv.Itoa(*o.Size)})
	}
	if o.MinSize != nil {
		kv = append(kv, [2]string{"min_size", strconv.Itoa(*o.MinSize)})
	}
	if o.CrushRule != nil {
		kv = append(kv, [2]string{"crush_rule", *o.CrushRule})
	}
	if o.PGAutoscaleMode != nil {
		kv = append(kv, [2]string{"pg_autoscale_mode", *o.PGAutoscaleMode})
	}
	if o.PGNum != nil {
		n := strconv.Itoa(*o.PGNum)
		kv = append(kv, [2]string{"pg_num", n}, [2]string{"pgp_num", n})
	}
	kv = append(kv, compressionKeys(o.Compression, cur.Options)...)
	for _, e := range kv {
		if err := p.set(ctx, name, e[0], e[1]); err != nil {
			return err
		}
	}
	if o.NewName != nil {
		// renaming onto itself is EEXIST "pool 'x' already exists" too
		if _, err := p.r.monWrite(ctx, poolComponent, "osd pool rename", args{"srcpool": name, "destpool": *o.NewName}); err != nil {
			return err
		}
		name = *o.NewName
	}
	if len(o.Configuration) > 0 {
		return p.conf.setPoolConfig(ctx, name, o.Configuration)
	}
	return nil
}

func (p pools) Delete(ctx context.Context, name string) error {
	ok, err := p.exists(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(ceph.NotFound, poolComponent, "pool '%s' does not exist", name)
	}
	_, err = p.r.monWrite(ctx, poolComponent, "osd pool delete",
		args{"pool": name, "pool2": name, "yes_i_really_really_mean_it": true})
	// EPERM here means the cluster forbids pool deletion
	// (mon_allow_pool_delete is false): a state, not a missing permission.
	var ce *ceph.Error
	if errors.As(err, &ce) && ce.Code == ceph.PermissionDenied && errnoOf(err) == syscall.EPERM &&
		strings.Contains(ce.Detail, "mon_allow_pool_delete") {
		ce.Code = ceph.FailedPrecondition
	}
	return err
}

func (p pools) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	if err := ceph.CheckContext(ctx, poolComponent); err != nil {
		return nil, err
	}
	if p.conf == nil {
		return nil, errorf(ceph.Unimplemented, poolComponent, "RBD pool configuration needs librbd (build tag rados)")
	}
	return p.rbdConfig(ctx, name)
}

// pgStatus counts the PGs of every pool by state (`pg dump pgs_brief`),
// as the dashboard's pg_status (the mgr's pg_summary by_pool).
func (p pools) pgStatus(ctx context.Context) (map[int]map[string]int, error) {
	var st pgStates
	if err := p.r.monJSON(ctx, poolComponent, &st, "pg dump", args{"dumpcontents": []string{"pgs_brief"}}); err != nil {
		return nil, err
	}
	out := map[int]map[string]int{}
	for _, pg := range st.PGStats {
		pool, _, ok := strings.Cut(pg.PGID, ".")
		id, err := strconv.Atoi(pool)
		if !ok || err != nil {
			continue
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][pg.State]++
	}
	return out, nil
}

// pgStates is `pg ls-by-pool` (and `pg dump pgs_brief`).
type pgStates struct {
	PGStats []struct {
		PGID  string `json:"pgid"`
		State string `json:"state"`
	} `json:"pg_stats"`
}

// allActive reports whether every PG is active (and there is one).
func (s *pgStates) allActive() bool {
	for _, pg := range s.PGStats {
		if !strings.Contains(pg.State, "active") {
			return false
		}
	}
	return len(s.PGStats) > 0
}

// rbdConfig reads the pool's RBD configuration, or none while a PG of the
// pool is not active: librbd's reads would block until the OSD op timeout
// (the dashboard skips them for incomplete pools for the same reason).
func (p pools) rbdConfig(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	var st pgStates
	if err := p.r.monJSON(ctx, poolComponent, &st, "pg ls-by-pool", args{"poolstr": name}); err != nil {
		return nil, err
	}
	if !st.allActive() {
		return []ceph.PoolConfigOption{}, nil
	}
	return p.conf.poolConfig(ctx, name)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
