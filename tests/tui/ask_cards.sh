#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ask_cards.sh - an `ask` in the view: play stops at the question and shows
# it on a card (the choice picked marked), r reveals: the cursor goes to the
# event the stack answered with (the same event `netstep run` names) and the
# note says the answer and whether the pick was right. Golden screens at
# 80x24 (--dump; UPDATE_GOLDEN=1 rewrites them).
#   ask_cards.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
golden=$src/tests/tui/golden
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
lesson=$src/scenarios/tcp/handshake.scn
# Enter closes the introduction, p plays, \T is one tick of the play timer:
# enough ticks to run into the first question (play stops there).
play="\\np$(printf '\\T%.0s' $(seq 60))"

screen() {  # screen NAME KEYS
    local name=$1 keys=$2
    "$ns" ui "$lesson" --dump 80x24 --keys "$keys" > "$out/$name.txt" 2> "$out/$name.err"
    local rc=$?
    if [ $rc -ne 0 ] || [ -s "$out/$name.err" ]; then
        fail "$name: netstep ui --dump exited $rc"; cat "$out/$name.err"; return
    fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$out/$name.txt" "$golden/$name.txt"; echo "updated $name"; return
    fi
    if diff -u "$golden/$name.txt" "$out/$name.txt" > "$out/$name.diff"; then
        ok "$name"
    else
        fail "$name differs from the golden screen:"; sed 's/^/    /' "$out/$name.diff" | head -40
    fi
}

screen 80x24_ask_question "${play}2"
screen 80x24_ask_reveal "${play}2r"

q=$out/80x24_ask_question.txt; r=$out/80x24_ask_reveal.txt
grep -q "PAUSED" "$q" && grep -q "┌ question" "$q" && ok "play stopped at the question, on its card" ||
    fail "play did not stop at the question"
grep -q "Which host answers" "$q" && ok "the card shows the question" || fail "no question on the card"
grep -q "> 2) bob" "$q" && ok "the pick is marked" || fail "the pick 2 is not marked"
# the reveal: the event run names for this question, and the verdict
want=$(cd "$src/scenarios/tcp" && "$ns" run handshake.scn | sed -n 's/.*answer: bob  (event \([0-9]*\):.*/\1/p' | head -1)
if [ -n "$want" ] && grep -q "event $want/" "$r" && grep -q "answer: bob (event $want): 2 was right" "$r"; then
    ok "r moves to event $want, the one run names, and says the pick was right"
else
    fail "the reveal is not at run's event '$want'"; head -1 "$r"; tail -1 "$r"
fi
grep -q "ARP, Reply 192.0.2.2 is-at" "$r" && ok "the answering frame is in sight" || fail "the ARP reply is not shown"
# a wrong pick is told so
"$ns" ui "$lesson" --dump 80x24 --keys "${play}1r" | tail -1 | grep -q "answer: bob (event [0-9]*): 1 was not this time" &&
    ok "a wrong pick is told so" || fail "a wrong pick is not told"
# p on the card plays on, to the next question
"$ns" ui "$lesson" --dump 80x24 --keys "${play}p$(printf '\\T%.0s' $(seq 10))" | grep -q "Will bob's TCP take" &&
    ok "p plays on to the next question" || fail "p does not play on to the next question"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all question cards match"
