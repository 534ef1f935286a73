# SPDX-License-Identifier: MIT
"""The httpx adapter (Debian's python3-httpx on httpcore and h11, run by
/usr/bin/python3): makes the scenario's requests with one httpx.Client (its
pool reuses the connection; HTTPS through the proxy's CONNECT tunnel for
--proxy), streams each body raw (no content decoding), and prints the
outcome object of adapters/PROTOCOL.md, h11's and httpx's errors mapped onto
the taxonomy and the whole exception chain kept in native_error."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyoutcome as po  # noqa: E402

# httpx imports its command line (click, rich, pygments) when it can: half of
# its import time, which a loaded machine turns into seconds before a 300 ms
# scenario can start. Without click httpx leaves its CLI out.
sys.modules.setdefault("click", None)
import h11  # noqa: E402
import httpx  # noqa: E402

# h11's and httpcore's messages (RemoteProtocolError) -> class; first match wins.
MESSAGES = [
    ("server disconnected without sending a response", "RemoteDisconnected"),
    ("peer closed connection without sending complete message body", "IncompleteRead"),
    ("only transfer-encoding: chunked is supported", "InvalidFraming"),
    ("chunk", "IncompleteRead"),
    ("illegal status line", "BadStatusLine"),
    ("status code", "BadStatusLine"),
    ("http version", "UnknownProtocol"),
    ("receive buffer too long", "LineTooLong"),
    ("content-length", "InvalidHeader"),
    ("transfer-encoding", "InvalidFraming"),
    ("illegal header line", "HTTPException"),
]


def classify(e, got_head):
    if isinstance(e, httpx.TimeoutException):
        return "TimeoutError"
    if isinstance(e, httpx.ProxyError):
        return "OSError"  # CPython: OSError("Tunnel connection failed: 407 ...")
    if isinstance(e, httpx.RemoteProtocolError):
        low = str(e).lower()
        if "peer unexpectedly closed connection" in low:  # EOF inside a head or a body
            return "IncompleteRead" if got_head else "RemoteDisconnected"
        return next((c for s, c in MESSAGES if s in low), "HTTPException")
    for x in po.chain(e)[1:]:  # the socket's or the ssl module's error underneath
        cls = po.mro_class(x)
        if cls:
            return cls
    return "Unmapped"


def reusable(client):
    """Whether the response just read leaves its connection reusable: h11's
    states when the body has ended, before the pool's housekeeping (which
    also drops an idle connection whose peer has closed already: the mock
    server closes right after its last reply). None when it cannot be told."""
    try:
        pools = [client._transport._pool] + [getattr(t, "_pool", None)
                                             for t in client._mounts.values() if t]
        states = [c._connection._h11_state for p in pools if p is not None
                  for c in p.connections if getattr(c, "_connection", None) is not None]
    except AttributeError:
        return None
    if not states:
        return False
    return any(s.our_state is h11.DONE and s.their_state is h11.DONE for s in states)


def client_for(opts):
    verify = False if opts.get("insecure") else (opts.get("cacert") or True)
    kw = {"timeout": opts["timeout"], "verify": verify, "trust_env": False,
          "follow_redirects": False}
    if opts.get("proxy"):
        kw["proxies"] = httpx.Proxy("http://" + opts["proxy"], headers=opts["proxy_headers"])
    return httpx.Client(**kw)


def main():
    reqs, opts = po.parse(sys.argv[1:], "httpx_adapter")
    out = po.outcome()
    if po.plain_http_proxy(opts, "httpx"):
        po.unsupported(out, "httpx adapter: " + po.plain_http_proxy(opts, "httpx"))
        return po.emit(out)
    client = client_for(opts)
    base = httpx.URL(opts["url"])
    keep = None
    for n, q in enumerate(reqs):
        last = n == len(reqs) - 1
        pieces, r = [], None
        try:
            url = base.copy_with(raw_path=q["target"].encode("latin-1"))
            req = client.build_request(q["method"], url, headers=q["headers"],
                                       content=q["body"])
            r = client.send(req, stream=True)
            try:
                for piece in r.stream:  # iter_raw() would close the response at its end
                    pieces.append(piece)
                keep = reusable(client)
            finally:
                r.close()
        except Exception as e:
            po.fail(out, classify(e, r is not None), e, n, len(reqs))
            out["native_error"] = po.native_chain(e)
            if last and r is not None and out["error"] == "IncompleteRead":
                out["partial_len"] = sum(map(len, pieces))
        if last and r is not None:
            out["status"] = r.status_code
            out["reason"] = r.reason_phrase
            major, _, minor = r.http_version.partition("/")[2].partition(".")
            out["version"] = int(major) * 10 + int(minor or 0) if major.isdigit() else None
            out["headers"] = [[po.text(k), po.text(v)] for k, v in r.headers.raw]
            po.set_body(out, b"".join(pieces))
        if out["error"]:
            break
    if out["error"]:
        out["connection"] = "closed"  # httpcore closes the connection of every error
    elif keep is not None:
        out["connection"] = "kept" if keep else "closed"
        out["will_close"] = not keep
    po.emit(out)


if __name__ == "__main__":
    main()
