#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lesson_table.sh - README.md's lesson table names every bundled lesson, once,
# with a line saying what it teaches, and names no lesson that does not exist.
# A lesson added under scenarios/ without a row (or a row left behind by a
# removed or renamed lesson) fails here.
#   lesson_table.sh NETSTEP SRCDIR OUTDIR
set -u
src=$2
readme=$src/README.md
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# The table is the one under "## Lessons", up to the next heading; a row is
# | `DIR/NAME` | what it teaches |
table=$(awk '/^## Lessons$/ { on = 1; next } /^## / { on = 0 } on && /^\| `/' "$readme")
[ -n "$table" ] || { echo "FAIL README.md has no lesson table under '## Lessons'"; exit 1; }

rows=$(printf '%s\n' "$table" | sed -n 's/^| `\([^`]*\)` | *\(.*[^ ]\) *|$/\1\t\2/p')
[ "$(printf '%s\n' "$rows" | grep -c .)" -eq "$(printf '%s\n' "$table" | grep -c .)" ] &&
    ok "every row is | \`DIR/NAME\` | what it teaches |" ||
    bad "a row of the table is not | \`DIR/NAME\` | what it teaches |"

named=$(printf '%s\n' "$rows" | cut -f1 | sort)
dups=$(printf '%s\n' "$named" | uniq -d)
[ -z "$dups" ] && ok "no lesson has two rows" || bad "lessons with two rows: $dups"

lessons=$(cd "$src/scenarios" && ls -1 */*.scn | sed 's/\.scn$//' | sort)
n=0
for l in $lessons; do
    n=$((n + 1))
    printf '%s\n' "$named" | grep -qxF "$l" || bad "scenarios/$l.scn is not in README.md's lesson table"
done
for l in $named; do
    [ -f "$src/scenarios/$l.scn" ] || bad "README.md's lesson table names $l, and there is no scenarios/$l.scn"
done
# the "what it teaches" column says something
while IFS=$'\t' read -r l what; do
    [ "${#what}" -ge 10 ] || bad "$l: the table says too little about what it teaches ('$what')"
done <<< "$rows"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "README.md's lesson table lists all $n lessons, and only them"
