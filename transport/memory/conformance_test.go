package memory_test

import (
	"context"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/transporttest"
)

// harness holds one memory cluster; its Fake stores the objects of the
// RGW checks.
type harness struct {
	c    *cephapi.Client
	fake *memory.Fake
}

func (h *harness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) { return h.c, nil }
func (h *harness) Close()                                                          { h.c.Close() }
func (h *harness) PutObject(_ context.Context, _ rgw.Key, bucket, key string, body []byte) error {
	return h.fake.PutObject(bucket, key, int64(len(body)))
}

// fakeHarness makes a cluster with opts for the test.
func fakeHarness(opts ...memory.Option) transporttest.HarnessMaker {
	return func(context.Context, *testing.T) (transporttest.Harness, error) {
		c, f := memory.NewFake(opts...)
		return &harness{c: c, fake: f}, nil
	}
}

// TestConformance runs the shared conformance suite against the demo
// cluster and against a generated multi-host cluster.
func TestConformance(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		transporttest.RunConformanceTests(t, fakeHarness(memory.WithFileSystem("cephfs"), memory.WithGateway("x")))
	})
	t.Run("generated", func(t *testing.T) {
		transporttest.RunConformanceTests(t, fakeHarness(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Racks: 3, Pools: 2}),
			memory.WithFileSystem("cephfs"), memory.WithGateway("x")))
	})
}
