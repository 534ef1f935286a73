#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the tables of httpc.h against the running CPython: every status
constant's name, code and phrase (http.client.responses), and every
exception name of the error map that http.client or builtins define, with
its base classes."""
import builtins
import http.client as client
import re
import sys
import os

header = open(os.path.join(os.path.dirname(__file__), "..", "..", "client", "include",
                           "httpc.h")).read()
failed = passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


for name, code, phrase in re.findall(r'X\((\w+), (\d+), "([^"]+)"\)', header):
    check(getattr(client, name, None) == int(code), "constant %s = %s" % (name, code))
    check(client.responses.get(int(code)) == phrase, "phrase of %s: %r" % (code, phrase))

errs = re.findall(r'X\((\w+), (-\d+), "(\w+)", (\w+), (\w+),', header)
pyname = {e[0]: e[2] for e in errs}
for name, _, py, parent, parent2 in errs:
    cls = getattr(client, py, None) or getattr(builtins, py, None)
    if cls is None:
        continue  # beyond Python (InvalidHeader, ...) or ssl's classes
    for p in (parent, parent2):
        if p != "0":
            base = getattr(client, pyname[p], None) or getattr(builtins, pyname[p])
            check(issubclass(cls, base), "%s is-a %s" % (py, pyname[p]))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
