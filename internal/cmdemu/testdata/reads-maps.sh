#!/bin/bash
# reads-maps.sh OUTDIR : capture (read-only) the CRUSH and PG map reads
# (osd crush dump, osd map, pg map, pg dump) with the OSD map they stand on,
# as maps/ holds them: plain, json and json-pretty. Needs cap.py beside it.
out=$1
cap() { /usr/bin/python3 "$(dirname "$0")/cap.py" "$out" "$@" >/dev/null || echo "FAIL $*"; }
while IFS='|' read -r name cmd target; do
  [ -z "$name" ] && continue
  cap "$name" "$cmd" $target
  cap "$name.json" "$(echo "$cmd" | jq -c '. + {format:"json"}')" $target
  cap "$name.json-pretty" "$(echo "$cmd" | jq -c '. + {format:"json-pretty"}')" $target
done <<'L'
osd_tree|{"prefix":"osd tree"}
osd_dump|{"prefix":"osd dump"}
osd_crush_dump|{"prefix":"osd crush dump"}
osd_map|{"prefix":"osd map","pool":"device_health_metrics","object":"some-object"}
osd_map_meta|{"prefix":"osd map","pool":"cephfs.cephfs.meta","object":"mds0_inotable"}
osd_map_nspace|{"prefix":"osd map","pool":"cephfs.cephfs.data","object":"x","nspace":"ns1"}
osd_map_nopool|{"prefix":"osd map","pool":"nope","object":"x"}
pg_map|{"prefix":"pg map","pgid":"1.0"}
pg_map_meta|{"prefix":"pg map","pgid":"2.5"}
pg_map_nopg|{"prefix":"pg map","pgid":"1.99"}
pg_map_bad|{"prefix":"pg map","pgid":"x"}
pg_dump|{"prefix":"pg dump"}|mgr
pg_dump_pgs_brief|{"prefix":"pg dump","dumpcontents":["pgs_brief"]}|mgr
pg_dump_pools|{"prefix":"pg dump","dumpcontents":["pools"]}|mgr
pg_dump_json|{"prefix":"pg dump_json"}|mgr
pg_dump_pools_json|{"prefix":"pg dump_pools_json"}|mgr
L
