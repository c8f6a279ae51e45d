package cmdemu

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"sort"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

// OSD map in Ceph's binary encoding (OSDMap::encode), as a 16.2.15
// monitor gives `osd getmap` to a client with every feature. The layout
// (src/osd/OSDMap.cc, osd_types.cc), checked field by field against a
// 16.2.15 map:
//
//   - a v8 (compat 7) wrapper of two sections and the u32 crc32c (seed
//     -1, not inverted) of everything before it;
//   - the client section, v9 (compat 1): raw fsid, u32 epoch, utime_t
//     created and modified, map<int64, pg_pool_t> pools, map<int64,
//     string> pool names, s32 pool_max, u32 flags, s32 max_osd, then per
//     OSD (max_osd entries) u32 state, u32 weight (16.16) and the public
//     entity_addrvec_t; pg_temp, primary_temp (maps), the primary
//     affinities (empty when all are 1), the CRUSH map as a u32-sized
//     blob, erasure-code profiles (map<string, map<string,string>>),
//     pg_upmap, pg_upmap_items, s32 crush_version, new_removed_snaps,
//     new_purged_snaps (maps), utime_t last_up_change and last_in_change;
//   - the OSD-only section, v9 (compat 1): heartbeat back addresses,
//     osd_info_t per OSD (u8 1, u32 last_clean_begin, last_clean_end,
//     up_from, up_thru, down_at, lost_at), the blocklist (map<addr,
//     utime_t>), cluster addresses, u32 cluster_snapshot_epoch, string
//     cluster_snapshot, uuid per OSD, osd_xinfo_t per OSD (v4: utime_t
//     down_stamp, u32 laggy_probability, u32 laggy_interval, u64
//     features, u32 old_weight, utime_t last_purged_snaps_scrub, u32
//     dead_epoch), heartbeat front addresses, float nearfull, full and
//     backfillfull ratios, u8 require_min_compat_client and
//     require_osd_release, removed_snaps_queue, crush_node_flags and
//     device_class_flags (maps).
//
// pg_pool_t is v29 (compat 5); see encodePool.

// osdMapInput is what the OSD map is encoded from.
type osdMapInput struct {
	m        ceph.OSDMap
	pools    []ceph.Pool
	rules    []ceph.CrushRule
	crush    []byte
	profiles []ceph.ErasureCodeProfile
	// appMeta, when set, is each pool's application metadata (pool ->
	// application -> key -> value); the domain has the names only, so
	// the emulator leaves it nil and the maps are empty.
	appMeta map[int]map[string]map[string]string
}

// osdXInfo is one entry of osd dump's osd_xinfo, which a transport may
// pass (OSDMap.OSDXInfo).
type osdXInfo struct {
	OSD                  int     `json:"osd"`
	DownStamp            string  `json:"down_stamp"`
	LaggyProbability     float64 `json:"laggy_probability"`
	LaggyInterval        uint32  `json:"laggy_interval"`
	Features             uint64  `json:"features"`
	OldWeight            uint32  `json:"old_weight"`
	LastPurgedSnapsScrub string  `json:"last_purged_snaps_scrub"`
	DeadEpoch            uint32  `json:"dead_epoch"`
}

// osdMapFlagBits are CEPH_OSDMAP_* by the names osd dump prints.
var osdMapFlagBits = map[string]uint32{
	"nearfull": 1 << 0, "full": 1 << 1, "pauserd": 1 << 2, "pausewr": 1 << 3, "pauserec": 1 << 4,
	"noup": 1 << 5, "nodown": 1 << 6, "noout": 1 << 7, "noin": 1 << 8, "nobackfill": 1 << 9,
	"norecover": 1 << 10, "noscrub": 1 << 11, "nodeep-scrub": 1 << 12, "notieragent": 1 << 13,
	"norebalance": 1 << 14, "sortbitwise": 1 << 15, "require_jewel_osds": 1 << 16,
	"require_kraken_osds": 1 << 17, "require_luminous_osds": 1 << 18, "recovery_deletes": 1 << 19,
	"purged_snapdirs": 1 << 20, "nosnaptrim": 1 << 21, "pglog_hardlimit": 1 << 22,
}

// osdStateBits are CEPH_OSD_* by the names osd dump prints.
var osdStateBits = map[string]uint32{
	"exists": 1 << 0, "up": 1 << 1, "autoout": 1 << 2, "new": 1 << 3, "full": 1 << 4,
	"nearfull": 1 << 5, "backfillfull": 1 << 6, "destroyed": 1 << 7, "noup": 1 << 8,
	"nodown": 1 << 9, "noin": 1 << 10, "noout": 1 << 11, "stop": 1 << 12,
}

// cephReleases are ceph_release_t by name.
var cephReleases = map[string]uint8{
	"argonaut": 1, "bobtail": 2, "cuttlefish": 3, "dumpling": 4, "emperor": 5, "firefly": 6,
	"giant": 7, "hammer": 8, "infernalis": 9, "jewel": 10, "kraken": 11, "luminous": 12,
	"mimic": 13, "nautilus": 14, "octopus": 15, "pacific": 16, "quincy": 17,
}

// pacificOSDFeatures are the features a 16.2.15 OSD reports at boot (its
// osd_xinfo_t features); the model keeps none, so every OSD that has been
// up gets these.
const pacificOSDFeatures = 0x3f01cfbdfffdffff

func encodeOSDMap(in osdMapInput) ([]byte, error) {
	m := in.m
	var e enc
	wrap := e.start(8, 7)

	client := e.start(9, 1)
	fsid, err := uuidBytes(m.FSID)
	if err != nil {
		return nil, err
	}
	e.raw(fsid)
	e.u32(uint32(m.Epoch))
	if err := e.utime(m.Created); err != nil {
		return nil, err
	}
	if err := e.utime(m.Modified); err != nil {
		return nil, err
	}
	ruleIDs := map[string]int{}
	for _, r := range in.rules {
		ruleIDs[r.RuleName] = r.RuleID
	}
	pools := append([]ceph.Pool(nil), in.pools...)
	sort.SliceStable(pools, func(i, j int) bool { return pools[i].Pool < pools[j].Pool })
	e.u32(uint32(len(pools)))
	poolMax := 0
	for _, p := range pools {
		e.s64(int64(p.Pool))
		if err := e.pool(p, ruleIDs, in.appMeta[p.Pool]); err != nil {
			return nil, fmt.Errorf("pool %s: %v", p.PoolName, err)
		}
		poolMax = max(poolMax, p.Pool)
	}
	e.u32(uint32(len(pools)))
	for _, p := range pools {
		e.s64(int64(p.Pool))
		e.str(p.PoolName)
	}
	if len(m.PoolMax) > 0 {
		_ = json.Unmarshal(m.PoolMax, &poolMax)
	}
	e.s32(int32(poolMax))
	var flags uint32
	if len(m.FlagsNum) == 0 || json.Unmarshal(m.FlagsNum, &flags) != nil {
		for _, f := range m.FlagsSet {
			b, ok := osdMapFlagBits[f]
			if !ok {
				return nil, fmt.Errorf("unknown OSD map flag %q", f)
			}
			flags |= b
		}
	}
	e.u32(flags)

	maxOSD := m.MaxOSD
	osds := map[int]ceph.OSDMapEntry{}
	for _, o := range m.OSDs {
		osds[o.OSD] = o
		maxOSD = max(maxOSD, o.OSD+1)
	}
	e.s32(int32(maxOSD))
	e.u32(uint32(maxOSD))
	for id := 0; id < maxOSD; id++ {
		var st uint32
		if o, ok := osds[id]; ok {
			for _, s := range o.State {
				b, ok := osdStateBits[s]
				if !ok {
					return nil, fmt.Errorf("osd.%d: unknown state %q", id, s)
				}
				st |= b
			}
		}
		e.u32(st)
	}
	e.u32(uint32(maxOSD))
	for id := 0; id < maxOSD; id++ {
		e.u32(uint32(fixed16(osds[id].Weight)))
	}
	addrs := func(which func(o ceph.OSDMapEntry) (*ceph.AddrVec, string)) error {
		e.u32(uint32(maxOSD))
		for id := 0; id < maxOSD; id++ {
			var v []ceph.EntityAddr
			if o, ok := osds[id]; ok {
				vec, legacy := which(o)
				if vec != nil {
					v = vec.AddrVec
				} else if a, ok := parseEntityAddr(legacy); ok && a.Addr != "-" && a.Addr != "" {
					v = []ceph.EntityAddr{a}
				}
			}
			if err := e.addrvec(v); err != nil {
				return fmt.Errorf("osd.%d: %v", id, err)
			}
		}
		return nil
	}
	if err := addrs(func(o ceph.OSDMapEntry) (*ceph.AddrVec, string) { return o.PublicAddrs, o.PublicAddr }); err != nil {
		return nil, err
	}
	e.u32(0) // pg_temp
	e.u32(0) // primary_temp
	affinity := false
	for _, o := range m.OSDs {
		affinity = affinity || o.PrimaryAffinity != 1
	}
	if affinity {
		e.u32(uint32(maxOSD))
		for id := 0; id < maxOSD; id++ {
			a := 1.0
			if o, ok := osds[id]; ok {
				a = o.PrimaryAffinity
			}
			e.u32(uint32(fixed16(a)))
		}
	} else {
		e.u32(0)
	}
	e.u32(uint32(len(in.crush)))
	e.raw(in.crush)
	profiles := append([]ceph.ErasureCodeProfile(nil), in.profiles...)
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Name < profiles[j].Name })
	e.u32(uint32(len(profiles)))
	for _, p := range profiles {
		e.str(p.Name)
		e.strStrMap(profileMap(p))
	}
	e.u32(0) // pg_upmap
	e.u32(0) // pg_upmap_items
	e.s32(int32(m.CrushVersion))
	e.u32(0) // new_removed_snaps
	e.u32(0) // new_purged_snaps
	if err := e.utime(m.LastUpChange); err != nil {
		return nil, err
	}
	if err := e.utime(m.LastInChange); err != nil {
		return nil, err
	}
	e.finish(client)

	osdOnly := e.start(9, 1)
	if err := addrs(func(o ceph.OSDMapEntry) (*ceph.AddrVec, string) { return o.HeartbeatBackAddrs, o.HeartbeatBack }); err != nil {
		return nil, err
	}
	e.u32(uint32(maxOSD))
	for id := 0; id < maxOSD; id++ {
		o := osds[id]
		e.u8(1)
		for _, v := range []int{o.LastCleanBegin, o.LastCleanEnd, o.UpFrom, o.UpThru, o.DownAt, o.LostAt} {
			e.u32(uint32(v))
		}
	}
	e.u32(0) // blocklist: the domain has none
	if err := addrs(func(o ceph.OSDMapEntry) (*ceph.AddrVec, string) { return o.ClusterAddrs, o.ClusterAddr }); err != nil {
		return nil, err
	}
	e.u32(0)  // cluster_snapshot_epoch
	e.str("") // cluster_snapshot
	e.u32(uint32(maxOSD))
	for id := 0; id < maxOSD; id++ {
		u := make([]byte, 16)
		if o, ok := osds[id]; ok && o.UUID != "" {
			if u, err = uuidBytes(o.UUID); err != nil {
				return nil, fmt.Errorf("osd.%d: %v", id, err)
			}
		}
		e.raw(u)
	}
	// osd_xinfo_t: from the transport's osd_xinfo when it has one, else
	// what a 16.2.15 OSD that booted has (its features, nothing else).
	xinfo := map[int]osdXInfo{}
	if len(m.OSDXInfo) > 0 {
		var l []osdXInfo
		if err := json.Unmarshal(m.OSDXInfo, &l); err != nil {
			return nil, fmt.Errorf("osd_xinfo: %v", err)
		}
		for _, x := range l {
			xinfo[x.OSD] = x
		}
	}
	e.u32(uint32(maxOSD))
	for id := 0; id < maxOSD; id++ {
		x, ok := xinfo[id]
		if o, exists := osds[id]; !ok && exists && o.UpFrom > 0 {
			x.Features = pacificOSDFeatures
		}
		at := e.start(4, 1)
		if err := e.utime(zeroStamp(x.DownStamp)); err != nil {
			return nil, err
		}
		e.u32(uint32(x.LaggyProbability * 0xffffffff))
		e.u32(x.LaggyInterval)
		e.u64(x.Features)
		e.u32(x.OldWeight)
		if err := e.utime(zeroStamp(x.LastPurgedSnapsScrub)); err != nil {
			return nil, err
		}
		e.u32(x.DeadEpoch)
		e.finish(at)
	}
	if err := addrs(func(o ceph.OSDMapEntry) (*ceph.AddrVec, string) { return o.HeartbeatFrontAddrs, o.HeartbeatFront }); err != nil {
		return nil, err
	}
	for _, r := range []float64{m.NearfullRatio, m.FullRatio, m.BackfillfullRatio} {
		e.u32(math.Float32bits(float32(r)))
	}
	minCompat, ok := cephReleases[m.RequireMinCompatClient]
	if !ok {
		minCompat = cephReleases["luminous"]
	}
	osdRelease, ok := cephReleases[m.RequireOSDRelease]
	if !ok {
		osdRelease = cephReleases["pacific"]
	}
	e.u8(minCompat)
	e.u8(osdRelease)
	e.u32(0) // removed_snaps_queue
	e.u32(0) // crush_node_flags
	e.u32(0) // device_class_flags
	e.finish(osdOnly)

	crcAt := len(e.b)
	e.u32(0)
	e.finish(wrap)
	crc := ^crc32.Update(0, crc32.MakeTable(crc32.Castagnoli), e.b[:crcAt])
	e.b[crcAt], e.b[crcAt+1], e.b[crcAt+2], e.b[crcAt+3] = byte(crc), byte(crc>>8), byte(crc>>16), byte(crc>>24)
	return e.b, nil
}

// zeroStamp is "" for the zero utime_t, which Ceph prints "0.000000".
func zeroStamp(s string) string {
	if s == "0.000000" {
		return ""
	}
	return s
}

func profileMap(p ceph.ErasureCodeProfile) map[string]string {
	out := map[string]string{}
	for k, v := range p.Extra {
		out[k] = v
	}
	out["k"], out["m"] = strconv.Itoa(p.K), strconv.Itoa(p.M)
	for k, v := range map[string]string{"plugin": p.Plugin, "technique": p.Technique,
		"crush-failure-domain": p.CrushFailureDomain, "crush-root": p.CrushRoot, "crush-device-class": p.CrushDeviceClass} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// poolOptKeys are pool_opts_t's keys (their ids and value types: 0
// string, 1 int, 2 double) by the names osd dump prints.
var poolOptKeys = map[string][2]int32{
	"scrub_min_interval": {0, 2}, "scrub_max_interval": {1, 2}, "deep_scrub_interval": {2, 2},
	"recovery_priority": {3, 1}, "recovery_op_priority": {4, 1}, "scrub_priority": {5, 1},
	"compression_mode": {6, 0}, "compression_algorithm": {7, 0}, "compression_required_ratio": {8, 2},
	"compression_max_blob_size": {9, 1}, "compression_min_blob_size": {10, 1}, "csum_type": {11, 1},
	"csum_max_block": {12, 1}, "csum_min_block": {13, 1}, "fingerprint_algorithm": {14, 0},
	"pg_num_min": {15, 1}, "target_size_bytes": {16, 1}, "target_size_ratio": {17, 2},
	"pg_autoscale_bias": {18, 2}, "read_lease_interval": {19, 2}, "dedup_tier": {20, 1},
	"dedup_chunk_algorithm": {21, 0}, "dedup_cdc_chunk_size": {22, 1}, "pg_num_max": {23, 1},
}

var autoscaleModes = map[string]uint8{"off": 0, "warn": 1, "on": 2}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// pool encodes a pg_pool_t v29 (compat 5). What the domain's pool does not
// carry is what a 16.2.15 monitor gives a new pool: no snapshots, tiers,
// hit sets or cache settings (the cache ratios at their defaults),
// use_gmt_hitset on, no PG merge, and the applications' metadata empty
// (the domain lists the applications by name only).
func (e *enc) pool(p ceph.Pool, ruleIDs map[string]int, meta map[string]map[string]string) error {
	at := e.start(29, 5)
	switch p.Type {
	case ceph.Replicated:
		e.u8(1)
	case ceph.Erasure:
		e.u8(3)
	default:
		return fmt.Errorf("type %q", p.Type)
	}
	e.u8(uint8(p.Size))
	rule, ok := ruleIDs[p.CrushRule]
	if !ok {
		if n, err := strconv.Atoi(p.CrushRule); err == nil {
			rule = n
		} else {
			return fmt.Errorf("unknown CRUSH rule %q", p.CrushRule)
		}
	}
	e.u8(uint8(rule))
	e.u8(uint8(p.ObjectHash))
	e.u32(uint32(p.PGNum))
	e.u32(uint32(p.PGPlacementNum))
	e.u32(0) // lpg_num
	e.u32(0) // lpgp_num
	e.u32(uint32(atoiOr0(p.LastChange)))
	e.u64(uint64(p.SnapSeq))
	e.u32(0) // snap_epoch
	e.u32(0) // snaps
	e.u32(0) // removed_snaps
	e.u64(0) // auid
	e.u64(uint64(p.Flags))
	e.u32(0) // crash_replay_interval
	e.u8(uint8(p.MinSize))
	e.u64(uint64(p.QuotaMaxBytes))
	e.u64(uint64(p.QuotaMaxObjects))
	e.u32(0)  // tiers
	e.s64(-1) // tier_of
	e.u8(0)   // cache_mode none
	e.s64(-1) // read_tier
	e.s64(-1) // write_tier
	e.u32(0)  // properties
	hs := e.start(1, 1)
	e.u8(0) // hit_set_params: none
	e.finish(hs)
	e.u32(0) // hit_set_period
	e.u32(0) // hit_set_count
	e.u32(uint32(p.StripeWidth))
	e.u64(0)      // target_max_bytes
	e.u64(0)      // target_max_objects
	e.u32(400000) // cache_target_dirty_ratio_micro
	e.u32(800000) // cache_target_full_ratio_micro
	e.u32(0)      // cache_min_flush_age
	e.u32(0)      // cache_min_evict_age
	e.str(p.ErasureCodeProfile)
	e.u32(uint32(atoiOr0(p.LastForceOpResendPreluminous)))
	e.u32(0)      // min_read_recency_for_promote
	e.u64(0)      // expected_num_objects
	e.u32(600000) // cache_target_dirty_high_ratio_micro
	e.u32(0)      // min_write_recency_for_promote
	e.boolean(true)
	e.boolean(p.FastRead)
	e.u32(0) // hit_set_grade_decay_rate
	e.u32(0) // hit_set_search_last_n
	if err := e.poolOpts(p.Options); err != nil {
		return err
	}
	e.u32(uint32(atoiOr0(p.LastForceOpResendPrenautilus)))
	apps := append([]string(nil), p.ApplicationMetadata...)
	sort.Strings(apps)
	e.u32(uint32(len(apps)))
	for _, a := range apps {
		e.str(a)
		e.strStrMap(meta[a])
	}
	if err := e.utime(p.CreateTime); err != nil {
		return err
	}
	e.u32(uint32(p.PGNumTarget))
	e.u32(uint32(p.PGPlacementNumTarget))
	pending := p.PGNumPending
	if pending == 0 {
		pending = p.PGNum
	}
	e.u32(uint32(pending))
	e.u32(0) // pg_num_dec_last_epoch_started
	e.u32(0) // pg_num_dec_last_epoch_clean
	e.u32(uint32(atoiOr0(p.LastForceOpResend)))
	mode, ok := autoscaleModes[p.PGAutoscaleMode]
	if !ok {
		return fmt.Errorf("autoscale mode %q", p.PGAutoscaleMode)
	}
	e.u8(mode)
	mm := e.start(1, 1) // last_pg_merge_meta: none
	e.u8(1)             // pg_t source_pgid: v1, pool 0, seed 0, preferred -1
	e.u64(0)
	e.u32(0)
	e.s32(-1)
	e.u32(0) // ready_epoch
	e.u32(0) // last_epoch_started
	e.u32(0) // last_epoch_clean
	e.u64(0) // source_version
	e.u32(0)
	e.u64(0) // target_version
	e.u32(0)
	e.finish(mm)
	e.finish(at)
	return nil
}

// poolOpts encodes pool_opts_t v2 (compat 1): u32 count, then per option
// s32 key, s32 type and the value (string, int64 or double).
func (e *enc) poolOpts(opts map[string]any) error {
	type opt struct {
		key, typ int32
		v        any
	}
	var l []opt
	for k, v := range opts {
		kt, ok := poolOptKeys[k]
		if !ok {
			return fmt.Errorf("unknown pool option %q", k)
		}
		l = append(l, opt{kt[0], kt[1], v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].key < l[j].key })
	at := e.start(2, 1)
	e.u32(uint32(len(l)))
	for _, o := range l {
		e.s32(o.key)
		e.s32(o.typ)
		switch o.typ {
		case 0:
			e.str(fmt.Sprint(o.v))
		case 1:
			n, ok := number(o.v)
			if !ok {
				return fmt.Errorf("pool option %d: %v is no number", o.key, o.v)
			}
			e.s64(int64(n))
		case 2:
			n, ok := number(o.v)
			if !ok {
				return fmt.Errorf("pool option %d: %v is no number", o.key, o.v)
			}
			e.u64(math.Float64bits(n))
		}
	}
	e.finish(at)
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}
