#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora corpus/<target>/ from the oracle's reply library
(tests/oracle/cases.py): each reply, or the part of it a sub-parser reads
(status line, header block, chunked body, trailer section), behind the
3-byte header of fuzz/fuzz_common.h (configuration byte picking the profile
and limits, then a 2-byte parameter); for fuzz_split each reply (and two in a
row) with a list of piece sizes; for fuzz_request the requests of the
scenario library (scenarios/**/*.scn) with a set of hosts and header values;
for fuzz_scenario the scenario files themselves. Files are named by the SHA-256 of their
content. Replies longer than MAX_REPLY bytes (the 64 KiB line cases, the large
body) are truncated. With --merge DIR (the folder of the built libFuzzer
binaries, e.g. build/fuzz/fuzz) each corpus is minimised with -merge=1.

Usage: fuzz/make_corpus.py [--out corpus] [--merge build/fuzz/fuzz] [TARGET...]"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
import cases  # noqa: E402

TARGETS = ("status_line", "headers", "chunked", "trailers", "response", "split", "request",
           "scenario")
SCENARIOS = os.path.join(ROOT, "scenarios")
# Hosts for fuzz_request: names, ports, IPv6 with and without brackets and zone.
HOSTS = (b"example.com", b"localhost:8080", b"[::1]:80", b"::1", b"fe80::1%eth0",
         b"[fe80::1%25eth0]:8000", b"host:", b"127.0.0.1:65535", b"h:+5")
MAX_REPLY = 4096
PROFILES = range(4)  # py27, py27-strict, py3, strict (httpc_profile_id)
SMALL = 4 | 8  # configuration bits: small max_line and small counts


def param_for(*key):
    """A stable pseudo-random 16-bit parameter (a split point) per seed."""
    h = hashlib.sha256(repr(key).encode()).digest()
    return h[0] | h[1] << 8


def seed(cfg, param, data):
    return bytes([cfg & 0xFF, param & 0xFF, (param >> 8) & 0xFF]) + data


def first_line(reply):
    nl = reply.find(b"\n")
    return reply if nl < 0 else reply[: nl + 1]


def head_block(reply):
    """The header block after the status line, up to its empty line."""
    rest = reply[len(first_line(reply)):]
    ends = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n") for i in [rest.find(sep)] if i >= 0]
    if rest.startswith(b"\r\n") or rest.startswith(b"\n"):
        ends.append(rest.index(b"\n") + 1)
    return rest[: min(ends)] if ends else rest


def chunked_body(reply):
    """The body after the head when the reply says chunked, else None."""
    head = first_line(reply) + head_block(reply)
    if b"chunked" not in head.lower():
        return None
    return reply[len(head):]


def trailer_section(body):
    """What follows the last-chunk line, read as Python 3 would; None when
    the body never gets there."""
    pos = 0
    while True:
        nl = body.find(b"\n", pos)
        if nl < 0:
            return None
        line = body[pos:nl + 1].split(b";")[0]
        try:
            size = int(line, 16)
        except ValueError:
            return None
        pos = nl + 1
        if size == 0:
            return body[pos:]
        if size < 0:
            return None
        pos += size + 2


def seeds():
    """(target, bytes) pairs, duplicates included."""
    for cid, reply, method in cases.CASES:
        reply = reply[:MAX_REPLY]
        parts = {"status_line": first_line(reply), "headers": head_block(reply)}
        body = chunked_body(reply)
        if body is not None:
            parts["chunked"] = body
            trailers = trailer_section(body)
            if trailers is not None:
                parts["trailers"] = trailers
        for p in PROFILES:
            for target, data in parts.items():
                split = param_for(cid, target, p) % (len(data) + 1)
                yield target, seed(p, split, data)
            # response: byte 1 the segment size, byte 2 the read mode.
            head = 4 if method == "HEAD" else 0
            yield "response", seed(p, 0, reply)[:2] + bytes([head]) + reply
            yield "response", seed(p, 0, reply)[:1] + bytes([7, head | 1 | (1 << 3)]) + reply
        # Each case once more with small limits (py3 and strict).
        for p in (2, 3):
            cfg = p | SMALL | (param_for(cid, "cfg") & 0xF0)
            for target, data in parts.items():
                yield target, seed(cfg, param_for(cid, target, "small"), data)
            yield "response", bytes([cfg, 0, 0]) + reply
        # split: byte 1 the number of piece sizes, byte 2 the read mode, then
        # the sizes; the reply alone and twice (a keep-alive second response).
        h = hashlib.sha256(repr(cid).encode()).digest()
        for p in PROFILES:
            n = h[p] % 8
            mode = 4 if method == "HEAD" else h[4 + p] & ~4 & 0x1F
            for data in (reply, (reply + reply)[:MAX_REPLY]):
                yield "split", bytes([p, n, mode]) + h[8:8 + n] + data
    yield from request_seeds()
    for path in scenario_files():
        with open(path, "rb") as f:
            yield "scenario", f.read()


def scenario_files():
    for top, dirs, files in os.walk(SCENARIOS):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".scn"):
                yield os.path.join(top, name)


def scenario_requests(text):
    """(method, target, [(name, value)]) of a scenario's final request."""
    method, target, headers = b"GET", b"/", []
    for line in text.splitlines():
        if line.startswith(b"request:"):
            method, _, target = line[8:].strip().partition(b" ")
        elif line.startswith(b"request-header:"):
            name, _, value = line[15:].strip().partition(b":")
            headers.append((name.strip(), value.strip()))
    return method, target, tuple(headers)


def request_seeds():
    """fuzz_request inputs: NUL-separated host, method, URL, name, value..."""
    seen = set()
    for i, path in enumerate(scenario_files()):
        with open(path, "rb") as f:
            req = scenario_requests(f.read())
        if req in seen:
            continue
        seen.add(req)
        method, target, headers = req
        host = HOSTS[i % len(HOSTS)]
        fields = [host, method, target] + [x for h in headers for x in h]
        # bit 4: port from the host; bits 0-3 varied so skip_host, skip_accept_encoding,
        # several values and HTTP/1.0 all appear
        param = 16 | (i % 16)
        yield "request", seed(i % 4, param, b"\0".join(fields))
    extra = [
        [b"example.com", b"GET", b"http://example.org:8080/x", b"X-A", b"1\x1f2"],
        [b"[::1]", b"OPTIONS", b"*", b"X-Fold", b"a\r\n b"],
        [b"example.com", b"GET", b"", b"Host", b"other"],
        [b"[fe80::1%eth0]:81", b"GET", b"/p?q=1#f"],
    ]
    for i, fields in enumerate(extra):
        for p in PROFILES:
            yield "request", seed(p, 16 | 4 | i, b"\0".join(fields))


def write(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha256(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "corpus"))
    ap.add_argument("--merge", metavar="DIR",
                    help="folder of the libFuzzer binaries fuzz_<target>: minimise with -merge=1")
    ap.add_argument("targets", nargs="*", default=TARGETS, metavar="TARGET",
                    help="the corpora to write (default: all)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for target, data in seeds():
            write(tmp, target, data)
        for target in args.targets:
            dst = os.path.join(args.out, target)
            shutil.rmtree(dst, ignore_errors=True)
            os.makedirs(dst)
            src = os.path.join(tmp, target)
            if args.merge:
                subprocess.run([os.path.join(args.merge, "fuzz_" + target), "-merge=1",
                                dst, src], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            else:
                for name in os.listdir(src):
                    shutil.copy(os.path.join(src, name), dst)
            n = len(os.listdir(dst))
            size = sum(os.path.getsize(os.path.join(dst, f)) for f in os.listdir(dst))
            print(f"{target}: {n} files, {size} bytes")


if __name__ == "__main__":
    main()
