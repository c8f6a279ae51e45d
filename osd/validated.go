package osd

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/cephapi/cephapi/ceph"
)

//go:generate go run ../internal/svcgen -o services_gen.go OSDs=osd Flags=osd Lifecycle=osd

const component = "osd"

// The argument checks of the OSD operations beyond their argument types'
// Validate methods; the generated Validated* wrappers run them before any
// transport is called.
type (
	osdsChecks      struct{}
	flagsChecks     struct{}
	lifecycleChecks struct{}
)

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

func (osdsChecks) Get(id int) error           { return ValidateID(id) }
func (osdsChecks) Scrub(id int, _ bool) error { return ValidateID(id) }
func (osdsChecks) Devices(id int) error       { return ValidateID(id) }
func (osdsChecks) Histogram(id int) error     { return ValidateID(id) }

// Mark normalizes the action (" OUT " is out) before the transport sees it.
func (osdsChecks) Mark(ctx context.Context, next OSDs, ids []int, action MarkAction) error {
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
	return next.Mark(ctx, ids, a)
}

func (osdsChecks) Reweight(id int, weight float64) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	if math.IsNaN(weight) || weight < 0 || weight > 1 {
		return ceph.Errorf(ceph.InvalidArgument, component, "weight must be between 0 and 1, got %v", weight)
	}
	return nil
}

func (osdsChecks) SetDeviceClass(id int, class string) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	if class == "" {
		return nil
	}
	return ceph.ValidateName(component, "device class", class)
}

// Set enforces the permanent-flag rules here, once for every transport:
// it needs the flags set now, and hands the transport a sorted list
// without duplicates.
func (flagsChecks) Set(ctx context.Context, next Flags, flags []string) ([]string, error) {
	for _, f := range flags {
		if !slices.Contains(ClusterFlags, f) {
			return nil, ceph.Errorf(ceph.InvalidArgument, component, "unknown OSD flag %q", f)
		}
	}
	current, err := next.List(ctx)
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
	return next.Set(ctx, dedupSorted(flags))
}

func dedupSorted(in []string) []string {
	out := slices.Clone(in)
	sort.Strings(out)
	return slices.Compact(out)
}

func (flagsChecks) SetIndividual(ids []int, flags map[string]bool) error {
	if err := validateIDs(ids); err != nil {
		return err
	}
	for f := range flags {
		if !slices.Contains(IndividualFlags, f) {
			return ceph.Errorf(ceph.InvalidArgument, component, "unknown per-OSD flag %q: want noup, nodown, noin or noout", f)
		}
	}
	return nil
}

// Validate checks a new OSD's options: the host is required.
func (o *CreateOptions) Validate() error {
	if o == nil {
		return ceph.Errorf(ceph.InvalidArgument, component, "host is required")
	}
	if err := ceph.ValidateName(component, "host", o.Host); err != nil {
		return err
	}
	if o.Weight < 0 || math.IsNaN(o.Weight) {
		return ceph.Errorf(ceph.InvalidArgument, component, "weight must not be negative")
	}
	if o.DeviceClass != "" {
		return ceph.ValidateName(component, "device class", o.DeviceClass)
	}
	return nil
}

func (lifecycleChecks) SafeToDestroy(ids []int) error         { return validateIDs(ids) }
func (lifecycleChecks) SafeToDelete(ids []int) error          { return validateIDs(ids) }
func (lifecycleChecks) Destroy(id int) error                  { return ValidateID(id) }
func (lifecycleChecks) Purge(id int) error                    { return ValidateID(id) }
func (lifecycleChecks) Delete(id int, _ *DeleteOptions) error { return ValidateID(id) }
