/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * draw_model.c - the ladder and the TCP series, read from the event log.
 *
 * A frame's arrow runs from its WIRE event (it entered the link) to the
 * first later event of the same packet at the link's other end (an RX, a
 * switch's decision, a drop), or to the link's own DROP when the link lost
 * it. Its label is decoded from the bytes the log kept, with sequence
 * numbers relative to the initial ones as tcpdump prints them; a TCP
 * retransmission is recognised by the cause TCP gave its segment
 * (trace_cause.tcp_why), never guessed from the numbers.
 * The TCP series sample each connection's TCB snapshots wherever a plotted
 * number changes.
 * Called by: draw.c, the view's panes. Calls: record_get(), draw_decode().
 */
#include "ui/draw_model.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/log_sink.h"
#include "sim/scenario.h"
#include "stack/drop.h"
#include "stack/wire/addr.h"
#include "ui/draw_decode.h"
#include "ui/view.h"

/* How far to look, in events, for the other end of a frame's life: far
 * more than the events a frame meets on one link, bounded so a long log
 * stays linear. */
#define DRAW_LOOK_AHEAD 20000u
#define DRAW_LOOK_BACK 2000u

static int
grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *g = realloc(*arr, c * elem);
    if (g == NULL)
        return -1;
    *arr = g;
    *cap = c;
    return 0;
}

static void
copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src != NULL ? src : "");
}

/* ---- columns ------------------------------------------------------------ */

/* Name of the end of link l: a host's or a switch's. */
static const char *
link_end_name(const struct scenario *scn, int host, int sw)
{
    if (host >= 0)
        return scn->hosts[host].name;
    if (sw >= 0)
        return scn->switches[sw].name;
    return "";
}

/* Every host, router, switch and hub, in the order a walk along the links
 * from the first host meets them: a path reads left to right. */
static int
nodes_all(const struct scenario *scn, struct draw_node **out, size_t *n_out)
{
    size_t n = scn->n_hosts + scn->n_switches;
    struct draw_node *all = calloc(n ? n : 1, sizeof *all);
    struct draw_node *ord = calloc(n ? n : 1, sizeof *ord);
    bool *seen = calloc(n ? n : 1, sizeof *seen);
    size_t *queue = calloc(n ? n : 1, sizeof *queue);
    if (all == NULL || ord == NULL || seen == NULL || queue == NULL) {
        free(all);
        free(ord);
        free(seen);
        free(queue);
        return -1;
    }
    for (size_t i = 0; i < scn->n_hosts; i++) {
        copy_str(all[i].name, sizeof all[i].name, scn->hosts[i].name);
        all[i].router = scn->hosts[i].router;
        all[i].host = (int)i;
        all[i].sw = -1;
    }
    for (size_t i = 0; i < scn->n_switches; i++) {
        struct draw_node *d = &all[scn->n_hosts + i];
        copy_str(d->name, sizeof d->name, scn->switches[i].name);
        d->is_switch = true;
        d->hub = scn->switches[i].hub;
        d->host = -1;
        d->sw = (int)i;
    }
    size_t k = 0;
    for (size_t start = 0; start < n; start++) {
        if (seen[start])
            continue;
        size_t head = 0, tail = 0;
        queue[tail++] = start;
        seen[start] = true;
        while (head < tail) {
            size_t v = queue[head++];
            ord[k++] = all[v];
            for (size_t li = 0; li < scn->n_links; li++) {
                const struct scn_link *l = &scn->links[li];
                size_t a = l->a >= 0 ? (size_t)l->a : scn->n_hosts + (size_t)l->a_sw;
                size_t b = l->b >= 0 ? (size_t)l->b : scn->n_hosts + (size_t)l->b_sw;
                size_t other = a == v ? b : b == v ? a : n;
                if (other < n && !seen[other]) {
                    seen[other] = true;
                    queue[tail++] = other;
                }
            }
        }
    }
    free(all);
    free(seen);
    free(queue);
    *out = ord;
    *n_out = k;
    return 0;
}

static int
node_index(const struct draw_ladder *l, const char *name)
{
    for (size_t i = 0; i < l->n_nodes; i++)
        if (strcmp(l->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Keep only the columns named in "a,b,c", in that order. */
static int
nodes_select(struct draw_ladder *l, const char *hosts, char *err, size_t err_len)
{
    struct draw_node *sel = calloc(l->n_nodes ? l->n_nodes : 1, sizeof *sel);
    if (sel == NULL) {
        snprintf(err, err_len, "netstep: out of memory");
        return -1;
    }
    size_t k = 0;
    const char *p = hosts;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
        int i = node_index(l, name);
        if (i < 0 || k >= l->n_nodes) {
            snprintf(err, err_len, "netstep: --hosts: the lesson has no host '%s'", name);
            free(sel);
            return -1;
        }
        sel[k++] = l->nodes[i];
        p += len + (comma ? 1 : 0);
    }
    free(l->nodes);
    l->nodes = sel;
    l->n_nodes = k;
    return 0;
}

/* ---- sequence numbers ---------------------------------------------------- */

/* The initial sequence number of each direction of each connection, from
 * the SYNs seen on the wire, so labels can be relative as tcpdump's are. */
struct isn_entry {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t isn;
};

struct isn_table {
    struct isn_entry *e;
    size_t n, cap;
};

static bool
isn_find(const struct isn_table *t, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
         uint32_t *isn)
{
    for (size_t i = t->n; i-- > 0;) {
        const struct isn_entry *e = &t->e[i];
        if (e->src == src && e->dst == dst && e->sport == sport && e->dport == dport) {
            *isn = e->isn;
            return true;
        }
    }
    return false;
}

/* An IPv6 address folded to 32 bits (FNV-1a) to key the table: the two
 * ends of one picture's connections do not collide in practice, and a
 * collision would only make a label's numbers absolute-relative to another
 * SYN, never crash. */
static uint32_t
addr6_key(const struct ip6_addr *a)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof a->b; i++)
        h = (h ^ a->b[i]) * 16777619u;
    return h;
}

/* The frame's IP addresses as the table's keys; false without an IP header. */
static bool
frame_ends(const struct draw_frame *f, uint32_t *src, uint32_t *dst)
{
    if (f->has_ip) {
        *src = f->ip.src;
        *dst = f->ip.dst;
        return true;
    }
    if (f->has_ip6) {
        *src = addr6_key(&f->ip6.src);
        *dst = addr6_key(&f->ip6.dst);
        return true;
    }
    return false;
}

static void
isn_note(struct isn_table *t, const struct draw_frame *f)
{
    uint32_t src, dst;
    if (!f->has_tcp || !(f->tcp.flags & TCP_SYN) || !frame_ends(f, &src, &dst))
        return;
    uint32_t old;
    if (isn_find(t, src, f->tcp.sport, dst, f->tcp.dport, &old) && old == f->tcp.seq)
        return;
    if (grow((void **)&t->e, &t->cap, t->n, sizeof *t->e) < 0)
        return;  /* without it the label shows absolute numbers */
    t->e[t->n++] = (struct isn_entry){ src, dst, f->tcp.sport, f->tcp.dport, f->tcp.seq };
}

/* The short words for an ICMPv6 message [RFC 4443 2.1, RFC 4861 4]. */
static void
icmp6_label(const struct draw_frame *f, char *buf, size_t n)
{
    char t[IPV6_ADDR_STRLEN];
    switch (f->icmp6_type) {
    case 1: snprintf(buf, n, "ICMP6 unreachable code %u", (unsigned)f->icmp6_code); break;
    case 2: snprintf(buf, n, "ICMP6 packet too big"); break;
    case 3: snprintf(buf, n, "ICMP6 time exceeded"); break;
    case 4: snprintf(buf, n, "ICMP6 parameter problem"); break;
    case 128:
        snprintf(buf, n, "ICMP6 echo request seq %u hlim %u", (unsigned)f->icmp6_seq,
                 (unsigned)f->ip6.hop_limit);
        break;
    case 129: snprintf(buf, n, "ICMP6 echo reply seq %u", (unsigned)f->icmp6_seq); break;
    case 133: snprintf(buf, n, "RS"); break;
    case 134: snprintf(buf, n, "RA"); break;
    case 135:
        if (f->icmp6_has_target)
            snprintf(buf, n, "NS who-has %s", ip6_addr_str(&f->icmp6_target, t));
        else
            snprintf(buf, n, "NS");
        break;
    case 136:
        if (f->icmp6_has_target)
            snprintf(buf, n, "NA %s", ip6_addr_str(&f->icmp6_target, t));
        else
            snprintf(buf, n, "NA");
        break;
    default: snprintf(buf, n, "ICMP6 type %u", (unsigned)f->icmp6_type); break;
    }
}

/* ---- arrows --------------------------------------------------------------- */

/* The label of a frame as a person reads it in a ladder. */
static void
frame_label(const struct draw_frame *f, const struct isn_table *isns, const char *text,
            char *buf, size_t n, enum draw_arrow_style *style)
{
    char a[16], b[18];  /* a dotted quad; a MAC (17 characters) */
    *style = DRAW_ARROW_OTHER;
    uint32_t src, dst;
    if (f->has_tcp && frame_ends(f, &src, &dst)) {
        uint32_t isn = 0, peer = 0;
        bool k1 = isn_find(isns, src, f->tcp.sport, dst, f->tcp.dport, &isn);
        bool k2 = isn_find(isns, dst, f->tcp.dport, src, f->tcp.sport, &peer);
        draw_tcp_label(&f->tcp, f->payload_len, k1, isn, k2, peer, buf, n);
        bool pure_ack = f->payload_len == 0 && !(f->tcp.flags & (TCP_SYN | TCP_FIN | TCP_RST));
        *style = pure_ack ? DRAW_ARROW_ACK : DRAW_ARROW_DATA;
    } else if (f->has_arp) {
        if (f->arp.op == 1)
            snprintf(buf, n, "ARP who-has %s", ipv4_addr_str(f->arp.tpa, a));
        else
            snprintf(buf, n, "ARP %s is-at %s", ipv4_addr_str(f->arp.spa, a),
                     mac_addr_str(f->arp.sha, b));
    } else if (f->has_icmp) {
        if (f->icmp.type == ICMP_ECHO_REQUEST || f->icmp.type == ICMP_ECHO_REPLY)
            snprintf(buf, n, "ICMP %s seq %u", icmp_type_name(f->icmp.type, f->icmp.code),
                     (unsigned)f->icmp.seq);
        else
            snprintf(buf, n, "ICMP %s", icmp_type_name(f->icmp.type, f->icmp.code));
        if (f->has_ip && f->icmp.type == ICMP_ECHO_REQUEST) {
            size_t k = strlen(buf);
            snprintf(buf + k, n - k, " ttl %u", (unsigned)f->ip.ttl);
        }
    } else if (f->has_udp) {
        snprintf(buf, n, "UDP %u > %u len %zu", (unsigned)f->udp.sport, (unsigned)f->udp.dport,
                 f->payload_len);
    } else if (f->has_icmp6) {
        icmp6_label(f, buf, n);
    } else if (f->has_ip) {
        snprintf(buf, n, "IP %s > %s%s", ipv4_addr_str(f->ip.src, a), ipv4_addr_str(f->ip.dst, b),
                 f->ip.mf || f->ip.frag_off ? " fragment" : "");
    } else if (f->has_ip6) {
        char s6[IPV6_ADDR_STRLEN], d6[IPV6_ADDR_STRLEN];
        snprintf(buf, n, "IP6 %s > %s%s", ip6_addr_str(&f->ip6.src, s6),
                 ip6_addr_str(&f->ip6.dst, d6), f->ip6_fragment ? " fragment" : "");
    } else {
        /* Not decoded: the link's own words, without " on LINK". */
        snprintf(buf, n, "%s", text);
        char *on = strstr(buf, " on ");
        if (on != NULL)
            *on = '\0';
    }
}

static const char *
why_label(uint8_t why)
{
    switch ((enum tcp_why)why) {
    case TCP_WHY_RTO:             return "RTO";
    case TCP_WHY_FAST_RETRANSMIT: return "3 dup ACKs";
    case TCP_WHY_RECOVERY:        return "recovery";
    default:                      return NULL;
    }
}

/* The scenario link named by a WIRE event's `where` ("A-B" or "A-B/2"). */
static const struct scn_link *
link_named(const struct scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        char want[2 * SCN_NAME_MAX + 8];
        snprintf(want, sizeof want, "%s-%s", link_end_name(scn, l->a, l->a_sw),
                 link_end_name(scn, l->b, l->b_sw));
        size_t n = strlen(want);
        if (strncmp(name, want, n) == 0 && (name[n] == '\0' || name[n] == '/'))
            return l;
    }
    return NULL;
}

/* Until when each link's sender is busy, per direction: a frame the link
 * lost left after the ones queued before it. */
#define DRAW_BUSY_MAX 64
struct link_busy {
    const struct scn_link *lk;  /* the link, NULL: a free slot */
    int from;                   /* 0: from its first end, 1: from its second */
    uint64_t until_ns;          /* the last frame's last bit left then */
};

static uint64_t *
busy_slot(struct link_busy *busy, const struct scn_link *lk, int from)
{
    for (size_t k = 0; k < DRAW_BUSY_MAX; k++) {
        if (busy[k].lk == lk && busy[k].from == from)
            return &busy[k].until_ns;
        if (busy[k].lk == NULL) {
            busy[k] = (struct link_busy){ lk, from, 0 };
            return &busy[k].until_ns;
        }
    }
    return NULL;
}

static int
add_arrow(const struct view_model *m, struct draw_ladder *l, size_t i,
          const struct record_event *ev, const struct isn_table *isns, struct link_busy *busy)
{
    const struct scenario *scn = m->scn;
    const struct scn_link *lk = link_named(scn, ev->where);
    if (lk == NULL)
        return 0;
    const char *ea = link_end_name(scn, lk->a, lk->a_sw);
    const char *eb = link_end_name(scn, lk->b, lk->b_sw);
    /* decoded first: the searches below get other events, and ev's bytes
     * stay valid only for a few gets (sim/record.h, RECORD_BYTES_GETS) */
    struct draw_frame f;
    draw_decode(ev, &f);
    /* who sent it: the last end that handled this packet before */
    const char *from = NULL;
    struct record_event pe;
    for (size_t j = i, k = 0; j-- > 0 && k < DRAW_LOOK_BACK; k++) {
        if (!record_get(&m->rec, j, &pe) || pe.pkt_id != ev->pkt_id)
            continue;
        if (strcmp(pe.where, ea) == 0 || strcmp(pe.where, eb) == 0) {
            from = strcmp(pe.where, ea) == 0 ? ea : eb;
            break;
        }
    }
    /* where it ended: arrival at an end, or lost on this link */
    struct draw_arrow a = { .at = i, .t0_ns = ev->t_ns, .pkt_id = ev->pkt_id };
    const char *to = NULL;
    bool ended = false;
    struct record_event ne;
    for (size_t j = i + 1, k = 0; j < m->n_events && k < DRAW_LOOK_AHEAD; j++, k++) {
        if (!record_get(&m->rec, j, &ne) || ne.pkt_id != ev->pkt_id)
            continue;
        if (ne.kind == TRACE_DROP && ne.layer == LAYER_WIRE && strcmp(ne.where, ev->where) == 0) {
            a.lost = true;
            a.t1_ns = ne.t_ns;
            ended = true;
            break;
        }
        if (ne.kind == TRACE_WIRE)
            continue;  /* the same packet on another link (a switch's copy) */
        bool at_a = strcmp(ne.where, ea) == 0, at_b = strcmp(ne.where, eb) == 0;
        if ((at_a || at_b) && (from == NULL || strcmp(ne.where, from) != 0)) {
            to = at_a ? ea : eb;
            a.t1_ns = ne.t_ns;
            ended = true;
            break;
        }
    }
    if (from == NULL)
        from = to != NULL ? (strcmp(to, ea) == 0 ? eb : ea) : ea;
    if (to == NULL)
        to = strcmp(from, ea) == 0 ? eb : ea;
    /* The WIRE event is the frame joining the link's queue; a ladder draws
     * it from when its first bit leaves: its last bit arrives the
     * propagation delay and its serialisation (len bytes at the rate)
     * after that. A frame the link lost left when the frames queued before
     * it had, and is drawn dying half-way along, where a person imagines
     * it lost (the link decides the loss as the frame enters it). */
    uint64_t ser = lk->rate_bps ? (uint64_t)ev->len * 8u * 1000000000u / lk->rate_bps : 0;
    uint64_t *until = busy_slot(busy, lk, strcmp(from, ea) == 0 ? 0 : 1);
    if (ended && !a.lost) {
        uint64_t on_link = lk->delay_ns + ser;
        if (a.t1_ns > a.t0_ns + on_link)
            a.t0_ns = a.t1_ns - on_link;
    } else if (until != NULL && *until > a.t0_ns) {
        a.t0_ns = *until;
    }
    if (until != NULL)
        *until = a.t0_ns + ser;
    if (!ended) {
        a.in_flight = true;
        a.t1_ns = a.t0_ns + ser + lk->delay_ns;
    }
    if (a.lost)
        a.t1_ns = a.t0_ns + ser + lk->delay_ns / 2;
    a.from = node_index(l, from);
    a.to = node_index(l, to);
    if (a.from < 0 || a.to < 0)
        return 0;  /* a column left out by --hosts */
    frame_label(&f, isns, ev->text, a.label, sizeof a.label, &a.style);
    /* a retransmission: the cause TCP gave the segment when it sent it */
    if (f.has_tcp) {
        for (size_t j = i, k = 0; j-- > 0 && k < DRAW_LOOK_BACK; k++) {
            if (record_get(&m->rec, j, &pe) && pe.pkt_id == ev->pkt_id &&
                pe.layer == LAYER_TCP && pe.kind == TRACE_TX) {
                a.why = why_label(pe.cause.tcp_why);
                break;
            }
        }
    }
    if (grow((void **)&l->arrows, &l->cap_arrows, l->n_arrows, sizeof *l->arrows) < 0)
        return -1;
    l->arrows[l->n_arrows++] = a;
    return 0;
}

static int
add_mark(struct draw_ladder *l, size_t i, int node, uint64_t t, enum draw_mark_kind kind,
         const char *text)
{
    if (grow((void **)&l->marks, &l->cap_marks, l->n_marks, sizeof *l->marks) < 0)
        return -1;
    struct draw_mark *mk = &l->marks[l->n_marks++];
    mk->at = i;
    mk->node = node;
    mk->t_ns = t;
    mk->kind = kind;
    copy_str(mk->text, sizeof mk->text, text);
    return 0;
}

/* The calls a ladder shows: those that move the connection or its data;
 * socket(), bind() and the option and name queries stay off the slide. */
static bool
call_shown(uint8_t call)
{
    switch ((enum socket_call)call) {
    case CALL_LISTEN:
    case CALL_ACCEPT:
    case CALL_CONNECT:
    case CALL_SEND:
    case CALL_SENDTO:
    case CALL_RECV:
    case CALL_RECVFROM:
    case CALL_SHUTDOWN:
    case CALL_CLOSE:
    case CALL_PING:
        return true;
    default:
        return false;
    }
}

static int
ladder_event(const struct view_model *m, struct draw_ladder *l, size_t i,
             const struct record_event *ev, const struct isn_table *isns, bool say,
             struct link_busy *busy)
{
    int node = ev->where[0] ? node_index(l, ev->where) : -1;
    char text[128];
    switch (ev->kind) {
    case TRACE_WIRE:
        return add_arrow(m, l, i, ev, isns, busy);
    case TRACE_CALL:
        if (node < 0 || ev->layer != LAYER_SOCKET || ev->cause.kind != CAUSE_CALL ||
            !call_shown(ev->cause.call) || view_call_returns(m, i))
            return 0;  /* a blocking call is marked where it was made */
        snprintf(text, sizeof text, "%s()", socket_call_name(ev->cause.call));
        return add_mark(l, i, node, ev->t_ns, DRAW_MARK_CALL, text);
    case TRACE_STATE: {
        const char *arrow = strstr(ev->text, "-> ");
        if (node < 0 || ev->layer != LAYER_TCP || arrow == NULL)
            return 0;
        copy_str(text, sizeof text, arrow + 3);
        text[strcspn(text, " ")] = '\0';
        return add_mark(l, i, node, ev->t_ns, DRAW_MARK_STATE, text);
    }
    case TRACE_DROP:
        if (node < 0)
            return 0;
        snprintf(text, sizeof text, "drop: %s", drop_reason_name((enum drop_reason)ev->reason));
        return add_mark(l, i, node, ev->t_ns, DRAW_MARK_DROP, text);
    case TRACE_NOTE:
        if (!say || ev->layer != LAYER_APP || strncmp(ev->text, "say: ", 5) != 0)
            return 0;
        return add_mark(l, i, -1, ev->t_ns, DRAW_MARK_SAY, ev->text + 5);
    default:
        return 0;
    }
}

int
draw_ladder_build(const struct view_model *m, const struct draw_select *sel,
                  struct draw_ladder *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    copy_str(out->title, sizeof out->title,
             m->scn->title != NULL ? m->scn->title : m->scn->name);
    if (nodes_all(m->scn, &out->nodes, &out->n_nodes) < 0 ||
        (sel->hosts != NULL && nodes_select(out, sel->hosts, err, err_len) < 0)) {
        if (out->nodes == NULL || sel->hosts == NULL)
            snprintf(err, err_len, "netstep: out of memory");
        draw_ladder_free(out);
        return -1;
    }
    struct isn_table isns = { 0 };
    struct link_busy busy[DRAW_BUSY_MAX];
    memset(busy, 0, sizeof busy);
    struct record_event ev;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->n_events && record_get(&m->rec, i, &ev); i++) {
        if (ev.kind == TRACE_WIRE) {
            struct draw_frame f;
            draw_decode(&ev, &f);
            isn_note(&isns, &f);
        }
        if (ev.t_ns < sel->from_ns || ev.t_ns > sel->to_ns || i < sel->first_event ||
            i > sel->last_event)
            continue;
        rc = ladder_event(m, out, i, &ev, &isns, sel->say, busy);
    }
    free(isns.e);
    if (rc < 0) {
        snprintf(err, err_len, "netstep: out of memory");
        draw_ladder_free(out);
        return -1;
    }
    return 0;
}

void
draw_ladder_free(struct draw_ladder *l)
{
    free(l->nodes);
    free(l->arrows);
    free(l->marks);
    memset(l, 0, sizeof *l);
}

/* A CSV field: quoted, with quotes doubled [RFC 4180 2]. */
static void
csv_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void
csv_time(FILE *out, uint64_t t_ns)
{
    fprintf(out, "%" PRIu64 ".%09" PRIu64, t_ns / 1000000000u, t_ns % 1000000000u);
}

static const char *
mark_kind_name(enum draw_mark_kind k)
{
    switch (k) {
    case DRAW_MARK_CALL:  return "call";
    case DRAW_MARK_STATE: return "state";
    case DRAW_MARK_DROP:  return "drop";
    case DRAW_MARK_SAY:   return "say";
    }
    return "?";
}

int
draw_ladder_csv(const struct draw_ladder *l, FILE *out)
{
    fprintf(out, "event,kind,t_s,t_end_s,from,to,pkt,label,note\n");
    size_t ia = 0, im = 0;
    while (ia < l->n_arrows || im < l->n_marks) {
        bool arrow = im >= l->n_marks || (ia < l->n_arrows && l->arrows[ia].at < l->marks[im].at);
        if (arrow) {
            const struct draw_arrow *a = &l->arrows[ia++];
            fprintf(out, "%zu,%s,", a->at, a->lost ? "lost" : a->in_flight ? "in-flight" : "frame");
            csv_time(out, a->t0_ns);
            fputc(',', out);
            csv_time(out, a->t1_ns);
            fprintf(out, ",%s,%s,%" PRIu64 ",", l->nodes[a->from].name, l->nodes[a->to].name,
                    a->pkt_id);
            csv_str(out, a->label);
            fputc(',', out);
            csv_str(out, a->why != NULL ? a->why : "");
            fputc('\n', out);
        } else {
            const struct draw_mark *mk = &l->marks[im++];
            fprintf(out, "%zu,%s,", mk->at, mark_kind_name(mk->kind));
            csv_time(out, mk->t_ns);
            fprintf(out, ",,%s,,,", mk->node >= 0 ? l->nodes[mk->node].name : "");
            csv_str(out, mk->text);
            fprintf(out, ",\n");
        }
    }
    return ferror(out) ? -1 : 0;
}

/* ---- TCP series ------------------------------------------------------------ */

static bool
conn_selected(const struct view_model *m, const struct vm_conn *c, const char *want)
{
    if (want == NULL)
        return true;
    const char *host = m->scn->hosts[c->host].name;
    size_t hl = strlen(host);
    /* "HOST" or "HOST:PORT" (either end's port), several separated by commas */
    for (const char *p = want; *p;) {
        size_t len = strcspn(p, ",");
        if (len >= hl && strncmp(p, host, hl) == 0) {
            if (len == hl)
                return true;
            if (p[hl] == ':') {
                unsigned long port = strtoul(p + hl + 1, NULL, 10);
                if (port == c->lport || port == c->fport)
                    return true;
            }
        }
        p += len + (p[len] == ',' ? 1 : 0);
    }
    return false;
}

static int
conn_sample(struct draw_conn *dc, size_t at, const struct record_event *ev)
{
    const struct trace_tcb *t = &ev->tcb;
    struct draw_sample s = {
        .at = at,
        .t_ns = ev->t_ns,
        .cwnd = t->cwnd,
        .ssthresh = t->ssthresh,
        .flight = t->snd_nxt - t->snd_una,
        .snd_una = t->snd_una - dc->iss,
        .snd_wnd = t->snd_wnd,
        .srtt_ns = t->srtt_ns,
        .rto_ns = t->rto_ns,
        .rtt_ns = t->rtt_ns,
        .rtt_at_ns = t->rtt_at_ns,
        .rtt_samples = t->rtt_samples,
    };
    if (dc->n_samples > 0) {
        const struct draw_sample *p = &dc->samples[dc->n_samples - 1];
        if (p->cwnd == s.cwnd && p->ssthresh == s.ssthresh && p->flight == s.flight &&
            p->snd_una == s.snd_una && p->snd_wnd == s.snd_wnd && p->srtt_ns == s.srtt_ns &&
            p->rto_ns == s.rto_ns && p->rtt_samples == s.rtt_samples)
            return 0;
    }
    if (grow((void **)&dc->samples, &dc->cap_samples, dc->n_samples, sizeof *dc->samples) < 0)
        return -1;
    dc->samples[dc->n_samples++] = s;
    return 0;
}

/* Segments this connection's TCP sent, and SACK blocks that came back. */
static int
conn_segment(struct draw_conn *dc, const struct record_event *ev)
{
    struct draw_frame f;
    draw_decode(ev, &f);
    if (!f.has_tcp || f.tcp.sport != dc->lport || f.tcp.dport != dc->fport)
        return 0;
    uint32_t len = (uint32_t)f.payload_len + ((f.tcp.flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
    if (len == 0)
        return 0;
    uint8_t why = ev->cause.tcp_why;
    struct draw_segment s = { .t_ns = ev->t_ns, .seq = f.tcp.seq - dc->iss, .len = len,
                              .rexmit = why == TCP_WHY_RTO || why == TCP_WHY_FAST_RETRANSMIT ||
                                        why == TCP_WHY_RECOVERY };
    if (grow((void **)&dc->segs, &dc->cap_segs, dc->n_segs, sizeof *dc->segs) < 0)
        return -1;
    dc->segs[dc->n_segs++] = s;
    return 0;
}

static int
conn_sacks(struct draw_conn *dc, const struct record_event *ev)
{
    struct draw_frame f;
    draw_decode(ev, &f);
    if (!f.has_tcp || f.tcp.dport != dc->lport || f.tcp.sport != dc->fport)
        return 0;
    for (unsigned i = 0; i < f.tcp.opts.sack_count; i++) {
        if (grow((void **)&dc->sacks, &dc->cap_sacks, dc->n_sacks, sizeof *dc->sacks) < 0)
            return -1;
        dc->sacks[dc->n_sacks++] = (struct draw_sack){ ev->t_ns,
                                                       f.tcp.opts.sack[i].left - dc->iss,
                                                       f.tcp.opts.sack[i].right - dc->iss };
    }
    return 0;
}

int
draw_conns_build(const struct view_model *m, const struct draw_select *sel,
                 struct draw_conns *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    copy_str(out->title, sizeof out->title,
             m->scn->title != NULL ? m->scn->title : m->scn->name);
    out->c = calloc(m->n_conns ? m->n_conns : 1, sizeof *out->c);
    if (out->c == NULL) {
        snprintf(err, err_len, "netstep: out of memory");
        return -1;
    }
    struct record_event ev;
    for (size_t ci = 0; ci < m->n_conns; ci++) {
        const struct vm_conn *c = &m->conns[ci];
        if (!conn_selected(m, c, sel->conn))
            continue;
        struct draw_conn *dc = &out->c[out->n];
        memset(dc, 0, sizeof *dc);
        dc->host = c->host;
        dc->laddr = c->laddr;
        dc->faddr = c->faddr;
        dc->lport = c->lport;
        dc->fport = c->fport;
        uint32_t sent = 0;
        bool have_iss = false;
        struct vm_list_iter it;
        vm_list_iter_init(&it, &c->events);
        for (size_t at; vm_list_next(&it, &at);) {
            if (!record_get(&m->rec, at, &ev) || !ev.has_tcb)
                continue;
            if (!have_iss) {
                dc->iss = ev.tcb.iss;
                have_iss = true;
            }
            uint32_t s = ev.tcb.snd_nxt - ev.tcb.iss;
            if (s > sent && s < 0x80000000u)
                sent = s;
            if (ev.t_ns < sel->from_ns || ev.t_ns > sel->to_ns)
                continue;
            if (ev.t_ns > out->t_end_ns)
                out->t_end_ns = ev.t_ns;
            int rc = conn_sample(dc, at, &ev);
            if (rc == 0 && ev.kind == TRACE_TX && ev.layer == LAYER_TCP)
                rc = conn_segment(dc, &ev);
            if (rc == 0 && ev.kind == TRACE_RX && ev.layer == LAYER_TCP)
                rc = conn_sacks(dc, &ev);
            if (rc < 0) {
                out->n++;
                snprintf(err, err_len, "netstep: out of memory");
                draw_conns_free(out);
                return -1;
            }
        }
        /* Without a choice, a plot shows the senders: a connection that sent
         * more than its SYN and FIN. */
        if ((sel->conn == NULL && sent <= 2) || dc->n_samples == 0) {
            free(dc->samples);
            free(dc->segs);
            free(dc->sacks);
            continue;
        }
        char a[VM_ENDPOINT_STRLEN];
        snprintf(dc->name, sizeof dc->name, "%s %u > %s", m->scn->hosts[c->host].name,
                 (unsigned)c->lport, vm_conn_foreign(c, a));
        out->n++;
    }
    if (out->n == 0) {
        snprintf(err, err_len, "netstep: %s: no TCP connection%s to plot",
                 m->scn->name, sel->conn != NULL ? " matches --conn" : " sent data");
        draw_conns_free(out);
        return -1;
    }
    return 0;
}

void
draw_conns_free(struct draw_conns *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->c[i].samples);
        free(cs->c[i].segs);
        free(cs->c[i].sacks);
    }
    free(cs->c);
    memset(cs, 0, sizeof *cs);
}

int
draw_conns_csv(const struct draw_conns *cs, enum draw_plot_kind kind, FILE *out)
{
    switch (kind) {
    case DRAW_PLOT_CWND:
        fprintf(out, "conn,event,t_s,cwnd,ssthresh,flight\n");
        break;
    case DRAW_PLOT_RTT:
        fprintf(out, "conn,event,t_s,srtt_ms,rto_ms,rtt_ms,rtt_t_s\n");
        break;
    case DRAW_PLOT_TIMESEQ:
        fprintf(out, "conn,kind,t_s,seq,end,retransmit\n");
        break;
    }
    for (size_t i = 0; i < cs->n; i++) {
        const struct draw_conn *c = &cs->c[i];
        if (kind == DRAW_PLOT_TIMESEQ) {
            for (size_t k = 0; k < c->n_segs; k++) {
                const struct draw_segment *s = &c->segs[k];
                csv_str(out, c->name);
                fprintf(out, ",segment,");
                csv_time(out, s->t_ns);
                fprintf(out, ",%" PRIu32 ",%" PRIu32 ",%d\n", s->seq, s->seq + s->len, s->rexmit);
            }
            for (size_t k = 0; k < c->n_samples; k++) {
                const struct draw_sample *s = &c->samples[k];
                csv_str(out, c->name);
                fprintf(out, ",ack,");
                csv_time(out, s->t_ns);
                fprintf(out, ",%" PRIu32 ",%" PRIu32 ",0\n", s->snd_una, s->snd_una + s->snd_wnd);
            }
            for (size_t k = 0; k < c->n_sacks; k++) {
                const struct draw_sack *s = &c->sacks[k];
                csv_str(out, c->name);
                fprintf(out, ",sack,");
                csv_time(out, s->t_ns);
                fprintf(out, ",%" PRIu32 ",%" PRIu32 ",0\n", s->left, s->right);
            }
            continue;
        }
        uint32_t last_cwnd = 0, last_ss = 0, last_fl = 0;
        uint64_t last_srtt = 0, last_rto = 0;
        uint32_t last_nrtt = 0;
        for (size_t k = 0; k < c->n_samples; k++) {
            const struct draw_sample *s = &c->samples[k];
            if (kind == DRAW_PLOT_CWND) {
                if (k > 0 && s->cwnd == last_cwnd && s->ssthresh == last_ss && s->flight == last_fl)
                    continue;
                last_cwnd = s->cwnd;
                last_ss = s->ssthresh;
                last_fl = s->flight;
                csv_str(out, c->name);
                fprintf(out, ",%zu,", s->at);
                csv_time(out, s->t_ns);
                fprintf(out, ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 "\n", s->cwnd, s->ssthresh,
                        s->flight);
            } else {
                /* the first sample in the window counts only if it was
                 * measured at that event, not before the window began */
                bool fresh = k > 0 ? s->rtt_samples != last_nrtt
                                   : s->rtt_samples > 0 && s->rtt_at_ns >= s->t_ns;
                if (k > 0 && s->srtt_ns == last_srtt && s->rto_ns == last_rto && !fresh)
                    continue;
                last_srtt = s->srtt_ns;
                last_rto = s->rto_ns;
                last_nrtt = s->rtt_samples;
                csv_str(out, c->name);
                fprintf(out, ",%zu,", s->at);
                csv_time(out, s->t_ns);
                fprintf(out, ",%" PRIu64 ".%03" PRIu64 ",%" PRIu64 ".%03" PRIu64 ",",
                        s->srtt_ns / 1000000u, s->srtt_ns % 1000000u / 1000u,
                        s->rto_ns / 1000000u, s->rto_ns % 1000000u / 1000u);
                /* a new sample: R to the nanosecond, and when TCP measured it */
                if (fresh && s->rtt_samples > 0) {
                    fprintf(out, "%" PRIu64 ".%06" PRIu64 ",", s->rtt_ns / 1000000u,
                            s->rtt_ns % 1000000u);
                    csv_time(out, s->rtt_at_ns);
                } else {
                    fputc(',', out);
                }
                fputc('\n', out);
            }
        }
    }
    return ferror(out) ? -1 : 0;
}

/* ---- the topology ------------------------------------------------------------ */

/* A link's impairments as netem's words: "10 ms, 10 Mbit/s, loss 5%". */
static void
link_label(const struct scn_link *l, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
#define LL_PUT(...)                                                        \
    do {                                                                   \
        if (k < n) {                                                       \
            int w_ = snprintf(buf + k, n - k, "%s", k ? ", " : "");        \
            k += w_ > 0 ? (size_t)w_ : 0;                                  \
        }                                                                  \
        if (k < n) {                                                       \
            int w_ = snprintf(buf + k, n - k, __VA_ARGS__);                \
            k += w_ > 0 ? (size_t)w_ : 0;                                  \
        }                                                                  \
    } while (0)
    if (l->delay_ns % 1000000u == 0)
        LL_PUT("%" PRIu64 " ms", l->delay_ns / 1000000u);
    else
        LL_PUT("%" PRIu64 " us", l->delay_ns / 1000u);
    if (l->jitter_ns)
        LL_PUT("jitter %" PRIu64 " us", l->jitter_ns / 1000u);
    if (l->rate_bps) {
        if (l->rate_bps % 1000000u == 0)
            LL_PUT("%" PRIu64 " Mbit/s", l->rate_bps / 1000000u);
        else if (l->rate_bps % 1000u == 0)
            LL_PUT("%" PRIu64 " kbit/s", l->rate_bps / 1000u);
        else
            LL_PUT("%" PRIu64 " bit/s", l->rate_bps);
    }
    if (l->gemodel)
        LL_PUT("bursty loss (Gilbert-Elliott)");
    else if (l->loss_ppm)
        LL_PUT("loss %g%%", l->loss_ppm / 10000.0);
    if (l->duplicate_ppm)
        LL_PUT("duplicate %g%%", l->duplicate_ppm / 10000.0);
    if (l->reorder_ppm)
        LL_PUT("reorder %g%%", l->reorder_ppm / 10000.0);
    if (l->corrupt_ppm)
        LL_PUT("corrupt %g%%", l->corrupt_ppm / 10000.0);
    if (l->mtu)
        LL_PUT("mtu %u", l->mtu);
#undef LL_PUT
}

int
draw_topo_build(const struct scenario *scn, struct draw_topo *out)
{
    memset(out, 0, sizeof *out);
    copy_str(out->title, sizeof out->title, scn->title != NULL ? scn->title : scn->name);
    size_t n = scn->n_hosts + scn->n_switches;
    out->places = calloc(n ? n : 1, sizeof *out->places);
    out->wires = calloc(scn->n_links ? scn->n_links : 1, sizeof *out->wires);
    size_t *deg = calloc(n ? n : 1, sizeof *deg);
    int *depth = calloc(n ? n : 1, sizeof *depth);
    int *comp = calloc(n ? n : 1, sizeof *comp);
    size_t *queue = calloc(n ? n : 1, sizeof *queue);
    if (out->places == NULL || out->wires == NULL || deg == NULL || depth == NULL ||
        comp == NULL || queue == NULL) {
        free(deg);
        free(depth);
        free(comp);
        free(queue);
        draw_topo_free(out);
        return -1;
    }
    /* nodes in declaration order: hosts and routers, then switches and hubs */
    for (size_t i = 0; i < n; i++) {
        struct draw_place *p = &out->places[i];
        if (i < scn->n_hosts) {
            const struct scn_host *h = &scn->hosts[i];
            copy_str(p->node.name, sizeof p->node.name, h->name);
            p->node.router = h->router;
            p->node.host = (int)i;
            p->node.sw = -1;
            for (unsigned k = 0; k < h->n_ifaces && k < 4; k++) {
                char a[16];
                snprintf(p->addrs[k], sizeof p->addrs[k], "eth%u %s/%u", k,
                         ipv4_addr_str(h->if_addr[k], a), h->if_prefix[k]);
                if (h->if_has_addr6[k]) {
                    char a6[IPV6_ADDR_STRLEN];
                    snprintf(p->addrs6[k], sizeof p->addrs6[k], "%s/%u",
                             ip6_addr_str(&h->if_addr6[k], a6), h->if_prefix6[k]);
                }
                p->n_addrs++;
            }
        } else {
            const struct scn_switch *sw = &scn->switches[i - scn->n_hosts];
            copy_str(p->node.name, sizeof p->node.name, sw->name);
            p->node.is_switch = true;
            p->node.hub = sw->hub;
            p->node.host = -1;
            p->node.sw = (int)(i - scn->n_hosts);
        }
        depth[i] = -1;
    }
    for (size_t li = 0; li < scn->n_links; li++) {
        const struct scn_link *l = &scn->links[li];
        struct draw_wire *w = &out->wires[out->n_wires++];
        w->a = l->a >= 0 ? l->a : (int)scn->n_hosts + l->a_sw;
        w->b = l->b >= 0 ? l->b : (int)scn->n_hosts + l->b_sw;
        w->a_if = l->a >= 0 ? l->a_if : -1;
        w->b_if = l->b >= 0 ? l->b_if : -1;
        snprintf(w->name, sizeof w->name, "%s-%s", out->places[w->a].node.name,
                 out->places[w->b].node.name);
        link_label(l, w->label, sizeof w->label);
        deg[w->a]++;
        deg[w->b]++;
    }
    out->n_places = n;
    /* each connected part on its own band, one below the other */
    const double gap_x = 330, ring = 300, band_pad = 90;
    double band_top = 70, width = 660;
    int ncomp = 0;
    for (size_t start = 0; start < n; start++) {
        if (depth[start] >= 0)
            continue;
        /* the part's nodes, from start */
        size_t head = 0, tail = 0;
        queue[tail++] = start;
        depth[start] = 0;
        comp[start] = ncomp;
        while (head < tail) {
            size_t v = queue[head++];
            for (size_t li = 0; li < out->n_wires; li++) {
                const struct draw_wire *w = &out->wires[li];
                size_t o = (size_t)w->a == v ? (size_t)w->b : (size_t)w->b == v ? (size_t)w->a : n;
                if (o < n && depth[o] < 0) {
                    depth[o] = 0;
                    comp[o] = ncomp;
                    queue[tail++] = o;
                }
            }
        }
        size_t members = tail;
        /* the hub of a star, or the first end of a chain, is the root */
        size_t root = queue[0], best = 0;
        for (size_t k = 0; k < members; k++)
            if (deg[queue[k]] > best) {
                best = deg[queue[k]];
                root = queue[k];
            }
        bool star = best >= 3;
        if (!star) {
            for (size_t k = 0; k < members; k++)
                if (deg[queue[k]] <= 1) {
                    root = queue[k];
                    break;
                }
        }
        for (size_t k = 0; k < members; k++)
            depth[queue[k]] = -2;  /* in this part, depth not known yet */
        head = tail = 0;
        queue[tail++] = root;
        depth[root] = 0;
        int max_depth = 0;
        while (head < tail) {
            size_t v = queue[head++];
            for (size_t li = 0; li < out->n_wires; li++) {
                const struct draw_wire *w = &out->wires[li];
                size_t o = (size_t)w->a == v ? (size_t)w->b : (size_t)w->b == v ? (size_t)w->a : n;
                if (o < n && depth[o] == -2) {
                    depth[o] = depth[v] + 1;
                    comp[o] = (int)v;  /* from here on: the node's parent */
                    if (depth[o] > max_depth)
                        max_depth = depth[o];
                    queue[tail++] = o;
                }
            }
        }
        /* place by depth: a chain left to right (several at one depth one
         * under the other), a star around its root */
        double band_h = 0;
        for (int d = 0; d <= max_depth; d++) {
            size_t at_d = 0, idx = 0;
            for (size_t k = 0; k < tail; k++)
                at_d += depth[queue[k]] == d;
            for (size_t k = 0; k < tail; k++) {
                struct draw_place *p = &out->places[queue[k]];
                if (depth[queue[k]] != d)
                    continue;
                if (star && d <= 1) {
                    double ang = at_d ? 2 * M_PI * (double)idx / (double)at_d - M_PI / 2 : 0;
                    if (d > 0 && at_d == 2)
                        ang = idx == 0 ? M_PI : 0;  /* two: left and right */
                    p->x = ring * d * cos(ang);
                    p->y = ring * d * sin(ang);
                } else if (star) {
                    /* further out: away from the root, beyond the parent,
                     * siblings fanned out */
                    const struct draw_place *par = &out->places[comp[queue[k]]];
                    size_t sibs = 0, j = 0;
                    for (size_t q = 0; q < tail; q++)
                        if (depth[queue[q]] == d && comp[queue[q]] == comp[queue[k]]) {
                            if (q < k)
                                j++;
                            sibs++;
                        }
                    double base = atan2(par->y, par->x);
                    double ang = base + ((double)j - (double)(sibs - 1) / 2) * 0.55;
                    p->x = par->x + ring * cos(ang);
                    p->y = par->y + ring * sin(ang);
                } else {
                    p->x = gap_x * d;
                    p->y = 150.0 * (double)idx - 75.0 * (double)(at_d - 1);
                }
                idx++;
            }
        }
        /* move the part into its band */
        double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
        for (size_t k = 0; k < tail; k++) {
            const struct draw_place *p = &out->places[queue[k]];
            minx = p->x < minx ? p->x : minx;
            maxx = p->x > maxx ? p->x : maxx;
            miny = p->y < miny ? p->y : miny;
            maxy = p->y > maxy ? p->y : maxy;
        }
        for (size_t k = 0; k < tail; k++) {
            struct draw_place *p = &out->places[queue[k]];
            p->x += 130 - minx;
            p->y += band_top + 40 - miny;
        }
        band_h = maxy - miny + 80;
        if (maxx - minx + 260 > width)
            width = maxx - minx + 260;
        band_top += band_h + band_pad;
        ncomp++;
    }
    out->width = width;
    out->height = band_top;
    free(deg);
    free(depth);
    free(comp);
    free(queue);
    return 0;
}

void
draw_topo_free(struct draw_topo *t)
{
    free(t->places);
    free(t->wires);
    memset(t, 0, sizeof *t);
}

int
draw_topo_csv(const struct draw_topo *t, FILE *out)
{
    fprintf(out, "kind,name,what,x,y,detail\n");
    for (size_t i = 0; i < t->n_places; i++) {
        const struct draw_place *p = &t->places[i];
        fprintf(out, "node,%s,%s,%.0f,%.0f,", p->node.name,
                p->node.hub ? "hub" : p->node.is_switch ? "switch" : p->node.router ? "router" : "host",
                p->x, p->y);
        char addrs[400] = "";
        for (unsigned k = 0; k < p->n_addrs; k++) {
            size_t len = strlen(addrs);
            snprintf(addrs + len, sizeof addrs - len, "%s%s%s%s", k ? "; " : "", p->addrs[k],
                     p->addrs6[k][0] ? " " : "", p->addrs6[k]);
        }
        csv_str(out, addrs);
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->n_wires; i++) {
        const struct draw_wire *w = &t->wires[i];
        fprintf(out, "link,%s,%s-%s,,,", w->name, t->places[w->a].node.name,
                t->places[w->b].node.name);
        csv_str(out, w->label);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
