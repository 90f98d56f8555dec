#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ask_fixed_tmux.sh - a lesson's own answer (`ask ... answer N`) is not on
# the screen before the question's card reveals it (tmux, 120x36,
# tcp/handshake's step 22: "+ 18", choice 1). Stepped to the question (s),
# the events pane's row for the runner's note says "answer to step 22: ?"
# where it said "+ 18" a row below the question; one event on, the cursor
# on the note, the answer is there. Then played (p) to the same question,
# its card open: r reveals it, the cursor on the note. Golden screens of the
# kept and the revealed answer (UPDATE_GOLDEN=1 rewrites them).
# Exit 77 (skip) without tmux.
#   ask_fixed_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/ask_fixed
. "$src/tests/tui/lib/tmux.sh"
tmux_start ask-fixed
hs=$src/scenarios/tcp/handshake.scn
kept="answer to step 22: ? (the question's card reveals it)"
told="answer to step 22: + 18"

view_open 120 36 "$hs" || tmux_finish
wait_for "about this lesson" || tmux_finish
keys Enter
wait_for "event 1/" || tmux_finish
for _ in $(seq 21); do keys s; done
if wait_for "step 22/44"; then
    check 120x36_ask_fixed_kept
    grep -qF "$kept" "$out/screen.txt" && ok "stepped to the question: the answer is kept back" ||
        fail "no kept-back answer on the screen"
    grep -qF "$told" "$out/screen.txt" && fail "the answer '+ 18' is on the screen before the reveal" ||
        ok "'+ 18' is not on the screen before the reveal"
fi
keys n
wait_for "$told" && check 120x36_ask_fixed_told
close_view

# Played to the question: its card; r reveals, and the note says it.
view_open 120 36 "$hs" || tmux_finish
wait_for "about this lesson" || tmux_finish
keys Enter ']' ']' ']' p  # play, fast: it stops at each question
for q in 11 12 21; do
    wait_for "A question (step $q)" || tmux_finish
    keys p
done
wait_for "A question (step 22)" || tmux_finish
grep -qF "+ 18  (step 22)" "$out/screen.txt" && fail "the card's screen shows the answer" ||
    ok "the card is up, its answer not on the screen"
keys r
wait_for "answer: + 18 (event 75)" && grep -qF "$told" "$out/screen.txt" &&
    ok "r reveals it: the note's row says '+ 18'" || fail "r did not reveal the answer"
tmux_finish "all fixed-answer checks pass"
