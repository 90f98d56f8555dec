/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drop.c - drop reason names, and pkt_drop(): the one way to discard a packet.
 */
#include "stack/drop.h"

#include <stddef.h>
#include <strings.h>

#include "stack/host.h"
#include "stack/pkt.h"

struct drop_info {
    const char *name;
    const char *sentence;
    const char *rfc;
};

static const struct drop_info drop_table[DROP_COUNT] = {
#define DROP_INFO(name, sentence, rfc) { #name, sentence, rfc },
    DROP_REASONS(DROP_INFO)
#undef DROP_INFO
};

const char *
drop_reason_name(enum drop_reason r)
{
    return (unsigned)r < DROP_COUNT ? drop_table[r].name : "?";
}

const char *
drop_reason_sentence(enum drop_reason r)
{
    return (unsigned)r < DROP_COUNT ? drop_table[r].sentence : "unknown reason";
}

const char *
drop_reason_rfc(enum drop_reason r)
{
    return (unsigned)r < DROP_COUNT ? drop_table[r].rfc : NULL;
}

enum drop_reason
drop_reason_lookup(const char *name)
{
    for (int i = 0; i < DROP_COUNT; i++)
        if (strcasecmp(drop_table[i].name, name) == 0)
            return (enum drop_reason)i;
    return DROP_COUNT;
}

void
pkt_drop(struct host *h, struct pkt *p, enum trace_layer layer, enum drop_reason reason)
{
    h->stats.drops[reason]++;
    h->stats.drop_layer[layer]++;
    struct trace_event ev = {
        .t_ns = h->now_ns,
        .kind = TRACE_DROP,
        .layer = layer,
        .host = h,
        .where = h->name,
        .pkt = p,
        .reason = (int)reason,
        .rfc = drop_table[reason].rfc,
        .cause = (p != NULL && p->cause.kind != CAUSE_NONE) ? p->cause : h->cause,
    };
    const char *s = drop_table[reason].sentence;
    size_t i = 0;
    for (; s[i] != '\0' && i + 1 < sizeof(ev.text); i++)
        ev.text[i] = s[i];
    ev.text[i] = '\0';
    trace_emit(h->trace, &ev);
    pkt_free(p);
}
