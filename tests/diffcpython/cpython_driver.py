# SPDX-License-Identifier: MIT
"""The CPython side of make diff-cpython: reads a batch of replies and gives
each one to http.client (httplib under 2.7) through a fake socket in this
process, as HTTPResponse(sock, method=...).begin() then read() or read(n),
and prints one JSON line per reply and read size, the shape diff_driver.c
prints for httpc (and the fields of tests/oracle/cpython_adapter.py).

Usage: python cpython_driver.py [--strict] [--bodies] BATCH
  --strict  httplib's HTTPResponse(strict=1) (2.7: the py27-strict profile)
  --bodies  print the body itself ("body", latin-1) besides its length and CRC
BATCH: records "ID METHOD SIZES LEN\\n" + LEN bytes + "\\n"; SIZES is a
comma-separated list of read sizes, 0 for read().

Runs under Python 2.7 and 3.x. The socket file is what HTTPResponse would get
from a real socket with the whole reply waiting: 3.x's makefile("rb"), a
BufferedReader over a raw stream; 2.7's unbuffered makefile('rb', 0), whose
read(n) and readline(n) an in-memory BytesIO answers the same way. The
address space is capped (--as-limit, default 3 GiB) so that a Content-Length
of many gigabytes fails the same way (MemoryError) on every machine."""
import io
import json
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
from cpython_adapter import client, py3_name, text, PY2  # noqa: E402


class _Raw(io.RawIOBase):
    """socket.SocketIO over bytes that are all there: readinto gives what fits."""

    def __init__(self, data):
        io.RawIOBase.__init__(self)
        self._view = memoryview(data)
        self._pos = 0

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), len(self._view) - self._pos)
        b[:n] = self._view[self._pos:self._pos + n]
        self._pos += n
        return n


class FakeSocket(object):
    def __init__(self, data):
        self._data = data

    def makefile(self, mode="rb", bufsize=-1):
        if PY2:
            return io.BytesIO(self._data)
        return io.BufferedReader(_Raw(self._data), io.DEFAULT_BUFFER_SIZE)

    def close(self):
        pass


def latin1(b):
    """Bytes (2.x str) or a 3.x str of latin-1 code points, as a unicode string."""
    return text(b) if PY2 else (b if isinstance(b, str) else b.decode("latin-1"))


def read_body(resp, amt, pieces, readinto=False):
    """Reads the body as the Python caller does, into `pieces` (what came
    before an exception stays there): read() when amt is 0, else read(amt)
    until it gives nothing, or with readinto resp.readinto(bytearray(amt))
    until 0. tests/cli/cpython_ref.py reads the same way."""
    if not amt:
        pieces.append(resp.read())
        return
    buf = bytearray(amt) if readinto else None
    while True:
        piece = bytes(buf[:resp.readinto(buf)]) if readinto else resp.read(amt)
        if not piece:
            return
        pieces.append(piece)


def run_one(reply, method, amt, strict):
    kw = {"method": method}
    if PY2:
        kw["strict"] = strict
    resp = client.HTTPResponse(FakeSocket(reply), **kw)
    out = {"error": None, "detail": u"", "partial_len": None, "expected_more": None}
    pieces, began = [], False
    try:
        resp.begin()
        began = True
        read_body(resp, amt, pieces)
    except client.IncompleteRead as e:
        out["error"] = "IncompleteRead"
        out["detail"] = latin1(repr(e))
        out["partial_len"] = len(e.partial)
        out["expected_more"] = e.expected
        pieces.append(e.partial)
    except Exception as e:  # every outcome is reported, never raised
        out["error"] = py3_name(e)
        try:
            out["detail"] = latin1(str(e))
        except Exception:  # a str() that fails (2.x unicode in a message)
            out["detail"] = latin1(repr(e))
        if not amt:
            pieces = []
    if began:
        body = b"".join(pieces)
        out.update(status=resp.status, version=resp.version, reason=latin1(resp.reason),
                   headers=[[latin1(k), latin1(v)] for k, v in resp.getheaders()],
                   body_len=len(body), body_crc=zlib.crc32(body) & 0xffffffff,
                   will_close=bool(resp.will_close), body=body)
    else:
        out.update(status=None, version=None, reason=None, headers=None, body_len=None,
                   body_crc=None, will_close=None)
    return out


def records(f):
    """(id, method, sizes, reply) of each record of a batch file."""
    while True:
        head = f.readline()
        if not head:
            return
        rid, method, sizes, n = head.split()
        reply = f.read(int(n) + 1)
        if len(reply) != int(n) + 1 or reply[-1:] != b"\n":
            sys.exit("cpython_driver: bad record %s" % rid.decode("ascii"))
        yield (rid.decode("ascii"), method.decode("ascii"),
               [int(s) for s in sizes.split(b",")], reply[:-1])


def main(argv):
    strict = "--strict" in argv
    bodies = "--bodies" in argv
    limit = 3 << 30
    for a in argv:
        if a.startswith("--as-limit="):
            limit = int(a.split("=", 1)[1])
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    if limit:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = sys.stdout if PY2 else sys.stdout.buffer
    with open(args[0], "rb") as f:
        for rid, method, sizes, reply in records(f):
            for amt in sizes:
                o = run_one(reply, method, amt, strict)
                body = o.pop("body", None)
                if bodies and body is not None:
                    o["body"] = latin1(body)
                o["id"], o["read"] = rid, amt
                out.write(json.dumps(o, sort_keys=True).encode("ascii") + b"\n")
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
