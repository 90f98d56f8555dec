#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# captures.sh - captures that stay readable with many links (issue 4, item 6):
# --pcap-dir writes one file per link holding exactly that link's frames, and
# pcapng (--pcapng, or a name ending in .pcapng) has one interface per link
# with its name and description, and a comment on every frame saying what
# caused it. All of it passes tshark with checksum validation on, and two
# runs with the same seed give the same bytes. Beside the link files,
# --pcap-dir writes one file per host interface (issue 11, item 7): what
# that interface sent, as it left, and received, as it arrived: a frame lost
# on the link is in the sender's file only, a corrupted one shows its bad
# checksum in the receiver's file only.
#   captures.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/captures
rm -rf "$out"; mkdir -p "$out"
command -v tshark >/dev/null || { echo "FAIL tshark missing"; exit 1; }
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
run() {  # run LESSON ARGS...: the lesson must run and its expects hold
    local lesson=$1; shift
    "$ns" run "$src/scenarios/$lesson.scn" -q "$@" > "$out/run.log" 2>&1 \
        || { echo "FAIL netstep run $lesson $* exited $?"; cat "$out/run.log"; exit 1; }
}
ts() { tshark -r "$@" 2>/dev/null; }

cd "$out" || exit 1
run ip/traceroute --pcap all.pcap --pcap-dir d1
run ip/traceroute --pcap all.pcapng --pcap-dir d2 --pcapng
run ip/traceroute --pcap again.pcapng --pcap-dir d3 --pcapng
links="alice-r1 r1-r2 r2-r3 r3-bob"
ifaces="alice-eth0 r1-eth0 r1-eth1 r2-eth0 r2-eth1 r3-eth0 r3-eth1 bob-eth0"

# One file per link, named after the link, one per host interface, and
# nothing else (no .tmp left).
want=$(for l in $links $ifaces; do echo "$l.pcap"; done | sort | tr '\n' ' ')
got=$(ls d1 | sort | tr '\n' ' ')
[ "$got" = "$want" ] && ok "d1 holds $want" || fail "d1 holds '$got', want '$want'"
got=$(ls d2 | sort | tr '\n' ' ')
[ "$got" = "${want//.pcap/.pcapng}" ] && ok "d2 holds the same names as .pcapng" || fail "d2 holds '$got'"

# The whole-run pcap and pcapng hold the same frames at the same times.
frames() { ts "$1" -T fields -e frame.time_epoch -e frame.len; ts "$1" -x; }
total=$(ts all.pcap | wc -l)
[ "$total" -gt 0 ] && [ "$(frames all.pcap)" = "$(frames all.pcapng)" ] \
    && ok "all.pcap and all.pcapng: the same $total frames" || fail "all.pcap and all.pcapng differ"

# Each link's file holds exactly the frames the whole-run file shows on that
# link's interface: same times, same bytes, nothing more.
sum=0
for l in $links; do
    ts all.pcapng -Y "frame.interface_name == \"$l\"" -w "sel-$l.pcapng"
    n=$(ts "sel-$l.pcapng" | wc -l)
    sum=$((sum + n))
    if [ "$n" -gt 0 ] && [ "$(frames "d1/$l.pcap")" = "$(frames "sel-$l.pcapng")" ] \
        && [ "$(frames "d2/$l.pcapng")" = "$(frames "sel-$l.pcapng")" ]; then
        ok "$l: its own $n frames, in both formats"
    else
        fail "$l: the per-link files do not hold exactly the link's $n frames"
    fi
done
[ "$sum" -eq "$total" ] && ok "the links' files add up to all $total frames" \
    || fail "the links' files hold $sum frames, the whole run $total"
# A router's MAC changes per hop: r2-r3's frames come from r2's eth1 or r3's eth0 only.
srcs=$(ts d1/r2-r3.pcap -T fields -e eth.src | sort -u | tr '\n' ' ')
[ "$srcs" = "02:00:00:00:03:02 02:00:00:00:04:01 " ] && ok "r2-r3 carries only r2's and r3's frames" \
    || fail "r2-r3 has frames from $srcs"

# One interface per link, with its name and its two ends.
names=$(ts all.pcapng -T fields -e frame.interface_name | sort -u | tr '\n' ' ')
[ "$names" = "alice-r1 r1-r2 r2-r3 r3-bob " ] && ok "interfaces: $names" || fail "interfaces '$names'"
d=$(ts all.pcapng -Y 'frame.interface_name == "r1-r2"' -T fields -e frame.interface_description | head -1)
[ "$d" = "link r1-r2: r1 eth1 198.51.100.1/30 <-> r2 eth0 198.51.100.2/30" ] \
    && ok "r1-r2 described as '$d'" || fail "r1-r2 described as '$d'"
res=$(capinfos all.pcapng 2>/dev/null | grep -c 'Time precision = nanoseconds (9)')
[ "$res" -eq 4 ] && ok "4 interfaces with nanosecond stamps" || fail "$res interfaces with ns stamps"

# Every frame says what caused it.
nocomment=$(ts all.pcapng -T fields -e frame.comment | grep -c '^$')
[ "$nocomment" -eq 0 ] && ok "every frame has a comment" || fail "$nocomment frames without a comment"
# The first probe: the traceroute step on line 33 of the lesson.
probe=$(ts all.pcapng -Y 'udp && ip.ttl == 1' -T fields -e frame.comment | head -1)
[[ "$probe" =~ ^#([0-9]+):\ sendto\(\)\ step\ [0-9]+,\ line\ 33:\ traceroute\ alice\ bob$ ]] \
    && ok "first probe: '$probe'" || fail "first probe's comment '$probe'"
pid=${BASH_REMATCH[1]:-none}
# r1's answer to it: caused by that probe's arrival.
answer=$(ts all.pcapng -Y 'icmp.type == 11 && ip.src == 192.0.2.254' -T fields -e frame.comment | head -1)
[[ "$answer" =~ ^#[0-9]+:\ arrival\ of\ #$pid$ ]] && ok "r1's time exceeded: '$answer'" \
    || fail "r1's time exceeded: '$answer', want arrival of #$pid"
# What r1 passes on to r2 is the same packet, forwarded on its arrival.
fwd=$(ts d2/r1-r2.pcapng -Y 'udp && ip.src == 192.0.2.1' -T fields -e frame.comment | head -1)
[[ "$fwd" =~ ^#([0-9]+):\ arrival\ of\ #([0-9]+)\ \(forwarded\)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] \
    && ok "forwarded probe: '$fwd'" || fail "forwarded probe's comment '$fwd'"
# A timer: carol never answers ARP, so alice asks again on the ARP retry timer.
run link/arp --pcap arp.pcapng
retries=$(ts arp.pcapng -Y 'arp.dst.proto_ipv4 == 192.0.2.3' -T fields -e frame.comment)
first=$(echo "$retries" | head -1); rest=$(echo "$retries" | tail -n +2 | sed 's/^#[0-9]*: //' | sort -u)
[[ "$first" =~ ^#[0-9]+:\ sendto\(\)\ step\ [0-9]+,\ line\ 38:\ alice:\ sendto\ c\ carol:9\ \"anyone\ there\?\"$ ]] \
    && ok "first ARP request for carol: '$first'" || fail "first ARP request for carol: '$first'"
[ "$rest" = "ARP retry timer" ] && ok "the requests after it: '$rest'" || fail "the requests after it: '$rest'"
# A TCP segment also says why TCP sent it.
run tcp/retransmission-timeout --pcap rto.pcapng
rto=$(ts rto.pcapng -T fields -e frame.comment | grep -c ': retransmission timer; TCP: retransmission timeout$')
[ "$rto" -ge 1 ] && ok "$rto segments sent by the retransmission timer" || fail "no segment blames the retransmission timer"

# Checksums validated: nothing malformed, nothing bad, in any of the files.
f=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)
for file in all.pcapng d2/*.pcapng arp.pcapng rto.pcapng; do
    bad=$(ts "$file" "${f[@]}" -Y '_ws.malformed || ip.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || tcp.checksum.status == 0' | wc -l)
    [ "$bad" -eq 0 ] || fail "$file: $bad frames malformed or with a bad checksum"
done
ok "checksums validated in every pcapng file"

# Same seed, same bytes: the whole-run file and every link's file.
cmp -s all.pcapng again.pcapng && ok "two runs, byte-identical pcapng" || fail "two runs gave different pcapng"
same=1
for l in $links; do cmp -s "d2/$l.pcapng" "d3/$l.pcapng" || same=0; done
[ "$same" -eq 1 ] && ok "two runs, byte-identical per-link files" || fail "per-link files differ between runs"

# Frames a host sends itself cross no link: they are on the interface
# "HOST-lo" (its own per-link file too), and their comments say why they were
# sent (the connect() step), not that they "arrived".
run socket/local-vs-tcp --pcap lo.pcapng --pcap-dir dlo
lo_first=$(ts lo.pcapng -T fields -e frame.interface_name -e frame.comment | head -1)
case $lo_first in
    "alice-lo	#1: connect() step "*"alice: connect cli 127.0.0.1:8080; TCP: handshake") ok "lo frame 1: $lo_first" ;;
    *) fail "lo frame 1: '$lo_first'" ;;
esac
ts lo.pcapng -T fields -e frame.comment | grep -q forwarded \
    && fail "a looped-back frame is called forwarded" || ok "no looped-back frame is called forwarded"
[ "$(ls dlo)" = "alice-lo.pcap" ] && [ "$(ts dlo/alice-lo.pcap | wc -l)" -eq "$(ts lo.pcapng | wc -l)" ] \
    && ok "dlo/alice-lo.pcap holds every lo frame" || fail "dlo holds '$(ls dlo)'"
[ -z "$(tshark -r lo.pcapng -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y 'tcp.checksum.status == 2 || ip.checksum.status == 2 || _ws.malformed' 2>/dev/null)" ] \
    && ok "lo.pcapng: checksums good, nothing malformed" || fail "lo.pcapng has bad checksums or malformed frames"

# A directory that cannot be made is an error before anything runs.
: > not-a-dir
"$ns" run "$src/scenarios/ip/traceroute.scn" -q --pcap-dir not-a-dir/sub > bad.log 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q '^netstep: not-a-dir/sub: Not a directory$' bad.log \
    && ok "--pcap-dir under a file: exit 2, '$(cat bad.log)'" || fail "--pcap-dir under a file: exit $rc, '$(cat bad.log)'"
"$ns" run "$src/scenarios/ip/traceroute.scn" -q --pcap x.pcapng --pcap-dir not-a-dir > bad2.log 2>&1
rc=$?
[ "$rc" -eq 2 ] && [ ! -e x.pcapng ] && [ ! -e x.pcapng.tmp ] \
    && ok "--pcap-dir on a file: exit 2, no capture left: '$(cat bad2.log)'" \
    || fail "--pcap-dir on a file: exit $rc, '$(cat bad2.log)'"

# Each host interface's own capture (issue 11, item 7). alice sends bob
# three datagrams; the link loses the first and damages one octet of the
# second.
cat > faults.scn <<'SCN'
title "a lost and a damaged datagram"
host alice 192.0.2.1/24
host bob   192.0.2.2/24
link alice bob delay 1ms
bob:   s = socket udp
bob:   bind s 7
alice: c = socket udp
alice: sendto c bob:7 "warm up ARP"
sleep 100ms
drop 1st udp from alice len == 3
corrupt 2nd udp from alice len == 3
alice: sendto c bob:7 "one"
alice: sendto c bob:7 "two"
alice: sendto c bob:7 "six"
sleep 100ms
SCN
"$ns" run faults.scn -q --pcap-dir df > faults.log 2>&1 || { fail "faults.scn: $(cat faults.log)"; }
"$ns" run faults.scn -q --pcap-dir dfng --pcapng > faults.log 2>&1 || { fail "faults.scn pcapng: $(cat faults.log)"; }
got=$(ls df | tr '\n' ' ')
[ "$got" = "alice-bob.pcap alice-eth0.pcap bob-eth0.pcap " ] && ok "df holds $got" || fail "df holds '$got'"
# The frames after the warm-up (the three datagrams), one line of hex each,
# in order. (Not by a field: the damaged octet may be in any of them.)
after() { ts "$1" -Y 'frame.time_epoch > 0.05' -x | awk '
    /^$/ { if (f != "") print f; f = ""; next }
    { for (i = 2; i <= 17 && i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++) f = f $i }
    END { if (f != "") print f }'; }
mapfile -t sent < <(after df/alice-eth0.pcap)
mapfile -t wire < <(after df/alice-bob.pcap)
mapfile -t recvd < <(after df/bob-eth0.pcap)
[ "${#sent[@]}" -eq 3 ] && [ "${sent[*]}" = "${wire[*]}" ] \
    && ok "alice-eth0 and the link file both hold the 3 datagrams as sent" \
    || fail "alice-eth0 holds ${#sent[@]} datagrams, the link file ${#wire[@]} (or they differ)"
if [ "${#recvd[@]}" -eq 2 ] && [ "${recvd[1]}" = "${sent[2]}" ] \
    && [ "${recvd[0]}" != "${sent[0]}" ] && [ "${recvd[1]}" != "${sent[0]}" ]; then
    ok "bob-eth0 holds 2: the lost first one is in the sender's file only"
else
    fail "bob-eth0 holds ${#recvd[@]} datagrams, want the 2nd (damaged) and the 3rd"
fi
# The damaged one: the same length, one octet inverted.
diffs=$(awk -v a="${sent[1]}" -v b="${recvd[0]}" 'BEGIN {
    if (length(a) != length(b)) { print "length"; exit }
    n = 0; for (i = 1; i <= length(a); i += 2) if (substr(a, i, 2) != substr(b, i, 2)) n++; print n }')
[ "$diffs" = 1 ] && ok "bob-eth0's second datagram is alice's with one octet changed" \
    || fail "bob-eth0's damaged datagram differs from what alice sent in '$diffs' octets"
second_t=$(ts df/bob-eth0.pcap -Y 'frame.time_epoch > 0.05' -T fields -e frame.time_epoch | head -1)
f=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)
bad() { ts "$1" "${f[@]}" -Y 'ip.checksum.status == 0 || udp.checksum.status == 0' -T fields -e frame.time_epoch | tr '\n' ' '; }
bad_rx=$(bad df/bob-eth0.pcap); bad_tx=$(bad df/alice-eth0.pcap); bad_wire=$(bad df/alice-bob.pcap)
[ "$bad_rx" = "$second_t " ] && ok "bob-eth0: the damaged datagram (at $second_t) has a bad checksum" \
    || fail "bob-eth0: bad checksums on frames at '$bad_rx', want the damaged one at $second_t"
[ -z "$bad_tx" ] && [ -z "$bad_wire" ] && ok "alice-eth0 and the link file: every checksum good (taken as sent)" \
    || fail "bad checksums as sent: alice-eth0 '$bad_tx', link '$bad_wire'"
# Times: bob receives 1 ms (the link's delay) after alice sent.
t_tx=$(ts df/alice-eth0.pcap -Y 'frame.time_epoch > 0.05' -T fields -e frame.time_epoch | tail -1)
t_rx=$(ts df/bob-eth0.pcap -Y 'frame.time_epoch > 0.05' -T fields -e frame.time_epoch | tail -1)
[ "$(awk -v a="$t_tx" -v b="$t_rx" 'BEGIN { printf "%.6f", b - a }')" = "0.001000" ] \
    && ok "bob-eth0 stamps a frame as it arrives, 1 ms after alice-eth0 ($t_tx -> $t_rx)" \
    || fail "arrival stamp $t_rx, sent at $t_tx: want 1 ms later"
# pcapng: one interface block per file, named and described.
for i in alice-eth0 bob-eth0; do
    d=$(ts "dfng/$i.pcapng" -T fields -e frame.interface_name -e frame.interface_description | sort -u)
    n=$(echo "$d" | wc -l)
    case $d in
        "$i	${i%-eth0} eth0 192.0.2."*"/24 on link alice-bob: what it sent and received, as tcpdump there")
            [ "$n" -eq 1 ] && ok "$i.pcapng: one interface: $d" || fail "$i.pcapng: $n interfaces" ;;
        *) fail "$i.pcapng: interface '$d'" ;;
    esac
done
[ "$(ts dfng/bob-eth0.pcapng | wc -l)" = "$(ts df/bob-eth0.pcap | wc -l)" ] \
    && ok "bob-eth0.pcapng and .pcap hold the same frames" || fail "bob-eth0 pcap and pcapng differ"

echo "$failures failed"
[ "$failures" -eq 0 ]
