package ceph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cephapi/cephapi/ceph"
)

func ptr[T any](v T) *T { return &v }

func TestPoolCreateValidate(t *testing.T) {
	tests := []struct {
		name string
		opts *ceph.PoolCreateOptions
		ok   bool
	}{
		{"nil", nil, false},
		{"minimal", &ceph.PoolCreateOptions{PGNum: 8}, true},
		{"zero pg", &ceph.PoolCreateOptions{}, false},
		{"negative pg", &ceph.PoolCreateOptions{PGNum: -1}, false},
		{"huge pg", &ceph.PoolCreateOptions{PGNum: ceph.MaxPGNum + 1}, false},
		{"bad type", &ceph.PoolCreateOptions{PGNum: 8, Type: "mirror"}, false},
		{"erasure with size", &ceph.PoolCreateOptions{PGNum: 8, Type: ceph.Erasure, Size: 3}, false},
		{"erasure", &ceph.PoolCreateOptions{PGNum: 8, Type: ceph.Erasure, ErasureCodeProfile: "default"}, true},
		{"profile on replicated", &ceph.PoolCreateOptions{PGNum: 8, ErasureCodeProfile: "p"}, false},
		{"min_size > size", &ceph.PoolCreateOptions{PGNum: 8, Size: 2, MinSize: 3}, false},
		{"size 11", &ceph.PoolCreateOptions{PGNum: 8, Size: 11}, false},
		{"bad app", &ceph.PoolCreateOptions{PGNum: 8, Applications: []string{""}}, false},
		{"bad flag", &ceph.PoolCreateOptions{PGNum: 8, Flags: []string{"nope"}}, false},
		{"negative quota", &ceph.PoolCreateOptions{PGNum: 8, QuotaMaxBytes: -1}, false},
		{"bad compression", &ceph.PoolCreateOptions{PGNum: 8, Compression: &ceph.Compression{Mode: "sometimes"}}, false},
		{"compression", &ceph.PoolCreateOptions{PGNum: 8, Compression: &ceph.Compression{Mode: "aggressive", Algorithm: "zstd"}}, true},
		{"autoscale", &ceph.PoolCreateOptions{PGNum: 8, PGAutoscaleMode: "maybe"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ceph.ErrInvalidArgument) {
				t.Fatalf("Validate() = %v, want InvalidArgument", err)
			}
		})
	}
}

func TestPoolUpdateValidate(t *testing.T) {
	tests := []struct {
		name string
		opts *ceph.PoolUpdateOptions
		ok   bool
	}{
		{"nil", nil, true},
		{"empty", &ceph.PoolUpdateOptions{}, true},
		{"rename", &ceph.PoolUpdateOptions{NewName: ptr("x")}, true},
		{"rename empty", &ceph.PoolUpdateOptions{NewName: ptr("")}, false},
		{"pg negative", &ceph.PoolUpdateOptions{PGNum: ptr(-4)}, false},
		{"size zero", &ceph.PoolUpdateOptions{Size: ptr(0)}, false},
		{"min>size", &ceph.PoolUpdateOptions{Size: ptr(2), MinSize: ptr(3)}, false},
		{"quota negative", &ceph.PoolUpdateOptions{QuotaMaxObjects: ptr(int64(-1))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.opts.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"rbd", true}, {"my-pool_1.x", true}, {"", false}, {"a/b", false}, {"a b", false}, {"a\x00", false},
		{string(make([]byte, 256)), false},
	} {
		if err := ceph.ValidateName("pool", "pool", tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestValidateConfigSection(t *testing.T) {
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"global", true}, {"osd", true}, {"osd.3", true}, {"osd/host:dev", true}, {"", false}, {"nope", false},
	} {
		if err := ceph.ValidateConfigSection(tt.s); (err == nil) != tt.ok {
			t.Errorf("ValidateConfigSection(%q) = %v, want ok=%v", tt.s, err, tt.ok)
		}
	}
}

type nopPools struct{ ceph.Pools }

func (nopPools) Create(context.Context, string, *ceph.PoolCreateOptions) error { return nil }

// The wrappers reject bad input before the transport is called, and a nil
// transport answers Unimplemented.
func TestValidatedWrappers(t *testing.T) {
	ctx := context.Background()
	p := ceph.ValidatedPools(nopPools{})
	if err := p.Create(ctx, "", &ceph.PoolCreateOptions{PGNum: 8}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Errorf("empty name: %v", err)
	}
	if err := p.Create(ctx, "x", &ceph.PoolCreateOptions{PGNum: -1}); !errors.Is(err, ceph.ErrInvalidArgument) {
		t.Errorf("negative pg_num: %v", err)
	}
	if err := p.Create(ctx, "x", &ceph.PoolCreateOptions{PGNum: 8}); err != nil {
		t.Errorf("valid create: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Create(canceled, "x", &ceph.PoolCreateOptions{PGNum: 8}); !errors.Is(err, ceph.ErrCanceled) {
		t.Errorf("canceled ctx: %v", err)
	}
	if _, err := ceph.ValidatedPools(nil).List(ctx, nil); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("nil transport: %v", err)
	}
	if _, err := ceph.ValidatedCommander(nil).Command(ctx, ceph.Command{Prefix: "health"}); !errors.Is(err, ceph.ErrUnimplemented) {
		t.Errorf("nil commander: %v", err)
	}
}
