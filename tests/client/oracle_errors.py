#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints the http.client exception tree and status table as CPython has
them, to compare with test_errors.c and test_status.c by eye or by diff."""
import http.client as c
import inspect

for name, cls in sorted(vars(c).items()):
    if inspect.isclass(cls) and issubclass(cls, Exception):
        print(name, [b.__name__ for b in cls.__mro__[1:-2]])
for code, phrase in sorted(c.responses.items()):
    print(code, phrase)
