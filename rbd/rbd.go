package rbd

import (
	"context"
	"strings"

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
	ID          uint64   `json:"id"`
	Name        string   `json:"name"`
	Size        uint64   `json:"size"`
	Timestamp   string   `json:"timestamp"`
	IsProtected bool     `json:"is_protected"`
	Children    []string `json:"children"`
}

// Image is an RBD image as the dashboard returns it.
type Image struct {
	Name            string                  `json:"name"`
	ID              string                  `json:"id"`
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
}

// ImageSpecJSON is an image's parent as the dashboard returns it.
type ImageSpecJSON struct {
	PoolName      string `json:"pool_name"`
	PoolNamespace string `json:"pool_namespace"`
	ImageName     string `json:"image_name"`
	SnapName      string `json:"snap_name"`
}

// ListOptions filter List.
type ListOptions struct {
	// Offset and Limit page the result (Limit 0: all).
	Offset, Limit int
	// Search keeps images whose name contains it.
	Search string
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

// Images manages RBD images.
type Images interface {
	// List returns the images of a pool (every RBD pool when pool is "").
	List(ctx context.Context, pool string, opts *ListOptions) ([]Image, error)
	Get(ctx context.Context, spec ImageSpec) (*Image, error)
	Create(ctx context.Context, spec ImageSpec, opts *CreateOptions) error
	Update(ctx context.Context, spec ImageSpec, opts *UpdateOptions) error
	Delete(ctx context.Context, spec ImageSpec) error
}

// Snapshots manages the snapshots of an image. An image's snapshots are
// listed with it (Image.Snapshots).
type Snapshots interface {
	// Create takes a snapshot of the image named name.
	Create(ctx context.Context, spec ImageSpec, name string) error
	// Delete removes the snapshot.
	Delete(ctx context.Context, spec ImageSpec, name string) error
}
