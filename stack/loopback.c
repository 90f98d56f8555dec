/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loopback.c - lo: the interface whose frames come back to their own host.
 *
 * The driver behind lo is part of the stack (as Linux's drivers/net/
 * loopback.c is part of the kernel): transmit puts the frame on the host's
 * loop queue, and host_poll() hands it to iface_input() on lo, at the same
 * instant, as if it had just arrived. The frame keeps the Ethernet header
 * eth_output() gave it, with both addresses all zeros, because Linux's lo is
 * an Ethernet-type device with an all-zero address (tcpdump -i lo shows
 * exactly such frames, as DLT_EN10MB). lo never asks ARP (IFF_NOARP), never
 * pads a short frame, and nothing it carries is on a wire: no link, no
 * delay, no loss.
 * Called by: host.c, iface_transmit() through lo's ops. Calls: iface_input().
 */
#include "stack/loopback.h"

#include <string.h>

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"
#include "stack/pkt.h"

static int
loopback_transmit(struct iface *ifc, struct pkt *p)
{
    struct host *h = ifc->host;
    if (h->loopq.count >= LOOPBACK_QUEUE_MAX) {
        pkt_drop(h, p, LAYER_ETH, DROP_LINK_QUEUE_FULL);
        return -ERR_NOBUFS;
    }
    pkt_queue_push(&h->loopq, p);
    return 0;
}

static const struct iface_ops loopback_ops = {
    .transmit = loopback_transmit,
};

void
loopback_init(struct host *h)
{
    struct iface *lo = &h->lo;
    memset(lo, 0, sizeof(*lo));
    lo->host = h;
    lo->index = HOST_MAX_IFACES;  /* outside ifaces[]: eth0 stays first */
    memcpy(lo->name, "lo", 3);
    lo->addr = LOOPBACK_ADDR;
    lo->prefix_len = LOOPBACK_PREFIX;
    lo->mtu = LOOPBACK_MTU;
    lo->up = true;
    lo->loopback = true;
    lo->ops = &loopback_ops;
    memset(&h->loopq, 0, sizeof(h->loopq));
}

void
loopback_poll(struct host *h)
{
    /* Only the frames queued before this round; the answers they cause are
     * the next round's, so each round is one step of the conversation. */
    for (uint64_t n = h->loopq.count; n > 0; n--) {
        struct pkt *p = pkt_queue_pop(&h->loopq);
        if (p == NULL)
            break;
        iface_input(&h->lo, p);
    }
}

bool
loopback_pending(const struct host *h)
{
    return h->loopq.count > 0;
}

void
loopback_flush(struct host *h)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(&h->loopq)) != NULL)
        pkt_drop(h, p, LAYER_ETH, DROP_HOST_DOWN);
}
