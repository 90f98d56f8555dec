#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# quiz_lessons.sh - every bundled lesson's questions, run against the stack:
# a lesson that asks has at least two questions, the stack answers every one
# (quiz reveals as many as it asks, exit 0), `netstep check` accepts it, and
# it ends with an exercise. The lessons listed below must ask.
#   quiz_lessons.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

must_ask="tcp/handshake link/arp tcp/rst-closed-port tcp/data-and-ack ip/ttl-expiry ip/ping udp/port-unreachable tcp/simultaneous-open tcp/zero-window tcp/nagle-vs-delayed-ack"
for l in $must_ask; do
    grep -q '^ask ' "$src/scenarios/$l.scn" && ok "$l asks" || bad "$l asks no question"
done

asking=0
for scn in "$src"/scenarios/*/*.scn; do
    name=$(basename "$(dirname "$scn")")/$(basename "${scn%.scn}")
    n=$(grep -c '^ask ' "$scn")
    [ "$n" -eq 0 ] && continue
    asking=$((asking + 1))
    [ "$n" -ge 2 ] && ok "$name: $n questions" || bad "$name: only $n question"
    log="$out/$(echo "$name" | tr / -).out"
    (cd "$(dirname "$scn")" && "$ns" quiz "$(basename "$scn")") < /dev/null > "$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && grep -qx "score: 0 of $n right ($n revealed)" "$log"; then
        ok "$name: the stack answers all $n"
    else
        bad "$name: quiz exits $rc, $(tail -1 "$log")"; grep -A2 "never answered" "$log" | head -6
    fi
    (cd "$(dirname "$scn")" && "$ns" check "$(basename "$scn")") > /dev/null 2>&1 &&
        ok "$name: check accepts its questions" || bad "$name: check rejects it"
    tail -n 3 "$scn" | grep -q '^say "Exercise: ' && ok "$name: ends with an exercise" ||
        bad "$name: no exercise at its end"
done
[ "$asking" -ge 10 ] && ok "$asking lessons ask questions" || bad "only $asking lessons ask"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all lesson questions answered by the stack"
