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
lesson=$src/tests/tui/ask_typed.scn
. "$src/tests/tui/lib/tmux.sh"
tmux_start ask-typed

view_open 80 24 "$lesson" || tmux_finish
wait_for "about this lesson" || tmux_finish
keys Enter
wait_for "event 1/" || tmux_finish
keys ']' ']' ']' p  # play, fast: it stops at the first question
wait_for "your answer: _" || tmux_finish
grep -q "Which host answers alice's ARP request?" "$out/screen.txt" &&
    ok "play stopped at the first question" || fail "not the first question"
type "bob"
wait_for "your answer: bob_" && check 80x24_ask_typed_field
keys Enter
wait_for "you said bob: right" && check 80x24_ask_typed_right
grep -q "event 28/" "$out/screen.txt" && ok "Enter moved to event 28, the ARP reply" ||
    fail "the reveal is not at the ARP reply"
keys p  # on to the last question (the second was asked before the reveal)
wait_for "How many bytes of payload" || tmux_finish
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

tmux_finish "all typed-answer checks pass"
