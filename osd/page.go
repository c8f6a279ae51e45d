package osd

import (
	"cmp"

	"github.com/cephapi/cephapi/ceph"
	"slices"
	"strconv"
	"strings"
)

// ListOptions page an OSD list, as newer dashboards page GET /api/osd.
type ListOptions struct {
	// Offset and Limit page the result (Limit 0: all from Offset).
	Offset, Limit int
	// Search keeps the OSDs whose name ("osd.3"), host, device class or
	// state ("up", "down", "in", "out") contains it.
	Search string
	// Sort is a field, "+" (the default) or "-" first for the order:
	// "id" (the default), "host.name", "tree.device_class",
	// "osd_stats.kb_used", "stats.numpg", "operational_status".
	Sort string
}

// SortFields are the fields ListOptions.Sort accepts.
var SortFields = []string{"id", "host.name", "tree.device_class", "osd_stats.kb_used", "stats.numpg", "operational_status"}

// Page filters, sorts and pages osds (which it does not modify) and
// returns the page and the number of OSDs that matched. The cost is one
// pass over the list and a sort of the matches.
func (o *ListOptions) Page(osds []OSD) ([]OSD, int) {
	idx, total := o.PageIndices(osds)
	out := make([]OSD, 0, len(idx))
	for _, i := range idx {
		out = append(out, osds[i])
	}
	return out, total
}

// PageIndices is Page that returns the page as indices into osds, for a
// caller that keeps something per OSD of the list (an encoding, a view)
// and builds the page from it.
func (o *ListOptions) PageIndices(osds []OSD) ([]int, int) {
	var opts ListOptions
	if o != nil {
		opts = *o
	}
	kept := make([]int, 0, len(osds))
	search := strings.ToLower(opts.Search)
	for i := range osds {
		if search == "" || matches(&osds[i], search) {
			kept = append(kept, i)
		}
	}
	by, desc := ceph.SortOrder(opts.Sort)
	order := func(a, b int) int {
		c := compareBy(&osds[a], &osds[b], by)
		if c == 0 {
			c = cmp.Compare(osds[a].ID, osds[b].ID)
		}
		if desc {
			return -c
		}
		return c
	}
	// A list comes in id order (Ceph's): the default sort, or its reverse,
	// costs one pass instead of a sort of every OSD of a big map.
	switch {
	case slices.IsSortedFunc(kept, order):
	case by == "id" && desc && slices.IsSortedFunc(kept, func(a, b int) int { return cmp.Compare(osds[a].ID, osds[b].ID) }):
		slices.Reverse(kept)
	default:
		slices.SortStableFunc(kept, order)
	}
	total := len(kept)
	start, end := ceph.PageBounds(total, opts.Offset, opts.Limit)
	return kept[start:end:end], total
}

func matches(o *OSD, search string) bool {
	up, in := "down", "out"
	if o.Up != 0 {
		up = "up"
	}
	if o.In != 0 {
		in = "in"
	}
	for _, s := range []string{"osd." + strconv.Itoa(o.ID), o.Host.Name, o.Tree.DeviceClass, up, in} {
		if strings.Contains(strings.ToLower(s), search) {
			return true
		}
	}
	return false
}

func compareBy(a, b *OSD, by string) int {
	switch by {
	case "host.name":
		return strings.Compare(a.Host.Name, b.Host.Name)
	case "tree.device_class":
		return strings.Compare(a.Tree.DeviceClass, b.Tree.DeviceClass)
	case "osd_stats.kb_used":
		return cmp.Compare(a.OSDStats.KBUsed, b.OSDStats.KBUsed)
	case "stats.numpg":
		return cmp.Compare(a.Stats["numpg"], b.Stats["numpg"])
	case "operational_status":
		return strings.Compare(a.OperationalStatus, b.OperationalStatus)
	}
	return cmp.Compare(a.ID, b.ID)
}
