#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tap_lab.sh - scripts/tap-lab.sh makes a TAP device owned by the user it is
# told, inside its own namespace; says plainly whether that user can open
# /dev/net/tun and what root can do once if not; and removes it all.
#   tap_lab.sh NETSTEP SRCDIR OUTDIR
# Root, ip and /dev/net/tun, or skipped (77). Touches nothing outside a
# namespace of its own (a unique name) that it removes.
set -u
src=$2; out=$3/tap_lab
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (a namespace and a TAP device)"; exit 77; }
command -v ip >/dev/null || { echo "skip: no ip (iproute2)"; exit 77; }
[ -c /dev/net/tun ] || { echo "skip: no /dev/net/tun"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "skip: no user nobody"; exit 77; }
rm -rf "$out"; mkdir -p "$out"
ns=nstest-lab-$$; dev=nstl$$
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
trap 'ip netns del "$ns" 2>/dev/null' EXIT

# Enter after 3 s: meanwhile look at the device.
(sleep 3; echo) | "$src/scripts/tap-lab.sh" --ns "$ns" --dev "$dev" --user nobody --minutes 1 \
    > "$out/lab.out" 2>&1 &
pid=$!
sleep 1.5
ip netns exec "$ns" ip -d link show "$dev" > "$out/link.out" 2>&1
grep -q "tun type tap" "$out/link.out" && grep -qE "user (nobody|65534)" "$out/link.out" &&
    ok "$dev is a TAP device owned by nobody, inside $ns" || bad "device: $(cat "$out/link.out")"
ip link show "$dev" > /dev/null 2>&1 && bad "$dev is visible outside the namespace"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] && ok "tap-lab.sh exits 0" || bad "tap-lab.sh exit $rc"
if runuser -u nobody -- sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
    grep -q "sudo -u nobody" "$out/lab.out" && ok "/dev/net/tun is open to nobody: netstep runs as nobody" ||
        bad "no 'sudo -u nobody' in the commands"
else
    grep -q "nobody cannot open /dev/net/tun" "$out/lab.out" && grep -q "chmod 0666 /dev/net/tun" "$out/lab.out" &&
        ok "/dev/net/tun is closed to nobody: said so, and what root can do" ||
        bad "the closed /dev/net/tun was not explained"
fi
grep -q "removed namespace $ns" "$out/lab.out" && ok "says it removed $ns" || bad "no removal message"
ip netns list | grep -qw "$ns" && bad "namespace $ns is still there" || ok "namespace $ns is gone"
[ "$failures" -ne 0 ] && sed 's/^/    | /' "$out/lab.out"
echo "$failures failed"
[ "$failures" -eq 0 ]
