#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# install-deps.sh - install the Debian packages netstep builds and tests with.
#
# Two sets, so that building never pulls in what only the tests need:
#   build  compiler, make, CMake, pkg-config, libpcap, ncurses, cairo, jansson,
#          lz4 (the event log keeps frames compressed):
#          what `make build`, `make demo` and `make deb` need
#   test   the build set plus Check, tshark, tmux, iproute2, python3, curl,
#          clang with libFuzzer's runtime, rsvg-convert, xmllint, mandoc,
#          lintian, dpkg-dev, man-db and zsh: what `make test` needs
# Installs only what is missing, non-interactively, with sudo when not root.
#   scripts/install-deps.sh --build          install the build set
#   scripts/install-deps.sh --test           install the build and test sets
#   scripts/install-deps.sh --deb            the build set and dpkg-dev, whose
#                                            dpkg-shlibdeps `make deb` needs
#   scripts/install-deps.sh                  the same as --test
#   scripts/install-deps.sh --bench          also what the benchmarks compare with:
#                                            Debian's libns3-dev (ns-3, about 1 GB
#                                            with its dependencies), which bench_scale
#                                            runs beside netstep. Never needed by
#                                            `make test`.
#   add --check to any of these: exit 0 if nothing is missing, 1 otherwise
#   scripts/install-deps.sh --list [--build|--test|--deb|--bench]
#                                            print the set's package names
set -eu

SET=test
BENCH=0
CHECK=0
LIST=0
for arg in "$@"; do
    case "$arg" in
        --build) SET=build ;;
        --test) SET=test ;;
        --deb) SET=deb ;;
        --bench) BENCH=1 ;;
        --check) CHECK=1 ;;
        --list) LIST=1 ;;
        *) echo "usage: scripts/install-deps.sh [--build | --test | --deb] [--bench] [--check | --list]" >&2
           exit 2 ;;
    esac
done

# package:a file whose presence shows it is installed (else dpkg is asked)
BUILD_PKGS="gcc:/usr/bin/gcc
make:/usr/bin/make
cmake:/usr/bin/cmake
pkg-config:/usr/bin/pkg-config
libpcap-dev:/usr/include/pcap/pcap.h
libncurses-dev:/usr/include/ncursesw/ncurses.h
libcairo2-dev:/usr/include/cairo/cairo.h
libjansson-dev:/usr/include/jansson.h
liblz4-dev:/usr/include/lz4.h"
# clang and libclang-rt-14-dev (libFuzzer's runtime on Debian 12) build the
# fuzz targets; librsvg2-bin and libxml2-utils check the pictures; mandoc
# lints the man pages; lintian and dpkg-dev build and check the package;
# zsh tries the zsh completion (tests/cli/completion.sh).
TEST_PKGS="check:/usr/include/check.h
tshark:/usr/bin/tshark
tmux:/usr/bin/tmux
iproute2:/usr/sbin/ip
python3:/usr/bin/python3
curl:/usr/bin/curl
clang:/usr/bin/clang
libclang-rt-14-dev:-
librsvg2-bin:/usr/bin/rsvg-convert
libxml2-utils:/usr/bin/xmllint
mandoc:/usr/bin/mandoc
lintian:/usr/bin/lintian
dpkg-dev:/usr/bin/dpkg-shlibdeps
man-db:/usr/bin/man
zsh:/usr/bin/zsh"

PKGS=$BUILD_PKGS
[ "$SET" = test ] && PKGS="$PKGS
$TEST_PKGS"
[ "$SET" = deb ] && PKGS="$PKGS
dpkg-dev:/usr/bin/dpkg-shlibdeps"
if [ "$BENCH" = 1 ]; then
    PKGS="$PKGS
g++:/usr/bin/g++
libns3-dev:/usr/lib/x86_64-linux-gnu/pkgconfig/ns3-core.pc"
fi

if [ "$LIST" = 1 ]; then
    for entry in $PKGS; do echo "${entry%%:*}"; done
    exit 0
fi

installed() {  # installed PKG: dpkg has it fully installed
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=""
for entry in $PKGS; do
    pkg=${entry%%:*}
    probe=${entry#*:}
    if { [ "$probe" = - ] || [ ! -e "$probe" ]; } && ! installed "$pkg"; then
        missing="$missing $pkg"
    fi
done

if [ "$CHECK" = 1 ]; then
    [ -z "$missing" ] && exit 0
    echo "install-deps: missing ($SET set):$missing" >&2
    exit 1
fi

if [ -z "$missing" ]; then
    echo "install-deps: everything in the $SET set is installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: no apt-get here; install by hand:$missing" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: not root and no sudo; install by hand:$missing" >&2
        exit 1
    fi
fi

echo "install-deps: installing ($SET set):$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer "no" without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" \
    | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 $missing
echo "install-deps: done"
