package memory

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
	"github.com/cephapi/cephapi/internal/cmdemu"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/rgw"
)

// Compile-time checks: the model implements every service of the bundle;
// Commands is the command emulator (internal/cmdemu) over these services.
var (
	_ ceph.Health              = healthService{}
	_ ceph.Monitors            = monitorsService{}
	_ ceph.Pools               = poolsService{}
	_ ceph.CrushRules          = crushRulesService{}
	_ ceph.ErasureCodeProfiles = ecProfilesService{}
	_ ceph.ClusterConfig       = configService{}
	_ ceph.MgrModules          = mgrModulesService{}
	_ ceph.Logs                = logsService{}
	_ ceph.PerfCounters        = perfService{}
	_ ceph.Hosts               = hostsService{}
	_ osd.OSDs                 = osdsService{}
	_ osd.Flags                = osdFlagsService{}
	_ osd.Lifecycle            = lifecycleService{}
	_ rbd.Images               = imagesService{}
	_ rbd.Snapshots            = snapshotsService{}
	_ rbd.Trash                = trashService{}
	_ rbd.Namespaces           = namespacesService{}
	_ cephfs.FileSystems       = fileSystemsService{}
	_ cephfs.Directories       = directoriesService{}
	_ rgw.Daemons              = rgwDaemonsService{}
	_ rgw.Site                 = rgwSiteService{}
	_ rgw.Users                = rgwUsersService{}
	_ rgw.Buckets              = rgwBucketsService{}
)

// Option configures New and NewFake.
type Option func(*settings)

type settings struct {
	now      func() time.Time
	fsid     string
	topology *Topology
	mgrHost  string
	// fileSystems are the CephFS volumes to make (WithFileSystem).
	fileSystems []string
	// gateways are the radosgw daemon ids to add (WithGateway).
	gateways []string
}

// WithClock sets the clock the model stamps maps, pools and log lines with
// (time.Now by default). Use a fixed clock for reproducible output.
func WithClock(now func() time.Time) Option {
	return func(s *settings) {
		if now != nil {
			s.now = now
		}
	}
}

// WithFSID sets the cluster fsid (random by default). OSD UUIDs are derived
// from it, so a fixed fsid gives a fully reproducible model.
func WithFSID(fsid string) Option { return func(s *settings) { s.fsid = fsid } }

// WithMgrHost sets the dashboard URL the summary reports as mgr_host.
func WithMgrHost(url string) Option { return func(s *settings) { s.mgrHost = url } }

// WithFileSystem adds a CephFS file system named name, as `ceph fs volume
// create` makes one: pools cephfs.NAME.meta and cephfs.NAME.data and one
// active MDS. Ids are given in the order of the options, from 1.
func WithFileSystem(name string) Option {
	return func(s *settings) { s.fileSystems = append(s.fileSystems, name) }
}

// WithGateway adds a RADOS Gateway daemon with id id (client.rgw.ID) to
// the service map, serving zone "default" of zonegroup "default" with the
// placement target "default-placement" (data pool
// default.rgw.buckets.data). The first one also makes the dashboard's
// system user "dashboard" with one S3 key, as `ceph dashboard
// set-rgw-credentials` does. Without a gateway the RGW services answer
// Unavailable ("No RGW service is running.") and list no daemons.
func WithGateway(id string) Option {
	return func(s *settings) { s.gateways = append(s.gateways, id) }
}

// Topology describes a generated cluster. Zero fields take the defaults
// noted on each.
type Topology struct {
	// Hosts is the number of host buckets (at least 1).
	Hosts int
	// OSDsPerHost is the number of OSDs per host (at least 1).
	OSDsPerHost int
	// Racks spreads the hosts round-robin over this many racks under root
	// "default"; 0 puts the hosts directly under the root.
	Racks int
	// Pools is the number of replicated RBD pools ("pool-000", ...).
	Pools int
	// Size is the replica count of the pools: default min(3, Hosts).
	Size int
	// PGsPerPool is each pool's pg_num: default the largest power of two
	// (at most 256) that keeps about 100 PGs per OSD.
	PGsPerPool int
	// ObjectsPerPool and BytesPerObject seed each pool's usage (default 0).
	ObjectsPerPool int64
	BytesPerObject int64
	// DeviceClass of every OSD (default "hdd").
	DeviceClass string
	// OSDWeight is each OSD's CRUSH weight (default 1, i.e. 1 TiB).
	OSDWeight float64
}

// WithTopology replaces the demo cluster with a generated one. The
// generated cluster is HEALTH_OK: every OSD is up and in, every pool has the
// "rbd" application and enough hosts for its size.
func WithTopology(t Topology) Option { return func(s *settings) { tt := t; s.topology = &tt } }

// WithGenerated is WithTopology for hosts x osdsPerHost OSDs and pools pools.
func WithGenerated(hosts, osdsPerHost, pools int) Option {
	return WithTopology(Topology{Hosts: hosts, OSDsPerHost: osdsPerHost, Pools: pools})
}

// New returns a client backed by a fresh in-memory cluster. Without
// options it is the demo cluster: root "default" with host "dev" holding
// osd.0 (CRUSH weight 1, up, in) and the empty racks rack01, rack02 and
// rack03; HEALTH_OK.
func New(opts ...Option) *cephapi.Client {
	c, _ := build(false, opts)
	return c
}

// NewFake is New for tests: it also returns the *Fake handle that records
// calls and injects errors.
func NewFake(opts ...Option) (*cephapi.Client, *Fake) {
	return build(true, opts)
}

func build(record bool, opts []Option) (*cephapi.Client, *Fake) {
	s := settings{now: time.Now}
	for _, o := range opts {
		o(&s)
	}
	if s.fsid == "" {
		s.fsid = newUUID()
	}
	cl := newCluster(s)
	register(cl)
	f := &Fake{c: cl, record: record}
	f.update()
	be := &backend{c: cl, f: f}
	parts := cephapi.Client{
		Health:              healthService{backend: be},
		Monitors:            monitorsService{backend: be},
		Pools:               poolsService{backend: be},
		CrushRules:          crushRulesService{backend: be},
		ErasureCodeProfiles: ecProfilesService{backend: be},
		Config:              configService{backend: be},
		MgrModules:          mgrModulesService{backend: be},
		Logs:                logsService{backend: be},
		PerfCounters:        perfService{backend: be},
		Hosts:               hostsService{backend: be},
		OSDs:                osdsService{backend: be},
		OSDFlags:            osdFlagsService{backend: be},
		OSDLifecycle:        lifecycleService{backend: be},
		RBD: cephapi.RBD{
			Images: imagesService{backend: be}, Snapshots: snapshotsService{backend: be},
			Trash: trashService{backend: be}, Namespaces: namespacesService{backend: be},
			Mirroring: mirroringService{backend: be}, Peers: peersService{backend: be},
		},
		CephFS: cephapi.CephFS{FileSystems: fileSystemsService{backend: be}, Directories: directoriesService{backend: be}},
		RGW: cephapi.RGW{
			Daemons: rgwDaemonsService{backend: be}, Site: rgwSiteService{backend: be},
			Users: rgwUsersService{backend: be}, Buckets: rgwBucketsService{backend: be},
		},
	}
	c := cephapi.New(&parts, cephapi.WithCloser(func() error { return nil }))
	// Commands: the command emulator answers Ceph commands (health, osd
	// tree, osd out, ...) from the validated services above.
	c.Commands = ceph.ValidatedCommander(cmdemu.New(c, cmdemu.WithMaps(be), cmdemu.WithAuth(cmdBackend{be}), cmdemu.WithConfigKeys(cmdBackend{be})))
	return c, f
}

// backend is shared by every service of one client.
type backend struct {
	c *cluster
	f *Fake
}

// enter is the prologue of every call: the context check, call recording
// and error injection. method is "Service.Method" as the field of
// cephapi.Client is named ("Pools.Create", "OSDs.Mark", "RBD.Images.Get").
func (b *backend) enter(ctx context.Context, method string, args ...any) error {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		return err
	}
	return b.f.intercept(method, args)
}

// update is the frame of a write: enter, then f under the write lock.
func (b *backend) update(ctx context.Context, method string, args []any, f func(c *cluster) error) error {
	if err := b.enter(ctx, method, args...); err != nil {
		return err
	}
	c := b.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return f(c)
}

// view is the frame of a read: enter, then f under the read lock.
func view[T any](b *backend, ctx context.Context, method string, args []any, f func(c *cluster) (T, error)) (T, error) {
	if err := b.enter(ctx, method, args...); err != nil {
		var zero T
		return zero, err
	}
	c := b.c
	c.mu.RLock()
	defer c.mu.RUnlock()
	return f(c)
}

// write is update for a write that is one mon command: it audits cmd's
// dispatch before f and its completion only when f succeeds, as
// auditLocked's callers must.
func (b *backend) write(ctx context.Context, method string, args []any, cmd string, f func(c *cluster) error) error {
	return b.update(ctx, method, args, func(c *cluster) error {
		done := c.auditLocked(cmd)
		if err := f(c); err != nil {
			return err
		}
		done()
		return nil
	})
}

// Call is one recorded call: the method name as "Service.Method" (the
// cephapi.Client field, then the method: "Pools.Create", "OSDs.Mark",
// "OSDFlags.Set", "RBD.Images.Create") and its arguments after the context,
// as passed (option structs are recorded as the pointers given).
type Call struct {
	Method string
	Args   []any
}

// Fake is the test handle of a model made with NewFake: it records every
// call that passed argument validation and lets tests inject errors, in the
// style of client-go's reactors. It also offers state changes a client
// cannot make (an OSD daemon stopping or booting, usage growing). Raw
// Commands run through the command emulator, so what a command does is
// recorded as the service calls it makes. A Fake is safe for concurrent use.
type Fake struct {
	c      *cluster
	mu     sync.Mutex
	record bool
	calls  []Call
	react  []*reactor
	nextID int
	// active is true when calls must go through mu (recording or reactors).
	active atomic.Bool
}

type reactor struct {
	id     int
	method string
	fn     func(Call) error
	once   bool
}

func (f *Fake) update() { f.active.Store(f.record || len(f.react) > 0) }

func (f *Fake) intercept(method string, args []any) error {
	if !f.active.Load() {
		return nil
	}
	call := Call{Method: method, Args: args}
	f.mu.Lock()
	if f.record {
		f.calls = append(f.calls, call)
	}
	var fire []*reactor
	for _, r := range f.react {
		if r.method == "*" || r.method == method {
			fire = append(fire, r)
		}
	}
	f.mu.Unlock()
	for _, r := range fire {
		if r.once && !f.remove(r.id) {
			continue // another call consumed it
		}
		if err := r.fn(call); err != nil {
			return err
		}
	}
	return nil
}

func (f *Fake) remove(id int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.react {
		if r.id == id {
			f.react = append(f.react[:i:i], f.react[i+1:]...)
			f.update()
			return true
		}
	}
	return false
}

func (f *Fake) add(method string, fn func(Call) error, once bool) func() {
	if method != "*" && !methodNames()[method] {
		// A misspelt name would never fire: fail the test loudly instead.
		panic(fmt.Sprintf("memory.Fake: no method %q; the names are %s", method, methodList(method)))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := f.nextID
	f.react = append(f.react, &reactor{id: id, method: method, fn: fn, once: once})
	f.update()
	return func() { f.remove(id) }
}

// OnCall registers fn to run before every call to method ("Pools.Create",
// or "*" for every method), in registration order. A method name that is
// not a method of cephapi.Client's services panics (see MethodNames). A non-nil error from fn
// is returned to the caller unchanged and the call does nothing else. The
// returned func removes the reactor.
func (f *Fake) OnCall(method string, fn func(Call) error) (remove func()) {
	return f.add(method, fn, false)
}

// FailNext makes the next call to method ("*": any method) return err
// unchanged, once. Like OnCall it panics on an unknown method name.
func (f *Fake) FailNext(method string, err error) {
	f.add(method, func(Call) error { return err }, true)
}

// Calls returns the calls recorded so far, oldest first.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// ResetCalls forgets the recorded calls.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// SetOSDUp simulates an OSD daemon stopping (up=false: the monitors mark it
// down) or starting (up=true: it boots and stops being "new"). It honours the noup/nodown flags as the
// monitors would and returns NotFound for an unknown id.
func (f *Fake) SetOSDUp(id int, up bool) error {
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	o, err := c.osdOrErr(id)
	if err != nil {
		return err
	}
	if o.destroyed {
		return ceph.Errorf(ceph.FailedPrecondition, "osd", "osd.%d is destroyed", id)
	}
	if o.up == up {
		return nil
	}
	if up {
		if c.flags["noup"] || o.flags&osdNoUp != 0 {
			return ceph.Errorf(ceph.FailedPrecondition, "osd", "osd.%d cannot boot: noup is set", id)
		}
		c.bootLocked(o)
		c.clogLocked("[INF]", "osd.%d [v2:%s:%d/%d,v1:%s:%d/%d] boot", id, o.ip, o.port, o.nonce, o.ip, o.port+1, o.nonce)
	} else {
		if c.flags["nodown"] || o.flags&osdNoDown != 0 {
			return ceph.Errorf(ceph.FailedPrecondition, "osd", "osd.%d cannot be marked down: nodown is set", id)
		}
		o.up = false
		o.downAt = c.epoch + 1
		o.downSince = c.now()
		c.clogLocked("[INF]", "osd.%d marked itself down", id)
	}
	c.osdmapChangedLocked()
	return nil
}

// SetPoolUsage sets a pool's stored bytes and object count, as if clients
// had written data. NotFound for an unknown pool.
func (f *Fake) SetPoolUsage(name string, storedBytes, objects int64) error {
	if storedBytes < 0 || objects < 0 {
		return ceph.Errorf(ceph.InvalidArgument, "pool", "usage must not be negative")
	}
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.poolByNameOrErr(name)
	if err != nil {
		return err
	}
	p.stored, p.objects = storedBytes, objects
	c.healthChangedLocked()
	return nil
}

// bootLocked marks o up (and in when it is new and noin is not set).
func (c *cluster) bootLocked(o *osdEntry) {
	o.up = true
	o.upFrom = c.epoch + 1
	o.upThru = c.epoch + 1
	if o.isNew {
		o.isNew = false
		if o.port == 0 {
			c.assignAddrLocked(o)
		}
		if !c.flags["noin"] && o.flags&osdNoIn == 0 {
			o.in = true
			o.reweight = 1
		}
	}
}

// MethodNames lists the names Fake knows calls by, sorted: each method of
// each service of cephapi.Client as "Field.Method" ("Pools.Create",
// "RBD.Images.Create"). They come from the Client type itself, so a new
// method is known as soon as its interface has it.
func MethodNames() []string {
	names := make([]string, 0, len(methodNames()))
	for n := range methodNames() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var methodNames = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			switch f.Type.Kind() {
			case reflect.Interface:
				for j := 0; j < f.Type.NumMethod(); j++ {
					out[prefix+f.Name+"."+f.Type.Method(j).Name] = true
				}
			case reflect.Struct:
				walk(prefix+f.Name+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[cephapi.Client]())
	return out
})

// methodList names the known methods of the service method names, or all
// services when it names none.
func methodList(method string) string {
	svc := method
	if i := strings.LastIndexByte(method, '.'); i >= 0 {
		svc = method[:i+1]
	}
	var same []string
	for _, n := range MethodNames() {
		if strings.HasPrefix(n, svc) {
			same = append(same, n)
		}
	}
	if len(same) == 0 {
		same = MethodNames()
	}
	return strings.Join(same, ", ")
}
