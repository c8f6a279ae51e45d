//go:build rados

package legacy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/transport/rados"
)

// radosHandler serves /api/v0.1 over the cluster CEPH_CONF names, with
// passthrough as the program runs it on the rados transport; it skips
// without CEPH_CONF. The replays only read.
func radosHandler(t *testing.T) http.Handler {
	t.Helper()
	conf := os.Getenv("CEPH_CONF")
	if conf == "" {
		t.Skip("CEPH_CONF is not set: no real cluster to test against (see scripts/test-real)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := rados.New(ctx, rados.Config{ConfFile: conf})
	if err != nil {
		t.Fatalf("rados.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return http.StripPrefix("/api/v0.1", legacy.New(c.Commands, nil, legacy.WithPassthrough()))
}

func TestMetricbeatReplayRados(t *testing.T) {
	replayMetricbeat(t, radosHandler(t), cephAbsent)
}

func TestPythonCephclientReplayRados(t *testing.T) {
	replayPython(t, radosHandler(t), false, map[string]string{
		"mds_getmap": "Ceph 16 has no mds getmap and no other command that gives the FSMap in binary",
	})
}

// TestPrefixListingRados: a partial path lists the cluster's commands.
func TestPrefixListingRados(t *testing.T) {
	h := radosHandler(t)
	for _, p := range []string{"/api/v0.1/osd", "/api/v0.1/osd/pool"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		body := w.Body.String()
		if w.Code != 400 || !strings.Contains(body, "Possible commands:") || !strings.Contains(body, "/api/v0.1/osd/pool/get?") {
			t.Errorf("%s: %d %.300q", p, w.Code, body)
		}
		// Commands the emulator does not know come from the cluster.
		if p == "/api/v0.1/osd" && !strings.Contains(body, "/api/v0.1/osd/crush/rule/ls") {
			t.Errorf("%s lists no osd crush rule ls: %.300q", p, body)
		}
	}
}
