/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/print.c - scenario_print(): the tree back in canonical
 * syntax.
 */
#include "sim/scenario/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"

/* ---------------------------------------------------------------------------
 * Printing, in canonical syntax
 * ------------------------------------------------------------------------- */

static void
print_text(FILE *out, const uint8_t *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = s[i];
        switch (ch) {
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\0': fputs("\\0", out); break;
        case '\\': fputs("\\\\", out); break;
        case '"': fputs("\\\"", out); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fprintf(out, "\\x%02x", ch);
            else
                fputc(ch, out);
        }
    }
    fputc('"', out);
}

void
print_cstr(FILE *out, const char *s)
{
    print_text(out, (const uint8_t *)s, strlen(s));
}

/* v * 10^-exp10 in the largest unit that keeps it whole. */
static void
print_scaled(FILE *out, uint64_t v, const struct unit *units, size_t n_units)
{
    for (size_t i = n_units; i-- > 0;) {
        uint64_t div = 1;
        for (unsigned e = 0; e < units[i].exp10; e++)
            div *= 10;
        if (v % div == 0 && (v != 0 || i == n_units - 1)) {
            fprintf(out, "%" PRIu64 "%s", v / div, units[i].name);
            return;
        }
    }
}

void
print_dur(FILE *out, uint64_t ns)
{
    print_scaled(out, ns, time_units, 4);
}

static void
print_rate(FILE *out, uint64_t bps)
{
    static const struct unit units[] = {
        { "bit", 0 }, { "kbit", 3 }, { "Mbit", 6 }, { "Gbit", 9 },
    };
    print_scaled(out, bps, units, 4);
}

static void
print_pct(FILE *out, uint32_t ppm)
{
    char frac[8];
    size_t n;

    snprintf(frac, sizeof frac, "%04u", (unsigned)(ppm % 10000));
    n = strlen(frac);
    while (n > 0 && frac[n - 1] == '0')
        frac[--n] = '\0';
    if (n == 0)
        fprintf(out, "%u%%", (unsigned)(ppm / 10000));
    else
        fprintf(out, "%u.%s%%", (unsigned)(ppm / 10000), frac);
}

void
print_addr(FILE *out, const struct scenario *scn, const struct scn_addr *a)
{
    char s[IPV6_ADDR_STRLEN];

    if (a->kind == SCN_ADDR_HOST)
        fputs(scn->hosts[a->host].name, out);
    else if (a->v6 && memcmp(a->addr6.b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
        fprintf(out, "[::ffff:%u.%u.%u.%u]", a->addr6.b[12], a->addr6.b[13], a->addr6.b[14],
                a->addr6.b[15]); /* mapped: dotted, as written [RFC 5952 5] */
    else if (a->v6)
        fprintf(out, "[%s]", ip6_addr_str(&a->addr6, s)); /* [RFC 3986 3.2.2] */
    else
        fputs(ipv4_addr_str(a->addr, s), out);
}

void
print_endpoint(FILE *out, const struct scenario *scn, const struct scn_endpoint *ep)
{
    if (ep->path[0] != '\0') {
        print_cstr(out, ep->path);
        return;
    }
    if (ep->addr.kind != SCN_ADDR_NONE) {
        print_addr(out, scn, &ep->addr);
        fputc(':', out);
    }
    fprintf(out, "%u", (unsigned)ep->port);
}

/* The words of an application payload, as get_app_payload() reads them. */
static void
print_app_payload(FILE *out, const struct scenario *scn, const struct scn_payload *pl)
{
    const struct scn_app_payload *a = &pl->app;
    char addr[IPV4_ADDR_STRLEN];

    switch (pl->kind) {
    case SCN_PAYLOAD_WS_ACCEPT:
        fputs("websocket-accept ", out);
        if (a->from_dvar >= 0)
            fprintf(out, "from %s", scn->dvars[a->from_dvar].name);
        else
            print_text(out, pl->data, pl->len);
        break;
    case SCN_PAYLOAD_WS_FRAME:
        fprintf(out, "ws-frame %s", ws_opcode_name(a->ws_opcode));
        if (a->ws_has_code)
            fprintf(out, " %u", a->ws_code);
        if (a->ws_fill) {
            fprintf(out, " bytes %zu", pl->len);
        } else if (pl->data != NULL) {
            fputc(' ', out);
            print_text(out, pl->data, pl->len);
        }
        if (a->ws_masked)
            fprintf(out, " mask 0x%08" PRIx32, a->ws_mask);
        if (a->ws_more)
            fputs(" more", out);
        break;
    case SCN_PAYLOAD_DNS_QUERY:
        fprintf(out, "dns-query %u %s %s", a->dns_id, a->dns_name, dns_type_name(a->dns_type));
        break;
    default:
        fputs("dns-answer ", out);
        if (a->from_dvar >= 0)
            fprintf(out, "to %s", scn->dvars[a->from_dvar].name);
        else
            fprintf(out, "%u %s", a->dns_id, a->dns_name);
        if (a->dns_nxdomain)
            fputs(" nxdomain", out);
        else
            fprintf(out, " A %s", ipv4_addr_str(a->dns_addr, addr));
        fprintf(out, " ttl %" PRIu32 "s", a->dns_ttl_s);
        break;
    }
}

void
print_payload(FILE *out, const struct scenario *scn, const struct scn_payload *pl)
{
    switch (pl->kind) {
    case SCN_PAYLOAD_TEXT:
        print_text(out, pl->data, pl->len);
        break;
    case SCN_PAYLOAD_FILL:
        fprintf(out, "bytes %zu", pl->len);
        break;
    case SCN_PAYLOAD_FILE:
        fputs("file ", out);
        print_cstr(out, pl->path);
        break;
    case SCN_PAYLOAD_DATA:
        fputs(scn->dvars[pl->app.from_dvar].name, out);
        break;
    default:
        print_app_payload(out, scn, pl);
        break;
    }
}

static void
print_tcp_flags(FILE *out, uint8_t flags)
{
    static const char letters[] = "FSRPAUEW";

    for (int i = 0; i < 8; i++)
        if (flags & (1u << i))
            fputc(letters[i], out);
}

/* A filter, with a leading space when it prints anything. */
void
print_filter(FILE *out, const struct scenario *scn, const struct scn_filter *f)
{
    if (f->proto != SCN_PROTO_ANY)
        fprintf(out, " %s", scn_proto_name(f->proto));
    if (f->has_from) {
        fputs(" from ", out);
        print_addr(out, scn, &f->from);
    }
    if (f->has_to) {
        fputs(" to ", out);
        print_addr(out, scn, &f->to);
    }
    if (f->has_type)
        fprintf(out, " type %u", (unsigned)f->icmp_type);
    if (f->port != 0)
        fprintf(out, " port %u", (unsigned)f->port);
    if (f->flags != 0) {
        fputs(" flags ", out);
        print_tcp_flags(out, f->flags);
    }
    if (f->has_len)
        fprintf(out, " len %s %" PRIu64, scn_cmp_name(f->len_cmp), f->len);
}

/* A link's end: a switch, a host, or host:ethN when the host has several. */
void
print_link_end(FILE *out, const struct scenario *scn, int h, int ifc, int sw)
{
    if (sw >= 0)
        fputs(scn->switches[sw].name, out);
    else if (scn->hosts[h].n_ifaces > 1)
        fprintf(out, "%s:eth%d", scn->hosts[h].name, ifc);
    else
        fputs(scn->hosts[h].name, out);
}

/* One step: `at TIME`, `HOST: ` for a call, the row's own words, then the
 * options every step may carry. */
static void
print_step(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct stmt_def *def = stmt_of_kind(st->kind);

    if (st->has_at) {
        fputs("at ", out);
        print_dur(out, st->at_ns);
        fputc(' ', out);
    }
    if (step_is_call(st->kind))
        fprintf(out, "%s: ", scn->hosts[st->host].name);
    if (def != NULL)
        def->print(out, scn, st);
    if (st->has_timeout) {
        fputs(" timeout ", out);
        print_dur(out, st->timeout_ns);
    }
    if (st->dvar >= 0)
        fprintf(out, " -> %s", scn->dvars[st->dvar].name);
    if (st->from_dvar >= 0)
        fprintf(out, " from %s", scn->dvars[st->from_dvar].name);
    if (st->background)
        fputs(" &", out);
    fputc('\n', out);
}

/* The netem options of a link or tap, defaults left out. */
static void
print_wire_options(FILE *out, const struct scn_link *l)
{
    if (l->delay_ns != 0 || l->jitter_ns != 0) {
        fputs(" delay ", out);
        print_dur(out, l->delay_ns);
        if (l->jitter_ns != 0) {
            fputc(' ', out);
            print_dur(out, l->jitter_ns);
        }
    }
    if (l->rate_bps != 0) {
        fputs(" rate ", out);
        print_rate(out, l->rate_bps);
    }
    if (l->gemodel) {
        fputs(" loss gemodel ", out);
        print_pct(out, l->ge_p_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_r_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_1h_ppm);
        fputc(' ', out);
        print_pct(out, l->ge_1k_ppm);
    } else if (l->loss_ppm != 0) {
        fputs(" loss ", out);
        print_pct(out, l->loss_ppm);
    }
    if (l->duplicate_ppm != 0) {
        fputs(" duplicate ", out);
        print_pct(out, l->duplicate_ppm);
    }
    if (l->reorder_ppm != 0) {
        fputs(" reorder ", out);
        print_pct(out, l->reorder_ppm);
        if (l->reorder_gap != 1)
            fprintf(out, " gap %u", (unsigned)l->reorder_gap);
    }
    if (l->corrupt_ppm != 0) {
        fputs(" corrupt ", out);
        print_pct(out, l->corrupt_ppm);
        if (l->corrupt_l2)
            fputs(" l2", out);
    }
    if (l->mtu != 0)
        fprintf(out, " mtu %u", l->mtu);
    if (l->limit != SCN_LINK_LIMIT_DEFAULT)
        fprintf(out, " limit %u", (unsigned)l->limit);
}

int
scenario_print(const struct scenario *scn, FILE *out)
{
    char addr[IPV4_ADDR_STRLEN];
    char mac[MAC_ADDR_STRLEN];

    if (scn->title != NULL) {
        fputs("title ", out);
        print_cstr(out, scn->title);
        fputc('\n', out);
    }
    if (scn->about != NULL) {
        fputs("about ", out);
        print_cstr(out, scn->about);
        fputc('\n', out);
    }
    if (scn->has_seed)
        fprintf(out, "seed %" PRIu64 "\n", scn->seed);
    if (scn->title != NULL || scn->about != NULL || scn->has_seed)
        fputc('\n', out);

    for (size_t i = 0; i < scn->n_hosts; i++) {
        const struct scn_host *h = &scn->hosts[i];
        fprintf(out, "%s %s", h->router ? "router" : "host", h->name);
        for (unsigned k = 0; k < h->n_ifaces; k++) {
            fprintf(out, " %s/%u", ipv4_addr_str(h->if_addr[k], addr), h->if_prefix[k]);
            if (h->if_has_addr6[k]) {
                char a6[IPV6_ADDR_STRLEN];
                fprintf(out, " %s/%u", ip6_addr_str(&h->if_addr6[k], a6), h->if_prefix6[k]);
            }
        }
        if (h->mtu != SCN_MTU_DEFAULT)
            fprintf(out, " mtu %u", h->mtu);
        if (h->has_mac)
            fprintf(out, " mac %s", mac_addr_str(h->mac, mac));
        bool any6 = false;
        for (unsigned k = 0; k < h->n_ifaces; k++)
            any6 = any6 || h->if_has_addr6[k];
        if (h->ipv6 && !any6)
            fputs(" ipv6", out);
        fputc('\n', out);
    }
    for (size_t i = 0; i < scn->n_switches; i++)
        fprintf(out, "%s %s\n", scn->switches[i].hub ? "hub" : "switch", scn->switches[i].name);
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        fputs("link ", out);
        print_link_end(out, scn, l->a, l->a_if, l->a_sw);
        fputc(' ', out);
        print_link_end(out, scn, l->b, l->b_if, l->b_sw);
        print_wire_options(out, l);
        fputc('\n', out);
    }
    for (size_t i = 0; i < scn->n_taps; i++) {
        const struct scn_tap *tp = &scn->taps[i];
        fputs("tap ", out);
        print_link_end(out, scn, tp->host, tp->ifc, -1);
        fprintf(out, " %s", tp->dev);
        print_wire_options(out, &tp->wire);
        fputc('\n', out);
    }
    if (scn->n_hosts > 0 && scn->n_steps > 0)
        fputc('\n', out);

    for (size_t i = 0; i < scn->n_steps; i++)
        print_step(out, scn, &scn->steps[i]);
    return ferror(out) ? -1 : 0;
}
