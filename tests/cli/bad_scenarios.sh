#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bad_scenarios.sh - every malformed scenario is refused with one clear
# "FILE:LINE:COL: error: MESSAGE" on stderr, exit 2, and nothing runs.
# (The parser's Check suite asserts each exact message; this checks the
# binary end to end, plus the errors only the runner can find.)
#   bad_scenarios.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
for f in "$src"/tests/data/bad/*.scn; do
    "$ns" run "$f" > "$out/stdout" 2> "$out/stderr"
    rc=$?
    first=$(head -n 1 "$out/stderr")
    if [ $rc -ne 2 ]; then
        echo "FAIL $(basename "$f"): exit $rc, want 2"; failures=$((failures + 1))
    elif ! printf '%s' "$first" | grep -qE "^$f:[0-9]+:[0-9]+: error: .+"; then
        echo "FAIL $(basename "$f"): not FILE:LINE:COL: error: ... -> $first"; failures=$((failures + 1))
    elif [ -s "$out/stdout" ]; then
        echo "FAIL $(basename "$f"): something ran (stdout not empty)"; failures=$((failures + 1))
    else
        echo "ok   $(basename "$f"): $first"
    fi
done
# Errors found when the world is built, still before anything runs.
runtime() {  # runtime NAME TEXT WANT
    printf '%s\n' "$2" > "$out/$1.scn"
    "$ns" run "$out/$1.scn" > "$out/stdout" 2> "$out/stderr"
    local rc=$? got
    got=$(head -n 1 "$out/stderr")
    if [ $rc -eq 2 ] && [ "$got" = "$out/$1.scn:$3" ] && [ ! -s "$out/stdout" ]; then
        echo "ok   $1: $got"
    else
        echo "FAIL $1: exit $rc, got '$got', want '$out/$1.scn:$3'"; failures=$((failures + 1))
    fi
}
world='host a 192.0.2.1/24
host b 192.0.2.2/24
link a b'
runtime unknown_counter "$world
expect a counter udp.rxx == 1" "4:1: error: unknown counter 'udp.rxx' (counters look like udp.rx, ipv4.tx, arp.drop, icmp.rx.echo_reply, drop.UDP_NO_SOCKET, drops)"
runtime unknown_errno "$world
a: s = socket udp
expect a s error ECONNREFUZED" "5:1: error: unknown error name 'ECONNREFUZED' (try ECONNREFUSED, EADDRINUSE, EAGAIN, EMSGSIZE or none)"
runtime unknown_drop "$world
expect a counter drop.NO_SUCH_REASON == 0" "4:1: error: unknown counter 'drop.NO_SUCH_REASON' (counters look like udp.rx, ipv4.tx, arp.drop, icmp.rx.echo_reply, drop.UDP_NO_SOCKET, drops)"
echo
echo "$failures failed"
[ "$failures" -eq 0 ]
