/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/steps.c - what every step shares: init, copy and clear of
 * what a step owns, and the options after a host call (timeout DUR, -> NAME).
 */
#include "sim/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"

/* ---------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------- */

/* Free what a payload owns (not pl itself). */
void
payload_free(struct scn_payload *pl)
{
    free(pl->data);
    free(pl->path);
    free(pl->full_path);
    free(pl->app.dns_name);
    pl->data = NULL;
    pl->path = pl->full_path = pl->app.dns_name = NULL;
}

/* *dst = *src with everything it owns duplicated. Returns false when out of
 * memory (dst then owns nothing). */
bool
payload_copy(struct scn_payload *dst, const struct scn_payload *src)
{
    *dst = *src;
    dst->data = src->data != NULL ? (uint8_t *)str_dup_n((const char *)src->data, src->len)
                                  : NULL;
    dst->path = src->path != NULL ? strdup(src->path) : NULL;
    dst->full_path = src->full_path != NULL ? strdup(src->full_path) : NULL;
    dst->app.dns_name = src->app.dns_name != NULL ? strdup(src->app.dns_name) : NULL;
    if ((src->data != NULL && dst->data == NULL) || (src->path != NULL && dst->path == NULL) ||
        (src->full_path != NULL && dst->full_path == NULL) ||
        (src->app.dns_name != NULL && dst->app.dns_name == NULL)) {
        payload_free(dst);
        return false;
    }
    return true;
}

/* Free what st owns (not st itself). */
void
step_clear(struct scn_step *st)
{
    const struct stmt_def *def = stmt_of_kind(st->kind);

    free(st->text);
    st->text = NULL;
    if (def != NULL && def->clear != NULL)
        def->clear(st);
}

/* Copy src into dst, duplicating what it owns (for `repeat`). Returns 0, or
 * -1 when out of memory (dst then owns nothing). */
int
step_copy(struct scn_step *dst, const struct scn_step *src)
{
    const struct stmt_def *def = stmt_of_kind(src->kind);
    bool ok;

    *dst = *src;
    dst->text = src->text != NULL ? strdup(src->text) : NULL;
    ok = src->text == NULL || dst->text != NULL;
    /* Always copy the row's parts, so that dst never shares them with src. */
    if (def != NULL && def->copy != NULL)
        ok = def->copy(dst, src) == 0 && ok;
    if (!ok) {
        step_clear(dst);
        return -1;
    }
    return 0;
}

void
step_init(struct scn_step *st, enum scn_step_kind kind)
{
    const struct stmt_def *def = stmt_of_kind(kind);

    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->host = -1;
    st->sock = -1;
    st->dvar = -1;
    st->from_dvar = -1;
    if (def != NULL && def->init != NULL)
        def->init(st);
}

/* Whether k is written `HOST: ...`. */
bool
step_is_call(enum scn_step_kind k)
{
    const struct stmt_def *def = stmt_of_kind(k);

    return def != NULL && (def->where & (STMT_CALL | STMT_ASSIGN)) != 0;
}

/* Whether a call of kind k can block (so it takes a timeout and '&'). */
bool
step_blocks(enum scn_step_kind k)
{
    const struct stmt_def *def = stmt_of_kind(k);

    return def != NULL && (def->where & STMT_BLOCKS) != 0;
}

/* The socket a blocking call is known by, for `wait`: accept's new socket,
 * else the socket it acts on. */
int
step_job_sock(const struct scn_step *st)
{
    return st->kind == SCN_STEP_ACCEPT ? st->accept.new_sock : st->sock;
}

/* Remember that a background call runs on (host, sock). */
int
bg_add(struct parser *p, int host, int sock)
{
    for (size_t i = 0; i < p->n_bgs; i++)
        if (p->bgs[i].host == host && p->bgs[i].sock == sock)
            return 0;
    struct bg_call *b = reserve(p->bgs, p->n_bgs, &p->cap_bgs, sizeof *b);
    if (b == NULL)
        return perr_oom(p);
    p->bgs = b;
    b[p->n_bgs].host = host;
    b[p->n_bgs].sock = sock;
    p->n_bgs++;
    return 0;
}

/* Options after a call's arguments: `timeout DUR` for calls that block,
 * `-> NAME` for calls that return data and `from NAME` for recvfrom and
 * accept. */
int
parse_call_options(struct parser *p, struct cur *c, const struct tok *call, struct scn_step *st)
{
    bool blocks = step_blocks(st->kind);
    bool gives_data = st->kind == SCN_STEP_RECV || st->kind == SCN_STEP_RECVFROM;
    const struct tok *seen_timeout = NULL;
    const struct tok *seen_arrow = NULL;
    const struct tok *t;

    while ((t = cur_next(c)) != NULL) {
        if (word_is(t, "timeout")) {
            const struct tok *v = cur_next(c);
            if (!blocks)
                return perr(p, t->col, "%s does not block, so it takes no timeout", call->text);
            if (st->kind == SCN_STEP_CLOSE)
                return perr(p, t->col, "close waits as long as SO_LINGER says (setsockopt VAR "
                            "linger 5s), so it takes no timeout");
            if (seen_timeout != NULL)
                return perr(p, t->col, "'timeout' is given twice");
            seen_timeout = t;
            if (v == NULL)
                return perr(p, t->col, "timeout needs a duration");
            if (get_dur(p, v, &st->timeout_ns) < 0)
                return -1;
            st->has_timeout = true;
        } else if (word_is(t, "->")) {
            if (!gives_data)
                return perr(p, t->col, "%s returns no data, so '->' cannot follow it "
                            "(only recv, recvfrom and ping)", call->text);
            if (seen_arrow != NULL)
                return perr(p, t->col, "'->' is given twice");
            seen_arrow = t;
            if (def_dvar(p, t, cur_next(c), SCN_DVAR_DATA, &st->dvar) < 0)
                return -1;
        } else if (word_is(t, "from") &&
                   (st->kind == SCN_STEP_RECVFROM || st->kind == SCN_STEP_ACCEPT)) {
            /* `from NAME`: keep who sent it (recvfrom) or who connected
             * (accept), as ADDRESS:PORT (or a local socket's path), for a
             * reply with `sendto VAR NAME ...` */
            if (st->from_dvar >= 0)
                return perr(p, t->col, "'from' is given twice");
            if (cur_peek(c) == NULL)
                return perr(p, t->col, "'from' needs a name after it, like 'from reply'");
            if (def_dvar(p, t, cur_next(c), SCN_DVAR_DATA, &st->from_dvar) < 0)
                return -1;
        } else if (t->kind == TOK_WORD && strncmp(t->text, "->", 2) == 0) {
            return perr(p, t->col + 2, "missing space after '->'");
        } else {
            return perr(p, t->col, "unexpected %s at the end of the line", show(t).s);
        }
    }
    return 0;
}
