/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iface.h - a network interface and the driver boundary.
 *
 * An interface belongs to one host, has a MAC, an IPv4 address and prefix, an
 * MTU, and a driver behind `struct iface_ops`. The driver is the only thing
 * that varies (a simulated link, a TAP device, a test recorder), so it is the
 * one place with a function pointer (docs/architecture.md, "How a packet
 * moves").
 */
#ifndef NETSTEP_STACK_IFACE_H
#define NETSTEP_STACK_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/wire/addr.h"

#define IFACE_NAME_LEN 16

struct host;
struct iface;
struct pkt;

struct iface_ops {
    /* Put the frame p (p->data is the Ethernet header) on the medium.
     * Takes ownership of p on every path. Returns 0 or -ERR_*. */
    int (*transmit)(struct iface *ifc, struct pkt *p);
};

struct iface {
    struct host *host;            /* owner */
    unsigned index;               /* position in host->ifaces, 0-based */
    char name[IFACE_NAME_LEN];    /* "eth0" */
    uint8_t mac[ETH_ALEN];        /* hardware address */
    uint32_t addr;                /* IPv4 address, host order; 0 if none */
    uint8_t prefix_len;           /* of the connected subnet */
    uint16_t mtu;                 /* largest IPv4 datagram the link carries */
    bool up;                      /* administratively up */
    bool loopback;                /* lo (IFF_LOOPBACK): frames come back to this host;
                                     no ARP, no padding, no wire (loopback.c) */
    const struct iface_ops *ops;  /* the driver */
    void *drv;                    /* the driver's own state */
};

/* The network address of the interface's subnet (192.0.2.0 for 192.0.2.1/24). */
static inline uint32_t
iface_net(const struct iface *ifc)
{
    return ifc->addr & ipv4_prefix_mask(ifc->prefix_len);
}

/* The directed broadcast address of the interface's subnet. */
static inline uint32_t
iface_broadcast(const struct iface *ifc)
{
    return ifc->addr | ~ipv4_prefix_mask(ifc->prefix_len);
}

/* A frame arrived from the driver. The caller set ifc->host->now_ns.
 * Takes ownership of p. */
void iface_input(struct iface *ifc, struct pkt *p);

/* Hand a finished frame to the driver. Takes ownership of p. */
int iface_transmit(struct iface *ifc, struct pkt *p);

#endif
