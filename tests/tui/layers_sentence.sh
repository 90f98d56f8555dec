#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# layers_sentence.sh - what the layers pane's sentence and the narration
# keep on small screens (--dump).   layers_sentence.sh NETSTEP SRCDIR OUTDIR
#
# At 80x24, in both layouts, for every event of tcp/handshake that cites an
# RFC (or IEEE) section (run --json), the citation is whole in the layers
# pane's sentence: a sentence too long gives up words, never its citation.
# A sentence written over two say lines (tests/tui/split_say.scn, as the
# app/http lesson once had it), from the first of those lines, reads "Content-Length says where the body ends" in one run at
# every width from 60 to 160, in both layouts (never "Content-Length" /
# "says" / "where the body ends" as fragments).
set -u
ns=$1; src=$2; out=$3/layers_sentence
mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

hs=$src/scenarios/tcp/handshake.scn
# --- 1. every event's RFC, whole, in the layers pane's sentence ------------
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --json) > "$out/handshake.jsonl" 2>/dev/null
# the events that cite a section (only their screens are needed)
citing=$(python3 -c 'import json, sys
print(" ".join(str(k) for k, l in enumerate(open(sys.argv[1], encoding="utf-8"))
               if l.startswith("{") and json.loads(l).get("rfc")))' "$out/handshake.jsonl")
: > "$out/rfc.txt"
for layout in "" "--projector"; do
    for i in $citing; do
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

# --- 2. a sentence over two say lines reads as one -------------------------
http=$src/tests/tui/split_say.scn
step=$( (cd "$src/tests/tui" && "$ns" run split_say.scn --trace) |
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
        then fail "split_say at ${w}x30 ${layout:-normal}: the sentence is broken"; sed 's/^/    /' "$out/http.txt" | head -14; bad=1; fi
    done
done
[ $bad -eq 0 ] && ok "split_say: 'Content-Length says where the body ends' reads whole from 60 to 160 columns"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all layers_sentence checks pass"
