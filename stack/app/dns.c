/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.c - DNS messages [RFC 1035 4.1]: parse, emit, describe.
 *
 * A message is a 12-byte header [RFC 1035 4.1.1], QDCOUNT questions (a name,
 * QTYPE, QCLASS) [RFC 1035 4.1.2], then ANCOUNT + NSCOUNT + ARCOUNT resource
 * records (a name, TYPE, CLASS, TTL, RDLENGTH, RDATA) [RFC 1035 4.1.3]. A
 * name is a sequence of labels, each a length octet and that many octets,
 * ending in the zero-length root label [RFC 1035 3.1], or ending in a
 * two-octet pointer to an earlier name (top bits 11) [RFC 1035 4.1.4].
 *
 * Loop protection: a pointer must point before the first octet of the labels
 * it interrupts, so every jump goes strictly backwards and a walk ends after
 * at most len jumps; a name of more than 255 octets is refused too.
 * Called by: the scenario runner (payloads), frame_describe(), the view.
 */
#include "stack/app/dns.h"

#include <stdio.h>
#include <string.h>

#include "stack/wire/addr.h"
#include "stack/wire/bytes.h"
#include "stack/wire/text.h"

/* Octets of a question's fixed part and of a record's, after the name */
#define DNS_Q_FIXED  4   /* QTYPE QCLASS */
#define DNS_RR_FIXED 10  /* TYPE CLASS TTL RDLENGTH */

/* One label's octets as text, with \DDD for anything but LDH and '_'. */
static void
label_text(struct text *t, const uint8_t *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = l[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_')
            text_add(t, "%c", ch);
        else
            text_add(t, "\\%03u", ch);
    }
}

enum app_err
dns_name_read(const uint8_t *b, size_t len, size_t off, char *textbuf, size_t n,
              size_t *wire_len)
{
    struct text t;
    size_t pos = off, seg_start = off, total = 0, used = 0;
    bool jumped = false, any = false;

    text_init(&t, textbuf, n);
    for (;;) {
        uint8_t l;
        if (pos >= len)
            return APP_ERR_DNS_TRUNCATED;
        l = b[pos];
        if ((l & 0xc0) == 0xc0) {
            size_t target;
            if (len - pos < 2)
                return APP_ERR_DNS_TRUNCATED;
            target = (size_t)(l & 0x3f) << 8 | b[pos + 1];
            if (!jumped)
                used = pos + 2 - off;
            /* [RFC 1035 4.1.4] "a pointer to a prior occurance of the same
             * name": before the labels it interrupts, or it could loop */
            if (target >= seg_start)
                return APP_ERR_DNS_POINTER;
            jumped = true;
            seg_start = pos = target;
            continue;
        }
        if ((l & 0xc0) != 0)  /* 01 and 10 are reserved [RFC 1035 4.1.4] */
            return APP_ERR_DNS_LABEL_TYPE;
        total += (size_t)l + 1;
        if (total > DNS_NAME_MAX)
            return APP_ERR_DNS_NAME_LONG;
        if (l == 0) {
            if (!jumped)
                used = pos + 1 - off;
            break;
        }
        if (len - pos - 1 < l)
            return APP_ERR_DNS_TRUNCATED;
        if (any)
            text_add(&t, ".");
        label_text(&t, b + pos + 1, l);
        any = true;
        pos += 1 + (size_t)l;
    }
    if (!any)
        text_add(&t, ".");
    if (wire_len != NULL)
        *wire_len = used;
    return APP_ERR_NONE;
}

enum app_err
dns_name_encode(const char *text, uint8_t *b, size_t n, size_t *wire_len)
{
    size_t k = 0, tl = strlen(text);

    *wire_len = 0;
    if (tl > 0 && text[tl - 1] == '.')
        tl--;  /* "example.test." is the same absolute name */
    for (size_t i = 0; i < tl;) {
        size_t j = i;
        while (j < tl && text[j] != '.')
            j++;
        if (j == i)
            return APP_ERR_DNS_LABEL_EMPTY;
        if (j - i > DNS_LABEL_MAX)
            return APP_ERR_DNS_LABEL_LONG;
        if (k + 1 + (j - i) + 1 > DNS_NAME_MAX)
            return APP_ERR_DNS_NAME_LONG;
        if (k + 1 + (j - i) > n)
            return APP_ERR_NO_ROOM;
        b[k++] = (uint8_t)(j - i);
        memcpy(b + k, text + i, j - i);
        k += j - i;
        i = j + 1;
        if (j < tl && j + 1 == tl)
            return APP_ERR_DNS_LABEL_EMPTY;  /* "a..": an empty last label */
    }
    if (k + 1 > n)
        return APP_ERR_NO_ROOM;
    b[k++] = 0;  /* the root */
    *wire_len = k;
    return APP_ERR_NONE;
}

/* A name at *pos, checked; *pos moves past it. */
static enum app_err
skip_name(const uint8_t *b, size_t len, size_t *pos, size_t *name_len)
{
    char scratch[1];
    enum app_err e = dns_name_read(b, len, *pos, scratch, sizeof(scratch), name_len);

    if (e == APP_ERR_NONE)
        *pos += *name_len;
    return e;
}

enum app_err
dns_parse(const uint8_t *b, size_t len, struct dns_msg *out)
{
    size_t pos = DNS_HDR_LEN, n_rr;
    enum app_err e;

    memset(out, 0, sizeof(*out));
    if (len < DNS_HDR_LEN)
        return APP_ERR_DNS_TRUNCATED;
    /* [RFC 1035 4.1.1] the header */
    out->id = be16_get(b);
    out->qr = (b[2] & 0x80) != 0;
    out->opcode = (uint8_t)(b[2] >> 3 & 0x0f);
    out->aa = (b[2] & 0x04) != 0;
    out->tc = (b[2] & 0x02) != 0;
    out->rd = (b[2] & 0x01) != 0;
    out->ra = (b[3] & 0x80) != 0;
    out->z = (uint8_t)(b[3] >> 4 & 0x07);
    out->rcode = b[3] & 0x0f;
    out->qdcount = be16_get(b + 4);
    out->ancount = be16_get(b + 6);
    out->nscount = be16_get(b + 8);
    out->arcount = be16_get(b + 10);

    /* [RFC 1035 4.1.2] the questions */
    for (size_t i = 0; i < out->qdcount; i++) {
        struct dns_question q = { .off = pos };
        if ((e = skip_name(b, len, &pos, &q.name_len)) != APP_ERR_NONE)
            return e;
        if (len - pos < DNS_Q_FIXED)
            return APP_ERR_DNS_TRUNCATED;
        q.qtype = be16_get(b + pos);
        q.qclass = be16_get(b + pos + 2);
        pos += DNS_Q_FIXED;
        if (out->n_qd < DNS_QD_MAX)
            out->qd[out->n_qd++] = q;
    }

    /* [RFC 1035 4.1.3] answer, authority and additional records */
    n_rr = (size_t)out->ancount + out->nscount + out->arcount;
    for (size_t i = 0; i < n_rr; i++) {
        struct dns_rr rr = { .off = pos };
        if ((e = skip_name(b, len, &pos, &rr.name_len)) != APP_ERR_NONE)
            return e;
        if (len - pos < DNS_RR_FIXED)
            return APP_ERR_DNS_TRUNCATED;
        rr.type = be16_get(b + pos);
        rr.rclass = be16_get(b + pos + 2);
        rr.ttl = be32_get(b + pos + 4);
        rr.rdlength = be16_get(b + pos + 8);
        pos += DNS_RR_FIXED;
        if (len - pos < rr.rdlength)
            return APP_ERR_DNS_TRUNCATED;
        rr.rdata_off = pos;
        if (rr.type == DNS_TYPE_A && rr.rclass == DNS_CLASS_IN) {
            /* [RFC 1035 3.4.1] "A 32 bit Internet address" */
            if (rr.rdlength != 4)
                return APP_ERR_DNS_RDATA;
            rr.a = be32_get(b + pos);
        }
        pos += rr.rdlength;
        if (i < out->ancount && out->n_an < DNS_RR_MAX)
            out->an[out->n_an++] = rr;
    }
    if (pos != len)
        return APP_ERR_DNS_TRAILING;
    return APP_ERR_NONE;
}

size_t
dns_emit(const struct dns_spec *s, uint8_t *b, size_t n, enum app_err *err)
{
    size_t pos = DNS_HDR_LEN, name_len;

    *err = APP_ERR_NO_ROOM;
    if (n < DNS_HDR_LEN)
        return 0;
    be16_put(b, s->id);
    b[2] = (uint8_t)((s->qr ? 0x80 : 0) | (s->aa ? 0x04 : 0) | (s->rd ? 0x01 : 0));
    b[3] = (uint8_t)((s->ra ? 0x80 : 0) | (s->rcode & 0x0f));
    be16_put(b + 4, 1);
    be16_put(b + 6, s->qr ? (uint16_t)s->n_a : 0);
    be16_put(b + 8, 0);
    be16_put(b + 10, 0);
    *err = dns_name_encode(s->qname, b + pos, n - pos, &name_len);
    if (*err != APP_ERR_NONE)
        return 0;
    pos += name_len;
    *err = APP_ERR_NO_ROOM;
    if (n - pos < DNS_Q_FIXED)
        return 0;
    be16_put(b + pos, s->qtype);
    be16_put(b + pos + 2, DNS_CLASS_IN);
    pos += DNS_Q_FIXED;
    for (size_t i = 0; s->qr && i < s->n_a; i++) {
        if (n - pos < 2 + DNS_RR_FIXED + 4)
            return 0;
        /* [RFC 1035 4.1.4] the owner name as a pointer to the question's,
         * which starts right after the header: 0xc00c, as servers send it */
        be16_put(b + pos, (uint16_t)(0xc000 | DNS_HDR_LEN));
        be16_put(b + pos + 2, DNS_TYPE_A);
        be16_put(b + pos + 4, DNS_CLASS_IN);
        be32_put(b + pos + 6, s->ttl);
        be16_put(b + pos + 10, 4);
        be32_put(b + pos + 12, s->a[i]);
        pos += 2 + DNS_RR_FIXED + 4;
    }
    *err = APP_ERR_NONE;
    return pos;
}

const char *
dns_type_name(uint16_t type)
{
    switch (type) {
    case DNS_TYPE_A:     return "A";
    case DNS_TYPE_NS:    return "NS";
    case DNS_TYPE_CNAME: return "CNAME";
    case DNS_TYPE_SOA:   return "SOA";
    case DNS_TYPE_PTR:   return "PTR";
    case DNS_TYPE_MX:    return "MX";
    case DNS_TYPE_TXT:   return "TXT";
    case DNS_TYPE_AAAA:  return "AAAA";
    default:             return NULL;
    }
}

const char *
dns_rcode_name(uint8_t rcode)
{
    switch (rcode) {
    case DNS_RCODE_NOERROR:  return "NOERROR";
    case DNS_RCODE_FORMERR:  return "FORMERR";
    case DNS_RCODE_SERVFAIL: return "SERVFAIL";
    case DNS_RCODE_NXDOMAIN: return "NXDOMAIN";
    case DNS_RCODE_NOTIMP:   return "NOTIMP";
    case DNS_RCODE_REFUSED:  return "REFUSED";
    default:                 return NULL;
    }
}

/* "A" or "TYPE99" [RFC 3597 5] */
static void
type_text(struct text *t, uint16_t type)
{
    const char *name = dns_type_name(type);

    if (name != NULL)
        text_add(t, "%s", name);
    else
        text_add(t, "TYPE%u", type);
}

int
dns_describe(const struct dns_msg *m, const uint8_t *b, size_t len, char *buf, size_t n)
{
    struct text t;
    char name[DNS_NAME_TEXT_MAX + 1];

    text_init(&t, buf, n);
    text_add(&t, "DNS %s", m->qr ? "response" : "query");
    if (m->qr && m->rcode != DNS_RCODE_NOERROR) {
        const char *rn = dns_rcode_name(m->rcode);
        if (rn != NULL)
            text_add(&t, " %s", rn);
        else
            text_add(&t, " rcode %u", m->rcode);
    }
    if (m->n_qd > 0) {
        text_add(&t, " ");
        type_text(&t, m->qd[0].qtype);
        if (dns_name_read(b, len, m->qd[0].off, name, sizeof(name), NULL) == APP_ERR_NONE)
            text_add(&t, " %s", name);
    }
    for (size_t i = 0; i < m->n_an; i++) {
        const struct dns_rr *rr = &m->an[i];
        text_add(&t, i == 0 ? " -> " : ", ");
        if (rr->type == DNS_TYPE_A && rr->rclass == DNS_CLASS_IN) {
            char a[IPV4_ADDR_STRLEN];
            text_add(&t, "%s", ipv4_addr_str(rr->a, a));
        } else {
            type_text(&t, rr->type);
        }
    }
    text_add(&t, ", id %u", m->id);
    return (int)t.len;
}
