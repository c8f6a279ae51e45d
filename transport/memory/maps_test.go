package memory_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/transport/memory"
)

type crushDump struct {
	Devices []struct {
		ID    int    `json:"id"`
		Class string `json:"class"`
	} `json:"devices"`
	Buckets []struct {
		ID     int    `json:"id"`
		Name   string `json:"name"`
		Weight int64  `json:"weight"`
		Items  []struct {
			ID     int   `json:"id"`
			Weight int64 `json:"weight"`
		} `json:"items"`
	} `json:"buckets"`
	Rules []ceph.CrushRule `json:"rules"`
}

// TestCrushDumpShadows: every bucket has its per-class shadow, a class
// rule takes the shadow root the dump lists, ids stay the same across
// reads and weights are the OSDs' CRUSH weights in 16.16.
func TestCrushDumpShadows(t *testing.T) {
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 2, OSDsPerHost: 2, OSDWeight: 0.5}))
	must(t, c.OSDs.SetDeviceClass(bg, 3, "ssd"))
	must(t, c.CrushRules.Create(bg, "fast", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host", DeviceClass: "ssd"}))
	dump := func() (crushDump, string) {
		res, err := c.Commands.Command(bg, ceph.Command{Prefix: "osd crush dump", Format: "json"})
		must(t, err)
		var d crushDump
		must(t, json.Unmarshal(res.Output, &d))
		return d, string(res.Output)
	}
	d, raw := dump()
	byName := map[string]int{}
	for _, b := range d.Buckets {
		byName[b.Name] = b.ID
		var sum int64
		for _, it := range b.Items {
			sum += it.Weight
		}
		if sum != b.Weight {
			t.Errorf("%s: weight %d, items sum to %d", b.Name, b.Weight, sum)
		}
	}
	for _, n := range []string{"default", "host0001", "host0002"} {
		for _, class := range []string{"hdd", "ssd"} {
			if _, ok := byName[n+"~"+class]; !ok {
				t.Errorf("no shadow bucket %s~%s in %v", n, class, byName)
			}
		}
	}
	for _, b := range d.Buckets {
		switch b.Name {
		case "default~ssd":
			if b.Weight != 0x8000 {
				t.Errorf("default~ssd weight %d, want 0x8000 (osd.3 at 0.5)", b.Weight)
			}
		case "default":
			if b.Weight != 4*0x8000 {
				t.Errorf("default weight %d", b.Weight)
			}
		}
	}
	var take int
	for _, r := range d.Rules {
		if r.RuleName == "fast" && r.Steps[0].Item != nil {
			take = *r.Steps[0].Item
		}
	}
	if take != byName["default~ssd"] {
		t.Errorf("rule fast takes %d, the dump lists default~ssd as %d", take, byName["default~ssd"])
	}
	if _, again := dump(); again != raw {
		t.Error("a second dump differs")
	}
	// A new host gets shadows too, without renumbering the old ones.
	_, err := c.OSDLifecycle.Create(bg, &osd.CreateOptions{Host: "host0003"})
	must(t, err)
	d2, _ := dump()
	seen := map[string]int{}
	for _, b := range d2.Buckets {
		seen[b.Name] = b.ID
	}
	for n, id := range byName {
		if seen[n] != id {
			t.Errorf("%s moved from %d to %d", n, id, seen[n])
		}
	}
	if _, ok := seen["host0003~hdd"]; !ok {
		t.Error("no host0003~hdd")
	}
}

// TestOSDMapPGMap: osd map and pg map agree with each other and with the
// PG's acting set on a three-host cluster.
func TestOSDMapPGMap(t *testing.T) {
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 1, Pools: 1, PGsPerPool: 8}))
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "osd map", Args: map[string]any{"pool": "pool-000", "object": "some-object"}, Format: "json"})
	must(t, err)
	var om struct {
		PGID          string `json:"pgid"`
		Up, Acting    []int
		ActingPrimary int `json:"acting_primary"`
	}
	must(t, json.Unmarshal(res.Output, &om))
	// "some-object" hashes to 0xa0b91058: PG 0 of 8 (Ceph's own answer
	// for that name on an 8-PG pool is x.0 too).
	if om.PGID != "2.0" || len(om.Acting) != 3 || om.ActingPrimary != om.Acting[0] || fmt.Sprint(om.Up) != fmt.Sprint(om.Acting) {
		t.Errorf("osd map: %s", res.Output)
	}
	res, err = c.Commands.Command(bg, ceph.Command{Prefix: "pg map", Args: map[string]any{"pgid": om.PGID}, Format: "json"})
	must(t, err)
	var pm struct{ Acting []int }
	must(t, json.Unmarshal(res.Output, &pm))
	if fmt.Sprint(pm.Acting) != fmt.Sprint(om.Acting) {
		t.Errorf("pg map %v, osd map %v", pm.Acting, om.Acting)
	}
	seen := map[int]bool{}
	for _, id := range om.Acting {
		seen[id] = true
	}
	if len(seen) != 3 {
		t.Errorf("acting set %v is not one OSD per host", om.Acting)
	}
}

// TestStalePGMaps: with its only OSD down a PG maps to no OSD in the OSD
// map (osd map, pg map) while pg dump pgs_brief keeps its last set.
func TestStalePGMaps(t *testing.T) {
	c, f := memory.NewFake()
	must(t, f.SetOSDUp(0, false))
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg map", Args: map[string]any{"pgid": "1.0"}})
	must(t, err)
	if got := string(res.Output); !strings.HasSuffix(got, "-> up [] acting []\n") {
		t.Errorf("pg map: %q", got)
	}
	res, err = c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Args: map[string]any{"dumpcontents": []string{"pgs_brief"}}, Format: "json"})
	must(t, err)
	if got := string(res.Output); !strings.Contains(got, `"state":"stale+active+clean","up":[0],"acting":[0],"up_primary":0,"acting_primary":0`) {
		t.Errorf("pg dump pgs_brief: %s", got)
	}
}

// pgDumpJSON is what TestPGDumpAddsUp reads of pg dump json.
type pgDumpJSON struct {
	PGMap struct {
		Sum struct {
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pg_stats_sum"`
		PGStats []struct {
			PGID    string           `json:"pgid"`
			State   string           `json:"state"`
			Acting  []int            `json:"acting"`
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pg_stats"`
		PoolStats []struct {
			PoolID  int              `json:"poolid"`
			NumPG   int              `json:"num_pg"`
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pool_stats"`
		OSDStats []struct {
			OSD    int `json:"osd"`
			Statfs struct {
				Total     int64 `json:"total"`
				Available int64 `json:"available"`
			} `json:"statfs"`
		} `json:"osd_stats"`
	} `json:"pg_map"`
}

// TestPGDumpAddsUp: the PGs of pg dump add up to the pools' objects,
// bytes, copies, degraded and misplaced counts (df's and the health's),
// spread by the documented rule, and pg debug agrees with them.
func TestPGDumpAddsUp(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T, c *cephapi.Client, f *memory.Fake)
		degraded  bool
		misplaced bool
	}{
		{"healthy", func(*testing.T, *cephapi.Client, *memory.Fake) {}, false, false},
		{"one host down", func(t *testing.T, _ *cephapi.Client, f *memory.Fake) {
			must(t, f.SetOSDUp(2, false))
			must(t, f.SetOSDUp(3, false))
		}, true, false},
		{"an OSD out", func(t *testing.T, c *cephapi.Client, _ *memory.Fake) {
			must(t, c.OSDs.Mark(bg, []int{0, 1}, osd.Out))
		}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Pools: 2, PGsPerPool: 8}))
			must(t, f.SetPoolUsage("pool-000", 10007, 13)) // 13 objects over 8 PGs: 2 to the lowest five
			must(t, f.SetPoolUsage("pool-001", 999, 3))    // fewer than 8: three PGs hold objects
			tc.setup(t, c, f)
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Format: "json"})
			must(t, err)
			if res.Status != "dumped all" {
				t.Errorf("status %q", res.Status)
			}
			var d pgDumpJSON
			must(t, json.Unmarshal(res.Output, &d))
			pools, err := c.Pools.List(bg, &ceph.PoolListOptions{Stats: true})
			must(t, err)
			byID := map[int]ceph.Pool{}
			for _, p := range pools {
				byID[p.Pool] = p
			}
			sums := map[int]map[string]int64{}
			total := map[string]int64{}
			for _, pg := range d.PGMap.PGStats {
				var pool int
				fmt.Sscanf(pg.PGID, "%d.", &pool)
				if sums[pool] == nil {
					sums[pool] = map[string]int64{}
				}
				for k, v := range pg.StatSum {
					sums[pool][k] += v
					total[k] += v
				}
				// only the first PGs hold objects, as their states say
				if pg.StatSum["num_objects"] > 0 != strings.Contains(pg.State, "degraded") && tc.degraded {
					t.Errorf("%s: %d objects but state %s", pg.PGID, pg.StatSum["num_objects"], pg.State)
				}
			}
			for _, ps := range d.PGMap.PoolStats {
				for k, v := range ps.StatSum {
					if sums[ps.PoolID][k] != v {
						t.Errorf("pool %d %s: PGs sum to %d, pool says %d", ps.PoolID, k, sums[ps.PoolID][k], v)
					}
				}
				p := byID[ps.PoolID]
				if float64(ps.StatSum["num_objects"]) != p.Stats["objects"].Latest || float64(ps.StatSum["num_bytes"]) != p.Stats["stored"].Latest {
					t.Errorf("pool %d: %d objects %d bytes, the pool list %v %v", ps.PoolID, ps.StatSum["num_objects"], ps.StatSum["num_bytes"], p.Stats["objects"], p.Stats["stored"])
				}
				if ps.NumPG != p.PGNum {
					t.Errorf("pool %d: num_pg %d, pg_num %d", ps.PoolID, ps.NumPG, p.PGNum)
				}
			}
			for k, v := range d.PGMap.Sum.StatSum {
				if total[k] != v {
					t.Errorf("pg_stats_sum %s %d, PGs sum to %d", k, v, total[k])
				}
			}
			h, err := c.Health.Minimal(bg)
			must(t, err)
			o := h.PGInfo.ObjectStats
			if total["num_objects"] != o.NumObjects || total["num_object_copies"] != o.NumObjectCopies ||
				total["num_objects_degraded"] != o.NumObjectsDegraded || total["num_objects_misplaced"] != o.NumObjectsMisplaced {
				t.Errorf("PG sums %v, health's object stats %+v", total, o)
			}
			if (total["num_objects_degraded"] > 0) != tc.degraded || (total["num_objects_misplaced"] > 0) != tc.misplaced {
				t.Errorf("degraded %d misplaced %d", total["num_objects_degraded"], total["num_objects_misplaced"])
			}
			// the OSD sums are df's and pg stat's
			var size, avail int64
			for _, o := range d.PGMap.OSDStats {
				size += o.Statfs.Total
				avail += o.Statfs.Available
			}
			st, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg stat", Format: "json"})
			must(t, err)
			var ps struct {
				Summary struct {
					Total int64 `json:"total_bytes"`
					Avail int64 `json:"total_avail_bytes"`
					Bytes int64 `json:"num_bytes"`
				} `json:"pg_summary"`
			}
			must(t, json.Unmarshal(st.Output, &ps))
			if ps.Summary.Total != size || ps.Summary.Avail != avail || ps.Summary.Bytes != d.PGMap.Sum.StatSum["num_bytes"] {
				t.Errorf("pg stat %+v; pg dump OSDs total %d avail %d, bytes %d", ps.Summary, size, avail, d.PGMap.Sum.StatSum["num_bytes"])
			}
			for op, want := range map[string]bool{"degraded_pgs_exist": tc.degraded, "unfound_objects_exist": false} {
				res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg debug", Args: map[string]any{"debugop": op}})
				must(t, err)
				if got := string(res.Output) == "TRUE\n"; got != want {
					t.Errorf("pg debug %s: %q", op, res.Output)
				}
			}
		})
	}
}

// TestPGShareRule: objects spread over all PGs with the remainder to the
// lowest, bytes over the PGs that hold objects.
func TestPGShareRule(t *testing.T) {
	c, f := memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 1, Pools: 1, PGsPerPool: 4}))
	must(t, f.SetPoolUsage("pool-000", 10, 6))
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Args: map[string]any{"dumpcontents": []string{"pgs"}}, Format: "json"})
	must(t, err)
	var d struct {
		PGStats []struct {
			PGID    string           `json:"pgid"`
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pg_stats"`
	}
	must(t, json.Unmarshal(res.Output, &d))
	p, err := c.Pools.Get(bg, "pool-000", nil)
	must(t, err)
	want := map[string][2]int64{}
	for i, w := range [][2]int64{{2, 3}, {2, 3}, {1, 2}, {1, 2}} {
		want[fmt.Sprintf("%d.%d", p.Pool, i)] = w
	}
	for _, pg := range d.PGStats {
		w, ok := want[pg.PGID]
		if !ok {
			continue
		}
		delete(want, pg.PGID)
		if got := [2]int64{pg.StatSum["num_objects"], pg.StatSum["num_bytes"]}; got != w {
			t.Errorf("%s: objects, bytes %v, want %v", pg.PGID, got, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("PGs missing: %v", want)
	}
}
