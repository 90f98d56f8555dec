/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/equal.c - scenario_equal(): two parsed scenarios the same
 * (the print -> parse round trip's check).
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"

/* ---------------------------------------------------------------------------
 * Equality
 * ------------------------------------------------------------------------- */

bool
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool
bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

bool
addr_eq(const struct scn_addr *a, const struct scn_addr *b)
{
    return a->kind == b->kind && a->addr == b->addr && a->host == b->host && a->v6 == b->v6 &&
           (!a->v6 || ip6_addr_eq(&a->addr6, &b->addr6));
}

bool
endpoint_eq(const struct scn_endpoint *a, const struct scn_endpoint *b)
{
    return addr_eq(&a->addr, &b->addr) && a->port == b->port && strcmp(a->path, b->path) == 0;
}

static bool
app_payload_eq(const struct scn_app_payload *a, const struct scn_app_payload *b)
{
    return a->from_dvar == b->from_dvar && a->ws_opcode == b->ws_opcode &&
           a->ws_more == b->ws_more && a->ws_masked == b->ws_masked &&
           a->ws_mask == b->ws_mask && a->ws_fill == b->ws_fill &&
           a->ws_has_code == b->ws_has_code && a->ws_code == b->ws_code &&
           a->dns_id == b->dns_id && str_eq(a->dns_name, b->dns_name) &&
           a->dns_type == b->dns_type && a->dns_nxdomain == b->dns_nxdomain &&
           a->dns_addr == b->dns_addr && a->dns_ttl_s == b->dns_ttl_s;
}

bool
payload_eq(const struct scn_payload *a, const struct scn_payload *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case SCN_PAYLOAD_TEXT:
        return bytes_eq(a->data, a->len, b->data, b->len);
    case SCN_PAYLOAD_FILL:
        return a->len == b->len;
    case SCN_PAYLOAD_FILE:
        return str_eq(a->path, b->path);
    case SCN_PAYLOAD_DATA:
        return a->app.from_dvar == b->app.from_dvar;
    default:
        /* ws-frame ... bytes N: len is N and there is no data */
        return (a->app.ws_fill ? a->len == b->len : bytes_eq(a->data, a->len, b->data, b->len)) &&
               app_payload_eq(&a->app, &b->app);
    }
}

bool
filter_eq(const struct scn_filter *a, const struct scn_filter *b)
{
    return a->proto == b->proto && a->has_from == b->has_from &&
           (!a->has_from || addr_eq(&a->from, &b->from)) && a->has_to == b->has_to &&
           (!a->has_to || addr_eq(&a->to, &b->to)) && a->port == b->port &&
           a->flags == b->flags && a->has_len == b->has_len &&
           (!a->has_len || (a->len_cmp == b->len_cmp && a->len == b->len)) &&
           a->has_type == b->has_type && (!a->has_type || a->icmp_type == b->icmp_type);
}

bool
expect_eq(const struct scn_expect *a, const struct scn_expect *b)
{
    if (a->kind != b->kind || a->cmp != b->cmp)
        return false;
    switch (a->kind) {
    case SCN_EXPECT_DATA:
        return a->dvar == b->dvar && bytes_eq(a->text, a->text_len, b->text, b->text_len) &&
               payload_eq(&a->rhs, &b->rhs);
    case SCN_EXPECT_LENGTH:
        return a->dvar == b->dvar && a->number == b->number;
    case SCN_EXPECT_ERROR:
        return strcmp(a->err_name, b->err_name) == 0;
    case SCN_EXPECT_COUNTER:
        return strcmp(a->counter, b->counter) == 0 && a->number == b->number;
    case SCN_EXPECT_ARP:
        return addr_eq(&a->arp_addr, &b->arp_addr) && a->arp_state == b->arp_state &&
               (a->arp_state != SCN_ARP_MAC || memcmp(a->arp_mac, b->arp_mac, ETH_ALEN) == 0);
    case SCN_EXPECT_STATE:
        return strcmp(a->field, b->field) == 0;
    case SCN_EXPECT_TCB:
        return strcmp(a->field, b->field) == 0 && a->number == b->number;
    case SCN_EXPECT_ROUTE:
        return addr_eq(&a->route_dest, &b->route_dest) && a->route_kind == b->route_kind &&
               (a->route_kind != SCN_ROUTE_VIA || addr_eq(&a->route_gw, &b->route_gw));
    case SCN_EXPECT_PACKETS:
        return filter_eq(&a->filter, &b->filter) && a->number == b->number;
    default:
        return a->number == b->number;
    }
}

static bool
step_eq(const struct scn_step *a, const struct scn_step *b)
{
    const struct stmt_def *def = stmt_of_kind(a->kind);

    if (a->kind != b->kind || a->host != b->host || a->sock != b->sock || a->dvar != b->dvar ||
        a->from_dvar != b->from_dvar ||
        a->has_timeout != b->has_timeout || (a->has_timeout && a->timeout_ns != b->timeout_ns) ||
        a->background != b->background || a->has_at != b->has_at ||
        (a->has_at && a->at_ns != b->at_ns))
        return false;
    return def == NULL || def->eq == NULL || def->eq(a, b);
}

/* Two taps: the same interface, device and impairments. */
static bool
tap_eq(const struct scn_tap *x, const struct scn_tap *y)
{
    const struct scn_link *u = &x->wire, *v = &y->wire;
    return x->host == y->host && x->ifc == y->ifc && strcmp(x->dev, y->dev) == 0 &&
           u->delay_ns == v->delay_ns && u->jitter_ns == v->jitter_ns &&
           u->rate_bps == v->rate_bps && u->loss_ppm == v->loss_ppm && u->limit == v->limit &&
           u->gemodel == v->gemodel && u->ge_p_ppm == v->ge_p_ppm &&
           u->ge_r_ppm == v->ge_r_ppm && u->ge_1h_ppm == v->ge_1h_ppm &&
           u->ge_1k_ppm == v->ge_1k_ppm && u->duplicate_ppm == v->duplicate_ppm &&
           u->reorder_ppm == v->reorder_ppm && u->reorder_gap == v->reorder_gap &&
           u->corrupt_ppm == v->corrupt_ppm && u->corrupt_l2 == v->corrupt_l2;
}

bool
scenario_equal(const struct scenario *a, const struct scenario *b)
{
    if (!str_eq(a->title, b->title) || !str_eq(a->about, b->about) ||
        a->has_seed != b->has_seed || a->seed != b->seed || a->n_hosts != b->n_hosts ||
        a->n_links != b->n_links || a->n_socks != b->n_socks || a->n_dvars != b->n_dvars ||
        a->n_switches != b->n_switches ||
        a->n_steps != b->n_steps)
        return false;
    for (size_t i = 0; i < a->n_hosts; i++) {
        const struct scn_host *x = &a->hosts[i];
        const struct scn_host *y = &b->hosts[i];
        if (strcmp(x->name, y->name) != 0 || x->addr != y->addr ||
            x->prefix_len != y->prefix_len || x->mtu != y->mtu || x->has_mac != y->has_mac ||
            memcmp(x->mac, y->mac, ETH_ALEN) != 0 || x->router != y->router ||
            x->n_ifaces != y->n_ifaces)
            return false;
        for (unsigned k = 0; k < x->n_ifaces; k++)
            if (x->if_addr[k] != y->if_addr[k] || x->if_prefix[k] != y->if_prefix[k] ||
                x->if_has_addr6[k] != y->if_has_addr6[k] ||
                !ip6_addr_eq(&x->if_addr6[k], &y->if_addr6[k]) ||
                x->if_prefix6[k] != y->if_prefix6[k])
                return false;
    }
    for (size_t i = 0; i < a->n_switches; i++)
        if (strcmp(a->switches[i].name, b->switches[i].name) != 0 ||
            a->switches[i].hub != b->switches[i].hub)
            return false;
    for (size_t i = 0; i < a->n_links; i++) {
        const struct scn_link *x = &a->links[i];
        const struct scn_link *y = &b->links[i];
        if (x->a != y->a || x->b != y->b || x->delay_ns != y->delay_ns ||
            x->rate_bps != y->rate_bps || x->loss_ppm != y->loss_ppm || x->limit != y->limit ||
            x->a_if != y->a_if || x->b_if != y->b_if || x->a_sw != y->a_sw ||
            x->b_sw != y->b_sw || x->jitter_ns != y->jitter_ns || x->gemodel != y->gemodel ||
            x->ge_p_ppm != y->ge_p_ppm || x->ge_r_ppm != y->ge_r_ppm ||
            x->ge_1h_ppm != y->ge_1h_ppm || x->ge_1k_ppm != y->ge_1k_ppm ||
            x->duplicate_ppm != y->duplicate_ppm || x->reorder_ppm != y->reorder_ppm ||
            x->reorder_gap != y->reorder_gap || x->corrupt_ppm != y->corrupt_ppm ||
            x->corrupt_l2 != y->corrupt_l2 || x->mtu != y->mtu)
            return false;
    }
    if (a->n_taps != b->n_taps)
        return false;
    for (size_t i = 0; i < a->n_taps; i++)
        if (!tap_eq(&a->taps[i], &b->taps[i]))
            return false;
    for (size_t i = 0; i < a->n_socks; i++)
        if (strcmp(a->socks[i].name, b->socks[i].name) != 0 ||
            a->socks[i].host != b->socks[i].host || a->socks[i].type != b->socks[i].type)
            return false;
    for (size_t i = 0; i < a->n_dvars; i++)
        if (strcmp(a->dvars[i].name, b->dvars[i].name) != 0 ||
            a->dvars[i].kind != b->dvars[i].kind)
            return false;
    for (size_t i = 0; i < a->n_steps; i++)
        if (!step_eq(&a->steps[i], &b->steps[i]))
            return false;
    return true;
}
