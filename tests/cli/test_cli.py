#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The httpc command's contract: help and version, usage errors (exit 2,
the option named), error exit status 1 with the Python class name, the JSON
shape, the -o and --data-file options, and -v output."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
from replay import ReplayServer  # noqa: E402

HTTPC = sys.argv[1]
passed = failed = 0


def run(*args, reply=None):
    server = ReplayServer(reply) if reply is not None else None
    argv = [a.replace("PORT", str(server.port)) if server else a for a in args]
    p = subprocess.run([HTTPC] + argv, capture_output=True, timeout=30)
    if server:
        server.join()
    return p, server


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


p, _ = run("--help")
check("help", p.returncode == 0 and b"usage: httpc" in p.stdout and b"--profile" in p.stdout)
p, _ = run("--version")
check("version", p.returncode == 0 and p.stdout.startswith(b"httpc "))
for args, word in [(["--bogus", "http://x/"], b"--bogus"), (["--profile", "py4", "http://x/"],
                   b"py4"), (["--timeout"], b"--timeout"), (["-H", "nocolon", "http://x/"],
                   b"nocolon"), (["ftp://x/"], b"ftp://x/"), ([], b"no URL"),
                  (["--read-size", "0", "http://x/"], b"--read-size"),
                  (["-d", "a", "--data-file", "f", "http://x/"], b"exclude")]:
    p, _ = run(*args)
    check("usage %s" % args, p.returncode == 2 and word in p.stderr, repr(p.stderr))

ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-L: caf\xe9\r\n\r\nhello"
p, _ = run("--json", "http://127.0.0.1:PORT/", reply=ok)
out = json.loads(p.stdout)
check("json 200", p.returncode == 0 and out["status"] == 200 and out["error"] is None
      and out["body_b64"] == "aGVsbG8=" and ["X-L", "caf\u00e9"] in out["headers"], repr(out))
p, _ = run("--json", "http://127.0.0.1:PORT/", reply=b"garbage\r\n")
out = json.loads(p.stdout)
check("json error exit 1", p.returncode == 1 and out["error"] == "BadStatusLine"
      and out["status"] is None, repr(out))
p, _ = run("http://127.0.0.1:PORT/", reply=b"")
check("plain error", p.returncode == 1 and b"RemoteDisconnected" in p.stderr, repr(p.stderr))
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "body.out")
    p, _ = run("-o", path, "http://127.0.0.1:PORT/", reply=ok)
    check("-o", p.returncode == 0 and open(path, "rb").read() == b"hello" and p.stdout == b"")
    src = os.path.join(d, "in.txt")
    with open(src, "wb") as f:
        f.write(b"file body")
    p, server = run("--data-file", src, "-X", "PUT", "http://127.0.0.1:PORT/up", reply=ok)
    req = server.requests[0]
    check("--data-file", req.startswith(b"PUT /up HTTP/1.1\r\n") and
          b"Content-Length: 9\r\n" in req and req.endswith(b"\r\n\r\nfile body"), repr(req))
p, server = run("-d", "x=1", "-H", "X-A: b", "http://127.0.0.1:PORT/p?q=1", reply=ok)
req = server.requests[0]
check("-d", req == b"POST /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity"
      b"\r\nContent-Length: 3\r\nX-A: b\r\n\r\nx=1" % server.port, repr(req))
p, _ = run("-v", "--json", "http://127.0.0.1:PORT/", reply=ok)
check("-v keeps stdout JSON", json.loads(p.stdout)["status"] == 200 and
      b"send: b'GET / HTTP/1.1" in p.stderr and b"reply: 'HTTP/1.1 200 OK\\r\\n'" in p.stderr
      and b"header: Content-Length: 5" in p.stderr, repr(p.stderr))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
