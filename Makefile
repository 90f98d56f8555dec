# SPDX-License-Identifier: BSD-2-Clause
# Makefile - a thin wrapper over CMake for the commands a person types.
#
#   make demo    build and open the default lesson (off a terminal: its trace)
#   make build   install what building needs (the build set of
#                scripts/install-deps.sh, nothing the tests need), build into build/
#   make test    install what the tests need too, build, run every test, then
#                again under AddressSanitizer + UndefinedBehaviorSanitizer, then
#                each libFuzzer target for 30 s (test-fuzz)
#   make install install into PREFIX (default /usr/local; DESTDIR honoured)
#   make deb     build netstep_VERSION_ARCH.deb here (Release, from build-deb/)
#   make fuzz    build the libFuzzer targets with clang into build-fuzz/ and
#                run each for FUZZ_TIME seconds (default 600)
#   make bench   build and run the benchmarks, then print the rows that say
#                how netstep compares (its goals); with ns-3 installed
#                (scripts/install-deps.sh --bench) bench_scale, bench_engine
#                and bench_bulk compare with it
#   make clean   remove the build trees

JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
BUILD  ?= build
ASAN   ?= build-asan
DEB    ?= build-deb
FUZZ   ?= build-fuzz
FUZZ_TIME ?= 600
DEMO   ?= scenarios/tcp/handshake.scn
PREFIX ?= /usr/local
CTEST_FLAGS ?= --output-on-failure -j $(JOBS)

.PHONY: all demo build test test-plain test-asan test-fuzz fuzz bench deps deps-test deps-deb install deb clean conformance

all: build

# The build set only: `make build` and `make demo` never install test tools.
deps:
	@scripts/install-deps.sh --build --check 2>/dev/null || scripts/install-deps.sh --build

deps-test:
	@scripts/install-deps.sh --test --check 2>/dev/null || scripts/install-deps.sh --test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Off a terminal (a script, CI, an editor's build button) `netstep ui` says
# the view needs one and prints the lesson's trace instead.
demo: build
	$(BUILD)/netstep ui $(DEMO)

# A build tree made by `make build` without Check gets its tests now.
test-plain: deps-test build
	cmake -S . -B $(BUILD) -DNETSTEP_TESTS=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest $(CTEST_FLAGS)

$(ASAN)/CMakeCache.txt:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DNETSTEP_SANITIZE=ON -DNETSTEP_TESTS=ON

test-asan: deps-test $(ASAN)/CMakeCache.txt
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS)

# The fuzz targets, briefly: a crash, a leak or a broken promise fails the test.
test-fuzz: deps-test
	tests/fuzz/run.sh 30 $(FUZZ)

test: test-plain test-asan test-fuzz

fuzz: deps-test
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ)

bench: build
	@scripts/install-deps.sh --bench --check 2>/dev/null || \
	    echo "make bench: ns-3 is not installed; scripts/install-deps.sh --bench adds the comparison"
	@# configure again: ns-3 may have been installed since the last time
	cmake -S . -B $(BUILD) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	@rm -f $(BUILD)/bench.log
	@for b in $(BUILD)/bench_*; do [ -x "$$b" ] && "$$b" 2>&1 | tee -a $(BUILD)/bench.log; done; true
	@echo; echo "make bench: the rows, each a ratio measured in one run ($(BUILD)/bench.log has all):"
	@# a bench marks a goal's figure with "row:"; bench_view_scale's two
	@# goal lines ("first frame of ...", "bytes per recorded event: ...") too
	@grep -hE "row:|^first frame of|^bytes per recorded event" $(BUILD)/bench.log | \
	    sed 's/^ *row: */  /; s/^first frame/  view: first frame/; s/^bytes per/  view: bytes per/' || \
	    echo "  (no rows: a bench failed)"

# The FreeBSD tcp-testsuite's IPv4 scripts through `netstep packetdrill`,
# with the default and the freebsd personality; writes docs/conformance.md
# (docs/packetdrill.md). Not part of `make test`: the suite is not ours.
SUITE ?= ../shared/conformance/freebsd-tcp-testsuite
conformance: build
	python3 tests/conformance/conformance.py $(BUILD)/netstep $(SUITE) \
	    tests/conformance/classes.txt docs/conformance.md

install: build
	cmake --install $(BUILD) --prefix $(PREFIX) --strip

# A Release build of the program alone (no tests), packaged by CPack's DEB
# generator (cmake/Install.cmake); the .deb lands in this directory.
deps-deb:
	@scripts/install-deps.sh --deb --check 2>/dev/null || scripts/install-deps.sh --deb

deb: deps-deb
	cmake -S . -B $(DEB) -DCMAKE_BUILD_TYPE=Release -DNETSTEP_TESTS=OFF \
	    -DCMAKE_INSTALL_PREFIX=/usr
	cmake --build $(DEB) -j $(JOBS)
	cd $(DEB) && cpack -G DEB
	cp $(DEB)/netstep_*.deb .
	@ls netstep_*.deb

clean:
	rm -rf $(BUILD) $(ASAN) $(DEB) $(FUZZ)
