package memory_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/transport/memory"
)

// getmapModels are model states whose binary maps Ceph's tools read back.
func getmapModels(t *testing.T) map[string]*cephapi.Client {
	t.Helper()
	rich := memory.New(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Racks: 2, OSDWeight: 0.5}), memory.WithFileSystem("cephfs"))
	must(t, rich.OSDs.SetDeviceClass(bg, 5, "ssd"))
	must(t, rich.CrushRules.Create(bg, "fast", &ceph.CrushRuleCreateOptions{Root: "default", FailureDomain: "host", DeviceClass: "ssd"}))
	must(t, rich.ErasureCodeProfiles.Create(bg, "k2m1", &ceph.ErasureCodeProfileCreateOptions{K: 2, M: 1, CrushFailureDomain: "osd"}))
	must(t, rich.Pools.Create(bg, "ecpool", &ceph.PoolCreateOptions{Type: ceph.Erasure, PGNum: 8, ErasureCodeProfile: "k2m1"}))
	for _, w := range []string{"osd out", "osd down"} {
		id := map[string]string{"osd out": "3", "osd down": "4"}[w]
		_, err := rich.Commands.Command(bg, ceph.Command{Prefix: w, Args: map[string]any{"ids": []string{id}}})
		must(t, err)
	}
	return map[string]*cephapi.Client{"seed": memory.New(), "rich": rich}
}

func toolOrSkip(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: %v", name, err)
	}
	return p
}

func getmapFile(t *testing.T, c *cephapi.Client, prefix string) string {
	t.Helper()
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: prefix})
	must(t, err)
	f := filepath.Join(t.TempDir(), strings.ReplaceAll(prefix, " ", "_"))
	must(t, os.WriteFile(f, res.Output, 0o644))
	return f
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// TestGetcrushmapCrushtool: crushtool decodes osd getcrushmap, and its
// JSON dump of the map is the model's osd crush dump, value for value;
// crushtool also decompiles it and maps PGs with it.
func TestGetcrushmapCrushtool(t *testing.T) {
	tool := toolOrSkip(t, "crushtool")
	for name, c := range getmapModels(t) {
		t.Run(name, func(t *testing.T) {
			f := getmapFile(t, c, "osd getcrushmap")
			var got, want any
			must(t, json.Unmarshal(run(t, tool, "-i", f, "--dump"), &got))
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: "osd crush dump", Format: "json"})
			must(t, err)
			must(t, json.Unmarshal(res.Output, &want))
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Errorf("crushtool --dump of osd getcrushmap:\n%s\nosd crush dump:\n%s", g, res.Output)
			}
			if txt := run(t, tool, "-d", f); !bytes.Contains(txt, []byte("# end crush map")) {
				t.Errorf("crushtool -d: %s", txt)
			}
			run(t, tool, "-i", f, "--test", "--rule", "0", "--num-rep", "2", "--show-statistics")
		})
	}
}

// TestMonGetmapMonmaptool: monmaptool prints mon getmap as mon dump
// prints the monitor map.
func TestMonGetmapMonmaptool(t *testing.T) {
	tool := toolOrSkip(t, "monmaptool")
	for name, c := range getmapModels(t) {
		t.Run(name, func(t *testing.T) {
			f := getmapFile(t, c, "mon getmap")
			got := string(run(t, tool, "--print", f))
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: "mon dump"})
			must(t, err)
			// monmaptool adds its own lines around the map's.
			var lines []string
			for _, l := range strings.Split(got, "\n") {
				if l != "" && !strings.HasPrefix(l, "monmaptool:") && !strings.HasPrefix(l, tool+":") {
					lines = append(lines, l)
				}
			}
			if g, w := strings.Join(lines, "\n")+"\n", string(res.Output); g != w {
				t.Errorf("monmaptool --print:\n%s\nmon dump:\n%s", g, w)
			}
		})
	}
}

// TestOSDGetmapOsdmaptool: osdmaptool reads osd getmap: --print is the
// model's osd dump (osdmaptool adds blank lines between the sections),
// and --export-crush gives osd getcrushmap's bytes.
func TestOSDGetmapOsdmaptool(t *testing.T) {
	tool := toolOrSkip(t, "osdmaptool")
	for name, c := range getmapModels(t) {
		t.Run(name, func(t *testing.T) {
			f := getmapFile(t, c, "osd getmap")
			got := string(run(t, tool, "--print", f))
			res, err := c.Commands.Command(bg, ceph.Command{Prefix: "osd dump"})
			must(t, err)
			var lines []string
			for _, l := range strings.Split(got, "\n") {
				if l != "" && !strings.HasPrefix(l, "osdmaptool:") && !strings.HasPrefix(l, tool+":") {
					lines = append(lines, l)
				}
			}
			var want []string
			for _, l := range strings.Split(string(res.Output), "\n") {
				if l != "" {
					want = append(want, l)
				}
			}
			if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("osdmaptool --print:\n%s\nosd dump:\n%s", g, w)
			}
			// osdmaptool's JSON has every field of osd dump's JSON with the
			// same values; osd dump names the pool type and CRUSH rule and
			// lists the applications, where Ceph gives numbers and a map.
			var fromTool, dump map[string]any
			must(t, json.Unmarshal(run(t, tool, f, "--dump", "json"), &fromTool))
			res, err = c.Commands.Command(bg, ceph.Command{Prefix: "osd dump", Format: "json"})
			must(t, err)
			must(t, json.Unmarshal(res.Output, &dump))
			rules := map[string]float64{}
			rl, err := c.CrushRules.List(bg)
			must(t, err)
			for _, r := range rl {
				rules[r.RuleName] = float64(r.RuleID)
			}
			for _, p := range dump["pools"].([]any) {
				p := p.(map[string]any)
				p["type"] = map[any]float64{"replicated": 1, "erasure": 3}[p["type"]]
				p["crush_rule"] = rules[p["crush_rule"].(string)]
				apps := map[string]any{}
				for _, a := range p["application_metadata"].([]any) {
					apps[a.(string)] = map[string]any{}
				}
				p["application_metadata"] = apps
			}
			sameJSON(t, "", fromTool, dump)
			crush := filepath.Join(t.TempDir(), "crush")
			run(t, tool, f, "--export-crush", crush)
			exported, err := os.ReadFile(crush)
			must(t, err)
			if want := getmapFile(t, c, "osd getcrushmap"); !bytes.Equal(exported, mustRead(t, want)) {
				t.Errorf("osdmaptool --export-crush differs from osd getcrushmap")
			}
		})
	}
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	must(t, err)
	return b
}

// sameJSON reports where got lacks or differs from a value of want.
func sameJSON(t *testing.T, path string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: %v, want an object", path, got)
			return
		}
		for k, v := range w {
			if _, ok := g[k]; !ok {
				t.Errorf("%s.%s: missing", path, k)
				continue
			}
			sameJSON(t, path+"."+k, g[k], v)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: %v, want %v", path, got, want)
			return
		}
		for i := range w {
			sameJSON(t, fmt.Sprintf("%s[%d]", path, i), g[i], w[i])
		}
	case float64:
		if g, ok := got.(float64); !ok || math.Abs(g-w) > 1e-6 {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	default:
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

// TestGetmapEpoch: the current epoch is served, an older one refused.
func TestGetmapEpoch(t *testing.T) {
	c := memory.New()
	res, err := c.Commands.Command(bg, ceph.Command{Prefix: "osd getmap"})
	must(t, err)
	var ep int
	if _, err := fmt.Sscanf(res.Status, "got osdmap epoch %d", &ep); err != nil {
		t.Fatalf("status %q", res.Status)
	}
	for _, prefix := range []string{"osd getmap", "osd getcrushmap"} {
		if _, err := c.Commands.Command(bg, ceph.Command{Prefix: prefix, Args: map[string]any{"epoch": ep}}); err != nil {
			t.Errorf("%s epoch %d: %v", prefix, ep, err)
		}
		if _, err := c.Commands.Command(bg, ceph.Command{Prefix: prefix, Args: map[string]any{"epoch": ep - 1}}); err == nil {
			t.Errorf("%s epoch %d: no error", prefix, ep-1)
		}
	}
	if _, err := c.Commands.Command(bg, ceph.Command{Prefix: "mon getmap", Args: map[string]any{"epoch": 1}}); err != nil {
		t.Errorf("mon getmap epoch 1: %v", err)
	}
	if _, err := c.Commands.Command(bg, ceph.Command{Prefix: "mon getmap", Args: map[string]any{"epoch": 2}}); err == nil {
		t.Errorf("mon getmap epoch 2: no error")
	}
	if _, err := c.Commands.Command(bg, ceph.Command{Prefix: "mds getmap"}); err == nil {
		t.Errorf("mds getmap: no error")
	}
	// pg getmap: the PG map of the OSD map's epoch (the model's PG map
	// version), as the manager says it.
	pg, err := c.Commands.Command(bg, ceph.Command{Prefix: "pg getmap"})
	must(t, err)
	if want := fmt.Sprintf("got pgmap version %d", ep); pg.Status != want {
		t.Errorf("pg getmap status %q, want %q", pg.Status, want)
	}
	if len(pg.Output) < 14 || pg.Output[0] != 8 || pg.Output[1] != 8 ||
		int(binary.LittleEndian.Uint32(pg.Output[2:]))+6 != len(pg.Output) ||
		binary.LittleEndian.Uint64(pg.Output[6:]) != uint64(ep) {
		t.Errorf("pg getmap is no PGMap v8 of version %d: % x", ep, pg.Output[:min(len(pg.Output), 16)])
	}
	// The binary maps are the same bytes in every format, XML included.
	for _, prefix := range []string{"osd getmap", "osd getcrushmap", "mon getmap", "pg getmap"} {
		a, err := c.Commands.Command(bg, ceph.Command{Prefix: prefix})
		must(t, err)
		for _, f := range []string{"json", "json-pretty", "xml", "xml-pretty"} {
			b, err := c.Commands.Command(bg, ceph.Command{Prefix: prefix, Format: f})
			if err != nil {
				t.Errorf("%s in %s: %v", prefix, f, err)
			} else if !bytes.Equal(unstamped(prefix, a.Output), unstamped(prefix, b.Output)) {
				t.Errorf("%s in %s: other bytes", prefix, f)
			}
		}
	}
}

// unstamped masks the PG map's stamp (the clock's time of each answer:
// the utime_t before the empty pool_statfs that ends the map).
func unstamped(prefix string, b []byte) []byte {
	if prefix != "pg getmap" || len(b) < 12 {
		return b
	}
	b = append([]byte(nil), b...)
	copy(b[len(b)-12:len(b)-4], make([]byte, 8))
	return b
}
