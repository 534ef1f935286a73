# SPDX-License-Identifier: MIT
"""The files the runner's test scripts write: the one-reply scenario they
judge (a 200 with body "hi", py3 only), a library of it with one expectation
each, and any small file or stand-in adapter script."""
import os

SCN = """id: t/%s
title: %s
profiles: py3 -- only py3 is judged here
connection
  read request
  send "HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi"
  close
%s
"""


def write(path, text, executable=False):
    """Writes `text` to `path` (mode 0755 when `executable`: an adapter script)."""
    with open(path, "w") as f:
        f.write(text)
    if executable:
        os.chmod(path, 0o755)


def write_scns(folder, expects):
    """folder/NAME.scn for each (NAME, EXPECT) of `expects`: SCN with id t/NAME,
    title NAME and the expectation lines EXPECT."""
    for name, expect in expects:
        write(os.path.join(folder, name + ".scn"), SCN % (name, name, expect))
