#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""adapters/pyoutcome.py's shared helpers (the exception chain, the scenarios
a library or a CLI cannot run, the CLI run killed past its time, the saved
body) and the aiohttp adapter's reading of llhttp's reasons, checked without a
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
aiohttp_checks()
print("%d checks, %d failed" % (checks, failed))
sys.exit(1 if failed else 0)
