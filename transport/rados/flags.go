package rados

import (
	"context"
	"sort"

	"github.com/cephapi/cephapi/osd"
)

// flags manages cluster-wide and per-OSD flags as the dashboard does.
type flags struct {
	r *runner
	osd.UnimplementedFlags
}

var _ osd.Flags = flags{}

// clusterFlags is the dashboard's flag list: flags_set with pauserd and
// pausewr shown as the one flag "pause" that sets them.
func clusterFlags(set []string) []string {
	m := map[string]bool{}
	for _, f := range set {
		m[f] = true
	}
	if m["pauserd"] && m["pausewr"] {
		delete(m, "pauserd")
		delete(m, "pausewr")
		m["pause"] = true
	}
	out := make([]string, 0, len(m))
	for f := range m {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func (f flags) List(ctx context.Context) ([]string, error) {
	d, err := f.r.osdDump(ctx, osdComponent)
	if err != nil {
		return nil, err
	}
	return clusterFlags(d.FlagsSet), nil
}

func (f flags) Set(ctx context.Context, want []string) ([]string, error) {
	cur, err := f.List(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, x := range cur {
		have[x] = true
	}
	next := map[string]bool{}
	for _, x := range want {
		next[x] = true
	}
	for _, x := range sortedKeys(next) {
		if !have[x] {
			if _, err := f.r.monWrite(ctx, osdComponent, "osd set", args{"key": x}); err != nil {
				return nil, err
			}
		}
	}
	for _, x := range sortedKeys(have) {
		if !next[x] {
			if _, err := f.r.monWrite(ctx, osdComponent, "osd unset", args{"key": x}); err != nil {
				return nil, err
			}
		}
	}
	return sortedKeys(next), nil
}

// Individual returns every OSD with its state names, which is where the
// OSD map keeps per-OSD flags (noout, noin, noup, nodown), as the dashboard
// returns them.
func (f flags) Individual(ctx context.Context) ([]osd.IndividualFlagState, error) {
	d, err := f.r.osdDump(ctx, osdComponent)
	if err != nil {
		return nil, err
	}
	out := make([]osd.IndividualFlagState, 0, len(d.OSDs))
	for _, o := range d.OSDs {
		st := o.State
		if st == nil {
			st = []string{}
		}
		out = append(out, osd.IndividualFlagState{OSD: o.OSD, Flags: st})
	}
	return out, nil
}

func (f flags) SetIndividual(ctx context.Context, ids []int, fl map[string]bool) (*osd.IndividualFlagsResult, error) {
	if err := (osds{r: f.r}).exists(ctx, ids...); err != nil {
		return nil, err
	}
	added, removed := []string{}, []string{}
	for _, name := range osd.IndividualFlags {
		v, ok := fl[name]
		switch {
		case !ok:
		case v:
			added = append(added, name)
		default:
			removed = append(removed, name)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	who := idStrings(ids)
	if len(added) > 0 {
		if _, err := f.r.monWrite(ctx, osdComponent, "osd set-group", args{"who": who, "flags": joinComma(added)}); err != nil {
			return nil, err
		}
	}
	if len(removed) > 0 {
		if _, err := f.r.monWrite(ctx, osdComponent, "osd unset-group", args{"who": who, "flags": joinComma(removed)}); err != nil {
			return nil, err
		}
	}
	return &osd.IndividualFlagsResult{Added: added, Removed: removed, IDs: ids}, nil
}
