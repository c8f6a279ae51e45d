package ceph_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cephapi/cephapi/ceph"
)

func TestErasureCodeProfileRoundTrip(t *testing.T) {
	kv := map[string]string{"k": "4", "m": "2", "plugin": "jerasure", "technique": "reed_sol_van",
		"crush-failure-domain": "osd", "w": "8", "jerasure-per-chunk-alignment": "false"}
	p := ceph.ErasureCodeProfileFromMap("ec42", kv)
	if p.K != 4 || p.M != 2 || p.Plugin != "jerasure" || p.Extra["w"] != "8" {
		t.Fatalf("FromMap = %+v", p)
	}
	if diff := cmp.Diff(kv, p.Map()); diff != "" {
		t.Errorf("Map() differs (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var flat map[string]any
	if err := json.Unmarshal(b, &flat); err != nil {
		t.Fatal(err)
	}
	if flat["k"] != float64(4) || flat["name"] != "ec42" || flat["w"] != "8" {
		t.Errorf("JSON = %s", b)
	}
	var back ceph.ErasureCodeProfile
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	// Ceph's own form has k and m as strings.
	if err := json.Unmarshal([]byte(`{"name":"x","k":"2","m":"1","plugin":"isa"}`), &back); err != nil || back.K != 2 || back.M != 1 {
		t.Errorf("string k/m: %+v %v", back, err)
	}
}

func TestErasureCodeProfileOptionsFromMap(t *testing.T) {
	o, err := ceph.ErasureCodeProfileOptionsFromMap(map[string]string{"k": "3", "m": "1", "crush-root": "default", "l": "2"})
	if err != nil || o.K != 3 || o.M != 1 || o.CrushRoot != "default" || o.Extra["l"] != "2" {
		t.Fatalf("= %+v, %v", o, err)
	}
	if _, err := ceph.ErasureCodeProfileOptionsFromMap(map[string]string{"k": "three"}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Errorf("non-integer k: %v", err)
	}
	if got := (*ceph.ErasureCodeProfileCreateOptions)(nil).Map(); len(got) != 0 {
		t.Errorf("nil options Map() = %v", got)
	}
	if _, err := ceph.ScalarMap(map[string]any{"k": []any{1}}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Errorf("nested value: %v", err)
	}
}
