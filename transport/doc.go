// Package transport is the home of the transports that satisfy the domain
// interfaces:
//
//   - transport/memory: a stateful in-memory cluster model;
//   - transport/rados: librados via go-ceph (cgo, build tags "rados pacific");
//   - transport/rest: a client of any Dashboard-compatible REST API;
//   - transport/transporttest: the conformance suite every transport passes.
package transport
