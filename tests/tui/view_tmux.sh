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
golden=$src/tests/tui/golden
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
mkdir -p "$out"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
sock=netstep-tui-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1; }
trap cleanup EXIT
failures=0
# A session that outlives each view's: killing the last session makes the
# tmux server exit in the background, and the next new-session could reach
# the dying server ("server exited unexpectedly"). With this one alive the
# server stays up until cleanup kills it.
tm new-session -d -s keep "sleep 300" || { echo "FAIL: tmux would not start"; exit 1; }

# wait_for TEXT: poll until the pane shows TEXT and two captures agree.
wait_for() {
    local want=$1 prev="" cur
    for _ in $(seq 1 200); do
        cur=$(tm capture-pane -p -t view 2>/dev/null)
        if [[ "$cur" == *"$want"* && "$cur" == "$prev" ]]; then
            printf '%s\n' "$cur" > "$out/screen.txt"
            return 0
        fi
        prev=$cur
        sleep 0.05
    done
    printf '%s\n' "$cur" > "$out/screen.txt"
    echo "FAIL: the screen never showed '$want'; last screen:"
    sed 's/^/    /' "$out/screen.txt"
    return 1
}

# check NAME: the screen against golden/NAME.txt. A slow redraw (a loaded
# machine, ASan) can leave a stale frame on screen for a while, e.g. the old
# layout clipped to the new size just after a resize; so keep capturing, a
# bounded number of times, until the screen equals the golden, and report the
# difference only if it never does.
check() {
    local name=$1
    cp "$out/screen.txt" "$out/$name.txt"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$out/$name.txt" "$golden/$name.txt"
        echo "updated $name"
        return
    fi
    for _ in $(seq 1 300); do
        diff -q "$golden/$name.txt" "$out/$name.txt" >/dev/null 2>&1 && break
        sleep 0.05
        tm capture-pane -p -t view > "$out/$name.txt" 2>/dev/null
    done
    if diff -u "$golden/$name.txt" "$out/$name.txt" > "$out/$name.diff"; then
        echo "ok   $name"
    else
        echo "FAIL $name differs from the golden screen:"
        sed 's/^/    /' "$out/$name.diff"
        failures=$((failures + 1))
    fi
}

keys() { tm send-keys -t view "$@"; }

run_size() {  # run_size W H OTHER_W OTHER_H
    local w=$1 h=$2 ow=$3 oh=$4 tag=${1}x${2}
    tm new-session -d -s view -x "$w" -y "$h" \
        "$ns ui $src/scenarios/tcp/handshake.scn; sleep 30" || { failures=$((failures + 1)); return; }
    tm set-option -t view status off >/dev/null
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
    keys x q
    tm kill-session -t view >/dev/null 2>&1
}

run_size 80 24 160 48
run_size 160 48 80 24

# The handshake lesson at 80x24, where the panes are tightest, as a
# first-timer reaches bob's side: a jump to the SYN's arrival (@), two events
# up bob's layers, then tab to the sockets pane and down to bob's listener.
tm new-session -d -s view -x 80 -y 24 \
    "$ns ui $src/scenarios/tcp/handshake.scn; sleep 30" || failures=$((failures + 1))
tm set-option -t view status off >/dev/null
wait_for "about this lesson"
keys Enter
wait_for "event 1/"
keys @ 30155us Enter n n
wait_for "event 44/172" && check "80x24_handshake_syn_at_bob"
keys Tab Tab Tab Down Down
wait_for "LISTEN" && check "80x24_handshake_sockets"
# one event on, bob's half-open connection under his listener (no fd yet),
# then the TCP state diagram, whole at 80 columns
keys n Down
wait_for "handshake in progress" && check "80x24_handshake_pending"
keys t
wait_for "TCP states" && check "80x24_handshake_tcp_states"
keys q
tm kill-session -t view >/dev/null 2>&1

# The projector layout at 80x24 (--projector): the introduction, then the
# step where connect()'s narration is in force, every word of it in sight,
# the layers, one pane, and every key in the two-line bar; tab changes the
# one pane to the packet; i shows the introduction again.
tm new-session -d -s view -x 80 -y 24 \
    "$ns ui --projector $src/scenarios/tcp/handshake.scn; sleep 30" || failures=$((failures + 1))
tm set-option -t view status off >/dev/null
wait_for "about this lesson" && check "80x24_projector_title_card"
keys Enter s s s s s s s s s s s s s s
wait_for "step 15/44" && check "80x24_projector_narration"
keys Tab
wait_for "┌ packet" && check "80x24_projector_packet"
keys q
tm kill-session -t view >/dev/null 2>&1
# A lesson with a `pause` (tests/tui/pause.scn): play (p) runs up to it and
# stops, its question on a card; p plays on to the end.
tm new-session -d -s view -x 80 -y 24 \
    "$ns ui $src/tests/tui/pause.scn; sleep 30" || failures=$((failures + 1))
tm set-option -t view status off >/dev/null
wait_for "about this lesson" && check "80x24_pause_title_card"
keys Enter ']' ']' ']' p
wait_for "The lesson pauses here" && check "80x24_pause"
keys p
wait_for "event 36/36" && check "80x24_pause_played_on"
keys q
tm kill-session -t view >/dev/null 2>&1
[ "$failures" -eq 0 ] || { echo "$failures screens differ"; exit 1; }
echo "all screens match"
