/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scenario_expect_bytes.c - `expect VAR == file PATH` and
 * `expect VAR sha256 HEX`: received data checked byte for byte.
 *
 * Passing and failing runs assert what is printed: a failing file check
 * names the first differing offset and shows at most 16 bytes from each
 * side around it; a failing digest shows the digest found. PATH is relative
 * to the scenario's folder and a missing file is a FILE:LINE:COL error when
 * the scenario is parsed (so `netstep check` finds it). The digest is
 * checked across SHA-256's padding edges (55, 56, 63, 64 and 100 bytes), and
 * the statement survives a print -> parse round trip.
 */
#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "harness/scenario_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NETSTEP_TEST_DATA
#error "NETSTEP_TEST_DATA must name tests/data"
#endif

#define DIR NETSTEP_TEST_DATA "/expect_bytes/"

/* Two hosts; bob keeps what alice sends him (PAYLOAD, a quoted text) as got. */
#define SEND(payload)                                                          \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob\n"                                                         \
    "bob: s = socket udp\n"                                                    \
    "bob: bind s 7\n"                                                          \
    "alice: c = socket udp\n"                                                  \
    "alice: sendto c bob:7 " payload "\n"                                      \
    "bob: recv s 200 -> got\n"

START_TEST(test_pass)
{
    struct scenario_run *run = scenario_run_file(DIR "pass.scn");

    ck_assert_uint_eq(run->passed, 2);
    ck_assert_uint_eq(run->failed, 0);
    scenario_output_has(run, "expect got == file hello.txt                       ok\n");
    scenario_run_free(run);
}
END_TEST

START_TEST(test_fail_shows_where)
{
    struct scenario_run *run = scenario_run_file(DIR "fail.scn");

    ck_assert_uint_eq(run->passed, 0);
    ck_assert_uint_eq(run->failed, 2);
    scenario_output_has(run, "fail.scn:10: expect failed: expect got == file other.txt\n"
                             "    got: 12 bytes, other.txt has 20; they differ first at "
                             "offset 7\n"
                             "    got  [0..12): 68 65 6c 6c 6f 2c 20 77 6f 72 6c 64\n"
                             "    want [0..16): 68 65 6c 6c 6f 2c 20 74 68 65 72 65 2c 20 "
                             "77 6f\n");
    scenario_output_has(run, "fail.scn:11: expect failed: expect got sha256 68E656B251E67E8358"
                             "BEF8483AB0D51C6619F3E7A1A9F0E75838D41FF368F728\n"
                             "    got: 12 bytes with sha256 09ca7e4eaa6e8ae9c7d2611671291848836"
                             "44d07dfba7cbfbc4c8a2e08360d5b\n");
    scenario_run_free(run);
}
END_TEST

/* A difference deep in the data: 16 bytes around it, never the rest. */
START_TEST(test_fail_shows_only_a_window)
{
    char path[512];
    char text[1024];

    snprintf(path, sizeof path, "%s", DIR "long.txt");
    snprintf(text, sizeof text, SEND("\"%s\"") "expect got == file %s\n",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", path);
    struct scenario_run *run = scenario_run_text(text);

    ck_assert_uint_eq(run->failed, 1);
    scenario_output_has(run, "they differ first at offset 40\n"
                             "    got  [32..48): 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 "
                             "41\n"
                             "    want [32..48): 41 41 41 41 41 41 41 41 42 41 41 41 41 41 41 "
                             "41\n");
    ck_assert_ptr_null(strstr(run->out, "[0.."));
    scenario_run_free(run);
}
END_TEST

START_TEST(test_missing_file_is_a_parse_error)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_file(DIR "missing.scn", &d);

    ck_assert_ptr_null(scn);
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_str_eq(d.first, DIR "missing.scn:10:20: error: cannot read 'nosuch.bin': No such "
                              "file or directory");
}
END_TEST

START_TEST(test_bad_digest)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", SEND("\"x\"") "expect got sha256 12zz\n",
                                                 &d);

    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, "t.scn:9:19: error: sha256 needs 64 hex digits, found '12zz'");
    scn = scenario_parse_string("t.scn", SEND("\"x\"") "expect nope sha256 12\n", &d);
    ck_assert_ptr_null(scn);
    ck_assert_str_eq(d.first, "t.scn:9:8: error: no data variable 'nope' (data is kept with "
                              "'-> NAME' after recv or recvfrom)");
}
END_TEST

/* SHA-256 pads to 56 bytes mod 64: lengths on either side of each edge. */
static const struct {
    size_t len;
    const char *digest;  /* sha256 of len bytes of 'a' */
} digests[] = {
    { 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
    { 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
    { 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
    { 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
    { 100, "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e" },
};

START_TEST(test_digest_lengths)
{
    char payload[128];
    char text[1024];

    memset(payload, 'a', digests[_i].len);
    payload[digests[_i].len] = '\0';
    snprintf(text, sizeof text, SEND("\"%s\"") "expect got sha256 %s\n", payload,
             digests[_i].digest);
    struct scenario_run *run = scenario_run_text(text);
    ck_assert_msg(run->passed == 1 && run->failed == 0, "%zu bytes:\n%s", digests[_i].len,
                  run->out);
    scenario_run_free(run);
}
END_TEST

/* The streaming digest `recv all` keeps: FIPS 180-4's million 'a's, fed in
 * pieces of every size from 1 to 200 bytes (so blocks are split at every
 * offset and the multi-block path runs on runs of whole blocks), gives the
 * published answer; so do the two-block message and the empty one. */
START_TEST(test_streaming_digest_known_answers)
{
    static const char million_a[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    static const char two_blocks[] =
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    static const char empty[] =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    uint8_t *a = malloc(1000000);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    struct scn_sha256 c;
    uint8_t out[32];
    char hex[65];
    scn_sha256_init(&c);
    size_t off = 0, piece = 1;
    while (off < 1000000) {
        size_t n = piece < 1000000 - off ? piece : 1000000 - off;
        scn_sha256_update(&c, a + off, n);
        off += n;
        piece = piece % 200 + 1;
    }
    scn_sha256_final(&c, out);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    ck_assert_str_eq(hex, million_a);
    free(a);

    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    scn_sha256_init(&c);
    scn_sha256_update(&c, (const uint8_t *)msg, strlen(msg));
    scn_sha256_final(&c, out);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    ck_assert_str_eq(hex, two_blocks);

    scn_sha256_init(&c);
    scn_sha256_final(&c, out);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", out[i]);
    ck_assert_str_eq(hex, empty);
}
END_TEST

/* recv all of a stream whose bytes no expect needs keeps only the count,
 * and hashes the bytes only when an `expect ... sha256` reads the digest. */
#define STREAM(expects)                                                        \
    "host alice 192.0.2.1/24\n"                                                \
    "host bob 192.0.2.2/24\n"                                                  \
    "link alice bob\n"                                                         \
    "bob: l = socket tcp\n"                                                    \
    "bob: bind l 80\n"                                                         \
    "bob: listen l 1\n"                                                        \
    "bob: a = accept l &\n"                                                    \
    "alice: c = socket tcp\n"                                                  \
    "alice: connect c bob:80\n"                                                \
    "wait a\n"                                                                 \
    "alice: send c bytes 100000\n"                                             \
    "alice: close c\n"                                                         \
    "bob: recv a all -> got\n" expects

static const struct scn_value *
run_stream(const char *text, struct scn_runner *r, FILE **f, char **out, size_t *out_len)
{
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("t.scn", text, &d);
    ck_assert_msg(scn != NULL, "%s", d.first);
    *f = open_memstream(out, out_len);
    struct scn_run_opts opts = { .out = *f };
    char err[512] = "";
    ck_assert_msg(scn_runner_init(r, scn, &opts, err, sizeof err) == 0, "%s", err);
    scn_runner_run(r);
    ck_assert_uint_eq(r->expects_failed, 0);
    ck_assert_uint_eq(r->expects_passed, 1);
    int var = -1;
    for (size_t i = 0; i < scn->n_dvars; i++)
        if (strcmp(scn->dvars[i].name, "got") == 0)
            var = (int)i;
    ck_assert_int_ge(var, 0);
    return &r->values[var];
}

START_TEST(test_streamed_recv_hashes_only_for_a_sha256_expect)
{
    struct scn_runner r;
    FILE *f;
    char *out = NULL;
    size_t out_len = 0;
    const struct scn_value *v = run_stream(STREAM("expect got length == 100000\n"), &r, &f,
                                           &out, &out_len);
    ck_assert(v->set);
    ck_assert_uint_eq(v->len, 100000);
    ck_assert_ptr_null(v->data);  /* not kept */
    ck_assert(!v->hashed);        /* and not hashed: nothing reads the digest */
    const struct scenario *scn = r.scn;
    scn_runner_destroy(&r);
    fclose(f);
    free(out);
    scenario_free((struct scenario *)scn);

    out = NULL;
    v = run_stream(STREAM("expect got sha256 "
                          "bc634ceb27746878af610424e3afd5024f31e06f1f3479deda6cb33a21258bf7\n"),
                   &r, &f, &out, &out_len);
    ck_assert_ptr_null(v->data);
    ck_assert(v->hashed);
    scn = r.scn;
    scn_runner_destroy(&r);
    fclose(f);
    free(out);
    scenario_free((struct scenario *)scn);
}
END_TEST

START_TEST(test_round_trip)
{
    struct scn_diag d;
    struct scenario *a = scenario_parse_file(DIR "pass.scn", &d);
    char *text = NULL;
    size_t len = 0;

    ck_assert_msg(a != NULL, "%s", d.first);
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(scenario_print(a, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "expect got == file \"hello.txt\"\n"));
    ck_assert_ptr_nonnull(strstr(text, "expect got sha256 09ca7e4eaa6e8ae9c7d2611671291848836"
                                       "44d07dfba7cbfbc4c8a2e08360d5b\n"));
    struct scenario *b = scenario_parse_string(DIR "printed.scn", text, &d);
    ck_assert_msg(b != NULL, "%s\n%s", d.first, text);
    ck_assert(scenario_equal(a, b));
    scenario_free(a);
    scenario_free(b);
    free(text);
}
END_TEST

static Suite *
scenario_expect_bytes_suite(void)
{
    Suite *s = suite_create("scenario_expect_bytes");
    TCase *tc = tcase_create("expect_bytes");

    tcase_add_test(tc, test_pass);
    tcase_add_test(tc, test_fail_shows_where);
    tcase_add_test(tc, test_fail_shows_only_a_window);
    tcase_add_test(tc, test_missing_file_is_a_parse_error);
    tcase_add_test(tc, test_bad_digest);
    tcase_add_loop_test(tc, test_digest_lengths, 0, (int)(sizeof digests / sizeof digests[0]));
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_streaming_digest_known_answers);
    tcase_add_test(tc, test_streamed_recv_hashes_only_for_a_sha256_expect);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(scenario_expect_bytes_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
