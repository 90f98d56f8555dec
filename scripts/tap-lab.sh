#!/usr/bin/env bash
# tap-lab.sh - a network namespace with a TAP device, for netstep's TAP mode.
#
#   sudo scripts/tap-lab.sh [--dev NAME] [--ns NAME] [--user USER] [--minutes N]
#
# Makes namespace `netstep-lab` holding TAP device `nstap0` with the kernel's
# end at 192.0.2.1/24 (a documentation range, RFC 5737), owned by USER (the
# user who ran sudo) so netstep attaches to it without root. Prints how to
# start netstep on it and how to ping, curl or nc from the namespace, then
# waits (Enter, Ctrl-C, or --minutes, default 60) and removes everything:
# the device lives inside the namespace and dies with it.
#
# Safety: nothing outside the namespace is created or changed; no route,
# address or forwarding leaves it, so nothing reaches beyond 192.0.2.0/24.
# netstep must run inside the namespace too (ip netns exec), because a TAP
# device is attached by name in the opener's namespace.
set -u
dev=nstap0
ns=netstep-lab
user=${SUDO_USER:-$(id -un)}
minutes=60
while [ $# -gt 0 ]; do
    case $1 in
    --dev) dev=$2; shift 2 ;;
    --ns) ns=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "tap-lab: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "tap-lab: run as root (sudo): it makes a namespace and a TAP device" >&2; exit 2; }
[ -c /dev/net/tun ] || { echo "tap-lab: /dev/net/tun is missing (modprobe tun)" >&2; exit 2; }
ip netns list | grep -qw "^$ns" && { echo "tap-lab: namespace $ns exists already (ip netns del $ns)" >&2; exit 2; }

cleanup() {
    ip netns del "$ns" 2>/dev/null && echo "tap-lab: removed namespace $ns and $dev"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" || exit 1
nsx() { ip netns exec "$ns" "$@"; }
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
nsx ip link set lo up
nsx ip tuntap add dev "$dev" mode tap user "$user" || exit 1
nsx ip addr add 192.0.2.1/24 dev "$dev"
nsx ip link set "$dev" up

here=$(cd "$(dirname "$0")/.." && pwd)
cat <<EOF
tap-lab: namespace $ns is up.
  the kernel:  $dev 192.0.2.1/24 (inside $ns only), owned by $user
  netstep:     give its host an address in 192.0.2.0/24, e.g. 192.0.2.2

Start netstep inside the namespace (as $user, no root needed for the device):
  sudo ip netns exec $ns sudo -u $user $here/build/netstep run tap/http-server --trace
                                                   (the lesson: a web server on port 80)
  sudo ip netns exec $ns sudo -u $user $here/build/tests/tap_peer --dev $dev serve
  sudo ip netns exec $ns sudo -u $user $here/build/netstep run FILE.scn --tap bob=$dev --trace

Then, from another terminal, be the kernel:
  sudo ip netns exec $ns ping -c 3 192.0.2.2          (if ping is installed)
  sudo ip netns exec $ns curl http://192.0.2.2/        (the lesson, or tap_peer serve: HTTP on 80)
  sudo ip netns exec $ns nc 192.0.2.2 7                (TCP echo on 7)
  sudo ip netns exec $ns nc -u 192.0.2.2 7             (UDP echo on 7)
  sudo ip netns exec $ns tcpdump -ni $dev              (the kernel's view of the wire)
Add --pcap FILE to tap_peer or netstep run for netstep's own capture.

Press Enter (or Ctrl-C) to remove everything; it goes by itself after $minutes minutes.
EOF
read -r -t $((minutes * 60)) _ || true
