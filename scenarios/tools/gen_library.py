#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-specified scenarios of scenarios/tools/library.py (status/,
headers/, limits/, chunked/, length/, http09/, interim/, bodiless/, keepalive/,
faults/, request/) with the expectations real CPython gives: each scenario is
served by `httpc-mock serve` (every sweep case), CPython 3.11's http.client
(py3) and Python 2.7's httplib (py27, py27-strict) talk to it, and what they do
becomes the `expect` lines. The strict profile's expectation is written in the
specification with its RFC reasoning (or, for a well-formed exchange, is what
py3 does). A sweep whose cases CPython treats differently is an error: split it.
Each CPython profile is run a second time with every socket read capped at one
byte (adapters/readcap, the LD_PRELOAD shim this build makes): where that
changes what CPython does, the file gets `expect PROFILE read-cap=1: ...` too
(scenarios/FORMAT.md, "Outcomes that depend on how the reads are cut").
Scenarios listed in library.PENDING (the reference client disagrees) are written
only with --pending DIR, outside the tree.
Usage: gen_library.py BUILD_DIR [--only PREFIX] [--out scenarios] [--pending DIR]"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
ADAPTER = os.path.join(ROOT, "tests", "oracle", "cpython_adapter.py")
SESSION = os.path.join(HERE, "cpython_session.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
import py27  # noqa: E402  (tests/oracle/py27.py: where Python 2.7 is, HTTPC_PY27)
PY27 = py27.find() or py27.setting()
PYTHONS = {"py3": (sys.executable, []), "py27": (PY27, []), "py27-strict": (PY27, ["--strict"])}
ORDER = ["py3", "py27", "py27-strict", "strict"]
# The read cap of the second run of each CPython profile (0 would skip it).
READ_CAP = 1
sys.path.insert(0, HERE)
import library  # noqa: E402
from from_cpython import escape_text, kept_rfc_lines  # noqa: E402


def bytes_expr(expr, base):
    """The bytes of a scenario byte expression ("text" [* N] + file "path" ...)."""
    out, pos = b"", 0
    term = re.compile(r'\s*(?:file\s+"([^"]*)"|"((?:[^"\\]|\\.)*)"(?:\s*\*\s*(\d+))?)\s*(\+|$)')
    while pos < len(expr):
        m = term.match(expr, pos)
        if not m:
            raise ValueError("bad byte expression: %r" % expr)
        if m.group(1) is not None:
            with open(os.path.join(base, m.group(1)), "rb") as f:
                out += f.read()
        else:
            raw = m.group(2).encode("latin-1").decode("unicode_escape").encode("latin-1")
            out += raw * int(m.group(3) or 1)
        pos = m.end()
    return out


def requests_of(block):
    """[[method, target, [[name, value]...], body_b64|None]...] from request lines."""
    reqs = []
    for line in block.splitlines():
        key, _, val = line.partition(":")
        val = val.strip()
        if key == "request":
            method, _, target = val.partition(" ")
            reqs.append([method, target, [], None])
        elif key in ("request-header", "request-body") and not reqs:
            reqs.append(["GET", "/", [], None])
        if key == "request-header":
            name, _, value = val.partition(":")
            reqs[-1][2].append([name.strip(), value.strip()])
        elif key == "request-body":
            reqs[-1][3] = base64.b64encode(bytes_expr(val, ROOT)).decode("ascii")
    return reqs or [["GET", "/", [], None]]


def serve(mock, path, case):
    p = subprocess.Popen([mock, "serve", path, "--case", str(case), "-v"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = int(p.stdout.readline())
    return p, port


def run_cpython(mock, path, case, profile, reqs, timeout_ms, shim=None, read_cap=0):
    """CPython's outcome; with read_cap, every socket read of CPython (not of the
    mock server) takes at most read_cap bytes, through the shim."""
    python, extra = PYTHONS[profile]
    env = None
    if read_cap:
        env = dict(os.environ, LD_PRELOAD=shim, HTTPC_READ_CAP=str(read_cap))
    server, port = serve(mock, path, case)
    secs = "%.3f" % (timeout_ms / 1000.0)
    if len(reqs) == 1:
        method, target, headers, body64 = reqs[0]
        cmd = [python, ADAPTER] + extra + ["-X", method, "--timeout", secs]
        for name, value in headers:
            cmd += ["-H", "%s: %s" % (name, value)]
        tmp = None
        if body64 is not None:
            tmp = tempfile.NamedTemporaryFile(delete=False)
            tmp.write(base64.b64decode(body64))
            tmp.close()
            cmd += ["--data-file", tmp.name]
        cmd += ["--json", "http://127.0.0.1:%d%s" % (port, target)]
    else:
        tmp = None
        cmd = [python, SESSION] + extra + ["--timeout", secs, str(port), json.dumps(reqs)]
    res = subprocess.run(cmd, capture_output=True, timeout=120, env=env)
    if tmp:
        os.unlink(tmp.name)
    deadline = time.time() + 3
    while server.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    if server.poll() is None:
        server.kill()
    log = server.communicate()[1].decode("latin-1")
    out = json.loads(res.stdout.decode())
    out["connections"] = log.count("accepted")
    return out


def outcome_line(o, headers, reason):
    if o["error"]:
        line = "error %s" % o["error"]
        if o["error"] == "IncompleteRead":
            line += " partial=%d expected=%s" % (
                o["partial_len"], "none" if o["expected_more"] is None else o["expected_more"])
        return line
    body = base64.b64decode(o["body_b64"])
    line = "response status=%d" % o["status"]
    if reason:
        line += ' reason="%s"' % escape_text(o["reason"].encode("latin-1"))
    line += " version=%d" % o["version"]
    if len(body) <= 120:
        line += ' body="%s"' % escape_text(body)
    else:
        line += " body-len=%d body-sha256=%s" % (o["body_len"], o["body_sha256"])
    for name in headers:
        values = [v for k, v in o["headers"] if k.lower() == name.lower()]
        if values:
            line += ' header="%s: %s"' % (name, escape_text(", ".join(values).encode("latin-1")))
    line += " will-close=%s" % ("yes" if o["will_close"] else "no")
    return line


def generate(mock, spec, out_dir, shim=None):
    block = spec["block"].strip("\n")
    profiles = spec.get("profiles", ORDER)
    sweep = re.search(r"^sweep:\s*(\w+)\s*=(.*)$", block, re.M)
    values = sweep.group(2).split() if sweep else [None]
    timeout = re.search(r"^timeout:\s*(\d+)", block, re.M)
    timeout_ms = int(timeout.group(1)) if timeout else 5000
    conns = re.search(r"^check-connections:\s*(\d+)", block, re.M)
    head = ["# Generated by scenarios/tools/gen_library.py from scenarios/tools/library.py:",
            "# the py3, py27 and py27-strict expectations are what CPython 3.11 and 2.7 did",
            "# with these bytes; the strict one follows the RFC sections cited (it is py3's",
            "# where the exchange is well formed)."]
    for line in spec.get("note", "").strip().splitlines():
        head.append("# " + line.strip())
    head += ["id: %s" % spec["id"], "title: %s" % spec["title"]]
    head += ["ref: %s" % r for r in spec["refs"]]
    head.append("tags: %s" % ", ".join(spec["tags"]))
    if profiles != ORDER:  # the loader wants the reason for those left out
        head.append("profiles: %s -- %s" % (", ".join(profiles), spec["why"]))
    text = "\n".join(head) + "\n\n" + block + "\n"
    lines, capped = {}, {}
    with tempfile.NamedTemporaryFile("w", suffix=".scn", delete=False) as f:
        f.write(text + "\nexpect: error HTTPException\n")
        tmp = f.name
    try:
        for profile in profiles:
            if profile == "strict":
                continue
            seen = set()
            for case, value in enumerate(values):
                sub = block.replace("{%s}" % sweep.group(1), value) if sweep else block
                o = run_cpython(mock, tmp, case, profile, requests_of(sub), timeout_ms)
                if conns and o["connections"] != int(conns.group(1)):
                    raise SystemExit("%s %s: CPython made %d connections, the file says %s" % (
                        spec["id"], profile, o["connections"], conns.group(1)))
                seen.add(outcome_line(o, spec.get("headers", []), spec.get("reason", False)))
            if len(seen) != 1:
                raise SystemExit("%s %s: sweep cases differ: %s" % (spec["id"], profile, seen))
            lines[profile] = seen.pop()
            if not READ_CAP:
                continue
            seen = set()
            for case, value in enumerate(values):
                sub = block.replace("{%s}" % sweep.group(1), value) if sweep else block
                o = run_cpython(mock, tmp, case, profile, requests_of(sub), timeout_ms, shim,
                                READ_CAP)
                if conns and o["connections"] != int(conns.group(1)):
                    raise SystemExit("%s %s read-cap=%d: CPython made %d connections, the file "
                                     "says %s" % (spec["id"], profile, READ_CAP, o["connections"],
                                                  conns.group(1)))
                seen.add(outcome_line(o, spec.get("headers", []), spec.get("reason", False)))
            if len(seen) != 1:
                raise SystemExit("%s %s read-cap=%d: sweep cases differ: %s" % (
                    spec["id"], profile, READ_CAP, seen))
            line = seen.pop()
            if line != lines[profile]:
                capped[profile] = line
    finally:
        os.unlink(tmp)
    if "strict" in profiles:
        lines["strict"] = spec.get("strict") or lines["py3"]
    common = lines.get("py3") or lines[profiles[0]]
    expect = ["expect: %s" % common]
    for profile in ORDER:
        if profile in lines and lines[profile] != common:
            expect.append("expect %s: %s" % (profile, lines[profile]))
    for profile in ORDER:
        if profile in capped:
            expect.append("expect %s read-cap=%d: %s" % (profile, READ_CAP, capped[profile]))
    path = os.path.join(out_dir, spec["id"] + ".scn")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    expect += kept_rfc_lines(path)
    with open(path, "w") as f:
        f.write(text + "\n" + "\n".join(expect) + "\n")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("build")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=os.path.join(ROOT, "scenarios"))
    ap.add_argument("--pending", help="where to write the scenarios of library.PENDING (default: skip them)")
    a = ap.parse_args()
    if not py27.find():
        sys.exit("gen_library: needs Python 2.7 for the py27 profiles: %s; %s"
                 % (py27.describe(), py27.HOW))
    mock = os.path.join(a.build, "mockserver", "httpc-mock")
    shim = os.path.abspath(os.path.join(a.build, "adapters", "readcap", "libhttpc-readcap.so"))
    if READ_CAP and not os.path.exists(shim):
        sys.exit("gen_library: needs %s (make build) for the read-cap runs" % shim)
    n = 0
    for spec in library.SCENARIOS:
        if not spec["id"].startswith(a.only):
            continue
        out = a.out
        if spec["id"] in library.PENDING:
            if not a.pending:
                continue
            out = a.pending
        lines = generate(mock, spec, out, shim)
        n += 1
        print("%-48s %s" % (spec["id"], " | ".join("%s: %s" % (p, lines[p][:60])
                                                   for p in ORDER if p in lines)))
    print("gen_library: wrote %d scenarios" % n)


if __name__ == "__main__":
    main()
