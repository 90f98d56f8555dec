# SPDX-License-Identifier: BSD-2-Clause
# netstep.bash - bash completion for netstep: subcommands, options, lesson names.
#
# Installed as share/bash-completion/completions/netstep (bash-completion
# loads it the first time `netstep <Tab>` is pressed); or `source` it.
# Lesson names come from `netstep list` of the very program being completed,
# so they follow NETSTEP_SCENARIOS and wherever that copy is installed.

_netstep_lessons()
{
    "$1" list 2>/dev/null | awk '/^  [^ ]/ { print $1 }'
}

_netstep()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]}
    local cmd=""
    [ "$COMP_CWORD" -gt 1 ] && cmd=${COMP_WORDS[1]}
    COMPREPLY=()

    if [ "$COMP_CWORD" -eq 1 ]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "run ui check quiz list draw packetdrill $(_netstep_lessons "$prog")" -- "$cur")
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -o plusdirs -f -X '!*.scn' -- "$cur")
        # the view opens a packetdrill script too
        [ "$cmd" = ui ] &&
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.pkt' -- "$cur")
        fi
        return 0
    fi

    case $prev in
    --pcap | -w | --output | -o)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    --pcap-dir)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
    --model | -m)
        mapfile -t COMPREPLY < <(compgen -W "osi tcpip" -- "$cur"); return 0 ;;
    --theme)
        mapfile -t COMPREPLY < <(compgen -W "default high-contrast mono" -- "$cur"); return 0 ;;
    --personality)
        mapfile -t COMPREPLY < <(compgen -W "netstep freebsd linux" -- "$cur"); return 0 ;;
    --compare)
        mapfile -t COMPREPLY < <(compgen -W "netstep,freebsd netstep,linux freebsd,linux" -- "$cur"); return 0 ;;
    --tolerance_usecs | -D | --define)
        return 0 ;;
    --seed | -s | --tap | -T | --dump | --keys | --from | --to | --hosts | --conn)
        return 0 ;;
    esac

    local opts=""
    case $cmd in
    run) opts="--trace --pcap --pcap-dir --pcapng --seed --quiet --step --pause --tap --tap-create --json --help" ;;
    ui) opts="--model --theme --ascii --projector --seed --tap --tap-create --dump --keys --personality --help" ;;
    draw) opts="--output --seed --from --to --hosts --conn --say --csv --help" ;;
    check | list) opts="--help" ;;
    quiz) opts="--seed --help" ;;
    packetdrill) opts="--personality --compare --tolerance_usecs --define --seed --verbose --trace --help" ;;
    *) opts="--trace --pcap --pcap-dir --pcapng --seed --quiet --step --pause --tap --help" ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [ "$cmd" = draw ] && [ "$COMP_CWORD" -eq 2 ]; then
        mapfile -t COMPREPLY < <(compgen -W "ladder timeseq cwnd rtt topology" -- "$cur")
    elif [ "$cmd" = packetdrill ]; then
        mapfile -t COMPREPLY < <(compgen -o plusdirs -f -X '!*.pkt' -- "$cur")
    elif [ "$cmd" != list ]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_netstep_lessons "$prog")" -- "$cur")
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -o plusdirs -f -X '!*.scn' -- "$cur")
        # the view opens a packetdrill script too
        [ "$cmd" = ui ] &&
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.pkt' -- "$cur")
    fi
    return 0
}
complete -o filenames -F _netstep netstep
