package rest

import (
	"context"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

var _ ceph.Hosts = hostsService{}

// hostsService is ceph.Hosts on GET /api/host (v1.1) and
// GET /api/host/{hostname}.
type hostsService struct {
	c *client
	ceph.UnimplementedHosts
}

func (s hostsService) List(ctx context.Context, opts *ceph.HostListOptions) ([]ceph.Host, error) {
	req := &ops.HostListRequest{}
	if opts != nil {
		if len(opts.Sources) > 0 {
			req.Sources = strings.Join(opts.Sources, ",")
			if req.Sources == "" { // sources selected, none named: the dashboard would take "" as every source
				return []ceph.Host{}, nil
			}
		}
		if opts.Facts {
			t := ops.Bool(true)
			req.Facts = &t
		}
	}
	l, err := get[[]ceph.Host](ctx, s.c, ops.HostList, req)
	if err != nil {
		return nil, err
	}
	for i := range *l {
		normalizeHost(&(*l)[i])
	}
	return *l, nil
}

// Get reads one host; the real dashboard answers an unknown one with
// CherryPy's bare 404, which is NotFound here.
func (s hostsService) Get(ctx context.Context, hostname string) (*ceph.Host, error) {
	h, err := get[ceph.Host](ctx, s.c, ops.HostGet, &ops.HostGetRequest{Hostname: hostname})
	if err != nil {
		return nil, err
	}
	normalizeHost(h)
	return h, nil
}

// normalizeHost gives a host decoded from the wire the non-nil slices of
// the other transports.
func normalizeHost(h *ceph.Host) {
	if h.Services == nil {
		h.Services = []ceph.HostService{}
	}
	if h.Labels == nil {
		h.Labels = []string{}
	}
}
