package rest

import (
	"context"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

var _ ceph.Pools = poolsService{}

type poolsService struct {
	c *client
	ceph.UnimplementedPools
}

func stats(on bool) *ops.Bool {
	if !on {
		return nil
	}
	return new(ops.Bool(true))
}

func (s poolsService) List(ctx context.Context, opts *ceph.PoolListOptions) ([]ceph.Pool, error) {
	l, err := get[[]ceph.Pool](ctx, s.c, ops.PoolList, &ops.PoolListRequest{Stats: stats(opts != nil && opts.Stats)})
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s poolsService) Get(ctx context.Context, name string, opts *ceph.PoolGetOptions) (*ceph.Pool, error) {
	return get[ceph.Pool](ctx, s.c, ops.PoolGet, &ops.PoolGetRequest{PoolName: name, Stats: stats(opts != nil && opts.Stats)})
}

// compression sets the compression fields of a pool request (create and
// update share them); zero values are left out.
func compression(cp *ceph.Compression) (mode, alg *string, minBlob, maxBlob *ops.Int, ratio *ops.Float) {
	if cp == nil {
		return
	}
	return nonZero(cp.Mode), nonZero(cp.Algorithm), intOf(cp.MinBlobSize), intOf(cp.MaxBlobSize), nonZero(ops.Float(cp.RequiredRatio))
}

func intOf[T ~int | ~int64 | ~uint64](v T) *ops.Int { return nonZero(ops.Int(v)) }

func intp[T ~int | ~int64 | ~uint64](p *T) *ops.Int {
	if p == nil {
		return nil
	}
	return new(ops.Int(*p))
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
	if _, err := send(ctx, s.c, ops.PoolList, &ops.PoolListRequest{Attrs: "pool_name"}, &pools); err != nil {
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
	// Field order matters to the real dashboard, which applies the extra
	// keys in the order given (size before min_size): the request type
	// keeps ops.yaml's order.
	b := &ops.PoolCreateRequest{
		Pool: name, PGNum: ops.Int(opts.PGNum), PoolType: string(typ),
		ErasureCodeProfile: nonZero(opts.ErasureCodeProfile), RuleName: nonZero(opts.CrushRule),
		Configuration: configAny(opts.Configuration),
		Size:          intOf(opts.Size), MinSize: intOf(opts.MinSize),
		PGAutoscaleMode: nonZero(opts.PGAutoscaleMode),
		QuotaMaxBytes:   intOf(opts.QuotaMaxBytes), QuotaMaxObjects: intOf(opts.QuotaMaxObjects),
	}
	if len(opts.Flags) > 0 {
		b.Flags = &opts.Flags
	}
	if typ == ceph.Erasure {
		b.Size, b.MinSize = nil, nil
		if b.ErasureCodeProfile == nil {
			b.ErasureCodeProfile = new("default")
		}
	}
	if len(opts.Applications) > 0 {
		apps := opts.Applications
		b.ApplicationMetadata = &apps
	}
	b.CompressionMode, b.CompressionAlgorithm, b.CompressionMinBlobSize, b.CompressionMaxBlobSize, b.CompressionRequiredRatio = compression(opts.Compression)
	return exec(ctx, s.c, ops.PoolCreate, b)
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
	b := &ops.PoolUpdateRequest{
		PoolName: name, Pool: opts.NewName, PGNum: intp(opts.PGNum), RuleName: opts.CrushRule,
		ApplicationMetadata: opts.Applications,
		Configuration:       configAny(opts.Configuration),
		Size:                intp(opts.Size), MinSize: intp(opts.MinSize), PGAutoscaleMode: opts.PGAutoscaleMode,
		QuotaMaxBytes: intp(opts.QuotaMaxBytes), QuotaMaxObjects: intp(opts.QuotaMaxObjects),
	}
	if len(opts.Flags) > 0 {
		b.Flags = &opts.Flags
	}
	b.CompressionMode, b.CompressionAlgorithm, b.CompressionMinBlobSize, b.CompressionMaxBlobSize, b.CompressionRequiredRatio = compression(opts.Compression)
	return exec(ctx, s.c, ops.PoolUpdate, b)
}

func (s poolsService) Delete(ctx context.Context, name string) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if !ok {
		return ceph.Errorf(ceph.NotFound, "pool", "pool '%s' does not exist", name)
	}
	return exec(ctx, s.c, ops.PoolDelete, &ops.PoolDeleteRequest{PoolName: name})
}

func (s poolsService) Configuration(ctx context.Context, name string) ([]ceph.PoolConfigOption, error) {
	var raw []struct {
		Name   string `json:"name"`
		Value  any    `json:"value"`
		Source int    `json:"source"`
	}
	if _, err := send(ctx, s.c, ops.PoolConfiguration, &ops.PoolConfigurationRequest{PoolName: name}, &raw); err != nil {
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
