# SPDX-License-Identifier: MIT
"""The one check counter of the Python test scripts: each named check passes
or prints FAIL with its detail, and the script ends with one summary line and
an exit status that says whether any check failed."""
import sys


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def __call__(self, name, cond, detail=""):
        """Counts one check; a failure prints its name and detail (capped, so a
        whole report pasted as detail does not drown the log)."""
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s %s" % (name, str(detail if detail is not None else "")[:3000]))
        return bool(cond)

    def finish(self, suffix=""):
        """Prints 'N passed, M failed<suffix>' and exits 1 when a check failed."""
        print("%d passed, %d failed%s" % (self.passed, self.failed, suffix))
        sys.exit(1 if self.failed else 0)
