#!/bin/bash
# reads.sh OUTDIR : capture every read command in plain, json, json-pretty
out=$1
cap() { /usr/bin/python3 /work/capture/cap.py "$out" "$@" >/dev/null || echo "FAIL $*"; }
while IFS='|' read -r name cmd; do
  [ -z "$name" ] && continue
  cap "$name" "$cmd"
  cap "$name.json" "$(echo "$cmd" | jq -c '. + {format:"json"}')"
  cap "$name.json-pretty" "$(echo "$cmd" | jq -c '. + {format:"json-pretty"}')"
done <<'L'
health|{"prefix":"health"}
health_detail|{"prefix":"health","detail":"detail"}
status|{"prefix":"status"}
df|{"prefix":"df"}
df_detail|{"prefix":"df","detail":"detail"}
osd_tree|{"prefix":"osd tree"}
osd_dump|{"prefix":"osd dump"}
osd_ls|{"prefix":"osd ls"}
osd_stat|{"prefix":"osd stat"}
osd_pool_ls|{"prefix":"osd pool ls"}
osd_pool_ls_detail|{"prefix":"osd pool ls","detail":"detail"}
pg_stat|{"prefix":"pg stat"}
mon_stat|{"prefix":"mon stat"}
mon_dump|{"prefix":"mon dump"}
quorum_status|{"prefix":"quorum_status"}
osd_flags|{"prefix":"osd dump"}
L
