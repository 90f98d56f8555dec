#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# licence.sh - netstep is BSD-2-Clause: LICENSE at the root says so, and every
# source file (C, shell, Python, CMake, the Makefile, the man pages and the
# completions) carries the SPDX line in its header, so a file copied out of
# the tree keeps its licence.   licence.sh NETSTEP SRCDIR OUTDIR
set -u
src=$2
failures=0
grep -q "Redistribution and use in source and binary forms" "$src/LICENSE" &&
    grep -q "BSD 2-Clause\|2-Clause" "$src/LICENSE" &&
    ! grep -q "Neither the name" "$src/LICENSE" &&
    echo "ok   LICENSE is the BSD 2-Clause licence" ||
    { echo "FAIL LICENSE is not the BSD 2-Clause licence"; failures=$((failures + 1)); }
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    echo "SKIP the per-file check needs the git checkout (a source tarball has no file list)"
    [ "$failures" -eq 0 ] || exit 1
    exit 77
fi
n=0
while IFS= read -r f; do
    case $f in
        tests/golden/*|tests/data/*|tests/fuzz/corpus/*|tests/fuzz/crashes/*|tests/tui/golden/*|docs/pictures/*) continue ;;
        *.c|*.h|*.cc|*.sh|*.py|*.bash|*.cmake|*CMakeLists.txt|Makefile|*.1|*.5|completions/*|.ci/run) ;;
        *) continue ;;
    esac
    n=$((n + 1))
    # the SPDX line stands in the file's header: within its first 3 lines
    if ! head -3 "$src/$f" | grep -q "SPDX-License-Identifier: BSD-2-Clause"; then
        echo "FAIL $f has no SPDX-License-Identifier line in its header"
        failures=$((failures + 1))
    fi
done < <(git -C "$src" ls-files)
[ "$n" -gt 200 ] && echo "ok   $n source files checked" || { echo "FAIL only $n source files found"; failures=$((failures + 1)); }
echo "$failures failed"
[ "$failures" -eq 0 ]
