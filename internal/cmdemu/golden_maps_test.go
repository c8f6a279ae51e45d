package cmdemu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
)

// fxMaps is the Maps of testdata/maps: the CRUSH map's devices and buckets
// as the monitor dumped them (bucket weights are left out: the emulator
// sums the items'), and each PG's sets and state from pg dump pgs_brief,
// with the pools' pg_num and the epoch from osd dump. The pgids osd map
// computes are thus checked against Ceph's.
type fxMaps struct {
	crush CrushMap
	pgs   PGMap
}

func (m *fxMaps) CrushMap(context.Context) (*CrushMap, error) { c := m.crush; return &c, nil }
func (m *fxMaps) PGs(context.Context) (*PGMap, error)         { p := m.pgs; return &p, nil }

// capturedOSDDump is what the golden tests read of a captured osd dump:
// the epoch and each pool's id, name and PG count.
type capturedOSDDump struct {
	Epoch int `json:"epoch"`
	Pools []struct {
		Pool  int    `json:"pool"`
		Name  string `json:"pool_name"`
		PGNum int    `json:"pg_num"`
	} `json:"pools"`
}

func loadMaps(t *testing.T, dir string) (*fxMaps, []ceph.CrushRule) {
	t.Helper()
	crush, rules := crushDumpIn(t, dir, "osd_crush_dump.json.out")
	m := &fxMaps{crush: CrushMap{Devices: crush.Devices}}
	// In reverse, to check the emulator orders them.
	m.crush.Buckets = slices.Clone(crush.Buckets)
	slices.Reverse(m.crush.Buckets)
	var dump capturedOSDDump
	readJSON(t, dir, "osd_dump.json.out", &dump)
	var brief struct {
		PGStats []struct {
			PGID   string `json:"pgid"`
			State  string `json:"state"`
			Up     []int  `json:"up"`
			Acting []int  `json:"acting"`
		} `json:"pg_stats"`
	}
	readJSON(t, dir, "pg_dump_pgs_brief.json.out", &brief)
	m.pgs.Epoch = dump.Epoch
	for _, p := range dump.Pools {
		pp := PoolPGs{ID: p.Pool, Name: p.Name, PGNum: p.PGNum, PGs: make([]PGPlacement, p.PGNum)}
		for _, s := range brief.PGStats {
			pool, ps, ok := parsePGID(s.PGID)
			if ok && pool == p.Pool && int(ps) < p.PGNum {
				pp.PGs[ps] = PGPlacement{State: s.State, Up: s.Up, Acting: s.Acting}
			}
		}
		m.pgs.Pools = append(m.pgs.Pools, pp)
	}
	return m, rules
}

func TestGoldenMaps(t *testing.T) {
	const dir = "maps"
	m, rules := loadMaps(t, dir)
	f := &fixture{rules: rules}
	c := cephapi.New(&cephapi.Client{CrushRules: fxRules{f}})
	c.Commands = ceph.ValidatedCommander(New(c, WithMaps(m)))
	for _, g := range []struct {
		name, prefix string
		args         map[string]any
	}{
		{"osd_crush_dump", "osd crush dump", nil},
		{"osd_map", "osd map", map[string]any{"pool": "device_health_metrics", "object": "some-object"}},
		{"osd_map_meta", "osd map", map[string]any{"pool": "cephfs.cephfs.meta", "object": "mds0_inotable"}},
		{"osd_map_nspace", "osd map", map[string]any{"pool": "cephfs.cephfs.data", "object": "x", "nspace": "ns1"}},
		{"osd_map_nopool", "osd map", map[string]any{"pool": "nope", "object": "x"}},
		{"pg_map", "pg map", map[string]any{"pgid": "1.0"}},
		{"pg_map_meta", "pg map", map[string]any{"pgid": "2.5"}},
		{"pg_map_nopg", "pg map", map[string]any{"pgid": "1.99"}},
		{"pg_map_bad", "pg map", map[string]any{"pgid": "x"}},
	} {
		for _, format := range allFormats {
			name := g.name
			if format != "" {
				name += "." + format
			}
			t.Run(name, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join("testdata", dir, name+".out"))
				if err != nil {
					t.Fatal(err)
				}
				var st capStatus
				readJSON(t, dir, name+".status", &st)
				res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: g.prefix, Args: g.args, Format: format})
				if !refused(t, st, res, err, nil) {
					sameReply(t, st, want, res)
				}
			})
		}
	}
}

// TestGoldenPGDumpBrief: pg dump pgs_brief lists the PGs Ceph lists, with
// the same cells; only the order differs (Ceph's is its hash map's).
func TestGoldenPGDumpBrief(t *testing.T) {
	const dir = "maps"
	m, _ := loadMaps(t, dir)
	c := cephapi.New(&cephapi.Client{})
	c.Commands = ceph.ValidatedCommander(New(c, WithMaps(m)))
	args := map[string]any{"dumpcontents": []string{"pgs_brief"}}
	for _, format := range allFormats {
		name := "pg_dump_pgs_brief"
		if format != "" {
			name += "." + format
		}
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", dir, name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			var st capStatus
			readJSON(t, dir, name+".status", &st)
			res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: "pg dump", Args: args, Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != st.Outs {
				t.Errorf("status %q, want %q", res.Status, st.Outs)
			}
			sorted := func(b []byte) string {
				if format == "" {
					lines := strings.SplitAfter(string(b), "\n")
					sort.Strings(lines[1:])
					return strings.Join(lines, "")
				}
				var v struct {
					PGReady bool             `json:"pg_ready"`
					PGStats []map[string]any `json:"pg_stats"`
				}
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatal(err)
				}
				sort.Slice(v.PGStats, func(i, j int) bool { return fmt.Sprint(v.PGStats[i]["pgid"]) < fmt.Sprint(v.PGStats[j]["pgid"]) })
				out, _ := json.Marshal(v)
				return string(out)
			}
			if got, want := sorted(res.Output), sorted(want); got != want {
				t.Errorf("PGs differ from Ceph 16.2.15 (-want +got):\n%s", diff(want, got))
			}
			if len(res.Output) != len(want) {
				t.Errorf("%d bytes, Ceph %d", len(res.Output), len(want))
			}
		})
	}
}

// TestMapsAbsent: without a Maps source the commands answer EOPNOTSUPP.
func TestMapsAbsent(t *testing.T) {
	c := cephapi.New(&cephapi.Client{})
	c.Commands = ceph.ValidatedCommander(New(c))
	for _, cmd := range []ceph.Command{
		{Prefix: "osd crush dump"},
		{Prefix: "osd map", Args: map[string]any{"pool": "p", "object": "o"}},
		{Prefix: "pg map", Args: map[string]any{"pgid": "1.0"}},
		{Prefix: "pg dump"}, {Prefix: "pg dump_json"}, {Prefix: "pg dump_pools_json"}, {Prefix: "report"},
		{Prefix: "pg debug", Args: map[string]any{"debugop": "unfound_objects_exist"}},
	} {
		_, err := c.Commands.Command(context.Background(), cmd)
		if !errors.Is(err, syscall.EOPNOTSUPP) {
			t.Errorf("%s: %v, want EOPNOTSUPP", cmd.Prefix, err)
		}
	}
}

// TestRjenkins checks the object hash against the raw pgids Ceph printed.
func TestRjenkins(t *testing.T) {
	for in, want := range map[string]uint32{
		"some-object": 0xa0b91058, "mds0_inotable": 0xb852b893, "ns1\x1fx": 0x5850e139,
	} {
		if got := strHashRjenkins(in); got != want {
			t.Errorf("%q: %x, want %x", in, got, want)
		}
	}
	// Keys of 12 bytes and more go through the main loop.
	long := strings.Repeat("abcdefghijkl", 3) + "xyz"
	if strHashRjenkins(long) == strHashRjenkins(long[:len(long)-1]) {
		t.Error("long keys collide")
	}
}
