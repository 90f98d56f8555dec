/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * harness.c - the recording-wire world of harness.h.
 */
#include "harness.h"

#include <check.h>
#include <string.h>

#include "stack/err.h"
#include "stack/iface.h"

static int
hw_transmit(struct iface *ifc, struct pkt *p)
{
    struct hw_world *w = ifc->drv;
    if (w->cut) {
        pkt_free(p);
        return 0;
    }
    int self = ifc->host == &w->host[HW_BOB] ? HW_BOB : HW_ALICE;
    pkt_queue_push(&w->out[self], p);
    return 0;
}

static const struct iface_ops hw_ops = { .transmit = hw_transmit };

static void
hw_record(void *ctx, const struct trace_event *ev)
{
    struct hw_world *w = ctx;
    if (w->n_ev >= HW_MAX_EVENTS)
        return;
    struct hw_event *e = &w->ev[w->n_ev++];
    e->kind = ev->kind;
    e->layer = ev->layer;
    e->host = ev->host == &w->host[HW_ALICE] ? HW_ALICE : ev->host == &w->host[HW_BOB] ? HW_BOB : -1;
    e->reason = ev->reason;
    e->pkt_id = ev->pkt != NULL ? ev->pkt->id : 0;
    e->cause = ev->cause;
    memcpy(e->text, ev->text, sizeof(e->text));
}

void
hw_init(struct hw_world *w)
{
    memset(w, 0, sizeof(*w));
    trace_init(&w->trace);
    w->sink.emit = hw_record;
    w->sink.ctx = w;
    trace_attach(&w->trace, &w->sink);
    static const uint8_t mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0x01, 0x01 };
    static const uint8_t mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x01 };
    host_init(&w->host[HW_ALICE], "alice", &w->pool, &w->trace, 1, 0);
    host_init(&w->host[HW_BOB], "bob", &w->pool, &w->trace, 1, 1);
    struct iface *a = host_add_iface(&w->host[HW_ALICE], "eth0", mac_a, HW_ALICE_ADDR, 24, 1500,
                                     &hw_ops, w);
    struct iface *b = host_add_iface(&w->host[HW_BOB], "eth0", mac_b, HW_BOB_ADDR, 24, 1500,
                                     &hw_ops, w);
    host_iface_up(&w->host[HW_ALICE], a, false);
    host_iface_up(&w->host[HW_BOB], b, false);
}

void
hw_destroy(struct hw_world *w)
{
    pkt_queue_purge(&w->out[0]);
    pkt_queue_purge(&w->out[1]);
    host_destroy(&w->host[HW_ALICE]);
    host_destroy(&w->host[HW_BOB]);
    ck_assert_msg(w->pool.live == 0, "%llu packet(s) leaked",
                  (unsigned long long)w->pool.live);
}

void
hw_enter(struct hw_world *w)
{
    w->host[0].now_ns = w->now_ns;
    w->host[1].now_ns = w->now_ns;
}

bool
hw_deliver_one(struct hw_world *w, int from)
{
    struct pkt *p = pkt_queue_pop(&w->out[from]);
    if (p == NULL)
        return false;
    hw_enter(w);
    struct host *to = &w->host[1 - from];
    iface_input(&to->ifaces[0], p);
    return true;
}

size_t
hw_deliver(struct hw_world *w)
{
    size_t n = 0;
    for (;;) {
        bool moved = false;
        for (int from = 0; from < 2; from++)
            while (hw_deliver_one(w, from)) {
                n++;
                moved = true;
            }
        if (!moved)
            return n;
    }
}

size_t
hw_lose(struct hw_world *w, int from)
{
    size_t n = w->out[from].count;
    pkt_queue_purge(&w->out[from]);
    return n;
}

void
hw_inject(struct hw_world *w, int to, const uint8_t *frame, size_t len)
{
    hw_enter(w);
    struct pkt *p = pkt_from_bytes(&w->pool, frame, len);
    ck_assert_ptr_nonnull(p);
    iface_input(&w->host[to].ifaces[0], p);
}

void
hw_advance(struct hw_world *w, uint64_t ns)
{
    w->now_ns += ns;
    hw_enter(w);
    host_poll(&w->host[0]);
    host_poll(&w->host[1]);
}

size_t
hw_count(const struct hw_world *w, int kind, int layer, int host)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_ev; i++) {
        const struct hw_event *e = &w->ev[i];
        if ((kind < 0 || (int)e->kind == kind) && (layer < 0 || (int)e->layer == layer) &&
            (host < 0 || e->host == host))
            n++;
    }
    return n;
}

size_t
hw_count_drops(const struct hw_world *w, int reason)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_ev; i++)
        if (w->ev[i].kind == TRACE_DROP && w->ev[i].reason == reason)
            n++;
    return n;
}

const struct hw_event *
hw_last(const struct hw_world *w, int kind, int layer, int host)
{
    for (size_t i = w->n_ev; i-- > 0;) {
        const struct hw_event *e = &w->ev[i];
        if ((kind < 0 || (int)e->kind == kind) && (layer < 0 || (int)e->layer == layer) &&
            (host < 0 || e->host == host))
            return e;
    }
    return NULL;
}

const struct pkt *
hw_peek(const struct hw_world *w, int from)
{
    return w->out[from].first;
}
