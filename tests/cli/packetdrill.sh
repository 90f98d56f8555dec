#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# packetdrill.sh - `netstep packetdrill`: deliberately wrong scripts fail with
# packetdrill's kind of message (script:line, expected, actual) and exit 1;
# a script needing IPv6 is skipped (77) with the reason; a malformed one is
# refused with FILE:LINE:COL (2); options are checked; a run replays.
#   packetdrill.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/packetdrill
mkdir -p "$out"
bad=$src/tests/packetdrill/bad
good=$src/tests/packetdrill
failures=0
check() {  # check NAME WANT_RC CMD...   (stdout+stderr kept in $out/NAME.log)
    local name=$1 want=$2; shift 2
    "$@" > "$out/$name.log" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$out/$name.log" | head -8
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}
has() {  # has NAME TEXT: the log of NAME contains TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "ok   $1 says '$2'"; else
        echo "FAIL $1 does not say '$2'"; sed 's/^/    /' "$out/$1.log" | head -8
        failures=$((failures + 1)); fi
}

check wrong_ack 1 "$ns" packetdrill "$bad/wrong-ack.pkt"
has wrong_ack "wrong-ack.pkt: FAIL"
has wrong_ack "wrong-ack.pkt:13: error handling packet: live packet field tcp_ack_seq: expected: 2 (0x2) vs actual: 1 (0x1)"
has wrong_ack "script packet:  0.000000 S. 0:0(0) ack 2 win 65535 <mss 1460>"
has wrong_ack "actual packet:  0.000000 S. 0:0(0) ack 1 win 65535 <mss 1460>"

check wrong_time 1 "$ns" packetdrill "$bad/wrong-time.pkt"
has wrong_time "wrong-time.pkt:11: error handling packet: timing error: expected outbound packet at 0.500000 sec but happened at 0.000000 sec; tolerance 0.010000 sec"
# A wider tolerance on the command line lets it pass.
check wrong_time_tolerant 0 "$ns" packetdrill --tolerance_usecs 600000 "$bad/wrong-time.pkt"

check wrong_errno 1 "$ns" packetdrill "$bad/wrong-errno.pkt"
has wrong_errno "wrong-errno.pkt:8: error handling system call: Expected errno ECONNREFUSED (Connection refused) but got EINPROGRESS (Operation now in progress)"

# netstep's own layout fails a BSD-laid-out line; the freebsd personality passes it.
check wrong_options 1 "$ns" packetdrill "$bad/wrong-options.pkt"
has wrong_options "bad outbound TCP options"
has wrong_options "actual packet:  0.000000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK>"
check options_freebsd 0 "$ns" packetdrill --personality freebsd "$bad/wrong-options.pkt"

check ipv6 77 "$ns" packetdrill "$bad/ipv6.pkt"
has ipv6 "ipv6.pkt: skipped"
has ipv6 "needs ICMPv6 lines (the runner builds and reads ICMP for IPv4 only), which netstep lacks"
check ipv4_mapped 77 "$ns" packetdrill "$bad/ipv4-mapped.pkt"
has ipv4_mapped "needs IPv4-mapped IPv6 scripts (an AF_INET6 socket speaking IPv4), which netstep lacks"
check ipv6_bad_field 2 "$ns" packetdrill "$bad/ipv6-bad-field.pkt"
has ipv6_bad_field "ipv6-bad-field.pkt:8:7: error: expected 'ttl', 'tos', 'hlim' or 'class' in the IP fields"

check syntax 2 "$ns" packetdrill "$bad/syntax.pkt"
has syntax "syntax.pkt:6:12: error: expected '(' and the length after the sequence range"

check no_file 2 "$ns" packetdrill "$out/no-such.pkt"
has no_file "no-such.pkt: No such file or directory"
check no_args 2 "$ns" packetdrill
has no_args "usage: netstep packetdrill"
check bad_personality 2 "$ns" packetdrill --personality solaris "$good/close.pkt"
has bad_personality "unknown personality 'solaris' (known: netstep, freebsd, linux)"
check bad_option 2 "$ns" packetdrill --frobnicate "$good/close.pkt"
check help 0 "$ns" packetdrill --help
has help "usage: netstep packetdrill"

# Personalities change tunables, not rules: Linux's 40 ms delayed ACK comes
# before the 200 ms the script (netstep's own) waits for.
check linux_delack 1 "$ns" packetdrill --personality linux "$good/data-ack.pkt"
has linux_delack "data-ack.pkt:20: error handling packet: timing error: expected outbound packet at 0.310000 sec but happened at 0.150000 sec"
# FreeBSD's SYN: its option layout and the window scale for kern.ipc.maxsockbuf;
# its receive buffer rounded to whole segments once the MSS is known.
cat > "$out/freebsd-syn.pkt" <<'EOP'
--ip_version=ipv4
0.000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>
+0.1 < S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,eol,eol>
+0 > . 1:1(0) ack 1 win 65535
+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65700], [4]) = 0
EOP
check freebsd_syn 0 "$ns" packetdrill --personality freebsd "$out/freebsd-syn.pkt"
check netstep_syn 1 "$ns" packetdrill "$out/freebsd-syn.pkt"
has netstep_syn "freebsd-syn.pkt:4: error handling system call: Bad getsockopt optval: expected: 65536 actual: 212992"
# A sysctl with a netstep counterpart is applied; one without is listed.
cat > "$out/sysctl.pkt" <<'EOP'
--ip_version=ipv4
0.000 `sysctl -w net.inet.tcp.rfc1323=0`
+0 `sysctl -w net.inet.tcp.sack.enable=0`
+0 `sysctl -w net.inet.tcp.pmtud_blackhole_detection=1`
+0 `sockstat -4`
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) win 65535 <mss 1460>
EOP
check sysctl 0 "$ns" packetdrill "$out/sysctl.pkt"
has sysctl "sysctl.pkt:4: not modelled: \`sysctl -w net.inet.tcp.pmtud_blackhole_detection=1\`: net.inet.tcp.pmtud_blackhole_detection has no netstep counterpart"
has sysctl "sysctl.pkt:5: not modelled: \`sockstat -4\`: not a sysctl; netstep does not run shell commands"

# The same tunables in a scenario: set alice tcp.bsd_options on.
cat > "$out/bsd.scn" <<'EOS'
host alice 192.0.2.1/24
host bob 192.0.2.2/24
link alice bob delay 1ms
set alice tcp.bsd_options on
set alice tcp.wscale_buf 2097152
bob: s = socket tcp
bob: bind s 80
bob: listen s 5
alice: c = socket tcp
alice: connect c 192.0.2.2:80
EOS
check scenario_bsd 0 "$ns" run "$out/bsd.scn" --trace
has scenario_bsd "options [mss 1460,nop,wscale 6,sackOK,TS val"

# A blocking call must return at its end time: poll's data comes at 0.35, not 0.32.
sed 's/0.300...0.350 poll/0.300...0.320 poll/' "$good/poll.pkt" > "$out/poll-late.pkt"
check poll_late 1 "$ns" packetdrill "$out/poll-late.pkt"
has poll_late "poll-late.pkt:24: error handling system call: timing error: expected system call return at 0.320000 sec but happened at 0.350000 sec; tolerance 0.001000 sec"

# `*`: whenever it comes; the next relative time counts from when it came.
cat > "$out/any.pkt" <<'EOP'
--ip_version=ipv4
--tolerance_usecs=1000
0.000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 win 65535 <mss 1460>
+0.01 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
+0.1 write(4, ..., 100) = 100
+0 > P. 1:101(100) ack 1
* > P. 1:101(100) ack 1
+2.0 > P. 1:101(100) ack 1
EOP
check any_time 0 "$ns" packetdrill "$out/any.pkt"
sed 's/^+2.0 > P/+1.0 > P/' "$out/any.pkt" > "$out/any-wrong.pkt"
check any_time_wrong 1 "$ns" packetdrill "$out/any-wrong.pkt"
has any_time_wrong "any-wrong.pkt:13: error handling packet: timing error: expected outbound packet at 2.110000 sec but happened at 3.110000 sec"

# Several scripts: a summary; one failure makes the exit status 1.
check several 1 "$ns" packetdrill "$good/close.pkt" "$bad/wrong-ack.pkt" "$bad/ipv6.pkt"
has several "1 passed, 1 failed, 1 skipped"

# Deterministic: the same script and seed give the same trace, byte for byte.
"$ns" packetdrill --trace "$good/data-ack.pkt" > "$out/trace1.log" 2>&1
"$ns" packetdrill --trace "$good/data-ack.pkt" > "$out/trace2.log" 2>&1
if cmp -s "$out/trace1.log" "$out/trace2.log" && [ -s "$out/trace1.log" ]; then
    echo "ok   the trace replays"
else
    echo "FAIL the trace differs between two runs"; failures=$((failures + 1))
fi
has trace1 "TCP    out"

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
