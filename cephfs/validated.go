package cephfs

import "github.com/cephapi/cephapi/ceph"

//go:generate go run ../internal/svcgen -o services_gen.go FileSystems=cephfs Directories=cephfs

// The argument checks of the operations; the generated Validated* types
// run them before any transport is called.
type directoriesChecks struct{}

func checkPath(p string) error {
	_, err := CleanPath(p)
	return err
}

func checkNotRoot(verb, p string) error {
	c, err := CleanPath(p)
	if err != nil {
		return err
	}
	if c == "/" {
		return ceph.Errorf(ceph.InvalidArgument, "cephfs", "Cannot %s root directory \"/\"", verb)
	}
	return nil
}

func (directoriesChecks) List(_ int, dir string, depth int) error {
	if depth < 0 {
		return ceph.Errorf(ceph.InvalidArgument, "cephfs", "depth must not be negative: %d", depth)
	}
	return checkPath(dir)
}

func (directoriesChecks) Make(_ int, dir string) error   { return checkNotRoot("create", dir) }
func (directoriesChecks) Remove(_ int, dir string) error { return checkNotRoot("remove", dir) }
func (directoriesChecks) Quotas(_ int, dir string) error { return checkPath(dir) }

func (directoriesChecks) SetQuotas(_ int, dir string, _ QuotaUpdate) error { return checkPath(dir) }

func (directoriesChecks) CreateSnapshot(_ int, dir, name string) error {
	if name != "" {
		if err := SnapshotName(name); err != nil {
			return err
		}
	}
	return checkPath(dir)
}

func (directoriesChecks) DeleteSnapshot(_ int, dir, name string) error {
	if err := SnapshotName(name); err != nil {
		return err
	}
	return checkPath(dir)
}
