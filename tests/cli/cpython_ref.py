# SPDX-License-Identifier: MIT
"""What CPython's http.client (httplib under 2.7) does for the httpc options
that map onto its API, so tests/cli/test_cli.py can compare the CLI with the
interpreter on the same bytes. Runs under 2.7 and 3.x; prints one JSON line:
error (the exception class, or null), detail, status, body (latin-1 text of
the bytes the caller got back, e.partial included) and partial_len.

    cpython_ref.py URL [-X M] [-H 'N: v']... [-d DATA] [--data-chunk S]...
                   [--data-fileobj PATH]
                   [--encode-chunked] [--source-address HOST[:PORT]]
                   [--readinto N] [--read-size N]
"""
import json
import os
import sys

try:
    import http.client as client
except ImportError:  # Python 2.7
    import httplib as client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diffcpython"))
from cpython_driver import read_body as read_pieces  # noqa: E402


def parse(argv):
    a = {"method": None, "headers": {}, "data": None, "chunks": [], "fileobj": None,
         "encode_chunked": False,
         "source": None, "readinto": 0, "read_size": 0, "url": None}
    i = 0
    while i < len(argv):
        o = argv[i]
        if o == "--encode-chunked":
            a["encode_chunked"] = True
            i += 1
            continue
        if not o.startswith("-"):
            a["url"] = o
            i += 1
            continue
        v = argv[i + 1]
        i += 2
        if o == "-X":
            a["method"] = v
        elif o == "-H":
            k, _, val = v.partition(":")
            a["headers"][k] = val.lstrip(" \t")
        elif o == "-d":
            a["data"] = v.encode("latin-1")
        elif o == "--data-fileobj":
            a["fileobj"] = v
        elif o == "--data-chunk":
            a["chunks"].append(v.encode("latin-1"))
        elif o == "--source-address":
            host, _, port = v.rpartition(":")
            a["source"] = (host.strip("[]"), int(port)) if host else (v, 0)
        elif o in ("--readinto", "--read-size"):
            a[o[2:].replace("-", "_")] = int(v)
        else:
            sys.exit("cpython_ref: unknown option %s" % o)
    return a


def read_body(resp, a):
    """The body as the caller holds it, and IncompleteRead's partial length."""
    pieces = []
    try:
        read_pieces(resp, a["readinto"] or a["read_size"], pieces, readinto=bool(a["readinto"]))
    except client.IncompleteRead as e:
        pieces.append(e.partial)
        return b"".join(pieces), len(e.partial), e
    return b"".join(pieces), None, None


def main():
    a = parse(sys.argv[1:])
    hostport, _, path = a["url"][len("http://"):].partition("/")
    out = {"error": None, "detail": "", "status": None, "body": None, "partial_len": None}
    kwargs = {"timeout": 5}
    if a["source"]:
        kwargs["source_address"] = a["source"]
    body = a["data"]
    if a["chunks"]:
        body = (c for c in a["chunks"])  # a generator, as --data-chunk sends
    if a["fileobj"]:
        body = open(a["fileobj"], "rb")  # the file object, as --data-fileobj sends
    method = a["method"] or ("POST" if body is not None else "GET")
    try:
        conn = client.HTTPConnection(hostport, **kwargs)
        extra = {"encode_chunked": True} if a["encode_chunked"] else {}
        conn.request(method, "/" + path, body, a["headers"], **extra)
        resp = conn.getresponse()
        out["status"] = resp.status
        data, out["partial_len"], err = read_body(resp, a)
        out["body"] = data.decode("latin-1")
        if err is not None:
            raise err
    except Exception as e:  # every outcome is reported
        out["error"] = type(e).__name__
        out["detail"] = str(e)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
