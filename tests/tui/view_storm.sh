#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# view_storm.sh - the view shows where the world halted on a storm, and play
# stops there (issue 11): a broadcast circling two hubs joined twice, no delay
# anywhere, halts the world at 1,000,000 events in one instant, as
# `netstep run` reports it (tests/cli/capture_targets.sh). The view used to
# record on past it in silence (and took hours to index the storm's wires).
# Via `netstep ui --dump`: G jumps toward the last event but stops at the
# halt with a card saying what `run` says (the hosts, the links, the last
# frame); closed, one step back and play (p, then one tick of the play timer,
# "\.") stops at the halt again, with the card, play off; the script's later
# step (a `say` after the storm) is still there past it.
#   view_storm.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; out=$3/view_storm
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
export LANG=C.UTF-8 LC_ALL=C.UTF-8  # the screen is --ascii, so awk columns are bytes

cat > "$out/storm.scn" <<'SCN'
title "a loop of two hubs"
host alice 192.0.2.1/24
host bob 192.0.2.2/24
hub h1
hub h2
link alice h1
link bob h2
link h1 h2 delay 0ms
link h1 h2 delay 0ms
ping alice 192.0.2.2
sleep 1s
say "after the storm"
SCN
timeout 100 "$ns" ui "$out/storm.scn" --ascii --dump 100x30 --keys '\nGxbp\.' \
    > "$out/screen.txt" 2> "$out/stderr"
rc=$?
screen=$(cat "$out/screen.txt")
head=$(head -1 "$out/screen.txt")
if [ $rc -ne 0 ] || [ -s "$out/stderr" ]; then
    fail "netstep ui --dump exited $rc: $(cat "$out/stderr")"
elif ! [[ "$head" =~ event\ ([0-9]+)/([0-9]+)\ .*PAUSED ]]; then
    fail "no paused event position in the title line: $head"
else
    at=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
    # The halt comes before the last event (the say after the storm): play
    # stopped there, not at the end of the log.
    if [ "$at" -ge "$n" ]; then
        fail "play went on to event $at of $n, past the halt"
    elif [ "$n" -lt 1000000 ]; then
        fail "only $n events: no storm was recorded"
    elif [[ "$screen" != *"+ halted "* ]] || [[ "$screen" != *"The world halted here, after event $at:"* ]]; then
        fail "no halt card at event $at:"$'\n'"$screen"
    else
        # the card's text as `run` prints it, wrapped in the card
        flat=$(awk '
            !start && (c = index($0, "+ halted")) { start = 1; col = c; next }
            start && index($0, "any key closes this") { exit }
            start { line = substr($0, col + 2); sub(/\|.*/, "", line); printf "%s ", line }
        ' "$out/screen.txt" | tr -s ' ')
        if [[ "$flat" != *"a storm: 1000000 events at 0.000000 s without the clock moving"* ]] ||
            [[ "$flat" != *"handled by alice "* ]] || [[ "$flat" != *"h1-h2/2 "* ]] ||
            [[ "$flat" != *"the last frame: #"* ]]; then
            fail "the card does not name the storm, its hosts, links and last frame: $flat"
        else
            ok "play stopped at the halt (event $at of $n) with its card: ${flat:0:160}..."
        fi
    fi
fi
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
