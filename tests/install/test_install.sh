#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` gives a usable package: a program built with the installed
# httpc.pc links against libhttpc (shared and static) and runs, the CLI runs,
# and the shared library exports no internal (httpc__) symbol.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cat > "$tmp/use.c" <<'C'
#include <httpc.h>
#include <string.h>
int main(void)
{
    return strcmp(httpc_err_name(HTTPC_E_REMOTE_DISCONNECTED), "RemoteDisconnected") != 0 ||
           strcmp(httpc_status_phrase(HTTPC_STATUS_NOT_FOUND), "Not Found") != 0;
}
C
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cc "$tmp/use.c" $(pkg-config --cflags --libs httpc) -Wl,-rpath,"$tmp/prefix/lib" -o "$tmp/use"
"$tmp/use"
cc "$tmp/use.c" $(pkg-config --cflags httpc) "$tmp/prefix/lib/libhttpc.a" -o "$tmp/use-static"
"$tmp/use-static"
"$tmp/prefix/bin/httpc" --version | grep -q '^httpc '
for f in include/httpc.h lib/libhttpc.so lib/libhttpc.a lib/pkgconfig/httpc.pc bin/httpc; do
    test -e "$tmp/prefix/$f" || { echo "missing $f"; exit 1; }
done
# The shared library exports the public API alone (client/libhttpc.map).
internal=$(nm -D --defined-only "$tmp/prefix/lib/libhttpc.so" | awk '$3 ~ /^httpc__/' | head -3)
[ -z "$internal" ] || { echo "libhttpc.so exports internal symbols: $internal"; exit 1; }
nm -D --defined-only "$tmp/prefix/lib/libhttpc.so" | grep -Eq ' T httpc_conn_request(@@HTTPC_1)?$' ||
    { echo "libhttpc.so does not export httpc_conn_request"; exit 1; }
echo "1 passed, 0 failed"
