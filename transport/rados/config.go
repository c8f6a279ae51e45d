package rados

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/cephapi/cephapi/ceph"
)

const configComponent = "cluster_configuration"

// config manages the configuration database with `config dump/set/rm`; the
// option schema comes from the leader monitor's `config help` (all options
// of this Ceph release), fetched once and kept.
type config struct {
	ceph.UnimplementedClusterConfig
	r      *runner
	schema *schemaCache
}

var _ ceph.ClusterConfig = config{}

type schemaCache struct {
	mu      sync.Mutex
	options []ceph.ConfigOption
	fsid    string
}

type configHelp struct {
	Options []ceph.ConfigOption `json:"options"`
}

// configDumpEntry is one line of `config dump`.
type configDumpEntry struct {
	Section string `json:"section"`
	Name    string `json:"name"`
	Value   string `json:"value"`
}

// load returns the option schema and the fsid, asking the leader monitor
// on first use.
func (c config) load(ctx context.Context) ([]ceph.ConfigOption, string, error) {
	c.schema.mu.Lock()
	defer c.schema.mu.Unlock()
	if c.schema.options != nil {
		return c.schema.options, c.schema.fsid, nil
	}
	var q quorumStatus
	if err := c.r.monJSON(ctx, configComponent, &q, "quorum_status", nil); err != nil {
		return nil, "", err
	}
	cmd := encode("config help", "json", nil)
	out, _, err := c.r.read(ctx, configComponent, "config help", func() ([]byte, string, error) {
		return c.r.c.MonCommandTarget(q.QuorumLeaderName, [][]byte{cmd})
	})
	if err != nil {
		return nil, "", err
	}
	var h configHelp
	if err := jsonUnmarshal(out, &h); err != nil {
		return nil, "", badReply(configComponent, "config help", err)
	}
	opts, err := c.withDebugOptions(ctx, q.QuorumLeaderName, h.Options)
	if err != nil {
		return nil, "", err
	}
	c.schema.options, c.schema.fsid = opts, q.MonMap.FSID
	return opts, q.MonMap.FSID, nil
}

// withDebugOptions adds the debug_* logging levels, which the whole-schema
// `config help` leaves out and the dashboard (the mgr's schema) lists:
// their names come from the leader's `config show`, each schema from the
// cluster's `config help NAME`. Once per connection (the schema is kept).
func (c config) withDebugOptions(ctx context.Context, leader string, opts []ceph.ConfigOption) ([]ceph.ConfigOption, error) {
	have := make(map[string]bool, len(opts))
	for _, o := range opts {
		have[o.Name] = true
	}
	cmd := encode("config show", "json", nil)
	out, _, err := c.r.read(ctx, configComponent, "config show", func() ([]byte, string, error) {
		return c.r.c.MonCommandTarget(leader, [][]byte{cmd})
	})
	if err != nil {
		return nil, err
	}
	var shown map[string]any
	if err := jsonUnmarshal(out, &shown); err != nil {
		return nil, badReply(configComponent, "config show", err)
	}
	var names []string
	for n := range shown {
		if strings.HasPrefix(n, "debug_") && !have[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		var o ceph.ConfigOption
		if err := c.r.monJSON(ctx, configComponent, &o, "config help", args{"key": n}); err != nil {
			return nil, err
		}
		if o.Name == n {
			opts = append(opts, o)
		}
	}
	return opts, nil
}

// withValues returns copies of opts with the values of the configuration
// database attached, as the dashboard does (fsid shows as set in "mgr").
func withValues(opts []ceph.ConfigOption, dump []configDumpEntry, fsid string) []ceph.ConfigOption {
	dump = append(dump, configDumpEntry{Section: "mgr", Name: "fsid", Value: fsid})
	byName := make(map[string][]ceph.ConfigValue)
	for _, e := range dump {
		byName[e.Name] = append(byName[e.Name], ceph.ConfigValue{Section: e.Section, Value: e.Value})
	}
	out := make([]ceph.ConfigOption, len(opts))
	for i, o := range opts {
		if v, ok := byName[o.Name]; ok {
			o.Value = v
			o.Source = "mon"
		}
		out[i] = o
	}
	return out
}

func (c config) options(ctx context.Context, names []string) ([]ceph.ConfigOption, error) {
	schema, fsid, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	if names != nil {
		want := map[string]bool{}
		for _, n := range names {
			want[n] = true
		}
		var sel []ceph.ConfigOption
		for _, n := range names {
			for _, o := range schema {
				if o.Name == n && want[n] {
					sel = append(sel, o)
					want[n] = false
				}
			}
		}
		schema = sel
		if len(schema) == 0 {
			return nil, nil
		}
	}
	var dump []configDumpEntry
	if err := c.r.monJSON(ctx, configComponent, &dump, "config dump", nil); err != nil {
		return nil, err
	}
	return withValues(schema, dump, fsid), nil
}

// List is cached (the whole schema with its values: encoding it is most of
// a request's cost, and a cached value is encoded once) and versioned by
// the configuration database's version: the schema is kept per
// connection, and the values (`config dump`) change only with a new
// version, so an unchanged database keeps the list, and its encoding,
// for another second after a `config log 1`.
func (c config) List(ctx context.Context) ([]ceph.ConfigOption, error) {
	return cachedVersioned(ctx, c.r.cache, configComponent, "config/list", c.r.configVersion, func(ctx context.Context) ([]ceph.ConfigOption, error) {
		return c.options(ctx, nil)
	})
}

func (c config) Get(ctx context.Context, name string) (*ceph.ConfigOption, error) {
	opts, err := c.options(ctx, []string{name})
	if err != nil {
		return nil, err
	}
	if len(opts) == 0 {
		return nil, errorf(ceph.NotFound, configComponent, "config option %s not found", name)
	}
	return &opts[0], nil
}

func (c config) Filter(ctx context.Context, names []string) ([]ceph.ConfigOption, error) {
	opts, err := c.options(ctx, names)
	if err != nil {
		return nil, err
	}
	if len(opts) == 0 {
		return nil, errorf(ceph.NotFound, configComponent, "Config options `%s` not found", joinComma(names))
	}
	return opts, nil
}

// runtimeCheck refuses options that cannot change at run time, as the
// dashboard does.
func (c config) runtimeCheck(ctx context.Context, names []string) error {
	var bad []string
	for _, n := range names {
		o, err := c.Get(ctx, n)
		if err != nil {
			return err
		}
		if !o.CanUpdateAtRuntime {
			bad = append(bad, n)
		}
	}
	if len(bad) > 0 {
		return &ceph.Error{Code: ceph.InvalidArgument, Component: configComponent,
			Reason: "config_option_not_updatable_at_runtime",
			Detail: "Config option " + joinComma(bad) + " is/are not updatable at runtime"}
	}
	return nil
}

func (c config) Set(ctx context.Context, name string, values []ceph.ConfigValue) error {
	if err := c.runtimeCheck(ctx, []string{name}); err != nil {
		return err
	}
	for _, section := range ceph.ConfigSections {
		set := false
		for _, v := range values {
			if v.Section == section {
				if _, err := c.r.monWrite(ctx, configComponent, "config set", args{"who": section, "name": name, "value": v.Value}); err != nil {
					return err
				}
				set = true
				break
			}
		}
		if !set {
			if _, err := c.r.monWrite(ctx, configComponent, "config rm", args{"who": section, "name": name}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c config) SetMany(ctx context.Context, values map[string]ceph.ConfigValue) error {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sortStrings(names)
	if err := c.runtimeCheck(ctx, names); err != nil {
		return err
	}
	for _, n := range names {
		v := values[n]
		if _, err := c.r.monWrite(ctx, configComponent, "config set", args{"who": v.Section, "name": n, "value": v.Value}); err != nil {
			return err
		}
	}
	return nil
}

func (c config) Delete(ctx context.Context, name, section string) error {
	_, err := c.r.monWrite(ctx, configComponent, "config rm", args{"who": section, "name": name})
	return err
}
