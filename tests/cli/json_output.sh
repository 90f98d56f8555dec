#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# json_output.sh - `netstep run --json` (issue 13, item 6): every line is a
# JSON object, there is exactly one per trace event, and each one says what
# the text trace says: the trace line rebuilt from the object's fields must
# equal the line `run --trace` printed, byte for byte. The decoded TCP
# header agrees with the sentence, stdout carries nothing but JSON, and the
# docs' Python example reads the cwnd series (and draws it when matplotlib
# is installed).
#   json_output.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/json_output
rm -rf "$out"; mkdir -p "$out"
command -v python3 >/dev/null || { echo "FAIL python3 missing"; exit 1; }
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

cat > "$out/agree.py" <<'PY'
import json, re, sys
jsonl, trace = sys.argv[1], sys.argv[2]
objs = [json.loads(l) for l in open(jsonl)]
# the trace's event lines: "%12s" seconds.micro, then where, layer, dir
lines = [l.rstrip("\n") for l in open(trace) if re.match(r"^ *\d+\.\d{6} ", l)]
assert len(objs) == len(lines), f"{len(objs)} objects, {len(lines)} trace events"
assert [o["i"] for o in objs] == list(range(len(objs))), "i is not 0, 1, 2, ..."
def esc(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "\n": out.append("\\n")
        elif ch == "\t": out.append("\\t")
        elif c < 0x20 or c == 0x7f: out.append("\\x%02x" % c)
        else: out.append(ch)
    return "".join(out)
def pad(s, n):
    return s + " " * max(0, n - len(s))
for o, l in zip(objs, lines):
    assert o["t"] == "%d.%06d" % (o["t_ns"] // 10**9, o["t_ns"] % 10**9 // 1000), o
    s = "%12s " % o["t"] + pad(esc(o["where"] or "-"), 8) + " " + pad(o["layer"], 6) + " "
    s += pad(o["dir"], 5) + " "
    if o["pkt"] is not None: s += "#%d " % o["pkt"]
    s += esc(o["text"])
    if o["rfc"] is not None: s += " [%s]" % o["rfc"]
    if o["cause"]["text"]: s += "  (cause: %s)" % o["cause"]["text"]
    assert s == l, f"\n json: {s!r}\ntrace: {l!r}"
    if o["dir"] == "drop":
        assert o["drop"]["reason"], o
    t = (o.get("fields") or {}).get("tcp")
    if t and o["layer"] == "TCP" and o["dir"] in ("in", "out"):
        assert o["text"].startswith("%d > %d: Flags [" % (t["sport"], t["dport"])), o
        if "seq %d" % t["seq"] not in o["text"] and t["len"] > 0:
            raise AssertionError(f"seq {t['seq']} not in {o['text']!r}")
    if o["layer"] == "TCP" and o["dir"] in ("in", "out"):
        assert "tcb" in o, f"TCP event without its TCB snapshot: {o}"
    if "tcb" in o:
        # every key docs/pictures.md lists, in its order
        assert list(o["tcb"]) == ["state", "laddr", "lport", "faddr", "fport", "iss", "irs",
                                  "snd_una", "snd_nxt", "snd_wnd", "rcv_nxt", "rcv_wnd", "cwnd",
                                  "ssthresh", "srtt_ns", "rto_ns", "rtt_ns", "rtt_at_ns",
                                  "rtt_samples"], list(o["tcb"])
        r = o["tcb"]
        assert (r["rtt_samples"] == 0) == (r["rtt_ns"] == 0 == r["rtt_at_ns"]), r
        assert r["rtt_at_ns"] <= o["t_ns"], (r, o["t_ns"])  # a sample is never from the future
print(len(objs))
PY

for lesson in tcp/fast-retransmit udp/lossy link/switch-learning ip/traceroute app/http attack/blind-rst; do
    name=${lesson//\//-}
    "$ns" run "$src/scenarios/$lesson.scn" --json > "$out/$name.jsonl" 2> "$out/$name.err"
    rc=$?
    [ $rc -eq 0 ] && ok "$lesson: run --json exits 0" || fail "$lesson: run --json exited $rc"
    "$ns" run "$src/scenarios/$lesson.scn" --trace > "$out/$name.trace" 2>&1
    if n=$(python3 "$out/agree.py" "$out/$name.jsonl" "$out/$name.trace" 2> "$out/$name.py.err"); then
        ok "$lesson: $n JSON lines parse, one per trace event, each the trace line's fields"
    else
        fail "$lesson: JSON and trace disagree"; tail -5 "$out/$name.py.err"
    fi
    grep -q "expects* held" "$out/$name.err" && ok "$lesson: the verdict went to stderr" \
        || fail "$lesson: no verdict on stderr"
done

# The issue's own check, as a new user would type it.
if "$ns" run "$src/scenarios/tcp/fast-retransmit.scn" --json |
    python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'; then
    ok "run --json | python3 json.loads every line"
else
    fail "run --json | python3 json.loads failed"
fi

# Same run, same bytes.
"$ns" run "$src/scenarios/tcp/fast-retransmit.scn" --json > "$out/again.jsonl" 2>/dev/null
cmp -s "$out/again.jsonl" "$out/tcp-fast-retransmit.jsonl" && ok "two runs give the same JSON" \
    || fail "two runs give different JSON"

# A fast retransmission says so: its cause names it.
python3 - "$out/tcp-fast-retransmit.jsonl" <<'PY' && ok "the fast retransmission's cause says 'fast retransmit'" || fail "no fast retransmit cause in the JSON"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["layer"] == "TCP" and e["dir"] == "out" and e["cause"].get("why") == "fast retransmit"
           for e in evs)
PY

# An IPv6 connection's TCB names its ends in IPv6 (not 0.0.0.0): family
# "ipv6", RFC 5952 text; an IPv4 peer of an AF_INET6 socket reads
# ::ffff:a.b.c.d; an IPv4 connection of an IPv4 socket keeps its keys and
# has no family (tests/tui/v6conns.scn: both kinds to one tcp6 listener).
"$ns" run "$src/tests/tui/v6conns.scn" --json > "$out/v6.jsonl" 2>/dev/null
python3 - "$out/v6.jsonl" <<'PY' \
    && ok "TCBs read [2001:db8::1]:P - [2001:db8::2]:80, ::ffff:192.0.2.1 for bob's IPv4 peer" \
    || fail "the IPv6 connections' TCB addresses are wrong in the JSON"
import json, sys
est = set()
for e in map(json.loads, open(sys.argv[1])):
    t = e.get("tcb")
    if t and t["state"] == "ESTABLISHED":
        est.add((e["host"], t.get("family"), t["laddr"], t["faddr"], t["lport"] if e["host"] == "bob" else t["fport"]))
want = {
    ("alice", "ipv6", "2001:db8::1", "2001:db8::2", 80),
    ("alice", None, "192.0.2.1", "192.0.2.2", 80),
    ("bob", "ipv6", "2001:db8::2", "2001:db8::1", 80),
    ("bob", "ipv6", "::ffff:192.0.2.2", "::ffff:192.0.2.1", 80),
}
assert est == want, sorted(est, key=str)
# the frames' fields: alice's SYN over IPv6, bob's neighbour advertisement
evs = [json.loads(l) for l in open(sys.argv[1])]
syn = [e["fields"] for e in evs if e["host"] == "alice" and e["layer"] == "IPv6" and e["dir"] == "out"
       and e["fields"] and "tcp" in e["fields"] and e["fields"]["tcp"]["flags"] == "S"]
assert syn and syn[0]["ipv6"]["src"] == "2001:db8::1" and syn[0]["ipv6"]["dst"] == "2001:db8::2", syn
assert syn[0]["ipv6"]["next_header"] == 6 and syn[0]["tcp"]["dport"] == 80, syn[0]
na = [e["fields"]["icmpv6"] for e in evs if e["fields"] and "icmpv6" in e["fields"]
      and e["fields"]["icmpv6"]["type"] == 136]
assert na and all(a["target"] in ("2001:db8::1", "2001:db8::2") or a["target"].startswith("fe80::")
                  for a in na), na
PY

# An injected frame's cause names its step's line, as the trace does
# (attack/blind-rst's four injects).
python3 - "$out/attack-blind-rst.jsonl" "$src/scenarios/attack/blind-rst.scn" <<'PY' \
    && ok "an injected frame's cause: origin inject, the step's line" \
    || fail "the injected frame's cause in the JSON does not name its line"
import json, sys
lines = [n for n, l in enumerate(open(sys.argv[2]), 1) if l.lstrip().startswith("inject ")]
evs = [json.loads(l) for l in open(sys.argv[1])]
inj = [e["cause"] for e in evs if e["cause"].get("origin") == "inject"]
assert len(lines) == 4 and sorted({c["line"] for c in inj}) == lines, (lines, inj)
for c in inj:
    assert c["kind"] == "call" and c["call"] is None, c
    assert c["text"] == "inject step %d, line %d" % (c["step"], c["line"]), c
    assert list(c) == ["kind", "call", "step", "origin", "line", "text"], list(c)
PY

# --json shares stdout with nothing: with --trace or --step it is refused.
"$ns" run "$src/scenarios/udp/echo.scn" --json --trace > "$out/both.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "not with --trace" "$out/both.out" && ok "--json --trace: usage, exit 2" \
    || fail "--json --trace exited $rc"

# The docs' example reads cwnd from the JSON; it draws only with matplotlib.
python3 - "$src/docs/examples/cwnd_from_json.py" "$out/tcp-fast-retransmit.jsonl" <<'PY' \
    && ok "docs example reads the cwnd series" || fail "docs example cannot read the JSON"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("ex", sys.argv[1])
ex = importlib.util.module_from_spec(spec); spec.loader.exec_module(ex)
series = ex.read_cwnd(open(sys.argv[2]))
alice = [v for k, v in series.items() if k[0] == "alice"]
assert alice and any(len(pts) > 2 for pts in alice), series.keys()
PY
if python3 -c 'import matplotlib' 2>/dev/null; then
    python3 "$src/docs/examples/cwnd_from_json.py" "$out/tcp-fast-retransmit.jsonl" "$out/cwnd.png" \
        && [ -s "$out/cwnd.png" ] && ok "docs example draws cwnd.png" || fail "docs example did not draw"
else
    echo "skip matplotlib not installed: the drawing part of the docs example is not run"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all ok"
