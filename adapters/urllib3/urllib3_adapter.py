# SPDX-License-Identifier: MIT
"""The urllib3 adapter (Debian's python3-urllib3, run by /usr/bin/python3):
makes the scenario's requests on one connection pool of size 1 (HTTPS
through a ProxyManager's CONNECT tunnel for --proxy), reads each body with
read() as urlopen(preload_content=True) does, and prints the outcome object
of adapters/PROTOCOL.md, urllib3's wrapped exceptions unwrapped onto the
taxonomy and the native error verbatim."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyoutcome as po  # noqa: E402

import urllib3  # noqa: E402
from urllib3 import exceptions as ux  # noqa: E402


def cause(e):
    """The exception urllib3 wrapped: ProtocolError(msg, exc), SSLError(exc),
    ProxyError(msg, exc), MaxRetryError.reason, NewConnectionError's context."""
    for _ in range(5):
        inner = None
        if isinstance(e, ux.MaxRetryError):
            inner = e.reason
        elif isinstance(e, (ux.ProtocolError, ux.ProxyError)) and len(e.args) > 1:
            inner = e.args[1]
        elif isinstance(e, ux.SSLError) and e.args and isinstance(e.args[0], BaseException):
            inner = e.args[0]
        elif isinstance(e, ux.NewConnectionError):
            inner = e.__context__
        if not isinstance(inner, BaseException):
            return e
        e = inner
    return e


def classify(e):
    inner = cause(e)
    if isinstance(inner, (ux.ReadTimeoutError, ux.ConnectTimeoutError)) and \
            not isinstance(inner, ux.NewConnectionError):
        return "TimeoutError", inner
    if isinstance(inner, ux.SSLError):
        return "SSLError", inner
    if type(inner).__name__ == "CertificateError":  # urllib3's own match_hostname
        return "SSLCertVerificationError", inner
    if isinstance(inner, ux.InvalidHeader):  # conflicting Content-Length values
        return "InvalidHeader", inner
    if isinstance(e, ux.ProxyError) and type(inner) is OSError:
        return "OSError", inner  # http.client's "Tunnel connection failed: 407 ..."
    return po.mro_class(inner) or "Unmapped", inner


def pool_for(opts):
    t = urllib3.Timeout(connect=opts["timeout"], read=opts["timeout"])
    kw = {"maxsize": 1, "block": False, "timeout": t, "retries": False}
    if opts["scheme"] == "https":
        if opts.get("insecure"):
            kw.update(cert_reqs="CERT_NONE", assert_hostname=False)
        else:
            kw.update(cert_reqs="CERT_REQUIRED", ca_certs=opts.get("cacert"))
    if opts.get("proxy"):
        pm = urllib3.ProxyManager("http://" + opts["proxy"],
                                  proxy_headers=dict(opts["proxy_headers"]), **kw)
        return pm.connection_from_url(opts["url"])
    cls = urllib3.HTTPSConnectionPool if opts["scheme"] == "https" else \
        urllib3.HTTPConnectionPool
    return cls(opts["host"], opts["port"], **kw)


def report(out, r, conn, body):
    orig = getattr(r, "_original_response", None)
    out["status"] = r.status
    out["reason"] = r.reason
    out["version"] = r.version
    items = orig.msg.items() if orig is not None else r.headers.items()
    out["headers"] = [[k, v] for k, v in items]
    out["will_close"] = bool(orig.will_close) if orig is not None else None
    po.set_body(out, body)


def main():
    reqs, opts = po.parse(sys.argv[1:], "urllib3_adapter")
    out = po.outcome()
    if po.plain_http_proxy(opts, "urllib3"):
        po.unsupported(out, "urllib3 adapter: " + po.plain_http_proxy(opts, "urllib3"))
        return po.emit(out)
    pool = pool_for(opts)
    r = conn = None
    for n, q in enumerate(reqs):
        last = n == len(reqs) - 1
        body, r = b"", None
        try:
            r = pool.urlopen(q["method"], q["target"], body=q["body"],
                             headers=dict(q["headers"]), retries=False, redirect=False,
                             assert_same_host=False, preload_content=False,
                             decode_content=False, release_conn=False)
            conn = r._connection
            body = r.read(decode_content=False)
            r.release_conn()
        except Exception as e:
            cls, inner = classify(e)
            po.fail(out, cls, e, n, len(reqs))
            if isinstance(inner, ux.IncompleteRead) or po.mro_class(inner) == "IncompleteRead":
                part = inner.partial
                out["partial_len"] = part if isinstance(part, int) else len(part)
                out["expected_more"] = inner.expected
                if isinstance(part, bytes):
                    body = part
            if last and r is not None:
                report(out, r, conn, body)
            break
        if last:
            report(out, r, conn, body)
    if conn is not None:  # http.client drops the socket of a connection it will not reuse
        out["connection"] = "kept" if conn.sock is not None else "closed"
    elif out["error"]:  # urlopen closes the connection of every exception it sees
        out["connection"] = "closed"
    po.emit(out)


if __name__ == "__main__":
    main()
