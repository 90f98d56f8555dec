#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# view_tap.sh - the view runs live on a TAP device: the kernel pings a host
# of netstep's and the ICMP echo events appear on the screen as they happen.
#
#   view_tap.sh NETSTEP SRCDIR OUTDIR
#
# In a network namespace the test makes and removes (a TAP device nstap0, the
# kernel's end 192.0.2.1/24), `netstep ui --tap bob=nstap0` runs in tmux with
# bob (192.0.2.2) on the device. The kernel pings bob three times (kside.py):
# the screen must show the requests arrive and the replies leave, the cursor
# following the newest event; with the cursor moved to the first event, more
# frames must grow the log without moving it; `q` must end the view.
#
# Safety: nothing outside the namespace is touched (the device is made inside
# it and dies with it), only 192.0.2.0/24 is used, the namespace is removed on
# every exit path, and every command is bounded by `timeout` or a poll limit.
# Without root, /dev/net/tun or tmux the test is skipped (exit 77).
set -u
netstep=${1:?netstep}
src=${2:?srcdir}
out=${3:?outdir}/view_tap
kside="$src/tests/interop/kside.py"
K=192.0.2.1
N=192.0.2.2
dev=nstap0

skip() {
    echo "SKIP interop/view_tap: $*"
    exit 77
}
fail() {
    echo "FAIL interop/view_tap: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || skip "needs root to make a network namespace and a TAP device (CI runs it as root; try: sudo ctest -L interop)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing (modprobe tun)"
for tool in ip python3 timeout tmux; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (scripts/install-deps.sh)"
done

mkdir -p "$out"
ns="nsv-view-$$"
sock="netstep-view-tap-$$"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns" 2>"$out/ns.err" || skip "cannot make a network namespace: $(cat "$out/ns.err")"
nsx() { ip netns exec "$ns" "$@"; }
# No IPv6 chatter on the wire: the screen shows only what the test sends.
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
nsx ip link set lo up
nsx ip tuntap add dev $dev mode tap || fail "ip tuntap add failed"
nsx ip addr add $K/24 dev $dev
nsx ip link set $dev up

cat > "$out/tap.scn" <<'SCN'
title "bob on a TAP device"
host bob 192.0.2.2/24
say "bob is on a real wire: ping him from the namespace."
SCN

# wait_for TEXT: poll until the pane shows TEXT and two captures agree.
wait_for() {
    local want=$1 prev="" cur
    for _ in $(seq 1 200); do
        cur=$(tm capture-pane -p -t view 2>/dev/null)
        if [[ "$cur" == *"$want"* && "$cur" == "$prev" ]]; then
            printf '%s\n' "$cur" > "$out/screen.txt"
            echo "ok   the screen shows '$want'"
            return 0
        fi
        prev=$cur
        sleep 0.05
    done
    printf '%s\n' "$cur" > "$out/screen.txt"
    echo "last screen:"
    sed 's/^/    /' "$out/screen.txt"
    fail "the screen never showed '$want'"
}
# The header's "event I/N".
event_pos() { tm capture-pane -p -t view | head -1 | grep -o 'event [0-9]*/[0-9]*'; }
kping() {
    nsx timeout 30 python3 "$kside" ping $N "$1" > "$out/ping.log" 2>&1 ||
        { cat "$out/ping.log"; fail "the kernel's ping of netstep's bob failed"; }
    cat "$out/ping.log"
}

tm new-session -d -s keep "sleep 300" || fail "tmux would not start"
tm new-session -d -s view -x 160 -y 48 \
    "ip netns exec $ns $netstep ui $out/tap.scn --tap bob=$dev 2>$out/view.err; sleep 30" ||
    fail "the view would not start"
tm set-option -t view status off >/dev/null
wait_for "step 1/1  LIVE"
wait_for "bob is on a real wire"

# The kernel pings: first ARP, then three echoes, each on the screen as it
# comes. The cursor was on the last event, so it follows the newest.
kping 3
wait_for "ICMP echo reply, id"
wait_for "seq 3, length 64 on bob-$dev (to kernel)"
pos=$(event_pos)
[[ "$pos" =~ event\ ([0-9]+)/([0-9]+) ]] || fail "no event position in the header"
[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || fail "the cursor did not follow: $pos"
echo "ok   the cursor followed the newest event ($pos)"
# The requests came in: filter the ICMP layer and look at the first one.
tm send-keys -t view / i c m p Enter g
wait_for "ICMP   in    #"
wait_for "echo request"

# The cursor put on the first event stays there while the log grows.
tm send-keys -t view / Enter g
wait_for "event 1/"
before=$(event_pos)
kping 1
for _ in $(seq 1 100); do
    [ "$(event_pos)" != "$before" ] && break
    sleep 0.05
done
after=$(event_pos)
[[ "$after" =~ event\ 1/([0-9]+) ]] || fail "the cursor moved: $before, then $after"
[ "${after#event 1/}" -gt "${before#event 1/}" ] || fail "the log did not grow: $before, then $after"
echo "ok   the cursor stayed on event 1 while the log grew ($before -> $after)"

tm send-keys -t view q
for _ in $(seq 1 100); do
    [ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] && break
    sleep 0.05
done
[ "$(tm display-message -p -t view '#{pane_current_command}')" = sleep ] || fail "q did not end the view"
[ ! -s "$out/view.err" ] || { cat "$out/view.err"; fail "the view said something on stderr"; }
echo "PASS interop/view_tap"
exit 0
