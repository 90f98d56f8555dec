#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# course_doc.sh - docs/course.md, the teachers' map of the lessons onto a
# course, keeps up with the lessons: it names every lesson under scenarios/,
# names no lesson that does not exist, and quotes each lesson's exercise (the
# text of its last `say "Exercise: ..."`) word for word, so a handout made
# from it sets the exercise the lesson itself ends with.
#   course_doc.sh NETSTEP SRCDIR OUTDIR
set -u
src=$2
doc=$src/docs/course.md
[ -f "$doc" ] || { echo "FAIL no docs/course.md"; exit 1; }
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed (scripts/install-deps.sh installs it)"; exit 77; }

python3 - "$src" "$doc" <<'PY'
import glob, os, re, sys

src, doc_path = sys.argv[1], sys.argv[2]
doc = open(doc_path, encoding="utf-8").read()
failures = 0

def ok(msg):
    print("ok   " + msg)

def bad(msg):
    global failures
    failures += 1
    print("FAIL " + msg)

# A quoted text of the scenario language, its escapes decoded as the lexer
# does (\" and \\; an exercise has no use for the others).
def decode(text):
    return re.sub(r'\\(["\\])', r"\1", text)

lessons = sorted(os.path.relpath(p, os.path.join(src, "scenarios"))[:-len(".scn")]
                 for p in glob.glob(os.path.join(src, "scenarios", "*", "*.scn")))
for lesson in lessons:
    if not re.search(r"(?<![\w/-])" + re.escape(lesson) + r"(?![\w-])", doc):
        bad(f"{lesson} is not named in docs/course.md")
        continue
    lines = open(os.path.join(src, "scenarios", lesson + ".scn"), encoding="utf-8").read().splitlines()
    said = [m.group(1) for m in (re.match(r'^say\s+"(Exercise: .*)"\s*$', l) for l in lines) if m]
    if not said:
        bad(f"{lesson} has no exercise (a say \"Exercise: ...\" line) to quote")
        continue
    exercise = decode(said[-1])
    if exercise in doc:
        ok(f"{lesson}: named, its exercise quoted word for word")
    else:
        bad(f"{lesson}: docs/course.md does not quote its exercise word for word:\n"
            f"    {exercise}")

# Every lesson the document names in the DIR/NAME form exists.
dirs = "|".join(sorted({l.split("/")[0] for l in lessons}))
for named in sorted(set(re.findall(r"`(?:scenarios/)?((?:" + dirs + r")/[a-z0-9-]+)(?:\.scn)?`", doc))):
    if named not in lessons:
        bad(f"docs/course.md names {named}, and there is no scenarios/{named}.scn")

# Each of the course's chapters has its section.
for chapter in ("Application layer", "Transport layer", "Network layer: the data plane",
                "Network layer: the control plane", "Link layer", "Security"):
    if re.search(r"^##+ .*" + re.escape(chapter), doc, re.M | re.I):
        ok(f"a section for the chapter '{chapter}'")
    else:
        bad(f"no section for the chapter '{chapter}'")

weeks = re.findall(r"^### Week (\d+)", doc, re.M)
if 10 <= len(weeks) <= 12 and weeks == [str(i) for i in range(1, len(weeks) + 1)]:
    ok(f"a plan of {len(weeks)} weeks, in order")
else:
    bad(f"the plan's weeks are {weeks}, not 10 to 12 weeks numbered from 1")

if failures:
    print(f"{failures} failure(s)")
    sys.exit(1)
print(f"docs/course.md names all {len(lessons)} lessons and quotes every exercise")
PY
