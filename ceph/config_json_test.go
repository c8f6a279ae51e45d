package ceph

import (
	"encoding/json"
	"strings"
	"testing"
)

// Ceph's option schema (and so the dashboard) has enum_values on string
// options only, as an empty list when there are none.
func TestConfigOptionEnumValuesJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  ConfigOption
		want string // the enum_values member, "" when absent
	}{
		{"str without enums", ConfigOption{Name: "admin_socket", Type: "str"}, `"enum_values":[]`},
		{"str with enums", ConfigOption{Name: "osd_pool_default_type", Type: "str", EnumValues: []string{"replicated", "erasure"}}, `"enum_values":["replicated","erasure"]`},
		{"uint", ConfigOption{Name: "osd_max_backfills", Type: "uint"}, ""},
		{"uint with stray enums", ConfigOption{Name: "x", Type: "uint", EnumValues: []string{"1"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if tc.want == "" && strings.Contains(s, "enum_values") || tc.want != "" && !strings.Contains(s, tc.want) {
				t.Fatalf("%s: want %q", s, tc.want)
			}
			if strings.Count(s, "enum_values") > 1 || !strings.Contains(s, `"name":"`+tc.opt.Name+`"`) {
				t.Fatalf("%s", s)
			}
			var back ConfigOption
			if err := json.Unmarshal(b, &back); err != nil || back.Name != tc.opt.Name {
				t.Fatalf("round trip: %+v %v", back, err)
			}
		})
	}
}
