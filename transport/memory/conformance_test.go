package memory_test

import (
	"context"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/transporttest"
)

type harness struct{ c *cephapi.Client }

func (h *harness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) { return h.c, nil }
func (h *harness) Close()                                                          { h.c.Close() }

// TestConformance runs the shared conformance suite against the demo
// cluster and against a generated multi-host cluster.
func TestConformance(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		transporttest.RunConformanceTests(t, func(context.Context, *testing.T) (transporttest.Harness, error) {
			return &harness{c: memory.New(memory.WithFileSystem("cephfs"))}, nil
		})
	})
	t.Run("generated", func(t *testing.T) {
		transporttest.RunConformanceTests(t, func(context.Context, *testing.T) (transporttest.Harness, error) {
			return &harness{c: memory.New(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Racks: 3, Pools: 2}), memory.WithFileSystem("cephfs"))}, nil
		})
	})
}
