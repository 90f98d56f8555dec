#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ping_capture.sh - the foundation's "done when": the ping lesson's capture
# shows, in tshark with checksum validation, the ARP request and reply and the
# ICMP echo request and reply, all with good checksums.
#   ping_capture.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
"$ns" run "$src/scenarios/ip/ping.scn" --pcap "$out/ping.pcap" > "$out/ping.log" 2>&1 \
    || { echo "FAIL ping lesson exited $?"; cat "$out/ping.log"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL tshark missing"; exit 1; }
f=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)
count() { tshark -r "$out/ping.pcap" "${f[@]}" -Y "$1" 2>/dev/null | wc -l; }
failures=0
expect() {  # expect FILTER N
    local n; n=$(count "$1")
    if [ "$n" -eq "$2" ]; then echo "ok   $2 x $1"; else echo "FAIL $1: $n frames, want $2"; failures=$((failures + 1)); fi
}
expect 'arp.opcode == 1 && arp.dst.proto_ipv4 == 192.0.2.2' 1
expect 'arp.opcode == 2 && arp.src.proto_ipv4 == 192.0.2.2' 1
expect 'icmp.type == 8 && ip.dst == 192.0.2.2' 3
expect 'icmp.type == 0 && ip.src == 192.0.2.2 && icmp.checksum.status == 1 && ip.checksum.status == 1' 3
expect 'icmp.resp_to' 3
expect '_ws.malformed || ip.checksum.status == 0 || icmp.checksum.status == 0' 0
# Timestamps are virtual. On the wire the first request leaves only after ARP
# resolved, so its reply follows 5 ms (one link delay) plus serialisation
# later, though ping itself waited 20 ms (ARP round trip + echo round trip).
rt=$(tshark -r "$out/ping.pcap" -Y 'icmp.type == 0 && icmp.seq == 1' -T fields -e icmp.resptime 2>/dev/null | head -1)
case "$rt" in 5.00*) echo "ok   first reply after ${rt} ms";; *) echo "FAIL first reply time '$rt'"; failures=$((failures + 1));; esac
echo "$failures failed"
[ "$failures" -eq 0 ]
