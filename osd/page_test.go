package osd

import (
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

func TestListOptionsPage(t *testing.T) {
	mk := func(id int, host, class string, up int) OSD {
		return OSD{ID: id, OSDMapEntry: ceph.OSDMapEntry{Up: up, In: 1}, Host: TreeNode{Name: host}, Tree: TreeNode{DeviceClass: class}}
	}
	osds := []OSD{mk(3, "b", "ssd", 1), mk(1, "a", "hdd", 1), mk(2, "b", "hdd", 0), mk(10, "c", "ssd", 1)}
	ids := func(l []OSD) []int {
		var out []int
		for _, o := range l {
			out = append(out, o.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		opts  *ListOptions
		want  []int
		total int
	}{
		{"nil: all by id", nil, []int{1, 2, 3, 10}, 4},
		{"page", &ListOptions{Offset: 1, Limit: 2}, []int{2, 3}, 4},
		{"offset past the end", &ListOptions{Offset: 9}, nil, 4},
		{"descending", &ListOptions{Sort: "-id"}, []int{10, 3, 2, 1}, 4},
		{"by host, then id", &ListOptions{Sort: "+host.name"}, []int{1, 2, 3, 10}, 4},
		{"by class descending", &ListOptions{Sort: "-tree.device_class"}, []int{10, 3, 2, 1}, 4},
		{"search a host", &ListOptions{Search: "b"}, []int{2, 3}, 2},
		{"search a state", &ListOptions{Search: "down"}, []int{2}, 1},
		{"search a name", &ListOptions{Search: "osd.1"}, []int{1, 10}, 2},
		{"search, page", &ListOptions{Search: "SSD", Limit: 1}, []int{3}, 2},
	} {
		got, total := tc.opts.Page(osds)
		if total != tc.total || len(got) != len(tc.want) {
			t.Errorf("%s: %v (%d), want %v (%d)", tc.name, ids(got), total, tc.want, tc.total)
			continue
		}
		for i := range got {
			if got[i].ID != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, ids(got), tc.want)
				break
			}
		}
	}
	if osds[0].ID != 3 {
		t.Error("Page sorted the caller's list")
	}
	// In id order already (as Ceph lists them): one pass, same answers.
	inOrder := []OSD{osds[1], osds[2], osds[0], osds[3]}
	for _, tc := range []struct {
		sort string
		want []int
	}{
		{"", []int{1, 2, 3, 10}},
		{"-id", []int{10, 3, 2, 1}},
		{"+host.name", []int{1, 2, 3, 10}},
		{"-host.name", []int{10, 3, 2, 1}},
	} {
		got, _ := (&ListOptions{Sort: tc.sort}).Page(inOrder)
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("in id order, sort %q: %v, want %v", tc.sort, ids(got), tc.want)
		}
	}
	if inOrder[0].ID != 1 {
		t.Error("Page reversed the caller's list")
	}
}
