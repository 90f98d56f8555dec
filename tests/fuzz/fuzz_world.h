/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_world.h - the two-host world the stack's fuzz targets drive: alice
 * (192.0.2.1) and bob (192.0.2.2) on a recording wire, each frame a host
 * transmits queued until the target delivers it, loses it or injects its own.
 *
 * No Check and no sim/: a libFuzzer target must report a broken promise by
 * aborting (fz_fail), and only the stack's public API is used, so the targets
 * fuzz exactly what a scenario or the view drives.
 */
#ifndef NETSTEP_TESTS_FUZZ_WORLD_H
#define NETSTEP_TESTS_FUZZ_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/pkt.h"
#include "stack/trace.h"

#define FZ_ALICE 0
#define FZ_BOB   1
#define FZ_ALICE_ADDR 0xc0000201u  /* 192.0.2.1 */
#define FZ_BOB_ADDR   0xc0000202u  /* 192.0.2.2 */
#define FZ_FD_MAX     48           /* descriptors the target keeps track of, per host */
#define FZ_QUEUE_MAX  512          /* frames one host may have waiting on the wire */
#define FZ_FRAME_MAX  1600         /* the largest frame a target builds */

struct fz_world {
    struct pkt_pool pool;             /* counts packets: the leak check */
    struct trace trace;               /* the bus, with one sink that reads every text */
    struct trace_sink sink;
    struct host host[2];              /* alice, bob */
    struct pkt_queue out[2];          /* frames each host sent, not yet delivered */
    uint64_t now_ns;                  /* the shared clock */
    int fd[2][FZ_FD_MAX];             /* descriptors open on each host */
    size_t n_fd[2];
    uint64_t text_bytes;              /* what the sink read (keeps it from being optimised away) */
    char last_text[TRACE_TEXT_LEN + 32]; /* the last event, for a failure message */
};

/* Report a broken promise and abort, so libFuzzer keeps the input. */
_Noreturn void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Two hosts with interfaces up and each other's MAC as a permanent entry. */
void fz_init(struct fz_world *w);
/* Close every descriptor, run the world until every connection is gone (or
 * fail if one outlives the bound), destroy the hosts, then fail if any
 * packet is still alive. */
void fz_teardown(struct fz_world *w);

/* Set both hosts' clocks to the world's (before every entry into the stack). */
void fz_enter(struct fz_world *w);
/* Hand a frame to host `to` as if it arrived on eth0. */
void fz_inject(struct fz_world *w, int to, const uint8_t *frame, size_t len);
/* Move the oldest frame host `from` sent to the other; false if none. */
bool fz_deliver_one(struct fz_world *w, int from);
/* Deliver frames both ways until none moves or `budget` frames moved;
 * returns how many moved. */
size_t fz_deliver(struct fz_world *w, size_t budget);
/* Lose the oldest frame host `from` sent; false if none. */
bool fz_lose_one(struct fz_world *w, int from);
/* Lose every frame host `from` has waiting. */
void fz_lose_all(struct fz_world *w, int from);
/* Advance the clock by ns and run both hosts' timers. */
void fz_advance(struct fz_world *w, uint64_t ns);
/* Move the clock to the earlier host's next deadline (at most `limit_ns`
 * ahead) and run the timers; false when neither host has one in reach. */
bool fz_advance_to_next(struct fz_world *w, uint64_t limit_ns);

/* Rounds of "run what is due now" (and deliver, if asked) one instant may
 * take: moving everything the send buffers hold between two hosts takes a
 * few hundred. */
#define FZ_STORM_ROUNDS 20000
/* Run the timers that are due (a frame a host sent itself on lo is one),
 * and with `deliver` move frames between the hosts too, without moving the
 * clock, until nothing is left to do. A host that keeps making work while
 * time stands still (a storm, such as a segment it answers to itself
 * forever) is a failure, reported with the last thing it did. */
void fz_settle(struct fz_world *w, size_t budget, bool deliver);

/* Remember or forget a descriptor of host h. */
void fz_fd_add(struct fz_world *w, int h, int fd);
void fz_fd_remove(struct fz_world *w, int h, int fd);

/* Every TCB of both hosts keeps SND.UNA <= SND.NXT <= SND.MAX (mod 2^32)
 * [RFC 9293 3.3.1]; fail otherwise. */
void fz_check_tcbs(struct fz_world *w);

/* The TCP segment `seg` (header and payload, any bytes) from src to dst
 * inside IPv4 and Ethernet addressed to host `to`, with the TCP checksum and
 * the IPv4 header checksum right. Returns the frame length. */
size_t fz_tcp_frame(const struct fz_world *w, int to, uint32_t src, uint32_t dst,
                    const uint8_t *seg, size_t seg_len, uint8_t ttl, uint8_t *frame);

#endif
