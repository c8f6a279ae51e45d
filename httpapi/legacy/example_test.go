package legacy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi/legacy"
)

// healthOnly is a Commander that knows one command.
type healthOnly struct{}

func (healthOnly) Command(_ context.Context, c ceph.Command) (*ceph.CommandResult, error) {
	if c.Prefix != "health" {
		return nil, ceph.Errorf(ceph.InvalidArgument, "command", "command not known")
	}
	if c.Format == "json" {
		return &ceph.CommandResult{Output: []byte(`{"status":"HEALTH_OK","checks":{},"mutes":[]}`)}, nil
	}
	return &ceph.CommandResult{Output: []byte("HEALTH_OK\n")}, nil
}

func ExampleNew() {
	h := http.StripPrefix("/api/v0.1", legacy.New(healthOnly{}, nil))
	for _, target := range []string{"/api/v0.1/health", "/api/v0.1/health.json", "/api/v0.1/osd/tree"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Printf("%s -> %d %s\n", target, w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// /api/v0.1/health -> 200 HEALTH_OK
	// /api/v0.1/health.json -> 200 {"output":{"status":"HEALTH_OK","checks":{},"mutes":[],"overall_status":"HEALTH_OK","summary":[],"detail":[]},"status":"OK"}
	// /api/v0.1/osd/tree -> 400 Error: command not known (-22)
}
