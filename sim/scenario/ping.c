/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/ping.c - ping and traceroute.
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

/* `ping HOST DEST` and `traceroute HOST DEST`: the host that runs the
 * command and where it goes. */
static int
parse_host_dest(struct parser *p, const struct tok *kw, const struct tok *th,
                const struct tok *td, int *host, struct scn_addr *dest)
{
    if (th == NULL || td == NULL)
        return perr(p, kw->col, "%s needs a host and a destination", kw->text);
    if (get_host(p, th, host) < 0)
        return -1;
    if (td->kind != TOK_WORD)
        return perr(p, td->col, "expected an address or a host name, found %s", show(td).s);
    return get_addr(p, td->text, td->len, td->col, dest);
}

/* Which of `options` t names, with a suggestion when it names none and an
 * error when it was given already (seen[] has one slot per option). `cmd`
 * and `list` word the message: "unknown ping option 'x' (ping options are
 * ...)". Returns the index, or -1 after reporting. */
static int
find_option(struct parser *p, const struct tok *t, const char *const *options,
            const struct tok **seen, const char *cmd, const char *list)
{
    size_t opt = 0;
    while (options[opt] != NULL && !word_is(t, options[opt]))
        opt++;
    if (options[opt] == NULL) {
        struct suggest sg;
        suggest_init(&sg, t->text);
        if (t->kind == TOK_WORD)
            suggest_list(&sg, options);
        if (sg.best != NULL)
            return perr(p, t->col, "unknown %s option %s (did you mean '%s'?)", cmd, show(t).s,
                        sg.best);
        return perr(p, t->col, "unknown %s option %s (%s options are %s)", cmd, show(t).s, cmd,
                    list);
    }
    if (seen[opt] != NULL)
        return perr(p, t->col, "'%s' is given twice", options[opt]);
    seen[opt] = t;
    return (int)opt;
}

/* ping HOST DEST [count N] [size N] [interval DUR] [timeout DUR] [-> DVAR] */
int
parse_ping(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    static const char *const options[] = { "count", "size", "interval", "timeout", "->",
                                           "df", "ttl", NULL };
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *seen[7] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    const struct tok *t;
    const struct tok *size_tok = NULL;
    struct scn_ping_args *pa = &st->ping;

    step_init(st, SCN_STEP_PING);
    pa->count = SCN_PING_COUNT_DEFAULT;
    pa->size = SCN_PING_SIZE_DEFAULT;
    pa->interval_ns = SCN_PING_INTERVAL_DEFAULT_NS;
    pa->timeout_ns = SCN_PING_TIMEOUT_DEFAULT_NS;
    /* An IPv6 literal has at least two colons ("2001:db8::2"); one colon is
     * a mistyped endpoint (bob:7), reported as a host name. */
    const char *colon = td != NULL && td->kind == TOK_WORD ? strchr(td->text, ':') : NULL;
    if (colon != NULL && strchr(colon + 1, ':') != NULL) {
        /* An IPv6 literal: ping -6 (docs/ipv6.md). */
        if (get_host(p, th, &st->host) < 0)
            return -1;
        if (!ip6_addr_parse(td->text, &pa->dest6))
            return perr(p, td->col, "bad IPv6 address '%.*s' (like 2001:db8::2)", SHOW_MAX,
                        td->text);
        if (ip6_addr_is_unspecified(&pa->dest6))
            return perr(p, td->col, ":: names no host: ping needs a destination");
        pa->v6 = true;
        pa->dest.kind = SCN_ADDR_DOTTED;
        pa->dest.host = -1;
        pa->dest.addr = 0;
    } else if (parse_host_dest(p, kw, th, td, &st->host, &pa->dest) < 0) {
        return -1;
    }

    while ((t = cur_next(c)) != NULL) {
        uint64_t v;
        if (word_is(t, "ipv6")) {
            /* `ping alice bob ipv6`: to bob's IPv6 address, as ping -6 bob. */
            if (pa->v6)
                return perr(p, t->col, pa->dest.kind == SCN_ADDR_HOST
                                           ? "'ipv6' is given twice"
                                           : "the destination is an IPv6 address already");
            if (pa->dest.kind != SCN_ADDR_HOST)
                return perr(p, t->col, "'ipv6' needs a host name as the destination");
            const struct scn_host *dh = &p->scn->hosts[pa->dest.host];
            if (!dh->if_has_addr6[0])
                return perr(p, t->col, "host '%s' has no IPv6 address (give one after its "
                            "IPv4 address, like %s 192.0.2.2/24 2001:db8::2/64)", dh->name,
                            dh->router ? "router" : "host");
            pa->v6 = true;
            pa->dest6 = dh->if_addr6[0];
            continue;
        }
        int found = find_option(p, t, options, seen, "ping",
                                "count, size, interval, timeout, df, ttl, ipv6 and '-> NAME'");
        if (found < 0)
            return -1;
        size_t opt = (size_t)found;
        if (opt == 5) {
            pa->df = true;
            continue;
        }

        const struct tok *a = cur_next(c);
        if (opt == 6) {
            if (a == NULL)
                return perr(p, t->col, "ttl needs a number");
            if (get_uint(p, a, "ttl", 1, 255, "", &v) < 0)
                return -1;
            pa->ttl = (uint32_t)v;
            continue;
        }
        if (opt == 4) {
            if (def_dvar(p, t, a, SCN_DVAR_PING, &st->dvar) < 0)
                return -1;
            continue;
        }
        if (a == NULL)
            return perr(p, t->col, "%s needs a %s", options[opt],
                        opt <= 1 ? "number" : "duration");
        switch (opt) {
        case 0:
            if (get_uint(p, a, "count", 1, 1000000, "", &v) < 0)
                return -1;
            pa->count = (uint32_t)v;
            break;
        case 1:
            if (get_uint(p, a, "size", 0, SCN_PING6_SIZE_MAX,
                         " (the largest ICMPv6 payload in one IPv6 packet)", &v) < 0)
                return -1;
            pa->size = (uint32_t)v;
            size_tok = a;
            break;
        case 2:
            if (get_dur(p, a, &pa->interval_ns) < 0)
                return -1;
            break;
        default:
            if (get_dur(p, a, &pa->timeout_ns) < 0)
                return -1;
            break;
        }
    }
    if (!pa->v6 && size_tok != NULL && pa->size > SCN_PING_SIZE_MAX)
        return perr(p, size_tok->col, "size %.*s is more than %u (the largest ICMP payload in "
                    "one IPv4 datagram)", SHOW_MAX, size_tok->text, SCN_PING_SIZE_MAX);
    if (pa->v6 && seen[5] != NULL)
        return perr(p, seen[5]->col, "df is for IPv4: IPv6 routers never fragment, so there "
                    "is no bit to set [RFC 8200 5]");
    return 0;
}

/* traceroute HOST DEST [max-hops N] [probes N] [wait DUR] */
int
parse_traceroute(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    static const char *const options[] = { "max-hops", "probes", "wait", NULL };
    const struct tok *th = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *seen[3] = { NULL, NULL, NULL };
    const struct tok *t;
    struct scn_traceroute_args *ta = &st->traceroute;

    step_init(st, SCN_STEP_TRACEROUTE);
    ta->max_hops = SCN_TRACEROUTE_HOPS_DEFAULT;
    ta->probes = SCN_TRACEROUTE_PROBES_DEFAULT;
    ta->wait_ns = SCN_TRACEROUTE_WAIT_DEFAULT_NS;
    if (route6_tok_is_v6(td)) {
        /* An IPv6 literal: traceroute -6 (run_ping6.c). */
        if (get_host(p, th, &st->host) < 0)
            return -1;
        if (!ip6_addr_parse(td->text, &ta->dest6) || ip6_addr_is_unspecified(&ta->dest6) ||
            ip6_addr_is_multicast(&ta->dest6))
            return perr(p, td->col, "bad IPv6 destination '%.*s' (like 2001:db8::2)", SHOW_MAX,
                        td->text);
        ta->v6 = true;
        ta->dest.kind = SCN_ADDR_DOTTED;
        ta->dest.host = -1;
    } else if (parse_host_dest(p, kw, th, td, &st->host, &ta->dest) < 0) {
        return -1;
    }
    while ((t = cur_next(c)) != NULL) {
        uint64_t v;
        if (word_is(t, "ipv6")) {
            /* `traceroute alice bob ipv6`: to bob's IPv6 address. */
            if (ta->v6 || ta->dest.kind != SCN_ADDR_HOST)
                return perr(p, t->col, ta->v6 ? "the destination is IPv6 already"
                                              : "'ipv6' needs a host name as the destination");
            const struct scn_host *dh = &p->scn->hosts[ta->dest.host];
            if (!dh->if_has_addr6[0])
                return perr(p, t->col, "host '%s' has no IPv6 address (give one after its "
                            "IPv4 address, like %s 192.0.2.2/24 2001:db8::2/64)", dh->name,
                            dh->router ? "router" : "host");
            ta->v6 = true;
            ta->dest6 = dh->if_addr6[0];
            continue;
        }
        int found = find_option(p, t, options, seen, "traceroute",
                                "max-hops, probes, wait and ipv6");
        if (found < 0)
            return -1;
        size_t opt = (size_t)found;
        const struct tok *a = cur_next(c);
        if (a == NULL)
            return perr(p, t->col, "%s needs a %s", options[opt], opt < 2 ? "number" : "duration");
        switch (opt) {
        case 0:
            if (get_uint(p, a, "max-hops", 1, SCN_HOPS_MAX, "", &v) < 0)
                return -1;
            ta->max_hops = (uint32_t)v;
            break;
        case 1:
            if (get_uint(p, a, "probes", 1, 10, "", &v) < 0)
                return -1;
            ta->probes = (uint32_t)v;
            break;
        default:
            if (get_dur(p, a, &ta->wait_ns) < 0)
                return -1;
            if (ta->wait_ns == 0)
                return perr(p, a->col, "wait must be more than 0s");
            break;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * The rows of ping and traceroute: defaults, print, compare, peer
 * ------------------------------------------------------------------------- */

void
init_ping(struct scn_step *st)
{
    st->ping.dest.host = -1;
}

void
print_ping(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_ping_args *pa = &st->ping;

    fprintf(out, "ping %s ", scn->hosts[st->host].name);
    if (pa->v6 && pa->dest.kind != SCN_ADDR_HOST) {
        char a6[IPV6_ADDR_STRLEN];
        fputs(ip6_addr_str(&pa->dest6, a6), out);
    } else {
        print_addr(out, scn, &pa->dest);
        if (pa->v6)
            fputs(" ipv6", out);
    }
    if (pa->count != SCN_PING_COUNT_DEFAULT)
        fprintf(out, " count %u", (unsigned)pa->count);
    if (pa->size != SCN_PING_SIZE_DEFAULT)
        fprintf(out, " size %u", (unsigned)pa->size);
    if (pa->interval_ns != SCN_PING_INTERVAL_DEFAULT_NS) {
        fputs(" interval ", out);
        print_dur(out, pa->interval_ns);
    }
    if (pa->timeout_ns != SCN_PING_TIMEOUT_DEFAULT_NS) {
        fputs(" timeout ", out);
        print_dur(out, pa->timeout_ns);
    }
    if (pa->df)
        fputs(" df", out);
    if (pa->ttl != 0)
        fprintf(out, " ttl %u", (unsigned)pa->ttl);
}

void
print_traceroute(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_traceroute_args *ta = &st->traceroute;

    fprintf(out, "traceroute %s ", scn->hosts[st->host].name);
    if (ta->v6 && ta->dest.kind != SCN_ADDR_HOST) {
        char a6[IPV6_ADDR_STRLEN];
        fputs(ip6_addr_str(&ta->dest6, a6), out);
    } else {
        print_addr(out, scn, &ta->dest);
        if (ta->v6)
            fputs(" ipv6", out);
    }
    if (ta->max_hops != SCN_TRACEROUTE_HOPS_DEFAULT)
        fprintf(out, " max-hops %u", (unsigned)ta->max_hops);
    if (ta->probes != SCN_TRACEROUTE_PROBES_DEFAULT)
        fprintf(out, " probes %u", (unsigned)ta->probes);
    if (ta->wait_ns != SCN_TRACEROUTE_WAIT_DEFAULT_NS) {
        fputs(" wait ", out);
        print_dur(out, ta->wait_ns);
    }
}

bool
eq_ping(const struct scn_step *a, const struct scn_step *b)
{
    return addr_eq(&a->ping.dest, &b->ping.dest) && a->ping.count == b->ping.count &&
           a->ping.size == b->ping.size && a->ping.interval_ns == b->ping.interval_ns &&
           a->ping.timeout_ns == b->ping.timeout_ns && a->ping.df == b->ping.df &&
           a->ping.ttl == b->ping.ttl && a->ping.v6 == b->ping.v6 &&
           ip6_addr_eq(&a->ping.dest6, &b->ping.dest6);
}

bool
eq_traceroute(const struct scn_step *a, const struct scn_step *b)
{
    return addr_eq(&a->traceroute.dest, &b->traceroute.dest) &&
           a->traceroute.max_hops == b->traceroute.max_hops &&
           a->traceroute.probes == b->traceroute.probes &&
           a->traceroute.wait_ns == b->traceroute.wait_ns && a->traceroute.v6 == b->traceroute.v6 &&
           ip6_addr_eq(&a->traceroute.dest6, &b->traceroute.dest6);
}

const struct scn_addr *
peer_ping(const struct scn_step *st)
{
    /* The IPv4 reachability checks say nothing of an IPv6 ping. */
    if (st->ping.v6)
        return NULL;
    return &st->ping.dest;
}

const struct scn_addr *
peer_traceroute(const struct scn_step *st)
{
    if (st->traceroute.v6)
        return NULL;
    return &st->traceroute.dest;
}
