/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcp_sack.c - selective acknowledgments, both sides [RFC 2018] [RFC 6675].
 *
 * Receiver: the blocks an ACK reports come from the out-of-order queue, the
 * block holding the segment that just arrived first [RFC 2018 4], after a
 * D-SACK block for data that arrived twice [RFC 2883 4].
 * Sender: a scoreboard of the ranges the peer SACKed above snd_una, and the
 * functions loss recovery needs [RFC 6675 4]: IsLost(), the pipe estimate,
 * and the holes NextSeg()'s rules 1, 3 and 4 name (tcp_output.c applies the
 * rules). Bytes between two SACKed ranges form a hole; everything SACKed
 * above a hole is above every byte of it, so IsLost() is one answer per
 * hole, which keeps pipe a walk over the holes.
 * Called by: tcp_output.c (blocks, recovery), tcp_input.c (scoreboard),
 * tcp_cc.c, tcp_timer.c (clear on RTO).
 */
#include "stack/tcp.h"

#include <string.h>

#include "stack/tcp_seq.h"

static unsigned tcp_sack_ooo_blocks(const struct tcb *tp, struct tcp_sack_block *out,
                                    unsigned max);

void
tcp_sack_note_duplicate(struct tcb *tp, uint32_t left, uint32_t right)
{
    if (!tp->sack_ok || !seq_lt(left, right))
        return;
    /* [RFC 2883 4] "each duplicate contiguous sequence of data received is
     * reported in at most one D-SACK block": the latest one is kept. */
    tp->dsack = (struct tcp_sack_block){ left, right };
    tp->dsack_pending = true;
    /* A duplicate is news for the sender's loss recovery (a spurious
     * retransmission, a copy made by the network): ACK it at once, as
     * Linux does, rather than after the delayed-ACK timer. */
    tp->ack_now = true;
}

void
tcp_sack_note_recent(struct tcb *tp, uint32_t seq)
{
    unsigned n = tp->n_sack_recent < TCP_SACK_MAX ? tp->n_sack_recent : TCP_SACK_MAX - 1u;
    memmove(tp->sack_recent + 1, tp->sack_recent, n * sizeof(tp->sack_recent[0]));
    tp->sack_recent[0] = seq;
    tp->n_sack_recent = (uint8_t)(n + 1);
}

unsigned
tcp_sack_blocks(const struct tcb *tp, struct tcp_sack_block *out, unsigned max)
{
    if (max == 0)
        return 0;
    unsigned k = 0;
    if (tp->dsack_pending) {
        /* [RFC 2883 4] "If the data packet being acknowledged contains
         * duplicate data, the first SACK block SHOULD contain the
         * duplicate" - below the cumulative ACK or inside a held block,
         * which then follows as the second [RFC 2883 4 (2)]. */
        out[k++] = tp->dsack;
    }
    return k + tcp_sack_ooo_blocks(tp, out + k, max - k);
}

/* The SACK blocks of the out-of-order queue [RFC 2018 4]. */
static unsigned
tcp_sack_ooo_blocks(const struct tcb *tp, struct tcp_sack_block *out, unsigned max)
{
    struct tcp_sack_block all[64];
    unsigned n = 0;
    for (const struct tcp_ooo *o = tp->ooo; o != NULL && n < 64; o = o->next) {
        /* [RFC 2018 3] a block is "contiguous and isolated data": a FIN
         * held with it is not data, so the right edge stops before it. */
        if (o->len == 0)
            continue;
        uint32_t right = o->seq + o->len;
        if (n > 0 && all[n - 1].right == o->seq)
            all[n - 1].right = right;
        else
            all[n++] = (struct tcp_sack_block){ o->seq, right };
    }
    if (n == 0 || max == 0)
        return 0;
    /* [RFC 2018 4] "The first SACK block ... MUST specify the contiguous
     * block of data containing the segment which triggered this ACK". */
    int first = -1; /* none when in-order data triggered the ACK */
    for (unsigned i = 0; i < n; i++)
        if (seq_leq(all[i].left, tp->last_sack.left) && seq_gt(all[i].right, tp->last_sack.left))
            first = (int)i;
    /* "The SACK option SHOULD be filled out by repeating the most recently
     * reported SACK blocks (based on first SACK blocks in previous SACK
     * options) that are not subsets of a SACK block already included": the
     * blocks holding the latest out-of-order arrivals, most recent first;
     * then any others, lowest first. */
    bool used[64] = { false };
    unsigned k = 0;
    if (first >= 0) {
        out[k++] = all[first];
        used[first] = true;
    }
    for (unsigned r = 0; r < tp->n_sack_recent && k < max; r++)
        for (unsigned i = 0; i < n; i++)
            if (!used[i] && seq_leq(all[i].left, tp->sack_recent[r]) &&
                seq_gt(all[i].right, tp->sack_recent[r])) {
                out[k++] = all[i];
                used[i] = true;
            }
    for (unsigned i = 0; i < n && k < max; i++)
        if (!used[i])
            out[k++] = all[i];
    return k;
}

void
tcp_sack_clear(struct tcb *tp)
{
    tp->n_sacked = 0;
}

void
tcp_sack_trim(struct tcb *tp)
{
    unsigned k = 0;
    for (unsigned i = 0; i < tp->n_sacked; i++) {
        struct tcp_sack_block b = tp->sacked[i];
        if (seq_leq(b.right, tp->snd_una))
            continue;
        if (seq_lt(b.left, tp->snd_una))
            b.left = tp->snd_una;
        tp->sacked[k++] = b;
    }
    tp->n_sacked = k;
    if (seq_lt(tp->high_rxt, tp->snd_una))
        tp->high_rxt = tp->snd_una;
}

/* Insert [left, right) keeping the scoreboard sorted and merged. */
static void
tcp_sack_insert(struct tcb *tp, uint32_t left, uint32_t right)
{
    struct tcp_sack_block nb[TCP_SACK_SCOREBOARD + 1];
    unsigned k = 0;
    bool placed = false;
    for (unsigned i = 0; i < tp->n_sacked; i++) {
        struct tcp_sack_block b = tp->sacked[i];
        if (seq_lt(b.right, left)) {
            nb[k++] = b; /* wholly below */
        } else if (seq_gt(b.left, right)) {
            if (!placed) {
                nb[k++] = (struct tcp_sack_block){ left, right };
                placed = true;
            }
            nb[k++] = b; /* wholly above */
        } else {
            left = seq_min(left, b.left); /* overlaps or touches: merge */
            right = seq_max(right, b.right);
        }
    }
    if (!placed)
        nb[k++] = (struct tcp_sack_block){ left, right };
    if (k > TCP_SACK_SCOREBOARD)
        k = TCP_SACK_SCOREBOARD; /* forget the highest */
    memcpy(tp->sacked, nb, k * sizeof(nb[0]));
    tp->n_sacked = k;
}

void
tcp_sack_update(struct tcb *tp, const struct tcp_opts *o)
{
    for (unsigned i = 0; i < o->sack_count; i++) {
        uint32_t l = o->sack[i].left, r = o->sack[i].right;
        /* Ignore blocks that are empty, below snd_una (a D-SACK) or beyond
         * what was sent. */
        if (!seq_lt(l, r) || seq_leq(r, tp->snd_una) || seq_gt(r, tp->snd_max))
            continue;
        if (seq_lt(l, tp->snd_una))
            l = tp->snd_una;
        tcp_sack_insert(tp, l, r);
    }
}

bool
tcp_sack_is_sacked(const struct tcb *tp, uint32_t seq)
{
    for (unsigned i = 0; i < tp->n_sacked; i++)
        if (seq_in(seq, tp->sacked[i].left, tp->sacked[i].right))
            return true;
    return false;
}

bool
tcp_sack_is_lost(const struct tcb *tp, uint32_t seq)
{
    /* [RFC 6675 4] IsLost(SeqNum): DupThresh discontiguous SACKed sequences
     * above it, or more than (DupThresh - 1) * SMSS bytes SACKed above it. */
    uint64_t bytes = 0;
    unsigned blocks = 0;
    for (unsigned i = 0; i < tp->n_sacked; i++) {
        const struct tcp_sack_block *b = &tp->sacked[i];
        if (seq_leq(b->right, seq + 1))
            continue;
        uint32_t from = seq_gt(b->left, seq) ? b->left : seq + 1;
        bytes += b->right - from;
        blocks++;
    }
    return blocks >= TCP_DUPTHRESH || bytes > (uint64_t)(TCP_DUPTHRESH - 1) * tp->mss;
}

uint32_t
tcp_sack_pipe(const struct tcb *tp)
{
    uint64_t pipe = 0;
    uint32_t cur = tp->snd_una;
    uint32_t hrx = seq_max(tp->high_rxt, tp->snd_una);
    for (unsigned i = 0; i <= tp->n_sacked; i++) {
        bool last = i == tp->n_sacked;
        uint32_t end = last ? tp->snd_max : tp->sacked[i].left;
        if (seq_lt(cur, end)) {
            /* [RFC 6675 4] octets not SACKed and not lost are in the pipe;
             * octets retransmitted (below HighRxt) count once more. */
            if (last || !tcp_sack_is_lost(tp, cur))
                pipe += end - cur;
            if (seq_gt(hrx, cur))
                pipe += seq_min(hrx, end) - cur;
        }
        if (!last)
            cur = seq_max(cur, tp->sacked[i].right);
    }
    return pipe > UINT32_MAX ? UINT32_MAX : (uint32_t)pipe;
}

bool
tcp_sack_next_unsacked(const struct tcb *tp, uint32_t *seq, uint32_t *len)
{
    /* (1.a) above HighRxt, (1.b) below the highest SACKed octet; not (1.c):
     * the hole need not be lost yet. */
    uint32_t cur = tp->snd_una;
    uint32_t hrx = seq_max(tp->high_rxt, tp->snd_una);
    for (unsigned i = 0; i < tp->n_sacked; i++) {
        uint32_t end = tp->sacked[i].left;
        uint32_t from = seq_max(cur, hrx);
        if (seq_lt(from, end)) {
            *seq = from;
            *len = end - from;
            return true;
        }
        cur = seq_max(cur, tp->sacked[i].right);
    }
    return false;
}

bool
tcp_sack_highest_unsacked(const struct tcb *tp, uint32_t *seq)
{
    /* The scoreboard is sorted: walk down from HighData past what the
     * highest blocks cover. */
    uint32_t top = tp->snd_max;
    for (unsigned i = tp->n_sacked; i > 0; i--) {
        const struct tcp_sack_block *b = &tp->sacked[i - 1];
        if (seq_geq(b->right, top) && seq_lt(b->left, top))
            top = b->left;
    }
    if (!seq_gt(top, tp->snd_una))
        return false;
    *seq = top - 1;
    return true;
}

bool
tcp_sack_next_lost(const struct tcb *tp, uint32_t *seq, uint32_t *len)
{
    uint32_t cur = tp->snd_una;
    uint32_t hrx = seq_max(tp->high_rxt, tp->snd_una);
    for (unsigned i = 0; i < tp->n_sacked; i++) {
        uint32_t end = tp->sacked[i].left;
        uint32_t from = seq_max(cur, hrx);
        if (seq_lt(from, end) && tcp_sack_is_lost(tp, cur)) {
            *seq = from;
            *len = end - from;
            return true;
        }
        cur = seq_max(cur, tp->sacked[i].right);
    }
    return false;
}
