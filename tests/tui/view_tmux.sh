#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# view_tmux.sh - drive the real view in tmux and compare screens with goldens.
#
#   view_tmux.sh NETSTEP SRCDIR OUTDIR        (UPDATE_GOLDEN=1 rewrites them)
#
# At 80x24 and 160x48, on scenarios/tcp/handshake.scn (the lesson issue 6
# names, and the one `make demo` opens): the introduction's card (Enter
# closes it), the first screen, after five
# steps (s x5), after two steps back (S x2), after a resize (to the other
# size: the place in the lesson is kept), and the help screen. Each wait polls
# capture-pane for a string the screen must show, a bounded number of times,
# then requires two equal captures in a row (the redraw is complete). Then
# scenarios/tcp/handshake.scn at 80x24: bob's side of the SYN, his sockets
# in sight with the connection not accepted yet, and the TCP state diagram;
# the projector layout (--projector) at 80x24; and play stopping at a
# `pause` (tests/tui/pause.scn) with its question on a card.
# Exit 77 (skip) without tmux.
set -u
ns=$1; src=$2; out=$3
. "$src/tests/tui/lib/tmux.sh"
tmux_start tui

run_size() {  # run_size W H OTHER_W OTHER_H
    local w=$1 h=$2 ow=$3 oh=$4 tag=${1}x${2}
    view_open "$w" "$h" "$src/scenarios/tcp/handshake.scn" || return
    wait_for "about this lesson" && check "${tag}_title_card"
    keys Enter  # closes the introduction, and does nothing else
    wait_for "event 1/" && check "${tag}_first"
    keys s s s s s
    wait_for "step 6/44" && check "${tag}_five_steps"
    keys S S
    wait_for "step 4/44" && check "${tag}_two_back"
    tm resize-window -t view -x "$ow" -y "$oh"
    wait_for "step 4/44" && check "${tag}_resized_${ow}x${oh}"
    keys '?'
    wait_for "help: every key" && check "${tag}_help"
    close_view
}

run_size 80 24 160 48
run_size 160 48 80 24

# The handshake lesson at 80x24, where the panes are tightest, as a
# first-timer reaches bob's side: a jump to the SYN's arrival (@), two events
# up bob's layers, then tab to the sockets pane and down to bob's listener.
view_open 80 24 "$src/scenarios/tcp/handshake.scn"
wait_for "about this lesson"
keys Enter
wait_for "event 1/"
keys @ 30155us Enter n n
wait_for "event 44/166" && check "80x24_handshake_syn_at_bob"
keys Tab Tab Tab Down Down
wait_for "LISTEN" && check "80x24_handshake_sockets"
# one event on, bob's half-open connection under his listener (no fd yet),
# then the TCP state diagram, whole at 80 columns
keys n Down
wait_for "handshake in progress" && check "80x24_handshake_pending"
keys t
wait_for "TCP states" && check "80x24_handshake_tcp_states"
close_view

# The projector layout at 80x24 (--projector): the introduction, then the
# step where connect()'s narration is in force, every word of it in sight,
# the layers, one pane, and every key in the two-line bar; tab changes the
# one pane to the packet; i shows the introduction again.
view_open 80 24 --projector "$src/scenarios/tcp/handshake.scn"
wait_for "about this lesson" && check "80x24_projector_title_card"
keys Enter s s s s s s s s s s s s s s
wait_for "step 15/44" && check "80x24_projector_narration"
keys Tab
wait_for "┌ packet" && check "80x24_projector_packet"
close_view
# A lesson with a `pause` (tests/tui/pause.scn): play (p) runs up to it and
# stops, its question on a card; p plays on to the end.
view_open 80 24 "$src/tests/tui/pause.scn"
wait_for "about this lesson" && check "80x24_pause_title_card"
keys Enter ']' ']' ']' p
wait_for "The lesson pauses here" && check "80x24_pause"
keys p
wait_for "event 36/36" && check "80x24_pause_played_on"
close_view
tmux_finish "all screens match"
