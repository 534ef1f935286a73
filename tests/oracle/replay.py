# SPDX-License-Identifier: MIT
"""A loopback server that replays exact reply bytes: the peer both the
reference client and CPython talk to in the oracle checks. Runs under
Python 2.7 and 3."""
import socket
import threading
import time


def _read_request(conn, limit=1 << 20):
    """Reads a request head and its Content-Length / chunked body (best effort)."""
    data = b""
    conn.settimeout(2.0)
    try:
        while b"\r\n\r\n" not in data and len(data) < limit:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or 0)
            if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                while not rest.endswith(b"0\r\n\r\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return head + b"\r\n\r\n" + rest
    except socket.timeout:
        return data


class ReplayServer(object):
    """Serves `reply` to each of `connections` connections, then closes."""

    def __init__(self, reply, connections=1, segment=0, delay=0.0):
        self.reply = reply
        self.segment = segment
        self.delay = delay
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(10.0)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, args=(connections,))
        self.thread.daemon = True
        self.thread.start()

    def _run(self, connections):
        for _ in range(connections):
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                return
            try:
                self.requests.append(_read_request(conn))
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.segment:
                    for i in range(0, len(self.reply), self.segment):
                        conn.sendall(self.reply[i:i + self.segment])
                        if self.delay:
                            time.sleep(self.delay)
                else:
                    conn.sendall(self.reply)
                try:
                    conn.shutdown(socket.SHUT_WR)
                    # Drain so the close sends FIN, not RST, while the client reads.
                    conn.settimeout(2.0)
                    while conn.recv(65536):
                        pass
                except (socket.error, socket.timeout):
                    pass
            except socket.error:
                pass
            finally:
                conn.close()
        self.sock.close()

    def join(self):
        self.thread.join(15)
