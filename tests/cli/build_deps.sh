#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# build_deps.sh - building needs only what building needs: install-deps.sh's
# build set holds no test tool, `make build` asks only for that set, and
# CMake configures the program without Check (tests off, said so), while
# NETSTEP_TESTS=ON without Check stops with a clear message.
#   build_deps.sh NETSTEP SRCDIR OUTDIR
set -u
src=$2; out=$3/build_deps
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

build_set=$("$src/scripts/install-deps.sh" --list --build)
test_set=$("$src/scripts/install-deps.sh" --list --test)
for p in check tshark tmux iproute2 curl clang lintian mandoc librsvg2-bin; do
    echo "$build_set" | grep -qx "$p" && bad "the build set holds $p" || ok "the build set has no $p"
    echo "$test_set" | grep -qx "$p" && ok "the test set has $p" || bad "the test set lacks $p"
done
for p in $build_set; do
    echo "$test_set" | grep -qx "$p" || bad "the test set lacks build package $p"
done
for p in gcc cmake pkg-config libpcap-dev libncurses-dev; do
    echo "$build_set" | grep -qx "$p" && ok "the build set has $p" || bad "the build set lacks $p"
done

# What `make build` and `make demo` would run (make -n runs nothing).
make -n -C "$src" build BUILD="$out/never" > "$out/make-build.txt" 2>&1
grep -q "install-deps.sh --build" "$out/make-build.txt" && ! grep -q -- "--test" "$out/make-build.txt" &&
    ok "make build installs the build set only" || bad "make build: $(grep install-deps "$out/make-build.txt")"
make -n -C "$src" test-plain BUILD="$out/never" > "$out/make-test.txt" 2>&1
grep -q "install-deps.sh --test" "$out/make-test.txt" && ok "make test installs the test set" ||
    bad "make test does not install the test set"

make -n -C "$src" deb DEB="$out/never" > "$out/make-deb.txt" 2>&1
grep -q "install-deps.sh --deb" "$out/make-deb.txt" && ! grep -q -- "--test" "$out/make-deb.txt" &&
    ok "make deb installs the build set and dpkg-dev only" || bad "make deb: $(grep install-deps "$out/make-deb.txt")"
"$src/scripts/install-deps.sh" --list --deb | grep -qx dpkg-dev && ok "the deb set has dpkg-dev" ||
    bad "the deb set lacks dpkg-dev"

# CMake with a pkg-config that has never heard of Check.
cat > "$out/pkg-config" <<'EOS'
#!/bin/sh
for a in "$@"; do case $a in check|check[\ \>=]*) exit 1 ;; esac; done
exec /usr/bin/pkg-config "$@"
EOS
chmod +x "$out/pkg-config"
cmake -S "$src" -B "$out/auto" -DPKG_CONFIG_EXECUTABLE="$out/pkg-config" -DNETSTEP_LTO=OFF \
    > "$out/auto.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "configures without Check" || { bad "configure without Check: exit $rc"; tail -5 "$out/auto.log"; }
grep -q "Check not found: the tests are not built" "$out/auto.log" && ok "says the tests are not built" ||
    bad "no word about the tests"
cmake --build "$out/auto" --target help > "$out/targets.txt" 2>&1
grep -q "test_tcp_input" "$out/targets.txt" && bad "test programs are still targets" ||
    ok "no test program is a target"
grep -qE "^\.\.\. netstep( |$)" "$out/targets.txt" && ok "netstep is a target" || bad "netstep is not a target"
cmake -S "$src" -B "$out/on" -DPKG_CONFIG_EXECUTABLE="$out/pkg-config" -DNETSTEP_TESTS=ON \
    > "$out/on.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q "NETSTEP_TESTS=ON needs Check" "$out/on.log" &&
    ok "NETSTEP_TESTS=ON without Check: a clear error" || bad "NETSTEP_TESTS=ON without Check: exit $rc"
rm -rf "$out/auto" "$out/on"
echo
echo "$failures failed"
[ "$failures" -eq 0 ]
