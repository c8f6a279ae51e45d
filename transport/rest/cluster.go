package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/ops"
)

var (
	_ ceph.Health              = healthService{}
	_ ceph.Monitors            = monitorsService{}
	_ ceph.Logs                = logsService{}
	_ ceph.PerfCounters        = perfService{}
	_ ceph.CrushRules          = crushService{}
	_ ceph.ErasureCodeProfiles = ecpService{}
	_ ceph.ClusterConfig       = configService{}
	_ ceph.MgrModules          = mgrService{}
)

type healthService struct {
	c *client
	ceph.UnimplementedHealth
}

// Report reads the health section of GET /api/health/minimal.
func (s healthService) Report(ctx context.Context) (*ceph.HealthReport, error) {
	var out struct {
		Health ceph.HealthReport `json:"health"`
	}
	if _, err := send(ctx, s.c, ops.HealthMinimal, nil, &out); err != nil {
		return nil, err
	}
	return &out.Health, nil
}

func (s healthService) Minimal(ctx context.Context) (*ceph.HealthMinimal, error) {
	return get[ceph.HealthMinimal](ctx, s.c, ops.HealthMinimal, nil)
}

// Full reads GET /api/health/full. The real dashboard lists the pools there
// as the OSD map has them (type and crush_rule as numbers, applications as
// an object); they are turned into the shape GET /api/pool has.
func (s healthService) Full(ctx context.Context) (*ceph.HealthFull, error) {
	var raw map[string]json.RawMessage
	if _, err := send(ctx, s.c, ops.HealthFull, nil, &raw); err != nil {
		return nil, err
	}
	pools := raw["pools"]
	delete(raw, "pools")
	b, _ := json.Marshal(raw)
	var out ceph.HealthFull
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, &ceph.Error{Code: ceph.Internal, Component: "health", Detail: "cannot decode the full health report: " + err.Error(), Err: err}
	}
	if len(pools) > 0 && string(pools) != "null" {
		ps, err := normalizePools(ctx, crushService{c: s.c}, pools)
		if err != nil {
			return nil, err
		}
		out.Pools = ps
	}
	return &out, nil
}

// Pool types by their number in the OSD map (pg_pool_t::TYPE_*).
var poolTypeNames = map[float64]ceph.PoolType{1: ceph.Replicated, 3: ceph.Erasure}

func normalizePools(ctx context.Context, rules crushService, data json.RawMessage) ([]ceph.Pool, error) {
	var raw []map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &ceph.Error{Code: ceph.Internal, Component: "health", Detail: "cannot decode the pools: " + err.Error(), Err: err}
	}
	var ruleNames map[float64]string
	out := make([]ceph.Pool, 0, len(raw))
	for _, m := range raw {
		if t, ok := m["type"].(float64); ok {
			m["type"] = poolTypeNames[t]
		}
		if id, ok := m["crush_rule"].(float64); ok {
			if ruleNames == nil {
				ruleNames = map[float64]string{}
				l, err := rules.List(ctx)
				if err != nil {
					return nil, err
				}
				for _, r := range l {
					ruleNames[float64(r.RuleID)] = r.RuleName
				}
			}
			m["crush_rule"] = ruleNames[id]
		}
		if apps, ok := m["application_metadata"].(map[string]any); ok {
			names := make([]string, 0, len(apps))
			for k := range apps {
				names = append(names, k)
			}
			sort.Strings(names)
			m["application_metadata"] = names
		}
		b, _ := json.Marshal(m)
		var p ceph.Pool
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, &ceph.Error{Code: ceph.Internal, Component: "health", Detail: "cannot decode a pool: " + err.Error(), Err: err}
		}
		out = append(out, p)
	}
	return out, nil
}

func (s healthService) Summary(ctx context.Context) (*ceph.Summary, error) {
	return get[ceph.Summary](ctx, s.c, ops.Summary, nil)
}

type monitorsService struct {
	c *client
	ceph.UnimplementedMonitors
}

func (s monitorsService) Status(ctx context.Context) (*ceph.MonitorReport, error) {
	return get[ceph.MonitorReport](ctx, s.c, ops.Monitor, nil)
}

type logsService struct {
	c *client
	ceph.UnimplementedLogs
}

// Recent reads GET /api/logs/all (newest line first, 30 per channel on
// the dashboard). The endpoint has no line count; Lines keeps the newest.
func (s logsService) Recent(ctx context.Context, opts *ceph.LogOptions) (*ceph.RecentLogs, error) {
	l, err := get[ceph.RecentLogs](ctx, s.c, ops.LogsAll, nil)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.Lines > 0 {
		l.ClusterLog = firstN(l.ClusterLog, opts.Lines)
		l.AuditLog = firstN(l.AuditLog, opts.Lines)
	}
	return l, nil
}

func firstN[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type perfService struct {
	c *client
	ceph.UnimplementedPerfCounters
}

// perfOps are the per-daemon-type operations of GET
// /api/perf_counters/{type}/{service_id}; all take {service_id}.
var perfOps = map[string]*ops.Operation{
	"mds": ops.PerfCountersMDS.Operation, "mgr": ops.PerfCountersMgr.Operation, "mon": ops.PerfCountersMon.Operation,
	"osd": ops.PerfCountersOSD.Operation, "rbd-mirror": ops.PerfCountersRBDMirror.Operation,
	"rgw": ops.PerfCountersRGW.Operation, "tcmu-runner": ops.PerfCountersTCMURunner.Operation,
}

func (s perfService) All(ctx context.Context) (map[string]map[string]ceph.PerfCounter, error) {
	m, err := get[map[string]map[string]ceph.PerfCounter](ctx, s.c, ops.PerfCounters, nil)
	if err != nil {
		return nil, err
	}
	return *m, nil
}

func (s perfService) Daemon(ctx context.Context, daemonType, id string) (*ceph.DaemonPerfCounters, error) {
	op, ok := perfOps[daemonType]
	if !ok {
		return nil, ceph.Errorf(ceph.InvalidArgument, "perf_counters", "unknown daemon type %q", daemonType)
	}
	var out ceph.DaemonPerfCounters
	// Every per-type request has the one field {service_id}.
	if _, err := s.c.call(ctx, op, &ops.PerfCountersOSDRequest{ServiceID: id}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

type crushService struct {
	c *client
	ceph.UnimplementedCrushRules
}

func (s crushService) List(ctx context.Context) ([]ceph.CrushRule, error) {
	l, err := get[[]ceph.CrushRule](ctx, s.c, ops.CrushRuleList, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s crushService) Get(ctx context.Context, name string) (*ceph.CrushRule, error) {
	return get[ceph.CrushRule](ctx, s.c, ops.CrushRuleGet, &ops.CrushRuleGetRequest{Name: name})
}

// Creating an existing rule and deleting a missing one are success in
// Ceph (and so on the dashboard); the library's contract is AlreadyExists
// and NotFound, so writes look the rule up first.
func (s crushService) exists(ctx context.Context, name string) (bool, error) {
	_, err := s.Get(ctx, name)
	if ceph.CodeOf(err) == ceph.NotFound {
		return false, nil
	}
	return err == nil, err
}

func (s crushService) Create(ctx context.Context, name string, opts *ceph.CrushRuleCreateOptions) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if ok {
		return ceph.Errorf(ceph.AlreadyExists, "crush_rule", "rule %s already exists", name)
	}
	return exec(ctx, s.c, ops.CrushRuleCreate, &ops.CrushRuleCreateRequest{
		Name: name, Root: opts.Root, FailureDomain: opts.FailureDomain, DeviceClass: nonZero(opts.DeviceClass),
	})
}

func (s crushService) Delete(ctx context.Context, name string) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if !ok {
		return ceph.Errorf(ceph.NotFound, "crush_rule", "rule %s does not exist", name)
	}
	return exec(ctx, s.c, ops.CrushRuleDelete, &ops.CrushRuleDeleteRequest{Name: name})
}

type ecpService struct {
	c *client
	ceph.UnimplementedErasureCodeProfiles
}

func (s ecpService) List(ctx context.Context) ([]ceph.ErasureCodeProfile, error) {
	// ceph.ErasureCodeProfile reads the dashboard's flat form itself.
	raw, err := get[[]ceph.ErasureCodeProfile](ctx, s.c, ops.ECProfileList, nil)
	if err != nil {
		return nil, err
	}
	return *raw, nil
}

func (s ecpService) Get(ctx context.Context, name string) (*ceph.ErasureCodeProfile, error) {
	return get[ceph.ErasureCodeProfile](ctx, s.c, ops.ECProfileGet, &ops.ECProfileGetRequest{Name: name})
}

// Create sends the profile's keys as the dashboard's form does (k and m as
// strings, as `osd erasure-code-profile set` takes key=value pairs).
// exists: as for CRUSH rules, Ceph answers success to deleting a missing
// profile and to setting an identical existing one.
func (s ecpService) exists(ctx context.Context, name string) (bool, error) {
	_, err := s.Get(ctx, name)
	if ceph.CodeOf(err) == ceph.NotFound {
		return false, nil
	}
	return err == nil, err
}

func (s ecpService) Create(ctx context.Context, name string, opts *ceph.ErasureCodeProfileCreateOptions) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if ok {
		return ceph.Errorf(ceph.AlreadyExists, "erasure_code_profile", "erasure-code profile %s already exists", name)
	}
	req := &ops.ECProfileCreateRequest{Name: name, Extra: map[string]json.RawMessage{}}
	for k, v := range opts.Map() {
		b, err := json.Marshal(v)
		if err != nil {
			return &ceph.Error{Code: ceph.InvalidArgument, Component: "erasure_code_profile", Detail: err.Error(), Err: err}
		}
		req.Extra[k] = b
	}
	return exec(ctx, s.c, ops.ECProfileCreate, req)
}

func (s ecpService) Delete(ctx context.Context, name string) error {
	if ok, err := s.exists(ctx, name); err != nil {
		return err
	} else if !ok {
		return ceph.Errorf(ceph.NotFound, "erasure_code_profile", "erasure-code profile %s does not exist", name)
	}
	return exec(ctx, s.c, ops.ECProfileDelete, &ops.ECProfileDeleteRequest{Name: name})
}

type configService struct {
	c *client
	ceph.UnimplementedClusterConfig
}

func (s configService) List(ctx context.Context) ([]ceph.ConfigOption, error) {
	l, err := get[[]ceph.ConfigOption](ctx, s.c, ops.ClusterConfList, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s configService) Get(ctx context.Context, name string) (*ceph.ConfigOption, error) {
	return get[ceph.ConfigOption](ctx, s.c, ops.ClusterConfGet, &ops.ClusterConfGetRequest{Name: name})
}

func (s configService) Filter(ctx context.Context, names []string) ([]ceph.ConfigOption, error) {
	l, err := get[[]ceph.ConfigOption](ctx, s.c, ops.ClusterConfFilter, &ops.ClusterConfFilterRequest{Names: strings.Join(names, ",")})
	if err != nil {
		return nil, err
	}
	return *l, nil
}

func (s configService) Set(ctx context.Context, name string, values []ceph.ConfigValue) error {
	if values == nil {
		values = []ceph.ConfigValue{}
	}
	return exec(ctx, s.c, ops.ClusterConfCreate, &ops.ClusterConfCreateRequest{Name: name, Value: values})
}

func (s configService) SetMany(ctx context.Context, values map[string]ceph.ConfigValue) error {
	return exec(ctx, s.c, ops.ClusterConfBulkSet, &ops.ClusterConfBulkSetRequest{Options: values})
}

func (s configService) Delete(ctx context.Context, name, section string) error {
	return exec(ctx, s.c, ops.ClusterConfDelete, &ops.ClusterConfDeleteRequest{Name: name, Section: section})
}

type mgrService struct {
	c *client
	ceph.UnimplementedMgrModules
}

func (s mgrService) List(ctx context.Context) ([]ceph.MgrModule, error) {
	l, err := get[[]ceph.MgrModule](ctx, s.c, ops.MgrModuleList, nil)
	if err != nil {
		return nil, err
	}
	return *l, nil
}

// known handles the real dashboard's answer to an unknown module, a
// generic 500 (a failed assertion): when the module is not listed, the
// error is NotFound.
func (s mgrService) known(ctx context.Context, name string, err error) error {
	if ceph.CodeOf(err) != ceph.Internal {
		return err
	}
	mods, lerr := s.List(ctx)
	if lerr != nil {
		return err
	}
	for _, m := range mods {
		if m.Name == name {
			return err
		}
	}
	return &ceph.Error{Code: ceph.NotFound, Component: "mgr_modules", Detail: fmt.Sprintf("module %s does not exist", name), Err: native(err)}
}

func (s mgrService) Get(ctx context.Context, name string) (map[string]any, error) {
	m, err := get[map[string]any](ctx, s.c, ops.MgrModuleGet, &ops.MgrModuleGetRequest{ModuleName: name})
	if err != nil {
		return nil, s.known(ctx, name, err)
	}
	return *m, nil
}

func (s mgrService) Options(ctx context.Context, name string) (map[string]ceph.MgrModuleOption, error) {
	m, err := get[map[string]ceph.MgrModuleOption](ctx, s.c, ops.MgrModuleOptions, &ops.MgrModuleOptionsRequest{ModuleName: name})
	if err != nil {
		return nil, s.known(ctx, name, err)
	}
	return *m, nil
}

func (s mgrService) Enable(ctx context.Context, name string) error {
	return s.toggle(ctx, name, true)
}

func (s mgrService) Disable(ctx context.Context, name string) error {
	return s.toggle(ctx, name, false)
}

// toggle enables or disables a module. A real ceph-mgr restarts when its
// set of modules changes, often while it answers this very request (the
// connection drops: Unavailable). Then toggle waits, within ctx, for the
// server to come back and checks the module's state: the switch is done
// only if the module is in the state asked for.
func (s mgrService) toggle(ctx context.Context, name string, on bool) error {
	var err error
	if on {
		err = exec(ctx, s.c, ops.MgrModuleEnable, &ops.MgrModuleEnableRequest{ModuleName: name})
	} else {
		err = exec(ctx, s.c, ops.MgrModuleDisable, &ops.MgrModuleDisableRequest{ModuleName: name})
	}
	if err == nil {
		return nil
	}
	if ceph.CodeOf(err) != ceph.Unavailable {
		return s.known(ctx, name, err)
	}
	for {
		mods, lerr := s.List(ctx)
		if lerr == nil {
			for _, m := range mods {
				if m.Name == name && (m.Enabled || m.AlwaysOn) == on {
					return nil
				}
			}
			return err
		}
		if ceph.CodeOf(lerr) != ceph.Unavailable {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(s.c.pollInterval):
		}
	}
}

func (s mgrService) SetOptions(ctx context.Context, name string, values map[string]any) error {
	if values == nil {
		values = map[string]any{}
	}
	return s.known(ctx, name, exec(ctx, s.c, ops.MgrModuleUpdate, &ops.MgrModuleUpdateRequest{ModuleName: name, Config: values}))
}
