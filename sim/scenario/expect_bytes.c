/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/expect_bytes.c - byte-exact checks of received data:
 *
 *   expect VAR == file PATH    the data is the file's bytes, exactly
 *   expect VAR sha256 HEX      the data's SHA-256 digest is HEX [FIPS 180-4]
 *
 * One statement, one file: its parse, print, compare, copy, clear and run
 * functions, which its row in stmt_table.c names. PATH is relative to the
 * scenario file's folder; a file that cannot be read is an error when the
 * scenario is checked. A failing check shows the first differing offset and
 * at most 16 bytes around it from each side, never the whole payload (a
 * lesson may move megabytes).
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1
#endif

#define SHA256_LEN 32          /* bytes of a digest */
#define WINDOW 16              /* bytes shown from each side around a difference */
#define FILE_MAX (64u << 20)   /* largest file compared: 64 MiB */

/* ---------------------------------------------------------------------------
 * SHA-256 [FIPS 180-4 6.2]
 * ------------------------------------------------------------------------- */

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
ror32(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

/* One 64-byte block into the state h [FIPS 180-4 6.2.2]. */
static void
sha256_block(uint32_t h[8], const uint8_t *blk)
{
    uint32_t w[64], v[8];

    for (unsigned t = 0; t < 16; t++)
        w[t] = (uint32_t)blk[4 * t] << 24 | (uint32_t)blk[4 * t + 1] << 16 |
               (uint32_t)blk[4 * t + 2] << 8 | blk[4 * t + 3];
    for (unsigned t = 16; t < 64; t++) {
        uint32_t s0 = ror32(w[t - 15], 7) ^ ror32(w[t - 15], 18) ^ w[t - 15] >> 3;
        uint32_t s1 = ror32(w[t - 2], 17) ^ ror32(w[t - 2], 19) ^ w[t - 2] >> 10;
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    /* The eight working variables rotate by renaming, in registers: a
     * memmove of them was 40% of a gigabyte's `recv all`. */
    uint32_t a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], hh = v[7];
    for (unsigned t = 0; t < 64; t++) {
        uint32_t e1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + e1 + ch + sha256_k[t] + w[t];
        uint32_t e0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + e0 + maj;
    }
    v[0] = a;
    v[1] = b;
    v[2] = c;
    v[3] = d;
    v[4] = e;
    v[5] = f;
    v[6] = g;
    v[7] = hh;
    for (unsigned i = 0; i < 8; i++)
        h[i] += v[i];
}

#ifdef HAVE_SHA_NI_PATH
/* n blocks with the x86 SHA extensions (SHA256RNDS2 does two rounds,
 * SHA256MSG1/2 the message schedule), in the layout Intel's SHA extensions
 * paper gives: the state as ABEF and CDGH halves. About seven times the
 * portable code's speed, which is what a gigabyte's `expect ... sha256`
 * costs; the digest is the same (the tests compare with known answers). */
__attribute__((target("sha,sse4.1"))) static void
sha256_blocks_ni(uint32_t h[8], const uint8_t *data, size_t n)
{
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i tmp = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);           /* CDAB */
    state1 = _mm_shuffle_epi32(state1, 0x1B);     /* EFGH */
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);  /* CDGH */
    for (; n > 0; n--, data += 64) {
        __m128i abef = state0, cdgh = state1;
        __m128i w[4];
        for (unsigned i = 0; i < 16; i++) {
            __m128i wi;
            if (i < 4) {
                wi = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * i)),
                                      byteswap);
            } else {
                /* W[t] for four t: sigma0 terms, W[t-7], then sigma1 terms */
                wi = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
                wi = _mm_add_epi32(wi, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
                wi = _mm_sha256msg2_epu32(wi, w[(i + 3) % 4]);
            }
            w[i % 4] = wi;
            __m128i msg = _mm_add_epi32(wi, _mm_loadu_si128((const __m128i *)(const void *)&sha256_k[4 * i]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);        /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xB1);     /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);  /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);     /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], state0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], state1);
}
#endif

#ifdef HAVE_SHA_NI_PATH
/* Whether the CPU has the SHA extensions and SSE4.1, from CPUID (leaf 1
 * ECX for SSE4.1, leaf 7 EBX for SHA): asked once, since the answer cannot
 * change while the program runs. CPUID itself, not __builtin_cpu_supports,
 * because clang 14 does not know the "sha" feature name. */
static bool
cpu_has_sha_ni(void)
{
    static int known = -1;
    if (known < 0) {
        unsigned a, b, c, d;
        known = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) != 0 &&
                __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA) != 0;
    }
    return known == 1;
}
#endif

/* n 64-byte blocks into h: with the SHA extensions when the CPU has them. */
static void
sha256_blocks(uint32_t h[8], const uint8_t *data, size_t n)
{
#ifdef HAVE_SHA_NI_PATH
    if (cpu_has_sha_ni()) {
        sha256_blocks_ni(h, data, n);
        return;
    }
#endif
    for (; n > 0; n--, data += 64)
        sha256_block(h, data);
}

/* A digest computed piece by piece, so `recv all` can hash a stream of any
 * length as it arrives [FIPS 180-4 5.3.3 initial hash value]. */
void
scn_sha256_init(struct scn_sha256 *c)
{
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, h0, sizeof h0);
    c->n = 0;
    c->total = 0;
}

void
scn_sha256_update(struct scn_sha256 *c, const uint8_t *data, size_t len)
{
    c->total += len;
    if (c->n > 0) {
        size_t take = 64 - c->n < len ? 64 - c->n : len;
        memcpy(c->blk + c->n, data, take);
        c->n += take;
        data += take;
        len -= take;
        if (c->n < 64)
            return;
        sha256_blocks(c->h, c->blk, 1);
        c->n = 0;
    }
    sha256_blocks(c->h, data, len / 64);
    data += len / 64 * 64;
    len %= 64;
    memcpy(c->blk, data, len);
    c->n = len;
}

/* [FIPS 180-4 5.1.1] padding: a 1 bit, zeros, the length in bits. */
void
scn_sha256_final(struct scn_sha256 *c, uint8_t out[SHA256_LEN])
{
    uint8_t tail[128] = { 0 };
    size_t tail_len = c->n < 56 ? 64 : 128;
    uint64_t bits = c->total * 8;

    memcpy(tail, c->blk, c->n);
    tail[c->n] = 0x80;
    for (unsigned i = 0; i < 8; i++)
        tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha256_blocks(c->h, tail, tail_len / 64);
    for (unsigned i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

/* The digest of data[0..len) into out. */
static void
sha256(const uint8_t *data, size_t len, uint8_t out[SHA256_LEN])
{
    struct scn_sha256 c;
    scn_sha256_init(&c);
    if (len > 0)
        scn_sha256_update(&c, data, len);
    scn_sha256_final(&c, out);
}

/* ---------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------- */

/* The row shares `expect` with the other checks: it takes `expect VAR ==
 * file ...` and `expect VAR sha256 ...`. */
bool
expect_bytes_claims(const struct line *ln, size_t i)
{
    return (i + 3 < ln->n_toks && word_is(&ln->toks[i + 2], "==") &&
            word_is(&ln->toks[i + 3], "file")) ||
           (i + 2 < ln->n_toks && word_is(&ln->toks[i + 2], "sha256"));
}

/* The data variable t names (received data, not a ping summary). */
static int
get_data_var(struct parser *p, const struct tok *t, int *out)
{
    *out = t->kind == TOK_WORD ? dvar_find(p->scn, t->text) : -1;
    if (*out >= 0) {
        if (p->scn->dvars[*out].kind != SCN_DVAR_DATA)
            return perr(p, t->col, "%s holds a ping summary, not received data", show(t).s);
        return 0;
    }
    if (t->kind == TOK_WORD && name_reported(p, 'd', -1, t->text, t->len))
        return -1;
    return perr(p, t->col, "no data variable %s (data is kept with '-> NAME' after recv or "
                "recvfrom)", show(t).s);
}

/* `file PATH`: PATH joined to the scenario's folder, and readable now. */
static int
get_file(struct parser *p, const struct tok *kw, const struct tok *f, struct scn_step *st)
{
    struct scn_expect_bytes_args *b = &st->bytes;
    FILE *in;

    if (f == NULL)
        return perr(p, kw->col, "file needs a path, like 'file reply.bin'");
    if (f->len == 0 || memchr(f->text, '\0', f->len) != NULL)
        return perr(p, f->col, "bad file path %s", show(f).s);
    b->path = str_dup_n(f->text, f->len);
    if (f->text[0] == '/' || strcmp(p->scn->dir, ".") == 0)
        b->full_path = str_dup_n(f->text, f->len);
    else
        b->full_path = str_printf("%s/%s", p->scn->dir, f->text);
    if (b->path == NULL || b->full_path == NULL)
        return perr_oom(p);
    in = fopen(b->full_path, "rb");
    if (in == NULL)
        return perr(p, f->col, "cannot read %s: %s", show(f).s, strerror(errno));
    fclose(in);
    return 0;
}

/* 64 hex digits into digest. */
static int
get_digest(struct parser *p, const struct tok *kw, const struct tok *t, uint8_t *digest)
{
    if (t == NULL)
        return perr(p, kw->col, "sha256 needs the digest, 64 hex digits");
    if (t->kind != TOK_WORD || t->len != 2 * SHA256_LEN)
        return perr(p, t->col, "sha256 needs 64 hex digits, found %s", show(t).s);
    for (size_t i = 0; i < SHA256_LEN; i++) {
        int hi = hex_value(t->text[2 * i]);
        int lo = hex_value(t->text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return perr(p, t->col + (unsigned)(2 * i + (hi < 0 ? 0 : 1)),
                        "sha256 needs 64 hex digits, found %s", show(t).s);
        digest[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* expect VAR == file PATH | expect VAR sha256 HEX (kw is `expect`). */
int
parse_expect_bytes(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *tv = cur_next(c);
    const struct tok *op = cur_next(c);

    (void)kw;
    step_init(st, SCN_STEP_EXPECT_BYTES);
    if (get_data_var(p, tv, &st->bytes.var) < 0)
        return -1;
    if (word_is(op, "sha256")) {
        st->bytes.sha256 = true;
        if (get_digest(p, op, cur_next(c), st->bytes.digest) < 0)
            return -1;
    } else {
        const struct tok *tf = cur_next(c);  /* `file`, as claimed */
        if (get_file(p, tf, cur_next(c), st) < 0)
            return -1;
    }
    return expect_end(p, c);
}

/* ---------------------------------------------------------------------------
 * The step: print, compare, copy, clear
 * ------------------------------------------------------------------------- */

void
print_expect_bytes(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_expect_bytes_args *b = &st->bytes;

    fprintf(out, "expect %s ", scn->dvars[b->var].name);
    if (b->sha256) {
        fputs("sha256 ", out);
        for (size_t i = 0; i < SHA256_LEN; i++)
            fprintf(out, "%02x", b->digest[i]);
    } else {
        fputs("== file ", out);
        print_cstr(out, b->path);
    }
}

bool
eq_expect_bytes(const struct scn_step *a, const struct scn_step *b)
{
    const struct scn_expect_bytes_args *x = &a->bytes, *y = &b->bytes;

    return x->var == y->var && x->sha256 == y->sha256 &&
           (x->sha256 ? memcmp(x->digest, y->digest, SHA256_LEN) == 0
                      : str_eq(x->path, y->path));
}

int
copy_expect_bytes(struct scn_step *dst, const struct scn_step *src)
{
    const struct scn_expect_bytes_args *s = &src->bytes;
    struct scn_expect_bytes_args *d = &dst->bytes;

    d->path = s->path != NULL ? strdup(s->path) : NULL;
    d->full_path = s->full_path != NULL ? strdup(s->full_path) : NULL;
    return (s->path == NULL || d->path != NULL) && (s->full_path == NULL || d->full_path != NULL)
               ? 0
               : -1;
}

void
clear_expect_bytes(struct scn_step *st)
{
    free(st->bytes.path);
    free(st->bytes.full_path);
    st->bytes.path = st->bytes.full_path = NULL;
}

void
init_expect_bytes(struct scn_step *st)
{
    st->bytes.var = -1;
}

/* ---------------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------------- */

/* "[OFF..END): hex" of b[0..len) from off, at most WINDOW bytes. */
static int
fmt_window(char *buf, size_t n, const uint8_t *b, size_t len, size_t off)
{
    size_t end = off + WINDOW < len ? off + WINDOW : len;
    int k = snprintf(buf, n, "[%zu..%zu):", off, end);

    for (size_t i = off; i < end && k > 0 && (size_t)k < n; i++)
        k += snprintf(buf + k, n - (size_t)k, " %02x", b[i]);
    return k;
}

/* Read the whole file at path (at most FILE_MAX bytes). NULL with why. */
static uint8_t *
read_all(const char *path, size_t *len, char *why, size_t why_len)
{
    FILE *in = fopen(path, "rb");
    uint8_t *buf = malloc(1);  /* an empty file is an empty buffer, not NULL */
    size_t cap = 0;

    *len = 0;
    if (in == NULL || buf == NULL) {
        snprintf(why, why_len, "cannot read %s: %s", path, strerror(errno));
        if (in != NULL)
            fclose(in);
        free(buf);
        return NULL;
    }
    for (;;) {
        if (*len == cap) {
            size_t ncap = cap == 0 ? 4096 : cap * 2;
            uint8_t *nb = ncap > FILE_MAX + 1 ? NULL : realloc(buf, ncap);
            if (nb == NULL) {
                snprintf(why, why_len, "%s is too large to compare (over %u bytes) or memory "
                         "ran out", path, FILE_MAX);
                free(buf);
                fclose(in);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + *len, 1, cap - *len, in);
        *len += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(in) != 0;
    fclose(in);
    if (failed) {
        snprintf(why, why_len, "cannot read %s", path);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Compare v with the file: true when equal; else got says where they differ. */
static bool
check_file(const struct scn_value *v, const struct scn_expect_bytes_args *b, char *got,
           size_t got_len)
{
    char why[300];
    size_t want_len;
    uint8_t *want = read_all(b->full_path, &want_len, why, sizeof why);

    if (want == NULL) {
        snprintf(got, got_len, "%s", why);
        return false;
    }
    size_t common = v->len < want_len ? v->len : want_len;
    size_t off = 0;
    while (off < common && v->data[off] == want[off])
        off++;
    bool eq = off == common && v->len == want_len;
    if (!eq) {
        /* Up to WINDOW bytes from each side, starting a little before the
         * first difference so the reader sees where it sits. */
        size_t from = off > WINDOW / 2 ? off - WINDOW / 2 : 0;
        char gw[WINDOW * 3 + 48], ww[WINDOW * 3 + 48];
        fmt_window(gw, sizeof gw, v->data, v->len, from < v->len ? from : v->len);
        fmt_window(ww, sizeof ww, want, want_len, from < want_len ? from : want_len);
        snprintf(got, got_len, "%zu bytes, %s has %zu; they differ first at offset %zu\n"
                 "    got  %s\n    want %s", v->len, b->path, want_len, off, gw, ww);
    }
    free(want);
    return eq;
}

void
run_expect_bytes_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                      bool scheduled)
{
    const struct scn_expect_bytes_args *b = &st->bytes;
    const struct scn_value *v = &r->values[b->var];
    char got[512];
    bool ok;

    (void)scheduled;
    if (!v->set) {
        snprintf(got, sizeof got, "%s was never received", r->scn->dvars[b->var].name);
        ok = false;
    } else if (b->sha256 && !v->hashed && v->data == NULL && v->len > 0) {
        /* streamed by a recv all when no sha256 expect was in the script (one
         * typed in the view afterwards): only the count was kept */
        snprintf(got, sizeof got, "%zu bytes, neither kept nor hashed (no sha256 expect "
                 "read them when they arrived)", v->len);
        ok = false;
    } else if (b->sha256) {
        uint8_t d[SHA256_LEN];
        int k;
        if (v->hashed)
            memcpy(d, v->digest, SHA256_LEN);  /* hashed as it arrived */
        else
            sha256(v->data, v->len, d);
        ok = memcmp(d, b->digest, SHA256_LEN) == 0;
        k = snprintf(got, sizeof got, "%zu bytes with sha256 ", v->len);
        for (size_t i = 0; i < SHA256_LEN && k > 0 && (size_t)k < sizeof got; i++)
            k += snprintf(got + k, sizeof got - (size_t)k, "%02x", d[i]);
    } else {
        ok = check_file(v, b, got, sizeof got);
    }
    run_expect_result(r, st, step_no, ok, got);
}
