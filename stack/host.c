/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * host.c - a node: set-up, interfaces, timers, teardown.
 */
#include "stack/host.h"

#include <stdlib.h>
#include <string.h>

#include "stack/arp.h"
#include "stack/err.h"
#include "stack/ipv6.h"
#include "stack/loopback.h"
#include "stack/tcp.h"
#include "stack/wire/eth.h"

void
host_init(struct host *h, const char *name, struct pkt_pool *pool, struct trace *trace,
          uint64_t seed, uint64_t stream)
{
    memset(h, 0, sizeof(*h));
    size_t n = strlen(name);
    if (n >= sizeof(h->name))
        n = sizeof(h->name) - 1;
    memcpy(h->name, name, n);
    h->pool = pool;
    h->trace = trace;
    rng_seed(&h->rng, seed, stream);
    arp_cache_init(&h->arp);
    ipfrag_init(&h->ipfrag);
    ipv4_pmtu_init(&h->pmtu);
    sock_table_init(&h->socks);
    loopback_init(h);
    /* Start the ephemeral search somewhere seeded, as Linux randomises it
     * [RFC 6056 3.3.1], so two hosts of one lesson do not share numbers. */
    h->socks.next_ephemeral =
        (uint16_t)(SOCK_EPHEMERAL_LO + rng_below(&h->rng, 64));
    h->ip_id = (uint16_t)rng_below(&h->rng, 65536);
    h->next_ping_id = (uint16_t)(1 + rng_below(&h->rng, 1000));
    tcp_host_init(h);
}

void
host_destroy(struct host *h)
{
    sock_table_close_all(h);
    tcp_host_destroy(h);
    loopback_flush(h);
    arp_cache_flush(h);
    ipfrag_flush(h);
    route_table_free(&h->routes);
    free(h->stats.icmp_types);
    h->stats.icmp_types = NULL;
    ipv6_host_destroy(h);
}

struct iface *
host_add_iface(struct host *h, const char *name, const uint8_t mac[ETH_ALEN], uint32_t addr,
               unsigned prefix_len, uint16_t mtu, const struct iface_ops *ops, void *drv)
{
    if (h->n_ifaces >= HOST_MAX_IFACES || prefix_len > 32)
        return NULL;
    struct iface *ifc = &h->ifaces[h->n_ifaces];
    memset(ifc, 0, sizeof(*ifc));
    ifc->host = h;
    ifc->index = h->n_ifaces;
    size_t n = strlen(name);
    if (n >= sizeof(ifc->name))
        n = sizeof(ifc->name) - 1;
    memcpy(ifc->name, name, n);
    memcpy(ifc->mac, mac, ETH_ALEN);
    ifc->addr = addr;
    ifc->prefix_len = (uint8_t)prefix_len;
    ifc->mtu = mtu;
    ifc->ops = ops;
    ifc->drv = drv;
    h->n_ifaces++;
    return ifc;
}

void
host_iface_up(struct host *h, struct iface *ifc, bool announce)
{
    if (ifc->up)
        return;
    ifc->up = true;
    if (ifc->addr != 0) {
        /* The connected route, as the kernel adds it with the address. */
        route_add(h, iface_net(ifc), ifc->prefix_len, 0, ifc, 0, ROUTE_PROTO_KERNEL);
        if (announce)
            arp_announce(ifc);
    }
}

void
host_poll(struct host *h)
{
    loopback_poll(h);
    arp_poll(h);
    ipfrag_poll(h);
    tcp_poll(h);
    ipv6_poll(h);
}

uint64_t
host_next_deadline(struct host *h)
{
    /* Frames waiting on lo are delivered at once (loopback.c). */
    if (loopback_pending(h))
        return h->now_ns;
    uint64_t arp = arp_next_deadline(h);
    uint64_t tcp = tcp_next_deadline(h);
    uint64_t frag = ipfrag_next_deadline(h);
    uint64_t v6 = ipv6_next_deadline(h);
    uint64_t next = arp < tcp ? arp : tcp;
    next = frag < next ? frag : next;
    return v6 < next ? v6 : next;
}

struct iface *
host_iface_by_addr(struct host *h, uint32_t addr)
{
    for (unsigned i = 0; i < h->n_ifaces; i++)
        if (h->ifaces[i].addr == addr && addr != 0)
            return &h->ifaces[i];
    return addr == h->lo.addr ? &h->lo : NULL;
}

uint32_t
host_primary_addr(const struct host *h)
{
    return h->n_ifaces > 0 ? h->ifaces[0].addr : 0;
}

void
host_count_icmp(struct host *h, bool tx, uint8_t type)
{
    if (h->stats.icmp_types == NULL) {
        h->stats.icmp_types = calloc(1, sizeof *h->stats.icmp_types);
        if (h->stats.icmp_types == NULL)
            return;
    }
    if (tx)
        h->stats.icmp_types->tx[type]++;
    else
        h->stats.icmp_types->rx[type]++;
}

uint64_t
host_icmp_count(const struct host *h, bool tx, uint8_t type)
{
    const struct host_icmp_types *t = h->stats.icmp_types;
    if (t == NULL)
        return 0;
    return tx ? t->tx[type] : t->rx[type];
}

struct pkt *
host_pkt_alloc(struct host *h, size_t headroom, size_t size)
{
    /* Room for the Ethernet padding of a short frame [IEEE 802.3 3.2.8]. */
    if (size < ETH_MIN_FRAME)
        size = ETH_MIN_FRAME;
    struct pkt *p = pkt_alloc(h->pool, headroom, size);
    if (p != NULL) {
        p->born_ns = h->now_ns;
        p->cause = h->cause;
    }
    return p;
}
