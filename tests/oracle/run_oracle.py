#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Replays every reply of cases.py to `httpc --json` and to CPython (3.x for
the py3 profile, 2.7's httplib for py27 and py27-strict), and checks that both
give the same outcome: error class, status, reason, version, headers, body,
IncompleteRead figures and will_close. Writes reports/oracle/: oracle.json,
oracle.md and junit.xml (one testsuite per profile and read mode)."""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402
from replay import ReplayServer  # noqa: E402
import py27  # noqa: E402  (where Python 2.7 is: HTTPC_PY27)

FIELDS = ["error", "status", "reason", "version", "headers", "body_len", "body_sha256",
          "partial_len", "expected_more", "will_close"]


def pyenv_python(version):
    """The pyenv interpreter of `version` (3.6.15), None when it is not here."""
    try:
        root = subprocess.check_output(["pyenv", "prefix", version], text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    exe = os.path.join(root, "bin", "python3")
    return exe if os.path.exists(exe) else None


def pairings_all():
    """(label, interpreter or None when the machine has none, extra adapter
    arguments) of every profile. A label "PROFILE@X.Y" runs the profile
    against another interpreter: py36 is checked against 3.6, and py3 (3.11)
    against 3.12 and 3.13 too, to show whether they changed http.client."""
    p27 = py27.find()
    return [("py3", sys.executable, []), ("py27", p27, []), ("py27-strict", p27, ["--strict"]),
            ("py36", pyenv_python("3.6.15"), []),
            ("py3@3.12", pyenv_python("3.12.1"), []), ("py3@3.13", pyenv_python("3.13.0"), [])]


def profile_of(label):
    """The httpc profile a pairing label runs ("py3@3.12" -> "py3")."""
    return label.split("@")[0]


def read_modes(profile):
    # read() whole, read(7) in pieces, and read() with the reply sent one byte
    # per TCP segment (py3 only): the outcome must not depend on either.
    return ["all", 7, "seg1"] if profile == "py3" else ["all", 7]


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
    (cid, reply, method), (label, python, extra), mode = job
    profile = profile_of(label)
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
    dev = cases.DEVIATIONS.get((cid, label, "all" if mode == "seg1" else mode))
    reason = None
    if dev is not None:
        reason, wanted = dev
        ok = diffs and all(a.get(k) == v for k, v in wanted.items())
        verdict = "deviation" if ok else "fail"
        if not diffs:
            reason = "stale deviation entry: httpc now agrees with CPython"
    return {"id": cid, "profile": label, "read": mode,
            "pass": verdict != "fail", "verdict": verdict, "reason": reason,
            "diffs": {f: {"httpc": a.get(f), "cpython": b.get(f)} for f in diffs},
            "httpc": ours, "cpython": theirs}


def timed_check(job, httpc, timeout):
    """check() with its start time (epoch seconds) and duration, for junit.xml."""
    t0 = time.time()
    r = check(job, httpc, timeout)
    return r, t0, time.time() - t0


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.fill("Python 2.7 (py27, py27-strict): the environment variable %s, a path or a "
        "command name (default: %s when it exists, else python2.7 on PATH; now: %s). "
        "Without one those checks are reported as skipped, never as passed: %s."
        % (py27.ENV, py27.PYENV_DEFAULT, py27.describe(), py27.HOW), 78))
    ap.add_argument("--httpc", required=True, help="path to the httpc binary")
    ap.add_argument("--reports", default=None, help="write reports/oracle/ under this folder")
    ap.add_argument("--profile", action="append", help="only these profiles")
    ap.add_argument("--filter", default="", help="only case ids containing this text")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per client run")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each documented deviation")
    a = ap.parse_args()

    # By default the four profiles make test judges against their own
    # interpreter; --profile py3@3.12 --profile py3@3.13 adds the newer ones
    # (README, "Profiles": they agree with 3.11).
    default = ("py3", "py27", "py27-strict", "py36")
    pairings = [p for p in pairings_all() if (p[0] in a.profile if a.profile else p[0] in default)]
    # Profiles whose interpreter the machine lacks: their checks are reported
    # as skipped (never as passed), with the reason.
    skipped = [p[0] for p in pairings if p[1] is None]
    skip_reason = ("%s (%s=%s); pyenv 3.6.15, 3.12.1, 3.13.0 for py36 and py3@3.x"
                   % (py27.MISSING, py27.ENV, py27.setting()) if skipped else None)
    pairings = [p for p in pairings if p[0] not in skipped]
    selected = [c for c in cases.CASES if a.filter in c[0]]
    jobs = [(c, p, r) for c in selected for p in pairings for r in read_modes(p[0])]
    skips = [{"id": c[0], "profile": p, "read": r, "pass": None, "verdict": "skipped",
              "reason": skip_reason} for c in selected for p in skipped for r in read_modes(p)]
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        timed = list(pool.map(lambda j: timed_check(j, a.httpc, a.timeout), jobs))
    results = [r for r, _, _ in timed]
    timings = [(t0, secs) for _, t0, secs in timed]
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
                         ", ".join(p[0] for p in pairings) or "no profile", elapsed))
    if a.reports:
        write_reports(a.reports, results, elapsed, skips, skip_reason)
        write_junit(a.reports, results, timings, elapsed, pairings, a.httpc, skips, skipped)
    print("%d passed, %d failed (%d of the passes are documented deviations)%s"
          % (len(results) - len(failed), len(failed), len(deviations),
             ", %d skipped" % len(skips) if skips else ""))
    if skipped:
        print("%s: skipped (%s)" % (", ".join(skipped), py27.MISSING))
        print("  (%s=%s; %s)" % (py27.ENV, py27.setting(), py27.HOW))
    return 1 if failed else 0


def write_reports(root, results, elapsed, skips=(), skip_reason=None):
    out = os.path.join(root, "oracle")
    os.makedirs(out, exist_ok=True)
    skipped_profiles = sorted({r["profile"] for r in skips})
    with open(os.path.join(out, "oracle.json"), "w") as f:
        json.dump({"elapsed_s": round(elapsed, 2), "results": results,
                   "skipped": {"profiles": skipped_profiles, "reason": skip_reason,
                               "checks": list(skips)}}, f, indent=1)
    profiles = sorted({r["profile"] for r in results})
    ids = sorted({r["id"] for r in results} | {r["id"] for r in skips})
    cell = {(r["id"], r["profile"], r["read"]): r for r in results}
    lines = ["# httpc vs CPython: oracle report", ""]
    if skips:
        lines += ["**SKIPPED: %s** (%d checks: %s; %s). These profiles were not checked." %
                  (", ".join(skipped_profiles), len(skips), skip_reason, py27.HOW), ""]
    lines += ["%d checks, %d failed%s. Each cell: outcome class of the reply under the "
              "profile (read() / read(7) / read() over 1-byte segments, py3 only); ✗ marks a disagreement with CPython, ≠ a "
              "documented deviation (reasons below)." %
              (len(results), sum(not r["pass"] for r in results),
               ", %d skipped" % len(skips) if skips else ""), "",
              "| case | " + " | ".join(profiles + skipped_profiles) + " |",
              "|---|" + "---|" * len(profiles + skipped_profiles)]
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
        row += ["skipped"] * len(skipped_profiles)
        lines.append("| `%s` | %s |" % (cid, " | ".join(row)))
    devs = sorted({(r["id"], r["profile"], str(r["read"]), r["reason"]) for r in results
                   if r["verdict"] == "deviation"})
    if devs:
        lines += ["", "## Documented deviations", ""]
        lines += ["- `%s` %s read=%s: %s" % d for d in devs]
    with open(os.path.join(out, "oracle.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


# junit.xml: one <testsuite> per profile and read mode, one <testcase> per case
# checked in it. It validates against runner/junit.xsd and runner/jenkins-junit.xsd
# (tests/runner/test_junit_schemas.py).
READ_NAMES = {"all": "read", 7: "read7", "seg1": "read-seg1"}
READ_TEXT = {"all": "read()", 7: "read(7)", "seg1": "read() over 1-byte segments"}
CASES_FILE = "tests/oracle/cases.py"


def _xml_text(s):
    """s without the characters XML 1.0 cannot carry."""
    return "".join(c if c in "\t\n\r" or (" " <= c <= "\ud7ff") or
                   ("\ue000" <= c <= "\ufffd") or c >= "\U00010000" else "?" for c in s)


def _iso_utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _version_of(python):
    if python == sys.executable:
        return platform.python_version()
    try:
        p = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                           capture_output=True, text=True, timeout=30)
        return p.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _run_properties(pairings, httpc):
    props = [("cpython." + name, "%s (%s)" % (_version_of(python), python))
             for name, python, _ in pairings]
    props.append(("httpc", os.path.abspath(httpc)))
    try:
        version = subprocess.run([httpc, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = ""
    props.append(("httpc.version", version or "unknown"))
    props.append(("command", " ".join(shlex.quote(x) for x in [sys.executable] + sys.argv)))
    return props


def _failure(r):
    """(type, one-line message, text) of a failed check."""
    where = "profile %s, %s" % (r["profile"], READ_TEXT[r["read"]])
    lines = ["case: %s (reply in %s)" % (r["id"], CASES_FILE), where]
    dev = cases.DEVIATIONS.get((r["id"], r["profile"],
                                "all" if r["read"] == "seg1" else r["read"]))
    if not r["diffs"]:
        kind = "stale-deviation"
        message = "stale deviation entry: httpc now agrees with CPython (%s)" % where
    else:
        kind = "disagreement"
        fields = ", ".join(r["diffs"])
        message = "httpc and CPython disagree on %s (%s)" % (fields, where)
        if dev is not None:
            message = "beyond the documented deviation, " + message
        lines.append("fields that differ:")
        for f, d in r["diffs"].items():
            lines.append("  %s: httpc %s, CPython %s" % (f, json.dumps(d["httpc"]),
                                                         json.dumps(d["cpython"])))
    if dev is not None:
        lines.append("documented deviation: %s; httpc should give %s" % (dev[0],
                                                                         json.dumps(dev[1])))
    lines.append("httpc outcome: " + json.dumps(r["httpc"], sort_keys=True))
    lines.append("CPython outcome: " + json.dumps(r["cpython"], sort_keys=True))
    return kind, _xml_text(message), _xml_text("\n".join(lines) + "\n")


def write_junit(root, results, timings, elapsed, pairings, httpc, skips=(), skipped=()):
    props = _run_properties(pairings, httpc)
    props[len(pairings):len(pairings)] = [("cpython." + p, "skipped: " + skips[0]["reason"])
                                          for p in skipped]
    host = socket.gethostname()
    suites = {}
    for r, (t0, secs) in zip(results, timings):
        suites.setdefault((r["profile"], r["read"]), []).append((r, t0, secs))
    now = time.time()
    for r in skips:  # checks not run: skipped testcases, with the reason
        suites.setdefault((r["profile"], r["read"]), []).append((r, now, 0.0))
    order = [(p[0], m) for p in pairings for m in ("all", 7, "seg1")]
    order += [(p, m) for p in skipped for m in read_modes(p)]
    top = ET.Element("testsuites", {"name": "httpc-oracle", "tests": str(len(results) + len(skips)),
                                    "failures": str(sum(not r["pass"] for r in results)),
                                    "errors": "0", "time": "%.3f" % elapsed})
    for key in order:
        rows = suites.get(key)
        if not rows:
            continue
        name = "oracle.%s.%s" % (key[0], READ_NAMES[key[1]])
        suite = ET.SubElement(top, "testsuite", {
            "name": name, "tests": str(len(rows)),
            "failures": str(sum(r["pass"] is False for r, _, _ in rows)), "errors": "0",
            "skipped": str(sum(r["verdict"] in ("deviation", "skipped") for r, _, _ in rows)),
            "time": "%.3f" % sum(secs for _, _, secs in rows),
            "timestamp": _iso_utc(min(t0 for _, t0, _ in rows)), "hostname": host})
        plist = ET.SubElement(suite, "properties")
        for k, v in props:
            ET.SubElement(plist, "property", {"name": k, "value": _xml_text(v)})
        for r, _, secs in rows:
            case = ET.SubElement(suite, "testcase", {"classname": name, "name": r["id"],
                                                     "time": "%.3f" % secs,
                                                     "file": CASES_FILE})
            if r["verdict"] == "deviation":
                ET.SubElement(case, "skipped", {
                    "message": _xml_text("documented deviation: " + r["reason"])})
            elif r["verdict"] == "skipped":
                ET.SubElement(case, "skipped", {"message": _xml_text("not run: " + r["reason"])})
            elif not r["pass"]:
                kind, message, text = _failure(r)
                ET.SubElement(case, "failure", {"type": kind, "message": message}).text = text
    if hasattr(ET, "indent"):  # Python 3.9+
        ET.indent(top, "  ")
    out = os.path.join(root, "oracle")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "junit.xml"), "wb") as f:
        ET.ElementTree(top).write(f, encoding="UTF-8", xml_declaration=True)
        f.write(b"\n")


if __name__ == "__main__":
    sys.exit(main())
