/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_arp.c - the ARP cache and resolver [RFC 826] [RFC 1122 2.3.2].
 *
 * alice (192.0.2.1) sends UDP to bob (192.0.2.2) with an empty cache, so every
 * test starts with a miss. Replies are either delivered (hw_deliver), lost
 * (hw_lose) or hand-made and injected.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/frames.h"
#include "harness/harness.h"
#include "stack/arp.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/inspect.h"
#include "stack/socket.h"

#define ALICE(w) (&(w)->host[HW_ALICE])
#define BOB(w)   (&(w)->host[HW_BOB])
#define SEC      (1000ull * 1000 * 1000)

static const uint8_t mac_zero[ETH_ALEN] = { 0 };
static const uint8_t mac_carol[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x01 };
#define CAROL_ADDR 0xc0000203u  /* 192.0.2.3, not a host of the world */

/* A UDP socket on `who`, bound to port (0: unbound). */
static int
udp_socket(struct hw_world *w, int who, uint16_t port)
{
    hw_enter(w);
    struct host *h = &w->host[who];
    int fd = sock_socket(h, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    ck_assert_int_ge(fd, SOCK_FD_BASE);
    if (port != 0) {
        struct sock_addr a = { .addr = 0, .port = port };
        ck_assert_int_eq(sock_bind(h, fd, &a), 0);
    }
    return fd;
}

/* alice sends one byte to bob:7. */
static void
alice_sends(struct hw_world *w, int fd, uint8_t byte)
{
    hw_enter(w);
    struct sock_addr to = { .addr = HW_BOB_ADDR, .port = 7 };
    ck_assert_int_eq(sock_sendto(ALICE(w), fd, &byte, 1, &to), 1);
}

/* The ARP entry `who` has for ip; fails if there is none. */
static struct inspect_arp
arp_entry(struct hw_world *w, int who, uint32_t ip)
{
    struct inspect_arp e;
    ck_assert_msg(inspect_arp_find(&w->host[who], ip, &e), "no ARP entry");
    return e;
}

static bool
has_entry(struct hw_world *w, int who, uint32_t ip)
{
    struct inspect_arp e;
    return inspect_arp_find(&w->host[who], ip, &e);
}

/* Pop alice's next frame and check it is a who-has for `tpa`. */
static void
expect_request(struct hw_world *w, int from, uint32_t tpa)
{
    struct pkt *p = hw_take(w, from);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.op, ARP_OP_REQUEST);
    ck_assert_uint_eq(f.arp.tpa, tpa);
    ck_assert_mem_eq(f.eth.dst, hwf_mac_bcast, ETH_ALEN);
    pkt_free(p);
}

/* An ARP frame from carol (or anyone) injected into bob. */
static void
inject_arp(struct hw_world *w, int to, uint16_t op, const uint8_t sha[ETH_ALEN], uint32_t spa,
           uint32_t tpa, const uint8_t eth_dst[ETH_ALEN])
{
    struct arp_hdr a = {
        .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN, .plen = 4,
        .op = op, .spa = spa, .tpa = tpa,
    };
    memcpy(a.sha, sha, ETH_ALEN);
    uint8_t frame[HWF_MAX];
    size_t n = hwf_arp(frame, eth_dst, &a);
    hw_inject(w, to, frame, n);
}

/* --- resolution ----------------------------------------------------------- */

START_TEST(test_miss_broadcasts_who_has)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'x');
    /* Only the request went out: the datagram waits for the MAC. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_mem_eq(f.eth.dst, hwf_mac_bcast, ETH_ALEN);
    ck_assert_mem_eq(f.eth.src, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(f.frame_len, ETH_MIN_FRAME);  /* 42 bytes padded to 60 */
    ck_assert_uint_eq(f.arp.op, ARP_OP_REQUEST);
    ck_assert_uint_eq(f.arp.spa, HW_ALICE_ADDR);
    ck_assert_mem_eq(f.arp.sha, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(f.arp.tpa, HW_BOB_ADDR);
    ck_assert_mem_eq(f.arp.tha, mac_zero, ETH_ALEN);
    pkt_free(p);
    struct inspect_arp e = arp_entry(w, HW_ALICE, HW_BOB_ADDR);
    ck_assert_str_eq(e.state, "INCOMPLETE");
    ck_assert_uint_eq(e.queued, 1);
    ck_assert_mem_eq(e.mac, mac_zero, ETH_ALEN);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_reply_is_unicast_to_the_asker)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'x');
    ck_assert(hw_deliver_one(w, HW_ALICE));  /* the request reaches bob */
    struct pkt *p = hw_take(w, HW_BOB);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.op, ARP_OP_REPLY);
    ck_assert_mem_eq(f.eth.dst, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_mem_eq(f.eth.src, BOB(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(f.arp.spa, HW_BOB_ADDR);
    ck_assert_mem_eq(f.arp.sha, BOB(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_uint_eq(f.arp.tpa, HW_ALICE_ADDR);
    ck_assert_mem_eq(f.arp.tha, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_reply_fills_both_caches)
{
    struct hw_world *w = hw_new();
    w->now_ns = 5 * SEC;
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'x');
    hw_deliver(w);
    struct inspect_arp a = arp_entry(w, HW_ALICE, HW_BOB_ADDR);
    ck_assert_str_eq(a.state, "REACHABLE");
    ck_assert_mem_eq(a.mac, BOB(w)->ifaces[0].mac, ETH_ALEN);
    ck_assert_str_eq(a.ifname, "eth0");
    ck_assert_uint_eq(a.expires_ns, 5 * SEC + ARP_TIMEOUT_NS);
    ck_assert_uint_eq(a.queued, 0);
    /* [RFC 826] the target of a request learns the sender. */
    struct inspect_arp b = arp_entry(w, HW_BOB, HW_ALICE_ADDR);
    ck_assert_str_eq(b.state, "REACHABLE");
    ck_assert_mem_eq(b.mac, ALICE(w)->ifaces[0].mac, ETH_ALEN);
    /* So bob's answer to the datagram needs no request of its own. */
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_BOB), 1);  /* the reply only */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_second_send_uses_cache)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    hw_deliver(w);
    size_t arp_tx = hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE);
    alice_sends(w, fd, 'b');
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_ipv4);
    ck_assert_mem_eq(f.eth.dst, BOB(w)->ifaces[0].mac, ETH_ALEN);
    pkt_free(p);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE), arp_tx);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_queued_packets_flushed_in_order)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB, 7);
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, '1');
    alice_sends(w, fd, '2');
    alice_sends(w, fd, '3');
    /* One request for three packets. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).queued, 3);
    ck_assert(hw_deliver_one(w, HW_ALICE));  /* request -> bob */
    ck_assert(hw_deliver_one(w, HW_BOB));    /* reply -> alice, who flushes */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 3);
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).queued, 0);
    hw_deliver(w);
    const char want[] = "123";
    for (int i = 0; i < 3; i++) {
        uint8_t b = 0;
        ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), 1);
        ck_assert_int_eq(b, want[i]);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

/* The memory one of alice's one-byte datagrams takes in the queue. */
static size_t
one_byte_datagram_mem(struct hw_world *w)
{
    struct pkt *p = host_pkt_alloc(ALICE(w), PKT_HEADROOM, ETH_HDR_LEN + 20 + 8 + 1);
    ck_assert_ptr_nonnull(p);
    size_t mem = arp_pkt_mem(p);
    pkt_free(p);
    return mem;
}

/* Linux holds unres_qlen_bytes (212992) bytes per unresolved neighbour, not
 * a few packets: a burst of 100 small datagrams waits whole and arrives in
 * order. (With the old bound of 3 packets, 97 of them were dropped.) */
START_TEST(test_queue_holds_a_burst_within_its_bytes)
{
    struct hw_world *w = hw_new();
    ck_assert_uint_eq(ALICE(w)->arp.queue_max_bytes, ARP_QUEUE_MAX_BYTES);
    ck_assert_uint_lt(100 * one_byte_datagram_mem(w), ARP_QUEUE_MAX_BYTES);
    int rx = udp_socket(w, HW_BOB, 7);
    int fd = udp_socket(w, HW_ALICE, 0);
    for (int i = 0; i < 100; i++)
        alice_sends(w, fd, (uint8_t)i);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);  /* one who-has */
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).queued, 100);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_QUEUE_FULL], 0);
    hw_deliver(w);
    for (int i = 0; i < 100; i++) {
        uint8_t b = 0xff;
        ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), 1);
        ck_assert_int_eq(b, i);
    }
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_queue_overflow_drops_oldest)
{
    struct hw_world *w = hw_new();
    /* Room for exactly three datagrams: the fourth pushes the first out. */
    size_t mem = one_byte_datagram_mem(w);
    ALICE(w)->arp.queue_max_bytes = 3 * mem + mem / 2;
    int rx = udp_socket(w, HW_BOB, 7);
    int fd = udp_socket(w, HW_ALICE, 0);
    for (int i = 0; i < 3 + 1; i++)
        alice_sends(w, fd, (uint8_t)('1' + i));
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_QUEUE_FULL], 1);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ARP_QUEUE_FULL), 1);
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).queued, 3);
    /* [RFC 1122 2.3.2.2] keep the latest: '1' was dropped, '2'.. arrive. */
    hw_deliver(w);
    for (int i = 1; i < 3 + 1; i++) {
        uint8_t b = 0;
        ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), 1);
        ck_assert_int_eq(b, '1' + i);
    }
    uint8_t b;
    ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), -ERR_AGAIN);
    hw_destroy(w);
    free(w);
}
END_TEST

/* [RFC 1122 2.3.2.2] "SHOULD save at least one (the latest) packet": even a
 * bound smaller than one packet keeps the newest. */
START_TEST(test_queue_always_keeps_the_latest)
{
    struct hw_world *w = hw_new();
    ALICE(w)->arp.queue_max_bytes = 1;
    int rx = udp_socket(w, HW_BOB, 7);
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    alice_sends(w, fd, 'b');
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).queued, 1);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_QUEUE_FULL], 1);
    hw_deliver(w);
    uint8_t b = 0;
    ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), 1);
    ck_assert_int_eq(b, 'b');
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- retries and giving up ------------------------------------------------ */

START_TEST(test_retry_once_a_second_then_unresolved)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    alice_sends(w, fd, 'b');
    expect_request(w, HW_ALICE, HW_BOB_ADDR);  /* request 1, lost */
    ck_assert_uint_eq(host_next_deadline(ALICE(w)), ARP_RETRY_NS);

    hw_advance(w, ARP_RETRY_NS - 1);
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);  /* not yet */
    for (int n = 2; n <= ARP_MAX_TRIES; n++) {
        hw_advance(w, 1);
        ck_assert_uint_eq(hw_pending(w, HW_ALICE), 1);
        expect_request(w, HW_ALICE, HW_BOB_ADDR);
        const struct hw_event *t = hw_last(w, TRACE_TIMER, LAYER_ARP, HW_ALICE);
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_eq(t->cause.kind, CAUSE_TIMER);
        ck_assert_uint_eq(t->cause.timer, TIMER_ARP_RETRY);
        ck_assert_str_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).state, "INCOMPLETE");
        ck_assert_uint_eq(host_next_deadline(ALICE(w)), w->now_ns + ARP_RETRY_NS);
        hw_advance(w, ARP_RETRY_NS - 1);
        ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    }
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_UNRESOLVED], 0);
    hw_advance(w, 1);
    /* ARP_MAX_TRIES requests, then the queued packets die and the entry goes. */
    ck_assert_uint_eq(hw_pending(w, HW_ALICE), 0);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_UNRESOLVED], 2);
    ck_assert_uint_eq(hw_count_drops(w, DROP_ARP_UNRESOLVED), 2);
    ck_assert_uint_eq(hw_count(w, TRACE_TX, LAYER_ARP, HW_ALICE), ARP_MAX_TRIES);
    ck_assert(!has_entry(w, HW_ALICE, HW_BOB_ADDR));
    ck_assert_uint_eq(host_next_deadline(ALICE(w)), UINT64_MAX);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_late_reply_still_resolves)
{
    struct hw_world *w = hw_new();
    int rx = udp_socket(w, HW_BOB, 7);
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'z');
    hw_lose(w, HW_ALICE);
    hw_advance(w, ARP_RETRY_NS);  /* second request: this one is answered */
    hw_deliver(w);
    ck_assert_str_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).state, "REACHABLE");
    uint8_t b;
    ck_assert_int_eq(sock_recv(BOB(w), rx, &b, 1), 1);
    ck_assert_int_eq(b, 'z');
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- ageing --------------------------------------------------------------- */

START_TEST(test_entry_ages_out)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    hw_deliver(w);
    uint64_t learned = w->now_ns;
    ck_assert_uint_eq(host_next_deadline(ALICE(w)), learned + ARP_TIMEOUT_NS);
    hw_advance(w, ARP_TIMEOUT_NS - 1);
    ck_assert_str_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).state, "REACHABLE");
    hw_advance(w, 1);
    ck_assert(!has_entry(w, HW_ALICE, HW_BOB_ADDR));
    ck_assert(!has_entry(w, HW_BOB, HW_ALICE_ADDR));
    ck_assert_uint_eq(host_next_deadline(ALICE(w)), UINT64_MAX);
    const struct hw_event *e = hw_last(w, TRACE_CACHE, LAYER_ARP, HW_ALICE);
    ck_assert_uint_eq(e->cause.timer, TIMER_ARP_EXPIRE);
    /* Talking again asks again. */
    alice_sends(w, fd, 'b');
    expect_request(w, HW_ALICE, HW_BOB_ADDR);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_permanent_entry_never_ages_and_needs_no_request)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(arp_cache_set_permanent(a, &a->ifaces[0], HW_BOB_ADDR, BOB(w)->ifaces[0].mac),
                     0);
    ck_assert_str_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).state, "PERMANENT");
    ck_assert_uint_eq(host_next_deadline(a), UINT64_MAX);
    hw_advance(w, 10 * ARP_TIMEOUT_NS);
    ck_assert_str_eq(arp_entry(w, HW_ALICE, HW_BOB_ADDR).state, "PERMANENT");
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_ipv4);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_permanent_entry_can_be_replaced_by_hand)
{
    struct hw_world *w = hw_new();
    struct host *a = ALICE(w);
    ck_assert_int_eq(arp_cache_set_permanent(a, &a->ifaces[0], CAROL_ADDR, mac_zero), 0);
    ck_assert_int_eq(arp_cache_set_permanent(a, &a->ifaces[0], CAROL_ADDR, mac_carol), 0);
    struct inspect_arp e = arp_entry(w, HW_ALICE, CAROL_ADDR);
    ck_assert_str_eq(e.state, "PERMANENT");
    ck_assert_mem_eq(e.mac, mac_carol, ETH_ALEN);
    /* But an ARP packet does not overwrite a static entry. */
    static const uint8_t mac_evil[ETH_ALEN] = { 0x02, 0, 0, 0, 0x66, 0x66 };
    inject_arp(w, HW_ALICE, ARP_OP_REPLY, mac_evil, CAROL_ADDR, HW_ALICE_ADDR,
               a->ifaces[0].mac);
    e = arp_entry(w, HW_ALICE, CAROL_ADDR);
    ck_assert_str_eq(e.state, "PERMANENT");
    ck_assert_mem_eq(e.mac, mac_carol, ETH_ALEN);
    hw_destroy(w);
    free(w);
}
END_TEST

/* Neighbour i (0..199) of bob's LAN: 192.0.2.10 + i, its MAC ends in i. */
static uint32_t
neighbour_addr(unsigned i)
{
    ck_assert_uint_lt(i, 200);
    return IPV4_ADDR(192, 0, 2, 10 + i);
}

/* Senders asking bob for his address, learned one after another; the clock
 * moves `gap_ns` between them. */
static void
learn_neighbours(struct hw_world *w, unsigned n, uint64_t gap_ns)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t mac[ETH_ALEN] = { 0x02, 0, 0, 0x10, (uint8_t)(i >> 8), (uint8_t)i };
        inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac, neighbour_addr(i), HW_BOB_ADDR,
                   hwf_mac_bcast);
        hw_lose(w, HW_BOB);
        w->now_ns += gap_ns;
    }
}

/* A host pays for the neighbours it has: nothing before the first, then a
 * table that doubles. A router with 101 neighbours keeps every one of them
 * (the old fixed table of 64 evicted 37 and asked again). */
START_TEST(test_cache_grows_on_demand)
{
    struct hw_world *w = hw_new();
    ck_assert_ptr_null(BOB(w)->arp.e);
    ck_assert_uint_eq(BOB(w)->arp.cap, 0);
    learn_neighbours(w, 1, 0);
    ck_assert_uint_eq(BOB(w)->arp.cap, ARP_CACHE_FIRST);
    learn_neighbours(w, 101, 0);  /* the first one again, then 100 more */
    ck_assert_uint_eq(inspect_arp(BOB(w), NULL, 0), 101);
    ck_assert_uint_eq(BOB(w)->arp.used, 101);
    ck_assert_uint_eq(BOB(w)->arp.cap, 128);
    for (unsigned i = 0; i < 101; i++) {
        struct inspect_arp e = arp_entry(w, HW_BOB, neighbour_addr(i));
        ck_assert_str_eq(e.state, "REACHABLE");
        ck_assert_uint_eq(e.mac[5], (uint8_t)i);
    }
    for (size_t k = 0; k < w->n_ev; k++)
        ck_assert_msg(strstr(w->ev[k].text, "evict") == NULL, "evicted: %s", w->ev[k].text);
    /* Aging empties the slots; the table keeps its size for the next ones. */
    hw_advance(w, ARP_TIMEOUT_NS);
    ck_assert_uint_eq(inspect_arp(BOB(w), NULL, 0), 0);
    ck_assert_uint_eq(BOB(w)->arp.used, 0);
    hw_destroy(w);
    ck_assert_ptr_null(BOB(w)->arp.e);  /* freed with the host */
    free(w);
}
END_TEST

START_TEST(test_full_cache_evicts_entry_closest_to_expiry)
{
    struct hw_world *w = hw_new();
    /* The documentation ranges hold fewer than ARP_CACHE_MAX (1024, Linux's
     * gc_thresh3) addresses, so the bound is lowered to 100 here; the table
     * stops growing at it. */
    BOB(w)->arp.max_entries = 100;
    learn_neighbours(w, 100, 1000 * 1000);  /* one a millisecond */
    ck_assert_uint_eq(inspect_arp(BOB(w), NULL, 0), 100);
    ck_assert_uint_eq(BOB(w)->arp.cap, 100);
    /* One more: the one confirmed longest ago (the first) goes. */
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_carol, CAROL_ADDR, HW_BOB_ADDR, hwf_mac_bcast);
    hw_lose(w, HW_BOB);
    ck_assert_uint_eq(inspect_arp(BOB(w), NULL, 0), 100);
    ck_assert_uint_eq(BOB(w)->arp.cap, 100);
    ck_assert(has_entry(w, HW_BOB, CAROL_ADDR));
    ck_assert(!has_entry(w, HW_BOB, neighbour_addr(0)));
    ck_assert(has_entry(w, HW_BOB, neighbour_addr(1)));
    hw_destroy(w);
    free(w);
}
END_TEST

/* At the bound with nothing to evict (every entry waits for a reply), a new
 * neighbour is refused and its packet dropped, as Linux's "neighbour table
 * overflow"; the packets already waiting keep their places. */
START_TEST(test_full_cache_of_incomplete_entries_refuses_a_new_one)
{
    struct hw_world *w = hw_new();
    ALICE(w)->arp.max_entries = 4;
    int fd = udp_socket(w, HW_ALICE, 0);
    for (unsigned i = 0; i < 5; i++) {
        hw_enter(w);
        struct sock_addr to = { .addr = IPV4_ADDR(192, 0, 2, 10 + i), .port = 7 };
        /* The fifth finds no slot: the caller hears "no buffer space". */
        ck_assert_int_eq(sock_sendto(ALICE(w), fd, (const uint8_t *)"x", 1, &to),
                         i < 4 ? 1 : -ERR_NOBUFS);
    }
    ck_assert_uint_eq(inspect_arp(ALICE(w), NULL, 0), 4);
    ck_assert_uint_eq(ALICE(w)->arp.cap, 4);
    ck_assert_uint_eq(ALICE(w)->stats.drops[DROP_ARP_QUEUE_FULL], 1);
    ck_assert(!has_entry(w, HW_ALICE, IPV4_ADDR(192, 0, 2, 14)));
    ck_assert_uint_eq(arp_entry(w, HW_ALICE, IPV4_ADDR(192, 0, 2, 10)).queued, 1);
    hw_lose(w, HW_ALICE);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- what arrives --------------------------------------------------------- */

START_TEST(test_gratuitous_announce)
{
    struct hw_world *w = hw_new();
    ck_assert_int_eq(arp_announce(&ALICE(w)->ifaces[0]), 0);
    struct pkt *p = hw_take(w, HW_ALICE);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.op, ARP_OP_REQUEST);
    ck_assert_mem_eq(f.eth.dst, hwf_mac_bcast, ETH_ALEN);
    /* [RFC 5227 3] sender and target protocol address are both mine. */
    ck_assert_uint_eq(f.arp.spa, HW_ALICE_ADDR);
    ck_assert_uint_eq(f.arp.tpa, HW_ALICE_ADDR);
    ck_assert_mem_eq(f.arp.tha, mac_zero, ETH_ALEN);
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_iface_up_announces_when_asked)
{
    struct hw_world *w = hw_new();
    struct host *b = BOB(w);
    struct hw_port port = { 0 };
    static const uint8_t mac1[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };
    struct iface *eth1 = host_add_iface(b, "eth1", mac1, IPV4_ADDR(198, 51, 100, 254), 24, 1500,
                                        &hw_port_ops, &port);
    ck_assert_ptr_nonnull(eth1);
    hw_enter(w);
    host_iface_up(b, eth1, true);
    ck_assert_uint_eq(port.out.count, 1);
    struct pkt *p = pkt_queue_pop(&port.out);
    struct hwf f;
    hwf_decode(p, &f);
    ck_assert(f.is_arp);
    ck_assert_uint_eq(f.arp.spa, IPV4_ADDR(198, 51, 100, 254));
    ck_assert_uint_eq(f.arp.tpa, IPV4_ADDR(198, 51, 100, 254));
    pkt_free(p);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_announce_updates_a_known_sender)
{
    struct hw_world *w = hw_new();
    int fd = udp_socket(w, HW_ALICE, 0);
    alice_sends(w, fd, 'a');
    hw_deliver(w);
    /* alice's card is replaced; she announces her address with the new MAC. */
    static const uint8_t mac_new[ETH_ALEN] = { 0x02, 0, 0, 0, 0x01, 0x99 };
    memcpy(ALICE(w)->ifaces[0].mac, mac_new, ETH_ALEN);
    w->now_ns += 7 * SEC;
    arp_announce(&ALICE(w)->ifaces[0]);
    hw_deliver(w);
    struct inspect_arp e = arp_entry(w, HW_BOB, HW_ALICE_ADDR);
    ck_assert_mem_eq(e.mac, mac_new, ETH_ALEN);
    ck_assert_uint_eq(e.expires_ns, 7 * SEC + ARP_TIMEOUT_NS);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_NOT_FOR_US], 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_announce_from_stranger_is_not_learned)
{
    struct hw_world *w = hw_new();
    arp_announce(&ALICE(w)->ifaces[0]);
    hw_deliver(w);
    /* [RFC 826] not for bob and alice unknown: nothing to merge. */
    ck_assert(!has_entry(w, HW_BOB, HW_ALICE_ADDR));
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_NOT_FOR_US], 1);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_request_not_for_us_from_unknown_is_dropped)
{
    struct hw_world *w = hw_new();
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_carol, CAROL_ADDR, IPV4_ADDR(192, 0, 2, 4),
               hwf_mac_bcast);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_NOT_FOR_US], 1);
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ARP], 1);
    ck_assert(!has_entry(w, HW_BOB, CAROL_ADDR));
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* no reply */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_request_not_for_us_from_known_sender_refreshes)
{
    struct hw_world *w = hw_new();
    /* bob learns carol from a request carol makes for bob. */
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_carol, CAROL_ADDR, HW_BOB_ADDR, hwf_mac_bcast);
    hw_lose(w, HW_BOB);
    ck_assert_uint_eq(arp_entry(w, HW_BOB, CAROL_ADDR).expires_ns, ARP_TIMEOUT_NS);
    /* Later carol asks for someone else, from a new card. */
    static const uint8_t mac_new[ETH_ALEN] = { 0x02, 0, 0, 0, 0x03, 0x02 };
    w->now_ns = 30 * SEC;
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_new, CAROL_ADDR, IPV4_ADDR(192, 0, 2, 4),
               hwf_mac_bcast);
    struct inspect_arp e = arp_entry(w, HW_BOB, CAROL_ADDR);
    ck_assert_mem_eq(e.mac, mac_new, ETH_ALEN);
    ck_assert_uint_eq(e.expires_ns, 30 * SEC + ARP_TIMEOUT_NS);
    ck_assert_uint_eq(BOB(w)->stats.drops[DROP_ARP_NOT_FOR_US], 0);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* not ours to answer */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_unsolicited_reply_to_us_is_learned)
{
    struct hw_world *w = hw_new();
    inject_arp(w, HW_BOB, ARP_OP_REPLY, mac_carol, CAROL_ADDR, HW_BOB_ADDR,
               BOB(w)->ifaces[0].mac);
    struct inspect_arp e = arp_entry(w, HW_BOB, CAROL_ADDR);
    ck_assert_str_eq(e.state, "REACHABLE");
    ck_assert_mem_eq(e.mac, mac_carol, ETH_ALEN);
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);  /* a reply is not answered */
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_sender_claiming_our_address_is_ignored)
{
    struct hw_world *w = hw_new();
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_carol, HW_BOB_ADDR, HW_BOB_ADDR, hwf_mac_bcast);
    ck_assert(!has_entry(w, HW_BOB, HW_BOB_ADDR));
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- malformed ------------------------------------------------------------ */

/* Inject into bob the first n bytes of a good ARP request from carol whose
 * byte `off` is set to val (off == ARP_LEN: unchanged). */
static void
inject_raw_arp(struct hw_world *w, size_t n, size_t off, uint8_t val)
{
    struct arp_hdr a = {
        .htype = ARP_HTYPE_ETH, .ptype = ETHERTYPE_IPV4, .hlen = ETH_ALEN, .plen = 4,
        .op = ARP_OP_REQUEST, .spa = CAROL_ADDR, .tpa = HW_BOB_ADDR,
    };
    memcpy(a.sha, mac_carol, ETH_ALEN);
    uint8_t frame[HWF_MAX];
    hwf_arp(frame, hwf_mac_bcast, &a);
    if (off < ARP_LEN)
        frame[ETH_HDR_LEN + off] = val;
    hw_inject(w, HW_BOB, frame, ETH_HDR_LEN + n);
}

static const struct {
    size_t len;     /* ARP body bytes */
    size_t off;     /* byte to change, or ARP_LEN for none */
    uint8_t val;    /* its new value */
    enum drop_reason why;
} malformed[] = {
    { 6, ARP_LEN, 0, DROP_ARP_TRUNCATED },       /* not even htype..op */
    { 27, ARP_LEN, 0, DROP_ARP_TRUNCATED },      /* target address cut */
    { ARP_LEN, 1, 6, DROP_ARP_BAD_HW },          /* htype 6 (IEEE 802) */
    { ARP_LEN, 4, 8, DROP_ARP_BAD_HW },          /* hlen 8 */
    { ARP_LEN, 2, 0x86, DROP_ARP_BAD_PROTO },    /* ptype 0x8600 */
    { ARP_LEN, 5, 16, DROP_ARP_BAD_PROTO },      /* plen 16 */
    { ARP_LEN, 7, 3, DROP_ARP_BAD_OP },          /* op 3 (RARP request) */
    { ARP_LEN, 7, 0, DROP_ARP_BAD_OP },          /* op 0 */
};

START_TEST(test_malformed_arp_dropped_with_reason)
{
    struct hw_world *w = hw_new();
    inject_raw_arp(w, malformed[_i].len, malformed[_i].off, malformed[_i].val);
    enum drop_reason why = malformed[_i].why;
    ck_assert_msg(BOB(w)->stats.drops[why] == 1, "expected %s", drop_reason_name(why));
    ck_assert_uint_eq(BOB(w)->stats.drop_layer[LAYER_ARP], 1);
    ck_assert_uint_eq(hw_count_drops(w, (int)why), 1);
    ck_assert(!has_entry(w, HW_BOB, CAROL_ADDR));
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 0);
    hw_destroy(w);
    free(w);
}
END_TEST

START_TEST(test_padded_arp_is_accepted)
{
    struct hw_world *w = hw_new();
    /* A real frame: 28 bytes of ARP and 18 of padding. */
    inject_raw_arp(w, ETH_MIN_FRAME - ETH_HDR_LEN, ARP_LEN, 0);
    ck_assert(has_entry(w, HW_BOB, CAROL_ADDR));
    ck_assert_uint_eq(hw_pending(w, HW_BOB), 1);
    hw_destroy(w);
    free(w);
}
END_TEST

/* --- deadlines ------------------------------------------------------------ */

START_TEST(test_next_deadline_is_earliest)
{
    struct hw_world *w = hw_new();
    ck_assert_uint_eq(host_next_deadline(BOB(w)), UINT64_MAX);
    w->now_ns = 10 * SEC;
    inject_arp(w, HW_BOB, ARP_OP_REQUEST, mac_carol, CAROL_ADDR, HW_BOB_ADDR, hwf_mac_bcast);
    hw_lose(w, HW_BOB);
    ck_assert_uint_eq(host_next_deadline(BOB(w)), 10 * SEC + ARP_TIMEOUT_NS);
    /* A pending resolution is due sooner. */
    w->now_ns = 20 * SEC;
    int fd = udp_socket(w, HW_BOB, 0);
    struct sock_addr to = { .addr = HW_ALICE_ADDR, .port = 7 };
    ck_assert_int_eq(sock_sendto(BOB(w), fd, (const uint8_t *)"x", 1, &to), 1);
    ck_assert_uint_eq(host_next_deadline(BOB(w)), 20 * SEC + ARP_RETRY_NS);
    hw_destroy(w);
    free(w);
}
END_TEST

static Suite *
arp_suite(void)
{
    Suite *s = suite_create("arp");
    TCase *tc = tcase_create("resolve");
    tcase_add_test(tc, test_miss_broadcasts_who_has);
    tcase_add_test(tc, test_reply_is_unicast_to_the_asker);
    tcase_add_test(tc, test_reply_fills_both_caches);
    tcase_add_test(tc, test_second_send_uses_cache);
    tcase_add_test(tc, test_queued_packets_flushed_in_order);
    tcase_add_test(tc, test_queue_holds_a_burst_within_its_bytes);
    tcase_add_test(tc, test_queue_overflow_drops_oldest);
    tcase_add_test(tc, test_queue_always_keeps_the_latest);
    suite_add_tcase(s, tc);

    tc = tcase_create("retry");
    tcase_add_test(tc, test_retry_once_a_second_then_unresolved);
    tcase_add_test(tc, test_late_reply_still_resolves);
    suite_add_tcase(s, tc);

    tc = tcase_create("cache");
    tcase_add_test(tc, test_entry_ages_out);
    tcase_add_test(tc, test_permanent_entry_never_ages_and_needs_no_request);
    tcase_add_test(tc, test_permanent_entry_can_be_replaced_by_hand);
    tcase_add_test(tc, test_cache_grows_on_demand);
    tcase_add_test(tc, test_full_cache_evicts_entry_closest_to_expiry);
    tcase_add_test(tc, test_full_cache_of_incomplete_entries_refuses_a_new_one);
    tcase_add_test(tc, test_next_deadline_is_earliest);
    suite_add_tcase(s, tc);

    tc = tcase_create("input");
    tcase_add_test(tc, test_gratuitous_announce);
    tcase_add_test(tc, test_iface_up_announces_when_asked);
    tcase_add_test(tc, test_announce_updates_a_known_sender);
    tcase_add_test(tc, test_announce_from_stranger_is_not_learned);
    tcase_add_test(tc, test_request_not_for_us_from_unknown_is_dropped);
    tcase_add_test(tc, test_request_not_for_us_from_known_sender_refreshes);
    tcase_add_test(tc, test_unsolicited_reply_to_us_is_learned);
    tcase_add_test(tc, test_sender_claiming_our_address_is_ignored);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_malformed_arp_dropped_with_reason, 0,
                        (int)(sizeof(malformed) / sizeof(malformed[0])));
    tcase_add_test(tc, test_padded_arp_is_accepted);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(arp_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
