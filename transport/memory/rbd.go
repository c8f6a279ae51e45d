package memory

import (
	"context"
	"crypto/sha1"
	"fmt"
	"math/bits"
	"sort"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

type image struct {
	id          string
	name        string
	namespace   string
	size        uint64
	objSize     uint64
	features    uint64
	stripeUnit  uint64
	stripeCount uint64
	dataPool    string
	created     time.Time
	config      map[string]string
	// snaps are the image's snapshots, oldest first; nextSnap numbers
	// them from 1 (librbd's ids are positive and increasing too).
	snaps    []*snapshot
	nextSnap uint64
	// parent is the snapshot a clone was made from, until it is flattened.
	parent *parentRef
	// mirror is the image's mirroring, nil while disabled; schedule its
	// mirror snapshot interval.
	mirror   *imageMirror
	schedule string
}

type snapshot struct {
	id        uint64
	name      string
	size      uint64
	created   time.Time
	protected bool
	// mirror is set on mirror snapshots (librbd's namespace 3).
	mirror *rbd.SnapshotMirror
}

// parentRef names a clone's parent snapshot (the pointers survive renames).
type parentRef struct {
	pool *pool
	img  *image
	snap *snapshot
}

// RBD feature bits (RBD_FEATURE_*).
var rbdFeatureBits = map[string]uint64{
	"layering": 1, "striping": 2, "exclusive-lock": 4, "object-map": 8, "fast-diff": 16,
	"deep-flatten": 32, "journaling": 64, "data-pool": 128, "operations": 256,
	"migrating": 512, "non-primary": 1024,
}

// mutableFeatures can be enabled or disabled on an existing image.
const mutableFeatures = 4 | 8 | 16 | 64

func featureNames(f uint64) []string {
	out := []string{}
	for name, bit := range rbdFeatureBits {
		if f&bit != 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func checkFeatureDeps(f uint64) error {
	switch {
	case f&8 != 0 && f&4 == 0:
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "the object-map feature requires exclusive-lock")
	case f&16 != 0 && f&8 == 0:
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "the fast-diff feature requires object-map")
	case f&64 != 0 && f&4 == 0:
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "the journaling feature requires exclusive-lock")
	}
	return nil
}

type imagesService struct {
	*backend
	rbd.UnimplementedImages
}

func imageKey(ns, name string) string { return ns + "/" + name }

func (c *cluster) imageLocked(spec rbd.ImageSpec) (*pool, *image, error) {
	p, err := c.poolByNameOrErr(spec.Pool)
	if err != nil {
		return nil, nil, err
	}
	img := p.images[imageKey(spec.Namespace, spec.Name)]
	if img == nil {
		return nil, nil, ceph.Errorf(ceph.NotFound, "rbd", "Image not found: %s", spec)
	}
	return p, img, nil
}

func (c *cluster) imageValueLocked(p *pool, img *image) rbd.Image {
	v := rbd.Image{
		Name: img.name, ID: img.id, UniqueID: rbd.UniqueSpec(p.name, img.namespace, img.id), ImageFormat: 2,
		PoolName: p.name, Size: img.size, ObjSize: img.objSize,
		NumObjs: (img.size + img.objSize - 1) / img.objSize, Order: bits.TrailingZeros64(img.objSize),
		BlockNamePrefix: "rbd_data." + img.id, Features: img.features, FeaturesName: featureNames(img.features),
		StripeUnit: img.stripeUnit, StripeCount: img.stripeCount,
		Timestamp: img.created.UTC().Format("2006-01-02T15:04:05Z"), Snapshots: []rbd.Snapshot{},
	}
	v.MirrorMode = rbd.MirrorJournal
	if img.mirror != nil {
		v.MirrorMode = img.mirror.mode
		if img.schedule != "" && img.mirror.mode == rbd.MirrorSnapshot {
			v.ScheduleInfo = map[string]any{"image": rbd.ImageSpec{Pool: p.name, Namespace: img.namespace, Name: img.name}.String(),
				"schedule_time": img.created.UTC().Format("2006-01-02 15:04:00"), "interval": img.schedule}
		}
	}
	for _, sn := range img.snaps {
		snap := rbd.Snapshot{ID: sn.id, Name: sn.name, Size: sn.size, IsProtected: sn.protected,
			Timestamp: sn.created.UTC().Format("2006-01-02T15:04:05Z"), Children: []rbd.SnapshotChild{},
			MirrorMode: v.MirrorMode}
		if sn.mirror != nil {
			m := *sn.mirror
			snap.Namespace, snap.Mirror = 3, &m
		}
		if img.features&rbdFeatureBits["fast-diff"] != 0 {
			// the model stores no data: no snapshot holds any bytes
			snap.DiskUsage = new(uint64(0))
		}
		for _, ch := range c.childrenLocked(sn) {
			snap.Children = append(snap.Children, rbd.SnapshotChild{PoolName: ch.pool.name, ImageName: ch.img.name})
		}
		v.Snapshots = append(v.Snapshots, snap)
	}
	if pr := img.parent; pr != nil {
		v.Parent = &rbd.ImageSpecJSON{PoolName: pr.pool.name, PoolNamespace: pr.img.namespace, ImageName: pr.img.name, SnapName: pr.snap.name}
	}
	if img.namespace != "" {
		ns := img.namespace
		v.Namespace = &ns
	}
	if img.dataPool != "" {
		dp := img.dataPool
		v.DataPool = &dp
		if id, ok := c.poolByName[dp]; ok {
			v.BlockNamePrefix = fmt.Sprintf("rbd_data.%d.%s", id, img.id)
		}
	}
	v.Configuration = c.poolConfigLocked(p)
	for i := range v.Configuration {
		if val, ok := img.config[v.Configuration[i].Name]; ok {
			v.Configuration[i].Value, v.Configuration[i].Source = val, 2
		}
	}
	return v
}

func (s imagesService) List(ctx context.Context, poolName string, opts *rbd.ListOptions) (*rbd.ImageList, error) {
	return view(s.backend, ctx, "RBD.Images.List", []any{poolName, opts}, func(c *cluster) (*rbd.ImageList, error) {
		var pools []*pool
		if poolName != "" {
			p, err := c.poolByNameOrErr(poolName)
			if err != nil {
				return nil, err
			}
			pools = []*pool{p}
		} else {
			for _, p := range c.sortedPools() {
				if _, ok := p.apps["rbd"]; ok {
					pools = append(pools, p)
				}
			}
		}
		type ref struct {
			p   *pool
			img *image
		}
		var specs []rbd.ImageSpec
		refs := map[rbd.ImageSpec]ref{}
		for _, p := range pools {
			for _, k := range sortedKeys(p.images) {
				img := p.images[k]
				spec := rbd.ImageSpec{Pool: p.name, Namespace: img.namespace, Name: img.name}
				specs = append(specs, spec)
				refs[spec] = ref{p, img}
			}
		}
		page, total := opts.Page(specs)
		out := &rbd.ImageList{Images: make([]rbd.Image, 0, len(page)), Total: total}
		for _, spec := range page {
			r := refs[spec]
			out.Images = append(out.Images, c.imageValueLocked(r.p, r.img))
		}
		return out, nil
	})
}

func (s imagesService) Get(ctx context.Context, spec rbd.ImageSpec) (*rbd.Image, error) {
	return view(s.backend, ctx, "RBD.Images.Get", []any{spec}, func(c *cluster) (*rbd.Image, error) {
		p, img, err := c.imageLocked(spec)
		if err != nil {
			return nil, err
		}
		v := c.imageValueLocked(p, img)
		return &v, nil
	})
}

func (c *cluster) checkImageConfig(cfg map[string]string) error {
	for _, k := range sortedKeys(cfg) {
		if _, ok := c.rbdIndex[k]; !ok {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid config option %q", k)
		}
	}
	return nil
}

func (s imagesService) Create(ctx context.Context, spec rbd.ImageSpec, opts *rbd.CreateOptions) error {
	return s.update(ctx, "RBD.Images.Create", []any{spec, opts}, func(c *cluster) error {
		_, err := c.newImageLocked(spec, opts.Size, &rbd.ImageOptions{
			ObjSize: opts.ObjSize, Features: opts.Features, StripeUnit: opts.StripeUnit,
			StripeCount: opts.StripeCount, DataPool: opts.DataPool, Configuration: opts.Configuration,
		})
		return err
	})
}

// newImageLocked adds an image of size to spec's pool with the layout of
// opts (librbd's defaults for zero fields): a new image, a copy or a clone.
func (c *cluster) newImageLocked(spec rbd.ImageSpec, size uint64, opts *rbd.ImageOptions) (*image, error) {
	p, err := c.poolByNameOrErr(spec.Pool)
	if err != nil {
		return nil, err
	}
	if err := c.namespaceLocked(p, spec.Namespace); err != nil {
		return nil, err
	}
	if _, ok := p.images[imageKey(spec.Namespace, spec.Name)]; ok {
		return nil, ceph.Errorf(ceph.AlreadyExists, "rbd", "rbd image %s already exists", spec)
	}
	if opts == nil {
		opts = &rbd.ImageOptions{}
	}
	var features uint64
	if opts.Features == nil {
		fmt.Sscan(c.rbdDefault(p, "rbd_default_features"), &features)
	} else {
		for _, f := range opts.Features {
			features |= rbdFeatureBits[f]
		}
	}
	if err := checkFeatureDeps(features); err != nil {
		return nil, err
	}
	if err := c.checkImageConfig(opts.Configuration); err != nil {
		return nil, err
	}
	objSize := opts.ObjSize
	if objSize == 0 {
		objSize = 4 << 20
	}
	unit, count := opts.StripeUnit, opts.StripeCount
	if unit == 0 {
		unit = objSize
	}
	if count == 0 {
		count = 1
	}
	if unit > objSize || objSize%unit != 0 {
		return nil, ceph.Errorf(ceph.InvalidArgument, "rbd", "stripe unit %d must divide the object size %d", unit, objSize)
	}
	if unit != objSize || count != 1 {
		features |= rbdFeatureBits["striping"]
	}
	if opts.DataPool != "" {
		dp, err := c.poolByNameOrErr(opts.DataPool)
		if err != nil {
			return nil, err
		}
		if dp.typ == ceph.Erasure && dp.flags&poolFlagECOverwrites == 0 {
			return nil, ceph.Errorf(ceph.InvalidArgument, "rbd", "data pool %s is erasure-coded without ec_overwrites", dp.name)
		}
		features |= rbdFeatureBits["data-pool"]
	}
	p.nextImageIndex++
	h := sha1.Sum([]byte(fmt.Sprintf("%s/%d/%s/%d", c.fsid, p.id, spec.Name, p.nextImageIndex)))
	img := &image{
		id: fmt.Sprintf("%x", h[:6]), name: spec.Name, namespace: spec.Namespace, size: size,
		objSize: objSize, features: features, stripeUnit: unit, stripeCount: count,
		dataPool: opts.DataPool, created: c.now(), config: map[string]string{},
	}
	for k, v := range opts.Configuration {
		if v != "" {
			img.config[k] = v
		}
	}
	p.images[imageKey(spec.Namespace, spec.Name)] = img
	return img, nil
}

func (s imagesService) Copy(ctx context.Context, src, dst rbd.ImageSpec, opts *rbd.CopyOptions) error {
	return s.update(ctx, "RBD.Images.Copy", []any{src, dst, opts}, func(c *cluster) error {
		_, img, err := c.imageLocked(src)
		if err != nil {
			return err
		}
		size := img.size
		if opts.Snapshot != "" {
			i := img.snap(opts.Snapshot)
			if i < 0 {
				return ceph.Errorf(ceph.NotFound, "rbd", "snapshot %s@%s not found", src, opts.Snapshot)
			}
			size = img.snaps[i].size
		}
		layout := opts.ImageOptions
		if layout.ObjSize == 0 {
			// librbd's copy keeps the source's order unless told otherwise.
			layout.ObjSize = img.objSize
		}
		_, err = c.newImageLocked(dst, size, &layout)
		return err
	})
}

func (s imagesService) Flatten(ctx context.Context, spec rbd.ImageSpec) error {
	return s.update(ctx, "RBD.Images.Flatten", []any{spec}, func(c *cluster) error {
		_, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		if img.parent == nil {
			// librbd: EINVAL, "image has no parent".
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s has no parent", spec)
		}
		img.parent = nil
		return nil
	})
}

func (s imagesService) DefaultFeatures(ctx context.Context) ([]string, error) {
	return view(s.backend, ctx, "RBD.Images.DefaultFeatures", nil, func(c *cluster) ([]string, error) {
		var f uint64
		fmt.Sscan(c.rbdDefault(nil, "rbd_default_features"), &f)
		return featureNames(f), nil
	})
}

func (s imagesService) CloneFormat(ctx context.Context) (int, error) {
	return view(s.backend, ctx, "RBD.Images.CloneFormat", nil, func(c *cluster) (int, error) {
		return c.cloneFormatLocked(nil), nil
	})
}

// cloneFormatLocked is the clone format new clones get, as the dashboard
// works it out: rbd_default_clone_format unless "auto", else 2 when the
// cluster requires mimic or newer clients, else 1.
func (c *cluster) cloneFormatLocked(p *pool) int {
	switch c.rbdDefault(p, "rbd_default_clone_format") {
	case "1":
		return 1
	case "2":
		return 2
	}
	if max(minCompatClient, requireMinCompatClient) < "mimic" {
		return 1
	}
	return 2
}

func (c *cluster) rbdDefault(p *pool, name string) string {
	if p != nil {
		if v, ok := p.rbdConfig[name]; ok {
			return v
		}
	}
	if v, ok := c.config[name]["global"]; ok {
		return v
	}
	if i, ok := c.rbdIndex[name]; ok {
		return c.rbdDefaults[i].Value
	}
	return ""
}

func (s imagesService) Update(ctx context.Context, spec rbd.ImageSpec, opts *rbd.UpdateOptions) error {
	return s.update(ctx, "RBD.Images.Update", []any{spec, opts}, func(c *cluster) error {
		p, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		features := img.features
		if opts.Features != nil {
			var want uint64
			for _, f := range *opts.Features {
				want |= rbdFeatureBits[f]
			}
			keep := img.features &^ mutableFeatures
			if want&^mutableFeatures != keep {
				return ceph.Errorf(ceph.InvalidArgument, "rbd", "only exclusive-lock, object-map, fast-diff and journaling can be enabled or disabled")
			}
			features = want
			if err := checkFeatureDeps(features); err != nil {
				return err
			}
		}
		if err := c.checkImageConfig(opts.Configuration); err != nil {
			return err
		}
		if opts.NewName != nil && *opts.NewName != img.name {
			if _, ok := p.images[imageKey(img.namespace, *opts.NewName)]; ok {
				return ceph.Errorf(ceph.AlreadyExists, "rbd", "rbd image %s/%s already exists", p.name, *opts.NewName)
			}
		}
		if opts.Size != nil {
			img.size = *opts.Size
		}
		img.features = features
		for k, v := range opts.Configuration {
			if v == "" {
				delete(img.config, k)
			} else {
				img.config[k] = v
			}
		}
		if opts.NewName != nil && *opts.NewName != img.name {
			delete(p.images, imageKey(img.namespace, img.name))
			img.name = *opts.NewName
			p.images[imageKey(img.namespace, img.name)] = img
		}
		return nil
	})
}

func (s imagesService) Delete(ctx context.Context, spec rbd.ImageSpec) error {
	return s.update(ctx, "RBD.Images.Delete", []any{spec}, func(c *cluster) error {
		p, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		if len(img.snaps) > 0 {
			// librbd: ENOTEMPTY, "image has snapshots - not removing".
			return ceph.Errorf(ceph.FailedPrecondition, "rbd", "image %s has snapshots - not removing", spec)
		}
		delete(p.images, imageKey(spec.Namespace, spec.Name))
		return nil
	})
}

type snapshotsService struct {
	*backend
	rbd.UnimplementedSnapshots
}

func (s snapshotsService) Create(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.update(ctx, "RBD.Snapshots.Create", []any{spec, name}, func(c *cluster) error {
		_, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		if img.snap(name) >= 0 {
			return ceph.Errorf(ceph.AlreadyExists, "rbd", "snapshot %s@%s already exists", spec, name)
		}
		img.nextSnap++
		img.snaps = append(img.snaps, &snapshot{id: img.nextSnap, name: name, size: img.size, created: c.now()})
		return nil
	})
}

func (s snapshotsService) Delete(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.update(ctx, "RBD.Snapshots.Delete", []any{spec, name}, func(c *cluster) error {
		_, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		i := img.snap(name)
		if i < 0 {
			return ceph.Errorf(ceph.NotFound, "rbd", "snapshot %s@%s not found", spec, name)
		}
		if img.snaps[i].protected {
			// librbd: EBUSY, "snapshot is protected".
			return ceph.Errorf(ceph.Busy, "rbd", "snapshot %s@%s is protected", spec, name)
		}
		if len(c.childrenLocked(img.snaps[i])) > 0 {
			return ceph.Errorf(ceph.Busy, "rbd", "snapshot %s@%s has clones", spec, name)
		}
		img.snaps = append(img.snaps[:i:i], img.snaps[i+1:]...)
		return nil
	})
}

// snapLocked finds the snapshot of an image.
func (c *cluster) snapLocked(spec rbd.ImageSpec, name string) (*pool, *image, *snapshot, error) {
	p, img, err := c.imageLocked(spec)
	if err != nil {
		return nil, nil, nil, err
	}
	i := img.snap(name)
	if i < 0 {
		return nil, nil, nil, ceph.Errorf(ceph.NotFound, "rbd", "snapshot %s@%s not found", spec, name)
	}
	return p, img, img.snaps[i], nil
}

// childrenLocked lists the clones of a snapshot, in pool and name order.
func (c *cluster) childrenLocked(sn *snapshot) []parentRef {
	var out []parentRef
	for _, p := range c.sortedPools() {
		for _, k := range sortedKeys(p.images) {
			if img := p.images[k]; img.parent != nil && img.parent.snap == sn {
				out = append(out, parentRef{pool: p, img: img})
			}
		}
	}
	return out
}

func (s snapshotsService) Rename(ctx context.Context, spec rbd.ImageSpec, name, newName string) error {
	return s.update(ctx, "RBD.Snapshots.Rename", []any{spec, name, newName}, func(c *cluster) error {
		_, img, sn, err := c.snapLocked(spec, name)
		if err != nil {
			return err
		}
		if newName != name && img.snap(newName) >= 0 {
			return ceph.Errorf(ceph.AlreadyExists, "rbd", "snapshot %s@%s already exists", spec, newName)
		}
		sn.name = newName
		return nil
	})
}

func (s snapshotsService) Protect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.update(ctx, "RBD.Snapshots.Protect", []any{spec, name}, func(c *cluster) error {
		_, img, sn, err := c.snapLocked(spec, name)
		if err != nil {
			return err
		}
		if img.features&rbdFeatureBits["layering"] == 0 {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "image %s must support layering to protect a snapshot", spec)
		}
		sn.protected = true
		return nil
	})
}

func (s snapshotsService) Unprotect(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.update(ctx, "RBD.Snapshots.Unprotect", []any{spec, name}, func(c *cluster) error {
		_, _, sn, err := c.snapLocked(spec, name)
		if err != nil {
			return err
		}
		if sn.protected && len(c.childrenLocked(sn)) > 0 {
			// librbd: EBUSY, "snapshot has clones".
			return ceph.Errorf(ceph.Busy, "rbd", "snapshot %s@%s has clones", spec, name)
		}
		sn.protected = false
		return nil
	})
}

func (s snapshotsService) Rollback(ctx context.Context, spec rbd.ImageSpec, name string) error {
	return s.update(ctx, "RBD.Snapshots.Rollback", []any{spec, name}, func(c *cluster) error {
		_, img, sn, err := c.snapLocked(spec, name)
		if err != nil {
			return err
		}
		img.size = sn.size
		return nil
	})
}

func (s snapshotsService) Clone(ctx context.Context, parent rbd.ImageSpec, snapName string, child rbd.ImageSpec, opts *rbd.ImageOptions) error {
	return s.update(ctx, "RBD.Snapshots.Clone", []any{parent, snapName, child, opts}, func(c *cluster) error {
		pp, pimg, sn, err := c.snapLocked(parent, snapName)
		if err != nil {
			return err
		}
		if pimg.features&rbdFeatureBits["layering"] == 0 {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "parent image %s must support layering", parent)
		}
		if c.cloneFormatLocked(pp) == 1 && !sn.protected {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "parent snapshot %s@%s must be protected (clone format 1)", parent, snapName)
		}
		img, err := c.newImageLocked(child, sn.size, opts)
		if err != nil {
			return err
		}
		img.parent = &parentRef{pool: pp, img: pimg, snap: sn}
		return nil
	})
}

// snap is the index of the snapshot named name, or -1.
func (img *image) snap(name string) int {
	for i, sn := range img.snaps {
		if sn.name == name {
			return i
		}
	}
	return -1
}
