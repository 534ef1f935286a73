#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""adapters/pyoutcome.py's shared helpers (the exception chain, the scenarios
a library or a CLI cannot run, the CLI run killed past its time, the saved
body, run_cli_client's reading of a CLI's log) and the aiohttp adapter's reading of llhttp's reasons, checked without a
server. The aiohttp checks need Debian's python3-aiohttp (run this with
/usr/bin/python3); without it they are skipped and said so.
Usage: test_pyoutcome.py; exit status 0 when every check passes."""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "adapters"))
import pyoutcome as po  # noqa: E402

failed = 0
checks = 0


def check(what, got, want):
    global failed, checks
    checks += 1
    if got != want:
        failed += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


def chain_checks():
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except OSError as inner:
            raise ValueError("outer") from inner
    except ValueError as e:
        xs = po.chain(e)
    check("chain: outermost first", [type(x).__name__ for x in xs],
          ["ValueError", "ConnectionResetError"])
    a, b = ValueError("a"), ValueError("b")
    a.__cause__, b.__cause__ = b, a  # a loop ends at the first repeat
    check("chain: a loop", len(po.chain(a)), 2)
    check("native_chain", po.native_chain(xs[0]),
          "ValueError: outer <- ConnectionResetError: [Errno 104] reset")


def refusal_checks():
    reqs, opts = po.parse(["-X", "GET", "--proxy", "127.0.0.1:1", "--timeout", "1",
                           "--json", "http://127.0.0.1:2/x"], "test")
    check("plain_http_proxy: http", po.plain_http_proxy(opts, "lib"),
          "lib forwards http:// requests to a proxy in absolute-form; it opens a CONNECT "
          "tunnel only for https://")
    reqs, opts = po.parse(["--proxy", "127.0.0.1:1", "--json", "https://127.0.0.1:2/x"], "test")
    check("plain_http_proxy: https", po.plain_http_proxy(opts, "lib"), None)
    reqs, opts = po.parse(["--before", "GET /a", "--json", "http://127.0.0.1:2/b"], "test")
    check("one_command_line: same requests", po.one_command_line(reqs, opts, "cli"), None)
    reqs, opts = po.parse(["--before", "POST /a", "--json", "http://127.0.0.1:2/b"], "test")
    check("one_command_line: another method", po.one_command_line(reqs, opts, "cli"),
          "cli gives every URL of a command the same method, headers and body")
    reqs, opts = po.parse(["--target", "*", "--json", "http://127.0.0.1:2/b"], "test")
    check("one_command_line: a target", po.one_command_line(reqs, opts, "cli"),
          "cli builds the request target from a URL; it cannot send *")
    reqs, opts = po.parse(["--proxy", "h:1", "--proxy-header", "A: b",
                           "--json", "https://127.0.0.1:2/b"], "test")
    check("one_command_line: CONNECT fields", po.one_command_line(reqs, opts, "cli"),
          "cli cannot add header fields to its CONNECT request")


def cli_checks():
    env = dict(os.environ)
    log, code = po.run_cli([sys.executable, "-c", "import sys; sys.stderr.write('err'); "
                            "print('out')"], env, 10, merge=False)
    check("run_cli: stderr only", (log, code), ("err", 0))
    log, code = po.run_cli([sys.executable, "-c", "import sys; sys.stderr.write('err'); "
                            "sys.exit(3)"], env, 10, merge=True)
    check("run_cli: merged, exit status", (log, code), ("err", 3))
    log, code = po.run_cli([sys.executable, "-c", "import time; time.sleep(30)"], env, 0.5,
                           merge=True)
    check("run_cli: killed", (code, log.endswith("timed out (killed)\n"),
                              log.strip().startswith("failed: ")), (-9, True, True))


def body_checks():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "b")
        with open(path, "wb") as f:
            f.write(b"hello")
        out = po.outcome()
        out["error"] = "IncompleteRead"
        po.set_body_file(out, path)
        check("set_body_file: a short body", (out["body_len"], out["partial_len"]), (5, 5))
        out = po.outcome()
        po.set_body_file(out, os.path.join(tmp, "none"))
        check("set_body_file: no file", (out["body_len"], out["partial_len"]), (0, None))


class FakeCli(po.CliClient):
    """A 'CLI' (Python printing a canned log): one section per URL, a line
    'FAIL: text' where a transfer failed, 'HEAD status' where a head came."""
    name = "fake"
    merge = True

    def __init__(self, log, code=0):
        self.log, self.code = log, code

    def words(self, reqs, opts, tmp):
        return [sys.executable, "-c", "import sys; sys.stdout.write(%r); sys.exit(%d)" % (
            self.log, self.code)]

    def sections(self, log):
        return log.split("--SECTION--\n")[1:]

    def failure(self, out, sec, code):
        line = next((ln for ln in sec.split("\n") if ln.startswith("FAIL: ")), None)
        return (line, "IncompleteRead") if line else None

    def judged(self, out, sec, log, index, code):
        head = next((ln for ln in sec.split("\n") if ln.startswith("HEAD ")), None)
        if head:
            out["status"] = int(head[5:])
        out["connection"] = "closed" if "closed" in sec else "kept"


def cli_client(log, code=0, befores=1):
    argv = ["--before", "GET /a"] * befores + ["--timeout", "1", "--json", "http://127.0.0.1:2/b"]
    out_file = tempfile.TemporaryFile("w+")
    saved, sys.stdout = sys.stdout, out_file
    try:
        po.run_cli_client(FakeCli(log, code), argv)
    finally:
        sys.stdout = saved
    out_file.seek(0)
    import json
    return json.loads(out_file.read())


def cli_client_checks():
    out = cli_client("--SECTION--\nHEAD 200\n--SECTION--\nHEAD 204\n")
    check("run_cli_client: the last transfer judged",
          (out["error"], out["status"], out["connection"], out["will_close"]),
          (None, 204, "kept", False))
    out = cli_client("--SECTION--\nFAIL: gone\n--SECTION--\nHEAD 200\n", code=4)
    check("run_cli_client: a --before transfer failed",
          (out["error"], out["detail"], out["native_error"], out["status"], out["connection"]),
          ("IncompleteRead", "request 1 of 2: FAIL: gone", "fake (exit 4): FAIL: gone", None,
           "closed"))
    out = cli_client("--SECTION--\nHEAD 200\nFAIL: short\nclosed\n", befores=0)
    check("run_cli_client: the judged transfer failed",
          (out["error"], out["detail"], out["status"], out["will_close"]),
          ("IncompleteRead", "FAIL: short", 200, None))
    out = cli_client("--SECTION--\nHEAD 200\nstopped\n", code=1)
    check("run_cli_client: stopped before the last URL",
          (out["error"], out["native_error"], out["status"]),
          ("Unmapped", "fake (exit 1): --SECTION--\nHEAD 200\nstopped", None))
    with tempfile.TemporaryDirectory() as tmp:
        reqs, opts = po.parse(["-X", "POST", "-H", "A: b", "--data-file", os.devnull,
                               "--cacert", "/ca.pem", "--json", "https://h:1/"], "test")
        body = os.path.join(tmp, "body")
        check("cli_request_words", po.cli_request_words(reqs[-1], opts, body, "--post-file"),
              ["--header=A: b", "--post-file=" + body, "--ca-certificate=/ca.pem"])


def aiohttp_checks():
    sys.argv = [sys.argv[0]]  # the adapter reads --pure from argv when imported
    try:
        sys.path.insert(0, os.path.join(ROOT, "adapters/aiohttp"))
        import aiohttp_adapter as aa
    except ImportError as e:
        print("skip: the aiohttp checks (%s)" % e)
        return
    hx = aa.hx
    for reason, want in (("Expected dot", "UnknownProtocol"),
                         ("Invalid major version", "UnknownProtocol"),
                         ("Expected space after version", "UnknownProtocol"),
                         ("Invalid response status", "BadStatusLine")):
        check("aiohttp C parser: BadStatusLine(%r)" % reason,
              aa.parser_class(hx.BadStatusLine(reason)), want)
    check("aiohttp: 'Expected HTTP/'", aa.parser_class(hx.BadHttpMessage("Expected HTTP/")),
          "BadStatusLine")
    check("aiohttp: a chunk size", aa.parser_class(
        hx.BadHttpMessage("Invalid character in chunk size")), "IncompleteRead")
    e = aa.aiohttp.ClientConnectorError.__new__(aa.aiohttp.ClientConnectorError)
    e.__cause__ = ConnectionResetError()  # asyncio's close during a TLS handshake
    check("aiohttp: a bare ConnectionResetError", aa.classify(e), "ConnectionResetError")


chain_checks()
refusal_checks()
cli_checks()
body_checks()
cli_client_checks()
aiohttp_checks()
print("%d checks, %d failed" % (checks, failed))
sys.exit(1 if failed else 0)
