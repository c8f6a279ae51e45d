package cmdemu

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/cephapi/cephapi/osd"
)

// dfRow is one OSD of `osd df`.
type dfRow struct {
	node   osd.TreeNode
	weight float64
	depth  int
	stats  osd.OSDStats
	util   float64
	vari   float64
}

// osdDF answers `osd df` (the plain, non-tree form) from the OSD list and
// the CRUSH tree: one row per OSD in the tree, by id, with the usage and PG
// count the OSD reports, as Ceph 16 prints it. Utilization is kb_used/kb,
// var the OSD's utilization over the average, STDDEV their standard
// deviation; OSDs that report no capacity (kb 0) count in neither.
func (e *Emulator) osdDF(ctx context.Context, a args, f format) ([]byte, string, error) {
	t, err := e.c.OSDs.Tree(ctx)
	if err != nil {
		return nil, "", err
	}
	list, err := e.c.OSDs.List(ctx)
	if err != nil {
		return nil, "", err
	}
	stats := map[int]osd.OSDStats{}
	for _, o := range list {
		stats[o.ID] = o.OSDStats
	}
	var rows []dfRow
	for _, it := range walkTree(t) {
		if it.node.ID < 0 {
			continue
		}
		rows = append(rows, dfRow{node: it.node, weight: it.weight, depth: it.depth, stats: stats[it.node.ID]})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].node.ID < rows[j].node.ID })
	var tot osd.OSDStats
	for _, r := range rows {
		tot.KB += r.stats.KB
		tot.KBUsed += r.stats.KBUsed
		tot.KBUsedData += r.stats.KBUsedData
		tot.KBUsedOmap += r.stats.KBUsedOmap
		tot.KBUsedMeta += r.stats.KBUsedMeta
		tot.KBAvail += r.stats.KBAvail
	}
	avg := 0.0
	if tot.KB > 0 {
		avg = float64(tot.KBUsed) / float64(tot.KB) * 100
	}
	minVar, maxVar, sq, n := 0.0, 0.0, 0.0, 0
	for i := range rows {
		r := &rows[i]
		if r.stats.KB == 0 {
			continue
		}
		r.util = float64(r.stats.KBUsed) / float64(r.stats.KB) * 100
		if avg > 0 {
			r.vari = r.util / avg
		}
		if n == 0 || r.vari < minVar {
			minVar = r.vari
		}
		if n == 0 || r.vari > maxVar {
			maxVar = r.vari
		}
		sq += (r.util - avg) * (r.util - avg)
		n++
	}
	dev := 0.0
	if n > 0 {
		dev = math.Sqrt(sq / float64(n))
	}
	if f != plain {
		nodes := []obj{}
		for _, r := range rows {
			o := obj{{"id", r.node.ID}}
			if r.node.DeviceClass != "" {
				o = append(o, kv{"device_class", r.node.DeviceClass})
			}
			o = append(o, kv{"name", r.node.Name}, kv{"type", "osd"}, kv{"type_id", 0},
				kv{"crush_weight", cfloat(r.weight)}, kv{"depth", r.depth}, kv{"pool_weights", poolWeights(r.node)},
				kv{"reweight", cfloat(r.node.Reweight)}, kv{"kb", r.stats.KB}, kv{"kb_used", r.stats.KBUsed},
				kv{"kb_used_data", r.stats.KBUsedData}, kv{"kb_used_omap", r.stats.KBUsedOmap},
				kv{"kb_used_meta", r.stats.KBUsedMeta}, kv{"kb_avail", r.stats.KBAvail},
				kv{"utilization", cfloat(r.util)}, kv{"var", cfloat(r.vari)}, kv{"pgs", r.stats.NumPGs},
				kv{"status", osdStatus(r.node)})
			nodes = append(nodes, o)
		}
		summary := obj{{"total_kb", tot.KB}, {"total_kb_used", tot.KBUsed}, {"total_kb_used_data", tot.KBUsedData},
			{"total_kb_used_omap", tot.KBUsedOmap}, {"total_kb_used_meta", tot.KBUsedMeta}, {"total_kb_avail", tot.KBAvail},
			{"average_utilization", cfloat(avg)}, {"min_var", cfloat(minVar)}, {"max_var", cfloat(maxVar)}, {"dev", cfloat(dev)}}
		b, err := encodeJSON(obj{{"nodes", nodes}, {"stray", []obj{}}, {"summary", summary}}, f)
		return b, "", err
	}
	var tt textTable
	for _, h := range []string{"ID", "CLASS", "WEIGHT", "REWEIGHT", "SIZE", "RAW USE", "DATA", "OMAP", "META", "AVAIL", "%USE", "VAR", "PGS", "STATUS"} {
		tt.define(h, left, right)
	}
	kib := func(v int64) string { return byteU(v << 10) }
	for _, r := range rows {
		tt.row(strconv.Itoa(r.node.ID), r.node.DeviceClass, weightf(r.weight), weightf(r.node.Reweight),
			kib(r.stats.KB), kib(r.stats.KBUsed), kib(r.stats.KBUsedData), kib(r.stats.KBUsedOmap), kib(r.stats.KBUsedMeta),
			kib(r.stats.KBAvail), fmt.Sprintf("%.2f", r.util), fmt.Sprintf("%.2f", r.vari), strconv.Itoa(r.stats.NumPGs), osdStatus(r.node))
	}
	tt.row("", "", "", "TOTAL", kib(tot.KB), kib(tot.KBUsed), kib(tot.KBUsedData), kib(tot.KBUsedOmap), kib(tot.KBUsedMeta),
		kib(tot.KBAvail), fmt.Sprintf("%.2f", avg), "", "", "")
	out := tt.String() + fmt.Sprintf("MIN/MAX VAR: %.2f/%.2f  STDDEV: %s\n", minVar, maxVar, strconv.FormatFloat(dev, 'g', 6, 64))
	return []byte(out), "", nil
}
