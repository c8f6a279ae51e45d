package cmdemu

import (
	"context"
	"fmt"
	"strconv"
	"syscall"
)

// The binary getmaps: the maps in Ceph's own encoding, as a 16.2.15
// monitor returns them to a client with every feature (encode_crush.go,
// encode_monmap.go, encode_osdmap.go). The output is binary in every
// format, as the monitor's: it ignores the format for these.

// osdGetcrushmap answers `osd getcrushmap`: the CRUSH map with its rules;
// the status is the CRUSH map's version, as the monitor's.
func (e *Emulator) osdGetcrushmap(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("osd getcrushmap"); err != nil {
		return nil, "", err
	}
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	if ep, ok := a["epoch"]; ok && ep != h.OSDMap.Epoch {
		return nil, "", cmdError(syscall.EOPNOTSUPP, "osd getcrushmap of an older epoch is not available")
	}
	m, err := e.maps.CrushMap(ctx)
	if err != nil {
		return nil, "", err
	}
	rules, err := e.sortedRules(ctx)
	if err != nil {
		return nil, "", err
	}
	b, err := encodeCrushMap(m, rules)
	if err != nil {
		return nil, "", cmdError(syscall.EINVAL, "osd getcrushmap: "+err.Error())
	}
	return b, strconv.Itoa(h.OSDMap.CrushVersion), nil
}

// monGetmap answers `mon getmap`: the monitor map.
func (e *Emulator) monGetmap(ctx context.Context, a args, f format) ([]byte, string, error) {
	s, err := e.monStatus(ctx)
	if err != nil {
		return nil, "", err
	}
	if ep, ok := a["epoch"]; ok && ep != s.MonMap.Epoch {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("there is no map for epoch %v", ep))
	}
	b, err := encodeMonMap(s.MonMap)
	if err != nil {
		return nil, "", cmdError(syscall.EINVAL, "mon getmap: "+err.Error())
	}
	return b, fmt.Sprintf("got monmap epoch %d", s.MonMap.Epoch), nil
}

// getmap refuses a binary getmap the emulator has no encoder for.
func getmap(what, why string) handler {
	return func(e *Emulator, ctx context.Context, a args, f format) ([]byte, string, error) {
		return nil, "", cmdError(syscall.EOPNOTSUPP, fmt.Sprintf("%s is Ceph's binary encoding of the map, and the emulator has no binary encoding of it: %s", what, why))
	}
}

// pgGetmapWhy is why pg getmap is refused. In 16.2.15 the manager answers
// it with its PGMap (PGMap::encode: every PG's and OSD's statistics, the
// pool sums and their deltas), which the model does not keep, and no Ceph
// tool at hand decodes a PG map (ceph-dencoder needs its type plugins), so
// no encoding could be checked to be faithful.
const pgGetmapWhy = "the PG map is every PG's and OSD's I/O, log and scrub statistics, which the model does not keep, and no Ceph tool decodes a PG map file to check an encoding against"

// osdGetmap answers `osd getmap`: the full OSD map, its CRUSH map embedded
// (encode_osdmap.go).
func (e *Emulator) osdGetmap(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("osd getmap"); err != nil {
		return nil, "", err
	}
	h, err := e.full(ctx)
	if err != nil {
		return nil, "", err
	}
	if ep, ok := a["epoch"]; ok && ep != h.OSDMap.Epoch {
		return nil, "", cmdError(syscall.EOPNOTSUPP, "osd getmap of an older epoch is not available")
	}
	crush, _, err := e.osdGetcrushmap(ctx, args{}, f)
	if err != nil {
		return nil, "", err
	}
	in := osdMapInput{m: h.OSDMap, crush: crush}
	if in.pools, err = e.pools(ctx); err != nil {
		return nil, "", err
	}
	if in.rules, err = e.sortedRules(ctx); err != nil {
		return nil, "", err
	}
	if e.c.ErasureCodeProfiles != nil {
		if in.profiles, err = e.c.ErasureCodeProfiles.List(ctx); err != nil {
			return nil, "", err
		}
	}
	b, err := encodeOSDMap(in)
	if err != nil {
		return nil, "", cmdError(syscall.EINVAL, "osd getmap: "+err.Error())
	}
	return b, fmt.Sprintf("got osdmap epoch %d", h.OSDMap.Epoch), nil
}
