package ceph

import (
	"context"
	"sort"
)

// The Validated* functions wrap a transport's implementation with the
// argument checks of this package, so that every transport rejects the same
// bad input with the same error before any call reaches Ceph. A nil
// implementation gives Unimplemented for every call. cephapi.New applies
// them; transports do not need to.

// ValidatedHealth wraps next.
func ValidatedHealth(next Health) Health { return vHealth{next} }

type vHealth struct{ next Health }

func (v vHealth) pre(ctx context.Context, what string) error {
	if err := CheckArgs(ctx, "health"); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError("health", what)
	}
	return nil
}

func (v vHealth) Report(ctx context.Context) (*HealthReport, error) {
	if err := v.pre(ctx, "health report"); err != nil {
		return nil, err
	}
	return v.next.Report(ctx)
}

func (v vHealth) Minimal(ctx context.Context) (*HealthMinimal, error) {
	if err := v.pre(ctx, "minimal health"); err != nil {
		return nil, err
	}
	return v.next.Minimal(ctx)
}

func (v vHealth) Full(ctx context.Context) (*HealthFull, error) {
	if err := v.pre(ctx, "full health"); err != nil {
		return nil, err
	}
	return v.next.Full(ctx)
}

func (v vHealth) Summary(ctx context.Context) (*Summary, error) {
	if err := v.pre(ctx, "summary"); err != nil {
		return nil, err
	}
	return v.next.Summary(ctx)
}

// ValidatedMonitors wraps next.
func ValidatedMonitors(next Monitors) Monitors { return vMonitors{next} }

type vMonitors struct{ next Monitors }

func (v vMonitors) Status(ctx context.Context) (*MonitorReport, error) {
	if err := CheckArgs(ctx, "monitor"); err != nil {
		return nil, err
	}
	if v.next == nil {
		return nil, UnimplementedError("monitor", "monitor status")
	}
	return v.next.Status(ctx)
}

// ValidatedPools wraps next.
func ValidatedPools(next Pools) Pools { return vPools{next} }

type vPools struct{ next Pools }

func (v vPools) pre(ctx context.Context, what string) error {
	if err := CheckArgs(ctx, "pool"); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError("pool", what)
	}
	return nil
}

func (v vPools) List(ctx context.Context, opts *PoolListOptions) ([]Pool, error) {
	if err := v.pre(ctx, "pool list"); err != nil {
		return nil, err
	}
	return v.next.List(ctx, opts)
}

func (v vPools) Get(ctx context.Context, name string, opts *PoolGetOptions) (*Pool, error) {
	if err := v.pre(ctx, "pool get"); err != nil {
		return nil, err
	}
	if err := ValidateName("pool", "pool", name); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, name, opts)
}

func (v vPools) Create(ctx context.Context, name string, opts *PoolCreateOptions) error {
	if err := v.pre(ctx, "pool create"); err != nil {
		return err
	}
	if err := ValidateName("pool", "pool", name); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	return v.next.Create(ctx, name, opts)
}

func (v vPools) Update(ctx context.Context, name string, opts *PoolUpdateOptions) error {
	if err := v.pre(ctx, "pool update"); err != nil {
		return err
	}
	if err := ValidateName("pool", "pool", name); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	if opts == nil {
		opts = &PoolUpdateOptions{}
	}
	return v.next.Update(ctx, name, opts)
}

func (v vPools) Delete(ctx context.Context, name string) error {
	if err := v.pre(ctx, "pool delete"); err != nil {
		return err
	}
	if err := ValidateName("pool", "pool", name); err != nil {
		return err
	}
	return v.next.Delete(ctx, name)
}

func (v vPools) Configuration(ctx context.Context, name string) ([]PoolConfigOption, error) {
	if err := v.pre(ctx, "pool configuration"); err != nil {
		return nil, err
	}
	if err := ValidateName("pool", "pool", name); err != nil {
		return nil, err
	}
	return v.next.Configuration(ctx, name)
}

// ValidatedCrushRules wraps next.
func ValidatedCrushRules(next CrushRules) CrushRules { return vCrush{next} }

type vCrush struct{ next CrushRules }

func (v vCrush) pre(ctx context.Context, what string) error {
	if err := CheckArgs(ctx, "crush_rule"); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError("crush_rule", what)
	}
	return nil
}

func (v vCrush) List(ctx context.Context) ([]CrushRule, error) {
	if err := v.pre(ctx, "crush rule list"); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vCrush) Get(ctx context.Context, name string) (*CrushRule, error) {
	if err := v.pre(ctx, "crush rule get"); err != nil {
		return nil, err
	}
	if err := ValidateName("crush_rule", "crush rule", name); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, name)
}

func (v vCrush) Create(ctx context.Context, name string, opts *CrushRuleCreateOptions) error {
	if err := v.pre(ctx, "crush rule create"); err != nil {
		return err
	}
	if err := ValidateName("crush_rule", "crush rule", name); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	return v.next.Create(ctx, name, opts)
}

func (v vCrush) Delete(ctx context.Context, name string) error {
	if err := v.pre(ctx, "crush rule delete"); err != nil {
		return err
	}
	if err := ValidateName("crush_rule", "crush rule", name); err != nil {
		return err
	}
	return v.next.Delete(ctx, name)
}

// ValidatedErasureCodeProfiles wraps next.
func ValidatedErasureCodeProfiles(next ErasureCodeProfiles) ErasureCodeProfiles {
	return vECP{next}
}

type vECP struct{ next ErasureCodeProfiles }

func (v vECP) pre(ctx context.Context, what string) error {
	if err := CheckArgs(ctx, "erasure_code_profile"); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError("erasure_code_profile", what)
	}
	return nil
}

func (v vECP) List(ctx context.Context) ([]ErasureCodeProfile, error) {
	if err := v.pre(ctx, "erasure code profile list"); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vECP) Get(ctx context.Context, name string) (*ErasureCodeProfile, error) {
	if err := v.pre(ctx, "erasure code profile get"); err != nil {
		return nil, err
	}
	if err := ValidateName("erasure_code_profile", "erasure code profile", name); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, name)
}

func (v vECP) Create(ctx context.Context, name string, opts *ErasureCodeProfileCreateOptions) error {
	if err := v.pre(ctx, "erasure code profile create"); err != nil {
		return err
	}
	if err := ValidateName("erasure_code_profile", "erasure code profile", name); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	if opts == nil {
		opts = &ErasureCodeProfileCreateOptions{}
	}
	return v.next.Create(ctx, name, opts)
}

func (v vECP) Delete(ctx context.Context, name string) error {
	if err := v.pre(ctx, "erasure code profile delete"); err != nil {
		return err
	}
	if err := ValidateName("erasure_code_profile", "erasure code profile", name); err != nil {
		return err
	}
	return v.next.Delete(ctx, name)
}

// ValidatedClusterConfig wraps next.
func ValidatedClusterConfig(next ClusterConfig) ClusterConfig { return vConfig{next} }

type vConfig struct{ next ClusterConfig }

const cfgComponent = "cluster_configuration"

func (v vConfig) pre(ctx context.Context, what string) error {
	if err := CheckArgs(ctx, cfgComponent); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError(cfgComponent, what)
	}
	return nil
}

func (v vConfig) List(ctx context.Context) ([]ConfigOption, error) {
	if err := v.pre(ctx, "config list"); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vConfig) Get(ctx context.Context, name string) (*ConfigOption, error) {
	if err := v.pre(ctx, "config get"); err != nil {
		return nil, err
	}
	if err := validateConfigName(name); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, name)
}

func (v vConfig) Filter(ctx context.Context, names []string) ([]ConfigOption, error) {
	if err := v.pre(ctx, "config filter"); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, Errorf(InvalidArgument, cfgComponent, "no option names given")
	}
	for _, n := range names {
		if err := validateConfigName(n); err != nil {
			return nil, err
		}
	}
	return v.next.Filter(ctx, names)
}

func (v vConfig) Set(ctx context.Context, name string, values []ConfigValue) error {
	if err := v.pre(ctx, "config set"); err != nil {
		return err
	}
	if err := validateConfigName(name); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, cv := range values {
		if err := ValidateConfigSection(cv.Section); err != nil {
			return err
		}
		if seen[cv.Section] {
			return Errorf(InvalidArgument, cfgComponent, "section %q given twice", cv.Section)
		}
		seen[cv.Section] = true
	}
	return v.next.Set(ctx, name, values)
}

func (v vConfig) SetMany(ctx context.Context, values map[string]ConfigValue) error {
	if err := v.pre(ctx, "config bulk set"); err != nil {
		return err
	}
	if len(values) == 0 {
		return Errorf(InvalidArgument, cfgComponent, "no options given")
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := validateConfigName(n); err != nil {
			return err
		}
		if err := ValidateConfigSection(values[n].Section); err != nil {
			return err
		}
	}
	return v.next.SetMany(ctx, values)
}

func (v vConfig) Delete(ctx context.Context, name, section string) error {
	if err := v.pre(ctx, "config delete"); err != nil {
		return err
	}
	if err := validateConfigName(name); err != nil {
		return err
	}
	if err := ValidateConfigSection(section); err != nil {
		return err
	}
	return v.next.Delete(ctx, name, section)
}

// ValidatedMgrModules wraps next.
func ValidatedMgrModules(next MgrModules) MgrModules { return vMgr{next} }

type vMgr struct{ next MgrModules }

func (v vMgr) pre(ctx context.Context, what, name string, needName bool) error {
	if err := CheckArgs(ctx, "mgr_modules"); err != nil {
		return err
	}
	if v.next == nil {
		return UnimplementedError("mgr_modules", what)
	}
	if needName {
		return ValidateName("mgr_modules", "module", name)
	}
	return nil
}

func (v vMgr) List(ctx context.Context) ([]MgrModule, error) {
	if err := v.pre(ctx, "module list", "", false); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vMgr) Get(ctx context.Context, name string) (map[string]any, error) {
	if err := v.pre(ctx, "module get", name, true); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, name)
}

func (v vMgr) Options(ctx context.Context, name string) (map[string]MgrModuleOption, error) {
	if err := v.pre(ctx, "module options", name, true); err != nil {
		return nil, err
	}
	return v.next.Options(ctx, name)
}

func (v vMgr) Enable(ctx context.Context, name string) error {
	if err := v.pre(ctx, "module enable", name, true); err != nil {
		return err
	}
	return v.next.Enable(ctx, name)
}

func (v vMgr) Disable(ctx context.Context, name string) error {
	if err := v.pre(ctx, "module disable", name, true); err != nil {
		return err
	}
	return v.next.Disable(ctx, name)
}

func (v vMgr) SetOptions(ctx context.Context, name string, values map[string]any) error {
	if err := v.pre(ctx, "module set options", name, true); err != nil {
		return err
	}
	return v.next.SetOptions(ctx, name, values)
}

// ValidatedLogs wraps next.
func ValidatedLogs(next Logs) Logs { return vLogs{next} }

type vLogs struct{ next Logs }

func (v vLogs) Recent(ctx context.Context, opts *LogOptions) (*RecentLogs, error) {
	if err := CheckArgs(ctx, "logs"); err != nil {
		return nil, err
	}
	if v.next == nil {
		return nil, UnimplementedError("logs", "logs")
	}
	if opts != nil && (opts.Lines < 0 || opts.Lines > 10000) {
		return nil, Errorf(InvalidArgument, "logs", "lines must be between 0 and 10000, got %d", opts.Lines)
	}
	return v.next.Recent(ctx, opts)
}

// ValidatedPerfCounters wraps next.
func ValidatedPerfCounters(next PerfCounters) PerfCounters { return vPerf{next} }

type vPerf struct{ next PerfCounters }

// DaemonTypes are the daemon types that have perf counters.
var DaemonTypes = []string{"mon", "mgr", "osd", "mds", "rgw", "rbd-mirror", "tcmu-runner"}

func (v vPerf) All(ctx context.Context) (map[string]map[string]PerfCounter, error) {
	if err := CheckArgs(ctx, "perf_counters"); err != nil {
		return nil, err
	}
	if v.next == nil {
		return nil, UnimplementedError("perf_counters", "perf counters")
	}
	return v.next.All(ctx)
}

func (v vPerf) Daemon(ctx context.Context, daemonType, id string) (*DaemonPerfCounters, error) {
	if err := CheckArgs(ctx, "perf_counters"); err != nil {
		return nil, err
	}
	if v.next == nil {
		return nil, UnimplementedError("perf_counters", "perf counters")
	}
	if err := oneOf("perf_counters", "daemon type", daemonType, DaemonTypes); err != nil {
		return nil, err
	}
	if err := ValidateName("perf_counters", "daemon", id); err != nil {
		return nil, err
	}
	return v.next.Daemon(ctx, daemonType, id)
}

// ValidatedCommander wraps next.
func ValidatedCommander(next Commander) Commander { return vCmd{next} }

type vCmd struct{ next Commander }

func (v vCmd) Command(ctx context.Context, cmd Command) (*CommandResult, error) {
	if err := CheckArgs(ctx, "command"); err != nil {
		return nil, err
	}
	if v.next == nil {
		return nil, UnimplementedError("command", "command")
	}
	if cmd.Prefix == "" {
		return nil, Errorf(InvalidArgument, "command", "command prefix must not be empty")
	}
	switch cmd.Format {
	case "", "plain", "json", "json-pretty", "xml", "xml-pretty":
	default:
		return nil, Errorf(InvalidArgument, "command", "invalid output format %q", cmd.Format)
	}
	switch cmd.Target {
	case "", "mon", "mgr":
	default:
		return nil, Errorf(InvalidArgument, "command", "invalid command target %q: want mon or mgr", cmd.Target)
	}
	return v.next.Command(ctx, cmd)
}
