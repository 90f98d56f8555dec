/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_capture_wire.c - a capture alone makes the stack build frame events
 * only, and writes the same bytes as when everything is built.
 *
 * A capture subscribes with TRACE_NEED_WIRE: while nothing else listens,
 * the trace helpers build no event above the Ethernet layer (no TCP, IP,
 * socket or delivery event, no TCB snapshot). Checked with a spy that
 * listens the same way: it sees frames and no event of a layer above
 * Ethernet. The files must not notice: each lesson is captured twice, once
 * so and once with a sink beside that reads every event (TRACE_NEED_FRAMES),
 * and every file (the whole run's, each link's, each host interface's,
 * classic pcap and pcapng) is compared byte for byte, with the hosts'
 * per-layer counters, which count either way. A frame event is the bus's
 * own, reused: one made while another is delivered must not change it.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "sim/sim.h"
#include "stack/host.h"

/* Counts what it is given, by layer (drops apart). */
struct spy {
    struct trace_sink sink;
    size_t by_layer[LAYER_COUNT];
    size_t frames;  /* the frames a capture writes */
};

static void
spy_emit(void *ctx, const struct trace_event *ev)
{
    struct spy *sp = ctx;
    /* a drop is reported whoever listens (pkt_drop() frees the packet
     * there): rare, and not what a capture's cost is made of */
    if ((unsigned)ev->layer < LAYER_COUNT && ev->kind != TRACE_DROP)
        sp->by_layer[ev->layer]++;
    if (sim_event_is_frame(ev))  /* on a wire, or back in on lo */
        sp->frames++;
}

/* The stack's layers above Ethernet: none of their events is built for a
 * capture alone. */
static size_t
spy_above_ethernet(const struct spy *sp)
{
    static const enum trace_layer above[] = { LAYER_SOCKET, LAYER_TCP,  LAYER_UDP,
                                              LAYER_ICMP,   LAYER_IPV4, LAYER_ARP,
                                              LAYER_IPV6,   LAYER_ICMPV6 };
    size_t n = 0;
    for (size_t i = 0; i < sizeof above / sizeof above[0]; i++)
        n += sp->by_layer[above[i]];
    return n;
}

/* Every host's RX and TX counters, summed per layer into rx[] and tx[]. */
static void
sum_counters(const struct sim *s, uint64_t rx[LAYER_COUNT], uint64_t tx[LAYER_COUNT])
{
    memset(rx, 0, LAYER_COUNT * sizeof rx[0]);
    memset(tx, 0, LAYER_COUNT * sizeof tx[0]);
    for (size_t i = 0; i < s->n_hosts; i++)
        for (int l = 0; l < LAYER_COUNT; l++) {
            rx[l] += s->hosts[i]->stats.rx[l];
            tx[l] += s->hosts[i]->stats.tx[l];
        }
}

struct run_result {
    struct spy spy;           /* what a TRACE_NEED_WIRE sink was given */
    uint64_t rx[LAYER_COUNT]; /* the hosts' counters at the end */
    uint64_t tx[LAYER_COUNT];
};

/* Lesson `name` without its questions and packet counts: an `ask` and an
 * `expect packets` listen to the bus themselves (reading every event), and
 * a capture alone is what is tested here. */
static struct scenario *
parse_lesson_without_listeners(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap), line[4096];
    ck_assert_ptr_nonnull(text);
    while (fgets(line, sizeof line, f) != NULL) {
        const char *t = line + strspn(line, " \t");
        bool listens = strncmp(t, "ask ", 4) == 0 || strncmp(t, "expect packets", 14) == 0;
        size_t k = listens ? 1 : strlen(line);  /* a blank line keeps the numbering */
        ck_assert(len + k + 1 < cap);
        memcpy(text + len, listens ? "\n" : line, k);
        len += k;
    }
    text[len] = '\0';
    fclose(f);
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_string(name, text, &diag);
    ck_assert_msg(scn != NULL, "%s: %s", name, diag.first);
    free(text);
    return scn;
}

/* Run lesson `name` captured into file `file` and directory `dir` (pcapng
 * when ng), with a sink that reads every event beside it or not. */
static void
run_captured(const char *name, const char *file, const char *dir, bool ng, bool everything,
             struct run_result *out)
{
    struct scenario *scn = parse_lesson_without_listeners(name);
    struct scn_runner *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    struct scn_run_opts opts = { 0 };
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    struct capture cap;
    struct capture_opts co = { .file = file, .dir = dir, .pcapng = ng, .appl = "test" };
    ck_assert_int_eq(capture_open(&cap, &r->sim, scn, &co), 0);
    capture_attach(&cap, &r->sim.trace);
    memset(out, 0, sizeof *out);
    out->spy.sink.emit = spy_emit;
    out->spy.sink.ctx = &out->spy;
    trace_attach_need(&r->sim.trace, &out->spy.sink, TRACE_NEED_WIRE);
    struct spy all = { .sink = { .emit = spy_emit } };
    all.sink.ctx = &all;
    if (everything)
        trace_attach_need(&r->sim.trace, &all.sink, TRACE_NEED_FRAMES);
    ck_assert(trace_wants_events(&r->sim.trace) == everything);
    while (scn_runner_step(r))
        ;
    if (everything) {
        trace_detach(&r->sim.trace, &all.sink);
        ck_assert_uint_gt(spy_above_ethernet(&all), 0);  /* they were built then */
    }
    trace_detach(&r->sim.trace, &out->spy.sink);
    ck_assert_int_eq(capture_close(&cap), 0);
    sum_counters(&r->sim, out->rx, out->tx);
    scn_runner_destroy(r);
    free(r);
    scenario_free(scn);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void
same_file(const char *a, const char *b)
{
    size_t la, lb;
    uint8_t *fa = slurp(a, &la), *fb = slurp(b, &lb);
    ck_assert_msg(la > 24, "%s is only the header", a);
    ck_assert_msg(la == lb && memcmp(fa, fb, la) == 0, "%s and %s differ", a, b);
    free(fa);
    free(fb);
}

/* Every file of directory a is in b with the same bytes, and b has no
 * other; returns how many. Removes both. */
static size_t
same_dirs(const char *a, const char *b)
{
    size_t n = 0;
    DIR *d = opendir(a);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    char pa[600], pb[600];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        struct stat st;
        ck_assert_int_eq(stat(pa, &st), 0);
        /* a link no frame crossed holds its header alone: equal sizes then */
        if (st.st_size > 64)
            same_file(pa, pb);
        else
            ck_assert_int_eq(stat(pb, &st), 0);
        unlink(pa);
        unlink(pb);
        n++;
    }
    closedir(d);
    ck_assert_int_eq(rmdir(a), 0);
    ck_assert_msg(rmdir(b) == 0, "%s holds files %s does not", b, a);
    return n;
}

static void
check_lesson(const char *lesson, bool ng)
{
    const char *ext = ng ? ".pcapng" : ".pcap";
    char fa[128], fb[128], da[128], db[128];
    snprintf(fa, sizeof fa, "/tmp/netstep-capture-wire-%ld-alone%s", (long)getpid(), ext);
    snprintf(fb, sizeof fb, "/tmp/netstep-capture-wire-%ld-all%s", (long)getpid(), ext);
    snprintf(da, sizeof da, "/tmp/netstep-capture-wire-%ld-alone.d", (long)getpid());
    snprintf(db, sizeof db, "/tmp/netstep-capture-wire-%ld-all.d", (long)getpid());
    struct run_result alone, all;
    run_captured(lesson, fa, da, ng, false, &alone);
    run_captured(lesson, fb, db, ng, true, &all);
    /* alone: frames, and nothing from the layers above Ethernet */
    ck_assert_uint_gt(alone.spy.frames, 0);
    ck_assert_uint_gt(alone.spy.by_layer[LAYER_ETH], 0);
    ck_assert_msg(spy_above_ethernet(&alone.spy) == 0, "%s: %zu events above Ethernet built",
                  lesson, spy_above_ethernet(&alone.spy));
    /* the same frames either way, and the same counts of every layer */
    ck_assert_uint_eq(alone.spy.frames, all.spy.frames);
    ck_assert(memcmp(alone.rx, all.rx, sizeof alone.rx) == 0);
    ck_assert(memcmp(alone.tx, all.tx, sizeof alone.tx) == 0);
    ck_assert_uint_gt(alone.rx[LAYER_IPV4] + alone.rx[LAYER_IPV6], 0);
    same_file(fa, fb);
    unlink(fa);
    unlink(fb);
    ck_assert_uint_gt(same_dirs(da, db), 0);
}

START_TEST(test_capture_alone_builds_frames_only_pcap)
{
    check_lesson("tcp/slow-start.scn", false);
    check_lesson("socket/local-vs-tcp.scn", false);  /* frames on lo */
    check_lesson("ip/two-subnets.scn", false);       /* a router */
}
END_TEST

START_TEST(test_capture_alone_builds_frames_only_pcapng)
{
    /* the comments (causes, the Ethernet transmit's cause for lo and each
     * interface's file) are the same too */
    check_lesson("tcp/slow-start.scn", true);
    check_lesson("socket/local-vs-tcp.scn", true);
    check_lesson("link/hub-vs-switch.scn", true);
    check_lesson("ipv6/tcp-handshake.scn", true);
}
END_TEST

START_TEST(test_wire_sinks_are_counted_apart)
{
    struct trace tr;
    trace_init(&tr);
    struct spy a = { .sink = { .emit = spy_emit } }, b = { .sink = { .emit = spy_emit } };
    trace_attach_need(&tr, &a.sink, TRACE_NEED_WIRE);
    ck_assert(trace_wanted(&tr));
    ck_assert(!trace_wants_events(&tr));
    ck_assert(!trace_wants_sentence(&tr));
    trace_attach_need(&tr, &b.sink, TRACE_NEED_FRAMES);
    ck_assert(trace_wants_events(&tr));
    ck_assert(!trace_wants_sentence(&tr));
    trace_detach(&tr, &b.sink);
    ck_assert(!trace_wants_events(&tr));
    trace_detach(&tr, &b.sink);  /* not attached any more: nothing changes */
    ck_assert(!trace_wants_events(&tr));
    ck_assert(trace_wanted(&tr));
    trace_detach(&tr, &a.sink);
    ck_assert(!trace_wanted(&tr));
    ck_assert_uint_eq(tr.event_sinks, 0);
    ck_assert_uint_eq(tr.sentence_sinks, 0);
}
END_TEST

/* A sink that makes a frame event of its own while one is delivered (the
 * first time only), and one that notes what it is given after it. */
struct nesting {
    struct trace_sink sink;
    struct host *h;
    bool nested;
};

static void
nesting_emit(void *ctx, const struct trace_event *ev)
{
    struct nesting *ns = ctx;
    (void)ev;
    if (!ns->nested) {
        ns->nested = true;
        trace_frame(ns->h, TRACE_RX, LAYER_ETH, NULL);
    }
}

struct noter {
    struct trace_sink sink;
    enum trace_kind kinds[4];
    size_t n;
    bool clean;  /* every event had no sentence, format or TCB snapshot */
};

static void
noter_emit(void *ctx, const struct trace_event *ev)
{
    struct noter *nt = ctx;
    if (nt->n < 4)
        nt->kinds[nt->n++] = ev->kind;
    if (ev->text[0] != '\0' || ev->fmt != NULL || ev->args != NULL || ev->has_tcb ||
        ev->frame_text || ev->reason != 0 || ev->rfc != NULL)
        nt->clean = false;
}

START_TEST(test_frame_event_made_while_one_is_delivered)
{
    struct sim s;
    sim_init(&s, 1);
    struct host *h = sim_add_host(&s, "alice");
    ck_assert_ptr_nonnull(h);
    struct nesting ns = { .sink = { .emit = nesting_emit }, .h = h };
    ns.sink.ctx = &ns;
    struct noter nt = { .sink = { .emit = noter_emit }, .clean = true };
    nt.sink.ctx = &nt;
    trace_attach_need(&s.trace, &ns.sink, TRACE_NEED_WIRE);
    trace_attach_need(&s.trace, &nt.sink, TRACE_NEED_WIRE);
    trace_frame(h, TRACE_TX, LAYER_ETH, NULL);
    /* the nested receive reaches the second sink first; then the outer
     * transmit, unchanged by it */
    ck_assert_uint_eq(nt.n, 2);
    ck_assert_int_eq(nt.kinds[0], TRACE_RX);
    ck_assert_int_eq(nt.kinds[1], TRACE_TX);
    trace_frame(h, TRACE_TX, LAYER_ETH, NULL);  /* and the bus's event is free again */
    ck_assert_uint_eq(nt.n, 3);
    ck_assert_int_eq(nt.kinds[2], TRACE_TX);
    ck_assert(nt.clean);
    ck_assert_uint_eq(h->stats.tx[LAYER_ETH], 2);
    ck_assert_uint_eq(h->stats.rx[LAYER_ETH], 1);
    trace_detach(&s.trace, &ns.sink);
    trace_detach(&s.trace, &nt.sink);
    sim_destroy(&s);
}
END_TEST

/* `expect packets` counts frames on the wire alone: a lesson that counts
 * packets (and asks nothing) builds no event above Ethernet for it, and its
 * counts still hold. It listened with TRACE_NEED_FRAMES once, which built
 * every layer's events for every packet. */
START_TEST(test_expect_packets_builds_frames_only)
{
    static const char text[] =
        "host alice 192.0.2.1/24\n"
        "host bob 192.0.2.2/24\n"
        "link alice bob delay 1ms\n"
        "bob: s = socket tcp\n"
        "bob: bind s 80\n"
        "bob: listen s 1\n"
        "alice: c = socket tcp\n"
        "alice: connect c bob:80\n"
        "bob: a = accept s\n"
        "alice: send c \"hello\"\n"
        "bob: recv a 5\n"
        "expect packets tcp from alice flags S == 1\n"
        "expect packets tcp from bob flags SA == 1\n"
        "expect packets tcp from alice == 3\n";
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_string("count.scn", text, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    struct scn_runner *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    struct scn_run_opts opts = { .quiet = true };
    char err[256];
    ck_assert_int_eq(scn_runner_init(r, scn, &opts, err, sizeof err), 0);
    ck_assert(!trace_wants_events(&r->sim.trace));  /* the counter alone listens */
    struct spy sp = { .sink = { .emit = spy_emit } };
    sp.sink.ctx = &sp;
    trace_attach_need(&r->sim.trace, &sp.sink, TRACE_NEED_WIRE);
    while (scn_runner_step(r))
        ;
    trace_detach(&r->sim.trace, &sp.sink);
    ck_assert_uint_gt(sp.frames, 0);
    ck_assert_uint_eq(spy_above_ethernet(&sp), 0);
    ck_assert_uint_eq(r->expects_failed, 0);
    scn_runner_destroy(r);
    free(r);
    scenario_free(scn);
}
END_TEST

static Suite *
capture_wire_suite(void)
{
    Suite *s = suite_create("capture_wire");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_capture_alone_builds_frames_only_pcap);
    tcase_add_test(tc, test_capture_alone_builds_frames_only_pcapng);
    tcase_add_test(tc, test_wire_sinks_are_counted_apart);
    tcase_add_test(tc, test_frame_event_made_while_one_is_delivered);
    tcase_add_test(tc, test_expect_packets_builds_frames_only);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(capture_wire_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
