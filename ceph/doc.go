// Package ceph holds the cluster-wide part of the library: health, monitors,
// pools, CRUSH rules, erasure-code profiles, configuration, manager modules,
// logs, performance counters and raw commands, and the one error type that
// every package and transport returns.
//
// # Errors
//
// *Error carries a Code from a closed set (NotFound, AlreadyExists,
// InvalidArgument, ...), a component, a human detail and the native cause.
// Use errors.Is(err, ErrNotFound) to test the class and errors.As to reach
// either the *Error or the native cause. Code.HTTPStatus is the single table
// from codes to HTTP statuses, used by the server and, inverted, by the REST
// client.
//
// # Returned values
//
// A value a service returns is a snapshot that nobody changes: the caller
// must treat it as read-only, and a transport must not change it after
// returning it. Transports that answer hot reads from a cache (the rados
// transport) hand the same value to every caller until the cache refreshes,
// and the HTTP server reuses its encoding of a value it has already seen
// (the same pointer). Copy a value before changing it.
//
// # Validation
//
// The Validated* wrappers check arguments once, before any transport is
// called; cephapi.New applies them, so every transport rejects the same input
// with the same error. They are generated (services_gen.go, by
// internal/svcgen) from the interfaces: an operation's rules are its
// argument types' Validate methods and, where it needs more, one check
// method in validated.go (poolsChecks.Get for Pools.Get). A nil
// *XxxOptions reaches a transport as the zero options.
//
// # Growing interfaces
//
// Each service interface has an Unimplemented type (UnimplementedPools,
// ...) whose methods answer ErrUnimplemented. Embed it in an
// implementation, a transport or a test fake of your own, and a method
// added to the interface later will not break its build: until it is
// implemented, callers get Unimplemented. The transports of this module
// embed them too; a test in each lists any method that still falls back.
package ceph
