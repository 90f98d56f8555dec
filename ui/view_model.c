/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_model.c - record a whole lesson headless, then answer "as of event i".
 *
 * Called by: tui.c, tests. Calls: scn_runner_*(), record_*(), inspect_*().
 */
#include "ui/view_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drv_tap.h"
#include "sim/realtime.h"
#include "sim/scenario_run.h"
#include "stack/inspect.h"

#define VM_MAX_SOCKS 64
#define VM_MAX_ARP 64
/* The longest proto, state and timers a socket line shows, NUL included
 * (what the fixed fields of a vm_sock held before they were interned). */
#define VM_PROTO_MAX 8
#define VM_STATE_MAX 16
#define VM_TIMERS_MAX 48
/* No event, wire or frame (32-bit indexes). */
#define VM_NONE UINT32_MAX

/* The sink that snapshots a host after events that change what it shows. */
struct vm_snapper {
    struct trace_sink sink;   /* attached after the record, so it sees the
                                 event the record has just stored */
    struct view_model *m;     /* where snapshots go */
    struct scn_runner *r;     /* the world, for host indexes */
    bool failed;              /* memory ran out */
};

static void
copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src != NULL ? src : "");
}

static uint64_t
str_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;  /* FNV-1a */
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Each interned string is kept behind its id (1 + its index in m->strs),
 * so a snapshot's words name a string by a number and a string's number
 * is read back without a search. */
#define VM_STR_ID_BYTES sizeof(uint32_t)

static uint32_t vm_intern_id_hashed(struct view_model *m, const char *src, size_t max);

static uint32_t
vm_str_id(const char *interned)
{
    uint32_t id;
    memcpy(&id, interned - VM_STR_ID_BYTES, sizeof id);
    return id;
}

/* Whether interned is src cut to max - 1 chars. */
static bool
vm_cut_equals(const char *interned, const char *src, size_t max)
{
    size_t k = 0;
    for (; k + 1 < max && src[k] != '\0'; k++)
        if (interned[k] != src[k])
            return false;
    return interned[k] == '\0';
}

/* The id of the model's one copy of src cut to max - 1 chars (as the
 * fixed fields of a vm_sock used to cut it), or 0 when memory runs out. */
static uint32_t
vm_intern_id(struct view_model *m, const char *src, size_t max)
{
    if (max > 64)
        max = 64;  /* as vm_intern_id_hashed() cuts */
    /* a snapshot interns a few strings a socket, mostly the ones the
     * last did: those are tried before hashing */
    for (int r = 0; r < VM_STR_RECENT; r++) {
        uint32_t id = m->str_recent[r];
        if (id != 0 && vm_cut_equals(m->strs[id - 1], src != NULL ? src : "", max))
            return id;
    }
    uint32_t id = vm_intern_id_hashed(m, src, max);
    if (id != 0)
        m->str_recent[m->str_recent_next++ % VM_STR_RECENT] = id;
    return id;
}

/* vm_intern_id() without the recent ones. */
static uint32_t
vm_intern_id_hashed(struct view_model *m, const char *src, size_t max)
{
    char cut[64];
    if (max > sizeof cut)
        max = sizeof cut;
    size_t n = src != NULL ? strnlen(src, max - 1) : 0;  /* as copy_str() cuts */
    memcpy(cut, src != NULL ? src : "", n);
    cut[n] = '\0';
    uint64_t h = str_hash(cut);
    size_t slots = 2 * m->cap_strs;
    for (size_t k = slots ? h & (slots - 1) : 0; slots > 0; k = (k + 1) & (slots - 1)) {
        uint32_t at = m->str_slots[k];
        if (at == 0)
            break;
        if (strcmp(m->strs[at - 1], cut) == 0)
            return at;
    }
    if (m->n_strs == m->cap_strs) {
        size_t cap = m->cap_strs ? 2 * m->cap_strs : 32;
        char **grown = realloc(m->strs, cap * sizeof *grown);
        if (grown == NULL)
            return 0;
        m->strs = grown;
        uint32_t *table = calloc(2 * cap, sizeof *table);
        if (table == NULL)
            return 0;
        for (size_t i = 0; i < m->n_strs; i++) {
            size_t k = str_hash(m->strs[i]) & (2 * cap - 1);
            while (table[k] != 0)
                k = (k + 1) & (2 * cap - 1);
            table[k] = (uint32_t)(i + 1);
        }
        free(m->str_slots);
        m->str_slots = table;
        m->cap_strs = cap;
        slots = 2 * cap;
    }
    size_t len = strlen(cut) + 1;
    char *block = malloc(VM_STR_ID_BYTES + len);
    if (block == NULL)
        return 0;
    uint32_t id = (uint32_t)m->n_strs + 1;
    memcpy(block, &id, sizeof id);
    char *copy = block + VM_STR_ID_BYTES;
    memcpy(copy, cut, len);
    size_t k = h & (slots - 1);
    while (m->str_slots[k] != 0)
        k = (k + 1) & (slots - 1);
    m->strs[m->n_strs++] = copy;
    m->str_slots[k] = id;
    return id;
}

/* The interned string of id (from vm_intern_id()). */
static const char *
vm_str(const struct view_model *m, uint32_t id)
{
    return id >= 1 && id <= m->n_strs ? m->strs[id - 1] : "";
}

/* vm_intern_id()'s string itself, or NULL when memory runs out. */
static const char *
vm_intern(struct view_model *m, const char *src, size_t max)
{
    uint32_t id = vm_intern_id(m, src, max);
    return id != 0 ? m->strs[id - 1] : NULL;
}

/* a's text interned in m, as the index vm_addr6_text() reads it back
 * from (1 on), or 0 when memory runs out: an IPv6 socket's addresses fit
 * the 32-bit fields an IPv4 one uses, so the snapshots taken at every
 * delivery grow by nothing for IPv4. */
static uint32_t
vm_addr6_ref(struct view_model *m, const struct ip6_addr *a)
{
    char text[IPV6_ADDR_STRLEN];
    return vm_intern_id(m, ip6_addr_str(a, text), sizeof text);
}

const char *
vm_addr6_text(const struct view_model *m, uint32_t ref)
{
    return ref >= 1 && ref <= m->n_strs ? m->strs[ref - 1] : "?";
}

/* The family and addresses of socket or TCB fields into d (ports apart). */
static void
vm_sock_addrs(struct view_model *m, struct vm_sock *d, bool v6, bool mapped, uint32_t laddr,
              uint32_t faddr, const struct ip6_addr *laddr6, const struct ip6_addr *faddr6)
{
    if (v6) {
        d->family = VM_SOCK_V6;
        d->laddr = vm_addr6_ref(m, laddr6);
        d->faddr = vm_addr6_ref(m, faddr6);
    } else {
        d->family = mapped ? VM_SOCK_MAPPED : VM_SOCK_V4;
        d->laddr = laddr;
        d->faddr = faddr;
    }
}

/* The TCB figures of t into d, sequence numbers relative to ISS/IRS. */
static void
vm_sock_tcb(struct view_model *m, struct vm_sock *d, const struct inspect_tcb *t)
{
    d->has_tcb = true;
    /* A connection's own addresses: the socket learns its peer only in
     * ESTABLISHED and may stay bound to 0.0.0.0, but from connect() on the
     * TCB names both ends, as `ss` shows them. */
    if (t->fport != 0) {
        vm_sock_addrs(m, d, t->v6, t->mapped, t->laddr, t->faddr, &t->laddr6, &t->faddr6);
        d->lport = t->lport;
        d->fport = t->fport;
    }
    d->snd_una = t->snd_una - t->iss;
    d->snd_nxt = t->snd_nxt - t->iss;
    d->snd_wnd = t->snd_wnd;
    d->rcv_nxt = t->rcv_nxt - t->irs;
    d->rcv_wnd = t->rcv_wnd;
    d->cwnd = t->cwnd;
    d->ssthresh = t->ssthresh;
    d->srtt_ns = t->srtt_ns;
    d->rto_ns = t->rto_ns;
    d->sndq_bytes = t->sndq_bytes;
    d->timers = vm_intern(m, t->timers_str, VM_TIMERS_MAX);
}

/* Host h's orphaned TCBs into out (at most max): no fd, not a connection a
 * listener holds for accept(), not CLOSED. Returns how many. */
static size_t
vm_orphans(const struct host *h, const struct inspect_socket *is, size_t ns,
           struct inspect_tcb *out, size_t max)
{
    struct inspect_tcb all[VM_MAX_SOCKS], pend[VM_MAX_SOCKS];
    size_t nt = inspect_tcbs(h, all, VM_MAX_SOCKS), n = 0;
    if (nt > VM_MAX_SOCKS)
        nt = VM_MAX_SOCKS;
    for (size_t k = 0; k < nt && n < max; k++) {
        const struct inspect_tcb *t = &all[k];
        if (t->fd >= 0 || strcmp(t->state, "CLOSED") == 0 || strcmp(t->state, "LISTEN") == 0)
            continue;
        bool pending = false;
        for (size_t i = 0; i < ns && !pending; i++) {
            if (strcmp(is[i].proto, "tcp") != 0)
                continue;
            size_t np = inspect_tcb_pending(h, is[i].fd, pend, VM_MAX_SOCKS);
            for (size_t j = 0; j < np && j < VM_MAX_SOCKS && !pending; j++)
                pending = pend[j].lport == t->lport && pend[j].faddr == t->faddr &&
                          pend[j].fport == t->fport && pend[j].laddr == t->laddr &&
                          pend[j].v6 == t->v6 &&
                          memcmp(&pend[j].faddr6, &t->faddr6, sizeof t->faddr6) == 0;
        }
        if (!pending)
            out[n++] = *t;
    }
    return n;
}

/* ---- snapshots, kept as differences ----------------------------------------
 *
 * A snapshot is taken at every delivery, call and state change, and a bulk
 * transfer changes a figure or two of one socket each time (rcv.nxt, the
 * receive queue): kept whole, snapshots were most of the model's memory.
 * So each is flattened to 32-bit words (its counts, 26 words a socket, 5
 * an ARP entry; strings by their interned id) and kept as the words that
 * differ from the host's previous snapshot: a count of them, then for each
 * the unchanged words skipped before it and its difference, as LEB128
 * varints (the difference zigzagged, so a small step either way is one or
 * two bytes). Every VM_SNAP_KEY_EVERY-th snapshot of a host differs from
 * all-zero words instead, so vm_snap_get() decodes at most that many. */
#define VM_SNAP_KEY_EVERY 32

struct vm_hsnaps {
    uint32_t *at;        /* [n] the event each was taken after */
    uint32_t *key_off;   /* [n / VM_SNAP_KEY_EVERY rounded up] where in code
                            every VM_SNAP_KEY_EVERY-th one starts */
    size_t n, cap;       /* snapshots; slots in at (and key_off's share) */
    uint8_t *code;       /* the differences, one snapshot after another */
    size_t code_len, code_cap;
    uint32_t *last;      /* the latest snapshot's words, zeros after them */
    size_t last_len;     /* words of it */
    size_t last_cap;     /* slots in last */
    size_t last_global;  /* m->n_snaps when it was kept (see vm_snap_keep()) */
};

/* s's words into w (VM_SNAP_WORDS slots), its ARP entries' states by
 * their ids arp_state; returns how many. */
static size_t
vm_snap_flatten(const struct vm_snap *s, const uint32_t *arp_state, uint32_t *w)
{
    size_t n = 0;
    w[n++] = (uint32_t)s->n_socks;
    w[n++] = (uint32_t)s->n_arp;
    for (size_t i = 0; i < s->n_socks; i++) {
        const struct vm_sock *k = &s->socks[i];
        w[n++] = (uint32_t)k->fd;
        w[n++] = (uint32_t)k->listen_fd;
        w[n++] = vm_str_id(k->proto);
        w[n++] = vm_str_id(k->state);
        w[n++] = vm_str_id(k->timers);
        w[n++] = k->laddr;
        w[n++] = k->faddr;
        w[n++] = (uint32_t)k->lport | (uint32_t)k->fport << 16;
        w[n++] = (uint32_t)k->family | (uint32_t)k->bound << 8 | (uint32_t)k->connected << 16 |
                 (uint32_t)k->has_tcb << 24;
        w[n++] = (uint32_t)k->rcvq_bytes;
        w[n++] = (uint32_t)((uint64_t)k->rcvq_bytes >> 32);
        w[n++] = (uint32_t)k->rcvq_count;
        w[n++] = (uint32_t)((uint64_t)k->rcvq_count >> 32);
        w[n++] = k->snd_una;
        w[n++] = k->snd_nxt;
        w[n++] = k->snd_wnd;
        w[n++] = k->rcv_nxt;
        w[n++] = k->rcv_wnd;
        w[n++] = k->cwnd;
        w[n++] = k->ssthresh;
        w[n++] = (uint32_t)k->srtt_ns;
        w[n++] = (uint32_t)(k->srtt_ns >> 32);
        w[n++] = (uint32_t)k->rto_ns;
        w[n++] = (uint32_t)(k->rto_ns >> 32);
        w[n++] = (uint32_t)k->sndq_bytes;
        w[n++] = (uint32_t)((uint64_t)k->sndq_bytes >> 32);
    }
    for (size_t i = 0; i < s->n_arp; i++) {
        const struct vm_arp *a = &s->arp[i];
        w[n++] = a->ip;
        w[n++] = (uint32_t)a->mac[0] | (uint32_t)a->mac[1] << 8 | (uint32_t)a->mac[2] << 16 |
                 (uint32_t)a->mac[3] << 24;
        w[n++] = (uint32_t)a->mac[4] | (uint32_t)a->mac[5] << 8;
        w[n++] = arp_state[i];
        w[n++] = a->queued;
    }
    return n;
}

static uint64_t
vm_word64(const uint32_t *w)
{
    return (uint64_t)w[0] | (uint64_t)w[1] << 32;
}

/* Words w back into buf's socks and arp; false if they are not a
 * snapshot's (a count past the maximum). */
static bool
vm_snap_unflatten(const struct view_model *m, const uint32_t *w, struct vm_snap_buf *buf)
{
    struct vm_snap *s = &buf->snap;
    if (w[0] > VM_SNAP_SOCKS_MAX || w[1] > VM_SNAP_ARP_MAX)
        return false;
    s->n_socks = w[0];
    s->n_arp = w[1];
    s->socks = buf->socks;
    s->arp = buf->arp;
    w += 2;
    for (size_t i = 0; i < s->n_socks; i++, w += VM_SOCK_WORDS) {
        struct vm_sock *k = &buf->socks[i];
        memset(k, 0, sizeof *k);
        k->fd = (int)w[0];
        k->listen_fd = (int)w[1];
        k->proto = vm_str(m, w[2]);
        k->state = vm_str(m, w[3]);
        k->timers = vm_str(m, w[4]);
        k->laddr = w[5];
        k->faddr = w[6];
        k->lport = (uint16_t)w[7];
        k->fport = (uint16_t)(w[7] >> 16);
        k->family = (uint8_t)w[8];
        k->bound = (w[8] >> 8 & 0xff) != 0;
        k->connected = (w[8] >> 16 & 0xff) != 0;
        k->has_tcb = (w[8] >> 24) != 0;
        k->rcvq_bytes = (size_t)vm_word64(&w[9]);
        k->rcvq_count = (size_t)vm_word64(&w[11]);
        k->snd_una = w[13];
        k->snd_nxt = w[14];
        k->snd_wnd = w[15];
        k->rcv_nxt = w[16];
        k->rcv_wnd = w[17];
        k->cwnd = w[18];
        k->ssthresh = w[19];
        k->srtt_ns = vm_word64(&w[20]);
        k->rto_ns = vm_word64(&w[22]);
        k->sndq_bytes = (size_t)vm_word64(&w[24]);
    }
    for (size_t i = 0; i < s->n_arp; i++, w += VM_ARP_WORDS) {
        struct vm_arp *a = &buf->arp[i];
        memset(a, 0, sizeof *a);
        a->ip = w[0];
        for (int b = 0; b < 4; b++)
            a->mac[b] = (uint8_t)(w[1] >> (8 * b));
        a->mac[4] = (uint8_t)w[2];
        a->mac[5] = (uint8_t)(w[2] >> 8);
        copy_str(a->state, sizeof a->state, vm_str(m, w[3]));
        a->queued = w[4];
    }
    return true;
}

static size_t
vm_words_of(const uint32_t *w)
{
    return 2 + (size_t)w[0] * VM_SOCK_WORDS + (size_t)w[1] * VM_ARP_WORDS;
}

static uint8_t *
vm_put_varint(uint8_t *p, uint32_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* A varint at *p (advanced), or false past end or longer than 5 bytes. */
static bool
vm_get_varint(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    uint32_t x = 0;
    for (int shift = 0; shift < 35 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint32_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* One snapshot's differences at *p applied to words w (zeros after its
 * length, which it keeps so); false if the code is not one. */
static bool
vm_snap_apply(const uint8_t **p, const uint8_t *end, uint32_t *w)
{
    size_t before = vm_words_of(w);
    uint32_t pairs;
    if (!vm_get_varint(p, end, &pairs))
        return false;
    size_t at = 0;
    for (uint32_t k = 0; k < pairs; k++) {
        uint32_t skip, zz;
        if (!vm_get_varint(p, end, &skip) || !vm_get_varint(p, end, &zz))
            return false;
        at += skip;
        if (at >= VM_SNAP_WORDS)
            return false;
        w[at++] += (zz >> 1) ^ (0u - (zz & 1));  /* zigzag back */
    }
    if (w[0] > VM_SNAP_SOCKS_MAX || w[1] > VM_SNAP_ARP_MAX)
        return false;
    size_t after = vm_words_of(w);
    if (after < before)
        memset(w + after, 0, (before - after) * sizeof *w);
    return true;
}

/* Grow *arr (of size elements, *cap slots) to hold need; 0 or -1. */
static int
vm_grow(void *arr, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    void *grown = realloc(*(void **)arr, c * size);
    if (grown == NULL)
        return -1;
    *(void **)arr = grown;
    *cap = c;
    return 0;
}

/* Snapshot s into its host's differences: m->n_snaps counts it, unless it
 * is what the host's previous one showed (a delivery the application read
 * at once, a call that changed nothing shown): that one stands. As the
 * snapshots were kept before, the previous one is looked for among the 16
 * latest of all hosts, so the same snapshots are kept (and the same event
 * begins each). 0, or -1 when memory runs out. */
static int
vm_snap_keep(struct view_model *m, const struct vm_snap *s, const uint32_t *arp_state)
{
    if (s->host < 0)
        return 0;
    if ((size_t)s->host >= m->n_hsnaps) {
        size_t n = (size_t)s->host + 1;
        struct vm_hsnaps *grown = realloc(m->hsnaps, n * sizeof *grown);
        if (grown == NULL)
            return -1;
        memset(grown + m->n_hsnaps, 0, (n - m->n_hsnaps) * sizeof *grown);
        m->hsnaps = grown;
        m->n_hsnaps = n;
    }
    struct vm_hsnaps *hs = &m->hsnaps[s->host];
    uint32_t w[VM_SNAP_WORDS];
    size_t n = vm_snap_flatten(s, arp_state, w);
    if (hs->n > 0 && m->n_snaps - hs->last_global < 16 && hs->last_len == n &&
        memcmp(hs->last, w, n * sizeof *w) == 0)
        return 0;
    if (s->at >= UINT32_MAX || hs->code_len + 5 + 10 * n > UINT32_MAX)
        return -1;  /* past what 32-bit event indexes and offsets name */
    if (vm_grow(&hs->at, &hs->cap, hs->n + 1, sizeof *hs->at, 16) < 0 ||
        vm_grow(&hs->last, &hs->last_cap, n, sizeof *hs->last, 64) < 0 ||
        vm_grow(&hs->code, &hs->code_cap, hs->code_len + 5 + 10 * n, 1, 256) < 0)
        return -1;
    bool key = hs->n % VM_SNAP_KEY_EVERY == 0;
    if (key) {
        size_t nk = hs->n / VM_SNAP_KEY_EVERY + 1;
        uint32_t *ko = realloc(hs->key_off, ((hs->cap + VM_SNAP_KEY_EVERY - 1) /
                                             VM_SNAP_KEY_EVERY) * sizeof *ko);
        if (ko == NULL)
            return -1;
        hs->key_off = ko;
        hs->key_off[nk - 1] = (uint32_t)hs->code_len;
    }
    /* zeros past the previous words (and all of them for a key one) */
    if (hs->last_len < n)
        memset(hs->last + hs->last_len, 0, (n - hs->last_len) * sizeof *w);
    const uint32_t *prev = hs->last;
    static const uint32_t zeros[VM_SNAP_WORDS];
    if (key)
        prev = zeros;
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++)
        pairs += w[i] != prev[i];
    uint8_t *p = vm_put_varint(hs->code + hs->code_len, (uint32_t)pairs);
    size_t gap = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == prev[i]) {
            gap++;
            continue;
        }
        uint32_t d = w[i] - prev[i];
        p = vm_put_varint(p, (uint32_t)gap);
        p = vm_put_varint(p, d << 1 ^ (0u - (d >> 31)));  /* zigzag */
        gap = 0;
    }
    hs->code_len = (size_t)(p - hs->code);
    memcpy(hs->last, w, n * sizeof *w);
    hs->last_len = n;
    hs->at[hs->n++] = (uint32_t)s->at;
    m->n_snaps++;
    hs->last_global = m->n_snaps;
    return 0;
}

size_t
vm_snap_count(const struct view_model *m, int host)
{
    return host >= 0 && (size_t)host < m->n_hsnaps ? m->hsnaps[host].n : 0;
}

const struct vm_snap *
vm_snap_nth(const struct view_model *m, int host, size_t k, struct vm_snap_buf *buf)
{
    if (k >= vm_snap_count(m, host))
        return NULL;
    const struct vm_hsnaps *hs = &m->hsnaps[host];
    size_t key = k / VM_SNAP_KEY_EVERY;
    const uint8_t *p = hs->code + hs->key_off[key], *end = hs->code + hs->code_len;
    memset(buf->words, 0, sizeof buf->words);
    for (size_t j = key * VM_SNAP_KEY_EVERY; j <= k; j++)
        if (!vm_snap_apply(&p, end, buf->words))
            return NULL;
    if (!vm_snap_unflatten(m, buf->words, buf))
        return NULL;
    buf->snap.at = hs->at[k];
    buf->snap.host = host;
    return &buf->snap;
}

const struct vm_snap *
vm_snap_get(const struct view_model *m, int host, size_t i, struct vm_snap_buf *buf)
{
    size_t n = vm_snap_count(m, host);
    if (n == 0)
        return NULL;
    /* the last one taken at or before i */
    const uint32_t *at = m->hsnaps[host].at;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at[mid] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : vm_snap_nth(m, host, lo - 1, buf);
}

static size_t
vm_hsnaps_memory(const struct view_model *m)
{
    size_t n = m->n_hsnaps * sizeof *m->hsnaps;
    for (size_t h = 0; h < m->n_hsnaps; h++) {
        const struct vm_hsnaps *hs = &m->hsnaps[h];
        n += hs->cap * sizeof *hs->at + hs->code_cap + hs->last_cap * sizeof *hs->last;
        if (hs->key_off != NULL)
            n += (hs->cap + VM_SNAP_KEY_EVERY - 1) / VM_SNAP_KEY_EVERY * sizeof *hs->key_off;
    }
    return n;
}

/* Give back the slack of the snapshots' arrays (the script is recorded). */
static void
vm_hsnaps_compact(struct view_model *m)
{
    for (size_t h = 0; h < m->n_hsnaps; h++) {
        struct vm_hsnaps *hs = &m->hsnaps[h];
        if (hs->n == 0 || hs->n == hs->cap)
            continue;
        uint32_t *at = realloc(hs->at, hs->n * sizeof *at);
        size_t nk = (hs->n + VM_SNAP_KEY_EVERY - 1) / VM_SNAP_KEY_EVERY;
        uint32_t *ko = realloc(hs->key_off, nk * sizeof *ko);
        if (at != NULL)
            hs->at = at;
        if (ko != NULL)
            hs->key_off = ko;
        if (at != NULL && ko != NULL)
            hs->cap = hs->n;
        uint8_t *code = realloc(hs->code, hs->code_len);
        if (code != NULL) {
            hs->code = code;
            hs->code_cap = hs->code_len;
        }
    }
}

static void
vm_hsnaps_free(struct view_model *m)
{
    for (size_t h = 0; h < m->n_hsnaps; h++) {
        free(m->hsnaps[h].at);
        free(m->hsnaps[h].key_off);
        free(m->hsnaps[h].code);
        free(m->hsnaps[h].last);
    }
    free(m->hsnaps);
}

static int
vm_snapshot(struct view_model *m, const struct host *h, int host, size_t at)
{
    struct inspect_socket is[VM_MAX_SOCKS];
    struct inspect_arp ia[VM_MAX_ARP];
    size_t ns = inspect_sockets(h, is, VM_MAX_SOCKS);
    size_t na = inspect_arp(h, ia, VM_MAX_ARP);
    if (ns > VM_MAX_SOCKS)
        ns = VM_MAX_SOCKS;
    if (na > VM_MAX_ARP)
        na = VM_MAX_ARP;
    /* A listener's connections not accepted yet have no fd, so no socket:
     * they follow their listener, as `ss -t -a` lists SYN-RECV under the
     * listening port. */
    struct inspect_tcb pend[VM_MAX_SOCKS];
    size_t n_pend = 0;
    for (size_t i = 0; i < ns; i++)
        if (strcmp(is[i].proto, "tcp") == 0)
            n_pend += inspect_tcb_pending(h, is[i].fd, pend, 0);
    size_t nk = VM_MAX_SOCKS;  /* the sockets, then pending, then orphans */
    size_t n_sock_tcbs = 0;    /* sockets with a TCB */
    struct vm_sock socks[VM_MAX_SOCKS];
    struct vm_arp arp[VM_MAX_ARP];
    uint32_t arp_state[VM_MAX_ARP];
    memset(socks, 0, sizeof socks);
    memset(arp, 0, na * sizeof *arp);
    struct vm_snap sn = { .at = at, .host = host, .socks = socks, .arp = arp };
    struct vm_snap *s = &sn;
    size_t nd = 0;
    for (size_t i = 0; i < ns && nd < nk; i++) {
        struct vm_sock *d = &s->socks[nd++];
        d->fd = is[i].fd;
        d->listen_fd = -1;
        d->proto = vm_intern(m, is[i].proto, VM_PROTO_MAX);
        d->timers = vm_intern(m, "", 1);
        vm_sock_addrs(m, d, is[i].v6, is[i].mapped, is[i].laddr, is[i].faddr, &is[i].laddr6,
                      &is[i].faddr6);
        d->lport = is[i].lport;
        d->fport = is[i].fport;
        d->bound = is[i].bound;
        d->connected = is[i].connected;
        d->state = vm_intern(m, is[i].state, VM_STATE_MAX);
        d->rcvq_bytes = is[i].rcvq_bytes;
        d->rcvq_count = is[i].rcvq_count;
        struct inspect_tcb t;
        if (inspect_tcb(h, is[i].fd, &t)) {
            vm_sock_tcb(m, d, &t);
            n_sock_tcbs++;
        }
        if (n_pend == 0 || strcmp(is[i].proto, "tcp") != 0)
            continue;
        size_t np = inspect_tcb_pending(h, is[i].fd, pend, VM_MAX_SOCKS);
        for (size_t j = 0; j < np && j < VM_MAX_SOCKS && nd < nk; j++) {
            struct vm_sock *c = &s->socks[nd++];
            c->fd = -1;
            c->listen_fd = is[i].fd;
            c->proto = vm_intern(m, "tcp", VM_PROTO_MAX);
            c->bound = true;
            c->connected = true;
            c->state = vm_intern(m, pend[j].state, VM_STATE_MAX);
            c->rcvq_bytes = pend[j].rcvq_bytes;
            vm_sock_tcb(m, c, &pend[j]);
        }
    }
    /* Connections close() left to the stack (FIN_WAIT, CLOSING, LAST_ACK,
     * TIME_WAIT [RFC 9293 3.6]) have no fd either, and no listener: they
     * follow the sockets, until they reach CLOSED. Looked for only when
     * the host has TCBs that are neither a socket's nor pending (the
     * search fills every TCB, and a snapshot is taken at every delivery). */
    struct inspect_tcb orph[VM_MAX_SOCKS];
    size_t n_orph = 0;
    if (inspect_tcbs(h, orph, 0) != n_sock_tcbs + n_pend)
        n_orph = vm_orphans(h, is, ns, orph, VM_MAX_SOCKS);
    for (size_t j = 0; j < n_orph && nd < nk; j++) {
        struct vm_sock *c = &s->socks[nd++];
        c->fd = -1;
        c->listen_fd = -1;
        c->proto = vm_intern(m, "tcp", VM_PROTO_MAX);
        vm_sock_addrs(m, c, orph[j].v6, orph[j].mapped, orph[j].laddr, orph[j].faddr,
                      &orph[j].laddr6, &orph[j].faddr6);
        c->lport = orph[j].lport;
        c->fport = orph[j].fport;
        c->bound = true;
        c->connected = true;
        c->state = vm_intern(m, orph[j].state, VM_STATE_MAX);
        c->rcvq_bytes = orph[j].rcvq_bytes;
        vm_sock_tcb(m, c, &orph[j]);
    }
    ns = nd;
    for (size_t i = 0; i < ns; i++)
        if (s->socks[i].proto == NULL || s->socks[i].state == NULL || s->socks[i].timers == NULL)
            return -1;  /* memory ran out interning */
    for (size_t i = 0; i < na; i++) {
        struct vm_arp *d = &s->arp[i];
        d->ip = ia[i].ip;
        memcpy(d->mac, ia[i].mac, sizeof d->mac);
        arp_state[i] = vm_intern_id(m, ia[i].state, sizeof d->state);
        if (arp_state[i] == 0)
            return -1;
        copy_str(d->state, sizeof d->state, vm_str(m, arp_state[i]));
        d->queued = ia[i].queued;
    }
    s->n_socks = ns;
    s->n_arp = na;
    return vm_snap_keep(m, s, arp_state);
}

static void
vm_snapper_emit(void *ctx, const struct trace_event *ev)
{
    struct vm_snapper *sn = ctx;
    struct view_model *m = sn->m;
    if (ev->host == NULL || sn->failed)
        return;
    switch (ev->kind) {
    case TRACE_STATE:
    case TRACE_CACHE:
    case TRACE_CALL:
    case TRACE_DELIVER:
        break;
    default:
        return;
    }
    size_t n = record_count(&m->rec);
    if (n == 0)
        return;
    int host = sim_host_index(&sn->r->sim, ev->host);
    if (host < 0)
        return;
    if (vm_snapshot(m, ev->host, host, n - 1) < 0)
        sn->failed = true;
}

/* The host index at the other end of the link called `name` from host
 * `from`, or -1. Links are named "A-B" (or "A-B/2", ...). */
static int
vm_link_peer(const struct scenario *scn, const char *name, int from)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        char want[2 * SCN_NAME_MAX + 8];
        if (l->a < 0 || l->b < 0)
            continue;  /* an end on a switch: the frame goes to no host directly */
        snprintf(want, sizeof want, "%s-%s", scn->hosts[l->a].name, scn->hosts[l->b].name);
        size_t n = strlen(want);
        if (strncmp(name, want, n) != 0 || (name[n] != '\0' && name[n] != '/'))
            continue;
        if (from == l->a)
            return l->b;
        if (from == l->b)
            return l->a;
    }
    return -1;
}

/* What the wire index knows of one frame: the host of its latest TX event
 * and its wire still in flight. Kept in m->frames (open addressing on
 * id + 1, 0 marking a free slot), so that the log is read once: a frame
 * circling a loop of hubs keeps its id for a million events, and reading
 * back or ahead for each of its wires would never end. */
struct vm_frame {
    uint64_t key;       /* pkt_id + 1; 0: a free slot */
    int32_t host;       /* the host of its latest TX event, or -1 */
    uint32_t open_wire; /* its wire in flight (index into m->wires), or VM_NONE */
};

static size_t
vm_frame_slot(const struct view_model *m, uint64_t key)
{
    size_t mask = m->cap_frames - 1;
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull) & mask;
    while (m->frames[i].key != 0 && m->frames[i].key != key)
        i = (i + 1) & mask;
    return i;
}

/* Frame id's entry, made if new; NULL when memory runs out. */
static struct vm_frame *
vm_frame(struct view_model *m, uint64_t id)
{
    uint64_t key = id + 1;
    if (2 * (m->n_frames + 1) > m->cap_frames) {
        size_t cap = m->cap_frames ? 2 * m->cap_frames : 1024;
        struct vm_frame *grown = calloc(cap, sizeof *grown);
        if (grown == NULL)
            return NULL;
        struct vm_frame *old = m->frames;
        size_t old_cap = m->cap_frames;
        m->frames = grown;
        m->cap_frames = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].key != 0)
                m->frames[vm_frame_slot(m, old[i].key)] = old[i];
        free(old);
    }
    struct vm_frame *f = &m->frames[vm_frame_slot(m, key)];
    if (f->key == 0) {
        f->key = key;
        f->host = -1;
        f->open_wire = VM_NONE;
        m->n_frames++;
    }
    return f;
}

/* Pair every WIRE event from event `from` on with the host that sent its
 * frame (the latest TX event of that frame before it) and the event that
 * takes the frame off the link (its next RX, DROP or WIRE; n_events while it
 * is still in flight), and close the wires still open at `from` (the log
 * grows after the script in TAP mode and with live calls). */
/* The frame table as the events before `upto` left it, after
 * vm_compact() gave it back: each WIRE event made the next wire. */
static int
vm_frames_rebuild(struct view_model *m, size_t upto)
{
    struct record_event ev;
    uint32_t wire = 0;
    for (size_t i = 0; i < upto; i++) {
        if (!vm_event_facts(m, i, &ev))
            continue;
        bool takes = ev.kind == TRACE_RX || ev.kind == TRACE_DROP || ev.kind == TRACE_WIRE;
        if (!takes && ev.kind != TRACE_TX)
            continue;
        struct vm_frame *f = vm_frame(m, ev.pkt_id);
        if (f == NULL)
            return -1;
        if (takes && ev.pkt_id != 0)
            f->open_wire = VM_NONE;
        if (ev.kind == TRACE_TX && ev.host >= 0)
            f->host = ev.host;
        if (ev.kind == TRACE_WIRE)
            f->open_wire = wire++;
    }
    m->frames_dropped = false;
    return 0;
}

static int
vm_index_wires(struct view_model *m, size_t from)
{
    struct record_event ev;
    if (m->frames_dropped && vm_frames_rebuild(m, from) < 0)
        return -1;
    /* wires in flight at the last call end at `from`; closed ones earlier */
    for (size_t k = m->first_open_wire; k < m->n_wires; k++)
        if (m->wires[k].end == from)
            m->wires[k].end = VM_NONE;
    for (size_t i = from; i < m->n_events; i++) {
        if (!vm_event_facts(m, i, &ev))
            continue;
        bool takes = ev.kind == TRACE_RX || ev.kind == TRACE_DROP || ev.kind == TRACE_WIRE;
        if (!takes && ev.kind != TRACE_TX)
            continue;
        struct vm_frame *f = vm_frame(m, ev.pkt_id);
        if (f == NULL)
            return -1;
        if (takes && ev.pkt_id != 0 && f->open_wire != VM_NONE) {
            m->wires[f->open_wire].end = (uint32_t)i;
            f->open_wire = VM_NONE;
        }
        if (ev.kind == TRACE_TX && ev.host >= 0)
            f->host = ev.host;
        if (ev.kind != TRACE_WIRE)
            continue;
        if (vm_grow(&m->wires, &m->cap_wires, m->n_wires + 1, sizeof *m->wires, 256) < 0)
            return -1;
        struct vm_wire *w = &m->wires[m->n_wires];
        w->at = (uint32_t)i;
        w->from = f->host;
        char where[80];
        copy_str(where, sizeof where, ev.where);
        w->to = vm_link_peer(m->scn, where, w->from);
        w->end = VM_NONE;
        f->open_wire = (uint32_t)m->n_wires++;
    }
    for (size_t k = m->first_open_wire; k < m->n_wires; k++)
        if (m->wires[k].end == VM_NONE)
            m->wires[k].end = (uint32_t)m->n_events;
    while (m->first_open_wire < m->n_wires && m->wires[m->first_open_wire].end < m->n_events)
        m->first_open_wire++;
    return 0;
}

/* Bring the model up to the log: events, steps run, wires, verdicts. */
static int
vm_update(struct view_model *m)
{
    size_t from = m->n_events;
    m->n_events = record_count(&m->rec);
    m->n_steps = scn_runner_next(m->runner);
    m->step_start[m->n_steps] = m->n_events;
    m->expects_passed = m->runner->expects_passed;
    m->expects_failed = m->runner->expects_failed;
    /* event indexes are kept in 32 bits, VM_NONE marking none */
    if (m->n_events >= VM_NONE || m->snapper->failed || m->rec.lost > 0 || vm_index_wires(m, from) < 0 ||
        vm_index_extend(m) < 0)
        return -1;
    return 0;
}

/* Give back the slack of the model's growing arrays (the log is left to
 * the caller: record_compact()). After the script, the log grows only by
 * what a person types or a real wire brings. */
static void
vm_compact(struct view_model *m)
{
    vm_hsnaps_compact(m);
    /* The frame table (16 bytes a frame, four an event in a bulk
     * transfer) only pairs the wires of events still to come: none will
     * come unless a person types a statement, and then it is rebuilt
     * from the log (vm_frames_rebuild(), a pass over it). On a real wire
     * frames keep coming, so there it stays. */
    if (!vm_realtime(m)) {
        free(m->frames);
        m->frames = NULL;
        m->n_frames = m->cap_frames = 0;
        m->frames_dropped = true;
    }
    if (m->n_wires > 0 && m->n_wires < m->cap_wires) {
        struct vm_wire *w = realloc(m->wires, m->n_wires * sizeof *w);
        if (w != NULL) {
            m->wires = w;
            m->cap_wires = m->n_wires;
        }
    }
    vm_index_compact(m);
}

/* Room in step_start for step i and the sentinel after it. */
static int
vm_step_room(struct view_model *m, size_t i)
{
    if (i + 2 <= m->cap_steps)
        return 0;
    size_t cap = m->cap_steps * 2 + 2 > i + 2 ? m->cap_steps * 2 + 2 : i + 2;
    size_t *grown = realloc(m->step_start, cap * sizeof *grown);
    if (grown == NULL)
        return -1;
    m->step_start = grown;
    m->cap_steps = cap;
    return 0;
}

int
view_model_open(struct view_model *m, const struct scenario *scn, bool seed_given, uint64_t seed,
                char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    m->scn = scn;
    struct scn_run_opts opts = { .seed_given = seed_given, .seed = seed, .out = NULL };
    m->runner = calloc(1, sizeof *m->runner);
    m->snapper = calloc(1, sizeof *m->snapper);
    m->cap_steps = scn->n_steps + 1;
    m->step_start = calloc(m->cap_steps, sizeof *m->step_start);
    if (m->runner == NULL || m->snapper == NULL || m->step_start == NULL) {
        snprintf(err, err_len, "netstep: out of memory");
        goto out_fail;
    }
    if (scn_runner_init(m->runner, scn, &opts, err, err_len) < 0)
        goto out_fail;
    m->seed = m->runner->seed;
    record_init(&m->rec, &m->runner->sim);
    record_attach(&m->rec);
    m->snapper->m = m;
    m->snapper->r = m->runner;
    m->snapper->sink.emit = vm_snapper_emit;
    m->snapper->sink.ctx = m->snapper;
    /* it reads kinds and hosts, never a sentence */
    trace_attach_need(&m->runner->sim.trace, &m->snapper->sink, TRACE_NEED_FRAMES);
    return 0;

out_fail:
    free(m->runner);
    free(m->snapper);
    free(m->step_start);
    memset(m, 0, sizeof *m);
    return -1;
}

bool
vm_run_step(struct view_model *m)
{
    if (m->n_steps >= m->scn->n_steps || vm_step_room(m, m->n_steps) < 0)
        return false;
    m->step_start[m->n_steps] = record_count(&m->rec);
    scn_runner_step(m->runner);
    if (vm_update(m) < 0)
        m->failed = true;
    if (m->n_steps == m->scn->n_steps)
        vm_compact(m);  /* the script is recorded: give back the slack */
    return true;
}

int
view_model_build(struct view_model *m, const struct scenario *scn, bool seed_given,
                 uint64_t seed, char *err, size_t err_len)
{
    if (view_model_open(m, scn, seed_given, seed, err, err_len) < 0)
        return -1;
    while (vm_run_step(m))
        ;
    record_compact(&m->rec);  /* the script is recorded: give back the slack */
    if (m->failed) {
        snprintf(err, err_len, "netstep: out of memory recording the lesson");
        view_model_destroy(m);
        return -1;
    }
    return 0;
}

void
view_model_destroy(struct view_model *m)
{
    /* Teardown drops are not part of the lesson. */
    if (m->runner != NULL) {
        trace_detach(&m->runner->sim.trace, &m->snapper->sink);
        record_detach(&m->rec);
        scn_runner_destroy(m->runner);
        free(m->runner);
    }
    free(m->snapper);
    vm_index_free(m);
    record_destroy(&m->rec);
    vm_hsnaps_free(m);
    free(m->wires);
    free(m->frames);
    free(m->step_start);
    for (size_t i = 0; i < m->n_strs; i++)
        free(m->strs[i] - VM_STR_ID_BYTES);
    free(m->strs);
    free(m->str_slots);
    memset(m, 0, sizeof *m);
}

/* ---- the world after the script --------------------------------------- */

/* What the runner printed about a call, short: "=> 0" for a call, "ok" or
 * "FAILS, got: 0" for an expect, a ping's summary line. */
static void
vm_last_line(const char *out, const char *text, char *dst, size_t n)
{
    size_t len = strlen(out);
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
        len--;
    size_t start = len;
    while (start > 0 && out[start - 1] != '\n')
        start--;
    const char *p = out + start;
    if (*p == '[' && strchr(p, ']') != NULL)  /* the time stamp */
        p = strchr(p, ']') + 1;
    while (*p == ' ')
        p++;
    if (strncmp(p, text, strlen(text)) == 0)  /* the statement again */
        p += strlen(text);
    while (*p == ' ')
        p++;
    const char *fails = strstr(out, "expect failed") != NULL ? "FAILS, " : "";
    snprintf(dst, n, "%s%.*s", fails, (int)(out + len - p), p);
}

long
vm_live_call(struct view_model *m, struct scenario *scn, const char *text, struct scn_diag *diag,
             char *result, size_t result_len)
{
    if (vm_step_room(m, m->n_steps) < 0) {
        memset(diag, 0, sizeof *diag);
        diag->n_errors = diag->n_kept = 1;
        snprintf(diag->errors[0].msg, sizeof diag->errors[0].msg, "%s: error: out of memory",
                 SCN_LIVE_FILE);
        memcpy(diag->first, diag->errors[0].msg, sizeof diag->first);
        return -1;
    }
    /* On a real wire the person took their time typing: the world catches
     * up with the wall clock first, so the call starts now (a ping's round
     * trip is then the wire's, not the typing's). */
    vm_live_poll(m);
    m->step_start[m->n_steps] = record_count(&m->rec);
    /* what the runner says of the call, as `netstep run` prints it */
    char *said = NULL;
    size_t said_len = 0;
    FILE *out = result != NULL ? open_memstream(&said, &said_len) : NULL;
    m->runner->opts.out = out;
    long k = scn_runner_live(m->runner, scn, text, m->n_live + 1, diag);
    m->runner->opts.out = NULL;
    if (out != NULL)
        fclose(out);
    if (result != NULL)
        vm_last_line(said != NULL ? said : "", text, result, result_len);
    free(said);
    if (k < 0)
        return -1;
    m->n_live++;
    if (vm_update(m) < 0)
        m->failed = true;
    return k;
}

bool
vm_realtime(const struct view_model *m)
{
    return m->runner != NULL && m->runner->sim.rt != NULL;
}

size_t
vm_live_fds(const struct view_model *m, int *fds, size_t max)
{
    size_t n = 0;
    if (!vm_realtime(m))
        return 0;
    const struct realtime *rt = m->runner->sim.rt;
    for (unsigned i = 0; i < rt->n_taps && n < max; i++)
        fds[n++] = rt->taps[i]->fd;
    return n;
}

int
vm_live_timeout_ms(const struct view_model *m)
{
    if (!vm_realtime(m) || (m->n_steps < m->scn->n_steps && !m->held))
        return -1;
    uint64_t due = scn_runner_next_due(m->runner);
    uint64_t now = realtime_now(m->runner->sim.rt);
    if (due == UINT64_MAX)
        return -1;
    if (due <= now)
        return 0;
    uint64_t ms = (due - now + 999999) / 1000000;
    return ms > 60000 ? 60000 : (int)ms;
}

bool
vm_live_poll(struct view_model *m)
{
    if (!vm_realtime(m) || (m->n_steps < m->scn->n_steps && !m->held) ||
        !scn_runner_poll(m->runner))
        return false;
    size_t before = m->n_events;
    if (vm_update(m) < 0)
        m->failed = true;
    return m->n_events != before;
}

void
view_model_memory(const struct view_model *m, struct vm_memory *out)
{
    struct record_memory rm;
    record_memory(&m->rec, &rm);
    memset(out, 0, sizeof *out);
    out->index = rm.index;
    out->text = rm.text;
    out->packet = rm.packet;
    out->tcb = rm.tcb;
    out->events_with_packet = rm.with_packet;
    /* what is allocated, not what is used: the arrays grow by doubling */
    size_t model = vm_hsnaps_memory(m) + m->cap_wires * sizeof *m->wires +
                   m->cap_steps * sizeof *m->step_start + m->cap_frames * sizeof *m->frames;
    model += m->cap_strs * (sizeof *m->strs + 2 * sizeof *m->str_slots);
    for (size_t i = 0; i < m->n_strs; i++)
        model += VM_STR_ID_BYTES + strlen(m->strs[i]) + 1;
    out->model = model + vm_index_memory(m);
    out->total = rm.total + out->model;
}

bool
vm_event(const struct view_model *m, size_t i, struct record_event *out)
{
    return record_get(&m->rec, i, out);
}

bool
vm_event_facts(const struct view_model *m, size_t i, struct record_event *out)
{
    return record_get_facts(&m->rec, i, out);
}

size_t
vm_step_of(const struct view_model *m, size_t i)
{
    if (m->n_steps == 0)
        return 0;
    /* the last step whose first event is at or before i */
    size_t lo = 0, hi = m->n_steps;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->step_start[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const char *
vm_host_name(const struct view_model *m, int host)
{
    if (host < 0 || (size_t)host >= m->scn->n_hosts)
        return "?";
    return m->scn->hosts[host].name;
}

size_t
vm_n_hosts(const struct view_model *m)
{
    return m->scn->n_hosts;
}
