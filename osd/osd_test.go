package osd_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/osd"
)

func TestParseID(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"osd.12", 12, true}, {" 3 ", 3, true}, {"-1", 0, false}, {"x", 0, false}, {"1.5", 0, false}, {"", 0, false}, {"007", 0, false},
	} {
		got, err := osd.ParseID(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseID(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ceph.ErrInvalidArgument) {
			t.Errorf("ParseID(%q) error is not InvalidArgument: %v", tt.in, err)
		}
	}
}

func TestParseMarkAction(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want osd.MarkAction
		ok   bool
	}{
		{"out", osd.Out, true}, {"IN", osd.In, true}, {"down", osd.Down, true}, {"lost", osd.Lost, true}, {"up", "", false}, {"", "", false},
	} {
		got, err := osd.ParseMarkAction(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMarkAction(%q) = %q, %v", tt.in, got, err)
		}
	}
}

// fakeFlags records what reaches the transport.
type fakeFlags struct {
	osd.Flags
	current []string
	set     []string
	indiv   map[string]bool
}

func (f *fakeFlags) List(context.Context) ([]string, error) { return slices.Clone(f.current), nil }
func (f *fakeFlags) Set(_ context.Context, flags []string) ([]string, error) {
	f.set = flags
	return flags, nil
}
func (f *fakeFlags) SetIndividual(_ context.Context, ids []int, flags map[string]bool) (*osd.IndividualFlagsResult, error) {
	f.indiv = flags
	return &osd.IndividualFlagsResult{IDs: ids}, nil
}

func TestValidatedFlagsSet(t *testing.T) {
	base := []string{"pglog_hardlimit", "purged_snapshots", "recovery_deletes", "sortbitwise"}
	tests := []struct {
		name  string
		flags []string
		code  ceph.Code // Unknown = success
	}{
		{"keep", base, ceph.Unknown},
		{"add noout", append(slices.Clone(base), "noout"), ceph.Unknown},
		{"unknown flag", append(slices.Clone(base), "nosuchflag"), ceph.InvalidArgument},
		{"unset sortbitwise", []string{"pglog_hardlimit", "purged_snapshots", "recovery_deletes"}, ceph.InvalidArgument},
		{"empty", nil, ceph.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeFlags{current: base}
			_, err := osd.ValidatedFlags(f).Set(context.Background(), tt.flags)
			if got := ceph.CodeOf(err); got != tt.code {
				t.Fatalf("Set(%v) code = %v (%v), want %v", tt.flags, got, err, tt.code)
			}
			if err != nil && f.set != nil {
				t.Fatal("transport was called despite invalid input")
			}
		})
	}
	// purged_snapshots cannot be newly set.
	f := &fakeFlags{current: []string{"sortbitwise"}}
	if _, err := osd.ValidatedFlags(f).Set(context.Background(), []string{"sortbitwise", "purged_snapshots"}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Fatalf("setting purged_snapshots: %v", err)
	}
}

func TestValidatedFlagsIndividual(t *testing.T) {
	f := &fakeFlags{}
	v := osd.ValidatedFlags(f)
	ctx := context.Background()
	if _, err := v.SetIndividual(ctx, []int{0}, map[string]bool{"noout": true}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		ids   []int
		flags map[string]bool
	}{
		{"unknown flag", []int{0}, map[string]bool{"pause": true}},
		{"no ids", nil, map[string]bool{"noout": true}},
		{"negative id", []int{-2}, map[string]bool{"noout": true}},
	} {
		if _, err := v.SetIndividual(ctx, tt.ids, tt.flags); !errors.Is(err, ceph.ErrInvalidArgument) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestValidatedOSDs(t *testing.T) {
	v := osd.ValidatedOSDs(nil)
	ctx := context.Background()
	if err := v.Mark(ctx, []int{0}, "sideways"); !errors.Is(err, ceph.ErrUnimplemented) {
		// nil transport is checked first
		t.Errorf("nil transport: %v", err)
	}
	if _, err := v.List(ctx); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("nil transport list: %v", err)
	}
}
