package rados

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"syscall"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

const osdComponent = "osd"

// osds reads and operates OSDs with `osd ...` monitor commands and `tell`.
type osds struct {
	r *runner
	osd.UnimplementedOSDs
}

var _ osd.OSDs = osds{}

// pgDumpOSDStats is `pg dump osds`.
type pgDumpOSDStats struct {
	OSDStats []osd.OSDStats `json:"osd_stats"`
}

// operationalStatus is the dashboard's answer without an orchestrator.
const operationalStatus = "unmanaged"

// rateStats are the dashboard's per-OSD rate counters; they need a time
// series the monitors do not keep, so their value is 0 with no history.
var rateStats = []string{"op_w", "op_in_bytes", "op_r", "op_out_bytes"}

func buildOSDList(d *osdDump, stats *pgDumpOSDStats, tree *osd.Tree) []osd.OSD {
	byID := map[int]*osd.OSD{}
	out := make([]osd.OSD, len(d.OSDs))
	for i, e := range d.OSDs {
		out[i] = osd.OSD{OSDMapEntry: e, ID: e.OSD, OperationalStatus: operationalStatus}
		byID[e.OSD] = &out[i]
	}
	for _, s := range stats.OSDStats {
		if o := byID[s.OSD]; o != nil {
			o.OSDStats = s
		}
	}
	for _, n := range tree.Nodes {
		if n.Type == "osd" {
			if o := byID[n.ID]; o != nil {
				o.Tree = n
			}
		}
		if n.Type == "host" {
			for _, c := range n.Children {
				if o := byID[c]; c >= 0 && o != nil {
					o.Host = n
				}
			}
		}
	}
	for i := range out {
		o := &out[i]
		o.Stats = map[string]float64{}
		o.StatsHistory = map[string][][2]float64{}
		for _, s := range rateStats {
			o.Stats[s] = 0
			o.StatsHistory[s] = [][2]float64{}
		}
		o.Stats["numpg"] = float64(o.OSDStats.NumPGs)
		o.Stats["stat_bytes"] = float64(o.OSDStats.Statfs.Total)
		o.Stats["stat_bytes_used"] = float64(o.OSDStats.Statfs.Total - o.OSDStats.Statfs.Available)
	}
	return out
}

func (o osds) tree(ctx context.Context) (*osd.Tree, error) {
	var t osd.Tree
	if err := o.r.monJSON(ctx, osdComponent, &t, "osd tree", nil); err != nil {
		return nil, err
	}
	if t.Nodes == nil {
		t.Nodes = []osd.TreeNode{}
	}
	if t.Stray == nil {
		t.Stray = []osd.TreeNode{}
	}
	return &t, nil
}

func (o osds) List(ctx context.Context) ([]osd.OSD, error) {
	// the OSD map and tree by the map's epoch, the OSDs' stats by the PG
	// stats' version
	return cachedVersioned(ctx, o.r.cache, osdComponent, "osd/list",
		probes(o.r.osdEpochProbe(osdComponent), func(ctx context.Context) (string, error) { return o.r.pgVersion(ctx, osdComponent) }), o.list)
}

func (o osds) list(ctx context.Context) ([]osd.OSD, error) {
	d, err := o.r.osdDump(ctx, osdComponent)
	if err != nil {
		return nil, err
	}
	var st pgDumpOSDStats
	if err := o.r.monJSON(ctx, osdComponent, &st, "pg dump", args{"dumpcontents": []string{"osds"}}); err != nil {
		return nil, err
	}
	t, err := o.Tree(ctx)
	if err != nil {
		return nil, err
	}
	return buildOSDList(d, &st, t), nil
}

// entry returns the OSD map entry of id, NotFound when it does not exist.
func entry(d *osdDump, id int) (*ceph.OSDMapEntry, error) {
	for i := range d.OSDs {
		if d.OSDs[i].OSD == id {
			return &d.OSDs[i], nil
		}
	}
	return nil, errorf(ceph.NotFound, osdComponent, "osd.%d does not exist", id)
}

func (o osds) exists(ctx context.Context, ids ...int) error {
	d, err := o.r.osdDump(ctx, osdComponent)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := entry(d, id); err != nil {
			return err
		}
	}
	return nil
}

// Get is kept while the OSD map's epoch stays the same: an OSD's metadata
// changes only when it boots, which makes a new epoch.
func (o osds) Get(ctx context.Context, id int) (*osd.Details, error) {
	return cachedVersioned(ctx, o.r.cache, osdComponent, "osd/get/"+strconv.Itoa(id), o.r.osdEpochProbe(osdComponent),
		func(ctx context.Context) (*osd.Details, error) { return o.get(ctx, id) })
}

func (o osds) get(ctx context.Context, id int) (*osd.Details, error) {
	d, err := o.r.osdDump(ctx, osdComponent)
	if err != nil {
		return nil, err
	}
	e, err := entry(d, id)
	if err != nil {
		return nil, err
	}
	// metadata values are strings; a bare OSD that never booted has none
	var raw map[string]any
	md := map[string]string{}
	if err := o.r.monJSON(ctx, osdComponent, &raw, "osd metadata", args{"id": id}); err != nil {
		if ceph.CodeOf(err) != ceph.NotFound {
			return nil, err
		}
	}
	for k, v := range raw {
		if k == "id" {
			continue // the manager's metadata (what the dashboard shows) has no id
		}
		switch x := v.(type) {
		case string:
			md[k] = x
		default:
			b, _ := json.Marshal(x)
			md[k] = string(b)
		}
	}
	return &osd.Details{
		OSDMap:            osd.OSDMapEntryWithID{OSDMapEntry: *e, ID: id},
		OSDMetadata:       md,
		OperationalStatus: operationalStatus,
	}, nil
}

func (o osds) Tree(ctx context.Context) (*osd.Tree, error) {
	return cachedVersioned(ctx, o.r.cache, osdComponent, "osd/tree", o.r.osdEpochProbe(osdComponent), o.tree)
}

func idStrings(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

func (o osds) Mark(ctx context.Context, ids []int, action osd.MarkAction) error {
	// `osd in/out/down` answer success for a missing OSD: check first.
	if err := o.exists(ctx, ids...); err != nil {
		return err
	}
	if action == osd.Lost {
		for _, id := range ids {
			// EBUSY "osd.N is not down" for an OSD that is up
			if _, err := o.r.monWrite(ctx, osdComponent, "osd lost", args{"id": id, "yes_i_really_mean_it": true}); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := o.r.monWrite(ctx, osdComponent, "osd "+string(action), args{"ids": idStrings(ids)})
	return err
}

func (o osds) Reweight(ctx context.Context, id int, weight float64) error {
	_, err := o.r.monWrite(ctx, osdComponent, "osd reweight", args{"id": id, "weight": floatArg(weight)})
	return err
}

func (o osds) Scrub(ctx context.Context, id int, deep bool) error {
	if err := o.exists(ctx, id); err != nil {
		return err
	}
	prefix := "osd scrub"
	if deep {
		prefix = "osd deep-scrub"
	}
	_, err := o.r.monWrite(ctx, osdComponent, prefix, args{"who": strconv.Itoa(id)})
	// EAGAIN "osd.N is not up": a state of the OSD, not of the cluster
	var ce *ceph.Error
	if errors.As(err, &ce) && errnoOf(err) == syscall.EAGAIN {
		ce.Code = ceph.FailedPrecondition
	}
	return err
}

func (o osds) SetDeviceClass(ctx context.Context, id int, class string) error {
	if err := o.exists(ctx, id); err != nil {
		return err
	}
	var cur []struct {
		OSD         int    `json:"osd"`
		DeviceClass string `json:"device_class"`
	}
	if err := o.r.monJSON(ctx, osdComponent, &cur, "osd crush get-device-class", args{"ids": idStrings([]int{id})}); err != nil {
		return err
	}
	if len(cur) > 0 && cur[0].DeviceClass == class {
		return nil
	}
	if _, err := o.r.monWrite(ctx, osdComponent, "osd crush rm-device-class", args{"ids": idStrings([]int{id})}); err != nil {
		return err
	}
	if class == "" {
		return nil
	}
	_, err := o.r.monWrite(ctx, osdComponent, "osd crush set-device-class", args{"class": class, "ids": idStrings([]int{id})})
	return err
}

func (o osds) Devices(ctx context.Context, id int) ([]osd.Device, error) {
	if err := o.exists(ctx, id); err != nil {
		return nil, err
	}
	var devs []osd.Device
	if err := o.r.monJSON(ctx, osdComponent, &devs, "device ls-by-daemon", args{"who": "osd." + strconv.Itoa(id)}); err != nil {
		return nil, err
	}
	var mm mgrModuleMap
	if err := o.r.monJSON(ctx, osdComponent, &mm, "mgr dump", nil); err != nil {
		return nil, err
	}
	life := false
	for _, m := range mm.AvailableModules {
		if len(m.Name) >= len("diskprediction_") && m.Name[:len("diskprediction_")] == "diskprediction_" {
			life = true
		}
	}
	if devs == nil {
		devs = []osd.Device{}
	}
	for i := range devs {
		devs[i].LifeExpectancyEnabled = life
		if devs[i].Location == nil {
			devs[i].Location = []osd.DeviceLocation{}
		}
		if devs[i].Daemons == nil {
			devs[i].Daemons = []string{}
		}
	}
	return devs, nil
}

func (o osds) Histogram(ctx context.Context, id int) (*osd.Histogram, error) {
	if err := o.exists(ctx, id); err != nil {
		return nil, err
	}
	var h osd.Histogram
	if err := o.r.osdJSON(ctx, osdComponent, id, &h, "perf histogram dump", nil); err != nil {
		return nil, err
	}
	return &h, nil
}

func (o osds) Settings(ctx context.Context) (*osd.Settings, error) {
	d, err := o.r.osdDump(ctx, osdComponent)
	if err != nil {
		return nil, err
	}
	return &osd.Settings{NearfullRatio: d.NearfullRatio, FullRatio: d.FullRatio}, nil
}
