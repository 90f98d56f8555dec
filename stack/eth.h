/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eth.h - the Ethernet layer of a host: frames in, frames out.
 *
 * eth_input() checks the destination MAC and dispatches on EtherType;
 * eth_output() prepends the header, pads to the 60-byte minimum and hands the
 * frame to the interface's driver.
 */
#ifndef NETSTEP_STACK_ETH_H
#define NETSTEP_STACK_ETH_H

#include <stdint.h>

#include "stack/wire/addr.h"

struct iface;
struct pkt;

/* p->data is the Ethernet header. Takes ownership of p. */
void eth_input(struct iface *ifc, struct pkt *p);

/* p->data is the payload (an ARP or IPv4 packet). Prepends the header for
 * `type` to `dst` and transmits. Takes ownership of p. Returns 0 or -ERR_*. */
int eth_output(struct iface *ifc, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type);

#endif
