#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# interop.sh - netstep against the Linux kernel over a TAP device, one case.
#
#   interop.sh CASE TAP_PEER OUTDIR [NETSTEP]
#
# CASE is one of ping_arp udp_echo tcp_echo tcp_send tcp_loss tcp_loss_echo
# closed_ports http land land_loop (tap_peer), or scenario_ping scenario_delay
# scenario_loss scenario_replay lesson_http (`netstep run` of a scenario,
# NETSTEP its binary).
# land sends the LAND SYN (source and destination both netstep's address and
# port 80) from the kernel's side and pings right after; land_loop sends it to
# a host made to believe it, as netstep once did, and the run must end anyway.
# The loss cases put 2% seeded loss, each direction, between netstep's host
# and the TAP device; netstep's host then runs with a 20 ms RTO floor (as
# `ip route ... rto_min 20ms` would give Linux): with RFC 6298's 1 s floor a
# sub-millisecond path with 2% loss crawls. The scenario_* cases set their
# impairments with the scenario's own `tap` statement.
# Each case makes its own network namespace holding one TAP device (the
# kernel's end, 192.0.2.1/24) and runs tap_peer (netstep's host, 192.0.2.2/24)
# and the kernel-side clients (kside.py, curl) inside it; every capture
# tap_peer writes must then pass tshark with checksum validation.
#
# Safety: nothing outside the namespace is touched (the TAP device is made
# inside it and dies with it), only 192.0.2.0/24 is used, and the namespace is
# removed on every exit path. Every command runs under `timeout`.
# Without root or /dev/net/tun the case is skipped (exit 77).
set -u
case=${1:?case}
peer=${2:?tap_peer}
out=${3:?outdir}
netstep=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
kside="$here/kside.py"
K=192.0.2.1      # the kernel's address on the TAP device
N=192.0.2.2      # netstep's host
NMAC=02:00:00:00:01:01
BYTES=$((20 * 1024 * 1024))
dev=nstap0

skip() {
    echo "SKIP interop/$case: $*"
    exit 77
}
fail() {
    echo "FAIL interop/$case: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root to make a network namespace and a TAP device (CI runs it as root; try: sudo ctest -L interop)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing (modprobe tun)"
for tool in ip python3 tshark timeout; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (scripts/install-deps.sh)"
done
case $case in http | lesson_http)
    command -v curl >/dev/null 2>&1 || skip "curl is not installed (scripts/install-deps.sh)" ;;
esac

mkdir -p "$out"
base="$out/$case"
rm -f "$base".*
ns="nsi-$case-$$"
peer_pid=
run_pid=
cleanup() {
    if [ -n "$run_pid" ]; then
        kill -TERM "$run_pid" 2>/dev/null
        wait "$run_pid" 2>/dev/null
    fi
    if [ -n "$peer_pid" ]; then
        [ -s "$base.pid" ] && kill -TERM "$(cat "$base.pid")" 2>/dev/null
        wait "$peer_pid" 2>/dev/null
    fi
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns" 2>"$base.ns.err" || skip "cannot make a network namespace: $(cat "$base.ns.err")"
nsx() { ip netns exec "$ns" "$@"; }
# No IPv6 chatter on the wire: the captures hold only what the test sends.
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
nsx ip link set lo up
nsx ip tuntap add dev $dev mode tap || fail "ip tuntap add failed"
nsx ip addr add $K/24 dev $dev
nsx ip link set $dev up

# tap_peer in the background as a server; waits until it says "ready".
start_serve() {  # PCAP [OPTIONS...]
    local pcap=$1
    shift
    # No `timeout` wrapper: its own --time bounds it. `ip netns exec` stays
    # as a parent, so the signal goes to tap_peer itself (its pid in a file).
    local popt=(--pcap "$pcap")
    [ -n "$pcap" ] || popt=()  # "": no capture
    rm -f "$base.pid"
    nsx sh -c 'echo $$ >"$0"; exec "$@"' "$base.pid" "$peer" --dev $dev "${popt[@]}" \
        --time 90 "$@" serve >"$base.serve.log" 2>&1 &
    peer_pid=$!
    for _ in $(seq 50); do
        grep -q '^ready' "$base.serve.log" && return 0
        kill -0 "$peer_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$base.serve.log" >&2
    fail "tap_peer serve did not start"
}
stop_serve() {
    kill -TERM "$(cat "$base.pid")" 2>/dev/null
    wait "$peer_pid"
    local rc=$?
    peer_pid=
    sed 's/^/    netstep: /' "$base.serve.log"
    [ $rc -eq 0 ] || fail "tap_peer serve exited $rc"
}
kside() {
    nsx timeout 60 python3 "$kside" "$@" || fail "kside.py $1 failed"
}

# count PCAP FILTER: frames of the capture that match a display filter.
count() {
    tshark -r "$1" -Y "$2" 2>/dev/null | wc -l
}
expect_some() {  # PCAP FILTER WHAT
    local n
    n=$(count "$1" "$2")
    [ "$n" -gt 0 ] || fail "no $3 in $(basename "$1") (filter: $2)"
    echo "ok   $3: $n frame(s)"
}
check_pcap() {  # PCAP
    local pcap=$1 frames bad
    [ -s "$pcap" ] || fail "no capture $pcap"
    frames=$(tshark -r "$pcap" 2>/dev/null | wc -l)
    [ "$frames" -gt 0 ] || fail "the capture $pcap holds no frame"
    # One exception, for the kernel's frames only: Linux updates checksums
    # incrementally and now and then sends a TCP checksum of 0xffff where a
    # full computation gives 0x0000. Both are one's-complement zero, every
    # receiver (netstep too) accepts it, and Wireshark flags it anyway ("see
    # RFC 1624"). netstep's own frames get no exception.
    local kffff="ip.src == $K && tcp.checksum == 0xffff && tcp.checksum_calculated == 0x0000"
    bad=$(tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE \
        -Y "_ws.malformed || ip.checksum.status == 0 || udp.checksum.status == 0 || (tcp.checksum.status == 0 && !($kffff)) || icmp.checksum.status == 0 || _ws.expert.severity == \"Error\"" \
        2>/dev/null)
    if [ -n "$bad" ]; then
        echo "$bad" | head -20 >&2
        fail "tshark found malformed frames or bad checksums in $(basename "$pcap")"
    fi
    local nffff
    nffff=$(tshark -r "$pcap" -o tcp.check_checksum:TRUE -Y "$kffff" 2>/dev/null | wc -l)
    echo "ok   $(basename "$pcap"): tshark reads $frames frames, checksums good, nothing malformed" \
        "($nffff kernel frame(s) with TCP checksum 0xffff for 0x0000)"
}
fins_both_ways() {  # PCAP
    expect_some "$1" "tcp.flags.fin == 1 && ip.src == $N" "FIN from netstep"
    expect_some "$1" "tcp.flags.fin == 1 && ip.src == $K" "FIN from the kernel"
}

# run_scenario OUT SCN [ARGS...]: netstep runs SCN inside the namespace.
run_scenario() {
    local log=$1
    shift
    nsx timeout 90 "$netstep" run "$@" >"$log" 2>&1
}
# fates TRACE DIR: one letter per frame that crossed the tap's wire in
# direction DIR ("to kernel" or "from kernel"), in order: x lost, . not.
fates() {
    awk -v dir="($2)" '
        $3 == "Wire" && $4 == "wire" && index($0, dir) { id[++n] = $5 }
        $3 == "Wire" && $4 == "drop" && $0 ~ /LINK_LOSS/ { lost[$5] = 1 }
        END { for (i = 1; i <= n; i++) printf "%s", (id[i] in lost) ? "x" : "." }' "$1"
}
# common_prefix A B: the length of the shorter of two fate files
common_prefix() {
    local a b
    a=$(wc -c <"$1")
    b=$(wc -c <"$2")
    echo $((a < b ? a : b))
}

case $case in
scenario_ping)
    # A scenario run with --tap: the runner's blocking wait must return when
    # the kernel's reply arrives, not when the step's one-second wait runs out.
    [ -x "$netstep" ] || fail "no netstep binary given"
    cat > "$base.scn" <<'SCN'
title "netstep pings the kernel through a TAP device"
host bob 192.0.2.2/24
ping bob 192.0.2.1 count 3 interval 100ms timeout 20s -> r
expect r contains "3 packets transmitted, 3 received"
SCN
    nsx timeout 50 "$netstep" run "$base.scn" --tap bob=$dev --pcap "$base.pcap" \
        >"$base.log" 2>&1 || { cat "$base.log" >&2; fail "the scenario failed over TAP"; }
    sed 's/^/    netstep: /' "$base.log" | grep -E "bytes from|transmitted"
    # Each reply is taken when it comes, not when the 20 s wait runs out: a
    # wait that ran out shows as a round trip of 20 s; half of it is a margin
    # no loaded machine comes near (this checks the wake-up, not speed).
    slow=$(grep -o 'time=[0-9.]* ms' "$base.log" | awk -F'[= ]' '$2 >= 10000' | wc -l)
    got=$(grep -c 'bytes from 192.0.2.1' "$base.log")
    [ "$got" -eq 3 ] || fail "expected 3 replies, got $got"
    [ "$slow" -eq 0 ] || fail "$slow replies were taken only when the wait ran out"
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "icmp.type == 0 && ip.src == $K" "echo replies from the kernel"
    ;;
ping_arp)
    # netstep pings the kernel: netstep's cache is empty, so it asks by ARP.
    nsx timeout 30 "$peer" --dev $dev --pcap "$base.1.pcap" --time 20 ping $K 3 \
        >"$base.ping.log" 2>&1 || { cat "$base.ping.log" >&2; fail "netstep's ping failed"; }
    sed 's/^/    netstep: /' "$base.ping.log"
    check_pcap "$base.1.pcap"
    expect_some "$base.1.pcap" "arp.opcode == 1 && eth.src == $NMAC && arp.dst.proto_ipv4 == $K" \
        "ARP request from netstep"
    expect_some "$base.1.pcap" "arp.opcode == 2 && arp.src.proto_ipv4 == $K" "ARP reply from the kernel"
    expect_some "$base.1.pcap" "icmp.type == 0 && ip.src == $K" "echo reply from the kernel"
    # The kernel pings netstep, after forgetting netstep's MAC, so it asks by ARP.
    nsx ip neigh flush dev $dev
    start_serve "$base.2.pcap"
    kside ping $N 3
    stop_serve
    check_pcap "$base.2.pcap"
    expect_some "$base.2.pcap" "arp.opcode == 1 && arp.src.proto_ipv4 == $K && arp.dst.proto_ipv4 == $N" \
        "ARP request from the kernel"
    expect_some "$base.2.pcap" "arp.opcode == 2 && eth.src == $NMAC" "ARP reply from netstep"
    expect_some "$base.2.pcap" "icmp.type == 0 && ip.src == $N" "echo reply from netstep"
    ;;
udp_echo)
    start_serve "$base.pcap"
    kside udp-echo $N 7
    stop_serve
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "ip.flags.mf == 1 && ip.src == $N" "fragmented echo from netstep"
    ;;
tcp_echo | tcp_loss_echo)
    opts=()
    [ "$case" = tcp_loss_echo ] && opts=(--loss 0.02 --seed 11 --rto-min-ms 20)
    start_serve "$base.pcap" "${opts[@]}"
    kside tcp-echo $N 7 $BYTES
    # The kernel closed first (shutdown after sending), so it holds TIME-WAIT.
    tw=$(nsx ss -Htan state time-wait "( sport = :7 or dport = :7 )" | grep -c "$N:7")
    [ "$tw" -ge 1 ] || fail "the kernel's end is not in TIME-WAIT"
    echo "ok   the kernel's end is in TIME-WAIT (it closed first)"
    stop_serve
    check_pcap "$base.pcap"
    fins_both_ways "$base.pcap"
    if [ "$case" = tcp_loss_echo ]; then
        grep -Eq 'lost to kernel, [1-9][0-9]* lost from kernel' "$base.serve.log" ||
            fail "no frame was lost: the loss did not act"
        expect_some "$base.pcap" "(tcp.analysis.retransmission || tcp.analysis.fast_retransmission) && ip.src == $K" \
            "retransmission by the kernel"
    fi
    rm -f "$base.pcap"  # 40 MB; the checks above passed
    ;;
tcp_send | tcp_loss)
    opts=()
    [ "$case" = tcp_loss ] && opts=(--loss 0.02 --seed 7 --rto-min-ms 20)
    nsx timeout 60 python3 "$kside" tcp-sink 5001 $BYTES >"$base.sink.log" 2>&1 &
    sink_pid=$!
    for _ in $(seq 50); do grep -q listening "$base.sink.log" && break; sleep 0.1; done
    nsx timeout 60 "$peer" --dev $dev --pcap "$base.pcap" --time 50 "${opts[@]}" \
        send $K 5001 $BYTES >"$base.send.log" 2>&1
    rc=$?
    sed 's/^/    netstep: /' "$base.send.log"
    wait $sink_pid || { cat "$base.sink.log" >&2; fail "the kernel's sink failed"; }
    cat "$base.sink.log"
    [ $rc -eq 0 ] || fail "netstep's send exited $rc (TIME_WAIT expected after closing first)"
    echo "ok   netstep's end is in TIME_WAIT (it closed first)"
    check_pcap "$base.pcap"
    fins_both_ways "$base.pcap"
    if [ "$case" = tcp_loss ]; then
        grep -Eq 'lost to kernel, [1-9][0-9]* lost from kernel' "$base.send.log" ||
            fail "no frame was lost: the loss did not act"
        expect_some "$base.pcap" "tcp.analysis.retransmission || tcp.analysis.fast_retransmission" \
            "retransmission"
    fi
    rm -f "$base.pcap"
    ;;
closed_ports)
    start_serve "$base.pcap"
    kside closed $N 9
    stop_serve
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "tcp.flags.reset == 1 && ip.src == $N && tcp.srcport == 9" "RST from netstep"
    expect_some "$base.pcap" "icmp.type == 3 && icmp.code == 3 && ip.src == $N" \
        "ICMP port unreachable from netstep"
    ;;
http)
    start_serve "$base.pcap"
    nsx timeout 20 curl -sS --max-time 10 -o "$base.body" -D "$base.headers" "http://$N/" ||
        fail "curl failed"
    stop_serve
    grep -q "Hello from netstep" "$base.body" || fail "curl got no page: $(head -c 200 "$base.body")"
    echo "ok   curl fetched $(wc -c <"$base.body") bytes: $(head -1 "$base.headers" | tr -d '\r')"
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "http.response.code == 200 && ip.src == $N" "HTTP 200 from netstep"
    ;;
scenario_delay)
    # `tap bob DEV delay 25ms` delays each direction: every round trip of
    # netstep's ping takes at least 2 x 25 ms of the (wall-clock) time.
    [ -x "$netstep" ] || fail "no netstep binary given"
    cat > "$base.scn" <<SCN
title "ping through a delaying TAP wire"
host bob $N/24
tap bob $dev delay 25ms rate 10Mbit
ping bob $K count 3 interval 100ms -> r
expect r contains "3 packets transmitted, 3 received"
SCN
    run_scenario "$base.log" "$base.scn" --pcap "$base.pcap" ||
        { cat "$base.log" >&2; fail "the scenario failed over TAP"; }
    grep -E "bytes from" "$base.log" | sed 's/^/    netstep: /'
    fast=$(grep -o 'time=[0-9.]* ms' "$base.log" | awk -F'[= ]' '$2 < 50' | wc -l)
    got=$(grep -c 'bytes from' "$base.log")
    [ "$got" -eq 3 ] || fail "expected 3 replies, got $got"
    [ "$fast" -eq 0 ] || fail "$fast round trips took less than the 2 x 25 ms the tap adds"
    echo "ok   every round trip took at least 50 ms (25 ms each way, set by the tap statement)"
    check_pcap "$base.pcap"
    ;;
scenario_replay)
    # The tap's impairments are seeded: with the same seed the Nth frame each
    # way meets the same fate (lost or not; a duplicate is a frame of its
    # own), with another seed other frames are hit. Compared by position, not
    # by content: right after the device comes up the kernel may leave the
    # first frame unanswered (its side is not running yet), which shifts what
    # follows but not the fates.
    [ -x "$netstep" ] || fail "no netstep binary given"
    cat > "$base.scn" <<SCN
title "ping through a lossy, duplicating TAP wire"
host bob $N/24
tap bob $dev loss 25% duplicate 10%
ping bob $K count 40 interval 10ms timeout 300ms -> r
SCN
    for run in a b c; do
        seed=3
        [ $run = c ] && seed=4
        run_scenario "$base.$run.log" "$base.scn" --seed $seed --trace --pcap "$base.$run.pcap" ||
            { tail -20 "$base.$run.log" >&2; fail "run $run failed"; }
        check_pcap "$base.$run.pcap"
        for d in to from; do
            fates "$base.$run.log" "$d kernel" >"$base.$run.$d"
        done
    done
    for d in to from; do
        n=$(common_prefix "$base.a.$d" "$base.b.$d")
        [ "$n" -ge 20 ] || fail "only $n frames $d the kernel in both runs"
        cmp -s <(head -c "$n" "$base.a.$d") <(head -c "$n" "$base.b.$d") ||
            fail "the same seed hit different frames $d the kernel: $(head -c "$n" "$base.a.$d") vs $(head -c "$n" "$base.b.$d")"
        lost=$(head -c "$n" "$base.a.$d" | tr -cd x | wc -c)
        [ "$lost" -gt 0 ] && [ "$lost" -lt "$n" ] || fail "$d the kernel: $lost of $n frames lost"
        echo "ok   seed 3 twice, $d the kernel: frames hit $(head -c "$n" "$base.a.$d") (x lost), the same both times"
    done
    m=$(common_prefix "$base.a.to" "$base.c.to")
    cmp -s <(head -c "$m" "$base.a.to") <(head -c "$m" "$base.c.to") &&
        fail "seeds 3 and 4 hit the same frames"
    echo "ok   seed 4 hits others: $(head -c "$m" "$base.c.to")"
    # the duplicates the tap made are on the wire too
    reqs=$(count "$base.a.pcap" "icmp.type == 8")
    seqs=$(tshark -r "$base.a.pcap" -Y "icmp.type == 8" -T fields -e icmp.seq 2>/dev/null | sort -u | wc -l)
    [ "$reqs" -gt "$seqs" ] || fail "$reqs echo requests for $seqs sequence numbers: the duplicate did not act"
    echo "ok   $reqs echo requests on the wire for $seqs sequence numbers: the tap duplicated some"
    ;;
scenario_loss)
    # netstep sends 20 MiB to the kernel through 2% loss each way, all set by
    # the scenario (its own tap statement and `set bob tcp.rto_min`); the
    # kernel's sink checks every byte (SHA-256 of the pattern).
    [ -x "$netstep" ] || fail "no netstep binary given"
    python3 "$kside" pattern-file "$base.chunk" $((BYTES / 20)) >/dev/null ||
        fail "cannot write the pattern file"
    cat > "$base.scn" <<SCN
title "20 MiB to the kernel through a lossy TAP wire"
seed 7
host bob $N/24
tap bob $dev loss 2%
set bob tcp.rto_min 20ms
bob: c = socket tcp
bob: connect c $K:5001
repeat 20 {
    bob: send c file "$(basename "$base.chunk")" timeout 60s
}
bob: shutdown c wr
bob: recv c all timeout 60s -> rest
expect rest length == 0
expect bob c tcb retransmits >= 1
bob: close c
expect bob c state TIME_WAIT
SCN
    nsx timeout 60 python3 "$kside" tcp-sink 5001 $BYTES >"$base.sink.log" 2>&1 &
    sink_pid=$!
    for _ in $(seq 50); do grep -q listening "$base.sink.log" && break; sleep 0.1; done
    run_scenario "$base.log" "$base.scn" --pcap "$base.pcap"
    rc=$?
    grep -E "expect|FAILED|ok:" "$base.log" | sed 's/^/    netstep: /'
    wait $sink_pid || { cat "$base.sink.log" >&2; fail "the kernel's sink failed"; }
    cat "$base.sink.log"
    [ $rc -eq 0 ] || { tail -20 "$base.log" >&2; fail "netstep run exited $rc"; }
    sent=$(for _ in $(seq 20); do cat "$base.chunk"; done | sha256sum | cut -c1-16)
    grep -q "sha256 $sent" "$base.sink.log" || fail "the kernel's SHA-256 is not that of what the scenario sent ($sent)"
    echo "ok   SHA-256 of what the scenario sent equals the kernel's: $sent..."
    check_pcap "$base.pcap"
    fins_both_ways "$base.pcap"
    expect_some "$base.pcap" "tcp.analysis.retransmission || tcp.analysis.fast_retransmission" \
        "retransmission"
    rm -f "$base.pcap" "$base.chunk"
    ;;
lesson_http)
    # The lesson scenarios/tap/http-server.scn as a student runs it: its own
    # `tap www nstap0`, no --tap; curl from the namespace fetches the page.
    [ -x "$netstep" ] || fail "no netstep binary given"
    lesson="$here/../../scenarios/tap/http-server.scn"
    nsx timeout 60 "$netstep" run "$lesson" --pcap "$base.pcap" >"$base.log" 2>&1 &
    run_pid=$!
    # In real time the runner flushes what it printed before it waits: the
    # lesson's `say` before its accept means www listens.
    ready='run curl http://192.0.2.2/ now'
    for _ in $(seq 100); do
        grep -q "$ready" "$base.log" && break
        kill -0 "$run_pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "$ready" "$base.log" || { cat "$base.log" >&2; fail "the lesson did not reach its accept"; }
    code=$(nsx timeout 20 curl -sS --max-time 10 -o "$base.body" -D "$base.headers" \
        -w '%{http_code}' "http://$N/") || fail "curl failed"
    wait "$run_pid"
    rc=$?
    run_pid=
    sed 's/^/    netstep: /' "$base.log"
    [ $rc -eq 0 ] || fail "the lesson exited $rc (an expect failed)"
    grep -q '^ok: [1-9][0-9]* expects held, 0 failed' "$base.log" || fail "the lesson's expects did not all hold"
    printf '<!doctype html>\n<title>netstep</title>\n<p>Hello from netstep, over a real wire.</p>\n' \
        >"$base.want"
    [ "$code" = 200 ] || fail "curl got HTTP status $code"
    [ "$(head -1 "$base.headers" | tr -d '\r')" = "HTTP/1.1 200 OK" ] ||
        fail "status line: $(head -1 "$base.headers")"
    grep -qi '^Content-Length: 84' "$base.headers" || fail "no Content-Length: 84 header"
    cmp -s "$base.want" "$base.body" || fail "the page differs: $(head -c 200 "$base.body")"
    echo "ok   curl: HTTP $code, $(wc -c <"$base.body") bytes, the page byte for byte"
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "arp.opcode == 1 && arp.src.proto_ipv4 == $K" "ARP request from the kernel"
    expect_some "$base.pcap" "http.request.method == \"GET\" && ip.src == $K" "curl's GET"
    expect_some "$base.pcap" "http.response.code == 200 && ip.src == $N" "HTTP 200 from netstep"
    fins_both_ways "$base.pcap"
    ;;
land)
    # The LAND attack over a real wire: a SYN from netstep's own address and
    # port to the same, sent by the kernel (hping3 -S -p 80 -a $N -s 80 -k $N
    # does the same). A source that is one of my own addresses did not come
    # from a wire [RFC 1122 3.2.1.3]: netstep drops it at IPv4, named
    # IPV4_OWN_SRC, answers nothing, and still answers a ping at once. Once it
    # answered itself over lo forever (1.3 million frames in 52 s).
    start_serve "$base.pcap"
    kside land $N 80
    kside ping $N 3
    stop_serve
    grep -q '^counter drop.IPV4_OWN_SRC 1$' "$base.serve.log" ||
        fail "netstep did not drop the LAND SYN as IPV4_OWN_SRC (once): $(grep '^counter drop' "$base.serve.log")"
    echo "ok   the LAND SYN was dropped with its named reason: drop.IPV4_OWN_SRC 1"
    grep -q '^counter icmp.tx.echo_reply 3$' "$base.serve.log" ||
        fail "netstep did not answer the 3 pings after the LAND SYN"
    grep -q '^halted' "$base.serve.log" && fail "the world halted: $(grep '^halted' "$base.serve.log")"
    echo "ok   3 echo replies right after it, and the run ended normally"
    check_pcap "$base.pcap"
    expect_some "$base.pcap" "tcp.flags.syn == 1 && ip.src == $N && ip.dst == $N && tcp.srcport == 80 && tcp.dstport == 80" \
        "LAND SYN on the wire"
    # The only TCP segment from netstep's address on the wire is the LAND
    # SYN itself: no SYN-ACK, no RST, no ACK went out (to itself or anyone).
    n=$(count "$base.pcap" "tcp && ip.src == $N")
    [ "$n" -eq 1 ] || fail "$n TCP segments from $N on the wire; only the LAND SYN itself belongs there"
    echo "ok   netstep sent no TCP segment in answer"
    expect_some "$base.pcap" "icmp.type == 0 && ip.src == $N" "echo reply from netstep"
    ;;
land_loop)
    # The old bug re-created: tap_peer hands the LAND SYN to its host's lo as
    # well (--believe-own-src), so the host answers itself there, SYN-ACK,
    # ACK, "not acceptable, send an ACK", with no delay anywhere. In TAP mode
    # the clock follows the wall clock, yet the world must still see the
    # storm (no event waits for anything) and halt in bounded time, naming
    # the host and the last frame.
    # No capture: a million frames over lo would only slow the loop down.
    start_serve "" --believe-own-src 1
    kside land $N 80
    t0=$(date +%s)
    for _ in $(seq 600); do
        kill -0 "$peer_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$peer_pid" 2>/dev/null && fail "the loop did not end within 60 s of the LAND SYN"
    wait "$peer_pid"
    rc=$?
    peer_pid=
    secs=$(($(date +%s) - t0))
    grep -E '^(believed|halted)' "$base.serve.log" | cut -c1-400 | sed 's/^/    netstep: /'
    grep -q '^believed' "$base.serve.log" || fail "the LAND SYN never reached the host"
    [ $rc -eq 3 ] || fail "tap_peer exited $rc, want 3 (halted on a storm)"
    grep -q '^halted: a storm: 1000000 events in a row from .* each due before the one before it ran' \
        "$base.serve.log" || fail "no storm halt in TAP mode: $(grep '^halted' "$base.serve.log")"
    grep '^halted' "$base.serve.log" | grep -q 'handled by netstep [0-9]*; frames by lo ' ||
        fail "the halt does not name the host and its lo"
    grep '^halted' "$base.serve.log" | grep -q "the last frame: #[0-9]* IP $N\.80 > $N\.80: " ||
        fail "the halt does not name the looping frame"
    echo "ok   the LAND loop halted as a storm ${secs}s after the SYN, naming netstep, lo and the last frame"
    ;;
*)
    fail "unknown case (ping_arp udp_echo tcp_echo tcp_send tcp_loss tcp_loss_echo closed_ports http land land_loop scenario_ping scenario_delay scenario_replay scenario_loss lesson_http)"
    ;;
esac
echo "PASS interop/$case"
exit 0
