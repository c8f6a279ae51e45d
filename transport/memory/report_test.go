package memory_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/memory"
)

// orderedKeys are a JSON object's keys in order and, for each key whose
// value is an object (or a list of objects), its keys, as "key.sub".
func orderedKeys(t *testing.T, raw []byte, depth int) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		delim, ok := tok.(json.Delim)
		if !ok {
			return
		}
		switch delim {
		case '{':
			for d.More() {
				k, _ := d.Token()
				name := prefix + k.(string)
				if depth > 0 {
					keys = append(keys, name)
				}
				walk(name+".", depth-1)
			}
		case '[':
			first := true
			for d.More() {
				if first {
					walk(prefix+"[]", depth)
					first = false
				} else {
					walk(prefix+"[]", -1000)
				}
			}
		}
		d.Token()
	}
	walk("", depth)
	return keys
}

// TestReportShape: report has the keys of a 16.2.15 monitor's report, in
// its order, with the same keys in the parts the emulator composes in
// full (the PG digest, the monmap, the clean epochs, auth, paxos, the
// service map's frame); its status is "report <crc32c>" of the output;
// plain is its JSON pretty. osdmap is the emulator's osd dump JSON, with
// that answer's known differences (doc.go), so only its presence counts.
func TestReportShape(t *testing.T) {
	want, err := os.ReadFile("../../internal/cmdemu/testdata/pg/report.json.out")
	must(t, err)
	c := memory.New()
	var ceph1 map[string]json.RawMessage
	must(t, json.Unmarshal(want, &ceph1))
	for _, format := range []string{"json", "json-pretty", ""} {
		res, err := c.Commands.Command(bg, ceph.Command{Prefix: "report", Format: format})
		must(t, err)
		crc := ^crc32.Update(^uint32(6789), crc32.MakeTable(crc32.Castagnoli), res.Output)
		if res.Status != "report "+strconv.FormatUint(uint64(crc), 10) {
			t.Errorf("%s: status %q, crc32c %d", format, res.Status, crc)
		}
		if format != "json" && !bytes.HasSuffix(res.Output, []byte("}\n")) || format == "json" && bytes.HasSuffix(res.Output, []byte("\n")) {
			t.Errorf("%s: ends %q", format, res.Output[len(res.Output)-3:])
		}
		if format != "json" {
			continue
		}
		if got, w := orderedKeys(t, res.Output, 1), orderedKeys(t, want, 1); !reflect.DeepEqual(got, w) {
			t.Errorf("top-level keys\n got %v\nwant %v", got, w)
		}
		var mine map[string]json.RawMessage
		must(t, json.Unmarshal(res.Output, &mine))
		for _, k := range []string{"health", "monmap", "osdmap_clean_epochs", "auth", "pool_sum", "osd_sum", "pool_stats",
			"osd_stats", "num_pg_by_state", "num_pg_by_osd", "purged_snaps", "paxos", "crushmap"} {
			if got, w := orderedKeys(t, mine[k], 3), orderedKeys(t, ceph1[k], 3); !reflect.DeepEqual(got, w) {
				t.Errorf("%s keys\n got %v\nwant %v", k, got, w)
			}
		}
		// the service map's frame
		if got, w := orderedKeys(t, mine["servicemap"], 1), orderedKeys(t, ceph1["servicemap"], 1); !reflect.DeepEqual(got, w) {
			t.Errorf("servicemap keys %v, want %v", got, w)
		}
		// the PG digest agrees with pg dump
		var digest struct {
			NumPG   int `json:"num_pg"`
			PoolSum struct {
				StatSum map[string]int64 `json:"stat_sum"`
			} `json:"pool_sum"`
		}
		must(t, json.Unmarshal(res.Output, &digest))
		d, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Args: map[string]any{"dumpcontents": []string{"sum"}}, Format: "json"})
		must(t, err)
		var sum struct {
			PGMap struct {
				Sum struct {
					StatSum map[string]int64 `json:"stat_sum"`
				} `json:"pg_stats_sum"`
			} `json:"pg_map"`
		}
		must(t, json.Unmarshal(d.Output, &sum))
		if !reflect.DeepEqual(digest.PoolSum.StatSum, sum.PGMap.Sum.StatSum) {
			t.Errorf("report pool_sum %v, pg dump sum %v", digest.PoolSum.StatSum, sum.PGMap.Sum.StatSum)
		}
	}
	// The monitor joins the tags and cuts at the last space.
	for _, tc := range []struct {
		tags []string
		want string
	}{{[]string{"a"}, "a"}, {[]string{"a", "b"}, "a"}, {[]string{"a", "b", "c d"}, "a b c"}} {
		res, err := c.Commands.Command(bg, ceph.Command{Prefix: "report", Args: map[string]any{"tags": tc.tags}, Format: "json"})
		must(t, err)
		if !strings.Contains(string(res.Output), fmt.Sprintf("%q:%q", "tag", tc.want)) {
			t.Errorf("tags %q: %.300s", tc.tags, res.Output)
		}
	}
}

// TestPGReadsXML: the manager's json-only dumps stay JSON in XML, pg
// debug keeps its word before the XML, report's checksum is of its XML.
func TestPGReadsXML(t *testing.T) {
	c := memory.New()
	tab := crc32.MakeTable(crc32.Castagnoli)
	for _, tc := range []struct {
		prefix string
		args   map[string]any
		check  func(out []byte, status string) bool
	}{
		{"pg dump_json", nil, func(out []byte, _ string) bool { return json.Valid(out) }},
		{"pg dump_pools_json", nil, func(out []byte, _ string) bool { return json.Valid(out) }},
		{"pg dump", nil, func(out []byte, _ string) bool { return bytes.HasPrefix(out, []byte("<pg_info>")) }},
		{"pg debug", map[string]any{"debugop": "unfound_objects_exist"}, func(out []byte, _ string) bool {
			return bytes.HasPrefix(out, []byte("FALSE\n<pg_info>")) && bytes.Contains(out, []byte("<pg_ready>true</pg_ready>"))
		}},
		{"report", nil, func(out []byte, status string) bool {
			return bytes.HasPrefix(out, []byte("<report>")) &&
				status == "report "+strconv.FormatUint(uint64(^crc32.Update(^uint32(6789), tab, out)), 10)
		}},
	} {
		for _, format := range []string{"xml", "xml-pretty"} {
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: tc.prefix, Args: tc.args, Format: format})
			must(t, err)
			if !tc.check(res.Output, res.Status) {
				t.Errorf("%s %s: %q %.200q", tc.prefix, format, res.Status, res.Output)
			}
		}
	}
}

// TestPGDumpErasureShards: an erasure-coded PG with a missing shard lists
// NONE in the plain dump and 2147483647 in JSON, and the digest counts the
// missing shard for OSD 2147483647, as Ceph's num_pg_by_osd does.
func TestPGDumpErasureShards(t *testing.T) {
	c, f := memory.NewFake(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 1, Pools: 0}))
	must(t, c.Pools.Create(bg, "ec", &ceph.PoolCreateOptions{Type: ceph.Erasure, PGNum: 4})) // k=2 m=2: 4 shards, 3 hosts
	must(t, f.SetPoolUsage("ec", 4096, 8))
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Args: map[string]any{"dumpcontents": []string{"pgs"}}})
	must(t, err)
	if !strings.Contains(string(res.Output), "NONE]") {
		t.Errorf("no NONE shard in\n%s", res.Output)
	}
	res, err = c.Commands.Command(bg, ceph.Command{Prefix: "report", Format: "json"})
	must(t, err)
	var r struct {
		ByOSD []struct {
			OSD    int `json:"osd"`
			Acting int `json:"num_acting_pg"`
		} `json:"num_pg_by_osd"`
		PoolSum struct {
			StatSum map[string]int64 `json:"stat_sum"`
		} `json:"pool_sum"`
	}
	must(t, json.Unmarshal(res.Output, &r))
	if n := len(r.ByOSD); n == 0 || r.ByOSD[n-1].OSD != 2147483647 || r.ByOSD[n-1].Acting != 4 {
		t.Errorf("num_pg_by_osd %+v", r.ByOSD)
	}
	if s := r.PoolSum.StatSum; s["num_objects"] != 8 || s["num_object_copies"] != 32 || s["num_objects_degraded"] != 8 {
		t.Errorf("pool_sum %v", s)
	}
}

// TestPGDumpUnknown: a pool no OSD can serve has unknown PGs, dumped as
// the manager adds a new PG before any report: epochs 0, reported 0:0,
// never active.
func TestPGDumpUnknown(t *testing.T) {
	c := memory.New(memory.WithTopology(memory.Topology{Hosts: 1, OSDsPerHost: 2, Pools: 0}))
	// a rule of a class no OSD has any more
	must(t, c.OSDs.SetDeviceClass(bg, 1, "ssd"))
	must(t, c.CrushRules.Create(bg, "nowhere", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host", DeviceClass: "ssd"}))
	must(t, c.OSDs.SetDeviceClass(bg, 1, "hdd"))
	must(t, c.Pools.Create(bg, "u", &ceph.PoolCreateOptions{PGNum: 1, CrushRule: "nowhere"}))
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg dump", Args: map[string]any{"dumpcontents": []string{"pgs"}}, Format: "json"})
	must(t, err)
	var d struct {
		PGStats []map[string]any `json:"pg_stats"`
	}
	must(t, json.Unmarshal(res.Output, &d))
	found := false
	for _, pg := range d.PGStats {
		if pg["state"] != "unknown" {
			continue
		}
		found = true
		if pg["reported_epoch"] != 0.0 || pg["created"] != 0.0 || pg["last_became_active"] != "0.000000" || pg["up_primary"] != -1.0 {
			t.Errorf("unknown PG %v", pg)
		}
	}
	if !found {
		t.Fatalf("no unknown PG in %.500s", res.Output)
	}
}
