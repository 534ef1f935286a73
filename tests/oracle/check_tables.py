#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the tables of httpc.h against the running CPython: every status
constant's name, code and phrase (http.client.responses), and every
exception name of the error map that http.client or builtins define, with
its base classes."""
import builtins
import http.client as client
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402

header = open(os.path.join(os.path.dirname(__file__), "..", "..", "client", "include",
                           "httpc.h")).read()
check = Checks()

for name, code, phrase in re.findall(r'X\((\w+), (\d+), "([^"]+)"\)', header):
    check("constant %s = %s" % (name, code), getattr(client, name, None) == int(code))
    check("phrase of %s: %r" % (code, phrase), client.responses.get(int(code)) == phrase)

errs = re.findall(r'X\((\w+), (-\d+), "(\w+)", (\w+), (\w+),', header)
pyname = {e[0]: e[2] for e in errs}
for name, _, py, parent, parent2 in errs:
    cls = getattr(client, py, None) or getattr(builtins, py, None)
    if cls is None:
        continue  # beyond Python (InvalidHeader, ...) or ssl's classes
    for p in (parent, parent2):
        if p != "0":
            base = getattr(client, pyname[p], None) or getattr(builtins, pyname[p])
            check("%s is-a %s" % (py, pyname[p]), issubclass(cls, base))
check.finish()
