package osd

import (
	"encoding/json"
	"testing"
)

// A histogram dump keeps its other (empty) sections through decode and
// encode, next to "osd", as the dashboard passes them.
func TestHistogramJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in    string
		osdKeys     int
		other       int
		wantEncoded string
	}{
		{"only osd", `{"osd": {}}`, 0, 0, `{"osd":{}}`},
		{"other sections", `{"cct": {}, "osd": {"op_r_latency_out_bytes_histogram": {"axes": [], "values": [[0]]}}, "mempool": {}}`, 1, 2,
			`{"cct":{},"mempool":{},"osd":{"op_r_latency_out_bytes_histogram":{"axes":[],"values":[[0]]}}}`},
		{"no osd", `{"cct": {}}`, 0, 1, `{"cct":{},"osd":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Histogram
			if err := json.Unmarshal([]byte(tc.in), &h); err != nil {
				t.Fatal(err)
			}
			if len(h.OSD) != tc.osdKeys || len(h.Other) != tc.other {
				t.Fatalf("decoded %+v", h)
			}
			b, err := json.Marshal(h)
			if err != nil || string(b) != tc.wantEncoded {
				t.Fatalf("encoded %s, %v; want %s", b, err, tc.wantEncoded)
			}
		})
	}
	var h Histogram
	if err := json.Unmarshal([]byte(`{"osd": 1}`), &h); err == nil {
		t.Fatal("a non-object osd section decoded")
	}
}
