#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# conns_tmux.sh - the congestion lesson's numbers on a 120x36 screen (tmux):
# tcp/congestion-side-by-side at 0.5 s with T shows every connection's cwnd
# and ssthresh at once, in one table, equal to the TCB the event log holds
# for it as of the cursor's event (run --json). Exit 77 (skip) without tmux.
#   conns_tmux.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/conns
. "$src/tests/tui/lib/tmux.sh"
tmux_start conns

# --- the congestion lesson's numbers at 120x36 ---------------------------
cc=$src/scenarios/tcp/congestion-side-by-side.scn
(cd "$src/scenarios/tcp" && "$ns" run congestion-side-by-side.scn --json) > "$out/cc.jsonl" 2>/dev/null
view_open 120 36 "$cc" || tmux_finish
wait_for "about this lesson" && keys Enter
wait_for "event 1/" && { keys @; type "0.5s"; keys Enter; }
wait_for "t=0.5" && keys T
if wait_for "TCP connections"; then
    python3 - "$out/screen.txt" "$out/cc.jsonl" <<'PY' || failures=$((failures + 1))
import json, re, sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
cursor = int(re.search(r"event (\d+)/", rows[0]).group(1)) - 1
tcb = {}
for line in open(sys.argv[2], encoding="utf-8"):
    if not line.startswith("{"):
        continue
    ev = json.loads(line)
    if ev["i"] > cursor:
        break
    t = ev.get("tcb")
    if t:
        tcb[(ev["host"], t["lport"], t["faddr"], t["fport"])] = t
bad = seen = 0
hosts = set()
for r in rows:
    m = re.match(r"│ (\S+)\s+(\d+)>([\d.]+):(\d+)\s+(\S+)\s+(\d+)\s+(\d+|inf)\s", r)
    if not m:
        continue
    host, lport, faddr, fport, state, cwnd, ssthresh = m.groups()
    seen += 1
    hosts.add(host)
    t = tcb.get((host, int(lport), faddr, int(fport)))
    want_ss = "inf" if t and t["ssthresh"] >= 0x7fffffff else str(t["ssthresh"]) if t else None
    if t is None or int(cwnd) != t["cwnd"] or ssthresh != want_ss:
        bad += 1
        print("FAIL %s: cwnd %s ssthresh %s on screen, the log says %s" % (host, cwnd, ssthresh,
              (t["cwnd"], t["ssthresh"]) if t else "no TCB"))
need = {"tahoe_a", "reno_a", "newreno_a", "cubic_a", "tahoe_b", "reno_b", "newreno_b", "cubic_b"}
if not need <= hosts:
    bad += 1
    print("FAIL not every connection is on screen: %s" % sorted(need - hosts))
if bad == 0:
    print("ok   120x36: cwnd and ssthresh of all %d connections on one screen, as the log has them at event %d" % (seen, cursor + 1))
sys.exit(1 if bad else 0)
PY
fi

tmux_finish "all conns checks pass"
