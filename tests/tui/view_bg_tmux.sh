#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# view_bg_tmux.sh - the view opens at once on a long lesson, recording it
# behind the first frame (issue 16).
#
#   view_bg_tmux.sh NETSTEP SRCDIR OUTDIR
#
# A generated lesson of about half a million events (alice sends bob 64 MB
# in four sends over a 100 Mbit/s link). NETSTEP_UI_RECORD_HOLD=8:FILE makes
# the recorder stop after step 8 (before the transfer) while FILE exists, so
# the test sees the view during the recording however fast the machine,
# without looking at a clock:
#  - the first screen shows event 1 and step 1 while the header says
#    "recording… N events" (held, it is the same everywhere: a golden);
#  - n and s work during the recording (event 2, then step 2's first event);
#  - G waits (the cursor stays, the header still says recording); the hold
#    lifted, the recording runs to its end and G lands on the last event:
#    the screen equals `netstep ui --dump` of the same keys (which records
#    the whole lesson first);
#  - q while recording (held, and again in the middle of the transfer) and
#    Ctrl-C end the view at once with status 0 and 130, and no sanitizer
#    report (the thread is stopped and joined, everything freed).
# Exit 77 (skip) without tmux.
set -u
ns_prog=$1; src=$2; out=$3/view_bg
ns=$ns_prog
. "$src/tests/tui/lib/tmux.sh"
rm -rf "$out"
tmux_start viewbg

scn=$out/transfer.scn
{
    echo 'title "a long transfer"'
    echo 'seed 1'
    echo 'host alice 192.0.2.1/24'
    echo 'host bob 192.0.2.2/24'
    echo 'link alice bob delay 1ms rate 100Mbit'
    echo 'bob: s = socket tcp'
    echo 'bob: bind s 9000'
    echo 'bob: listen s 5'
    echo 'bob: a = accept s &'
    echo 'alice: c = socket tcp'
    echo 'alice: connect c bob:9000'
    echo 'wait a'
    echo 'bob: recv a all timeout 3600s -> data &'
    for _ in 1 2 3 4; do echo 'alice: send c bytes 16000000'; done
    echo 'alice: close c'
    echo 'wait a'
    echo 'bob: close a'
} > "$scn"

hold=$out/hold
held_ns() { ns="env NETSTEP_UI_RECORD_HOLD=8:$hold $ns_prog"; }
plain_ns() { ns=$ns_prog; }

# the screen without trailing blanks (capture-pane drops them, --dump not)
strip() { sed 's/[[:space:]]*$//' "$1"; }

# 1. First frame, keys during the recording, G waiting then landing.
touch "$hold"
held_ns
view_open 100 30 "$scn"
if wait_recording "event 1/"; then
    grep -q "event 1/" "$out/screen.txt" && grep -q "step 1/" "$out/screen.txt" &&
        ok "first screen: event 1, step 1, while recording" ||
        { fail "first screen is not at event 1, step 1:"; sed 's/^/    /' "$out/screen.txt"; }
    # held after step 8, the screen is the same on every machine
    check "100x30_recording_first"
fi
keys n
wait_recording "event 2/" && ok "n moves while recording"
keys s
wait_recording "step 2/" && ok "s moves while recording" && check "100x30_recording_step2"
before=$(head -1 "$out/screen.txt" | grep -o 'event [0-9]*/')
keys G
# G has to wait: nothing past step 8 exists until the hold is lifted. A
# redraw of the recording's count comes every 100 ms: three in a row agree
# that the cursor has not moved.
sleep 0.5
wait_recording "event"
now=$(head -1 "$out/screen.txt" | grep -o 'event [0-9]*/')
[ "$now" = "$before" ] && ok "G waits for the recording ($now)" ||
    fail "G moved while the end was not recorded: $before -> $now"
rm -f "$hold"
# the whole lesson recorded: G lands on the last event
if wait_for "PAUSED" 2400; then
    cp "$out/screen.txt" "$out/after_G.txt"
    "$ns_prog" ui "$scn" --dump 100x30 --keys 'nsG' > "$out/dump_G.txt" 2> "$out/dump.err"
    if diff -u <(strip "$out/dump_G.txt") <(strip "$out/after_G.txt") > "$out/G.diff"; then
        ok "G after the recording equals --dump --keys nsG"
    else
        fail "G after the recording differs from --dump --keys nsG:"
        sed 's/^/    /' "$out/G.diff"
    fi
    head -1 "$out/after_G.txt" | grep -Eq 'event ([0-9]+)/\1 ' &&
        ok "G is on the last event" || fail "G is not on the last event"
fi
close_view

# 2. q while the recording is held.
sane_exit() {  # sane_exit WHAT STATUS
    if wait_for "netstep exit" 600; then
        grep -q "netstep exit $2" "$out/screen.txt" && ok "$1: exit $2" ||
            { fail "$1: not exit $2:"; sed 's/^/    /' "$out/screen.txt"; }
        ! grep -qi "sanitizer\|runtime error" "$out/screen.txt" && ok "$1: no sanitizer report" ||
            { fail "$1: a sanitizer spoke:"; sed 's/^/    /' "$out/screen.txt"; }
    fi
    tm kill-session -t view 2>/dev/null
}
touch "$hold"
held_ns
view_open_status 100 30 "$scn"
wait_recording "event 1/" && keys q
sane_exit "q while recording (held)" 0

# 3. Ctrl-C while the recording is held.
view_open_status 100 30 "$scn"
wait_recording "event 1/" && keys C-c
sane_exit "Ctrl-C while recording" 130
rm -f "$hold"

# 4. q as soon as the first frame is up, nothing held: the recorder is most
# likely inside the transfer's step, which the world's halt ends (if the
# machine recorded it all first, q quits all the same).
plain_ns
view_open_status 100 30 "$scn"
for _ in $(seq 1 400); do
    tm capture-pane -p -t view 2>/dev/null | grep -q "event 1/" && break
    sleep 0.05
done
keys q
sane_exit "q right after the first frame" 0

tmux_finish "the view opens at once and records behind it"
