# SPDX-License-Identifier: MIT
# Short commands over CMake presets. `make help` lists them.
# Every target first runs scripts/bootstrap, which installs missing Debian
# packages (silent when nothing is missing).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_FUZZ_SECONDS ?= 10
CMAKE_FLAGS ?= -DHTTPC_WERROR=ON
PREFIX ?= /usr/local
# No make[N]: Entering/Leaving directory lines, here or in the makes CMake runs.
MAKEFLAGS += --no-print-directory

.PHONY: help bootstrap build asan release test test-unit test-asan test-fuzz conform verify-expectations install format clean report-screenshot

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

bootstrap: ## install missing Debian packages (scripts/bootstrap)
	@scripts/bootstrap

build: bootstrap ## configure and build the default (debug) preset (quiet: one line; the output in build/default/build.log)
	@JOBS=$(JOBS) scripts/cmake-build default $(CMAKE_FLAGS)

asan: bootstrap ## build under ASan+UBSan
	@JOBS=$(JOBS) scripts/cmake-build asan $(CMAKE_FLAGS)

release: bootstrap ## optimised build
	@JOBS=$(JOBS) scripts/cmake-build release $(CMAKE_FLAGS)

test-unit: build ## every test of the default build (unit, end-to-end, CPython oracle)
	@ctest --preset default -j $(JOBS)

test-asan: asan ## the unit tests again under ASan+UBSan
	@ctest --preset asan -j $(JOBS) -L unit

test: test-unit test-asan test-fuzz ## build and run every test, the unit tests again under ASan+UBSan, then every fuzz target briefly

test-fuzz: ## make fuzz-smoke for 10 s a target (part of make test)
	@$(MAKE) --no-print-directory fuzz-smoke FUZZ_SMOKE_SECONDS=$(TEST_FUZZ_SECONDS)

conform: build ## the main job: the scenario library against httpc (every profile; strict also under the RFC judge), then the CPython oracle; reports in reports/
	@JOBS=$(JOBS) scripts/conform build/default reports

report-screenshot: ## render reports/conform/report.html in headless Chromium to report.png (installs chromium)
	@scripts/bootstrap browser
	@scripts/screenshot reports/conform/report.html reports/conform/report.png

verify-expectations: build ## every CPython-side expectation of the scenario library against real CPython (3.11, and 2.7 when present)
	@scripts/verify-expectations build/default reports

install: release ## install libhttpc, httpc.h, httpc.pc and the CLI under PREFIX
	@cmake --install build/release --prefix $(PREFIX)

format: ## reformat the C sources with clang-format
	@find client tests mockserver soak/src runner bench fuzz adapters -name '*.[ch]' | xargs clang-format -i

clean: ## remove the build trees
	@rm -rf build

# ---- fuzzing (fuzz/README.md) ------------------------------------------------
FUZZ_TARGETS := status_line headers chunked trailers response split request scenario framing
TARGET ?= response
SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20

.PHONY: fuzz-build fuzz fuzz-smoke fuzz-corpus fuzz-afl-build fuzz-afl fuzz-coverage

fuzz-build: bootstrap ## build the libFuzzer targets (clang, ASan+UBSan) in build/fuzz
	@cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DHTTPC_FUZZ=ON -DHTTPC_BUILD_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target httpc_fuzzers

fuzz: fuzz-build ## run one fuzz target with its dict and seeds: make fuzz TARGET=headers SECONDS=60
	@fuzz/run.sh build/fuzz $(TARGET) $(SECONDS)

# 8 targets: 8 x FUZZ_SMOKE_SECONDS (CI: 15 s, 2 minutes in all).
fuzz-smoke: fuzz-build ## every fuzz target for FUZZ_SMOKE_SECONDS (20) s each; fails on a crash
	@mkdir -p build/fuzz/logs; for t in $(FUZZ_TARGETS); do \
	  log=build/fuzz/logs/$$t.log; \
	  fuzz/run.sh build/fuzz $$t $(FUZZ_SMOKE_SECONDS) >$$log 2>&1 || { tail -40 $$log; exit 1; }; \
	  printf '%-12s %s\n' $$t "$$(grep -E '^#[0-9]+' $$log | tail -1)"; \
	done

fuzz-corpus: fuzz-build ## regenerate corpus/<target>/ from tests/oracle/cases.py and scenarios/ (-merge=1)
	@python3 fuzz/make_corpus.py --merge build/fuzz/fuzz

fuzz-afl-build: ## AFL++ builds (plain, ASan+UBSan, CMPLOG) in build/fuzz-afl (scripts/bootstrap fuzz)
	@scripts/bootstrap fuzz
	@JOBS=$(JOBS) fuzz/afl.sh build build/fuzz-afl

fuzz-afl: fuzz-afl-build ## AFL++ campaign: make fuzz-afl TARGET=headers JOBS=2 SECONDS=600 (-M + JOBS-1 -S, one ASan)
	@fuzz/afl.sh run build/fuzz-afl $(TARGET) $(JOBS) $(SECONDS)

fuzz-coverage: ## llvm-cov HTML report of the corpora in reports/fuzz-coverage/, one line per target
	@scripts/bootstrap fuzz
	@JOBS=$(JOBS) fuzz/coverage.sh build/fuzz-cov reports/fuzz-coverage
# ---- end fuzzing -------------------------------------------------------------

# ---- benchmarks (bench/README.md) ---------------------------------------------
# Release (-O3) without -Werror: optimisation brings warnings of its own that
# the debug builds (make test) are the place to catch. BENCH_BUILD picks the
# build tree (make bench-check BENCH_BUILD=build/mine).
BENCH_BUILD ?= build/bench
BENCH_CMAKE = cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DHTTPC_BENCH=ON \
  -DHTTPC_BUILD_TESTS=OFF -DHTTPC_WERROR=OFF >/dev/null

.PHONY: bench bench-check

bench: ## parsers vs picohttpparser/llhttp/http-parser (one piece and a segmentation sweep), clients vs libcurl/CPython, suite time; report in reports/bench/
	@scripts/bootstrap bench
	@$(BENCH_CMAKE)
	@cmake --build $(BENCH_BUILD) -j $(JOBS)
	@python3 bench/run.py --build $(BENCH_BUILD) --reports reports/bench

bench-check: ## callgrind instructions per parse (micro-benchmark and sweep) vs bench/baselines/; fails on a regression over 3%
	@scripts/bootstrap bench
	@$(BENCH_CMAKE)
	@cmake --build $(BENCH_BUILD) -j $(JOBS) --target httpc-bench-micro httpc-bench-sweep
	@python3 bench/run.py --build $(BENCH_BUILD) --check bench/baselines
# ---- end benchmarks -------------------------------------------------------------

# ---- matrix (adapters/TAXONOMY.md) ----------------------------------------------
# The scenario library against every installed client, and differential fuzzing
# of the clients; scripts/bootstrap matrix installs curl, libcurl, Node and Go.
# MATRIX_FLAGS adds clients or narrows the run: MATRIX_FLAGS="--clients my.toml --only mine".
DIFF_FUZZ_N ?= 10000
DIFF_FUZZ_SEED ?= 1

.PHONY: matrix diff-fuzz

# The clients come first, so that the build finds libcurl and builds its adapter.
MATRIX_BUILD = @scripts/bootstrap && scripts/bootstrap matrix && \
  cmake --preset default $(CMAKE_FLAGS) >/dev/null && cmake --build --preset default -j $(JOBS)

matrix: ## every scenario against every installed client (CPython, httpc, curl, libcurl, Node, Go; yours: MATRIX_FLAGS="--clients FILE"), judged by the RFC, py3 and py27; reports/matrix/
	$(MATRIX_BUILD)
	@scripts/matrix --build build/default --reports reports/matrix -j 2 $(MATRIX_FLAGS)

diff-fuzz: ## mutated replies against every client; disagreements minimised into scenarios/found/ (DIFF_FUZZ_N, DIFF_FUZZ_SEED)
	$(MATRIX_BUILD)
	@scripts/matrix-diff-fuzz --build build/default -n $(DIFF_FUZZ_N) --seed $(DIFF_FUZZ_SEED) -j 2
	@build/default/mockserver/httpc-mock lint scenarios/found

# httpc against CPython itself, in process on both sides (scripts/diff-cpython):
# DIFF_CPYTHON_N=200000 is the full run (the figures in the README): 24 minutes for
# the four profiles, 32 with --newer, on 2 cores shared with other jobs.
DIFF_CPYTHON_N ?= 20000
DIFF_CPYTHON_SEED ?= 1
DIFF_CPYTHON_FLAGS ?= # --newer: py3 against 3.12 and 3.13 too
.PHONY: diff-cpython
diff-cpython: build ## mutated replies through httpc and CPython 2.7/3.6/3.11 (py27, py27-strict, py36, py3), read() and read(n); disagreements minimised into reports/diff-cpython/ (DIFF_CPYTHON_N, DIFF_CPYTHON_SEED, DIFF_CPYTHON_FLAGS)
	@cmake --build build/default --target httpc-diff-cpython -j $(JOBS) >/dev/null
	@nice -n 10 python3 scripts/diff-cpython --driver build/default/tests/diffcpython/httpc-diff-cpython \
	  -n $(DIFF_CPYTHON_N) --seed $(DIFF_CPYTHON_SEED) -j $(JOBS) $(DIFF_CPYTHON_FLAGS)
# ---- end matrix -------------------------------------------------------------------

# ---- soak (soak/soak.py) -------------------------------------------------------
.PHONY: soak soak-ci

soak: build ## the long soak (by hand, ~15 min): 1 GiB bodies, 5 chaos seeds, load, faults, valgrind; reports/soak/
	@python3 soak/soak.py --build build/default --reports reports/soak

soak-ci: build ## the CI-sized soak (under ~4 min; ctest runs it in make test, label soak); reports/soak/
	@python3 soak/soak.py --build build/default --reports reports/soak --ci
# ---- end soak ----------------------------------------------------------------------
