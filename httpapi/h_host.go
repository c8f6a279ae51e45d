package httpapi

import (
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

// hostBindings are the host reads of controllers/host.py. Without an
// orchestrator (every transport here) the list is the manager's hosts
// (sources ceph), sources=orchestrator alone lists nothing, and facts are
// the dashboard's 400 orchestrator_status_unavailable; an unknown host is
// 404.
func (s *Server) hostBindings() []binding {
	c := s.client
	return []binding{
		// GET /api/host
		bind(ops.HostList, func(cl *call, r *ops.HostListRequest) (any, error) {
			opts := &ceph.HostListOptions{Sources: ceph.SplitHostSources(r.Sources), Facts: r.Facts != nil && bool(*r.Facts)}
			return listOf(c.Hosts.List(cl.ctx(), opts))
		}),
		// GET /api/host/{hostname}
		bind(ops.HostGet, func(cl *call, r *ops.HostGetRequest) (any, error) {
			return c.Hosts.Get(cl.ctx(), r.Hostname)
		}),
	}
}
