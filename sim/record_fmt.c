/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_fmt.c - the event log's sentence formats: parsing a printf format
 * into what its arguments are, packing an event's arguments into a kept
 * form, comparing a kept form with an event's arguments without packing
 * them, and replaying a kept form to the text vsnprintf() would have made
 * (cut where it would have cut it). sim/record.c keeps the forms; see its
 * header comment.
 * Called by: sim/record.c. Calls: the trace formatters (stack/trace.h).
 */
#include "sim/record_fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/trace.h"

/* One conversion of a format: the spec "%-*.3lu" spans [start, end). */
struct fmt_conv {
    const char *start, *end;
    int stars;             /* '*' width and precision: ARG_INT arguments first */
    enum fmt_arg arg;      /* the value's; 0 for "%%" */
};

/* The conversion starting at p (at a '%'), as the bus reads it
 * (trace_conv_parse()); false if it is one not kept (%n, %ls, %Lf, glibc's
 * %m, a positional one). */
static bool
fmt_next_conv(const char *p, struct fmt_conv *c)
{
    enum trace_conv_arg a;
    c->start = p;
    c->end = trace_conv_parse(p, &c->stars, &a);
    switch (a) {
    case TRACE_CONV_PERCENT:
        c->arg = 0;
        return true;
    case TRACE_CONV_INT:
        c->arg = ARG_INT;
        return true;
    case TRACE_CONV_LONG: case TRACE_CONV_LLONG: case TRACE_CONV_SIZE:
    case TRACE_CONV_INTMAX: case TRACE_CONV_PTRDIFF:
        c->arg = ARG_WIDE;
        /* TRACE_TCP's size_t: nothing kept, the header read again */
        if (c->stars == 0 && trace_tcp_conv_cut(c->start, (size_t)(c->end - c->start)) >= 0)
            c->arg = ARG_TCP;
        return true;
    case TRACE_CONV_DOUBLE:
        c->arg = ARG_DOUBLE;
        return true;
    case TRACE_CONV_STR:
        c->arg = ARG_STR;
        return true;
    case TRACE_CONV_PTR:
        c->arg = ARG_PTR;
        return true;
    default:  /* TRACE_CONV_LDOUBLE, TRACE_CONV_BAD */
        return false;
    }
}

/* What fmt's arguments are: from the table, parsing it the first time. */
struct record_fmt *
record_fmt_of(struct record_fmt **table, const char *fmt)
{
    if (*table == NULL) {
        *table = calloc(RECORD_FMTS, sizeof **table);
        if (*table == NULL)
            return NULL;  /* such sentences are built at once */
    }
    struct record_fmt *fmts = *table;
    size_t slot = (size_t)(((uintptr_t)fmt >> 3) * 0x9E3779B97F4A7C15ull >> 40) & (RECORD_FMTS - 1);
    struct record_fmt *f = NULL;
    for (size_t k = 0; k < RECORD_FMTS; k++, slot = (slot + 1) & (RECORD_FMTS - 1)) {
        if (fmts[slot].fmt == fmt)
            return &fmts[slot];
        if (fmts[slot].fmt == NULL) {
            f = &fmts[slot];
            break;
        }
    }
    if (f == NULL)
        return NULL;  /* table full: build such sentences at once */
    f->fmt = fmt;
    f->ok = true;
    f->has_tcp = false;
    f->n = 0;
    f->misses = f->skipped = 0;
    memset(f->recent, 0, sizeof f->recent);
    for (const char *p = strchr(fmt, '%'); p != NULL && f->ok; p = strchr(p, '%')) {
        struct fmt_conv c;
        if (!fmt_next_conv(p, &c) || f->n + c.stars + (c.arg != 0) > RECORD_FMT_ARGS) {
            f->ok = false;
            break;
        }
        for (int k = 0; k < c.stars; k++)
            f->arg[f->n++] = ARG_INT;
        if (c.arg != 0)
            f->arg[f->n++] = (uint8_t)c.arg;
        if (c.arg == ARG_TCP)
            f->has_tcp = true;
        p = c.end;
    }
    return f;
}

/* Append the `size` bytes at v to out (room n) at *k; false if they do not
 * fit. */
static inline bool
pack_put(uint8_t *out, size_t n, size_t *k, const void *v, size_t size)
{
    if (*k + size > n)
        return false;
    memcpy(out + *k, v, size);
    *k += size;
    return true;
}

/* The arguments ap holds for f, packed at out (room n). Returns the bytes
 * used, SIZE_MAX if they do not fit. A TRACE_TCP argument takes no room: it is
 * checked instead, *tcp_ok false if one differs from what the segment's
 * own header says (payload, SIZE_MAX: the event has no segment). *h mixes
 * in the values as they go by: hashed from the packed bytes instead, each
 * word read waited for the small stores it spans (most of record_said()'s
 * time). Equal packed bytes give equal hashes: the values are all there is
 * to them. */
size_t
pack_args(const struct record_fmt *f, va_list ap, uint8_t *out, size_t n, size_t payload,
          bool *tcp_ok, uint64_t *hash)
{
    size_t k = 0;
    uint64_t h = *hash;
    for (unsigned i = 0; i < f->n; i++) {
        switch (f->arg[i]) {
        case ARG_TCP: {
            size_t v = va_arg(ap, size_t);
            if (v != payload || payload == SIZE_MAX)
                *tcp_ok = false;
            break;
        }
        case ARG_INT: {
            int v = va_arg(ap, int);
            if (!pack_put(out, n, &k, &v, sizeof v))
                return SIZE_MAX;
            h = said_mix(h, (uint32_t)v);
            break;
        }
        case ARG_WIDE: {
            long long v = va_arg(ap, long long);
            if (!pack_put(out, n, &k, &v, sizeof v))
                return SIZE_MAX;
            h = said_mix(h, (uint64_t)v);
            break;
        }
        case ARG_DOUBLE: {
            double v = va_arg(ap, double);
            if (!pack_put(out, n, &k, &v, sizeof v))
                return SIZE_MAX;
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            h = said_mix(h, bits);
            break;
        }
        case ARG_PTR: {
            void *v = va_arg(ap, void *);
            if (!pack_put(out, n, &k, &v, sizeof v))
                return SIZE_MAX;
            h = said_mix(h, (uint64_t)(uintptr_t)v);
            break;
        }
        case ARG_STR: {
            /* [u16 length, 0xffff for NULL][the bytes][NUL] */
            const char *v = va_arg(ap, const char *);
            size_t len = v != NULL ? strlen(v) : 0;
            uint16_t tag = v != NULL ? (uint16_t)len : 0xffffu;
            if (v != NULL && len >= 0xffffu)
                return SIZE_MAX;
            if (k + 2 + len + 1 > n)
                return SIZE_MAX;
            memcpy(out + k, &tag, 2);
            if (len > 0)
                memcpy(out + k + 2, v, len);
            out[k + 2 + len] = '\0';
            k += 2 + len + 1;
            /* the string as the caller has it (its bytes, then the tag) */
            size_t j = 0;
            for (; j + 8 <= len; j += 8) {
                uint64_t w;
                memcpy(&w, v + j, 8);
                h = said_mix(h, w);
            }
            uint64_t rest = 0;
            for (; j < len; j++)
                rest = rest << 8 | (uint8_t)v[j];
            h = said_mix(said_mix(h, rest), tag);
            break;
        }
        default:
            return SIZE_MAX;
        }
    }
    *hash = h;
    return k;
}

/* Whether the arguments ap holds for f are the ones packed in the kept
 * form `kept` (of f, tag `tag`): what pack_args() would have packed, and
 * a TRACE_TCP argument the segment's payload (as pack_args() checks it).
 * Nothing is written: an event whose sentence is one of its format's
 * recent ones costs a compare of its values. */
bool
same_args(const struct record_fmt *f, va_list ap, const uint8_t *kept, uint8_t tag,
          size_t payload)
{
    uint16_t kept_len;
    memcpy(&kept_len, kept, 2);
    if (kept[2] != tag)
        return false;
    const uint8_t *v = kept + 3 + sizeof f->fmt, *end = kept + 3 + kept_len;
    for (unsigned i = 0; i < f->n; i++) {
        switch (f->arg[i]) {
        case ARG_TCP: {
            size_t x = va_arg(ap, size_t);
            if (x != payload || payload == SIZE_MAX)
                return false;
            break;
        }
        case ARG_INT: {
            int x = va_arg(ap, int), y;
            memcpy(&y, v, sizeof y);
            if (x != y)
                return false;
            v += sizeof y;
            break;
        }
        case ARG_WIDE: {
            long long x = va_arg(ap, long long), y;
            memcpy(&y, v, sizeof y);
            if (x != y)
                return false;
            v += sizeof y;
            break;
        }
        case ARG_DOUBLE: {
            /* as bits: pack_args() kept the bits */
            double x = va_arg(ap, double);
            if (memcmp(&x, v, sizeof x) != 0)
                return false;
            v += sizeof x;
            break;
        }
        case ARG_PTR: {
            void *x = va_arg(ap, void *), *y;
            memcpy(&y, v, sizeof y);
            if (x != y)
                return false;
            v += sizeof y;
            break;
        }
        case ARG_STR: {
            const char *x = va_arg(ap, const char *);
            uint16_t len;
            memcpy(&len, v, 2);
            if (x == NULL || len == 0xffffu) {
                if (x != NULL || len != 0xffffu)
                    return false;
                v += 3;
                break;
            }
            /* the kept bytes hold no NUL: a shorter x differs at its own */
            const uint8_t *y = v + 2;
            for (size_t j = 0; j < len; j++)
                if ((uint8_t)x[j] != y[j])
                    return false;
            if (x[len] != '\0')
                return false;
            v += 2 + (size_t)len + 1;
            break;
        }
        default:
            return false;
        }
    }
    return v == end;
}

#pragma GCC diagnostic push
/* The format is the stack's literal, kept by pointer and replayed one
 * conversion at a time. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* The spec given back to snprintf() with its stars (none, one or two) and
 * its value, as the bus's own formatter does (stack/trace.c). */
#define REPLAY_PUT(value)                                              \
    (c->stars == 0   ? snprintf(out, room, spec, value)                \
     : c->stars == 1 ? snprintf(out, room, spec, star[0], value)       \
                     : snprintf(out, room, spec, star[0], star[1], value))
/* One conversion spec (NUL-terminated) with its star arguments and value;
 * a TRACE_TCP one reads the segment seg[0..seg_len) instead. */
static int
replay_conv(char *out, size_t room, const char *spec, const struct fmt_conv *c, const int *star,
            const uint8_t *v, const uint8_t *seg, size_t seg_len)
{
    int iv;
    long long wv;
    double dv;
    void *pv;
    const char *sv;
    /* an address kept as its number (TRACE_IPV4, TRACE_MAC) */
    if (c->stars == 0 && c->arg == ARG_INT) {
        memcpy(&iv, v, sizeof iv);
        int w = trace_format_number(out, room, spec, (uint32_t)iv);
        if (w >= 0)
            return w;
    } else if (c->stars == 0 && c->arg == ARG_WIDE) {
        memcpy(&wv, v, sizeof wv);
        int w = trace_format_number(out, room, spec, (uint64_t)wv);
        if (w >= 0)
            return w;
    }
    switch (c->arg) {
    case ARG_TCP:
        return trace_format_tcp(out, room, spec, seg, seg_len, trace_tcp_payload(seg, seg_len));
    case ARG_INT:
        memcpy(&iv, v, sizeof iv);
        return REPLAY_PUT(iv);
    case ARG_WIDE:
        memcpy(&wv, v, sizeof wv);
        return REPLAY_PUT(wv);
    case ARG_DOUBLE:
        memcpy(&dv, v, sizeof dv);
        return REPLAY_PUT(dv);
    case ARG_PTR:
        memcpy(&pv, v, sizeof pv);
        return REPLAY_PUT(pv);
    case ARG_STR: {
        uint16_t tag;
        memcpy(&tag, v, 2);
        sv = tag == 0xffffu ? NULL : (const char *)v + 2;
        return REPLAY_PUT(sv);
    }
    default:
        return 0;
    }
}
#undef REPLAY_PUT
#pragma GCC diagnostic pop

/* The size of the packed argument at v of class a. */
static size_t
packed_size(enum fmt_arg a, const uint8_t *v)
{
    switch (a) {
    case ARG_INT:
        return sizeof(int);
    case ARG_WIDE:
        return sizeof(long long);
    case ARG_DOUBLE:
        return sizeof(double);
    case ARG_PTR:
        return sizeof(void *);
    case ARG_TCP:
        return 0;
    case ARG_STR: {
        uint16_t tag;
        memcpy(&tag, v, 2);
        return 2 + (tag == 0xffffu ? 0 : tag) + 1;
    }
    }
    return 0;
}

/* The sentence fmt would have made of the arguments packed at v, into buf
 * (TRACE_TEXT_LEN bytes), cut where vsnprintf() would have cut it; its
 * TRACE_TCP conversions read seg[0..seg_len) (NULL: none kept). */
void
replay_fmt(const char *fmt, const uint8_t *v, char *buf, const uint8_t *seg, size_t seg_len)
{
    char out[2 * TRACE_TEXT_LEN];
    size_t pos = 0;
    const char *p = fmt;
    while (*p != '\0' && pos < TRACE_TEXT_LEN - 1) {
        const char *pct = strchr(p, '%');
        size_t lit = pct != NULL ? (size_t)(pct - p) : strlen(p);
        if (lit > sizeof out - 1 - pos)
            lit = sizeof out - 1 - pos;
        memcpy(out + pos, p, lit);
        pos += lit;
        if (pct == NULL || pos >= TRACE_TEXT_LEN - 1)
            break;
        struct fmt_conv c;
        if (!fmt_next_conv(pct, &c))
            break;  /* not kept so: record_emit() built such a sentence at once */
        p = c.end;
        if (c.arg == 0) {
            out[pos++] = '%';
            continue;
        }
        int star[2] = { 0, 0 };
        for (int k = 0; k < c.stars; k++) {
            memcpy(&star[k], v, sizeof(int));
            v += sizeof(int);
        }
        char spec[64];
        size_t sl = (size_t)(c.end - c.start);
        if (sl >= sizeof spec)
            break;
        memcpy(spec, c.start, sl);
        spec[sl] = '\0';
        int w = replay_conv(out + pos, sizeof out - pos, spec, &c, star, v, seg, seg_len);
        v += packed_size(c.arg, v);
        if (w > 0)
            pos += (size_t)w < sizeof out - pos ? (size_t)w : sizeof out - 1 - pos;
    }
    if (pos > TRACE_TEXT_LEN - 1)
        pos = TRACE_TEXT_LEN - 1;
    memcpy(buf, out, pos);
    buf[pos] = '\0';
}
