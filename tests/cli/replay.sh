#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# replay.sh - `replay FILE on A B` puts a capture netstep wrote back on a
# link: the frames arrive (bob's socket gets alice's datagram, alice gets
# the echo), each original frame is on the new capture with the same bytes
# at the same time, and a missing or foreign file is a FILE:LINE:COL error
# (exit 2).   replay.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/replay
rm -rf "$out"; mkdir -p "$out"
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

cp "$src/tests/data/good/udp_echo.scn" "$out/"
(cd "$out" && "$ns" run udp_echo.scn --pcap original.pcap > original.log 2>&1) &&
    ok "udp_echo writes original.pcap" || fail "udp_echo did not run: $(tail -5 "$out/original.log")"

cat > "$out/replay.scn" <<'SCN'
title "replay a capture"
seed 1
host alice 192.0.2.1/24
host bob   192.0.2.2/24   mac 02:00:00:00:00:02
link alice bob delay 5ms rate 10Mbit
bob:   s = socket udp
bob:   bind s 7
alice: c = socket udp
alice: bind c 192.0.2.1:40000
replay "original.pcap" on alice bob
bob:   recvfrom s 512 timeout 1s -> req
expect req == "hello, bob\n"
alice: recv c 512 -> echo timeout 1s
expect echo == "hello, bob\n"
expect packets udp from alice == 1
expect packets udp from bob == 1
SCN
if (cd "$out" && "$ns" run replay.scn --pcap replayed.pcap > replay.log 2>&1); then
    ok "the replayed frames arrive: every expect holds"
else
    fail "replay.scn: $(tail -8 "$out/replay.log")"
fi
grep -q 'replay "original.pcap" on alice bob  *=> 4 frames over 0.015144 s' "$out/replay.log" &&
    ok "replay says how many frames over how long" || fail "no frame count in $(grep replay "$out/replay.log")"

# Each replayed frame's cause names the step, its line and the frame's place
# in the capture (1-based, as tcpdump counts): frame 3 is alice's datagram.
(cd "$out" && "$ns" run replay.scn --trace > trace.log 2>&1)
grep -q 'wire  #[0-9]* ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 46 on alice-bob  (cause: replay step 5, line 10, frame 1)$' "$out/trace.log" &&
    grep -q 'wire  #[0-9]* IP 192.0.2.1.40000 > 192.0.2.2.7: UDP, length 11 on alice-bob  (cause: replay step 5, line 10, frame 3)$' "$out/trace.log" &&
    grep -q '(cause: replay step 5, line 10, frame 4)$' "$out/trace.log" &&
    ! grep -q '(cause: replay step 5, line 10, frame 5)' "$out/trace.log" &&
    ! grep -q 'Wire .*(cause: step 5)' "$out/trace.log" &&
    ok "a replayed frame's cause: replay step 5, line 10, frame K" ||
    fail "replay cause: $(grep -m3 'replay step\|cause: step 5' "$out/trace.log")"

# The JSON (and the view, which reads the same log) words that cause as
# the trace does, and names the step's line and the frame apart.
(cd "$out" && "$ns" run replay.scn --json > replay.jsonl 2>/dev/null)
python3 - "$out/replay.jsonl" <<'PY' && ok "--json: a replayed frame's cause has origin replay, line 10, frame K" || fail "--json does not name the replayed frame"
import json, sys
wire = [e for e in map(json.loads, open(sys.argv[1])) if e["layer"] == "Wire"
        and e["cause"].get("origin") == "replay"]
assert sorted({e["cause"]["frame"] for e in wire}) == [1, 2, 3, 4], wire
for e in wire:
    c = e["cause"]
    assert c["step"] == 5 and c["line"] == 10, c
    assert c["text"] == "replay step 5, line 10, frame %d" % c["frame"], c
PY

# Every frame of the original is on the replayed capture: same bytes, same time.
python3 - "$out/original.pcap" "$out/replayed.pcap" <<'PY' && ok "each original frame is on the new capture, same bytes, same time" || fail "frames differ"
import struct, sys
def frames(path):
    b = open(path, "rb").read()
    magic = struct.unpack("<I", b[:4])[0]
    scale = {0xa1b2c3d4: 1000, 0xa1b23c4d: 1}[magic]
    out, i = [], 24
    while i < len(b):
        sec, frac, incl, orig = struct.unpack("<IIII", b[i:i + 16])
        out.append((sec * 10**9 + frac * scale, b[i + 16:i + 16 + incl]))
        i += 16 + incl
    return out
a, r = frames(sys.argv[1]), frames(sys.argv[2])
assert len(a) == 4, len(a)
missing = [f for f in a if f not in r]
assert not missing, missing
PY

# Bad files: FILE:LINE:COL errors, exit 2, nothing runs.
printf 'host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b\nreplay "nothing.pcap"\n' > "$out/missing.scn"
(cd "$out" && "$ns" run missing.scn > missing.log 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q '^missing.scn:4:8: error: cannot read nothing.pcap: ' "$out/missing.log" &&
    ok "a missing capture: FILE:LINE:COL, exit 2" || fail "missing: exit $rc: $(cat "$out/missing.log")"
printf 'host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b\nreplay "missing.scn" on a b\n' > "$out/text.scn"
(cd "$out" && "$ns" run text.scn > text.log 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q '^text.scn:4:8: error: cannot read missing.scn: ' "$out/text.log" &&
    ok "a file that is no capture: FILE:LINE:COL, exit 2" || fail "text: exit $rc: $(cat "$out/text.log")"
printf 'host a 192.0.2.1/24\nrouter b 192.0.2.2/24 198.51.100.1/24\nhost c 198.51.100.2/24\nlink a b\nlink b:eth1 c\nreplay "original.pcap"\n' > "$out/two.scn"
(cd "$out" && "$ns" run two.scn > two.log 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "^two.scn:6:24: error: replay needs the link to put the frames on: 'on A B' (the world has 2 links)" "$out/two.log" &&
    ok "two links and no 'on': FILE:LINE:COL, exit 2" || fail "two: exit $rc: $(cat "$out/two.log")"

echo "$failures failed"
[ "$failures" -eq 0 ]
