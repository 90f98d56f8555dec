/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario_app.c - builds the application payloads of the scenario language
 * with the stack's codecs, at the moment a step sends (or an expect compares).
 *
 *   websocket-accept "KEY" | from DVAR   the server's 101 response [RFC 6455 4.2.2]
 *   ws-frame OPCODE ...                  one frame [RFC 6455 5.2]
 *   dns-query ID NAME TYPE               a standard query, RD set [RFC 1035 4.1]
 *   dns-answer (ID NAME | to DVAR) ...   an authoritative answer [RFC 1035 4.1]
 *
 * The forms with a data variable read what an earlier recv kept, so the
 * server in a lesson really answers the request it got: change the client's
 * key or name and the answer follows.
 * Called by: sim/scenario/run_jobs.c. Calls: ws_accept(), ws_frame_emit(), dns_emit().
 */
#include "sim/scenario_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/http.h"
#include "stack/app/websocket.h"

/* [RFC 6455 4.2.2 5] the server's handshake: status 101, Upgrade,
 * Connection, and the accept value for the client's key */
static uint8_t *
ws_accept_response(const char *key, size_t key_len, size_t *len)
{
    char acc[WS_ACCEPT_LEN + 1];
    char *b;
    int n;

    ws_accept(key, key_len, acc);
    n = snprintf(NULL, 0, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
    b = malloc((size_t)n + 1);
    if (b == NULL)
        return NULL;
    snprintf(b, (size_t)n + 1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
    *len = (size_t)n;
    return (uint8_t *)b;
}

static uint8_t *
build_ws_accept(const struct scn_payload *pl, const struct scn_app_source *src, size_t *len,
                char *why, size_t why_len)
{
    struct http_head h;
    const struct http_field *f;
    enum app_err e;

    if (pl->app.from_dvar < 0)
        return ws_accept_response((const char *)pl->data, pl->len, len);
    e = http_head_parse(src->data, src->len, &h);
    if (e != APP_ERR_NONE || !h.is_request) {
        snprintf(why, why_len, "%s is not an HTTP request: %s", src->name,
                 e != APP_ERR_NONE ? app_err_str(e) : "it is a response");
        return NULL;
    }
    f = http_field_find(&h, src->data, "Sec-WebSocket-Key");
    if (f == NULL) {
        snprintf(why, why_len, "the request in %s has no Sec-WebSocket-Key header "
                 "[RFC 6455 4.1]", src->name);
        return NULL;
    }
    if (ws_key_check((const char *)src->data + f->value.off, f->value.len) != APP_ERR_NONE) {
        snprintf(why, why_len, "the Sec-WebSocket-Key in %s is not 16 bytes in base64 "
                 "[RFC 6455 4.1]", src->name);
        return NULL;
    }
    return ws_accept_response((const char *)src->data + f->value.off, f->value.len, len);
}

static uint8_t *
build_ws_frame(const struct scn_payload *pl, size_t *len)
{
    const struct scn_app_payload *a = &pl->app;
    struct ws_frame f = { .fin = !a->ws_more, .opcode = a->ws_opcode, .masked = a->ws_masked };
    size_t body_len = pl->len + (a->ws_has_code ? 2 : 0), k = 0, cap;
    uint8_t *body, *b;

    body = malloc(body_len + 1);
    if (body == NULL)
        return NULL;
    if (a->ws_has_code) {  /* [RFC 6455 5.5.1] the status code, network order */
        body[k++] = (uint8_t)(a->ws_code >> 8);
        body[k++] = (uint8_t)a->ws_code;
    }
    if (a->ws_fill) {
        /* the pattern `bytes N` sends everywhere: "abcd...xyzabc..." */
        for (size_t i = 0; i < pl->len; i++)
            body[k++] = (uint8_t)('a' + i % 26);
    } else if (pl->len > 0) {
        memcpy(body + k, pl->data, pl->len);
    }
    f.payload_len = body_len;
    /* the key as written, 0x37fa213d, goes on the wire as 37 fa 21 3d */
    f.mask_key[0] = (uint8_t)(a->ws_mask >> 24);
    f.mask_key[1] = (uint8_t)(a->ws_mask >> 16);
    f.mask_key[2] = (uint8_t)(a->ws_mask >> 8);
    f.mask_key[3] = (uint8_t)a->ws_mask;
    cap = ws_frame_hdr_len(&f) + body_len;
    b = malloc(cap + 1);
    if (b != NULL) {
        *len = ws_frame_emit(&f, body, b, cap);
        b[*len] = '\0';
    }
    free(body);
    return b;
}

static uint8_t *
emit_dns(const struct dns_spec *s, size_t *len, char *why, size_t why_len)
{
    uint8_t *b = malloc(512 + 1);  /* [RFC 1035 2.3.4] UDP messages: 512 octets */
    enum app_err e;

    if (b == NULL)
        return NULL;
    *len = dns_emit(s, b, 512, &e);
    if (*len == 0) {
        snprintf(why, why_len, "cannot build the DNS message: %s", app_err_str(e));
        free(b);
        return NULL;
    }
    b[*len] = '\0';
    return b;
}

static uint8_t *
build_dns_answer(const struct scn_payload *pl, const struct scn_app_source *src, size_t *len,
                 char *why, size_t why_len)
{
    const struct scn_app_payload *a = &pl->app;
    /* Without `to DVAR`: the answer to `dns-query ID NAME A`, whose RD is
     * set and so is copied into the response [RFC 1035 4.1.1] */
    struct dns_spec s = { .qr = true, .aa = true, .rd = true, .qtype = DNS_TYPE_A,
                          .qname = a->dns_name, .id = a->dns_id, .ttl = a->dns_ttl_s,
                          .a = &a->dns_addr };
    char name[DNS_NAME_TEXT_MAX + 1];

    if (a->from_dvar >= 0) {
        struct dns_msg q;
        enum app_err e = dns_parse(src->data, src->len, &q);
        if (e != APP_ERR_NONE || q.qr || q.n_qd == 0) {
            snprintf(why, why_len, "%s is not a DNS query: %s", src->name,
                     e != APP_ERR_NONE ? app_err_str(e) : q.qr ? "it is a response"
                                                            : "it asks no question");
            return NULL;
        }
        dns_name_read(src->data, src->len, q.qd[0].off, name, sizeof(name), NULL);
        if (strchr(name, '\\') != NULL) {
            snprintf(why, why_len, "the name asked in %s has octets dns-answer cannot copy",
                     src->name);
            return NULL;
        }
        s.id = q.id;
        s.rd = q.rd;  /* [RFC 1035 4.1.1] RD "is copied into the response" */
        s.qname = name;
        s.qtype = q.qd[0].qtype;
        if (!a->dns_nxdomain && s.qtype != DNS_TYPE_A) {
            const char *tn = dns_type_name(s.qtype);
            snprintf(why, why_len, "the query in %s asks for %s%s records; dns-answer gives "
                     "A records", src->name, tn != NULL ? tn : "type ", tn != NULL ? "" : "?");
            return NULL;
        }
    }
    if (a->dns_nxdomain)
        s.rcode = DNS_RCODE_NXDOMAIN;  /* [RFC 1035 4.1.1] "Name Error" */
    else
        s.n_a = 1;
    return emit_dns(&s, len, why, why_len);
}

uint8_t *
scn_app_payload_build(const struct scn_payload *pl, const struct scn_app_source *src,
                      size_t *len, char *why, size_t why_len)
{
    *len = 0;
    if (pl->app.from_dvar >= 0 && (pl->kind == SCN_PAYLOAD_WS_ACCEPT ||
                                   pl->kind == SCN_PAYLOAD_DNS_ANSWER) &&
        (src == NULL || !src->set)) {
        snprintf(why, why_len, "%s was never received", src != NULL ? src->name : "the data");
        return NULL;
    }
    struct scn_app_source empty;
    if (src != NULL && src->data == NULL) {  /* received, but empty */
        empty = (struct scn_app_source){ .name = src->name, .set = true,
                                         .data = (const uint8_t *)"", .len = 0 };
        src = &empty;
    }
    switch (pl->kind) {
    case SCN_PAYLOAD_WS_ACCEPT:
        return build_ws_accept(pl, src, len, why, why_len);
    case SCN_PAYLOAD_WS_FRAME:
        return build_ws_frame(pl, len);
    case SCN_PAYLOAD_DNS_QUERY: {
        /* a stub resolver's query: recursion desired [RFC 1035 4.1.1] */
        struct dns_spec s = { .id = pl->app.dns_id, .rd = true, .qname = pl->app.dns_name,
                              .qtype = pl->app.dns_type };
        return emit_dns(&s, len, why, why_len);
    }
    case SCN_PAYLOAD_DNS_ANSWER:
        return build_dns_answer(pl, src, len, why, why_len);
    default:
        snprintf(why, why_len, "not an application payload");
        return NULL;
    }
}
