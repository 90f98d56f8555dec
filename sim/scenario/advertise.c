/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/advertise.c - the `advertise` statement: a router sends
 * router advertisements on one interface [RFC 4861 6.2].
 *
 *   advertise r1 eth0 2001:db8:1::/64 [lifetime DUR] [valid DUR|infinity]
 *             [preferred DUR|infinity] [interval DUR] [mtu N] [managed] [other]
 *             [no-autoconf] [off-link]
 *   advertise r1 eth0 stop
 *   address carol eth0 2001:db8:1::7/64
 *
 * A step, so a lesson chooses when the router starts (or, with `lifetime
 * 0s`, stops being a default router). Written again for the same interface,
 * it replaces what was advertised there. What is left out takes RFC 4861
 * 6.2.1's defaults (stack/ra6.c: ra6_config_defaults()).
 *
 * `address` gives an interface an IPv6 address while the world runs, so a
 * lesson can show duplicate address detection [RFC 4862 5.4] at a moment it
 * chooses (an address on the `host` line is tested as the world starts).
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/err.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"

#define INFINITY_S 0xffffffffll

static const char *const options[] = { "lifetime", "valid", "preferred", "interval", "mtu",
                                       "managed", "other", "no-autoconf", "off-link", NULL };

void
init_advertise(struct scn_step *st)
{
    st->advertise.lifetime_s = -1;
    st->advertise.valid_s = -1;
    st->advertise.preferred_s = -1;
    st->advertise.interval_s = -1;
}

/* A duration in whole seconds, or `infinity` when inf_ok. */
static int
get_seconds(struct parser *p, const struct tok *kw, const struct tok *t, bool inf_ok,
            uint64_t max_s, int64_t *out)
{
    if (t == NULL)
        return perr(p, kw->col + (unsigned)kw->len + 1, "%s needs a duration, like 1800s",
                    kw->text);
    if (inf_ok && word_is(t, "infinity")) {
        *out = INFINITY_S;
        return 0;
    }
    uint64_t ns;
    if (get_dur(p, t, &ns) < 0)
        return -1;
    if (ns % 1000000000ull != 0)
        return perr(p, t->col, "%s is whole seconds in a router advertisement, not %s",
                    kw->text, t->text);
    if (ns / 1000000000ull > max_s)
        return perr(p, t->col, "%s %s is more than %" PRIu64 " s%s", kw->text, t->text, max_s,
                    inf_ok ? " (write 'infinity' for a lifetime that never ends)" : "");
    *out = (int64_t)(ns / 1000000000ull);
    return 0;
}

/* ethN of host h (written th), into *out. */
static int
get_ifname(struct parser *p, const struct tok *th, const struct tok *ti,
           const struct scn_host *h, int *out)
{
    if (ti == NULL || strncmp(ti->text, "eth", 3) != 0 || ti->len < 4 || ti->len > 5 ||
        !is_digit(ti->text[3]) || (ti->len == 5 && !is_digit(ti->text[4])))
        return perr(p, ti != NULL ? ti->col : th->col + (unsigned)th->len + 1,
                    "expected an interface of %s, like eth0", th->text);
    *out = atoi(ti->text + 3);
    if ((unsigned)*out >= h->n_ifaces)
        return perr(p, ti->col, "%s has no %s (it has eth0..eth%u)", th->text, ti->text,
                    h->n_ifaces - 1);
    return 0;
}

int
parse_advertise(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    struct scn_advertise_args *a = &st->advertise;
    const struct tok *th = cur_next(c);
    const struct tok *ti = cur_next(c);
    const struct tok *tp = cur_next(c);

    step_init(st, SCN_STEP_ADVERTISE);
    init_advertise(st);
    if (th == NULL)
        return perr(p, kw->col + (unsigned)kw->len + 1,
                    "advertise needs a router, an interface and a prefix, like 'advertise r1 "
                    "eth0 2001:db8:1::/64'");
    if (get_host(p, th, &st->host) < 0)
        return -1;
    const struct scn_host *h = &p->scn->hosts[st->host];
    if (!h->router)
        return perr(p, th->col, "%s is a host; only a router advertises [RFC 4861 6.2] "
                    "(declare it with 'router')", th->text);
    if (get_ifname(p, th, ti, h, &a->ifc) < 0)
        return -1;
    if (!h->if_has_addr6[a->ifc])
        return perr(p, ti->col, "%s %s has no IPv6 address; give it one on the router's line, "
                    "like 2001:db8:1::1/64 after its IPv4 address", th->text, ti->text);
    if (tp != NULL && word_is(tp, "stop")) {
        a->stop = true;
        return expect_end(p, c);
    }
    if (tp == NULL)
        return perr(p, ti->col + (unsigned)ti->len + 1,
                    "advertise needs a prefix after the interface, like 2001:db8:1::/64 (or "
                    "'stop')");
    const char *slash = strchr(tp->text, '/');
    char buf[64];
    size_t alen = slash != NULL ? (size_t)(slash - tp->text) : tp->len;
    if (slash == NULL || alen >= sizeof buf)
        return perr(p, tp->col, "expected a prefix like 2001:db8:1::/64, found %s",
                    show(tp).s);
    memcpy(buf, tp->text, alen);
    buf[alen] = '\0';
    if (!ip6_addr_parse(buf, &a->prefix))
        return perr(p, tp->col, "bad IPv6 prefix '%s' (like 2001:db8:1::)", buf);
    uint64_t len;
    if (parse_u64(slash + 1, strlen(slash + 1), &len) != NUM_OK || len < 1 || len > 128)
        return perr(p, tp->col + (unsigned)alen + 1, "bad prefix length '%s' (a number 1..128)",
                    slash + 1);
    a->prefix_len = (unsigned)len;
    if (ip6_addr_is_multicast(&a->prefix) || ip6_addr_is_linklocal(&a->prefix))
        return perr(p, tp->col, "%s cannot be advertised: %s", buf,
                    ip6_addr_is_multicast(&a->prefix) ? "it is multicast"
                                                      : "hosts form link-locals themselves");
    struct ip6_addr masked = a->prefix;
    for (unsigned b = a->prefix_len; b < 128; b++)
        masked.b[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
    if (!ip6_addr_eq(&masked, &a->prefix)) {
        char m[IPV6_ADDR_STRLEN];
        return perr(p, tp->col, "%s has bits set after the first %u; the prefix is %s/%u",
                    tp->text, a->prefix_len, ip6_addr_str(&masked, m), a->prefix_len);
    }
    for (const struct tok *t; (t = cur_next(c)) != NULL;) {
        if (word_is(t, "managed")) {
            a->managed = true;
        } else if (word_is(t, "other")) {
            a->other = true;
        } else if (word_is(t, "no-autoconf")) {
            a->no_autoconf = true;
        } else if (word_is(t, "off-link")) {
            a->off_link = true;
        } else if (word_is(t, "lifetime")) {
            if (get_seconds(p, t, cur_next(c), false, 9000, &a->lifetime_s) < 0)
                return -1;
        } else if (word_is(t, "valid")) {
            if (get_seconds(p, t, cur_next(c), true, INFINITY_S - 1, &a->valid_s) < 0)
                return -1;
        } else if (word_is(t, "preferred")) {
            if (get_seconds(p, t, cur_next(c), true, INFINITY_S - 1, &a->preferred_s) < 0)
                return -1;
        } else if (word_is(t, "interval")) {
            const struct tok *tv = cur_next(c);
            if (get_seconds(p, t, tv, false, 1800, &a->interval_s) < 0)
                return -1;
            if (a->interval_s < 4)
                return perr(p, tv->col, "interval (MaxRtrAdvInterval) is 4 s at least "
                            "[RFC 4861 6.2.1]");
        } else if (word_is(t, "mtu")) {
            uint64_t v;
            if (get_uint(p, cur_next(c), "mtu", IPV6_MIN_MTU, 65535,
                         "an IPv6 link carries 1280 bytes at least [RFC 8200 5]", &v) < 0)
                return -1;
            a->mtu = (uint32_t)v;
        } else {
            struct suggest sg;
            suggest_init(&sg, t->text);
            suggest_list(&sg, options);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown advertise option %s (did you mean '%s'?)",
                            show(t).s, sg.best);
            return perr(p, t->col, "unknown advertise option %s (lifetime, valid, preferred, "
                        "interval, mtu, managed, other, no-autoconf, off-link)", show(t).s);
        }
    }
    int64_t valid = a->valid_s >= 0 ? a->valid_s : RA6_DEFAULT_VALID_S;
    int64_t pref = a->preferred_s >= 0 ? a->preferred_s : RA6_DEFAULT_PREFERRED_S;
    if (pref > valid)
        return perr(p, kw->col, "the preferred lifetime is longer than the valid lifetime "
                    "[RFC 4861 4.6.2]");
    int64_t max = a->interval_s >= 0 ? a->interval_s : RA6_DEFAULT_MAX_INTERVAL_S;
    if (a->lifetime_s > 0 && a->lifetime_s < max)
        return perr(p, kw->col, "a router lifetime of %" PRId64 " s is shorter than the "
                    "interval between advertisements (%" PRId64 " s): 0 or at least that "
                    "[RFC 4861 6.2.1]", a->lifetime_s, max);
    return 0;
}

static void
print_seconds(FILE *out, const char *what, int64_t s)
{
    if (s < 0)
        return;
    if (s == INFINITY_S)
        fprintf(out, " %s infinity", what);
    else
        fprintf(out, " %s %" PRId64 "s", what, s);
}

void
print_advertise(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_advertise_args *a = &st->advertise;
    char b[IPV6_ADDR_STRLEN];
    fprintf(out, "advertise %s eth%d", scn->hosts[st->host].name, a->ifc);
    if (a->stop) {
        fputs(" stop", out);
        return;
    }
    fprintf(out, " %s/%u", ip6_addr_str(&a->prefix, b), a->prefix_len);
    print_seconds(out, "lifetime", a->lifetime_s);
    print_seconds(out, "valid", a->valid_s);
    print_seconds(out, "preferred", a->preferred_s);
    print_seconds(out, "interval", a->interval_s);
    if (a->mtu != 0)
        fprintf(out, " mtu %u", a->mtu);
    if (a->managed)
        fputs(" managed", out);
    if (a->other)
        fputs(" other", out);
    if (a->no_autoconf)
        fputs(" no-autoconf", out);
    if (a->off_link)
        fputs(" off-link", out);
}

bool
eq_advertise(const struct scn_step *x, const struct scn_step *y)
{
    const struct scn_advertise_args *a = &x->advertise, *b = &y->advertise;
    return x->host == y->host && a->ifc == b->ifc && a->stop == b->stop &&
           ip6_addr_eq(&a->prefix, &b->prefix) && a->prefix_len == b->prefix_len &&
           a->lifetime_s == b->lifetime_s && a->valid_s == b->valid_s &&
           a->preferred_s == b->preferred_s && a->interval_s == b->interval_s &&
           a->mtu == b->mtu && a->managed == b->managed && a->other == b->other &&
           a->no_autoconf == b->no_autoconf && a->off_link == b->off_link;
}

void
run_advertise_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                   bool scheduled)
{
    const struct scn_advertise_args *a = &st->advertise;
    struct host *h = r->hosts[st->host];
    char t[32];

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no, st->text);
    struct ra6_config cfg;
    ra6_config_defaults(&cfg);
    if (a->stop) {
        cfg.advertising = false;
    } else {
        if (a->interval_s >= 0) {
            cfg.max_interval_s = (uint32_t)a->interval_s;
            /* [RFC 4861 6.2.1] MinRtrAdvInterval defaults to 0.33 times
             * the maximum, and is 3 s at least. */
            cfg.min_interval_s = cfg.max_interval_s / 3 < 3 ? 3 : cfg.max_interval_s / 3;
            cfg.router_lifetime_s = (uint16_t)(3 * cfg.max_interval_s > 9000
                                                   ? 9000 : 3 * cfg.max_interval_s);
        }
        if (a->lifetime_s >= 0)
            cfg.router_lifetime_s = (uint16_t)a->lifetime_s;
        cfg.mtu = a->mtu;
        cfg.managed = a->managed;
        cfg.other = a->other;
        cfg.n_prefixes = 1;
        cfg.prefixes[0] = (struct ra6_prefix){
            .prefix = a->prefix, .len = (uint8_t)a->prefix_len, .on_link = !a->off_link,
            .autonomous = !a->no_autoconf,
            .valid_s = a->valid_s >= 0 ? (uint32_t)a->valid_s : RA6_DEFAULT_VALID_S,
            .preferred_s = a->preferred_s >= 0 ? (uint32_t)a->preferred_s
                                               : RA6_DEFAULT_PREFERRED_S,
        };
    }
    sim_enter_host(&r->sim, h);
    int rc = ra6_advertise(h, &h->ifaces[a->ifc], &cfg);
    sim_host_entered(&r->sim, h);
    if (!r->opts.trace_shown)
        run_say(r, false, "[%10s] %s\n", t, st->text);
    if (rc < 0)
        run_say(r, true, "%s: cannot advertise on eth%d: %s\n", r->scn->hosts[st->host].name,
                a->ifc, err_sentence(rc));
}

/* --- address HOST ethN ADDR6/LEN ------------------------------------------ */

int
parse_address(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    struct scn_address_args *a = &st->address;
    const struct tok *th = cur_next(c);
    const struct tok *ti = cur_next(c);
    const struct tok *ta = cur_next(c);

    step_init(st, SCN_STEP_ADDRESS);
    if (th == NULL)
        return perr(p, kw->col + (unsigned)kw->len + 1,
                    "address needs a host, an interface and an IPv6 address, like 'address "
                    "carol eth0 2001:db8:1::7/64'");
    if (get_host(p, th, &st->host) < 0)
        return -1;
    if (get_ifname(p, th, ti, &p->scn->hosts[st->host], &a->ifc) < 0)
        return -1;
    if (ta == NULL)
        return perr(p, ti->col + (unsigned)ti->len + 1,
                    "address needs an IPv6 address after the interface, like 2001:db8:1::7/64");
    const char *slash = strchr(ta->text, '/');
    char buf[64];
    size_t alen = slash != NULL ? (size_t)(slash - ta->text) : ta->len;
    if (slash == NULL || alen >= sizeof buf)
        return perr(p, ta->col, "expected IPV6ADDRESS/LEN like 2001:db8:1::7/64, found %s",
                    show(ta).s);
    memcpy(buf, ta->text, alen);
    buf[alen] = '\0';
    if (!ip6_addr_parse(buf, &a->addr))
        return perr(p, ta->col, "bad IPv6 address '%s' (like 2001:db8:1::7)", buf);
    uint64_t len;
    if (parse_u64(slash + 1, strlen(slash + 1), &len) != NUM_OK || len < 1 || len > 128)
        return perr(p, ta->col + (unsigned)alen + 1, "bad prefix length '%s' (a number 1..128)",
                    slash + 1);
    a->prefix_len = (unsigned)len;
    if (ip6_addr_is_multicast(&a->addr) || ip6_addr_is_unspecified(&a->addr) ||
        ip6_addr_is_linklocal(&a->addr) || ip6_addr_is_loopback(&a->addr))
        return perr(p, ta->col, "%s cannot be given to an interface: %s", buf,
                    ip6_addr_is_multicast(&a->addr)     ? "it is multicast"
                    : ip6_addr_is_linklocal(&a->addr)   ? "every interface forms its own link-local"
                    : ip6_addr_is_unspecified(&a->addr) ? ":: is no address"
                                                        : "::1 is loopback");
    return expect_end(p, c);
}

void
print_address(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    char b[IPV6_ADDR_STRLEN];
    fprintf(out, "address %s eth%d %s/%u", scn->hosts[st->host].name, st->address.ifc,
            ip6_addr_str(&st->address.addr, b), st->address.prefix_len);
}

bool
eq_address(const struct scn_step *x, const struct scn_step *y)
{
    return x->host == y->host && x->address.ifc == y->address.ifc &&
           ip6_addr_eq(&x->address.addr, &y->address.addr) &&
           x->address.prefix_len == y->address.prefix_len;
}

void
run_address_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                 bool scheduled)
{
    const struct scn_address_args *a = &st->address;
    struct host *h = r->hosts[st->host];
    char t[32];

    (void)scheduled;
    fmt_time(r->sim.now_ns, t, sizeof(t));
    run_note(r, h, cause_call(CALL_NONE, (uint32_t)step_no), "step %zu: %s", step_no, st->text);
    sim_enter_host(&r->sim, h);
    int rc = ipv6_addr_add(h, &h->ifaces[a->ifc], &a->addr, a->prefix_len);
    sim_host_entered(&r->sim, h);
    if (!r->opts.trace_shown)
        run_say(r, false, "[%10s] %s\n", t, st->text);
    if (rc < 0)
        run_say(r, true, "%s: cannot add that address to eth%d: %s\n",
                r->scn->hosts[st->host].name, a->ifc, err_sentence(rc));
}
