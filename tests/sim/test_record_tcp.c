/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_record_tcp.c - TCP's segment words (TRACE_TCP) are made from the
 * packet's header by whoever reads the sentence, and the event log keeps
 * nothing for them.
 *
 * TCP used to describe every segment into a string (tcp_describe() of the
 * struct tcp_hdr it built or parsed) and pass it as "%s"; it now passes
 * TRACE_TCP and the segment's payload length. For a set of segments (a SYN
 * with every option, in Linux's and BSD's layout; data with timestamps;
 * SACK blocks with and without them; RST; an unknown option kind; the
 * receive path's 111-character cut; a header behind an IP header; IPv6)
 * this checks that a text sink reads exactly the words tcp_describe() gave
 * of the struct, that the sentence the event log builds from its frame
 * bytes is the same, and that the log keeps no bytes for the words. Then
 * whole lessons (SACK recovery, SYN cookies, RSTs, IPv6, simultaneous
 * open) are run with the log and a text sink side by side: every TCP
 * sentence read back from the log equals the text sink's.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/record.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "harness/scenario_helpers.h"
#include "stack/host.h"
#include "stack/pkt.h"
#include "stack/wire/ipv6.h"
#include "stack/wire/tcp.h"

/* The log's text bytes so far (before anything is read back, so none are
 * built sentences). */
static size_t
log_text_bytes(const struct record *rec)
{
    struct record_memory m;
    record_memory(rec, &m);
    return m.text;
}

/* A sink that needs the text (as the --trace writer does) and keeps the
 * last one, and every one in order. */
struct texts {
    struct trace_sink sink;
    char last[TRACE_TEXT_LEN];
    char (*all)[TRACE_TEXT_LEN];
    enum trace_layer *layer;
    size_t *kept;                /* the log's text bytes for each event */
    size_t n, cap;
    const struct record *rec;    /* the log, attached before this sink */
    size_t text_before;          /* its text bytes after the event before */
};

static void
texts_emit(void *ctx, const struct trace_event *ev)
{
    struct texts *t = ctx;
    memcpy(t->last, ev->text, sizeof t->last);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->all = realloc(t->all, t->cap * sizeof *t->all);
        t->layer = realloc(t->layer, t->cap * sizeof *t->layer);
        t->kept = realloc(t->kept, t->cap * sizeof *t->kept);
        ck_assert_ptr_nonnull(t->all);
        ck_assert_ptr_nonnull(t->layer);
        ck_assert_ptr_nonnull(t->kept);
    }
    memcpy(t->all[t->n], ev->text, sizeof t->all[t->n]);
    t->layer[t->n] = ev->layer;
    t->kept[t->n] = 0;
    if (t->rec != NULL) {
        /* the log heard this event first: what its text grew by is this
         * event's (nothing is read back during the run) */
        size_t now = log_text_bytes(t->rec);
        t->kept[t->n] = now - t->text_before;
        t->text_before = now;
    }
    t->n++;
}

/* A sink that reads format and arguments, and builds the sentence with
 * trace_event_text() (as the scenario's `ask` does). */
struct late {
    struct trace_sink sink;
    char last[TRACE_TEXT_LEN];
};

static void
late_emit(void *ctx, const struct trace_event *ev)
{
    struct late *l = ctx;
    char buf[TRACE_TEXT_LEN];
    snprintf(l->last, sizeof l->last, "%s", trace_event_text(ev, buf));
}

/* One host to emit on, the log and both sinks attached. */
struct bench {
    struct scenario *scn;
    struct scn_runner *r;
    struct host *h;
    struct record rec;
    struct texts text;
    struct late late;
};

static void
bench_open(struct bench *b)
{
    memset(b, 0, sizeof *b);
    b->scn = scenario_parse_ok("host a 192.0.2.1/24\nhost b 192.0.2.2/24\nlink a b\n");
    b->r = calloc(1, sizeof *b->r);
    ck_assert_ptr_nonnull(b->r);
    struct scn_run_opts opts = { 0 };
    char err[256];
    ck_assert_int_eq(scn_runner_init(b->r, b->scn, &opts, err, sizeof err), 0);
    ck_assert_uint_ge(b->r->sim.n_hosts, 1);
    b->h = b->r->sim.hosts[0];
    record_init(&b->rec, &b->r->sim);
    record_attach(&b->rec);
    b->text.sink.emit = texts_emit;
    b->text.sink.ctx = &b->text;
    trace_attach(&b->r->sim.trace, &b->text.sink);
    b->late.sink.emit = late_emit;
    b->late.sink.ctx = &b->late;
    trace_attach_need(&b->r->sim.trace, &b->late.sink, TRACE_NEED_FORMAT);
}

static void
bench_close(struct bench *b)
{
    trace_detach(&b->r->sim.trace, &b->text.sink);
    trace_detach(&b->r->sim.trace, &b->late.sink);
    record_destroy(&b->rec);
    scn_runner_destroy(b->r);
    free(b->r);
    scenario_free(b->scn);
    free(b->text.all);
    free(b->text.layer);
    free(b->text.kept);
}

/* A packet holding t emitted (Linux's or BSD's layout as t->opts says)
 * with payload_len bytes of data, the TCP header at its l4 offset; over
 * IPv6 when v6. */
static struct pkt *
segment(struct host *h, const struct tcp_hdr *t, size_t payload_len, bool v6)
{
    size_t hl = tcp_hdr_len(t);
    struct pkt *p = host_pkt_alloc(h, PKT_HEADROOM, hl + payload_len);
    ck_assert_ptr_nonnull(p);
    uint8_t *b = pkt_put(p, hl + payload_len);
    for (size_t i = 0; i < payload_len; i++)
        b[hl + i] = (uint8_t)('a' + i % 26);
    if (v6) {
        struct ip6_addr src = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
        struct ip6_addr dst = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
        tcp_emit6(t, b, payload_len, &src, &dst);
    } else {
        tcp_emit(t, b, payload_len, 0xc0000201u, 0xc0000202u);
    }
    p->l4_off = pkt_off(p);
    return p;
}

/* Emit p as a TCP event whose sentence is its words (cut at 111 when
 * `cut`), then "; " and suffix, and check: the text sink read `want`
 * then "; " suffix; the late sink and the log's sentence equal it; the
 * log kept at most the suffix's bytes and the format's pointer for it
 * (and nothing at all when `shared`: an equal suffix went before). */
static void
check_event(struct bench *b, struct pkt *p, size_t payload_len, bool cut, const char *suffix,
            const char *want, bool shared)
{
    char expect[TRACE_TEXT_LEN];
    snprintf(expect, sizeof expect, "%s; %s", want, suffix);
    size_t before = log_text_bytes(&b->rec);
    size_t i = record_count(&b->rec);
    if (cut)
        trace_tcp(b->h, TRACE_RX, p, NULL, "RFC 9293 3.10.7.4", TRACE_TCP_CUT(111) "; %s",
                  payload_len, suffix);
    else
        trace_tcp(b->h, TRACE_TX, p, NULL, "RFC 9293 3.10.7.4", TRACE_TCP "; %s", payload_len,
                  suffix);
    size_t kept = log_text_bytes(&b->rec) - before;
    ck_assert_str_eq(b->text.last, expect);
    ck_assert_str_eq(b->late.last, expect);
    ck_assert_uint_eq(record_count(&b->rec), i + 1);
    struct record_event ev;
    ck_assert(record_get(&b->rec, i, &ev));
    ck_assert_str_eq(ev.text, expect);
    /* [u16 length][tag][format pointer][u16 length, the suffix, NUL]: the
     * words themselves take nothing */
    size_t bound = shared ? 0 : 3 + sizeof(const char *) + 2 + strlen(suffix) + 1;
    ck_assert_msg(kept <= bound, "the log kept %zu text bytes for \"%s\" (at most %zu)", kept,
                  expect, bound);
    ck_assert_uint_lt(kept, strlen(want));
}

/* tcp_describe() of t, as the stack wrote it before TRACE_TCP, into an
 * n-byte buffer. */
static const char *
old_words(const struct tcp_hdr *t, size_t payload_len, size_t n, char *buf)
{
    tcp_describe(t, payload_len, buf, n);
    return buf;
}

START_TEST(test_segment_words_from_the_header)
{
    struct bench b;
    bench_open(&b);
    char want[TRACE_TEXT_LEN];

    /* a SYN with every option, laid out as Linux and as BSD: the words are
     * the same (tcp_describe() names options in Linux's order) */
    struct tcp_hdr syn = {
        .sport = 49152, .dport = 80, .seq = 4294967295u, .flags = TCP_SYN, .wnd = 65535,
        .opts = { .has_mss = true, .mss = 1460, .has_wscale = true, .wscale = 7,
                  .sack_permitted = true, .has_ts = true, .ts_val = 4000000000u, .ts_ecr = 0 },
    };
    struct pkt *p = segment(b.h, &syn, 0, false);
    check_event(&b, p, 0, false, "handshake", old_words(&syn, 0, sizeof want, want), false);
    pkt_free(p);
    syn.opts.bsd_layout = true;
    p = segment(b.h, &syn, 0, false);
    syn.opts.bsd_layout = false;
    check_event(&b, p, 0, false, "handshake", old_words(&syn, 0, sizeof want, want), true);
    pkt_free(p);

    /* data with timestamps */
    struct tcp_hdr data = {
        .sport = 80, .dport = 49152, .seq = 1001, .ack = 77, .flags = TCP_ACK | TCP_PSH,
        .wnd = 502, .opts = { .has_ts = true, .ts_val = 123456, .ts_ecr = 654321 },
    };
    p = segment(b.h, &data, 1448, false);
    check_event(&b, p, 1448, false, "data", old_words(&data, 1448, sizeof want, want), false);
    pkt_free(p);
    /* and again over IPv6: the header is the same but for its checksum */
    p = segment(b.h, &data, 1448, true);
    check_event(&b, p, 1448, false, "data", old_words(&data, 1448, sizeof want, want), true);
    pkt_free(p);

    /* SACK blocks: four without timestamps, three (all that fit) with */
    struct tcp_hdr sack = {
        .sport = 80, .dport = 49152, .ack = 3000000000u, .flags = TCP_ACK, .wnd = 1024,
        .opts = { .sack_count = 4,
                  .sack = { { 3000001448u, 3000002896u }, { 3000004344u, 3000005792u },
                            { 3000007240u, 3000008688u }, { 3000010136u, 3000011584u } } },
    };
    p = segment(b.h, &sack, 0, false);
    check_event(&b, p, 0, false, "ACK", old_words(&sack, 0, sizeof want, want), false);
    pkt_free(p);
    sack.opts.has_ts = true;
    sack.opts.ts_val = 4294967295u;
    sack.opts.ts_ecr = 4294967294u;
    p = segment(b.h, &sack, 0, false);
    check_event(&b, p, 0, false, "ACK", old_words(&sack, 0, sizeof want, want), true);
    /* the receive path cut its words at 111 characters (a 112-byte buffer):
     * this one is longer, and is cut the same */
    old_words(&sack, 0, sizeof want, want);
    ck_assert_uint_gt(strlen(want), 111);
    check_event(&b, p, 0, true, "ACK", old_words(&sack, 0, 112, want), false);
    pkt_free(p);

    /* a RST, the way tcp_send_rst_for() builds it */
    struct tcp_hdr rst = { .sport = 8080, .dport = 49152, .seq = 0, .ack = 1,
                           .flags = TCP_RST | TCP_ACK };
    p = segment(b.h, &rst, 0, false);
    check_event(&b, p, 0, false, "reset: nothing listens on this port",
                old_words(&rst, 0, sizeof want, want), false);
    pkt_free(p);

    /* a received header with an option of a kind nobody knows (skipped
     * [RFC 9293 3.2 MUST-6]): the words are those of the header as parsed */
    struct tcp_hdr odd = { .sport = 49152, .dport = 80, .seq = 5, .ack = 6, .flags = TCP_ACK,
                           .wnd = 9, .opts = { .has_ts = true, .ts_val = 1, .ts_ecr = 2 } };
    p = segment(b.h, &odd, 0, false);
    uint8_t *opt = p->data + TCP_HDR_MIN;
    opt[0] = 99;  /* the NOP NOP before the timestamps become kind 99, length 2 */
    opt[1] = 2;
    struct tcp_hdr parsed;
    ck_assert_int_eq(tcp_parse_header(p->data, p->len, &parsed), DROP_NONE);
    check_event(&b, p, 0, true, "ACK", old_words(&parsed, 0, 112, want), false);

    /* the header behind an IP header pushed in front: read at the l4 offset */
    pkt_push(p, 20);
    memset(p->data, 0x45, 20);
    check_event(&b, p, 0, true, "ACK", want, true);
    pkt_free(p);

    bench_close(&b);
}
END_TEST

static int __attribute__((format(printf, 3, 4)))
vfmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = trace_vformat(buf, n, fmt, ap);
    va_end(ap);
    return w;
}

/* Where the words cannot come from a header (no packet; an argument that
 * is not the header's payload), every sink reads the same sentence still:
 * the log keeps it written out. */
START_TEST(test_segment_words_without_a_header)
{
    struct bench b;
    bench_open(&b);
    trace_tcp(b.h, TRACE_TX, NULL, NULL, NULL, TRACE_TCP "; %s", (size_t)0, "nothing");
    ck_assert_str_eq(b.text.last, "(no TCP segment); nothing");
    ck_assert_str_eq(b.late.last, b.text.last);
    struct record_event ev;
    ck_assert(record_get(&b.rec, record_count(&b.rec) - 1, &ev));
    ck_assert_str_eq(ev.text, b.text.last);

    struct tcp_hdr t = { .sport = 1, .dport = 2, .seq = 3, .flags = TCP_SYN, .wnd = 4 };
    struct pkt *p = segment(b.h, &t, 10, false);
    trace_tcp(b.h, TRACE_TX, p, NULL, NULL, TRACE_TCP "; %s", (size_t)7, "said 7, carries 10");
    ck_assert_str_eq(b.text.last,
                     "1 > 2: Flags [S], seq 3:10, win 4, length 7; said 7, carries 10");
    ck_assert_str_eq(b.late.last, b.text.last);
    ck_assert(record_get(&b.rec, record_count(&b.rec) - 1, &ev));
    ck_assert_str_eq(ev.text, b.text.last);
    pkt_free(p);

    /* trace_vformat() knows no packet: the words say so, and the rest of
     * the sentence is as printf would have it */
    char buf[64];
    ck_assert_int_eq(vfmt(buf, sizeof buf, TRACE_TCP " and %d", (size_t)1, 2),
                     (int)strlen("(no TCP segment) and 2"));
    ck_assert_str_eq(buf, "(no TCP segment) and 2");
    ck_assert_int_eq(vfmt(buf, 8, TRACE_TCP_CUT(3) " and %d", (size_t)1, 2),
                     (int)strlen("(no and 2"));
    ck_assert_str_eq(buf, "(no and");
    /* only "%'zu" and "%'.Nzu" are TRACE_TCP: any other size_t conversion
     * is printf's own */
    ck_assert_int_eq(trace_tcp_conv_cut("%'zu", 4), INT32_MAX);
    ck_assert_int_eq(trace_tcp_conv_cut("%'.111zu", 8), 111);
    ck_assert_int_eq(trace_tcp_conv_cut("%zu", 3), -1);
    ck_assert_int_eq(trace_tcp_conv_cut("%'lu", 4), -1);
    ck_assert_int_eq(trace_tcp_conv_cut("%'.zu", 5), -1);
    ck_assert_int_eq(trace_tcp_conv_cut("%'5zu", 5), -1);
    ck_assert_int_eq(vfmt(buf, sizeof buf, "%zu and %'5zu", (size_t)12, (size_t)3), 12);
    ck_assert_str_eq(buf, "12 and     3");
    bench_close(&b);
}
END_TEST

/* Run lesson `name` with the log and a text sink side by side: every
 * sentence read back from the log is the text sink's, and TCP's sentences
 * were kept without their words. */
static void
check_lesson(const char *name, size_t *tcp_events)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, name);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    struct scn_runner *r = calloc(1, sizeof *r);
    struct scn_run_opts opts = { 0 };
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    struct record rec;
    record_init(&rec, &r->sim);
    record_attach(&rec);
    struct texts tx = { .sink = { .emit = texts_emit }, .rec = &rec };
    tx.sink.ctx = &tx;
    trace_attach(&r->sim.trace, &tx.sink);
    while (scn_runner_step(r))
        ;
    trace_detach(&r->sim.trace, &tx.sink);
    record_detach(&rec);
    ck_assert_uint_eq(rec.lost, 0);
    ck_assert_uint_eq(record_count(&rec), tx.n);
    size_t words = 0, kept = 0;
    *tcp_events = 0;
    for (size_t i = 0; i < tx.n; i++) {
        struct record_event ev;
        ck_assert(record_get(&rec, i, &ev));
        ck_assert_msg(strcmp(ev.text, tx.all[i]) == 0,
                      "%s, event %zu: the log reads\n  %s\nthe text sink\n  %s", name, i, ev.text,
                      tx.all[i]);
        const char *said = tx.all[i];
        if (tx.layer[i] == LAYER_TCP && strstr(said, ": Flags [") != NULL) {
            ++*tcp_events;
            /* the words run to ", length N", or were cut at 111 */
            const char *end = strstr(said, ", length ");
            size_t w = end != NULL ? (size_t)(end - said) + strlen(", length ") : 111;
            ck_assert_msg(tx.kept[i] < w, "%s, event %zu: %zu text bytes kept for\n  %s", name,
                          i, tx.kept[i], said);
            words += w;
            kept += tx.kept[i];
        }
    }
    /* what TCP's sentences keep is their other arguments (a reason's
     * words, a number), shared with an equal recent sentence: 2 to 16
     * bytes an event in these lessons, where the words alone take 90 to
     * 110 */
    ck_assert_msg(kept * 4 < words, "%s: %zu text bytes kept for %zu TCP segments' %zu words",
                  name, kept, *tcp_events, words);
    free(tx.all);
    free(tx.layer);
    free(tx.kept);
    record_destroy(&rec);
    scn_runner_destroy(r);
    free(r);
    scenario_free(scn);
}

START_TEST(test_lessons_read_back_the_same)
{
    static const char *const lessons[] = {
        "tcp/sack-recovery.scn",     /* SACK blocks, retransmissions */
        "tcp/syn-flood.scn",         /* SYN cookies sent and taken back */
        "tcp/rst-closed-port.scn",   /* RST for a closed port */
        "attack/blind-rst.scn",      /* RSTs in and out of the window */
        "tcp/simultaneous-open.scn", /* SYNs crossing */
        "ipv6/tcp-handshake.scn",    /* TCP over IPv6 */
        "ipv6/dual-stack.scn",       /* IPv4 and IPv6 side by side */
    };
    for (size_t k = 0; k < sizeof lessons / sizeof lessons[0]; k++) {
        size_t n;
        check_lesson(lessons[k], &n);
        ck_assert_msg(n > 0, "%s: no TCP segment described", lessons[k]);
    }
}
END_TEST

static Suite *
record_tcp_suite(void)
{
    Suite *s = suite_create("record_tcp");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_segment_words_from_the_header);
    tcase_add_test(tc, test_segment_words_without_a_header);
    tcase_add_test(tc, test_lessons_read_back_the_same);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(record_tcp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
