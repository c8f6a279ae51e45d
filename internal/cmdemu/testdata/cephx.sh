#!/bin/bash
# cephx.sh OUTDIR : capture (read-only) the auth and config-key reads behind
# python-cephclient's auth_* and config_key_* methods, as cephx/ holds them.
# Every reply goes through capmask.py, which replaces each cephx key with
# the fake AQXXXX...== before writing, so no real secret is ever saved; the
# tests compare shapes. Values read with config-key get are a port number
# and a timestamp (the other keys hold the dashboard's secrets).
out=$1
cap() { /usr/bin/python3 "$(dirname "$0")/capmask.py" "$out" "$@" >/dev/null || echo "FAIL $*"; }
while IFS='|' read -r name cmd; do
  [ -z "$name" ] && continue
  cap "$name" "$cmd"
  cap "$name.json" "$(echo "$cmd" | jq -c '. + {format:"json"}')"
  cap "$name.json-pretty" "$(echo "$cmd" | jq -c '. + {format:"json-pretty"}')"
done <<'L'
auth_ls|{"prefix":"auth ls"}
auth_list|{"prefix":"auth list"}
auth_get_admin|{"prefix":"auth get","entity":"client.admin"}
auth_get_mon|{"prefix":"auth get","entity":"mon."}
auth_get_osd0|{"prefix":"auth get","entity":"osd.0"}
auth_get_nope|{"prefix":"auth get","entity":"client.nope"}
auth_get_bad|{"prefix":"auth get","entity":"nope"}
auth_get_noarg|{"prefix":"auth get"}
auth_export_admin|{"prefix":"auth export","entity":"client.admin"}
auth_export_all|{"prefix":"auth export"}
auth_export_nope|{"prefix":"auth export","entity":"client.nope"}
auth_export_mon|{"prefix":"auth export","entity":"mon."}
auth_get_key_admin|{"prefix":"auth get-key","entity":"client.admin"}
auth_get_key_nope|{"prefix":"auth get-key","entity":"client.nope"}
auth_get_key_mon|{"prefix":"auth get-key","entity":"mon."}
auth_print_key_admin|{"prefix":"auth print-key","entity":"client.admin"}
auth_print_key_nope|{"prefix":"auth print-key","entity":"client.nope"}
auth_print_key_bad|{"prefix":"auth print-key","entity":"nope"}
ck_ls|{"prefix":"config-key ls"}
ck_list|{"prefix":"config-key list"}
ck_get_port|{"prefix":"config-key get","key":"config/mgr/mgr/dashboard/server_port"}
ck_get_scrape|{"prefix":"config-key get","key":"mgr/devicehealth/last_scrape"}
ck_get_nope|{"prefix":"config-key get","key":"nope/none"}
ck_exists_port|{"prefix":"config-key exists","key":"config/mgr/mgr/dashboard/server_port"}
ck_exists_nope|{"prefix":"config-key exists","key":"nope/none"}
ck_get_noarg|{"prefix":"config-key get"}
L
# A real key must never be left: every key-shaped string is the fake.
if grep -rhoE 'AQ[A-Za-z0-9+/]{36}==' "$out" | grep -qv '^AQXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX==$'; then
  echo "UNMASKED KEY in $out" >&2; exit 1
fi
