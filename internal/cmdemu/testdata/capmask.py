#!/usr/bin/python3
# capmask.py OUTDIR NAME JSONCMD : capture a mon command reply (read-only) with
# every cephx key replaced by a fake one of the same length before anything
# is written, so that no real secret reaches the disk.
import json, sys, os, re, rados
out, name, cmd = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
KEY = re.compile(rb'AQ[A-Za-z0-9+/]{36}==')
FAKE = b'AQ' + b'X' * 36 + b'=='
def mask(b): return KEY.sub(FAKE, b)
c = rados.Rados(conffile=os.environ['CEPH_CONF'])
c.connect()
ret, outbuf, outs = c.mon_command(json.dumps(cmd), b'', timeout=20)
outbuf = mask(outbuf)
outs = mask(outs.encode()).decode()
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, name + '.out'), 'wb') as f: f.write(outbuf)
with open(os.path.join(out, name + '.status'), 'w') as f: f.write(json.dumps({"ret": ret, "outs": outs, "cmd": cmd, "target": "mon"}) + "\n")
print(name, ret, repr(outs)[:100], len(outbuf))
