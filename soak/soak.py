#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The soak checks: chaos replays of the scenario library, body
integrity up to 1 GiB, load on the mock server, hostile peers beside a normal
client, faults, memory and descriptor leaks under valgrind, hostile
scenario files, the loopback default. Writes
REPORTS/summary.md and REPORTS/soak.json; exit 1 when any check failed.

    soak.py --build build/default --reports reports/soak          # the long one
    soak.py --build build/default --reports reports/soak --ci     # under ~4 minutes
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from hostile import Hostile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOAK = os.path.join(ROOT, "soak")
MiB = 1 << 20

# What each variant runs: CI keeps every threshold of the issue (1,000
# connections, 100,000 exchanges) and trims the repetitions.
SIZES = {
    "ci": dict(body_max=64 * MiB, one_byte_max=64 << 10, chaos=[1], plain_j2=False,
               load_procs=4, load_conns=250, load_rounds=100, fault_seconds=8,
               peers=dict(levels=[50, 100, 200], idle=25, slowloris=25, dribbling=10, window=2.5,
                          rate_window=1, rate_tries=4, idle_ms=2000, head_ms=3000)),
    "full": dict(body_max=1024 * MiB, one_byte_max=MiB + 1, chaos=[1, 2, 3, 4, 5],
                 plain_j2=True, load_procs=8, load_conns=250, load_rounds=200,
                 fault_seconds=30,
                 peers=dict(levels=[100, 200, 400, 600], idle=200, slowloris=150, dribbling=50,
                            window=5, rate_window=1.5, rate_tries=6, idle_ms=5000, head_ms=10000)),
}
# The hostile-peers phase. STUFF_RATE: all stuffed connections
# together, the same at every level, so what grows is the number of unfinished
# heads held; low enough that each stuffed connection reaches 64 KiB within
# the head timeout (3 writes x level x 16 KiB / rate < head timeout), and that
# the debug server spends under a tenth of a core on it. RATE_FLOOR: the
# normal client's loaded rate (the best of 4 or 6 runs) against the better of
# its unloaded rates before and after (the best of 2 runs each): the issue's
# "within 2x". CPU_PER_BYTE_SPREAD: the most the server's CPU time per byte
# received (the least of 5 parts of each level's window) may vary across the
# levels, 4x (ci) and 6x (full) apart in connections held. The fixed server
# measured 1.04x to 1.38x (ci, 7 runs) and 1.06x to 1.58x (full, 3 runs) on a
# 2-core machine shared with other builds (load average 15 to 23): 2.5x leaves
# room for that noise and catches a cost per byte that grows with the heads
# held while the server keeps up. A server that rescans every held head at
# every wake-up does not keep up: it saturates, its cost per byte caps itself
# (measured 40 to 45 ns/B at every level, 3.5x the fixed server's, spread
# 1.1x), and the rate check is the one that catches it (11 requests/s loaded
# against 32,000/s unloaded); so does poll() over every connection (7,500/s
# against 24,000/s).
STUFF_RATE = 4 * MiB
RATE_FLOOR = 0.5
CPU_PER_BYTE_SPREAD = 2.5


class Soak:
    def __init__(self, args):
        self.args = args
        self.size = SIZES["ci" if args.ci else "full"]
        self.bin = lambda *p: os.path.join(args.build, *p)
        self.mock = self.bin("mockserver", "httpc-mock")
        self.conform = self.bin("runner", "httpc-conform")
        self.soak = self.bin("soak", "httpc-soak")
        self.httpc = self.bin("client", "httpc")
        self.work = tempfile.mkdtemp(prefix="httpc-soak-")
        self.figures = {"variant": "ci" if args.ci else "full"}
        self.checks = []  # (phase, what, ok, detail)

    def check(self, phase, what, ok, detail="", known=None):
        """Records a check. `known`: the reason of a known failure, reported
        but not failing the run (a known one that passes is said, to drop it)."""
        state = "ok" if ok else "known" if known else "FAIL"
        if known and ok:
            detail = f"passes now: drop it from KNOWN ({detail})"
        elif known:
            detail = f"{known} [{detail}]"
        self.checks.append({"phase": phase, "check": what, "ok": bool(ok) or bool(known),
                            "state": state, "detail": str(detail)})
        print(f"  {state:5} {phase}: {what}" + (f" ({detail})" if detail else ""), flush=True)

    # ---- helpers -----------------------------------------------------------

    def run(self, cmd, timeout, mem_mib=None):
        """Runs cmd; returns (rc, out, err, maxrss_kib, seconds). rc is -SIG on a
        signal, None on a timeout (the child is killed)."""
        def limit():
            os.setsid()
            if mem_mib:
                b = mem_mib * MiB
                resource.setrlimit(resource.RLIMIT_AS, (b, b))
        t0 = time.monotonic()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 preexec_fn=limit)
            rc, rss = None, 0
            while time.monotonic() - t0 < timeout:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    rc, rss = os.waitstatus_to_exitcode(status), ru.ru_maxrss
                    p.returncode = rc
                    break
                time.sleep(0.02)
            if rc is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            out.seek(0)
            err.seek(0)
            return rc, out.read(), err.read(), rss, time.monotonic() - t0

    def start_mock(self, *extra, prefix=()):
        p = subprocess.Popen([*prefix, self.mock, "serve", os.path.join(SOAK, "scenarios", "keepalive.scn"),
                              "--repeat", *extra], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        port = int(p.stdout.readline())
        return p, port

    @staticmethod
    def fds(pid):
        return len(os.listdir(f"/proc/{pid}/fd"))

    def stop_mock(self, p, baseline):
        """Waits (at most 5 s) for the mock's descriptors to fall back to
        `baseline`, then stops it; returns (fds at the end, its counts, alive)."""
        end = time.monotonic() + 5
        while self.fds(p.pid) > baseline and time.monotonic() < end:
            time.sleep(0.05)
        after = self.fds(p.pid)
        alive = p.poll() is None
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
        lines = [ln for ln in err.splitlines() if ln.startswith("{")]
        return after, (json.loads(lines[-1]) if lines else {}), alive

    # ---- 7. the loopback default -------------------------------------------

    def phase_loopback(self):
        print("loopback", flush=True)
        p, port = self.start_mock()
        local = self.listening(port)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
        self.check("loopback", "binds 127.0.0.1 by default", local == "127.0.0.1", local)
        self.check("loopback", "says nothing of other addresses by default", "not on loopback" not in err)
        p, port = self.start_mock("--bind", "0.0.0.0")
        time.sleep(0.2)
        local = self.listening(port)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
        self.check("loopback", "--bind 0.0.0.0 is said on stderr",
                   "not on loopback only" in err and local == "0.0.0.0",
                   err.strip().splitlines()[0] if err.strip() else "nothing said")

    @staticmethod
    def listening(port):
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                local, st = line.split()[1], line.split()[3]
                addr, p = local.split(":")
                if st == "0A" and int(p, 16) == port:
                    return ".".join(str(int(addr[i:i + 2], 16)) for i in (6, 4, 2, 0))
        return None

    # ---- 6. hostile scenario files -----------------------------------------

    def hostile_files(self, d):
        """name -> (relative path, bytes). Each must be refused with file:line."""
        ok = ("id: soak/x\ntitle: t\n\nconnection\n  read request\n"
              "  send \"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok\"\n\n"
              "expect: response status=200\n")
        rnd = bytes((i * 2654435761 >> 13) & 0xFF for i in range(65536))
        files = {
            "huge (2 MiB of comments)": b"# x\n" * (512 * 1024),
            "huge single line (1 MiB)": b"title: " + b"a" * MiB + b"\n",
            "binary (random bytes)": rnd,
            "binary (NUL bytes)": b"\0" * 4096,
            "binary inside a value": ok.replace("title: t", "title: t\0\xff\x01").encode("latin-1"),
            "truncated in a string": ok[: ok.index("Content-Length") + 5].encode(),
            "truncated escape": ok.replace("ok\"", "ok\\x4").encode()[:-len("\n\nexpect: response status=200\n")],
            "repeat count huge": ok.replace("ok\"", "ok\" * 99999999999999999999").encode(),
            "repeat count past 64 MiB": ok.replace("ok\"", "ok\" * 16777216 + \"ok\" * 16777216 + \"ok\" * 16777216").encode(),
            "repeat count negative": ok.replace("ok\"", "ok\" * -1").encode(),
            "sweep of 64 cases of 8 MB each": ("sweep: N = " + " ".join(str(i) for i in range(64)) + "\n" +
                                               ok.replace("id: soak/x", "id: soak/x{N}").replace(
                                                   "ok\"", "ok\" + \"x\" * 8000000")).encode(),
            "file outside the tree (..)": ok.replace("ok\"", "\" + file \"../../../../../../etc/passwd\"").encode(),
            "file outside the tree (absolute)": ok.replace("ok\"", "\" + file \"/etc/passwd\"").encode(),
            "file through a symlink out": ok.replace("ok\"", "\" + file \"out/passwd\"").encode(),
            "file that is a folder": ok.replace("ok\"", "\" + file \".\"").encode(),
            "17 connections": ok.replace("connection\n", "connection\n  close\n" * 17 + "connection\n").encode(),
            "segments 0": ok.replace("  read request\n", "  segments 0\n  read request\n").encode(),
            "pause past a day": ok.replace("  read request\n", "  pause 999999999999\n  read request\n").encode(),
            "sweep of 65 values": ("sweep: N = " + " ".join(str(i) for i in range(65)) + "\n" + ok).encode(),
            "empty file": b"",
        }
        paths = {}
        for i, (name, data) in enumerate(files.items()):
            sub = os.path.join(d, f"h{i:02d}")
            os.makedirs(sub)
            path = os.path.join(sub, "case.scn")
            with open(path, "wb") as f:
                f.write(data)
            paths[name] = path
        os.symlink("/etc", os.path.join(d, f"h{list(files).index('file through a symlink out'):02d}", "out"))
        fifo = os.path.join(d, "fifo")
        os.makedirs(fifo)
        paths["a FIFO named case.scn"] = os.path.join(fifo, "case.scn")
        os.mkfifo(paths["a FIFO named case.scn"])
        return paths

    def phase_hostile(self):
        print("hostile input", flush=True)
        d = os.path.join(self.work, "hostile")
        os.makedirs(d)
        paths = self.hostile_files(d)
        peak = 0
        for name, path in paths.items():
            rc, out, err, rss, secs = self.run([self.mock, "lint", path], timeout=3 if "FIFO" in name else 60,
                                               mem_mib=1024)
            err = err.decode("utf-8", "replace") if rc is not None else "hung: killed after 3 s"
            peak = max(peak, rss)
            # file:line: message, or file: message for the file as a whole
            # (too large, not a regular file, empty).
            where = re.search(re.escape(path) + r"(:\d+)?: \S", err)
            ok = rc == 1 and where is not None and rss < HOSTILE_RSS_KIB
            msg = err.strip().splitlines()[0][len(d) + 1:][:90] if err.strip() else "no message"
            self.check("hostile", f"lint refuses {name} with file:line, in < 256 MiB", ok,
                       f"rc={rc}, {rss // 1024} MiB, {msg}", known=KNOWN.get(name))
        # A folder that holds itself, and a deep tree: the walk ends.
        loop = os.path.join(d, "loop")
        os.makedirs(loop)
        os.symlink(".", os.path.join(loop, "self"))
        deep = os.path.join(d, "deep", *["d"] * 40)
        os.makedirs(deep)
        shutil.copy(paths["empty file"], os.path.join(deep, "x.scn"))
        rc, out, err, rss, secs = self.run([self.mock, "lint", loop, os.path.join(d, "deep")],
                                           timeout=60, mem_mib=1024)
        self.check("hostile", "lint ends on a symlink loop and a 40-deep tree", rc is not None and rc >= 0,
                   f"rc={rc}, {secs:.1f} s")
        # The runner over the whole hostile tree: refuses, no crash.
        os.unlink(paths["sweep of 64 cases of 8 MB each"])  # measured above; slow to repeat
        os.unlink(paths["a FIFO named case.scn"])  # it would hang the runner too
        rc, out, err, rss2, secs = self.run([self.conform, "-q", d], timeout=120, mem_mib=2048)
        self.check("hostile", "httpc-conform refuses the hostile tree without a crash",
                   rc is not None and rc in (1, 2), f"rc={rc}")
        self.figures["hostile"] = {"files": len(paths), "peak_rss_kib": max(peak, rss2),
                                   "memory_limit_mib": 1024}

    # ---- 2. integrity --------------------------------------------------------

    def phase_integrity(self):
        print("integrity", flush=True)
        s = self.size
        rc, out, err, rss, secs = self.run(
            [self.soak, "integrity", "--max", str(s["body_max"]), "--one-byte-max", str(s["one_byte_max"])],
            timeout=1800)
        rows = [json.loads(ln) for ln in out.decode().splitlines() if ln.startswith("{")]
        summ = next((r for r in rows if r.get("summary")), {})
        bad = [r for r in rows if not r.get("summary") and not r["ok"]]
        with open(os.path.join(self.args.reports, "integrity.jsonl"), "w") as f:
            f.write(out.decode())
        growth = summ.get("client_hwm_peak_kib", 0) - summ.get("client_hwm_first_kib", 0)
        self.check("integrity", f"{summ.get('cases', 0)} bodies, 0 B to {summ.get('largest', 0) // MiB} MiB, "
                   "right length and sha256", rc == 0 and not bad and summ,
                   "; ".join(f"{b['size']} {b['framing']} {b['writes']}: {b['error']}" for b in bad[:3]))
        self.check("integrity", "client peak memory flat (grows < 1 MiB from the first body to the last)",
                   0 <= growth < 1024, f"{summ.get('client_hwm_first_kib')} -> {summ.get('client_hwm_peak_kib')} KiB")
        self.figures["integrity"] = dict(summ, seconds=round(secs, 1), hwm_growth_kib=growth,
                                         one_byte_max=s["one_byte_max"])

    # ---- 3. load -------------------------------------------------------------

    def load_clients(self, port, procs, conns, rounds, wait, deadline=300):
        cmd = [self.soak, "load", "--port", str(port), "--conns", str(conns), "--rounds", str(rounds),
               "--deadline", str(deadline)] + (["--wait"] if wait else [])
        return [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for _ in range(procs)]

    @staticmethod
    def finish_clients(ps):
        res = []
        for p in ps:
            out, _ = p.communicate(timeout=600)
            lines = [ln for ln in out.splitlines() if ln.startswith("{")]
            res.append(json.loads(lines[-1]) if lines else {"errors": 1, "ok": 0, "planned": 1,
                                                             "first_error": f"exit {p.returncode}"})
        return res

    def phase_load(self):
        print("load", flush=True)
        s = self.size
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = s["load_procs"] * s["load_conns"] + 256
        if soft < need:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(need, soft), hard), hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        mock, port = self.start_mock("--max-conns", str(need))
        base = self.fds(mock.pid)
        t0 = time.monotonic()
        ps = self.load_clients(port, s["load_procs"], s["load_conns"], s["load_rounds"], True)
        for p in ps:
            p.stdout.readline()  # "ready": all its connections are open
        held = self.fds(mock.pid) - base
        for p in ps:
            p.stdin.write("go\n")
            p.stdin.flush()
        res = self.finish_clients(ps)
        secs = time.monotonic() - t0
        after, stats, alive = self.stop_mock(mock, base)
        ok = sum(r["ok"] for r in res)
        planned = s["load_procs"] * s["load_conns"] * s["load_rounds"]
        errors = sum(r["errors"] for r in res)
        cfds = all(r.get("fds_before") == r.get("fds_after") for r in res)
        self.check("load", f"{held} connections held open at once (>= 1000)", held >= 1000 and
                   stats.get("peak", 0) >= 1000, f"server peak {stats.get('peak')}")
        self.check("load", f"{ok} exchanges, 0 errors, 0 lost (>= 100000)",
                   ok == planned and errors == 0 and ok >= 100000 and stats.get("rounds") == ok,
                   f"planned {planned}, errors {errors}, server rounds {stats.get('rounds')}; "
                   + "; ".join(r["first_error"] for r in res if r.get("first_error"))[:200])
        self.check("load", "no descriptor leaked (server and clients)", after == base and cfds and alive,
                   f"server {base} -> {after}")
        self.figures["load"] = {"client_processes": len(ps), "connections_held": held,
                                "server_peak_open": stats.get("peak"), "exchanges": ok,
                                "errors": errors, "lost": planned - ok - errors,
                                "server_rounds": stats.get("rounds"), "seconds": round(secs, 1),
                                "exchanges_per_second": round(ok / secs), "ulimit_n": soft,
                                "server_fds_before": base, "server_fds_after": after}

    # ---- 3b. hostile peers ------------------------------------------------

    @staticmethod
    def cpu_ns(pid):
        """The server's CPU time in ns: every thread's run time from
        schedstat (ns resolution), else utime+stime from /proc/PID/stat (10 ms
        ticks); and utime+stime in ms, for the record."""
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks_ms = (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
        try:
            ns = sum(int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
                     for t in os.listdir(f"/proc/{pid}/task"))
        except (OSError, ValueError, IndexError):
            ns = ticks_ms * 1000000
        return ns, ticks_ms

    def normal_rate(self, port, peers, secs, tries):
        """Keep-alive requests a second of one normal client (httpc-soak load,
        one connection), the best of `tries` runs of `secs`, with the hostile
        peers driven meanwhile; and its errors. The best, loaded as unloaded:
        on a shared machine another process takes the CPU now and then, and
        the best run is the one it left alone."""
        best, errors, first = 0.0, 0, ""
        for _ in range(tries):
            p = self.load_clients(port, 1, 1, 10 ** 9, False, deadline=secs)[0]
            while p.poll() is None:
                if peers:
                    peers.run(0.05)
                else:
                    time.sleep(0.05)
            r = self.finish_clients([p])[0]
            rate = r.get("ok", 0) / r["seconds"] if r.get("seconds") else 0.0
            best = max(best, rate)
            errors += r.get("errors", 1)
            first = first or r.get("first_error", "")
        return best, errors, first

    def cpu_per_byte(self, pid, peers, window, parts=5):
        """The server's CPU time per byte it received, over `window` seconds
        cut in `parts`: the least of the parts (the one that other processes
        on the machine, or a burst of timeouts, disturbed least), and the
        whole window's."""
        (c, k), b = self.cpu_ns(pid), peers.stats["bytes_sent"]
        c_first, k_first, b_first, least = c, k, b, None
        for _ in range(parts):
            peers.run(window / parts)
            (c1, k1), b1 = self.cpu_ns(pid), peers.stats["bytes_sent"]
            if b1 > b:
                least = min(least or 1e99, (c1 - c) / (b1 - b))
            c, k, b = c1, k1, b1
        return {"received_mib": round((b - b_first) / MiB, 1), "cpu_ms": round((c - c_first) / 1e6, 1),
                "utime_stime_ms": k - k_first, "ns_per_byte_whole": round((c - c_first) / max(1, b - b_first), 2),
                "ns_per_byte": round(least or 0.0, 2)}

    def phase_peers(self):
        """Hostile peers beside a normal client: stuffed heads at several
        levels, idle, slowloris and dribbling connections. The normal client's
        rate loaded is held against its rate unloaded, measured in the same
        run; the server's CPU time per byte it receives, across the stuffing
        levels (at one stuffing rate), against itself."""
        print("hostile peers", flush=True)
        h = self.size["peers"]
        most = max(h["levels"]) + h["idle"] + h["slowloris"] + h["dribbling"]
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 2 * most + 256:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(2 * most + 256, hard), hard))
        mock, port = self.start_mock("--max-conns", str(2 * most), "--idle-timeout", str(h["idle_ms"]),
                                     "--head-timeout", str(h["head_ms"]))
        base = self.fds(mock.pid)
        t0 = time.monotonic()
        unloaded1 = self.normal_rate(port, None, h["rate_window"], 2)
        peers = Hostile(port, STUFF_RATE)
        for kind in ("idle", "slowloris", "dribbling"):
            peers.want(kind, h[kind])
        levels = []
        for n in h["levels"]:
            peers.want("stuffed", n)
            peers.run(0.5)  # every stuffed connection under way
            levels.append(self.cpu_per_byte(mock.pid, peers, h["window"]))
            levels[-1].update(stuffed=n, open=len(peers.peers))
            print(f"  {n} stuffed: {levels[-1]}", flush=True)
        held = len(peers.peers)
        loaded = self.normal_rate(port, peers, h["rate_window"], h["rate_tries"])
        # Long enough for every idle and slowloris connection to time out once.
        peers.run(max(0.0, max(h["idle_ms"], h["head_ms"]) / 1000 + 1.5 - (time.monotonic() - t0)))
        peers.close_all()
        unloaded2 = self.normal_rate(port, None, h["rate_window"], 2)
        after, stats, alive = self.stop_mock(mock, base)
        self.judge_peers(h, peers.stats, stats, levels, (unloaded1, loaded, unloaded2),
                         (held, base, after, alive))

    def judge_peers(self, h, ps, ms, levels, rates, server):
        held, base, after, alive = server
        unloaded = max(rates[0][0], rates[2][0])  # the stricter of the two
        loaded = rates[1][0]
        errors = sum(r[1] for r in rates)
        self.check("peers", f"a normal keep-alive client beside {held} hostile connections keeps >= "
                   f"{RATE_FLOOR:g} of its unloaded rate", loaded >= RATE_FLOOR * unloaded and errors == 0,
                   f"{loaded:.0f}/s loaded, {rates[0][0]:.0f}/s and {rates[2][0]:.0f}/s unloaded, "
                   f"{errors} errors {' '.join(r[2] for r in rates)[:120]}")
        per = [lv["ns_per_byte"] for lv in levels]
        spread = max(per) / max(min(per), 1e-9)
        self.check("peers", f"server CPU per byte received flat from {levels[0]['stuffed']} to "
                   f"{levels[-1]['stuffed']} stuffed connections (spread <= {CPU_PER_BYTE_SPREAD:g}x)",
                   spread <= CPU_PER_BYTE_SPREAD and all(lv["received_mib"] > 0 for lv in levels),
                   ", ".join(f"{lv['stuffed']}: {lv['ns_per_byte']} ns/B" for lv in levels) + f", {spread:.2f}x")
        self.check("peers", "every stuffed head answered 431 and closed (counted by the server)",
                   ps["stuffed_431"] >= max(h["levels"]) and ps["stuffed_closed_without_431"] == 0
                   and ms.get("oversized", 0) >= ps["stuffed_431"],
                   f"{ps['stuffed_431']} seen, {ps['stuffed_closed_without_431']} closed without, "
                   f"server oversized {ms.get('oversized')}")
        med = lambda xs: sorted(xs)[len(xs) // 2] if xs else None
        for kind, limit, key in (("idle", h["idle_ms"], "idle_timeouts"), ("slowloris", h["head_ms"], "head_timeouts")):
            ms_list = ps[f"{kind}_close_ms"]
            m = med(ms_list)
            self.check("peers", f"{kind} connections closed at the {key.split('_')[0]} timeout "
                       f"({limit} ms; median within -0.1 s/+1.5 s), counted by the server",
                       ps[f"{kind}_closed"] >= h[kind] and m is not None and limit - 100 <= m <= limit + 1500
                       and ms.get(key, 0) >= ps[f"{kind}_closed"],
                       f"{ps[f'{kind}_closed']} closed, median {m} ms, max {max(ms_list, default=None)} ms, "
                       f"server {key} {ms.get(key)}")
        self.check("peers", "every dribbled request answered right; no other peer answered",
                   ps["dribbled_ok"] > 0 and ps["errors"] == 0 and ps["connect_failed"] == 0,
                   f"{ps['dribbled_ok']} ok, {ps['errors']} errors {ps['first_error']}, "
                   f"{ps['connect_failed']} connects failed")
        self.check("peers", "the server refused no one, survived, and its descriptors are back",
                   alive and ms.get("refused", 1) == 0 and after == base,
                   f"refused {ms.get('refused')}, fds {base} -> {after}, peak open {ms.get('peak')}")
        self.figures["peers"] = {
            "hostile_held": held, "server_peak_open": ms.get("peak"), "accepted": ms.get("accepted"),
            "stuff_rate_mib_s": STUFF_RATE // MiB, "levels": levels, "cpu_per_byte_spread": round(spread, 2),
            "rate_unloaded_before": round(rates[0][0]), "rate_loaded": round(loaded),
            "rate_unloaded_after": round(rates[2][0]), "rate_loaded_share": round(loaded / max(unloaded, 1), 2),
            "idle_timeout_ms": h["idle_ms"], "head_timeout_ms": h["head_ms"],
            "idle_close_median_ms": med(ps["idle_close_ms"]),
            "slowloris_close_median_ms": med(ps["slowloris_close_ms"]),
            "client": {k: v for k, v in ps.items() if not k.endswith("_ms")},
            "server": ms}

    # ---- 4. faults -----------------------------------------------------------

    def phase_faults(self):
        print("faults", flush=True)
        s = self.size
        mock, port = self.start_mock()
        base = self.fds(mock.pid)
        # Beside the faults, a load client for as long as they last (its
        # deadline ends its rounds; every exchange it began must be right).
        load = self.load_clients(port, 1, 50, 1000000, False, deadline=s["fault_seconds"])
        faults = subprocess.Popen([self.soak, "faults", "--port", str(port), "--seconds",
                                   str(s["fault_seconds"])], stdout=subprocess.PIPE, text=True)
        fout, _ = faults.communicate(timeout=s["fault_seconds"] + 120)
        fres = json.loads(fout.strip().splitlines()[-1]) if fout.strip() else {}
        lres = self.finish_clients(load)[0]
        late = self.load_clients(port, 1, 10, 10, False)
        lres2 = self.finish_clients(late)[0]
        after, stats, alive = self.stop_mock(mock, base)
        self.check("faults", "the mock server survived every misbehaving client", alive and
                   fres.get("connect_failed", 1) == 0, json.dumps(fres))
        self.check("faults", "the load client beside them: every exchange right",
                   lres.get("errors", 1) == 0 and lres.get("ok") == lres.get("planned") and
                   lres.get("ok", 0) > 0,
                   f"{lres.get('ok')} ok, {lres.get('errors')} errors {lres.get('first_error', '')}")
        self.check("faults", "a new client afterwards is served", lres2.get("errors", 1) == 0 and
                   lres2.get("ok") == 100)
        self.check("faults", "the server's descriptors are back to where they were", after == base,
                   f"{base} -> {after}")
        self.figures["faults"] = {"clients": {k: v for k, v in fres.items() if not k.startswith("fds")
                                              and k != "connect_failed"},
                                  "load_exchanges_beside": lres.get("ok"), "load_errors": lres.get("errors"),
                                  "server_fds_before": base, "server_fds_after": after,
                                  "server_accepted": stats.get("accepted")}
        self.phase_hang()

    def phase_hang(self):
        d = os.path.join(self.work, "hang")
        os.makedirs(os.path.join(d, "soak"))
        reply = '  read request\n  send "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok"\n'
        for name, target, extra in [("hang", "/hang", ""), ("after-hang", "/ok", "")]:
            with open(os.path.join(d, "soak", name + ".scn"), "w") as f:
                f.write(f"id: soak/{name}\ntitle: {name}\nrequest: GET {target}\n{extra}\nconnection\n"
                        f"{reply}\nexpect: response status=200 body=\"ok\"\n")
        adapter = f"{os.path.join(SOAK, 'hang-adapter.sh')} {self.httpc}"
        rep = os.path.join(self.work, "hang-reports")
        rc, out, err, rss, secs = self.run([self.conform, "-q", "--adapter", adapter, "--timeout", "500",
                                            "--reports", rep, d], timeout=120)
        verdicts = {r["id"]: r["verdict"] for r in json.load(open(os.path.join(rep, "results.json")))["results"]} \
            if os.path.exists(os.path.join(rep, "results.json")) else {}
        self.check("faults", "a hanging client is cut at its timeout, reported 'timeout', the run goes on",
                   verdicts.get("soak/hang") == "timeout" and verdicts.get("soak/after-hang") == "pass"
                   and rc == 1 and secs < 30, f"{verdicts}, {secs:.1f} s")
        self.figures["faults"]["hang_cut_after_s"] = round(secs, 1)
        self.phase_faults_valgrind()

    def phase_faults_valgrind(self):
        """The repeat mode's own paths (slot reuse, rounds) run only in
        httpc-mock: the server under memcheck while faults and a load client
        hit it."""
        vlog = os.path.join(self.args.reports, "valgrind-mock.log")
        mock, port = self.start_mock(prefix=VALGRIND + [f"--log-file={vlog}"])
        secs = 6
        load = self.load_clients(port, 1, 50, 1000000, False, deadline=secs)
        subprocess.run([self.soak, "faults", "--port", str(port), "--seconds", str(secs)],
                       stdout=subprocess.DEVNULL, timeout=secs + 120)
        lres = self.finish_clients(load)[0]
        mock.send_signal(signal.SIGTERM)
        mock.communicate(timeout=60)
        fig = self.valgrind_figures(vlog)
        self.check("memory", "httpc-mock --repeat under memcheck through faults and load: 0 errors, "
                   "0 bytes lost, descriptors back", fig["errors"] == 0 and fig["lost_bytes"] == 0
                   and fig["fds_at_exit"] == fig["fds_inherited"] and lres.get("errors", 1) == 0,
                   f"{json.dumps(fig)}, load beside: {lres.get('ok')} ok, {lres.get('errors')} errors")
        self.figures["memory_mock"] = fig

    # ---- 1 and 5. the library: -j 1 / -j 2 / chaos / valgrind ---------------

    def conform_run(self, name, lib, extra, prefix=()):
        rep = os.path.join(self.args.reports, "runs", name)
        cmd = [*prefix, self.conform, "-q", *extra, "--reports", rep, lib]
        rc, out, err, rss, secs = self.run(cmd, timeout=1800)
        path = os.path.join(rep, "results.json")
        verdicts = {}
        if os.path.exists(path):
            for r in json.load(open(path))["results"]:
                verdicts[(r["id"], r["profile"])] = r["verdict"]
        print(f"  {name}: {len(verdicts)} verdicts in {secs:.0f} s", flush=True)
        return verdicts, secs, rc

    def phase_library(self):
        print("library (verdicts, chaos, valgrind)", flush=True)
        # A snapshot: the library may grow while the runs go on.
        lib = os.path.join(self.work, "scenarios")
        shutil.copytree(self.args.scenarios, lib, symlinks=True)
        runs = {}
        ref, secs, _ = self.conform_run("j1", lib, ["-j", "1"])
        runs["j1"] = secs
        compare = []
        if self.size["plain_j2"]:
            v, runs["j2"], _ = self.conform_run("j2", lib, ["-j", "2"])
            compare.append(("j2", v))
        vlog = os.path.join(self.args.reports, "valgrind.log")
        vg = VALGRIND + [f"--log-file={vlog}"]
        v, runs["j2-valgrind"], _ = self.conform_run("j2-valgrind", lib, ["-j", "2"], prefix=vg)
        compare.append(("j2-valgrind", v))
        for seed in self.size["chaos"]:
            v, runs[f"chaos-{seed}"], _ = self.conform_run(f"chaos-{seed}", lib, ["-j", "2", "--chaos", str(seed)])
            compare.append((f"chaos-{seed}", v))
        changes = []
        for name, v in compare:
            for key in sorted(set(ref) | set(v)):
                if ref.get(key) != v.get(key):
                    changes.append({"run": name, "id": key[0], "profile": key[1],
                                    "j1": ref.get(key), name: v.get(key)})
        with open(os.path.join(self.args.reports, "verdict-changes.json"), "w") as f:
            json.dump(changes, f, indent=1)
        notpass = sum(1 for x in ref.values() if x not in ("pass", "lenient", "expected-failure", "skip"))
        chaos_changes = [c for c in changes if c["run"].startswith("chaos")]
        self.check("chaos", f"{len(self.size['chaos'])} chaos seeds x {len(ref)} checks: no verdict changes",
                   ref and not chaos_changes, "; ".join(f"{c['run']} {c['id']} {c['profile']}" for c in chaos_changes[:5]))
        other = [c for c in changes if not c["run"].startswith("chaos")]
        self.check("library", "-j 2 (and -j 2 under valgrind) gives the verdicts of -j 1", ref and not other,
                   "; ".join(f"{c['run']} {c['id']} {c['profile']}" for c in other[:5]))
        vg_fig = self.valgrind_figures(vlog)
        self.check("memory", "valgrind memcheck over the whole library: 0 errors, 0 bytes lost",
                   vg_fig["errors"] == 0 and vg_fig["lost_bytes"] == 0, json.dumps(vg_fig))
        self.check("descriptors", "httpc-conform ends a full run with the descriptors it started with",
                   vg_fig["fds_at_exit"] == vg_fig["fds_inherited"],
                   f"{vg_fig['fds_inherited']} -> {vg_fig['fds_at_exit']}")
        self.figures["library"] = {"checks": len(ref), "not_passing_in_j1": notpass, "runs_seconds":
                                   {k: round(x, 1) for k, x in runs.items()},
                                   "chaos_seeds": self.size["chaos"], "verdict_changes": len(changes)}
        self.figures["memory"] = vg_fig

    @staticmethod
    def valgrind_figures(log):
        text = open(log).read() if os.path.exists(log) else ""
        def total(pat):
            return sum(int(x.replace(",", "")) for x in re.findall(pat, text))
        errors = total(r"ERROR SUMMARY: ([\d,]+) errors")
        lost = total(r"definitely lost: ([\d,]+) bytes") + total(r"indirectly lost: ([\d,]+) bytes") \
            + total(r"possibly lost: ([\d,]+) bytes")
        m = re.search(r"FILE DESCRIPTORS: (\d+) open \((\d+) std\) at exit", text)
        at_exit = int(m.group(1)) if m else -1
        std = int(m.group(2)) if m else 0
        inherited = std + text.count("<inherited from parent>")
        return {"tool": "valgrind memcheck", "errors": errors if "ERROR SUMMARY" in text else -1,
                "lost_bytes": lost, "fds_inherited": inherited, "fds_at_exit": at_exit}

    # ---- the report ----------------------------------------------------------

    def report(self, secs):
        f = self.figures
        f["seconds"] = round(secs, 1)
        f["checks"] = self.checks
        f["failed"] = sum(not c["ok"] for c in self.checks)
        f["known"] = sum(c["state"] == "known" for c in self.checks)
        with open(os.path.join(self.args.reports, "soak.json"), "w") as fp:
            json.dump(f, fp, indent=1)
        g = lambda *k: self.dig(f, k)
        rows = [
            ("connections held at once", g("load", "connections_held")),
            ("exchanges served (client processes)", f"{g('load', 'exchanges')} ({g('load', 'client_processes')}), "
             f"{g('load', 'errors')} errors, {g('load', 'lost')} lost, {g('load', 'exchanges_per_second')}/s"),
            ("chaos seeds run, verdict changes", f"{g('library', 'chaos_seeds')}, {g('library', 'verdict_changes')} "
             f"over {g('library', 'checks')} checks"),
            ("bytes verified (sha256)", f"{g('integrity', 'bytes_verified')} in {g('integrity', 'cases')} bodies, "
             f"largest {self.mib(g('integrity', 'largest'))}"),
            ("client peak memory (VmHWM)", f"{g('integrity', 'client_hwm_first_kib')} -> "
             f"{g('integrity', 'client_hwm_peak_kib')} KiB (+{g('integrity', 'hwm_growth_kib')} KiB)"),
            ("memcheck errors, bytes lost", f"{g('memory', 'errors')}, {g('memory', 'lost_bytes')}"),
            ("runner descriptors before/after", f"{g('memory', 'fds_inherited')} / {g('memory', 'fds_at_exit')}"),
            ("httpc-mock --repeat under memcheck (faults + load): errors, bytes lost, fds",
             f"{g('memory_mock', 'errors')}, {g('memory_mock', 'lost_bytes')}, "
             f"{g('memory_mock', 'fds_inherited')} / {g('memory_mock', 'fds_at_exit')}"),
            ("mock descriptors before/after load", f"{g('load', 'server_fds_before')} / {g('load', 'server_fds_after')}"),
            ("hostile peers held at once (server peak open)", f"{g('peers', 'hostile_held')} ({g('peers', 'server_peak_open')})"),
            ("normal client's keep-alive rate: unloaded before / loaded / unloaded after",
             f"{g('peers', 'rate_unloaded_before')} / {g('peers', 'rate_loaded')} / "
             f"{g('peers', 'rate_unloaded_after')} per s (loaded share {g('peers', 'rate_loaded_share')})"),
            (f"server CPU per byte received, by stuffed connections (at {g('peers', 'stuff_rate_mib_s')} MiB/s)",
             ", ".join(f"{lv['stuffed']}: {lv['ns_per_byte']} ns" for lv in g("peers", "levels") or [])
             + f" (spread {g('peers', 'cpu_per_byte_spread')}x)"),
            ("oversized heads answered 431, idle and head timeouts (server's counts)",
             f"{g('peers', 'server', 'oversized')}, {g('peers', 'server', 'idle_timeouts')}, "
             f"{g('peers', 'server', 'head_timeouts')} (timeouts {g('peers', 'idle_timeout_ms')} / "
             f"{g('peers', 'head_timeout_ms')} ms; closed after a median {g('peers', 'idle_close_median_ms')} / "
             f"{g('peers', 'slowloris_close_median_ms')} ms)"),
            ("mock descriptors before/after faults", f"{g('faults', 'server_fds_before')} / {g('faults', 'server_fds_after')}"),
            ("fault clients", g("faults", "clients")),
            ("hostile files, peak RSS of the tools (the known 512 MB sweep included)", f"{g('hostile', 'files')}, {g('hostile', 'peak_rss_kib')} KiB"),
        ]
        with open(os.path.join(self.args.reports, "summary.md"), "w") as fp:
            fp.write(f"# Soak ({f['variant']}): {'PASS' if f['failed'] == 0 else 'FAIL'}\n\n"
                     f"{len(self.checks)} checks, {f['failed']} failed, {f['known']} known "
                     f"failures (listed with their reasons), {f['seconds']} s.\n\n"
                     "| figure | value |\n|---|---|\n")
            for k, v in rows:
                fp.write(f"| {k} | {v} |\n")
            fp.write("\n| phase | check | result |\n|---|---|---|\n")
            for c in self.checks:
                res = "ok" if c["state"] == "ok" else f"{c['state']}: {c['detail']}"
                fp.write(f"| {c['phase']} | {c['check']} | {res.replace('|', '/')} |\n")

    @staticmethod
    def dig(d, keys):
        for k in keys:
            d = d.get(k) if isinstance(d, dict) else None
        return d

    @staticmethod
    def mib(n):
        return f"{n // MiB} MiB" if isinstance(n, int) else n


# Hostile files the loader does not refuse yet: reported as known, with the
# reason, until it is fixed (none now: the four found here are fixed and
# covered by tests/mockserver/test_scenario.c httpc_scn_load_hostile_trees).
KNOWN = {}
HOSTILE_RSS_KIB = 256 * 1024
VALGRIND = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible", "--track-fds=yes"]

PHASES = ["loopback", "hostile", "integrity", "load", "peers", "faults", "library"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="a build tree (build/default)")
    ap.add_argument("--reports", default=os.path.join(ROOT, "reports", "soak"))
    ap.add_argument("--scenarios", default=os.path.join(ROOT, "scenarios"))
    ap.add_argument("--ci", action="store_true", help="the CI-sized variant (under ~4 minutes)")
    ap.add_argument("--only", action="append", choices=PHASES, help="run only this phase (repeatable)")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    os.makedirs(args.reports, exist_ok=True)
    s = Soak(args)
    t0 = time.monotonic()
    try:
        for ph in PHASES:
            if not args.only or ph in args.only:
                t = time.monotonic()
                getattr(s, "phase_" + ph)()
                s.figures.setdefault("phase_seconds", {})[ph] = round(time.monotonic() - t, 1)
    finally:
        s.report(time.monotonic() - t0)
        shutil.rmtree(s.work, ignore_errors=True)
    print(f"soak: {len(s.checks)} checks, {s.figures['failed']} failed; {args.reports}/summary.md")
    return 1 if s.figures["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
