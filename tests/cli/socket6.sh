#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/cli/socket6.sh - the AF_INET6 socket statements (socket tcp6/udp6,
# [ADDRESS]:PORT, v6only) end to end: a UDP exchange over IPv6 whose
# recvfrom keeps [2001:db8::1]:PORT and whose reply goes back to it, the
# dual-stack view of an IPv4 peer, and each mistake refused with
# FILE:LINE:COL: error and exit 2 before anything runs.
set -u
ns=$1; out=$3/socket6
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

world='host alice 192.0.2.1/24 2001:db8::1/64
host bob   192.0.2.2/24 2001:db8::2/64
host carol 192.0.2.3/24
switch sw
link alice sw delay 1ms
link bob sw delay 1ms
link carol sw delay 1ms'

# A UDP request and its reply over IPv6, the reply sent to the kept peer.
# The addresses are tentative until DAD passes [RFC 4862 5.4] (at most 1 s of
# random delay, then RetransTimer): nothing may be sent from them before.
cat > "$out/udp6.scn" <<EOS
$world
sleep 3s
bob:   s = socket udp6
bob:   bind s 7
alice: c = socket udp6
alice: sendto c [2001:db8::2]:7 "ping"
bob:   recvfrom s 64 -> msg from who
expect msg == "ping"
expect who contains "[2001:db8::1]:"
bob:   sendto s who "pong"
alice: recvfrom c 64 -> back from peer
expect back == "pong"
expect peer == "[2001:db8::2]:7"
EOS
if "$ns" run "$out/udp6.scn" > "$out/udp6.out" 2>&1; then
    ok "udp6: request and reply over IPv6, peers kept as [ADDRESS]:PORT"
else
    bad "udp6: $(tail -n 3 "$out/udp6.out")"
fi
if "$ns" run "$out/udp6.scn" --trace 2>&1 | grep -q 'next header 17 (UDP)'; then
    ok "udp6: the datagrams went over IPv6 (next header 17 in the trace)"
else
    bad "udp6: no UDP over IPv6 in the trace"
fi

# An IPv4-only client reaches a udp6 socket on [::]: seen as ::ffff:192.0.2.3.
cat > "$out/mapped.scn" <<EOS
$world
bob:   s = socket udp6
bob:   bind s 7
carol: c = socket udp
carol: sendto c bob:7 "v4"
bob:   recvfrom s 64 -> msg from who
expect who contains "[::ffff:192.0.2.3]:"
EOS
if "$ns" run "$out/mapped.scn" > "$out/mapped.out" 2>&1; then
    ok "mapped: an IPv4 datagram on a dual-stack udp6 socket comes from ::ffff:192.0.2.3"
else
    bad "mapped: $(tail -n 3 "$out/mapped.out")"
fi

# The parser's answers to mistakes: line, column, and what to write instead.
refuse() {  # refuse NAME LINES WANT
    printf '%s\n%s\n' "$world" "$2" > "$out/$1.scn"
    "$ns" run "$out/$1.scn" > "$out/stdout" 2> "$out/stderr"
    rc=$?
    got=$(head -n 1 "$out/stderr")
    if [ $rc -eq 2 ] && [ "$got" = "$out/$1.scn:$3" ] && [ ! -s "$out/stdout" ]; then
        ok "$1: $got"
    else
        bad "$1: exit $rc, got '$got', want '$out/$1.scn:$3'"
    fi
}
refuse v6_on_tcp 'alice: c = socket tcp
alice: connect c [2001:db8::2]:80' \
    "9:18: error: 'c' is an IPv4 socket (socket tcp): an IPv6 address needs 'socket tcp6'"
refuse v4_on_tcp6 'alice: c = socket tcp6
alice: connect c 192.0.2.2:80' \
    "9:18: error: 'c' is an IPv6 socket: an IPv4 address is written as an IPv4-mapped one, [::ffff:192.0.2.2]:80"
refuse host_without_v6 'alice: c = socket tcp6
alice: connect c carol:80' \
    "9:18: error: 'c' is an IPv6 socket but host carol has no IPv6 address (give it one: host carol ADDR/LEN 2001:db8::N/64)"
refuse bad_v6 'alice: c = socket udp6
alice: sendto c [2001:db8::zz]:7 "x"' \
    "9:18: error: bad IPv6 address '2001:db8::zz' (like 2001:db8::2)"
refuse no_port 'alice: c = socket tcp6
alice: connect c [2001:db8::2]' \
    "9:18: error: expected [IPV6-ADDRESS]:PORT, like [2001:db8::2]:80, found '[2001:db8::2]'"
refuse v6only_on_tcp 'bob: s = socket tcp
bob: setsockopt s v6only on' \
    "9:19: error: v6only is an IPv6 option (IPV6_V6ONLY); 's' is a tcp socket, not tcp6"

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "all IPv6 socket statement checks passed"
