#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""HTTPC_PY27, the one setting for where Python 2.7 is (tests/oracle/py27.py,
scripts/py27.sh). With it pointing nowhere, the oracle's py27 and py27-strict
checks of two cases are reported as skipped, never as passed: in the printed
summary, in junit.xml (<skipped message="..."> testcases), oracle.json and
oracle.md; verify-expectations (run over a stand-in httpc-conform) says the
same and leaves skipped reports. With the real 2.7 (when the machine has one)
the py27 checks run.
Usage: test_py27_setting.py HTTPC"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.dom.minidom

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
ORACLE = os.path.join(HERE, "run_oracle.py")
sys.path.insert(0, HERE)
import py27  # noqa: E402

HTTPC = os.path.abspath(sys.argv[1])
FILTER = "ok/con"  # two cases: ok/content-length, ok/connection-close-mixed-case
SUMMARY = "py27, py27-strict: skipped (no Python 2.7: set HTTPC_PY27)"
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s\n    %s" % (name, str(detail)[:3000]))


def env_with(py27_value):
    env = dict(os.environ)
    if py27_value is None:
        env.pop("HTTPC_PY27", None)
    else:
        env["HTTPC_PY27"] = py27_value
    return env


def oracle(d, name, py27_value):
    rep = os.path.join(d, name)
    # The three profiles this test is about (py36 and py3@3.x have their own
    # interpreters, found through pyenv, not HTTPC_PY27).
    p = subprocess.run([sys.executable, ORACLE, "--httpc", HTTPC, "--filter", FILTER,
                        "--profile", "py3", "--profile", "py27", "--profile", "py27-strict",
                        "--reports", rep, "-j", "2"], capture_output=True, text=True,
                       env=env_with(py27_value), timeout=300)
    return p, os.path.join(rep, "oracle")


def testcases(junit):
    """{(suite name, case name): skipped message or None} of junit.xml."""
    dom = xml.dom.minidom.parse(junit)
    out = {}
    for case in dom.getElementsByTagName("testcase"):
        sk = case.getElementsByTagName("skipped")
        out[(case.getAttribute("classname"), case.getAttribute("name"))] = (
            sk[0].getAttribute("message") if sk else None)
    return dom, out


def validates(what, path):
    if not shutil.which("xmllint"):
        return
    for xsd in ("junit.xsd", "jenkins-junit.xsd"):
        p = subprocess.run(["xmllint", "--noout", "--schema",
                            os.path.join(ROOT, "runner", xsd), path],
                           capture_output=True, text=True)
        check("%s validates against runner/%s" % (what, xsd), p.returncode == 0, p.stderr)


def without_py27(d):
    p, out = oracle(d, "none", os.path.join(d, "nonexistent", "python2.7"))
    check("no 2.7: run_oracle.py still passes (py3 ran)", p.returncode == 0,
          (p.returncode, p.stdout, p.stderr))
    check("no 2.7: the summary says the py27 profiles were skipped, and why",
          SUMMARY in p.stdout.splitlines() and "skipped" in p.stdout, p.stdout)
    check("no 2.7: the summary counts only py3 checks as passed",
          "6 passed, 0 failed" in p.stdout and "8 skipped" in p.stdout, p.stdout)
    junit = os.path.join(out, "junit.xml")
    if not os.path.exists(junit):
        check("no 2.7: junit.xml written", False, p.stdout)
        return
    validates("no 2.7: junit.xml", junit)
    dom, cases = testcases(junit)
    py27_cases = {k: v for k, v in cases.items() if k[0].startswith("oracle.py27")}
    check("no 2.7: a testcase per case and read mode of py27 and py27-strict (2 x 2 x 2)",
          len(py27_cases) == 8 and
          {k[0] for k in py27_cases} == {"oracle.py27.read", "oracle.py27.read7",
                                         "oracle.py27-strict.read",
                                         "oracle.py27-strict.read7"}, sorted(py27_cases))
    check("no 2.7: every one of them is <skipped> with the reason",
          py27_cases and all(v and v.startswith("not run: no Python 2.7: set HTTPC_PY27")
                             for v in py27_cases.values()), py27_cases)
    check("no 2.7: the py3 checks ran (6 testcases, none skipped as not run)",
          sum(k[0].startswith("oracle.py3.") for k in cases) == 6 and
          not any(v and v.startswith("not run") for k, v in cases.items()
                  if k[0].startswith("oracle.py3.")), cases)
    suites = {s.getAttribute("name"): s for s in dom.getElementsByTagName("testsuite")}
    check("no 2.7: the py27 suites count their cases as skipped",
          all(suites[n].getAttribute("skipped") == suites[n].getAttribute("tests") == "2"
              for n in suites if n.startswith("oracle.py27")), {n: suites[n].attributes.items()
                                                                  for n in suites})
    with open(os.path.join(out, "oracle.json")) as f:
        data = json.load(f)
    check("no 2.7: oracle.json has no py27 result and lists the skipped checks",
          not any(r["profile"].startswith("py27") for r in data["results"]) and
          data["skipped"]["profiles"] == ["py27", "py27-strict"] and
          len(data["skipped"]["checks"]) == 8, data.get("skipped"))
    with open(os.path.join(out, "oracle.md")) as f:
        md = f.read()
    check("no 2.7: oracle.md says SKIPPED and why", "SKIPPED: py27, py27-strict" in md and
          "HTTPC_PY27" in md, md[:800])

    # verify-expectations over a stand-in httpc-conform (the real runs are
    # oracle/verify-expectations): the py27 runs are skipped, with reports.
    build = os.path.join(d, "build")
    os.makedirs(os.path.join(build, "runner"))
    stub = os.path.join(build, "runner", "httpc-conform")
    with open(stub, "w") as f:
        f.write("#!/bin/sh\necho '1 passed, 0 failed'\n")
    os.chmod(stub, 0o755)
    rep = os.path.join(d, "verify")
    # A stale pass from an earlier run with 2.7 must not survive.
    os.makedirs(os.path.join(rep, "verify-py27"))
    with open(os.path.join(rep, "verify-py27", "results.json"), "w") as f:
        f.write("{}")
    p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "verify-expectations"), build, rep],
                       capture_output=True, text=True, timeout=120,
                       env=env_with(os.path.join(d, "nonexistent", "python2.7")))
    check("no 2.7: verify-expectations passes and says the py27 runs were skipped",
          p.returncode == 0 and "verify-expectations: " + SUMMARY in p.stdout.splitlines(),
          (p.returncode, p.stdout, p.stderr))
    for sub in ("verify-py27", "verify-py27-strict", "verify-py27-read-cap-1"):
        junit = os.path.join(rep, sub, "junit.xml")
        ok = os.path.exists(junit)
        check("no 2.7: %s/junit.xml is a skipped testcase" % sub, ok, os.listdir(rep))
        if ok:
            validates("no 2.7: %s/junit.xml" % sub, junit)
            _, cases = testcases(junit)
            check("no 2.7: %s/junit.xml skips with the reason" % sub,
                  len(cases) == 1 and all(v and "no Python 2.7" in v for v in cases.values()),
                  cases)
        with open(os.path.join(rep, sub, "summary.md")) as f:
            check("no 2.7: %s/summary.md says SKIPPED" % sub, "SKIPPED" in f.read())
    check("no 2.7: no stale results.json left in verify-py27/",
          not os.path.exists(os.path.join(rep, "verify-py27", "results.json")))


def with_py27(d):
    real = py27.find()  # the default setting, or what HTTPC_PY27 says
    if not real:
        print("note: no Python 2.7 here (%s): the half with the real one is not run"
              % py27.describe())
        return
    p, out = oracle(d, "real", real)
    check("with 2.7: run_oracle.py passes", p.returncode == 0, (p.returncode, p.stdout, p.stderr))
    check("with 2.7: the summary names py27 and py27-strict and skips nothing",
          "py3, py27, py27-strict" in p.stdout and "skipped" not in p.stdout and
          "14 passed, 0 failed" in p.stdout, p.stdout)
    junit = os.path.join(out, "junit.xml")
    if not os.path.exists(junit):
        check("with 2.7: junit.xml written", False, p.stdout)
        return
    _, cases = testcases(junit)
    py27_cases = {k: v for k, v in cases.items() if k[0].startswith("oracle.py27")}
    check("with 2.7: the py27 checks ran (8 testcases, none skipped)",
          len(py27_cases) == 8 and not any(py27_cases.values()), py27_cases)


def main():
    d = tempfile.mkdtemp(prefix="httpc-py27-")
    try:
        without_py27(d)
        with_py27(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("py27 setting: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
