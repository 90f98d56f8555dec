/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/inject.c - `inject`: one crafted frame, field by field, on a
 * link or into a host as if from the wire.
 *
 *   inject on A B [to END] LAYERS
 *   inject into HOST[:ethN] LAYERS
 *   LAYERS: [eth ...] (arp ... | ipv4 ... [icmp ... | udp ... | tcp ...]) [PAYLOAD]
 *
 * The line is parsed into a struct scn_inject: a struct craft (sim/craft.h)
 * holding every field written, plus which MACs and addresses were left to
 * the runner. Those come from where the frame goes: a link's sending end
 * (the end that is not `to`) gives the source MAC and address, its
 * receiving end the destination's; a switch end gives the MAC of the host
 * that owns the address. Lengths and checksums are computed unless written.
 * The frame is built once while parsing (with stand-in addresses), so a
 * field out of range is a FILE:LINE:COL error before anything runs.
 *
 * At run time the frame goes through link_transmit() as if the sending
 * end's NIC had sent it (rules, faults, the WIRE event the capture and
 * `expect packets` see), or, with `into`, straight to the interface as a
 * frame off the wire. Its cause is the step (`step N`, and the capture's
 * comment names the line).
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/craft.h"
#include "sim/link.h"
#include "sim/sim.h"
#include "sim/switch.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/wire/arp.h"
#include "stack/wire/describe.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

/* Longest payload written in `hex` or `bytes N`: a jumbo frame's worth. */
#define INJECT_PAYLOAD_MAX 9000u

/* A datagram quoted in an ICMP error (`quote ...`): its own layers. */
struct scn_inject {
    /* where the frame goes */
    bool into;                /* `into HOST`: no link between */
    int link;                 /* `on`: index into scenario.links; else -1 */
    bool to_a;                /* `on`: toward the link's first end (`to A`) */
    int host;                 /* `into`: the host */
    int ifc;                  /* `into`: its interface */
    /* what was left to the runner */
    bool eth_src_given;       /* eth src MAC written */
    bool eth_dst_given;       /* eth dst MAC written */
    bool has_eth;             /* `eth` written (only for printing it back) */
    bool ip_src_given;        /* ipv4 src written */
    bool ip_dst_given;        /* ipv4 dst written */
    struct scn_addr ip_src;   /* as written */
    struct scn_addr ip_dst;
    bool arp_sha_given, arp_spa_given, arp_tha_given, arp_tpa_given;
    struct scn_addr arp_spa;  /* as written */
    struct scn_addr arp_tpa;
    bool has_win;             /* tcp `win` written (else 65535) */
    /* an ICMP error's quoted datagram, or NULL */
    struct scn_inject *quote;
    bool quote_whole;         /* `quote whole`: all of it, not header + 8 bytes */
    /* the payload: bytes written as text, `hex` or `bytes N` */
    enum { PL_NONE, PL_TEXT, PL_HEX, PL_FILL } pl_kind;
    uint8_t *payload;         /* owned */
    size_t payload_len;
    /* every other field, as craft_build() takes it (payload NULL here) */
    struct craft c;
};

/* ---------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------- */

/* A number in decimal or 0x hex, lo..hi. */
static int
get_num(struct parser *p, const struct tok *t, const char *what, uint64_t hi, uint64_t *out)
{
    if (t == NULL)
        return -2;
    if (t->kind == TOK_WORD && t->len > 2 && t->text[0] == '0' &&
        (t->text[1] == 'x' || t->text[1] == 'X')) {
        uint64_t v = 0;
        for (size_t i = 2; i < t->len; i++) {
            int d = hex_value(t->text[i]);
            if (d < 0 || i > 17)
                return perr(p, t->col, "%s must be a number (decimal or 0x hex), found %s",
                            what, show(t).s);
            v = v << 4 | (uint64_t)d;
        }
        if (v > hi)
            return perr(p, t->col, "%s %s is more than %" PRIu64, what, t->text, hi);
        *out = v;
        return 0;
    }
    return get_uint(p, t, what, 0, hi, "", out);
}

/* The value after a field word: `ttl 1`. */
static int
field_num(struct parser *p, struct cur *c, const struct tok *w, uint64_t hi, uint64_t *out)
{
    const struct tok *t = cur_next(c);
    if (t == NULL)
        return perr(p, w->col, "%s needs a value after it", w->text);
    return get_num(p, t, w->text, hi, out);
}

/* v into the size bytes at to: a uint8_t, uint16_t or uint32_t. */
static void
store_uint(void *to, size_t size, uint64_t v)
{
    if (size == 1)
        *(uint8_t *)to = (uint8_t)v;
    else if (size == 2)
        *(uint16_t *)to = (uint16_t)v;
    else
        *(uint32_t *)to = (uint32_t)v;
}

/* A number 0..hi after w, into the size bytes at to. */
static int
field_store(struct parser *p, struct cur *c, const struct tok *w, uint64_t hi, void *to,
            size_t size)
{
    uint64_t v;
    if (field_num(p, c, w, hi, &v) < 0)
        return -1;
    store_uint(to, size, v);
    return 0;
}

static int
field_mac(struct parser *p, struct cur *c, const struct tok *w, uint8_t out[ETH_ALEN])
{
    const struct tok *t = cur_next(c);
    if (t == NULL)
        return perr(p, w->col, "%s needs a MAC address after it, like 02:00:00:00:00:09",
                    w->text);
    if (t->kind != TOK_WORD || !mac_addr_parse(t->text, out))
        return perr(p, t->col, "bad MAC address %s (write six hex pairs, like "
                    "02:00:00:00:00:09)", show(t).s);
    return 0;
}

static int
field_addr(struct parser *p, struct cur *c, const struct tok *w, struct scn_addr *out)
{
    const struct tok *t = cur_next(c);
    if (t == NULL)
        return perr(p, w->col, "%s needs an address after it (dotted, or a host's name)",
                    w->text);
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected an address, found %s", show(t).s);
    return get_addr(p, t->text, t->len, t->col, out);
}

/* `csum bad`, `csum none` (UDP only), `csum N`. */
static int
field_csum(struct parser *p, struct cur *c, const struct tok *w, bool none_ok,
           struct craft_csum *out)
{
    const struct tok *t = cur_peek(c);
    if (word_is(t, "bad")) {
        cur_next(c);
        out->mode = CRAFT_CSUM_BAD;
        return 0;
    }
    if (word_is(t, "none")) {
        if (!none_ok)
            return perr(p, t->col, "only UDP may leave its checksum out (csum none); write "
                        "'csum bad' or 'csum N'");
        cur_next(c);
        out->mode = CRAFT_CSUM_VALUE;
        out->value = 0;
        return 0;
    }
    out->mode = CRAFT_CSUM_VALUE;
    return field_store(p, c, w, 65535, &out->value, sizeof out->value);
}

/* HEX digits (pairs, '.' and ':' ignored) into out, at most max bytes. */
static int
get_hex(struct parser *p, const struct tok *t, uint8_t *out, size_t max, size_t *n)
{
    size_t k = 0;
    int hi = -1;
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected hex digits, found %s", show(t).s);
    for (size_t i = 0; i < t->len; i++) {
        char ch = t->text[i];
        if (ch == '.' || ch == ':')
            continue;
        int d = hex_value(ch);
        if (d < 0)
            return perr(p, t->col + (unsigned)i, "'%c' is not a hex digit", ch);
        if (hi < 0) {
            hi = d;
            continue;
        }
        if (k >= max)
            return perr(p, t->col, "more than %zu bytes of hex", max);
        out[k++] = (uint8_t)(hi << 4 | d);
        hi = -1;
    }
    if (hi >= 0)
        return perr(p, t->col, "an odd number of hex digits: write whole bytes");
    *n = k;
    return 0;
}

/* `flags SA`: S F R P U E W (CWR) C (CWR) A or '.' (ACK); `none` for no flag. */
static int
get_tcp_flags(struct parser *p, const struct tok *t, uint8_t *out)
{
    *out = 0;
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected TCP flags like S, SA, FPU or none, found %s",
                    show(t).s);
    if (strcmp(t->text, "none") == 0)
        return 0;
    for (size_t i = 0; i < t->len; i++) {
        switch (t->text[i]) {
        case 'F': *out |= TCP_FIN; break;
        case 'S': *out |= TCP_SYN; break;
        case 'R': *out |= TCP_RST; break;
        case 'P': *out |= TCP_PSH; break;
        case 'A':
        case '.': *out |= TCP_ACK; break;
        case 'U': *out |= TCP_URG; break;
        case 'E': *out |= TCP_ECE; break;
        case 'W':
        case 'C': *out |= TCP_CWR; break;
        default:
            return perr(p, t->col + (unsigned)i, "'%c' is not a TCP flag (S F R P A or . U E "
                        "W; or none)", t->text[i]);
        }
    }
    return 0;
}

/* `sack 100:200,300:400`. */
static int
get_sack(struct parser *p, const struct tok *t, struct craft_tcpopt *o)
{
    const char *s = t->text;
    o->kind = CRAFT_TCPOPT_SACK;
    o->n_sack = 0;
    while (*s != '\0') {
        if (o->n_sack == 4)
            return perr(p, t->col, "at most 4 SACK blocks fit in a header [RFC 2018 3]");
        char *end;
        unsigned long long l = strtoull(s, &end, 10);
        if (end == s || *end != ':' || l > UINT32_MAX)
            return perr(p, t->col, "SACK blocks are LEFT:RIGHT,LEFT:RIGHT, found %s",
                        show(t).s);
        s = end + 1;
        unsigned long long r = strtoull(s, &end, 10);
        if (end == s || (*end != ',' && *end != '\0') || r > UINT32_MAX)
            return perr(p, t->col, "SACK blocks are LEFT:RIGHT,LEFT:RIGHT, found %s",
                        show(t).s);
        o->sack[o->n_sack][0] = (uint32_t)l;
        o->sack[o->n_sack][1] = (uint32_t)r;
        o->n_sack++;
        s = *end == ',' ? end + 1 : end;
    }
    if (o->n_sack == 0)
        return perr(p, t->col, "a SACK option needs at least one LEFT:RIGHT block");
    return 0;
}

static struct craft_tcpopt *
new_opt(struct parser *p, struct scn_inject *in, const struct tok *w)
{
    if (in->c.tcp.n_opts >= CRAFT_TCP_OPTS_MAX) {
        perr(p, w->col, "too many TCP options");
        return NULL;
    }
    struct craft_tcpopt *o = &in->c.tcp.opts[in->c.tcp.n_opts++];
    memset(o, 0, sizeof *o);
    return o;
}

static bool
is_layer_word(const struct tok *t)
{
    return word_is(t, "eth") || word_is(t, "arp") || word_is(t, "ipv4") ||
           word_is(t, "icmp") || word_is(t, "udp") || word_is(t, "tcp");
}

static bool
is_payload_start(const struct tok *t)
{
    return t != NULL && (t->kind == TOK_STRING || word_is(t, "hex") || word_is(t, "bytes"));
}

/* ---------------------------------------------------------------------------
 * The fields of each layer
 *
 * A layer is a table of its fields, read by parse_fields(). Most fields are
 * a word and one value stored at a place in struct scn_inject (the craft, or
 * the addresses the runner may fill in), perhaps with a flag saying it was
 * written; a field with its own syntax (`frag`, `proto`, `unreach`, `quote`
 * ...) names the routine that reads it, and the TCP options share one. A
 * table's order is the order its layer's "unknown field" error lists the
 * fields in, so the list cannot leave one out.
 * ------------------------------------------------------------------------- */

/* How a field's value is written. */
enum field_kind {
    FK_BOOL,       /* the word alone: sets the bool at `at` */
    FK_SET,        /* the word alone: stores `value` at `at` (`request`, `echo`) */
    FK_NUM,        /* a number 0..max (decimal or 0x hex), stored at `at` */
    FK_MAC,        /* a MAC address */
    FK_ADDR,       /* dotted, or a host's name: a struct scn_addr */
    FK_CSUM,       /* `bad` or a number: a struct craft_csum */
    FK_CSUM_NONE,  /* the same, or `none` (only UDP may leave it out) */
    FK_TCPOPT,     /* a TCP option of kind `value`: tcp_option() reads it */
    FK_CALL,       /* anything else: parse() reads it */
};

/* One field of a layer. */
struct field {
    const char *name;     /* the word that starts it */
    enum field_kind kind;
    uint64_t max;         /* FK_NUM: the largest value taken */
    uint64_t value;       /* FK_SET: what is stored; FK_TCPOPT: the option's kind */
    size_t at;            /* where the value goes, from the start of struct scn_inject */
    size_t size;          /* FK_SET, FK_NUM: its width in bytes (1, 2 or 4) */
    size_t given;         /* where a bool saying it was written is, plus 1 (0: none, as
                             0 is a place too) */
    const char *shown;    /* how the unknown-field error lists it, if not by name */
    /* FK_CALL: the field's own reader (w is taken; what follows it is not) */
    int (*parse)(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in);
};

/* A field's place (at and size), and the flag set when it is written. */
#define AT(m) .at = offsetof(struct scn_inject, m), .size = sizeof(((struct scn_inject *)0)->m)
#define GIVEN(m) .given = offsetof(struct scn_inject, m) + 1

/* One layer: its word (for errors), its fields, and the word besides a
 * layer's or a payload's that ends it (NULL: none). */
struct layer {
    const char *name;
    const struct field *fields;
    size_t n_fields;
    const char *stop;
};

#define LAYER(name, fields, stop) \
    { (name), (fields), sizeof(fields) / sizeof(fields)[0], (stop) }

static int parse_layers(struct parser *p, struct cur *c, const struct tok *kw,
                        struct scn_inject *in, bool quoted);

/* `frag N` (the offset field alone) or `fragment N [LEN]` (the field, and
 * only those bytes of the transport after the header). */
static int
ipv4_frag(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    struct craft_ipv4 *ip = &in->c.ip;
    uint64_t v;
    if (field_num(p, c, w, 65528, &v) < 0)
        return -1;
    if (v % 8 != 0)
        return perr(p, c->ln->toks[c->i - 1].col,
                    "a fragment offset is a multiple of 8 bytes [RFC 791 3.1]");
    ip->frag_off = (uint16_t)v;
    if (!word_is(w, "fragment"))
        return 0;
    ip->slice = true;
    ip->slice_off = (uint32_t)v;
    ip->slice_len = -1;
    const struct tok *tl = cur_peek(c);
    if (tl != NULL && tl->kind == TOK_WORD && is_digit(tl->text[0])) {
        cur_next(c);
        if (get_num(p, tl, "fragment length", 65535, &v) < 0)
            return -1;
        ip->slice_len = (int32_t)v;
    }
    return 0;
}

/* `proto N`, or the transport by name. */
static int
ipv4_proto(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    const struct tok *t = cur_peek(c);
    if (word_is(t, "icmp") || word_is(t, "udp") || word_is(t, "tcp")) {
        cur_next(c);
        in->c.ip.proto = word_is(t, "icmp") ? 1 : word_is(t, "udp") ? 17 : 6;
        return 0;
    }
    return field_store(p, c, w, 255, &in->c.ip.proto, sizeof in->c.ip.proto);
}

static int
ipv4_options(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    const struct tok *t = cur_next(c);
    size_t n = 0;
    if (t == NULL)
        return perr(p, w->col, "options needs hex bytes after it, like 07030400");
    int rc = get_hex(p, t, in->c.ip.options, IPV4_OPT_MAX, &n);
    in->c.ip.opt_len = (uint8_t)n;
    return rc;
}

/* `unreach net|host|proto|port|needfrag|N`. */
static int
icmp_unreach(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    static const char *const codes[] = { "net", "host", "proto", "port", "needfrag" };
    struct craft_icmp *m = &in->c.icmp;
    const struct tok *t = cur_next(c);
    uint64_t v = 0;
    m->type = ICMP_DEST_UNREACH;
    if (t == NULL)
        return perr(p, w->col, "unreach needs its code: net, host, proto, port, needfrag or a "
                    "number");
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (word_is(t, codes[i])) {
            m->code = (uint8_t)i;
            return 0;
        }
    int rc = get_num(p, t, "unreach code", 255, &v);
    m->code = (uint8_t)v;
    return rc;
}

/* `exceeded [ttl|reassembly]`. */
static int
icmp_exceeded(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    const struct tok *t = cur_peek(c);
    (void)p;
    (void)w;
    in->c.icmp.type = ICMP_TIME_EXCEEDED;
    in->c.icmp.code = ICMP_EXC_TTL;
    if (word_is(t, "ttl")) {
        cur_next(c);
    } else if (word_is(t, "reassembly")) {
        cur_next(c);
        in->c.icmp.code = ICMP_EXC_FRAGTIME;
    }
    return 0;
}

/* `quote [whole] ipv4 ...`: the quoted datagram's layers take the rest of
 * the line (parse_layers() sees that nothing follows them). */
static int
icmp_quote(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    if (word_is(cur_peek(c), "whole")) {
        cur_next(c);
        in->quote_whole = true;
    }
    in->quote = calloc(1, sizeof *in->quote);
    if (in->quote == NULL)
        return perr_oom(p);
    if (!word_is(cur_peek(c), "ipv4"))
        return perr(p, w->col, "quote needs the quoted datagram after it: 'quote ipv4 ... tcp "
                    "...'");
    return parse_layers(p, c, w, in->quote, true);
}

static int
tcp_flags(struct parser *p, struct cur *c, const struct tok *w, struct scn_inject *in)
{
    const struct tok *t = cur_next(c);
    if (t == NULL)
        return perr(p, w->col, "flags needs letters after it, like S, SA, FPU or none");
    return get_tcp_flags(p, t, &in->c.tcp.flags);
}

/* A TCP option of kind `kind`, after those written before it. */
static int
tcp_option(struct parser *p, struct cur *c, const struct tok *w, enum craft_tcpopt_kind kind,
           struct scn_inject *in)
{
    struct craft_tcpopt *o = new_opt(p, in, w);
    const struct tok *t;
    size_t n = 0;
    int rc;
    if (o == NULL)
        return -1;
    o->kind = kind;
    switch (kind) {
    case CRAFT_TCPOPT_EOL:
    case CRAFT_TCPOPT_NOP:
    case CRAFT_TCPOPT_SACK_PERM:
        return 0;
    case CRAFT_TCPOPT_MSS:
        return field_store(p, c, w, 65535, &o->mss, sizeof o->mss);
    case CRAFT_TCPOPT_WSCALE:
        return field_store(p, c, w, 255, &o->wscale, sizeof o->wscale);
    case CRAFT_TCPOPT_TS:
        if (field_store(p, c, w, UINT32_MAX, &o->ts_val, sizeof o->ts_val) < 0)
            return -1;
        return field_store(p, c, w, UINT32_MAX, &o->ts_ecr, sizeof o->ts_ecr);
    case CRAFT_TCPOPT_SACK:
        if ((t = cur_next(c)) == NULL)
            return perr(p, w->col, "sack needs blocks after it, like 1001:2001");
        return get_sack(p, t, o);
    case CRAFT_TCPOPT_RAW:
        if ((t = cur_next(c)) == NULL)
            return perr(p, w->col, "opt needs the option's bytes in hex, like 1e0400");
        rc = get_hex(p, t, o->raw, CRAFT_OPT_MAX, &n);
        o->raw_len = (uint8_t)n;
        return rc;
    }
    return 0;
}

static const struct field eth_fields[] = {
    { "src", FK_MAC, AT(c.eth.src), GIVEN(eth_src_given) },
    { "dst", FK_MAC, AT(c.eth.dst), GIVEN(eth_dst_given) },
    { "type", FK_NUM, 65535, AT(c.eth.type), GIVEN(c.eth.has_type) },
};

static const struct field arp_fields[] = {
    { "request", FK_SET, .value = ARP_OP_REQUEST, AT(c.arp.op) },
    { "reply", FK_SET, .value = ARP_OP_REPLY, AT(c.arp.op) },
    { "op", FK_NUM, 65535, AT(c.arp.op) },
    { "sha", FK_MAC, AT(c.arp.sha), GIVEN(arp_sha_given) },
    { "spa", FK_ADDR, AT(arp_spa), GIVEN(arp_spa_given) },
    { "tha", FK_MAC, AT(c.arp.tha), GIVEN(arp_tha_given) },
    { "tpa", FK_ADDR, AT(arp_tpa), GIVEN(arp_tpa_given) },
    { "htype", FK_NUM, 65535, AT(c.arp.htype) },
    { "ptype", FK_NUM, 65535, AT(c.arp.ptype) },
    { "hlen", FK_NUM, 255, AT(c.arp.hlen) },
    { "plen", FK_NUM, 255, AT(c.arp.plen) },
};

static const struct field ipv4_fields[] = {
    { "src", FK_ADDR, AT(ip_src), GIVEN(ip_src_given) },
    { "dst", FK_ADDR, AT(ip_dst), GIVEN(ip_dst_given) },
    { "ttl", FK_NUM, 255, AT(c.ip.ttl), GIVEN(c.ip.has_ttl) },
    { "tos", FK_NUM, 255, AT(c.ip.tos) },
    { "id", FK_NUM, 65535, AT(c.ip.id) },
    { "df", FK_BOOL, AT(c.ip.df) },
    { "mf", FK_BOOL, AT(c.ip.mf) },
    { "rf", FK_BOOL, AT(c.ip.rf) },
    { "frag", FK_CALL, .parse = ipv4_frag },
    { "fragment", FK_CALL, .parse = ipv4_frag },
    { "proto", FK_CALL, .parse = ipv4_proto, GIVEN(c.ip.has_proto) },
    { "len", FK_NUM, 65535, AT(c.ip.total_len), GIVEN(c.ip.has_total_len) },
    { "ihl", FK_NUM, 15, AT(c.ip.ihl), GIVEN(c.ip.has_ihl) },
    { "version", FK_NUM, 15, AT(c.ip.version), GIVEN(c.ip.has_version) },
    { "options", FK_CALL, .parse = ipv4_options },
    { "csum", FK_CSUM, AT(c.ip.csum) },
};

static const struct field icmp_fields[] = {
    { "echo", FK_SET, .value = ICMP_ECHO_REQUEST, AT(c.icmp.type) },
    { "reply", FK_SET, .value = ICMP_ECHO_REPLY, AT(c.icmp.type) },
    { "unreach", FK_CALL, .parse = icmp_unreach, .shown = "unreach CODE" },
    { "exceeded", FK_CALL, .parse = icmp_exceeded },
    { "type", FK_NUM, 255, AT(c.icmp.type) },
    { "code", FK_NUM, 255, AT(c.icmp.code) },
    { "id", FK_NUM, 65535, AT(c.icmp.id) },
    { "seq", FK_NUM, 65535, AT(c.icmp.seq) },
    { "mtu", FK_NUM, 65535, AT(c.icmp.mtu) },
    { "rest", FK_NUM, UINT32_MAX, AT(c.icmp.rest), GIVEN(c.icmp.has_rest) },
    { "csum", FK_CSUM, AT(c.icmp.csum) },
    { "quote", FK_CALL, .parse = icmp_quote },
};

static const struct field udp_fields[] = {
    { "sport", FK_NUM, 65535, AT(c.udp.sport) },
    { "dport", FK_NUM, 65535, AT(c.udp.dport) },
    { "len", FK_NUM, 65535, AT(c.udp.len), GIVEN(c.udp.has_len) },
    { "csum", FK_CSUM_NONE, AT(c.udp.csum) },
};

static const struct field tcp_fields[] = {
    { "sport", FK_NUM, 65535, AT(c.tcp.sport) },
    { "dport", FK_NUM, 65535, AT(c.tcp.dport) },
    { "seq", FK_NUM, UINT32_MAX, AT(c.tcp.seq) },
    { "ack", FK_NUM, UINT32_MAX, AT(c.tcp.ack) },
    { "win", FK_NUM, 65535, AT(c.tcp.win), GIVEN(has_win) },
    { "urg", FK_NUM, 65535, AT(c.tcp.urp) },
    { "flags", FK_CALL, .parse = tcp_flags },
    { "off", FK_NUM, 15, AT(c.tcp.data_off), GIVEN(c.tcp.has_data_off) },
    { "reserved", FK_NUM, 15, AT(c.tcp.reserved) },
    { "mss", FK_TCPOPT, .value = CRAFT_TCPOPT_MSS },
    { "nop", FK_TCPOPT, .value = CRAFT_TCPOPT_NOP },
    { "eol", FK_TCPOPT, .value = CRAFT_TCPOPT_EOL },
    { "wscale", FK_TCPOPT, .value = CRAFT_TCPOPT_WSCALE },
    { "sackok", FK_TCPOPT, .value = CRAFT_TCPOPT_SACK_PERM },
    { "sack", FK_TCPOPT, .value = CRAFT_TCPOPT_SACK },
    { "ts", FK_TCPOPT, .value = CRAFT_TCPOPT_TS },
    { "opt", FK_TCPOPT, .value = CRAFT_TCPOPT_RAW },
    { "nopad", FK_BOOL, AT(c.tcp.no_opt_pad) },
    { "csum", FK_CSUM, AT(c.tcp.csum) },
};

static const struct layer eth_layer = LAYER("eth", eth_fields, NULL);
static const struct layer arp_layer = LAYER("arp", arp_fields, NULL);
/* `quote` (an icmp field) ends ipv4's fields: without icmp it is
 * "unexpected", not an unknown ipv4 field */
static const struct layer ipv4_layer = LAYER("ipv4", ipv4_fields, "quote");
static const struct layer icmp_layer = LAYER("icmp", icmp_fields, NULL);
static const struct layer udp_layer = LAYER("udp", udp_fields, NULL);
static const struct layer tcp_layer = LAYER("tcp", tcp_fields, NULL);

/* The value of field f, whose word w was just taken, into in. */
static int
parse_field(struct parser *p, struct cur *c, const struct tok *w, const struct field *f,
            struct scn_inject *in)
{
    void *to = (char *)in + f->at;  /* void *: the place is aligned for its field */
    int rc = 0;
    switch (f->kind) {
    case FK_BOOL:
        *(bool *)to = true;
        break;
    case FK_SET:
        store_uint(to, f->size, f->value);
        break;
    case FK_NUM:
        rc = field_store(p, c, w, f->max, to, f->size);
        break;
    case FK_MAC:
        rc = field_mac(p, c, w, to);
        break;
    case FK_ADDR:
        rc = field_addr(p, c, w, to);
        break;
    case FK_CSUM:
    case FK_CSUM_NONE:
        rc = field_csum(p, c, w, f->kind == FK_CSUM_NONE, to);
        break;
    case FK_TCPOPT:
        rc = tcp_option(p, c, w, (enum craft_tcpopt_kind)f->value, in);
        break;
    case FK_CALL:
        rc = f->parse(p, c, w, in);
        break;
    }
    if (rc < 0)
        return -1;
    if (f->given != 0)
        *(bool *)(void *)((char *)in + f->given - 1) = true;
    return 0;
}

/* "unknown tcp field 'x' (sport, dport, ...)": all of l's fields. */
static int
err_unknown_field(struct parser *p, const struct tok *w, const struct layer *l)
{
    char list[SCN_MSG_LEN] = "";
    size_t n = 0;
    for (size_t i = 0; i < l->n_fields && n < sizeof list; i++) {
        const struct field *f = &l->fields[i];
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i > 0 ? ", " : "",
                              f->shown != NULL ? f->shown : f->name);
    }
    return perr(p, w->col, "unknown %s field %s (%s)", l->name, show(w).s, list);
}

/* l's fields, up to the next layer, the payload or the end of the line. */
static int
parse_fields(struct parser *p, struct cur *c, struct scn_inject *in, const struct layer *l)
{
    const struct tok *w;
    while ((w = cur_peek(c)) != NULL && !is_layer_word(w) && !is_payload_start(w) &&
           !(l->stop != NULL && word_is(w, l->stop))) {
        const struct field *f = NULL;
        cur_next(c);
        for (size_t i = 0; i < l->n_fields && f == NULL; i++)
            if (word_is(w, l->fields[i].name))
                f = &l->fields[i];
        if (f == NULL)
            return err_unknown_field(p, w, l);
        if (parse_field(p, c, w, f, in) < 0)
            return -1;
    }
    return 0;
}

/* The transport layer t names, from the values it starts with. */
static int
parse_transport(struct parser *p, struct cur *c, const struct tok *t, struct scn_inject *in)
{
    if (word_is(t, "icmp")) {
        in->c.trans = CRAFT_TRANS_ICMP;
        in->c.icmp.type = ICMP_ECHO_REQUEST;
        return parse_fields(p, c, in, &icmp_layer);
    }
    if (word_is(t, "udp")) {
        in->c.trans = CRAFT_TRANS_UDP;
        return parse_fields(p, c, in, &udp_layer);
    }
    in->c.trans = CRAFT_TRANS_TCP;
    in->c.tcp.win = 65535;
    if (parse_fields(p, c, in, &tcp_layer) < 0)
        return -1;
    if (in->c.tcp.sport == 0 || in->c.tcp.dport == 0)
        return perr(p, c->ln->toks[c->i - 1].col, "tcp needs 'sport N' and 'dport N'");
    return 0;
}

static int
parse_payload(struct parser *p, struct cur *c, struct scn_inject *in)
{
    const struct tok *t = cur_next(c);
    if (t->kind == TOK_STRING) {
        in->pl_kind = PL_TEXT;
        in->payload = malloc(t->len + 1);
        if (in->payload == NULL)
            return perr_oom(p);
        memcpy(in->payload, t->text, t->len);
        in->payload_len = t->len;
        return 0;
    }
    const struct tok *v = cur_next(c);
    if (v == NULL)
        return perr(p, t->col, "%s needs a value after it", t->text);
    if (word_is(t, "bytes")) {
        uint64_t n;
        if (get_uint(p, v, "bytes", 0, INJECT_PAYLOAD_MAX, " (a jumbo frame's worth)", &n) < 0)
            return -1;
        in->pl_kind = PL_FILL;
        in->payload = malloc(n + 1);
        if (in->payload == NULL)
            return perr_oom(p);
        for (uint64_t i = 0; i < n; i++)
            in->payload[i] = (uint8_t)('a' + i % 26);  /* as `bytes N` of send */
        in->payload_len = n;
        return 0;
    }
    in->pl_kind = PL_HEX;
    in->payload = malloc(INJECT_PAYLOAD_MAX);
    if (in->payload == NULL)
        return perr_oom(p);
    return get_hex(p, v, in->payload, INJECT_PAYLOAD_MAX, &in->payload_len);
}

/* [eth ...] (arp ... | ipv4 ... [icmp|udp|tcp ...]) [PAYLOAD] to the end. */
static int
parse_layers(struct parser *p, struct cur *c, const struct tok *kw, struct scn_inject *in,
             bool quoted)
{
    const struct tok *t = cur_peek(c);
    craft_init(&in->c);
    in->link = -1;
    in->host = -1;
    in->ip_src.host = in->ip_dst.host = in->arp_spa.host = in->arp_tpa.host = -1;
    in->c.no_eth = quoted;
    if (word_is(t, "eth")) {
        if (quoted)
            return perr(p, t->col, "a quoted datagram starts at its IPv4 header");
        cur_next(c);
        in->has_eth = true;
        if (parse_fields(p, c, in, &eth_layer) < 0)
            return -1;
        t = cur_peek(c);
    }
    if (word_is(t, "arp")) {
        cur_next(c);
        craft_arp_defaults(&in->c);
        if (parse_fields(p, c, in, &arp_layer) < 0)
            return -1;
    } else if (word_is(t, "ipv4")) {
        cur_next(c);
        in->c.net = CRAFT_NET_IPV4;
        if (parse_fields(p, c, in, &ipv4_layer) < 0)
            return -1;
        t = cur_peek(c);
        if (word_is(t, "icmp") || word_is(t, "udp") || word_is(t, "tcp")) {
            cur_next(c);
            if (parse_transport(p, c, t, in) < 0)
                return -1;
            if (in->quote != NULL)
                return 0;  /* the quote took the rest of the line */
        }
    } else if (t == NULL || !is_payload_start(t) || !in->has_eth) {
        if (t == NULL)
            return perr(p, kw->col, "%s needs the frame's layers, like 'ipv4 dst bob tcp "
                        "sport 4444 dport 80 flags S'", kw->text);
        return perr(p, t->col, "expected a layer (eth, arp, ipv4, then icmp, udp or tcp), "
                    "found %s", show(t).s);
    }
    t = cur_peek(c);
    if (t != NULL && is_payload_start(t)) {
        if (parse_payload(p, c, in) < 0)
            return -1;
    }
    t = cur_peek(c);
    if (t != NULL && is_layer_word(t))
        return perr(p, t->col, "%s cannot come here: the layers go eth, then arp or ipv4, then "
                    "icmp, udp or tcp, then the payload", show(t).s);
    return expect_end(p, c);
}

static void inject_free(struct scn_inject *in);

/* Build the frame with stand-in addresses: any field out of range is an
 * error now, not when the scenario runs. */
static int inject_build(const struct scn_inject *in, struct craft *c, uint8_t *buf, size_t cap,
                        size_t *len, const char **why);

/* The link the world will name t ("alice-bob", "alice-bob/2", "alice-sw1":
 * how sim_add_link() names them, as the trace and the view show them), or
 * -1. */
int
link_by_trace_name(const struct scenario *scn, const struct tok *t)
{
    if (t == NULL || t->kind != TOK_WORD || strchr(t->text, '-') == NULL)
        return -1;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        char base[2 * SCN_NAME_MAX + 2], name[2 * SCN_NAME_MAX + 16];
        snprintf(base, sizeof base, "%s-%s",
                 l->a >= 0 ? scn->hosts[l->a].name : scn->switches[l->a_sw].name,
                 l->b >= 0 ? scn->hosts[l->b].name : scn->switches[l->b_sw].name);
        unsigned same = 0;  /* earlier links of the same pair of names */
        for (size_t k = 0; k < i; k++) {
            const struct scn_link *o = &scn->links[k];
            char ob[2 * SCN_NAME_MAX + 2];
            snprintf(ob, sizeof ob, "%s-%s",
                     o->a >= 0 ? scn->hosts[o->a].name : scn->switches[o->a_sw].name,
                     o->b >= 0 ? scn->hosts[o->b].name : scn->switches[o->b_sw].name);
            same += strcmp(ob, base) == 0;
        }
        if (same == 0)
            snprintf(name, sizeof name, "%s", base);
        else
            snprintf(name, sizeof name, "%s/%u", base, same + 1);
        if (strcmp(name, t->text) == 0)
            return (int)i;
    }
    return -1;
}

/* The link whose ends are ta and tb (either order); *swapped if b was
 * written first. -1 after an error. */
static int
find_link_ends(struct parser *p, const struct tok *ta, const struct tok *tb, bool *swapped)
{
    int ah, ai, as, bh, bi, bs;
    if (get_link_end(p, ta, &ah, &ai, &as) < 0 || get_link_end(p, tb, &bh, &bi, &bs) < 0)
        return -1;
    for (size_t i = 0; i < p->scn->n_links; i++) {
        const struct scn_link *l = &p->scn->links[i];
        bool aa = l->a == ah && l->a_sw == as && (ah < 0 || ai < 0 || l->a_if == ai);
        bool bb = l->b == bh && l->b_sw == bs && (bh < 0 || bi < 0 || l->b_if == bi);
        bool ab = l->b == ah && l->b_sw == as && (ah < 0 || ai < 0 || l->b_if == ai);
        bool ba = l->a == bh && l->a_sw == bs && (bh < 0 || bi < 0 || l->a_if == bi);
        if (aa && bb) {
            *swapped = false;
            return (int)i;
        }
        if (ab && ba) {
            *swapped = true;
            return (int)i;
        }
    }
    return perr(p, ta->col, "there is no link between %s and %s", ta->text, tb->text);
}

int
parse_link_on(struct parser *p, struct cur *c, const struct tok *on, const char *example,
              int *link, bool *to_a)
{
    const struct tok *named = cur_peek(c);
    *to_a = false;
    if (named != NULL && scenario_host_find(p->scn, named->text) < 0 &&
        scenario_switch_find(p->scn, named->text) < 0 &&
        (*link = link_by_trace_name(p->scn, named)) >= 0) {
        /* `on alice-bob`: the link by the name the trace gives it; toward
         * its b end unless `to` says otherwise */
        cur_next(c);
    } else {
        const struct tok *ta = cur_next(c), *tb = cur_next(c);
        if (ta == NULL || tb == NULL)
            return perr(p, on->col, "on needs the link's two ends, as 'link' writes them%s",
                        example);
        /* toward the second end written, unless `to` says otherwise */
        if ((*link = find_link_ends(p, ta, tb, to_a)) < 0)
            return -1;
    }
    if (!word_is(cur_peek(c), "to"))
        return 0;
    const struct tok *tw = cur_next(c), *tt = cur_next(c);
    int th, ti, ts;
    if (tt == NULL)
        return perr(p, tw->col, "to needs one of the link's ends");
    if (get_link_end(p, tt, &th, &ti, &ts) < 0)
        return -1;
    const struct scn_link *l = &p->scn->links[*link];
    if (th == l->a && ts == l->a_sw && (th < 0 || ti < 0 || ti == l->a_if))
        *to_a = true;
    else if (th == l->b && ts == l->b_sw && (th < 0 || ti < 0 || ti == l->b_if))
        *to_a = false;
    else
        return perr(p, tt->col, "%s is not an end of that link", show(tt).s);
    return 0;
}

int
parse_inject(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    step_init(st, SCN_STEP_INJECT);
    struct scn_inject *in = calloc(1, sizeof *in);
    if (in == NULL)
        return perr_oom(p);
    st->inject.spec = in;
    const struct tok *w = cur_next(c);
    int link = -1, host = -1, ifc = 0;
    bool to_a = false;
    if (word_is(w, "on")) {
        if (parse_link_on(p, c, w, ": 'inject on alice bob ...'", &link, &to_a) < 0)
            return -1;
    } else if (word_is(w, "into")) {
        const struct tok *th = cur_next(c);
        int sw;
        if (th == NULL)
            return perr(p, w->col, "into needs a host, like 'inject into bob ...'");
        if (get_link_end(p, th, &host, &ifc, &sw) < 0)
            return -1;
        if (host < 0)
            return perr(p, th->col, "a frame goes into a host's interface, not into a switch: "
                        "write 'inject on HOST %s to %s ...'", th->text, th->text);
        if (ifc < 0)
            ifc = 0;
        if (ifc >= (int)p->scn->hosts[host].n_ifaces)
            return perr(p, th->col, "%s has no interface eth%d", p->scn->hosts[host].name, ifc);
    } else {
        return perr(p, w != NULL ? w->col : kw->col + (unsigned)kw->len + 1,
                    "inject needs where the frame goes: 'on A B [to B]' (a link) or 'into "
                    "HOST' (as if from the wire)");
    }
    if (parse_layers(p, c, kw, in, false) < 0)
        return -1;
    /* A switch has no address: the end that is one cannot lend its own. */
    if (link >= 0) {
        const struct scn_link *l = &p->scn->links[link];
        bool to_sw = (to_a ? l->a_sw : l->b_sw) >= 0, from_sw = (to_a ? l->b_sw : l->a_sw) >= 0;
        bool ip = in->c.net == CRAFT_NET_IPV4, arp = in->c.net == CRAFT_NET_ARP;
        if (to_sw && ((ip && !in->ip_dst_given) || (arp && !in->arp_tpa_given)))
            return perr(p, kw->col, "the frame goes into a switch, which has no address: write "
                        "the %s it is for", ip ? "ipv4 dst" : "arp tpa");
        if (from_sw && ((ip && !in->ip_src_given) || (arp && !in->arp_spa_given)))
            return perr(p, kw->col, "the frame comes out of a switch, which has no address: "
                        "write the %s it is from", ip ? "ipv4 src" : "arp spa");
    }
    if (host >= 0) {
        /* into a host: the source is the far end of its link, if a host */
        bool from_host = false;
        for (size_t i = 0; i < p->scn->n_links; i++) {
            const struct scn_link *l = &p->scn->links[i];
            if (l->a == host && l->a_if == ifc)
                from_host = l->b >= 0;
            else if (l->b == host && l->b_if == ifc)
                from_host = l->a >= 0;
        }
        bool ip = in->c.net == CRAFT_NET_IPV4, arp = in->c.net == CRAFT_NET_ARP;
        if (!from_host && ((ip && !in->ip_src_given) || (arp && !in->arp_spa_given)))
            return perr(p, kw->col, "no host is at the other end of %s's link to lend the frame "
                        "its source: write the %s", p->scn->hosts[host].name,
                        ip ? "ipv4 src" : "arp spa");
    }
    in->into = host >= 0;
    in->link = link;
    in->to_a = to_a;
    in->host = host;
    in->ifc = ifc;

    uint8_t *buf = malloc(CRAFT_MAX);
    if (buf == NULL)
        return perr_oom(p);
    struct craft cc;
    size_t len;
    const char *why = "?";
    int rc = inject_build(in, &cc, buf, CRAFT_MAX, &len, &why);
    free(buf);
    if (rc < 0)
        return perr(p, kw->col, "cannot build this frame: %s", why);
    return 1;
}

/* ---------------------------------------------------------------------------
 * Print, compare, copy, free
 * ------------------------------------------------------------------------- */

static void
print_mac(FILE *out, const char *word, const uint8_t mac[ETH_ALEN])
{
    char s[MAC_ADDR_STRLEN];
    fprintf(out, " %s %s", word, mac_addr_str(mac, s));
}

static void
print_csum(FILE *out, const struct craft_csum *cs, bool udp)
{
    if (cs->mode == CRAFT_CSUM_BAD)
        fputs(" csum bad", out);
    else if (cs->mode == CRAFT_CSUM_VALUE && udp && cs->value == 0)
        fputs(" csum none", out);
    else if (cs->mode == CRAFT_CSUM_VALUE)
        fprintf(out, " csum 0x%04x", cs->value);
}

static void
print_hex(FILE *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x", b[i]);
}

static void
print_flags(FILE *out, uint8_t f)
{
    static const struct { uint8_t bit; char ch; } letters[] = {
        { TCP_SYN, 'S' }, { TCP_FIN, 'F' }, { TCP_RST, 'R' }, { TCP_PSH, 'P' },
        { TCP_ACK, 'A' }, { TCP_URG, 'U' }, { TCP_ECE, 'E' }, { TCP_CWR, 'W' },
    };
    fputs(" flags ", out);
    if (f == 0) {
        fputs("none", out);
        return;
    }
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (f & letters[i].bit)
            fputc(letters[i].ch, out);
}

static void
print_layers(FILE *out, const struct scenario *scn, const struct scn_inject *in)
{
    const struct craft *c = &in->c;
    if (in->has_eth) {
        fputs(" eth", out);
        if (in->eth_src_given)
            print_mac(out, "src", c->eth.src);
        if (in->eth_dst_given)
            print_mac(out, "dst", c->eth.dst);
        if (c->eth.has_type)
            fprintf(out, " type 0x%04x", c->eth.type);
    }
    if (c->net == CRAFT_NET_ARP) {
        const struct craft_arp *a = &c->arp;
        fputs(" arp", out);
        if (a->op == ARP_OP_REQUEST)
            fputs(" request", out);
        else if (a->op == ARP_OP_REPLY)
            fputs(" reply", out);
        else
            fprintf(out, " op %u", a->op);
        if (in->arp_sha_given)
            print_mac(out, "sha", a->sha);
        if (in->arp_spa_given) {
            fputs(" spa ", out);
            print_addr(out, scn, &in->arp_spa);
        }
        if (in->arp_tha_given)
            print_mac(out, "tha", a->tha);
        if (in->arp_tpa_given) {
            fputs(" tpa ", out);
            print_addr(out, scn, &in->arp_tpa);
        }
        if (a->htype != ARP_HTYPE_ETH)
            fprintf(out, " htype %u", a->htype);
        if (a->ptype != ETHERTYPE_IPV4)
            fprintf(out, " ptype 0x%04x", a->ptype);
        if (a->hlen != ETH_ALEN)
            fprintf(out, " hlen %u", a->hlen);
        if (a->plen != 4)
            fprintf(out, " plen %u", a->plen);
    } else if (c->net == CRAFT_NET_IPV4) {
        const struct craft_ipv4 *ip = &c->ip;
        fputs(" ipv4", out);
        if (in->ip_src_given) {
            fputs(" src ", out);
            print_addr(out, scn, &in->ip_src);
        }
        if (in->ip_dst_given) {
            fputs(" dst ", out);
            print_addr(out, scn, &in->ip_dst);
        }
        if (ip->has_ttl)
            fprintf(out, " ttl %u", ip->ttl);
        if (ip->tos != 0)
            fprintf(out, " tos %u", ip->tos);
        if (ip->id != 0)
            fprintf(out, " id %u", ip->id);
        if (ip->rf)
            fputs(" rf", out);
        if (ip->df)
            fputs(" df", out);
        if (ip->mf)
            fputs(" mf", out);
        if (ip->slice) {
            fprintf(out, " fragment %" PRIu32, ip->slice_off);
            if (ip->slice_len >= 0)
                fprintf(out, " %" PRId32, ip->slice_len);
        } else if (ip->frag_off != 0) {
            fprintf(out, " frag %u", ip->frag_off);
        }
        if (ip->has_proto)
            fprintf(out, " proto %u", ip->proto);
        if (ip->has_total_len)
            fprintf(out, " len %u", ip->total_len);
        if (ip->has_ihl)
            fprintf(out, " ihl %u", ip->ihl);
        if (ip->has_version)
            fprintf(out, " version %u", ip->version);
        if (ip->opt_len > 0) {
            fputs(" options ", out);
            print_hex(out, ip->options, ip->opt_len);
        }
        print_csum(out, &ip->csum, false);
    }
    if (c->trans == CRAFT_TRANS_ICMP) {
        const struct craft_icmp *m = &c->icmp;
        fprintf(out, " icmp type %u code %u", m->type, m->code);
        if (m->id != 0)
            fprintf(out, " id %u", m->id);
        if (m->seq != 0)
            fprintf(out, " seq %u", m->seq);
        if (m->mtu != 0)
            fprintf(out, " mtu %u", m->mtu);
        if (m->has_rest)
            fprintf(out, " rest %" PRIu32, m->rest);
        print_csum(out, &m->csum, false);
        if (in->quote != NULL) {
            fputs(in->quote_whole ? " quote whole" : " quote", out);
            print_layers(out, scn, in->quote);
            return;  /* the quote ends the line */
        }
    } else if (c->trans == CRAFT_TRANS_UDP) {
        const struct craft_udp *u = &c->udp;
        fprintf(out, " udp sport %u dport %u", u->sport, u->dport);
        if (u->has_len)
            fprintf(out, " len %u", u->len);
        print_csum(out, &u->csum, true);
    } else if (c->trans == CRAFT_TRANS_TCP) {
        const struct craft_tcp *t = &c->tcp;
        fprintf(out, " tcp sport %u dport %u", t->sport, t->dport);
        print_flags(out, t->flags);
        if (t->seq != 0)
            fprintf(out, " seq %" PRIu32, t->seq);
        if (t->ack != 0)
            fprintf(out, " ack %" PRIu32, t->ack);
        if (in->has_win || t->win != 65535)
            fprintf(out, " win %u", t->win);
        if (t->urp != 0)
            fprintf(out, " urg %u", t->urp);
        if (t->has_data_off)
            fprintf(out, " off %u", t->data_off);
        if (t->reserved != 0)
            fprintf(out, " reserved %u", t->reserved);
        for (unsigned i = 0; i < t->n_opts; i++) {
            const struct craft_tcpopt *o = &t->opts[i];
            switch (o->kind) {
            case CRAFT_TCPOPT_EOL: fputs(" eol", out); break;
            case CRAFT_TCPOPT_NOP: fputs(" nop", out); break;
            case CRAFT_TCPOPT_MSS: fprintf(out, " mss %u", o->mss); break;
            case CRAFT_TCPOPT_WSCALE: fprintf(out, " wscale %u", o->wscale); break;
            case CRAFT_TCPOPT_SACK_PERM: fputs(" sackok", out); break;
            case CRAFT_TCPOPT_TS:
                fprintf(out, " ts %" PRIu32 " %" PRIu32, o->ts_val, o->ts_ecr);
                break;
            case CRAFT_TCPOPT_SACK:
                fputs(" sack ", out);
                for (unsigned k = 0; k < o->n_sack; k++)
                    fprintf(out, "%s%" PRIu32 ":%" PRIu32, k ? "," : "", o->sack[k][0],
                            o->sack[k][1]);
                break;
            case CRAFT_TCPOPT_RAW:
                fputs(" opt ", out);
                print_hex(out, o->raw, o->raw_len);
                break;
            }
        }
        if (t->no_opt_pad)
            fputs(" nopad", out);
        print_csum(out, &t->csum, false);
    }
    switch (in->pl_kind) {
    case PL_NONE:
        break;
    case PL_TEXT: {
        struct scn_payload pl = { .kind = SCN_PAYLOAD_TEXT, .data = in->payload,
                                  .len = in->payload_len };
        fputc(' ', out);
        print_payload(out, scn, &pl);
        break;
    }
    case PL_FILL:
        fprintf(out, " bytes %zu", in->payload_len);
        break;
    case PL_HEX:
        fputs(" hex ", out);
        print_hex(out, in->payload, in->payload_len);
        break;
    }
}

void
print_inject(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_inject *in = st->inject.spec;
    fputs("inject", out);
    if (in->into) {
        fputs(" into ", out);
        print_link_end(out, scn, in->host, in->ifc, -1);
    } else {
        const struct scn_link *l = &scn->links[in->link];
        fputs(" on ", out);
        print_link_end(out, scn, l->a, l->a_if, l->a_sw);
        fputc(' ', out);
        print_link_end(out, scn, l->b, l->b_if, l->b_sw);
        if (in->to_a) {
            fputs(" to ", out);
            print_link_end(out, scn, l->a, l->a_if, l->a_sw);
        }
    }
    print_layers(out, scn, in);
}

static bool
inject_eq(const struct scn_inject *a, const struct scn_inject *b)
{
    if ((a == NULL) != (b == NULL))
        return false;
    if (a == NULL)
        return true;
    if (a->into != b->into || a->link != b->link || a->to_a != b->to_a || a->host != b->host ||
        a->ifc != b->ifc || a->eth_src_given != b->eth_src_given ||
        a->eth_dst_given != b->eth_dst_given || a->has_eth != b->has_eth ||
        a->ip_src_given != b->ip_src_given || a->ip_dst_given != b->ip_dst_given ||
        a->arp_sha_given != b->arp_sha_given || a->arp_spa_given != b->arp_spa_given ||
        a->arp_tha_given != b->arp_tha_given || a->arp_tpa_given != b->arp_tpa_given ||
        a->quote_whole != b->quote_whole || a->pl_kind != b->pl_kind ||
        a->payload_len != b->payload_len)
        return false;
    if (a->ip_src_given && !addr_eq(&a->ip_src, &b->ip_src))
        return false;
    if (a->ip_dst_given && !addr_eq(&a->ip_dst, &b->ip_dst))
        return false;
    if (a->arp_spa_given && !addr_eq(&a->arp_spa, &b->arp_spa))
        return false;
    if (a->arp_tpa_given && !addr_eq(&a->arp_tpa, &b->arp_tpa))
        return false;
    if (a->payload_len > 0 && memcmp(a->payload, b->payload, a->payload_len) != 0)
        return false;
    /* Every craft field was set one by one in a zeroed struct: comparing the
     * bytes compares the fields (the payload pointer is always NULL here). */
    return memcmp(&a->c, &b->c, sizeof a->c) == 0 && inject_eq(a->quote, b->quote);
}

bool
eq_inject(const struct scn_step *a, const struct scn_step *b)
{
    return inject_eq(a->inject.spec, b->inject.spec);
}

static struct scn_inject *
inject_dup(const struct scn_inject *src)
{
    struct scn_inject *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    memcpy(d, src, sizeof *d);
    d->payload = NULL;
    d->quote = NULL;
    if (src->payload != NULL) {
        d->payload = malloc(src->payload_len + 1);
        if (d->payload == NULL)
            goto fail;
        memcpy(d->payload, src->payload, src->payload_len);
    }
    if (src->quote != NULL && (d->quote = inject_dup(src->quote)) == NULL)
        goto fail;
    return d;
fail:
    inject_free(d);
    return NULL;
}

int
copy_inject(struct scn_step *dst, const struct scn_step *src)
{
    dst->inject.spec = src->inject.spec != NULL ? inject_dup(src->inject.spec) : NULL;
    return src->inject.spec == NULL || dst->inject.spec != NULL ? 0 : -1;
}

static void
inject_free(struct scn_inject *in)
{
    if (in == NULL)
        return;
    inject_free(in->quote);
    free(in->payload);
    free(in);
}

void
clear_inject(struct scn_step *st)
{
    inject_free(st->inject.spec);
    st->inject.spec = NULL;
}

/* ---------------------------------------------------------------------------
 * Building and running
 * ------------------------------------------------------------------------- */

/* What the runner knows about where the frame goes. */
struct inject_ends {
    const struct iface *from;  /* the sending end (a host's interface or a switch port),
                                  or NULL (`into`, or parsing) */
    const struct iface *to;    /* the receiving end, or NULL while parsing */
    struct scn_runner *r;      /* NULL while parsing */
};

/* The interface of a scenario host that has address a, or NULL. */
static const struct iface *
iface_with_addr(struct scn_runner *r, uint32_t a)
{
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < r->scn->n_hosts; i++) {
        const struct host *h = r->hosts[i];
        for (unsigned k = 0; k < h->n_ifaces; k++)
            if (h->ifaces[k].addr == a && a != 0)
                return &h->ifaces[k];
    }
    return NULL;
}

/* The MAC an end shows: its own (a host), or, for a switch, the MAC of the
 * host that has address a (else broadcast for a destination, zero for a
 * source). */
static void
end_mac(const struct inject_ends *e, const struct iface *end, uint32_t a, bool dst,
        uint8_t out[ETH_ALEN])
{
    if (end != NULL && end->host != NULL) {
        memcpy(out, end->mac, ETH_ALEN);
        return;
    }
    const struct iface *owner = iface_with_addr(e->r, a);
    if (owner != NULL)
        memcpy(out, owner->mac, ETH_ALEN);
    else
        memset(out, dst ? 0xff : 0x00, ETH_ALEN);
}

static uint32_t
end_addr(const struct iface *end)
{
    return end != NULL && end->host != NULL ? end->addr : 0;
}

/* Fill the defaults of in into c (a copy) and build. */
static void
inject_fill(const struct scn_inject *in, const struct inject_ends *e, struct craft *c)
{
    *c = in->c;
    c->payload = in->payload;
    c->payload_len = in->payload_len;
    uint32_t src = 0, dst = 0;
    if (c->net == CRAFT_NET_IPV4) {
        c->ip.src = src = in->ip_src_given ? in->ip_src.addr : end_addr(e->from);
        c->ip.dst = dst = in->ip_dst_given ? in->ip_dst.addr : end_addr(e->to);
    } else if (c->net == CRAFT_NET_ARP) {
        c->arp.spa = src = in->arp_spa_given ? in->arp_spa.addr : end_addr(e->from);
        c->arp.tpa = dst = in->arp_tpa_given ? in->arp_tpa.addr : end_addr(e->to);
    }
    if (!in->eth_src_given)
        end_mac(e, e->from, src, false, c->eth.src);
    if (!in->eth_dst_given) {
        if (c->net == CRAFT_NET_ARP && c->arp.op == ARP_OP_REQUEST)
            memset(c->eth.dst, 0xff, ETH_ALEN);  /* a request is broadcast [RFC 826] */
        else
            end_mac(e, e->to, dst, true, c->eth.dst);
    }
    if (c->net == CRAFT_NET_ARP) {
        if (!in->arp_sha_given)
            memcpy(c->arp.sha, c->eth.src, ETH_ALEN);
        if (!in->arp_tha_given && c->arp.op != ARP_OP_REQUEST)
            memcpy(c->arp.tha, c->eth.dst, ETH_ALEN);
    }
}

static int
inject_build_ends(const struct scn_inject *in, const struct inject_ends *e, struct craft *c,
                  uint8_t *buf, size_t cap, size_t *len, const char **why)
{
    uint8_t *qbuf = NULL;
    inject_fill(in, e, c);
    if (in->quote != NULL) {
        /* The quoted datagram was sent by this frame's destination (the
         * host the error reports to) toward its source, unless written. */
        struct craft qc;
        struct inject_ends qe = { .from = e->to, .to = e->from, .r = e->r };
        qbuf = malloc(IPV4_MAX_LEN);
        if (qbuf == NULL) {
            *why = "out of memory";
            return -ERR_NOMEM;
        }
        inject_fill(in->quote, &qe, &qc);
        if (!in->quote->ip_src_given)
            qc.ip.src = c->ip.dst;
        if (!in->quote->ip_dst_given)
            qc.ip.dst = c->ip.src;
        size_t ql = 0;
        int rc = craft_build(&qc, qbuf, IPV4_MAX_LEN, &ql, why);
        if (rc < 0) {
            free(qbuf);
            return rc;
        }
        c->payload = qbuf;
        c->payload_len = in->quote_whole ? ql : craft_quote_len(qbuf, ql);
    }
    int rc = craft_build(c, buf, cap, len, why);
    free(qbuf);
    return rc;
}

static int
inject_build(const struct scn_inject *in, struct craft *c, uint8_t *buf, size_t cap,
             size_t *len, const char **why)
{
    struct inject_ends e = { 0 };
    return inject_build_ends(in, &e, c, buf, cap, len, why);
}

void
run_inject_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled)
{
    const struct scn_inject *in = st->inject.spec;
    char t[32], desc[200];
    struct inject_ends e = { .r = r };
    struct link *l = NULL;
    struct iface *to;

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof t);
    if (in->into) {
        to = &r->hosts[in->host]->ifaces[in->ifc];
        e.to = to;
        e.from = link_peer(to);
    } else {
        l = r->links[in->link];
        to = in->to_a ? l->a : l->b;
        e.to = to;
        e.from = in->to_a ? l->b : l->a;
    }
    uint8_t *buf = malloc(CRAFT_MAX);
    struct craft c;
    size_t len = 0;
    const char *why = "out of memory";
    int rc = buf != NULL ? inject_build_ends(in, &e, &c, buf, CRAFT_MAX, &len, &why) : -1;
    struct trace_cause cause = cause_wire_step(ORIGIN_INJECT, (uint32_t)step_no, st->line, 0);
    run_note(r, NULL, cause, "step %zu: %s", step_no, st->text);
    struct pkt *p = rc == 0 ? craft_pkt(&r->sim, buf, len, cause) : NULL;
    if (p == NULL) {
        run_say(r, true, "[%10s] %s => not sent: %s\n", t, st->text, why);
        free(buf);
        return;
    }
    frame_describe(buf, len, desc, sizeof desc);
    uint64_t id = p->id;
    free(buf);
    if (in->into)
        rc = craft_deliver(&r->sim, to, p);
    else
        rc = craft_send_on_link(l, to, p);
    if (r->opts.trace_shown)
        run_say(r, false, "%12s => #%" PRIu64 " %s\n", "", id, desc);
    else
        run_say(r, false, "[%10s] %-50s => #%" PRIu64 " %s\n", t, st->text, id, desc);
}
