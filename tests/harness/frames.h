/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * frames.h - hand-made frames for the stack's unit tests, and a look inside the
 * frames a host sent.
 *
 * Tests inject frames a real peer could never send (a bad checksum, a short
 * header, an option with a wrong length). These build them with the wire
 * emitters, so each test names only the field it breaks, and hwf_decode()
 * turns a transmitted frame back into parsed headers the test can assert on.
 * hw_port is a recording driver for an extra interface (a router's eth1).
 */
#ifndef NETSTEP_TESTS_FRAMES_H
#define NETSTEP_TESTS_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/iface.h"
#include "stack/pkt.h"
#include "stack/wire/arp.h"
#include "stack/wire/eth.h"
#include "stack/wire/icmp.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/udp.h"

#include "harness.h"

/* Room for any frame the tests build. */
#define HWF_MAX (ETH_HDR_LEN + 1500 + 64)

extern const uint8_t hwf_mac_bcast[ETH_ALEN];

/* An IPv4 datagram header with the usual values: version 4, IHL 5, TTL 64,
 * protocol proto; total length filled by hwf_ipv4() when left 0. */
struct ipv4_hdr hwf_ip(uint32_t src, uint32_t dst, uint8_t proto);

/* Ethernet header + ip + payload into frame (at least HWF_MAX). ip->total_len
 * 0 means "header + len"; the header checksum is computed (a test breaks it
 * afterwards in the bytes). Returns the frame length (no padding). */
size_t hwf_ipv4(uint8_t *frame, const uint8_t dst_mac[ETH_ALEN], const uint8_t src_mac[ETH_ALEN],
                const struct ipv4_hdr *ip, const uint8_t *payload, size_t len);

/* A UDP datagram (header + data, checksum over the pseudo-header) into buf;
 * returns 8 + len. */
size_t hwf_udp(uint8_t *buf, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
               const uint8_t *data, size_t len);

/* An ICMP echo request/reply (type) with data into buf; returns 8 + len. */
size_t hwf_icmp_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data,
                     size_t len);

/* An ARP frame: Ethernet from arp->sha to eth_dst. Returns 14 + 28. */
size_t hwf_arp(uint8_t *frame, const uint8_t eth_dst[ETH_ALEN], const struct arp_hdr *arp);

/* Frames from alice's or bob's eth0 MAC to the other, ready to inject. */
size_t hwf_udp_frame(const struct hw_world *w, int from, uint32_t src, uint16_t sport, uint32_t dst,
                     uint16_t dport, const uint8_t *data, size_t len, uint8_t *frame);

/* A transmitted frame, decoded. */
struct hwf {
    struct eth_hdr eth;     /* always */
    bool is_arp;            /* ARP body parsed into arp */
    struct arp_hdr arp;     /* if is_arp */
    bool is_ipv4;           /* IPv4 header parsed into ip */
    struct ipv4_hdr ip;     /* if is_ipv4 */
    const uint8_t *l3;      /* first byte of the ARP/IPv4 header */
    const uint8_t *l4;      /* first byte after the IPv4 header */
    size_t l4_len;          /* bytes up to the IPv4 total length */
    size_t frame_len;       /* whole frame */
};

/* Decode p (p->data at the Ethernet header). Fails the test if the frame is
 * not well formed: every frame this stack sends must parse. */
void hwf_decode(const struct pkt *p, struct hwf *out);

/* A calloc'd world after hw_init() (struct hw_world is too big for a test's
 * stack). The test ends with hw_destroy(w), the leak check, then free(w). */
struct hw_world *hw_new(void);

/* Pop the oldest frame host `from` sent; the caller frees it. Fails the test
 * if there is none. */
struct pkt *hw_take(struct hw_world *w, int from);
/* Frames host `from` has queued. */
size_t hw_pending(const struct hw_world *w, int from);

/* Both hosts know each other's MAC (permanent entries), so tests about the
 * layers above ARP see no ARP traffic. */
void hw_learn_each_other(struct hw_world *w);

/* A recording driver for an extra interface: frames it transmits are queued. */
struct hw_port {
    struct pkt_queue out;  /* frames sent through this port */
};
extern const struct iface_ops hw_port_ops;

/* Frame of `from` arrives on host `to`'s interface `ifc` index. */
void hw_inject_on(struct hw_world *w, int to, unsigned ifc, const uint8_t *frame, size_t len);

#endif
