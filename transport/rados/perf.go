package rados

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

const perfComponent = "perf_counters"

// mdsPerfTimeout bounds the wait for one MDS's counters in All.
const mdsPerfTimeout = 5 * time.Second

// prioUseful is the manager's PRIO_USEFUL: counters below it are left out
// of All, as the dashboard leaves them out.
const prioUseful = 5

// Counter type bits (PerfCountersBuilder).
const (
	perfCounterTime       = 1
	perfCounterU64        = 2
	perfCounterLongRunAvg = 4
	perfCounterCounter    = 8
)

// perfCounters reads performance counters with the daemons' own `perf
// schema` and `perf dump` commands, sent the way `ceph tell` sends them:
// monitors through the monitor command path, OSDs and managers with their
// librados tell calls, metadata servers through libcephfs. The gateways
// (rgw) take no commands from a client: their counters are read from the
// manager's prometheus module when it is enabled (perfprom.go), else they
// are Unimplemented. rbd-mirror daemons are Unimplemented: the module
// exports their counters without units (the dashboard shows replay_bytes
// as B/s) and names sections with underscores (rbd_mirror_snapshot) that
// a metric name cannot be split back into.
type perfCounters struct {
	ceph.UnimplementedPerfCounters
	r *runner
	// last keeps the previous sample of each daemon, so that Daemon can
	// report counters as rates, as the dashboard does.
	mu   sync.Mutex
	last map[string]perfSample
	now  func() time.Time
	// http reads the manager's prometheus module (perfprom.go).
	httpOnce sync.Once
	http     *http.Client
}

type perfSample struct {
	at     time.Time
	values map[string]float64
}

var _ ceph.PerfCounters = (*perfCounters)(nil)

// schemaEntry is one counter of `perf schema`.
type schemaEntry struct {
	Type        int    `json:"type"`
	MetricType  string `json:"metric_type"`
	Description string `json:"description"`
	Nick        string `json:"nick"`
	Priority    int    `json:"priority"`
	Units       string `json:"units"`
}

// perf schema and perf dump: section -> counter -> entry/value.
type (
	perfSchema map[string]map[string]schemaEntry
	perfDump   map[string]map[string]any
)

// unitsInt is the manager's numbering of units (BYTES 0, NONE 1).
func unitsInt(u string) int {
	if u == "bytes" {
		return 0
	}
	return 1
}

// counterValue is a counter's latest value: the number, or for long-running
// averages the sum.
func counterValue(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case map[string]any:
		if s, ok := x["sum"].(float64); ok {
			return s
		}
		if s, ok := x["avgcount"].(float64); ok {
			return s
		}
	}
	return 0
}

// avgCount is the sample count of a long-running average.
func avgCount(v any) uint64 {
	if x, ok := v.(map[string]any); ok {
		if n, ok := x["avgcount"].(float64); ok && n > 0 {
			return uint64(n)
		}
	}
	return 0
}

// flatten joins schema and values into "section.counter" paths.
func flatten(schema perfSchema, dump perfDump, minPrio int) map[string]ceph.PerfCounter {
	out := map[string]ceph.PerfCounter{}
	for section, counters := range schema {
		for name, s := range counters {
			if s.Priority < minPrio {
				continue
			}
			c := ceph.PerfCounter{
				Description: s.Description, Nick: s.Nick, Type: s.Type, Priority: s.Priority,
				Units: unitsInt(s.Units), Value: counterValue(dump[section][name]),
			}
			if s.Type&perfCounterLongRunAvg != 0 {
				n := avgCount(dump[section][name])
				c.Count = &n
			}
			out[section+"."+name] = c
		}
	}
	return out
}

func (p *perfCounters) fetch(ctx context.Context, typ, id string) (perfSchema, perfDump, error) {
	switch typ {
	case "osd":
		n, err := strconv.Atoi(id)
		if err != nil || n < 0 {
			return nil, nil, errorf(ceph.NotFound, perfComponent, "osd.%s not found", id)
		}
		return p.tell(ctx, typ, id, func(_ string, args [][]byte) ([]byte, string, error) { return p.r.c.OsdCommand(n, args) })
	case "mon":
		return p.tell(ctx, typ, id, p.r.c.MonCommandTarget)
	case "mgr":
		mt, ok := p.r.c.(mgrTargetCommander)
		if !ok {
			return nil, nil, errorf(ceph.Unimplemented, perfComponent, "this connection cannot send commands to a manager by name")
		}
		// a command to a manager that is not in the map would wait for it
		if err := p.r.knownDaemon(ctx, typ, id); err != nil {
			return nil, nil, err
		}
		return p.tell(ctx, typ, id, mt.MgrCommandTarget)
	case "rgw":
		return p.gateway(ctx, id)
	case "mds":
		if p.r.mds == nil {
			return nil, nil, errorf(ceph.Unimplemented, perfComponent, "this connection cannot send commands to a metadata server")
		}
		if err := p.r.knownDaemon(ctx, typ, id); err != nil {
			return nil, nil, err
		}
		return p.tell(ctx, typ, id, p.r.mds.MdsCommand)
	default:
		return nil, nil, errorf(ceph.Unimplemented, perfComponent,
			"perf counters of %s daemons are not reachable from a librados client", typ)
	}
}

// tell sends `perf schema`, `perf histogram schema` and `perf dump` to one
// daemon with send. The histograms' schema is a command of its own; the
// manager's schema, which the dashboard shows, has them too (with the
// value 0: a histogram has no single value).
func (p *perfCounters) tell(ctx context.Context, typ, id string, send func(name string, args [][]byte) ([]byte, string, error)) (perfSchema, perfDump, error) {
	var schema, histograms perfSchema
	var dump perfDump
	for _, prefix := range []string{"perf schema", "perf histogram schema", "perf dump"} {
		cmd := encode(prefix, "json", nil)
		// A read: it must not empty the cache (it did, on every
		// GET /api/perf_counters).
		out, _, err := p.r.read(ctx, perfComponent, prefix, func() ([]byte, string, error) {
			return send(id, [][]byte{cmd})
		})
		if err != nil {
			if prefix == "perf histogram schema" && ceph.CodeOf(err) == ceph.InvalidArgument {
				continue // a daemon without the command
			}
			return nil, nil, notFoundOnMissing(err, typ, id)
		}
		var v any = &schema
		switch prefix {
		case "perf dump":
			v = &dump
		case "perf histogram schema":
			v = &histograms
		}
		if err := jsonUnmarshal(out, v); err != nil {
			return nil, nil, badReply(perfComponent, prefix, err)
		}
	}
	if schema == nil {
		schema = perfSchema{}
	}
	for section, counters := range histograms {
		if schema[section] == nil {
			schema[section] = map[string]schemaEntry{}
		}
		for name, e := range counters {
			if _, ok := schema[section][name]; !ok {
				schema[section][name] = e
			}
		}
	}
	return schema, dump, nil
}

// mgrTargetCommander sends a command to a manager by name (threadConn).
type mgrTargetCommander interface {
	MgrCommandTarget(name string, args [][]byte) ([]byte, string, error)
}

// mdsCommander sends a command to a metadata server by name (mdsConn).
type mdsCommander interface {
	MdsCommand(spec string, args [][]byte) ([]byte, string, error)
}

// mdsNames lists the metadata servers of the FS map that are up (active,
// replaying, standby, ...), each once.
func (r *runner) mdsNames(ctx context.Context, component string) ([]string, error) {
	var fs ceph.FSMap
	if err := r.monJSON(ctx, component, &fs, "fs dump", nil); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	add := func(m ceph.MDSInfo) {
		if m.Name != "" && !seen[m.Name] {
			seen[m.Name] = true
			names = append(names, m.Name)
		}
	}
	for _, f := range fs.Filesystems {
		for _, m := range f.MDSMap.Info {
			add(m)
		}
	}
	for _, m := range fs.Standbys {
		add(m)
	}
	sort.Strings(names)
	return names, nil
}

// mgrNames lists the active manager and the standbys.
func (r *runner) mgrNames(ctx context.Context, component string) ([]string, error) {
	var m ceph.MgrMap
	if err := r.monJSON(ctx, component, &m, "mgr dump", nil); err != nil {
		return nil, err
	}
	var names []string
	if m.ActiveName != "" {
		names = append(names, m.ActiveName)
	}
	for _, s := range m.Standbys {
		names = append(names, s.Name)
	}
	return names, nil
}

// knownDaemon is NotFound unless the maps list the daemon typ.id (mds or
// mgr): a command sent to one they do not list would wait for it.
func (r *runner) knownDaemon(ctx context.Context, typ, id string) error {
	var names []string
	var err error
	if typ == "mds" {
		names, err = r.mdsNames(ctx, perfComponent)
	} else {
		names, err = r.mgrNames(ctx, perfComponent)
	}
	if err != nil {
		return err
	}
	if !slices.Contains(names, id) {
		return errorf(ceph.NotFound, perfComponent, "'%s.%s' not found", typ, id)
	}
	return nil
}

// notFoundOnMissing turns "no such daemon" answers into NotFound.
func notFoundOnMissing(err error, typ, id string) error {
	switch ceph.CodeOf(err) {
	case ceph.NotFound, ceph.InvalidArgument:
		return &ceph.Error{Code: ceph.NotFound, Component: perfComponent, Detail: "'" + typ + "." + id + "' not found", Err: err}
	}
	return err
}

func (p *perfCounters) All(ctx context.Context) (map[string]map[string]ceph.PerfCounter, error) {
	return cached(ctx, p.r.cache, perfComponent, "perf/all", p.all)
}

func (p *perfCounters) all(ctx context.Context) (map[string]map[string]ceph.PerfCounter, error) {
	var q quorumStatus
	if err := p.r.monJSON(ctx, perfComponent, &q, "quorum_status", nil); err != nil {
		return nil, err
	}
	d, err := p.r.osdDump(ctx, perfComponent)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]ceph.PerfCounter{}
	for _, name := range q.QuorumNames {
		s, v, err := p.fetch(ctx, "mon", name)
		if err != nil {
			return nil, err
		}
		out["mon."+name] = flatten(s, v, prioUseful)
	}
	// the daemons the dashboard lists (mds, mon, osd, rbd-mirror, rgw; not
	// the managers) that a client can reach
	if p.r.mds != nil {
		names, err := p.r.mdsNames(ctx, perfComponent)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			// An MDS that the map lists but that does not answer (laggy,
			// just failed) is left out, as the dashboard leaves out the
			// daemons it has no counters of, within a bound of its own.
			mctx, cancel := context.WithTimeout(ctx, mdsPerfTimeout)
			s, v, err := p.tell(mctx, "mds", name, p.r.mds.MdsCommand)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					return nil, ceph.CheckContext(ctx, perfComponent)
				}
				continue
			}
			out["mds."+name] = flatten(s, v, prioUseful)
		}
	}
	if err := p.gateways(ctx, out); err != nil {
		return nil, err
	}
	for _, o := range d.OSDs {
		if o.Up != 1 {
			continue
		}
		id := strconv.Itoa(o.OSD)
		s, v, err := p.fetch(ctx, "osd", id)
		if err != nil {
			if ceph.CodeOf(err) == ceph.NotFound || ceph.CodeOf(err) == ceph.Unavailable {
				continue // went down meanwhile
			}
			return nil, err
		}
		out["osd."+id] = flatten(s, v, prioUseful)
	}
	return out, nil
}

func (p *perfCounters) Daemon(ctx context.Context, typ, id string) (*ceph.DaemonPerfCounters, error) {
	schema, dump, err := p.fetch(ctx, typ, id)
	if err != nil {
		return nil, err
	}
	now := p.now()
	// only the counters the daemons report to the manager, as the
	// dashboard (mgr_stats_threshold, PRIO_USEFUL by default)
	all := flatten(schema, dump, prioUseful)
	values := make(map[string]float64, len(all))
	for k, c := range all {
		values[k] = c.Value
	}
	key := typ + "." + id
	p.mu.Lock()
	prev, hadPrev := p.last[key]
	// A sample that changed nothing is not kept: the prometheus module
	// serves the same values until its next scrape of the reports, and a
	// rate is over the time since the values last moved.
	if !hadPrev || !maps.Equal(prev.values, values) {
		p.last[key] = perfSample{at: now, values: values}
	}
	p.mu.Unlock()

	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	res := &ceph.DaemonPerfCounters{Service: ceph.DaemonRef{Type: typ, ID: id}, Counters: make([]ceph.NamedCounter, 0, len(names))}
	for _, k := range names {
		c := all[k]
		nc := ceph.NamedCounter{Name: k, Description: c.Description}
		// The manager's stat type: a counter or a long-running average
		// (alone, not both) is shown as a rate, as the dashboard does.
		if st := c.Type &^ (perfCounterTime | perfCounterU64); st == perfCounterCounter || st == perfCounterLongRunAvg {
			// a rate over the time since the previous call (0 on the first)
			if c.Units == 0 {
				nc.Unit = "B/s"
			} else {
				nc.Unit = "/s"
			}
			if dt := now.Sub(prev.at).Seconds(); hadPrev && dt > 0 {
				if r := (c.Value - prev.values[k]) / dt; r > 0 {
					nc.Value = r
				}
			}
		} else {
			nc.Value = c.Value
		}
		res.Counters = append(res.Counters, nc)
	}
	return res, nil
}
