# SPDX-License-Identifier: BSD-2-Clause
# tests/tui/lib/tmux.sh - the helpers every tmux test of the view shares,
# sourced (not run: it lives below tests/tui/ so the test glob skips it).
#
#   . "$src/tests/tui/lib/tmux.sh"
#   tmux_start NAME          skip (exit 77) without tmux; a private server
#   view_open W H ARGS...    netstep ui ARGS in the session "view", W x H
#   view_open_status W H ARGS...  the same, and "netstep exit N" after it
#   wait_for TEXT [TRIES]    the pane shows TEXT and two captures agree, the
#                            lesson all recorded (no "recording…" header)
#   wait_recording TEXT [TRIES]  the same while the recording still runs
#   check NAME               that screen against tests/tui/golden/NAME.txt
#   keys KEY...; type TEXT   keys by name; TEXT literally, a key a character
#   close_view               q, and the view gone, before the session goes
#   tmux_finish MESSAGE      the verdict: exit 1 on failures, else MESSAGE
#
# The caller sets ns, src and out (the test's own output folder). ok and fail
# count into $failures; wait_for and check report through them, so a screen
# that never came is a failure even when the caller goes on.
#
# Why close_view and not kill-session: a view killed by the hang-up of a
# deleted terminal, built with LeakSanitizer, can spin at exit for ever (its
# leak check's tracer stops). So the view is quit with its own key, and
# waited for, first; view_open's pane keeps a shell and a sleep after the
# view so a test can still read the last screen.

failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

tm() { tmux -L "$tmux_sock" -f /dev/null "$@"; }

# tmux_start NAME: a tmux server of the test's own (NAME and the pid name
# its socket), killed when the test exits.
tmux_start() {
    if ! command -v tmux >/dev/null 2>&1; then
        echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
        exit 77
    fi
    mkdir -p "$out"
    export LANG=C.UTF-8 LC_ALL=C.UTF-8
    unset NO_COLOR
    tmux_sock=netstep-$1-test-$$
    # the server's socket file goes too (kill-server leaves it behind)
    trap 'close_view; tm kill-server >/dev/null 2>&1
          rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$tmux_sock"' EXIT
    # A session that outlives each view's: killing the last session makes
    # the tmux server exit in the background, and the next new-session
    # could reach the dying server ("server exited unexpectedly"). With this
    # one alive the server stays up until the test ends.
    tm new-session -d -s keep "sleep 300" || { echo "FAIL: tmux would not start"; exit 1; }
}

# view_open W H ARGS...: `netstep ui ARGS` in a fresh session "view" of W x
# H, tmux's status line off. Returns 1 (a failure counted) if tmux refused.
view_open() {
    local w=$1 h=$2 args
    shift 2
    printf -v args ' %q' "$@"
    tm new-session -d -s view -x "$w" -y "$h" "$ns ui$args; sleep 30" ||
        { fail "the view would not start: netstep ui$args"; return 1; }
    tm set-option -t view status off >/dev/null
}

# view_open_status W H ARGS...: view_open, and when the view has ended the
# pane says "netstep exit STATUS" under whatever it wrote to stderr.
view_open_status() {
    local w=$1 h=$2 args
    shift 2
    printf -v args ' %q' "$@"
    tm new-session -d -s view -x "$w" -y "$h" \
        "$ns ui$args; echo \"netstep exit \$?\"; sleep 30" ||
        { fail "the view would not start: netstep ui$args"; return 1; }
    tm set-option -t view status off >/dev/null
}

# wait_for TEXT [TRIES]: poll (every 50 ms, TRIES times, 400 by default)
# until the pane shows TEXT and two captures in a row agree (the redraw is
# complete); the screen is left in $out/screen.txt. The view opens while it
# still records the lesson behind the first frame (its header then says
# "recording… N events"); the screen must also be past that, so no golden
# screen is taken of a lesson half recorded. wait_recording TEXT [TRIES]:
# the same, but TEXT while the recording still runs.
wait_for() { wait_screen "$1" done "${2:-400}"; }
wait_recording() { wait_screen "$1" recording "${2:-400}"; }
wait_screen() {
    local want=$1 phase=$2 tries=$3 prev="" cur rec
    for _ in $(seq 1 "$tries"); do
        cur=$(tm capture-pane -p -t view 2>/dev/null)
        rec=done
        [[ "$cur" == *"recording…"* || "$cur" == *"recording..."* ]] && rec=recording
        if [[ "$cur" == *"$want"* && "$cur" == "$prev" && $rec == "$phase" ]]; then
            printf '%s\n' "$cur" > "$out/screen.txt"
            return 0
        fi
        prev=$cur
        sleep 0.05
    done
    printf '%s\n' "$cur" > "$out/screen.txt"
    if [ "$phase" = recording ]; then
        fail "the screen never showed '$want' while recording; last screen:"
    else
        fail "the screen never showed '$want'; last screen:"
    fi
    sed 's/^/    /' "$out/screen.txt"
    return 1
}

# check NAME: the screen against golden/NAME.txt (UPDATE_GOLDEN=1 rewrites
# it). A slow redraw (a loaded machine, ASan) can leave a stale frame on
# screen for a while, e.g. the old layout clipped to the new size just after
# a resize; so keep capturing, a bounded number of times, until the screen
# equals the golden, and report the difference only if it never does.
check() {
    local name=$1 golden=$src/tests/tui/golden
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
        ok "$name"
    else
        fail "$name differs from the golden screen:"
        sed 's/^/    /' "$out/$name.diff"
    fi
}

keys() { tm send-keys -t view "$@"; }
# type TEXT: literally, every character a key
type() { tm send-keys -t view -l "$1"; }

# close_view: Esc (ends a line being typed, closes a card) and q quit the
# view; wait for it to exit (SIGTERM only if it never does), then the
# session goes. Nothing to do when there is no session "view".
close_view() {
    local pp
    # "=view": that session exactly (tmux would take a prefix, or none)
    tm has-session -t =view 2>/dev/null || return 0
    pp=$(tm display -p -t =view: '#{pane_pid}' 2>/dev/null)
    [ -n "$pp" ] || { tm kill-session -t =view 2>/dev/null; return 0; }
    tm send-keys -t view Escape q 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    pkill -TERM -P "$pp" -x netstep 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    tm kill-session -t view 2>/dev/null
}

# tmux_finish MESSAGE: close the view, then exit 1 with the count of
# failures, or say MESSAGE and exit 0.
tmux_finish() {
    close_view
    [ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
    echo "$1"
    exit 0
}
