package cmdemu

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

// fxPGOSDs lists the OSD stats of testdata/pg's pg dump.
type fxPGOSDs struct {
	osd.OSDs
	list []osd.OSD
}

func (o fxPGOSDs) List(context.Context) ([]osd.OSD, error) { return o.list, nil }

// capturedPG is what pg dump json says of one PG and is fed to the
// emulator.
type capturedPG struct {
	PGID          string `json:"pgid"`
	State         string `json:"state"`
	Up            []int  `json:"up"`
	Acting        []int  `json:"acting"`
	Created       int    `json:"created"`
	LastScrubTime string `json:"last_scrub_stamp"`
	StatSum       struct {
		Bytes     int64 `json:"num_bytes"`
		Objects   int64 `json:"num_objects"`
		Copies    int64 `json:"num_object_copies"`
		Degraded  int64 `json:"num_objects_degraded"`
		Misplaced int64 `json:"num_objects_misplaced"`
		Unfound   int64 `json:"num_objects_unfound"`
	} `json:"stat_sum"`
}

// loadPGs feeds the emulator testdata/pg's PGs (sets, states, object
// counts; the pool's creation stamp and epoch from a fresh PG's scrub
// stamp and created epoch) and OSD stats.
func loadPGs(t *testing.T) (*cephapi.Client, *Emulator) {
	t.Helper()
	const dir = "pg"
	var dump capturedOSDDump
	readJSON(t, dir, "osd_dump.json.out", &dump)
	var pg struct {
		PGMap struct {
			Stamp    string         `json:"stamp"`
			PGStats  []capturedPG   `json:"pg_stats"`
			OSDStats []osd.OSDStats `json:"osd_stats"`
		} `json:"pg_map"`
	}
	readJSON(t, dir, "pg_dump.json.out", &pg)
	m := &fxMaps{}
	m.pgs.Epoch = dump.Epoch
	for _, p := range dump.Pools {
		pp := PoolPGs{ID: p.Pool, Name: p.Name, PGNum: p.PGNum, PGs: make([]PGPlacement, p.PGNum)}
		for _, s := range pg.PGMap.PGStats {
			pool, ps, ok := parsePGID(s.PGID)
			if !ok || pool != p.Pool || int(ps) >= p.PGNum {
				continue
			}
			ss := s.StatSum
			pp.PGs[ps] = PGPlacement{State: s.State, Up: s.Up, Acting: s.Acting,
				Stats: PGStats{Objects: ss.Objects, Bytes: ss.Bytes, Copies: ss.Copies, Degraded: ss.Degraded, Misplaced: ss.Misplaced, Unfound: ss.Unfound}}
			ct, err := time.Parse("2006-01-02T15:04:05.000000-0700", s.LastScrubTime)
			if err != nil {
				t.Fatal(err)
			}
			pp.Created, pp.CreatedEpoch = ct, s.Created
		}
		m.pgs.Pools = append(m.pgs.Pools, pp)
	}
	var list []osd.OSD
	for _, s := range pg.PGMap.OSDStats {
		st := s
		o := osd.OSD{ID: st.OSD, OSDStats: st}
		o.UpFrom, o.Up, o.In = st.UpFrom, 1, 1
		list = append(list, o)
	}
	stamp, err := time.Parse("2006-01-02T15:04:05.000000-0700", pg.PGMap.Stamp)
	if err != nil {
		t.Fatal(err)
	}
	c := cephapi.New(&cephapi.Client{OSDs: fxPGOSDs{list: list}})
	e := New(c, WithMaps(m), WithClock(func() time.Time { return stamp }))
	c.Commands = ceph.ValidatedCommander(e)
	return c, e
}

// shape is a JSON value's keys (in order) and types, lists by their first
// element: what the emulator's reply must share with Ceph's.
func shape(v any) any {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return []any{}
		}
		return []any{shape(x[0])}
	case orderedObj:
		out := make([]string, 0, len(x))
		for _, p := range x {
			out = append(out, fmt.Sprintf("%s:%v", p.k, shape(p.v)))
		}
		return out
	case json.Number:
		return "number"
	case nil:
		return "null"
	}
	return reflect.TypeOf(v).Kind().String()
}

type orderedObj []kv

// decodeOrdered decodes JSON keeping key order.
func decodeOrdered(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var read func() any
	read = func() any {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("%v in %.200s", err, b)
		}
		switch x := tok.(type) {
		case json.Delim:
			if x == '{' {
				o := orderedObj{}
				for d.More() {
					k, _ := d.Token()
					o = append(o, kv{k.(string), read()})
				}
				d.Token()
				return o
			}
			l := []any{}
			for d.More() {
				l = append(l, read())
			}
			d.Token()
			return l
		}
		return tok
	}
	return read()
}

// TestGoldenPGDump: fed the captured PGs and OSD stats, every pg dump
// reply has Ceph's status line and, in JSON, Ceph's keys in Ceph's order
// with Ceph's types; its plain text has Ceph's lines with the cells the
// model carries (ids, object counts, states, sets, usage) equal.
func TestGoldenPGDump(t *testing.T) {
	c, _ := loadPGs(t)
	for _, g := range []struct {
		name, prefix string
		what         []string
		json         string // the capture to compare JSON with
	}{
		{"pg_dump", "pg dump", nil, ""},
		{"pg_dump_all", "pg dump", []string{"all"}, "pg_dump"},
		{"pg_dump_summary", "pg dump", []string{"summary"}, ""},
		{"pg_dump_sum", "pg dump", []string{"sum"}, ""},
		{"pg_dump_delta", "pg dump", []string{"delta"}, ""},
		{"pg_dump_pools", "pg dump", []string{"pools"}, ""},
		{"pg_dump_osds", "pg dump", []string{"osds"}, ""},
		{"pg_dump_pgs", "pg dump", []string{"pgs"}, ""},
		{"pg_dump_pgs_brief", "pg dump", []string{"pgs_brief"}, ""},
		{"pg_dump_pools_osds", "pg dump", []string{"pools", "osds"}, ""},
		{"pg_dump_json", "pg dump_json", nil, "pg_dump"},
		{"pg_dump_json_sum", "pg dump_json", []string{"sum"}, "pg_dump"},
		{"pg_dump_pools_json", "pg dump_pools_json", nil, "pg_dump_pools_json"},
	} {
		for _, format := range allFormats {
			name := g.name
			if format != "" {
				name += "." + format
			}
			t.Run(name, func(t *testing.T) {
				var st capStatus
				readJSON(t, "pg", name+".status", &st)
				var args map[string]any
				if g.what != nil {
					args = map[string]any{"dumpcontents": g.what}
				}
				res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: g.prefix, Args: args, Format: format})
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != st.Outs {
					t.Errorf("status %q, want %q", res.Status, st.Outs)
				}
				want, own := readCapture(t, name, format, g.json, strings.HasSuffix(g.prefix, "_json"))
				if want == nil && g.name == "pg_dump_pgs" {
					// pg dump pgs json is pg_map.pg_stats of pg dump json
					var all struct {
						PGMap struct {
							PGStats json.RawMessage `json:"pg_stats"`
						} `json:"pg_map"`
					}
					readJSON(t, "pg", "pg_dump.json.out", &all)
					want = append(append([]byte(`{"pg_ready":true,"pg_stats":`), all.PGMap.PGStats...), '}')
				}
				if want == nil {
					t.Fatalf("no capture for %s", name)
				}
				if format == "" && !strings.HasSuffix(g.prefix, "_json") {
					samePlainCells(t, want, res.Output)
					return
				}
				if len(want) > 0 && want[0] == '{' {
					if got, w := shape(decodeOrdered(t, res.Output)), shape(decodeOrdered(t, want)); !reflect.DeepEqual(got, w) {
						t.Errorf("JSON shape differs from Ceph 16.2.15:\n got %v\nwant %v", got, w)
					}
					if own && (want[len(want)-1] == '\n') != (res.Output[len(res.Output)-1] == '\n') {
						t.Errorf("trailing newline differs")
					}
				}
			})
		}
	}
}

// readCapture is the capture to compare with: the reply's own, or when
// that was removed to keep the tree small, an equal one (same as reports
// whether it is the reply's own); nil when none is kept.
func readCapture(t *testing.T, name, format, json string, jsonOnly bool) (b []byte, same bool) {
	t.Helper()
	try := []string{name}
	if format == "json-pretty" {
		try = append(try, strings.TrimSuffix(name, "-pretty"))
	}
	switch {
	case json != "" && (jsonOnly || format != ""):
		try = append(try, json+".json")
	case json != "":
		try = append(try, json)
	}
	for i, n := range try {
		if b, err := os.ReadFile(filepath.Join("testdata", "pg", n+".out")); err == nil {
			return b, i == 0
		}
	}
	return nil, false
}

// pgDumpKept are the columns of the plain tables that the model carries;
// the others (versions, log sizes, reported seq, per-PG stamps) hold what
// the real PGs' I/O made.
var pgDumpKept = map[string]bool{
	"PG_STAT": true, "OBJECTS": true, "MISSING_ON_PRIMARY": true, "DEGRADED": true, "MISPLACED": true,
	"UNFOUND": true, "BYTES": true, "OMAP_BYTES*": true, "OMAP_KEYS*": true, "STATE": true,
	"UP": true, "UP_PRIMARY": true, "ACTING": true, "ACTING_PRIMARY": true, "POOLID": true,
	"OSD_STAT": true, "USED": true, "AVAIL": true, "USED_RAW": true, "TOTAL": true, "HB_PEERS": true,
	"PG_SUM": true, "PRIMARY_PG_SUM": true, "SNAPTRIMQ_LEN": true, "LAST_SCRUB": true, "LAST_DEEP_SCRUB": true,
}

// samePlainCells compares plain dumps line by line: the same lines, the
// same headings; in each table the kept columns' cells (PG rows sorted
// by pgid, Ceph's order being its hash map's).
func samePlainCells(t *testing.T, want, got []byte) {
	t.Helper()
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	if len(wl) != len(gl) {
		t.Fatalf("%d lines, Ceph %d:\n%s", len(gl), len(wl), got)
	}
	var heads []string
	norm := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			f := strings.Fields(l)
			switch {
			case len(f) > 0 && (f[0] == "PG_STAT" || f[0] == "POOLID" || f[0] == "OSD_STAT"):
				heads = f
				out = append(out, strings.Join(f, " "))
				continue
			case len(f) == 0 || strings.HasPrefix(l, "version ") || strings.HasPrefix(l, "stamp ") || strings.HasPrefix(l, "*"):
				if strings.HasPrefix(l, "version ") || strings.HasPrefix(l, "stamp ") {
					f = f[:1]
				}
				out = append(out, strings.Join(f, " "))
				heads = nil
				continue
			}
			if heads == nil || len(f) != len(heads) {
				// the headless pool and sum tables of pg dump all, the sum
				// rows of the OSD table: keep all but the LOG columns
				if len(f) == 11 {
					f = f[:9]
				}
				out = append(out, strings.Join(f, " "))
				continue
			}
			var cells []string
			for i, h := range heads {
				if pgDumpKept[h] {
					cells = append(cells, f[i])
				}
			}
			out = append(out, strings.Join(cells, " "))
		}
		return out
	}
	w, g := norm(wl), norm(gl)
	sortPGRows := func(l []string) {
		i := 0
		for i < len(l) {
			j := i
			for j < len(l) && pgRowLike(l[j]) {
				j++
			}
			sortStrings(l[i:j])
			if j == i {
				j++
			}
			i = j
		}
	}
	sortPGRows(w)
	sortPGRows(g)
	if a, b := strings.Join(w, "\n"), strings.Join(g, "\n"); a != b {
		t.Errorf("plain dump differs from Ceph 16.2.15 in the model's cells (-want +got):\n%s", diff(a, b))
	}
}

func pgRowLike(l string) bool {
	f := strings.Fields(l)
	if len(f) == 0 {
		return false
	}
	_, _, ok := parsePGID(f[0])
	return ok && strings.Contains(f[0], ".")
}

func sortStrings(l []string) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j] < l[j-1]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// TestGoldenPGDebug: pg debug matches byte for byte.
func TestGoldenPGDebug(t *testing.T) {
	c, _ := loadPGs(t)
	for _, g := range []struct{ name, op string }{{"pg_debug_unfound", "unfound_objects_exist"}, {"pg_debug_degraded", "degraded_pgs_exist"}} {
		for _, format := range allFormats {
			name := g.name
			if format != "" {
				name += "." + format
			}
			t.Run(name, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join("testdata", "pg", name+".out"))
				if err != nil {
					t.Fatal(err)
				}
				var st capStatus
				readJSON(t, "pg", name+".status", &st)
				res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: "pg debug", Args: map[string]any{"debugop": g.op}, Format: format})
				if !refused(t, st, res, err, nil) {
					sameReply(t, st, want, res)
				}
			})
		}
	}
}

// TestDegradedRule checks the model's per-object rule against a 16.2.15
// cluster with an undersized pool (testdata/pg-degraded: size 2 on one
// OSD, six objects): a PG's degraded objects are its objects times the
// copies its acting set lacks, a pool's copies its objects times its size;
// and pg debug degraded_pgs_exist answers TRUE as Ceph does.
func TestDegradedRule(t *testing.T) {
	const dir = "pg-degraded"
	var dump struct {
		Pools []struct {
			Pool int `json:"pool"`
			Size int `json:"size"`
		} `json:"pools"`
	}
	readJSON(t, dir, "osd_dump.json.out", &dump)
	size := map[int]int{}
	for _, p := range dump.Pools {
		size[p.Pool] = p.Size
	}
	b, err := os.ReadFile(filepath.Join("testdata", dir, "pg_dump_pgs.out"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	head := strings.Fields(lines[0])
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	degradedPGs := 0
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != len(head) {
			continue
		}
		pool, _, ok := parsePGID(f[0])
		if !ok {
			continue
		}
		objects, _ := strconv.Atoi(f[col["OBJECTS"]])
		degraded, _ := strconv.Atoi(f[col["DEGRADED"]])
		acting := len(strings.Split(strings.Trim(f[col["ACTING"]], "[]"), ","))
		if want := objects * (size[pool] - acting); degraded != want {
			t.Errorf("%s: %d degraded, the rule says %d (%d objects, size %d, acting %d)", f[0], degraded, want, objects, size[pool], acting)
		}
		if degraded > 0 {
			degradedPGs++
		}
	}
	if degradedPGs == 0 {
		t.Fatal("the capture has no degraded PG")
	}
	var pools struct {
		PoolStats []struct {
			PoolID  int              `json:"poolid"`
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pool_stats"`
	}
	readJSON(t, dir, "pg_dump_pools.json.out", &pools)
	for _, p := range pools.PoolStats {
		if got, want := p.StatSum["num_object_copies"], p.StatSum["num_objects"]*int64(size[p.PoolID]); got != want {
			t.Errorf("pool %d: %d copies, objects x size %d", p.PoolID, got, want)
		}
	}
	// pg debug from a PG map with degraded objects
	m := &fxMaps{pgs: PGMap{Epoch: 1, Pools: []PoolPGs{{ID: 1, Name: "p", PGNum: 1,
		PGs: []PGPlacement{{State: "active+undersized+degraded", Up: []int{0}, Acting: []int{0}, Stats: PGStats{Objects: 1, Copies: 2, Degraded: 1}}}}}}}
	c := cephapi.New(&cephapi.Client{})
	c.Commands = ceph.ValidatedCommander(New(c, WithMaps(m)))
	for _, op := range []string{"degraded", "unfound"} {
		want, err := os.ReadFile(filepath.Join("testdata", dir, "pg_debug_"+op+".out"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Commands.Command(context.Background(), ceph.Command{Prefix: "pg debug", Args: map[string]any{"debugop": op + map[string]string{"degraded": "_pgs_exist", "unfound": "_objects_exist"}[op]}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.Output, want) {
			t.Errorf("pg debug %s: %q, Ceph %q", op, res.Output, want)
		}
	}
}

func TestDumpWhatAndTags(t *testing.T) {
	for _, tc := range []struct {
		in     []string
		status string
	}{
		{nil, "dumped all"}, {[]string{"pools", "osds"}, "dumped osds,pools"},
		{[]string{"pgs", "pgs"}, "dumped pgs"}, {[]string{"foo"}, "dumped foo"},
	} {
		if _, got := dumpWhat(tc.in); got != tc.status {
			t.Errorf("%v: %q, want %q", tc.in, got, tc.status)
		}
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a"}, {[]string{"a", "b", "c d"}, "a b c"}} {
		if got := reportTag(tc.in); got != tc.want {
			t.Errorf("tags %q: %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b string
	}{{"active+clean", "active+undersized"}, {"active+undersized", "active+undersized+degraded"}, {"unknown", "creating+incomplete"}} {
		if pgStateValue(tc.a) >= pgStateValue(tc.b) {
			t.Errorf("%s sorts after %s", tc.a, tc.b)
		}
	}
}

// TestGoldenReportDigest: fed testdata/pg's PGs and OSD stats, report's PG
// digest counts what the monitor's report (captured seconds later) counts:
// PGs, active and unknown PGs, OSDs, PGs by state and by OSD, pools with
// purged snaps, and each pool's PG count and objects.
func TestGoldenReportDigest(t *testing.T) {
	_, e := loadPGs(t)
	var want map[string]json.RawMessage
	readJSON(t, "pg", "report.json.out", &want)
	v, err := e.pgMapView(context.Background(), "report")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(v.digest())
	if err != nil {
		t.Fatal(err)
	}
	var mine map[string]json.RawMessage
	if err := json.Unmarshal(got, &mine); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"num_pg", "num_pg_active", "num_pg_unknown", "num_osd", "num_pg_by_state", "num_pg_by_osd", "purged_snaps"} {
		if !bytes.Equal(compactJSON(t, mine[k]), compactJSON(t, want[k])) {
			t.Errorf("%s: %s, Ceph %s", k, mine[k], want[k])
		}
	}
	type pool struct {
		PoolID  int              `json:"poolid"`
		NumPG   int              `json:"num_pg"`
		StatSum map[string]int64 `json:"stat_sum"`
	}
	var gp, wp []pool
	if err := json.Unmarshal(mine["pool_stats"], &gp); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want["pool_stats"], &wp); err != nil {
		t.Fatal(err)
	}
	if len(gp) != len(wp) {
		t.Fatalf("%d pools, Ceph %d", len(gp), len(wp))
	}
	for i := range gp {
		if gp[i].PoolID != wp[i].PoolID || gp[i].NumPG != wp[i].NumPG {
			t.Errorf("pool_stats[%d]: pool %d with %d PGs, Ceph pool %d with %d", i, gp[i].PoolID, gp[i].NumPG, wp[i].PoolID, wp[i].NumPG)
		}
	}
}

func compactJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
