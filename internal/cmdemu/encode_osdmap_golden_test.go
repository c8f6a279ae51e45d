package cmdemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// osdMapFromDump is the encoder's input from a 16.2.15 monitor's osd dump
// JSON and osd crush dump JSON (testdata/binmaps), the pools as the
// domain has them (type and rule by name, applications by name).
func osdMapFromDump(t *testing.T, dumpFile, crushFile string) osdMapInput {
	t.Helper()
	m, rules := crushFromDump(t, crushFile)
	crush, err := encodeCrushMap(m, rules)
	if err != nil {
		t.Fatal(err)
	}
	var in osdMapInput
	in.rules, in.crush = rules, crush
	readJSON(t, "binmaps", dumpFile, &in.m)
	var dump struct {
		Pools []struct {
			ceph.Pool
			Type      int                          `json:"type"`
			CrushRule int                          `json:"crush_rule"`
			Apps      map[string]map[string]string `json:"application_metadata"`
		} `json:"pools"`
		Profiles map[string]map[string]string `json:"erasure_code_profiles"`
	}
	readJSON(t, "binmaps", dumpFile, &dump)
	ruleNames := map[int]string{}
	for _, r := range rules {
		ruleNames[r.RuleID] = r.RuleName
	}
	for _, p := range dump.Pools {
		pool := p.Pool
		pool.Type = map[int]ceph.PoolType{1: ceph.Replicated, 3: ceph.Erasure}[p.Type]
		pool.CrushRule = ruleNames[p.CrushRule]
		pool.ApplicationMetadata = nil
		for a := range p.Apps {
			pool.ApplicationMetadata = append(pool.ApplicationMetadata, a)
		}
		sort.Strings(pool.ApplicationMetadata)
		in.pools = append(in.pools, pool)
		if in.appMeta == nil {
			in.appMeta = map[int]map[string]map[string]string{}
		}
		in.appMeta[pool.Pool] = p.Apps
	}
	for name, kv := range dump.Profiles {
		p := ceph.ErasureCodeProfile{Name: name, Extra: map[string]string{}}
		for k, v := range kv {
			switch k {
			case "k":
				p.K, _ = strconv.Atoi(v)
			case "m":
				p.M, _ = strconv.Atoi(v)
			default:
				p.Extra[k] = v
			}
		}
		in.profiles = append(in.profiles, p)
	}
	return in
}

// TestEncodeOSDMapGolden: fed what a 16.2.15 monitor's osd dump and osd
// crush dump show (and the applications' metadata, which the domain does
// not carry), the encoder gives its osd getmap's bytes, but for the
// stamps' nanoseconds below the microseconds the dump prints, and so the
// crc.
func TestEncodeOSDMapGolden(t *testing.T) {
	in := osdMapFromDump(t, "rich.osd_dump.json", "rich.crush.json")
	got, err := encodeOSDMap(in)
	if err != nil {
		t.Fatal(err)
	}
	want := readBin(t, "rich.osdmap")
	if len(got) != len(want) {
		sameBytes(t, got, want)
		return
	}
	u32 := func(b []byte, at int) int64 {
		return int64(b[at]) | int64(b[at+1])<<8 | int64(b[at+2])<<16 | int64(b[at+3])<<24
	}
	// Each differing byte must lie in a u32 that is a nanosecond count
	// (< 1e9) within a microsecond of the real one.
	stamps := 0
	for i := 0; i < len(got)-4; i++ {
		if got[i] == want[i] {
			continue
		}
		ok := false
		for s := max(0, i-3); s <= i && !ok; s++ {
			g, w := u32(got, s), u32(want, s)
			if g < 1e9 && w < 1e9 && w-g >= 0 && w-g < 1000 && g%1000 == 0 {
				ok = true
				stamps++
				i = s + 3
			}
		}
		if !ok {
			sameBytes(t, got[:i+1], want[:i+1])
			return
		}
	}
	if stamps == 0 {
		t.Errorf("no stamp differs: the fixture should have sub-microsecond stamps")
	}
	if _, err := walkOSDMap(got); err != nil {
		t.Error(err)
	}
}

// TestEncodeOSDMapGoldenTool: osdmaptool prints the encoded map as it
// prints the real one (it shows microseconds); skipped without osdmaptool.
func TestEncodeOSDMapGoldenTool(t *testing.T) {
	tool, err := exec.LookPath("osdmaptool")
	if err != nil {
		t.Skipf("osdmaptool is not installed: %v", err)
	}
	in := osdMapFromDump(t, "rich.osd_dump.json", "rich.crush.json")
	got, err := encodeOSDMap(in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	print := func(b []byte, args ...string) string {
		f := filepath.Join(dir, "map")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, append([]string{f}, args...)...).Output()
		if err != nil {
			t.Fatalf("osdmaptool %v: %v", args, err)
		}
		return string(out)
	}
	for _, args := range [][]string{{"--print"}, {"--dump", "json"}} {
		if g, w := print(got, args...), print(readBin(t, "rich.osdmap"), args...); g != w {
			t.Errorf("osdmaptool %v of the encoded map:\n%s\nof the real map:\n%s", args, g, w)
		}
	}
}
