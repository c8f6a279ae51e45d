package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/rbd"
)

var (
	_ rbd.Trash      = trashService{}
	_ rbd.Namespaces = namespacesService{}
)

// trashService is the dashboard's /api/block/image/trash.
type trashService struct {
	c *client
	rbd.UnimplementedTrash
}

// namespacesService is the dashboard's /api/block/pool/{pool}/namespace.
type namespacesService struct {
	c *client
	rbd.UnimplementedNamespaces
}

// List is GET /api/block/image/trash, flattened: the dashboard answers one
// {status, value, pool_name} per pool. Its lists come from a ViewCache
// (fresh for a second); one it has no data for yet is the document
// {"status": 2, "value": null}, which is Unavailable here.
func (s trashService) List(ctx context.Context, pool string) ([]rbd.TrashEntry, error) {
	var raw json.RawMessage
	if _, err := send(ctx, s.c, ops.RBDTrashList, &ops.RBDTrashListRequest{PoolName: pool}, &raw); err != nil {
		return nil, err
	}
	if b := bytes.TrimSpace(raw); len(b) > 0 && b[0] == '{' {
		var nodata struct {
			Status int `json:"status"`
		}
		if err := json.Unmarshal(b, &nodata); err == nil && nodata.Status == 2 {
			return nil, ceph.Errorf(ceph.Unavailable, "rbd", "the dashboard has no trash list of %q yet", pool)
		}
	}
	var pools []struct {
		Status   int              `json:"status"`
		Value    []rbd.TrashEntry `json:"value"`
		PoolName string           `json:"pool_name"`
	}
	if err := decode(raw, &pools); err != nil {
		return nil, ceph.Errorf(ceph.Internal, "rbd", "GET %s: cannot decode the answer: %v", ops.RBDTrashList.Path, err)
	}
	out := []rbd.TrashEntry{}
	for _, p := range pools {
		for _, e := range p.Value {
			if e.PoolName == "" {
				e.PoolName = p.PoolName
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// Move is POST /api/block/image/{image_spec}/move_trash; the delay is in
// whole seconds.
func (s trashService) Move(ctx context.Context, spec rbd.ImageSpec, delay time.Duration) error {
	return exec(ctx, s.c, ops.RBDImageMoveTrash, &ops.RBDImageMoveTrashRequest{
		ImageSpec: spec.String(), Delay: new(ops.Int(delay / time.Second)),
	})
}

// Restore is POST /api/block/image/trash/{image_id_spec}/restore; an
// empty new_image_name makes librbd restore the image under its old name.
func (s trashService) Restore(ctx context.Context, entry rbd.ImageSpec, newName string) error {
	return exec(ctx, s.c, ops.RBDTrashRestore, &ops.RBDTrashRestoreRequest{ImageIDSpec: entry.String(), NewImageName: newName})
}

// Remove is DELETE /api/block/image/trash/{image_id_spec}. librbd refuses
// before the deferment end with EPERM, which the dashboard's task reports
// as code "1" (status 400): that is FailedPrecondition here. (A refusal by
// the dashboard's own permissions is a 403 without an errno code.)
func (s trashService) Remove(ctx context.Context, entry rbd.ImageSpec, force bool) error {
	err := exec(ctx, s.c, ops.RBDTrashDelete, &ops.RBDTrashDeleteRequest{ImageIDSpec: entry.String(), Force: new(ops.Bool(force))})
	var ce *ceph.Error
	if err != nil && errors.As(err, &ce) && ce.Code == ceph.PermissionDenied && ce.Reason == "1" {
		return &ceph.Error{Code: ceph.FailedPrecondition, Component: ce.Component,
			Detail: "the deferment time of " + entry.String() + " has not expired: " + ce.Detail, Reason: ce.Reason, Err: native(err)}
	}
	return err
}

// purgeRetries bound the purges sent again after a stale entry.
const purgeRetries = 3

// Purge is POST /api/block/image/trash/purge: the dashboard removes the
// entries whose deferment end (in whole seconds) is before now. It takes
// them from its trash cache, which may still list an entry removed less
// than a second ago: librbd's ENOENT for it (component "rbd"; a missing
// pool is component "pool") fails the task, and the purge is sent again
// once the cache is renewed.
func (s trashService) Purge(ctx context.Context, pool string) error {
	for i := 0; ; i++ {
		err := exec(ctx, s.c, ops.RBDTrashPurge, &ops.RBDTrashPurgeRequest{PoolName: nonZero(pool)})
		var ce *ceph.Error
		if i == purgeRetries || !errors.As(err, &ce) || ce.Code != ceph.NotFound || ce.Component != "rbd" {
			return err
		}
		t := time.NewTimer(trashCacheFresh)
		select {
		case <-ctx.Done():
			t.Stop()
			return ceph.CheckContext(ctx, "rbd")
		case <-t.C:
		}
	}
}

// trashCacheFresh is how long the dashboard serves a trash list from its
// cache (ViewCache.STALE_PERIOD, 1 s), and a little more.
const trashCacheFresh = 1200 * time.Millisecond

func (s namespacesService) List(ctx context.Context, pool string) ([]rbd.Namespace, error) {
	var out []rbd.Namespace
	if _, err := send(ctx, s.c, ops.RBDNamespaceList, &ops.RBDNamespaceListRequest{PoolName: pool}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []rbd.Namespace{}
	}
	return out, nil
}

// dashboardCodes are the dashboard's own 400 codes of the namespace
// controller, with the code each stands for.
var dashboardCodes = map[string]ceph.Code{
	"namespace_already_exists":  ceph.AlreadyExists,
	"namespace_contains_images": ceph.FailedPrecondition,
}

// reclassify gives a dashboard error with one of dashboardCodes its code.
func reclassify(err error) error {
	var ce *ceph.Error
	if err == nil || !errors.As(err, &ce) {
		return err
	}
	code, ok := dashboardCodes[ce.Reason]
	if !ok || code == ce.Code {
		return err
	}
	return &ceph.Error{Code: code, Component: ce.Component, Detail: ce.Detail, Reason: ce.Reason, Err: native(err)}
}

// Create is POST /api/block/pool/{pool_name}/namespace; the dashboard
// answers an existing namespace with 400 namespace_already_exists.
func (s namespacesService) Create(ctx context.Context, pool, namespace string) error {
	return reclassify(exec(ctx, s.c, ops.RBDNamespaceCreate, &ops.RBDNamespaceCreateRequest{PoolName: pool, Namespace: namespace}))
}

// Delete is DELETE /api/block/pool/{pool_name}/namespace/{namespace}; the
// dashboard answers a namespace with images with 400
// namespace_contains_images, counting them from a cache kept 30 s. It does
// not handle librbd's errors of the remove: a missing namespace (ENOENT)
// and one with images its cache missed or with trash entries (EBUSY) are
// both a bare 500. After a 500 the namespace list, which is not cached,
// tells them apart: NotFound, or FailedPrecondition while it still exists.
func (s namespacesService) Delete(ctx context.Context, pool, namespace string) error {
	err := reclassify(exec(ctx, s.c, ops.RBDNamespaceDelete, &ops.RBDNamespaceDeleteRequest{PoolName: pool, Namespace: namespace}))
	var re *ResponseError
	if ceph.CodeOf(err) != ceph.Internal || !errors.As(err, &re) || re.StatusCode != http.StatusInternalServerError {
		return err
	}
	list, lerr := s.List(ctx, pool)
	if lerr != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(n rbd.Namespace) bool { return n.Namespace == namespace }) {
		return &ceph.Error{Code: ceph.NotFound, Component: "rbd", Detail: "namespace " + namespace + " does not exist in pool " + pool, Err: native(err)}
	}
	return &ceph.Error{Code: ceph.FailedPrecondition, Component: "rbd",
		Detail: "namespace " + pool + "/" + namespace + " was not removed: librbd refuses one with images or trash entries (the dashboard answered 500)", Err: native(err)}
}
