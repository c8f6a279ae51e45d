package memory

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

const cfgComponent = "cluster_configuration"

type configService struct {
	*backend
	ceph.UnimplementedClusterConfig
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s)
}

// sectionRank orders sections as `ceph config dump` does: global, then
// the daemon types, then masks and single daemons.
func sectionRank(s string) int {
	for i, x := range ceph.ConfigSections {
		if s == x {
			return i
		}
	}
	return len(ceph.ConfigSections)
}

func (c *cluster) optionLocked(i int) ceph.ConfigOption {
	o := c.schema[i]
	o.Tags, o.Services, o.SeeAlso = cloneStrings(o.Tags), cloneStrings(o.Services), cloneStrings(o.SeeAlso)
	o.EnumValues, o.Flags = cloneStrings(o.EnumValues), cloneStrings(o.Flags)
	vals := c.config[o.Name]
	if len(vals) > 0 {
		secs := make([]string, 0, len(vals))
		for s := range vals {
			secs = append(secs, s)
		}
		slices.SortFunc(secs, func(a, b string) int {
			if ra, rb := sectionRank(a), sectionRank(b); ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		for _, s := range secs {
			o.Value = append(o.Value, ceph.ConfigValue{Section: s, Value: vals[s]})
		}
		o.Source = "mon"
	}
	return o
}

func (s configService) List(ctx context.Context) ([]ceph.ConfigOption, error) {
	return view(s.backend, ctx, "Config.List", nil, func(c *cluster) ([]ceph.ConfigOption, error) {
		out := make([]ceph.ConfigOption, len(c.schema))
		for i := range c.schema {
			out[i] = c.optionLocked(i)
		}
		return out, nil
	})
}

func (c *cluster) optionIndex(name string) (int, error) {
	i, ok := c.schemaIndex[name]
	if !ok {
		return 0, ceph.Errorf(ceph.NotFound, cfgComponent, "unrecognized config option '%s'", name)
	}
	return i, nil
}

func (s configService) Get(ctx context.Context, name string) (*ceph.ConfigOption, error) {
	return view(s.backend, ctx, "Config.Get", []any{name}, func(c *cluster) (*ceph.ConfigOption, error) {
		i, err := c.optionIndex(name)
		if err != nil {
			return nil, err
		}
		o := c.optionLocked(i)
		return &o, nil
	})
}

func (s configService) Filter(ctx context.Context, names []string) ([]ceph.ConfigOption, error) {
	return view(s.backend, ctx, "Config.Filter", []any{names}, func(c *cluster) ([]ceph.ConfigOption, error) {
		var out []ceph.ConfigOption
		for _, n := range names {
			if i, ok := c.schemaIndex[n]; ok {
				out = append(out, c.optionLocked(i))
			}
		}
		if len(out) == 0 {
			return nil, ceph.Errorf(ceph.NotFound, cfgComponent, "Config options `%s` not found", strings.Join(names, ","))
		}
		return out, nil
	})
}

// checkRuntimeLocked gives the dashboard's error for options that cannot
// change at runtime.
func (c *cluster) checkRuntimeLocked(names []string) error {
	var bad []string
	for _, n := range names {
		i, err := c.optionIndex(n)
		if err != nil {
			return err
		}
		if !c.schema[i].CanUpdateAtRuntime {
			bad = append(bad, n)
		}
	}
	if len(bad) > 0 {
		return &ceph.Error{Code: ceph.InvalidArgument, Component: cfgComponent,
			Reason: "config_option_not_updatable_at_runtime",
			Detail: fmt.Sprintf("Config option %s is/are not updatable at runtime", strings.Join(bad, ", "))}
	}
	return nil
}

func numBound(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

// parseConfigValue checks value against the option's type and bounds and
// returns it normalized, as `ceph config set` does ("03" is stored as "3",
// "1" as "true" for a bool, "0.5" as "0.500000", debug level "5" as "5/5");
// bad values give Ceph's EINVAL "error parsing value: ..." messages.
func (c *cluster) parseConfigValue(i int, value string) (string, error) {
	o := c.schema[i]
	bad := func(why string) (string, error) {
		return "", ceph.Errorf(ceph.InvalidArgument, cfgComponent, "error parsing value: %s", why)
	}
	v := strings.TrimSpace(value)
	var num float64
	isNum := false
	switch o.Type {
	case "int", "uint", "size", "secs":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("strict_si_cast: unit prefix not recognized")
		}
		num, isNum = float64(n), true
		v = strconv.FormatInt(n, 10)
	case "float":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) {
			return bad(fmt.Sprintf("strict_strtod: expected double, got: '%s'", value))
		}
		num, isNum = f, true
		v = strconv.FormatFloat(f, 'f', 6, 64)
	case "bool":
		b, ok := parseBool(v)
		if !ok {
			return bad(fmt.Sprintf("Expected option value to be integer, got '%s'", value))
		}
		v = strconv.FormatBool(b)
	case "str":
		if strings.HasPrefix(o.Name, "debug_") && !strings.Contains(v, "/") {
			if _, err := strconv.Atoi(v); err == nil {
				v = v + "/" + v
			}
		}
	}
	if isNum {
		if lo, ok := numBound(o.Min); ok && num < lo {
			return bad(fmt.Sprintf("Value '%s' is below minimum %s", value, formatDefault(lo)))
		}
		if hi, ok := numBound(o.Max); ok && num > hi {
			return bad(fmt.Sprintf("Value '%s' exceeds maximum %s", value, formatDefault(hi)))
		}
	}
	if len(o.EnumValues) > 0 && !slices.Contains(o.EnumValues, v) {
		return bad(fmt.Sprintf("'%s' is not one of the permitted values: %s", value, strings.Join(o.EnumValues, ", ")))
	}
	return v, nil
}

func (c *cluster) setConfigLocked(name, section, value string) {
	c.auditLocked(command("config set", "who", section, "name", name, "value", value))()
	if c.config[name] == nil {
		c.config[name] = map[string]string{}
	}
	c.config[name][section] = value
}

func (c *cluster) rmConfigLocked(name, section string) {
	c.auditLocked(command("config rm", "who", section, "name", name))()
	if vals := c.config[name]; vals != nil {
		delete(vals, section)
		if len(vals) == 0 {
			delete(c.config, name)
		}
	}
}

// Set makes values the option's complete set of sections. An empty value
// removes its section, like a section that is not given.
func (s configService) Set(ctx context.Context, name string, values []ceph.ConfigValue) error {
	return s.update(ctx, "Config.Set", []any{name, values}, func(c *cluster) error {
		if err := c.checkRuntimeLocked([]string{name}); err != nil {
			return err
		}
		i := c.schemaIndex[name]
		want := map[string]string{}
		for _, v := range values {
			if v.Value == "" {
				continue
			}
			norm, err := c.parseConfigValue(i, v.Value)
			if err != nil {
				return err
			}
			want[v.Section] = norm
		}
		for _, sec := range sortedKeys(c.config[name]) {
			if _, ok := want[sec]; !ok {
				c.rmConfigLocked(name, sec)
			}
		}
		for _, sec := range sortedKeys(want) {
			c.setConfigLocked(name, sec, want[sec])
		}
		c.healthChangedLocked()
		return nil
	})
}

func (s configService) SetMany(ctx context.Context, values map[string]ceph.ConfigValue) error {
	return s.update(ctx, "Config.SetMany", []any{values}, func(c *cluster) error {
		names := sortedKeys(values)
		if err := c.checkRuntimeLocked(names); err != nil {
			return err
		}
		norm := make(map[string]string, len(names))
		for _, n := range names {
			v, err := c.parseConfigValue(c.schemaIndex[n], values[n].Value)
			if err != nil {
				return err
			}
			norm[n] = v
		}
		for _, n := range names {
			c.setConfigLocked(n, values[n].Section, norm[n])
		}
		c.healthChangedLocked()
		return nil
	})
}

func (s configService) Delete(ctx context.Context, name, section string) error {
	return s.update(ctx, "Config.Delete", []any{name, section}, func(c *cluster) error {
		if _, err := c.optionIndex(name); err != nil {
			return err
		}
		c.rmConfigLocked(name, section)
		c.healthChangedLocked()
		return nil
	})
}
