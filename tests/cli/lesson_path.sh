#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lesson_path.sh - where netstep looks for lessons: NETSTEP_SCENARIOS, then
# ../share/netstep/scenarios beside the program, then the source tree only
# for the program in its own build tree.   lesson_path.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/lesson_path
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
n_lessons=$(find "$src/scenarios" -name '*.scn' | wc -l)

# 1. The build tree's program, from elsewhere, with no variable: the checkout's lessons.
(cd / && env -u NETSTEP_SCENARIOS "$ns" list) > "$out/build.out" 2>&1
grep -q "^$n_lessons lessons" "$out/build.out" && ok "build tree: all $n_lessons lessons" ||
    bad "build tree: $(tail -1 "$out/build.out")"

# 2. NETSTEP_SCENARIOS wins: a teacher's folder of one lesson.
mkdir -p "$out/mine/udp"
printf 'title "my own echo"\nhost a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b\n' > "$out/mine/udp/mine.scn"
(cd / && NETSTEP_SCENARIOS="$out/mine" "$ns" list) > "$out/env.out" 2>&1
grep -q "udp/mine .*my own echo" "$out/env.out" && grep -q "^1 lessons" "$out/env.out" &&
    ok "NETSTEP_SCENARIOS: only the teacher's lesson" || bad "NETSTEP_SCENARIOS: $(cat "$out/env.out")"
(cd / && NETSTEP_SCENARIOS="$out/mine" "$ns" run udp/mine --quiet) > /dev/null 2>&1 &&
    ok "NETSTEP_SCENARIOS: run by name" || bad "NETSTEP_SCENARIOS: run udp/mine failed"

# 3. A copy of the program outside its build tree never reads the checkout:
#    without a share directory beside it, it says where it looked.
mkdir -p "$out/prefix/bin"
cp "$ns" "$out/prefix/bin/netstep"
(cd / && env -u NETSTEP_SCENARIOS "$out/prefix/bin/netstep" list) > "$out/copy.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "no lessons under $out/prefix/bin/../share/netstep/scenarios" "$out/copy.out" &&
    ok "a lone copy: exit 2, names the share directory" || bad "a lone copy: exit $rc: $(cat "$out/copy.out")"
(cd / && env -u NETSTEP_SCENARIOS "$out/prefix/bin/netstep" run udp/echo) > /dev/null 2>&1
[ $? -eq 2 ] && ok "a lone copy: udp/echo is not found in the checkout" || bad "a lone copy ran udp/echo"

# 4. ... and with one, reads that: two lessons copied there, found by name.
mkdir -p "$out/prefix/share/netstep/scenarios/tcp"
cp "$src/scenarios/tcp/handshake.scn" "$src/scenarios/tcp/data-and-ack.scn" \
   "$out/prefix/share/netstep/scenarios/tcp/"
(cd / && env -u NETSTEP_SCENARIOS "$out/prefix/bin/netstep" list) > "$out/share.out" 2>&1
grep -q "^2 lessons" "$out/share.out" && grep -q "tcp/handshake" "$out/share.out" &&
    ok "share directory beside the program: its 2 lessons" || bad "share: $(cat "$out/share.out")"
(cd / && env -u NETSTEP_SCENARIOS "$out/prefix/bin/netstep" run tcp/handshake --quiet) > "$out/run.out" 2>&1 &&
    ok "share directory: run tcp/handshake" || bad "share: run tcp/handshake: $(cat "$out/run.out")"
# The view resolves names the same way (off a terminal it prints the trace).
(cd / && env -u NETSTEP_SCENARIOS "$out/prefix/bin/netstep" ui tcp/handshake --dump 80x24) > "$out/ui.out" 2>&1 &&
    grep -q "TCP three-way handshake" "$out/ui.out" && ok "share directory: ui tcp/handshake" ||
    bad "share: ui tcp/handshake: $(head -3 "$out/ui.out")"
# A symlink to the program (as /usr/local/bin/netstep -> /opt/...) still finds them.
ln -s "$out/prefix/bin/netstep" "$out/link"
(cd / && env -u NETSTEP_SCENARIOS "$out/link" list) 2>&1 | grep -q "^2 lessons" &&
    ok "through a symlink: the real program's share directory" || bad "through a symlink"

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
