// Package cephapi is a Go library, and the HTTP server built on it, for
// reading and running a Ceph cluster.
//
// One value, *Client, gives access to every service: c.Health, c.Pools,
// c.OSDs, c.RBD.Images, and so on. Each service is a small interface in a
// domain package (ceph, osd, rbd, ...) and is satisfied by three transports:
//
//   - transport/memory: a stateful in-memory model of a cluster. It is the
//     embedded default of the server and the fake to test your code with
//     (with error injection and call recording).
//   - transport/rados: librados through github.com/ceph/go-ceph (cgo, build
//     tags "rados pacific").
//   - transport/rest: a client of any Ceph-Dashboard-compatible REST API,
//     the real ceph-mgr dashboard or this project's server.
//
// For example, with the in-memory cluster:
//
//	c := memory.New()
//	defer c.Close()
//	if err := c.OSDs.Mark(ctx, []int{0}, osd.Down); err != nil { ... }
//	h, _ := c.Health.Report(ctx) // HEALTH_WARN, with the check OSD_DOWN
//
// Errors are *ceph.Error values with a closed set of codes; test them with
// errors.Is(err, ceph.ErrNotFound) and friends. Package httpapi turns any
// *Client into the Ceph Dashboard REST API (/api) and the legacy
// ceph-rest-api (/api/v0.1).
package cephapi
