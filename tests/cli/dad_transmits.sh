#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/cli/dad_transmits.sh - `set HOST ipv6.dad_transmits N`,
# DupAddrDetectTransmits [RFC 4862 5.1]: 0 makes every address preferred at
# once with no probe, so an IPv6 datagram leaves at time 0; 2 sends two
# probes per address; without it, one; a value above 10 is refused with
# FILE:LINE:COL: error and exit 2.
set -u
ns=$1; out=$3/dad_transmits
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

world='host alice 192.0.2.1/24 2001:db8::1/64
host bob   192.0.2.2/24 2001:db8::2/64
switch sw
link alice sw delay 1ms
link bob sw delay 1ms'
app='bob:   s = socket udp6
bob:   bind s 7
alice: c = socket udp6
alice: sendto c [2001:db8::2]:7 "ping"
bob:   recvfrom s 64 -> msg from who
expect msg == "ping"'

printf '%s\nset alice ipv6.dad_transmits 0\nset bob ipv6.dad_transmits 0\n%s\n' \
    "$world" "$app" > "$out/off.scn"
if "$ns" run "$out/off.scn" --trace > "$out/off.out" 2>&1; then
    ok "off: the exchange runs"
else
    bad "off: $(tail -n 3 "$out/off.out")"
fi
if grep -q '2001:db8::1 on eth0: preferred at once: DupAddrDetectTransmits is 0' "$out/off.out"; then
    ok "off: alice's address is preferred at once"
else
    bad "off: no 'preferred at once' for 2001:db8::1"
fi
if grep -q 'duplicate address detection for' "$out/off.out"; then
    bad "off: a duplicate address detection probe was sent"
else
    ok "off: no probe"
fi
if grep -q '^ *0\.000000 alice *UDP *out' "$out/off.out"; then
    ok "off: the datagram leaves at time 0"
else
    bad "off: the datagram did not leave at time 0"
fi

probes() {
    grep -c 'duplicate address detection for 2001:db8::1:' "$1"
}
printf '%s\nset alice ipv6.dad_transmits 2\n%s\n' "$world" "$app" > "$out/two.scn"
"$ns" run "$out/two.scn" --trace > "$out/two.out" 2>&1
n=$(probes "$out/two.out")
if [ "$n" = 2 ]; then ok "two: two probes for 2001:db8::1"; else bad "two: $n probes, want 2"; fi
printf '%s\n%s\n' "$world" "$app" > "$out/default.scn"
"$ns" run "$out/default.scn" --trace > "$out/default.out" 2>&1
n=$(probes "$out/default.out")
if [ "$n" = 1 ]; then ok "default: one probe"; else bad "default: $n probes, want 1"; fi

printf '%s\nset alice ipv6.dad_transmits 11\n' "$world" > "$out/big.scn"
"$ns" run "$out/big.scn" > "$out/big.out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q 'big.scn:6:30: error: ipv6.dad_transmits 11 is more than 10' "$out/big.out"; then
    ok "big: refused at its column, exit 2"
else
    bad "big: exit $rc: $(head -n 1 "$out/big.out")"
fi

[ "$failures" = 0 ]
