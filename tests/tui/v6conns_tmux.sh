#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# v6conns_tmux.sh - the connection table (T) speaks IPv6 (tmux, 120x36):
# tests/tui/v6conns.scn at its end shows alice's IPv6 connection to
# [2001:db8::2]:80, her IPv4 one to 192.0.2.2:80, and bob's two accepted
# connections on his AF_INET6 listener, the IPv4 peer written
# [::ffff:192.0.2.1]:PORT; none as 0.0.0.0 (golden 120x36_conns_v6).
# Exit 77 (skip) without tmux.
#   v6conns_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/v6conns
. "$src/tests/tui/lib/tmux.sh"
tmux_start v6conns

view_open 120 36 "$src/tests/tui/v6conns.scn" || tmux_finish
wait_for "event 1/" && { keys @; type "2.3s"; keys Enter; }
wait_for "t=2.3" && keys T
if wait_for "TCP connections"; then
    grep -q "0\.0\.0\.0" "$out/screen.txt" && fail "a connection is shown as 0.0.0.0"
    grep -q "49157>\[2001:db8::2\]:80 " "$out/screen.txt" && ok "alice's IPv6 connection: [2001:db8::2]:80" \
        || fail "alice's IPv6 connection is not shown as [2001:db8::2]:80"
    grep -q "80>\[::ffff:192\.0\.2\.1\]:49158 " "$out/screen.txt" \
        && ok "bob's IPv4 peer on a tcp6 socket: [::ffff:192.0.2.1]:49158" \
        || fail "bob's IPv4-mapped peer is not shown as [::ffff:192.0.2.1]:49158"
    check 120x36_conns_v6
fi

tmux_finish "all v6conns checks pass"
