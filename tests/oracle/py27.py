# SPDX-License-Identifier: MIT
"""Where Python 2.7 is, for every Python tool of the project (the py27 and
py27-strict profiles are checked against its httplib). One setting: the
environment variable HTTPC_PY27, a path or a command name; without it, pyenv's
2.7.18 when it is there, else `python2.7` on PATH. scripts/py27.sh is the same
for the shell scripts."""
import os
import shutil
import subprocess

ENV = "HTTPC_PY27"
PYENV_DEFAULT = "/root/.pyenv/versions/2.7.18/bin/python2.7"
# The reason given wherever the py27 checks are skipped.
MISSING = "no Python 2.7: set HTTPC_PY27"
HOW = ("get one with pyenv (pyenv install 2.7.18) or point HTTPC_PY27 at a "
       "python2.7 binary; scripts/bootstrap --help says more")

_found = {}


def setting():
    """What HTTPC_PY27 says, or its default."""
    value = os.environ.get(ENV, "")
    if value:
        return value
    return PYENV_DEFAULT if os.path.exists(PYENV_DEFAULT) else "python2.7"


def find():
    """The absolute path of a working Python 2.7 interpreter, or None. A
    pyenv shim with no 2.7 behind it does not count: the candidate must run
    and say it is 2.7."""
    want = setting()
    if want in _found:
        return _found[want]
    path = want if os.sep in want else shutil.which(want)
    ok = False
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        try:
            p = subprocess.run([path, "-c", "import sys; sys.exit(sys.version_info[:2] != (2, 7))"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
            ok = p.returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
    _found[want] = os.path.abspath(path) if ok else None
    return _found[want]


def describe():
    """One line for messages: the interpreter found, or why there is none."""
    path = find()
    if path:
        return "Python 2.7: %s" % path
    return "%s (%s=%s)" % (MISSING, ENV, setting())
