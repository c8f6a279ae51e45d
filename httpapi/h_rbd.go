package httpapi

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
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
func (s *Server) rbdList(c *call, r *ops.RBDImageListRequest) (any, error) {
	offset, limit := 0, 5
	if r.Offset != nil {
		offset = int(*r.Offset)
	}
	if r.Limit != nil {
		limit = int(*r.Limit)
	}
	if limit < -1 || offset < 0 {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rbd", "Wrong limit value %d", limit)
	}
	images, err := s.client.RBD.Images.List(c.ctx(), r.PoolName, nil)
	if err != nil {
		return nil, err
	}
	search := r.Search
	kept := images[:0:0]
	for _, im := range images {
		if strings.Contains(im.Name, search) || strings.Contains(im.PoolName, search) || strings.Contains(imageNamespace(&im), search) {
			kept = append(kept, im)
		}
	}
	sortBy, desc := "name", false
	if srt := r.Sort; len(srt) >= 2 {
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

// rbdSpec parses the {image_spec} path parameter.
func rbdSpec(s string) (rbd.ImageSpec, error) { return rbd.ParseImageSpec(s) }

// rbdMirrorFields are body fields of image create/edit that need RBD
// mirroring, which the domain API does not model yet.
func rbdMirrorFields(scheduleInterval, mirrorMode *string, enableMirror, primary, resync, removeScheduling *bool) error {
	if deref(scheduleInterval) != "" || deref(mirrorMode) != "" || enableMirror != nil || primary != nil || deref(resync) || deref(removeScheduling) {
		return ceph.Errorf(ceph.Unimplemented, "rbd", "RBD mirroring settings are not implemented by this server yet")
	}
	return nil
}

func uint64Of(name string, f *ops.Int) (uint64, error) {
	if f == nil {
		return 0, nil
	}
	if *f < 0 {
		return 0, ceph.Errorf(ceph.InvalidArgument, "rbd", "%s must not be negative", name)
	}
	return uint64(*f), nil
}

func (s *Server) rbdCreate(c *call, b *ops.RBDImageCreateRequest) (any, error) {
	if err := rbdMirrorFields(b.ScheduleInterval, b.MirrorMode, b.EnableMirror, b.Primary, b.Resync, b.RemoveScheduling); err != nil {
		return nil, err
	}
	spec := rbd.ImageSpec{Pool: b.PoolName, Namespace: deref(b.Namespace), Name: b.Name}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &rbd.CreateOptions{Features: deref(b.Features), DataPool: deref(b.DataPool), Configuration: cfg}
	size := b.Size
	for _, f := range []struct {
		name string
		in   *ops.Int
		out  *uint64
	}{{"size", &size, &opts.Size}, {"obj_size", b.ObjSize, &opts.ObjSize}, {"stripe_unit", b.StripeUnit, &opts.StripeUnit}, {"stripe_count", b.StripeCount, &opts.StripeCount}} {
		if *f.out, err = uint64Of(f.name, f.in); err != nil {
			return nil, err
		}
	}
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.RBD.Images.Create(ctx, spec, opts))
	}), nil
}

func (s *Server) rbdUpdate(c *call, b *ops.RBDImageUpdateRequest) (any, error) {
	spec, err := rbdSpec(b.ImageSpec)
	if err != nil {
		return nil, err
	}
	if err := rbdMirrorFields(b.ScheduleInterval, b.MirrorMode, b.EnableMirror, b.Primary, b.Resync, b.RemoveScheduling); err != nil {
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
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.RBD.Images.Update(ctx, spec, opts))
	}), nil
}

// rbdDelete removes an image as the dashboard's DELETE does: its
// snapshots first, then the image. (The domain call alone refuses an
// image with snapshots, as librbd does.)
func (s *Server) rbdDelete(ctx context.Context, spec rbd.ImageSpec) error {
	img, err := s.client.RBD.Images.Get(ctx, spec)
	if err != nil {
		return err
	}
	for _, snap := range img.Snapshots {
		if err := s.client.RBD.Snapshots.Delete(ctx, spec, snap.Name); err != nil && ceph.CodeOf(err) != ceph.NotFound {
			return err
		}
	}
	return s.client.RBD.Images.Delete(ctx, spec)
}
