/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_frames.c - the event log's frame bytes: a frame's bytes are kept
 * once for all the events that report it (see record_frame_bytes()),
 * appended to a 64 KiB staging block; a full block is compressed with LZ4
 * into the frame arena (a lesson's payloads repeat, its headers differ in
 * a few bytes: a bulk transfer's frames shrink about twentyfold), or kept
 * raw when it does not shrink. record_get() reads a frame through a small
 * cache of decompressed blocks (record_frame_at()). sim/record.c keeps the
 * events that name the frames (a block number and an offset); see its
 * header comment.
 * Called by: sim/record.c. Calls: record_arena_alloc() (sim/record.c),
 * pkt_off(), LZ4.
 */
#include "sim/record_frames.h"

#include <assert.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "stack/pkt.h"

/* The frame arena's first block: it holds compressed staging blocks. */
#define RECORD_FBLOCK_FIRST (256u * 1024)

/* Room kept in front of a frame a layer above the link sends, for the
 * headers the layers below push: IPv6's 40 (or IPv4's 20, and up to 20 of
 * options) and Ethernet's 14. A datagram with longer IPv4 options gets a
 * copy of its own when the Ethernet header goes on; every other frame is
 * kept once. */
#define RECORD_FRAME_SLACK 56
/* Recent frames remembered, by packet id: slots at first, and at most
 * (powers of two). A receiver reads a frame a window's worth of packets
 * after its sender wrote it (over an ideal link, thousands), and its events
 * share the sender's copy only while the slot still holds it: the table
 * doubles when a packet finds its slot taken by a later one. */
#define RECORD_FRAMES_FIRST 256u
#define RECORD_FRAMES_MAX 16384u

/* Frames are staged raw in blocks of this many bytes, then compressed. A
 * frame (with its room) bigger than a quarter of it gets a block of its
 * own, compressed at once. */
#define RECORD_STAGE (64u * 1024)
#define RECORD_STAGE_BIG (RECORD_STAGE / 4)
/* LZ4's acceleration for staged blocks: it skips ahead faster through
 * bytes that do not match. A lesson's frames repeat their headers and
 * `bytes N`'s pattern, which it still finds; 1 (its slowest) cost a bulk
 * transfer's log a tenth of its time for a few per cent of size. */
#ifndef RECORD_LZ4_ACCEL
#define RECORD_LZ4_ACCEL 8
#endif

/* Where the bytes of a recent frame are kept: [lo, lo + len) of block blk
 * holds them, and [base, lo) is room its allocation kept for headers pushed
 * later (24 bytes: a staging block's offsets fit 16 bits). */
struct record_frame {
    uint64_t id;     /* packet id, 0: slot free */
    uint32_t blk;    /* frame block */
    uint32_t gen;    /* the packet's pkt.gen when its bytes from off_lo were
                        last known equal to [lo, lo + len) */
    uint16_t base;   /* the allocation, an offset in the block */
    uint16_t lo;     /* first byte kept */
    uint16_t len;    /* bytes kept */
    int16_t off_lo;  /* pkt_off() of the packet whose data lo was */
};
_Static_assert(sizeof(struct record_frame) == 24, "a slot of recent frames is 24 bytes");

/* A block of frames as kept: LZ4-compressed, or raw when that did not
 * shrink it, or (open) still in the staging buffer. */
struct record_fblock {
    const uint8_t *data;  /* in the frame arena; NULL while open */
    uint32_t size;        /* bytes at data */
    uint32_t raw;         /* bytes it holds uncompressed */
    bool compressed;      /* data is LZ4's block format */
};

/* Decompressed frame blocks, the most recently used kept (record_get()'s
 * bytes point into them). */
struct record_fcache {
    struct record_fslot {
        uint32_t blk;       /* the block held; RECORD_NO_FRAME: none */
        bool partial;       /* only the frames asked for were copied (the
                               block was open then) */
        uint64_t used;      /* when last used, in gets */
        uint8_t *buf;       /* its bytes */
        size_t cap;         /* room at buf */
    } slot[RECORD_BYTES_GETS];
    uint64_t clock;         /* gets so far */
};

/* --- frame bytes: staged, compressed, read through a cache ----------------- */

/* A new frame block (open: the staging buffer's, or about to be filled);
 * its number, or RECORD_NO_FRAME when memory runs out. */
static uint32_t
fblock_new(struct record *r)
{
    if (r->n_fblocks >= RECORD_NO_FRAME - 1)
        return RECORD_NO_FRAME;
    struct record_fblock *grown =
        record_grow(r->fblocks, r->n_fblocks, &r->cap_fblocks, sizeof *grown, 64);
    if (grown == NULL)
        return RECORD_NO_FRAME;
    r->fblocks = grown;
    memset(&r->fblocks[r->n_fblocks], 0, sizeof *r->fblocks);
    return (uint32_t)r->n_fblocks++;
}

/* Room for `need` bytes at *buf (of *cap now), its bytes kept. false when
 * memory runs out. */
static bool
buf_reserve(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    uint8_t *grown = realloc(*buf, need);
    if (grown == NULL)
        return false;
    *buf = grown;
    *cap = need;
    return true;
}

/* Keep raw[0..n) as frame block blk: compressed when that shrinks it.
 * false when memory runs out. */
static bool
fblock_keep(struct record *r, uint32_t blk, const uint8_t *raw, size_t n)
{
    if (r->lz4_state == NULL) {
        if ((r->lz4_state = malloc(sizeof(LZ4_stream_t))) == NULL)
            return false;
        LZ4_initStream(r->lz4_state, sizeof(LZ4_stream_t));
    }
    size_t bound = (size_t)LZ4_compressBound((int)n);
    if (!buf_reserve(&r->zbuf, &r->zbuf_cap, bound))
        return false;
    int z = 0;
    if (n > 0) {
        /* A block of its own, no dictionary, as LZ4_decompress_safe() reads
         * it back; the fast reset keeps the hash table, whose entries from
         * the last block LZ4 tells from this one's by their offsets, where
         * a fresh state cost a 16 KiB memset for each block. */
        LZ4_resetStream_fast(r->lz4_state);
        z = LZ4_compress_fast_continue(r->lz4_state, (const char *)raw, (char *)r->zbuf, (int)n,
                                       (int)bound, RECORD_LZ4_ACCEL);
    }
    bool compressed = z > 0 && (size_t)z < n;
    size_t size = compressed ? (size_t)z : n;
    uint32_t ablk, aoff;
    uint8_t *dst = record_arena_alloc(&r->fbytes, RECORD_FBLOCK_FIRST, size > 0 ? size : 1, &ablk,
                                      &aoff);
    if (dst == NULL)
        return false;
    memcpy(dst, compressed ? r->zbuf : raw, size);
    struct record_fblock *b = &r->fblocks[blk];
    b->data = dst;
    b->size = (uint32_t)size;
    b->raw = (uint32_t)n;
    b->compressed = compressed;
    r->pkt_bytes += size;
    return true;
}

/* Close the staging block (compress it into the arena) and open the next;
 * its raw bytes stay at hand as prev_stage until the next one closes, for
 * the events of a frame that crosses the boundary. false when memory runs out. */
static bool
stage_seal(struct record *r)
{
    if (r->stage_blk != RECORD_NO_FRAME) {
        if (!fblock_keep(r, r->stage_blk, r->stage, r->stage_used))
            return false;
        uint8_t *t = r->prev_stage;
        r->prev_stage = r->stage;
        r->stage = t;
        r->prev_blk = r->stage_blk;
        r->prev_used = r->stage_used;
        r->stage_blk = RECORD_NO_FRAME;
    }
    if (r->stage == NULL && (r->stage = malloc(RECORD_STAGE)) == NULL)
        return false;
    uint32_t blk = fblock_new(r);
    if (blk == RECORD_NO_FRAME)
        return false;
    r->stage_blk = blk;
    r->stage_used = 0;
    return true;
}

/* The raw bytes of frame block blk while the emit side still has them
 * (the open block, the one closed last), else NULL. */
static uint8_t *
frame_raw(struct record *r, uint32_t blk)
{
    if (blk == r->stage_blk)
        return r->stage;
    if (blk == r->prev_blk)
        return r->prev_stage;
    return NULL;
}

#ifndef NDEBUG
/* Assert that [off, off + len) of frame block blk holds `bytes` (a debug
 * build's check of a frame shared because nothing wrote its packet):
 * decompressed into a buffer of its own, the last block kept at hand, so
 * the gets' cache and the memory the log counts stay as in a release
 * build. */
static void
frame_check(struct record *r, uint32_t blk, uint32_t off, const uint8_t *bytes, size_t len)
{
    const uint8_t *kept = frame_raw(r, blk);
    if (kept == NULL) {
        const struct record_fblock *b = &r->fblocks[blk];
        if (r->check_blk != blk) {  /* set only once check_buf holds it */
            bool room = buf_reserve(&r->check_buf, &r->check_cap, b->raw);
            assert(room);
            (void)room;
            if (b->compressed) {
                int n = LZ4_decompress_safe((const char *)b->data, (char *)r->check_buf,
                                            (int)b->size, (int)b->raw);
                assert(n == (int)b->raw);
                (void)n;
            } else {
                memcpy(r->check_buf, b->data, b->raw);
            }
            r->check_blk = blk;
        }
        kept = r->check_buf;
    }
    assert(memcmp(kept + off, bytes, len) == 0);
}
#endif

/* The slot of packet `id` in the table of recent frames. */
static inline struct record_frame *
frame_slot(const struct record *r, uint64_t id)
{
    return &r->frames[id & (r->frames_cap - 1)];
}

/* Double the table of recent frames (each slot moves to the one its id
 * names in the new table: no two collide). false when memory runs out, or
 * it is as big as it gets. */
static bool
frames_grow(struct record *r)
{
    if (r->frames_cap >= RECORD_FRAMES_MAX)
        return false;
    size_t cap = r->frames_cap * 2;
    struct record_frame *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < r->frames_cap; i++)
        if (r->frames[i].id != 0)
            t[r->frames[i].id & (cap - 1)] = r->frames[i];
    free(r->frames);
    r->frames = t;
    r->frames_cap = cap;
    return true;
}

/* Where the log keeps the bytes of ev's packet (block *blk, offset *off):
 * inside a copy already kept for the same packet when they are there (the
 * layers above on the way up, a frame crossing a link), written in front
 * of it when a layer below pushed a header (the way down), else a new copy.
 * While nothing has written the packet since (pkt.gen), its bytes are
 * known without a look, in whatever block holds them; else they are
 * compared, which only the two newest frame blocks allow (the bytes the
 * emit side has raw). false when memory runs out. */
bool
record_frame_bytes(struct record *r, const struct trace_event *ev, uint32_t *blk, uint32_t *off)
{
    const struct pkt *p = ev->pkt;
    size_t len = p->len;
    if (r->frames == NULL) {
        r->frames = calloc(RECORD_FRAMES_FIRST, sizeof *r->frames);
        if (r->frames == NULL)
            return false;
        r->frames_cap = RECORD_FRAMES_FIRST;
    }
    int poff = pkt_off(p);
    struct record_frame *f = frame_slot(r, p->id);
    if (f->id > p->id && p->id != 0 && frames_grow(r)) {
        /* A later packet took this one's slot while this one lived on: a
         * receiver is a window behind its sender, wider than the table.
         * This event copies the bytes again; the next ones will not. */
        f = frame_slot(r, p->id);
    }
    bool mine = f->id == p->id && p->id != 0;
    bool unwritten = mine && f->gen == p->gen;
    long start = (long)poff - f->off_lo;
    if (unwritten && start >= 0 && (size_t)start + len <= f->len) {
        /* Nothing has written the packet since its bytes were kept: these
         * are some of them, whether the block holding them is still raw or
         * long compressed. Read back and compared in a debug build, which
         * finds a write that forgot pkt_touch(). */
        *blk = f->blk;
        *off = f->lo + (uint32_t)start;
#ifndef NDEBUG
        frame_check(r, *blk, *off, p->data, len);
#endif
        return true;
    }
    size_t k = start < 0 ? (size_t)-start : 0;
    if (unwritten && k > 0 && f->blk == r->stage_blk && k <= (size_t)(f->lo - f->base) &&
        len == k + f->len) {
        /* A layer below pushed its header into fresh room (the way down):
         * the bytes kept are the rest, unwritten. */
        assert(memcmp(r->stage + f->lo, p->data + k, f->len) == 0);
        f->lo = (uint16_t)(f->lo - k);
        f->len = (uint16_t)len;
        memcpy(r->stage + f->lo, p->data, k);
        f->off_lo = (int16_t)poff;
        *blk = f->blk;
        *off = f->lo;
        return true;
    }
    uint8_t *raw = mine ? frame_raw(r, f->blk) : NULL;
    if (raw != NULL) {
        size_t flen = f->len;
        *blk = f->blk;
        if (len == flen && memcmp(raw + f->lo, p->data, len) == 0) {
            f->off_lo = (int16_t)poff;  /* the same bytes in another buffer: follow it */
            f->gen = p->gen;
            *off = f->lo;
            return true;
        }
        if (start >= 0 && (size_t)start + len <= flen &&
            memcmp(raw + f->lo + start, p->data, len) == 0) {
            /* Only this part is known equal, so gen stays: p->gen is not
             * it (else the bytes were known above), and gens only grow. */
            *off = f->lo + (uint32_t)start;
            return true;
        }
        if (k > 0 && f->blk == r->stage_blk && k <= (size_t)(f->lo - f->base) &&
            len == k + flen && memcmp(p->data + k, raw + f->lo, flen) == 0) {
            /* [base, lo) is this frame's own room, unread by any event */
            f->lo = (uint16_t)(f->lo - k);
            f->len = (uint16_t)len;
            memcpy(raw + f->lo, p->data, k);
            f->off_lo = (int16_t)poff;
            f->gen = p->gen;
            *off = f->lo;
            return true;
        }
    }
    size_t slack = 0;
    if (ev->kind == TRACE_TX && ev->layer != LAYER_ETH && ev->layer != LAYER_WIRE)
        slack = poff < RECORD_FRAME_SLACK ? (size_t)(poff > 0 ? poff : 0) : RECORD_FRAME_SLACK;
    if (slack + len > RECORD_STAGE_BIG) {
        /* a block of its own, kept at once; not shared (rare: a reassembled
         * datagram, a jumbo frame) */
        uint32_t b = fblock_new(r);
        if (b == RECORD_NO_FRAME || !fblock_keep(r, b, p->data, len))
            return false;
        r->pkt_raw += len;
        f->id = 0;
        *blk = b;
        *off = 0;
        return true;
    }
    if ((r->stage_blk == RECORD_NO_FRAME || r->stage_used + slack + len > RECORD_STAGE) &&
        !stage_seal(r))
        return false;
    uint32_t base = (uint32_t)r->stage_used;
    r->stage_used += slack + len;
    r->pkt_raw += slack + len;
    memcpy(r->stage + base + slack, p->data, len);
    /* a staging block's offsets fit 16 bits, a staged frame's length too
     * (RECORD_STAGE, RECORD_STAGE_BIG) */
    f->id = p->id;
    f->blk = r->stage_blk;
    f->base = (uint16_t)base;
    f->lo = (uint16_t)(base + slack);
    f->len = (uint16_t)len;
    f->off_lo = (int16_t)poff;
    f->gen = p->gen;
    *blk = f->blk;
    *off = f->lo;
    return true;
}

/* The bytes [off, off + len) of frame block blk, through the cache: valid
 * until RECORD_BYTES_GETS more blocks have been read (each get reads at
 * most one). NULL when memory runs out or the block does not decompress. */
const uint8_t *
record_frame_at(const struct record *r, uint32_t blk, uint32_t off, uint32_t len)
{
    static const uint8_t empty[1];
    if (len == 0)
        return empty;
    struct record_fcache *c = r->fcache;
    if (c == NULL || blk >= r->n_fblocks)
        return NULL;
    c->clock++;
    struct record_fslot *s = NULL, *lru = &c->slot[0];
    for (size_t k = 0; k < RECORD_BYTES_GETS; k++) {
        if (c->slot[k].blk == blk && c->slot[k].buf != NULL) {
            s = &c->slot[k];
            break;
        }
        if (c->slot[k].used < lru->used)
            lru = &c->slot[k];
    }
    bool open = blk == r->stage_blk;
    const struct record_fblock *b = &r->fblocks[blk];
    if (s != NULL && !open && !s->partial) {
        s->used = c->clock;
        return s->buf + off;
    }
    if (s == NULL) {
        s = lru;
        s->blk = RECORD_NO_FRAME;
        s->partial = false;
    }
    size_t need = open ? RECORD_STAGE : b->raw;
    if (!buf_reserve(&s->buf, &s->cap, need))
        return NULL;
    if (open) {
        /* the open block still grows (and a frame's room fills in front of
         * it): copy just the frame, now */
        memcpy(s->buf + off, r->stage + off, len);
        s->partial = true;
    } else if (b->compressed) {
        if (LZ4_decompress_safe((const char *)b->data, (char *)s->buf, (int)b->size,
                                (int)b->raw) != (int)b->raw) {
            s->blk = RECORD_NO_FRAME;
            return NULL;
        }
        s->partial = false;
    } else {
        memcpy(s->buf, b->data, b->raw);
        s->partial = false;
    }
    s->blk = blk;
    s->used = c->clock;
    return s->buf + off;
}

/* --- the frame store as record.c sees it ------------------------------------ */

void
record_frames_init(struct record *r)
{
    r->stage_blk = r->prev_blk = r->check_blk = RECORD_NO_FRAME;
}

bool
record_frames_cache_new(struct record *r)
{
    if ((r->fcache = calloc(1, sizeof *r->fcache)) == NULL)
        return false;
    for (size_t s = 0; s < RECORD_BYTES_GETS; s++)
        r->fcache->slot[s].blk = RECORD_NO_FRAME;
    return true;
}

void
record_frames_memory(const struct record *r, size_t *table, size_t *buffers)
{
    *table = r->frames_cap * sizeof *r->frames;
    /* the frames' working buffers: staging, the block closed last, the
     * read cache, the compressor's */
    *buffers = (r->stage != NULL ? RECORD_STAGE : 0) + (r->prev_stage != NULL ? RECORD_STAGE : 0) +
               r->zbuf_cap + r->cap_fblocks * sizeof *r->fblocks +
               (r->lz4_state != NULL ? sizeof(LZ4_stream_t) : 0);
    if (r->fcache != NULL) {
        *buffers += sizeof *r->fcache;
        for (size_t k = 0; k < RECORD_BYTES_GETS; k++)
            *buffers += r->fcache->slot[k].cap;
    }
}

void
record_frames_free(struct record *r)
{
    free(r->frames);
    free(r->fblocks);
    free(r->stage);
    free(r->prev_stage);
    free(r->lz4_state);
    free(r->zbuf);
    free(r->check_buf);
    if (r->fcache != NULL) {
        for (size_t k = 0; k < RECORD_BYTES_GETS; k++)
            free(r->fcache->slot[k].buf);
        free(r->fcache);
    }
}
