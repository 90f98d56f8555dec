#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# install.sh - `cmake --install` puts everything where GNUInstallDirs says, and
# the installed copy works after its whole prefix is moved, run from another
# directory with the checkout out of its reach.   install.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2; out=$3/install
build=$(dirname "$ns")
[ -f "$build/cmake_install.cmake" ] || { echo "skip: $build is not a CMake build tree"; exit 77; }
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

cmake --install "$build" --prefix "$out/first" > "$out/install.log" 2>&1 ||
    { echo "FAIL cmake --install:"; cat "$out/install.log"; exit 1; }
# Move the prefix: nothing in it may point back at where it was installed.
mv "$out/first" "$out/moved"
p=$out/moved
for f in bin/netstep share/man/man1/netstep.1.gz share/man/man5/netstep-scenario.5.gz \
         share/bash-completion/completions/netstep share/zsh/site-functions/_netstep \
         share/doc/netstep/LICENSE share/doc/netstep/README.md share/doc/netstep/NEWS \
         share/doc/netstep/copyright share/netstep/scenarios/tcp/handshake.scn; do
    [ -f "$p/$f" ] && ok "installed $f" || bad "missing $f"
done
n_src=$(find "$src/scenarios" -name '*.scn' | wc -l)
n_inst=$(find "$p/share/netstep/scenarios" -name '*.scn' | wc -l)
[ "$n_src" -eq "$n_inst" ] && ok "all $n_src lessons installed" || bad "$n_inst of $n_src lessons installed"
grep -q "BSD 2-Clause" "$p/share/doc/netstep/LICENSE" && ok "the licence is BSD-2-Clause" || bad "LICENSE"
gzip -t "$p/share/man/man1/netstep.1.gz" && ok "netstep.1.gz is gzip" || bad "netstep.1.gz"

# Run it from / with a clean environment: only the moved prefix can supply lessons.
run() { (cd / && env -i PATH=/usr/bin:/bin HOME="$out" "$p/bin/netstep" "$@"); }
run list > "$out/list.out" 2>&1
grep -q "^$n_src lessons" "$out/list.out" && ok "moved prefix: list shows $n_src lessons" ||
    bad "moved prefix: list: $(tail -2 "$out/list.out")"
run run tcp/handshake --quiet > "$out/run.out" 2>&1 && ok "moved prefix: run tcp/handshake" ||
    bad "moved prefix: run tcp/handshake: $(cat "$out/run.out")"
# Proof that the lessons come from the prefix and not from the checkout:
# a lesson removed from the prefix is gone from the list.
rm "$p/share/netstep/scenarios/udp/echo.scn"
run list > "$out/list2.out" 2>&1
! grep -q "udp/echo " "$out/list2.out" && grep -q "^$((n_src - 1)) lessons" "$out/list2.out" &&
    ok "the list follows the prefix's lessons" || bad "udp/echo still listed: the checkout was read"
run --version | grep -q "^netstep " && ok "moved prefix: --version" || bad "--version"
if command -v man >/dev/null; then
    MANPATH="$p/share/man" man -w netstep 2>/dev/null | grep -q "$p/share/man/man1/netstep.1.gz" &&
        ok "man -w finds netstep in the prefix" || bad "man -w netstep"
fi

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
