/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * switch.h - Ethernet segments: a learning bridge (switch) and a hub.
 *
 * A switch is a node of the world with ports; each port is an interface
 * with no host (ifc->host == NULL) that a link attaches to, exactly as a
 * host's interface does, so `link alice sw1` is sim_add_link(alice's eth0,
 * switch_add_port(sw1)). Forwarding takes no time: the links on each side
 * carry the delay and rate.
 *
 * The switch follows the transparent bridge of [IEEE 802.1D 7.7, 7.8]:
 * learn each frame's source MAC on the port it came in by; forward a frame
 * for a known unicast MAC to that port only; flood broadcast, multicast and
 * unknown unicast to every port but the one it came in by (never reflect);
 * filter a frame whose destination sits on its own ingress port. Entries age
 * out after `aging_ns` (300 s, the 802.1D default ageing time [IEEE 802.1D
 * 7.9.2]); aging is checked when an entry is used, so it costs no timer. A
 * hub repeats every frame to every other port and learns nothing.
 *
 * Trace: TRACE_NOTE events on the Ethernet layer with the switch's name as
 * `where` ("learned 02:00:00:00:01:01 on port 1", "flood", "forward to port
 * 2"); each copy is recorded again as it enters the next wire.
 */
#ifndef NETSTEP_SIM_SWITCH_H
#define NETSTEP_SIM_SWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/iface.h"

#define SWITCH_NAME_LEN 32
#define SWITCH_MAX_PORTS 128
#define SWITCH_MAC_MAX 1024
/* [IEEE 802.1D 7.9.2] recommended ageing time, 300 s; settable (aging_ns). */
#define SWITCH_AGING_NS (300ull * 1000 * 1000 * 1000)

struct sim;
struct pkt;
struct lan_switch;

struct switch_port {
    struct iface ifc;        /* first member: what a link attaches to; host NULL */
    struct lan_switch *sw;   /* owner */
    unsigned number;         /* 1-based, as the trace prints it */
    uint64_t rx_frames;      /* frames that came in */
    uint64_t tx_frames;      /* frames sent out */
};

struct switch_mac {
    bool used;               /* slot taken */
    uint8_t mac[ETH_ALEN];   /* station address */
    unsigned port;           /* port number it was last seen on */
    uint64_t seen_ns;        /* when */
};

struct lan_switch {
    char name[SWITCH_NAME_LEN];                   /* "sw1": `where` of its events */
    struct sim *sim;                              /* the world */
    bool hub;                                     /* repeat everywhere, learn nothing */
    uint64_t aging_ns;                            /* MAC table ageing time */
    struct switch_port *ports[SWITCH_MAX_PORTS];  /* ports[i] is port i + 1 */
    unsigned n_ports;                             /* ports in use */
    struct switch_mac table[SWITCH_MAC_MAX];      /* the MAC table */
    uint64_t learned;                             /* entries learned or moved */
    uint64_t aged;                                /* entries aged out */
    uint64_t flooded;                             /* frames flooded */
    uint64_t forwarded;                           /* frames sent to one port */
    uint64_t filtered;                            /* frames for their own ingress port */
};

/* A new switch (hub = false) or hub in s, named `name` (unique among switches).
 * NULL for a bad name or no memory. The world frees it. */
struct lan_switch *sim_add_switch(struct sim *s, const char *name, bool hub);
struct lan_switch *sim_switch_by_name(struct sim *s, const char *name);

/* A new port, ready for sim_add_link(). NULL when SWITCH_MAX_PORTS exist. */
struct iface *switch_add_port(struct lan_switch *sw);

/* The switch port behind ifc, or NULL if ifc belongs to a host. */
struct switch_port *switch_port_of(const struct iface *ifc);

/* A frame arrived on port ifc (the world's SIM_EV_FRAME). bad_fcs: drop it
 * (ETH_BAD_FCS), as a store-and-forward switch does. Takes ownership of p. */
void switch_input(struct iface *ifc, struct pkt *p, bool bad_fcs);

/* The port number that mac is learned on (0: unknown or aged) at now_ns. */
unsigned switch_lookup(const struct lan_switch *sw, const uint8_t mac[ETH_ALEN], uint64_t now_ns);

void switch_destroy(struct lan_switch *sw);

#endif
