package rest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cephapi/cephapi/httpapi"
)

// TestEndpointTableMatchesServer checks the client's one version table
// against httpapi's route table (which follows the dashboard's 16.2.15
// OpenAPI document): same method, path and version for every operation
// the client calls, except the dashboard's UI helper that our server does
// not have.
func TestEndpointTableMatchesServer(t *testing.T) {
	param := regexp.MustCompile(`\{[^}]+\}`)
	routes := map[string]string{}
	for _, rt := range httpapi.New(nil).Routes() {
		routes[rt.Method+" "+strings.TrimPrefix(param.ReplaceAllString(rt.Path, "{}"), "/")] = rt.Version.String()
	}
	seen := map[string]bool{}
	for _, ep := range endpoints {
		key := ep.String()
		if seen[key] {
			t.Errorf("%s is listed twice", key)
		}
		seen[key] = true
		if strings.HasPrefix(ep.path, "/") {
			t.Errorf("%s: absolute path; paths must be relative to the base URL", key)
		}
		if strings.HasPrefix(ep.path, "ui-api/") {
			continue
		}
		v, ok := routes[key]
		if !ok && ep == epPerfDaemon {
			// The server routes each daemon type on its own.
			v, ok = routes[ep.method+" api/perf_counters/osd/{}"]
		}
		if !ok {
			t.Errorf("%s is not routed by httpapi", key)
			continue
		}
		if v != ep.version {
			t.Errorf("%s: client sends version %s, server serves %s", key, ep.version, v)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		status int
		wire   string
		code   string
		reason string
	}{
		{404, "", "not_found", ""},
		{400, "not_found", "not_found", ""},
		{409, "busy", "busy", ""},
		{409, "", "already_exists", ""},
		{400, "failed_precondition", "failed_precondition", ""},
		{400, "2", "not_found", "2"},
		{400, "17", "already_exists", "17"},
		{400, "invalid_credentials", "unauthenticated", "invalid_credentials"},
		{401, "", "unauthenticated", ""},
		{415, "", "unsupported_version", ""},
		{503, "orchestrator_status_unavailable", "unavailable", "orchestrator_status_unavailable"},
		{400, "SendCommandError", "invalid_argument", "SendCommandError"},
		{418, "", "invalid_argument", ""},
	} {
		code, reason := classify(tc.status, tc.wire)
		if code.String() != tc.code || reason != tc.reason {
			t.Errorf("classify(%d, %q) = %v, %q; want %s, %q", tc.status, tc.wire, code, reason, tc.code, tc.reason)
		}
	}
}
