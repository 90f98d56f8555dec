/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * http.h - the head of an HTTP/1.1 message [RFC 9112 2.1]: the request line
 * or status line, then header field lines, then an empty line. Parse and
 * describe; the body is not looked at.
 */
#ifndef NETSTEP_APP_HTTP_H
#define NETSTEP_APP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/app/apperr.h"

#define HTTP_FIELDS_MAX 32

/* Bytes b[off..off+len) of the message. */
struct http_span {
    size_t off;  /* first byte */
    size_t len;  /* bytes */
};

struct http_field {
    struct http_span line;   /* the whole field line, CRLF included */
    struct http_span name;   /* field-name */
    struct http_span value;  /* field-value, without the OWS around it */
};

struct http_head {
    bool is_request;           /* a request line, else a status line */
    struct http_span start;    /* the start line, CRLF included; len 0 if
                                  not recognised */
    struct http_span method;   /* request: method */
    struct http_span target;   /* request: request-target */
    struct http_span version;  /* "HTTP/1.1" */
    uint16_t status;           /* response: status-code, 100..999 */
    struct http_span reason;   /* response: reason-phrase (may be empty) */
    size_t n_fields;           /* field lines in f */
    struct http_field f[HTTP_FIELDS_MAX];
    size_t head_len;           /* bytes through the empty line; 0 if incomplete */
};

/* Parses the head at b[0..len). Lines must end in CRLF [RFC 9112 2.2].
 * Errors: HTTP_START_LINE (not "METHOD SP TARGET SP HTTP/d.d" nor
 * "HTTP/d.d SP ddd SP reason"), HTTP_LINE_END, HTTP_FIELD, HTTP_TOO_MANY, and
 * HTTP_INCOMPLETE when no empty line comes before len; out then holds what
 * was complete (a recognised start line has start.len > 0). Never writes b. */
enum app_err http_head_parse(const uint8_t *b, size_t len, struct http_head *out);
/* The first field named name (case-insensitive [RFC 9110 5.1]), or NULL. */
const struct http_field *http_field_find(const struct http_head *h, const uint8_t *b,
                                         const char *name);
/* "HTTP GET /index.html", "HTTP 101 Switching Protocols" */
int http_describe(const struct http_head *h, const uint8_t *b, char *buf, size_t n);

#endif
