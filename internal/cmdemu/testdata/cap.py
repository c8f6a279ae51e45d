#!/usr/bin/python3
# capture raw mon/mgr command replies: cap.py OUTDIR NAME JSONCMD [target]
import json, sys, os, rados
out, name, cmd = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
target = sys.argv[4] if len(sys.argv) > 4 else 'mon'
c = rados.Rados(conffile=os.environ['CEPH_CONF'])
c.connect()
if target == 'mgr':
    ret, outbuf, outs = c.mgr_command(json.dumps(cmd), b'', timeout=20)
else:
    ret, outbuf, outs = c.mon_command(json.dumps(cmd), b'', timeout=20)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, name + '.out'), 'wb') as f: f.write(outbuf)
with open(os.path.join(out, name + '.status'), 'w') as f: f.write(json.dumps({"ret": ret, "outs": outs, "cmd": cmd, "target": target}) + "\n")
print(name, ret, repr(outs)[:100], len(outbuf))
