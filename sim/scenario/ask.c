/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/ask.c - `ask`: a question for the class, answered by the
 * stack itself (predict, then reveal).
 *
 *   ask "QUESTION" [choices "A" "B" ...] answer ANSWER
 *
 *   ANSWER  N                               a fixed answer: the choice's number
 *                                           with choices, else a number
 *         | next FRAME field F              a header field of the next frame
 *         | next FRAME host                 the host that sends it
 *         | next FRAME accepted             yes if its receiver takes it, no if
 *                                           anything drops it (or TCP's
 *                                           sequence check refuses it)
 *         | HOST VAR F after next FRAME     TCB field F of HOST's socket VAR once
 *                                           HOST has handled that frame (after
 *                                           close(), of the connection VAR left)
 *   FRAME   [arp request|arp reply] FILTER  FILTER as `expect packets` writes it
 *
 * "The next frame" is the first frame on a wire, after the question is
 * asked, that matches: the same frames `expect packets` counts and a capture
 * holds. A question must be answered before the next one is asked and
 * before the script ends; an answer that never comes, or cannot be read
 * when its frame has come, is an error (`run` and `quiz` exit 1, `netstep
 * check` reports it): nothing stands in for it. Watching costs the stack
 * nothing: the watcher is a trace sink, reads the TCB through
 * stack/inspect.h, and reports from a call of its own between events, so
 * the trace of a lesson gains the question and answer notes and nothing
 * else changes.
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/pkt.h"
#include "stack/wire/addr.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"
#include "stack/wire/udp.h"

/* ------------------------------------------------------------------------ */
/* Header fields an answer can name, and which frames carry them. */

#define P_ARP  (1u << SCN_PROTO_ARP)
#define P_IP   (1u << SCN_PROTO_IPV4)
#define P_ICMP (1u << SCN_PROTO_ICMP)
#define P_UDP  (1u << SCN_PROTO_UDP)
#define P_TCP  (1u << SCN_PROTO_TCP)
#define P_ICMP6 (1u << SCN_PROTO_ICMP6)
#define P_ANY_IP (P_IP | P_ICMP | P_UDP | P_TCP)

static const struct {
    const char *name;
    unsigned protos;  /* filters whose frames carry it */
    const char *what; /* for messages */
} ask_fields[] = {
    { "src", P_ANY_IP | P_ARP | P_ICMP6, "source address (ARP: sender's)" },
    { "dst", P_ANY_IP | P_ARP | P_ICMP6, "destination address (ARP: target's)" },
    { "ttl", P_ANY_IP, "IPv4 time to live" },
    { "id", P_ANY_IP, "IPv4 identification" },
    { "sport", P_TCP | P_UDP, "source port" },
    { "dport", P_TCP | P_UDP, "destination port" },
    { "seq", P_TCP, "sequence number" },
    { "ack", P_TCP, "acknowledgment number" },
    { "win", P_TCP, "window, as on the wire" },
    { "flags", P_TCP, "TCP flags, as a filter writes them (SA)" },
    { "len", P_TCP | P_UDP, "payload bytes" },
    { "type", P_ICMP | P_ICMP6, "ICMP type" },
    { "code", P_ICMP | P_ICMP6, "ICMP code" },
    { "hlim", P_ICMP6, "IPv6 hop limit" },
    { "target", P_ICMP6, "neighbour discovery target address" },
    { "lladdr", P_ICMP6, "link-layer address a neighbour discovery option carries" },
    { "op", P_ARP, "ARP operation (request or reply)" },
    { "mac", P_ARP, "sender's MAC address" },
};
#define N_ASK_FIELDS (sizeof(ask_fields) / sizeof(ask_fields[0]))

static int
ask_field_find(const char *name)
{
    for (size_t i = 0; i < N_ASK_FIELDS; i++)
        if (strcmp(ask_fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Parsing */

/* parse_filter() up to the word that says what of the frame answers
 * (field, host, accepted), which a filter would take for a misspelt part. */
static int
parse_ask_filter(struct parser *p, struct cur *c, struct scn_filter *f)
{
    struct line sub = *c->ln;
    for (size_t k = c->i; k < sub.n_toks; k++) {
        if (word_is(&sub.toks[k], "field") || word_is(&sub.toks[k], "host") ||
            word_is(&sub.toks[k], "accepted")) {
            sub.n_toks = k;
            break;
        }
    }
    struct cur cc = { .ln = &sub, .i = c->i };
    if (parse_filter(p, &cc, f) < 0)
        return -1;
    c->i = cc.i;
    return 0;
}

/* `ask` takes `answer`'s FRAME: [arp request|reply] FILTER. */
static int
parse_ask_frame(struct parser *p, struct cur *c, const struct tok *next_kw, struct scn_ask_args *a)
{
    const struct tok *t = cur_peek(c);
    const struct tok *t2 = cur_peek2(c);

    a->arp_op = 0;
    if (t != NULL && word_is(t, "arp") && t2 != NULL &&
        (word_is(t2, "request") || word_is(t2, "reply"))) {
        a->arp_op = word_is(t2, "request") ? ARP_OP_REQUEST : ARP_OP_REPLY;
        cur_next(c);
        cur_next(c);
        if (parse_ask_filter(p, c, &a->filter) < 0)
            return -1;
        if (a->filter.proto != SCN_PROTO_ANY)
            return perr(p, t->col, "'arp %s' names the protocol already", t2->text);
        a->filter.proto = SCN_PROTO_ARP;
        return 0;
    }
    if (parse_ask_filter(p, c, &a->filter) < 0)
        return -1;
    if (a->filter.proto == SCN_PROTO_ANY && !a->filter.has_from && !a->filter.has_to)
        return perr(p, next_kw->col, "next needs a filter saying which frame answers, like "
                    "'next tcp from bob' or 'next arp reply'");
    return 0;
}

/* What follows `answer`. */
static int
parse_ask_answer(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    struct scn_ask_args *a = &st->ask;
    const struct tok *t = cur_next(c);

    if (t == NULL)
        return perr(p, kw->col, "answer needs a number, 'next FILTER ...' or 'HOST VAR FIELD "
                    "after next FILTER'");
    if (t->kind == TOK_WORD && is_digit(t->text[0])) {
        a->kind = SCN_ASK_FIXED;
        uint64_t hi = a->n_choices > 0 ? a->n_choices : UINT64_MAX;
        if (get_uint(p, t, a->n_choices > 0 ? "the choice" : "the answer", a->n_choices > 0 ? 1 : 0,
                     hi, "", &a->number) < 0)
            return -1;
        return expect_end(p, c);
    }
    if (word_is(t, "next")) {
        if (parse_ask_frame(p, c, t, a) < 0)
            return -1;
        const struct tok *w = cur_next(c);
        if (w == NULL)
            return perr(p, t->col, "say what of the next frame answers: 'field F', 'host' or "
                        "'accepted'");
        if (word_is(w, "host")) {
            a->kind = SCN_ASK_HOST;
        } else if (word_is(w, "accepted")) {
            if (a->filter.proto == SCN_PROTO_ANY || a->filter.proto == SCN_PROTO_IPV4)
                return perr(p, w->col, "accepted needs the protocol that takes the frame: "
                            "arp, icmp, udp or tcp");
            a->kind = SCN_ASK_ACCEPTED;
        } else if (word_is(w, "field")) {
            const struct tok *f = cur_next(c);
            if (f == NULL)
                return perr(p, w->col, "field needs a header field's name, like 'field ack'");
            int k = f->kind == TOK_WORD ? ask_field_find(f->text) : -1;
            if (k < 0) {
                struct suggest sg;
                suggest_init(&sg, f->text);
                for (size_t i = 0; i < N_ASK_FIELDS; i++)
                    suggest_try(&sg, ask_fields[i].name);
                if (sg.best != NULL)
                    return perr(p, f->col, "unknown header field %s (did you mean '%s'?)",
                                show(f).s, sg.best);
                return perr(p, f->col, "unknown header field %s (fields: src dst ttl id sport "
                            "dport seq ack win flags len type code op mac hlim target "
                            "lladdr)", show(f).s);
            }
            if ((ask_fields[k].protos & (1u << a->filter.proto)) == 0)
                return perr(p, f->col, "%s (%s) is not in every frame this filter matches: "
                            "name the protocol, like 'next %s ...'", f->text, ask_fields[k].what,
                            (ask_fields[k].protos & P_TCP) ? "tcp"
                            : (ask_fields[k].protos & P_ICMP) ? "icmp"
                            : (ask_fields[k].protos & P_ICMP6) ? "icmp6"
                            : (ask_fields[k].protos & P_IP) ? "ip" : "arp");
            memcpy(a->field, f->text, f->len + 1);
            a->kind = SCN_ASK_FIELD;
        } else {
            return perr(p, w->col, "expected 'field F', 'host' or 'accepted' after the filter, "
                        "found %s", show(w).s);
        }
        return expect_end(p, c);
    }
    /* HOST VAR FIELD after next FRAME */
    const struct tok *tv = cur_next(c);
    const struct tok *tf = cur_next(c);
    const struct tok *ta = cur_next(c);
    const struct tok *tn = cur_next(c);
    if (tv == NULL || tf == NULL || ta == NULL || tn == NULL || !word_is(ta, "after") ||
        !word_is(tn, "next"))
        return perr(p, t->col, "answer needs a number, 'next FILTER field F|host|accepted' or "
                    "'HOST VAR FIELD after next FILTER'");
    if (get_host(p, t, &a->tcb_host) < 0 || get_sock(p, tv, a->tcb_host, &a->tcb_sock) < 0)
        return -1;
    bool known = false;
    for (size_t i = 0; !known && inspect_tcb_field_name(i) != NULL; i++)
        known = word_is(tf, inspect_tcb_field_name(i));
    if (!known || tf->len > SCN_FIELD_MAX) {
        struct suggest sg;
        suggest_init(&sg, tf->text);
        for (size_t i = 0; inspect_tcb_field_name(i) != NULL; i++)
            suggest_try(&sg, inspect_tcb_field_name(i));
        if (sg.best != NULL)
            return perr(p, tf->col, "unknown TCB field %s (did you mean '%s'?)", show(tf).s,
                        sg.best);
        return perr(p, tf->col, "unknown TCB field %s (try snd_una, snd_nxt, rcv_nxt, cwnd, "
                    "ssthresh)", show(tf).s);
    }
    memcpy(a->field, tf->text, tf->len + 1);
    if (p->scn->socks[a->tcb_sock].type != SCN_SOCK_TCP)
        return perr(p, tv->col, "%s is not a TCP socket: only TCP has a TCB", tv->text);
    if (parse_ask_frame(p, c, tn, a) < 0)
        return -1;
    if (a->filter.proto != SCN_PROTO_TCP)
        return perr(p, tn->col, "the frame a TCB changes after is a TCP segment: write "
                    "'after next tcp ...'");
    a->kind = SCN_ASK_TCB;
    st->host = a->tcb_host;
    st->sock = a->tcb_sock;
    return expect_end(p, c);
}

int
parse_ask(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    struct scn_ask_args *a = &st->ask;
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_ASK);
    if (t == NULL)
        return perr(p, kw->col, "ask needs a quoted question, like 'ask \"What ACK number will "
                    "bob send?\" answer next tcp from bob field ack'");
    if (get_text(p, t, "ask", &a->question) < 0)
        return -1;
    const struct tok *w = cur_next(c);
    if (w != NULL && word_is(w, "choices")) {
        const struct tok *ch;
        while ((ch = cur_peek(c)) != NULL && ch->kind == TOK_STRING) {
            char **nc = realloc(a->choices, (a->n_choices + 1) * sizeof(*nc));
            if (nc == NULL)
                return perr_oom(p);
            a->choices = nc;
            if (get_text(p, ch, "choices", &a->choices[a->n_choices]) < 0)
                return -1;
            a->n_choices++;
            cur_next(c);
        }
        if (a->n_choices < 2)
            return perr(p, w->col, "choices needs at least two quoted texts");
        w = cur_next(c);
    }
    if (w == NULL || !word_is(w, "answer"))
        return perr(p, w != NULL ? w->col : t->col + (unsigned)t->raw_len + 1,
                    "ask needs 'answer' after the question%s, like 'answer next tcp from bob "
                    "field ack' or 'answer 2'", a->n_choices > 0 ? " and its choices" : "");
    return parse_ask_answer(p, c, w, st);
}

void
init_ask(struct scn_step *st)
{
    st->ask.tcb_host = -1;
    st->ask.tcb_sock = -1;
    st->ask.filter.from.host = -1;
    st->ask.filter.to.host = -1;
}

/* ------------------------------------------------------------------------ */
/* Printing, comparing, copying */

/* `next FRAME` as written. */
static void
print_ask_frame(FILE *out, const struct scenario *scn, const struct scn_ask_args *a)
{
    fputs(" next", out);
    if (a->arp_op != 0) {
        fputs(a->arp_op == ARP_OP_REQUEST ? " arp request" : " arp reply", out);
        struct scn_filter f = a->filter;
        f.proto = SCN_PROTO_ANY;
        print_filter(out, scn, &f);
    } else {
        print_filter(out, scn, &a->filter);
    }
}

void
print_ask(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_ask_args *a = &st->ask;

    fputs("ask ", out);
    print_cstr(out, a->question);
    if (a->n_choices > 0) {
        fputs(" choices", out);
        for (size_t i = 0; i < a->n_choices; i++) {
            fputc(' ', out);
            print_cstr(out, a->choices[i]);
        }
    }
    fputs(" answer", out);
    switch (a->kind) {
    case SCN_ASK_FIXED:
        fprintf(out, " %" PRIu64, a->number);
        break;
    case SCN_ASK_FIELD:
        print_ask_frame(out, scn, a);
        fprintf(out, " field %s", a->field);
        break;
    case SCN_ASK_HOST:
        print_ask_frame(out, scn, a);
        fputs(" host", out);
        break;
    case SCN_ASK_ACCEPTED:
        print_ask_frame(out, scn, a);
        fputs(" accepted", out);
        break;
    case SCN_ASK_TCB:
        fprintf(out, " %s %s %s after", scn->hosts[a->tcb_host].name,
                scn->socks[a->tcb_sock].name, a->field);
        print_ask_frame(out, scn, a);
        break;
    default:
        break;
    }
}

bool
eq_ask(const struct scn_step *x, const struct scn_step *y)
{
    const struct scn_ask_args *a = &x->ask, *b = &y->ask;

    if (!str_eq(a->question, b->question) || a->n_choices != b->n_choices || a->kind != b->kind)
        return false;
    for (size_t i = 0; i < a->n_choices; i++)
        if (!str_eq(a->choices[i], b->choices[i]))
            return false;
    if (a->kind == SCN_ASK_FIXED)
        return a->number == b->number;
    return filter_eq(&a->filter, &b->filter) && a->arp_op == b->arp_op &&
           strcmp(a->field, b->field) == 0 && a->tcb_host == b->tcb_host &&
           a->tcb_sock == b->tcb_sock;
}

int
copy_ask(struct scn_step *dst, const struct scn_step *src)
{
    struct scn_ask_args *d = &dst->ask;
    const struct scn_ask_args *s = &src->ask;

    d->question = NULL;
    d->choices = NULL;
    d->n_choices = 0;
    if (s->question != NULL && (d->question = strdup(s->question)) == NULL)
        return -1;
    if (s->n_choices == 0)
        return 0;
    d->choices = calloc(s->n_choices, sizeof(*d->choices));
    if (d->choices == NULL)
        return -1;
    for (size_t i = 0; i < s->n_choices; i++) {
        if ((d->choices[i] = strdup(s->choices[i])) == NULL)
            return -1;
        d->n_choices++;
    }
    return 0;
}

void
clear_ask(struct scn_step *st)
{
    struct scn_ask_args *a = &st->ask;

    free(a->question);
    for (size_t i = 0; i < a->n_choices; i++)
        free(a->choices[i]);
    free(a->choices);
    a->question = NULL;
    a->choices = NULL;
    a->n_choices = 0;
}

/* ------------------------------------------------------------------------ */
/* Reading an answer out of a frame */

static void
tcp_flags_letters(uint8_t flags, char *out, size_t n)
{
    static const char letters[] = "FSRPAUEW";
    size_t k = 0;
    for (int i = 0; i < 8 && k + 1 < n; i++)
        if (flags & (1u << i))
            out[k++] = letters[i];
    out[k] = '\0';
}

/* Field `field` of an IPv6 packet b[0..len) carrying ICMPv6, as text. */
static bool
ask_frame_field6(const uint8_t *b, size_t len, const char *field, char *out, size_t n)
{
    struct ipv6_hdr ip6;
    char a[IPV6_ADDR_STRLEN];
    if (ipv6_parse(b, len, &ip6) != DROP_NONE || ip6.next_header != IPV6_NH_ICMPV6 ||
        ip6.payload_len < 4)
        return false;
    const uint8_t *m = b + IPV6_HDR_LEN;
    bool nd = (m[0] == ND_NEIGHBOR_SOLICIT || m[0] == ND_NEIGHBOR_ADVERT) &&
              ip6.payload_len >= ND_NS_LEN;
    if (strcmp(field, "src") == 0)
        snprintf(out, n, "%s", ip6_addr_str(&ip6.src, a));
    else if (strcmp(field, "dst") == 0)
        snprintf(out, n, "%s", ip6_addr_str(&ip6.dst, a));
    else if (strcmp(field, "hlim") == 0)
        snprintf(out, n, "%u", (unsigned)ip6.hop_limit);
    else if (strcmp(field, "type") == 0)
        snprintf(out, n, "%u", (unsigned)m[0]);
    else if (strcmp(field, "code") == 0)
        snprintf(out, n, "%u", (unsigned)m[1]);
    else if (strcmp(field, "target") == 0 && nd) {
        struct ip6_addr t;
        memcpy(t.b, m + 8, 16);
        snprintf(out, n, "%s", ip6_addr_str(&t, a));
    } else if (strcmp(field, "lladdr") == 0 && nd) {
        /* the first link-layer address option [RFC 4861 4.6.1] */
        size_t off = ND_NS_LEN;
        while (off + 8 <= ip6.payload_len && m[off + 1] != 0) {
            if ((m[off] == ND_OPT_SLLA || m[off] == ND_OPT_TLLA) && m[off + 1] == 1) {
                char mac[MAC_ADDR_STRLEN];
                snprintf(out, n, "%s", mac_addr_str(m + off + 2, mac));
                return true;
            }
            off += 8u * m[off + 1];
        }
        return false;
    } else
        return false;
    return true;
}

/* Field `field` of the frame b[0..len) (Ethernet first), as text. false when
 * the frame does not carry it (the filter let through a frame it should not
 * have: a fragment, say). */
bool
ask_frame_field(const uint8_t *b, size_t len, const char *field, char *out, size_t n)
{
    struct eth_hdr eth;
    char ip[IPV4_ADDR_STRLEN];

    if (eth_parse(b, len, &eth) != DROP_NONE)
        return false;
    b += ETH_HDR_LEN;
    len -= ETH_HDR_LEN;
    if (eth.type == ETHERTYPE_ARP) {
        struct arp_hdr arp;
        if (arp_parse(b, len, &arp) != DROP_NONE)
            return false;
        if (strcmp(field, "src") == 0)
            snprintf(out, n, "%s", ipv4_addr_str(arp.spa, ip));
        else if (strcmp(field, "dst") == 0)
            snprintf(out, n, "%s", ipv4_addr_str(arp.tpa, ip));
        else if (strcmp(field, "op") == 0)
            snprintf(out, n, "%s", arp.op == ARP_OP_REQUEST ? "request" : "reply");
        else if (strcmp(field, "mac") == 0) {
            char m[MAC_ADDR_STRLEN];
            snprintf(out, n, "%s", mac_addr_str(arp.sha, m));
        } else
            return false;
        return true;
    }
    if (eth.type == ETHERTYPE_IPV6)
        return ask_frame_field6(b, len, field, out, n);
    if (eth.type != ETHERTYPE_IPV4)
        return false;
    struct ipv4_hdr ih;
    if (ipv4_parse(b, len, &ih) != DROP_NONE)
        return false;
    if (strcmp(field, "src") == 0) {
        snprintf(out, n, "%s", ipv4_addr_str(ih.src, ip));
        return true;
    }
    if (strcmp(field, "dst") == 0) {
        snprintf(out, n, "%s", ipv4_addr_str(ih.dst, ip));
        return true;
    }
    if (strcmp(field, "ttl") == 0) {
        snprintf(out, n, "%u", (unsigned)ih.ttl);
        return true;
    }
    if (strcmp(field, "id") == 0) {
        snprintf(out, n, "%u", (unsigned)ih.id);
        return true;
    }
    if (ih.frag_off != 0 || ih.mf)
        return false;
    const uint8_t *pl = b + ih.ihl;
    size_t pn = ih.total_len - ih.ihl;
    if (ih.proto == IPPROTO_TCP_) {
        struct tcp_hdr t;
        if (tcp_parse(pl, pn, ih.src, ih.dst, &t) != DROP_NONE)
            return false;
        if (strcmp(field, "sport") == 0)
            snprintf(out, n, "%u", (unsigned)t.sport);
        else if (strcmp(field, "dport") == 0)
            snprintf(out, n, "%u", (unsigned)t.dport);
        else if (strcmp(field, "seq") == 0)
            snprintf(out, n, "%" PRIu32, t.seq);
        else if (strcmp(field, "ack") == 0)
            snprintf(out, n, "%" PRIu32, t.ack);
        else if (strcmp(field, "win") == 0)
            snprintf(out, n, "%u", (unsigned)t.wnd);
        else if (strcmp(field, "flags") == 0)
            tcp_flags_letters(t.flags, out, n);
        else if (strcmp(field, "len") == 0)
            snprintf(out, n, "%zu", pn - t.data_off);
        else
            return false;
        return true;
    }
    if (ih.proto == IPPROTO_UDP_) {
        struct udp_hdr u;
        if (udp_parse(pl, pn, ih.src, ih.dst, &u) != DROP_NONE)
            return false;
        if (strcmp(field, "sport") == 0)
            snprintf(out, n, "%u", (unsigned)u.sport);
        else if (strcmp(field, "dport") == 0)
            snprintf(out, n, "%u", (unsigned)u.dport);
        else if (strcmp(field, "len") == 0)
            snprintf(out, n, "%u", (unsigned)(u.len - UDP_HDR_LEN));
        else
            return false;
        return true;
    }
    if (ih.proto == IPPROTO_ICMP_) {
        struct icmp_hdr ic;
        if (icmp_parse(pl, pn, &ic) != DROP_NONE)
            return false;
        if (strcmp(field, "type") == 0)
            snprintf(out, n, "%u", (unsigned)ic.type);
        else if (strcmp(field, "code") == 0)
            snprintf(out, n, "%u", (unsigned)ic.code);
        else
            return false;
        return true;
    }
    return false;
}

/* Does the frame b[0..len) answer a? (the filter, and `arp request|reply`) */
static bool
ask_frame_matches(const struct scenario *scn, const struct scn_ask_args *a, const uint8_t *b,
                  size_t len)
{
    if (!scn_filter_match(scn, &a->filter, b, len))
        return false;
    if (a->arp_op == 0)
        return true;
    struct arp_hdr arp;
    return len > ETH_HDR_LEN && arp_parse(b + ETH_HDR_LEN, len - ETH_HDR_LEN, &arp) == DROP_NONE &&
           arp.op == a->arp_op;
}

/* The layer whose RX says the receiver took a frame of this filter. */
static enum trace_layer
ask_taking_layer(enum scn_proto proto)
{
    switch (proto) {
    case SCN_PROTO_ARP: return LAYER_ARP;
    case SCN_PROTO_ICMP: return LAYER_ICMP;
    case SCN_PROTO_ICMP6: return LAYER_ICMPV6;
    case SCN_PROTO_UDP: return LAYER_UDP;
    default: return LAYER_TCP;
    }
}

/* Did the receiving TCP's sequence check refuse this segment while taking
 * its ACK field [RFC 9293 3.10.7.4]? "If the RCV.WND is zero, no segments
 * will be acceptable, but special allowance should be made to accept valid
 * ACKs": a zero-window probe loses its byte (its text, SYN and FIN) yet is
 * not dropped, so no DROP event says so. The receiver's TCP says it in the
 * RFC's own words, in its RX event for the segment, before the ACK is
 * processed: "...: not acceptable (RCV.NXT n, RCV.WND w)...". */
static bool
ask_tcp_refused(const struct scn_ask_args *a, const struct trace_event *ev)
{
    char buf[TRACE_TEXT_LEN];
    return a->filter.proto == SCN_PROTO_TCP && ev->kind == TRACE_RX && ev->layer == LAYER_TCP &&
           strstr(trace_event_text(ev, buf), ": not acceptable (") != NULL;
}

/* ------------------------------------------------------------------------ */
/* Running */

static void
ask_event_text(struct scn_ask_answer *ans, uint64_t event_no, const struct trace_event *ev)
{
    ans->event = event_no;
    ans->t_ns = ev->t_ns;
    char buf[TRACE_TEXT_LEN];
    snprintf(ans->event_text, sizeof(ans->event_text), "%s %s: %s",
             ev->where != NULL ? ev->where : "", trace_layer_name(ev->layer),
             trace_event_text(ev, buf));
}

/* Which choice the answer's text is, 0 if none. */
static unsigned
ask_choice_of(const struct scn_ask_args *a, const char *text)
{
    for (size_t i = 0; i < a->n_choices; i++)
        if (strcasecmp(a->choices[i], text) == 0)
            return (unsigned)i + 1;
    return 0;
}

/* Say w's answer (the trace note, the printed line, the caller's callback);
 * not answered, w->ans.why says why. Runs between events only: the note is
 * an event itself. */
static void
ask_report(struct scn_runner *r, struct scn_ask_wait *w)
{
    const struct scn_step *st = w->st;
    char t[32];

    w->ans.choice = ask_choice_of(&st->ask, w->ans.text);
    if (w->ans.answered) {
        r->asks_answered++;
        fmt_time(w->ans.t_ns, t, sizeof(t));
        if (w->ans.from_stack)
            run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)w->step_no),
                     "answer to step %zu: %s (event %" PRIu64 ": %s)", w->step_no, w->ans.text,
                     w->ans.event, w->ans.event_text);
        else
            run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)w->step_no),
                     "answer to step %zu: %s", w->step_no, w->ans.text);
        if (!w->ans.from_stack && r->opts.trace_shown)
            run_say(r, false, "%12s => answer: %s (the lesson's own answer)\n", "", w->ans.text);
        else if (!w->ans.from_stack)
            run_say(r, false, "[%10s] answer: %s  (the lesson's own answer)\n", t, w->ans.text);
        else if (!r->opts.trace_shown)
            run_say(r, false, "[%10s] answer: %s  (event %" PRIu64 ": %s)\n", t, w->ans.text,
                    w->ans.event, w->ans.event_text);
        else
            run_say(r, false, "%12s => answer: %s (event %" PRIu64 ")\n", "", w->ans.text,
                    w->ans.event);
    } else {
        r->asks_unanswered++;
        r->expects_failed++;
        run_say(r, true, "%s:%u: the question is never answered: %s\n    (%s)\n",
                r->scn->files[st->file], st->line, st->ask.question, w->ans.why);
    }
    if (r->opts.on_answer != NULL)
        r->opts.on_answer(r->opts.ask_ctx, st, w->step_no, &w->ans);
}

/* Read the outcome of the frame w waits on: its receiver has handled it
 * (this runs after the event that delivered it). */
static void
ask_decide(struct scn_runner *r, struct scn_ask_wait *w)
{
    const struct scn_ask_args *a = &w->st->ask;

    if (w->phase != 1 || w->ans.event == 0)
        return;
    w->phase = 2;
    if (a->kind == SCN_ASK_ACCEPTED) {
        snprintf(w->ans.text, sizeof(w->ans.text), "yes");
        w->ans.answered = true;
        return;
    }
    /* The socket's TCB, or after close() the connection it left behind, as
     * `expect ... state` and `expect ... tcb` find it. None left (the frame
     * ended the connection): no answer to give, and nothing stands in for
     * one. */
    uint64_t v = 0;
    if (run_tcb_field(r, r->hosts[a->tcb_host], a->tcb_sock, a->field, &v)) {
        snprintf(w->ans.text, sizeof(w->ans.text), "%" PRIu64, v);
        w->ans.answered = true;
        return;
    }
    const char *host = r->scn->hosts[a->tcb_host].name;
    snprintf(w->ans.why, sizeof(w->ans.why),
             "%s's %s has no TCB once %s has handled that frame: the connection is gone", host,
             r->scn->socks[a->tcb_sock].name, host);
}

/* Between events: decide what can be, report what is decided (in the order
 * the questions were asked) and keep the rest waiting. */
static void
ask_flush(struct scn_runner *r)
{
    for (size_t i = 0; i < r->n_asks; i++)
        ask_decide(r, &r->asks[i]);
    /* In the order the events happened, as a student stepping would meet them. */
    for (;;) {
        size_t best = r->n_asks;
        for (size_t i = 0; i < r->n_asks; i++)
            if (r->asks[i].phase == 2 &&
                (best == r->n_asks || r->asks[i].ans.event < r->asks[best].ans.event))
                best = i;
        if (best == r->n_asks)
            break;
        struct scn_ask_wait w = r->asks[best];
        memmove(&r->asks[best], &r->asks[best + 1], (r->n_asks - best - 1) * sizeof(w));
        r->n_asks--;
        ask_report(r, &w);
    }
}

/* Every question still waiting had its chance, which ended at `before`. */
static void
ask_fail_waiting(struct scn_runner *r, const char *before)
{
    for (size_t i = 0; i < r->n_asks; i++) {
        struct scn_ask_wait *w = &r->asks[i];
        snprintf(w->ans.why, sizeof(w->ans.why), "no frame answered it before %s", before);
        ask_report(r, w);
    }
    r->n_asks = 0;
}

static void
ask_settle_call(struct sim *s, void *ctx)
{
    struct scn_runner *r = ctx;
    (void)s;
    r->ask_settle_pending = false;
    ask_flush(r);
}

static void
ask_schedule_settle(struct scn_runner *r)
{
    if (r->ask_settle_pending)
        return;
    if (sim_schedule_call(&r->sim, r->sim.now_ns, ask_settle_call, r) == 0)
        r->ask_settle_pending = true;
}

/* One event, for one waiting question. */
static void
ask_watch(struct scn_runner *r, struct scn_ask_wait *w, uint64_t event_no,
          const struct trace_event *ev)
{
    const struct scn_ask_args *a = &w->st->ask;

    if (w->phase == 2)
        return;
    if (w->phase == 0) {
        if (!sim_event_is_frame(ev) || ev->kind != TRACE_WIRE ||
            !ask_frame_matches(r->scn, a, ev->pkt->data, ev->pkt->len))
            return;
        switch (a->kind) {
        case SCN_ASK_FIELD:
            if (!ask_frame_field(ev->pkt->data, ev->pkt->len, a->field, w->ans.text,
                                 sizeof(w->ans.text)))
                return;
            break;
        case SCN_ASK_HOST:
            if (r->ask_tx_host == NULL || r->ask_tx_pkt != ev->pkt->id)
                return;
            snprintf(w->ans.text, sizeof(w->ans.text), "%s", r->ask_tx_host->name);
            break;
        default:
            /* accepted, TCB: the frame is out; its fate decides. */
            w->phase = 1;
            w->pkt_id = ev->pkt->id;
            return;
        }
        ask_event_text(&w->ans, event_no, ev);
        w->ans.answered = true;
        w->ans.from_stack = true;
        w->phase = 2;
        ask_schedule_settle(r);
        return;
    }
    /* phase 1: follow the frame. */
    if (ev->pkt == NULL || ev->pkt->id != w->pkt_id)
        return;
    if (a->kind == SCN_ASK_ACCEPTED &&
        (ev->kind == TRACE_DROP || ask_tcp_refused(a, ev))) {
        ask_event_text(&w->ans, event_no, ev);
        w->ans.from_stack = true;
        snprintf(w->ans.text, sizeof(w->ans.text), "no");
        w->ans.answered = true;
        w->phase = 2;
        ask_schedule_settle(r);
        return;
    }
    if (ev->kind != TRACE_RX || w->ans.event != 0)
        return;
    /* The receiver's RX at the layer that takes it; the value (or a DROP
     * after it, in the same event) is read once that event is over. */
    if ((a->kind == SCN_ASK_ACCEPTED && ev->layer == ask_taking_layer(a->filter.proto)) ||
        (a->kind == SCN_ASK_TCB && ev->layer == LAYER_TCP && ev->host == r->hosts[a->tcb_host])) {
        ask_event_text(&w->ans, event_no, ev);
        w->ans.from_stack = true;
        ask_schedule_settle(r);
    }
}

static void
ask_emit(void *ctx, const struct trace_event *ev)
{
    struct scn_runner *r = ctx;
    uint64_t event_no = r->sim.trace.events;

    if (ev->kind == TRACE_TX && ev->layer == LAYER_ETH && ev->pkt != NULL) {
        r->ask_tx_host = ev->host;
        r->ask_tx_pkt = ev->pkt->id;
    }
    for (size_t i = 0; i < r->n_asks; i++)
        ask_watch(r, &r->asks[i], event_no, ev);
}

void
ask_runner_init(struct scn_runner *r)
{
    for (size_t i = 0; i < r->scn->n_steps; i++) {
        if (r->scn->steps[i].kind == SCN_STEP_ASK) {
            r->ask_sink.emit = ask_emit;
            r->ask_sink.ctx = r;
            /* the sentences are built only for the events that answer */
            trace_attach_need(&r->sim.trace, &r->ask_sink, TRACE_NEED_FORMAT);
            r->ask_attached = true;
            return;
        }
    }
}

void
ask_runner_destroy(struct scn_runner *r)
{
    if (r->ask_attached)
        trace_detach(&r->sim.trace, &r->ask_sink);
    r->ask_attached = false;
}

/* After each step: decided answers are said; a step that does something
 * (not ask, say or pause) closes the group of questions asked before it. */
void
ask_runner_settle(struct scn_runner *r, const struct scn_step *st)
{
    ask_flush(r);
    if (st->kind != SCN_STEP_ASK && st->kind != SCN_STEP_SAY && st->kind != SCN_STEP_PAUSE)
        r->ask_group = false;
}

/* The script ended: a question still waiting is never answered. */
void
ask_runner_finish(struct scn_runner *r)
{
    ask_flush(r);
    ask_fail_waiting(r, "the script ended");
}

void
run_ask_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    const struct scn_ask_args *a = &st->ask;
    (void)scheduled;

    /* Questions asked before the last step that did something had their
     * chance; questions asked one after another wait together. */
    ask_flush(r);
    if (!r->ask_group)
        ask_fail_waiting(r, "the next question");
    r->ask_group = true;
    run_note(r, NULL, cause_call(CALL_NONE, (uint32_t)step_no), "ask: %s", a->question);
    if (!r->opts.trace_shown) {
        run_say(r, false, "\n  ? %s\n", a->question);
        for (size_t i = 0; i < a->n_choices; i++)
            run_say(r, false, "      %zu) %s\n", i + 1, a->choices[i]);
        run_say(r, false, "\n");
    }
    if (r->opts.on_ask != NULL)
        r->opts.on_ask(r->opts.ask_ctx, st, step_no);
    struct scn_ask_wait w = { .st = st, .step_no = step_no };
    if (a->kind == SCN_ASK_FIXED) {
        if (a->n_choices > 0)
            snprintf(w.ans.text, sizeof(w.ans.text), "%s", a->choices[a->number - 1]);
        else
            snprintf(w.ans.text, sizeof(w.ans.text), "%" PRIu64, a->number);
        w.ans.answered = true;
        w.ans.t_ns = r->sim.now_ns;
        w.phase = 2;
        ask_report(r, &w);
        return;
    }
    if (r->n_asks >= SCN_ASK_WAIT_MAX) {
        snprintf(w.ans.why, sizeof(w.ans.why), "no frame answered it before it was asked: more "
                 "than %d questions wait at once", SCN_ASK_WAIT_MAX);
        ask_report(r, &w);
        return;
    }
    r->asks[r->n_asks++] = w;
}
