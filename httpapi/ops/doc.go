// Package ops is the operation table of the HTTP API: one row per
// operation of the Ceph Dashboard REST API (the 207 of endpoints.tsv) and
// the dashboard UI helpers this project serves, each with its method,
// path, version, security scope and permission, task, success status,
// parameters and body fields, and one request type.
//
// Every layer reads it: httpapi routes, authorizes, negotiates versions,
// decodes and validates requests, runs tasks and answers 501 for the
// operations without a binding from it; transport/rest sends the same
// request types to the same paths at the same versions; the served
// OpenAPI document (GET /docs/api.json) is made from it.
//
// The table (table_gen.go) is generated from the dashboard's OpenAPI
// document and ops.yaml, which holds what the document does not say; see
// internal/opgen. To change a row, edit ops.yaml and run
//
//	go generate ./httpapi/ops
//
// with the shared spec checked out beside the repository. The generated
// file is committed, so a build needs neither; a test regenerates it and
// fails when it differs.
package ops

//go:generate go run ../../internal/opgen/cmd/opgen -spec ../../../shared/spec/dashboard-openapi-16.2.15.yaml -facts ops.yaml -o table_gen.go
