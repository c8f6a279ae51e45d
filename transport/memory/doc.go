// Package memory is an in-memory, stateful model of a Ceph 16.2 (Pacific)
// cluster. It is the server's embedded default and the fake our users test
// with: memory.New returns a *cephapi.Client whose every service reads and
// changes one model of a cluster (raw Commands are answered by the command
// emulator, internal/cmdemu, over the same services), so what a call changes
// shows up in the next call, and the errors are the ones a real cluster
// gives.
//
// # The model
//
//   - Maps: an fsid; a monitor map with one monitor "a", always in quorum; a
//     manager map with the active manager "x"; an OSD map whose epoch grows
//     on every change.
//   - OSDs: up/in state, reweight, CRUSH weight, primary affinity, UUID,
//     addresses, per-OSD flags (noup, nodown, noin, noout), device class,
//     metadata, state names as `ceph osd dump` gives them.
//   - CRUSH: a hierarchy of buckets (root, rack, host, ...) with negative
//     ids whose weights are the sums of their OSDs'; replicated and erasure
//     rules with the steps Ceph writes; erasure-code profiles (the "default"
//     profile is k=2 m=2 jerasure reed_sol_van, as in 16.2).
//   - Cluster flags: sortbitwise, recovery_deletes, purged_snapdirs and
//     pglog_hardlimit are always set; "pause" stands for pauserd+pausewr.
//   - Pools: replicated and erasure-coded, size/min_size, pg_num, CRUSH rule,
//     applications, flags ("hashpspool", "ec_overwrites"), quotas,
//     compression options under Ceph's key names, per-pool RBD
//     configuration, usage (stored bytes, objects), RBD images.
//   - PGs: every PG of a pool is in the settled state the up OSDs allow:
//     the number of failure domains of the pool's rule that have an up OSD
//     gives active+clean, active+undersized, undersized+peered (below
//     min_size; creating+incomplete for an erasure-coded pool),
//     stale+active+clean (all its OSDs down) or unknown (no OSD at all);
//     PGs that hold objects are also +degraded. Health details use
//     Ceph's "stuck" form, stuck since the last OSD up/down change.
//   - Configuration: a realistic subset (about 80 options) of the 16.2
//     option schema with types, levels, defaults and runtime flags, and a
//     configuration database; manager modules with their real option
//     schemas; cluster and audit logs (every change writes the audit lines
//     and cluster lines Ceph writes); perf counters per daemon.
//   - Auth and config-key (raw commands only: the domain API carries no
//     secrets): the cephx entities of a fresh 16.2.15 cluster of the
//     model's shape (client.admin, client.bootstrap-*, mgr.x, osd.N until
//     destroyed, mds.NAME, client.rgw.ID, and mon. in the monitors'
//     keyring) with random keys in Ceph's format, made per model and so not
//     reproducible even with WithFSID and WithClock; and a config-key
//     store holding the telemetry module's report id and salt, which
//     config-key set and rm change. It shows the configuration database
//     as Ceph stores it there, config/WHO/NAME (manager module options as
//     config/mgr/mgr/MODULE/OPTION); config-history/ is not kept.
//
// Health is never stored: every call derives the checks from the state
// (OSD_DOWN, OSD_HOST_DOWN and the other OSD_<TYPE>_DOWN, OSDMAP_FLAGS,
// OSD_FLAGS, OSD_NEARFULL, OSD_BACKFILLFULL, OSD_FULL, POOL_APP_NOT_ENABLED,
// POOL_NO_REDUNDANCY, POOL_FULL, PG_AVAILABILITY, PG_DEGRADED, TOO_MANY_PGS)
// with the wording and severity of Ceph 16.2.15, in time linear in the
// number of OSDs and pools.
//
// A model is safe for concurrent use: one lock guards the cluster state, and
// every value returned is a copy.
//
// # Options
//
// memory.New() is the demo cluster of the seed's example: root "default"
// with host "dev" holding osd.0 (CRUSH weight 1, up, in) and the empty racks
// rack01, rack02 and rack03, plus the device_health_metrics pool that the
// manager creates; HEALTH_OK. Like vstart, it keeps one copy per object and
// allows pool deletion.
//
// WithGenerated(hosts, osdsPerHost, pools) and WithTopology build larger
// clusters (10,000 OSDs and 100 pools take well under a second) that are
// HEALTH_OK; Topology can spread hosts over racks and seed pool usage.
// WithClock and WithFSID make the output reproducible. WithFileSystem adds
// a CephFS file system; WithGateway adds a RADOS Gateway daemon (zone
// "default", placement target "default-placement", the dashboard's system
// user "dashboard"), without which the RGW services answer Unavailable.
//
// # Testing with the model
//
// NewFake returns the client and a *Fake handle. Fake.FailNext and
// Fake.OnCall inject errors into chosen calls (the error comes out of the
// client unchanged, so errors.Is works on it); Fake.Calls records the calls
// that passed argument validation. Fake.SetOSDUp simulates a daemon stopping
// or booting and Fake.SetPoolUsage simulates clients writing data.
// Fake.OpenFSSession opens a CephFS client session; Fake.PutObject puts an
// object into a gateway bucket (counted in its usage, refused beyond an
// enabled quota) and Fake.CreateRole makes an IAM role.
//
// # Limits
//
// It is a model, not a simulation: changes take effect at once (pg_num
// moves to its target immediately, a marked-down OSD stays down until
// Fake.SetOSDUp boots it, there is no recovery or backfill to wait for),
// PG placement is a round-robin over failure domains rather than CRUSH, an
// out OSD that is still up keeps its copies (active+clean+remapped when
// there is nowhere to move them, as on a real cluster), there is no client
// I/O (rates are zero), the gateway has no pools of its own (the zone's
// pools are named but not created) and serves one zone, and
// configuration values in the database take precedence over the demo's
// "ceph.conf" values (in real Ceph the local file wins). Where the
// dashboard and the monitor disagree the library's contract is followed:
// creating an existing pool, CRUSH rule or erasure-code profile gives
// AlreadyExists, and deleting a missing one or naming an unknown OSD gives
// NotFound, where the monitor answers success.
package memory
