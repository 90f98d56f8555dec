/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/route6.c - IPv6 routes in a scenario: `HOST: route add
 * 2001:db8:2::/64 via 2001:db8:1::1`, `HOST: route add default via fe80::1
 * dev eth0` (a link-local gateway names its interface, as `ip -6 route`
 * writes it), `HOST: route -6 add default via r1`, and `HOST: ip -6 route`.
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <stdio.h>
#include <string.h>

#include "stack/err.h"
#include "stack/host.h"
#include "stack/ipv6.h"
#include "stack/route6.h"

/* Whether t is an IPv6 prefix or address (two colons or more). */
bool
route6_tok_is_v6(const struct tok *t)
{
    const char *colon = t != NULL && t->kind == TOK_WORD ? strchr(t->text, ':') : NULL;
    return colon != NULL && strchr(colon + 1, ':') != NULL;
}

/* Whether t is `-6` (ip -6 route, route -6 add). */
bool
tok_is_minus6(const struct tok *t)
{
    return t != NULL && t->len == 2 && memcmp(t->text, "-6", 2) == 0;
}

/* The index of sh's interface whose IPv6 prefix holds a, or -1. */
static int
iface6_on(const struct scn_host *sh, const struct ip6_addr *a)
{
    for (unsigned k = 0; k < sh->n_ifaces; k++)
        if (sh->if_has_addr6[k] && ip6_prefix_match(&sh->if_addr6[k], a, sh->if_prefix6[k]))
            return (int)k;
    return -1;
}

static int
err_no_prefix(struct parser *p, const struct scn_host *sh, unsigned col, const char *what)
{
    char nets[240] = "";
    size_t o = 0;
    for (unsigned k = 0; k < sh->n_ifaces && o < sizeof nets; k++) {
        if (!sh->if_has_addr6[k])
            continue;
        char a[IPV6_ADDR_STRLEN];
        o += (size_t)snprintf(nets + o, sizeof nets - o, "%s%s/%u", o > 0 ? ", " : "",
                              ip6_addr_str(&sh->if_addr6[k], a), sh->if_prefix6[k]);
    }
    return perr(p, col, "gateway %s is not on an IPv6 prefix of %s (%s); a gateway is a "
                "neighbour on one of them, or a link-local fe80:: address with 'dev ethN'",
                what, sh->name, nets[0] ? nets : "none");
}

/* HOST: route add DEST6/LEN|default [via GW6|NAME] [dev ethN]; td is the
 * destination token (the rest follows in c). */
int
parse_route6_add(struct parser *p, struct cur *c, const struct tok *td, int h,
                 struct scn_step *st)
{
    const struct scn_host *sh = &p->scn->hosts[h];
    struct scn_route_args *ra = &st->route;
    const struct tok *seen_via = NULL, *seen_dev = NULL, *t;

    ra->v6 = true;
    if (!sh->ipv6)
        return perr(p, td->col, "%s has no IPv6 address (give one after an IPv4 address, like "
                    "%s 192.0.2.1/24 2001:db8:1::1/64)", sh->name, sh->router ? "router" : "host");
    if (word_is(td, "default")) {
        memset(&ra->dst6, 0, sizeof ra->dst6);
        ra->prefix_len = 0;
    } else {
        const char *slash = strchr(td->text, '/');
        char buf[IPV6_ADDR_STRLEN + 1];
        size_t alen = slash != NULL ? (size_t)(slash - td->text) : 0;
        uint64_t len;
        if (slash == NULL || alen >= sizeof buf)
            return perr(p, td->col, "expected a destination like 2001:db8:2::/64 or default, "
                        "found %s", show(td).s);
        memcpy(buf, td->text, alen);
        buf[alen] = '\0';
        if (!ip6_addr_parse(buf, &ra->dst6))
            return perr(p, td->col, "bad IPv6 address '%s'", buf);
        if (parse_u64(slash + 1, strlen(slash + 1), &len) != NUM_OK || len > 128)
            return perr(p, td->col + (unsigned)alen + 1, "bad prefix length '%.*s' (a number "
                        "0..128)", SHOW_MAX, slash + 1);
        ra->prefix_len = (unsigned)len;
        if (ip6_addr_is_multicast(&ra->dst6))
            return perr(p, td->col, "%s is multicast: a route leads to unicast addresses",
                        buf);
        struct ip6_addr net = ra->dst6;
        for (unsigned i = 0; i < 16; i++) {
            unsigned keep = ra->prefix_len > 8 * i ? ra->prefix_len - 8 * i : 0;
            if (keep < 8)
                net.b[i] &= (uint8_t)(0xff00u >> keep);
        }
        if (!ip6_addr_eq(&net, &ra->dst6)) {
            char ns[IPV6_ADDR_STRLEN];
            return perr(p, td->col, "%s has host bits set; the prefix is %s/%u", td->text,
                        ip6_addr_str(&net, ns), ra->prefix_len);
        }
    }
    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        if (word_is(t, "via")) {
            if (seen_via != NULL)
                return perr(p, t->col, "'via' is given twice");
            seen_via = t;
            if (v == NULL || v->kind != TOK_WORD)
                return perr(p, t->col, "via needs a gateway: an IPv6 address or a host name");
            ra->has_gw = true;
            if (route6_tok_is_v6(v)) {
                if (!ip6_addr_parse(v->text, &ra->gw6))
                    return perr(p, v->col, "bad IPv6 address '%.*s'", SHOW_MAX, v->text);
                if (ip6_addr_is_multicast(&ra->gw6) || ip6_addr_is_unspecified(&ra->gw6))
                    return perr(p, v->col, "a gateway is one neighbour: %s is not",
                                show(v).s);
                ra->gw.kind = SCN_ADDR_DOTTED;
                ra->gw.host = -1;
                if (!ip6_addr_is_linklocal(&ra->gw6) && iface6_on(sh, &ra->gw6) < 0)
                    return err_no_prefix(p, sh, v->col, v->text);
                continue;
            }
            int g = scenario_host_find(p->scn, v->text);
            if (g < 0)
                return err_unknown_host(p, v->text, v->len, v->col);
            if (g == h)
                return perr(p, v->col, "%s cannot be its own gateway", sh->name);
            const struct scn_host *gh = &p->scn->hosts[g];
            bool found = false;
            for (unsigned k = 0; k < gh->n_ifaces && !found; k++)
                if (gh->if_has_addr6[k] && iface6_on(sh, &gh->if_addr6[k]) >= 0) {
                    ra->gw6 = gh->if_addr6[k];
                    found = true;
                }
            if (!found)
                return err_no_prefix(p, sh, v->col, v->text);
            ra->gw.kind = SCN_ADDR_HOST;
            ra->gw.host = g;
        } else if (word_is(t, "dev")) {
            uint64_t k;
            if (seen_dev != NULL)
                return perr(p, t->col, "'dev' is given twice");
            seen_dev = t;
            if (v == NULL || v->kind != TOK_WORD || strncmp(v->text, "eth", 3) != 0 ||
                parse_u64(v->text + 3, v->len - 3, &k) != NUM_OK || k >= sh->n_ifaces)
                return perr(p, v != NULL ? v->col : t->col, "%s has no interface %s (it has "
                            "eth0..eth%u)", sh->name, v != NULL ? show(v).s : "''",
                            sh->n_ifaces - 1);
            ra->dev = (int)k;
        } else {
            return perr(p, t->col, "unknown route option %s (route options are via and dev)",
                        show(t).s);
        }
    }
    if (!ra->has_gw && ra->dev < 0)
        return perr(p, td->col, "route add needs 'via GATEWAY' or 'dev ethN'");
    if (ra->has_gw && ip6_addr_is_linklocal(&ra->gw6) && ra->dev < 0)
    {
        char gs[IPV6_ADDR_STRLEN];
        return perr(p, seen_via->col, "a link-local gateway needs its interface: 'via %s dev "
                    "ethN' (fe80::/64 is on every link) [RFC 4007 6]",
                    ip6_addr_str(&ra->gw6, gs));
    }
    if (ra->has_gw && ra->dev >= 0 && !ip6_addr_is_linklocal(&ra->gw6) &&
        iface6_on(sh, &ra->gw6) != ra->dev) {
        char gs[IPV6_ADDR_STRLEN];
        return perr(p, seen_dev->col, "gateway %s is not on eth%d's IPv6 prefix",
                    ip6_addr_str(&ra->gw6, gs), ra->dev);
    }
    return 0;
}

void
print_route6_add(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_route_args *ra = &st->route;
    char a[IPV6_ADDR_STRLEN];
    bool by_name = ra->has_gw && ra->gw.kind == SCN_ADDR_HOST;
    /* `default` alone reads as IPv4 unless an IPv6 gateway follows. */
    fputs(ra->prefix_len == 0 && (by_name || !ra->has_gw) ? "route -6 add " : "route add ", out);
    if (ra->prefix_len == 0)
        fputs("default", out);
    else
        fprintf(out, "%s/%u", ip6_addr_str(&ra->dst6, a), ra->prefix_len);
    if (ra->has_gw) {
        if (by_name)
            fprintf(out, " via %s", scn->hosts[ra->gw.host].name);
        else
            fprintf(out, " via %s", ip6_addr_str(&ra->gw6, a));
    }
    if (ra->dev >= 0)
        fprintf(out, " dev eth%d", ra->dev);
}

bool
eq_route6_add(const struct scn_step *a, const struct scn_step *b)
{
    const struct scn_route_args *x = &a->route, *y = &b->route;
    return x->v6 == y->v6 && ip6_addr_eq(&x->dst6, &y->dst6) && x->prefix_len == y->prefix_len &&
           x->has_gw == y->has_gw && (!x->has_gw || ip6_addr_eq(&x->gw6, &y->gw6)) &&
           x->dev == y->dev;
}

void
step_route6_add(struct scn_runner *r, const struct scn_step *st, char *res, size_t n)
{
    const struct scn_route_args *ra = &st->route;
    struct host *h = r->hosts[st->host];
    struct iface *dev = ra->dev >= 0 ? &h->ifaces[ra->dev] : NULL;
    sim_enter_host(&r->sim, h);
    int rc = route6_add(h, &ra->dst6, ra->prefix_len, ra->has_gw ? &ra->gw6 : NULL, dev);
    sim_host_entered(&r->sim, h);
    if (rc < 0) {
        snprintf(res, n, "%s", err_sentence(rc));
        return;
    }
    const struct route6_table *t = &h->ip6->routes;
    if (t->count == 0 || route6_format(&t->r[t->count - 1], res, n) < 0)
        snprintf(res, n, "ok");
}

void
step_route6_show(struct scn_runner *r, const struct scn_step *st)
{
    (void)st;
    char buf[8192];
    if (route6_table_format(r->hosts[st->host], buf, sizeof buf) >= 0)
        run_say(r, false, "%s", buf);
}
