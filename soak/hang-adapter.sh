#!/bin/sh
# SPDX-License-Identifier: MIT
# An adapter (adapters/PROTOCOL.md) that hangs on URLs with /hang in them and
# runs the real one otherwise: soak.py checks that httpc-conform kills it,
# judges the scenario `timeout` and goes on. Usage: hang-adapter.sh ADAPTER ARGS...
adapter=$1
shift
for a in "$@"; do
  case $a in
    */hang*) exec sleep 3600 ;;
  esac
done
exec "$adapter" "$@"
