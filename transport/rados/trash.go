//go:build rados

package rados

import (
	"context"
	"strings"
	"syscall"
	"time"

	gorados "github.com/ceph/go-ceph/rados"
	gorbd "github.com/ceph/go-ceph/rbd"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

// trash manages the RBD trash with librbd. Each call does its librbd work
// per pool in one bounded call (see runner.call), as images does.
type trash struct {
	rbd.UnimplementedTrash
	im *images
}

var _ rbd.Trash = trash{}

// namespaces manages RBD namespaces with librbd.
type namespaces struct {
	rbd.UnimplementedNamespaces
	im *images
}

var _ rbd.Namespaces = namespaces{}

// rbdPoolNames is the named pool, or every pool with the rbd application
// for "" (the dashboard's CephService.get_pool_list('rbd')).
func (im *images) rbdPoolNames(ctx context.Context, pool string) ([]string, error) {
	if pool != "" {
		return []string{pool}, nil
	}
	d, err := im.r.osdDump(ctx, rbdComponent)
	if err != nil {
		return nil, err
	}
	return rbdPools(d), nil
}

// spaces are the namespaces of the pool io is open on, then the default
// namespace, in the dashboard's order. A pool whose namespaces cannot be
// listed has the default one only, as for images.listPool.
func spaces(io *gorados.IOContext) []string {
	ns, err := gorbd.NamespaceList(io)
	if err != nil {
		return []string{""}
	}
	return append(ns, "")
}

// trashSourceNames are librbd's rbd_trash_image_source_t values by number,
// named as the dashboard (the rbd Python binding) names them.
var trashSourceNames = []string{"USER", "MIRRORING", "MIGRATION", "REMOVING", "USER_PARENT"}

// trashSources reads the source of each entry in the trash of io's
// namespace, by id. go-ceph's TrashInfo leaves it out, so it comes from
// the rbd_trash object's omap ("id_" + id), whose values are cls_rbd's
// TrashImageSpec: a version byte, a compat byte, a 32-bit length, then the
// source as one byte. Whatever cannot be read is left out.
func trashSources(io *gorados.IOContext) map[string]string {
	vals, err := io.GetAllOmapValues("rbd_trash", "", "id_", 1024)
	if err != nil {
		return nil
	}
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		if len(v) > 6 && int(v[6]) < len(trashSourceNames) {
			out[strings.TrimPrefix(k, "id_")] = trashSourceNames[v[6]]
		}
	}
	return out
}

func (t trash) List(ctx context.Context, pool string) ([]rbd.TrashEntry, error) {
	pools, err := t.im.rbdPoolNames(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := []rbd.TrashEntry{}
	for _, p := range pools {
		err := t.im.r.doRead(ctx, rbdComponent, func() error {
			return t.im.withIOContext(p, "", func(io *gorados.IOContext) error {
				for _, ns := range spaces(io) {
					io.SetNamespace(ns)
					entries, err := gorbd.GetTrashList(io)
					if err != nil {
						return err
					}
					var sources map[string]string
					if len(entries) > 0 {
						sources = trashSources(io)
					}
					for _, e := range entries {
						src := sources[e.Id]
						if src == "" {
							src = "USER" // what rbd_trash_move makes
						}
						out = append(out, rbd.TrashEntry{
							ID: e.Id, Name: e.Name, Source: src,
							DeletionTime: rbdTimestamp(e.DeletionTime), DefermentEndTime: rbdTimestamp(e.DefermentEndTime),
							PoolName: p, Namespace: ns,
						})
					}
				}
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Move is rbd_trash_move; librbd counts the delay in whole seconds.
func (t trash) Move(ctx context.Context, spec rbd.ImageSpec, delay time.Duration) error {
	return t.im.r.do(ctx, rbdComponent, func() error {
		return t.im.withIOContext(spec.Pool, spec.Namespace, func(io *gorados.IOContext) error {
			return notFound(gorbd.GetImage(io, spec.Name).Trash(delay), spec)
		})
	})
}

// trashNotFound names the trash entry in an ENOENT error.
func trashNotFound(err error, entry rbd.ImageSpec) error {
	if err != nil && errnoOf(err) == syscall.ENOENT {
		return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "image id " + entry.Name + " not found in the trash of " + poolSpec(entry), Err: err}
	}
	return err
}

// poolSpec is "pool" or "pool/namespace".
func poolSpec(spec rbd.ImageSpec) string {
	if spec.Namespace != "" {
		return spec.Pool + "/" + spec.Namespace
	}
	return spec.Pool
}

// Restore is rbd_trash_restore, which takes "" for the old name.
func (t trash) Restore(ctx context.Context, entry rbd.ImageSpec, newName string) error {
	return t.im.r.do(ctx, rbdComponent, func() error {
		return t.im.withIOContext(entry.Pool, entry.Namespace, func(io *gorados.IOContext) error {
			err := gorbd.TrashRestore(io, entry.Name, newName)
			if errnoOf(err) == syscall.EEXIST {
				name := newName
				if name == "" {
					name = "of the entry's old name"
				}
				return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "an image " + name + " already exists in " + poolSpec(entry), Err: err}
			}
			return trashNotFound(err, entry)
		})
	})
}

// removeEntry is rbd_trash_remove: EPERM before the deferment end (without
// force) is FailedPrecondition, like ENOTEMPTY (the image has snapshots).
func removeEntry(io *gorados.IOContext, entry rbd.ImageSpec, force bool) error {
	err := gorbd.TrashRemove(io, entry.Name, force)
	if errnoOf(err) == syscall.EPERM {
		return &ceph.Error{Code: ceph.FailedPrecondition, Component: rbdComponent, Detail: "the deferment time of " + entry.String() + " has not expired", Err: err}
	}
	return trashNotFound(err, entry)
}

func (t trash) Remove(ctx context.Context, entry rbd.ImageSpec, force bool) error {
	return t.im.r.do(ctx, rbdComponent, func() error {
		return t.im.withIOContext(entry.Pool, entry.Namespace, func(io *gorados.IOContext) error {
			return removeEntry(io, entry, force)
		})
	})
}

// Purge removes, as the dashboard does, the listed entries whose deferment
// has ended, without force. The list has whole seconds: an entry that
// librbd still defers for a fraction of one (EPERM) is left, and so is one
// removed meanwhile; any other failure stops the purge.
func (t trash) Purge(ctx context.Context, pool string) error {
	pools, err := t.im.rbdPoolNames(ctx, pool)
	if err != nil {
		return err
	}
	for _, p := range pools {
		err := t.im.r.do(ctx, rbdComponent, func() error {
			return t.im.withIOContext(p, "", func(io *gorados.IOContext) error {
				for _, ns := range spaces(io) {
					io.SetNamespace(ns)
					entries, err := gorbd.GetTrashList(io)
					if err != nil {
						return err
					}
					now := time.Now()
					for _, e := range entries {
						if now.Before(e.DefermentEndTime) {
							continue
						}
						err := removeEntry(io, rbd.ImageSpec{Pool: p, Namespace: ns, Name: e.Id}, false)
						if c := ceph.CodeOf(err); err != nil && c != ceph.NotFound && !(c == ceph.FailedPrecondition && errnoOf(err) == syscall.EPERM) {
							return err
						}
					}
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (n namespaces) List(ctx context.Context, pool string) ([]rbd.Namespace, error) {
	out := []rbd.Namespace{}
	err := n.im.r.doRead(ctx, rbdComponent, func() error {
		return n.im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			names, err := gorbd.NamespaceList(io)
			if err != nil {
				return err
			}
			for _, ns := range names {
				io.SetNamespace(ns)
				images, err := gorbd.GetImageNames(io)
				if err != nil {
					return err
				}
				out = append(out, rbd.Namespace{Namespace: ns, NumImages: len(images)})
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Create is rbd_namespace_create; an existing namespace is AlreadyExists
// (the dashboard checks the list first, librbd answers EEXIST).
func (n namespaces) Create(ctx context.Context, pool, namespace string) error {
	return n.im.r.do(ctx, rbdComponent, func() error {
		return n.im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			exists, err := gorbd.NamespaceExists(io, namespace)
			if err == nil && !exists {
				err = gorbd.NamespaceCreate(io, namespace)
			}
			if exists || errnoOf(err) == syscall.EEXIST {
				return &ceph.Error{Code: ceph.AlreadyExists, Component: rbdComponent, Detail: "namespace " + namespace + " already exists in pool " + pool, Err: err}
			}
			return err
		})
	})
}

// Delete is rbd_namespace_remove, after checking that the namespace exists
// (librbd's remove would touch the namespace's objects first). librbd
// answers EBUSY for a namespace with images or trash entries:
// FailedPrecondition.
func (n namespaces) Delete(ctx context.Context, pool, namespace string) error {
	return n.im.r.do(ctx, rbdComponent, func() error {
		return n.im.withIOContext(pool, "", func(io *gorados.IOContext) error {
			exists, err := gorbd.NamespaceExists(io, namespace)
			if err != nil {
				return err
			}
			if !exists {
				return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "namespace " + namespace + " does not exist in pool " + pool}
			}
			err = gorbd.NamespaceRemove(io, namespace)
			switch errnoOf(err) {
			case syscall.EBUSY:
				return &ceph.Error{Code: ceph.FailedPrecondition, Component: rbdComponent, Detail: "namespace " + namespace + " of pool " + pool + " contains images or trash entries, which must be deleted first", Err: err}
			case syscall.ENOENT:
				return &ceph.Error{Code: ceph.NotFound, Component: rbdComponent, Detail: "namespace " + namespace + " does not exist in pool " + pool, Err: err}
			}
			return err
		})
	})
}
