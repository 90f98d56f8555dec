/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_harness.h - TCP tests on the recording wire: inject hand-made segments
 * into one host as a fake peer and read back what it sent, or run two real
 * hosts against each other with the clock moving to each next timer.
 *
 * The fake peer has alice's address and MAC (port TH_PEER_PORT); the host
 * under test is bob, listening on or connecting to TH_PORT. Frames alice's
 * real host would get are never delivered in injection tests, so only bob's
 * TCP speaks.
 */
#ifndef NETSTEP_TESTS_TCP_HARNESS_H
#define NETSTEP_TESTS_TCP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "stack/tcp.h"
#include "stack/wire/tcp.h"

#define TH_PORT      80
#define TH_PEER_PORT 40000
#define TH_MSS       1460
#define TH_MS        1000000ull
#define TH_S         1000000000ull

/* A segment a host sent, decoded. */
struct th_seg {
    struct tcp_hdr t;        /* header and options */
    uint8_t data[1600];      /* payload */
    size_t len;              /* payload bytes */
    uint8_t why;             /* enum tcp_why from the packet's cause */
    uint64_t id;             /* packet id */
};

/* A world with both MACs learned (no ARP). hw_destroy() + free() at the end. */
struct hw_world *th_new(void);
/* Inject a segment into host `to` from the other host's address; sport and
 * dport as given (0 means TH_PEER_PORT -> TH_PORT). */
void th_inject(struct hw_world *w, int to, const struct tcp_hdr *t, const void *data, size_t len);
/* th_inject() with payload byte `at` inverted after the checksum was
 * computed: a segment damaged in flight. */
void th_inject_damaged(struct hw_world *w, int to, const struct tcp_hdr *t, const void *data,
                       size_t len, size_t at);
/* Pop the oldest TCP segment host `from` sent (other frames are freed);
 * false when none is queued. */
bool th_take(struct hw_world *w, int from, struct th_seg *out);
/* Segments queued from host `from` (after dropping non-TCP frames). */
size_t th_pending(struct hw_world *w, int from);
/* Forget everything host `from` sent. */
void th_flush(struct hw_world *w, int from);
struct tcb *th_tcb(struct hw_world *w, int host, int fd);

/* bob: a TCP socket bound to port and listening. */
int th_listen(struct hw_world *w, int host, uint16_t port, int backlog);
/* The fake peer opens a connection to bob's listener: SYN (peer_iss, opts),
 * bob's SYN-ACK taken, ACK injected, accept()ed. Returns the accepted fd and
 * bob's ISS in *bob_iss. opts may be NULL (MSS 1460 only). */
int th_passive_open(struct hw_world *w, int lfd, uint32_t peer_iss, uint16_t peer_wnd,
                    const struct tcp_opts *opts, uint32_t *bob_iss);
/* bob connects to the fake peer, which answers SYN-ACK (peer_iss, opts);
 * bob's ACK is taken. Returns bob's fd, its ISS in *bob_iss. */
int th_active_open(struct hw_world *w, uint32_t peer_iss, uint16_t peer_wnd,
                   const struct tcp_opts *opts, uint32_t *bob_iss);

/* Two real hosts: alice connects to bob:TH_PORT; everything delivered.
 * *afd is alice's socket, *bfd bob's accepted one. */
void th_pair(struct hw_world *w, int *afd, int *bfd);
/* Deliver frames and move the clock to each next timer until `ns` passed. */
void th_run(struct hw_world *w, uint64_t ns);

#endif
