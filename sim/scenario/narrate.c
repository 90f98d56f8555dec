/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/narrate.c - narration and tunables: say and set HOST KEY
 * VALUE.
 */
#include "sim/scenario/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int
parse_say(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_SAY);
    if (t == NULL)
        return perr(p, kw->col, "say needs a quoted text");
    if (get_text(p, t, "say", &st->say.text) < 0)
        return -1;
    return expect_end(p, c);
}

/* The tunables of `set`, in enum scn_set_key order, with the kind of value. */
const struct set_key_def set_keys[SCN_SET_KEY_COUNT] = {
    [SCN_SET_TCP_MSL] = { "tcp.msl", SETV_DUR },
    [SCN_SET_TCP_RTO_MIN] = { "tcp.rto_min", SETV_DUR },
    [SCN_SET_TCP_RTO_INITIAL] = { "tcp.rto_initial", SETV_DUR },
    [SCN_SET_TCP_RTO_MAX] = { "tcp.rto_max", SETV_DUR },
    [SCN_SET_TCP_DELACK] = { "tcp.delack", SETV_DELACK },
    [SCN_SET_TCP_KEEPIDLE] = { "tcp.keepidle", SETV_DUR },
    [SCN_SET_TCP_KEEPINTVL] = { "tcp.keepintvl", SETV_DUR },
    [SCN_SET_TCP_KEEPCNT] = { "tcp.keepcnt", SETV_COUNT },
    [SCN_SET_TCP_SYN_RETRIES] = { "tcp.syn_retries", SETV_COUNT },
    [SCN_SET_TCP_RETRIES2] = { "tcp.retries2", SETV_COUNT },
    [SCN_SET_TCP_IW] = { "tcp.iw", SETV_COUNT },
    [SCN_SET_TCP_SACK] = { "tcp.sack", SETV_ON_OFF },
    [SCN_SET_TCP_TIMESTAMPS] = { "tcp.timestamps", SETV_ON_OFF },
    [SCN_SET_TCP_WSCALE] = { "tcp.wscale", SETV_ON_OFF },
    [SCN_SET_TCP_CC] = { "tcp.cc", SETV_CC },
    [SCN_SET_TCP_ISS] = { "tcp.iss", SETV_U32 },
    [SCN_SET_IPV4_FORWARDING] = { "ipv4.forwarding", SETV_ON_OFF },
    [SCN_SET_TCP_SYNCOOKIES] = { "tcp.syncookies", SETV_ON_OFF },
    /* The stack clamps listen() to somaxconn and keeps at most 4096 [tcp.h]. */
    [SCN_SET_TCP_SOMAXCONN] = { "tcp.somaxconn", SETV_COUNT, 1, 4096 },
    [SCN_SET_TCP_RETRIES1] = { "tcp.retries1", SETV_COUNT },
    /* Descriptors 0-2 are taken, so 4 leaves room for one socket. */
    [SCN_SET_HOST_NOFILE] = { "host.nofile", SETV_COUNT, 4, 1048576 },
    /* [RFC 791] every host takes a 68-byte datagram; 65535 is IPv4's largest. */
    [SCN_SET_IPV4_MIN_PMTU] = { "ipv4.min_pmtu", SETV_COUNT, 68, 65535 },
    [SCN_SET_TCP_BSD_OPTIONS] = { "tcp.bsd_options", SETV_ON_OFF },
    /* SO_RCVBUF's own ceiling (socket.c SOCK_BUF_MAX) is far below 2^30. */
    [SCN_SET_TCP_WSCALE_BUF] = { "tcp.wscale_buf", SETV_COUNT, 0, 1073741824 },
    [SCN_SET_TCP_RCVBUF_ROUND] = { "tcp.rcvbuf_round", SETV_ON_OFF },
    /* DupAddrDetectTransmits [RFC 4862 5.1]: 0 turns detection off. */
    [SCN_SET_IPV6_DAD_TRANSMITS] = { "ipv6.dad_transmits", SETV_COUNT, 0, 10 },
};

/* set HOST KEY VALUE */
int
parse_set(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *th = cur_next(c);
    const struct tok *tk = cur_next(c);
    const struct tok *tv = cur_next(c);
    int key = -1;
    int64_t iv;

    step_init(st, SCN_STEP_SET);
    if (th == NULL || tk == NULL || tv == NULL)
        return perr(p, kw->col, "set needs a host, a name and a value, like 'set alice tcp.msl "
                    "1s'");
    if (get_host(p, th, &st->host) < 0)
        return -1;
    for (int i = 0; i < SCN_SET_KEY_COUNT; i++)
        if (word_is(tk, set_keys[i].name))
            key = i;
    if (key < 0) {
        struct suggest sg;
        suggest_init(&sg, tk->text);
        for (int i = 0; tk->kind == TOK_WORD && i < SCN_SET_KEY_COUNT; i++)
            suggest_try(&sg, set_keys[i].name);
        if (sg.best != NULL)
            return perr(p, tk->col, "unknown setting %s (did you mean '%s'?)", show(tk).s,
                        sg.best);
        return perr(p, tk->col, "unknown setting %s (settings are tcp.msl, tcp.rto_min, "
                    "tcp.rto_initial, tcp.rto_max, tcp.delack, tcp.keepidle, tcp.keepintvl, "
                    "tcp.keepcnt, tcp.syn_retries, tcp.retries2, tcp.iw, tcp.sack, "
                    "tcp.timestamps, tcp.wscale, tcp.cc, tcp.iss, tcp.syncookies, "
                    "tcp.somaxconn, tcp.retries1, host.nofile, ipv4.min_pmtu, "
                    "ipv4.forwarding and ipv6.dad_transmits)",
                    show(tk).s);
    }
    st->set.key = (enum scn_set_key)key;
    switch (set_keys[key].value) {
    case SETV_DUR:
        if (get_dur(p, tv, &st->set.value) < 0)
            return -1;
        break;
    case SETV_COUNT: {
        const struct set_key_def *d = &set_keys[key];
        uint64_t hi = d->hi != 0 ? d->hi : 1000000;
        if (get_uint(p, tv, tk->text, d->lo, hi, "", &st->set.value) < 0)
            return -1;
        break;
    }
    case SETV_U32:
        if (get_uint(p, tv, tk->text, 0, UINT32_MAX, "", &st->set.value) < 0)
            return -1;
        break;
    case SETV_ON_OFF:
        if (get_on_off(p, tv, tk->text, &iv) < 0)
            return -1;
        st->set.value = (uint64_t)iv;
        break;
    case SETV_DELACK:
        if (word_is(tv, "off")) {
            st->set.value = 0;
        } else if (word_is(tv, "on")) {
            st->set.value = SCN_DELACK_ON;
        } else {
            if (tv->kind != TOK_WORD || !is_digit(tv->text[0]))
                return perr(p, tv->col, "tcp.delack takes on, off or a duration, found %s",
                            show(tv).s);
            if (get_dur(p, tv, &st->set.value) < 0)
                return -1;
            if (st->set.value == 0 || st->set.value == SCN_DELACK_ON)
                return perr(p, tv->col, "tcp.delack %s: write 'off' to turn delayed ACKs off",
                            show(tv).s);
        }
        break;
    default:
        if (get_cc(p, tv, &iv) < 0)
            return -1;
        st->set.value = (uint64_t)iv;
        break;
    }
    return expect_end(p, c);
}

/* ---------------------------------------------------------------------------
 * The rows of say (and pause, which keeps its text the same way) and set
 * ------------------------------------------------------------------------- */

void
print_say(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    (void)scn;
    fputs("say ", out);
    print_cstr(out, st->say.text);
}

bool
eq_say(const struct scn_step *a, const struct scn_step *b)
{
    return str_eq(a->say.text, b->say.text);
}

int
copy_say(struct scn_step *dst, const struct scn_step *src)
{
    dst->say.text = src->say.text != NULL ? strdup(src->say.text) : NULL;
    return src->say.text == NULL || dst->say.text != NULL ? 0 : -1;
}

void
clear_say(struct scn_step *st)
{
    free(st->say.text);
    st->say.text = NULL;
}

void
print_set(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_set_args *a = &st->set;

    fprintf(out, "set %s %s ", scn->hosts[st->host].name, scn_set_key_name(a->key));
    switch (set_keys[a->key].value) {
    case SETV_DUR:
        print_dur(out, a->value);
        break;
    case SETV_DELACK:
        if (a->value == 0)
            fputs("off", out);
        else if (a->value == SCN_DELACK_ON)
            fputs("on", out);
        else
            print_dur(out, a->value);
        break;
    case SETV_ON_OFF:
        fputs(a->value ? "on" : "off", out);
        break;
    case SETV_CC:
        fputs(scn_cc_name((enum scn_cc)a->value), out);
        break;
    default:
        fprintf(out, "%" PRIu64, a->value);
        break;
    }
}

bool
eq_set(const struct scn_step *a, const struct scn_step *b)
{
    return a->set.key == b->set.key && a->set.value == b->set.value;
}
