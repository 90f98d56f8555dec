/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/values.c - values: numbers, durations, rates, percentages,
 * addresses, endpoints, texts and payloads, including the application
 * payloads the stack's codecs build (stack/app/).
 */
#include "sim/scenario/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"

/* ---------------------------------------------------------------------------
 * Values: numbers, durations, rates, percentages, addresses, payloads
 * ------------------------------------------------------------------------- */


/* All of s[0..n) as a decimal integer. */
enum num_status
parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0)
        return NUM_BAD;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return NUM_BAD;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
    }
    *out = v;
    return NUM_OK;
}

/* Length of the [0-9]+(\.[0-9]+)? at the start of s, 0 if none. */
static size_t
decimal_len(const char *s)
{
    size_t i = 0;

    while (is_digit(s[i]))
        i++;
    if (i > 0 && s[i] == '.' && is_digit(s[i + 1])) {
        i++;
        while (is_digit(s[i]))
            i++;
    }
    return i;
}

/* The decimal s[0..n) times 10^exp10, exactly: "1.5" with exp10 3 is 1500. */
static enum num_status
decimal_scale(const char *s, size_t n, unsigned exp10, uint64_t *out)
{
    uint64_t v = 0;
    unsigned frac = 0;
    size_t i = 0;
    size_t end = n;

    for (; i < n && s[i] != '.'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NUM_RANGE;
        v = v * 10 + d;
    }
    if (i < n) {
        i++;
        while (end > i && s[end - 1] == '0')
            end--;
        for (; i < end; i++, frac++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (frac == exp10)
                return NUM_FRACTION;
            if (v > (UINT64_MAX - d) / 10)
                return NUM_RANGE;
            v = v * 10 + d;
        }
    }
    for (; frac < exp10; frac++) {
        if (v > UINT64_MAX / 10)
            return NUM_RANGE;
        v *= 10;
    }
    *out = v;
    return NUM_OK;
}


const struct unit time_units[] = {
    { "ns", 0 }, { "us", 3 }, { "ms", 6 }, { "s", 9 }, { NULL, 0 },
};

/* tc(8) spells rates kbit, Mbit, Gbit; bps here means bits (not tc's bytes). */
static const struct unit rate_units[] = {
    { "bit", 0 }, { "bps", 0 }, { "kbit", 3 }, { "Mbit", 6 }, { "Gbit", 9 }, { NULL, 0 },
};

static const struct unit *
unit_find(const struct unit *units, const char *name)
{
    for (size_t i = 0; units[i].name != NULL; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* DUR: "10ms", "1.5s", "250us" -> nanoseconds. */
int
get_dur(struct parser *p, const struct tok *t, uint64_t *out)
{
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *unit = t->text + n;
    const struct unit *u;

    if (n == 0)
        return perr(p, t->col, "expected a duration like 10ms or 1.5s, found %s", show(t).s);
    if (*unit == '\0')
        return perr(p, t->col, "duration %s needs a unit: ns, us, ms or s", show(t).s);
    u = unit_find(time_units, unit);
    if (u == NULL)
        return perr(p, t->col, "unknown time unit '%.*s' in %s (use ns, us, ms or s)",
                    SHOW_MAX, unit, show(t).s);
    switch (decimal_scale(t->text, n, u->exp10, out)) {
    case NUM_OK:
        return 0;
    case NUM_FRACTION:
        return perr(p, t->col, "duration %s is not a whole number of nanoseconds", show(t).s);
    default:
        return perr(p, t->col, "duration %s is too long", show(t).s);
    }
}

/* RATE: "10Mbit", "1.5Gbit", "64kbit", "9600bps" -> bits per second. */
int
get_rate(struct parser *p, const struct tok *t, uint64_t *out)
{
    static const char *const names[] = { "bit", "bps", "kbit", "Mbit", "Gbit", NULL };
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *unit = t->text + n;
    const struct unit *u;

    if (n == 0)
        return perr(p, t->col, "expected a rate like 10Mbit, found %s", show(t).s);
    if (*unit == '\0')
        return perr(p, t->col, "rate %s needs a unit: bit, kbit, Mbit or Gbit", show(t).s);
    u = unit_find(rate_units, unit);
    if (u == NULL) {
        struct suggest sg;
        suggest_init(&sg, unit);
        suggest_list(&sg, names);
        /* "Mbps" is closest to "bps" by spelling, but means megabits. */
        if (strlen(unit) == 4 && strcmp(unit + 1, "bps") == 0 && strchr("kKmMgG", unit[0]))
            sg.best = names[fold(unit[0]) == 'k' ? 2 : fold(unit[0]) == 'm' ? 3 : 4];
        if (sg.best != NULL)
            return perr(p, t->col, "unknown rate unit '%.*s' in %s (did you mean '%s'?)",
                        SHOW_MAX, unit, show(t).s, sg.best);
        return perr(p, t->col, "unknown rate unit '%.*s' in %s (use bit, kbit, Mbit or Gbit)",
                    SHOW_MAX, unit, show(t).s);
    }
    switch (decimal_scale(t->text, n, u->exp10, out)) {
    case NUM_OK:
        return 0;
    case NUM_FRACTION:
        return perr(p, t->col, "rate %s is not a whole number of bits per second", show(t).s);
    default:
        return perr(p, t->col, "rate %s is too large", show(t).s);
    }
}

/* PCT: "10%", "0.5%" -> parts per million (1% is 10000 ppm). */
int
get_pct(struct parser *p, const struct tok *t, uint32_t *out)
{
    size_t n = t->kind == TOK_WORD ? decimal_len(t->text) : 0;
    const char *rest = t->text + n;
    uint64_t ppm = 0;

    if (n > 0 && *rest == '\0')
        return perr(p, t->col, "percentage %s needs a '%%' sign, like 10%%", show(t).s);
    if (n == 0 || strcmp(rest, "%") != 0)
        return perr(p, t->col, "expected a percentage like 10%% or 0.5%%, found %s",
                    show(t).s);
    switch (decimal_scale(t->text, n, 4, &ppm)) {
    case NUM_OK:
        break;
    case NUM_FRACTION:
        return perr(p, t->col, "percentage %s is finer than 0.0001%%", show(t).s);
    default:
        ppm = UINT64_MAX;
        break;
    }
    if (ppm > SCN_PPM_ONE)
        return perr(p, t->col, "percentage %s is more than 100%%", show(t).s);
    *out = (uint32_t)ppm;
    return 0;
}

/* A whole number lo..hi named `what`; `why` explains the upper bound ("" if
 * it needs no explaining). */
int
get_uint(struct parser *p, const struct tok *t, const char *what, uint64_t lo, uint64_t hi,
         const char *why, uint64_t *out)
{
    enum num_status st = t->kind == TOK_WORD ? parse_u64(t->text, t->len, out) : NUM_BAD;

    if (st == NUM_BAD)
        return perr(p, t->col, "%s must be a whole number, found %s", what, show(t).s);
    if (st == NUM_RANGE || *out > hi)
        return perr(p, t->col, "%s %.*s is more than %" PRIu64 "%s", what, SHOW_MAX, t->text,
                    hi, why);
    if (*out < lo)
        return perr(p, t->col, "%s must be at least %" PRIu64, what, lo);
    return 0;
}

/* A port, s[0..n) at column col. */
int
get_port(struct parser *p, const char *s, size_t n, unsigned col, uint16_t *out)
{
    uint64_t v = 0;
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

    switch (parse_u64(s, n, &v)) {
    case NUM_BAD:
        return perr(p, col, "bad port '%.*s' (a port is a number 1..65535)", shown, s);
    case NUM_OK:
        if (v >= 1 && v <= 65535) {
            *out = (uint16_t)v;
            return 0;
        }
        /* fall through */
    default:
        return perr(p, col, "port %.*s is out of range 1..65535", shown, s);
    }
}

/* An address written as s[0..n) at column col: dotted, or a host's name. */
int
get_addr(struct parser *p, const char *s, size_t n, unsigned col, struct scn_addr *out)
{
    char buf[IPV4_ADDR_STRLEN];
    int shown = n > SHOW_MAX ? SHOW_MAX : (int)n;

    out->host = -1;
    if (n == 0)
        return perr(p, col, "missing address");
    if (is_digit(s[0])) {
        if (n >= sizeof buf)
            return perr(p, col, "bad IPv4 address '%.*s'", shown, s);
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (!ipv4_addr_parse(buf, &out->addr))
            return perr(p, col, "bad IPv4 address '%.*s'", shown, s);
        out->kind = SCN_ADDR_DOTTED;
        return 0;
    }
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *h = &p->scn->hosts[i];
        if (strlen(h->name) == n && memcmp(h->name, s, n) == 0) {
            out->kind = SCN_ADDR_HOST;
            out->host = (int)i;
            out->addr = h->addr;
            return 0;
        }
    }
    return err_unknown_host(p, s, n, col);
}

/* DEST:PORT (or, for bind, a bare PORT) in token t. */
int
get_endpoint(struct parser *p, const struct tok *t, bool bare_port_ok, struct scn_endpoint *out)
{
    const char *colon;
    size_t alen;

    memset(out, 0, sizeof *out);
    out->addr.host = -1;
    if (t->kind != TOK_WORD)
        goto out_bad;
    if (t->text[0] == '[') {
        /* [RFC 3986 3.2.2] an IPv6 address with a port: [2001:db8::2]:80 */
        const char *close = strchr(t->text, ']');
        char buf[IPV6_ADDR_STRLEN];
        size_t n = close != NULL ? (size_t)(close - t->text - 1) : 0;
        if (close == NULL || close[1] != ':')
            return perr(p, t->col, "expected [IPV6-ADDRESS]:PORT, like [2001:db8::2]:80, found "
                        "%s", show(t).s);
        if (n == 0 || n >= sizeof buf)
            return perr(p, t->col, "bad IPv6 address in %s", show(t).s);
        memcpy(buf, t->text + 1, n);
        buf[n] = '\0';
        uint32_t v4;
        if (strncmp(buf, "::ffff:", 7) == 0 && ipv4_addr_parse(buf + 7, &v4)) {
            /* [RFC 4291 2.5.5.2] an IPv4-mapped address, dotted at the end */
            memset(&out->addr.addr6, 0, sizeof out->addr.addr6);
            out->addr.addr6.b[10] = out->addr.addr6.b[11] = 0xff;
            out->addr.addr6.b[12] = (uint8_t)(v4 >> 24);
            out->addr.addr6.b[13] = (uint8_t)(v4 >> 16);
            out->addr.addr6.b[14] = (uint8_t)(v4 >> 8);
            out->addr.addr6.b[15] = (uint8_t)v4;
        } else if (!ip6_addr_parse(buf, &out->addr.addr6))
            return perr(p, t->col + 1, "bad IPv6 address '%s' (like 2001:db8::2)", buf);
        out->addr.kind = SCN_ADDR_DOTTED;
        out->addr.v6 = true;
        size_t plen = t->len - n - 3;
        return get_port(p, close + 2, plen, t->col + (unsigned)n + 3, &out->port);
    }
    colon = strrchr(t->text, ':');
    if (colon == NULL) {
        if (bare_port_ok)
            return get_port(p, t->text, t->len, t->col, &out->port);
        goto out_bad;
    }
    alen = (size_t)(colon - t->text);
    if (alen == 0)
        return perr(p, t->col, "missing address before ':' in %s", show(t).s);
    if (get_addr(p, t->text, alen, t->col, &out->addr) < 0)
        return -1;
    return get_port(p, colon + 1, t->len - alen - 1, t->col + (unsigned)alen + 1, &out->port);

out_bad:
    if (bare_port_ok)
        return perr(p, t->col, "expected PORT or ADDRESS:PORT, like 7 or 192.0.2.1:7, found %s",
                    show(t).s);
    return perr(p, t->col, "expected ADDRESS:PORT, like 192.0.2.2:7, [2001:db8::2]:7 or bob:7, "
                "found %s", show(t).s);
}

/* A quoted text for title, about and say: no NUL bytes. */
int
get_text(struct parser *p, const struct tok *t, const char *after, char **out)
{
    if (t->kind != TOK_STRING)
        return perr(p, t->col, "expected a quoted text after '%s', found %s", after,
                    show(t).s);
    if (memchr(t->text, '\0', t->len) != NULL)
        return perr(p, t->col, "this text cannot contain \\0");
    *out = str_dup_n(t->text, t->len);
    return *out == NULL ? perr_oom(p) : 0;
}


/* PAYLOAD: "TEXT" | bytes N | file PATH | an application payload. */
int
get_payload(struct parser *p, struct cur *c, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);
    const struct scenario *scn = p->scn;

    out->app.from_dvar = -1;
    if (is_app_payload_word(t))
        return get_app_payload(p, c, t, out);
    if (t->kind == TOK_STRING) {
        out->kind = SCN_PAYLOAD_TEXT;
        out->len = t->len;
        out->data = (uint8_t *)str_dup_n(t->text, t->len);
        return out->data == NULL ? perr_oom(p) : 0;
    }
    if (word_is(t, "bytes")) {
        const struct tok *n = cur_next(c);
        uint64_t v;
        if (n == NULL)
            return perr(p, t->col, "bytes needs a number");
        /* made as it is sent: any size a call's result can say (2 GiB - 1) */
        if (get_uint(p, n, "bytes", 0, SCN_STREAM_MAX, "", &v) < 0)
            return -1;
        out->kind = SCN_PAYLOAD_FILL;
        out->len = (size_t)v;
        return 0;
    }
    if (word_is(t, "file")) {
        const struct tok *f = cur_next(c);
        if (f == NULL)
            return perr(p, t->col, "file needs a path");
        if (f->len == 0 || memchr(f->text, '\0', f->len) != NULL)
            return perr(p, f->col, "bad file path %s", show(f).s);
        out->kind = SCN_PAYLOAD_FILE;
        out->path = str_dup_n(f->text, f->len);
        if (f->text[0] == '/' || strcmp(scn->dir, ".") == 0)
            out->full_path = str_dup_n(f->text, f->len);
        else
            out->full_path = str_printf("%s/%s", scn->dir, f->text);
        return out->path == NULL || out->full_path == NULL ? perr_oom(p) : 0;
    }
    if (t->kind == TOK_WORD && dvar_find(scn, t->text) >= 0) {
        /* the bytes a data variable holds when the step runs (an echo) */
        out->kind = SCN_PAYLOAD_DATA;
        out->app.from_dvar = dvar_find(scn, t->text);
        return 0;
    }
    if (t->kind == TOK_WORD) {
        static const char *const app_words[] = { "websocket-accept", "ws-frame", "dns-query",
                                                 "dns-answer", NULL };
        struct suggest sg;
        suggest_init(&sg, t->text);
        suggest_list(&sg, app_words);
        if (sg.best != NULL)
            return perr(p, t->col, "expected a payload, found %s (did you mean '%s'?)",
                        show(t).s, sg.best);
    }
    return perr(p, t->col, "expected a payload (a quoted text, 'bytes N', 'file PATH' or "
                "a data variable), found %s", show(t).s);
}

/* ---------------------------------------------------------------------------
 * Application payloads: the stack's codecs (stack/app/) build the bytes, the
 * runner at send time (sim/scenario_app.c). Here: the words, checked.
 * ------------------------------------------------------------------------- */

bool
is_app_payload_word(const struct tok *t)
{
    return word_is(t, "websocket-accept") || word_is(t, "ws-frame") || word_is(t, "dns-query") ||
           word_is(t, "dns-answer");
}

/* `from DVAR` / `to DVAR`: t names data received earlier. */
static int
get_data_ref(struct parser *p, const struct tok *kw, const struct tok *t, int *out)
{
    const struct scenario *scn = p->scn;
    struct suggest sg;

    if (t == NULL)
        return perr(p, kw->col, "'%s' needs the name of received data, like '%s request'",
                    kw->text, kw->text);
    *out = t->kind == TOK_WORD ? dvar_find(scn, t->text) : -1;
    if (*out >= 0) {
        if (scn->dvars[*out].kind != SCN_DVAR_DATA)
            return perr(p, t->col, "%s holds a ping summary, not received data", show(t).s);
        return 0;
    }
    if (t->kind == TOK_WORD && name_reported(p, 'd', -1, t->text, t->len))
        return -1;
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < scn->n_dvars; i++)
        suggest_try(&sg, scn->dvars[i].name);
    if (sg.best != NULL)
        return perr(p, t->col, "no data variable %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "no data variable %s (data is kept with '-> NAME' after recv or "
                "recvfrom)", show(t).s);
}

/* websocket-accept "KEY" | websocket-accept from DVAR */
static int
get_ws_accept(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);

    out->kind = SCN_PAYLOAD_WS_ACCEPT;
    if (word_is(t, "from"))
        return get_data_ref(p, t, cur_next(c), &out->app.from_dvar);
    if (t == NULL || t->kind != TOK_STRING)
        return perr(p, t != NULL ? t->col : kw->col, "websocket-accept needs the client's key "
                    "in quotes, or 'from DATA' to take it from a request received earlier");
    if (ws_key_check(t->text, t->len) != APP_ERR_NONE)
        return perr(p, t->col, "%s is not a Sec-WebSocket-Key: that is 16 bytes in base64, "
                    "24 characters like \"dGhlIHNhbXBsZSBub25jZQ==\" [RFC 6455 4.1]",
                    show(t).s);
    out->data = (uint8_t *)str_dup_n(t->text, t->len);
    out->len = t->len;
    return out->data == NULL ? perr_oom(p) : 0;
}

static const char *const ws_opcode_words[] = { "continuation", "text", "binary", "close",
                                                "ping", "pong", NULL };
static const uint8_t ws_opcode_values[] = { WS_OP_CONTINUATION, WS_OP_TEXT, WS_OP_BINARY,
                                            WS_OP_CLOSE, WS_OP_PING, WS_OP_PONG };

/* mask 0xHHHHHHHH */
static int
get_ws_mask(struct parser *p, const struct tok *kw, const struct tok *t, uint32_t *out)
{
    uint32_t v = 0;

    if (t == NULL || t->kind != TOK_WORD || t->len != 10 || t->text[0] != '0' ||
        (t->text[1] != 'x' && t->text[1] != 'X'))
        goto out_bad;
    for (size_t i = 2; i < 10; i++) {
        char ch = t->text[i];
        unsigned d;
        if (is_digit(ch))
            d = (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            goto out_bad;
        v = v << 4 | d;
    }
    *out = v;
    return 0;

out_bad:
    return perr(p, t != NULL ? t->col : kw->col, "mask needs a 32-bit masking key: 0x and 8 "
                "hex digits, like 0x37fa213d [RFC 6455 5.3]");
}

/* ws-frame OPCODE [ "TEXT" | bytes N | CODE ["REASON"] ] { mask 0xHHHHHHHH | more } */
static int
get_ws_frame(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *t = cur_next(c);
    struct scn_app_payload *a = &out->app;
    bool control;
    size_t total;
    int i;

    out->kind = SCN_PAYLOAD_WS_FRAME;
    if (t == NULL)
        return perr(p, kw->col, "ws-frame needs an opcode: text, binary, close, ping, pong or "
                    "continuation");
    for (i = 0; ws_opcode_words[i] != NULL; i++)
        if (word_is(t, ws_opcode_words[i]))
            break;
    if (ws_opcode_words[i] == NULL) {
        struct suggest sg;
        suggest_init(&sg, t->text);
        suggest_list(&sg, ws_opcode_words);
        if (sg.best != NULL && t->kind == TOK_WORD)
            return perr(p, t->col, "unknown WebSocket opcode %s (did you mean '%s'?)",
                        show(t).s, sg.best);
        return perr(p, t->col, "unknown WebSocket opcode %s (text, binary, close, ping, pong "
                    "or continuation)", show(t).s);
    }
    a->ws_opcode = ws_opcode_values[i];
    control = (a->ws_opcode & 0x8) != 0;

    /* [RFC 6455 5.5.1] a close frame's body: a 2-byte status code, then a reason */
    t = cur_peek(c);
    if (a->ws_opcode == WS_OP_CLOSE && t != NULL && t->kind == TOK_WORD && is_digit(t->text[0])) {
        uint64_t v;
        cur_next(c);
        if (get_uint(p, t, "close code", 1000, 4999, " (codes are 1000..4999 [RFC 6455 7.4])",
                     &v) < 0)
            return -1;
        /* [RFC 6455 7.4.1] 1005, 1006 and 1015 "MUST NOT be set as a status
         * code in a Close control frame" */
        if (v == 1005 || v == 1006 || v == 1015)
            return perr(p, t->col, "close code %" PRIu64 " is only for reporting, never sent in "
                        "a close frame [RFC 6455 7.4.1]", v);
        a->ws_has_code = true;
        a->ws_code = (uint16_t)v;
    }
    t = cur_peek(c);
    if (t != NULL && t->kind == TOK_STRING) {
        cur_next(c);
        out->data = (uint8_t *)str_dup_n(t->text, t->len);
        if (out->data == NULL)
            return perr_oom(p);
        out->len = t->len;
        if (a->ws_opcode == WS_OP_CLOSE && !a->ws_has_code)
            return perr(p, t->col, "a close reason needs a status code before it, like "
                        "'ws-frame close 1000 \"bye\"' [RFC 6455 5.5.1]");
    } else if (word_is(t, "bytes") && a->ws_opcode != WS_OP_CLOSE) {
        const struct tok *n;
        uint64_t v;
        cur_next(c);
        n = cur_next(c);
        if (n == NULL)
            return perr(p, t->col, "bytes needs a number");
        if (get_uint(p, n, "bytes", 0, SCN_LEN_MAX, "", &v) < 0)
            return -1;
        a->ws_fill = true;
        out->len = (size_t)v;
    }
    for (;;) {
        t = cur_peek(c);
        if (word_is(t, "mask")) {
            cur_next(c);
            if (a->ws_masked)
                return perr(p, t->col, "mask is given twice");
            if (get_ws_mask(p, t, cur_next(c), &a->ws_mask) < 0)
                return -1;
            a->ws_masked = true;
        } else if (word_is(t, "more")) {
            cur_next(c);
            if (control)
                return perr(p, t->col, "a %s frame cannot be split: control frames always "
                            "carry FIN [RFC 6455 5.5]", ws_opcode_words[i]);
            a->ws_more = true;
        } else {
            break;
        }
    }
    total = out->len + (a->ws_has_code ? 2 : 0);
    if (control && total > WS_CONTROL_MAX)
        return perr(p, kw->col, "a %s frame carries at most 125 bytes, this one %zu "
                    "[RFC 6455 5.5]", ws_opcode_words[i], total);
    return 0;
}

static int
get_dns_name(struct parser *p, const struct tok *t, const struct tok *kw, char **out)
{
    uint8_t wire[DNS_NAME_MAX + 1];
    size_t wl;
    enum app_err e;

    if (t == NULL || t->kind != TOK_WORD)
        return perr(p, t != NULL ? t->col : kw->col, "%s needs a name to look up, like "
                    "www.example.test", kw->text);
    e = dns_name_encode(t->text, wire, sizeof(wire), &wl);
    if (e != APP_ERR_NONE)
        return perr(p, t->col, "bad DNS name %s: %s [%s]", show(t).s, app_err_str(e),
                    app_err_rfc(e));
    *out = str_dup_n(t->text, t->len);
    return *out == NULL ? perr_oom(p) : 0;
}

static const char *const dns_type_words[] = { "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT",
                                              "AAAA", NULL };
static const uint16_t dns_type_values[] = { DNS_TYPE_A, DNS_TYPE_NS, DNS_TYPE_CNAME,
                                            DNS_TYPE_SOA, DNS_TYPE_PTR, DNS_TYPE_MX,
                                            DNS_TYPE_TXT, DNS_TYPE_AAAA };

/* dns-query ID NAME TYPE */
static int
get_dns_query(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    const struct tok *tid = cur_next(c), *tname, *ttype;
    uint64_t v;

    out->kind = SCN_PAYLOAD_DNS_QUERY;
    if (tid == NULL)
        return perr(p, kw->col, "dns-query needs an ID, a name and a type, like "
                    "'dns-query 4660 www.example.test A'");
    if (get_uint(p, tid, "DNS ID", 0, 65535, "", &v) < 0)
        return -1;
    out->app.dns_id = (uint16_t)v;
    tname = cur_next(c);
    if (get_dns_name(p, tname, kw, &out->app.dns_name) < 0)
        return -1;
    ttype = cur_next(c);
    if (ttype == NULL)
        return perr(p, tname->col, "dns-query needs a record type after the name, like A");
    for (int i = 0; dns_type_words[i] != NULL; i++) {
        if (word_is(ttype, dns_type_words[i])) {
            out->app.dns_type = dns_type_values[i];
            return 0;
        }
    }
    struct suggest sg;
    suggest_init(&sg, ttype->text);
    suggest_list(&sg, dns_type_words);
    if (sg.best != NULL && ttype->kind == TOK_WORD)
        return perr(p, ttype->col, "unknown DNS record type %s (did you mean '%s'?)",
                    show(ttype).s, sg.best);
    return perr(p, ttype->col, "unknown DNS record type %s (A, NS, CNAME, SOA, PTR, MX, TXT "
                "or AAAA)", show(ttype).s);
}

/* dns-answer (ID NAME | to DVAR) (A ADDR | nxdomain) [ttl DUR] */
static int
get_dns_answer(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    struct scn_app_payload *a = &out->app;
    const struct tok *t = cur_next(c);
    uint64_t v;

    out->kind = SCN_PAYLOAD_DNS_ANSWER;
    a->dns_type = DNS_TYPE_A;
    a->dns_ttl_s = 300;
    if (t == NULL)
        return perr(p, kw->col, "dns-answer needs the query it answers: 'to DATA' (a query "
                    "received earlier) or an ID and a name");
    if (word_is(t, "to")) {
        if (get_data_ref(p, t, cur_next(c), &a->from_dvar) < 0)
            return -1;
    } else {
        if (get_uint(p, t, "DNS ID", 0, 65535, "", &v) < 0)
            return -1;
        a->dns_id = (uint16_t)v;
        if (get_dns_name(p, cur_next(c), kw, &a->dns_name) < 0)
            return -1;
    }
    t = cur_next(c);
    if (word_is(t, "nxdomain")) {
        a->dns_nxdomain = true;
    } else if (word_is(t, "A")) {
        const struct tok *ta = cur_next(c);
        struct scn_addr addr;
        if (ta == NULL || ta->kind != TOK_WORD)
            return perr(p, ta != NULL ? ta->col : t->col, "A needs an IPv4 address, like "
                        "203.0.113.80");
        if (get_addr(p, ta->text, ta->len, ta->col, &addr) < 0)
            return -1;
        a->dns_addr = addr.addr;
    } else {
        return perr(p, t != NULL ? t->col : kw->col, "dns-answer needs 'A ADDRESS' (the "
                    "record) or 'nxdomain' (no such name)%s%s", t != NULL ? ", found " : "",
                    t != NULL ? show(t).s : "");
    }
    t = cur_peek(c);
    if (word_is(t, "ttl")) {
        const struct tok *td;
        uint64_t ns;
        cur_next(c);
        td = cur_next(c);
        if (td == NULL)
            return perr(p, t->col, "ttl needs a duration in whole seconds, like 300s");
        if (get_dur(p, td, &ns) < 0)
            return -1;
        /* [RFC 2181 8] a TTL is 0..2^31-1 seconds */
        if (ns % 1000000000ull != 0 || ns / 1000000000ull > 2147483647ull)
            return perr(p, td->col, "ttl %s must be whole seconds, at most 2147483647s "
                        "[RFC 2181 8]", show(td).s);
        a->dns_ttl_s = (uint32_t)(ns / 1000000000ull);
    }
    return 0;
}

int
get_app_payload(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out)
{
    if (word_is(kw, "websocket-accept"))
        return get_ws_accept(p, c, kw, out);
    if (word_is(kw, "ws-frame"))
        return get_ws_frame(p, c, kw, out);
    if (word_is(kw, "dns-query"))
        return get_dns_query(p, c, kw, out);
    return get_dns_answer(p, c, kw, out);
}
