#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` gives a usable package, installed into a temporary prefix.
#   test_install.sh BUILD [pkg-config|find-package|all]
# pkg-config (ctest install/pkg-config): a program built with the installed
#   httpc.pc links against libhttpc (shared and static) and runs; the shared
#   library exports no internal (httpc__) symbol; the three commands run; the
#   scenario library is installed whole (lint passes) and `httpc-conform` with
#   no path runs it; the man pages render without a warning.
# find-package (ctest install/find-package): a CMake project with
#   find_package(httpc CONFIG REQUIRED) links httpc::httpc (and
#   httpc::httpc_static) and runs; the version file says SameMajorVersion.
set -euo pipefail
build=$1
part=${2:-all}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$tmp/use.c" <<'C'
#include <httpc.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    printf("%s\n", httpc_err_name(HTTPC_E_REMOTE_DISCONNECTED));
    return strcmp(httpc_err_name(HTTPC_E_REMOTE_DISCONNECTED), "RemoteDisconnected") != 0 ||
           strcmp(httpc_status_phrase(HTTPC_STATUS_NOT_FOUND), "Not Found") != 0;
}
C

if [ "$part" = pkg-config ] || [ "$part" = all ]; then
    for f in include/httpc.h lib/libhttpc.so lib/libhttpc.a lib/pkgconfig/httpc.pc bin/httpc \
             bin/httpc-mock bin/httpc-conform lib/cmake/httpc/httpcConfig.cmake \
             lib/cmake/httpc/httpcConfigVersion.cmake lib/cmake/httpc/httpcTargets.cmake \
             share/httpc/scenarios/FORMAT.md share/httpc/scenarios/requirements.txt \
             share/httpc/scenarios/REQUIREMENTS.md share/man/man1/httpc.1 \
             share/man/man1/httpc-mock.1 share/man/man1/httpc-conform.1 \
             share/man/man5/httpc-scenario.5; do
        test -e "$prefix/$f" || fail "missing $f"
    done
    ok "installed files"

    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    cc "$tmp/use.c" $(pkg-config --cflags --libs httpc) -Wl,-rpath,"$prefix/lib" -o "$tmp/use"
    [ "$("$tmp/use")" = RemoteDisconnected ] || fail "pkg-config program (shared)"
    cc "$tmp/use.c" $(pkg-config --cflags httpc) "$prefix/lib/libhttpc.a" -o "$tmp/use-static"
    [ "$("$tmp/use-static")" = RemoteDisconnected ] || fail "pkg-config program (static)"
    ok "pkg-config: a program against libhttpc.so and libhttpc.a"

    # The shared library exports the public API alone (client/libhttpc.map).
    internal=$(nm -D --defined-only "$prefix/lib/libhttpc.so" | awk '$3 ~ /^httpc__/' | head -3)
    [ -z "$internal" ] || fail "libhttpc.so exports internal symbols: $internal"
    # (grep -q in a pipeline under pipefail fails when it exits before its
    # writer and SIGPIPE ends nm: read whole outputs first.)
    exported=$(nm -D --defined-only "$prefix/lib/libhttpc.so")
    grep -Eq ' T httpc_conn_request(@@HTTPC_1)?$' <<<"$exported" ||
        fail "libhttpc.so does not export httpc_conn_request"
    ok "libhttpc.so exports the public API alone"

    for c in httpc httpc-mock httpc-conform; do
        version=$("$prefix/bin/$c" --version)
        grep -q "^$c " <<<"$version" || fail "$c --version"
    done
    ok "httpc, httpc-mock, httpc-conform --version"

    # The scenario library: whole (every scenario, the files they send, the
    # catalogue: lint passes), without the generators (scenarios/tools/).
    scn=$prefix/share/httpc/scenarios
    [ ! -e "$scn/tools" ] || fail "scenarios/tools/ is installed"
    [ "$(cd "$src/scenarios" && find . -name '*.scn' | sort)" = "$(cd "$scn" && find . -name '*.scn' | sort)" ] ||
        fail "the installed *.scn differ from scenarios/"
    "$prefix/bin/httpc-mock" lint "$scn" >/dev/null || fail "httpc-mock lint over the installed library"
    ok "scenario library installed ($(find "$scn" -name '*.scn' | wc -l) files; lint passes)"

    # httpc-conform with no path: the installed library, from any folder.
    n=$(cd "$tmp" && "$prefix/bin/httpc-conform" --list | wc -l)
    want=$("$prefix/bin/httpc-conform" --list "$scn" | wc -l)
    [ "$n" -gt 400 ] && [ "$n" = "$want" ] || fail "httpc-conform --list with no path: $n lines (want $want)"
    ok "httpc-conform --list with no path: $n scenarios"
    # ... and runs it, the TLS scenarios with certificates made by httpc-mock.
    "$prefix/bin/httpc-mock" make-certs "$tmp/certs" >/dev/null
    (cd "$tmp" && HTTPC_CERT_DIR="$tmp/certs" "$prefix/bin/httpc-conform" -q -j 2 \
        --id 'tls/*' --id 'chunked/*' >"$tmp/conform.out" 2>&1) ||
        { cat "$tmp/conform.out"; fail "installed httpc-conform over tls/* and chunked/*"; }
    ok "installed httpc-conform with no path: $(tail -1 "$tmp/conform.out")"
    # With no installed library beside it nor at the configured folder, a path is needed.
    default=$("$prefix/bin/httpc-conform" --help | sed -n 's/^from the folder of this binary, else //p')
    if [ ! -d "$default" ]; then
        mkdir -p "$tmp/elsewhere/bin" && cp "$prefix/bin/httpc-conform" "$tmp/elsewhere/bin/"
        rc=0
        "$tmp/elsewhere/bin/httpc-conform" --list >/dev/null 2>"$tmp/err" || rc=$?
        [ "$rc" = 2 ] && grep -q 'no scenario path given' "$tmp/err" ||
            fail "httpc-conform with no path and no library: rc=$rc, $(cat "$tmp/err")"
        ok "httpc-conform with no path and no library: 'no scenario path given'"
    else
        echo "skipped: 'no scenario path given' ($default exists)"
    fi

    # The man pages render without a warning.
    pages=("$prefix"/share/man/man1/*.1 "$prefix"/share/man/man5/*.5)
    [ "${#pages[@]}" = 4 ] || fail "expected 4 man pages, found ${#pages[@]}"
    if command -v groff >/dev/null; then
        for p in "${pages[@]}"; do
            out=$(groff -man -Tutf8 -ww -z "$p" 2>&1) && [ -z "$out" ] || fail "groff on $p: $out"
        done
        ok "man pages render (groff -man -ww)"
    elif command -v mandoc >/dev/null; then
        for p in "${pages[@]}"; do
            mandoc -Tlint -Wwarning "$p" || fail "mandoc -Tlint on $p"
        done
        ok "man pages render (mandoc -Tlint)"
    else
        echo "skipped: man pages (neither groff nor mandoc installed)"
    fi
fi

if [ "$part" = find-package ] || [ "$part" = all ]; then
    mkdir -p "$tmp/proj"
    cp "$tmp/use.c" "$tmp/proj/use.c"
    cat > "$tmp/proj/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(use_httpc LANGUAGES C)
# SameMajorVersion: another major version is not this package.
find_package(httpc 999 CONFIG QUIET)
if(httpc_FOUND)
  message(FATAL_ERROR "find_package(httpc 999) found version ${httpc_VERSION}")
endif()
find_package(httpc CONFIG REQUIRED)
add_executable(prog use.c)
target_link_libraries(prog PRIVATE httpc::httpc)
add_executable(prog_static use.c)
target_link_libraries(prog_static PRIVATE httpc::httpc_static)
CMAKE
    cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/cmake.out" 2>&1 ||
        { cat "$tmp/cmake.out"; fail "configuring a project with find_package(httpc CONFIG REQUIRED)"; }
    cmake --build "$tmp/proj/build" >"$tmp/cmake.out" 2>&1 ||
        { cat "$tmp/cmake.out"; fail "building a project against httpc::httpc"; }
    [ "$("$tmp/proj/build/prog")" = RemoteDisconnected ] || fail "the httpc::httpc program"
    linked=$(ldd "$tmp/proj/build/prog")
    grep -q "$prefix/lib/libhttpc.so" <<<"$linked" ||
        fail "prog does not load the installed libhttpc.so: $(ldd "$tmp/proj/build/prog")"
    [ "$("$tmp/proj/build/prog_static")" = RemoteDisconnected ] || fail "the httpc::httpc_static program"
    ok "find_package(httpc CONFIG): httpc::httpc and httpc::httpc_static link and run"
fi

echo "$passed passed, 0 failed"
