/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr6.c - the life of an IPv6 address [RFC 4862]: duplicate address
 * detection [5.4], SLAAC from advertised prefixes with the lifetimes and
 * the two-hour rule [5.5.3], deprecation and expiry [5.5.4]; and address
 * selection [RFC 6724]: the policy table, the source rules and destination
 * selection between a name's IPv6 and IPv4 addresses.
 *
 * DAD runs for every unicast address, link-locals and addresses set by
 * hand included, as Linux does: each waits a random time in [0,
 * MAX_RTR_SOLICITATION_DELAY] (hosts started together do not probe
 * together [RFC 4862 5.4.2]), sends DupAddrDetectTransmits (1) solicitation
 * from :: to the address's solicited-node group, and is assigned when
 * RetransTimer passes with no advertisement and no other probe for it.
 *
 * Called by: ipv6.c (new addresses), nd6.c (NS and NA for a tentative
 * target), ra6.c (prefixes, timers), ipv6_select() (sources), the
 * scenario's ping (destination family).
 */
#include "stack/addr6.h"

#include <string.h>

#include "stack/host.h"
#include "stack/icmp6.h"
#include "stack/ipv6.h"
#include "stack/nd6.h"
#include "stack/wire/bytes.h"

const char *
addr6_state_name(enum addr6_state s)
{
    switch (s) {
    case ADDR6_PREFERRED: return "preferred";
    case ADDR6_TENTATIVE: return "tentative";
    case ADDR6_DEPRECATED: return "deprecated";
    case ADDR6_DUPLICATE: return "duplicate";
    }
    return "?";
}

static struct ip6_iface *
v6if(const struct host *h, const struct iface *ifc)
{
    if (h->ip6 == NULL || ifc == NULL || ifc->loopback || ifc->index >= HOST_MAX_IFACES)
        return NULL;
    struct ip6_iface *i6 = &h->ip6->ifs[ifc->index];
    return i6->enabled ? i6 : NULL;
}

static struct ip6_ifaddr *
slot_of(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr)
{
    struct ip6_iface *i6 = v6if(h, ifc);
    for (unsigned k = 0; i6 != NULL && k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used && ip6_addr_eq(&i6->addrs[k].addr, addr))
            return &i6->addrs[k];
    return NULL;
}

static uint64_t
draw(struct host *h, uint64_t bound)
{
    return rng_below(&h->ip6->nd.rng, bound);
}

/* --- duplicate address detection [RFC 4862 5.4] --------------------------- */

void
addr6_dad_start(struct host *h, struct iface *ifc, struct ip6_ifaddr *a)
{
    char s[IPV6_ADDR_STRLEN];
    a->dad_sent = 0;
    if (h->ip6->dad_transmits == 0) {
        /* [RFC 4862 5.1] "A value of zero indicates that Duplicate Address
         * Detection is not performed on tentative addresses": the address
         * is this host's at once. */
        a->state = ADDR6_PREFERRED;
        a->dad_armed = false;
        trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4862 5.1",
                    "%s on %s: preferred at once: DupAddrDetectTransmits is 0, so no "
                    "duplicate address detection", ip6_addr_str(&a->addr, s), ifc->name);
        if (ip6_addr_is_linklocal(&a->addr))
            ra6_iface_up(h, ifc);  /* as at the end of detection [RFC 4861 6.3.7] */
        return;
    }
    a->state = ADDR6_TENTATIVE;
    a->dad_armed = true;
    uint64_t delay = draw(h, ND6_MAX_RTR_SOLICITATION_DELAY_NS + 1);
    a->dad_ns = h->now_ns + delay;
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4862 5.4",
                "%s on %s: tentative: not used until duplicate address detection passes; its "
                "probe goes in %llu ms (a random delay of at most 1 s [5.4.2])",
                ip6_addr_str(&a->addr, s), ifc->name, (unsigned long long)(delay / ND6_MS));
}

static void
send_dad_ns(struct host *h, struct iface *ifc, const struct ip6_addr *target)
{
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, ND_NS_LEN);
    if (p == NULL)
        return;
    uint8_t *b = pkt_put(p, ND_NS_LEN);
    if (b == NULL) {
        pkt_free(p);
        return;
    }
    memset(b, 0, ND_NS_LEN);
    b[0] = ND_NEIGHBOR_SOLICIT;
    memcpy(b + 8, target->b, 16);
    /* [RFC 4862 5.4.2] from the unspecified address, to the target's
     * solicited-node group, and no source link-layer address option
     * [RFC 4861 7.1.1]. */
    struct ip6_addr unspec = { .b = { 0 } }, group;
    ip6_solicited_node(target, &group);
    icmp6_output(h, ifc, p, &unspec, &group, 255);
}

bool
addr6_usable(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr)
{
    const struct ip6_ifaddr *a = slot_of(h, ifc, addr);
    return a != NULL && (a->state == ADDR6_PREFERRED || a->state == ADDR6_DEPRECATED);
}

bool
addr6_tentative(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr)
{
    const struct ip6_ifaddr *a = slot_of(h, ifc, addr);
    return a != NULL && a->state == ADDR6_TENTATIVE;
}

void
addr6_dad_failed(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
                 const struct pkt *p, const char *rfc, const char *why)
{
    struct ip6_ifaddr *a = slot_of(h, ifc, addr);
    if (a == NULL || a->state != ADDR6_TENTATIVE)
        return;
    char s[IPV6_ADDR_STRLEN];
    a->state = ADDR6_DUPLICATE;
    a->dad_armed = false;
    trace_event(h, TRACE_STATE, LAYER_IPV6, p, rfc,
                "%s on %s: duplicate: %s. Another node holds this address, so this host never "
                "uses it [RFC 4862 5.4.5]%s", ip6_addr_str(addr, s), ifc->name, why,
                ip6_addr_is_linklocal(addr) ? "; without its link-local address the interface "
                                              "cannot speak IPv6 on this link"
                                            : "");
    if (!a->autoconf || a->dad_counter >= ADDR6_IDGEN_RETRIES)
        return;
    /* [RFC 7217 6] an address SLAAC formed tries again: the same prefix,
     * the hash with DAD_Counter one higher, a new identifier. */
    struct ip6_addr prefix = a->addr, next;
    memset(prefix.b + 8, 0, 8);
    a->dad_counter++;
    ipv6_form_iid_n(h, ifc, &prefix, a->dad_counter, &next);
    char n[IPV6_ADDR_STRLEN];
    trace_event(h, TRACE_STATE, LAYER_IPV6, p, "RFC 7217 6",
                "SLAAC on %s tries again: DAD_Counter %u gives %s", ifc->name, a->dad_counter,
                ip6_addr_str(&next, n));
    a->addr = next;
    addr6_dad_start(h, ifc, a);
}

static void
dad_step(struct host *h, struct iface *ifc, struct ip6_ifaddr *a)
{
    char s[IPV6_ADDR_STRLEN];
    if (a->dad_sent < h->ip6->dad_transmits) {
        a->dad_sent++;
        a->dad_ns = h->now_ns + h->ip6->nd.retrans_ns;
        trace_event(h, TRACE_NOTE, LAYER_IPV6, NULL, "RFC 4862 5.4.2",
                    "duplicate address detection for %s: who else has it? A solicitation "
                    "from :: to its solicited-node group; an answer within RetransTimer "
                    "means someone does", ip6_addr_str(&a->addr, s));
        send_dad_ns(h, ifc, &a->addr);
        return;
    }
    a->dad_armed = false;
    bool deprecated = a->preferred_until_ns <= h->now_ns;
    a->state = deprecated ? ADDR6_DEPRECATED : ADDR6_PREFERRED;
    trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4862 5.4",
                "%s on %s: tentative -> %s: no node answered or asked in RetransTimer; "
                "the address is this host's now", ip6_addr_str(&a->addr, s), ifc->name,
                addr6_state_name(a->state));
    /* [RFC 4861 6.3.7] a host solicits routers once its link-local
     * address may be a source (as Linux does). */
    if (ip6_addr_is_linklocal(&a->addr))
        ra6_iface_up(h, ifc);
}

void
addr6_set_dad_transmits(struct host *h, unsigned n)
{
    if (h->ip6 == NULL)
        return;
    h->ip6->dad_transmits = (uint8_t)(n > 255 ? 255 : n);
    if (n != 0)
        return;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        struct ip6_iface *i6 = &h->ip6->ifs[h->ifaces[i].index];
        for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
            struct ip6_ifaddr *a = &i6->addrs[k];
            if (a->used && a->state == ADDR6_TENTATIVE)
                addr6_dad_start(h, &h->ifaces[i], a);
        }
    }
}

/* --- SLAAC [RFC 4862 5.5.3] ----------------------------------------------- */

static uint64_t
until(const struct host *h, uint32_t s)
{
    return s == ND6_INFINITY ? UINT64_MAX : h->now_ns + (uint64_t)s * ND6_SEC;
}

void
addr6_prefix_autoconf(struct host *h, struct iface *ifc, const struct ip6_addr *prefix,
                      unsigned len, uint32_t valid_s, uint32_t preferred_s, const struct pkt *p)
{
    char a[IPV6_ADDR_STRLEN], b[IPV6_ADDR_STRLEN];
    ip6_addr_str(prefix, b);
    /* [RFC 4862 5.5.3 c] */
    if (preferred_s > valid_s) {
        trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                    "prefix %s/%u ignored for SLAAC: preferred lifetime above valid lifetime",
                    b, len);
        return;
    }
    struct ip6_iface *i6 = v6if(h, ifc);
    if (i6 == NULL)
        return;
    struct ip6_ifaddr *have = NULL;
    for (unsigned k = 1; k < IP6_ADDRS_PER_IFACE; k++)
        if (i6->addrs[k].used && i6->addrs[k].autoconf &&
            ip6_prefix_match(&i6->addrs[k].addr, prefix, len))
            have = &i6->addrs[k];
    if (have == NULL) {
        /* [RFC 4862 5.5.3 d] a new prefix: an address from it, if the
         * prefix and the 64-bit interface identifier make 128 bits
         * [RFC 4291 2.5.1]. */
        if (valid_s == 0)
            return;
        if (len != 64) {
            trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                        "prefix %s/%u ignored for SLAAC: with a 64-bit interface identifier "
                        "it must be a /64", b, len);
            return;
        }
        struct ip6_addr addr;
        ipv6_form_iid(h, ifc, prefix, &addr);
        trace_event(h, TRACE_STATE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                    "SLAAC on %s: prefix %s/64 with the A flag gives %s: the prefix and an "
                    "interface identifier from a keyed hash of it [RFC 7217 5], stable for "
                    "this seed", ifc->name, b, ip6_addr_str(&addr, a));
        struct ip6_ifaddr *n = ipv6_addr_insert(h, ifc, &addr, 64);
        if (n == NULL) {
            trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                        "%s cannot be added: the interface holds no more addresses", a);
            return;
        }
        /* [RFC 5942 4] an address from a prefix says nothing about which
         * addresses are on-link: the prefix list (the L flag) does. */
        n->prefix_len = 128;
        n->autoconf = true;
        n->preferred_until_ns = until(h, preferred_s);
        n->valid_until_ns = until(h, valid_s);
        return;
    }
    /* [RFC 4862 5.5.3 e] a known prefix: the preferred lifetime is reset;
     * the valid lifetime too, unless that would bring it below two hours
     * (an unauthenticated advertisement must not end an address sooner). */
    ip6_addr_str(&have->addr, a);
    have->preferred_until_ns = until(h, preferred_s);
    if (have->state == ADDR6_DEPRECATED && preferred_s != 0) {
        have->state = ADDR6_PREFERRED;
        trace_event(h, TRACE_STATE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                    "%s on %s: deprecated -> preferred: a new preferred lifetime", a, ifc->name);
    }
    uint64_t two_h = h->now_ns + (uint64_t)ADDR6_TWO_HOURS_S * ND6_SEC;
    uint64_t want = until(h, valid_s);
    const char *how;
    if (valid_s > ADDR6_TWO_HOURS_S || want > have->valid_until_ns) {
        have->valid_until_ns = want;
        how = "above two hours or beyond the remaining lifetime: taken as it is";
    } else if (have->valid_until_ns <= two_h) {
        how = "the remaining lifetime is two hours or less: ignored";
    } else {
        have->valid_until_ns = two_h;
        how = "below two hours: cut to two hours, no less";
    }
    trace_event(h, TRACE_NOTE, LAYER_IPV6, p, "RFC 4862 5.5.3",
                "%s: advertised valid lifetime %u s, %s", a, valid_s, how);
}

/* --- timers --------------------------------------------------------------- */

void
addr6_poll(struct host *h)
{
    char s[IPV6_ADDR_STRLEN];
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        struct iface *ifc = &h->ifaces[i];
        struct ip6_iface *i6 = v6if(h, ifc);
        for (unsigned k = 0; i6 != NULL && k < IP6_ADDRS_PER_IFACE; k++) {
            struct ip6_ifaddr *a = &i6->addrs[k];
            if (!a->used)
                continue;
            if (a->dad_armed && a->dad_ns <= h->now_ns) {
                host_set_cause(h, cause_timer(TIMER_ND));
                dad_step(h, ifc, a);
            }
            if (a->autoconf && a->valid_until_ns <= h->now_ns) {
                host_set_cause(h, cause_timer(TIMER_ND));
                trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4862 5.5.4",
                            "%s on %s: removed: its valid lifetime ran out",
                            ip6_addr_str(&a->addr, s), ifc->name);
                memset(a, 0, sizeof *a);
                continue;
            }
            if (a->autoconf && a->state == ADDR6_PREFERRED &&
                a->preferred_until_ns <= h->now_ns) {
                host_set_cause(h, cause_timer(TIMER_ND));
                a->state = ADDR6_DEPRECATED;
                trace_event(h, TRACE_STATE, LAYER_IPV6, NULL, "RFC 4862 5.5.4",
                            "%s on %s: preferred -> deprecated: its preferred lifetime ran "
                            "out; still received on, a source only when nothing better is",
                            ip6_addr_str(&a->addr, s), ifc->name);
            }
        }
    }
}

uint64_t
addr6_next_deadline(const struct host *h)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct ip6_iface *i6 = v6if(h, &h->ifaces[i]);
        for (unsigned k = 0; i6 != NULL && k < IP6_ADDRS_PER_IFACE; k++) {
            const struct ip6_ifaddr *a = &i6->addrs[k];
            if (!a->used)
                continue;
            if (a->dad_armed && a->dad_ns < next)
                next = a->dad_ns;
            if (a->autoconf && a->valid_until_ns < next)
                next = a->valid_until_ns;
            if (a->autoconf && a->state == ADDR6_PREFERRED && a->preferred_until_ns < next)
                next = a->preferred_until_ns;
        }
    }
    return next;
}

/* --- address selection [RFC 6724] ----------------------------------------- */

/* [RFC 6724 2.1] the default policy table, longest prefix first. */
static const struct policy {
    uint8_t prefix[16];
    uint8_t len;
    uint8_t precedence, label;
} policy_table[] = {
    { { [15] = 1 }, 128, 50, 0 },                            /* ::1/128 */
    { { [10] = 0xff, [11] = 0xff }, 96, 35, 4 },             /* ::ffff:0:0/96 (IPv4) */
    { { 0 }, 96, 1, 3 },                                     /* ::/96 */
    { { 0x20, 0x01 }, 32, 5, 5 },                            /* 2001::/32 (Teredo) */
    { { 0x20, 0x02 }, 16, 30, 2 },                           /* 2002::/16 (6to4) */
    { { 0x3f, 0xfe }, 16, 1, 12 },                           /* 3ffe::/16 */
    { { 0xfe, 0xc0 }, 10, 1, 11 },                           /* fec0::/10 */
    { { 0xfc }, 7, 3, 13 },                                  /* fc00::/7 (ULA) */
    { { 0 }, 0, 40, 1 },                                     /* ::/0 */
};

static const struct policy *
policy_of(const struct ip6_addr *a)
{
    for (size_t i = 0; i < sizeof policy_table / sizeof policy_table[0]; i++) {
        struct ip6_addr p;
        memcpy(p.b, policy_table[i].prefix, 16);
        if (ip6_prefix_match(&p, a, policy_table[i].len))
            return &policy_table[i];
    }
    return &policy_table[sizeof policy_table / sizeof policy_table[0] - 1];
}

unsigned
addr6_precedence(const struct ip6_addr *a)
{
    return policy_of(a)->precedence;
}

unsigned
addr6_label(const struct ip6_addr *a)
{
    return policy_of(a)->label;
}

/* [RFC 4291 2.7, RFC 6724 3.1] scope values: 2 link-local, 5 site, 14
 * global; an IPv4-mapped address has the scope of its IPv4 address. */
static unsigned
scope_of(const struct ip6_addr *a)
{
    if (ip6_addr_is_multicast(a))
        return a->b[1] & 0x0f;
    if (ip6_addr_is_linklocal(a) || ip6_addr_is_loopback(a))
        return 2;
    static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
    if (memcmp(a->b, mapped, 12) == 0 &&
        (a->b[12] == 127 || (a->b[12] == 169 && a->b[13] == 254)))
        return 2;
    return 14;
}

/* CommonPrefixLen(s, d), no longer than the 64 bits of s's prefix
 * [RFC 6724 2.2, 5 rule 8]. */
static unsigned
common_prefix(const struct ip6_addr *s, const struct ip6_addr *d)
{
    unsigned n = 0;
    while (n < 64 && ((s->b[n / 8] ^ d->b[n / 8]) & (0x80 >> (n % 8))) == 0)
        n++;
    return n;
}

struct cand {
    const struct ip6_ifaddr *a;
    const struct iface *ifc;
};

/* [RFC 6724 5] true when SA is better than SB as a source for D. */
static bool
better_source(const struct cand *sa, const struct cand *sb, const struct ip6_addr *d,
              const struct iface *out)
{
    const struct ip6_addr *A = &sa->a->addr, *B = &sb->a->addr;
    /* Rule 1: prefer the same address. */
    if (ip6_addr_eq(A, d) != ip6_addr_eq(B, d))
        return ip6_addr_eq(A, d);
    /* Rule 2: prefer the appropriate scope. */
    unsigned sA = scope_of(A), sB = scope_of(B), sD = scope_of(d);
    if (sA != sB)
        return sA < sB ? sA >= sD : sB < sD;
    /* Rule 3: avoid deprecated addresses. */
    bool dA = sa->a->state == ADDR6_DEPRECATED, dB = sb->a->state == ADDR6_DEPRECATED;
    if (dA != dB)
        return !dA;
    /* Rule 5: prefer the outgoing interface. */
    if (out != NULL && (sa->ifc == out) != (sb->ifc == out))
        return sa->ifc == out;
    /* Rule 6: prefer a matching label. */
    unsigned lD = addr6_label(d);
    bool mA = addr6_label(A) == lD, mB = addr6_label(B) == lD;
    if (mA != mB)
        return mA;
    /* Rule 8: use the longest matching prefix. */
    return common_prefix(A, d) > common_prefix(B, d);
}

bool
addr6_select_source(const struct host *h, const struct iface *ifc, const struct ip6_addr *dst,
                    struct ip6_addr *src)
{
    struct cand best = { 0 };
    for (unsigned i = 0; i < h->n_ifaces; i++) {
        const struct iface *c = &h->ifaces[i];
        const struct ip6_iface *i6 = v6if(h, c);
        /* Link-scope destinations take a source on their own link only
         * [RFC 6724 4]. */
        if (i6 == NULL || (ifc != NULL && c != ifc && scope_of(dst) <= 2))
            continue;
        for (unsigned k = 0; k < IP6_ADDRS_PER_IFACE; k++) {
            const struct ip6_ifaddr *a = &i6->addrs[k];
            /* [RFC 4862 5.4] tentative and duplicate addresses are no
             * candidates. */
            if (!a->used || (a->state != ADDR6_PREFERRED && a->state != ADDR6_DEPRECATED))
                continue;
            struct cand x = { a, c };
            if (best.a == NULL || better_source(&x, &best, dst, ifc))
                best = x;
        }
    }
    if (best.a == NULL)
        return false;
    *src = best.a->addr;
    return true;
}

static void
mapped_v4(uint32_t v4, struct ip6_addr *out)
{
    memset(out, 0, sizeof *out);
    out->b[10] = out->b[11] = 0xff;
    be32_put(out->b + 12, v4);
}

bool
addr6_prefer_ipv6(const struct host *h, const struct ip6_addr *v6, uint32_t v4,
                  const char **why)
{
    /* [RFC 6724 6] both candidates as IPv6 addresses, IPv4 mapped. */
    struct ip6_addr d4, s6, s4;
    mapped_v4(v4, &d4);
    bool have6 = h->ip6 != NULL && addr6_select_source(h, NULL, v6, &s6);
    uint32_t src4 = 0;
    for (unsigned i = 0; i < h->n_ifaces && src4 == 0; i++)
        if (h->ifaces[i].addr != 0)
            src4 = h->ifaces[i].addr;
    mapped_v4(src4, &s4);
    bool have4 = src4 != 0;
    /* Rule 1: avoid unusable destinations (no source to reach them). */
    if (have6 != have4) {
        *why = have6 ? "rule 1: no IPv4 source to reach the IPv4 address"
                     : "rule 1: no assigned IPv6 source to reach the IPv6 address";
        return have6;
    }
    if (!have6) {
        *why = "rule 1: neither family has a source; IPv4, as written";
        return false;
    }
    /* Rule 2: prefer matching scope. */
    bool m6 = scope_of(v6) == scope_of(&s6), m4 = scope_of(&d4) == scope_of(&s4);
    if (m6 != m4) {
        *why = "rule 2: the source's scope matches the destination's in that family only";
        return m6;
    }
    /* Rule 5: prefer matching label. */
    bool l6 = addr6_label(v6) == addr6_label(&s6), l4 = addr6_label(&d4) == addr6_label(&s4);
    if (l6 != l4) {
        *why = "rule 5: the source's label matches the destination's in that family only";
        return l6;
    }
    /* Rule 6: prefer higher precedence: ::/0 has 40, ::ffff:0:0/96 35. */
    unsigned p6 = addr6_precedence(v6), p4 = addr6_precedence(&d4);
    if (p6 != p4) {
        *why = p6 > p4 ? "rule 6: the policy table gives IPv6 (::/0) precedence 40, IPv4 "
                         "(::ffff:0:0/96) 35"
                       : "rule 6: the policy table gives this IPv6 prefix a precedence below "
                         "IPv4's 35";
        return p6 > p4;
    }
    /* Rule 8: prefer the smaller scope. */
    if (scope_of(v6) != scope_of(&d4)) {
        *why = "rule 8: the smaller scope";
        return scope_of(v6) < scope_of(&d4);
    }
    *why = "rule 10: equal on every rule; the order given";
    return true;
}
