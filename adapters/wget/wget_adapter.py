# SPDX-License-Identifier: MIT
"""The wget adapter: runs GNU Wget 1.x once for the scenario's requests (the
--before ones and the last, as URLs of one command line, so wget reuses its
connection), with -d: its debug log holds each response head as received
("---response begin---"), whether it registered the socket for reuse, the
file it saved each body to, and its error messages, which the adapter maps
onto adapters/TAXONOMY.md (the message verbatim in native_error)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pyoutcome as po  # noqa: E402

# wget's messages (LC_ALL=C) -> class; the first match wins.
MESSAGES = [
    (r"Proxy tunneling failed", "OSError"),
    (r"No data received", "RemoteDisconnected"),
    (r"Malformed status line", "BadStatusLine"),
    (r"timed out", "TimeoutError"),
    (r"Read error \(Connection reset by peer\) in headers", "ConnectionResetError"),
    (r"Read error at byte .*Connection reset by peer", "ConnectionResetError"),
    (r"Connection closed at byte", "IncompleteRead"),
    (r"Read error at byte", "IncompleteRead"),
    (r"Connection refused", "ConnectionRefusedError"),
    (r"non-properly terminated", "SSLEOFError"),
    (r"cannot verify|certificate|subject alternative name", "SSLCertVerificationError"),
    (r"Unable to establish SSL connection|GnuTLS|SSL", "SSLError"),
    (r"Read error .* in headers", "ConnectionError"),
    (r"Unsupported scheme|Invalid", "Unmapped"),
]
# The lines of wget's log that report a failure of the transfer at hand.
FAILURE = re.compile(r"No data received|Malformed status line|Read error|Connection closed at "
                     r"byte|Connection refused|ERROR: |Unable to establish SSL|"
                     r"Proxy tunneling failed|GnuTLS: |failed: ")


def classify(msg):
    return next((c for p, c in MESSAGES if re.search(p, msg)), "Unmapped")


def head_of(sec):
    """The last response head of a transfer's log (interim ones come first):
    (status, reason, version, headers) as wget read them: the status and
    reason from the line wget prints after the head, the version from the
    status line received."""
    heads = re.findall(r"---response begin---\n(.*?)---response end---\n([^\n]*)", sec,
                       flags=re.S)
    if not heads:
        return None
    raw, parsed = heads[-1]
    lines = [ln[:-1] if ln.endswith("\r") else ln  # the log shows each line with its CR
             for ln in raw.rstrip("\n").split("\n")]
    m = re.match(r"(\d+) ?(.*)$", parsed)
    if not m:
        return None
    v = re.search(r"HTTP/(\d)\.(\d)", lines[0])
    hs = []
    for ln in lines[1:]:
        k, sep, val = ln.partition(":")
        if sep:
            hs.append([k, val.strip(" \t")])
    return int(m.group(1)), m.group(2), int(v.group(1)) * 10 + int(v.group(2)) if v else None, hs


class Wget(po.CliClient):
    name = "wget"

    def unsupported(self, reqs, opts):
        if opts.get("proxy") and opts["scheme"] != "https":
            return ("wget sends http:// requests to a proxy in absolute-form; it tunnels "
                    "only https://")
        return po.one_command_line(reqs, opts, "wget")

    def words(self, reqs, opts, tmp):
        q = reqs[-1]
        w = ["wget", "-d", "--no-config", "--no-hsts", "--tries=1", "--max-redirect=0",
             "--content-on-error", "--no-netrc", "--timeout=%g" % opts["timeout"],
             "-P", tmp, "--method=" + q["method"]]
        w += po.cli_request_words(q, opts, os.path.join(tmp, ".body"), "--body-file")
        if opts.get("proxy"):
            w += ["-e", "use_proxy=on", "-e", "https_proxy=http://" + opts["proxy"]]
        return w + [opts["origin"] + r["target"] for r in reqs]

    def sections(self, log):
        """The log of each transfer: wget starts each with '--DATE TIME--  URL'."""
        parts = re.split(r"^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--  .*$", log, flags=re.M)
        return parts[1:]

    def failure(self, out, sec, code):
        m = FAILURE.search(sec)
        if not m:
            return None
        line = sec[m.start():].split("\n")[0].strip()
        return line, classify(line)

    def judged(self, out, sec, log, index, code):
        head = head_of(sec)
        if not head and not out["error"] and code == 5:
            # wget's exit status 5 is "SSL verification failure"; for a host name
            # mismatch its log holds no line the adapter can point at
            out["error"] = "SSLCertVerificationError"
            out["native_error"] = out["detail"] = "wget (exit 5): SSL verification failure"
        elif not head and not out["error"]:  # no head and no message the adapter knows
            out["error"] = "Unmapped"
            out["native_error"] = "wget (exit %d): %s" % (code, sec.strip()[-300:])
        if head:
            out["status"], out["reason"], out["version"], out["headers"] = head
            saved = re.findall(r"Saving to: '(.*)'", sec)
            po.set_body_file(out, saved[-1] if saved else None)
        # wget registers a socket for reuse once the head allows it, and
        # closes it again when the body fails or the response ends it
        reg = max(sec.rfind("Registered socket"), sec.rfind("Reusing fd"))
        closed = max(sec.rfind("Closed fd"), sec.rfind("Invalidating fd"))
        # (an error: wget gives the socket up without saying so in the log)
        out["connection"] = "kept" if reg > closed and not out["error"] else "closed"


def main():
    po.run_cli_client(Wget(), sys.argv[1:])


if __name__ == "__main__":
    main()
