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
golden=$src/tests/tui/golden
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
mkdir -p "$out"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
sock=netstep-pdview-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1; }
trap cleanup EXIT
failures=0
tm new-session -d -s keep "sleep 300" || { echo "FAIL: tmux would not start"; exit 1; }

# wait_for TEXT: poll until the pane shows TEXT and two captures agree.
wait_for() {
    local want=$1 prev="" cur
    for _ in $(seq 1 400); do
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
    failures=$((failures + 1))
    return 1
}

# check NAME: the screen against golden/NAME.txt (recaptured a bounded
# number of times while a slow redraw settles).
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

# has TEXT: the last screen shows TEXT.
has() {
    if grep -qF -- "$1" "$out/screen.txt"; then
        echo "ok   the screen shows '$1'"
    else
        echo "FAIL the screen does not show '$1'"
        failures=$((failures + 1))
    fi
}

keys() { tm send-keys -t view "$@"; }
type() { tm send-keys -t view -l "$1"; }
close_view() {
    local pp
    pp=$(tm display -p -t view '#{pane_pid}' 2>/dev/null) || return 0
    tm send-keys -t view Escape q 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    pkill -TERM -P "$pp" -x netstep 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    tm kill-session -t view 2>/dev/null
}

# --- a script that passes --------------------------------------------------
tm new-session -d -s view -x 120 -y 36 "$ns ui $src/tests/packetdrill/handshake.pkt; sleep 30" ||
    failures=$((failures + 1))
tm set-option -t view status off >/dev/null
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
tm new-session -d -s view -x 120 -y 36 \
    "$ns ui $src/tests/packetdrill/bad/wrong-ack.pkt; sleep 30" || failures=$((failures + 1))
tm set-option -t view status off >/dev/null
wait_for "event 1/"
keys G
if wait_for "Line 13 did not hold"; then
    check "120x36_pd_wrong_ack_fail"
    has "MISMATCH, the run stops here: line 13: live packet field tcp_ack_seq: expected: 2"
    # the steps end at the failing line: nothing after line 13 is listed
    has "13: +0 > S. 0:0(0) ack 2 win 65535"
    if grep -qE '│ +1[4-9]: ' "$out/screen.txt"; then
        echo "FAIL a line after the failing one is listed as a step"
        failures=$((failures + 1))
    else
        echo "ok   no line after the failing one is a step"
    fi
fi
close_view

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all pd_view checks pass"
