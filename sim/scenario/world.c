/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/world.c - the world statements: title, about, seed, host,
 * router, switch, hub, link (with its netem options) and tap.
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

#include "stack/wire/addr.h"

/* ---------------------------------------------------------------------------
 * Header and world statements
 * ------------------------------------------------------------------------- */

int
parse_title(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);
    char *text;

    if (t == NULL)
        return perr(p, kw->col, "title needs a quoted text");
    if (p->title_line != 0)
        return perr(p, kw->col, "title is already set at %u:%u", p->title_line, p->title_col);
    if (get_text(p, t, "title", &text) < 0)
        return -1;
    p->scn->title = text;
    p->title_line = cur_lineno(p);
    p->title_col = kw->col;
    return expect_end(p, c);
}

int
parse_about(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);
    struct scenario *scn = p->scn;
    char *text;

    if (t == NULL)
        return perr(p, kw->col, "about needs a quoted text");
    if (get_text(p, t, "about", &text) < 0)
        return -1;
    if (scn->about != NULL) {
        /* Exactly as long as both paragraphs: no cap on a description. */
        size_t a = strlen(scn->about), b = strlen(text);
        char *joined = malloc(a + 1 + b + 1);
        if (joined == NULL) {
            free(text);
            return perr_oom(p);
        }
        memcpy(joined, scn->about, a);
        joined[a] = '\n';
        memcpy(joined + a + 1, text, b + 1);
        free(text);
        text = joined;
        free(scn->about);
    }
    scn->about = text;
    return expect_end(p, c);
}

int
parse_seed(struct parser *p, struct cur *c, const struct tok *kw)
{
    const struct tok *t = cur_next(c);

    if (t == NULL)
        return perr(p, kw->col, "seed needs a number");
    if (p->seed_line != 0)
        return perr(p, kw->col, "seed is already set at %u:%u", p->seed_line, p->seed_col);
    if (get_uint(p, t, "seed", 0, UINT64_MAX, "", &p->scn->seed) < 0)
        return -1;
    p->scn->has_seed = true;
    p->seed_line = cur_lineno(p);
    p->seed_col = kw->col;
    return expect_end(p, c);
}

/* An address a host can own: not 0, loopback, multicast or reserved, and not
 * its subnet's network or broadcast address. */
static int
check_host_addr(struct parser *p, const struct tok *t, uint32_t a, unsigned len)
{
    char s[IPV4_ADDR_STRLEN];
    uint32_t mask = ipv4_prefix_mask(len);

    ipv4_addr_str(a, s);
    if (a == 0)
        return perr(p, t->col, "0.0.0.0 cannot be a host's address (it means 'any address')");
    if (a >> 24 == 127)
        return perr(p, t->col, "%s cannot be a host's address (127.0.0.0/8 is loopback)", s);
    if (a >> 28 == 0xe)
        return perr(p, t->col, "%s cannot be a host's address (it is multicast)", s);
    if (a >> 28 == 0xf)
        return perr(p, t->col, "%s cannot be a host's address (240.0.0.0/4 is reserved)", s);
    if (len <= 30 && (a & ~mask) == 0)
        return perr(p, t->col, "%s is the network address of %s/%u; a host needs one of the "
                    "addresses inside it", s, s, len);
    if (len <= 30 && (a & ~mask) == ~mask) {
        char net[IPV4_ADDR_STRLEN];
        return perr(p, t->col, "%s is the broadcast address of %s/%u", s,
                    ipv4_addr_str(a & mask, net), len);
    }
    return 0;
}

/* ADDR/LEN into interface `idx` of host h. */
static int
parse_host_addr(struct parser *p, const struct tok *t, struct scn_host *h, unsigned idx)
{
    char buf[IPV4_ADDR_STRLEN];
    const char *slash = t->kind == TOK_WORD ? strchr(t->text, '/') : NULL;
    uint64_t len;
    uint32_t a;
    size_t alen;

    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected ADDRESS/LEN like 192.0.2.1/24, found %s", show(t).s);
    if (slash == NULL) {
        if (t->len < sizeof buf && ipv4_addr_parse(t->text, &a))
            return perr(p, t->col, "host address needs a prefix length, like %s/24", t->text);
        return perr(p, t->col, "expected ADDRESS/LEN like 192.0.2.1/24, found %s", show(t).s);
    }
    alen = (size_t)(slash - t->text);
    if (alen >= sizeof buf)
        return perr(p, t->col, "bad IPv4 address '%.*s'", SHOW_MAX, t->text);
    memcpy(buf, t->text, alen);
    buf[alen] = '\0';
    if (!ipv4_addr_parse(buf, &a))
        return perr(p, t->col, "bad IPv4 address '%s'", buf);

    const char *ls = slash + 1;
    unsigned lcol = t->col + (unsigned)alen + 1;
    switch (parse_u64(ls, strlen(ls), &len)) {
    case NUM_BAD:
        return perr(p, lcol, "bad prefix length '%.*s' (a number 0..32)", SHOW_MAX, ls);
    case NUM_OK:
        if (len <= 32)
            break;
        /* fall through */
    default:
        return perr(p, lcol, "prefix length %.*s is more than 32", SHOW_MAX, ls);
    }
    if (check_host_addr(p, t, a, (unsigned)len) < 0)
        return -1;
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *o = &p->scn->hosts[i];
        for (unsigned k = 0; k < (o == h ? idx : o->n_ifaces); k++)
            if (o->if_addr[k] == a && o == h)
                return perr(p, t->col, "address %s is given twice (eth%u has it already)", buf,
                            k);
            else if (o->if_addr[k] == a)
                return perr(p, t->col, "address %s is already used by %s '%s' (at %u:%u)",
                            buf, o->router ? "router" : "host", o->name, o->line, o->col);
    }
    for (unsigned k = 0; k < idx; k++) {
        uint32_t m = ipv4_prefix_mask(len < h->if_prefix[k] ? (unsigned)len : h->if_prefix[k]);
        char net[IPV4_ADDR_STRLEN];
        if ((h->if_addr[k] & m) == (a & m))
            return perr(p, t->col, "%s is on the same subnet as eth%u (%s/%u); each interface "
                        "needs a subnet of its own", buf, k,
                        ipv4_addr_str(h->if_addr[k], net), h->if_prefix[k]);
    }
    h->if_addr[idx] = a;
    h->if_prefix[idx] = (unsigned)len;
    if (idx == 0) {
        h->addr = a;
        h->prefix_len = (unsigned)len;
    }
    return 0;
}

static int
parse_host_mac(struct parser *p, const struct tok *t, struct scn_host *h)
{
    uint8_t mac[ETH_ALEN];
    static const uint8_t zero[ETH_ALEN];

    if (t->kind != TOK_WORD || !mac_addr_parse(t->text, mac))
        return perr(p, t->col, "bad MAC address %s (six hex pairs, like 02:00:00:00:00:01)",
                    show(t).s);
    if (mac[0] & 1)
        return perr(p, t->col, "MAC %s is a multicast address; a host needs a unicast one",
                    t->text);
    if (memcmp(mac, zero, ETH_ALEN) == 0)
        return perr(p, t->col, "MAC %s is all zeros; a host needs a real address", t->text);
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *o = &p->scn->hosts[i];
        if (o != h && o->has_mac && memcmp(o->mac, mac, ETH_ALEN) == 0)
            return perr(p, t->col, "MAC %s is already used by host '%s' (at %u:%u)", t->text,
                        o->name, o->line, o->col);
    }
    memcpy(h->mac, mac, ETH_ALEN);
    h->has_mac = true;
    return 0;
}

/* ADDR6/LEN, an IPv6 address for interface `idx` of host h, given right
 * after that interface's IPv4 address (docs/ipv6.md). */
static int
parse_host_addr6(struct parser *p, const struct tok *t, struct scn_host *h, unsigned idx)
{
    char buf[IPV6_ADDR_STRLEN + 1];
    const char *slash = strchr(t->text, '/');
    struct ip6_addr a;
    uint64_t len;

    if (slash == NULL) {
        if (t->len < sizeof buf && ip6_addr_parse(t->text, &a))
            return perr(p, t->col, "IPv6 address needs a prefix length, like %s/64", t->text);
        return perr(p, t->col, "expected IPV6ADDRESS/LEN like 2001:db8::1/64, found %s",
                    show(t).s);
    }
    size_t alen = (size_t)(slash - t->text);
    if (alen >= sizeof buf)
        return perr(p, t->col, "bad IPv6 address '%.*s'", SHOW_MAX, t->text);
    memcpy(buf, t->text, alen);
    buf[alen] = '\0';
    if (!ip6_addr_parse(buf, &a))
        return perr(p, t->col, "bad IPv6 address '%s' (eight groups of hex, '::' for one run "
                    "of zeros, like 2001:db8::1)", buf);
    const char *ls = slash + 1;
    unsigned lcol = t->col + (unsigned)alen + 1;
    switch (parse_u64(ls, strlen(ls), &len)) {
    case NUM_BAD:
        return perr(p, lcol, "bad prefix length '%.*s' (a number 1..128)", SHOW_MAX, ls);
    case NUM_OK:
        if (len >= 1 && len <= 128)
            break;
        /* fall through */
    default:
        return perr(p, lcol, "IPv6 prefix length %.*s is not in 1..128", SHOW_MAX, ls);
    }
    if (ip6_addr_is_unspecified(&a) || ip6_addr_is_loopback(&a))
        return perr(p, t->col, "%s cannot be a host's address (%s)", buf,
                    ip6_addr_is_loopback(&a) ? "::1 is loopback" : ":: means 'any address'");
    if (ip6_addr_is_multicast(&a))
        return perr(p, t->col, "%s cannot be a host's address (ff00::/8 is multicast)", buf);
    if (ip6_addr_is_linklocal(&a))
        return perr(p, t->col, "%s is link-local (fe80::/10): every IPv6 interface forms its "
                    "own; give a global one, like 2001:db8::1/64", buf);
    if (h->if_has_addr6[idx])
        return perr(p, t->col, "eth%u has an IPv6 address already (one per interface)", idx);
    for (size_t i = 0; i < p->scn->n_hosts; i++) {
        const struct scn_host *o = &p->scn->hosts[i];
        for (unsigned k = 0; k < o->n_ifaces; k++)
            if (o->if_has_addr6[k] && ip6_addr_eq(&o->if_addr6[k], &a)) {
                /* Legal in IPv6, and worth a lesson: duplicate address
                 * detection finds it [RFC 4862 5.4]. A warning, not an error. */
                pwarn(p, t->col, "address %s is also %s '%s''s (at %u:%u): duplicate address "
                      "detection will let only one of them use it [RFC 4862 5.4]", buf,
                      o->router ? "router" : "host", o->name, o->line, o->col);
            }
    }
    h->if_has_addr6[idx] = true;
    h->if_addr6[idx] = a;
    h->if_prefix6[idx] = (unsigned)len;
    h->ipv6 = true;
    return 0;
}

/* host|router NAME ADDR/LEN [ADDR6/LEN] [ADDR/LEN [ADDR6/LEN] ...] [mtu N] [mac MAC] [ipv6] */
int
parse_host(struct parser *p, struct cur *c, const struct tok *kw)
{
    bool router = word_is(kw, "router");
    static const char *const options[] = { "mtu", "mac", "ipv6", NULL };
    struct scenario *scn = p->scn;
    const struct tok *tn = cur_next(c);
    const struct tok *ta = cur_next(c);
    const struct tok *seen_mtu = NULL;
    const struct tok *seen_mac = NULL;
    const struct tok *t;
    struct scn_host *h;
    size_t hi;
    int d;

    if (tn == NULL || ta == NULL)
        return perr(p, kw->col, "%s needs a name and an address", kw->text);
    if (check_name(p, tn, true) < 0)
        return -1;
    d = scenario_host_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "host '%s' is already defined at %u:%u", tn->text,
                    scn->hosts[d].line, scn->hosts[d].col);
    d = scenario_switch_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a %s (defined at %u:%u)", tn->text,
                    scn->switches[d].hub ? "hub" : "switch", scn->switches[d].line,
                    scn->switches[d].col);
    d = dvar_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already the name of data (defined at %u:%u)",
                    tn->text, scn->dvars[d].line, scn->dvars[d].col);

    /* Define the host now, so later lines that use it do not fail too. */
    h = reserve(scn->hosts, scn->n_hosts, &p->cap_hosts, sizeof *h);
    if (h == NULL)
        return perr_oom(p);
    scn->hosts = h;
    hi = scn->n_hosts++;
    h = &scn->hosts[hi];
    memset(h, 0, sizeof *h);
    memcpy(h->name, tn->text, tn->len + 1);
    h->mtu = SCN_MTU_DEFAULT;
    h->router = router;
    h->line = cur_lineno(p);
    h->col = tn->col;
    h->n_ifaces = 1;
    if (ta->kind == TOK_WORD && strchr(ta->text, ':') != NULL)
        return perr(p, ta->col, "an interface's IPv4 address comes first, then its IPv6 one: "
                    "%s NAME 192.0.2.1/24 %s (IPv6-only hosts are not supported yet)",
                    kw->text, ta->text);
    if (parse_host_addr(p, ta, h, 0) < 0)
        return -1;
    /* More addresses: an IPv6 one (with a ':') joins the interface before
     * it; an IPv4 one makes a new interface, eth1, eth2, ... */
    while ((t = cur_peek(c)) != NULL && t->kind == TOK_WORD &&
           (is_digit(t->text[0]) || strchr(t->text, ':') != NULL)) {
        cur_next(c);
        if (strchr(t->text, ':') != NULL) {
            if (parse_host_addr6(p, t, h, h->n_ifaces - 1) < 0)
                return -1;
            continue;
        }
        if (h->n_ifaces == SCN_IFACE_MAX)
            return perr(p, t->col, "a host has at most %d interfaces", SCN_IFACE_MAX);
        if (parse_host_addr(p, t, h, h->n_ifaces) < 0)
            return -1;
        h->n_ifaces++;
    }

    while ((t = cur_next(c)) != NULL) {
        h = &scn->hosts[hi];
        if (word_is(t, "ipv6")) {
            /* IPv6 with no address set by hand: link-locals, then what
             * router advertisements give (SLAAC [RFC 4862 5.5]). */
            h->ipv6 = true;
            continue;
        }
        const struct tok *v = cur_next(c);
        if (word_is(t, "mtu")) {
            uint64_t mtu;
            if (seen_mtu != NULL)
                return perr(p, t->col, "'mtu' is given twice");
            seen_mtu = t;
            if (v == NULL)
                return perr(p, t->col, "mtu needs a number");
            if (get_uint(p, v, "mtu", 68, 65535, "", &mtu) < 0)
                return -1;
            h->mtu = (unsigned)mtu;
        } else if (word_is(t, "mac")) {
            if (seen_mac != NULL)
                return perr(p, t->col, "'mac' is given twice");
            seen_mac = t;
            if (v == NULL)
                return perr(p, t->col, "mac needs an address");
            if (parse_host_mac(p, v, h) < 0)
                return -1;
        } else {
            struct suggest sg;
            suggest_init(&sg, t->text);
            if (t->kind == TOK_WORD)
                suggest_list(&sg, options);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown host option %s (did you mean '%s'?)", show(t).s,
                            sg.best);
            return perr(p, t->col, "unknown host option %s (host options are mtu, mac and ipv6)",
                        show(t).s);
        }
    }
    return 0;
}

/* switch NAME | hub NAME */
int
parse_switch(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *tn = cur_next(c);
    struct scn_switch *sw;
    int d;

    if (tn == NULL)
        return perr(p, kw->col, "%s needs a name", kw->text);
    if (check_name(p, tn, true) < 0)
        return -1;
    d = scenario_host_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a host (defined at %u:%u)", tn->text,
                    scn->hosts[d].line, scn->hosts[d].col);
    d = scenario_switch_find(scn, tn->text);
    if (d >= 0)
        return perr(p, tn->col, "'%s' is already a %s (defined at %u:%u)", tn->text,
                    scn->switches[d].hub ? "hub" : "switch", scn->switches[d].line,
                    scn->switches[d].col);
    sw = reserve(scn->switches, scn->n_switches, &p->cap_switches, sizeof *sw);
    if (sw == NULL)
        return perr_oom(p);
    scn->switches = sw;
    sw = &scn->switches[scn->n_switches++];
    memset(sw, 0, sizeof *sw);
    memcpy(sw->name, tn->text, tn->len + 1);
    sw->hub = word_is(kw, "hub");
    sw->line = cur_lineno(p);
    sw->col = tn->col;
    return expect_end(p, c);
}

/* Does host h have an interface whose subnet holds addr? Its index, or -1. */
int
host_iface_on(const struct scn_host *h, uint32_t addr)
{
    for (unsigned k = 0; k < h->n_ifaces; k++) {
        uint32_t m = ipv4_prefix_mask(h->if_prefix[k]);
        if ((h->if_addr[k] & m) == (addr & m))
            return (int)k;
    }
    return -1;
}

/* Is interface `ifc` of host `h` (or a switch) already an end of a link? */
static const struct scn_link *
link_using(const struct scenario *scn, int h, int ifc)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *o = &scn->links[i];
        if ((o->a == h && o->a_if == ifc) || (o->b == h && o->b_if == ifc))
            return o;
    }
    return NULL;
}

/* One end of a link: NAME, NAME:ethN, or a switch. Fills host/if/sw. */
int
get_link_end(struct parser *p, const struct tok *t, int *host, int *ifc, int *sw)
{
    const struct scenario *scn = p->scn;
    const char *colon = t->kind == TOK_WORD ? strchr(t->text, ':') : NULL;
    char name[SCN_NAME_MAX + 1];
    size_t n = colon != NULL ? (size_t)(colon - t->text) : t->len;

    *host = -1;
    *ifc = -1;
    *sw = -1;
    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a host or switch name, found %s", show(t).s);
    if (n > SCN_NAME_MAX)
        return err_unknown_host(p, t->text, n, t->col);
    memcpy(name, t->text, n);
    name[n] = '\0';
    *sw = scenario_switch_find(scn, name);
    if (*sw >= 0) {
        if (colon != NULL)
            return perr(p, t->col + (unsigned)n, "a %s's ports are not named: write '%s'",
                        scn->switches[*sw].hub ? "hub" : "switch", name);
        return 0;
    }
    *host = scenario_host_find(scn, name);
    if (*host < 0 && scn->n_switches == 0)
        return err_unknown_host(p, t->text, n, t->col);
    if (*host < 0) {
        struct suggest sg;
        unsigned later_line = 0;
        if (host_defined_later(p, name, &later_line) != NULL)
            return err_unknown_host(p, t->text, n, t->col);
        suggest_init(&sg, name);
        for (size_t i = 0; i < scn->n_hosts; i++)
            suggest_try(&sg, scn->hosts[i].name);
        for (size_t i = 0; i < scn->n_switches; i++)
            suggest_try(&sg, scn->switches[i].name);
        if (sg.best != NULL)
            return perr(p, t->col, "unknown host or switch '%s' (did you mean '%s'?)", name,
                        sg.best);
        return perr(p, t->col, "unknown host or switch '%s'", name);
    }
    if (colon != NULL) {
        const struct scn_host *h = &scn->hosts[*host];
        const char *in = colon + 1;
        uint64_t k;
        if (strncmp(in, "eth", 3) != 0 || parse_u64(in + 3, strlen(in + 3), &k) != NUM_OK ||
            k >= h->n_ifaces) {
            if (h->n_ifaces == 1)
                return perr(p, t->col + (unsigned)n + 1, "%s has no interface '%.*s' (it has "
                            "eth0)", name, SHOW_MAX, in);
            return perr(p, t->col + (unsigned)n + 1, "%s has no interface '%.*s' (it has "
                        "eth0..eth%u)", name, SHOW_MAX, in, h->n_ifaces - 1);
        }
        *ifc = (int)k;
    }
    return 0;
}

/* The interface of host h (index hi) that a link to the other end uses when
 * none is named: the only one; else the one on a subnet of the other host;
 * else (a switch, or no shared subnet) the first one not yet on a link. */
static int
pick_iface(const struct scenario *scn, int hi, int other_host, int other_if)
{
    const struct scn_host *h = &scn->hosts[hi];
    if (h->n_ifaces == 1)
        return 0;
    if (other_host >= 0) {
        const struct scn_host *o = &scn->hosts[other_host];
        for (unsigned k = 0; k < o->n_ifaces; k++) {
            if (other_if >= 0 && (unsigned)other_if != k)
                continue;
            int mine = host_iface_on(h, o->if_addr[k]);
            if (mine >= 0 && link_using(scn, hi, mine) == NULL)
                return mine;
        }
        for (unsigned k = 0; k < o->n_ifaces; k++) {
            if (other_if >= 0 && (unsigned)other_if != k)
                continue;
            int mine = host_iface_on(h, o->if_addr[k]);
            if (mine >= 0)
                return mine;
        }
    }
    for (unsigned k = 0; k < h->n_ifaces; k++)
        if (link_using(scn, hi, (int)k) == NULL)
            return (int)k;
    return 0;
}

/* A free interface of host hi, for a hint, or -1. */
static int
free_iface(const struct scenario *scn, int hi)
{
    for (unsigned k = 0; k < scn->hosts[hi].n_ifaces; k++)
        if (link_using(scn, hi, (int)k) == NULL)
            return (int)k;
    return -1;
}

/* The percentage after option t (v), into *out. */
static int
link_pct(struct parser *p, const struct tok *t, const struct tok *v, uint32_t *out)
{
    if (v == NULL)
        return perr(p, t->col, "%s needs a percentage", t->text);
    return get_pct(p, v, out);
}

/* Is tok t a percentage (a number then '%')? */
static bool
is_pct_word(const struct tok *t)
{
    return t != NULL && t->kind == TOK_WORD && t->len >= 2 &&
           (is_digit(t->text[0]) || t->text[0] == '.') && t->text[t->len - 1] == '%';
}

static int tap_conflict(struct parser *p, const struct tok *t, int h, int ifc);
static int parse_wire_options(struct parser *p, struct cur *c, struct scn_link *lk, bool tap);

/* link A B [delay DUR [JITTER]] [rate RATE] [loss PCT | loss gemodel P R [1-H [1-K]]]
 *          [duplicate PCT] [reorder PCT [gap N]] [corrupt PCT [l2]] [mtu N] [limit N] */
int
parse_link(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *ta = cur_next(c);
    const struct tok *tb = cur_next(c);
    struct scn_link lk = { .limit = SCN_LINK_LIMIT_DEFAULT, .reorder_gap = 1 };

    if (ta == NULL || tb == NULL)
        return perr(p, kw->col, "link needs two ends, like 'link alice bob' or 'link alice "
                    "r1:eth0'");
    if (get_link_end(p, ta, &lk.a, &lk.a_if, &lk.a_sw) < 0 ||
        get_link_end(p, tb, &lk.b, &lk.b_if, &lk.b_sw) < 0)
        return -1;
    if (lk.a_sw >= 0 && lk.a_sw == lk.b_sw)
        return perr(p, tb->col, "a link joins two different things, not '%s' to itself",
                    tb->text);
    if (lk.a >= 0 && lk.a == lk.b && (lk.a_if < 0 || lk.a_if == lk.b_if))
        return perr(p, tb->col, "a link joins two different hosts, not '%s' to itself",
                    tb->text);
    if (lk.a >= 0 && lk.a_if < 0)
        lk.a_if = pick_iface(scn, lk.a, lk.b, lk.b_if);
    if (lk.b >= 0 && lk.b_if < 0)
        lk.b_if = pick_iface(scn, lk.b, lk.a, lk.a_if);
    if (lk.a < 0)
        lk.a_if = 0;
    if (lk.b < 0)
        lk.b_if = 0;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *o = &scn->links[i];
        if (lk.a >= 0 && lk.b >= 0 &&
            ((o->a == lk.a && o->a_if == lk.a_if && o->b == lk.b && o->b_if == lk.b_if) ||
             (o->a == lk.b && o->a_if == lk.b_if && o->b == lk.a && o->b_if == lk.a_if)))
            return perr(p, kw->col, "%s and %s are already linked at %u:%u", ta->text,
                        tb->text, o->line, o->col);
    }
    for (int end = 0; end < 2; end++) {
        int h = end == 0 ? lk.a : lk.b;
        int ifc = end == 0 ? lk.a_if : lk.b_if;
        const struct tok *tt = end == 0 ? ta : tb;
        const struct scn_link *o = h >= 0 ? link_using(scn, h, ifc) : NULL;
        if (h >= 0 && tap_conflict(p, tt, h, ifc) < 0)
            return -1;
        if (o == NULL)
            continue;
        const struct scn_host *sh = &scn->hosts[h];
        int fr = free_iface(scn, h);
        if (sh->n_ifaces == 1)
            return perr(p, tt->col, "%s's only interface is already on a link (at %u:%u); to "
                        "join more hosts, link them all to a switch", sh->name, o->line,
                        o->col);
        if (fr >= 0)
            return perr(p, tt->col, "%s's eth%d is already on a link (at %u:%u); name a free "
                        "interface, like %s:eth%d", sh->name, ifc, o->line, o->col, sh->name,
                        fr);
        return perr(p, tt->col, "every interface of %s is already on a link (eth%d at %u:%u)",
                    sh->name, ifc, o->line, o->col);
    }

    if (parse_wire_options(p, c, &lk, false) < 0)
        return -1;

    struct scn_link *nl = reserve(scn->links, scn->n_links, &p->cap_links, sizeof *nl);
    if (nl == NULL)
        return perr_oom(p);
    scn->links = nl;
    lk.line = cur_lineno(p);
    lk.col = kw->col;
    nl[scn->n_links++] = lk;
    return 0;
}

/* The netem options of a `link` or a `tap` line, up to its end, into lk
 * (made with the defaults). A tap takes them all but mtu. */
static int
parse_wire_options(struct parser *p, struct cur *c, struct scn_link *lk, bool tap)
{
    static const char *const options[] = { "delay", "rate", "loss", "limit", "duplicate",
                                           "reorder", "corrupt", "mtu", NULL };
    static const char *const tap_options[] = { "delay", "rate", "loss", "limit", "duplicate",
                                               "reorder", "corrupt", NULL };
    const char *stmt = tap ? "tap" : "link";
    const struct tok *seen[8] = { NULL };
    const struct tok *t;

    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        size_t opt = 0;
        while (options[opt] != NULL && !word_is(t, options[opt]))
            opt++;
        if (options[opt] == NULL) {
            struct suggest sg;
            suggest_init(&sg, t->text);
            if (t->kind == TOK_WORD)
                suggest_list(&sg, tap ? tap_options : options);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown %s option %s (did you mean '%s'?)", stmt,
                            show(t).s, sg.best);
            if (tap)
                return perr(p, t->col, "unknown tap option %s (tap options are delay, rate, "
                            "loss, duplicate, reorder, corrupt and limit)", show(t).s);
            return perr(p, t->col, "unknown link option %s (link options are delay, rate, "
                        "loss, duplicate, reorder, corrupt, mtu and limit)", show(t).s);
        }
        if (tap && word_is(t, "mtu"))
            return perr(p, t->col, "a tap has no mtu option: the device's MTU is the "
                        "kernel's (ip link set DEV mtu N) and the host's is set on its host "
                        "line (mtu N)");
        if (seen[opt] != NULL)
            return perr(p, t->col, "'%s' is given twice", options[opt]);
        seen[opt] = t;
        switch (opt) {
        case 0: {
            const struct tok *j = cur_peek(c);
            if (v == NULL)
                return perr(p, t->col, "delay needs a duration");
            if (get_dur(p, v, &lk->delay_ns) < 0)
                return -1;
            if (j != NULL && j->kind == TOK_WORD && (is_digit(j->text[0]) || j->text[0] == '.')) {
                cur_next(c);
                if (get_dur(p, j, &lk->jitter_ns) < 0)
                    return -1;
                if (lk->jitter_ns > lk->delay_ns)
                    return perr(p, j->col, "jitter %s is more than the delay; a frame cannot "
                                "arrive before it is sent", j->text);
            }
            break;
        }
        case 1:
            if (v == NULL)
                return perr(p, t->col, "rate needs a rate, like 10Mbit");
            if (get_rate(p, v, &lk->rate_bps) < 0)
                return -1;
            break;
        case 2:
            if (word_is(v, "gemodel")) {
                const struct tok *pp = cur_next(c);
                const struct tok *rr = cur_next(c);
                lk->gemodel = true;
                lk->ge_1h_ppm = SCN_PPM_ONE;
                if (pp == NULL || rr == NULL)
                    return perr(p, v->col, "loss gemodel needs P and R, like 'loss gemodel 1%% "
                                "30%%' (P: good to bad, R: bad to good)");
                if (get_pct(p, pp, &lk->ge_p_ppm) < 0 || get_pct(p, rr, &lk->ge_r_ppm) < 0)
                    return -1;
                if (is_pct_word(cur_peek(c)) && get_pct(p, cur_next(c), &lk->ge_1h_ppm) < 0)
                    return -1;
                if (is_pct_word(cur_peek(c)) && get_pct(p, cur_next(c), &lk->ge_1k_ppm) < 0)
                    return -1;
                break;
            }
            if (link_pct(p, t, v, &lk->loss_ppm) < 0)
                return -1;
            break;
        case 3: {
            uint64_t limit;
            if (v == NULL)
                return perr(p, t->col, "limit needs a number of packets");
            if (get_uint(p, v, "limit", 1, UINT32_MAX, "", &limit) < 0)
                return -1;
            lk->limit = (uint32_t)limit;
            break;
        }
        case 4:
            if (link_pct(p, t, v, &lk->duplicate_ppm) < 0)
                return -1;
            break;
        case 5:
            if (link_pct(p, t, v, &lk->reorder_ppm) < 0)
                return -1;
            if (word_is(cur_peek(c), "gap")) {
                const struct tok *g = cur_next(c);
                const struct tok *gv = cur_next(c);
                uint64_t gap;
                if (gv == NULL)
                    return perr(p, g->col, "gap needs a number of frames");
                if (get_uint(p, gv, "gap", 1, UINT32_MAX, "", &gap) < 0)
                    return -1;
                lk->reorder_gap = (uint32_t)gap;
            }
            break;
        case 6:
            if (link_pct(p, t, v, &lk->corrupt_ppm) < 0)
                return -1;
            if (word_is(cur_peek(c), "l2")) {
                cur_next(c);
                lk->corrupt_l2 = true;
            }
            break;
        default: {
            uint64_t mtu;
            if (v == NULL)
                return perr(p, t->col, "mtu needs a number");
            if (get_uint(p, v, "mtu", 68, 65535, "", &mtu) < 0)
                return -1;
            lk->mtu = (unsigned)mtu;
            break;
        }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * tap: a host's interface on a Linux TAP device (TAP mode)
 * ------------------------------------------------------------------------- */


const struct scn_tap *
scenario_tap_of(const struct scenario *scn, int h, int ifc)
{
    for (size_t i = 0; i < scn->n_taps; i++)
        if (scn->taps[i].host == h && scn->taps[i].ifc == ifc)
            return &scn->taps[i];
    return NULL;
}

/* A link end (token t) that is interface ifc of host h: an error if a tap
 * already put that interface on a TAP device. */
static int
tap_conflict(struct parser *p, const struct tok *t, int h, int ifc)
{
    const struct scn_tap *tp = scenario_tap_of(p->scn, h, ifc);
    if (tp == NULL)
        return 0;
    return perr(p, t->col, "%s's eth%d is on TAP device %s (at %u:%u); an interface is on a "
                "link or on a TAP device, not both", p->scn->hosts[h].name, ifc, tp->dev,
                tp->line, tp->col);
}

/* Is s a device name `ip tuntap add dev NAME` takes, in the letters a lesson
 * needs: 1..15 of [A-Za-z0-9_.-], and not "." or ".."? */
static bool
is_tap_dev_name(const char *s, size_t n)
{
    if (n == 0 || n > SCN_TAP_DEV_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_lower(s[i]) && !is_upper(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
            s[i] != '-' && s[i] != '.')
            return false;
    return true;
}

/* tap HOST[:ethN] DEV [delay DUR [JITTER]] [rate RATE] [loss ...] [duplicate PCT]
 *                     [reorder PCT [gap N]] [corrupt PCT [l2]] [limit N] */
static int
parse_tap(struct parser *p, struct cur *c, const struct tok *kw)
{
    struct scenario *scn = p->scn;
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    struct scn_tap tp;
    int sw;

    memset(&tp, 0, sizeof tp);
    tp.wire = (struct scn_link){ .a = -1, .b = -1, .a_sw = -1, .b_sw = -1,
                                 .limit = SCN_LINK_LIMIT_DEFAULT, .reorder_gap = 1 };
    if (th == NULL || td == NULL)
        return perr(p, kw->col, "tap needs a host and a TAP device, like 'tap bob nstap0'");
    if (get_link_end(p, th, &tp.host, &tp.ifc, &sw) < 0)
        return -1;
    if (sw >= 0)
        return perr(p, th->col, "'%s' is a %s: a tap puts a host's interface on a TAP device "
                    "(link a host to the %s and tap that host)", scn->switches[sw].name,
                    scn->switches[sw].hub ? "hub" : "switch",
                    scn->switches[sw].hub ? "hub" : "switch");
    if (tp.ifc < 0)
        tp.ifc = 0;
    const struct scn_host *sh = &scn->hosts[tp.host];
    if (td->kind != TOK_WORD || !is_tap_dev_name(td->text, td->len))
        return perr(p, td->col, "bad TAP device name %s (1 to %d letters, digits, '-', '_' "
                    "or '.', as 'ip tuntap add dev NAME mode tap' takes it)", show(td).s,
                    SCN_TAP_DEV_MAX);
    const struct scn_tap *o = scenario_tap_of(scn, tp.host, tp.ifc);
    if (o != NULL)
        return perr(p, th->col, "%s's eth%d is already on TAP device %s (at %u:%u)", sh->name,
                    tp.ifc, o->dev, o->line, o->col);
    for (size_t i = 0; i < scn->n_taps; i++)
        if (strcmp(scn->taps[i].dev, td->text) == 0)
            return perr(p, td->col, "TAP device %s is already %s's eth%d (at %u:%u); each "
                        "tap needs a device of its own", td->text,
                        scn->hosts[scn->taps[i].host].name, scn->taps[i].ifc,
                        scn->taps[i].line, scn->taps[i].col);
    const struct scn_link *l = link_using(scn, tp.host, tp.ifc);
    if (l != NULL) {
        int fr = free_iface(scn, tp.host);
        if (fr >= 0 && scenario_tap_of(scn, tp.host, fr) == NULL)
            return perr(p, th->col, "%s's eth%d is already on a link (at %u:%u); an interface "
                        "is on a link or on a TAP device, not both: name a free one, like "
                        "%s:eth%d", sh->name, tp.ifc, l->line, l->col, sh->name, fr);
        return perr(p, th->col, "%s's eth%d is already on a link (at %u:%u); an interface is "
                    "on a link or on a TAP device, not both", sh->name, tp.ifc, l->line,
                    l->col);
    }
    if (!scenario_addr_is_documentation(sh->if_addr[tp.ifc])) {
        char a[IPV4_ADDR_STRLEN];
        ipv4_addr_str(sh->if_addr[tp.ifc], a);
        return perr(p, th->col, "%s's eth%d is %s: a host on a TAP device reaches a real "
                    "kernel, so it keeps to the documentation ranges 192.0.2.0/24, "
                    "198.51.100.0/24 and 203.0.113.0/24 [RFC 5737]", sh->name, tp.ifc, a);
    }
    if (sh->if_has_addr6[tp.ifc] && !scenario_addr6_is_documentation(&sh->if_addr6[tp.ifc])) {
        char a[IPV6_ADDR_STRLEN];
        ip6_addr_str(&sh->if_addr6[tp.ifc], a);
        return perr(p, th->col, "%s's eth%d is %s: a host on a TAP device reaches a real "
                    "kernel, so it keeps to the documentation prefix 2001:db8::/32 [RFC 3849]",
                    sh->name, tp.ifc, a);
    }
    if (scn->n_taps >= SCN_TAPS_MAX)
        return perr(p, kw->col, "a scenario holds at most %d taps", SCN_TAPS_MAX);
    memcpy(tp.dev, td->text, td->len);
    tp.dev[td->len] = '\0';
    if (parse_wire_options(p, c, &tp.wire, true) < 0)
        return -1;

    struct scn_tap *nt = reserve(scn->taps, scn->n_taps, &p->cap_taps, sizeof *nt);
    if (nt == NULL)
        return perr_oom(p);
    scn->taps = nt;
    tp.line = cur_lineno(p);
    tp.col = kw->col;
    tp.wire.line = tp.line;
    tp.wire.col = tp.col;
    nt[scn->n_taps++] = tp;
    return 0;
}

bool
scenario_addr_is_documentation(uint32_t addr)
{
    uint32_t net = addr & 0xffffff00u;
    return net == IPV4_ADDR(192, 0, 2, 0) || net == IPV4_ADDR(198, 51, 100, 0) ||
           net == IPV4_ADDR(203, 0, 113, 0);
}

bool
scenario_addr6_is_documentation(const struct ip6_addr *addr)
{
    return addr->b[0] == 0x20 && addr->b[1] == 0x01 && addr->b[2] == 0x0d && addr->b[3] == 0xb8;
}

/* The `tap` statement: a world statement, so not under `at` or `repeat`. */
int
parse_tap_statement(struct parser *p, struct cur *c, const struct tok *kw)
{
    if (p->in_at)
        return perr(p, kw->col, "at cannot schedule a tap; a tap is part of the world from "
                    "the start");
    if (check_not_in_repeat(p, kw) < 0)
        return -1;
    return parse_tap(p, c, kw);
}

