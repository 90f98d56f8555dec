/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_trace_need.c - the trace bus builds a sentence only for a sink that
 * reads it.
 *
 * A capture reads frames and causes, never the sentence: a run captured to
 * classic pcap or to pcapng, with nothing else listening, must format no
 * sentence at all (the bus counts them), and its file must be byte for byte
 * the file of the same run with a sink that does read the text beside it.
 * The event log keeps the format and its arguments instead of the sentence:
 * a run recorded and nothing else formats no sentence either, and (in
 * test_record.c) every sentence it builds later equals the one the bus
 * would have written.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/record.h"
#include "sim/scenario.h"
#include "sim/scenario_run.h"

/* A sink that needs the text, and reads it. */
struct reader {
    struct trace_sink sink;
    size_t events;
    size_t chars;
};

static void
reader_emit(void *ctx, const struct trace_event *ev)
{
    struct reader *rd = ctx;
    rd->events++;
    rd->chars += strlen(ev->text);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
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

/* Run lesson `name` captured into `file` (pcapng if it ends so), with a
 * text reader beside the capture or not. Returns the sentences formatted. */
static uint64_t
run_captured(const char *name, const char *file, bool with_reader, size_t *read_chars)
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
    struct capture cap;
    struct capture_opts co = { .file = file };
    ck_assert_int_eq(capture_open(&cap, &r->sim, scn, &co), 0);
    capture_attach(&cap, &r->sim.trace);
    struct reader rd = { .sink = { .emit = reader_emit } };
    rd.sink.ctx = &rd;
    if (with_reader)
        trace_attach(&r->sim.trace, &rd.sink);
    while (scn_runner_step(r))
        ;
    if (with_reader)
        trace_detach(&r->sim.trace, &rd.sink);
    ck_assert_int_eq(capture_close(&cap), 0);
    uint64_t sentences = r->sim.trace.sentences;
    ck_assert_uint_gt(r->sim.trace.events, 0);
    scn_runner_destroy(r);
    free(r);
    scenario_free(scn);
    *read_chars = rd.chars;
    return sentences;
}

static void
check_capture_builds_no_sentence(const char *lesson, const char *ext)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "trace-need-%ld-alone%s", (long)getpid(), ext);
    snprintf(b, sizeof b, "trace-need-%ld-read%s", (long)getpid(), ext);
    size_t chars_alone, chars_read;
    ck_assert_uint_eq(run_captured(lesson, a, false, &chars_alone), 0);
    /* the same run with a reader: the sentences are built, and read */
    ck_assert_uint_gt(run_captured(lesson, b, true, &chars_read), 0);
    ck_assert_uint_gt(chars_read, 0);
    size_t la, lb;
    uint8_t *fa = slurp(a, &la), *fb = slurp(b, &lb);
    ck_assert_uint_gt(la, 100);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(fa, fb, la) == 0);
    free(fa);
    free(fb);
    unlink(a);
    unlink(b);
}

START_TEST(test_pcap_alone_builds_no_sentence)
{
    check_capture_builds_no_sentence("tcp/slow-start.scn", ".pcap");
    check_capture_builds_no_sentence("udp/echo.scn", ".pcap");
}
END_TEST

START_TEST(test_pcapng_alone_builds_no_sentence)
{
    /* the comments say why each frame was sent: causes, not sentences */
    check_capture_builds_no_sentence("tcp/slow-start.scn", ".pcapng");
    check_capture_builds_no_sentence("udp/echo.scn", ".pcapng");
}
END_TEST

/* Run lesson `name` with the record and (if given) a reader; the sentences
 * formatted, the record's events' texts joined into *texts. */
static uint64_t
run_recorded(const char *name, bool with_reader, char **texts, size_t *n_events)
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
    struct reader rd = { .sink = { .emit = reader_emit } };
    rd.sink.ctx = &rd;
    if (with_reader)
        trace_attach(&r->sim.trace, &rd.sink);
    while (scn_runner_step(r))
        ;
    if (with_reader)
        trace_detach(&r->sim.trace, &rd.sink);
    record_detach(&rec);
    uint64_t sentences = r->sim.trace.sentences;
    size_t cap = 1 << 16, len = 0;
    char *all = malloc(cap);
    ck_assert_ptr_nonnull(all);
    struct record_event ev;
    for (size_t i = 0; record_get(&rec, i, &ev); i++) {
        size_t k = strlen(ev.text);
        while (len + k + 2 > cap) {
            cap *= 2;
            all = realloc(all, cap);
            ck_assert_ptr_nonnull(all);
        }
        memcpy(all + len, ev.text, k);
        all[len + k] = '\n';
        len += k + 1;
    }
    all[len] = '\0';
    *texts = all;
    *n_events = record_count(&rec);
    ck_assert_uint_eq(rec.lost, 0);
    record_destroy(&rec);
    scn_runner_destroy(r);
    free(r);
    scenario_free(scn);
    return sentences;
}

START_TEST(test_record_alone_builds_no_sentence_until_asked)
{
    const char *lessons[] = { "tcp/slow-start.scn", "udp/echo.scn", "ip/fragmentation.scn",
                              "tcp/fast-retransmit.scn" };
    for (size_t k = 0; k < sizeof lessons / sizeof lessons[0]; k++) {
        char *alone, *read;
        size_t n_alone, n_read;
        ck_assert_uint_eq(run_recorded(lessons[k], false, &alone, &n_alone), 0);
        ck_assert_uint_gt(run_recorded(lessons[k], true, &read, &n_read), 0);
        /* the sentences the record builds when asked are the bus's own */
        ck_assert_uint_gt(n_alone, 10);
        ck_assert_uint_eq(n_alone, n_read);
        ck_assert_uint_gt(strlen(alone), n_alone * 10);
        ck_assert_str_eq(alone, read);
        free(alone);
        free(read);
    }
}
END_TEST

START_TEST(test_attach_and_detach_count_text_sinks)
{
    struct trace tr;
    trace_init(&tr);
    struct trace_sink text = { .emit = reader_emit }, frames = { .emit = reader_emit };
    ck_assert(!trace_wanted(&tr));
    trace_attach_need(&tr, &frames, TRACE_NEED_FRAMES);
    ck_assert(trace_wanted(&tr));
    ck_assert(!trace_wants_text(&tr));
    trace_attach(&tr, &text);
    ck_assert(trace_wants_text(&tr));
    trace_detach(&tr, &text);
    ck_assert(!trace_wants_text(&tr));
    trace_detach(&tr, &text);  /* not attached any more: nothing changes */
    ck_assert(!trace_wants_text(&tr));
    ck_assert(trace_wanted(&tr));
    trace_detach(&tr, &frames);
    ck_assert(!trace_wanted(&tr));
}
END_TEST

static Suite *
trace_need_suite(void)
{
    Suite *s = suite_create("trace_need");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pcap_alone_builds_no_sentence);
    tcase_add_test(tc, test_pcapng_alone_builds_no_sentence);
    tcase_add_test(tc, test_record_alone_builds_no_sentence_until_asked);
    tcase_add_test(tc, test_attach_and_detach_count_text_sinks);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(trace_need_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
