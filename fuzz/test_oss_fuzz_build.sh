#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs fuzz/oss-fuzz/build.sh as OSS-Fuzz would (CC=clang, CFLAGS with ASan
# and coverage, LIB_FUZZING_ENGINE=-fsanitize=fuzzer, OUT a fresh folder) and
# checks that every target, seed corpus, dictionary and options file is there
# and that each binary runs over its seeds. Usage: fuzz/test_oss_fuzz_build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export CC=clang CXX=clang++ LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$out
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS=$CFLAGS
fuzz/oss-fuzz/build.sh

fail=0
for t in $(sed -n 's/^set(HTTPC_FUZZ_TARGETS \(.*\))$/\1/p' fuzz/CMakeLists.txt); do
  for f in "fuzz_$t" "fuzz_${t}_seed_corpus.zip" "fuzz_$t.dict" "fuzz_$t.options"; do
    [ -s "$out/$f" ] || { echo "missing: \$OUT/$f" >&2; fail=1; }
  done
  [ -x "$out/fuzz_$t" ] || { echo "not executable: \$OUT/fuzz_$t" >&2; fail=1; continue; }
  seeds=$out/seeds_$t
  mkdir -p "$seeds" && unzip -q "$out/fuzz_${t}_seed_corpus.zip" -d "$seeds"
  n=$(find "$seeds" -type f | wc -l)
  [ "$n" -gt 0 ] || { echo "empty seed corpus: fuzz_$t" >&2; fail=1; }
  # known leaks waiting for a fix (fuzz/fuzz_<t>.lsan) are not this test's business
  lsan=
  [ -f "fuzz/fuzz_$t.lsan" ] && lsan=suppressions=$PWD/fuzz/fuzz_$t.lsan
  if ! LSAN_OPTIONS=$lsan "$out/fuzz_$t" -runs=0 -dict="$out/fuzz_$t.dict" "$seeds" >"$out/run_$t.log" 2>&1; then
    tail -20 "$out/run_$t.log" >&2; fail=1
  fi
  echo "fuzz_$t: $n seeds, $(grep -o 'cov: [0-9]*' "$out/run_$t.log" | tail -1)"
done
[ $fail -eq 0 ] && echo "oss-fuzz build: ok"
exit $fail
