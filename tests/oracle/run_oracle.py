#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Replays every reply of cases.py to `httpc --json` and to CPython (3.x for
the py3 profile, 2.7's httplib for py27 and py27-strict), and checks that both
give the same outcome: error class, status, reason, version, headers, body,
IncompleteRead figures and will_close. Writes reports/oracle/."""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402
from replay import ReplayServer  # noqa: E402

PY27 = "/root/.pyenv/versions/2.7.18/bin/python2.7"
FIELDS = ["error", "status", "reason", "version", "headers", "body_len", "body_sha256",
          "partial_len", "expected_more", "will_close"]
# (profile, interpreter, extra adapter arguments)
PAIRINGS = [("py3", sys.executable, []), ("py27", PY27, []), ("py27-strict", PY27, ["--strict"])]


def run_one(cmd, reply, timeout, segment=0):
    server = ReplayServer(reply, segment=segment)
    try:
        p = subprocess.run(cmd(server.port), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "harness: timed out"}, b""
    finally:
        server.join()
    try:
        return json.loads(p.stdout.decode("utf-8")), p.stderr
    except ValueError:
        return {"error": "harness: no JSON (exit %d)" % p.returncode}, p.stdout + p.stderr


def normalise(out, profile):
    out = dict(out)
    if profile.startswith("py27") and out.get("headers") is not None:
        # httplib's getheaders() is dict.items(): order is hash order.
        out["headers"] = sorted([k.lower(), v] for k, v in out["headers"])
    return out


def check(job, httpc, timeout):
    (cid, reply, method), (profile, python, extra), mode = job
    url = lambda port: "http://127.0.0.1:%d/case" % port  # noqa: E731
    common = ["-X", method, "--timeout", "5"]
    read_size = mode if isinstance(mode, int) else 0
    segment = 1 if mode == "seg1" else 0
    if read_size:
        common += ["--read-size", str(read_size)]
    if segment and len(reply) > 4096:
        segment = 509  # long replies in odd-sized pieces, to stay quick
    ours, err1 = run_one(lambda port: [httpc, "--json", "--profile", profile] + common
                         + [url(port)], reply, timeout, segment)
    theirs, err2 = run_one(lambda port: [python, os.path.join(HERE, "cpython_adapter.py")]
                           + extra + common + [url(port)], reply, timeout, segment)
    a, b = normalise(ours, profile), normalise(theirs, profile)
    diffs = [f for f in FIELDS if a.get(f) != b.get(f)]
    verdict = "pass" if not diffs else "fail"
    dev = cases.DEVIATIONS.get((cid, profile, "all" if mode == "seg1" else mode))
    reason = None
    if dev is not None:
        reason, wanted = dev
        ok = diffs and all(a.get(k) == v for k, v in wanted.items())
        verdict = "deviation" if ok else "fail"
        if not diffs:
            reason = "stale deviation entry: httpc now agrees with CPython"
    return {"id": cid, "profile": profile, "read": mode,
            "pass": verdict != "fail", "verdict": verdict, "reason": reason,
            "diffs": {f: {"httpc": a.get(f), "cpython": b.get(f)} for f in diffs},
            "httpc": ours, "cpython": theirs}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--httpc", required=True, help="path to the httpc binary")
    ap.add_argument("--reports", default=None, help="write reports/oracle/ under this folder")
    ap.add_argument("--profile", action="append", help="only these profiles")
    ap.add_argument("--filter", default="", help="only case ids containing this text")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per client run")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each documented deviation")
    a = ap.parse_args()

    pairings = [p for p in PAIRINGS if not a.profile or p[0] in a.profile]
    skipped = [p[0] for p in pairings if not os.path.exists(p[1])]
    for name in skipped:
        print("SKIP profile %s: %s is not installed" % (name, PY27))
    pairings = [p for p in pairings if p[0] not in skipped]
    # read() whole, read(7) in pieces, and read() with the reply sent one byte
    # per TCP segment (py3 only): the outcome must not depend on either.
    jobs = [(c, p, r) for c in cases.CASES if a.filter in c[0] for p in pairings
            for r in (["all", 7, "seg1"] if p[0] == "py3" else ["all", 7])]
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(lambda j: check(j, a.httpc, a.timeout), jobs))
    failed = [r for r in results if not r["pass"]]
    deviations = [r for r in results if r["verdict"] == "deviation"]
    for r in results:
        if r["verdict"] == "deviation" and a.verbose:
            print("DEVIATION %-12s read=%-3s %s: %s" % (r["profile"], r["read"], r["id"],
                                                       r["reason"]))
        elif not r["pass"]:
            print("FAIL %-12s read=%-3s %s" % (r["profile"], r["read"], r["id"]))
            for f, d in r["diffs"].items():
                print("    %s: httpc=%r cpython=%r" % (f, d["httpc"], d["cpython"]))
    elapsed = time.time() - start
    print("oracle: %d checks (%d cases; %s; read(), read(7), and 1-byte segments for py3) "
          "in %.1fs" % (len(results), len({r["id"] for r in results}),
                         ", ".join(p[0] for p in pairings), elapsed))
    if a.reports:
        write_reports(a.reports, results, elapsed)
    print("%d passed, %d failed (%d of the passes are documented deviations)"
          % (len(results) - len(failed), len(failed), len(deviations)))
    return 1 if failed else 0


def write_reports(root, results, elapsed):
    out = os.path.join(root, "oracle")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "oracle.json"), "w") as f:
        json.dump({"elapsed_s": round(elapsed, 2), "results": results}, f, indent=1)
    profiles = sorted({r["profile"] for r in results})
    ids = sorted({r["id"] for r in results})
    cell = {(r["id"], r["profile"], r["read"]): r for r in results}
    lines = ["# httpc vs CPython: oracle report", "",
             "%d checks, %d failed. Each cell: outcome class of the reply under the "
             "profile (read() / read(7) / read() over 1-byte segments, py3 only); ✗ marks a disagreement with CPython, ≠ a "
             "documented deviation (reasons below)." %
             (len(results), sum(not r["pass"] for r in results)), "",
             "| case | " + " | ".join(profiles) + " |",
             "|---|" + "---|" * len(profiles)]
    for cid in ids:
        row = []
        for p in profiles:
            marks = []
            for rd in ("all", 7, "seg1"):
                r = cell.get((cid, p, rd))
                if r is None:
                    continue
                what = r["httpc"].get("error") or str(r["httpc"].get("status"))
                mark = {"pass": "", "deviation": "≠ ", "fail": "✗ "}[r["verdict"]]
                marks.append(mark + what)
            row.append(" / ".join(marks))
        lines.append("| `%s` | %s |" % (cid, " | ".join(row)))
    devs = sorted({(r["id"], r["profile"], str(r["read"]), r["reason"]) for r in results
                   if r["verdict"] == "deviation"})
    if devs:
        lines += ["", "## Documented deviations", ""]
        lines += ["- `%s` %s read=%s: %s" % d for d in devs]
    with open(os.path.join(out, "oracle.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
