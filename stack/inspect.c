/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inspect.c - read-only snapshots of a host for expects and the view.
 */
#include "stack/inspect.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "stack/drop.h"
#include "stack/host.h"
#include "stack/ipv6.h"
#include "stack/wire/icmp.h"

static void
inspect_arp_fill(const struct arp_entry *e, struct inspect_arp *out)
{
    memset(out, 0, sizeof(*out));
    out->ip = e->ip;
    if (e->state != ARP_INCOMPLETE)
        memcpy(out->mac, e->mac, ETH_ALEN);
    out->state = arp_state_name(e->state);
    out->ifname = e->ifc != NULL ? e->ifc->name : "-";
    out->expires_ns = e->state == ARP_REACHABLE ? e->expires_ns : 0;
    out->queued = (unsigned)e->pending.count;
}

size_t
inspect_arp(const struct host *h, struct inspect_arp *out, size_t max)
{
    size_t n = 0;
    for (unsigned i = 0; i < h->arp.cap; i++) {
        const struct arp_entry *e = &h->arp.e[i];
        if (e->state == ARP_FREE)
            continue;
        if (n < max)
            inspect_arp_fill(e, &out[n]);
        n++;
    }
    return n;
}

bool
inspect_arp_find(const struct host *h, uint32_t ip, struct inspect_arp *out)
{
    const struct arp_entry *e = arp_cache_lookup(h, ip);
    if (e == NULL)
        return false;
    inspect_arp_fill(e, out);
    return true;
}

static void
inspect_socket_fill(const struct host *h, const struct socket *s, struct inspect_socket *out)
{
    memset(out, 0, sizeof(*out));
    out->fd = s->fd;
    out->proto = sock_proto_name(s->proto);
    out->laddr = s->pcb.laddr;
    out->lport = s->pcb.lport;
    out->faddr = s->pcb.faddr;
    out->fport = s->pcb.fport;
    out->v6 = s->pcb.v6;
    out->mapped = !s->pcb.v6 && s->domain == SOCK_DOMAIN_INET6;
    if (s->pcb.v6) {
        out->laddr6 = s->pcb.laddr6;
        out->faddr6 = s->pcb.faddr6;
    }
    out->bound = s->bound;
    out->connected = s->connected;
    out->state = s->connected ? "ESTAB" : "UNCONN";
    if (s->proto == SOCK_PROTO_LOCAL && s->listening)
        out->state = "LISTEN";  /* as ss -x shows a listening local socket */
    if (s->proto == SOCK_PROTO_TCP) {
        const struct tcb *tp = tcp_tcb_by_fd(h, s->fd);
        if (tp != NULL) {
            out->state = tcp_state_name(tp->state);
            out->rcvq_bytes = tp->rcvq.len;
        }
        return;
    }
    out->so_error = s->so_error;
    out->rcvq_bytes = s->rcvq.bytes;
    out->rcvq_count = s->rcvq.count;
}

size_t
inspect_sockets(const struct host *h, struct inspect_socket *out, size_t max)
{
    size_t n = 0;
    for (unsigned i = 0; i < h->socks.cap; i++) {
        const struct socket *s = h->socks.s[i];
        if (s == NULL)
            continue;
        if (n < max)
            inspect_socket_fill(h, s, &out[n]);
        n++;
    }
    return n;
}

bool
inspect_socket(const struct host *h, int fd, struct inspect_socket *out)
{
    int i = fd - SOCK_FD_BASE;
    if (i < 0 || (unsigned)i >= h->socks.cap || h->socks.s[i] == NULL)
        return false;
    inspect_socket_fill(h, h->socks.s[i], out);
    return true;
}

/* Counter names are "<layer>.<what>"; these are the layers they name. */
static const struct {
    const char *name;
    enum trace_layer layer;
} counter_layers[] = {
    { "eth", LAYER_ETH },   { "arp", LAYER_ARP },    { "ipv4", LAYER_IPV4 },
    { "ip", LAYER_IPV4 },   { "icmp", LAYER_ICMP },  { "udp", LAYER_UDP },
    { "tcp", LAYER_TCP },   { "socket", LAYER_SOCKET },
};

/* IPv6's own counters (struct ip6_stats, stack/ipv6.h); 0 on a host
 * without IPv6. */
static const struct {
    const char *name;
    size_t off;
} ip6_counters[] = {
    { "ipv6.forwarded", offsetof(struct ip6_stats, forwarded) },
    { "ipv6.frag_created", offsetof(struct ip6_stats, frag_created) },
    { "ipv6.frag_ok", offsetof(struct ip6_stats, frag_ok) },
    { "ipv6.reasm_reqd", offsetof(struct ip6_stats, reasm_reqd) },
    { "ipv6.reasm_ok", offsetof(struct ip6_stats, reasm_ok) },
    { "ipv6.reasm_fails", offsetof(struct ip6_stats, reasm_fails) },
    { "ipv6.pmtu_learned", offsetof(struct ip6_stats, pmtu_learned) },
};
#define N_IP6_COUNTERS (sizeof(ip6_counters) / sizeof(ip6_counters[0]))

static const struct {
    const char *name;
    uint8_t type;
} icmp_types[] = {
    { "echo_request", ICMP_ECHO_REQUEST },
    { "echo_reply", ICMP_ECHO_REPLY },
    { "unreachable", ICMP_DEST_UNREACH },
    { "time_exceeded", ICMP_TIME_EXCEEDED },
};

#define N_LAYERS (sizeof(counter_layers) / sizeof(counter_layers[0]))
#define N_ICMP   (sizeof(icmp_types) / sizeof(icmp_types[0]))

bool
inspect_counter(const struct host *h, const char *name, uint64_t *out)
{
    const struct host_stats *st = &h->stats;
    if (strcmp(name, "drops") == 0) {
        uint64_t sum = 0;
        for (int i = 1; i < DROP_COUNT; i++)
            sum += st->drops[i];
        *out = sum;
        return true;
    }
    if (strncmp(name, "drop.", 5) == 0) {
        enum drop_reason r = drop_reason_lookup(name + 5);
        if (r == DROP_COUNT)
            return false;
        *out = st->drops[r];
        return true;
    }
    if (strcmp(name, "ipv4.forwarded") == 0 || strcmp(name, "ip.forwarded") == 0) {
        *out = st->ipv4_forwarded;
        return true;
    }
    for (size_t k = 0; k < N_IP6_COUNTERS; k++) {
        if (strcmp(name, ip6_counters[k].name) == 0) {
            uint64_t v = 0;
            if (h->ip6 != NULL)
                memcpy(&v, (const uint8_t *)&h->ip6->stats + ip6_counters[k].off, sizeof v);
            *out = v;
            return true;
        }
    }
    if (strcmp(name, "udp.delivered") == 0) {
        *out = st->udp_delivered;
        return true;
    }
    if (strcmp(name, "local.tx") == 0) {
        *out = st->local_tx;
        return true;
    }
    if (strcmp(name, "local.tx_bytes") == 0) {
        *out = st->local_tx_bytes;
        return true;
    }
#define TCP_STAT_MATCH(field, sentence)                         \
    if (strcmp(name, "tcp." #field) == 0) {                     \
        *out = h->tcp.stats.field;                              \
        return true;                                            \
    }
    TCP_STATS(TCP_STAT_MATCH)
#undef TCP_STAT_MATCH
    for (size_t t = 0; t < N_ICMP; t++) {
        char rx[40], tx[40];
        snprintf(rx, sizeof(rx), "icmp.rx.%s", icmp_types[t].name);
        snprintf(tx, sizeof(tx), "icmp.tx.%s", icmp_types[t].name);
        if (strcmp(name, rx) == 0) {
            *out = host_icmp_count(h, false, icmp_types[t].type);
            return true;
        }
        if (strcmp(name, tx) == 0) {
            *out = host_icmp_count(h, true, icmp_types[t].type);
            return true;
        }
    }
    const char *dot = strchr(name, '.');
    if (dot == NULL)
        return false;
    for (size_t l = 0; l < N_LAYERS; l++) {
        size_t n = strlen(counter_layers[l].name);
        if ((size_t)(dot - name) != n || strncmp(name, counter_layers[l].name, n) != 0)
            continue;
        enum trace_layer layer = counter_layers[l].layer;
        if (strcmp(dot + 1, "rx") == 0)
            *out = st->rx[layer];
        else if (strcmp(dot + 1, "tx") == 0)
            *out = st->tx[layer];
        else if (strcmp(dot + 1, "drop") == 0 || strcmp(dot + 1, "drops") == 0)
            *out = st->drop_layer[layer];
        else
            return false;
        return true;
    }
    return false;
}

bool
inspect_counter_name(size_t i, char *buf, size_t n)
{
    static const char *const fixed[] = { "drops", "ipv4.forwarded", "udp.delivered", "local.tx",
                                         "local.tx_bytes" };
    static const char *const what[] = { "rx", "tx", "drop" };
    const size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
    if (i < n_fixed) {
        snprintf(buf, n, "%s", fixed[i]);
        return true;
    }
    i -= n_fixed;
    /* Skip the "ip" alias: list each layer once. */
    static const char *const layers[] = { "eth", "arp", "ipv4", "icmp", "udp", "tcp", "socket" };
    if (i < 7 * 3) {
        snprintf(buf, n, "%s.%s", layers[i / 3], what[i % 3]);
        return true;
    }
    i -= 7 * 3;
    if (i < N_ICMP * 2) {
        snprintf(buf, n, "icmp.%s.%s", i % 2 == 0 ? "rx" : "tx", icmp_types[i / 2].name);
        return true;
    }
    i -= N_ICMP * 2;
    static const char *const tcp_names[] = {
#define TCP_STAT_NAME(field, sentence) "tcp." #field,
        TCP_STATS(TCP_STAT_NAME)
#undef TCP_STAT_NAME
    };
    const size_t n_tcp = sizeof(tcp_names) / sizeof(tcp_names[0]);
    if (i < n_tcp) {
        snprintf(buf, n, "%s", tcp_names[i]);
        return true;
    }
    i -= n_tcp;
    if (i + 1 < DROP_COUNT) {
        snprintf(buf, n, "drop.%s", drop_reason_name((enum drop_reason)(i + 1)));
        return true;
    }
    i -= DROP_COUNT - 1;
    if (i < N_IP6_COUNTERS) {
        snprintf(buf, n, "%s", ip6_counters[i].name);
        return true;
    }
    return false;
}

/* ---- TCBs ---------------------------------------------------------------- */

static void
inspect_tcb_fill(const struct tcb *tp, struct inspect_tcb *out)
{
    memset(out, 0, sizeof(*out));
    out->fd = tp->fd;
    out->state = tcp_state_name(tp->state);
    out->laddr = tp->laddr;
    out->lport = tp->lport;
    out->faddr = tp->faddr;
    out->fport = tp->fport;
    out->v6 = tp->v6;
    /* An IPv4 connection of an AF_INET6 socket (its own, or its listener's
     * before accept()) is named ::ffff:a.b.c.d, as tcp_snapshot() names it
     * in the trace [RFC 4291 2.5.5.2]. */
    const struct tcb *owner = tp->fd >= 0 ? tp : tp->listener;
    const struct socket *s =
        !tp->v6 && owner != NULL && owner->fd >= 0 ? sock_lookup(tp->host, owner->fd) : NULL;
    out->mapped = s != NULL && s->domain == SOCK_DOMAIN_INET6;
    if (tp->v6) {
        out->laddr6 = tp->a6.l;
        out->faddr6 = tp->a6.f;
    }
    out->iss = tp->iss;
    out->irs = tp->irs;
    out->snd_una = tp->snd_una;
    out->snd_nxt = tp->snd_nxt;
    out->snd_max = tp->snd_max;
    out->snd_wnd = tp->snd_wnd;
    out->rcv_nxt = tp->rcv_nxt;
    out->rcv_wnd = tp->rcv_wnd;
    out->cwnd = tp->cwnd;
    out->ssthresh = tp->ssthresh;
    out->mss = tp->mss;
    out->srtt_ns = tp->srtt_ns;
    out->rttvar_ns = tp->rttvar_ns;
    out->rto_ns = tcp_rto_current(tp);
    size_t len = 0;
    out->timers_str[0] = '\0';
    for (int t = 0; t < TCP_T_COUNT; t++) {
        if (!tcp_timer_armed(tp, (enum tcp_timer_id)t))
            continue;
        out->timers |= 1u << t;
        int r = snprintf(out->timers_str + len, sizeof(out->timers_str) - len, "%s%s",
                         len > 0 ? "," : "", tcp_timer_name((enum tcp_timer_id)t));
        if (r > 0 && (size_t)r < sizeof(out->timers_str) - len)
            len += (size_t)r;
    }
    if (len == 0)
        snprintf(out->timers_str, sizeof(out->timers_str), "-");
    out->sndq_bytes = tp->sndq.len;
    out->rcvq_bytes = tp->rcvq.len;
    out->ooo_bytes = tp->ooo_bytes;
    out->cc = tcp_cc_name(tp->cc_algo);
    out->in_recovery = tp->in_recovery;
    out->retransmits = tp->retransmits;
    out->fast_retransmits = tp->fast_retransmits;
    out->rto_timeouts = tp->rto_timeouts;
    out->dupacks = tp->dupacks_rx;
}

bool
inspect_tcb(const struct host *h, int fd, struct inspect_tcb *out)
{
    const struct tcb *tp = tcp_tcb_by_fd(h, fd);
    if (tp == NULL)
        return false;
    inspect_tcb_fill(tp, out);
    return true;
}

size_t
inspect_tcbs(const struct host *h, struct inspect_tcb *out, size_t max)
{
    size_t n = 0;
    for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next) {
        if (n < max)
            inspect_tcb_fill(tp, &out[n]);
        n++;
    }
    return n;
}

size_t
inspect_tcb_pending(const struct host *h, int fd, struct inspect_tcb *out, size_t max)
{
    const struct tcb *lt = tcp_tcb_by_fd(h, fd);
    if (lt == NULL || lt->state != TCP_LISTEN)
        return 0;
    /* The accept queue first, oldest first as accept() takes them (a
     * connection is numbered when it reaches ESTABLISHED): each pass picks
     * the smallest accept_order above the one picked last. The list is short
     * (at most the backlog and the handshakes in progress). */
    size_t n = 0;
    uint64_t after = 0;
    for (;;) {
        const struct tcb *next = NULL;
        for (const struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next)
            if (c->listener == lt && !c->accepted && c->state != TCP_CLOSED &&
                c->accept_order > after && (next == NULL || c->accept_order < next->accept_order))
                next = c;
        if (next == NULL)
            break;
        if (n < max)
            inspect_tcb_fill(next, &out[n]);
        n++;
        after = next->accept_order;
    }
    /* Then the handshakes in progress (SYN_RECEIVED, not numbered yet). */
    for (const struct tcb *c = h->tcp.tcbs; c != NULL; c = c->next)
        if (c->listener == lt && !c->accepted && c->state != TCP_CLOSED && c->accept_order == 0) {
            if (n < max)
                inspect_tcb_fill(c, &out[n]);
            n++;
        }
    return n;
}

bool
inspect_tcp_state(const struct host *h, int fd, const char **state_name)
{
    const struct tcb *tp = tcp_tcb_by_fd(h, fd);
    if (tp == NULL)
        return false;
    *state_name = tcp_state_name(tp->state);
    return true;
}

static const char *const tcb_fields[] = {
    "state", "snd_una", "snd_nxt", "snd_max", "snd_wnd", "snd_wl1", "snd_wl2", "iss", "irs",
    "rcv_nxt", "rcv_wnd", "cwnd", "ssthresh", "mss", "srtt_ns", "rttvar_ns", "rto_ns",
    "srtt_ms", "rto_ms", "dupacks", "retransmits", "fast_retransmits", "rto_timeouts",
    "sndq_bytes", "rcvq_bytes", "ooo_bytes", "in_recovery", "recover", "snd_wscale",
    "rcv_wscale", "sack_ok", "ts_ok", "ws_ok", "nodelay", "keepalive", "bytes_acked",
    "bytes_received", "timers", "snd_una_rel", "snd_nxt_rel", "rcv_nxt_rel",
};

const char *
inspect_tcb_field_name(size_t i)
{
    return i < sizeof(tcb_fields) / sizeof(tcb_fields[0]) ? tcb_fields[i] : NULL;
}

static bool
inspect_tcb_field_of(const struct tcb *tp, const char *field, uint64_t *out)
{
    size_t i = 0;
    const size_t n = sizeof(tcb_fields) / sizeof(tcb_fields[0]);
    while (i < n && strcmp(tcb_fields[i], field) != 0)
        i++;
    uint64_t timers = 0;
    for (int t = 0; t < TCP_T_COUNT; t++)
        if (tcp_timer_armed(tp, (enum tcp_timer_id)t))
            timers |= 1u << t;
    const uint64_t v[] = {
        (uint64_t)tp->state, tp->snd_una, tp->snd_nxt, tp->snd_max, tp->snd_wnd, tp->snd_wl1,
        tp->snd_wl2, tp->iss, tp->irs, tp->rcv_nxt, tp->rcv_wnd, tp->cwnd, tp->ssthresh, tp->mss,
        tp->srtt_ns, tp->rttvar_ns, tcp_rto_current(tp), tp->srtt_ns / 1000000u,
        tcp_rto_current(tp) / 1000000u, tp->dupacks_rx, tp->retransmits, tp->fast_retransmits,
        tp->rto_timeouts, tp->sndq.len, tp->rcvq.len, tp->ooo_bytes, tp->in_recovery,
        tp->recover, tp->snd_wscale, tp->rcv_wscale, tp->sack_ok, tp->ts_ok, tp->ws_ok,
        tp->nodelay, tp->keepalive, tp->bytes_acked, tp->bytes_received, timers,
        (uint32_t)(tp->snd_una - tp->iss), (uint32_t)(tp->snd_nxt - tp->iss),
        (uint32_t)(tp->rcv_nxt - tp->irs),
    };
    _Static_assert(sizeof(v) / sizeof(v[0]) == sizeof(tcb_fields) / sizeof(tcb_fields[0]),
                   "one value per field name");
    if (i == n)
        return false;
    *out = v[i];
    return true;
}

bool
inspect_tcb_field(const struct host *h, int fd, const char *field, uint64_t *out)
{
    const struct tcb *tp = tcp_tcb_by_fd(h, fd);
    return tp != NULL && inspect_tcb_field_of(tp, field, out);
}

bool
inspect_tcbs_field(const struct host *h, size_t index, const char *field, uint64_t *out)
{
    size_t n = 0;
    for (const struct tcb *tp = h->tcp.tcbs; tp != NULL; tp = tp->next, n++)
        if (n == index)
            return inspect_tcb_field_of(tp, field, out);
    return false;
}
