//go:build rados

package rados

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
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
		Name: img.GetName(), ID: id, UniqueID: rbd.UniqueSpec(pool, ns, id), ImageFormat: 2,
		PoolName: pool, Size: st.Size, ObjSize: st.Obj_size,
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
	// librbd answers journal for an image without mirroring, as the
	// dashboard shows it
	out.MirrorMode = rbd.MirrorJournal
	if mode, err := img.GetImageMirrorMode(); err == nil && mode == gorbd.ImageMirrorModeSnapshot {
		out.MirrorMode = rbd.MirrorSnapshot
	}
	for _, s := range snaps {
		snap := rbd.Snapshot{ID: s.Id, Name: s.Name, Size: s.Size, Children: []rbd.SnapshotChild{}, MirrorMode: out.MirrorMode}
		if ns, err := img.GetSnapNamespaceType(s.Id); err == nil {
			snap.Namespace = int(ns)
		}
		if t, err := img.GetSnapTimestamp(s.Id); err == nil {
			snap.Timestamp = rbdTimestamp(time.Unix(int64(t.Sec), int64(t.Nsec)))
		}
		if snap.Namespace == 0 {
			if p, err := img.GetSnapshot(s.Name).IsProtected(); err == nil {
				snap.IsProtected = p
			}
		}
		out.Snapshots = append(out.Snapshots, snap)
	}
	// The clones of each snapshot: librbd lists the children of the
	// snapshot the image is set to. A mirror snapshot (namespace 3) has
	// none and cannot be set by name; the dashboard skips them all for an
	// image mirrored by snapshot.
	for i := range out.Snapshots {
		snap := &out.Snapshots[i]
		if snap.Namespace != 0 || out.MirrorMode == rbd.MirrorSnapshot {
			continue
		}
		if err := img.GetSnapshot(snap.Name).Set(); err != nil {
			return nil, err
		}
		pools, names, err := img.ListChildren()
		if err != nil && errnoOf(err) != 2 {
			return nil, err
		}
		for j := range names {
			snap.Children = append(snap.Children, rbd.SnapshotChild{PoolName: pools[j], ImageName: names[j]})
		}
	}
	return out, nil
}

// featureFastDiff is librbd's RBD_FEATURE_FAST_DIFF.
const featureFastDiff = 1 << 4

// diskUsage fills in the bytes each snapshot and the image's head hold,
// as the dashboard works them out with the fast-diff feature: each
// snapshot, oldest first, and then the head, is diffed against the one
// before it, counting whole objects; total_disk_usage is their sum.
// Without fast-diff, or for an image mirrored by snapshot, the dashboard
// reports none; the same when a diff fails (the fast-diff map may be
// invalid).
func diskUsage(io *gorados.IOContext, head *gorbd.Image, out *rbd.Image) {
	if out.Features&featureFastDiff == 0 || out.MirrorMode == rbd.MirrorSnapshot {
		return
	}
	used := func(img *gorbd.Image, from string, size uint64) (uint64, bool) {
		var n uint64
		err := img.DiffIterate(gorbd.DiffIterateConfig{SnapName: from, Offset: 0, Length: size, WholeObject: gorbd.EnableWholeObject,
			Callback: func(_, length uint64, exists int, _ any) int {
				if exists != 0 {
					n += length
				}
				return 0
			}})
		return n, err == nil
	}
	order := make([]int, len(out.Snapshots))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return out.Snapshots[order[a]].ID < out.Snapshots[order[b]].ID })
	snapUsage := make([]uint64, len(out.Snapshots))
	prev, total := gorbd.NoSnapshot, uint64(0)
	for _, i := range order {
		sn := &out.Snapshots[i]
		img, err := gorbd.OpenImageReadOnly(io, out.Name, sn.Name)
		if err != nil {
			return
		}
		n, ok := used(img, prev, sn.Size)
		img.Close()
		if !ok {
			return
		}
		snapUsage[i], total, prev = n, total+n, sn.Name
	}
	n, ok := used(head, prev, out.Size)
	if !ok {
		return
	}
	for i := range out.Snapshots {
		out.Snapshots[i].DiskUsage = new(snapUsage[i])
	}
	out.DiskUsage, out.TotalDiskUsage = n, total+n
}

// imageNames lists the images of pool in every namespace, by name only
// (one directory read per namespace).
func (im *images) imageNames(pool string) ([]rbd.ImageSpec, error) {
	var out []rbd.ImageSpec
	err := im.withIOContext(pool, "", func(io *gorados.IOContext) error {
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
				out = append(out, rbd.ImageSpec{Pool: pool, Namespace: ns, Name: n})
			}
		}
		return nil
	})
	return out, err
}

// readImages reads the images of specs (all of one pool) in full; an image
// removed meanwhile is left out.
func (im *images) readImages(pool string, specs []rbd.ImageSpec, c *rbdConf) ([]rbd.Image, error) {
	var out []rbd.Image
	err := im.withIOContext(pool, "", func(io *gorados.IOContext) error {
		poolConf, err := poolOverrides(io, c.names)
		if err != nil {
			return err
		}
		for _, spec := range specs {
			io.SetNamespace(spec.Namespace)
			img, err := gorbd.OpenImageReadOnly(io, spec.Name, gorbd.NoSnapshot)
			if err != nil {
				if errnoOf(err) == 2 {
					continue // removed meanwhile
				}
				return err
			}
			i, err := info(img, pool, spec.Namespace, c, poolConf)
			if err == nil {
				diskUsage(io, img, i)
			}
			img.Close()
			if err != nil {
				return err
			}
			out = append(out, *i)
		}
		return nil
	})
	return out, err
}

// List lists the names of the pools' images, sorts and pages them
// (rbd.ListOptions.Page) and reads only the page's images, so a page costs
// the same in a pool of 200 images or 20,000.
//
// A page is kept in the cache for its ttl (any write through this client
// drops it), as the dashboard's UI asks for the same page every few
// seconds; callers get their own copy of the list.
func (im *images) List(ctx context.Context, pool string, o *rbd.ListOptions) (*rbd.ImageList, error) {
	var opts rbd.ListOptions
	if o != nil {
		opts = *o
	}
	key := fmt.Sprintf("rbd/images\x00%s\x00%d\x00%d\x00%s\x00%s", pool, opts.Offset, opts.Limit, opts.Search, opts.Sort)
	l, err := cached(ctx, im.r.cache, rbdComponent, key, func(ctx context.Context) (*rbd.ImageList, error) {
		return im.list(ctx, pool, &opts)
	})
	if err != nil {
		return nil, err
	}
	return &rbd.ImageList{Images: slices.Clone(l.Images), Total: l.Total}, nil
}

func (im *images) list(ctx context.Context, pool string, o *rbd.ListOptions) (*rbd.ImageList, error) {
	pools := []string{pool}
	if pool == "" {
		d, err := im.r.osdDump(ctx, rbdComponent)
		if err != nil {
			return nil, err
		}
		pools = rbdPools(d)
	}
	var specs []rbd.ImageSpec
	for _, p := range pools {
		var got []rbd.ImageSpec
		err := im.r.doRead(ctx, rbdComponent, func() error {
			var err error
			got, err = im.imageNames(p)
			return err
		})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(got, func(a, b rbd.ImageSpec) int { return strings.Compare(a.String(), b.String()) })
		specs = append(specs, got...)
	}
	page, total := o.Page(specs)
	out := &rbd.ImageList{Images: make([]rbd.Image, 0, len(page)), Total: total}
	if len(page) == 0 {
		return out, nil
	}
	c, err := im.baseConf(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	// One bounded call per run of the page's images in one pool.
	for len(page) > 0 {
		n := 1
		for n < len(page) && page[n].Pool == page[0].Pool {
			n++
		}
		run := page[:n]
		page = page[n:]
		var got []rbd.Image
		err := im.r.doRead(ctx, rbdComponent, func() error {
			var err error
			got, err = im.readImages(run[0].Pool, run, c)
			return err
		})
		if err != nil {
			return nil, err
		}
		out.Images = append(out.Images, got...)
	}
	return out, nil
}

// Get reads one image, kept in the cache as a page is (see List).
func (im *images) Get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	i, err := cached(ctx, im.r.cache, rbdComponent, "rbd/image\x00"+spec.Pool+"\x00"+spec.Namespace+"\x00"+spec.Name,
		func(ctx context.Context) (*rbd.Image, error) { return im.get(ctx, spec) })
	if err != nil {
		return nil, err
	}
	c := *i
	return &c, nil
}

func (im *images) get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	c, err := im.baseConf(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	var out *rbd.Image
	err = im.r.doRead(ctx, rbdComponent, func() error {
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
			if err == nil {
				diskUsage(io, img, out)
			}
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
			opts, err := imageOpts(order, feat, &rbd.ImageOptions{Features: o.Features, StripeUnit: o.StripeUnit, StripeCount: o.StripeCount, DataPool: o.DataPool})
			if err != nil {
				return err
			}
			defer opts.Destroy()
			err = gorbd.CreateImage(io, spec.Name, o.Size, opts)
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

// imageOpts are librbd's options for a new image: order, and the features,
// striping and data pool of o when it sets them. The caller destroys them.
func imageOpts(order, features uint64, o *rbd.ImageOptions) (*gorbd.ImageOptions, error) {
	opts := gorbd.NewRbdImageOptions()
	set := func(opt gorbd.ImageOption, v uint64) error { return opts.SetUint64(opt, v) }
	err := set(gorbd.ImageOptionOrder, order)
	if err == nil && o.Features != nil {
		err = set(gorbd.ImageOptionFeatures, features)
	}
	if err == nil && o.StripeUnit > 0 {
		err = set(gorbd.ImageOptionStripeUnit, o.StripeUnit)
	}
	if err == nil && o.StripeCount > 0 {
		err = set(gorbd.ImageOptionStripeCount, o.StripeCount)
	}
	if err == nil && o.DataPool != "" {
		err = opts.SetString(gorbd.ImageOptionDataPool, o.DataPool)
	}
	if err != nil {
		opts.Destroy()
		return nil, err
	}
	return opts, nil
}

// layoutOpts checks an ImageOptions and returns its order and feature bits.
func layoutOpts(o *rbd.ImageOptions) (order, features uint64, err error) {
	if order, err = objectOrder(o.ObjSize); err != nil {
		return 0, 0, err
	}
	if o.Features != nil {
		features, err = featureBits(o.Features)
	}
	return order, features, err
}

// setNewConf sets the configuration of an image just made (c nil: none
// to set).
func (im *images) setNewConf(io *gorados.IOContext, name string, c *rbdConf, conf map[string]string) error {
	if c == nil {
		return nil
	}
	img, err := gorbd.OpenImage(io, name, gorbd.NoSnapshot)
	if err != nil {
		return err
	}
	defer img.Close()
	return setImageConfig(img, c, conf)
}

// confFor reads the option schema when conf sets options.
func (im *images) confFor(ctx context.Context, conf map[string]string) (*rbdConf, error) {
	if len(conf) == 0 {
		return nil, nil
	}
	c, err := im.baseConf(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	if _, err := confKeys(c.names, conf); err != nil {
		return nil, err
	}
	return c, nil
}

func alreadyExists(err error, spec rbd.ImageSpec) error {
	if errnoOf(err) == 17 {
		return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "image " + spec.String() + " already exists", Err: err}
	}
	return err
}

// Copy makes dst with the layout asked for (the source's order by
// default) and copies src's data into it (rbd_copy2), at opts.Snapshot
// when given.
func (im *images) Copy(ctx context.Context, src, dst rbd.ImageSpec, o *rbd.CopyOptions) error {
	c, err := im.confFor(ctx, o.Configuration)
	if err != nil {
		return err
	}
	_, feat, err := layoutOpts(&rbd.ImageOptions{Features: o.Features})
	if err != nil {
		return err
	}
	return im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(src.Pool, src.Namespace, func(sio *gorados.IOContext) error {
			snap := gorbd.NoSnapshot
			if o.Snapshot != "" {
				snap = o.Snapshot
			}
			s, err := gorbd.OpenImageReadOnly(sio, src.Name, snap)
			if err != nil {
				return notFound(err, src)
			}
			defer s.Close()
			st, err := s.Stat()
			if err != nil {
				return err
			}
			order := uint64(st.Order)
			if o.ObjSize != 0 {
				if order, err = objectOrder(o.ObjSize); err != nil {
					return err
				}
			}
			if o.Features == nil {
				if feat, err = s.GetFeatures(); err != nil {
					return err
				}
			}
			return im.withIOContext(dst.Pool, dst.Namespace, func(dio *gorados.IOContext) error {
				opts, err := imageOpts(order, feat, &rbd.ImageOptions{Features: []string{}, StripeUnit: o.StripeUnit, StripeCount: o.StripeCount, DataPool: o.DataPool})
				if err != nil {
					return err
				}
				defer opts.Destroy()
				if err := gorbd.CreateImage(dio, dst.Name, st.Size, opts); err != nil {
					return alreadyExists(err, dst)
				}
				d, err := gorbd.OpenImage(dio, dst.Name, gorbd.NoSnapshot)
				if err != nil {
					return err
				}
				defer d.Close()
				if err := s.Copy2(d); err != nil {
					return err
				}
				if c != nil {
					return setImageConfig(d, c, o.Configuration)
				}
				return nil
			})
		})
	})
}

func (im *images) Flatten(ctx context.Context, spec rbd.ImageSpec) error {
	return im.withImage(ctx, spec, func(img *gorbd.Image) error {
		if _, err := img.GetParent(); errnoOf(err) == 2 {
			return &ceph.Error{Code: ceph.InvalidArgument, Component: rbdComponent, Detail: "image " + spec.String() + " has no parent", Err: err}
		}
		return img.Flatten()
	})
}

// DefaultFeatures reads rbd_default_features (a number or a list of
// names, as Ceph takes either).
func (im *images) DefaultFeatures(ctx context.Context) ([]string, error) {
	var v string
	err := im.r.doRead(ctx, rbdComponent, func() (err error) {
		v, err = im.conn.GetConfigOption("rbd_default_features")
		return err
	})
	if err != nil {
		return nil, err
	}
	bits, err := parseFeatures(v)
	if err != nil {
		return nil, err
	}
	return featureNames(bits), nil
}

// CloneFormat is rbd_default_clone_format, or for "auto" what the
// dashboard works out from the clients the OSD map requires.
func (im *images) CloneFormat(ctx context.Context) (int, error) {
	var v string
	err := im.r.doRead(ctx, rbdComponent, func() (err error) {
		v, err = im.conn.GetConfigOption("rbd_default_clone_format")
		return err
	})
	if err != nil {
		return 0, err
	}
	switch v {
	case "1":
		return 1, nil
	case "2":
		return 2, nil
	}
	d, err := im.r.osdDump(ctx, rbdComponent)
	if err != nil {
		return 0, err
	}
	if max(d.MinCompatClient, d.RequireMinCompatClient) < "mimic" {
		return 1, nil
	}
	return 2, nil
}

// snapErr names the snapshot in librbd's common errors.
func snapErr(err error, spec rbd.ImageSpec, name string) error {
	what := "snapshot " + spec.String() + "@" + name
	switch errnoOf(err) {
	case 2:
		return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: what + " not found", Err: err}
	case 16:
		return &ceph.Error{Code: ceph.Busy, Component: rbdComponent, Detail: what + " is protected or has clones", Err: err}
	case 17:
		return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: what + " already exists", Err: err}
	}
	return err
}

func (s snapshots) Rename(ctx context.Context, spec rbd.ImageSpec, name, newName string) error {
	return s.im.withImage(ctx, spec, func(img *gorbd.Image) error {
		if name == newName {
			_, err := img.GetSnapshot(name).IsProtected()
			return snapErr(err, spec, name)
		}
		err := img.GetSnapshot(name).Rename(newName)
		if errnoOf(err) == 17 {
			return snapErr(err, spec, newName)
		}
		return snapErr(err, spec, name)
	})
}

// setProtected protects or unprotects, when it is not so already.
func (s snapshots) setProtected(ctx context.Context, spec rbd.ImageSpec, name string, on bool) error {
	return s.im.withImage(ctx, spec, func(img *gorbd.Image) error {
		sn := img.GetSnapshot(name)
		p, err := sn.IsProtected()
		if err != nil || p == on {
			return snapErr(err, spec, name)
		}
		if on {
			err = sn.Protect()
			if errnoOf(err) == 38 || errnoOf(err) == 22 {
				return &ceph.Error{Code: ceph.InvalidArgument, Component: rbdComponent, Detail: "image " + spec.String() + " must support layering to protect a snapshot", Err: err}
			}
			return snapErr(err, spec, name)
		}
		return snapErr(sn.Unprotect(), spec, name)
	})
}

func (s snapshots) Protect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.setProtected(ctx, spec, name, true)
}

func (s snapshots) Unprotect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.setProtected(ctx, spec, name, false)
}

func (s snapshots) Rollback(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.im.withImage(ctx, spec, func(img *gorbd.Image) error {
		return snapErr(img.GetSnapshot(name).Rollback(), spec, name)
	})
}

// Clone is rbd_clone3 with the layout asked for.
func (s snapshots) Clone(ctx context.Context, parent rbd.ImageSpec, snap string, child rbd.ImageSpec, o *rbd.ImageOptions) error {
	im := s.im
	c, err := im.confFor(ctx, o.Configuration)
	if err != nil {
		return err
	}
	order, feat, err := layoutOpts(o)
	if err != nil {
		return err
	}
	return im.r.do(ctx, rbdComponent, func() error {
		return im.withIOContext(parent.Pool, parent.Namespace, func(pio *gorados.IOContext) error {
			p, err := gorbd.OpenImageReadOnly(pio, parent.Name, gorbd.NoSnapshot)
			if err != nil {
				return notFound(err, parent)
			}
			defer p.Close()
			if o.ObjSize == 0 {
				st, err := p.Stat()
				if err != nil {
					return err
				}
				order = uint64(st.Order)
			}
			return im.withIOContext(child.Pool, child.Namespace, func(cio *gorados.IOContext) error {
				opts, err := imageOpts(order, feat, o)
				if err != nil {
					return err
				}
				defer opts.Destroy()
				err = gorbd.CloneFromImage(p, snap, cio, child.Name, opts)
				switch errnoOf(err) {
				case 0:
				case 17:
					return alreadyExists(err, child)
				case 2:
					return snapErr(err, parent, snap)
				case 22, 38:
					return &ceph.Error{Code: ceph.InvalidArgument, Component: rbdComponent,
						Detail: "cannot clone " + parent.String() + "@" + snap + ": the parent needs layering and, with clone format 1, a protected snapshot", Err: err}
				default:
					return err
				}
				return im.setNewConf(cio, child.Name, c, o.Configuration)
			})
		})
	})
}
