#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# readme_examples.sh - the README's examples, run, so they can never drift
# from what the program does.   readme_examples.sh NETSTEP SRCDIR OUTDIR
#
# A comment line in README.md marks the fenced block after it:
#   <!-- readme-test: output CMD -->  CMD (its first word `netstep`) is run
#       in the source tree; every line of the block must be a whole line of
#       its output, in order, and lines not split by a `...` line must be
#       consecutive there.
#   <!-- readme-test: run -->  the sh block runs in a scratch folder (with
#       `build/netstep` and `scenarios/` pointing at the real ones) and
#       must exit 0; the lines after `# among its lines:` must each be in
#       its output (blanks compared loosely).
#   <!-- readme-test: scenario -->  the block is a lesson that must pass
#       `netstep check` and `netstep run` (every expect holds).
# At least the first (the trace excerpt at the top) must be there.
set -u
ns=$1; src=$2; out=$3
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
mkdir -p "$out"
exec python3 - "$ns" "$src" "$out/readme" <<'PY'
import os, re, shutil, subprocess, sys

ns, src, out = (os.path.abspath(a) for a in sys.argv[1:4])
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
text = open(os.path.join(src, "README.md"), encoding="utf-8").read().splitlines()
failures = 0
tests = 0

def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)

def blocks():
    i = 0
    while i < len(text):
        m = re.match(r"<!-- readme-test: (\w+)(?: (.*?))? -->$", text[i])
        if m:
            j = i + 1
            if j >= len(text) or not text[j].startswith("```"):
                fail("README.md:%d: a readme-test comment not followed by a fenced block" % (i + 1))
                i += 1
                continue
            k = j + 1
            while k < len(text) and not text[k].startswith("```"):
                k += 1
            yield i + 1, m.group(1), m.group(2), text[j + 1:k]
            i = k
        i += 1

def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, **kw)

for line, kind, arg, body in blocks():
    tests += 1
    where = "README.md:%d" % line
    if kind == "output":
        words = arg.split()
        if words[0] != "netstep":
            fail("%s: output command must start with netstep" % where); continue
        r = run([ns] + words[1:], src)
        got = r.stdout.splitlines()
        pos, ok = 0, True
        # runs of consecutive lines between "..." lines
        runs, cur = [], []
        for l in body:
            if l.strip() == "...":
                runs.append(cur); cur = []
            else:
                cur.append(l)
        runs.append(cur)
        for chunk in runs:
            if not chunk:
                continue
            found = -1
            for s in range(pos, len(got) - len(chunk) + 1):
                if got[s:s + len(chunk)] == chunk:
                    found = s; break
            if found < 0:
                fail("%s: `%s` does not print, in this order:\n    %s" % (where, arg, "\n    ".join(chunk)))
                ok = False; break
            pos = found + len(chunk)
        if ok:
            print("ok   %s: the output of `%s` matches (%d lines)" % (where, arg, sum(map(len, runs))))
    elif kind == "run":
        cmds, want, among = [], [], False
        for l in body:
            if l.startswith("# among its lines:"):
                among = True
            elif among and l.startswith("#"):
                want.append(" ".join(l[1:].split()))
            elif l.strip() and not l.startswith("#"):
                cmds.append(l)
        tools = {c.split()[0] for c in cmds}
        missing = [t for t in tools if t != "build/netstep" and shutil.which(t) is None]
        if missing:
            print("skip %s: needs %s" % (where, ", ".join(missing))); continue
        d = os.path.join(out, "block%d" % line)
        os.makedirs(os.path.join(d, "build"))
        os.symlink(os.path.abspath(ns), os.path.join(d, "build", "netstep"))
        os.symlink(os.path.join(src, "scenarios"), os.path.join(d, "scenarios"))
        r = run(["bash", "-euo", "pipefail", "-c", "\n".join(cmds)], d)
        if r.returncode != 0:
            fail("%s: exit %d from:\n    %s\n%s" % (where, r.returncode, "\n    ".join(cmds), r.stderr[-800:]))
            continue
        norm = [" ".join(l.split()) for l in r.stdout.splitlines()]
        lost = [w for w in want if w not in norm]
        if lost:
            fail("%s: the output lacks: %s" % (where, "; ".join(lost)))
        else:
            print("ok   %s: %d commands ran%s" % (where, len(cmds),
                  ", and print the %d lines shown" % len(want) if want else ""))
    elif kind == "scenario":
        f = os.path.join(out, "example%d.scn" % line)
        open(f, "w").write("\n".join(body) + "\n")
        c = run([ns, "check", f], out)
        r = run([ns, "run", f, "--quiet"], out)
        if c.returncode != 0 or r.returncode != 0:
            fail("%s: the lesson does not check (%d) or run (%d): %s%s" % (where, c.returncode,
                 r.returncode, c.stderr, r.stdout))
        else:
            print("ok   %s: the lesson checks and runs, every expect holds" % where)
    else:
        fail("%s: unknown readme-test kind '%s'" % (where, kind))

if not any(True for l in text[:40] if l.startswith("<!-- readme-test: output")):
    fail("the trace excerpt near the top of README.md is not marked for this test")
print("\n%d examples, %d failed" % (tests, failures))
sys.exit(1 if failures else 0)
PY
