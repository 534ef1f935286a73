# SPDX-License-Identifier: MIT
"""The CPython http.client side of the end-to-end benchmark: keep-alive GETs
on one HTTPConnection, the body read with readinto() into one buffer (as
bench/client.c does with httpc and libcurl). Prints one JSON object."""
import argparse
import http.client
import json
import time


def peak_rss_kb():
    """VmHWM: starts afresh at exec, unlike ru_maxrss after fork."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--requests", type=int, default=1000)
    a = ap.parse_args()
    rss0 = peak_rss_kb()  # the interpreter itself
    buf = memoryview(bytearray(256 * 1024))
    conn = http.client.HTTPConnection("127.0.0.1", a.port)
    got = 0
    t0 = time.monotonic()
    for _ in range(a.requests):
        conn.request("GET", "/%d" % a.size)
        r = conn.getresponse()
        while True:
            k = r.readinto(buf)
            if not k:
                break
            got += k
    dt = time.monotonic() - t0
    conn.close()
    if got != a.size * a.requests:
        raise SystemExit("bench: python read %d bytes, expected %d" % (got, a.size * a.requests))
    peak = peak_rss_kb()
    print(json.dumps({"client": "python", "size": a.size, "requests": a.requests,
                      "seconds": dt, "req_s": a.requests / dt, "mb_s": got / dt / 1e6,
                      "maxrss_kb": peak, "rss_growth_kb": peak - rss0}))


if __name__ == "__main__":
    main()
