/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fuzz.c - malformed frames into live hosts: dropped with a reason,
 * counted, never a crash, never a leak.
 *
 * Seed frames come from real traffic between alice and bob (ARP request and
 * reply, UDP both ways, ICMP echo, an ICMP port unreachable) plus a hand-made
 * TCP SYN. Each round mutates one seed (flip bytes, truncate, extend with
 * garbage, rewrite a header field with a random value) and injects it into
 * bob; whatever bob sends in answer is delivered to alice, whose answers are
 * thrown away. The suite runs under ASan and UBSan in `make test`, which is
 * what turns "no crash" into a real check. A fixed seed keeps it replayable.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "stack/drop.h"
#include "stack/inspect.h"
#include "stack/rng.h"
#include "stack/socket.h"
#include "stack/wire/eth.h"
#include "stack/wire/ipv4.h"
#include "stack/wire/tcp.h"

#define FUZZ_ROUNDS   60000
#define SEED_MAX      16
#define FRAME_MAX     1600

struct seed_frame {
    uint8_t b[FRAME_MAX];
    size_t len;
};

struct corpus {
    struct seed_frame f[SEED_MAX];
    size_t n;
};

/* Copy every frame host `from` has queued into the corpus. Unicast frames
 * are readdressed to bob's MAC, since the fuzzed frames are injected into
 * bob and should get past his Ethernet layer. */
static void
harvest(struct hw_world *w, struct corpus *c, int from)
{
    const uint8_t *bob_mac = w->host[HW_BOB].ifaces[0].mac;
    for (const struct pkt *p = hw_peek(w, from); p != NULL; p = p->next) {
        if (c->n < SEED_MAX && p->len <= FRAME_MAX) {
            memcpy(c->f[c->n].b, p->data, p->len);
            if (!mac_is_broadcast(c->f[c->n].b))
                memcpy(c->f[c->n].b, bob_mac, ETH_ALEN);
            c->f[c->n].len = p->len;
            c->n++;
        }
    }
}

static void
build_corpus(struct corpus *c)
{
    struct hw_world *w = calloc(1, sizeof(*w));
    ck_assert_ptr_nonnull(w);
    hw_init(w);
    struct host *a = &w->host[HW_ALICE], *b = &w->host[HW_BOB];
    hw_enter(w);
    int sb = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr port7 = { 0, 7 };
    ck_assert_int_eq(sock_bind(b, sb, &port7), 0);
    int sa = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr to7 = { HW_BOB_ADDR, 7 }, to9 = { HW_BOB_ADDR, 9 };
    ck_assert_int_eq(sock_sendto(a, sa, (const uint8_t *)"fuzz me", 7, &to7), 7);
    /* alice: ARP request; bob: ARP reply; alice: the UDP datagram. */
    harvest(w, c, HW_ALICE);
    hw_deliver_one(w, HW_ALICE);
    harvest(w, c, HW_BOB);
    hw_deliver(w);
    ck_assert_int_eq(sock_sendto(a, sa, (const uint8_t *)"to a closed port", 16, &to9), 16);
    harvest(w, c, HW_ALICE);
    hw_deliver_one(w, HW_ALICE);
    harvest(w, c, HW_BOB); /* the ICMP port unreachable */
    hw_deliver(w);
    int ping = sock_socket(a, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_ICMP);
    uint8_t echo[8 + 32] = { 8, 0 };
    echo[7] = 1;
    ck_assert_int_eq(sock_sendto(a, ping, echo, sizeof(echo), &to7), (int)sizeof(echo));
    harvest(w, c, HW_ALICE);
    hw_deliver_one(w, HW_ALICE);
    harvest(w, c, HW_BOB); /* the echo reply */
    hw_deliver(w);

    /* A TCP SYN with every option, as a client would send it. */
    struct seed_frame *f = &c->f[c->n++];
    struct tcp_hdr syn = { .sport = 49152, .dport = 80, .seq = 1000, .flags = TCP_SYN,
                           .wnd = 65535 };
    syn.opts.has_mss = true;
    syn.opts.mss = 1460;
    syn.opts.sack_permitted = true;
    syn.opts.has_ts = true;
    syn.opts.ts_val = 1;
    syn.opts.has_wscale = true;
    syn.opts.wscale = 7;
    size_t tl = tcp_opts_len(&syn.opts) + TCP_HDR_MIN;
    struct ipv4_hdr ip = { .ihl = IPV4_HDR_MIN, .total_len = (uint16_t)(IPV4_HDR_MIN + tl),
                           .ttl = 64, .proto = IPPROTO_TCP_, .src = HW_ALICE_ADDR,
                           .dst = HW_BOB_ADDR, .df = true };
    struct eth_hdr eth = { .type = ETHERTYPE_IPV4 };
    memcpy(eth.dst, b->ifaces[0].mac, ETH_ALEN);
    memcpy(eth.src, a->ifaces[0].mac, ETH_ALEN);
    eth_emit(&eth, f->b);
    ipv4_emit(&ip, f->b + ETH_HDR_LEN);
    tcp_emit(&syn, f->b + ETH_HDR_LEN + IPV4_HDR_MIN, 0, ip.src, ip.dst);
    f->len = ETH_HDR_LEN + IPV4_HDR_MIN + tl;
    if (f->len < ETH_MIN_FRAME) {
        memset(f->b + f->len, 0, ETH_MIN_FRAME - f->len);
        f->len = ETH_MIN_FRAME;
    }
    hw_destroy(w);
    free(w);
    ck_assert_uint_ge(c->n, 7);
}

/* One mutation of `in` into `out`; returns the new length. */
static size_t
mutate(struct rng *r, const struct seed_frame *in, uint8_t *out)
{
    size_t len = in->len;
    memcpy(out, in->b, len);
    switch (rng_below(r, 5)) {
    case 0: { /* flip one to four random bytes */
        unsigned n = 1 + (unsigned)rng_below(r, 4);
        for (unsigned i = 0; i < n; i++)
            out[rng_below(r, len)] ^= (uint8_t)(1 + rng_below(r, 255));
        break;
    }
    case 1: /* truncate anywhere, even inside the Ethernet header */
        len = (size_t)rng_below(r, len + 1);
        break;
    case 2: { /* extend with garbage */
        size_t extra = (size_t)rng_below(r, FRAME_MAX - len + 1);
        for (size_t i = 0; i < extra; i++)
            out[len + i] = (uint8_t)rng_next(r);
        len += extra;
        break;
    }
    case 3: { /* a header field (bytes 12..60) rewritten with a random value */
        size_t off = 12 + (size_t)rng_below(r, 48);
        if (off < len)
            out[off] = (uint8_t)rng_next(r);
        if (off + 1 < len)
            out[off + 1] = (uint8_t)rng_next(r);
        break;
    }
    default: /* lengths that lie: IPv4 total length or UDP length */
        if (len > ETH_HDR_LEN + 4) {
            out[ETH_HDR_LEN + 2] = (uint8_t)rng_next(r);
            out[ETH_HDR_LEN + 3] = (uint8_t)rng_next(r);
        }
        if (len > ETH_HDR_LEN + IPV4_HDR_MIN + 6)
            out[ETH_HDR_LEN + IPV4_HDR_MIN + 5] = (uint8_t)rng_next(r);
        break;
    }
    return len;
}

START_TEST(test_mutated_frames_are_dropped_or_handled_never_crash)
{
    struct corpus *c = calloc(1, sizeof(*c));
    ck_assert_ptr_nonnull(c);
    build_corpus(c);

    struct hw_world *w = calloc(1, sizeof(*w));
    ck_assert_ptr_nonnull(w);
    hw_init(w);
    struct host *b = &w->host[HW_BOB];
    /* Give the fuzzed frames something to reach: a bound UDP port and a ping
     * socket, so delivery paths run too. */
    hw_enter(w);
    int sb = sock_socket(b, SOCK_DOMAIN_INET, SOCK_TYPE_DGRAM, SOCK_PROTO_UDP);
    struct sock_addr port7 = { 0, 7 };
    ck_assert_int_eq(sock_bind(b, sb, &port7), 0);

    struct rng r;
    rng_seed(&r, 20261123, 0);
    uint8_t frame[FRAME_MAX];
    uint8_t sink[2048];
    for (unsigned i = 0; i < FUZZ_ROUNDS; i++) {
        const struct seed_frame *s = &c->f[rng_below(&r, c->n)];
        size_t len = mutate(&r, s, frame);
        hw_inject(w, HW_BOB, frame, len);
        /* bob's answers (ICMP errors, ARP replies, echo replies) go to alice;
         * hers are discarded. Drain bob's socket so its buffer never fills. */
        while (hw_deliver_one(w, HW_BOB))
            ;
        hw_lose(w, HW_ALICE);
        while (sock_recv(b, sb, sink, sizeof(sink)) >= 0)
            ;
        if (i % 1000 == 999)
            hw_advance(w, 1000000000ull); /* let ARP entries age and retries run */
    }
    /* Every mutated frame that was not good enough to be taken was dropped
     * with a reason and counted. */
    uint64_t drops = 0;
    ck_assert(inspect_counter(b, "drops", &drops));
    ck_assert_uint_gt(drops, FUZZ_ROUNDS / 4);
    unsigned reasons = 0;
    for (int k = 1; k < DROP_COUNT; k++)
        reasons += b->stats.drops[k] != 0;
    /* The mutations reach many layers: expect a spread of named reasons. */
    ck_assert_uint_ge(reasons, 10);
    ck_assert_uint_eq(b->stats.drops[DROP_NONE], 0);
    hw_destroy(w); /* asserts no packet leaked */
    free(w);
    free(c);
}
END_TEST

static Suite *
fuzz_suite(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("mutation");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mutated_frames_are_dropped_or_handled_never_crash);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *r = srunner_create(fuzz_suite());
    srunner_run_all(r, CK_ENV);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? 0 : 1;
}
