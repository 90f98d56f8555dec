/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c - the event log: a trace sink that keeps a compact copy of every
 * event (docs/architecture.md, "The trace bus and the
 * event log").
 *
 * Fixed-size facts go into 72-byte entries, in chunks that never move (the
 * first grows to full size, so a short lesson's log stays small);
 * variable-size ones (the sentence, the packet bytes) into an arena of
 * blocks (growing to 4 MiB, huge pages where the kernel gives them) that
 * never moves what it holds, so the pointers record_get() returns stay
 * valid and a growing log never copies itself. A sentence is kept as its
 * format and arguments (the format is the stack's string literal; a string
 * argument is copied) and built by record_get() the first time it is asked
 * for: formatting every event costs more than the stack's work on it.
 * A frame's bytes are kept once for all the events that report it (see
 * record_frame_bytes()); TCB snapshots go to their own array, a snapshot
 * equal to a recent one kept once.
 * Called by: trace_emit() through the sink. Calls: sim_host_index().
 */
#include "sim/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/sim.h"
#include "stack/pkt.h"

/* The arena's first block; each next one is twice as big, up to the last. */
#define RECORD_BLOCK_FIRST (64u * 1024)
#define RECORD_BLOCK_LAST (4u * 1024 * 1024)
/* Blocks this big are aligned for, and offered, huge pages (fewer faults). */
#define RECORD_HUGE (2u * 1024 * 1024)
/* Objects larger than this get a block of their own, so a jumbo frame does
 * not waste most of a shared block. */
#define RECORD_BIG_OBJECT (RECORD_BLOCK_FIRST / 4)
/* Entries per chunk of the index (a power of two). */
#define RECORD_CHUNK_SHIFT 13
#define RECORD_CHUNK (1u << RECORD_CHUNK_SHIFT)
/* The first chunk's first size, entries (it doubles up to RECORD_CHUNK). */
#define RECORD_CHUNK_FIRST 256u
/* Formats remembered with what their arguments are (a power of two). */
#define RECORD_FMTS 2048u
/* Arguments a format may take for its sentence to be kept unbuilt. */
#define RECORD_FMT_ARGS 24
/* A kept sentence: [u16 length of the rest][tag][rest]. */
#define SAID_TEXT 'T'    /* rest: the text and its NUL */
#define SAID_FMT 'F'     /* rest: the format pointer, then the arguments */
#define SAID_FRAME 'W'   /* idem, the text of a frame_text event */
#define SAID_SEG 'S'     /* idem, a format with TRACE_TCP: its text reads
                            the event's frame bytes too */
#define SAID_MAX 1024    /* longest kept form (else the sentence is built now) */
/* Interned names are numbered with 16 bits. */
#define RECORD_MAX_WHERES 65535u
/* Static strings (RFC tags, state names): a pointer hash of this many slots. */
#define RECORD_STATIC_SLOTS 4096u
/* Room kept in front of a frame a layer above the link sends, for the
 * headers the layers below push: IPv6's 40 (or IPv4's 20, and up to 20 of
 * options) and Ethernet's 14. A datagram with longer IPv4 options gets a
 * copy of its own when the Ethernet header goes on; every other frame is
 * kept once, and the room a bulk transfer's frames keep costs 2-3 bytes an
 * event rather than 6 (it was 80). */
#define RECORD_FRAME_SLACK 56
/* Recent frames remembered, by packet id (a power of two). */
#define RECORD_FRAMES 256u
/* Recent sentences (as kept) remembered, by hash (a power of two). */
#define RECORD_TEXTS 4096u
/* A new TCB snapshot is compared with this many recent ones. */
#define RECORD_TCB_RECENT 8u

/* One event, packed (72 bytes on LP64). */
struct record_entry {
    uint64_t t_ns;          /* virtual time */
    uint64_t pkt_id;        /* 0 without a packet */
    uint64_t cause_pkt_id;  /* trace_cause.pkt_id */
    const uint8_t *said;    /* the sentence as kept (SAID_*), in the arena */
    const uint8_t *bytes;   /* in the arena (shared between a frame's events), or NULL */
    uint32_t len;           /* bytes copied */
    uint32_t cause_step;    /* trace_cause.step */
    uint32_t tcb;           /* 1 + index into record.tcbs; 0: no snapshot */
    int16_t host;           /* host index or -1 */
    uint16_t where;         /* index into record.wheres */
    uint16_t rfc;           /* index into record.statics (0: NULL) */
    int16_t l2_off;         /* relative to bytes, or RECORD_OFF_NONE */
    int16_t l3_off;         /* idem */
    int16_t l4_off;         /* idem */
    uint8_t kind;           /* enum trace_kind */
    uint8_t layer;          /* enum trace_layer */
    uint8_t reason;         /* enum drop_reason */
    uint8_t cause_kind;     /* trace_cause.kind */
    uint8_t cause_call;     /* trace_cause.call */
    uint8_t cause_timer;    /* trace_cause.timer */
    uint8_t cause_why;      /* trace_cause.tcp_why: why TCP sent a segment */
};
_Static_assert(sizeof(struct record_entry) <= 72, "record.h promises 72 bytes an event");

/* A TCB snapshot as kept (88 bytes); padding zeroed so memcmp compares. */
struct record_tcb {
    uint64_t srtt_ns;   /* trace_tcb's fields, RFC 9293 names */
    uint64_t rto_ns;
    uint64_t rtt_ns;
    uint64_t rtt_at_ns;
    uint32_t rtt_samples;
    uint32_t snd_una;
    uint32_t snd_nxt;
    uint32_t snd_wnd;
    uint32_t rcv_nxt;
    uint32_t rcv_wnd;
    uint32_t cwnd;
    uint32_t ssthresh;
    uint32_t laddr;     /* IPv4: the address; v6: 1 + index into record.addrs6 */
    uint32_t faddr;     /* idem */
    uint32_t iss;
    uint32_t irs;
    uint16_t lport;
    uint16_t fport;
    uint16_t state;     /* index into record.statics */
    uint16_t v6;        /* 1: over IPv6; 2: IPv4 for an AF_INET6 socket (in
                           what was padding) */
};
_Static_assert(sizeof(struct record_tcb) <= 96, "an IPv6 flag must not grow a snapshot");

/* Where the bytes of a recent frame are kept: [lo, hi) holds them, and
 * [base, lo) is room its allocation kept for headers pushed later. */
struct record_frame {
    uint64_t id;     /* packet id, 0: slot free */
    uint8_t *base;   /* the allocation */
    uint8_t *lo;     /* first byte kept */
    uint8_t *hi;     /* past the last */
    int off_lo;      /* pkt_off() of the packet whose data lo was */
};

struct record_block {
    struct record_block *next;  /* older block */
    size_t used;                /* bytes handed out */
    size_t cap;                 /* bytes in data */
    unsigned char data[];       /* the storage */
};

static void record_emit(void *ctx, const struct trace_event *ev);
struct record_memo;
static void memo_free(struct record_memo *m);
static struct record_block *record_block_new(size_t cap);

void
record_init(struct record *r, struct sim *s)
{
    memset(r, 0, sizeof *r);
    r->sim = s;
    r->sink.emit = record_emit;
    r->sink.ctx = r;
}

void
record_attach(struct record *r)
{
    if (r->attached)
        return;
    /* the log keeps formats and arguments: no sentence is built for it */
    trace_attach_need(&r->sim->trace, &r->sink, TRACE_NEED_FORMAT);
    r->attached = true;
}

void
record_detach(struct record *r)
{
    if (!r->attached)
        return;
    trace_detach(&r->sim->trace, &r->sink);
    r->attached = false;
}

void
record_destroy(struct record *r)
{
    record_detach(r);
    struct record_block *b = r->blocks;
    while (b != NULL) {
        struct record_block *next = b->next;
        free(b);
        b = next;
    }
    for (size_t i = 0; i < r->n_wheres; i++)
        free(r->wheres[i]);
    free(r->wheres);
    for (size_t i = 0; i < r->n_chunks; i++)
        free(r->chunks[i]);
    free(r->chunks);
    free(r->statics);
    free(r->static_hash);
    free(r->tcbs);
    free(r->addrs6);
    r->addrs6 = NULL;
    r->n_addrs6 = r->cap_addrs6 = 0;
    free(r->frames);
    free(r->saids);
    free(r->fmts);
    memo_free(r->memo);
    r->memo = NULL;
    r->fmts = NULL;
    r->saids = NULL;
    r->statics = NULL;
    r->static_hash = NULL;
    r->tcbs = NULL;
    r->frames = NULL;
    r->n_statics = r->cap_statics = r->n_tcbs = r->cap_tcbs = 0;
    r->blocks = NULL;
    r->next_block = 0;
    r->wheres = NULL;
    r->chunks = NULL;
    r->n_chunks = r->cap_chunks = 0;
    r->first_chunk_cap = 0;
    r->n_entries = 0;
    r->n_wheres = r->cap_wheres = 0;
}

/* A block of cap bytes of storage; huge-page aligned and advised when big. */
static struct record_block *
record_block_new(size_t cap)
{
    struct record_block *b;
    size_t total = sizeof *b + cap;
    if (total >= RECORD_HUGE && total % RECORD_HUGE == 0) {
        b = aligned_alloc(RECORD_HUGE, total);
#ifdef MADV_HUGEPAGE
        if (b != NULL)
            madvise(b, total, MADV_HUGEPAGE);  /* a hint: failure costs only faults */
#endif
    } else {
        b = malloc(total);
    }
    if (b != NULL) {
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

/* n bytes from the arena, or NULL when memory runs out. */
static void *
record_alloc(struct record *r, size_t n)
{
    struct record_block *b = r->blocks;
    if (n > RECORD_BIG_OBJECT || b == NULL || b->cap - b->used < n) {
        size_t cap = n;
        if (n <= RECORD_BIG_OBJECT) {
            if (r->next_block < RECORD_BLOCK_FIRST)
                r->next_block = RECORD_BLOCK_FIRST;
            cap = r->next_block - sizeof *b;
            if (r->next_block < RECORD_BLOCK_LAST)
                r->next_block *= 2;
        }
        struct record_block *nb = record_block_new(cap);
        if (nb == NULL)
            return NULL;
        r->arena_bytes += sizeof *nb + cap;
        if (n > RECORD_BIG_OBJECT && b != NULL) {
            /* keep filling the current shared block: put the big one behind it */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            r->blocks = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    r->bytes_used += n;
    return p;
}

/* The number of name s, adding it if new; -1 when memory runs out. */
static int
record_intern(struct record *r, const char *s)
{
    if (s == NULL)
        s = "";
    for (size_t i = r->n_wheres; i > 0; i--) {
        /* newest first: the names in use are usually the recent ones */
        if (strcmp(r->wheres[i - 1], s) == 0)
            return (int)(i - 1);
    }
    if (r->n_wheres >= RECORD_MAX_WHERES)
        return -1;
    if (r->n_wheres == r->cap_wheres) {
        size_t cap = r->cap_wheres ? r->cap_wheres * 2 : 16;
        char **grown = realloc(r->wheres, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->wheres = grown;
        r->cap_wheres = cap;
    }
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, s, len + 1);
    r->wheres[r->n_wheres] = copy;
    return (int)r->n_wheres++;
}

/* The number of static string p (an RFC tag, a state name), adding it if
 * new; 0 for NULL; -1 when memory runs out or the table is full. */
static int
record_static(struct record *r, const char *p)
{
    if (p == NULL)
        return 0;
    if (r->static_hash == NULL) {
        r->static_hash = calloc(RECORD_STATIC_SLOTS, sizeof *r->static_hash);
        if (r->static_hash == NULL)
            return -1;
    }
    /* the strings are the stack's constants: the pointer names them */
    size_t slot = (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ull >> 52) % RECORD_STATIC_SLOTS;
    for (size_t k = 0; k < RECORD_STATIC_SLOTS; k++, slot = (slot + 1) % RECORD_STATIC_SLOTS) {
        uint16_t i = r->static_hash[slot];
        if (i == 0)
            break;
        if (r->statics[i] == p)
            return i;
    }
    if (r->n_statics == 0)
        r->n_statics = 1;  /* index 0 is NULL */
    if (r->n_statics >= RECORD_STATIC_SLOTS - 1)
        return -1;
    if (r->n_statics >= r->cap_statics) {
        size_t cap = r->cap_statics ? r->cap_statics * 2 : 64;
        const char **grown = realloc(r->statics, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->statics = grown;
        r->cap_statics = cap;
        r->statics[0] = NULL;
    }
    r->statics[r->n_statics] = p;
    r->static_hash[slot] = (uint16_t)r->n_statics;
    return (int)r->n_statics++;
}

/* 1 + the index of IPv6 address a in r->addrs6, kept once if it equals a
 * recent one (a connection's two ends recur in every snapshot of it); 0
 * when memory runs out. */
static uint32_t
record_addr6_ref(struct record *r, const uint8_t a[16])
{
    for (size_t i = r->n_addrs6, n = 0; i > 0 && n < RECORD_TCB_RECENT; i--, n++)
        if (memcmp(r->addrs6[i - 1], a, 16) == 0)
            return (uint32_t)i;
    if (r->n_addrs6 >= UINT32_MAX - 1)
        return 0;
    if (r->n_addrs6 == r->cap_addrs6) {
        size_t cap = r->cap_addrs6 ? r->cap_addrs6 * 2 : 16;
        uint8_t(*grown)[16] = realloc(r->addrs6, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        r->addrs6 = grown;
        r->cap_addrs6 = cap;
    }
    memcpy(r->addrs6[r->n_addrs6++], a, 16);
    return (uint32_t)r->n_addrs6;
}

/* 1 + the index of TCB snapshot t, kept once if it equals a recent one
 * (a segment's RX, DELIVER and the ACK it sends often see the same TCB);
 * 0 when memory runs out. */
static uint32_t
record_tcb_ref(struct record *r, const struct trace_tcb *t)
{
    struct record_tcb k;
    memset(&k, 0, sizeof k);
    int state = record_static(r, t->state);
    if (state < 0)
        return 0;
    k.srtt_ns = t->srtt_ns;
    k.rto_ns = t->rto_ns;
    k.rtt_ns = t->rtt_ns;
    k.rtt_at_ns = t->rtt_at_ns;
    k.rtt_samples = t->rtt_samples;
    k.snd_una = t->snd_una;
    k.snd_nxt = t->snd_nxt;
    k.snd_wnd = t->snd_wnd;
    k.rcv_nxt = t->rcv_nxt;
    k.rcv_wnd = t->rcv_wnd;
    k.cwnd = t->cwnd;
    k.ssthresh = t->ssthresh;
    if (t->v6) {
        k.v6 = 1;
        k.laddr = record_addr6_ref(r, t->laddr6);
        k.faddr = record_addr6_ref(r, t->faddr6);
        if (k.laddr == 0 || k.faddr == 0)
            return 0;
    } else {
        k.v6 = t->mapped ? 2 : 0;
        k.laddr = t->laddr;
        k.faddr = t->faddr;
    }
    k.iss = t->iss;
    k.irs = t->irs;
    k.lport = t->lport;
    k.fport = t->fport;
    k.state = (uint16_t)state;
    for (size_t i = r->n_tcbs, n = 0; i > 0 && n < RECORD_TCB_RECENT; i--, n++)
        if (memcmp(&r->tcbs[i - 1], &k, sizeof k) == 0)
            return (uint32_t)i;
    if (r->n_tcbs >= UINT32_MAX - 1)
        return 0;
    if (r->n_tcbs == r->cap_tcbs) {
        size_t cap = r->cap_tcbs ? r->cap_tcbs * 2 : 256;
        struct record_tcb *grown = realloc(r->tcbs, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        r->tcbs = grown;
        r->cap_tcbs = cap;
    }
    r->tcbs[r->n_tcbs++] = k;
    return (uint32_t)r->n_tcbs;
}

/* The bytes of p as the log keeps them: inside a copy already kept for the
 * same packet when they are there (the layers above on the way up, a frame
 * crossing a link), written in front of it when a layer below pushed a
 * header (the way down), else a new copy. NULL when memory runs out. */
static const uint8_t *
record_frame_bytes(struct record *r, const struct trace_event *ev)
{
    static const uint8_t empty[1];
    const struct pkt *p = ev->pkt;
    size_t len = p->len > UINT32_MAX ? UINT32_MAX : p->len;
    if (len == 0)
        return empty;
    if (r->frames == NULL) {
        r->frames = calloc(RECORD_FRAMES, sizeof *r->frames);
        if (r->frames == NULL)
            return NULL;
    }
    int off = pkt_off(p);
    struct record_frame *f = &r->frames[p->id & (RECORD_FRAMES - 1)];
    if (f->id == p->id && p->id != 0) {
        size_t flen = (size_t)(f->hi - f->lo);
        if (len == flen && memcmp(f->lo, p->data, len) == 0) {
            f->off_lo = off;  /* the same bytes in another buffer: follow it */
            return f->lo;
        }
        long start = (long)off - f->off_lo;
        if (start >= 0 && (size_t)start + len <= flen && memcmp(f->lo + start, p->data, len) == 0)
            return f->lo + start;
        size_t k = start < 0 ? (size_t)-start : 0;
        if (k > 0 && k <= (size_t)(f->lo - f->base) && len == k + flen &&
            memcmp(p->data + k, f->lo, flen) == 0) {
            /* [base, lo) is this frame's own room, unread by any event */
            f->lo -= k;
            memcpy(f->lo, p->data, k);
            f->off_lo = off;
            return f->lo;
        }
    }
    size_t slack = 0;
    if (ev->kind == TRACE_TX && ev->layer != LAYER_ETH && ev->layer != LAYER_WIRE)
        slack = off < RECORD_FRAME_SLACK ? (size_t)(off > 0 ? off : 0) : RECORD_FRAME_SLACK;
    uint8_t *base = record_alloc(r, slack + len);
    if (base == NULL)
        return NULL;
    r->pkt_bytes += slack + len;
    memcpy(base + slack, p->data, len);
    f->id = p->id;
    f->base = base;
    f->lo = base + slack;
    f->hi = base + slack + len;
    f->off_lo = off;
    return f->lo;
}

/* --- sentences kept as format and arguments ------------------------------ */

/* What an argument of a format is, as va_arg() must read it. */
enum fmt_arg {
    ARG_INT = 1,  /* int (and char, short: promoted), a '*' width too */
    ARG_WIDE,     /* long, long long, size_t, intmax_t, ptrdiff_t */
    ARG_DOUBLE,   /* double */
    ARG_STR,      /* const char * (copied: it may be the caller's buffer) */
    ARG_PTR,      /* void * (%p) */
    ARG_TCP,      /* TRACE_TCP's size_t: nothing kept, the frame's header
                     is read again when the sentence is built */
};

/* A format, and its arguments in order. */
struct record_fmt {
    const char *fmt;  /* the format (its pointer names it), NULL: slot free */
    bool ok;          /* every conversion is one we can keep and replay */
    bool has_tcp;     /* one of them is TRACE_TCP */
    uint8_t n;        /* arguments */
    uint8_t arg[RECORD_FMT_ARGS];
};

/* One conversion of a format: the spec "%-*.3lu" spans [start, end). */
struct fmt_conv {
    const char *start, *end;
    int stars;             /* '*' width and precision: ARG_INT arguments first */
    enum fmt_arg arg;      /* the value's; 0 for "%%" */
};

/* The conversion starting at p (at a '%'); false if it is one not kept
 * (%n, %ls, %Lf, glibc's %m, a positional one). */
static bool
fmt_next_conv(const char *p, struct fmt_conv *c)
{
    c->start = p++;
    c->stars = 0;
    c->arg = 0;
    if (*p == '%') {
        c->end = p + 1;
        return true;
    }
    while (*p != '\0' && strchr("-+ #0'", *p) != NULL)
        p++;
    if (*p == '*') {
        c->stars++;
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '$')
            return false;
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            c->stars++;
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int wide = 0;  /* 1: h/hh, 2: l/ll/j/z/t, 3: L */
    while (*p != '\0' && strchr("hljztqL", *p) != NULL) {
        wide = *p == 'h' ? (wide > 1 ? wide : 1) : *p == 'L' ? 3 : 2;
        p++;
    }
    switch (*p) {
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        c->arg = wide == 2 ? ARG_WIDE : ARG_INT;
        if (wide == 3)
            return false;
        break;
    case 'c':
        c->arg = ARG_INT;
        if (wide >= 2)
            return false;
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
        c->arg = ARG_DOUBLE;
        if (wide == 3)
            return false;
        break;
    case 's':
        c->arg = ARG_STR;
        if (wide != 0)
            return false;
        break;
    case 'p':
        c->arg = ARG_PTR;
        break;
    default:
        return false;
    }
    c->end = p + 1;
    if (c->arg == ARG_WIDE && c->stars == 0 &&
        trace_tcp_conv_cut(c->start, (size_t)(c->end - c->start)) >= 0)
        c->arg = ARG_TCP;
    return true;
}

/* What fmt's arguments are: from the table, parsing it the first time. */
static const struct record_fmt *
record_fmt_of(struct record *r, const char *fmt)
{
    static const struct record_fmt not_kept = { .ok = false };
    if (r->fmts == NULL) {
        r->fmts = calloc(RECORD_FMTS, sizeof *r->fmts);
        if (r->fmts == NULL)
            return &not_kept;
    }
    size_t slot = (size_t)(((uintptr_t)fmt >> 3) * 0x9E3779B97F4A7C15ull >> 40) & (RECORD_FMTS - 1);
    struct record_fmt *f = NULL;
    for (size_t k = 0; k < RECORD_FMTS; k++, slot = (slot + 1) & (RECORD_FMTS - 1)) {
        if (r->fmts[slot].fmt == fmt)
            return &r->fmts[slot];
        if (r->fmts[slot].fmt == NULL) {
            f = &r->fmts[slot];
            break;
        }
    }
    if (f == NULL)
        return &not_kept;  /* table full: build such sentences at once */
    f->fmt = fmt;
    f->ok = true;
    f->has_tcp = false;
    f->n = 0;
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

/* The arguments ap holds for f, packed at out (room n). Returns the bytes
 * used, SIZE_MAX if they do not fit. A TRACE_TCP argument takes no room: it is
 * checked instead, *tcp_ok false if one differs from what the segment's
 * own header says (payload, SIZE_MAX: the event has no segment). */
static size_t
pack_args(const struct record_fmt *f, va_list ap, uint8_t *out, size_t n, size_t payload,
          bool *tcp_ok)
{
    size_t k = 0;
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
            if (k + sizeof v > n)
                return SIZE_MAX;
            memcpy(out + k, &v, sizeof v);
            k += sizeof v;
            break;
        }
        case ARG_WIDE: {
            long long v = va_arg(ap, long long);
            if (k + sizeof v > n)
                return SIZE_MAX;
            memcpy(out + k, &v, sizeof v);
            k += sizeof v;
            break;
        }
        case ARG_DOUBLE: {
            double v = va_arg(ap, double);
            if (k + sizeof v > n)
                return SIZE_MAX;
            memcpy(out + k, &v, sizeof v);
            k += sizeof v;
            break;
        }
        case ARG_PTR: {
            void *v = va_arg(ap, void *);
            if (k + sizeof v > n)
                return SIZE_MAX;
            memcpy(out + k, &v, sizeof v);
            k += sizeof v;
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
            break;
        }
        default:
            return SIZE_MAX;
        }
    }
    return k;
}

#pragma GCC diagnostic push
/* The format is the stack's literal, kept by pointer and replayed one
 * conversion at a time. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
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
        return c->stars == 0   ? snprintf(out, room, spec, iv)
               : c->stars == 1 ? snprintf(out, room, spec, star[0], iv)
                               : snprintf(out, room, spec, star[0], star[1], iv);
    case ARG_WIDE:
        memcpy(&wv, v, sizeof wv);
        return c->stars == 0   ? snprintf(out, room, spec, wv)
               : c->stars == 1 ? snprintf(out, room, spec, star[0], wv)
                               : snprintf(out, room, spec, star[0], star[1], wv);
    case ARG_DOUBLE:
        memcpy(&dv, v, sizeof dv);
        return c->stars == 0   ? snprintf(out, room, spec, dv)
               : c->stars == 1 ? snprintf(out, room, spec, star[0], dv)
                               : snprintf(out, room, spec, star[0], star[1], dv);
    case ARG_PTR:
        memcpy(&pv, v, sizeof pv);
        return c->stars == 0   ? snprintf(out, room, spec, pv)
               : c->stars == 1 ? snprintf(out, room, spec, star[0], pv)
                               : snprintf(out, room, spec, star[0], star[1], pv);
    case ARG_STR: {
        uint16_t tag;
        memcpy(&tag, v, 2);
        sv = tag == 0xffffu ? NULL : (const char *)v + 2;
        return c->stars == 0   ? snprintf(out, room, spec, sv)
               : c->stars == 1 ? snprintf(out, room, spec, star[0], sv)
                               : snprintf(out, room, spec, star[0], star[1], sv);
    }
    default:
        return 0;
    }
}
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
static void
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

/* Sentence of ev as the log keeps it: its format and packed arguments, or
 * its text when it came written (or with a format not kept so); shared
 * with an equal recent one (every full-size frame's Ethernet line has the
 * same arguments). NULL when memory runs out. */
static const uint8_t *
record_said(struct record *r, const struct trace_event *ev)
{
    uint8_t said[SAID_MAX];
    size_t len = 0;
    const struct record_fmt *f = ev->fmt != NULL ? record_fmt_of(r, ev->fmt) : NULL;
    if (f != NULL && f->ok && ev->args != NULL && !(f->has_tcp && ev->frame_text)) {
        /* A TRACE_TCP sentence keeps nothing of its segment: record_sentence()
         * reads the header from the frame bytes this event keeps. That
         * holds when they are the segment the text sinks read (from the
         * packet's l4 offset, which the entry keeps) and the argument is
         * the payload its header says; else the sentence is built now. */
        size_t payload = SIZE_MAX;
        if (f->has_tcp) {
            const uint8_t *seg;
            size_t seg_len;
            if (trace_pkt_segment(ev->pkt, &seg, &seg_len) && seg - ev->pkt->data <= INT16_MAX)
                payload = trace_tcp_payload(seg, seg_len);
        }
        bool tcp_ok = true;
        said[2] = f->has_tcp ? SAID_SEG : ev->frame_text ? SAID_FRAME : SAID_FMT;
        memcpy(said + 3, &ev->fmt, sizeof ev->fmt);
        va_list ap;
        va_copy(ap, *ev->args);
        size_t k = pack_args(f, ap, said + 3 + sizeof ev->fmt, sizeof said - 3 - sizeof ev->fmt,
                             payload, &tcp_ok);
        va_end(ap);
        if (k != SIZE_MAX && tcp_ok)
            len = sizeof ev->fmt + k;
    }
    if (len == 0) {
        /* written text, or a format not kept: the sentence itself */
        char text[TRACE_TEXT_LEN];
        const char *t = trace_event_text(ev, text);
        len = strnlen(t, TRACE_TEXT_LEN - 1);
        said[2] = SAID_TEXT;
        memcpy(said + 3, t, len);
        said[3 + len] = '\0';
        len++;
    }
    uint16_t len16 = (uint16_t)len;
    memcpy(said, &len16, 2);
    size_t total = 3 + len;
    /* FNV-1a over 8 bytes at a time */
    uint64_t h = 14695981039346656037ull;
    size_t i = 0;
    for (; i + 8 <= total; i += 8) {
        uint64_t w;
        memcpy(&w, said + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < total; i++)
        h = (h ^ said[i]) * 1099511628211ull;
    h ^= h >> 29;
    if (r->saids == NULL) {
        r->saids = calloc(RECORD_TEXTS, sizeof *r->saids);
        if (r->saids == NULL)
            return NULL;
    }
    const uint8_t **slot = &r->saids[h & (RECORD_TEXTS - 1)];
    if (*slot != NULL) {
        /* the kept one's length first: a shorter one may end its block, so
         * comparing `total` bytes of it could read past its end */
        uint16_t kept_len;
        memcpy(&kept_len, *slot, 2);
        if ((size_t)kept_len + 3 == total && memcmp(*slot, said, total) == 0)
            return *slot;
    }
    uint8_t *copy = record_alloc(r, total);
    if (copy == NULL)
        return NULL;
    memcpy(copy, said, total);
    r->text_bytes += total;
    *slot = copy;
    return copy;
}

/* --- sentences built for record_get() --------------------------------------- */

/* Built sentences by key: a kept form's address (a format's sentence
 * depends on nothing else), or the event's index with the top bit set (a
 * frame's depends on its bytes too). */
struct record_memo {
    uint64_t *keys;             /* 0: free */
    const char **texts;         /* the sentences */
    size_t n, cap;              /* used, slots (a power of two) */
    struct record_block *blocks;/* their storage */
    size_t bytes;               /* storage handed out */
};

static char *
memo_store(struct record_memo *m, const char *text)
{
    size_t len = strlen(text) + 1;
    struct record_block *b = m->blocks;
    if (b == NULL || b->cap - b->used < len) {
        b = record_block_new(RECORD_BLOCK_FIRST);
        if (b == NULL)
            return NULL;
        b->next = m->blocks;
        m->blocks = b;
    }
    char *p = (char *)b->data + b->used;
    b->used += len;
    m->bytes += len;
    memcpy(p, text, len);
    return p;
}

static const char *
memo_get(const struct record_memo *m, uint64_t key)
{
    if (m->cap == 0)
        return NULL;
    for (size_t s = (size_t)(key * 0x9E3779B97F4A7C15ull >> 32) & (m->cap - 1);;
         s = (s + 1) & (m->cap - 1)) {
        if (m->keys[s] == key)
            return m->texts[s];
        if (m->keys[s] == 0)
            return NULL;
    }
}

/* Keep text under key; the kept copy, or NULL when memory runs out. */
static const char *
memo_put(struct record_memo *m, uint64_t key, const char *text)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        const char **texts = calloc(cap, sizeof *texts);
        if (keys == NULL || texts == NULL) {
            free(keys);
            free(texts);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->keys[i] == 0)
                continue;
            size_t s = (size_t)(m->keys[i] * 0x9E3779B97F4A7C15ull >> 32) & (cap - 1);
            while (keys[s] != 0)
                s = (s + 1) & (cap - 1);
            keys[s] = m->keys[i];
            texts[s] = m->texts[i];
        }
        free(m->keys);
        free(m->texts);
        m->keys = keys;
        m->texts = texts;
        m->cap = cap;
    }
    const char *copy = memo_store(m, text);
    if (copy == NULL)
        return NULL;
    size_t s = (size_t)(key * 0x9E3779B97F4A7C15ull >> 32) & (m->cap - 1);
    while (m->keys[s] != 0)
        s = (s + 1) & (m->cap - 1);
    m->keys[s] = key;
    m->texts[s] = copy;
    m->n++;
    return copy;
}

static void
memo_free(struct record_memo *m)
{
    if (m == NULL)
        return;
    for (struct record_block *b = m->blocks, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(m->keys);
    free(m->texts);
    free(m);
}

/* The sentence of entry i, built (and kept) the first time it is asked for. */
static const char *
record_sentence(const struct record *r, size_t i, const struct record_entry *e)
{
    static const char nothing[1];
    const uint8_t *said = e->said;
    if (said == NULL)
        return nothing;
    if (said[2] == SAID_TEXT)
        return (const char *)said + 3;
    /* a frame's sentence, or one reading its segment, is the event's own */
    uint64_t key = said[2] == SAID_FRAME || said[2] == SAID_SEG ? (uint64_t)i | (1ull << 63)
                                                                : (uint64_t)(uintptr_t)said;
    struct record_memo *m = r->memo;
    const char *t = memo_get(m, key);
    if (t != NULL)
        return t;
    const char *fmt;
    memcpy(&fmt, said + 3, sizeof fmt);
    char text[TRACE_TEXT_LEN];
    if (said[2] == SAID_FRAME) {
        char suffix[TRACE_TEXT_LEN];
        replay_fmt(fmt, said + 3 + sizeof fmt, suffix, NULL, 0);
        trace_format_frame_text(e->bytes, e->len, suffix, text);
    } else if (said[2] == SAID_SEG) {
        /* the segment from the packet's l4 offset (its data without one), as
         * trace_pkt_segment() found it for the text sinks; read through
         * record_get_facts(), whatever the entry's own layout */
        struct record_event f;
        record_get_facts(r, i, &f);
        int off = f.l4_off == RECORD_OFF_NONE ? 0 : f.l4_off;
        bool in = f.bytes != NULL && off >= 0 && (size_t)off <= f.len;
        replay_fmt(fmt, said + 3 + sizeof fmt, text, in ? f.bytes + off : NULL,
                   in ? f.len - (size_t)off : 0);
    } else {
        replay_fmt(fmt, said + 3 + sizeof fmt, text, NULL, 0);
    }
    t = memo_put(m, key, text);
    return t != NULL ? t : nothing;
}

/* A packet offset (from head) as an offset from data. */
static int16_t
record_rel_off(const struct pkt *p, int16_t off)
{
    if (off < 0)
        return RECORD_OFF_NONE;
    int rel = (int)off - (int)pkt_off(p);
    if (rel <= RECORD_OFF_NONE || rel > INT16_MAX)
        return RECORD_OFF_NONE;
    return (int16_t)rel;
}

/* The slot for entry i, its chunk allocated if new; NULL when memory runs out. */
static struct record_entry *
record_slot(struct record *r, size_t i)
{
    size_t c = i >> RECORD_CHUNK_SHIFT;
    if (c == r->n_chunks) {
        if (r->n_chunks == r->cap_chunks) {
            size_t cap = r->cap_chunks ? r->cap_chunks * 2 : 16;
            struct record_entry **grown = realloc(r->chunks, cap * sizeof *grown);
            if (grown == NULL)
                return NULL;
            r->chunks = grown;
            r->cap_chunks = cap;
        }
        /* the first chunk starts small and grows to full size (a short
         * lesson's log stays small); it is copied only while it grows */
        size_t n = c == 0 ? RECORD_CHUNK_FIRST : RECORD_CHUNK;
        r->chunks[c] = malloc(n * sizeof(struct record_entry));
        if (r->chunks[c] == NULL)
            return NULL;
        if (c == 0)
            r->first_chunk_cap = n;
        r->n_chunks++;
    }
    if (c == 0 && i >= r->first_chunk_cap) {
        size_t n = r->first_chunk_cap * 2 < RECORD_CHUNK ? r->first_chunk_cap * 2 : RECORD_CHUNK;
        struct record_entry *grown = realloc(r->chunks[0], n * sizeof *grown);
        if (grown == NULL)
            return NULL;
        r->chunks[0] = grown;
        r->first_chunk_cap = n;
    }
    return &r->chunks[c][i & (RECORD_CHUNK - 1)];
}

static inline const struct record_entry *
record_entry_at(const struct record *r, size_t i)
{
    return &r->chunks[i >> RECORD_CHUNK_SHIFT][i & (RECORD_CHUNK - 1)];
}

static void
record_emit(void *ctx, const struct trace_event *ev)
{
    struct record *r = ctx;
    struct record_entry *e = record_slot(r, r->n_entries);
    if (e == NULL)
        goto out_lost;
    if (r->memo == NULL && (r->memo = calloc(1, sizeof *r->memo)) == NULL)
        goto out_lost;

    int where = record_intern(r, ev->where);
    int rfc = record_static(r, ev->rfc);
    if (where < 0 || rfc < 0)
        goto out_lost;
    uint32_t tcb = 0;
    if (ev->has_tcb && (tcb = record_tcb_ref(r, &ev->tcb)) == 0)
        goto out_lost;

    const uint8_t *said = record_said(r, ev);
    if (said == NULL)
        goto out_lost;

    memset(e, 0, sizeof *e);
    e->t_ns = ev->t_ns;
    e->kind = (uint8_t)ev->kind;
    e->layer = (uint8_t)ev->layer;
    e->host = (int16_t)(ev->host ? sim_host_index(r->sim, ev->host) : -1);
    e->where = (uint16_t)where;
    e->reason = (uint8_t)ev->reason;
    e->rfc = (uint16_t)rfc;
    e->tcb = tcb;
    e->cause_kind = ev->cause.kind;
    e->cause_call = ev->cause.call;
    e->cause_timer = ev->cause.timer;
    e->cause_why = ev->cause.tcp_why;
    e->cause_step = ev->cause.step;
    e->cause_pkt_id = ev->cause.pkt_id;
    e->said = said;
    e->l2_off = e->l3_off = e->l4_off = RECORD_OFF_NONE;

    const struct pkt *p = ev->pkt;
    if (p != NULL) {
        e->pkt_id = p->id;
        const uint8_t *bytes = record_frame_bytes(r, ev);
        if (bytes == NULL)
            goto out_lost;  /* the text stays in the arena, unreferenced */
        e->bytes = bytes;
        e->len = p->len > UINT32_MAX ? UINT32_MAX : (uint32_t)p->len;
        e->l2_off = record_rel_off(p, p->l2_off);
        e->l3_off = record_rel_off(p, p->l3_off);
        e->l4_off = record_rel_off(p, p->l4_off);
        r->n_with_pkt++;
    }
    r->n_entries++;
    return;

out_lost:
    r->lost++;
}

void
record_compact(struct record *r)
{
    /* the chunks of the index never move; the room they keep is at most
     * one chunk's */
    if (r->n_tcbs > 0 && r->n_tcbs < r->cap_tcbs) {
        struct record_tcb *t = realloc(r->tcbs, r->n_tcbs * sizeof *t);
        if (t != NULL) {
            r->tcbs = t;
            r->cap_tcbs = r->n_tcbs;
        }
    }
}

size_t
record_count(const struct record *r)
{
    return r->n_entries;
}

void
record_memory(const struct record *r, struct record_memory *out)
{
    memset(out, 0, sizeof *out);
    size_t index_entries =
        r->n_chunks == 0 ? 0 : (r->n_chunks - 1) * RECORD_CHUNK + r->first_chunk_cap;
    out->index = index_entries * sizeof(struct record_entry) +
                 r->cap_chunks * sizeof *r->chunks + r->cap_wheres * sizeof(char *);
    for (size_t i = 0; i < r->n_wheres; i++)
        out->index += strlen(r->wheres[i]) + 1;
    out->index += r->cap_statics * sizeof *r->statics;
    if (r->static_hash != NULL)
        out->index += RECORD_STATIC_SLOTS * sizeof *r->static_hash;
    if (r->frames != NULL)
        out->index += RECORD_FRAMES * sizeof *r->frames;
    if (r->saids != NULL)
        out->index += RECORD_TEXTS * sizeof *r->saids;
    if (r->fmts != NULL)
        out->index += RECORD_FMTS * sizeof *r->fmts;
    size_t memo = 0;
    if (r->memo != NULL) {
        memo = r->memo->cap * (sizeof *r->memo->keys + sizeof *r->memo->texts);
        for (const struct record_block *b = r->memo->blocks; b != NULL; b = b->next)
            memo += sizeof *b + b->cap;
    }
    out->text = r->text_bytes + memo;
    out->packet = r->pkt_bytes;
    out->tcb = r->cap_tcbs * sizeof *r->tcbs + r->cap_addrs6 * sizeof *r->addrs6;
    out->slack = r->arena_bytes - r->text_bytes - r->pkt_bytes;
    out->total = out->index + out->tcb + r->arena_bytes + memo;
    out->with_packet = r->n_with_pkt;
}

bool
record_get(const struct record *r, size_t i, struct record_event *out)
{
    if (!record_get_facts(r, i, out))
        return false;
    out->text = record_sentence(r, i, record_entry_at(r, i));
    return true;
}

bool
record_get_facts(const struct record *r, size_t i, struct record_event *out)
{
    static const char unbuilt[1];
    if (i >= r->n_entries)
        return false;
    const struct record_entry *e = record_entry_at(r, i);
    memset(out, 0, sizeof *out);
    out->t_ns = e->t_ns;
    out->kind = (enum trace_kind)e->kind;
    out->layer = (enum trace_layer)e->layer;
    out->host = e->host;
    out->where = r->wheres[e->where];
    out->pkt_id = e->pkt_id;
    out->reason = e->reason;
    out->rfc = r->statics != NULL ? r->statics[e->rfc] : NULL;
    out->cause.kind = e->cause_kind;
    out->cause.call = e->cause_call;
    out->cause.timer = e->cause_timer;
    out->cause.tcp_why = e->cause_why;
    out->cause.step = e->cause_step;
    out->cause.pkt_id = e->cause_pkt_id;
    out->text = unbuilt;
    out->bytes = e->bytes;
    out->len = e->len;
    out->l2_off = e->l2_off;
    out->l3_off = e->l3_off;
    out->l4_off = e->l4_off;
    if (e->tcb != 0) {
        const struct record_tcb *k = &r->tcbs[e->tcb - 1];
        out->has_tcb = true;
        out->tcb.state = r->statics[k->state];
        out->tcb.v6 = k->v6 == 1;
        out->tcb.mapped = k->v6 == 2;
        if (k->v6 == 1) {
            memcpy(out->tcb.laddr6, r->addrs6[k->laddr - 1], 16);
            memcpy(out->tcb.faddr6, r->addrs6[k->faddr - 1], 16);
        } else {
            out->tcb.laddr = k->laddr;
            out->tcb.faddr = k->faddr;
        }
        out->tcb.lport = k->lport;
        out->tcb.fport = k->fport;
        out->tcb.iss = k->iss;
        out->tcb.irs = k->irs;
        out->tcb.snd_una = k->snd_una;
        out->tcb.snd_nxt = k->snd_nxt;
        out->tcb.snd_wnd = k->snd_wnd;
        out->tcb.rcv_nxt = k->rcv_nxt;
        out->tcb.rcv_wnd = k->rcv_wnd;
        out->tcb.cwnd = k->cwnd;
        out->tcb.ssthresh = k->ssthresh;
        out->tcb.srtt_ns = k->srtt_ns;
        out->tcb.rto_ns = k->rto_ns;
        out->tcb.rtt_ns = k->rtt_ns;
        out->tcb.rtt_at_ns = k->rtt_at_ns;
        out->tcb.rtt_samples = k->rtt_samples;
    }
    return true;
}
