package memory

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// shardNone is CRUSH_ITEM_NONE: an EC shard with no OSD.
const shardNone = 2147483647

// maxDetail is mon_health_max_detail: PG detail lines kept per check.
const maxDetail = 50

// The OSD map's fullness ratios (mon_osd_full_ratio and friends at
// cluster creation).
const (
	fullRatio         = 0.95
	backfillfullRatio = 0.9
	nearfullRatio     = 0.85
)

// ruleView is what one CRUSH rule can reach right now.
type ruleView struct {
	domains  [][]int // failure domains that have an up OSD: their up OSD ids
	mapped   []int   // OSDs CRUSH maps PGs to (up, in, reweight > 0)
	eligible int     // OSDs under the rule's root (and class), any state
	down     []int   // eligible OSDs that are down: the last acting set of stale PGs
	inDoms   int     // failure domains that have an up and in OSD
}

// poolPlacement is the derived PG state of one pool: every PG of a pool is
// in the same state in this model.
type poolPlacement struct {
	state     string // PGs without objects
	dataState string // PGs with objects
	dataPGs   int    // how many PGs hold objects: the first dataPGs of the pool
	copies    int
	size      int
	// misplaced is how many copies of each object are misplaced (on up
	// but out OSDs of a remapped PG).
	misplaced int
	erasure   bool // acting sets keep a slot per shard (NONE when missing)
	rv        *ruleView
}

// stateOf returns the state of PG number i.
func (pp poolPlacement) stateOf(i int) string {
	if i < pp.dataPGs {
		return pp.dataState
	}
	return pp.state
}

// placement is the PG map derived from the OSD map; it is computed in one
// pass over the OSDs per CRUSH rule in use, plus one pass over the pools.
type placement struct {
	pools      map[int]poolPlacement
	osdPGs     []int   // by OSD id: PG instances mapped to it
	osdUsed    []int64 // by OSD id: bytes stored on it
	statuses   map[string]int
	instances  int
	objects    int64
	copies     int64
	degraded   int64
	misplaced  int64
	byOSDCount int // OSDs that report PG stats (up)
}

// ruleViewLocked computes which failure domains of rule r have up OSDs.
func (c *cluster) ruleViewLocked(r *rule) *ruleView {
	rv := &ruleView{}
	domainIdx := map[int]int{}
	domainIn := map[int]bool{}
	for _, o := range c.osds {
		if o == nil || o.destroyed || o.crushWeight <= 0 || (r.class != "" && o.class != r.class) {
			continue
		}
		under := false
		dom := 0
		if r.domain == "osd" {
			dom = o.id + 1 // keep ids distinct from bucket ids (< 0)
		}
		c.ancestors(o, func(b *bucket) bool {
			if b.id == r.root {
				under = true
			}
			if dom == 0 && b.typ == r.domain {
				dom = b.id
			}
			return !under
		})
		if !under || dom == 0 {
			continue
		}
		rv.eligible++
		if !o.up {
			rv.down = append(rv.down, o.id)
			continue
		}
		i, ok := domainIdx[dom]
		if !ok {
			i = len(rv.domains)
			domainIdx[dom] = i
			rv.domains = append(rv.domains, nil)
		}
		rv.domains[i] = append(rv.domains[i], o.id)
		if o.in && o.reweight > 0 {
			rv.mapped = append(rv.mapped, o.id)
			if !domainIn[dom] {
				domainIn[dom] = true
				rv.inDoms++
			}
		}
	}
	if len(rv.mapped) == 0 {
		for _, d := range rv.domains {
			rv.mapped = append(rv.mapped, d...)
		}
	}
	return rv
}

// pgState is the settled state of a PG that has copies of size copies
// placed; hasData tells whether it holds objects (only those are degraded).
func pgState(size, minSize, copies, eligible int, hasData, erasure bool) string {
	degraded := ""
	if hasData {
		degraded = "+degraded"
	}
	switch {
	case copies >= size:
		return "active+clean"
	case copies >= minSize && copies > 0:
		return "active+undersized" + degraded
	case copies > 0 && erasure:
		// An EC PG needs min_size shards to peer at all; a pool created on
		// too small a cluster stays creating+incomplete.
		return "creating+incomplete"
	case copies > 0:
		return "undersized" + degraded + "+peered"
	case eligible > 0:
		return "stale+active+clean"
	}
	return "unknown"
}

// placementLocked derives the PG map. Cost: O(rules in use x OSDs + pools).
func (c *cluster) placementLocked() *placement {
	pl := &placement{
		pools:    make(map[int]poolPlacement, len(c.pools)),
		osdPGs:   make([]int, len(c.osds)),
		osdUsed:  make([]int64, len(c.osds)),
		statuses: map[string]int{},
	}
	views := map[int]*ruleView{}
	shareCount := map[int]int{}   // rule -> PG instances to spread
	shareBytes := map[int]int64{} // rule -> bytes to spread
	for _, p := range c.sortedPools() {
		rv := views[p.rule]
		if rv == nil {
			r := c.rules[p.rule]
			if r == nil {
				rv = &ruleView{}
			} else {
				rv = c.ruleViewLocked(r)
			}
			views[p.rule] = rv
		}
		copies := min(p.size, len(rv.domains))
		pp := poolPlacement{
			state:     pgState(p.size, p.minSize, copies, rv.eligible, false, p.typ == ceph.Erasure),
			dataState: pgState(p.size, p.minSize, copies, rv.eligible, true, p.typ == ceph.Erasure),
			erasure:   p.typ == ceph.Erasure,
			dataPGs:   int(min(int64(p.pgNum), p.objects)),
			copies:    copies, size: p.size, rv: rv,
		}
		// Copies on up but out OSDs: CRUSH maps them elsewhere, but with
		// nowhere to move them the PGs stay active+clean+remapped and the
		// objects count as misplaced (no health check in 16.2). With no in
		// OSD at all, Ceph keeps the old mapping.
		if inCopies := min(p.size, rv.inDoms); pp.state == "active+clean" && inCopies > 0 && inCopies < copies {
			pp.state, pp.dataState = "active+clean+remapped", "active+clean+remapped"
			pp.misplaced = copies - inCopies
			pl.misplaced += p.objects * int64(pp.misplaced)
		}
		pl.pools[p.id] = pp
		if n := p.pgNum - pp.dataPGs; n > 0 {
			pl.statuses[pp.state] += n
		}
		if pp.dataPGs > 0 {
			pl.statuses[pp.dataState] += pp.dataPGs
		}
		pl.instances += p.pgNum * copies
		pl.objects += p.objects
		pl.copies += p.objects * int64(p.size)
		pl.degraded += p.objects * int64(p.size-copies)
		shareCount[p.rule] += p.pgNum * copies
		shareBytes[p.rule] += p.stored * int64(copies)
	}
	for id, rv := range views {
		n := len(rv.mapped)
		if n == 0 {
			continue
		}
		each, extra := shareCount[id]/n, shareCount[id]%n
		bytes := shareBytes[id] / int64(n)
		for i, o := range rv.mapped {
			pl.osdPGs[o] += each
			if i < extra {
				pl.osdPGs[o]++
			}
			pl.osdUsed[o] += bytes
		}
	}
	for _, o := range c.osds {
		if o != nil && o.up {
			pl.byOSDCount++
		}
	}
	return pl
}

// acting returns the acting set of PG number i of a pool (for a stale PG:
// the down OSDs it was last on).
func (pp poolPlacement) acting(i int) []int {
	if pp.copies == 0 {
		n := len(pp.rv.down)
		out := make([]int, 0, min(pp.size, n))
		for j := 0; j < pp.size && j < n; j++ {
			out = append(out, pp.rv.down[(i+j)%n])
		}
		return out
	}
	d := len(pp.rv.domains)
	out := make([]int, 0, pp.size)
	for j := 0; j < pp.copies && d > 0; j++ {
		dom := pp.rv.domains[(i+j)%d]
		out = append(out, dom[i%len(dom)])
	}
	if pp.erasure {
		for len(out) < pp.size {
			out = append(out, shardNone)
		}
	}
	return out
}

func fmtSet(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return "[" + strings.Join(s, ",") + "]"
}

type healthResult struct {
	status ceph.HealthStatus
	checks []ceph.HealthCheck
	pl     *placement
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// healthLocked derives the health checks from the state. Nothing about
// health is stored: every call computes it, in time linear in the number
// of OSDs and pools.
func (c *cluster) healthLocked(pl *placement) healthResult {
	if pl == nil {
		pl = c.placementLocked()
	}
	checks := map[string]ceph.HealthCheck{}
	add := func(name string, sev ceph.HealthStatus, summary string, count int, detail []string) {
		d := make([]ceph.HealthCheckDetail, 0, len(detail))
		for _, m := range detail {
			d = append(d, ceph.HealthCheckDetail{Message: m})
		}
		checks[name] = ceph.HealthCheck{Type: name, Severity: sev,
			Summary: ceph.HealthCheckSummary{Message: summary, Count: count}, Detail: d}
	}

	// OSD_DOWN and OSD_<TYPE>_DOWN: OSDs that are down but still in.
	var downDetail []string
	down := 0
	total := map[int]int{}
	downIn := map[int]int{}
	var flagged []string
	numIn := 0
	for _, o := range c.osds {
		if o == nil {
			continue
		}
		if o.flags != 0 {
			flagged = append(flagged, fmt.Sprintf("osd.%d has flags %s", o.id, strings.Join(o.flagList(), ",")))
		}
		if !o.in {
			continue
		}
		numIn++
		if o.isNew {
			continue // never booted: not "down" for health, as in Ceph
		}
		if !o.up {
			down++
			downDetail = append(downDetail, fmt.Sprintf("osd.%d (%s) is down", o.id, c.location(o)))
		}
	}
	if down > 0 {
		// Subtrees whose in OSDs are all down (a second pass, only then).
		for _, o := range c.osds {
			if o == nil || !o.in || o.isNew {
				continue
			}
			isDown := !o.up
			c.ancestors(o, func(b *bucket) bool {
				total[b.id]++
				if isDown {
					downIn[b.id]++
				}
				return true
			})
		}
		add("OSD_DOWN", ceph.HealthWarn, fmt.Sprintf("%d osds down", down), down, downDetail)
		type sub struct {
			count, osds int
			detail      []string
		}
		byType := map[string]*sub{}
		ids := make([]int, 0, len(downIn))
		for id := range downIn {
			ids = append(ids, id)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ids)))
		for _, id := range ids {
			if downIn[id] != total[id] {
				continue
			}
			b := c.buckets[id]
			s := byType[b.typ]
			if s == nil {
				s = &sub{}
				byType[b.typ] = s
			}
			s.count++
			s.osds += total[id]
			loc := c.bucketLocation(b)
			if loc != "" {
				loc = " (" + loc + ")"
			}
			s.detail = append(s.detail, fmt.Sprintf("%s %s%s (%d osds) is down", b.typ, b.name, loc, total[id]))
		}
		for typ, s := range byType {
			add("OSD_"+strings.ToUpper(typ)+"_DOWN", ceph.HealthWarn,
				fmt.Sprintf("%d %s (%d osds) down", s.count, plural(s.count, typ), s.osds), s.count, s.detail)
		}
	}

	// OSDMAP_FLAGS: the count is the length of the flag string, as Ceph does.
	if fs := flagString(c.flags, warnFlags); fs != "" {
		add("OSDMAP_FLAGS", ceph.HealthWarn, fs+" flag(s) set", len(fs), nil)
	}
	if len(flagged) > 0 {
		n := len(flagged)
		add("OSD_FLAGS", ceph.HealthWarn,
			fmt.Sprintf("%d OSDs or CRUSH {nodes, device-classes} have {NOUP,NODOWN,NOIN,NOOUT} flags set", n), n, flagged)
	}

	// OSD_FULL, OSD_BACKFILLFULL, OSD_NEARFULL: each OSD in the highest
	// category its usage reaches (full_ratio 0.95, backfillfull 0.9,
	// nearfull 0.85).
	var fullOSD, backfill, near []string
	for _, o := range c.osds {
		if o == nil || !o.up || !o.in || o.capacity <= 0 {
			continue
		}
		ratio := float64(pl.osdUsed[o.id]) / float64(o.capacity)
		switch {
		case ratio >= fullRatio:
			fullOSD = append(fullOSD, fmt.Sprintf("osd.%d is full", o.id))
		case ratio >= backfillfullRatio:
			backfill = append(backfill, fmt.Sprintf("osd.%d is backfill full", o.id))
		case ratio >= nearfullRatio:
			near = append(near, fmt.Sprintf("osd.%d is near full", o.id))
		}
	}
	if n := len(fullOSD); n > 0 {
		add("OSD_FULL", ceph.HealthErr, fmt.Sprintf("%d full osd(s)", n), n, fullOSD)
	}
	if n := len(backfill); n > 0 {
		add("OSD_BACKFILLFULL", ceph.HealthWarn, fmt.Sprintf("%d backfillfull osd(s)", n), n, backfill)
	}
	if n := len(near); n > 0 {
		add("OSD_NEARFULL", ceph.HealthWarn, fmt.Sprintf("%d nearfull osd(s)", n), n, near)
	}

	// Pool checks.
	warnNoApp := c.configBool("mon_warn_on_pool_no_app", "mon")
	warnNoRed := c.configBool("mon_warn_on_pool_no_redundancy", "mon")
	var noApp, noRed, full []string
	for _, p := range c.sortedPools() {
		if warnNoApp && p.objects > 0 && len(p.apps) == 0 {
			noApp = append(noApp, fmt.Sprintf("application not enabled on pool '%s'", p.name))
		}
		if warnNoRed && p.size == 1 {
			noRed = append(noRed, fmt.Sprintf("pool '%s' has no replicas configured", p.name))
		}
		if p.quotaFull() {
			full = append(full, fmt.Sprintf("pool '%s' is full (running out of quota)", p.name))
		}
	}
	if n := len(noApp); n > 0 {
		add("POOL_APP_NOT_ENABLED", ceph.HealthWarn, fmt.Sprintf("%d pool(s) do not have an application enabled", n), n,
			append(noApp, "use 'ceph osd pool application enable <pool-name> <app-name>', where <app-name> is 'cephfs', 'rbd', 'rgw', or freeform for custom applications."))
	}
	if n := len(noRed); n > 0 {
		add("POOL_NO_REDUNDANCY", ceph.HealthWarn, fmt.Sprintf("%d pool(s) have no replicas configured", n), n, noRed)
	}
	if n := len(full); n > 0 {
		add("POOL_FULL", ceph.HealthWarn, fmt.Sprintf("%d pool(s) full", n), n, full)
	}

	// PG checks, in their settled ("stuck") form: the model has no
	// transition period, so a PG that cannot be clean is stuck since the
	// last OSD up/down change.
	stuckFor := timespan(c.now().Sub(c.lastUpChange))
	var inactive, stale, incomplete, degradedPGs, undersized int
	var availDetail, degrDetail []string
	availMore, degrMore := false, false
	for _, p := range c.sortedPools() {
		pp := pl.pools[p.id]
		if strings.HasPrefix(pp.state, "active+clean") {
			continue
		}
		isStale := strings.HasPrefix(pp.state, "stale")
		isInactive := !isStale && !strings.Contains(pp.state, "active")
		isUndersized := strings.Contains(pp.state, "undersized")
		isIncomplete := strings.Contains(pp.state, "incomplete")
		if isInactive {
			inactive += p.pgNum
		}
		if isIncomplete {
			incomplete += p.pgNum
		}
		if isStale {
			stale += p.pgNum
		}
		if isUndersized {
			undersized += p.pgNum
			degradedPGs += pp.dataPGs
		}
		for i := 0; i < p.pgNum; i++ {
			line := func(reason string) string {
				if isIncomplete {
					hint := ""
					if k := pp.size - c.ecM(p); p.minSize > k {
						hint = fmt.Sprintf(" (reducing pool %s min_size from %d may help; search ceph.com/docs for 'incomplete')", p.name, p.minSize)
					}
					return fmt.Sprintf("pg %d.%x is %s, acting %s%s", p.id, i, pp.stateOf(i), fmtSet(pp.acting(i)), hint)
				}
				return fmt.Sprintf("pg %d.%x is stuck %s for %s, current state %s, last acting %s",
					p.id, i, reason, stuckFor, pp.stateOf(i), fmtSet(pp.acting(i)))
			}
			full := true
			if isInactive || isStale {
				if len(availDetail) < maxDetail {
					reason := "inactive"
					if isStale {
						reason = "stale"
					}
					availDetail = append(availDetail, line(reason))
					full = false
				} else {
					availMore = true
				}
			}
			if isUndersized {
				if len(degrDetail) < maxDetail {
					degrDetail = append(degrDetail, line("undersized"))
					full = false
				} else {
					degrMore = true
				}
			}
			if full {
				break
			}
		}
	}
	const brevity = "(additional pgs left out for brevity)"
	if inactive+stale > 0 {
		var parts []string
		if inactive > 0 {
			parts = append(parts, fmt.Sprintf("%d pgs inactive", inactive))
		}
		if stale > 0 {
			parts = append(parts, fmt.Sprintf("%d pgs stale", stale))
		}
		if incomplete > 0 {
			parts = append(parts, fmt.Sprintf("%d pgs incomplete", incomplete))
		}
		if availMore {
			availDetail = append(availDetail, brevity)
		}
		add("PG_AVAILABILITY", ceph.HealthWarn, "Reduced data availability: "+strings.Join(parts, ", "),
			inactive+stale+incomplete, availDetail)
	}
	if undersized > 0 {
		var parts []string
		if pl.degraded > 0 && pl.copies > 0 {
			parts = append(parts, fmt.Sprintf("%d/%d objects degraded (%.3f%%)", pl.degraded, pl.copies,
				100*float64(pl.degraded)/float64(pl.copies)))
		}
		if degradedPGs > 0 {
			parts = append(parts, fmt.Sprintf("%d pgs degraded", degradedPGs))
		}
		parts = append(parts, fmt.Sprintf("%d pgs undersized", undersized))
		if degrMore {
			degrDetail = append(degrDetail, brevity)
		}
		add("PG_DEGRADED", ceph.HealthWarn, "Degraded data redundancy: "+strings.Join(parts, ", "),
			degradedPGs+undersized, degrDetail)
	}
	if numIn > 0 {
		maxPer := int(c.configInt("mon_max_pg_per_osd", "mgr"))
		if per := pl.instances / numIn; maxPer > 0 && per > maxPer {
			add("TOO_MANY_PGS", ceph.HealthWarn, fmt.Sprintf("too many PGs per OSD (%d > max %d)", per, maxPer), 1, nil)
		}
	}

	// The dashboard's order: by severity (ERR first), then by name.
	out := make([]ceph.HealthCheck, 0, len(checks))
	status := ceph.HealthOK
	for _, name := range sortedKeys(checks) {
		hc := checks[name]
		status = status.Worse(hc.Severity)
		out = append(out, hc)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity < out[j].Severity }) // "HEALTH_ERR" < "HEALTH_WARN"
	return healthResult{status: status, checks: out, pl: pl}
}

// --- ceph.Health -----------------------------------------------------------------

type healthService struct {
	*backend
	ceph.UnimplementedHealth
}

func (s healthService) Report(ctx context.Context) (*ceph.HealthReport, error) {
	return view(s.backend, ctx, "Health.Report", nil, func(c *cluster) (*ceph.HealthReport, error) {
		h := c.healthLocked(nil)
		return &ceph.HealthReport{Status: h.status, Checks: h.checks, Mutes: []any{}}, nil
	})
}

func (c *cluster) pgInfoLocked(pl *placement) ceph.PGInfo {
	info := ceph.PGInfo{
		ObjectStats: ceph.ObjectStats{
			NumObjects:          pl.objects,
			NumObjectCopies:     pl.copies,
			NumObjectsDegraded:  pl.degraded,
			NumObjectsMisplaced: pl.misplaced,
		},
		Statuses: make(map[string]int, len(pl.statuses)),
	}
	for k, v := range pl.statuses {
		info.Statuses[k] = v
	}
	if pl.byOSDCount > 0 {
		info.PGsPerOSD = float64(pl.instances) / float64(pl.byOSDCount)
	}
	return info
}

func (c *cluster) scrubStatusLocked() string {
	if c.flags["noscrub"] || c.flags["nodeep-scrub"] {
		return "Disabled"
	}
	return "Inactive"
}

// hostsLocked counts the hosts of the host list, as the dashboard's
// health does (len(get_hosts())).
func (c *cluster) hostsLocked() int {
	return c.hostCountLocked()
}

func (c *cluster) dfStatsLocked(pl *placement) ceph.DFStats {
	var total, used int64
	n := 0
	for _, o := range c.osds {
		if o == nil || !o.up || !o.in {
			continue
		}
		n++
		total += o.capacity
		used += pl.osdUsed[o.id]
	}
	st := ceph.DFStats{TotalBytes: total, TotalUsedBytes: used, TotalUsedRawBytes: used,
		TotalAvailBytes: total - used, NumOSDs: n, NumPerPoolOSDs: n, NumPerPoolOmapOSDs: n}
	if total > 0 {
		st.TotalUsedRawRatio = float64(used) / float64(total)
	}
	return st
}

func (s healthService) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	return view(s.backend, ctx, "Health.Minimal", nil, func(c *cluster) (*ceph.HealthMinimal, error) {
		h := c.healthLocked(nil)
		m := &ceph.HealthMinimal{
			Health:      ceph.HealthReport{Status: h.status, Checks: h.checks, Mutes: []any{}},
			FSMap:       c.fsMapMinimalLocked(),
			ScrubStatus: c.scrubStatusLocked(),
			PGInfo:      c.pgInfoLocked(h.pl),
			MgrMap:      ceph.MgrMapMinimal{ActiveName: "x", Standbys: []ceph.MgrStandby{}},
			Pools:       make([]struct{}, len(c.pools)),
			Hosts:       c.hostsLocked(),
			RGW:         c.gatewaysLocked(),
		}
		m.MonStatus.MonMap.Mons = make([]struct{}, 1)
		m.MonStatus.Quorum = []int{0}
		m.OSDMap.OSDs = make([]ceph.OSDState, 0, c.numOSDs)
		for _, o := range c.osds {
			if o != nil {
				m.OSDMap.OSDs = append(m.OSDMap.OSDs, ceph.OSDState{In: b2i(o.in), Up: b2i(o.up), State: o.stateNames()})
			}
		}
		df := c.dfStatsLocked(h.pl)
		m.DF.Stats.TotalAvailBytes = df.TotalAvailBytes
		m.DF.Stats.TotalBytes = df.TotalBytes
		m.DF.Stats.TotalUsedRawBytes = df.TotalUsedRawBytes
		return m, nil
	})
}

// The client releases the model's OSD map requires and has seen, as a new
// Pacific cluster's.
const requireMinCompatClient, minCompatClient = "luminous", "jewel"

func (c *cluster) osdMapLocked() ceph.OSDMap {
	m := ceph.OSDMap{
		Epoch: c.epoch, FSID: c.fsid, Flags: flagString(c.flags, nil), FlagsSet: sortedKeys(c.flags),
		FullRatio: fullRatio, BackfillfullRatio: backfillfullRatio, NearfullRatio: nearfullRatio, MaxOSD: len(c.osds),
		OSDs:    make([]ceph.OSDMapEntry, 0, c.numOSDs),
		Created: stamp(c.created), Modified: stamp(c.modified), LastUpChange: stamp(c.lastUpChange),
		LastInChange: stamp(c.lastInChange), CrushVersion: c.crushVersion,
		RequireMinCompatClient: requireMinCompatClient, MinCompatClient: minCompatClient, RequireOSDRelease: "pacific",
	}
	for _, o := range c.osds {
		if o != nil {
			m.OSDs = append(m.OSDs, o.mapEntry())
		}
	}
	return m
}

func (c *cluster) mgrMapLocked() ceph.MgrMap {
	m := ceph.MgrMap{Epoch: c.mgrEpoch, ActiveName: "x", ActiveAddr: "127.0.0.1:6801/1000", Available: true,
		Standbys: []ceph.MgrStandby{}, Services: map[string]string{}}
	for _, mod := range c.modules {
		if mod.enabled {
			m.Modules = append(m.Modules, mod.name)
		}
	}
	if c.moduleIndex["dashboard"].enabled && c.mgrHost != "" {
		m.Services["dashboard"] = c.mgrHost
	}
	return m
}

func (s healthService) Full(ctx context.Context) (*ceph.HealthFull, error) {
	return view(s.backend, ctx, "Health.Full", nil, func(c *cluster) (*ceph.HealthFull, error) {
		h := c.healthLocked(nil)
		f := &ceph.HealthFull{
			Health:      ceph.HealthReport{Status: h.status, Checks: h.checks, Mutes: []any{}},
			MonStatus:   c.monStatusLocked(),
			FSMap:       c.fsMapLocked(),
			OSDMap:      c.osdMapLocked(),
			ScrubStatus: c.scrubStatusLocked(),
			PGInfo:      c.pgInfoLocked(h.pl),
			MgrMap:      c.mgrMapLocked(),
			Hosts:       c.hostsLocked(),
			RGW:         c.gatewaysLocked(),
		}
		df := c.dfStatsLocked(h.pl)
		f.DF.Stats = df
		pools := c.sortedPools()
		f.Pools = make([]ceph.Pool, 0, len(pools))
		f.DF.Pools = make([]ceph.DFPool, 0, len(pools))
		for _, p := range pools {
			f.Pools = append(f.Pools, c.poolValueLocked(p, h.pl, &df))
			f.DF.Pools = append(f.DF.Pools, ceph.DFPool{Name: p.name, ID: p.id, Stats: c.poolUsageLocked(p, df)})
		}
		return f, nil
	})
}

func (s healthService) Summary(ctx context.Context) (*ceph.Summary, error) {
	return view(s.backend, ctx, "Health.Summary", nil, func(c *cluster) (*ceph.Summary, error) {
		return &ceph.Summary{
			HealthStatus:      c.healthLocked(nil).status,
			MgrID:             "x",
			MgrHost:           c.mgrHost,
			HaveMonConnection: true,
			Version:           cephVersion,
		}, nil
	})
}

// timespan formats a duration as Ceph's timespan_str does for health
// details: "62s", "5m", "3h", "2d".
func timespan(d time.Duration) string {
	sec := int64(d / time.Second)
	switch {
	case sec < 0:
		sec = 0
	case sec >= 2*86400:
		return fmt.Sprintf("%dd", sec/86400)
	case sec >= 2*3600:
		return fmt.Sprintf("%dh", sec/3600)
	case sec >= 120:
		return fmt.Sprintf("%dm", sec/60)
	}
	return fmt.Sprintf("%ds", sec)
}

// ecM is the coding chunk count of an erasure pool's profile (0 otherwise).
func (c *cluster) ecM(p *pool) int {
	if p.typ != ceph.Erasure {
		return 0
	}
	m, _ := strconv.Atoi(c.profiles[p.ecProfile]["m"])
	return m
}
