package rados

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

const rbdComponent = "rbd"

// rbdFeatures are librbd's feature bits (include/rbd/features.h).
var rbdFeatures = []struct {
	name string
	bit  uint64
}{
	{"layering", 1 << 0},
	{"striping", 1 << 1},
	{"exclusive-lock", 1 << 2},
	{"object-map", 1 << 3},
	{"fast-diff", 1 << 4},
	{"deep-flatten", 1 << 5},
	{"journaling", 1 << 6},
	{"data-pool", 1 << 7},
	{"operations", 1 << 8},
	{"migrating", 1 << 9},
	{"non-primary", 1 << 10},
}

// featureNames returns the sorted names of the bits set in f.
func featureNames(f uint64) []string {
	out := []string{}
	for _, x := range rbdFeatures {
		if f&x.bit != 0 {
			out = append(out, x.name)
		}
	}
	sort.Strings(out)
	return out
}

// featureBits parses feature names; an unknown name is InvalidArgument.
func featureBits(names []string) (uint64, error) {
	var f uint64
	for _, n := range names {
		found := false
		for _, x := range rbdFeatures {
			if x.name == n {
				f |= x.bit
				found = true
			}
		}
		if !found {
			return 0, errorf(ceph.InvalidArgument, rbdComponent, "unknown RBD image feature %q", n)
		}
	}
	return f, nil
}

// parseFeatures reads a feature option as Ceph takes it: a number
// ("61") or names ("layering,exclusive-lock").
func parseFeatures(v string) (uint64, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return n, nil
	}
	var names []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			names = append(names, f)
		}
	}
	return featureBits(names)
}

// featureOrder is the order in which features are enabled; they are
// disabled in the reverse order (object-map needs exclusive-lock,
// fast-diff needs object-map).
var featureOrder = []uint64{1 << 2, 1 << 3, 1 << 4, 1 << 6}

// featureChanges returns the bits to disable and enable, one at a time,
// in dependency order.
func featureChanges(cur, want uint64) (disable, enable []uint64) {
	for i := len(featureOrder) - 1; i >= 0; i-- {
		b := featureOrder[i]
		if cur&b != 0 && want&b == 0 {
			disable = append(disable, b)
		}
	}
	for _, b := range featureOrder {
		if cur&b == 0 && want&b != 0 {
			enable = append(enable, b)
		}
	}
	// any other bit that differs (layering, deep-flatten: only removable)
	for _, x := range rbdFeatures {
		known := false
		for _, b := range featureOrder {
			known = known || b == x.bit
		}
		if known {
			continue
		}
		if cur&x.bit != 0 && want&x.bit == 0 {
			disable = append(disable, x.bit)
		}
		if cur&x.bit == 0 && want&x.bit != 0 {
			enable = append(enable, x.bit)
		}
	}
	return disable, enable
}

// objectOrder converts an object size to librbd's order (log2), which must
// be an exact power of two between 4 KiB and 32 MiB.
func objectOrder(size uint64) (uint64, error) {
	if size == 0 {
		return 22, nil
	}
	if bits.OnesCount64(size) != 1 {
		return 0, errorf(ceph.InvalidArgument, rbdComponent, "object size %d is not a power of two", size)
	}
	o := uint64(bits.TrailingZeros64(size))
	if o < 12 || o > 25 {
		return 0, errorf(ceph.InvalidArgument, rbdComponent, "object size %d is out of range (4 KiB to 32 MiB)", size)
	}
	return o, nil
}

// rbdTimestamp formats a creation time as the dashboard does: librbd's
// Python binding keeps whole seconds (utcfromtimestamp(tv_sec)), and the
// dashboard appends "Z" to its isoformat.
func rbdTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05") + "Z"
}

// rbdPools returns the names of the pools with the rbd application.
func rbdPools(d *osdDump) []string {
	var out []string
	for _, p := range d.Pools {
		if _, ok := p.ApplicationMetadata["rbd"]; ok {
			out = append(out, p.PoolName)
		}
	}
	sort.Strings(out)
	return out
}
