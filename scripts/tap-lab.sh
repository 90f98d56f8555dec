#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tap-lab.sh - a network namespace with a TAP device, for netstep's TAP mode.
#
#   sudo scripts/tap-lab.sh [--dev NAME] [--ns NAME] [--user USER] [--minutes N]
#
# Makes namespace `netstep-lab` holding TAP device `nstap0` with the kernel's
# end at 192.0.2.1/24 (a documentation range, RFC 5737), owned by USER (the
# user who ran sudo) so netstep attaches to it without root. Then checks that
# USER can open /dev/net/tun (where it is mode 0600 only root can, and the
# kernel never gets as far as asking who owns the device) and, if not, says
# what root can do about it once. Prints how to start netstep on the device
# and how to ping, curl or nc from the namespace, then waits (Enter, Ctrl-C,
# or --minutes, default 60) and removes everything: the device lives inside
# the namespace and dies with it.
#
# Root is needed here (a namespace, a device) and to enter the namespace
# (`sudo ip netns exec`, which then drops back to USER with `sudo -u`);
# netstep itself never needs it.
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
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
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
netstep=netstep
[ -x "$here/build/netstep" ] && netstep=$here/build/netstep
tap_peer="$here/build/tests/tap_peer"

# Can USER open /dev/net/tun? Owning the device is not enough if the file's
# mode keeps USER out; then say what to do instead of letting netstep fail.
as_user=""
if [ "$user" != root ] && [ "$(id -u "$user" 2>/dev/null)" != 0 ]; then
    if runuser -u "$user" -- sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
        as_user="sudo -u $user "
    else
        mode=$(stat -c '%A %U:%G' /dev/net/tun)
        cat <<EOF
tap-lab: $user cannot open /dev/net/tun ($mode), so netstep cannot attach
  to $dev as $user even though $user owns it. Either, as root, once:
    chmod 0666 /dev/net/tun            (until the next boot; Debian's default mode:
                                        opening it grants nothing by itself, only the
                                        owner of a device or CAP_NET_ADMIN may attach)
    echo 'KERNEL=="tun", MODE="0666"' > /etc/udev/rules.d/60-netstep-tun.rules
                                       (for good, from the next boot)
  or run netstep as root inside the namespace. Until then the commands
  below run it as root.

EOF
    fi
fi

cat <<EOF
tap-lab: namespace $ns is up.
  the kernel:  $dev 192.0.2.1/24 (inside $ns only), owned by $user
  netstep:     give its host an address in 192.0.2.0/24, e.g. 192.0.2.2

Start netstep inside the namespace (sudo enters it; netstep runs as ${as_user:+$user}${as_user:-root}):
  sudo ip netns exec $ns ${as_user}$netstep run tap/http-server --trace
                                                   (the lesson: a web server on port 80)
  sudo ip netns exec $ns ${as_user}$netstep ui tap/http-server
  sudo ip netns exec $ns ${as_user}$netstep run FILE.scn --tap bob=$dev --trace
  sudo ip netns exec $ns ${as_user}$tap_peer --dev $dev serve   (from a build tree)

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
