#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The JUnit reports against both schemas, runner/junit.xsd (ours) and
runner/jenkins-junit.xsd (what Jenkins' junit plugin reads): the junit.xml of a
short real httpc-conform run and of a small one with a failure and a known
deviation; the CPython oracle's junit.xml for a case with a documented
deviation, and for a case where a stand-in httpc gives a wrong status (the
report must carry a failure with both outcomes); and hand-written documents the
schemas must accept or reject, so that a schema that accepts anything fails.

Usage: test_junit_schemas.py HTTPC-CONFORM [HTTPC]  (xmllint from libxml2-utils)"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.dom.minidom

CONFORM = os.path.abspath(sys.argv[1])
HTTPC = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(os.path.dirname(CONFORM)), "client", "httpc")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCHEMAS = {"junit.xsd": os.path.join(ROOT, "runner", "junit.xsd"),
           "jenkins-junit.xsd": os.path.join(ROOT, "runner", "jenkins-junit.xsd")}
ORACLE = os.path.join(ROOT, "tests", "oracle", "run_oracle.py")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402
from runner_files import write, write_scns  # noqa: E402

check = Checks()


def xmllint(schema, path):
    """xmllint's exit status (0 valid, 3 invalid, 5 the schema does not compile) and stderr."""
    p = subprocess.run(["xmllint", "--noout", "--schema", schema, path],
                       capture_output=True, text=True)
    return p.returncode, p.stderr.strip()


def validates(what, path, schemas=SCHEMAS):
    for label, xsd in sorted(schemas.items()):
        rc, err = xmllint(xsd, path)
        check("%s validates against %s" % (what, label), rc == 0, err[-2000:])


def rejects(what, path, schemas=SCHEMAS):
    for label, xsd in sorted(schemas.items()):
        rc, err = xmllint(xsd, path)
        check("%s is rejected by %s" % (what, label), rc == 3, (rc, err[-2000:]))


def conform_reports(d):
    """(a) httpc-conform's junit.xml: a real run over a part of the library, and a
    small library with a pass, a failure and a known deviation."""
    rep = os.path.join(d, "conform")
    p = subprocess.run([CONFORM, "--id", "status/*", "--reports", rep,
                        os.path.join(ROOT, "scenarios")], capture_output=True, text=True)
    junit = os.path.join(rep, "junit.xml")
    check("httpc-conform --id 'status/*' writes junit.xml", os.path.exists(junit) and
          p.returncode in (0, 1), (p.returncode, p.stdout[-1000:], p.stderr[-1000:]))
    if os.path.exists(junit):
        dom = xml.dom.minidom.parse(junit)
        check("the run's junit.xml has suites and cases",
              dom.getElementsByTagName("testsuite") and dom.getElementsByTagName("testcase"))
        validates("httpc-conform's junit.xml (status/*)", junit)

    # The RFC judge beside a Python one: must-violation failures with their
    # requirement bodies, should-deviation and unspecified notes, skipped cases.
    rep = os.path.join(d, "conform-rfc")
    p = subprocess.run([CONFORM, "--id", "bodiless/*", "--id", "keepalive/*", "--profile", "py3",
                        "--judge", "profile", "--judge", "rfc", "--reports", rep,
                        os.path.join(ROOT, "scenarios")], capture_output=True, text=True)
    junit = os.path.join(rep, "junit.xml")
    if os.path.exists(junit):
        text = open(junit).read()
        check("an rfc run's junit.xml has must-violation failures with the requirement",
              'type="must-violation"' in text and "violated 9112-" in text, text[:400])
        validates("httpc-conform's junit.xml (--judge rfc)", junit)
    else:
        check("httpc-conform --judge rfc writes junit.xml", False, p.stderr[-1000:])

    lib = os.path.join(d, "lib")
    os.mkdir(lib)
    write_scns(lib, [("good", "expect: response status=200"),
                     ("bad", "expect: response status=404"),
                     ("known", "expect: error BadStatusLine")])
    known = os.path.join(d, "known.txt")
    write(known, "t/known py3: a documented difference\n")
    rep = os.path.join(d, "conform-small")
    p = subprocess.run([CONFORM, "--expectations", known, "--reports", rep, lib],
                       capture_output=True, text=True)
    junit = os.path.join(rep, "junit.xml")
    check("a run with a failure writes junit.xml", os.path.exists(junit) and p.returncode == 1,
          (p.returncode, p.stdout[-1000:], p.stderr[-1000:]))
    if os.path.exists(junit):
        dom = xml.dom.minidom.parse(junit)
        check("its junit.xml has a failure and a skipped case",
              len(dom.getElementsByTagName("failure")) == 1 and
              len(dom.getElementsByTagName("skipped")) == 1, dom.toxml()[:1500])
        validates("httpc-conform's junit.xml with a failure and a skip", junit)


def oracle_junit(what, label, rc, d, name, *args, httpc=HTTPC):
    """Runs run_oracle.py (py3, reports in d/name) with `args`; checks `what`:
    it exits `rc` and writes junit.xml. Returns that document's DOM once it
    validates as `label` against both schemas, None when it is missing."""
    rep = os.path.join(d, name)
    p = subprocess.run([sys.executable, ORACLE, "--httpc", httpc, "--profile", "py3",
                        "--reports", rep, "-j", "2"] + list(args),
                       capture_output=True, text=True)
    junit = os.path.join(rep, "oracle", "junit.xml")
    check(what, p.returncode == rc and os.path.exists(junit), (p.returncode, p.stdout, p.stderr))
    if not os.path.exists(junit):
        return None
    validates(label, junit)
    return xml.dom.minidom.parse(junit)


def attr(e, name):
    return e.getAttribute(name) if e.hasAttribute(name) else None


def deviating_case():
    """The id of a reply with a documented py3 deviation that --filter selects alone."""
    sys.path.insert(0, os.path.dirname(ORACLE))
    import cases  # noqa: E402
    ids = [c[0] for c in cases.CASES]
    return sorted(cid for cid, profile, _ in cases.DEVIATIONS
                  if profile == "py3" and sum(cid in i for i in ids) == 1)[0]


def oracle_reports(d):
    """(b) the oracle's junit.xml for one case (three py3 checks, one of them a
    documented deviation); (d) with a stand-in httpc that is wrong."""
    cid = deviating_case()
    dom = oracle_junit("run_oracle.py --filter %s passes and writes junit.xml" % cid,
                       "the oracle's junit.xml", 0, d, "oracle-good", "--filter", cid)
    if dom is None:
        return
    suites = dom.getElementsByTagName("testsuite")
    cases_ = dom.getElementsByTagName("testcase")
    check("one suite per read mode, one case per check", len(suites) == 3 and len(cases_) == 3,
          dom.toxml()[:1500])
    check("every suite has time, a UTC timestamp and a hostname",
          all(attr(s, "time") and (attr(s, "timestamp") or "").endswith("Z") and
              attr(s, "hostname") for s in suites))
    props = {e.getAttribute("name"): e.getAttribute("value")
             for e in dom.getElementsByTagName("property")}
    check("the properties name the CPython version, the httpc binary and the command line",
          props.get("cpython.py3", "").startswith("3.") and props.get("httpc") == HTTPC and
          "--filter " + cid in props.get("command", ""), props)
    check("every case has a time, a py3 classname and the case id",
          all(attr(c, "time") and c.getAttribute("classname").startswith("oracle.py3.") and
              c.getAttribute("name") == cid and c.getAttribute("file") for c in cases_))
    skipped = dom.getElementsByTagName("skipped")
    check("the documented deviation is a skipped case with its reason", len(skipped) >= 1 and
          all(e.getAttribute("message").startswith("documented deviation: ") for e in skipped) and
          not dom.getElementsByTagName("failure"), dom.toxml()[:1500])

    # A stand-in for httpc: runs the real one and reports one more than its status.
    fake = os.path.join(d, "wrong-httpc")
    write(fake, "#!%s\nimport json, subprocess, sys\n"
                "p = subprocess.run([%r] + sys.argv[1:], capture_output=True, text=True)\n"
                "try:\n    out = json.loads(p.stdout)\nexcept ValueError:\n"
                "    sys.stdout.write(p.stdout)\n    sys.exit(p.returncode)\n"
                "out['status'] = (out.get('status') or 0) + 1\n"
                "print(json.dumps(out))\nsys.exit(p.returncode)\n" % (sys.executable, HTTPC),
          executable=True)
    dom = oracle_junit("a disagreement fails run_oracle.py and still writes junit.xml",
                       "the oracle's junit.xml with disagreements", 1, d, "oracle-wrong",
                       "--filter", "ok/content-length", httpc=fake)
    if dom is None:
        return
    fails = dom.getElementsByTagName("failure")
    check("each disagreeing check is a failure, counted", len(fails) == 3 and
          dom.documentElement.getAttribute("failures") == "3", dom.toxml()[:2000])
    for e in fails:
        body = "".join(n.data for n in e.childNodes if n.nodeType == n.TEXT_NODE)
        msg = e.getAttribute("message")
        check("the failure is a one-line disagreement on status",
              e.getAttribute("type") == "disagreement" and "status" in msg and
              "\n" not in msg, msg)
        check("the failure body gives the case, its file and both outcomes field by field",
              "ok/content-length" in body and "tests/oracle/cases.py" in body and
              "status: httpc 201, CPython 200" in body and "httpc outcome:" in body and
              "CPython outcome:" in body, body)


# (c) Hand-written documents: what both schemas accept, and what they reject.
GOOD_SUITE = ('<testsuite name="s" tests="2" failures="1" errors="0" skipped="0" time="0.5" '
              'timestamp="2026-01-02T03:04:05Z" hostname="h">%s'
              '<testcase classname="c" name="a" time="0.25" file="x.scn"/>'
              '<testcase classname="c" name="b" time="0.25">'
              '<failure type="mismatch" message="one line">the details\nover lines</failure>'
              '</testcase></testsuite>')
PROPS = '<properties><property name="k" value="v"/></properties>'
DOCS_BOTH_OK = {
    "a report with everything the runner may write (type, text, file, time, timestamp, "
    "properties)": '<testsuites name="n" tests="2" failures="1" errors="0" time="0.5">%s'
                   '</testsuites>' % (GOOD_SUITE % PROPS),
}
DOCS_JENKINS_OK = {
    "a lone testsuite root": GOOD_SUITE % "",
    "a rerun and a flaky attempt, a nested suite, a case without classname":
        '<testsuites><testsuite name="s" tests="2"><testcase name="a" time="1,234.5">'
        '<failure message="m">t</failure><rerunFailure type="E"><stackTrace>x</stackTrace>'
        '</rerunFailure></testcase><testsuite name="inner" tests="1"><testcase name="b">'
        '<flakyError type="E" message="m">text</flakyError><system-out>o</system-out>'
        '</testcase></testsuite></testsuite></testsuites>',
}
DOCS_BOTH_BAD = {
    "a testcase with no name": '<testsuites><testsuite name="s" tests="1" failures="0" '
                               'errors="0"><testcase classname="c"/></testsuite></testsuites>',
    "a testsuite without tests": '<testsuites><testsuite name="s" failures="0" errors="0">'
                                 '<testcase classname="c" name="a"/></testsuite></testsuites>',
    "a garbage root": '<results><test name="a" status="ok"/></results>',
    "a failure outside a testcase": '<failure message="m">x</failure>',
    "a non-numeric test count": '<testsuites><testsuite name="s" tests="two" failures="0" '
                                'errors="0"/></testsuites>',
    "a testcase with an unknown child": '<testsuites><testsuite name="s" tests="1" '
                                        'failures="0" errors="0"><testcase classname="c" '
                                        'name="a"><oops/></testcase></testsuite></testsuites>',
}
DOCS_JENKINS_BAD = {
    "a time that is not a number": '<testsuite name="s" tests="1"><testcase name="a" '
                                   'time="fast"/></testsuite>',
    "a rerun attempt without its type": '<testsuite name="s" tests="1"><testcase name="a">'
                                        '<rerunFailure message="m"/></testcase></testsuite>',
}


def documents(d):
    jenkins = {"jenkins-junit.xsd": SCHEMAS["jenkins-junit.xsd"]}
    for i, (groups, verb, schemas) in enumerate([
            (DOCS_BOTH_OK, validates, SCHEMAS), (DOCS_JENKINS_OK, validates, jenkins),
            (DOCS_BOTH_BAD, rejects, SCHEMAS), (DOCS_JENKINS_BAD, rejects, jenkins)]):
        for j, (what, text) in enumerate(sorted(groups.items())):
            path = os.path.join(d, "doc-%d-%d.xml" % (i, j))
            write(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")
            verb(what, path, schemas)


if not shutil.which("xmllint"):
    print("FAIL xmllint is not installed (scripts/bootstrap installs libxml2-utils)")
    sys.exit(1)
start = time.time()
with tempfile.TemporaryDirectory() as tmp:
    documents(tmp)
    conform_reports(tmp)
    oracle_reports(tmp)
check.finish(" in %.1fs" % (time.time() - start))
