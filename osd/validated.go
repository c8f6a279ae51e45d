package osd

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/cephapi/cephapi/ceph"
)

const component = "osd"

func pre(ctx context.Context, next any, what string) error {
	if err := ceph.CheckArgs(ctx, component); err != nil {
		return err
	}
	if next == nil {
		return ceph.UnimplementedError(component, what)
	}
	return nil
}

func validateIDs(ids []int) error {
	if len(ids) == 0 {
		return ceph.Errorf(ceph.InvalidArgument, component, "no OSD ids given")
	}
	for _, id := range ids {
		if err := ValidateID(id); err != nil {
			return err
		}
	}
	return nil
}

// Validated wraps a transport's OSDs with the argument checks every
// transport shares. A nil next gives Unimplemented.
func Validated(next OSDs) OSDs {
	return vOSDs{next}
}

type vOSDs struct{ next OSDs }

func (v vOSDs) List(ctx context.Context) ([]OSD, error) {
	if err := pre(ctx, v.next, "osd list"); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vOSDs) Get(ctx context.Context, id int) (*Details, error) {
	if err := pre(ctx, v.next, "osd get"); err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	return v.next.Get(ctx, id)
}

func (v vOSDs) Tree(ctx context.Context) (*Tree, error) {
	if err := pre(ctx, v.next, "osd tree"); err != nil {
		return nil, err
	}
	return v.next.Tree(ctx)
}

func (v vOSDs) Mark(ctx context.Context, ids []int, action MarkAction) error {
	if err := pre(ctx, v.next, "osd mark"); err != nil {
		return err
	}
	if err := validateIDs(ids); err != nil {
		return err
	}
	a, err := ParseMarkAction(string(action))
	if err != nil {
		return err
	}
	if a == Lost && len(ids) != 1 {
		return ceph.Errorf(ceph.InvalidArgument, component, "mark lost takes exactly one OSD id")
	}
	return v.next.Mark(ctx, ids, a)
}

func (v vOSDs) Reweight(ctx context.Context, id int, weight float64) error {
	if err := pre(ctx, v.next, "osd reweight"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	if math.IsNaN(weight) || weight < 0 || weight > 1 {
		return ceph.Errorf(ceph.InvalidArgument, component, "weight must be between 0 and 1, got %v", weight)
	}
	return v.next.Reweight(ctx, id, weight)
}

func (v vOSDs) Scrub(ctx context.Context, id int, deep bool) error {
	if err := pre(ctx, v.next, "osd scrub"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	return v.next.Scrub(ctx, id, deep)
}

func (v vOSDs) SetDeviceClass(ctx context.Context, id int, class string) error {
	if err := pre(ctx, v.next, "osd set device class"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	if class != "" {
		if err := ceph.ValidateName(component, "device class", class); err != nil {
			return err
		}
	}
	return v.next.SetDeviceClass(ctx, id, class)
}

func (v vOSDs) Devices(ctx context.Context, id int) ([]Device, error) {
	if err := pre(ctx, v.next, "osd devices"); err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	return v.next.Devices(ctx, id)
}

func (v vOSDs) Histogram(ctx context.Context, id int) (*Histogram, error) {
	if err := pre(ctx, v.next, "osd histogram"); err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	return v.next.Histogram(ctx, id)
}

func (v vOSDs) Settings(ctx context.Context) (*Settings, error) {
	if err := pre(ctx, v.next, "osd settings"); err != nil {
		return nil, err
	}
	return v.next.Settings(ctx)
}

// ValidatedFlags wraps a transport's Flags. Set enforces the permanent-flag
// rules here, once for every transport.
func ValidatedFlags(next Flags) Flags {
	return vFlags{next}
}

type vFlags struct{ next Flags }

func (v vFlags) List(ctx context.Context) ([]string, error) {
	if err := pre(ctx, v.next, "osd flags"); err != nil {
		return nil, err
	}
	return v.next.List(ctx)
}

func (v vFlags) Set(ctx context.Context, flags []string) ([]string, error) {
	if err := pre(ctx, v.next, "osd flags set"); err != nil {
		return nil, err
	}
	for _, f := range flags {
		if !slices.Contains(ClusterFlags, f) {
			return nil, ceph.Errorf(ceph.InvalidArgument, component, "unknown OSD flag %q", f)
		}
	}
	current, err := v.next.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"recovery_deletes", "sortbitwise", "pglog_hardlimit", "purged_snapshots", "purged_snapdirs"} {
		if slices.Contains(current, f) && !slices.Contains(flags, f) {
			return nil, ceph.Errorf(ceph.InvalidArgument, component, "flag %q cannot be unset", f)
		}
	}
	for _, f := range []string{"purged_snapshots", "purged_snapdirs"} {
		if slices.Contains(flags, f) && !slices.Contains(current, f) {
			return nil, ceph.Errorf(ceph.InvalidArgument, component, "flag %q cannot be set", f)
		}
	}
	return v.next.Set(ctx, dedupSorted(flags))
}

func dedupSorted(in []string) []string {
	out := slices.Clone(in)
	sort.Strings(out)
	return slices.Compact(out)
}

func (v vFlags) Individual(ctx context.Context) ([]IndividualFlagState, error) {
	if err := pre(ctx, v.next, "osd individual flags"); err != nil {
		return nil, err
	}
	return v.next.Individual(ctx)
}

func (v vFlags) SetIndividual(ctx context.Context, ids []int, flags map[string]bool) (*IndividualFlagsResult, error) {
	if err := pre(ctx, v.next, "osd individual flags set"); err != nil {
		return nil, err
	}
	if err := validateIDs(ids); err != nil {
		return nil, err
	}
	for f := range flags {
		if !slices.Contains(IndividualFlags, f) {
			return nil, ceph.Errorf(ceph.InvalidArgument, component, "unknown per-OSD flag %q: want noup, nodown, noin or noout", f)
		}
	}
	return v.next.SetIndividual(ctx, ids, flags)
}

// ValidatedLifecycle wraps a transport's Lifecycle.
func ValidatedLifecycle(next Lifecycle) Lifecycle {
	return vLife{next}
}

type vLife struct{ next Lifecycle }

func (v vLife) Create(ctx context.Context, opts *CreateOptions) (int, error) {
	if err := pre(ctx, v.next, "osd create"); err != nil {
		return 0, err
	}
	if opts == nil {
		return 0, ceph.Errorf(ceph.InvalidArgument, component, "host is required")
	}
	if err := ceph.ValidateName(component, "host", opts.Host); err != nil {
		return 0, err
	}
	if opts.Weight < 0 || math.IsNaN(opts.Weight) {
		return 0, ceph.Errorf(ceph.InvalidArgument, component, "weight must not be negative")
	}
	if opts.DeviceClass != "" {
		if err := ceph.ValidateName(component, "device class", opts.DeviceClass); err != nil {
			return 0, err
		}
	}
	return v.next.Create(ctx, opts)
}

func (v vLife) SafeToDestroy(ctx context.Context, ids []int) (*SafeToDestroyReport, error) {
	if err := pre(ctx, v.next, "osd safe-to-destroy"); err != nil {
		return nil, err
	}
	if err := validateIDs(ids); err != nil {
		return nil, err
	}
	return v.next.SafeToDestroy(ctx, ids)
}

func (v vLife) SafeToDelete(ctx context.Context, ids []int) (*SafeToDeleteReport, error) {
	if err := pre(ctx, v.next, "osd safe-to-delete"); err != nil {
		return nil, err
	}
	if err := validateIDs(ids); err != nil {
		return nil, err
	}
	return v.next.SafeToDelete(ctx, ids)
}

func (v vLife) Destroy(ctx context.Context, id int) error {
	if err := pre(ctx, v.next, "osd destroy"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	return v.next.Destroy(ctx, id)
}

func (v vLife) Purge(ctx context.Context, id int) error {
	if err := pre(ctx, v.next, "osd purge"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	return v.next.Purge(ctx, id)
}

func (v vLife) Delete(ctx context.Context, id int, opts *DeleteOptions) error {
	if err := pre(ctx, v.next, "osd delete"); err != nil {
		return err
	}
	if err := ValidateID(id); err != nil {
		return err
	}
	if opts == nil {
		opts = &DeleteOptions{}
	}
	return v.next.Delete(ctx, id, opts)
}
