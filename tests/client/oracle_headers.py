#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates tests/client/oracle_status.inc and oracle_headers.inc: what
CPython 3.11 and Python 2.7 make of tricky status lines and header blocks, as
C initialisers that test_parse_status.c and test_parse_headers.c compare
httpc against.

    python3 tests/client/oracle_headers.py    # rewrites both .inc files

Python 3 drives http.client (HTTPResponse.begin / _read_status and
parse_headers); Python 2.7 runs this same file with --py27 to drive httplib,
and hands its answers back as JSON. Each input is the whole stream (EOF after
it)."""
from __future__ import print_function

import binascii
import io
import json
import os
import subprocess
import sys

# HTTPC_PY27, as everywhere (tests/oracle/py27.py; this file also runs under 2.7,
# so it reads the variable itself).
PY27 = os.environ.get("HTTPC_PY27") or "/root/.pyenv/versions/2.7.18/bin/python2.7"

STATUS_CASES = [
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.0 404 Not Found\r\n",
    b"HTTP/0.9 200 OK\r\n",
    b"HTTP/1.1 200\r\n",
    b"HTTP/1.1 200 \r\n",
    b"HTTP/1.1 200 \x1c\r\n",
    b"HTTP/1.1 200 \xa0\r\n",
    b"HTTP/1.1 200\x1c\r\n",
    b"HTTP/1.1 200\xa0\r\n",
    b"HTTP/1.1 200 OK\x1c\r\n",
    b"HTTP/1.1 200\x85OK\r\n",
    b"HTTP/1.1 +200 OK\r\n",
    b"HTTP/1.1 2_00 OK\r\n",
    b"HTTP/1.1 2__00 OK\r\n",
    b"HTTP/1.1 _200 OK\r\n",
    b"HTTP/1.1 -200 OK\r\n",
    b"HTTP/1.1 0200 OK\r\n",
    b"HTTP/1.1 99 OK\r\n",
    b"HTTP/1.1 1000 OK\r\n",
    b"HTTP/1.1 999 Custom\r\n",
    b"HTTP/1.1 0x1 OK\r\n",
    b"HTTP/1.1 2OO OK\r\n",
    b"HTTP/1.1 +  200 OK\r\n",
    b"HTTP/1.1 20\x000 OK\r\n",
    b"HTTP/1.1\r\n",
    b"\r\n",
    b"\n",
    b"hello world\r\n",
    b"HTTP/2 200 OK\r\n",
    b"HTTP/2 abc OK\r\n",
    b"HTTP/1. 200 OK\r\n",
    b"HTTP/1.10 200 OK\r\n",
    b"HTTP/ 200 OK\r\n",
    b"HTTP/3.0 200 OK\r\n",
    b"http/1.1 200 OK\r\n",
    b" HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1\t200\tOK\r\n",
    b"HTTP/1.1\x0b200\x0cOK\r\n",
    b"HTTP/1.1\x1c200\x1fOK\x1c\r\n",
    b"HTTP/1.1 \xa0200\xa0OK\x85\r\n",
    b"HTTP/1.1 200 OK\rX\r\n",
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200 OK\n",
    b"HTTP/1.1 200 OK\r\r\n",
    b"HTTP/1.1 200  Multiple   Spaces  \r\n",
    b"HTTP/1.1 200 \xe9t\xe9\r\n",
    b"HTTP/1.1 \xd9\xa0 OK\r\n",
    b"HTTP/1.1 200 O'K\r\n",
    b"HTTP/1.1 2'0\"0 OK\r\n",
    b"HTTP/1.1 200 OK \t \r\n",
    b"HTTP/1.1 200 \x0bOK\x0c\r\n",
    b"HTTP/1.1 200 OK\x00\r\n",
    b"HTTP/1.1 200 OK\r\nX: y\r\n\r\n",
    b"HTTP/1.1\xa0200 OK\r\n",
    b"\x85HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 \x7f200 OK\r\n",
    b"HTTP/1.1 \xb2\xb2\xb2 OK\r\n",
    b"HTTP/1.1 2\xa000 OK\r\n",
    b"HTTP/1.1 204 \x1c\x1d\x1e\x1fNo\x1c\r\n",
    b"HTTP/1.1 +0200 OK\r\n",
    b"HTTP/1.1 00000000000000000000200 OK\r\n",
    b"HTTP/1.1 99999999999999999999999 OK\r\n",
    b"HTTP/1.1 2 \r\n",
    b"HTTP/1.1 \r\n",
    b"HTTP/ \r\n",
    b"HTTP/1.1 200 OK\x85\xa0\r\n",
]

HEADER_CASES = [
    b"\r\n",
    b"\n",
    b"",
    b"A: b\r\n\r\n",
    b"A: b\r\nC: d\r\n\r\nbody",
    b"A: b\n\n",
    b"A: b\r\n \r\n\r\n",
    b"A:\r\n \r\n\r\n",
    b"A: b\rC: d\r\n\r\n",
    b"A: b\r\r\nC: d\r\n\r\n",
    b" X: y\r\nA: b\r\n\r\n",
    b"From x\r\nA: b\r\n\r\n",
    b"From x\r\nFrom y\r\nA: b\r\n\r\n",
    b"A: b\r\nFrom x\r\n c\r\nD: e\r\n\r\n",
    b"A: b\r\nFrom x\r\n\r\n",
    b":x\r\n c: d\r\nA: b\r\n\r\n",
    b"A b: c\r\nD: e\r\n\r\n",
    b"A: b\r\nnocolon\r\n c: x\r\nD: e\r\n\r\n",
    b"A : b\r\n\r\n",
    b"A:\t b \t\r\n\r\n",
    b"A: b\n\tc\n\n",
    b"A: b",
    b"A: b\r",
    b"\xe9: b\r\n\r\n",
    b"A: \xe9\x00\r\n\r\n",
    b"A: b\r\n\rC: d\r\n\r\n",
    b"A: 1\r\nB: 2\r\na: 3\r\n x \r\n\r\n",
    b"A: b\r\n \t\r\n c\r\n\r\n",
    b"A: \x1cb\x1c\x0b\r\n\r\n",
    b"A: b\r\n\r\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\nX: y\r\n\r\n--x\r\n",
    b"A: b\r\n\r\nC: d\r\n",
    b"From: x\r\n\r\n",
    b"From x\r\n c\r\nA: b\r\n\r\n",
    b" c\r\nA: b\r\n\r\n",
    b"A: b\r\n:x\r\n c\r\n\r\n",
    b"A:b\r\nFrom :x\r\n\r\n",
    b"A: b\r\n\x00\r\n",
    b"A:b:c\r\n\r\n",
    b"A: b\r\n\t\r\n\r\n",
    b"Set-Cookie: a\r\nset-cookie: b\r\n\r\n",
    b"A: b\r\n \r\n",
    b"A: b\r\nC",
    b"A: b\r\n\r",
    b"X-\x7f: y\r\n\r\n",
    b"A:\r\n\r\n",
    b"A: v\r\n\x0bB: c\r\n\r\n",
    b"A: v\r\n\r\n\r\n",
    b"A: b\n\r\n",
    b"A: b \r\n  c  \r\n\r\n",
    b"A: b\r\n c\rD: e\r\n\r\n",
    b"From x\r\n",
    b"A: b\r\nFrom x",
    b"\tA: b\r\n\r\n",
    b"A\x85: b\r\n\r\n",
    b"A: b\r\nB\r\n\r\n",
    b"A: b\r\n\r\nX: y",
    b"A: b\r\n\n",
    b"A: b\r\n \r\n\tc\r\n\r\n",
    b"A:  \r\n\r\n",
    b"A: b\r\r\r\n\r\n",
    b"A: b\r\n\r\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
    b"A: b\r\n c: d\r\n\r\n",
    b"A: \"x\"\r\n\r\n",
    b"A: it's\r\n\r\n",
    b"A: \\\r\n\r\n",
    b"A: b\r\nFromage: x\r\n\r\n",
    b"From\tx\r\nA: b\r\n\r\n",
    b"FROM x\r\nA: b\r\n\r\n",
    b"From x: y\r\n\r\n",
    b"A: b\r\nFrom x: y\r\n\r\n",
    b"A: b\r\nFrom x: y\r\nC: d\r\n\r\n",
    b"From x\r\n\r\n",
    b"From \r\n c\r\n\r\n",
    b"From",
    b"A:b\r\n\x0b\r\n\r\n",
    b"A: b\r\n\x0c c\r\n\r\n",
    b"A: b\r\n\r \r\n\r\n",
    b"A: \r\n\r\n",
    b"A:\t\r\n\tb\r\n\r\n",
    b"A: b\x85C: d\r\n\r\n",
    b"A: b\x1cC: d\x1d\x1e\r\n\r\n",
    b"A: b\x0bC: d\x0c\r\n\r\n",
]


def hexs(b):
    return binascii.hexlify(b).decode("ascii")


def unhex(s):
    return binascii.unhexlify(s.encode("ascii"))


def py_repr(s):
    """repr() of the exception's argument, as the C detail gives it."""
    return repr(s)


# ---- Python 2.7 side (run under python2.7 --py27) --------------------------

def py27_main():
    import StringIO
    import httplib

    class Sock(object):
        def __init__(self, data):
            self.data = data

        def makefile(self, *a, **k):
            return StringIO.StringIO(self.data)

    def status(data, strict):
        fp = StringIO.StringIO(data)
        r = httplib.HTTPResponse(Sock(data), strict=strict)
        r.fp = fp
        try:
            r.begin()
        except Exception as e:
            return {"err": type(e).__name__, "detail": hexs(detail27(e))}
        http09 = isinstance(r.fp, httplib.LineAndFileWrapper)
        r2 = httplib.HTTPResponse(Sock(data), strict=strict)
        fp2 = StringIO.StringIO(data)
        r2.fp = fp2
        r2._read_status()
        return {"consumed": 0 if http09 else fp2.tell(), "version": r.version,
                "status": r.status, "reason": hexs(r.reason), "http09": int(http09)}

    def headers(data):
        fp = StringIO.StringIO(data)
        try:
            m = httplib.HTTPMessage(fp, 0)
        except Exception as e:
            return {"err": type(e).__name__, "detail": hexs(detail27(e))}
        items = sorted((hexs(k), hexs(v)) for k, v in m.dict.items())
        return {"consumed": fp.tell(), "entries": len(m.headers), "dict": items}

    def detail27(e):
        if isinstance(e, (httplib.BadStatusLine, httplib.UnknownProtocol)):
            arg = e.args[0]
            if type(e) is httplib.BadStatusLine and arg.startswith("No status line"):
                return arg
            return repr(arg)
        return str(e)

    cases = json.loads(sys.stdin.read())
    out = {"status": [[status(unhex(c), 0), status(unhex(c), 1)] for c in cases["status"]],
           "headers": [headers(unhex(c)) for c in cases["headers"]]}
    sys.stdout.write(json.dumps(out))


# ---- Python 3 side ---------------------------------------------------------

def py3_status(data):
    import http.client

    class Sock:
        def makefile(self, *a, **k):
            return io.BytesIO(data)

    r = http.client.HTTPResponse(Sock())
    try:
        r.begin()
    except Exception as e:
        if isinstance(e, (http.client.BadStatusLine, http.client.UnknownProtocol)) and \
                not isinstance(e, http.client.RemoteDisconnected):
            detail = repr(e.args[0])
        else:
            detail = str(e)
        return {"err": type(e).__name__, "detail": detail.encode("utf-8")}
    r2 = http.client.HTTPResponse(Sock())
    r2._read_status()
    return {"consumed": r2.fp.tell(), "version": r.version, "status": r.status,
            "reason": r.reason.encode("latin-1"), "http09": 0}


def py3_headers(data):
    import http.client
    fp = io.BytesIO(data)
    try:
        m = http.client.parse_headers(fp)
    except Exception as e:
        return {"err": type(e).__name__, "detail": str(e).encode("utf-8")}
    return {"consumed": fp.tell(),
            "fields": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in m.items()]}


ERR = {"BadStatusLine": "HTTPC_E_BAD_STATUS_LINE", "UnknownProtocol": "HTTPC_E_UNKNOWN_PROTOCOL",
       "RemoteDisconnected": "HTTPC_E_REMOTE_DISCONNECTED", "LineTooLong": "HTTPC_E_LINE_TOO_LONG",
       "HTTPException": "HTTPC_E_HTTP_EXCEPTION"}


def name_octets():
    """Which octets CPython 3 accepts inside a field name: "A<c>: v" read as
    one field, one '0'/'1' per octet value."""
    bits = []
    for c in range(256):
        r = py3_headers(b"A" + bytes([c]) + b": v\r\n\r\n")
        bits.append("1" if r["fields"] == [(b"A" + bytes([c]), b"v")] else "0")
    bits = "".join(bits)
    rows = ['    "%s"' % bits[i:i + 64] for i in range(0, 256, 64)]
    return "/* CPython 3: octet c is part of the name in \"A<c>: v\" (headerRE). */\n" \
        "static const char oracle_py3_name_octets[] =\n" + "\n".join(rows) + ";"


def c_str(b):
    """A C string literal for bytes b: octal escapes never swallow a digit."""
    out = []
    for c in bytearray(b):
        ch = chr(c)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 0x20 <= c < 0x7f:
            out.append(ch)
        else:
            out.append("\\%03o" % c)
    return '"' + "".join(out) + '"'


def c_bytes(b):
    return "{%s, %d}" % (c_str(b), len(b))


def c_result(r):
    if "err" in r:
        return "%s, 0, 0, {\"\", 0}, 0, %s" % (ERR[r["err"]], c_str(r["detail"]))
    return "%d, %d, %d, %s, %d, \"\"" % (r["consumed"], r["version"], r["status"],
                                         c_bytes(r["reason"]), r["http09"])


def c_status_row(data, py27, py27s, py3):
    return "    {%s,\n     {{%s},\n      {%s},\n      {%s}}},\n" % (
        c_bytes(data), c_result(py27), c_result(py27s), c_result(py3))


def c_kv_list(pairs):
    if not pairs:
        return "NULL, 0"
    rows = ", ".join("{%s, %s}" % (c_bytes(k), c_bytes(v)) for k, v in pairs)
    return "(const oracle_kv[]){%s}, %d" % (rows, len(pairs))


def c_header_row(data, py27, py3):
    def one(r, key, extra):
        if "err" in r:
            return "%s, 0, NULL, 0, %s" % (ERR[r["err"]], c_str(r["detail"]))
        return "%d, %s, %s, \"\"" % (r["consumed"], extra(r), c_kv_list(r[key]))
    return "    {%s,\n     {%s},\n     {%s}},\n" % (
        c_bytes(data), one(py27, "dict", lambda r: "%d" % r["entries"]),
        one(py3, "fields", lambda r: "0"))


def main():
    cases = {"status": [hexs(c) for c in STATUS_CASES], "headers": [hexs(c) for c in HEADER_CASES]}
    proc = subprocess.run([PY27, os.path.abspath(__file__), "--py27"], check=True,
                          input=json.dumps(cases).encode(), stdout=subprocess.PIPE)
    py27 = json.loads(proc.stdout)
    fix27 = lambda r: dict(r, **({"detail": unhex(r["detail"])} if "err" in r else
                                 {"reason": unhex(r["reason"])} if "reason" in r else
                                 {"dict": [(unhex(k), unhex(v)) for k, v in r["dict"]]}))
    banner = ["/* Generated by tests/client/oracle_headers.py from CPython %s and Python 2.7;"
              % sys.version.split()[0],
              " * do not edit: rerun python3 tests/client/oracle_headers.py. */", ""]
    rows = [c_status_row(data, fix27(r27), fix27(r27s), py3_status(data))
            for data, (r27, r27s) in zip(STATUS_CASES, py27["status"])]
    write("oracle_status.inc", banner + ["static const oracle_status_case oracle_status_cases[] = {",
                                         "".join(rows) + "};"])
    rows = [c_header_row(data, fix27(r27), py3_headers(data))
            for data, r27 in zip(HEADER_CASES, py27["headers"])]
    write("oracle_headers.inc", banner + ["static const oracle_header_case oracle_header_cases[] = {",
                                          "".join(rows) + "};", "", name_octets()])


def write(name, lines):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    if "--py27" in sys.argv:
        py27_main()
    else:
        main()
