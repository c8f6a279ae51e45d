#!/bin/bash
# reads-more.sh OUTDIR : capture (read-only) the commands behind
# python-cephclient's read methods, as fs-rgw/ holds them: plain, json and
# json-pretty (the error cases in plain and json). Needs cap.py beside it.
# Not captured on purpose: auth ls/get (cephx secrets), config-key (the
# dashboard's accounts live there) and report (not emulated).
out=$1
cap() { /usr/bin/python3 "$(dirname "$0")/cap.py" "$out" "$@" >/dev/null || echo "FAIL $*"; }
while IFS='|' read -r name cmd target; do
  [ -z "$name" ] && continue
  cap "$name" "$cmd" $target
  cap "$name.json" "$(echo "$cmd" | jq -c '. + {format:"json"}')" $target
  case $name in *_9|*_ecp|*_unset|*_nopool|*_hitset|*_all) [ "$name" != osd_pool_get_all ] && continue;; esac
  cap "$name.json-pretty" "$(echo "$cmd" | jq -c '. + {format:"json-pretty"}')" $target
done <<'L'
health_detail|{"prefix":"health","detail":"detail"}
status|{"prefix":"status"}
df_detail|{"prefix":"df","detail":"detail"}
osd_tree|{"prefix":"osd tree"}
osd_dump|{"prefix":"osd dump"}
pg_stat|{"prefix":"pg stat"}
quorum_status|{"prefix":"quorum_status"}
mgr_dump|{"prefix":"mgr dump"}
crush_rule_dump|{"prefix":"osd crush rule dump"}
osd_metadata_0|{"prefix":"osd metadata","id":0}
osd_crush_dump|{"prefix":"osd crush dump"}
osd_find|{"prefix":"osd find","id":0}
osd_find_9|{"prefix":"osd find","id":9}
osd_perf|{"prefix":"osd perf"}|mgr
osd_pool_get_size|{"prefix":"osd pool get","pool":"device_health_metrics","var":"size"}
osd_pool_get_all|{"prefix":"osd pool get","pool":"device_health_metrics","var":"all"}
osd_pool_get_pg_num|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"pg_num"}
osd_pool_get_crush_rule|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"crush_rule"}
osd_pool_get_meta_all|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"all"}
osd_pool_get_data_all|{"prefix":"osd pool get","pool":"cephfs.cephfs.data","var":"all"}
osd_pool_get_bias|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"pg_autoscale_bias"}
osd_pool_get_autoscale|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"pg_autoscale_mode"}
osd_pool_get_ecp|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"erasure_code_profile"}
osd_pool_get_unset|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"compression_mode"}
osd_pool_get_nopool|{"prefix":"osd pool get","pool":"nope","var":"size"}
osd_pool_get_hitset|{"prefix":"osd pool get","pool":"cephfs.cephfs.meta","var":"hit_set_type"}
osd_pool_stats|{"prefix":"osd pool stats"}|mgr
pg_dump_stuck|{"prefix":"pg dump_stuck"}|mgr
osd_blocklist_ls|{"prefix":"osd blocklist ls"}
osd_blacklist_ls|{"prefix":"osd blacklist ls"}
mds_stat|{"prefix":"mds stat"}
mds_compat_show|{"prefix":"mds compat show"}
fs_dump|{"prefix":"fs dump"}
L
