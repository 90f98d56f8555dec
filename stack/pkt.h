/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt.h - the packet buffer: one contiguous frame with headroom.
 *
 * Shaped after Linux's sk_buff: a layer prepends its header with pkt_push(),
 * strips it on the way up with pkt_pull(), appends payload with pkt_put().
 * A packet has exactly one owner; a function that takes a packet consumes it on
 * every path (sent, queued or dropped through pkt_drop() in drop.h).
 * Packets come from a pool that counts the live ones, so every test can assert
 * in teardown that nothing leaked, and that numbers them so the view can follow
 * one packet from socket call to wire to peer.
 */
#ifndef NETSTEP_STACK_PKT_H
#define NETSTEP_STACK_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/trace_cause.h"

/* Room reserved in front of the payload for Ethernet + IPv4 + TCP with options. */
#define PKT_HEADROOM 128u
/* Largest frame the stack builds or accepts: Ethernet header + 9000-byte jumbo. */
#define PKT_MAX_FRAME 9018u

struct iface;

/* Buffer sizes a pool can recycle: an Ethernet frame with headroom, and a
 * jumbo frame with headroom. Larger packets (a reassembled datagram) always
 * come from malloc. */
enum pkt_class {
    PKT_CLASS_NONE,   /* malloc'd to its size, freed at once */
    PKT_CLASS_FRAME,  /* room for PKT_CLASS_FRAME_CAP bytes */
    PKT_CLASS_JUMBO,  /* room for PKT_CLASS_JUMBO_CAP bytes */
    PKT_CLASS_COUNT
};
#define PKT_CLASS_FRAME_CAP (PKT_HEADROOM + 1536u)
#define PKT_CLASS_JUMBO_CAP (PKT_HEADROOM + PKT_MAX_FRAME)
/* Freed buffers a recycling pool keeps per class (about 14 MiB and 4.6 MiB
 * at most): enough for a window of frames in flight on a fast link. */
#define PKT_POOL_KEEP_FRAME 8192u
#define PKT_POOL_KEEP_JUMBO 512u

/* Counts and numbers the packets of one world (or one test). A pool that
 * recycles (pkt_pool_recycle) keeps freed buffers of the usual sizes and
 * hands them out again, newest first, so a busy world stops asking malloc
 * for every segment and reuses memory still in the cache; ids, counts and
 * contents are exactly as without it. */
struct pkt_pool {
    uint64_t live;     /* packets allocated and not yet freed */
    uint64_t next_id;  /* ids handed out so far: the next packet gets next_id + 1 */
    uint64_t allocs;   /* packets ever allocated */
    bool recycle;      /* keep freed buffers for reuse */
    struct pkt *spare[PKT_CLASS_COUNT];  /* freed buffers per class, linked by next */
    size_t n_spare[PKT_CLASS_COUNT];     /* how many */
};

/* pkt_alloc() sets every field one by one: a new field needs a line there. */
struct pkt {
    uint8_t *head;             /* start of the buffer */
    uint8_t *data;             /* first valid byte */
    size_t len;                /* valid bytes from data */
    size_t cap;                /* bytes in the buffer from head */
    int16_t l2_off;            /* offset of the Ethernet header from head, or -1 */
    int16_t l3_off;            /* offset of the IPv4/ARP header from head, or -1 */
    int16_t l4_off;            /* offset of the ICMP/UDP/TCP header from head, or -1 */
    uint8_t buf_class;         /* enum pkt_class of the buffer behind head */
    uint64_t id;               /* unique in its pool; the UI follows it */
    uint64_t born_ns;          /* when the stack created it */
    struct pkt_pool *pool;     /* the pool that counts it */
    struct iface *rx_ifc;      /* interface it arrived on, or NULL */
    struct trace_cause cause;  /* what made the stack build or accept it */
    uint32_t next_hop;         /* ARP queue: the address being resolved */
    uint32_t gen;              /* write generation: changes before any byte the
                                  packet holds or held may be written again
                                  (pkt_push or pkt_put over such bytes,
                                  pkt_touch), so a reader that copied the bytes
                                  at (id, gen) knows them unchanged while both
                                  stay the same */
    uint32_t held_lo, held_hi; /* offsets from head of every byte the packet has
                                  held: room outside them is fresh, and a header
                                  pushed there changes no byte anyone read */
    struct pkt *next;          /* link in the one queue that owns it */
};
/* On a 64-bit machine, 128 bytes, two cache lines' worth, the buffer (head)
 * right after it: buf_class sits in the padding after the layer offsets, so
 * gen and the held range fit without going past that. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct pkt) == 128, "struct pkt is 128 bytes");
#endif

/* Turn recycling on for pool (a world does; tests' pools need not). A
 * recycling pool must be emptied with pkt_pool_destroy(). */
void pkt_pool_recycle(struct pkt_pool *pool);
/* Free the buffers a recycling pool keeps. Packets still live are not
 * touched (they are freed as usual, and then not kept). */
void pkt_pool_destroy(struct pkt_pool *pool);

/* A new packet with `headroom` bytes in front and room for `size` more.
 * Returns NULL when memory runs out. */
struct pkt *pkt_alloc(struct pkt_pool *pool, size_t headroom, size_t size);

/* A new packet holding a copy of `len` bytes (a received frame). */
struct pkt *pkt_from_bytes(struct pkt_pool *pool, const uint8_t *bytes, size_t len);

/* A deep copy, with a new id; the cause is kept. */
struct pkt *pkt_clone(const struct pkt *p);

/* Release p. Only pkt_drop() and the final consumer (a driver, a socket reader)
 * call this; everything else passes ownership on. NULL is ignored. */
void pkt_free(struct pkt *p);

/* Prepend n bytes; returns the new data pointer or NULL without headroom.
 * When the bytes it hands back were held before (a router's new Ethernet
 * header over the old one), it counts as a write (gen). */
uint8_t *pkt_push(struct pkt *p, size_t n);
/* Strip n bytes from the front; returns the new data pointer or NULL if short. */
uint8_t *pkt_pull(struct pkt *p, size_t n);
/* Append n bytes at the tail; returns a pointer to them or NULL without room
 * (a write, as pkt_push(), when the tail was held before: bytes pkt_trim()
 * cut). */
uint8_t *pkt_put(struct pkt *p, size_t n);
/* Cut the packet to n bytes (an IPv4 total length shorter than the frame). */
void pkt_trim(struct pkt *p, size_t n);

/* About to write, in place, bytes the packet already holds (a router's
 * TTL, a corrupted bit): whoever copied them (the event log) must look
 * again. Every in-place write of a packet's bytes outside pkt_push() and
 * pkt_put() calls this first; the event log's tests check the rule on
 * every lesson. */
static inline void
pkt_touch(struct pkt *p)
{
    p->gen++;
}

/* Offsets are relative to head so they survive push and pull. */
static inline int16_t
pkt_off(const struct pkt *p)
{
    return (int16_t)(p->data - p->head);
}

static inline uint8_t *
pkt_l2(const struct pkt *p)
{
    return p->l2_off < 0 ? NULL : p->head + p->l2_off;
}

static inline uint8_t *
pkt_l3(const struct pkt *p)
{
    return p->l3_off < 0 ? NULL : p->head + p->l3_off;
}

static inline uint8_t *
pkt_l4(const struct pkt *p)
{
    return p->l4_off < 0 ? NULL : p->head + p->l4_off;
}

/* Bytes from the start of layer `off` to the end of the packet. */
static inline size_t
pkt_len_from(const struct pkt *p, int16_t off)
{
    return off < 0 ? 0 : (size_t)(p->data + p->len - (p->head + off));
}

/* A FIFO of packets, linked through pkt.next. */
struct pkt_queue {
    struct pkt *first;  /* oldest */
    struct pkt *last;   /* newest */
    size_t count;       /* packets queued */
    size_t bytes;       /* sum of their len */
};

void pkt_queue_push(struct pkt_queue *q, struct pkt *p);
struct pkt *pkt_queue_pop(struct pkt_queue *q);
/* Free every packet left in q (a closing socket, a host being destroyed). */
void pkt_queue_purge(struct pkt_queue *q);

#endif
