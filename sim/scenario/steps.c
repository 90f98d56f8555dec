/*
 * sim/scenario/steps.c - what every step shares: init, copy and clear of
 * what a step owns, and the options after a host call (timeout DUR, -> NAME).
 */
#include "sim/scenario/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/app/dns.h"
#include "stack/app/websocket.h"
#include "stack/inspect.h"

/* ---------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------- */

/* Free what a payload owns (not pl itself). */
static void
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
static bool
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
    free(st->text);
    st->text = NULL;
    switch (st->kind) {
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        payload_free(&st->send.payload);
        break;
    case SCN_STEP_SAY:
    case SCN_STEP_PAUSE:
        free(st->say.text);
        break;
    case SCN_STEP_EXPECT:
        free(st->expect.text);
        payload_free(&st->expect.rhs);
        break;
    default:
        break;
    }
}

/* Copy src into dst, duplicating what it owns (for `repeat`). Returns 0, or
 * -1 when out of memory (dst then owns nothing). */
int
step_copy(struct scn_step *dst, const struct scn_step *src)
{
    bool ok = true;

    *dst = *src;
    dst->text = src->text != NULL ? strdup(src->text) : NULL;
    ok = src->text == NULL || dst->text != NULL;
    switch (src->kind) {
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        ok = payload_copy(&dst->send.payload, &src->send.payload) && ok;
        break;
    case SCN_STEP_SAY:
    case SCN_STEP_PAUSE:
        dst->say.text = src->say.text != NULL ? strdup(src->say.text) : NULL;
        ok = ok && (src->say.text == NULL || dst->say.text != NULL);
        break;
    case SCN_STEP_EXPECT:
        dst->expect.text = src->expect.text != NULL
                               ? (uint8_t *)str_dup_n((const char *)src->expect.text,
                                                      src->expect.text_len)
                               : NULL;
        ok = ok && (src->expect.text == NULL || dst->expect.text != NULL);
        ok = payload_copy(&dst->expect.rhs, &src->expect.rhs) && ok;
        break;
    default:
        break;
    }
    if (!ok) {
        step_clear(dst);
        return -1;
    }
    return 0;
}

void
step_init(struct scn_step *st, enum scn_step_kind kind)
{
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->host = -1;
    st->sock = -1;
    st->dvar = -1;
    switch (kind) {
    case SCN_STEP_BIND:
        st->bind.local.addr.host = -1;
        break;
    case SCN_STEP_CONNECT:
        st->connect.dest.addr.host = -1;
        break;
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
        st->send.dest.addr.host = -1;
        break;
    case SCN_STEP_PING:
        st->ping.dest.host = -1;
        break;
    case SCN_STEP_EXPECT:
        st->expect.dvar = -1;
        st->expect.rhs.app.from_dvar = -1;
        st->expect.arp_addr.host = -1;
        st->expect.route_dest.host = -1;
        st->expect.route_gw.host = -1;
        st->expect.filter.from.host = -1;
        st->expect.filter.to.host = -1;
        break;
    case SCN_STEP_ACCEPT:
        st->accept.new_sock = -1;
        break;
    case SCN_STEP_DROP:
        st->drop.filter.from.host = -1;
        st->drop.filter.to.host = -1;
        break;
    default:
        break;
    }
}

/* Whether k is written `HOST: ...`. */
bool
step_is_call(enum scn_step_kind k)
{
    switch (k) {
    case SCN_STEP_SOCKET:
    case SCN_STEP_BIND:
    case SCN_STEP_CONNECT:
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
    case SCN_STEP_CLOSE:
    case SCN_STEP_LISTEN:
    case SCN_STEP_ACCEPT:
    case SCN_STEP_SHUTDOWN:
    case SCN_STEP_SETSOCKOPT:
    case SCN_STEP_WAIT:
    case SCN_STEP_ROUTE_ADD:
    case SCN_STEP_ROUTE_SHOW:
        return true;
    default:
        return false;
    }
}

/* Whether a call of kind k can block (so it takes a timeout and '&'). */
bool
step_blocks(enum scn_step_kind k)
{
    switch (k) {
    case SCN_STEP_CONNECT:
    case SCN_STEP_SEND:
    case SCN_STEP_SENDTO:
    case SCN_STEP_RECV:
    case SCN_STEP_RECVFROM:
    case SCN_STEP_ACCEPT:
    case SCN_STEP_CLOSE: /* with SO_LINGER, until the peer ACKs the FIN */
        return true;
    default:
        return false;
    }
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

/* Options after a call's arguments: `timeout DUR` for calls that block and
 * `-> NAME` for calls that return data. */
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
        } else if (t->kind == TOK_WORD && strncmp(t->text, "->", 2) == 0) {
            return perr(p, t->col + 2, "missing space after '->'");
        } else {
            return perr(p, t->col, "unexpected %s at the end of the line", show(t).s);
        }
    }
    return 0;
}
