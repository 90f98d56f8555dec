/*
 * record.c - the event log: a trace sink that keeps a compact copy of every
 * event [DESIGN 6].
 *
 * Fixed-size facts go into an array of 80-byte entries; variable-size ones
 * (the text, the packet bytes) into an arena of 64 KiB blocks that never
 * moves what it holds, so the pointers record_get() returns stay valid.
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

/* One event, packed (80 bytes on LP64). */
struct record_entry {
    uint64_t t_ns;          /* virtual time */
    uint64_t pkt_id;        /* 0 without a packet */
    uint64_t cause_pkt_id;  /* trace_cause.pkt_id */
    const char *rfc;        /* static string from the stack, or NULL */
    const char *text;       /* in the arena */
    const uint8_t *bytes;   /* in the arena, or NULL */
    uint32_t len;           /* bytes copied */
    uint32_t cause_step;    /* trace_cause.step */
    int32_t host;           /* host index or -1 */
    int16_t l2_off;         /* relative to bytes, or RECORD_OFF_NONE */
    int16_t l3_off;         /* idem */
    int16_t l4_off;         /* idem */
    uint16_t where;         /* index into record.wheres */
    uint8_t kind;           /* enum trace_kind */
    uint8_t layer;          /* enum trace_layer */
    uint8_t reason;         /* enum drop_reason */
    uint8_t cause_kind;     /* trace_cause.kind */
    uint8_t cause_call;     /* trace_cause.call */
    uint8_t cause_timer;    /* trace_cause.timer */
};
_Static_assert(sizeof(struct record_entry) <= 80, "record.h promises 80 bytes an event");

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
    if (where < 0)
        goto out_lost;

    size_t text_len = strnlen(ev->text, sizeof ev->text - 1);
    char *text = record_alloc(r, text_len + 1);
    if (text == NULL)
        goto out_lost;
    memcpy(text, ev->text, text_len);
    text[text_len] = '\0';

    struct record_entry *e = &r->entries[r->n_entries];
    memset(e, 0, sizeof *e);
    e->t_ns = ev->t_ns;
    e->kind = (uint8_t)ev->kind;
    e->layer = (uint8_t)ev->layer;
    e->host = ev->host ? sim_host_index(r->sim, ev->host) : -1;
    e->where = (uint16_t)where;
    e->reason = (uint8_t)ev->reason;
    e->rfc = ev->rfc;
    e->cause_kind = ev->cause.kind;
    e->cause_call = ev->cause.call;
    e->cause_timer = ev->cause.timer;
    e->cause_step = ev->cause.step;
    e->cause_pkt_id = ev->cause.pkt_id;
    e->text = text;
    e->l2_off = e->l3_off = e->l4_off = RECORD_OFF_NONE;

    const struct pkt *p = ev->pkt;
    if (p != NULL) {
        e->pkt_id = p->id;
        size_t len = p->len > UINT32_MAX ? UINT32_MAX : p->len;
        uint8_t *bytes = record_alloc(r, len ? len : 1);
        if (bytes == NULL)
            goto out_lost;  /* the text stays in the arena, unreferenced */
        memcpy(bytes, p->data, len);
        e->bytes = bytes;
        e->len = (uint32_t)len;
        e->l2_off = record_rel_off(p, p->l2_off);
        e->l3_off = record_rel_off(p, p->l3_off);
        e->l4_off = record_rel_off(p, p->l4_off);
    }
    r->n_entries++;
    return;

out_lost:
    r->lost++;
}

size_t
record_count(const struct record *r)
{
    return r->n_entries;
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
    out->rfc = e->rfc;
    out->cause.kind = e->cause_kind;
    out->cause.call = e->cause_call;
    out->cause.timer = e->cause_timer;
    out->cause.step = e->cause_step;
    out->cause.pkt_id = e->cause_pkt_id;
    out->text = e->text;
    out->bytes = e->bytes;
    out->len = e->len;
    out->l2_off = e->l2_off;
    out->l3_off = e->l3_off;
    out->l4_off = e->l4_off;
    return true;
}
