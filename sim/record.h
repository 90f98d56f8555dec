/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record.h - the event log: a compact copy of every trace event (docs/architecture.md,
 * "The trace bus and the event log").
 *
 * The log is the model the views read: stepping back in the view moves a
 * cursor over it, and panes show what the log holds as of the cursor. A
 * record is a trace sink; attach it before the run and every event (with a
 * copy of its packet's bytes, and the TCB snapshot a TCP event carries) is
 * kept until record_destroy().
 *
 * A record is a FORMAT sink (trace_attach_need()): it keeps each sentence
 * as the format and its arguments, and record_get() builds it the first
 * time it is asked for (then keeps it); record_get_facts() reads an event
 * without building it.
 *
 * Memory per event: a 28-byte index entry (what many events share - kind,
 * layer, place, cause, header offsets - kept once as a "shape"), plus the
 * sentence as kept (a format pointer and the packed arguments, shared with
 * an equal recent one), plus packet bytes shared between the events of one
 * frame (a frame's bytes are kept once however many layers report it: the
 * headers pushed on the way down are written in front of the bytes the
 * layer above stored; the ones pulled on the way up are found inside the
 * copy already kept) and LZ4-compressed in blocks of 64 KiB, plus 36 bytes
 * for each TCB snapshot that differs from its connection's newest (the
 * connection and RTT estimate kept once each). record_memory() says where
 * it goes (bench/view_scale.c prints it).
 */
#ifndef NETSTEP_SIM_RECORD_H
#define NETSTEP_SIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/trace.h"

struct sim;

/* An offset the packet did not have (its l2/l3/l4_off was -1). */
#define RECORD_OFF_NONE INT16_MIN

/* How long record_event.bytes stays valid: the frame bytes are kept
 * compressed and a get decompresses them into a cache of this many
 * blocks, the least recently read one replaced. A get (record_get() or
 * record_get_facts(), of any event) reads at most one block, so the bytes
 * an event returned stay valid through the next RECORD_BYTES_GETS - 1 gets
 * on the same record, and until record_destroy(); recording more events
 * does not disturb them. A reader that keeps bytes across more gets (a
 * search through many events) copies them, or gets the event again. */
#define RECORD_BYTES_GETS 8
/* Names remembered by the address of the string they came in (a host's or
 * link's own name array): a power of two. */
#define RECORD_WHERE_SRCS 8
/* Shapes whose successor is remembered (record.c, record_emit()). */
#define RECORD_SHAPE_AFTER 64

/* One event as record_get() returns it. `where`, `rfc`, `text` and
 * tcb.state stay valid until record_destroy(); `bytes` as said above. */
struct record_event {
    uint64_t t_ns;             /* virtual time */
    enum trace_kind kind;      /* RX, TX, DROP, WIRE... */
    enum trace_layer layer;    /* where in the stack */
    int host;                  /* index in sim->hosts, or -1 (a link, or unknown) */
    const char *where;         /* host or link name; "" if the event had none */
    uint64_t pkt_id;           /* the packet's id, 0 without a packet */
    int reason;                /* enum drop_reason for DROP, else 0 */
    const char *rfc;           /* the stack's static tag, or NULL */
    struct trace_cause cause;  /* why */
    const char *text;          /* the sentence, NUL-terminated (built when
                                * first asked for, then kept) */
    const uint8_t *bytes;      /* copy of p->data[0..len), NULL without a packet
                                * (valid for RECORD_BYTES_GETS gets, above) */
    size_t len;                /* bytes copied */
    int16_t l2_off;            /* Ethernet header, relative to bytes (may be
                                * negative: before data), or RECORD_OFF_NONE */
    int16_t l3_off;            /* IPv4/ARP header, idem */
    int16_t l4_off;            /* ICMP/UDP/TCP header, idem */
    bool has_tcb;              /* a TCP event that carried a TCB snapshot */
    struct trace_tcb tcb;      /* that snapshot (state is the stack's static name) */
};

struct record_chunk;
struct record_wide;
struct record_shape;
struct record_tcb;
struct record_frame;
struct record_fblock;
struct record_fcache;
struct record_fmt;
struct record_memo;
struct record_block;

/* Blocks that never move what they hold; a reference names a block by its
 * number in `blocks` and an offset in it. */
struct record_arena {
    struct record_block **blocks;   /* in allocation order */
    size_t n, cap;                  /* blocks held, slots */
    size_t cur;                     /* the block being filled */
    size_t next;                    /* size of the next shared block (they grow) */
    uint64_t used;                  /* bytes handed out */
    uint64_t allocated;             /* bytes of all blocks */
};

/* Fixed-size items kept once each (a hash over them finds an equal one). */
struct record_set {
    uint8_t *items;                 /* n items of `size` bytes */
    size_t size, n, cap;
    uint32_t *hash;                 /* open addressing: 1 + index, 0 free */
    size_t hcap;                    /* slots in hash (a power of two) */
    size_t last;                    /* the item found last */
};

struct record {
    struct trace_sink sink;         /* what record_attach() subscribes */
    struct sim *sim;                /* for host indexes and the trace bus */
    bool attached;                  /* sink is on sim->trace */
    struct record_chunk *chunks;    /* the index, in emit order: chunks of
                                       RECORD_CHUNK entries that never move
                                       once full, each with its bases */
    size_t n_chunks;                /* chunks allocated */
    size_t cap_chunks;              /* slots in chunks */
    size_t first_chunk_cap;         /* entries chunks[0] has room for (it
                                       grows to RECORD_CHUNK; the others are
                                       allocated whole) */
    size_t n_entries;               /* events kept */
    struct record_arena entry_arena; /* blocks that never move, for the chunks
                                       after the first and the TCB snapshots
                                       past their first block */
    struct record_wide *wides;      /* events whose numbers do not fit an
                                       entry, and frames an inject or replay
                                       step put on a wire (their cause's
                                       line and frame), by index (rare) */
    size_t n_wides, cap_wides;
    struct record_set shapes;       /* what many events share, kept once */
    uint32_t shape_after[RECORD_SHAPE_AFTER]; /* 1 + the shape that came after
                                       shape s last time, at s % RECORD_SHAPE_AFTER
                                       (0: none yet): a guess, compared whole */
    uint32_t last_shape;            /* the shape of the event kept last */
    struct record_arena text;       /* sentences as kept */
    struct record_arena fbytes;     /* frame blocks as kept (compressed) */
    char **wheres;                  /* interned names */
    size_t n_wheres;                /* names held */
    size_t cap_wheres;              /* slots in wheres */
    size_t last_where;              /* the name found last */
    const char *where_src[RECORD_WHERE_SRCS]; /* the string a name came from last, */
    uint16_t where_idx[RECORD_WHERE_SRCS];    /* and its number: by the string's
                                                 address, checked by content */
    const char **statics;           /* interned static strings (RFC tags, TCP
                                       state names); index 0 is NULL */
    size_t n_statics;               /* strings held */
    size_t cap_statics;             /* slots in statics */
    uint16_t *static_hash;          /* open addressing over statics, by pointer */
    struct record_tcb **tcbs;       /* distinct TCB snapshots, in blocks that
                                       never move (record.c's tcb_at());
                                       entries refer to them */
    struct record_set conns;        /* the connections (and states) they are of */
    struct record_set rtts;         /* their RTT estimates */
    size_t n_tcbs;                  /* snapshots held */
    size_t tcb_first_cap;           /* snapshots tcbs[0] has room for (it grows
                                       to a whole block; the others are
                                       allocated whole, in entry_arena) */
    size_t n_tcb_blocks;            /* blocks allocated */
    size_t cap_tcb_blocks;          /* slots in tcbs */
    uint32_t *conn_last;            /* by connection (conns' index): 1 + its
                                       newest snapshot's index; 0: none */
    size_t cap_conn_last;           /* slots in conn_last */
    uint8_t (*addrs6)[16];          /* distinct IPv6 addresses IPv6 snapshots
                                       name (a snapshot keeps their indexes,
                                       so an IPv4 one stays as small) */
    size_t n_addrs6;                /* addresses held */
    size_t cap_addrs6;              /* slots in addrs6 */
    struct record_frame *frames;    /* recent frames, by packet id: where their
                                       bytes are, to share them */
    size_t frames_cap;              /* its slots (a power of two; 0: none yet) */
    struct record_fblock *fblocks;  /* frame blocks, by number */
    size_t n_fblocks, cap_fblocks;
    uint8_t *stage;                 /* the open frame block, raw */
    size_t stage_used;              /* bytes in it */
    uint32_t stage_blk;             /* its number (UINT32_MAX: none yet) */
    uint8_t *prev_stage;            /* the block closed last, still raw */
    size_t prev_used;               /* bytes in it */
    uint32_t prev_blk;              /* its number (UINT32_MAX: none) */
    void *lz4_state;                /* the compressor's LZ4_stream_t */
    uint8_t *zbuf;                  /* a block compressed, before it is kept */
    size_t zbuf_cap;
    struct record_fcache *fcache;   /* decompressed blocks, for the gets */
    uint8_t *check_buf;             /* a debug build's copy of a block it reads
                                       back to check a shared frame (not the
                                       gets' cache, whose memory is counted) */
    size_t check_cap;
    uint32_t check_blk;             /* the block it holds (RECORD_NO_FRAME: none) */
    uint64_t *saids;                /* recent sentences (as kept), by hash, to
                                       share them */
    struct record_fmt *fmts;        /* formats seen, by pointer: their arguments */
    struct record_memo *memo;       /* sentences built for record_get() */
    uint64_t lost;                  /* events not kept because memory ran out */
    uint64_t text_bytes;            /* sentences kept (formats' arguments) */
    uint64_t said_unlooked;         /* of them, kept without looking for an equal
                                       recent one: a format whose forms never
                                       repeat, such as IPv4's with its ids */
    uint64_t pkt_bytes;             /* frame bytes kept (compressed) */
    uint64_t pkt_raw;               /* frame bytes staged (before compression) */
    size_t n_with_pkt;              /* events that carry a packet */
};

/* Where the log's memory goes, in bytes. */
struct record_memory {
    size_t index;        /* the entries array (its capacity) and interned names */
    size_t text;         /* sentences as kept (formats' arguments), and
                            those built for record_get() */
    size_t packet;       /* packet bytes as kept (compressed), and the
                            buffers that stage and read them */
    size_t tcb;          /* TCB snapshots */
    size_t slack;        /* arenas allocated but not handed out (in total too) */
    size_t total;        /* all of the above */
    size_t with_packet;  /* events that carry a packet */
};

/* Prepare an empty record for world s (not yet attached). */
void record_init(struct record *r, struct sim *s);
/* Start (stop) receiving s->trace's events. */
void record_attach(struct record *r);
void record_detach(struct record *r);
/* Detach if attached, and free everything. */
void record_destroy(struct record *r);

/* Give back the room kept for more events (after a run; recording may go
 * on, the room grows again). */
void record_compact(struct record *r);
size_t record_count(const struct record *r);
void record_memory(const struct record *r, struct record_memory *out);
/* Copy event i (0-based, in emit order) into *out. false if i is past the end.
 * The sentence is built the first time it is asked for, then kept. */
bool record_get(const struct record *r, size_t i, struct record_event *out);
/* record_get() without the sentence (out->text is ""): for a reader of
 * kinds, packets and snapshots, which need no sentence built. */
bool record_get_facts(const struct record *r, size_t i, struct record_event *out);

#endif
