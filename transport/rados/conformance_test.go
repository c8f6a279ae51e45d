//go:build rados

package rados

import (
	"context"
	"testing"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/transport/transporttest"
)

// sharedHarness hands every test the one connection of the run: connecting
// costs more than most tests.
type sharedHarness struct{ c *cephapi.Client }

func (h sharedHarness) MakeClient(context.Context, *testing.T) (*cephapi.Client, error) {
	return h.c, nil
}

func (sharedHarness) Close() {}

// TestConformance runs the shared conformance suite against the real
// cluster named by CEPH_CONF (skipped without it).
func TestConformance(t *testing.T) {
	c := realClient(t)
	transporttest.RunConformanceTests(t, func(context.Context, *testing.T) (transporttest.Harness, error) {
		return sharedHarness{c}, nil
	}, transporttest.WithPollTimeout(90*time.Second), transporttest.WithTestTimeout(5*time.Minute),
		transporttest.WithObjectPutter(rgwPutter(c)))
}
