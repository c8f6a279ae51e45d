package ceph

import (
	"sort"
)

//go:generate go run ../internal/svcgen -o services_gen.go Health=health Monitors=monitor Pools=pool CrushRules=crush_rule ErasureCodeProfiles=erasure_code_profile ClusterConfig=cluster_configuration MgrModules=mgr_modules Logs=logs PerfCounters=perf_counters Hosts=host Commander=command

// The argument checks of the operations of this package beyond their
// argument types' Validate methods (PoolCreateOptions, ...). The
// generated Validated* wrappers (services_gen.go) run them, so that every
// transport rejects the same bad input with the same error before any call
// reaches Ceph; cephapi.New applies the wrappers.
type (
	poolsChecks               struct{}
	crushrulesChecks          struct{}
	erasurecodeprofilesChecks struct{}
	clusterconfigChecks       struct{}
	mgrmodulesChecks          struct{}
	perfcountersChecks        struct{}
	commanderChecks           struct{}
	hostsChecks               struct{}
)

func poolName(name string) error { return ValidateName("pool", "pool", name) }

func (poolsChecks) Get(name string, _ *PoolGetOptions) error       { return poolName(name) }
func (poolsChecks) Create(name string, _ *PoolCreateOptions) error { return poolName(name) }
func (poolsChecks) Update(name string, _ *PoolUpdateOptions) error { return poolName(name) }
func (poolsChecks) Delete(name string) error                       { return poolName(name) }
func (poolsChecks) Configuration(name string) error                { return poolName(name) }

func crushRuleName(name string) error { return ValidateName("crush_rule", "crush rule", name) }

func (crushrulesChecks) Get(name string) error { return crushRuleName(name) }
func (crushrulesChecks) Create(name string, _ *CrushRuleCreateOptions) error {
	return crushRuleName(name)
}
func (crushrulesChecks) Delete(name string) error { return crushRuleName(name) }

func ecpName(name string) error {
	return ValidateName("erasure_code_profile", "erasure code profile", name)
}

func (erasurecodeprofilesChecks) Get(name string) error { return ecpName(name) }
func (erasurecodeprofilesChecks) Create(name string, _ *ErasureCodeProfileCreateOptions) error {
	return ecpName(name)
}
func (erasurecodeprofilesChecks) Delete(name string) error { return ecpName(name) }

const cfgComponent = "cluster_configuration"

func (clusterconfigChecks) Get(name string) error { return validateConfigName(name) }

func (clusterconfigChecks) Filter(names []string) error {
	if len(names) == 0 {
		return Errorf(InvalidArgument, cfgComponent, "no option names given")
	}
	for _, n := range names {
		if err := validateConfigName(n); err != nil {
			return err
		}
	}
	return nil
}

func (clusterconfigChecks) Set(name string, values []ConfigValue) error {
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
	return nil
}

func (clusterconfigChecks) SetMany(values map[string]ConfigValue) error {
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
	return nil
}

func (clusterconfigChecks) Delete(name, section string) error {
	if err := validateConfigName(name); err != nil {
		return err
	}
	return ValidateConfigSection(section)
}

func moduleName(name string) error { return ValidateName("mgr_modules", "module", name) }

func (mgrmodulesChecks) Get(name string) error                          { return moduleName(name) }
func (mgrmodulesChecks) Options(name string) error                      { return moduleName(name) }
func (mgrmodulesChecks) Enable(name string) error                       { return moduleName(name) }
func (mgrmodulesChecks) Disable(name string) error                      { return moduleName(name) }
func (mgrmodulesChecks) SetOptions(name string, _ map[string]any) error { return moduleName(name) }

func (hostsChecks) Get(hostname string) error { return ValidateName("host", "host", hostname) }

// Validate checks the number of lines asked for.
func (o *LogOptions) Validate() error {
	if o != nil && (o.Lines < 0 || o.Lines > 10000) {
		return Errorf(InvalidArgument, "logs", "lines must be between 0 and 10000, got %d", o.Lines)
	}
	return nil
}

// DaemonTypes are the daemon types that have perf counters.
var DaemonTypes = []string{"mon", "mgr", "osd", "mds", "rgw", "rbd-mirror", "tcmu-runner"}

func (perfcountersChecks) Daemon(daemonType, id string) error {
	if err := oneOf("perf_counters", "daemon type", daemonType, DaemonTypes); err != nil {
		return err
	}
	return ValidateName("perf_counters", "daemon", id)
}

// Validate checks a command's prefix, output format and target.
func (cmd Command) Validate() error {
	if cmd.Prefix == "" {
		return Errorf(InvalidArgument, "command", "command prefix must not be empty")
	}
	switch cmd.Format {
	case "", "plain", "json", "json-pretty", "xml", "xml-pretty":
	default:
		return Errorf(InvalidArgument, "command", "invalid output format %q", cmd.Format)
	}
	switch cmd.Target {
	case "", "mon", "mgr":
	default:
		return Errorf(InvalidArgument, "command", "invalid command target %q: want mon or mgr", cmd.Target)
	}
	return nil
}
