package rest

import (
	"context"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

var _ rbd.Images = imagesService{}

type imagesService struct {
	c *client
	rbd.UnimplementedImages
}

// The {image_spec} path parameter is "pool/name" or
// "pool/namespace/name" as one segment ("pool%2Fname"), as the dashboard's
// front end sends it: ops.Encode escapes it.

// List is GET /api/block/image (version 2.0), which pages (offset, limit;
// -1 for all), searches and returns the total in X-Total-Count.
func (s imagesService) List(ctx context.Context, pool string, opts *rbd.ListOptions) ([]rbd.Image, error) {
	limit, offset, search := -1, 0, ""
	if opts != nil {
		if opts.Limit > 0 {
			limit = opts.Limit
		}
		offset, search = opts.Offset, opts.Search
	}
	req := &ops.RBDImageListRequest{PoolName: pool, Offset: new(ops.Int(offset)), Limit: new(ops.Int(limit)), Search: search}
	var pools []struct {
		PoolName string      `json:"pool_name"`
		Value    []rbd.Image `json:"value"`
	}
	if _, err := send(ctx, s.c, ops.RBDImageList, req, &pools); err != nil {
		return nil, err
	}
	out := []rbd.Image{}
	for _, p := range pools {
		for _, im := range p.Value {
			if im.PoolName == "" {
				im.PoolName = p.PoolName
			}
			out = append(out, im)
		}
	}
	return out, nil
}

func (s imagesService) Get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	return get[rbd.Image](ctx, s.c, ops.RBDImageGet, &ops.RBDImageGetRequest{ImageSpec: spec.String()})
}

func (s imagesService) Create(ctx context.Context, spec rbd.ImageSpec, opts *rbd.CreateOptions) error {
	b := &ops.RBDImageCreateRequest{
		Name: spec.Name, PoolName: spec.Pool, Size: ops.Int(opts.Size),
		Namespace: nonZero(spec.Namespace), ObjSize: intOf(opts.ObjSize),
		StripeUnit: intOf(opts.StripeUnit), StripeCount: intOf(opts.StripeCount),
		DataPool: nonZero(opts.DataPool), Configuration: configAny(opts.Configuration),
	}
	if opts.Features != nil {
		b.Features = &opts.Features
	}
	return exec(ctx, s.c, ops.RBDImageCreate, b)
}

func (s imagesService) Update(ctx context.Context, spec rbd.ImageSpec, opts *rbd.UpdateOptions) error {
	b := &ops.RBDImageUpdateRequest{ImageSpec: spec.String()}
	if opts != nil {
		b.Name, b.Size, b.Features = opts.NewName, intp(opts.Size), opts.Features
		b.Configuration = configAny(opts.Configuration)
	}
	return exec(ctx, s.c, ops.RBDImageUpdate, b)
}

// Delete refuses an image that has snapshots, as librbd (and so the other
// transports) do: the dashboard's DELETE would remove the snapshots first.
// A snapshot taken between the check and the DELETE is removed with the
// image.
func (s imagesService) Delete(ctx context.Context, spec rbd.ImageSpec) error {
	img, err := s.Get(ctx, spec)
	if err != nil {
		return err
	}
	if len(img.Snapshots) > 0 {
		return ceph.Errorf(ceph.FailedPrecondition, "rbd", "image %s has snapshots - not removing", spec)
	}
	return exec(ctx, s.c, ops.RBDImageDelete, &ops.RBDImageDeleteRequest{ImageSpec: spec.String()})
}

var _ rbd.Snapshots = snapshotsService{}

type snapshotsService struct {
	c *client
	rbd.UnimplementedSnapshots
}

// Create is POST /api/block/image/{image_spec}/snap. The real dashboard
// requires mirrorImageSnapshot (false: a plain snapshot).
func (s snapshotsService) Create(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return exec(ctx, s.c, ops.RBDSnapCreate, &ops.RBDSnapCreateRequest{
		ImageSpec: spec.String(), SnapshotName: name, MirrorImageSnapshot: new(false),
	})
}

func (s snapshotsService) Delete(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return exec(ctx, s.c, ops.RBDSnapDelete, &ops.RBDSnapDeleteRequest{ImageSpec: spec.String(), SnapshotName: name})
}
