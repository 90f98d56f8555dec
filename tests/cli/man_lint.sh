#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# man_lint.sh - both man pages pass `mandoc -T lint` with no warning (style
# notes included), and render.   man_lint.sh NETSTEP SRCDIR OUTDIR
set -u
src=$2
command -v mandoc >/dev/null || { echo "skip: mandoc is not installed (scripts/install-deps.sh --test)"; exit 77; }
failures=0
for page in docs/netstep.1 docs/netstep-scenario.5; do
    if msgs=$(mandoc -T lint -W style "$src/$page" 2>&1) && [ -z "$msgs" ]; then
        echo "ok   $page: mandoc -T lint is silent"
    else
        echo "FAIL $page:"; echo "$msgs" | sed 's/^/    /'; failures=$((failures + 1))
    fi
    lines=$(mandoc -T utf8 "$src/$page" | wc -l)
    [ "$lines" -gt 50 ] && echo "ok   $page renders ($lines lines)" ||
        { echo "FAIL $page renders to $lines lines"; failures=$((failures + 1)); }
done
echo "$failures failed"
[ "$failures" -eq 0 ]
