/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_parse.c - the packetdrill language, text to struct pd_script.
 *
 * Covers what the FreeBSD tcp-testsuite and Google's scripts use: option
 * lines (--tolerance_usecs=N, --ip_version=ipv4, --mtu=N), `//` and C-style
 * comments, #ifdef NAME / #ifndef / #else / #endif blocks, times (0.1, +0.1,
 * *, 0.1~0.2, +0.1~+0.2, a blocking call's 1.0...6.0), TCP lines with flags,
 * seq:end(len), ack, win, (ttl N) (tos 0xNN) (hlim N) (class 0xNN) and an
 * option list, ICMP lines
 * quoting a TCP segment, shell lines in backticks and system calls with
 * their expected result and errno. Features netstep does not model (TCP over
 * UDP, ECN marks, TCP-MD5, Fast Open, ICMPv6 lines, IPv4-mapped IPv6) are
 * parsed and recorded in the
 * event's `unsupported`, so the runner can skip the script saying why.
 */
#include "sim/packetdrill/pd.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stack/wire/tcp.h"

/* The parser's cursor over the comment-free text. */
struct pd_cur {
    const char *path;   /* for messages */
    const char *s;      /* the text */
    size_t i;           /* where we are */
    unsigned line;      /* 1-based line of s[i] */
    size_t line_start;  /* offset of that line's first byte */
    char *msg;          /* the error, once there is one */
    size_t msg_len;
};

static int pd_err(struct pd_cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
pd_err(struct pd_cur *c, const char *fmt, ...)
{
    char what[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(c->msg, c->msg_len, "%s:%u:%zu: error: %s", c->path, c->line,
             c->i - c->line_start + 1, what);
    return -1;
}

static char
peek(const struct pd_cur *c)
{
    return c->s[c->i];
}

static void
advance(struct pd_cur *c)
{
    if (c->s[c->i] == '\n') {
        c->line++;
        c->line_start = c->i + 1;
    }
    if (c->s[c->i] != '\0')
        c->i++;
}

/* Skip spaces and tabs; newlines too when `lines`. */
static void
skip_ws(struct pd_cur *c, bool lines)
{
    for (;;) {
        char ch = peek(c);
        if (ch == ' ' || ch == '\t' || ch == '\r' || (lines && ch == '\n'))
            advance(c);
        else
            return;
    }
}

static bool
eat(struct pd_cur *c, char ch)
{
    skip_ws(c, false);
    if (peek(c) != ch)
        return false;
    advance(c);
    return true;
}

static bool
at_word(struct pd_cur *c, const char *w)
{
    size_t n = strlen(w);
    skip_ws(c, false);
    if (strncmp(c->s + c->i, w, n) != 0)
        return false;
    char after = c->s[c->i + n];
    return !(isalnum((unsigned char)after) || after == '_');
}

static bool
eat_word(struct pd_cur *c, const char *w)
{
    if (!at_word(c, w))
        return false;
    for (size_t n = strlen(w); n > 0; n--)
        advance(c);
    return true;
}

/* A word: letters, digits, '_' and '.'-free. Empty when none. */
static void
read_word(struct pd_cur *c, char *out, size_t n)
{
    size_t k = 0;
    skip_ws(c, false);
    while (isalnum((unsigned char)peek(c)) || peek(c) == '_') {
        if (k + 1 < n)
            out[k++] = peek(c);
        advance(c);
    }
    out[k] = '\0';
}

/* An unsigned decimal or 0x number. */
static int
read_u64(struct pd_cur *c, uint64_t *out)
{
    skip_ws(c, false);
    const char *p = c->s + c->i;
    if (!isdigit((unsigned char)*p))
        return pd_err(c, "expected a number");
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 0);
    if (errno != 0)
        return pd_err(c, "number out of range");
    while (c->s + c->i < end)
        advance(c);
    *out = v;
    return 0;
}

static int
read_u32(struct pd_cur *c, uint32_t *out)
{
    uint64_t v;
    if (read_u64(c, &v) < 0)
        return -1;
    if (v > UINT32_MAX)
        return pd_err(c, "number larger than 32 bits");
    *out = (uint32_t)v;
    return 0;
}

/* Seconds as written ("0.100", "3") into microseconds, exactly. */
static int
read_seconds(struct pd_cur *c, int64_t *us)
{
    skip_ws(c, false);
    if (!isdigit((unsigned char)peek(c)) && peek(c) != '.')
        return pd_err(c, "expected a time in seconds");
    int64_t whole = 0, frac = 0, scale = 1000000;
    while (isdigit((unsigned char)peek(c))) {
        whole = whole * 10 + (peek(c) - '0');
        if (whole > 1000000000)
            return pd_err(c, "time too large");
        advance(c);
    }
    /* "1.00...6.00": a '.' followed by ".." is the blocking range, not a fraction. */
    if (peek(c) == '.' && c->s[c->i + 1] != '.') {
        advance(c);
        while (isdigit((unsigned char)peek(c))) {
            if (scale > 1) {
                scale /= 10;
                frac += (peek(c) - '0') * scale;
            }
            advance(c);
        }
    }
    *us = whole * 1000000 + frac;
    return 0;
}

static bool
at_eol(struct pd_cur *c)
{
    skip_ws(c, false);
    return peek(c) == '\n' || peek(c) == '\0';
}

static int
expect_eol(struct pd_cur *c)
{
    if (!at_eol(c))
        return pd_err(c, "unexpected '%c' at the end of the line", peek(c));
    return 0;
}

static void
mark(char *dst, size_t n, const char *why)
{
    if (dst[0] == '\0')
        snprintf(dst, n, "%s", why);
}

/* The line the cursor is on contains word. */
static bool
line_has(const struct pd_cur *c, const char *word)
{
    const char *start = c->s + c->line_start;
    const char *end = strchr(start, '\n');
    size_t n = end != NULL ? (size_t)(end - start) : strlen(start), w = strlen(word);
    for (size_t k = 0; k + w <= n; k++)
        if (memcmp(start + k, word, w) == 0)
            return true;
    return false;
}

/* ---- times ------------------------------------------------------------ */

static int
parse_time(struct pd_cur *c, struct pd_time *t)
{
    memset(t, 0, sizeof(*t));
    skip_ws(c, false);
    if (peek(c) == '`') { /* a command without a time: at once, as +0 */
        t->kind = PD_TIME_RELATIVE;
        return 0;
    }
    if (eat(c, '*')) {
        t->kind = PD_TIME_ANY;
        return 0;
    }
    bool rel = eat(c, '+');
    if (read_seconds(c, &t->start_us) < 0)
        return -1;
    t->end_us = t->start_us;
    t->kind = rel ? PD_TIME_RELATIVE : PD_TIME_ABSOLUTE;
    if (eat(c, '~')) {
        bool rel2 = eat(c, '+');
        if (rel2 != rel)
            return pd_err(c, "a time range is both absolute or both relative (+)");
        if (read_seconds(c, &t->end_us) < 0)
            return -1;
        if (t->end_us < t->start_us)
            return pd_err(c, "a time range ends before it starts");
        t->kind = rel ? PD_TIME_RELATIVE_RANGE : PD_TIME_ABSOLUTE_RANGE;
    } else if (strncmp(c->s + c->i, "...", 3) == 0) {
        advance(c);
        advance(c);
        advance(c);
        t->block_end_relative = eat(c, '+');
        if (read_seconds(c, &t->block_end_us) < 0)
            return -1;
        t->has_block_end = true;
    }
    return 0;
}

/* ---- TCP and ICMP lines ----------------------------------------------- */

static int
parse_flags(struct pd_cur *c, uint8_t *flags, char *unsupported, size_t un)
{
    skip_ws(c, false);
    unsigned n = 0;
    *flags = 0;
    for (;; n++) {
        switch (peek(c)) {
        case 'S': *flags |= TCP_SYN; break;
        case 'F': *flags |= TCP_FIN; break;
        case 'R': *flags |= TCP_RST; break;
        case 'P': *flags |= TCP_PSH; break;
        case '.': *flags |= TCP_ACK; break;
        case 'U': *flags |= TCP_URG; break;
        case 'E': *flags |= TCP_ECE; mark(unsupported, un, "ECN (ECE flag)"); break;
        case 'W': *flags |= TCP_CWR; mark(unsupported, un, "ECN (CWR flag)"); break;
        case 'N': mark(unsupported, un, "ECN nonce (NS flag)"); break;
        default:
            if (n == 0)
                return pd_err(c, "expected TCP flags (S F R P . U E W) or 'icmp'");
            return 0;
        }
        advance(c);
    }
}

/* seq:end(len) */
static int
parse_range(struct pd_cur *c, uint32_t *seq, uint32_t *end, uint32_t *len)
{
    if (read_u32(c, seq) < 0)
        return -1;
    if (!eat(c, ':'))
        return pd_err(c, "expected ':' in a sequence range like 1:1001(1000)");
    if (read_u32(c, end) < 0)
        return -1;
    if (!eat(c, '('))
        return pd_err(c, "expected '(' and the length after the sequence range");
    if (read_u32(c, len) < 0)
        return -1;
    if (!eat(c, ')'))
        return pd_err(c, "expected ')' after the length");
    if ((uint32_t)(*end - *seq) != *len)
        return pd_err(c, "the range %u:%u is %u bytes, not %u", *seq, *end,
                      (uint32_t)(*end - *seq), *len);
    return 0;
}

static int
parse_opts(struct pd_cur *c, struct pd_segment *sg, char *un, size_t unn)
{
    sg->has_opts = true;
    skip_ws(c, false);
    if (strncmp(c->s + c->i, "...>", 4) == 0) {
        for (int k = 0; k < 4; k++)
            advance(c);
        sg->opts_any = true;
        return 0;
    }
    for (;;) {
        if (sg->n_opts == PD_MAX_OPTS)
            return pd_err(c, "more than %d options", PD_MAX_OPTS);
        struct pd_opt *o = &sg->opts[sg->n_opts];
        memset(o, 0, sizeof(*o));
        if (eat_word(c, "eol")) {
            o->kind = PD_OPT_EOL;
        } else if (eat_word(c, "nop")) {
            o->kind = PD_OPT_NOP;
        } else if (eat_word(c, "mss")) {
            o->kind = PD_OPT_MSS;
            if (read_u32(c, &o->val) < 0)
                return -1;
        } else if (eat_word(c, "wscale")) {
            o->kind = PD_OPT_WSCALE;
            if (read_u32(c, &o->val) < 0)
                return -1;
        } else if (eat_word(c, "sackOK")) {
            o->kind = PD_OPT_SACKOK;
        } else if (eat_word(c, "sack")) {
            o->kind = PD_OPT_SACK;
            while (!at_eol(c) && isdigit((unsigned char)peek(c))) {
                if (o->n_blocks == 4)
                    return pd_err(c, "at most 4 SACK blocks fit [RFC 2018 3]");
                if (read_u32(c, &o->left[o->n_blocks]) < 0 || !eat(c, ':') ||
                    read_u32(c, &o->right[o->n_blocks]) < 0)
                    return pd_err(c, "expected a SACK block like 1001:2001");
                o->n_blocks++;
                skip_ws(c, false);
            }
        } else if (eat_word(c, "TS")) {
            o->kind = PD_OPT_TS;
            if (!eat_word(c, "val") || read_u32(c, &o->val) < 0 || !eat_word(c, "ecr") ||
                read_u32(c, &o->ecr) < 0)
                return pd_err(c, "expected 'TS val N ecr N'");
        } else if (at_word(c, "md5")) {
            o->kind = PD_OPT_MD5;
            mark(un, unn, "TCP-MD5 signatures (RFC 2385)");
            while (!at_eol(c) && peek(c) != ',' && peek(c) != '>')
                advance(c);
        } else if (at_word(c, "FO") || at_word(c, "FOEXP")) {
            o->kind = PD_OPT_FASTOPEN;
            mark(un, unn, "TCP Fast Open (RFC 7413)");
            while (!at_eol(c) && peek(c) != ',' && peek(c) != '>')
                advance(c);
        } else {
            return pd_err(c, "unknown TCP option (known: eol nop mss wscale sackOK sack TS)");
        }
        sg->n_opts++;
        if (eat(c, '>'))
            return 0;
        if (!eat(c, ','))
            return pd_err(c, "expected ',' or '>' in the option list");
    }
}

/* [noecn] [ect0] ...: ECN codepoints of the IP header. */
static int
parse_ecn_mark(struct pd_cur *c, char *un, size_t unn)
{
    char w[16];
    advance(c); /* '[' */
    read_word(c, w, sizeof(w));
    if (!eat(c, ']'))
        return pd_err(c, "expected ']' after the ECN mark");
    if (strcmp(w, "noecn") != 0)
        mark(un, unn, "ECN (RFC 3168) codepoints");
    return 0;
}

/* (ttl N) and (tos 0xNN) before the flags. */
static int
parse_ip_fields(struct pd_cur *c, struct pd_segment *sg)
{
    for (;;) {
        skip_ws(c, false);
        if (peek(c) != '(')
            return 0;
        advance(c);
        uint64_t v;
        if (eat_word(c, "ttl")) {
            if (read_u64(c, &v) < 0)
                return -1;
            sg->has_ttl = true;
            sg->ttl = (uint8_t)v;
        } else if (eat_word(c, "hlim")) {
            /* IPv6's hop limit [RFC 8200 3], kept where IPv4's TTL is. */
            if (read_u64(c, &v) < 0)
                return -1;
            sg->has_ttl = true;
            sg->ttl = (uint8_t)v;
        } else if (eat_word(c, "class")) {
            /* IPv6's traffic class, kept where IPv4's TOS is. */
            if (read_u64(c, &v) < 0)
                return -1;
            sg->has_tos = true;
            sg->tos = (uint8_t)v;
        } else if (eat_word(c, "tos")) {
            if (read_u64(c, &v) < 0)
                return -1;
            sg->has_tos = true;
            sg->tos = (uint8_t)v;
        } else {
            return pd_err(c, "expected 'ttl', 'tos', 'hlim' or 'class' in the IP fields");
        }
        if (!eat(c, ')'))
            return pd_err(c, "expected ')'");
    }
}

struct icmp_name {
    const char *name;
    uint8_t value;
};

static const struct icmp_name icmp_types[] = {
    { "echo_reply", 0 },      { "unreachable", 3 },     { "source_quench", 4 },
    { "redirect", 5 },        { "echo_request", 8 },    { "time_exceeded", 11 },
    { "parameter_problem", 12 },
};

/* Codes by type, as packetdrill names them [RFC 792] [RFC 1812 5.2.7.1]. */
static const struct icmp_name icmp_unreach_codes[] = {
    { "net_unreachable", 0 },   { "host_unreachable", 1 },   { "protocol_unreachable", 2 },
    { "port_unreachable", 3 },  { "frag_needed", 4 },        { "source_route_failed", 5 },
    { "net_unknown", 6 },       { "host_unknown", 7 },       { "source_host_isolated", 8 },
    { "net_prohibited", 9 },    { "host_prohibited", 10 },   { "net_unreachable_for_tos", 11 },
    { "host_unreachable_for_tos", 12 }, { "packet_filtered", 13 },
    { "precedence_violation", 14 }, { "precedence_cutoff", 15 },
};
static const struct icmp_name icmp_time_codes[] = {
    { "ttl_exceeded_in_transit", 0 }, { "frag_reass_exceeded", 1 },
};
static const struct icmp_name icmp_redirect_codes[] = {
    { "net", 0 }, { "host", 1 }, { "tos_net", 2 }, { "tos_host", 3 },
};

static int
icmp_lookup(const struct icmp_name *t, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, w) == 0)
            return t[i].value;
    if (strncmp(w, "code_", 5) == 0 && isdigit((unsigned char)w[5]))
        return atoi(w + 5);
    return -1;
}

static int
parse_icmp(struct pd_cur *c, struct pd_event *ev)
{
    char w[40];
    struct pd_icmp *ic = &ev->icmp;
    read_word(c, w, sizeof(w));
    int ty = icmp_lookup(icmp_types, sizeof(icmp_types) / sizeof(icmp_types[0]), w);
    if (ty < 0)
        return pd_err(c, "unknown ICMP type '%s'", w);
    ic->type = (uint8_t)ty;
    skip_ws(c, false);
    if (isalpha((unsigned char)peek(c))) {
        read_word(c, w, sizeof(w));
        int code = -1;
        if (ty == 3)
            code = icmp_lookup(icmp_unreach_codes,
                               sizeof(icmp_unreach_codes) / sizeof(icmp_unreach_codes[0]), w);
        else if (ty == 11)
            code = icmp_lookup(icmp_time_codes,
                               sizeof(icmp_time_codes) / sizeof(icmp_time_codes[0]), w);
        else if (ty == 5)
            code = icmp_lookup(icmp_redirect_codes,
                               sizeof(icmp_redirect_codes) / sizeof(icmp_redirect_codes[0]), w);
        else
            code = icmp_lookup(NULL, 0, w);
        if (code < 0)
            return pd_err(c, "unknown ICMP code '%s'", w);
        ic->code = (uint8_t)code;
    }
    if (eat_word(c, "mtu")) {
        uint32_t m = 0;
        if (read_u32(c, &m) < 0)
            return -1;
        ic->mtu = (uint16_t)m;
    }
    if (!eat(c, '['))
        return pd_err(c, "expected '[' and the quoted segment, like [1:1(0)]");
    uint32_t end;
    if (parse_range(c, &ic->quoted_seq, &end, &ic->quoted_len) < 0)
        return -1;
    if (eat(c, '/')) {
        mark(ev->unsupported, sizeof(ev->unsupported), "TCP over UDP encapsulation");
        while (!at_eol(c) && peek(c) != ']')
            advance(c);
    }
    if (!eat(c, ']'))
        return pd_err(c, "expected ']' after the quoted segment");
    return expect_eol(c);
}

static int
parse_packet(struct pd_cur *c, struct pd_event *ev, bool inbound)
{
    struct pd_segment *sg = &ev->seg;
    char *un = ev->unsupported;
    size_t unn = sizeof(ev->unsupported);

    skip_ws(c, false);
    if (peek(c) == '[' && parse_ecn_mark(c, un, unn) < 0)
        return -1;
    if (parse_ip_fields(c, sg) < 0)
        return -1;
    if (eat_word(c, "icmp")) {
        ev->kind = inbound ? PD_EV_ICMP_IN : PD_EV_ICMP_OUT;
        return parse_icmp(c, ev);
    }
    if (at_word(c, "udp") || at_word(c, "sctp") || at_word(c, "udplite")) {
        mark(un, unn, "UDP and SCTP packet lines");
        while (!at_eol(c))
            advance(c);
        ev->kind = inbound ? PD_EV_PACKET_IN : PD_EV_PACKET_OUT;
        return 0;
    }
    ev->kind = inbound ? PD_EV_PACKET_IN : PD_EV_PACKET_OUT;
    /* Google packetdrill's `SPORT > DPORT` before the flags (opt_port_info):
     * which connection the segment belongs to. */
    skip_ws(c, false);
    if (isdigit((unsigned char)peek(c))) {
        uint64_t sp, dp;
        if (read_u64(c, &sp) < 0)
            return -1;
        skip_ws(c, false);
        if (!eat(c, '>'))
            return pd_err(c, "expected '>' between the source and destination ports");
        if (read_u64(c, &dp) < 0)
            return -1;
        if (sp == 0 || sp > 65535 || dp == 0 || dp > 65535)
            return pd_err(c, "a port is 1 to 65535");
        sg->has_ports = true;
        sg->sport = (uint16_t)sp;
        sg->dport = (uint16_t)dp;
    }
    if (parse_flags(c, &sg->flags, un, unn) < 0)
        return -1;
    skip_ws(c, false);
    if (strncmp(c->s + c->i, "...", 3) == 0) { /* ...(len): any sequence number */
        for (int k = 0; k < 3; k++)
            advance(c);
        sg->seq_any = true;
        if (inbound)
            return pd_err(c, "an inbound segment needs its sequence number");
        if (!eat(c, '(') || read_u32(c, &sg->len) < 0 || !eat(c, ')'))
            return pd_err(c, "expected '(' LENGTH ')' after '...'");
    } else if (parse_range(c, &sg->seq, &sg->seq_end, &sg->len) < 0) {
        return -1;
    }
    if (eat(c, '!'))
        mark(un, unn, "the '!' sequence mark of nplab's packetdrill");
    if (eat_word(c, "ack")) {
        sg->has_ack = true;
        if (read_u32(c, &sg->ack) < 0)
            return -1;
    }
    if (eat_word(c, "win")) {
        sg->has_win = true;
        if (read_u32(c, &sg->win) < 0)
            return -1;
        if (sg->win > 65535)
            return pd_err(c, "the window field has 16 bits; %u does not fit", sg->win);
    }
    if (eat_word(c, "urg")) {
        uint32_t u;
        if (read_u32(c, &u) < 0)
            return -1;
        mark(un, unn, "the urgent pointer");
    }
    if (eat(c, '<') && parse_opts(c, sg, un, unn) < 0)
        return -1;
    if (eat(c, '/')) {
        mark(un, unn, "TCP over UDP encapsulation");
        while (!at_eol(c))
            advance(c);
    }
    return expect_eol(c);
}

/* ---- system calls ----------------------------------------------------- */

struct pd_sym {
    const char *name;
    int64_t value;
};

/* Names a script may use as values, with the numbers the calls take. The
 * values of flags are FreeBSD's where it matters only that they are
 * distinct bits (the runner reads them by name). */
static const struct pd_sym pd_syms[] = {
    { "AF_INET", 2 },          { "PF_INET", 2 },          { "AF_INET6", 28 },
    { "PF_INET6", 28 },        { "SOCK_STREAM", 1 },      { "SOCK_DGRAM", 2 },
    { "IPPROTO_TCP", 6 },      { "IPPROTO_UDP", 17 },     { "IPPROTO_IP", 0 },
    { "IPPROTO_SCTP", 132 },   { "IPPROTO_UDPLITE", 136 }, { "SOL_SOCKET", 0xffff },
    { "F_GETFL", 3 },          { "F_SETFL", 4 },          { "O_RDONLY", 0 },
    { "O_WRONLY", 1 },         { "O_RDWR", 2 },           { "O_NONBLOCK", 4 },
    { "SHUT_RD", 0 },          { "SHUT_WR", 1 },          { "SHUT_RDWR", 2 },
    { "MSG_PEEK", 2 },         { "MSG_OOB", 1 },          { "MSG_DONTWAIT", 0x80 },
    { "POLLIN", 1 },           { "POLLOUT", 4 },          { "POLLERR", 8 },
    { "POLLHUP", 0x10 },       { "INADDR_ANY", 0 },
};

static void
sym_resolve(struct pd_expr *e, const char *word)
{
    snprintf(e->word, sizeof(e->word), "%s", word);
    for (size_t i = 0; i < sizeof(pd_syms) / sizeof(pd_syms[0]); i++)
        if (strcmp(pd_syms[i].name, word) == 0) {
            e->value = pd_syms[i].value;
            e->value_known = true;
            return;
        }
}

/* A signed number: decimal or 0x. */
static int
read_int(struct pd_cur *c, int64_t *out)
{
    bool neg = eat(c, '-');
    uint64_t v;
    if (read_u64(c, &v) < 0)
        return -1;
    if (v > (uint64_t)INT64_MAX)
        return pd_err(c, "number out of range");
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static int parse_expr(struct pd_cur *c, struct pd_expr *e);

/* Is the '{' here a struct pollfd ({fd=...})? */
static bool
pollfd_ahead(const struct pd_cur *c)
{
    const char *p = c->s + c->i + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    return strncmp(p, "fd", 2) == 0 && (p[2] == '=' || p[2] == ' ');
}

/* {fd=3, events=POLLIN|POLLOUT, revents=0}: the '{' is eaten. */
static int
parse_pollfd(struct pd_cur *c, struct pd_expr *e)
{
    struct pd_pollfd *pf = &e->pollfd;
    memset(pf, 0, sizeof(*pf));
    e->kind = PD_EXPR_STRUCT;
    e->is_pollfd = true;
    for (;;) {
        char name[16];
        struct pd_expr v;
        read_word(c, name, sizeof(name));
        if (!eat(c, '='))
            return pd_err(c, "expected '=' after %s in a struct pollfd", name);
        memset(&v, 0, sizeof(v));
        if (parse_expr(c, &v) < 0)
            return -1;
        if (!v.value_known)
            return pd_err(c, "unknown value for %s (known: POLLIN POLLOUT POLLERR POLLHUP)",
                          name);
        if (strcmp(name, "fd") == 0)
            pf->fd = (int)v.value;
        else if (strcmp(name, "events") == 0)
            pf->events = (uint32_t)v.value;
        else if (strcmp(name, "revents") == 0)
            pf->revents = (uint32_t)v.value;
        else
            return pd_err(c, "a struct pollfd has fd, events and revents, not %s", name);
        skip_ws(c, true);
        if (peek(c) == '}') {
            advance(c);
            return 0;
        }
        if (peek(c) != ',')
            return pd_err(c, "expected ',' or '}' in a struct pollfd");
        advance(c);
        skip_ws(c, true);
    }
}

static int
parse_primary(struct pd_cur *c, struct pd_expr *e)
{
    skip_ws(c, true);
    char ch = peek(c);
    if (strncmp(c->s + c->i, "...", 3) == 0) {
        for (int k = 0; k < 3; k++)
            advance(c);
        e->kind = PD_EXPR_ELLIPSIS;
        return 0;
    }
    if (ch == '[') {
        advance(c);
        struct pd_expr in;
        memset(&in, 0, sizeof(in));
        if (parse_expr(c, &in) < 0)
            return -1;
        skip_ws(c, true);
        if (in.is_pollfd)
            e->pollfds[e->n_pollfds++] = in.pollfd;
        while (peek(c) == ',') { /* more elements: only the first is checked */
            struct pd_expr more;
            advance(c);
            memset(&more, 0, sizeof(more));
            if (parse_expr(c, &more) < 0)
                return -1;
            if (more.is_pollfd) {
                if (e->n_pollfds == PD_MAX_POLLFDS)
                    return pd_err(c, "at most %d descriptors in a poll()", PD_MAX_POLLFDS);
                e->pollfds[e->n_pollfds++] = more.pollfd;
            }
            skip_ws(c, true);
        }
        if (peek(c) != ']')
            return pd_err(c, "expected ']'");
        advance(c);
        e->kind = PD_EXPR_LIST;
        e->value = in.value;
        e->value_known = in.value_known || in.kind == PD_EXPR_INT;
        e->list_ellipsis = in.kind == PD_EXPR_ELLIPSIS;
        memcpy(e->word, in.word, sizeof(e->word));
        return 0;
    }
    if (ch == '{' && pollfd_ahead(c)) {
        advance(c);
        return parse_pollfd(c, e);
    }
    if (ch == '{') {
        int depth = 0;
        do {
            if (peek(c) == '{')
                depth++;
            else if (peek(c) == '}')
                depth--;
            else if (peek(c) == '\0')
                return pd_err(c, "a '{' without its '}'");
            advance(c);
        } while (depth > 0);
        e->kind = PD_EXPR_STRUCT;
        return 0;
    }
    if (ch == '"') {
        advance(c);
        while (peek(c) != '"') {
            if (peek(c) == '\0' || peek(c) == '\n')
                return pd_err(c, "a string without its closing '\"'");
            advance(c);
        }
        advance(c);
        e->kind = PD_EXPR_STRING;
        return 0;
    }
    if (ch == '-' || isdigit((unsigned char)ch)) {
        e->kind = PD_EXPR_INT;
        e->value_known = true;
        return read_int(c, &e->value);
    }
    if (isalpha((unsigned char)ch) || ch == '_') {
        char w[48];
        read_word(c, w, sizeof(w));
        e->kind = PD_EXPR_WORD;
        sym_resolve(e, w);
        /* htons(8080) and the like: a call in an argument. */
        if (eat(c, '(')) {
            struct pd_expr in;
            memset(&in, 0, sizeof(in));
            if (parse_expr(c, &in) < 0 || !eat(c, ')'))
                return pd_err(c, "expected ')'");
            e->kind = PD_EXPR_INT;
            e->value = in.value;
            e->value_known = in.value_known;
        }
        return 0;
    }
    return pd_err(c, "unexpected '%c' in a system call's arguments", ch);
}

static int
parse_expr(struct pd_cur *c, struct pd_expr *e)
{
    memset(e, 0, sizeof(*e));
    if (parse_primary(c, e) < 0)
        return -1;
    skip_ws(c, true);
    while (peek(c) == '|') {
        advance(c);
        struct pd_expr r;
        memset(&r, 0, sizeof(r));
        if (parse_primary(c, &r) < 0)
            return -1;
        /* Keep the names: "O_RDWR|O_NONBLOCK" reads as flags by name. */
        size_t n = strlen(e->word);
        snprintf(e->word + n, sizeof(e->word) - n, "|%s", r.word);
        e->value |= r.value;
        e->value_known = e->value_known && r.value_known;
        e->kind = PD_EXPR_OR;
        skip_ws(c, true);
    }
    return 0;
}

static int
parse_syscall(struct pd_cur *c, struct pd_event *ev, const char *name)
{
    struct pd_syscall *sc = &ev->call;
    ev->kind = PD_EV_SYSCALL;
    snprintf(sc->name, sizeof(sc->name), "%s", name);
    /* '(' was eaten */
    skip_ws(c, true);
    if (peek(c) != ')') {
        for (;;) {
            if (sc->n_args == PD_MAX_ARGS)
                return pd_err(c, "more than %d arguments", PD_MAX_ARGS);
            if (parse_expr(c, &sc->args[sc->n_args]) < 0)
                return -1;
            sc->n_args++;
            skip_ws(c, true);
            if (peek(c) == ',') {
                advance(c);
                continue;
            }
            break;
        }
    }
    skip_ws(c, true);
    if (peek(c) != ')')
        return pd_err(c, "expected ',' or ')' in %s()", name);
    advance(c);
    if (!eat(c, '='))
        return pd_err(c, "expected '=' and the result of %s()", name);
    if (read_int(c, &sc->result) < 0)
        return -1;
    skip_ws(c, false);
    if (isalpha((unsigned char)peek(c)))
        read_word(c, sc->errno_name, sizeof(sc->errno_name));
    skip_ws(c, false);
    if (peek(c) == '(') { /* (Operation now in progress), (flags O_RDWR): a comment */
        int depth = 0;
        do {
            if (peek(c) == '(')
                depth++;
            else if (peek(c) == ')')
                depth--;
            else if (peek(c) == '\n' || peek(c) == '\0')
                return pd_err(c, "a '(' without its ')'");
            advance(c);
        } while (depth > 0);
    }
    return expect_eol(c);
}

/* ---- the file --------------------------------------------------------- */

static int
parse_option_line(struct pd_cur *c, struct pd_script *sc)
{
    char name[48], value[48];
    size_t k = 0;
    advance(c);
    advance(c); /* "--" */
    while (isalnum((unsigned char)peek(c)) || peek(c) == '_' || peek(c) == '-') {
        if (k + 1 < sizeof(name))
            name[k++] = peek(c);
        advance(c);
    }
    name[k] = '\0';
    k = 0;
    if (peek(c) == '=' || peek(c) == ' ') {
        advance(c);
        skip_ws(c, false);
        while (!at_eol(c) && !isspace((unsigned char)peek(c))) {
            if (k + 1 < sizeof(value))
                value[k++] = peek(c);
            advance(c);
        }
    }
    value[k] = '\0';
    if (strcmp(name, "tolerance_usecs") == 0) {
        sc->tolerance_us = strtoll(value, NULL, 10);
    } else if (strcmp(name, "ip_version") == 0) {
        if (strcmp(value, "ipv6") == 0) {
            sc->ipv6 = true;
        } else if (strcmp(value, "ipv4") != 0) {
            sc->ipv6 = true;
            mark(sc->unsupported, sizeof(sc->unsupported), "IPv4-mapped IPv6 scripts (an AF_INET6 socket speaking IPv4)");
        }
    } else if (strcmp(name, "mtu") == 0) {
        long m = strtol(value, NULL, 10);
        if (m < 68 || m > 65535)
            return pd_err(c, "--mtu takes 68..65535");
        sc->mtu = (unsigned)m;
    } else if (strcmp(name, "udp_encapsulation") == 0) {
        mark(sc->unsupported, sizeof(sc->unsupported), "TCP over UDP encapsulation");
    } else if (strcmp(name, "tcp_md5_secret") == 0) {
        mark(sc->unsupported, sizeof(sc->unsupported), "TCP-MD5 signatures (RFC 2385)");
    } else if (strcmp(name, "non_fatal") == 0 || strcmp(name, "tolerance_percent") == 0 ||
               strcmp(name, "verbose") == 0) {
        /* non_fatal=syscall only changes how packetdrill reports; taken as fatal. */
    } else {
        mark(sc->unsupported, sizeof(sc->unsupported), "a packetdrill option netstep lacks");
    }
    return expect_eol(c);
}

static int
add_event(struct pd_script *sc, struct pd_event **out)
{
    if (sc->n_events == sc->cap_events) {
        size_t cap = sc->cap_events ? sc->cap_events * 2 : 64;
        struct pd_event *ev = realloc(sc->events, cap * sizeof(*ev));
        if (ev == NULL)
            return -1;
        sc->events = ev;
        sc->cap_events = cap;
    }
    *out = &sc->events[sc->n_events++];
    memset(*out, 0, sizeof(**out));
    return 0;
}

static int
parse_event(struct pd_cur *c, struct pd_script *sc)
{
    struct pd_event *ev;
    struct pd_time t;
    unsigned line = c->line;

    if (parse_time(c, &t) < 0)
        return -1;
    if (add_event(sc, &ev) < 0)
        return pd_err(c, "out of memory");
    ev->line = line;
    ev->time = t;
    skip_ws(c, false);
    char ch = peek(c);
    if (ch == '<' || ch == '>') {
        advance(c);
        if (t.has_block_end)
            return pd_err(c, "only a system call takes a '...' end time");
        return parse_packet(c, ev, ch == '<');
    }
    if (ch == '`') {
        advance(c);
        size_t start = c->i;
        while (peek(c) != '`') {
            if (peek(c) == '\0')
                return pd_err(c, "a shell command without its closing '`'");
            advance(c);
        }
        ev->kind = PD_EV_SHELL;
        ev->shell = malloc(c->i - start + 1);
        if (ev->shell != NULL) {
            memcpy(ev->shell, c->s + start, c->i - start);
            ev->shell[c->i - start] = '\0';
        }
        if (ev->shell == NULL)
            return pd_err(c, "out of memory");
        advance(c);
        return expect_eol(c);
    }
    if (isalpha((unsigned char)ch) || ch == '_') {
        char name[24];
        read_word(c, name, sizeof(name));
        if (!eat(c, '('))
            return pd_err(c, "expected '(' after %s", name);
        return parse_syscall(c, ev, name);
    }
    if (ch == '%' && c->s[c->i + 1] == '{') {
        /* %{ python }%: packetdrill's inline Python, checked after the run. */
        while (!(peek(c) == '}' && c->s[c->i + 1] == '%')) {
            if (peek(c) == '\0')
                return pd_err(c, "a %%{ block without its }%%");
            advance(c);
        }
        advance(c);
        advance(c);
        ev->kind = PD_EV_SHELL;
        snprintf(ev->unsupported, sizeof(ev->unsupported), "packetdrill's inline Python (%%{ }%%)");
        return expect_eol(c);
    }
    return pd_err(c, "expected '<', '>', a system call or a `shell command` after the time");
}

static bool
defined(const char *name, const char *const *defines, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (strcmp(defines[i], name) == 0)
            return true;
    return false;
}

/* Blank out comments and the lines of #ifdef blocks not taken (keeping the
 * newlines, so line numbers stay). Returns -1 with msg on an unbalanced #if. */
static int
preprocess(const char *path, char *t, const char *const *defines, unsigned n_defines, char *msg,
           size_t msg_len)
{
    /* Comments first: // to the end of the line, and C comments. */
    bool in_tick = false, in_str = false;
    for (char *p = t; *p != '\0'; p++) {
        if (*p == '`' && !in_str)
            in_tick = !in_tick;
        else if (*p == '"' && !in_tick)
            in_str = !in_str;
        else if (*p == '\n')
            in_str = false;
        if (in_tick || in_str)
            continue;
        if (p[0] == '/' && p[1] == '/') {
            while (*p != '\0' && *p != '\n')
                *p++ = ' ';
            if (*p == '\0')
                break;
        } else if (p[0] == '/' && p[1] == '*') {
            while (*p != '\0' && !(p[0] == '*' && p[1] == '/')) {
                if (*p != '\n')
                    *p = ' ';
                p++;
            }
            if (*p == '\0')
                break;
            p[0] = p[1] = ' ';
            p++;
        }
    }
    /* Then #ifdef: a stack of "this block is taken". */
    bool taken[16];
    int depth = 0;
    unsigned line = 1;
    for (char *p = t; *p != '\0';) {
        char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *q = p;
        while (q < p + len && (*q == ' ' || *q == '\t'))
            q++;
        bool outer = depth == 0 || taken[depth - 1];
        bool blank = false;
        if (*q == '#') {
            char word[16] = "", name[48] = "";
            sscanf(q + 1, "%15s %47s", word, name);
            if (strcmp(word, "ifdef") == 0 || strcmp(word, "ifndef") == 0) {
                if (depth == 16) {
                    snprintf(msg, msg_len, "%s:%u:1: error: #ifdef nested too deep", path, line);
                    return -1;
                }
                bool d = defined(name, defines, n_defines);
                taken[depth] = outer && (word[2] == 'd' ? d : !d);
                depth++;
            } else if (strcmp(word, "else") == 0) {
                if (depth == 0) {
                    snprintf(msg, msg_len, "%s:%u:1: error: #else without #ifdef", path, line);
                    return -1;
                }
                bool outer2 = depth < 2 || taken[depth - 2];
                taken[depth - 1] = outer2 && !taken[depth - 1];
            } else if (strcmp(word, "endif") == 0) {
                if (depth == 0) {
                    snprintf(msg, msg_len, "%s:%u:1: error: #endif without #ifdef", path, line);
                    return -1;
                }
                depth--;
            } else {
                /* Not a directive: a Python comment inside %{ }%, say. */
                blank = !outer;
                goto next_line;
            }
            blank = true;
        } else if (!outer) {
            blank = true;
        }
    next_line:
        if (blank)
            for (char *b = p; b < p + len; b++)
                *b = ' ';
        if (eol == NULL)
            break;
        p = eol + 1;
        line++;
    }
    if (depth != 0) {
        snprintf(msg, msg_len, "%s:%u:1: error: #ifdef without #endif", path, line);
        return -1;
    }
    return 0;
}

struct pd_script *
pd_script_parse(const char *path, const char *text, const char *const *defines,
                unsigned n_defines, char *msg, size_t msg_len)
{
    struct pd_script *sc = calloc(1, sizeof(*sc));
    char *t = strdup(text);
    if (sc == NULL || t == NULL) {
        free(sc);
        free(t);
        snprintf(msg, msg_len, "%s: out of memory", path);
        return NULL;
    }
    sc->path = strdup(path);
    /* packetdrill's default tolerance: 4 ms. */
    sc->tolerance_us = 4000;
    if (sc->path == NULL || preprocess(path, t, defines, n_defines, msg, msg_len) < 0)
        goto fail;
    struct pd_cur c = { .path = path, .s = t, .line = 1, .msg = msg, .msg_len = msg_len };
    for (;;) {
        skip_ws(&c, true);
        if (peek(&c) == '\0')
            break;
        int r;
        if (c.s[c.i] == '-' && c.s[c.i + 1] == '-')
            r = parse_option_line(&c, sc);
        else
            r = parse_event(&c, sc);
        if (r < 0 && sc->ipv6 && line_has(&c, "icmp")) {
            /* An ICMPv6 line (`< icmp packet_too_big mtu 1300 ...`): the
             * runner builds and reads ICMP for IPv4 only, so the script is
             * skipped, saying so, and the rest of the line is not read. */
            while (peek(&c) != '\n' && peek(&c) != '\0')
                advance(&c);
            msg[0] = '\0';
            mark(sc->unsupported, sizeof(sc->unsupported),
                 "ICMPv6 lines (the runner builds and reads ICMP for IPv4 only)");
            continue;
        }
        if (r < 0)
            goto fail;
    }
    free(t);
    return sc;
fail:
    free(t);
    pd_script_free(sc);
    return NULL;
}

struct pd_script *
pd_script_load(const char *path, const char *const *defines, unsigned n_defines, char *msg,
               size_t msg_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(msg, msg_len, "%s: %s", path, strerror(errno));
        return NULL;
    }
    /* Scripts are small; 4 MiB is far past any of the suites'. */
    size_t cap = 4u << 20, n;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(msg, msg_len, "%s: out of memory", path);
        return NULL;
    }
    n = fread(buf, 1, cap + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err || n > cap) {
        free(buf);
        snprintf(msg, msg_len, "%s: %s", path, err ? "cannot be read" : "larger than 4 MiB");
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n) != NULL) {
        free(buf);
        snprintf(msg, msg_len, "%s: not a text file (it holds a NUL byte)", path);
        return NULL;
    }
    struct pd_script *sc = pd_script_parse(path, buf, defines, n_defines, msg, msg_len);
    free(buf);
    return sc;
}

void
pd_script_free(struct pd_script *sc)
{
    if (sc == NULL)
        return;
    for (size_t i = 0; i < sc->n_events; i++)
        free(sc->events[i].shell);
    free(sc->events);
    free(sc->path);
    free(sc);
}
