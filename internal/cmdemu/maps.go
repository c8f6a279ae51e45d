package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// Maps is an optional source of what the domain API does not carry: the
// CRUSH map as the monitor holds it (bucket ids, the per-device-class
// shadow buckets, items in their positions, weights in 16.16 fixed point)
// and the up and acting set of every PG. A transport whose model has them
// passes it with WithMaps (the memory transport does); without it the
// commands that need it (osd crush dump, osd map, pg map, pg dump
// pgs_brief) answer EOPNOTSUPP.
type Maps interface {
	CrushMap(ctx context.Context) (*CrushMap, error)
	PGs(ctx context.Context) (*PGMap, error)
}

// WithMaps gives the emulator a source of the CRUSH map and the PGs.
func WithMaps(m Maps) Option { return func(e *Emulator) { e.maps = m } }

// CrushMap is the CRUSH map without its rules (those come from the domain
// API's CrushRules) and without tunables or choose_args.
type CrushMap struct {
	// Devices are the OSDs the map names, by id.
	Devices []CrushDevice
	// Buckets are every bucket, shadow buckets ("default~hdd") included,
	// in any order; the dump lists them by slot (-1, -2, ...).
	Buckets []CrushBucket
}

// CrushDevice is one OSD of the CRUSH map.
type CrushDevice struct {
	ID    int
	Name  string
	Class string
}

// CrushBucket is one bucket; its weight is the sum of its items'.
type CrushBucket struct {
	ID     int
	Name   string
	Type   string
	TypeID int
	// Items in their positions in the bucket.
	Items []CrushItem
}

// CrushItem is a bucket's item with its weight in 16.16 fixed point.
type CrushItem struct {
	ID     int
	Weight int64
}

// PGMap is every PG of every pool, at an OSD map epoch.
type PGMap struct {
	Epoch int
	Pools []PoolPGs
}

// PoolPGs are the PGs of one pool, PGs[i] being PG <pool>.<i in hex>.
type PoolPGs struct {
	ID    int
	Name  string
	PGNum int
	PGs   []PGPlacement
	// Created is when the pool was created and CreatedEpoch the OSD map
	// epoch that created it. Ceph stamps a new PG (last_change,
	// last_active, the scrub stamps, ...) with the OSD map's modification
	// time of the epoch that adds it; pg dump shows these for PGs the
	// model keeps no history of.
	Created      time.Time
	CreatedEpoch int
}

// PGPlacement is a PG's state with its up and acting sets (CRUSH's
// result and the OSDs serving it; an erasure-coded PG keeps a slot per
// shard, crushNone when the shard has no OSD).
type PGPlacement struct {
	State string
	// Up and Acting are what the monitor computes from the OSD map (osd
	// map, pg map): down OSDs are not in them.
	Up     []int
	Acting []int
	// Reported, when set, is the up and acting set the PG map still holds
	// for a stale PG (the OSDs that last reported it, now down); pg dump
	// shows it.
	Reported []int
	// Stats are the PG's object counts (its share of the pool's).
	Stats PGStats
}

// PGStats are the object statistics of one PG: the counts pg dump, pg
// stat and df sum up.
type PGStats struct {
	Objects int64
	Bytes   int64
	// Copies is num_object_copies: objects times the pool's size.
	Copies    int64
	Degraded  int64
	Misplaced int64
	Unfound   int64
}

// crushNone is CRUSH_ITEM_NONE.
const crushNone = 2147483647

func (e *Emulator) needMaps(what string) error {
	if e.maps == nil {
		return cmdError(syscall.EOPNOTSUPP, what+": the transport has no CRUSH or PG map")
	}
	return nil
}

// crushTypes are the bucket types of a 16.2 CRUSH map; the domain has no
// way to add types, so every map has these.
var crushTypes = []string{"osd", "host", "chassis", "rack", "row", "pdu", "pod", "room", "datacenter", "zone", "region", "root"}

// crushTunables are the tunables of a CRUSH map a 16.2.15 monitor makes
// (profile jewel, "optimal"). The model has no tunables to change, so the
// dump shows these; has_v*_rules and friends are what those rules need.
var crushTunables = obj{
	{"choose_local_tries", 0}, {"choose_local_fallback_tries", 0}, {"choose_total_tries", 50},
	{"chooseleaf_descend_once", 1}, {"chooseleaf_vary_r", 1}, {"chooseleaf_stable", 1},
	{"straw_calc_version", 1}, {"allowed_bucket_algs", 54}, {"profile", "jewel"},
	{"optimal_tunables", 1}, {"legacy_tunables", 0}, {"minimum_required_version", "jewel"},
	{"require_feature_tunables", 1}, {"require_feature_tunables2", 1}, {"has_v2_rules", 0},
	{"require_feature_tunables3", 1}, {"has_v3_rules", 0}, {"has_v4_buckets", 1},
	{"require_feature_tunables5", 1}, {"has_v5_rules", 0},
}

// osdCrushDump answers `osd crush dump`: devices, types, buckets (shadow
// buckets included, every bucket straw2/rjenkins1 as the monitor makes
// them), rules, tunables and choose_args (none: the model keeps no weight
// sets). Plain is JSON pretty, with a newline more, as the monitor prints.
func (e *Emulator) osdCrushDump(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("osd crush dump"); err != nil {
		return nil, "", err
	}
	m, err := e.maps.CrushMap(ctx)
	if err != nil {
		return nil, "", err
	}
	rules, err := e.sortedRules(ctx)
	if err != nil {
		return nil, "", err
	}
	devices := make([]any, 0, len(m.Devices))
	devs := append([]CrushDevice(nil), m.Devices...)
	sort.Slice(devs, func(i, j int) bool { return devs[i].ID < devs[j].ID })
	for _, d := range devs {
		o := obj{{"id", d.ID}, {"name", d.Name}}
		if d.Class != "" {
			o = append(o, kv{"class", d.Class})
		}
		devices = append(devices, o)
	}
	types := make([]any, len(crushTypes))
	for i, t := range crushTypes {
		types[i] = obj{{"type_id", i}, {"name", t}}
	}
	bs := append([]CrushBucket(nil), m.Buckets...)
	sort.Slice(bs, func(i, j int) bool { return bs[i].ID > bs[j].ID })
	buckets := make([]any, 0, len(bs))
	for _, b := range bs {
		var w int64
		items := make([]any, len(b.Items))
		for i, it := range b.Items {
			w += it.Weight
			items[i] = obj{{"id", it.ID}, {"weight", it.Weight}, {"pos", i}}
		}
		buckets = append(buckets, obj{{"id", b.ID}, {"name", b.Name}, {"type_id", b.TypeID}, {"type_name", b.Type},
			{"weight", w}, {"alg", "straw2"}, {"hash", "rjenkins1"}, {"items", items}})
	}
	v := obj{{"devices", devices}, {"types", types}, {"buckets", buckets}, {"rules", rules},
		{"tunables", crushTunablesFor(rules)}, {"choose_args", obj{}}}
	return jsonOnly(v, f, true)
}

// sortedRules are the CRUSH rules by id, steps never null.
func (e *Emulator) sortedRules(ctx context.Context) ([]ceph.CrushRule, error) {
	if e.c.CrushRules == nil {
		return nil, ceph.UnimplementedError("crush_rule", "list")
	}
	rules, err := e.c.CrushRules.List(ctx)
	if err != nil {
		return nil, err
	}
	rules = append([]ceph.CrushRule(nil), rules...)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].RuleID < rules[j].RuleID })
	for i := range rules {
		rules[i].Steps = emptyList(rules[i].Steps)
	}
	return rules, nil
}

// --- object and PG placement ---------------------------------------------------------

// strHashRjenkins is Ceph's ceph_str_hash_rjenkins (Bob Jenkins' lookup2),
// the object hash of every pool the domain makes (object_hash 2).
func strHashRjenkins(s string) uint32 {
	k := []byte(s)
	length := uint32(len(k))
	a, b, c := uint32(0x9e3779b9), uint32(0x9e3779b9), uint32(0)
	mix := func() {
		a -= b
		a -= c
		a ^= c >> 13
		b -= c
		b -= a
		b ^= a << 8
		c -= a
		c -= b
		c ^= b >> 13
		a -= b
		a -= c
		a ^= c >> 12
		b -= c
		b -= a
		b ^= a << 16
		c -= a
		c -= b
		c ^= b >> 5
		a -= b
		a -= c
		a ^= c >> 3
		b -= c
		b -= a
		b ^= a << 10
		c -= a
		c -= b
		c ^= b >> 15
	}
	word := func(p []byte) uint32 {
		return uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24
	}
	for len(k) >= 12 {
		a += word(k[0:])
		b += word(k[4:])
		c += word(k[8:])
		mix()
		k = k[12:]
	}
	c += length
	// The tail: byte i of the last 11 goes to a (0-3), b (4-7) or c
	// (8-10, shifted one byte up: c's low byte holds the length).
	for i := len(k) - 1; i >= 0; i-- {
		switch {
		case i >= 8:
			c += uint32(k[i]) << (8 * uint(i-7))
		case i >= 4:
			b += uint32(k[i]) << (8 * uint(i-4))
		default:
			a += uint32(k[i]) << (8 * uint(i))
		}
	}
	mix()
	return c
}

// stableMod is ceph_stable_mod: x's PG among b PGs, bmask being the
// smallest 2^n-1 >= b-1.
func stableMod(x, b, bmask uint32) uint32 {
	if x&bmask < b {
		return x & bmask
	}
	return x & (bmask >> 1)
}

func pgMask(pgNum int) uint32 {
	m := uint32(1)
	for int(m) < pgNum {
		m <<= 1
	}
	return m - 1
}

func pgVector(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		if id == crushNone {
			s[i] = "NONE"
		} else {
			s[i] = strconv.Itoa(id)
		}
	}
	return "[" + strings.Join(s, ",") + "]"
}

func intVector(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return "[" + strings.Join(s, ",") + "]"
}

func primary(ids []int) int {
	for _, id := range ids {
		if id != crushNone {
			return id
		}
	}
	return -1
}

func (m *PGMap) pool(id int) *PoolPGs {
	for i := range m.Pools {
		if m.Pools[i].ID == id {
			return &m.Pools[i]
		}
	}
	return nil
}

func (p *PoolPGs) pg(ps uint32) PGPlacement {
	i := int(stableMod(ps, uint32(p.PGNum), pgMask(p.PGNum)))
	if i < len(p.PGs) {
		return p.PGs[i]
	}
	return PGPlacement{}
}

func intsOrEmpty(l []int) []int { return emptyList(l) }

// osdMap answers `osd map <pool> <object> [<nspace>]`: the object's PG
// (the rjenkins hash of "nspace\x1fname" folded onto pg_num) and the PG's
// up and acting sets.
func (e *Emulator) osdMap(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("osd map"); err != nil {
		return nil, "", err
	}
	m, err := e.maps.PGs(ctx)
	if err != nil {
		return nil, "", err
	}
	poolName, name, ns := a.str("pool"), a.str("object"), a.str("nspace")
	var p *PoolPGs
	for i := range m.Pools {
		if m.Pools[i].Name == poolName {
			p = &m.Pools[i]
		}
	}
	if p == nil {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("pool %s does not exist", poolName))
	}
	key, full := name, name
	if ns != "" {
		key, full = ns+"\x1f"+name, ns+"/"+name
	}
	ps := strHashRjenkins(key)
	pg := p.pg(ps)
	raw := fmt.Sprintf("%d.%x", p.ID, ps)
	pgid := fmt.Sprintf("%d.%x", p.ID, stableMod(ps, uint32(p.PGNum), pgMask(p.PGNum)))
	upP, actP := primary(pg.Up), primary(pg.Acting)
	if f == plain {
		return []byte(fmt.Sprintf("osdmap e%d pool '%s' (%d) object '%s' -> pg %s (%s) -> up (%s, p%d) acting (%s, p%d)\n",
			m.Epoch, poolName, p.ID, full, raw, pgid, pgVector(pg.Up), upP, pgVector(pg.Acting), actP)), "", nil
	}
	return jsonOut(obj{{"epoch", m.Epoch}, {"pool", poolName}, {"pool_id", p.ID}, {"objname", full},
		{"raw_pgid", raw}, {"pgid", pgid}, {"up", intsOrEmpty(pg.Up)}, {"up_primary", upP},
		{"acting", intsOrEmpty(pg.Acting)}, {"acting_primary", actP}}, f)
}

// parsePGID parses "<pool>.<ps in hex>" as pg_t::parse does.
func parsePGID(s string) (pool int, ps uint32, ok bool) {
	i := strings.IndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return 0, 0, false
	}
	p, err := strconv.ParseUint(s[:i], 10, 63)
	if err != nil {
		return 0, 0, false
	}
	x, err := strconv.ParseUint(s[i+1:], 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return int(p), uint32(x), true
}

// pgMap answers `pg map <pgid>`: the PG the id folds onto and its up and
// acting sets (any ps is accepted, as by the monitor: 1.99 is 1.0 when
// the pool has one PG).
func (e *Emulator) pgMap(ctx context.Context, a args, f format) ([]byte, string, error) {
	if err := e.needMaps("pg map"); err != nil {
		return nil, "", err
	}
	s := a.str("pgid")
	poolID, ps, ok := parsePGID(s)
	if !ok {
		return nil, "", cmdError(syscall.EINVAL, fmt.Sprintf("invalid pgid '%s'", s))
	}
	m, err := e.maps.PGs(ctx)
	if err != nil {
		return nil, "", err
	}
	p := m.pool(poolID)
	if p == nil {
		return nil, "", cmdError(syscall.ENOENT, fmt.Sprintf("pg '%s' does not exist", s))
	}
	pg := p.pg(ps)
	raw := fmt.Sprintf("%d.%x", poolID, ps)
	pgid := fmt.Sprintf("%d.%x", poolID, stableMod(ps, uint32(p.PGNum), pgMask(p.PGNum)))
	if f == plain {
		return []byte(fmt.Sprintf("osdmap e%d pg %s (%s) -> up %s acting %s\n", m.Epoch, raw, pgid,
			intVector(pg.Up), intVector(pg.Acting))), "", nil
	}
	return jsonOut(obj{{"epoch", m.Epoch}, {"raw_pgid", raw}, {"pgid", pgid},
		{"up", intsOrEmpty(pg.Up)}, {"acting", intsOrEmpty(pg.Acting)}}, f)
}

func jsonOut(v any, f format) ([]byte, string, error) {
	b, err := encodeJSON(v, f)
	return b, "", err
}

// reported is the PG as the PG map has it.
func (pg PGPlacement) reported() PGPlacement {
	if pg.Reported != nil {
		pg.Up, pg.Acting = pg.Reported, pg.Reported
	}
	return pg
}
