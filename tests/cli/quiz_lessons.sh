#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# quiz_lessons.sh - every bundled lesson's questions, run against the stack:
# a lesson that asks has at least two questions, the stack answers every one
# (quiz reveals as many as it asks, exit 0), `netstep check` accepts it, and
# it ends with an exercise. Every bundled lesson must ask. A lesson on a
# real TAP device cannot be quizzed here (its peer is the kernel): check
# parses its questions, and the interop test lesson_http runs them.
#   quiz_lessons.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

asking=0
lessons=0
for scn in "$src"/scenarios/*/*.scn; do
    name=$(basename "$(dirname "$scn")")/$(basename "${scn%.scn}")
    n=$(grep -c '^ask ' "$scn")
    lessons=$((lessons + 1))
    [ "$n" -ge 2 ] && ok "$name: $n questions" || { bad "$name: $n question(s), a lesson asks at least 2"; continue; }
    asking=$((asking + 1))
    tail -n 3 "$scn" | grep -q '^say "Exercise: ' && ok "$name: ends with an exercise" ||
        bad "$name: no exercise at its end"
    checked=$( (cd "$(dirname "$scn")" && "$ns" check "$(basename "$scn")") 2>&1) &&
        ok "$name: check accepts its questions" || { bad "$name: check rejects it: $checked"; continue; }
    case $checked in *"TAP device"*)
        ok "$name: a TAP lesson: its questions are asked over a real TAP device (ctest -L interop)"
        continue ;;
    esac
    log="$out/$(echo "$name" | tr / -).out"
    (cd "$(dirname "$scn")" && "$ns" quiz "$(basename "$scn")") < /dev/null > "$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && grep -qx "score: 0 of $n right ($n revealed)" "$log"; then
        ok "$name: the stack answers all $n"
    else
        bad "$name: quiz exits $rc, $(tail -1 "$log")"; grep -A2 "never answered" "$log" | head -6
    fi
done
[ "$lessons" -ge 38 ] && ok "$asking of $lessons lessons ask questions" ||
    bad "only $lessons lessons found under $src/scenarios"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all lesson questions answered by the stack"
