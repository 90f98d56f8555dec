#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# v6socks_tmux.sh - the sockets pane speaks IPv6 (tmux, 160x48):
# tests/tui/v6conns.scn at its end, its sockets written as `ss -tan` writes
# them: bob's AF_INET6 listener [::]:80 with no peer [::]:*, alice's IPv6
# socket [2001:db8::1]:49157 [2001:db8::2]:80, bob's accepted ones, the IPv4
# peer of his tcp6 listener as [::ffff:192.0.2.1]:49158; none as 0.0.0.0
# (golden 160x48_sockets_v6). Exit 77 (skip) without tmux.
#   v6socks_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/v6socks
. "$src/tests/tui/lib/tmux.sh"
tmux_start v6socks

view_open 160 48 "$src/tests/tui/v6conns.scn" || tmux_finish
wait_for "event 1/" && { keys @; type "2.3s"; keys Enter; }
wait_for "t=2.3" && keys Tab Tab Tab
if wait_for "LISTEN"; then
    grep -q "0\.0\.0\.0" "$out/screen.txt" && fail "a socket is shown as 0.0.0.0"
    grep -q "LISTEN \[::\]:80 \[::\]:\*" "$out/screen.txt" \
        && ok "bob's tcp6 listener: [::]:80 [::]:*" \
        || fail "bob's tcp6 listener is not shown as [::]:80 [::]:*"
    grep -q "\[2001:db8::1\]:49157 \[2001:db8::2\]:80" "$out/screen.txt" \
        && ok "alice's IPv6 socket: [2001:db8::1]:49157 [2001:db8::2]:80" \
        || fail "alice's IPv6 socket is not shown as [2001:db8::1]:49157 [2001:db8::2]:80"
fi
# down to bob's sockets accept() made: one IPv6, one IPv4 peer of his tcp6
# listener; their ends too wide for one line, one line each
keys Down Down Down Down Down
if wait_for "::ffff:192.0.2.1"; then
    grep -q "0\.0\.0\.0" "$out/screen.txt" && fail "a socket is shown as 0.0.0.0"
    grep -q "\[2001:db8::2\]:80 \[2001:db8::1\]:49157" "$out/screen.txt" \
        && ok "bob's IPv6 socket: [2001:db8::2]:80 [2001:db8::1]:49157" \
        || fail "bob's IPv6 socket is not shown as [2001:db8::2]:80 [2001:db8::1]:49157"
    grep -q "\[::ffff:192\.0\.2\.2\]:80 *│" "$out/screen.txt" \
        && grep -q "\[::ffff:192\.0\.2\.1\]:49158 *│" "$out/screen.txt" \
        && ok "bob's IPv4 peer on a tcp6 socket: [::ffff:192.0.2.2]:80 [::ffff:192.0.2.1]:49158" \
        || fail "bob's IPv4-mapped socket is not shown as [::ffff:192.0.2.2]:80 [::ffff:192.0.2.1]:49158"
    check 160x48_sockets_v6
fi

tmux_finish "all v6socks checks pass"
