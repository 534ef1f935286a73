# SPDX-License-Identifier: MIT
"""Runs the benchmarks and writes the report (bench/README.md): the parser
micro-benchmark (wall time and callgrind instructions), the segmentation
sweep (every reply in one piece and in 1448-, 64- and 1-byte pieces), the
end-to-end clients against one responder, memory per idle connection and the
scenario suite's wall time; then reports/bench/{bench.md,bench.svg,
results.json,sweep.md,sweep.json}.

    python3 bench/run.py --build build/bench --reports reports/bench
    python3 bench/run.py --build build/bench --sweep-only      # the sweep alone
    python3 bench/run.py --build build/bench --check bench/baselines
    python3 bench/run.py --build build/bench --update-baseline bench/baselines

--check and --update-baseline take the baselines' directory (callgrind.json
for the micro-benchmark, sweep.json for the sweep; a path to a file in it
works too).
"""
import argparse
import glob
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARSERS = ["httpc", "picohttpparser", "llhttp", "http-parser"]
SWEEP_PARSERS = ["httpc", "httpc-client", "picohttpparser", "llhttp", "http-parser",
                 "memchr-lines"]
SWEEP_PIECES = [0, 1448, 64, 1]
# The sweep's rows that bench-check gates: httpc's own, at every piece size.
SWEEP_GATED = ["httpc", "httpc-client"]
CHECK_TOLERANCE = 0.03
# (body size, requests per run): each run takes a fraction of a second.
E2E_SIZES = [(100, 20000), (16384, 5000), (64 << 20, 6)]
E2E_CLIENTS = ["httpc", "curl", "python", "raw"]


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def run_json(cmd, **kw):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


# ---- parser micro-benchmark ---------------------------------------------------

def micro_times(build, rounds):
    """The micro-benchmark `rounds` times; the median of its medians."""
    exe = os.path.join(build, "bench", "httpc-bench-micro")
    runs = [run_json([exe, "--json"]) for _ in range(rounds)]
    out = {}
    for row in runs[0]:
        key = (row["message"], row["parser"])
        ns = statistics.median(r["ns"] for run in runs for r in run
                               if (r["message"], r["parser"]) == key)
        out[key] = {"bytes": row["bytes"], "ns": ns, "mb_s": row["bytes"] / ns * 1e3}
    return out


def callgrind_counts(build, scan, iters=200):
    """Instructions per parse from one callgrind run: one dump per case."""
    exe = os.path.join(build, "bench", "httpc-bench-micro")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no",
                        "--callgrind-out-file=" + os.path.join(d, "cg.out"),
                        exe, "--callgrind", "--iters", str(iters), "--scan", scan],
                       check=True, capture_output=True)
        counts = {}
        for f in glob.glob(os.path.join(d, "cg.out*")):
            text = open(f).read()
            m = re.search(r"case=([^/\s]+)/([^/\s]+)/(\d+)", text)
            t = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
            if m and t:
                counts[m.group(1) + "/" + m.group(2)] = int(t.group(1)) / int(m.group(3))
    return counts


# ---- segmentation sweep ---------------------------------------------------------

def sweep_counts(build, scan, parsers=None, budget=65536):
    """Ir per byte of every sweep case from one callgrind run (one dump per
    case, after the case is checked to parse as httpc does); keys are
    "reply/parser/piece"; also the replies' sizes."""
    exe = os.path.join(build, "bench", "httpc-bench-sweep")
    sel = ["--scan", scan] + (["--parser", ",".join(parsers)] if parsers else [])
    # Checked natively (a check under callgrind costs as much as the measure).
    subprocess.run([exe, "--verify-only"] + sel, check=True, stdout=subprocess.DEVNULL)
    listing = subprocess.run([exe, "--list"], check=True, capture_output=True, text=True).stdout
    sizes = {name: int(n) for name, n in (l.split() for l in listing.splitlines())}  # in order
    cmd = [exe, "--callgrind", "--no-verify", "--budget", str(budget)] + sel
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no",
                        "--callgrind-out-file=" + os.path.join(d, "cg.out")] + cmd,
                       check=True, capture_output=True)
        ir = {}
        for f in glob.glob(os.path.join(d, "cg.out*")):
            text = open(f).read()
            m = re.search(r"case=([^/\s]+)/([^/\s]+)/(\d+)/(\d+)/(\d+)", text)
            t = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
            if m and t:
                per_parse = int(t.group(1)) / int(m.group(4))
                ir["%s/%s/%s" % m.group(1, 2, 3)] = per_parse
    return ir, sizes


def sweep_times(build, runs=3):
    """ns per byte of every sweep case: the median over `runs` runs of the
    sweep, each the median of its own interleaved rounds."""
    exe = os.path.join(build, "bench", "httpc-bench-sweep")
    rows = [r for _ in range(runs) for r in run_json([exe, "--json"])]
    out = {}
    for r in rows:
        key = "%s/%s/%d" % (r["message"], r["parser"], r["piece"])
        out.setdefault(key, []).append(r["ns_per_byte"])
    return {k: statistics.median(v) for k, v in out.items()}


def piece_label(p):
    return "one piece" if p == 0 else "%d B" % p


def sweep_targets(irb, replies):
    """The issue's targets for the sweep (benchmarks, not timed tests)."""
    heads = [r for r in replies if not r.startswith("chunked")]
    ratio = lambda r, a, b, pa, pb: irb["%s/%s/%d" % (r, a, pa)] / irb["%s/%s/%d" % (r, b, pb)]
    worst = lambda f: max((f(r), r) for r in heads)
    rows = []
    for parser, limit in (("httpc", 1.0), ("httpc-client", 2.0)):
        v, r = worst(lambda r: ratio(r, parser, "llhttp", 1, 1))
        rows.append(("1-byte pieces: %s <= %.1fx llhttp's Ir/B on every head (worst: %s)"
                     % (parser, limit, r), v, v <= limit))
    for parser in ("httpc", "httpc-client"):
        v, r = worst(lambda r: ratio(r, parser, parser, 1448, 0))
        rows.append(("1448-byte pieces: %s within 1.2x of one piece (worst: %s)" % (parser, r),
                     v, v <= 1.2))
    # The floor checks nothing and searches each new byte once: what the cut
    # costs any parser that answers after every piece.
    v, r = worst(lambda r: ratio(r, "memchr-lines", "memchr-lines", 1448, 0))
    rows.append(("for reference, the floor: memchr-lines in 1448-byte pieces against its own "
                 "one piece (worst: %s)" % r, v, None))
    v, r = worst(lambda r: ratio(r, "memchr-lines", "httpc", 1448, 0))
    rows.append(("for reference, the floor: memchr-lines in 1448-byte pieces against httpc's "
                 "one piece (worst: %s)" % r, v, None))
    lines = ["| target | measured | |", "|---|---|---|"]
    for name, val, ok in rows:
        lines.append("| %s | %.2f | %s |" % (name, val, goal(ok)))
    return lines


def sweep_table(values, replies, sizes, fmt):
    lines = ["| reply | bytes | pieces | " + " | ".join(SWEEP_PARSERS) +
             " | httpc / llhttp | httpc-client / llhttp | httpc / picohttpparser "
             "| httpc / memchr-lines |",
             "|---|---:|---|" + "---:|" * (len(SWEEP_PARSERS) + 4)]
    for r in replies:
        for p in SWEEP_PIECES:
            v = {q: values.get("%s/%s/%d" % (r, q, p)) for q in SWEEP_PARSERS}
            ratio = lambda a, b: fmt_ratio(v[a] / v[b]) if v[a] and v[b] else "-"
            lines.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
                r, sizes[r], piece_label(p),
                " | ".join(fmt % v[q] if v[q] is not None else "-" for q in SWEEP_PARSERS),
                ratio("httpc", "llhttp"), ratio("httpc-client", "llhttp"),
                ratio("httpc", "picohttpparser"), ratio("httpc", "memchr-lines")))
    return lines


def write_sweep_report(reports, sweep, mach):
    os.makedirs(reports, exist_ok=True)
    sizes = sweep["sizes"]
    replies = list(sizes)
    irb = {k: v / sizes[k.split("/")[0]] for k, v in sweep["ir"].items()}
    lines = ["# Segmentation sweep", "",
             "Run %s on %s, %d cores, Linux %s; compiler: %s; release build (-O3); "
             "`python3 bench/run.py --sweep-only` (bench/README.md)." % (
                 sweep["date"], mach["cpu"], mach["cores"], mach["kernel"], mach["compiler"]), "",
             "Each reply is fed in one piece and in 1448-, 64- and 1-byte pieces, as they would "
             "arrive in one receive buffer: httpc's pure parsers (`httpc`: status line, header "
             "block, chunked decoder, called again with the longer buffer through the resuming "
             "entry points), httpc's client path (`httpc-client`: the in-memory transport "
             "giving one piece per read, `httpc__resp_begin`, the chunked body through "
             "`httpc_resp_read_all`; each parse also creates the response and the transport, "
             "which copies the reply), picohttpparser (`phr_parse_response` again on the longer "
             "buffer with `last_len`; `phr_decode_chunked` on each new piece, rewriting a fresh "
             "copy of the message made outside the timed loops and outside callgrind's count; "
             "its in-place memmove is in its figures), llhttp and http-parser (each "
             "piece executed once), and on the heads the floor (`memchr-lines`: a line splitter "
             "that checks nothing, called again with the longer buffer and searching each new "
             "byte once with glibc's memchr). Every case is checked first to give httpc's result: status, "
             "version, every header name and value, the body bytes.", "",
             "Callgrind counts each byte a `rep movsb` copies as one instruction (glibc's memcpy "
             "and memmove use it for large blocks): that inflates the Ir/B of the copies "
             "(picohttpparser's chunked rewrite, the client path's reads), "
             "not the parsing; there, compare times.", "",
             "Ir/B: callgrind instructions per byte of the reply (scan level as shipped, %s), "
             "deterministic. ns/B: wall time per byte, the median of interleaved rounds; only "
             "figures from a quiet machine mean anything." % sweep["scan"], "",
             "## Targets (linear parsing)", ""] + sweep_targets(irb, replies) + [
             "", "## Instructions per byte (Ir/B)", ""] + sweep_table(irb, replies, sizes, "%.2f")
    if sweep.get("ns_per_byte"):
        lines += ["", "## Time per byte (ns/B)", ""] + sweep_table(
            sweep["ns_per_byte"], replies, sizes, "%.2f")
    lines.append("")
    with open(os.path.join(reports, "sweep.md"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(reports, "sweep.json"), "w") as f:
        json.dump({"date": sweep["date"], "machine": mach, "scan": sweep["scan"],
                   "bytes": sizes, "ir_per_parse": {k: round(v) for k, v in sweep["ir"].items()},
                   "ir_per_byte": {k: round(v, 2) for k, v in irb.items()},
                   "ns_per_byte": sweep.get("ns_per_byte", {})}, f, indent=1)
        f.write("\n")
    log("wrote", os.path.join(reports, "sweep.md"))


def run_sweep(build, timed=True):
    log("segmentation sweep: callgrind (results checked equal first)")
    ir, sizes = sweep_counts(build, "auto")
    sweep = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "scan": "auto",
             "ir": ir, "sizes": sizes}
    if timed:
        log("segmentation sweep: wall time")
        sweep["ns_per_byte"] = sweep_times(build)
    return sweep


# ---- end to end ------------------------------------------------------------

def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def client_cmd(build, client, port, size, n):
    if client == "python":
        return [sys.executable, os.path.join(ROOT, "bench", "e2e_python.py"),
                "--port", str(port), "--size", str(size), "--requests", str(n)]
    return [os.path.join(build, "bench", "httpc-bench-client"), "--client", client,
            "--port", str(port), "--size", str(size), "--requests", str(n)]


def e2e(build, rounds):
    srv = subprocess.Popen([os.path.join(build, "bench", "httpc-bench-responder")],
                           stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline())
    hz = os.sysconf("SC_CLK_TCK")
    results, idle = {}, {}
    try:
        for size, n in E2E_SIZES:
            samples = {c: [] for c in E2E_CLIENTS}
            for _ in range(rounds):  # clients interleaved round by round
                for c in E2E_CLIENTS:
                    if c == "python" and size > 1 << 20 and samples[c]:
                        continue  # one run is enough to place CPython there
                    reqs = n // 10 if c == "python" and size < 1 << 20 else n
                    t0, c0 = time.monotonic(), cpu_ticks(srv.pid)
                    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    row = run_json(client_cmd(build, c, port, size, reqs))[0]
                    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    row["server_cpu"] = (cpu_ticks(srv.pid) - c0) / hz / (time.monotonic() - t0)
                    # CPU time a request, user and kernel: the client's (what it
                    # costs) and the responder's (what every client waits for)
                    row["client_us"] = 1e6 * (u1.ru_utime + u1.ru_stime - u0.ru_utime -
                                              u0.ru_stime) / reqs
                    row["server_us"] = 1e6 * (cpu_ticks(srv.pid) - c0) / hz / reqs
                    samples[c].append(row)
            for c, rows in samples.items():
                med = lambda k: statistics.median(r[k] for r in rows)
                results[(size, c)] = {"req_s": med("req_s"), "mb_s": med("mb_s"),
                                      "maxrss_kb": max(r["maxrss_kb"] for r in rows),
                                      "rss_growth_kb": max(r["rss_growth_kb"] for r in rows),
                                      "server_cpu": med("server_cpu"),
                                      "client_us": med("client_us"), "server_us": med("server_us"),
                                      "runs": [r["req_s"] for r in rows]}
        for c in ("httpc", "curl"):
            idle[c] = run_json([os.path.join(build, "bench", "httpc-bench-client"),
                                "--client", c, "--port", str(port), "--idle", "200"])[0]
    finally:
        srv.terminate()
        srv.wait()
    return results, idle


# ---- scenario suite ------------------------------------------------------------

def suite_time(build, rounds=1):
    exe = os.path.join(build, "runner", "httpc-conform")
    helptext = subprocess.run([exe, "--help"], capture_output=True, text=True)
    has_j = "-j" in helptext.stdout + helptext.stderr
    out = {}
    for j in ([1, 2] if has_j else [None]):
        times = []
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as d:
                cmd = [exe, "-q", "--reports", d] + (["-j", str(j)] if j else []) + ["scenarios"]
                t0 = time.monotonic()
                subprocess.run(cmd, cwd=ROOT, capture_output=True)
                times.append(time.monotonic() - t0)
        out["-j %d" % j if j else "single run"] = statistics.median(times)
    return out


# ---- report ----------------------------------------------------------------------

def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "compiler": cc[0] if cc else "cc", "python": platform.python_version()}


def fmt_ratio(x):
    return "%.2fx" % x


def goal(ok):
    return "" if ok is None else "met" if ok else "**not met**"


def micro_table(times, ir, ir_scalar):
    msgs = list(dict.fromkeys(m for m, _ in times))
    lines = ["| message | bytes | httpc ns | picohttpparser ns | llhttp ns | http-parser ns | "
             "httpc / picohttpparser | httpc / llhttp | httpc / http-parser | httpc MB/s | "
             "Ir httpc | Ir picohttpparser | Ir llhttp | Ir http-parser | Ir httpc scalar |",
             "|" + "---|" * 15]
    for m in msgs:
        t = {p: times[(m, p)]["ns"] for p in PARSERS}
        lines.append("| %s | %d | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %.0f | %.0f | %.0f | "
                     "%.0f | %.0f | %.0f |" % (
                         m, times[(m, "httpc")]["bytes"], t["httpc"], t["picohttpparser"],
                         t["llhttp"], t["http-parser"], fmt_ratio(t["httpc"] / t["picohttpparser"]),
                         fmt_ratio(t["httpc"] / t["llhttp"]),
                         fmt_ratio(t["httpc"] / t["http-parser"]), times[(m, "httpc")]["mb_s"],
                         ir[m + "/httpc"], ir[m + "/picohttpparser"], ir[m + "/llhttp"],
                         ir[m + "/http-parser"], ir_scalar[m + "/httpc"]))
    return lines


def goals(times, ir, e2e_res, idle):
    r = lambda m: times[(m, "httpc")]["ns"] / times[(m, "llhttp")]["ns"]
    msgs = list(dict.fromkeys(m for m, _ in times))
    rows = [
        ("heads: typical <= 0.5x llhttp", r("typical"), r("typical") <= 0.5),
        ("heads: cookie <= 0.5x llhttp", r("cookie"), r("cookie") <= 0.5),
        ("heads: minimal <= 0.35x llhttp", r("minimal"), r("minimal") <= 0.35),
    ]
    worst_ir = max(ir[m + "/httpc"] / ir[m + "/llhttp"] for m in msgs)
    rows.append(("fewer instructions than llhttp on every message (worst ratio)", worst_ir,
                 worst_ir < 1))
    worst_hp = max(max(times[(m, "httpc")]["ns"] / times[(m, "http-parser")]["ns"],
                       ir[m + "/httpc"] / ir[m + "/http-parser"]) for m in msgs)
    rows.append(("never slower than http-parser (worst of time and Ir ratios)", worst_hp,
                 worst_hp <= 1))
    chunk = max(r(m) for m in msgs if m.startswith("chunked"))
    rows.append(("chunked decoding <= 0.7x llhttp (worst)", chunk, chunk <= 0.7))
    pico = lambda m: times[(m, "httpc")]["ns"] / times[(m, "picohttpparser")]["ns"]
    rows.append(("typical head <= 0.7x picohttpparser's time", pico("typical"),
                 pico("typical") <= 0.7))
    pico_ir = ir["typical/httpc"] / ir["typical/picohttpparser"]
    rows.append(("typical head <= 0.35x picohttpparser's instructions", pico_ir, pico_ir <= 0.35))
    floor = ir["typical/httpc"] / ir["typical/memchr-lines"]
    rows.append(("typical head <= 1.5x the instructions of a memchr line splitter that checks "
                 "nothing", floor, floor <= 1.5))
    chunk_pico = max(pico(m) for m in msgs if m.startswith("chunked"))
    rows.append(("chunked <= 0.8x picohttpparser's time (worst; its decode includes the "
                 "in-place rewrite)", chunk_pico, chunk_pico <= 0.8))
    # keep-alive GETs of 100 B: the ratio of each round's runs (interleaved),
    # their median; the read() loop's is the most any client reaches against
    # this responder (one send and one recv a request, as httpc makes)
    per_round = lambda c: statistics.median(
        a / b for a, b in zip(e2e_res[(100, c)]["runs"], e2e_res[(100, "curl")]["runs"]))
    small = per_round("httpc")
    rows.append(("e2e 100 B GETs >= 2x libcurl req/s (median of per-round ratios)", small,
                 small >= 2))
    rows.append(("the same for the read() loop: the ceiling on this machine", per_round("raw"),
                 None))
    big = e2e_res[(64 << 20, "httpc")]["mb_s"] / e2e_res[(64 << 20, "raw")]["mb_s"]
    rows.append(("64 MiB body >= 0.9x a read() loop", big, big >= 0.9))
    kib = idle["httpc"]["heap_bytes_per_conn"] / 1024
    rows.append(("memory per idle connection < 80 KiB (heap KiB)", kib, kib < 80))
    lines = ["| goal | measured | |", "|---|---|---|"]
    for name, val, ok in rows:
        lines.append("| %s | %.2f | %s |" % (name, val, goal(ok)))
    return lines


def e2e_table(res):
    lines = ["| body | client | req/s | MB/s | vs libcurl | peak RSS KiB, VmHWM (growth during the run) "
             "| responder CPU | CPU us a request: client / responder |",
             "|---|---|---|---|---|---|---|---|"]
    for size, _ in E2E_SIZES:
        for c in E2E_CLIENTS:
            x = res[(size, c)]
            label = {"curl": "libcurl", "python": "CPython http.client",
                     "raw": "read() loop"}.get(c, c)
            lines.append("| %s | %s | %.0f | %.1f | %s | %d (+%d) | %.0f%% | %.1f / %.1f |" % (
                human(size), label, x["req_s"], x["mb_s"],
                fmt_ratio(x["req_s"] / res[(size, "curl")]["req_s"]), x["maxrss_kb"],
                x["rss_growth_kb"], 100 * x["server_cpu"], x["client_us"], x["server_us"]))
    return lines


def human(n):
    return "%d MiB" % (n >> 20) if n >= 1 << 20 else "%d KiB" % (n >> 10) if n >= 1024 else "%d B" % n


def svg(times, e2e_res, path):
    """Two bar groups: parser time relative to llhttp, e2e req/s relative to
    libcurl; a line at 1."""
    bars = []
    for m in dict.fromkeys(m for m, _ in times):
        for p in ("httpc", "picohttpparser", "http-parser"):
            bars.append(("%s %s" % (m, p), times[(m, p)]["ns"] / times[(m, "llhttp")]["ns"], p))
    for size, _ in E2E_SIZES:
        for c in ("httpc", "python", "raw"):
            bars.append(("e2e %s %s" % (human(size), c),
                         e2e_res[(size, c)]["req_s"] / e2e_res[(size, "curl")]["req_s"], c))
    colors = {"httpc": "#1f77b4", "http-parser": "#ff7f0e", "picohttpparser": "#9467bd", "python": "#2ca02c", "raw": "#7f7f7f"}
    top = max(b[1] for b in bars) * 1.1
    w, left, bh = 760, 220, 16
    h = 40 + len(bars) * (bh + 4) + 30
    scale = (w - left - 20) / top
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (w, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="18" font-size="13">parser time / llhttp time (lower is better); '
           'e2e req/s / libcurl req/s (higher is better)</text>']
    for i, (label, v, kind) in enumerate(bars):
        y = 32 + i * (bh + 4)
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + 12, label))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
            left, y, v * scale, bh, colors[kind]))
        out.append('<text x="%.1f" y="%d">%.2f</text>' % (left + v * scale + 4, y + 12, v))
    x1 = left + scale
    out.append('<line x1="%.1f" y1="28" x2="%.1f" y2="%d" stroke="black" stroke-dasharray="4"/>'
               % (x1, x1, h - 20))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_report(reports, data):
    os.makedirs(reports, exist_ok=True)
    times, ir, irs = data["micro"], data["ir"], data["ir_scalar"]
    m = data["machine"]
    lines = ["# httpc benchmarks", "",
             "Machine: %s, %d cores, Linux %s; compiler: %s; Python %s. Release build (-O3). "
             "llhttp %s built from Debian's node-llhttp C sources with the same flags; "
             "picohttpparser from Debian's libh2o0.13 (h2o 2.2.5, as Debian built it), "
             "http-parser 2.9.4 and libcurl from Debian." % (
                 m["cpu"], m["cores"], m["kernel"], m["compiler"], m["python"], data["llhttp"]),
             "", "Times are medians of interleaved rounds on a shared machine; the callgrind "
             "instruction counts (Ir, per parse, harness included alike for every parser) are "
             "deterministic and the figure to track. httpc runs the py3 profile (CPython 3.11 "
             "semantics) with max_headers raised to 1000 for the 100-header head.", "",
             "## Goals", ""] + goals(times, ir, data["e2e"], data["idle"]) + [
             "", "## Parsers", ""] + micro_table(times, ir, irs) + [
             "", "The segmentation sweep (every reply in one piece and in 1448-, 64- and "
             "1-byte pieces, the client path included): [sweep.md](sweep.md).",
             "", "## End to end (keep-alive GETs, one responder)", ""] + e2e_table(data["e2e"]) + [
             "", "Memory per idle kept-alive connection (200 connections, heap growth / 200): "
             "httpc %.1f KiB, libcurl (one easy handle each) %.1f KiB." % (
                 data["idle"]["httpc"]["heap_bytes_per_conn"] / 1024,
                 data["idle"]["curl"]["heap_bytes_per_conn"] / 1024),
             "", "## Scenario suite", ""] + [
             "- `httpc-conform -q scenarios` %s: %.2f s" % (k, v) for k, v in data["suite"].items()] + [
             "", "![ratios](bench.svg)", ""]
    with open(os.path.join(reports, "bench.md"), "w") as f:
        f.write("\n".join(lines))
    svg(times, data["e2e"], os.path.join(reports, "bench.svg"))
    js = dict(data)
    js["micro"] = {"%s/%s" % k: v for k, v in times.items()}
    js["e2e"] = {"%d/%s" % k: v for k, v in data["e2e"].items()}
    with open(os.path.join(reports, "results.json"), "w") as f:
        json.dump(js, f, indent=1)
    log("wrote", os.path.join(reports, "bench.md"))


def llhttp_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "node-llhttp"],
                              capture_output=True, text=True).stdout.split("~")[0]
    except OSError:
        return "?"


# ---- check against the baselines -----------------------------------------------

def baseline_paths(path):
    """The micro-benchmark's and the sweep's baselines from a directory (or
    a file in it)."""
    d = path if os.path.isdir(path) else os.path.dirname(path) or "."
    return os.path.join(d, "callgrind.json"), os.path.join(d, "sweep.json")


def write_baseline(path, counts):
    with open(path, "w") as f:
        json.dump({"scan": "scalar", "tolerance": CHECK_TOLERANCE,
                   "machine": platform.machine(), "compiler": machine()["compiler"],
                   "instructions_per_parse": {k: round(v) for k, v in sorted(counts.items())}},
                  f, indent=1)
        f.write("\n")
    log("baseline written:", path)


def compare(baseline_path, ours):
    """1 when a case of the baseline is missing or costs over 3% more."""
    baseline = json.load(open(baseline_path))
    base = baseline["instructions_per_parse"]
    if baseline.get("compiler") != machine()["compiler"]:
        log("note: baseline made with %s, this is %s: counts may differ for that reason"
            % (baseline.get("compiler"), machine()["compiler"]))
    bad = 0
    for k, want in sorted(base.items()):
        got = ours.get(k)
        if got is None:
            log("missing case", k)
            bad = 1
            continue
        delta = got / want - 1
        flag = "REGRESSION" if delta > CHECK_TOLERANCE else "ok"
        print("%-36s %12.0f Ir  baseline %12.0f  %+7.2f%%  %s" % (k, got, want, 100 * delta, flag))
        bad |= delta > CHECK_TOLERANCE
    return bad


def check(build, baseline_path, update, skip_sweep=False):
    exe = os.path.join(build, "bench", "httpc-bench-micro")
    subprocess.run([exe, "--selftest"], check=True)  # every scan level agrees
    micro_path, sweep_path = baseline_paths(baseline_path)
    counts = callgrind_counts(build, "scalar")  # the results are checked equal first
    ours = {k: v for k, v in counts.items() if k.endswith("/httpc")}
    if not skip_sweep:  # httpc's sweep rows, each checked against httpc in one piece first
        log("segmentation sweep under callgrind (httpc's rows)")
        sweep, _ = sweep_counts(build, "scalar", SWEEP_GATED)
    if update:
        write_baseline(micro_path, ours)
        if not skip_sweep:
            write_baseline(sweep_path, sweep)
        return 0
    bad = compare(micro_path, ours)
    if not skip_sweep:
        bad |= compare(sweep_path, sweep)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(
        description="Runs httpc's benchmarks (bench/README.md) and writes reports/bench/, "
        "or checks callgrind instruction counts against bench/baselines/.")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"),
                    help="the build tree configured with -DHTTPC_BENCH=ON (default build/bench)")
    ap.add_argument("--reports", default=os.path.join(ROOT, "reports", "bench"),
                    help="where the reports go (default reports/bench)")
    ap.add_argument("--rounds", type=int, default=7, help="end-to-end rounds (default 7)")
    ap.add_argument("--sweep-only", action="store_true",
                    help="only the segmentation sweep: reports/bench/sweep.{md,json}")
    ap.add_argument("--no-times", action="store_true",
                    help="with --sweep-only: callgrind counts only, no wall time")
    ap.add_argument("--skip-sweep", action="store_true",
                    help="with --check/--update-baseline: the micro-benchmark's counts only")
    ap.add_argument("--check", metavar="BASELINES",
                    help="compare httpc's instruction counts with the baselines' directory "
                    "(callgrind.json, sweep.json); fails over +3%%")
    ap.add_argument("--update-baseline", metavar="BASELINES",
                    help="record httpc's instruction counts into the baselines' directory")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("bench: valgrind is missing (scripts/bootstrap bench)")
    if a.check or a.update_baseline:
        return check(a.build, a.check or a.update_baseline, bool(a.update_baseline),
                     a.skip_sweep)
    if a.sweep_only:
        write_sweep_report(a.reports, run_sweep(a.build, not a.no_times), machine())
        print(open(os.path.join(a.reports, "sweep.md")).read())
        return 0
    log("parser micro-benchmark (results checked equal first)")
    data = {"machine": machine(), "llhttp": llhttp_version()}
    data["micro"] = micro_times(a.build, 3)
    log("callgrind")
    data["ir"] = callgrind_counts(a.build, "auto")
    data["ir_scalar"] = callgrind_counts(a.build, "scalar")
    sweep = run_sweep(a.build)
    log("end to end")
    data["e2e"], data["idle"] = e2e(a.build, a.rounds)
    log("scenario suite")
    data["suite"] = suite_time(a.build)
    write_report(a.reports, data)
    write_sweep_report(a.reports, sweep, data["machine"])
    print(open(os.path.join(a.reports, "bench.md")).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
