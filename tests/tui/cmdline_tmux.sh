#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# cmdline_tmux.sh - type socket calls on the view's ':' command line in tmux
# and see their packets appear; then :w the session and replay it.
#
#   cmdline_tmux.sh NETSTEP SRCDIR OUTDIR
#
# On scenarios/udp/echo.scn at 160x48: Tab completes "ali" to "alice: "; a
# new socket, a sendto to bob's port 7 (whose server the lesson closed) and a
# sleep run in the recorded world, and the events pane shows the datagram
# reach bob and bob's ICMP port unreachable; a mistyped host gets the
# parser's message; :w writes a scenario that `netstep check` accepts and
# `netstep run` replays with the typed expect holding; :q ends the view.
# Exit 77 (skip) without tmux.
set -u
ns=$1; src=$2; out=$3/cmdline
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
mkdir -p "$out"
rm -f "$out/session.scn"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
sock=netstep-cmdline-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# the server stays up while the view's session comes and goes
tm new-session -d -s keep "sleep 300" || fail "tmux would not start"

# wait_for TEXT: poll until the pane shows TEXT and two captures agree.
wait_for() {
    local want=$1 prev="" cur
    for _ in $(seq 1 200); do
        cur=$(tm capture-pane -p -t view 2>/dev/null)
        if [[ "$cur" == *"$want"* && "$cur" == "$prev" ]]; then
            printf '%s\n' "$cur" > "$out/screen.txt"
            echo "ok   the screen shows '$want'"
            return 0
        fi
        prev=$cur
        sleep 0.05
    done
    printf '%s\n' "$cur" > "$out/screen.txt"
    echo "FAIL: the screen never showed '$want'; last screen:"
    sed 's/^/    /' "$out/screen.txt"
    exit 1
}
keys() { tm send-keys -t view "$@"; }
# type TEXT: literally, every character a key
type() { tm send-keys -t view -l "$1"; }

tm new-session -d -s view -x 160 -y 48 "$ns ui $src/scenarios/udp/echo.scn; sleep 30" ||
    fail "the view would not start"
tm set-option -t view status off >/dev/null
wait_for "about this lesson"
keys Enter  # the lesson's introduction closes
wait_for "event 1/75"
keys G
wait_for "event 75/75"

# Tab completes the host; the call runs and joins the script
keys :
type "ali"
keys Tab
wait_for ":alice: _"
type "d = socket udp"
keys Enter
wait_for "step 28/28"
wait_for "alice: d = socket udp"

# a datagram to bob's echo port, closed by the lesson's last step
keys :
type 'alice: sendto d bob:7 "hi from the command line"'
keys Enter
wait_for "step 29/29"
wait_for "=> 24"
keys :
type "sleep 50ms"
keys Enter
wait_for "step 30/30"
wait_for "bob       UDP    in    #5 49157 > 7: UDP, length 24: no socket is bound to port 7"
wait_for "bob       ICMP   out   #6 ICMP port unreachable"

# a mistake: the parser's words, and nothing runs
keys :
type "alcie: x = socket udp"
keys Enter
wait_for "error: unknown host 'alcie' (did you mean 'alice'?)"
wait_for "step 30/30"
keys Escape

# an expect typed live, then the session saved and replayed
keys :
type "expect bob counter icmp.tx == 1"
keys Enter
wait_for "step 31/31"
keys :
type "w $out/session.scn"
keys Enter
wait_for "wrote $out/session.scn: the lesson and 4 statements typed here"
"$ns" check "$out/session.scn" > "$out/check.txt" 2>&1 ||
    { cat "$out/check.txt"; fail "netstep check refused the saved session"; }
echo "ok   netstep check: $(cat "$out/check.txt")"
"$ns" run "$out/session.scn" > "$out/run.txt" 2>&1 ||
    { cat "$out/run.txt"; fail "the saved session does not replay"; }
grep -q "expect bob counter icmp.tx == 1 .* ok" "$out/run.txt" ||
    { cat "$out/run.txt"; fail "the typed expect did not hold in the replay"; }
echo "ok   netstep run: $(tail -1 "$out/run.txt")"

# :q ends the view (the pane's shell goes on to the sleep)
keys :
type "q"
keys Enter
for _ in $(seq 1 100); do
    [ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] && break
    sleep 0.05
done
[ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] || fail ":q did not end the view"
echo "ok   :q ended the view"
echo "all command-line checks pass"
