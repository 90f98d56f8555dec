/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dns.h - DNS messages [RFC 1035 4.1]: header, questions, resource records;
 * parse (with name compression [RFC 1035 4.1.4]), emit, describe.
 */
#ifndef NETSTEP_APP_DNS_H
#define NETSTEP_APP_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/app/apperr.h"

#define DNS_PORT      53
#define DNS_HDR_LEN   12
#define DNS_LABEL_MAX 63   /* [RFC 1035 2.3.4] */
#define DNS_NAME_MAX  255  /* [RFC 1035 2.3.4] octets on the wire */
/* Longest name as text: every octet shown as \DDD. */
#define DNS_NAME_TEXT_MAX (4 * DNS_NAME_MAX)
#define DNS_QD_MAX 4       /* questions kept by dns_parse() (all are checked) */
#define DNS_RR_MAX 8       /* answers kept by dns_parse() (all are checked) */

/* [RFC 1035 3.2.2] TYPE values, [RFC 3596 2.1] AAAA */
#define DNS_TYPE_A     1
#define DNS_TYPE_NS    2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA   6
#define DNS_TYPE_PTR   12
#define DNS_TYPE_MX    15
#define DNS_TYPE_TXT   16
#define DNS_TYPE_AAAA  28
#define DNS_CLASS_IN   1   /* [RFC 1035 3.2.4] */

/* [RFC 1035 4.1.1] RCODE values */
#define DNS_RCODE_NOERROR  0
#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP   4
#define DNS_RCODE_REFUSED  5

struct dns_question {
    size_t off;       /* where its name starts in the message */
    size_t name_len;  /* octets the name takes there (a pointer counts 2) */
    uint16_t qtype;   /* QTYPE */
    uint16_t qclass;  /* QCLASS */
};

struct dns_rr {
    size_t off;         /* where its name starts in the message */
    size_t name_len;    /* octets the name takes there */
    uint16_t type;      /* TYPE */
    uint16_t rclass;    /* CLASS */
    uint32_t ttl;       /* seconds it may be cached */
    uint16_t rdlength;  /* RDATA octets */
    size_t rdata_off;   /* where RDATA starts */
    uint32_t a;         /* type A, class IN: the address, host order */
};

struct dns_msg {
    uint16_t id;        /* matches an answer to its query */
    bool qr;            /* 0 query, 1 response */
    uint8_t opcode;     /* 0 standard query */
    bool aa;            /* authoritative answer */
    bool tc;            /* truncated */
    bool rd;            /* recursion desired */
    bool ra;            /* recursion available */
    uint8_t z;          /* reserved, 3 bits */
    uint8_t rcode;      /* DNS_RCODE_* */
    uint16_t qdcount;   /* questions */
    uint16_t ancount;   /* answers */
    uint16_t nscount;   /* authority records */
    uint16_t arcount;   /* additional records */
    size_t n_qd;        /* questions kept in qd (at most DNS_QD_MAX) */
    struct dns_question qd[DNS_QD_MAX];
    size_t n_an;        /* answers kept in an (at most DNS_RR_MAX) */
    struct dns_rr an[DNS_RR_MAX];
};

/* What dns_emit() writes: one question, and for a response n_a A records for
 * the question's name (each name a pointer to the question's [RFC 1035
 * 4.1.4]). */
struct dns_spec {
    uint16_t id;          /* ID */
    bool qr;              /* a response */
    bool aa;              /* AA */
    bool rd;              /* RD */
    bool ra;              /* RA */
    uint8_t rcode;        /* RCODE */
    const char *qname;    /* "www.example.test" (a final dot is allowed) */
    uint16_t qtype;       /* QTYPE */
    size_t n_a;           /* A records to answer with */
    const uint32_t *a;    /* their addresses, host order */
    uint32_t ttl;         /* their TTL, seconds */
};

/* Parses the message b[0..len): header, every question and record (the
 * first DNS_QD_MAX and DNS_RR_MAX answers kept), every name checked. Errors:
 * DNS_TRUNCATED, DNS_LABEL_TYPE, DNS_LABEL_LONG, DNS_NAME_LONG, DNS_POINTER
 * (a pointer that does not point before the labels it interrupts: this is
 * what stops a loop), DNS_RDATA, DNS_TRAILING. Never writes b. */
enum app_err dns_parse(const uint8_t *b, size_t len, struct dns_msg *out);
/* The name at b[off..] of the message b[0..len) as text: labels joined by
 * dots, "." for the root, octets other than letters, digits, '-' and '_' as
 * \DDD [RFC 1035 5.1]. *wire_len (may be NULL) gets the octets the name takes
 * at off. Same errors as dns_parse() for names. */
enum app_err dns_name_read(const uint8_t *b, size_t len, size_t off, char *text, size_t n,
                           size_t *wire_len);
/* Writes text as labels into b[0..n) [RFC 1035 3.1]; *wire_len gets the
 * octets. Errors: DNS_LABEL_EMPTY, DNS_LABEL_LONG, DNS_NAME_LONG, NO_ROOM. */
enum app_err dns_name_encode(const char *text, uint8_t *b, size_t n, size_t *wire_len);
/* Writes the message s describes into b[0..n). Returns its length, or 0 with
 * *err set (a bad name, or NO_ROOM). */
size_t dns_emit(const struct dns_spec *s, uint8_t *b, size_t n, enum app_err *err);
/* "A", "AAAA", ... or NULL; "NOERROR", "NXDOMAIN", ... or NULL. */
const char *dns_type_name(uint16_t type);
const char *dns_rcode_name(uint8_t rcode);
/* "DNS query A www.example.test, id 4660",
 * "DNS response A www.example.test -> 203.0.113.80, id 4660",
 * "DNS response NXDOMAIN www.example.test, id 4660". b is the message m was
 * parsed from. */
int dns_describe(const struct dns_msg *m, const uint8_t *b, size_t len, char *buf, size_t n);

#endif
