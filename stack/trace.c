/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace.c - the trace bus: a list of sinks and the helpers layers call.
 */
#include "stack/trace.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stack/host.h"
#include "stack/pkt.h"
#include "stack/wire/describe.h"
#include "stack/wire/tcp.h"

void
trace_init(struct trace *tr)
{
    tr->sinks = NULL;
    tr->events = 0;
    tr->text_sinks = 0;
    tr->sentence_sinks = 0;
    tr->event_sinks = 0;
    tr->sentences = 0;
    tr->frame_busy = false;
    memset(&tr->frame_ev, 0, sizeof tr->frame_ev);
}

void
trace_attach_need(struct trace *tr, struct trace_sink *s, enum trace_need need)
{
    struct trace_sink **pp = &tr->sinks;
    while (*pp != NULL)
        pp = &(*pp)->next;
    s->next = NULL;
    s->need = need;
    if (need == TRACE_NEED_TEXT)
        tr->text_sinks++;
    if (need == TRACE_NEED_TEXT || need == TRACE_NEED_FORMAT)
        tr->sentence_sinks++;
    if (need != TRACE_NEED_WIRE)
        tr->event_sinks++;
    *pp = s;
}

void
trace_attach(struct trace *tr, struct trace_sink *s)
{
    trace_attach_need(tr, s, TRACE_NEED_TEXT);
}

void
trace_detach(struct trace *tr, struct trace_sink *s)
{
    for (struct trace_sink **pp = &tr->sinks; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            s->next = NULL;
            if (s->need == TRACE_NEED_TEXT && tr->text_sinks > 0)
                tr->text_sinks--;
            if ((s->need == TRACE_NEED_TEXT || s->need == TRACE_NEED_FORMAT) &&
                tr->sentence_sinks > 0)
                tr->sentence_sinks--;
            if (s->need != TRACE_NEED_WIRE && tr->event_sinks > 0)
                tr->event_sinks--;
            return;
        }
    }
}

void
trace_emit(struct trace *tr, const struct trace_event *ev)
{
    if (tr == NULL)
        return;
    tr->events++;
    for (struct trace_sink *s = tr->sinks; s != NULL; s = s->next)
        s->emit(s->ctx, ev);
}

void
trace_count(struct host *h, enum trace_kind kind, enum trace_layer layer)
{
    if (kind == TRACE_RX)
        h->stats.rx[layer]++;
    else if (kind == TRACE_TX)
        h->stats.tx[layer]++;
}

void
trace_frame(struct host *h, enum trace_kind kind, enum trace_layer layer, const struct pkt *p)
{
    trace_count(h, kind, layer);
    if (h->trace == NULL || h->trace->sinks == NULL ||
        (layer != LAYER_ETH && !trace_wants_events(h->trace)))
        return;
    /* Every frame goes by here twice (sent, received) when only a capture
     * listens: its event is the bus's own, zeroed once, so only the fields
     * a frame sets are written, not the whole event with its sentence and
     * TCB snapshot (their zeroing, and reading the event back just after,
     * cost more than the frame's delivery). A sink that makes a frame
     * event while one is delivered gets an event of its own. */
    struct trace *tr = h->trace;
    struct trace_event nested;
    struct trace_event *ev = &tr->frame_ev;
    if (tr->frame_busy) {
        memset(&nested, 0, sizeof nested);
        ev = &nested;
    }
    ev->t_ns = h->now_ns;
    ev->kind = kind;
    ev->layer = layer;
    ev->host = h;
    ev->where = h->name;
    ev->pkt = p;
    ev->cause = (p != NULL && p->cause.kind != CAUSE_NONE) ? p->cause : h->cause;
    bool outer = !tr->frame_busy;
    tr->frame_busy = true;
    trace_emit(tr, ev);
    if (outer)
        tr->frame_busy = false;
}

/* --- the bus's formatter: printf's conversions and TRACE_IPV4, TRACE_MAC --- */

int
trace_format_number(char *buf, size_t n, const char *spec, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char t[24];
    size_t k = 0;
    if (strcmp(spec, TRACE_IPV4) == 0) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            unsigned octet = (unsigned)(v >> shift) & 0xffu;
            if (octet >= 100)
                t[k++] = (char)('0' + octet / 100);
            if (octet >= 10)
                t[k++] = (char)('0' + octet / 10 % 10);
            t[k++] = (char)('0' + octet % 10);
            if (shift > 0)
                t[k++] = '.';
        }
    } else if (strcmp(spec, TRACE_MAC) == 0) {
        for (int shift = 40; shift >= 0; shift -= 8) {
            unsigned octet = (unsigned)(v >> shift) & 0xffu;
            t[k++] = hex[octet >> 4];
            t[k++] = hex[octet & 15];
            if (shift > 0)
                t[k++] = ':';
        }
    } else {
        return -1;
    }
    if (n > 0) {
        size_t w = k < n - 1 ? k : n - 1;
        memcpy(buf, t, w);
        buf[w] = '\0';
    }
    return (int)k;
}

/* --- TRACE_TCP: a TCP header read from the packet's bytes ----------------- */

int
trace_tcp_conv_cut(const char *spec, size_t len)
{
    /* "%'zu" or "%'.NNNzu": nothing else of printf's is spelled so */
    if (len < 4 || spec[0] != '%' || spec[1] != '\'' || spec[len - 2] != 'z' ||
        spec[len - 1] != 'u')
        return -1;
    if (len == 4)
        return INT32_MAX;
    if (spec[2] != '.' || len == 5)
        return -1;
    long cut = 0;
    for (size_t i = 3; i < len - 2; i++) {
        if (spec[i] < '0' || spec[i] > '9' || cut > INT32_MAX / 10)
            return -1;
        cut = cut * 10 + (spec[i] - '0');
    }
    return (int)cut;
}

int
trace_format_tcp(char *buf, size_t n, const char *spec, const uint8_t *seg, size_t seg_len,
                 size_t payload_len)
{
    int cut = trace_tcp_conv_cut(spec, strlen(spec));
    if (cut < 0)
        return -1;
    /* The header as the receiver parsed it (or as the sender built it, which
     * parses back to the same fields), described as tcp_describe() always
     * did: options in the order Linux lays them out, whatever their order
     * on the wire. */
    struct tcp_hdr t;
    char text[2 * TRACE_TEXT_LEN];
    int w;
    if (seg == NULL || tcp_parse_header(seg, seg_len, &t) != DROP_NONE)
        w = snprintf(text, sizeof text, "(no TCP segment)");
    else
        w = tcp_describe(&t, payload_len, text, sizeof text);
    if (w < 0)
        w = 0;
    if (w > cut)
        w = cut;
    if ((size_t)w >= sizeof text)
        w = (int)sizeof text - 1;
    if (n > 0) {
        size_t k = (size_t)w < n - 1 ? (size_t)w : n - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    return w;
}

size_t
trace_tcp_payload(const uint8_t *seg, size_t seg_len)
{
    /* [RFC 9293 3.1] Data Offset, in 32-bit words, in the high nibble */
    if (seg == NULL || seg_len < TCP_HDR_MIN)
        return SIZE_MAX;
    size_t data_off = (size_t)(seg[12] >> 4) * 4;
    if (data_off < TCP_HDR_MIN || data_off > seg_len)
        return SIZE_MAX;
    return seg_len - data_off;
}

bool
trace_pkt_segment(const struct pkt *p, const uint8_t **seg, size_t *seg_len)
{
    *seg = NULL;
    *seg_len = 0;
    if (p == NULL)
        return false;
    const uint8_t *l4 = p->l4_off >= 0 ? p->head + p->l4_off : p->data;
    if (l4 < p->data || l4 > p->data + p->len)
        return false;
    *seg = l4;
    *seg_len = (size_t)(p->data + p->len - l4);
    return true;
}

const char *
trace_conv_parse(const char *p, int *stars, enum trace_conv_arg *arg)
{
    p++;  /* the '%' */
    *stars = 0;
    if (*p == '%') {
        *arg = TRACE_CONV_PERCENT;
        return p + 1;
    }
    while (*p != '\0' && strchr("-+ #0'", *p) != NULL)
        p++;
    if (*p == '*') {
        ++*stars;
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            ++*stars;
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    enum trace_conv_arg len = TRACE_CONV_INT;
    if (p[0] == 'h') {
        p += p[1] == 'h' ? 2 : 1;
    } else if (p[0] == 'l') {
        len = p[1] == 'l' ? TRACE_CONV_LLONG : TRACE_CONV_LONG;
        p += p[1] == 'l' ? 2 : 1;
    } else if (*p == 'z' || *p == 'j' || *p == 't' || *p == 'L') {
        len = *p == 'z' ? TRACE_CONV_SIZE : *p == 'j' ? TRACE_CONV_INTMAX : *p == 't' ? TRACE_CONV_PTRDIFF
                                                                    : TRACE_CONV_LDOUBLE;
        p++;
    }
    switch (*p) {
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        *arg = len == TRACE_CONV_LDOUBLE ? TRACE_CONV_BAD : len;
        break;
    case 'c':
        *arg = len == TRACE_CONV_INT ? TRACE_CONV_INT : TRACE_CONV_BAD;
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
        *arg = len == TRACE_CONV_LDOUBLE ? TRACE_CONV_LDOUBLE : len == TRACE_CONV_INT || len == TRACE_CONV_LONG ? TRACE_CONV_DOUBLE
                                                                                      : TRACE_CONV_BAD;
        break;
    case 's':
        *arg = len == TRACE_CONV_INT ? TRACE_CONV_STR : TRACE_CONV_BAD;
        break;
    case 'p':
        *arg = TRACE_CONV_PTR;
        break;
    default:
        *arg = TRACE_CONV_BAD;  /* %n, %ls, a positional one: not in the stack's sentences */
        return p;
    }
    return p + 1;
}

/* Formats are the stack's literals, checked by the compiler where written;
 * here each conversion is given back to snprintf() with its own argument. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define CONV_PUT(value)                                                              \
    (stars == 0   ? snprintf(dst, room, spec, value)                                 \
     : stars == 1 ? snprintf(dst, room, spec, star[0], value)                        \
                  : snprintf(dst, room, spec, star[0], star[1], value))

/* The plain conversion at p (a '%'): its length, its letter in *conv ('d',
 * 'u', 'z' for %zu, 'L' for %lld, 's', '%'); 0 if it is not plain. */
static size_t
plain_conv(const char *p, char *conv)
{
    switch (p[1]) {
    case 'd': case 'u': case 's': case '%':
        *conv = p[1];
        return 2;
    case 'z':
        *conv = 'z';
        return p[2] == 'u' ? 3 : 0;
    case 'l':
        *conv = 'L';
        return p[2] == 'l' && p[3] == 'd' ? 4 : 0;
    default:
        return 0;
    }
}

/* Append src[0..len) to buf (room n) at *total, cut as vsnprintf() cuts:
 * *total counts every byte, the buffer keeps the first n - 1. */
static inline void
plain_put(char *buf, size_t n, size_t *total, const char *src, size_t len)
{
    if (*total + 1 < n) {
        size_t room = n - 1 - *total;
        memcpy(buf + *total, src, len < room ? len : room);
    }
    *total += len;
}

char *
trace_decimal(char *end, uint64_t v)
{
    char *q = end;
    do {
        *--q = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return q;
}

/* v in decimal, a minus first if neg, into buf's end: where it starts. */
static char *
plain_decimal(char *end, unsigned long long v, bool neg)
{
    char *q = trace_decimal(end, v);
    if (neg)
        *--q = '-';
    return q;
}

int
trace_vformat_plain(char *buf, size_t n, const char *fmt, va_list ap)
{
    char conv;
    for (const char *p = strchr(fmt, '%'); p != NULL; p = strchr(p + 2, '%')) {
        size_t len = plain_conv(p, &conv);
        if (len == 0) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            return vsnprintf(buf, n, fmt, ap);  /* fmt is the caller's, checked there */
#pragma GCC diagnostic pop
        }
        p += len - 2;
    }
    size_t total = 0;
    const char *p = fmt;
    while (*p != '\0') {
        const char *pct = strchr(p, '%');
        size_t lit = pct != NULL ? (size_t)(pct - p) : strlen(p);
        plain_put(buf, n, &total, p, lit);
        if (pct == NULL)
            break;
        size_t len = plain_conv(pct, &conv);
        p = pct + len;
        char num[24];
        char *end = num + sizeof num;
        const char *q;
        switch (conv) {
        case 'd': {
            int v = va_arg(ap, int);
            /* the magnitude as unsigned: -INT_MIN does not fit an int */
            q = plain_decimal(end, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v,
                              v < 0);
            break;
        }
        case 'L': {
            long long v = va_arg(ap, long long);
            q = plain_decimal(end, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v,
                              v < 0);
            break;
        }
        case 'u':
            q = plain_decimal(end, va_arg(ap, unsigned), false);
            break;
        case 'z':
            q = plain_decimal(end, va_arg(ap, size_t), false);
            break;
        case 's': {
            const char *v = va_arg(ap, const char *);
            if (v == NULL)
                v = "(null)";  /* as glibc prints it */
            plain_put(buf, n, &total, v, strlen(v));
            continue;
        }
        default:  /* '%' */
            plain_put(buf, n, &total, "%", 1);
            continue;
        }
        plain_put(buf, n, &total, q, (size_t)(end - q));
    }
    if (n > 0)
        buf[total < n - 1 ? total : n - 1] = '\0';
    return total > INT_MAX ? -1 : (int)total;
}

int
trace_vformat(char *buf, size_t n, const char *fmt, va_list ap)
{
    return trace_vformat_seg(buf, n, fmt, ap, NULL, 0);
}

int
trace_vformat_seg(char *buf, size_t n, const char *fmt, va_list ap, const uint8_t *seg,
                  size_t seg_len)
{
    if (strstr(fmt, "%'") == NULL)
        return vsnprintf(buf, n, fmt, ap);  /* printf's own conversions only */
    size_t total = 0;  /* the whole text's length, as vsnprintf() counts it */
    const char *p = fmt;
    while (*p != '\0') {
        /* each piece goes where it falls, cut by what room is left (none:
         * only counted), as vsnprintf() writes its text */
        char *dst = total < n ? buf + total : NULL;
        size_t room = total < n ? n - total : 0;
        const char *pct = strchr(p, '%');
        if (pct != p) {
            size_t lit = pct != NULL ? (size_t)(pct - p) : strlen(p);
            if (room > 1)
                memcpy(dst, p, lit < room - 1 ? lit : room - 1);
            total += lit;
            p += lit;
            continue;
        }
        int stars, star[2] = { 0, 0 };
        enum trace_conv_arg arg;
        const char *end = trace_conv_parse(pct, &stars, &arg);
        char spec[32];
        size_t sl = (size_t)(end - pct);
        if (arg == TRACE_CONV_BAD || sl >= sizeof spec)
            break;
        memcpy(spec, pct, sl);
        spec[sl] = '\0';
        for (int k = 0; k < stars; k++)
            star[k] = va_arg(ap, int);
        int w = -1;
        switch (arg) {
        case TRACE_CONV_PERCENT:
            if (room > 1)
                *dst = '%';
            w = 1;
            break;
        case TRACE_CONV_INT: {
            int v = va_arg(ap, int);
            w = stars == 0 ? trace_format_number(dst, room, spec, (uint32_t)v) : -1;
            if (w < 0)
                w = CONV_PUT(v);
            break;
        }
        case TRACE_CONV_LONG: {
            long v = va_arg(ap, long);
            w = stars == 0 ? trace_format_number(dst, room, spec, (uint64_t)v) : -1;
            if (w < 0)
                w = CONV_PUT(v);
            break;
        }
        case TRACE_CONV_LLONG: {
            long long v = va_arg(ap, long long);
            w = stars == 0 ? trace_format_number(dst, room, spec, (uint64_t)v) : -1;
            if (w < 0)
                w = CONV_PUT(v);
            break;
        }
        case TRACE_CONV_SIZE: {
            size_t v = va_arg(ap, size_t);
            w = stars == 0 ? trace_format_tcp(dst, room, spec, seg, seg_len, v) : -1;
            if (w < 0)
                w = CONV_PUT(v);
            break;
        }
        case TRACE_CONV_INTMAX: { intmax_t v = va_arg(ap, intmax_t); w = CONV_PUT(v); break; }
        case TRACE_CONV_PTRDIFF: { ptrdiff_t v = va_arg(ap, ptrdiff_t); w = CONV_PUT(v); break; }
        case TRACE_CONV_DOUBLE: { double v = va_arg(ap, double); w = CONV_PUT(v); break; }
        case TRACE_CONV_LDOUBLE: { long double v = va_arg(ap, long double); w = CONV_PUT(v); break; }
        case TRACE_CONV_STR: { const char *v = va_arg(ap, const char *); w = CONV_PUT(v); break; }
        case TRACE_CONV_PTR: { void *v = va_arg(ap, void *); w = CONV_PUT(v); break; }
        case TRACE_CONV_BAD: break;
        }
        if (w < 0)
            break;
        total += (size_t)w;
        p = end;
    }
    if (n > 0)
        buf[total < n - 1 ? total : n - 1] = '\0';
    return (int)total;
}
#undef CONV_PUT
#pragma GCC diagnostic pop

/* *dst = *src, one field at a time (trace_vemit() says why). A field added
 * to struct trace_tcb must be copied here too: the size check below fails
 * the build until this is looked at again. */
_Static_assert(sizeof(struct trace_tcb) == 136 || sizeof(void *) != 8,
               "struct trace_tcb changed: copy its new fields in trace_tcb_copy()");
static inline void
trace_tcb_copy(struct trace_tcb *dst, const struct trace_tcb *src)
{
    dst->state = src->state;
    dst->v6 = src->v6;
    dst->mapped = src->mapped;
    dst->laddr = src->laddr;
    dst->faddr = src->faddr;
    memcpy(dst->laddr6, src->laddr6, sizeof dst->laddr6);
    memcpy(dst->faddr6, src->faddr6, sizeof dst->faddr6);
    dst->lport = src->lport;
    dst->fport = src->fport;
    dst->iss = src->iss;
    dst->irs = src->irs;
    dst->snd_una = src->snd_una;
    dst->snd_nxt = src->snd_nxt;
    dst->snd_wnd = src->snd_wnd;
    dst->rcv_nxt = src->rcv_nxt;
    dst->rcv_wnd = src->rcv_wnd;
    dst->cwnd = src->cwnd;
    dst->ssthresh = src->ssthresh;
    dst->srtt_ns = src->srtt_ns;
    dst->rto_ns = src->rto_ns;
    dst->rtt_ns = src->rtt_ns;
    dst->rtt_at_ns = src->rtt_at_ns;
    dst->rtt_samples = src->rtt_samples;
}

static void
trace_vemit(struct host *h, enum trace_kind kind, enum trace_layer layer, const struct pkt *p,
            const struct trace_tcb *tcb, const char *rfc, const char *fmt, va_list ap)
{
    trace_count(h, kind, layer);
    /* a capture alone reads the Ethernet layer's frames, nothing above */
    if (h->trace == NULL || h->trace->sinks == NULL ||
        (layer != LAYER_ETH && !trace_wants_events(h->trace)))
        return;
    struct trace_event ev;
    trace_event_start(&ev, h->now_ns, kind, layer, h, h->name, p,
                      (p != NULL && p->cause.kind != CAUSE_NONE) ? p->cause : h->cause);
    ev.rfc = rfc;
    /* The snapshot copied field by field: the caller has just written it
     * so, and a wider read of fields still being stored waits for them. */
    if (tcb != NULL) {
        ev.has_tcb = true;
        trace_tcb_copy(&ev.tcb, tcb);
    }
    if (fmt != NULL && h->trace->text_sinks > 0) {
        va_list copy;
        va_copy(copy, ap);
        const uint8_t *seg;
        size_t seg_len;
        trace_pkt_segment(p, &seg, &seg_len);
        /* fmt is a layer's literal, checked where the helper was called */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        trace_vformat_seg(ev.text, sizeof(ev.text), fmt, copy, seg, seg_len);
#pragma GCC diagnostic pop
        va_end(copy);
        h->trace->sentences++;
    }
    /* Sinks that build the sentence later read the format and arguments
     * (describing the event costs more than the stack's work on it). */
    va_list args;
    va_copy(args, ap);  /* ap may be a pointer already: take a va_list's address */
    ev.fmt = fmt;
    ev.args = fmt != NULL ? &args : NULL;
    trace_emit(h->trace, &ev);
    va_end(args);
}

/* strlen(s), at most max */
static size_t
bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

void
trace_format_frame_text(const uint8_t *frame, size_t len, const char *suffix,
                        char buf[TRACE_TEXT_LEN])
{
    /* the suffix kept whole even when the description is cut short */
    size_t suffix_len = bounded_len(suffix, TRACE_TEXT_LEN);
    if (suffix_len >= TRACE_TEXT_LEN)
        suffix_len = 0;
    size_t room = TRACE_TEXT_LEN - suffix_len;
    frame_describe(frame, len, buf, room);
    size_t used = bounded_len(buf, room - 1);
    memcpy(buf + used, suffix, suffix_len);
    buf[used + suffix_len] = '\0';
}

const char *
trace_event_text(const struct trace_event *ev, char buf[TRACE_TEXT_LEN])
{
    if (ev->text[0] != '\0' || ev->fmt == NULL || ev->args == NULL)
        return ev->text;
    char suffix[TRACE_TEXT_LEN];
    va_list ap;
    va_copy(ap, *ev->args);
    const uint8_t *seg;
    size_t seg_len;
    trace_pkt_segment(ev->pkt, &seg, &seg_len);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"  /* a layer's literal, checked there */
    trace_vformat_seg(ev->frame_text ? suffix : buf, TRACE_TEXT_LEN, ev->fmt, ap, seg, seg_len);
#pragma GCC diagnostic pop
    va_end(ap);
    if (ev->frame_text)
        trace_format_frame_text(ev->pkt->data, ev->pkt->len, suffix, buf);
    return buf;
}

void
trace_emit_frame(struct trace *tr, struct trace_event *ev, const char *fmt, ...)
{
    if (tr == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    ev->text[0] = '\0';
    if (tr->text_sinks > 0) {
        char suffix[TRACE_TEXT_LEN];
        va_list copy;
        va_copy(copy, ap);
        const uint8_t *seg;
        size_t seg_len;
        trace_pkt_segment(ev->pkt, &seg, &seg_len);
        trace_vformat_seg(suffix, sizeof suffix, fmt, copy, seg, seg_len);
        va_end(copy);
        trace_format_frame_text(ev->pkt->data, ev->pkt->len, suffix, ev->text);
        tr->sentences++;
    }
    ev->fmt = fmt;
    ev->args = &ap;
    ev->frame_text = true;
    trace_emit(tr, ev);
    va_end(ap);
}

void
trace_rx(struct host *h, enum trace_layer layer, const struct pkt *p, const char *rfc,
         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_vemit(h, TRACE_RX, layer, p, NULL, rfc, fmt, ap);
    va_end(ap);
}

void
trace_tx(struct host *h, enum trace_layer layer, const struct pkt *p, const char *rfc,
         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_vemit(h, TRACE_TX, layer, p, NULL, rfc, fmt, ap);
    va_end(ap);
}

void
trace_event(struct host *h, enum trace_kind kind, enum trace_layer layer, const struct pkt *p,
            const char *rfc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_vemit(h, kind, layer, p, NULL, rfc, fmt, ap);
    va_end(ap);
}

void
trace_tcp(struct host *h, enum trace_kind kind, const struct pkt *p, const struct trace_tcb *tcb,
          const char *rfc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trace_vemit(h, kind, LAYER_TCP, p, tcb, rfc, fmt, ap);
    va_end(ap);
}

void
trace_vtcp(struct host *h, enum trace_kind kind, const struct pkt *p, const struct trace_tcb *tcb,
           const char *rfc, const char *fmt, va_list ap)
{
    trace_vemit(h, kind, LAYER_TCP, p, tcb, rfc, fmt, ap);
}

const char *
trace_kind_name(enum trace_kind k)
{
    static const char *const names[TRACE_KIND_COUNT] = {
        [TRACE_RX] = "RX",       [TRACE_TX] = "TX",       [TRACE_DELIVER] = "DELIVER",
        [TRACE_DROP] = "DROP",   [TRACE_STATE] = "STATE", [TRACE_TIMER] = "TIMER",
        [TRACE_CACHE] = "CACHE", [TRACE_WIRE] = "WIRE",   [TRACE_CALL] = "CALL",
        [TRACE_NOTE] = "NOTE",
    };
    return (unsigned)k < TRACE_KIND_COUNT ? names[k] : "?";
}

const char *
trace_layer_name(enum trace_layer l)
{
    static const char *const names[LAYER_COUNT] = {
        [LAYER_NONE] = "-",    [LAYER_APP] = "App",   [LAYER_SOCKET] = "Socket",
        [LAYER_TCP] = "TCP",   [LAYER_UDP] = "UDP",   [LAYER_ICMP] = "ICMP",
        [LAYER_IPV4] = "IPv4", [LAYER_ARP] = "ARP",   [LAYER_ETH] = "Eth",
        [LAYER_WIRE] = "Wire", [LAYER_IPV6] = "IPv6", [LAYER_ICMPV6] = "ICMPv6",
    };
    return (unsigned)l < LAYER_COUNT ? names[l] : "?";
}

const char *
socket_call_name(enum socket_call call)
{
    static const char *const names[CALL_COUNT] = {
        [CALL_NONE] = "-",           [CALL_SOCKET] = "socket",
        [CALL_BIND] = "bind",        [CALL_LISTEN] = "listen",
        [CALL_ACCEPT] = "accept",    [CALL_CONNECT] = "connect",
        [CALL_SEND] = "send",        [CALL_SENDTO] = "sendto",
        [CALL_RECV] = "recv",        [CALL_RECVFROM] = "recvfrom",
        [CALL_SHUTDOWN] = "shutdown", [CALL_CLOSE] = "close",
        [CALL_SETSOCKOPT] = "setsockopt", [CALL_GETSOCKOPT] = "getsockopt",
        [CALL_GETSOCKNAME] = "getsockname", [CALL_GETPEERNAME] = "getpeername",
        [CALL_PING] = "ping",
    };
    return (unsigned)call < CALL_COUNT ? names[call] : "?";
}

const char *
timer_kind_name(enum timer_kind timer)
{
    static const char *const names[TIMER_COUNT] = {
        [TIMER_NONE] = "-",
        [TIMER_ARP_RETRY] = "ARP retry",
        [TIMER_ARP_EXPIRE] = "ARP expiry",
        [TIMER_TCP_REXMT] = "retransmission",
        [TIMER_TCP_DELACK] = "delayed ACK",
        [TIMER_TCP_PERSIST] = "persist",
        [TIMER_TCP_KEEPALIVE] = "keepalive",
        [TIMER_TCP_TIMEWAIT] = "TIME-WAIT",
        [TIMER_IPFRAG] = "reassembly",
        [TIMER_TCP_LINGER] = "linger",
        [TIMER_ND] = "nd6",
    };
    return (unsigned)timer < TIMER_COUNT ? names[timer] : "?";
}

const char *
tcp_why_name(enum tcp_why why)
{
    static const char *const names[TCP_WHY_COUNT] = {
        [TCP_WHY_NONE] = "-",
        [TCP_WHY_OPEN] = "handshake",
        [TCP_WHY_DATA] = "data",
        [TCP_WHY_ACK] = "ACK",
        [TCP_WHY_DELACK] = "delayed ACK",
        [TCP_WHY_RTO] = "retransmission timeout",
        [TCP_WHY_FAST_RETRANSMIT] = "fast retransmit",
        [TCP_WHY_RECOVERY] = "loss recovery",
        [TCP_WHY_WINDOW_UPDATE] = "window update",
        [TCP_WHY_PERSIST] = "persist probe",
        [TCP_WHY_KEEPALIVE] = "keep-alive",
        [TCP_WHY_CHALLENGE_ACK] = "challenge ACK",
        [TCP_WHY_RESET] = "reset",
        [TCP_WHY_LIMITED_TRANSMIT] = "limited transmit",
        [TCP_WHY_PMTU] = "the path MTU fell: resent smaller",
        [TCP_WHY_CHALLENGE_SYN] = "challenge ACK",
        [TCP_WHY_CHALLENGE_BAD_ACK] = "challenge ACK",
    };
    return (unsigned)why < TCP_WHY_COUNT ? names[why] : "?";
}
