#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# quiz.sh - `netstep quiz FILE` with piped answers: every question of the
# handshake lesson is asked before the stack answers it, each answer is
# revealed with the event that gave it, right and wrong predictions are told
# apart (by choice number, by choice text, by number), an empty line or the
# end of input just reveals, the score adds up, and mistakes exit as the
# other commands do; a TCB answer after close() is read from the connection
# left behind, and one that cannot be read is never answered (quiz exits 1,
# check rejects it).   quiz.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
has() {  # has FILE TEXT
    if grep -qF -- "$2" "$1"; then ok "$(basename "$1") says '$2'"; else
        bad "$(basename "$1") does not say '$2'"; sed 's/^/    /' "$1" | head -60; fi
}
lacks() {  # lacks FILE TEXT
    if grep -qF -- "$2" "$1"; then bad "$(basename "$1") says '$2'"; else
        ok "$(basename "$1") does not say '$2'"; fi
}
# exits WANT WHAT OUT CMD...: CMD (stdin as given) with its stdout and
# stderr in OUT; it must exit WANT.
exits() {
    local want=$1 what=$2 o=$3 rc
    shift 3
    "$@" > "$o" 2>&1
    rc=$?
    [ "$rc" -eq "$want" ] && ok "$what: exit $rc" || bad "$what: exit $rc, want $want"
}
# two hosts on one link (delay ms), and the lines on stdin after them
world() {
    printf 'host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nlink alice bob%s\n' "${1:+ delay $1}"
    cat
}
lesson=$src/scenarios/tcp/handshake.scn

# Right by choice number, right by choice text, right by number; wrong by
# choice; skipped (empty line).
printf '2\nyes\n14618\n2\n\n' | "$ns" quiz "$lesson" > "$out/piped.out" 2> "$out/piped.err"
rc=$?
[ "$rc" -eq 0 ] && ok "quiz with piped answers exits 0" || bad "quiz exits $rc"
has "$out/piped.out" "netstep quiz: TCP three-way handshake"
has "$out/piped.out" "Question 1 (line 23): Before any segment leaves, alice needs bob's MAC address."
has "$out/piped.out" "  answer: 2) bob"
has "$out/piped.out" "alice-bob Wire: ARP, Reply 192.0.2.2 is-at"
has "$out/piped.out" "you said 2: right"
has "$out/piped.out" "you said yes: right"
has "$out/piped.out" "you said 14618: right"
has "$out/piped.out" "  answer: 1) + 18"
has "$out/piped.out" "you said 2: not this time"
has "$out/piped.out" "(no answer: just reveal)"
has "$out/piped.out" "score: 3 of 5 right (5 revealed)"
[ -s "$out/piped.err" ] && bad "quiz wrote to stderr: $(head -3 "$out/piped.err")" || ok "nothing on stderr"

# Each question is asked before its answer is revealed (predict, then reveal).
q=$(grep -n "^Question 3 " "$out/piped.out" | cut -d: -f1)
a=$(grep -n "^Answer (line 33)" "$out/piped.out" | cut -d: -f1)
[ -n "$q" ] && [ -n "$a" ] && [ "$q" -lt "$a" ] && ok "question 3 comes before its answer" ||
    bad "question 3 (line ${q:-none}) is not before its answer (line ${a:-none})"

# The ACK number revealed is the one bob's segment carries in the trace.
ack=$(sed -n 's/^  answer: \([0-9]\{6,\}\)$/\1/p' "$out/piped.out" | tail -1)
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --trace) > "$out/trace.out" 2>&1
if [ -n "$ack" ] && grep -q "192.0.2.2.80 > 192.0.2.1.[0-9]*: Flags \[P.\].*ack $ack," "$out/trace.out"; then
    ok "the revealed ACK $ack is the ACK of bob's reply in the trace"
else
    bad "the revealed ACK '$ack' is not in bob's reply"
fi

# No input at all: every answer is still revealed, nothing is right.
exits 0 "quiz with no input" "$out/empty.out" "$ns" quiz "$lesson" < /dev/null
has "$out/empty.out" "score: 0 of 5 right (5 revealed)"
lacks "$out/empty.out" ": right"

# A lesson without questions says so.
"$ns" quiz "$src/scenarios/udp/echo.scn" < /dev/null > "$out/none.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "asks no questions\|score:" "$out/none.out"; then
    ok "a lesson without questions (or with them) runs"
else
    bad "udp/echo: exit $rc"
fi

# A question the stack never answers: exit 1, and check reports the line.
world > "$out/never.scn" <<'EOS'
alice: u = socket udp
ask "Which port will bob's TCP reply come from?" answer next tcp from bob field sport
alice: sendto u bob:7 "hi"
EOS
printf '7\n' | exits 1 "an unanswered question: quiz" "$out/never.out" "$ns" quiz "$out/never.scn"
has "$out/never.out" "the stack never answered it"
exits 2 "an unanswered question: check" "$out/check.out" "$ns" check "$out/never.scn"
has "$out/check.out" "never.scn:5:1: error: no event answers this question"

# A TCB answer after close(): read from the connection the socket left
# behind (FIN_WAIT_2 here: snd_una past SYN, "hi" and FIN is ISN + 4)...
# alice connected to bob's port 80, bob's side accepted, then STDIN's lines
connected() {
    world 10ms <<'EOS'
bob: s = socket tcp
bob: bind s 80
bob: listen s 5
bob: a = accept s &
alice: c = socket tcp
alice: connect c bob:80
wait a
EOS
    cat
}
connected > "$out/closed.scn" <<'EOS'
alice: send c "hi"
sleep 1s
alice: close c
ask "alice's snd_una_rel once bob acknowledges her FIN?" answer alice c snd_una_rel after next tcp to alice
sleep 1s
EOS
printf '4\n' | exits 0 "a TCB answer after close: quiz" "$out/closed.out" "$ns" quiz "$out/closed.scn"
has "$out/closed.out" "  answer: 4"
has "$out/closed.out" "you said 4: right"
lacks "$out/closed.out" "no TCB"
exits 0 "a TCB answer after close: check accepts it" "$out/check-closed.out" "$ns" check "$out/closed.scn"
# ... and when the frame ends the connection (LAST_ACK -> CLOSED) there is
# nothing to read: never answered, not a placeholder taken for an answer.
connected > "$out/gone.scn" <<'EOS'
bob: close a
sleep 1s
alice: close c
ask "alice's cwnd once bob acknowledges her FIN?" answer alice c cwnd after next tcp to alice
sleep 1s
EOS
printf '2920\n' | exits 1 "an answer that cannot be read: quiz" "$out/gone.out" "$ns" quiz "$out/gone.scn"
has "$out/gone.out" "the stack never answered it: alice's c has no TCB once alice has handled that frame"
lacks "$out/gone.out" "score: 1 of 1"
lacks "$out/gone.out" "  answer: "
exits 2 "an answer that cannot be read: check" "$out/check-gone.out" "$ns" check "$out/gone.scn"
has "$out/check-gone.out" "gone.scn:14:1: error: no event answers this question: alice's c has no TCB"

# Choices that do not hold the stack's answer: check says which it gave.
world > "$out/choices.scn" <<'EOS'
ask "Who answers alice's ARP request?" choices "alice" "carol" answer next arp reply host
alice: u = socket udp
alice: sendto u bob:7 "hi"
sleep 1s
EOS
exits 2 "check, the answer none of the choices" "$out/choices.out" "$ns" check "$out/choices.scn"
has "$out/choices.out" "choices.scn:4:1: error: the stack answers 'bob', which is none of the choices"
lacks "$out/choices.out" ": ok ("

# Usage mistakes.
"$ns" quiz > /dev/null 2> "$out/nofile.err"
[ $? -eq 2 ] && ok "quiz without a file exits 2" || bad "quiz without a file"
has "$out/nofile.err" "usage: netstep"
"$ns" quiz "$lesson" --bogus > /dev/null 2> "$out/bogus.err" < /dev/null
[ $? -eq 2 ] && ok "quiz --bogus exits 2" || bad "quiz --bogus"
"$ns" quiz "$out/does-not-exist.scn" > /dev/null 2>&1 < /dev/null
[ $? -eq 2 ] && ok "quiz on a missing file exits 2" || bad "quiz on a missing file"

# The same seed gives the same quiz, byte for byte.
printf '2\nyes\n14618\n2\n\n' | "$ns" quiz "$lesson" > "$out/again.out" 2>&1
cmp -s "$out/piped.out" "$out/again.out" && ok "same answers, same quiz" || bad "the quiz differs between runs"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all quiz checks passed"
