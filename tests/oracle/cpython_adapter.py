# SPDX-License-Identifier: MIT
"""The CPython adapter: performs a request with http.client (or httplib
under Python 2.7), after the earlier requests of --before on the same
connection object, and prints the outcome as the JSON object `httpc --json`
prints, so the two can be compared field by field."""
import argparse
import base64
import hashlib
import json
import sys

try:
    import http.client as client
except ImportError:  # Python 2.7
    import httplib as client

PY2 = sys.version_info[0] == 2


def text(b):
    """Header bytes as the code points Python 3 gives them (ISO-8859-1)."""
    if PY2 and isinstance(b, str):
        return b.decode("latin-1")
    return b


def py3_name(e):
    """The exception's class name in the 3.x taxonomy: Python 2's socket.error
    and socket.timeout are the OSError subclasses PEP 3151 made of them, and
    socket.timeout is TimeoutError's alias only from 3.10 (3.6-3.9 raise a
    class called "timeout" for the same event)."""
    import socket
    import errno
    if isinstance(e, socket.timeout):
        return "TimeoutError"
    if PY2 and type(e) is socket.error:
        return {errno.ECONNRESET: "ConnectionResetError", errno.ECONNREFUSED:
                "ConnectionRefusedError", errno.EPIPE: "BrokenPipeError"}.get(e.errno, "OSError")
    return type(e).__name__


def tls_context(a):
    """The context HTTPSConnection gets: create_default_context() (3.4.3+:
    chain and host name verified) trusting --cacert; under 2.7 an unverified
    one, as the 2.x documents describe httplib (2.7.9 changed the default)."""
    import ssl
    if a.insecure or (PY2 and not a.verify):
        ctx = ssl._create_unverified_context()
    else:
        ctx = ssl.create_default_context(cafile=a.cacert)
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    return ctx


def take_before(argv):
    """Splits off the earlier requests (adapters/PROTOCOL.md): each
    `--before 'METHOD TARGET'` is followed by its `--before-header 'N: v'`
    and `--before-data-file PATH` options."""
    rest, before = [], []
    i = 0
    while i < len(argv):
        opt = argv[i]
        if opt not in ("--before", "--before-header", "--before-data-file"):
            rest.append(opt)
            i += 1
            continue
        if i + 1 == len(argv):
            sys.exit("cpython_adapter: %s needs a value" % opt)
        val = argv[i + 1]
        i += 2
        if opt == "--before":
            method, _, target = val.partition(" ")
            before.append({"method": method, "target": target, "headers": {}, "body": None})
        elif not before:
            sys.exit("cpython_adapter: %s comes after a --before" % opt)
        elif opt == "--before-header":
            k, _, v = val.partition(":")
            before[-1]["headers"][k] = v.lstrip(" \t")
        else:
            with open(val, "rb") as f:
                before[-1]["body"] = f.read()
    return rest, before


def main():
    argv, before = take_before(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("url")
    ap.add_argument("-X", dest="method")
    ap.add_argument("-H", dest="headers", action="append", default=[])
    ap.add_argument("-d", dest="data")
    ap.add_argument("--data-file", help="the request body, read from a file")
    ap.add_argument("--read-size", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--strict", action="store_true", help="httplib strict=True (2.7)")
    ap.add_argument("--json", action="store_true", help="accepted for symmetry")
    ap.add_argument("--cacert", help="HTTPS: the CA file to trust")
    ap.add_argument("--cert", help="HTTPS: client certificate")
    ap.add_argument("--key", help="HTTPS: its key")
    ap.add_argument("--insecure", action="store_true", help="HTTPS: verify nothing")
    ap.add_argument("--verify", action="store_true", help="HTTPS: verify even on 2.7")
    ap.add_argument("--proxy", help="HOST:PORT: connect there and set_tunnel() to the URL")
    ap.add_argument("--proxy-header", action="append", default=[])
    ap.add_argument("--target", help="the request target, verbatim (absolute-form, '*')")
    a = ap.parse_args(argv)

    https = a.url.startswith("https://")
    rest = a.url[len("https://" if https else "http://"):]
    hostport, _, path = rest.partition("/")
    kwargs = {"timeout": a.timeout}
    if PY2:
        kwargs["strict"] = a.strict
    if https:
        kwargs["context"] = tls_context(a)
    tunnel = None
    if a.proxy:
        tunnel, hostport = hostport, a.proxy
    out = {"error": None, "detail": "", "status": None, "reason": None, "version": None,
           "headers": None, "body_len": None, "body_sha256": None, "body_b64": None,
           "partial_len": None, "expected_more": None, "will_close": None,
           "connection": None}
    body = b""
    resp = conn = None
    step = 0  # the request being made, counting from 1; the last is len(before) + 1
    try:
        cls = client.HTTPSConnection if https else client.HTTPConnection
        conn = cls(hostport, **kwargs)
        if tunnel is not None:
            conn.set_tunnel(tunnel, headers=dict(
                (k, v.lstrip(" \t")) for k, _, v in
                (h.partition(":") for h in a.proxy_header)))
        for step, q in enumerate(before, 1):  # each read to its end, as the runner does
            conn.request(q["method"], q["target"], q["body"], q["headers"])
            conn.getresponse().read()
        step = len(before) + 1
        headers = {}
        for h in a.headers:
            k, _, v = h.partition(":")
            headers[k] = v.lstrip(" \t")
        method = a.method or ("POST" if a.data is not None or a.data_file else "GET")
        data = a.data.encode("latin-1") if (a.data is not None and not PY2) else a.data
        if a.data_file is not None:
            with open(a.data_file, "rb") as f:
                data = f.read()
        conn.request(method, a.target or "/" + path, data, headers)
        resp = conn.getresponse()
        if a.read_size:  # pieces joined once: += would copy the body at every read
            pieces = []
            try:
                while True:
                    piece = resp.read(a.read_size)
                    if not piece:
                        break
                    pieces.append(piece)
            finally:
                body = b"".join(pieces)
        else:
            body = resp.read()
    except client.IncompleteRead as e:
        out["error"] = type(e).__name__
        out["detail"] = repr(e)
        out["partial_len"] = len(e.partial)
        out["expected_more"] = e.expected
        body += e.partial
    except Exception as e:  # every outcome class is reported, never raised
        out["error"] = py3_name(e)
        out["detail"] = text(str(e))
        if step <= len(before):
            out["detail"] = "request %d of %d: %s" % (step, len(before) + 1, out["detail"])
    if conn is not None:  # HTTPConnection drops its socket when it will not be reused
        out["connection"] = "kept" if conn.sock is not None else "closed"
    if resp is not None:
        out["status"] = resp.status
        out["reason"] = text(resp.reason)
        out["version"] = resp.version
        out["headers"] = [[text(k), text(v)] for k, v in resp.getheaders()]
        out["body_len"] = len(body)
        out["body_sha256"] = hashlib.sha256(body).hexdigest()
        if len(body) <= 1 << 20:
            out["body_b64"] = base64.b64encode(body).decode("ascii")
        out["will_close"] = bool(resp.will_close)
    sys.stdout.write(json.dumps(out) + "\n")
    return 1 if out["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
