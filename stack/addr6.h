/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr6.h - the life of an IPv6 address on a host [RFC 4862]: duplicate
 * address detection, stateless autoconfiguration from advertised prefixes
 * with their lifetimes, and address selection [RFC 6724].
 *
 * Every unicast address starts TENTATIVE: it is not this host's for ordinary
 * packets until one neighbour solicitation from :: has asked for it and
 * RetransTimer passed with no answer [RFC 4862 5.4]. Then it is PREFERRED;
 * when its preferred lifetime ends, DEPRECATED (still received on, chosen
 * as a source only when nothing better exists [5.5.4]); when its valid
 * lifetime ends, gone. An address another node holds is DUPLICATE and never
 * used [5.4.5].
 */
#ifndef NETSTEP_STACK_ADDR6_H
#define NETSTEP_STACK_ADDR6_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/pkt.h"
#include "stack/wire/ipv6.h"

enum addr6_state {
    ADDR6_PREFERRED = 0,   /* assigned, and the best kind of source */
    ADDR6_TENTATIVE,       /* DAD running: not yet this host's [RFC 4862 5.4] */
    ADDR6_DEPRECATED,      /* assigned, preferred lifetime over [RFC 4862 5.5.4] */
    ADDR6_DUPLICATE,       /* another node has it: never used [RFC 4862 5.4.5] */
};

#define ADDR6_DUP_ADDR_DETECT_TRANSMITS 1   /* [RFC 4862 5.1] */
#define ADDR6_TWO_HOURS_S               7200u  /* [RFC 4862 5.5.3 e] */

struct host;
struct iface;
struct ip6_ifaddr;

const char *addr6_state_name(enum addr6_state s);
/* Start duplicate address detection for a new address of ifc (its slot). */
void addr6_dad_start(struct host *h, struct iface *ifc, struct ip6_ifaddr *a);
/* addr is one of ifc's addresses and assigned (preferred or deprecated). */
bool addr6_usable(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr);
/* addr is one of ifc's tentative addresses. */
bool addr6_tentative(const struct host *h, const struct iface *ifc, const struct ip6_addr *addr);
/* An NS from :: or an NA for tentative addr: someone else has it
 * [RFC 4862 5.4.3, 5.4.4]. */
void addr6_dad_failed(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
                      const struct pkt *p, const char *rfc, const char *why);
/* A prefix information option with the A flag [RFC 4862 5.5.3]. */
void addr6_prefix_autoconf(struct host *h, struct iface *ifc, const struct ip6_addr *prefix,
                           unsigned len, uint32_t valid_s, uint32_t preferred_s,
                           const struct pkt *p);
/* [RFC 6724 5] the source for dst among ifc's assigned addresses (ifc NULL:
 * every interface's). false when none may be used. */
bool addr6_select_source(const struct host *h, const struct iface *ifc,
                         const struct ip6_addr *dst, struct ip6_addr *src);
/* [RFC 6724 2.1] the default policy table: precedence and label of a. */
unsigned addr6_precedence(const struct ip6_addr *a);
unsigned addr6_label(const struct ip6_addr *a);
/* [RFC 6724 6] destination selection between an IPv6 and an IPv4 address
 * of one name, on host h: true for IPv6. *why gets the deciding rule. */
bool addr6_prefer_ipv6(const struct host *h, const struct ip6_addr *v6, uint32_t v4,
                       const char **why);
/* Put addr/plen on ifc, TENTATIVE, DAD started (ipv6.c). NULL when the
 * interface is full or already has addr. */
struct ip6_ifaddr *ipv6_addr_insert(struct host *h, struct iface *ifc, const struct ip6_addr *addr,
                                    unsigned prefix_len);
/* [RFC 7217 5] prefix plus a stable, seeded interface identifier (ipv6.c). */
void ipv6_form_iid(const struct host *h, const struct iface *ifc, const struct ip6_addr *prefix,
                   struct ip6_addr *out);
/* The same with RFC 7217's DAD_Counter (ipv6_form_iid() uses 0). */
void ipv6_form_iid_n(const struct host *h, const struct iface *ifc, const struct ip6_addr *prefix,
                     unsigned dad_counter, struct ip6_addr *out);
#define ADDR6_IDGEN_RETRIES 3   /* [RFC 7217 7] new identifiers after a duplicate */
/* DupAddrDetectTransmits [RFC 4862 5.1] for h's later addresses; 0 also
 * ends detection of the tentative ones now (they are preferred at once).
 * Nothing on a host without IPv6. */
void addr6_set_dad_transmits(struct host *h, unsigned n);
void addr6_poll(struct host *h);
uint64_t addr6_next_deadline(const struct host *h);

#endif
