package httpapi

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

// rbdTrashBindings are the bindings of the RBD trash and namespace
// operations.
func (s *Server) rbdTrashBindings() []binding {
	c := s.client
	return []binding{
		// RBD trash (controllers/rbd.py RbdTrash). An entry is named by
		// {image_id_spec}: "pool/id" or "pool/namespace/id".
		// GET /api/block/image/trash
		bind(ops.RBDTrashList, s.rbdTrashList),
		// POST /api/block/image/trash/purge
		bind(ops.RBDTrashPurge, func(_ *call, r *ops.RBDTrashPurgeRequest) (any, error) {
			pool := deref(r.PoolName)
			return later(func(ctx context.Context) (any, error) { return nothing(c.RBD.Trash.Purge(ctx, pool)) }), nil
		}),
		// DELETE /api/block/image/trash/{image_id_spec}
		bind(ops.RBDTrashDelete, func(_ *call, r *ops.RBDTrashDeleteRequest) (any, error) {
			entry, err := rbdSpec(r.ImageIDSpec)
			if err != nil {
				return nil, err
			}
			force := r.Force != nil && bool(*r.Force)
			return later(func(ctx context.Context) (any, error) {
				return nothing(c.RBD.Trash.Remove(ctx, entry, force))
			}), nil
		}),
		// POST /api/block/image/trash/{image_id_spec}/restore
		bind(ops.RBDTrashRestore, func(_ *call, r *ops.RBDTrashRestoreRequest) (any, error) {
			entry, err := rbdSpec(r.ImageIDSpec)
			if err != nil {
				return nil, err
			}
			// librbd restores under the old name when new_image_name is "".
			return later(func(ctx context.Context) (any, error) {
				return nothing(c.RBD.Trash.Restore(ctx, entry, r.NewImageName))
			}), nil
		}),
		// POST /api/block/image/{image_spec}/move_trash
		bind(ops.RBDImageMoveTrash, func(_ *call, r *ops.RBDImageMoveTrashRequest) (any, error) {
			spec, err := rbdSpec(r.ImageSpec)
			if err != nil {
				return nil, err
			}
			delay, err := uint64Of("delay", r.Delay)
			if err != nil {
				return nil, err
			}
			return later(func(ctx context.Context) (any, error) {
				return nothing(c.RBD.Trash.Move(ctx, spec, time.Duration(delay)*time.Second))
			}), nil
		}),

		// RBD namespaces (controllers/rbd.py RbdNamespace).
		// GET /api/block/pool/{pool_name}/namespace
		bind(ops.RBDNamespaceList, func(cl *call, r *ops.RBDNamespaceListRequest) (any, error) {
			return c.RBD.Namespaces.List(cl.ctx(), r.PoolName)
		}),
		// POST /api/block/pool/{pool_name}/namespace
		bind(ops.RBDNamespaceCreate, func(cl *call, r *ops.RBDNamespaceCreateRequest) (any, error) {
			return nothing(c.RBD.Namespaces.Create(cl.ctx(), r.PoolName, r.Namespace))
		}),
		// DELETE /api/block/pool/{pool_name}/namespace/{namespace}
		bind(ops.RBDNamespaceDelete, func(cl *call, r *ops.RBDNamespaceDeleteRequest) (any, error) {
			return nothing(c.RBD.Namespaces.Delete(cl.ctx(), r.PoolName, r.Namespace))
		}),
	}
}

// rbdPoolTrash is one element of GET /api/block/image/trash: the entries
// of one pool, with the dashboard's ViewCache status (0: fresh).
type rbdPoolTrash struct {
	Status   int              `json:"status"`
	Value    []rbd.TrashEntry `json:"value"`
	PoolName string           `json:"pool_name"`
}

// rbdTrashList answers as the dashboard's RbdTrash.list: one element per
// pool (the one asked for, else every pool with the rbd application, in
// pool order), empty pools included.
func (s *Server) rbdTrashList(c *call, r *ops.RBDTrashListRequest) (any, error) {
	entries, err := s.client.RBD.Trash.List(c.ctx(), r.PoolName)
	if err != nil {
		return nil, err
	}
	pools := []string{r.PoolName}
	if r.PoolName == "" {
		pools = nil
		all, err := s.client.Pools.List(c.ctx(), nil)
		if err != nil && !errors.Is(err, ceph.ErrUnimplemented) {
			return nil, err
		}
		for _, p := range all {
			if slices.Contains(p.ApplicationMetadata, "rbd") {
				pools = append(pools, p.PoolName)
			}
		}
	}
	out := []*rbdPoolTrash{}
	byPool := map[string]*rbdPoolTrash{}
	add := func(pool string) *rbdPoolTrash {
		pt := &rbdPoolTrash{PoolName: pool, Value: []rbd.TrashEntry{}}
		byPool[pool] = pt
		out = append(out, pt)
		return pt
	}
	for _, p := range pools {
		add(p)
	}
	for _, e := range entries {
		pt, ok := byPool[e.PoolName]
		if !ok {
			pt = add(e.PoolName) // a pool made since the pool list
		}
		pt.Value = append(pt.Value, e)
	}
	return out, nil
}
