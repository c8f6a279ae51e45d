package ceph

import "testing"

func TestSortOrderAndPageBounds(t *testing.T) {
	for _, tc := range []struct {
		in    string
		field string
		desc  bool
	}{{"", "", false}, {"name", "name", false}, {"+name", "name", false}, {"-id", "id", true}, {"-", "", true}} {
		if f, d := SortOrder(tc.in); f != tc.field || d != tc.desc {
			t.Errorf("SortOrder(%q) = %q, %v", tc.in, f, d)
		}
	}
	for _, tc := range []struct{ total, offset, limit, start, end int }{
		{10, 0, 0, 0, 10}, {10, 2, 3, 2, 5}, {10, 8, 5, 8, 10}, {10, 12, 5, 10, 10}, {10, -3, 2, 0, 2}, {0, 0, 5, 0, 0},
	} {
		if s, e := PageBounds(tc.total, tc.offset, tc.limit); s != tc.start || e != tc.end {
			t.Errorf("PageBounds(%d, %d, %d) = %d, %d", tc.total, tc.offset, tc.limit, s, e)
		}
	}
}
