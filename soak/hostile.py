#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile clients for the soak's hostile-load phase (the mock server against hostile peers), from one
epoll loop: stuffed connections (a request head with no end, up to the 64 KiB
the mock server's --repeat mode holds, then again on a new connection; all
of them together at a set rate), idle
ones (connect, say nothing), slowloris ones (one header byte a second) and
dribbling ones (valid keep-alive requests in 50-byte writes, each reply
checked). soak.py drives it against `httpc-mock serve --repeat
soak/scenarios/keepalive.scn` (and measures the server meanwhile); by
hand, against such a server:

    hostile.py --port P --stuffed 50 --idle 20 --slowloris 20 --dribbling 10 --seconds 5

prints its counts as one JSON line.
"""
import argparse
import heapq
import json
import select
import socket
import sys
import time

# The record of a --repeat connection: a head this long without an end is
# answered 431 and closed.
STUFF_TOTAL = 64 << 10
STUFF_WRITE = 16 << 10
STUFFING = (b"GET /soak/stuffed HTTP/1.1\r\nHost: soak\r\nX-Stuffing: " + b"a" * STUFF_TOTAL)[:STUFF_TOTAL]
SLOW_EVERY = 1.0
SLOW_HEAD = b"GET /soak/slow HTTP/1.1\r\nHost: soak\r\nX-Slow: " + b"s" * 4096
DRIBBLE_WRITE = 50
DRIBBLE_EVERY = 0.05
DRIBBLE_REQUEST = b"GET /soak/dribbled HTTP/1.1\r\nHost: soak\r\nX-Pad: " + b"p" * 900 + b"\r\n\r\n"
# What soak/scenarios/keepalive.scn answers to every request.
REPLY = (b"HTTP/1.1 200 OK\r\nContent-Length: 64\r\nContent-Type: text/plain\r\n\r\n"
         + b"0123456789abcdef" * 4)
TOO_LARGE = b"HTTP/1.1 431 "
KINDS = ("stuffed", "idle", "slowloris", "dribbling")


class Peer:
    __slots__ = ("kind", "sock", "opened", "first", "sent", "rx", "gen")

    def __init__(self, kind, sock, now, gen):
        self.kind, self.sock, self.opened, self.gen = kind, sock, now, gen
        self.first = None  # when its first byte went out
        self.sent = 0      # bytes of the current head or request written
        self.rx = b""


class Hostile:
    """The hostile connections to one port. want() sets how many of each kind
    are kept open (a peer the server closes is replaced at once); run() drives
    them for a while. `stats` counts what happened."""

    def __init__(self, port, stuff_rate=16 << 20):
        self.port = port
        self.stuff_rate = stuff_rate  # bytes a second, all stuffed connections together
        self.peers = {}  # fd -> Peer
        self.wanted = dict.fromkeys(KINDS, 0)
        self.poller = select.epoll()  # poll() would cost every peer at every write
        self.timers = []  # (when, seq, fd, gen): the peer's next write
        self.seq = 0
        self.stats = {"bytes_sent": 0, "stuffed_431": 0, "stuffed_closed_without_431": 0,
                      "idle_closed": 0, "slowloris_closed": 0, "dribbled_ok": 0,
                      "errors": 0, "first_error": "", "connect_failed": 0,
                      "opened": dict.fromkeys(KINDS, 0), "idle_close_ms": [],
                      "slowloris_close_ms": []}

    def count(self, kind):
        return sum(1 for p in self.peers.values() if p.kind == kind)

    def want(self, kind, n):
        self.wanted[kind] = n
        now = time.monotonic()
        for _ in range(n - self.count(kind)):
            self.open(kind, now)
        extra = [fd for fd, p in self.peers.items() if p.kind == kind][n:] if n < self.count(kind) else []
        for fd in extra:
            self.drop(fd)

    def open(self, kind, now):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", self.port))
        except OSError:
            self.stats["connect_failed"] += 1
            s.close()
            return
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.seq += 1
        p = Peer(kind, s, now, self.seq)
        self.peers[s.fileno()] = p
        self.stats["opened"][kind] += 1
        self.poller.register(s.fileno(), select.EPOLLIN)
        if kind == "stuffed":  # spread over the period, not all at once
            self.schedule(p, now + (p.gen * 0.6180339887) % 1.0 * self.stuff_every())
        elif kind != "idle":
            self.schedule(p, now)

    def stuff_every(self):
        """The stuffing's rate is the same at every level: what grows is the
        number of connections that hold unfinished heads."""
        return max(1, self.wanted["stuffed"]) * STUFF_WRITE / self.stuff_rate

    def schedule(self, p, when):
        self.seq += 1
        heapq.heappush(self.timers, (when, self.seq, p.sock.fileno(), p.gen))

    def drop(self, fd):
        p = self.peers.pop(fd)
        self.poller.unregister(fd)
        p.sock.close()

    def send(self, p, data):
        try:
            n = p.sock.send(data)
        except BlockingIOError:
            return 0
        except OSError:
            return -1
        if p.first is None:
            p.first = time.monotonic()
        self.stats["bytes_sent"] += n
        return n

    def write(self, p, now):
        """The peer's next write; when it is due again, or None."""
        if p.kind == "stuffed":
            if p.sent >= STUFF_TOTAL:
                return None  # all of it sent: waiting for the 431 and the close
            piece = STUFFING[p.sent:p.sent + STUFF_WRITE]
            every = self.stuff_every()
        elif p.kind == "slowloris":
            piece, every = SLOW_HEAD[p.sent % len(SLOW_HEAD):][:1], SLOW_EVERY
        else:
            if p.sent >= len(DRIBBLE_REQUEST):
                return None  # waiting for the reply
            piece, every = DRIBBLE_REQUEST[p.sent:p.sent + DRIBBLE_WRITE], DRIBBLE_EVERY
        n = self.send(p, piece)
        if n > 0:
            p.sent += n
        return now + every if n >= 0 else None

    def closed(self, fd, now):
        """The server closed (or reset) the peer: count it, replace it."""
        p = self.peers[fd]
        st = self.stats
        if p.kind == "stuffed":
            key = "stuffed_431" if p.rx.startswith(TOO_LARGE) else "stuffed_closed_without_431"
            st[key] += 1
        elif p.kind == "idle":
            st["idle_closed"] += 1
            st["idle_close_ms"].append(round((now - p.opened) * 1000))
        elif p.kind == "slowloris":
            st["slowloris_closed"] += 1
            st["slowloris_close_ms"].append(round((now - (p.first or p.opened)) * 1000))
        else:
            self.error(f"a dribbling connection closed by the server after {p.sent} bytes of a request")
        self.drop(fd)
        if self.count(p.kind) < self.wanted[p.kind]:
            self.open(p.kind, now)

    def error(self, what):
        if self.stats["errors"] == 0:
            self.stats["first_error"] = what
        self.stats["errors"] += 1

    def received(self, fd, now):
        p = self.peers[fd]
        try:
            data = p.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.closed(fd, now)
            return
        p.rx += data
        if p.kind == "stuffed":
            p.rx = p.rx[:256]
        elif p.kind == "dribbling":
            while len(p.rx) >= len(REPLY) and p.sent >= len(DRIBBLE_REQUEST):
                if p.rx[:len(REPLY)] == REPLY:
                    self.stats["dribbled_ok"] += 1
                else:
                    self.error(f"wrong reply {p.rx[:40]!r}")
                p.rx, p.sent = p.rx[len(REPLY):], 0
                self.schedule(p, now)
        elif p.kind in ("idle", "slowloris"):
            self.error(f"a {p.kind} connection got a reply {p.rx[:40]!r}")

    def run(self, seconds):
        end = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fd, gen = heapq.heappop(self.timers)
                p = self.peers.get(fd)
                if p is not None and p.gen == gen:
                    again = self.write(p, now)
                    if again is not None:
                        self.schedule(p, again)
            if now >= end:
                return
            nxt = min(end, self.timers[0][0]) if self.timers else end
            for fd, _ in self.poller.poll(max(0.0, nxt - now)):
                if fd in self.peers:
                    self.received(fd, time.monotonic())

    def close_all(self):
        for kind in KINDS:
            self.wanted[kind] = 0
        for fd in list(self.peers):
            self.drop(fd)
        self.poller.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--port", type=int, required=True, help="an httpc-mock serve --repeat server")
    for kind in KINDS:
        ap.add_argument(f"--{kind}", type=int, default=0, help=f"{kind} connections kept open")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--stuff-rate", type=float, default=16, help="MiB/s of stuffing, all together (16)")
    args = ap.parse_args()
    h = Hostile(args.port, int(args.stuff_rate * (1 << 20)))
    for kind in KINDS:
        h.want(kind, getattr(args, kind))
    h.run(args.seconds)
    h.close_all()
    print(json.dumps(h.stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
