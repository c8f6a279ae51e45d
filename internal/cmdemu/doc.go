// Package cmdemu emulates the Ceph monitor's command interface over the
// domain API: it answers the commands of the legacy ceph-rest-api from a
// *cephapi.Client, in Ceph 16.2.15's plain-text and JSON formats (XML is
// derived from the JSON), and refuses other commands as the monitor does
// (EINVAL "command not known"). It uses the public domain API, so the
// memory transport and any transport without a raw command channel (REST)
// can offer ceph.Commander; what the domain API does not carry (the CRUSH
// map's bucket ids, shadow trees and item positions, each PG's up and
// acting set and object counts) comes from an optional Maps source
// (WithMaps), which the memory transport passes and other transports do
// not (their osd crush dump, osd map, pg map, pg dump and its _json
// forms, pg debug, pg getmap and report answer EOPNOTSUPP).
//
// Commands: health [detail], status, df [detail], osd tree [states...],
// osd dump, osd ls, osd stat, osd df, osd pool ls [detail], osd lspools,
// osd getmaxosd, osd crush rule ls/list/dump, osd find, osd pool get,
// osd pool stats, osd perf, osd blocklist ls (and blacklist), fs dump,
// mds stat, mds compat show, pg dump_stuck, osd crush dump, osd map,
// pg map, pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief...],
// pg dump_json, pg dump_pools_json, pg debug, report, the binary osd
// getmap, osd getcrushmap, mon getmap and pg getmap, fsid, pg stat, mon stat, mon
// dump, quorum_status, auth ls/list, auth get, auth export, auth
// get-key/print-key, config-key ls/list/dump/get/exists, and the writes
// osd in/out/down <ids|any|all>, osd reweight <id> <weight>, osd
// set/unset <flag>, config-key set/put and rm/del. Writes return no output
// and the monitor's status string ("marked out osd.0. ", "noout is set",
// "set KEY").
//
// The auth and config-key commands need state the domain API does not
// carry (cephx secrets, the config-key store): a transport that has it
// passes it with WithAuth and WithConfigKeys (the memory model does);
// without it they answer EOPNOTSUPP (the REST transport). osd crush dump,
// osd map, pg map, pg dump (and _json), pg debug, pg getmap and report
// need the model's CRUSH and PG placement and per-PG object counts,
// passed with WithMaps.
//
// Fidelity. testdata/ holds replies of a real 16.2.15 cluster in eight
// states (captured with testdata/cap.py and reads.sh) and the golden tests
// render the same states from domain values built from Ceph's JSON. The
// plain text of every command matches byte for byte, after removing what
// the domain API does not carry: "(since 94s)"/"(age 2m)" durations when
// the OSD map has no timestamps, the manager's uptime, and the progress
// module's section of status. Known differences:
//
//   - pg stat lists PG states in Ceph's hash-map order; the emulator sorts
//     by count (status sorts by count in Ceph too, so it matches).
//   - The monitor accepts osd reweight above 1 (only the CLI checks the
//     range); the domain API refuses it with InvalidArgument.
//   - df prints per-class rows only when every OSD has the same class (the
//     domain has no per-class totals); df detail's (DATA)/(OMAP) columns
//     show STORED/USED and 0 B.
//   - JSON of health, osd tree, osd ls, osd stat, osd pool ls, mon stat,
//     mon dump and quorum_status matches byte for byte; JSON of status, df,
//     osd dump, pg stat and osd pool ls detail is valid and carries the
//     fields the domain has, not every field Ceph prints.
//   - XML names list items <item> where Ceph uses per-command names.
//   - osd tree/ls/dump of an older epoch answer Unimplemented (EOPNOTSUPP).
//   - testdata/fs-rgw (reads-more.sh) holds a cluster with CephFS and
//     RGW: osd find, osd pool get, osd crush rule dump, fs dump, mds stat,
//     mds compat show, osd perf, osd pool stats and pg dump_stuck match
//     byte for byte in every format. osd blocklist ls lists no entry (the
//     domain has no blocklist); pg dump_stuck refuses (EOPNOTSUPP) while
//     any PG is not active+clean (the domain has PG counts, not PGs); osd
//     pool stats has no per-pool recovery.
//   - testdata/maps (reads-maps.sh) holds osd crush dump, osd map, pg
//     map and pg dump captures. Fed the captured buckets and PG sets, osd
//     crush dump, osd map (the rjenkins object hash folded with
//     ceph_stable_mod) and pg map match byte for byte in every format;
//     pg dump pgs_brief lists the same PGs with the same cells, by pool
//     and PG number where Ceph uses its hash-map order. On the memory
//     model: tunables are a fresh 16.2.15 map's (jewel; the model has no
//     tunables; has_v2/v3/v5_rules follow the rules' steps), choose_args is empty (no weight sets), every bucket is
//     straw2/rjenkins1, device classes come sorted (Ceph: creation
//     order), and the sets are the model's placement (one OSD per failure
//     domain, round robin; not CRUSH's straw2 draw); the up set leaves out
//     out OSDs, the acting set keeps them.
//   - testdata/pg (reads-pg.sh, a fresh cluster) holds pg dump with every
//     dumpcontents, pg dump_json, pg dump_pools_json and pg debug. Fed the
//     captured PGs (sets, states, object counts, the pools' creation stamps
//     and epochs) and OSD stats, every status line matches ("dumped all",
//     "dumped osds,pools"), the JSON has Ceph's keys in Ceph's order with
//     Ceph's types in every format (pg dump_json and pg dump_pools_json
//     answer compact JSON in every format, XML ones included; pg dump_json
//     dumps all whatever dumpcontents says), the plain text has Ceph's lines,
//     headings and omap note with equal object, byte, state, set, usage and
//     PG-count cells, and pg debug matches byte for byte ("FALSE\n", followed
//     in JSON and XML by the manager's pg_ready object); in XML, pg dump and
//     pg debug have the manager's <pg_info> root, and an unknown debugop is
//     EINVAL "No handler found for 'pg debug'", as the manager answers. PGs
//     are listed by pool and PG number, pools by id descending (the captures'
//     hash-map orders). What the model has: each PG's state and sets, and its
//     share of its pool's objects and stored bytes: objects spread over all
//     pg_num PGs, the remainder one more to each of the lowest PGs (so the
//     PGs holding objects are the first min(pg_num, objects), as the PG
//     states say), bytes likewise over the PGs that hold objects; with copies
//     (objects x size), degraded (objects x missing copies) and misplaced
//     (objects x copies on out OSDs) per object as the pool's (the rule
//     testdata/pg-degraded confirms on an undersized pool); so PGs add up to
//     pool_stats, pg_stats_sum, df, pg stat and the health's object counts
//     exactly. Unfound is 0 (the model loses no object), so is every I/O,
//     log, scrub, omap, clone, snap-trim and latency counter (the model does
//     none of these: as on a fresh PG), num_objects_dirty is the object count
//     (no cache tier cleans an object), versions are 0'0, reported is
//     <epoch>:0 (the current OSD map epoch, no stat report counted), created,
//     mapping_epoch and last_epoch_clean are the pool's creation epoch and
//     every last_* and scrub stamp is the pool's creation time (Ceph stamps a
//     new PG with the OSD map's modification time of the epoch that adds it;
//     the model keeps no later PG history); an unknown PG (no OSD can serve
//     it) is dumped as the manager adds a new PG that no OSD has reported:
//     epochs 0, reported 0:0, last_became_* 0. version is the OSD map epoch
//     (the model's PG map changes only with it), stamp the emulator's clock,
//     last_osdmap_epoch and last_pg_scan 0 (as the 16.2.15 manager prints
//     them), pg_stats_delta 0 with stamp_delta "0.000000" (no I/O between
//     reports). osd_stats are the up OSDs (those that report; Ceph keeps a
//     down OSD's last report, but the model's df counts no down OSD, so the
//     OSD sums agree with df and pg stat) with the stats the domain's OSD
//     list reports (seq as reported: the model's 0), zeroed for an out OSD as
//     the monitor zeroes them; PG_SUM and PRIMARY_PG_SUM count the PGs'
//     acting/up sets and up primaries, as Ceph's num_pg_by_osd does (num_pgs
//     is the OSD's own report, which may differ, as in Ceph). store_stats and
//     pool_statfs are empty (the model keeps no per-pool store statistics).
//   - report (testdata/pg; checked on the memory model, whose answers it
//     is made of; fed the captured PGs, its PG digest's counts equal the
//     captured report's) has the 16.2.15 monitor's keys in its order, status
//     "report <crc32c of the output, seed 6789>" as the monitor computes
//     it (of the XML in the XML formats), plain as JSON pretty. Its parts
//     are the emulator's answers: health detail, mon dump's map and
//     quorum, osd dump (with that JSON's known differences: the domain's
//     fields only), osd crush dump, fs dump, the pg dump PG map's digest
//     (num_pg..., pool_sum, osd_sum, osd_sum_by_class, pool_stats,
//     osd_stats seqs, num_pg_by_state in PG state bit order,
//     num_pg_by_osd, purged_snaps: every pool without unknown PGs, none
//     purged) and the OSDs' metadata as the domain has it; tag joins the
//     tags argument and cuts at the last space, as the monitor does.
//     Without a counterpart in the model: cluster_fingerprint is the nil
//     UUID (the model has no monitor store that would keep one),
//     *_first_committed are 1 and *_last_committed the map's epoch (the
//     model keeps every epoch), auth and paxos commits are 0 (no Paxos
//     store; auth's num_secrets counts the cephx entities),
//     osdmap_clean_epochs has each up OSD's up_from as its epoch (a fresh
//     OSD's beacon reports its boot epoch) with min_last_epoch_clean 0 and
//     no per_pool entries as the 16.2.15 monitor reported them, and the
//     service map lists the host list's daemons as unregistered entries
//     (gid 0, no address or metadata; epoch 0: the model keeps no
//     registrations).
//   - The binary getmaps answer in Ceph's own encoding, as a 16.2.15
//     monitor gives them to a client with every feature, in any format
//     (the monitor ignores it): osd getcrushmap (CrushWrapper::encode),
//     mon getmap (MonMap::encode v9) and osd getmap (OSDMap::encode: the
//     client and OSD-only sections, pg_pool_t v29, the CRUSH map
//     embedded, the crc32c). testdata/binmaps holds a 16.2.15 cluster's
//     maps with the dumps taken with them: fed the dumps, the CRUSH maps
//     match byte for byte, the monmap and the OSD map but for the stamps'
//     nanoseconds below the microseconds the dumps print (and the OSD
//     map's crc over them), and osdmaptool prints the encoded OSD map as
//     the real one. On the memory model the tests in transport/memory
//     (run when Ceph's tools are installed) check that crushtool --dump
//     gives osd crush dump, monmaptool --print gives mon dump, osdmaptool
//     --print and --dump json give osd dump and --export-crush gives osd
//     getcrushmap. What the domain does not carry is encoded as a
//     16.2.15 monitor makes it for a new pool or OSD: no snapshots,
//     tiers, hit sets, pg_temp, upmaps or blocklist, the applications'
//     metadata empty (the domain names the applications only), an OSD's
//     features those of a booted 16.2.15 OSD (unless the transport passes
//     osd_xinfo), class ids in sorted order, a CRUSH map's bucket array
//     grown by doubling from 8 slots as the monitor grows it. osd getmap
//     and osd getcrushmap need WithMaps (EOPNOTSUPP without); mon getmap
//     needs only the domain's monitor map. An older
//     epoch answers EOPNOTSUPP (osd getmap, osd getcrushmap) or ENOENT
//     (mon getmap, as mon dump).
//   - pg getmap answers the PG map as the 16.2.15 manager encodes it
//     (PGMap::encode v8 with every feature: each PG's pg_stat_t v26, each
//     OSD's osd_stat_t v14, the stamp, pool_statfs; encode_pgmap.go), in
//     every format, with the manager's status "got pgmap version N". It
//     is made of the pg dump PG map (above), so the two agree: version
//     the OSD map epoch, PGs by pool and PG number (Ceph: its hash map's
//     order, which its pg dump shares), stamps at pg dump's microseconds
//     (a real map has nanoseconds), each up and in OSD with the empty
//     os_alerts entry a reporting OSD sends for itself (an out OSD's
//     zeroed stats have none), no heartbeat ping times (pg dump prints
//     none), no pool_statfs. No installed Ceph tool decodes a PG map
//     (ceph-dencoder has no type plugins here): testdata/pgmap holds a
//     16.2.15 manager's pg getmap with the pg dump of the same version;
//     the test's decoder walks that binary to its end, every struct's
//     length consistent, and reads the pg dump's values (and the OSD's
//     empty os_alerts entry) from it; the encoder fed that pg dump gives
//     the real bytes but for the stamps' digits below the microseconds
//     (masked), and the emulator's answer decodes to its own pg dump. It
//     needs WithMaps (EOPNOTSUPP without). mds getmap is no command in
//     16.2.15 ("no valid command found"): it is refused as unknown, as
//     there.
//   - testdata/cephx (cephx.sh, keys masked by capmask.py as they are
//     read) holds the auth and config-key reads: every output, status line,
//     errno and message matches byte for byte against a database of the
//     captured entities with the masked key, except that a missing
//     required argument is named ("missing required parameter entity")
//     where the monitor says "invalid command". config-key dump was not
//     captured (the values are the dashboard's secrets): its JSON ending
//     with a newline follows config-key ls.
//   - osd df has no golden capture yet; it takes no arguments (Ceph's
//     output_method/filter_by/filter are not emulated) and lists OSDs by
//     id with the usage each reports.
package cmdemu
