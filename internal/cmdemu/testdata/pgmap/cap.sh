#!/bin/bash
# capture pg getmap with pg dump json before and after, until the versions agree
. /tmp/pgmc/env.sh
cd /tmp/pgcap
for i in $(seq 1 30); do
  ceph pg dump -f json > before.json 2>before.status
  ceph pg getmap -o pgmap.bin 2>getmap.status
  ceph pg dump -f json > after.json 2>after.status
  vb=$(jq .pg_map.version before.json); va=$(jq .pg_map.version after.json)
  vbin=$(python3 -c "import struct;print(struct.unpack_from('<Q',open('pgmap.bin','rb').read(),6)[0])")
  echo "try $i: before $vb bin $vbin after $va"
  if [ "$vb" = "$vbin" ] && [ "$va" = "$vbin" ]; then echo OK; break; fi
  sleep 0.3
done
