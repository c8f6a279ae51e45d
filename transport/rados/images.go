//go:build rados

package rados

import (
	"context"
	"errors"
	"time"

	gorados "github.com/ceph/go-ceph/rados"
	gorbd "github.com/ceph/go-ceph/rbd"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// images manages RBD images with librbd. Each call does its librbd work in
// one bounded call (see runner.call).
type images struct {
	rbd.UnimplementedImages
	r    *runner
	conn *gorados.Conn
	// schema is the option schema shared with the config service; the
	// RBD options are taken from it.
	schema *schemaCache
}

var _ rbd.Images = (*images)(nil)

// withIOContext opens pool (and namespace) and runs fn with it.
func (im *images) withIOContext(pool, ns string, fn func(*gorados.IOContext) error) error {
	io, err := im.conn.OpenIOContext(pool)
	if err != nil {
		if errnoOf(err) == 2 {
			return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "pool '" + pool + "' does not exist", Err: err}
		}
		return err
	}
	defer io.Destroy()
	io.SetNamespace(ns)
	return fn(io)
}

// notFound names the image in an ENOENT error.
func notFound(err error, spec rbd.ImageSpec) error {
	if err != nil && errnoOf(err) == 2 {
		return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "image " + spec.String() + " not found", Err: err}
	}
	return err
}

// info reads one open image, with its configuration when c is not nil.
func info(img *gorbd.Image, pool, ns string, c *rbdConf, poolConf map[string]string) (*rbd.Image, error) {
	st, err := img.Stat()
	if err != nil {
		return nil, err
	}
	id, err := img.GetId()
	if err != nil {
		return nil, err
	}
	feat, err := img.GetFeatures()
	if err != nil {
		return nil, err
	}
	su, err := img.GetStripeUnit()
	if err != nil {
		return nil, err
	}
	sc, err := img.GetStripeCount()
	if err != nil {
		return nil, err
	}
	ts, err := img.GetCreateTimestamp()
	if err != nil {
		return nil, err
	}
	out := &rbd.Image{
		Name: img.GetName(), ID: id, PoolName: pool, Size: st.Size, ObjSize: st.Obj_size,
		NumObjs: st.Num_objs, Order: st.Order, BlockNamePrefix: st.Block_name_prefix,
		Features: feat, FeaturesName: featureNames(feat), StripeUnit: su, StripeCount: sc,
		Timestamp:     rbdTimestamp(time.Unix(int64(ts.Sec), int64(ts.Nsec))),
		Snapshots:     []rbd.Snapshot{},
		Configuration: []ceph.PoolConfigOption{},
	}
	if ns != "" {
		n := ns
		out.Namespace = &n
	}
	if p, err := img.GetParent(); err == nil {
		out.Parent = &rbd.ImageSpecJSON{PoolName: p.Image.PoolName, PoolNamespace: p.Image.PoolNamespace,
			ImageName: p.Image.ImageName, SnapName: p.Snap.SnapName}
	} else if errnoOf(err) != 2 {
		return nil, err
	}
	if c != nil {
		if out.Configuration, err = imageConf(img, c, poolConf); err != nil {
			return nil, err
		}
	}
	snaps, err := img.GetSnapshotNames()
	if err != nil && errnoOf(err) != 0 {
		return nil, err
	}
	for _, s := range snaps {
		snap := rbd.Snapshot{ID: s.Id, Name: s.Name, Size: s.Size, Children: []string{}}
		if t, err := img.GetSnapTimestamp(s.Id); err == nil {
			snap.Timestamp = rbdTimestamp(time.Unix(int64(t.Sec), int64(t.Nsec)))
		}
		if p, err := img.GetSnapshot(s.Name).IsProtected(); err == nil {
			snap.IsProtected = p
		}
		out.Snapshots = append(out.Snapshots, snap)
	}
	return out, nil
}

func (im *images) listPool(pool string, c *rbdConf) ([]rbd.Image, error) {
	var out []rbd.Image
	err := im.withIOContext(pool, "", func(io *gorados.IOContext) error {
		poolConf, err := poolOverrides(io, c.names)
		if err != nil {
			return err
		}
		spaces := []string{""}
		if ns, err := gorbd.NamespaceList(io); err == nil {
			spaces = append(spaces, ns...)
		}
		for _, ns := range spaces {
			io.SetNamespace(ns)
			names, err := gorbd.GetImageNames(io)
			if err != nil {
				return err
			}
			for _, n := range names {
				img, err := gorbd.OpenImageReadOnly(io, n, gorbd.NoSnapshot)
				if err != nil {
					if errnoOf(err) == 2 {
						continue // removed meanwhile
					}
					return err
				}
				i, err := info(img, pool, ns, c, poolConf)
				img.Close()
				if err != nil {
					return err
				}
				out = append(out, *i)
			}
		}
		return nil
	})
	return out, err
}

func (im *images) List(ctx context.Context, pool string, o *rbd.ListOptions) ([]rbd.Image, error) {
	pools := []string{pool}
	if pool == "" {
		d, err := im.r.osdDump(ctx, rbdComponent)
		if err != nil {
			return nil, err
		}
		pools = rbdPools(d)
	}
	c, err := im.baseConf(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	all := []rbd.Image{}
	for _, p := range pools {
		var got []rbd.Image
		err := im.r.do(ctx, rbdComponent, func() error {
			var err error
			got, err = im.listPool(p, c)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return pageImages(all, o), nil
}

func (im *images) Get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	c, err := im.baseConf(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	var out *rbd.Image
	err = im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
			img, err := gorbd.OpenImageReadOnly(io, spec.Name, gorbd.NoSnapshot)
			if err != nil {
				return notFound(err, spec)
			}
			defer img.Close()
			poolConf, err := poolOverrides(io, c.names)
			if err != nil {
				return err
			}
			out, err = info(img, spec.Pool, spec.Namespace, c, poolConf)
			return err
		})
	})
	return out, err
}

func (im *images) Create(ctx context.Context, spec rbd.ImageSpec, o *rbd.CreateOptions) error {
	var c *rbdConf
	if len(o.Configuration) > 0 {
		var err error
		if c, err = im.baseConf(ctx, rbdComponent); err != nil {
			return err
		}
		if _, err := confKeys(c.names, o.Configuration); err != nil {
			return err
		}
	}
	order, err := objectOrder(o.ObjSize)
	if err != nil {
		return err
	}
	var feat uint64
	if o.Features != nil {
		if feat, err = featureBits(o.Features); err != nil {
			return err
		}
	}
	return im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
			opts := gorbd.NewRbdImageOptions()
			defer opts.Destroy()
			set := func(opt gorbd.ImageOption, v uint64) error { return opts.SetUint64(opt, v) }
			if err := set(gorbd.ImageOptionOrder, order); err != nil {
				return err
			}
			if o.Features != nil {
				if err := set(gorbd.ImageOptionFeatures, feat); err != nil {
					return err
				}
			}
			if o.StripeUnit > 0 {
				if err := set(gorbd.ImageOptionStripeUnit, o.StripeUnit); err != nil {
					return err
				}
			}
			if o.StripeCount > 0 {
				if err := set(gorbd.ImageOptionStripeCount, o.StripeCount); err != nil {
					return err
				}
			}
			if o.DataPool != "" {
				if err := opts.SetString(gorbd.ImageOptionDataPool, o.DataPool); err != nil {
					return err
				}
			}
			err := gorbd.CreateImage(io, spec.Name, o.Size, opts)
			if err != nil && errnoOf(err) == 17 {
				return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "image " + spec.String() + " already exists", Err: err}
			}
			if err != nil || c == nil {
				return err
			}
			img, err := gorbd.OpenImage(io, spec.Name, gorbd.NoSnapshot)
			if err != nil {
				return err
			}
			defer img.Close()
			return setImageConfig(img, c, o.Configuration)
		})
	})
}

func (im *images) Update(ctx context.Context, spec rbd.ImageSpec, o *rbd.UpdateOptions) error {
	var c *rbdConf
	if o != nil && len(o.Configuration) > 0 {
		var err error
		if c, err = im.baseConf(ctx, rbdComponent); err != nil {
			return err
		}
		if _, err := confKeys(c.names, o.Configuration); err != nil {
			return err
		}
	}
	var want uint64
	if o != nil && o.Features != nil {
		var err error
		if want, err = featureBits(*o.Features); err != nil {
			return err
		}
	}
	return im.withImage(ctx, spec, func(img *gorbd.Image) error {
		if o == nil {
			return nil
		}
		if o.Size != nil {
			if err := img.Resize(*o.Size); err != nil {
				return err
			}
		}
		if o.Features != nil {
			cur, err := img.GetFeatures()
			if err != nil {
				return err
			}
			dis, en := featureChanges(cur, want)
			for _, b := range dis {
				if err := img.UpdateFeatures(b, false); err != nil {
					return err
				}
			}
			for _, b := range en {
				if err := img.UpdateFeatures(b, true); err != nil {
					return err
				}
			}
		}
		if c != nil {
			if err := setImageConfig(img, c, o.Configuration); err != nil {
				return err
			}
		}
		if o.NewName != nil && *o.NewName != spec.Name {
			if err := img.Rename(*o.NewName); err != nil {
				if errnoOf(err) == 17 {
					return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "image " + *o.NewName + " already exists", Err: err}
				}
				return err
			}
		}
		return nil
	})
}

func (im *images) Delete(ctx context.Context, spec rbd.ImageSpec) error {
	return im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
			err := gorbd.RemoveImage(io, spec.Name)
			if errors.Is(err, gorbd.ErrNotFound) || errnoOf(err) == 2 {
				return notFound(err, spec)
			}
			return err
		})
	})
}

// snapshots manages image snapshots with librbd.
type snapshots struct {
	rbd.UnimplementedSnapshots
	im *images
}

var _ rbd.Snapshots = snapshots{}

// withImage opens the image (for writing) and runs fn with it.
func (im *images) withImage(ctx context.Context, spec rbd.ImageSpec, fn func(*gorbd.Image) error) error {
	return im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
			img, err := gorbd.OpenImage(io, spec.Name, gorbd.NoSnapshot)
			if err != nil {
				return notFound(err, spec)
			}
			defer img.Close()
			return fn(img)
		})
	})
}

func (s snapshots) Create(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.im.withImage(ctx, spec, func(img *gorbd.Image) error {
		_, err := img.CreateSnapshot(name)
		if errnoOf(err) == 17 {
			return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "snapshot " + spec.String() + "@" + name + " already exists", Err: err}
		}
		return err
	})
}

func (s snapshots) Delete(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.im.withImage(ctx, spec, func(img *gorbd.Image) error {
		err := img.GetSnapshot(name).Remove()
		if errnoOf(err) == 2 {
			return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "snapshot " + spec.String() + "@" + name + " not found", Err: err}
		}
		return err
	})
}
