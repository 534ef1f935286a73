#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The runner's verdicts and reports: a passing, a failing, a lenient and a
known-deviation scenario give pass, fail, lenient, expected-failure and
unexpected-pass; the exit status follows; results.json loads, junit.xml is
well-formed with the right counts, summary.md lists the failures; a bad
scenario file stops the run with file:line."""
import json
import os
import subprocess
import sys
import tempfile
import xml.dom.minidom

CONFORM = sys.argv[1]
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", name, detail)


SCN = """id: t/%s
title: %s
profiles: py3
connection
  read request
  send "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi"
  close
%s
"""

with tempfile.TemporaryDirectory() as d:
    files = {
        "good": "expect: response status=200 body=\"hi\" will-close=no",
        "bad": "expect: response status=404",
        "weak": "expect: response status=201\nexpect lenient: response status=200",
        "known": "expect: error BadStatusLine",
        "listed-but-passes": "expect: response status=200",
    }
    for name, expect in files.items():
        with open(os.path.join(d, name + ".scn"), "w") as f:
            f.write(SCN % (name, name, expect))
    known = os.path.join(d, "known.txt")
    with open(known, "w") as f:
        f.write("# known\nt/known py3: a documented difference\n"
                "t/listed-but-passes py3: should not pass\n")
    rep = os.path.join(d, "rep")
    p = subprocess.run([CONFORM, "--expectations", known, "--reports", rep, d],
                       capture_output=True, text=True)
    out = p.stdout
    check("exit 1 on failures", p.returncode == 1, p.returncode)
    for verdict, sid in [("pass", "t/good"), ("fail", "t/bad"), ("lenient", "t/weak"),
                         ("expected-failure", "t/known"), ("unexpected-pass",
                                                            "t/listed-but-passes")]:
        check("verdict %s" % verdict, any(l.split()[:1] == [verdict] and sid in l
                                          for l in out.splitlines()), out)
    res = json.load(open(os.path.join(rep, "results.json")))
    check("json results", len(res["results"]) == 5 and res["counts"]["fail"] == 2, res["counts"])
    dom = xml.dom.minidom.parse(os.path.join(rep, "junit.xml"))
    top = dom.documentElement
    check("junit counts", top.getAttribute("tests") == "5" and
          top.getAttribute("failures") == "2", top.toxml()[:200])
    check("junit skipped", len(dom.getElementsByTagName("skipped")) == 1)
    md = open(os.path.join(rep, "summary.md")).read()
    check("summary failures", "## Failures" in md and "t/bad" in md, md)

    with open(os.path.join(d, "broken.scn"), "w") as f:
        f.write("id: t/broken\ntitle: x\nconnection\n  dance\n")
    p = subprocess.run([CONFORM, d], capture_output=True, text=True)
    check("bad file stops the run", p.returncode == 2 and "broken.scn:4: unknown action 'dance'"
          in p.stderr, p.stderr)

    p = subprocess.run([CONFORM, "--help"], capture_output=True, text=True)
    check("help", p.returncode == 0 and "--adapter" in p.stdout)
    p = subprocess.run([CONFORM, "--profile", "py4", d], capture_output=True, text=True)
    check("bad profile", p.returncode == 2 and "py4" in p.stderr)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
