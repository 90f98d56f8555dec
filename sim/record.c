/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.c - the event log: a trace sink that keeps a compact copy of every
 * event (docs/architecture.md, "The trace bus and the
 * event log").
 *
 * Fixed-size facts go into an array of 72-byte entries; variable-size ones
 * (the text, the packet bytes) into an arena of 64 KiB blocks that never
 * moves what it holds, so the pointers record_get() returns stay valid.
 * A frame's bytes are kept once for all the events that report it (see
 * record_frame_bytes()); TCB snapshots go to their own array, a snapshot
 * equal to a recent one kept once.
 * Called by: trace_emit() through the sink. Calls: sim_host_index().
 */
#include "sim/record.h"

#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stack/pkt.h"

#define RECORD_BLOCK_SIZE (64u * 1024)
/* Objects larger than this get a block of their own, so a jumbo frame does
 * not waste most of a shared block. */
#define RECORD_BIG_OBJECT (RECORD_BLOCK_SIZE / 4)
/* Interned names are numbered with 16 bits. */
#define RECORD_MAX_WHERES 65535u
/* Static strings (RFC tags, state names): a pointer hash of this many slots. */
#define RECORD_STATIC_SLOTS 4096u
/* Room kept in front of a frame a layer above the link sends, for the
 * headers the layers below push (IPv4 with options, 60, and Ethernet, 14). */
#define RECORD_FRAME_SLACK 80
/* Recent frames remembered, by packet id (a power of two). */
#define RECORD_FRAMES 256u
/* Recent sentences remembered, by hash (a power of two). */
#define RECORD_TEXTS 4096u
/* A new TCB snapshot is compared with this many recent ones. */
#define RECORD_TCB_RECENT 8u

/* One event, packed (72 bytes on LP64). */
struct record_entry {
    uint64_t t_ns;          /* virtual time */
    uint64_t pkt_id;        /* 0 without a packet */
    uint64_t cause_pkt_id;  /* trace_cause.pkt_id */
    const char *text;       /* in the arena */
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
    uint32_t laddr;
    uint32_t faddr;
    uint32_t iss;
    uint32_t irs;
    uint16_t lport;
    uint16_t fport;
    uint16_t state;     /* index into record.statics */
};

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
    trace_attach(&r->sim->trace, &r->sink);
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
    free(r->entries);
    free(r->statics);
    free(r->static_hash);
    free(r->tcbs);
    free(r->frames);
    free(r->texts);
    r->texts = NULL;
    r->statics = NULL;
    r->static_hash = NULL;
    r->tcbs = NULL;
    r->frames = NULL;
    r->n_statics = r->cap_statics = r->n_tcbs = r->cap_tcbs = 0;
    r->blocks = NULL;
    r->wheres = NULL;
    r->entries = NULL;
    r->n_entries = r->cap_entries = 0;
    r->n_wheres = r->cap_wheres = 0;
}

/* n bytes from the arena, or NULL when memory runs out. */
static void *
record_alloc(struct record *r, size_t n)
{
    struct record_block *b = r->blocks;
    if (n > RECORD_BIG_OBJECT || b == NULL || b->cap - b->used < n) {
        size_t cap = n > RECORD_BIG_OBJECT ? n : RECORD_BLOCK_SIZE;
        struct record_block *nb = malloc(sizeof *nb + cap);
        if (nb == NULL)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
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
    k.laddr = t->laddr;
    k.faddr = t->faddr;
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

/* Sentence t as the log keeps it: the copy of an equal recent sentence if
 * there is one (every full-size frame's Ethernet line reads the same), else
 * a new copy. NULL when memory runs out. */
static const char *
record_text(struct record *r, const char *t)
{
    size_t len = strnlen(t, TRACE_TEXT_LEN - 1);
    uint64_t h = 14695981039346656037ull;  /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)t[i]) * 1099511628211ull;
    if (r->texts == NULL) {
        r->texts = calloc(RECORD_TEXTS, sizeof *r->texts);
        if (r->texts == NULL)
            return NULL;
    }
    const char **slot = &r->texts[h & (RECORD_TEXTS - 1)];
    if (*slot != NULL && strncmp(*slot, t, len) == 0 && (*slot)[len] == '\0')
        return *slot;
    char *copy = record_alloc(r, len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, t, len);
    copy[len] = '\0';
    r->text_bytes += len + 1;
    *slot = copy;
    return copy;
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

static void
record_emit(void *ctx, const struct trace_event *ev)
{
    struct record *r = ctx;
    if (r->n_entries == r->cap_entries) {
        size_t cap = r->cap_entries ? r->cap_entries * 2 : 256;
        struct record_entry *grown = realloc(r->entries, cap * sizeof *grown);
        if (grown == NULL)
            goto out_lost;
        r->entries = grown;
        r->cap_entries = cap;
    }

    int where = record_intern(r, ev->where);
    int rfc = record_static(r, ev->rfc);
    if (where < 0 || rfc < 0)
        goto out_lost;
    uint32_t tcb = 0;
    if (ev->has_tcb && (tcb = record_tcb_ref(r, &ev->tcb)) == 0)
        goto out_lost;

    const char *text = record_text(r, ev->text);
    if (text == NULL)
        goto out_lost;

    struct record_entry *e = &r->entries[r->n_entries];
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
    e->text = text;
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
    if (r->n_entries == 0 || r->n_entries == r->cap_entries)
        return;
    struct record_entry *e = realloc(r->entries, r->n_entries * sizeof *e);
    if (e != NULL) {
        r->entries = e;
        r->cap_entries = r->n_entries;
    }
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
    out->index = r->cap_entries * sizeof(struct record_entry) + r->cap_wheres * sizeof(char *);
    for (size_t i = 0; i < r->n_wheres; i++)
        out->index += strlen(r->wheres[i]) + 1;
    out->index += r->cap_statics * sizeof *r->statics;
    if (r->static_hash != NULL)
        out->index += RECORD_STATIC_SLOTS * sizeof *r->static_hash;
    if (r->frames != NULL)
        out->index += RECORD_FRAMES * sizeof *r->frames;
    if (r->texts != NULL)
        out->index += RECORD_TEXTS * sizeof *r->texts;
    out->text = r->text_bytes;
    out->packet = r->pkt_bytes;
    out->tcb = r->cap_tcbs * sizeof *r->tcbs;
    out->slack = r->arena_bytes - r->text_bytes - r->pkt_bytes;
    out->total = out->index + out->tcb + r->arena_bytes;
    out->with_packet = r->n_with_pkt;
}

bool
record_get(const struct record *r, size_t i, struct record_event *out)
{
    if (i >= r->n_entries)
        return false;
    const struct record_entry *e = &r->entries[i];
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
    out->text = e->text;
    out->bytes = e->bytes;
    out->len = e->len;
    out->l2_off = e->l2_off;
    out->l3_off = e->l3_off;
    out->l4_off = e->l4_off;
    if (e->tcb != 0) {
        const struct record_tcb *k = &r->tcbs[e->tcb - 1];
        out->has_tcb = true;
        out->tcb.state = r->statics[k->state];
        out->tcb.laddr = k->laddr;
        out->tcb.faddr = k->faddr;
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
