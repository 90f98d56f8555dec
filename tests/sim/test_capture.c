/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_capture.c - the pcapng writer's bytes, and the capture's file names.
 *
 * The block layout is checked octet by octet against
 * [draft-ietf-opsawg-pcapng 3.1, 4.1, 4.2, 4.3]: each block's two length
 * fields agree and are a multiple of 4, options are padded, timestamps are
 * split high/low in the units if_tsresol = 9 declares. tests/cli/captures.sh
 * checks the same files through tshark.
 * The classic pcap writer is ours too (sim/pcap_sink.c): its bytes are
 * compared with what libpcap's pcap_dump() writes for the same frames,
 * across many of its 1 MiB writes, and a file that could not be written is
 * an error, never a silent short file.
 */
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/log_sink.h"
#include "sim/pcap_sink.h"
#include "sim/pcapng_sink.h"
#include "sim/sim.h"
#include "stack/pkt.h"
#include "stack/trace.h"

static uint32_t
le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint16_t
le16(const uint8_t *b)
{
    return (uint16_t)(b[0] | b[1] << 8);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t *b = malloc(1 << 16);
    *len = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

static bool
exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* A WIRE event for frame p on link `where` at t_ns. */
static struct trace_event
wire_event(const char *where, const struct pkt *p, uint64_t t_ns)
{
    struct trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.t_ns = t_ns;
    ev.kind = TRACE_WIRE;
    ev.layer = LAYER_WIRE;
    ev.where = where;
    ev.pkt = p;
    ev.cause = p->cause;
    return ev;
}

/* Find option `code` in the options at b[0..len); returns its value or NULL. */
static const uint8_t *
find_opt(const uint8_t *b, size_t len, uint16_t code, uint16_t *vlen)
{
    size_t off = 0;
    while (off + 4 <= len) {
        uint16_t c = le16(b + off), l = le16(b + off + 2);
        if (c == 0)
            return NULL;
        if (c == code) {
            *vlen = l;
            return b + off + 4;
        }
        off += 4 + ((l + 3u) & ~3u);
    }
    return NULL;
}

START_TEST(test_pcapng_blocks_octet_by_octet)
{
    const char *path = "test_capture_1.pcapng";
    remove(path);
    struct pkt_pool pool = { 0 };
    uint8_t frame[61];
    for (size_t i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)i;
    struct pkt *p = pkt_from_bytes(&pool, frame, sizeof frame);  /* 61: data needs padding */
    ck_assert_ptr_nonnull(p);
    p->cause = cause_timer(TIMER_ARP_RETRY);

    struct pcapng_sink ps;
    ck_assert_int_eq(pcapng_sink_open(&ps, path, "netstep test"), 0);
    ck_assert_int_eq(pcapng_sink_add_iface(&ps, "alice-bob", "link alice-bob: two ends"), 0);
    ck_assert(exists("test_capture_1.pcapng.tmp"));
    ck_assert(!exists(path));
    /* 5 s and 7 ns: more than 2^32 ns, so the high word is 1 */
    struct trace_event ev = wire_event("alice-bob", p, 5000000007ull);
    ps.sink.emit(ps.sink.ctx, &ev);
    /* a link never announced gets an interface of its own */
    struct trace_event ev2 = wire_event("carol-tap0", p, 6000000000ull);
    ps.sink.emit(ps.sink.ctx, &ev2);
    ck_assert_uint_eq(ps.frames, 2);
    ck_assert_int_eq(pcapng_sink_close(&ps), 0);
    ck_assert(!exists("test_capture_1.pcapng.tmp"));

    size_t len;
    uint8_t *b = slurp(path, &len);
    /* Section Header Block: type, BOM, version 1.0, section length -1 */
    ck_assert_uint_eq(le32(b), 0x0A0D0D0Au);
    size_t shb_len = le32(b + 4);
    ck_assert_uint_eq(le32(b + 8), 0x1A2B3C4Du);
    ck_assert_uint_eq(le16(b + 12), 1);
    ck_assert_uint_eq(le16(b + 14), 0);
    static const uint8_t minus1[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    ck_assert_mem_eq(b + 16, minus1, 8);
    uint16_t vl;
    const uint8_t *appl = find_opt(b + 24, shb_len - 28, 4, &vl);
    ck_assert_ptr_nonnull(appl);
    ck_assert_uint_eq(vl, 12);
    ck_assert_mem_eq(appl, "netstep test", 12);

    /* walk every block: lengths agree and are multiples of 4 */
    size_t off = 0, n_blocks = 0;
    size_t at[5];
    while (off < len) {
        ck_assert_uint_lt(n_blocks, 5);
        at[n_blocks++] = off;
        uint32_t bl = le32(b + off + 4);
        ck_assert_uint_eq(bl % 4, 0);
        ck_assert_uint_le(off + bl, len);
        ck_assert_uint_eq(le32(b + off + bl - 4), bl);
        off += bl;
    }
    ck_assert_uint_eq(off, len);
    /* SHB, IDB alice-bob, EPB, IDB carol-tap0 (made on its first frame), EPB */
    ck_assert_uint_eq(n_blocks, 5);
    ck_assert_uint_eq(le32(b + at[1]), 1);
    ck_assert_uint_eq(le32(b + at[2]), 6);
    ck_assert_uint_eq(le32(b + at[3]), 1);
    ck_assert_uint_eq(le32(b + at[4]), 6);

    /* IDB: Ethernet, snaplen, if_name, if_description, if_tsresol = 9 */
    const uint8_t *idb = b + at[1];
    ck_assert_uint_eq(le16(idb + 8), 1);
    ck_assert_uint_eq(le32(idb + 12), PCAPNG_SINK_SNAPLEN);
    size_t idb_opts = le32(idb + 4) - 20;
    const uint8_t *v = find_opt(idb + 16, idb_opts, 2, &vl);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(vl, 9);
    ck_assert_mem_eq(v, "alice-bob", 9);
    v = find_opt(idb + 16, idb_opts, 3, &vl);
    ck_assert_ptr_nonnull(v);
    ck_assert_mem_eq(v, "link alice-bob: two ends", vl);
    v = find_opt(idb + 16, idb_opts, 9, &vl);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(vl, 1);
    ck_assert_uint_eq(v[0], 9);

    /* EPB: interface 0, ts 5000000007 = 1 * 2^32 + 705032711, lengths, data
     * padded to 64, then the comment */
    const uint8_t *epb = b + at[2];
    ck_assert_uint_eq(le32(epb + 8), 0);
    ck_assert_uint_eq(le32(epb + 12), 1);
    ck_assert_uint_eq(le32(epb + 16), 705032711u);
    ck_assert_uint_eq(le32(epb + 20), 61);
    ck_assert_uint_eq(le32(epb + 24), 61);
    ck_assert_mem_eq(epb + 28, frame, 61);
    ck_assert_uint_eq(epb[28 + 61], 0);
    ck_assert_uint_eq(epb[28 + 63], 0);
    char want[64];
    snprintf(want, sizeof want, "#%llu: ARP retry timer", (unsigned long long)p->id);
    v = find_opt(epb + 28 + 64, le32(epb + 4) - 28 - 64 - 4, 1, &vl);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(vl, strlen(want));
    ck_assert_mem_eq(v, want, vl);
    /* the second frame is on interface 1 */
    ck_assert_uint_eq(le32(b + at[4] + 8), 1);

    free(b);
    remove(path);
    pkt_free(p);
    ck_assert_uint_eq(pool.live, 0);
}
END_TEST

START_TEST(test_pcapng_only_known_skips_other_links)
{
    const char *path = "test_capture_2.pcapng";
    struct pkt_pool pool = { 0 };
    uint8_t frame[60] = { 0 };
    struct pkt *p = pkt_from_bytes(&pool, frame, sizeof frame);
    struct pcapng_sink ps;
    ck_assert_int_eq(pcapng_sink_open(&ps, path, NULL), 0);
    pcapng_sink_only_known(&ps, true);
    ck_assert_int_eq(pcapng_sink_add_iface(&ps, "r1-r2", NULL), 0);
    struct trace_event ev = wire_event("alice-r1", p, 0);
    ps.sink.emit(ps.sink.ctx, &ev);
    ck_assert_uint_eq(ps.frames, 0);
    ev.where = "r1-r2";
    ps.sink.emit(ps.sink.ctx, &ev);
    ck_assert_uint_eq(ps.frames, 1);
    /* a note on the link (no packet) is not a frame */
    ev.pkt = NULL;
    ps.sink.emit(ps.sink.ctx, &ev);
    ck_assert_uint_eq(ps.frames, 1);
    ck_assert_uint_eq(ps.n_ifaces, 1);
    ck_assert_int_eq(pcapng_sink_close(&ps), 0);
    ck_assert_int_eq(pcapng_sink_close(&ps), 0);  /* twice is fine */
    remove(path);
    pkt_free(p);
}
END_TEST

START_TEST(test_pcapng_errors_leave_no_file)
{
    struct pcapng_sink ps;
    int err = pcapng_sink_open(&ps, "/nonexistent-dir/x.pcapng", NULL);
    ck_assert_int_lt(err, 0);
    ck_assert_str_eq(pcapng_sink_error(&ps),
                     "cannot write capture: /nonexistent-dir/x.pcapng.tmp: "
                     "No such file or directory");
    ck_assert_int_eq(pcapng_sink_close(&ps), err);

    const char *path = "test_capture_abort.pcapng";
    remove(path);
    ck_assert_int_eq(pcapng_sink_open(&ps, path, NULL), 0);
    pcapng_sink_abort(&ps);
    ck_assert(!exists(path));
    ck_assert(!exists("test_capture_abort.pcapng.tmp"));
}
END_TEST

START_TEST(test_comment_names_cause_and_why)
{
    struct pkt_pool pool = { 0 };
    uint8_t frame[60] = { 0 };
    struct pkt *p = pkt_from_bytes(&pool, frame, sizeof frame);
    struct trace_event ev = wire_event("a-b", p, 0);
    char buf[PCAPNG_COMMENT_LEN];
    char want[PCAPNG_COMMENT_LEN];
    unsigned long long id = (unsigned long long)p->id;

    ev.cause = cause_call(CALL_SENDTO, 5);
    pcapng_format_comment(&ev, "line 9: alice: sendto c bob:9", buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu: sendto() step 5, line 9: alice: sendto c bob:9", id);
    ck_assert_str_eq(buf, want);

    /* an injected or replayed frame: the cause names step and line, the
     * text follows after a colon, the line not said twice */
    ev.cause = cause_wire_step(ORIGIN_INJECT, 5, 23, 0);
    pcapng_format_comment(&ev, "inject on a-b tcp syn", buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu: inject step 5, line 23: inject on a-b tcp syn", id);
    ck_assert_str_eq(buf, want);
    ev.cause = cause_wire_step(ORIGIN_REPLAY, 7, 30, 12);
    pcapng_format_comment(&ev, "replay old.pcap", buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu: replay step 7, line 30, frame 12: replay old.pcap", id);
    ck_assert_str_eq(buf, want);

    ev.cause = cause_arrival(id);  /* a router passing on what arrived */
    pcapng_format_comment(&ev, NULL, buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu: arrival of #%llu (forwarded)", id, id);
    ck_assert_str_eq(buf, want);

    ev.cause = cause_arrival(id + 7);
    ev.cause.tcp_why = TCP_WHY_FAST_RETRANSMIT;
    pcapng_format_comment(&ev, NULL, buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu: arrival of #%llu; TCP: fast retransmit", id, id + 7);
    ck_assert_str_eq(buf, want);

    ev.cause = (struct trace_cause){ .kind = CAUSE_NONE };
    pcapng_format_comment(&ev, NULL, buf, sizeof buf);
    snprintf(want, sizeof want, "#%llu", id);
    ck_assert_str_eq(buf, want);

    /* cut short, never overrun */
    char small[8];
    ev.cause = cause_call(CALL_SENDTO, 5);
    pcapng_format_comment(&ev, "line 9: a long line", small, sizeof small);
    ck_assert_uint_eq(strlen(small), 7);
    pkt_free(p);
}
END_TEST

START_TEST(test_link_file_names)
{
    char buf[64];
    capture_link_file_name("alice-r1", ".pcap", buf, sizeof buf);
    ck_assert_str_eq(buf, "alice-r1.pcap");
    capture_link_file_name("alice-bob/2", ".pcapng", buf, sizeof buf);
    ck_assert_str_eq(buf, "alice-bob_2.pcapng");
    capture_link_file_name("../x y", ".pcap", buf, sizeof buf);
    ck_assert_str_eq(buf, ".._x_y.pcap");
    char tiny[6];
    capture_link_file_name("alice-bob", ".pcap", tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "alice");
}
END_TEST

START_TEST(test_capture_dir_gets_a_file_for_a_tap_device_on_its_first_frame)
{
    /* A world with no links: the only frames come from a TAP device, whose
     * WIRE events are named "HOST-DEV" and are no link of the world. */
    struct sim s;
    sim_init(&s, 1);
    const char *dir = "test_capture_dir";
    remove("test_capture_dir/alice-tap0.pcap");
    remove("test_capture_dir/alice-tap0.pcapng");
    rmdir(dir);
    struct capture c;
    struct capture_opts o = { .dir = dir };
    ck_assert_int_eq(capture_open(&c, &s, NULL, &o), 0);
    ck_assert_uint_eq(c.n_files, 0);
    struct pkt_pool pool = { 0 };
    uint8_t frame[60] = { 0 };
    struct pkt *p = pkt_from_bytes(&pool, frame, sizeof frame);
    struct trace_event ev = wire_event("alice-tap0", p, 1000);
    c.sink.emit(c.sink.ctx, &ev);
    c.sink.emit(c.sink.ctx, &ev);
    ck_assert_uint_eq(c.n_files, 1);
    ck_assert_int_eq(capture_close(&c), 0);
    size_t len;
    uint8_t *b = slurp("test_capture_dir/alice-tap0.pcap", &len);
    ck_assert_uint_eq(len, 24 + 2 * (16 + 60));  /* pcap header, two records */
    free(b);
    remove("test_capture_dir/alice-tap0.pcap");

    /* the same with --pcapng: the file's one interface is named after it */
    o.pcapng = true;
    ck_assert_int_eq(capture_open(&c, &s, NULL, &o), 0);
    c.sink.emit(c.sink.ctx, &ev);
    ck_assert_int_eq(capture_close(&c), 0);
    b = slurp("test_capture_dir/alice-tap0.pcapng", &len);
    size_t shb = le32(b + 4);
    ck_assert_uint_eq(le32(b + shb), 1);  /* an IDB follows the SHB */
    uint16_t vl;
    const uint8_t *name = find_opt(b + shb + 16, le32(b + shb + 4) - 20, 2, &vl);
    ck_assert_ptr_nonnull(name);
    ck_assert_mem_eq(name, "alice-tap0", 10);
    free(b);
    remove("test_capture_dir/alice-tap0.pcapng");
    rmdir(dir);
    pkt_free(p);
    sim_destroy(&s);
}
END_TEST

/* A frame of len bytes whose contents depend on seed. */
static struct pkt *
test_frame(size_t len, unsigned seed)
{
    uint8_t d[1514];
    ck_assert_uint_le(len, sizeof d);
    for (size_t i = 0; i < len; i++)
        d[i] = (uint8_t)(seed * 131u + i * 7u);
    struct pkt *p = pkt_from_bytes(NULL, d, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

START_TEST(test_pcap_bytes_are_libpcaps_across_many_buffers)
{
    /* 3,000 frames of 60 to 1514 bytes: about 2.3 MB, so the writer's
     * 1 MiB buffer goes to the file twice in the middle of a record's
     * worth of room, and the last part at close */
    const char *ours = "test_capture_ours.pcap", *theirs = "test_capture_libpcap.pcap";
    struct pcap_sink ps;
    ck_assert_int_eq(pcap_sink_open(&ps, ours), 0);
    pcap_t *pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_SINK_SNAPLEN,
                                                      PCAP_TSTAMP_PRECISION_NANO);
    ck_assert_ptr_nonnull(pd);
    pcap_dumper_t *dumper = pcap_dump_open(pd, theirs);
    ck_assert_ptr_nonnull(dumper);
    for (unsigned i = 0; i < 3000; i++) {
        size_t len = 60 + (i * 977u) % (1514 - 60 + 1);
        struct pkt *p = test_frame(len, i);
        uint64_t t = (uint64_t)i * 123456789u + 7;  /* seconds and nanoseconds */
        struct trace_event ev = wire_event("alice-bob", p, t);
        ps.sink.emit(ps.sink.ctx, &ev);
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof h);
        h.ts.tv_sec = (time_t)(t / 1000000000u);
        h.ts.tv_usec = (suseconds_t)(t % 1000000000u);
        h.len = h.caplen = (bpf_u_int32)len;
        pcap_dump((u_char *)dumper, &h, p->data);
        pkt_free(p);
    }
    ck_assert_uint_eq(ps.frames, 3000);
    ck_assert_int_eq(pcap_sink_close(&ps), 0);
    pcap_dump_close(dumper);
    pcap_close(pd);
    FILE *a = fopen(ours, "rb"), *b = fopen(theirs, "rb");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    size_t total = 0;
    for (;;) {
        uint8_t ba[4096], bb[4096];
        size_t na = fread(ba, 1, sizeof ba, a), nb = fread(bb, 1, sizeof bb, b);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(ba, bb, na);
        total += na;
        if (na < sizeof ba)
            break;
    }
    ck_assert_uint_gt(total, 2u * OUTFILE_BUFFER);
    fclose(a);
    fclose(b);
    remove(ours);
    remove(theirs);
}
END_TEST

START_TEST(test_capture_to_a_full_device_is_an_error)
{
    /* /dev/full refuses every write: the capture must say so at close (or
     * before), for pcap and pcapng alike */
    if (access("/dev/full", W_OK) != 0)
        return;
    struct pkt *p = test_frame(1000, 1);
    struct pcap_sink ps;
    ck_assert_int_eq(pcap_sink_open(&ps, "/dev/full"), 0);
    struct trace_event ev = wire_event("alice-bob", p, 1);
    for (int i = 0; i < 100; i++)
        ps.sink.emit(ps.sink.ctx, &ev);
    ck_assert_int_lt(pcap_sink_close(&ps), 0);
    ck_assert_ptr_nonnull(strstr(pcap_sink_error(&ps), "No space"));
    struct pcapng_sink ns;
    ck_assert_int_eq(pcapng_sink_open(&ns, "/dev/full", "test"), 0);
    for (int i = 0; i < 100 && ns.err == 0; i++)
        ns.sink.emit(ns.sink.ctx, &ev);
    ck_assert_int_lt(pcapng_sink_close(&ns), 0);
    ck_assert_ptr_nonnull(strstr(pcapng_sink_error(&ns), "No space"));
    pkt_free(p);
}
END_TEST

/* The comment, as it was built before it was built by hand: "#ID", then
 * ": " and log_format_cause's words, then the rest. */
static void
comment_by_printf(const struct trace_event *ev, const char *step, char *buf, size_t n)
{
    char cause[160];
    log_format_cause(&ev->cause, cause, sizeof cause);
    snprintf(buf, n, "#%llu%s%s%s%s%s%s%s", (unsigned long long)(ev->pkt ? ev->pkt->id : 0),
             cause[0] ? ": " : "", cause,
             step && step[0] ? (ev->cause.origin != ORIGIN_NONE ? ": " : ", ") : "",
             step ? step : "",
             ev->cause.kind == CAUSE_ARRIVAL && ev->pkt && ev->cause.pkt_id == ev->pkt->id
                 ? " (forwarded)" : "",
             ev->cause.tcp_why != TCP_WHY_NONE ? "; TCP: " : "",
             ev->cause.tcp_why != TCP_WHY_NONE ? tcp_why_name((enum tcp_why)ev->cause.tcp_why)
                                               : "");
}

START_TEST(test_comment_words_the_cause_as_the_log_does)
{
    struct pkt *p = test_frame(60, 3);
    p->id = 18446744073709551615ull;  /* the longest id */
    struct trace_cause causes[] = {
        { .kind = CAUSE_NONE },
        { .kind = CAUSE_ARRIVAL, .pkt_id = 1234567890123ull },
        { .kind = CAUSE_ARRIVAL, .pkt_id = 18446744073709551615ull },  /* forwarded */
        { .kind = CAUSE_ARRIVAL, .pkt_id = 0 },
        { .kind = CAUSE_TIMER, .timer = TIMER_TCP_REXMT },
        { .kind = CAUSE_CALL, .call = CALL_NONE, .step = 0 },
        { .kind = CAUSE_CALL, .call = CALL_NONE, .step = 12 },
        { .kind = CAUSE_CALL, .call = CALL_SEND, .step = 4 },
        { .kind = CAUSE_CALL, .call = CALL_CONNECT, .step = 0 },
        { .kind = CAUSE_CALL, .call = CALL_SENDTO, .step = 4294967295u },
        { .kind = CAUSE_TIMER, .timer = TIMER_ARP_RETRY, .tcp_why = TCP_WHY_NONE + 2 },
        { .kind = CAUSE_ARRIVAL, .pkt_id = 9, .tcp_why = TCP_WHY_NONE + 1 },
        { .kind = CAUSE_CALL, .call = CALL_NONE, .step = 3, .origin = ORIGIN_INJECT, .line = 40 },
        { .kind = CAUSE_CALL, .call = CALL_NONE, .step = 4294967295u, .origin = ORIGIN_REPLAY,
          .line = 4294967295u, .frame = 4294967295u },
    };
    const char *steps[] = { NULL, "", "line 12: alice send c \"hi\"" };
    size_t sizes[] = { 1, 2, 5, 17, 30, PCAPNG_COMMENT_LEN };
    for (size_t c = 0; c < sizeof causes / sizeof causes[0]; c++)
        for (size_t st = 0; st < 3; st++)
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                struct trace_event ev = wire_event("alice-bob", p, 5);
                ev.cause = causes[c];
                char want[PCAPNG_COMMENT_LEN], got[PCAPNG_COMMENT_LEN];
                comment_by_printf(&ev, steps[st], want, sizes[z]);
                memset(got, 'x', sizeof got);
                size_t len = pcapng_format_comment(&ev, steps[st], got, sizes[z]);
                ck_assert_msg(strcmp(want, got) == 0, "cause %zu step %zu size %zu: '%s' != '%s'",
                              c, st, sizes[z], got, want);
                ck_assert_uint_eq(len, strlen(got));
            }
    pkt_free(p);
}
END_TEST

static Suite *
capture_suite(void)
{
    Suite *s = suite_create("sim/capture");
    TCase *tc = tcase_create("pcapng");
    tcase_add_test(tc, test_pcapng_blocks_octet_by_octet);
    tcase_add_test(tc, test_pcapng_only_known_skips_other_links);
    tcase_add_test(tc, test_pcapng_errors_leave_no_file);
    tcase_add_test(tc, test_comment_names_cause_and_why);
    tcase_add_test(tc, test_link_file_names);
    tcase_add_test(tc, test_capture_dir_gets_a_file_for_a_tap_device_on_its_first_frame);
    tcase_add_test(tc, test_pcap_bytes_are_libpcaps_across_many_buffers);
    tcase_add_test(tc, test_capture_to_a_full_device_is_an_error);
    tcase_add_test(tc, test_comment_words_the_cause_as_the_log_does);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(capture_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
