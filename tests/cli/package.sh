#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# package.sh - the Debian package, end to end, on this machine: build it from
# this build tree (cpack), lintian finds no error, `apt-get install ./deb`,
# then with the source and build trees hidden (a private mount namespace puts
# empty folders over them) and from another directory: `netstep list` shows
# every lesson, a lesson runs, `man -w` finds both pages, completion is in
# place; then `apt-get purge` and nothing the package held is left.
#   package.sh NETSTEP SRCDIR OUTDIR
# Needs root, apt-get, dpkg and unshare: otherwise skipped (77) with the
# reason. The package is removed on every way out (trap), and the test never
# replaces a netstep installed by someone else: then it skips.
set -u
ns=$1; src=$2; out=$3/package
build=$(cd "$(dirname "$ns")" && pwd)
skip() { echo "skip: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for t in apt-get dpkg dpkg-deb cpack unshare flock; do
    command -v "$t" >/dev/null || skip "no $t here"
done
[ -f "$build/CPackConfig.cmake" ] || skip "$build has no CPackConfig.cmake"
# A sanitizer build's program depends on libasan: not what a lab installs.
ldd "$ns" 2>/dev/null | grep -q libasan && skip "a sanitizer build; the plain build's run tests the package"
rm -rf "$out"; mkdir -p "$out"
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# One package test at a time on this machine (other build trees run it too).
exec 9> /tmp/netstep-package-test.lock
flock -w 900 9 || skip "another package test held the lock for 15 minutes"
if dpkg-query -W -f='${Status}' netstep 2>/dev/null | grep -q "ok installed"; then
    skip "a netstep package is installed already; this test will not replace it"
fi

(cd "$out" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out/pkg") > "$out/cpack.log" 2>&1 ||
    { echo "FAIL cpack:"; tail -20 "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/pkg/netstep_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL no netstep_*.deb from cpack"; exit 1; }
version=$("$ns" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "netstep_${version}_${arch}.deb" ] && ok "built $(basename "$deb")" ||
    bad "package name $(basename "$deb"), want netstep_${version}_${arch}.deb"
dpkg-deb -f "$deb" Depends | grep -q "libpcap0.8" && ok "Depends computed: $(dpkg-deb -f "$deb" Depends)" ||
    bad "Depends lacks libpcap: $(dpkg-deb -f "$deb" Depends)"
if command -v lintian >/dev/null; then
    if lintian --fail-on error "$deb" > "$out/lintian.log" 2>&1; then
        ok "lintian: no error ($(grep -c '^[WI]:' "$out/lintian.log") warnings and notes)"
    else
        bad "lintian:"; sed 's/^/    /' "$out/lintian.log"
    fi
else
    echo "note: lintian is not installed (scripts/install-deps.sh --test); not run"
fi

export DEBIAN_FRONTEND=noninteractive
# --no-install-recommends: the test must leave the machine as it found it,
# and a recommended package (bash-completion) would stay after the purge.
apt() { apt-get -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "$@"; }
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        apt purge netstep > "$out/purge-trap.log" 2>&1 || echo "FAIL: could not remove netstep (see $out/purge-trap.log)"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

installed=1
if ! apt install "$deb" > "$out/install.log" 2>&1; then
    echo "FAIL apt-get install:"; tail -20 "$out/install.log"; exit 1
fi
ok "apt-get install ./$(basename "$deb")"
dpkg -L netstep > "$out/files"
n_src=$(find "$src/scenarios" -name '*.scn' | wc -l)

# As a person on a lab machine: the checkout and build tree are not there
# (empty folders mounted over them in a private mount namespace), the
# environment is a login's, the directory is somewhere else.
cat > "$out/as-user.sh" <<EOS
set -u
cd /tmp
# the build tree first: it may lie inside the checkout
for d in "$build" "$src"; do
    mount -t tmpfs -o size=1m,mode=0755 none "\$d" || { echo "checkout still visible"; exit 1; }
done
[ -z "\$(ls -A "$src")" ] && [ ! -e "$ns" ] || { echo "checkout still visible"; exit 1; }
echo "== which"; command -v netstep
echo "== list"; netstep list
echo "== run"; netstep run tcp/handshake --quiet; echo "rc=\$?"
echo "== view"; netstep ui tcp/handshake --dump 80x24 | head -1
echo "== man"; man -w netstep; man -w 5 netstep-scenario
echo "== complete"
. /usr/share/bash-completion/completions/netstep
COMP_WORDS=(netstep run tcp/hand); COMP_CWORD=2; _netstep; echo "offers: \${COMPREPLY[*]}"
EOS
unshare -m sh -c "mount --make-rprivate / && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 bash $out/as-user.sh" \
    > "$out/as-user.out" 2>&1
o=$out/as-user.out
grep -qx "/usr/bin/netstep" "$o" && ok "netstep is /usr/bin/netstep" || bad "which: $(sed -n 2p "$o")"
grep -q "checkout still visible" "$o" && bad "the checkout could not be hidden"
grep -q "^$n_src lessons" "$o" && ok "list shows all $n_src lessons" || bad "list: $(grep -A3 '== list' "$o")"
grep -qx "rc=0" "$o" && ok "run tcp/handshake: every expect holds" || bad "run: $(grep -A3 '== run' "$o")"
grep -q "TCP three-way handshake" "$o" && ok "the view opens tcp/handshake" || bad "view: $(grep -A2 '== view' "$o")"
grep -qx "/usr/share/man/man1/netstep.1.gz" "$o" && ok "man -w netstep" || bad "man -w netstep: $(grep -A2 '== man' "$o")"
grep -qx "/usr/share/man/man5/netstep-scenario.5.gz" "$o" && ok "man -w 5 netstep-scenario" || bad "man -w 5 netstep-scenario"
grep -q "^offers: .*tcp/handshake" "$o" && ok "bash completion offers tcp/handshake" ||
    bad "completion: $(grep -A1 '== complete' "$o")"
for f in /usr/share/bash-completion/completions/netstep /usr/share/zsh/vendor-completions/_netstep \
         /usr/share/doc/netstep/copyright /usr/share/doc/netstep/changelog.gz; do
    grep -qx "$f" "$out/files" && ok "the package holds $f" || bad "the package lacks $f"
done

# Remove it; nothing it held may remain.
installed=0
apt purge netstep > "$out/purge.log" 2>&1 && ok "apt-get purge netstep" || bad "apt-get purge: $(tail -3 "$out/purge.log")"
dpkg-query -W -f='${Status}' netstep 2>/dev/null | grep -q "ok installed" && bad "dpkg still lists netstep"
left=0
while read -r f; do
    # directories shared with other packages (/usr, /usr/share/man...) stay
    if [ -e "$f" ] && ! [ -d "$f" ]; then echo "    left behind: $f"; left=$((left + 1)); fi
done < "$out/files"
[ -e /usr/share/netstep ] && { echo "    left behind: /usr/share/netstep"; left=$((left + 1)); }
[ -e /usr/share/doc/netstep ] && { echo "    left behind: /usr/share/doc/netstep"; left=$((left + 1)); }
[ "$left" -eq 0 ] && ok "nothing left behind ($(wc -l < "$out/files") paths checked)" || bad "$left paths left behind"

echo
echo "$failures failed"
[ "$failures" -eq 0 ]
