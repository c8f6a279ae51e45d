package cmdemu

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/crc32"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// The version the emulator answers as (its formats are 16.2.15's).
const (
	reportVersion = "16.2.15"
	reportCommit  = "618f440892089921c3e944a991122ddc44e60516"
)

// pgStateBits are the bits of Ceph's PG states (PG_STATE_*): the PG
// digest counts PGs by state value, in that value's order.
var pgStateBits = map[string]uint64{
	"creating": 1 << 0, "active": 1 << 1, "clean": 1 << 2, "down": 1 << 4, "recovery_unfound": 1 << 5,
	"backfill_unfound": 1 << 6, "premerge": 1 << 7, "scrubbing": 1 << 8, "degraded": 1 << 10,
	"inconsistent": 1 << 11, "peering": 1 << 12, "repair": 1 << 13, "recovering": 1 << 14,
	"backfill_wait": 1 << 15, "incomplete": 1 << 16, "stale": 1 << 17, "remapped": 1 << 18,
	"deep": 1 << 19, "backfilling": 1 << 20, "backfill_toofull": 1 << 21, "recovery_wait": 1 << 22,
	"undersized": 1 << 23, "activating": 1 << 24, "peered": 1 << 25, "snaptrim": 1 << 26,
	"snaptrim_wait": 1 << 27, "recovery_toofull": 1 << 28, "snaptrim_error": 1 << 29,
	"forced_recovery": 1 << 30, "forced_backfill": 1 << 31, "failed_repair": 1 << 32, "laggy": 1 << 33,
	"wait": 1 << 34,
}

func pgStateValue(s string) uint64 {
	var v uint64
	for _, p := range strings.Split(s, "+") {
		v |= pgStateBits[p]
	}
	return v
}

// subJSON is another command's compact JSON answer, to embed.
func (e *Emulator) subJSON(ctx context.Context, h handler, a args) (json.RawMessage, error) {
	out, _, err := h(e, ctx, a, jsonCompact)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(out, "\n")), nil
}

// epochOf reads the "epoch" of a map's JSON.
func epochOf(raw json.RawMessage) int {
	var v struct {
		Epoch int `json:"epoch"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Epoch
}

// report answers `report` as the monitor does: every map and the PG
// digest in one JSON document (plain is JSON pretty), status "report
// <crc32c of the output, seed 6789>". Its parts are the emulator's own
// answers: health detail, mon dump (without its quorum) and the quorum,
// osd dump,
// osd crush dump, fs dump and the PG map of pg dump; doc.go lists what
// stands for what the model has no counterpart of.
func (e *Emulator) report(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("report"); err != nil {
		return nil, "", err
	}
	health, err := e.subJSON(ctx, (*Emulator).health, args{"detail": "detail"})
	if err != nil {
		return nil, "", err
	}
	// MonMap::dump (mon dump's JSON without its quorum) and the quorum.
	ms, err := e.monStatus(ctx)
	if err != nil {
		return nil, "", err
	}
	osdmap, err := e.subJSON(ctx, (*Emulator).osdDump, args{})
	if err != nil {
		return nil, "", err
	}
	crush, err := e.subJSON(ctx, (*Emulator).osdCrushDump, args{})
	if err != nil {
		return nil, "", err
	}
	fsmap, err := e.subJSON(ctx, (*Emulator).fsDump, args{})
	if err != nil {
		return nil, "", err
	}
	v, err := e.pgMapView(ctx, "report")
	if err != nil {
		return nil, "", err
	}
	meta, err := e.osdMetadata(ctx)
	if err != nil {
		return nil, "", err
	}
	var secrets int
	if e.auth != nil {
		ents, _, err := e.auth.CephxEntities(ctx)
		if err != nil {
			return nil, "", err
		}
		secrets = len(ents)
	}
	osdEpochs := []any{}
	for _, o := range v.osds {
		if o.up {
			osdEpochs = append(osdEpochs, obj{{"id", o.id}, {"epoch", o.upFrom}})
		}
	}
	osdEpoch := epochOf(osdmap)
	out := obj{
		{"cluster_fingerprint", "00000000-0000-0000-0000-000000000000"},
		{"version", reportVersion}, {"commit", reportCommit}, {"timestamp", cephStamp(e.now())}, {"tag", reportTag(a.list("tags"))},
		{"health", health},
		{"monmap_first_committed", 1}, {"monmap_last_committed", ms.MonMap.Epoch}, {"monmap", monMapJSON(ms.MonMap)},
		{"quorum", emptyList(ms.Quorum)},
		{"osdmap", osdmap}, {"osd_metadata", meta},
		{"osdmap_clean_epochs", obj{{"min_last_epoch_clean", 0}, {"last_epoch_clean", obj{{"per_pool", []any{}}}}, {"osd_epochs", osdEpochs}}},
		{"osdmap_first_committed", 1}, {"osdmap_last_committed", osdEpoch},
		{"crushmap", crush}, {"fsmap", fsmap},
		{"mdsmap_first_committed", 1}, {"mdsmap_last_committed", epochOf(fsmap)},
		{"auth", obj{{"first_committed", 0}, {"last_committed", 0}, {"num_secrets", secrets}}},
	}
	out = append(out, v.digest()...)
	services, err := e.serviceMap(ctx)
	if err != nil {
		return nil, "", err
	}
	out = append(out, kv{"servicemap", services},
		kv{"paxos", obj{{"first_committed", 0}, {"last_committed", 0}, {"last_pn", 0}, {"accepted_pn", 0}}})
	jf := f
	if f == plain {
		jf = jsonPretty
	}
	b, err := encodeJSON(out, jf)
	if err == nil && (f == xmlCompact || f == xmlPretty) {
		b, err = jsonToXML("report", b, f == xmlPretty)
	}
	if err != nil {
		return nil, "", err
	}
	crc := ^crc32.Update(^uint32(6789), crc32.MakeTable(crc32.Castagnoli), b)
	return b, "report " + strconv.FormatUint(uint64(crc), 10), nil
}

// reportTag is the tags joined by spaces and cut at the last space, as
// the monitor does it (its "remove the trailing space" also drops the last
// of several tags).
func reportTag(tags []string) string {
	s := strings.Join(tags, " ")
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return s
}

// digest is the PG map digest the monitor keeps (PGMapDigest::dump).
func (v *pgView) digest() obj {
	byClass := obj{}
	classes := map[string]*osdRow{}
	for _, o := range v.osds {
		if o.class == "" {
			continue
		}
		c := classes[o.class]
		if c == nil {
			c = &osdRow{}
			classes[o.class] = c
		}
		c.add(o)
	}
	for _, k := range sortedKeys(classes) {
		byClass = append(byClass, kv{k, osdStat(classes[k].stats, 0, 0)})
	}
	seqs := []any{}
	if n := len(v.osds); n > 0 {
		last := map[int]int64{}
		for _, o := range v.osds {
			last[o.id] = o.stats.Seq
		}
		for i := 0; i <= v.osds[n-1].id; i++ {
			seqs = append(seqs, obj{{"osd", i}, {"seq", last[i]}})
		}
	}
	states := map[string]int{}
	for _, r := range v.pgs {
		states[r.pg.State]++
	}
	names := sortedKeys(states)
	sort.SliceStable(names, func(i, j int) bool { return pgStateValue(names[i]) < pgStateValue(names[j]) })
	byState := []any{}
	for _, s := range names {
		byState = append(byState, obj{{"state", s}, {"num", states[s]}})
	}
	ids := make([]int, 0, len(v.byOSD))
	for id := range v.byOSD {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	byOSD := []any{}
	for _, id := range ids {
		n := v.byOSD[id]
		byOSD = append(byOSD, obj{{"osd", id}, {"num_primary_pg", n.primary}, {"num_acting_pg", n.acting}, {"num_up_not_acting_pg", n.upNotActing}})
	}
	// purged_snaps: every pool with no unknown PG; the model purges no
	// snapshots.
	unknown := map[int]bool{}
	for _, r := range v.pgs {
		if r.pg.State == "unknown" {
			unknown[r.pool.ID] = true
		}
	}
	purged := []any{}
	for i := len(v.pools) - 1; i >= 0; i-- {
		if id := v.pools[i].id; !unknown[id] {
			purged = append(purged, obj{{"pool", id}, {"purged_snaps", obj{}}})
		}
	}
	return obj{
		{"num_pg", len(v.pgs)}, {"num_pg_active", v.numActive}, {"num_pg_unknown", v.numUnknown}, {"num_osd", v.numOSDs},
		{"pool_sum", v.sum.dump()}, {"osd_sum", osdStat(v.osdSum.stats, 0, 0)}, {"osd_sum_by_class", byClass},
		{"pool_stats", v.poolStatsJSON()}, {"osd_stats", seqs}, {"num_pg_by_state", byState},
		{"num_pg_by_osd", byOSD}, {"purged_snaps", purged},
	}
}

// osdMetadata is every OSD's id and metadata, by id, keys in order.
func (e *Emulator) osdMetadata(ctx context.Context) ([]any, error) {
	out := []any{}
	if e.c.OSDs == nil {
		return out, nil
	}
	list, err := e.c.OSDs.List(ctx)
	if err != nil {
		if ceph.CodeOf(err) == ceph.Unimplemented {
			return out, nil
		}
		return nil, err
	}
	ids := make([]int, 0, len(list))
	for _, o := range list {
		ids = append(ids, o.ID)
	}
	sort.Ints(ids)
	for _, id := range ids {
		o := obj{{"id", id}}
		d, err := e.c.OSDs.Get(ctx, id)
		if err != nil && ceph.CodeOf(err) != ceph.Unimplemented && ceph.CodeOf(err) != ceph.NotFound {
			return nil, err
		}
		if d != nil {
			for _, k := range sortedKeys(d.OSDMetadata) {
				o = append(o, kv{k, d.OSDMetadata[k]})
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// serviceMap is the manager's service map as the model can have it: the
// daemons of the host list by type, each as the map lists a daemon that
// has not registered (no gid, address or metadata: the model keeps no
// registrations), epoch 0 and modified 0.000000 as an empty map has.
func (e *Emulator) serviceMap(ctx context.Context) (obj, error) {
	services := obj{}
	if e.c.Hosts != nil {
		hosts, err := e.c.Hosts.List(ctx, nil)
		if err != nil && ceph.CodeOf(err) != ceph.Unimplemented {
			return nil, err
		}
		byType := map[string][]string{}
		for _, h := range hosts {
			for _, s := range h.Services {
				byType[s.Type] = append(byType[s.Type], s.ID)
			}
		}
		for _, t := range sortedKeys(byType) {
			ids := byType[t]
			sort.Strings(ids)
			d := obj{{"summary", ""}}
			for _, id := range ids {
				d = append(d, kv{id, obj{{"start_epoch", 0}, {"start_stamp", "0.000000"}, {"gid", 0},
					{"addr", "(unrecognized address family 0)/0"}, {"metadata", obj{}}, {"task_status", obj{}}}})
			}
			services = append(services, kv{t, obj{{"daemons", d}}})
		}
	}
	return obj{{"epoch", 0}, {"modified", "0.000000"}, {"services", services}}, nil
}
