# SPDX-License-Identifier: MIT
"""What the Python adapters of other clients (urllib3, httpx, aiohttp) share:
the options of adapters/PROTOCOL.md parsed into a list of requests, the
outcome object with its body fields, and the taxonomy name of an exception
found on its class's MRO (a client's exception that subclasses one of
http.client's or the ssl module's keeps that name)."""
import base64
import hashlib
import json
import sys

# Every class name of adapters/TAXONOMY.md that an exception's MRO can carry.
TAXONOMY = {
    "HTTPException", "IncompleteRead", "BadStatusLine", "LineTooLong", "UnknownProtocol",
    "UnknownTransferEncoding", "RemoteDisconnected", "ConnectionResetError",
    "BrokenPipeError", "ConnectionAbortedError", "ConnectionRefusedError",
    "ConnectionError", "TimeoutError", "SSLCertVerificationError", "SSLEOFError",
    "SSLZeroReturnError", "SSLError", "OSError",
}


def parse(argv, name):
    """The protocol's argv -> (requests, options). Each request is a dict of
    method, target, headers (a list of (name, value)) and body (bytes or None);
    the last one is judged. options: url, scheme, host, port, timeout, cacert,
    insecure, verify, proxy, proxy_headers, target."""
    reqs, opts, i = [], {"timeout": 10.0, "proxy_headers": []}, 0
    cur = {"method": "GET", "headers": [], "body": None}

    def header(v):
        k, _, val = v.partition(":")
        return (k, val.lstrip(" \t"))

    def body(path):
        with open(path, "rb") as f:
            return f.read()
    while i < len(argv):
        o = argv[i]
        if o in ("--insecure", "--verify"):
            opts[o[2:]] = True
            i += 1
            continue
        if i + 1 >= len(argv):
            sys.exit("%s: %s needs a value" % (name, o))
        v = argv[i + 1]
        i += 2
        if o == "--before":
            m, _, t = v.partition(" ")
            reqs.append({"method": m, "target": t, "headers": [], "body": None})
        elif o == "--before-header":
            reqs[-1]["headers"].append(header(v))
        elif o == "--before-data-file":
            reqs[-1]["body"] = body(v)
        elif o == "-X":
            cur["method"] = v
        elif o == "-H":
            cur["headers"].append(header(v))
        elif o == "--data-file":
            cur["body"] = body(v)
        elif o == "--timeout":
            opts["timeout"] = float(v)
        elif o in ("--cacert", "--proxy", "--json", "--target"):
            opts[o[2:]] = v
        elif o == "--proxy-header":
            opts["proxy_headers"].append(header(v))
        else:
            sys.exit("%s: unknown option %s" % (name, o))
    url = opts.pop("json")
    scheme, _, rest = url.partition("://")
    hostport, slash, path = rest.partition("/")
    host, _, port = hostport.rpartition(":")
    opts.update(url=url, scheme=scheme, host=host, port=int(port), hostport=hostport,
                origin=scheme + "://" + hostport)
    cur["target"] = opts.get("target") or "/" + path
    return reqs + [cur], opts


def outcome():
    return {"error": None, "detail": "", "status": None, "reason": None, "version": None,
            "headers": None, "body_len": None, "body_sha256": None, "body_b64": None,
            "partial_len": None, "expected_more": None, "will_close": None,
            "connection": None, "native_error": None}


def set_body(out, body):
    out["body_len"] = len(body)
    out["body_sha256"] = hashlib.sha256(body).hexdigest()
    out["body_b64"] = base64.b64encode(body).decode("ascii") if len(body) <= 1 << 20 else None


def text(b):
    """Header bytes as the code points they are (ISO-8859-1)."""
    return b.decode("latin-1") if isinstance(b, (bytes, bytearray)) else b


def mro_class(e):
    """The first taxonomy class on e's MRO, or None."""
    return next((c.__name__ for c in type(e).__mro__ if c.__name__ in TAXONOMY), None)


def native(e):
    """An exception verbatim: its module-qualified class and message."""
    t = type(e)
    mod = t.__module__
    return "%s%s: %s" % ("" if mod == "builtins" else mod + ".", t.__qualname__, e)


def fail(out, cls, e, step, n):
    """The outcome of a failed request step (0-based) of n."""
    out["error"] = cls
    out["native_error"] = native(e)
    msg = str(e)
    out["detail"] = "request %d of %d: %s" % (step + 1, n, msg) if step < n - 1 else msg


def unsupported(out, why):
    out["error"] = "AdapterUnsupported"
    out["detail"] = out["native_error"] = why


def emit(out):
    sys.stdout.write(json.dumps(out) + "\n")
