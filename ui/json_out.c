/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_out.c - the event log as JSON Lines, through jansson.
 *
 * One object per event with what the text trace shows (time, where, layer,
 * direction, packet id, the sentence, the RFC tag, the cause) and what it
 * only hints at: the decoded header fields and the TCB snapshot of a TCP
 * event. Keys keep the order they are added in (jansson keeps insertion
 * order), so the same run gives the same bytes.
 * Called by: `netstep run --json` (ui/main.c). Calls: draw_decode(),
 * log_format_cause(), json_dumpf().
 */
#include "ui/json_out.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "sim/log_sink.h"
#include "stack/drop.h"
#include "stack/wire/addr.h"
#include "stack/wire/ipv6.h"
#include "ui/draw_decode.h"

/* Sets key to a new value; a NULL value (out of memory) is remembered. */
static void
put(json_t *obj, const char *key, json_t *v, bool *oom)
{
    if (v == NULL || json_object_set_new(obj, key, v) < 0)
        *oom = true;
}

/* An empty object, or NULL with *oom set. */
static json_t *
new_object(bool *oom)
{
    json_t *o = json_object();
    if (o == NULL)
        *oom = true;
    return o;
}

/* A new empty object under key in obj, to be filled (obj holds it); NULL
 * with *oom set when there is no memory. */
static json_t *
put_object(json_t *obj, const char *key, bool *oom)
{
    json_t *o = new_object(oom);
    if (o == NULL || json_object_set(obj, key, o) < 0) {
        *oom = true;
        json_decref(o);
        return NULL;
    }
    json_decref(o);  /* obj's reference keeps it */
    return o;
}

static json_t *
str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* A sentence as a JSON string. Text is normally ASCII; a byte that is not
 * valid UTF-8 (an application's payload quoted in a sentence) is written as
 * "\\xNN", as the text trace writes control characters, rather than lost. */
static json_t *
text_json(const char *s)
{
    json_t *v = json_string(s);
    if (v != NULL)
        return v;
    char buf[4 * TRACE_TEXT_LEN + 1];
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c && k + 5 < sizeof buf; c++) {
        if (*c < 0x80)
            buf[k++] = (char)*c;
        else
            k += (size_t)snprintf(buf + k, sizeof buf - k, "\\x%02x", *c);
    }
    buf[k] = '\0';
    return json_string(buf);
}

static json_t *
ip_json(uint32_t addr)
{
    char buf[16];
    return json_string(ipv4_addr_str(addr, buf));
}

/* An IPv6 address (network order) in RFC 5952 text: "2001:db8::1". */
static json_t *
ip6_json(const uint8_t addr[16])
{
    struct ip6_addr a;
    char buf[IPV6_ADDR_STRLEN];
    memcpy(a.b, addr, sizeof a.b);
    return json_string(ip6_addr_str(&a, buf));
}

static json_t *
mac_json(const uint8_t mac[ETH_ALEN])
{
    char buf[18];
    return json_string(mac_addr_str(mac, buf));
}

static json_t *
cause_json(const struct trace_cause *c, bool *oom)
{
    json_t *o = new_object(oom);
    if (o == NULL)
        return NULL;
    switch ((enum cause_kind)c->kind) {
    case CAUSE_CALL:
        put(o, "kind", json_string("call"), oom);
        put(o, "call", c->call != CALL_NONE ? json_string(socket_call_name(c->call)) : json_null(),
            oom);
        put(o, "step", c->step != 0 ? json_integer(c->step) : json_null(), oom);
        /* a frame an inject or replay step put on the wire: which line
         * (and which frame of the capture), as the trace names them */
        if (c->call == CALL_NONE && (c->origin == ORIGIN_INJECT || c->origin == ORIGIN_REPLAY)) {
            put(o, "origin", json_string(c->origin == ORIGIN_INJECT ? "inject" : "replay"), oom);
            put(o, "line", json_integer(c->line), oom);
            if (c->origin == ORIGIN_REPLAY)
                put(o, "frame", json_integer(c->frame), oom);
        }
        break;
    case CAUSE_TIMER:
        put(o, "kind", json_string("timer"), oom);
        put(o, "timer", json_string(timer_kind_name(c->timer)), oom);
        break;
    case CAUSE_ARRIVAL:
        put(o, "kind", json_string("arrival"), oom);
        put(o, "pkt", json_integer((json_int_t)c->pkt_id), oom);
        break;
    case CAUSE_NONE:
    default:
        put(o, "kind", json_string("none"), oom);
        break;
    }
    if (c->tcp_why != TCP_WHY_NONE)
        put(o, "why", json_string(tcp_why_name(c->tcp_why)), oom);
    char text[64];
    log_format_cause(c, text, sizeof text);
    put(o, "text", json_string(text), oom);
    return o;
}

static json_t *
tcp_json(const struct draw_frame *f, bool *oom)
{
    const struct tcp_hdr *t = &f->tcp;
    json_t *o = new_object(oom);
    if (o == NULL)
        return NULL;
    char flags[12];
    draw_tcp_flags(t->flags, flags, sizeof flags);
    put(o, "sport", json_integer(t->sport), oom);
    put(o, "dport", json_integer(t->dport), oom);
    put(o, "seq", json_integer(t->seq), oom);
    put(o, "ack", json_integer(t->ack), oom);
    put(o, "flags", json_string(flags), oom);
    put(o, "win", json_integer(t->wnd), oom);
    put(o, "hdr_len", json_integer(t->data_off), oom);
    put(o, "len", json_integer((json_int_t)f->payload_len), oom);
    const struct tcp_opts *op = &t->opts;
    json_t *opts = new_object(oom);
    if (opts == NULL)
        return o;
    if (op->has_mss)
        put(opts, "mss", json_integer(op->mss), oom);
    if (op->sack_permitted)
        put(opts, "sack_permitted", json_true(), oom);
    if (op->has_wscale)
        put(opts, "wscale", json_integer(op->wscale), oom);
    if (op->has_ts) {
        put(opts, "ts_val", json_integer(op->ts_val), oom);
        put(opts, "ts_ecr", json_integer(op->ts_ecr), oom);
    }
    if (op->sack_count > 0) {
        json_t *blocks = json_array();
        for (unsigned i = 0; blocks != NULL && i < op->sack_count; i++)
            if (json_array_append_new(blocks, json_pack("[II]", (json_int_t)op->sack[i].left,
                                                        (json_int_t)op->sack[i].right)) < 0)
                *oom = true;
        put(opts, "sack", blocks, oom);
    }
    put(o, "options", opts, oom);
    return o;
}

/* The headers the event's bytes hold, or NULL when it has none. */
static json_t *
fields_json(const struct record_event *ev, bool *oom)
{
    struct draw_frame f;
    draw_decode(ev, &f);
    if (!f.has_eth && !f.has_arp && !f.has_ip && !f.has_ip6 && !f.has_icmp && !f.has_icmp6 &&
        !f.has_udp && !f.has_tcp)
        return json_null();
    json_t *o = new_object(oom);
    if (o == NULL)
        return NULL;
    if (f.has_eth) {
        json_t *e = put_object(o, "eth", oom);
        if (e != NULL) {
            put(e, "src", mac_json(f.eth.src), oom);
            put(e, "dst", mac_json(f.eth.dst), oom);
            put(e, "type", json_integer(f.eth.type), oom);
        }
    }
    if (f.has_arp) {
        json_t *a = put_object(o, "arp", oom);
        if (a != NULL) {
            put(a, "op", json_string(f.arp.op == 1 ? "request" : f.arp.op == 2 ? "reply" : "other"),
                oom);
            put(a, "sha", mac_json(f.arp.sha), oom);
            put(a, "spa", ip_json(f.arp.spa), oom);
            put(a, "tha", mac_json(f.arp.tha), oom);
            put(a, "tpa", ip_json(f.arp.tpa), oom);
        }
    }
    if (f.has_ip) {
        json_t *ip = put_object(o, "ipv4", oom);
        if (ip != NULL) {
            put(ip, "src", ip_json(f.ip.src), oom);
            put(ip, "dst", ip_json(f.ip.dst), oom);
            put(ip, "proto", json_integer(f.ip.proto), oom);
            put(ip, "ttl", json_integer(f.ip.ttl), oom);
            put(ip, "id", json_integer(f.ip.id), oom);
            put(ip, "len", json_integer(f.ip.total_len), oom);
            put(ip, "df", json_boolean(f.ip.df), oom);
            put(ip, "mf", json_boolean(f.ip.mf), oom);
            put(ip, "frag_off", json_integer(f.ip.frag_off), oom);
        }
    }
    if (f.has_ip6) {
        json_t *ip = put_object(o, "ipv6", oom);
        if (ip != NULL) {
            put(ip, "src", ip6_json(f.ip6.src.b), oom);
            put(ip, "dst", ip6_json(f.ip6.dst.b), oom);
            put(ip, "next_header", json_integer(f.ip6.next_header), oom);
            put(ip, "hop_limit", json_integer(f.ip6.hop_limit), oom);
            put(ip, "payload_len", json_integer(f.ip6.payload_len), oom);
            put(ip, "fragment", json_boolean(f.ip6_fragment), oom);
        }
    }
    if (f.has_icmp6) {
        json_t *ic = put_object(o, "icmpv6", oom);
        if (ic != NULL) {
            put(ic, "type", json_integer(f.icmp6_type), oom);
            put(ic, "code", json_integer(f.icmp6_code), oom);
            if (f.icmp6_type == 128 || f.icmp6_type == 129)
                put(ic, "seq", json_integer(f.icmp6_seq), oom);
            if (f.icmp6_has_target)
                put(ic, "target", ip6_json(f.icmp6_target.b), oom);
        }
    }
    if (f.has_icmp) {
        json_t *ic = put_object(o, "icmp", oom);
        if (ic != NULL) {
            put(ic, "type", json_integer(f.icmp.type), oom);
            put(ic, "code", json_integer(f.icmp.code), oom);
            put(ic, "name", json_string(icmp_type_name(f.icmp.type, f.icmp.code)), oom);
            if (f.icmp.type == ICMP_ECHO_REQUEST || f.icmp.type == ICMP_ECHO_REPLY) {
                put(ic, "id", json_integer(f.icmp.id), oom);
                put(ic, "seq", json_integer(f.icmp.seq), oom);
            }
        }
    }
    if (f.has_udp) {
        json_t *u = put_object(o, "udp", oom);
        if (u != NULL) {
            put(u, "sport", json_integer(f.udp.sport), oom);
            put(u, "dport", json_integer(f.udp.dport), oom);
            put(u, "len", json_integer((json_int_t)f.payload_len), oom);
        }
    }
    if (f.has_tcp)
        put(o, "tcp", tcp_json(&f, oom), oom);
    return o;
}

static json_t *
tcb_json(const struct trace_tcb *t, bool *oom)
{
    json_t *o = new_object(oom);
    if (o == NULL)
        return NULL;
    put(o, "state", str_or_null(t->state), oom);
    if (t->v6) {
        /* an IPv6 connection: its addresses in RFC 5952 text, and a family
         * to tell it by (an IPv4 one's object keeps its old keys) */
        put(o, "family", json_string("ipv6"), oom);
        put(o, "laddr", ip6_json(t->laddr6), oom);
        put(o, "lport", json_integer(t->lport), oom);
        put(o, "faddr", ip6_json(t->faddr6), oom);
    } else if (t->mapped) {
        /* IPv4 for an AF_INET6 socket: its addresses as it sees them */
        char l[32], f[32], a[16];
        snprintf(l, sizeof l, "::ffff:%s", ipv4_addr_str(t->laddr, a));
        snprintf(f, sizeof f, "::ffff:%s", ipv4_addr_str(t->faddr, a));
        put(o, "family", json_string("ipv6"), oom);
        put(o, "laddr", json_string(l), oom);
        put(o, "lport", json_integer(t->lport), oom);
        put(o, "faddr", json_string(f), oom);
    } else {
        put(o, "laddr", ip_json(t->laddr), oom);
        put(o, "lport", json_integer(t->lport), oom);
        put(o, "faddr", ip_json(t->faddr), oom);
    }
    put(o, "fport", json_integer(t->fport), oom);
    put(o, "iss", json_integer(t->iss), oom);
    put(o, "irs", json_integer(t->irs), oom);
    put(o, "snd_una", json_integer(t->snd_una), oom);
    put(o, "snd_nxt", json_integer(t->snd_nxt), oom);
    put(o, "snd_wnd", json_integer(t->snd_wnd), oom);
    put(o, "rcv_nxt", json_integer(t->rcv_nxt), oom);
    put(o, "rcv_wnd", json_integer(t->rcv_wnd), oom);
    put(o, "cwnd", json_integer(t->cwnd), oom);
    put(o, "ssthresh", json_integer(t->ssthresh), oom);
    put(o, "srtt_ns", json_integer((json_int_t)t->srtt_ns), oom);
    put(o, "rto_ns", json_integer((json_int_t)t->rto_ns), oom);
    put(o, "rtt_ns", json_integer((json_int_t)t->rtt_ns), oom);
    put(o, "rtt_at_ns", json_integer((json_int_t)t->rtt_at_ns), oom);
    put(o, "rtt_samples", json_integer((json_int_t)t->rtt_samples), oom);
    return o;
}

int
json_out_event(const struct record_event *ev, size_t i, FILE *out)
{
    bool oom = false;
    json_t *o = json_object();
    if (o == NULL)
        return -1;
    char t[32];
    /* The text trace's time: seconds and truncated microseconds. */
    snprintf(t, sizeof t, "%" PRIu64 ".%06" PRIu64, ev->t_ns / 1000000000u,
             ev->t_ns % 1000000000u / 1000u);
    put(o, "i", json_integer((json_int_t)i), &oom);
    put(o, "t_ns", json_integer((json_int_t)ev->t_ns), &oom);
    put(o, "t", json_string(t), &oom);
    put(o, "host", ev->host >= 0 ? json_string(ev->where) : json_null(), &oom);
    put(o, "where", ev->where[0] != '\0' ? json_string(ev->where) : json_null(), &oom);
    put(o, "layer", json_string(trace_layer_name(ev->layer)), &oom);
    put(o, "dir", json_string(log_dir_name(ev->kind)), &oom);
    put(o, "pkt", ev->pkt_id != 0 ? json_integer((json_int_t)ev->pkt_id) : json_null(), &oom);
    if (ev->kind == TRACE_DROP) {
        enum drop_reason r = (enum drop_reason)ev->reason;
        json_t *d = put_object(o, "drop", &oom);
        if (d != NULL) {
            put(d, "reason", json_string(drop_reason_name(r)), &oom);
            put(d, "sentence", json_string(drop_reason_sentence(r)), &oom);
        }
    }
    /* The sentence as the text trace prints it: a drop without one says its
     * reason. */
    if (ev->kind == TRACE_DROP && ev->text[0] == '\0') {
        char s[256];
        snprintf(s, sizeof s, "%s (%s)", drop_reason_sentence((enum drop_reason)ev->reason),
                 drop_reason_name((enum drop_reason)ev->reason));
        put(o, "text", json_string(s), &oom);
    } else {
        put(o, "text", text_json(ev->text), &oom);
    }
    put(o, "rfc", str_or_null(ev->rfc), &oom);
    put(o, "cause", cause_json(&ev->cause, &oom), &oom);
    put(o, "fields", fields_json(ev, &oom), &oom);
    if (ev->has_tcb)
        put(o, "tcb", tcb_json(&ev->tcb, &oom), &oom);
    int rc = -1;
    if (!oom && json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII) == 0 && fputc('\n', out) != EOF)
        rc = 0;
    json_decref(o);
    return rc;
}

int
json_out_record(const struct record *rec, FILE *out)
{
    struct record_event ev;
    for (size_t i = 0; record_get(rec, i, &ev); i++)
        if (json_out_event(&ev, i, out) < 0)
            return -1;
    return 0;
}
