package memory

import (
	"context"
	"sort"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// trashService models the RBD trash of each pool.
type trashService struct {
	*backend
	rbd.UnimplementedTrash
}

// namespacesService models the RBD namespaces of each pool.
type namespacesService struct {
	*backend
	rbd.UnimplementedNamespaces
}

// poolRBD is what a pool holds for RBD besides its images: the namespaces
// made in it and its trash (librbd keeps one per namespace; the keys are
// imageKey(namespace, id)). Like the pool, it is guarded by the cluster's
// mu.
type poolRBD struct {
	namespaces map[string]bool
	trash      map[string]*trashEntry
	mirror     *poolMirror
}

// trashEntry is an image moved to the trash: the image as it was (its
// snapshots too; img.name is the name it had), when it was moved and the
// end of its deferment, before which librbd removes it only with force.
type trashEntry struct {
	img     *image
	deleted time.Time
	end     time.Time
}

// rbdLocked returns p's namespaces and trash. Only writers (holding the
// write lock) pass create; readers get an empty value for a pool that
// never had any. A pool that is deleted and made again is a new *pool:
// it starts empty, as in Ceph.
func (c *cluster) rbdLocked(p *pool, create bool) *poolRBD {
	if p.rbd == nil {
		if !create {
			return &poolRBD{}
		}
		p.rbd = &poolRBD{namespaces: map[string]bool{}, trash: map[string]*trashEntry{}}
	}
	return p.rbd
}

// namespaceLocked checks that ns ("" is the default namespace) exists in
// p: librbd creates no image in a namespace that was not created.
func (c *cluster) namespaceLocked(p *pool, ns string) error {
	if ns == "" || c.rbdLocked(p, false).namespaces[ns] {
		return nil
	}
	return ceph.Errorf(ceph.NotFound, "rbd", "namespace %s does not exist in pool %s", ns, p.name)
}

// rbdPoolsLocked is the named pool, or every pool with the rbd
// application for "" (as the dashboard's CephService.get_pool_list('rbd')).
func (c *cluster) rbdPoolsLocked(name string) ([]*pool, error) {
	if name != "" {
		p, err := c.poolByNameOrErr(name)
		if err != nil {
			return nil, err
		}
		return []*pool{p}, nil
	}
	var out []*pool
	for _, p := range c.sortedPools() {
		if _, ok := p.apps["rbd"]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// trashKeys are the keys of r's trash in the dashboard's order: the
// namespaces by name, the default namespace last, each by image id.
func (r *poolRBD) trashKeys() []string {
	keys := sortedKeys(r.trash)
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := r.trash[keys[i]].img.namespace, r.trash[keys[j]].img.namespace
		return a != b && (b == "" || (a != "" && a < b))
	})
	return keys
}

// trashTime is librbd's whole-second time as the dashboard writes it.
func trashTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") + "Z" }

func (s trashService) List(ctx context.Context, poolName string) ([]rbd.TrashEntry, error) {
	return view(s.backend, ctx, "RBD.Trash.List", []any{poolName}, func(c *cluster) ([]rbd.TrashEntry, error) {
		pools, err := c.rbdPoolsLocked(poolName)
		if err != nil {
			return nil, err
		}
		out := []rbd.TrashEntry{}
		for _, p := range pools {
			r := c.rbdLocked(p, false)
			for _, k := range r.trashKeys() {
				e := r.trash[k]
				out = append(out, rbd.TrashEntry{
					ID: e.img.id, Name: e.img.name, Source: "USER",
					DeletionTime: trashTime(e.deleted), DefermentEndTime: trashTime(e.end),
					PoolName: p.name, Namespace: e.img.namespace,
				})
			}
		}
		return out, nil
	})
}

// Move takes the image out of its pool's image list into the trash, with
// its state; librbd counts the delay in whole seconds.
func (s trashService) Move(ctx context.Context, spec rbd.ImageSpec, delay time.Duration) error {
	return s.update(ctx, "RBD.Trash.Move", []any{spec, delay}, func(c *cluster) error {
		p, img, err := c.imageLocked(spec)
		if err != nil {
			return err
		}
		now := c.now()
		delete(p.images, imageKey(img.namespace, img.name))
		c.rbdLocked(p, true).trash[imageKey(img.namespace, img.id)] = &trashEntry{
			img: img, deleted: now, end: now.Add(delay.Truncate(time.Second)),
		}
		return nil
	})
}

// trashEntryLocked finds the entry named by spec (its Name is the id), in
// the trash of the spec's namespace.
func (c *cluster) trashEntryLocked(spec rbd.ImageSpec) (*pool, *poolRBD, *trashEntry, error) {
	p, err := c.poolByNameOrErr(spec.Pool)
	if err != nil {
		return nil, nil, nil, err
	}
	r := c.rbdLocked(p, false)
	e := r.trash[imageKey(spec.Namespace, spec.Name)]
	if e == nil {
		return nil, nil, nil, ceph.Errorf(ceph.NotFound, "rbd", "image id %s not found in the trash of %s", spec.Name, poolSpec(spec))
	}
	return p, r, e, nil
}

// poolSpec is "pool" or "pool/namespace".
func poolSpec(spec rbd.ImageSpec) string {
	if spec.Namespace != "" {
		return spec.Pool + "/" + spec.Namespace
	}
	return spec.Pool
}

func (s trashService) Restore(ctx context.Context, entry rbd.ImageSpec, newName string) error {
	return s.update(ctx, "RBD.Trash.Restore", []any{entry, newName}, func(c *cluster) error {
		p, r, e, err := c.trashEntryLocked(entry)
		if err != nil {
			return err
		}
		name := newName
		if name == "" {
			name = e.img.name // librbd: the name it had
		}
		if _, ok := p.images[imageKey(e.img.namespace, name)]; ok {
			// librbd: EEXIST, "an image with the same name already exists".
			return ceph.Errorf(ceph.AlreadyExists, "rbd", "rbd image %s/%s already exists", poolSpec(entry), name)
		}
		delete(r.trash, imageKey(e.img.namespace, e.img.id))
		e.img.name = name
		p.images[imageKey(e.img.namespace, name)] = e.img
		return nil
	})
}

// removableLocked is librbd's trash_remove check: EPERM before the
// deferment end unless force, ENOTEMPTY for an image with snapshots.
func (c *cluster) removableLocked(entry rbd.ImageSpec, e *trashEntry, force bool) error {
	if !force && c.now().Before(e.end) {
		return ceph.Errorf(ceph.FailedPrecondition, "rbd", "image id %s in the trash of %s: deferment time has not expired (until %s)", entry.Name, poolSpec(entry), trashTime(e.end))
	}
	if len(e.img.snaps) > 0 {
		return ceph.Errorf(ceph.FailedPrecondition, "rbd", "image id %s in the trash of %s has snapshots - not removing", entry.Name, poolSpec(entry))
	}
	return nil
}

func (s trashService) Remove(ctx context.Context, entry rbd.ImageSpec, force bool) error {
	return s.update(ctx, "RBD.Trash.Remove", []any{entry, force}, func(c *cluster) error {
		_, r, e, err := c.trashEntryLocked(entry)
		if err != nil {
			return err
		}
		if err := c.removableLocked(entry, e, force); err != nil {
			return err
		}
		delete(r.trash, imageKey(e.img.namespace, e.img.id))
		return nil
	})
}

// Purge removes the expired entries as the dashboard does, one by one in
// list order without force: an expired image with snapshots stops it
// there (the entries before it are gone).
func (s trashService) Purge(ctx context.Context, poolName string) error {
	return s.update(ctx, "RBD.Trash.Purge", []any{poolName}, func(c *cluster) error {
		pools, err := c.rbdPoolsLocked(poolName)
		if err != nil {
			return err
		}
		now := c.now()
		for _, p := range pools {
			r := c.rbdLocked(p, false)
			for _, k := range r.trashKeys() {
				e := r.trash[k]
				if now.Before(e.end) {
					continue
				}
				spec := rbd.ImageSpec{Pool: p.name, Namespace: e.img.namespace, Name: e.img.id}
				if err := c.removableLocked(spec, e, false); err != nil {
					return err
				}
				delete(r.trash, k)
			}
		}
		return nil
	})
}

func (s namespacesService) List(ctx context.Context, poolName string) ([]rbd.Namespace, error) {
	return view(s.backend, ctx, "RBD.Namespaces.List", []any{poolName}, func(c *cluster) ([]rbd.Namespace, error) {
		p, err := c.poolByNameOrErr(poolName)
		if err != nil {
			return nil, err
		}
		count := map[string]int{}
		for _, img := range p.images {
			count[img.namespace]++
		}
		out := []rbd.Namespace{}
		for _, ns := range sortedKeys(c.rbdLocked(p, false).namespaces) {
			out = append(out, rbd.Namespace{Namespace: ns, NumImages: count[ns]})
		}
		return out, nil
	})
}

func (s namespacesService) Create(ctx context.Context, poolName, ns string) error {
	return s.update(ctx, "RBD.Namespaces.Create", []any{poolName, ns}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(poolName)
		if err != nil {
			return err
		}
		r := c.rbdLocked(p, true)
		if r.namespaces[ns] {
			return ceph.Errorf(ceph.AlreadyExists, "rbd", "namespace %s already exists in pool %s", ns, poolName)
		}
		r.namespaces[ns] = true
		return nil
	})
}

// Delete refuses a namespace with images, as the dashboard does, and one
// whose trash has entries, as librbd does (EBUSY).
func (s namespacesService) Delete(ctx context.Context, poolName, ns string) error {
	return s.update(ctx, "RBD.Namespaces.Delete", []any{poolName, ns}, func(c *cluster) error {
		p, err := c.poolByNameOrErr(poolName)
		if err != nil {
			return err
		}
		if err := c.namespaceLocked(p, ns); err != nil {
			return err
		}
		for _, img := range p.images {
			if img.namespace == ns {
				return ceph.Errorf(ceph.FailedPrecondition, "rbd", "namespace %s/%s contains images which must be deleted first", poolName, ns)
			}
		}
		r := c.rbdLocked(p, true)
		for _, e := range r.trash {
			if e.img.namespace == ns {
				return ceph.Errorf(ceph.FailedPrecondition, "rbd", "namespace %s/%s has images in its trash", poolName, ns)
			}
		}
		delete(r.namespaces, ns)
		return nil
	})
}
