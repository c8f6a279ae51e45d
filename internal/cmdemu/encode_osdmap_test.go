package cmdemu

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

// dec reads Ceph's encoding for the tests: a walker of the OSD map layout
// encode_osdmap.go writes, which must also read a 16.2.15 monitor's map to
// its end, every versioned struct ending where its length says.
type dec struct {
	b   []byte
	o   int
	err error
}

func (d *dec) take(n int) []byte {
	if d.err != nil || d.o+n > len(d.b) {
		if d.err == nil {
			d.err = fmt.Errorf("short at %d (+%d of %d)", d.o, n, len(d.b))
		}
		return make([]byte, n)
	}
	v := d.b[d.o : d.o+n]
	d.o += n
	return v
}
func (d *dec) u8() uint8   { return d.take(1)[0] }
func (d *dec) u32() uint32 { return binary.LittleEndian.Uint32(d.take(4)) }
func (d *dec) u64() uint64 { return binary.LittleEndian.Uint64(d.take(8)) }
func (d *dec) str() string { return string(d.take(int(d.u32()))) }

// start reads a struct header and returns where the struct ends.
func (d *dec) start(wantV, wantCompat uint8) int {
	v, c := d.u8(), d.u8()
	n := int(d.u32())
	if d.err == nil && (v != wantV || c != wantCompat) {
		d.err = fmt.Errorf("struct at %d: v%d compat %d, want v%d compat %d", d.o-6, v, c, wantV, wantCompat)
	}
	return d.o + n
}

func (d *dec) end(at int, what string) {
	if d.err == nil && d.o != at {
		d.err = fmt.Errorf("%s ends at %d, its length says %d", what, d.o, at)
	}
	d.o = at
}

// skip goes to the end of a struct the walker does not read.
func (d *dec) skip(at int) {
	if d.err == nil && at > len(d.b) {
		d.err = fmt.Errorf("struct ends at %d, past the end (%d)", at, len(d.b))
	}
	d.o = at
}

func (d *dec) empty(what string) {
	if n := d.u32(); d.err == nil && n != 0 {
		d.err = fmt.Errorf("%s: %d entries, the walker reads none", what, n)
	}
}

func (d *dec) addrvec() []string {
	if m := d.u8(); d.err == nil && m != 2 {
		d.err = fmt.Errorf("addrvec marker %d at %d", m, d.o-1)
	}
	var out []string
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.u8()
		at := d.start(1, 1)
		t, nonce := d.u32(), d.u32()
		sa := d.take(int(d.u32()))
		d.end(at, "entity_addr_t")
		s := fmt.Sprintf("%d/%d", t, nonce)
		if len(sa) >= 8 {
			s = fmt.Sprintf("%d:%d.%d.%d.%d:%d/%d", t, sa[4], sa[5], sa[6], sa[7], int(sa[2])<<8|int(sa[3]), nonce)
		}
		out = append(out, s)
	}
	return out
}

type walkedPool struct {
	id                         int64
	typ, size, rule, minSize   uint8
	pgNum, pgpNum, lastChange  uint32
	flags                      uint64
	ecProfile                  string
	opts                       int
	apps                       []string
	pgNumTarget, autoscaleMode uint32
}

type walkedOSDMap struct {
	epoch         uint32
	pools         []walkedPool
	names         []string
	poolMax       uint32
	flags         uint32
	maxOSD        uint32
	state, weight []uint32
	public        [][]string
	crush         []byte
	profiles      []string
	crushVersion  uint32
	info          [][6]uint32
	uuids         [][]byte
	ratios        [3]uint32
	minCompat     uint8
	osdRelease    uint8
}

func walkOSDMap(b []byte) (*walkedOSDMap, error) {
	d := &dec{b: b}
	w := &walkedOSDMap{}
	wrap := d.start(8, 7)
	client := d.start(9, 1)
	d.take(16)
	w.epoch = d.u32()
	d.take(16) // created, modified
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		var p walkedPool
		p.id = int64(d.u64())
		at := d.start(29, 5)
		p.typ, p.size, p.rule = d.u8(), d.u8(), d.u8()
		d.u8() // object_hash
		p.pgNum, p.pgpNum = d.u32(), d.u32()
		d.take(8) // lpg_num, lpgp_num
		p.lastChange = d.u32()
		d.take(12) // snap_seq, snap_epoch
		d.empty("snaps")
		d.empty("removed_snaps")
		d.u64() // auid
		p.flags = d.u64()
		d.u32()
		p.minSize = d.u8()
		d.take(16) // quotas
		d.empty("tiers")
		d.take(8 + 1 + 16) // tier_of, cache_mode, read_tier, write_tier
		d.empty("properties")
		d.skip(d.start(1, 1)) // hit_set_params
		d.take(12 + 16 + 16)  // hit set period/count, stripe_width, targets, cache ratios and ages
		p.ecProfile = d.str()
		d.take(4 + 4 + 8 + 4 + 4 + 1 + 1 + 8)
		oat := d.start(2, 1)
		p.opts = int(d.u32())
		for i := 0; i < p.opts && d.err == nil; i++ {
			d.u32()
			switch d.u32() {
			case 0:
				d.str()
			default:
				d.u64()
			}
		}
		d.end(oat, "pool_opts_t")
		d.u32() // lfor prenautilus
		for na := d.u32(); na > 0 && d.err == nil; na-- {
			p.apps = append(p.apps, d.str())
			for nk := d.u32(); nk > 0 && d.err == nil; nk-- {
				d.str()
				d.str()
			}
		}
		d.take(8) // create_time
		p.pgNumTarget = d.u32()
		d.take(20)
		p.autoscaleMode = uint32(d.u8())
		d.skip(d.start(1, 1)) // pg_merge_meta_t
		d.end(at, "pg_pool_t")
		w.pools = append(w.pools, p)
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.u64()
		w.names = append(w.names, d.str())
	}
	w.poolMax, w.flags, w.maxOSD = d.u32(), d.u32(), d.u32()
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		w.state = append(w.state, d.u32())
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		w.weight = append(w.weight, d.u32())
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		w.public = append(w.public, d.addrvec())
	}
	d.empty("pg_temp")
	d.empty("primary_temp")
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.u32()
	}
	w.crush = d.take(int(d.u32()))
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		w.profiles = append(w.profiles, d.str())
		for nk := d.u32(); nk > 0 && d.err == nil; nk-- {
			d.str()
			d.str()
		}
	}
	d.empty("pg_upmap")
	d.empty("pg_upmap_items")
	w.crushVersion = d.u32()
	d.empty("new_removed_snaps")
	d.empty("new_purged_snaps")
	d.take(16)
	d.end(client, "client section")
	osdOnly := d.start(9, 1)
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.addrvec()
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		if v := d.u8(); d.err == nil && v != 1 {
			d.err = fmt.Errorf("osd_info_t v%d", v)
		}
		var i [6]uint32
		for k := range i {
			i[k] = d.u32()
		}
		w.info = append(w.info, i)
	}
	d.empty("blocklist")
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.addrvec()
	}
	d.u32()
	d.str()
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		w.uuids = append(w.uuids, d.take(16))
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.skip(d.start(4, 1)) // osd_xinfo_t
	}
	for n := d.u32(); n > 0 && d.err == nil; n-- {
		d.addrvec()
	}
	w.ratios = [3]uint32{d.u32(), d.u32(), d.u32()}
	w.minCompat, w.osdRelease = d.u8(), d.u8()
	d.empty("removed_snaps_queue")
	d.empty("crush_node_flags")
	d.empty("device_class_flags")
	d.end(osdOnly, "OSD-only section")
	crcAt := d.o
	crc := d.u32()
	d.end(wrap, "OSD map")
	if d.err != nil {
		return nil, d.err
	}
	if d.o != len(b) {
		return nil, fmt.Errorf("%d bytes after the map", len(b)-d.o)
	}
	if want := ^crc32.Update(0, crc32.MakeTable(crc32.Castagnoli), b[:crcAt]); crc != want {
		return nil, fmt.Errorf("crc %08x, want %08x", crc, want)
	}
	return w, nil
}

// TestWalkRealOSDMap: the walker reads a 16.2.15 monitor's osd getmap
// (testdata/binmaps/seed.osdmap, the cluster of seed.crush) to its end, so
// the layout the encoder writes is Ceph's.
func TestWalkRealOSDMap(t *testing.T) {
	w, err := walkOSDMap(readBin(t, "seed.osdmap"))
	if err != nil {
		t.Fatal(err)
	}
	if w.epoch != 22 || len(w.pools) != 7 || w.maxOSD != 1 || w.crushVersion != 3 || w.flags != 0x588000 {
		t.Errorf("walked %+v", w)
	}
	if !bytes.Equal(w.crush, readBin(t, "seed.crush")) {
		t.Errorf("embedded CRUSH map differs from osd getcrushmap's")
	}
}

// TestEncodeOSDMap: an encoded map walks to its end with the input's
// values.
func TestEncodeOSDMap(t *testing.T) {
	m, rules := crushFromDump(t, "rich.crush.json")
	crush, err := encodeCrushMap(m, rules)
	if err != nil {
		t.Fatal(err)
	}
	vec := func(port int) *ceph.AddrVec {
		return &ceph.AddrVec{AddrVec: []ceph.EntityAddr{{Type: "v2", Addr: fmt.Sprintf("10.0.0.1:%d", port), Nonce: 7}, {Type: "v1", Addr: fmt.Sprintf("10.0.0.1:%d", port+1), Nonce: 7}}}
	}
	in := osdMapInput{
		m: ceph.OSDMap{Epoch: 30, FSID: "01c56e95-9ac9-4c93-9e91-620f4d3f335f", FlagsSet: []string{"sortbitwise", "noout"},
			FullRatio: 0.95, BackfillfullRatio: 0.9, NearfullRatio: 0.85, MaxOSD: 3, CrushVersion: 13,
			Created: "2026-12-04T21:59:27.227379+0000", Modified: "2026-12-04T21:59:53.783805+0000",
			RequireMinCompatClient: "luminous", RequireOSDRelease: "pacific",
			OSDs: []ceph.OSDMapEntry{
				{OSD: 0, UUID: "5dff3e9c-0440-4965-b5a6-0f5fb66b972d", Up: 1, In: 1, Weight: 1, PrimaryAffinity: 1, UpFrom: 5, UpThru: 20,
					State: []string{"exists", "up"}, PublicAddrs: vec(6800), ClusterAddrs: vec(6802), HeartbeatBackAddrs: vec(6804), HeartbeatFrontAddrs: vec(6806)},
				{OSD: 2, UUID: "5dff3e9c-0440-4965-b5a6-0f5fb66b972e", In: 0, Weight: 0, PrimaryAffinity: 0.5, UpFrom: 5, DownAt: 28,
					State: []string{"exists"}, PublicAddr: "10.0.0.2:6801/9"},
			}},
		pools: []ceph.Pool{
			{Pool: 3, PoolName: "ec", Type: ceph.Erasure, Size: 3, MinSize: 2, CrushRule: "ec-rule", PGNum: 8, PGPlacementNum: 8,
				PGNumTarget: 8, PGPlacementNumTarget: 8, PGAutoscaleMode: "warn", ErasureCodeProfile: "ec21", Flags: 1, ObjectHash: 2,
				LastChange: "29", StripeWidth: 8192, CreateTime: "2026-12-04T22:00:00.000001+0000"},
			{Pool: 1, PoolName: "rbd", Type: ceph.Replicated, Size: 3, MinSize: 2, CrushRule: "replicated_rule", PGNum: 32, PGPlacementNum: 32,
				PGNumTarget: 32, PGPlacementNumTarget: 32, PGAutoscaleMode: "on", Flags: 1, ObjectHash: 2, LastChange: "9",
				ApplicationMetadata: []string{"rbd", "custom"}, Options: map[string]any{"pg_num_min": 16, "pg_autoscale_bias": 4.0, "compression_mode": "aggressive"},
				CreateTime: "2026-12-04T22:00:00+0000"},
		},
		rules: rules, crush: crush,
		profiles: []ceph.ErasureCodeProfile{{Name: "ec21", K: 2, M: 1, Plugin: "jerasure", Technique: "reed_sol_van"}, {Name: "default", K: 2, M: 2, Plugin: "jerasure"}},
	}
	b, err := encodeOSDMap(in)
	if err != nil {
		t.Fatal(err)
	}
	w, err := walkOSDMap(b)
	if err != nil {
		t.Fatal(err)
	}
	if w.epoch != 30 || w.maxOSD != 3 || w.poolMax != 3 || w.crushVersion != 13 || w.flags != 1<<15|1<<7 {
		t.Errorf("header %+v", w)
	}
	if !bytes.Equal(w.crush, crush) {
		t.Errorf("embedded CRUSH map differs")
	}
	if fmt.Sprint(w.names, w.profiles) != "[rbd ec] [default ec21]" {
		t.Errorf("names %v, profiles %v", w.names, w.profiles)
	}
	want := []walkedPool{
		{id: 1, typ: 1, size: 3, rule: 0, minSize: 2, pgNum: 32, pgpNum: 32, lastChange: 9, flags: 1, opts: 3, apps: []string{"custom", "rbd"}, pgNumTarget: 32, autoscaleMode: 2},
		{id: 3, typ: 3, size: 3, rule: 2, minSize: 2, pgNum: 8, pgpNum: 8, lastChange: 29, flags: 1, ecProfile: "ec21", pgNumTarget: 8, autoscaleMode: 1},
	}
	if fmt.Sprint(w.pools) != fmt.Sprint(want) {
		t.Errorf("pools\n%v, want\n%v", w.pools, want)
	}
	if fmt.Sprint(w.state, w.weight) != "[3 0 1] [65536 0 0]" {
		t.Errorf("state %v, weight %v", w.state, w.weight)
	}
	if fmt.Sprint(w.public) != "[[2:10.0.0.1:6800/7 1:10.0.0.1:6801/7] [] [1:10.0.0.2:6801/9]]" {
		t.Errorf("public addrs %v", w.public)
	}
	if fmt.Sprint(w.info) != "[[0 0 5 20 0 0] [0 0 0 0 0 0] [0 0 5 0 28 0]]" {
		t.Errorf("osd info %v", w.info)
	}
	if w.uuids[2][15] != 0x2e || w.ratios[1] != 0x3f733333 || w.minCompat != 12 || w.osdRelease != 16 {
		t.Errorf("uuids %x ratios %x releases %d %d", w.uuids, w.ratios, w.minCompat, w.osdRelease)
	}
}
