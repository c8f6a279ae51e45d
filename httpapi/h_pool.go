package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
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

func (s *Server) poolList(c *call) (any, error) {
	stats, err := c.queryBool("stats", false)
	if err != nil {
		return nil, err
	}
	pools, err := s.client.Pools.List(c.ctx(), &ceph.PoolListOptions{Stats: stats})
	if err != nil {
		return nil, err
	}
	attrs := splitList(c.r.URL.Query().Get("attrs"))
	if len(attrs) == 0 {
		return nonNil(pools), nil
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

func (s *Server) poolGet(c *call) (any, error) {
	stats, err := c.queryBool("stats", false)
	if err != nil {
		return nil, err
	}
	p, err := s.client.Pools.Get(c.ctx(), c.r.PathValue("pool_name"), &ceph.PoolGetOptions{Stats: stats})
	if err != nil {
		return nil, err
	}
	if p.Configuration == nil {
		// A copy: the transport's value is read-only (see package ceph).
		cp := *p
		cp.Configuration = []ceph.PoolConfigOption{}
		p = &cp
	}
	attrs := splitList(c.r.URL.Query().Get("attrs"))
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

// poolBody is the body of POST and PUT /api/pool. The dashboard takes
// **kwargs here and hands every extra key to `osd pool set`; we accept the
// keys the domain API models and refuse others with 400.
type poolBody struct {
	Pool                     *string        `json:"pool"`
	PGNum                    *flexInt       `json:"pg_num"`
	PoolType                 *string        `json:"pool_type"`
	ErasureCodeProfile       string         `json:"erasure_code_profile"`
	Flags                    []string       `json:"flags"`
	ApplicationMetadata      *[]string      `json:"application_metadata"`
	RuleName                 *string        `json:"rule_name"`
	CrushRule                *string        `json:"crush_rule"`
	Configuration            map[string]any `json:"configuration"`
	Size                     *flexInt       `json:"size"`
	MinSize                  *flexInt       `json:"min_size"`
	PGAutoscaleMode          *string        `json:"pg_autoscale_mode"`
	CompressionMode          *string        `json:"compression_mode"`
	CompressionAlgorithm     *string        `json:"compression_algorithm"`
	CompressionMinBlobSize   *flexInt       `json:"compression_min_blob_size"`
	CompressionMaxBlobSize   *flexInt       `json:"compression_max_blob_size"`
	CompressionRequiredRatio *flexFloat     `json:"compression_required_ratio"`
	QuotaMaxBytes            *flexInt       `json:"quota_max_bytes"`
	QuotaMaxObjects          *flexInt       `json:"quota_max_objects"`
}

func (b *poolBody) compression() *ceph.Compression {
	if b.CompressionMode == nil && b.CompressionAlgorithm == nil && b.CompressionMinBlobSize == nil &&
		b.CompressionMaxBlobSize == nil && b.CompressionRequiredRatio == nil {
		return nil
	}
	cp := &ceph.Compression{}
	if b.CompressionMode != nil {
		cp.Mode = *b.CompressionMode
	}
	if b.CompressionAlgorithm != nil {
		cp.Algorithm = *b.CompressionAlgorithm
	}
	if b.CompressionMinBlobSize != nil {
		cp.MinBlobSize = int64(*b.CompressionMinBlobSize)
	}
	if b.CompressionMaxBlobSize != nil {
		cp.MaxBlobSize = int64(*b.CompressionMaxBlobSize)
	}
	if b.CompressionRequiredRatio != nil {
		cp.RequiredRatio = float64(*b.CompressionRequiredRatio)
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

func intp(f *flexInt) *int {
	if f == nil {
		return nil
	}
	v := int(*f)
	return &v
}

func int64p(f *flexInt) *int64 {
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

func (s *Server) poolCreate(c *call) (any, error) {
	var b poolBody
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"pool", b.Pool != nil}, field{"pg_num", b.PGNum != nil}, field{"pool_type", b.PoolType != nil}); err != nil {
		return nil, err
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	rule := deref(b.RuleName)
	if rule == "" {
		rule = deref(b.CrushRule)
	}
	opts := &ceph.PoolCreateOptions{
		Type: ceph.PoolType(*b.PoolType), PGNum: int(*b.PGNum),
		Size: deref(intp(b.Size)), MinSize: deref(intp(b.MinSize)),
		CrushRule: rule, ErasureCodeProfile: b.ErasureCodeProfile,
		Applications: deref(b.ApplicationMetadata), Flags: b.Flags,
		PGAutoscaleMode: deref(b.PGAutoscaleMode), Compression: b.compression(),
		QuotaMaxBytes: deref(int64p(b.QuotaMaxBytes)), QuotaMaxObjects: deref(int64p(b.QuotaMaxObjects)),
		Configuration: cfg,
	}
	// Check before the task starts so bad input is a 400, not a failed task.
	if err := ceph.ValidateName("pool", "pool name", *b.Pool); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	name := *b.Pool
	return &taskWork{
		meta: map[string]any{"pool_name": name},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.Pools.Create(ctx, name, opts))
		},
	}, nil
}

func (s *Server) poolUpdate(c *call) (any, error) {
	name := c.r.PathValue("pool_name")
	var b poolBody
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if b.PoolType != nil {
		return nil, ceph.Errorf(ceph.InvalidArgument, "pool", "the pool type cannot be changed")
	}
	cfg, err := configStrings(b.Configuration)
	if err != nil {
		return nil, err
	}
	opts := &ceph.PoolUpdateOptions{
		PGNum: intp(b.PGNum), Size: intp(b.Size), MinSize: intp(b.MinSize),
		Applications: b.ApplicationMetadata, Flags: b.Flags, PGAutoscaleMode: b.PGAutoscaleMode,
		Compression: b.compression(), QuotaMaxBytes: int64p(b.QuotaMaxBytes),
		QuotaMaxObjects: int64p(b.QuotaMaxObjects), Configuration: cfg,
	}
	if b.Pool != nil {
		// Renaming a pool to its own name fails in Ceph (EEXIST), and so
		// through the transport; it is not silently ignored.
		opts.NewName = b.Pool
	}
	if b.RuleName != nil {
		opts.CrushRule = b.RuleName
	} else if b.CrushRule != nil {
		opts.CrushRule = b.CrushRule
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &taskWork{
		meta: map[string]any{"pool_name": name},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.Pools.Update(ctx, name, opts))
		},
	}, nil
}

func (s *Server) poolDelete(c *call) (any, error) {
	name := c.r.PathValue("pool_name")
	return &taskWork{
		meta: map[string]any{"pool_name": name},
		fn: func(ctx context.Context) (any, error) {
			return nothing(s.client.Pools.Delete(ctx, name))
		},
	}, nil
}

// deleteByPath builds a DELETE handler for a resource named by a path value.
func deleteByPath(param string, f func(ctx context.Context, name string) error) handlerFunc {
	return func(c *call) (any, error) { return nothing(f(c.ctx(), c.r.PathValue(param))) }
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

func (s *Server) crushRuleCreate(c *call) (any, error) {
	var b struct {
		Name          *string `json:"name"`
		Root          *string `json:"root"`
		FailureDomain *string `json:"failure_domain"`
		DeviceClass   string  `json:"device_class"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"name", b.Name != nil}, field{"root", b.Root != nil}, field{"failure_domain", b.FailureDomain != nil}); err != nil {
		return nil, err
	}
	return nothing(s.client.CrushRules.Create(c.ctx(), *b.Name, &ceph.CrushRuleCreateOptions{
		Root: *b.Root, FailureDomain: *b.FailureDomain, DeviceClass: b.DeviceClass,
	}))
}

// ecpCreate takes the name and any profile keys (the dashboard's
// create(name, **kwargs)); values may be strings or numbers.
func (s *Server) ecpCreate(c *call) (any, error) {
	var raw map[string]any
	if err := c.decode(&raw, false); err != nil {
		return nil, err
	}
	kv, err := ceph.ScalarMap(raw)
	if err != nil {
		return nil, err
	}
	name := kv["name"]
	if name == "" {
		return nil, missing("name")
	}
	delete(kv, "name")
	opts, err := ceph.ErasureCodeProfileOptionsFromMap(kv)
	if err != nil {
		return nil, err
	}
	return nothing(s.client.ErasureCodeProfiles.Create(c.ctx(), name, opts))
}

// Cluster configuration.

func (s *Server) configCreate(c *call) (any, error) {
	var b struct {
		Name  *string             `json:"name"`
		Value *[]ceph.ConfigValue `json:"value"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if err := required(field{"name", b.Name != nil}, field{"value", b.Value != nil}); err != nil {
		return nil, err
	}
	return nothing(s.client.Config.Set(c.ctx(), *b.Name, *b.Value))
}

func (s *Server) configBulkSet(c *call) (any, error) {
	var b struct {
		Options *map[string]ceph.ConfigValue `json:"options"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if b.Options == nil {
		return nil, missing("options")
	}
	return nothing(s.client.Config.SetMany(c.ctx(), *b.Options))
}

func (s *Server) configFilter(c *call) (any, error) {
	names := splitList(c.r.URL.Query().Get("names"))
	if len(names) == 0 {
		// The dashboard answers 404 "Config options `None` not found".
		return nil, ceph.Errorf(ceph.NotFound, "cluster_configuration", "Config options `None` not found")
	}
	return s.client.Config.Filter(c.ctx(), names)
}

func (s *Server) configDelete(c *call) (any, error) {
	section := c.r.URL.Query().Get("section")
	if section == "" {
		return nil, missing("section")
	}
	return nothing(s.client.Config.Delete(c.ctx(), c.r.PathValue("name"), section))
}

// Manager modules.

func (s *Server) mgrModuleSet(c *call) (any, error) {
	var b struct {
		Config *map[string]any `json:"config"`
	}
	if err := c.decode(&b, true); err != nil {
		return nil, err
	}
	if b.Config == nil {
		return nil, missing("config")
	}
	return nothing(s.client.MgrModules.SetOptions(c.ctx(), c.r.PathValue("module_name"), *b.Config))
}

func (s *Server) mgrModuleToggle(enable bool) handlerFunc {
	return func(c *call) (any, error) {
		if err := c.decode(&struct{}{}, true); err != nil {
			return nil, err
		}
		name := c.r.PathValue("module_name")
		if enable {
			return nothing(s.client.MgrModules.Enable(c.ctx(), name))
		}
		return nothing(s.client.MgrModules.Disable(c.ctx(), name))
	}
}
