#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The image's entry point (Dockerfile): the first word picks the command.
#   conform ARGS...   httpc-conform ARGS (the scenario library of the image when no PATH is given)
#   mock ARGS...      httpc-mock ARGS (serve, lint, list, requirements, make-certs)
#   lint [PATH...]    httpc-mock lint (default: the image's scenario library)
#   matrix ARGS...    scripts/matrix ARGS (clients installed in the image; --reports defaults to ./reports/matrix)
#   shell             an interactive bash (or: shell -c 'COMMAND')
#   help              this text
# Relative paths are taken from the working directory (/work: mount your tree there):
#   docker run --rm -v "$PWD:/work" IMAGE conform --adapter /work/my-adapter --judge rfc --reports /work/reports
set -euo pipefail

SRC=${HTTPC_SRC:-/src}
PREFIX=${HTTPC_PREFIX:-/usr/local}

usage() {
    sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
}

# The scenario library: HTTPC_SCENARIOS, else the installed copy, else the source tree's.
scenarios() {
    if [ -n "${HTTPC_SCENARIOS:-}" ]; then
        echo "$HTTPC_SCENARIOS"
    elif [ -d "$PREFIX/share/httpc/scenarios" ]; then
        echo "$PREFIX/share/httpc/scenarios"
    else
        echo "$SRC/scenarios"
    fi
}

# Whether httpc-conform's arguments name a PATH (options that take a value skip it).
conform_has_path() {
    local skip=0 a
    for a in "$@"; do
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$a" in
            --) return 1 ;; # everything after -- is a path; "--" alone is caught below
            --profile|--judge|--adapter-profile|--expectations|--adapter|--client-name|\
            --catalogue|--filter|--reports|--timeout|--fail-on|--read-cap|-j|--repeat|\
            --shard|--chaos|--seed|--id|--exclude|--tag|--exclude-tag) skip=1 ;;
            -*) ;;
            *) return 0 ;;
        esac
    done
    return 1
}

# "--" followed by at least one word: the words are paths.
dashdash_path() {
    local seen=0 a
    for a in "$@"; do
        if [ "$seen" = 1 ]; then return 0; fi
        [ "$a" = "--" ] && seen=1
    done
    return 1
}

cmd=${1:-help}
[ $# -gt 0 ] && shift

case "$cmd" in
    conform)
        if conform_has_path "$@" || dashdash_path "$@"; then
            exec httpc-conform "$@"
        fi
        exec httpc-conform "$@" "$(scenarios)" ;;
    mock)
        exec httpc-mock "$@" ;;
    lint)
        if [ $# -eq 0 ]; then set -- "$(scenarios)"; fi
        exec httpc-mock lint "$@" ;;
    matrix)
        reports=()
        case " $* " in *" --reports "*) ;; *) reports=(--reports "$PWD/reports/matrix") ;; esac
        exec python3 "$SRC/scripts/matrix" --build "$SRC/build/release" "${reports[@]}" "$@" ;;
    shell)
        exec bash "$@" ;;
    help|-h|--help)
        usage ;;
    *)
        echo "entrypoint: unknown command '$cmd'" >&2
        usage >&2
        exit 2 ;;
esac
