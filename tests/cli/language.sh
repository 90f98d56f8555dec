#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# language.sh - the v1 statements run end to end: background calls and wait,
# at, repeat, include, TCP calls, the new expects, --step and --pause, and
# the errors only the runner finds.
#   language.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
data=$src/tests/data
mkdir -p "$out"
failures=0
check() {  # check NAME WANT_RC CMD...   (stdout+stderr kept in $out/NAME.log)
    local name=$1 want=$2; shift 2
    "$@" > "$out/$name.log" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$out/$name.log" | tail -15
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}
has() {  # has NAME TEXT: the log of NAME contains TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "ok   $1 says '$2'"; else
        echo "FAIL $1 does not say '$2'"; failures=$((failures + 1)); fi
}
hasnt() {
    if grep -qF -- "$2" "$out/$1.log"; then echo "FAIL $1 says '$2'"; failures=$((failures + 1));
    else echo "ok   $1 does not say '$2'"; fi
}

# Every expect in these files holds.
check background 0 "$ns" run "$data/run/background.scn"
has background "bob:   recv s 100 -> d &                           => 2 bytes: \"hi\"  (background, line 9)"
has background "ok: 11 expects held, 0 failed"
check tcp 0 "$ns" run "$data/run/tcp.scn"
has tcp "ok: 12 expects held, 0 failed"
check include 0 "$ns" run "$data/include/main.scn"

# An expect scheduled past the end of the script fails.
check never_ran 1 "$ns" run "$data/run/never_ran.scn"
has never_ran "never_ran.scn:3: at 10s expect time == 10s: never ran, the script ended at 1.000000 s (an expect that never ran fails)"

# Include errors: exit 2, nothing runs.
check include_cycle 2 "$ns" run "$data/include/loop-a.scn"
has include_cycle "loop-b.scn:3:9: error: 'loop-a.scn' is already being included"

# pause: ignored headless, waits for a line with --pause.
check pause_headless 0 "$ns" run "$data/run/pause.scn"
hasnt pause_headless "-- pause"
check pause_flag 0 sh -c "printf '\n' | '$ns' run '$data/run/pause.scn' --pause"
has pause_flag "-- pause: look at the screen -- press Enter to go on"

# --step: one step per line of input, each followed by the trace it caused;
# at the end of the input the rest runs without stopping.
check step 0 sh -c "printf '\n\n' | '$ns' run '$data/include/main.scn' --step"
has step "-- step 1/4, line 4: bob: s = socket udp"
has step "-- step 2/4, line 5: bob: bind s 7"
has step "-- step 3/4, line 6: ping alice bob"
hasnt step "-- step 4/4"
has step "ICMP echo reply"
n=$(grep -c '^-- step' "$out/step.log")
[ "$n" -eq 3 ] && echo "ok   step prompted three times (the third met the end of input)" \
    || { echo "FAIL step prompted $n times"; failures=$((failures + 1)); }

# Warnings go to stderr and do not stop the run.
printf 'host a 192.0.2.1/24\nhost b 192.0.2.2/24\na: s = socket udp\nping a b timeout 10ms\n' > "$out/warn.scn"
check warnings 0 "$ns" check "$out/warn.scn"
has warnings "warn.scn:3:4: warning: socket 's' on a is never used after it is made"
has warnings "warn.scn:4:1: warning: a and b have no path between them (no chain of links joins them), so this traffic cannot arrive"

# A misspelt TCB field: `check` finds it, pointing at the word itself.
printf 'host a 192.0.2.1/24\na: t = socket tcp\nexpect a t tcb cwd == 1\n' > "$out/tcb.scn"
check tcb_field 2 "$ns" check "$out/tcb.scn"
has tcb_field "tcb.scn:3:16: error: unknown TCB field 'cwd' (did you mean 'cwnd'?"

# Errors only the runner finds, before anything runs.
printf 'host a 192.0.2.1/24\ndrop 3rd arp to a len > 0\n' > "$out/drop.scn"
check drop_rule 2 "$ns" run "$out/drop.scn"
has drop_rule "drop.scn:2:1: error: a per-packet rule's len needs ip, icmp, udp, tcp, ip6 or icmp6 before it"

# Issue 4's done-when: traceroute prints the hop list a real traceroute -n
# prints for the lesson's topology (three routers, then bob).
check traceroute 0 "$ns" run "$src/scenarios/ip/traceroute.scn"
has traceroute "traceroute to 203.0.113.2 (203.0.113.2), 30 hops max, 60 byte packets"
has traceroute " 1  192.0.2.254  8.000 ms  4.000 ms  4.000 ms"
has traceroute " 2  198.51.100.2  44.000 ms  24.000 ms  24.000 ms"
has traceroute " 3  198.51.100.6  64.000 ms  44.000 ms  44.000 ms"
has traceroute " 4  203.0.113.2  52.000 ms  48.000 ms  48.000 ms"

# Link down/up at a time, and a duplicate rule on a switched segment: the
# rule about a's frames sits on a's link only, so the 2nd request arrives
# twice (not three times), and the 3rd dies on the downed link.
cat > "$out/faults.scn" <<'EOF2'
host a 192.0.2.1/24
host b 192.0.2.2/24
switch sw
link a sw delay 1ms
link b sw delay 1ms
at 1500ms link a sw down
at 2500ms link sw a up
duplicate 2nd icmp from a
ping a b count 4 interval 1s timeout 100ms -> p
expect p contains "4 packets transmitted, 3 received"
expect b counter icmp.rx.echo_request == 4
EOF2
check faults 0 "$ns" run "$out/faults.scn"
has faults "duplicate 2nd icmp from a                          => armed on 1 link"
has faults "no answer yet for icmp_seq=3"
has faults "ok: 2 expects held, 0 failed"

# ping prints what Linux's ping prints for ICMP errors and DF.
check ttl_expiry 0 "$ns" run "$src/scenarios/ip/ttl-expiry.scn"
has ttl_expiry "From 192.0.2.254 icmp_seq=1 Time to live exceeded"
has ttl_expiry "From 198.51.100.2 icmp_seq=1 Time to live exceeded"
has ttl_expiry "64 bytes from 203.0.113.2: icmp_seq=1 ttl=62 time=16.000 ms"
check path_mtu 0 "$ns" run "$src/scenarios/ip/path-mtu.scn"
has path_mtu "ping: local error: message too long, mtu=576"
check no_route 0 "$ns" run "$src/scenarios/ip/no-route.scn"
has no_route "From 192.0.2.254 icmp_seq=1 Destination Net Unreachable"
has no_route "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 12ms"

# The manual pages render without a single groff warning.
if command -v groff >/dev/null 2>&1; then
    for m in "$src/docs/netstep.1" "$src/docs/netstep-scenario.5"; do
        w=$(groff -man -ww -z "$m" 2>&1)
        [ -z "$w" ] && echo "ok   $(basename "$m") renders cleanly" \
            || { echo "FAIL $(basename "$m"): $w"; failures=$((failures + 1)); }
    done
fi

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
