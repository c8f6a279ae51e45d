package memory

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
)

// The RADOS Gateway model: the gateways WithGateway adds, one zone
// "default" of zonegroup "default" with placement target
// "default-placement", and the users, keys, quotas and buckets the admin
// API manages, with the rules of a 16.2.15 gateway. Objects are put with
// Fake.PutObject and roles made with Fake.CreateRole. Without a gateway
// the daemon list is empty and every other call is Unavailable, as the
// dashboard answers.
type rgwDaemonsService struct {
	*backend
	rgw.UnimplementedDaemons
}

type rgwSiteService struct {
	*backend
	rgw.UnimplementedSite
}

type rgwUsersService struct {
	*backend
	rgw.UnimplementedUsers
}

type rgwBucketsService struct {
	*backend
	rgw.UnimplementedBuckets
}

const (
	rgwZonegroup   = "default"
	rgwZone        = "default"
	rgwPlacement   = "default-placement"
	rgwDataPool    = "default.rgw.buckets.data"
	rgwSystemUser  = "dashboard"
	rgwTimeFormat  = "2006-01-02T15:04:05.000000Z"
	rgwBlock       = 4096
	rgwMainUsage   = "rgw.main"
	rgwDefaultMaxB = 1000
)

// gateway is the object store of the cluster, guarded by the cluster's mu.
type gateway struct {
	daemons     []*rgwDaemon // sorted by id
	zoneID      string
	zonegroupID string
	users       map[string]*rgwUser   // by full id
	buckets     map[string]*rgwBucket // by rgw.BucketID
	nextBucket  int
	roles       []rgw.Role
	kms         map[string][]rgw.KMSConfig
	// puts, failedPuts and putBytes count Fake.PutObject, for the
	// gateways' perf counters.
	puts, failedPuts, putBytes int64
}

type rgwDaemon struct {
	id      string
	gid     int64
	host    string
	started time.Time
}

type rgwUser struct {
	tenant, id  string
	display     string
	email       string
	suspended   bool
	maxBuckets  int
	system      bool
	keys        []rgw.Key // S3, sorted by access key
	swift       []rgw.Key // sorted by user
	subusers    []rgw.Subuser
	caps        map[string]int // type -> 1 read, 2 write, 3 *
	userQuota   rgw.Quota
	bucketQuota rgw.Quota
}

func (u *rgwUser) fullID() string { return rgw.FullID(u.tenant, u.id) }

type rgwBucket struct {
	tenant, name string
	owner        string // full uid
	id           string
	created      time.Time
	mtime        time.Time
	versioning   string // "" never set
	mfaDelete    string
	lock         bool
	lockMode     string
	days, years  int
	enc          *rgw.Encryption
	objects      map[string]int64
}

func (b *rgwBucket) bid() string { return rgw.BucketID(b.tenant, b.name) }

func rgwErr(code ceph.Code, reason, format string, args ...any) error {
	return &ceph.Error{Code: code, Component: "rgw", Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

func unlimitedQuota() rgw.Quota { return rgw.Quota{MaxSize: -1, MaxObjects: -1} }

// addGatewayLocked adds the radosgw daemon id, making the zone and the
// dashboard's system user with the first one.
func (c *cluster) addGatewayLocked(id string) {
	if c.rgw == nil {
		c.rgw = &gateway{
			zoneID:      uuidFor(c.fsid, "rgw-zone"),
			zonegroupID: uuidFor(c.fsid, "rgw-zonegroup"),
			users:       map[string]*rgwUser{},
			buckets:     map[string]*rgwBucket{},
			kms:         map[string][]rgw.KMSConfig{},
		}
		// As `ceph dashboard set-rgw-credentials` makes it.
		u := newRGWUser("", rgwSystemUser, "Ceph Dashboard", rgwDefaultMaxB)
		u.system = true
		u.keys = []rgw.Key{{User: rgwSystemUser, AccessKey: genAccessKey(), SecretKey: genSecret()}}
		c.rgw.users[rgwSystemUser] = u
	}
	g := c.rgw
	for _, d := range g.daemons {
		if d.id == id {
			return
		}
	}
	g.daemons = append(g.daemons, &rgwDaemon{id: id, gid: int64(4153 + 10*len(g.daemons)), host: c.firstHostLocked(), started: c.now()})
	sort.Slice(g.daemons, func(i, j int) bool { return g.daemons[i].id < g.daemons[j].id })
}

// gatewaysLocked is the number of radosgw daemons, as the health's "rgw"
// counts them (0 without WithGateway).
func (c *cluster) gatewaysLocked() int {
	if c.rgw == nil {
		return 0
	}
	return len(c.rgw.daemons)
}

// firstHostLocked is the name of the first host bucket ("dev" on the demo
// cluster).
func (c *cluster) firstHostLocked() string {
	best, name := 0, "dev"
	for id, b := range c.buckets {
		if b.typ == "host" && (best == 0 || id > best) {
			best, name = id, b.name
		}
	}
	return name
}

func newRGWUser(tenant, id, display string, maxBuckets int) *rgwUser {
	return &rgwUser{tenant: tenant, id: id, display: display, maxBuckets: maxBuckets,
		caps: map[string]int{}, userQuota: unlimitedQuota(), bucketQuota: unlimitedQuota()}
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randString(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func genAccessKey() string { return randString(20, upperAlnum) }
func genSecret() string    { return randString(40, secretChars) }

// gwLocked returns the gateway state for gw ("" the default daemon).
func (c *cluster) gwLocked(gw string) (*gateway, error) {
	if c.rgw == nil || len(c.rgw.daemons) == 0 {
		return nil, rgwErr(ceph.Unavailable, "", "No RGW service is running.")
	}
	if gw == "" {
		return c.rgw, nil
	}
	for _, d := range c.rgw.daemons {
		if d.id == gw {
			return c.rgw, nil
		}
	}
	return nil, rgwErr(ceph.NotFound, "", "RGW Daemon not found: %s", gw)
}

func splitUID(uid string) (tenant, id string) {
	if i := strings.IndexByte(uid, '$'); i >= 0 {
		return uid[:i], uid[i+1:]
	}
	return "", uid
}

// gwUser returns the gateway and one of its users.
func (c *cluster) gwUser(gw, uid string) (*gateway, *rgwUser, error) {
	g, err := c.gwLocked(gw)
	if err != nil {
		return nil, nil, err
	}
	u, err := g.user(uid)
	return g, u, err
}

// gwBucket returns the gateway and one of its buckets.
func (c *cluster) gwBucket(gw, name string) (*gateway, *rgwBucket, error) {
	g, err := c.gwLocked(gw)
	if err != nil {
		return nil, nil, err
	}
	b, err := g.bucket(name)
	return g, b, err
}

func (g *gateway) user(uid string) (*rgwUser, error) {
	if u := g.users[uid]; u != nil {
		return u, nil
	}
	return nil, rgwErr(ceph.NotFound, "NoSuchUser", "The specified user %q does not exist.", uid)
}

func (g *gateway) bucket(name string) (*rgwBucket, error) {
	if b := g.buckets[name]; b != nil {
		return b, nil
	}
	return nil, rgwErr(ceph.NotFound, "NoSuchBucket", "The specified bucket %q does not exist.", name)
}

// keyOwner returns the user holding S3 access key ak, or nil.
func (g *gateway) keyOwner(ak string) *rgwUser {
	for _, u := range g.users {
		for _, k := range u.keys {
			if k.AccessKey == ak {
				return u
			}
		}
	}
	return nil
}

func (g *gateway) emailOwner(email string) *rgwUser {
	if email == "" {
		return nil
	}
	for _, u := range g.users {
		if strings.EqualFold(u.email, email) {
			return u
		}
	}
	return nil
}

func (g *gateway) ownedBy(uid string) []*rgwBucket {
	var out []*rgwBucket
	for _, b := range g.buckets {
		if b.owner == uid {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bid() < out[j].bid() })
	return out
}

func roundUp(n, to int64) int64 { return (n + to - 1) / to * to }
func roundedKB(n int64) int64   { return (n + 1023) / 1024 }

func usageOf(objects map[string]int64) rgw.Usage {
	var u rgw.Usage
	for _, s := range objects {
		u.Size += s
		u.SizeActual += roundUp(s, rgwBlock)
		u.NumObjects++
	}
	u.SizeUtilized = u.Size
	u.SizeKB, u.SizeKBActual, u.SizeKBUtilized = roundedKB(u.Size), roundedKB(u.SizeActual), roundedKB(u.SizeUtilized)
	return u
}

func (b *rgwBucket) usage() rgw.Usage { return usageOf(b.objects) }

func addUsage(a, b rgw.Usage) rgw.Usage {
	a.Size += b.Size
	a.SizeActual += b.SizeActual
	a.SizeUtilized += b.SizeUtilized
	a.SizeKB += b.SizeKB
	a.SizeKBActual += b.SizeKBActual
	a.SizeKBUtilized += b.SizeKBUtilized
	a.NumObjects += b.NumObjects
	return a
}

var capNames = map[int]string{1: "read", 2: "write", 3: "*"}
var capBits = map[string]int{"read": 1, "write": 2, "*": 3}

func (u *rgwUser) capList() []rgw.Capability {
	out := []rgw.Capability{}
	for _, t := range sortedKeys(u.caps) {
		out = append(out, rgw.Capability{Type: t, Perm: capNames[u.caps[t]]})
	}
	return out
}

func (u *rgwUser) info() *rgw.User {
	out := &rgw.User{
		UID: u.fullID(), Tenant: u.tenant, UserID: u.id, DisplayName: u.display, Email: u.email,
		Suspended: b2i(u.suspended), MaxBuckets: u.maxBuckets,
		Subusers: append([]rgw.Subuser{}, u.subusers...), Keys: append([]rgw.Key{}, u.keys...),
		SwiftKeys: append([]rgw.Key{}, u.swift...), Caps: u.capList(), OpMask: "read, write, delete",
		BucketQuota: u.bucketQuota, UserQuota: u.userQuota, Type: "rgw",
	}
	if u.system {
		out.System = "true"
	}
	return out
}

// --- Daemons and Site ------------------------------------------------------

func (c *cluster) daemonMetadata(d *rgwDaemon) map[string]string {
	return map[string]string{
		"arch": "x86_64", "ceph_release": "pacific", "ceph_version": cephVersion, "ceph_version_short": "16.2.15",
		"cpu": "Intel(R) Xeon(R) CPU", "distro": "centos", "distro_description": "CentOS Stream 8", "distro_version": "8",
		"frontend_config#0": "beast endpoint=127.0.0.1:8080", "frontend_type#0": "beast",
		"hostname": d.host, "id": d.id, "kernel_description": "#1 SMP", "kernel_version": "5.14.0",
		"mem_swap_kb": "0", "mem_total_kb": "16302084", "num_handles": "1", "os": "Linux",
		"pid":      strconv.FormatInt(d.gid*3%30000, 10),
		"realm_id": "", "realm_name": "", "zone_id": c.rgw.zoneID, "zone_name": rgwZone,
		"zonegroup_id": c.rgw.zonegroupID, "zonegroup_name": rgwZonegroup,
	}
}

func (s rgwDaemonsService) List(ctx context.Context) ([]rgw.Daemon, error) {
	return view(s.backend, ctx, "RGW.Daemons.List", nil, func(c *cluster) ([]rgw.Daemon, error) {
		out := []rgw.Daemon{}
		if c.rgw == nil {
			return out, nil
		}
		for i, d := range c.rgw.daemons {
			out = append(out, rgw.Daemon{ID: d.id, ServiceMapID: strconv.FormatInt(d.gid, 10), Version: cephVersion,
				ServerHostname: d.host, RealmName: "", ZonegroupName: rgwZonegroup, ZoneName: rgwZone, Default: i == 0})
		}
		return out, nil
	})
}

func (s rgwDaemonsService) Get(ctx context.Context, id string) (*rgw.DaemonInfo, error) {
	return view(s.backend, ctx, "RGW.Daemons.Get", []any{id}, func(c *cluster) (*rgw.DaemonInfo, error) {
		if _, err := c.gwLocked(""); err != nil {
			return nil, err
		}
		for _, d := range c.rgw.daemons {
			if d.id == id || strconv.FormatInt(d.gid, 10) == id {
				return &rgw.DaemonInfo{Metadata: c.daemonMetadata(d), ID: id, Status: map[string]any{}}, nil
			}
		}
		return nil, rgwErr(ceph.NotFound, "", "Service rgw %s is not available", id)
	})
}

func (s rgwSiteService) PlacementTargets(ctx context.Context, gw string) (*rgw.Placement, error) {
	return view(s.backend, ctx, "RGW.Site.PlacementTargets", []any{gw}, func(c *cluster) (*rgw.Placement, error) {
		if _, err := c.gwLocked(gw); err != nil {
			return nil, err
		}
		return &rgw.Placement{Zonegroup: rgwZonegroup, Targets: []rgw.PlacementTarget{{Name: rgwPlacement, DataPool: rgwDataPool}}}, nil
	})
}

func (s rgwSiteService) Realms(ctx context.Context, gw string) ([]string, error) {
	return view(s.backend, ctx, "RGW.Site.Realms", []any{gw}, func(c *cluster) ([]string, error) {
		if _, err := c.gwLocked(gw); err != nil {
			return nil, err
		}
		return []string{}, nil
	})
}

func (s rgwSiteService) DefaultRealm(ctx context.Context, gw string) (string, error) {
	return view(s.backend, ctx, "RGW.Site.DefaultRealm", []any{gw}, func(c *cluster) (string, error) {
		if _, err := c.gwLocked(gw); err != nil {
			return "", err
		}
		return "", rgwErr(ceph.NotFound, "", "Default realm not found.")
	})
}

// --- Users -----------------------------------------------------------------

func (s rgwUsersService) List(ctx context.Context, gw string) ([]string, error) {
	return view(s.backend, ctx, "RGW.Users.List", []any{gw}, func(c *cluster) ([]string, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		return sortedKeys(g.users), nil
	})
}

func (s rgwUsersService) Get(ctx context.Context, gw, uid string, stats bool) (*rgw.User, error) {
	return view(s.backend, ctx, "RGW.Users.Get", []any{gw, uid, stats}, func(c *cluster) (*rgw.User, error) {
		g, u, err := c.gwUser(gw, uid)
		if err != nil {
			return nil, err
		}
		out := u.info()
		if stats {
			st := g.userUsage(uid)
			out.Stats = &st
		}
		return out, nil
	})
}

func (g *gateway) userUsage(uid string) rgw.Usage {
	var st rgw.Usage
	for _, b := range g.ownedBy(uid) {
		st = addUsage(st, b.usage())
	}
	return st
}

func (s rgwUsersService) Emails(ctx context.Context, gw string) ([]string, error) {
	return view(s.backend, ctx, "RGW.Users.Emails", []any{gw}, func(c *cluster) ([]string, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		out := []string{}
		for _, id := range sortedKeys(g.users) {
			if e := g.users[id].email; e != "" {
				out = append(out, e)
			}
		}
		return out, nil
	})
}

func (s rgwUsersService) Create(ctx context.Context, gw string, uc rgw.UserCreate) (*rgw.User, error) {
	var out *rgw.User
	err := s.update(ctx, "RGW.Users.Create", []any{gw, uc}, func(c *cluster) error {
		g, err := c.gwLocked(gw)
		if err != nil {
			return err
		}
		if g.users[uc.UID] != nil {
			return rgwErr(ceph.AlreadyExists, "UserAlreadyExists", "User %q already exists.", uc.UID)
		}
		if uc.Email != nil && g.emailOwner(*uc.Email) != nil {
			return rgwErr(ceph.AlreadyExists, "EmailExists", "The e-mail address %q is already in use.", *uc.Email)
		}
		if uc.AccessKey != "" && g.keyOwner(uc.AccessKey) != nil {
			return rgwErr(ceph.AlreadyExists, "KeyExists", "The access key is already in use.")
		}
		tenant, id := splitUID(uc.UID)
		maxB := rgwDefaultMaxB
		if uc.MaxBuckets != nil {
			maxB = *uc.MaxBuckets
		}
		u := newRGWUser(tenant, id, uc.DisplayName, maxB)
		if uc.Email != nil {
			u.email = *uc.Email
		}
		if uc.Suspended != nil {
			u.suspended = *uc.Suspended
		}
		switch {
		case uc.AccessKey != "":
			u.keys = []rgw.Key{{User: uc.UID, AccessKey: uc.AccessKey, SecretKey: uc.SecretKey}}
		case uc.GenerateKey == nil || *uc.GenerateKey:
			u.keys = []rgw.Key{{User: uc.UID, AccessKey: genAccessKey(), SecretKey: genSecret()}}
		}
		g.users[uc.UID] = u
		out = u.info()
		return nil
	})
	return out, err
}

func (s rgwUsersService) Update(ctx context.Context, gw, uid string, uu rgw.UserUpdate) (*rgw.User, error) {
	var out *rgw.User
	err := s.update(ctx, "RGW.Users.Update", []any{gw, uid, uu}, func(c *cluster) error {
		g, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		if uu.Email != nil {
			if o := g.emailOwner(*uu.Email); o != nil && o != u {
				return rgwErr(ceph.AlreadyExists, "EmailExists", "The e-mail address %q is already in use.", *uu.Email)
			}
		}
		if uu.DisplayName != nil {
			u.display = *uu.DisplayName
		}
		if uu.Email != nil {
			u.email = *uu.Email
		}
		if uu.MaxBuckets != nil {
			u.maxBuckets = *uu.MaxBuckets
		}
		if uu.Suspended != nil {
			u.suspended = *uu.Suspended
		}
		out = u.info()
		return nil
	})
	return out, err
}

func (s rgwUsersService) Delete(ctx context.Context, gw, uid string) error {
	return s.update(ctx, "RGW.Users.Delete", []any{gw, uid}, func(c *cluster) error {
		g, err := c.gwLocked(gw)
		if err != nil {
			return err
		}
		if _, err := g.user(uid); err != nil {
			return err
		}
		if uid == rgwSystemUser {
			return rgwErr(ceph.Busy, "", "Unable to delete %q - this user account is required for managing the Object Gateway", uid)
		}
		if len(g.ownedBy(uid)) > 0 {
			return rgwErr(ceph.FailedPrecondition, "BucketsExist", "User %q still owns buckets.", uid)
		}
		delete(g.users, uid)
		return nil
	})
}

func (s rgwUsersService) AddCapability(ctx context.Context, gw, uid string, cp rgw.Capability) ([]rgw.Capability, error) {
	return s.changeCaps(ctx, "RGW.Users.AddCapability", gw, uid, cp, true)
}

func (s rgwUsersService) RemoveCapability(ctx context.Context, gw, uid string, cp rgw.Capability) ([]rgw.Capability, error) {
	return s.changeCaps(ctx, "RGW.Users.RemoveCapability", gw, uid, cp, false)
}

func (s rgwUsersService) changeCaps(ctx context.Context, method, gw, uid string, cp rgw.Capability, add bool) ([]rgw.Capability, error) {
	var out []rgw.Capability
	err := s.update(ctx, method, []any{gw, uid, cp}, func(c *cluster) error {
		_, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		bits := capBits[cp.Perm]
		if add {
			u.caps[cp.Type] |= bits
		} else if v := u.caps[cp.Type] &^ bits; v == 0 {
			delete(u.caps, cp.Type)
		} else {
			u.caps[cp.Type] = v
		}
		out = u.capList()
		return nil
	})
	return out, err
}

// subuserID returns "uid:name" for "name" or "uid:name".
func subuserID(uid, sub string) string {
	if strings.Contains(sub, ":") {
		return sub
	}
	return uid + ":" + sub
}

func (u *rgwUser) hasSubuser(id string) bool {
	for _, s := range u.subusers {
		if s.ID == id {
			return true
		}
	}
	return false
}

func sortKeys(keys []rgw.Key) {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].User != keys[j].User {
			return keys[i].User < keys[j].User
		}
		return keys[i].AccessKey < keys[j].AccessKey
	})
}

func (s rgwUsersService) CreateKey(ctx context.Context, gw, uid string, k rgw.KeyCreate) ([]rgw.Key, error) {
	var out []rgw.Key
	err := s.update(ctx, "RGW.Users.CreateKey", []any{gw, uid, k}, func(c *cluster) error {
		g, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		owner := uid
		if k.Subuser != "" {
			owner = subuserID(uid, k.Subuser)
			if !u.hasSubuser(owner) {
				return rgwErr(ceph.NotFound, "NoSuchSubUser", "The subuser %q does not exist.", owner)
			}
		}
		secret := k.SecretKey
		if k.Generate || secret == "" {
			secret = genSecret()
		}
		if k.Type == rgw.KeySwift {
			u.swift = setSwiftKey(u.swift, rgw.Key{User: owner, SecretKey: secret})
			out = append([]rgw.Key{}, u.swift...)
			return nil
		}
		ak := k.AccessKey
		if k.Generate || ak == "" {
			ak = genAccessKey()
		}
		if o := g.keyOwner(ak); o != nil && o != u {
			return rgwErr(ceph.AlreadyExists, "KeyExists", "The access key is already in use.")
		}
		kept := u.keys[:0:0]
		for _, x := range u.keys {
			if x.AccessKey != ak {
				kept = append(kept, x)
			}
		}
		u.keys = append(kept, rgw.Key{User: owner, AccessKey: ak, SecretKey: secret})
		sortKeys(u.keys)
		out = append([]rgw.Key{}, u.keys...)
		return nil
	})
	return out, err
}

func setSwiftKey(keys []rgw.Key, k rgw.Key) []rgw.Key {
	out := []rgw.Key{k}
	for _, x := range keys {
		if x.User != k.User {
			out = append(out, x)
		}
	}
	sortKeys(out)
	return out
}

func (s rgwUsersService) DeleteKey(ctx context.Context, gw, uid string, k rgw.KeyDelete) error {
	return s.update(ctx, "RGW.Users.DeleteKey", []any{gw, uid, k}, func(c *cluster) error {
		_, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		if k.Type == rgw.KeySwift {
			id := subuserID(uid, k.Subuser)
			for i, x := range u.swift {
				if x.User == id {
					u.swift = append(u.swift[:i:i], u.swift[i+1:]...)
					return nil
				}
			}
			return rgwErr(ceph.NotFound, "NoSuchKey", "The subuser %q has no Swift key.", id)
		}
		for i, x := range u.keys {
			if x.AccessKey == k.AccessKey {
				u.keys = append(u.keys[:i:i], u.keys[i+1:]...)
				return nil
			}
		}
		return rgwErr(ceph.NotFound, "InvalidAccessKeyId", "The user %q has no such access key.", uid)
	})
}

func (s rgwUsersService) Quotas(ctx context.Context, gw, uid string) (*rgw.Quotas, error) {
	return view(s.backend, ctx, "RGW.Users.Quotas", []any{gw, uid}, func(c *cluster) (*rgw.Quotas, error) {
		_, u, err := c.gwUser(gw, uid)
		if err != nil {
			return nil, err
		}
		return &rgw.Quotas{BucketQuota: u.bucketQuota, UserQuota: u.userQuota}, nil
	})
}

func (s rgwUsersService) SetQuota(ctx context.Context, gw, uid string, q rgw.QuotaUpdate) error {
	return s.update(ctx, "RGW.Users.SetQuota", []any{gw, uid, q}, func(c *cluster) error {
		_, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		nq := rgw.Quota{Enabled: q.Enabled, MaxSize: -1, MaxObjects: -1}
		if q.MaxSizeKB >= 0 {
			nq.MaxSizeKB, nq.MaxSize = q.MaxSizeKB, q.MaxSizeKB*1024
		}
		if q.MaxObjects >= 0 {
			nq.MaxObjects = q.MaxObjects
		}
		if q.Type == rgw.QuotaUser {
			u.userQuota = nq
		} else {
			u.bucketQuota = nq
		}
		return nil
	})
}

var subuserPerms = map[string]string{"read": "read", "write": "write", "readwrite": "read-write", "full": "full-control"}

func (s rgwUsersService) CreateSubuser(ctx context.Context, gw, uid string, sc rgw.SubuserCreate) ([]rgw.Subuser, error) {
	var out []rgw.Subuser
	err := s.update(ctx, "RGW.Users.CreateSubuser", []any{gw, uid, sc}, func(c *cluster) error {
		g, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		id := subuserID(uid, sc.Subuser)
		if u.hasSubuser(id) {
			return rgwErr(ceph.AlreadyExists, "SubuserExists", "The subuser %q already exists.", id)
		}
		secret := sc.SecretKey
		if sc.GenerateSecret || secret == "" {
			secret = genSecret()
		}
		if sc.KeyType == rgw.KeySwift {
			u.swift = setSwiftKey(u.swift, rgw.Key{User: id, SecretKey: secret})
		} else {
			ak := sc.AccessKey
			if ak == "" {
				ak = genAccessKey()
			}
			if g.keyOwner(ak) != nil {
				return rgwErr(ceph.AlreadyExists, "KeyExists", "The access key is already in use.")
			}
			u.keys = append(u.keys, rgw.Key{User: id, AccessKey: ak, SecretKey: secret})
			sortKeys(u.keys)
		}
		u.subusers = append(u.subusers, rgw.Subuser{ID: id, Permissions: subuserPerms[sc.Access]})
		sort.Slice(u.subusers, func(i, j int) bool { return u.subusers[i].ID < u.subusers[j].ID })
		out = append([]rgw.Subuser{}, u.subusers...)
		return nil
	})
	return out, err
}

func (s rgwUsersService) DeleteSubuser(ctx context.Context, gw, uid, sub string, purgeKeys bool) error {
	return s.update(ctx, "RGW.Users.DeleteSubuser", []any{gw, uid, sub, purgeKeys}, func(c *cluster) error {
		_, u, err := c.gwUser(gw, uid)
		if err != nil {
			return err
		}
		id := subuserID(uid, sub)
		if !u.hasSubuser(id) {
			return rgwErr(ceph.NotFound, "NoSuchSubUser", "The subuser %q does not exist.", id)
		}
		subs := u.subusers[:0:0]
		for _, x := range u.subusers {
			if x.ID != id {
				subs = append(subs, x)
			}
		}
		u.subusers = subs
		if purgeKeys {
			keep := func(keys []rgw.Key) []rgw.Key {
				out := keys[:0:0]
				for _, k := range keys {
					if k.User != id {
						out = append(out, k)
					}
				}
				return out
			}
			u.keys, u.swift = keep(u.keys), keep(u.swift)
		}
		return nil
	})
}

func (s rgwUsersService) Roles(ctx context.Context, gw string) ([]rgw.Role, error) {
	return view(s.backend, ctx, "RGW.Users.Roles", []any{gw}, func(c *cluster) ([]rgw.Role, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		return append([]rgw.Role{}, g.roles...), nil
	})
}

// --- Buckets ---------------------------------------------------------------

func (g *gateway) bucketInfo(b *rgwBucket, full bool) rgw.Bucket {
	// The bucket's own quota, which the admin API sets apart from the
	// owner's bucket quota (the one PutObject enforces): never set here.
	quota := unlimitedQuota()
	out := rgw.Bucket{
		Bucket: b.name, BID: b.bid(), Tenant: b.tenant, Zonegroup: g.zonegroupID, PlacementRule: rgwPlacement,
		ID: b.id, Marker: b.id, Owner: b.owner, NumShards: 11,
		Mtime: b.mtime.UTC().Format(rgwTimeFormat), CreationTime: b.created.UTC().Format(rgwTimeFormat),
		Usage: map[string]rgw.Usage{}, BucketQuota: quota,
	}
	if len(b.objects) > 0 {
		out.Usage[rgwMainUsage] = b.usage()
	}
	if full {
		out.Versioning = b.versioning
		if out.Versioning == "" {
			out.Versioning = rgw.VersioningSuspended
		}
		out.MFADelete = b.mfaDelete
		if out.MFADelete == "" {
			out.MFADelete = "Disabled"
		}
		lock := b.lock
		out.LockEnabled = &lock
		if b.lock {
			days, years := b.days, b.years
			out.LockMode, out.LockRetentionPeriodDays, out.LockRetentionPeriodYears = b.lockMode, &days, &years
		} else {
			out.LockMode = "compliance"
		}
	}
	return out
}

func (g *gateway) bucketsOf(owner string) []*rgwBucket {
	if owner != "" {
		return g.ownedBy(owner)
	}
	out := make([]*rgwBucket, 0, len(g.buckets))
	for _, k := range sortedKeys(g.buckets) {
		out = append(out, g.buckets[k])
	}
	return out
}

func (s rgwBucketsService) Names(ctx context.Context, gw, owner string) ([]string, error) {
	return view(s.backend, ctx, "RGW.Buckets.Names", []any{gw, owner}, func(c *cluster) ([]string, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		if owner != "" {
			if _, err := g.user(owner); err != nil {
				return nil, err
			}
		}
		out := []string{}
		for _, b := range g.bucketsOf(owner) {
			out = append(out, b.bid())
		}
		return out, nil
	})
}

func (s rgwBucketsService) List(ctx context.Context, gw, owner string) ([]rgw.Bucket, error) {
	return view(s.backend, ctx, "RGW.Buckets.List", []any{gw, owner}, func(c *cluster) ([]rgw.Bucket, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		if owner != "" {
			if _, err := g.user(owner); err != nil {
				return nil, err
			}
		}
		out := []rgw.Bucket{}
		for _, b := range g.bucketsOf(owner) {
			out = append(out, g.bucketInfo(b, false))
		}
		return out, nil
	})
}

func (s rgwBucketsService) Get(ctx context.Context, gw, name string) (*rgw.Bucket, error) {
	return view(s.backend, ctx, "RGW.Buckets.Get", []any{gw, name}, func(c *cluster) (*rgw.Bucket, error) {
		g, b, err := c.gwBucket(gw, name)
		if err != nil {
			return nil, err
		}
		out := g.bucketInfo(b, true)
		return &out, nil
	})
}

// canOwnMore is max_buckets: -1 none, 0 unlimited.
func (g *gateway) canOwnMore(u *rgwUser) error {
	n := len(g.ownedBy(u.fullID()))
	if u.maxBuckets < 0 || (u.maxBuckets > 0 && n >= u.maxBuckets) {
		return rgwErr(ceph.FailedPrecondition, "TooManyBuckets", "User %q may not own more than %d buckets.", u.fullID(), max(u.maxBuckets, 0))
	}
	return nil
}

func (s rgwBucketsService) Create(ctx context.Context, gw string, bc rgw.BucketCreate) error {
	return s.update(ctx, "RGW.Buckets.Create", []any{gw, bc}, func(c *cluster) error {
		g, err := c.gwLocked(gw)
		if err != nil {
			return err
		}
		u, err := g.user(bc.UID)
		if err != nil {
			return err
		}
		if bc.PlacementTarget != "" && (bc.Zonegroup != rgwZonegroup || bc.PlacementTarget != rgwPlacement) {
			return rgwErr(ceph.InvalidArgument, "InvalidLocationConstraint", "No placement target %s:%s.", bc.Zonegroup, bc.PlacementTarget)
		}
		bid := rgw.BucketID(u.tenant, bc.Bucket)
		if b := g.buckets[bid]; b != nil {
			if b.owner == bc.UID {
				return nil
			}
			return rgwErr(ceph.AlreadyExists, "BucketAlreadyExists", "The requested bucket name %q is not available.", bc.Bucket)
		}
		if err := g.canOwnMore(u); err != nil {
			return err
		}
		g.nextBucket++
		now := c.now()
		b := &rgwBucket{tenant: u.tenant, name: bc.Bucket, owner: bc.UID, created: now, mtime: now,
			id:      fmt.Sprintf("%s.%d.%d", g.zoneID, g.daemons[0].gid, g.nextBucket),
			objects: map[string]int64{}}
		if bc.LockEnabled {
			b.lock, b.versioning = true, rgw.VersioningEnabled
			b.lockMode, b.days, b.years = strings.ToUpper(bc.LockMode), bc.LockRetentionPeriodDays, bc.LockRetentionPeriodYears
		}
		if bc.EncryptionState {
			b.enc = &rgw.Encryption{SSEAlgorithm: bc.EncryptionType, KMSMasterKeyID: bc.KeyID}
		}
		g.buckets[bid] = b
		return nil
	})
}

func (s rgwBucketsService) Update(ctx context.Context, gw, name string, bu rgw.BucketUpdate) error {
	return s.update(ctx, "RGW.Buckets.Update", []any{gw, name, bu}, func(c *cluster) error {
		g, b, err := c.gwBucket(gw, name)
		if err != nil {
			return err
		}
		if bu.BucketID != b.id {
			return rgwErr(ceph.InvalidArgument, "InvalidArgument", "bucket_id %q is not the id of bucket %q.", bu.BucketID, name)
		}
		owner, err := g.user(bu.UID)
		if err != nil {
			return err
		}
		if bu.UID != b.owner {
			if owner.tenant != b.tenant {
				return rgwErr(ceph.InvalidArgument, "InvalidArgument", "user %q is not of the bucket's tenant %q.", bu.UID, b.tenant)
			}
			if err := g.canOwnMore(owner); err != nil {
				return err
			}
		}
		if bu.VersioningState == rgw.VersioningSuspended && b.lock {
			return rgwErr(ceph.FailedPrecondition, "InvalidBucketState", "Bucket versioning cannot be disabled/suspended on buckets with object lock enabled ")
		}
		setLock := bu.LockMode != "" || bu.LockRetentionPeriodDays != 0 || bu.LockRetentionPeriodYears != 0
		if setLock && !b.lock {
			return rgwErr(ceph.FailedPrecondition, "InvalidBucketState", "Object lock is not enabled on bucket %q.", name)
		}
		// Everything is checked: apply.
		b.owner = bu.UID
		if bu.VersioningState != "" {
			b.versioning = bu.VersioningState
		}
		if bu.MFADelete != "" {
			b.mfaDelete = bu.MFADelete
		}
		if setLock {
			b.lockMode, b.days, b.years = strings.ToUpper(bu.LockMode), bu.LockRetentionPeriodDays, bu.LockRetentionPeriodYears
		}
		if bu.EncryptionState != nil {
			if *bu.EncryptionState {
				b.enc = &rgw.Encryption{SSEAlgorithm: bu.EncryptionType, KMSMasterKeyID: bu.KeyID}
			} else {
				b.enc = nil
			}
		}
		b.mtime = c.now()
		return nil
	})
}

func (s rgwBucketsService) Delete(ctx context.Context, gw, name string, purge bool) error {
	return s.update(ctx, "RGW.Buckets.Delete", []any{gw, name, purge}, func(c *cluster) error {
		g, b, err := c.gwBucket(gw, name)
		if err != nil {
			return err
		}
		if len(b.objects) > 0 && !purge {
			return rgwErr(ceph.FailedPrecondition, "BucketNotEmpty", "The bucket %q you tried to delete is not empty.", name)
		}
		delete(g.buckets, name)
		return nil
	})
}

func (s rgwBucketsService) Encryption(ctx context.Context, gw, name, owner string) (*rgw.Encryption, error) {
	return view(s.backend, ctx, "RGW.Buckets.Encryption", []any{gw, name, owner}, func(c *cluster) (*rgw.Encryption, error) {
		_, b, err := c.gwBucket(gw, name)
		if err != nil {
			return nil, err
		}
		if b.enc == nil {
			return nil, rgwErr(ceph.NotFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found.")
		}
		e := *b.enc
		return &e, nil
	})
}

func (s rgwBucketsService) DeleteEncryption(ctx context.Context, gw, name, owner string) error {
	return s.update(ctx, "RGW.Buckets.DeleteEncryption", []any{gw, name, owner}, func(c *cluster) error {
		_, b, err := c.gwBucket(gw, name)
		if err != nil {
			return err
		}
		b.enc = nil
		return nil
	})
}

func kmsType(encType string) string {
	if encType == "aws:kms" {
		return "SSE_KMS"
	}
	return "SSE_S3"
}

func (s rgwBucketsService) EncryptionConfig(ctx context.Context, gw, owner string) (rgw.EncryptionConfig, error) {
	return view(s.backend, ctx, "RGW.Buckets.EncryptionConfig", []any{gw, owner}, func(c *cluster) (rgw.EncryptionConfig, error) {
		g, err := c.gwLocked(gw)
		if err != nil {
			return nil, err
		}
		out := rgw.EncryptionConfig{}
		for _, t := range []string{"SSE_KMS", "SSE_S3"} {
			out[t] = append([]rgw.KMSConfig{}, g.kms[t]...)
		}
		return out, nil
	})
}

func (s rgwBucketsService) SetEncryptionConfig(ctx context.Context, gw string, kc rgw.KMSConfig) error {
	// The arguments hold the KMS token and client key: record a copy
	// without them.
	rec := kc
	rec.Token, rec.ClientKey = "", ""
	return s.update(ctx, "RGW.Buckets.SetEncryptionConfig", []any{gw, rec}, func(c *cluster) error {
		g, err := c.gwLocked(gw)
		if err != nil {
			return err
		}
		g.kms[kmsType(kc.EncryptionType)] = []rgw.KMSConfig{kc}
		return nil
	})
}

// --- Fake helpers ----------------------------------------------------------

// PutObject stores an object of size bytes under key in bucket ("name",
// or "tenant/name" for a tenant's bucket), replacing one of that key, as
// an S3 PUT would: it counts in the bucket's usage ("rgw.main") and its
// owner's statistics. A put beyond the owner's enabled user quota or
// bucket quota is refused (FailedPrecondition, reason "QuotaExceeded");
// an unknown bucket is NotFound, no gateway Unavailable.
func (f *Fake) PutObject(bucket, key string, size int64) error {
	if size < 0 || key == "" {
		return rgwErr(ceph.InvalidArgument, "", "an object needs a key and a size of 0 or more")
	}
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	g, err := c.gwLocked("")
	if err != nil {
		return err
	}
	b, err := g.bucket(bucket)
	if err != nil {
		return err
	}
	g.puts++
	old, had := b.objects[key]
	dObjs, dSize := int64(1), roundUp(size, rgwBlock)
	if had {
		dObjs, dSize = 0, dSize-roundUp(old, rgwBlock)
	}
	exceeds := func(q rgw.Quota, u rgw.Usage) bool {
		if !q.Enabled {
			return false
		}
		return (q.MaxObjects >= 0 && u.NumObjects+dObjs > q.MaxObjects) || (q.MaxSize >= 0 && u.SizeActual+dSize > q.MaxSize)
	}
	if owner := g.users[b.owner]; owner != nil {
		if exceeds(owner.bucketQuota, b.usage()) || exceeds(owner.userQuota, g.userUsage(b.owner)) {
			g.failedPuts++
			return rgwErr(ceph.FailedPrecondition, "QuotaExceeded", "The quota of %q is exceeded.", b.owner)
		}
	}
	b.objects[key] = size
	g.putBytes += size
	return nil
}

// CreateRole adds an IAM role named name under path ("" for "/") with
// the assume-role policy document assumePolicy, as `radosgw-admin role
// create` does, and returns it. A role name is unique (AlreadyExists).
func (f *Fake) CreateRole(name, path, assumePolicy string) (rgw.Role, error) {
	if name == "" {
		return rgw.Role{}, rgwErr(ceph.InvalidArgument, "", "a role needs a name")
	}
	if path == "" {
		path = "/"
	}
	c := f.c
	c.mu.Lock()
	defer c.mu.Unlock()
	g, err := c.gwLocked("")
	if err != nil {
		return rgw.Role{}, err
	}
	for _, r := range g.roles {
		if r.RoleName == name {
			return rgw.Role{}, rgwErr(ceph.AlreadyExists, "EntityAlreadyExists", "Role %q already exists.", name)
		}
	}
	r := rgw.Role{RoleID: newUUID(), RoleName: name, Path: path, Arn: "arn:aws:iam:::role" + path + name,
		CreateDate: c.now().UTC().Format(time.RFC3339), MaxSessionDuration: 3600, AssumeRolePolicyDocument: assumePolicy}
	g.roles = append(g.roles, r)
	return r, nil
}
