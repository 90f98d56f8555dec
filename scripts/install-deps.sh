#!/usr/bin/env bash
# install-deps.sh - install the Debian packages netstep builds and tests with.
#
# Installs only what is missing, non-interactively, with sudo when not root.
# `make demo` and `make test` call this only when `--check` reports a gap.
#   scripts/install-deps.sh          install whatever is missing
#   scripts/install-deps.sh --check  exit 0 if nothing is missing, 1 otherwise
#   scripts/install-deps.sh --bench  also what the benchmarks compare with:
#                                    Debian's libns3-dev (ns-3, about 1 GB with
#                                    its dependencies), which bench_scale runs
#                                    beside netstep. Never needed by `make test`.
#   scripts/install-deps.sh --bench --check   the same check, with it
set -eu

BENCH=0
CHECK=0
for arg in "$@"; do
    case "$arg" in
        --bench) BENCH=1 ;;
        --check) CHECK=1 ;;
        *) echo "usage: scripts/install-deps.sh [--bench] [--check]" >&2; exit 2 ;;
    esac
done

# package -> a file or command whose presence shows it is installed
PKGS="gcc:/usr/bin/gcc
make:/usr/bin/make
cmake:/usr/bin/cmake
pkg-config:/usr/bin/pkg-config
libpcap-dev:/usr/include/pcap/pcap.h
libncurses-dev:/usr/include/ncursesw/ncurses.h
check:/usr/include/check.h
tshark:/usr/bin/tshark
tmux:/usr/bin/tmux
iproute2:/usr/sbin/ip
python3:/usr/bin/python3
curl:/usr/bin/curl"
if [ "$BENCH" = 1 ]; then
    PKGS="$PKGS
g++:/usr/bin/g++
libns3-dev:/usr/lib/x86_64-linux-gnu/pkgconfig/ns3-core.pc"
fi

missing=""
for entry in $PKGS; do
    pkg=${entry%%:*}
    probe=${entry#*:}
    if [ ! -e "$probe" ] && ! dpkg -s "$pkg" >/dev/null 2>&1; then
        missing="$missing $pkg"
    fi
done

if [ "$CHECK" = 1 ]; then
    [ -z "$missing" ] && exit 0
    echo "install-deps: missing:$missing" >&2
    exit 1
fi

if [ -z "$missing" ]; then
    echo "install-deps: everything is installed"
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

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer "no" without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" \
    | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
echo "install-deps: done"
