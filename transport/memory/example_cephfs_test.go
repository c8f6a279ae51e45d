package memory_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/cephfs"
	"github.com/cephapi/cephapi/transport/memory"
)

// A file system's directories get quotas and snapshots; a directory that
// holds a snapshot is not removed.
func Example_cephFS() {
	ctx := context.Background()
	c := memory.New(memory.WithFileSystem("cephfs"))
	defer c.Close()

	fss, err := c.CephFS.FileSystems.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fs := fss[0]
	fmt.Println(fs.ID, fs.MDSMap.FSName)

	dirs := c.CephFS.Directories
	if err := dirs.Make(ctx, fs.ID, "/projects/alpha"); err != nil {
		log.Fatal(err)
	}
	limit := uint64(10 << 30)
	if err := dirs.SetQuotas(ctx, fs.ID, "/projects", cephfs.QuotaUpdate{MaxBytes: &limit}); err != nil {
		log.Fatal(err)
	}
	if _, err := dirs.CreateSnapshot(ctx, fs.ID, "/projects/alpha", "before-cleanup"); err != nil {
		log.Fatal(err)
	}

	list, err := dirs.List(ctx, fs.ID, "/", 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range list {
		fmt.Printf("%-16s max_bytes=%d snapshots=%d\n", d.Path, d.Quotas.MaxBytes, len(d.Snapshots))
	}

	err = dirs.Remove(ctx, fs.ID, "/projects/alpha")
	fmt.Println(errors.Is(err, ceph.ErrFailedPrecondition))
	// Output:
	// 1 cephfs
	// /projects        max_bytes=10737418240 snapshots=0
	// /projects/alpha  max_bytes=0 snapshots=1
	// true
}
