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

#define REPEATS 3

static double
now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- SHA-256 [FIPS 180-4], to check the runner's digest independently ------ */

struct sha256 {
    uint32_t h[8];
    uint8_t block[64];
    size_t used;
    uint64_t bytes;
};

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static uint32_t
rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void
sha256_block(struct sha256 *s, const uint8_t *b)
{
    uint32_t w[64];
    for (unsigned i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (unsigned i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], bb = s->h[1], c = s->h[2], d = s->h[3];
    uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (unsigned i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      sha256_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = bb;
        bb = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += bb;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void
sha256_init(struct sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memset(s, 0, sizeof *s);
    memcpy(s->h, iv, sizeof iv);
}

static void
sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
    s->bytes += n;
    while (n > 0) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_block(s, s->block);
            s->used = 0;
        }
    }
}

static void
sha256_hex(struct sha256 *s, char out[65])
{
    uint64_t bits = s->bytes * 8;
    uint8_t pad = 0x80;
    sha256_update(s, &pad, 1);
    pad = 0;
    while (s->used != 56)
        sha256_update(s, &pad, 1);
    uint8_t len[8];
    for (unsigned i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (unsigned i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08" PRIx32, s->h[i]);
}

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
    sha256_hex(&s, out);
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
