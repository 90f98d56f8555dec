/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/expect.c - expect: data, lengths, errors, counters, ARP,
 * TCP state and TCB fields, routes, packet counts and time.
 */
#include "sim/scenario/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/inspect.h"

/* The comparison operators, in enum scn_cmp order. */
const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=", "contains", NULL };

/* A numeric comparison: == != < <= > >= */
static int
get_num_cmp(struct parser *p, const struct tok *t, enum scn_cmp *out)
{
    for (int i = SCN_CMP_EQ; i <= SCN_CMP_GE; i++) {
        if (word_is(t, cmp_names[i])) {
            *out = (enum scn_cmp)i;
            return 0;
        }
    }
    return perr(p, t->col, "expected a comparison (== != < <= > >=), found %s", show(t).s);
}

/* expect DVAR OP "TEXT" | expect DVAR length OP N */
static int
parse_expect_data(struct parser *p, struct cur *c, const struct tok *tv, struct scn_step *st)
{
    struct scn_expect *e = &st->expect;
    const struct tok *t = cur_next(c);

    e->dvar = dvar_find(p->scn, tv->text);
    if (t == NULL)
        return perr(p, tv->col, "expect needs a comparison and a quoted text after '%s'",
                    tv->text);
    if (word_is(t, "length")) {
        const struct tok *op = cur_next(c);
        const struct tok *n = cur_next(c);
        e->kind = SCN_EXPECT_LENGTH;
        if (op == NULL || n == NULL)
            return perr(p, t->col, "length needs a comparison and a number, like 'length == 5'");
        if (get_num_cmp(p, op, &e->cmp) < 0)
            return -1;
        if (get_uint(p, n, "length", 0, UINT64_MAX, "", &e->number) < 0)
            return -1;
        return expect_end(p, c);
    }

    e->kind = SCN_EXPECT_DATA;
    if (word_is(t, "==")) {
        e->cmp = SCN_CMP_EQ;
    } else if (word_is(t, "!=")) {
        e->cmp = SCN_CMP_NE;
    } else if (word_is(t, "contains")) {
        e->cmp = SCN_CMP_CONTAINS;
    } else {
        for (int i = SCN_CMP_LT; i <= SCN_CMP_GE; i++)
            if (word_is(t, cmp_names[i]))
                return perr(p, t->col, "expected ==, != or contains, found %s (to compare "
                            "sizes, write 'expect %s length %s N')", show(t).s, tv->text,
                            t->text);
        return perr(p, t->col, "expected ==, != or contains, found %s", show(t).s);
    }
    const struct tok *v = cur_peek(c);
    if (v == NULL)
        return perr(p, t->col, "%s needs a quoted text after it", t->text);
    if (is_app_payload_word(v)) {
        /* the data against the bytes an application payload would send */
        if (get_payload(p, c, &e->rhs) < 0)
            return -1;
        return expect_end(p, c);
    }
    cur_next(c);
    if (v->kind != TOK_STRING)
        return perr(p, v->col, "expected a quoted text, found %s", show(v).s);
    e->text = (uint8_t *)str_dup_n(v->text, v->len);
    if (e->text == NULL)
        return perr_oom(p);
    e->text_len = v->len;
    return expect_end(p, c);
}

/* expect HOST counter NAME OP N */
static int
parse_expect_counter(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *tn = cur_next(c);
    const struct tok *op = cur_next(c);
    const struct tok *n = cur_next(c);

    e->kind = SCN_EXPECT_COUNTER;
    if (tn == NULL || op == NULL || n == NULL)
        return perr(p, kw->col, "counter needs a name, a comparison and a number, like "
                    "'counter udp.rx == 1'");
    bool ok = tn->kind == TOK_WORD;
    for (size_t i = 0; ok && i < tn->len; i++) {
        char ch = tn->text[i];
        ok = is_lower(ch) || is_upper(ch) || is_digit(ch) || ch == '_' || ch == '.';
    }
    if (!ok)
        return perr(p, tn->col, "bad counter name %s (counter names use letters, digits, '_' "
                    "and '.', like udp.rx)", show(tn).s);
    if (tn->len > SCN_COUNTER_MAX)
        return perr(p, tn->col, "counter name %s is longer than %d characters", show(tn).s,
                    SCN_COUNTER_MAX);
    memcpy(e->counter, tn->text, tn->len + 1);
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "counter value", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect HOST arp ADDR [==] VALUE */
static int
parse_expect_arp(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    static const char *const states[] = { "absent", "incomplete", "present", NULL };
    const struct tok *ta = cur_next(c);
    const struct tok *v = cur_next(c);

    e->kind = SCN_EXPECT_ARP;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (ta == NULL || v == NULL)
        return perr(p, kw->col, "arp needs an address and a state, like 'arp 192.0.2.2 "
                    "present'");
    if (ta->kind != TOK_WORD)
        return perr(p, ta->col, "expected an address or a host name, found %s", show(ta).s);
    if (get_addr(p, ta->text, ta->len, ta->col, &e->arp_addr) < 0)
        return -1;
    if (word_is(v, "absent")) {
        e->arp_state = SCN_ARP_ABSENT;
    } else if (word_is(v, "incomplete")) {
        e->arp_state = SCN_ARP_INCOMPLETE;
    } else if (word_is(v, "present")) {
        e->arp_state = SCN_ARP_PRESENT;
    } else if (v->kind == TOK_WORD && mac_addr_parse(v->text, e->arp_mac)) {
        e->arp_state = SCN_ARP_MAC;
    } else {
        struct suggest sg;
        suggest_init(&sg, v->text);
        if (v->kind == TOK_WORD)
            suggest_list(&sg, states);
        if (sg.best != NULL)
            return perr(p, v->col, "unknown ARP state %s (did you mean '%s'?)", show(v).s,
                        sg.best);
        return perr(p, v->col, "expected a MAC address, 'absent', 'incomplete' or 'present', "
                    "found %s", show(v).s);
    }
    return expect_end(p, c);
}

/* expect HOST VAR error [==] ERRNAME */
static int
parse_expect_error(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *v = cur_next(c);
    bool ok;

    e->kind = SCN_EXPECT_ERROR;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (v == NULL)
        return perr(p, kw->col, "error needs an error name, like 'error == ECONNREFUSED' or "
                    "'error none'");
    ok = v->kind == TOK_WORD && (strcmp(v->text, "none") == 0 || (v->text[0] == 'E' &&
                                                                   v->len >= 2));
    for (size_t i = 1; ok && v->text[0] == 'E' && i < v->len; i++)
        ok = is_upper(v->text[i]) || is_digit(v->text[i]);
    if (!ok)
        return perr(p, v->col, "bad error name %s (use none or an errno name like "
                    "ECONNREFUSED)", show(v).s);
    if (v->len > SCN_NAME_MAX)
        return perr(p, v->col, "error name %s is longer than %d characters", show(v).s,
                    SCN_NAME_MAX);
    memcpy(e->err_name, v->text, v->len + 1);
    return expect_end(p, c);
}

/* The state names `expect HOST VAR state` knows: TCP's eleven [RFC 9293
 * 3.3.2], and UNCONN / ESTAB for datagram sockets (as ss(8) shows them). */
static const char *const state_names[] = {
    "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
    "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "UNCONN", "ESTAB", NULL,
};

/* expect HOST VAR state [==] NAME */
static int
parse_expect_state(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *v = cur_next(c);
    struct suggest sg;

    e->kind = SCN_EXPECT_STATE;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "==")) {
        v = cur_next(c);
    } else if (word_is(v, "!=")) {
        e->cmp = SCN_CMP_NE;
        v = cur_next(c);
    }
    if (v == NULL)
        return perr(p, kw->col, "state needs a state name, like 'state ESTABLISHED'");
    for (size_t i = 0; state_names[i] != NULL; i++) {
        if (word_is(v, state_names[i])) {
            memcpy(e->field, v->text, v->len + 1);
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, v->text);
    if (v->kind == TOK_WORD)
        suggest_list(&sg, state_names);
    if (sg.best != NULL)
        return perr(p, v->col, "unknown state %s (did you mean '%s'?)", show(v).s, sg.best);
    return perr(p, v->col, "unknown state %s (TCP states are written as RFC 9293 names them, "
                "like ESTABLISHED or TIME_WAIT)", show(v).s);
}

/* expect HOST VAR tcb FIELD OP N */
static int
parse_expect_tcb(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *tf = cur_next(c);
    const struct tok *op = cur_next(c);
    const struct tok *n = cur_next(c);

    e->kind = SCN_EXPECT_TCB;
    if (tf == NULL || op == NULL || n == NULL)
        return perr(p, kw->col, "tcb needs a field, a comparison and a number, like 'tcb cwnd "
                    ">= 14600'");
    bool ok = tf->kind == TOK_WORD && (is_lower(tf->text[0]) || tf->text[0] == '_');
    for (size_t i = 0; ok && i < tf->len; i++)
        ok = is_lower(tf->text[i]) || is_digit(tf->text[i]) || tf->text[i] == '_';
    if (!ok || tf->len > SCN_FIELD_MAX)
        return perr(p, tf->col, "bad TCB field %s (fields are named as RFC 9293 names them, "
                    "like snd_una, rcv_wnd, cwnd)", show(tf).s);
    /* The stack's own list of fields (stack/inspect.c), so that `netstep
     * check` finds a misspelt one and points at the word itself. */
    bool known = false;
    for (size_t i = 0; !known && inspect_tcb_field_name(i) != NULL; i++)
        known = word_is(tf, inspect_tcb_field_name(i));
    if (!known) {
        struct suggest sg;
        suggest_init(&sg, tf->text);
        for (size_t i = 0; inspect_tcb_field_name(i) != NULL; i++)
            suggest_try(&sg, inspect_tcb_field_name(i));
        if (sg.best != NULL)
            return perr(p, tf->col, "unknown TCB field %s (did you mean '%s'? the fields are "
                        "listed under 'expect' in docs/scenario-language.md)", show(tf).s,
                        sg.best);
        return perr(p, tf->col, "unknown TCB field %s (try snd_una, snd_nxt, rcv_nxt, cwnd, "
                    "ssthresh, srtt_ms, rto_ms or retransmits; the fields are listed under "
                    "'expect' in docs/scenario-language.md)", show(tf).s);
    }
    memcpy(e->field, tf->text, tf->len + 1);
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "field value", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect HOST route DEST [==] via ADDR | direct | none */
static int
parse_expect_route(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *td = cur_next(c);
    const struct tok *v = cur_next(c);

    e->kind = SCN_EXPECT_ROUTE;
    e->cmp = SCN_CMP_EQ;
    if (word_is(v, "=="))
        v = cur_next(c);
    if (td == NULL || v == NULL)
        return perr(p, kw->col, "route needs a destination and an answer, like 'route "
                    "198.51.100.7 via 192.0.2.254', 'route bob direct' or 'route 10.9.9.9 "
                    "none'");
    if (td->kind != TOK_WORD)
        return perr(p, td->col, "expected an address or a host name, found %s", show(td).s);
    if (get_addr(p, td->text, td->len, td->col, &e->route_dest) < 0)
        return -1;
    if (word_is(v, "direct")) {
        e->route_kind = SCN_ROUTE_DIRECT;
    } else if (word_is(v, "none")) {
        e->route_kind = SCN_ROUTE_NONE;
    } else if (word_is(v, "via")) {
        const struct tok *tg = cur_next(c);
        e->route_kind = SCN_ROUTE_VIA;
        if (tg == NULL)
            return perr(p, v->col, "via needs the gateway's address or host name");
        if (tg->kind != TOK_WORD)
            return perr(p, tg->col, "expected an address or a host name, found %s", show(tg).s);
        if (get_addr(p, tg->text, tg->len, tg->col, &e->route_gw) < 0)
            return -1;
    } else {
        return perr(p, v->col, "expected 'via ADDRESS', 'direct' or 'none', found %s",
                    show(v).s);
    }
    return expect_end(p, c);
}

/* expect HOST counter|arp|route|VAR error|state|tcb ... (th names host h). */
static int
parse_expect_host(struct parser *p, struct cur *c, const struct tok *th, int h,
                  struct scn_step *st)
{
    static const char *const checks[] = { "counter", "arp", "route", "error", "state", "tcb",
                                          NULL };
    const struct tok *t = cur_next(c);
    const struct tok *t3;

    st->host = h;
    if (t == NULL)
        return perr(p, th->col, "expect needs a check after the host: counter, arp, route or "
                    "'SOCKET error|state|tcb'");
    if (word_is(t, "counter"))
        return parse_expect_counter(p, c, t, &st->expect);
    if (word_is(t, "arp"))
        return parse_expect_arp(p, c, t, &st->expect);
    if (word_is(t, "route"))
        return parse_expect_route(p, c, t, &st->expect);
    t3 = cur_peek(c);
    if (t->kind == TOK_WORD && is_var_name(t->text) && sock_find(p->scn, h, t->text) >= 0) {
        st->sock = sock_find(p->scn, h, t->text);
        if (t3 == NULL)
            return perr(p, t->col, "expect needs a check after the socket, like 'error none' or "
                        "'state ESTABLISHED'");
        cur_next(c);
        if (word_is(t3, "error"))
            return parse_expect_error(p, c, t3, &st->expect);
        if (word_is(t3, "state"))
            return parse_expect_state(p, c, t3, &st->expect);
        if (word_is(t3, "tcb")) {
            if (p->scn->socks[st->sock].type != SCN_SOCK_TCP)
                return perr(p, t3->col, "'%s' is a %s socket; only tcp sockets have a TCB",
                            t->text, scn_sock_type_name(p->scn->socks[st->sock].type));
            return parse_expect_tcb(p, c, t3, &st->expect);
        }
        return perr(p, t3->col, "expected 'error', 'state' or 'tcb' after the socket, found %s",
                    show(t3).s);
    }
    if (word_is(t3, "error") || word_is(t3, "state") || word_is(t3, "tcb"))
        return get_sock(p, t, h, &st->sock);

    struct suggest sg;
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, checks);
    if (sg.best != NULL && strcmp(sg.best, "error") != 0 && strcmp(sg.best, "state") != 0 &&
        strcmp(sg.best, "tcb") != 0)
        return perr(p, t->col, "unknown check %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "unknown check %s (use counter, arp, route or 'SOCKET error|state|"
                "tcb')", show(t).s);
}

const char *const proto_names[] = { "", "arp", "ip", "icmp", "udp", "tcp", "icmp6", "ip6",
                                    NULL };

/* TCP flags as `flags` writes them: letters of tcpdump (S A F R P U E W, W
 * for CWR) or names (SYN ACK FIN RST PSH URG ECE CWR) joined with '+'. */
static int
get_tcp_flags(struct parser *p, const struct tok *t, uint8_t *out)
{
    static const struct {
        const char *name;
        char letter;
        uint8_t bit;
    } flags[] = {
        { "FIN", 'F', 0x01 }, { "SYN", 'S', 0x02 }, { "RST", 'R', 0x04 }, { "PSH", 'P', 0x08 },
        { "ACK", 'A', 0x10 }, { "URG", 'U', 0x20 }, { "ECE", 'E', 0x40 }, { "CWR", 'W', 0x80 },
    };
    const char *s = t->text;
    uint8_t v = 0;

    if (t->kind != TOK_WORD || t->len == 0)
        goto out_bad;
    while (*s != '\0') {
        size_t n = strcspn(s, "+");
        bool named = false;
        for (size_t i = 0; i < 8 && !named; i++) {
            if (n == 3 && strncmp(s, flags[i].name, 3) == 0) {
                v |= flags[i].bit;
                named = true;
            }
        }
        for (size_t k = 0; !named && k < n; k++) {
            bool hit = false;
            for (size_t i = 0; i < 8; i++) {
                if (s[k] == flags[i].letter) {
                    v |= flags[i].bit;
                    hit = true;
                }
            }
            if (!hit)
                goto out_bad;
        }
        if (n == 0)
            goto out_bad;
        s += n;
        if (*s == '+')
            s++;
        if (s[-1] == '+' && *s == '\0')
            goto out_bad;
    }
    *out = v;
    return 0;

out_bad:
    return perr(p, t->col, "bad TCP flags %s (write letters as tcpdump does, like S, SA, A, FA, "
                "R, or names like SYN+ACK)", show(t).s);
}

/* FILTER: [PROTO] [from ADDR] [to ADDR] [port N] [flags FLAGS] [len OP N].
 * Stops at the first word that is not part of a filter (the caller's
 * comparison). `what` names the statement for messages. */
int
parse_filter(struct parser *p, struct cur *c, struct scn_filter *f)
{
    static const char *const parts[] = { "from", "to", "port", "flags", "len", "type", NULL };
    const struct tok *t = cur_peek(c);
    const struct tok *seen[6] = { NULL, NULL, NULL, NULL, NULL, NULL };

    f->proto = SCN_PROTO_ANY;
    for (int i = 1; t != NULL && proto_names[i] != NULL; i++) {
        if (word_is(t, proto_names[i])) {
            f->proto = (enum scn_proto)i;
            cur_next(c);
            break;
        }
    }
    while ((t = cur_peek(c)) != NULL) {
        size_t part = 0;
        while (parts[part] != NULL && !word_is(t, parts[part]))
            part++;
        if (parts[part] == NULL) {
            if (t->kind == TOK_WORD && (is_lower(t->text[0]))) {
                struct suggest sg;
                suggest_init(&sg, t->text);
                suggest_list(&sg, parts);
                suggest_list(&sg, proto_names + 1);
                if (sg.best != NULL)
                    return perr(p, t->col, "unknown filter word %s (did you mean '%s'?)",
                                show(t).s, sg.best);
                return perr(p, t->col, "unknown filter word %s (a filter is [arp|ip|icmp|udp|"
                            "tcp|icmp6|ip6] [from ADDR] [to ADDR] [port N] [flags F] [len OP N])",
                            show(t).s);
            }
            return 0;
        }
        cur_next(c);
        if (seen[part] != NULL)
            return perr(p, t->col, "'%s' is given twice", parts[part]);
        seen[part] = t;
        const struct tok *v = cur_next(c);
        if (v == NULL) {
            static const char *const needs[] = {
                "from needs an address or a host name, like 'from alice'",
                "to needs an address or a host name, like 'to bob'",
                "port needs a number, like 'port 80'",
                "flags needs TCP flags, like 'flags SA'",
                "len needs a comparison and a number, like 'len > 0'",
                "type needs an ICMPv6 type number, like 'icmp6 type 2'",
            };
            return perr(p, t->col, "%s", needs[part]);
        }
        switch (part) {
        case 0:
        case 1: {
            struct scn_addr *a = part == 0 ? &f->from : &f->to;
            if (v->kind != TOK_WORD)
                return perr(p, v->col, "expected an address or a host name, found %s",
                            show(v).s);
            if (get_addr(p, v->text, v->len, v->col, a) < 0)
                return -1;
            if (part == 0)
                f->has_from = true;
            else
                f->has_to = true;
            break;
        }
        case 2:
            if (f->proto != SCN_PROTO_UDP && f->proto != SCN_PROTO_TCP)
                return perr(p, t->col, "port needs udp or tcp first, like 'tcp port 80'");
            if (get_port(p, v->text, v->len, v->col, &f->port) < 0)
                return -1;
            break;
        case 3:
            if (f->proto != SCN_PROTO_TCP)
                return perr(p, t->col, "flags are TCP's: write 'tcp ... flags %s'", v->text);
            if (get_tcp_flags(p, v, &f->flags) < 0)
                return -1;
            break;
        case 5: {
            uint64_t ty;
            if (f->proto != SCN_PROTO_ICMP6)
                return perr(p, t->col, "type is ICMPv6's: write 'icmp6 type %s'", v->text);
            if (get_uint(p, v, "type", 0, 255, "", &ty) < 0)
                return -1;
            f->has_type = true;
            f->icmp_type = (uint8_t)ty;
            break;
        }
        default: {
            const struct tok *n = cur_next(c);
            if (n == NULL)
                return perr(p, t->col, "len needs a comparison and a number, like 'len > 0'");
            if (get_num_cmp(p, v, &f->len_cmp) < 0)
                return -1;
            if (get_uint(p, n, "len", 0, UINT64_MAX, "", &f->len) < 0)
                return -1;
            f->has_len = true;
            break;
        }
        }
    }
    return 0;
}

/* expect packets FILTER OP N */
static int
parse_expect_packets(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *op;
    const struct tok *n;

    e->kind = SCN_EXPECT_PACKETS;
    if (parse_filter(p, c, &e->filter) < 0)
        return -1;
    op = cur_next(c);
    n = cur_next(c);
    if (op == NULL || n == NULL)
        return perr(p, kw->col, "packets needs a filter, a comparison and a number, like "
                    "'packets tcp from alice flags S == 1'");
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_uint(p, n, "packet count", 0, UINT64_MAX, "", &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

/* expect time OP DUR */
static int
parse_expect_time(struct parser *p, struct cur *c, const struct tok *kw, struct scn_expect *e)
{
    const struct tok *op = cur_next(c);
    const struct tok *d = cur_next(c);

    e->kind = SCN_EXPECT_TIME;
    if (op == NULL || d == NULL)
        return perr(p, kw->col, "time needs a comparison and a duration, like 'time < 2s'");
    if (get_num_cmp(p, op, &e->cmp) < 0)
        return -1;
    if (get_dur(p, d, &e->number) < 0)
        return -1;
    return expect_end(p, c);
}

int
parse_expect(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct scenario *scn = p->scn;
    const struct tok *t = cur_next(c);
    const struct tok *t2;
    const struct tok *t3;
    struct suggest sg;
    int h;

    step_init(st, SCN_STEP_EXPECT);
    if (t == NULL)
        return perr(p, kw->col, "expect needs something to check");
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a data variable or a host after 'expect', found %s",
                    show(t).s);
    h = scenario_host_find(scn, t->text);
    if (h >= 0)
        return parse_expect_host(p, c, t, h, st);
    if (word_is(t, "packets") && dvar_find(scn, t->text) < 0)
        return parse_expect_packets(p, c, t, &st->expect);
    if (word_is(t, "time") && dvar_find(scn, t->text) < 0)
        return parse_expect_time(p, c, t, &st->expect);
    if (dvar_find(scn, t->text) >= 0)
        return parse_expect_data(p, c, t, st);

    /* Neither: guess from the words that follow which one was meant. */
    t2 = cur_peek(c);
    t3 = cur_peek2(c);
    if (word_is(t2, "counter") || word_is(t2, "arp") || word_is(t2, "route") ||
        word_is(t3, "error") || word_is(t3, "state") || word_is(t3, "tcb"))
        return err_unknown_host(p, t->text, t->len, t->col);
    if (name_reported(p, 'd', -1, t->text, t->len))
        return -1;
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < scn->n_dvars; i++)
        suggest_try(&sg, scn->dvars[i].name);
    if (sg.best != NULL)
        return perr(p, t->col, "no data variable %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "no data variable %s (data variables are defined with '-> NAME' "
                "after recv, recvfrom or ping)", show(t).s);
}

void
print_expect(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_expect *e = &st->expect;
    char mac[MAC_ADDR_STRLEN];

    fputs("expect ", out);
    switch (e->kind) {
    case SCN_EXPECT_DATA:
        fprintf(out, "%s %s ", scn->dvars[e->dvar].name, scn_cmp_name(e->cmp));
        print_payload(out, scn, e->rhs.kind != SCN_PAYLOAD_TEXT ? &e->rhs
                      : &(struct scn_payload){ .kind = SCN_PAYLOAD_TEXT, .data = e->text,
                                               .len = e->text_len });
        break;
    case SCN_EXPECT_LENGTH:
        fprintf(out, "%s length %s %" PRIu64, scn->dvars[e->dvar].name, scn_cmp_name(e->cmp),
                e->number);
        break;
    case SCN_EXPECT_ERROR:
        fprintf(out, "%s %s error == %s", scn->hosts[st->host].name, scn->socks[st->sock].name,
                e->err_name);
        break;
    case SCN_EXPECT_COUNTER:
        fprintf(out, "%s counter %s %s %" PRIu64, scn->hosts[st->host].name, e->counter,
                scn_cmp_name(e->cmp), e->number);
        break;
    case SCN_EXPECT_ARP:
        fprintf(out, "%s arp ", scn->hosts[st->host].name);
        print_addr(out, scn, &e->arp_addr);
        if (e->arp_state == SCN_ARP_MAC)
            fprintf(out, " == %s", mac_addr_str(e->arp_mac, mac));
        else
            fprintf(out, " == %s", scn_arp_state_name(e->arp_state));
        break;
    case SCN_EXPECT_STATE:
        fprintf(out, "%s %s state %s %s", scn->hosts[st->host].name, scn->socks[st->sock].name,
                scn_cmp_name(e->cmp), e->field);
        break;
    case SCN_EXPECT_TCB:
        fprintf(out, "%s %s tcb %s %s %" PRIu64, scn->hosts[st->host].name,
                scn->socks[st->sock].name, e->field, scn_cmp_name(e->cmp), e->number);
        break;
    case SCN_EXPECT_ROUTE:
        fprintf(out, "%s route ", scn->hosts[st->host].name);
        print_addr(out, scn, &e->route_dest);
        if (e->route_kind == SCN_ROUTE_VIA) {
            fputs(" == via ", out);
            print_addr(out, scn, &e->route_gw);
        } else {
            fprintf(out, " == %s", e->route_kind == SCN_ROUTE_DIRECT ? "direct" : "none");
        }
        break;
    case SCN_EXPECT_PACKETS:
        fputs("packets", out);
        print_filter(out, scn, &e->filter);
        fprintf(out, " %s %" PRIu64, scn_cmp_name(e->cmp), e->number);
        break;
    default:
        fprintf(out, "time %s ", scn_cmp_name(e->cmp));
        print_dur(out, e->number);
        break;
    }
}

/* ---------------------------------------------------------------------------
 * The row of expect: defaults, copy, clear
 * ------------------------------------------------------------------------- */

void
init_expect(struct scn_step *st)
{
    st->expect.dvar = -1;
    st->expect.rhs.app.from_dvar = -1;
    st->expect.arp_addr.host = -1;
    st->expect.route_dest.host = -1;
    st->expect.route_gw.host = -1;
    st->expect.filter.from.host = -1;
    st->expect.filter.to.host = -1;
}

int
copy_expect(struct scn_step *dst, const struct scn_step *src)
{
    bool ok;

    dst->expect.text = src->expect.text != NULL
                           ? (uint8_t *)str_dup_n((const char *)src->expect.text,
                                                  src->expect.text_len)
                           : NULL;
    ok = src->expect.text == NULL || dst->expect.text != NULL;
    ok = payload_copy(&dst->expect.rhs, &src->expect.rhs) && ok;
    return ok ? 0 : -1;
}

void
clear_expect(struct scn_step *st)
{
    free(st->expect.text);
    st->expect.text = NULL;
    payload_free(&st->expect.rhs);
}

bool
eq_expect(const struct scn_step *a, const struct scn_step *b)
{
    return expect_eq(&a->expect, &b->expect);
}
