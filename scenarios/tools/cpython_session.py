# SPDX-License-Identifier: MIT
"""Several requests on one http.client connection (httplib under Python 2.7),
the way a multi-request scenario runs: each earlier response is read to its
end, and the last one's outcome is printed as the adapter protocol's JSON
object (adapters/PROTOCOL.md). scenarios/tools/gen_library.py uses this for
keep-alive and reconnect scenarios; the adapter (tests/oracle/cpython_adapter.py)
now does the same through --before, which the runner uses, so this could give
way to it.
Usage: cpython_session.py [--strict] [--timeout S] PORT REQUESTS_JSON
where REQUESTS_JSON is [[method, target, [[name, value], ...], body_b64|null], ...]."""
import base64
import hashlib
import json
import sys

import os

try:
    import http.client as client
except ImportError:  # Python 2.7
    import httplib as client

# The adapter's helpers: header bytes as Python 3's code points, and 2.7's
# socket errors under their Python 3 names.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "oracle"))
from cpython_adapter import PY2, py3_name as class_name, text  # noqa: E402


def main():
    args = sys.argv[1:]
    strict = "--strict" in args
    args = [a for a in args if a != "--strict"]
    timeout = 10.0
    if args[0] == "--timeout":
        timeout = float(args[1])
        args = args[2:]
    port, requests = int(args[0]), json.loads(args[1])
    kwargs = {"timeout": timeout}
    if PY2:
        kwargs["strict"] = strict
    out = {"error": None, "detail": "", "status": None, "reason": None, "version": None,
           "headers": None, "body_len": None, "body_sha256": None, "body_b64": None,
           "partial_len": None, "expected_more": None, "will_close": None}
    conn = client.HTTPConnection("127.0.0.1", port, **kwargs)
    resp, body = None, b""
    try:
        for i, (method, target, headers, body64) in enumerate(requests):
            data = base64.b64decode(body64) if body64 is not None else None
            conn.request(method, target, data, dict((k, v) for k, v in headers))
            resp = conn.getresponse()
            body = resp.read()
            if i + 1 < len(requests):
                resp = None
    except client.IncompleteRead as e:
        out["error"] = type(e).__name__
        out["detail"] = repr(e)
        out["partial_len"] = len(e.partial)
        out["expected_more"] = e.expected
        body += e.partial
    except Exception as e:  # every outcome class is reported, never raised
        out["error"] = class_name(e)
        out["detail"] = text(str(e))
    if resp is not None:
        out["status"] = resp.status
        out["reason"] = text(resp.reason)
        out["version"] = resp.version
        out["headers"] = [[text(k), text(v)] for k, v in resp.getheaders()]
        out["body_len"] = len(body)
        out["body_sha256"] = hashlib.sha256(body).hexdigest()
        out["body_b64"] = base64.b64encode(body).decode("ascii")
        out["will_close"] = bool(resp.will_close)
        resp.close()
    conn.close()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
