package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/cephapi/cephapi/ceph"
)

// ResponseError is the native cause of every error the server answered: the
// HTTP status, headers and (bounded) body, reachable with errors.As from the
// *ceph.Error the client returns.
type ResponseError struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Method     string
	URL        string
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// errorBody reads both error shapes of the dashboard: a controller's
// {"detail", "code", "component"} and the web framework's {"status",
// "detail", "request_id"}; a finished task's exception has "status" as a
// number.
type errorBody struct {
	Detail    any    `json:"detail"`
	Code      any    `json:"code"`
	Component any    `json:"component"`
	Status    any    `json:"status"`
	RequestID string `json:"request_id"`
}

func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// errnoCodes maps the errno numbers the real dashboard writes as "code"
// (DashboardException from a failed mon command: str(abs(errno))) to codes.
var errnoCodes = map[string]ceph.Code{
	"1":   ceph.PermissionDenied,   // EPERM
	"2":   ceph.NotFound,           // ENOENT
	"11":  ceph.Unavailable,        // EAGAIN
	"13":  ceph.PermissionDenied,   // EACCES
	"16":  ceph.Busy,               // EBUSY
	"17":  ceph.AlreadyExists,      // EEXIST
	"22":  ceph.InvalidArgument,    // EINVAL
	"34":  ceph.InvalidArgument,    // ERANGE
	"38":  ceph.Unimplemented,      // ENOSYS
	"95":  ceph.Unimplemented,      // EOPNOTSUPP
	"110": ceph.Unavailable,        // ETIMEDOUT
	"125": ceph.Canceled,           // ECANCELED
	"39":  ceph.FailedPrecondition, // ENOTEMPTY
}

// reasonCodes are the dashboard's reasons whose code is not the first of
// their status: a 400 orchestrator_status_unavailable (a host list with
// facts and no orchestrator) is the cluster's state, not a bad argument.
var reasonCodes = map[string]ceph.Code{
	"orchestrator_status_unavailable": ceph.FailedPrecondition,
}

// classify turns a status and a wire code into a code and the Reason to
// keep: our server's code names go through ceph.CodeFromName (the same
// table the server writes from), the dashboard's errno strings through
// errnoCodes, and anything else keeps the string as Reason and takes the
// code from the status. "invalid_credentials" (the dashboard's 400 on a bad
// login) is Unauthenticated.
func classify(status int, wire string) (ceph.Code, string) {
	switch status {
	case http.StatusUnauthorized:
		return ceph.Unauthenticated, reasonOf(wire, ceph.Unauthenticated)
	case http.StatusUnsupportedMediaType:
		return ceph.UnsupportedVersion, reasonOf(wire, ceph.UnsupportedVersion)
	}
	if wire == "" {
		return ceph.CodeFromHTTPStatus(status), ""
	}
	if c, ok := ceph.CodeFromName(wire); ok && c != ceph.Unknown {
		return c, ""
	}
	if c, ok := errnoCodes[wire]; ok {
		return c, wire
	}
	if wire == "invalid_credentials" {
		return ceph.Unauthenticated, wire
	}
	if c, ok := reasonCodes[wire]; ok && status == c.HTTPStatus() {
		return c, wire
	}
	return ceph.CodeFromHTTPStatus(status), wire
}

func reasonOf(wire string, c ceph.Code) string {
	if wire == "" || wire == c.String() {
		return ""
	}
	return wire
}

// responseError builds the *ceph.Error of an error answer.
func (c *client) responseError(r *request, rsp *response) error {
	native := c.respErr(r, rsp)
	var b errorBody
	_ = json.Unmarshal(rsp.body, &b) // a non-JSON body leaves b empty
	return bodyError(rsp.status, &b, r.op.Component, native, rsp.body)
}

// errnoInDetail finds the errno of a failed mon command in the detail the
// real dashboard writes for an unhandled SendCommandError ("[errno -2]
// osd.9 does not exist", code "SendCommandError").
var errnoInDetail = regexp.MustCompile(`^\[errno -?(\d+)\]`)

func bodyError(status int, b *errorBody, component string, native error, raw []byte) *ceph.Error {
	wire := scalar(b.Code)
	detail := scalar(b.Detail)
	code, reason := classify(status, wire)
	if _, known := ceph.CodeFromName(wire); !known && status < 500 {
		if m := errnoInDetail.FindStringSubmatch(detail); m != nil {
			if c, ok := errnoCodes[m[1]]; ok {
				code = c
			}
		}
	}
	if detail == "" {
		detail = strings.TrimSpace(string(raw[:min(len(raw), 512)]))
		if detail == "" || !isText(detail) {
			detail = fmt.Sprintf("%d %s", status, http.StatusText(status))
		}
	}
	if comp := scalar(b.Component); comp != "" {
		component = comp
	}
	return &ceph.Error{Code: code, Component: component, Detail: detail, Reason: reason, Err: native}
}

func isText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}

// native returns the native cause of err (its *ResponseError or
// *TaskError) without the *ceph.Error around it, for an error that
// reclassifies err: the new error must not also match err's code.
func native(err error) error {
	var re *ResponseError
	if errors.As(err, &re) {
		return re
	}
	var te *TaskError
	if errors.As(err, &te) {
		return te
	}
	return nil
}
