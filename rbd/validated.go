package rbd

import (
	"context"

	"github.com/cephapi/cephapi/ceph"
)

// Validated wraps a transport's Images with the argument checks every
// transport shares. A nil next gives Unimplemented.
func Validated(next Images) Images { return vImages{next} }

type vImages struct{ next Images }

func (v vImages) pre(ctx context.Context, what string) error {
	if err := ceph.CheckArgs(ctx, "rbd"); err != nil {
		return err
	}
	if v.next == nil {
		return ceph.UnimplementedError("rbd", what)
	}
	return nil
}

func (v vImages) List(ctx context.Context, pool string, opts *ListOptions) ([]Image, error) {
	if err := v.pre(ctx, "image list"); err != nil {
		return nil, err
	}
	if pool != "" {
		if err := ceph.ValidateName("rbd", "pool", pool); err != nil {
			return nil, err
		}
	}
	if opts != nil && (opts.Offset < 0 || opts.Limit < 0) {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rbd", "offset and limit must not be negative")
	}
	return v.next.List(ctx, pool, opts)
}

func (v vImages) Get(ctx context.Context, spec ImageSpec) (*Image, error) {
	if err := v.pre(ctx, "image get"); err != nil {
		return nil, err
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, spec)
}

// MaxObjSize is the largest RBD object size (32 MiB); the smallest is 4 KiB.
const (
	MinObjSize = 4 << 10
	MaxObjSize = 32 << 20
)

func (v vImages) Create(ctx context.Context, spec ImageSpec, opts *CreateOptions) error {
	if err := v.pre(ctx, "image create"); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if opts == nil || opts.Size == 0 {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "image size is required and must be positive")
	}
	if o := opts.ObjSize; o != 0 && (o < MinObjSize || o > MaxObjSize || o&(o-1) != 0) {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "object size must be a power of two between 4 KiB and 32 MiB, got %d", o)
	}
	if err := validateFeatures(opts.Features); err != nil {
		return err
	}
	return v.next.Create(ctx, spec, opts)
}

func (v vImages) Update(ctx context.Context, spec ImageSpec, opts *UpdateOptions) error {
	if err := v.pre(ctx, "image update"); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if opts == nil {
		opts = &UpdateOptions{}
	}
	if opts.NewName != nil {
		n := ImageSpec{Pool: spec.Pool, Namespace: spec.Namespace, Name: *opts.NewName}
		if err := n.Validate(); err != nil {
			return err
		}
	}
	if opts.Size != nil && *opts.Size == 0 {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "image size must be positive")
	}
	if opts.Features != nil {
		if err := validateFeatures(*opts.Features); err != nil {
			return err
		}
	}
	return v.next.Update(ctx, spec, opts)
}

func (v vImages) Delete(ctx context.Context, spec ImageSpec) error {
	if err := v.pre(ctx, "image delete"); err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	return v.next.Delete(ctx, spec)
}

// Features are the image feature names RBD knows.
var Features = []string{"layering", "striping", "exclusive-lock", "object-map", "fast-diff", "deep-flatten", "journaling", "data-pool", "operations", "migrating", "non-primary"}

func validateFeatures(fs []string) error {
	for _, f := range fs {
		ok := false
		for _, k := range Features {
			if f == k {
				ok = true
				break
			}
		}
		if !ok {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "unknown image feature %q", f)
		}
	}
	return nil
}
