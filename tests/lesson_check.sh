#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lesson_check.sh - run one lesson headless and check everything it promises.
#
#   lesson_check.sh NETSTEP FILE.scn OUTDIR
#
# 1. The lesson runs and every expect holds (exit 0).
# 2. Its capture reads back in tshark with checksum validation on, with no
#    malformed frame, no bad checksum and no expert error.
# 3. A second run with the same seed gives a byte-identical trace and capture.
# 4. The trace equals the lesson's golden, tests/golden/<dir>-<name>.trace
#    (scripts/regen-goldens.sh rewrites them when a change is intended).
# A lesson on a real TAP device (a `tap` statement, scenarios/tap/) cannot run
# headless: it needs a network namespace with the kernel on the other side of
# the device, and it follows the wall clock, so it has no golden trace. Here
# it is only checked (`netstep check` opens no device); the interop tests
# (ctest -L interop, tests/interop/interop.sh lesson_*) run it for real.
set -u
netstep=$1
scn=$2
outdir=$3
mkdir -p "$outdir"
name=$(basename "$(dirname "$scn")")-$(basename "${scn%.scn}")
base="$outdir/$name"
case $outdir in /*) ;; *) base="$PWD/$base" ;; esac
case $netstep in /*) ;; *) netstep="$PWD/$netstep" ;; esac
golden="$(cd "$(dirname "$0")" && pwd)/golden/$name.trace"
# Run in the lesson's folder, so the trace names the file, not a path.
lessondir=$(dirname "$scn")
file=$(basename "$scn")

fail() {
    echo "FAIL $name: $*" >&2
    exit 1
}

checked=$(cd "$lessondir" && "$netstep" check "$file" 2>&1) || {
    echo "$checked" >&2
    fail "netstep check rejects it"
}
case $checked in *"TAP device"*)
    echo "ok   $name: $checked"
    echo "ok   $name: a TAP lesson: checked here, run over a real TAP device by ctest -L interop"
    exit 0
    ;;
esac

(cd "$lessondir" && "$netstep" run "$file" --trace --pcap "$base.1.pcap") > "$base.1.trace" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    tail -n 40 "$base.1.trace" >&2
    fail "netstep exited $rc (expects or errors above)"
fi
echo "ok   $name: expects hold ($(grep -c ' ok$' "$base.1.trace") checked)"

(cd "$lessondir" && "$netstep" run "$file" --trace --pcap "$base.2.pcap") > "$base.2.trace" 2>&1 \
    || fail "second run exited $?"
cmp -s "$base.1.trace" "$base.2.trace" || {
    diff "$base.1.trace" "$base.2.trace" | head -20 >&2
    fail "two runs with the same seed gave different traces"
}
cmp -s "$base.1.pcap" "$base.2.pcap" || fail "two runs with the same seed gave different captures"
echo "ok   $name: deterministic (trace and capture byte-identical)"

[ -e "$golden" ] || fail "no golden trace $golden (scripts/regen-goldens.sh writes it)"
cmp -s "$golden" "$base.1.trace" || {
    diff -u "$golden" "$base.1.trace" | head -40 >&2
    fail "the trace differs from its golden (if the change is intended, run scripts/regen-goldens.sh and commit the goldens with it)"
}
echo "ok   $name: trace equals tests/golden/$name.trace"

command -v tshark >/dev/null 2>&1 || fail "tshark is not installed (scripts/install-deps.sh installs it)"
frames=$(tshark -r "$base.1.pcap" 2>/dev/null | wc -l)
[ "$frames" -gt 0 ] || fail "the capture holds no frame"
checks=(-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE)
bad=$(tshark -r "$base.1.pcap" "${checks[@]}" \
    -Y '_ws.malformed || ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0 || _ws.expert.severity == "Error"' \
    2>"$base.tshark.err")
grep -v 'Running as user "root"' "$base.tshark.err" | grep -q . && {
    cat "$base.tshark.err" >&2
    fail "tshark could not read the capture"
}
if [ -n "$bad" ]; then
    echo "$bad" | head -20 >&2
    fail "tshark found malformed frames, bad checksums or expert errors"
fi
echo "ok   $name: tshark reads $frames frames, checksums good, nothing malformed"
