package ceph

import (
	"context"

	"strings"
	"unicode"
)

// ValidateName checks the name of a pool, rule, profile or similar object:
// not empty, at most 255 bytes, no slash, no white space or control
// characters. component names the area for the error.
func ValidateName(component, what, name string) error {
	if name == "" {
		return Errorf(InvalidArgument, component, "%s name must not be empty", what)
	}
	if len(name) > 255 {
		return Errorf(InvalidArgument, component, "%s name is longer than 255 bytes", what)
	}
	for _, r := range name {
		if r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return Errorf(InvalidArgument, component, "%s name %q contains an invalid character %q", what, name, r)
		}
	}
	return nil
}

// Unimplemented returns the error a missing feature gives.
func UnimplementedError(component, what string) error {
	return Errorf(Unimplemented, component, "%s is not implemented by this transport", what)
}

// MaxPGNum is the largest pg_num accepted (Ceph's mon_max_pool_pg_num default).
const MaxPGNum = 65536

func validatePGNum(n int) error {
	if n <= 0 || n > MaxPGNum {
		return Errorf(InvalidArgument, "pool", "pg_num must be between 1 and %d, got %d", MaxPGNum, n)
	}
	return nil
}

func validateSizes(size, minSize int) error {
	if size < 0 || size > 10 {
		return Errorf(InvalidArgument, "pool", "size must be between 1 and 10, got %d", size)
	}
	if minSize < 0 || minSize > 10 {
		return Errorf(InvalidArgument, "pool", "min_size must be between 1 and 10, got %d", minSize)
	}
	if size > 0 && minSize > size {
		return Errorf(InvalidArgument, "pool", "min_size %d must not exceed size %d", minSize, size)
	}
	return nil
}

func validateQuota(name string, v int64) error {
	if v < 0 {
		return Errorf(InvalidArgument, "pool", "%s must not be negative, got %d", name, v)
	}
	return nil
}

var (
	compressionModes      = []string{"none", "passive", "aggressive", "force", "unset"}
	compressionAlgorithms = []string{"snappy", "zlib", "zstd", "lz4", "unset"}
	autoscaleModes        = []string{"on", "off", "warn"}
	poolFlags             = []string{"ec_overwrites"}
)

func oneOf(component, what, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return Errorf(InvalidArgument, component, "invalid %s %q: want one of %s", what, v, strings.Join(allowed, ", "))
}

// Validate checks the compression settings.
func (c *Compression) Validate() error {
	if c == nil {
		return nil
	}
	if c.Mode != "" {
		if err := oneOf("pool", "compression_mode", c.Mode, compressionModes); err != nil {
			return err
		}
	}
	if c.Algorithm != "" {
		if err := oneOf("pool", "compression_algorithm", c.Algorithm, compressionAlgorithms); err != nil {
			return err
		}
	}
	if c.MinBlobSize < 0 || c.MaxBlobSize < 0 {
		return Errorf(InvalidArgument, "pool", "compression blob sizes must not be negative")
	}
	if c.MaxBlobSize > 0 && c.MinBlobSize > c.MaxBlobSize {
		return Errorf(InvalidArgument, "pool", "compression_min_blob_size must not exceed compression_max_blob_size")
	}
	if c.RequiredRatio < 0 || c.RequiredRatio > 1 {
		return Errorf(InvalidArgument, "pool", "compression_required_ratio must be between 0 and 1")
	}
	return nil
}

func validateApps(apps []string) error {
	for _, a := range apps {
		if err := ValidateName("pool", "application", a); err != nil {
			return err
		}
	}
	return nil
}

func validateFlags(flags []string) error {
	for _, f := range flags {
		if err := oneOf("pool", "pool flag", f, poolFlags); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the create options (nil is invalid: pg_num is required).
func (o *PoolCreateOptions) Validate() error {
	if o == nil {
		return Errorf(InvalidArgument, "pool", "pg_num is required")
	}
	switch o.Type {
	case "", Replicated:
	case Erasure:
		if o.Size != 0 {
			return Errorf(InvalidArgument, "pool", "size cannot be set on an erasure-coded pool; it follows from the profile")
		}
		if o.ErasureCodeProfile != "" {
			if err := ValidateName("pool", "erasure code profile", o.ErasureCodeProfile); err != nil {
				return err
			}
		}
	default:
		return Errorf(InvalidArgument, "pool", "invalid pool type %q: want replicated or erasure", o.Type)
	}
	if o.Type != Erasure && o.ErasureCodeProfile != "" {
		return Errorf(InvalidArgument, "pool", "erasure_code_profile only applies to erasure-coded pools")
	}
	if err := validatePGNum(o.PGNum); err != nil {
		return err
	}
	if err := validateSizes(o.Size, o.MinSize); err != nil {
		return err
	}
	if o.CrushRule != "" {
		if err := ValidateName("pool", "crush rule", o.CrushRule); err != nil {
			return err
		}
	}
	if o.PGAutoscaleMode != "" {
		if err := oneOf("pool", "pg_autoscale_mode", o.PGAutoscaleMode, autoscaleModes); err != nil {
			return err
		}
	}
	if err := validateApps(o.Applications); err != nil {
		return err
	}
	if err := validateFlags(o.Flags); err != nil {
		return err
	}
	if err := validateQuota("quota_max_bytes", o.QuotaMaxBytes); err != nil {
		return err
	}
	if err := validateQuota("quota_max_objects", o.QuotaMaxObjects); err != nil {
		return err
	}
	return o.Compression.Validate()
}

// Validate checks the update options.
func (o *PoolUpdateOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.NewName != nil {
		if err := ValidateName("pool", "pool", *o.NewName); err != nil {
			return err
		}
	}
	if o.PGNum != nil {
		if err := validatePGNum(*o.PGNum); err != nil {
			return err
		}
	}
	size, minSize := 0, 0
	if o.Size != nil {
		if *o.Size <= 0 {
			return Errorf(InvalidArgument, "pool", "size must be between 1 and 10, got %d", *o.Size)
		}
		size = *o.Size
	}
	if o.MinSize != nil {
		if *o.MinSize <= 0 {
			return Errorf(InvalidArgument, "pool", "min_size must be between 1 and 10, got %d", *o.MinSize)
		}
		minSize = *o.MinSize
	}
	if err := validateSizes(size, minSize); err != nil {
		return err
	}
	if o.CrushRule != nil {
		if err := ValidateName("pool", "crush rule", *o.CrushRule); err != nil {
			return err
		}
	}
	if o.PGAutoscaleMode != nil {
		if err := oneOf("pool", "pg_autoscale_mode", *o.PGAutoscaleMode, autoscaleModes); err != nil {
			return err
		}
	}
	if o.Applications != nil {
		if err := validateApps(*o.Applications); err != nil {
			return err
		}
	}
	if err := validateFlags(o.Flags); err != nil {
		return err
	}
	if o.QuotaMaxBytes != nil {
		if err := validateQuota("quota_max_bytes", *o.QuotaMaxBytes); err != nil {
			return err
		}
	}
	if o.QuotaMaxObjects != nil {
		if err := validateQuota("quota_max_objects", *o.QuotaMaxObjects); err != nil {
			return err
		}
	}
	return o.Compression.Validate()
}

// Validate checks the rule options.
func (o *CrushRuleCreateOptions) Validate() error {
	if o == nil {
		return Errorf(InvalidArgument, "crush_rule", "root and failure_domain are required")
	}
	if err := ValidateName("crush_rule", "root", o.Root); err != nil {
		return err
	}
	if err := ValidateName("crush_rule", "failure domain", o.FailureDomain); err != nil {
		return err
	}
	if o.DeviceClass != "" {
		return ValidateName("crush_rule", "device class", o.DeviceClass)
	}
	return nil
}

// Validate checks the profile options.
func (o *ErasureCodeProfileCreateOptions) Validate() error {
	if o == nil {
		return nil
	}
	if o.K < 0 || o.M < 0 {
		return Errorf(InvalidArgument, "erasure_code_profile", "k and m must not be negative")
	}
	if o.K == 1 {
		return Errorf(InvalidArgument, "erasure_code_profile", "k must be at least 2, got %d", o.K)
	}
	for k := range o.Extra {
		if k == "" || strings.ContainsAny(k, "= \t\n") {
			return Errorf(InvalidArgument, "erasure_code_profile", "invalid profile key %q", k)
		}
	}
	return nil
}

// ValidateConfigSection checks a configuration section name: one of
// ConfigSections, or a daemon ("osd.3") or mask ("osd/host:dev").
func ValidateConfigSection(section string) error {
	if section == "" {
		return Errorf(InvalidArgument, "cluster_configuration", "section must not be empty")
	}
	base := section
	if i := strings.IndexAny(base, "./"); i >= 0 {
		base = base[:i]
	}
	if err := oneOf("cluster_configuration", "section", base, ConfigSections); err != nil {
		return err
	}
	return nil
}

func validateConfigName(name string) error {
	if name == "" {
		return Errorf(InvalidArgument, "cluster_configuration", "option name must not be empty")
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r == '.' || r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return Errorf(InvalidArgument, "cluster_configuration", "invalid option name %q", name)
		}
	}
	return nil
}

func checkCtx(ctx context.Context, component string) error {
	if ctx == nil {
		return Errorf(InvalidArgument, component, "nil context")
	}
	return CheckContext(ctx, component)
}

// CheckArgs is the common prologue of every validated call: a live context.
func CheckArgs(ctx context.Context, component string) error { return checkCtx(ctx, component) }
