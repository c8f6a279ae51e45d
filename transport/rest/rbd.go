package rest

import (
	"context"
	"strconv"

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

// List is GET /api/block/image (version 2.0), which searches, sorts and
// pages on the server (offset, limit; -1 for all) and returns the total
// in X-Total-Count.
func (s imagesService) List(ctx context.Context, pool string, opts *rbd.ListOptions) (*rbd.ImageList, error) {
	var o rbd.ListOptions
	if opts != nil {
		o = *opts
	}
	limit := -1
	if o.Limit > 0 {
		limit = o.Limit
	}
	req := &ops.RBDImageListRequest{PoolName: pool, Offset: new(ops.Int(o.Offset)), Limit: new(ops.Int(limit)), Search: o.Search, Sort: o.Sort}
	var pools []struct {
		PoolName string      `json:"pool_name"`
		Value    []rbd.Image `json:"value"`
	}
	resp, err := send(ctx, s.c, ops.RBDImageList, req, &pools)
	if err != nil {
		return nil, err
	}
	out := &rbd.ImageList{Images: []rbd.Image{}}
	for _, p := range pools {
		for _, im := range p.Value {
			if im.PoolName == "" {
				im.PoolName = p.PoolName
			}
			out.Images = append(out.Images, im)
		}
	}
	out.Total = len(out.Images)
	if n, err := strconv.Atoi(resp.header.Get("X-Total-Count")); err == nil {
		out.Total = n
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

// layout is the body fields of a copy or a clone that describe the new
// image; zero fields are left out.
type layout struct {
	ObjSize, StripeUnit, StripeCount *ops.Int
	Features                         *[]string
	DataPool                         *string
	Configuration                    map[string]any
}

func layoutOf(o rbd.ImageOptions) layout {
	l := layout{ObjSize: intOf(o.ObjSize), StripeUnit: intOf(o.StripeUnit), StripeCount: intOf(o.StripeCount),
		DataPool: nonZero(o.DataPool), Configuration: configAny(o.Configuration)}
	if o.Features != nil {
		l.Features = &o.Features
	}
	return l
}

// Copy is POST /api/block/image/{image_spec}/copy. The dashboard requires
// dest_namespace; "" is the default namespace.
func (s imagesService) Copy(ctx context.Context, src, dst rbd.ImageSpec, opts *rbd.CopyOptions) error {
	l := layoutOf(opts.ImageOptions)
	return exec(ctx, s.c, ops.RBDImageCopy, &ops.RBDImageCopyRequest{
		ImageSpec: src.String(), DestPoolName: dst.Pool, DestNamespace: new(dst.Namespace), DestImageName: dst.Name,
		SnapshotName: nonZero(opts.Snapshot), ObjSize: l.ObjSize, Features: l.Features, StripeUnit: l.StripeUnit,
		StripeCount: l.StripeCount, DataPool: l.DataPool, Configuration: l.Configuration,
	})
}

func (s imagesService) Flatten(ctx context.Context, spec rbd.ImageSpec) error {
	return exec(ctx, s.c, ops.RBDImageFlatten, &ops.RBDImageFlattenRequest{ImageSpec: spec.String()})
}

func (s imagesService) DefaultFeatures(ctx context.Context) ([]string, error) {
	f, err := get[[]string](ctx, s.c, ops.RBDImageDefaultFeatures, nil)
	if err != nil {
		return nil, err
	}
	return *f, nil
}

func (s imagesService) CloneFormat(ctx context.Context) (int, error) {
	v, err := get[int](ctx, s.c, ops.RBDImageCloneFormatVersion, nil)
	if err != nil {
		return 0, err
	}
	return *v, nil
}

// Rename, Protect and Unprotect are PUT .../snap/{name}; the dashboard
// changes protection only when it differs, as the library's contract says.
func (s snapshotsService) Rename(ctx context.Context, spec rbd.ImageSpec, name, newName string) error {
	return exec(ctx, s.c, ops.RBDSnapUpdate, &ops.RBDSnapUpdateRequest{ImageSpec: spec.String(), SnapshotName: name, NewSnapName: &newName})
}

func (s snapshotsService) Protect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return exec(ctx, s.c, ops.RBDSnapUpdate, &ops.RBDSnapUpdateRequest{ImageSpec: spec.String(), SnapshotName: name, IsProtected: new(true)})
}

func (s snapshotsService) Unprotect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return exec(ctx, s.c, ops.RBDSnapUpdate, &ops.RBDSnapUpdateRequest{ImageSpec: spec.String(), SnapshotName: name, IsProtected: new(false)})
}

func (s snapshotsService) Rollback(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return exec(ctx, s.c, ops.RBDSnapRollback, &ops.RBDSnapRollbackRequest{ImageSpec: spec.String(), SnapshotName: name})
}

func (s snapshotsService) Clone(ctx context.Context, parent rbd.ImageSpec, snap string, child rbd.ImageSpec, opts *rbd.ImageOptions) error {
	l := layoutOf(*opts)
	return exec(ctx, s.c, ops.RBDSnapClone, &ops.RBDSnapCloneRequest{
		ImageSpec: parent.String(), SnapshotName: snap, ChildPoolName: child.Pool, ChildImageName: child.Name,
		ChildNamespace: nonZero(child.Namespace), ObjSize: l.ObjSize, Features: l.Features, StripeUnit: l.StripeUnit,
		StripeCount: l.StripeCount, DataPool: l.DataPool, Configuration: l.Configuration,
	})
}
