#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# view_input_end.sh - the view never outlives its input and never spins
# (issue 11, item 9):
#   1. stdin from /dev/null (a closed pipe, a script): netstep does not open
#      the view at all (it needs a terminal for both input and output), says
#      so, prints the lesson's trace instead and exits 0 within a few
#      seconds, having used well under half of the wall time in CPU (the old
#      view opened anyway and spun at 100% on the ended input);
#   2. idle on a real terminal (tmux) for two seconds it uses no CPU to
#      speak of (it sleeps in poll(), no timer while nothing plays);
#   3. SIGHUP (the terminal hung up) and SIGTERM close it with the terminal
#      restored, exit status 129 and 143.
# Part 1 needs nothing; parts 2-3 skip without tmux.
#   view_input_end.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/view_input_end
rm -rf "$out"; mkdir -p "$out"
lesson=$src/scenarios/tcp/handshake.scn
. "$src/tests/tui/lib/tmux.sh"  # ok, fail, and tmux for parts 2-3
export TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8

# 1. End of input. bash's `time` reports the child's wall, user and system
# seconds; the assertion is about behaviour (it ends; it does not spin).
TIMEFORMAT='%R %U %S'
{ time timeout 10 "$ns" ui "$lesson" < /dev/null > "$out/screen.out" 2> "$out/stderr"; \
    echo "rc=$?" > "$out/rc"; } 2> "$out/time"
rc=$(sed 's/rc=//' "$out/rc")
read -r wall user sys < "$out/time"
cpu_ok=$(awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { print (u + s < 0.5 * w + 0.05) ? 1 : 0 }')
if [ "$rc" = 124 ]; then
    fail "stdin </dev/null: the view did not exit within 10 s (cpu ${user}u ${sys}s)"
elif [ "$rc" != 0 ]; then
    fail "stdin </dev/null: exit $rc, want 0: $(cat "$out/stderr")"
elif [ "$cpu_ok" != 1 ]; then
    fail "stdin </dev/null: ${user}u+${sys}s CPU in ${wall} s wall"
elif ! grep -q "the view needs a terminal" "$out/stderr"; then
    fail "stdin </dev/null: no word on stderr why the view did not open: $(cat "$out/stderr")"
else
    ok "stdin </dev/null: exit 0 after ${wall} s (${user}u+${sys}s CPU): $(cat "$out/stderr")"
fi
# Instead of the view, the lesson's trace, to its end.
grep -q "ok: .* expects held, 0 failed" "$out/screen.out" && ok "the trace was printed instead" \
    || fail "no trace on stdout: $(head -3 "$out/screen.out")"

if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP parts 2-3: tmux is not installed (scripts/install-deps.sh installs it)"
    [ $failures -eq 0 ] || exit 1
    exit 0
fi
tmux_start eof

# clock ticks of CPU (user + system) the process PID has used
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
hz=$(getconf CLK_TCK)

view_pid() {  # the netstep under the pane's shell
    local shell_pid pid
    shell_pid=$(tm list-panes -t view -F '#{pane_pid}')
    for _ in $(seq 1 100); do
        pid=$(pgrep -P "$shell_pid" -x netstep)
        [ -n "$pid" ] && { echo "$pid"; return 0; }
        sleep 0.05
    done
    return 1
}

signal_case() {  # signal_case SIGNAME WANT-STATUS
    local sig=$1 want=$2 pid before after t rc
    rm -f "$out/rc.$sig"
    tm new-session -d -s view -x 80 -y 24 \
        "'$ns' ui '$lesson' 2> '$out/stderr.$sig'; echo \$? > '$out/rc.$sig'"
    pid=$(view_pid) || { fail "$sig: the view did not start"; close_view; return; }
    sleep 0.5  # let it draw and settle
    before=$(cpu_ticks "$pid")
    sleep 2
    after=$(cpu_ticks "$pid")
    t=$((after - before))
    # 2 s idle: under 0.2 s of CPU (the old loop would use ~2 s if it spun)
    if [ "$t" -lt $((hz / 5)) ]; then
        ok "$sig case: idle for 2 s used $t/$hz s of CPU"
    else
        fail "$sig case: idle for 2 s used $t/$hz s of CPU (busy loop)"
    fi
    kill "-$sig" "$pid"
    for _ in $(seq 1 100); do
        [ -s "$out/rc.$sig" ] && break
        sleep 0.05
    done
    rc=$(cat "$out/rc.$sig" 2>/dev/null)
    if [ "$rc" = "$want" ]; then
        ok "$sig: the view exited $rc: $(cat "$out/stderr.$sig")"
    else
        fail "$sig: exit '${rc:-none within 5 s}', want $want"
        kill -KILL "$pid" 2>/dev/null
    fi
    close_view  # the view is gone by now: the session goes
}
signal_case HUP 129
signal_case TERM 143

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
