/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/statement.c - whole lines: the first word through the
 * statement table, a broken line's recovery, and the warnings of a scenario
 * without errors.
 */
#include "sim/scenario/parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------- */

/* A first word that is no statement: say what it probably was. */
static int
err_unknown_statement(struct parser *p, struct cur *c, const struct tok *t)
{
    const struct tok *t2 = cur_peek(c);
    const char *colon;
    struct suggest sg;

    if (t->kind != TOK_WORD)
        return perr(p, t->col, "expected a statement, found %s", show(t).s);
    if (scenario_host_find(p->scn, t->text) >= 0)
        return perr(p, t->col, "unknown statement %s (a host's calls are written '%s: CALL')",
                    show(t).s, t->text);
    colon = strchr(t->text, ':');
    if (colon != NULL && colon[1] != '\0') {
        size_t n = (size_t)(colon - t->text);
        for (size_t i = 0; i < p->scn->n_hosts; i++) {
            const char *hn = p->scn->hosts[i].name;
            if (strlen(hn) == n && memcmp(hn, t->text, n) == 0)
                return perr(p, t->col + (unsigned)n + 1, "missing space after '%.*s:'", (int)n,
                            t->text);
        }
    }
    if (word_is(t2, "="))
        return perr(p, t->col, "a socket belongs to a host: write 'HOST: %s = ...'", t->text);
    if (stmt_find_call(t) != NULL)
        return perr(p, t->col, "%s is a call a host makes: write 'HOST: %s ...'", show(t).s,
                    t->text);
    suggest_init(&sg, t->text);
    for (size_t i = 0; i < stmt_table_len; i++)
        if ((stmt_table[i].where & (STMT_CALL | STMT_ASSIGN)) == 0)
            suggest_try(&sg, stmt_table[i].word);
    if (sg.best != NULL)
        return perr(p, t->col, "unknown statement %s (did you mean '%s'?)", show(t).s, sg.best);
    return perr(p, t->col, "unknown statement %s", show(t).s);
}

/* Parse one statement into st (if it is a step). Returns 1 if st was filled,
 * 0 for a statement that is no step, -1 on error. */
int
parse_statement(struct parser *p, struct cur *c, struct scn_step *st)
{
    const struct tok *t = cur_next(c);
    const struct stmt_def *def;
    int rc;

    if (t->kind == TOK_WORD && t->len >= 2 && t->text[t->len - 1] == ':')
        return parse_call(p, c, t, st) < 0 ? -1 : 1;
    def = stmt_find_at(c->ln, c->i - 1);
    if (def == NULL || def->parse == NULL)
        return err_unknown_statement(p, c, t);
    if ((def->where & STMT_WORLD) != 0 && check_not_in_repeat(p, t) < 0)
        return -1;
    rc = def->parse(p, c, t, st);
    if (rc < 0)
        return -1;
    return (def->where & STMT_STEP) != 0 ? 1 : rc;
}

/* After a broken line: define the `-> NAME` it meant to define, so the
 * expects that read it do not fail too. */
static void
recover_dvars(struct parser *p, const struct line *ln)
{
    for (size_t i = 0; i + 1 < ln->n_toks; i++) {
        const struct tok *t = &ln->toks[i + 1];
        if (!word_is(&ln->toks[i], "->") || t->kind != TOK_WORD || !is_var_name(t->text) ||
            t->len > SCN_NAME_MAX || dvar_find(p->scn, t->text) >= 0 ||
            scenario_host_find(p->scn, t->text) >= 0)
            continue;
        struct scn_dvar *dv = reserve(p->scn->dvars, p->scn->n_dvars, &p->cap_dvars, sizeof *dv);
        if (dv == NULL)
            return;
        p->scn->dvars = dv;
        dv = &dv[p->scn->n_dvars++];
        memset(dv, 0, sizeof *dv);
        memcpy(dv->name, t->text, t->len + 1);
        dv->kind = word_is(&ln->toks[0], "ping") ? SCN_DVAR_PING : SCN_DVAR_DATA;
        dv->line = ln->lineno;
        dv->col = t->col;
    }
}

/* After a broken line that meant to define a host (`host`, `router`, or a
 * misspelling of them like `hots alice ...`): its name counts as reported,
 * so the lines that use it do not each fail again. */
static void
recover_host(struct parser *p, const struct line *ln)
{
    const struct tok *t0, *t1;
    bool defines;

    if (ln->n_toks < 2)
        return;
    t0 = &ln->toks[0];
    t1 = &ln->toks[1];
    if (t0->kind != TOK_WORD || t1->kind != TOK_WORD || !is_host_name(t1->text) ||
        scenario_host_find(p->scn, t1->text) >= 0)
        return;
    defines = word_is(t0, "host") || word_is(t0, "router");
    if (!defines && stmt_find(t0) == NULL && stmt_find_call(t0) == NULL) {
        struct suggest sg;
        suggest_init(&sg, t0->text);
        suggest_try(&sg, "host");
        suggest_try(&sg, "router");
        defines = sg.best != NULL;
    }
    if (defines)
        name_reported(p, 'h', -1, t1->text, t1->len);
}

/* ---------------------------------------------------------------------------
 * Counters of `repeat N as NAME {`
 * ------------------------------------------------------------------------- */

/* A growing byte string. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static int
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 64 : b->cap;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL)
            return -1;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static bool
is_name_char(char ch)
{
    return is_lower(ch) || is_digit(ch) || ch == '_';
}

/* The innermost open counted repeat whose counter is s[0..n), or NULL. */
static const struct repeat_open *
counter_find(const struct parser *p, const char *s, size_t n)
{
    for (size_t i = p->n_repeats; i-- > 0;) {
        const struct repeat_open *ro = &p->repeats[i];
        if (ro->counter[0] != '\0' && strlen(ro->counter) == n && memcmp(ro->counter, s, n) == 0)
            return ro;
    }
    return NULL;
}

/* Append s[0..n) to b with every `$COUNTER` replaced by its value. A word
 * (strict) naming no counter is an error at column col; in a quoted text a
 * `$` that names no counter is kept as written. Returns 1 if anything was
 * replaced, 0 if not, -1 on error (reported). */
static int
subst_text(struct parser *p, struct sbuf *b, const char *s, size_t n, bool strict, unsigned col)
{
    int changed = 0;

    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        if (s[i] != '$' || j >= n || !is_name_char(s[j])) {
            if (sbuf_add(b, s + i, 1) < 0)
                return perr_oom(p);
            i++;
            continue;
        }
        while (j < n && is_name_char(s[j]))
            j++;
        const struct repeat_open *ro = counter_find(p, s + i + 1, j - i - 1);
        if (ro == NULL) {
            if (strict)
                return perr(p, col + (unsigned)i, "'$%.*s' is not the counter of an enclosing "
                            "repeat (write 'repeat N as %.*s {' around this line)",
                            (int)(j - i - 1), s + i + 1, (int)(j - i - 1), s + i + 1);
            if (sbuf_add(b, s + i, j - i) < 0)
                return perr_oom(p);
        } else {
            char num[24];
            int len = snprintf(num, sizeof num, "%" PRIu64, ro->value);
            if (sbuf_add(b, num, (size_t)len) < 0)
                return perr_oom(p);
            changed = 1;
        }
        i = j;
    }
    return changed;
}

int
subst_counters(struct parser *p, const struct line *ln, struct line *out)
{
    struct sbuf src = { 0 }, arena = { 0 };
    size_t *offs = NULL;
    int changed = 0;
    size_t end = ln->text_off + ln->text_len;

    if (strchr(ln->src, '$') == NULL)
        return 0;
    offs = calloc(ln->n_toks + 1, sizeof *offs);
    if (offs == NULL)
        return perr_oom(p);
    /* The statement text as the step keeps it (what the view shows). */
    int rc = subst_text(p, &src, ln->src, end, false, 1);
    if (rc < 0 || sbuf_add(&src, ln->src + end, strlen(ln->src + end)) < 0)
        goto fail;
    /* Each token's text, at its own column: errors still point at the line
     * as written. */
    for (size_t i = 0; i < ln->n_toks; i++) {
        const struct tok *t = &ln->toks[i];
        offs[i] = arena.len;
        rc = subst_text(p, &arena, t->text, t->len, t->kind == TOK_WORD, t->col);
        if (rc < 0 || sbuf_add(&arena, "", 1) < 0)
            goto fail;
        changed |= rc;
    }
    if (!changed) {
        free(src.s);
        free(arena.s);
        free(offs);
        return 0;
    }
    *out = *ln;
    out->toks = malloc((ln->n_toks + 1) * sizeof *out->toks);
    if (out->toks == NULL) {
        perr_oom(p);
        goto fail;
    }
    for (size_t i = 0; i < ln->n_toks; i++) {
        out->toks[i] = ln->toks[i];
        out->toks[i].text = arena.s + offs[i];
        out->toks[i].len = strlen(out->toks[i].text);
    }
    out->arena = arena.s;
    out->src = src.s;
    out->text_len = src.len - strlen(ln->src + end) - ln->text_off;
    out->err = NULL;
    free(offs);
    return 1;

fail:
    free(src.s);
    free(arena.s);
    free(offs);
    return -1;
}

void
parse_line(struct parser *p, const struct line *ln)
{
    struct cur c = { .ln = ln, .i = 0 };
    struct scn_step st;
    int rc;

    if (ln->err != NULL) {
        perr(p, ln->err_col, "%s", ln->err);
        recover_dvars(p, ln);
        recover_host(p, ln);
        return;
    }
    if (ln->n_toks == 0)
        return;
    struct line subst;
    rc = subst_counters(p, ln, &subst);
    if (rc < 0) {
        recover_dvars(p, ln);
        return;
    }
    if (rc > 0) {
        parse_line(p, &subst);
        free(subst.toks);
        free(subst.arena);
        free((char *)subst.src);
        return;
    }
    step_init(&st, SCN_STEP_SAY);
    rc = parse_statement(p, &c, &st);
    if (rc == 1 && p->scn->n_steps >= SCN_STEPS_MAX) {
        step_clear(&st);
        perr(p, ln->toks[0].col, "more than %u steps", SCN_STEPS_MAX);
        return;
    }
    if (rc == 1) {
        struct scn_step *ns;
        st.file = ln->file;
        st.line = ln->lineno;
        st.col = ln->toks[0].col;
        st.text = str_dup_n(ln->src + ln->text_off, ln->text_len);
        ns = st.text == NULL ? NULL
                             : reserve(p->scn->steps, p->scn->n_steps, &p->cap_steps, sizeof *ns);
        if (ns == NULL) {
            step_clear(&st);
            perr_oom(p);
            return;
        }
        p->scn->steps = ns;
        ns[p->scn->n_steps++] = st;
        return;
    }
    step_clear(&st);
    if (rc < 0) {
        recover_dvars(p, ln);
        recover_host(p, ln);
    }
}

/* At the end of the text: every `repeat {` must have found its `}`. */
void
check_repeats_closed(struct parser *p)
{
    for (size_t i = 0; i < p->n_repeats; i++) {
        const struct repeat_open *ro = &p->repeats[i];
        struct scn_error *e = diag_add(p->diag, p->scn->files[ro->file], ro->line, ro->col,
                                       "this repeat has no closing '}' (a '}' on a line of "
                                       "its own ends the block)");
        diag_set_src(e, line_src(p, ro->file, ro->line));
    }
    p->n_repeats = 0;
}

static void
warn(struct parser *p, unsigned file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
warn(struct parser *p, unsigned file, unsigned line, unsigned col, const char *fmt, ...)
{
    char msg[SCN_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_set_src(diag_warn(p->diag, p->scn->files[file], line, col, msg),
                 line_src(p, file, line));
}

/* Which union-find set host h is in. */
static int
uf_find(int *up, int h)
{
    while (up[h] != h) {
        up[h] = up[up[h]];
        h = up[h];
    }
    return h;
}

/* The host a step sends to, or -1: a destination written as a host name or
 * as the address of a host. */
static int
step_peer(const struct scenario *scn, const struct scn_step *st)
{
    const struct stmt_def *def = stmt_of_kind(st->kind);
    const struct scn_addr *a = def != NULL && def->peer != NULL ? def->peer(st) : NULL;

    if (a == NULL)
        return -1;
    if (a->kind == SCN_ADDR_HOST)
        return a->host;
    for (size_t i = 0; i < scn->n_hosts; i++)
        for (unsigned k = 0; k < scn->hosts[i].n_ifaces; k++)
            if (scn->hosts[i].if_addr[k] == a->addr)
                return (int)i;
    return -1;
}

/* Whether interfaces (a, la) and (b, lb) can reach each other directly:
 * each address is inside the other's subnet. */
static bool
same_subnet(uint32_t a, unsigned la, uint32_t b, unsigned lb)
{
    return ((a ^ b) & ipv4_prefix_mask(la)) == 0 && ((a ^ b) & ipv4_prefix_mask(lb)) == 0;
}

/* "alice (192.0.2.1/24)" into buf. */
static const char *
iface_str(const struct scenario *scn, int h, int ifc, char *buf, size_t n)
{
    char a[IPV4_ADDR_STRLEN];
    const struct scn_host *sh = &scn->hosts[h];

    if (sh->n_ifaces > 1)
        snprintf(buf, n, "%s:eth%d (%s/%u)", sh->name, ifc, ipv4_addr_str(sh->if_addr[ifc], a),
                 sh->if_prefix[ifc]);
    else
        snprintf(buf, n, "%s (%s/%u)", sh->name, ipv4_addr_str(sh->if_addr[ifc], a),
                 sh->if_prefix[ifc]);
    return buf;
}

/* The file a link's line is in (links keep only their line and column). */
static unsigned
link_file(const struct parser *p, const struct scn_link *l)
{
    for (size_t i = 0; i < p->n_lines; i++) {
        const struct line *ln = &p->lines[i];
        if (ln->lineno == l->line && ln->n_toks > 0 && ln->toks[0].col == l->col &&
            word_is(&ln->toks[0], "link"))
            return ln->file;
    }
    return 0;
}

/* Hosts on one Ethernet segment (a link between two hosts, or every link
 * of switches joined by links) in different subnets: the run would fail
 * with ENETUNREACH or never find the peer by ARP. One warning per link. */
static void
warn_subnets(struct parser *p)
{
    const struct scenario *scn = p->scn;
    int *seg = calloc(scn->n_switches + 1, sizeof *seg);
    int *first = calloc(scn->n_switches + 1, sizeof *first);
    char x[96], y[96];

    if (seg == NULL || first == NULL)
        goto out;
    for (size_t s = 0; s < scn->n_switches; s++) {
        seg[s] = (int)s;
        first[s] = -1;
    }
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        if (l->a_sw >= 0 && l->b_sw >= 0)
            seg[uf_find(seg, l->a_sw)] = uf_find(seg, l->b_sw);
    }
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        int h, ifc, sw;
        if (l->a >= 0 && l->b >= 0) {
            const struct scn_host *a = &scn->hosts[l->a], *b = &scn->hosts[l->b];
            if (!same_subnet(a->if_addr[l->a_if], a->if_prefix[l->a_if], b->if_addr[l->b_if],
                             b->if_prefix[l->b_if]))
                warn(p, link_file(p, l), l->line, l->col, "%s and %s share this link but sit in different "
                     "subnets, so neither can reach the other directly",
                     iface_str(scn, l->a, l->a_if, x, sizeof x),
                     iface_str(scn, l->b, l->b_if, y, sizeof y));
            continue;
        }
        if (l->a >= 0 && l->b_sw >= 0) {
            h = l->a, ifc = l->a_if, sw = uf_find(seg, l->b_sw);
        } else if (l->b >= 0 && l->a_sw >= 0) {
            h = l->b, ifc = l->b_if, sw = uf_find(seg, l->a_sw);
        } else {
            continue;
        }
        /* The first host link of a segment sets its subnet; links are kept
         * in file order, so the warning is on the later line. */
        if (first[sw] < 0) {
            first[sw] = (int)i;
            continue;
        }
        const struct scn_link *f = &scn->links[first[sw]];
        int fh = f->a >= 0 ? f->a : f->b, fi = f->a >= 0 ? f->a_if : f->b_if;
        if (!same_subnet(scn->hosts[fh].if_addr[fi], scn->hosts[fh].if_prefix[fi],
                         scn->hosts[h].if_addr[ifc], scn->hosts[h].if_prefix[ifc]))
            warn(p, link_file(p, l), l->line, l->col, "%s and %s are on one segment (switch %s) but sit in "
                 "different subnets, so neither can reach the other directly",
                 iface_str(scn, h, ifc, x, sizeof x), iface_str(scn, fh, fi, y, sizeof y),
                 scn->switches[l->a_sw >= 0 ? l->a_sw : l->b_sw].name);
    }
out:
    free(seg);
    free(first);
}

/* Whether interface ifc of host h is on a link or a TAP device. */
static bool
iface_attached(const struct scenario *scn, int h, int ifc)
{
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        if ((l->a == h && l->a_if == ifc) || (l->b == h && l->b_if == ifc))
            return true;
    }
    for (size_t i = 0; i < scn->n_taps; i++)
        if (scn->taps[i].host == h && scn->taps[i].ifc == ifc)
            return true;
    return false;
}

/* A route whose gateway is on no attached subnet: the gateway's subnet is
 * an interface that is on no link (nothing can answer its ARP there). */
static void
warn_gateways(struct parser *p)
{
    const struct scenario *scn = p->scn;
    char g[IPV4_ADDR_STRLEN];

    for (size_t j = 0; j < scn->n_steps; j++) {
        const struct scn_step *st = &scn->steps[j];
        if (st->kind != SCN_STEP_ROUTE_ADD || !st->route.has_gw || st->host < 0)
            continue;
        const struct scn_host *sh = &scn->hosts[st->host];
        int k = host_iface_on(sh, st->route.gw.addr);
        if (k < 0 || iface_attached(scn, st->host, k))
            continue;
        warn(p, st->file, st->line, st->col, "gateway %s is on the subnet of %s:eth%d, which is "
             "on no link, so no attached subnet holds it and nothing can answer for it",
             ipv4_addr_str(st->route.gw.addr, g), sh->name, k);
    }
}

/* Warnings, on a scenario without errors: sockets nothing uses after their
 * definition, and traffic between hosts no chain of links joins. */
void
find_warnings(struct parser *p)
{
    const struct scenario *scn = p->scn;
    int *up = calloc(scn->n_hosts + scn->n_switches + 1, sizeof *up);
    bool *warned = calloc(scn->n_hosts * scn->n_hosts + 1, sizeof *warned);
    unsigned file = 0;

    for (size_t i = 0; i < scn->n_socks; i++) {
        const struct scn_sock *sk = &scn->socks[i];
        bool used = false;
        for (size_t j = 0; j < scn->n_steps && !used; j++) {
            const struct scn_step *st = &scn->steps[j];
            bool defines = (st->kind == SCN_STEP_SOCKET && st->sock == (int)i) ||
                           (st->kind == SCN_STEP_ACCEPT && st->accept.new_sock == (int)i);
            if (defines) {
                file = st->file;
                continue;
            }
            used = st->sock == (int)i;
        }
        if (!used)
            warn(p, file, sk->line, sk->col, "socket '%s' on %s is never used after it is made",
                 sk->name, scn->hosts[sk->host].name);
    }
    if (up == NULL || warned == NULL)
        goto out;
    /* Nodes: hosts, then switches; a link joins its two ends. */
    for (size_t h = 0; h < scn->n_hosts + scn->n_switches; h++)
        up[h] = (int)h;
    for (size_t i = 0; i < scn->n_links; i++) {
        const struct scn_link *l = &scn->links[i];
        int na = l->a >= 0 ? l->a : (int)scn->n_hosts + l->a_sw;
        int nb = l->b >= 0 ? l->b : (int)scn->n_hosts + l->b_sw;
        up[uf_find(up, na)] = uf_find(up, nb);
    }
    for (size_t j = 0; j < scn->n_steps; j++) {
        const struct scn_step *st = &scn->steps[j];
        int peer = step_peer(scn, st);
        if (peer < 0 || st->host < 0 || peer == st->host)
            continue;
        if (uf_find(up, st->host) == uf_find(up, peer))
            continue;
        size_t a = (size_t)(st->host < peer ? st->host : peer);
        size_t b = (size_t)(st->host < peer ? peer : st->host);
        if (warned[a * scn->n_hosts + b])
            continue;
        warned[a * scn->n_hosts + b] = true;
        warn(p, st->file, st->line, st->col, "%s and %s have no path between them (no chain of "
             "links joins them), so this traffic cannot arrive", scn->hosts[st->host].name,
             scn->hosts[peer].name);
    }
out:
    free(up);
    free(warned);
    warn_subnets(p);
    warn_gateways(p);
}
