# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# Where Python 2.7 is, for the shell scripts (source it). One setting: the
# environment variable HTTPC_PY27, a path or a command name; without it,
# pyenv's 2.7.18 when it is there, else `python2.7` on PATH. The Python tools
# read the same setting through tests/oracle/py27.py.
#   py27_setting  prints what HTTPC_PY27 says, or its default
#   py27_find     prints the path of a working 2.7 interpreter; fails if none
#                 (a pyenv shim with no 2.7 behind it does not count)
PY27_PYENV_DEFAULT=/root/.pyenv/versions/2.7.18/bin/python2.7
PY27_MISSING="no Python 2.7: set HTTPC_PY27"
PY27_HOW="get one with pyenv (pyenv install 2.7.18) or point HTTPC_PY27 at a python2.7 binary"

py27_setting() {
  if [ -n "${HTTPC_PY27:-}" ]; then
    printf '%s\n' "$HTTPC_PY27"
  elif [ -e "$PY27_PYENV_DEFAULT" ]; then
    printf '%s\n' "$PY27_PYENV_DEFAULT"
  else
    printf '%s\n' python2.7
  fi
}

py27_find() {
  local want path
  want=$(py27_setting)
  case "$want" in
    */*) path=$want ;;
    *) path=$(command -v "$want" 2>/dev/null) || return 1 ;;
  esac
  [ -f "$path" ] && [ -x "$path" ] || return 1
  "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (2, 7))' >/dev/null 2>&1 || return 1
  printf '%s\n' "$path"
}
