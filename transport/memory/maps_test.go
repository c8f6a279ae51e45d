package memory_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

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
