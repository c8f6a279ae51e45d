package ceph

import "context"

// MgrModuleOption describes one option of a manager module.
type MgrModuleOption struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Level        string   `json:"level"`
	Flags        int      `json:"flags"`
	DefaultValue any      `json:"default_value"`
	Min          any      `json:"min"`
	Max          any      `json:"max"`
	EnumAllowed  []string `json:"enum_allowed"`
	Desc         string   `json:"desc"`
	LongDesc     string   `json:"long_desc"`
	Tags         []string `json:"tags"`
	SeeAlso      []string `json:"see_also"`
}

// MgrModule is a manager module.
type MgrModule struct {
	Name     string                     `json:"name"`
	Enabled  bool                       `json:"enabled"`
	AlwaysOn bool                       `json:"always_on"`
	Options  map[string]MgrModuleOption `json:"options"`
}

// MgrModules manages ceph-mgr modules.
type MgrModules interface {
	List(ctx context.Context) ([]MgrModule, error)
	// Get returns the current values of the module's options.
	Get(ctx context.Context, name string) (map[string]any, error)
	// Options returns the module's option schema.
	Options(ctx context.Context, name string) (map[string]MgrModuleOption, error)
	Enable(ctx context.Context, name string) error
	Disable(ctx context.Context, name string) error
	// SetOptions sets the given options; unknown option names are ignored,
	// as the dashboard does.
	SetOptions(ctx context.Context, name string, values map[string]any) error
}
