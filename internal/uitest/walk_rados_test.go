//go:build rados

package uitest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cephapi/cephapi/transport/rados"
)

// TestWebUIRados is issue 14's done-when: ceph-rest-api on the rados
// transport with --ui, on the project's test cluster (scripts/test-real
// starts it with an MDS and a radosgw), logs in and every page renders
// without an error toast, a failed call or a JavaScript error. Gated on
// CEPH_TEST_BROWSER=1 and CEPH_CONF.
func TestWebUIRados(t *testing.T) {
	dir := browserGate(t)
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster (see scripts/test-real)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := rados.New(ctx, rados.Config{ConfFile: conf})
	if err != nil {
		t.Fatalf("rados.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	rbdPool(t, c)
	walkOurs(t, c, dir, "rados")
}
