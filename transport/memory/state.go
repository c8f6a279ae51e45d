package memory

import (
	"crypto/sha1"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// cephVersion is the version string every daemon of the model reports.
const cephVersion = "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)"

// CRUSH bucket types and their type ids, as in a default 16.2 CRUSH map.
var crushTypeIDs = map[string]int{
	"osd": 0, "host": 1, "chassis": 2, "rack": 3, "row": 4, "pdu": 5, "pod": 6,
	"room": 7, "datacenter": 8, "zone": 9, "region": 10, "root": 11,
}

// OSD map flags in the order Ceph prints them (OSDMap::get_flag_string),
// with the bit each one has in flags_num.
var osdmapFlagOrder = []struct {
	name string
	bit  int64
}{
	{"full", 1 << 1}, {"pauserd", 1 << 2}, {"pausewr", 1 << 3}, {"noup", 1 << 5},
	{"nodown", 1 << 6}, {"noout", 1 << 7}, {"noin", 1 << 8}, {"nobackfill", 1 << 9},
	{"norebalance", 1 << 14}, {"norecover", 1 << 10}, {"noscrub", 1 << 11},
	{"nodeep-scrub", 1 << 12}, {"notieragent", 1 << 13}, {"nosnaptrim", 1 << 21},
	{"sortbitwise", 1 << 15}, {"recovery_deletes", 1 << 19}, {"purged_snapdirs", 1 << 20},
	{"pglog_hardlimit", 1 << 22},
}

// warnFlags are the cluster flags that raise OSDMAP_FLAGS.
var warnFlags = map[string]bool{
	"pauserd": true, "pausewr": true, "noup": true, "nodown": true, "noin": true,
	"noout": true, "nobackfill": true, "norecover": true, "noscrub": true,
	"nodeep-scrub": true, "notieragent": true, "nosnaptrim": true, "norebalance": true,
}

// Per-OSD flags (osd set-group), as bits.
const (
	osdNoUp uint8 = 1 << iota
	osdNoDown
	osdNoIn
	osdNoOut
)

var osdFlagNames = []struct {
	name string
	bit  uint8
}{{"noup", osdNoUp}, {"nodown", osdNoDown}, {"noin", osdNoIn}, {"noout", osdNoOut}}

// Pool flag bits (pg_pool_t::FLAG_*).
const (
	poolFlagHashPSPool   int64 = 1 << 0
	poolFlagFull         int64 = 1 << 1
	poolFlagECOverwrites int64 = 1 << 2
	poolFlagFullQuota    int64 = 1 << 10
)

var poolFlagNames = []struct {
	name string
	bit  int64
}{
	{"hashpspool", poolFlagHashPSPool}, {"full", poolFlagFull}, {"ec_overwrites", poolFlagECOverwrites},
	{"full_quota", poolFlagFullQuota},
}

type osdEntry struct {
	id              int
	uuid            string
	up, in          bool
	isNew           bool // created, never booted
	destroyed       bool
	reweight        float64 // "weight" in the OSD map: 0 (out) .. 1
	crushWeight     float64
	primaryAffinity float64
	flags           uint8
	class           string
	parent          int // CRUSH bucket the OSD is in; 0: none (stray)
	hostname        string
	ip              string
	port            int
	nonce           int64
	hostPort        [8]string // ip:port+i
	legacy          [4]string // public, cluster, hb back, hb front "ip:port/nonce"
	name            string    // "osd.N"
	slot            int       // position on its host, for its ports
	upFrom, upThru  int
	downAt, lostAt  int
	downSince       time.Time
	created         time.Time
	capacity        int64 // bytes
	scrubs          int64
	deepScrubs      int64
}

type bucket struct {
	id     int
	name   string
	typ    string
	parent int // 0: a root
	items  []int
}

type pool struct {
	id             int
	name           string
	typ            ceph.PoolType
	size, minSize  int
	rule           int
	pgNum, pgpNum  int
	autoscale      string
	ecProfile      string
	flags          int64
	apps           map[string]map[string]string
	quotaBytes     int64
	quotaObjects   int64
	options        map[string]any
	created        time.Time
	createdEpoch   int // the OSD map epoch that created the pool
	lastChange     int
	stripeWidth    int
	fastRead       bool
	stored         int64
	objects        int64
	rbdConfig      map[string]string
	images         map[string]*image // key: namespace + "/" + name
	rbd            *poolRBD          // namespaces and trash; nil until used
	nextImageIndex int
	// lforPreluminous is the epoch of the last pg_num change (Ceph's
	// last_force_op_resend_preluminous).
	lforPreluminous int
}

type rule struct {
	id      int
	name    string
	typ     int // 1 replicated, 3 erasure
	root    int // bucket id of the root taken
	class   string
	domain  string // failure domain type
	minSize int
	maxSize int
	steps   []ceph.CrushStep
}

// cluster is the whole model. Every field is guarded by mu; methods named
// *Locked expect the caller to hold it.
type cluster struct {
	mu sync.RWMutex

	now     func() time.Time
	fsid    string
	created time.Time
	mgrHost string
	// mirrorSite is the RBD mirroring site name ("": the fsid).
	mirrorSite string

	epoch        int
	crushVersion int
	flags        map[string]bool

	osds    []*osdEntry // index = id; nil = no such OSD
	numOSDs int

	buckets      map[int]*bucket
	bucketByName map[string]int
	roots        []int
	nextBucketID int
	shadowIDs    map[string]int // "root~class" -> id

	pools      map[int]*pool
	poolByName map[string]int
	poolMax    int

	rules      map[int]*rule
	ruleByName map[string]int

	profiles map[string]map[string]string

	schema      []ceph.ConfigOption
	schemaIndex map[string]int
	config      map[string]map[string]string // option -> section -> value
	fileConfig  map[string]string            // "ceph.conf" values: not in the database

	modules     []*mgrModule
	moduleIndex map[string]*mgrModule

	rbdDefaults []ceph.PoolConfigOption
	rbdIndex    map[string]int

	clog, audit logRing
	logSeq      int64
	lastChecks  map[string]string // health check -> summary, for the cluster log

	mgrEpoch int

	// fss are the CephFS file systems by id; fsEpoch is the FS map's epoch.
	fss     map[int]*fileSystem
	fsEpoch int

	// rgw is the object gateway (WithGateway); nil without one.
	rgw *gateway

	// cephxKeys are the secrets of the auth database (cephx.go), and
	// configKeys the monitors' config-key store.
	cephxKeys  keyStore
	configKeys map[string][]byte

	modified, lastUpChange, lastInChange time.Time
	lastUp, lastIn                       int
}

// stamp formats t as Ceph does in maps and logs.
func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-0700")
}

// uuidFor derives a stable UUID (RFC 4122 version 5 layout) from the
// cluster fsid and a name, so that a model seeded the same way looks the
// same every time.
func uuidFor(fsid, name string) string {
	h := sha1.Sum([]byte(fsid + "/" + name))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (c *cluster) osd(id int) *osdEntry {
	if id < 0 || id >= len(c.osds) {
		return nil
	}
	return c.osds[id]
}

// osdOrErr returns the OSD or Ceph's ENOENT answer.
func (c *cluster) osdOrErr(id int) (*osdEntry, error) {
	o := c.osd(id)
	if o == nil {
		return nil, ceph.Errorf(ceph.NotFound, "osd", "osd.%d does not exist", id)
	}
	return o, nil
}

func (c *cluster) bumpEpoch() { c.epoch++ }

// flagString is OSDMap::get_flag_string for the given set.
func flagString(set map[string]bool, only map[string]bool) string {
	var b strings.Builder
	for _, f := range osdmapFlagOrder {
		if !set[f.name] || (only != nil && !only[f.name]) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f.name)
	}
	return b.String()
}

func (c *cluster) flagsNum() int64 {
	var n int64
	for _, f := range osdmapFlagOrder {
		if c.flags[f.name] {
			n |= f.bit
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// --- CRUSH helpers ---------------------------------------------------------

func (c *cluster) addBucketLocked(name, typ string, parent int) *bucket {
	id := c.nextBucketID
	c.nextBucketID--
	b := &bucket{id: id, name: name, typ: typ, parent: parent}
	c.buckets[id] = b
	c.bucketByName[name] = id
	if parent == 0 {
		c.roots = append(c.roots, id)
	} else {
		p := c.buckets[parent]
		p.items = append(p.items, id)
	}
	return b
}

// hostBucketLocked returns the host bucket named name, creating it under
// root "default" (created too when missing) if needed.
func (c *cluster) hostBucketLocked(name string) (*bucket, error) {
	if id, ok := c.bucketByName[name]; ok {
		b := c.buckets[id]
		if b.typ != "host" {
			return nil, ceph.Errorf(ceph.InvalidArgument, "osd", "bucket %s is a %s, not a host", name, b.typ)
		}
		return b, nil
	}
	rootID, ok := c.bucketByName["default"]
	if !ok {
		rootID = c.addBucketLocked("default", "root", 0).id
	}
	return c.addBucketLocked(name, "host", rootID), nil
}

func removeInt(s []int, v int) []int {
	for i, x := range s {
		if x == v {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

// ancestors walks from an OSD's bucket to its root and calls fn for each
// bucket; it stops when fn returns false.
func (c *cluster) ancestors(o *osdEntry, fn func(b *bucket) bool) {
	for id := o.parent; id != 0; {
		b := c.buckets[id]
		if b == nil || !fn(b) {
			return
		}
		id = b.parent
	}
}

// location is the CRUSH location string used in health details:
// "root=default,host=dev".
func (c *cluster) location(o *osdEntry) string {
	var parts []string
	c.ancestors(o, func(b *bucket) bool {
		parts = append(parts, b.typ+"="+b.name)
		return true
	})
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ",")
}

func (c *cluster) bucketLocation(b *bucket) string {
	var parts []string
	for id := b.parent; id != 0; {
		p := c.buckets[id]
		if p == nil {
			break
		}
		parts = append(parts, p.typ+"="+p.name)
		id = p.parent
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ",")
}

func (c *cluster) hostName(o *osdEntry) string {
	name := ""
	c.ancestors(o, func(b *bucket) bool {
		if b.typ == "host" {
			name = b.name
			return false
		}
		return true
	})
	return name
}

// --- derived OSD attributes -------------------------------------------------

func (o *osdEntry) stateNames() []string {
	s := make([]string, 0, 6)
	if o.destroyed {
		s = append(s, "destroyed")
	}
	s = append(s, "exists")
	if o.isNew {
		s = append(s, "new")
	}
	for _, f := range osdFlagNames {
		if o.flags&f.bit != 0 {
			s = append(s, f.name)
		}
	}
	if o.up {
		s = append(s, "up")
	}
	sort.Strings(s)
	return s
}

func (o *osdEntry) flagList() []string {
	var out []string
	for _, f := range osdFlagNames {
		if o.flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addr is a legacy address string: 0 public, 1 cluster, 2 heartbeat
// back, 3 heartbeat front.
func (o *osdEntry) addr(which int) string {
	if o.isNew {
		return "(unrecognized address family 0)/0"
	}
	return o.legacy[which]
}

// setAddrs sets the OSD's messenger addresses and caches their strings
// (listing 10,000 OSDs must not format 80,000 addresses).
func (o *osdEntry) setAddrs(ip string, port int, nonce int64) {
	o.ip, o.port, o.nonce = ip, port, nonce
	for i := range o.hostPort {
		o.hostPort[i] = ip + ":" + strconv.Itoa(port+i)
	}
	n := "/" + strconv.FormatInt(nonce, 10)
	o.legacy = [4]string{o.hostPort[1] + n, o.hostPort[3] + n, o.hostPort[7] + n, o.hostPort[5] + n}
}

func (o *osdEntry) addrVec(offset int) *ceph.AddrVec {
	if o.isNew {
		return &ceph.AddrVec{AddrVec: []ceph.EntityAddr{}}
	}
	return &ceph.AddrVec{AddrVec: []ceph.EntityAddr{
		{Type: "v2", Addr: o.hostPort[offset], Nonce: o.nonce},
		{Type: "v1", Addr: o.hostPort[offset+1], Nonce: o.nonce},
	}}
}

func (o *osdEntry) mapEntry() ceph.OSDMapEntry {
	return ceph.OSDMapEntry{
		PublicAddrs:     o.addrVec(0),
		ClusterAddrs:    o.addrVec(2),
		OSD:             o.id,
		UUID:            o.uuid,
		Up:              b2i(o.up),
		In:              b2i(o.in),
		Weight:          o.reweight,
		PrimaryAffinity: o.primaryAffinity,
		UpFrom:          o.upFrom,
		UpThru:          o.upThru,
		DownAt:          o.downAt,
		LostAt:          o.lostAt,
		PublicAddr:      o.addr(0),
		ClusterAddr:     o.addr(1),
		HeartbeatBack:   o.addr(2),
		HeartbeatFront:  o.addr(3),
		State:           o.stateNames(),
	}
}

func (o *osdEntry) status() string {
	switch {
	case o.destroyed:
		return "destroyed"
	case o.up:
		return "up"
	}
	return "down"
}

// --- pools -----------------------------------------------------------------

// quotaFull reports whether the pool reached a quota.
func (p *pool) quotaFull() bool {
	return (p.quotaBytes > 0 && p.stored >= p.quotaBytes) || (p.quotaObjects > 0 && p.objects >= p.quotaObjects)
}

// flagBits are the pool's flags, with "full" and "full_quota" set while a
// quota is reached, as the monitor sets them.
func (p *pool) flagBits() int64 {
	f := p.flags
	if p.quotaFull() {
		f |= poolFlagFull | poolFlagFullQuota
	}
	return f
}

func (p *pool) flagsNames() string {
	bits := p.flagBits()
	var names []string
	for _, f := range poolFlagNames {
		if bits&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ",")
}

func (c *cluster) poolByNameOrErr(name string) (*pool, error) {
	id, ok := c.poolByName[name]
	if !ok {
		return nil, ceph.Errorf(ceph.NotFound, "pool", "pool '%s' does not exist", name)
	}
	return c.pools[id], nil
}

func (c *cluster) sortedPools() []*pool {
	out := make([]*pool, 0, len(c.pools))
	for _, p := range c.pools {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (c *cluster) sortedRules() []*rule {
	out := make([]*rule, 0, len(c.rules))
	for _, r := range c.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// --- configuration values used by the model ---------------------------------

// configValue returns the effective value of an option for a daemon type:
// the section's value, else global's, else the schema default.
func (c *cluster) configValue(name, section string) string {
	if v, ok := c.config[name][section]; ok {
		return v
	}
	if v, ok := c.config[name]["global"]; ok {
		return v
	}
	if v, ok := c.fileConfig[name]; ok {
		return v
	}
	if i, ok := c.schemaIndex[name]; ok {
		return formatDefault(c.schema[i].Default)
	}
	return ""
}

func (c *cluster) configInt(name, section string) int64 {
	var n int64
	fmt.Sscan(c.configValue(name, section), &n)
	return n
}

func (c *cluster) configBool(name, section string) bool {
	v, _ := parseBool(c.configValue(name, section))
	return v
}

func (c *cluster) configFloat(name, section string) float64 {
	var f float64
	fmt.Sscan(c.configValue(name, section), &f)
	return f
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}
