package memory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cephapi/cephapi/transport/memory"
)

// benchSizes are generated clusters of 10 OSDs per host and 100 pools; the
// cost per operation should grow linearly from 1k to 10k OSDs.
var benchSizes = []struct{ hosts, perHost int }{{100, 10}, {1000, 10}}

func BenchmarkOSDList(b *testing.B) {
	for _, s := range benchSizes {
		c := memory.New(memory.WithGenerated(s.hosts, s.perHost, 100))
		ctx := context.Background()
		b.Run(fmt.Sprintf("osds=%d", s.hosts*s.perHost), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				osds, err := c.OSDs.List(ctx)
				if err != nil || len(osds) != s.hosts*s.perHost {
					b.Fatalf("List: %d OSDs, %v", len(osds), err)
				}
			}
		})
	}
}

func BenchmarkHealthFull(b *testing.B) {
	for _, s := range benchSizes {
		c := memory.New(memory.WithGenerated(s.hosts, s.perHost, 100))
		ctx := context.Background()
		b.Run(fmt.Sprintf("osds=%d", s.hosts*s.perHost), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h, err := c.Health.Full(ctx)
				if err != nil || h.Health.Status != "HEALTH_OK" {
					b.Fatalf("Full: %v %v", h.Health.Status, err)
				}
			}
		})
	}
}

func BenchmarkHealthMinimal(b *testing.B) {
	for _, s := range benchSizes {
		c := memory.New(memory.WithGenerated(s.hosts, s.perHost, 100))
		ctx := context.Background()
		b.Run(fmt.Sprintf("osds=%d", s.hosts*s.perHost), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Health.Minimal(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHealthReport is the check derivation alone.
func BenchmarkHealthReport(b *testing.B) {
	for _, s := range benchSizes {
		c := memory.New(memory.WithGenerated(s.hosts, s.perHost, 100))
		ctx := context.Background()
		b.Run(fmt.Sprintf("osds=%d", s.hosts*s.perHost), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Health.Report(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
