# SPDX-License-Identifier: MIT
"""What the Python adapters of other clients (urllib3, httpx, aiohttp, and the
curl, wget and wget2 CLIs) share: the options of adapters/PROTOCOL.md parsed
into a list of requests, the outcome object with its body fields, the taxonomy
name of an exception found on its class's MRO (a client's exception that
subclasses one of http.client's or the ssl module's keeps that name) and an
exception's chain of causes, the scenarios a library or a CLI cannot run, and
a CLI run with a limit on its time."""
import base64
import hashlib
import json
import subprocess
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


def chain(e):
    """e and the exceptions it was raised from, outermost first (httpx <-
    httpcore <- h11 or the socket; aiohttp's ClientResponseError <- its
    parser's error)."""
    out = []
    while e is not None and e not in out:
        out.append(e)
        e = e.__cause__ or e.__context__
    return out


def native_chain(e):
    """The chain of e verbatim: 'outer <- inner'."""
    return " <- ".join(native(x) for x in chain(e))


def plain_http_proxy(opts, client):
    """Why a client that opens a CONNECT tunnel only for https:// cannot run a
    plain-http tunnel scenario (it forwards http:// requests to a proxy in
    absolute-form), or None."""
    if opts.get("proxy") and opts["scheme"] != "https":
        return ("%s forwards http:// requests to a proxy in absolute-form; it opens a "
                "CONNECT tunnel only for https://" % client)
    return None


def one_command_line(reqs, opts, cli):
    """Why a CLI given every request's URL on one command line (so that it may
    reuse its connection) cannot run the scenario, or None: it builds each
    target from a URL, adds nothing to its CONNECT, and gives every URL the same
    method, headers and body."""
    if opts.get("target"):
        return "%s builds the request target from a URL; it cannot send %s" % (
            cli, opts["target"])
    if opts["proxy_headers"]:
        return "%s cannot add header fields to its CONNECT request" % cli
    last = reqs[-1]
    for q in reqs[:-1]:
        if (q["method"], q["headers"], q["body"]) != (last["method"], last["headers"],
                                                      last["body"]):
            return "%s gives every URL of a command the same method, headers and body" % cli
    return None


def run_cli(words, env, timeout, merge):
    """Runs a CLI: (its log, its exit status). The log is stderr (stdout too
    when merge); past timeout the CLI is killed, exit status -9 and a last log
    line saying so."""
    err = subprocess.STDOUT if merge else subprocess.PIPE
    try:
        p = subprocess.run(words, stdout=subprocess.PIPE, stderr=err, env=env,
                           timeout=timeout)
        return (p.stdout if merge else p.stderr).decode("latin-1"), p.returncode
    except subprocess.TimeoutExpired as e:  # past its own timeout: a hang
        log = (e.stdout if merge else e.stderr) or b""
        return log.decode("latin-1") + "\nfailed: %s timed out (killed)\n" % words[0], -9


def set_body_file(out, path):
    """The body a CLI saved to path (none when it saved nothing), and an
    IncompleteRead's partial_len."""
    body = b""
    if path:
        try:
            with open(path, "rb") as f:
                body = f.read()
        except OSError:
            pass
    set_body(out, body)
    if out["error"] == "IncompleteRead":
        out["partial_len"] = len(body)


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
