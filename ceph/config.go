package ceph

import (
	"context"
	"encoding/json"
)

// ConfigSections are the sections a cluster configuration value can be set in.
var ConfigSections = []string{"global", "mon", "mgr", "osd", "mds", "client"}

// ConfigValue is an option's value in one section.
type ConfigValue struct {
	Section string `json:"section"`
	Value   string `json:"value"`
}

// ConfigOption is a cluster configuration option with its schema and the
// values set in the configuration database.
type ConfigOption struct {
	Name               string   `json:"name"`
	Type               string   `json:"type"`
	Level              string   `json:"level"`
	Desc               string   `json:"desc"`
	LongDesc           string   `json:"long_desc"`
	Default            any      `json:"default"`
	DaemonDefault      any      `json:"daemon_default"`
	Tags               []string `json:"tags"`
	Services           []string `json:"services"`
	SeeAlso            []string `json:"see_also"`
	EnumValues         []string `json:"enum_values"`
	Min                any      `json:"min"`
	Max                any      `json:"max"`
	CanUpdateAtRuntime bool     `json:"can_update_at_runtime"`
	Flags              []string `json:"flags"`
	// Value lists the sections the option is set in; nil when set nowhere
	// (then the key is left out, as the dashboard does).
	Value  []ConfigValue `json:"value,omitempty"`
	Source string        `json:"source,omitempty"`
}

// MarshalJSON writes enum_values for string options only (an empty list
// when there are none), as Ceph's option schema and the dashboard do.
func (o ConfigOption) MarshalJSON() ([]byte, error) {
	type plain ConfigOption
	out := struct {
		plain
		EnumValues *[]string `json:"enum_values,omitempty"`
	}{plain: plain(o)}
	if o.Type == "str" {
		ev := o.EnumValues
		if ev == nil {
			ev = []string{}
		}
		out.EnumValues = &ev
	}
	return json.Marshal(out)
}

// ClusterConfig manages the cluster configuration database.
type ClusterConfig interface {
	// List returns every known option with its values.
	List(ctx context.Context) ([]ConfigOption, error)
	// Get returns one option; NotFound for an unknown name.
	Get(ctx context.Context, name string) (*ConfigOption, error)
	// Filter returns the named options that exist; NotFound if none does.
	Filter(ctx context.Context, names []string) ([]ConfigOption, error)
	// Set makes values the option's complete set of per-section values: each
	// section given is set, each section not given is removed.
	Set(ctx context.Context, name string, values []ConfigValue) error
	// SetMany sets several options, each in one section, leaving other
	// sections alone.
	SetMany(ctx context.Context, values map[string]ConfigValue) error
	// Delete removes the option from one section.
	Delete(ctx context.Context, name, section string) error
}
