package httpapi

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// rbdPoolImages is one element of GET /api/block/image (v2.0): the images
// of one pool in the requested page.
type rbdPoolImages struct {
	PoolName string      `json:"pool_name"`
	Value    []rbd.Image `json:"value"`
}

func imageNamespace(im *rbd.Image) string {
	if im.Namespace == nil {
		return ""
	}
	return *im.Namespace
}

// rbdList pages, searches and sorts as the dashboard's
// RbdService.rbd_pool_list (offset, limit default 5 with -1 for all, search
// in name/pool/namespace, sort "+name"/"-pool_name"/...) and returns the
// total in X-Total-Count. It lists through the domain API each time, so a
// write is visible at once (the dashboard caches names for 30 s).
func (s *Server) rbdList(c *call) (any, error) {
	q := c.r.URL.Query()
	intParam := func(name string, def int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, ceph.Errorf(ceph.InvalidArgument, "rbd", "Invalid value for parameter '%s': %q is not an integer", name, v)
		}
		return n, nil
	}
	offset, err := intParam("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := intParam("limit", 5)
	if err != nil {
		return nil, err
	}
	if limit < -1 || offset < 0 {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rbd", "Wrong limit value %d", limit)
	}
	images, err := s.client.RBD.Images.List(c.ctx(), q.Get("pool_name"), nil)
	if err != nil {
		return nil, err
	}
	search := q.Get("search")
	kept := images[:0:0]
	for _, im := range images {
		if strings.Contains(im.Name, search) || strings.Contains(im.PoolName, search) || strings.Contains(imageNamespace(&im), search) {
			kept = append(kept, im)
		}
	}
	sortBy, desc := "name", false
	if srt := q.Get("sort"); len(srt) >= 2 {
		desc = srt[0] == '-'
		if f := srt[1:]; f == "pool_name" || f == "namespace" {
			sortBy = f
		}
	}
	key := func(im *rbd.Image) string {
		switch sortBy {
		case "pool_name":
			return im.PoolName
		case "namespace":
			return imageNamespace(im)
		}
		return im.Name
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if desc {
			return key(&kept[i]) > key(&kept[j])
		}
		return key(&kept[i]) < key(&kept[j])
	})
	total := len(kept)
	end := offset + limit
	if limit == -1 || end > total {
		end = total
	}
	if offset > total {
		offset = total
	}
	out := []*rbdPoolImages{}
	byPool := map[string]*rbdPoolImages{}
	for _, im := range kept[offset:end] {
		p, ok := byPool[im.PoolName]
		if !ok {
			p = &rbdPoolImages{PoolName: im.PoolName}
			byPool[im.PoolName] = p
			out = append(out, p)
		}
		p.Value = append(p.Value, im)
	}
	return &response{header: http.Header{"X-Total-Count": {strconv.Itoa(total)}}, body: out}, nil
}

func (c *call) imageSpec() (rbd.ImageSpec, error) {
	return rbd.ParseImageSpec(c.r.PathValue("image_spec"))
}

func (s *Server) rbdGet(c *call) (any, error) {
	spec, err := c.imageSpec()
	if err != nil {
		return nil, err
	}
	return s.client.RBD.Images.Get(c.ctx(), spec)
}

// rbdMirrorFields are body fields of image create/edit that need RBD
// mirroring, which the domain API does not model yet.
type rbdMirrorFields struct {
	ScheduleInterval string `json:"schedule_interval"`
	MirrorMode       string `json:"mirror_mode"`
	EnableMirror     *bool  `json:"enable_mirror"`
	Primary          *bool  `json:"primary"`
	Force            bool   `json:"force"`
	Resync           bool   `json:"resync"`
	RemoveScheduling bool   `json:"remove_scheduling"`
}

func (m *rbdMirrorFields) check() error {
	if m.ScheduleInterval != "" || m.MirrorMode != "" || m.EnableMirror != nil || m.Primary != nil || m.Resync || m.RemoveScheduling {
		return ceph.Errorf(ceph.Unimplemented, "rbd", "RBD mirroring settings are not implemented by this server yet")
	}
	return nil
}

type rbdCreateBody struct {
	Name          *string        `json:"name"`
	PoolName      *string        `json:"pool_name"`
	Size          *flexInt       `json:"size"`
	Namespace     *string        `json:"namespace"`
	ObjSize       *flexInt       `json:"obj_size"`
	Features      []string       `json:"features"`
	StripeUnit    *flexInt       `json:"stripe_unit"`
	StripeCount   *flexInt       `json:"stripe_count"`
	DataPool      *string        `json:"data_pool"`
	Configuration map[string]any `json:"configuration"`
	rbdMirrorFields
}

func uint64Of(name string, f *flexInt) (uint64, error) {
	if f == nil {
		return 0, nil
	}
	if *f < 0 {
		return 0, ceph.Errorf(ceph.InvalidArgument, "rbd", "%s must not be negative", name)
	}
	return uint64(*f), nil
}

func (s *Server) rbdCreate(c *call) (any, error) {
	var b rbdCreateBody
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"name", b.Name != nil}, field{"pool_name", b.PoolName != nil}, field{"size", b.Size != nil}); err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	spec := rbd.ImageSpec{Pool: *b.PoolName, Namespace: deref(b.Namespace), Name: *b.Name}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &rbd.CreateOptions{Features: b.Features, DataPool: deref(b.DataPool), Configuration: cfg}
	for _, f := range []struct {
		name string
		in   *flexInt
		out  *uint64
	}{{"size", b.Size, &opts.Size}, {"obj_size", b.ObjSize, &opts.ObjSize}, {"stripe_unit", b.StripeUnit, &opts.StripeUnit}, {"stripe_count", b.StripeCount, &opts.StripeCount}} {
		if *f.out, err = uint64Of(f.name, f.in); err != nil {
			return nil, err
		}
	}
	var ns any
	if b.Namespace != nil {
		ns = *b.Namespace
	}
	return &taskWork{
		meta: map[string]any{"pool_name": spec.Pool, "namespace": ns, "image_name": spec.Name},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.RBD.Images.Create(ctx, spec, opts))
		},
	}, nil
}

type rbdEditBody struct {
	Name          *string        `json:"name"`
	Size          *flexInt       `json:"size"`
	Features      *[]string      `json:"features"`
	Configuration map[string]any `json:"configuration"`
	rbdMirrorFields
}

func (s *Server) rbdUpdate(c *call) (any, error) {
	spec, err := c.imageSpec()
	if err != nil {
		return nil, err
	}
	var b rbdEditBody
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &rbd.UpdateOptions{Features: b.Features, Configuration: cfg}
	if b.Name != nil && *b.Name != "" && *b.Name != spec.Name {
		opts.NewName = b.Name
	}
	// The dashboard resizes only for a non-zero size.
	if b.Size != nil && *b.Size != 0 {
		size, err := uint64Of("size", b.Size)
		if err != nil {
			return nil, err
		}
		opts.Size = &size
	}
	var name any
	if b.Name != nil {
		name = *b.Name
	}
	return &taskWork{
		meta: map[string]any{"image_spec": spec.String(), "name": name},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.RBD.Images.Update(ctx, spec, opts))
		},
	}, nil
}

func (s *Server) rbdDelete(c *call) (any, error) {
	spec, err := c.imageSpec()
	if err != nil {
		return nil, err
	}
	return &taskWork{
		meta: map[string]any{"image_spec": spec.String()},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.RBD.Images.Delete(ctx, spec))
		},
	}, nil
}
