#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lesson_narration.sh - the lessons' narration agrees with what the view shows.
#   lesson_narration.sh NETSTEP SRCDIR OUTDIR
#
# The view shows each `say` as a paragraph of its own, so:
# 1. Every `say` is whole sentences: it ends as a sentence ends (. ? ! or a
#    colon that introduces the next line). A sentence split over two `say`
#    lines reads as two broken paragraphs ("Content-Length says" / "where the
#    body ends").
# 2. The recording ends with nothing on the wire: every frame's last trip
#    across a link ends in its arrival (or a drop) before the trace ends, so
#    a close the narration describes is seen to complete (app/http once
#    ended with its FINs still in flight).
# 3. No narration points at text the view never shows: ping's and
#    traceroute's printed output ("each line is one TTL", "the icmp_seq
#    numbers") is `netstep run`'s alone; the view shows frames and events.
# LESSONS below are the lessons held to this; every lesson should join it.
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
case $ns in /*) ;; *) ns="$PWD/$ns" ;; esac
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

LESSONS="app/dns app/http app/websocket ip/fragmentation ip/no-route ip/path-mtu ip/ping
ip/traceroute ip/two-subnets link/bursty-loss link/hub-vs-switch link/switch-learning
tap/http-server"

for l in $LESSONS; do
    scn="$src/scenarios/$l.scn"
    [ -f "$scn" ] || { bad "$l: no such lesson"; continue; }

    # 1. whole sentences
    broken=$(grep -n '^say ' "$scn" | grep -Ev '[.?!:]\)?"[[:space:]]*$')
    if [ -z "$broken" ]; then ok "$l: every say ends a sentence"; else
        bad "$l: a say line stops mid-sentence:"; echo "$broken" | sed 's/^/    /'; fi

    # 3. nothing the view does not show
    pointing=$(grep -n '^say ' "$scn" | grep -iE 'each line (is|shows|says)|(this|that|the|next|first) line (is|shows|says)|lines? (above|below)|printed|prints|icmp_seq')
    if [ -z "$pointing" ]; then ok "$l: narration points at nothing the view lacks"; else
        bad "$l: narration points at printed output the view does not show:"
        echo "$pointing" | sed 's/^/    /'; fi

    # 2. the recording ends with nothing in flight (a TAP lesson has no
    # recording here: it runs on a real wire, under ctest -L interop)
    if grep -q '^tap ' "$scn"; then
        ok "$l: a TAP lesson: its wire is checked by the interop tests"
        continue
    fi
    trace="$out/$(echo "$l" | tr / -).trace"
    (cd "$(dirname "$scn")" && "$ns" run "$(basename "$scn")" --trace) > "$trace" 2>&1 ||
        { bad "$l: netstep run exits $?"; continue; }
    # A frame is in flight from its `wire` event until an `in` or a `drop`
    # of the same frame number follows it.
    inflight=$(awk '
        $4 == "wire" && $5 ~ /^#[0-9]+$/ { pending[$5] = $0; next }
        ($4 == "in" || $4 == "drop") && $5 ~ /^#[0-9]+$/ { delete pending[$5] }
        END { for (k in pending) print pending[k] }' "$trace")
    if [ -z "$inflight" ]; then ok "$l: nothing left on the wire when the recording ends"; else
        bad "$l: the recording ends with frames still on the wire:"
        echo "$inflight" | cut -c1-160 | sed 's/^/    /'; fi
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "the narration agrees with the view"
