package memory

import (
	"context"
	"fmt"
	"maps"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

type poolsService struct {
	*backend
	ceph.UnimplementedPools
}

// compressionKeys are the pool options that hold compression settings,
// under Ceph's own names.
var compressionKeys = []string{
	"compression_mode", "compression_algorithm", "compression_min_blob_size",
	"compression_max_blob_size", "compression_required_ratio",
}

func (c *cluster) poolUsageLocked(p *pool, df ceph.DFStats) ceph.PoolUsage {
	raw := p.stored * int64(p.size)
	// What can still be written before the OSDs reach the full ratio.
	avail := int64(float64(df.TotalAvailBytes) * fullRatio)
	maxAvail := avail / int64(max(p.size, 1))
	if p.typ == ceph.Erasure {
		if prof := c.profiles[p.ecProfile]; prof != nil {
			k, _ := strconv.Atoi(prof["k"])
			if p.size > 0 {
				maxAvail = avail * int64(k) / int64(p.size)
			}
			raw = p.stored * int64(p.size) / int64(max(k, 1))
		}
	}
	u := ceph.PoolUsage{
		Stored: p.stored, Objects: p.objects, KBUsed: (raw + 1023) / 1024, BytesUsed: raw,
		MaxAvail: maxAvail, QuotaObjects: p.quotaObjects, QuotaBytes: p.quotaBytes,
		StoredRaw: raw, AvailRaw: avail,
	}
	if raw+maxAvail > 0 {
		u.PercentUsed = float64(raw) / float64(raw+maxAvail)
	}
	return u
}

// poolValueLocked converts a pool to the dashboard's shape; with pl and df
// (computed once per call, not per pool) it adds stats and PG states.
func (c *cluster) poolValueLocked(p *pool, pl *placement, df *ceph.DFStats) ceph.Pool {
	ruleName := ""
	if r := c.rules[p.rule]; r != nil {
		ruleName = r.name
	}
	apps := make([]string, 0, len(p.apps))
	apps = append(apps, sortedKeys(p.apps)...)
	v := ceph.Pool{
		Pool: p.id, PoolName: p.name, Type: p.typ, Size: p.size, MinSize: p.minSize,
		CrushRule: ruleName, PGNum: p.pgNum, PGPlacementNum: p.pgpNum, PGNumTarget: p.pgNum,
		PGPlacementNumTarget: p.pgpNum, PGAutoscaleMode: p.autoscale, ErasureCodeProfile: p.ecProfile,
		Flags: p.flagBits(), FlagsNames: p.flagsNames(), ApplicationMetadata: apps,
		QuotaMaxBytes: p.quotaBytes, QuotaMaxObjects: p.quotaObjects, Options: maps.Clone(p.options),
		CreateTime: stamp(p.created), LastChange: strconv.Itoa(p.lastChange), StripeWidth: p.stripeWidth,
		FastRead: p.fastRead, ObjectHash: 2, SnapMode: "selfmanaged", PGNumPending: p.pgNum,
		LastForceOpResend: "0", LastForceOpResendPrenautilus: "0",
		LastForceOpResendPreluminous: strconv.Itoa(p.lforPreluminous),
	}
	if pl != nil && df != nil {
		u := c.poolUsageLocked(p, *df)
		stat := func(x float64) ceph.PoolStat { return ceph.PoolStat{Latest: x, Rates: [][2]float64{}} }
		v.Stats = map[string]ceph.PoolStat{
			"stored": stat(float64(u.Stored)), "stored_data": stat(float64(u.Stored)), "stored_omap": stat(0),
			"objects": stat(float64(u.Objects)), "kb_used": stat(float64(u.KBUsed)),
			"bytes_used": stat(float64(u.BytesUsed)), "data_bytes_used": stat(float64(u.BytesUsed)),
			"omap_bytes_used": stat(0), "percent_used": stat(u.PercentUsed), "max_avail": stat(float64(u.MaxAvail)),
			"quota_objects": stat(float64(u.QuotaObjects)), "quota_bytes": stat(float64(u.QuotaBytes)),
			"dirty": stat(0), "rd": stat(0), "rd_bytes": stat(0), "wr": stat(0), "wr_bytes": stat(0),
			"compress_bytes_used": stat(0), "compress_under_bytes": stat(0),
			"stored_raw": stat(float64(u.StoredRaw)), "avail_raw": stat(float64(u.AvailRaw)),
		}
		pp := pl.pools[p.id]
		v.PGStatus = map[string]int{}
		if n := p.pgNum - pp.dataPGs; n > 0 {
			v.PGStatus[pp.state] += n
		}
		if pp.dataPGs > 0 {
			v.PGStatus[pp.dataState] += pp.dataPGs
		}
	}
	return v
}

func (s poolsService) List(ctx context.Context, opts *ceph.PoolListOptions) ([]ceph.Pool, error) {
	stats := opts != nil && opts.Stats
	return view(s.backend, ctx, "Pools.List", []any{opts}, func(c *cluster) ([]ceph.Pool, error) {
		var pl *placement
		var df *ceph.DFStats
		if stats {
			pl = c.placementLocked()
			d := c.dfStatsLocked(pl)
			df = &d
		}
		pools := c.sortedPools()
		out := make([]ceph.Pool, 0, len(pools))
		for _, p := range pools {
			out = append(out, c.poolValueLocked(p, pl, df))
		}
		return out, nil
	})
}

func (s poolsService) Get(ctx context.Context, name string, opts *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return view(s.backend, ctx, "Pools.Get", []any{name, opts}, func(c *cluster) (*ceph.Pool, error) {
		p, err := c.poolByNameOrErr(name)
		if err != nil {
			return nil, err
		}
		var v ceph.Pool
		if opts != nil && opts.Stats {
			pl := c.placementLocked()
			df := c.dfStatsLocked(pl)
			v = c.poolValueLocked(p, pl, &df)
		} else {
			v = c.poolValueLocked(p, nil, nil)
		}
		v.Configuration = c.poolConfigLocked(p)
		return &v, nil
	})
}

func (c *cluster) poolConfigLocked(p *pool) []ceph.PoolConfigOption {
	out := make([]ceph.PoolConfigOption, len(c.rbdDefaults))
	copy(out, c.rbdDefaults)
	for i := range out {
		if v, ok := p.rbdConfig[out[i].Name]; ok {
			out[i].Value, out[i].Source = v, 1
		}
	}
	return out
}

func (s poolsService) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	return view(s.backend, ctx, "Pools.Configuration", []any{name}, func(c *cluster) ([]ceph.PoolConfigOption, error) {
		p, err := c.poolByNameOrErr(name)
		if err != nil {
			return nil, err
		}
		return c.poolConfigLocked(p), nil
	})
}

// checkPGNumLocked is OSDMonitor::check_pg_num: the PGs of all pools,
// counting the changed pool with its new pg_num and size, must stay within
// mon_max_pg_per_osd times the in OSDs (at least 3). Ceph answers ERANGE.
func (c *cluster) checkPGNumLocked(self *pool, pgNum, size int) error {
	projected := pgNum * size
	for _, p := range c.pools {
		if p != self {
			projected += p.pgNum * p.size
		}
	}
	in := 0
	for _, o := range c.osds {
		if o != nil && o.in {
			in++
		}
	}
	in = max(in, 3)
	maxPer := int(c.configInt("mon_max_pg_per_osd", "mon"))
	if limit := maxPer * in; projected > limit {
		prefix := ""
		if self != nil {
			prefix = fmt.Sprintf("pool id %d ", self.id)
		}
		return ceph.Errorf(ceph.InvalidArgument, "pool",
			"%spg_num %d size %d would mean %d total pgs, which exceeds max %d (mon_max_pg_per_osd %d * num_in_osds %d)",
			prefix, pgNum, size, projected, limit, maxPer, in)
	}
	return nil
}

func (c *cluster) ruleByNameOrErr(name string) (*rule, error) {
	id, ok := c.ruleByName[name]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "pool", "specified rule %s doesn't exist", name)
	}
	return c.rules[id], nil
}

func (c *cluster) checkSizeOneLocked(size int) error {
	if size == 1 && !c.configBool("mon_allow_pool_size_one", "mon") {
		return ceph.Errorf(ceph.PermissionDenied, "pool", "configuring pool size as 1 is disabled by default.")
	}
	return nil
}

func (c *cluster) defaultMinSize(size int) int {
	if m := int(c.configInt("osd_pool_default_min_size", "mon")); m > 0 {
		return min(m, size)
	}
	return size - size/2
}

func applyCompression(p *pool, comp *ceph.Compression) {
	if comp == nil {
		return
	}
	if comp.Mode == "unset" {
		for _, k := range compressionKeys {
			delete(p.options, k)
		}
		return
	}
	setStr := func(key, v string) {
		switch v {
		case "":
		case "unset":
			delete(p.options, key)
		default:
			p.options[key] = v
		}
	}
	setStr("compression_mode", comp.Mode)
	setStr("compression_algorithm", comp.Algorithm)
	if comp.MinBlobSize > 0 {
		p.options["compression_min_blob_size"] = comp.MinBlobSize
	}
	if comp.MaxBlobSize > 0 {
		p.options["compression_max_blob_size"] = comp.MaxBlobSize
	}
	if comp.RequiredRatio > 0 {
		p.options["compression_required_ratio"] = comp.RequiredRatio
	}
}

// setRBDConfigLocked sets (or, for "", removes) pool-level RBD options;
// the caller has checked the keys with checkRBDKeysLocked.
func (c *cluster) setRBDConfigLocked(p *pool, cfg map[string]string) {
	for k, v := range cfg {
		if v == "" {
			delete(p.rbdConfig, k)
		} else {
			p.rbdConfig[k] = v
		}
	}
}

func (c *cluster) checkRBDKeysLocked(cfg map[string]string) error {
	for _, k := range sortedKeys(cfg) {
		if _, ok := c.rbdIndex[k]; !ok {
			return ceph.Errorf(ceph.InvalidArgument, "pool", "invalid config option %q", k)
		}
	}
	return nil
}

// Create creates a pool as the dashboard does (`osd pool create`, then
// applications, flags, quotas, options and RBD configuration).
//
// An existing name gives AlreadyExists. (The mon command itself answers 0
// with "pool 'x' already exists"; a create that silently leaves a
// different pool in place would be a lie to the caller, so the API, like
// the dashboard's task, reports it.)
func (s poolsService) Create(ctx context.Context, name string, opts *ceph.PoolCreateOptions) error {
	typ := opts.Type
	if typ == "" {
		typ = ceph.Replicated
	}
	cmd := command("osd pool create", "pool", name, "pg_num", opts.PGNum, "pgp_num", opts.PGNum, "pool_type", string(typ))
	return s.write(ctx, "Pools.Create", []any{name, opts}, cmd, func(c *cluster) error {
		if _, ok := c.poolByName[name]; ok {
			return ceph.Errorf(ceph.AlreadyExists, "pool", "pool '%s' already exists", name)
		}
		var (
			size, minSize, stripe int
			ecProfile             string
			r                     *rule
			err                   error
		)
		switch typ {
		case ceph.Erasure:
			ecProfile = opts.ErasureCodeProfile
			if ecProfile == "" {
				ecProfile = "default"
			}
			prof, ok := c.profiles[ecProfile]
			if !ok {
				return ceph.Errorf(ceph.NotFound, "pool", "specified erasure code profile %s does not exist", ecProfile)
			}
			k, _ := strconv.Atoi(prof["k"])
			m, _ := strconv.Atoi(prof["m"])
			size = k + m
			minSize = k + min(1, m-1)
			if opts.MinSize > 0 {
				if opts.MinSize < k || opts.MinSize > size {
					return ceph.Errorf(ceph.InvalidArgument, "pool", "pool min_size must be between %d and %d", k, size)
				}
				minSize = opts.MinSize
			}
			stripe = k * int(c.configInt("osd_pool_erasure_code_stripe_unit", "mon"))
			if opts.CrushRule != "" {
				if r, err = c.ruleByNameOrErr(opts.CrushRule); err != nil {
					return err
				}
			} else if id, ok := c.ruleByName[name]; ok {
				r = c.rules[id]
			} else {
				rootName := prof["crush-root"]
				if rootName == "" {
					rootName = "default"
				}
				root, ok := c.bucketByName[rootName]
				if !ok {
					return ceph.Errorf(ceph.NotFound, "pool", "root item %s does not exist", rootName)
				}
				domain := prof["crush-failure-domain"]
				if domain == "" {
					domain = "host"
				}
				r = c.addRuleLocked(name, 3, root, prof["crush-device-class"], domain, 3, size)
			}
		default:
			size = opts.Size
			if size == 0 {
				size = int(c.configInt("osd_pool_default_size", "mon"))
			}
			minSize = opts.MinSize
			if minSize == 0 {
				minSize = c.defaultMinSize(size)
			}
			if minSize > size {
				return ceph.Errorf(ceph.InvalidArgument, "pool", "pool min_size must be between 1 and size, which is set to %d", size)
			}
			if err := c.checkSizeOneLocked(size); err != nil {
				return err
			}
			if opts.CrushRule != "" {
				if r, err = c.ruleByNameOrErr(opts.CrushRule); err != nil {
					return err
				}
			} else {
				for _, x := range c.sortedRules() {
					if x.typ == 1 {
						r = x
						break
					}
				}
				if r == nil {
					return ceph.Errorf(ceph.NotFound, "pool", "no replicated crush rule exists")
				}
			}
		}
		if (typ == ceph.Erasure) != (r.typ == 3) {
			return ceph.Errorf(ceph.InvalidArgument, "pool", "crush rule %s type does not match pool type %s", r.name, typ)
		}
		for _, f := range opts.Flags {
			if f == "ec_overwrites" && typ != ceph.Erasure {
				return ceph.Errorf(ceph.InvalidArgument, "pool", "ec overwrites can only be enabled for an erasure coded pool")
			}
		}
		if err := c.checkPGNumLocked(nil, opts.PGNum, size); err != nil {
			return err
		}
		if err := c.checkRBDKeysLocked(opts.Configuration); err != nil {
			return err
		}
		p := c.newPoolLocked(name, typ, opts.PGNum)
		p.size, p.minSize, p.rule, p.ecProfile, p.stripeWidth = size, minSize, r.id, ecProfile, stripe
		if opts.PGAutoscaleMode != "" {
			p.autoscale = opts.PGAutoscaleMode
		}
		for _, f := range opts.Flags {
			if f == "ec_overwrites" {
				p.flags |= poolFlagECOverwrites
			}
		}
		for _, a := range opts.Applications {
			p.apps[a] = map[string]string{}
		}
		applyCompression(p, opts.Compression)
		p.quotaBytes, p.quotaObjects = opts.QuotaMaxBytes, opts.QuotaMaxObjects
		c.setRBDConfigLocked(p, opts.Configuration) // keys checked above
		c.osdmapChangedLocked()
		return nil
	})
}

// Update changes a pool as the dashboard's edit does.
func (s poolsService) Update(ctx context.Context, name string, opts *ceph.PoolUpdateOptions) error {
	return s.update(ctx, "Pools.Update", []any{name, opts}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(name)
		if err != nil {
			return err
		}
		// Check everything before changing anything.
		size, minSize, pgNum := p.size, p.minSize, p.pgNum
		if opts.Size != nil && *opts.Size != p.size {
			if p.typ == ceph.Erasure {
				return ceph.Errorf(ceph.InvalidArgument, "pool", "can not change the size of an EC pool")
			}
			size = *opts.Size
			minSize = c.defaultMinSize(size)
			if err := c.checkSizeOneLocked(size); err != nil {
				return err
			}
			if size == 1 {
				// `osd pool set size 1` also wants --yes-i-really-mean-it,
				// which the dashboard's edit does not pass.
				return ceph.Errorf(ceph.PermissionDenied, "pool", "WARNING: setting pool size 1 could lead to data loss without recovery. If you are *ABSOLUTELY CERTAIN* that is what you want, pass the flag --yes-i-really-mean-it.")
			}
		}
		if opts.MinSize != nil {
			minSize = *opts.MinSize
		}
		if minSize < 1 || minSize > size {
			return ceph.Errorf(ceph.InvalidArgument, "pool", "pool min_size must be between 1 and size, which is set to %d", size)
		}
		if opts.PGNum != nil {
			pgNum = *opts.PGNum
		}
		if pgNum != p.pgNum || size != p.size {
			if err := c.checkPGNumLocked(p, pgNum, size); err != nil {
				return err
			}
		}
		var r *rule
		if opts.CrushRule != nil {
			if r, err = c.ruleByNameOrErr(*opts.CrushRule); err != nil {
				return err
			}
			if (p.typ == ceph.Erasure) != (r.typ == 3) {
				return ceph.Errorf(ceph.InvalidArgument, "pool", "crush rule %s type does not match pool type %s", r.name, p.typ)
			}
		}
		for _, f := range opts.Flags {
			if f == "ec_overwrites" && p.typ != ceph.Erasure {
				return ceph.Errorf(ceph.InvalidArgument, "pool", "ec overwrites can only be enabled for an erasure coded pool")
			}
		}
		if opts.NewName != nil { // real 16.2.15: renaming a pool to its own name is EEXIST
			if _, ok := c.poolByName[*opts.NewName]; ok {
				return ceph.Errorf(ceph.AlreadyExists, "pool", "pool '%s' already exists", *opts.NewName)
			}
		}
		if err := c.checkRBDKeysLocked(opts.Configuration); err != nil {
			return err
		}

		set := func(v string, val any) {
			c.auditLocked(command("osd pool set", "pool", name, "var", v, "val", fmt.Sprint(val)))()
		}
		if size != p.size {
			set("size", size)
		}
		if opts.MinSize != nil {
			set("min_size", minSize)
		}
		p.size, p.minSize = size, minSize
		if pgNum != p.pgNum {
			set("pg_num", pgNum)
			set("pgp_num", pgNum)
			p.pgNum, p.pgpNum = pgNum, pgNum
			p.lforPreluminous = c.epoch + 1
		}
		if r != nil {
			set("crush_rule", r.name)
			p.rule = r.id
		}
		for _, f := range opts.Flags {
			if f == "ec_overwrites" {
				set("allow_ec_overwrites", "true")
				p.flags |= poolFlagECOverwrites
			}
		}
		if opts.Applications != nil {
			want := map[string]bool{}
			for _, a := range *opts.Applications {
				want[a] = true
			}
			for _, a := range sortedKeys(p.apps) {
				if !want[a] {
					c.auditLocked(command("osd pool application disable", "pool", name, "app", a, "yes_i_really_mean_it", true))()
					delete(p.apps, a)
				}
			}
			for _, a := range sortedKeys(want) {
				if _, ok := p.apps[a]; !ok {
					c.auditLocked(command("osd pool application enable", "pool", name, "app", a, "yes_i_really_mean_it", true))()
					p.apps[a] = map[string]string{}
				}
			}
		}
		if opts.PGAutoscaleMode != nil {
			set("pg_autoscale_mode", *opts.PGAutoscaleMode)
			p.autoscale = *opts.PGAutoscaleMode
		}
		applyCompression(p, opts.Compression)
		if opts.QuotaMaxBytes != nil {
			c.auditLocked(command("osd pool set-quota", "pool", name, "field", "max_bytes", "val", fmt.Sprint(*opts.QuotaMaxBytes)))()
			p.quotaBytes = *opts.QuotaMaxBytes
		}
		if opts.QuotaMaxObjects != nil {
			c.auditLocked(command("osd pool set-quota", "pool", name, "field", "max_objects", "val", fmt.Sprint(*opts.QuotaMaxObjects)))()
			p.quotaObjects = *opts.QuotaMaxObjects
		}
		if opts.NewName != nil && *opts.NewName != name {
			c.auditLocked(command("osd pool rename", "srcpool", name, "destpool", *opts.NewName))()
			delete(c.poolByName, name)
			p.name = *opts.NewName
			c.poolByName[p.name] = p.id
		}
		c.setRBDConfigLocked(p, opts.Configuration) // keys checked above
		p.lastChange = c.epoch + 1
		c.osdmapChangedLocked()
		return nil
	})
}

// Delete removes a pool. A missing pool gives NotFound (the mon command
// answers 0 "pool 'x' does not exist"; the API reports the mistake), and
// mon_allow_pool_delete=false gives PermissionDenied with Ceph's EPERM
// message.
func (s poolsService) Delete(ctx context.Context, name string) error {
	cmd := command("osd pool delete", "pool", name, "pool2", name, "yes_i_really_really_mean_it", true)
	return s.write(ctx, "Pools.Delete", []any{name}, cmd, func(c *cluster) error {
		p, err := c.poolByNameOrErr(name)
		if err != nil {
			return err
		}
		if !c.configBool("mon_allow_pool_delete", "mon") {
			return ceph.Errorf(ceph.PermissionDenied, "pool", "pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true before you can destroy a pool")
		}
		if fs := c.fsUsesPoolLocked(p.id); fs != "" {
			return ceph.Errorf(ceph.Busy, "pool", "pool '%s' is in use by CephFS", name)
		}
		delete(c.pools, p.id)
		delete(c.poolByName, name)
		c.osdmapChangedLocked()
		return nil
	})
}
