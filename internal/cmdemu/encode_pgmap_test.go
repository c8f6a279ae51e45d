package cmdemu

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cephapi "github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
)

// pgDec decodes a PG map as PGMap::decode reads it, checking that every
// struct ends where its length says and the map where the buffer does.
// It records where each utime_t's nanoseconds are, to mask what pg dump
// does not print.
type pgDec struct {
	b     []byte
	p     int
	err   error
	nsecs []int
}

func (d *pgDec) need(n int) bool {
	if d.err == nil && d.p+n > len(d.b) {
		d.err = fmt.Errorf("short buffer at %d: need %d of %d", d.p, n, len(d.b))
	}
	return d.err == nil
}

func (d *pgDec) u8() uint8 {
	if !d.need(1) {
		return 0
	}
	d.p++
	return d.b[d.p-1]
}

func (d *pgDec) u32() uint32 {
	if !d.need(4) {
		return 0
	}
	d.p += 4
	return binary.LittleEndian.Uint32(d.b[d.p-4:])
}

func (d *pgDec) u64() uint64 {
	if !d.need(8) {
		return 0
	}
	d.p += 8
	return binary.LittleEndian.Uint64(d.b[d.p-8:])
}

func (d *pgDec) s32() int32 { return int32(d.u32()) }
func (d *pgDec) s64() int64 { return int64(d.u64()) }
func (d *pgDec) flag() bool { return d.u8() != 0 }
func (d *pgDec) fail(f string, a ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("at %d: %s", d.p, fmt.Sprintf(f, a...))
	}
}

// start reads a struct header, checking its version, and returns where
// the struct ends.
func (d *pgDec) start(what string, v, compat uint8) int {
	gv, gc, n := d.u8(), d.u8(), d.u32()
	if gv != v || gc != compat {
		d.fail("%s: version %d compat %d, want %d %d", what, gv, gc, v, compat)
	}
	if d.err == nil && d.p+int(n) > len(d.b) {
		d.fail("%s: length %d past the end", what, n)
	}
	return d.p + int(n)
}

func (d *pgDec) finish(what string, end int) {
	if d.err == nil && d.p != end {
		d.fail("%s ends at %d, its length says %d", what, d.p, end)
	}
}

func (d *pgDec) stamp() string {
	sec := d.u32()
	d.nsecs = append(d.nsecs, d.p)
	nsec := d.u32()
	if sec == 0 && nsec == 0 {
		return "0.000000"
	}
	return cephStamp(time.Unix(int64(sec), int64(nsec)))
}

func (d *pgDec) eversion() string {
	v := d.u64()
	return fmt.Sprintf("%d'%d", d.u32(), v)
}

func (d *pgDec) pgid() string {
	if v := d.u8(); v != 1 {
		d.fail("pg_t version %d", v)
	}
	pool, seed := d.u64(), d.u32()
	if pref := d.s32(); pref != -1 {
		d.fail("pg_t preferred %d", pref)
	}
	return fmt.Sprintf("%d.%x", pool, seed)
}

func (d *pgDec) s32s() []int32 {
	n := d.u32()
	if !d.need(4 * int(n)) {
		return nil
	}
	l := make([]int32, n)
	for i := range l {
		l[i] = d.s32()
	}
	return l
}

func (d *pgDec) pgMap() *pgMapDump {
	m := &pgMapDump{PGStats: []pgStatDump{}, OSDStats: []osdStatDump{}}
	end := d.start("PGMap", 8, 8)
	m.Version = d.u64()
	n := d.u32()
	for i := uint32(0); i < n && d.err == nil; i++ {
		m.PGStats = append(m.PGStats, d.pgStat())
	}
	n = d.u32()
	for i := uint32(0); i < n && d.err == nil; i++ {
		m.OSDStats = append(m.OSDStats, d.osdStat())
	}
	m.LastOSDMapEpoch, m.LastPGScan = d.u32(), d.u32()
	m.Stamp = d.stamp()
	if n := d.u32(); n != 0 {
		d.fail("%d pool_statfs entries", n)
	}
	m.PoolStatfs = []any{}
	d.finish("PGMap", end)
	if d.err == nil && d.p != len(d.b) {
		d.fail("%d bytes after the PG map", len(d.b)-d.p)
	}
	return m
}

func (d *pgDec) pgStat() pgStatDump {
	var p pgStatDump
	p.PGID = d.pgid()
	end := d.start("pg_stat_t", 26, 22)
	p.Version = d.eversion()
	p.ReportedSeq, p.ReportedEpoch = d.u64(), d.u32()
	state := uint64(d.u32())
	p.LogStart, p.OndiskLogStart = d.eversion(), d.eversion()
	p.Created, p.LastEpochClean = d.u32(), d.u32()
	p.Parent = d.pgid()
	p.ParentSplitBits = d.u32()
	p.LastScrub = d.eversion()
	p.LastScrubStamp = d.stamp()
	ce := d.start("object_stat_collection_t", 2, 2)
	se := d.start("object_stat_sum_t", 20, 14)
	p.StatSum = map[string]int64{}
	for _, f := range statSumFields {
		if statSumIs32(f) {
			p.StatSum[f] = int64(d.s32())
		} else {
			p.StatSum[f] = d.s64()
		}
	}
	d.finish("object_stat_sum_t", se)
	if n := d.u32(); n != 0 {
		d.fail("%d category sums", n)
	}
	d.finish("object_stat_collection_t", ce)
	p.LogSize, p.OndiskLogSize = d.s64(), d.s64()
	p.Up, p.Acting = d.s32s(), d.s32s()
	p.LastFresh, p.LastChange, p.LastActive, p.LastClean, p.LastUnstale = d.stamp(), d.stamp(), d.stamp(), d.stamp(), d.stamp()
	p.MappingEpoch = d.u32()
	p.LastDeepScrub = d.eversion()
	p.LastDeepScrubStamp = d.stamp()
	p.StatsInvalid = d.flag()
	p.LastCleanScrubStamp, p.LastBecameActive = d.stamp(), d.stamp()
	p.DirtyStatsInvalid = d.flag()
	p.UpPrimary, p.ActingPrimary = d.s32(), d.s32()
	p.OmapStatsInvalid, p.HitsetStatsInvalid = d.flag(), d.flag()
	p.BlockedBy = d.s32s()
	p.LastUndegraded, p.LastFullsized = d.stamp(), d.stamp()
	p.HitsetBytesStatsInvalid = d.flag()
	p.LastPeered, p.LastBecamePeered = d.stamp(), d.stamp()
	p.PinStatsInvalid = d.flag()
	p.SnaptrimqLen = d.u32()
	state |= uint64(d.u32()) << 32
	p.State = pgStateName(state)
	n := d.u32()
	p.PurgedSnaps = make([]struct {
		Start  string `json:"start"`
		Length string `json:"length"`
	}, 0)
	for i := uint32(0); i < n && d.err == nil; i++ {
		a, b := d.u64(), d.u64()
		p.PurgedSnaps = append(p.PurgedSnaps, struct {
			Start  string `json:"start"`
			Length string `json:"length"`
		}{fmt.Sprintf("%x", a), fmt.Sprintf("%x", b)})
	}
	p.ManifestStatsInvalid = d.flag()
	n = d.u32()
	p.AvailNoMissing = []string{}
	for i := uint32(0); i < n && d.err == nil; i++ {
		se := d.start("pg_shard_t", 1, 1)
		osd, shard := d.s32(), int8(d.u8())
		s := fmt.Sprint(osd)
		if shard >= 0 {
			s += fmt.Sprintf("(%d)", shard)
		}
		p.AvailNoMissing = append(p.AvailNoMissing, s)
		d.finish("pg_shard_t", se)
	}
	if n := d.u32(); n != 0 {
		d.fail("%d object_location_counts", n)
	}
	p.ObjectLocationCounts = []any{}
	d.finish("pg_stat_t "+p.PGID, end)
	return p
}

// pgStateName names a PG state's bits in bit order (pgStateNames puts a
// pg dump's state in that order, to compare).
func pgStateName(v uint64) string {
	if v == 0 {
		return "unknown"
	}
	var names []string
	for bit := uint64(1); bit != 0; bit <<= 1 {
		for n, b := range pgStateBits {
			if v&bit != 0 && b == bit {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, "+")
}

// pgStateNames rewrites m's PG states in pgStateName's order.
func pgStateNames(t *testing.T, m *pgMapDump) {
	t.Helper()
	for i := range m.PGStats {
		v, err := pgState(m.PGStats[i].State)
		if err != nil {
			t.Fatal(err)
		}
		m.PGStats[i].State = pgStateName(v)
	}
}

func (d *pgDec) osdStat() osdStatDump {
	var o osdStatDump
	o.OSD = d.s32()
	end := d.start("osd_stat_t", 14, 2)
	o.KB, o.KBUsed, o.KBAvail = d.s64(), d.s64(), d.s64()
	o.SnapTrimQueueLen, o.NumSnapTrimming = d.s32(), d.s32()
	o.HBPeers = d.s32s()
	if n := d.u32(); n != 0 {
		d.fail("hb_out has %d", n)
	}
	he := d.start("pow2_hist_t", 1, 1)
	o.OpQueueAgeHist.Histogram = d.s32s()
	d.finish("pow2_hist_t", he)
	pe := d.start("objectstore_perf_stat_t", 2, 2)
	o.PerfStat.CommitLatencyNs, o.PerfStat.ApplyLatencyNs = d.u64(), d.u64()
	d.finish("objectstore_perf_stat_t", pe)
	o.UpFrom, o.Seq, o.NumPGs = d.u32(), d.u64(), d.u32()
	o.KBUsedData, o.KBUsedOmap, o.KBUsedMeta = d.s64(), d.s64(), d.s64()
	fe := d.start("store_statfs_t", 1, 1)
	s := &o.Statfs
	for _, p := range []*int64{&s.Total, &s.Available, &s.InternallyReserved, &s.Allocated, &s.DataStored,
		&s.DataCompressed, &s.DataCompressedAllocated, &s.DataCompressedOriginal, &s.OmapAllocated, &s.InternalMetadata} {
		*p = d.s64()
	}
	d.finish("store_statfs_t", fe)
	switch n := d.u32(); n {
	case 0:
	case 1:
		if id, alerts := d.s32(), d.u32(); id != o.OSD || alerts != 0 {
			d.fail("os_alerts: osd.%d has %d alerts", id, alerts)
		}
		o.Reporting = true
	default:
		d.fail("%d os_alerts", n)
	}
	o.Alerts = []any{}
	o.NumShardsRepaired, o.NumOSDs, o.NumPerPoolOSDs, o.NumPerPoolOmapOSDs = d.s64(), d.u32(), d.u32(), d.u32()
	if n := d.s32(); n != 0 {
		d.fail("%d hb_pingtime entries", n)
	}
	o.NetworkPingTimes = []any{}
	d.finish(fmt.Sprintf("osd_stat_t osd.%d", o.OSD), end)
	return o
}

func decodePGMap(b []byte) (*pgMapDump, []int, error) {
	d := &pgDec{b: b}
	m := d.pgMap()
	return m, d.nsecs, d.err
}

// capturedPGMap is testdata/pgmap's pg dump (taken right after the binary,
// of the same version).
func capturedPGMap(t *testing.T) *pgMapDump {
	t.Helper()
	var dump struct {
		PGMap pgMapDump `json:"pg_map"`
	}
	readJSON(t, "pgmap", "pg_dump.json", &dump)
	for i := range dump.PGMap.OSDStats {
		dump.PGMap.OSDStats[i].Reporting = true // every OSD is up and in
	}
	return &dump.PGMap
}

// TestPGMapGolden encodes the captured pg dump and compares it with the
// manager's binary of the same version, byte for byte but for the stamps'
// nanoseconds below the microseconds pg dump prints (masked in the real
// map: those digits truncated, as the JSON has them).
func TestPGMapGolden(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("testdata", "pgmap", "pgmap.bin"))
	if err != nil {
		t.Fatal(err)
	}
	dec, nsecs, err := decodePGMap(real)
	if err != nil {
		t.Fatalf("decoding the real PG map: %v", err)
	}
	want := capturedPGMap(t)
	pgStateNames(t, want)
	if len(dec.PGStats) != 49 || len(dec.OSDStats) != 1 || dec.Version != want.Version {
		t.Fatalf("real map: version %d, %d PGs, %d OSDs", dec.Version, len(dec.PGStats), len(dec.OSDStats))
	}
	if d := pgMapDiff(dec, want); d != "" {
		t.Errorf("the decoded real map differs from its pg dump: %s", d)
	}
	// Every utime_t: 13 per PG, the map's stamp.
	if len(nsecs) != 13*len(dec.PGStats)+1 {
		t.Errorf("%d stamps in the real map, want %d", len(nsecs), 13*len(dec.PGStats)+1)
	}
	masked := append([]byte(nil), real...)
	for _, at := range nsecs {
		n := binary.LittleEndian.Uint32(masked[at:])
		binary.LittleEndian.PutUint32(masked[at:], n/1000*1000)
	}
	got, err := encodePGMap(want)
	if err != nil {
		t.Fatal(err)
	}
	// Unmasked, the bytes differ in stamps' nanoseconds only.
	inNsec := map[int]bool{}
	for _, at := range nsecs {
		for i := at; i < at+4; i++ {
			inNsec[i] = true
		}
	}
	diffs := 0
	for i := range got {
		if i < len(real) && got[i] != real[i] {
			diffs++
			if !inNsec[i] {
				t.Fatalf("byte %d differs outside a stamp's nanoseconds", i)
			}
		}
	}
	if diffs == 0 {
		t.Errorf("no stamp has digits below the microseconds: the mask is not needed")
	}
	if !bytes.Equal(got, masked) {
		i := 0
		for i < len(got) && i < len(masked) && got[i] == masked[i] {
			i++
		}
		t.Fatalf("encoding differs at byte %d (len %d, real %d)", i, len(got), len(masked))
	}
	back, _, err := decodePGMap(got)
	if err != nil {
		t.Fatalf("decoding our encoding: %v", err)
	}
	if d := pgMapDiff(back, want); d != "" {
		t.Errorf("our encoding decodes to another map: %s", d)
	}
}

// pgMapDiff names the first field where a and b differ ("" when equal).
func pgMapDiff(a, b any) string {
	return valueDiff("", reflect.ValueOf(a), reflect.ValueOf(b))
}

func valueDiff(path string, a, b reflect.Value) string {
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil"
			}
			return ""
		}
		return valueDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := valueDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: len %d nil %v vs len %d nil %v", path, a.Len(), a.IsNil(), b.Len(), b.IsNil())
		}
		for i := 0; i < a.Len(); i++ {
			if d := valueDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: %v vs %v", path, a.Interface(), b.Interface())
	}
	return ""
}

// TestPGGetmapEmulated decodes the emulator's pg getmap (fed testdata/pg's
// PGs and OSDs) and finds its pg dump's PG map, in every format (the
// answer is binary in each, as the manager's), with the manager's status.
func TestPGGetmapEmulated(t *testing.T) {
	c, _ := loadPGs(t)
	ctx := context.Background()
	for _, format := range append(allFormats, "xml") {
		res, err := c.Commands.Command(ctx, ceph.Command{Prefix: "pg getmap", Format: format})
		if err != nil {
			t.Fatalf("format %q: %v", format, err)
		}
		got, _, err := decodePGMap(res.Output)
		if err != nil {
			t.Fatalf("format %q: decoding: %v", format, err)
		}
		dump, err := c.Commands.Command(ctx, ceph.Command{Prefix: "pg dump", Format: "json"})
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			PGMap pgMapDump `json:"pg_map"`
		}
		if err := json.Unmarshal(dump.Output, &d); err != nil {
			t.Fatal(err)
		}
		want := &d.PGMap
		pgStateNames(t, want)
		for i := range want.OSDStats {
			want.OSDStats[i].Reporting = true // testdata/pg's OSD is up and in
		}
		want.Stamp = got.Stamp // the emulator's clock moved on
		if len(want.PGStats) == 0 || len(want.OSDStats) == 0 {
			t.Fatalf("pg dump has %d PGs, %d OSDs", len(want.PGStats), len(want.OSDStats))
		}
		if diff := pgMapDiff(got, want); diff != "" {
			t.Errorf("format %q: pg getmap differs from pg dump: %s", format, diff)
		}
		if st := fmt.Sprintf("got pgmap version %d", want.Version); res.Status != st {
			t.Errorf("format %q: status %q, want %q", format, res.Status, st)
		}
	}
}

// TestPGGetmapStates: PGs of other states (the high state bits of laggy,
// an unknown PG, a stale one with its last reported sets, an erasure-coded
// one with a missing shard) decode back to pg dump's PG map.
func TestPGGetmapStates(t *testing.T) {
	created := time.Date(2026, 12, 4, 21, 59, 54, 767010123, time.UTC)
	m := &fxMaps{pgs: PGMap{Epoch: 9, Pools: []PoolPGs{
		{ID: 1, Name: "r", PGNum: 4, Created: created, CreatedEpoch: 3, PGs: []PGPlacement{
			{State: "active+clean", Up: []int{0, 1}, Acting: []int{0, 1}, Stats: PGStats{Objects: 2, Bytes: 10, Copies: 4}},
			{State: "active+laggy", Up: []int{1, 0}, Acting: []int{1, 0}},
			{State: "unknown"},
			{State: "stale+active+undersized+degraded", Reported: []int{2}, Stats: PGStats{Objects: 1, Copies: 2, Degraded: 1}},
		}},
		{ID: 2, Name: "ec", PGNum: 1, Created: created, CreatedEpoch: 5, PGs: []PGPlacement{
			{State: "active+undersized+degraded", Up: []int{0, crushNone, 1}, Acting: []int{0, crushNone, 1},
				Stats: PGStats{Objects: 3, Bytes: 30, Copies: 9, Degraded: 3}},
		}},
	}}}
	c := cephapi.New(&cephapi.Client{})
	c.Commands = ceph.ValidatedCommander(New(c, WithMaps(m)))
	ctx := context.Background()
	res, err := c.Commands.Command(ctx, ceph.Command{Prefix: "pg getmap"})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := decodePGMap(res.Output)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	dump, err := c.Commands.Command(ctx, ceph.Command{Prefix: "pg dump", Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		PGMap pgMapDump `json:"pg_map"`
	}
	if err := json.Unmarshal(dump.Output, &d); err != nil {
		t.Fatal(err)
	}
	want := &d.PGMap
	pgStateNames(t, want)
	want.Stamp = got.Stamp
	if len(want.PGStats) != 5 {
		t.Fatalf("pg dump has %d PGs", len(want.PGStats))
	}
	if diff := pgMapDiff(got, want); diff != "" {
		t.Errorf("pg getmap differs from pg dump: %s", diff)
	}
	if res.Status != "got pgmap version 9" {
		t.Errorf("status %q", res.Status)
	}
}
