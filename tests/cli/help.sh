#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# help.sh - the first things a newcomer reads: --help says what netstep does,
# every command takes --help and exits 0, `ui` off a terminal prints the
# trace instead of hanging, and the man page names every option the program
# takes and every variable it reads.   help.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
check() {  # check NAME WANT_RC CMD...   (stdout in $out/NAME.out, stderr in .err)
    local name=$1 want=$2; shift 2
    timeout 60 "$@" > "$out/$name.out" 2> "$out/$name.err" < /dev/null
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$name: exit $rc, want $want"; head -5 "$out/$name.err" | sed 's/^/    /'
    else
        ok "$name"
    fi
}
has() {  # has NAME FILE-SUFFIX TEXT
    if grep -qF -- "$3" "$out/$1.$2"; then ok "$1 says '$3'"; else bad "$1 does not say '$3'"; fi
}

check help 0 "$ns" --help
has help out "runs a small simulated network"
has help out "on a terminal the same as 'ui FILE'"
has help out "'run FILE --trace'"
has help out "NETSTEP_SCENARIOS"
has help out "NO_COLOR"
for cmd in run ui check quiz list draw packetdrill; do
    check "${cmd}_help" 0 "$ns" "$cmd" --help
    has "${cmd}_help" out "usage: netstep"
    check "${cmd}_h" 0 "$ns" "$cmd" -h
done
check version 0 "$ns" --version
grep -qE '^netstep [0-9]+\.[0-9]+\.[0-9]+$' "$out/version.out" && ok "version is netstep X.Y.Z" ||
    bad "version prints '$(cat "$out/version.out")'"
# The version comes from project(VERSION) alone; NEWS must have its entry.
version=$(awk '{ print $2 }' "$out/version.out")
grep -qE "^$version \(" "$src/NEWS" && ok "NEWS has an entry for $version" || bad "NEWS has no entry for $version"

# `netstep ui` (and so `make demo`) off a terminal: say so, print the trace,
# exit as run does; view-only options are accepted and do not matter.
check ui_no_tty 0 "$ns" ui udp/echo
has ui_no_tty err "the view needs a terminal"
has ui_no_tty out "UDP    out   #1 5000 > 7"
has ui_no_tty out "ok: 7 expects held, 0 failed"
check ui_no_tty_opts 0 "$ns" ui udp/echo --model osi --theme=mono -a --seed 7
has ui_no_tty_opts out "seed 7"
check ui_no_tty_fail 2 "$ns" ui "$out/no-such.scn"
check ui_dump 0 "$ns" ui udp/echo --dump 80x24
has ui_dump out "script"

# The man page covers every option of run and the view, and the variables.
opts=$( { "$ns" --help; "$ns" ui --help; } | grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ -n "$opts" ] || bad "no options found in --help"
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\-/g')
    if grep -qF -- "$esc" "$src/docs/netstep.1"; then ok "netstep.1 has $o"; else bad "netstep.1 lacks $o"; fi
done
for v in NETSTEP_SCENARIOS NO_COLOR; do
    sed -n '/^\.SH ENVIRONMENT/,/^\.SH FILES/p' "$src/docs/netstep.1" | grep -q "^\.B $v" &&
        ok "netstep.1 ENVIRONMENT has $v" || bad "netstep.1 ENVIRONMENT lacks $v"
done
for v in high-contrast mono osi tcpip; do
    grep -qF -- "$(printf '%s' "$v" | sed 's/-/\\-/g')" "$src/docs/netstep.1" &&
        ok "netstep.1 names the value $v" || bad "netstep.1 lacks the value $v"
done

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
