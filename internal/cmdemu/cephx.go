package cmdemu

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"syscall"
)

// CephxEntity is one entity of the monitors' auth database: its name
// ("client.admin", "osd.0", "mon."), its secret as Ceph prints it (the
// base64 of the encoded CryptoKey) and its caps by service ("mon", "osd").
type CephxEntity struct {
	Name string
	Key  string
	Caps map[string]string
}

// AuthDB is the source of the auth commands: the transport's cephx
// entities. The domain API carries no secrets, so a transport that has them
// (the memory model) passes one with WithAuth.
type AuthDB interface {
	// CephxEntities returns the auth database (any order) and the
	// monitors' own key "mon.", which Ceph keeps in the monitors' keyring
	// and not in the database: auth ls and auth export do not list it,
	// auth get and get-key find it.
	CephxEntities(ctx context.Context) (entities []CephxEntity, mon *CephxEntity, err error)
}

// ConfigKeyStore is the monitors' config-key store, for the config-key
// commands (WithConfigKeys).
type ConfigKeyStore interface {
	// ConfigKeys returns every key and its value.
	ConfigKeys(ctx context.Context) (map[string][]byte, error)
	// SetConfigKey stores a value.
	SetConfigKey(ctx context.Context, key string, value []byte) error
	// RemoveConfigKey removes a key and reports whether it existed.
	RemoveConfigKey(ctx context.Context, key string) (bool, error)
}

// WithAuth sets the auth database the auth commands answer from; without
// one they answer EOPNOTSUPP.
func WithAuth(db AuthDB) Option { return func(e *Emulator) { e.auth = db } }

// WithConfigKeys sets the config-key store the config-key commands use;
// without one they answer EOPNOTSUPP.
func WithConfigKeys(s ConfigKeyStore) Option { return func(e *Emulator) { e.ck = s } }

// entityTypes are Ceph's entity types by name, with the numbers EntityName
// sorts by (CEPH_ENTITY_TYPE_*).
var entityTypes = map[string]int{"mon": 1, "mds": 2, "osd": 4, "client": 8, "mgr": 16, "auth": 32}

// parseEntity checks name as EntityName::from_str does: "TYPE.ID" with a
// known type (the id may be empty, as in "mon.").
func parseEntity(name string) (typ int, id string, ok bool) {
	t, id, found := strings.Cut(name, ".")
	if !found {
		return 0, "", false
	}
	typ, ok = entityTypes[t]
	return typ, id, ok
}

// sortEntities orders entities as the KeyServer's map does: by type number
// (mds, osd, client, mgr), then id.
func sortEntities(l []CephxEntity) {
	sort.SliceStable(l, func(i, j int) bool {
		ti, ii, _ := parseEntity(l[i].Name)
		tj, ij, _ := parseEntity(l[j].Name)
		if ti != tj {
			return ti < tj
		}
		return ii < ij
	})
}

func (e *Emulator) authDB(ctx context.Context) ([]CephxEntity, *CephxEntity, error) {
	if e.auth == nil {
		return nil, nil, cmdError(syscall.EOPNOTSUPP, "the transport has no cephx auth database to answer auth commands from")
	}
	l, mon, err := e.auth.CephxEntities(ctx)
	if err != nil {
		return nil, nil, err
	}
	l = append([]CephxEntity(nil), l...)
	sortEntities(l)
	return l, mon, nil
}

// lookupEntity finds name in the database, or "mon." in the monitors'
// keyring when withMon.
func lookupEntity(l []CephxEntity, mon *CephxEntity, name string, withMon bool) *CephxEntity {
	if name == "mon." {
		if withMon {
			return mon
		}
		return nil
	}
	for i := range l {
		if l[i].Name == name {
			return &l[i]
		}
	}
	return nil
}

func capNames(c map[string]string) []string {
	names := make([]string, 0, len(c))
	for k := range c {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func capsObj(c map[string]string) obj {
	o := obj{}
	for _, k := range capNames(c) {
		o = append(o, kv{k, c[k]})
	}
	return o
}

func entityObj(x CephxEntity) obj {
	return obj{{"entity", x.Name}, {"key", x.Key}, {"caps", capsObj(x.Caps)}}
}

// keyring renders entities as a keyring file (KeyRing::encode_plaintext)
// or, in JSON, as a list of entities.
func keyring(l []CephxEntity, f format) ([]byte, error) {
	if f != plain {
		out := make([]obj, len(l))
		for i, x := range l {
			out[i] = entityObj(x)
		}
		return encodeJSON(out, f)
	}
	var b strings.Builder
	for _, x := range l {
		fmt.Fprintf(&b, "[%s]\n\tkey = %s\n", x.Name, x.Key)
		for _, k := range capNames(x.Caps) {
			fmt.Fprintf(&b, "\tcaps %s = \"%s\"\n", k, x.Caps[k])
		}
	}
	return []byte(b.String()), nil
}

// authLs is auth ls (and auth list): the database without "mon.".
func (e *Emulator) authLs(ctx context.Context, a args, f format) ([]byte, string, error) {
	l, _, err := e.authDB(ctx)
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		out := make([]obj, len(l))
		for i, x := range l {
			out[i] = entityObj(x)
		}
		b, err := encodeJSON(obj{{"auth_dump", out}}, f)
		return b, "", err
	}
	var b strings.Builder
	for _, x := range l {
		fmt.Fprintf(&b, "%s\n\tkey: %s\n", x.Name, x.Key)
		for _, k := range capNames(x.Caps) {
			fmt.Fprintf(&b, "\tcaps: [%s] %s\n", k, x.Caps[k])
		}
	}
	return []byte(b.String()), "installed auth entries:\n", nil
}

// checkEntity refuses a name that is not an entity name, as every auth
// read does before looking it up.
func checkEntity(name string) error {
	if _, _, ok := parseEntity(name); !ok {
		return cmdError(syscall.EINVAL, "invalid entity_auth "+name)
	}
	return nil
}

// findEntity is the entity named by a get's argument, "mon." included;
// missing is the ENOENT message when there is none.
func (e *Emulator) findEntity(ctx context.Context, name, missing string) (*CephxEntity, error) {
	if err := checkEntity(name); err != nil {
		return nil, err
	}
	l, mon, err := e.authDB(ctx)
	if err != nil {
		return nil, err
	}
	x := lookupEntity(l, mon, name, true)
	if x == nil {
		return nil, cmdError(syscall.ENOENT, missing)
	}
	return x, nil
}

// authGet is auth get <entity>: its keyring; "mon." comes from the
// monitors' keyring.
func (e *Emulator) authGet(ctx context.Context, a args, f format) ([]byte, string, error) {
	name := a.str("entity")
	x, err := e.findEntity(ctx, name, "failed to find "+name+" in keyring")
	if err != nil {
		return nil, "", err
	}
	b, err := keyring([]CephxEntity{*x}, f)
	return b, "exported keyring for " + name, err
}

// noKey is the status of auth export for a missing entity: Ceph prints the
// empty CryptoKey it looked up (type 0, created 0, no secret).
const noKey = "no key for auth(key=AAAAAAAAAAAAAAAA)"

// authExport is auth export [<entity>]: one entity's keyring (the status
// carries its key, as Ceph prints it), or the whole database.
func (e *Emulator) authExport(ctx context.Context, a args, f format) ([]byte, string, error) {
	name := a.str("entity")
	if name != "" {
		if err := checkEntity(name); err != nil {
			return nil, "", err
		}
	}
	l, mon, err := e.authDB(ctx)
	if err != nil {
		return nil, "", err
	}
	if name == "" {
		b, err := keyring(l, f)
		return b, "exported master keyring", err
	}
	x := lookupEntity(l, mon, name, false)
	if x == nil {
		return nil, "", cmdError(syscall.ENOENT, noKey)
	}
	b, err := keyring([]CephxEntity{*x}, f)
	return b, "export auth(key=" + x.Key + ")", err
}

// authGetKey is auth get-key and auth print-key: the bare key.
func (e *Emulator) authGetKey(ctx context.Context, a args, f format) ([]byte, string, error) {
	x, err := e.findEntity(ctx, a.str("entity"), "don't have "+a.str("entity"))
	if err != nil {
		return nil, "", err
	}
	if f != plain {
		b, err := encodeJSON(obj{{"key", x.Key}}, f)
		return b, "", err
	}
	return []byte(x.Key), "", nil
}
