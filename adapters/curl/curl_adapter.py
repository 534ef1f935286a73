# SPDX-License-Identifier: MIT
"""The curl CLI adapter: runs `curl` once for the scenario's requests (each
--before one, then the last, joined with --next so curl reuses the
connection), reads its headers, body and -w '%{json}' report, and prints the
outcome object of adapters/PROTOCOL.md with curl's exit code mapped onto the
taxonomy of adapters/TAXONOMY.md and the native error verbatim."""
import base64
import ctypes
import hashlib
import json
import math
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

# curl's exit codes (libcurl's CURLcode) -> (name, taxonomy class). A class
# ending in "?" is refined from curl's message by refine() below.
CODES = {
    1: ("CURLE_UNSUPPORTED_PROTOCOL", "BadStatusLine?"),  # "Received HTTP/0.9 when not allowed"
    6: ("CURLE_COULDNT_RESOLVE_HOST", "OSError"),
    7: ("CURLE_COULDNT_CONNECT", "ConnectionRefusedError"),
    8: ("CURLE_WEIRD_SERVER_REPLY", "HTTPException?"),
    16: ("CURLE_HTTP2", "Unmapped"),
    18: ("CURLE_PARTIAL_FILE", "IncompleteRead"),
    23: ("CURLE_WRITE_ERROR", "Unmapped"),
    27: ("CURLE_OUT_OF_MEMORY", "Unmapped"),
    28: ("CURLE_OPERATION_TIMEDOUT", "TimeoutError"),
    35: ("CURLE_SSL_CONNECT_ERROR", "SSLError?"),
    43: ("CURLE_BAD_FUNCTION_ARGUMENT", "Unmapped?"),  # also chunked-stream errors
    47: ("CURLE_TOO_MANY_REDIRECTS", "Unmapped"),
    52: ("CURLE_GOT_NOTHING", "RemoteDisconnected"),
    55: ("CURLE_SEND_ERROR", "ConnectionError?"),
    56: ("CURLE_RECV_ERROR", "ConnectionError?"),
    58: ("CURLE_SSL_CERTPROBLEM", "SSLError"),
    60: ("CURLE_PEER_FAILED_VERIFICATION", "SSLCertVerificationError"),
    61: ("CURLE_BAD_CONTENT_ENCODING", "Unmapped"),
    77: ("CURLE_SSL_CACERT_BADFILE", "SSLError"),
    92: ("CURLE_HTTP2_STREAM", "Unmapped"),
}

# Messages that name a finer class than the exit code does (substring, class).
REFINE = [
    ("reset by peer", "ConnectionResetError"),
    ("broken pipe", "BrokenPipeError"),
    ("chunk", "IncompleteRead"),          # chunked-encoding errors: CPython says IncompleteRead
    ("unsupported http version", "UnknownProtocol"),
    ("too large", "LineTooLong"),
    ("rejected", "LineTooLong"),          # "Rejected N bytes header (max is ...)"
    ("unexpected eof", "SSLEOFError"),
    ("ssl_error_syscall", "SSLEOFError"),
    ("certificate", "SSLCertVerificationError"),
]


def classify(code, message):
    """curl's exit code and message -> (native name, taxonomy class)."""
    name, cls = CODES.get(code, ("CURLE_%d" % code, "Unmapped"))
    if cls.endswith("?"):
        low = message.lower()
        cls = next((c for s, c in REFINE if s in low), cls[:-1])
    return name, cls


def parse_args(argv):
    """The protocol's options -> (requests, options); each request is a dict
    of method, target, headers, body file; the last is the one judged."""
    reqs, opts, i = [], {"timeout": 10.0, "proxy_headers": []}, 0
    cur = {"method": "GET", "headers": [], "data": None}
    while i < len(argv):
        o = argv[i]
        v = argv[i + 1] if i + 1 < len(argv) else None
        i += 2
        if o == "--before":
            m, _, t = v.partition(" ")
            reqs.append({"method": m, "target": t, "headers": [], "data": None})
        elif o == "--before-header":
            reqs[-1]["headers"].append(v)
        elif o == "--before-data-file":
            reqs[-1]["data"] = v
        elif o == "-X":
            cur["method"] = v
        elif o == "-H":
            cur["headers"].append(v)
        elif o == "--data-file":
            cur["data"] = v
        elif o == "--timeout":
            opts["timeout"] = float(v)
        elif o in ("--cacert", "--proxy"):
            opts[o[2:]] = v
        elif o == "--proxy-header":
            opts["proxy_headers"].append(v)
        elif o in ("--insecure", "--verify"):  # flags: no value
            opts[o[2:]] = True
            i -= 1
        elif o == "--json":
            opts["url"] = v
        elif o == "--target":
            opts["target"] = v
        else:
            sys.exit("curl_adapter: unknown option %s" % o)
    base = opts["url"].split("/", 3)
    origin = "/".join(base[:3])
    cur["target"] = "/" + (base[3] if len(base) > 3 else "")
    cur["request_target"] = opts.get("target")  # sent verbatim (absolute-form, "*")
    return reqs + [cur], origin, opts


def curl_words(req, origin, opts, tmp, n):
    """One transfer's options: its own -D/-o files and -w report."""
    w = ["-s", "-S", "--path-as-is", "-g", "--http1.1",
         "-D", os.path.join(tmp, "h%d" % n), "-o", os.path.join(tmp, "b%d" % n),
         "-w", "%{json}\\n",
         "--connect-timeout", str(opts["timeout"]),
         # CPython's timeout is per socket operation: curl's nearest is a
         # low-speed abort (whole seconds) with a total cap past it
         "--speed-limit", "1", "--speed-time", str(max(1, math.ceil(opts["timeout"]))),
         "-m", str(opts["timeout"] * 2 + 2)]
    if req.get("request_target"):
        w += ["--request-target", req["request_target"]]
    if req["method"] == "HEAD":
        w.append("-I")  # -X HEAD would wait for a body
    else:
        w += ["-X", req["method"]]
    for h in req["headers"]:
        w += ["-H", h]
    if req["data"] is not None:
        w += ["--data-binary", "@" + req["data"]]
        if not any(h.lower().startswith("content-type:") for h in req["headers"]):
            w += ["-H", "Content-Type:"]  # curl's form type: CPython adds none
    if opts.get("cacert"):
        w += ["--cacert", opts["cacert"]]
    if opts.get("insecure"):
        w.append("-k")
    if opts.get("proxy"):
        w += ["-p", "-x", "http://" + opts["proxy"]]
        for h in opts["proxy_headers"]:
            w += ["--proxy-header", h]
    return w + [origin + req["target"]]


def last_head(raw):
    """The final head of a -D file (1xx heads come first): (status line, headers)."""
    heads = [h for h in raw.replace(b"\r\n", b"\n").split(b"\n\n")
             if h[:5].upper() == b"HTTP/"]  # -D holds the trailers too; curl takes any case
    if not heads:
        return None, []
    lines = heads[-1].split(b"\n")
    hs = []
    for ln in lines[1:]:
        k, sep, v = ln.partition(b":")
        if sep:
            hs.append([k.decode("latin-1"), v.strip(b" \t").decode("latin-1")])
    return lines[0].decode("latin-1"), hs


class IdleTimer:
    """CPython's timeout is an idle timeout (each blocking read may wait that
    long); curl's nearest rule, --speed-time, counts whole seconds, and
    --max-time is total time. So the adapter watches curl's TCP connections
    itself: it takes a copy of each of curl's sockets (pidfd_getfd: curl is
    its child), reads the bytes the kernel received and had acknowledged on
    them (TCP_INFO), and after the timeout without any it shuts them down, so
    that curl fails (or ends a body delimited by the close) in its own way;
    the outcome is then TimeoutError with curl's error kept. Without
    pidfd_getfd (Linux < 5.6) only curl's own rules apply."""

    SYS_PIDFD_GETFD = 438  # x86_64 and the generic table

    def __init__(self, pid, timeout):
        self.pid, self.timeout, self.fired = pid, timeout, False
        self.socks = {}  # curl's fd -> our copy (a TCP socket)
        self.seen, self.since = None, None
        try:
            self.pidfd = os.pidfd_open(pid)
            self.libc = ctypes.CDLL(None, use_errno=True)
        except (AttributeError, OSError):
            self.pidfd = None

    def _scan(self):
        try:
            fds = os.listdir("/proc/%d/fd" % self.pid)
        except OSError:
            return
        for name in fds:
            fd = int(name)
            if fd in self.socks:
                continue
            try:
                if not os.readlink("/proc/%d/fd/%d" % (self.pid, fd)).startswith("socket:"):
                    continue
            except OSError:
                continue
            mine = self.libc.syscall(self.SYS_PIDFD_GETFD, self.pidfd, fd, 0)
            if mine < 0:
                continue
            sock = socket.socket(fileno=mine)
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                self.socks[fd] = sock
            else:
                self.socks[fd] = None
                sock.close()

    def _bytes(self):
        total = 0
        for sock in self.socks.values():
            if sock is None:
                continue
            try:
                info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
            except OSError:
                continue
            if len(info) >= 136:  # tcpi_bytes_acked at 120, tcpi_bytes_received at 128
                acked, received = struct.unpack_from("=QQ", info, 120)
                total += acked + received
        return total

    def step(self):
        """One look; True once the timer has fired (the sockets shut down)."""
        if self.pidfd is None or self.fired:
            return self.fired
        self._scan()
        if not any(self.socks.values()):
            return False  # the clock starts with curl's first connection
        now, b = time.monotonic(), self._bytes()
        if b != self.seen:
            self.seen, self.since = b, now
        elif now - self.since > self.timeout:
            self.fired = True
            for sock in self.socks.values():
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
        return self.fired

    def close(self):
        for sock in self.socks.values():
            if sock is not None:
                sock.close()
        if self.pidfd is not None:
            os.close(self.pidfd)


def run_curl(cmd, timeout, tmp):
    """curl under the idle timer: (exit code, stdout, stderr, fired). The
    timer looks every timeout/30 (5 to 50 ms); curl's exit wakes it at once
    (its pidfd turns readable)."""
    with open(os.path.join(tmp, "out"), "w+b") as o, open(os.path.join(tmp, "err"), "w+b") as e:
        p = subprocess.Popen(cmd, stdout=o, stderr=e)
        timer = IdleTimer(p.pid, timeout)
        step_ms = min(50, max(5, int(timeout * 1000 / 30)))
        waiter = None
        if timer.pidfd is not None:
            waiter = select.poll()
            waiter.register(timer.pidfd, select.POLLIN)
        while p.poll() is None:
            timer.step()
            if waiter is not None:
                waiter.poll(step_ms)
            else:
                time.sleep(step_ms / 1000)
        timer.close()
        o.seek(0)
        e.seek(0)
        return p.returncode, o.read(), e.read(), timer.fired


def main():
    reqs, origin, opts = parse_args(sys.argv[1:])
    out = {"error": None, "detail": "", "status": None, "reason": None, "version": None,
           "headers": None, "body_len": None, "body_sha256": None, "body_b64": None,
           "partial_len": None, "expected_more": None, "will_close": None,
           "connection": None, "native_error": None}
    with tempfile.TemporaryDirectory(prefix="curl-adapter-") as tmp:
        cmd = ["curl"]
        for n, q in enumerate(reqs):
            if n:
                cmd.append("--next")
            cmd += curl_words(q, origin, opts, tmp, n)
        returncode, stdout, stderr, fired = run_curl(cmd + ["-v"], opts["timeout"], tmp)
        # -v says what curl did with the connection after the last transfer
        verbose = stderr.decode("latin-1")
        kept, closed = verbose.rfind("left intact"), verbose.rfind("Closing connection")
        if kept >= 0 or closed >= 0:
            out["connection"] = "kept" if kept > closed else "closed"
        reports = [json.loads(x) for x in stdout.decode("latin-1").splitlines()
                   if x.startswith("{")]
        # curl goes on after a failed transfer; the first failure is the outcome
        step = next((k for k, r in enumerate(reports) if r.get("exitcode")), None)
        if step is None and len(reports) < len(reqs):  # died before reporting
            step = len(reports)
        last = len(reqs) - 1 if step is None else step
        rep = reports[last] if last < len(reports) else {"exitcode": returncode}
        if step is not None:
            code = rep.get("exitcode") or returncode
            msg = rep.get("errormsg") or verbose.strip().split("\n")[-1]
            name, cls = classify(code, msg)
            out["error"] = cls
            out["native_error"] = "%s (%d): %s" % (name, code, msg)
            out["detail"] = msg
            if step < len(reqs) - 1:
                out["detail"] = "request %d of %d: %s" % (step + 1, len(reqs), msg)
        if fired:  # the idle timer shut curl's connection down: curl's own error kept
            native = out["native_error"] or "curl exit 0 (a body delimited by the close ended there)"
            if step is None:
                step = len(reqs) - 1
            out["error"] = "TimeoutError"
            out["native_error"] = "%s (the adapter's idle timer: no bytes for %g s on curl's " \
                "connection, which it shut down)" % (native, opts["timeout"])
            out["detail"] = "timed out"
            if step < len(reqs) - 1:
                out["detail"] = "request %d of %d: timed out" % (step + 1, len(reqs))
        if step is None or step == len(reqs) - 1:
            try:
                with open(os.path.join(tmp, "h%d" % last), "rb") as f:
                    line, hs = last_head(f.read())
            except OSError:
                line, hs = None, []
            if line and line[:5].upper() == "HTTP/":
                ver, _, rest = line.partition(" ")
                # the code after any run of spaces, as curl itself reads "HTTP/1.1  200"
                code_s, _, reason = rest.lstrip(" ").partition(" ")
                out["status"] = int(code_s) if code_s.isdigit() else None
                if rep.get("response_code"):  # curl's own reading of the line
                    out["status"] = rep["response_code"]
                out["reason"] = reason
                out["version"] = {"HTTP/1.0": 10, "HTTP/1.1": 11}.get(ver, 11)
                out["headers"] = hs
                out["will_close"] = out["connection"] == "closed"
                try:
                    with open(os.path.join(tmp, "b%d" % last), "rb") as f:
                        body = f.read()
                except OSError:
                    body = b""
                if reqs[last]["method"] == "HEAD":
                    body = b""  # -I writes the head to -o: a HEAD reply has no body
                out["body_len"] = len(body)
                out["body_sha256"] = hashlib.sha256(body).hexdigest()
                out["body_b64"] = base64.b64encode(body).decode("ascii") \
                    if len(body) <= 1 << 20 else None
                if out["error"] == "IncompleteRead":
                    out["partial_len"] = len(body)
                    size = rep.get("size_download")
                    cl = next((v for k, v in hs if k.lower() == "content-length"), None)
                    if cl and cl.isdigit() and size is not None:
                        out["expected_more"] = int(cl) - len(body)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
