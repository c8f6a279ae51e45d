package rbd

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
)

// ImageSpec names an image: pool, optional namespace, name. Its string
// form is "pool/name" or "pool/namespace/name", as `rbd` prints it.
type ImageSpec struct {
	Pool      string
	Namespace string
	Name      string
}

func (s ImageSpec) String() string {
	if s.Namespace != "" {
		return s.Pool + "/" + s.Namespace + "/" + s.Name
	}
	return s.Pool + "/" + s.Name
}

// ParseImageSpec parses "pool/name" or "pool/namespace/name".
func ParseImageSpec(s string) (ImageSpec, error) {
	parts := strings.Split(s, "/")
	var spec ImageSpec
	switch len(parts) {
	case 2:
		spec = ImageSpec{Pool: parts[0], Name: parts[1]}
	case 3:
		spec = ImageSpec{Pool: parts[0], Namespace: parts[1], Name: parts[2]}
	default:
		return ImageSpec{}, ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid image spec %q: want pool/name or pool/namespace/name", s)
	}
	return spec, spec.Validate()
}

// Validate checks that the spec names a pool and an image.
func (s ImageSpec) Validate() error {
	if s.Pool == "" || s.Name == "" || strings.ContainsAny(s.Pool+s.Namespace+s.Name, "/@\x00") {
		return ceph.Errorf(ceph.InvalidArgument, "rbd", "invalid image spec %q", s.String())
	}
	return nil
}

// Snapshot is an image snapshot.
type Snapshot struct {
	ID          uint64          `json:"id"`
	Name        string          `json:"name"`
	Size        uint64          `json:"size"`
	Timestamp   string          `json:"timestamp"`
	IsProtected bool            `json:"is_protected"`
	UsedBytes   *uint64         `json:"used_bytes"`
	Children    []SnapshotChild `json:"children"`
	// Namespace is librbd's snapshot namespace type: 0 user, 1 group,
	// 2 trash, 3 mirror.
	Namespace int `json:"namespace"`
	// MirrorMode is the image's mirroring mode (journal when mirroring
	// is off), as the dashboard repeats it on each snapshot.
	MirrorMode ImageMirrorMode `json:"mirror_mode"`
	// DiskUsage is the bytes the snapshot holds beyond the one before
	// it, known with the fast-diff feature (nil otherwise).
	DiskUsage *uint64 `json:"disk_usage,omitempty"`
	// Mirror describes a mirroring snapshot (namespace 3).
	Mirror *SnapshotMirror `json:"mirror,omitempty"`
}

// SnapshotMirror is the mirroring state of a mirror snapshot.
type SnapshotMirror struct {
	State                  int      `json:"state"`
	MirrorPeerUUIDs        []string `json:"mirror_peer_uuids"`
	Complete               bool     `json:"complete"`
	PrimaryMirrorUUID      string   `json:"primary_mirror_uuid"`
	PrimarySnapID          uint64   `json:"primary_snap_id"`
	LastCopiedObjectNumber uint64   `json:"last_copied_object_number"`
}

// SnapshotChild is a clone of a snapshot, as the dashboard lists it.
type SnapshotChild struct {
	PoolName  string `json:"pool_name"`
	ImageName string `json:"image_name"`
}

// Image is an RBD image as the dashboard returns it.
type Image struct {
	Name            string                  `json:"name"`
	ID              string                  `json:"id"`
	UniqueID        string                  `json:"unique_id"`
	ImageFormat     int                     `json:"image_format"`
	PoolName        string                  `json:"pool_name"`
	Namespace       *string                 `json:"namespace"`
	DataPool        *string                 `json:"data_pool"`
	Size            uint64                  `json:"size"`
	ObjSize         uint64                  `json:"obj_size"`
	NumObjs         uint64                  `json:"num_objs"`
	Order           int                     `json:"order"`
	BlockNamePrefix string                  `json:"block_name_prefix"`
	Features        uint64                  `json:"features"`
	FeaturesName    []string                `json:"features_name"`
	StripeUnit      uint64                  `json:"stripe_unit"`
	StripeCount     uint64                  `json:"stripe_count"`
	Timestamp       string                  `json:"timestamp"`
	Parent          *ImageSpecJSON          `json:"parent"`
	Snapshots       []Snapshot              `json:"snapshots"`
	DiskUsage       uint64                  `json:"disk_usage"`
	TotalDiskUsage  uint64                  `json:"total_disk_usage"`
	Configuration   []ceph.PoolConfigOption `json:"configuration"`
	// MirrorMode is the image's mirroring mode; journal when mirroring
	// is not enabled on it (librbd's answer).
	MirrorMode ImageMirrorMode `json:"mirror_mode"`
	// ScheduleInfo is the image's mirror snapshot schedule, for images
	// mirrored by snapshot that have one.
	ScheduleInfo map[string]any `json:"schedule_info,omitempty"`
}

// UniqueSpec is an image's unique id as the dashboard forms it:
// pool/[namespace/]id.
func UniqueSpec(pool, namespace, id string) string {
	return ImageSpec{Pool: pool, Namespace: namespace, Name: id}.String()
}

// ImageSpecJSON is an image's parent as the dashboard returns it.
type ImageSpecJSON struct {
	PoolName      string `json:"pool_name"`
	PoolNamespace string `json:"pool_namespace"`
	ImageName     string `json:"image_name"`
	SnapName      string `json:"snap_name"`
}

// ListOptions filter, sort and page List, as the dashboard's v2.0 image
// list does.
type ListOptions struct {
	// Offset and Limit page the result (Limit 0: all).
	Offset, Limit int
	// Search keeps images whose name, pool or namespace contains it.
	Search string
	// Sort is "name", "pool_name" or "namespace", "+" (the default) or "-"
	// first for the order; "" or anything else sorts by name.
	Sort string
}

// ImageList is a page of images and the number of images that matched.
type ImageList struct {
	Images []Image
	Total  int
}

// CreateOptions describe a new image. Size is required.
type CreateOptions struct {
	Size          uint64
	ObjSize       uint64 // default 4 MiB
	Features      []string
	StripeUnit    uint64
	StripeCount   uint64
	DataPool      string
	Configuration map[string]string
}

// UpdateOptions change an image. Nil fields are left alone.
type UpdateOptions struct {
	NewName       *string
	Size          *uint64
	Features      *[]string
	Configuration map[string]string
}

// ImageOptions are the layout and configuration of an image made from
// another (a copy or a clone); zero fields take librbd's defaults (for a
// copy, the source's).
type ImageOptions struct {
	ObjSize       uint64
	Features      []string
	StripeUnit    uint64
	StripeCount   uint64
	DataPool      string
	Configuration map[string]string
}

// CopyOptions describe a copy of an image.
type CopyOptions struct {
	ImageOptions
	// Snapshot copies the image as it was at this snapshot.
	Snapshot string
}

// Images manages RBD images.
type Images interface {
	// List returns the images of a pool (every RBD pool when pool is ""),
	// sorted and paged by opts; only the page's images are read in full.
	List(ctx context.Context, pool string, opts *ListOptions) (*ImageList, error)
	Get(ctx context.Context, spec ImageSpec) (*Image, error)
	Create(ctx context.Context, spec ImageSpec, opts *CreateOptions) error
	Update(ctx context.Context, spec ImageSpec, opts *UpdateOptions) error
	// Delete removes an image; one with snapshots is FailedPrecondition
	// (as librbd's ENOTEMPTY), and so is a clone parent in use.
	Delete(ctx context.Context, spec ImageSpec) error
	// Copy copies src (at opts.Snapshot, if given) to a new image dst.
	Copy(ctx context.Context, src, dst ImageSpec, opts *CopyOptions) error
	// Flatten copies a clone's data from its parent and detaches it; an
	// image that is not a clone is InvalidArgument.
	Flatten(ctx context.Context, spec ImageSpec) error
	// DefaultFeatures are the features a new image gets when none are
	// given (rbd_default_features), by name.
	DefaultFeatures(ctx context.Context) ([]string, error)
	// CloneFormat is the clone format new clones get (1 or 2), as the
	// dashboard works it out from rbd_default_clone_format and the
	// clients the cluster requires.
	CloneFormat(ctx context.Context) (int, error)
}

// Snapshots manages the snapshots of an image. An image's snapshots are
// listed with it (Image.Snapshots).
type Snapshots interface {
	// Create takes a snapshot of the image named name.
	Create(ctx context.Context, spec ImageSpec, name string) error
	// Delete removes the snapshot; a protected one is Busy (librbd's
	// EBUSY), and so is one with clones.
	Delete(ctx context.Context, spec ImageSpec, name string) error
	// Rename renames the snapshot.
	Rename(ctx context.Context, spec ImageSpec, name, newName string) error
	// Protect protects the snapshot, so that it can be cloned and cannot
	// be deleted; a protected one stays so.
	Protect(ctx context.Context, spec ImageSpec, name string) error
	// Unprotect unprotects it; one with clones is Busy.
	Unprotect(ctx context.Context, spec ImageSpec, name string) error
	// Rollback sets the image's data back to the snapshot.
	Rollback(ctx context.Context, spec ImageSpec, name string) error
	// Clone makes child, a copy-on-write clone of the snapshot, in any pool
	// and namespace. The parent needs the layering feature, and with clone
	// format 1 (see Images.CloneFormat) a protected snapshot: else
	// InvalidArgument.
	Clone(ctx context.Context, parent ImageSpec, snap string, child ImageSpec, opts *ImageOptions) error
}

// TrashEntry is an image in the trash, as the dashboard lists it.
type TrashEntry struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Source           string `json:"source"`
	DeletionTime     string `json:"deletion_time"`
	DefermentEndTime string `json:"deferment_end_time"`
	PoolName         string `json:"pool_name"`
	Namespace        string `json:"namespace"`
}

// Trash manages the images moved to the trash. Trash entries are named by
// an ImageSpec whose Name is the image's id ("pool/id", "pool/ns/id").
type Trash interface {
	// List returns the trash of a pool (every RBD pool when pool is "").
	List(ctx context.Context, pool string) ([]TrashEntry, error)
	// Move moves an image to the trash; it may be removed once delay has
	// passed (librbd's deferment).
	Move(ctx context.Context, spec ImageSpec, delay time.Duration) error
	// Restore brings the entry back as newName ("": its old name).
	Restore(ctx context.Context, entry ImageSpec, newName string) error
	// Remove deletes the entry; before its deferment end it is
	// FailedPrecondition unless force.
	Remove(ctx context.Context, entry ImageSpec, force bool) error
	// Purge removes the entries of a pool (every RBD pool when "") whose
	// deferment has ended.
	Purge(ctx context.Context, pool string) error
}

// Namespace is an RBD namespace of a pool, with the number of its images.
type Namespace struct {
	Namespace string `json:"namespace"`
	NumImages int    `json:"num_images"`
}

// Namespaces manages the RBD namespaces of a pool.
type Namespaces interface {
	List(ctx context.Context, pool string) ([]Namespace, error)
	// Create adds a namespace; an existing one is AlreadyExists.
	Create(ctx context.Context, pool, namespace string) error
	// Delete removes an empty namespace; one with images is
	// FailedPrecondition.
	Delete(ctx context.Context, pool, namespace string) error
}

// Page filters, sorts and pages image specs by opts, as the dashboard's
// image list does: the search matches name, pool or namespace; the sort is
// stable; Limit 0 keeps all from Offset. It returns the page and the
// number of specs that matched. Transports list names (cheap), page them
// here and read only the page's images.
func (o *ListOptions) Page(specs []ImageSpec) ([]ImageSpec, int) {
	var opts ListOptions
	if o != nil {
		opts = *o
	}
	kept := make([]ImageSpec, 0, len(specs))
	for _, s := range specs {
		if strings.Contains(s.Name, opts.Search) || strings.Contains(s.Pool, opts.Search) || strings.Contains(s.Namespace, opts.Search) {
			kept = append(kept, s)
		}
	}
	by, desc := ceph.SortOrder(opts.Sort)
	key := func(s ImageSpec) string {
		switch by {
		case "pool_name":
			return s.Pool
		case "namespace":
			return s.Namespace
		}
		return s.Name
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if desc {
			return key(kept[i]) > key(kept[j])
		}
		return key(kept[i]) < key(kept[j])
	})
	total := len(kept)
	start, end := ceph.PageBounds(total, opts.Offset, opts.Limit)
	return kept[start:end], total
}
