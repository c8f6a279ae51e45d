package ceph

import "context"

// CrushStep is one step of a CRUSH rule.
type CrushStep struct {
	Op       string `json:"op"`
	Item     *int   `json:"item,omitempty"`
	ItemName string `json:"item_name,omitempty"`
	Num      *int   `json:"num,omitempty"`
	Type     string `json:"type,omitempty"`
}

// CrushRule is a CRUSH placement rule.
type CrushRule struct {
	RuleID   int         `json:"rule_id"`
	RuleName string      `json:"rule_name"`
	Ruleset  int         `json:"ruleset"`
	Type     int         `json:"type"`
	MinSize  int         `json:"min_size"`
	MaxSize  int         `json:"max_size"`
	Steps    []CrushStep `json:"steps"`
}

// CrushRuleCreateOptions describes a replicated rule.
type CrushRuleCreateOptions struct {
	// Root is the CRUSH bucket to start from (e.g. "default"). Required.
	Root string
	// FailureDomain is the bucket type to spread replicas over ("host"). Required.
	FailureDomain string
	// DeviceClass restricts the rule to one device class ("hdd", "ssd").
	DeviceClass string
}

// CrushRules manages CRUSH rules.
type CrushRules interface {
	List(ctx context.Context) ([]CrushRule, error)
	Get(ctx context.Context, name string) (*CrushRule, error)
	Create(ctx context.Context, name string, opts *CrushRuleCreateOptions) error
	Delete(ctx context.Context, name string) error
}

// ErasureCodeProfile is an erasure-code profile. K and M are numbers; all
// other plugin parameters are kept as strings in Extra.
type ErasureCodeProfile struct {
	Name               string `json:"name"`
	K                  int    `json:"k"`
	M                  int    `json:"m"`
	Plugin             string `json:"plugin"`
	Technique          string `json:"technique,omitempty"`
	CrushFailureDomain string `json:"crush-failure-domain,omitempty"`
	CrushRoot          string `json:"crush-root,omitempty"`
	CrushDeviceClass   string `json:"crush-device-class,omitempty"`
	// Extra holds every other key of the profile (packetsize, w, l, ...).
	Extra map[string]string `json:"-"`
}

// ErasureCodeProfileCreateOptions describes a new profile.
type ErasureCodeProfileCreateOptions struct {
	K                  int
	M                  int
	Plugin             string // default "jerasure"
	Technique          string
	CrushFailureDomain string
	CrushRoot          string
	CrushDeviceClass   string
	// Extra passes other plugin parameters through (key=value).
	Extra map[string]string
}

// ErasureCodeProfiles manages erasure-code profiles.
type ErasureCodeProfiles interface {
	List(ctx context.Context) ([]ErasureCodeProfile, error)
	Get(ctx context.Context, name string) (*ErasureCodeProfile, error)
	Create(ctx context.Context, name string, opts *ErasureCodeProfileCreateOptions) error
	Delete(ctx context.Context, name string) error
}
