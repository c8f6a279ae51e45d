package cmdemu

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
)

// crushFromDump reads an `osd crush dump` JSON of testdata/binmaps as the
// emulator's CrushMap and rules.
func crushFromDump(t *testing.T, name string) (*CrushMap, []ceph.CrushRule) {
	return crushDumpIn(t, "binmaps", name)
}

// crushDumpIn reads an `osd crush dump` JSON of testdata/dir.
func crushDumpIn(t *testing.T, dir, name string) (*CrushMap, []ceph.CrushRule) {
	t.Helper()
	var crush struct {
		Devices []struct {
			ID    int    `json:"id"`
			Name  string `json:"name"`
			Class string `json:"class"`
		} `json:"devices"`
		Buckets []struct {
			ID       int    `json:"id"`
			Name     string `json:"name"`
			TypeID   int    `json:"type_id"`
			TypeName string `json:"type_name"`
			Items    []struct {
				ID     int   `json:"id"`
				Weight int64 `json:"weight"`
			} `json:"items"`
		} `json:"buckets"`
		Rules []ceph.CrushRule `json:"rules"`
	}
	readJSON(t, dir, name, &crush)
	m := &CrushMap{}
	for _, d := range crush.Devices {
		m.Devices = append(m.Devices, CrushDevice{d.ID, d.Name, d.Class})
	}
	for _, b := range crush.Buckets {
		cb := CrushBucket{ID: b.ID, Name: b.Name, Type: b.TypeName, TypeID: b.TypeID, Items: []CrushItem{}}
		for _, it := range b.Items {
			cb.Items = append(cb.Items, CrushItem{it.ID, it.Weight})
		}
		m.Buckets = append(m.Buckets, cb)
	}
	return m, crush.Rules
}

func readBin(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "binmaps", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameBytes reports the first difference of two encodings.
func sameBytes(t *testing.T, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-32)
	t.Errorf("encodings differ at byte %d (got %d bytes, want %d)\ngot:\n%s\nwant:\n%s", i, len(got), len(want),
		hex.Dump(got[lo:min(len(got), i+64)]), hex.Dump(want[lo:min(len(want), i+64)]))
}

// TestEncodeCrushMap: fed the buckets, devices and rules a 16.2.15
// monitor dumped, the encoder gives the bytes its osd getcrushmap gave,
// byte for byte (the CRUSH map has no stamps). seed is a fresh cluster's
// map; rich has more hosts and roots, an empty class kept by a rule (hdd),
// a class made later (ssd), an erasure rule with set_ steps.
func TestEncodeCrushMap(t *testing.T) {
	for _, name := range []string{"seed", "rich"} {
		t.Run(name, func(t *testing.T) {
			m, rules := crushFromDump(t, name+".crush.json")
			got, err := encodeCrushMap(m, rules)
			if err != nil {
				t.Fatal(err)
			}
			sameBytes(t, got, readBin(t, name+".crush"))
		})
	}
}

// TestEncodeMonMap: fed the mon dump a 16.2.15 monitor printed, the
// encoder gives its mon getmap's bytes but for the stamps' nanoseconds
// (mon dump prints microseconds).
func TestEncodeMonMap(t *testing.T) {
	var m ceph.MonMap
	readJSON(t, "binmaps", "seed.monmap.json", &m)
	got, err := encodeMonMap(m)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), readBin(t, "seed.monmap")...)
	// header (6), fsid (16), epoch (4), then last_changed and created:
	// keep the real microseconds, drop the nanoseconds below them.
	for _, at := range []int{30, 38} {
		ns := uint32(want[at]) | uint32(want[at+1])<<8 | uint32(want[at+2])<<16 | uint32(want[at+3])<<24
		ns -= ns % 1000
		want[at], want[at+1], want[at+2], want[at+3] = byte(ns), byte(ns>>8), byte(ns>>16), byte(ns>>24)
	}
	sameBytes(t, got, want)
}

// TestCrushDumpRich: osd crush dump of the rich map is the monitor's, value
// for value (has_v2_rules follows its erasure rule).
func TestCrushDumpRich(t *testing.T) {
	m, rules := crushFromDump(t, "rich.crush.json")
	f := &fixture{rules: rules}
	c := cephapi.New(&cephapi.Client{CrushRules: fxRules{f}})
	e := New(c, WithMaps(&fxMaps{crush: *m}))
	res, err := e.Command(context.Background(), ceph.Command{Prefix: "osd crush dump", Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(res.Output, &got); err != nil {
		t.Fatal(err)
	}
	readJSON(t, "binmaps", "rich.crush.json", &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("osd crush dump:\n%s", res.Output)
	}
}

// TestEncodeMonMapThreeMons: monmaptool prints the encoding of a
// three-monitor 16.2.15 mon dump (testdata/three-mons) as the monitor
// printed mon dump; skipped without monmaptool.
func TestEncodeMonMapThreeMons(t *testing.T) {
	tool, err := exec.LookPath("monmaptool")
	if err != nil {
		t.Skipf("monmaptool is not installed: %v", err)
	}
	var m ceph.MonMap
	readJSON(t, "three-mons", "mon_dump.json.out", &m)
	b, err := encodeMonMap(m)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "monmap")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--print", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "monmaptool:") && !strings.HasPrefix(l, tool+":") {
			lines = append(lines, l)
		}
	}
	want, err := os.ReadFile(filepath.Join("testdata", "three-mons", "mon_dump.out"))
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(lines, "\n") + "\n"; g != string(want) {
		t.Errorf("monmaptool --print:\n%s\nmon dump:\n%s", g, want)
	}
}
