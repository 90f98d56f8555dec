/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * switch.c - a learning bridge and a hub [IEEE 802.1D 7.7-7.9].
 *
 * switch_input() runs for every frame a link delivers to a port: learn the
 * source, then forward, flood or filter by the destination (a hub floods
 * everything). Copies for several ports are clones; the last port gets the
 * frame itself. Each copy goes out through link_transmit() on its port, so
 * the capture records it as it enters that wire.
 * Called by: sim_deliver() (sim.c). Calls: link_transmit(), trace_emit().
 */
#include "sim/switch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "sim/sim.h"
#include "stack/drop.h"
#include "stack/pkt.h"
#include "stack/trace.h"
#include "stack/wire/addr.h"
#include "stack/wire/eth.h"

/* One event at the switch: host NULL, where = its name. */
static void
switch_trace(struct lan_switch *sw, enum trace_kind kind, const struct pkt *p,
             enum drop_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
switch_trace(struct lan_switch *sw, enum trace_kind kind, const struct pkt *p,
             enum drop_reason reason, const char *fmt, ...)
{
    if (!trace_wanted(&sw->sim->trace))
        return;
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = sw->sim->now_ns;
    ev.kind = kind;
    ev.layer = LAYER_ETH;
    ev.where = sw->name;
    ev.pkt = p;
    ev.reason = (int)reason;
    ev.rfc = kind == TRACE_DROP ? drop_reason_rfc(reason) : "IEEE 802.1D 7.7";
    if (p != NULL)
        ev.cause = p->cause;
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ev.text, sizeof ev.text, fmt, ap);
        va_end(ap);
    }
    trace_emit(&sw->sim->trace, &ev);
}

struct switch_port *
switch_port_of(const struct iface *ifc)
{
    /* Only switches make interfaces without a host. */
    if (ifc == NULL || ifc->host != NULL)
        return NULL;
    return (struct switch_port *)(void *)ifc;
}

struct iface *
switch_add_port(struct lan_switch *sw)
{
    if (sw->n_ports >= SWITCH_MAX_PORTS)
        return NULL;
    struct switch_port *sp = calloc(1, sizeof *sp);
    if (sp == NULL)
        return NULL;
    sp->sw = sw;
    sp->number = sw->n_ports + 1;
    sp->ifc.index = sw->n_ports;
    snprintf(sp->ifc.name, sizeof sp->ifc.name, "port%u", sp->number);
    sp->ifc.mtu = PKT_MAX_FRAME - ETH_HDR_LEN;
    sw->ports[sw->n_ports++] = sp;
    return &sp->ifc;
}

static struct switch_mac *
switch_find(struct lan_switch *sw, const uint8_t mac[ETH_ALEN])
{
    for (unsigned i = 0; i < SWITCH_MAC_MAX; i++)
        if (sw->table[i].used && memcmp(sw->table[i].mac, mac, ETH_ALEN) == 0)
            return &sw->table[i];
    return NULL;
}

unsigned
switch_lookup(const struct lan_switch *sw, const uint8_t mac[ETH_ALEN], uint64_t now_ns)
{
    const struct switch_mac *e = switch_find((struct lan_switch *)sw, mac);
    if (e == NULL || now_ns - e->seen_ns >= sw->aging_ns)
        return 0;
    return e->port;
}

/* [IEEE 802.1D 7.8] learn the source address on the ingress port. */
static void
switch_learn(struct lan_switch *sw, const uint8_t mac[ETH_ALEN], unsigned port,
             const struct pkt *p)
{
    char m[MAC_ADDR_STRLEN];
    struct switch_mac *e = switch_find(sw, mac);
    uint64_t now = sw->sim->now_ns;
    if (e != NULL && e->port == port && now - e->seen_ns < sw->aging_ns) {
        e->seen_ns = now;
        return;
    }
    if (e == NULL) {
        /* A free slot, else the entry seen longest ago. */
        for (unsigned i = 0; i < SWITCH_MAC_MAX && e == NULL; i++)
            if (!sw->table[i].used)
                e = &sw->table[i];
        for (unsigned i = 0; i < SWITCH_MAC_MAX && e == NULL; i++)
            if (e == NULL || sw->table[i].seen_ns < e->seen_ns)
                e = &sw->table[i];
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "learned %s on port %u",
                     mac_addr_str(mac, m), port);
    } else if (e->port != port) {
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "%s moved from port %u to port %u",
                     mac_addr_str(mac, m), e->port, port);
    } else {
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "learned %s on port %u again (it had aged)",
                     mac_addr_str(mac, m), port);
    }
    e->used = true;
    memcpy(e->mac, mac, ETH_ALEN);
    e->port = port;
    e->seen_ns = now;
    sw->learned++;
}

/* Send p out of every attached port but `except`. */
static void
switch_flood(struct lan_switch *sw, struct pkt *p, unsigned except)
{
    struct switch_port *last = NULL;
    for (unsigned i = 0; i < sw->n_ports; i++) {
        struct switch_port *sp = sw->ports[i];
        if (sp->number == except || link_of_iface(&sp->ifc) == NULL)
            continue;
        if (last != NULL) {
            struct pkt *c = pkt_clone(p);
            if (c != NULL) {
                last->tx_frames++;
                link_transmit(&last->ifc, c);
            }
        }
        last = sp;
    }
    if (last == NULL) {
        pkt_free(p);
        return;
    }
    last->tx_frames++;
    link_transmit(&last->ifc, p);
}

void
switch_input(struct iface *ifc, struct pkt *p, bool bad_fcs)
{
    struct switch_port *in = switch_port_of(ifc);
    struct lan_switch *sw = in->sw;
    in->rx_frames++;
    if (bad_fcs || p->len < ETH_HDR_LEN) {
        switch_trace(sw, TRACE_DROP, p, bad_fcs ? DROP_ETH_BAD_FCS : DROP_ETH_TRUNCATED, NULL);
        pkt_free(p);
        return;
    }
    const uint8_t *dst = p->data, *src = p->data + ETH_ALEN;
    char d[MAC_ADDR_STRLEN];
    mac_addr_str(dst, d);
    if (sw->hub) {
        sw->flooded++;
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "hub: repeat to every port but %u",
                     in->number);
        switch_flood(sw, p, in->number);
        return;
    }
    if (!mac_is_multicast(src))
        switch_learn(sw, src, in->number, p);
    if (mac_is_multicast(dst)) {
        sw->flooded++;
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "%s is %s: flood to every port but %u", d,
                     mac_is_broadcast(dst) ? "broadcast" : "multicast", in->number);
        switch_flood(sw, p, in->number);
        return;
    }
    struct switch_mac *e = switch_find(sw, dst);
    if (e != NULL && sw->sim->now_ns - e->seen_ns >= sw->aging_ns) {
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "%s aged out (port %u, not seen for %llu s)",
                     d, e->port,
                     (unsigned long long)((sw->sim->now_ns - e->seen_ns) / 1000000000ull));
        memset(e, 0, sizeof *e);
        sw->aged++;
        e = NULL;
    }
    if (e == NULL) {
        sw->flooded++;
        switch_trace(sw, TRACE_NOTE, p, DROP_NONE,
                     "%s unknown: flood to every port but %u", d, in->number);
        switch_flood(sw, p, in->number);
        return;
    }
    if (e->port == in->number) {
        sw->filtered++;
        switch_trace(sw, TRACE_DROP, p, DROP_SWITCH_FILTERED, "%s is on port %u: filter", d,
                     e->port);
        pkt_free(p);
        return;
    }
    struct switch_port *out = sw->ports[e->port - 1];
    sw->forwarded++;
    switch_trace(sw, TRACE_NOTE, p, DROP_NONE, "%s is on port %u: forward to port %u only", d,
                 e->port, e->port);
    if (link_of_iface(&out->ifc) == NULL) {
        pkt_free(p);
        return;
    }
    out->tx_frames++;
    link_transmit(&out->ifc, p);
}

void
switch_destroy(struct lan_switch *sw)
{
    for (unsigned i = 0; i < sw->n_ports; i++)
        free(sw->ports[i]);
    sw->n_ports = 0;
}

struct lan_switch *
sim_switch_by_name(struct sim *s, const char *name)
{
    for (size_t i = 0; name != NULL && i < s->n_switches; i++)
        if (strcmp(s->switches[i]->name, name) == 0)
            return s->switches[i];
    return NULL;
}

struct lan_switch *
sim_add_switch(struct sim *s, const char *name, bool hub)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= SWITCH_NAME_LEN ||
        sim_switch_by_name(s, name) != NULL)
        return NULL;
    if (s->n_switches == s->cap_switches) {
        size_t cap = s->cap_switches ? s->cap_switches * 2 : 4;
        struct lan_switch **grown = realloc(s->switches, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        s->switches = grown;
        s->cap_switches = cap;
    }
    struct lan_switch *sw = calloc(1, sizeof *sw);
    if (sw == NULL)
        return NULL;
    snprintf(sw->name, sizeof sw->name, "%s", name);
    sw->sim = s;
    sw->hub = hub;
    sw->aging_ns = SWITCH_AGING_NS;
    s->switches[s->n_switches++] = sw;
    return sw;
}
