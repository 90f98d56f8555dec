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
. "$src/tests/tui/lib/tmux.sh"
tmux_start cmdline
rm -f "$out/session.scn"
# This test stops at its first failure: each step needs the one before.
die() { fail "$*"; tmux_finish; }
# see TEXT: wait until the screen shows TEXT, else stop here.
see() { wait_for "$1" 200 || tmux_finish; ok "the screen shows '$1'"; }

view_open 160 48 "$src/scenarios/udp/echo.scn" || tmux_finish
see "about this lesson"
keys Enter  # the lesson's introduction closes
see "event 1/75"
keys G
see "event 75/75"

# Tab completes the host; the call runs and joins the script
keys :
type "ali"
keys Tab
see ":alice: _"
type "d = socket udp"
keys Enter
see "step 28/28"
see "alice: d = socket udp"

# a datagram to bob's echo port, closed by the lesson's last step
keys :
type 'alice: sendto d bob:7 "hi from the command line"'
keys Enter
see "step 29/29"
see "=> 24"
keys :
type "sleep 50ms"
keys Enter
see "step 30/30"
see "bob       UDP    in    #5 49157 > 7: UDP, length 24: no socket is bound to port 7"
see "bob       ICMP   out   #6 ICMP port unreachable"

# a mistake: the parser's words, and nothing runs
keys :
type "alcie: x = socket udp"
keys Enter
see "error: unknown host 'alcie' (did you mean 'alice'?)"
see "step 30/30"
keys Escape

# an expect typed live, then the session saved and replayed
keys :
type "expect bob counter icmp.tx == 1"
keys Enter
see "step 31/31"
keys :
type "w $out/session.scn"
keys Enter
see "wrote $out/session.scn: the lesson and 4 statements typed here"
"$ns" check "$out/session.scn" > "$out/check.txt" 2>&1 ||
    { cat "$out/check.txt"; die "netstep check refused the saved session"; }
echo "ok   netstep check: $(cat "$out/check.txt")"
"$ns" run "$out/session.scn" > "$out/run.txt" 2>&1 ||
    { cat "$out/run.txt"; die "the saved session does not replay"; }
grep -q "expect bob counter icmp.tx == 1 .* ok" "$out/run.txt" ||
    { cat "$out/run.txt"; die "the typed expect did not hold in the replay"; }
echo "ok   netstep run: $(tail -1 "$out/run.txt")"

# :q ends the view (the pane's shell goes on to the sleep)
keys :
type "q"
keys Enter
for _ in $(seq 1 100); do
    [ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] && break
    sleep 0.05
done
[ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] || die ":q did not end the view"
echo "ok   :q ended the view"
tmux_finish "all command-line checks pass"
