package transporttest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

var rbdTrashChecks = []check{
	{"MoveRestore", checkTrashMoveRestore},
	{"RestoreNameTaken", checkTrashRestoreNameTaken},
	{"RemoveDeferred", checkTrashRemoveDeferred},
	{"RemoveWithSnapshots", checkTrashRemoveWithSnapshots},
	{"Purge", checkTrashPurge},
	{"Missing", checkTrashMissing},
}

var rbdNamespaceChecks = []check{
	{"Lifecycle", checkNamespaceLifecycle},
	{"WithImages", checkNamespaceWithImages},
	{"TrashedImage", checkNamespaceTrashedImage},
	{"Missing", checkNamespaceMissing},
}

// trashPool is rbdPool for a trash case: it skips when the transport has
// no trash.
func trashPool(ctx context.Context, t testing.TB, e *env) string {
	t.Helper()
	pool := rbdPool(ctx, t, e)
	_, err := e.c.RBD.Trash.List(ctx, pool)
	must(t, err, "Trash.List(%s)", pool)
	return pool
}

// trashImage moves the image spec (made with createImage) to the trash and
// returns its entry (pool, namespace, id), to be removed after the test.
func trashImage(ctx context.Context, t testing.TB, e *env, spec rbd.ImageSpec, delay time.Duration) rbd.ImageSpec {
	t.Helper()
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	entry := rbd.ImageSpec{Pool: spec.Pool, Namespace: spec.Namespace, Name: img.ID}
	err = e.c.RBD.Trash.Move(ctx, spec, delay)
	if err == nil {
		e.cleanup(t, "remove trash entry "+entry.String(), func(ctx context.Context) error {
			return e.c.RBD.Trash.Remove(ctx, entry, true)
		})
	}
	must(t, err, "Trash.Move(%s, %v)", spec, delay)
	return entry
}

// waitTrashed waits until the pool's trash lists the entry with id (want)
// or not, and returns the entry listed. The real dashboard lists the
// trash from a cache refreshed every second.
func waitTrashed(ctx context.Context, t testing.TB, e *env, pool, id string, want bool) rbd.TrashEntry {
	t.Helper()
	var got rbd.TrashEntry
	e.eventually(ctx, t, fmt.Sprintf("trash entry %s/%s listed=%v", pool, id, want), func(ctx context.Context) (bool, string, error) {
		entries, err := e.c.RBD.Trash.List(ctx, pool)
		if err != nil {
			return false, "", err
		}
		i := slices.IndexFunc(entries, func(x rbd.TrashEntry) bool { return x.ID == id })
		if i >= 0 {
			got = entries[i]
		}
		return (i >= 0) == want, fmt.Sprintf("listed=%v among %d entries", i >= 0, len(entries)), nil
	})
	return got
}

// checkTrashMoveRestore: an image moved to the trash leaves the image
// list and is listed in the trash with its name, id and deferment; it is
// restored under a new name (the same image: its id), and, moved again,
// under the name it had.
func checkTrashMoveRestore(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	entry := trashImage(ctx, t, e, spec, time.Hour)

	got := waitTrashed(ctx, t, e, pool, entry.Name, true)
	if got.Name != spec.Name || got.PoolName != pool || got.Namespace != "" || got.Source != "USER" {
		t.Errorf("trash entry %+v: want name %s, pool %s, the default namespace, source USER", got, spec.Name, pool)
	}
	del, err1 := time.Parse(time.RFC3339, got.DeletionTime)
	end, err2 := time.Parse(time.RFC3339, got.DefermentEndTime)
	if err := errors.Join(err1, err2); err != nil {
		t.Errorf("trash entry times %q, %q: %v", got.DeletionTime, got.DefermentEndTime, err)
	} else if d := end.Sub(del); d < time.Hour-time.Second || d > time.Hour+time.Second {
		t.Errorf("deferment %v (%s to %s), want 1h", d, got.DeletionTime, got.DefermentEndTime)
	}
	_, err := e.c.RBD.Images.Get(ctx, spec)
	wantErr(t, err, ceph.ErrNotFound, "Images.Get(an image in the trash)")
	waitImageListed(ctx, t, e, pool, spec.Name, false)

	renamed := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	e.cleanup(t, "delete image "+renamed.String(), func(ctx context.Context) error {
		return e.c.RBD.Images.Delete(ctx, renamed)
	})
	must(t, e.c.RBD.Trash.Restore(ctx, entry, renamed.Name), "Trash.Restore(%s, %s)", entry, renamed.Name)
	img, err := e.c.RBD.Images.Get(ctx, renamed)
	must(t, err, "Images.Get(%s) after the restore", renamed)
	if img.ID != entry.Name || img.Size != 4<<20 {
		t.Errorf("restored image has id %s, size %d; want id %s, size %d", img.ID, img.Size, entry.Name, 4<<20)
	}
	waitTrashed(ctx, t, e, pool, entry.Name, false)
	waitImageListed(ctx, t, e, pool, renamed.Name, true)

	must(t, e.c.RBD.Trash.Move(ctx, renamed, 0), "Trash.Move(%s, 0)", renamed)
	waitTrashed(ctx, t, e, pool, entry.Name, true)
	must(t, e.c.RBD.Trash.Restore(ctx, entry, ""), "Trash.Restore(%s, its old name)", entry)
	if _, err := e.c.RBD.Images.Get(ctx, renamed); err != nil {
		t.Errorf("Images.Get(%s) after the restore under its old name: %v", renamed, err)
	}
	waitTrashed(ctx, t, e, pool, entry.Name, false)
}

// checkTrashRestoreNameTaken: an entry is not restored over an image that
// took its name (librbd: EEXIST); it stays in the trash and comes back
// under another name.
func checkTrashRestoreNameTaken(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	entry := trashImage(ctx, t, e, spec, time.Hour)
	waitTrashed(ctx, t, e, pool, entry.Name, true)

	createImage(ctx, t, e, spec, 8<<20)
	wantErr(t, e.c.RBD.Trash.Restore(ctx, entry, ""), ceph.ErrAlreadyExists, "Trash.Restore(over an image of the same name)")
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	if img.ID == entry.Name || img.Size != 8<<20 {
		t.Errorf("the refused restore replaced the new image %s: id %s, size %d", spec, img.ID, img.Size)
	}
	waitTrashed(ctx, t, e, pool, entry.Name, true)

	other := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	e.cleanup(t, "delete image "+other.String(), func(ctx context.Context) error {
		return e.c.RBD.Images.Delete(ctx, other)
	})
	must(t, e.c.RBD.Trash.Restore(ctx, entry, other.Name), "Trash.Restore(%s, %s)", entry, other.Name)
	if img, err := e.c.RBD.Images.Get(ctx, other); err != nil || img.ID != entry.Name {
		t.Errorf("Images.Get(%s) after the restore: %+v, %v; want id %s", other, img, err, entry.Name)
	}
}

// checkTrashRemoveDeferred: before its deferment end an entry is removed
// only with force (librbd: EPERM), then it is gone.
func checkTrashRemoveDeferred(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	entry := trashImage(ctx, t, e, spec, time.Hour)
	waitTrashed(ctx, t, e, pool, entry.Name, true)

	wantErr(t, e.c.RBD.Trash.Remove(ctx, entry, false), ceph.ErrFailedPrecondition, "Trash.Remove(before the deferment end, no force)")
	waitTrashed(ctx, t, e, pool, entry.Name, true)
	must(t, e.c.RBD.Trash.Remove(ctx, entry, true), "Trash.Remove(%s, force)", entry)
	waitTrashed(ctx, t, e, pool, entry.Name, false)
	wantErr(t, e.c.RBD.Trash.Remove(ctx, entry, true), ceph.ErrNotFound, "Trash.Remove(a removed entry)")
	wantErr(t, e.c.RBD.Trash.Restore(ctx, entry, ""), ceph.ErrNotFound, "Trash.Restore(a removed entry)")
	_, err := e.c.RBD.Images.Get(ctx, spec)
	wantErr(t, err, ceph.ErrNotFound, "Images.Get(a removed entry's image)")
}

// checkTrashRemoveWithSnapshots: an image keeps its snapshots in the
// trash, and librbd does not remove one with snapshots, even with force
// (ENOTEMPTY); restored, the image has them.
func checkTrashRemoveWithSnapshots(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	snap := uniqueName("snap")
	must(t, e.c.RBD.Snapshots.Create(ctx, spec, snap), "Snapshots.Create(%s@%s)", spec, snap)
	e.cleanup(t, "delete snapshot "+spec.String()+"@"+snap, func(ctx context.Context) error {
		return e.c.RBD.Snapshots.Delete(ctx, spec, snap)
	})
	entry := trashImage(ctx, t, e, spec, 0)
	waitTrashed(ctx, t, e, pool, entry.Name, true)

	wantErr(t, e.c.RBD.Trash.Remove(ctx, entry, true), ceph.ErrFailedPrecondition, "Trash.Remove(an image with a snapshot, force)")
	waitTrashed(ctx, t, e, pool, entry.Name, true)
	must(t, e.c.RBD.Trash.Restore(ctx, entry, ""), "Trash.Restore(%s)", entry)
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s) after the restore", spec)
	if !slices.ContainsFunc(img.Snapshots, func(s rbd.Snapshot) bool { return s.Name == snap }) {
		t.Errorf("the restored image lost snapshot %s: %+v", snap, img.Snapshots)
	}
}

// checkTrashPurge: a purge removes the entries whose deferment has ended
// (delay 0) and keeps the others.
func checkTrashPurge(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	expiredSpec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	keptSpec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, expiredSpec, 4<<20)
	createImage(ctx, t, e, keptSpec, 4<<20)
	expired := trashImage(ctx, t, e, expiredSpec, 0)
	kept := trashImage(ctx, t, e, keptSpec, time.Hour)
	waitTrashed(ctx, t, e, pool, expired.Name, true)
	waitTrashed(ctx, t, e, pool, kept.Name, true)

	// The dashboard compares whole seconds: an entry of delay 0 is
	// expired for it within one.
	keptListed := false
	e.eventually(ctx, t, "a purge removes the expired entry "+expired.String(), func(ctx context.Context) (bool, string, error) {
		if err := e.c.RBD.Trash.Purge(ctx, pool); err != nil {
			return false, "", err
		}
		entries, err := e.c.RBD.Trash.List(ctx, pool)
		if err != nil {
			return false, "", err
		}
		has := func(id string) bool {
			return slices.ContainsFunc(entries, func(x rbd.TrashEntry) bool { return x.ID == id })
		}
		keptListed = has(kept.Name)
		return !has(expired.Name), fmt.Sprintf("expired listed, %d entries", len(entries)), nil
	})
	if !keptListed {
		t.Errorf("the purge removed %s, deferred for an hour", kept)
	}
	if _, err := e.c.RBD.Images.Get(ctx, expiredSpec); !errors.Is(err, ceph.ErrNotFound) {
		t.Errorf("Images.Get(%s) after the purge: %v, want NotFound", expiredSpec, err)
	}
}

// checkTrashMissing: unknown entries, images and pools are NotFound.
func checkTrashMissing(ctx context.Context, t testing.TB, e *env) {
	pool := trashPool(ctx, t, e)
	entry := rbd.ImageSpec{Pool: pool, Name: "ctest0000000"}
	wantErr(t, e.c.RBD.Trash.Restore(ctx, entry, ""), ceph.ErrNotFound, "Trash.Restore(missing entry)")
	wantErr(t, e.c.RBD.Trash.Remove(ctx, entry, true), ceph.ErrNotFound, "Trash.Remove(missing entry)")
	wantErr(t, e.c.RBD.Trash.Move(ctx, rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}, 0), ceph.ErrNotFound, "Trash.Move(missing image)")
	missingPool := uniqueName("pool")
	_, err := e.c.RBD.Trash.List(ctx, missingPool)
	wantErr(t, err, ceph.ErrNotFound, "Trash.List(missing pool)")
	wantErr(t, e.c.RBD.Trash.Purge(ctx, missingPool), ceph.ErrNotFound, "Trash.Purge(missing pool)")
}

// namespacePool is rbdPool for a namespace case: it skips when the
// transport has no namespaces.
func namespacePool(ctx context.Context, t testing.TB, e *env) string {
	t.Helper()
	pool := rbdPool(ctx, t, e)
	_, err := e.c.RBD.Namespaces.List(ctx, pool)
	must(t, err, "Namespaces.List(%s)", pool)
	return pool
}

// createNamespace creates a namespace and registers its deletion. A
// refused one (the real dashboard counts a pool's images from a cache
// kept 30 s) is left to the pool's deletion, registered before.
func createNamespace(ctx context.Context, t testing.TB, e *env, pool, ns string) {
	t.Helper()
	must(t, e.c.RBD.Namespaces.Create(ctx, pool, ns), "Namespaces.Create(%s, %s)", pool, ns)
	e.cleanup(t, "delete namespace "+pool+"/"+ns, func(ctx context.Context) error {
		if err := e.c.RBD.Namespaces.Delete(ctx, pool, ns); !errors.Is(err, ceph.ErrFailedPrecondition) {
			return err
		}
		return nil
	})
}

// waitNamespace waits until the pool lists ns with images images
// (-1: until it is not listed).
func waitNamespace(ctx context.Context, t testing.TB, e *env, pool, ns string, images int) {
	t.Helper()
	e.eventually(ctx, t, fmt.Sprintf("namespace %s/%s listed with %d images", pool, ns, images), func(ctx context.Context) (bool, string, error) {
		list, err := e.c.RBD.Namespaces.List(ctx, pool)
		if err != nil {
			return false, "", err
		}
		i := slices.IndexFunc(list, func(n rbd.Namespace) bool { return n.Namespace == ns })
		if i < 0 {
			return images < 0, fmt.Sprintf("not listed among %v", list), nil
		}
		return list[i].NumImages == images, fmt.Sprintf("listed: %+v", list[i]), nil
	})
}

// checkNamespaceLifecycle: a namespace is created (listed, without
// images), not twice, and deleted (then NotFound).
func checkNamespaceLifecycle(ctx context.Context, t testing.TB, e *env) {
	pool := namespacePool(ctx, t, e)
	ns := uniqueName("ns")
	createNamespace(ctx, t, e, pool, ns)
	waitNamespace(ctx, t, e, pool, ns, 0)
	// The dashboard: 400 namespace_already_exists.
	wantErr(t, e.c.RBD.Namespaces.Create(ctx, pool, ns), ceph.ErrAlreadyExists, "Namespaces.Create(duplicate)")
	must(t, e.c.RBD.Namespaces.Delete(ctx, pool, ns), "Namespaces.Delete(%s, %s)", pool, ns)
	waitNamespace(ctx, t, e, pool, ns, -1)
	wantErr(t, e.c.RBD.Namespaces.Delete(ctx, pool, ns), ceph.ErrNotFound, "Namespaces.Delete(a deleted namespace)")
}

// checkNamespaceWithImages: images are made in an existing namespace only;
// one with images is counted and not deleted until they are gone.
func checkNamespaceWithImages(ctx context.Context, t testing.TB, e *env) {
	pool := namespacePool(ctx, t, e)
	ns := uniqueName("ns")
	err := e.c.RBD.Images.Create(ctx, rbd.ImageSpec{Pool: pool, Namespace: ns, Name: uniqueName("img")}, &rbd.CreateOptions{Size: 4 << 20})
	wantErr(t, err, ceph.ErrNotFound, "Images.Create(in a missing namespace)")

	createNamespace(ctx, t, e, pool, ns)
	spec := rbd.ImageSpec{Pool: pool, Namespace: ns, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	if img.Namespace == nil || *img.Namespace != ns {
		t.Errorf("image %s has namespace %v, want %s", spec, img.Namespace, ns)
	}
	waitNamespace(ctx, t, e, pool, ns, 1)
	// The dashboard: 400 namespace_contains_images.
	wantErr(t, e.c.RBD.Namespaces.Delete(ctx, pool, ns), ceph.ErrFailedPrecondition, "Namespaces.Delete(a namespace with an image)")
	waitNamespace(ctx, t, e, pool, ns, 1)

	must(t, e.c.RBD.Images.Delete(ctx, spec), "Images.Delete(%s)", spec)
	// The real dashboard counts the image until its cache expires (30 s).
	e.eventually(ctx, t, "delete the emptied namespace "+ns, func(ctx context.Context) (bool, string, error) {
		err := e.c.RBD.Namespaces.Delete(ctx, pool, ns)
		if errors.Is(err, ceph.ErrFailedPrecondition) {
			return false, err.Error(), nil
		}
		return err == nil, "", err
	})
	waitNamespace(ctx, t, e, pool, ns, -1)
}

// checkNamespaceTrashedImage: an image of a namespace goes to that
// namespace's trash, which keeps the namespace from being deleted, and
// comes back from it (entry "pool/namespace/id").
func checkNamespaceTrashedImage(ctx context.Context, t testing.TB, e *env) {
	pool := namespacePool(ctx, t, e)
	_, err := e.c.RBD.Trash.List(ctx, pool)
	skipIfUnimplemented(t, err)
	ns := uniqueName("ns")
	createNamespace(ctx, t, e, pool, ns)
	spec := rbd.ImageSpec{Pool: pool, Namespace: ns, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	entry := trashImage(ctx, t, e, spec, time.Hour)
	if entry.Namespace != ns {
		t.Fatalf("entry %s is not in namespace %s", entry, ns)
	}
	got := waitTrashed(ctx, t, e, pool, entry.Name, true)
	if got.Namespace != ns || got.Name != spec.Name {
		t.Errorf("trash entry %+v: want namespace %s, name %s", got, ns, spec.Name)
	}
	// librbd: EBUSY, the namespace's trash is not empty.
	wantErr(t, e.c.RBD.Namespaces.Delete(ctx, pool, ns), ceph.ErrFailedPrecondition, "Namespaces.Delete(a namespace whose trash has an entry)")
	wantErr(t, e.c.RBD.Trash.Restore(ctx, rbd.ImageSpec{Pool: pool, Name: entry.Name}, ""), ceph.ErrNotFound, "Trash.Restore(the entry, in the default namespace)")
	must(t, e.c.RBD.Trash.Restore(ctx, entry, ""), "Trash.Restore(%s)", entry)
	if _, err := e.c.RBD.Images.Get(ctx, spec); err != nil {
		t.Errorf("Images.Get(%s) after the restore: %v", spec, err)
	}
	waitTrashed(ctx, t, e, pool, entry.Name, false)
}

// checkNamespaceMissing: namespaces of a missing pool, and a missing
// namespace, are NotFound.
func checkNamespaceMissing(ctx context.Context, t testing.TB, e *env) {
	pool := namespacePool(ctx, t, e)
	wantErr(t, e.c.RBD.Namespaces.Delete(ctx, pool, uniqueName("ns")), ceph.ErrNotFound, "Namespaces.Delete(missing namespace)")
	missingPool := uniqueName("pool")
	_, err := e.c.RBD.Namespaces.List(ctx, missingPool)
	wantErr(t, err, ceph.ErrNotFound, "Namespaces.List(missing pool)")
	wantErr(t, e.c.RBD.Namespaces.Create(ctx, missingPool, uniqueName("ns")), ceph.ErrNotFound, "Namespaces.Create(in a missing pool)")
}
