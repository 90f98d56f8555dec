#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# big_worlds.sh - worlds beyond the documentation ranges: a scenario of
# 10,000 hosts built by counted repeats in 10.0.0.0/8 runs with every expect
# holding; world statements inside a repeat need a counter; a host on a TAP
# device must keep to the documentation ranges (in the file and with --tap);
# and the lessons under scenarios/ use documentation addresses only (a rule
# for lessons, checked here, not a rule of the language).
#   big_worlds.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3
mkdir -p "$out"
failures=0
check() {  # check NAME WANT_RC CMD...   (stdout+stderr kept in $out/NAME.log)
    local name=$1 want=$2; shift 2
    "$@" > "$out/$name.log" 2>&1
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want"; sed 's/^/    /' "$out/$name.log" | tail -15
        failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}
has() {  # has NAME TEXT: the log of NAME contains TEXT
    if grep -qF -- "$2" "$out/$1.log"; then echo "ok   $1 says '$2'"; else
        echo "FAIL $1 does not say '$2'"; failures=$((failures + 1)); fi
}

# 10,000 hosts: built, run, every expect held, in seconds of CPU.
start=$(date +%s)
check ten_thousand 0 "$ns" run "$src/tests/data/scale/ten-thousand-hosts.scn"
has ten_thousand "ok: 4 expects held, 0 failed"
check ten_thousand_check 0 "$ns" check "$src/tests/data/scale/ten-thousand-hosts.scn"
has ten_thousand_check "ok (10000 hosts, 10100 links"
echo "     (10,000 hosts: $(( $(date +%s) - start )) s of wall time for both)"

# World statements in repeats: with a counter yes, without no; tap never.
cat > "$out/plain_repeat.scn" <<'SCN'
switch sw
repeat 3 {
    host h 10.0.0.1/8
}
SCN
check plain_repeat 2 "$ns" check "$out/plain_repeat.scn"
has plain_repeat "plain_repeat.scn:3:5: error: host inside a repeat needs a counter"
cat > "$out/tap_repeat.scn" <<'SCN'
repeat 2 as i {
    host h$i 192.0.2.$i/24
    tap h$i nstap$i
}
SCN
check tap_repeat 2 "$ns" check "$out/tap_repeat.scn"
has tap_repeat "tap_repeat.scn:3:5: error: tap cannot be inside a repeat"
cat > "$out/sites.scn" <<'SCN'
switch core
repeat 2 as s {
    router r$s 10.$s.0.254/16 172.16.0.$s/24
    switch sw$s
    link r$s sw$s
    link r$s:eth1 core
    repeat 2 as i {
        host h$s-$i 10.$s.1.$i/16
        link h$s-$i sw$s
    }
}
h1-2: s = socket udp
h1-2: sendto s h1-1:9 "next door"
SCN
check sites 0 "$ns" run "$out/sites.scn"
has sites "h1-2: sendto s h1-1:9 \"next door\""
check sites_check 0 "$ns" check "$out/sites.scn"
has sites_check "ok (6 hosts, 8 links, 2 steps)"

# A host on a TAP device keeps to the documentation ranges.
cat > "$out/tap_private.scn" <<'SCN'
host bob 10.1.2.3/8
tap bob nstap9
SCN
check tap_private 2 "$ns" check "$out/tap_private.scn"
has tap_private "tap_private.scn:2:5: error: bob's eth0 is 10.1.2.3: a host on a TAP device"
cat > "$out/tap_arg_private.scn" <<'SCN'
host bob 10.1.2.3/8
SCN
check tap_arg_private 2 "$ns" run "$out/tap_arg_private.scn" --tap bob=nstap9
has tap_arg_private "--tap bob=nstap9: bob's eth0 is 10.1.2.3; a host on a TAP device"

# Its IPv6 address too (2001:db8::/32 [RFC 3849]); it once went unchecked.
cat > "$out/tap_private6.scn" <<'SCN'
host bob 192.0.2.2/24 2600:1f18::1/64
tap bob nstap9
SCN
check tap_private6 2 "$ns" check "$out/tap_private6.scn"
has tap_private6 "tap_private6.scn:2:5: error: bob's eth0 is 2600:1f18::1: a host on a TAP device reaches a real kernel, so it keeps to the documentation prefix 2001:db8::/32 [RFC 3849]"
cat > "$out/tap_arg_private6.scn" <<'SCN'
host bob 192.0.2.2/24 2600:1f18::1/64
SCN
check tap_arg_private6b 2 "$ns" run "$out/tap_arg_private6.scn" --tap bob=nstap9
has tap_arg_private6b "--tap bob=nstap9: bob's eth0 is 2600:1f18::1; a host on a TAP device reaches a real kernel, so it keeps to the documentation prefix 2001:db8::/32 [RFC 3849]"
cat > "$out/tap_doc6.scn" <<'SCN'
host bob 192.0.2.2/24 2001:db8::2/64
tap bob nstap9
SCN
check tap_doc6 0 "$ns" check "$out/tap_doc6.scn"

# Lessons use documentation addresses only: every dotted quad in a lesson
# (RFC section numbers such as [RFC 9293 3.10.7.4] aside) is in
# 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24, or one of the special
# addresses a lesson talks about (loopback, any, broadcast, multicast).
bad=$(find "$src/scenarios" -name '*.scn' -print0 | xargs -0 grep -HnoE \
        '(RFC [0-9]+ )?\b[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\b' |
      grep -vE ':RFC [0-9]+ ' |
      grep -vE ':(192\.0\.2|198\.51\.100|203\.0\.113)\.[0-9]+$' |
      grep -vE ':(127\.[0-9.]+|0\.0\.0\.0|255\.255\.255\.255|22[4-9]\.[0-9.]+|23[0-9]\.[0-9.]+)$')
n_lessons=$(find "$src/scenarios" -name '*.scn' | wc -l)
if [ -n "$bad" ] || [ "$n_lessons" -lt 10 ]; then
    echo "FAIL lessons use addresses outside the documentation ranges (or none found):"
    echo "$bad" | sed 's/^/    /'
    failures=$((failures + 1))
else
    echo "ok   $n_lessons lessons use documentation addresses only"
fi
# ... and the check itself sees an address that breaks the rule.
if printf 'host a 10.0.0.1/8\n' | grep -oE '\b[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\b' |
   grep -qvE '^(192\.0\.2|198\.51\.100|203\.0\.113)\.'; then
    echo "ok   the lesson check sees 10.0.0.1"
else
    echo "FAIL the lesson check does not see 10.0.0.1"; failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
