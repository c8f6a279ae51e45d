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

// ---------------------------------------------------------------- health

func severityTag(s ceph.HealthStatus) string {
	switch s {
	case ceph.HealthErr:
		return "[ERR]"
	case ceph.HealthWarn:
		return "[WRN]"
	}
	return "[INF]"
}

func sortedChecks(r *ceph.HealthReport) []ceph.HealthCheck {
	checks := append([]ceph.HealthCheck(nil), r.Checks...)
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].Type < checks[j].Type })
	return checks
}

// healthLine is `ceph health`'s first line: the status and, when checks are
// raised, their summaries joined by "; " (checks in name order).
func healthLine(r *ceph.HealthReport) string {
	s := string(r.Status)
	if sums := unmutedSummaries(r); len(sums) > 0 {
		s += " " + strings.Join(sums, "; ")
	}
	if m := mutedNote(r); m != "" {
		s += " " + m
	}
	return s
}

func unmutedSummaries(r *ceph.HealthReport) []string {
	var sums []string
	for _, c := range sortedChecks(r) {
		if !c.Muted {
			sums = append(sums, c.Summary.Message)
		}
	}
	return sums
}

// mutedNote is "(muted: A B)" for the muted checks, or "".
func mutedNote(r *ceph.HealthReport) string {
	var muted []string
	for _, c := range sortedChecks(r) {
		if c.Muted {
			muted = append(muted, c.Type)
		}
	}
	if len(muted) == 0 {
		return ""
	}
	return "(muted: " + strings.Join(muted, " ") + ")"
}

func healthJSON(r *ceph.HealthReport, detail bool) obj {
	checks := obj{}
	for _, c := range sortedChecks(r) {
		o := obj{{"severity", c.Severity}, {"summary", obj{{"message", c.Summary.Message}, {"count", c.Summary.Count}}}}
		if detail {
			d := make([]obj, 0, len(c.Detail))
			for _, m := range c.Detail {
				d = append(d, obj{{"message", m.Message}})
			}
			o = append(o, kv{"detail", d})
		}
		o = append(o, kv{"muted", c.Muted})
		checks = append(checks, kv{c.Type, o})
	}
	mutes := make([]any, 0, len(r.Mutes))
	for _, m := range r.Mutes {
		mutes = append(mutes, orderMute(m))
	}
	return obj{{"status", r.Status}, {"checks", checks}, {"mutes", mutes}}
}

// muteKeys is the field order of Ceph's health_mute_t.
var muteKeys = []string{"code", "ttl", "sticky", "summary", "count"}

// orderMute lays a mute out in Ceph's field order when it is a plain map.
func orderMute(m any) any {
	mm, ok := m.(map[string]any)
	if !ok {
		return m
	}
	o := obj{}
	for _, k := range muteKeys {
		if v, ok := mm[k]; ok {
			o = append(o, kv{k, v})
		}
	}
	for _, k := range sortedKeys(mm) {
		if !contains(muteKeys, k) {
			o = append(o, kv{k, mm[k]})
		}
	}
	return o
}

func (e *Emulator) health(ctx context.Context, a args, f format) ([]byte, string, error) {
	r, err := e.c.Health.Report(ctx)
	if err != nil {
		return nil, "", err
	}
	detail := a.str("detail") == "detail"
	if f != plain {
		b, err := encodeJSON(healthJSON(r, detail), f)
		return b, "", err
	}
	var b strings.Builder
	b.WriteString(healthLine(r))
	b.WriteByte('\n')
	if detail {
		for _, c := range sortedChecks(r) {
			if c.Muted {
				b.WriteString("(MUTED) ")
			}
			fmt.Fprintf(&b, "%s %s: %s\n", severityTag(c.Severity), c.Type, c.Summary.Message)
			for _, d := range c.Detail {
				b.WriteString("    " + d.Message + "\n")
			}
		}
	}
	return []byte(b.String()), "", nil
}

// -------------------------------------------------------------- osd tree

type treeItem struct {
	node     osd.TreeNode
	depth    int
	weight   float64
	children []int // Ceph's JSON order (reverse of the dump order)
}

// crushSortKey is how Ceph's CrushTreeDumper orders the items of a bucket:
// OSDs by class and zero-padded id, buckets by name.
func crushSortKey(n osd.TreeNode) string {
	if n.ID >= 0 {
		return n.DeviceClass + "_" + fmt.Sprintf("osd.%08d", n.ID)
	}
	return "_" + n.Name
}

// fixed16 is a CRUSH weight in Ceph's 16.16 fixed point.
func fixed16(w float64) int64 { return int64(w*0x10000 + 0.5) }

// walkTree returns the CRUSH tree in `ceph osd tree` order: roots by
// ascending id, then each bucket's items sorted as Ceph sorts them.
func walkTree(t *osd.Tree) []treeItem {
	byID := map[int]osd.TreeNode{}
	isChild := map[int]bool{}
	for _, n := range t.Nodes {
		byID[n.ID] = n
		for _, c := range n.Children {
			isChild[c] = true
		}
	}
	var roots []int
	for _, n := range t.Nodes {
		if n.ID < 0 && !isChild[n.ID] {
			roots = append(roots, n.ID)
		}
	}
	sort.Ints(roots)
	var weightOf func(id int, seen map[int]bool) int64
	weightOf = func(id int, seen map[int]bool) int64 {
		n, ok := byID[id]
		if !ok || seen[id] {
			return 0
		}
		if id >= 0 || len(n.Children) == 0 {
			return fixed16(n.CrushWeight)
		}
		seen[id] = true
		defer delete(seen, id)
		var sum int64
		for _, c := range n.Children {
			sum += weightOf(c, seen)
		}
		return sum
	}
	var out []treeItem
	visited := map[int]bool{}
	var visit func(id, depth int)
	visit = func(id, depth int) {
		n, ok := byID[id]
		if !ok {
			n = osd.TreeNode{ID: id, Name: "osd." + strconv.Itoa(id), Type: "osd"}
		}
		if visited[id] {
			return
		}
		visited[id] = true
		it := treeItem{node: n, depth: depth, weight: float64(weightOf(id, map[int]bool{})) / 0x10000}
		kids := append([]int(nil), n.Children...)
		sort.SliceStable(kids, func(i, j int) bool {
			return crushSortKey(nodeOr(byID, kids[i])) < crushSortKey(nodeOr(byID, kids[j]))
		})
		for i := len(kids) - 1; i >= 0; i-- {
			it.children = append(it.children, kids[i])
		}
		out = append(out, it)
		for _, k := range kids {
			visit(k, depth+1)
		}
	}
	for _, r := range roots {
		visit(r, 0)
	}
	return out
}

func nodeOr(m map[int]osd.TreeNode, id int) osd.TreeNode {
	if n, ok := m[id]; ok {
		return n
	}
	return osd.TreeNode{ID: id, Name: "osd." + strconv.Itoa(id)}
}

func osdStatus(n osd.TreeNode) string {
	if n.Status != "" {
		return n.Status
	}
	return "down"
}

func treeStates(a args) []string { return a.list("states") }

func matchStates(n osd.TreeNode, states []string) bool {
	if len(states) == 0 {
		return true
	}
	for _, s := range states {
		switch s {
		case "up", "down", "destroyed":
			if osdStatus(n) == s {
				return true
			}
		case "in":
			if n.Reweight > 0 {
				return true
			}
		case "out":
			if n.Reweight == 0 {
				return true
			}
		}
	}
	return false
}

func (e *Emulator) osdTree(ctx context.Context, a args, f format) ([]byte, string, error) {
	if _, ok := a["epoch"]; ok {
		return nil, "", cmdError(syscall.EOPNOTSUPP, "osd tree of an older epoch is not available")
	}
	t, err := e.c.OSDs.Tree(ctx)
	if err != nil {
		return nil, "", err
	}
	items := walkTree(t)
	states := treeStates(a)
	if len(states) > 0 {
		items = filterTree(items, states)
	}
	if f != plain {
		nodes := []obj{}
		for _, it := range items {
			n := it.node
			if n.ID >= 0 && !matchStates(n, states) {
				continue
			}
			o := obj{{"id", n.ID}}
			if n.ID >= 0 && n.DeviceClass != "" {
				o = append(o, kv{"device_class", n.DeviceClass})
			}
			o = append(o, kv{"name", n.Name}, kv{"type", n.Type}, kv{"type_id", n.TypeID})
			if n.ID < 0 {
				if it.depth > 0 {
					o = append(o, kv{"pool_weights", poolWeights(n)})
				}
				o = append(o, kv{"children", emptyList(it.children)})
			} else {
				o = append(o, osdJSONFields(n, it.weight, it.depth, true)...)
			}
			nodes = append(nodes, o)
		}
		stray := []obj{}
		for _, n := range t.Stray {
			if !matchStates(n, states) {
				continue
			}
			o := obj{{"id", n.ID}}
			if n.DeviceClass != "" {
				o = append(o, kv{"device_class", n.DeviceClass})
			}
			o = append(o, kv{"name", n.Name}, kv{"type", "osd"}, kv{"type_id", 0})
			o = append(o, osdJSONFields(n, 0, 0, false)...)
			stray = append(stray, o)
		}
		b, err := encodeJSON(obj{{"nodes", nodes}, {"stray", stray}}, f)
		return b, "", err
	}
	var tt textTable
	tt.define("ID", left, right)
	tt.define("CLASS", left, right)
	tt.define("WEIGHT", left, right)
	tt.define("TYPE NAME", left, left)
	tt.define("STATUS", left, right)
	tt.define("REWEIGHT", left, right)
	tt.define("PRI-AFF", left, right)
	row := func(n osd.TreeNode, weight float64, depth int) {
		name := strings.Repeat("    ", depth)
		if n.ID < 0 {
			name += n.Type + " " + n.Name
			tt.row(strconv.Itoa(n.ID), "", weightf(weight), name)
			return
		}
		name += "osd." + strconv.Itoa(n.ID)
		class := n.DeviceClass
		if n.Exists == 0 && n.Status == "" {
			tt.row(strconv.Itoa(n.ID), class, weightf(weight), name, "DNE", "0")
			return
		}
		tt.row(strconv.Itoa(n.ID), class, weightf(weight), name, osdStatus(n), weightf(n.Reweight), weightf(n.PrimaryAffinity))
	}
	for _, it := range items {
		if it.node.ID >= 0 && !matchStates(it.node, states) {
			continue
		}
		row(it.node, it.weight, it.depth)
	}
	for _, n := range t.Stray {
		if matchStates(n, states) {
			row(n, 0, 0)
		}
	}
	return []byte(tt.String()), "", nil
}

// filterTree keeps the OSDs in one of states and the buckets that hold
// one of them, as `ceph osd tree <states>` does.
func filterTree(items []treeItem, states []string) []treeItem {
	byID := map[int]treeItem{}
	for _, it := range items {
		byID[it.node.ID] = it
	}
	memo := map[int]bool{}
	var keep func(id int, depth int) bool
	keep = func(id int, depth int) bool {
		if v, ok := memo[id]; ok {
			return v
		}
		it, ok := byID[id]
		if !ok || depth > 64 {
			return false
		}
		v := false
		if id >= 0 {
			v = matchStates(it.node, states)
		} else {
			for _, c := range it.children {
				if keep(c, depth+1) {
					v = true
				}
			}
		}
		memo[id] = v
		return v
	}
	var out []treeItem
	for _, it := range items {
		if keep(it.node.ID, 0) {
			out = append(out, it)
		}
	}
	return out
}

func poolWeights(n osd.TreeNode) obj {
	o := obj{}
	for _, k := range sortedKeys(n.PoolWeights) {
		o = append(o, kv{k, cfloat(n.PoolWeights[k])})
	}
	return o
}

func osdJSONFields(n osd.TreeNode, weight float64, depth int, inTree bool) []kv {
	out := []kv{{"crush_weight", cfloat(weight)}, {"depth", depth}}
	if inTree {
		out = append(out, kv{"pool_weights", poolWeights(n)})
	}
	exists := n.Exists
	if n.Status != "" {
		exists = 1
	}
	out = append(out, kv{"exists", exists})
	if exists != 0 {
		out = append(out, kv{"status", osdStatus(n)}, kv{"reweight", cfloat(n.Reweight)}, kv{"primary_affinity", cfloat(n.PrimaryAffinity)})
	}
	return out
}

// --------------------------------------------------------- osd map reads

func (e *Emulator) full(ctx context.Context) (*ceph.HealthFull, error) {
	return e.c.Health.Full(ctx)
}

func (e *Emulator) osdLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	if _, ok := a["epoch"]; ok {
		return nil, "", cmdError(syscall.EOPNOTSUPP, "osd ls of an older epoch is not available")
	}
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	ids := []int{}
	for _, o := range h.OSDMap.OSDs {
		ids = append(ids, o.OSD)
	}
	sort.Ints(ids)
	if f != plain {
		b, err := encodeJSON(ids, f)
		return b, "", err
	}
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.Itoa(id) + "\n")
	}
	return []byte(b.String()), "", nil
}

// semiHidden are the OSD map flags `osd stat` and `status` do not show.
var semiHidden = map[string]bool{
	"sortbitwise": true, "require_jewel_osds": true, "require_kraken_osds": true,
	"require_luminous_osds": true, "recovery_deletes": true, "purged_snapdirs": true, "pglog_hardlimit": true,
}

func importantFlags(m *ceph.OSDMap) []string {
	var out []string
	for _, f := range strings.Split(m.Flags, ",") {
		if f != "" && !semiHidden[f] {
			out = append(out, f)
		}
	}
	return out
}

type osdCounts struct{ num, up, in int }

func countOSDs(m *ceph.OSDMap) osdCounts {
	var c osdCounts
	for _, o := range m.OSDs {
		c.num++
		if o.Up != 0 {
			c.up++
		}
		if o.In != 0 {
			c.in++
		}
	}
	return c
}

func (e *Emulator) since(ts string) string {
	t, ok := parseCephTime(ts)
	if !ok {
		return ""
	}
	return " (since " + timespan(e.now().Sub(t)) + ")"
}

func unixOf(ts string) int64 {
	t, ok := parseCephTime(ts)
	if !ok {
		return 0
	}
	return t.Unix()
}

func (e *Emulator) osdStatJSON(m *ceph.OSDMap) obj {
	c := countOSDs(m)
	return obj{{"epoch", m.Epoch}, {"num_osds", c.num}, {"num_up_osds", c.up}, {"osd_up_since", unixOf(m.LastUpChange)},
		{"num_in_osds", c.in}, {"osd_in_since", unixOf(m.LastInChange)}, {"num_remapped_pgs", 0}}
}

func (e *Emulator) osdStatLine(m *ceph.OSDMap) string {
	c := countOSDs(m)
	s := fmt.Sprintf("%d osds: %d up%s, %d in%s", c.num, c.up, e.since(m.LastUpChange), c.in, e.since(m.LastInChange))
	return s
}

func (e *Emulator) osdStat(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		b, err := encodeJSON(e.osdStatJSON(&h.OSDMap), f)
		return b, "", err
	}
	s := e.osdStatLine(&h.OSDMap) + fmt.Sprintf("; epoch: e%d\n", h.OSDMap.Epoch)
	if fl := importantFlags(&h.OSDMap); len(fl) > 0 {
		s += "flags " + strings.Join(fl, ",") + "\n"
	}
	return []byte(s), "", nil
}

var objectHashes = map[int]string{0: "linux", 1: "rjenkins"}

// poolLine is one pool as `osd pool ls detail` and `osd dump` print it.
func poolLine(p ceph.Pool, ruleIDs map[string]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pool %d '%s' %s", p.Pool, p.PoolName, p.Type)
	if p.Type == ceph.Erasure {
		fmt.Fprintf(&b, " profile %s", p.ErasureCodeProfile)
	}
	rule := p.CrushRule
	if id, ok := ruleIDs[rule]; ok {
		rule = strconv.Itoa(id)
	}
	hash, ok := objectHashes[p.ObjectHash-1]
	if !ok {
		hash = "rjenkins"
	}
	fmt.Fprintf(&b, " size %d min_size %d crush_rule %s object_hash %s pg_num %d pgp_num %d", p.Size, p.MinSize, rule, hash, p.PGNum, p.PGPlacementNum)
	if p.PGNumTarget != 0 && p.PGNumTarget != p.PGNum {
		fmt.Fprintf(&b, " pg_num_target %d", p.PGNumTarget)
	}
	if p.PGPlacementNumTarget != 0 && p.PGPlacementNumTarget != p.PGPlacementNum {
		fmt.Fprintf(&b, " pgp_num_target %d", p.PGPlacementNumTarget)
	}
	if p.PGNumPending != 0 && p.PGNumPending != p.PGNum {
		fmt.Fprintf(&b, " pg_num_pending %d", p.PGNumPending)
	}
	mode := p.PGAutoscaleMode
	if mode == "" {
		mode = "off"
	}
	fmt.Fprintf(&b, " autoscale_mode %s last_change %s", mode, p.LastChange)
	if nz(p.LastForceOpResend) || nz(p.LastForceOpResendPrenautilus) || nz(p.LastForceOpResendPreluminous) {
		fmt.Fprintf(&b, " lfor %s/%s/%s", zero(p.LastForceOpResend), zero(p.LastForceOpResendPrenautilus), zero(p.LastForceOpResendPreluminous))
	}
	if p.FlagsNames != "" {
		fmt.Fprintf(&b, " flags %s", p.FlagsNames)
	}
	if p.QuotaMaxBytes > 0 {
		fmt.Fprintf(&b, " max_bytes %d", p.QuotaMaxBytes)
	}
	if p.QuotaMaxObjects > 0 {
		fmt.Fprintf(&b, " max_objects %d", p.QuotaMaxObjects)
	}
	fmt.Fprintf(&b, " stripe_width %d", p.StripeWidth)
	for _, k := range sortedKeys(p.Options) {
		fmt.Fprintf(&b, " %s %v", k, optionValue(p.Options[k]))
	}
	if len(p.ApplicationMetadata) > 0 {
		apps := append([]string(nil), p.ApplicationMetadata...)
		sort.Strings(apps)
		fmt.Fprintf(&b, " application %s", strings.Join(apps, ","))
	}
	return b.String()
}

func nz(s string) bool { return s != "" && s != "0" }

func zero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func optionValue(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

func (e *Emulator) ruleIDs(ctx context.Context) map[string]int {
	out := map[string]int{}
	if e.c.CrushRules == nil {
		return out
	}
	rules, err := e.c.CrushRules.List(ctx)
	if err != nil {
		return out
	}
	for _, r := range rules {
		out[r.RuleName] = r.RuleID
	}
	return out
}

func (e *Emulator) pools(ctx context.Context) ([]ceph.Pool, error) {
	ps, err := e.c.Pools.List(ctx, nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pool < ps[j].Pool })
	return ps, nil
}

func (e *Emulator) osdPoolLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	ps, err := e.pools(ctx)
	if err != nil {
		return nil, "", err
	}
	detail := a.str("detail") == "detail"
	if f != plain {
		if detail {
			b, err := encodeJSON(ps, f)
			return b, "", err
		}
		names := []string{}
		for _, p := range ps {
			names = append(names, p.PoolName)
		}
		b, err := encodeJSON(names, f)
		return b, "", err
	}
	var b strings.Builder
	if detail {
		ids := e.ruleIDs(ctx)
		for _, p := range ps {
			b.WriteString(poolLine(p, ids) + "\n")
		}
		b.WriteString("\n")
	} else {
		for _, p := range ps {
			b.WriteString(p.PoolName + "\n")
		}
	}
	return []byte(b.String()), "", nil
}

func addrs(v *ceph.AddrVec, legacy string) string {
	if v != nil {
		if len(v.AddrVec) == 0 {
			return ""
		}
		return v.String()
	}
	if legacy == "" || legacy == "-" || strings.Contains(legacy, "unrecognized") {
		return ""
	}
	return "[v1:" + legacy + "]"
}

func (e *Emulator) osdDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	if _, ok := a["epoch"]; ok {
		return nil, "", cmdError(syscall.EOPNOTSUPP, "osd dump of an older epoch is not available")
	}
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	m := h.OSDMap
	ps, err := e.pools(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		o := obj{{"epoch", m.Epoch}, {"fsid", m.FSID}}
		if m.Created != "" {
			o = append(o, kv{"created", m.Created}, kv{"modified", m.Modified})
		}
		o = append(o, kv{"flags", m.Flags}, kv{"flags_set", emptyList(m.FlagsSet)}, kv{"crush_version", m.CrushVersion},
			kv{"full_ratio", cfloat(m.FullRatio)}, kv{"backfillfull_ratio", cfloat(m.BackfillfullRatio)},
			kv{"nearfull_ratio", cfloat(m.NearfullRatio)}, kv{"max_osd", m.MaxOSD},
			kv{"require_min_compat_client", m.RequireMinCompatClient}, kv{"min_compat_client", m.MinCompatClient},
			kv{"require_osd_release", m.RequireOSDRelease}, kv{"pools", emptyList(ps)}, kv{"osds", emptyList(m.OSDs)})
		b, err := encodeJSON(o, f)
		return b, "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d\nfsid %s\n", m.Epoch, m.FSID)
	fmt.Fprintf(&b, "created %s\nmodified %s\n", m.Created, m.Modified)
	fmt.Fprintf(&b, "flags %s\ncrush_version %d\n", m.Flags, m.CrushVersion)
	fmt.Fprintf(&b, "full_ratio %s\nbackfillfull_ratio %s\nnearfull_ratio %s\n", ratio(m.FullRatio), ratio(m.BackfillfullRatio), ratio(m.NearfullRatio))
	fmt.Fprintf(&b, "require_min_compat_client %s\nmin_compat_client %s\nrequire_osd_release %s\nstretch_mode_enabled false\n", m.RequireMinCompatClient, m.MinCompatClient, m.RequireOSDRelease)
	ids := e.ruleIDs(ctx)
	for _, p := range ps {
		b.WriteString(poolLine(p, ids) + "\n")
	}
	fmt.Fprintf(&b, "max_osd %d\n", m.MaxOSD)
	osds := append([]ceph.OSDMapEntry(nil), m.OSDs...)
	sort.SliceStable(osds, func(i, j int) bool { return osds[i].OSD < osds[j].OSD })
	for _, o := range osds {
		up, in := "down", "out"
		if o.Up != 0 {
			up = "up  "
		}
		if o.In != 0 {
			in = "in "
		}
		fmt.Fprintf(&b, "osd.%d %s %s weight %s", o.OSD, up, in, ratio(o.Weight))
		if o.PrimaryAffinity != 1 {
			fmt.Fprintf(&b, " primary_affinity %s", ratio(o.PrimaryAffinity))
		}
		fmt.Fprintf(&b, " up_from %d up_thru %d down_at %d last_clean_interval [%d,%d) %s %s %s",
			o.UpFrom, o.UpThru, o.DownAt, o.LastCleanBegin, o.LastCleanEnd,
			addrs(o.PublicAddrs, o.PublicAddr), addrs(o.ClusterAddrs, o.ClusterAddr), strings.Join(o.State, ","))
		if o.UUID != "" && strings.Trim(o.UUID, "0-") != "" {
			b.WriteString(" " + o.UUID)
		}
		b.WriteString("\n")
	}
	return []byte(b.String()), "", nil
}

// ratio prints a float as C++'s default ostream does (6 significant digits).
func ratio(v float64) string { return strconv.FormatFloat(float64(float32(v)), 'g', 6, 64) }

// ------------------------------------------------------------- pg and df

func pgStates(p ceph.PGInfo) (total int, parts []string) {
	type st struct {
		name string
		n    int
	}
	var l []st
	for k, v := range p.Statuses {
		total += v
		l = append(l, st{k, v})
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].name < l[j].name
	})
	for _, s := range l {
		parts = append(parts, fmt.Sprintf("%d %s", s.n, s.name))
	}
	return total, parts
}

func dataBytes(h *ceph.HealthFull) int64 {
	var n int64
	for _, p := range h.DF.Pools {
		n += p.Stats.Stored
	}
	return n
}

func usageLine(h *ceph.HealthFull) string {
	s := h.DF.Stats
	return fmt.Sprintf("%s used, %s / %s avail", byteU(s.TotalUsedRawBytes), byteU(s.TotalAvailBytes), byteU(s.TotalBytes))
}

func (e *Emulator) pgStat(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	total, parts := pgStates(h.PGInfo)
	if f != plain {
		byState := []obj{}
		for _, k := range sortedKeys(h.PGInfo.Statuses) {
			byState = append(byState, obj{{"name", k}, {"num", h.PGInfo.Statuses[k]}})
		}
		s := h.DF.Stats
		b, err := encodeJSON(obj{{"pg_ready", true}, {"pg_summary", obj{{"num_pg_by_state", byState}, {"num_pgs", total},
			{"num_bytes", dataBytes(h)}, {"total_bytes", s.TotalBytes}, {"total_avail_bytes", s.TotalAvailBytes},
			{"total_used_bytes", s.TotalUsedBytes}, {"total_used_raw_bytes", s.TotalUsedRawBytes}}}}, f)
		if err == nil && f == jsonCompact && len(b) > 0 {
			// the manager's pg stat puts a newline before its last brace
			b = append(b[:len(b)-1], '\n', '}')
		}
		return b, "", err
	}
	s := fmt.Sprintf("%d pgs: %s; %s data, %s", total, strings.Join(parts, ", "), byteU(dataBytes(h)), usageLine(h))
	s += ioRates(h.ClientPerf) + "\n"
	return []byte(s), "", nil
}

func noIO(p ceph.ClientPerf) bool {
	return p.ReadBytesSec == 0 && p.WriteBytesSec == 0 && p.ReadOpPerSec == 0 && p.WriteOpPerSec == 0
}

// byteRates are the client's read and write byte rates, each only when
// not zero.
func byteRates(p ceph.ClientPerf) []string {
	var parts []string
	if p.ReadBytesSec > 0 {
		parts = append(parts, byteU(p.ReadBytesSec)+"/s rd")
	}
	if p.WriteBytesSec > 0 {
		parts = append(parts, byteU(p.WriteBytesSec)+"/s wr")
	}
	return parts
}

// ioRates is the client I/O suffix of `pg stat` ("; 8.6 MiB/s wr, 2.21k op/s").
func ioRates(p ceph.ClientPerf) string {
	if noIO(p) {
		return ""
	}
	parts := append(byteRates(p), siU(p.ReadOpPerSec+p.WriteOpPerSec)+" op/s")
	return "; " + strings.Join(parts, ", ")
}

// clientIO is the client line of `status` ("8.6 MiB/s wr, 0 op/s rd, 2.21k op/s wr").
func clientIO(p ceph.ClientPerf) string {
	parts := append(byteRates(p), siU(p.ReadOpPerSec)+" op/s rd", siU(p.WriteOpPerSec)+" op/s wr")
	return strings.Join(parts, ", ")
}

func (e *Emulator) df(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	detail := a.str("detail") == "detail"
	if f != plain {
		b, err := encodeJSON(h.DF, f)
		return b, "", err
	}
	pgs := map[int]int{}
	for _, p := range h.Pools {
		pgs[p.Pool] = p.PGNum
	}
	var b strings.Builder
	b.WriteString("--- RAW STORAGE ---\n")
	var raw textTable
	raw.define("CLASS", left, left)
	raw.define("SIZE", right, right)
	raw.define("AVAIL", right, right)
	raw.define("USED", right, right)
	raw.define("RAW USED", right, right)
	raw.define("%RAW USED", right, right)
	s := h.DF.Stats
	// The domain has cluster totals only: a class row is exact only when
	// all OSDs share one class.
	classes := e.deviceClasses(ctx)
	if len(classes) > 1 {
		classes = nil
	}
	for _, c := range classes {
		raw.row(c, byteU(s.TotalBytes), byteU(s.TotalAvailBytes), byteU(s.TotalUsedBytes), byteU(s.TotalUsedRawBytes), percentify(s.TotalUsedRawRatio*100))
	}
	raw.row("TOTAL", byteU(s.TotalBytes), byteU(s.TotalAvailBytes), byteU(s.TotalUsedBytes), byteU(s.TotalUsedRawBytes), percentify(s.TotalUsedRawRatio*100))
	b.WriteString(raw.String())
	b.WriteString(" \n--- POOLS ---\n")
	var pt textTable
	pt.define("POOL", left, left)
	for _, h := range []string{"ID", "PGS", "STORED"} {
		pt.define(h, right, right)
	}
	if detail {
		pt.define("(DATA)", right, right)
		pt.define("(OMAP)", right, right)
	}
	pt.define("OBJECTS", right, right)
	pt.define("USED", right, right)
	if detail {
		pt.define("(DATA)", right, right)
		pt.define("(OMAP)", right, right)
	}
	pt.define("%USED", right, right)
	pt.define("MAX AVAIL", right, right)
	if detail {
		for _, h := range []string{"QUOTA OBJECTS", "QUOTA BYTES", "DIRTY", "USED COMPR", "UNDER COMPR"} {
			pt.define(h, right, right)
		}
	}
	pools := append([]ceph.DFPool(nil), h.DF.Pools...)
	sort.SliceStable(pools, func(i, j int) bool { return pools[i].ID < pools[j].ID })
	for _, p := range pools {
		u := p.Stats
		row := []string{p.Name, strconv.Itoa(p.ID), strconv.Itoa(pgs[p.ID]), byteU(u.Stored)}
		if detail {
			row = append(row, byteU(u.Stored), "0 B")
		}
		row = append(row, siU(u.Objects), byteU(u.BytesUsed))
		if detail {
			row = append(row, byteU(u.BytesUsed), "0 B")
		}
		row = append(row, percentify(u.PercentUsed*100), byteU(u.MaxAvail))
		if detail {
			qo, qb := "N/A", "N/A"
			if u.QuotaObjects > 0 {
				qo = siU(u.QuotaObjects)
			}
			if u.QuotaBytes > 0 {
				qb = byteU(u.QuotaBytes)
			}
			dirty := "N/A"
			row = append(row, qo, qb, dirty, byteU(u.CompressBytesUsed), byteU(u.CompressUnderBytes))
		}
		pt.row(row...)
	}
	b.WriteString(pt.String())
	return []byte(b.String()), "", nil
}

// siU formats a count as Ceph's si_u_t ("0", "12", "1.2 k").
func siU(v int64) string {
	s := unitU(v, []string{"", "k", "M", "G", "T", "P", "E"}, 1000)
	return s
}

func (e *Emulator) deviceClasses(ctx context.Context) []string {
	t, err := e.c.OSDs.Tree(ctx)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	for _, n := range append(append([]osd.TreeNode(nil), t.Nodes...), t.Stray...) {
		if n.ID >= 0 && n.DeviceClass != "" && n.Status == "up" {
			seen[n.DeviceClass] = true
		}
	}
	return sortedKeys(seen)
}

// -------------------------------------------------------------- monitors

func monAddrs(m ceph.MonInfo) string { return addrs(m.PublicAddrs, m.PublicAddr) }

func leaderOf(s *ceph.MonStatus) (int, string) {
	if len(s.Quorum) == 0 {
		return -1, ""
	}
	q := append([]int(nil), s.Quorum...)
	sort.Ints(q)
	return q[0], monName(s, q[0])
}

func sortedInts(l []int) []int {
	out := append([]int(nil), l...)
	sort.Ints(out)
	return out
}

func monName(s *ceph.MonStatus, rank int) string {
	for _, m := range s.MonMap.Mons {
		if m.Rank == rank {
			return m.Name
		}
	}
	return ""
}

func (e *Emulator) monStatus(ctx context.Context) (*ceph.MonStatus, error) {
	r, err := e.c.Monitors.Status(ctx)
	if err != nil {
		return nil, err
	}
	return &r.MonStatus, nil
}

func releaseName(m ceph.MonMap) string {
	if m.MinMonReleaseName != "" {
		return m.MinMonReleaseName
	}
	return "pacific"
}

func (e *Emulator) monStat(ctx context.Context, a args, f format) ([]byte, string, error) {
	s, err := e.monStatus(ctx)
	if err != nil {
		return nil, "", err
	}
	lr, ln := leaderOf(s)
	if f != plain {
		q := []obj{}
		for _, r := range s.Quorum {
			q = append(q, obj{{"rank", r}, {"name", monName(s, r)}})
		}
		b, err := encodeJSON(obj{{"epoch", s.MonMap.Epoch}, {"min_mon_release_name", releaseName(s.MonMap)},
			{"num_mons", len(s.MonMap.Mons)}, {"leader", ln}, {"quorum", q}}, f)
		return b, "", err
	}
	// Ceph keeps mon_info in a map by name, the quorum as a set of ranks.
	var mons []string
	byName := append([]ceph.MonInfo(nil), s.MonMap.Mons...)
	sort.SliceStable(byName, func(i, j int) bool { return byName[i].Name < byName[j].Name })
	for _, m := range byName {
		mons = append(mons, m.Name+"="+monAddrs(m))
	}
	var qr, qn []string
	for _, r := range sortedInts(s.Quorum) {
		qr = append(qr, strconv.Itoa(r))
		qn = append(qn, monName(s, r))
	}
	out := fmt.Sprintf("e%d: %d mons at {%s} removed_ranks: {}, election epoch %d, leader %d %s, quorum %s %s\n",
		s.MonMap.Epoch, len(s.MonMap.Mons), strings.Join(mons, ","), s.ElectionEpoch, lr, ln, strings.Join(qr, ","), strings.Join(qn, ","))
	return []byte(out), "", nil
}

func monMapJSON(m ceph.MonMap) obj {
	mons := []obj{}
	for _, mi := range m.Mons {
		pa := obj{{"addrvec", []ceph.EntityAddr{}}}
		if mi.PublicAddrs != nil {
			pa = obj{{"addrvec", emptyList(mi.PublicAddrs.AddrVec)}}
		}
		mons = append(mons, obj{{"rank", mi.Rank}, {"name", mi.Name}, {"public_addrs", pa}, {"addr", mi.Addr},
			{"public_addr", mi.PublicAddr}, {"priority", mi.Priority}, {"weight", mi.Weight}, {"crush_location", "{}"}})
	}
	rel := m.MinMonRelease
	if rel == 0 {
		rel = 16
	}
	return obj{{"epoch", m.Epoch}, {"fsid", m.FSID}, {"modified", m.Modified}, {"created", m.Created},
		{"min_mon_release", rel}, {"min_mon_release_name", releaseName(m)}, {"election_strategy", 1},
		{"disallowed_leaders: ", ""}, {"stretch_mode", false}, {"tiebreaker_mon", ""}, {"removed_ranks: ", ""},
		{"features", obj{{"persistent", pacificFeatures}, {"optional", []string{}}}}, {"mons", mons}}
}

func monDumpJSON(s *ceph.MonStatus) obj {
	return append(monMapJSON(s.MonMap), kv{"quorum", emptyList(s.Quorum)})
}

// pacificFeatures are the monitor features every Pacific quorum has.
var pacificFeatures = []string{"kraken", "luminous", "mimic", "osdmap-prune", "nautilus", "octopus", "pacific", "elector-pinging"}

func (e *Emulator) monDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	s, err := e.monStatus(ctx)
	if err != nil {
		return nil, "", err
	}
	if ep, ok := a["epoch"]; ok && ep != s.MonMap.Epoch {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("there is no map for epoch %v", ep))
	}
	status := fmt.Sprintf("dumped monmap epoch %d", s.MonMap.Epoch)
	if f != plain {
		b, err := encodeJSON(monDumpJSON(s), f)
		return b, status, err
	}
	m := s.MonMap
	rel := m.MinMonRelease
	if rel == 0 {
		rel = 16
	}
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d\nfsid %s\nlast_changed %s\ncreated %s\nmin_mon_release %d (%s)\nelection_strategy: 1\n",
		m.Epoch, m.FSID, plainTime(m.Modified), plainTime(m.Created), rel, releaseName(m))
	mons := append([]ceph.MonInfo(nil), m.Mons...)
	sort.SliceStable(mons, func(i, j int) bool { return mons[i].Rank < mons[j].Rank })
	for _, mi := range mons {
		fmt.Fprintf(&b, "%d: %s mon.%s\n", mi.Rank, monAddrs(mi), mi.Name)
	}
	return []byte(b.String()), status, nil
}

func (e *Emulator) quorumStatus(ctx context.Context, a args, f format) ([]byte, string, error) {
	s, err := e.monStatus(ctx)
	if err != nil {
		return nil, "", err
	}
	var names []string
	for _, r := range s.Quorum {
		names = append(names, monName(s, r))
	}
	_, ln := leaderOf(s)
	o := obj{{"election_epoch", s.ElectionEpoch}, {"quorum", emptyList(s.Quorum)}, {"quorum_names", emptyList(names)},
		{"quorum_leader_name", ln}, {"quorum_age", s.QuorumAge},
		{"features", obj{{"quorum_con", "4540138314316775423"}, {"quorum_mon", pacificFeatures}}},
		{"monmap", monMapJSON(s.MonMap)}}
	ff := f
	if f == plain {
		ff = jsonCompact
	}
	b, err := encodeJSON(o, ff)
	if err == nil && f == plain {
		b = append(b, '\n')
	}
	return b, "", err
}

// ---------------------------------------------------------------- status

func (e *Emulator) status(ctx context.Context, a args, f format) ([]byte, string, error) {
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		names := []string{}
		for _, r := range h.MonStatus.Quorum {
			names = append(names, monName(&h.MonStatus, r))
		}
		total, _ := pgStates(h.PGInfo)
		byState := []obj{}
		for _, k := range sortedKeys(h.PGInfo.Statuses) {
			byState = append(byState, obj{{"state_name", k}, {"count", h.PGInfo.Statuses[k]}})
		}
		s := h.DF.Stats
		o := obj{{"fsid", h.OSDMap.FSID}, {"health", healthJSON(&h.Health, false)},
			{"election_epoch", h.MonStatus.ElectionEpoch}, {"quorum", emptyList(h.MonStatus.Quorum)}, {"quorum_names", names},
			{"quorum_age", h.MonStatus.QuorumAge},
			{"monmap", obj{{"epoch", h.MonStatus.MonMap.Epoch}, {"min_mon_release_name", releaseName(h.MonStatus.MonMap)}, {"num_mons", len(h.MonStatus.MonMap.Mons)}}},
			{"osdmap", e.osdStatJSON(&h.OSDMap)},
			{"pgmap", obj{{"pgs_by_state", byState}, {"num_pgs", total}, {"num_pools", len(h.Pools)},
				{"num_objects", h.PGInfo.ObjectStats.NumObjects}, {"data_bytes", dataBytes(h)},
				{"bytes_used", s.TotalUsedRawBytes}, {"bytes_avail", s.TotalAvailBytes}, {"bytes_total", s.TotalBytes}}}}
		b, err := encodeJSON(o, f)
		return b, "", err
	}
	var b strings.Builder
	b.WriteString("  cluster:\n")
	fmt.Fprintf(&b, "    id:     %s\n", h.OSDMap.FSID)
	fmt.Fprintf(&b, "    health: %s\n", h.Health.Status)
	for _, m := range unmutedSummaries(&h.Health) {
		fmt.Fprintf(&b, "            %s\n", m)
	}
	if m := mutedNote(&h.Health); m != "" {
		fmt.Fprintf(&b, "            %s\n", m)
	}
	b.WriteString(" \n  services:\n")
	ms := &h.MonStatus
	var qn []string
	for _, r := range sortedInts(ms.Quorum) {
		qn = append(qn, monName(ms, r))
	}
	age := ""
	if ms.QuorumAge > 0 {
		age = " (age " + timespan(time.Duration(ms.QuorumAge)*time.Second) + ")"
	}
	inQuorum := map[int]bool{}
	for _, r := range ms.Quorum {
		inQuorum[r] = true
	}
	var out []string
	for _, m := range ms.MonMap.Mons {
		if !inQuorum[m.Rank] {
			out = append(out, m.Name)
		}
	}
	outQ := ""
	if len(out) > 0 {
		outQ = ", out of quorum: " + strings.Join(out, ", ")
	}
	fmt.Fprintf(&b, "    mon: %d daemons, quorum %s%s%s\n", len(ms.MonMap.Mons), strings.Join(qn, ","), age, outQ)
	if h.MgrMap.ActiveName != "" {
		fmt.Fprintf(&b, "    mgr: %s(active)", h.MgrMap.ActiveName)
		if len(h.MgrMap.Standbys) > 0 {
			var sb []string
			for _, s := range h.MgrMap.Standbys {
				sb = append(sb, s.Name)
			}
			fmt.Fprintf(&b, ", standbys: %s", strings.Join(sb, ", "))
		}
		b.WriteString("\n")
	} else {
		b.WriteString("    mgr: no daemons active\n")
	}
	fmt.Fprintf(&b, "    osd: %s\n", e.osdStatLine(&h.OSDMap))
	if fl := importantFlags(&h.OSDMap); len(fl) > 0 {
		fmt.Fprintf(&b, "         flags %s\n", strings.Join(fl, ","))
	}
	b.WriteString(" \n  data:\n")
	total, parts := pgStates(h.PGInfo)
	fmt.Fprintf(&b, "    pools:   %d pools, %d pgs\n", len(h.Pools), total)
	fmt.Fprintf(&b, "    objects: %s objects, %s\n", siU(h.PGInfo.ObjectStats.NumObjects), byteU(dataBytes(h)))
	fmt.Fprintf(&b, "    usage:   %s\n", usageLine(h))
	lead := "    pgs:     "
	unknown, active := 0, 0
	for st, n := range h.PGInfo.Statuses {
		switch {
		case st == "unknown":
			unknown += n
		case strings.Contains("+"+st+"+", "+active+"):
			active += n
		}
	}
	if unknown > 0 && total > 0 {
		fmt.Fprintf(&b, "%s%.3f%% pgs unknown\n", lead, float64(float32(unknown)/float32(total))*100)
		lead = "             "
	}
	if inactive := total - active - unknown; inactive > 0 {
		fmt.Fprintf(&b, "%s%.3f%% pgs not active\n", lead, float64(float32(inactive)/float32(total))*100)
		lead = "             "
	}
	for _, p := range parts {
		fmt.Fprintf(&b, "%s%s\n", lead, p)
		lead = "             "
	}
	if !noIO(h.ClientPerf) {
		fmt.Fprintf(&b, " \n  io:\n    client:   %s\n", clientIO(h.ClientPerf))
	}
	b.WriteString(" \n")
	return []byte(b.String()), "", nil
}

// ---------------------------------------------------------------- writes

func markHandler(action string) handler {
	return func(e *Emulator, ctx context.Context, a args, f format) ([]byte, string, error) {
		h, err := e.full(ctx)
		if err != nil {
			return nil, "", err
		}
		state := map[int]ceph.OSDMapEntry{}
		var all []int
		for _, o := range h.OSDMap.OSDs {
			state[o.OSD] = o
			all = append(all, o.OSD)
		}
		sort.Ints(all)
		var targets []int
		for _, s := range a.list("ids") {
			if s == "any" || s == "all" || s == "*" {
				targets = append(targets, all...)
				continue
			}
			id, err := strconv.Atoi(strings.TrimPrefix(s, "osd."))
			if err != nil || id < 0 {
				return nil, "", cmdError(syscall.EINVAL, fmt.Sprintf("Expected option value to be integer, got '%s'invalid osd id-1", s))
			}
			targets = append(targets, id)
		}
		var status strings.Builder
		var change []int
		seen := map[int]bool{}
		for _, id := range targets {
			if seen[id] {
				continue
			}
			seen[id] = true
			o, ok := state[id]
			switch {
			case !ok:
				fmt.Fprintf(&status, "osd.%d does not exist. ", id)
			case action == "out" && o.In == 0, action == "in" && o.In != 0, action == "down" && o.Up == 0:
				fmt.Fprintf(&status, "osd.%d is already %s. ", id, action)
			default:
				fmt.Fprintf(&status, "marked %s osd.%d. ", action, id)
				change = append(change, id)
			}
		}
		if len(change) > 0 {
			if err := e.c.OSDs.Mark(ctx, change, osd.MarkAction(action)); err != nil {
				return nil, "", err
			}
		}
		return nil, status.String(), nil
	}
}

func (e *Emulator) osdReweight(ctx context.Context, a args, f format) ([]byte, string, error) {
	id, _ := a["id"].(int)
	w, _ := a["weight"].(float64)
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	found := false
	for _, o := range h.OSDMap.OSDs {
		found = found || o.OSD == id
	}
	if !found {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("osd.%d does not exist", id))
	}
	if w < 0 || w > 1 {
		return nil, "", cmdError(syscall.EINVAL, fmt.Sprintf("weight %s is out of range 0.0 <= weight <= 1.0", strconv.FormatFloat(w, 'g', -1, 64)))
	}
	if err := e.c.OSDs.Reweight(ctx, id, w); err != nil {
		return nil, "", err
	}
	fixed := int64(w * 0x10000)
	return nil, fmt.Sprintf("reweighted osd.%d to %s (%x)", id, strconv.FormatFloat(w, 'g', 6, 64), fixed), nil
}

func flagHandler(set bool) handler {
	return func(e *Emulator, ctx context.Context, a args, f format) ([]byte, string, error) {
		key := a.str("key")
		cur, err := e.c.OSDFlags.List(ctx)
		if err != nil {
			return nil, "", err
		}
		if key == "full" {
			return nil, "", cmdError(syscall.EINVAL, "unrecognized flag 'full'")
		}
		if key == "pglog_hardlimit" && set {
			// Ceph needs every OSD to support it; the domain API sets it like any flag.
			if contains(cur, key) {
				return nil, "pglog_hardlimit is set", nil
			}
		}
		next := make([]string, 0, len(cur)+1)
		for _, c := range cur {
			if c != key {
				next = append(next, c)
			}
		}
		if set {
			next = append(next, key)
		}
		if set != contains(cur, key) {
			if _, err := e.c.OSDFlags.Set(ctx, next); err != nil {
				return nil, "", err
			}
		}
		name := key
		if key == "pause" {
			name = "pauserd,pausewr"
		}
		if set {
			return nil, name + " is set", nil
		}
		return nil, name + " is unset", nil
	}
}
