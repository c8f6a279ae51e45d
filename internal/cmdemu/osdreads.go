package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// Reads of the OSD map python-cephclient calls (osd_find, osd_pool_get,
// osd_crush_rule_dump, osd_blacklist_ls), laid out as Ceph 16.2.15's
// OSDMonitor prints them (the binary getmaps are in getmaps.go).

// osdFind answers `osd find <id>`: the OSD's addresses and fsid from the
// OSD map, its host and container from its metadata (when it reports
// them) and its CRUSH location (bucket type -> name, by type name). The
// plain form is the JSON's pretty form, as the monitor prints it.
func (e *Emulator) osdFind(ctx context.Context, a args, f format) ([]byte, string, error) {
	id, _ := a["id"].(int)
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	var entry *ceph.OSDMapEntry
	for i := range h.OSDMap.OSDs {
		if h.OSDMap.OSDs[i].OSD == id {
			entry = &h.OSDMap.OSDs[i]
		}
	}
	if entry == nil {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("osd.%d does not exist", id))
	}
	o := obj{{"osd", id}}
	addrs := ceph.AddrVec{AddrVec: []ceph.EntityAddr{}}
	if entry.PublicAddrs != nil {
		addrs = *entry.PublicAddrs
	}
	o = append(o, kv{"addrs", addrs}, kv{"osd_fsid", entry.UUID})
	if d, err := e.c.OSDs.Get(ctx, id); err == nil && d != nil {
		if v, ok := d.OSDMetadata["hostname"]; ok {
			o = append(o, kv{"host", v})
		}
		for _, k := range []string{"pod_name", "pod_namespace", "container_name"} {
			if v, ok := d.OSDMetadata[k]; ok {
				o = append(o, kv{k, v})
			}
		}
	}
	loc := obj{}
	if t, err := e.c.OSDs.Tree(ctx); err == nil {
		m := crushLocation(t, id)
		for _, k := range sortedKeys(m) {
			loc = append(loc, kv{k, m[k]})
		}
	}
	o = append(o, kv{"crush_location", loc})
	return jsonOnly(o, f, false)
}

// crushLocation returns the buckets above item id: type -> name.
func crushLocation(t *osd.Tree, id int) map[string]string {
	parent := map[int]int{}
	byID := map[int]osd.TreeNode{}
	for _, n := range t.Nodes {
		byID[n.ID] = n
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	out := map[string]string{}
	seen := map[int]bool{}
	for cur, ok := parent[id]; ok && !seen[cur]; cur, ok = parent[cur] {
		seen[cur] = true
		n := byID[cur]
		out[n.Type] = n.Name
	}
	return out
}

// osdCrushRuleDump answers `osd crush rule dump [name]`: every rule (or
// the one named) as the CRUSH map holds it. The plain form is the JSON's
// pretty form; every form ends with a newline more, as the monitor prints
// it.
func (e *Emulator) osdCrushRuleDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	if e.c.CrushRules == nil {
		return nil, "", ceph.UnimplementedError("crush_rule", "list")
	}
	rules, err := e.c.CrushRules.List(ctx)
	if err != nil {
		return nil, "", err
	}
	rules = append([]ceph.CrushRule(nil), rules...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].RuleID < rules[j].RuleID })
	for i := range rules {
		rules[i].Steps = emptyList(rules[i].Steps)
	}
	var v any = rules
	if name := a.str("name"); name != "" {
		v = nil
		for _, r := range rules {
			if r.RuleName == name {
				v = r
			}
		}
		if v == nil {
			return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("unknown crush rule '%s'", name))
		}
	}
	return jsonOnly(v, f, true)
}

// osdBlocklistLs answers `osd blocklist ls` (and its pre-Pacific name
// `osd blacklist ls`): the blocklisted client addresses with their expiry.
// The domain API carries no blocklist (the memory model keeps none: its
// client evictions bump the OSD map epoch but record no entry), so the
// list is what a cluster with an empty blocklist answers: nothing, and
// the status "listed 0 entries". Ceph 16.2.15 dumps the address list and
// then the range blocklist as a second JSON list after it ("[...][]",
// which is no single JSON value); the emulator prints both, empty. XML
// gets the one list.
func (e *Emulator) osdBlocklistLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	if _, err := e.full(ctx); err != nil {
		return nil, "", err
	}
	status := "listed 0 entries"
	switch f {
	case jsonCompact:
		return []byte("[][]"), status, nil
	case jsonPretty:
		return []byte("[]\n[]\n"), status, nil
	case xmlCompact, xmlPretty:
		return []byte("[]"), status, nil
	}
	return nil, status, nil
}

// poolGetVars are the variables of `osd pool get`, in the order of
// Ceph 16.2.15's choices (the order `var all` lists them in).
var poolGetVars = []string{
	"size", "min_size", "pg_num", "pgp_num", "crush_rule", "hashpspool", "nodelete", "nopgchange",
	"nosizechange", "write_fadvise_dontneed", "noscrub", "nodeep-scrub", "hit_set_type", "hit_set_period",
	"hit_set_count", "hit_set_fpp", "use_gmt_hitset", "target_max_objects", "target_max_bytes",
	"cache_target_dirty_ratio", "cache_target_dirty_high_ratio", "cache_target_full_ratio",
	"cache_min_flush_age", "cache_min_evict_age", "erasure_code_profile", "min_read_recency_for_promote",
	"min_write_recency_for_promote", "fast_read", "hit_set_grade_decay_rate", "hit_set_search_last_n",
	"scrub_min_interval", "scrub_max_interval", "deep_scrub_interval", "recovery_priority",
	"recovery_op_priority", "scrub_priority", "compression_mode", "compression_algorithm",
	"compression_required_ratio", "compression_max_blob_size", "compression_min_blob_size", "csum_type",
	"csum_max_block", "csum_min_block", "fingerprint_algorithm", "pg_autoscale_mode", "pg_num_min",
	"target_size_bytes", "target_size_ratio", "pg_autoscale_bias", "dedup_tier", "dedup_chunk_algorithm",
	"dedup_cdc_chunk_size", "pg_num_max", "bulk",
}

// poolOptVars are the variables that are pool options (pool_opts_t): a
// pool has them only when set.
var poolOptVars = map[string]bool{
	"scrub_min_interval": true, "scrub_max_interval": true, "deep_scrub_interval": true, "recovery_priority": true,
	"recovery_op_priority": true, "scrub_priority": true, "compression_mode": true, "compression_algorithm": true,
	"compression_required_ratio": true, "compression_max_blob_size": true, "compression_min_blob_size": true,
	"csum_type": true, "csum_max_block": true, "csum_min_block": true, "fingerprint_algorithm": true,
	"pg_num_min": true, "target_size_bytes": true, "target_size_ratio": true, "pg_autoscale_bias": true,
	"dedup_tier": true, "dedup_chunk_algorithm": true, "dedup_cdc_chunk_size": true, "pg_num_max": true,
}

// tierVars apply to cache tiers only; the domain has no tiers.
var tierVars = map[string]bool{
	"hit_set_type": true, "hit_set_period": true, "hit_set_count": true, "hit_set_fpp": true,
	"target_max_objects": true, "target_max_bytes": true, "cache_target_dirty_ratio": true,
	"cache_target_dirty_high_ratio": true, "cache_target_full_ratio": true, "cache_min_flush_age": true,
	"cache_min_evict_age": true, "min_read_recency_for_promote": true, "min_write_recency_for_promote": true,
	"hit_set_grade_decay_rate": true, "hit_set_search_last_n": true,
}

// osdPoolGet answers `osd pool get <pool> <var>` from the pool's map
// entry. Plain: "var: value" lines; JSON: pool, pool_id and the values.
// The domain's pools are never cache tiers (the tier variables are
// refused as Ceph refuses them on a pool that is not a tier), and
// use_gmt_hitset is the default of every pool created since Luminous.
func (e *Emulator) osdPoolGet(ctx context.Context, a args, f format) ([]byte, string, error) {
	name, v := a.str("pool"), a.str("var")
	ps, err := e.pools(ctx)
	if err != nil {
		return nil, "", err
	}
	var p *ceph.Pool
	for i := range ps {
		if ps[i].PoolName == name {
			p = &ps[i]
		}
	}
	if p == nil {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("unrecognized pool '%s'", name))
	}
	if !contains(poolGetVars, v) && v != "all" && v != "eio" && v != "allow_ec_overwrites" {
		return nil, "", cmdError(syscall.EINVAL, fmt.Sprintf("invalid choice '%s' for var", v))
	}
	erasure := p.Type == ceph.Erasure
	flag := func(n string) bool { return contains(strings.Split(p.FlagsNames, ","), n) }
	value := func(k string) (any, bool) {
		switch k {
		case "size":
			return p.Size, true
		case "min_size":
			return p.MinSize, true
		case "pg_num":
			return p.PGNum, true
		case "pgp_num":
			return p.PGPlacementNum, true
		case "crush_rule":
			return p.CrushRule, true
		case "hashpspool", "nodelete", "nopgchange", "nosizechange", "noscrub", "nodeep-scrub", "bulk", "eio":
			return flag(k), true
		case "write_fadvise_dontneed":
			return flag("write_fadvise_dontneed"), true
		case "use_gmt_hitset":
			return true, true
		case "erasure_code_profile":
			return p.ErasureCodeProfile, erasure
		case "allow_ec_overwrites":
			return flag("ec_overwrites"), erasure
		case "fast_read":
			if p.FastRead {
				return 1, true
			}
			return 0, true
		case "pg_autoscale_mode":
			return p.PGAutoscaleMode, true
		}
		if poolOptVars[k] {
			o, ok := p.Options[k]
			return o, ok
		}
		return nil, false
	}
	var keys []string
	if v == "all" {
		for _, k := range poolGetVars {
			if tierVars[k] {
				continue
			}
			if _, ok := value(k); ok {
				keys = append(keys, k)
			}
			if k == "erasure_code_profile" && erasure {
				keys = append(keys, "allow_ec_overwrites")
			}
		}
	} else {
		switch {
		case tierVars[v]:
			return nil, "", cmdError(syscall.EACCES, fmt.Sprintf("pool '%s' is not a tier pool: variable not applicable", name))
		case (v == "erasure_code_profile" || v == "allow_ec_overwrites") && !erasure:
			return nil, "", cmdError(syscall.EACCES, fmt.Sprintf("pool '%s' is not a erasure pool: variable not applicable", name))
		}
		if _, ok := value(v); !ok {
			return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("option '%s' is not set on pool '%s'", v, name))
		}
		keys = []string{v}
	}
	if f != plain {
		o := obj{{"pool", p.PoolName}, {"pool_id", p.Pool}}
		for _, k := range keys {
			x, _ := value(k)
			o = append(o, kv{k, x})
		}
		b, err := encodeJSON(o, f)
		return b, "", err
	}
	var b strings.Builder
	for _, k := range keys {
		x, _ := value(k)
		switch t := x.(type) {
		case bool:
			if k == "use_gmt_hitset" {
				// The monitor prints this one as a number in plain text.
				x = 0
				if t {
					x = 1
				}
			}
		case float64:
			x = strconv.FormatFloat(t, 'g', -1, 64)
		}
		fmt.Fprintf(&b, "%s: %v\n", k, x)
	}
	return []byte(b.String()), "", nil
}
