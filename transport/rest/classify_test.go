package rest

import "testing"

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
