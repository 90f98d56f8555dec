#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# projector_tmux.sh - issue 14's projector problems on the real screen
# (tmux, 80x24, --projector, tcp/handshake).   projector_tmux.sh NETSTEP SRCDIR OUTDIR
#
# Stepping (s) through the whole lesson, every `say` text is on screen whole
# at its step (its words joined across the wrapped lines equal the text:
# wrapped at word boundaries, nothing cut), no narration row ends in a cut
# mark, and the two-line key bar keeps s S, t T and m '. Then, in both
# layouts, a live command's long error (the words `netstep check` gives for
# the same line) is whole above the ':' line, wrapped (the projector layout
# showed none of it before). Exit 77 (skip) without tmux.
set -u
ns=$1; src=$2; out=$3/projector
rm -f "$out"/step-*.txt
. "$src/tests/tui/lib/tmux.sh"
tmux_start projector

# --- 1. every narration line of the handshake, whole, at 80x24 -------------
hs=$src/scenarios/tcp/handshake.scn
(cd "$src/scenarios/tcp" && "$ns" run handshake.scn --trace) > "$out/handshake.trace" 2>&1
n_steps=$(sed -n 's/.*step \([0-9]*\)\/\([0-9]*\).*/\2/p' < <("$ns" ui "$hs" --dump 80x24) | head -1)
view_open 80 24 "$hs" --projector || tmux_finish
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
close_view

# --- 2. a long live-command error, whole, at 80x24 --------------------------
line='alice: sendto undefined_socket_variable_name bob:80 "a rather long payload"'
printf 'host alice 192.0.2.1/24\nhost bob 192.0.2.2/24\nlink alice bob\n%s\n' "$line" > "$out/bad.scn"
want=$("$ns" check "$out/bad.scn" 2>&1 | sed -n 's/^.*:4:[0-9]*: error: //p' | head -1)
[ -n "$want" ] || fail "netstep check gave no error for the bad line"
for layout in "" "--projector"; do
    view_open 80 24 "$hs" $layout || tmux_finish
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
    close_view
done

tmux_finish "all projector checks pass"
