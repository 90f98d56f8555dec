#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - build the libFuzzer targets and run each one for a while.
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]       (default build-fuzz)
#
# Configures BUILD_DIR with clang and NETSTEP_FUZZ=ON, builds, then runs every
# target (fuzz_tcp, fuzz_scenario) for SECONDS on its corpus in
# tests/fuzz/corpus/NAME/. New inputs the fuzzer finds go to a scratch folder,
# BUILD_DIR/fuzz-out/NAME/, never into the tree; a crash, a leak, a failed
# assertion or an input slower than 25 s leaves its input in
# BUILD_DIR/fuzz-out/NAME/crash-* (or leak-*, timeout-*) and makes the script
# exit 1. Reproduce one with `BUILD_DIR/tests/fuzz/NAME FILE`. Inputs kept in
# tests/fuzz/crashes/NAME/ (bugs found before) are replayed first, and one
# that fails again fails the run. The targets run one after the other: the
# fuzzer is single-threaded and the machine is shared.
set -u
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [BUILD_DIR]}
build=${2:-build-fuzz}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $build in /*) ;; *) build="$root/$build" ;; esac
case $seconds in ''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac

command -v clang >/dev/null 2>&1 || {
    echo "run.sh: clang is not installed (scripts/install-deps.sh installs it with libFuzzer)" >&2
    exit 1
}
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETSTEP_FUZZ=ON \
        >/dev/null || exit 1
fi
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null || {
    cmake --build "$build" -j 1 2>&1 | tail -30 >&2
    exit 1
}

status=0
for name in tcp scenario; do
    bin="$build/tests/fuzz/fuzz_$name"
    out="$build/fuzz-out/$name"
    mkdir -p "$out"
    log="$out/last-run.log"
    echo "fuzz_$name: ${seconds} s on tests/fuzz/corpus/$name (new inputs: $out)"
    # Inputs that once found a bug (tests/fuzz/crashes/NAME/) are replayed
    # first, each once: a bug that comes back fails the run by name.
    crashes="$root/tests/fuzz/crashes/$name"
    if [ -d "$crashes" ] && [ -n "$(ls -A "$crashes")" ]; then
        for input in "$crashes"/*; do
            if ! "$bin" "$input" >"$out/replay.log" 2>&1; then
                grep -E '^fuzz|ERROR|SUMMARY' "$out/replay.log" | head -5 >&2
                echo "FAIL fuzz_$name: tests/fuzz/crashes/$name/$(basename "$input") still fails" >&2
                status=1
            fi
        done
    fi
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out" "$root/tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -ne 0 ]; then
        grep -E 'ERROR|fuzz(_scenario)?: |SUMMARY|artifact_prefix|Test unit written' "$log" | head -20 >&2
        echo "FAIL fuzz_$name: exit $rc after ${runs:-?} executions (whole log: $log)" >&2
        status=1
    else
        echo "ok   fuzz_$name: ${runs:-?} executions, ${cov:-cov ?}, nothing found"
    fi
done
exit $status
