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
	{"SnapshotRenameRollback", checkSnapshotRenameRollback},
	{"CloneFlatten", checkCloneFlatten},
	{"Copy", checkImageCopy},
	{"Defaults", checkImageDefaults},
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
		got := slices.ContainsFunc(imgs.Images, func(i rbd.Image) bool { return i.Name == name && i.PoolName == pool })
		return got == want, fmt.Sprintf("listed=%v among %d images", got, len(imgs.Images)), nil
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
	if img.UniqueID != pool+"/"+img.ID || img.ImageFormat != 2 {
		t.Errorf("unique_id %q, image_format %d; want %s/%s, 2", img.UniqueID, img.ImageFormat, pool, img.ID)
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

// snapshot takes a snapshot for a test and removes it (unprotecting it
// first) at the end.
func snapshot(ctx context.Context, t testing.TB, e *env, spec rbd.ImageSpec, name string) {
	t.Helper()
	err := e.c.RBD.Snapshots.Create(ctx, spec, name)
	skipIfUnimplemented(t, err)
	must(t, err, "Snapshots.Create(%s@%s)", spec, name)
	e.cleanup(t, "delete snapshot "+spec.String()+"@"+name, func(ctx context.Context) error {
		if err := e.c.RBD.Snapshots.Unprotect(ctx, spec, name); err != nil && ceph.CodeOf(err) != ceph.NotFound {
			return err
		}
		return e.c.RBD.Snapshots.Delete(ctx, spec, name)
	})
}

func snapOf(t testing.TB, img *rbd.Image, name string) *rbd.Snapshot {
	t.Helper()
	for i := range img.Snapshots {
		if img.Snapshots[i].Name == name {
			return &img.Snapshots[i]
		}
	}
	return nil
}

func getImage(ctx context.Context, t testing.TB, e *env, spec rbd.ImageSpec) *rbd.Image {
	t.Helper()
	img, err := e.c.RBD.Images.Get(ctx, spec)
	must(t, err, "Images.Get(%s)", spec)
	return img
}

// checkSnapshotRenameRollback: a snapshot renamed is listed under its new
// name only; renaming onto another is AlreadyExists; rollback sets the
// image back to the snapshot's size.
func checkSnapshotRenameRollback(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	spec := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, spec, 4<<20)
	a, b, c := uniqueName("snap"), uniqueName("snap"), uniqueName("snap")
	snapshot(ctx, t, e, spec, a)
	snapshot(ctx, t, e, spec, c)
	err := e.c.RBD.Snapshots.Rename(ctx, spec, a, b)
	skipIfUnimplemented(t, err)
	must(t, err, "Snapshots.Rename(%s@%s, %s)", spec, a, b)
	e.cleanup(t, "delete snapshot "+b, func(ctx context.Context) error { return e.c.RBD.Snapshots.Delete(ctx, spec, b) })
	img := getImage(ctx, t, e, spec)
	if snapOf(t, img, a) != nil || snapOf(t, img, b) == nil {
		t.Errorf("after the rename: %+v", img.Snapshots)
	}
	wantErr(t, e.c.RBD.Snapshots.Rename(ctx, spec, b, c), ceph.ErrAlreadyExists, "Snapshots.Rename(onto another)")
	wantErr(t, e.c.RBD.Snapshots.Rename(ctx, spec, a, uniqueName("snap")), ceph.ErrNotFound, "Snapshots.Rename(missing)")

	size := uint64(8 << 20)
	must(t, e.c.RBD.Images.Update(ctx, spec, &rbd.UpdateOptions{Size: &size}), "Images.Update(%s, 8 MiB)", spec)
	err = e.c.RBD.Snapshots.Rollback(ctx, spec, b)
	skipIfUnimplemented(t, err)
	must(t, err, "Snapshots.Rollback(%s@%s)", spec, b)
	if img := getImage(ctx, t, e, spec); img.Size != 4<<20 {
		t.Errorf("size after rollback %d, want %d", img.Size, 4<<20)
	}
	wantErr(t, e.c.RBD.Snapshots.Rollback(ctx, spec, a), ceph.ErrNotFound, "Snapshots.Rollback(missing)")
}

// checkCloneFlatten walks protect -> clone -> flatten -> unprotect: a
// protected snapshot cannot be deleted, nor unprotected while it has a
// clone; the clone names its parent until flattened.
func checkCloneFlatten(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	parent := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, parent, 4<<20)
	snap := uniqueName("snap")
	snapshot(ctx, t, e, parent, snap)
	err := e.c.RBD.Snapshots.Protect(ctx, parent, snap)
	skipIfUnimplemented(t, err)
	must(t, err, "Snapshots.Protect(%s@%s)", parent, snap)
	must(t, e.c.RBD.Snapshots.Protect(ctx, parent, snap), "Snapshots.Protect(protected)")
	if s := snapOf(t, getImage(ctx, t, e, parent), snap); s == nil || !s.IsProtected {
		t.Fatalf("snapshot after protect: %+v", s)
	}
	wantErr(t, e.c.RBD.Snapshots.Delete(ctx, parent, snap), ceph.ErrBusy, "Snapshots.Delete(protected)")

	child := rbd.ImageSpec{Pool: pool, Name: uniqueName("clone")}
	err = e.c.RBD.Snapshots.Clone(ctx, parent, snap, child, &rbd.ImageOptions{Features: []string{"layering"}})
	must(t, err, "Snapshots.Clone(%s@%s -> %s)", parent, snap, child)
	e.cleanup(t, "delete clone "+child.String(), func(ctx context.Context) error { return e.c.RBD.Images.Delete(ctx, child) })
	c := getImage(ctx, t, e, child)
	if c.Parent == nil || c.Parent.PoolName != pool || c.Parent.ImageName != parent.Name || c.Parent.SnapName != snap {
		t.Errorf("clone's parent %+v, want %s@%s", c.Parent, parent, snap)
	}
	if c.Size != 4<<20 {
		t.Errorf("clone's size %d", c.Size)
	}
	s := snapOf(t, getImage(ctx, t, e, parent), snap)
	if s == nil || !slices.Contains(s.Children, rbd.SnapshotChild{PoolName: pool, ImageName: child.Name}) {
		t.Errorf("snapshot's children %+v, want %s", s, child)
	}
	wantErr(t, e.c.RBD.Snapshots.Clone(ctx, parent, snap, child, nil), ceph.ErrAlreadyExists, "Snapshots.Clone(onto an image)")
	wantErr(t, e.c.RBD.Snapshots.Unprotect(ctx, parent, snap), ceph.ErrBusy, "Snapshots.Unprotect(with a clone)")

	err = e.c.RBD.Images.Flatten(ctx, child)
	skipIfUnimplemented(t, err)
	must(t, err, "Images.Flatten(%s)", child)
	if c := getImage(ctx, t, e, child); c.Parent != nil {
		t.Errorf("parent after flatten: %+v", c.Parent)
	}
	wantErr(t, e.c.RBD.Images.Flatten(ctx, child), ceph.ErrInvalidArgument, "Images.Flatten(not a clone)")
	must(t, e.c.RBD.Snapshots.Unprotect(ctx, parent, snap), "Snapshots.Unprotect(%s@%s) after flatten", parent, snap)
	must(t, e.c.RBD.Snapshots.Unprotect(ctx, parent, snap), "Snapshots.Unprotect(unprotected)")
	if s := snapOf(t, getImage(ctx, t, e, parent), snap); s == nil || s.IsProtected {
		t.Errorf("snapshot after unprotect: %+v", s)
	}
}

// checkImageCopy: a copy has the source's size and is its own image; a
// copy onto an existing image is AlreadyExists.
func checkImageCopy(ctx context.Context, t testing.TB, e *env) {
	pool := rbdPool(ctx, t, e)
	src := rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}
	createImage(ctx, t, e, src, 4<<20)
	dst := rbd.ImageSpec{Pool: pool, Name: uniqueName("copy")}
	err := e.c.RBD.Images.Copy(ctx, src, dst, nil)
	skipIfUnimplemented(t, err)
	must(t, err, "Images.Copy(%s -> %s)", src, dst)
	e.cleanup(t, "delete copy "+dst.String(), func(ctx context.Context) error { return e.c.RBD.Images.Delete(ctx, dst) })
	c := getImage(ctx, t, e, dst)
	if c.Size != 4<<20 || c.Parent != nil || c.ID == getImage(ctx, t, e, src).ID {
		t.Errorf("copy: size %d, parent %+v, id %s", c.Size, c.Parent, c.ID)
	}
	wantErr(t, e.c.RBD.Images.Copy(ctx, src, dst, nil), ceph.ErrAlreadyExists, "Images.Copy(onto an image)")
	wantErr(t, e.c.RBD.Images.Copy(ctx, rbd.ImageSpec{Pool: pool, Name: uniqueName("img")}, rbd.ImageSpec{Pool: pool, Name: uniqueName("copy")}, nil),
		ceph.ErrNotFound, "Images.Copy(missing source)")
}

// checkImageDefaults: the default features are known names and include
// layering (Ceph's default); the clone format is 1 or 2.
func checkImageDefaults(ctx context.Context, t testing.TB, e *env) {
	fs, err := e.c.RBD.Images.DefaultFeatures(ctx)
	skipIfUnimplemented(t, err)
	must(t, err, "Images.DefaultFeatures")
	if !slices.Contains(fs, "layering") {
		t.Errorf("default features %v lack layering", fs)
	}
	for _, f := range fs {
		if !slices.Contains(rbd.Features, f) {
			t.Errorf("unknown default feature %q", f)
		}
	}
	n, err := e.c.RBD.Images.CloneFormat(ctx)
	must(t, err, "Images.CloneFormat")
	if n != 1 && n != 2 {
		t.Errorf("clone format %d", n)
	}
}
