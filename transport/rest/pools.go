package rest

import (
	"context"
	"net/url"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

var _ ceph.Pools = poolsService{}

type poolsService struct{ c *client }

func statsQuery(stats bool) url.Values {
	if !stats {
		return nil
	}
	return url.Values{"stats": {"true"}}
}

func (s poolsService) List(ctx context.Context, opts *ceph.PoolListOptions) ([]ceph.Pool, error) {
	l, err := get[[]ceph.Pool](ctx, s.c, epPoolList, nil, statsQuery(opts != nil && opts.Stats))
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s poolsService) Get(ctx context.Context, name string, opts *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return get[ceph.Pool](ctx, s.c, epPoolGet, []string{name}, statsQuery(opts != nil && opts.Stats))
}

// poolBody is the body of POST and PUT /api/pool with the dashboard's field
// names. Field order matters to the real dashboard, which applies the
// extra keys in the order given (size before min_size; the rename, "pool"
// in a PUT, last of all whatever the order).
type poolBody struct {
	Pool                     *string        `json:"pool,omitempty"`
	PGNum                    *int           `json:"pg_num,omitempty"`
	PoolType                 string         `json:"pool_type,omitempty"`
	ErasureCodeProfile       string         `json:"erasure_code_profile,omitempty"`
	RuleName                 *string        `json:"rule_name,omitempty"`
	Flags                    []string       `json:"flags,omitempty"`
	ApplicationMetadata      *[]string      `json:"application_metadata,omitempty"`
	Configuration            map[string]any `json:"configuration,omitempty"`
	Size                     *int           `json:"size,omitempty"`
	MinSize                  *int           `json:"min_size,omitempty"`
	PGAutoscaleMode          *string        `json:"pg_autoscale_mode,omitempty"`
	CompressionMode          string         `json:"compression_mode,omitempty"`
	CompressionAlgorithm     string         `json:"compression_algorithm,omitempty"`
	CompressionMinBlobSize   int64          `json:"compression_min_blob_size,omitempty"`
	CompressionMaxBlobSize   int64          `json:"compression_max_blob_size,omitempty"`
	CompressionRequiredRatio float64        `json:"compression_required_ratio,omitempty"`
	QuotaMaxBytes            *int64         `json:"quota_max_bytes,omitempty"`
	QuotaMaxObjects          *int64         `json:"quota_max_objects,omitempty"`
}

func (b *poolBody) setCompression(cp *ceph.Compression) {
	if cp == nil {
		return
	}
	b.CompressionMode, b.CompressionAlgorithm = cp.Mode, cp.Algorithm
	b.CompressionMinBlobSize, b.CompressionMaxBlobSize = cp.MinBlobSize, cp.MaxBlobSize
	b.CompressionRequiredRatio = cp.RequiredRatio
}

func configAny(m map[string]string) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// exists reports whether the pool exists: the dashboard answers success
// to creating an existing pool (and then changes its applications) and to
// deleting a missing one, while the library's contract is AlreadyExists and
// NotFound, so writes look the pool up first, as the rados transport does.
//
// It lists the pool names (GET /api/pool?attrs=pool_name) rather than
// getting the pool: the dashboard's GET /api/pool/{name} also reads the
// pool's RBD configuration through librbd, which blocks for 30 s and fails
// with 500 on a pool whose PGs are not active (an erasure-coded pool on
// too few OSDs), exactly the pools a caller may want to delete.
func (s poolsService) exists(ctx context.Context, name string) (bool, error) {
	var pools []struct {
		PoolName string `json:"pool_name"`
	}
	if _, err := s.c.call(ctx, epPoolList, nil, url.Values{"attrs": {"pool_name"}}, nil, &pools); err != nil {
		return false, err
	}
	for _, p := range pools {
		if p.PoolName == name {
			return true, nil
		}
	}
	return false, nil
}

func (s poolsService) Create(ctx context.Context, name string, opts *ceph.PoolCreateOptions) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if ok {
		return ceph.Errorf(ceph.AlreadyExists, "pool", "pool '%s' already exists", name)
	}
	typ := opts.Type
	if typ == "" {
		typ = ceph.Replicated
	}
	b := &poolBody{
		Pool: &name, PGNum: &opts.PGNum, PoolType: string(typ),
		ErasureCodeProfile: opts.ErasureCodeProfile, RuleName: nonZero(opts.CrushRule),
		Flags: opts.Flags, Configuration: configAny(opts.Configuration),
		Size: nonZero(opts.Size), MinSize: nonZero(opts.MinSize),
		PGAutoscaleMode: nonZero(opts.PGAutoscaleMode),
		QuotaMaxBytes:   nonZero(opts.QuotaMaxBytes), QuotaMaxObjects: nonZero(opts.QuotaMaxObjects),
	}
	if typ == ceph.Erasure {
		b.Size, b.MinSize = nil, nil
		if b.ErasureCodeProfile == "" {
			b.ErasureCodeProfile = "default"
		}
	}
	if len(opts.Applications) > 0 {
		apps := opts.Applications
		b.ApplicationMetadata = &apps
	}
	b.setCompression(opts.Compression)
	return exec(ctx, s.c, epPoolCreate, nil, nil, b)
}

func (s poolsService) Update(ctx context.Context, name string, opts *ceph.PoolUpdateOptions) error {
	if opts == nil {
		opts = &ceph.PoolUpdateOptions{}
	}
	if opts.NewName != nil && *opts.NewName == name {
		// Renaming a pool to its own name is EEXIST in Ceph; a server may
		// take it for "no rename".
		if ok, err := s.exists(ctx, name); err != nil {
			return err
		} else if !ok {
			return ceph.Errorf(ceph.NotFound, "pool", "pool '%s' does not exist", name)
		}
		return ceph.Errorf(ceph.AlreadyExists, "pool", "pool '%s' already exists", name)
	}
	b := &poolBody{
		Pool: opts.NewName, PGNum: opts.PGNum, RuleName: opts.CrushRule,
		Flags: opts.Flags, ApplicationMetadata: opts.Applications,
		Configuration: configAny(opts.Configuration),
		Size:          opts.Size, MinSize: opts.MinSize, PGAutoscaleMode: opts.PGAutoscaleMode,
		QuotaMaxBytes: opts.QuotaMaxBytes, QuotaMaxObjects: opts.QuotaMaxObjects,
	}
	b.setCompression(opts.Compression)
	return exec(ctx, s.c, epPoolUpdate, []string{name}, nil, b)
}

func (s poolsService) Delete(ctx context.Context, name string) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if !ok {
		return ceph.Errorf(ceph.NotFound, "pool", "pool '%s' does not exist", name)
	}
	return exec(ctx, s.c, epPoolDelete, []string{name}, nil, nil)
}

func (s poolsService) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	var raw []struct {
		Name   string `json:"name"`
		Value  any    `json:"value"`
		Source int    `json:"source"`
	}
	if _, err := s.c.call(ctx, epPoolConfig, []string{name}, nil, nil, &raw); err != nil {
		return nil, err
	}
	out := make([]ceph.PoolConfigOption, 0, len(raw))
	for _, o := range raw {
		v := scalar(o.Value)
		if f, ok := o.Value.(float64); ok {
			v = strconv.FormatFloat(f, 'f', -1, 64)
		}
		out = append(out, ceph.PoolConfigOption{Name: o.Name, Value: v, Source: o.Source})
	}
	return out, nil
}
