/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/run_rules.c - routes, link state, per-packet rules (drop,
 * duplicate, corrupt, delay) and per-host tunables (set).
 */
#include "sim/scenario/run.h"

#include <stdlib.h>
#include <string.h>

#include "stack/addr6.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/route.h"
#include "stack/tcp.h"
#include "stack/tcp_cc.h"
#include "stack/wire/addr.h"
#include "stack/wire/tcp.h"

/* ------------------------------------------------------------------------ */
/* Routes, links and per-packet rules */

void
step_route_add(struct scn_runner *r, const struct scn_step *st, char *res, size_t n)
{
    const struct scn_route_args *ra = &st->route;
    if (ra->v6) {
        step_route6_add(r, st, res, n);
        return;
    }
    struct host *h = r->hosts[st->host];
    struct iface *dev = ra->dev >= 0 ? &h->ifaces[ra->dev] : NULL;
    sim_enter_host(&r->sim, h);
    int rc = route_add(h, ra->dst, ra->prefix_len, ra->has_gw ? ra->gw.addr : 0, dev, 0,
                       ROUTE_PROTO_STATIC);
    sim_host_entered(&r->sim, h);
    if (rc < 0) {
        snprintf(res, n, "%s", err_sentence(rc));
        return;
    }
    const struct route *rt = route_lookup(h, ra->dst);
    if (rt == NULL || route_format(h, rt, res, n) < 0)
        snprintf(res, n, "ok");
}

void
step_route_show(struct scn_runner *r, const struct scn_step *st)
{
    if (st->route.v6) {
        step_route6_show(r, st);
        return;
    }
    struct host *h = r->hosts[st->host];
    char buf[4096];
    int n = route_table_format(h, buf, sizeof(buf));
    if (n < 0)
        return;
    run_say(r, false, "%s", buf);
}

void
step_link_state(struct scn_runner *r, const struct scn_step *st)
{
    link_set_down(r->links[st->link_state.link], st->link_state.down);
}

static bool
rule_match6(const void *scn, const void *filter, const uint8_t *frame, size_t len)
{
    return scn_filter_match(scn, filter, frame, len);
}

/* Put a per-packet rule on every link; each link counts its own matches. */
unsigned
step_rule(struct scn_runner *r, const struct scn_step *st)
{
    const struct scn_drop_args *d = &st->drop;
    const struct scn_filter *f = &d->filter;
    static const enum link_rule_action acts[SCN_RULE_ACTION_COUNT] = {
        [SCN_RULE_DROP] = LINK_RULE_DROP,
        [SCN_RULE_DELAY] = LINK_RULE_DELAY,
        [SCN_RULE_DUPLICATE] = LINK_RULE_DUPLICATE,
        [SCN_RULE_CORRUPT] = LINK_RULE_CORRUPT,
    };
    static const enum link_rule_proto protos[SCN_PROTO_COUNT] = {
        [SCN_PROTO_ANY] = LINK_RULE_ANY, [SCN_PROTO_ARP] = LINK_RULE_ARP,
        [SCN_PROTO_IPV4] = LINK_RULE_IPV4, [SCN_PROTO_ICMP] = LINK_RULE_ICMP,
        [SCN_PROTO_UDP] = LINK_RULE_UDP, [SCN_PROTO_TCP] = LINK_RULE_TCP,
        [SCN_PROTO_ICMP6] = LINK_RULE_IPV6, [SCN_PROTO_IP6] = LINK_RULE_IPV6,
    };
    struct link_rule lr = {
        .action = acts[d->action],
        .delay_ns = d->delay_ns,
        .nth = d->nth,
        .proto = protos[f->proto],
        .tcp_flags = f->flags,
        .port = f->port,
        /* IPv6 frames are read by the scenario's own filter (run_world.c). */
        .match6 = rule_match6,
        .match6_a = r->scn,
        .match6_b = f,
    };
    /* `from HOST`: the frames HOST sends (its interface, or its MAC through
     * a switch). `from ADDRESS`, `to ADDRESS`: that IPv4 source or
     * destination exactly; `to HOST`: any of HOST's addresses. */
    if (f->has_from && f->from.kind == SCN_ADDR_HOST && f->from.host >= 0)
        lr.from = r->hosts[f->from.host];
    else if (f->has_from) {
        lr.has_src = true;
        lr.src = f->from.addr;
    }
    if (f->has_to && f->to.kind == SCN_ADDR_HOST && f->to.host >= 0)
        lr.to = r->hosts[f->to.host];
    else if (f->has_to) {
        lr.has_dst = true;
        lr.dst = f->to.addr;
    }
    if (f->has_len) {
        static const enum link_rule_cmp cmps[] = {
            [SCN_CMP_EQ] = LINK_CMP_EQ, [SCN_CMP_NE] = LINK_CMP_NE, [SCN_CMP_LT] = LINK_CMP_LT,
            [SCN_CMP_LE] = LINK_CMP_LE, [SCN_CMP_GT] = LINK_CMP_GT, [SCN_CMP_GE] = LINK_CMP_GE,
        };
        lr.has_len = true;
        lr.len_cmp = f->len_cmp <= SCN_CMP_GE ? cmps[f->len_cmp] : LINK_CMP_EQ;
        /* beyond any frame's payload: the comparison is the same */
        lr.len = f->len > UINT32_MAX ? UINT32_MAX : (uint32_t)f->len;
    }
    /* Each frame should be counted once, so a rule goes on the links of the
     * one host its frames must pass: the sender's (`from`), else the
     * receiver's (`to`), where each frame enters or leaves the wire once
     * (further links would count copies a rule has already duplicated, or a
     * router's forwarded frames). An address no host has: every link. */
    int on = rule_addr_host(r->scn, f->has_from, &f->from);
    if (on < 0 && !f->has_from)
        on = rule_addr_host(r->scn, f->has_to, &f->to);
    const struct host *only = on >= 0 ? r->hosts[on] : NULL;
    unsigned added = 0;
    for (size_t i = 0; i < r->scn->n_links; i++) {
        const struct scn_link *sl = &r->scn->links[i];
        const struct host *ha = sl->a >= 0 ? r->hosts[sl->a] : NULL;
        const struct host *hb = sl->b >= 0 ? r->hosts[sl->b] : NULL;
        if (only != NULL && ha != only && hb != only)
            continue;
        if (link_add_rule(r->links[i], &lr) >= 0)
            added++;
    }
    return added;
}

/* ------------------------------------------------------------------------ */
/* Steps */

void
scn_set_apply(struct host *h, enum scn_set_key key, uint64_t v)
{
    struct tcp_host *t = &h->tcp;
    switch (key) {
    case SCN_SET_TCP_MSL: t->msl_ns = v; break;
    case SCN_SET_TCP_RTO_MIN: t->rto_min_ns = v; break;
    case SCN_SET_TCP_RTO_INITIAL: t->rto_initial_ns = v; break;
    case SCN_SET_TCP_RTO_MAX: t->rto_max_ns = v; break;
    case SCN_SET_TCP_DELACK: t->delack_ns = v == SCN_DELACK_ON ? TCP_DELACK_NS_DEFAULT : v; break;
    case SCN_SET_TCP_KEEPIDLE: t->keep_idle_ns = v; break;
    case SCN_SET_TCP_KEEPINTVL: t->keep_intvl_ns = v; break;
    case SCN_SET_TCP_KEEPCNT: t->keep_cnt = (unsigned)v; break;
    case SCN_SET_TCP_SYN_RETRIES: t->syn_retries = (unsigned)v; break;
    case SCN_SET_TCP_RETRIES2: t->retries2 = (unsigned)v; break;
    case SCN_SET_TCP_IW: t->iw_segs = (unsigned)v; break;
    case SCN_SET_TCP_SACK: t->sack = v != 0; break;
    case SCN_SET_TCP_TIMESTAMPS: t->timestamps = v != 0; break;
    case SCN_SET_TCP_WSCALE: t->wscale = v != 0; break;
    case SCN_SET_TCP_CC: t->default_cc = tcp_cc_lookup(scn_cc_name((enum scn_cc)v)); break;
    case SCN_SET_TCP_ISS:
        t->iss_fixed = true;
        t->iss_value = (uint32_t)v;
        break;
    case SCN_SET_IPV4_FORWARDING: h->forwarding = v != 0; break;
    case SCN_SET_TCP_SYNCOOKIES: t->syncookies = v != 0; break;
    case SCN_SET_TCP_SOMAXCONN: t->somaxconn = (unsigned)v; break;
    case SCN_SET_TCP_RETRIES1: t->retries1 = (unsigned)v; break;
    case SCN_SET_HOST_NOFILE: h->socks.nofile = (unsigned)v; break;
    case SCN_SET_IPV4_MIN_PMTU: h->pmtu.min_mtu = (uint16_t)v; break;
    case SCN_SET_TCP_BSD_OPTIONS: t->bsd_options = v != 0; break;
    case SCN_SET_TCP_WSCALE_BUF: t->wscale_buf = (size_t)v; break;
    case SCN_SET_TCP_RCVBUF_ROUND: t->rcvbuf_round = v != 0; break;
    case SCN_SET_IPV6_DAD_TRANSMITS: addr6_set_dad_transmits(h, (unsigned)v); break;
    default: break;
    }
}

void
step_set(struct scn_runner *r, const struct scn_step *st)
{
    scn_set_apply(r->hosts[st->host], st->set.key, st->set.value);
}

/* ---------------------------------------------------------------------------
 * The steps' run functions (stmt_table.c)
 * ------------------------------------------------------------------------- */

/* The step's note on the trace, "step N: TEXT", by host h (NULL: the
 * script), and the time it ran at, for its line, into t. */
static void
rule_step_note(struct scn_runner *r, struct host *h, const struct scn_step *st, size_t step_no,
               char *t, size_t tn)
{
    fmt_time(r->sim.now_ns, t, tn);
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no, st->text);
}

/* The step's line on run's output: "[TIME] TEXT", with "=> RES" when res
 * is not NULL. Under --trace the note stands for the line, so only the
 * result is printed. */
static void
rule_step_line(struct scn_runner *r, const struct scn_step *st, const char *t, const char *res)
{
    if (res == NULL) {
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
    } else if (r->opts.trace_shown) {
        run_say(r, false, "%12s => %s\n", "", res);
    } else {
        run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, res);
    }
}

void
run_route_show_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                    bool scheduled)
{
    char t[32];

    (void)scheduled;
    rule_step_note(r, r->hosts[st->host], st, step_no, t, sizeof(t));
    rule_step_line(r, st, t, NULL);
    step_route_show(r, st);
}

void
run_route_add_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                   bool scheduled)
{
    char t[32], res[160];

    (void)scheduled;
    rule_step_note(r, r->hosts[st->host], st, step_no, t, sizeof(t));
    step_route_add(r, st, res, sizeof(res));
    rule_step_line(r, st, t, res);
}

void
run_link_state_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                    bool scheduled)
{
    char t[32];

    (void)scheduled;
    rule_step_note(r, NULL, st, step_no, t, sizeof(t));
    step_link_state(r, st);
    rule_step_line(r, st, t, NULL);
}

void
run_drop_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    char t[32], res[40];

    (void)scheduled;
    rule_step_note(r, NULL, st, step_no, t, sizeof(t));
    unsigned n = step_rule(r, st);
    snprintf(res, sizeof(res), "armed on %u link%s", n, n == 1 ? "" : "s");
    rule_step_line(r, st, t, res);
}

void
run_set_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    char t[32];

    (void)scheduled;
    rule_step_note(r, r->hosts[st->host], st, step_no, t, sizeof(t));
    step_set(r, st);
    rule_step_line(r, st, t, NULL);
}
