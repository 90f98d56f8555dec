#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bounded_input.sh - a scenario file that cannot be one is refused at once
# (issue 11, item 8): a device, a FIFO, a directory, or a file larger than
# 16 MiB gives "FILE: error: ..." on stderr and exit 2 within a second,
# never a read that goes on until memory runs out or waits for a writer.
# An `include` of such a file is refused the same way, at its line.
#   bounded_input.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/bounded_input
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

refused() {  # refused WHAT-IT-IS CMD FILE [WANT-IN-MESSAGE]
    local what=$1 cmd=$2 file=$3 want=${4:-}
    local t0 t1 rc msg
    t0=$(date +%s%N)
    timeout 5 "$ns" "$cmd" "$file" > "$out/stdout" 2> "$out/stderr" < /dev/null
    rc=$?
    t1=$(date +%s%N)
    msg=$(head -n 1 "$out/stderr")
    local ms=$(( (t1 - t0) / 1000000 ))
    if [ $rc -ne 2 ]; then
        fail "$cmd $what: exit $rc, want 2 ($msg)"
    elif [ $ms -ge 1000 ]; then
        fail "$cmd $what: took $ms ms, want under a second"
    elif [[ "$msg" != "$file: error: "* ]]; then
        fail "$cmd $what: message is not 'FILE: error: ...': $msg"
    elif [ -n "$want" ] && [[ "$msg" != *"$want"* ]]; then
        fail "$cmd $what: message does not say '$want': $msg"
    elif [ -s "$out/stdout" ]; then
        fail "$cmd $what: something ran (stdout not empty)"
    else
        ok "$cmd $what: exit 2 in $ms ms: $msg"
    fi
}

refused "/dev/urandom" check /dev/urandom "not a regular file (a character device)"
refused "/dev/zero" run /dev/zero "not a regular file (a character device)"
refused "a directory" check "$out" "not a regular file (a directory)"
mkfifo "$out/fifo.scn"
refused "a FIFO nobody writes to" run "$out/fifo.scn" "not a regular file (a FIFO or pipe)"

# The bound is 16 MiB: a comment-only file just over it is refused, one of
# exactly 16 MiB is read (and parses: comments only, no hosts).
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '#' > "$out/big.scn"
refused "of 16 MiB + 1 byte" check "$out/big.scn" "larger than 16 MiB"
{ head -c $((16 * 1024 * 1024 - 1)) /dev/zero | tr '\0' '#'; echo; } > "$out/edge.scn"
timeout 10 "$ns" check "$out/edge.scn" > "$out/stdout" 2> "$out/stderr"
rc=$?
if grep -q "larger than" "$out/stderr"; then
    fail "a file of exactly 16 MiB was refused as too large (exit $rc)"
else
    ok "a file of exactly 16 MiB is read (exit $rc)"
fi
rm -f "$out/big.scn" "$out/edge.scn"

# An include of a device is refused at the include line.
printf 'include "/dev/zero"\n' > "$out/inc.scn"
timeout 5 "$ns" check "$out/inc.scn" > "$out/stdout" 2> "$out/stderr"
rc=$?
msg=$(head -n 1 "$out/stderr")
if [ $rc -eq 2 ] && [[ "$msg" == "$out/inc.scn:1:"*"error: "*"not a regular file"* ]]; then
    ok "include of /dev/zero: $msg"
else
    fail "include of /dev/zero: exit $rc: $msg"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
