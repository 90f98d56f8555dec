/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c - the event log: a trace sink that keeps a compact copy of every
 * event (docs/architecture.md, "The trace bus and the
 * event log").
 *
 * An event is a 28-byte entry, in chunks that never move (the first grows
 * to full size, so a short lesson's log stays small). The entry holds only
 * what changes from event to event, as small numbers: the time and packet
 * ids as offsets from its chunk's base, the sentence as a 32-bit reference
 * into the text arena, the frame as a block number and an offset. What an
 * event shares with many others - kind, layer, place, RFC tag, drop reason,
 * the cause's small fields, where the headers are - is its "shape", kept
 * once in a table (a bulk transfer has a few dozen). A value too wide for
 * its field sends the whole event to a side table of wide ones (rare: a
 * 64 KiB frame, a step past 65535, a packet id far from its chunk's); a
 * time more than 4.3 s past its chunk's base starts a new base for the
 * rest of the chunk (a lesson that waits).
 *
 * A sentence is kept as its format and arguments (the format is the stack's
 * string literal; a string argument is copied) and built by record_get()
 * the first time it is asked for: formatting every event costs more than
 * the stack's work on it. One equal to a recent one is kept once (found
 * by comparing its values with its format's last forms, else by a hash). The text arena is blocks (growing to 4 MiB) that
 * never move what they hold, so a growing log never copies itself. How a
 * format's arguments are packed, compared and replayed is sim/record_fmt.c.
 *
 * How a frame's bytes are kept (once, LZ4-compressed in blocks) is sim/record_frames.c.
 * TCB snapshots go to their own array, a snapshot equal to a recent one
 * kept once.
 * Called by: trace_emit() through the sink. Calls: sim_host_index(),
 * sim/record_fmt.c, sim/record_frames.c.
 */
#include "sim/record.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/record_fmt.h"
#include "sim/record_frames.h"
#include "sim/sim.h"
#include "stack/pkt.h"

/* An arena's first block; each next one is twice as big, up to the last. */
#define RECORD_BLOCK_FIRST (64u * 1024)
#define RECORD_BLOCK_LAST (4u * 1024 * 1024)
/* Blocks this big are aligned for, and offered, huge pages (fewer faults). */
#define RECORD_HUGE (2u * 1024 * 1024)
/* A text reference: 1 + the block's number above 22 bits of offset. */
#define RECORD_REF_SHIFT 22
#define RECORD_REF_BLOCKS ((1u << (32 - RECORD_REF_SHIFT)) - 2)
/* Entries per chunk of the index (a power of two). */
#define RECORD_CHUNK_SHIFT 13
#define RECORD_CHUNK (1u << RECORD_CHUNK_SHIFT)
/* The first chunk's first size, entries (it doubles up to RECORD_CHUNK). */
#define RECORD_CHUNK_FIRST 256u
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
/* Recent sentences (as kept) remembered, by hash (a power of two). */
#define RECORD_TEXTS 4096u
/* A format whose kept forms matched no recent one this many times in a row
 * (IPv4's line with each datagram's own id) stops being looked up: its
 * forms are kept as they come, and one in RECORD_SAID_RETRY is looked up
 * again in case the lesson changed. */
#define RECORD_SAID_MISSES 64u
#define RECORD_SAID_RETRY 256u
/* The entry arena's blocks (the index's chunks after the first, TCB
 * snapshots past their first block): 4 MiB and a page, not a multiple of
 * RECORD_HUGE, so they stay on ordinary pages. On huge pages the faults
 * were fewer, but the kernel zeroes 2 MiB at once, far ahead of its use,
 * and a busy machine's runs swung between faster and slower. */
#define RECORD_ENTRY_BLOCK (4u * 1024 * 1024 + 4096)
/* A new IPv6 address is compared with this many recent ones. */
#define RECORD_ADDR6_RECENT 8u
/* TCB snapshots a block holds (576 KiB of them: a 4 MiB block of the
 * entry arena holds several, beside the index's chunks). */
#define RECORD_TCB_SHIFT 14
#define RECORD_TCB_BLOCK (1u << RECORD_TCB_SHIFT)
/* A 16-bit number stored as its difference from a base, biased: 0 means
 * "none", 1..65535 the differences -32767..32767. */
#define RECORD_DELTA_BIAS 32768
/* The top bit of an entry's shape: its wide fields are in record.wides. */
#define RECORD_WIDE 0x80000000u

/* One event, packed (28 bytes). */
struct record_entry {
    uint32_t t;          /* t_ns - its chunk's t_base */
    uint32_t said;       /* the sentence as kept (SAID_*): a text reference */
    uint32_t tcb;        /* 1 + index into record.tcbs; 0: no snapshot */
    uint32_t shape;      /* index into record.shapes, | RECORD_WIDE */
    uint16_t pkt;        /* pkt_id from its chunk's pkt_base (RECORD_DELTA_BIAS) */
    uint16_t cause_pkt;  /* trace_cause.pkt_id, idem */
    uint16_t fblk;       /* frame block from its chunk's fblk_base, idem; 0: no bytes */
    uint16_t foff;       /* the bytes' offset in that block */
    uint16_t len;        /* bytes of the frame */
    uint16_t step;       /* trace_cause.step */
};
_Static_assert(sizeof(struct record_entry) == 28, "record.h promises 28 bytes an event");

/* The fields of an event too wide for its entry (an entry flagged RECORD_WIDE). */
struct record_wide {
    uint64_t i;             /* the event's index */
    uint64_t t_ns;
    uint64_t pkt_id;
    uint64_t cause_pkt_id;
    uint32_t fblk;          /* RECORD_NO_FRAME: no bytes */
    uint32_t foff;
    uint32_t len;
    uint32_t step;
    uint32_t line;          /* trace_cause.line and .frame: an inject or */
    uint32_t frame;         /* replay step's frame (0: none) */
};

/* Where a chunk's times start counting from again: an event more than
 * 4.3 s of virtual time after its chunk's base (a lesson that waits) */
struct record_tseg {
    uint64_t first;         /* the first entry (in the chunk) counting from t */
    uint64_t t;
};

/* A chunk of the index and the bases its entries count from. */
struct record_chunk {
    struct record_entry *e;
    struct record_tseg *tsegs;  /* later time bases, by first entry */
    size_t n_tsegs, cap_tsegs;
    uint64_t t_base;        /* the chunk's first event's time */
    uint64_t pkt_base;      /* its first packet id (0 until one) */
    uint32_t fblk_base;     /* its first frame block */
    bool has_fblk;          /* fblk_base is set */
};

/* What many events share: their kind, place and cause, where their headers
 * are. Three words, put together in registers (shape_words()); padding
 * zero so they compare. */
struct record_shape {
    uint8_t kind;        /* enum trace_kind */
    uint8_t layer;       /* enum trace_layer */
    uint8_t reason;      /* enum drop_reason */
    uint8_t cause_kind;  /* trace_cause.kind */
    uint8_t cause_call;  /* trace_cause.call */
    uint8_t cause_timer; /* trace_cause.timer */
    uint8_t cause_why;   /* trace_cause.tcp_why: why TCP sent a segment */
    uint8_t cause_origin; /* trace_cause.origin: an inject or replay step's frame */
    int16_t host;        /* host index or -1 */
    uint16_t where;      /* index into record.wheres */
    uint16_t rfc;        /* index into record.statics (0: NULL) */
    int16_t l2_off;      /* relative to bytes, or RECORD_OFF_NONE */
    int16_t l3_off;      /* idem */
    int16_t l4_off;      /* idem */
    uint32_t pad2;       /* to a whole word */
};
_Static_assert(sizeof(struct record_shape) == 24 && offsetof(struct record_shape, host) == 8 &&
                   offsetof(struct record_shape, l3_off) == 16,
               "record_emit() puts a shape together as three words");

/* A field of n bytes (1, 2 or 4) at byte `at` of a 64-bit word, placed
 * where memory holds it. The keys the log interns (a shape, a TCB
 * snapshot's connection and numbers) are put together as words in
 * registers and stored whole: stored field by field and read back at once
 * as words for the hash and the compares, every read waited for the
 * stores it spans to finish (most of interning's time). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define WORD_AT(v, n, at) ((uint64_t)(v) << (8 * (8 - (n) - (at))))
#else
#define WORD_AT(v, n, at) ((uint64_t)(v) << (8 * (at)))
#endif
#define W8(v, at) WORD_AT((uint8_t)(v), 1, at)
#define W16(v, at) WORD_AT((uint16_t)(v), 2, at)
#define W32(v, at) WORD_AT((uint32_t)(v), 4, at)

/* A TCB snapshot as kept (36 bytes): the numbers that move with every
 * segment, and the connection and RTT estimate it is of, which change
 * seldom and are kept once each (in record.conns and record.rtts). */
struct record_tcb {
    uint32_t conn;      /* index into record.conns */
    uint32_t rtt;       /* index into record.rtts */
    uint32_t snd_una;   /* trace_tcb's fields, RFC 9293 names */
    uint32_t snd_nxt;
    uint32_t snd_wnd;
    uint32_t rcv_nxt;
    uint32_t rcv_wnd;
    uint32_t cwnd;
    uint32_t ssthresh;
};
_Static_assert(sizeof(struct record_tcb) == 36, "record.h promises 36 bytes a snapshot");
_Static_assert(offsetof(struct record_tcb, snd_una) == 8 && offsetof(struct record_tcb, rcv_wnd) == 24 &&
                   offsetof(struct record_tcb, ssthresh) == 32,
               "record_tcb_ref() puts a snapshot together as words");

/* Which connection a snapshot is of, and in what state. */
struct record_conn {
    uint32_t laddr;     /* IPv4: the address; v6: 1 + index into record.addrs6 */
    uint32_t faddr;     /* idem */
    uint32_t iss;
    uint32_t irs;
    uint16_t lport;
    uint16_t fport;
    uint16_t state;     /* index into record.statics */
    uint16_t v6;        /* 1: over IPv6; 2: IPv4 for an AF_INET6 socket */
};
_Static_assert(sizeof(struct record_conn) == 24 && offsetof(struct record_conn, iss) == 8 &&
                   offsetof(struct record_conn, lport) == 16,
               "record_tcb_ref() puts a connection together as three words");

/* A snapshot's RTT estimate [RFC 6298]. */
struct record_rtt {
    uint64_t srtt_ns;
    uint64_t rto_ns;
    uint64_t rtt_ns;
    uint64_t rtt_at_ns;
    uint64_t rtt_samples;
};
_Static_assert(sizeof(struct record_rtt) == 40, "record_tcb_ref() puts one together as five words");

struct record_block {
    struct record_block *next;  /* older block (the memo's list) */
    size_t used;                /* bytes handed out */
    size_t cap;                 /* bytes in data */
    unsigned char data[];       /* the storage */
};

static void record_emit(void *ctx, const struct trace_event *ev);
struct record_memo;
static void memo_free(struct record_memo *m);
static struct record_block *record_block_new(size_t cap);
static const uint8_t *record_entry_frame(const struct record *r, size_t i, size_t *len);

/* --- sets: fixed-size items kept once ------------------------------------- */

static void
set_init(struct record_set *s, size_t size)
{
    memset(s, 0, sizeof *s);
    s->size = size;
}

static void
set_free(struct record_set *s)
{
    free(s->items);
    free(s->hash);
    size_t size = s->size;
    set_init(s, size);
}

/* Whether items a and b of n bytes (a multiple of 4) are equal. Inlined
 * with the item's size known, it is a few loads and compares: a call of
 * memcmp() per interned item was a few per cent of a bulk transfer's time. */
static inline bool
same_item(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t u, v;
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        if (u != v)
            return false;
    }
    for (; i < n; i += 4) {
        uint32_t u, v;
        memcpy(&u, x + i, 4);
        memcpy(&v, y + i, 4);
        if (u != v)
            return false;
    }
    return true;
}

/* A hash of an item of `size` bytes (a multiple of 4, padding zeroed). */
static inline size_t
set_hash(const void *item, size_t size)
{
    const uint8_t *b = item;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    /* eight bytes a multiply: the multiplies are a chain, each waits */
    for (; i + 8 <= size; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
    }
    for (; i < size; i += 4) {
        uint32_t w;
        memcpy(&w, b + i, 4);
        h = (h ^ w) * 0xC2B2AE3D27D4EB4Full;
    }
    return (size_t)(h ^ (h >> 29));
}

/* The number of an item equal to `item` (of s->size bytes, passed again as
 * `size` so that, inlined, its compares and hash unroll), adding it if none
 * is; -1 when memory runs out. */
static inline __attribute__((always_inline)) long
set_intern(struct record_set *s, const void *item, size_t size)
{
    assert(size == s->size);
    if (s->last < s->n && same_item(s->items + s->last * size, item, size))
        return (long)s->last;  /* the next event's is often the last one's */
    if (2 * (s->n + 1) > s->hcap) {
        size_t cap = s->hcap ? s->hcap * 2 : 256;
        uint32_t *t = calloc(cap, sizeof *t);
        if (t == NULL)
            return -1;
        for (size_t i = 0; i < s->hcap; i++) {
            if (s->hash[i] == 0)
                continue;
            size_t k = set_hash(s->items + (s->hash[i] - 1) * size, size) & (cap - 1);
            while (t[k] != 0)
                k = (k + 1) & (cap - 1);
            t[k] = s->hash[i];
        }
        free(s->hash);
        s->hash = t;
        s->hcap = cap;
    }
    size_t k = set_hash(item, size) & (s->hcap - 1);
    for (; s->hash[k] != 0; k = (k + 1) & (s->hcap - 1)) {
        size_t i = s->hash[k] - 1;
        if (same_item(s->items + i * size, item, size)) {
            s->last = i;
            return (long)i;
        }
    }
    if (s->n >= RECORD_WIDE - 1)
        return -1;
    uint8_t *grown = record_grow(s->items, s->n, &s->cap, s->size, 64);
    if (grown == NULL)
        return -1;
    s->items = grown;
    memcpy(s->items + s->n * s->size, item, s->size);
    s->hash[k] = (uint32_t)(s->n + 1);
    s->last = s->n;
    return (long)s->n++;
}

static inline const void *
set_at(const struct record_set *s, size_t i)
{
    return s->items + i * s->size;
}

static size_t
set_memory(const struct record_set *s)
{
    return s->cap * s->size + s->hcap * sizeof *s->hash;
}

void
record_init(struct record *r, struct sim *s)
{
    memset(r, 0, sizeof *r);
    r->sim = s;
    r->sink.emit = record_emit;
    r->sink.ctx = r;
    record_frames_init(r);
    set_init(&r->shapes, sizeof(struct record_shape));
    set_init(&r->conns, sizeof(struct record_conn));
    set_init(&r->rtts, sizeof(struct record_rtt));
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

static void
arena_free(struct record_arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

void
record_destroy(struct record *r)
{
    record_detach(r);
    arena_free(&r->text);
    arena_free(&r->fbytes);
    for (size_t i = 0; i < r->n_wheres; i++)
        free(r->wheres[i]);
    free(r->wheres);
    for (size_t i = 0; i < r->n_chunks; i++)
        free(r->chunks[i].tsegs);
    if (r->n_chunks > 0)
        free(r->chunks[0].e);  /* the others are in entry_arena */
    arena_free(&r->entry_arena);
    free(r->chunks);
    free(r->wides);
    set_free(&r->shapes);
    set_free(&r->conns);
    set_free(&r->rtts);
    free(r->statics);
    free(r->static_hash);
    if (r->n_tcb_blocks > 0)
        free(r->tcbs[0]);  /* the others are in entry_arena */
    free(r->tcbs);
    free(r->addrs6);
    free(r->conn_last);
    record_frames_free(r);
    free(r->saids);
    free(r->fmts);
    memo_free(r->memo);
    struct sim *s = r->sim;
    record_init(r, s);
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
        b->next = NULL;
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

void *
record_grow(void *arr, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return arr;
    size_t c = *cap ? *cap * 2 : first;
    if (c < *cap || c > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(arr, c * size);
    if (grown != NULL)
        *cap = c;
    return grown;
}

/* n bytes from arena a (its blocks start at `first` bytes and double up to
 * RECORD_BLOCK_LAST; an object bigger than a quarter of the block being
 * filled gets one of its own). Sets *blk and *off to where they are.
 * NULL when memory runs out. Also sim/record_frames.c's, for its arena. */
void *
record_arena_alloc(struct record_arena *a, size_t first, size_t n, uint32_t *blk, uint32_t *off)
{
    struct record_block *b = a->n > 0 ? a->blocks[a->cur] : NULL;
    if (b == NULL || b->cap - b->used < n) {
        if (a->next < first)
            a->next = first;
        bool own = n > (a->next - sizeof *b) / 4;
        size_t cap = own ? n : a->next - sizeof *b;
        struct record_block **grown = record_grow(a->blocks, a->n, &a->cap, sizeof *grown, 16);
        if (grown == NULL)
            return NULL;
        a->blocks = grown;
        struct record_block *nb = record_block_new(cap);
        if (nb == NULL)
            return NULL;
        a->allocated += sizeof *nb + cap;
        a->blocks[a->n] = nb;
        if (!own) {
            /* a big object's block does not become the one being filled */
            a->cur = a->n;
            if (a->next < RECORD_BLOCK_LAST)
                a->next *= 2;
        }
        b = nb;
        a->n++;
        *blk = (uint32_t)(a->n - 1);
    } else {
        *blk = (uint32_t)a->cur;
    }
    *off = (uint32_t)b->used;
    void *p = b->data + b->used;
    b->used += n;
    a->used += n;
    return p;
}

/* n bytes of the text arena and their reference (0 when memory runs out). */
static uint8_t *
text_alloc(struct record *r, size_t n, uint32_t *ref)
{
    uint32_t blk, off;
    uint8_t *p = record_arena_alloc(&r->text, RECORD_BLOCK_FIRST, n, &blk, &off);
    if (p == NULL || blk > RECORD_REF_BLOCKS)
        return NULL;  /* (4 GiB of sentences: the references are full) */
    *ref = ((blk + 1) << RECORD_REF_SHIFT) | off;
    return p;
}

/* What text reference ref names. */
static inline const uint8_t *
text_at(const struct record *r, uint32_t ref)
{
    return r->text.blocks[(ref >> RECORD_REF_SHIFT) - 1]->data +
           (ref & ((1u << RECORD_REF_SHIFT) - 1));
}

/* Whether NUL-terminated a and b are equal: a loop the compiler inlines,
 * where names are a few bytes and a call of strcmp() costs more. */
static inline bool
same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (*a != *b)
            return false;
        if (*a == '\0')
            return true;
    }
}

/* The number of name s, adding it if new; -1 when memory runs out. */
static int
record_intern(struct record *r, const char *s)
{
    if (s == NULL)
        s = "";
    /* The sinks pass a host's or link's own name array: its address finds
     * the name's number, which one compare of the (short) name confirms,
     * a string changed or reused at that address included. */
    size_t src = (size_t)((uintptr_t)s >> 4) & (RECORD_WHERE_SRCS - 1);
    if (r->where_src[src] == s && same_name(r->wheres[r->where_idx[src]], s))
        return r->where_idx[src];
    int found = -1;
    if (r->last_where < r->n_wheres && strcmp(r->wheres[r->last_where], s) == 0)
        found = (int)r->last_where;
    for (size_t i = r->n_wheres; found < 0 && i > 0; i--) {
        /* newest first: the names in use are usually the recent ones */
        if (strcmp(r->wheres[i - 1], s) == 0)
            found = (int)(i - 1);
    }
    if (found >= 0) {
        r->last_where = (size_t)found;
        r->where_src[src] = s;
        r->where_idx[src] = (uint16_t)found;
        return found;
    }
    if (r->n_wheres >= RECORD_MAX_WHERES)
        return -1;
    char **grown = record_grow(r->wheres, r->n_wheres, &r->cap_wheres, sizeof *grown, 16);
    if (grown == NULL)
        return -1;
    r->wheres = grown;
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, s, len + 1);
    r->wheres[r->n_wheres] = copy;
    r->last_where = r->n_wheres;
    r->where_src[src] = s;
    r->where_idx[src] = (uint16_t)r->n_wheres;
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
    const char **grown = record_grow(r->statics, r->n_statics, &r->cap_statics, sizeof *grown, 64);
    if (grown == NULL)
        return -1;
    r->statics = grown;
    r->statics[0] = NULL;  /* index 0 stands for no tag */
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
    for (size_t i = r->n_addrs6, n = 0; i > 0 && n < RECORD_ADDR6_RECENT; i--, n++)
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

/* Snapshot i of r->tcbs. */
static inline const struct record_tcb *
tcb_at(const struct record *r, size_t i)
{
    return &r->tcbs[i >> RECORD_TCB_SHIFT][i & (RECORD_TCB_BLOCK - 1)];
}

/* Whether snapshot i (1 + its index; 0: none) holds words kw and ssthresh. */
static inline bool
tcb_is(const struct record *r, uint32_t i, const uint64_t kw[4], uint32_t ssthresh)
{
    if (i == 0)
        return false;
    const struct record_tcb *o = tcb_at(r, i - 1);
    return same_item(o, kw, 4 * sizeof *kw) && o->ssthresh == ssthresh;
}

/* 1 + the index of TCB snapshot t, kept once if it equals its
 * connection's newest one (a segment's RX, DELIVER and the ACK it sends
 * often see the same TCB; a transfer's two ends take turns, so the
 * newest of all may be the other end's). One compare, where comparing the
 * last eight snapshots found no more: in a 16 MiB bulk transfer every
 * snapshot found was the newest, and the other 37,680 lookups each cost
 * eight compares for nothing. 0 when memory runs out. */
static uint32_t
record_tcb_ref(struct record *r, const struct trace_tcb *t)
{
    int state = record_static(r, t->state);
    if (state < 0)
        return 0;
    uint32_t laddr = t->laddr, faddr = t->faddr;
    uint16_t v6 = t->mapped ? 2 : 0;
    if (t->v6) {
        v6 = 1;
        laddr = record_addr6_ref(r, t->laddr6);
        faddr = record_addr6_ref(r, t->faddr6);
        if (laddr == 0 || faddr == 0)
            return 0;
    }
    /* struct record_conn, struct record_rtt and struct record_tcb, word by
     * word (W32() and the others say why) */
    uint64_t cw[3] = {
        W32(laddr, 0) | W32(faddr, 4),
        W32(t->iss, 0) | W32(t->irs, 4),
        W16(t->lport, 0) | W16(t->fport, 2) | W16(state, 4) | W16(v6, 6),
    };
    uint64_t ew[5] = { t->srtt_ns, t->rto_ns, t->rtt_ns, t->rtt_at_ns, t->rtt_samples };
    long conn = set_intern(&r->conns, cw, sizeof cw);
    long rtt = set_intern(&r->rtts, ew, sizeof ew);
    if (conn < 0 || rtt < 0)
        return 0;
    uint64_t kw[4] = {
        W32(conn, 0) | W32(rtt, 4),
        W32(t->snd_una, 0) | W32(t->snd_nxt, 4),
        W32(t->snd_wnd, 0) | W32(t->rcv_nxt, 4),
        W32(t->rcv_wnd, 0) | W32(t->cwnd, 4),
    };
    uint32_t ssthresh = t->ssthresh;
    if ((size_t)conn >= r->cap_conn_last) {
        size_t cap = r->cap_conn_last ? r->cap_conn_last * 2 : 16;
        while (cap <= (size_t)conn)
            cap *= 2;
        uint32_t *grown = realloc(r->conn_last, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        memset(grown + r->cap_conn_last, 0, (cap - r->cap_conn_last) * sizeof *grown);
        r->conn_last = grown;
        r->cap_conn_last = cap;
    }
    uint32_t *last = &r->conn_last[conn];
    if (tcb_is(r, *last, kw, ssthresh))
        return *last;
    if (r->n_tcbs >= UINT32_MAX - 1)
        return 0;
    size_t i = r->n_tcbs;
    if (i >> RECORD_TCB_SHIFT == r->n_tcb_blocks || (i < RECORD_TCB_BLOCK && i == r->tcb_first_cap)) {
        struct record_tcb **blocks =
            record_grow(r->tcbs, r->n_tcb_blocks, &r->cap_tcb_blocks, sizeof *blocks, 16);
        if (blocks == NULL)
            return 0;
        r->tcbs = blocks;
        if (i < RECORD_TCB_BLOCK) {
            /* the first block grows, by doubling (a short lesson's stays
             * small); it is copied only while it grows */
            size_t cap = r->tcb_first_cap ? r->tcb_first_cap * 2 : 256;
            if (cap > RECORD_TCB_BLOCK)
                cap = RECORD_TCB_BLOCK;
            struct record_tcb *grown =
                realloc(r->n_tcb_blocks > 0 ? r->tcbs[0] : NULL, cap * sizeof *grown);
            if (grown == NULL)
                return 0;
            r->tcbs[0] = grown;
            r->tcb_first_cap = cap;
            r->n_tcb_blocks = 1;
        } else {
            /* A whole block, never moved: a growing array was copied and
             * faulted in again, 4 KiB at a time, at every doubling. */
            uint32_t blk, off;
            struct record_tcb *b = record_arena_alloc(&r->entry_arena, RECORD_ENTRY_BLOCK,
                                                      RECORD_TCB_BLOCK * sizeof *b, &blk, &off);
            if (b == NULL)
                return 0;
            r->tcbs[r->n_tcb_blocks++] = b;
        }
    }
    struct record_tcb *k = &r->tcbs[i >> RECORD_TCB_SHIFT][i & (RECORD_TCB_BLOCK - 1)];
    r->n_tcbs++;
    memcpy(k, kw, sizeof kw);
    k->ssthresh = ssthresh;
    *last = (uint32_t)r->n_tcbs;
    return (uint32_t)r->n_tcbs;
}


/* Sentence of ev as the log keeps it: its format and packed arguments, or
 * its text when it came written (or with a format not kept so); shared
 * with an equal recent one (every full-size frame's Ethernet line has the
 * same arguments): first one of its format's own recent forms, compared
 * value by value with ev's arguments (nothing packed), then any recent
 * one, by a hash of the form. Its text reference; 0 when memory runs out. */
static uint32_t
record_said(struct record *r, const struct trace_event *ev)
{
    uint8_t said[SAID_MAX];
    size_t len = 0;
    uint64_t h = 0x9E3779B97F4A7C15ull;  /* of a format's form: its values */
    struct record_fmt *f = ev->fmt != NULL ? record_fmt_of(&r->fmts, ev->fmt) : NULL;
    struct record_fmt *packed = NULL;  /* the format whose form `said` holds */
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
        if (f->misses < RECORD_SAID_MISSES) {
            /* one of the format's recent forms, found by its values */
            for (size_t j = 0; j < RECORD_FMT_RECENT && f->recent[j] != 0; j++) {
                uint32_t ref = f->recent[j];
                va_list ap;
                va_copy(ap, *ev->args);
                bool same = same_args(f, ap, text_at(r, ref), said[2], payload);
                va_end(ap);
                if (same) {
                    f->misses = 0;
                    fmt_recent_put(f, ref);
                    return ref;
                }
            }
        }
        memcpy(said + 3, &ev->fmt, sizeof ev->fmt);
        h = said_mix(said_mix(h, said[2]), (uint64_t)(uintptr_t)ev->fmt);
        va_list ap;
        va_copy(ap, *ev->args);
        size_t k = pack_args(f, ap, said + 3 + sizeof ev->fmt, sizeof said - 3 - sizeof ev->fmt,
                             payload, &tcp_ok, &h);
        va_end(ap);
        if (k != SIZE_MAX && tcp_ok) {
            len = sizeof ev->fmt + k;
            packed = f;
        }
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
    if (packed != NULL && packed->misses >= RECORD_SAID_MISSES &&
        ++packed->skipped % RECORD_SAID_RETRY != 0) {
        /* its forms never repeat: neither hash nor look it up */
        uint32_t ref;
        uint8_t *copy = text_alloc(r, total, &ref);
        if (copy == NULL)
            return 0;
        memcpy(copy, said, total);
        r->text_bytes += total;
        r->said_unlooked++;
        return ref;
    }
    if (packed == NULL) {
        /* written text: FNV-1a over its bytes, 8 at a time (a format's
         * form was hashed from its values as they were packed) */
        h = 14695981039346656037ull;
        size_t i = 0;
        for (; i + 8 <= total; i += 8) {
            uint64_t w;
            memcpy(&w, said + i, 8);
            h = (h ^ w) * 1099511628211ull;
        }
        for (; i < total; i++)
            h = (h ^ said[i]) * 1099511628211ull;
    }
    /* the high bits down into the slot's, where a multiply never moves them */
    h = (h ^ h >> 32) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    if (r->saids == NULL) {
        r->saids = calloc(RECORD_TEXTS, sizeof *r->saids);
        if (r->saids == NULL)
            return 0;
    }
    /* a slot holds the kept one's reference and the top half of its hash:
     * the kept bytes (cold, in the arena) are read only when those agree */
    uint64_t *slot = &r->saids[h & (RECORD_TEXTS - 1)];
    uint32_t tag = (uint32_t)(h >> 32);
    if (*slot != 0 && (uint32_t)(*slot >> 32) == tag) {
        const uint8_t *kept = text_at(r, (uint32_t)*slot);
        /* the kept one's length first: a shorter one may end its block, so
         * comparing `total` bytes of it could read past its end */
        uint16_t kept_len;
        memcpy(&kept_len, kept, 2);
        if ((size_t)kept_len + 3 == total && memcmp(kept, said, total) == 0) {
            if (packed != NULL) {
                packed->misses = 0;
                fmt_recent_put(packed, (uint32_t)*slot);
            }
            return (uint32_t)*slot;
        }
    }
    if (packed != NULL && packed->misses < UINT16_MAX)
        packed->misses++;
    uint32_t ref;
    uint8_t *copy = text_alloc(r, total, &ref);
    if (copy == NULL)
        return 0;
    memcpy(copy, said, total);
    r->text_bytes += total;
    *slot = (uint64_t)tag << 32 | ref;
    if (packed != NULL)
        fmt_recent_put(packed, ref);
    return ref;
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
    const uint8_t *said = e->said != 0 ? text_at(r, e->said) : NULL;
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
        size_t flen;
        const uint8_t *frame = record_entry_frame(r, i, &flen);
        trace_format_frame_text(frame, flen, suffix, text);
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

/* --- the index: entries, their shapes, the wide ones ----------------------- */

/* The slot for entry i, its chunk allocated if new (its time base t_ns);
 * NULL when memory runs out. */
static struct record_entry *
record_slot(struct record *r, size_t i, uint64_t t_ns)
{
    size_t c = i >> RECORD_CHUNK_SHIFT;
    if (c == r->n_chunks) {
        struct record_chunk *grown =
            record_grow(r->chunks, r->n_chunks, &r->cap_chunks, sizeof *grown, 16);
        if (grown == NULL)
            return NULL;
        r->chunks = grown;
        /* the first chunk starts small and grows to full size (a short
         * lesson's log stays small); it is copied only while it grows */
        size_t n = c == 0 ? RECORD_CHUNK_FIRST : RECORD_CHUNK;
        struct record_chunk *ch = &r->chunks[c];
        memset(ch, 0, sizeof *ch);
        if (c == 0) {
            ch->e = malloc(n * sizeof(struct record_entry));
        } else {
            /* in the entry arena's blocks, 18 chunks to a block */
            uint32_t blk, off;
            ch->e = record_arena_alloc(&r->entry_arena, RECORD_ENTRY_BLOCK,
                                       RECORD_CHUNK * sizeof(struct record_entry), &blk, &off);
        }
        if (ch->e == NULL)
            return NULL;
        ch->t_base = t_ns;
        if (c == 0)
            r->first_chunk_cap = n;
        r->n_chunks++;
    }
    if (c == 0 && i >= r->first_chunk_cap) {
        size_t n = r->first_chunk_cap * 2 < RECORD_CHUNK ? r->first_chunk_cap * 2 : RECORD_CHUNK;
        struct record_entry *grown = realloc(r->chunks[0].e, n * sizeof *grown);
        if (grown == NULL)
            return NULL;
        r->chunks[0].e = grown;
        r->first_chunk_cap = n;
    }
    return &r->chunks[c].e[i & (RECORD_CHUNK - 1)];
}

static inline const struct record_entry *
record_entry_at(const struct record *r, size_t i)
{
    return &r->chunks[i >> RECORD_CHUNK_SHIFT].e[i & (RECORD_CHUNK - 1)];
}

/* v (not 0) as a 16-bit difference from *base (set to v if unset: 0);
 * false if it does not fit. */
static bool
delta16(uint64_t v, uint64_t *base, uint16_t *out)
{
    if (*base == 0)
        *base = v;
    uint64_t d = v - *base;
    if (d + 32767u > 65534u)  /* outside -32767..32767, as unsigned */
        return false;
    *out = (uint16_t)((int)(int64_t)d + RECORD_DELTA_BIAS);
    return true;
}

/* An event's fields an entry keeps as offsets, unpacked. */
struct record_unpacked {
    uint64_t t_ns, pkt_id, cause_pkt_id;
    uint32_t fblk;  /* RECORD_NO_FRAME: no bytes */
    uint32_t foff, len, step;
    uint32_t line, frame;  /* an inject or replay step's (record_wide) */
    const struct record_shape *shape;
};

static void
record_unpack(const struct record *r, size_t i, struct record_unpacked *u)
{
    const struct record_entry *e = record_entry_at(r, i);
    const struct record_chunk *ch = &r->chunks[i >> RECORD_CHUNK_SHIFT];
    u->shape = set_at(&r->shapes, e->shape & ~RECORD_WIDE);
    if (e->shape & RECORD_WIDE) {
        size_t lo = 0, hi = r->n_wides;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->wides[mid].i <= i)
                lo = mid;
            else
                hi = mid;
        }
        const struct record_wide *w = &r->wides[lo];
        u->t_ns = w->t_ns;
        u->pkt_id = w->pkt_id;
        u->cause_pkt_id = w->cause_pkt_id;
        u->fblk = w->fblk;
        u->foff = w->foff;
        u->len = w->len;
        u->step = w->step;
        u->line = w->line;
        u->frame = w->frame;
        return;
    }
    uint64_t t_base = ch->t_base;
    size_t in_chunk = i & (RECORD_CHUNK - 1);
    if (ch->n_tsegs > 0 && in_chunk >= ch->tsegs[0].first) {
        size_t lo = 0, hi = ch->n_tsegs;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (ch->tsegs[mid].first <= in_chunk)
                lo = mid;
            else
                hi = mid;
        }
        t_base = ch->tsegs[lo].t;
    }
    u->t_ns = t_base + e->t;
    u->pkt_id = e->pkt ? ch->pkt_base + (uint64_t)(int64_t)((int)e->pkt - RECORD_DELTA_BIAS) : 0;
    u->cause_pkt_id =
        e->cause_pkt ? ch->pkt_base + (uint64_t)(int64_t)((int)e->cause_pkt - RECORD_DELTA_BIAS) : 0;
    u->fblk = e->fblk ? (uint32_t)((int64_t)ch->fblk_base + ((int)e->fblk - RECORD_DELTA_BIAS))
                      : RECORD_NO_FRAME;
    u->foff = e->foff;
    u->len = e->len;
    u->step = e->step;
    u->line = u->frame = 0;
}

/* The frame bytes of event i (NULL without a packet) and their length: for
 * a sentence built from them. Valid as record_event.bytes is. */
static const uint8_t *
record_entry_frame(const struct record *r, size_t i, size_t *len)
{
    struct record_unpacked u;
    record_unpack(r, i, &u);
    *len = 0;
    if (u.fblk == RECORD_NO_FRAME)
        return NULL;
    const uint8_t *b = record_frame_at(r, u.fblk, u.foff, u.len);
    if (b != NULL)
        *len = u.len;
    return b;
}

static void
record_emit(void *ctx, const struct trace_event *ev)
{
    struct record *r = ctx;
    size_t i = r->n_entries;
    struct record_entry *e = record_slot(r, i, ev->t_ns);
    if (e == NULL)
        goto out_lost;
    if (r->memo == NULL && (r->memo = calloc(1, sizeof *r->memo)) == NULL)
        goto out_lost;
    struct record_chunk *ch = &r->chunks[i >> RECORD_CHUNK_SHIFT];

    int where = record_intern(r, ev->where);
    int rfc = record_static(r, ev->rfc);
    if (where < 0 || rfc < 0)
        goto out_lost;
    uint32_t tcb = 0;
    if (ev->has_tcb && (tcb = record_tcb_ref(r, &ev->tcb)) == 0)
        goto out_lost;

    uint32_t said = record_said(r, ev);
    if (said == 0)
        goto out_lost;

    int16_t l2_off = RECORD_OFF_NONE, l3_off = RECORD_OFF_NONE, l4_off = RECORD_OFF_NONE;

    struct record_wide w = {
        .i = i,
        .t_ns = ev->t_ns,
        .cause_pkt_id = ev->cause.pkt_id,
        .step = ev->cause.step,
        .fblk = RECORD_NO_FRAME,
    };
    const struct pkt *p = ev->pkt;
    if (p != NULL) {
        w.pkt_id = p->id;
        w.len = p->len > UINT32_MAX ? UINT32_MAX : (uint32_t)p->len;
        if (w.len > 0) {
            if (r->fcache == NULL && !record_frames_cache_new(r))
                goto out_lost;
            if (!record_frame_bytes(r, ev, &w.fblk, &w.foff))
                goto out_lost;  /* the text stays in the arena, unreferenced */
        } else {
            w.fblk = 0;  /* bytes of an empty packet: none to read */
        }
        l2_off = record_rel_off(p, p->l2_off);
        l3_off = record_rel_off(p, p->l3_off);
        l4_off = record_rel_off(p, p->l4_off);
        r->n_with_pkt++;
    }
    /* struct record_shape's fields, word by word */
    int16_t host = (int16_t)(ev->host ? sim_host_index(r->sim, ev->host) : -1);
    uint64_t kw[3] = {
        W8(ev->kind, 0) | W8(ev->layer, 1) | W8(ev->reason, 2) | W8(ev->cause.kind, 3) |
            W8(ev->cause.call, 4) | W8(ev->cause.timer, 5) | W8(ev->cause.tcp_why, 6) |
            W8(ev->cause.origin, 7),
        W16(host, 0) | W16(where, 2) | W16(rfc, 4) | W16(l2_off, 6),
        W16(l3_off, 0) | W16(l4_off, 2),
    };
    /* The shape that came after the last event's last time is most often
     * this one's too (a segment goes down TCP, IPv4, Ethernet, the wire,
     * always in that order): compared whole before anything is hashed, a
     * guess that can only miss, never be wrong. */
    uint32_t *after = &r->shape_after[r->last_shape % RECORD_SHAPE_AFTER];
    long shape;
    if (*after != 0 && same_item(set_at(&r->shapes, *after - 1), kw, sizeof kw)) {
        shape = (long)*after - 1;
    } else {
        shape = set_intern(&r->shapes, kw, sizeof kw);
        if (shape < 0)
            goto out_lost;
        *after = (uint32_t)shape + 1;
    }
    r->last_shape = (uint32_t)shape;

    e->said = said;
    e->tcb = tcb;
    e->shape = (uint32_t)shape;
    e->pkt = e->cause_pkt = e->fblk = e->foff = e->len = e->step = 0;
    uint64_t t_base = ch->n_tsegs > 0 ? ch->tsegs[ch->n_tsegs - 1].t : ch->t_base;
    if (ev->t_ns > t_base && ev->t_ns - t_base > UINT32_MAX) {
        /* a lesson that waited: count this chunk's times from here on */
        struct record_tseg *grown =
            record_grow(ch->tsegs, ch->n_tsegs, &ch->cap_tsegs, sizeof *grown, 4);
        if (grown == NULL)
            goto out_lost;
        ch->tsegs = grown;
        t_base = ev->t_ns;
        ch->tsegs[ch->n_tsegs++] = (struct record_tseg){ .first = i & (RECORD_CHUNK - 1), .t = t_base };
    }
    /* (a frame a step put on the wire keeps the step's line, and a replayed
     * one its place in the capture, with the wide fields: a few a lesson) */
    bool fits = ev->t_ns >= t_base && w.step <= UINT16_MAX && w.len <= UINT16_MAX &&
                w.foff <= UINT16_MAX && ev->cause.origin == ORIGIN_NONE;
    e->t = (uint32_t)(ev->t_ns - t_base);
    e->step = (uint16_t)w.step;
    e->len = (uint16_t)w.len;
    e->foff = (uint16_t)w.foff;
    if (fits && w.pkt_id != 0)
        fits = delta16(w.pkt_id, &ch->pkt_base, &e->pkt);
    if (fits && w.cause_pkt_id != 0)
        fits = delta16(w.cause_pkt_id, &ch->pkt_base, &e->cause_pkt);
    if (fits && w.fblk != RECORD_NO_FRAME && w.len == 0) {
        e->fblk = RECORD_DELTA_BIAS;  /* an empty packet: no block is read */
    } else if (fits && w.fblk != RECORD_NO_FRAME) {
        if (!ch->has_fblk) {
            ch->fblk_base = w.fblk;
            ch->has_fblk = true;
        }
        /* block numbers count from 0: shift by one so 0 stays "unset" */
        uint64_t base = (uint64_t)ch->fblk_base + 1;
        fits = delta16((uint64_t)w.fblk + 1, &base, &e->fblk);
    }
    if (!fits) {
        w.line = ev->cause.line;
        w.frame = ev->cause.frame;
        struct record_wide *grown =
            record_grow(r->wides, r->n_wides, &r->cap_wides, sizeof *grown, 16);
        if (grown == NULL)
            goto out_lost;
        r->wides = grown;
        r->wides[r->n_wides++] = w;
        e->shape |= RECORD_WIDE;
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
    if (r->n_tcb_blocks == 1 && r->n_tcbs > 0 && r->n_tcbs < r->tcb_first_cap) {
        struct record_tcb *t = realloc(r->tcbs[0], r->n_tcbs * sizeof *t);
        if (t != NULL) {
            r->tcbs[0] = t;
            r->tcb_first_cap = r->n_tcbs;
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
    size_t frames_table, buffers;  /* the frame store's (record_frames.c) */
    record_frames_memory(r, &frames_table, &buffers);
    size_t index_entries =
        r->n_chunks == 0 ? 0 : (r->n_chunks - 1) * RECORD_CHUNK + r->first_chunk_cap;
    for (size_t i = 0; i < r->n_chunks; i++)
        out->index += r->chunks[i].cap_tsegs * sizeof *r->chunks[i].tsegs;
    out->index += index_entries * sizeof(struct record_entry) +
                 r->cap_chunks * sizeof *r->chunks + r->cap_wheres * sizeof(char *) +
                 r->cap_wides * sizeof *r->wides + set_memory(&r->shapes);
    for (size_t i = 0; i < r->n_wheres; i++)
        out->index += strlen(r->wheres[i]) + 1;
    out->index += r->cap_statics * sizeof *r->statics;
    if (r->static_hash != NULL)
        out->index += RECORD_STATIC_SLOTS * sizeof *r->static_hash;
    out->index += frames_table;
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
    out->packet = r->pkt_bytes + buffers;
    size_t tcb_slots = r->n_tcb_blocks == 0 ? 0
                       : r->tcb_first_cap + (r->n_tcb_blocks - 1) * (size_t)RECORD_TCB_BLOCK;
    out->tcb = tcb_slots * sizeof(struct record_tcb) + r->cap_tcb_blocks * sizeof *r->tcbs +
               r->cap_addrs6 * sizeof *r->addrs6 + r->cap_conn_last * sizeof *r->conn_last +
               set_memory(&r->conns) + set_memory(&r->rtts);
    /* The entry arena's room not yet handed out is in slack and in total
     * alike (index and tcb count the chunks and blocks handed out), so
     * total - slack is what the log holds. */
    size_t entry_room = r->entry_arena.allocated - r->entry_arena.used;
    out->slack = r->text.allocated + r->fbytes.allocated - r->text_bytes - r->pkt_bytes + entry_room;
    out->total = out->index + out->tcb + r->text.allocated + r->fbytes.allocated + memo + buffers +
                 entry_room;
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
    struct record_unpacked u;
    record_unpack(r, i, &u);
    const struct record_shape *k = u.shape;
    memset(out, 0, sizeof *out);
    out->t_ns = u.t_ns;
    out->kind = (enum trace_kind)k->kind;
    out->layer = (enum trace_layer)k->layer;
    out->host = k->host;
    out->where = r->wheres[k->where];
    out->pkt_id = u.pkt_id;
    out->reason = k->reason;
    out->rfc = r->statics != NULL ? r->statics[k->rfc] : NULL;
    out->cause.kind = k->cause_kind;
    out->cause.call = k->cause_call;
    out->cause.timer = k->cause_timer;
    out->cause.tcp_why = k->cause_why;
    out->cause.origin = k->cause_origin;
    out->cause.step = u.step;
    out->cause.line = u.line;
    out->cause.frame = u.frame;
    out->cause.pkt_id = u.cause_pkt_id;
    out->text = unbuilt;
    out->l2_off = k->l2_off;
    out->l3_off = k->l3_off;
    out->l4_off = k->l4_off;
    if (u.fblk != RECORD_NO_FRAME) {
        out->bytes = record_frame_at(r, u.fblk, u.foff, u.len);
        out->len = out->bytes != NULL ? u.len : 0;
    }
    if (e->tcb != 0) {
        const struct record_tcb *t = tcb_at(r, e->tcb - 1);
        const struct record_conn *c = set_at(&r->conns, t->conn);
        const struct record_rtt *rt = set_at(&r->rtts, t->rtt);
        out->has_tcb = true;
        out->tcb.state = r->statics[c->state];
        out->tcb.v6 = c->v6 == 1;
        out->tcb.mapped = c->v6 == 2;
        if (c->v6 == 1) {
            memcpy(out->tcb.laddr6, r->addrs6[c->laddr - 1], 16);
            memcpy(out->tcb.faddr6, r->addrs6[c->faddr - 1], 16);
        } else {
            out->tcb.laddr = c->laddr;
            out->tcb.faddr = c->faddr;
        }
        out->tcb.lport = c->lport;
        out->tcb.fport = c->fport;
        out->tcb.iss = c->iss;
        out->tcb.irs = c->irs;
        out->tcb.snd_una = t->snd_una;
        out->tcb.snd_nxt = t->snd_nxt;
        out->tcb.snd_wnd = t->snd_wnd;
        out->tcb.rcv_nxt = t->rcv_nxt;
        out->tcb.rcv_wnd = t->rcv_wnd;
        out->tcb.cwnd = t->cwnd;
        out->tcb.ssthresh = t->ssthresh;
        out->tcb.srtt_ns = rt->srtt_ns;
        out->tcb.rto_ns = rt->rto_ns;
        out->tcb.rtt_ns = rt->rtt_ns;
        out->tcb.rtt_at_ns = rt->rtt_at_ns;
        out->tcb.rtt_samples = (uint32_t)rt->rtt_samples;
    }
    return true;
}
