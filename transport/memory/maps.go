package memory

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/cmdemu"
)

// The command emulator's view of the CRUSH map and of the PGs
// (cmdemu.Maps): what the domain API does not carry, read from the model.
var _ cmdemu.Maps = (*backend)(nil)

// crushClassesLocked are the device classes the CRUSH map has: those of
// the OSDs and those rules take. Ceph keeps them in creation order (class
// ids); the model keeps no order, so they are sorted.
func (c *cluster) crushClassesLocked() []string {
	set := map[string]bool{}
	for _, o := range c.osds {
		if o != nil && o.class != "" {
			set[o.class] = true
		}
	}
	for _, r := range c.rules {
		if r.class != "" {
			set[r.class] = true
		}
	}
	return sortedKeys(set)
}

// ensureShadowsLocked gives every bucket a shadow bucket ("host~hdd") per
// device class, as the monitor's rebuild of the class trees does after
// each CRUSH change (CrushWrapper::populate_classes): roots in id order,
// a bucket's children before the bucket, existing shadow ids kept. Ids
// come from the model's bucket id allocator, so they interleave with the
// real buckets' the way Ceph's do.
func (c *cluster) ensureShadowsLocked() {
	classes := c.crushClassesLocked()
	if len(classes) == 0 {
		return
	}
	roots := slices.Clone(c.roots)
	sort.Ints(roots) // Ceph's set<int>: the lowest (newest) root first
	var clone func(id int, class string)
	clone = func(id int, class string) {
		b := c.buckets[id]
		if b == nil {
			return
		}
		for _, it := range b.items {
			if it < 0 {
				clone(it, class)
			}
		}
		key := b.name + "~" + class
		if _, ok := c.shadowIDs[key]; !ok {
			c.shadowIDs[key] = c.nextBucketID
			c.nextBucketID--
		}
	}
	for _, class := range classes {
		for _, r := range roots {
			clone(r, class)
		}
	}
}

// crushWeight is a CRUSH weight in 16.16 fixed point. The model keeps the
// weight as a float that came from one (or from a user's weight, which
// the monitor truncates to one); rounding gives back the fixed point.
func crushWeight(w float64) int64 { return int64(math.Round(w * 0x10000)) }

func (c *cluster) crushMapLocked() *cmdemu.CrushMap {
	m := &cmdemu.CrushMap{}
	for _, o := range c.osds {
		if o != nil {
			m.Devices = append(m.Devices, cmdemu.CrushDevice{ID: o.id, Name: o.name, Class: o.class})
		}
	}
	// weights[bucket][class]: a bucket's weight in the class's tree ("" the
	// whole tree).
	weights := map[int]map[string]int64{}
	var weigh func(id int, class string) int64
	weigh = func(id int, class string) int64 {
		if w, ok := weights[id][class]; ok {
			return w
		}
		var w int64
		for _, it := range c.buckets[id].items {
			if it >= 0 {
				if o := c.osd(it); o != nil && (class == "" || o.class == class) {
					w += crushWeight(o.crushWeight)
				}
			} else if c.buckets[it] != nil {
				w += weigh(it, class)
			}
		}
		if weights[id] == nil {
			weights[id] = map[string]int64{}
		}
		weights[id][class] = w
		return w
	}
	bucket := func(b *bucket, class string) cmdemu.CrushBucket {
		out := cmdemu.CrushBucket{ID: b.id, Name: b.name, Type: b.typ, TypeID: crushTypeIDs[b.typ], Items: []cmdemu.CrushItem{}}
		if class != "" {
			out.ID, out.Name = c.shadowIDs[b.name+"~"+class], b.name+"~"+class
		}
		for _, it := range b.items {
			if it >= 0 {
				o := c.osd(it)
				if o == nil || (class != "" && o.class != class) {
					continue
				}
				out.Items = append(out.Items, cmdemu.CrushItem{ID: it, Weight: crushWeight(o.crushWeight)})
				continue
			}
			child := c.buckets[it]
			if child == nil {
				continue
			}
			id := it
			if class != "" {
				id = c.shadowIDs[child.name+"~"+class]
			}
			out.Items = append(out.Items, cmdemu.CrushItem{ID: id, Weight: weigh(it, class)})
		}
		return out
	}
	classes := c.crushClassesLocked()
	for _, b := range c.buckets {
		m.Buckets = append(m.Buckets, bucket(b, ""))
		for _, class := range classes {
			if _, ok := c.shadowIDs[b.name+"~"+class]; ok {
				m.Buckets = append(m.Buckets, bucket(b, class))
			}
		}
	}
	return m
}

// CrushMap is the model's CRUSH map for `osd crush dump`.
func (b *backend) CrushMap(ctx context.Context) (*cmdemu.CrushMap, error) {
	return mapsView(b, ctx, func(c *cluster) (*cmdemu.CrushMap, error) { return c.crushMapLocked(), nil })
}

// mapsView reads the model for the command emulator. Unlike view it
// records no call: these are no domain methods, the command that asked is
// what the caller made.
func mapsView[T any](b *backend, ctx context.Context, f func(c *cluster) (T, error)) (T, error) {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		var zero T
		return zero, err
	}
	b.c.mu.RLock()
	defer b.c.mu.RUnlock()
	return f(b.c)
}

// share is PG i's share of n things spread over pgs PGs: n/pgs each, the
// remainder one more to each of the lowest PGs.
func share(n int64, pgs, i int) int64 {
	if pgs <= 0 {
		return 0
	}
	s := n / int64(pgs)
	if int64(i) < n%int64(pgs) {
		s++
	}
	return s
}

// pgStatsOf are PG i's object counts. The model keeps objects and stored
// bytes per pool; a PG's share follows one rule so that PGs add up to the
// pool exactly: objects spread over all pg_num PGs (the remainder one more
// to each of the lowest PGs, so the PGs that hold objects are the first
// min(pg_num, objects), as the PG states have it), bytes likewise over the
// PGs that hold objects (over all PGs when none does). Copies, degraded
// and misplaced copies are the PG's objects times the pool's per-object
// figures (size, missing copies, copies on out OSDs), as the pool's are.
func pgStatsOf(p *pool, pp poolPlacement, i int) cmdemu.PGStats {
	objects := share(p.objects, p.pgNum, i)
	holders := pp.dataPGs
	if holders == 0 {
		holders = p.pgNum
	}
	var bytes int64
	if i < holders {
		bytes = share(p.stored, holders, i)
	}
	return cmdemu.PGStats{
		Objects: objects, Bytes: bytes, Copies: objects * int64(p.size),
		Degraded: objects * int64(p.size-pp.copies), Misplaced: objects * int64(pp.misplaced),
	}
}

// PGs are the model's PGs with their state, OSDs and object counts, for
// `osd map`, `pg map`, `pg dump`, `pg debug` and `report`. The acting set
// is the model's placement (its round robin over the failure domains with
// an up OSD, not CRUSH);
// the up set (CRUSH's choice) leaves out the OSDs that are out or have
// reweight 0, which keep serving a remapped PG but that CRUSH no longer
// picks (an erasure-coded PG keeps their slots as NONE).
func (b *backend) PGs(ctx context.Context) (*cmdemu.PGMap, error) {
	return mapsView(b, ctx, func(c *cluster) (*cmdemu.PGMap, error) {
		pl := c.placementLocked()
		m := &cmdemu.PGMap{Epoch: c.epoch}
		for _, p := range c.sortedPools() {
			pp := pl.pools[p.id]
			out := cmdemu.PoolPGs{ID: p.id, Name: p.name, PGNum: p.pgNum, PGs: make([]cmdemu.PGPlacement, p.pgNum),
				Created: p.created, CreatedEpoch: p.createdEpoch}
			for i := range out.PGs {
				acting := pp.acting(i)
				var up, reported []int
				if pp.copies > 0 {
					for _, id := range acting {
						if o := c.osd(id); id != shardNone && (o == nil || !o.in || o.reweight <= 0) {
							if pp.erasure {
								up = append(up, shardNone)
							}
							continue
						}
						up = append(up, id)
					}
				} else {
					// A stale PG: its OSDs are down, so the OSD map maps
					// it to none (an erasure-coded PG keeps its slots as
					// NONE); the PG map keeps the set that last reported.
					reported = acting
					acting = nil
					if pp.erasure {
						for range p.size {
							acting = append(acting, shardNone)
						}
					}
					up = acting
				}
				out.PGs[i] = cmdemu.PGPlacement{State: pp.stateOf(i), Up: up, Acting: acting, Reported: reported,
					Stats: pgStatsOf(p, pp, i)}
			}
			m.Pools = append(m.Pools, out)
		}
		return m, nil
	})
}
