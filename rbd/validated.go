package rbd

import (
	"strconv"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

//go:generate go run ../internal/svcgen -o services_gen.go Images=rbd Snapshots=rbd Trash=rbd Namespaces=rbd Mirroring=rbd MirrorPeers=rbd

// The argument checks of the Images operations beyond their argument
// types' Validate methods (ImageSpec, CreateOptions, ...). The generated
// ValidatedImages runs them before any transport is called.
type imagesChecks struct{}

func (imagesChecks) List(pool string, _ *ListOptions) error {
	if pool == "" {
		return nil // every RBD pool
	}
	return ceph.ValidateName("rbd", "pool", pool)
}

func (imagesChecks) Update(spec ImageSpec, opts *UpdateOptions) error {
	if opts == nil || opts.NewName == nil {
		return nil
	}
	return ImageSpec{Pool: spec.Pool, Namespace: spec.Namespace, Name: *opts.NewName}.Validate()
}

type snapshotsChecks struct{}

// ValidateSnapName checks a snapshot name: not empty, no '/' or '@'.
func ValidateSnapName(name string) error {
	if name == "" || strings.ContainsAny(name, "/@\x00") {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid snapshot name %q", name)
	}
	return nil
}

func (snapshotsChecks) Create(_ ImageSpec, name string) error    { return ValidateSnapName(name) }
func (snapshotsChecks) Delete(_ ImageSpec, name string) error    { return ValidateSnapName(name) }
func (snapshotsChecks) Protect(_ ImageSpec, name string) error   { return ValidateSnapName(name) }
func (snapshotsChecks) Unprotect(_ ImageSpec, name string) error { return ValidateSnapName(name) }
func (snapshotsChecks) Rollback(_ ImageSpec, name string) error  { return ValidateSnapName(name) }

func (snapshotsChecks) Rename(_ ImageSpec, name, newName string) error {
	if err := ValidateSnapName(name); err != nil {
		return err
	}
	return ValidateSnapName(newName)
}

func (snapshotsChecks) Clone(_ ImageSpec, snap string, _ ImageSpec, _ *ImageOptions) error {
	return ValidateSnapName(snap)
}

type (
	trashChecks      struct{}
	namespacesChecks struct{}
)

func optionalPool(pool string) error {
	if pool == "" {
		return nil
	}
	return ceph.ValidateName("rbd", "pool", pool)
}

func (trashChecks) List(pool string) error  { return optionalPool(pool) }
func (trashChecks) Purge(pool string) error { return optionalPool(pool) }

func (trashChecks) Move(_ ImageSpec, delay time.Duration) error {
	if delay < 0 {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "the trash delay must not be negative")
	}
	return nil
}

func (trashChecks) Restore(entry ImageSpec, newName string) error {
	if newName == "" {
		return nil
	}
	return ImageSpec{Pool: entry.Pool, Namespace: entry.Namespace, Name: newName}.Validate()
}

// ValidateNamespace checks a namespace name: not empty, no '/' or '@'.
func ValidateNamespace(ns string) error {
	if ns == "" || strings.ContainsAny(ns, "/@\x00") {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid namespace %q", ns)
	}
	return nil
}

func (namespacesChecks) List(pool string) error { return ceph.ValidateName("rbd", "pool", pool) }

func (namespacesChecks) Create(pool, ns string) error {
	if err := ceph.ValidateName("rbd", "pool", pool); err != nil {
		return err
	}
	return ValidateNamespace(ns)
}

func (namespacesChecks) Delete(pool, ns string) error {
	if err := ceph.ValidateName("rbd", "pool", pool); err != nil {
		return err
	}
	return ValidateNamespace(ns)
}

// Validate checks the paging options.
func (o *ListOptions) Validate() error {
	if o != nil && (o.Offset < 0 || o.Limit < 0) {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "offset and limit must not be negative")
	}
	return nil
}

// MaxObjSize is the largest RBD object size (32 MiB); the smallest is 4 KiB.
const (
	MinObjSize = 4 << 10
	MaxObjSize = 32 << 20
)

// Validate checks the layout of an image made from another.
func (o *ImageOptions) Validate() error {
	if o == nil {
		return nil
	}
	if s := o.ObjSize; s != 0 && (s < MinObjSize || s > MaxObjSize || s&(s-1) != 0) {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "object size must be a power of two between 4 KiB and 32 MiB, got %d", s)
	}
	return validateFeatures(o.Features)
}

// Validate checks a copy's options.
func (o *CopyOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.Snapshot != "" {
		if err := ValidateSnapName(o.Snapshot); err != nil {
			return err
		}
	}
	return o.ImageOptions.Validate()
}

// Validate checks a new image's options: the size is required.
func (o *CreateOptions) Validate() error {
	if o == nil || o.Size == 0 {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "image size is required and must be positive")
	}
	return (&ImageOptions{ObjSize: o.ObjSize, Features: o.Features}).Validate()
}

// Validate checks an image's changes.
func (o *UpdateOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.Size != nil && *o.Size == 0 {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "image size must be positive")
	}
	if o.Features != nil {
		return validateFeatures(*o.Features)
	}
	return nil
}

// Features are the image feature names RBD knows.
var Features = []string{"layering", "striping", "exclusive-lock", "object-map", "fast-diff", "deep-flatten", "journaling", "data-pool", "operations", "migrating", "non-primary"}

func validateFeatures(fs []string) error {
	for _, f := range fs {
		ok := false
		for _, k := range Features {
			if f == k {
				ok = true
				break
			}
		}
		if !ok {
			return ceph.Errorf(ceph.InvalidArgument, "rbd", "unknown image feature %q", f)
		}
	}
	return nil
}

type (
	mirroringChecks   struct{}
	mirrorpeersChecks struct{}
)

func poolName(pool string) error { return ceph.ValidateName("rbd", "pool", pool) }

// ValidateSiteName checks a mirroring site name: not empty, printable.
func ValidateSiteName(name string) error {
	if name == "" || strings.ContainsAny(name, "\x00\n") {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid site name %q", name)
	}
	return nil
}

func (mirroringChecks) SetSiteName(name string) error { return ValidateSiteName(name) }
func (mirroringChecks) PoolMode(pool string) error    { return poolName(pool) }

func (mirroringChecks) SetPoolMode(pool string, mode MirrorMode) error {
	if err := poolName(pool); err != nil {
		return err
	}
	switch mode {
	case MirrorDisabled, MirrorPerImage, MirrorPool:
		return nil
	}
	return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid mirror mode %q", string(mode))
}

func (mirroringChecks) CreateBootstrapToken(pool string) error { return poolName(pool) }

func (mirroringChecks) ImportBootstrapToken(pool string, direction PeerDirection, token string) error {
	if err := poolName(pool); err != nil {
		return err
	}
	if direction != PeerRx && direction != PeerRxTx {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid direction %q", string(direction))
	}
	if token == "" {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "the bootstrap token is empty")
	}
	return nil
}

// Validate checks an image mirroring mode: journal or snapshot.
func (m ImageMirrorMode) Validate() error {
	if m != MirrorJournal && m != MirrorSnapshot {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid mirror_mode %q: want journal or snapshot", string(m))
	}
	return nil
}

func peerUUID(uuid string) error {
	if uuid == "" || strings.ContainsAny(uuid, "/\x00") {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid peer uuid %q", uuid)
	}
	return nil
}

func (mirrorpeersChecks) List(pool string) error { return poolName(pool) }

func (mirrorpeersChecks) Get(pool, uuid string) error {
	if err := poolName(pool); err != nil {
		return err
	}
	return peerUUID(uuid)
}

func (mirrorpeersChecks) Add(pool string, opts *PeerOptions) error {
	if err := poolName(pool); err != nil {
		return err
	}
	if opts.SiteName == "" || opts.ClientID == "" {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "a peer needs a cluster (site) name and a client id")
	}
	return nil
}

func (mirrorpeersChecks) Update(pool, uuid string, _ *PeerOptions) error {
	return mirrorpeersChecks{}.Get(pool, uuid)
}

func (mirrorpeersChecks) Delete(pool, uuid string) error { return mirrorpeersChecks{}.Get(pool, uuid) }

// ValidateScheduleInterval checks a mirror snapshot schedule interval:
// a positive number and a unit m, h or d, as the dashboard's
// RBDSchedulerInterval.
func ValidateScheduleInterval(interval string) error {
	n := len(interval)
	if n >= 2 && strings.ContainsRune("mhd", rune(interval[n-1])) {
		if v, err := strconv.Atoi(interval[:n-1]); err == nil && v > 0 {
			return nil
		}
	}
	return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid schedule interval %q: want a number of minutes, hours or days such as 30m, 1h or 2d", interval)
}

func (mirroringChecks) AddSnapshotSchedule(_ ImageSpec, interval string) error {
	return ValidateScheduleInterval(interval)
}
