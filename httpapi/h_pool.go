package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func isTrue(b *ops.Bool) bool { return b != nil && bool(*b) }

func (s *Server) poolList(c *call, r *ops.PoolListRequest) (any, error) {
	pools, err := s.client.Pools.List(c.ctx(), &ceph.PoolListOptions{Stats: isTrue(r.Stats)})
	if err != nil {
		return nil, err
	}
	attrs := splitList(r.Attrs)
	if len(attrs) == 0 {
		// memoized: a caching transport returns the same list again
		return &memoized{src: nonNil(pools)}, nil
	}
	out := make([]map[string]json.RawMessage, 0, len(pools))
	for i := range pools {
		m, err := project(&pools[i], attrs, "pool_name")
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Server) poolGet(c *call, r *ops.PoolGetRequest) (any, error) {
	p, err := s.client.Pools.Get(c.ctx(), r.PoolName, &ceph.PoolGetOptions{Stats: isTrue(r.Stats)})
	if err != nil {
		return nil, err
	}
	if p.Configuration == nil {
		// A copy: the transport's value is read-only (see package ceph).
		cp := *p
		cp.Configuration = []ceph.PoolConfigOption{}
		p = &cp
	}
	attrs := splitList(r.Attrs)
	if len(attrs) == 0 {
		return p, nil
	}
	// The dashboard adds the configuration after projecting.
	out, err := project(p, attrs, "pool_name")
	if err != nil {
		return nil, err
	}
	if out["configuration"], err = json.Marshal(p.Configuration); err != nil {
		return nil, err
	}
	return out, nil
}

// compression is the compression settings of a pool request (POST and
// PUT /api/pool share the fields), nil when none is given.
func compression(mode, algorithm *string, minBlob, maxBlob *ops.Int, ratio *ops.Float) *ceph.Compression {
	if mode == nil && algorithm == nil && minBlob == nil && maxBlob == nil && ratio == nil {
		return nil
	}
	cp := &ceph.Compression{Mode: deref(mode), Algorithm: deref(algorithm)}
	if minBlob != nil {
		cp.MinBlobSize = int64(*minBlob)
	}
	if maxBlob != nil {
		cp.MaxBlobSize = int64(*maxBlob)
	}
	if ratio != nil {
		cp.RequiredRatio = float64(*ratio)
	}
	return cp
}

// configStrings turns the dashboard's RBD configuration object
// ({"rbd_qos_bps_limit": 0, ...}) into strings.
func configStrings(m map[string]any) (map[string]string, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case string:
			out[k] = t
		case float64:
			out[k] = strconv.FormatFloat(t, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(t)
		case nil:
			out[k] = ""
		default:
			return nil, ceph.Errorf(ceph.InvalidArgument, "pool", "invalid value for configuration option '%s'", k)
		}
	}
	return out, nil
}

func intp(f *ops.Int) *int {
	if f == nil {
		return nil
	}
	v := int(*f)
	return &v
}

func int64p(f *ops.Int) *int64 {
	if f == nil {
		return nil
	}
	v := int64(*f)
	return &v
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *Server) poolCreate(c *call, b *ops.PoolCreateRequest) (any, error) {
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	rule := deref(b.RuleName)
	if rule == "" {
		rule = deref(b.CrushRule)
	}
	opts := &ceph.PoolCreateOptions{
		Type: ceph.PoolType(b.PoolType), PGNum: int(b.PGNum),
		Size: deref(intp(b.Size)), MinSize: deref(intp(b.MinSize)),
		CrushRule: rule, ErasureCodeProfile: deref(b.ErasureCodeProfile),
		Applications: deref(b.ApplicationMetadata), Flags: deref(b.Flags),
		PGAutoscaleMode: deref(b.PGAutoscaleMode),
		Compression:     compression(b.CompressionMode, b.CompressionAlgorithm, b.CompressionMinBlobSize, b.CompressionMaxBlobSize, b.CompressionRequiredRatio),
		QuotaMaxBytes:   deref(int64p(b.QuotaMaxBytes)), QuotaMaxObjects: deref(int64p(b.QuotaMaxObjects)),
		Configuration: cfg,
	}
	// Check before the task starts so bad input is a 400, not a failed task.
	if err := ceph.ValidateName("pool", "pool name", b.Pool); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	name := b.Pool
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.Pools.Create(ctx, name, opts))
	}), nil
}

func (s *Server) poolUpdate(c *call, b *ops.PoolUpdateRequest) (any, error) {
	if b.PoolType != nil {
		return nil, ceph.Errorf(ceph.InvalidArgument, "pool", "the pool type cannot be changed")
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &ceph.PoolUpdateOptions{
		PGNum: intp(b.PGNum), Size: intp(b.Size), MinSize: intp(b.MinSize),
		Applications: b.ApplicationMetadata, Flags: deref(b.Flags), PGAutoscaleMode: b.PGAutoscaleMode,
		Compression:   compression(b.CompressionMode, b.CompressionAlgorithm, b.CompressionMinBlobSize, b.CompressionMaxBlobSize, b.CompressionRequiredRatio),
		QuotaMaxBytes: int64p(b.QuotaMaxBytes), QuotaMaxObjects: int64p(b.QuotaMaxObjects), Configuration: cfg,
		// Renaming a pool to its own name fails in Ceph (EEXIST), and so
		// through the transport; it is not silently ignored.
		NewName: b.Pool,
	}
	if b.RuleName != nil {
		opts.CrushRule = b.RuleName
	} else if b.CrushRule != nil {
		opts.CrushRule = b.CrushRule
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	name := b.PoolName
	return later(func(ctx context.Context) (any, error) {
		return nothing(s.client.Pools.Update(ctx, name, opts))
	}), nil
}

// crushRuleInfo answers the dashboard's UI helper: rule names, the CRUSH
// tree's nodes and the ids of its roots.
func (s *Server) crushRuleInfo(c *call) (any, error) {
	rules, err := s.client.CrushRules.List(c.ctx())
	if err != nil {
		return nil, err
	}
	tree, err := s.client.OSDs.Tree(c.ctx())
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(rules))
	for _, r := range rules {
		names = append(names, r.RuleName)
	}
	roots := []int{}
	for _, n := range tree.Nodes {
		if n.Type == "root" {
			roots = append(roots, n.ID)
		}
	}
	return map[string]any{"names": names, "nodes": nonNil(tree.Nodes), "roots": roots}, nil
}

func (s *Server) crushRuleCreate(c *call, b *ops.CrushRuleCreateRequest) (any, error) {
	return nothing(s.client.CrushRules.Create(c.ctx(), b.Name, &ceph.CrushRuleCreateOptions{
		Root: b.Root, FailureDomain: b.FailureDomain, DeviceClass: deref(b.DeviceClass),
	}))
}

// ecpCreate takes the name and any profile keys (the dashboard's
// create(name, **kwargs)); values may be strings or numbers.
func (s *Server) ecpCreate(c *call, b *ops.ECProfileCreateRequest) (any, error) {
	raw := make(map[string]any, len(b.Extra))
	for k, v := range b.Extra {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, bodyError(err)
		}
		raw[k] = x
	}
	kv, err := ceph.ScalarMap(raw)
	if err != nil {
		return nil, err
	}
	if b.Name == "" {
		return nil, missing("name")
	}
	opts, err := ceph.ErasureCodeProfileOptionsFromMap(kv)
	if err != nil {
		return nil, err
	}
	return nothing(s.client.ErasureCodeProfiles.Create(c.ctx(), b.Name, opts))
}

func (s *Server) configFilter(c *call, r *ops.ClusterConfFilterRequest) (any, error) {
	names := splitList(r.Names)
	if len(names) == 0 {
		// The dashboard answers 404 "Config options `None` not found".
		return nil, ceph.Errorf(ceph.NotFound, "cluster_configuration", "Config options `None` not found")
	}
	return s.client.Config.Filter(c.ctx(), names)
}
