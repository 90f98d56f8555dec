/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_frames.h - the event log's frame bytes (private to sim/record.c):
 * keeping a frame's bytes once for all the events that report it, staged
 * and compressed in blocks, and reading them back through a small cache.
 *
 * A frame is named by a frame block's number and an offset in it (what an
 * event's entry keeps); record.c owns the arena the kept blocks live in
 * (record.fbytes) and the record's fields, this file what the frame store
 * does with them.
 * Called by: sim/record.c. Calls: record_arena_alloc() (sim/record.c),
 * pkt_off(), LZ4.
 */
#ifndef NETSTEP_SIM_RECORD_FRAMES_H
#define NETSTEP_SIM_RECORD_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/record.h"

/* Frame bytes of no packet; of an empty one. */
#define RECORD_NO_FRAME UINT32_MAX

/* n bytes from arena a, its blocks starting at `first` bytes; *blk and *off
 * say where (sim/record.c's allocator). NULL when memory runs out. */
void *record_arena_alloc(struct record_arena *a, size_t first, size_t n, uint32_t *blk,
                         uint32_t *off);
/* Array arr (n items of `size` bytes in *cap slots) with room for one more:
 * as it was while n < *cap, else moved to twice the slots (`first` the
 * first time) and *cap set. NULL when memory runs out (arr left as it was).
 * The log's arrays that grow by one item at a time (sim/record.c's). */
void *record_grow(void *arr, size_t n, size_t *cap, size_t size, size_t first);

/* An empty frame store (record_init()): no block open yet. */
void record_frames_init(struct record *r);
/* The read cache, allocated before the first frame is kept (r->fcache,
 * every slot empty). false when memory runs out. */
bool record_frames_cache_new(struct record *r);
/* Keep the bytes of ev's packet (or find them kept already) and say where
 * they are: frame block *blk, offset *off. false when memory runs out. */
bool record_frame_bytes(struct record *r, const struct trace_event *ev, uint32_t *blk,
                        uint32_t *off);
/* Bytes [off, off + len) of frame block blk, read through the cache: valid
 * as record_event.bytes is (record.h). NULL when memory runs out or the
 * block does not decompress. */
const uint8_t *record_frame_at(const struct record *r, uint32_t blk, uint32_t off, uint32_t len);
/* The frame store's memory: the table of recent frames (*table), and the
 * buffers that stage, compress and read the blocks (*buffers); the kept
 * blocks are in record.fbytes, counted by record_memory(). */
void record_frames_memory(const struct record *r, size_t *table, size_t *buffers);
/* Free what the frame store holds, all but the blocks in record.fbytes
 * (record_destroy() frees that arena with the others). */
void record_frames_free(struct record *r);

#endif
