#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ping_output_tmux.sh - what `ping` prints (the lines `netstep run` prints)
# is on the view's screen, as the events that produce it happen (tmux,
# ip/ping). At 120x36, stepped to the ping (s) and then an event at a time
# (n): the box below the script shows "PING 192.0.2.2 ..." and, from the
# event on which alice's first echo reply arrives on, "64 bytes from
# 192.0.2.2: icmp_seq=1 ...", and not the second reply's line before its
# own event. In the projector layout at 80x24, on the step after the ping,
# the narration shows the ping's last lines as `netstep run` prints them,
# word for word, the latest kept when not all fit. Golden screens of both
# (UPDATE_GOLDEN=1 rewrites them). Exit 77 (skip) without tmux.
#   ping_output_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/ping_output
. "$src/tests/tui/lib/tmux.sh"
tmux_start ping-output
lesson=$src/scenarios/ip/ping.scn
# The lines the first ping prints under `netstep run`: from PING to rtt.
(cd "$src/scenarios/ip" && "$ns" run ping.scn) 2>&1 |
    sed -n '/^PING 192.0.2.2 /,/^rtt /p' | grep -v '^\[' | grep -v '^$' > "$out/run.txt"
[ "$(wc -l < "$out/run.txt")" -eq 7 ] && ok "netstep run prints 7 lines for the first ping" ||
    fail "netstep run's ping lines: $(cat "$out/run.txt")"

view_open 120 36 "$lesson" || tmux_finish
wait_for "about this lesson" || tmux_finish
keys Enter
wait_for "event 1/" || tmux_finish
keys s s s s s s s
wait_for "step 8/25" || tmux_finish
grep -qF "▶ ping alice bob count 3" "$out/screen.txt" || fail "step 8 is not the ping"
at=$(sed -n '1s/.*event \([0-9]*\)\/.*/\1/p' "$out/screen.txt")
seen_ping=0 first=""
for i in $(seq 1 80); do
    keys n
    wait_for "event $((at + i))/" || break
    # (the pane wraps a line at word boundaries: the first words of each)
    grep -qF "PING 192.0.2.2 (192.0.2.2)" "$out/screen.txt" && seen_ping=1
    if grep -q "64 bytes from 192.0.2.2: icmp_seq=1\b" "$out/screen.txt"; then
        first=$((at + i))
        break
    fi
done
[ "$seen_ping" = 1 ] && ok "the ping's first line, PING 192.0.2.2, is on the screen" ||
    fail "PING 192.0.2.2 was never on the screen before the first reply"
if [ -n "$first" ]; then
    check 120x36_ping_first_reply
    grep -qF "icmp_seq=2" "$out/screen.txt" && fail "the second reply's line is there before its event" ||
        ok "event $first: the first reply's line, and not yet the second's"
    # the moment ping reads the reply: alice's recvfrom returns its 64 bytes
    grep -qF "alice Socket call: recvfrom(3, 128) = 64" "$out/screen.txt" &&
        ok "the line comes with the event on which ping reads the reply" ||
        fail "the first reply's line is not at alice's recvfrom of it"
else
    fail "the first reply's line never came"
fi
close_view

# The projector layout, the step after the ping: its last lines, as run prints them.
view_open 80 24 --projector "$lesson" || tmux_finish
wait_for "about this lesson" || tmux_finish
keys Enter s s s s s s s s
if wait_for "step 9/25"; then
    check 80x24_projector_ping_done
    python3 - "$out/screen.txt" "$out/run.txt" <<'PY' || failures=$((failures + 1))
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
run = [l.strip() for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if l.strip()]
box = []
for r in rows[2:]:
    if r.startswith("└"):
        break
    box.append(r.strip("│").strip())
shown = [l for l in box if l in run]
if not shown or shown != run[len(run) - len(shown):] or shown[-1] != run[-1]:
    print("FAIL the narration's ping lines are not run's last ones:\n    %s\n  run:\n    %s"
          % ("\n    ".join(box), "\n    ".join(run)))
    sys.exit(1)
print("ok   80x24 --projector: the ping's last %d lines, word for word as netstep run prints them"
      % len(shown))
PY
fi
tmux_finish "all ping output checks pass"
