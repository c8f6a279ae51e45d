package memory

import (
	"context"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

// --- ceph.Hosts ----------------------------------------------------------------

type hostsService struct {
	*backend
	ceph.UnimplementedHosts
}

// daemonHostLocked is the host of the model's monitor, manager and MDSs:
// its first host bucket ("dev" on the demo cluster), where its gateways
// start too.
func (c *cluster) daemonHostLocked() string { return c.firstHostLocked() }

// hostDaemonsLocked is every daemon the model's manager knows, with its
// host: the monitor, the manager, each OSD that has metadata (one never
// booted has none, as in Ceph) on its metadata's host, each file
// system's MDS and each gateway (by its service map id, named by its id).
func (c *cluster) hostDaemonsLocked() []ceph.HostDaemon {
	host := c.daemonHostLocked()
	version := map[string]string{"ceph_version": cephVersion}
	out := []ceph.HostDaemon{
		{Hostname: host, Type: "mon", ID: "a", Metadata: version},
		{Hostname: host, Type: "mgr", ID: "x", Metadata: version},
	}
	for _, o := range c.osds {
		if o == nil || o.isNew || o.hostname == "" { // as metadataLocked: a new OSD has none
			continue
		}
		out = append(out, ceph.HostDaemon{Hostname: o.hostname, Type: "osd", ID: strconv.Itoa(o.id), Metadata: version})
	}
	for _, fs := range c.fss {
		out = append(out, ceph.HostDaemon{Hostname: host, Type: "mds", ID: fs.mdsName, Metadata: version})
	}
	if c.rgw != nil {
		for _, d := range c.rgw.daemons {
			md := c.daemonMetadata(d)
			out = append(out, ceph.HostDaemon{Hostname: md["hostname"], Type: "rgw", ID: strconv.FormatInt(d.gid, 10),
				Metadata: map[string]string{"ceph_version": md["ceph_version"], "id": md["id"]}})
		}
	}
	return out
}

// hostCountLocked is the number of hosts of the list, without building
// it (the health reports count them on every read).
func (c *cluster) hostCountLocked() int {
	seen := map[string]bool{c.daemonHostLocked(): true}
	for _, o := range c.osds {
		if o != nil && !o.isNew && o.hostname != "" {
			seen[o.hostname] = true
		}
	}
	if c.rgw != nil {
		for _, d := range c.rgw.daemons {
			if d.host != "" {
				seen[d.host] = true
			}
		}
	}
	return len(seen)
}

// hostListLocked is the host list of opts: the model has no orchestrator.
func (c *cluster) hostListLocked(opts *ceph.HostListOptions) ([]ceph.Host, error) {
	hosts := []ceph.Host{}
	if opts.Wants(ceph.HostSourceCeph) {
		hosts = ceph.BuildHosts(c.hostDaemonsLocked())
	}
	if opts != nil && opts.Facts {
		return nil, ceph.HostFactsUnavailable()
	}
	return hosts, nil
}

// List lists the hosts of the model's daemons (no orchestrator: sources
// ceph only, and no facts).
func (s hostsService) List(ctx context.Context, opts *ceph.HostListOptions) ([]ceph.Host, error) {
	return view(s.backend, ctx, "Hosts.List", []any{opts}, func(c *cluster) ([]ceph.Host, error) {
		return c.hostListLocked(opts)
	})
}

// Get returns one host of the list.
func (s hostsService) Get(ctx context.Context, hostname string) (*ceph.Host, error) {
	return view(s.backend, ctx, "Hosts.Get", []any{hostname}, func(c *cluster) (*ceph.Host, error) {
		return ceph.FindHost(ceph.BuildHosts(c.hostDaemonsLocked()), hostname)
	})
}
