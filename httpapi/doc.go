// Package httpapi serves any *cephapi.Client as the Ceph Dashboard REST API
// (16.2 "Pacific" compatible) under /api, and mounts the legacy
// ceph-rest-api under /api/v0.1 when one is given (WithLegacy).
//
// The API is the operation table of package ops: method, path pattern,
// security scope, permission, API version, task, success status,
// parameters and body fields of every operation, and one request type per
// operation. This package adds only the bindings (routes.go): for each
// implemented operation, a small function from its typed request to one
// domain call. Everything else comes from the row (see Route and
// (*Server).Routes): the middleware authenticates (JWT from
// "Authorization: Bearer" or the "token" cookie), authorizes (the
// dashboard's scopes and roles, package auth), negotiates the version
// (Accept: application/vnd.ceph.api.vX.Y+json; 415 otherwise), limits the
// body and decodes the request into its type (required fields, JSON
// types, unknown fields refused unless the operation takes **kwargs, all
// with the dashboard's 400 body); outer middleware assigns request ids
// (X-Request-Id), recovers panics (500 with an error body) and writes one
// slog access line per request.
//
// Errors are written as
//
//	{"detail": ..., "code": ..., "component": ..., "status": "404 Not Found", "request_id": ...}
//
// which carries both of the dashboard's error shapes; the HTTP status comes
// from the one code table in package ceph (ceph.Code.HTTPStatus).
//
// Task operations (the rows with a task: pool create/edit/delete, RBD
// image create/edit/delete, OSD create/delete, ...) run detached from the
// request under the row's task name and metadata; the call answers as
// usual when the task ends within WithTaskWait, else 202 {"name",
// "metadata"}, and GET /api/task lists executing and finished tasks.
//
// Operations without a binding are routed with their scope, permission and
// version and answer 501 not_implemented. GET /docs/api.json serves the
// OpenAPI 3 document made from the table (with x-implemented per
// operation), GET /docs shows it in Swagger UI, and / leads there; none of
// them needs a token.
//
// This package depends on the domain packages only, never on go-ceph.
package httpapi
