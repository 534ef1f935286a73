#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The runner's verdicts and reports: a passing, a failing, a lenient and a
known-deviation scenario give pass, fail, lenient, expected-failure and
unexpected-pass; the exit status follows; results.json loads, junit.xml
validates against runner/junit.xsd with the right counts, summary.md lists the
failures; a bad scenario file stops the run with file:line. Then the run
controls: -j, --shard, --seed, --repeat (and unstable verdicts), --id and
--exclude, --trace, --chaos, the timeout verdict of a hung adapter, conn= checks."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import xml.dom.minidom

CONFORM = sys.argv[1]
XSD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runner",
                   "junit.xsd")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402
from runner_files import SCN, write, write_scns  # noqa: E402

check = Checks()


def verdicts(out):
    """{(verdict, profile, id)} of a run's result lines."""
    return sorted(tuple(l.split()[:3]) for l in out.splitlines()
                  if l.split()[:1] and l.split()[0] in ("pass", "fail", "lenient", "timeout"))


def run(*args):
    return subprocess.run([CONFORM] + list(args), capture_output=True, text=True)


def run_controls(d):
    lib = os.path.join(d, "lib")
    os.mkdir(lib)
    for i in range(12):
        write(os.path.join(lib, "s%02d.scn" % i),
              SCN.replace("profiles: py3 -- only py3 is judged here\n", "") %
              ("s%02d" % i, "case %d" % i, "expect: response status=200 body=\"hi\"" if i % 5 else
               "expect: response status=500"))
    one = run(lib)
    two = run("-j", "2", lib)
    check("-j 2 gives the verdicts of -j 1", verdicts(one.stdout) == verdicts(two.stdout) and
          len(verdicts(one.stdout)) == 48 and one.returncode == two.returncode == 1, two.stdout)
    shards = [run("--shard", "%d/3" % k, lib) for k in (1, 2, 3)]
    union = sorted(sum((verdicts(p.stdout) for p in shards), []))
    check("three shards split the run without overlap", union == verdicts(one.stdout) and
          all(len(verdicts(p.stdout)) == 16 for p in shards), [p.stdout for p in shards])
    check("a bad shard is refused", run("--shard", "4/3", lib).returncode == 2)
    order = lambda p: [l.split()[2] for l in p.stdout.splitlines() if l.startswith("pass ")]
    a, b, c = run("--seed", "7", lib), run("--seed", "7", lib), run("--seed", "8", lib)
    check("a seed gives the same order twice, another seed another order",
          order(a) == order(b) and order(a) != order(c) and "seed 7" in a.stdout, a.stdout)
    check("the seeded order differs from the file order", order(a) != order(one))
    r = run("--repeat", "3", "--id", "t/s01", "--profile", "py3", lib)
    check("--repeat 3 runs each check three times",
          "3 checks" in r.stdout and r.returncode == 0, r.stdout)
    r = run("--id", "t/s0*", "--exclude", "t/s00", "--profile", "py3", lib)
    check("--id glob and --exclude", len(verdicts(r.stdout)) == 9, r.stdout)
    r = run("--trace", "--id", "t/s01", "--profile", "py3", lib)
    check("--trace prints both sides' bytes", "client wrote" in r.stderr and
          "server wrote 40 bytes  \"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi\"" in r.stderr,
          r.stderr)

    cuts = lambda p: [l.split("server wrote ")[1].split(" bytes")[0]
                      for l in p.stderr.splitlines() if "server wrote" in l]
    a, b = [run("--chaos", "5", "--trace", "--id", "t/s01", "--profile", "py3", lib)
            for _ in range(2)]
    check("--chaos cuts the reply into pieces, the same way for the same seed, and the verdict "
          "stays", len(cuts(a)) > 1 and cuts(a) == cuts(b) and a.returncode == 0 and
          sum(map(int, cuts(a))) == 40, a.stderr)

    # An adapter that answers right once, then wrongly: the verdict is unstable.
    flip = os.path.join(d, "flip.sh")
    state = os.path.join(d, "flip.state")
    write(flip, "#!/bin/sh\nif [ -e %s ]; then s=500; else s=200; touch %s; fi\n"
                "echo '{\"error\": null, \"status\": '$s', \"body_len\": 2, "
                "\"body_b64\": \"aGk=\"}'\n" % (state, state), executable=True)
    r = run("--adapter", flip, "--repeat", "2", "--id", "t/s01", lib)
    check("a verdict that changes between repeats is unstable and fails the run",
          r.returncode == 1 and "unstable" in r.stdout, r.stdout)
    nobytes = os.path.join(d, "nobytes.sh")
    write(nobytes, "#!/bin/sh\necho '{\"error\": null, \"status\": 200, \"body_len\": 2}'\n",
          executable=True)
    r = run("--adapter", nobytes, "--id", "t/s01", lib)
    check("an adapter that gives a body length without the bytes: cannot-tell, not a failure",
          r.returncode == 0 and "cannot-tell" in r.stdout and
          "reported 2 body bytes but not the bytes" in r.stdout, r.stdout)
    hang = os.path.join(d, "hang.sh")
    write(hang, "#!/bin/sh\nexec sleep 60\n", executable=True)
    r = run("--adapter", hang, "--timeout", "100", "--id", "t/s01", "--reports",
            os.path.join(d, "hung"), lib)
    check("a hung adapter is killed and judged timeout", r.returncode == 1 and
          r.stdout.startswith("timeout") and "5100 ms" in r.stdout, r.stdout)
    dom = xml.dom.minidom.parse(os.path.join(d, "hung", "junit.xml"))
    check("a timeout is a JUnit failure", dom.documentElement.getAttribute("failures") == "1")

    # Earlier requests reach adapters too (--before): the reference client's CLI
    # and CPython's http.client both reuse the connection.
    kdir = os.path.join(d, "keep")
    os.mkdir(kdir)
    write(os.path.join(kdir, "k.scn"),
          "id: t/two\ntitle: two requests\nprofiles: py3 -- only py3 is judged here\n"
          "request: POST /a\n"
          "request-header: X-First: 1\nrequest-body: \"abc\"\nrequest: GET /b\n"
          "check-connections: 1\ncheck-request-header: X-First: 1\n"
          "check-request-line: \"POST /a HTTP/1.1\"\nconnection\n  read request\n"
          "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nfirst\"\n"
          "  read request\n"
          "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nsecond\"\n"
          "  close\nexpect: response status=200 body=\"second\" conn=kept\n")
    httpc = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CONFORM))), "client",
                         "httpc")
    adapter = "%s %s" % (sys.executable, os.path.join(os.path.dirname(XSD), "..", "tests",
                                                      "oracle", "cpython_adapter.py"))
    for name, extra in [("in-process", []), ("httpc --json", ["--adapter", httpc]),
                        ("CPython", ["--adapter", adapter])]:
        r = run(*(extra + [kdir]))
        check("two requests on one connection through %s" % name,
              r.returncode == 0 and "1 passed" in r.stdout, r.stdout)

    # httpc-mock serve with a folder: every scenario on its own port.
    mock = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CONFORM))), "mockserver",
                        "httpc-mock")
    two = os.path.join(d, "two")
    os.mkdir(two)
    for name in ("x", "y"):
        write(os.path.join(two, name + ".scn"),
              SCN.replace("hi", name + "!") % (name, name, "expect: response status=200"))
    proc = subprocess.Popen([mock, "serve", two], stdout=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline().split() for _ in range(2)]
    bodies = {}
    for port, sid in lines:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as c:
            c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while True:
                piece = c.recv(4096)
                if not piece:
                    break
                data += piece
        bodies[sid] = data.split(b"\r\n\r\n", 1)[-1]
    check("httpc-mock serve FOLDER serves each scenario on its own port and exits",
          bodies == {"t/x": b"x!", "t/y": b"y!"} and proc.wait(timeout=10) == 0, (lines, bodies))

    cdir = os.path.join(d, "conn")
    os.mkdir(cdir)
    write_scns(cdir, [("conn", "expect: response status=200 conn=closed")])
    r = run(cdir)
    check("conn= compares the client's connection after the outcome", r.returncode == 1 and
          "connection kept after the outcome, expected closed" in r.stdout, r.stdout)


def run_rfc(d):
    """--judge rfc over a small library with its own catalogue; a throwaway
    adapter named by --client-name; the options' validation."""
    lib = os.path.join(d, "rfc")
    os.mkdir(lib)
    write(os.path.join(lib, "requirements.txt"),
          "# id | level | section | text | untestable\n"
          "9112-6.3-5 | MUST | RFC 9112 section 6.3 | a bad length is an error |\n"
          "9112-9.6-2 | SHOULD | RFC 9112 section 9.6 | no reuse after close |\n"
          "9112-2.2-3 | MAY | RFC 9112 section 2.2 | bare LF | \n")
    cases = {
        "must": ("error", "rfc 9112-6.3-5: error"),
        "should": ("response status=200", "rfc 9112-9.6-2: response conn=closed"),
        "ok": ("response status=200", "rfc 9112-6.3-5: response body=\"hi\" | error"),
        "open": ("response status=200", "rfc 9112-2.2-3: any"),
    }
    write_scns(lib, [(name, "expect: response status=200\n" + line)
                     for name, (_, line) in cases.items()])
    rep = os.path.join(d, "rfc-rep")
    r = run("--judge", "rfc", "--judge", "profile", "--profile", "py3", lib, "--reports", rep)
    got = {tuple(l.split()[:2]) + (l.split()[2] if len(l.split()) > 2 else "",)
           for l in r.stdout.splitlines()}
    check("in-process --judge rfc: must-violation fails the run", r.returncode == 1, r.stdout)
    for verdict, sid in [("must-violation", "t/must"), ("should-deviation", "t/should"),
                         ("conformant", "t/ok"), ("unspecified", "t/open")]:
        check("rfc verdict %s" % verdict,
              any(l.split()[:1] == [verdict] and "py3: rfc" in l and sid in l
                  for l in r.stdout.splitlines()), r.stdout)
    res = json.load(open(os.path.join(rep, "results.json")))
    check("results.json has both columns", res["columns"] == ["py3: rfc", "py3"], res["columns"])
    must = [x for x in res["results"] if x["id"] == "t/must" and x["judge"] == "rfc"][0]
    check("results.json grades each requirement", must["requirements"] ==
          [{"id": "9112-6.3-5", "level": "MUST", "grade": "violated"}], must)
    dom = xml.dom.minidom.parse(os.path.join(rep, "junit.xml"))
    fails = [f for f in dom.getElementsByTagName("failure")
             if f.getAttribute("type") == "must-violation"]
    body = fails[0].firstChild.data if fails and fails[0].firstChild else ""
    check("a JUnit failure has a type and a body with the requirement, the outcome and the file",
          "violated 9112-6.3-5 (MUST" in body and "actual: 200" in body and
          "native error:" in body and "must.scn" in body, body)
    suites = dom.getElementsByTagName("testsuite")
    check("JUnit suites carry time and timestamp",
          suites and all(x.getAttribute("time") and x.getAttribute("timestamp") for x in suites))

    # A user's own client: a throwaway adapter, named on the command line.
    adapter = os.path.join(d, "my-client.sh")
    write(adapter, "#!/bin/sh\necho '{\"error\": \"IncompleteRead\", \"native_error\": "
                   "\"E_SHORT: body too short\", \"will_close\": null, \"connection\": null}'\n",
          executable=True)
    rep2 = os.path.join(d, "mine")
    r = run("--adapter", adapter, "--judge", "rfc", "--judge", "py3", "--client-name",
            "my-client 1.0", "--reports", rep2, lib)
    res = json.load(open(os.path.join(rep2, "results.json")))
    check("a throwaway adapter: every report names it", res["client"] == "my-client 1.0" and
          all(x["client"] == "my-client 1.0" for x in res["results"]) and
          "my-client 1.0" in open(os.path.join(rep2, "summary.md")).read().splitlines()[0] and
          "<h1>my-client 1.0" in open(os.path.join(rep2, "report.html")).read() and
          'name="my-client 1.0: rfc"' in open(os.path.join(rep2, "junit.xml")).read(), res)
    check("its native error reaches the JUnit body",
          "E_SHORT: body too short" in open(os.path.join(rep2, "junit.xml")).read())
    r = run("--adapter", adapter, "--judge", "rfc", lib, "--reports", rep2)
    res = json.load(open(os.path.join(rep2, "results.json")))
    check("the adapter's name by default is its script's", res["client"] == "my-client" and
          r.returncode == 0, (res["client"], r.stdout))
    unsup = os.path.join(d, "unsup.sh")
    write(unsup, "#!/bin/sh\necho '{\"error\": \"AdapterUnsupported\", \"native_error\": "
                 "\"no proxy support\"}'\n", executable=True)
    r = run("--adapter", unsup, "--judge", "rfc", "--judge", "py3", lib)
    check("AdapterUnsupported is unsupported for every judge, not a failure", r.returncode == 0
          and r.stdout.count("unsupported") == 8 and "0 failed" in r.stdout, r.stdout)

    # Options: validated, after paths too, and every tool has --version.
    check("--version", run("--version").stdout.startswith("httpc-conform "))
    r = run("--id", "nomatch/*", lib)
    check("a selection that matches nothing exits 2 with a message", r.returncode == 2 and
          "no scenario matches" in r.stderr, r.stderr)
    r = run("--timeout", "abc", lib)
    check("--timeout abc is refused", r.returncode == 2 and "--timeout" in r.stderr, r.stderr)
    r = run(lib, "--id", "t/ok", "--profile", "py3")
    check("options after a path", r.returncode == 0 and "1 passed" in r.stdout, r.stdout + r.stderr)
    r = run("--judge", "py4", lib)
    check("an unknown judge is refused", r.returncode == 2 and "py4" in r.stderr, r.stderr)
    os.rename(os.path.join(lib, "requirements.txt"), os.path.join(d, "cat.txt"))
    r = run("--judge", "rfc", lib)
    check("--judge rfc without a catalogue says so", r.returncode == 2 and
          "requirements.txt" in r.stderr, r.stderr)
    r = run("--judge", "rfc", "--catalogue", os.path.join(d, "cat.txt"), lib, "--profile", "py3")
    check("--catalogue FILE", r.returncode == 1 and "must-violation" in r.stdout, r.stdout)
    mock = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CONFORM))), "mockserver",
                        "httpc-mock")
    check("httpc-mock --version", subprocess.run([mock, "--version"], capture_output=True,
                                                 text=True).stdout.startswith("httpc-mock "))
    for sub in ("serve", "lint", "list", "requirements", "make-certs"):
        r = subprocess.run([mock, sub, "--help"], capture_output=True, text=True)
        check("httpc-mock %s --help prints the usage, exit 0" % sub,
              r.returncode == 0 and "usage: httpc-mock serve" in r.stdout and not r.stderr,
              (r.returncode, r.stderr))
    write_scns(lib, [("typo", "expect: response status=200\nrfc 9112-6.3-9: error")])
    r = subprocess.run([mock, "lint", "--catalogue", os.path.join(d, "cat.txt"), lib],
                       capture_output=True, text=True)
    check("lint refuses an id that is not in the catalogue, with file:line",
          r.returncode == 1 and "typo.scn:9: requirement 9112-6.3-9 is not in the catalogue"
          in r.stderr, r.stderr)



MOCK_SCN = """title: checks
# the id is not on line 1, so its line is told apart from the file's
id: t/%s
%s
connection
  read request
  %s
  close
expect: response status=200
"""


def serve(mock, args, request=None, sig=None, wait=0.3):
    """httpc-mock serve ARGS; one request (bytes; "{port}" is the port), or a
    signal `wait` s after the client has read some of the reply. Returns
    (exit status, stderr)."""
    import time
    p = subprocess.Popen([mock, "serve"] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    port = int(p.stdout.readline().split()[0])  # "PORT" or "PORT ID"
    if request is not None:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(request.replace(b"{port}", str(port).encode()))
            c.recv(64)
            if sig:
                time.sleep(wait)
                p.send_signal(sig)
            while c.recv(4096):
                pass
    elif sig:
        time.sleep(wait)
        p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        return None, err
    return p.returncode, err


def run_mock(d):
    """Duplicate ids with both files and lines (lint and the runner),
    a NUL byte at its line, and httpc-mock serve's request checks, sweep case
    and signal summary."""
    import signal
    mock = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CONFORM))), "mockserver",
                        "httpc-mock")
    reply = 'send "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi"'
    dup = os.path.join(d, "dup")
    os.makedirs(os.path.join(dup, "a"))
    write(os.path.join(dup, "a", "b.scn"),
          MOCK_SCN % ("same", "profiles: py3 -- only py3 is judged here", reply))
    write(os.path.join(dup, "z.scn"), "# the same id again, on line 2\n" +
          (MOCK_SCN % ("same", "profiles: py3 -- only py3 is judged here", reply))
          .replace("# the id is not on line 1, so its line is told apart from the file's\n", ""))
    first, second = os.path.join(dup, "a", "b.scn"), os.path.join(dup, "z.scn")
    r = subprocess.run([mock, "lint", dup], capture_output=True, text=True)
    check("lint: a duplicate id names both files and lines", r.returncode == 1 and
          "%s:3: duplicate id 't/same' (also %s:3)" % (second, first) in r.stderr, r.stderr)
    r = run(dup)
    check("httpc-conform refuses a duplicate id (exit 2, both files), runs nothing",
          r.returncode == 2 and "%s:3: duplicate id 't/same' (also %s:3)" % (second, first)
          in r.stderr and "passed" not in r.stdout, (r.returncode, r.stdout, r.stderr))
    write(os.path.join(dup, "z.scn"), "# a sweep whose values repeat\nsweep: N = 1 1\n" +
          MOCK_SCN % ("sw{N}", "profiles: py3 -- only py3 is judged here", reply))
    r = run(second)
    check("httpc-conform refuses a sweep whose cases share an id", r.returncode == 2 and
          "duplicate id 't/sw1/N=1'" in r.stderr, r.stderr)
    nul = os.path.join(d, "nul.scn")
    with open(nul, "wb") as f:
        f.write(b"id: t/nul\ntitle: t\n\nconnection\0\n")
    r = subprocess.run([mock, "lint", nul], capture_output=True, text=True)
    check("lint: a NUL byte is reported at its own line", r.returncode == 1 and
          "nul.scn:4: binary data (a NUL byte)" in r.stderr, r.stderr)

    sweep = os.path.join(d, "checked.scn")
    write(sweep, MOCK_SCN % ("checked", "sweep: N = 1 2 3\ncheck-connections: 1\n"
                             "check-request-line: \"GET / HTTP/1.1\"\n"
                             "check-request-header: Host: 127.0.0.1:{port}", reply))
    wrong = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
    rc, err = serve(mock, [sweep], wrong)
    lines = err.splitlines()
    check("serve: a sweep names the case it serves",
          "serving case 0 of 3 (t/checked/N=1); --case N picks another" in lines, err)
    check("serve: one line per failed check, exit 0 without --strict-checks", rc == 0 and
          "check failed: request line is 'GET /x HTTP/1.1', expected 'GET / HTTP/1.1'" in lines
          and sum(l.startswith("check failed: request lacks header 'Host: 127.0.0.1:") for l in
                  lines) == 1 and len([l for l in lines if l.startswith("check failed")]) == 2,
          (rc, err))
    rc, err = serve(mock, [sweep, "--case", "2", "--strict-checks"], wrong)
    check("serve --strict-checks: a failed check is exit status 1", rc == 1 and
          "serving case 2 of 3 (t/checked/N=3)" in err, (rc, err))
    rc, err = serve(mock, [sweep, "--strict-checks"],
                    b"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
    check("serve --strict-checks: checks that hold are exit status 0", rc == 0 and
          "check failed" not in err, (rc, err))

    slow = os.path.join(d, "slow.scn")
    write(slow, MOCK_SCN % ("slow", "check-request-line: \"GET / HTTP/1.1\"",
                            "segments 1 5\n  " + reply.replace("hi", "x" * 998)
                            .replace("Length: 2", "Length: 998")))
    rc, err = serve(mock, [slow, "-vv"], b"GET / HTTP/1.1\r\n\r\n", sig=signal.SIGINT)
    lines = err.splitlines()
    check("serve -vv: SIGINT mid-trace ends with a one-line summary", rc == 0 and
          err.endswith("\n") and lines[-1] ==
          "httpc-mock: stopped by SIGINT: 1 connections served, 0 checks failed", err[-600:])
    check("serve -vv: every trace line before the summary is whole",
          all(l.startswith("mock: ") or (" ms  conn " in l and l.endswith('"'))
              for l in lines[:-1]) and sum(" ms  conn " in l for l in lines) > 3, err[-600:])
    rc, err = serve(mock, [sweep, "--strict-checks"], None, sig=signal.SIGTERM)
    check("serve: SIGTERM before any client: nothing judged, then the summary", rc == 0 and
          "check failed" not in err and
          err.splitlines()[-1] ==
          "httpc-mock: stopped by SIGTERM: 0 connections served, 0 checks failed", (rc, err))
    folder = os.path.join(d, "served")
    os.mkdir(folder)
    os.rename(slow, os.path.join(folder, "slow.scn"))
    rc, err = serve(mock, [folder, "--strict-checks"], b"GET /no HTTP/1.1\r\n\r\n",
                    sig=signal.SIGINT, wait=0.1)
    check("serve FOLDER: a failed check names its scenario; SIGINT summarises", rc == 1 and
          "check failed: t/slow: request line is 'GET /no HTTP/1.1', expected 'GET / HTTP/1.1'"
          in err and err.splitlines()[-1] ==
          "httpc-mock: stopped by SIGINT: 1 connections served, 1 checks failed", (rc, err))

with tempfile.TemporaryDirectory() as d:
    files = {
        "good": "expect: response status=200 body=\"hi\" will-close=no",
        "bad": "expect: response status=404",
        "weak": "expect: response status=201\nexpect lenient: response status=200",
        "known": "expect: error BadStatusLine",
        "listed-but-passes": "expect: response status=200",
    }
    write_scns(d, files.items())
    known = os.path.join(d, "known.txt")
    write(known, "# known\nt/known py3: a documented difference\n"
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
    check("json results", len(res["results"]) == 5 and res["counts"]["fail"] == 1 and
          res["counts"]["unexpected-pass"] == 1, res["counts"])
    check("json names the run", res["client"] == "httpc" and res["judges"] and
          res["command"].startswith(CONFORM) and res["date"].endswith("Z") and res["commit"] and
          res["library"]["scenarios"] >= 5, {k: res[k] for k in res if k != "results"})
    dom = xml.dom.minidom.parse(os.path.join(rep, "junit.xml"))
    top = dom.documentElement
    check("junit counts", top.getAttribute("tests") == "5" and
          top.getAttribute("failures") == "2", top.toxml()[:200])
    check("junit skipped", len(dom.getElementsByTagName("skipped")) == 1)
    v = subprocess.run(["xmllint", "--noout", "--schema", XSD, os.path.join(rep, "junit.xml")],
                       capture_output=True, text=True) if shutil.which("xmllint") else None
    check("junit validates against runner/junit.xsd (xmllint from scripts/bootstrap)",
          v is not None and v.returncode == 0, v and v.stderr)
    md = open(os.path.join(rep, "summary.md")).read()
    check("summary failures", "## Failures" in md and "t/bad" in md, md)

    write(os.path.join(d, "broken.scn"), "id: t/broken\ntitle: x\nconnection\n  dance\n")
    p = subprocess.run([CONFORM, d], capture_output=True, text=True)
    check("bad file stops the run", p.returncode == 2 and "broken.scn:4: unknown action 'dance'"
          in p.stderr, p.stderr)

    p = subprocess.run([CONFORM, "--help"], capture_output=True, text=True)
    check("help", p.returncode == 0 and "--adapter" in p.stdout)
    p = subprocess.run([CONFORM, "--profile", "py4", d], capture_output=True, text=True)
    check("bad profile", p.returncode == 2 and "py4" in p.stderr)
    run_controls(d)
    run_rfc(d)
    run_mock(d)
check.finish()
