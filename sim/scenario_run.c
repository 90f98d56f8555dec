/*
 * scenario_run.c - execute a scenario step by step over a simulated world.
 *
 * Each host call becomes one socket call with the step as its cause. A call
 * that returns EAGAIN is blocked: it becomes a job (struct scn_job), and the
 * runner lets the world run event by event until sock_poll() says the socket
 * is ready or the timeout passes, then calls again, the way a kernel wakes a
 * sleeping process. A background call (`&`, or a call under `at`) is the same
 * job left running: every time the world moves, in any later step, the runner
 * services the jobs whose sockets became ready. `at TIME` statements are
 * scheduled with sim_schedule_call(); `expect packets` counts WIRE events
 * through a trace sink of the runner's own.
 */
#include "sim/scenario_run.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/scenario_app.h"
#include "sim/realtime.h"
#include "sim/switch.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/route.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/tcp_cc.h"
#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S  UINT64_C(1000000000)

static void
run_say(struct scn_runner *r, bool always, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
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
static void
run_note(struct scn_runner *r, struct host *h, struct trace_cause cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
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
static int
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
        f->proto != SCN_PROTO_ICMP && f->proto != SCN_PROTO_IPV4)
        return "a per-packet rule's len needs ip, icmp, udp or tcp before it";
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
static int
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

static bool
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
    if (sim_attach_tap(&r->sim, &h->ifaces[0], eq + 1, why, sizeof why) < 0) {
        snprintf(err, err_len, "--tap %s: %s", arg, why);
        return -1;
    }
    return 0;
}

/* Counter names are the stack's to know: ask it (the hosts exist by now).
 * Returns 0, or -1 with err filled for an expect on an unknown counter. */
static int
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
     * stack skips building its sentences (trace_wanted()). */
    if (counting) {
        r->counter.emit = count_emit;
        r->counter.ctx = r;
        trace_attach(&r->sim.trace, &r->counter);
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

static void
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
    sim_destroy(&r->sim);
    if (r->values != NULL && r->scn != NULL)
        for (size_t i = 0; i < r->scn->n_dvars; i++)
            free(r->values[i].data);
    if (r->jobs != NULL && r->scn != NULL)
        for (size_t i = 0; i < r->scn->n_socks; i++)
            job_free(&r->jobs[i]);
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
static void
run_enter(struct scn_runner *r, struct host *h, size_t step_no)
{
    sim_enter_host(&r->sim, h);
    host_set_cause(h, cause_call(CALL_NONE, (uint32_t)step_no));
}

static void
run_leave(struct scn_runner *r, struct host *h)
{
    host_set_cause(h, (struct trace_cause){ 0 });
    sim_host_entered(&r->sim, h);
}

static void
fmt_time(uint64_t ns, char *buf, size_t n)
{
    snprintf(buf, n, "%" PRIu64 ".%06" PRIu64, ns / NS_PER_S, (ns % NS_PER_S) / 1000);
}

/* Printable form of received bytes: the text with escapes, cut at 60. */
static void
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

static void
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
}

/* ------------------------------------------------------------------------ */
/* The steps. Each returns the call's result (>= 0 or -ERR_*). */

static uint64_t
step_timeout(const struct scn_step *st)
{
    return st->has_timeout ? st->timeout_ns : SCN_RUN_TIMEOUT_DEFAULT_NS;
}

/* An application payload's bytes (sim/scenario_app.c), reading the data
 * variable it names as it is now. */
static uint8_t *
app_payload_bytes(struct scn_runner *r, const struct scn_payload *pl, size_t *len, char *why,
                  size_t why_len)
{
    struct scn_app_source src = { 0 };

    if (pl->app.from_dvar >= 0) {
        const struct scn_value *v = &r->values[pl->app.from_dvar];
        src = (struct scn_app_source){ .name = r->scn->dvars[pl->app.from_dvar].name,
                                       .set = v->set, .data = v->data, .len = v->len };
    }
    return scn_app_payload_build(pl, &src, len, why, why_len);
}

/* The bytes a send step carries; *owned is set when the caller must free. */
static uint8_t *
payload_bytes(struct scn_runner *r, const struct scn_payload *pl, size_t *len, bool *owned,
              char *why, size_t why_len)
{
    *owned = false;
    if (pl->kind >= SCN_PAYLOAD_WS_ACCEPT) {
        uint8_t *b = app_payload_bytes(r, pl, len, why, why_len);
        *owned = b != NULL;
        return b;
    }
    if (pl->kind == SCN_PAYLOAD_TEXT) {
        *len = pl->len;
        return pl->data;
    }
    if (pl->kind == SCN_PAYLOAD_FILL) {
        uint8_t *b = malloc(pl->len + 1);
        if (b == NULL)
            return NULL;
        /* A printable, recognisable pattern, so a capture shows where bytes
         * of a bulk payload sit: "abcdefghijklmnopqrstuvwxyz" repeated. */
        for (size_t i = 0; i < pl->len; i++)
            b[i] = (uint8_t)('a' + i % 26);
        *len = pl->len;
        *owned = true;
        return b;
    }
    FILE *f = fopen(pl->full_path, "rb");
    if (f == NULL) {
        snprintf(why, why_len, "cannot read %s: %s", pl->path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    while (b != NULL) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= SCN_LEN_MAX) {
            snprintf(why, why_len, "%s is larger than %u bytes", pl->path, SCN_LEN_MAX);
            free(b);
            b = NULL;
            break;
        }
        uint8_t *nb = realloc(b, cap * 2);
        if (nb == NULL) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (b != NULL) {
        *len = n;
        *owned = true;
    }
    return b;
}


/* ------------------------------------------------------------------------ */
/* Jobs: blocking calls, in the foreground or the background */

/* The socket variable a job is filed under: accept's new socket, else the
 * socket the call acts on. */
static int
job_sock(const struct scn_step *st)
{
    return st->kind == SCN_STEP_ACCEPT ? st->accept.new_sock : st->sock;
}

/* Start job j for step st: set up its buffers. Returns 0, or a negative
 * ERR_* with res filled when it cannot even start (a file that cannot be
 * read). */
static int
job_start(struct scn_runner *r, struct scn_job *j, const struct scn_step *st, size_t step_no,
          char *res, size_t res_len)
{
    memset(j, 0, sizeof(*j));
    j->st = st;
    j->step_no = step_no;
    j->deadline_ns = r->sim.now_ns + step_timeout(st);
    if (st->kind == SCN_STEP_SEND || st->kind == SCN_STEP_SENDTO) {
        char why[160] = "out of memory";
        bool owned = false;
        size_t len = 0;
        uint8_t *data = payload_bytes(r, &st->send.payload, &len, &owned, why, sizeof(why));
        if (data == NULL && st->send.payload.kind != SCN_PAYLOAD_TEXT) {
            snprintf(res, res_len, "cannot send: %s", why);
            return -ERR_INVAL;
        }
        j->buf = data;
        j->len = len;
        j->owned = owned;
    } else if (st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM) {
        j->cap = st->recv.all ? 4096 : st->recv.max_len;
        j->buf = malloc(j->cap + 1);
        j->owned = true;
        if (j->buf == NULL)
            return -ERR_NOMEM;
    }
    j->active = true;
    return 0;
}

/* Try j's call once more. Returns 1 when it finished (*ret is the result),
 * 0 when it must wait for j->events. */
static bool
is_stream(struct scn_runner *r, const struct scn_step *st)
{
    enum scn_sock_type t = r->scn->socks[st->sock].type;
    return t == SCN_SOCK_TCP || t == SCN_SOCK_LOCAL_STREAM;
}

/* Whether the step's socket is a local (AF_LOCAL) one, named by a path. */
static bool
is_local(struct scn_runner *r, const struct scn_step *st)
{
    enum scn_sock_type t = r->scn->socks[st->sock].type;
    return t == SCN_SOCK_LOCAL_STREAM || t == SCN_SOCK_LOCAL_DGRAM;
}

/* recv all: read until the end of the stream, growing the buffer. */
static int
job_recv_all(struct scn_runner *r, struct scn_job *j, struct host *h, int fd)
{
    for (;;) {
        if (j->cap - j->len < 4096) {
            size_t ncap = j->cap * 2;
            if (ncap > 4 * (size_t)SCN_LEN_MAX)
                return -ERR_NOBUFS;
            uint8_t *nb = realloc(j->buf, ncap + 1);
            if (nb == NULL)
                return -ERR_NOMEM;
            j->buf = nb;
            j->cap = ncap;
        }
        int n = sock_recv(h, fd, j->buf + j->len, j->cap - j->len);
        if (n < 0)
            return n;
        if (n == 0)
            return (int)j->len;
        j->len += (size_t)n;
    }
    (void)r;
}

/* Before a TCP socket is closed, remember its 4-tuple: the connection may
 * live on after close (FIN-WAIT, TIME-WAIT), and `expect ... state` finds it
 * by that once the socket variable holds no fd. */
static void
close_remember(struct scn_runner *r, const struct scn_step *st, struct host *h, int fd)
{
    if (r->scn->socks[st->sock].type != SCN_SOCK_TCP)
        return;
    struct sock_addr la = { 0 }, fa = { 0 };
    struct scn_closed *cl = &r->closed[st->sock];
    cl->known = sock_getsockname(h, fd, &la) == 0 && sock_getpeername(h, fd, &fa) == 0;
    cl->laddr = la.addr;
    cl->lport = la.port;
    cl->faddr = fa.addr;
    cl->fport = fa.port;
}

/* A close finished with rc: the fd is gone on 0, and also on -ERR_AGAIN
 * after a lingering close whose time ran out - BSD's soclose() frees the
 * socket and returns the EWOULDBLOCK of its sleep all the same, while the
 * connection finishes on its own. */
static void
close_finished(struct scn_runner *r, const struct scn_job *j, int rc, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    if (rc == 0 || (j->started && rc == -ERR_AGAIN))
        r->sock_fd[st->sock] = -1;
    if (!j->started)
        return;
    if (rc == 0)
        snprintf(res, res_len, "0 (the peer acknowledged the data and the FIN)");
    else if (rc == -ERR_AGAIN)
        snprintf(res, res_len, "the linger time ran out before the peer acknowledged "
                 "everything; the socket is gone, the connection goes on alone");
}

/* Try j's call once more. Returns 1 when it finished (*ret is the result),
 * 0 when it must wait for j->events. */
static int
job_try(struct scn_runner *r, struct scn_job *j, int *ret, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    struct host *h = r->hosts[st->host];
    int fd = r->sock_fd[st->sock];
    int rc = 0;

    res[0] = '\0';
    run_enter(r, h, j->step_no);
    switch (st->kind) {
    case SCN_STEP_CONNECT: {
        struct sock_addr a = { st->connect.dest.addr.addr, st->connect.dest.port };
        if (is_local(r, st)) {
            /* A local connect has no handshake: paired at once, or refused.
             * A full accept queue (EAGAIN) waits out the timeout. */
            rc = sock_connect_path(h, fd, st->connect.dest.path);
            j->events = 0;
            break;
        }
        if (!j->started) {
            rc = sock_connect(h, fd, &a);
            if (rc == -ERR_INPROGRESS) {
                /* The handshake runs; wait for it as a non-blocking C
                 * program does: writable or an error, then SO_ERROR. */
                j->started = true;
                j->events = SOCK_POLLOUT | SOCK_POLLERR;
                rc = -ERR_AGAIN;
            }
            break;
        }
        int64_t e = 0;
        rc = sock_getsockopt(h, fd, SOCK_OPT_ERROR, &e);
        if (rc == 0 && e != 0)
            rc = -(int)e;
        break;
    }
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        if (st->kind == SCN_STEP_SEND && is_stream(r, st)) {
            /* A blocking stream send returns when every byte is in the
             * send buffer: put in what fits, let time run, again. */
            while (j->off < j->len || j->len == 0) {
                rc = sock_send(h, fd, j->buf + j->off, j->len - j->off);
                if (rc < 0 || j->len == 0)
                    break;
                j->off += (size_t)rc;
            }
            if (rc >= 0)
                rc = (int)j->off;
            else if (rc == -ERR_AGAIN && j->off > 0)
                snprintf(res, res_len, "%zu of %zu bytes in the send buffer", j->off, j->len);
        } else if (st->kind == SCN_STEP_SEND) {
            rc = sock_send(h, fd, j->buf, j->len);
        } else if (is_local(r, st)) {
            rc = sock_sendto_path(h, fd, j->buf, j->len, st->send.dest.path);
            /* A local datagram socket always polls writable, so a full
             * receiver cannot be waited for by poll: wait out the timeout. */
            if (rc == -ERR_AGAIN) {
                j->events = 0;
                break;
            }
        } else {
            struct sock_addr to = { st->send.dest.addr.addr, st->send.dest.port };
            rc = sock_sendto(h, fd, j->buf, j->len, &to);
        }
        if (rc == -ERR_AGAIN)
            j->events = SOCK_POLLOUT | SOCK_POLLERR;
        break;
    case SCN_STEP_ACCEPT: {
        struct sock_addr peer = { 0 };
        rc = sock_accept(h, fd, &peer);
        if (rc == -ERR_AGAIN) {
            j->events = SOCK_POLLIN | SOCK_POLLERR;
            break;
        }
        if (rc >= 0) {
            char ip[IPV4_ADDR_STRLEN];
            const struct socket *ls = sock_lookup(h, fd);
            r->sock_fd[st->accept.new_sock] = rc;
            r->closed[st->accept.new_sock].known = false;
            if (is_local(r, st))
                snprintf(res, res_len, "%d (a connection to %s)", rc,
                         ls != NULL ? ls->path : "?");
            else
                snprintf(res, res_len, "%d (a connection from %s:%u)", rc,
                         ipv4_addr_str(peer.addr, ip), peer.port);
        }
        break;
    }
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM: {
        struct sock_addr from = { 0 };
        char from_path[SOCK_PATH_MAX] = "";
        if (st->recv.all)
            rc = job_recv_all(r, j, h, fd);
        else if (st->kind == SCN_STEP_RECVFROM && is_local(r, st))
            rc = sock_recvfrom_path(h, fd, j->buf, j->cap, from_path, sizeof(from_path));
        else
            rc = st->kind == SCN_STEP_RECV ? sock_recv(h, fd, j->buf, j->cap)
                                           : sock_recvfrom(h, fd, j->buf, j->cap, &from);
        if (rc == -ERR_AGAIN) {
            j->events = SOCK_POLLIN | SOCK_POLLERR | SOCK_POLLHUP;
            break;
        }
        if (rc >= 0) {
            char shown[200], ip[IPV4_ADDR_STRLEN];
            fmt_bytes(j->buf, (size_t)rc, shown, sizeof(shown));
            if (st->dvar >= 0)
                value_set(&r->values[st->dvar], j->buf, (size_t)rc);
            if (st->kind == SCN_STEP_RECVFROM && is_local(r, st))
                snprintf(res, res_len, "%d bytes from %s: %s", rc,
                         from_path[0] != '\0' ? from_path : "an unnamed socket", shown);
            else if (st->kind == SCN_STEP_RECVFROM)
                snprintf(res, res_len, "%d bytes from %s:%u: %s", rc,
                         ipv4_addr_str(from.addr, ip), from.port, shown);
            else if (st->recv.all)
                snprintf(res, res_len, "%d bytes, then the end of the stream: %s", rc, shown);
            else if (rc == 0 && is_local(r, st))
                snprintf(res, res_len, "0 bytes: the end of the stream (the other end closed "
                         "or shut down)");
            else if (rc == 0 && is_stream(r, st))
                snprintf(res, res_len, "0 bytes: the end of the stream (the peer sent FIN)");
            else
                snprintf(res, res_len, "%d bytes: %s", rc, shown);
        } else if (st->dvar >= 0) {
            value_set(&r->values[st->dvar], NULL, 0);
        }
        break;
    }
    case SCN_STEP_CLOSE:
        if (!j->started) {
            close_remember(r, st, h, fd);
            rc = sock_close(h, fd);
        } else {
            rc = sock_close(h, fd);
            if (rc == -ERR_AGAIN) {
                /* Not "wait more": the linger time ran out. */
                close_finished(r, j, rc, res, res_len);
                run_leave(r, h);
                *ret = rc;
                return 1;
            }
        }
        if (rc == -ERR_INPROGRESS) {
            /* SO_LINGER > 0: close() sleeps until the peer has acknowledged
             * the data and the FIN, or the linger time runs out; the stack
             * says which with SOCK_POLLCLOSE. The wait is the linger time,
             * not the call's timeout: the stack's linger timer, armed this
             * very instant, fires at the deadline and ends it. */
            int64_t linger_s = 0;
            sock_getsockopt(h, fd, SOCK_OPT_LINGER, &linger_s);
            uint64_t until = r->sim.now_ns + (uint64_t)(linger_s > 0 ? linger_s : 0) * NS_PER_S;
            if (until > j->deadline_ns)
                j->deadline_ns = until;
            j->started = true;
            j->events = SOCK_POLLCLOSE;
            rc = -ERR_AGAIN;
            break;
        }
        close_finished(r, j, rc, res, res_len);
        break;
    default:
        rc = -ERR_INVAL;
        break;
    }
    run_leave(r, h);
    if (rc == -ERR_AGAIN)
        return 0;
    *ret = rc;
    return 1;
}

/* j ran out of time: the call fails with EAGAIN, as a blocking call with
 * SO_RCVTIMEO/SO_SNDTIMEO does. */
static int
job_timeout(struct scn_runner *r, struct scn_job *j, char *res, size_t res_len)
{
    const struct scn_step *st = j->st;
    char t[32];
    fmt_time(step_timeout(st), t, sizeof(t));
    run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)j->step_no),
             "nothing happened within %s s: the call gives up", t);
    snprintf(res, res_len, "timed out after %s s", t);
    if ((st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM) && st->dvar >= 0)
        value_set(&r->values[st->dvar], j->buf, st->recv.all ? j->len : 0);
    /* A connect that did not finish in time: ETIMEDOUT (the handshake goes
     * on in the stack); every other call: EAGAIN, as SO_RCVTIMEO gives. */
    if (st->kind == SCN_STEP_CONNECT && j->started)
        return -ERR_TIMEDOUT;
    return -ERR_AGAIN;
}

/* Print a call's result line. `bg` marks a background call finishing. */
static void
print_result(struct scn_runner *r, const struct scn_step *st, int ret, const char *res, bool bg)
{
    char t[32], line[400];
    fmt_time(r->sim.now_ns, t, sizeof(t));
    if (ret >= 0 && res[0] != '\0')
        snprintf(line, sizeof(line), "%s", res);
    else if (ret >= 0)
        snprintf(line, sizeof(line), "%d", ret);
    else
        snprintf(line, sizeof(line), "-1 %s (%s)%s%s", err_name(ret), err_sentence(ret),
                 res[0] != '\0' ? ": " : "", res);
    if (bg)
        run_say(r, false, "[%10s] %-50s => %s  (background, line %u)\n", t, st->text, line,
                st->line);
    else if (r->opts.trace_shown)
        run_say(r, false, "%12s => %s\n", "", line);
    else
        run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, line);
}

/* A job finished with ret: record it on its socket, free it. */
static void
job_done(struct scn_runner *r, struct scn_job *j, int ret, const char *res)
{
    const struct scn_step *st = j->st;
    if (j->background) {
        run_note(r, r->hosts[st->host], cause_call(CALL_NONE, (uint32_t)j->step_no),
                 "background call of step %zu finished: %s", j->step_no, st->text);
        print_result(r, st, ret, res, true);
    }
    r->sock_err[st->sock] = ret < 0 ? -ret : 0;
    job_free(j);
}

/* Move every background job along: those whose socket is ready are tried
 * again, those past their deadline fail. */
static void
service_jobs(struct scn_runner *r)
{
    char res[320];
    for (size_t i = 0; i < r->scn->n_socks; i++) {
        struct scn_job *j = &r->jobs[i];
        if (!j->active || !j->background)
            continue;
        struct host *h = r->hosts[j->st->host];
        int fd = r->sock_fd[j->st->sock];
        int ret;
        if ((sock_poll(h, fd) & j->events) != 0 && job_try(r, j, &ret, res, sizeof(res)) == 1)
            job_done(r, j, ret, res);
        else if (r->sim.now_ns >= j->deadline_ns)
            job_done(r, j, job_timeout(r, j, res, sizeof(res)), res);
    }
}

/* The earliest deadline of a background job, or UINT64_MAX. */
static uint64_t
jobs_deadline(const struct scn_runner *r)
{
    uint64_t d = UINT64_MAX;
    for (size_t i = 0; i < r->scn->n_socks; i++)
        if (r->jobs[i].active && r->jobs[i].background && r->jobs[i].deadline_ns < d)
            d = r->jobs[i].deadline_ns;
    return d;
}

/* ------------------------------------------------------------------------ */
/* Waiting: let the world run until a condition holds or a deadline passes. */

typedef bool (*run_ready_fn)(struct scn_runner *r, void *ctx);

/* Returns true if ready() held before `deadline_ns`; the clock is then at the
 * event that made it so. Otherwise the clock is at the deadline. Background
 * jobs move along on the way. ready may be NULL (never ready). */
static bool
run_wait(struct scn_runner *r, run_ready_fn ready, void *ctx, uint64_t deadline_ns)
{
    /* On a real wire a wait can last as long as a person takes to type
     * `curl`: what the run printed so far must be out first, even into a
     * pipe or a file. */
    if (r->sim.rt != NULL && r->opts.out != NULL)
        fflush(r->opts.out);
    for (;;) {
        service_jobs(r);
        if (ready != NULL && ready(r, ctx))
            return true;
        uint64_t jd = jobs_deadline(r);
        uint64_t limit = jd < deadline_ns ? jd : deadline_ns;
        if (limit == UINT64_MAX) {
            /* A simulated world with nothing left to happen never will;
             * a TAP device can still bring a frame, so wait in slices. */
            if (r->sim.rt == NULL && sim_next_time(&r->sim) == UINT64_MAX)
                return false;
            if (r->sim.rt != NULL)
                limit = r->sim.now_ns + UINT64_C(1000000000);
        }
        /* One event if one is due by the limit (in TAP mode: or a frame
         * arrives first); otherwise the clock moves to the limit. */
        if (sim_step_until(&r->sim, limit))
            continue;
        if (r->sim.now_ns >= deadline_ns) {
            service_jobs(r);
            return ready != NULL && ready(r, ctx);
        }
    }
}

static void
run_until(struct scn_runner *r, uint64_t t_ns)
{
    if (t_ns > r->sim.now_ns)
        run_wait(r, NULL, NULL, t_ns);
}

struct sock_wait {
    struct host *h;
    int fd;
    unsigned events;
};

static bool
sock_ready(struct scn_runner *r, void *ctx)
{
    (void)r;
    struct sock_wait *w = ctx;
    return (sock_poll(w->h, w->fd) & w->events) != 0;
}

static bool
job_finished(struct scn_runner *r, void *ctx)
{
    (void)r;
    const struct scn_job *j = ctx;
    return !j->active;
}

/* Join the background job on socket variable s, if one runs. */
static void
join_job(struct scn_runner *r, int s)
{
    struct scn_job *j = &r->jobs[s];
    if (j->active)
        run_wait(r, job_finished, j, j->deadline_ns);
}

/* Run a blocking call to its end in the foreground (or leave it in the
 * background). Returns the result, or 1 with *running set for a background
 * call still going. */
static int
run_blocking(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool background,
             bool *running, char *res, size_t res_len)
{
    struct scn_job *j = &r->jobs[job_sock(st)];
    int ret = 0;
    *running = false;
    int rc = job_start(r, j, st, step_no, res, res_len);
    if (rc < 0) {
        job_free(j);
        return rc;
    }
    for (;;) {
        if (job_try(r, j, &ret, res, res_len) == 1)
            break;
        if (background) {
            j->background = true;
            *running = true;
            snprintf(res, res_len, "running in the background until %s",
                     "it completes or times out");
            return 0;
        }
        struct sock_wait w = { r->hosts[st->host], r->sock_fd[st->sock], j->events };
        if (!run_wait(r, sock_ready, &w, j->deadline_ns)) {
            ret = job_timeout(r, j, res, res_len);
            break;
        }
    }
    job_free(j);
    return ret;
}

/* One host call. Returns its result (>= 0 or -ERR_*); *running is set for
 * a background call that goes on. */
static int
step_call(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool background,
          bool *running, char *res, size_t res_len)
{
    struct host *h = r->hosts[st->host];
    int *fd = st->sock >= 0 ? &r->sock_fd[st->sock] : NULL;
    int ret = 0;
    res[0] = '\0';
    *running = false;
    /* A call on a socket a background call still uses waits for it first. */
    if (st->kind != SCN_STEP_WAIT && st->sock >= 0)
        join_job(r, st->sock);
    switch (st->kind) {
    case SCN_STEP_CONNECT:
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
    case SCN_STEP_ACCEPT:
    case SCN_STEP_CLOSE:
        ret = run_blocking(r, st, step_no, background, running, res, res_len);
        if (*running)
            return 0;
        break;
    case SCN_STEP_WAIT: {
        struct scn_job *j = &r->jobs[st->sock];
        if (!j->active) {
            snprintf(res, res_len, "nothing to wait for: the background call already finished");
            return 0;
        }
        const struct scn_step *bst = j->st;
        run_wait(r, job_finished, j, j->deadline_ns);
        int e = r->sock_err[bst->sock];
        snprintf(res, res_len, "joined the call of line %u (%s)", bst->line,
                 e == 0 ? "it succeeded" : err_name(-e));
        return 0;
    }
    case SCN_STEP_SOCKET:
        run_enter(r, h, step_no);
        if (st->socket.type == SCN_SOCK_TCP)
            ret = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_STREAM, SOCK_PROTO_TCP);
        else if (st->socket.type == SCN_SOCK_LOCAL_STREAM)
            ret = sock_socket(h, SOCK_DOMAIN_LOCAL, SOCK_TYPE_STREAM, SOCK_PROTO_LOCAL);
        else if (st->socket.type == SCN_SOCK_LOCAL_DGRAM)
            ret = sock_socket(h, SOCK_DOMAIN_LOCAL, SOCK_TYPE_DGRAM, SOCK_PROTO_LOCAL);
        else
            ret = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM,
                              st->socket.type == SCN_SOCK_ICMP ? SOCK_PROTO_ICMP
                                                               : SOCK_PROTO_UDP);
        if (ret >= 0) {
            *fd = ret;
            r->closed[st->sock].known = false;
        }
        run_leave(r, h);
        break;
    case SCN_STEP_LISTEN:
        run_enter(r, h, step_no);
        ret = sock_listen(h, *fd, st->listen.has_backlog ? (int)st->listen.backlog
                                                         : SCN_RUN_BACKLOG_DEFAULT);
        run_leave(r, h);
        break;
    case SCN_STEP_SHUTDOWN: {
        static const enum sock_shut how[SCN_SHUT_COUNT] = { SOCK_SHUT_RD, SOCK_SHUT_WR,
                                                            SOCK_SHUT_RDWR };
        run_enter(r, h, step_no);
        ret = sock_shutdown(h, *fd, how[st->shutdown.how]);
        run_leave(r, h);
        break;
    }
    case SCN_STEP_SETSOCKOPT: {
        static const enum sock_opt opt[SCN_OPT_COUNT] = {
            [SCN_OPT_NODELAY] = SOCK_OPT_TCP_NODELAY, [SCN_OPT_RCVBUF] = SOCK_OPT_RCVBUF,
            [SCN_OPT_SNDBUF] = SOCK_OPT_SNDBUF, [SCN_OPT_KEEPALIVE] = SOCK_OPT_KEEPALIVE,
            [SCN_OPT_LINGER] = SOCK_OPT_LINGER, [SCN_OPT_REUSEADDR] = SOCK_OPT_REUSEADDR,
            [SCN_OPT_BROADCAST] = SOCK_OPT_BROADCAST,
            [SCN_OPT_CONGESTION] = SOCK_OPT_TCP_CONGESTION,
        };
        int64_t v = st->sockopt.value;
        if (st->sockopt.opt == SCN_OPT_CONGESTION)
            v = tcp_cc_lookup(scn_cc_name((enum scn_cc)v));
        run_enter(r, h, step_no);
        ret = sock_setsockopt(h, *fd, opt[st->sockopt.opt], v);
        run_leave(r, h);
        break;
    }
    case SCN_STEP_BIND: {
        struct sock_addr a = { st->bind.local.addr.addr, st->bind.local.port };
        run_enter(r, h, step_no);
        ret = is_local(r, st) ? sock_bind_path(h, *fd, st->bind.local.path)
                              : sock_bind(h, *fd, &a);
        run_leave(r, h);
        break;
    }
    default:
        ret = -ERR_INVAL;
        break;
    }
    if (st->sock >= 0)
        r->sock_err[st->sock] = ret < 0 ? -ret : 0;
    return ret;
}

/* ping: what ping(8) does, over a ping socket, printing what it prints. */
struct ping_wait {
    struct host *h;
    int fd;
};

static bool
ping_ready(struct scn_runner *r, void *ctx)
{
    (void)r;
    struct ping_wait *w = ctx;
    return (sock_poll(w->h, w->fd) & (SOCK_POLLIN | SOCK_POLLERR)) != 0;
}

/* What ping(8) and traceroute(8) say about an ICMP error [iputils
 * ping4_common.c pr_icmph()]: "Time to live exceeded". */
static void
icmp_err_text(const struct sock_icmp_err *e, char *buf, size_t n)
{
    if (e->type == ICMP_TIME_EXCEEDED) {
        snprintf(buf, n, "%s", e->code == 0 ? "Time to live exceeded"
                                            : "Frag reassembly time exceeded");
        return;
    }
    if (e->type != ICMP_DEST_UNREACH) {
        snprintf(buf, n, "Bad ICMP type: %u", e->type);
        return;
    }
    switch (e->code) {
    case 0: snprintf(buf, n, "Destination Net Unreachable"); break;
    case 1: snprintf(buf, n, "Destination Host Unreachable"); break;
    case 2: snprintf(buf, n, "Destination Protocol Unreachable"); break;
    case 3: snprintf(buf, n, "Destination Port Unreachable"); break;
    case 4: snprintf(buf, n, "Frag needed and DF set (mtu = %u)", e->mtu); break;
    default: snprintf(buf, n, "Dest Unreachable, Bad Code: %u", e->code); break;
    }
}

/* The TTL of the datagram at the head of fd's receive queue, as ping(8)
 * reads it from the IP header recvmsg() returns; 0 if unknown. */
static unsigned
head_ttl(struct host *h, int fd)
{
    struct socket *s = sock_lookup(h, fd);
    if (s == NULL || s->rcvq.first == NULL || pkt_l3(s->rcvq.first) == NULL)
        return 0;
    return pkt_l3(s->rcvq.first)[IPV4_OFF_TTL];
}

static void
step_ping(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_ping_args *pa = &st->ping;
    struct host *h = r->hosts[st->host];
    char dst[IPV4_ADDR_STRLEN];
    ipv4_addr_str(pa->dest.addr, dst);
    run_say(r, false, "PING %s (%s) %u(%u) bytes of data.\n", dst, dst, pa->size,
            pa->size + 28);
    run_enter(r, h, step_no);
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    run_leave(r, h);
    if (fd < 0) {
        run_say(r, true, "ping: socket: %s\n", err_sentence(fd));
        return;
    }
    /* As ping(8): IP_RECVERR for the "From ROUTER" lines, -t and -M do. */
    run_enter(r, h, step_no);
    sock_setsockopt(h, fd, SOCK_OPT_IP_RECVERR, 1);
    if (pa->ttl != 0)
        sock_setsockopt(h, fd, SOCK_OPT_IP_TTL, pa->ttl);
    if (pa->df)
        sock_setsockopt(h, fd, SOCK_OPT_IP_DF, 1);
    run_leave(r, h);
    size_t len = ICMP_HDR_LEN + pa->size;
    uint8_t *req = calloc(1, len);
    uint8_t *rep = malloc(len + 64);
    uint64_t start = r->sim.now_ns, last = start;
    uint64_t rtt_min = UINT64_MAX, rtt_max = 0, rtt_sum = 0;
    double rtt_sq = 0;
    unsigned sent = 0, received = 0, errors = 0;
    for (uint32_t seq = 1; req != NULL && rep != NULL && seq <= pa->count; seq++) {
        uint64_t t_send = r->sim.now_ns;
        unsigned errors_before = errors;
        req[0] = ICMP_ECHO_REQUEST;
        be16_put(req + 6, (uint16_t)seq);
        /* As ping(8) does: a timestamp first when there is room, then bytes
         * counting up from 0x10 [iputils ping_common.c fill pattern]. */
        size_t o = ICMP_HDR_LEN;
        if (pa->size >= 16) {
            be32_put(req + o, (uint32_t)(t_send / NS_PER_S));
            be32_put(req + o + 4, (uint32_t)((t_send % NS_PER_S) / 1000));
            o += 16;
            memset(req + o - 8, 0, 8);
        }
        for (size_t i = o; i < len; i++)
            req[i] = (uint8_t)(0x10 + (i - ICMP_HDR_LEN) % 0xf0);
        run_enter(r, h, step_no);
        host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
        struct sock_addr to = { pa->dest.addr, 0 };
        int sr = sock_sendto(h, fd, req, len, &to);
        run_leave(r, h);
        if (sr == -ERR_MSGSIZE) {
            /* ping -M do above the path MTU: the kernel refuses at once. */
            run_say(r, false, "ping: local error: message too long, mtu=%u\n",
                    ipv4_path_mtu(h, pa->dest.addr));
            errors++;
            sent++;
        } else if (sr < 0) {
            run_say(r, false, "ping: sendto: %s\n", err_sentence(sr));
            errors++;
        } else {
            sent++;
        }
        uint64_t deadline = t_send + pa->timeout_ns;
        bool got = false;
        while (sr >= 0 && !got) {
            struct ping_wait w = { h, fd };
            if (!run_wait(r, ping_ready, &w, deadline))
                break;
            run_enter(r, h, step_no);
            host_set_cause(h, cause_call(CALL_PING, (uint32_t)step_no));
            struct sock_icmp_err qe;
            if (sock_recv_error(h, fd, &qe) == 0) {
                run_leave(r, h);
                if (qe.dport != seq)
                    continue;
                char off[IPV4_ADDR_STRLEN], why[64];
                icmp_err_text(&qe, why, sizeof(why));
                run_say(r, false, "From %s icmp_seq=%u %s\n", ipv4_addr_str(qe.offender, off),
                        seq, why);
                errors++;
                last = r->sim.now_ns;
                break;
            }
            unsigned ttl = head_ttl(h, fd);
            struct sock_addr from;
            int n = sock_recvfrom(h, fd, rep, len + 64, &from);
            run_leave(r, h);
            if (n < 0) {
                if (n != -ERR_AGAIN) {
                    run_say(r, false, "From %s icmp_seq=%u %s\n", dst, seq, err_sentence(n));
                    errors++;
                    break;
                }
                continue;
            }
            if (n < ICMP_HDR_LEN || be16_get(rep + 6) != seq)
                continue;
            got = true;
            received++;
            uint64_t rtt = r->sim.now_ns - t_send;
            last = r->sim.now_ns;
            rtt_min = rtt < rtt_min ? rtt : rtt_min;
            rtt_max = rtt > rtt_max ? rtt : rtt_max;
            rtt_sum += rtt;
            rtt_sq += (double)rtt * (double)rtt;
            char ip[IPV4_ADDR_STRLEN];
            run_say(r, false, "%d bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n", n,
                    ipv4_addr_str(from.addr, ip), seq, ttl, (double)rtt / NS_PER_MS);
        }
        if (sr >= 0 && !got && errors == errors_before)
            run_say(r, false, "no answer yet for icmp_seq=%u\n", seq);
        if (seq < pa->count) {
            uint64_t next = t_send + pa->interval_ns;
            if (next > r->sim.now_ns)
                run_until(r, next);
        }
    }
    run_enter(r, h, step_no);
    sock_close(h, fd);
    run_leave(r, h);
    free(req);
    free(rep);
    unsigned loss = sent > 0 ? (unsigned)((sent - received) * 100u / sent) : 100u;
    uint64_t elapsed_ms = (last - start) / NS_PER_MS;
    char summary[160];
    char errs[32] = "";
    if (errors > 0)
        snprintf(errs, sizeof(errs), "+%u errors, ", errors);
    snprintf(summary, sizeof(summary),
             "%u packets transmitted, %u received, %s%u%% packet loss, time %" PRIu64 "ms", sent,
             received, errs, loss, elapsed_ms);
    run_say(r, false, "\n--- %s ping statistics ---\n%s\n", dst, summary);
    if (received > 0) {
        double avg = (double)rtt_sum / received;
        double var = rtt_sq / received - avg * avg;
        double mdev = var > 0 ? sqrt(var) : 0;
        run_say(r, false, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
                (double)rtt_min / NS_PER_MS, avg / NS_PER_MS, (double)rtt_max / NS_PER_MS,
                mdev / NS_PER_MS);
    }
    if (st->dvar >= 0)
        value_set(&r->values[st->dvar], (const uint8_t *)summary, strlen(summary));
}

/* ------------------------------------------------------------------------ */
/* traceroute: what traceroute(8) -n does with its default UDP probes. */

/* The first UDP port a probe goes to, and traceroute's 32 bytes of data
 * (60-byte packets: 20 IPv4 + 8 UDP + 32). */
#define TRACEROUTE_PORT_BASE 33434u
#define TRACEROUTE_DATA_LEN  32u

static void
step_traceroute(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    const struct scn_traceroute_args *ta = &st->traceroute;
    struct host *h = r->hosts[st->host];
    char dst[IPV4_ADDR_STRLEN];
    uint8_t data[TRACEROUTE_DATA_LEN];
    unsigned port = TRACEROUTE_PORT_BASE;
    bool done = false;

    ipv4_addr_str(ta->dest.addr, dst);
    /* [traceroute.c] the data counts up from 0x40, as its default probe does */
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x40 + i);
    run_say(r, false, "traceroute to %s (%s), %u hops max, %u byte packets\n", dst, dst,
            (unsigned)ta->max_hops, IPV4_HDR_MIN + UDP_HDR_LEN + TRACEROUTE_DATA_LEN);
    run_enter(r, h, step_no);
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    if (fd >= 0)
        sock_setsockopt(h, fd, SOCK_OPT_IP_RECVERR, 1);
    run_leave(r, h);
    if (fd < 0) {
        run_say(r, true, "traceroute: socket: %s\n", err_sentence(fd));
        return;
    }
    for (uint32_t ttl = 1; ttl <= ta->max_hops && !done; ttl++) {
        char line[512];
        size_t o = 0;
        uint32_t last_addr = 0;
        bool any_addr = false;
        o += (size_t)snprintf(line + o, sizeof(line) - o, "%2u ", (unsigned)ttl);
        for (uint32_t probe = 0; probe < ta->probes; probe++, port++) {
            uint64_t t_send = r->sim.now_ns;
            run_enter(r, h, step_no);
            host_set_cause(h, cause_call(CALL_SENDTO, (uint32_t)step_no));
            sock_setsockopt(h, fd, SOCK_OPT_IP_TTL, ttl);
            struct sock_addr to = { ta->dest.addr, (uint16_t)port };
            int sr = sock_sendto(h, fd, data, sizeof(data), &to);
            run_leave(r, h);
            if (sr < 0) {
                run_say(r, false, "%s\ntraceroute: sendto: %s\n", line, err_sentence(sr));
                done = true;
                o = 0;
                break;
            }
            struct sock_icmp_err qe;
            bool got = false;
            uint64_t deadline = t_send + ta->wait_ns;
            while (!got) {
                struct ping_wait w = { h, fd };
                if (!run_wait(r, ping_ready, &w, deadline))
                    break;
                run_enter(r, h, step_no);
                int er = sock_recv_error(h, fd, &qe);
                if (er != 0) {
                    uint8_t junk[64];
                    while (sock_recv(h, fd, junk, sizeof(junk)) >= 0) {
                    }
                }
                run_leave(r, h);
                got = er == 0 && qe.dport == port;
            }
            if (!got) {
                o += (size_t)snprintf(line + o, sizeof(line) - o, " *");
                continue;
            }
            if (!any_addr || qe.offender != last_addr) {
                char a[IPV4_ADDR_STRLEN];
                o += (size_t)snprintf(line + o, sizeof(line) - o, " %s",
                                      ipv4_addr_str(qe.offender, a));
            }
            any_addr = true;
            last_addr = qe.offender;
            o += (size_t)snprintf(line + o, sizeof(line) - o, "  %.3f ms",
                                  (double)(qe.at_ns - t_send) / NS_PER_MS);
            if (o >= sizeof(line))
                o = sizeof(line) - 1;
            /* [traceroute.c] !N !H !P !F annotate unreachables; the
             * destination's port unreachable is the answer we wanted. */
            if (qe.type == ICMP_DEST_UNREACH) {
                static const char *const marks[] = { " !N", " !H", " !P", "", " !F" };
                if (qe.code < 5)
                    o += (size_t)snprintf(line + o, sizeof(line) - o, "%s", marks[qe.code]);
                else
                    o += (size_t)snprintf(line + o, sizeof(line) - o, " !<%u>", qe.code);
                done = true;
            }
            if (o >= sizeof(line))
                o = sizeof(line) - 1;
        }
        if (o > 0)
            run_say(r, false, "%s\n", line);
    }
    run_enter(r, h, step_no);
    sock_close(h, fd);
    run_leave(r, h);
}

/* ------------------------------------------------------------------------ */
/* Routes, links and per-packet rules */

static void
step_route_add(struct scn_runner *r, const struct scn_step *st, char *res, size_t n)
{
    const struct scn_route_args *ra = &st->route;
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

static void
step_route_show(struct scn_runner *r, const struct scn_step *st)
{
    struct host *h = r->hosts[st->host];
    char buf[4096];
    int n = route_table_format(h, buf, sizeof(buf));
    if (n < 0)
        return;
    run_say(r, false, "%s", buf);
}

static void
step_link_state(struct scn_runner *r, const struct scn_step *st)
{
    link_set_down(r->links[st->link_state.link], st->link_state.down);
}

/* Put a per-packet rule on every link; each link counts its own matches. */
static unsigned
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
    };
    struct link_rule lr = {
        .action = acts[d->action],
        .delay_ns = d->delay_ns,
        .nth = d->nth,
        .proto = protos[f->proto],
        .tcp_flags = f->flags,
        .port = f->port,
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
/* Expectations */

static bool
mem_contains(const uint8_t *hay, size_t hn, const uint8_t *needle, size_t nn)
{
    if (nn == 0)
        return true;
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(hay + i, needle, nn) == 0)
            return true;
    return false;
}

/* The TCP state of socket variable s: its TCB's, or, once closed, the
 * state of the connection it left behind (FIN_WAIT_2, TIME_WAIT...), found
 * by its 4-tuple; CLOSED when nothing is left. */
static const char *
tcp_state_of(struct scn_runner *r, struct host *h, int s)
{
    const char *state = "CLOSED";
    int fd = r->sock_fd[s];
    if (fd >= 0) {
        if (!inspect_tcp_state(h, fd, &state))
            state = "CLOSED";
        return state;
    }
    const struct scn_closed *cl = &r->closed[s];
    if (!cl->known)
        return state;
    size_t n = inspect_tcbs(h, NULL, 0);
    struct inspect_tcb *all = calloc(n + 1, sizeof(*all));
    if (all == NULL)
        return state;
    n = inspect_tcbs(h, all, n);
    for (size_t i = 0; i < n; i++)
        if (all[i].fd < 0 && all[i].laddr == cl->laddr && all[i].lport == cl->lport &&
            all[i].faddr == cl->faddr && all[i].fport == cl->fport)
            state = all[i].state;
    free(all);
    return state;
}

/* Judge an expect; writes what was found into `got`. */
static bool
step_expect(struct scn_runner *r, const struct scn_step *st, char *got, size_t got_len)
{
    const struct scn_expect *e = &st->expect;
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    switch (e->kind) {
    case SCN_EXPECT_DATA:
    case SCN_EXPECT_LENGTH: {
        const struct scn_value *v = &r->values[e->dvar];
        if (!v->set) {
            snprintf(got, got_len, "%s was never received", r->scn->dvars[e->dvar].name);
            return false;
        }
        if (e->kind == SCN_EXPECT_LENGTH) {
            snprintf(got, got_len, "length %zu", v->len);
            return cmp_u64(v->len, e->cmp, e->number);
        }
        const uint8_t *want = e->text;
        size_t want_len = e->text_len;
        uint8_t *built = NULL;
        if (e->rhs.kind != SCN_PAYLOAD_TEXT) {
            /* `expect r == dns-answer ...`: the bytes that payload is now */
            char why[160] = "out of memory";
            built = app_payload_bytes(r, &e->rhs, &want_len, why, sizeof(why));
            if (built == NULL) {
                snprintf(got, got_len, "nothing to compare with: %s", why);
                return false;
            }
            want = built;
        }
        fmt_bytes(v->data, v->len, got, got_len);
        bool eq = v->len == want_len && (v->len == 0 || memcmp(v->data, want, v->len) == 0);
        bool held = e->cmp == SCN_CMP_EQ   ? eq
                  : e->cmp == SCN_CMP_NE ? !eq
                                         : mem_contains(v->data, v->len, want, want_len);
        free(built);
        return held;
    }
    case SCN_EXPECT_ERROR: {
        int want = err_lookup(e->err_name);
        int have = r->sock_err[st->sock];
        snprintf(got, got_len, "%s", err_name(have));
        return want == have;
    }
    case SCN_EXPECT_COUNTER: {
        uint64_t v = 0;
        if (!inspect_counter(h, e->counter, &v)) {
            snprintf(got, got_len, "no counter %s", e->counter);
            return false;
        }
        snprintf(got, got_len, "%" PRIu64, v);
        return cmp_u64(v, e->cmp, e->number);
    }
    case SCN_EXPECT_ARP: {
        struct inspect_arp a;
        bool found = inspect_arp_find(h, e->arp_addr.addr, &a);
        char m[MAC_ADDR_STRLEN];
        if (!found)
            snprintf(got, got_len, "absent");
        else if (strcmp(a.state, "INCOMPLETE") == 0)
            snprintf(got, got_len, "incomplete");
        else
            snprintf(got, got_len, "%s", mac_addr_str(a.mac, m));
        switch (e->arp_state) {
        case SCN_ARP_ABSENT: return !found;
        case SCN_ARP_INCOMPLETE: return found && strcmp(a.state, "INCOMPLETE") == 0;
        case SCN_ARP_PRESENT: return found && strcmp(a.state, "INCOMPLETE") != 0;
        case SCN_ARP_MAC:
            return found && strcmp(a.state, "INCOMPLETE") != 0 &&
                   memcmp(a.mac, e->arp_mac, ETH_ALEN) == 0;
        default: return false;
        }
    }
    case SCN_EXPECT_STATE: {
        const char *state = "CLOSED";
        struct inspect_socket is;
        int fd = r->sock_fd[st->sock];
        if (r->scn->socks[st->sock].type == SCN_SOCK_TCP)
            state = tcp_state_of(r, h, st->sock);
        else if (fd >= 0 && inspect_socket(h, fd, &is))
            state = is.state;
        snprintf(got, got_len, "%s", state);
        bool eq = strcmp(state, e->field) == 0;
        return e->cmp == SCN_CMP_NE ? !eq : eq;
    }
    case SCN_EXPECT_TCB: {
        uint64_t v = 0;
        int fd = r->sock_fd[st->sock];
        if (fd < 0 || !inspect_tcb_field(h, fd, e->field, &v)) {
            snprintf(got, got_len, "%s has no TCB", r->scn->socks[st->sock].name);
            return false;
        }
        snprintf(got, got_len, "%s %" PRIu64, e->field, v);
        return cmp_u64(v, e->cmp, e->number);
    }
    case SCN_EXPECT_ROUTE: {
        const struct route *rt = route_lookup(h, e->route_dest.addr);
        char ip[IPV4_ADDR_STRLEN];
        if (rt == NULL) {
            snprintf(got, got_len, "none");
            return e->route_kind == SCN_ROUTE_NONE;
        }
        if (rt->gateway == 0) {
            snprintf(got, got_len, "direct");
            return e->route_kind == SCN_ROUTE_DIRECT;
        }
        snprintf(got, got_len, "via %s", ipv4_addr_str(rt->gateway, ip));
        return e->route_kind == SCN_ROUTE_VIA && rt->gateway == e->route_gw.addr;
    }
    case SCN_EXPECT_PACKETS: {
        uint64_t n = r->counts[st - r->scn->steps].n;
        snprintf(got, got_len, "%" PRIu64 " packet%s", n, n == 1 ? "" : "s");
        return cmp_u64(n, e->cmp, e->number);
    }
    case SCN_EXPECT_TIME: {
        char t[32];
        fmt_time(r->sim.now_ns, t, sizeof(t));
        snprintf(got, got_len, "time %s s", t);
        return cmp_u64(r->sim.now_ns, e->cmp, e->number);
    }
    default:
        snprintf(got, got_len, "this check is not in this build yet");
        return false;
    }
}

/* ------------------------------------------------------------------------ */
/* Steps */

static void
step_set(struct scn_runner *r, const struct scn_step *st)
{
    struct host *h = r->hosts[st->host];
    struct tcp_host *t = &h->tcp;
    uint64_t v = st->set.value;
    switch (st->set.key) {
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
    default: break;
    }
}

static void
run_expect(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    char got[256], t[32];
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    bool ok = step_expect(r, st, got, sizeof(got));
    const char *file = r->scn->files[st->file];
    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s: %s", step_no,
             st->text, ok ? "holds" : "FAILS");
    if (ok) {
        r->expects_passed++;
        run_say(r, false, "[%10s] %-50s ok\n", t, st->text);
    } else {
        r->expects_failed++;
        run_say(r, true, "%s:%u: expect failed: %s\n    got: %s\n", file, st->line, st->text,
                got);
    }
}

/* Run one statement now (in line, or because its `at` time came). */
static void
run_statement(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    struct host *h = st->host >= 0 ? r->hosts[st->host] : NULL;
    struct trace_cause cause = cause_call(CALL_NONE, (uint32_t)step_no);
    char t[32];
    fmt_time(r->sim.now_ns, t, sizeof(t));

    switch (st->kind) {
    case SCN_STEP_SAY:
        run_note(r, NULL, cause, "say: %s", st->say.text);
        if (!r->opts.trace_shown)
            run_say(r, false, "\n  %s\n\n", st->say.text);
        return;
    case SCN_STEP_PAUSE:
        run_note(r, NULL, cause, "pause%s%s", st->say.text != NULL ? ": " : "",
                 st->say.text != NULL ? st->say.text : "");
        if (r->opts.on_pause != NULL)
            r->opts.on_pause(r->opts.pause_ctx, st->say.text);
        return;
    case SCN_STEP_SLEEP:
        run_note(r, NULL, cause, "step %zu: %s", step_no, st->text);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        run_until(r, r->sim.now_ns + st->sleep.duration_ns);
        return;
    case SCN_STEP_PING:
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        step_ping(r, st, step_no);
        return;
    case SCN_STEP_EXPECT:
        run_expect(r, st, step_no);
        return;
    case SCN_STEP_TRACEROUTE:
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        step_traceroute(r, st, step_no);
        return;
    case SCN_STEP_ROUTE_SHOW:
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        step_route_show(r, st);
        return;
    case SCN_STEP_ROUTE_ADD: {
        char res[160];
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        step_route_add(r, st, res, sizeof(res));
        if (r->opts.trace_shown)
            run_say(r, false, "%12s => %s\n", "", res);
        else
            run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, res);
        return;
    }
    case SCN_STEP_LINK_STATE:
        run_note(r, NULL, cause, "step %zu: %s", step_no, st->text);
        step_link_state(r, st);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        return;
    case SCN_STEP_DROP: {
        run_note(r, NULL, cause, "step %zu: %s", step_no, st->text);
        unsigned n = step_rule(r, st);
        if (r->opts.trace_shown)
            run_say(r, false, "%12s => armed on %u link%s\n", "", n, n == 1 ? "" : "s");
        else
            run_say(r, false, "[%10s] %-50s => armed on %u link%s\n", t, st->text, n,
                    n == 1 ? "" : "s");
        return;
    }
    case SCN_STEP_SET:
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        step_set(r, st);
        if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] %s\n", t, st->text);
        return;
    default: {
        run_note(r, h, cause, "step %zu: %s", step_no, st->text);
        char res[320];
        bool running = false;
        int ret = step_call(r, st, step_no, st->background || scheduled, &running, res,
                            sizeof(res));
        if (running) {
            if (r->opts.trace_shown)
                run_say(r, false, "%12s => %s\n", "", res);
            else
                run_say(r, false, "[%10s] %-50s => %s\n", t, st->text, res);
            return;
        }
        print_result(r, st, ret, res, false);
        return;
    }
    }
}

/* The callback of an `at` statement: its time has come. Blocking calls
 * become background jobs, so the world is never run from inside an event. */
static void
at_fire(struct sim *s, void *ctx)
{
    (void)s;
    struct scn_at *a = ctx;
    a->ran = true;
    run_statement(a->r, a->st, a->step_no, true);
}

static void
schedule_at(struct scn_runner *r, const struct scn_step *st, size_t step_no)
{
    char t[32];
    struct scn_at *a = calloc(1, sizeof(*a));
    bool grow = r->n_ats >= r->cap_ats;
    struct scn_at **na = !grow ? r->ats : realloc(r->ats, (r->cap_ats * 2 + 4) * sizeof(*na));
    if (a == NULL || na == NULL) {
        free(a);
        run_say(r, true, "%s:%u: out of memory scheduling this statement\n",
                r->scn->files[st->file], st->line);
        return;
    }
    /* The capacity grows whenever realloc ran, even when it grew the block
     * in place and handed back the same pointer. */
    if (grow) {
        r->ats = na;
        r->cap_ats = r->cap_ats * 2 + 4;
    }
    a->r = r;
    a->st = st;
    a->step_no = step_no;
    r->ats[r->n_ats++] = a;
    fmt_time(st->at_ns, t, sizeof(t));
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s (scheduled)",
             step_no, st->text);
    if (!r->opts.trace_shown) {
        char now[32];
        fmt_time(r->sim.now_ns, now, sizeof(now));
        run_say(r, false, "[%10s] %-50s => scheduled for %s s\n", now, st->text, t);
    }
    if (sim_schedule_call(&r->sim, st->at_ns, at_fire, a) < 0)
        run_say(r, true, "%s:%u: out of memory scheduling this statement\n",
                r->scn->files[st->file], st->line);
}

bool
scn_runner_step(struct scn_runner *r)
{
    if (r->next_step >= r->scn->n_steps)
        return false;
    const struct scn_step *st = &r->scn->steps[r->next_step++];
    size_t step_no = r->next_step;
    if (st->has_at)
        schedule_at(r, st, step_no);
    else
        run_statement(r, st, step_no, false);
    return true;
}

size_t
scn_runner_next(const struct scn_runner *r)
{
    return r->next_step;
}

void
scn_runner_finish(struct scn_runner *r)
{
    char t[32];
    if (r->ended)
        return;
    r->ended = true;
    fmt_time(r->sim.now_ns, t, sizeof(t));
    for (size_t i = 0; i < r->scn->n_socks; i++) {
        struct scn_job *j = &r->jobs[i];
        if (!j->active)
            continue;
        run_say(r, false, "%s:%u: the background call '%s' was still waiting when the script "
                "ended at %s s\n", r->scn->files[j->st->file], j->st->line, j->st->text, t);
    }
    for (size_t i = 0; i < r->n_ats; i++) {
        const struct scn_at *a = r->ats[i];
        if (a->ran)
            continue;
        bool is_expect = a->st->kind == SCN_STEP_EXPECT;
        if (is_expect)
            r->expects_failed++;
        run_say(r, is_expect, "%s:%u: %s: never ran, the script ended at %s s%s\n",
                r->scn->files[a->st->file], a->st->line, a->st->text, t,
                is_expect ? " (an expect that never ran fails)" : "");
    }
}

void
scn_runner_run(struct scn_runner *r)
{
    while (scn_runner_step(r))
        ;
    scn_runner_finish(r);
}

/* ------------------------------------------------------------------------ */
/* A world that goes on after the script: TAP devices, live statements. */

/* Events one poll runs at most, so a flooded wire cannot starve the view. */
#define SCN_POLL_EVENTS_MAX 4096u

bool
scn_runner_poll(struct scn_runner *r)
{
    if (r->sim.rt == NULL)
        return false;
    uint64_t before = r->sim.events_run;
    uint64_t now = realtime_now(r->sim.rt);
    for (unsigned i = 0; i < SCN_POLL_EVENTS_MAX && sim_step_until(&r->sim, now); i++)
        ;
    service_jobs(r);
    return r->sim.events_run != before;
}

uint64_t
scn_runner_next_due(const struct scn_runner *r)
{
    uint64_t next = sim_next_time(&r->sim);
    uint64_t jd = jobs_deadline(r);
    return jd < next ? jd : next;
}

/* diag holds the one error msg (a runner's "FILE:LINE:COL: error: ..."). */
static void
live_diag(struct scn_diag *diag, unsigned line, unsigned col, const char *msg)
{
    if (diag == NULL)
        return;
    memset(diag, 0, sizeof(*diag));
    diag->n_errors = 1;
    diag->n_kept = 1;
    diag->errors[0].line = line;
    diag->errors[0].col = col;
    snprintf(diag->errors[0].msg, sizeof(diag->errors[0].msg), "%s", msg);
    memcpy(diag->first, diag->errors[0].msg, sizeof(diag->first));
}

/* A per-name table of the runner grown from n_old to n_new entries (+1, as
 * scn_runner_init allocates them), the new ones zero; NULL without memory
 * (arr is then untouched). */
static void *
live_grow(void *arr, size_t n_old, size_t n_new, size_t el)
{
    if (n_new <= n_old)
        return arr;
    char *na = realloc(arr, (n_new + 1) * el);
    if (na != NULL)
        memset(na + (n_old + 1) * el, 0, (n_new - n_old) * el);
    return na;
}

/* arr = live_grow(arr, ...), or -1 leaving arr as it was. */
#define LIVE_GROW(arr, n_old, n_new)                                                       \
    ((grown = live_grow((arr), (n_old), (n_new), sizeof(*(arr)))) != NULL ? ((arr) = grown, 0) \
                                                                       : -1)

long
scn_runner_live(struct scn_runner *r, struct scenario *scn, const char *text, unsigned line,
                struct scn_diag *diag)
{
    char err[SCN_MSG_LEN];
    size_t n_steps = scn->n_steps, n_socks = scn->n_socks, n_dvars = scn->n_dvars;
    if (r->scn != scn || r->next_step < n_steps) {
        snprintf(err, sizeof(err), "%s:%u:1: error: the script is still running; a statement "
                 "from the command line runs after its last step", SCN_LIVE_FILE, line);
        live_diag(diag, line, 1, err);
        return -1;
    }
    /* The parser may move scn->steps: hold what points into it as indexes. */
    size_t *job_at = calloc(n_socks + r->n_ats + 1, sizeof(*job_at));
    if (job_at == NULL) {
        snprintf(err, sizeof(err), "%s: error: out of memory", SCN_LIVE_FILE);
        live_diag(diag, 0, 0, err);
        return -1;
    }
    size_t *at_at = job_at + n_socks;
    for (size_t i = 0; i < n_socks; i++)
        if (r->jobs[i].active)
            job_at[i] = (size_t)(r->jobs[i].st - scn->steps);
    for (size_t i = 0; i < r->n_ats; i++)
        at_at[i] = (size_t)(r->ats[i]->st - scn->steps);
    long k = scenario_parse_step(scn, text, line, diag);
    for (size_t i = 0; i < n_socks; i++)
        if (r->jobs[i].active)
            r->jobs[i].st = &scn->steps[job_at[i]];
    for (size_t i = 0; i < r->n_ats; i++)
        r->ats[i]->st = &scn->steps[at_at[i]];
    for (size_t i = 0; i < n_steps; i++)
        if (r->counts[i].filter != NULL)
            r->counts[i].filter = &scn->steps[i].expect.filter;
    free(job_at);
    if (k < 0)
        return -1;

    /* What the runner checks in a file before it runs, for this step. */
    const struct scn_step *st = &scn->steps[k];
    int bad = run_check_step(scn, st, err, sizeof(err));
    if (bad == 0)
        bad = run_check_counter(r, st, err, sizeof(err));
    void *grown;
    if (bad == 0 && (LIVE_GROW(r->sock_fd, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->sock_err, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->jobs, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->closed, n_socks, scn->n_socks) < 0 ||
                     LIVE_GROW(r->values, n_dvars, scn->n_dvars) < 0 ||
                     LIVE_GROW(r->counts, n_steps, scn->n_steps) < 0)) {
        snprintf(err, sizeof(err), "%s: error: out of memory", SCN_LIVE_FILE);
        bad = -1;
    }
    if (bad < 0) {
        live_diag(diag, st->line, st->col, err);
        scenario_truncate(scn, n_steps, n_socks, n_dvars);
        return -1;
    }
    for (size_t i = n_socks; i < scn->n_socks; i++)
        r->sock_fd[i] = -1;
    scn_runner_step(r);
    return k;
}
