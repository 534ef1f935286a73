#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns a fuzz_response or fuzz_split input (a crash, or any interesting
input) into a scenario file (scenarios/FORMAT.md): the reply bytes become one
`send` byte expression, and the expected outcomes are what CPython does with
those bytes: tests/oracle/replay.py serves them on a loopback socket and
tests/oracle/cpython_adapter.py makes the request with python3's http.client
and Python 2.7's httplib. The scenario runs under py27 and py3 only: the
strict profiles are httpc's own, so their expectation is for a person to add.
The fuzz input's small-limit bits (byte 0, bits 2-7) and its segment size or
piece sizes are not carried over: a scenario uses the profiles' own limits,
and CPython's outcome does not depend on where TCP cuts the reply.

Usage: fuzz/crash_to_scenario.py INPUT [--target response|split]
       [--id fuzz/NAME] [--out FILE]   (default: print the scenario)"""

import argparse
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
import replay  # noqa: E402

ADAPTER = os.path.join(ROOT, "tests", "oracle", "cpython_adapter.py")
PYTHONS = (("py27", "/root/.pyenv/versions/2.7.18/bin/python2.7"), ("py3", sys.executable))
PY27 = os.environ.get("HTTPC_PYTHON27", PYTHONS[0][1])


def reply_of(data, target):
    """(reply bytes, method) of a fuzz input (fuzz/fuzz_common.h layout)."""
    if len(data) < 3:
        sys.exit("crash_to_scenario: input shorter than the 3-byte header")
    method = "HEAD" if data[2] & 4 else "GET"
    skip = 3 + (min(data[1] % 16, len(data) - 3) if target == "split" else 0)
    return data[skip:], method


def quote(b):
    """A byte expression term: C escapes, \\xHH for everything not printable."""
    out = []
    for c in b:
        ch = chr(c)
        if ch in "\r\n\t":
            out.append({"\r": "\\r", "\n": "\\n", "\t": "\\t"}[ch])
        elif ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'


def text(s):
    """A quoted outcome value (str in Python 3 terms: ISO-8859-1 bytes)."""
    return quote(s.encode("latin-1", "backslashreplace"))


def cpython_outcome(python, reply, method):
    server = replay.ReplayServer(reply)
    url = "http://127.0.0.1:%d/case" % server.port
    proc = subprocess.run([python, ADAPTER, url, "-X", method, "--timeout", "5"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    server.join()
    try:
        return json.loads(proc.stdout.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        sys.exit("crash_to_scenario: %s gave no outcome: %s" % (python, proc.stderr.decode()))


def expectation(o):
    """The `expect:` value of one adapter outcome."""
    if o["error"]:
        parts = ["error " + o["error"], "detail=" + text(o["detail"])]
        if o["partial_len"] is not None:
            parts.append("partial=%d" % o["partial_len"])
            parts.append("expected=" + ("none" if o["expected_more"] is None
                                        else "%d" % o["expected_more"]))
    else:
        parts = ["response status=%d" % o["status"], "reason=" + text(o["reason"]),
                 "version=%d" % o["version"], "body-len=%d" % o["body_len"],
                 "body-sha256=" + o["body_sha256"]]
        parts += ["header=" + text("%s: %s" % (k, v)) for k, v in o["headers"]]
        parts.append("will-close=" + ("yes" if o["will_close"] else "no"))
    if o["connection"]:
        parts.append("conn=" + o["connection"])
    return " ".join(parts)


def scenario(path, data, target, sid):
    reply, method = reply_of(data, target)
    digest = hashlib.sha256(data).hexdigest()
    sid = sid or "fuzz/%s-%s" % (target, digest[:12])
    lines = [
        "# Made by fuzz/crash_to_scenario.py from the fuzz_%s input" % target,
        "# %s (SHA-256 %s)." % (os.path.relpath(os.path.abspath(path), ROOT), digest),
        "# Expectations: CPython's outcome on these bytes; add the strict profiles' by hand.",
        "id: " + sid,
        "title: fuzz_%s input %s replayed over a socket" % (target, digest[:12]),
        "ref: fuzz/crash_to_scenario.py; CPython http/client.py (httplib in 2.7)",
        "tags: fuzz",
        "profiles: py27, py3 -- py27-strict and strict: the expectations are CPython's runs "
        "of these bytes; add the strict profiles' by hand",
        "",
        "request: %s /case" % method,
        "",
        "connection",
        "  read request",
        "  send " + quote(reply),
        "  close",
        "",
    ]
    for name, python in (("py27", PY27), ("py3", sys.executable)):
        lines.append("expect %s: %s" % (name, expectation(cpython_outcome(python, reply, method))))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("--target", choices=("response", "split"), default="response")
    ap.add_argument("--id", help="the scenario id (default fuzz/TARGET-<hash>)")
    ap.add_argument("--out", help="write the scenario here (default: standard output)")
    a = ap.parse_args()
    with open(a.input, "rb") as f:
        text_out = scenario(a.input, f.read(), a.target, a.id)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text_out)
    else:
        sys.stdout.write(text_out)


if __name__ == "__main__":
    main()
