#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A user's client joins the matrix without editing the project: a throwaway
adapter (a Python script printing fixed outcomes, adapters/PROTOCOL.md) named
in a TOML file, run by `scripts/matrix --clients FILE --only throwaway` over
seven scenarios. Checks that every report names it, that its rfc figures (MUST
violations, SHOULD deviations, ...) and its agreement with py3 and py27 are the
ones its fixed outcomes must get (derived below from each scenario's rfc and
expect lines), and that nothing in the project changed (the matrix writes into
a temporary directory only); then that a bad client file is refused with its
file and line. Needs neither curl nor Node nor Go.
Usage: test_matrix_user_client.py BUILD/runner/httpc-conform"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The adapter: a 200 with body "hello" (will_close false, connection unknown) for
# every request; IncompleteRead (partial unknown) when the target is /case;
# AdapterUnsupported for tunnels. It sends a request and reads the reply, so the
# mock server's script runs through, but ignores what it reads.
ADAPTER = r'''#!/usr/bin/env python3
import base64, hashlib, json, socket, sys, time
from urllib.parse import urlsplit
args = sys.argv[1:]
url = args[args.index("--json") + 1]
u = urlsplit(url)
out = {"error": None, "detail": "", "status": 200, "reason": "OK", "version": 11,
       "headers": [["Content-Length", "5"]], "body_len": 5,
       "body_sha256": hashlib.sha256(b"hello").hexdigest(),
       "body_b64": base64.b64encode(b"hello").decode(), "partial_len": None,
       "expected_more": None, "will_close": False, "connection": None}
if "--proxy" in args:
    out = {"error": "AdapterUnsupported", "detail": "no tunnels",
           "native_error": "THROWAWAY_NO_TUNNEL"}
else:
    if u.path == "/case":
        out.update(error="IncompleteRead", detail="IncompleteRead(5 bytes read)",
                   status=None, headers=[], body_len=0, body_b64="",
                   body_sha256=hashlib.sha256(b"").hexdigest(),
                   native_error="THROWAWAY_SHORT: body cut")
    try:
        with socket.create_connection((u.hostname, u.port), timeout=1) as s:
            s.sendall(b"GET " + (u.path or "/").encode() + b" HTTP/1.1\r\nHost: " +
                      u.netloc.encode() + b"\r\n\r\n")
            end = time.time() + 1
            while time.time() < end and s.recv(65536):
                pass
    except OSError:
        pass
print(json.dumps(out))
'''

TOML = '''# two clients; --only picks the first
[[client]]
name = "throwaway"
command = "python3 adapter.py"          # relative to this file
expectations = "throwaway-expectations.txt"

[[client]]
name = "bystander"
command = ["python3", "adapter.py"]
'''

EXPECTATIONS = "length/hex py3: reads a hexadecimal Content-Length as a response\n"

# Each scenario: its rfc lines as read when the expected figures were derived,
# what the throwaway client gets (rfc, py3, py27) and why.
SCENARIOS = {
    # 200 "hello" is one of the allowed outcomes of 9112-8-1; CPython reads it too
    "chunked/trailer-then-eof": (
        ['9112-8-1: error | response status=200 body="hello"'], ("conformant", "pass", "pass")),
    # IncompleteRead is allowed (error); CPython reads 200 "hello"
    "chunked/size-0x-prefix": (
        ['9112-8-1: error | response status=200 body="hello"'], ("conformant", "fail", "fail")),
    # a response where 6.3-5 and 6.3-7 require an error (MUST); 6.3-6 needs the
    # connection, which the adapter does not report; CPython reads "body" (listed in
    # the expectations for py3: known, still fail)
    "length/hex": (
        ["9112-6.3-5: error", "9112-6.3-6: error conn=closed | response conn=closed",
         "9112-6.3-7: error"], ("must-violation", "fail", "fail")),
    # 9110-15-2 (SHOULD) wants body "hi"; CPython reads status 600
    "status/code-600": (['9110-15-2: response body="hi"'], ("should-deviation", "fail", "fail")),
    # only a MAY row, cited with any; py3 expects BadStatusLine, py27 version 9
    "http09/almost-http": (["9110-2.4-2: any"], ("unspecified", "fail", "fail")),
    # an error, but 6.3-10 needs the connection; CPython's partial=5 against the
    # adapter's unknown partial: the same class, another detail
    "length/short-body": (
        ["9112-6.3-9: error", "9112-6.3-10: error conn=closed | response conn=closed",
         "9112-8-1: error"], ("cannot-tell", "same-class", "same-class")),
    # a tunnel: AdapterUnsupported for every judge
    "tunnel/connect-bad-status-code": (["9110-2.4-2: any"],
                                       ("unsupported", "unsupported", "unsupported")),
}
FILES = {
    "chunked/trailer-then-eof": "scenarios/chunked/trailer-then-eof.scn",
    "chunked/size-0x-prefix": "scenarios/cpython/chunked/size-0x-prefix.scn",
    "length/hex": "scenarios/length/hex.scn",
    "status/code-600": "scenarios/status/code-600.scn",
    "http09/almost-http": "scenarios/http09/almost-http.scn",
    "length/short-body": "scenarios/cpython/length/short-body.scn",
    "tunnel/connect-bad-status-code": "scenarios/tunnel/connect-bad-status-code.scn",
}

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def rfc_lines(path):
    with open(os.path.join(ROOT, path), encoding="latin-1") as f:
        return [ln[4:].strip() for ln in f.read().splitlines() if ln.startswith("rfc ")]


def project_state():
    """What git sees of the tree (ignored files too, but not the build trees,
    which builds and ctest write), and the reports the matrix writes by default."""
    st = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--ignored",
                         "--untracked-files=all"], capture_output=True, text=True)
    out = {ln for ln in st.stdout.splitlines()
           if not ln[3:].startswith("build/") and not ln[3:].startswith("build-")} \
        if st.returncode == 0 else set()
    d = os.path.join(ROOT, "reports/matrix")
    for dirpath, _, files in os.walk(d):
        for fn in files:
            p = os.path.join(dirpath, fn)
            out.add("reports %s %d" % (os.path.relpath(p, ROOT), os.stat(p).st_mtime_ns))
    return out


BAD = [  # a bad client file: exit status 2 and a message naming the file and line
    ('[[client]]\nname = "a"\ncommand = "x"\n\n[[client]]\nname = "b"\n',
     ":5: client 'b' has no command"),
    ('[[client]]\nname = "a"\ncommand = "x"\n\n[[client]]\nname = "a"\ncommand = "y"\n',
     ":5: client name 'a' is already used"),
    ('[[client]]\nname = "curl"\ncommand = "x"\n', ":1: client name 'curl' is already used"),
    ('[[client]]\nname = "a"\ncommand = "x\n', ":3:13: "),  # tomllib's position
    ('[[client]]\nname = "a"\ncomand = "x"\n', ":1: unknown key 'comand'"),
]


def bad_config(tmp, build):
    for i, (text, want) in enumerate(BAD):
        path = os.path.join(tmp, "bad%d.toml" % i)
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/matrix"), "--build",
                            build, "--clients", path, "--reports", os.path.join(tmp, "bad")],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 2 and (path + want) in r.stderr,
              "bad%d.toml: exit %d, %r (wanted %r)" % (i, r.returncode, r.stderr, path + want))
    check(not os.path.exists(os.path.join(tmp, "bad")), "a bad file still ran the matrix")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.rsplit("Usage: ", 1)[1])
    build = os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[1])))
    for sid, (lines, _) in SCENARIOS.items():
        got = rfc_lines(FILES[sid])
        if got != lines:
            sys.exit("%s: its rfc lines changed (%s, expected %s): derive the expected "
                     "figures of this test again" % (FILES[sid], got, lines))
    tmp = tempfile.mkdtemp(prefix="matrix-user-client-")
    for name, text in (("adapter.py", ADAPTER), ("clients.toml", TOML),
                       ("throwaway-expectations.txt", EXPECTATIONS)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
    reports = os.path.join(tmp, "reports")
    before = project_state()
    cmd = [sys.executable, os.path.join(ROOT, "scripts/matrix"), "--build", build,
           "--clients", os.path.join(tmp, "clients.toml"), "--only", "throwaway",
           "--reports", reports, "-j", "4"]
    for sid in SCENARIOS:
        cmd += ["--id", sid]
    t0 = time.time()
    run = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=300)
    print(run.stdout + run.stderr, end="")
    print("matrix run: %.1f s" % (time.time() - t0))
    check(run.returncode == 0, "scripts/matrix exit status %d" % run.returncode)
    after = project_state()
    check(before == after, "the project changed: %s" % sorted(before ^ after))

    with open(os.path.join(reports, "matrix.json"), encoding="utf-8") as f:
        doc = json.load(f)
    check([c["name"] for c in doc["clients"]] == ["throwaway"],
          "matrix.json clients: %s" % [c["name"] for c in doc["clients"]])
    c0 = doc["clients"][0]
    check(c0["cmd"] == "python3 " + os.path.join(tmp, "adapter.py"), "command: %s" % c0["cmd"])
    check(c0["expectations"] == os.path.join(tmp, "throwaway-expectations.txt"),
          "expectations: %s" % c0["expectations"])
    check(c0["run"]["command"] and "--client-name throwaway" in c0["run"]["command"] and
          "--judge rfc --judge py3 --judge py27" in c0["run"]["command"],
          "runner command: %s" % c0["run"]["command"])
    rows = {r["id"]: r for r in doc["rows"]}
    check(sorted(rows) == sorted(SCENARIOS), "scenarios run: %s" % sorted(rows))
    for sid, (_, want) in SCENARIOS.items():
        cell = rows.get(sid, {}).get("cells", {}).get("throwaway", {"judges": {}})
        got = tuple(cell["judges"].get(j, {}).get("verdict") for j in ("rfc", "py3", "py27"))
        check(got == want, "%s: verdicts %s, expected %s" % (sid, got, want))
    check(rows["length/hex"]["cells"]["throwaway"]["judges"]["py3"]["known"],
          "length/hex py3 is listed in the expectations file")

    fig = doc["figures"]["throwaway"]
    check(fig["rfc"] == {"conformant": 2, "must-violation": 1, "should-deviation": 1,
                         "unspecified": 1, "cannot-tell": 1, "unsupported": 1, "timeout": 0,
                         "harness-error": 0}, "rfc figures: %s" % fig["rfc"])
    check([(m["id"], m["requirements"]) for m in fig["must_violations"]] ==
          [("length/hex", ["9112-6.3-5", "9112-6.3-7"])],
          "MUST violations: %s" % fig["must_violations"])
    check([(m["id"], m["requirements"]) for m in fig["should_deviations"]] ==
          [("status/code-600", ["9110-15-2"])], "SHOULD deviations: %s" % fig["should_deviations"])
    for j in ("py3", "py27"):
        a = fig["agreement"][j]
        want = {"judged": 6, "share": round(1 / 6, 4), "pass": 1, "same-class": 1,
                "different-class": 0, "cannot-tell": 0, "fail": 4, "timeout": 0,
                "harness-error": 0, "unsupported": 1, "skip": 0,
                "known": 1 if j == "py3" else 0}
        check(a == want, "agreement with %s: %s, expected %s" % (j, a, want))
    reqs = {q["id"]: q for q in doc["requirements"]}
    for rid, want in (("9112-6.3-5", (["length/hex"], 0, 0)),
                      ("9112-6.3-6", ([], 0, 1)),
                      ("9112-6.3-7", (["length/hex"], 0, 0)),
                      ("9112-6.3-9", ([], 1, 0)),
                      ("9112-6.3-10", ([], 0, 1)),
                      ("9112-8-1", ([], 3, 0)),
                      ("9110-15-2", (["status/code-600"], 0, 0))):
        s = reqs.get(rid, {}).get("clients", {}).get("throwaway", {})
        got = (s.get("violated"), s.get("met"), s.get("cannot-tell"))
        check(got == want, "requirement %s: %s, expected %s" % (rid, got, want))
    check(reqs.get("9112-6.3-5", {}).get("level") == "MUST", "9112-6.3-5 from the catalogue")

    with open(os.path.join(reports, "matrix.md"), encoding="utf-8") as f:
        md = f.read()
    row = ("| throwaway | 1 | 1 | 2 | 1 | 1 | 1 | 0 | 16.7% (1/6; 1 ≈, 4 ✗) | "
           "16.7% (1/6; 1 ≈, 4 ✗) |")
    check(row in md.splitlines(), "matrix.md lacks the figures row %r" % row)
    check("## throwaway: MUST violations (1)" in md and
          "- `length/hex` (9112-6.3-5, 9112-6.3-7):" in md, "matrix.md lists the MUST violation")
    pages = {}
    for name in ("index.html", "requirements.html", "disagreements.html"):
        with open(os.path.join(reports, name), encoding="utf-8") as f:
            pages[name] = f.read()
        check("throwaway" in pages[name], "%s does not name throwaway" % name)
        check("<script src" not in pages[name] and "http://" not in pages[name].replace(
            "http://127.0.0.1", ""), "%s loads nothing from the network" % name)
    check('id="s-length/hex"' in pages["index.html"], "index.html: the row anchor")
    req = pages["requirements.html"]
    check('href="#b-length/hex"' in req and 'id="b-length/hex"' in req,
          "requirements.html links the violation to its bytes")
    check("<script" not in req, "requirements.html needs no script")
    check("Content-Length: 0x4" in req, "requirements.html shows the bytes of length/hex")
    for name, text in list(pages.items()) + [("matrix.md", md),
                                              ("matrix.json", json.dumps(doc))]:
        check("bystander" not in text, "%s names the client --only left out" % name)
    with open(os.path.join(reports, "runs/throwaway/results.json"), encoding="utf-8") as f:
        check(json.load(f)["client"] == "throwaway", "the runner's results.json names it")
    bad_config(tmp, build)
    if FAILURES:
        print("%d checks failed; reports in %s" % (len(FAILURES), tmp))
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("ok: the throwaway client in every report, its figures as derived")
    return 0


if __name__ == "__main__":
    sys.exit(main())
