/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_world.c - the world a scenario runs in: what the runner
 * prints and notes, the checks before a run (names the parser cannot know),
 * frame counting for expect packets, building the hosts, links, switches and
 * taps, and tearing them down.
 */
#include "sim/scenario/run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/switch.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/wire/addr.h"
#include "stack/wire/arp.h"
#include "stack/wire/bytes.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

void
run_say(struct scn_runner *r, bool always, const char *fmt, ...)
{
    if (r->opts.out == NULL || (r->opts.quiet && !always))
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->opts.out, fmt, ap);
    va_end(ap);
}

/* A NOTE on the trace bus at the App layer; host may be NULL (the script). */

void
run_note(struct scn_runner *r, struct host *h, struct trace_cause cause, const char *fmt, ...)
{
    struct trace_event ev = {
        .t_ns = r->sim.now_ns,
        .kind = TRACE_NOTE,
        .layer = LAYER_APP,
        .host = h,
        .where = h != NULL ? h->name : "script",
        .cause = cause,
    };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
    va_end(ap);
    trace_emit(&r->sim.trace, &ev);
}

static void
format_err(char *err, size_t n, const struct scenario *scn, const struct scn_step *st,
           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
format_err(char *err, size_t n, const struct scenario *scn, const struct scn_step *st,
           const char *fmt, ...)
{
    if (err == NULL)
        return;
    const char *file = scn->files != NULL && st->file < scn->n_files ? scn->files[st->file]
                                                                      : scn->name;
    int k = snprintf(err, n, "%s:%u:%u: error: ", file, st->line, st->col);
    if (k < 0 || (size_t)k >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + k, n - (size_t)k, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Checks at init: what the parser cannot know, and what this build lacks. */

/* The host an address of a drop rule names (by name, or by one of its
 * addresses), or -1 (none given, or an address no host has). */
int
rule_addr_host(const struct scenario *scn, bool given, const struct scn_addr *a)
{
    if (!given)
        return -1;
    if (a->kind == SCN_ADDR_HOST)
        return a->host;
    for (size_t i = 0; i < scn->n_hosts; i++)
        for (unsigned k = 0; k < scn->hosts[i].n_ifaces; k++)
            if (scn->hosts[i].if_addr[k] == a->addr)
                return (int)i;
    return -1;
}

/* Why step st cannot run in this build, or NULL if it can. A per-packet
 * rule is a link_rule (sim/link.h), which filters on the sending host,
 * protocol (any IPv4 datagram, or ICMP, UDP, TCP, ARP), addresses, port, TCP
 * flags and the payload length. */
static const char *
run_missing(const struct scn_step *st)
{
    if (st->kind != SCN_STEP_DROP)
        return NULL;
    const struct scn_filter *f = &st->drop.filter;
    if (f->has_len && f->proto != SCN_PROTO_TCP && f->proto != SCN_PROTO_UDP &&
        f->proto != SCN_PROTO_ICMP && f->proto != SCN_PROTO_IPV4 &&
        f->proto != SCN_PROTO_ICMP6 && f->proto != SCN_PROTO_IP6)
        return "a per-packet rule's len needs ip, icmp, udp, tcp, ip6 or icmp6 before it";
    return NULL;
}

/* An unknown TCB field: suggest the nearest the stack knows. */
static void
tcb_field_err(char *err, size_t n, const struct scenario *scn, const struct scn_step *st)
{
    const char *field = st->expect.field;
    const char *best = NULL;
    size_t best_common = 0;
    for (size_t i = 0; inspect_tcb_field_name(i) != NULL; i++) {
        const char *cand = inspect_tcb_field_name(i);
        size_t k = 0;
        while (cand[k] != '\0' && cand[k] == field[k])
            k++;
        if (k > best_common) {
            best_common = k;
            best = cand;
        }
    }
    if (best != NULL && best_common >= 2)
        format_err(err, n, scn, st, "unknown TCB field '%s' (did you mean '%s'? fields are "
                   "listed in stack/inspect.h)", field, best);
    else
        format_err(err, n, scn, st, "unknown TCB field '%s' (try snd_una, snd_nxt, rcv_nxt, "
                   "cwnd, ssthresh, srtt_ms, rto_ms, retransmits)", field);
}

/* What the parser leaves to the runner: names it cannot know. */
int
run_check_step(const struct scenario *scn, const struct scn_step *st, char *err, size_t n)
{
    const char *missing = run_missing(st);
    if (missing != NULL) {
        format_err(err, n, scn, st, "%s", missing);
        return -1;
    }
    if (st->kind != SCN_STEP_EXPECT)
        return 0;
    const struct scn_expect *e = &st->expect;
    if (e->kind == SCN_EXPECT_ERROR && err_lookup(e->err_name) < 0) {
        format_err(err, n, scn, st, "unknown error name '%s' (try ECONNREFUSED, EADDRINUSE, "
                   "EAGAIN, EMSGSIZE or none)", e->err_name);
        return -1;
    }
    if (e->kind == SCN_EXPECT_TCB) {
        bool known = false;
        for (size_t k = 0; !known && inspect_tcb_field_name(k) != NULL; k++)
            known = strcmp(inspect_tcb_field_name(k), e->field) == 0;
        if (!known) {
            tcb_field_err(err, n, scn, st);
            return -1;
        }
    }
    return 0;
}

static int
run_check(const struct scenario *scn, char *err, size_t n)
{
    for (size_t i = 0; i < scn->n_steps; i++)
        if (run_check_step(scn, &scn->steps[i], err, n) < 0)
            return -1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Counting frames for `expect packets` */

bool
cmp_u64(uint64_t a, enum scn_cmp c, uint64_t b)
{
    switch (c) {
    case SCN_CMP_EQ: return a == b;
    case SCN_CMP_NE: return a != b;
    case SCN_CMP_LT: return a < b;
    case SCN_CMP_LE: return a <= b;
    case SCN_CMP_GT: return a > b;
    case SCN_CMP_GE: return a >= b;
    default: return false;
    }
}

/* Is a6 the IPv6 address the filter's address names: a host's name means
 * the IPv6 addresses the scenario gave it (an IPv4 address names none). */
static bool
addr6_is(const struct scenario *scn, const struct scn_addr *a, const struct ip6_addr *a6)
{
    if (scn == NULL || a->kind != SCN_ADDR_HOST || a->host < 0)
        return false;
    const struct scn_host *h = &scn->hosts[a->host];
    for (unsigned k = 0; k < h->n_ifaces; k++)
        if (h->if_has_addr6[k] && ip6_addr_eq(&h->if_addr6[k], a6))
            return true;
    return false;
}

/* Parse the frame with the wire formats and test every part of the filter.
 * `len` is the payload above the transport header (see struct scn_filter). */
/* Is addr the address a (or, for a host's name, any of that host's)? */
static bool
addr_is(const struct scenario *scn, const struct scn_addr *a, uint32_t addr)
{
    if (a->addr == addr)
        return true;
    if (scn == NULL || a->kind != SCN_ADDR_HOST || a->host < 0)
        return false;
    const struct scn_host *h = &scn->hosts[a->host];
    for (unsigned k = 0; k < h->n_ifaces; k++)
        if (h->if_addr[k] == addr)
            return true;
    return false;
}

/* An IPv6 packet (b is its header): `ip6` sees every one; `icmp6`, `udp`
 * and `tcp` the ones whose headers name them after the extension headers,
 * except a fragment after the first (its data is the middle of a payload,
 * as for IPv4 fragments, which only `ip` sees). */
static bool
filter_match6(const struct scenario *scn, const struct scn_filter *f, const uint8_t *b,
              size_t len)
{
    struct ipv6_hdr ip6;
    if (ipv6_parse(b, len, &ip6) != DROP_NONE)
        return false;
    if (f->has_from && !addr6_is(scn, &f->from, &ip6.src))
        return false;
    if (f->has_to && !addr6_is(scn, &f->to, &ip6.dst))
        return false;
    size_t off = IPV6_HDR_LEN, end = IPV6_HDR_LEN + (size_t)ip6.payload_len;
    uint8_t nh = ip6.next_header;
    bool later_fragment = false;
    while ((nh == IPV6_NH_HOPOPT || nh == IPV6_NH_DSTOPTS || nh == IPV6_NH_ROUTING ||
            nh == IPV6_NH_FRAGMENT) && off + 8 <= end) {
        if (nh == IPV6_NH_FRAGMENT && (be16_get(b + off + 2) & 0xfff8) != 0)
            later_fragment = true;
        size_t hl = nh == IPV6_NH_FRAGMENT ? 8 : 8u * (b[off + 1] + 1u);
        nh = b[off];
        off += hl;
    }
    enum scn_proto proto = SCN_PROTO_IP6;
    uint64_t plen = off <= end ? end - off : 0;
    uint16_t sport = 0, dport = 0;
    uint8_t flags = 0, type = 0;
    size_t n = off <= end ? end - off : 0;
    if (!later_fragment && off <= end) {
        const uint8_t *l4 = b + off;
        if (nh == IPV6_NH_ICMPV6 && n >= 4) {
            proto = SCN_PROTO_ICMP6;
            type = l4[0];
            plen = n >= 8 ? n - 8u : 0;
        } else if (nh == IPV6_NH_TCP && n >= 20 && (size_t)(l4[12] >> 4) * 4 <= n) {
            proto = SCN_PROTO_TCP;
            sport = be16_get(l4);
            dport = be16_get(l4 + 2);
            flags = l4[13];
            plen = n - (size_t)(l4[12] >> 4) * 4;
        } else if (nh == IPV6_NH_UDP && n >= 8) {
            proto = SCN_PROTO_UDP;
            sport = be16_get(l4);
            dport = be16_get(l4 + 2);
            plen = n - 8u;
        }
    }
    if (f->proto != SCN_PROTO_ANY && f->proto != SCN_PROTO_IP6 && f->proto != proto)
        return false;
    if (f->has_type && (proto != SCN_PROTO_ICMP6 || type != f->icmp_type))
        return false;
    if (f->port != 0 && sport != f->port && dport != f->port)
        return false;
    if ((flags & f->flags) != f->flags)
        return false;
    return !f->has_len || cmp_u64(plen, f->len_cmp, f->len);
}

bool
scn_filter_match(const struct scenario *scn, const struct scn_filter *f, const uint8_t *b,
                 size_t len)
{
    struct eth_hdr eth;
    uint32_t src = 0, dst = 0;
    uint64_t plen = 0;
    enum scn_proto proto;
    uint16_t sport = 0, dport = 0;
    uint8_t flags = 0;

    if (eth_parse(b, len, &eth) != DROP_NONE)
        return false;
    b += ETH_HDR_LEN;
    len -= ETH_HDR_LEN;
    if (eth.type == ETHERTYPE_IPV6)
        return filter_match6(scn, f, b, len);
    if (eth.type == ETHERTYPE_ARP) {
        struct arp_hdr arp;
        if (arp_parse(b, len, &arp) != DROP_NONE)
            return false;
        proto = SCN_PROTO_ARP;
        src = arp.spa;
        dst = arp.tpa;
    } else if (eth.type == ETHERTYPE_IPV4) {
        struct ipv4_hdr ip;
        if (ipv4_parse(b, len, &ip) != DROP_NONE)
            return false;
        src = ip.src;
        dst = ip.dst;
        const uint8_t *pl = b + ip.ihl;
        size_t pn = ip.total_len - ip.ihl;
        plen = pn;
        proto = SCN_PROTO_IPV4;
        if (ip.frag_off != 0 || ip.mf) {
            /* a fragment: only `ip` filters see it */
        } else if (ip.proto == IPPROTO_TCP_) {
            struct tcp_hdr t;
            if (tcp_parse(pl, pn, src, dst, &t) != DROP_NONE)
                return false;
            proto = SCN_PROTO_TCP;
            sport = t.sport;
            dport = t.dport;
            flags = t.flags;
            plen = pn - t.data_off;
        } else if (ip.proto == IPPROTO_UDP_) {
            struct udp_hdr u;
            if (udp_parse(pl, pn, src, dst, &u) != DROP_NONE)
                return false;
            proto = SCN_PROTO_UDP;
            sport = u.sport;
            dport = u.dport;
            plen = (uint64_t)u.len - UDP_HDR_LEN;
        } else if (ip.proto == IPPROTO_ICMP_) {
            proto = SCN_PROTO_ICMP;
            plen = pn >= ICMP_HDR_LEN ? pn - ICMP_HDR_LEN : 0;
        }
    } else {
        return false;
    }
    if (f->proto != SCN_PROTO_ANY && f->proto != proto &&
        !(f->proto == SCN_PROTO_IPV4 && proto != SCN_PROTO_ARP))
        return false;
    if (f->has_from && !addr_is(scn, &f->from, src))
        return false;
    if (f->has_to && !addr_is(scn, &f->to, dst))
        return false;
    if (f->port != 0 && sport != f->port && dport != f->port)
        return false;
    if ((flags & f->flags) != f->flags)
        return false;
    if (f->has_len && !cmp_u64(plen, f->len_cmp, f->len))
        return false;
    return true;
}

static void
count_emit(void *ctx, const struct trace_event *ev)
{
    struct scn_runner *r = ctx;
    if (!sim_event_is_frame(ev))
        return;
    for (size_t i = 0; i < r->scn->n_steps; i++)
        if (r->counts[i].filter != NULL &&
            scn_filter_match(r->scn, r->counts[i].filter, ev->pkt->data, ev->pkt->len))
            r->counts[i].n++;
}

/* ------------------------------------------------------------------------ */

/* The driver's parameters for a link's (or a tap's) netem options. */
static struct link_params
wire_params(const struct scn_link *sl)
{
    return (struct link_params){
        .delay_ns = sl->delay_ns,
        .rate_bps = sl->rate_bps,
        .loss = (double)sl->loss_ppm / SCN_PPM_ONE,
        .limit = sl->limit,
        .jitter_ns = sl->jitter_ns,
        .jitter_dist = LINK_JITTER_UNIFORM,
        .loss_model = sl->gemodel ? LINK_LOSS_GEMODEL : LINK_LOSS_RANDOM,
        .ge_p = (double)sl->ge_p_ppm / SCN_PPM_ONE,
        .ge_r = (double)sl->ge_r_ppm / SCN_PPM_ONE,
        .ge_1h = (double)sl->ge_1h_ppm / SCN_PPM_ONE,
        .ge_1k = (double)sl->ge_1k_ppm / SCN_PPM_ONE,
        .duplicate = (double)sl->duplicate_ppm / SCN_PPM_ONE,
        .reorder = (double)sl->reorder_ppm / SCN_PPM_ONE,
        .reorder_gap = sl->reorder_gap,
        .corrupt = (double)sl->corrupt_ppm / SCN_PPM_ONE,
        .corrupt_l2 = sl->corrupt_l2,
        .mtu = (uint16_t)sl->mtu,
    };
}

/* Put a tap's interface on its device, with its impairments. */
static int
runner_attach_tap(struct scn_runner *r, const struct scn_tap *tp, char *err, size_t err_len)
{
    const struct scenario *scn = r->scn;
    const struct scn_step at = { .line = tp->line, .col = tp->col };
    struct host *h = r->hosts[tp->host];
    char why[SCN_MSG_LEN];
    if (sim_attach_tap(&r->sim, &h->ifaces[tp->ifc], tp->dev, why, sizeof why) < 0) {
        format_err(err, err_len, scn, &at, "cannot put %s's eth%d on TAP device %s: %s",
                   h->name, tp->ifc, tp->dev, why);
        return -1;
    }
    struct link_params lp = wire_params(&tp->wire);
    if (drv_tap_set_params(drv_tap_of_iface(&h->ifaces[tp->ifc]), &lp) < 0) {
        format_err(err, err_len, scn, &at, "cannot set the impairments of TAP device %s",
                   tp->dev);
        return -1;
    }
    return 0;
}

int
scn_runner_attach_tap_arg(struct scn_runner *r, const char *arg, char *err, size_t err_len)
{
    const char *eq = arg != NULL ? strchr(arg, '=') : NULL;
    char hname[SCN_NAME_MAX + 1];
    char why[SCN_MSG_LEN];
    if (eq == NULL || eq == arg || eq[1] == '\0') {
        snprintf(err, err_len, "--tap needs HOST=DEV, like --tap bob=nstap0, not '%s'",
                 arg != NULL ? arg : "");
        return -1;
    }
    snprintf(hname, sizeof hname, "%.*s", (int)(eq - arg), arg);
    struct host *h = (size_t)(eq - arg) <= SCN_NAME_MAX ? sim_host_by_name(&r->sim, hname)
                                                          : NULL;
    if (h == NULL || h->n_ifaces == 0) {
        snprintf(err, err_len, "--tap %s: no host '%.*s' in %s", arg, (int)(eq - arg), arg,
                 r->scn->name);
        return -1;
    }
    if (!scenario_addr_is_documentation(h->ifaces[0].addr)) {
        char a[IPV4_ADDR_STRLEN];
        ipv4_addr_str(h->ifaces[0].addr, a);
        snprintf(err, err_len, "--tap %s: %s's eth0 is %s; a host on a TAP device reaches a "
                 "real kernel, so it keeps to the documentation ranges 192.0.2.0/24, "
                 "198.51.100.0/24 and 203.0.113.0/24 [RFC 5737]", arg, h->name, a);
        return -1;
    }
    for (size_t i = 0; i < r->scn->n_hosts; i++) {
        const struct scn_host *sh = &r->scn->hosts[i];
        if (strcmp(sh->name, h->name) != 0 || !sh->if_has_addr6[0] ||
            scenario_addr6_is_documentation(&sh->if_addr6[0]))
            continue;
        char a6[IPV6_ADDR_STRLEN];
        ip6_addr_str(&sh->if_addr6[0], a6);
        snprintf(err, err_len, "--tap %s: %s's eth0 is %s; a host on a TAP device reaches a "
                 "real kernel, so it keeps to the documentation prefix 2001:db8::/32 "
                 "[RFC 3849]", arg, h->name, a6);
        return -1;
    }
    if (sim_attach_tap(&r->sim, &h->ifaces[0], eq + 1, why, sizeof why) < 0) {
        snprintf(err, err_len, "--tap %s: %s", arg, why);
        return -1;
    }
    return 0;
}

/* Counter names are the stack's to know: ask it (the hosts exist by now).
 * Returns 0, or -1 with err filled for an expect on an unknown counter. */
int
run_check_counter(struct scn_runner *r, const struct scn_step *st, char *err, size_t err_len)
{
    uint64_t v;
    if (st->kind != SCN_STEP_EXPECT || st->expect.kind != SCN_EXPECT_COUNTER ||
        inspect_counter(r->hosts[st->host], st->expect.counter, &v))
        return 0;
    format_err(err, err_len, r->scn, st,
               "unknown counter '%s' (counters look like udp.rx, ipv4.tx, arp.drop, "
               "icmp.rx.echo_reply, drop.UDP_NO_SOCKET, drops)", st->expect.counter);
    return -1;
}

int
scn_runner_init(struct scn_runner *r, const struct scenario *scn, const struct scn_run_opts *opts,
                char *err, size_t err_len)
{
    memset(r, 0, sizeof(*r));
    if (run_check(scn, err, err_len) < 0)
        return -1;
    r->scn = scn;
    r->opts = *opts;
    r->seed = opts->seed_given ? opts->seed : scn->has_seed ? scn->seed : 1;
    sim_init(&r->sim, r->seed);
    r->hosts = calloc(scn->n_hosts + 1, sizeof(*r->hosts));
    r->sock_fd = calloc(scn->n_socks + 1, sizeof(*r->sock_fd));
    r->sock_err = calloc(scn->n_socks + 1, sizeof(*r->sock_err));
    r->values = calloc(scn->n_dvars + 1, sizeof(*r->values));
    r->jobs = calloc(scn->n_socks + 1, sizeof(*r->jobs));
    r->counts = calloc(scn->n_steps + 1, sizeof(*r->counts));
    r->closed = calloc(scn->n_socks + 1, sizeof(*r->closed));
    r->links = calloc(scn->n_links + 1, sizeof(*r->links));
    r->switches = calloc(scn->n_switches + 1, sizeof(*r->switches));
    if (r->hosts == NULL || r->sock_fd == NULL || r->sock_err == NULL || r->values == NULL ||
        r->jobs == NULL || r->counts == NULL || r->closed == NULL || r->links == NULL ||
        r->switches == NULL)
        goto out_nomem;
    for (size_t i = 0; i < scn->n_socks; i++)
        r->sock_fd[i] = -1;
    bool counting = false;
    for (size_t i = 0; i < scn->n_steps; i++) {
        if (scn->steps[i].kind == SCN_STEP_EXPECT &&
            scn->steps[i].expect.kind == SCN_EXPECT_PACKETS) {
            r->counts[i].filter = &scn->steps[i].expect.filter;
            counting = true;
        }
    }
    /* Only a scenario that counts packets listens: with no sink at all the
     * stack skips building its sentences (trace_wanted()), and the counter
     * reads frames on the wire alone (sim_event_is_frame()), so it asks for
     * nothing above Ethernet (TRACE_NEED_WIRE), as a capture does. */
    if (counting) {
        r->counter.emit = count_emit;
        r->counter.ctx = r;
        trace_attach_need(&r->sim.trace, &r->counter, TRACE_NEED_WIRE);
    }
    for (size_t i = 0; i < scn->n_hosts; i++) {
        const struct scn_host *sh = &scn->hosts[i];
        struct host *h = sim_add_host(&r->sim, sh->name);
        if (h == NULL)
            goto out_nomem;
        for (unsigned k = 0; k < sh->n_ifaces; k++)
            if (sim_host_add_iface(&r->sim, h, sh->if_addr[k], sh->if_prefix[k],
                                   (uint16_t)sh->mtu,
                                   k == 0 && sh->has_mac ? sh->mac : NULL) == NULL)
                goto out_nomem;
        h->forwarding = sh->router;
        r->hosts[i] = h;
    }
    for (size_t i = 0; i < scn->n_switches; i++) {
        r->switches[i] = sim_add_switch(&r->sim, scn->switches[i].name, scn->switches[i].hub);
        if (r->switches[i] == NULL)
            goto out_nomem;
    }
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *sl = &scn->links[i];
        struct link_params lp = wire_params(sl);
        struct iface *ea = sl->a >= 0 ? &r->hosts[sl->a]->ifaces[sl->a_if]
                                      : switch_add_port(r->switches[sl->a_sw]);
        struct iface *eb = sl->b >= 0 ? &r->hosts[sl->b]->ifaces[sl->b_if]
                                      : switch_add_port(r->switches[sl->b_sw]);
        r->links[i] = ea != NULL && eb != NULL ? sim_add_link(&r->sim, ea, eb, &lp) : NULL;
        if (r->links[i] == NULL) {
            format_err(err, err_len, scn, &(struct scn_step){ .line = sl->line, .col = sl->col },
                       "cannot build this link");
            scn_runner_destroy(r);
            return -1;
        }
    }
    /* TAP mode: each tap puts its interface on a real device, and the world
     * follows the wall clock from here (sim/realtime.h). `netstep check`
     * opens nothing: the interface stays unplugged. */
    for (size_t i = 0; i < scn->n_taps && !opts->no_tap; i++) {
        if (runner_attach_tap(r, &scn->taps[i], err, err_len) < 0) {
            scn_runner_destroy(r);
            return -1;
        }
    }
    for (size_t i = 0; i < scn->n_steps; i++) {
        if (run_check_counter(r, &scn->steps[i], err, err_len) < 0) {
            scn_runner_destroy(r);
            return -1;
        }
    }
    ask_runner_init(r);
    /* A host with no link still has its address and connected route. */
    for (size_t i = 0; i < scn->n_hosts; i++) {
        struct host *h = r->hosts[i];
        sim_enter_host(&r->sim, h);
        for (unsigned k = 0; k < h->n_ifaces; k++)
            host_iface_up(h, &h->ifaces[k], false);
    }
    return 0;

out_nomem:
    if (err != NULL)
        snprintf(err, err_len, "%s: error: out of memory building the world", scn->name);
    scn_runner_destroy(r);
    return -1;
}

void
run_start_ipv6(struct scn_runner *r)
{
    /* A dual-stack host: link-locals on every interface, then the addresses
     * the scenario gives (docs/ipv6.md). This runs as the first step starts,
     * when every listener is attached, so the trace shows the addresses
     * being formed. */
    for (size_t i = 0; i < r->scn->n_hosts; i++) {
        const struct scn_host *sh = &r->scn->hosts[i];
        struct host *h = r->hosts[i];
        if (!sh->ipv6 || h->ip6 != NULL)
            continue;
        sim_enter_host(&r->sim, h);
        host_set_cause(h, (struct trace_cause){ .kind = CAUSE_NONE });
        int rc = ipv6_enable(h);
        for (unsigned k = 0; rc == 0 && k < sh->n_ifaces; k++)
            if (sh->if_has_addr6[k])
                rc = ipv6_addr_add(h, &h->ifaces[k], &sh->if_addr6[k], sh->if_prefix6[k]);
        if (rc < 0)
            run_say(r, true, "%s: cannot set up IPv6: %s\n", sh->name, err_sentence(rc));
        /* DAD and router solicitation set timers [RFC 4862 5.4, RFC 4861 6.3.7]. */
        sim_host_entered(&r->sim, h);
    }
}

void
job_free(struct scn_job *j)
{
    if (j->owned)
        free(j->buf);
    memset(j, 0, sizeof(*j));
}

void
scn_runner_destroy(struct scn_runner *r)
{
    if (r->scn == NULL && r->hosts == NULL)
        return;
    if (r->counter.emit != NULL)
        trace_detach(&r->sim.trace, &r->counter);
    ask_runner_destroy(r);
    sim_destroy(&r->sim);
    if (r->values != NULL && r->scn != NULL)
        for (size_t i = 0; i < r->scn->n_dvars; i++)
            free(r->values[i].data);
    if (r->jobs != NULL && r->scn != NULL)
        for (size_t i = 0; i < r->scn->n_socks; i++)
            job_free(&r->jobs[i]);
    echo_free(r);
    for (size_t i = 0; i < r->n_ats; i++)
        free(r->ats[i]);
    free(r->ats);
    free(r->jobs);
    free(r->counts);
    free(r->closed);
    free(r->links);
    free(r->switches);
    free(r->values);
    free(r->sock_err);
    free(r->sock_fd);
    free(r->hosts);
    memset(r, 0, sizeof(*r));
}

/* Enter h for a call made by step `step_no` (1-based). */
void
run_enter(struct scn_runner *r, struct host *h, size_t step_no)
{
    sim_enter_host(&r->sim, h);
    host_set_cause(h, cause_call(CALL_NONE, (uint32_t)step_no));
}

void
run_leave(struct scn_runner *r, struct host *h)
{
    host_set_cause(h, (struct trace_cause){ 0 });
    sim_host_entered(&r->sim, h);
}

void
fmt_time(uint64_t ns, char *buf, size_t n)
{
    snprintf(buf, n, "%" PRIu64 ".%06" PRIu64, ns / NS_PER_S, (ns % NS_PER_S) / 1000);
}

/* Printable form of received bytes: the text with escapes, cut at 60. */
void
fmt_bytes(const uint8_t *b, size_t len, char *buf, size_t n)
{
    size_t o = 0;
    buf[o++] = '"';
    for (size_t i = 0; i < len && o + 8 < n; i++) {
        if (i == 60) {
            o += (size_t)snprintf(buf + o, n - o, "...");
            break;
        }
        uint8_t c = b[i];
        if (c == '\n')
            o += (size_t)snprintf(buf + o, n - o, "\\n");
        else if (c == '\r')
            o += (size_t)snprintf(buf + o, n - o, "\\r");
        else if (c == '\t')
            o += (size_t)snprintf(buf + o, n - o, "\\t");
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(buf + o, n - o, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    if (o + 2 <= n) {
        buf[o++] = '"';
        buf[o] = '\0';
    } else {
        buf[n - 1] = '\0';
    }
}

void
value_set(struct scn_value *v, const uint8_t *data, size_t len)
{
    free(v->data);
    v->data = malloc(len + 1);
    if (v->data == NULL) {
        v->len = 0;
        v->set = true;
        return;
    }
    if (len > 0)
        memcpy(v->data, data, len);
    v->data[len] = '\0';
    v->len = len;
    v->set = true;
    v->hashed = false;
}

void
value_set_streamed(struct scn_value *v, uint64_t len, const uint8_t digest[32])
{
    free(v->data);
    v->data = NULL;
    v->len = (size_t)len;
    v->set = true;
    v->hashed = digest != NULL;
    if (digest != NULL)
        memcpy(v->digest, digest, sizeof v->digest);
}
