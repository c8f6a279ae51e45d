package rados

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

const healthComponent = "health"

// health reads the cluster's health from monitor commands, shaped like the
// dashboard's /api/health and /api/summary.
type health struct {
	r *runner
	ceph.UnimplementedHealth
}

var _ ceph.Health = health{}

func (h health) Report(ctx context.Context) (*ceph.HealthReport, error) {
	return cached(ctx, h.r.cache, healthComponent, "health/report", h.report)
}

func (h health) report(ctx context.Context) (*ceph.HealthReport, error) {
	var hr ceph.MonHealth
	if err := h.r.monJSON(ctx, healthComponent, &hr, "health", args{"detail": "detail"}); err != nil {
		return nil, err
	}
	return hr.Report(), nil
}

// pgSummary is what health needs from the PG map.
type pgSummary struct {
	objects  ceph.ObjectStats
	statuses map[string]int
	perOSD   float64
}

type pgDumpSummary struct {
	PGMap struct {
		PGStatsSum struct {
			StatSum ceph.ObjectStats `json:"stat_sum"`
		} `json:"pg_stats_sum"`
	} `json:"pg_map"`
}

type pgStat struct {
	PGSummary struct {
		NumPGByState []struct {
			Name string `json:"name"`
			Num  int    `json:"num"`
		} `json:"num_pg_by_state"`
		NumPGs int `json:"num_pgs"`
	} `json:"pg_summary"`
}

type pgDumpOSDs struct {
	OSDStats []struct {
		OSD    int `json:"osd"`
		NumPGs int `json:"num_pgs"`
	} `json:"osd_stats"`
}

func (r *runner) pgSummary(ctx context.Context, component string) (*pgSummary, error) {
	var sum pgDumpSummary
	if err := r.monJSON(ctx, component, &sum, "pg dump", args{"dumpcontents": []string{"summary"}}); err != nil {
		return nil, err
	}
	var st pgStat
	if err := r.monJSON(ctx, component, &st, "pg stat", nil); err != nil {
		return nil, err
	}
	var osds pgDumpOSDs
	if err := r.monJSON(ctx, component, &osds, "pg dump", args{"dumpcontents": []string{"osds"}}); err != nil {
		return nil, err
	}
	return buildPGSummary(&sum, &st, &osds), nil
}

func buildPGSummary(sum *pgDumpSummary, st *pgStat, osds *pgDumpOSDs) *pgSummary {
	out := &pgSummary{objects: sum.PGMap.PGStatsSum.StatSum, statuses: map[string]int{}}
	for _, s := range st.PGSummary.NumPGByState {
		out.statuses[s.Name] += s.Num
	}
	if n := len(osds.OSDStats); n > 0 {
		total := 0
		for _, o := range osds.OSDStats {
			total += o.NumPGs
		}
		out.perOSD = float64(total) / float64(n)
	}
	return out
}

// scrubStatus is the dashboard's scrub status: Disabled when noscrub or
// nodeep-scrub is set, Active when a PG scrubs, Inactive otherwise.
func scrubStatus(flagsSet []string, statuses map[string]int) string {
	for _, f := range flagsSet {
		if f == "noscrub" || f == "nodeep-scrub" {
			return "Disabled"
		}
	}
	for s := range statuses {
		if strings.Contains(s, "scrubbing") || strings.Contains(s, "deep") {
			return "Active"
		}
	}
	return "Inactive"
}

// poolStats is `ceph osd pool stats`.
type poolStats []struct {
	ClientIORate map[string]int64 `json:"client_io_rate"`
	RecoveryRate map[string]int64 `json:"recovery_rate"`
}

func (p poolStats) clientPerf() ceph.ClientPerf {
	var c ceph.ClientPerf
	for _, s := range p {
		c.ReadBytesSec += s.ClientIORate["read_bytes_sec"]
		c.ReadOpPerSec += s.ClientIORate["read_op_per_sec"]
		c.WriteBytesSec += s.ClientIORate["write_bytes_sec"]
		c.WriteOpPerSec += s.ClientIORate["write_op_per_sec"]
		c.RecoveringBytesPerSec += s.RecoveryRate["recovering_bytes_per_sec"]
	}
	return c
}

// nodeLs is `ceph node ls`: daemon type -> host -> daemons.
type nodeLs map[string]map[string]json.RawMessage

// hosts counts the hosts of the list_servers the dashboard's health
// counts: those of the monitors, managers, OSDs and MDSs (`node ls`) and
// those of the daemons of the service map (gateways, rbd-mirror, ...).
func (n nodeLs) hosts(sd *serviceDump) int {
	seen := map[string]bool{}
	for _, hosts := range n {
		for h := range hosts {
			seen[h] = true
		}
	}
	for _, s := range sd.Services {
		for name, raw := range s.Daemons {
			if name == "summary" {
				continue
			}
			var d struct {
				Metadata struct {
					Hostname string `json:"hostname"`
				} `json:"metadata"`
			}
			if json.Unmarshal(raw, &d) == nil && d.Metadata.Hostname != "" {
				seen[d.Metadata.Hostname] = true
			}
		}
	}
	return len(seen)
}

// serviceDump is `ceph service dump`.
type serviceDump struct {
	Services map[string]struct {
		Daemons map[string]json.RawMessage `json:"daemons"`
	} `json:"services"`
}

// rgwCount counts radosgw daemons ("summary" is not a daemon).
func (s *serviceDump) rgwCount() int {
	n := 0
	for k := range s.Services["rgw"].Daemons {
		if k != "summary" {
			n++
		}
	}
	return n
}

// mgrDump is the part of `ceph mgr dump` the health reports and the
// summary use. The dump is about 60 KB, most of it the options of every
// available module; leaving them out of the struct makes the decoder skip
// them instead of building maps nobody reads, on every refresh.
type mgrDump struct {
	ceph.MgrMap
}

// healthData is every map the full and minimal reports are built from.
type healthData struct {
	health *ceph.HealthReport
	mon    *ceph.MonStatus
	fs     ceph.FSMap
	osd    *osdDump
	pg     *pgSummary
	mgr    mgrDump
	rules  []ceph.CrushRule
	df     *dfDetail
	perf   ceph.ClientPerf
	hosts  int
	rgw    int
}

func (h health) gather(ctx context.Context) (*healthData, error) {
	r, c := h.r, healthComponent
	var d healthData
	var ps poolStats
	var nl nodeLs
	var sd serviceDump
	// the maps are independent: ask for them at once
	err := parallel(
		func() (err error) { d.health, err = h.report(ctx); return },
		func() (err error) { d.mon, err = r.monStatus(ctx, c); return },
		func() error { return r.monJSON(ctx, c, &d.fs, "fs dump", nil) },
		func() (err error) { d.osd, err = r.osdDump(ctx, c); return },
		func() (err error) { d.pg, err = r.pgSummary(ctx, c); return },
		func() error { return r.monJSON(ctx, c, &d.mgr, "mgr dump", nil) },
		func() (err error) { d.rules, err = r.crushRules(ctx, c); return },
		func() (err error) { d.df, err = r.df(ctx, c); return },
		func() error { return r.monJSON(ctx, c, &ps, "osd pool stats", nil) },
		func() error { return r.monJSON(ctx, c, &nl, "node ls", nil) },
		func() error { return r.monJSON(ctx, c, &sd, "service dump", nil) },
	)
	if err != nil {
		return nil, err
	}
	d.perf = ps.clientPerf()
	d.hosts = nl.hosts(&sd)
	d.rgw = sd.rgwCount()
	return &d, nil
}

func (d *healthData) full() *ceph.HealthFull {
	f := &ceph.HealthFull{
		Health: *d.health, MonStatus: *d.mon, FSMap: d.fs, OSDMap: d.osd.OSDMap,
		ScrubStatus: scrubStatus(d.osd.FlagsSet, d.pg.statuses),
		PGInfo:      ceph.PGInfo{ObjectStats: d.pg.objects, PGsPerOSD: d.pg.perOSD, Statuses: d.pg.statuses},
		MgrMap:      d.mgr.MgrMap, ClientPerf: d.perf, Hosts: d.hosts, RGW: d.rgw,
		ISCSIDaemons: ceph.ISCSIDaemons{},
	}
	if f.FSMap.Filesystems == nil {
		f.FSMap.Filesystems = []ceph.FSMapFilesystem{}
	}
	if f.FSMap.Standbys == nil {
		f.FSMap.Standbys = []ceph.MDSInfo{}
	}
	if f.MgrMap.Standbys == nil {
		f.MgrMap.Standbys = []ceph.MgrStandby{}
	}
	names := ruleNames(d.rules)
	stats := poolStatsByName(d.df)
	f.Pools = make([]ceph.Pool, 0, len(d.osd.Pools))
	for _, p := range d.osd.Pools {
		pool := p.toPool(names)
		pool.Stats = stats[p.PoolName]
		f.Pools = append(f.Pools, pool)
	}
	f.DF = ceph.DF{Stats: d.df.Stats, Pools: make([]ceph.DFPool, 0, len(d.df.Pools))}
	for _, p := range d.df.Pools {
		f.DF.Pools = append(f.DF.Pools, ceph.DFPool{Name: p.Name, ID: p.ID, Stats: poolUsage(p.Stats)})
	}
	return f
}

func (d *healthData) minimal() *ceph.HealthMinimal {
	m := &ceph.HealthMinimal{
		Health:      *d.health,
		ScrubStatus: scrubStatus(d.osd.FlagsSet, d.pg.statuses),
		PGInfo:      ceph.PGInfo{ObjectStats: d.pg.objects, PGsPerOSD: d.pg.perOSD, Statuses: d.pg.statuses},
		ClientPerf:  d.perf, Hosts: d.hosts, RGW: d.rgw,
	}
	m.MonStatus.MonMap.Mons = make([]struct{}, len(d.mon.MonMap.Mons))
	m.MonStatus.Quorum = d.mon.Quorum
	m.FSMap.Filesystems = []ceph.FSMapMinimalFilesystem{}
	for _, fs := range d.fs.Filesystems {
		m.FSMap.Filesystems = append(m.FSMap.Filesystems, ceph.FSMapMinimalFilesystem{MDSMap: fs.MDSMap})
	}
	m.FSMap.Standbys = d.fs.Standbys
	if m.FSMap.Standbys == nil {
		m.FSMap.Standbys = []ceph.MDSInfo{}
	}
	m.OSDMap.OSDs = make([]ceph.OSDState, 0, len(d.osd.OSDs))
	for _, o := range d.osd.OSDs {
		m.OSDMap.OSDs = append(m.OSDMap.OSDs, ceph.OSDState{In: o.In, Up: o.Up, State: o.State})
	}
	m.MgrMap.ActiveName = d.mgr.ActiveName
	m.MgrMap.Standbys = d.mgr.Standbys
	if m.MgrMap.Standbys == nil {
		m.MgrMap.Standbys = []ceph.MgrStandby{}
	}
	m.Pools = make([]struct{}, len(d.osd.Pools))
	m.DF.Stats.TotalAvailBytes = d.df.Stats.TotalAvailBytes
	m.DF.Stats.TotalBytes = d.df.Stats.TotalBytes
	m.DF.Stats.TotalUsedRawBytes = d.df.Stats.TotalUsedRawBytes
	return m
}

func (h health) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	return cached(ctx, h.r.cache, healthComponent, "health/minimal", h.minimal)
}

func (h health) minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	d, err := h.gather(ctx)
	if err != nil {
		return nil, err
	}
	return d.minimal(), nil
}

func (h health) Full(ctx context.Context) (*ceph.HealthFull, error) {
	return cached(ctx, h.r.cache, healthComponent, "health/full", h.full)
}

func (h health) full(ctx context.Context) (*ceph.HealthFull, error) {
	d, err := h.gather(ctx)
	if err != nil {
		return nil, err
	}
	return d.full(), nil
}

// versions is `ceph versions`: daemon type -> version line -> count.
type versions map[string]map[string]int

func (v versions) mgrVersion() string {
	best, n := "", -1
	for line, c := range v["mgr"] {
		if c > n || (c == n && line > best) {
			best, n = line, c
		}
	}
	return best
}

func (h health) Summary(ctx context.Context) (*ceph.Summary, error) {
	return cached(ctx, h.r.cache, healthComponent, "health/summary", h.summary)
}

func (h health) summary(ctx context.Context) (*ceph.Summary, error) {
	var hr ceph.MonHealth
	var md mgrDump
	var v versions
	err := parallel(
		func() error { return h.r.monJSON(ctx, healthComponent, &hr, "health", nil) },
		func() error { return h.r.monJSON(ctx, healthComponent, &md, "mgr dump", nil) },
		func() error { return h.r.monJSON(ctx, healthComponent, &v, "versions", nil) },
	)
	if err != nil {
		return nil, err
	}
	return &ceph.Summary{
		HealthStatus: hr.Status, MgrID: md.ActiveName, MgrHost: md.Services["dashboard"],
		HaveMonConnection: true, Version: v.mgrVersion(),
	}, nil
}
