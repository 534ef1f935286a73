#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one libFuzzer target with its dictionary, its .options and the seed
# corpus; new inputs go to BUILD/corpus/<target>, crashes to
# BUILD/artifacts/<target>/. Usage: fuzz/run.sh BUILD TARGET SECONDS [libFuzzer flags...]
# (TARGET: status_line, headers, chunked, trailers, response, split, request,
# scenario; fuzz_ prefix optional)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 3 ]; then
  sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build=$1 target=${2#fuzz_} seconds=$3
shift 3
bin=$build/fuzz/fuzz_$target
[ -x "$bin" ] || { echo "run.sh: no $bin (make fuzz builds it)" >&2; exit 1; }

# key = value lines of the [libfuzzer] section become -key=value.
opts=()
while IFS='=' read -r key value; do
  key=$(echo "$key" | tr -d ' ') value=$(echo "$value" | tr -d ' ')
  [ -n "$key" ] && [ -n "$value" ] && opts+=("-$key=$value")
done < <(sed -n '/^\[libfuzzer\]/,/^\[/p' "fuzz/fuzz_$target.options" | grep '=' || true)

# Known leaks waiting for a fix (see the file) stay out of the way of new ones.
if [ -f "fuzz/fuzz_$target.lsan" ]; then
  export LSAN_OPTIONS="suppressions=$PWD/fuzz/fuzz_$target.lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi

work=$build/corpus/$target artifacts=$build/artifacts/$target
mkdir -p "$work" "$artifacts" "corpus/$target"
exec "$bin" "${opts[@]}" -dict="fuzz/fuzz_$target.dict" -max_total_time="$seconds" \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$work" "corpus/$target"
