//go:build rados

package rados

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	gorados "github.com/ceph/go-ceph/rados"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
)

// Config says how to reach the cluster, as the Ceph command line does.
type Config struct {
	// Name is the client's entity name (default "client.admin"), like
	// `ceph -n`.
	Name string
	// ConfFile is the ceph.conf to read, like `ceph -c`; empty means
	// librados' default search (CEPH_CONF, /etc/ceph/$cluster.conf, ...).
	ConfFile string
	// Keyring is the keyring file, like `ceph -k`; empty means the one the
	// configuration names.
	Keyring string
	// Cluster is the cluster name (default "ceph").
	Cluster string
	// MonOpTimeout bounds each monitor command (rados_mon_op_timeout and
	// client_mount_timeout); default 10s.
	MonOpTimeout time.Duration
	// OSDOpTimeout bounds each OSD operation (rados_osd_op_timeout);
	// default 10s.
	OSDOpTimeout time.Duration
	// Options are more configuration options set before connecting
	// (name -> value, as in ceph.conf).
	Options map[string]string
	// CacheTTL is how long the answers of the hot reads (health, summary,
	// OSD list and tree, monitors) are served from memory: 0 means
	// DefaultCacheTTL, a negative value turns the cache off. Writes through
	// this client invalidate the cache at once (see cache.go).
	CacheTTL time.Duration
	// RGWEndpoint is the URL of the RADOS Gateway the RGW services use
	// (e.g. "http://gw:8080"); empty means the one the daemon's
	// frontend_config in the service map names, as the dashboard derives
	// it.
	RGWEndpoint string
	// RGWAccessKey and RGWSecretKey are a system user's S3 keys for the
	// gateway's admin API; empty means the dashboard's, read from the
	// monitors' config-key store on every call (`ceph dashboard
	// set-rgw-credentials` stores them).
	RGWAccessKey, RGWSecretKey string
	// RGWTimeout bounds each HTTP request to the gateway; default 30s.
	RGWTimeout time.Duration
}

// Option tunes New.
type Option func(*Config)

// WithMonOpTimeout sets Config.MonOpTimeout.
func WithMonOpTimeout(d time.Duration) Option { return func(c *Config) { c.MonOpTimeout = d } }

// WithOSDOpTimeout sets Config.OSDOpTimeout.
func WithOSDOpTimeout(d time.Duration) Option { return func(c *Config) { c.OSDOpTimeout = d } }

// WithCacheTTL sets Config.CacheTTL; d <= 0 turns the cache off.
func WithCacheTTL(d time.Duration) Option {
	return func(c *Config) {
		if d <= 0 {
			d = -1
		}
		c.CacheTTL = d
	}
}

// WithConfigOption sets one more configuration option before connecting.
func WithConfigOption(name, value string) Option {
	return func(c *Config) {
		if c.Options == nil {
			c.Options = map[string]string{}
		}
		c.Options[name] = value
	}
}

const defaultOpTimeout = 10 * time.Second

func seconds(d time.Duration) string {
	s := d.Seconds()
	if s < 1 {
		s = 1
	}
	return strconv.FormatFloat(s, 'f', -1, 64)
}

// New connects to the cluster and returns a Client whose services run on
// it. Close the Client to disconnect. A cluster that cannot be reached
// gives Unavailable within MonOpTimeout (or earlier, when ctx ends).
func New(ctx context.Context, cfg Config, opts ...Option) (*cephapi.Client, error) {
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Name == "" {
		cfg.Name = "client.admin"
	}
	if cfg.Cluster == "" {
		cfg.Cluster = "ceph"
	}
	if cfg.MonOpTimeout <= 0 {
		cfg.MonOpTimeout = defaultOpTimeout
	}
	if cfg.OSDOpTimeout <= 0 {
		cfg.OSDOpTimeout = defaultOpTimeout
	}
	const comp = "rados"
	if err := ceph.CheckContext(ctx, comp); err != nil {
		return nil, err
	}
	conn, err := gorados.NewConnWithClusterAndUser(cfg.Cluster, cfg.Name)
	if err != nil {
		return nil, classify(err, "cannot create a librados handle for "+cfg.Name, comp)
	}
	if cfg.ConfFile != "" {
		err = conn.ReadConfigFile(cfg.ConfFile)
	} else {
		err = conn.ReadDefaultConfigFile()
	}
	if err != nil {
		conn.Shutdown()
		return nil, classify(err, "cannot read the Ceph configuration "+cfg.ConfFile, comp)
	}
	set := map[string]string{
		"rados_mon_op_timeout": seconds(cfg.MonOpTimeout),
		"client_mount_timeout": seconds(cfg.MonOpTimeout),
		"rados_osd_op_timeout": seconds(cfg.OSDOpTimeout),
	}
	if cfg.Keyring != "" {
		set["keyring"] = cfg.Keyring
	}
	for k, v := range cfg.Options {
		set[k] = v
	}
	for k, v := range set {
		if err := conn.SetConfigOption(k, v); err != nil {
			conn.Shutdown()
			return nil, classify(err, fmt.Sprintf("cannot set %s", k), comp)
		}
	}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	// a shared fetch runs several monitor commands, each bounded by
	// MonOpTimeout, some one after the other
	mds := &mdsConn{conn: conn}
	r := &runner{c: newThreadConn(conn), mds: mds, cache: newCache(cfg.CacheTTL, 2*cfg.MonOpTimeout)}
	if err := r.do(ctx, comp, conn.Connect); err != nil {
		// the abandoned Connect is bounded by client_mount_timeout
		go func() { r.close(); mds.close(); conn.Shutdown() }()
		if ceph.CodeOf(err) == ceph.Canceled || ceph.CodeOf(err) == ceph.DeadlineExceeded {
			return nil, err
		}
		return nil, &ceph.Error{Code: ceph.Unavailable, Component: comp,
			Detail: "cannot connect to the cluster as " + cfg.Name + ": " + err.Error(), Err: err}
	}
	schema := &schemaCache{}
	parts := newServices(r, schema)
	im := &images{r: r, conn: conn, schema: schema}
	parts.RBD.Images = im
	parts.RBD.Snapshots = snapshots{im: im}
	parts.RBD.Trash = trash{im: im}
	parts.RBD.Namespaces = namespaces{im: im}
	parts.RBD.Mirroring = mirroring{im: im}
	parts.RBD.Peers = mirrorPeers{im: im}
	parts.Pools = pools{r: r, conf: im}
	mounts := &fsMounts{conn: conn}
	parts.CephFS.FileSystems = &fileSystems{r: r, mounts: mounts, last: map[string]perfPoint{}}
	parts.CephFS.Directories = directories{r: r, mounts: mounts}
	gw := newGateway(r, cfg)
	parts.RGW.Daemons = rgwDaemons{g: gw}
	parts.RGW.Site = rgwSite{g: gw}
	parts.RGW.Users = rgwUsers{g: gw}
	parts.RGW.Buckets = rgwBuckets{g: gw}
	var once sync.Once
	var closeErr error
	closer := func() error {
		once.Do(func() {
			r.close()
			if !mounts.close() {
				// libcephfs still holds conn; see fsMounts.close.
				closeErr = errorf(ceph.DeadlineExceeded, fsComponent, "a CephFS unmount did not finish in %s; its handles were left open", unmountTimeout)
				return
			}
			mds.close()
			conn.Shutdown()
		})
		return closeErr
	}
	return cephapi.New(parts, cephapi.WithCloser(closer)), nil
}
