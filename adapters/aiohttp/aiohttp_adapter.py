# SPDX-License-Identifier: MIT
"""The aiohttp adapter (Debian's python3-aiohttp, run by /usr/bin/python3):
makes the scenario's requests with one ClientSession whose connector holds one
connection (HTTPS through the proxy's CONNECT tunnel for --proxy), reads each
body raw (auto_decompress off), and prints the outcome object of
adapters/PROTOCOL.md, aiohttp's errors mapped onto the taxonomy and the
exception chain kept in native_error. --pure sets AIOHTTP_NO_EXTENSIONS=1
before aiohttp is imported: its pure-Python parser instead of the C one
(llhttp); the outcome says which parser ran."""
import asyncio
import errno
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyoutcome as po  # noqa: E402

PURE = "--pure" in sys.argv[1:]
if PURE:
    os.environ["AIOHTTP_NO_EXTENSIONS"] = "1"
import aiohttp  # noqa: E402
from aiohttp import http_exceptions as hx  # noqa: E402
from aiohttp import http_parser  # noqa: E402
import yarl  # noqa: E402

# The parser's messages (BadHttpMessage) -> class; first match wins. The C
# parser's messages are llhttp's reasons: "Expected HTTP/" is
# HPE_INVALID_CONSTANT (no "HTTP/" where the status line starts), which the
# Node adapters map to BadStatusLine too.
MESSAGES = [
    ("expected http/", "BadStatusLine"),
    ("content-length", "InvalidHeader"),
    ("transfer-encoding", "InvalidFraming"),
    ("chunk", "IncompleteRead"),
    ("version", "UnknownProtocol"),
    ("status", "BadStatusLine"),
    ("too long", "LineTooLong"),
]
# llhttp's reasons for HPE_INVALID_VERSION, which aiohttp's C parser raises as
# its BadStatusLine: the version is what failed (the Node adapters:
# UnknownProtocol, CPython's class for a version it does not speak).
LLHTTP_VERSION = ("expected dot", "invalid major version", "invalid minor version",
                  "expected space after version")
ERRNO = {errno.ECONNRESET: "ConnectionResetError", errno.EPIPE: "BrokenPipeError",
         errno.ECONNREFUSED: "ConnectionRefusedError"}


def parser_class(x):
    """An aiohttp.http_exceptions error (the parser's) -> class."""
    if isinstance(x, hx.LineTooLong):
        return "LineTooLong"
    low = str(x.message if hasattr(x, "message") else x).lower()
    if isinstance(x, hx.BadStatusLine):
        # the pure-Python parser's message quotes the line, not a reason
        if not PURE and any(s in low for s in LLHTTP_VERSION):
            return "UnknownProtocol"
        return "BadStatusLine"
    if isinstance(x, (hx.TransferEncodingError, hx.ContentLengthError)):
        return "IncompleteRead"  # the body's framing broke
    return next((c for s, c in MESSAGES if s in low), "HTTPException")


def classify(e):
    xs = po.chain(e)
    if isinstance(e, aiohttp.ClientPayloadError):
        return "IncompleteRead"
    if isinstance(e, aiohttp.ServerDisconnectedError):
        return "RemoteDisconnected"
    if isinstance(e, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return "TimeoutError"
    if isinstance(e, aiohttp.ClientHttpProxyError):
        return "OSError"  # CPython: OSError("Tunnel connection failed: 407 ...")
    if isinstance(e, aiohttp.ClientConnectorCertificateError):
        return "SSLCertVerificationError"
    for x in xs:
        if isinstance(x, hx.HttpProcessingError):
            return parser_class(x)
    for x in xs:
        # asyncio's SSL protocol reports a close during the handshake as a
        # bare ConnectionResetError (no errno): its class is the name
        if isinstance(x, (ssl.SSLError, ConnectionError)):
            return po.mro_class(x)
        if isinstance(x, OSError) and x.errno in ERRNO:
            return ERRNO[x.errno]
    if isinstance(e, aiohttp.ClientSSLError):
        return "SSLError"
    if isinstance(e, aiohttp.ClientOSError):
        return "OSError"
    return "Unmapped"


def tls(opts):
    if opts["scheme"] != "https":
        return None
    if opts.get("insecure"):
        return False
    return ssl.create_default_context(cafile=opts.get("cacert"))


def pooled(connector):
    """Connections the connector keeps for reuse (it releases a connection as
    soon as the body ends, keeping it only when it may be reused)."""
    return sum(len(v) for v in getattr(connector, "_conns", {}).values())


async def run(reqs, opts, out):
    t = opts["timeout"]
    connector = aiohttp.TCPConnector(limit=1, ssl=tls(opts), force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=t, sock_read=t)
    proxy = {"proxy": "http://" + opts["proxy"],
             "proxy_headers": dict(opts["proxy_headers"])} if opts.get("proxy") else {}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     auto_decompress=False, trust_env=False) as s:
        for n, q in enumerate(reqs):
            last = n == len(reqs) - 1
            pieces, r = [], None
            url = yarl.URL(opts["origin"] + q["target"], encoded=True)
            try:
                async with s.request(q["method"], url, headers=q["headers"], data=q["body"],
                                     allow_redirects=False, **proxy) as r:
                    async for piece in r.content.iter_any():
                        pieces.append(piece)
                    keep = pooled(connector) > 0
            except Exception as e:
                po.fail(out, classify(e), e, n, len(reqs))
                out["native_error"] = po.native_chain(e)
                out["connection"] = "closed"  # aiohttp closes the connection of an error
                if out["error"] == "IncompleteRead":
                    out["partial_len"] = sum(map(len, pieces))
            if last and r is not None:
                out["status"] = r.status
                out["reason"] = r.reason
                out["version"] = r.version.major * 10 + r.version.minor
                out["headers"] = [[po.text(k), po.text(v)] for k, v in r.raw_headers]
                po.set_body(out, b"".join(pieces))
                if not out["error"]:
                    out["connection"] = "kept" if keep else "closed"
                    out["will_close"] = not keep
            if out["error"]:
                break


def main():
    reqs, opts = po.parse([a for a in sys.argv[1:] if a != "--pure"], "aiohttp_adapter")
    out = po.outcome()
    pure = http_parser.HttpResponseParser is http_parser.HttpResponseParserPy
    if pure != PURE:  # the C parser missing, or AIOHTTP_NO_EXTENSIONS ignored
        po.unsupported(out, "aiohttp adapter: wanted the %s parser, aiohttp has the other"
                       % ("pure-Python" if PURE else "C"))
    elif opts.get("target"):
        po.unsupported(out, "aiohttp adapter: aiohttp builds the request target from a URL; "
                       "it cannot send %r" % opts["target"])
    elif po.plain_http_proxy(opts, "aiohttp"):
        po.unsupported(out, "aiohttp adapter: " + po.plain_http_proxy(opts, "aiohttp"))
    else:
        asyncio.run(run(reqs, opts, out))
    po.emit(out)


if __name__ == "__main__":
    main()
