package rados

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

const mgrComponent = "mgr_modules"

// mgrModules manages manager modules from the manager map and the
// configuration database (`config set mgr mgr/<module>/<option>`).
type mgrModules struct {
	r *runner
	ceph.UnimplementedMgrModules
}

var _ ceph.MgrModules = mgrModules{}

// ignoredModules are hidden from the API, as the dashboard hides them.
var ignoredModules = map[string]bool{"selftest": true}

// release is the Ceph release this transport targets (Debian 12's Ceph).
const release = "pacific"

// rawModuleOption is a module option as the manager map has it: every
// number and default as a string.
type rawModuleOption struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Level        string   `json:"level"`
	Flags        int      `json:"flags"`
	DefaultValue string   `json:"default_value"`
	Min          string   `json:"min"`
	Max          string   `json:"max"`
	EnumAllowed  []string `json:"enum_allowed"`
	Desc         string   `json:"desc"`
	LongDesc     string   `json:"long_desc"`
	Tags         []string `json:"tags"`
	SeeAlso      []string `json:"see_also"`
}

type rawModule struct {
	Name          string                     `json:"name"`
	CanRun        bool                       `json:"can_run"`
	ErrorString   string                     `json:"error_string"`
	ModuleOptions map[string]rawModuleOption `json:"module_options"`
}

type mgrModuleMap struct {
	Modules          []string            `json:"modules"`
	AlwaysOnModules  map[string][]string `json:"always_on_modules"`
	AvailableModules []rawModule         `json:"available_modules"`
}

// typedValue converts a module option's string value to its type, as the
// dashboard does ("None" is Python's None).
func typedValue(typ, s string, isDefault bool) any {
	switch typ {
	case "str":
		if s == "None" && isDefault {
			return ""
		}
		return s
	case "bool":
		if s == "" {
			return false
		}
		b, err := strconv.ParseBool(strings.ToLower(s))
		if err != nil {
			return s
		}
		return b
	case "float", "uint", "int", "size", "secs":
		if s == "None" {
			return nil
		}
		if s == "" {
			return s
		}
		if typ == "float" {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f
			}
			return s
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return int64(f)
		}
		return s
	}
	return s
}

func convertOption(o rawModuleOption) ceph.MgrModuleOption {
	bound := func(s string) any {
		switch o.Type {
		case "float", "uint", "int", "size", "secs":
			return typedValue(o.Type, s, true)
		}
		return s
	}
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return ceph.MgrModuleOption{
		Name: o.Name, Type: o.Type, Level: o.Level, Flags: o.Flags,
		DefaultValue: typedValue(o.Type, o.DefaultValue, true), Min: bound(o.Min), Max: bound(o.Max),
		EnumAllowed: nz(o.EnumAllowed), Desc: o.Desc, LongDesc: o.LongDesc, Tags: nz(o.Tags), SeeAlso: nz(o.SeeAlso),
	}
}

func convertOptions(raw map[string]rawModuleOption) map[string]ceph.MgrModuleOption {
	out := make(map[string]ceph.MgrModuleOption, len(raw))
	for k, o := range raw {
		out[k] = convertOption(o)
	}
	return out
}

func (m mgrModules) mgrMap(ctx context.Context) (*mgrModuleMap, error) {
	var mm mgrModuleMap
	if err := m.r.monJSON(ctx, mgrComponent, &mm, "mgr dump", nil); err != nil {
		return nil, err
	}
	return &mm, nil
}

func (mm *mgrModuleMap) list() []ceph.MgrModule {
	always := map[string]bool{}
	for _, n := range mm.AlwaysOnModules[release] {
		always[n] = true
	}
	enabled := map[string]bool{}
	for _, n := range mm.Modules {
		enabled[n] = true
	}
	out := []ceph.MgrModule{}
	for _, am := range mm.AvailableModules {
		if ignoredModules[am.Name] {
			continue
		}
		out = append(out, ceph.MgrModule{
			Name: am.Name, Enabled: enabled[am.Name] || always[am.Name], AlwaysOn: always[am.Name],
			Options: convertOptions(am.ModuleOptions),
		})
	}
	return out
}

func (mm *mgrModuleMap) module(name string) (*rawModule, error) {
	if !ignoredModules[name] {
		for i := range mm.AvailableModules {
			if mm.AvailableModules[i].Name == name {
				return &mm.AvailableModules[i], nil
			}
		}
	}
	return nil, errorf(ceph.NotFound, mgrComponent, "manager module %s not found", name)
}

func (m mgrModules) List(ctx context.Context) ([]ceph.MgrModule, error) {
	return cachedVersioned(ctx, m.r.cache, mgrComponent, "mgr/modules", func(ctx context.Context) (string, error) { return m.r.mgrEpoch(ctx, mgrComponent) }, m.list)
}

func (m mgrModules) list(ctx context.Context) ([]ceph.MgrModule, error) {
	mm, err := m.mgrMap(ctx)
	if err != nil {
		return nil, err
	}
	return mm.list(), nil
}

func (m mgrModules) find(ctx context.Context, name string) (*rawModule, error) {
	mm, err := m.mgrMap(ctx)
	if err != nil {
		return nil, err
	}
	return mm.module(name)
}

// moduleValues returns each option's value: from the configuration
// database (section mgr, key mgr/<module>/<option>) or its default.
func moduleValues(mod *rawModule, dump []configDumpEntry) map[string]any {
	set := map[string]string{}
	prefix := "mgr/" + mod.Name + "/"
	for _, e := range dump {
		if (e.Section == "mgr" || e.Section == "global") && strings.HasPrefix(e.Name, prefix) {
			if _, ok := set[e.Name]; !ok || e.Section == "mgr" {
				set[e.Name] = e.Value
			}
		}
	}
	out := make(map[string]any, len(mod.ModuleOptions))
	for name, o := range mod.ModuleOptions {
		if v, ok := set[prefix+name]; ok {
			out[name] = typedValue(o.Type, v, false)
		} else {
			out[name] = typedValue(o.Type, o.DefaultValue, true)
		}
	}
	return out
}

func (m mgrModules) Get(ctx context.Context, name string) (map[string]any, error) {
	mod, err := m.find(ctx, name)
	if err != nil {
		return nil, err
	}
	var dump []configDumpEntry
	if err := m.r.monJSON(ctx, mgrComponent, &dump, "config dump", nil); err != nil {
		return nil, err
	}
	return moduleValues(mod, dump), nil
}

func (m mgrModules) Options(ctx context.Context, name string) (map[string]ceph.MgrModuleOption, error) {
	mod, err := m.find(ctx, name)
	if err != nil {
		return nil, err
	}
	return convertOptions(mod.ModuleOptions), nil
}

func (m mgrModules) Enable(ctx context.Context, name string) error {
	if _, err := m.find(ctx, name); err != nil {
		return err
	}
	_, err := m.r.monWrite(ctx, mgrComponent, "mgr module enable", args{"module": name})
	return err
}

func (m mgrModules) Disable(ctx context.Context, name string) error {
	if _, err := m.find(ctx, name); err != nil {
		return err
	}
	_, err := m.r.monWrite(ctx, mgrComponent, "mgr module disable", args{"module": name})
	return err
}

// optionString formats a value for `config set`.
func optionString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func (m mgrModules) SetOptions(ctx context.Context, name string, values map[string]any) error {
	mod, err := m.find(ctx, name)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		if _, ok := mod.ModuleOptions[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := m.r.monWrite(ctx, mgrComponent, "config set",
			args{"who": "mgr", "name": "mgr/" + name + "/" + k, "value": optionString(values[k])}); err != nil {
			return err
		}
	}
	return nil
}
