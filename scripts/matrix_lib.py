# SPDX-License-Identifier: MIT
"""What scripts/matrix and scripts/matrix-diff-fuzz share: the clients of the
matrix and how to find them, running httpc-conform against one, and the
taxonomy (adapters/TAXONOMY.md): outcome classes, families, verdicts."""
import json
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY27 = "/root/.pyenv/versions/2.7.18/bin/python2.7"

# Python's exception hierarchy, as far as the taxonomy uses it: class -> parent.
PARENT = {
    "HTTPException": "Exception", "IncompleteRead": "HTTPException",
    "BadStatusLine": "HTTPException", "LineTooLong": "HTTPException",
    "UnknownProtocol": "HTTPException", "UnknownTransferEncoding": "HTTPException",
    "InvalidHeader": "HTTPException", "InvalidFraming": "HTTPException",
    "RemoteDisconnected": "ConnectionResetError",  # and BadStatusLine
    "OSError": "Exception", "ConnectionError": "OSError",
    "ConnectionResetError": "ConnectionError", "BrokenPipeError": "ConnectionError",
    "ConnectionAbortedError": "ConnectionError", "ConnectionRefusedError": "ConnectionError",
    "TimeoutError": "OSError", "SSLError": "OSError",
    "SSLCertVerificationError": "SSLError", "SSLEOFError": "SSLError",
    "SSLZeroReturnError": "SSLError",
}

# The family of a class: what "the outcome class" means when clients are compared.
FAMILY = {
    "IncompleteRead": "truncated",
    "HTTPException": "malformed", "BadStatusLine": "malformed", "LineTooLong": "malformed",
    "UnknownProtocol": "malformed", "UnknownTransferEncoding": "malformed",
    "InvalidHeader": "malformed", "InvalidFraming": "malformed",
    "RemoteDisconnected": "disconnected", "ConnectionResetError": "disconnected",
    "BrokenPipeError": "disconnected", "ConnectionError": "disconnected",
    "ConnectionAbortedError": "disconnected", "ConnectionRefusedError": "disconnected",
    "OSError": "disconnected",
    "TimeoutError": "timeout",
    "SSLError": "tls", "SSLCertVerificationError": "tls", "SSLEOFError": "tls",
    "SSLZeroReturnError": "tls",
    "Unmapped": "unmapped", "AdapterUnsupported": "unsupported",
}
# Families that say nothing about the client's behaviour: left out of comparisons.
NO_VOTE = {"unmapped", "unsupported", "hang", "harness"}


def ancestors(cls):
    """cls and its parents (RemoteDisconnected has two)."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.append(c)
        if c in PARENT:
            todo.append(PARENT[c])
        if c == "RemoteDisconnected":
            todo.append("BadStatusLine")
    return out


def outcome_class(text):
    """results.json's outcome text -> (family, class): '200 (5 body bytes)' is
    ('response', '200 5B'); 'IncompleteRead' is ('truncated', 'IncompleteRead')."""
    text = text or ""
    if text.startswith("harness: timeout"):
        return "hang", "hang"
    if text.startswith("harness"):
        return "harness", "harness"
    if text[:3].isdigit():
        status, _, rest = text.partition(" (")
        return "response", "%s %sB" % (status, rest.split(" ")[0])
    return FAMILY.get(text, "malformed" if "HTTPException" in ancestors(text) else "other"), text


def expected_error(why):
    """The expected class in a runner 'why' of the form 'expected X, got Y'."""
    if why.startswith("expected ") and ", got " in why:
        return why[9:].split(",")[0]
    return None


def matrix_verdict(r):
    """One cell's verdict from a results.json entry (adapters/TAXONOMY.md); whether
    the client's expectations.txt lists it is told apart by the caller."""
    v, why, got = r["verdict"], r.get("why", ""), r.get("outcome", "")
    if v in ("pass", "lenient", "unexpected-pass"):
        return "pass"
    if v != "fail" and v != "expected-failure":  # a listed deviation is graded all the same
        return v  # timeout, harness-error, unexpected-pass, skip
    if got == "AdapterUnsupported":
        return "unsupported"
    want = expected_error(why)
    if want and want != "a response" and not why.startswith("expected a response"):
        if got == "Unmapped" or got in ancestors(want) or want in ancestors(got):
            return "different-class"
    if why.startswith("connection unknown") or "the client reported" in why:
        return "cannot-tell"
    if why.startswith("detail ") or why.startswith("partial ") or \
            why.startswith("expected-more "):
        return "same-class"  # the class agrees; CPython's message or counts do not
    return "fail"


def clients(build):
    """Every client of the matrix: name, command, profile, expectations, and
    why it is missing (None when it is installed)."""
    def exe(path):
        return path if os.access(path, os.X_OK) else None
    httpc = exe(os.path.join(build, "client/httpc"))
    libcurl = exe(os.path.join(build, "adapters/libcurl/httpc-libcurl-adapter"))
    goad = os.path.join(build, "adapters/go/httpc-go-adapter")
    a = os.path.join(ROOT, "adapters")
    cpy = "python3 " + os.path.join(ROOT, "tests/oracle/cpython_adapter.py")
    out = [
        ("cpython-py3", cpy, "py3", "cpython", shutil.which("python3") and cpy),
        ("cpython-py27", PY27 + " " + cpy.split(" ", 1)[1], "py27", "cpython",
         exe(PY27)),
        ("httpc", httpc, "py3", "httpc", httpc),
        ("curl", "python3 " + os.path.join(a, "curl/curl_adapter.py"), "py3", "curl",
         shutil.which("curl")),
        ("libcurl", libcurl, "py3", "libcurl", libcurl),
        ("node", "node " + os.path.join(a, "node/node_adapter.js"), "py3", "node",
         shutil.which("node")),
        ("go", goad, "py3", "go", build_go(goad)),
    ]
    return [{"name": n, "cmd": c, "profile": p,
             "expectations": os.path.join(a, d, "expectations.txt"),
             "missing": None if ok else "not installed"} for n, c, p, d, ok in out]


def build_go(out):
    """Builds the Go adapter into the build tree when `go` is here."""
    if not shutil.which("go"):
        return None
    src = os.path.join(ROOT, "adapters/go/main.go")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    env = dict(os.environ, GOCACHE=os.path.join(os.path.dirname(out), "gocache"),
               GOPATH=os.path.join(os.path.dirname(out), "gopath"), GO111MODULE="off")
    r = subprocess.run(["go", "build", "-o", out, src], env=env)
    return out if r.returncode == 0 else None


def run_conform(build, client, paths, reports, jobs=2, extra=(), quiet=True):
    """httpc-conform against one client; its results.json loaded. SIGPIPE stays
    ignored in the runner (restore_signals=False): a TLS write of the mock
    server to a client that has gone must not kill the whole run."""
    cmd = [os.path.join(build, "runner/httpc-conform"), "-q", "-j", str(jobs),
           "--adapter", client["cmd"], "--adapter-profile", client["profile"],
           "--reports", reports]
    if os.path.exists(client["expectations"]):
        cmd += ["--expectations", client["expectations"]]
    cmd += list(extra) + list(paths)
    os.makedirs(reports, exist_ok=True)
    with open(os.path.join(os.path.dirname(reports.rstrip("/")) or ".",
                           os.path.basename(reports.rstrip("/")) + ".log"), "w") as log:
        subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, restore_signals=False,
                       cwd=ROOT)
    with open(os.path.join(reports, "results.json"), encoding="utf-8") as f:
        return json.load(f)["results"]


def scenario_text(path, cache={}):
    """A scenario file's lines (cached): the matrix shows its script and expectations."""
    if path not in cache:
        try:
            with open(os.path.join(ROOT, path) if not os.path.isabs(path) else path,
                      encoding="latin-1") as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    return cache[path]


def scenario_info(path, profile="py3"):
    """title, tags, the server's script (the bytes sent) and the expected outcome."""
    lines = scenario_text(path)
    info = {"title": "", "tags": [], "script": [], "expect": ""}
    default = ""
    for ln in lines:
        if ln.startswith("title:"):
            info["title"] = ln[6:].strip()
        elif ln.startswith("tags:"):
            info["tags"] = [t.strip() for t in ln[5:].split(",") if t.strip()]
        elif ln.startswith("connection") or (ln[:1] in " \t" and ln.strip()):
            info["script"].append(ln.rstrip())
        elif ln.startswith("expect:"):
            default = ln[7:].strip()
        elif ln.startswith("expect %s:" % profile):
            info["expect"] = ln.split(":", 1)[1].strip()
    info["expect"] = info["expect"] or default
    return info
