package cmdemu

import (
	"fmt"
	"strconv"
	"strings"
)

// The PG map as the 16.2.15 manager answers pg getmap: PGMap::encode
// with every feature. Its input is the PG map as pg dump's JSON prints it
// (pgMapDump), so what pg getmap encodes is what pg dump shows; the
// emulator fills it from its PG view, the tests from a real manager's
// pg dump.
//
// The layout (every struct ENCODE_START: u8 version, u8 compat, u32
// length):
//
//   - PGMap v8 (compat 8): u64 version, the PGs (u32 count, then pg_t and
//     pg_stat_t per PG, in the order of the manager's hash map, which is
//     also pg dump's order), the OSDs (u32 count, then s32 id and
//     osd_stat_t, likewise in pg dump's order), u32 last_osdmap_epoch,
//     u32 last_pg_scan, utime_t stamp, pool_statfs (a map of (s64 pool,
//     s32 osd) to store_statfs_t).
//   - pg_t: u8 1, u64 pool, u32 seed, s32 -1 (the old preferred OSD).
//   - pg_stat_t v26 (compat 22): eversion_t version (u64 version, u32
//     epoch), u64 reported_seq, u32 reported_epoch, u32 state (the low
//     half), eversion_t log_start and ondisk_log_start, u32 created, u32
//     last_epoch_clean, pg_t parent, u32 parent_split_bits, eversion_t
//     last_scrub, utime_t last_scrub_stamp, object_stat_collection_t
//     stats, s64 log_size, s64 ondisk_log_size, s32 lists up and acting,
//     utime_t last_fresh, last_change, last_active, last_clean and
//     last_unstale, u32 mapping_epoch, eversion_t last_deep_scrub, utime_t
//     last_deep_scrub_stamp, bool stats_invalid, utime_t
//     last_clean_scrub_stamp and last_became_active, bool
//     dirty_stats_invalid, s32 up_primary and acting_primary, bool
//     omap_stats_invalid and hitset_stats_invalid, s32 list blocked_by,
//     utime_t last_undegraded and last_fullsized, bool
//     hitset_bytes_stats_invalid, utime_t last_peered and
//     last_became_peered, bool pin_stats_invalid, u32 snaptrimq_len, u32
//     state (the high half), purged_snaps (u32 count of u64 start, u64
//     length), bool manifest_stats_invalid, avail_no_missing (pg_shard_t
//     list) and object_location_counts (a map of pg_shard_t sets to s32).
//   - object_stat_collection_t v2 (compat 2): object_stat_sum_t, then u32
//     0 (the empty per-category map).
//   - object_stat_sum_t v20 (compat 14): its 40 counters as they lie in
//     memory (Ceph appends the struct's bytes on a little-endian host):
//     s64 each but for the four flush/evict mode counters, s32
//     (statSumFields).
//   - osd_stat_t v14 (compat 2): s64 kb, kb_used, kb_avail, s32
//     snap_trim_queue_len and num_snap_trimming, s32 list hb_peers, u32 0
//     (the old hb_out list), pow2_hist_t op_queue_age_hist (v1: s32 list),
//     objectstore_perf_stat_t (v2: u64 commit and apply latency in ns),
//     u32 up_from, u64 seq, u32 num_pgs, s64 kb_used_data, kb_used_omap,
//     kb_used_meta, store_statfs_t statfs (v1: ten s64), os_alerts (a
//     map of s32 OSD to a set of string pairs; a reporting OSD sends an
//     entry for itself, empty without alerts), u32 num_shards_repaired, num_osds, num_per_pool_osds and
//     num_per_pool_omap_osds, s32 count of hb_pingtime entries.
//
// What pg dump's JSON prints of these is all the encoding carries but for
// the stamps' nanoseconds below the microseconds (encoded as 0) and a
// reporting OSD's own empty os_alerts entry (Reporting). The heartbeat
// ping times (hb_pingtime, pg dump's network_ping_times) are empty on a
// single-OSD cluster, the one checked, and in the model; so are the
// alerts, pool_statfs and object_location_counts: they are encoded only
// when empty (the encoding is refused otherwise).

// pgMapDump is pg dump's pg_map: the input of encodePGMap.
type pgMapDump struct {
	Version         uint64        `json:"version"`
	Stamp           string        `json:"stamp"`
	LastOSDMapEpoch uint32        `json:"last_osdmap_epoch"`
	LastPGScan      uint32        `json:"last_pg_scan"`
	PGStats         []pgStatDump  `json:"pg_stats"`
	OSDStats        []osdStatDump `json:"osd_stats"`
	PoolStatfs      []any         `json:"pool_statfs"`
}

type pgStatDump struct {
	PGID                    string           `json:"pgid"`
	Version                 string           `json:"version"`
	ReportedSeq             uint64           `json:"reported_seq"`
	ReportedEpoch           uint32           `json:"reported_epoch"`
	State                   string           `json:"state"`
	LastFresh               string           `json:"last_fresh"`
	LastChange              string           `json:"last_change"`
	LastActive              string           `json:"last_active"`
	LastPeered              string           `json:"last_peered"`
	LastClean               string           `json:"last_clean"`
	LastBecameActive        string           `json:"last_became_active"`
	LastBecamePeered        string           `json:"last_became_peered"`
	LastUnstale             string           `json:"last_unstale"`
	LastUndegraded          string           `json:"last_undegraded"`
	LastFullsized           string           `json:"last_fullsized"`
	MappingEpoch            uint32           `json:"mapping_epoch"`
	LogStart                string           `json:"log_start"`
	OndiskLogStart          string           `json:"ondisk_log_start"`
	Created                 uint32           `json:"created"`
	LastEpochClean          uint32           `json:"last_epoch_clean"`
	Parent                  string           `json:"parent"`
	ParentSplitBits         uint32           `json:"parent_split_bits"`
	LastScrub               string           `json:"last_scrub"`
	LastScrubStamp          string           `json:"last_scrub_stamp"`
	LastDeepScrub           string           `json:"last_deep_scrub"`
	LastDeepScrubStamp      string           `json:"last_deep_scrub_stamp"`
	LastCleanScrubStamp     string           `json:"last_clean_scrub_stamp"`
	LogSize                 int64            `json:"log_size"`
	OndiskLogSize           int64            `json:"ondisk_log_size"`
	StatsInvalid            bool             `json:"stats_invalid"`
	DirtyStatsInvalid       bool             `json:"dirty_stats_invalid"`
	OmapStatsInvalid        bool             `json:"omap_stats_invalid"`
	HitsetStatsInvalid      bool             `json:"hitset_stats_invalid"`
	HitsetBytesStatsInvalid bool             `json:"hitset_bytes_stats_invalid"`
	PinStatsInvalid         bool             `json:"pin_stats_invalid"`
	ManifestStatsInvalid    bool             `json:"manifest_stats_invalid"`
	SnaptrimqLen            uint32           `json:"snaptrimq_len"`
	StatSum                 map[string]int64 `json:"stat_sum"`
	Up                      []int32          `json:"up"`
	Acting                  []int32          `json:"acting"`
	AvailNoMissing          []string         `json:"avail_no_missing"`
	ObjectLocationCounts    []any            `json:"object_location_counts"`
	BlockedBy               []int32          `json:"blocked_by"`
	UpPrimary               int32            `json:"up_primary"`
	ActingPrimary           int32            `json:"acting_primary"`
	PurgedSnaps             []struct {
		Start  string `json:"start"`
		Length string `json:"length"`
	} `json:"purged_snaps"`
}

type osdStatDump struct {
	OSD                int32      `json:"osd"`
	UpFrom             uint32     `json:"up_from"`
	Seq                uint64     `json:"seq"`
	NumPGs             uint32     `json:"num_pgs"`
	NumOSDs            uint32     `json:"num_osds"`
	NumPerPoolOSDs     uint32     `json:"num_per_pool_osds"`
	NumPerPoolOmapOSDs uint32     `json:"num_per_pool_omap_osds"`
	KB                 int64      `json:"kb"`
	KBUsed             int64      `json:"kb_used"`
	KBUsedData         int64      `json:"kb_used_data"`
	KBUsedOmap         int64      `json:"kb_used_omap"`
	KBUsedMeta         int64      `json:"kb_used_meta"`
	KBAvail            int64      `json:"kb_avail"`
	Statfs             statfsDump `json:"statfs"`
	HBPeers            []int32    `json:"hb_peers"`
	SnapTrimQueueLen   int32      `json:"snap_trim_queue_len"`
	NumSnapTrimming    int32      `json:"num_snap_trimming"`
	NumShardsRepaired  int64      `json:"num_shards_repaired"`
	OpQueueAgeHist     struct {
		Histogram []int32 `json:"histogram"`
	} `json:"op_queue_age_hist"`
	PerfStat struct {
		CommitLatencyNs uint64 `json:"commit_latency_ns"`
		ApplyLatencyNs  uint64 `json:"apply_latency_ns"`
	} `json:"perf_stat"`
	Alerts           []any `json:"alerts"`
	NetworkPingTimes []any `json:"network_ping_times"`
	// Reporting is whether the stats are the OSD's own report, whose
	// os_alerts always has an entry (empty when no alert) for the OSD
	// itself, which pg dump does not show; the zeroed stats of an out
	// OSD have no entry.
	Reporting bool `json:"-"`
}

type statfsDump struct {
	Total                   int64 `json:"total"`
	Available               int64 `json:"available"`
	InternallyReserved      int64 `json:"internally_reserved"`
	Allocated               int64 `json:"allocated"`
	DataStored              int64 `json:"data_stored"`
	DataCompressed          int64 `json:"data_compressed"`
	DataCompressedAllocated int64 `json:"data_compressed_allocated"`
	DataCompressedOriginal  int64 `json:"data_compressed_original"`
	OmapAllocated           int64 `json:"omap_allocated"`
	InternalMetadata        int64 `json:"internal_metadata"`
}

// statSumFields are object_stat_sum_t's counters in their order in
// memory, by the names pg dump prints; the four *_mode_* ones are s32.
var statSumFields = []string{
	"num_bytes", "num_objects", "num_object_clones", "num_object_copies",
	"num_objects_missing_on_primary", "num_objects_degraded", "num_objects_unfound",
	"num_read", "num_read_kb", "num_write", "num_write_kb", "num_scrub_errors",
	"num_objects_recovered", "num_bytes_recovered", "num_keys_recovered",
	"num_shallow_scrub_errors", "num_deep_scrub_errors", "num_objects_dirty", "num_whiteouts",
	"num_objects_omap", "num_objects_hit_set_archive", "num_objects_misplaced",
	"num_bytes_hit_set_archive", "num_flush", "num_flush_kb", "num_evict", "num_evict_kb",
	"num_promote", "num_flush_mode_high", "num_flush_mode_low", "num_evict_mode_some",
	"num_evict_mode_full", "num_objects_pinned", "num_objects_missing", "num_legacy_snapsets",
	"num_large_omap_objects", "num_objects_manifest", "num_omap_bytes", "num_omap_keys",
	"num_objects_repaired",
}

func statSumIs32(name string) bool { return strings.Contains(name, "_mode_") }

// encodePGMap encodes m as PGMap::encode does.
func encodePGMap(m *pgMapDump) ([]byte, error) {
	if len(m.PoolStatfs) > 0 {
		return nil, fmt.Errorf("pool_statfs is not encoded")
	}
	e := &enc{}
	at := e.start(8, 8)
	e.u64(m.Version)
	e.u32(uint32(len(m.PGStats)))
	for i := range m.PGStats {
		if err := e.pgStat(&m.PGStats[i]); err != nil {
			return nil, fmt.Errorf("pg %s: %w", m.PGStats[i].PGID, err)
		}
	}
	e.u32(uint32(len(m.OSDStats)))
	for i := range m.OSDStats {
		if err := e.osdStat(&m.OSDStats[i]); err != nil {
			return nil, fmt.Errorf("osd.%d: %w", m.OSDStats[i].OSD, err)
		}
	}
	e.u32(m.LastOSDMapEpoch)
	e.u32(m.LastPGScan)
	if err := e.pgStamp(m.Stamp); err != nil {
		return nil, err
	}
	e.u32(0) // pool_statfs
	e.finish(at)
	return e.b, nil
}

// pgStamp encodes a stamp as pg dump prints it ("0.000000" is 0).
func (e *enc) pgStamp(s string) error {
	if s == "0.000000" {
		s = ""
	}
	return e.utime(s)
}

// pgid encodes a pg_t ("7.1f").
func (e *enc) pgid(s string) error {
	pool, seed, ok := strings.Cut(s, ".")
	p, err1 := strconv.ParseUint(pool, 10, 64)
	n, err2 := strconv.ParseUint(seed, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("bad pgid %q", s)
	}
	e.u8(1)
	e.u64(p)
	e.u32(uint32(n))
	e.s32(-1)
	return nil
}

// eversion encodes an eversion_t ("21'3"): u64 version, u32 epoch.
func (e *enc) eversion(s string) error {
	ep, v, ok := strings.Cut(s, "'")
	a, err1 := strconv.ParseUint(ep, 10, 32)
	b, err2 := strconv.ParseUint(v, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("bad eversion %q", s)
	}
	e.u64(b)
	e.u32(uint32(a))
	return nil
}

func (e *enc) s32s(l []int32) {
	e.u32(uint32(len(l)))
	for _, v := range l {
		e.s32(v)
	}
}

// pgState is a PG state's bits ("unknown" is 0).
func pgState(s string) (uint64, error) {
	if s == "unknown" {
		return 0, nil
	}
	var v uint64
	for _, p := range strings.Split(s, "+") {
		b, ok := pgStateBits[p]
		if !ok {
			return 0, fmt.Errorf("unknown PG state %q", p)
		}
		v |= b
	}
	return v, nil
}

func (e *enc) pgStat(p *pgStatDump) error {
	if len(p.ObjectLocationCounts) > 0 {
		return fmt.Errorf("object_location_counts are not encoded")
	}
	state, err := pgState(p.State)
	if err != nil {
		return err
	}
	if err := e.pgid(p.PGID); err != nil {
		return err
	}
	// The fields in encoding order; a string is a stamp or eversion, by
	// the list it is in.
	stamps := func(l ...string) error {
		for _, s := range l {
			if err := e.pgStamp(s); err != nil {
				return err
			}
		}
		return nil
	}
	versions := func(l ...string) error {
		for _, s := range l {
			if err := e.eversion(s); err != nil {
				return err
			}
		}
		return nil
	}
	at := e.start(26, 22)
	if err := versions(p.Version); err != nil {
		return err
	}
	e.u64(p.ReportedSeq)
	e.u32(p.ReportedEpoch)
	e.u32(uint32(state))
	if err := versions(p.LogStart, p.OndiskLogStart); err != nil {
		return err
	}
	e.u32(p.Created)
	e.u32(p.LastEpochClean)
	if err := e.pgid(p.Parent); err != nil {
		return err
	}
	e.u32(p.ParentSplitBits)
	if err := versions(p.LastScrub); err != nil {
		return err
	}
	if err := stamps(p.LastScrubStamp); err != nil {
		return err
	}
	if err := e.statCollection(p.StatSum); err != nil {
		return err
	}
	e.s64(p.LogSize)
	e.s64(p.OndiskLogSize)
	e.s32s(p.Up)
	e.s32s(p.Acting)
	if err := stamps(p.LastFresh, p.LastChange, p.LastActive, p.LastClean, p.LastUnstale); err != nil {
		return err
	}
	e.u32(p.MappingEpoch)
	if err := versions(p.LastDeepScrub); err != nil {
		return err
	}
	if err := stamps(p.LastDeepScrubStamp); err != nil {
		return err
	}
	e.boolean(p.StatsInvalid)
	if err := stamps(p.LastCleanScrubStamp, p.LastBecameActive); err != nil {
		return err
	}
	e.boolean(p.DirtyStatsInvalid)
	e.s32(p.UpPrimary)
	e.s32(p.ActingPrimary)
	e.boolean(p.OmapStatsInvalid)
	e.boolean(p.HitsetStatsInvalid)
	e.s32s(p.BlockedBy)
	if err := stamps(p.LastUndegraded, p.LastFullsized); err != nil {
		return err
	}
	e.boolean(p.HitsetBytesStatsInvalid)
	if err := stamps(p.LastPeered, p.LastBecamePeered); err != nil {
		return err
	}
	e.boolean(p.PinStatsInvalid)
	e.u32(p.SnaptrimqLen)
	e.u32(uint32(state >> 32))
	e.u32(uint32(len(p.PurgedSnaps)))
	for _, s := range p.PurgedSnaps {
		a, err1 := strconv.ParseUint(s.Start, 16, 64)
		b, err2 := strconv.ParseUint(s.Length, 16, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad purged_snaps interval %s~%s", s.Start, s.Length)
		}
		e.u64(a)
		e.u64(b)
	}
	e.boolean(p.ManifestStatsInvalid)
	e.u32(uint32(len(p.AvailNoMissing)))
	for _, s := range p.AvailNoMissing {
		if err := e.pgShard(s); err != nil {
			return err
		}
	}
	e.u32(0) // object_location_counts
	e.finish(at)
	return nil
}

// pgShard encodes a pg_shard_t ("3", or "3(1)" with a shard): v1, s32
// osd, s8 shard (-1: none).
func (e *enc) pgShard(s string) error {
	osdS, shardS, hasShard := strings.Cut(strings.TrimSuffix(s, ")"), "(")
	osd, err := strconv.ParseInt(osdS, 10, 32)
	shard := int64(-1)
	if err == nil && hasShard {
		shard, err = strconv.ParseInt(shardS, 10, 8)
	}
	if err != nil {
		return fmt.Errorf("bad shard %q", s)
	}
	at := e.start(1, 1)
	e.s32(int32(osd))
	e.u8(uint8(int8(shard)))
	e.finish(at)
	return nil
}

func (e *enc) statCollection(sum map[string]int64) error {
	if len(sum) != len(statSumFields) {
		return fmt.Errorf("stat_sum has %d counters, not %d", len(sum), len(statSumFields))
	}
	at := e.start(2, 2)
	in := e.start(20, 14)
	for _, f := range statSumFields {
		v, ok := sum[f]
		if !ok {
			return fmt.Errorf("stat_sum has no %s", f)
		}
		if statSumIs32(f) {
			e.s32(int32(v))
		} else {
			e.s64(v)
		}
	}
	e.finish(in)
	e.u32(0)
	e.finish(at)
	return nil
}

func (e *enc) osdStat(o *osdStatDump) error {
	if len(o.Alerts) > 0 || len(o.NetworkPingTimes) > 0 {
		return fmt.Errorf("alerts and ping times are not encoded")
	}
	e.s32(o.OSD)
	at := e.start(14, 2)
	e.s64(o.KB)
	e.s64(o.KBUsed)
	e.s64(o.KBAvail)
	e.s32(o.SnapTrimQueueLen)
	e.s32(o.NumSnapTrimming)
	e.s32s(o.HBPeers)
	e.u32(0)
	h := e.start(1, 1)
	e.s32s(o.OpQueueAgeHist.Histogram)
	e.finish(h)
	ps := e.start(2, 2)
	e.u64(o.PerfStat.CommitLatencyNs)
	e.u64(o.PerfStat.ApplyLatencyNs)
	e.finish(ps)
	e.u32(o.UpFrom)
	e.u64(o.Seq)
	e.u32(o.NumPGs)
	e.s64(o.KBUsedData)
	e.s64(o.KBUsedOmap)
	e.s64(o.KBUsedMeta)
	s := o.Statfs
	sf := e.start(1, 1)
	for _, v := range []int64{s.Total, s.Available, s.InternallyReserved, s.Allocated, s.DataStored,
		s.DataCompressed, s.DataCompressedAllocated, s.DataCompressedOriginal, s.OmapAllocated, s.InternalMetadata} {
		e.s64(v)
	}
	e.finish(sf)
	if o.Reporting {
		e.u32(1) // os_alerts: the OSD's own entry, no alert
		e.s32(o.OSD)
		e.u32(0)
	} else {
		e.u32(0)
	}
	e.s64(o.NumShardsRepaired)
	e.u32(o.NumOSDs)
	e.u32(o.NumPerPoolOSDs)
	e.u32(o.NumPerPoolOmapOSDs)
	e.s32(0) // hb_pingtime
	e.finish(at)
	return nil
}
