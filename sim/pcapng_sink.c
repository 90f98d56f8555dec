/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng_sink.c - the capture as pcapng, written by hand (libpcap cannot).
 *
 * Block layout from [draft-ietf-opsawg-pcapng 4.1, 4.2, 4.3]: every block is
 * type, total length, body, total length again, padded to 32 bits; every
 * option is code, length, value padded to 32 bits, and a list of options ends
 * with opt_endofopt. All fields little-endian (the byte-order magic tells the
 * reader). Timestamps are virtual time in the units if_tsresol = 9 declares:
 * nanoseconds, split into the high and low 32 bits.
 * Each block is built in place in sim/outfile's buffer, which goes to the
 * file a megabyte at a time.
 * Called by: sim/capture.c (its sink's emit() per frame). Calls: sim/outfile.
 */
#include "sim/pcapng_sink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/log_sink.h"
#include "sim/pcap_sink.h"
#include "stack/err.h"
#include "stack/pkt.h"
#include "stack/trace.h"

/* [draft-ietf-opsawg-pcapng 4.1, 4.2, 4.3] block types */
#define PCAPNG_BT_SHB 0x0A0D0D0Au
#define PCAPNG_BT_IDB 0x00000001u
#define PCAPNG_BT_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
/* options [draft-ietf-opsawg-pcapng 3.5, 4.1, 4.2] */
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_OPT_SHB_USERAPPL 4
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_IF_DESCRIPTION 3
#define PCAPNG_OPT_IF_TSRESOL 9
/* if_tsresol: bit 7 clear, so the value is a power of ten: 10^-9 s */
#define PCAPNG_TSRESOL_NS 9
/* LINKTYPE_ETHERNET, the same link type as the classic pcap's DLT_EN10MB */
#define PCAPNG_LINKTYPE_ETHERNET 1
/* Longest name or description kept in an option. */
#define PCAPNG_TEXT_MAX 1024

/* Remember the first error only: later ones are usually its consequences. */
static int
pcapng_fail(struct pcapng_sink *ps, int err, const char *what, const char *detail)
{
    if (ps->err == 0) {
        ps->err = err;
        snprintf(ps->errmsg, sizeof ps->errmsg, "%s: %s", what, detail ? detail : "failed");
    }
    return ps->err;
}

/* --- building one block in ps->buf, in place in the file's buffer ---------- */

static size_t
pad4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

/* Room for a block of `need` bytes at the end of the file's buffer
 * (sim/outfile.h): ps->buf points there until the block is written. The
 * block is built where it will be written from: one copy of each frame. */
static bool
pcapng_reserve(struct pcapng_sink *ps, size_t need)
{
    ps->buf = outfile_reserve(&ps->out, need);
    if (ps->buf == NULL) {
        pcapng_fail(ps, -ERR_NOBUFS, ps->path,
                    need > OUTFILE_BUFFER ? "a block too large" :
                    strerror(ps->out.err ? ps->out.err : EIO));
        return false;
    }
    return true;
}

static void
le16_put(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void
le32_put(uint8_t *b, uint32_t v)
{
    le16_put(b, (uint16_t)v);
    le16_put(b + 2, (uint16_t)(v >> 16));
}

/* Append one option (code, length, value, zero padding) at *off. */
static void
pcapng_put_opt(uint8_t *b, size_t *off, uint16_t code, const void *val, size_t len)
{
    le16_put(b + *off, code);
    le16_put(b + *off + 2, (uint16_t)len);
    if (len > 0)
        memcpy(b + *off + 4, val, len);
    memset(b + *off + 4 + len, 0, pad4(len) - len);
    *off += 4 + pad4(len);
}

/* Room one option of len bytes takes. */
static size_t
opt_size(size_t len)
{
    return 4 + pad4(len);
}

/* Finish the block in ps->buf (type at 0, body up to `off`): the trailing
 * length, the leading one, and hand it to the file. */
static int
pcapng_write_block(struct pcapng_sink *ps, uint32_t type, size_t off)
{
    size_t total = off + 4;
    le32_put(ps->buf, type);
    le32_put(ps->buf + 4, (uint32_t)total);
    le32_put(ps->buf + off, (uint32_t)total);
    outfile_commit(&ps->out, total);
    ps->buf = NULL;
    if (ps->out.err != 0)  /* a direct output is written at once */
        return pcapng_fail(ps, -ERR_NOBUFS, ps->path, strerror(ps->out.err));
    return 0;
}

static size_t
text_len(const char *s)
{
    return s == NULL ? 0 : strnlen(s, PCAPNG_TEXT_MAX);
}

/* [draft-ietf-opsawg-pcapng 4.1] Section Header Block. */
static int
pcapng_write_shb(struct pcapng_sink *ps, const char *appl)
{
    size_t alen = text_len(appl);
    size_t need = 8 + 16 + (alen ? opt_size(alen) : 0) + opt_size(0) + 4;
    if (!pcapng_reserve(ps, need))
        return ps->err;
    uint8_t *b = ps->buf;
    size_t off = 8;
    le32_put(b + off, PCAPNG_BYTE_ORDER_MAGIC);
    le16_put(b + off + 4, 1);  /* major version */
    le16_put(b + off + 6, 0);  /* minor version */
    /* section length -1: not given (the reader walks the blocks) */
    memset(b + off + 8, 0xff, 8);
    off += 16;
    if (alen)
        pcapng_put_opt(b, &off, PCAPNG_OPT_SHB_USERAPPL, appl, alen);
    pcapng_put_opt(b, &off, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    return pcapng_write_block(ps, PCAPNG_BT_SHB, off);
}

/* --- the public functions ---------------------------------------------- */

int
pcapng_sink_add_iface(struct pcapng_sink *ps, const char *name, const char *description)
{
    if (ps->f == NULL)
        return ps->err ? ps->err : -ERR_INVAL;
    if (ps->n_ifaces == ps->cap_ifaces) {
        size_t cap = ps->cap_ifaces ? 2 * ps->cap_ifaces : 8;
        char **n = realloc(ps->if_names, cap * sizeof *n);
        if (n == NULL)
            return pcapng_fail(ps, -ERR_NOMEM, ps->path, "out of memory");
        ps->if_names = n;
        ps->cap_ifaces = cap;
    }
    size_t nlen = text_len(name), dlen = text_len(description);
    char *copy = malloc(nlen + 1);
    if (copy == NULL)
        return pcapng_fail(ps, -ERR_NOMEM, ps->path, "out of memory");
    memcpy(copy, name ? name : "", nlen);
    copy[nlen] = '\0';

    size_t need = 8 + 8 + opt_size(nlen) + (dlen ? opt_size(dlen) : 0) + opt_size(1) +
                  opt_size(0) + 4;
    if (!pcapng_reserve(ps, need)) {
        free(copy);
        return ps->err;
    }
    uint8_t *b = ps->buf;
    size_t off = 8;
    le16_put(b + off, PCAPNG_LINKTYPE_ETHERNET);
    le16_put(b + off + 2, 0);  /* reserved */
    le32_put(b + off + 4, PCAPNG_SINK_SNAPLEN);
    off += 8;
    pcapng_put_opt(b, &off, PCAPNG_OPT_IF_NAME, copy, nlen);
    if (dlen)
        pcapng_put_opt(b, &off, PCAPNG_OPT_IF_DESCRIPTION, description, dlen);
    uint8_t tsresol = PCAPNG_TSRESOL_NS;
    pcapng_put_opt(b, &off, PCAPNG_OPT_IF_TSRESOL, &tsresol, 1);
    pcapng_put_opt(b, &off, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    if (pcapng_write_block(ps, PCAPNG_BT_IDB, off) < 0) {
        free(copy);
        return ps->err;
    }
    ps->if_names[ps->n_ifaces] = copy;
    return (int)ps->n_ifaces++;
}

/* The interface of link `where`: the last one used, else a search, else a new
 * one (unless only_known). -1 if none. */
static long
pcapng_iface_of(struct pcapng_sink *ps, const char *where)
{
    const char *w = where ? where : "";
    if (ps->last_if < ps->n_ifaces && strcmp(ps->if_names[ps->last_if], w) == 0)
        return (long)ps->last_if;
    for (size_t i = 0; i < ps->n_ifaces; i++)
        if (strcmp(ps->if_names[i], w) == 0) {
            ps->last_if = i;
            return (long)i;
        }
    if (ps->only_known)
        return -1;
    int id = pcapng_sink_add_iface(ps, w, NULL);
    if (id < 0)
        return -1;
    ps->last_if = (size_t)id;
    return id;
}

/* The comment is built for every frame of a pcapng capture, so it is
 * put together from its parts without printf (which took most of a
 * comment's time). */

/* Append the len bytes of s at buf + *k, moving *k on by len; stops
 * quietly when buf is full (as snprintf would, buf stays NUL-terminated). */
static void
comment_putn(char *buf, size_t n, size_t *k, const char *s, size_t len)
{
    if (*k + 1 >= n) {
        *k += len;
        return;
    }
    size_t room = n - 1 - *k;
    size_t w = len < room ? len : room;
    memcpy(buf + *k, s, w);
    buf[*k + w] = '\0';
    *k += len;
}

static void
comment_puts(char *buf, size_t n, size_t *k, const char *s)
{
    comment_putn(buf, n, k, s, strlen(s));
}

/* Append a literal. */
#define COMMENT_PUT_LIT(buf, n, k, lit) comment_putn(buf, n, k, lit, sizeof lit - 1)

/* Append `prefix` (a literal's length: "#" or "") and v in decimal. */
static void
comment_put_number(char *buf, size_t n, size_t *k, const char *prefix, uint64_t v)
{
    char digits[24];
    char *q = trace_decimal(digits + sizeof digits, v);
    if (prefix[0] != '\0')
        *--q = prefix[0];
    comment_putn(buf, n, k, q, (size_t)(digits + sizeof digits - q));
}

/* The cause in log_format_cause()'s words, for the causes most frames
 * have (a socket call, a timer, an arrival) without printf; the rarer
 * ones (an inject or replay step, a bare step) through it. */
static void
comment_put_cause(char *buf, size_t n, size_t *k, const struct trace_cause *c)
{
    if (c->kind == CAUSE_ARRIVAL) {
        COMMENT_PUT_LIT(buf, n, k, "arrival of ");
        comment_put_number(buf, n, k, "#", c->pkt_id);
    } else if (c->kind == CAUSE_TIMER) {
        comment_puts(buf, n, k, timer_kind_name((enum timer_kind)c->timer));
        COMMENT_PUT_LIT(buf, n, k, " timer");
    } else if (c->kind == CAUSE_CALL && c->call != CALL_NONE) {
        comment_puts(buf, n, k, socket_call_name((enum socket_call)c->call));
        COMMENT_PUT_LIT(buf, n, k, "()");
        if (c->step != 0) {
            COMMENT_PUT_LIT(buf, n, k, " step ");
            comment_put_number(buf, n, k, "", c->step);
        }
    } else {
        char cause[160];
        log_format_cause(c, cause, sizeof cause);
        comment_puts(buf, n, k, cause);
    }
}

size_t
pcapng_format_comment(const struct trace_event *ev, const char *step_text, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    buf[0] = '\0';
    size_t k = 0;
    comment_put_number(buf, n, &k, "#", ev->pkt ? ev->pkt->id : 0);
    /* the cause as log_format_cause() words it (test_capture checks they
     * agree); "" for no cause, and then no ": " either */
    if (ev->cause.kind != CAUSE_NONE) {
        size_t before = k;
        COMMENT_PUT_LIT(buf, n, &k, ": ");
        comment_put_cause(buf, n, &k, &ev->cause);
        if (k == before + 2) {  /* the cause had no words: take ": " back */
            k = before;
            if (k < n)
                buf[k] = '\0';
        }
    }
    if (step_text != NULL && step_text[0] != '\0') {
        /* "inject step 5, line 23: TEXT": that cause already named the
         * line, so the step's text follows it as "line L: TEXT" would */
        comment_puts(buf, n, &k, ev->cause.origin != ORIGIN_NONE ? ": " : ", ");
        comment_puts(buf, n, &k, step_text);
    }
    /* A router or a switch sends on the packet that arrived: its own id. */
    if (ev->cause.kind == CAUSE_ARRIVAL && ev->pkt != NULL && ev->cause.pkt_id == ev->pkt->id)
        COMMENT_PUT_LIT(buf, n, &k, " (forwarded)");
    if (ev->cause.tcp_why != TCP_WHY_NONE) {
        COMMENT_PUT_LIT(buf, n, &k, "; TCP: ");
        comment_puts(buf, n, &k, tcp_why_name((enum tcp_why)ev->cause.tcp_why));
    }
    return k < n ? k : n - 1;
}

/* [draft-ietf-opsawg-pcapng 4.3] one Enhanced Packet Block per frame. The
 * block is built where it is written from, the comment too: room for the
 * longest is reserved, the block committed at its real length. */
static void
pcapng_sink_emit(void *ctx, const struct trace_event *ev)
{
    struct pcapng_sink *ps = ctx;
    if (ev->kind != TRACE_WIRE || ev->pkt == NULL || ps->f == NULL || ps->err != 0)
        return;
    long ifid = pcapng_iface_of(ps, ev->where);
    if (ifid < 0)
        return;
    const struct pkt *p = ev->pkt;
    size_t caplen = p->len > PCAPNG_SINK_SNAPLEN ? PCAPNG_SINK_SNAPLEN : p->len;
    uint32_t origlen = p->len > UINT32_MAX ? UINT32_MAX : (uint32_t)p->len;

    size_t most = 8 + 20 + pad4(caplen) + opt_size(PCAPNG_COMMENT_LEN) + opt_size(0) + 4;
    if (!pcapng_reserve(ps, most))
        return;
    uint8_t *b = ps->buf;
    size_t off = 8;
    le32_put(b + off, (uint32_t)ifid);
    le32_put(b + off + 4, (uint32_t)(ev->t_ns >> 32));  /* timestamp, high 32 bits */
    le32_put(b + off + 8, (uint32_t)ev->t_ns);          /* and low */
    le32_put(b + off + 12, (uint32_t)caplen);
    le32_put(b + off + 16, origlen);
    off += 20;
    memcpy(b + off, p->data, caplen);
    memset(b + off + caplen, 0, pad4(caplen) - caplen);
    off += pad4(caplen);
    /* opt_comment: the text goes after its code and length, NUL-terminated
     * within PCAPNG_COMMENT_LEN bytes; the NUL is padding or past the end */
    char *text = (char *)(b + off + 4);
    size_t clen = ps->comment != NULL
                      ? ps->comment(ps->comment_ctx, ev, text, PCAPNG_COMMENT_LEN)
                      : pcapng_format_comment(ev, NULL, text, PCAPNG_COMMENT_LEN);
    if (clen > 0) {
        le16_put(b + off, PCAPNG_OPT_COMMENT);
        le16_put(b + off + 2, (uint16_t)clen);
        memset(b + off + 4 + clen, 0, pad4(clen) - clen);
        off += opt_size(clen);
    }
    pcapng_put_opt(b, &off, PCAPNG_OPT_ENDOFOPT, NULL, 0);
    if (pcapng_write_block(ps, PCAPNG_BT_EPB, off) == 0)
        ps->frames++;
}

static void
pcapng_free_all(struct pcapng_sink *ps)
{
    for (size_t i = 0; i < ps->n_ifaces; i++)
        free(ps->if_names[i]);
    free(ps->if_names);
    free(ps->path);
    ps->if_names = NULL;
    ps->n_ifaces = ps->cap_ifaces = 0;
    ps->buf = NULL;
    ps->path = NULL;
}

int
pcapng_sink_open(struct pcapng_sink *ps, const char *path, const char *appl)
{
    memset(ps, 0, sizeof *ps);
    ps->sink.emit = pcapng_sink_emit;
    ps->sink.ctx = ps;
    if (path == NULL || path[0] == '\0')
        return pcapng_fail(ps, -ERR_INVAL, "capture", "no file name given");
    ps->path = strdup(path);
    if (ps->path == NULL) {
        pcapng_fail(ps, -ERR_NOMEM, path, "out of memory");
        goto out_free;
    }
    char why[OUTFILE_ERR_LEN];
    if (outfile_open(&ps->out, path, why, sizeof why) < 0) {
        pcapng_fail(ps, -ERR_ACCES, "cannot write capture", why);
        goto out_free;
    }
    ps->f = ps->out.f;
    if (pcapng_write_shb(ps, appl) < 0) {
        outfile_finish(&ps->out, false, why, sizeof why);
        ps->f = NULL;
        goto out_free;
    }
    return 0;

out_free:
    pcapng_free_all(ps);
    return ps->err;
}

void
pcapng_sink_only_known(struct pcapng_sink *ps, bool only_known)
{
    ps->only_known = only_known;
}

void
pcapng_sink_set_comment(struct pcapng_sink *ps, pcapng_comment_fn fn, void *ctx)
{
    ps->comment = fn;
    ps->comment_ctx = ctx;
}

/* Close the file and put it in place (ok) or remove it (!ok, or a write
 * failed); record the error if there was one. */
static void
pcapng_finish_file(struct pcapng_sink *ps, bool ok)
{
    char why[OUTFILE_ERR_LEN];
    if (outfile_finish(&ps->out, ok && ps->err == 0, why, sizeof why) < 0 && ok)
        pcapng_fail(ps, -ERR_NOBUFS, "cannot write capture", why);
    ps->f = NULL;
}

int
pcapng_sink_close(struct pcapng_sink *ps)
{
    if (ps->path == NULL)
        return ps->err;  /* never opened, or closed already */
    pcapng_finish_file(ps, true);
    pcapng_free_all(ps);
    return ps->err;
}

void
pcapng_sink_abort(struct pcapng_sink *ps)
{
    if (ps->path == NULL)
        return;
    pcapng_finish_file(ps, false);
    pcapng_free_all(ps);
}

const char *
pcapng_sink_error(const struct pcapng_sink *ps)
{
    return ps->errmsg;
}
