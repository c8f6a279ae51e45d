package memory

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/cephapi/cephapi/ceph"
)

type mgrModulesService struct {
	*backend
	ceph.UnimplementedMgrModules
}

func cloneModuleOption(o ceph.MgrModuleOption) ceph.MgrModuleOption {
	o.EnumAllowed, o.Tags, o.SeeAlso = cloneStrings(o.EnumAllowed), cloneStrings(o.Tags), cloneStrings(o.SeeAlso)
	return o
}

func (m *mgrModule) optionsCopy() map[string]ceph.MgrModuleOption {
	out := make(map[string]ceph.MgrModuleOption, len(m.options))
	for k, o := range m.options {
		out[k] = cloneModuleOption(o)
	}
	return out
}

// moduleLocked returns a module the dashboard manages (not hidden).
func (c *cluster) moduleLocked(name string) (*mgrModule, error) {
	m := c.moduleIndex[name]
	if m == nil || hiddenModules[name] {
		return nil, ceph.Errorf(ceph.NotFound, "mgr_modules", "module '%s' does not exist", name)
	}
	return m, nil
}

func (s mgrModulesService) List(ctx context.Context) ([]ceph.MgrModule, error) {
	return view(s.backend, ctx, "MgrModules.List", nil, func(c *cluster) ([]ceph.MgrModule, error) {
		out := make([]ceph.MgrModule, 0, len(c.modules))
		for _, m := range c.modules {
			if hiddenModules[m.name] {
				continue
			}
			out = append(out, ceph.MgrModule{Name: m.name, Enabled: m.enabled || alwaysOnModules[m.name],
				AlwaysOn: alwaysOnModules[m.name], Options: m.optionsCopy()})
		}
		return out, nil
	})
}

func (s mgrModulesService) Get(ctx context.Context, name string) (map[string]any, error) {
	return view(s.backend, ctx, "MgrModules.Get", []any{name}, func(c *cluster) (map[string]any, error) {
		m, err := c.moduleLocked(name)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m.options))
		for k, o := range m.options {
			if v, ok := m.values[k]; ok {
				out[k] = v
			} else {
				out[k] = o.DefaultValue
			}
		}
		return out, nil
	})
}

func (s mgrModulesService) Options(ctx context.Context, name string) (map[string]ceph.MgrModuleOption, error) {
	return view(s.backend, ctx, "MgrModules.Options", []any{name}, func(c *cluster) (map[string]ceph.MgrModuleOption, error) {
		m, err := c.moduleLocked(name)
		if err != nil {
			return nil, err
		}
		return m.optionsCopy(), nil
	})
}

func (s mgrModulesService) Enable(ctx context.Context, name string) error {
	cmd := command("mgr module enable", "module", name)
	return s.write(ctx, "MgrModules.Enable", []any{name}, cmd, func(c *cluster) error {
		m, err := c.moduleLocked(name)
		if err != nil {
			return ceph.Errorf(ceph.NotFound, "mgr_modules", "all mgr daemons do not support module '%s', pass --force to force enablement", name)
		}
		if !m.enabled && !alwaysOnModules[name] {
			m.enabled = true
			c.mgrEpoch++
			c.clogLocked("[DBG]", "mgrmap e%d: x(active, since 0s)", c.mgrEpoch)
		}
		return nil
	})
}

func (s mgrModulesService) Disable(ctx context.Context, name string) error {
	cmd := command("mgr module disable", "module", name)
	return s.write(ctx, "MgrModules.Disable", []any{name}, cmd, func(c *cluster) error {
		m, err := c.moduleLocked(name)
		if err != nil {
			return err
		}
		if alwaysOnModules[name] {
			return ceph.Errorf(ceph.InvalidArgument, "mgr_modules", "module '%s' cannot be disabled (always-on)", name)
		}
		if m.enabled {
			m.enabled = false
			c.mgrEpoch++
			c.clogLocked("[DBG]", "mgrmap e%d: x(active, since 0s)", c.mgrEpoch)
		}
		return nil
	})
}

// coerceModuleValue converts v (from JSON or Go) to the option's type.
func coerceModuleValue(o ceph.MgrModuleOption, v any) (any, error) {
	bad := func() error {
		return ceph.Errorf(ceph.InvalidArgument, "mgr_modules", "invalid value %v for option %s of type %s", v, o.Name, o.Type)
	}
	var out any
	switch o.Type {
	case "bool":
		switch x := v.(type) {
		case bool:
			out = x
		case string:
			b, ok := parseBool(x)
			if !ok {
				return nil, bad()
			}
			out = b
		default:
			return nil, bad()
		}
	case "int", "uint", "secs", "size":
		var n int64
		switch x := v.(type) {
		case float64:
			if x != math.Trunc(x) {
				return nil, bad()
			}
			n = int64(x)
		case int:
			n = int64(x)
		case int64:
			n = x
		case string:
			p, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return nil, bad()
			}
			n = p
		default:
			return nil, bad()
		}
		if o.Type != "int" && n < 0 {
			return nil, bad()
		}
		out = n
	case "float":
		switch x := v.(type) {
		case float64:
			out = x
		case int:
			out = float64(x)
		case string:
			f, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return nil, bad()
			}
			out = f
		default:
			return nil, bad()
		}
	default:
		out = fmt.Sprint(v)
	}
	if len(o.EnumAllowed) > 0 && !slices.Contains(o.EnumAllowed, fmt.Sprint(out)) {
		return nil, bad()
	}
	return out, nil
}

// SetOptions sets the module's options; names the module does not have are
// ignored, as the dashboard does.
func (s mgrModulesService) SetOptions(ctx context.Context, name string, values map[string]any) error {
	return s.update(ctx, "MgrModules.SetOptions", []any{name, values}, func(c *cluster) error {
		m, err := c.moduleLocked(name)
		if err != nil {
			return err
		}
		set := map[string]any{}
		for _, k := range sortedKeys(values) {
			o, ok := m.options[k]
			if !ok {
				continue
			}
			v, err := coerceModuleValue(o, values[k])
			if err != nil {
				return err
			}
			set[k] = v
		}
		for _, k := range sortedKeys(set) {
			c.auditLocked(command("config set", "who", "mgr", "name", "mgr/"+name+"/"+k, "value", fmt.Sprint(set[k])))()
			m.values[k] = set[k]
		}
		return nil
	})
}
