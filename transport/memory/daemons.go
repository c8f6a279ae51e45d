package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

// --- ceph.Monitors ----------------------------------------------------------------

type monitorsService struct {
	*backend
	ceph.UnimplementedMonitors
}

func (c *cluster) monInfo() ceph.MonInfo {
	return ceph.MonInfo{Rank: 0, Name: "a", PublicAddr: "127.0.0.1:6789/0", Addr: "127.0.0.1:6789/0",
		PublicAddrs: &ceph.AddrVec{AddrVec: []ceph.EntityAddr{
			{Type: "v2", Addr: "127.0.0.1:3300", Nonce: 0},
			{Type: "v1", Addr: "127.0.0.1:6789", Nonce: 0},
		}}}
}

// pacificMonFeatures are a Pacific quorum's features as mon_status shows
// them: the feature bits and release names every 16.2 monitor has.
var pacificMonFeatures = json.RawMessage(`{"required_con":"2449958747317026820",` +
	`"required_mon":["kraken","luminous","mimic","osdmap-prune","nautilus","octopus","pacific","elector-pinging"],` +
	`"quorum_con":"4540138314316775423",` +
	`"quorum_mon":["kraken","luminous","mimic","osdmap-prune","nautilus","octopus","pacific","elector-pinging"]}`)

func (c *cluster) monStatusLocked() ceph.MonStatus {
	created := c.created.UTC().Format("2006-01-02T15:04:05.000000Z")
	age := int64(c.now().Sub(c.created).Seconds())
	if age < 0 {
		age = 0
	}
	return ceph.MonStatus{
		Name: "a", Rank: 0, State: "leader", ElectionEpoch: 3, Quorum: []int{0}, QuorumAge: age,
		MonStatusDetail: ceph.MonStatusDetail{Features: pacificMonFeatures, OutsideQuorum: json.RawMessage("[]")},
		MonMap: ceph.MonMap{
			Epoch: 1, FSID: c.fsid, Modified: created, Created: created,
			MinMonRelease: 16, MinMonReleaseName: "pacific", Mons: []ceph.MonInfo{c.monInfo()},
		},
	}
}

// Status reports the model's one monitor, "a", always in quorum.
func (s monitorsService) Status(ctx context.Context) (*ceph.MonitorReport, error) {
	return view(s.backend, ctx, "Monitors.Status", nil, func(c *cluster) (*ceph.MonitorReport, error) {
		// the session count as the dashboard shows it: the recent samples
		// of mon.num_sessions ([time, value] pairs; the model has one, now)
		st := c.monStatusLocked()
		info := c.monInfo()
		for _, d := range monCounters {
			if d.name == "mon.num_sessions" {
				info.Stats = map[string]any{"num_sessions": []any{[]any{float64(c.now().UnixNano()) / 1e9, d.value(c, nil, 0)}}}
			}
		}
		st.MonMap.Mons = []ceph.MonInfo{info}
		return &ceph.MonitorReport{
			MonStatus: st,
			InQuorum:  []ceph.MonInfo{info},
			OutQuorum: []ceph.MonInfo{},
		}, nil
	})
}

// --- ceph.PerfCounters ---------------------------------------------------------------

// Perf counter types and units as Ceph encodes them.
const (
	perfGauge   = 2  // PERFCOUNTER_U64
	perfCounter = 10 // PERFCOUNTER_U64 | PERFCOUNTER_COUNTER
	unitBytes   = 0
	unitNone    = 1
)

type counterDef struct {
	name, desc, nick string
	typ, prio, units int
	value            func(c *cluster, pl *placement, id int) float64
}

func zero(*cluster, *placement, int) float64 { return 0 }

var monCounters = []counterDef{
	{"mon.election_call", "Elections started", "estt", perfCounter, 8, unitNone, func(*cluster, *placement, int) float64 { return 1 }},
	{"mon.election_lose", "Elections lost", "elst", perfCounter, 8, unitNone, zero},
	{"mon.election_win", "Elections won", "ewon", perfCounter, 8, unitNone, func(*cluster, *placement, int) float64 { return 1 }},
	{"mon.num_elections", "Elections participated in", "ecnt", perfCounter, 5, unitNone, func(*cluster, *placement, int) float64 { return 1 }},
	{"mon.num_sessions", "Open sessions", "sess", perfGauge, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 {
		n := 2 // mgr and the admin client
		for _, o := range c.osds {
			if o != nil && o.up {
				n++
			}
		}
		return float64(n)
	}},
	{"paxos.begin", "Started and handled begins", "", perfCounter, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 { return float64(int64(c.epoch) + c.logSeq) }},
	{"paxos.commit", "Commits", "cmt", perfCounter, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 { return float64(int64(c.epoch) + c.logSeq) }},
}

var mgrCounters = []counterDef{
	{"mgr.cache_hit", "Cache hits", "", perfCounter, 5, unitNone, zero},
	{"mgr.cache_miss", "Cache miss", "", perfCounter, 5, unitNone, zero},
	{"objecter.op_active", "Operations active", "actv", perfGauge, 10, unitNone, zero},
	{"objecter.op_r", "Read operations", "rd", perfCounter, 10, unitNone, zero},
	{"objecter.op_w", "Write operations", "wr", perfCounter, 10, unitNone, zero},
}

var osdCounters = []counterDef{
	{"objecter.op_active", "Operations active", "actv", perfGauge, 10, unitNone, zero},
	{"objecter.op_r", "Read operations", "rd", perfCounter, 10, unitNone, zero},
	{"objecter.op_w", "Write operations", "wr", perfCounter, 10, unitNone, zero},
	{"osd.numpg", "Placement groups", "pgs", perfGauge, 5, unitNone, func(_ *cluster, pl *placement, id int) float64 { return float64(pl.osdPGs[id]) }},
	{"osd.numpg_removing", "Placement groups queued for local deletion", "pgsr", perfGauge, 5, unitNone, zero},
	{"osd.op", "Client operations", "ops", perfCounter, 10, unitNone, zero},
	{"osd.op_in_bytes", "Client operations total write size", "wr", perfCounter, 8, unitBytes, zero},
	{"osd.op_out_bytes", "Client operations total read size", "rd", perfCounter, 8, unitBytes, zero},
	{"osd.op_r", "Client read operations", "", perfCounter, 5, unitNone, zero},
	{"osd.op_w", "Client write operations", "", perfCounter, 5, unitNone, zero},
	{"osd.op_wip", "Replication operations currently being processed (primary)", "", perfGauge, 5, unitNone, zero},
	{"osd.recovery_bytes", "recovery bytes", "rbt", perfCounter, 8, unitNone, zero},
	{"osd.recovery_ops", "Started recovery operations", "rop", perfCounter, 8, unitNone, zero},
	{"osd.stat_bytes", "OSD size", "size", perfGauge, 5, unitBytes, func(c *cluster, _ *placement, id int) float64 { return float64(c.osds[id].capacity) }},
	{"osd.stat_bytes_used", "Used space", "used", perfGauge, 5, unitBytes, func(_ *cluster, pl *placement, id int) float64 { return float64(pl.osdUsed[id]) }},
}

// mdsCounters are an MDS's counters; id is its file system's id.
var mdsCounters = []counterDef{
	{"mds.caps", "Capabilities", "caps", perfGauge, 5, unitNone, func(c *cluster, _ *placement, id int) float64 { return float64(len(c.fss[id].sessions)) }},
	{"mds.inodes", "Inodes", "inos", perfGauge, 8, unitNone, func(c *cluster, _ *placement, id int) float64 { _, n := c.fss[id].root.count(); return float64(n) }},
	{"mds.subtrees", "Subtrees", "subt", perfGauge, 5, unitNone, func(*cluster, *placement, int) float64 { return 2 }},
	{"mds_mem.ino", "Inodes", "ino", perfGauge, 5, unitNone, func(c *cluster, _ *placement, id int) float64 { _, n := c.fss[id].root.count(); return float64(n) }},
	{"mds_mem.dn", "Dentries", "dn", perfGauge, 5, unitNone, func(c *cluster, _ *placement, id int) float64 { _, n := c.fss[id].root.count(); return float64(n) }},
	{"mds_server.handle_client_request", "Client requests", "hcr", perfCounter, 5, unitNone, func(c *cluster, _ *placement, id int) float64 { return float64(c.fss[id].requests) }},
	{"mds_sessions.session_count", "Session count", "sess", perfGauge, 5, unitNone, func(c *cluster, _ *placement, id int) float64 { return float64(len(c.fss[id].sessions)) }},
}

// rgwCounters are a gateway's counters (the puts of Fake.PutObject); id
// is unused: the object store is one, whichever gateway serves it.
var rgwCounters = []counterDef{
	{"rgw.req", "Requests", "req", perfCounter, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 { return float64(c.rgw.puts) }},
	{"rgw.failed_req", "Aborted requests", "fred", perfCounter, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 { return float64(c.rgw.failedPuts) }},
	{"rgw.get", "Gets", "get", perfCounter, 5, unitNone, zero},
	{"rgw.get_b", "Size of gets", "getb", perfCounter, 5, unitBytes, zero},
	{"rgw.put", "Puts", "put", perfCounter, 5, unitNone, func(c *cluster, _ *placement, _ int) float64 { return float64(c.rgw.puts - c.rgw.failedPuts) }},
	{"rgw.put_b", "Size of puts", "putb", perfCounter, 5, unitBytes, func(c *cluster, _ *placement, _ int) float64 { return float64(c.rgw.putBytes) }},
	{"rgw.qlen", "Queue length", "qlen", perfGauge, 5, unitNone, zero},
	{"rgw.qactive", "Active requests queue", "qact", perfGauge, 5, unitNone, zero},
}

// rgwDaemonByName finds the gateway named by its id or its service map
// id (the dashboard asks by the latter).
func (c *cluster) rgwDaemonByName(name string) *rgwDaemon {
	if c.rgw == nil {
		return nil
	}
	for _, d := range c.rgw.daemons {
		if d.id == name || strconv.FormatInt(d.gid, 10) == name {
			return d
		}
	}
	return nil
}

// mdsByName finds the file system whose MDS is named name.
func (c *cluster) mdsByName(name string) *fileSystem {
	for _, fs := range c.fss {
		if fs.mdsName == name {
			return fs
		}
	}
	return nil
}

type perfService struct {
	*backend
	ceph.UnimplementedPerfCounters
}

func (d counterDef) unit() string {
	if d.typ&8 == 0 {
		return ""
	}
	if d.units == unitBytes {
		return "B/s"
	}
	return "/s"
}

func (c *cluster) countersLocked(defs []counterDef, pl *placement, id int) map[string]ceph.PerfCounter {
	out := make(map[string]ceph.PerfCounter, len(defs))
	for _, d := range defs {
		out[d.name] = ceph.PerfCounter{Description: d.desc, Nick: d.nick, Type: d.typ, Priority: d.prio,
			Units: d.units, Value: d.value(c, pl, id)}
	}
	return out
}

// All returns the counters of the monitor, the manager and every up OSD.
func (s perfService) All(ctx context.Context) (map[string]map[string]ceph.PerfCounter, error) {
	return view(s.backend, ctx, "PerfCounters.All", nil, func(c *cluster) (map[string]map[string]ceph.PerfCounter, error) {
		pl := c.placementLocked()
		out := map[string]map[string]ceph.PerfCounter{
			"mon.a": c.countersLocked(monCounters, pl, 0),
			"mgr.x": c.countersLocked(mgrCounters, pl, 0),
		}
		for _, o := range c.osds {
			if o != nil && o.up {
				out[fmt.Sprintf("osd.%d", o.id)] = c.countersLocked(osdCounters, pl, o.id)
			}
		}
		for _, fs := range c.fss {
			out["mds."+fs.mdsName] = c.countersLocked(mdsCounters, pl, fs.id)
		}
		if c.rgw != nil {
			for _, d := range c.rgw.daemons {
				out["rgw."+strconv.FormatInt(d.gid, 10)] = c.countersLocked(rgwCounters, pl, 0)
			}
		}
		return out, nil
	})
}

// Daemon returns one daemon's counters: mon "a", mgr "x", an up OSD or
// the MDS of a file system or a gateway (by id or service map id).
func (s perfService) Daemon(ctx context.Context, daemonType, id string) (*ceph.DaemonPerfCounters, error) {
	return view(s.backend, ctx, "PerfCounters.Daemon", []any{daemonType, id}, func(c *cluster) (*ceph.DaemonPerfCounters, error) {
		var defs []counterDef
		osdID := 0
		switch {
		case daemonType == "mon" && id == "a":
			defs = monCounters
		case daemonType == "mgr" && id == "x":
			defs = mgrCounters
		case daemonType == "mds" && c.mdsByName(id) != nil:
			defs, osdID = mdsCounters, c.mdsByName(id).id
		case daemonType == "rgw" && c.rgwDaemonByName(id) != nil:
			defs = rgwCounters
		case daemonType == "osd":
			n, err := strconv.Atoi(id)
			if err == nil && n >= 0 {
				if o := c.osd(n); o != nil && o.up {
					defs, osdID = osdCounters, n
				}
			}
		}
		if defs == nil {
			return nil, ceph.Errorf(ceph.NotFound, "perf_counters", "no perf counters for %s.%s", daemonType, id)
		}
		pl := c.placementLocked()
		out := &ceph.DaemonPerfCounters{Service: ceph.DaemonRef{Type: daemonType, ID: id},
			Counters: make([]ceph.NamedCounter, 0, len(defs))}
		for _, d := range defs {
			out.Counters = append(out.Counters, ceph.NamedCounter{Name: d.name, Description: d.desc,
				Unit: d.unit(), Value: d.value(c, pl, osdID)})
		}
		return out, nil
	})
}
