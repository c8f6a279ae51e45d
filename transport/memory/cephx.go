package memory

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/internal/cmdemu"
)

// The cephx auth database and the config-key store of the model, which the
// command emulator's auth and config-key commands answer from. The
// entities are those of a fresh single-node 16.2.15 cluster of the model's
// shape: client.admin, the six client.bootstrap-* keys, mgr.x, osd.N for
// every OSD that is not destroyed, mds.NAME for every file system's MDS,
// client.rgw.ID for every gateway, and the monitors' own mon. (in their
// keyring, not in the database). Caps are the 16.2.15 dev cluster's.
//
// Keys are random secrets, generated the first time an entity is read
// (the model's entities at New), so they differ between models even with a
// fixed fsid and clock: they are the one part of the model that is not
// reproducible, as no two clusters share keys.

// staticEntities are the entities every cluster has, with their caps.
var staticEntities = []cmdemu.CephxEntity{
	{Name: "client.admin", Caps: map[string]string{"mds": "allow *", "mgr": "allow *", "mon": "allow *", "osd": "allow *"}},
	{Name: "client.bootstrap-mds", Caps: map[string]string{"mon": "allow profile bootstrap-mds"}},
	{Name: "client.bootstrap-mgr", Caps: map[string]string{"mon": "allow profile bootstrap-mgr"}},
	{Name: "client.bootstrap-osd", Caps: map[string]string{"mon": "allow profile bootstrap-osd"}},
	{Name: "client.bootstrap-rbd", Caps: map[string]string{"mon": "allow profile bootstrap-rbd"}},
	{Name: "client.bootstrap-rbd-mirror", Caps: map[string]string{"mon": "allow profile bootstrap-rbd-mirror"}},
	{Name: "client.bootstrap-rgw", Caps: map[string]string{"mon": "allow profile bootstrap-rgw"}},
	{Name: "mgr.x", Caps: map[string]string{"mds": "allow *", "mon": "allow profile mgr", "osd": "allow *"}},
}

var (
	osdCaps = map[string]string{"mgr": "allow profile osd", "mon": "allow profile osd", "osd": "allow *"}
	mdsCaps = map[string]string{"mds": "allow", "mgr": "allow profile mds", "mon": "allow profile mds", "osd": "allow rw tag cephfs *=*"}
	rgwCaps = map[string]string{"mgr": "allow rw", "mon": "allow rw", "osd": "allow rwx"}
	monCaps = map[string]string{"mon": "allow *"}
)

// keyStore holds the generated secrets by entity name. It has its own lock
// so that reads under the cluster's read lock can generate keys.
type keyStore struct {
	mu   sync.Mutex
	keys map[string]string
}

// cephxKey returns a new secret in Ceph's key format, as ceph-authtool
// --gen-print-key makes one: the base64 of the encoded CryptoKey, that is
// type (u16, 1 = AES), created (utime_t: u32 seconds, u32 nanoseconds),
// the secret's length (u16, 16) and 16 random bytes, little-endian.
func cephxKey(created time.Time) string {
	b := make([]byte, 28)
	binary.LittleEndian.PutUint16(b[0:], 1)
	binary.LittleEndian.PutUint32(b[2:], uint32(created.Unix()))
	binary.LittleEndian.PutUint32(b[6:], uint32(created.Nanosecond()))
	binary.LittleEndian.PutUint16(b[10:], 16)
	if _, err := rand.Read(b[12:]); err != nil {
		panic("memory: no randomness for a cephx key: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (k *keyStore) get(name string, now func() time.Time) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = map[string]string{}
	}
	key, ok := k.keys[name]
	if !ok {
		key = cephxKey(now())
		k.keys[name] = key
	}
	return key
}

// forget drops an entity's key, as osd destroy and osd purge remove the
// OSD's auth entity: an OSD made again with the id gets a new key.
func (k *keyStore) forget(name string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.keys, name)
}

// cephxLocked lists the auth database and mon.; callers hold c.mu (read).
func (c *cluster) cephxLocked() ([]cmdemu.CephxEntity, *cmdemu.CephxEntity) {
	var out []cmdemu.CephxEntity
	add := func(name string, caps map[string]string) {
		out = append(out, cmdemu.CephxEntity{Name: name, Key: c.cephxKeys.get(name, c.now), Caps: caps})
	}
	for _, e := range staticEntities {
		add(e.Name, e.Caps)
	}
	for _, o := range c.osds {
		if o != nil && !o.destroyed {
			add("osd."+strconv.Itoa(o.id), osdCaps)
		}
	}
	ids := make([]int, 0, len(c.fss))
	for id := range c.fss {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		add("mds."+c.fss[id].mdsName, mdsCaps)
	}
	if c.rgw != nil {
		for _, d := range c.rgw.daemons {
			add("client.rgw."+d.id, rgwCaps)
		}
	}
	mon := cmdemu.CephxEntity{Name: "mon.", Key: c.cephxKeys.get("mon.", c.now), Caps: monCaps}
	return out, &mon
}

// cmdBackend gives the command emulator the model's auth database and
// config-key store.
type cmdBackend struct{ *backend }

var (
	_ cmdemu.AuthDB         = cmdBackend{}
	_ cmdemu.ConfigKeyStore = cmdBackend{}
)

func (b cmdBackend) CephxEntities(ctx context.Context) ([]cmdemu.CephxEntity, *cmdemu.CephxEntity, error) {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		return nil, nil, err
	}
	c := b.c
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, mon := c.cephxLocked()
	return l, mon, nil
}

func (b cmdBackend) ConfigKeys(ctx context.Context) (map[string][]byte, error) {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		return nil, err
	}
	c := b.c
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string][]byte, len(c.configKeys))
	for k, v := range c.configKeys {
		out[k] = append([]byte(nil), v...)
	}
	for k, v := range c.configDBKeysLocked() {
		out[k] = []byte(v)
	}
	return out, nil
}

// configDBKeysLocked is the configuration database as the monitors keep it
// in the config-key store: config/WHO/NAME for every value set (config
// set, and manager module options as config/mgr/mgr/MODULE/OPTION). The
// store shows it; config-key set and rm of such a key change the plain
// store only, which the database's value hides (Ceph's ConfigMonitor, too,
// reads them back only when it loads). config-history/ is not kept.
func (c *cluster) configDBKeysLocked() map[string]string {
	out := map[string]string{}
	for name, secs := range c.config {
		for sec, v := range secs {
			out["config/"+sec+"/"+name] = v
		}
	}
	for _, m := range c.modules {
		for k, v := range m.values {
			out["config/mgr/mgr/"+m.name+"/"+k] = fmt.Sprint(v)
		}
	}
	return out
}

func (b cmdBackend) SetConfigKey(ctx context.Context, key string, value []byte) error {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		return err
	}
	c := b.c
	c.mu.Lock()
	defer c.mu.Unlock()
	done := c.auditLocked(command("config-key set", "key", key))
	c.configKeys[key] = append([]byte(nil), value...)
	done()
	return nil
}

func (b cmdBackend) RemoveConfigKey(ctx context.Context, key string) (bool, error) {
	if err := ceph.CheckContext(ctx, "memory"); err != nil {
		return false, err
	}
	c := b.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.configKeys[key]; !ok {
		return false, nil
	}
	done := c.auditLocked(command("config-key rm", "key", key))
	delete(c.configKeys, key)
	done()
	return true, nil
}

// seedConfigKeys is what a fresh cluster's config-key store holds that the
// model has: the telemetry module's report id and salt, which it makes
// when the manager starts, enabled or not.
func (c *cluster) seedConfigKeys() {
	c.configKeys = map[string][]byte{
		"mgr/telemetry/report_id": []byte(newUUID()),
		"mgr/telemetry/salt":      []byte(newUUID()),
	}
}
