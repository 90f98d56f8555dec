#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# regen-pictures.sh - regenerate the pictures in docs/pictures/ with the
# program itself (netstep draw), as README.md and docs/pictures.md show them.
#
#   scripts/regen-pictures.sh [NETSTEP]     (default: build/netstep)
#
# The drawings are deterministic: the same lesson, seed and fonts give the
# same bytes, so a commit that changes one says that the picture changed.
# Text is drawn with the DejaVu fonts (fonts-dejavu-core, which cairo's
# Debian packages pull in); other fonts give other glyph outlines.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
ns=${1:-$here/build/netstep}
out=$here/docs/pictures
[ -x "$ns" ] || { echo "regen-pictures.sh: no $ns; build first (make)" >&2; exit 2; }
mkdir -p "$out"
draw() { echo "  $*" >&2; "$ns" draw "$@"; }

# README: the handshake's ladder, the congestion lesson's cwnd, a topology
draw ladder tcp/handshake -o "$out/tcp-handshake-ladder.svg"
draw cwnd tcp/congestion-side-by-side -o "$out/tcp-congestion-side-by-side-cwnd.svg"
draw topology ip/traceroute -o "$out/ip-traceroute-topology.svg"
draw timeseq tcp/sack-recovery -o "$out/tcp-sack-recovery-timeseq.svg"
draw rtt tcp/retransmission-timeout -o "$out/tcp-retransmission-timeout-rtt.svg"

# every TCP lesson's ladder, linked from docs/pictures.md; the two long ones
# drawn for their first part (their plots show the rest)
for scn in "$here"/scenarios/tcp/*.scn; do
    lesson=$(basename "$scn" .scn)
    case $lesson in
        congestion-side-by-side) continue ;;
        slow-start) draw ladder "tcp/$lesson" --to 300ms -o "$out/tcp-$lesson-ladder.png" ;;
        *) draw ladder "tcp/$lesson" -o "$out/tcp-$lesson-ladder.png" ;;
    esac
done
echo "regen-pictures.sh: pictures in docs/pictures/" >&2
