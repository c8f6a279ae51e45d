package memory_test

import (
	"context"
	"sync"
	"testing"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/rgw"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/transporttest"
)

type harness struct{ c *cephapi.Client }

func (h *harness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) { return h.c, nil }
func (h *harness) Close()                                                          { h.c.Close() }

// fakes maps each running test to the Fake of its cluster, for putObject.
var fakes sync.Map // testing.TB -> *memory.Fake

// fakeHarness makes a cluster with opts for the test and keeps its Fake.
func fakeHarness(opts ...memory.Option) transporttest.HarnessMaker {
	return func(_ context.Context, t *testing.T) (transporttest.Harness, error) {
		c, f := memory.NewFake(opts...)
		fakes.Store(testing.TB(t), f)
		t.Cleanup(func() { fakes.Delete(testing.TB(t)) })
		return &harness{c: c}, nil
	}
}

// putObject puts an object through the Fake of the test's cluster.
func putObject(_ context.Context, t testing.TB, _ rgw.Key, bucket, key string, body []byte) error {
	f, ok := fakes.Load(t)
	if !ok {
		return ceph.Errorf(ceph.Unimplemented, "rgw", "no memory cluster for this test")
	}
	return f.(*memory.Fake).PutObject(bucket, key, int64(len(body)))
}

// TestConformance runs the shared conformance suite against the demo
// cluster and against a generated multi-host cluster.
func TestConformance(t *testing.T) {
	t.Run("demo", func(t *testing.T) {
		transporttest.RunConformanceTests(t, fakeHarness(memory.WithFileSystem("cephfs"), memory.WithGateway("x")),
			transporttest.WithObjectPutter(putObject))
	})
	t.Run("generated", func(t *testing.T) {
		transporttest.RunConformanceTests(t, fakeHarness(memory.WithTopology(memory.Topology{Hosts: 3, OSDsPerHost: 2, Racks: 3, Pools: 2}),
			memory.WithFileSystem("cephfs"), memory.WithGateway("x")), transporttest.WithObjectPutter(putObject))
	})
}
