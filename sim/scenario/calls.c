/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/calls.c - the host calls (HOST: socket, bind, listen,
 * accept, connect, send, sendto, recv, recvfrom, shutdown, setsockopt, close,
 * wait, route add, ip route).
 */
#include "sim/scenario/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Whether sockets of type t carry a byte stream (listen, accept, recv all). */
bool
sock_type_is_stream(enum scn_sock_type t)
{
    return t == SCN_SOCK_TCP || t == SCN_SOCK_LOCAL_STREAM;
}

static bool
sock_type_is_local(enum scn_sock_type t)
{
    return t == SCN_SOCK_LOCAL_STREAM || t == SCN_SOCK_LOCAL_DGRAM;
}

/* `socket local stream|dgram` (tl is `local`, or `unix`, which is refused
 * with the right spelling): a Unix-domain socket, named by a path. */
static int
parse_socket_local(struct parser *p, struct cur *c, const struct tok *tl, struct scn_step *st)
{
    static const char *const kinds[] = { "stream", "dgram", NULL };
    const struct tok *tk = cur_next(c);
    struct suggest sg;

    if (word_is(tl, "unix"))
        return perr(p, tl->col, "Unix-domain sockets are written 'socket local stream' or "
                    "'socket local dgram' (AF_LOCAL is AF_UNIX's POSIX name)");
    if (tk == NULL)
        return perr(p, tl->col, "a local socket is 'local stream' or 'local dgram'");
    for (int i = 0; kinds[i] != NULL; i++) {
        if (word_is(tk, kinds[i])) {
            enum scn_sock_type ty = i == 0 ? SCN_SOCK_LOCAL_STREAM : SCN_SOCK_LOCAL_DGRAM;
            p->scn->socks[st->sock].type = ty;
            st->socket.type = ty;
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, tk->text);
    if (tk->kind == TOK_WORD)
        suggest_list(&sg, kinds);
    if (sg.best != NULL)
        return perr(p, tk->col, "unknown local socket type %s (did you mean '%s'?)",
                    show(tk).s, sg.best);
    return perr(p, tk->col, "unknown local socket type %s (use stream or dgram)", show(tk).s);
}

/* A local socket's PATH in token t (a word or a quoted text): absolute, at
 * most SCN_PATH_MAX bytes, no NUL. */
static int
get_path(struct parser *p, const struct tok *t, const char *sock, struct scn_endpoint *out)
{
    memset(out, 0, sizeof *out);
    out->addr.host = -1;
    if (t->kind == TOK_WORD && strchr(t->text, ':') != NULL && t->text[0] != '/')
        return perr(p, t->col, "'%s' is a local socket: it is named by a path like "
                    "/tmp/echo.sock, not by ADDRESS:PORT (found %s)", sock, show(t).s);
    if (t->len == 0 || memchr(t->text, '\0', t->len) != NULL || t->text[0] != '/')
        return perr(p, t->col, "a local socket's path starts with '/', like /tmp/echo.sock "
                    "(found %s)", show(t).s);
    if (t->len > SCN_PATH_MAX)
        return perr(p, t->col, "path is %zu bytes; a local socket's path holds at most %d",
                    t->len, SCN_PATH_MAX);
    memcpy(out->path, t->text, t->len);
    out->path[t->len] = '\0';
    return 0;
}

/* The address a call names, by the socket's kind: a PATH for a local
 * socket, ADDRESS:PORT (or, for bind, a bare PORT) for the others. */
static int
get_sock_endpoint(struct parser *p, const struct tok *t, int sock, bool bare_port_ok,
                  struct scn_endpoint *out)
{
    const struct scn_sock *sk = &p->scn->socks[sock];

    if (sock_type_is_local(sk->type))
        return get_path(p, t, sk->name, out);
    if (t->len > 0 && t->text[0] == '/')
        return perr(p, t->col, "'%s' is a %s socket: it is named by %s, not by a path (paths "
                    "name 'socket local stream' and 'socket local dgram')", sk->name,
                    scn_sock_type_name(sk->type),
                    bare_port_ok ? "PORT or ADDRESS:PORT" : "ADDRESS:PORT");
    if (get_endpoint(p, t, bare_port_ok, out) < 0)
        return -1;
    if (out->addr.kind == SCN_ADDR_NONE)
        return 0;
    if (!sk->inet6 && out->addr.v6)
        return perr(p, t->col, "'%s' is an IPv4 socket (socket %s): an IPv6 address needs "
                    "'socket %s6'", sk->name, scn_sock_type_name(sk->type),
                    scn_sock_type_name(sk->type));
    if (sk->inet6 && out->addr.kind == SCN_ADDR_HOST) {
        /* A host name resolves to the socket's family: its first IPv6
         * address, as getaddrinfo() with AF_INET6 would answer. */
        const struct scn_host *hh = &p->scn->hosts[out->addr.host];
        if (!hh->if_has_addr6[0])
            return perr(p, t->col, "'%s' is an IPv6 socket but host %s has no IPv6 address "
                        "(give it one: host %s ADDR/LEN 2001:db8::N/64)", sk->name, hh->name,
                        hh->name);
        out->addr.v6 = true;
        out->addr.addr6 = hh->if_addr6[0];
    } else if (sk->inet6 && !out->addr.v6) {
        char a[IPV4_ADDR_STRLEN];
        return perr(p, t->col, "'%s' is an IPv6 socket: an IPv4 address is written as an "
                    "IPv4-mapped one, [::ffff:%s]:%u", sk->name, ipv4_addr_str(out->addr.addr, a),
                    (unsigned)out->port);
    }
    return 0;
}

/* HOST: VAR = socket TYPE */
static int
parse_socket_def(struct parser *p, struct cur *c, int h, struct scn_step *st)
{
    static const char *const types[] = { "udp", "tcp", "icmp", "udp6", "tcp6", NULL };
    struct scenario *scn = p->scn;
    const struct tok *tv = cur_next(c);
    const struct tok *eq = cur_next(c);
    const struct tok *kw = cur_next(c);
    const struct tok *tt = cur_next(c);
    struct scn_sock *sk;
    int d;

    if (check_name(p, tv, false) < 0)
        return -1;
    d = sock_find(scn, h, tv->text);
    if (d >= 0)
        return perr(p, tv->col, "socket '%s' on %s is already defined at %u:%u", tv->text,
                    scn->hosts[h].name, scn->socks[d].line, scn->socks[d].col);
    sk = reserve(scn->socks, scn->n_socks, &p->cap_socks, sizeof *sk);
    if (sk == NULL)
        return perr_oom(p);
    scn->socks = sk;
    sk = &sk[scn->n_socks++];
    memset(sk, 0, sizeof *sk);
    memcpy(sk->name, tv->text, tv->len + 1);
    sk->host = h;
    sk->type = SCN_SOCK_UDP;
    sk->line = cur_lineno(p);
    sk->col = tv->col;
    st->sock = (int)(scn->n_socks - 1);
    st->host = h;

    if (kw == NULL)
        return perr(p, eq->col, "expected 'socket TYPE' or 'accept VAR' after '='");
    if (word_is(kw, "accept")) {
        int nsock = st->sock;
        scn->socks[nsock].type = SCN_SOCK_TCP;
        step_init(st, SCN_STEP_ACCEPT);
        st->host = h;
        st->accept.new_sock = nsock;
        if (tt == NULL)
            return perr(p, kw->col, "accept needs a listening socket, like '%s = accept s'",
                        tv->text);
        if (get_sock(p, tt, h, &st->sock) < 0)
            return -1;
        if (!sock_type_is_stream(scn->socks[st->sock].type))
            return perr(p, tt->col, "accept needs a stream socket (tcp or local stream); '%s' "
                        "is %s", tt->text, scn_sock_type_name(scn->socks[st->sock].type));
        /* The connection is of its listener's kind. */
        scn->socks[nsock].type = scn->socks[st->sock].type;
        scn->socks[nsock].inet6 = scn->socks[st->sock].inet6;
        if (st->sock == nsock)
            return perr(p, tt->col, "accept needs another socket to listen on, not '%s' itself",
                        tt->text);
        return parse_call_options(p, c, kw, st);
    }
    if (!word_is(kw, "socket")) {
        struct suggest sg;
        static const char *const words[] = { "socket", "accept", NULL };
        suggest_init(&sg, kw->text);
        if (kw->kind == TOK_WORD)
            suggest_list(&sg, words);
        if (sg.best != NULL)
            return perr(p, kw->col, "expected 'socket' or 'accept' after '=', found %s (did you "
                        "mean '%s'?)", show(kw).s, sg.best);
        return perr(p, kw->col, "expected 'socket' or 'accept' after '=', found %s", show(kw).s);
    }
    if (tt == NULL)
        return perr(p, kw->col, "socket needs a type (udp, tcp, icmp, udp6, tcp6, local stream "
                    "or local dgram)");
    if (word_is(tt, "local") || word_is(tt, "unix"))
        return parse_socket_local(p, c, tt, st);
    for (size_t i = 0; types[i] != NULL; i++) {
        if (word_is(tt, types[i])) {
            /* tcp6 and udp6 are AF_INET6 sockets, named as ss and netstat
             * name their connections. */
            enum scn_sock_type ty = i == 0 || i == 3 ? SCN_SOCK_UDP
                                    : i == 1 || i == 4 ? SCN_SOCK_TCP
                                                       : SCN_SOCK_ICMP;
            scn->socks[st->sock].type = ty;
            scn->socks[st->sock].inet6 = i >= 3;
            st->socket.type = ty;
            st->socket.inet6 = i >= 3;
            return expect_end(p, c);
        }
    }
    struct suggest sg;
    suggest_init(&sg, tt->text);
    if (tt->kind == TOK_WORD)
        suggest_list(&sg, types);
    if (sg.best != NULL)
        return perr(p, tt->col, "unknown socket type %s (did you mean '%s'?)", show(tt).s,
                    sg.best);
    return perr(p, tt->col, "unknown socket type %s (use udp, tcp, icmp, udp6, tcp6, local "
                "stream or local dgram)", show(tt).s);
}


/* on|off into *out (1 or 0). */
int
get_on_off(struct parser *p, const struct tok *t, const char *what, int64_t *out)
{
    if (word_is(t, "on")) {
        *out = 1;
        return 0;
    }
    if (word_is(t, "off")) {
        *out = 0;
        return 0;
    }
    return perr(p, t->col, "%s takes on or off, found %s", what, show(t).s);
}

const char *const cc_names[] = { "tahoe", "reno", "newreno", "cubic", NULL };

/* A congestion control algorithm's name. */
int
get_cc(struct parser *p, const struct tok *t, int64_t *out)
{
    struct suggest sg;

    for (int i = 0; cc_names[i] != NULL; i++) {
        if (word_is(t, cc_names[i])) {
            *out = i;
            return 0;
        }
    }
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, cc_names);
    if (sg.best != NULL)
        return perr(p, t->col, "unknown congestion control %s (did you mean '%s'?)", show(t).s,
                    sg.best);
    return perr(p, t->col, "unknown congestion control %s (use tahoe, reno, newreno or cubic)",
                show(t).s);
}

const char *const sockopt_names[] = { "nodelay", "rcvbuf", "sndbuf", "keepalive",
                                             "linger", "reuseaddr", "broadcast", "congestion",
                                             "v6only", NULL };

/* setsockopt VAR OPTION VALUE (the socket is read). */
static int
parse_setsockopt(struct parser *p, struct cur *c, struct scn_step *st)
{
    struct scn_setsockopt_args *a = &st->sockopt;
    const struct tok *to = cur_next(c);
    const struct tok *tv = cur_next(c);
    enum scn_sock_type ty = p->scn->socks[st->sock].type;
    int opt = -1;
    uint64_t v;

    for (int i = 0; sockopt_names[i] != NULL; i++)
        if (word_is(to, sockopt_names[i]))
            opt = i;
    if (opt < 0) {
        struct suggest sg;
        suggest_init(&sg, to->text);
        if (to->kind == TOK_WORD)
            suggest_list(&sg, sockopt_names);
        if (sg.best != NULL)
            return perr(p, to->col, "unknown socket option %s (did you mean '%s'?)", show(to).s,
                        sg.best);
        return perr(p, to->col, "unknown socket option %s (options are nodelay, rcvbuf, sndbuf, "
                    "keepalive, linger, reuseaddr, broadcast, congestion and v6only)", show(to).s);
    }
    a->opt = (enum scn_sockopt)opt;
    if (opt == SCN_OPT_V6ONLY && !p->scn->socks[st->sock].inet6)
        return perr(p, to->col, "v6only is an IPv6 option (IPV6_V6ONLY); '%s' is a %s socket, "
                    "not %s6", p->scn->socks[st->sock].name, scn_sock_type_name(ty),
                    scn_sock_type_name(ty));
    if ((opt == SCN_OPT_NODELAY || opt == SCN_OPT_CONGESTION || opt == SCN_OPT_KEEPALIVE ||
         opt == SCN_OPT_LINGER) && ty != SCN_SOCK_TCP)
        return perr(p, to->col, "%s is a TCP option; '%s' is a %s socket", to->text,
                    p->scn->socks[st->sock].name, scn_sock_type_name(ty));
    switch (a->opt) {
    case SCN_OPT_RCVBUF:
    case SCN_OPT_SNDBUF:
        if (get_uint(p, tv, to->text, 1, SCN_LEN_MAX, " bytes", &v) < 0)
            return -1;
        a->value = (int64_t)v;
        break;
    case SCN_OPT_LINGER:
        if (word_is(tv, "off")) {
            a->value = -1;
            break;
        }
        if (get_dur(p, tv, &v) < 0)
            return -1;
        if (v % 1000000000ull != 0)
            return perr(p, tv->col, "linger counts whole seconds, like 0s or 5s (found %s)",
                        show(tv).s);
        if (v / 1000000000ull > 3600)
            return perr(p, tv->col, "linger %s is more than an hour", show(tv).s);
        a->value = (int64_t)(v / 1000000000ull);
        break;
    case SCN_OPT_CONGESTION:
        if (get_cc(p, tv, &a->value) < 0)
            return -1;
        break;
    default:
        if (get_on_off(p, tv, to->text, &a->value) < 0)
            return -1;
        break;
    }
    return expect_end(p, c);
}

/* shutdown VAR rd|wr|rdwr */
static int
parse_shutdown(struct parser *p, struct cur *c, struct scn_step *st)
{
    static const char *const hows[] = { "rd", "wr", "rdwr", NULL };
    const struct tok *t = cur_next(c);
    struct suggest sg;

    for (int i = 0; hows[i] != NULL; i++) {
        if (word_is(t, hows[i])) {
            st->shutdown.how = (enum scn_shut)i;
            return expect_end(p, c);
        }
    }
    suggest_init(&sg, t->text);
    if (t->kind == TOK_WORD)
        suggest_list(&sg, hows);
    if (sg.best != NULL)
        return perr(p, t->col, "shutdown takes rd, wr or rdwr, found %s (did you mean '%s'?)",
                    show(t).s, sg.best);
    return perr(p, t->col, "shutdown takes rd, wr or rdwr, found %s", show(t).s);
}

/* wait VAR, with VAR a socket of host h that a background call runs on.
 * h < 0: any host (`wait VAR` without `HOST:`). */
int
parse_wait_var(struct parser *p, const struct tok *t, int h, struct scn_step *st)
{
    const struct scenario *scn = p->scn;
    int found = -1;

    if (t->kind != TOK_WORD || !is_var_name(t->text))
        return perr(p, t->col, "expected a socket variable, found %s", show(t).s);
    for (size_t i = 0; i < p->n_bgs; i++) {
        const struct bg_call *b = &p->bgs[i];
        if ((h >= 0 && b->host != h) || strcmp(scn->socks[b->sock].name, t->text) != 0)
            continue;
        if (found >= 0 && p->bgs[found].host != b->host)
            return perr(p, t->col, "both %s and %s have a background call on '%s': write "
                        "'HOST: wait %s'", scn->hosts[p->bgs[found].host].name,
                        scn->hosts[b->host].name, t->text, t->text);
        found = (int)i;
    }
    if (found < 0)
        return perr(p, t->col, "no background call on '%s' to wait for (a call ending in '&' "
                    "starts one)", t->text);
    st->host = p->bgs[found].host;
    st->sock = p->bgs[found].sock;
    return 0;
}

/* HOST: CALL ARGS... (tp is the `HOST:` token). */
static int parse_route_add(struct parser *p, struct cur *c, const struct tok *kw, int h,
                           struct scn_step *st);
static int parse_ip_route(struct parser *p, struct cur *c, const struct tok *kw, int h,
                          struct scn_step *st);

/* HOST: CALL ARGS... (tp is the `HOST:` token). The call word's row in the
 * statement table parses the rest; `HOST: VAR = socket|accept ...` defines
 * a socket variable first. */
int
parse_call(struct parser *p, struct cur *c, const struct tok *tp, struct scn_step *st)
{
    char hname[SCN_NAME_MAX + 2];
    const struct stmt_def *def;
    const struct tok *t;
    const struct tok *amp = NULL;
    struct line trimmed;
    int h;
    int rc;

    if (tp->len - 1 > SCN_NAME_MAX)
        return err_unknown_host(p, tp->text, tp->len - 1, tp->col);
    memcpy(hname, tp->text, tp->len - 1);
    hname[tp->len - 1] = '\0';
    h = scenario_host_find(p->scn, hname);
    if (h < 0)
        return err_unknown_host(p, hname, tp->len - 1, tp->col);

    /* A trailing `&` runs the call in the background: read the rest without it. */
    if (c->ln->n_toks > c->i && word_is(&c->ln->toks[c->ln->n_toks - 1], "&")) {
        amp = &c->ln->toks[c->ln->n_toks - 1];
        trimmed = *c->ln;
        trimmed.n_toks--;
        c->ln = &trimmed;
    }

    t = cur_peek(c);
    if (t == NULL)
        return perr(p, tp->col, "'%s' needs a call after it, like '%s s = socket udp'",
                    tp->text, tp->text);
    def = stmt_find_call(t);
    /* A call that names no socket first (route, ip) is never `VAR = ...`. */
    if ((def == NULL || def->n_args > 0) && word_is(cur_peek2(c), "=")) {
        step_init(st, SCN_STEP_SOCKET);
        if (parse_socket_def(p, c, h, st) < 0)
            return -1;
    } else {
        cur_next(c);
        if (def == NULL) {
            struct suggest sg;
            if (word_is(t, "socket"))
                return perr(p, t->col, "a socket needs a variable to hold it, like '%s s = "
                            "socket udp'", tp->text);
            if (word_is(t, "accept"))
                return perr(p, t->col, "accept makes a new socket: write '%s a = accept VAR'",
                            tp->text);
            suggest_init(&sg, t->text);
            for (size_t i = 0; t->kind == TOK_WORD && i < stmt_table_len; i++)
                if (stmt_table[i].where & (STMT_CALL | STMT_ASSIGN))
                    suggest_try(&sg, stmt_table[i].word);
            if (sg.best != NULL)
                return perr(p, t->col, "unknown call %s (did you mean '%s'?)", show(t).s,
                            sg.best);
            return perr(p, t->col, "unknown call %s (calls are socket, bind, listen, accept, "
                        "connect, send, sendto, recv, recvfrom, shutdown, setsockopt, close and "
                        "wait)", show(t).s);
        }
        step_init(st, (enum scn_step_kind)def->kind);
        st->host = h;
        if (c->ln->n_toks - c->i < def->n_args)
            return perr(p, t->col, "%s", def->needs);
        p->call_amp = amp;
        rc = def->parse(p, c, t, st);
        p->call_amp = NULL;
        if (rc < 0)
            return -1;
    }
    if (amp != NULL) {
        if (!step_blocks(st->kind))
            return perr(p, amp->col, "%s does not block, so '&' has nothing to run in the "
                        "background", st->kind == SCN_STEP_SOCKET ? "socket"
                                                                    : scn_step_kind_name(st->kind));
        st->background = true;
    }
    if ((st->background || p->in_at) && step_blocks(st->kind))
        return bg_add(p, st->host, step_job_sock(st));
    return 0;
}

/* HOST: route add DEST/LEN|default [via GW] [dev ethN] */
static int
parse_route_add(struct parser *p, struct cur *c, const struct tok *kw, int h,
                struct scn_step *st)
{
    const struct scn_host *sh = &p->scn->hosts[h];
    const struct tok *ta = cur_next(c);
    const struct tok *td = cur_next(c);
    const struct tok *t;
    const struct tok *seen_via = NULL, *seen_dev = NULL;
    struct scn_route_args *ra = &st->route;

    step_init(st, SCN_STEP_ROUTE_ADD);
    st->host = h;
    ra->dev = -1;
    ra->gw.host = -1;
    bool v6 = tok_is_minus6(ta);  /* route -6 add ...: IPv6 (route6.c) */
    if (v6) {
        ta = td;
        td = cur_next(c);
    }
    if (!word_is(ta, "add"))
        return perr(p, ta != NULL ? ta->col : kw->col, "route needs 'add', like '%s: route add "
                    "default via 192.0.2.254' (to see the table: '%s: ip route')", sh->name,
                    sh->name);
    if (td == NULL)
        return perr(p, ta->col, "route add needs a destination: ADDRESS/LEN or default");
    if (v6 || route6_tok_is_v6(td) ||
        (word_is(td, "default") && word_is(cur_peek(c), "via") && route6_tok_is_v6(cur_peek2(c))))
        return parse_route6_add(p, c, td, h, st);
    if (word_is(td, "default")) {
        ra->dst = 0;
        ra->prefix_len = 0;
    } else {
        const char *slash = td->kind == TOK_WORD ? strchr(td->text, '/') : NULL;
        char buf[IPV4_ADDR_STRLEN], net[IPV4_ADDR_STRLEN];
        uint64_t len;
        size_t alen = slash != NULL ? (size_t)(slash - td->text) : 0;
        if (slash == NULL || alen >= sizeof buf)
            return perr(p, td->col, "expected a destination like 198.51.100.0/24 or default, "
                        "found %s", show(td).s);
        memcpy(buf, td->text, alen);
        buf[alen] = '\0';
        if (!ipv4_addr_parse(buf, &ra->dst))
            return perr(p, td->col, "bad IPv4 address '%s'", buf);
        if (parse_u64(slash + 1, strlen(slash + 1), &len) != NUM_OK || len > 32)
            return perr(p, td->col + (unsigned)alen + 1, "bad prefix length '%.*s' (a number "
                        "0..32)", SHOW_MAX, slash + 1);
        ra->prefix_len = (unsigned)len;
        if ((ra->dst & ~ipv4_prefix_mask(ra->prefix_len)) != 0)
            return perr(p, td->col, "%s has host bits set; the network is %s/%u", td->text,
                        ipv4_addr_str(ra->dst & ipv4_prefix_mask(ra->prefix_len), net),
                        ra->prefix_len);
    }
    while ((t = cur_next(c)) != NULL) {
        const struct tok *v = cur_next(c);
        if (word_is(t, "via")) {
            char gs[IPV4_ADDR_STRLEN];
            if (seen_via != NULL)
                return perr(p, t->col, "'via' is given twice");
            seen_via = t;
            if (v == NULL || v->kind != TOK_WORD)
                return perr(p, t->col, "via needs a gateway address");
            if (get_addr(p, v->text, v->len, v->col, &ra->gw) < 0)
                return -1;
            ra->has_gw = true;
            if (ra->gw.kind == SCN_ADDR_HOST) {
                /* A neighbour named by name: its address on our side. */
                const struct scn_host *g = &p->scn->hosts[ra->gw.host];
                for (unsigned k = 0; k < g->n_ifaces; k++)
                    if (host_iface_on(sh, g->if_addr[k]) >= 0) {
                        ra->gw.addr = g->if_addr[k];
                        break;
                    }
            }
            if (ra->gw.host == h || host_iface_on(sh, ra->gw.addr) < 0) {
                char nets[160] = "";
                size_t o = 0;
                for (unsigned k = 0; k < sh->n_ifaces && o < sizeof nets; k++) {
                    char a[IPV4_ADDR_STRLEN];
                    o += (size_t)snprintf(nets + o, sizeof nets - o, "%s%s/%u",
                                          k > 0 ? ", " : "",
                                          ipv4_addr_str(sh->if_addr[k] &
                                                            ipv4_prefix_mask(sh->if_prefix[k]), a),
                                          sh->if_prefix[k]);
                }
                return perr(p, v->col, "gateway %s is not on a subnet of %s (%s); a gateway is "
                            "a neighbour on one of them", ipv4_addr_str(ra->gw.addr, gs),
                            sh->name, nets);
            }
        } else if (word_is(t, "dev")) {
            uint64_t k;
            if (seen_dev != NULL)
                return perr(p, t->col, "'dev' is given twice");
            seen_dev = t;
            if (v == NULL)
                return perr(p, t->col, "dev needs an interface, like eth0");
            if (v->kind != TOK_WORD || strncmp(v->text, "eth", 3) != 0 ||
                parse_u64(v->text + 3, v->len - 3, &k) != NUM_OK || k >= sh->n_ifaces)
            {
                if (sh->n_ifaces == 1)
                    return perr(p, v->col, "%s has no interface %s (it has eth0)", sh->name,
                                show(v).s);
                return perr(p, v->col, "%s has no interface %s (it has eth0..eth%u)", sh->name,
                            show(v).s, sh->n_ifaces - 1);
            }
            ra->dev = (int)k;
        } else {
            return perr(p, t->col, "unknown route option %s (route options are via and dev)",
                        show(t).s);
        }
    }
    if (!ra->has_gw && ra->dev < 0)
        return perr(p, td->col, "route add needs 'via GATEWAY' or 'dev ethN'");
    if (ra->has_gw && ra->dev >= 0 &&
        host_iface_on(sh, ra->gw.addr) != ra->dev) {
        char gs[IPV4_ADDR_STRLEN];
        return perr(p, seen_dev->col, "gateway %s is not on eth%d's subnet",
                    ipv4_addr_str(ra->gw.addr, gs), ra->dev);
    }
    return 0;
}

/* HOST: ip route [show] */
static int
parse_ip_route(struct parser *p, struct cur *c, const struct tok *kw, int h, struct scn_step *st)
{
    const struct tok *t = cur_next(c);

    step_init(st, SCN_STEP_ROUTE_SHOW);
    st->host = h;
    if (tok_is_minus6(t)) {
        /* ip -6 route: the IPv6 table (route6.c) */
        st->route.v6 = true;
        t = cur_next(c);
    }
    if (!word_is(t, "route"))
        return perr(p, t != NULL ? t->col : kw->col, "ip needs 'route', like '%s: ip route' "
                    "(netstep's ip knows only its route table)", p->scn->hosts[h].name);
    if (word_is(cur_peek(c), "show"))
        cur_next(c);
    if (word_is(cur_peek(c), "add"))
        return perr(p, cur_peek(c)->col, "write '%s: route add ...' to add a route",
                    p->scn->hosts[h].name);
    return expect_end(p, c);
}

/* ---------------------------------------------------------------------------
 * The calls' rows: parse, defaults, print and compare (stmt_table.c)
 * ------------------------------------------------------------------------- */

/* The socket a call acts on: the first word after the call. */
static int
call_sock(struct parser *p, struct cur *c, struct scn_step *st)
{
    return get_sock(p, cur_next(c), st->host, &st->sock);
}

/* HOST: bind VAR [ADDR:]PORT|PATH */
int
parse_call_bind(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0 ||
        get_sock_endpoint(p, cur_next(c), st->sock, true, &st->bind.local) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: connect VAR DEST:PORT|PATH */
int
parse_call_connect(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0 ||
        get_sock_endpoint(p, cur_next(c), st->sock, false, &st->connect.dest) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: send VAR PAYLOAD */
int
parse_call_send(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0 || get_payload(p, c, &st->send.payload) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: sendto VAR DEST:PORT|PATH PAYLOAD */
int
parse_call_sendto(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *td;

    if (call_sock(p, c, st) < 0)
        return -1;
    td = cur_next(c);
    st->send.dest_dvar = -1;
    if (td->kind == TOK_WORD && strchr(td->text, ':') == NULL && td->text[0] != '/' &&
        dvar_find(p->scn, td->text) >= 0) {
        /* sendto VAR NAME: to the peer `from NAME` learned */
        st->send.dest_dvar = dvar_find(p->scn, td->text);
    } else if (get_sock_endpoint(p, td, st->sock, false, &st->send.dest) < 0) {
        return -1;
    }
    if (get_payload(p, c, &st->send.payload) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: recv VAR N|all and HOST: recvfrom VAR N */
int
parse_call_recv(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    uint64_t n;
    const struct tok *tn;

    if (call_sock(p, c, st) < 0)
        return -1;
    tn = cur_next(c);
    if (word_is(tn, "all")) {
        if (st->kind == SCN_STEP_RECVFROM ||
            !sock_type_is_stream(p->scn->socks[st->sock].type))
            return perr(p, tn->col, "'all' reads a stream to its end: it needs recv on "
                        "a tcp or local stream socket");
        st->recv.all = true;
    } else {
        if (get_uint(p, tn, "byte count", 1, SCN_LEN_MAX, "", &n) < 0)
            return -1;
        st->recv.max_len = (size_t)n;
    }
    return parse_call_options(p, c, kw, st);
}

/* HOST: close VAR */
int
parse_call_close(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: listen VAR [BACKLOG] */
int
parse_call_listen(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    const struct tok *tb;
    enum scn_sock_type ty;
    uint64_t n;

    if (call_sock(p, c, st) < 0)
        return -1;
    ty = p->scn->socks[st->sock].type;
    tb = cur_peek(c);
    if (!sock_type_is_stream(ty))
        return perr(p, kw->col, "listen needs a stream socket (tcp or local stream); "
                    "'%s' is %s", p->scn->socks[st->sock].name, scn_sock_type_name(ty));
    if (tb != NULL && tb->kind == TOK_WORD && is_digit(tb->text[0])) {
        cur_next(c);
        if (get_uint(p, tb, "backlog", 0, SCN_BACKLOG_MAX, "", &n) < 0)
            return -1;
        st->listen.has_backlog = true;
        st->listen.backlog = (uint32_t)n;
    }
    return parse_call_options(p, c, kw, st);
}

/* HOST: shutdown VAR rd|wr|rdwr */
int
parse_call_shutdown(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0 || parse_shutdown(p, c, st) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: setsockopt VAR OPTION VALUE */
int
parse_call_setsockopt(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (call_sock(p, c, st) < 0 || parse_setsockopt(p, c, st) < 0)
        return -1;
    return parse_call_options(p, c, kw, st);
}

/* HOST: wait VAR */
int
parse_call_wait(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)kw;
    if (p->call_amp != NULL)
        return perr(p, p->call_amp->col, "wait joins a background call; it cannot run in the "
                    "background itself");
    if (parse_wait_var(p, cur_next(c), st->host, st) < 0)
        return -1;
    return expect_end(p, c);
}

/* HOST: route add ... and HOST: ip route */
int
parse_call_route(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    if (p->call_amp != NULL)
        return perr(p, p->call_amp->col, "%s does not block, so '&' has nothing to run in the "
                    "background", kw->text);
    return word_is(kw, "route") ? parse_route_add(p, c, kw, st->host, st)
                                : parse_ip_route(p, c, kw, st->host, st);
}

void
init_bind(struct scn_step *st)
{
    st->bind.local.addr.host = -1;
}

void
init_connect(struct scn_step *st)
{
    st->connect.dest.addr.host = -1;
}

void
init_send(struct scn_step *st)
{
    st->send.dest.addr.host = -1;
    st->send.dest_dvar = -1;
}

void
init_accept(struct scn_step *st)
{
    st->accept.new_sock = -1;
}

/* The name of the step's socket variable. */
static const char *
sock_name(const struct scenario *scn, const struct scn_step *st)
{
    return st->sock >= 0 ? scn->socks[st->sock].name : "";
}

void
print_socket(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "%s = socket %s%s", sock_name(scn, st), scn_sock_type_name(st->socket.type),
            st->socket.inet6 ? "6" : "");
}

void
print_bind(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "bind %s ", sock_name(scn, st));
    print_endpoint(out, scn, &st->bind.local);
}

void
print_connect(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "connect %s ", sock_name(scn, st));
    print_endpoint(out, scn, &st->connect.dest);
}

void
print_send(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "send %s ", sock_name(scn, st));
    print_payload(out, scn, &st->send.payload);
}

void
print_sendto(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "sendto %s ", sock_name(scn, st));
    if (st->send.dest_dvar >= 0)
        fputs(scn->dvars[st->send.dest_dvar].name, out);
    else
        print_endpoint(out, scn, &st->send.dest);
    fputc(' ', out);
    print_payload(out, scn, &st->send.payload);
}

void
print_recv(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    if (st->recv.all)
        fprintf(out, "%s %s all", scn_step_kind_name(st->kind), sock_name(scn, st));
    else
        fprintf(out, "%s %s %zu", scn_step_kind_name(st->kind), sock_name(scn, st),
                st->recv.max_len);
}

void
print_close(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "close %s", sock_name(scn, st));
}

void
print_listen(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "listen %s", sock_name(scn, st));
    if (st->listen.has_backlog)
        fprintf(out, " %u", (unsigned)st->listen.backlog);
}

void
print_accept(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "%s = accept %s", scn->socks[st->accept.new_sock].name, sock_name(scn, st));
}

void
print_shutdown(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "shutdown %s %s", sock_name(scn, st), scn_shut_name(st->shutdown.how));
}

void
print_setsockopt(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_setsockopt_args *a = &st->sockopt;

    fprintf(out, "setsockopt %s %s ", sock_name(scn, st), scn_sockopt_name(a->opt));
    switch (a->opt) {
    case SCN_OPT_RCVBUF:
    case SCN_OPT_SNDBUF:
        fprintf(out, "%" PRId64, a->value);
        break;
    case SCN_OPT_LINGER:
        if (a->value < 0)
            fputs("off", out);
        else
            fprintf(out, "%" PRId64 "s", a->value);
        break;
    case SCN_OPT_CONGESTION:
        fputs(scn_cc_name((enum scn_cc)a->value), out);
        break;
    default:
        fputs(a->value ? "on" : "off", out);
        break;
    }
}

void
print_wait(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    fprintf(out, "wait %s", sock_name(scn, st));
}

void
print_route_add(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    const struct scn_route_args *ra = &st->route;
    char a[IPV4_ADDR_STRLEN];

    if (ra->v6) {
        print_route6_add(out, scn, st);
        return;
    }
    fputs("route add ", out);
    if (ra->prefix_len == 0 && ra->dst == 0)
        fputs("default", out);
    else
        fprintf(out, "%s/%u", ipv4_addr_str(ra->dst, a), ra->prefix_len);
    if (ra->has_gw) {
        fputs(" via ", out);
        print_addr(out, scn, &ra->gw);
    }
    if (ra->dev >= 0)
        fprintf(out, " dev eth%d", ra->dev);
}

void
print_route_show(FILE *out, const struct scenario *scn, const struct scn_step *st)
{
    (void)scn;
    (void)st;
    fputs(st->route.v6 ? "ip -6 route" : "ip route", out);
}

bool
eq_socket(const struct scn_step *a, const struct scn_step *b)
{
    return a->socket.type == b->socket.type && a->socket.inet6 == b->socket.inet6;
}

bool
eq_bind(const struct scn_step *a, const struct scn_step *b)
{
    return endpoint_eq(&a->bind.local, &b->bind.local);
}

bool
eq_connect(const struct scn_step *a, const struct scn_step *b)
{
    return endpoint_eq(&a->connect.dest, &b->connect.dest);
}

bool
eq_send(const struct scn_step *a, const struct scn_step *b)
{
    return endpoint_eq(&a->send.dest, &b->send.dest) &&
           (a->kind != SCN_STEP_SENDTO || a->send.dest_dvar == b->send.dest_dvar) &&
           payload_eq(&a->send.payload, &b->send.payload);
}

bool
eq_recv(const struct scn_step *a, const struct scn_step *b)
{
    return a->recv.max_len == b->recv.max_len && a->recv.all == b->recv.all;
}

bool
eq_listen(const struct scn_step *a, const struct scn_step *b)
{
    return a->listen.has_backlog == b->listen.has_backlog &&
           a->listen.backlog == b->listen.backlog;
}

bool
eq_accept(const struct scn_step *a, const struct scn_step *b)
{
    return a->accept.new_sock == b->accept.new_sock;
}

bool
eq_shutdown(const struct scn_step *a, const struct scn_step *b)
{
    return a->shutdown.how == b->shutdown.how;
}

bool
eq_setsockopt(const struct scn_step *a, const struct scn_step *b)
{
    return a->sockopt.opt == b->sockopt.opt && a->sockopt.value == b->sockopt.value;
}

bool
eq_route_add(const struct scn_step *a, const struct scn_step *b)
{
    if (a->route.v6 || b->route.v6)
        return eq_route6_add(a, b);
    return a->route.dst == b->route.dst && a->route.prefix_len == b->route.prefix_len &&
           a->route.has_gw == b->route.has_gw &&
           (!a->route.has_gw || addr_eq(&a->route.gw, &b->route.gw)) &&
           a->route.dev == b->route.dev;
}

int
copy_send(struct scn_step *dst, const struct scn_step *src)
{
    return payload_copy(&dst->send.payload, &src->send.payload) ? 0 : -1;
}

void
clear_send(struct scn_step *st)
{
    payload_free(&st->send.payload);
}

const struct scn_addr *
peer_connect(const struct scn_step *st)
{
    return &st->connect.dest.addr;
}

const struct scn_addr *
peer_sendto(const struct scn_step *st)
{
    return &st->send.dest.addr;
}
