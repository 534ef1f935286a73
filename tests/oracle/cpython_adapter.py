# SPDX-License-Identifier: MIT
"""The CPython adapter: performs one request with http.client (or httplib
under Python 2.7) and prints the outcome as the JSON object `httpc --json`
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


def main():
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
    a = ap.parse_args()

    rest = a.url[len("http://"):]
    hostport, _, path = rest.partition("/")
    kwargs = {"timeout": a.timeout}
    if PY2:
        kwargs["strict"] = a.strict
    out = {"error": None, "detail": "", "status": None, "reason": None, "version": None,
           "headers": None, "body_len": None, "body_sha256": None, "body_b64": None,
           "partial_len": None, "expected_more": None, "will_close": None}
    body = b""
    resp = None
    try:
        conn = client.HTTPConnection(hostport, **kwargs)
        headers = {}
        for h in a.headers:
            k, _, v = h.partition(":")
            headers[k] = v.lstrip(" \t")
        method = a.method or ("POST" if a.data is not None or a.data_file else "GET")
        data = a.data.encode("latin-1") if (a.data is not None and not PY2) else a.data
        if a.data_file is not None:
            with open(a.data_file, "rb") as f:
                data = f.read()
        conn.request(method, "/" + path, data, headers)
        resp = conn.getresponse()
        if a.read_size:
            while True:
                piece = resp.read(a.read_size)
                if not piece:
                    break
                body += piece
        else:
            body = resp.read()
    except client.IncompleteRead as e:
        out["error"] = type(e).__name__
        out["detail"] = repr(e)
        out["partial_len"] = len(e.partial)
        out["expected_more"] = e.expected
        body += e.partial
    except Exception as e:  # every outcome class is reported, never raised
        out["error"] = type(e).__name__
        out["detail"] = text(str(e))
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
