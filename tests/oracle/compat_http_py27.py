# SPDX-License-Identifier: MIT
"""What httplib 2.7's compatibility class HTTP does with a reply: the
outcomes tests/client/test_compat_http.c asserts for httpc_http_*.

    $(pyenv prefix 2.7.18)/bin/python2.7 tests/oracle/compat_http_py27.py

Runs under Python 2.7 (httplib.HTTP is gone in 3.x). For each case a local
server records the request head and answers with the case's bytes; the
script prints the request it saw, getreply()'s (errcode, errmsg, headers)
and what getfile() gives: None, or its read() (the raw rest of the stream)."""
from __future__ import print_function

import httplib
import socket
import threading

CASES = [
    ("length", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", 0),
    ("chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 0),
    ("http09", "garbage\r\nrest", 0),
    ("strict-http09", "garbage\r\nrest", 1),
    ("status-not-int", "HTTP/1.1 abc OK\r\n\r\nrest", 0),
    ("status-99", "HTTP/1.1 99 Low\r\n\r\n", 0),
    ("empty", "", 0),
    ("status-odd-bytes", "HTTP/1.1 99 L\x00o'\"\\\xffw\r\n\r\n", 0),
    ("unknown-protocol", "HTTP/2.0 200 OK\r\n\r\n", 0),
    ("no-reason", "HTTP/1.1 404\r\nX-A: 1\r\nX-A: 2\r\n\r\n", 0),
]


def serve(reply, seen):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)

    def run():
        c, _ = s.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            more = c.recv(4096)
            if not more:
                break
            data += more
        seen.append(data)
        c.sendall(reply)
        c.close()
        s.close()
    t = threading.Thread(target=run)
    t.start()
    return s.getsockname()[1], t


def one(name, reply, strict):
    seen = []
    port, t = serve(reply, seen)
    h = httplib.HTTP("127.0.0.1", port, strict or None)
    h.putrequest("GET", "/x")
    h.putheader("X-Two", "a", "b")
    h.endheaders()
    try:
        code, msg, headers = h.getreply()
    except Exception as e:  # an error getreply() lets through
        print(name, "request", repr(seen), "raises", type(e).__name__, repr(str(e)))
        t.join()
        return
    t.join()
    f = h.getfile()
    hdrs = None if headers is None else [h_.rstrip("\r\n") for h_ in headers.headers]
    print(name, "request", repr(seen), "reply", repr((code, msg)), "headers", repr(hdrs),
          "file", "None" if f is None else repr(f.read()))


def main():
    for case in CASES:
        one(*case)
    # HTTP(port=0) is the default port; connect(host, port) replaces both.
    h = httplib.HTTP("example.invalid", 0)
    print("port-0", h._conn.host, h._conn.port)


if __name__ == "__main__":
    main()
