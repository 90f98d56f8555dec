#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ask_typed_tmux.sh - a student types answers on the view's question cards,
# in a real terminal (tmux, 80x24), on tests/tui/ask_typed.scn: play stops
# at the first question, "bob" typed shows in the card's answer field, Enter
# checks it against the stack's answer (right: the ARP reply comes from
# bob) and moves to the event that gave it; play goes on to the last
# question, where "18" typed is told wrong (alice's segment carries 5
# bytes). Golden screens for the field, the right and the wrong answer
# (UPDATE_GOLDEN=1 rewrites them). Then, without tmux (--dump): flags typed
# in lower case are right, Backspace edits, the teacher's digit and r keep
# working on a card with choices, and a typed answer on such a card is
# judged as `netstep quiz` judges it (a choice's number or its text).
# Exit 77 (skip) without tmux.
#   ask_typed_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/ask_typed
golden=$src/tests/tui/golden
lesson=$src/tests/tui/ask_typed.scn
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
mkdir -p "$out"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
sock=netstep-ask-typed-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1; }
trap cleanup EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
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
    fail "the screen never showed '$want'; last screen:"
    sed 's/^/    /' "$out/screen.txt"
    return 1
}
# check NAME: the screen against golden/NAME.txt (see view_tmux.sh).
check() {
    local name=$1
    cp "$out/screen.txt" "$out/$name.txt"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$out/$name.txt" "$golden/$name.txt"; echo "updated $name"; return
    fi
    for _ in $(seq 1 300); do
        diff -q "$golden/$name.txt" "$out/$name.txt" >/dev/null 2>&1 && break
        sleep 0.05
        tm capture-pane -p -t view > "$out/$name.txt" 2>/dev/null
    done
    if diff -u "$golden/$name.txt" "$out/$name.txt" > "$out/$name.diff"; then ok "$name"; else
        fail "$name differs from the golden screen:"; sed 's/^/    /' "$out/$name.diff"; fi
}
keys() { tm send-keys -t view "$@"; }
# Quit the view with its own key and wait for it to exit before tmux goes:
# a view killed by the hang-up of a deleted terminal, built with
# LeakSanitizer, can spin at exit for ever (its leak check's tracer stops).
close_view() {
    local pp
    pp=$(tm display -p -t view '#{pane_pid}' 2>/dev/null) || return 0
    tm send-keys -t view Escape q 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    pkill -TERM -P "$pp" -x netstep 2>/dev/null
    for _ in $(seq 1 100); do pgrep -P "$pp" -x netstep > /dev/null || break; sleep 0.1; done
    tm kill-session -t view 2>/dev/null
}
type() { tm send-keys -t view -l "$1"; }

tm new-session -d -s view -x 80 -y 24 "$ns ui $lesson; sleep 30" ||
    { echo "FAIL: the view would not start"; exit 1; }
tm set-option -t view status off >/dev/null
wait_for "about this lesson" || exit 1
keys Enter
wait_for "event 1/" || exit 1
keys ']' ']' ']' p  # play, fast: it stops at the first question
wait_for "your answer: _" || exit 1
grep -q "Which host answers alice's ARP request?" "$out/screen.txt" &&
    ok "play stopped at the first question" || fail "not the first question"
type "bob"
wait_for "your answer: bob_" && check 80x24_ask_typed_field
keys Enter
wait_for "you said bob: right" && check 80x24_ask_typed_right
grep -q "event 28/" "$out/screen.txt" && ok "Enter moved to event 28, the ARP reply" ||
    fail "the reveal is not at the ARP reply"
keys p  # on to the last question (the second was asked before the reveal)
wait_for "How many bytes of payload" || exit 1
type "18"
keys Enter
wait_for "you said 18: not this time" && check 80x24_ask_typed_wrong
grep -q "answer: 5 (event 59)" "$out/screen.txt" && ok "the wrong answer is told the stack's: 5" ||
    fail "the stack's answer is not shown"

# The same keys without a terminal (--dump).
close_view
play="\\np$(printf '\\T%.0s' $(seq 60))"
last() { "$ns" ui "$1" --dump 80x24 --keys "$2" 2>&1 | tail -1; }
case $(last "$lesson" "${play}p\\Tsa\\n") in
*"answer: SA (event 42): you said sa: right"*) ok "flags typed in lower case are right" ;;
*) fail "flags: $(last "$lesson" "${play}p\\Tsa\\n")" ;;
esac
case $(last "$lesson" "${play}alicf\\b\\b\\b\\b\\bbob\\n") in
*"you said bob: right"*) ok "Backspace takes typed characters back" ;;
*) fail "Backspace: $(last "$lesson" "${play}alicf\\b\\b\\b\\b\\bbob\\n")" ;;
esac
hs=$src/scenarios/tcp/handshake.scn
case $(last "$hs" "${play}2r") in
*"2 was right"*) ok "the teacher's digit and r still work" ;;
*) fail "teacher keys: $(last "$hs" "${play}2r")" ;;
esac
case $(last "$hs" "${play}Bob\\n") in
*"you said Bob: right"*) ok "a typed choice text is right, without case" ;;
*) fail "typed choice: $(last "$hs" "${play}Bob\\n")" ;;
esac
case $(last "$hs" "${play}alice\\n") in
*"you said alice: not this time"*) ok "a typed wrong choice is told so" ;;
*) fail "typed wrong choice: $(last "$hs" "${play}alice\\n")" ;;
esac

[ "$failures" -eq 0 ] || { close_view; echo "$failures failure(s)"; exit 1; }
echo "all typed-answer checks pass"
