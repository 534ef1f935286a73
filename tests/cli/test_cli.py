#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The httpc command's contract: help and version, usage errors (exit 2,
the option named), error exit status 1 with the Python class name, the JSON
shape, the -o and --data-file options, -v output, and the options that map
onto http.client's API (--data-chunk, --encode-chunked, --readinto,
--source-address) compared with CPython on the same bytes where pyenv has the
interpreter (skipped, with the reason, where not)."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
from replay import ReplayServer  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

HTTPC = sys.argv[1]
check = Checks()


def run(*args, reply=None):
    server = ReplayServer(reply) if reply is not None else None
    argv = [a.replace("PORT", str(server.port)) if server else a for a in args]
    p = subprocess.run([HTTPC] + argv, capture_output=True, timeout=30)
    if server:
        server.join()
    return p, server


p, _ = run("--help")
check("help", p.returncode == 0 and b"usage: httpc" in p.stdout and b"--profile" in p.stdout)
p, _ = run("--version")
check("version", p.returncode == 0 and p.stdout.startswith(b"httpc "))
for args, word in [(["--bogus", "http://x/"], b"--bogus"), (["--profile", "py4", "http://x/"],
                   b"py4"), (["--timeout"], b"--timeout"), (["-H", "nocolon", "http://x/"],
                   b"nocolon"), (["ftp://x/"], b"ftp://x/"), ([], b"no URL"),
                  (["--read-size", "0", "http://x/"], b"--read-size"),
                  (["-d", "a", "--data-file", "f", "http://x/"], b"exclude")]:
    p, _ = run(*args)
    check("usage %s" % args, p.returncode == 2 and word in p.stderr, repr(p.stderr))

ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-L: caf\xe9\r\n\r\nhello"
p, _ = run("--json", "http://127.0.0.1:PORT/", reply=ok)
out = json.loads(p.stdout)
check("json 200", p.returncode == 0 and out["status"] == 200 and out["error"] is None
      and out["body_b64"] == "aGVsbG8=" and ["X-L", "caf\u00e9"] in out["headers"], repr(out))
p, _ = run("--json", "http://127.0.0.1:PORT/", reply=b"garbage\r\n")
out = json.loads(p.stdout)
check("json error exit 1", p.returncode == 1 and out["error"] == "BadStatusLine"
      and out["status"] is None, repr(out))
p, _ = run("http://127.0.0.1:PORT/", reply=b"")
check("plain error", p.returncode == 1 and b"RemoteDisconnected" in p.stderr, repr(p.stderr))
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "body.out")
    p, _ = run("-o", path, "http://127.0.0.1:PORT/", reply=ok)
    check("-o", p.returncode == 0 and open(path, "rb").read() == b"hello" and p.stdout == b"")
    src = os.path.join(d, "in.txt")
    with open(src, "wb") as f:
        f.write(b"file body")
    p, server = run("--data-file", src, "-X", "PUT", "http://127.0.0.1:PORT/up", reply=ok)
    req = server.requests[0]
    check("--data-file", req.startswith(b"PUT /up HTTP/1.1\r\n") and
          b"Content-Length: 9\r\n" in req and req.endswith(b"\r\n\r\nfile body"), repr(req))
p, server = run("-d", "x=1", "-H", "X-A: b", "http://127.0.0.1:PORT/p?q=1", reply=ok)
req = server.requests[0]
check("-d", req == b"POST /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity"
      b"\r\nContent-Length: 3\r\nX-A: b\r\n\r\nx=1" % server.port, repr(req))
p, _ = run("-v", "--json", "http://127.0.0.1:PORT/", reply=ok)
check("-v keeps stdout JSON", json.loads(p.stdout)["status"] == 200 and
      b"send: b'GET / HTTP/1.1" in p.stderr and b"reply: 'HTTP/1.1 200 OK\\r\\n'" in p.stderr
      and b"header: Content-Length: 5" in p.stderr, repr(p.stderr))
p, _ = run("-v", "http://127.0.0.1:PORT/", reply=ok)  # print() writes to stdout
check("-v to stdout without --json", p.stdout.startswith(b"send: b'GET / HTTP/1.1")
      and p.stdout.endswith(b"hello") and b"send:" not in p.stderr, repr((p.stdout, p.stderr)))

# ---- hostile input to the CLI ------------------------------------------------------------


def listener():
    """A loopback socket listening on a free port, its accept() giving up after 10 s."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    sock.settimeout(10)
    return sock


def serve_once(reply, want=1 << 30):
    """One connection: reads until `want` bytes, the peer's end or a 3 s lull,
    answers `reply` and closes; the bytes read are in the returned list."""
    sock = listener()
    got = []

    def run():
        try:
            conn, _ = sock.accept()
        except OSError:  # socket.timeout too: the client never came
            sock.close()
            return
        conn.settimeout(3)
        data = b""
        try:
            while len(data) < want and not data.endswith(b"\r\n0\r\n\r\n"):
                more = conn.recv(65536)
                if not more:
                    break
                data += more
        except socket.timeout:
            pass
        got.append(data)
        try:
            conn.sendall(reply)
        except OSError:
            pass
        conn.close()
        sock.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return sock.getsockname()[1], got, t


# -o /dev/full: the body is lost, so exit 1 with the file named.
if os.path.exists("/dev/full"):
    p, _ = run("-o", "/dev/full", "http://127.0.0.1:PORT/", reply=ok)
    check("-o /dev/full", p.returncode == 1 and b"/dev/full" in p.stderr, repr(p))
    with open("/dev/full", "wb") as full:
        server = ReplayServer(ok)
        p = subprocess.run([HTTPC, "http://127.0.0.1:%d/" % server.port], stdout=full,
                           stderr=subprocess.PIPE, timeout=30)
        server.join()
    check("stdout /dev/full", p.returncode == 1 and b"stdout" in p.stderr, repr(p))
    server = ReplayServer(ok)
    with open("/dev/full", "wb") as full:
        p = subprocess.run([HTTPC, "--json", "http://127.0.0.1:%d/" % server.port], stdout=full,
                           stderr=subprocess.PIPE, timeout=30)
    server.join()
    check("--json to /dev/full", p.returncode == 1 and b"stdout" in p.stderr, repr(p))

# httpc_conn_new's detail (InvalidURL) reaches the user.
p, _ = run("http://h:99999/")
check("port out of range", p.returncode == 1 and b"InvalidURL" in p.stderr
      and b"port out of range: '99999'" in p.stderr, repr(p.stderr))
p, _ = run("--json", "http://h:x/")
out = json.loads(p.stdout)
check("json nonnumeric port", out["error"] == "InvalidURL"
      and out["detail"] == "nonnumeric port: 'x'", repr(out))

# A query without a path is sent whole; the fragment ends the URL.
long_query = "q=" + "a" * 10000
p, server = run("http://127.0.0.1:PORT?" + long_query, reply=ok)
check("long query without path", p.returncode == 0 and server.requests[0].startswith(
      b"GET /?" + long_query.encode() + b" HTTP/1.1\r\n"), repr(server.requests[0][:40]))
p, server = run("http://127.0.0.1:PORT#frag?x=1", reply=ok)
check("fragment before ?", server.requests[0].startswith(b"GET / HTTP/1.1\r\n"),
      repr(server.requests[0][:40]))
p, server = run("http://127.0.0.1:PORT/p?a=1#f?x=2", reply=ok)
check("fragment after query", server.requests[0].startswith(b"GET /p?a=1 HTTP/1.1\r\n"),
      repr(server.requests[0][:40]))

# --timeout: a number of seconds from 0 to 86400, nothing else.
for bad in ["nan", "inf", "-inf", "-1", "1e300", "NaN"]:
    p, _ = run("--timeout", bad, "http://127.0.0.1:1/")
    check("--timeout %s" % bad, p.returncode == 2 and b"--timeout" in p.stderr, repr(p.stderr))

# --proxy-header: a CR LF would inject a line into the CONNECT request.
for profile in ["py3", "py27", "strict"]:
    port, got, t = serve_once(b"HTTP/1.0 200 Connection established\r\n\r\n" + ok, 1)
    p, _ = run("--profile", profile, "--proxy", "127.0.0.1:%d" % port, "--proxy-header",
               "A: b\r\nInjected: yes", "http://example.test/")
    if not got:  # refused before connecting: let the server go
        socket.create_connection(("127.0.0.1", port)).close()
    t.join(15)
    check("--proxy-header CRLF %s" % profile, p.returncode == 1 and b"ValueError" in p.stderr
          and b"Injected" not in b"".join(got), repr((p.stderr, got)))

# --data-file that never ends: streamed chunked (py3, strict), capped (py27).
port, got, t = serve_once(ok, 300000)
p = subprocess.run([HTTPC, "--data-file", "/dev/zero", "http://127.0.0.1:%d/" % port],
                   capture_output=True, timeout=60)
t.join(15)
check("--data-file /dev/zero streams", got and got[0].startswith(b"POST / HTTP/1.1\r\n")
      and b"Transfer-Encoding: chunked\r\n\r\n2000\r\n" + b"\0" * 8192 in got[0],
      repr((p, got and got[0][:200])))
p = subprocess.run([HTTPC, "--profile", "py27", "--data-file", "/dev/zero",
                    "http://127.0.0.1:1/"], capture_output=True, timeout=60)
check("--data-file /dev/zero py27 capped", p.returncode == 2 and b"/dev/zero" in p.stderr
      and b"regular" in p.stderr, repr(p))
with tempfile.TemporaryDirectory() as d:
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(b"piped")

    threading.Thread(target=feed, daemon=True).start()
    p, server = run("--data-file", fifo, "http://127.0.0.1:PORT/f", reply=ok)
    check("--data-file pipe chunked", p.returncode == 0 and server.requests[0] ==
          b"POST /f HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n5\r\npiped\r\n0\r\n\r\n" % server.port,
          repr(server.requests))

# The defects differential tests with unusual bytes found, each compared with what CPython 3.11 and 2.7.18 gave on
# the same bytes (run by hand; the oracle case chunked/eof-in-crlf repeats the
# last one against the interpreters).
nul_reason = b"HTTP/1.1 200 OK\x00\r\nContent-Length: 0\r\n\r\n"
for profile in ("py3", "py27", "py31"):
    p, _ = run("--json", "--profile", profile, "http://127.0.0.1:PORT/", reply=nul_reason)
    out = json.loads(p.stdout)
    check("reason NUL whole %s" % profile, out["reason"] == "OK\x00", repr(out))
p, _ = run("http://127.0.0.1:PORT/", reply=nul_reason)
check("reason NUL on stderr", b"HTTP/1.1 200 OK\x00\n" in p.stderr, repr(p.stderr))
nul_name = b"HTTP/1.1 200 OK\r\n\x00A: 1\r\nContent-Length: 0\r\n\r\n"
for profile in ("py27", "py27-strict", "py26", "py3"):
    p, _ = run("--json", "--profile", profile, "http://127.0.0.1:PORT/", reply=nul_name)
    out = json.loads(p.stdout) if p.returncode == 0 else {}
    # 2.x: msg.dict["\x00a"] (run with 2.7.18); 3.11 ends the header block there
    want = ["\x00a", "1"] if profile != "py3" else None
    check("NUL in a header name %s" % profile, p.returncode == 0 and
          (want is None or want in out["headers"]), repr(p))
torn = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloxy3\r\nabc\r"
for size, body in ((None, "DQ=="), ("7", "aGVsbG9hYg0="), ("5", "aGVsbG8N")):
    extra = ["--read-size", size] if size else []
    p, _ = run("--json", "--profile", "py27", *extra, "http://127.0.0.1:PORT/", reply=torn)
    out = json.loads(p.stdout)
    check("py27 torn CRLF partial read(%s)" % size, out["error"] == "IncompleteRead" and
          out["partial_len"] == 1 and out["body_b64"] == body, repr(out))
# httplib 2.7's read(7) of chunks 'A' and a torn 'BCDEF' of 9: the first
# _safe_read's 'A' is dropped with the exception, e.partial is 'BCDEF' (2.7.18
# on these bytes; the recorder once read it 1 byte too far into the buffer).
torn_data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n9\r\nBCDEF"
for size in ("7", "512"):
    p, _ = run("--json", "--profile", "py27", "--read-size", size, "http://127.0.0.1:PORT/",
               reply=torn_data)
    out = json.loads(p.stdout)
    check("py27 torn data partial read(%s)" % size, out["error"] == "IncompleteRead" and
          out["partial_len"] == 5 and out["body_b64"] == "QkNERUY=", repr(out))
# read() that raises anything but IncompleteRead leaves the caller no body;
# read(3) in a loop keeps the pieces it returned (CPython 3.11 and 2.7.18,
# run by hand on these bytes: body_len 0, and 3 bytes 'hel').
long_size = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
             + b"1" * 70000 + b"\r\n")
for profile in ("py3", "py27"):
    for size, body in ((None, ""), ("3", "aGVs")):
        extra = ["--read-size", size] if size else []
        p, _ = run("--json", "--profile", profile, *extra, "http://127.0.0.1:PORT/",
                   reply=long_size)
        out = json.loads(p.stdout)
        check("LineTooLong in the body %s read(%s)" % (profile, size),
              out["error"] == "LineTooLong" and out["body_b64"] == body, repr(out))
# --strict: strict=True where the version has the argument.
p, _ = run("--json", "--profile", "py31", "--strict", "http://127.0.0.1:PORT/",
           reply=b"hello\r\n")
check("--strict py31", json.loads(p.stdout)["error"] == "BadStatusLine", repr(p.stdout))
p, _ = run("--json", "--profile", "py31", "http://127.0.0.1:PORT/", reply=b"hello\r\n")
out = json.loads(p.stdout)
check("py31 HTTP/0.9", out["version"] == 9 and out["body_b64"] == "aGVsbG8NCg==", repr(out))
p, _ = run("--profile", "py34", "--strict", "http://x/")
check("--strict py34 refused", p.returncode == 2 and b"py34" in p.stderr, repr(p.stderr))

# An earlier request's failure is the outcome, its detail numbered (adapters/PROTOCOL.md).
p, _ = run("--json", "--before", "GET /a", "--before-data-file", "/nonexistent/body",
           "http://127.0.0.1:1/")
out = json.loads(p.stdout)
check("--before-data-file missing", out["error"] == "OSError" and
      out["detail"].startswith("request 1 of 2: cannot read '/nonexistent/body'"), repr(out))

# ---- the options that map onto http.client's API, against CPython ---------------------
# Each is refused where the profile's version lacks the API, naming the version.
for args, word in [(["--profile", "py35", "--encode-chunked"], b"3.6"),
                   (["--profile", "py27", "--encode-chunked"], b"3.6"),
                   (["--profile", "py32", "--readinto", "5"], b"3.3"),
                   (["--profile", "py27", "--readinto", "5"], b"3.3"),
                   (["--profile", "py31", "--source-address", "127.0.0.2"], b"3.2"),
                   (["--profile", "py26", "--source-address", "127.0.0.2"], b"2.7"),
                   (["--readinto", "0"], b"--readinto"),
                   (["--readinto", "3", "--read-size", "3"], b"exclude"),
                   (["-d", "a", "--data-chunk", "b"], b"exclude"),
                   (["--source-address", "127.0.0.2:99999"], b"--source-address"),
                   (["--source-address", "[::1"], b"--source-address")]:
    p, _ = run(*(args + ["http://127.0.0.1:1/"]))
    check("refused %s" % args, p.returncode == 2 and word in p.stderr, repr(p.stderr))
p, _ = run("--help")
check("help names the API options", all(o in p.stdout for o in (
    b"--data-chunk", b"--encode-chunked", b"--source-address", b"--readinto")), repr(p.stdout))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import py27  # noqa: E402
from run_oracle import pyenv_python  # noqa: E402


REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpython_ref.py")
PYTHONS = {"py3": sys.executable if sys.version_info[:2] == (3, 11) else pyenv_python("3.11"),
           "py36": pyenv_python("3.6.15"), "py27": py27.find()}


def body_text(out):
    import base64
    return base64.b64decode(out["body_b64"]).decode("latin-1") if out["body_b64"] else ""


def against_cpython(name, profile, args, reply=ok):
    """Runs httpc and CPython with `args` on `reply`: the request bytes the
    server got, the error class and the body the caller holds must agree."""
    python = PYTHONS[profile]
    if python is None:
        check.skip("%s %s" % (name, profile), "no interpreter for %s (pyenv)" % profile)
        return
    url = "http://127.0.0.1:PORT/x"
    p, mine = run("--json", "--profile", profile, *(args + [url]), reply=reply)
    server = ReplayServer(reply)
    q = subprocess.run([python, REF] + [a.replace("PORT", str(server.port))
                                        for a in args + [url]], capture_output=True, timeout=30)
    server.join()
    ours, theirs = json.loads(p.stdout), json.loads(q.stdout)
    got = (mine.requests[0].replace(b"%d" % mine.port, b"PORT"), ours["error"],
           body_text(ours) if ours["status"] else None, ours["partial_len"])
    want = (server.requests[0].replace(b"%d" % server.port, b"PORT"), theirs["error"],
            theirs["body"], theirs["partial_len"])
    check("%s %s as CPython" % (name, profile), got == want, repr((got, want)))


# --data-chunk: a generator. 3.6+ chunk-encode it (an empty piece skipped) unless
# the caller frames it; 2.7 sends the head and raises TypeError from sendall().
chunks = ["--data-chunk", "ab", "--data-chunk", "", "--data-chunk", "cde"]
for profile in ("py3", "py36", "py27"):
    against_cpython("--data-chunk", profile, chunks)
    against_cpython("--data-chunk with Content-Length", profile,
                    ["-H", "Content-Length: 5"] + chunks)
# --encode-chunked: the caller's Transfer-Encoding with a bytes or iterable body.
for profile in ("py3", "py36"):
    against_cpython("--encode-chunked -d", profile,
                    ["-H", "Transfer-Encoding: chunked", "--encode-chunked", "-d", "hello"])
    against_cpython("--encode-chunked --data-chunk", profile,
                    ["-H", "Transfer-Encoding: chunked", "--encode-chunked"] + chunks)
    against_cpython("--encode-chunked without Transfer-Encoding", profile,
                    ["--encode-chunked", "-d", "hello"])
# --readinto N: whole bodies, a torn chunk, a short Content-Length.
for profile in ("py3", "py36"):
    for i, reply in enumerate([
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world"
            b"\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloxy3\r\nabc\r",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8\r\nab",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"]):
        for n in ("1", "3", "7", "100"):
            against_cpython("--readinto %s reply %d" % (n, i), profile, ["--readinto", n],
                            reply=reply)

# --data-fileobj: the open file as the body. 2.7 (and 3.0-3.5, from the source:
# _set_content_length's os.fstat) give it a Content-Length, 3.6+ send it chunked.
fileobj = os.path.join(tempfile.mkdtemp(), "body")
with open(fileobj, "wb") as f:
    f.write(b"file-body-0123456789")
for profile in ("py3", "py36", "py27"):
    against_cpython("--data-fileobj", profile, ["--data-fileobj", fileobj])
for profile in ("py31", "py33", "py35"):
    p, server = run("--profile", profile, "--data-fileobj", fileobj,
                    "http://127.0.0.1:PORT/", reply=ok)
    check("--data-fileobj %s fstat length" % profile, p.returncode == 0 and
          server.requests[0].endswith(b"Content-Length: 20\r\n\r\nfile-body-0123456789"),
          repr(server.requests))

# 3.2-3.5 send each piece as it is, no framing (3.2's send(): "if isinstance(data,
# collections.Iterable): for d in data: self.sock.sendall(d)"); 3.0/3.1 raise
# TypeError from sendall() after the head. No interpreter: from the source.
unframed = b"POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n\r\nabcde"
port, got, t = serve_once(ok, len(unframed % 10000))
p = subprocess.run([HTTPC, "--json", "--profile", "py33"] + chunks
                   + ["http://127.0.0.1:%d/" % port], capture_output=True, timeout=30)
t.join(15)
check("--data-chunk py33 unframed", got and got[0] == unframed % port, repr(got))
p, server = run("--profile", "py31", *(chunks + ["http://127.0.0.1:PORT/"]), reply=ok)
check("--data-chunk py31 TypeError", p.returncode == 1 and b"TypeError" in p.stderr
      and b"3.2" in p.stderr and server.requests and b"ab" not in server.requests[0],
      repr((p.stderr, server.requests)))


def peer_of(args):
    """The client address a server saw for `args` + URL, and the outcome."""
    sock = listener()
    seen = []

    def serve():
        try:
            conn, addr = sock.accept()
        except OSError:
            return
        seen.append(addr[0])
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    p = subprocess.run(args + ["http://127.0.0.1:%d/" % sock.getsockname()[1]],
                       capture_output=True, timeout=30)
    if not seen:  # the client never came: let the server go
        try:
            socket.create_connection(sock.getsockname()).close()
        except OSError:
            pass
    t.join(15)
    sock.close()
    out = json.loads(p.stdout)
    return (seen[0] if out["error"] is None else None), out["error"], out["detail"]


# --source-address: the server sees the bound address; one the machine does
# not have is OSError [Errno 99] (2.7's socket.error, the same OSError family).
for profile in ("py3", "py36", "py27"):
    for src in ("127.0.0.2", "127.0.0.3:0", "192.0.2.1"):
        python = PYTHONS[profile]
        if python is None:
            check.skip("--source-address %s %s" % (src, profile), "no interpreter for " + profile)
            continue
        ours = peer_of([HTTPC, "--json", "--profile", profile, "--source-address", src])
        theirs = peer_of([python, REF, "--source-address", src])
        theirs = (theirs[0], "OSError" if theirs[1] == "error" else theirs[1], theirs[2])
        check("--source-address %s %s as CPython" % (src, profile), ours == theirs,
              repr((ours, theirs)))

check.finish()
