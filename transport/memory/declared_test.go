package memory

import (
	"testing"

	"github.com/cephapi/cephapi/transport/transporttest"
)

// TestEveryMethodDeclared: every service implements every method of its
// interface; none falls back to the embedded Unimplemented type unseen.
func TestEveryMethodDeclared(t *testing.T) {
	transporttest.Declared(t, ".", []string{"ceph.Commander"},
		// Issue 10 (RBD complete), under way:
		"imagesService.CloneFormat",
		"imagesService.Copy",
		"imagesService.DefaultFeatures",
		"imagesService.Flatten",
		"namespacesService.Create",
		"namespacesService.Delete",
		"namespacesService.List",
		"snapshotsService.Clone",
		"snapshotsService.Protect",
		"snapshotsService.Rename",
		"snapshotsService.Rollback",
		"snapshotsService.Unprotect",
		"trashService.List",
		"trashService.Move",
		"trashService.Purge",
		"trashService.Remove",
		"trashService.Restore",
	)
}
