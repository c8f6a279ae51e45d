package cmdemu

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"syscall"
)

// The binary getmaps: the maps in Ceph's own encoding, as a 16.2.15
// monitor (the manager, for pg getmap) returns them to a client with
// every feature (encode_crush.go, encode_monmap.go, encode_osdmap.go,
// encode_pgmap.go). The output is binary in every
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

// pgGetmap answers `pg getmap`: the PG map as the manager encodes it
// (encode_pgmap.go), made of pg dump's PG map, so the two agree: the
// same PGs (by pool and PG number, where the manager lists them in its
// hash map's order) and OSDs, the stamps at pg dump's microseconds. The
// status is the manager's.
func (e *Emulator) pgGetmap(ctx context.Context, a args, f format) ([]byte, string, error) {
	v, err := e.pgMapView(ctx, "pg getmap")
	if err != nil {
		return nil, "", err
	}
	j, err := encodeJSON(v.all(), jsonCompact)
	if err != nil {
		return nil, "", err
	}
	var m pgMapDump
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, "", cmdError(syscall.EINVAL, "pg getmap: "+err.Error())
	}
	in := map[int32]bool{}
	for _, o := range v.osds {
		in[int32(o.id)] = o.in
	}
	for i := range m.OSDStats {
		m.OSDStats[i].Reporting = in[m.OSDStats[i].OSD]
	}
	b, err := encodePGMap(&m)
	if err != nil {
		return nil, "", cmdError(syscall.EINVAL, "pg getmap: "+err.Error())
	}
	return b, fmt.Sprintf("got pgmap version %d", v.version), nil
}

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
