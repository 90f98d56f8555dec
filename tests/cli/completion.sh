#!/usr/bin/env bash
# completion.sh - bash completion offers the commands, each command's options,
# option values and lesson names (from `netstep list` of the program being
# completed); zsh's file at least parses.   completion.sh NETSTEP SRCDIR OUTDIR
set -u
ns=$1; src=$2
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
# shellcheck source=../../completions/netstep.bash
. "$src/completions/netstep.bash"
complete -p netstep | grep -q -- "-F _netstep" && ok "registered for netstep" || bad "not registered"

offers() {  # offers WANT WORD... : completing the last WORD offers WANT
    local want=$1; shift
    COMP_WORDS=("$ns" "$@"); COMP_CWORD=$#
    COMPREPLY=()
    _netstep
    if printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$want"; then
        ok "'netstep $*' offers $want"
    else
        bad "'netstep $*' does not offer $want (got: ${COMPREPLY[*]:0:12})"
    fi
}
offers run ""
offers ui u
offers tcp/handshake tcp/hand
offers udp/echo run udp/
offers --trace run --tr
offers --pcap-dir run --pcap-
offers --theme ui --th
offers high-contrast ui --theme h
offers osi ui --model ""
offers --help check --
offers app/websocket ui app/web
# nothing but files after --pcap
COMP_WORDS=("$ns" run --pcap tcp/hand); COMP_CWORD=3; COMPREPLY=(); _netstep
printf '%s\n' "${COMPREPLY[@]}" | grep -qx "tcp/handshake" && bad "--pcap offers lesson names" ||
    ok "--pcap completes file names, not lessons"

if command -v zsh >/dev/null; then
    zsh -n "$src/completions/_netstep" && ok "_netstep parses in zsh" || bad "_netstep: zsh -n"
else
    echo "note: zsh is not installed; _netstep not parsed"
fi
echo
echo "$failures failed"
[ "$failures" -eq 0 ]
