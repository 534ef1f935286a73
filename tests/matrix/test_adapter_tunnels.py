#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Several requests through a set_tunnel() connection, for the Node and Go
adapters (adapters/node, adapters/go): the requests of a kept-alive connection
share one tunnel (one CONNECT), a reconnect opens a new one (CONNECT again),
and a refused second CONNECT is the tunnel's failure (OSError), judged by that
request's own connection. CPython's http.client does each (HTTPConnection.connect
calls _tunnel() on every connect); its adapter runs first, so the scenarios
below stay CPython's. The library has no such scenario (its tunnel scenarios
make one request), so they are written here into a temporary directory.
A client that is not installed (no node, no go) is skipped and said so.
Usage: test_adapter_tunnels.py BUILD/runner/httpc-conform [NAME=COMMAND]...
(NAME=COMMAND runs another command as cpython, node or go: an older adapter
must fail here)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import matrix_lib as ml  # noqa: E402

PROFILES = ("profiles: -py26, -py26-strict, -py30, -py30-strict, -py31, -py31-strict -- "
            "py26, py30, py31: no set_tunnel\n")
ESTABLISHED = '  read head\n  send "HTTP/1.1 200 Connection established\\r\\n\\r\\n"\n'
FIRST = '  read request\n  send "HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nfirst"\n'
FIRST_CLOSE = ('  read request\n  send "HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n'
               'Content-Length: 5\\r\\n\\r\\nfirst"\n  close\n')
SECOND = ('  read request\n  send "HTTP/1.1 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nsecond"\n'
          '  close\n')
OK = 'expect: response status=200 body="second"\n'


def scenario(sid, title, tls, conns, scripts, expect):
    head = "id: tunnel-multi/%s\ntitle: %s\ntags: tunnel\n%s" % (sid, title, PROFILES)
    head += "tls: yes\ntunnel: localhost:443\n" if tls else "tunnel: target.example:8080\n"
    head += "request: GET /a\nrequest: GET /b\ncheck-connections: %d\n" % conns
    return head + "".join("\nconnection\n" + s for s in scripts) + "\n" + expect


ST = "  starttls\n"
SCENARIOS = {
    "https-keepalive": scenario(
        "https-keepalive", "two requests through one HTTPS tunnel", True, 1,
        [ESTABLISHED + ST + FIRST + SECOND], OK),
    "https-reconnect": scenario(
        "https-reconnect", "the first reply closes: a new tunnel for the second request",
        True, 2, [ESTABLISHED + ST + FIRST_CLOSE, ESTABLISHED + ST + SECOND], OK),
    # the refused CONNECT of the second connection; the script's trailing
    # starttls keeps the server from a handshake at its start (tunnel/https-407)
    "https-reconnect-407": scenario(
        "https-reconnect-407", "the first reply closes; the second CONNECT gets a 407", True, 2,
        [ESTABLISHED + ST + FIRST_CLOSE,
         '  read head\n  send "HTTP/1.1 407 Proxy Authentication Required\\r\\n'
         'Content-Length: 0\\r\\n\\r\\n"\n  close\n  starttls\n'], "expect: error OSError\n"),
    "http-keepalive": scenario(
        "http-keepalive", "two requests through one plain tunnel", False, 1,
        [ESTABLISHED + FIRST + SECOND], OK),
    "http-reconnect": scenario(
        "http-reconnect", "the first reply closes: a new plain tunnel for the second request",
        False, 2, [ESTABLISHED + FIRST_CLOSE, ESTABLISHED + SECOND], OK),
}

# The py3 verdict each client must get. Go's net/http tunnels only to an
# https:// target (adapters/go/README.md): the plain ones are unsupported.
WANT = {
    "cpython": {sid: "pass" for sid in SCENARIOS},
    "node": {sid: "pass" for sid in SCENARIOS},
    "go": {sid: "unsupported" if sid.startswith("http-") else "pass" for sid in SCENARIOS},
}

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def commands(build, overrides):
    cmds = {"cpython": "%s %s" % (sys.executable,
                                  os.path.join(ROOT, "tests/oracle/cpython_adapter.py"))}
    if shutil.which("node"):
        cmds["node"] = "node " + os.path.join(ROOT, "adapters/node/node_adapter.js")
    go = ml.build_go(os.path.join(build, "adapters/go/httpc-go-adapter"))
    if go:
        cmds["go"] = go
    for text in overrides:
        name, _, cmd = text.partition("=")
        if name not in WANT or not cmd:
            sys.exit("test_adapter_tunnels: %r: NAME=COMMAND, NAME one of %s"
                     % (text, ", ".join(WANT)))
        cmds[name] = cmd
    for name in WANT:
        if name not in cmds:
            print("skip %s: not installed" % name)
    return cmds


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.rsplit("Usage: ", 1)[1])
    conform = os.path.abspath(sys.argv[1])
    build = os.path.dirname(os.path.dirname(conform))
    tmp = tempfile.mkdtemp(prefix="adapter-tunnels-")
    lib = os.path.join(tmp, "scenarios")
    os.makedirs(lib)
    for sid, text in SCENARIOS.items():
        with open(os.path.join(lib, sid + ".scn"), "w") as f:
            f.write(text)
    ran = commands(build, sys.argv[2:])
    for name, cmd in ran.items():
        reports = os.path.join(tmp, name)
        r = subprocess.run([conform, "-q", "-j", "2", "--adapter", cmd, "--client-name", name,
                            "--judge", "py3", "--reports", reports, lib],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        print(r.stdout + r.stderr, end="")
        try:
            with open(os.path.join(reports, "results.json"), encoding="utf-8") as f:
                results = json.load(f)["results"]
        except (OSError, ValueError, KeyError) as e:
            check(False, "%s: no results.json (%s)" % (name, e))
            continue
        got = {x["id"].split("/", 1)[1]: x for x in results}
        for sid, verdict in WANT[name].items():
            x = got.get(sid)
            check(x is not None and x["verdict"] == verdict,
                  "%s %s: %s, wanted %s" % (name, sid, x and "%s (%s; %s)" % (
                      x["verdict"], x.get("outcome"), x.get("why")), verdict))
    shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    missing = [name for name in WANT if name not in ran]
    if missing:
        # ctest's SKIP_RETURN_CODE: a client left out is a skip, not a pass
        print("checks of %s passed; skipped: %s (not installed)" % (", ".join(ran), ", ".join(missing)))
        sys.exit(77)
    print("all checks passed")


if __name__ == "__main__":
    main()
