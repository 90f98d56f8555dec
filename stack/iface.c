/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iface.c - the driver boundary: frames in from a driver, frames out to it.
 */
#include "stack/iface.h"

#include "stack/drop.h"
#include "stack/err.h"
#include "stack/eth.h"
#include "stack/host.h"
#include "stack/pkt.h"

void
iface_input(struct iface *ifc, struct pkt *p)
{
    p->rx_ifc = ifc;
    p->l2_off = pkt_off(p);
    /* What happens next was caused by this arrival. Both copies are made
     * from one value: copying p->cause just after its fields were stored
     * one by one made the CPU wait for those stores to land (the loads of
     * the copy could not be served from them), on every frame. */
    const struct trace_cause arrival = cause_arrival(p->id);
    p->cause = arrival;
    ifc->host->cause = arrival;
    if (!ifc->up) {
        pkt_drop(ifc->host, p, LAYER_ETH, DROP_LINK_DOWN);
        return;
    }
    eth_input(ifc, p);
}

int
iface_transmit(struct iface *ifc, struct pkt *p)
{
    if (!ifc->up || ifc->ops == NULL || ifc->ops->transmit == NULL) {
        pkt_drop(ifc->host, p, LAYER_ETH, ifc->up ? DROP_LINK_NO_PEER : DROP_LINK_DOWN);
        return -ERR_NETUNREACH;
    }
    return ifc->ops->transmit(ifc, p);
}
