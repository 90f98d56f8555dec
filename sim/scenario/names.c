/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/names.c - the names of the enums, as the language spells
 * them.
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------- */

const char *
scn_step_kind_name(enum scn_step_kind k)
{
    static const char *const names[SCN_STEP_KIND_COUNT] = {
        [SCN_STEP_SOCKET] = "socket", [SCN_STEP_BIND] = "bind",
        [SCN_STEP_CONNECT] = "connect", [SCN_STEP_SEND] = "send",
        [SCN_STEP_SENDTO] = "sendto", [SCN_STEP_RECV] = "recv",
        [SCN_STEP_RECVFROM] = "recvfrom", [SCN_STEP_CLOSE] = "close",
        [SCN_STEP_PING] = "ping", [SCN_STEP_SLEEP] = "sleep",
        [SCN_STEP_SAY] = "say", [SCN_STEP_EXPECT] = "expect",
        [SCN_STEP_PAUSE] = "pause", [SCN_STEP_WAIT] = "wait",
        [SCN_STEP_LISTEN] = "listen", [SCN_STEP_ECHO] = "echo", [SCN_STEP_ACCEPT] = "accept",
        [SCN_STEP_SHUTDOWN] = "shutdown", [SCN_STEP_SETSOCKOPT] = "setsockopt",
        [SCN_STEP_SET] = "set", [SCN_STEP_DROP] = "drop",
        [SCN_STEP_ROUTE_ADD] = "route add", [SCN_STEP_ROUTE_SHOW] = "ip route",
        [SCN_STEP_TRACEROUTE] = "traceroute", [SCN_STEP_LINK_STATE] = "link",
    };
    const struct stmt_def *def;

    if ((unsigned)k >= SCN_STEP_KIND_COUNT)
        return "?";
    if (names[k] != NULL)
        return names[k];
    def = stmt_of_kind(k);  /* a newer statement: its word */
    return def != NULL ? def->word : "?";
}

const char *
scn_sock_type_name(enum scn_sock_type t)
{
    static const char *const names[SCN_SOCK_TYPE_COUNT] = {
        [SCN_SOCK_UDP] = "udp", [SCN_SOCK_TCP] = "tcp", [SCN_SOCK_ICMP] = "icmp",
        [SCN_SOCK_LOCAL_STREAM] = "local stream", [SCN_SOCK_LOCAL_DGRAM] = "local dgram",
    };
    return (unsigned)t < SCN_SOCK_TYPE_COUNT ? names[t] : "?";
}

const char *
scn_cmp_name(enum scn_cmp c)
{
    return (unsigned)c < SCN_CMP_COUNT ? cmp_names[c] : "?";
}

const char *
scn_sockopt_name(enum scn_sockopt o)
{
    return (unsigned)o < SCN_OPT_COUNT ? sockopt_names[o] : "?";
}

const char *
scn_cc_name(enum scn_cc c)
{
    return (unsigned)c < SCN_CC_COUNT ? cc_names[c] : "?";
}

const char *
scn_set_key_name(enum scn_set_key k)
{
    return (unsigned)k < SCN_SET_KEY_COUNT ? set_keys[k].name : "?";
}

const char *
scn_shut_name(enum scn_shut h)
{
    static const char *const names[SCN_SHUT_COUNT] = { "rd", "wr", "rdwr" };
    return (unsigned)h < SCN_SHUT_COUNT ? names[h] : "?";
}

const char *
scn_proto_name(enum scn_proto pr)
{
    return (unsigned)pr < SCN_PROTO_COUNT ? proto_names[pr] : "?";
}

const char *
scn_rule_action_name(enum scn_rule_action a)
{
    static const char *const names[SCN_RULE_ACTION_COUNT] = { "drop", "delay", "duplicate",
                                                              "corrupt" };
    return (unsigned)a < SCN_RULE_ACTION_COUNT ? names[a] : "?";
}

const char *
scn_arp_state_name(enum scn_arp_state s)
{
    static const char *const names[SCN_ARP_STATE_COUNT] = {
        [SCN_ARP_MAC] = "mac", [SCN_ARP_ABSENT] = "absent",
        [SCN_ARP_INCOMPLETE] = "incomplete", [SCN_ARP_PRESENT] = "present",
    };
    return (unsigned)s < SCN_ARP_STATE_COUNT ? names[s] : "?";
}
