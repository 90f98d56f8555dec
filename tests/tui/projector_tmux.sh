#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# projector_tmux.sh - what issue 14 saw cut on a projector, checked on the
# real screen.   projector_tmux.sh NETSTEP SRCDIR OUTDIR
#
# 1. tmux, 80x24, --projector, tcp/handshake: stepping (s) through the whole
#    lesson, every `say` text is on screen whole at its step (its words
#    joined across the wrapped lines equal the text: wrapped at word
#    boundaries, nothing cut), no narration row ends in a cut mark, and the
#    two-line key bar keeps s S, t T and m '.
# 2. --dump, 80x24, both layouts, every event of tcp/handshake: the RFC the
#    event cites (run --json) is whole in the layers pane's sentence.
# 3. --dump: app/http's narration, from the first of the two say lines that
#    hold its sentence, reads "Content-Length says where the body ends" in
#    one run at every width from 60 to 160, in both layouts (never
#    "Content-Length" / "says" / "where the body ends" as fragments).
# 4. tmux, 120x36, tcp/congestion-side-by-side at 0.5 s with T: every
#    connection's cwnd and ssthresh on screen at once, equal to the TCB the
#    event log holds for it as of the cursor's event (run --json).
# 5. tmux, 80x24, both layouts: a live command's long error (the words
#    `netstep check` gives for the same line) is whole above the ':' line,
#    wrapped (the projector layout showed none of it before).
# Exit 77 (skip) without tmux.
set -u
ns=$1; src=$2; out=$3/projector
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
mkdir -p "$out"
rm -f "$out"/step-*.txt
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR
sock=netstep-projector-test-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1; }
trap cleanup EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
tm new-session -d -s keep "sleep 300" || { echo "FAIL: tmux would not start"; exit 1; }

# wait_for TEXT: poll until the pane shows TEXT and two captures agree.
wait_for() {
    local want=$1 prev="" cur
    for _ in $(seq 1 400); do
        cur=$(tm capture-pane -p -t view 2>/dev/null)
        if [[ "$cur" == *"$want"* && "$cur" == "$prev" ]]; then
            printf '%s\n' "$cur" > "$out/screen.txt"
            return 0
        fi
        prev=$cur
        sleep 0.05
    done
    printf '%s\n' "$cur" > "$out/screen.txt"
    fail "the screen never showed '$want'; last screen:"
    sed 's/^/    /' "$out/screen.txt"
    return 1
}
keys() { tm send-keys -t view "$@"; }
type() { tm send-keys -t view -l "$1"; }

# --- 1. every narration line of the handshake, whole, at 80x24 -------------
hs=$src/scenarios/tcp/handshake.scn
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --trace) > "$out/handshake.trace" 2>&1
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --json) > "$out/handshake.jsonl" 2>/dev/null
n_steps=$(sed -n 's/.*step \([0-9]*\)\/\([0-9]*\).*/\2/p' < <("$ns" ui "$hs" --dump 80x24) | head -1)
tm new-session -d -s view -x 80 -y 24 "$ns ui $hs --projector; sleep 30" ||
    { echo "FAIL: the view would not start"; exit 1; }
tm set-option -t view status off >/dev/null
wait_for "about this lesson" || exit 1
keys Enter
for k in $(seq 1 "$n_steps"); do
    wait_for "step $k/$n_steps" || break
    cp "$out/screen.txt" "$out/step-$k.txt"
    [ "$k" -lt "$n_steps" ] && keys s
done
python3 - "$out" "$out/handshake.trace" <<'PY' || failures=$((failures + 1))
import glob, os, re, sys
out, trace = sys.argv[1], sys.argv[2]
says = [(int(m.group(2)), m.group(1)) for m in
        (re.search(r"App    note  say: (.*)  \(cause: step (\d+)\)$", l.rstrip("\n"))
         for l in open(trace, encoding="utf-8")) if m]
bad = 0
def narration(path):
    rows = open(path, encoding="utf-8").read().split("\n")
    box = []
    for r in rows[2:]:
        if r.startswith("└"):
            break
        box.append(r.strip("│").strip())
    return box, rows
screens = {}
for p in glob.glob(os.path.join(out, "step-*.txt")):
    screens[int(re.search(r"step-(\d+)", p).group(1))] = narration(p)
if not says or not screens:
    print("FAIL no narration or no screens captured"); sys.exit(1)
for k, (box, rows) in sorted(screens.items()):
    if any(r.endswith("…") for r in box):
        print("FAIL step %d: a narration row ends in a cut mark:\n    %s" % (k, "\n    ".join(box))); bad += 1
    bar = rows[-2] + "\n" + rows[-1] if rows[-1] else rows[-3] + "\n" + rows[-2]
    for key in ("s S step", "t T TCP", "m ' marks"):
        if key not in bar:
            print("FAIL step %d: the key bar lacks '%s':\n%s" % (k, key, bar)); bad += 1
for k, text in says:
    if k not in screens:
        print("FAIL step %d (say) was never on screen" % k); bad += 1; continue
    joined = " ".join(screens[k][0])
    if " ".join(text.split()) not in " ".join(joined.split()):
        print("FAIL step %d: not whole on screen: %s\n    %s" % (k, text, "\n    ".join(screens[k][0]))); bad += 1
if bad == 0:
    print("ok   80x24 --projector: %d narration lines whole at their steps, %d screens without a cut mark, the key bar keeps s S, t T, m '" % (len(says), len(screens)))
sys.exit(1 if bad else 0)
PY
tm kill-session -t view 2>/dev/null

# --- 2. every event's RFC, whole, in the layers pane's sentence ------------
n_events=$(wc -l < "$out/handshake.jsonl")
: > "$out/rfc.txt"
for layout in "" "--projector"; do
    for i in $(seq 0 $((n_events - 1))); do
        printf '=== %s %d\n' "${layout:-normal}" "$i" >> "$out/rfc.txt"
        "$ns" ui "$hs" $layout --dump 80x24 --keys "\\n$(printf '%*s' "$i" '')" >> "$out/rfc.txt" 2>&1
    done
done
python3 - "$out/rfc.txt" "$out/handshake.jsonl" <<'PY' || failures=$((failures + 1))
import json, sys
dumps, jsonl = sys.argv[1], sys.argv[2]
events = [json.loads(l) for l in open(jsonl, encoding="utf-8") if l.startswith("{")]
screens, cur = {}, None
for line in open(dumps, encoding="utf-8").read().split("\n"):
    if line.startswith("=== "):
        _, layout, i = line.split(); cur = (layout, int(i)); screens[cur] = []
    elif cur is not None:
        screens[cur].append(line)
def layers_text(rows):
    top = next((y for y, r in enumerate(rows) if "┌ layers" in r), None)
    if top is None:
        return ""
    x = rows[top].index("┌ layers")
    text = []
    for r in rows[top + 1:]:
        seg = r[x:]
        if seg.startswith("└"):
            break
        text.append(seg.strip().strip("│").strip())
    return " ".join(" ".join(text).split())
bad = checked = 0
for (layout, i), rows in sorted(screens.items()):
    ev = events[i]
    if ev.get("rfc") is None:
        continue
    checked += 1
    want = "[%s]" % ev["rfc"]
    if want not in layers_text(rows):
        bad += 1
        if bad <= 5:
            print("FAIL %s event %d: %s not whole in the layers pane:\n    %s" %
                  (layout, i + 1, want, "\n    ".join(rows[:14])))
if bad == 0 and checked > 0:
    print("ok   80x24, both layouts: the RFC of each of %d citing events is whole in the layers pane" % checked)
sys.exit(1 if bad or checked == 0 else 0)
PY

# --- 3. a sentence over two say lines reads as one -------------------------
http=$src/scenarios/app/http.scn
step=$( (cd "$src/scenarios/app" && "$ns" run http.scn --trace) |
       sed -n 's/.*note  say: The empty line.*(cause: step \([0-9]*\))$/\1/p')
bad=0
for w in 60 80 100 120 160; do
    for layout in "" "--projector"; do
        "$ns" ui "$http" $layout --dump ${w}x30 --keys "\\n$(printf 's%.0s' $(seq $((step - 1))))" > "$out/http.txt" 2>&1
        if ! python3 - "$out/http.txt" <<'PY'
import re, sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
# the narration (projector) or the script pane's say part: the column left
# of the first "││", or the whole box
text = []
for r in rows[1:]:
    seg = r.split("││")[0] if "││" in r else r
    text.append(seg.strip().strip("│").strip())
flat = " ".join(" ".join(text).split())
sys.exit(0 if "Content-Length says where the body ends" in flat else 1)
PY
        then fail "app/http at ${w}x30 ${layout:-normal}: the sentence is broken"; sed 's/^/    /' "$out/http.txt" | head -14; bad=1; fi
    done
done
[ $bad -eq 0 ] && ok "app/http: 'Content-Length says where the body ends' reads whole from 60 to 160 columns"

# --- 4. the congestion lesson's numbers at 120x36 ---------------------------
cc=$src/scenarios/tcp/congestion-side-by-side.scn
(cd "$src/scenarios/tcp" && "$ns" run congestion-side-by-side.scn --json) > "$out/cc.jsonl" 2>/dev/null
tm new-session -d -s view -x 120 -y 36 "$ns ui $cc; sleep 30" ||
    { echo "FAIL: the view would not start"; exit 1; }
tm set-option -t view status off >/dev/null
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

tm kill-session -t view 2>/dev/null

# --- 5. a long live-command error, whole, at 80x24 --------------------------
line='alice: sendto undefined_socket_variable_name bob:80 "a rather long payload"'
printf 'host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nlink alice bob\n%s\n' "$line" > "$out/bad.scn"
want=$("$ns" check "$out/bad.scn" 2>&1 | sed -n 's/^.*:4:[0-9]*: error: //p' | head -1)
[ -n "$want" ] || fail "netstep check gave no error for the bad line"
for layout in "" "--projector"; do
    tm new-session -d -s view -x 80 -y 24 "$ns ui $hs $layout; sleep 30" ||
        { echo "FAIL: the view would not start"; exit 1; }
    tm set-option -t view status off >/dev/null
    wait_for "about this lesson" && keys Enter
    wait_for "event 1/" && { keys G; keys :; type "$line"; keys Enter; }
    if wait_for "undefined_socket_variable_name"; then
        python3 - "$out/screen.txt" "$want" <<'PY' && ok "80x24 ${layout:-normal}: the command's error is on screen whole, wrapped" || failures=$((failures + 1))
import sys
rows = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
want = " ".join(sys.argv[2].split())
# the rows above the ':' line, joined
i = max(k for k, r in enumerate(rows) if r.startswith(":"))
for n in range(1, 6):
    if want in " ".join(" ".join(r.strip() for r in rows[i - n:i]).split()):
        sys.exit(0)
print("FAIL the error is not whole above the command line:\n    %s\n  want: %s" % ("\n    ".join(rows[-6:]), want))
sys.exit(1)
PY
    fi
    tm kill-session -t view 2>/dev/null
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all projector checks pass"
