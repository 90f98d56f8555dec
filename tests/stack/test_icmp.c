/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_icmp.c - ICMP on a host [RFC 792] [RFC 1122 3.2.2]: echo, ping sockets,
 * the errors we send (and when we must not), the errors we receive.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/icmp.h"
#include "stack/inspect.h"
#include "stack/socket.h"
#include "stack/wire/bytes.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])

static uint64_t
counter(const struct host *h, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(inspect_counter(h, name, &v), "no counter %s", name);
    return v;
}

/* An ICMP message from alice to dst, in a frame to eth_dst, injected into bob. */
static void
inject_icmp(struct hw_world *w, const uint8_t eth_dst[ETH_ALEN], uint32_t dst, const uint8_t *msg,
            size_t len)
{
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, dst, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, eth_dst, ALICE(w)->ifaces[0].mac, &ip, msg, len);
    hw_inject(w, HW_BOB, frame, n);
}

/* Take bob's next frame, which must be ICMP; fills f and returns the header. */
static struct icmp_hdr
take_icmp(struct hw_world *w, int from, struct pkt **pp, struct hwf *f)
{
    *pp = hw_take(w, from);
    hwf_decode(*pp, f);
    ck_assert(f->is_ipv4);
    ck_assert_uint_eq(f->ip.proto, IPPROTO_ICMP_);
    struct icmp_hdr icmp;
    ck_assert_int_eq(icmp_parse(f->l4, f->l4_len, &icmp), DROP_NONE);
    return icmp;
}

/* --- echo ----------------------------------------------------------------- */

START_TEST(test_echo_request_gets_reply_with_same_id_seq_data)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t data[56];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7);
    uint8_t msg[HWF_MAX];
    size_t n = hwf_icmp_echo(msg, ICMP_ECHO_REQUEST, 0xbeef, 42, data, sizeof(data));
    inject_icmp(w, BOB(w)->ifaces[0].mac, HW_BOB_ADDR, msg, n);
    struct pkt *p;
    struct hwf f;
    struct icmp_hdr icmp = take_icmp(w, HW_BOB, &p, &f);
    ck_assert_uint_eq(icmp.type, ICMP_ECHO_REPLY);
    ck_assert_uint_eq(icmp.code, 0);
    ck_assert_uint_eq(icmp.id, 0xbeef);
    ck_assert_uint_eq(icmp.seq, 42);
    ck_assert_uint_eq(icmp.body_len, sizeof(data));
    ck_assert_mem_eq(f.l4 + ICMP_HDR_LEN, data, sizeof(data));
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    ck_assert_uint_eq(f.ip.ttl, IPV4_DEFAULT_TTL);
    ck_assert_mem_eq(f.eth.dst, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    pkt_free(p);
    ck_assert_uint_eq(counter(BOB(w), "icmp.rx.echo_request"), 1);
    ck_assert_uint_eq(counter(BOB(w), "icmp.tx.echo_reply"), 1);
    ck_assert_uint_eq(counter(BOB(w), "drops"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_echo_reply_comes_from_the_address_asked)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    /* bob has a second address, on eth1; alice pings it through eth0. */
    struct hw_port port = { 0 };
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
    uint32_t bob2 = IPV4_ADDR(198, 51, 100, 254);
    struct iface *eth1 = host_add_iface(BOB(w), "eth1", mac1, bob2, 24, 1500, &hw_port_ops, &port);
    hw_enter(w);
    host_iface_up(BOB(w), eth1, false);
    uint8_t msg[64];
    size_t n = hwf_icmp_echo(msg, ICMP_ECHO_REQUEST, 1, 1, (const uint8_t *)"abcd", 4);
    inject_icmp(w, BOB(w)->ifaces[0].mac, bob2, msg, n);
    struct pkt *p;
    struct hwf f;
    struct icmp_hdr icmp = take_icmp(w, HW_BOB, &p, &f);
    ck_assert_uint_eq(icmp.type, ICMP_ECHO_REPLY);
    /* [RFC 1122 3.2.2.6] the reply's source is the request's destination. */
    ck_assert_uint_eq(f.ip.src, bob2);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    pkt_free(p);
    ck_assert_uint_eq(port.out.count, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_broadcast_echo_answered_from_own_address)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t msg[64];
    size_t n = hwf_icmp_echo(msg, ICMP_ECHO_REQUEST, 9, 3, NULL, 0);
    inject_icmp(w, hwf_mac_bcast, IPV4_ADDR(192, 0, 2, 255), msg, n);
    struct pkt *p;
    struct hwf f;
    struct icmp_hdr icmp = take_icmp(w, HW_BOB, &p, &f);
    ck_assert_uint_eq(icmp.type, ICMP_ECHO_REPLY);
    /* Never from the broadcast address [RFC 1122 3.2.2.6]. */
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_bad_checksum_is_dropped)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t msg[64];
    size_t n = hwf_icmp_echo(msg, ICMP_ECHO_REQUEST, 1, 1, (const uint8_t *)"abcd", 4);
    msg[ICMP_HDR_LEN] ^= 0x40;  /* a flipped bit in the data */
    inject_icmp(w, BOB(w)->ifaces[0].mac, HW_BOB_ADDR, msg, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ICMP_BAD_CSUM], 1);
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ICMP], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    ck_assert_uint_eq(counter(BOB(w), "icmp.tx.echo_reply"), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_truncated_message_is_dropped)
{
    struct hw_world *w = hw_new();
    const uint8_t msg[4] = { ICMP_ECHO_REQUEST, 0, 0xf7, 0xff };
    inject_icmp(w, BOB(w)->ifaces[0].mac, HW_BOB_ADDR, msg, sizeof(msg));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ICMP_TRUNCATED], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unhandled_types_are_dropped)
{
    struct hw_world *w = hw_new();
    uint8_t msg[64] = { 0 };
    /* A timestamp request [RFC 792]: this host does not answer them. */
    struct icmp_hdr ts = { .type = ICMP_TIMESTAMP };
    icmp_emit(&ts, msg, ICMP_HDR_LEN + 12);
    inject_icmp(w, BOB(w)->ifaces[0].mac, HW_BOB_ADDR, msg, ICMP_HDR_LEN + 12);
    /* An echo reply nobody is waiting for. */
    size_t n = hwf_icmp_echo(msg, ICMP_ECHO_REPLY, 999, 1, NULL, 0);
    inject_icmp(w, BOB(w)->ifaces[0].mac, HW_BOB_ADDR, msg, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ICMP_UNHANDLED], 2);
    ck_assert_uint_eq(counter(BOB(w), "icmp.rx.echo_reply"), 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- ping sockets --------------------------------------------------------- */

static int
ping_socket(struct hw_world *w, int who)
{
    hw_enter(w);
    int fd = sock_socket(&w->host[who], SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    return fd;
}

/* What a ping program writes: type 8, code 0, checksum and id left to the
 * stack (garbage here), the sequence number, then data. */
static size_t
app_echo(uint8_t *buf, uint16_t seq, size_t data_len)
{
    buf[0] = ICMP_ECHO_REQUEST;
    buf[1] = 0;
    buf[2] = 0xde;
    buf[3] = 0xad;
    buf[4] = 0xbe;
    buf[5] = 0xef;
    be16_put(buf + 6, seq);
    for (size_t i = 0; i < data_len; i++)
        buf[ICMP_HDR_LEN + i] = (uint8_t)(0x10 + i);
    return ICMP_HDR_LEN + data_len;
}

START_TEST(test_ping_socket_round_trip)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = ping_socket(w, HW_ALICE);
    uint8_t req[64];
    size_t n = app_echo(req, 1, 56);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 0 };
    ck_assert_int_eq(sock_sendto(a, fd, req, n, &to), (int)n);
    struct inspect_socket is;
    ck_assert(inspect_socket(a, fd, &is));
    ck_assert_str_eq(is.proto, "icmp");
    uint16_t id = sock_lookup(a, fd)->ping_id;
    ck_assert_uint_eq(is.lport, id);

    /* On the wire (after ARP): the stack's identifier and a good checksum. */
    ck_assert(hw_deliver_one(w, HW_ALICE));
    ck_assert(hw_deliver_one(w, HW_BOB));
    struct pkt *p;
    struct hwf f;
    struct icmp_hdr icmp = take_icmp(w, HW_ALICE, &p, &f);
    ck_assert_uint_eq(icmp.type, ICMP_ECHO_REQUEST);
    ck_assert_uint_eq(icmp.id, id);
    ck_assert_uint_eq(icmp.seq, 1);
    ck_assert_mem_eq(f.l4 + ICMP_HDR_LEN, req + ICMP_HDR_LEN, 56);
    ck_assert_uint_eq(counter(a, "icmp.tx.echo_request"), 1);
    /* Put it back on the wire and let bob answer. */
    hw_inject(w, HW_BOB, p->data, p->len);
    pkt_free(p);
    hw_deliver(w);

    uint8_t rep[128];
    struct sock_addr from;
    ck_assert_uint_eq(sock_poll(a, fd) & SOCK_POLLIN, SOCK_POLLIN);
    ck_assert_int_eq(sock_recvfrom(a, fd, rep, sizeof(rep), &from), (int)n);
    ck_assert_uint_eq(rep[0], ICMP_ECHO_REPLY);
    ck_assert_uint_eq(be16_get(rep + 4), id);
    ck_assert_uint_eq(be16_get(rep + 6), 1);
    ck_assert_mem_eq(rep + ICMP_HDR_LEN, req + ICMP_HDR_LEN, 56);
    ck_assert_uint_eq(from.addr, HW_BOB_ADDR);
    ck_assert_uint_eq(from.port, 0);
    ck_assert_uint_eq(counter(a, "icmp.rx.echo_reply"), 1);
    ck_assert_int_eq(sock_recv(a, fd, rep, sizeof(rep)), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_reply_goes_to_the_socket_with_its_id)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct host *a = ALICE(w);
    int fd1 = ping_socket(w, HW_ALICE);
    int fd2 = ping_socket(w, HW_ALICE);
    uint8_t req[64];
    struct sock_addr to = { .addr = HW_BOB_ADDR };
    size_t n = app_echo(req, 5, 4);
    ck_assert_int_eq(sock_sendto(a, fd1, req, n, &to), (int)n);
    ck_assert_int_eq(sock_sendto(a, fd2, req, n, &to), (int)n);
    ck_assert_uint_ne(sock_lookup(a, fd1)->ping_id, sock_lookup(a, fd2)->ping_id);
    /* Only fd2's request is answered. */
    hw_lose(w, HW_ALICE);
    uint8_t msg[64];
    n = hwf_icmp_echo(msg, ICMP_ECHO_REPLY, sock_lookup(a, fd2)->ping_id, 5, req + 8, 4);
    struct ipv4_hdr ip = hwf_ip(HW_BOB_ADDR, HW_ALICE_ADDR, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    hw_inject(w, HW_ALICE, frame,
              hwf_ipv4(frame, a->ifaces[0].mac, BOB(w)->ifaces[0].mac, &ip, msg, n));
    uint8_t buf[64];
    ck_assert_int_eq(sock_recv(a, fd1, buf, sizeof(buf)), -ERR_AGAIN);
    ck_assert_int_eq(sock_recv(a, fd2, buf, sizeof(buf)), (int)n);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_ping_socket_rejects_what_is_not_an_echo_request)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    int fd = ping_socket(w, HW_ALICE);
    uint8_t req[64];
    size_t n = app_echo(req, 1, 8);
    struct sock_addr to = { .addr = HW_BOB_ADDR };
    req[0] = ICMP_ECHO_REPLY;
    ck_assert_int_eq(sock_sendto(a, fd, req, n, &to), -ERR_INVAL);
    req[0] = ICMP_ECHO_REQUEST;
    ck_assert_int_eq(sock_sendto(a, fd, req, ICMP_HDR_LEN - 1, &to), -ERR_INVAL);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    /* 1480 bytes fit in a 1500-byte MTU; 1481 do not: refused with DF
     * (ping -M do), fragmented without (it waits for ARP in two pieces). */
    static uint8_t big[1481];
    app_echo(big, 1, 0);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_DF, 1), 0);
    ck_assert_int_eq(sock_sendto(a, fd, big, sizeof(big), &to), -ERR_MSGSIZE);
    ck_assert_int_eq(sock_sendto(a, fd, big, sizeof(big) - 1, &to), (int)sizeof(big) - 1);
    ck_assert_int_eq(sock_setsockopt(a, fd, SOCK_OPT_IP_DF, 0), 0);
    ck_assert_int_eq(sock_sendto(a, fd, big, sizeof(big), &to), (int)sizeof(big));
    ck_assert_uint_eq(arp_cache_lookup(a, HW_BOB_ADDR)->pending.count, 3);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- errors we send ------------------------------------------------------- */

START_TEST(test_port_unreachable_quotes_header_and_8_bytes)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    struct host *a = ALICE(w);
    hw_enter(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 9 };
    ck_assert_int_eq(sock_sendto(a, fd, (const uint8_t *)"discard me", 10, &to), 10);
    struct pkt *sent = hw_take(w, HW_ALICE);
    uint8_t orig[HWF_MAX];
    memcpy(orig, sent->data, sent->len);
    hw_inject(w, HW_BOB, sent->data, sent->len);
    pkt_free(sent);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    struct pkt *p;
    struct hwf f;
    struct icmp_hdr icmp = take_icmp(w, HW_BOB, &p, &f);
    ck_assert_uint_eq(icmp.type, ICMP_DEST_UNREACH);
    ck_assert_uint_eq(icmp.code, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(be32_get(f.l4 + 4), 0);  /* unused word is zero */
    ck_assert_uint_eq(f.ip.src, HW_BOB_ADDR);
    ck_assert_uint_eq(f.ip.dst, HW_ALICE_ADDR);
    /* Internet header + 64 bits of original data: here the whole UDP header. */
    ck_assert_uint_eq(icmp.body_len, IPV4_HDR_MIN + 8);
    ck_assert_mem_eq(f.l4 + ICMP_HDR_LEN, orig + ETH_HDR_LEN, IPV4_HDR_MIN + 8);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

/* A datagram as bob received it, for icmp_send_error(): l3_off at the IP header. */
static struct pkt *
received(struct hw_world *w, uint32_t src, uint32_t dst, uint8_t proto, uint16_t frag,
         const uint8_t *l4, size_t len)
{
    struct ipv4_hdr ip = hwf_ip(src, dst, proto);
    ip.mf = (frag & IPV4_FLAG_MF) != 0;
    ip.frag_off = (uint16_t)((frag & IPV4_FRAG_MASK) * 8);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, BOB(w)->ifaces[0].mac, ALICE(w)->ifaces[0].mac, &ip, l4, len);
    struct pkt *p = pkt_from_bytes(&w->pool, frame, n);
    p->l2_off = pkt_off(p);
    pkt_pull(p, ETH_HDR_LEN);
    p->l3_off = pkt_off(p);
    pkt_pull(p, IPV4_HDR_MIN);
    p->l4_off = pkt_off(p);
    return p;
}

/* Does bob send an ICMP error about this datagram? */
static bool
error_sent(struct hw_world *w, struct pkt *orig)
{
    hw_enter(w);
    size_t before = hw_pending(w, HW_BOB);
    icmp_send_error(BOB(w), orig, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0);
    pkt_free(orig);  /* icmp_send_error does not take it */
    size_t after = hw_pending(w, HW_BOB);
    hw_lose(w, HW_BOB);
    return after > before;
}

START_TEST(test_no_error_about_an_error)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    const uint8_t unreach[8 + 28] = { ICMP_DEST_UNREACH, ICMP_UNREACH_PORT };
    const uint8_t exceeded[8 + 28] = { ICMP_TIME_EXCEEDED, 0 };
    const uint8_t zeros[8] = { 0 };
    uint8_t echo[16];
    hwf_icmp_echo(echo, ICMP_ECHO_REQUEST, 1, 1, zeros, 8);
    /* [RFC 1122 3.2.2] "An ICMP error message MUST NOT be sent as the result
     * of receiving: an ICMP error message". */
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, 0, unreach,
                                      sizeof(unreach))));
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, 0, exceeded,
                                      sizeof(exceeded))));
    /* An echo request is a query, not an error: it may be complained about. */
    ck_assert(error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_ICMP_, 0, echo, 16)));
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_no_error_about_broadcast_fragment_or_odd_source)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    const uint8_t udp[8] = { 0x13, 0x88, 0, 9, 0, 8, 0, 0 };
    /* The control: a plain unicast datagram does get one. */
    ck_assert(error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_, 0, udp, 8)));
    /* [RFC 1122 3.2.2] not about a datagram to a broadcast or multicast address, */
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, IPV4_ADDR(192, 0, 2, 255), IPPROTO_UDP_, 0,
                                      udp, 8)));
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, IPV4_BROADCAST, IPPROTO_UDP_, 0, udp, 8)));
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, IPV4_ADDR(224, 0, 0, 9), IPPROTO_UDP_, 0,
                                      udp, 8)));
    /* not about a fragment other than the first, */
    ck_assert(!error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_, 185, udp, 8)));
    ck_assert(error_sent(w, received(w, HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_, IPV4_FLAG_MF, udp,
                                     8)));
    /* nor about a datagram whose source is not one host. */
    ck_assert(!error_sent(w, received(w, 0, HW_BOB_ADDR, IPPROTO_UDP_, 0, udp, 8)));
    ck_assert(!error_sent(w, received(w, IPV4_ADDR(192, 0, 2, 255), HW_BOB_ADDR, IPPROTO_UDP_, 0,
                                      udp, 8)));
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_no_port_unreachable_for_a_broadcast)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    uint8_t l4[64], frame[HWF_MAX];
    uint32_t bcast = IPV4_ADDR(192, 0, 2, 255);
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, bcast, IPPROTO_UDP_);
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5000, bcast, 9, (const uint8_t *)"?", 1);
    n = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_no_error_about_a_link_layer_broadcast)
{
    struct hw_world *w = hw_new();
    hw_learn_each_other(w);
    /* Unicast IP destination, but sent to ff:ff:ff:ff:ff:ff. [RFC 1122 3.2.2]
     * "a datagram sent as a link-layer broadcast" gets no ICMP error. */
    uint8_t l4[64], frame[HWF_MAX];
    struct ipv4_hdr ip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    size_t n = hwf_udp(l4, HW_ALICE_ADDR, 5000, HW_BOB_ADDR, 9, (const uint8_t *)"?", 1);
    n = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, l4, n);
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_UDP_NO_SOCKET], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    /* Nor for an unknown protocol. */
    const uint8_t body[8] = { 0 };
    ip.proto = 253;
    n = hwf_ipv4(frame, hwf_mac_bcast, ALICE(w)->ifaces[0].mac, &ip, body, 8);
    hw_inject(w, HW_BOB, frame, n);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_IPV4_UNKNOWN_PROTO], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- errors we receive ---------------------------------------------------- */

/* bob tells alice that her datagram sport -> bob:9 met `type`/`code`. */
static void
inject_error_to_alice(struct hw_world *w, uint8_t type, uint8_t code, uint16_t sport,
                      size_t quote_len)
{
    uint8_t quoted[IPV4_HDR_MIN + 8];
    struct ipv4_hdr qip = hwf_ip(HW_ALICE_ADDR, HW_BOB_ADDR, IPPROTO_UDP_);
    qip.total_len = IPV4_HDR_MIN + 8 + 3;
    ipv4_emit(&qip, quoted);
    be16_put(quoted + IPV4_HDR_MIN, sport);
    be16_put(quoted + IPV4_HDR_MIN + 2, 9);
    be16_put(quoted + IPV4_HDR_MIN + 4, 11);
    be16_put(quoted + IPV4_HDR_MIN + 6, 0);
    uint8_t msg[64];
    memcpy(msg + ICMP_HDR_LEN, quoted, quote_len);
    struct icmp_hdr icmp = { .type = type, .code = code };
    icmp_emit(&icmp, msg, ICMP_HDR_LEN + quote_len);
    struct ipv4_hdr ip = hwf_ip(HW_BOB_ADDR, HW_ALICE_ADDR, IPPROTO_ICMP_);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_ipv4(frame, ALICE(w)->ifaces[0].mac, BOB(w)->ifaces[0].mac, &ip, msg,
                        ICMP_HDR_LEN + quote_len);
    hw_inject(w, HW_ALICE, frame, n);
}

/* alice's UDP socket connected to bob:9; returns fd, and its port in *port. */
static int
connected_socket(struct hw_world *w, uint16_t *port)
{
    hw_enter(w);
    struct host *a = ALICE(w);
    int fd = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 9 };
    ck_assert_int_eq(sock_connect(a, fd, &to), 0);
    struct sock_addr me;
    ck_assert_int_eq(sock_getsockname(a, fd, &me), 0);
    *port = me.port;
    return fd;
}

static const struct {
    uint8_t type;
    uint8_t code;
    int err;
} error_map[] = {
    { ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, ERR_CONNREFUSED },
    { ICMP_DEST_UNREACH, ICMP_UNREACH_PROTOCOL, ERR_CONNREFUSED },
    { ICMP_DEST_UNREACH, ICMP_UNREACH_NET, ERR_NETUNREACH },
    { ICMP_DEST_UNREACH, ICMP_UNREACH_HOST, ERR_HOSTUNREACH },
    { ICMP_DEST_UNREACH, ICMP_UNREACH_NEEDFRAG, ERR_MSGSIZE },
    { ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ERR_HOSTUNREACH },
};

START_TEST(test_error_becomes_socket_error)
{
    struct hw_world *w = hw_new();
    uint16_t port;
    int fd = connected_socket(w, &port);
    inject_error_to_alice(w, error_map[_i].type, error_map[_i].code, port, IPV4_HDR_MIN + 8);
    struct inspect_socket is;
    ck_assert(inspect_socket(ALICE(w), fd, &is));
    ck_assert_int_eq(is.so_error, error_map[_i].err);
    hw_enter(w);
    ck_assert_int_eq(sock_send(ALICE(w), fd, (const uint8_t *)"x", 1), -error_map[_i].err);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_error_about_another_port_is_ignored)
{
    struct hw_world *w = hw_new();
    uint16_t port;
    int fd = connected_socket(w, &port);
    inject_error_to_alice(w, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, (uint16_t)(port + 1),
                          IPV4_HDR_MIN + 8);
    struct inspect_socket is;
    ck_assert(inspect_socket(ALICE(w), fd, &is));
    ck_assert_int_eq(is.so_error, 0);
    ck_assert_uint_eq(counter(ALICE(w), "icmp.rx.unreachable"), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_error_with_short_quote_is_dropped)
{
    struct hw_world *w = hw_new();
    uint16_t port;
    int fd = connected_socket(w, &port);
    /* The IP header but not the 8 bytes that name the ports. */
    inject_error_to_alice(w, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, port, IPV4_HDR_MIN + 4);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ICMP_TRUNCATED], 1);
    struct inspect_socket is;
    ck_assert(inspect_socket(ALICE(w), fd, &is));
    ck_assert_int_eq(is.so_error, 0);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
icmp_suite(void)
{
    Suite *s = suite_create("icmp");
    TCase *tc = tcase_create("echo");
    tcase_add_test(tc, test_echo_request_gets_reply_with_same_id_seq_data);
    tcase_add_test(tc, test_echo_reply_comes_from_the_address_asked);
    tcase_add_test(tc, test_broadcast_echo_answered_from_own_address);
    tcase_add_test(tc, test_bad_checksum_is_dropped);
    tcase_add_test(tc, test_truncated_message_is_dropped);
    tcase_add_test(tc, test_unhandled_types_are_dropped);
    suite_add_tcase(s, tc);

    tc = tcase_create("ping_socket");
    tcase_add_test(tc, test_ping_socket_round_trip);
    tcase_add_test(tc, test_reply_goes_to_the_socket_with_its_id);
    tcase_add_test(tc, test_ping_socket_rejects_what_is_not_an_echo_request);
    suite_add_tcase(s, tc);

    tc = tcase_create("send_error");
    tcase_add_test(tc, test_port_unreachable_quotes_header_and_8_bytes);
    tcase_add_test(tc, test_no_error_about_an_error);
    tcase_add_test(tc, test_no_error_about_broadcast_fragment_or_odd_source);
    tcase_add_test(tc, test_no_port_unreachable_for_a_broadcast);
    tcase_add_test(tc, test_no_error_about_a_link_layer_broadcast);
    suite_add_tcase(s, tc);

    tc = tcase_create("receive_error");
    tcase_add_loop_test(tc, test_error_becomes_socket_error, 0,
                        (int)(sizeof(error_map) / sizeof(error_map[0])));
    tcase_add_test(tc, test_error_about_another_port_is_ignored);
    tcase_add_test(tc, test_error_with_short_quote_is_dropped);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(icmp_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
