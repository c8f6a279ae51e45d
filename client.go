package cephapi

import (
	"sync"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
	"github.com/cephapi/cephapi/osd"
	"github.com/cephapi/cephapi/rbd"
	"github.com/cephapi/cephapi/rgw"
)

// Client is the one entry point to a Ceph cluster: each field is a small
// service interface. A transport constructor (memory.New, rados.New,
// rest.New) returns a *Client; every call on it has its arguments checked
// once, here, before the transport sees it, so all transports reject the
// same bad input with the same error.
//
// A Client is safe for concurrent use. Close releases the transport's
// resources (a librados connection, idle HTTP connections).
type Client struct {
	Health              ceph.Health
	Monitors            ceph.Monitors
	Pools               ceph.Pools
	CrushRules          ceph.CrushRules
	ErasureCodeProfiles ceph.ErasureCodeProfiles
	Config              ceph.ClusterConfig
	MgrModules          ceph.MgrModules
	Logs                ceph.Logs
	PerfCounters        ceph.PerfCounters
	Hosts               ceph.Hosts
	OSDs                osd.OSDs
	OSDFlags            osd.Flags
	OSDLifecycle        osd.Lifecycle
	RBD                 RBD
	CephFS              CephFS
	RGW                 RGW
	// Commands runs raw Ceph commands (the legacy /api/v0.1 API stands on it).
	Commands ceph.Commander

	closeOnce sync.Once
	closer    func() error
	closeErr  error
}

// RBD groups the block-device services.
type RBD struct {
	Images     rbd.Images
	Snapshots  rbd.Snapshots
	Trash      rbd.Trash
	Namespaces rbd.Namespaces
	Mirroring  rbd.Mirroring
	Peers      rbd.MirrorPeers
}

// CephFS groups the file system services.
type CephFS struct {
	FileSystems cephfs.FileSystems
	Directories cephfs.Directories
}

// RGW groups the object gateway services.
type RGW struct {
	Daemons rgw.Daemons
	Site    rgw.Site
	Users   rgw.Users
	Buckets rgw.Buckets
}

// Option configures New.
type Option func(*Client)

// WithCloser sets the function Close calls (once).
func WithCloser(f func() error) Option { return func(c *Client) { c.closer = f } }

// New assembles a Client from a transport's implementations. Services the
// transport leaves nil answer Unimplemented. Every service is wrapped with
// the shared argument checks. Transports call New; users call the
// transport's constructor.
func New(parts *Client, opts ...Option) *Client {
	if parts == nil {
		parts = &Client{}
	}
	c := &Client{
		Health:              ceph.ValidatedHealth(parts.Health),
		Monitors:            ceph.ValidatedMonitors(parts.Monitors),
		Pools:               ceph.ValidatedPools(parts.Pools),
		CrushRules:          ceph.ValidatedCrushRules(parts.CrushRules),
		ErasureCodeProfiles: ceph.ValidatedErasureCodeProfiles(parts.ErasureCodeProfiles),
		Config:              ceph.ValidatedClusterConfig(parts.Config),
		MgrModules:          ceph.ValidatedMgrModules(parts.MgrModules),
		Logs:                ceph.ValidatedLogs(parts.Logs),
		PerfCounters:        ceph.ValidatedPerfCounters(parts.PerfCounters),
		Hosts:               ceph.ValidatedHosts(parts.Hosts),
		OSDs:                osd.ValidatedOSDs(parts.OSDs),
		OSDFlags:            osd.ValidatedFlags(parts.OSDFlags),
		OSDLifecycle:        osd.ValidatedLifecycle(parts.OSDLifecycle),
		RBD: RBD{
			Images: rbd.ValidatedImages(parts.RBD.Images), Snapshots: rbd.ValidatedSnapshots(parts.RBD.Snapshots),
			Trash: rbd.ValidatedTrash(parts.RBD.Trash), Namespaces: rbd.ValidatedNamespaces(parts.RBD.Namespaces),
			Mirroring: rbd.ValidatedMirroring(parts.RBD.Mirroring), Peers: rbd.ValidatedMirrorPeers(parts.RBD.Peers),
		},
		CephFS: CephFS{
			FileSystems: cephfs.ValidatedFileSystems(parts.CephFS.FileSystems),
			Directories: cephfs.ValidatedDirectories(parts.CephFS.Directories),
		},
		RGW: RGW{
			Daemons: rgw.ValidatedDaemons(parts.RGW.Daemons), Site: rgw.ValidatedSite(parts.RGW.Site),
			Users: rgw.ValidatedUsers(parts.RGW.Users), Buckets: rgw.ValidatedBuckets(parts.RGW.Buckets),
		},
		Commands: ceph.ValidatedCommander(parts.Commands),
		closer:   parts.closer,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close releases the transport's resources. It is safe to call more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		if c.closer != nil {
			c.closeErr = c.closer()
		}
	})
	return c.closeErr
}
