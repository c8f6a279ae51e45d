// Package rest is a transport that reaches a cluster through the Ceph
// Dashboard REST API: the real ceph-mgr dashboard (16.2) or this project's
// own server (package httpapi). It needs no keyring and no cgo.
//
//	c, err := rest.New("https://mgr.example.com:8443",
//		rest.WithCredentials("admin", password),
//		rest.WithCACertFile("/etc/ceph/dashboard-ca.pem"))
//	if err != nil { ... }
//	defer c.Close()
//	h, err := c.Health.Report(ctx)
//
// New returns the same *cephapi.Client every transport returns, so code
// written against the memory or rados transport runs unchanged.
//
// # Connection
//
// The base URL may carry a path prefix ("https://gw.example.com/ceph"):
// every request path is resolved relative to it, never as an absolute
// path. The default HTTP client is go-cleanhttp's pooled client (no shared
// global state); WithHTTPClient replaces it, WithTLSConfig, WithCACertFile
// and the explicit opt-in WithInsecureSkipVerify configure TLS, and
// WithUserAgent sets the User-Agent.
//
// # Authentication
//
// With WithCredentials the client logs in (POST /api/auth) on its first
// call, sends the token as "Authorization: Bearer", and when the server
// rejects the token (401: expired, revoked, the server restarted with a new
// secret) it logs in again once and retries the call once; it never loops.
// Concurrent calls share one login. With WithToken alone, a rejected token
// is an Unauthenticated error. A wrong password (the dashboard answers 400
// invalid_credentials) is Unauthenticated with Reason "invalid_credentials".
//
// # Versions
//
// Each operation sends the API version it needs (Accept:
// application/vnd.ceph.api.vX.Y+json) from one table: 1.0 for most, 2.0
// for listing RBD images, 0.1 for GET /api/osd/settings, as in the
// dashboard's 16.2.15 OpenAPI document. A server that does not serve that
// version answers 415, which is an UnsupportedVersion error.
//
// # Tasks
//
// Calls the dashboard runs as tasks (pool create, edit and delete, OSD
// creation and deletion, RBD image create, edit and delete) answer 201/204
// when they finish in time and 202 {name, metadata} otherwise. On 202 the
// client polls GET /api/task?name=... (every WithTaskPollInterval, within
// the call's context) until the task with that name and metadata has
// finished, and returns its result or its exception as an error.
//
// # Errors
//
// Every error is a *ceph.Error. Error bodies of both dashboard shapes
// ({"detail", "code", "component"} and {"status", "detail", "request_id"})
// are read with the same code table the server writes from
// (ceph.CodeFromName, then the HTTP status); the real dashboard's errno
// codes ("2" ENOENT, "17" EEXIST, "16" EBUSY, ..., also in
// "[errno -N] ..." details of SendCommandError) map to NotFound,
// AlreadyExists, Busy and so on; other code strings are kept in Reason.
// The raw answer (status, headers, body) is a *ResponseError reachable with
// errors.As; a failed task's exception is a *TaskError. A connection that
// cannot be made or breaks is Unavailable; the call's context gives
// Canceled or DeadlineExceeded. Every response body is read through a
// limit (WithMaxResponseBytes, default 64 MiB): a larger body is TooLarge.
//
// # Where the API and the library differ
//
// Ceph answers success to creating an existing pool, CRUSH rule or
// erasure-code profile and to deleting a missing one; the library's
// contract is AlreadyExists and NotFound, so those writes look the object
// up first. Raw commands (Client.Commands) are answered by the command
// emulator over the REST-backed services, since a dashboard cannot run
// them. Enabling or disabling a manager module restarts ceph-mgr, often
// while it answers: the client then waits for the dashboard to return and
// checks the module's state. The dashboard's DELETE of an RBD image removes
// its snapshots first; librbd, and so the library, refuses an image with
// snapshots, so RBD.Images.Delete looks at the image first and answers
// FailedPrecondition for one that has any.
//
// Every call names its row of the operation table (package httpapi/ops)
// and sends the request type the server decodes, at the row's version.
//
// # What is Unimplemented against the real dashboard (16.2.15)
//
//   - OSDLifecycle.Create with a host: the dashboard's "bare" creation only
//     allocates an id (osd create) and cannot place the OSD in the CRUSH
//     map; the client finds the OSD unplaced, purges it again and returns
//     Unimplemented.
//   - OSDLifecycle.SafeToDelete and OSDLifecycle.Delete without an
//     orchestrator backend (503 orchestrator_status_unavailable).
//   - OSDs.Tree reads the dashboard's UI helper GET /ui-api/crush_rule/info,
//     which lists no stray OSDs (this project's httpapi serves it too); a
//     server without it makes Tree Unimplemented (and the "osd tree"
//     command).
//
// The conformance suite (transport/transporttest) runs over httpapi on the
// memory transport in go test ./..., and against a real dashboard when
// CEPH_DASHBOARD_URL, CEPH_DASHBOARD_USER and CEPH_DASHBOARD_PASSWORD are
// set (scripts/ceph-dev-cluster writes them to its env.sh):
//
//	source DIR/env.sh && go test ./transport/rest/ -run Dashboard -v
package rest
