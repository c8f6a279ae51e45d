package transporttest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rbd"
)

var rbdChecks = []check{
	{"Lifecycle", checkImageLifecycle},
	{"GetMissing", checkImageGetMissing},
	{"CreateDuplicate", checkImageCreateDuplicate},
	{"Snapshots", checkSnapshots},
}

// rbdPool probes the Images service (skipping when it is unimplemented) and
// creates a small pool with the rbd application for the test.
func rbdPool(ctx context.Context, t testing.TB, e *env) string {
	t.Helper()
	_, err := e.c.RBD.Images.List(ctx, "", nil)
	skipIfUnimplemented(t, err)
	name := uniqueName("rbd")
	e.createPool(ctx, t, name, poolCreateOptions("rbd"))
	return name
}

func createImage(ctx context.Context, t testing.TB, e *env, spec rbd.ImageSpec, size uint64) {
	t.Helper()
	err := e.c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: size, Features: []string{"layering"}})
	must(t, err, "Images.Create(%s)", spec)
	e.cleanup(t, "delete image "+spec.String(), func(ctx context.Context) error {
		return e.c.RBD.Images.Delete(ctx, spec)
	})
}

func waitImageListed(ctx context.Context, t testing.TB, e *env, pool, name string, want bool) {
	t.Helper()
	// The real dashboard caches a pool's image names for up to 30 s.
	e.eventually(ctx, t, fmt.Sprintf("image %s/%s listed=%v", pool, name, want), func(ctx context.Context) (bool, string, error) {
		imgs, err := e.c.RBD.Images.List(ctx, pool, nil)
		if err != nil {
			return false, "", err
		}
		got := slices.ContainsFunc(imgs, func(i rbd.Image) bool { return i.Name == name && i.PoolName == pool })
		return got == want, fmt.Sprintf("listed=%v among %d images", got, len(imgs)), nil
	})
}

func checkImageLifecycle(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)

	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	if img.Name != spec.Name || img.PoolName != pool {
		t.Errorf("image is %s/%s, want %s", img.PoolName, img.Name, spec)
	}
	if img.Size != 4<<20 {
		t.Errorf("size %d, want %d", img.Size, 4<<20)
	}
	if img.ID == "" {
		t.Error("the image has no id")
	}
	waitImageListed(ctx, t, e, pool, spec.Name, true)

	size := uint64(8 << 20)
	must(t, e.c.RBD.Images.Update(ctx, spec, &rbd.UpdateOptions{Size: &size}), "Images.Update(%s, size 8 MiB)", spec)
	img, err = e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s) after resize", spec)
	if img.Size != size {
		t.Errorf("size after resize %d, want %d", img.Size, size)
	}

	newName := uniqueName("img")
	renamed := rbd.ImageSpec{Pool: pool, Name: newName}
	e.cleanup(t, "delete image "+renamed.String(), func(ctx context.Context) error {
		return e.c.RBD.Images.Delete(ctx, renamed)
	})
	must(t, e.c.RBD.Images.Update(ctx, spec, &rbd.UpdateOptions{NewName: &newName}), "Images.Update(%s, rename)", spec)
	if _, err := e.c.RBD.Images.Get(ctx, renamed); err != nil {
		t.Errorf("Images.Get(%s) after rename: %v", renamed, err)
	}
	_, err = e.c.RBD.Images.Get(ctx, spec)
	wantErr(t, err, ceph.ErrNotFound, "Images.Get(old name)")

	must(t, e.c.RBD.Images.Delete(ctx, renamed), "Images.Delete(%s)", renamed)
	_, err = e.c.RBD.Images.Get(ctx, renamed)
	wantErr(t, err, ceph.ErrNotFound, "Images.Get after delete")
	waitImageListed(ctx, t, e, pool, newName, false)
}

func checkImageGetMissing(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	_, err := e.c.RBD.Images.Get(ctx, rbd.ImageSpec{Pool: pool, Name: uniqueName("img")})
	wantErr(t, err, ceph.ErrNotFound, "Images.Get(missing image)")
	err = e.c.RBD.Images.Delete(ctx, rbd.ImageSpec{Pool: pool, Name: uniqueName("img")})
	wantErr(t, err, ceph.ErrNotFound, "Images.Delete(missing image)")
	_, err = e.c.RBD.Images.Get(ctx, rbd.ImageSpec{Pool: uniqueName("pool"), Name: "img"})
	wantErr(t, err, ceph.ErrNotFound, "Images.Get(image in a missing pool)")
}

func checkImageCreateDuplicate(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	// Real librbd: EEXIST.
	err := e.c.RBD.Images.Create(ctx, spec, &rbd.CreateOptions{Size: 8 << 20})
	wantErr(t, err, ceph.ErrAlreadyExists, "Images.Create(duplicate)")
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	if img.Size != 4<<20 {
		t.Errorf("the refused create changed the size to %d", img.Size)
	}
}

// checkSnapshots: a snapshot is listed with its image at the image's size,
// a second one of the same name is refused, an image with snapshots is
// not removed, and deleting the snapshot removes it (a missing one is
// NotFound).
func checkSnapshots(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	snap := uniqueName("snap")
	err := e.c.RBD.Snapshots.Create(ctx, spec, snap)
	skipIfUnimplemented(t, err)
	must(t, err, "Snapshots.Create(%s@%s)", spec, snap)
	e.cleanup(t, "delete snapshot "+spec.String()+"@"+snap, func(ctx context.Context) error {
		err := e.c.RBD.Snapshots.Delete(ctx, spec, snap)
		if ceph.CodeOf(err) == ceph.NotFound {
			return nil
		}
		return err
	})
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	i := slices.IndexFunc(img.Snapshots, func(s rbd.Snapshot) bool { return s.Name == snap })
	if i < 0 {
		t.Fatalf("snapshot %s not listed: %+v", snap, img.Snapshots)
	}
	if s := img.Snapshots[i]; s.Size != 4<<20 || s.ID == 0 || s.IsProtected {
		t.Errorf("snapshot %+v: want size %d, an id, not protected", s, 4<<20)
	}
	wantErr(t, e.c.RBD.Snapshots.Create(ctx, spec, snap), ceph.ErrAlreadyExists, "Snapshots.Create(duplicate)")
	wantErr(t, e.c.RBD.Images.Delete(ctx, spec), ceph.ErrFailedPrecondition, "Images.Delete(an image with a snapshot)")
	if _, err := e.c.RBD.Images.Get(ctx, spec); err != nil {
		t.Errorf("the refused delete removed the image: %v", err)
	}

	must(t, e.c.RBD.Snapshots.Delete(ctx, spec, snap), "Snapshots.Delete(%s@%s)", spec, snap)
	img, err = e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s) after the snapshot's delete", spec)
	if slices.ContainsFunc(img.Snapshots, func(s rbd.Snapshot) bool { return s.Name == snap }) {
		t.Errorf("snapshot %s still listed after its delete", snap)
	}
	wantErr(t, e.c.RBD.Snapshots.Delete(ctx, spec, snap), ceph.ErrNotFound, "Snapshots.Delete(missing)")
	wantErr(t, e.c.RBD.Snapshots.Create(ctx, rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}, snap), ceph.ErrNotFound, "Snapshots.Create(missing image)")
	wantErr(t, e.c.RBD.Snapshots.Create(ctx, spec, "a@b"), ceph.ErrInvalidArgument, "Snapshots.Create(bad name)")
}
