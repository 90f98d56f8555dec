#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# completion.sh - bash completion offers the commands, each command's options,
# option values and lesson names (from `netstep list` of the program being
# completed); so does zsh's, driven in a pseudo-terminal.
#   completion.sh NETSTEP SRCDIR OUTDIR
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
offers draw dr
offers ladder draw la
offers packetdrill pa
offers --personality packetdrill --pers
offers freebsd packetdrill --personality f
offers topology draw to
offers tcp/handshake draw ladder tcp/hand
offers --csv draw ladder --cs
offers --json run --js
offers --tap-create run --tap-c
offers --projector ui --proj
# nothing but files after --pcap
COMP_WORDS=("$ns" run --pcap tcp/hand); COMP_CWORD=3; COMPREPLY=(); _netstep
printf '%s\n' "${COMPREPLY[@]}" | grep -qx "tcp/handshake" && bad "--pcap offers lesson names" ||
    ok "--pcap completes file names, not lessons"

# zsh: an interactive zsh -f in a pseudo-terminal (zsh/zpty), compinit with
# completions/ first in fpath; type the words, press Tab, read the line back.
if command -v zsh >/dev/null; then
    zdir=$(mktemp -d); trap 'rm -rf "$zdir"' EXIT
    ln -s "$ns" "$zdir/netstep"
    cat > "$zdir/drive.zsh" <<'EOZ'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($COMPDIR \$fpath); autoload -Uz compinit; compinit -u -D; path=($BINDIR \$path)"
zpty -n -w z "netstep $WORDS"$'\t'
out=""
for i in {1..100}; do
    while zpty -rt z chunk 2>/dev/null; do out+=$chunk; done
    [[ $out == *"netstep $WANT"* ]] && break
    sleep 0.1
done
zpty -d z
print -r -- "$out"
EOZ
    zoffers() {  # zoffers WANT WORDS: Tab after WORDS turns the line into WANT
        local got
        got=$(COMPDIR="$src/completions" BINDIR="$zdir" WORDS="$2" WANT="$1" timeout 30 zsh -f "$zdir/drive.zsh" 2>&1 |
              tr -d '\033' | tr '\r' '\n')
        if printf '%s' "$got" | grep -qaF -- "netstep $1"; then
            ok "zsh: 'netstep $2<Tab>' gives 'netstep $1'"
        else
            bad "zsh: 'netstep $2<Tab>' does not give 'netstep $1'"
        fi
    }
    zoffers "tcp/handshake" "tcp/hand"
    zoffers "run udp/echo" "run udp/ec"
    zoffers "ui app/websocket" "ui app/webs"
    zoffers "run --trace" "run --tr"
    zoffers "ui --theme high-contrast" "ui --theme high-"
    zoffers "ui --model osi" "ui --model o"
else
    echo "note: zsh is not installed (scripts/install-deps.sh --test); _netstep not tried"
fi
echo
echo "$failures failed"
[ "$failures" -eq 0 ]
