#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The linear-parsing table: callgrind instructions per byte (Ir/B) of each reply fed
in one piece, 1448-byte pieces and 1-byte pieces, through the pure parsers and
the client path (httpc-segments-ir, built from fuzz/segments_ir.c). Counts are
instructions, not time, so they hold on a shared machine.

    fuzz/segments_ir.py --exe build/h14rel/segments_ir [--old-api] [--scalar]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

REPLIES = ["typical", "h98x660", "line64k", "h4x64k", "status64k"]
PIECES = [0, 1448, 1]


def measure(exe, reply, piece, client, old_api, scalar):
    """(Ir per byte, the program's result line)."""
    probe = subprocess.run([exe, "--reply", reply, "--piece", "0"], check=True,
                           capture_output=True, text=True).stdout
    length = int(re.search(r"len=(\d+)", probe).group(1))
    # Enough bytes that call set-up is not what is measured; one pass when
    # each byte is a call of its own.
    iters = 1 if piece == 1 and length > 4096 else max(1, (1 << 20) // length)
    if piece == 1:
        iters = min(iters, 20)
    cmd = [exe, "--reply", reply, "--piece", str(piece), "--iters", str(iters)]
    cmd += ["--client"] if client else []
    cmd += ["--old-api"] if old_api else []
    cmd += ["--scalar"] if scalar else []
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        res = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no",
                              "--callgrind-out-file=" + out] + cmd, check=True,
                             capture_output=True, text=True,
                             env=dict(os.environ, LD_BIND_NOW="1"))
        with open(out) as f:
            total = int(re.search(r"^(?:totals|summary): (\d+)", f.read(), re.M).group(1))
    return total / (iters * length), res.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", required=True, help="the httpc-segments-ir binary")
    ap.add_argument("--old-api", action="store_true", help="no resume state (the old callers)")
    ap.add_argument("--scalar", action="store_true", help="portable scan (bench-check's)")
    ap.add_argument("--only", help="one reply")
    a = ap.parse_args()
    if not os.path.exists(a.exe):
        sys.exit(f"{a.exe}: no such file (build fuzz/segments_ir.c first)")
    print("| reply | path | one piece | 1448-byte pieces | 1-byte pieces |")
    print("|---|---|---:|---:|---:|")
    for reply in [a.only] if a.only else REPLIES:
        for client in (False, True):
            cells, results = [], set()
            for piece in PIECES:
                irb, line = measure(a.exe, reply, piece, client, a.old_api, a.scalar)
                cells.append(f"{irb:,.1f}")
                results.add(re.sub(r"piece=\d+ ", "", line))
            same = "" if len(results) == 1 else " (results differ!)"
            print(f"| {reply} | {'client' if client else 'parsers'} | " + " | ".join(cells) +
                  f" |{same}", flush=True)


if __name__ == "__main__":
    main()
