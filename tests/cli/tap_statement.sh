#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tap_statement.sh - the `tap` statement and --tap on the command line, without
# a TAP device: `netstep check` accepts a TAP scenario and opens nothing; a run
# whose device cannot be opened stops with FILE:LINE:COL: error and exit 2
# before any step; --tap misuse exits 2.   tap_statement.sh NETSTEP SRCDIR OUTDIR
#
# The device used is `lo`: it exists everywhere and is not a TAP device, so
# attaching fails and nothing is created. As root (where a missing name would
# be created) the run happens in a network namespace of its own (unshare -n)
# when unshare is there. The real runs are tests/interop/interop.sh.
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
check() {  # check NAME WANT_RC CMD...   (stdout in $out/NAME.out, stderr in NAME.err)
    local name=$1 want=$2; shift 2
    "$@" > "$out/$name.out" 2> "$out/$name.err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$out/$name.out" "$out/$name.err" | head -5
        failures=$((failures + 1))
    else
        echo "ok   $name: exit $rc"
    fi
}
says() {  # says NAME out|err TEXT: that stream of NAME contains TEXT
    if grep -qF -- "$3" "$out/$1.$2"; then echo "ok   $1 says '$3'"; else
        echo "FAIL $1 ($2) does not say '$3':"; sed 's/^/    /' "$out/$1.$2" | head -5
        failures=$((failures + 1)); fi
}
isolate=()
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    isolate=(unshare -n)
fi

cat > "$out/t.scn" <<'SCN'
host bob 192.0.2.2/24
host alice 192.0.2.1/24
tap bob lo loss 2% delay 1ms
ping bob 192.0.2.1 -> r
SCN
cat > "$out/bad.scn" <<'SCN'
host bob 192.0.2.2/24
tap bbo nstap0
SCN

check check_tap 0 "$ns" check "$out/t.scn"
says check_tap out "t.scn: ok (2 hosts, 0 links, 1 TAP device, 1 steps)"
check check_lesson 0 "$ns" check "$src/scenarios/tap/http-server.scn"
says check_lesson out "ok (1 hosts, 0 links, 1 TAP device,"

check run_no_device 2 "${isolate[@]}" "$ns" run "$out/t.scn"
says run_no_device err "t.scn:3:1: error: cannot put bob's eth0 on TAP device lo: "
if grep -qE "lo exists but is not a TAP device|cannot open /dev/net/tun" "$out/run_no_device.err"; then
    echo "ok   run_no_device says why"
else
    echo "FAIL run_no_device does not say why:"; sed 's/^/    /' "$out/run_no_device.err"
    failures=$((failures + 1))
fi
if [ -s "$out/run_no_device.out" ]; then
    echo "FAIL run_no_device ran something:"; head -3 "$out/run_no_device.out"
    failures=$((failures + 1))
else
    echo "ok   run_no_device ran no step"
fi

check run_bad_tap 2 "$ns" run "$out/bad.scn"
says run_bad_tap err "bad.scn:2:5: error: unknown host 'bbo' (did you mean 'bob'?)"
check tap_arg_no_eq 2 "$ns" run "$src/scenarios/udp/echo.scn" --tap bob
says tap_arg_no_eq err "--tap needs HOST=DEV, not 'bob'"
check tap_arg_no_host 2 "$ns" run "$src/scenarios/udp/echo.scn" --tap zed=lo
says tap_arg_no_host err "netstep: --tap zed=lo: no host 'zed' in "
check list 0 "$ns" list
says list out "tap/http-server"

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
