package memory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/transport/memory"
)

// benchSizes are generated clusters of 10 OSDs per host and 100 pools; the
// cost per operation should grow linearly from 1k to 10k OSDs.
var benchSizes = []struct{ hosts, perHost int }{{100, 10}, {1000, 10}}

// benchSized runs op as a sub-benchmark "osds=N" on a generated cluster of
// each of benchSizes; osds is N, and an error from op fails it.
func benchSized(b *testing.B, op func(ctx context.Context, c *cephapi.Client, osds int) error) {
	for _, s := range benchSizes {
		c := memory.New(memory.WithGenerated(s.hosts, s.perHost, 100))
		ctx := context.Background()
		n := s.hosts * s.perHost
		b.Run(fmt.Sprintf("osds=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := op(ctx, c, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOSDList(b *testing.B) {
	benchSized(b, func(ctx context.Context, c *cephapi.Client, n int) error {
		osds, err := c.OSDs.List(ctx)
		if err != nil || len(osds) != n {
			return fmt.Errorf("List: %d OSDs, %v", len(osds), err)
		}
		return nil
	})
}

func BenchmarkHealthFull(b *testing.B) {
	benchSized(b, func(ctx context.Context, c *cephapi.Client, _ int) error {
		h, err := c.Health.Full(ctx)
		if err != nil {
			return err
		}
		if h.Health.Status != "HEALTH_OK" {
			return fmt.Errorf("Full: %v", h.Health.Status)
		}
		return nil
	})
}

func BenchmarkHealthMinimal(b *testing.B) {
	benchSized(b, func(ctx context.Context, c *cephapi.Client, _ int) error {
		_, err := c.Health.Minimal(ctx)
		return err
	})
}

// BenchmarkHealthReport is the check derivation alone.
func BenchmarkHealthReport(b *testing.B) {
	benchSized(b, func(ctx context.Context, c *cephapi.Client, _ int) error {
		_, err := c.Health.Report(ctx)
		return err
	})
}
