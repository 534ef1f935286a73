#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AFL++ builds and parallel campaigns of the fuzz targets (same sources as the
# libFuzzer ones, linked with AFL++'s libFuzzer driver, persistent mode).
# Usage: fuzz/afl.sh build BUILD            three builds under BUILD: plain/, asan/, cmplog/
#        fuzz/afl.sh run BUILD TARGET JOBS SECONDS
#   run: one -M main (plain build, CMPLOG from cmplog/), JOBS-1 -S secondaries,
#   the first of them the ASan+UBSan build; output in BUILD/out/TARGET/,
#   crashes in BUILD/out/TARGET/*/crashes/. Needs `scripts/bootstrap fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 build=$2

# One build: the compile-time variables select AFL++'s instrumentation.
afl_build() {
  local dir=$1
  shift
  env "$@" cmake -S . -B "$dir" -DCMAKE_C_COMPILER=afl-clang-fast -DHTTPC_FUZZ=ON \
    -DHTTPC_FUZZ_SANITIZE=OFF -DHTTPC_FUZZ_ENGINE=-fsanitize=fuzzer -DHTTPC_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  env "$@" AFL_QUIET=1 cmake --build "$dir" -j "${JOBS:-2}" --target httpc_fuzzers >/dev/null
}

case "$cmd" in
  build)
    command -v afl-clang-fast >/dev/null || { echo "afl.sh: no afl-clang-fast (scripts/bootstrap fuzz)" >&2; exit 1; }
    afl_build "$build/plain"
    afl_build "$build/asan" AFL_USE_ASAN=1 AFL_USE_UBSAN=1
    afl_build "$build/cmplog" AFL_LLVM_CMPLOG=1
    ;;
  run)
    [ $# -eq 5 ] || usage
    target=${3#fuzz_} jobs=$4 seconds=$5
    bin() { echo "$build/$1/fuzz/fuzz_$target"; }
    for b in plain asan cmplog; do
      [ -x "$(bin $b)" ] || { echo "afl.sh: no $(bin $b) (make fuzz-afl builds it)" >&2; exit 1; }
    done
    out=$build/out/$target
    mkdir -p "$out"
    # No UI, no CPU-frequency or core_pattern checks (shared CI machines);
    # ASan needs no memory limit; abort_on_error so AFL++ sees the crash.
    export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
    export AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1
    export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
    export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1
    common=(-i "corpus/$target" -o "$out" -x "fuzz/fuzz_$target.dict" -V "$seconds" -m none)
    pids=()
    afl-fuzz "${common[@]}" -M main -c "$(bin cmplog)" -- "$(bin plain)" >"$out/main.log" 2>&1 &
    pids+=($!)
    for ((i = 1; i < jobs; i++)); do
      b=plain
      [ $i -eq 1 ] && b=asan
      afl-fuzz "${common[@]}" -S "s$i-$b" -- "$(bin $b)" >"$out/s$i.log" 2>&1 &
      pids+=($!)
    done
    rc=0
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    # One line per instance: executions, paths, crashes (fuzzer_stats).
    for s in "$out"/*/fuzzer_stats; do
      awk -F' *: *' -v n="$(basename "$(dirname "$s")")" \
        '{v[$1]=$2} END {printf "%-12s execs %s  exec/s %s  corpus %s  crashes %s  edges %s\n", n, v["execs_done"], v["execs_per_sec"], v["corpus_count"], v["saved_crashes"], v["edges_found"]}' "$s"
    done
    crashes=$(find "$out" -path '*/crashes/id*' | wc -l)
    [ "$crashes" -eq 0 ] || { echo "afl.sh: $crashes crash(es) in $out/*/crashes/" >&2; rc=1; }
    [ $rc -eq 0 ] || tail -20 "$out/main.log" >&2
    exit $rc
    ;;
  *) usage ;;
esac
