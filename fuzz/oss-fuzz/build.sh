#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# OSS-Fuzz / ClusterFuzzLite build of httpc's fuzz targets: compiles the
# library with $CC $CFLAGS, links each fuzz/fuzz_<target>.c with
# $LIB_FUZZING_ENGINE (through $CXX, as the engines are C++) into
# $OUT/fuzz_<target>, and puts next to each its seed corpus
# (fuzz_<target>_seed_corpus.zip: corpus/<target>/ and
# corpus/regressions/<target>/), dictionary and options. The source lists are
# read from client/CMakeLists.txt, so they cannot drift from the CMake build;
# no CMake is needed (base-builder's is older than the project's minimum).
# Run from the tree (fuzz/oss-fuzz/build.sh) or, as OSS-Fuzz does, as
# $SRC/build.sh with the tree as the working directory.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -f "$here/../../client/CMakeLists.txt" ]; then
  root=$(cd "$here/../.." && pwd)
else
  root=$PWD
fi
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${CXX:=clang++}" "${CXXFLAGS:=$CFLAGS}"
: "${OUT:?set OUT to the output folder}"
# The targets of set(HTTPC_FUZZ_TARGETS ...) in fuzz/CMakeLists.txt.
targets=$(sed -n 's/^set(HTTPC_FUZZ_TARGETS \(.*\))$/\1/p' "$root/fuzz/CMakeLists.txt")
[ -n "$targets" ] || { echo "build.sh: no HTTPC_FUZZ_TARGETS in fuzz/CMakeLists.txt" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The files of set(NAME ...) in client/CMakeLists.txt.
sources() {
  sed -n "/^set($1\$/,/^)/p" "$root/client/CMakeLists.txt" | grep -o 'src/[a-z]*/[a-z_0-9]*\.c'
}

# Same language level and feature macros as the CMake build.
flags=(-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
       -I"$root/client/include" -I"$root/client/src/parse" -I"$root/client/src/io")

objects() {
  for s in "$@"; do
    o=$work/$(basename "$s" .c).o
    # shellcheck disable=SC2086
    $CC $CFLAGS "${flags[@]}" -c "$root/client/$s" -o "$o"
    echo "$o"
  done
}

mapfile -t parse_objs < <(objects $(sources HTTPC_PARSE_SOURCES))
mapfile -t io_objs < <(objects $(sources HTTPC_IO_SOURCES))
[ ${#parse_objs[@]} -gt 0 ] && [ ${#io_objs[@]} -gt 0 ] || {
  echo "build.sh: no sources found in client/CMakeLists.txt" >&2; exit 1; }
ar rcs "$work/libhttpc_parse.a" "${parse_objs[@]}"
ar rcs "$work/libhttpc.a" "${parse_objs[@]}" "${io_objs[@]}"
# fuzz_scenario: the mock server's scenario loader alone (and the requirements
# catalogue it checks rfc ids with).
for src in scenario requirements; do
  # shellcheck disable=SC2086
  $CC $CFLAGS "${flags[@]}" -I"$root/mockserver/include" -c "$root/mockserver/src/$src.c" \
    -o "$work/$src.o"
done
ar rcs "$work/libhttpc_scn.a" "$work/scenario.o" "$work/requirements.o" "${parse_objs[@]}"

mkdir -p "$OUT"
for t in $targets; do
  libs=()
  case $t in
    # the I/O sources include the TLS transport: OpenSSL (libssl-dev in the image)
    response|split|request) lib=$work/libhttpc.a libs=(-lssl -lcrypto) ;;
    scenario) lib=$work/libhttpc_scn.a ;;
    *) lib=$work/libhttpc_parse.a ;;
  esac
  # shellcheck disable=SC2086
  $CC $CFLAGS "${flags[@]}" -I"$root/mockserver/include" -c "$root/fuzz/fuzz_$t.c" \
    -o "$work/fuzz_$t.o"
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS "$work/fuzz_$t.o" "$lib" "${libs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_$t"
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  find "$root/corpus/$t" "$root/corpus/regressions/$t" -type f ! -name '.*' ! -path '*/pending/*' 2>/dev/null |
    awk -F/ '!seen[$NF]++' | # zip -j refuses a name twice (a seed kept as a regression too)
    zip -q -j "$OUT/fuzz_${t}_seed_corpus.zip" -@
  cp "$root/fuzz/fuzz_$t.dict" "$root/fuzz/fuzz_$t.options" "$OUT/"
done
