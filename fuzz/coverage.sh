#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Source coverage of the fuzz corpora: builds the replay drivers with clang's
# -fprofile-instr-generate -fcoverage-mapping, replays corpus/<target>/, its
# regressions and (when there) the campaign corpus BUILD/../fuzz/corpus/<target>/
# (FUZZ_CAMPAIGN_CORPUS=DIR: DIR/<target>/ instead),
# then writes an llvm-cov HTML report of the library code (client/src,
# mockserver/src) and prints one summary line per target.
# Usage: fuzz/coverage.sh BUILD REPORT_DIR [TARGET...]   (llvm-14 tools: scripts/bootstrap fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$1 report=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$(sed -n 's/^set(HTTPC_FUZZ_TARGETS \(.*\))$/\1/p' fuzz/CMakeLists.txt)"
cov=llvm-cov-14 profdata=llvm-profdata-14
command -v $cov >/dev/null || { echo "coverage.sh: no $cov (scripts/bootstrap fuzz)" >&2; exit 1; }

flags="-fprofile-instr-generate -fcoverage-mapping"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DHTTPC_BUILD_TESTS=ON \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]/#/replay_}" >/dev/null

prof=$build/profiles
rm -rf "$prof"
mkdir -p "$prof" "$report"
objects=()
# the code under test, not the harnesses
sources=(client/src mockserver/src)
for t in "${targets[@]}"; do
  bin=$build/fuzz/replay_$t
  dirs=(corpus/$t corpus/regressions/$t)
  campaign=${FUZZ_CAMPAIGN_CORPUS:-$build/../fuzz/corpus}/$t
  [ -d "$campaign" ] && dirs+=("$campaign")
  # a known leak (fuzz_<t>.lsan) must not stop the replay: no sanitizer here anyway
  LLVM_PROFILE_FILE="$prof/$t.profraw" "$bin" "${dirs[@]}" >/dev/null 2>&1
  $profdata merge -sparse "$prof/$t.profraw" -o "$prof/$t.profdata"
  line=$($cov report "$bin" -instr-profile="$prof/$t.profdata" "${sources[@]}" | tail -1)
  # TOTAL regions missed cover functions missed cover lines missed cover ...
  read -r -a f <<<"$line"
  files=$(find "${dirs[@]}" -maxdepth 1 -type f ! -name '.*' | wc -l)
  printf '%-12s %5s inputs  lines %-7s regions %-7s functions %s\n' "$t" "$files" "${f[9]}" "${f[3]}" "${f[6]}"
  objects+=(-object "$bin")
done
$profdata merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
$cov show "${objects[@]:1}" -instr-profile="$prof/all.profdata" -format=html \
  -output-dir="$report" -show-line-counts-or-regions "${sources[@]}" >/dev/null
echo "coverage.sh: HTML report in $report/index.html"
