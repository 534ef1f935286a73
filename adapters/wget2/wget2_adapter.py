# SPDX-License-Identifier: MIT
"""The wget2 adapter: runs GNU Wget2 once for the scenario's requests (the
--before ones and the last, as URLs of one command line with one thread, so
wget2 may reuse its connection), with -d: its debug log holds each response
head as received ("# got header"), the file each body went to, whether it
closed the connection, and its error messages, which the adapter maps onto
adapters/TAXONOMY.md (the message verbatim in native_error)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyoutcome as po  # noqa: E402

STAMP = re.compile(r"^\d\d\.\d{6}\.\d{3} ")  # a debug line: "DD.HHMMSS.mmm "
# wget2's messages (LC_ALL=C, the lines without a time stamp) -> class; first match wins.
MESSAGES = [
    (r"Just got \d+ of \d+ bytes", "IncompleteRead"),
    (r"HTTP response header not found", "BadStatusLine"),
    (r"[Tt]imeout|timed out", "TimeoutError"),
    (r"Connection refused", "ConnectionRefusedError"),
    (r"Connection reset", "ConnectionResetError"),
    (r"[Cc]ertificate|verif", "SSLCertVerificationError"),
    (r"TLS|SSL|GnuTLS|handshake", "SSLError"),
    (r"[Pp]roxy", "OSError"),
    (r"chunk", "IncompleteRead"),
    (r"\(104\)", "ConnectionResetError"),  # errno 104: ECONNRESET
    (r"No data|[Ff]ailed to read|[Ff]ailed to receive|closed", "RemoteDisconnected"),
    (r"header", "HTTPException"),
]
# The lines of wget2's log (without a time stamp) that report a failure of the
# transfer at hand; the heads it prints and its notes (TLS protocol, OCSP
# warnings) are not among them.
FAILURE = re.compile(r"^(Just got \d+ of \d+ bytes|HTTP response header not found|"
                     r"Failed to (?:read|write|connect|receive|send)|ERROR: |GnuTLS: |.*[Hh]andshake failed|"
                     r"Certificate verification error|.*Connection (refused|reset)|"
                     r".*[Tt]imed? ?out\b|not a header)")


def classify(msg):
    return next((c for p, c in MESSAGES if re.search(p, msg)), "Unmapped")


def head_of(sec):
    heads = [sec[m.end():m.end() + int(m.group(1))]
             for m in re.finditer(r"# got header (\d+) bytes:\n", sec)]
    if not heads:
        return None, []
    lines = [ln[:-1] if ln.endswith("\r") else ln
             for ln in heads[-1].rstrip("\r\n").split("\n")]
    hs = []
    for ln in lines[1:]:
        k, sep, v = ln.partition(":")
        if sep:
            hs.append([k, v.strip(" \t")])
    return lines[0], hs


def without_heads(sec):
    """The log without the heads wget2 prints: each "# got header N bytes:" or
    "# sent N bytes:" line is followed by exactly those N bytes."""
    out, i = [], 0
    for m in re.finditer(r"# (?:got header|sent) (\d+) bytes:\n", sec):
        if m.start() < i:
            continue
        out.append(sec[i:m.start()])
        i = m.end() + int(m.group(1))
    return "".join(out) + sec[i:]


def failure(sec):
    """The first line of a transfer's log that reports a failure, or None: the
    printed heads (request and response) are left out first."""
    sec = without_heads(sec)
    for ln in sec.split("\n"):
        if ln and not STAMP.match(ln) and FAILURE.match(ln):
            return ln.strip()
    return None


class Wget2(po.CliClient):
    name = "wget2"
    merge = True

    def unsupported(self, reqs, opts):
        if opts.get("proxy") and opts["scheme"] != "https":
            return ("the adapter gives wget2 only an https proxy (--https-proxy): it "
                    "tunnels https://")
        last = reqs[-1]
        if last["method"] not in ("GET", "POST") or (last["method"] == "POST") != (
                last["body"] is not None):
            return "wget2 1.99 sends GET, or POST with --post-file; it has no --method"
        targets = [q["target"] for q in reqs]
        if len(set(targets)) < len(targets):
            return "wget2 fetches a URL once per command line, and the scenario repeats one"
        return po.one_command_line(reqs, opts, "wget2")

    def words(self, reqs, opts, tmp):
        q = reqs[-1]
        w = ["wget2", "-d", "--no-config", "--no-hsts", "--no-hpkp", "--no-ocsp", "--tries=1",
             "--max-redirect=0", "--max-threads=1", "--no-http2", "--compression=identity",
             "--content-on-error", "--no-netrc", "--timeout=%g" % opts["timeout"],
             "-P", os.path.join(tmp, "out")]
        w += po.cli_request_words(q, opts, os.path.join(tmp, "body"), "--post-file")
        if opts.get("proxy"):
            w.append("--https-proxy=http://" + opts["proxy"])
        return w + [opts["origin"] + r["target"] for r in reqs]

    def sections(self, log):
        """The log of each transfer: each starts with 'dequeue job URL'."""
        return re.split(r"^\S+ dequeue job .*$", log, flags=re.M)[1:]

    def failure(self, out, sec, code):
        line = failure(sec)
        cls = classify(line) if line else None
        if cls == "RemoteDisconnected" and head_of(sec)[0]:
            cls = "IncompleteRead"  # a read that failed after the head: a short body
        if cls == "IncompleteRead" and code == 0:
            # wget2 says so on stderr but exits 0, keeping the short file: to
            # its caller the download succeeded
            out["detail"] = "wget2 exited 0 after: " + line
            return None
        return (line, cls) if line else None

    def judged(self, out, sec, log, index, code):
        line, hs = head_of(sec)
        m = re.match(r"\s*HTTP/(\d)\.(\d)[ \t]+(\d{3})[ \t]?(.*)$", line or "")
        if m:
            out["status"], out["reason"] = int(m.group(3)), m.group(4)
            out["version"] = int(m.group(1)) * 10 + int(m.group(2))
            out["headers"] = hs
            name = re.search(r"local filename = '(.*)'",
                             "\n".join(re.findall(r"local filename = '.*'", log)[index:]))
            po.set_body_file(out, name.group(1) if name else None)
        if out["status"] is None and not out["error"] and code == 5:
            # wget2's exit status 5: a TLS failure whose message its log does not hold
            out["error"] = "SSLError"
            out["native_error"] = out["detail"] = "wget2 (exit 5): TLS failure"
        elif out["status"] is None and not out["error"]:  # nothing the adapter can read
            # wget2 1.99 gives up a transfer whose head it could not read (an
            # empty reply, a read timeout, a head it cannot parse) without a
            # message, often with exit status 0: the debug log only counts a
            # failure of the host
            out["error"] = "Unmapped"
            out["native_error"] = "wget2 (exit %d): %s" % (code, (
                "the transfer failed without a message (its debug log: "
                "'host_increase_failure', no response head)"
                if "host_increase_failure" in sec else "no response head in its log"))
        out["connection"] = "closed" if "closing connection" in sec else "kept"


def main():
    po.run_cli_client(Wget2(), sys.argv[1:])


if __name__ == "__main__":
    main()
