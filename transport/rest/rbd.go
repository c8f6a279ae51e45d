package rest

import (
	"context"
	"net/url"
	"strconv"

	"github.com/cephapi/cephapi/rbd"
)

var _ rbd.Images = imagesService{}

type imagesService struct{ c *client }

// imageArg is the {image_spec} path parameter: "pool/name" or
// "pool/namespace/name" as one segment ("pool%2Fname"), as the dashboard's
// front end sends it.
func imageArg(spec rbd.ImageSpec) []string { return []string{spec.String()} }

// List is GET /api/block/image (version 2.0), which pages (offset, limit;
// -1 for all), searches and returns the total in X-Total-Count.
func (s imagesService) List(ctx context.Context, pool string, opts *rbd.ListOptions) ([]rbd.Image, error) {
	q := url.Values{}
	if pool != "" {
		q.Set("pool_name", pool)
	}
	limit, offset, search := -1, 0, ""
	if opts != nil {
		if opts.Limit > 0 {
			limit = opts.Limit
		}
		offset, search = opts.Offset, opts.Search
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	if search != "" {
		q.Set("search", search)
	}
	var pools []struct {
		PoolName string      `json:"pool_name"`
		Value    []rbd.Image `json:"value"`
	}
	if _, err := s.c.call(ctx, epImageList, nil, q, nil, &pools); err != nil {
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
	return get[rbd.Image](ctx, s.c, epImageGet, imageArg(spec), nil)
}

func (s imagesService) Create(ctx context.Context, spec rbd.ImageSpec, opts *rbd.CreateOptions) error {
	b := map[string]any{"name": spec.Name, "pool_name": spec.Pool, "size": opts.Size}
	if spec.Namespace != "" {
		b["namespace"] = spec.Namespace
	}
	if opts.ObjSize != 0 {
		b["obj_size"] = opts.ObjSize
	}
	if opts.Features != nil {
		b["features"] = opts.Features
	}
	if opts.StripeUnit != 0 {
		b["stripe_unit"] = opts.StripeUnit
	}
	if opts.StripeCount != 0 {
		b["stripe_count"] = opts.StripeCount
	}
	if opts.DataPool != "" {
		b["data_pool"] = opts.DataPool
	}
	if opts.Configuration != nil {
		b["configuration"] = configAny(opts.Configuration)
	}
	return exec(ctx, s.c, epImageCreate, nil, nil, b)
}

func (s imagesService) Update(ctx context.Context, spec rbd.ImageSpec, opts *rbd.UpdateOptions) error {
	b := map[string]any{}
	if opts != nil {
		if opts.NewName != nil {
			b["name"] = *opts.NewName
		}
		if opts.Size != nil {
			b["size"] = *opts.Size
		}
		if opts.Features != nil {
			b["features"] = *opts.Features
		}
		if opts.Configuration != nil {
			b["configuration"] = configAny(opts.Configuration)
		}
	}
	return exec(ctx, s.c, epImageUpdate, imageArg(spec), nil, b)
}

func (s imagesService) Delete(ctx context.Context, spec rbd.ImageSpec) error {
	return exec(ctx, s.c, epImageDelete, imageArg(spec), nil, nil)
}
