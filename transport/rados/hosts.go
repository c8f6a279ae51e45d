package rados

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/cephapi/cephapi/ceph"
)

const hostComponent = "host"

var _ ceph.Hosts = hosts{}

// hosts is ceph.Hosts from the daemons' metadata the monitors keep, as
// the manager's list_servers builds its hosts from it: `mon metadata`,
// `mgr metadata` (the active manager and the standbys), `osd metadata`,
// `mds metadata`, and the daemons of `service dump` (rgw, rbd-mirror,
// ...: by service map id, named by their metadata's id). No orchestrator
// is read: every host is of source ceph (see List).
type hosts struct {
	r *runner
	ceph.UnimplementedHosts
}

// metaEntry is one entry of a `<type> metadata` answer: every value but
// the OSDs' "id" is a string.
type metaEntry map[string]any

func (e metaEntry) str(k string) string {
	switch v := e[k].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// metadataDaemons reads `<typ> metadata` and returns its daemons, named
// by the entry's key ("name", or "id" for OSDs). A type with no daemons
// (no MDS yet) is none.
func (h hosts) metadataDaemons(ctx context.Context, typ, key string) ([]ceph.HostDaemon, error) {
	var raw []metaEntry
	if err := h.r.monJSON(ctx, hostComponent, &raw, typ+" metadata", nil); err != nil {
		if ceph.CodeOf(err) == ceph.NotFound {
			return nil, nil
		}
		return nil, err
	}
	out := make([]ceph.HostDaemon, 0, len(raw))
	for _, e := range raw {
		md := map[string]string{}
		if v, ok := e["ceph_version"]; ok && v != nil {
			md["ceph_version"] = e.str("ceph_version")
		}
		out = append(out, ceph.HostDaemon{Hostname: e.str("hostname"), Type: typ, ID: e.str(key), Metadata: md})
	}
	return out, nil
}

// serviceDaemons are the daemons of the service map.
func (h hosts) serviceDaemons(ctx context.Context) ([]ceph.HostDaemon, error) {
	var sd serviceDump
	if err := h.r.monJSON(ctx, hostComponent, &sd, "service dump", nil); err != nil {
		return nil, err
	}
	var out []ceph.HostDaemon
	for svc, s := range sd.Services {
		for name, raw := range s.Daemons {
			if name == "summary" {
				continue
			}
			var e struct {
				Metadata map[string]string `json:"metadata"`
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, badReply(hostComponent, "service dump", fmt.Errorf("%s.%s: %w", svc, name, err))
			}
			md := map[string]string{}
			for _, k := range []string{"ceph_version", "id"} {
				if v, ok := e.Metadata[k]; ok {
					md[k] = v
				}
			}
			out = append(out, ceph.HostDaemon{Hostname: e.Metadata["hostname"], Type: svc, ID: name, Metadata: md})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+"\x00"+out[i].ID < out[j].Type+"\x00"+out[j].ID })
	return out, nil
}

// all builds the hosts of every daemon, through the cache.
func (h hosts) all(ctx context.Context) ([]ceph.Host, error) {
	return cached(ctx, h.r.cache, hostComponent, "host/list", func(ctx context.Context) ([]ceph.Host, error) {
		var mon, mgr, osd, mds, svc []ceph.HostDaemon
		err := parallel(
			func() (err error) { mon, err = h.metadataDaemons(ctx, "mon", "name"); return },
			func() (err error) { mgr, err = h.metadataDaemons(ctx, "mgr", "name"); return },
			func() (err error) { osd, err = h.metadataDaemons(ctx, "osd", "id"); return },
			func() (err error) { mds, err = h.metadataDaemons(ctx, "mds", "name"); return },
			func() (err error) { svc, err = h.serviceDaemons(ctx); return },
		)
		if err != nil {
			return nil, err
		}
		var ds []ceph.HostDaemon
		for _, part := range [][]ceph.HostDaemon{mon, mgr, osd, mds, svc} {
			ds = append(ds, part...)
		}
		return ceph.BuildHosts(ds), nil
	})
}

// cloneHosts copies hosts out of the cache.
func cloneHosts(hs []ceph.Host) []ceph.Host {
	out := make([]ceph.Host, len(hs))
	for i, h := range hs {
		h.Services = append([]ceph.HostService{}, h.Services...)
		h.Labels = append([]string{}, h.Labels...)
		out[i] = h
	}
	return out
}

// orchestrated reports whether the cluster has an orchestrator backend
// (`orch status`): "No orchestrator configured" is ENOENT.
func (h hosts) orchestrated(ctx context.Context) (bool, error) {
	return cached(ctx, h.r.cache, hostComponent, "host/orch", func(ctx context.Context) (bool, error) {
		var st struct {
			Available bool `json:"available"`
		}
		err := h.r.mgrJSON(ctx, hostComponent, &st, "orch status", nil)
		switch ceph.CodeOf(err) {
		case ceph.NotFound, ceph.InvalidArgument, ceph.Unimplemented: // none configured, or no orchestrator module
			return false, nil
		}
		return st.Available, err
	})
}

// List lists the hosts of Ceph's daemons. Without an orchestrator the
// orchestrator source lists nothing and facts are the dashboard's
// error; with one, the orchestrator's hosts and facts are not read here:
// the orchestrator source alone and facts are Unimplemented, and a list
// of every source has Ceph's hosts only.
func (h hosts) List(ctx context.Context, opts *ceph.HostListOptions) ([]ceph.Host, error) {
	facts := opts != nil && opts.Facts
	orchOnly := !opts.Wants(ceph.HostSourceCeph) && opts.Wants(ceph.HostSourceOrchestrator)
	if facts || orchOnly {
		orch, err := h.orchestrated(ctx)
		if err != nil {
			return nil, err
		}
		if orch {
			return nil, ceph.Errorf(ceph.Unimplemented, hostComponent,
				"the orchestrator's hosts and facts are not read by this transport")
		}
		if facts {
			return nil, ceph.HostFactsUnavailable()
		}
	}
	out := []ceph.Host{}
	if opts.Wants(ceph.HostSourceCeph) {
		hs, err := h.all(ctx)
		if err != nil {
			return nil, err
		}
		out = cloneHosts(hs)
	}
	return out, nil
}

func (h hosts) Get(ctx context.Context, hostname string) (*ceph.Host, error) {
	hs, err := h.all(ctx)
	if err != nil {
		return nil, err
	}
	found, err := ceph.FindHost(hs, hostname)
	if err != nil {
		return nil, err
	}
	return &cloneHosts([]ceph.Host{*found})[0], nil
}
