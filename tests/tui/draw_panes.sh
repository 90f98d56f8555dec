#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# draw_panes.sh - the view's ladder, plot and map panes (issue 13, item 4) against
# golden screens, at 80x24 and 120x36, with box drawing and braille and with
# the ASCII fallback. The screens come from `netstep ui --dump WxH --keys`,
# the same renderer the terminal shows, so no terminal is needed. Beyond the
# goldens: the ladder follows the cursor (a step later, the lit row is a
# later frame) and the plot's cursor column moves right as time passes.
#   draw_panes.sh NETSTEP SRCDIR OUTDIR       (UPDATE_GOLDEN=1 rewrites them)
set -u
ns=$1; src=$2; out=$3/draw_panes
golden=$src/tests/tui/golden
rm -rf "$out"; mkdir -p "$out"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

screen() {  # screen NAME LESSON SIZE KEYS [--ascii]
    local name=$1 lesson=$2 size=$3 keys=$4; shift 4
    # the first key (Enter) closes the lesson's introduction card
    "$ns" ui "$src/scenarios/$lesson.scn" --dump "$size" --keys "\\n$keys" "$@" \
        > "$out/$name.txt" 2> "$out/$name.err"
    local rc=$?
    if [ $rc -ne 0 ] || [ -s "$out/$name.err" ]; then
        fail "$name: netstep ui --dump exited $rc"; cat "$out/$name.err"; return
    fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$out/$name.txt" "$golden/$name.txt"; echo "updated $name"; return
    fi
    if diff -u "$golden/$name.txt" "$out/$name.txt" > "$out/$name.diff"; then
        ok "$name"
    else
        fail "$name differs from the golden screen:"; sed 's/^/    /' "$out/$name.diff" | head -40
    fi
}

# the handshake's ladder, the cursor on bob's SYN-ACK (14 steps in: the lesson asks two questions before connect)
screen 80x24_ladder tcp/handshake 80x24 "ssssssssssssssnnnnnnnnnnL"
screen 120x36_ladder tcp/handshake 120x36 "ssssssssssssssnnnnnnnnnnL"
screen 80x24_ladder_ascii tcp/handshake 80x24 "ssssssssssssssnnnnnnnnnnL" --ascii
# lost datagrams: their arrows end in a cross (after the pings that fill the
# ARP caches, on the sendto() of datagram 4)
screen 120x36_ladder_lossy udp/lossy 120x36 "ssssssssssssssssssL"
# the congestion lesson's four senders, the cursor at 0.53 s, 190 ms into the
# transfers, during the recoveries (@ jumps)
screen 80x24_plot tcp/congestion-side-by-side 80x24 '@530ms\nC'
screen 120x36_plot tcp/congestion-side-by-side 120x36 '@530ms\nC'
screen 120x36_plot_ascii tcp/congestion-side-by-side 120x36 '@530ms\nC' --ascii

# the map: traceroute's chain of routers; the fast-retransmit burst on its link
screen 120x36_map ip/traceroute 120x36 '@38ms\nnnnnM'
screen 80x24_map tcp/fast-retransmit 80x24 '@110ms\nM'
screen 80x24_map_ascii tcp/fast-retransmit 80x24 '@110ms\nM' --ascii

# The ladder follows the cursor: the lit row (the one with the mark) moves
# to a later time as the cursor steps on.
lit_time() { grep -a '▶' "$1" | grep -v '^ netstep' | tail -1 | sed 's/^│\([0-9.]*\).*/\1/'; }
"$ns" ui "$src/scenarios/tcp/handshake.scn" --dump 120x36 --keys '\n@20ms\nL' > "$out/a.txt"
"$ns" ui "$src/scenarios/tcp/handshake.scn" --dump 120x36 --keys '\n@130ms\nL' > "$out/b.txt"
ta=$(lit_time "$out/a.txt"); tb=$(lit_time "$out/b.txt")
if [ -n "$ta" ] && [ -n "$tb" ] && python3 -c "import sys; sys.exit(0 if float('$tb') > float('$ta') else 1)"; then
    ok "ladder: the lit row moves from t=$ta to t=$tb as the cursor steps on"
else
    fail "ladder: the lit row did not follow the cursor ($ta, $tb)"
fi
# the plot's cursor column: further right later in the lesson
col_of() { python3 - "$1" <<'PY'
import sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if "bytes" in l]
print(rows[-1].index("│", 9) if rows else -1)
PY
}
"$ns" ui "$src/scenarios/tcp/congestion-side-by-side.scn" --dump 120x36 --keys '\n@300ms\nC' > "$out/p1.txt"
"$ns" ui "$src/scenarios/tcp/congestion-side-by-side.scn" --dump 120x36 --keys '\nGC' > "$out/p2.txt"
c1=$(col_of "$out/p1.txt"); c2=$(col_of "$out/p2.txt")
[ "$c1" -gt 0 ] && [ "$c2" -gt "$c1" ] && ok "plot: the cursor's column moves right ($c1 -> $c2)" \
    || fail "plot: the cursor's column did not move right ($c1, $c2)"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all screens match"
