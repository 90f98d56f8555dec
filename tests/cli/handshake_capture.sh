#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# handshake_capture.sh - TCP's "done when": the handshake lesson's capture
# shows, in tshark with checksum validation, SYN, SYN-ACK, ACK, the data and
# a FIN each way, in the textbook's order, with relative sequence numbers
# that add up.
#   handshake_capture.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
"$ns" run "$src/scenarios/tcp/handshake.scn" --pcap "$out/h.pcap" > "$out/h.log" 2>&1 \
    || { echo "FAIL handshake lesson exited $?"; tail -20 "$out/h.log"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL tshark missing"; exit 1; }
f=(-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o tcp.relative_sequence_numbers:TRUE)
# One line per TCP segment: flags, relative seq, relative ack, payload length.
tshark -r "$out/h.pcap" "${f[@]}" -Y tcp -T fields -E separator=' ' \
    -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len 2>/dev/null \
    | sed 's/·//g; s/ \+/ /g' > "$out/segments.txt"
cat > "$out/want.txt" <<'WANT'
SYN 0 0 0
ACKSYN 0 1 0
ACK 1 1 0
ACKPSH 1 1 18
ACKPSH 1 19 24
ACKFIN 19 25 0
ACK 25 20 0
ACKFIN 25 20 0
ACK 20 26 0
WANT
# tcp.flags.str spells flags as a fixed-width string ("·······A··S·"); keep
# the letters' names in the order SYN/ACK/PSH/FIN are tested above.
awk '{ s = $1; f = "";
       if (s ~ /A/) f = f "ACK"; if (s ~ /P/) f = f "PSH"; if (s ~ /F/) f = f "FIN";
       if (s ~ /S/) f = f "SYN"; if (s ~ /R/) f = f "RST";
       print f, $2, $3, $4 }' "$out/segments.txt" > "$out/got.txt"
failures=0
if diff -u "$out/want.txt" "$out/got.txt"; then
    echo "ok   SYN, SYN-ACK, ACK, request, response, FIN/ACK each way, as the textbook draws them"
else
    echo "FAIL the segments differ from the textbook exchange (diff above)"; failures=$((failures + 1))
fi
bad=$(tshark -r "$out/h.pcap" "${f[@]}" -Y '_ws.malformed || tcp.checksum.status == 0 || ip.checksum.status == 0 || _ws.expert.severity >= "Warning"' 2>/dev/null | wc -l)
if [ "$bad" -eq 0 ]; then echo "ok   no malformed frame, bad checksum or expert warning"; else
    echo "FAIL $bad frames with problems"; failures=$((failures + 1)); fi
echo "$failures failed"
[ "$failures" -eq 0 ]
