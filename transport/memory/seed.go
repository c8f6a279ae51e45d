package memory

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

// The option schemas below are facts taken from a real 16.2.15 cluster
// (`ceph config help NAME -f json`, the dashboard's /api/mgr/module and
// /api/pool/NAME/configuration): the model's reference data, not replies.
var (
	//go:embed config_options.json
	configOptionsJSON []byte
	//go:embed mgr_modules.json
	mgrModulesJSON []byte
	//go:embed rbd_config_defaults.json
	rbdDefaultsJSON []byte
)

// alwaysOnModules are pacific's always-on manager modules.
var alwaysOnModules = map[string]bool{
	"balancer": true, "crash": true, "devicehealth": true, "orchestrator": true,
	"pg_autoscaler": true, "progress": true, "rbd_support": true, "status": true,
	"telemetry": true, "volumes": true,
}

// enabledModules are the modules enabled at start (mgr_initial_modules
// "restful iostat" plus the dashboard and prometheus).
var enabledModules = []string{"dashboard", "iostat", "prometheus", "restful"}

// hiddenModules exist in the mgr map but are not managed through the
// dashboard API (its ignore_modules).
var hiddenModules = map[string]bool{"selftest": true}

type mgrModule struct {
	name    string
	enabled bool
	options map[string]ceph.MgrModuleOption
	values  map[string]any
}

// fileConfig holds values the model treats as set in ceph.conf: they apply
// but are not in the configuration database (so they have no "value").
var fileConfig = map[string]string{
	"mon_allow_pool_delete": "true",
}

func newCluster(s settings) *cluster {
	c := &cluster{
		now:          s.now,
		fsid:         s.fsid,
		mgrHost:      s.mgrHost,
		flags:        map[string]bool{"sortbitwise": true, "recovery_deletes": true, "purged_snapdirs": true, "pglog_hardlimit": true},
		buckets:      map[int]*bucket{},
		bucketByName: map[string]int{},
		nextBucketID: -1,
		shadowIDs:    map[string]int{},
		pools:        map[int]*pool{},
		poolByName:   map[string]int{},
		rules:        map[int]*rule{},
		ruleByName:   map[string]int{},
		profiles: map[string]map[string]string{
			"default": {"k": "2", "m": "2", "plugin": "jerasure", "technique": "reed_sol_van"},
		},
		config:     map[string]map[string]string{},
		fileConfig: map[string]string{},
		lastChecks: map[string]string{},
		mgrEpoch:   5,
	}
	c.created = c.now()
	for k, v := range fileConfig {
		c.fileConfig[k] = v
	}
	c.loadSchemas()
	if s.topology != nil {
		c.seedGenerated(*s.topology)
	} else {
		c.seedDemo()
	}
	for _, name := range s.fileSystems {
		c.addFileSystemLocked(name)
	}
	for _, id := range s.gateways {
		c.addGatewayLocked(id)
	}
	c.ensureShadowsLocked()
	c.modified, c.lastUpChange, c.lastInChange = c.created, c.created, c.created
	c.seedConfigKeys()
	c.cephxLocked() // the first entities' keys, created with the cluster
	for _, o := range c.osds {
		if o != nil {
			c.lastUp += b2i(o.up)
			c.lastIn += b2i(o.in)
		}
	}
	c.lastChecks = map[string]string{}
	for _, hc := range c.healthLocked(nil).checks {
		c.lastChecks[hc.Type] = hc.Summary.Message
	}
	return c
}

func (c *cluster) loadSchemas() {
	if err := json.Unmarshal(configOptionsJSON, &c.schema); err != nil {
		panic("memory: bad embedded config schema: " + err.Error())
	}
	sort.Slice(c.schema, func(i, j int) bool { return c.schema[i].Name < c.schema[j].Name })
	c.schemaIndex = make(map[string]int, len(c.schema))
	for i, o := range c.schema {
		c.schemaIndex[o.Name] = i
	}

	var mods []struct {
		Name    string                          `json:"name"`
		Options map[string]ceph.MgrModuleOption `json:"options"`
	}
	if err := json.Unmarshal(mgrModulesJSON, &mods); err != nil {
		panic("memory: bad embedded mgr module schema: " + err.Error())
	}
	mods = append(mods, struct {
		Name    string                          `json:"name"`
		Options map[string]ceph.MgrModuleOption `json:"options"`
	}{Name: "selftest", Options: map[string]ceph.MgrModuleOption{}})
	sort.Slice(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	c.moduleIndex = map[string]*mgrModule{}
	for _, m := range mods {
		mm := &mgrModule{name: m.Name, options: m.Options, values: map[string]any{}}
		if mm.options == nil {
			mm.options = map[string]ceph.MgrModuleOption{}
		}
		c.modules = append(c.modules, mm)
		c.moduleIndex[m.Name] = mm
	}
	for _, n := range enabledModules {
		if m := c.moduleIndex[n]; m != nil {
			m.enabled = true
		}
	}

	if err := json.Unmarshal(rbdDefaultsJSON, &c.rbdDefaults); err != nil {
		panic("memory: bad embedded rbd config defaults: " + err.Error())
	}
	c.rbdIndex = make(map[string]int, len(c.rbdDefaults))
	for i, o := range c.rbdDefaults {
		c.rbdIndex[o.Name] = i
	}
}

// formatDefault renders a schema default (decoded from JSON) as Ceph
// prints it: 939524096, not 9.39524096e+08.
func formatDefault(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (c *cluster) defaultRulesLocked() {
	root := c.bucketByName["default"]
	c.addRuleLocked("replicated_rule", 1, root, "", "host", 1, 10)
}

// seedDemo builds the seed's example cluster.
func (c *cluster) seedDemo() {
	// Like vstart and the project's dev cluster: one copy per object on a
	// one-OSD cluster, without the no-redundancy warning.
	c.fileConfig["osd_pool_default_size"] = "1"
	c.fileConfig["osd_pool_default_min_size"] = "1"
	c.fileConfig["mon_allow_pool_size_one"] = "true"
	c.fileConfig["mon_warn_on_pool_no_redundancy"] = "false"

	root := c.addBucketLocked("default", "root", 0)
	host := c.addBucketLocked("dev", "host", root.id)
	for _, r := range []string{"rack01", "rack02", "rack03"} {
		c.addBucketLocked(r, "rack", root.id)
	}
	c.epoch = 1
	o := c.newOSDLocked(host, 1, "hdd", "127.0.0.1")
	c.bootLocked(o)
	o.in, o.reweight = true, 1
	c.defaultRulesLocked()
	c.epoch = 8
	c.crushVersion = 3
	c.addDeviceHealthPoolLocked()
	c.epoch = 9
	c.clogLocked("[INF]", "mon.a is new leader, mons a in quorum (ranks 0)")
	c.clogLocked("[DBG]", "monmap e1: 1 mons at {a=[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]}")
	c.clogLocked("[DBG]", "mgrmap e%d: x(active, starting)", c.mgrEpoch)
	c.clogLocked("[INF]", "osd.0 [v2:127.0.0.1:6800/%d,v1:127.0.0.1:6801/%d] boot", o.nonce, o.nonce)
	c.clogLocked("[DBG]", "osdmap e%d: 1 total, 1 up, 1 in", c.epoch)
	c.clogLocked("[INF]", "Cluster is now healthy")
}

// addDeviceHealthPoolLocked creates the pool the devicehealth module
// creates on a real cluster.
func (c *cluster) addDeviceHealthPoolLocked() {
	p := c.newPoolLocked("device_health_metrics", ceph.Replicated, 1)
	p.apps["mgr_devicehealth"] = map[string]string{}
	p.options["pg_num_min"] = 1
	p.options["pg_num_max"] = 32
	p.autoscale = "off"
}

// newPoolLocked adds a replicated pool with the cluster defaults.
func (c *cluster) newPoolLocked(name string, typ ceph.PoolType, pgNum int) *pool {
	c.poolMax++
	size := int(c.configInt("osd_pool_default_size", "mon"))
	minSize := int(c.configInt("osd_pool_default_min_size", "mon"))
	if minSize == 0 {
		minSize = size - size/2
	}
	p := &pool{
		id: c.poolMax, name: name, typ: typ, size: size, minSize: minSize,
		pgNum: pgNum, pgpNum: pgNum, autoscale: c.configValue("osd_pool_default_pg_autoscale_mode", "mon"),
		flags: poolFlagHashPSPool, apps: map[string]map[string]string{}, options: map[string]any{},
		created: c.now(), createdEpoch: c.epoch + 1, lastChange: c.epoch + 1, rbdConfig: map[string]string{}, images: map[string]*image{},
	}
	c.pools[p.id] = p
	c.poolByName[name] = p.id
	return p
}

// newOSDLocked adds an OSD (down, in, "new") to bucket b.
func (c *cluster) newOSDLocked(b *bucket, weight float64, class, ip string) *osdEntry {
	id := len(c.osds)
	for i, x := range c.osds { // reuse the lowest free id, as `osd new` does
		if x == nil {
			id = i
			break
		}
	}
	o := &osdEntry{
		id: id, name: "osd." + strconv.Itoa(id), uuid: uuidFor(c.fsid, fmt.Sprintf("osd.%d", id)), isNew: true,
		in: true, reweight: 1, // `osd new` leaves the OSD in (weight 1), down and "new"
		crushWeight: weight, primaryAffinity: 1, class: class, ip: ip,
		created: c.now(), capacity: int64(weight * (1 << 40)),
	}
	if o.capacity <= 0 {
		o.capacity = 1 << 40
	}
	if b != nil {
		o.slot = len(b.items)
		o.parent = b.id
		o.hostname = b.name
		b.items = append(b.items, id)
	}
	if id == len(c.osds) {
		c.osds = append(c.osds, o)
	} else {
		c.osds[id] = o
	}
	c.numOSDs++
	return o
}

func (c *cluster) assignAddrLocked(o *osdEntry) {
	ip := o.ip
	if ip == "" {
		ip = "127.0.0.1"
	}
	o.setAddrs(ip, 6800+8*(o.slot%64), int64(1000+7*o.id))
}

// seedGenerated builds a cluster of t.Hosts x t.OSDsPerHost OSDs and
// t.Pools pools, HEALTH_OK.
func (c *cluster) seedGenerated(t Topology) {
	if t.Hosts < 1 {
		t.Hosts = 1
	}
	if t.OSDsPerHost < 1 {
		t.OSDsPerHost = 1
	}
	if t.Size <= 0 {
		t.Size = min(3, t.Hosts)
	}
	if t.Size > t.Hosts {
		t.Size = t.Hosts
	}
	if t.DeviceClass == "" {
		t.DeviceClass = "hdd"
	}
	if t.OSDWeight <= 0 {
		t.OSDWeight = 1
	}
	nOSD := t.Hosts * t.OSDsPerHost
	if t.PGsPerPool <= 0 {
		t.PGsPerPool = 1
		if t.Pools > 0 {
			target := nOSD * 100 / (t.Pools * t.Size)
			for t.PGsPerPool*2 <= target && t.PGsPerPool < 256 {
				t.PGsPerPool *= 2
			}
		}
	}
	c.fileConfig["osd_pool_default_size"] = strconv.Itoa(t.Size)
	if t.Size == 1 {
		c.fileConfig["mon_allow_pool_size_one"] = "true"
		c.fileConfig["mon_warn_on_pool_no_redundancy"] = "false"
	}
	// Keep the PG-per-OSD limit above what the topology asks for.
	perOSD := (t.Pools*t.PGsPerPool*t.Size + 1) / nOSD
	if perOSD > 250 {
		c.fileConfig["mon_max_pg_per_osd"] = strconv.Itoa(perOSD * 2)
	}

	root := c.addBucketLocked("default", "root", 0)
	var racks []*bucket
	for r := 0; r < t.Racks; r++ {
		racks = append(racks, c.addBucketLocked(fmt.Sprintf("rack%02d", r+1), "rack", root.id))
	}
	c.osds = make([]*osdEntry, 0, nOSD)
	c.epoch = 1
	for h := 0; h < t.Hosts; h++ {
		parent := root
		if len(racks) > 0 {
			parent = racks[h%len(racks)]
		}
		host := c.addBucketLocked(fmt.Sprintf("host%04d", h+1), "host", parent.id)
		ip := fmt.Sprintf("10.0.%d.%d", h/250, h%250+1)
		for i := 0; i < t.OSDsPerHost; i++ {
			o := c.newOSDLocked(host, t.OSDWeight, t.DeviceClass, ip)
			c.bootLocked(o)
			o.in, o.reweight = true, 1
		}
	}
	c.defaultRulesLocked()
	c.epoch = 10 + nOSD/100
	c.crushVersion = 2 + t.Hosts + t.Racks
	c.addDeviceHealthPoolLocked()
	c.epoch++
	for i := 0; i < t.Pools; i++ {
		p := c.newPoolLocked(fmt.Sprintf("pool-%03d", i), ceph.Replicated, t.PGsPerPool)
		p.apps["rbd"] = map[string]string{}
		p.objects = t.ObjectsPerPool
		p.stored = t.ObjectsPerPool * t.BytesPerObject
		c.epoch++
	}
	c.clogLocked("[DBG]", "osdmap e%d: %d total, %d up, %d in", c.epoch, nOSD, nOSD, nOSD)
}
