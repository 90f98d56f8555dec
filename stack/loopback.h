/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loopback.h - lo, the loopback interface: datagrams a host sends to itself.
 *
 * Every host has one, as every Linux host does: `lo`, 127.0.0.1/8, MTU 65535
 * (Linux says 65536; an IPv4 datagram holds 65535 at most, so the two behave
 * alike). It is not in host->ifaces[] (eth0 stays the first interface); it
 * lives in host->lo. A datagram to 127.x.x.x, or to one of the host's own
 * addresses, is routed to lo (Linux's "local" table, looked up before the
 * main one), goes down through the transport, IPv4 and Ethernet layers like
 * any other, and comes back up through the same layers without touching a
 * wire.
 */
#ifndef NETSTEP_STACK_LOOPBACK_H
#define NETSTEP_STACK_LOOPBACK_H

#include <stdbool.h>
#include <stdint.h>

struct host;

#define LOOPBACK_ADDR      0x7f000001u  /* 127.0.0.1 */
#define LOOPBACK_PREFIX    8            /* 127.0.0.0/8 */
#define LOOPBACK_MTU       65535
/* Frames lo holds before it drops, as Linux's netdev_max_backlog (1000). */
#define LOOPBACK_QUEUE_MAX 1000u

/* [RFC 1122 3.2.1.3 (g)] 127.0.0.0/8: "Internal host loopback address". */
static inline bool
loopback_addr(uint32_t a)
{
    return (a >> 24) == 127;
}

/* Set up h->lo (host_init calls it). */
void loopback_init(struct host *h);

/* Hand every frame lo transmitted before this call back to the host's own
 * input (iface_input on lo). Frames those cause wait for the next call, as
 * the kernel's backlog queue makes them wait for the next softirq round.
 * host_poll() calls it; host_next_deadline() is "now" while frames wait. */
void loopback_poll(struct host *h);

/* Whether frames wait on lo. */
bool loopback_pending(const struct host *h);

/* Drop whatever waits on lo (host teardown). */
void loopback_flush(struct host *h);

#endif
