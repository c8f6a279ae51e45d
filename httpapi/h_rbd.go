package httpapi

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"

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

// rbdList is the dashboard's v2.0 list (RbdService.rbd_pool_list):
// offset, limit (default 5, -1 for all), search in name/pool/namespace,
// sort "+name"/"-pool_name"/..., and the total in X-Total-Count. The
// transport pages (rbd.ListOptions), so only a page's images are read; it
// lists through the domain API each time, so a write is visible at once
// (the dashboard caches names for 30 s).
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
	opts := &rbd.ListOptions{Offset: offset, Limit: limit, Search: r.Search, Sort: r.Sort}
	switch limit {
	case -1:
		opts.Limit = 0
	case 0:
		// the dashboard's empty slice: count, read nothing
		opts.Offset = math.MaxInt32
	}
	list, err := s.client.RBD.Images.List(c.ctx(), r.PoolName, opts)
	if err != nil {
		return nil, err
	}
	out := []*rbdPoolImages{}
	byPool := map[string]*rbdPoolImages{}
	for _, im := range list.Images {
		// The list names the default namespace "" where a get says null.
		if im.Namespace == nil {
			im.Namespace = new("")
		}
		p, ok := byPool[im.PoolName]
		if !ok {
			p = &rbdPoolImages{PoolName: im.PoolName}
			byPool[im.PoolName] = p
			out = append(out, p)
		}
		p.Value = append(p.Value, im)
	}
	return &response{header: http.Header{"X-Total-Count": {strconv.Itoa(list.Total)}}, body: out}, nil
}

// rbdSpec parses the {image_spec} path parameter.
func rbdSpec(s string) (rbd.ImageSpec, error) { return rbd.ParseImageSpec(s) }

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
	// The dashboard's create takes mirror_mode and schedule_interval
	// only; the other mirroring fields of its schema are ignored.
	mirror := &imageMirror{mode: b.MirrorMode, schedule: deref(b.ScheduleInterval)}
	if err := mirror.check(false); err != nil {
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
		if err := s.client.RBD.Images.Create(ctx, spec, opts); err != nil {
			return nil, err
		}
		return nothing(s.mirrorCreated(ctx, spec, mirror))
	}), nil
}

func (s *Server) rbdUpdate(c *call, b *ops.RBDImageUpdateRequest) (any, error) {
	spec, err := rbdSpec(b.ImageSpec)
	if err != nil {
		return nil, err
	}
	mirror := &imageMirror{mode: b.MirrorMode, enable: b.EnableMirror, primary: b.Primary, force: deref(b.Force),
		resync: deref(b.Resync), schedule: deref(b.ScheduleInterval), removeScheduling: deref(b.RemoveScheduling)}
	if err := mirror.check(deref(b.EnableMirror)); err != nil {
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
		if err := s.client.RBD.Images.Update(ctx, spec, opts); err != nil {
			return nil, err
		}
		if opts.NewName != nil {
			spec.Name = *opts.NewName
		}
		return nothing(s.mirrorEdited(ctx, spec, mirror))
	}), nil
}

// rbdDelete removes an image as the dashboard's DELETE does: its
// snapshots first (unprotecting the protected ones), then the image. (The domain call alone refuses an
// image with snapshots, as librbd does.)
func (s *Server) rbdDelete(ctx context.Context, spec rbd.ImageSpec) error {
	img, err := s.client.RBD.Images.Get(ctx, spec)
	if err != nil {
		return err
	}
	for _, snap := range img.Snapshots {
		if snap.IsProtected {
			if err := s.client.RBD.Snapshots.Unprotect(ctx, spec, snap.Name); err != nil && ceph.CodeOf(err) != ceph.NotFound {
				return err
			}
		}
		if err := s.client.RBD.Snapshots.Delete(ctx, spec, snap.Name); err != nil && ceph.CodeOf(err) != ceph.NotFound {
			return err
		}
	}
	return s.client.RBD.Images.Delete(ctx, spec)
}

// rbdStatus answers the dashboard UI's first question: is there a pool
// with the rbd application? (controllers/rbd.py RbdStatus.status)
func (s *Server) rbdStatus(c *call) (any, error) {
	pools, err := s.client.Pools.List(c.ctx(), nil)
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		if slices.Contains(p.ApplicationMetadata, "rbd") {
			return map[string]any{"available": true, "message": nil}, nil
		}
	}
	return map[string]any{"available": false,
		"message": `No RBD pools in the cluster. Please create a pool with the "rbd" application label.`}, nil
}

// imageOptions reads the layout fields of a copy or a clone.
func imageOptions(objSize, stripeUnit, stripeCount *ops.Int, features *[]string, dataPool *string, conf map[string]any) (*rbd.ImageOptions, error) {
	cfg, err := configStrings(conf)
	if err != nil {
		return nil, err
	}
	o := &rbd.ImageOptions{DataPool: deref(dataPool), Configuration: cfg}
	if features != nil {
		o.Features = *features
	}
	for _, f := range []struct {
		name string
		in   *ops.Int
		out  *uint64
	}{{"obj_size", objSize, &o.ObjSize}, {"stripe_unit", stripeUnit, &o.StripeUnit}, {"stripe_count", stripeCount, &o.StripeCount}} {
		if *f.out, err = uint64Of(f.name, f.in); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (s *Server) rbdCopy(_ *call, r *ops.RBDImageCopyRequest) (any, error) {
	src, err := rbdSpec(r.ImageSpec)
	if err != nil {
		return nil, err
	}
	dst := rbd.ImageSpec{Pool: r.DestPoolName, Namespace: deref(r.DestNamespace), Name: r.DestImageName}
	if err := dst.Validate(); err != nil {
		return nil, err
	}
	layout, err := imageOptions(r.ObjSize, r.StripeUnit, r.StripeCount, r.Features, r.DataPool, r.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &rbd.CopyOptions{ImageOptions: *layout, Snapshot: deref(r.SnapshotName)}
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.RBD.Images.Copy(ctx, src, dst, opts))
	}), nil
}

func (s *Server) rbdClone(_ *call, r *ops.RBDSnapCloneRequest) (any, error) {
	parent, err := rbdSpec(r.ImageSpec)
	if err != nil {
		return nil, err
	}
	child := rbd.ImageSpec{Pool: r.ChildPoolName, Namespace: deref(r.ChildNamespace), Name: r.ChildImageName}
	if err := child.Validate(); err != nil {
		return nil, err
	}
	opts, err := imageOptions(r.ObjSize, r.StripeUnit, r.StripeCount, r.Features, r.DataPool, r.Configuration)
	if err != nil {
		return nil, err
	}
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.RBD.Snapshots.Clone(ctx, parent, r.SnapshotName, child, opts))
	}), nil
}

// rbdSnapUpdate renames and (un)protects a snapshot, in that order, as the
// dashboard's RbdSnapshot.set.
func (s *Server) rbdSnapUpdate(_ *call, r *ops.RBDSnapUpdateRequest) (any, error) {
	spec, err := rbdSpec(r.ImageSpec)
	if err != nil {
		return nil, err
	}
	return later(func(ctx context.Context) (any, error) {
		name := r.SnapshotName
		if n := deref(r.NewSnapName); n != "" && n != name {
			if err := s.client.RBD.Snapshots.Rename(ctx, spec, name, n); err != nil {
				return nil, err
			}
			name = n
		}
		if r.IsProtected != nil {
			if *r.IsProtected {
				return nothing(s.client.RBD.Snapshots.Protect(ctx, spec, name))
			}
			return nothing(s.client.RBD.Snapshots.Unprotect(ctx, spec, name))
		}
		return nil, nil
	}), nil
}
