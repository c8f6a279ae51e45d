package ceph

import (
	"context"
	"sort"
	"strings"
)

// The sources a host can be known to (the dashboard's "sources").
const (
	HostSourceCeph         = "ceph"
	HostSourceOrchestrator = "orchestrator"
)

// HostService is one daemon on a host, as the manager's list_servers
// reports it.
type HostService struct {
	// Type is the daemon type: "mon", "mgr", "osd", "mds", "rgw",
	// "rbd-mirror", ...
	Type string `json:"type"`
	// ID is the daemon's name in its map: "a", "0"; for the daemons of the
	// service map (rgw, rbd-mirror, ...) their service map id (a gid).
	ID string `json:"id"`
	// CephVersion is the daemon's version line; the manager carries the
	// previous daemon's on to one whose metadata has none.
	CephVersion string `json:"ceph_version"`
	// Name is the "id" of the daemon's metadata, where it has one (a
	// gateway's name: "x" of client.rgw.x).
	Name string `json:"name,omitempty"`
}

// HostSources says which sources know a host.
type HostSources struct {
	Ceph         bool `json:"ceph"`
	Orchestrator bool `json:"orchestrator"`
}

// Host is a host that runs daemons of the cluster (the dashboard's
// /api/host entry).
type Host struct {
	Hostname string `json:"hostname"`
	// Services are the host's daemons, by type then id (as strings).
	Services []HostService `json:"services"`
	// CephVersion is the version line of the host's last service.
	CephVersion string `json:"ceph_version"`
	// Addr, Labels and Status come from an orchestrator; without one
	// they are "", [] and "".
	Addr    string      `json:"addr"`
	Labels  []string    `json:"labels"`
	Sources HostSources `json:"sources"`
	Status  string      `json:"status"`
}

// HostListOptions selects the hosts of Hosts.List; nil lists every host.
type HostListOptions struct {
	// Sources are the sources to list the hosts of (HostSourceCeph,
	// HostSourceOrchestrator); empty: all of them. Other names select
	// nothing, as the dashboard's.
	Sources []string
	// Facts asks for the orchestrator's facts of each host; without an
	// orchestrator the list fails with HostFactsUnavailable's error.
	Facts bool
}

// Wants reports whether the options select source (nil options select
// every source).
func (o *HostListOptions) Wants(source string) bool {
	if o == nil || len(o.Sources) == 0 {
		return true
	}
	for _, s := range o.Sources {
		if s == source {
			return true
		}
	}
	return false
}

// Hosts reads the cluster's hosts: the hosts of the daemons the manager
// knows (and, where there is one, the orchestrator's).
type Hosts interface {
	// List returns the hosts, by host name.
	List(ctx context.Context, opts *HostListOptions) ([]Host, error)
	// Get returns one host of the list; NotFound when no source knows it.
	Get(ctx context.Context, hostname string) (*Host, error)
}

// HostFactsUnavailable is the error of a host list with facts on a
// cluster without an orchestrator, as the dashboard's (400,
// orchestrator_status_unavailable).
func HostFactsUnavailable() *Error {
	return &Error{Code: FailedPrecondition, Component: "orchestrator", Reason: "orchestrator_status_unavailable",
		Detail: "Please configure and enable the orchestrator if you really want to gather facts from hosts"}
}

// HostNotFound is the error of Hosts.Get of a host no source knows.
func HostNotFound(hostname string) *Error {
	return Errorf(NotFound, "host", "host %q not found", hostname)
}

// HostDaemon is one daemon for BuildHosts: its host name (from its
// metadata), its type, id and metadata.
type HostDaemon struct {
	Hostname string
	Type     string
	ID       string
	// Metadata is the daemon's metadata as the manager keeps it: its
	// "ceph_version" and, where it has one, its "id".
	Metadata map[string]string
}

// BuildHosts groups daemons into the hosts the manager's list_servers
// reports, as the dashboard lists them without an orchestrator (sources
// ceph, no address, labels or status). Daemons without a host name are
// left out, as the manager leaves them out. Hosts are sorted by name,
// services by type then id, each daemon once.
func BuildHosts(daemons []HostDaemon) []Host {
	byHost := map[string][]HostDaemon{}
	for _, d := range daemons {
		if d.Hostname == "" {
			continue
		}
		byHost[d.Hostname] = append(byHost[d.Hostname], d)
	}
	names := make([]string, 0, len(byHost))
	for n := range byHost {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Host, 0, len(names))
	for _, n := range names {
		ds := byHost[n]
		sort.SliceStable(ds, func(i, j int) bool {
			if ds[i].Type != ds[j].Type {
				return ds[i].Type < ds[j].Type
			}
			return ds[i].ID < ds[j].ID
		})
		h := Host{Hostname: n, Services: []HostService{}, Labels: []string{}, Sources: HostSources{Ceph: true}}
		version := ""
		for i, d := range ds {
			if i > 0 && d.Type == ds[i-1].Type && d.ID == ds[i-1].ID {
				continue
			}
			if v, ok := d.Metadata["ceph_version"]; ok {
				version = v
			}
			h.Services = append(h.Services, HostService{Type: d.Type, ID: d.ID, CephVersion: version, Name: d.Metadata["id"]})
		}
		h.CephVersion = version
		out = append(out, h)
	}
	return out
}

// FindHost returns the host named hostname of hosts, or HostNotFound.
func FindHost(hosts []Host, hostname string) (*Host, error) {
	for i := range hosts {
		if hosts[i].Hostname == hostname {
			return &hosts[i], nil
		}
	}
	return nil, HostNotFound(hostname)
}

// SplitHostSources splits the dashboard's comma-separated sources
// parameter; "" is every source (nil).
func SplitHostSources(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
