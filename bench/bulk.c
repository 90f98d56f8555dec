/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bulk.c - a lesson that moves a gigabyte: 1 GiB over a 1 Gbit/s link with
 * 1 ms of delay, run by the scenario runner, against the same transfer in
 * ns-3 (bench/ns3/bulk_ns3.cc, BulkSendApplication to PacketSink over a
 * point-to-point link), built when libns3-dev is installed.
 *
 * netstep's side is a scenario, parsed and run in this process as
 * `netstep run` would (its printout to /dev/null): alice connects to bob,
 * `send c bytes N` on one side and `recv a all -> got` on the other, both in
 * the background, then `expect got length == N` and, in the runs that check
 * every byte, `expect got sha256 ...`: in constant memory (the runner hashes
 * the stream as it arrives, and makes the sender's bytes as they are sent).
 * The sha256 of N bytes of the pattern `abcd...z` is computed here,
 * independently, so the expect would fail if a single byte were wrong.
 *
 * Measured: wall and CPU time of the run (world building included: it is
 * two hosts), and the same for ns-3's Simulator::Run. The ratio printed is
 * ns-3 / netstep, in CPU time (the machines are shared: wall time counts
 * the neighbours' work too; both are printed). Each side runs three times;
 * each run is printed, and the ratio is of the best of each. netstep runs
 * twice three times: with `expect got length` alone, the like of ns-3's
 * PacketSink, which counts what it receives (the goal's row), and with the
 * sha256 expect too, which hashes every byte (SHA-256 is about half of that
 * run's time: its own row).
 *
 *   bench_bulk [--mib N] [--only netstep]    (default 1024: 1 GiB)
 *
 * --only netstep skips ns-3 (no ratio): for a profiler.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/scenario.h"
#include "sim/scenario_run.h"
#include "tests/harness/sha256.h"

#define REPEATS 3

static double
now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- the expected digest, by the tests' SHA-256 (tests/harness/sha256.c), so
 * the runner's own is checked by an implementation it does not share ----- */

/* The digest of n bytes of `bytes N`'s pattern: byte k is 'a' + k % 26. */
static void
pattern_sha256(uint64_t n, char out[65])
{
    static uint8_t chunk[26 * 2521];  /* 65,546 bytes: a whole number of patterns */
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (uint8_t)('a' + i % 26);
    struct sha256 s;
    sha256_init(&s);
    for (uint64_t off = 0; off < n; off += sizeof chunk)
        sha256_update(&s, chunk, n - off < sizeof chunk ? (size_t)(n - off) : sizeof chunk);
    uint8_t d[32];
    sha256_final(&s, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* --- netstep ---------------------------------------------------------------- */

struct side {
    bool ok;
    double wall_s, cpu_s, sim_s;
    char why[320];
};

/* digest NULL: the length alone is checked (what ns-3's PacketSink does:
 * it counts bytes), so `recv all` neither keeps nor hashes them. */
static void
run_netstep(uint64_t bytes, const char *digest, struct side *res)
{
    char text[2048], sha_line[128] = "";
    if (digest != NULL)
        snprintf(sha_line, sizeof sha_line, "expect got sha256 %s\n", digest);
    snprintf(text, sizeof text,
             "title \"1 GiB over 1 Gbit/s, 1 ms\"\n"
             "seed 1\n"
             "host alice 192.0.2.1/24\n"
             "host bob   192.0.2.2/24\n"
             "link alice bob delay 1ms rate 1Gbit\n"
             "bob:   l = socket tcp\n"
             "bob:   bind l 80\n"
             "bob:   listen l 1\n"
             "bob:   a = accept l &\n"
             "alice: c = socket tcp\n"
             "alice: connect c bob:80\n"
             "wait a\n"
             "alice: send c bytes %" PRIu64 " timeout 600s &\n"
             "bob:   recv a all timeout 600s -> got &\n"
             "alice: wait c\n"
             "alice: close c\n"
             "bob:   wait a\n"
             "expect got length == %" PRIu64 "\n"
             "%s",
             bytes, bytes, sha_line);
    memset(res, 0, sizeof *res);
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    struct scn_diag d;
    struct scenario *scn = scenario_parse_string("bulk.scn", text, &d);
    if (scn == NULL) {
        snprintf(res->why, sizeof res->why, "the scenario does not parse: %.200s", d.first);
        return;
    }
    FILE *null = fopen("/dev/null", "w");
    struct scn_run_opts opts = { .out = null };
    struct scn_runner r;
    char err[512] = "";
    if (null == NULL || scn_runner_init(&r, scn, &opts, err, sizeof err) < 0) {
        snprintf(res->why, sizeof res->why, "cannot start the runner: %.200s", err);
        if (null != NULL)
            fclose(null);
        scenario_free(scn);
        return;
    }
    scn_runner_run(&r);
    res->wall_s = now_s(CLOCK_MONOTONIC) - w0;
    res->cpu_s = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    res->sim_s = (double)r.sim.now_ns / 1e9;
    res->ok = r.expects_passed == (digest != NULL ? 2u : 1u) && r.expects_failed == 0;
    if (!res->ok)
        snprintf(res->why, sizeof res->why, "%u expects held, %u failed", r.expects_passed,
                 r.expects_failed);
    scn_runner_destroy(&r);
    fclose(null);
    scenario_free(scn);
}

#ifdef NETSTEP_BULK_NS3
static void
run_ns3(uint64_t bytes, struct side *res)
{
    memset(res, 0, sizeof *res);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --bytes %" PRIu64, NETSTEP_BULK_NS3, bytes);
    fflush(stdout);
    FILE *f = popen(cmd, "r");
    if (f == NULL) {
        snprintf(res->why, sizeof res->why, "cannot run %s", NETSTEP_BULK_NS3);
        return;
    }
    char key[64];
    double v, got = 0;
    while (fscanf(f, "%63s %lf", key, &v) == 2) {
        if (strcmp(key, "bytes") == 0) got = v;
        else if (strcmp(key, "wall_s") == 0) res->wall_s = v;
        else if (strcmp(key, "cpu_s") == 0) res->cpu_s = v;
        else if (strcmp(key, "sim_s") == 0) res->sim_s = v;
    }
    int status = pclose(f);
    res->ok = status == 0 && got >= (double)bytes && res->cpu_s > 0;
    if (!res->ok)
        snprintf(res->why, sizeof res->why, "ns-3 moved %.0f of %" PRIu64 " bytes (status %d)",
                 got, bytes, status);
}
#endif

int
main(int argc, char **argv)
{
    uint64_t mib = 1024;
    bool with_ns3 = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end != '\0' || v < 1 || v > 2047) {
                fprintf(stderr, "bench_bulk: --mib wants 1..2047\n");
                return 2;
            }
            mib = v;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                   strcmp(argv[i + 1], "netstep") == 0) {
            with_ns3 = false;
            i++;
        } else {
            fprintf(stderr, "usage: bench_bulk [--mib N] [--only netstep]   (default 1024)\n");
            return 2;
        }
    }
    uint64_t bytes = mib << 20;
    char digest[65];
    pattern_sha256(bytes, digest);
    printf("bench_bulk: %" PRIu64 " MiB over one TCP connection, 1 Gbit/s link, 1 ms delay "
           "(best of %d)\n", mib, REPEATS);
    /* netstep twice: the length checked, as ns-3's sink counts bytes; and
     * every byte checked too (its sha256 against the one computed here) */
    struct side best = { .cpu_s = INFINITY }, best_sha = { .cpu_s = INFINITY };
    for (int k = 0; k < 2 * REPEATS; k++) {
        bool sha = k >= REPEATS;
        struct side s;
        run_netstep(bytes, sha ? digest : NULL, &s);
        if (!s.ok) {
            fprintf(stderr, "bench_bulk: netstep: %s\n", s.why);
            return 1;
        }
        printf("  netstep run %d%s: %6.2f s CPU, %6.2f s wall\n", k % REPEATS + 1,
               sha ? " (sha256)" : "         ", s.cpu_s, s.wall_s);
        fflush(stdout);
        struct side *b = sha ? &best_sha : &best;
        if (s.cpu_s < b->cpu_s)
            *b = s;
    }
    printf("  netstep  %7.2f s CPU, %7.2f s wall (best); %.3f s simulated; the length expect "
           "held\n", best.cpu_s, best.wall_s, best.sim_s);
    printf("  netstep  %7.2f s CPU, %7.2f s wall (best), every byte hashed; length and sha256 "
           "expects held\n", best_sha.cpu_s, best_sha.wall_s);
    if (!with_ns3)
        return 0;
#ifdef NETSTEP_BULK_NS3
    struct side nbest = { .cpu_s = INFINITY };
    for (int k = 0; k < REPEATS; k++) {
        struct side s;
        run_ns3(bytes, &s);
        if (!s.ok) {
            fprintf(stderr, "bench_bulk: %s\n", s.why);
            return 1;
        }
        printf("  ns-3 run %d:    %6.2f s CPU, %6.2f s wall\n", k + 1, s.cpu_s, s.wall_s);
        fflush(stdout);
        if (s.cpu_s < nbest.cpu_s)
            nbest = s;
    }
    printf("  ns-3 %s %7.2f s CPU, %7.2f s wall (best); %.3f s simulated (BulkSend to PacketSink, "
           "point to point)\n", NETSTEP_NS3_VERSION, nbest.cpu_s, nbest.wall_s, nbest.sim_s);
    printf("  row: %" PRIu64 " MiB over 1 Gbit/s 1 ms, vs ns-3: %.1fx faster (CPU), %.1fx "
           "(wall) (goal >= 20x; bytes counted on both sides)\n", mib,
           nbest.cpu_s / best.cpu_s, nbest.wall_s / best.wall_s);
    printf("  row: %" PRIu64 " MiB over 1 Gbit/s 1 ms, every byte hashed, vs ns-3: %.1fx faster "
           "(CPU), %.1fx (wall)\n", mib, nbest.cpu_s / best_sha.cpu_s,
           nbest.wall_s / best_sha.wall_s);
#elif defined(NETSTEP_NS3_SANITIZER_BUILD)
    printf("  (a sanitizer build: the ns-3 comparison is skipped)\n");
#else
    printf("  (ns-3 is not installed: scripts/install-deps.sh --bench, then configure again,"
           " adds the comparison)\n");
#endif
    return 0;
}
