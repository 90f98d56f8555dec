#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# regen-goldens.sh - rewrite tests/golden/<dir>-<name>.trace for every lesson.
#
#   scripts/regen-goldens.sh [NETSTEP]     (default: build/netstep)
#
# A golden is what `netstep run NAME.scn --trace` prints when run in the
# lesson's own folder (so no absolute path gets into it). tests/lesson_check.sh
# compares each lesson's trace against its golden byte for byte. Run this in
# the same commit as a change that is meant to change a trace, and read the
# diff (`git diff tests/golden`) before committing: it is the change a student
# will see.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
netstep=${1:-$root/build/netstep}
case $netstep in /*) ;; *) netstep=$PWD/$netstep ;; esac
[ -x "$netstep" ] || { echo "regen-goldens: no netstep at $netstep (build first, or pass its path)" >&2; exit 2; }
mkdir -p "$root/tests/golden"
n=0
for scn in "$root"/scenarios/*/*.scn; do
    dir=$(basename "$(dirname "$scn")")
    name=$(basename "${scn%.scn}")
    out="$root/tests/golden/$dir-$name.trace"
    # A TAP lesson runs on a real wire, in real time: no golden (the interop
    # tests run it; tests/lesson_check.sh only checks it).
    if (cd "$(dirname "$scn")" && "$netstep" check "$name.scn" 2>/dev/null) | grep -q 'TAP device'; then
        echo "regen-goldens: $dir/$name runs on a TAP device: no golden"
        continue
    fi
    rc=0
    (cd "$(dirname "$scn")" && "$netstep" run "$name.scn" --trace) > "$out.tmp" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "regen-goldens: $dir/$name exits $rc; golden not written (fix the lesson first)" >&2
        rm -f "$out.tmp"
        continue
    fi
    mv "$out.tmp" "$out"
    n=$((n + 1))
done
# Goldens of lessons that no longer exist go too.
for g in "$root"/tests/golden/*.trace; do
    [ -e "$g" ] || continue
    b=$(basename "${g%.trace}")
    [ -e "$root/scenarios/${b%%-*}/${b#*-}.scn" ] || { echo "regen-goldens: removing $b (no such lesson)"; rm -f "$g"; }
done
echo "regen-goldens: wrote $n goldens in tests/golden/"
