/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * http.c - the head of an HTTP/1.1 message [RFC 9112 2.1]: parse, describe.
 *
 *   request-line = method SP request-target SP HTTP-version    [RFC 9112 3]
 *   status-line  = HTTP-version SP status-code SP [ reason-phrase ]  [RFC 9112 4]
 *   field-line   = field-name ":" OWS field-value OWS           [RFC 9112 5]
 *
 * Each line ends in CRLF and an empty line ends the head [RFC 9112 2.1].
 * This is a recogniser for teaching: it is strict (no bare LF, no obsolete
 * line folding [RFC 9112 5.2]) and says which rule a message broke.
 * Called by: frame_describe(), the view, the scenario runner.
 */
#include "stack/app/http.h"

#include <stdio.h>
#include <string.h>

/* [RFC 9110 5.6.2] tchar */
static bool
is_tchar(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static bool
is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

/* [RFC 9112 2.3] HTTP-version = "HTTP/" DIGIT "." DIGIT, at b[0..8) */
static bool
is_version(const uint8_t *b, size_t len)
{
    return len >= 8 && memcmp(b, "HTTP/", 5) == 0 && is_digit(b[5]) && b[6] == '.' &&
           is_digit(b[7]);
}

/* The line starting at off: its length without CRLF in *text_len. Returns
 * NONE, INCOMPLETE (no LF yet) or LINE_END (an LF without CR before it). */
static enum app_err
line_at(const uint8_t *b, size_t len, size_t off, size_t *text_len)
{
    const uint8_t *lf = memchr(b + off, '\n', len - off);

    if (lf == NULL)
        return APP_ERR_HTTP_INCOMPLETE;
    if (lf == b + off || lf[-1] != '\r')
        return APP_ERR_HTTP_LINE_END;
    *text_len = (size_t)(lf - (b + off)) - 1;
    return APP_ERR_NONE;
}

static bool
parse_request_line(const uint8_t *b, size_t n, struct http_head *h)
{
    size_t i = 0, t0;

    while (i < n && is_tchar(b[i]))
        i++;
    if (i == 0 || i >= n || b[i] != ' ')
        return false;
    h->method = (struct http_span){ 0, i };
    t0 = ++i;
    /* request-target: any visible characters [RFC 9112 3.2] */
    while (i < n && b[i] > ' ' && b[i] < 0x7f)
        i++;
    if (i == t0 || i >= n || b[i] != ' ')
        return false;
    h->target = (struct http_span){ t0, i - t0 };
    i++;
    if (n - i != 8 || !is_version(b + i, 8))
        return false;
    h->version = (struct http_span){ i, 8 };
    h->is_request = true;
    return true;
}

static bool
parse_status_line(const uint8_t *b, size_t n, struct http_head *h)
{
    if (n < 12 || !is_version(b, 8) || b[8] != ' ' || !is_digit(b[9]) || !is_digit(b[10]) ||
        !is_digit(b[11]) || (n > 12 && b[12] != ' '))
        return false;
    h->version = (struct http_span){ 0, 8 };
    h->status = (uint16_t)((b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0'));
    h->reason = n > 12 ? (struct http_span){ 13, n - 13 } : (struct http_span){ 12, 0 };
    h->is_request = false;
    return true;
}

/* Whether b[0..len), a start line without its end yet, can still become one:
 * a prefix of "HTTP/", or a method (a token) and what follows a space. */
static bool
start_prefix_ok(const uint8_t *b, size_t len)
{
    size_t i = 0;

    if (memcmp(b, "HTTP/", len < 5 ? len : 5) == 0)
        return true;
    while (i < len && is_tchar(b[i]))
        i++;
    return i == len || (i > 0 && b[i] == ' ');
}

static bool
is_ows(uint8_t ch)
{
    return ch == ' ' || ch == '\t';  /* [RFC 9110 5.6.3] OWS */
}

enum app_err
http_head_parse(const uint8_t *b, size_t len, struct http_head *out)
{
    size_t n, off;
    enum app_err e;

    memset(out, 0, sizeof(*out));
    if ((e = line_at(b, len, 0, &n)) != APP_ERR_NONE)
        return e == APP_ERR_HTTP_INCOMPLETE && !start_prefix_ok(b, len)
                   ? APP_ERR_HTTP_START_LINE : e;
    if (!parse_status_line(b, n, out) && !parse_request_line(b, n, out)) {
        memset(out, 0, sizeof(*out));
        return APP_ERR_HTTP_START_LINE;
    }
    out->start = (struct http_span){ 0, n + 2 };
    off = n + 2;
    for (;;) {
        struct http_field *f;
        size_t i = 0, v0, v1;
        if ((e = line_at(b, len, off, &n)) != APP_ERR_NONE)
            return e;
        if (n == 0) {  /* the empty line */
            out->head_len = off + 2;
            return APP_ERR_NONE;
        }
        /* field-name is a token, then ":" with no whitespace before it
         * [RFC 9112 5.1] */
        while (i < n && is_tchar(b[off + i]))
            i++;
        if (i == 0 || i >= n || b[off + i] != ':')
            return APP_ERR_HTTP_FIELD;
        if (out->n_fields == HTTP_FIELDS_MAX)
            return APP_ERR_HTTP_TOO_MANY;
        f = &out->f[out->n_fields++];
        f->line = (struct http_span){ off, n + 2 };
        f->name = (struct http_span){ off, i };
        v0 = i + 1;
        v1 = n;
        while (v0 < v1 && is_ows(b[off + v0]))
            v0++;
        while (v1 > v0 && is_ows(b[off + v1 - 1]))
            v1--;
        f->value = (struct http_span){ off + v0, v1 - v0 };
        off += n + 2;
    }
}

const struct http_field *
http_field_find(const struct http_head *h, const uint8_t *b, const char *name)
{
    size_t nl = strlen(name);

    for (size_t i = 0; i < h->n_fields; i++) {
        const struct http_field *f = &h->f[i];
        size_t k = 0;
        if (f->name.len != nl)
            continue;
        while (k < nl) {
            uint8_t a = b[f->name.off + k], c = (uint8_t)name[k];
            if (a >= 'A' && a <= 'Z')
                a = (uint8_t)(a - 'A' + 'a');
            if (c >= 'A' && c <= 'Z')
                c = (uint8_t)(c - 'A' + 'a');
            if (a != c)
                break;
            k++;
        }
        if (k == nl)
            return f;
    }
    return NULL;
}

int
http_describe(const struct http_head *h, const uint8_t *b, char *buf, size_t n)
{
    if (h->start.len == 0)
        return snprintf(buf, n, "HTTP");
    if (h->is_request)
        return snprintf(buf, n, "HTTP %.*s %.*s", (int)h->method.len,
                        (const char *)b + h->method.off, (int)h->target.len,
                        (const char *)b + h->target.off);
    return snprintf(buf, n, "HTTP %u%s%.*s", h->status, h->reason.len > 0 ? " " : "",
                    (int)h->reason.len, (const char *)b + h->reason.off);
}
