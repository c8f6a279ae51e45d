#!/bin/bash
# reads-pg.sh OUTDIR : capture (read-only) pg dump of every dumpcontents,
# pg dump_json, pg dump_pools_json, pg debug and report, as pg/ holds
# them: plain, json and json-pretty. Needs cap.py beside it.
out=$1
cap() { /usr/bin/python3 "$(dirname "$0")/cap.py" "$out" "$@" >/dev/null || echo "FAIL $*"; }
while IFS='|' read -r name cmd target; do
  [ -z "$name" ] && continue
  cap "$name" "$cmd" $target
  cap "$name.json" "$(echo "$cmd" | jq -c '. + {format:"json"}')" $target
  cap "$name.json-pretty" "$(echo "$cmd" | jq -c '. + {format:"json-pretty"}')" $target
done <<'L'
osd_dump|{"prefix":"osd dump"}
osd_crush_dump|{"prefix":"osd crush dump"}
pg_dump|{"prefix":"pg dump"}|mgr
pg_dump_all|{"prefix":"pg dump","dumpcontents":["all"]}|mgr
pg_dump_summary|{"prefix":"pg dump","dumpcontents":["summary"]}|mgr
pg_dump_sum|{"prefix":"pg dump","dumpcontents":["sum"]}|mgr
pg_dump_delta|{"prefix":"pg dump","dumpcontents":["delta"]}|mgr
pg_dump_pools|{"prefix":"pg dump","dumpcontents":["pools"]}|mgr
pg_dump_osds|{"prefix":"pg dump","dumpcontents":["osds"]}|mgr
pg_dump_pgs|{"prefix":"pg dump","dumpcontents":["pgs"]}|mgr
pg_dump_pgs_brief|{"prefix":"pg dump","dumpcontents":["pgs_brief"]}|mgr
pg_dump_pools_osds|{"prefix":"pg dump","dumpcontents":["pools","osds"]}|mgr
pg_dump_json|{"prefix":"pg dump_json"}|mgr
pg_dump_json_sum|{"prefix":"pg dump_json","dumpcontents":["sum"]}|mgr
pg_dump_json_pools|{"prefix":"pg dump_json","dumpcontents":["pools"]}|mgr
pg_dump_json_osds|{"prefix":"pg dump_json","dumpcontents":["osds"]}|mgr
pg_dump_json_pgs|{"prefix":"pg dump_json","dumpcontents":["pgs"]}|mgr
pg_dump_json_summary|{"prefix":"pg dump_json","dumpcontents":["summary"]}|mgr
pg_dump_pools_json|{"prefix":"pg dump_pools_json"}|mgr
pg_debug_unfound|{"prefix":"pg debug","debugop":"unfound_objects_exist"}|mgr
pg_debug_degraded|{"prefix":"pg debug","debugop":"degraded_pgs_exist"}|mgr
pg_stat|{"prefix":"pg stat"}|mgr
df|{"prefix":"df"}
report|{"prefix":"report"}
mon_dump|{"prefix":"mon dump"}
fs_dump|{"prefix":"fs dump"}
health_detail|{"prefix":"health","detail":"detail"}
L
