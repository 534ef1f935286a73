#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates tests/client/oracle_chunked.inc: what CPython 3.11's
HTTPResponse and Python 2.7's httplib make of chunked bodies, for
test_parse_chunked.c to compare httpc_chunked_feed against.

    python3 tests/client/oracle_chunked.py    # rewrites oracle_chunked.inc

Each body follows "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"
and the stream ends (EOF) after it. Recorded per interpreter:
  - read(): the exception class name ("" for none) and the body it returned;
  - read(1) repeated until the end or an exception, the bytes it gave plus
    the failing call's e.partial: the "stream", every data byte in order,
    which is what the decoder hands out (Python 3 only: httplib 2.7 tosses
    the CRLF inside the read that takes a chunk's last byte, so its read(1)
    loses that byte when the toss fails).
Python 3's read() raises OverflowError or MemoryError on sizes of 2**63 and
more, trying to allocate the chunk; read(1) streams them, as httpc does."""
from __future__ import print_function

import io
import json
import os
import subprocess
import sys

# HTTPC_PY27, as everywhere (tests/oracle/py27.py; this file also runs under 2.7,
# so it reads the variable itself).
PY27 = os.environ.get("HTTPC_PY27") or "/root/.pyenv/versions/2.7.18/bin/python2.7"
HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

BODIES = [
    # well-formed
    b"5\r\nhello\r\n0\r\n\r\n",
    b"4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n",
    b"1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n",
    b"A\r\n0123456789\r\n0\r\n\r\n",
    b"a\r\n0123456789\r\n0\r\n\r\n",
    b"0005\r\nhello\r\n000\r\n\r\n",
    b"0\r\n\r\n",
    b"0\r\n\r\nafter the end",
    # extensions: Python cuts the line at the first ';'
    b"5;name=value\r\nhello\r\n0;last\r\n\r\n",
    b"5 ; a = \"q;x\"\r\nhello\r\n0\r\n\r\n",
    b"5;\r\nhello\r\n0\r\n\r\n",
    b"5;;;\r\nhello\r\n0\r\n\r\n",
    b"5;\x00\x7f\xff\r\nhello\r\n0\r\n\r\n",
    b";\r\nhello\r\n0\r\n\r\n",
    b"5\r;x\r\nhello\r\n0\r\n\r\n",
    b"5;=\r\nhello\r\n0\r\n\r\n",
    b"5;a=\"x\"\r\nhello\r\n0;b\r\n\r\n",
    # whitespace around the size: bytes.isspace() only
    b" 5\r\nhello\r\n0\r\n\r\n",
    b"5 \r\nhello\r\n0\r\n\r\n",
    b"\t5\t\r\nhello\r\n0\r\n\r\n",
    b"\x0b5\x0c\r\nhello\r\n0\r\n\r\n",
    b"5\r\r\nhello\r\n0\r\n\r\n",
    b"\x1c5\r\nhello\r\n0\r\n\r\n",
    b"\xa05\r\nhello\r\n0\r\n\r\n",
    b"\x855\r\nhello\r\n0\r\n\r\n",
    b"5 5\r\nhello\r\n0\r\n\r\n",
    # int(x, 16) leniency
    b"+5\r\nhello\r\n0\r\n\r\n",
    b"0x5\r\nhello\r\n0\r\n\r\n",
    b"0X5\r\nhello\r\n0\r\n\r\n",
    b"0x_5\r\nhello\r\n0\r\n\r\n",
    b"0x\r\nhello\r\n0\r\n\r\n",
    b"0_5\r\nhello\r\n0\r\n\r\n",
    b"_5\r\nhello\r\n0\r\n\r\n",
    b"5_\r\nhello\r\n0\r\n\r\n",
    b"0_0\r\n\r\n",
    b"0x0\r\n\r\n",
    b"-0\r\n\r\n",
    b"+0\r\n\r\n",
    b"- 5\r\nhello\r\n0\r\n\r\n",
    b"5L\r\nhello\r\n0\r\n\r\n",
    b"0b1\r\nhello\r\n0\r\n\r\n",
    b"zz\r\nhello\r\n0\r\n\r\n",
    b"5\x00\r\nhello\r\n0\r\n\r\n",
    b"\r\nhello\r\n0\r\n\r\n",
    b"\n",
    # negative sizes: 3.x fp.read(-1) reads to EOF; 2.7 reads nothing
    b"-1\r\nhello\r\n0\r\n\r\n",
    b"-1\r\nXY5\r\nhello\r\n0\r\n\r\n",
    b"-5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"-0x2\r\nXY0\r\n\r\n",
    b"-1\r\n",
    b"-1\r\nX",
    # the two bytes after the data are read whatever they are
    b"5\r\nhelloXY0\r\n\r\n",
    b"5\r\nhello\n0\r\n\r\n",
    b"5\r\nhello0\r\n\r\n",
    b"5\nhello\n0\n\n",
    b"5\nhello\r\n0\r\n\r\n",
    b"5\r\nhello\r\n\r\n0\r\n\r\n",
    b"3\r\nhello\r\n0\r\n\r\n",
    b"7\r\nhello\r\n0\r\n\r\n",
    # trailers
    b"0\r\nA: b\r\n\r\n",
    b"0\r\nA: b\r\nC: d\r\n\r\n",
    b"0\r\nA: b\n\n",
    b"0\r\n\n",
    b"0\r\n\nX: y\r\n\r\n",
    b"0\r\nA: b\r\n\n\r\n",
    b"0\r\n obs-fold\r\n\r\n",
    b"0\r\nnot a field\r\n\r\n",
    b"0\r\nA: b\r\r\n\r\n",
    b"0\r\n\r\r\n\r\n",
    b"0\r\nA: b",
    b"0\r\nA: b\r\n",
    b"0\r\n",
    b"0",
    b"0\r",
    # EOF everywhere
    b"",
    b"5",
    b"5\r",
    b"5\r\n",
    b"5\r\nhel",
    b"5\r\nhello",
    b"5\r\nhello\r",
    b"5\r\nhello\r\n",
    b"5\r\nhello\r\n0",
    b"5;ext",
    # sizes past 64 bits stream until EOF
    b"ffffffffffffffff\r\nhello",
    b"10000000000000000\r\nhello",
    b"ffffffffffffffffffff\r\nhello",
    b"7fffffffffffffff\r\nhello",
]


class FakeSocket(object):
    def __init__(self, data):
        self.data = data

    def makefile(self, *args, **kwargs):
        return io.BytesIO(self.data)


def response(body, client, strict):
    kwargs = {"strict": strict} if sys.version_info[0] == 2 else {}
    r = client.HTTPResponse(FakeSocket(HEAD + body), **kwargs)
    r.begin()
    return r


def outcome_read_all(body, client):
    r = response(body, client, False)
    try:
        return "", r.read()
    except Exception as e:
        return type(e).__name__, None


def outcome_stream(body, client):
    r = response(body, client, False)
    got = b""
    while True:
        try:
            piece = r.read(1)
        except client.IncompleteRead as e:
            return "IncompleteRead", got + e.partial
        except Exception as e:
            return type(e).__name__, got
        if not piece:
            return "", got
        got += piece


def run_py27():
    import httplib
    out = []
    for body in BODIES:
        name, data = outcome_read_all(body, httplib)
        out.append([name, None if data is None else data.encode("hex")])
    json.dump(out, sys.stdout)


def c_bytes(b):
    if b is None:
        return "{NULL, 0}"
    return '{"%s", %d}' % ("".join("\\%03o" % c for c in bytearray(b)), len(b))


def main():
    import http.client
    proc = subprocess.run([PY27, os.path.abspath(__file__), "--py27"], check=True,
                          stdout=subprocess.PIPE)
    py27 = json.loads(proc.stdout)
    rows = []
    for body, (p27_name, p27_hex) in zip(BODIES, py27):
        all_name, all_data = outcome_read_all(body, http.client)
        stream_name, stream = outcome_stream(body, http.client)
        if all_name not in ("OverflowError", "MemoryError"):
            assert all_name == stream_name, (body, all_name, stream_name)
            assert all_name or all_data == stream, body
        p27_data = None if p27_hex is None else bytes.fromhex(p27_hex)
        rows.append("    {%s,\n     \"%s\", %s, \"%s\",\n     \"%s\", %s}," % (
            c_bytes(body), stream_name, c_bytes(stream), all_name, p27_name,
            c_bytes(p27_data)))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle_chunked.inc")
    with open(out, "w") as f:
        f.write("/* Generated by tests/client/oracle_chunked.py from CPython %s and Python 2.7;\n"
                " * do not edit: rerun python3 tests/client/oracle_chunked.py.\n"
                " * {body, py3 read(1) outcome, py3 stream, py3 read() outcome,\n"
                " *  2.7 read() outcome, 2.7 read() data (NULL on error)} */\n\n"
                % sys.version.split()[0])
        f.write("static const oracle_chunked_case oracle_chunked_cases[] = {\n")
        f.write("\n".join(rows))
        f.write("\n};\n")
    print("wrote %d cases to %s" % (len(rows), out))


if __name__ == "__main__":
    if "--py27" in sys.argv:
        run_py27()
    else:
        main()
