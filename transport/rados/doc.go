// Package rados is the librados transport: it implements the domain
// interfaces of package ceph, osd and rbd against a real Ceph cluster with
// monitor and manager commands (JSON format) over librados, and RBD images
// with librbd, both through github.com/ceph/go-ceph.
//
// The constructor New and the librbd code need cgo and the Ceph development
// libraries; they are built only with the build tags "rados" and, for Ceph
// 16 (Pacific, Debian 12), "pacific":
//
//	go build -tags rados,pacific ./...
//
// Without the tags the package still compiles, with the command builders and
// JSON parsers only, so that they are unit-tested on replies captured from a
// real cluster (testdata/) without Ceph installed.
//
// # Bounded calls
//
// Every call checks its context before and after each call into librados and
// returns as soon as the context is done; the librados timeouts
// (rados_mon_op_timeout, rados_osd_op_timeout, client_mount_timeout, set from
// Config) bound the call left running underneath, so a stopped monitor gives
// an Unavailable error in bounded time, never a hung call.
//
// # Commands off the Go scheduler
//
// Monitor, manager and OSD commands are sent on the connection go-ceph
// opened, but each runs on a C thread of its own while the calling
// goroutine waits on a pipe through the network poller. A plain cgo call
// would keep one of the runtime's processors (GOMAXPROCS) for as long as
// the monitors take to answer, which on a loaded host stalls the requests
// a server is serving. librbd calls are plain cgo calls.
//
// # Cache
//
// The hot reads (Health.Minimal, Full, Summary and Report, OSDs.List and
// Tree, Monitors.Status) are served from memory for at most
// Config.CacheTTL (DefaultCacheTTL, 1s) after the fetch that produced
// them started; concurrent reads share one fetch, and past 4/5 of the TTL
// one reader refreshes the answer in the background while the others keep
// the current one. Every command this client sends that is not a known
// read (writes, raw commands, librbd calls) empties the cache when it
// starts and when it ends, so a read that follows a write through the same
// client always sees it. Changes made by others are seen within the TTL.
// WithCacheTTL(0) turns the cache off.
//
// # Errors
//
// librados errors carry an errno; classify maps it, in one table, to the
// codes of package ceph (ENOENT NotFound, EEXIST AlreadyExists, EINVAL and
// ERANGE InvalidArgument, EPERM and EACCES PermissionDenied, EBUSY Busy,
// EOPNOTSUPP and "no handler" Unimplemented, ETIMEDOUT, ENOTCONN and
// ESHUTDOWN Unavailable). Ceph's status line becomes the error's Detail and
// the native error (go-ceph's, or the errno of a command) stays reachable
// with errors.As and errors.Is.
package rados
