package rados

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The gateways (rgw) take no commands from a client: their counters reach
// the manager in the daemons' reports, and a client reads them where the
// manager publishes them, its prometheus module. These are the rules of
// the 16.2 module (mgr/prometheus/module.py), as observed on 16.2.15:
//
//   - only counters of priority PRIO_USEFUL or more, and no histograms;
//   - "section.counter" becomes ceph_section_counter, with "-" as "_"
//     (objecter-0x55c7a2231600.op_r is ceph_objecter_0x55c7a2231600_op_r);
//   - a gateway's samples carry its service map id (the gid, the id of
//     /api/perf_counters/rgw/{id}) as the only label, instance_id or
//     ceph_daemon;
//   - a long-running average is two counters, NAME_sum ("<description>
//     Total") and NAME_count;
//   - TYPE counter is a counter, gauge a gauge; units are not exported.

// promMaxBody bounds the metrics page read (a big cluster's page is a few
// MB: one sample per counter per daemon).
const promMaxBody = 256 << 20

// promURL is the address of the manager's prometheus module from the
// manager map's services, or Unimplemented when the module is off.
func (p *perfCounters) promURL(ctx context.Context, typ string) (string, error) {
	var m ceph.MgrMap
	if err := p.r.monJSON(ctx, perfComponent, &m, "mgr dump", nil); err != nil {
		return "", err
	}
	u := m.Services["prometheus"]
	if u == "" {
		return "", errorf(ceph.Unimplemented, perfComponent,
			"perf counters of %s daemons reach a client only through the manager's prometheus module, which is not enabled (ceph mgr module enable prometheus)", typ)
	}
	return strings.TrimRight(u, "/") + "/metrics", nil
}

// scrape reads and parses the manager's metrics page.
func (p *perfCounters) scrape(ctx context.Context, typ string) (map[string]*promFamily, error) {
	u, err := p.promURL(ctx, typ)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, errorf(ceph.Unavailable, perfComponent, "the prometheus module's address %q: %v", u, err)
	}
	rsp, err := p.client().Do(req)
	if err != nil {
		if cerr := ceph.CheckContext(ctx, perfComponent); cerr != nil {
			return nil, cerr
		}
		return nil, &ceph.Error{Code: ceph.Unavailable, Component: perfComponent,
			Detail: "the manager's prometheus module at " + u + " did not answer: " + err.Error(), Err: err}
	}
	defer rsp.Body.Close()
	if rsp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(rsp.Body, 1<<20))
		return nil, errorf(ceph.Unavailable, perfComponent, "the manager's prometheus module at %s answered %s", u, rsp.Status)
	}
	// only what a gateway's counters are made of
	return parseProm(io.LimitReader(rsp.Body, promMaxBody), "ceph_"+typ+"_", "ceph_objecter_")
}

// client is the HTTP client of the metrics page (bounded by the call's
// context and by promTimeout).
func (p *perfCounters) client() *http.Client {
	p.httpOnce.Do(func() {
		if p.http == nil {
			p.http = cleanhttp.DefaultPooledClient()
			p.http.Timeout = promTimeout
		}
	})
	return p.http
}

// promTimeout bounds one read of the metrics page.
const promTimeout = 10 * time.Second

// promFamily is one metric family of the page: help, type and samples.
type promFamily struct {
	help    string
	counter bool // TYPE counter (else a gauge or untyped)
	samples []promSample
}

type promSample struct {
	labels map[string]string
	value  float64
}

// regroup rewrites a metrics page so that each family has one HELP, one
// TYPE and all its samples together, keeping only the families whose
// names start with one of prefixes. The 16.2 module writes some families
// more than once (ceph_pool_objects_repaired: once per pool, each with
// its HELP and TYPE), which the exposition format forbids.
func regroup(r io.Reader, prefixes ...string) (io.Reader, error) {
	type family struct {
		help, typ string
		samples   []string
	}
	fams := map[string]*family{}
	var order []string
	get := func(name string) *family {
		f := fams[name]
		if f == nil {
			f = &family{}
			fams[name] = f
			order = append(order, name)
		}
		return f
	}
	wanted := func(name string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return len(prefixes) == 0
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE "):
			name, _, _ := strings.Cut(line[len("# HELP "):], " ")
			if !wanted(name) {
				continue
			}
			f := get(name)
			if line[2] == 'H' && f.help == "" {
				f.help = line
			} else if line[2] == 'T' && f.typ == "" {
				f.typ = line
			}
		case strings.HasPrefix(line, "#"):
		default:
			name := line
			if i := strings.IndexAny(line, "{ \t"); i >= 0 {
				name = line[:i]
			}
			if wanted(name) {
				f := get(name)
				f.samples = append(f.samples, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, name := range order {
		f := fams[name]
		for _, l := range append([]string{f.help, f.typ}, f.samples...) {
			if l != "" {
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
	}
	return strings.NewReader(b.String()), nil
}

// parseProm reads the text exposition format: the families whose names
// start with one of prefixes (all when none).
func parseProm(r io.Reader, prefixes ...string) (map[string]*promFamily, error) {
	r, err := regroup(r, prefixes...)
	if err != nil {
		return nil, errorf(ceph.Unavailable, perfComponent, "reading the prometheus module's page: %v", err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, errorf(ceph.Internal, perfComponent, "the prometheus module's page: %v", err)
	}
	out := make(map[string]*promFamily, len(fams))
	for name, mf := range fams {
		f := &promFamily{help: mf.GetHelp(), counter: mf.GetType().String() == "COUNTER"}
		for _, m := range mf.GetMetric() {
			s := promSample{labels: make(map[string]string, len(m.GetLabel()))}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Untyped != nil:
				s.value = m.GetUntyped().GetValue()
			default:
				continue // summaries and histograms are not perf counters
			}
			f.samples = append(f.samples, s)
		}
		out[name] = f
	}
	return out, nil
}

// objecterSection matches an objecter instance's section
// (objecter-0x55c7a2231600) in a metric name.
var objecterSection = regexp.MustCompile(`^objecter_(0x[0-9a-f]+)_(.+)$`)

// promPath turns a metric name back into "section" and "counter": the
// section is the first word, or objecter-0x... for an objecter instance.
func promPath(metric string) (section, counter string, ok bool) {
	rest, ok := strings.CutPrefix(metric, "ceph_")
	if !ok {
		return "", "", false
	}
	if m := objecterSection.FindStringSubmatch(rest); m != nil {
		return "objecter-" + m[1], m[2], true
	}
	section, counter, ok = strings.Cut(rest, "_")
	if !ok || section == "" || counter == "" {
		return "", "", false
	}
	return section, counter, true
}

// promDaemon builds the schema and values of the daemon whose samples
// carry id as their only label (instance_id or ceph_daemon), as perf
// schema and perf dump would give them; found reports whether the page
// had any.
func promDaemon(fams map[string]*promFamily, typ, id string) (perfSchema, perfDump, bool) {
	schema, dump := perfSchema{}, perfDump{}
	found := false
	value := func(f *promFamily) (float64, bool) {
		for _, s := range f.samples {
			if len(s.labels) == 1 && (s.labels["instance_id"] == id || s.labels["ceph_daemon"] == id) {
				return s.value, true
			}
		}
		return 0, false
	}
	put := func(section, name string, e schemaEntry, v any) {
		if schema[section] == nil {
			schema[section], dump[section] = map[string]schemaEntry{}, map[string]any{}
		}
		schema[section][name], dump[section][name] = e, v
		found = true
	}
	for metric, f := range fams {
		if metric == "ceph_"+typ+"_metadata" {
			continue // the daemon's metadata, not a counter
		}
		if base, ok := strings.CutSuffix(metric, "_sum"); ok && fams[base+"_count"] != nil {
			sum, ok := value(f)
			if !ok {
				continue
			}
			n, _ := value(fams[base+"_count"])
			if section, name, ok := promPath(base); ok {
				put(section, name, schemaEntry{Type: perfCounterTime | perfCounterLongRunAvg,
					Description: strings.TrimSuffix(f.help, " Total"), Priority: prioUseful, Units: "none"},
					map[string]any{"sum": sum, "avgcount": n})
			}
			continue
		}
		if base, ok := strings.CutSuffix(metric, "_count"); ok && fams[base+"_sum"] != nil {
			continue // the count of an average, above
		}
		v, ok := value(f)
		if !ok {
			continue
		}
		section, name, ok := promPath(metric)
		if !ok {
			continue
		}
		t := perfCounterU64
		if f.counter {
			t |= perfCounterCounter
		}
		put(section, name, schemaEntry{Type: t, Description: f.help, Priority: prioUseful, Units: "none"}, v)
	}
	return schema, dump, found
}

// gatewayIDs are the service map ids (gids) of the gateways.
func (p *perfCounters) gatewayIDs(ctx context.Context) ([]string, error) {
	var sd serviceDump
	if err := p.r.monJSON(ctx, perfComponent, &sd, "service dump", nil); err != nil {
		return nil, err
	}
	var ids []string
	for k := range sd.Services["rgw"].Daemons {
		if k != "summary" {
			ids = append(ids, k)
		}
	}
	return ids, nil
}

// gateway reads one gateway's counters from the prometheus module: NotFound
// for an id the service map does not list; a gateway the module has not
// heard from yet has no counters.
func (p *perfCounters) gateway(ctx context.Context, id string) (perfSchema, perfDump, error) {
	ids, err := p.gatewayIDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	known := false
	for _, g := range ids {
		known = known || g == id
	}
	if !known {
		return nil, nil, errorf(ceph.NotFound, perfComponent, "'rgw.%s' not found", id)
	}
	fams, err := p.scrape(ctx, "rgw")
	if err != nil {
		return nil, nil, err
	}
	s, d, _ := promDaemon(fams, "rgw", id)
	return s, d, nil
}

// gateways adds every gateway's counters to out ("rgw.<gid>"), when the
// prometheus module is on; without it All leaves the gateways out, as it
// did before.
func (p *perfCounters) gateways(ctx context.Context, out map[string]map[string]ceph.PerfCounter) error {
	ids, err := p.gatewayIDs(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	fams, err := p.scrape(ctx, "rgw")
	if err != nil {
		// the gateways are left out, the other daemons still answer
		return ceph.CheckContext(ctx, perfComponent)
	}
	for _, id := range ids {
		if s, d, ok := promDaemon(fams, "rgw", id); ok {
			out["rgw."+id] = flatten(s, d, prioUseful)
		}
	}
	return nil
}
