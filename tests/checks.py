# SPDX-License-Identifier: MIT
"""The one check counter of the Python test scripts: each named check passes
or prints FAIL with its detail, and the script ends with one summary line and
an exit status that says whether any check failed."""
import sys


class Checks:
    def __init__(self, verbose=False):
        """verbose: print "ok NAME" for each passing check too, for scripts
        whose log is read as a list of what was checked."""
        self.passed = 0
        self.failed = 0
        self.verbose = verbose
        self.skipped = []  # names of the checks that could not run

    def __call__(self, name, cond, detail=""):
        """Counts one check; a failure prints its name and detail (capped, so a
        whole report pasted as detail does not drown the log)."""
        if cond:
            self.passed += 1
            if self.verbose:
                print("ok      %s" % name)
        else:
            self.failed += 1
            print("FAIL %s %s" % (name, str(detail if detail is not None else "")[:3000]))
        return bool(cond)

    def skip(self, name, why):
        """A check that could not run (no tool, no network): listed as skipped,
        never counted as passed."""
        self.skipped.append(name)
        print("SKIPPED %s: %s" % (name, why))

    def finish(self, suffix=""):
        """Prints 'N passed, M failed[, K skipped (names)]<suffix>' and exits 1
        when a check failed."""
        extra = ""
        if self.skipped:
            extra = ", %d skipped (%s)" % (len(self.skipped), ", ".join(self.skipped))
        print("%d passed, %d failed%s%s" % (self.passed, self.failed, extra, suffix))
        sys.exit(1 if self.failed else 0)
