package cmdemu

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
)

// Reads the manager answers from its PG map that python-cephclient calls
// (osd_perf, osd_pool_stats, pg_dump_stuck), as Ceph 16.2.15's mgr prints
// them.

// pgReady lays out an answer the mgr wraps in {"pg_ready": true, ...}
// as it prints it: the inner dump is flushed before the wrapper's closing
// brace, which follows on a line of its own ("...}\n}", pretty
// "...}\n\n}\n"). XML gets the plain object.
func pgReady(b []byte, f format) []byte {
	switch f {
	case jsonCompact:
		return append(bytes.TrimSuffix(b, []byte("}")), "\n}"...)
	case jsonPretty:
		return append(bytes.TrimSuffix(b, []byte("}\n")), "\n}\n"...)
	}
	return b
}

// osdPerf answers `osd perf`: each OSD's commit and apply latency, by id.
// The latencies are the perf_stat the OSD reports; when the transport
// reports none (the memory model does no I/O: its OSDs count no
// operations) they are an idle OSD's, 0, as a 16.2.15 OSD reports them.
func (e *Emulator) osdPerf(ctx context.Context, a args, f format) ([]byte, string, error) {
	list, err := e.c.OSDs.List(ctx)
	if err != nil {
		return nil, "", err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	type perf struct {
		CommitMS int64 `json:"commit_latency_ms"`
		ApplyMS  int64 `json:"apply_latency_ms"`
		CommitNS int64 `json:"commit_latency_ns"`
		ApplyNS  int64 `json:"apply_latency_ns"`
	}
	infos := []obj{}
	var tt textTable
	tt.define("osd", right, right)
	tt.define("commit_latency(ms)", right, right)
	tt.define("apply_latency(ms)", right, right)
	for _, o := range list {
		var p perf
		if len(o.OSDStats.PerfStat) > 0 {
			_ = json.Unmarshal(o.OSDStats.PerfStat, &p)
		}
		infos = append(infos, obj{{"id", o.ID}, {"perf_stats", obj{{"commit_latency_ms", p.CommitMS}, {"apply_latency_ms", p.ApplyMS},
			{"commit_latency_ns", p.CommitNS}, {"apply_latency_ns", p.ApplyNS}}}})
		tt.row(strconv.Itoa(o.ID), strconv.FormatInt(p.CommitMS, 10), strconv.FormatInt(p.ApplyMS, 10))
	}
	if f != plain {
		b, err := encodeJSON(obj{{"pg_ready", true}, {"osdstats", obj{{"osd_perf_infos", infos}}}}, f)
		return pgReady(b, f), "", err
	}
	return []byte(tt.String()), "", nil
}

// osdPoolStats answers `osd pool stats [pool]`: each pool's recovery and
// client I/O rates. The client rates are the pool's rd/wr/rd_bytes/
// wr_bytes rates, printed only when the pool has I/O, as Ceph prints
// them. Recovery is always empty: the domain has no per-pool recovery
// counts (the cluster's recovery rate only), so a pool that is
// recovering shows "nothing is going on" where Ceph shows its recovery.
func (e *Emulator) osdPoolStats(ctx context.Context, a args, f format) ([]byte, string, error) {
	ps, err := e.c.Pools.List(ctx, &ceph.PoolListOptions{Stats: true})
	if err != nil {
		return nil, "", err
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pool < ps[j].Pool })
	if name := a.str("pool_name"); name != "" {
		var one []ceph.Pool
		for _, p := range ps {
			if p.PoolName == name {
				one = append(one, p)
			}
		}
		if len(one) == 0 {
			return nil, "", cmdError(syscall.ENOENT, "unrecognized pool '"+name+"'")
		}
		ps = one
	}
	var out []obj
	var b strings.Builder
	for _, p := range ps {
		rate := func(k string) int64 { return int64(p.Stats[k].Rate) }
		io := ceph.ClientPerf{ReadBytesSec: rate("rd_bytes"), WriteBytesSec: rate("wr_bytes"), ReadOpPerSec: rate("rd"), WriteOpPerSec: rate("wr")}
		cio := obj{}
		if !noIO(io) {
			if io.ReadBytesSec > 0 {
				cio = append(cio, kv{"read_bytes_sec", io.ReadBytesSec})
			}
			if io.WriteBytesSec > 0 {
				cio = append(cio, kv{"write_bytes_sec", io.WriteBytesSec})
			}
			cio = append(cio, kv{"read_op_per_sec", io.ReadOpPerSec}, kv{"write_op_per_sec", io.WriteOpPerSec})
		}
		out = append(out, obj{{"pool_name", p.PoolName}, {"pool_id", p.Pool}, {"recovery", obj{}}, {"recovery_rate", obj{}}, {"client_io_rate", cio}})
		b.WriteString("pool " + p.PoolName + " id " + strconv.Itoa(p.Pool) + "\n")
		if noIO(io) {
			b.WriteString("  nothing is going on\n\n")
		} else {
			b.WriteString("  client io " + clientIO(io) + "\n\n")
		}
	}
	if f != plain {
		b, err := encodeJSON(emptyList(out), f)
		return b, "", err
	}
	return []byte(b.String()), "", nil
}

// pgDumpStuck answers `pg dump_stuck [states] [threshold]`: the PGs
// stuck inactive, unclean, stale, undersized or degraded. The domain
// reports PG counts by state, not single PGs, so the emulator can list
// stuck PGs only when there are none: while any PG is in a state that
// can be stuck it refuses the command (EOPNOTSUPP) rather than answer a
// wrong empty list. With every PG active+clean it answers as Ceph does:
// "ok", and no PG.
func (e *Emulator) pgDumpStuck(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	for st, n := range h.PGInfo.Statuses {
		if n > 0 && st != "active+clean" && !strings.HasPrefix(st, "active+clean+") {
			return nil, "", cmdError(syscall.EOPNOTSUPP, "the domain has PG counts by state, not the PGs: it cannot list the stuck PGs ("+strconv.Itoa(n)+" "+st+")")
		}
	}
	if f != plain {
		b, err := encodeJSON(obj{{"pg_ready", true}, {"stuck_pg_stats", []obj{}}}, f)
		return pgReady(b, f), "ok", err
	}
	return nil, "ok", nil
}
