# SPDX-License-Identifier: MIT
"""What the Python adapters of other clients (urllib3, httpx, aiohttp, and the
curl, wget and wget2 CLIs) share: the options of adapters/PROTOCOL.md parsed
into a list of requests, the outcome object with its body fields, the taxonomy
name of an exception found on its class's MRO (a client's exception that
subclasses one of http.client's or the ssl module's keeps that name) and an
exception's chain of causes, the scenarios a library or a CLI cannot run, a
CLI run with a limit on its time, and the main() of the adapters that run a CLI
once for every request and read its log (wget, wget2: run_cli_client)."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

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


class CliClient:
    """A CLI that run_cli_client runs once for all of a scenario's requests (one
    URL each on one command line) and whose log it reads: the CLI's part."""
    name = ""  # the command, in native_error: "wget (exit 4): ..."
    merge = False  # its log is stdout and stderr together (else stderr)

    def unsupported(self, reqs, opts):
        """Why the CLI cannot run the scenario, or None."""
        return one_command_line(reqs, opts, self.name)

    def words(self, reqs, opts, tmp):
        """The command line; tmp is a directory for its files."""
        raise NotImplementedError

    def sections(self, log):
        """The log of each transfer, in the order of the URLs."""
        raise NotImplementedError

    def failure(self, out, sec, code):
        """(the failure line, its class) of a transfer's log, or None when the
        transfer did not fail as its caller sees it (out may get a detail)."""
        raise NotImplementedError

    def judged(self, out, sec, log, index, code):
        """The judged transfer (the index-th of log): its head, body, connection
        and, when it has no head and no error yet, the error its exit status says."""
        raise NotImplementedError


def cli_request_words(q, opts, body_path, body_option):
    """The words of a wget-style command line for request q: a --header each,
    the body written to body_path and named by body_option, and the server's
    certificate check (--no-check-certificate, --ca-certificate)."""
    w = ["--header=%s: %s" % (k, v) for k, v in q["headers"]]
    if q["body"] is not None:
        with open(body_path, "wb") as f:
            f.write(q["body"])
        w.append("%s=%s" % (body_option, body_path))
    if opts.get("insecure"):
        w.append("--no-check-certificate")
    elif opts.get("cacert"):
        w.append("--ca-certificate=" + opts["cacert"])
    return w


def run_cli_client(cli, argv):
    """An adapter's main(): runs cli (a CliClient) with the protocol's argv and
    prints the outcome. The first transfer that failed gives the error (a
    --before one: 'request I of N: ' before its detail); a CLI that stopped
    before the last URL without a failure line is Unmapped, with its log's end."""
    reqs, opts = parse(argv, cli.name + "_adapter")
    out = outcome()
    why = cli.unsupported(reqs, opts)
    if why:
        unsupported(out, "%s adapter: %s" % (cli.name, why))
        return emit(out)
    with tempfile.TemporaryDirectory(prefix=cli.name + "-adapter-") as tmp:
        env = dict(os.environ, LC_ALL="C", HOME=tmp)
        log, code = run_cli(cli.words(reqs, opts, tmp), env,
                            opts["timeout"] * len(reqs) * 2 + 4, merge=cli.merge)
        secs = cli.sections(log)
        n = len(reqs)
        step = None
        for i, sec in enumerate(secs[:n]):
            found = cli.failure(out, sec, code)
            if found:
                line, step = found[0], i
                out["error"] = found[1]
                out["native_error"] = "%s (exit %d): %s" % (cli.name, code, line)
                out["detail"] = ("request %d of %d: " % (i + 1, n) if i < n - 1 else "") + line
                break
        if step is None and len(secs) < n:  # the CLI stopped before the last URL
            step = len(secs)
            out["error"] = "Unmapped"
            out["native_error"] = "%s (exit %d): %s" % (cli.name, code, log.strip()[-300:])
        last = n - 1 if step is None else step
        if last == n - 1 and last < len(secs):
            cli.judged(out, secs[last], log, last, code)
            if out["status"] is not None and not out["error"]:
                out["will_close"] = out["connection"] == "closed"
        elif out["error"]:
            out["connection"] = "closed"
    return emit(out)


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
