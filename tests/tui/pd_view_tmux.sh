#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# pd_view_tmux.sh - packetdrill scripts in the classroom view (tmux), against
# golden screens: `netstep ui FILE.pkt` shows a script a line a step.
#
#   pd_view_tmux.sh NETSTEP SRCDIR OUTDIR        (UPDATE_GOLDEN=1 rewrites them)
#
# At 120x36: tests/packetdrill/handshake.pkt: `c` from listen()'s state
# change goes to the call (the cause names the view's step, not the script
# line); stepped to its `>` line, whose
# events show the SYN-ACK netstep sent and the runner's words for it, then
# its last step, which says every line held; tests/packetdrill/bad/
# wrong-ack.pkt, whose last step is the failing line's verdict (the line,
# the field expected and the one sent) and whose steps stop there, as
# packetdrill's run does; the ':' line refused (the script's world takes no
# statements). Exit 77 (skip) without tmux.
set -u
ns=$1; src=$2; out=$3/pd_view
. "$src/tests/tui/lib/tmux.sh"
tmux_start pdview

# has TEXT: the last screen shows TEXT.
has() {
    if grep -qF -- "$1" "$out/screen.txt"; then
        ok "the screen shows '$1'"
    else
        fail "the screen does not show '$1'"
    fi
}

# --- a script that passes --------------------------------------------------
view_open 120 36 "$src/tests/packetdrill/handshake.pkt" || tmux_finish
wait_for "event 1/"
has "packetdrill handshake.pkt, personality netstep"
# steps: the introduction, then one a line. The 4th line is listen(): its
# state change names the call's step as its cause, and `c` goes to the call
keys s s s s
wait_for "event 9/33  step 5/13" && has "TCP    state CLOSED -> LISTEN  (listen() step 5)"
keys c
wait_for "event 10/33  step 5/13" && has "Socket call  listen(3, 1) = 0"
# the 8th line run is the `>` line
keys s s s s
if wait_for "step 9/"; then
    check "120x36_pd_handshake_synack"
    has "19: +0 > S. 0:0(0) ack 1 win 65535"
fi
keys G
if wait_for "Every line held"; then
    check "120x36_pd_handshake_pass"
fi
# the script's world takes no statements
keys :
type "local: socket tcp"
keys Enter
wait_for "takes no statements" && has "a packetdrill script takes no statements"
close_view

# --- a script that fails: the run stops at the line -------------------------
view_open 120 36 "$src/tests/packetdrill/bad/wrong-ack.pkt" || tmux_finish
wait_for "event 1/"
keys G
if wait_for "Line 13 did not hold"; then
    check "120x36_pd_wrong_ack_fail"
    has "MISMATCH, the run stops here: line 13: live packet field tcp_ack_seq: expected: 2"
    # the steps end at the failing line: nothing after line 13 is listed
    has "13: +0 > S. 0:0(0) ack 2 win 65535"
    if grep -qE '│ +1[4-9]: ' "$out/screen.txt"; then
        fail "a line after the failing one is listed as a step"
    else
        ok "no line after the failing one is a step"
    fi
fi

tmux_finish "all pd_view checks pass"
