package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// The PG map as the manager dumps it (pg dump, pg dump_json, pg
// dump_pools_json, pg debug, and report's PG part), built from the Maps
// source's PGs (state, sets, object counts) and the domain's OSD stats.
// What the model does not do is what a fresh Ceph PG shows: no I/O, log,
// scrub or omap counters (0, versions 0'0), stamps of the PG's creation
// (the pool's creation time; Ceph sets a new PG's stamps to the OSD map's
// modification time of the epoch that adds it), epochs of the pool's
// creation epoch. doc.go lists the choices.

// omapNote is what the manager appends to the plain dumps that show omap
// columns.
const omapNote = "\n* NOTE: Omap statistics are gathered during deep scrub and may be inaccurate soon afterwards depending on utilization. See http://docs.ceph.com/en/latest/dev/placement-group/#omap-statistics for further details.\n"

// pgView is the PG map of one dump.
type pgView struct {
	version int
	stamp   time.Time
	pgs     []pgRow
	pools   []poolRow // by id, descending (the capture's order)
	osds    []osdRow  // by id
	// byOSD: PGs whose acting or up set has the OSD, and those it is the
	// up primary of.
	byOSD      map[int]*osdPGs
	sum        poolSum
	osdSum     osdRow
	numOSDs    int
	numActive  int
	numUnknown int
}

type osdPGs struct{ primary, acting, upNotActing int }

type pgRow struct {
	id      string
	pool    *PoolPGs
	pg      PGPlacement
	epoch   int
	created time.Time
}

// poolSum is a pool_stat_t: summed PG stats and set sizes.
type poolSum struct {
	s          PGStats
	up, acting int
	numPG      int
}

type poolRow struct {
	id int
	poolSum
}

type osdRow struct {
	id     int
	up     bool
	in     bool
	upFrom int
	class  string
	stats  osd.OSDStats
}

// add sums o's stats into r as osd_stat_t::add does.
func (r *osdRow) add(o osdRow) {
	s, t := o.stats, &r.stats
	t.NumPGs += s.NumPGs
	t.NumOSDs += s.NumOSDs
	t.NumPerPoolOSDs += s.NumPerPoolOSDs
	t.NumPerPoolOmapOSDs += s.NumPerPoolOmapOSDs
	t.KB += s.KB
	t.KBUsed += s.KBUsed
	t.KBUsedData += s.KBUsedData
	t.KBUsedOmap += s.KBUsedOmap
	t.KBUsedMeta += s.KBUsedMeta
	t.KBAvail += s.KBAvail
	t.SnapTrimQueueLen += s.SnapTrimQueueLen
	t.NumSnapTrimming += s.NumSnapTrimming
	t.NumShardsRepaired += s.NumShardsRepaired
	f, g := &t.Statfs, s.Statfs
	f.Total += g.Total
	f.Available += g.Available
	f.InternallyReserved += g.InternallyReserved
	f.Allocated += g.Allocated
	f.DataStored += g.DataStored
	f.DataCompressed += g.DataCompressed
	f.DataCompressedAllocated += g.DataCompressedAllocated
	f.DataCompressedOriginal += g.DataCompressedOriginal
	f.OmapAllocated += g.OmapAllocated
	f.InternalMetadata += g.InternalMetadata
}

func (p *poolSum) add(pg PGPlacement) {
	p.s.Objects += pg.Stats.Objects
	p.s.Bytes += pg.Stats.Bytes
	p.s.Copies += pg.Stats.Copies
	p.s.Degraded += pg.Stats.Degraded
	p.s.Misplaced += pg.Stats.Misplaced
	p.s.Unfound += pg.Stats.Unfound
	p.up += len(pg.Up)
	p.acting += len(pg.Acting)
	p.numPG++
}

// pgMapView reads the PGs and the OSDs' stats (none when the transport
// has no OSD list). The OSD stats are those of the up OSDs, the ones
// that report them (the model counts no down OSD's capacity in df, so
// neither does the OSD sum); an out OSD's are zeroed, as the monitor
// zeroes them.
func (e *Emulator) pgMapView(ctx context.Context, what string) (*pgView, error) {
	if err := e.needMaps(what); err != nil {
		return nil, err
	}
	m, err := e.maps.PGs(ctx)
	if err != nil {
		return nil, err
	}
	v := &pgView{version: m.Epoch, stamp: e.now(), byOSD: map[int]*osdPGs{}}
	pools := append([]PoolPGs(nil), m.Pools...)
	sort.Slice(pools, func(i, j int) bool { return pools[i].ID < pools[j].ID })
	for pi := range pools {
		p := &pools[pi]
		row := poolRow{id: p.ID}
		for i, pg := range p.PGs {
			pg = pg.reported()
			v.pgs = append(v.pgs, pgRow{id: fmt.Sprintf("%d.%x", p.ID, i), pool: p, pg: pg, epoch: m.Epoch, created: p.Created})
			row.add(pg)
			v.sum.add(pg)
			if pgStateValue(pg.State)&pgStateBits["active"] != 0 {
				v.numActive++
			}
			if pg.State == "unknown" {
				v.numUnknown++
			}
			// As Ceph counts them: an erasure-coded PG's missing shards
			// (NONE) count for OSD 2147483647.
			in := map[int]bool{}
			for _, id := range pg.Acting {
				in[id] = true
				v.osdPGs(id).acting++
			}
			for _, id := range pg.Up {
				if !in[id] {
					in[id] = true
					v.osdPGs(id).upNotActing++
				}
			}
			if p := primary(pg.Up); p >= 0 {
				v.osdPGs(p).primary++
			}
		}
		v.pools = append(v.pools, row)
	}
	sort.Slice(v.pools, func(i, j int) bool { return v.pools[i].id > v.pools[j].id })
	if e.c.OSDs != nil {
		list, err := e.c.OSDs.List(ctx)
		if err != nil && ceph.CodeOf(err) != ceph.Unimplemented {
			return nil, err
		}
		for _, o := range list {
			if o.Up == 0 {
				continue
			}
			st := o.OSDStats
			st.OSD = o.ID
			if o.In == 0 {
				st = osd.OSDStats{OSD: o.ID}
			}
			v.osds = append(v.osds, osdRow{id: o.ID, up: o.Up == 1, in: o.In != 0, upFrom: o.UpFrom, class: o.Tree.DeviceClass, stats: st})
		}
	}
	sort.Slice(v.osds, func(i, j int) bool { return v.osds[i].id < v.osds[j].id })
	for _, o := range v.osds {
		v.numOSDs++
		v.osdSum.add(o)
	}
	return v, nil
}

func (v *pgView) osdPGs(id int) *osdPGs {
	p := v.byOSD[id]
	if p == nil {
		p = &osdPGs{}
		v.byOSD[id] = p
	}
	return p
}

// cephStamp is a utime_t as Ceph's JSON and plain text print it.
func cephStamp(t time.Time) string {
	if t.IsZero() {
		return "0.000000"
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000-0700")
}

// statSum is an object_stat_sum_t. The model does no I/O, scrubbing,
// tiering or omap: those counters are 0; every object is dirty (Ceph
// marks an object dirty unless a cache tier flushed it).
func statSum(s PGStats) obj {
	return obj{
		{"num_bytes", s.Bytes}, {"num_objects", s.Objects}, {"num_object_clones", 0},
		{"num_object_copies", s.Copies}, {"num_objects_missing_on_primary", 0}, {"num_objects_missing", 0},
		{"num_objects_degraded", s.Degraded}, {"num_objects_misplaced", s.Misplaced},
		{"num_objects_unfound", s.Unfound}, {"num_objects_dirty", s.Objects}, {"num_whiteouts", 0},
		{"num_read", 0}, {"num_read_kb", 0}, {"num_write", 0}, {"num_write_kb", 0},
		{"num_scrub_errors", 0}, {"num_shallow_scrub_errors", 0}, {"num_deep_scrub_errors", 0},
		{"num_objects_recovered", 0}, {"num_bytes_recovered", 0}, {"num_keys_recovered", 0},
		{"num_objects_omap", 0}, {"num_objects_hit_set_archive", 0}, {"num_bytes_hit_set_archive", 0},
		{"num_flush", 0}, {"num_flush_kb", 0}, {"num_evict", 0}, {"num_evict_kb", 0}, {"num_promote", 0},
		{"num_flush_mode_high", 0}, {"num_flush_mode_low", 0}, {"num_evict_mode_some", 0},
		{"num_evict_mode_full", 0}, {"num_objects_pinned", 0}, {"num_legacy_snapsets", 0},
		{"num_large_omap_objects", 0}, {"num_objects_manifest", 0}, {"num_omap_bytes", 0},
		{"num_omap_keys", 0}, {"num_objects_repaired", 0},
	}
}

func statfsObj(s osd.Statfs) obj {
	return obj{
		{"total", s.Total}, {"available", s.Available}, {"internally_reserved", s.InternallyReserved},
		{"allocated", s.Allocated}, {"data_stored", s.DataStored}, {"data_compressed", s.DataCompressed},
		{"data_compressed_allocated", s.DataCompressedAllocated}, {"data_compressed_original", s.DataCompressedOriginal},
		{"omap_allocated", s.OmapAllocated}, {"internal_metadata", s.InternalMetadata},
	}
}

// poolStat is a pool_stat_t: no per-pool statfs (store_stats 0,
// num_store_stats 0: the model keeps no per-pool store statistics), log
// sizes 0.
func (p poolSum) dump() obj {
	return obj{{"stat_sum", statSum(p.s)}, {"store_stats", statfsObj(osd.Statfs{})},
		{"log_size", 0}, {"ondisk_log_size", 0}, {"up", p.up}, {"acting", p.acting}, {"num_store_stats", 0}}
}

// osdStat is an osd_stat_t after the "osd" key.
func osdStat(s osd.OSDStats, upFrom int, seq int64) obj {
	return obj{
		{"up_from", upFrom}, {"seq", seq}, {"num_pgs", s.NumPGs}, {"num_osds", s.NumOSDs},
		{"num_per_pool_osds", s.NumPerPoolOSDs}, {"num_per_pool_omap_osds", s.NumPerPoolOmapOSDs},
		{"kb", s.KB}, {"kb_used", s.KBUsed}, {"kb_used_data", s.KBUsedData}, {"kb_used_omap", s.KBUsedOmap},
		{"kb_used_meta", s.KBUsedMeta}, {"kb_avail", s.KBAvail}, {"statfs", statfsObj(s.Statfs)},
		{"hb_peers", emptyList(s.HBPeers)}, {"snap_trim_queue_len", s.SnapTrimQueueLen},
		{"num_snap_trimming", s.NumSnapTrimming}, {"num_shards_repaired", s.NumShardsRepaired},
		{"op_queue_age_hist", obj{{"histogram", []any{}}, {"upper_bound", 1}}},
		{"perf_stat", obj{{"commit_latency_ms", 0}, {"apply_latency_ms", 0}, {"commit_latency_ns", 0}, {"apply_latency_ns", 0}}},
		{"alerts", []any{}}, {"network_ping_times", []any{}},
	}
}

// pgStat is a pg_stat_t with its pgid. A model PG has seen no write
// (version, log and scrub versions 0'0), no stat report (reported_seq 0,
// reported_epoch the current epoch), no split (parent 0.0); it was
// created, mapped and last clean in its pool's creation epoch, and its
// stamps are its creation time.
//
// An unknown PG (no OSD ever served it) is what the manager adds for a new
// pool's PG before any OSD reports it: the creation stamps, but no epochs
// (0), no report (0:0) and never active (last_became_* 0).
func (r pgRow) dump() obj {
	c, became := cephStamp(r.created), cephStamp(r.created)
	e, rep := r.pool.CreatedEpoch, r.reportedEpoch()
	if r.pg.State == "unknown" {
		e, became = 0, cephStamp(time.Time{})
	}
	return obj{
		{"pgid", r.id}, {"version", "0'0"}, {"reported_seq", 0}, {"reported_epoch", rep}, {"state", r.pg.State},
		{"last_fresh", c}, {"last_change", c}, {"last_active", c}, {"last_peered", c}, {"last_clean", c},
		{"last_became_active", became}, {"last_became_peered", became}, {"last_unstale", c}, {"last_undegraded", c},
		{"last_fullsized", c}, {"mapping_epoch", e}, {"log_start", "0'0"}, {"ondisk_log_start", "0'0"},
		{"created", e}, {"last_epoch_clean", e}, {"parent", "0.0"}, {"parent_split_bits", 0},
		{"last_scrub", "0'0"}, {"last_scrub_stamp", c}, {"last_deep_scrub", "0'0"}, {"last_deep_scrub_stamp", c},
		{"last_clean_scrub_stamp", c}, {"log_size", 0}, {"ondisk_log_size", 0}, {"stats_invalid", false},
		{"dirty_stats_invalid", false}, {"omap_stats_invalid", false}, {"hitset_stats_invalid", false},
		{"hitset_bytes_stats_invalid", false}, {"pin_stats_invalid", false}, {"manifest_stats_invalid", false},
		{"snaptrimq_len", 0}, {"stat_sum", statSum(r.pg.Stats)}, {"up", intsOrEmpty(r.pg.Up)},
		{"acting", intsOrEmpty(r.pg.Acting)}, {"avail_no_missing", []any{}}, {"object_location_counts", []any{}},
		{"blocked_by", []any{}}, {"up_primary", primary(r.pg.Up)}, {"acting_primary", primary(r.pg.Acting)},
		{"purged_snaps", []any{}},
	}
}

// reportedEpoch is the epoch of the PG's last stat report (none for an
// unknown PG).
func (r pgRow) reportedEpoch() int {
	if r.pg.State == "unknown" {
		return 0
	}
	return r.epoch
}

func (r pgRow) brief() obj {
	return obj{{"pgid", r.id}, {"state", r.pg.State}, {"up", intsOrEmpty(r.pg.Up)}, {"acting", intsOrEmpty(r.pg.Acting)},
		{"up_primary", primary(r.pg.Up)}, {"acting_primary", primary(r.pg.Acting)}}
}

func (v *pgView) pgStatsJSON(brief bool) []any {
	out := make([]any, len(v.pgs))
	for i, r := range v.pgs {
		if brief {
			out[i] = r.brief()
		} else {
			out[i] = r.dump()
		}
	}
	return out
}

func (v *pgView) poolStatsJSON() []any {
	out := make([]any, len(v.pools))
	for i, p := range v.pools {
		out[i] = append(obj{{"poolid", p.id}, {"num_pg", p.numPG}}, p.dump()...)
	}
	return out
}

func (v *pgView) osdStatsJSON() []any {
	out := make([]any, len(v.osds))
	for i, o := range v.osds {
		out[i] = append(obj{{"osd", o.id}}, osdStat(o.stats, o.stats.UpFrom, o.stats.Seq)...)
	}
	return out
}

// delta is pg_stats_delta: the model does no I/O, so no change between
// two stat reports (stamp_delta 0, as a PG map with no delta has).
func (v *pgView) delta() obj {
	return append(poolSum{}.dump(), kv{"stamp_delta", "0.000000"})
}

func (v *pgView) basic() obj {
	return obj{{"version", v.version}, {"stamp", cephStamp(v.stamp)}, {"last_osdmap_epoch", 0}, {"last_pg_scan", 0},
		{"pg_stats_sum", v.sum.dump()}, {"osd_stats_sum", osdStat(v.osdSum.stats, 0, 0)}, {"pg_stats_delta", v.delta()}}
}

func (v *pgView) all() obj {
	return append(v.basic(), kv{"pg_stats", v.pgStatsJSON(false)}, kv{"pool_stats", v.poolStatsJSON()},
		kv{"osd_stats", v.osdStatsJSON()}, kv{"pool_statfs", []any{}})
}

// --- plain text ---------------------------------------------------------------

func (v *pgView) basicPlain(b *strings.Builder) {
	fmt.Fprintf(b, "version %d\nstamp %s\nlast_osdmap_epoch 0\nlast_pg_scan 0\n", v.version, cephStamp(v.stamp))
}

var sumColumns = []string{"OBJECTS", "MISSING_ON_PRIMARY", "DEGRADED", "MISPLACED", "UNFOUND", "BYTES", "OMAP_BYTES*", "OMAP_KEYS*", "LOG", "DISK_LOG"}

func sumCells(s PGStats) []string {
	return []string{i64(s.Objects), "0", i64(s.Degraded), i64(s.Misplaced), i64(s.Unfound), i64(s.Bytes), "0", "0", "0", "0"}
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func (v *pgView) pgsPlain(b *strings.Builder) {
	var t textTable
	t.define("PG_STAT", left, left)
	for _, h := range sumColumns {
		t.define(h, left, right)
	}
	for _, h := range []string{"STATE", "STATE_STAMP", "VERSION", "REPORTED", "UP", "UP_PRIMARY", "ACTING", "ACTING_PRIMARY",
		"LAST_SCRUB", "SCRUB_STAMP", "LAST_DEEP_SCRUB", "DEEP_SCRUB_STAMP", "SNAPTRIMQ_LEN"} {
		t.define(h, left, right)
	}
	for _, r := range v.pgs {
		c := cephStamp(r.created)
		cells := append([]string{r.id}, sumCells(r.pg.Stats)...)
		cells = append(cells, r.pg.State, c, "0'0", fmt.Sprintf("%d:0", r.reportedEpoch()), pgVector(r.pg.Up),
			strconv.Itoa(primary(r.pg.Up)), pgVector(r.pg.Acting), strconv.Itoa(primary(r.pg.Acting)),
			"0'0", c, "0'0", c, "0")
		t.row(cells...)
	}
	b.WriteString(t.String())
}

func (v *pgView) briefPlain(b *strings.Builder) {
	var t textTable
	t.define("PG_STAT", left, left)
	for _, h := range []string{"STATE", "UP", "UP_PRIMARY", "ACTING", "ACTING_PRIMARY"} {
		t.define(h, left, right)
	}
	for _, r := range v.pgs {
		t.row(r.id, r.pg.State, intVector(r.pg.Up), strconv.Itoa(primary(r.pg.Up)),
			intVector(r.pg.Acting), strconv.Itoa(primary(r.pg.Acting)))
	}
	b.WriteString(t.String())
}

// sumTable is a table of the sum columns, with its headings or with empty
// ones (a line of spaces, as TextTable prints them).
func sumTable(first string, header bool) *textTable {
	t := &textTable{}
	h := func(s string) string {
		if header {
			return s
		}
		return ""
	}
	t.define(h(first), left, left)
	for _, c := range sumColumns {
		t.define(h(c), left, right)
	}
	return t
}

func (v *pgView) poolsPlain(b *strings.Builder, header bool) {
	t := sumTable("POOLID", header)
	for _, p := range v.pools {
		t.row(append([]string{strconv.Itoa(p.id)}, sumCells(p.s)...)...)
	}
	b.WriteString(t.String())
}

func (v *pgView) sumPlain(b *strings.Builder, header bool) {
	t := sumTable("PG_STAT", header)
	t.row(append([]string{"sum"}, sumCells(v.sum.s)...)...)
	b.WriteString(t.String())
}

func statfsCells(s osd.Statfs) []string {
	used := s.Total - s.Available - s.InternallyReserved
	return []string{byteU(used), byteU(s.Available), byteU(s.Total - s.Available), byteU(s.Total)}
}

func (v *pgView) osdsPlain(b *strings.Builder, summary bool) {
	var t textTable
	t.define("OSD_STAT", left, left)
	for _, h := range []string{"USED", "AVAIL", "USED_RAW", "TOTAL"} {
		t.define(h, left, right)
	}
	if !summary {
		for _, h := range []string{"HB_PEERS", "PG_SUM", "PRIMARY_PG_SUM"} {
			t.define(h, left, right)
		}
		for _, o := range v.osds {
			n := v.byOSD[o.id]
			if n == nil {
				n = &osdPGs{}
			}
			t.row(append(append([]string{strconv.Itoa(o.id)}, statfsCells(o.stats.Statfs)...),
				intVector(o.stats.HBPeers), strconv.Itoa(n.acting+n.upNotActing), strconv.Itoa(n.primary))...)
		}
	}
	t.row(append([]string{"sum"}, statfsCells(v.osdSum.stats.Statfs)...)...)
	b.WriteString(t.String())
}

// --- the commands ---------------------------------------------------------------

// dumpWhat is the set of dumpcontents as the manager keeps it (sorted,
// "all" when none) and its status line ("dumped osds,pools").
func dumpWhat(l []string) (map[string]bool, string) {
	set := map[string]bool{}
	for _, s := range l {
		set[s] = true
	}
	if len(set) == 0 {
		set["all"] = true
	}
	return set, "dumped " + strings.Join(sortedKeys(set), ",")
}

// pgDump answers `pg dump [dumpcontents...]` as the manager does: all
// (the default), summary/sum (the header and the sums), delta, pools,
// osds, pgs and pgs_brief, in plain text (with the omap note where the
// omap columns show) or JSON.
func (e *Emulator) pgDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	what, status := dumpWhat(a.list("dumpcontents"))
	v, err := e.pgMapView(ctx, "pg dump")
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		out := obj{{"pg_ready", true}}
		switch {
		case what["all"]:
			out = append(out, kv{"pg_map", v.all()})
		case what["summary"] || what["sum"]:
			out = append(out, kv{"pg_map", v.basic()})
		default:
			if what["pools"] {
				out = append(out, kv{"pool_stats", v.poolStatsJSON()})
			}
			if what["osds"] {
				out = append(out, kv{"osd_stats", v.osdStatsJSON()}, kv{"pool_statfs", []any{}})
			}
			if what["pgs"] {
				out = append(out, kv{"pg_stats", v.pgStatsJSON(false)})
			}
			if what["pgs_brief"] {
				out = append(out, kv{"pg_stats", v.pgStatsJSON(true)})
			}
			if what["delta"] {
				out = append(out, kv{"delta", obj{{"pg_stats_delta", v.delta()}}})
			}
		}
		b, err := encodeJSON(out, f)
		return b, status, err
	}
	var b strings.Builder
	note := false
	switch {
	case what["all"]:
		v.basicPlain(&b)
		v.pgsPlain(&b)
		v.poolsPlain(&b, false)
		v.sumPlain(&b, false)
		v.osdsPlain(&b, false)
		note = true
	case what["summary"] || what["sum"]:
		v.basicPlain(&b)
		v.sumPlain(&b, true)
		v.osdsPlain(&b, true)
		note = true
	default:
		if what["pgs_brief"] {
			v.briefPlain(&b)
		}
		header := true
		if what["pgs"] {
			v.pgsPlain(&b)
			header, note = false, true
		}
		if what["pools"] {
			v.poolsPlain(&b, header)
			note = true
		}
		if what["osds"] {
			v.osdsPlain(&b, false)
		}
	}
	if note {
		b.WriteString(omapNote)
	}
	return []byte(b.String()), status, nil
}

// pgDumpJSON answers pg dump_json (all, whatever dumpcontents says) and
// pg dump_pools_json (pools): compact JSON in every format, as the
// manager answers them.
func pgDumpJSON(what string) handler {
	return func(e *Emulator, ctx context.Context, a args, f format) ([]byte, string, error) {
		v, err := e.pgMapView(ctx, "pg dump")
		if err != nil {
			return nil, "", err
		}
		out := obj{{"pg_ready", true}}
		if what == "pools" {
			out = append(out, kv{"pool_stats", v.poolStatsJSON()})
		} else {
			out = append(out, kv{"pg_map", v.all()})
		}
		b, err := encodeJSON(out, jsonCompact)
		return b, "dumped " + what, err
	}
}

// pgDebug answers `pg debug unfound_objects_exist|degraded_pgs_exist`:
// TRUE when a PG has unfound (degraded) objects. In JSON the manager
// follows the word with its pg_ready object.
func (e *Emulator) pgDebug(ctx context.Context, a args, f format) ([]byte, string, error) {
	op := a.str("debugop")
	if op == "" {
		op = "unfound_objects_exist"
	}
	if op != "unfound_objects_exist" && op != "degraded_pgs_exist" {
		// the manager finds no handler for another op
		return nil, "", cmdError(syscall.EINVAL, "No handler found for 'pg debug'")
	}
	v, err := e.pgMapView(ctx, "pg debug")
	if err != nil {
		return nil, "", err
	}
	yes := false
	for _, r := range v.pgs {
		if op == "unfound_objects_exist" && r.pg.Stats.Unfound > 0 || op == "degraded_pgs_exist" && r.pg.Stats.Degraded > 0 {
			yes = true
			break
		}
	}
	word := "FALSE\n"
	if yes {
		word = "TRUE\n"
	}
	if f == plain {
		return []byte(word), "", nil
	}
	b, err := encodeJSON(obj{{"pg_ready", true}}, f)
	if err == nil && (f == xmlCompact || f == xmlPretty) {
		b, err = jsonToXML("pg debug", b, f == xmlPretty)
	}
	return append([]byte(word), b...), "", err
}
