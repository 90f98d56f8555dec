#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lesson_seeds.sh - every bundled lesson holds under any seed.
#
#   lesson_seeds.sh NETSTEP SCENARIOS_DIR [SEEDS]
#
# Runs each lesson (scenarios/**/*.scn except the TAP ones, which need a real
# device) with `netstep run FILE --seed N` for N = 1..SEEDS (default 20) and
# fails if any expect fails under any seed. A lesson whose point depends on
# luck (a lossy link) must say so and write its expects to hold anyway; this
# is the test that keeps it honest. Two runs go at a time (the machine's cores).
set -u
netstep=$1
scenarios=$2
seeds=${3:-20}
case $netstep in /*) ;; *) netstep="$PWD/$netstep" ;; esac
[ -x "$netstep" ] || { echo "lesson_seeds: no netstep at $netstep" >&2; exit 2; }

# One lesson under one seed; prints a line for a failure and nothing else.
run_one() {
    local scn=$1 seed=$2 out rc
    out=$(cd "$(dirname "$scn")" && timeout 120 "$netstep" run "$(basename "$scn")" --seed "$seed" --quiet 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        # One write per failure, so two runs at a time do not interleave lines.
        printf '%s\n%s\n' "FAIL ${scn#"$scenarios"/} --seed $seed: exit $rc" \
            "$(printf '%s\n' "$out" | grep -A1 -E 'expect failed|error' | head -8 | sed 's/^/    /')"
    fi
}
export -f run_one
export netstep scenarios

lessons=()
while IFS= read -r scn; do
    # A TAP lesson runs on a real device in real time; `check` says so.
    if (cd "$(dirname "$scn")" && "$netstep" check "$(basename "$scn")" 2>/dev/null) | grep -q 'TAP device'; then
        continue
    fi
    lessons+=("$scn")
done < <(find "$scenarios" -name '*.scn' | sort)
[ ${#lessons[@]} -gt 0 ] || { echo "lesson_seeds: no lesson under $scenarios" >&2; exit 1; }

failures=$(for scn in "${lessons[@]}"; do
               for seed in $(seq 1 "$seeds"); do printf '%s\0%s\0' "$scn" "$seed"; done
           done | xargs -0 -n 2 -P 2 bash -c 'run_one "$0" "$1"')
if [ -n "$failures" ]; then
    printf '%s\n' "$failures"
    echo "lesson_seeds: $(printf '%s\n' "$failures" | grep -c '^FAIL') of $(( ${#lessons[@]} * seeds )) runs failed" >&2
    exit 1
fi
echo "ok: ${#lessons[@]} lessons x $seeds seeds, every expect held"
