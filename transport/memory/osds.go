package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// --- CRUSH tree ---------------------------------------------------------------

// treeIndex holds the derived CRUSH weights and depths; one pass over the
// OSDs and buckets builds it.
type treeIndex struct {
	weight map[int]float64 // bucket id -> summed CRUSH weight
	depth  map[int]int     // bucket id -> depth (roots: 0)
}

func (c *cluster) treeIndexLocked() treeIndex {
	ti := treeIndex{weight: make(map[int]float64, len(c.buckets)), depth: make(map[int]int, len(c.buckets))}
	var depthOf func(id int) int
	depthOf = func(id int) int {
		if d, ok := ti.depth[id]; ok {
			return d
		}
		b := c.buckets[id]
		d := 0
		if b.parent != 0 {
			d = depthOf(b.parent) + 1
		}
		ti.depth[id] = d
		return d
	}
	for id := range c.buckets {
		depthOf(id)
	}
	for _, o := range c.osds {
		if o == nil {
			continue
		}
		c.ancestors(o, func(b *bucket) bool {
			ti.weight[b.id] += o.crushWeight
			return true
		})
	}
	return ti
}

func reversed(items []int) []int {
	out := make([]int, len(items))
	for i, v := range items {
		out[len(items)-1-i] = v
	}
	return out
}

// itemKey is how Ceph's CRUSH tree dumper orders a bucket's items: OSDs by
// device class and zero-padded id, then buckets by name.
func (c *cluster) itemKey(id int) string {
	if id >= 0 {
		class := ""
		if o := c.osd(id); o != nil {
			class = o.class
		}
		n := strconv.Itoa(id)
		if len(n) < 8 {
			n = strings.Repeat("0", 8-len(n)) + n
		}
		return class + "_osd." + n
	}
	if b := c.buckets[id]; b != nil {
		return "_" + b.name
	}
	return "_"
}

// sortedItems returns b's items in `ceph osd tree` order.
func (c *cluster) sortedItems(b *bucket) []int {
	type keyed struct {
		key string
		id  int
	}
	ks := make([]keyed, len(b.items))
	for i, id := range b.items {
		ks[i] = keyed{c.itemKey(id), id}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int { return strings.Compare(x.key, y.key) })
	items := make([]int, len(ks))
	for i, k := range ks {
		items[i] = k.id
	}
	return items
}

func (c *cluster) bucketNode(b *bucket, ti treeIndex) osd.TreeNode {
	return osd.TreeNode{
		ID: b.id, Name: b.name, Type: b.typ, TypeID: crushTypeIDs[b.typ],
		Children: reversed(c.sortedItems(b)), CrushWeight: ti.weight[b.id], Depth: ti.depth[b.id],
		PoolWeights: map[string]float64{},
	}
}

func (c *cluster) osdNode(o *osdEntry, ti treeIndex) osd.TreeNode {
	depth := 0
	if o.parent != 0 {
		depth = ti.depth[o.parent] + 1
	}
	return osd.TreeNode{
		ID: o.id, Name: o.name, Type: "osd", TypeID: 0,
		DeviceClass: o.class, CrushWeight: o.crushWeight, Depth: depth,
		PoolWeights: map[string]float64{}, Exists: 1, Status: o.status(),
		Reweight: o.reweight, PrimaryAffinity: o.primaryAffinity,
	}
}

func (c *cluster) treeLocked() *osd.Tree {
	ti := c.treeIndexLocked()
	t := &osd.Tree{Nodes: make([]osd.TreeNode, 0, len(c.buckets)+c.numOSDs), Stray: []osd.TreeNode{}}
	var walk func(id int)
	walk = func(id int) {
		if id >= 0 {
			if o := c.osd(id); o != nil {
				t.Nodes = append(t.Nodes, c.osdNode(o, ti))
			}
			return
		}
		b := c.buckets[id]
		n := c.bucketNode(b, ti)
		t.Nodes = append(t.Nodes, n)
		for i := len(n.Children) - 1; i >= 0; i-- {
			walk(n.Children[i])
		}
	}
	roots := slices.Clone(c.roots)
	sort.Ints(roots)
	for _, r := range roots {
		walk(r)
	}
	for _, o := range c.osds {
		if o != nil && o.parent == 0 {
			t.Stray = append(t.Stray, c.osdNode(o, ti))
		}
	}
	return t
}

// --- osd.OSDs ------------------------------------------------------------------------

type osdsService struct {
	*backend
	osd.UnimplementedOSDs
}

func (s osdsService) List(ctx context.Context) ([]osd.OSD, error) {
	return view(s.backend, ctx, "OSDs.List", nil, func(c *cluster) ([]osd.OSD, error) {
		pl := c.placementLocked()
		ti := c.treeIndexLocked()
		hosts := map[int]osd.TreeNode{}
		out := make([]osd.OSD, 0, c.numOSDs)
		for _, o := range c.osds {
			if o == nil {
				continue
			}
			var host osd.TreeNode
			if b := c.buckets[o.parent]; b != nil {
				h, ok := hosts[b.id]
				if !ok {
					h = c.bucketNode(b, ti)
					hosts[b.id] = h
				}
				host = h
				host.Children = slices.Clone(h.Children)
				host.PoolWeights = map[string]float64{}
			}
			kb := o.capacity >> 10
			usedKB := pl.osdUsed[o.id] >> 10
			numPG := pl.osdPGs[o.id]
			e := osd.OSD{
				OSDMapEntry: o.mapEntry(),
				ID:          o.id,
				OSDStats: osd.OSDStats{
					OSD: o.id, UpFrom: o.upFrom, NumPGs: numPG, NumOSDs: 1, NumPerPoolOSDs: 1,
					KB: kb, KBUsed: usedKB, KBUsedData: usedKB, KBAvail: kb - usedKB, HBPeers: []int{},
					Statfs: osd.Statfs{Total: o.capacity, Available: o.capacity - pl.osdUsed[o.id],
						Allocated: pl.osdUsed[o.id], DataStored: pl.osdUsed[o.id]},
				},
				Tree: c.osdNode(o, ti),
				Host: host,
				Stats: map[string]float64{
					"op_w": 0, "op_in_bytes": 0, "op_r": 0, "op_out_bytes": 0,
					"numpg": float64(numPG), "stat_bytes": float64(o.capacity), "stat_bytes_used": float64(pl.osdUsed[o.id]),
				},
				StatsHistory: map[string][][2]float64{
					"op_w": {}, "op_in_bytes": {}, "op_r": {}, "op_out_bytes": {},
				},
				OperationalStatus: "unmanaged",
			}
			out = append(out, e)
		}
		return out, nil
	})
}

func (c *cluster) metadataLocked(o *osdEntry) map[string]string {
	if o.isNew {
		return map[string]string{}
	}
	front := fmt.Sprintf("[v2:%s:%d/%d,v1:%s:%d/%d]", o.ip, o.port, o.nonce, o.ip, o.port+1, o.nonce)
	back := fmt.Sprintf("[v2:%s:%d/%d,v1:%s:%d/%d]", o.ip, o.port+2, o.nonce, o.ip, o.port+3, o.nonce)
	return map[string]string{
		"arch":                      "x86_64",
		"back_addr":                 back,
		"ceph_release":              "pacific",
		"ceph_version":              cephVersion,
		"ceph_version_short":        "16.2.15",
		"ceph_version_when_created": cephVersion,
		"created_at":                o.created.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"default_device_class":      o.class,
		"devices":                   "",
		"distro":                    "debian",
		"distro_description":        "Debian GNU/Linux 12 (bookworm)",
		"distro_version":            "12",
		"front_addr":                front,
		"hostname":                  o.hostname,
		"kernel_version":            "6.1.0",
		"os":                        "Linux",
		"osd_data":                  fmt.Sprintf("/var/lib/ceph/osd/ceph-%d", o.id),
		"osd_objectstore":           "bluestore",
		"rotational":                "1",
	}
}

func (s osdsService) Get(ctx context.Context, id int) (*osd.Details, error) {
	return view(s.backend, ctx, "OSDs.Get", []any{id}, func(c *cluster) (*osd.Details, error) {
		o, err := c.osdOrErr(id)
		if err != nil {
			return nil, err
		}
		return &osd.Details{
			OSDMap:            osd.OSDMapEntryWithID{OSDMapEntry: o.mapEntry(), ID: o.id},
			OSDMetadata:       c.metadataLocked(o),
			OperationalStatus: "unmanaged",
		}, nil
	})
}

func (s osdsService) Tree(ctx context.Context) (*osd.Tree, error) {
	return view(s.backend, ctx, "OSDs.Tree", nil, func(c *cluster) (*osd.Tree, error) {
		return c.treeLocked(), nil
	})
}

func idStrings(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

// Mark marks OSDs in, out, down or lost. Unknown ids give NotFound before
// anything changes (real Ceph answers 0 with "osd.N does not exist." for
// in/out/down; the API reports the mistake instead).
func (s osdsService) Mark(ctx context.Context, ids []int, action osd.MarkAction) error {
	var cmd string
	if action == osd.Lost {
		cmd = command("osd lost", "id", ids[0], "yes_i_really_mean_it", true)
	} else {
		cmd = command("osd "+string(action), "ids", idStrings(ids))
	}
	return s.write(ctx, "OSDs.Mark", []any{ids, action}, cmd, func(c *cluster) error {
		entries := make([]*osdEntry, 0, len(ids))
		for _, id := range ids {
			o, err := c.osdOrErr(id)
			if err != nil {
				return err
			}
			entries = append(entries, o)
		}
		changed := false
		for _, o := range entries {
			switch action {
			case osd.Out:
				if !o.in {
					continue
				}
				o.in, o.reweight = false, 0
				if o.up {
					c.clogLocked("[INF]", "Client client.admin marked osd.%d out, while it was still marked up", o.id)
				} else {
					c.clogLocked("[INF]", "Client client.admin marked osd.%d out, after it was down for %d seconds", o.id,
						int(c.now().Sub(o.downSince).Seconds()))
				}
			case osd.In:
				if o.in {
					continue
				}
				o.in, o.reweight = true, 1
			case osd.Down:
				if !o.up {
					continue
				}
				o.up = false
				o.downAt = c.epoch + 1
				o.downSince = c.now()
			case osd.Lost:
				if o.up {
					return ceph.Errorf(ceph.Busy, "osd", "osd.%d is not down", o.id)
				}
				o.lostAt = c.epoch + 1
			}
			changed = true
		}
		if changed {
			c.osdmapChangedLocked()
		}
		return nil
	})
}

func (s osdsService) Reweight(ctx context.Context, id int, weight float64) error {
	cmd := command("osd reweight", "id", id, "weight", weight)
	return s.write(ctx, "OSDs.Reweight", []any{id, weight}, cmd, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		if o.reweight == weight {
			return nil
		}
		o.reweight = weight
		o.in = weight > 0
		c.osdmapChangedLocked()
		return nil
	})
}

func (s osdsService) Scrub(ctx context.Context, id int, deep bool) error {
	prefix := "osd scrub"
	if deep {
		prefix = "osd deep-scrub"
	}
	cmd := command(prefix, "who", strconv.Itoa(id))
	return s.write(ctx, "OSDs.Scrub", []any{id, deep}, cmd, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		if !o.up {
			return ceph.Errorf(ceph.Unavailable, "osd", "osd.%d is not up", id)
		}
		if deep {
			o.deepScrubs++
		} else {
			o.scrubs++
		}
		return nil
	})
}

func (s osdsService) SetDeviceClass(ctx context.Context, id int, class string) error {
	return s.update(ctx, "OSDs.SetDeviceClass", []any{id, class}, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		done := c.auditLocked(command("osd crush rm-device-class", "ids", []string{strconv.Itoa(id)}))
		if class != "" {
			done()
			done = c.auditLocked(command("osd crush set-device-class", "class", class, "ids", []string{strconv.Itoa(id)}))
		}
		if o.class != class {
			o.class = class
			c.crushVersion++
			c.osdmapChangedLocked()
		}
		done()
		return nil
	})
}

func (s osdsService) Devices(ctx context.Context, id int) ([]osd.Device, error) {
	return view(s.backend, ctx, "OSDs.Devices", []any{id}, func(c *cluster) ([]osd.Device, error) {
		if _, err := c.osdOrErr(id); err != nil {
			return nil, err
		}
		// The model's OSDs have no physical devices (their metadata lists
		// none), like the memstore OSDs of a development cluster.
		return []osd.Device{}, nil
	})
}

func histogramAxis(name string, quant int64) osd.HistogramAxis {
	const buckets = 32
	ax := osd.HistogramAxis{Name: name, Min: 0, QuantSize: quant, Buckets: buckets, ScaleType: "log2"}
	p := func(v int64) *int64 { return &v }
	ax.Ranges = append(ax.Ranges, osd.HistogramRange{Max: p(-1)})
	lo := int64(0)
	for k := 1; k < buckets; k++ {
		hi := quant<<(k-1) - 1
		if k == buckets-1 {
			ax.Ranges = append(ax.Ranges, osd.HistogramRange{Min: p(lo)})
			break
		}
		ax.Ranges = append(ax.Ranges, osd.HistogramRange{Min: p(lo), Max: p(hi)})
		lo = hi + 1
	}
	return ax
}

func (s osdsService) Histogram(ctx context.Context, id int) (*osd.Histogram, error) {
	return view(s.backend, ctx, "OSDs.Histogram", []any{id}, func(c *cluster) (*osd.Histogram, error) {
		o, err := c.osdOrErr(id)
		if err != nil {
			return nil, err
		}
		if !o.up {
			return nil, ceph.Errorf(ceph.Unavailable, "osd", "osd.%d is not up", id)
		}
		h := &osd.Histogram{OSD: map[string]osd.HistogramData{}}
		for _, name := range []string{"op_r_latency_out_bytes_histogram", "op_rw_latency_in_bytes_histogram",
			"op_rw_latency_out_bytes_histogram", "op_w_latency_in_bytes_histogram"} {
			data := osd.HistogramData{Axes: []osd.HistogramAxis{
				histogramAxis("Latency (usec)", 100000),
				histogramAxis("Request size (bytes)", 512),
			}}
			data.Values = make([][]int64, 32)
			for i := range data.Values {
				data.Values[i] = make([]int64, 32)
			}
			h.OSD[name] = data
		}
		return h, nil
	})
}

func (s osdsService) Settings(ctx context.Context) (*osd.Settings, error) {
	if err := s.enter(ctx, "OSDs.Settings"); err != nil {
		return nil, err
	}
	return &osd.Settings{NearfullRatio: nearfullRatio, FullRatio: fullRatio}, nil
}

// --- osd.Flags -----------------------------------------------------------------------

type osdFlagsService struct {
	*backend
	osd.UnimplementedFlags
}

// apiFlags is the dashboard's view of the cluster flags: "pause" for
// pauserd+pausewr, sorted.
func (c *cluster) apiFlagsLocked() []string {
	set := map[string]bool{}
	for f := range c.flags {
		set[f] = true
	}
	if set["pauserd"] && set["pausewr"] {
		delete(set, "pauserd")
		delete(set, "pausewr")
		set["pause"] = true
	}
	return sortedKeys(set)
}

func (s osdFlagsService) List(ctx context.Context) ([]string, error) {
	return view(s.backend, ctx, "OSDFlags.List", nil, func(c *cluster) ([]string, error) {
		return c.apiFlagsLocked(), nil
	})
}

// settableFlags are the keys `ceph osd set` accepts (pglog_hardlimit can be
// set but never unset).
var settableFlags = map[string]bool{
	"full": true, "pause": true, "noup": true, "nodown": true, "noout": true, "noin": true,
	"nobackfill": true, "norebalance": true, "norecover": true, "noscrub": true,
	"nodeep-scrub": true, "notieragent": true, "nosnaptrim": true, "pglog_hardlimit": true,
}

// unsettableFlags are the keys `ceph osd unset` accepts.
var unsettableFlags = map[string]bool{
	"full": true, "pause": true, "noup": true, "nodown": true, "noout": true, "noin": true,
	"nobackfill": true, "norebalance": true, "norecover": true, "noscrub": true,
	"nodeep-scrub": true, "notieragent": true, "nosnaptrim": true,
}

// Set makes flags the cluster's flags, one `osd set`/`osd unset` per
// change like the dashboard, and refuses the changes Ceph refuses
// (unsetting sortbitwise, recovery_deletes, purged_snapdirs or
// pglog_hardlimit) before changing anything.
func (s osdFlagsService) Set(ctx context.Context, flags []string) ([]string, error) {
	if err := s.enter(ctx, "OSDFlags.Set", flags); err != nil {
		return nil, err
	}
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.apiFlagsLocked()
	want := map[string]bool{}
	for _, f := range flags {
		want[f] = true
	}
	var added, removed []string
	for _, f := range sortedKeys(want) {
		if !slices.Contains(cur, f) {
			if !settableFlags[f] {
				return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "flag %q cannot be set", f)
			}
			added = append(added, f)
		}
	}
	for _, f := range cur {
		if !want[f] {
			if !unsettableFlags[f] {
				return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "flag %q cannot be unset", f)
			}
			removed = append(removed, f)
		}
	}
	apply := func(f string, on bool) {
		names := []string{f}
		if f == "pause" {
			names = []string{"pauserd", "pausewr"}
		}
		for _, n := range names {
			if on {
				c.flags[n] = true
			} else {
				delete(c.flags, n)
			}
		}
	}
	for _, f := range added {
		done := c.auditLocked(command("osd set", "key", f))
		apply(f, true)
		c.osdmapChangedLocked()
		done()
	}
	for _, f := range removed {
		done := c.auditLocked(command("osd unset", "key", f))
		apply(f, false)
		c.osdmapChangedLocked()
		done()
	}
	return c.apiFlagsLocked(), nil
}

func (s osdFlagsService) Individual(ctx context.Context) ([]osd.IndividualFlagState, error) {
	return view(s.backend, ctx, "OSDFlags.Individual", nil, func(c *cluster) ([]osd.IndividualFlagState, error) {
		// Like the dashboard: every OSD with its state names, which include
		// the per-OSD flags ("exists", "noout", "up").
		out := make([]osd.IndividualFlagState, 0, c.numOSDs)
		for _, o := range c.osds {
			if o != nil {
				out = append(out, osd.IndividualFlagState{OSD: o.id, Flags: o.stateNames()})
			}
		}
		return out, nil
	})
}

func (s osdFlagsService) SetIndividual(ctx context.Context, ids []int, flags map[string]bool) (*osd.IndividualFlagsResult, error) {
	if err := s.enter(ctx, "OSDFlags.SetIndividual", ids, flags); err != nil {
		return nil, err
	}
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	entries := make([]*osdEntry, 0, len(ids))
	for _, id := range ids {
		o, err := c.osdOrErr(id)
		if err != nil {
			return nil, err
		}
		entries = append(entries, o)
	}
	res := &osd.IndividualFlagsResult{Added: []string{}, Removed: []string{}, IDs: slices.Clone(ids)}
	var setBits, clearBits uint8
	for _, f := range osdFlagNames {
		on, ok := flags[f.name]
		if !ok {
			continue
		}
		if on {
			res.Added = append(res.Added, f.name)
			setBits |= f.bit
		} else {
			res.Removed = append(res.Removed, f.name)
			clearBits |= f.bit
		}
	}
	sort.Strings(res.Added)
	sort.Strings(res.Removed)
	who := make([]string, len(ids))
	for i, id := range ids {
		who[i] = fmt.Sprintf("%d", id)
	}
	changed := false
	if setBits != 0 {
		done := c.auditLocked(command("osd set-group", "who", who, "flags", strings.Join(res.Added, ",")))
		for _, o := range entries {
			changed = changed || o.flags&setBits != setBits
			o.flags |= setBits
		}
		done()
	}
	if clearBits != 0 {
		done := c.auditLocked(command("osd unset-group", "who", who, "flags", strings.Join(res.Removed, ",")))
		for _, o := range entries {
			changed = changed || o.flags&clearBits != 0
			o.flags &^= clearBits
		}
		done()
	}
	if changed {
		c.osdmapChangedLocked()
	}
	return res, nil
}

// --- osd.Lifecycle -------------------------------------------------------------------

type lifecycleService struct {
	*backend
	osd.UnimplementedLifecycle
}

// Create adds an OSD as `osd new` plus `osd crush add` do: it exists, is
// in (weight 1) but down and "new" until its daemon boots (Fake.SetOSDUp);
// a new OSD does not raise OSD_DOWN.
func (s lifecycleService) Create(ctx context.Context, opts *osd.CreateOptions) (int, error) {
	if err := s.enter(ctx, "OSDLifecycle.Create", opts); err != nil {
		return 0, err
	}
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if opts.UUID != "" {
		for _, o := range c.osds {
			if o != nil && o.uuid == opts.UUID {
				return 0, ceph.Errorf(ceph.AlreadyExists, "osd", "uuid %s already in use for different id %d", opts.UUID, o.id)
			}
		}
	}
	done := c.auditLocked(command("osd new", "uuid", opts.UUID))
	host, err := c.hostBucketLocked(opts.Host)
	if err != nil {
		return 0, err
	}
	weight := opts.Weight
	if weight == 0 {
		weight = 1
	}
	ip := ""
	for _, it := range host.items {
		if o := c.osd(it); it >= 0 && o != nil && o.ip != "" {
			ip = o.ip
			break
		}
	}
	o := c.newOSDLocked(host, weight, opts.DeviceClass, ip)
	if opts.UUID != "" {
		o.uuid = opts.UUID
	}
	c.assignAddrLocked(o)
	c.crushVersion++
	c.osdmapChangedLocked()
	done()
	return o.id, nil
}

func (s lifecycleService) SafeToDestroy(ctx context.Context, ids []int) (*osd.SafeToDestroyReport, error) {
	return view(s.backend, ctx, "OSDLifecycle.SafeToDestroy", []any{ids}, func(c *cluster) (*osd.SafeToDestroyReport, error) {
		// As the dashboard answers `osd safe-to-destroy`: an OSD that is up or
		// has PGs mapped is active; a missing one is safe, as in Ceph.
		pl := c.placementLocked()
		rep := &osd.SafeToDestroyReport{SafeToDestroy: []int{}, Active: []int{}, MissingStats: []int{}, StoredPGs: []int{}}
		seen := map[int]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if o := c.osd(id); o != nil && (o.up || pl.osdPGs[id] > 0) {
				rep.Active = append(rep.Active, id)
			} else {
				rep.SafeToDestroy = append(rep.SafeToDestroy, id)
			}
		}
		sort.Ints(rep.Active)
		sort.Ints(rep.SafeToDestroy)
		rep.IsSafeToDestroy = len(rep.Active) == 0
		return rep, nil
	})
}

func (c *cluster) safeToDeleteLocked() osd.SafeToDeleteReport {
	var failed []string
	for _, hc := range c.healthLocked(nil).checks {
		switch hc.Type {
		case "OSD_FULL", "OSD_BACKFILLFULL", "OSD_NEARFULL":
			failed = append(failed, hc.Type)
		}
	}
	if len(failed) > 0 {
		return osd.SafeToDeleteReport{IsSafeToDelete: false, Message: "Removing OSD(s) is not recommended because of these failed health check(s): " + strings.Join(failed, ", ") + "."}
	}
	return osd.SafeToDeleteReport{IsSafeToDelete: true}
}

func (s lifecycleService) SafeToDelete(ctx context.Context, ids []int) (*osd.SafeToDeleteReport, error) {
	return view(s.backend, ctx, "OSDLifecycle.SafeToDelete", []any{ids}, func(c *cluster) (*osd.SafeToDeleteReport, error) {
		for _, id := range ids {
			if _, err := c.osdOrErr(id); err != nil {
				return nil, err
			}
		}
		r := c.safeToDeleteLocked()
		return &r, nil
	})
}

func (c *cluster) destroyLocked(o *osdEntry) error {
	if o.up {
		return ceph.Errorf(ceph.Busy, "osd", "osd.%d is not `down`.", o.id)
	}
	done := c.auditLocked(command("osd destroy-actual", "id", o.id, "yes_i_really_mean_it", true))
	o.destroyed = true
	o.in, o.reweight = false, 0
	c.cephxKeys.forget("osd." + strconv.Itoa(o.id))
	c.osdmapChangedLocked()
	done()
	return nil
}

func (c *cluster) purgeLocked(o *osdEntry) error {
	if o.up {
		return ceph.Errorf(ceph.Busy, "osd", "osd.%d is not `down`.", o.id)
	}
	done := c.auditLocked(command("osd purge-actual", "id", o.id, "yes_i_really_mean_it", true))
	if b := c.buckets[o.parent]; b != nil {
		b.items = removeInt(b.items, o.id)
		c.crushVersion++
	}
	c.osds[o.id] = nil
	c.cephxKeys.forget("osd." + strconv.Itoa(o.id))
	for len(c.osds) > 0 && c.osds[len(c.osds)-1] == nil {
		c.osds = c.osds[:len(c.osds)-1]
	}
	c.numOSDs--
	c.clogLocked("[INF]", "purged osd.%d", o.id)
	c.osdmapChangedLocked()
	done()
	return nil
}

func (s lifecycleService) Destroy(ctx context.Context, id int) error {
	return s.update(ctx, "OSDLifecycle.Destroy", []any{id}, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		return c.destroyLocked(o)
	})
}

func (s lifecycleService) Purge(ctx context.Context, id int) error {
	return s.update(ctx, "OSDLifecycle.Purge", []any{id}, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		return c.purgeLocked(o)
	})
}

// Delete removes an OSD as an orchestrator does: unless Force, it checks
// safe-to-delete first; then it marks the OSD out, stops it (down) and
// destroys it (PreserveID) or purges it.
func (s lifecycleService) Delete(ctx context.Context, id int, opts *osd.DeleteOptions) error {
	return s.update(ctx, "OSDLifecycle.Delete", []any{id, opts}, func(c *cluster) error {
		o, err := c.osdOrErr(id)
		if err != nil {
			return err
		}
		if !opts.Force {
			if r := c.safeToDeleteLocked(); !r.IsSafeToDelete {
				return ceph.Errorf(ceph.FailedPrecondition, "osd", "%s", r.Message)
			}
		}
		if o.in || o.up {
			o.in, o.reweight = false, 0
			if o.up {
				o.up = false
				o.downAt = c.epoch + 1
				o.downSince = c.now()
			}
			c.osdmapChangedLocked()
		}
		if opts.PreserveID {
			return c.destroyLocked(o)
		}
		return c.purgeLocked(o)
	})
}
