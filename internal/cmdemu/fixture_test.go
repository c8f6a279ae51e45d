package cmdemu

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// fixture is a cluster state built from the JSON a real Ceph 16.2.15
// cluster printed (testdata/<state>/*.json.out), served through the domain
// interfaces. It is stateful so write commands can be replayed.
type fixture struct {
	tree   osd.Tree
	health ceph.HealthReport
	full   ceph.HealthFull
	pools  []ceph.Pool
	rules  []ceph.CrushRule
	// meta is each OSD's metadata (osd_metadata_<id>.json.out), when captured.
	meta map[int]map[string]string

	marks     [][]int
	reweights map[int]float64
}

func readJSON(t *testing.T, dir, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s/%s: %v", dir, name, err)
	}
}

func loadFixture(t *testing.T, dir string) *fixture {
	t.Helper()
	f := &fixture{rules: []ceph.CrushRule{{RuleID: 0, RuleName: "replicated_rule"}}, reweights: map[int]float64{}}
	readJSON(t, dir, "osd_tree.json.out", &f.tree)
	if _, err := os.Stat(filepath.Join("testdata", dir, "crush_rule_dump.json.out")); err == nil {
		f.rules = nil
		readJSON(t, dir, "crush_rule_dump.json.out", &f.rules)
	}

	var h ceph.MonHealth
	readJSON(t, dir, "health_detail.json.out", &h)
	f.health = *h.Report()
	// The dashboard sorts checks by severity; the emulator must not rely
	// on the order.
	sort.Slice(f.health.Checks, func(i, j int) bool { return f.health.Checks[i].Type > f.health.Checks[j].Type })
	f.full.Health = f.health

	readJSON(t, dir, "osd_dump.json.out", &f.full.OSDMap)
	var dump struct {
		Pools []struct {
			Pool                 int                       `json:"pool"`
			PoolName             string                    `json:"pool_name"`
			Type                 int                       `json:"type"`
			Size                 int                       `json:"size"`
			MinSize              int                       `json:"min_size"`
			CrushRule            int                       `json:"crush_rule"`
			ObjectHash           int                       `json:"object_hash"`
			PGNum                int                       `json:"pg_num"`
			PGPlacementNum       int                       `json:"pg_placement_num"`
			PGNumTarget          int                       `json:"pg_num_target"`
			PGPlacementNumTarget int                       `json:"pg_placement_num_target"`
			PGAutoscaleMode      string                    `json:"pg_autoscale_mode"`
			LastChange           string                    `json:"last_change"`
			Flags                int64                     `json:"flags"`
			FlagsNames           string                    `json:"flags_names"`
			StripeWidth          int                       `json:"stripe_width"`
			Options              map[string]any            `json:"options"`
			ApplicationMetadata  map[string]map[string]any `json:"application_metadata"`
			ErasureCodeProfile   string                    `json:"erasure_code_profile"`
			CreateTime           string                    `json:"create_time"`
			QuotaMaxBytes        int64                     `json:"quota_max_bytes"`
			QuotaMaxObjects      int64                     `json:"quota_max_objects"`
			PGNumPending         int                       `json:"pg_num_pending"`
			LFOR                 string                    `json:"last_force_op_resend"`
			LFORPrenautilus      string                    `json:"last_force_op_resend_prenautilus"`
			LFORPreluminous      string                    `json:"last_force_op_resend_preluminous"`
		} `json:"pools"`
	}
	readJSON(t, dir, "osd_dump.json.out", &dump)
	for _, p := range dump.Pools {
		typ := ceph.Replicated
		if p.Type == 3 {
			typ = ceph.Erasure
		}
		var apps []string
		for a := range p.ApplicationMetadata {
			apps = append(apps, a)
		}
		f.pools = append(f.pools, ceph.Pool{Pool: p.Pool, PoolName: p.PoolName, Type: typ, Size: p.Size, MinSize: p.MinSize,
			CrushRule: ruleName(f.rules, p.CrushRule), ObjectHash: p.ObjectHash, PGNum: p.PGNum, PGPlacementNum: p.PGPlacementNum,
			PGNumTarget: p.PGNumTarget, PGPlacementNumTarget: p.PGPlacementNumTarget, PGAutoscaleMode: p.PGAutoscaleMode,
			LastChange: p.LastChange, Flags: p.Flags, FlagsNames: p.FlagsNames, StripeWidth: p.StripeWidth, Options: p.Options,
			ApplicationMetadata: apps, ErasureCodeProfile: p.ErasureCodeProfile, CreateTime: p.CreateTime,
			QuotaMaxBytes: p.QuotaMaxBytes, QuotaMaxObjects: p.QuotaMaxObjects, PGNumPending: p.PGNumPending,
			LastForceOpResend: p.LFOR, LastForceOpResendPrenautilus: p.LFORPrenautilus, LastForceOpResendPreluminous: p.LFORPreluminous})
	}
	f.full.Pools = f.pools

	var q struct {
		ceph.MonStatus
		Leader string `json:"quorum_leader_name"`
	}
	readJSON(t, dir, "quorum_status.json.out", &q)
	f.full.MonStatus = q.MonStatus
	f.full.MonStatus.Name = q.Leader

	readJSON(t, dir, "df_detail.json.out", &f.full.DF)
	var pg struct {
		Summary struct {
			ByState []struct {
				Name string `json:"name"`
				Num  int    `json:"num"`
			} `json:"num_pg_by_state"`
		} `json:"pg_summary"`
	}
	readJSON(t, dir, "pg_stat.json.out", &pg)
	f.full.PGInfo.Statuses = map[string]int{}
	for _, s := range pg.Summary.ByState {
		f.full.PGInfo.Statuses[s.Name] = s.Num
	}
	var st struct {
		PGMap struct {
			NumObjects int64 `json:"num_objects"`
			ceph.ClientPerf
		} `json:"pgmap"`
		MgrMap struct {
			Available bool `json:"available"`
		} `json:"mgrmap"`
	}
	readJSON(t, dir, "status.json.out", &st)
	f.full.PGInfo.ObjectStats.NumObjects = st.PGMap.NumObjects
	f.full.ClientPerf = st.PGMap.ClientPerf
	f.full.MgrMap = ceph.MgrMap{ActiveName: "x", Available: st.MgrMap.Available}
	if _, err := os.Stat(filepath.Join("testdata", dir, "fs_dump.json.out")); err == nil {
		readJSON(t, dir, "fs_dump.json.out", &f.full.FSMap)
	}
	f.meta = map[int]map[string]string{}
	for _, e := range f.full.OSDMap.OSDs {
		name := fmt.Sprintf("osd_metadata_%d.json.out", e.OSD)
		if _, err := os.Stat(filepath.Join("testdata", dir, name)); err == nil {
			var m map[string]any
			readJSON(t, dir, name, &m)
			f.meta[e.OSD] = map[string]string{}
			for k, v := range m {
				f.meta[e.OSD][k] = fmt.Sprint(v)
			}
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", dir, "mgr_dump.json.out")); err == nil {
		readJSON(t, dir, "mgr_dump.json.out", &f.full.MgrMap)
	}
	return f
}

// client wraps the fixture in a validated *cephapi.Client, as a transport
// would, with the emulator as its Commander.
func (f *fixture) client() *cephapi.Client {
	c := cephapi.New(&cephapi.Client{Health: fxHealth{f}, OSDs: fxOSDs{f}, OSDFlags: fxFlags{f}, Monitors: fxMons{f}, Pools: fxPools{f}, CrushRules: fxRules{f}})
	c.Commands = ceph.ValidatedCommander(New(c))
	return c
}

type fxHealth struct{ f *fixture }

func (h fxHealth) Report(context.Context) (*ceph.HealthReport, error) {
	r := h.f.health
	return &r, nil
}
func (h fxHealth) Minimal(context.Context) (*ceph.HealthMinimal, error) {
	return nil, ceph.UnimplementedError("health", "minimal")
}
func (h fxHealth) Full(context.Context) (*ceph.HealthFull, error) {
	r := h.f.full
	r.OSDMap.OSDs = append([]ceph.OSDMapEntry(nil), h.f.full.OSDMap.OSDs...)
	return &r, nil
}
func (h fxHealth) Summary(context.Context) (*ceph.Summary, error) {
	return nil, ceph.UnimplementedError("health", "summary")
}

type fxOSDs struct {
	f *fixture
}

// List has the OSD map's entries; no usage or perf stats were captured.
func (o fxOSDs) List(context.Context) ([]osd.OSD, error) {
	var out []osd.OSD
	for _, e := range o.f.full.OSDMap.OSDs {
		out = append(out, osd.OSD{OSDMapEntry: e, ID: e.OSD})
	}
	return out, nil
}
func (o fxOSDs) Get(_ context.Context, id int) (*osd.Details, error) {
	m, ok := o.f.meta[id]
	if !ok {
		return nil, ceph.UnimplementedError("osd", "get")
	}
	return &osd.Details{OSDMetadata: m}, nil
}

// Tree derives each OSD's status and reweight from the OSD map, as Ceph
// does, so replayed writes show in the tree.
func (o fxOSDs) Tree(context.Context) (*osd.Tree, error) {
	entries := map[int]ceph.OSDMapEntry{}
	for _, e := range o.f.full.OSDMap.OSDs {
		entries[e.OSD] = e
	}
	fix := func(nodes []osd.TreeNode) []osd.TreeNode {
		out := append([]osd.TreeNode(nil), nodes...)
		for i, n := range out {
			e, ok := entries[n.ID]
			if n.ID < 0 || !ok {
				continue
			}
			if n.Status != "destroyed" {
				out[i].Status = "down"
			}
			if e.Up != 0 {
				out[i].Status = "up"
			}
			out[i].Reweight = e.Weight
			if e.In == 0 {
				out[i].Reweight = 0
			}
		}
		return out
	}
	return &osd.Tree{Nodes: fix(o.f.tree.Nodes), Stray: fix(o.f.tree.Stray)}, nil
}
func (o fxOSDs) Mark(_ context.Context, ids []int, a osd.MarkAction) error {
	o.f.marks = append(o.f.marks, ids)
	for i, e := range o.f.full.OSDMap.OSDs {
		for _, id := range ids {
			if e.OSD != id {
				continue
			}
			switch a {
			case osd.In:
				o.f.full.OSDMap.OSDs[i].In = 1
				o.f.full.OSDMap.OSDs[i].Weight = 1
			case osd.Out:
				o.f.full.OSDMap.OSDs[i].In = 0
			case osd.Down:
				o.f.full.OSDMap.OSDs[i].Up = 0
			}
		}
	}
	return nil
}
func (o fxOSDs) Reweight(_ context.Context, id int, w float64) error {
	o.f.reweights[id] = w
	for i, e := range o.f.full.OSDMap.OSDs {
		if e.OSD == id {
			o.f.full.OSDMap.OSDs[i].Weight = w
		}
	}
	return nil
}
func (o fxOSDs) Scrub(context.Context, int, bool) error {
	return ceph.UnimplementedError("osd", "scrub")
}
func (o fxOSDs) SetDeviceClass(context.Context, int, string) error {
	return ceph.UnimplementedError("osd", "class")
}
func (o fxOSDs) Devices(context.Context, int) ([]osd.Device, error) {
	return nil, ceph.UnimplementedError("osd", "devices")
}
func (o fxOSDs) Histogram(context.Context, int) (*osd.Histogram, error) {
	return nil, ceph.UnimplementedError("osd", "histogram")
}
func (o fxOSDs) Settings(context.Context) (*osd.Settings, error) {
	return nil, ceph.UnimplementedError("osd", "settings")
}

type fxFlags struct{ f *fixture }

func (x fxFlags) List(context.Context) ([]string, error) {
	return append([]string(nil), x.f.full.OSDMap.FlagsSet...), nil
}
func (x fxFlags) Set(_ context.Context, flags []string) ([]string, error) {
	x.f.full.OSDMap.FlagsSet = append([]string(nil), flags...)
	return flags, nil
}
func (x fxFlags) Individual(context.Context) ([]osd.IndividualFlagState, error) {
	return nil, ceph.UnimplementedError("osd", "flags")
}
func (x fxFlags) SetIndividual(context.Context, []int, map[string]bool) (*osd.IndividualFlagsResult, error) {
	return nil, ceph.UnimplementedError("osd", "flags")
}

type fxMons struct{ f *fixture }

func (m fxMons) Status(context.Context) (*ceph.MonitorReport, error) {
	return &ceph.MonitorReport{MonStatus: m.f.full.MonStatus}, nil
}

type fxPools struct{ f *fixture }

func (p fxPools) List(context.Context, *ceph.PoolListOptions) ([]ceph.Pool, error) {
	// Return them in reverse to check the emulator orders by id.
	out := append([]ceph.Pool(nil), p.f.pools...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pool > out[j].Pool })
	return out, nil
}
func (p fxPools) Get(context.Context, string, *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return nil, ceph.UnimplementedError("pool", "get")
}
func (p fxPools) Create(context.Context, string, *ceph.PoolCreateOptions) error {
	return ceph.UnimplementedError("pool", "create")
}
func (p fxPools) Update(context.Context, string, *ceph.PoolUpdateOptions) error {
	return ceph.UnimplementedError("pool", "update")
}
func (p fxPools) Delete(context.Context, string) error {
	return ceph.UnimplementedError("pool", "delete")
}
func (p fxPools) Configuration(context.Context, string) ([]ceph.PoolConfigOption, error) {
	return nil, ceph.UnimplementedError("pool", "configuration")
}

type fxRules struct{ f *fixture }

func (r fxRules) List(context.Context) ([]ceph.CrushRule, error) { return r.f.rules, nil }
func (r fxRules) Get(context.Context, string) (*ceph.CrushRule, error) {
	return nil, ceph.UnimplementedError("crush_rule", "get")
}
func (r fxRules) Create(context.Context, string, *ceph.CrushRuleCreateOptions) error {
	return ceph.UnimplementedError("crush_rule", "create")
}
func (r fxRules) Delete(context.Context, string) error {
	return ceph.UnimplementedError("crush_rule", "delete")
}

func ruleName(rules []ceph.CrushRule, id int) string {
	for _, r := range rules {
		if r.RuleID == id {
			return r.RuleName
		}
	}
	return ""
}
