// Package httpapi serves any *cephapi.Client as the Ceph Dashboard REST API
// (16.2 "Pacific" compatible) under /api, and mounts the legacy
// ceph-rest-api under /api/v0.1 when one is given (WithLegacy).
//
// The API is one table of routes (see Route and (*Server).Routes): method,
// path pattern, security scope, permission, API version, whether the
// operation runs as a dashboard task, and its handler. Middleware built
// from each route's data authenticates (JWT from "Authorization: Bearer" or
// the "token" cookie), authorizes (the dashboard's scopes and roles, package
// auth), negotiates the version (Accept: application/vnd.ceph.api.vX.Y+json;
// 415 otherwise) and limits the body; outer middleware assigns request ids
// (X-Request-Id), recovers panics (500 with an error body) and writes one
// slog access line per request. Handlers only decode, call the domain API
// and encode.
//
// Errors are written as
//
//	{"detail": ..., "code": ..., "component": ..., "status": "404 Not Found", "request_id": ...}
//
// which carries both of the dashboard's error shapes; the HTTP status comes
// from the one code table in package ceph (ceph.Code.HTTPStatus).
//
// Task-backed operations (pool create/edit/delete, RBD image
// create/edit/delete, OSD create/delete) run detached from the request; the
// call answers as usual when the task ends within WithTaskWait, else 202
// {"name", "metadata"}, and GET /api/task lists executing and finished
// tasks.
//
// Operations of the dashboard API outside the implemented slice are routed
// with their scope, permission and version and answer 501 not_implemented.
//
// This package depends on the domain packages only, never on go-ceph.
package httpapi
