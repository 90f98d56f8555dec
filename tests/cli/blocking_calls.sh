#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# blocking_calls.sh - a blocking call is traced as the script wrote it: the
# handshake lesson's `connect c bob:80` is one call that returns 0 (shown
# `connect(3, 192.0.2.2:80) ...` while it waits), with no EINPROGRESS and no
# getsockopt, getsockname or getpeername the script never wrote; a refused
# connect, a send that waits for room and a lingering close are one call
# each too; a background connect (`&`) still shows its non-blocking
# mechanics; a timeout returns the pending call with ETIMEDOUT; and the
# view's detail of the call says what ran underneath.
#   blocking_calls.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/blocking_calls
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
count() {  # count FILE TEXT WANT: TEXT occurs on exactly WANT lines
    local n
    n=$(grep -cF -- "$2" "$1")
    if [ "$n" -eq "$3" ]; then ok "$(basename "$1"): $3 x '$2'"; else
        bad "$(basename "$1"): $n x '$2', want $3"; grep -F -- "Socket call" "$1" | head -40; fi
}

# The handshake lesson, as `netstep run --trace` prints it.
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --trace) > "$out/handshake.trace" 2>&1 ||
    bad "netstep run handshake.scn exited $?"
t=$out/handshake.trace
count "$t" "alice    Socket call  connect(" 2
count "$t" "alice    Socket call  connect(3, 192.0.2.2:80) ...  (cause: connect() step 14)" 1
count "$t" "alice    Socket call  connect(3, 192.0.2.2:80) = 0  (cause: connect() step 14)" 1
count "$t" "EINPROGRESS" 0
count "$t" "getsockopt(" 0
count "$t" "getsockname(" 0
count "$t" "getpeername(" 0
# the pending line comes before the handshake, the return after alice's ACK
pend=$(grep -nF "connect(3, 192.0.2.2:80) ..." "$t" | cut -d: -f1)
synack=$(grep -nF "alice    TCP    state SYN_SENT -> ESTABLISHED" "$t" | cut -d: -f1)
ret=$(grep -nF "connect(3, 192.0.2.2:80) = 0" "$t" | cut -d: -f1)
if [ -n "$pend" ] && [ -n "$synack" ] && [ -n "$ret" ] && [ "$pend" -lt "$synack" ] &&
    [ "$synack" -lt "$ret" ]; then ok "connect is pending across the handshake"; else
    bad "connect lines out of order: pending $pend, ESTABLISHED $synack, return $ret"; fi

# A refused connect, a send that must wait for room in the send buffer, a
# lingering close, and a background connect.
cat > "$out/calls.scn" <<'SCN'
title "blocking calls"
seed 1
host alice 192.0.2.1/24
host bob   192.0.2.2/24
link alice bob delay 10ms
bob:   s = socket tcp
bob:   bind s 80
bob:   listen s 5
alice: c = socket tcp
alice: connect c bob:80 &
alice: wait c
bob:   a = accept s
bob:   close a
alice: d = socket tcp
alice: connect d bob:81
alice: e = socket tcp
alice: connect e bob:80
bob:   b = accept s
bob:   recv b all -> got &
alice: send e bytes 300000
alice: setsockopt e linger 5s
alice: close e
bob:   wait b
expect got length == 300000
SCN
"$ns" run "$out/calls.scn" --trace > "$out/calls.trace" 2>&1 ||
    bad "netstep run calls.scn exited $?"
t=$out/calls.trace
count "$t" "connect(3, 192.0.2.2:80) = -1 EINPROGRESS (Operation now in progress)  (cause: connect() step 5)" 1
count "$t" "getsockopt(3, SO_ERROR -> 0) = 0  (cause: getsockopt() step 5)" 1
count "$t" "Socket call  connect(4, 192.0.2.2:81) ..." 1
count "$t" "Socket call  connect(4, 192.0.2.2:81) = -1 ECONNREFUSED (Connection refused)" 1
count "$t" "Socket call  connect(4" 2
count "$t" "Socket call  send(5, 300000 bytes) ..." 1
count "$t" "Socket call  send(5, 300000 bytes) = 300000" 1
count "$t" "Socket call  send(" 2
count "$t" "Socket call  close(5) ..." 1
count "$t" "Socket call  close(5) = 0" 1
count "$t" "alice    Socket call  close(" 2
count "$t" "SO_LINGER ->" 0
count "$t" "getsockname(" 0
count "$t" "getpeername(" 0

# A connect whose timeout runs out: its pending line returns with ETIMEDOUT.
cat > "$out/timeout.scn" <<'SCN'
title "a connect that times out"
seed 1
host alice 192.0.2.1/24
host bob   192.0.2.2/24
link alice bob delay 10ms
link alice bob down
alice: c = socket tcp
alice: connect c bob:80 timeout 2s
SCN
"$ns" run "$out/timeout.scn" --trace > "$out/timeout.trace" 2>&1
t=$out/timeout.trace
count "$t" "0.000000 alice    Socket call  connect(3, 192.0.2.2:80) ..." 1
count "$t" "2.000000 alice    Socket call  connect(3, 192.0.2.2:80) = -1 ETIMEDOUT (Connection timed out)" 1
count "$t" "Socket call  connect(" 2

# The view: the pending call's detail says when it returns, the return's
# how long it blocked and the mechanics underneath.
lesson=$src/scenarios/tcp/handshake.scn
"$ns" ui "$lesson" --dump 120x36 --keys '\n/socket\n       ' > "$out/pending.txt" 2>&1
"$ns" ui "$lesson" --dump 120x36 --keys '\n/socket\n        ' > "$out/returned.txt" 2>&1
# the layers pane's sentence: right of the script pane, rows joined
flat() { sed -n 3,15p "$1" | sed 's/^.*││//; s/│//g; s/^ *//; s/ *$//' | tr '\n' ' ' | tr -s ' '; }
case $(flat "$out/pending.txt") in
*"connect(3, 192.0.2.2:80) ... Blocks until 0.040214 s (event 59): = 0."*"[RFC 9293 3.10.1]"*)
    ok "view: the pending connect says when it returns" ;;
*) bad "view: the pending connect's detail"; cat "$out/pending.txt" ;;
esac
case $(flat "$out/returned.txt") in
*"connect(3, 192.0.2.2:80) = 0. Blocked 40.214 ms, since event 29. Underneath: connect() = -1 EINPROGRESS, poll() until writable, getsockopt(SO_ERROR) [RFC 9293 3.10.1]"*)
    ok "view: the returned connect shows the mechanics underneath" ;;
*) bad "view: the returned connect's detail"; cat "$out/returned.txt" ;;
esac

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all blocking-call checks passed"
