#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# pd_compare.sh - `netstep packetdrill --compare P1,P2`: one script answered
# by two personalities, the lines whose outcome differs side by side (the
# lesson of docs/packetdrill.md, "Two stacks, one script").
#   pd_compare.sh NETSTEP SRCDIR OUTDIR
#
# retransmit.pkt: freebsd (TCPTV_MIN 30 ms) retransmits at 0.14 s, linux
# (TCP_RTO_MIN 200 ms) at 0.31 s, netstep (RFC 6298's 1 s) at 1.11 s as the
# script says; handshake.pkt: the freebsd personality lays the SYN-ACK's
# options out as tcp_addoptions() does and the script's run stops there,
# the lines after it not run; close.pkt: no line differs; linux-wscale.pkt:
# the linux personality's window scale (7, for tcp_rmem's max); the same
# comparison twice is byte-identical; bad arguments are a usage error;
# `netstep ui FILE.pkt` off a terminal runs the script with its trace.
set -u
ns=$1; src=$2; out=$3/pd_compare
mkdir -p "$out"
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
        echo "FAIL $1 does not say '$2'"; sed 's/^/    /' "$out/$1.log" | head -12
        failures=$((failures + 1)); fi
}
hasnt() {  # hasnt NAME TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "FAIL $1 says '$2'"
        failures=$((failures + 1)); else echo "ok   $1 does not say '$2'"; fi
}

# the retransmission timer: three minimum RTOs, one line apart
check rto 0 "$ns" packetdrill --compare freebsd,linux "$good/retransmit.pkt"
has rto "retransmit.pkt: freebsd FAIL, linux FAIL"
has rto "line  freebsd"
has rto "| linux"
has rto "but happened at 0.140000 sec"
has rto "but happened at 0.310000 sec"
has rto "1 of 13 lines differ"
check rto_netstep 0 "$ns" packetdrill --compare netstep,linux "$good/retransmit.pkt"
has rto_netstep "retransmit.pkt: netstep pass, linux FAIL"
has rto_netstep "netstep sent at 1.110000 s P. 1:101(100) ack 1"
# a row starts with its script line, the two cells split by " | "
if grep -qE '^21 +netstep sent at 1\.110000 s .* \| MISMATCH: timing error' "$out/rto_netstep.log"; then
    echo "ok   rto_netstep: line 21 side by side"
else
    echo "FAIL rto_netstep: line 21 is not netstep's send beside linux's mismatch"
    failures=$((failures + 1))
fi

# the options' layout: freebsd's run stops at the SYN-ACK, the rest not run
check layout 0 "$ns" packetdrill --compare netstep,freebsd "$good/handshake.pkt"
has layout "handshake.pkt: netstep pass, freebsd FAIL"
has layout "MISMATCH: bad outbound TCP options"
has layout "nop,wscale 6,sackOK,TS val"
has layout "(not run: the run stopped before)"
has layout "4 of 11 lines differ"
# the same personalities agree on every line
check same 0 "$ns" packetdrill --compare netstep,freebsd "$good/close.pkt"
has same "close.pkt: netstep pass, freebsd pass"
has same "0 of 16 lines differ"
hasnt same "MISMATCH"

# deterministic: the same comparison twice, byte for byte
check again 0 "$ns" packetdrill --compare netstep,freebsd "$good/handshake.pkt"
if cmp -s "$out/layout.log" "$out/again.log"; then echo "ok   the comparison replays"; else
    echo "FAIL the same comparison printed something else"; failures=$((failures + 1)); fi

# the linux personality's window scale: chosen for tcp_rmem's max
pers=$src/tests/packetdrill/personality
check linux_wscale 0 "$ns" packetdrill --personality linux "$pers/linux-wscale.pkt"
has linux_wscale "linux-wscale.pkt: pass"
check netstep_wscale 1 "$ns" packetdrill "$pers/linux-wscale.pkt"
has netstep_wscale "linux-wscale.pkt:19: error handling packet: bad outbound TCP options"
has netstep_wscale "nop,wscale 2>"
check wscale_side 0 "$ns" packetdrill --compare netstep,linux "$pers/linux-wscale.pkt"
has wscale_side "linux-wscale.pkt: netstep FAIL, linux pass"

# `netstep ui FILE.pkt` off a terminal: the script's run with its trace
check ui_trace 1 "$ns" ui --personality freebsd --model osi "$good/handshake.pkt"
has ui_trace "the view needs a terminal; here is the script's run and trace"
has ui_trace "handshake.pkt: FAIL"
has ui_trace "TCP    out"
check ui_trace_pass 0 "$ns" ui "$good/handshake.pkt" --seed 2
has ui_trace_pass "handshake.pkt: pass"

# usage
check one_name 2 "$ns" packetdrill --compare netstep "$good/close.pkt"
has one_name "--compare needs two personalities"
check unknown 2 "$ns" packetdrill --compare netstep,solaris "$good/close.pkt"
check with_personality 2 "$ns" packetdrill --compare netstep,linux --personality linux "$good/close.pkt"

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
