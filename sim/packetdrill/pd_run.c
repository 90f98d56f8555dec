/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_run.c - play a packetdrill script against a netstep host.
 *
 * The world is one netstep host, "local", at 192.0.2.2/24 (packetdrill's
 * local address, mapped to a documentation one), whose eth0 has a driver of
 * ours instead of a link: every frame the host sends is kept, with its time,
 * for the script's `>` lines; the script's `<` lines are built by sim/craft.c
 * (IPv4 and TCP with the options exactly as listed, checksums right) and
 * handed to the interface at their time, as if from the wire, from the peer
 * 192.0.2.1 (packetdrill's remote address). Nothing leaves the process.
 * An IPv6 script's host is dual-stack: 2001:db8::2/64, the peer
 * 2001:db8::1, its `<` lines built by sim/craft6.c.
 *
 * As packetdrill does: sequence numbers in the script are relative to each
 * side's ISN (the peer's is 0 here; netstep's is learned from its SYN or
 * SYN-ACK); an outbound TSval is not checked, and an inbound TSecr is the
 * script's value moved by the same offset that maps the script's TSvals to
 * netstep's; times are microseconds from the start, a relative time counts
 * from the previous event's, and an outbound segment must come within
 * --tolerance_usecs of its time. Packets netstep sends that no `>` line
 * asks for are caught by the next `>` line (the first unread one must be
 * the expected one); packets after the last `>` line are not checked.
 * A blocking call written `T1...T2 call()` runs from T1 in the background
 * while later lines run, and must return at T2.
 */
#include "sim/packetdrill/pd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/craft.h"
#include "sim/craft6.h"
#include "sim/log_sink.h"
#include "sim/sim.h"
#include "stack/arp.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/addr6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/socket.h"
#include "stack/tcp.h"
#include "stack/trace_cause.h"
#include "stack/wire/bytes.h"
#include "stack/wire/checksum.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"

/* Documentation addresses [RFC 5737] in place of packetdrill's defaults
 * (local 192.168.0.1, remote 192.0.2.1). */
#define PD_LOCAL_ADDR  0xc0000202u  /* 192.0.2.2 */
#define PD_REMOTE_ADDR 0xc0000201u  /* 192.0.2.1 */
#define PD_PREFIX_LEN  24
/* An IPv6 script (--ip_version=ipv6): documentation addresses [RFC 3849]
 * in place of packetdrill's (local fd3d:fa7b:d17d::0, remote
 * fd3d:fa7b:d17d:8888::...), on one /64. */
static const struct ip6_addr pd_local_addr6 = { .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
static const struct ip6_addr pd_remote_addr6 = { .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
#define PD_PREFIX_LEN6 64
/* packetdrill's --bind_port and --connect_port default. */
#define PD_SERVER_PORT 8080
/* The scripted peer's port when it connects to a listener. */
#define PD_REMOTE_PORT 40000
/* The peer's ISN: script numbers of `<` lines are sent as they are. */
#define PD_REMOTE_ISN 0u
/* A `>` line's packet that is late is waited for this much longer, so the
 * message can say when it came. */
#define PD_LATE_LIMIT_US (10ll * 1000000)
/* A blocking call that never returns is given up after this long. */
#define PD_BLOCK_LIMIT_US (600ll * 1000000)

static const uint8_t pd_remote_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe };

/* A frame netstep sent. */
struct pd_frame {
    uint64_t at_ns;  /* when */
    size_t len;      /* bytes */
    uint8_t *b;      /* the Ethernet frame (malloc'd) */
};

/* A system call in progress (`T1...T2 call()`, or a blocking socket). */
struct pd_pending {
    bool active;              /* one is running */
    const struct pd_event *ev;/* its line */
    int64_t end_us;           /* when it must return (script time) */
    bool check_end;           /* the line gave an end time */
    uint64_t deadline_ns;     /* poll(): when its timeout ends, 0 if none */
};

/* What the runner knows of one connection: its ports, netstep's ISN and
 * the offset of its timestamps, learned from its SYN or SYN-ACK. */
#define PD_MAX_CONNS 16
struct pd_conn {
    uint16_t lport, rport;     /* local and remote ports */
    bool iss_known;            /* local_iss learned */
    uint32_t local_iss;        /* netstep's ISN */
    bool ts_known;             /* ts_offset learned */
    uint32_t ts_offset;        /* netstep's TSval - the script's */
};

struct pd_runner {
    const struct pd_script *sc;
    const struct pd_options *o;
    bool v6;                   /* the script is IPv6: frames are IPv6, sockets AF_INET6 */
    FILE *out;
    struct pd_result *res;
    struct sim *sim;           /* the world: own_sim, or the caller's */
    struct sim own_sim;        /* pd_run()'s own world */
    struct host *h;
    struct iface *ifc;
    struct log_sink log;
    bool log_attached;
    struct pd_frame *outq;     /* frames sent, oldest first from outq_head */
    size_t outq_n, outq_head, outq_cap;
    bool nonblock[64];         /* O_NONBLOCK per fd (fds 3..66) */
    struct pd_sockdefaults sd; /* buffers of new sockets */
    /* The connection the script is about now: the one the last packet line
     * named (by its ports, or by the ports of the frame netstep sent), or
     * the one the last bind or connect began. */
    uint16_t lport, rport;     /* local and remote ports */
    bool iss_known;
    uint32_t local_iss;        /* netstep's ISN */
    bool ts_known;
    uint32_t ts_offset;        /* netstep's TSval - the script's */
    /* Every connection the script has spoken of, the current one included
     * once it is left: a listener's accepted connections, several connects. */
    struct pd_conn conns[PD_MAX_CONNS];
    size_t n_conns;
    uint16_t ip_id;            /* of frames we inject */
    int64_t last_us;           /* script time of the previous event */
    int64_t call_start_us;     /* when the system call running now began */
    int64_t tolerance_us;
    struct pd_pending pending;
    bool failed;
};

/* ---- time --------------------------------------------------------------- */

static uint64_t
us_to_ns(int64_t us)
{
    return us < 0 ? 0 : (uint64_t)us * 1000u;
}

static double
secs(int64_t us)
{
    return (double)us / 1e6;
}

static int64_t
now_us(const struct pd_runner *r)
{
    return (int64_t)(r->sim->now_ns / 1000u);
}

void
pd_note(struct sim *s, const char *fmt, ...)
{
    struct trace_event ev = {
        .t_ns = s->now_ns,
        .kind = TRACE_NOTE,
        .layer = LAYER_APP,
        .host = NULL,
        .where = "script",
    };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
    va_end(ap);
    /* one line in the event list: the message's own line breaks become "; " */
    for (char *nl = strchr(ev.text, '\n'); nl != NULL; nl = strchr(nl, '\n')) {
        size_t rest = strlen(nl + 1);
        if (nl + 2 + rest < ev.text + sizeof(ev.text)) {
            memmove(nl + 2, nl + 1, rest + 1);
            nl[0] = ';';
            nl[1] = ' ';
        } else {
            nl[0] = ' ';
        }
    }
    trace_emit(&s->trace, &ev);
}

/* Whether anyone hears what each line did. */
static bool
narrating(const struct pd_runner *r)
{
    return r->o->narrate || (r->o->observer != NULL && r->o->observer->note != NULL);
}

/* What script line `line` did, in words: a NOTE on the trace ("line 14:
 * ..."), and to the observer. */
static void narrate(struct pd_runner *r, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
narrate(struct pd_runner *r, unsigned line, const char *fmt, ...)
{
    char text[TRACE_TEXT_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (r->o->narrate)
        pd_note(r->sim, "line %u: %s", line, text);
    if (r->o->observer != NULL && r->o->observer->note != NULL)
        r->o->observer->note(r->o->observer->ctx, line, text);
}

static void fail(struct pd_runner *r, const struct pd_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct pd_runner *r, const struct pd_event *ev, const char *fmt, ...)
{
    char what[PD_MSG_LEN - 64];
    va_list ap;

    if (r->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    r->failed = true;
    r->res->verdict = PD_FAIL;
    snprintf(r->res->msg, sizeof(r->res->msg), "%s:%u: error handling %s: %s", r->sc->path,
             ev != NULL ? ev->line : 0,
             ev == NULL ? "script"
             : ev->kind == PD_EV_SYSCALL ? "system call"
             : ev->kind == PD_EV_SHELL   ? "command"
                                         : "packet",
             what);
    if (r->o->narrate)
        pd_note(r->sim, "MISMATCH, the run stops here: line %u: %s", ev != NULL ? ev->line : 0,
                what);
    if (r->o->observer != NULL && r->o->observer->note != NULL) {
        char text[PD_MSG_LEN];
        snprintf(text, sizeof(text), "MISMATCH: %s", what);
        r->o->observer->note(r->o->observer->ctx, ev != NULL ? ev->line : 0, text);
    }
}

/* ---- connections -------------------------------------------------------- */

/* The table's entry for lport/rport, or NULL. */
static struct pd_conn *
conn_find(struct pd_runner *r, uint16_t lport, uint16_t rport)
{
    for (size_t i = 0; i < r->n_conns; i++)
        if (r->conns[i].lport == lport && r->conns[i].rport == rport)
            return &r->conns[i];
    return NULL;
}

/* Make lport/rport the current connection, keeping what was learned of the
 * one left. false when the script speaks of more than PD_MAX_CONNS. */
static bool
conn_select(struct pd_runner *r, uint16_t lport, uint16_t rport)
{
    if (r->lport == lport && r->rport == rport)
        return true;
    struct pd_conn *cur = conn_find(r, r->lport, r->rport);
    if (cur == NULL && r->n_conns < PD_MAX_CONNS)
        cur = &r->conns[r->n_conns++];
    if (cur != NULL)
        *cur = (struct pd_conn){ r->lport, r->rport, r->iss_known, r->local_iss, r->ts_known,
                                 r->ts_offset };
    struct pd_conn *next = conn_find(r, lport, rport);
    if (next == NULL) {
        if (r->n_conns == PD_MAX_CONNS)
            return false;
        next = &r->conns[r->n_conns++];
        *next = (struct pd_conn){ .lport = lport, .rport = rport };
    }
    r->lport = next->lport;
    r->rport = next->rport;
    r->iss_known = next->iss_known;
    r->local_iss = next->local_iss;
    r->ts_known = next->ts_known;
    r->ts_offset = next->ts_offset;
    return true;
}

/* ---- the driver: frames netstep sends ---------------------------------- */

/* Neighbour discovery is the runner's, not the script's: packetdrill's
 * peer sits behind a tun device, where there is none. A solicitation for
 * the peer's address is answered at once with a solicited advertisement
 * carrying the peer's MAC [RFC 4861 7.2.4]; router and neighbour messages
 * are kept off the script's queue. True when p was such a message. */
static bool
pd_nd_frame(struct pd_runner *r, const struct pkt *p)
{
    struct eth_hdr eh;
    struct ipv6_hdr ih;
    if (!r->v6 || eth_parse(p->data, p->len, &eh) != DROP_NONE || eh.type != ETHERTYPE_IPV6)
        return false;
    const uint8_t *b = p->data + ETH_HDR_LEN;
    size_t n = p->len - ETH_HDR_LEN;
    if (ipv6_parse(b, n, &ih) != DROP_NONE || ih.next_header != IPV6_NH_ICMPV6 || n < 40 + 8)
        return false;
    uint8_t type = b[40];
    if (type < ND_ROUTER_SOLICIT || type > ND_REDIRECT)
        return false;
    if (type == ND_NEIGHBOR_SOLICIT && n >= 40 + ND_NS_LEN &&
        memcmp(b + 40 + 8, pd_remote_addr6.b, 16) == 0 && !ip6_addr_is_unspecified(&ih.src)) {
        uint8_t na[ND_NA_LEN + 8], frame[ETH_HDR_LEN + 40 + sizeof na];
        memset(na, 0, sizeof na);
        na[0] = ND_NEIGHBOR_ADVERT;
        be32_put(na + 4, ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
        memcpy(na + 8, pd_remote_addr6.b, 16);
        na[24] = ND_OPT_TLLA;
        na[25] = 1;
        memcpy(na + 26, pd_remote_mac, ETH_ALEN);
        struct craft6_ip ip;
        memset(&ip, 0, sizeof ip);
        memcpy(ip.eth_dst, r->ifc->mac, ETH_ALEN);
        memcpy(ip.eth_src, pd_remote_mac, ETH_ALEN);
        ip.src = pd_remote_addr6;
        ip.dst = ih.src;
        ip.hop_limit = 255;  /* [RFC 4861 7.1.2] */
        size_t len = 0;
        const char *why = NULL;
        if (craft6_frame(&ip, IPV6_NH_ICMPV6, na, sizeof na, 2, frame, sizeof frame, &len,
                         &why) == 0) {
            struct pkt *q = craft_pkt(r->sim, frame, len, cause_call(CALL_NONE, 0));
            if (q != NULL)
                craft_deliver(r->sim, r->ifc, q);
        }
    }
    return true;
}

static int
pd_transmit(struct iface *ifc, struct pkt *p)
{
    struct pd_runner *r = ifc->drv;
    if (pd_nd_frame(r, p)) {
        pkt_free(p);
        return 0;
    }
    if (r->outq_n == r->outq_cap) {
        size_t cap = r->outq_cap ? r->outq_cap * 2 : 64;
        struct pd_frame *q = realloc(r->outq, cap * sizeof(*q));
        if (q == NULL) {
            pkt_free(p);
            return -ERR_NOMEM;
        }
        r->outq = q;
        r->outq_cap = cap;
    }
    struct pd_frame *f = &r->outq[r->outq_n];
    f->b = malloc(p->len);
    if (f->b == NULL) {
        pkt_free(p);
        return -ERR_NOMEM;
    }
    memcpy(f->b, p->data, p->len);
    f->len = p->len;
    f->at_ns = r->sim->now_ns;
    r->outq_n++;
    pkt_free(p);
    return 0;
}

static const struct iface_ops pd_iface_ops = { .transmit = pd_transmit };

/* ---- building what the peer sends --------------------------------------- */

/* The script's option list as craft options, in its order (EOLs and NOPs
 * kept). Inbound SACK blocks are netstep's sequence space; TSecr is moved by
 * the learned offset. */
static int
opts_craft(const struct pd_runner *r, const struct pd_segment *sg, struct craft *c)
{
    for (unsigned i = 0; i < sg->n_opts; i++) {
        const struct pd_opt *o = &sg->opts[i];
        struct craft_tcpopt co;
        memset(&co, 0, sizeof(co));
        switch (o->kind) {
        case PD_OPT_EOL: co.kind = CRAFT_TCPOPT_EOL; break;
        case PD_OPT_NOP: co.kind = CRAFT_TCPOPT_NOP; break;
        case PD_OPT_MSS:
            co.kind = CRAFT_TCPOPT_MSS;
            co.mss = (uint16_t)o->val;
            break;
        case PD_OPT_WSCALE:
            co.kind = CRAFT_TCPOPT_WSCALE;
            co.wscale = (uint8_t)o->val;
            break;
        case PD_OPT_SACKOK: co.kind = CRAFT_TCPOPT_SACK_PERM; break;
        case PD_OPT_SACK:
            co.kind = CRAFT_TCPOPT_SACK;
            co.n_sack = o->n_blocks;
            for (unsigned k = 0; k < o->n_blocks; k++) {
                co.sack[k][0] = o->left[k] + r->local_iss;
                co.sack[k][1] = o->right[k] + r->local_iss;
            }
            break;
        case PD_OPT_TS:
            co.kind = CRAFT_TCPOPT_TS;
            co.ts_val = o->val;
            co.ts_ecr = o->ecr != 0 && r->ts_known ? o->ecr + r->ts_offset : o->ecr;
            break;
        case PD_OPT_MD5:
        case PD_OPT_FASTOPEN:
            continue; /* such scripts are skipped before they run */
        }
        if (craft_tcp_add_opt(c, &co) < 0)
            return -1;
    }
    return 0;
}

static void pending_check(struct pd_runner *r);

/* sim_step_until() that also stops at a blocked poll()'s timeout, so the
 * call returns 0 then and not at the next event. */
static bool
pd_step_until(struct pd_runner *r, uint64_t limit_ns)
{
    uint64_t dl = r->pending.active ? r->pending.deadline_ns : 0;
    if (dl != 0 && dl <= limit_ns) {
        if (sim_step_until(r->sim, dl))
            return true;
        r->pending.deadline_ns = 0;
        pending_check(r);
        return true;
    }
    return sim_step_until(r->sim, limit_ns);
}

/* A frame from the peer: Ethernet to our interface, IPv4 from the peer's
 * address (the rest of c filled by the caller), built by sim/craft.c with
 * its lengths and checksums right, and handed to the interface as if it had
 * come off the wire. */
static void
inject(struct pd_runner *r, const struct pd_event *ev, struct craft *c)
{
    uint8_t *buf = malloc(CRAFT_MAX);
    size_t len = 0;
    const char *why = NULL;
    if (buf == NULL) {
        fail(r, ev, "out of memory");
        return;
    }
    int built;
    if (r->v6) {
        /* IPv6: (hlim N) and (class N) are kept in the ttl and tos fields. */
        struct craft6_ip ip;
        memset(&ip, 0, sizeof ip);
        memcpy(ip.eth_dst, r->ifc->mac, ETH_ALEN);
        memcpy(ip.eth_src, pd_remote_mac, ETH_ALEN);
        ip.src = pd_remote_addr6;
        ip.dst = pd_local_addr6;
        ip.hop_limit = c->ip.has_ttl ? c->ip.ttl : IPV6_DEFAULT_HLIM;
        ip.traffic_class = c->ip.tos;
        built = craft6_build(c, &ip, buf, CRAFT_MAX, &len, &why);
    } else {
        memcpy(c->eth.dst, r->ifc->mac, ETH_ALEN);
        memcpy(c->eth.src, pd_remote_mac, ETH_ALEN);
        c->net = CRAFT_NET_IPV4;
        c->ip.id = r->ip_id++;
        c->ip.src = PD_REMOTE_ADDR;
        c->ip.dst = PD_LOCAL_ADDR;
        built = craft_build(c, buf, CRAFT_MAX, &len, &why);
    }
    if (built < 0) {
        fail(r, ev, "cannot build the segment: %s", why != NULL ? why : "?");
        free(buf);
        return;
    }
    struct pkt *p = craft_pkt(r->sim, buf, len, cause_call(CALL_NONE, 0));
    free(buf);
    if (p == NULL || craft_deliver(r->sim, r->ifc, p) < 0) {
        fail(r, ev, "out of memory");
        return;
    }
    /* The frame is an event of now: run it (and what else is due now)
     * before the script's next line, as the wire would have. */
    while (!r->failed && pd_step_until(r, r->sim->now_ns))
        pending_check(r);
}

static void
inject_tcp(struct pd_runner *r, const struct pd_event *ev)
{
    const struct pd_segment *sg = &ev->seg;
    /* `< SPORT > DPORT ...`: the peer's port first, then netstep's. */
    if (sg->has_ports && !conn_select(r, sg->dport, sg->sport)) {
        fail(r, ev, "more than %d connections in one script", PD_MAX_CONNS);
        return;
    }
    struct craft c;
    craft_init(&c);
    c.trans = CRAFT_TRANS_TCP;
    c.ip.tos = sg->has_tos ? sg->tos : 0;
    c.ip.has_ttl = sg->has_ttl;
    c.ip.ttl = sg->ttl;
    c.tcp.sport = r->rport;
    c.tcp.dport = r->lport;
    c.tcp.seq = sg->seq + PD_REMOTE_ISN;
    c.tcp.ack = sg->has_ack ? sg->ack + r->local_iss : 0;
    c.tcp.flags = sg->flags;
    c.tcp.win = (uint16_t)(sg->has_win ? sg->win : 65535);
    if (opts_craft(r, sg, &c) < 0) {
        fail(r, ev, "more options than a TCP header holds");
        return;
    }
    /* packetdrill sends zeros as the data of a `<` line. */
    uint8_t *data = calloc(1, sg->len ? sg->len : 1);
    if (data == NULL) {
        fail(r, ev, "out of memory");
        return;
    }
    c.payload = data;
    c.payload_len = sg->len;
    inject(r, ev, &c);
    free(data);
}

/* An ICMP error from the peer quoting a segment netstep sent [RFC 792]: the
 * quoted IPv4 header and the first 8 bytes of TCP (ports and sequence). */
static void
inject_icmp(struct pd_runner *r, const struct pd_event *ev)
{
    /* The quoted datagram: netstep's IPv4 header and the start of its TCP. */
    struct craft q;
    uint8_t quoted[64];
    size_t qlen = 0;
    const char *why = NULL;
    craft_init(&q);
    q.no_eth = true;
    q.net = CRAFT_NET_IPV4;
    q.trans = CRAFT_TRANS_TCP;
    q.ip.df = true;
    q.ip.src = PD_LOCAL_ADDR;
    q.ip.dst = PD_REMOTE_ADDR;
    q.ip.has_total_len = true;
    q.ip.total_len = (uint16_t)(20 + 20 + ev->icmp.quoted_len);
    q.tcp.sport = r->lport;
    q.tcp.dport = r->rport;
    q.tcp.seq = ev->icmp.quoted_seq + r->local_iss;
    q.tcp.flags = TCP_ACK;
    if (craft_build(&q, quoted, sizeof(quoted), &qlen, &why) < 0) {
        fail(r, ev, "cannot build the quoted segment: %s", why != NULL ? why : "?");
        return;
    }
    struct craft c;
    craft_init(&c);
    c.trans = CRAFT_TRANS_ICMP;
    c.icmp.type = ev->icmp.type;
    c.icmp.code = ev->icmp.code;
    c.icmp.mtu = ev->icmp.mtu;
    c.payload = quoted;
    c.payload_len = craft_quote_len(quoted, qlen);
    inject(r, ev, &c);
}

/* ---- running the world -------------------------------------------------- */

/* Run every event due by t_ns, then set the clock there. */
static void
advance_to(struct pd_runner *r, uint64_t t_ns)
{
    while (!r->failed && pd_step_until(r, t_ns))
        pending_check(r);
    if (r->sim->now_ns < t_ns)
        sim_run_until(r->sim, t_ns);
}

/* ---- system calls ------------------------------------------------------- */

static int
fd_of(const struct pd_syscall *c, unsigned i)
{
    if (i >= c->n_args || c->args[i].kind != PD_EXPR_INT)
        return -1;
    return (int)c->args[i].value;
}

static bool
fd_nonblock(const struct pd_runner *r, int fd)
{
    return fd >= SOCK_FD_BASE && fd < SOCK_FD_BASE + 64 && r->nonblock[fd - SOCK_FD_BASE];
}

static void
host_enter(struct pd_runner *r, enum socket_call call, const struct pd_event *ev)
{
    sim_enter_host(r->sim, r->h);
    /* The cause names the script line; in the view, the step that shows it
     * (pd_options.step_of_event), so that `c` finds the call. */
    uint32_t step = r->o->step_of_event > 0
                        ? (uint32_t)(ev - r->sc->events) + r->o->step_of_event
                        : ev->line;
    host_set_cause(r->h, cause_call(call, step));
}

static void
host_leave(struct pd_runner *r)
{
    host_set_cause(r->h, cause_call(CALL_NONE, 0));
    sim_host_entered(r->sim, r->h);
}

/* A socket option by the name a script gives it; -1 when netstep has none. */
static int
sockopt_lookup(const char *name)
{
    static const struct {
        const char *name;
        enum sock_opt opt;
    } t[] = {
        { "SO_ERROR", SOCK_OPT_ERROR },         { "SO_REUSEADDR", SOCK_OPT_REUSEADDR },
        { "SO_BROADCAST", SOCK_OPT_BROADCAST }, { "SO_RCVBUF", SOCK_OPT_RCVBUF },
        { "SO_SNDBUF", SOCK_OPT_SNDBUF },       { "SO_KEEPALIVE", SOCK_OPT_KEEPALIVE },
        { "TCP_NODELAY", SOCK_OPT_TCP_NODELAY }, { "IP_TTL", SOCK_OPT_IP_TTL },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].name, name) == 0)
            return (int)t[i].opt;
    return -1;
}

/* The value of an option argument [v]: a number or an errno name. */
static bool
arg_value(const struct pd_expr *e, int64_t *v)
{
    if (e->kind == PD_EXPR_LIST || e->kind == PD_EXPR_INT) {
        if (e->value_known) {
            *v = e->value;
            return true;
        }
        int en = e->word[0] ? err_lookup(e->word) : -1;
        if (en >= 0) {
            *v = en;
            return true;
        }
    }
    return false;
}

/* Try the call once. Returns true when it finished (*ret set, and *err the
 * ERR_* of a -1), false when it would block. */
static bool
call_try(struct pd_runner *r, const struct pd_event *ev, int64_t *ret, int *err, bool first)
{
    const struct pd_syscall *c = &ev->call;
    const char *n = c->name;
    int fd = fd_of(c, 0);
    int rc = 0;
    *err = 0;
    *ret = 0;

    if (strcmp(n, "socket") == 0) {
        host_enter(r, CALL_SOCKET, ev);
        rc = sock_socket(r->h, r->v6 ? SOCK_DOMAIN_INET6 : SOCK_DOMAIN_INET, SOCK_TYPE_STREAM,
                         SOCK_PROTO_TCP);
        if (rc >= 0) {
            if (r->sd.rcvbuf != 0)
                sock_setsockopt(r->h, rc, SOCK_OPT_RCVBUF, r->sd.rcvbuf);
            if (r->sd.sndbuf != 0)
                sock_setsockopt(r->h, rc, SOCK_OPT_SNDBUF, r->sd.sndbuf);
            if (rc >= SOCK_FD_BASE && rc < SOCK_FD_BASE + 64)
                r->nonblock[rc - SOCK_FD_BASE] = false;
        }
        host_leave(r);
    } else if (strcmp(n, "fcntl") == 0) {
        if (sock_lookup(r->h, fd) == NULL) {
            rc = -ERR_BADF;
        } else if (c->n_args >= 2 && strcmp(c->args[1].word, "F_GETFL") == 0) {
            rc = 2 /* O_RDWR */ | (fd_nonblock(r, fd) ? 4 /* O_NONBLOCK */ : 0);
        } else if (c->n_args >= 3 && strcmp(c->args[1].word, "F_SETFL") == 0) {
            if (fd >= SOCK_FD_BASE && fd < SOCK_FD_BASE + 64)
                r->nonblock[fd - SOCK_FD_BASE] = strstr(c->args[2].word, "O_NONBLOCK") != NULL;
        } else {
            rc = -ERR_INVAL;
        }
    } else if (strcmp(n, "bind") == 0) {
        struct sock_addr a = { .addr = 0, .port = PD_SERVER_PORT,
                               .family = r->v6 ? SOCK_AF_INET6 : SOCK_AF_INET };
        host_enter(r, CALL_BIND, ev);
        rc = sock_bind(r->h, fd, &a);
        host_leave(r);
        if (rc >= 0) {
            r->lport = PD_SERVER_PORT;
            r->rport = PD_REMOTE_PORT;
        }
    } else if (strcmp(n, "listen") == 0) {
        host_enter(r, CALL_LISTEN, ev);
        rc = sock_listen(r->h, fd, c->n_args >= 2 ? (int)c->args[1].value : 1);
        host_leave(r);
    } else if (strcmp(n, "accept") == 0) {
        struct sock_addr peer;
        host_enter(r, CALL_ACCEPT, ev);
        rc = sock_accept(r->h, fd, &peer);
        host_leave(r);
        if (rc >= 0 && rc < SOCK_FD_BASE + 64)
            r->nonblock[rc - SOCK_FD_BASE] = false;
        if (rc == -ERR_AGAIN && !fd_nonblock(r, fd))
            return false;
    } else if (strcmp(n, "connect") == 0) {
        if (first) {
            struct sock_addr a = { .addr = PD_REMOTE_ADDR, .port = PD_SERVER_PORT,
                                   .family = r->v6 ? SOCK_AF_INET6 : SOCK_AF_INET };
            if (r->v6) {
                a.addr = 0;
                a.addr6 = pd_remote_addr6;
            }
            host_enter(r, CALL_CONNECT, ev);
            rc = sock_connect(r->h, fd, &a);
            host_leave(r);
            r->rport = PD_SERVER_PORT;
            r->iss_known = false;
            if (rc == -ERR_INPROGRESS && !fd_nonblock(r, fd))
                return false;
        } else {
            /* A blocking connect returns once the socket is writable or failed. */
            unsigned ready = sock_poll(r->h, fd);
            if ((ready & (SOCK_POLLOUT | SOCK_POLLERR | SOCK_POLLHUP)) == 0)
                return false;
            int64_t e = 0;
            host_enter(r, CALL_GETSOCKOPT, ev);
            sock_getsockopt(r->h, fd, SOCK_OPT_ERROR, &e);
            host_leave(r);
            rc = e != 0 ? -(int)e : 0;
        }
    } else if (strcmp(n, "close") == 0) {
        host_enter(r, CALL_CLOSE, ev);
        rc = sock_close(r->h, fd);
        host_leave(r);
        if (rc == -ERR_INPROGRESS)
            rc = 0; /* SO_LINGER: the socket goes on as an orphan */
    } else if (strcmp(n, "shutdown") == 0) {
        int how = c->n_args >= 2 ? (int)c->args[1].value : 0;
        host_enter(r, CALL_SHUTDOWN, ev);
        rc = sock_shutdown(r->h, fd, how == 0 ? SOCK_SHUT_RD : how == 1 ? SOCK_SHUT_WR
                                                                        : SOCK_SHUT_RDWR);
        host_leave(r);
    } else if (strcmp(n, "recv") == 0 || strcmp(n, "read") == 0) {
        size_t want = c->n_args >= 3 ? (size_t)c->args[2].value : 0;
        bool peek = strcmp(n, "recv") == 0 && c->n_args >= 4 &&
                    strstr(c->args[3].word, "MSG_PEEK") != NULL;
        if (peek) {
            /* MSG_PEEK: what a recv would return, left in the queue. */
            const struct tcb *tp = tcp_tcb_by_fd(r->h, fd);
            unsigned ready = sock_poll(r->h, fd);
            if (tp == NULL)
                rc = -ERR_BADF;
            else if (tp->rcvq.len > 0)
                rc = (int)(tp->rcvq.len < want ? tp->rcvq.len : want);
            else if (ready & (SOCK_POLLIN | SOCK_POLLERR | SOCK_POLLHUP))
                rc = 0;
            else
                rc = -ERR_AGAIN;
        } else {
            uint8_t *buf = malloc(want ? want : 1);
            if (buf == NULL)
                return *err = ERR_NOMEM, *ret = -1, true;
            host_enter(r, CALL_RECV, ev);
            rc = sock_recv(r->h, fd, buf, want);
            host_leave(r);
            free(buf);
        }
        if (rc == -ERR_AGAIN && !fd_nonblock(r, fd))
            return false;
    } else if (strcmp(n, "send") == 0 || strcmp(n, "write") == 0) {
        size_t len = c->n_args >= 3 ? (size_t)c->args[2].value : 0;
        uint8_t *buf = calloc(1, len ? len : 1);
        if (buf == NULL)
            return *err = ERR_NOMEM, *ret = -1, true;
        host_enter(r, CALL_SEND, ev);
        rc = sock_send(r->h, fd, buf, len);
        host_leave(r);
        free(buf);
        if (rc == -ERR_AGAIN && !fd_nonblock(r, fd))
            return false;
    } else if (strcmp(n, "poll") == 0) {
        /* poll(fds, nfds, timeout_ms): the readiness of each descriptor
         * (netstep's SOCK_POLL* have poll(2)'s values); blocks until one is
         * ready or the timeout ends (-1: no timeout). */
        const struct pd_expr *l = &c->args[0];
        int64_t timeout_ms = c->n_args >= 3 ? c->args[2].value : 0;
        uint32_t got[PD_MAX_POLLFDS];
        int ready = 0;
        for (unsigned i = 0; i < l->n_pollfds; i++) {
            const struct pd_pollfd *pf = &l->pollfds[i];
            if (sock_lookup(r->h, pf->fd) == NULL)
                got[i] = 0x20; /* POLLNVAL */
            else
                got[i] = sock_poll(r->h, pf->fd) &
                         (pf->events | SOCK_POLLERR | SOCK_POLLHUP);
            if (got[i] != 0)
                ready++;
        }
        bool expired = timeout_ms >= 0 && now_us(r) >= r->call_start_us + timeout_ms * 1000;
        if (ready == 0 && !expired) {
            r->pending.deadline_ns = timeout_ms >= 0
                                         ? us_to_ns(r->call_start_us + timeout_ms * 1000)
                                         : 0;
            return false;
        }
        for (unsigned i = 0; i < l->n_pollfds; i++)
            if (got[i] != l->pollfds[i].revents) {
                fail(r, ev, "poll: fd %d revents: expected 0x%x actual 0x%x", l->pollfds[i].fd,
                     l->pollfds[i].revents, got[i]);
                break;
            }
        rc = ready;
    } else if (strcmp(n, "setsockopt") == 0 || strcmp(n, "getsockopt") == 0) {
        bool set = n[0] == 's';
        int opt = c->n_args >= 3 ? sockopt_lookup(c->args[2].word) : -1;
        int64_t v = 0;
        if (opt < 0 || c->n_args < 4)
            return *err = ERR_INVAL, *ret = -1, true; /* prechecked: cannot happen */
        host_enter(r, set ? CALL_SETSOCKOPT : CALL_GETSOCKOPT, ev);
        if (set) {
            arg_value(&c->args[3], &v);
            rc = sock_setsockopt(r->h, fd, (enum sock_opt)opt, v);
        } else {
            rc = sock_getsockopt(r->h, fd, (enum sock_opt)opt, &v);
        }
        host_leave(r);
        if (!set && rc >= 0 && !c->args[3].list_ellipsis) {
            int64_t want;
            if (!arg_value(&c->args[3], &want)) {
                fail(r, ev, "cannot read the expected value of %s", c->args[2].word);
            } else if (want != v) {
                if (opt == SOCK_OPT_ERROR)
                    fail(r, ev, "Bad getsockopt optval: expected: %s actual: %s",
                         err_name((int)want), err_name((int)v));
                else
                    fail(r, ev, "Bad getsockopt optval: expected: %" PRId64 " actual: %" PRId64,
                         want, v);
            }
        }
    } else {
        return *err = ERR_INVAL, *ret = -1, true; /* prechecked: cannot happen */
    }
    if (rc < 0) {
        *ret = -1;
        *err = -rc;
    } else {
        *ret = rc;
    }
    return true;
}

/* Compare a finished call with its line. */
static void
call_check(struct pd_runner *r, const struct pd_event *ev, int64_t ret, int err)
{
    const struct pd_syscall *c = &ev->call;
    if (ret != c->result) {
        if (ret < 0)
            fail(r, ev, "Expected result %" PRId64 " but got %" PRId64 " with errno %s (%s)",
                 c->result, ret, err_name(err), err_sentence(err));
        else
            fail(r, ev, "Expected result %" PRId64 " but got %" PRId64, c->result, ret);
        return;
    }
    if (ret < 0 && c->errno_name[0] != '\0' && strcmp(c->errno_name, err_name(err)) != 0) {
        int want = err_lookup(c->errno_name);
        fail(r, ev, "Expected errno %s (%s) but got %s (%s)", c->errno_name,
             want >= 0 ? err_sentence(want) : "unknown to netstep", err_name(err),
             err_sentence(err));
        return;
    }
    if (narrating(r)) {
        if (ret < 0)
            narrate(r, ev->line, "%s() returned %" PRId64 " %s, as the script expects", c->name,
                    ret, err_name(err));
        else
            narrate(r, ev->line, "%s() returned %" PRId64 ", as the script expects", c->name,
                    ret);
    }
}

/* A blocking call in the background: has it returned? */
static void
pending_check(struct pd_runner *r)
{
    if (!r->pending.active || r->failed)
        return;
    int64_t ret;
    int err;
    const struct pd_event *ev = r->pending.ev;
    if (!call_try(r, ev, &ret, &err, false))
        return;
    r->pending.active = false;
    int64_t at = now_us(r);
    if (r->pending.check_end &&
        (at < r->pending.end_us - r->tolerance_us || at > r->pending.end_us + r->tolerance_us)) {
        fail(r, ev, "timing error: expected system call return at %.6f sec but happened at "
             "%.6f sec; tolerance %.6f sec", secs(r->pending.end_us), secs(at),
             secs(r->tolerance_us));
        return;
    }
    call_check(r, ev, ret, err);
}

static void
run_syscall(struct pd_runner *r, const struct pd_event *ev, int64_t block_end_us)
{
    int64_t ret;
    int err;
    if (r->pending.active) {
        fail(r, ev, "a system call is still blocked (line %u) and netstep's runner runs one "
             "at a time", r->pending.ev->line);
        return;
    }
    r->call_start_us = now_us(r);
    r->pending.deadline_ns = 0;
    if (call_try(r, ev, &ret, &err, true)) {
        if (ev->time.has_block_end) {
            int64_t end = block_end_us;
            int64_t at = now_us(r);
            if (at < end - r->tolerance_us) {
                fail(r, ev, "timing error: expected system call return at %.6f sec but "
                     "happened at %.6f sec; tolerance %.6f sec", secs(end), secs(at),
                     secs(r->tolerance_us));
                return;
            }
        }
        call_check(r, ev, ret, err);
        return;
    }
    /* It blocks. */
    r->pending.active = true;
    r->pending.ev = ev;
    r->pending.check_end = ev->time.has_block_end;
    r->pending.end_us = block_end_us;
    if (!ev->time.has_block_end) {
        /* No end time: the script waits for it, as a program would. */
        uint64_t limit = r->sim->now_ns + us_to_ns(PD_BLOCK_LIMIT_US);
        while (r->pending.active && !r->failed && pd_step_until(r, limit))
            pending_check(r);
        if (r->pending.active && !r->failed)
            fail(r, ev, "the system call blocked and never returned");
    }
}

/* ---- outbound segments -------------------------------------------------- */

struct live_seg {
    struct ipv4_hdr ip;    /* IPv6: only ttl (hop limit), tos (traffic class), proto */
    bool is_v6;            /* it came in an IPv6 header */
    bool is_tcp;
    struct tcp_hdr tcp;
    const uint8_t *tcp_b;  /* the TCP header's bytes */
    size_t payload_len;
    bool is_icmp;
    struct icmp_hdr icmp;
};

static bool
live_parse(const struct pd_frame *f, struct live_seg *ls)
{
    struct eth_hdr eh;
    memset(ls, 0, sizeof(*ls));
    if (eth_parse(f->b, f->len, &eh) != DROP_NONE)
        return false;
    const uint8_t *ipb = f->b + ETH_HDR_LEN;
    size_t iplen = f->len - ETH_HDR_LEN;
    const uint8_t *l4;
    size_t l4len;
    if (eh.type == ETHERTYPE_IPV6) {
        /* The fixed header only: netstep's TCP sends no extension headers.
         * Hop limit and traffic class stand in the ttl and tos fields. */
        struct ipv6_hdr h6;
        if (ipv6_parse(ipb, iplen, &h6) != DROP_NONE)
            return false;
        ls->is_v6 = true;
        ls->ip.ttl = h6.hop_limit;
        ls->ip.tos = h6.traffic_class;
        ls->ip.proto = h6.next_header;
        l4 = ipb + 40;
        l4len = h6.payload_len;
    } else if (eh.type == ETHERTYPE_IPV4) {
        if (ipv4_parse(ipb, iplen, &ls->ip) != DROP_NONE)
            return false;
        l4 = ipb + ls->ip.ihl;
        l4len = ls->ip.total_len - ls->ip.ihl;
    } else {
        return false;
    }
    if (ls->ip.proto == IPPROTO_TCP_) {
        if (tcp_parse_header(l4, l4len, &ls->tcp) != DROP_NONE)
            return false;
        ls->is_tcp = true;
        ls->tcp_b = l4;
        ls->payload_len = l4len - ls->tcp.data_off;
    } else if (ls->ip.proto == 1 && !ls->is_v6) {
        if (icmp_parse(l4, l4len, &ls->icmp) != DROP_NONE)
            return false;
        ls->is_icmp = true;
    }
    return true;
}

/* "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 7>"
 * in script numbers, options as they lie on the wire. */
static void
live_describe(const struct pd_runner *r, const struct live_seg *ls, char *buf, size_t n)
{
    char fl[16];
    if (!ls->is_tcp) {
        snprintf(buf, n, "%s", ls->is_icmp ? "icmp" : "(not TCP)");
        return;
    }
    tcp_flags_str(ls->tcp.flags, fl, sizeof(fl));
    uint32_t s = ls->tcp.seq - r->local_iss;
    size_t k = (size_t)snprintf(buf, n, "%s %u:%u(%zu)", fl, s, s + (uint32_t)ls->payload_len,
                                ls->payload_len);
    if (ls->tcp.flags & TCP_ACK)
        k += (size_t)snprintf(buf + k, n - k, " ack %u", ls->tcp.ack - PD_REMOTE_ISN);
    k += (size_t)snprintf(buf + k, n - k, " win %u", ls->tcp.wnd);
    const uint8_t *o = ls->tcp_b + TCP_HDR_MIN, *end = ls->tcp_b + ls->tcp.data_off;
    if (o < end && k < n)
        k += (size_t)snprintf(buf + k, n - k, " <");
    bool firsto = true;
    while (o < end && k < n) {
        const char *sep = firsto ? "" : ",";
        firsto = false;
        if (*o == TCPOPT_EOL || *o == TCPOPT_NOP) {
            k += (size_t)snprintf(buf + k, n - k, "%s%s", sep, *o == TCPOPT_EOL ? "eol" : "nop");
            o++;
            continue;
        }
        if (o + 1 >= end || o[1] < 2 || o + o[1] > end)
            break;
        switch (o[0]) {
        case TCPOPT_MSS: k += (size_t)snprintf(buf + k, n - k, "%smss %u", sep, be16_get(o + 2)); break;
        case TCPOPT_WSCALE: k += (size_t)snprintf(buf + k, n - k, "%swscale %u", sep, o[2]); break;
        case TCPOPT_SACK_PERM: k += (size_t)snprintf(buf + k, n - k, "%ssackOK", sep); break;
        case TCPOPT_TS:
            k += (size_t)snprintf(buf + k, n - k, "%sTS val %u ecr %u", sep, be32_get(o + 2),
                                  be32_get(o + 6));
            break;
        case TCPOPT_SACK:
            k += (size_t)snprintf(buf + k, n - k, "%ssack", sep);
            for (unsigned b = 0; 2 + 8 * (b + 1) <= o[1] && k < n; b++)
                k += (size_t)snprintf(buf + k, n - k, " %u:%u", be32_get(o + 2 + 8 * b) - PD_REMOTE_ISN,
                                      be32_get(o + 6 + 8 * b) - PD_REMOTE_ISN);
            break;
        default: k += (size_t)snprintf(buf + k, n - k, "%sopt %u", sep, o[0]); break;
        }
        o += o[1];
    }
    if (ls->tcp_b + TCP_HDR_MIN < end && k < n)
        snprintf(buf + k, n - k, ">");
}

/* The script's line as packetdrill would print it. */
static void
script_describe(const struct pd_segment *sg, char *buf, size_t n)
{
    char fl[16];
    tcp_flags_str(sg->flags, fl, sizeof(fl));
    size_t k = 0;
    if (sg->has_ports)
        k = (size_t)snprintf(buf, n, "%u > %u ", sg->sport, sg->dport);
    k += (size_t)snprintf(buf + k, n - k, "%s %u:%u(%u)", fl, sg->seq, sg->seq_end, sg->len);
    if (sg->has_ack)
        k += (size_t)snprintf(buf + k, n - k, " ack %u", sg->ack);
    if (sg->has_win)
        k += (size_t)snprintf(buf + k, n - k, " win %u", sg->win);
    if (sg->opts_any && k < n) {
        snprintf(buf + k, n - k, " <...>");
        return;
    }
    for (unsigned i = 0; i < sg->n_opts && k < n; i++) {
        const struct pd_opt *o = &sg->opts[i];
        const char *sep = i == 0 ? " <" : ",";
        switch (o->kind) {
        case PD_OPT_EOL: k += (size_t)snprintf(buf + k, n - k, "%seol", sep); break;
        case PD_OPT_NOP: k += (size_t)snprintf(buf + k, n - k, "%snop", sep); break;
        case PD_OPT_MSS: k += (size_t)snprintf(buf + k, n - k, "%smss %u", sep, o->val); break;
        case PD_OPT_WSCALE: k += (size_t)snprintf(buf + k, n - k, "%swscale %u", sep, o->val); break;
        case PD_OPT_SACKOK: k += (size_t)snprintf(buf + k, n - k, "%ssackOK", sep); break;
        case PD_OPT_TS:
            k += (size_t)snprintf(buf + k, n - k, "%sTS val %u ecr %u", sep, o->val, o->ecr);
            break;
        case PD_OPT_SACK:
            k += (size_t)snprintf(buf + k, n - k, "%ssack", sep);
            for (unsigned b = 0; b < o->n_blocks && k < n; b++)
                k += (size_t)snprintf(buf + k, n - k, " %u:%u", o->left[b], o->right[b]);
            break;
        default: k += (size_t)snprintf(buf + k, n - k, "%s?", sep); break;
        }
    }
    if (sg->n_opts > 0 && k < n)
        snprintf(buf + k, n - k, ">");
}

/* The options as the script lists them against the bytes on the wire:
 * kinds in order (NOP and EOL included), values but TSval. */
static bool
opts_match(const struct pd_runner *r, const struct pd_segment *sg, const struct live_seg *ls)
{
    const uint8_t *o = ls->tcp_b + TCP_HDR_MIN, *end = ls->tcp_b + ls->tcp.data_off;
    for (unsigned i = 0; i < sg->n_opts; i++) {
        const struct pd_opt *so = &sg->opts[i];
        if (o >= end)
            return false;
        uint8_t kind = o[0];
        if (kind == TCPOPT_EOL || kind == TCPOPT_NOP) {
            if (so->kind != (kind == TCPOPT_EOL ? PD_OPT_EOL : PD_OPT_NOP))
                return false;
            o++;
            continue;
        }
        if (o + 1 >= end || o[1] < 2 || o + o[1] > end)
            return false;
        switch (so->kind) {
        case PD_OPT_MSS:
            if (kind != TCPOPT_MSS || o[1] != 4 || be16_get(o + 2) != so->val)
                return false;
            break;
        case PD_OPT_WSCALE:
            if (kind != TCPOPT_WSCALE || o[1] != 3 || o[2] != so->val)
                return false;
            break;
        case PD_OPT_SACKOK:
            if (kind != TCPOPT_SACK_PERM || o[1] != 2)
                return false;
            break;
        case PD_OPT_TS:
            if (kind != TCPOPT_TS || o[1] != 10 || be32_get(o + 6) != so->ecr)
                return false;
            break;
        case PD_OPT_SACK:
            if (kind != TCPOPT_SACK || o[1] != 2 + 8 * so->n_blocks)
                return false;
            for (unsigned b = 0; b < so->n_blocks; b++)
                if (be32_get(o + 2 + 8 * b) - PD_REMOTE_ISN != so->left[b] ||
                    be32_get(o + 6 + 8 * b) - PD_REMOTE_ISN != so->right[b])
                    return false;
            break;
        default:
            return false;
        }
        o += o[1];
    }
    (void)r;
    return o == end;
}

static bool
field(struct pd_runner *r, const struct pd_event *ev, const char *name, uint32_t want,
      uint32_t got, const char *sdesc, const char *ldesc, int64_t t_us, int64_t at)
{
    if (want == got)
        return true;
    fail(r, ev, "live packet field %s: expected: %u (0x%x) vs actual: %u (0x%x)\n"
         "script packet: %9.6f %s\nactual packet: %9.6f %s", name, want, want, got, got,
         secs(t_us), sdesc, secs(at), ldesc);
    return false;
}

static void
run_outbound(struct pd_runner *r, const struct pd_event *ev, int64_t t_us, int64_t t_end_us)
{
    int64_t deadline = ev->time.kind == PD_TIME_ANY ? now_us(r) + PD_BLOCK_LIMIT_US
                                                    : t_end_us + r->tolerance_us;
    while (r->outq_head == r->outq_n && !r->failed &&
           pd_step_until(r, us_to_ns(deadline)))
        pending_check(r);
    if (r->failed)
        return;
    char sdesc[320], ldesc[320];
    if (ev->kind == PD_EV_PACKET_OUT)
        script_describe(&ev->seg, sdesc, sizeof(sdesc));
    else
        snprintf(sdesc, sizeof(sdesc), "icmp type %u code %u", ev->icmp.type, ev->icmp.code);
    if (r->outq_head == r->outq_n) {
        /* Late: as packetdrill, wait on (up to PD_LATE_LIMIT_US more) to say
         * when it came, which the timing check below then reports. */
        int64_t late = deadline + PD_LATE_LIMIT_US;
        while (r->outq_head == r->outq_n && !r->failed && pd_step_until(r, us_to_ns(late)))
            pending_check(r);
        if (r->failed)
            return;
    }
    if (r->outq_head == r->outq_n) {
        fail(r, ev, "timing error: expected outbound packet at %.6f sec but no packet was "
             "sent by %.6f sec\nscript packet: %9.6f %s", secs(t_us),
             secs(deadline + PD_LATE_LIMIT_US), secs(t_us), sdesc);
        return;
    }
    struct pd_frame *f = &r->outq[r->outq_head++];
    int64_t at = (int64_t)(f->at_ns / 1000u);
    struct live_seg ls;
    if (!live_parse(f, &ls)) {
        fail(r, ev, "netstep sent a frame that is not %s (%zu bytes)", r->v6 ? "IPv6" : "IPv4",
             f->len);
        return;
    }
    /* The frame's ports name its connection: its ISN and timestamps are
     * that connection's (a listener's several, several connects). */
    if (ls.is_tcp && !conn_select(r, ls.tcp.sport, ls.tcp.dport)) {
        fail(r, ev, "more than %d connections in one script", PD_MAX_CONNS);
        return;
    }
    /* Learn netstep's ISN and ports from its SYN or SYN-ACK. */
    if (ls.is_tcp && (ls.tcp.flags & TCP_SYN)) {
        r->local_iss = ls.tcp.seq;
        r->iss_known = true;
        r->lport = ls.tcp.sport;
    }
    live_describe(r, &ls, ldesc, sizeof(ldesc));
    if (ls.is_tcp && ev->kind == PD_EV_PACKET_OUT && ev->seg.has_ports) {
        /* the ports too, as the script line gives them */
        char tail[sizeof(ldesc)];
        snprintf(tail, sizeof(tail), "%s", ldesc);
        snprintf(ldesc, sizeof(ldesc), "%u > %u %.*s", ls.tcp.sport, ls.tcp.dport,
                 (int)sizeof(ldesc) - 16, tail);
    }
    if (ev->time.kind != PD_TIME_ANY) {
        bool range = ev->time.kind == PD_TIME_ABSOLUTE_RANGE ||
                     ev->time.kind == PD_TIME_RELATIVE_RANGE;
        if (at < t_us - r->tolerance_us || at > t_end_us + r->tolerance_us) {
            if (range)
                fail(r, ev, "timing error: expected outbound packet in time range %.6f~%.6f sec "
                     "but happened at %.6f sec\nscript packet: %9.6f %s\nactual packet: %9.6f %s",
                     secs(t_us), secs(t_end_us), secs(at), secs(t_us), sdesc, secs(at), ldesc);
            else
                fail(r, ev, "timing error: expected outbound packet at %.6f sec but happened at "
                     "%.6f sec; tolerance %.6f sec\nscript packet: %9.6f %s\nactual packet: "
                     "%9.6f %s", secs(t_us), secs(at), secs(r->tolerance_us), secs(t_us), sdesc,
                     secs(at), ldesc);
            return;
        }
    }
    /* The next relative time counts from this line's time; for `*`, from when it came. */
    r->last_us = ev->time.kind == PD_TIME_ANY ? at : t_us;
    if (ev->kind == PD_EV_ICMP_OUT) {
        if (!ls.is_icmp) {
            fail(r, ev, "expected an ICMP packet\nscript packet: %9.6f %s\nactual packet: %9.6f %s",
                 secs(t_us), sdesc, secs(at), ldesc);
            return;
        }
        if (!field(r, ev, "icmp_type", ev->icmp.type, ls.icmp.type, sdesc, ldesc, t_us, at))
            return;
        if (field(r, ev, "icmp_code", ev->icmp.code, ls.icmp.code, sdesc, ldesc, t_us, at) &&
            narrating(r))
            narrate(r, ev->line, "netstep sent at %.6f s %s, as the script expects", secs(at),
                    ldesc);
        return;
    }
    const struct pd_segment *sg = &ev->seg;
    if (!ls.is_tcp) {
        fail(r, ev, "expected a TCP segment\nscript packet: %9.6f %s\nactual packet: %9.6f %s",
             secs(t_us), sdesc, secs(at), ldesc);
        return;
    }
    /* Every difference as packetdrill names the field. */
    if (sg->has_ports &&
        (!field(r, ev, "tcp_src_port", sg->sport, ls.tcp.sport, sdesc, ldesc, t_us, at) ||
         !field(r, ev, "tcp_dst_port", sg->dport, ls.tcp.dport, sdesc, ldesc, t_us, at)))
        return;
    if (!field(r, ev, "tcp_flags", sg->flags, ls.tcp.flags, sdesc, ldesc, t_us, at))
        return;
    if (sg->has_ttl && !field(r, ev, "ip_ttl", sg->ttl, ls.ip.ttl, sdesc, ldesc, t_us, at))
        return;
    if (sg->has_tos && !field(r, ev, "ip_tos", sg->tos, ls.ip.tos, sdesc, ldesc, t_us, at))
        return;
    if (!sg->seq_any &&
        !field(r, ev, "tcp_seq", sg->seq, ls.tcp.seq - r->local_iss, sdesc, ldesc, t_us, at))
        return;
    if (ls.payload_len != sg->len) {
        fail(r, ev, "live packet payload: expected %u bytes vs actual %zu bytes\n"
             "script packet: %9.6f %s\nactual packet: %9.6f %s", sg->len, ls.payload_len,
             secs(t_us), sdesc, secs(at), ldesc);
        return;
    }
    if (sg->has_ack && (sg->flags & TCP_ACK) &&
        !field(r, ev, "tcp_ack_seq", sg->ack, ls.tcp.ack - PD_REMOTE_ISN, sdesc, ldesc, t_us, at))
        return;
    if (sg->has_win && !field(r, ev, "tcp_window", sg->win, ls.tcp.wnd, sdesc, ldesc, t_us, at))
        return;
    if (!sg->opts_any && !opts_match(r, sg, &ls)) {
        fail(r, ev, "bad outbound TCP options\nscript packet: %9.6f %s\nactual packet: %9.6f %s",
             secs(t_us), sdesc, secs(at), ldesc);
        return;
    }
    /* The script's TSvals stand for netstep's: remember the offset. */
    if (ls.tcp.opts.has_ts && !r->ts_known) {
        for (unsigned i = 0; i < sg->n_opts; i++)
            if (sg->opts[i].kind == PD_OPT_TS) {
                r->ts_offset = ls.tcp.opts.ts_val - sg->opts[i].val;
                r->ts_known = true;
            }
    }
    if (narrating(r))
        narrate(r, ev->line, "netstep sent at %.6f s %s, as the script expects", secs(at), ldesc);
}

/* ---- the script --------------------------------------------------------- */

/* An IPv6 script's host: dual-stack, 2001:db8::2/64 usable at time 0 (a
 * packetdrill script starts at once, so duplicate address detection is off
 * on this host, DupAddrDetectTransmits 0 [RFC 4862 5.1]), the peer's MAC
 * known ahead as its IPv4 ARP entry is (STALE: a probe later is answered by
 * pd_nd_frame()). */
static int
pd_world_v6(struct pd_runner *r)
{
    if (ipv6_enable(r->h) < 0)
        return -1;
    addr6_set_dad_transmits(r->h, 0);
    if (!ipv6_is_mine(r->h, r->ifc, &pd_local_addr6) &&
        ipv6_addr_add(r->h, r->ifc, &pd_local_addr6, PD_PREFIX_LEN6) < 0)
        return -1;
    nd6_learn(r->h, r->ifc, &pd_remote_addr6, pd_remote_mac, false, NULL, "RFC 4861 7.2.3",
              "the scripted peer's address, known ahead as on a tun device");
    return 0;
}

/* Why the script cannot run here, or NULL. */
static const char *
unsupported(const struct pd_script *sc, unsigned *line, char *why, size_t why_len)
{
    *line = 0;
    if (sc->unsupported[0] != '\0')
        return sc->unsupported;
    for (size_t i = 0; i < sc->n_events; i++) {
        const struct pd_event *ev = &sc->events[i];
        *line = ev->line;
        if (ev->unsupported[0] != '\0')
            return ev->unsupported;
        if (sc->ipv6 && (ev->kind == PD_EV_ICMP_IN || ev->kind == PD_EV_ICMP_OUT))
            return "ICMPv6 lines (the runner builds and reads ICMP for IPv4 only)";
        if (ev->kind == PD_EV_SYSCALL) {
            const struct pd_syscall *c = &ev->call;
            static const char *const known[] = { "socket", "fcntl", "bind", "listen", "accept",
                                                 "connect", "close", "shutdown", "recv", "read",
                                                 "send", "write", "setsockopt", "getsockopt",
                                                 "poll" };
            bool ok = false;
            for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
                ok = ok || strcmp(known[k], c->name) == 0;
            if (!ok) {
                snprintf(why, why_len, "the system call %s()", c->name);
                return why;
            }
            if (strcmp(c->name, "socket") == 0 && c->n_args >= 3 &&
                (strcmp(c->args[1].word, "SOCK_STREAM") != 0 ||
                 strcmp(c->args[2].word, "IPPROTO_TCP") != 0)) {
                snprintf(why, why_len, "sockets other than TCP (%s, %s)", c->args[1].word,
                         c->args[2].word);
                return why;
            }
            if ((strcmp(c->name, "setsockopt") == 0 || strcmp(c->name, "getsockopt") == 0) &&
                (c->n_args < 4 || sockopt_lookup(c->args[2].word) < 0)) {
                snprintf(why, why_len, "the socket option %s",
                         c->n_args >= 3 ? c->args[2].word : "?");
                return why;
            }
            if (strcmp(c->name, "poll") == 0 &&
                (c->n_args < 2 || c->args[0].kind != PD_EXPR_LIST || c->args[0].n_pollfds == 0))
                return "poll() without a list of struct pollfd";
            if (strcmp(c->name, "fcntl") == 0 && c->n_args >= 2 &&
                strcmp(c->args[1].word, "F_GETFL") != 0 && strcmp(c->args[1].word, "F_SETFL") != 0)
                return "fcntl commands other than F_GETFL and F_SETFL";
        }
    }
    *line = 0;
    return NULL;
}

void
pd_run(const struct pd_script *sc, const struct pd_options *o, FILE *out, struct pd_result *res)
{
    pd_run_in(sc, o, out, res, NULL, NULL);
}

void
pd_run_in(const struct pd_script *sc, const struct pd_options *o, FILE *out,
          struct pd_result *res, struct sim *world, struct host *world_host)
{
    struct pd_runner *r = calloc(1, sizeof(*r));
    memset(res, 0, sizeof(*res));
    if (r == NULL) {
        res->verdict = PD_ERROR;
        snprintf(res->msg, sizeof(res->msg), "out of memory");
        return;
    }
    unsigned uline;
    char whybuf[160];
    const char *why = unsupported(sc, &uline, whybuf, sizeof(whybuf));
    if (why != NULL) {
        res->verdict = PD_SKIP;
        if (uline)
            snprintf(res->msg, sizeof(res->msg), "%s:%u: skipped: needs %s, which netstep lacks",
                     sc->path, uline, why);
        else
            snprintf(res->msg, sizeof(res->msg), "%s: skipped: needs %s, which netstep lacks",
                     sc->path, why);
        free(r);
        return;
    }
    r->sc = sc;
    r->o = o;
    r->out = out;
    r->res = res;
    r->tolerance_us = o->tolerance_us >= 0 ? o->tolerance_us : sc->tolerance_us;
    r->lport = PD_SERVER_PORT;
    r->rport = PD_REMOTE_PORT;
    r->v6 = sc->ipv6;
    r->sim = world != NULL ? world : &r->own_sim;
    if (world == NULL)
        sim_init(r->sim, o->seed);
    if (o->trace) {
        log_sink_init(&r->log, out);
        log_sink_attach(&r->log, &r->sim->trace);
        r->log_attached = true;
    }
    if (world == NULL) {
        r->h = sim_add_host(r->sim, "local");
        r->ifc = r->h ? sim_host_add_iface(r->sim, r->h, PD_LOCAL_ADDR, PD_PREFIX_LEN,
                                           (uint16_t)(sc->mtu ? sc->mtu : 1500), NULL)
                      : NULL;
    } else {
        /* The caller's host: its first interface, with the script's address
         * and MTU, and no link (this driver takes its frames). */
        r->h = world_host;
        r->ifc = world_host != NULL && world_host->n_ifaces > 0 &&
                         world_host->ifaces[0].addr == PD_LOCAL_ADDR
                     ? &world_host->ifaces[0]
                     : NULL;
        if (r->ifc != NULL && sc->mtu)
            r->ifc->mtu = (uint16_t)sc->mtu;
    }
    if (r->ifc == NULL) {
        res->verdict = PD_ERROR;
        snprintf(res->msg, sizeof(res->msg), "cannot build the world");
        goto out;
    }
    r->ifc->ops = &pd_iface_ops;
    r->ifc->drv = r;
    sim_enter_host(r->sim, r->h);
    if (!r->ifc->up)
        host_iface_up(r->h, r->ifc, false);
    arp_cache_set_permanent(r->h, r->ifc, PD_REMOTE_ADDR, pd_remote_mac);
    if (r->v6 && pd_world_v6(r) < 0) {
        sim_host_entered(r->sim, r->h);
        res->verdict = PD_ERROR;
        snprintf(res->msg, sizeof(res->msg), "cannot give the host its IPv6 address");
        goto out;
    }
    pd_personality_apply(o->personality, r->h, &r->sd);
    sim_host_entered(r->sim, r->h);

    size_t notes_len = 0;
    for (size_t i = 0; i < sc->n_events && !r->failed; i++) {
        const struct pd_event *ev = &sc->events[i];
        int64_t t = ev->time.start_us, t_end = ev->time.end_us;
        if (o->observer != NULL && o->observer->line != NULL)
            o->observer->line(o->observer->ctx, i);
        switch (ev->time.kind) {
        case PD_TIME_RELATIVE:
        case PD_TIME_RELATIVE_RANGE:
            t += r->last_us;
            t_end += r->last_us;
            break;
        case PD_TIME_ANY:
            t = t_end = now_us(r);
            break;
        default:
            break;
        }
        if (o->verbose)
            fprintf(out, "%9.6f line %u\n", secs(t), ev->line);
        if (ev->kind == PD_EV_PACKET_OUT || ev->kind == PD_EV_ICMP_OUT) {
            run_outbound(r, ev, t, t_end);
            continue;
        }
        advance_to(r, us_to_ns(t));
        if (r->failed)
            break;
        r->last_us = t;
        switch (ev->kind) {
        case PD_EV_PACKET_IN:
            if (narrating(r)) {
                char desc[320];
                script_describe(&ev->seg, desc, sizeof(desc));
                narrate(r, ev->line, "the scripted peer sends %s", desc);
            }
            inject_tcp(r, ev);
            break;
        case PD_EV_ICMP_IN:
            if (narrating(r))
                narrate(r, ev->line, "the scripted peer sends icmp type %u code %u",
                        ev->icmp.type, ev->icmp.code);
            inject_icmp(r, ev);
            break;
        case PD_EV_SYSCALL:
            run_syscall(r, ev, ev->time.block_end_relative ? t + ev->time.block_end_us
                                                           : ev->time.block_end_us);
            break;
        case PD_EV_SHELL: {
            char whyn[200];
            int applied = pd_shell_apply(ev->shell, r->h, &r->sd, whyn, sizeof(whyn));
            if (narrating(r)) {
                if (applied)
                    narrate(r, ev->line, "`%s`: netstep's tunables follow it", ev->shell);
                else
                    narrate(r, ev->line, "`%s` is not modelled: %s; the script runs on",
                            ev->shell, whyn);
            }
            if (applied == 0) {
                res->not_modelled++;
                if (notes_len < sizeof(res->notes))
                    notes_len += (size_t)snprintf(res->notes + notes_len,
                                                  sizeof(res->notes) - notes_len,
                                                  "%s:%u: not modelled: `%s`: %s\n", sc->path,
                                                  ev->line, ev->shell, whyn);
            }
            break;
        }
        default:
            break;
        }
    }
    /* A call still blocked at the end must return by its end time. */
    if (!r->failed && r->pending.active) {
        int64_t limit = r->pending.check_end ? r->pending.end_us + r->tolerance_us
                                             : now_us(r) + PD_BLOCK_LIMIT_US;
        while (r->pending.active && !r->failed && pd_step_until(r, us_to_ns(limit)))
            pending_check(r);
        if (r->pending.active && !r->failed)
            fail(r, r->pending.ev, "the system call was still blocked at %.6f sec",
                 secs(now_us(r)));
    }
    if (!r->failed)
        res->verdict = PD_PASS;
out:
    if (r->log_attached)
        log_sink_detach(&r->log);
    if (world == NULL) {
        sim_destroy(r->sim);
    } else if (r->ifc != NULL) {
        /* the world outlives this runner: its interface no longer sends here */
        r->ifc->ops = NULL;
        r->ifc->drv = NULL;
    }
    for (size_t i = 0; i < r->outq_n; i++)
        free(r->outq[i].b);
    free(r->outq);
    free(r);
}
