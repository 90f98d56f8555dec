#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# capture_targets.sh - captures a user can trust (issue 11, item 6):
#   - a capture never replaces anything but a regular file: a symbolic link
#     is followed (the target is written, the link stays a link), a FIFO is
#     written to as it is (tshark reads the whole capture from it),
#     /dev/null stays the device it is, a directory is refused;
#   - `--pcap -` writes the capture to stdout for `| tshark -r -`, and
#     everything the run says (the trace too) goes to stderr; refused on a
#     terminal;
#   - SIGINT, SIGTERM and SIGHUP stop a long run at the current event: the
#     exit status is 130, 143, 129, stderr says where it stopped (simulated
#     time, step, line), and every capture (file and --pcap-dir) is whole:
#     tshark reads it without error, no .tmp is left;
#   - a storm (frames circling a loop of two hubs over links without delay,
#     all at one instant) is stopped with an error naming the hosts, the
#     links and the last frame, exit 1, the capture still whole.
#   capture_targets.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/capture_targets
rm -rf "$out"; mkdir -p "$out"
command -v tshark >/dev/null || { echo "FAIL tshark missing"; exit 1; }
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
cd "$out" || exit 1
lesson=$src/scenarios/udp/echo.scn
# frames tshark reads, or "error" if it reports a damaged file
frames() {
    local n
    n=$(tshark -r "$1" 2> tshark.err | wc -l)
    grep -qiE "appears to have been cut short|isn't a capture file|error" tshark.err && { echo error; return; }
    echo "$n"
}
want=$("$ns" run "$lesson" -q --pcap plain.pcap && frames plain.pcap)
[ "$want" -gt 0 ] 2>/dev/null && ok "a plain capture: $want frames" || fail "plain capture: '$want'"

# A symbolic link is followed, and stays a link.
mkdir -p real
ln -s real/target.pcap link.pcap
"$ns" run "$lesson" -q --pcap link.pcap || fail "run with --pcap link.pcap failed"
if [ -L link.pcap ] && [ "$(readlink link.pcap)" = real/target.pcap ] && [ -f real/target.pcap ] \
    && [ "$(frames link.pcap)" = "$want" ] && [ -z "$(ls real | grep -v '^target.pcap$')" ]; then
    ok "symlink: link.pcap is still the link, real/target.pcap holds the $want frames"
else
    fail "symlink: $(ls -l link.pcap real 2>&1 | tr '\n' ' ')"
fi
# ... a second time too (the target exists now), and through a chain.
ln -s link.pcap chain.pcap
"$ns" run "$lesson" -q --pcap chain.pcap
[ -L chain.pcap ] && [ -L link.pcap ] && [ "$(frames real/target.pcap)" = "$want" ] \
    && ok "a chain of two links: both stay links, the target is rewritten" \
    || fail "chain: $(ls -l chain.pcap link.pcap 2>&1 | tr '\n' ' ')"

# A FIFO gets the capture as it is written; it stays a FIFO.
mkfifo fifo.pcap
tshark -r fifo.pcap > fifo.txt 2> fifo.err &
reader=$!
"$ns" run "$lesson" -q --pcap fifo.pcap || fail "run with --pcap fifo.pcap failed"
wait $reader
if [ -p fifo.pcap ] && [ "$(wc -l < fifo.txt)" = "$want" ] && [ ! -e fifo.pcap.tmp ]; then
    ok "FIFO: tshark read $want frames from it; it is still a FIFO, no .tmp"
else
    fail "FIFO: $(wc -l < fifo.txt) frames, $(ls -l fifo.pcap* | tr '\n' ' ') $(cat fifo.err)"
fi

# /dev/null is written to, not replaced (as root a rename would replace it).
before=$(stat -c '%F %t:%T' /dev/null)
"$ns" run "$lesson" -q --pcap /dev/null || fail "run with --pcap /dev/null failed"
[ "$(stat -c '%F %t:%T' /dev/null)" = "$before" ] && [ ! -e /dev/null.tmp ] \
    && ok "/dev/null: still '$before', no /dev/null.tmp" || fail "/dev/null changed: $(ls -l /dev/null*)"

# A directory is refused, exit 2.
"$ns" run "$lesson" -q --pcap real > /dev/null 2> dir.err
rc=$?
[ $rc -eq 2 ] && grep -q "Is a directory" dir.err && ok "a directory: exit 2: $(cat dir.err)" \
    || fail "a directory: exit $rc: $(cat dir.err)"

# --pcap - : the capture on stdout, the run's words (and the trace) on stderr.
"$ns" run "$lesson" --trace --pcap - 2> stdout.err | tshark -r - > stdout.txt 2> stdout.tsh
if [ "$(wc -l < stdout.txt)" = "$want" ] && grep -q "^ok: " stdout.err && grep -q " Wire " stdout.err; then
    ok "--pcap - | tshark -r -: $want frames; the verdict and the trace went to stderr"
else
    fail "--pcap -: $(wc -l < stdout.txt) frames; $(head -c 300 stdout.tsh)"
fi
if command -v script >/dev/null; then
    script -qec "'$ns' run '$lesson' -q --pcap -" /dev/null > tty.out 2>&1
    rc=$?
    [ $rc -eq 2 ] && grep -q "standard output is a terminal" tty.out \
        && ok "--pcap - on a terminal: refused, exit 2" || fail "--pcap - on a terminal: exit $rc: $(cat tty.out)"
fi

# Signals: a long run (900,000 pings, one every 10 ms of simulated time:
# minutes of work) is stopped after a second; its captures are whole.
cat > long.scn <<'SCN'
title "a long run"
host alice 192.0.2.1/24
host bob 192.0.2.2/24
link alice bob delay 1ms
repeat 9 {
    repeat 100000 {
        ping alice bob count 1 interval 10ms
    }
}
SCN
stop_case() {  # stop_case SIG STATUS
    local sig=$1 want_rc=$2 pid rc n
    rm -rf "d$sig" "$sig.pcap" "$sig.pcapng"
    "$ns" run long.scn -q --pcap "$sig.pcap" --pcap-dir "d$sig" > "$sig.out" 2> "$sig.err" &
    pid=$!
    # wait until the run is under way (its capture has frames), then a second
    for _ in $(seq 1 300); do
        [ "$(stat -c %s "$sig.pcap.tmp" 2>/dev/null || echo 0)" -gt 4096 ] && break
        sleep 0.1
    done
    sleep 1
    kill "-$sig" $pid
    wait $pid
    rc=$?
    n=$(frames "$sig.pcap")
    local nd
    nd=$(frames "d$sig/alice-bob.pcap")
    if [ $rc -ne "$want_rc" ]; then
        fail "SIG$sig: exit $rc, want $want_rc: $(cat "$sig.err")"
    elif [ "$n" = error ] || [ "$n" -lt 2 ] || [ "$nd" != "$n" ]; then
        fail "SIG$sig: capture not whole: $n frames, $nd in the per-link file: $(cat tshark.err)"
    elif ls "$sig.pcap.tmp" "d$sig"/*.tmp > /dev/null 2>&1; then
        fail "SIG$sig: a .tmp was left"
    elif ! grep -qE "^netstep: stopped by SIG$sig at [0-9]+\.[0-9]{6} s of simulated time, in step [0-9]+ of 900000 \(long.scn line 7: ping alice bob" "$sig.err"; then
        fail "SIG$sig: stderr does not say where it stopped: $(cat "$sig.err")"
    else
        ok "SIG$sig: exit $rc, $n frames in each capture: $(cat "$sig.err")"
    fi
}
stop_case INT 130
stop_case TERM 143
stop_case HUP 129

# A storm: a broadcast circling two hubs joined twice, no delay anywhere.
cat > storm.scn <<'SCN'
title "a loop of two hubs"
host alice 192.0.2.1/24
host bob 192.0.2.2/24
hub h1
hub h2
link alice h1
link bob h2
link h1 h2 delay 0ms
link h1 h2 delay 0ms
ping alice 192.0.2.2
sleep 1s
SCN
timeout 120 "$ns" run storm.scn -q --pcap storm.pcap > storm.out 2> storm.err
rc=$?
msg=$(cat storm.err)
if [ $rc -ne 1 ]; then
    fail "storm: exit $rc, want 1: $msg"
elif [[ "$msg" != "netstep: error: the world halted on a storm: 1000000 events at 0.000000 s without the clock moving"* ]] \
    || [[ "$msg" != *"alice"* || "$msg" != *"h1-h2"* || "$msg" != *"the last frame: #"* ]] \
    || [[ "$msg" != *"storm.scn line 11: sleep 1s"* ]]; then
    fail "storm: the message does not name who and where: $msg"
elif [ "$(frames storm.pcap)" = error ]; then
    fail "storm: the capture is damaged: $(cat tshark.err)"
else
    ok "storm: exit 1: $msg"
fi
rm -f storm.pcap

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
