# Makefile - a thin wrapper over CMake for the commands a person types.
#
#   make demo    build and open the default lesson
#   make build   configure and build into build/
#   make test    install what is missing, build, run every test, then again
#                under AddressSanitizer + UndefinedBehaviorSanitizer, then
#                each libFuzzer target for 30 s (test-fuzz)
#   make fuzz    build the libFuzzer targets with clang into build-fuzz/ and
#                run each for FUZZ_TIME seconds (default 600)
#   make bench   build and run the benchmarks; with ns-3 installed
#                (scripts/install-deps.sh --bench) bench_scale compares with it
#   make clean   remove the build trees

JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
BUILD  ?= build
ASAN   ?= build-asan
FUZZ   ?= build-fuzz
FUZZ_TIME ?= 600
DEMO   ?= scenarios/tcp/handshake.scn
CTEST_FLAGS ?= --output-on-failure -j $(JOBS)

.PHONY: all demo build test test-plain test-asan test-fuzz fuzz bench deps clean

all: build

deps:
	@scripts/install-deps.sh --check 2>/dev/null || scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/netstep ui $(DEMO)

test-plain: build
	cd $(BUILD) && ctest $(CTEST_FLAGS)

$(ASAN)/CMakeCache.txt:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DNETSTEP_SANITIZE=ON

test-asan: deps $(ASAN)/CMakeCache.txt
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS)

# The fuzz targets, briefly: a crash, a leak or a broken promise fails the test.
test-fuzz: deps
	tests/fuzz/run.sh 30 $(FUZZ)

test: test-plain test-asan test-fuzz

fuzz: deps
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ)

bench: build
	@scripts/install-deps.sh --bench --check 2>/dev/null || \
	    echo "make bench: ns-3 is not installed; scripts/install-deps.sh --bench adds the comparison"
	@# configure again: ns-3 may have been installed since the last time
	cmake -S . -B $(BUILD) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	@for b in $(BUILD)/bench_*; do [ -x "$$b" ] && "$$b"; done; true

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
