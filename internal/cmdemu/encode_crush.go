package cmdemu

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// CRUSH map in Ceph's binary encoding (CrushWrapper::encode, for a peer
// with every feature: luminous device classes and choose_args, tunables5),
// what `osd getcrushmap` returns and crushtool -d decompiles.
//
// The layout, from Ceph 16.2's src/crush/CrushWrapper.cc and crush.h:
// u32 magic 0x00010000; s32 max_buckets, u32 max_rules, s32 max_devices;
// for each bucket slot (id -1-slot) u32 alg (0: empty slot) and, when
// set, s32 id, u16 type, u8 alg, u8 hash, u32 weight, u32 size, size s32
// items and (straw2) size u32 item weights; for each rule slot u32
// present and, when set, u32 steps, u8 ruleset, u8 type, u8 min_size, u8
// max_size and steps of u32 op, s32 arg1, s32 arg2; the type, item and
// rule name maps (map<int32,string>); tunables choose_local_tries,
// choose_local_fallback_tries, choose_total_tries, chooseleaf_descend_once
// (u32), chooseleaf_vary_r, straw_calc_version (u8), allowed_bucket_algs
// (u32), chooseleaf_stable (u8); then class_map (item -> class id, shadow
// buckets included), class_name (id -> name), class_bucket (bucket ->
// class id -> shadow bucket) and the choose_args count.

const (
	crushMagic         = 0x00010000
	crushBucketStraw2  = 5
	crushHashRjenkins1 = 0
)

// crushStepOps are the rule step op codes (crush.h CRUSH_RULE_*) by the
// names CrushWrapper::dump_rule prints.
var crushStepOps = map[string]uint32{
	"noop": 0, "take": 1, "choose_firstn": 2, "choose_indep": 3, "emit": 4,
	"chooseleaf_firstn": 6, "chooseleaf_indep": 7, "set_choose_tries": 8,
	"set_chooseleaf_tries": 9, "set_choose_local_tries": 10,
	"set_choose_local_fallback_tries": 11, "set_chooseleaf_vary_r": 12,
	"set_chooseleaf_stable": 13,
}

// crushClassIDs numbers the device classes: the devices' and those the
// shadow bucket names carry, sorted (Ceph numbers them in creation order,
// which the model does not keep; the ids are not printed by osd crush
// dump or crushtool -d).
func crushClassIDs(m *CrushMap) map[string]int {
	set := map[string]bool{}
	for _, d := range m.Devices {
		if d.Class != "" {
			set[d.Class] = true
		}
	}
	for _, b := range m.Buckets {
		if i := strings.IndexByte(b.Name, '~'); i >= 0 {
			set[b.Name[i+1:]] = true
		}
	}
	ids := map[string]int{}
	for i, c := range sortedKeys(set) {
		ids[c] = i
	}
	return ids
}

// encodeCrushMap encodes m with rules (by rule id) as a 16.2 monitor
// does, with the tunables crushTunables shows.
func encodeCrushMap(m *CrushMap, rules []ceph.CrushRule) ([]byte, error) {
	var e enc
	e.u32(crushMagic)

	// crush_add_bucket grows the bucket array from 8 slots by doubling;
	// max_devices is what crush_finalize makes it, the largest device id
	// in a bucket plus one.
	slots := map[int]*CrushBucket{}
	maxSlot := -1
	maxDevices := 0
	for i := range m.Buckets {
		b := &m.Buckets[i]
		if b.ID >= 0 {
			return nil, fmt.Errorf("bucket %s has id %d", b.Name, b.ID)
		}
		slots[-1-b.ID] = b
		maxSlot = max(maxSlot, -1-b.ID)
		for _, it := range b.Items {
			if it.ID >= maxDevices {
				maxDevices = it.ID + 1
			}
		}
	}
	maxBuckets := 0
	if maxSlot >= 0 {
		maxBuckets = 8
		for maxSlot >= maxBuckets {
			maxBuckets *= 2
		}
	}
	maxRules := 0
	byRule := map[int]ceph.CrushRule{}
	for _, r := range rules {
		byRule[r.RuleID] = r
		maxRules = max(maxRules, r.RuleID+1)
	}
	e.s32(int32(maxBuckets))
	e.u32(uint32(maxRules))
	e.s32(int32(maxDevices))

	for slot := 0; slot < maxBuckets; slot++ {
		b := slots[slot]
		if b == nil {
			e.u32(0)
			continue
		}
		e.u32(crushBucketStraw2)
		e.s32(int32(b.ID))
		e.u16(uint16(b.TypeID))
		e.u8(crushBucketStraw2)
		e.u8(crushHashRjenkins1)
		var w int64
		for _, it := range b.Items {
			w += it.Weight
		}
		e.u32(uint32(w))
		e.u32(uint32(len(b.Items)))
		for _, it := range b.Items {
			e.s32(int32(it.ID))
		}
		for _, it := range b.Items {
			e.u32(uint32(it.Weight))
		}
	}

	typeIDs := map[string]int{}
	for i, t := range crushTypes {
		typeIDs[t] = i
	}
	for id := 0; id < maxRules; id++ {
		r, ok := byRule[id]
		if !ok {
			e.u32(0)
			continue
		}
		e.u32(1)
		e.u32(uint32(len(r.Steps)))
		e.u8(uint8(r.Ruleset))
		e.u8(uint8(r.Type))
		e.u8(uint8(r.MinSize))
		e.u8(uint8(r.MaxSize))
		for _, s := range r.Steps {
			op, ok := crushStepOps[s.Op]
			if !ok {
				return nil, fmt.Errorf("rule %s: unknown step %q", r.RuleName, s.Op)
			}
			var a1, a2 int
			switch {
			case s.Op == "take":
				if s.Item == nil {
					return nil, fmt.Errorf("rule %s: take without an item", r.RuleName)
				}
				a1 = *s.Item
			case strings.HasPrefix(s.Op, "choose"):
				if s.Num != nil {
					a1 = *s.Num
				}
				t, ok := typeIDs[s.Type]
				if !ok {
					return nil, fmt.Errorf("rule %s: unknown type %q", r.RuleName, s.Type)
				}
				a2 = t
			case strings.HasPrefix(s.Op, "set_"):
				if s.Num != nil {
					a1 = *s.Num
				}
			}
			e.u32(op)
			e.s32(int32(a1))
			e.s32(int32(a2))
		}
	}

	types := map[int]string{}
	for i, t := range crushTypes {
		types[i] = t
	}
	e.intStrMap(types)
	names := map[int]string{}
	for _, d := range m.Devices {
		names[d.ID] = d.Name
	}
	for _, b := range m.Buckets {
		names[b.ID] = b.Name
	}
	e.intStrMap(names)
	ruleNames := map[int]string{}
	for _, r := range rules {
		ruleNames[r.RuleID] = r.RuleName
	}
	e.intStrMap(ruleNames)

	// Tunables: crushTunables (jewel).
	e.u32(0)  // choose_local_tries
	e.u32(0)  // choose_local_fallback_tries
	e.u32(50) // choose_total_tries
	e.u32(1)  // chooseleaf_descend_once
	e.u8(1)   // chooseleaf_vary_r
	e.u8(1)   // straw_calc_version
	e.u32(54) // allowed_bucket_algs: uniform, list, straw, straw2
	e.u8(1)   // chooseleaf_stable

	classIDs := crushClassIDs(m)
	classMap := map[int]int{}
	for _, d := range m.Devices {
		if d.Class != "" {
			classMap[d.ID] = classIDs[d.Class]
		}
	}
	byName := map[string]int{}
	for _, b := range m.Buckets {
		byName[b.Name] = b.ID
	}
	classBucket := map[int]map[int]int{}
	for _, b := range m.Buckets {
		i := strings.IndexByte(b.Name, '~')
		if i < 0 {
			continue
		}
		class := classIDs[b.Name[i+1:]]
		classMap[b.ID] = class
		orig, ok := byName[b.Name[:i]]
		if !ok {
			return nil, fmt.Errorf("shadow bucket %s has no bucket %s", b.Name, b.Name[:i])
		}
		if classBucket[orig] == nil {
			classBucket[orig] = map[int]int{}
		}
		classBucket[orig][class] = b.ID
	}
	e.intIntMap(classMap)
	classNames := map[int]string{}
	for c, id := range classIDs {
		classNames[id] = c
	}
	e.intStrMap(classNames)
	origs := make([]int, 0, len(classBucket))
	for id := range classBucket {
		origs = append(origs, id)
	}
	sort.Ints(origs)
	e.u32(uint32(len(origs)))
	for _, id := range origs {
		e.s32(int32(id))
		e.intIntMap(classBucket[id])
	}
	e.u32(0) // choose_args: the model keeps no weight sets
	return e.b, nil
}

// crushTunablesFor are crushTunables with has_v2/v3/v5_rules as Ceph
// reports them for rules: v2 when a rule chooses indep or sets the choose
// or chooseleaf tries (erasure rules do), v3 when one sets
// chooseleaf_vary_r, v5 when one sets chooseleaf_stable.
func crushTunablesFor(rules []ceph.CrushRule) obj {
	has := map[string]bool{}
	for _, r := range rules {
		for _, s := range r.Steps {
			switch s.Op {
			case "choose_indep", "chooseleaf_indep", "set_choose_tries", "set_chooseleaf_tries":
				has["has_v2_rules"] = true
			case "set_chooseleaf_vary_r":
				has["has_v3_rules"] = true
			case "set_chooseleaf_stable":
				has["has_v5_rules"] = true
			}
		}
	}
	out := make(obj, len(crushTunables))
	for i, p := range crushTunables {
		if _, ok := map[string]bool{"has_v2_rules": true, "has_v3_rules": true, "has_v5_rules": true}[p.k]; ok {
			p.v = 0
			if has[p.k] {
				p.v = 1
			}
		}
		out[i] = p
	}
	return out
}
