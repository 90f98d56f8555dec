/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_ask.c - `ask`: questions the stack itself answers.
 *
 * The answers are checked against what the stack must do, not against
 * numbers copied from a run: bob's SYN-ACK acknowledges alice's SYN's
 * sequence number + 1; the host answering an ARP request is the one that
 * owns the address; a SYN to a listener is accepted and one to a closed port
 * is not, nor is a zero-window probe whose byte the sequence check refuses
 * (its ACK field processed all the same); alice's rcv_nxt after the SYN-ACK
 * is bob's ISN + 1, and a TCB answer after close() reads the connection the
 * socket left behind, or, when that is gone too, is never answered (no
 * placeholder text taken for an answer). A question no
 * frame answers fails the run, whether the script ends or the next
 * question comes first; asking changes no frame on any wire. Parse errors
 * point at the word that is wrong, and the statement survives print -> parse.
 */
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "harness/scenario_helpers.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORLD                                                                  \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob delay 10ms\n"                                              \
    "bob: s = socket tcp\n"                                                    \
    "bob: bind s 80\n"                                                         \
    "bob: listen s 5\n"                                                        \
    "bob: a = accept s &\n"                                                    \
    "alice: c = socket tcp\n"

/* What the runner told on_ask/on_answer, in order. */
struct told {
    unsigned asked;
    unsigned answered;
    struct scn_ask_answer ans[16];
    unsigned line[16];
};

static void
on_ask(void *ctx, const struct scn_step *st, size_t step_no)
{
    struct told *t = ctx;
    (void)st;
    (void)step_no;
    t->asked++;
}

static void
on_answer(void *ctx, const struct scn_step *st, size_t step_no, const struct scn_ask_answer *a)
{
    struct told *t = ctx;
    (void)step_no;
    ck_assert_uint_lt(t->answered, 16);
    t->line[t->answered] = st->line;
    t->ans[t->answered++] = *a;
}

/* The answer to the question on line `line`. */
static const struct scn_ask_answer *
answer_of(const struct told *t, unsigned line)
{
    for (unsigned i = 0; i < t->answered; i++)
        if (t->line[i] == line)
            return &t->ans[i];
    ck_abort_msg("no answer for line %u", line);
    return NULL;
}

/* Frames on the wires: a checksum of each, in order, to compare two runs. */
struct wire_log {
    struct trace_sink sink;
    uint64_t sum;
    unsigned frames;
};

static void
wire_emit(void *ctx, const struct trace_event *ev)
{
    struct wire_log *w = ctx;
    if (!sim_event_is_frame(ev))
        return;
    w->frames++;
    w->sum = w->sum * 1000003u + ev->t_ns;
    for (size_t i = 0; i < ev->pkt->len; i++)
        w->sum = w->sum * 31u + ev->pkt->data[i];
}

/* Run text with the callbacks (and the wire log), the printout in *out. */
static unsigned
run_told(const char *text, struct told *t, struct wire_log *wl, char **out)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    struct scn_runner r;
    char err[512] = "";
    size_t len = 0;

    ck_assert_msg(scn != NULL, "unexpected error: %s", d.first);
    FILE *f = open_memstream(out, &len);
    ck_assert_ptr_nonnull(f);
    struct scn_run_opts opts = { .out = f, .on_ask = on_ask, .on_answer = on_answer,
                                 .ask_ctx = t };
    ck_assert_msg(scn_runner_init(&r, scn, &opts, err, sizeof(err)) == 0, "%s", err);
    if (wl != NULL) {
        wl->sink.emit = wire_emit;
        wl->sink.ctx = wl;
        trace_attach(&r.sim.trace, &wl->sink);
    }
    scn_runner_run(&r);
    unsigned failed = r.expects_failed;
    if (wl != NULL)
        trace_detach(&r.sim.trace, &wl->sink);
    scn_runner_destroy(&r);
    ck_assert_int_eq(fclose(f), 0);
    scenario_free(scn);
    return failed;
}

START_TEST(test_handshake_answers)
{
    /* Lines 9..13 are the questions, asked together before connect. */
    const char *text = WORLD
        "ask \"Who answers the ARP request?\" choices \"alice\" \"bob\" answer next arp reply "
        "host\n"
        "ask \"alice's ISN?\" answer next tcp from alice flags S field seq\n"
        "ask \"What ACK will bob send?\" answer next tcp from bob field ack\n"
        "ask \"bob's ISN?\" answer next tcp from bob flags SA field seq\n"
        "ask \"alice's rcv_nxt after the SYN-ACK?\" answer alice c rcv_nxt after next tcp to "
        "alice\n"
        "alice: connect c bob:80\n"
        "wait a\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 0);
    ck_assert_uint_eq(t.asked, 5);
    ck_assert_uint_eq(t.answered, 5);
    const struct scn_ask_answer *host = answer_of(&t, 9);
    ck_assert(host->answered && host->from_stack);
    ck_assert_str_eq(host->text, "bob");
    ck_assert_uint_eq(host->choice, 2);
    ck_assert_ptr_nonnull(strstr(host->event_text, "ARP, Reply 192.0.2.2 is-at"));
    uint64_t iss = strtoull(answer_of(&t, 10)->text, NULL, 10);
    uint64_t ack = strtoull(answer_of(&t, 11)->text, NULL, 10);
    uint64_t irs = strtoull(answer_of(&t, 12)->text, NULL, 10);
    uint64_t rcv_nxt = strtoull(answer_of(&t, 13)->text, NULL, 10);
    ck_assert_uint_eq(ack, (iss + 1) & 0xffffffffu);
    ck_assert_uint_eq(rcv_nxt, (irs + 1) & 0xffffffffu);
    /* Each answer names its event; the SYN-ACK comes after the SYN. */
    ck_assert_uint_gt(answer_of(&t, 11)->event, answer_of(&t, 10)->event);
    ck_assert_uint_gt(answer_of(&t, 13)->t_ns, answer_of(&t, 11)->t_ns - 1);
    ck_assert_ptr_nonnull(strstr(out, "  ? What ACK will bob send?\n"));
    ck_assert_ptr_nonnull(strstr(out, "] answer: bob  (event "));
    free(out);
}
END_TEST

START_TEST(test_accepted_yes_and_no)
{
    const char *text = WORLD
        "ask \"Does bob take alice's SYN to port 80?\" answer next tcp to bob flags S accepted\n"
        "alice: connect c bob:80\n"
        "wait a\n"
        "alice: d = socket tcp\n"
        "ask \"Does bob take a SYN to port 81?\" answer next tcp to bob port 81 accepted\n"
        "alice: connect d bob:81\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 0);
    ck_assert_uint_eq(t.answered, 2);
    ck_assert_str_eq(answer_of(&t, 9)->text, "yes");
    ck_assert_str_eq(answer_of(&t, 13)->text, "no");
    /* The refusal is the stack's own drop of that segment. */
    ck_assert_ptr_nonnull(strstr(answer_of(&t, 13)->event_text, "bob TCP"));
    free(out);
}
END_TEST

/* A world where bob's buffer fills: he reads nothing, his window falls to
 * zero, and alice's persist timer probes it with one byte. */
#define ZERO_WINDOW_WORLD                                                      \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob delay 5ms rate 10Mbit\n"                                   \
    "bob: s = socket tcp\n"                                                    \
    "bob: setsockopt s rcvbuf 5792\n"                                          \
    "bob: bind s 9000\n"                                                       \
    "bob: listen s 5\n"                                                        \
    "bob: a = accept s &\n"                                                    \
    "alice: c = socket tcp\n"                                                  \
    "alice: connect c bob:9000\n"                                              \
    "wait a\n"

START_TEST(test_accepted_no_for_a_refused_zero_window_probe)
{
    /* The probe reaches bob's TCP and its ACK field is processed, but the
     * sequence check refuses its byte (RCV.WND is 0) [RFC 9293 3.10.7.4]:
     * not accepted. The full segments before it were. */
    const char *text = ZERO_WINDOW_WORLD
        "ask \"Does bob take alice's first data segment?\" answer next tcp to bob len > 0 "
        "accepted\n"
        "alice: send c bytes 30000 &\n"
        "sleep 500ms\n"
        "expect bob a tcb rcv_wnd == 0\n"
        "ask \"Does bob take alice's 1-byte probe?\" answer next tcp to bob len == 1 accepted\n"
        "sleep 1500ms\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 0);
    ck_assert_uint_eq(t.answered, 2);
    ck_assert_str_eq(answer_of(&t, 12)->text, "yes");
    const struct scn_ask_answer *probe = answer_of(&t, 16);
    ck_assert(probe->answered && probe->from_stack);
    ck_assert_str_eq(probe->text, "no");
    /* The answer is bob's TCP refusing it, not a drop somewhere else. */
    ck_assert_msg(strstr(probe->event_text, "bob TCP") == probe->event_text &&
                      strstr(probe->event_text, "not acceptable") != NULL,
                  "%s", probe->event_text);
    ck_assert_uint_gt(probe->t_ns, 1000000000u); /* the persist timer's, not a data segment */
    free(out);
}
END_TEST

START_TEST(test_tcb_answer_follows_the_connection_close_left)
{
    /* After close(c), c has no descriptor, but the connection it left lives
     * on: bob's ACK of alice's FIN takes it to FIN_WAIT_2, and its snd_una
     * is then past the SYN, "hi" and the FIN: ISN + 4. */
    const char *text = WORLD
        "ask \"alice's ISN?\" answer next tcp from alice flags S field seq\n"
        "alice: connect c bob:80\n"
        "wait a\n"
        "alice: send c \"hi\"\n"
        "sleep 1s\n"
        "alice: close c\n"
        "ask \"alice's snd_una once bob acknowledges her FIN?\" answer alice c snd_una after "
        "next tcp to alice\n"
        "ask \"and relative to her ISN?\" answer alice c snd_una_rel after next tcp to alice\n"
        "sleep 1s\n"
        "expect alice c state FIN_WAIT_2\n"
        "expect alice c tcb snd_una_rel == 4\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_msg(run_told(text, &t, NULL, &out) == 0, "%s", out);
    ck_assert_uint_eq(t.answered, 3);
    uint64_t iss = strtoull(answer_of(&t, 9)->text, NULL, 10);
    const struct scn_ask_answer *una = answer_of(&t, 15);
    ck_assert(una->answered && una->from_stack);
    ck_assert_uint_eq(strtoull(una->text, NULL, 10), (iss + 4) & 0xffffffffu);
    ck_assert_str_eq(answer_of(&t, 16)->text, "4");
    ck_assert_ptr_nonnull(strstr(una->event_text, "alice TCP"));
    free(out);
}
END_TEST

START_TEST(test_tcb_answer_of_a_connection_gone_is_never_answered)
{
    /* bob closes first; alice's close sends her FIN from CLOSE_WAIT, and
     * bob's ACK of it ends the connection (LAST_ACK -> CLOSED): once alice
     * has handled that frame there is no TCB to read. No placeholder: the
     * question is never answered, and the run fails. */
    const char *text = WORLD
        "alice: connect c bob:80\n"
        "wait a\n"
        "bob: close a\n"
        "sleep 1s\n"
        "expect alice c state CLOSE_WAIT\n"
        "alice: close c\n"
        "ask \"alice's cwnd once bob acknowledges her FIN?\" answer alice c cwnd after next tcp "
        "to alice\n"
        "sleep 1s\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 1);
    ck_assert_uint_eq(t.answered, 1);
    ck_assert(!t.ans[0].answered);
    ck_assert_msg(strstr(out, "t.scn:15: the question is never answered: alice's cwnd once bob "
                              "acknowledges her FIN?\n    (alice's c has no TCB once alice has "
                              "handled that frame: the connection is gone)\n") != NULL,
                  "%s", out);
    ck_assert_ptr_nonnull(strstr(t.ans[0].why, "has no TCB"));
    ck_assert_ptr_null(strstr(out, "no TCB)"));
    free(out);
}
END_TEST

START_TEST(test_fixed_answers)
{
    const char *text = WORLD
        "ask \"How many segments open a connection?\" answer 3\n"
        "ask \"Who sends the first SYN?\" choices \"the server\" \"the client\" answer 2\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 0);
    ck_assert_uint_eq(t.answered, 2);
    ck_assert_str_eq(answer_of(&t, 9)->text, "3");
    ck_assert(!answer_of(&t, 9)->from_stack);
    ck_assert_str_eq(answer_of(&t, 10)->text, "the client");
    ck_assert_uint_eq(answer_of(&t, 10)->choice, 2);
    ck_assert_ptr_nonnull(strstr(out, "      2) the client\n"));
    ck_assert_ptr_nonnull(strstr(out, "] answer: the client  (the lesson's own answer)\n"));
    free(out);
}
END_TEST

START_TEST(test_never_answered_at_the_end)
{
    const char *text = WORLD
        "ask \"Which UDP port?\" answer next udp field dport\n"
        "alice: connect c bob:80\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 1);
    ck_assert_uint_eq(t.answered, 1);
    ck_assert(!t.ans[0].answered);
    ck_assert_ptr_nonnull(strstr(out, "t.scn:9: the question is never answered: Which UDP port?\n"
                                      "    (no frame answered it before the script ended)\n"));
    free(out);
}
END_TEST

START_TEST(test_never_answered_before_the_next_question)
{
    /* The first question's frame (bob's FIN) comes only after the second
     * question, past the step it was asked about: it fails there. */
    const char *text = WORLD
        "ask \"bob's FIN?\" answer next tcp from bob flags F field seq\n"
        "alice: connect c bob:80\n"
        "ask \"alice's SYN?\" answer next tcp from alice field seq\n"
        "sleep 1s\n";
    struct told t = { 0 };
    char *out = NULL;

    ck_assert_uint_eq(run_told(text, &t, NULL, &out), 2);
    ck_assert_ptr_nonnull(strstr(out, "t.scn:9: the question is never answered: bob's FIN?\n"
                                      "    (no frame answered it before the next question)\n"));
    free(out);
}
END_TEST

START_TEST(test_asking_changes_no_frame)
{
    const char *plain = WORLD "alice: connect c bob:80\nwait a\nalice: send c \"hi\"\nsleep 1s\n";
    const char *asked = WORLD
        "ask \"What ACK will bob send?\" answer next tcp from bob field ack\n"
        "ask \"cwnd after?\" answer alice c cwnd after next tcp to alice\n"
        "alice: connect c bob:80\nwait a\n"
        "ask \"Accepted?\" answer next tcp to bob len > 0 accepted\n"
        "alice: send c \"hi\"\nsleep 1s\n";
    struct told t1 = { 0 }, t2 = { 0 };
    struct wire_log w1 = { 0 }, w2 = { 0 };
    char *o1 = NULL, *o2 = NULL;

    ck_assert_uint_eq(run_told(plain, &t1, &w1, &o1), 0);
    ck_assert_uint_eq(run_told(asked, &t2, &w2, &o2), 0);
    ck_assert_uint_eq(t2.answered, 3);
    ck_assert_uint_gt(w1.frames, 6);
    ck_assert_uint_eq(w1.frames, w2.frames);
    ck_assert_uint_eq(w1.sum, w2.sum);
    free(o1);
    free(o2);
}
END_TEST

static void
parse_fails(const char *line, const char *want)
{
    char text[2048];
    struct scn_diag d;

    snprintf(text, sizeof text, WORLD "alice: u = socket udp\n%s\n", line);
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn == NULL, "parsed: %s", line);
    ck_assert_str_eq(d.first, want);
}

START_TEST(test_parse_errors)
{
    parse_fails("ask \"q\" answer next tcp from bob field akc",
                "t.scn:10:40: error: unknown header field 'akc' (did you mean 'ack'?)");
    parse_fails("ask \"q\" answer next udp field seq",
                "t.scn:10:31: error: seq (sequence number) is not in every frame this filter "
                "matches: name the protocol, like 'next tcp ...'");
    parse_fails("ask \"q\" next tcp field ack",
                "t.scn:10:9: error: ask needs 'answer' after the question, like 'answer next "
                "tcp from bob field ack' or 'answer 2'");
    parse_fails("ask \"q\" answer next ip accepted",
                "t.scn:10:24: error: accepted needs the protocol that takes the frame: arp, "
                "icmp, udp or tcp");
    parse_fails("ask \"q\" answer alice u cwnd after next tcp",
                "t.scn:10:22: error: u is not a TCP socket: only TCP has a TCB");
    parse_fails("ask \"q\" answer alice c cwdn after next tcp",
                "t.scn:10:24: error: unknown TCB field 'cwdn' (did you mean 'cwnd'?)");
    parse_fails("ask \"q\" choices \"a\" \"b\" answer 3",
                "t.scn:10:32: error: the choice 3 is more than 2");
    parse_fails("ask \"q\" answer next field ack",
                "t.scn:10:16: error: next needs a filter saying which frame answers, like "
                "'next tcp from bob' or 'next arp reply'");
    parse_fails("ask \"q\" answer next tcp from bob",
                "t.scn:10:16: error: say what of the next frame answers: 'field F', 'host' or "
                "'accepted'");
}
END_TEST

START_TEST(test_round_trip)
{
    const char *text = WORLD
        "ask \"A?\" choices \"alice\" \"bob\" answer next arp reply from bob host\n"
        "ask \"B?\" answer next tcp from bob flags SA field ack\n"
        "ask \"C?\" answer next tcp to bob port 80 accepted\n"
        "ask \"D?\" answer alice c cwnd after next tcp to alice\n"
        "ask \"E?\" choices \"x\" \"y\" \"z\" answer 3\n"
        "ask \"F?\" answer 42\n";
    struct scenario *a = scenario_parse_ok(text);
    char *printed = NULL;
    size_t len = 0;
    struct scn_diag d;

    FILE *f = open_memstream(&printed, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scenario_print(a, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(printed, "ask \"A?\" choices \"alice\" \"bob\" answer next arp "
                                          "reply from bob host\n"));
    ck_assert_ptr_nonnull(strstr(printed, "ask \"D?\" answer alice c cwnd after next tcp to "
                                          "alice\n"));
    struct scenario *b = scenario_parse_string("printed.scn", printed, &d);
    ck_assert_msg(b != NULL, "%s\n%s", d.first, printed);
    ck_assert(scenario_equal(a, b));
    scenario_free(a);
    scenario_free(b);
    free(printed);
}
END_TEST

static Suite *
scenario_ask_suite(void)
{
    Suite *s = suite_create("scenario_ask");
    TCase *tc = tcase_create("ask");

    tcase_add_test(tc, test_handshake_answers);
    tcase_add_test(tc, test_accepted_yes_and_no);
    tcase_add_test(tc, test_accepted_no_for_a_refused_zero_window_probe);
    tcase_add_test(tc, test_tcb_answer_follows_the_connection_close_left);
    tcase_add_test(tc, test_tcb_answer_of_a_connection_gone_is_never_answered);
    tcase_add_test(tc, test_fixed_answers);
    tcase_add_test(tc, test_never_answered_at_the_end);
    tcase_add_test(tc, test_never_answered_before_the_next_question);
    tcase_add_test(tc, test_asking_changes_no_frame);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_ask_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
