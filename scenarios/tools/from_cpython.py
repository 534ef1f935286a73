#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes scenario files from the oracle's reply library (tests/oracle/cases.py)
with the expectations CPython itself gives: each reply is served to CPython's
http.client (3.x, for py3) and to httplib (2.7, for py27 and py27-strict), and
what they do becomes the scenario's `expect` lines. The documented deviations of
cases.py (CPython crashing with OverflowError, ...) are written with their
reason. Each scenario's title and refs come from cpython_docs.py, which needs an
entry for every case. Run it again after changing cases.py; `git diff scenarios/`
shows what moved. Usage: from_cpython.py [--out scenarios/cpython]"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "..", "..", "tests", "oracle")
sys.path.insert(0, ORACLE)
import cases  # noqa: E402
from replay import ReplayServer  # noqa: E402
from cpython_docs import DOCS  # noqa: E402
import py27  # noqa: E402  (tests/oracle/py27.py: where Python 2.7 is, HTTPC_PY27)

PY27 = py27.find() or py27.setting()
PAIRS = [("py3", sys.executable, []), ("py27", PY27, []), ("py27-strict", PY27, ["--strict"])]


# Why the generated files leave strict out (the loader wants it said).
WHY_NOT_STRICT = ("strict: generated from CPython's runs (scenarios/tools/from_cpython.py), which "
                  "give no RFC 9112 outcome; the strict profile's rules for such bytes are "
                  "scenarios/strict/ and the rfc lines")


def cpython(python, extra, reply, method):
    server = ReplayServer(reply)
    cmd = [python, os.path.join(ORACLE, "cpython_adapter.py")] + extra + [
        "-X", method, "--timeout", "5", "http://127.0.0.1:%d/case" % server.port]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    server.join()
    return json.loads(p.stdout.decode())


def escape(data):
    """A byte expression: quoted text with C escapes, long runs as "c" * N."""
    out, i = [], 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        if j - i > 40:
            out.append('"%s" * %d' % (escape_text(data[i:i + 1]), j - i))
            i = j
            continue
        k = i
        while k < len(data):
            m = k
            while m < len(data) and data[m] == data[k]:
                m += 1
            if m - k > 40:
                break
            k = m
        out.append('"%s"' % escape_text(data[i:k]))
        i = k
    return " + ".join(out) if out else '""'


def escape_text(b):
    s = []
    for c in bytearray(b):
        if c == 0x0d:
            s.append("\\r")
        elif c == 0x0a:
            s.append("\\n")
        elif c == 0x09:
            s.append("\\t")
        elif c in (0x22, 0x5c):
            s.append("\\" + chr(c))
        elif 0x20 <= c < 0x7f:
            s.append(chr(c))
        else:
            s.append("\\x%02x" % c)
    return "".join(s)


def outcome_line(o):
    if o["error"]:
        line = "error %s" % o["error"]
        if o["error"] == "IncompleteRead":
            line += " partial=%d expected=%s" % (
                o["partial_len"], "none" if o["expected_more"] is None else o["expected_more"])
        return line
    import base64
    body = base64.b64decode(o["body_b64"]) if o["body_b64"] is not None else None
    line = "response status=%d version=%d" % (o["status"], o["version"])
    if body is not None and len(body) <= 200:
        line += ' body="%s"' % escape_text(body)
    else:
        line += " body-len=%d body-sha256=%s" % (o["body_len"], o["body_sha256"])
    line += " will-close=%s" % ("yes" if o["will_close"] else "no")
    return line


def deviation_line(wanted, o):
    if "error" in wanted and wanted["error"] != o.get("error"):
        return "error %s" % wanted["error"]
    line = outcome_line(o)
    if wanted.get("expected_more") is not None:
        line = line.split(" expected=")[0] + " expected=%d" % wanted["expected_more"]
    if "partial_len" in wanted:
        line = line.replace("partial=%d" % o["partial_len"], "partial=%d" % wanted["partial_len"])
    return line


def kept_rfc_lines(path):
    """The `rfc` lines of a scenario file about to be rewritten: the RFC grading is
    written by people reading the bytes and the RFC (scenarios/FORMAT.md), not
    derived from CPython, so regenerating a file keeps it."""
    try:
        with open(path) as f:
            return [line.rstrip("\n") for line in f if line.startswith("rfc ")]
    except FileNotFoundError:
        return []


def check_docs():
    """Stops before any work when a case has no title and refs in cpython_docs.py,
    or an entry names no case (a renamed case would otherwise lose its words)."""
    ids = [cid for cid, _, _ in cases.CASES]
    missing = [cid for cid in ids if cid not in DOCS]
    stale = sorted(set(DOCS) - set(ids))
    if missing or stale:
        sys.exit("from_cpython: cpython_docs.py DOCS %s" % "; ".join(
            part for part in ("has no entry for: " + ", ".join(missing) if missing else "",
                              "has entries for no case: " + ", ".join(stale) if stale else "")
            if part))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "cpython"))
    a = ap.parse_args()
    check_docs()
    if not py27.find():
        sys.exit("from_cpython: needs Python 2.7 for the py27 profiles: %s; %s"
                 % (py27.describe(), py27.HOW))
    pairs = PAIRS
    written = 0
    for cid, reply, method in cases.CASES:
        title, refs = DOCS[cid]
        lines = ["# Generated by scenarios/tools/from_cpython.py from tests/oracle/cases.py:",
                 "# every expectation is what CPython 3.11 (py3) or 2.7 (py27, py27-strict)",
                 "# did with these bytes.",
                 "id: %s" % cid, "title: %s" % title]
        lines += ["ref: %s" % r for r in refs]
        lines += ["tags: cpython, %s" % cid.split("/")[0],
                  "profiles: py27, py27-strict, py3 -- " + WHY_NOT_STRICT, "", "request: %s /case" % method, "",
                  "connection", "  read request"]
        expr = escape(reply)
        path = os.path.join(a.out, cid + ".scn")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if len(expr) > 16384:  # too long for one line: a file beside the scenario
            with open(path[:-4] + ".reply", "wb") as f:
                f.write(reply)
            expr = 'file "%s"' % os.path.basename(path[:-4] + ".reply")
        lines.append("  send " + expr)
        lines += ["  close", ""]
        for profile, python, extra in pairs:
            o = cpython(python, extra, reply, method)
            dev = cases.DEVIATIONS.get((cid, profile, "all"))
            if dev:
                reason, wanted = dev
                lines.append("# %s: CPython gives %s; %s" % (profile, o["error"] or o["status"],
                                                           reason))
                lines.append("expect %s: %s" % (profile, deviation_line(wanted, o)))
            else:
                lines.append("expect %s: %s" % (profile, outcome_line(o)))
        lines += kept_rfc_lines(path)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        written += 1
    print("from_cpython: wrote %d scenarios under %s" % (written, a.out))


if __name__ == "__main__":
    main()
