// Package transporttest is the conformance suite that every transport
// (transport/memory, transport/rados, transport/rest) passes: one exported
// function, RunConformanceTests, runs every behaviour of the core slice
// (errors, health, monitors, pools, CRUSH rules, erasure-code profiles,
// cluster configuration, manager modules, logs, perf counters, OSDs, OSD
// flags, the OSD life cycle, RBD images and raw commands) as a subtest named
// Area/Behaviour.
//
// # Running it
//
// A transport's tests give the suite a HarnessMaker. The suite makes a new
// Harness for every subtest, asks it for one *cephapi.Client, and closes it
// after the subtest and its cleanups:
//
//	type harness struct{ c *cephapi.Client }
//
//	func (h *harness) MakeClient(ctx context.Context, t *testing.T) (*cephapi.Client, error) {
//		return h.c, nil
//	}
//	func (h *harness) Close() { h.c.Close() }
//
//	func TestConformance(t *testing.T) {
//		transporttest.RunConformanceTests(t, func(ctx context.Context, t *testing.T) (transporttest.Harness, error) {
//			return &harness{c: memory.New()}, nil
//		})
//	}
//
// Run one area or one behaviour with -run, for example
// go test -run 'Conformance/Pools/Rename'.
//
// A harness for a real cluster may hand every test the same connected
// client (Close then does nothing) and give slow answers more time:
//
//	transporttest.RunConformanceTests(t, maker,
//		transporttest.WithPollTimeout(90*time.Second),
//		transporttest.WithTestTimeout(5*time.Minute))
//
// # Unimplemented features
//
// A call that returns an error matching ceph.ErrUnimplemented skips the
// subtest that needs it; it never fails it. A transport that cannot offer
// something (an endpoint the real dashboard lacks) returns Unimplemented and
// lists the gap in its documentation.
//
// # Real clusters
//
// The suite is written to run against a real (single-node) Ceph cluster as
// well as against the memory model:
//
//   - everything it creates is named NamePrefix ("ctest-") plus a random
//     suffix, and deleted by t.Cleanup; it never deletes what it did not
//     create;
//   - state it changes (OSD in/out, reweight, device class, cluster and
//     per-OSD flags, configuration values, manager modules) is restored by
//     t.Cleanup, and a failure to restore fails the test;
//   - it assumes nothing about how many OSDs, pools or monitors exist: it
//     uses the first OSD that List returns and skips what needs more;
//   - what settles asynchronously on a real cluster (pg_num moving to its
//     target, a health check being raised, a manager restarting after a
//     module is switched, a cached image list) is polled with a bounded wait
//     (Options.PollTimeout), never an unbounded loop;
//   - pools are tiny: 8 PGs, size 2 / min_size 1, autoscaler off.
//
// The cluster must allow pool deletion (mon_allow_pool_delete = true), or
// the suite cannot clean up after itself. The MgrModules/EnableDisable test
// switches a harmless module (iostat, alerts, ...) off and on again; a real
// ceph-mgr restarts each time, which takes some seconds.
//
// # The library's contract where raw Ceph is lax
//
// Some behaviours are the library's contract rather than raw Ceph's: Ceph
// answers success to `osd pool create` of an existing pool and to
// `osd pool delete`, `osd crush rule rm` of a missing one, while the suite
// expects AlreadyExists and NotFound. Transports that talk to Ceph look the
// object up first. Everything else follows real Ceph 16.2.15 (marking an up
// OSD lost, destroying or purging an up OSD and deleting an erasure-code
// profile or CRUSH rule in use are Busy). Where the dashboard and the
// monitor disagree, the dashboard's answer is the contract: setting an
// unknown configuration option is NotFound (the monitor says EINVAL).
//
// # The suite can fail
//
// Each behaviour is a function of testing.TB, so the package's own tests
// run it against deliberately broken clients with a recording testing.TB and
// check that the suite reports the failure.
package transporttest
