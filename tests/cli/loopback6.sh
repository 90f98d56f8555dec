#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# loopback6.sh - ::1 [RFC 4291 2.5.3]: TCP and UDP over [::1] work on a
# dual-stack host, every packet goes out of lo and back in, and nothing is
# on the wire; an IPv4-only host has no ::1.   loopback6.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; out=$3/loopback6
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

cat > "$out/lo6.scn" <<'SCN'
title "TCP and UDP over ::1"
seed 1
host alice 192.0.2.1/24 2001:db8::1/64
host bob   192.0.2.2/24 2001:db8::2/64
link alice bob
alice: s = socket tcp6
alice: bind s 8080
alice: listen s 5
alice: a = accept s from who &
alice: c = socket tcp6
alice: connect c [::1]:8080
wait a
expect who contains "[::1]:"
alice: send c "hi"
alice: recv a 10 -> got
expect got == "hi"
alice: u = socket udp6
alice: bind u 7
alice: v = socket udp6
alice: sendto v [::1]:7 "dgram"
alice: recvfrom u 100 -> d
expect d == "dgram"
expect packets from alice == 0
SCN
if (cd "$out" && "$ns" run lo6.scn --trace > lo6.log 2>&1); then
    ok "TCP and UDP over [::1]: every expect holds, no packet on the wire"
else
    fail "lo6.scn: $(grep -m5 'expect failed\|error' "$out/lo6.log")"
fi
grep -q 'alice    IPv6   out   #[0-9]* ::1 > ::1, next header 6 (TCP), hop limit 64, payload [0-9]* on lo: loopback, it turns round inside this host \[RFC 4291 2.5.3\]' "$out/lo6.log" &&
    grep -q 'alice    IPv6   out   #[0-9]* ::1 > ::1, next header 17 (UDP), .* on lo: loopback' "$out/lo6.log" &&
    ok "the trace shows ::1 > ::1 on lo, for TCP and UDP" || fail "no ::1 on lo in the trace"
! grep -Eq 'Wire .* ::1[. ]' "$out/lo6.log" && ok "no ::1 on any wire" || fail "::1 on a wire: $(grep -Em2 'Wire .* ::1[. ]' "$out/lo6.log")"

# An IPv4-only host has no IPv6 at all, so no ::1 either.
printf 'seed 1\nhost alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nlink alice bob\nalice: c = socket udp6\nalice: sendto c [::1]:7 "x"\n' > "$out/v4only.scn"
(cd "$out" && "$ns" run v4only.scn > v4only.log 2>&1)
grep -q 'sendto c \[::1\]:7 "x" *=> -1 ENETUNREACH' "$out/v4only.log" &&
    ok "an IPv4-only host: ::1 is unreachable" || fail "v4only: $(cat "$out/v4only.log")"

echo "$failures failed"
[ "$failures" -eq 0 ]
