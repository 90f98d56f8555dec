#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# usage.sh - the command line: help, version, list, and exit 2 with usage on
# every misuse.   usage.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
check() {  # check NAME WANT_RC CMD...   (stdout+stderr kept in $out/NAME.log)
    local name=$1 want=$2; shift 2
    "$@" > "$out/$name.log" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$out/$name.log" | head -5
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}
has() {  # has NAME TEXT: the log of NAME contains TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "ok   $1 says '$2'"; else
        echo "FAIL $1 does not say '$2'"; failures=$((failures + 1)); fi
}
check no_args 2 "$ns";                     has no_args "usage: netstep run FILE"
check help 0 "$ns" --help;                 has help "usage: netstep run FILE"
check version 0 "$ns" --version;           has version "netstep "
check bad_option 2 "$ns" --frobnicate;     has bad_option "unknown option '--frobnicate'"
check run_no_file 2 "$ns" run;             has run_no_file "run needs exactly one scenario file"
check run_two_files 2 "$ns" run a.scn b.scn
check run_bad_flag 2 "$ns" run "$src/scenarios/udp/echo.scn" --bogus
check run_bad_seed 2 "$ns" run "$src/scenarios/udp/echo.scn" --seed banana
has run_bad_seed "--seed needs a number, not 'banana'"
check run_missing_file 2 "$ns" run "$out/no-such-file.scn"
has run_missing_file "no-such-file.scn: error: cannot open"
check check_no_file 2 "$ns" check
check unknown_command 2 "$ns" frobnicate;  has unknown_command "no command or scenario file 'frobnicate'"
check list 0 "$ns" list
for l in link/arp ip/ping udp/echo udp/port-unreachable udp/lossy; do has list "$l"; done
check check_lessons 0 "$ns" check "$src"/scenarios/*/*.scn
check by_name 0 "$ns" run udp/echo --quiet
# A pcap that cannot be written is an error before anything runs, and leaves no file.
check pcap_unwritable 2 "$ns" run "$src/scenarios/udp/echo.scn" --pcap "$out/no/such/dir/x.pcap"
[ ! -e "$out/no/such/dir/x.pcap" ] && echo "ok   no half-written capture" || { echo "FAIL capture left behind"; failures=$((failures + 1)); }
echo
echo "$failures failed"
[ "$failures" -eq 0 ]
