/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline.c - the view's command line: editing, completion by context, and
 * saving a session as a scenario.
 *
 * Completion reads the words typed so far the way the parser will
 * (sim/scenario/): "HOST:" starts a host's call, whose next word is the
 * call and whose socket comes after it; `ping` and `traceroute` take a host
 * and a destination; `expect` a host or a data variable; and so on. It offers
 * only names the scenario defines at that moment, live ones included.
 * Called by: tui.c (keys), tui_live.c (save). Calls: scenario_print().
 */
#include "ui/cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cmdline_open(struct cmdline *cl)
{
    cl->active = true;
    cl->submitted = false;
    cl->text[0] = '\0';
    cl->len = 0;
    cl->msg[0] = '\0';
    cl->msg_error = false;
    cl->err_col = 0;
    cl->recalled = -1;
}

static void
set_text(struct cmdline *cl, const char *s)
{
    snprintf(cl->text, sizeof cl->text, "%s", s);
    cl->len = strlen(cl->text);
}

/* Keep a finished line for Up (the newest first, no repeats in a row). */
static void
remember(struct cmdline *cl)
{
    if (cl->n_history > 0 && strcmp(cl->history[0], cl->text) == 0)
        return;
    unsigned n = cl->n_history < CMDLINE_HISTORY ? cl->n_history + 1 : CMDLINE_HISTORY;
    memmove(cl->history[1], cl->history[0], (n - 1) * sizeof cl->history[0]);
    snprintf(cl->history[0], sizeof cl->history[0], "%s", cl->text);
    cl->n_history = n;
}

void
cmdline_key(struct cmdline *cl, const struct scenario *scn, int key)
{
    if (key != CMDLINE_KEY_TAB) {
        cl->msg[0] = '\0';
        cl->err_col = 0;
    }
    switch (key) {
    case CMDLINE_KEY_ENTER:
        if (cl->len == 0) {
            cl->active = false;
            return;
        }
        remember(cl);
        cl->submitted = true;
        return;
    case CMDLINE_KEY_ESC:
        cl->active = false;
        return;
    case CMDLINE_KEY_BACKSPACE:
        if (cl->len > 0)
            cl->text[--cl->len] = '\0';
        else
            cl->active = false;  /* as vi: backspace over the ':' leaves */
        return;
    case CMDLINE_KEY_KILL:
        cl->len = 0;
        cl->text[0] = '\0';
        return;
    case CMDLINE_KEY_TAB:
        cmdline_complete(cl, scn);
        return;
    case CMDLINE_KEY_UP:
        if (cl->recalled + 1 < (int)cl->n_history)
            set_text(cl, cl->history[++cl->recalled]);
        return;
    case CMDLINE_KEY_DOWN:
        if (cl->recalled > 0)
            set_text(cl, cl->history[--cl->recalled]);
        else {
            cl->recalled = -1;
            set_text(cl, "");
        }
        return;
    default:
        if (key >= 0x20 && key <= 0xff && key != 0x7f && cl->len + 1 < sizeof cl->text) {
            cl->text[cl->len++] = (char)key;
            cl->text[cl->len] = '\0';
        }
        return;
    }
}

/* ---- completion ---------------------------------------------------------- */

#define WORDS_MAX 64  /* an inject line has many */

/* The words before the one being typed (the last, perhaps empty). Returns
 * their count, or -1 when the end is inside a quoted text. */
static int
split_words(const char *text, char words[WORDS_MAX][CMDLINE_WORD_LEN], size_t *last_start)
{
    int n = 0;
    size_t i = 0, start = 0;
    bool quoted = false;
    for (;;) {
        while (text[i] == ' ' || text[i] == '\t')
            i++;
        start = i;
        if (text[i] == '\0')
            break;
        while (text[i] != '\0' && (quoted || (text[i] != ' ' && text[i] != '\t'))) {
            if (text[i] == '"' && (i == start || text[i - 1] != '\\'))
                quoted = !quoted;
            i++;
        }
        if (text[i] == '\0')
            break;  /* the last word, still being typed */
        if (n < WORDS_MAX)
            snprintf(words[n], CMDLINE_WORD_LEN, "%.*s", (int)(i - start), text + start);
        n++;
    }
    *last_start = start;
    return quoted ? -1 : n;
}

static void
offer(struct cmdline_cands *c, const char *prefix, const char *w, const char *suffix)
{
    char full[CMDLINE_WORD_LEN];
    snprintf(full, sizeof full, "%s%s", w, suffix);
    size_t pl = strlen(prefix);
    if (strncmp(full, prefix, pl) != 0 || c->n >= CMDLINE_CANDS_MAX)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->word[i], full) == 0)
            return;
    snprintf(c->word[c->n++], CMDLINE_WORD_LEN, "%s", full);
}

static void
offer_list(struct cmdline_cands *c, const char *prefix, const char *const *ws)
{
    for (size_t i = 0; ws[i] != NULL; i++)
        offer(c, prefix, ws[i], "");
}

static void
offer_hosts(struct cmdline_cands *c, const struct scenario *scn, const char *prefix,
            const char *suffix)
{
    for (size_t i = 0; i < scn->n_hosts; i++)
        offer(c, prefix, scn->hosts[i].name, suffix);
}

/* Sockets of host h, or of every host when h < 0. */
static void
offer_socks(struct cmdline_cands *c, const struct scenario *scn, int h, const char *prefix)
{
    for (size_t i = 0; i < scn->n_socks; i++)
        if (h < 0 || scn->socks[i].host == h)
            offer(c, prefix, scn->socks[i].name, "");
}

static void
offer_dvars(struct cmdline_cands *c, const struct scenario *scn, const char *prefix)
{
    for (size_t i = 0; i < scn->n_dvars; i++)
        offer(c, prefix, scn->dvars[i].name, "");
}

static bool
is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* The host a "NAME:" word names, or -1. */
static int
call_host(const struct scenario *scn, const char *w)
{
    size_t n = strlen(w);
    if (n < 2 || w[n - 1] != ':')
        return -1;
    char name[CMDLINE_WORD_LEN];
    snprintf(name, sizeof name, "%.*s", (int)(n - 1), w);
    return scenario_host_find(scn, name);
}

static const char *const statement_words[] = { "ping", "traceroute", "sleep", "say", "expect",
                                               "set", "drop", "delay", "duplicate", "corrupt",
                                               "wait", "link", "at", "inject", "replay", NULL };
static const char *const call_words[] = { "bind", "connect", "send", "sendto", "recv",
                                          "recvfrom", "close", "listen", "shutdown",
                                          "setsockopt", "wait", "route", "ip", NULL };
static const char *const filter_words[] = { "arp", "ip", "icmp", "udp", "tcp", "from", "to",
                                            "port", "flags", "len", NULL };

/* A host's call: w[0] is "HOST:", k words typed. */
static void
cands_call(const struct scenario *scn, int h, char w[][CMDLINE_WORD_LEN], int k,
           const char *prefix, struct cmdline_cands *c)
{
    static const char *const takes_sock[] = { "bind", "connect", "send", "sendto", "recv",
                                              "recvfrom", "close", "listen", "shutdown",
                                              "setsockopt", "wait", NULL };
    static const char *const shut[] = { "rd", "wr", "rdwr", NULL };
    static const char *const blocking_opts[] = { "timeout", "&", NULL };
    static const char *const recv_opts[] = { "timeout", "->", "&", NULL };
    if (k == 1) {
        offer_list(c, prefix, call_words);
        return;
    }
    bool sock_call = false;
    for (size_t i = 0; takes_sock[i] != NULL; i++)
        sock_call = sock_call || is(w[1], takes_sock[i]);
    if (k == 2) {
        if (sock_call)
            offer_socks(c, scn, h, prefix);
        else if (!is(w[1], "route") && !is(w[1], "ip"))
            offer(c, prefix, "=", "");
        return;
    }
    if (is(w[2], "=")) {
        if (k == 3) {
            offer(c, prefix, "socket", "");
            offer(c, prefix, "accept", "");
        } else if (k == 4 && is(w[3], "socket")) {
            static const char *const types[] = { "udp", "tcp", "icmp", NULL };
            offer_list(c, prefix, types);
        } else if (k == 4 && is(w[3], "accept")) {
            offer_socks(c, scn, h, prefix);
        } else if (k >= 5 && is(w[3], "accept")) {
            offer_list(c, prefix, blocking_opts);
        }
        return;
    }
    if (k == 3 && (is(w[1], "connect") || is(w[1], "sendto"))) {
        offer_hosts(c, scn, prefix, ":");
        c->space = false;
    } else if (k == 3 && is(w[1], "shutdown")) {
        offer_list(c, prefix, shut);
    } else if (k == 3 && is(w[1], "setsockopt")) {
        for (int o = 0; o < SCN_OPT_COUNT; o++)
            offer(c, prefix, scn_sockopt_name((enum scn_sockopt)o), "");
    } else if (k >= 4 && (is(w[1], "recv") || is(w[1], "recvfrom"))) {
        offer_list(c, prefix, recv_opts);
    } else if (k >= 4 && (is(w[1], "connect") || is(w[1], "send") || is(w[1], "sendto"))) {
        offer_list(c, prefix, blocking_opts);
    }
}

/* The ends a link statement names: hosts, then switches. */
static void
offer_ends(struct cmdline_cands *c, const struct scenario *scn, const char *prefix)
{
    offer_hosts(c, scn, prefix, "");
    for (size_t i = 0; i < scn->n_switches; i++)
        offer(c, prefix, scn->switches[i].name, "");
}

/* inject's layers, each with its fields and the layers that may follow it
 * (docs/scenario-language.md, "inject"). */
struct inject_layer {
    const char *word;                  /* "tcp" */
    const char *const *fields;         /* its field words */
    const char *const *next;           /* the words that may follow its fields */
};

static const char *const inj_eth_fields[] = { "src", "dst", "type", NULL };
static const char *const inj_arp_fields[] = { "request", "reply", "op", "sha", "spa", "tha",
                                              "tpa", "htype", "ptype", "hlen", "plen", NULL };
static const char *const inj_ipv4_fields[] = { "src", "dst", "ttl", "tos", "id", "df", "mf",
                                               "rf", "frag", "fragment", "proto", "len", "ihl",
                                               "version", "options", "csum", NULL };
static const char *const inj_icmp_fields[] = { "echo", "reply", "unreach", "exceeded", "type",
                                               "code", "id", "seq", "mtu", "rest", "csum",
                                               NULL };
static const char *const inj_udp_fields[] = { "sport", "dport", "len", "csum", NULL };
static const char *const inj_tcp_fields[] = { "sport", "dport", "flags", "seq", "ack", "win",
                                              "urg", "off", "reserved", "mss", "nop", "eol",
                                              "wscale", "sackok", "sack", "ts", "opt", "nopad",
                                              "csum", NULL };
static const char *const inj_after_eth[] = { "arp", "ipv4", NULL };
static const char *const inj_after_ipv4[] = { "icmp", "udp", "tcp", "bytes", "hex", NULL };
static const char *const inj_after_icmp[] = { "quote", NULL };
static const char *const inj_payload[] = { "bytes", "hex", NULL };
static const char *const inj_none[] = { NULL };

static const struct inject_layer inject_layers[] = {
    { "eth", inj_eth_fields, inj_after_eth },    { "arp", inj_arp_fields, inj_none },
    { "ipv4", inj_ipv4_fields, inj_after_ipv4 }, { "icmp", inj_icmp_fields, inj_after_icmp },
    { "udp", inj_udp_fields, inj_payload },      { "tcp", inj_tcp_fields, inj_payload },
};
#define N_INJECT_LAYERS (sizeof inject_layers / sizeof inject_layers[0])

/* What follows `inject`'s field word f (whose value is being typed), or
 * NULL when f takes no value (the next word is a field or a layer). */
static const char *const *
inject_values(const struct scenario *scn, const char *f, bool *hosts)
{
    static const char *const unreach[] = { "net", "host", "proto", "port", "needfrag", NULL };
    static const char *const exceeded[] = { "ttl", "reassembly", NULL };
    static const char *const csum[] = { "bad", "none", NULL };
    static const char *const proto[] = { "icmp", "udp", "tcp", NULL };
    static const char *const with_value[] = { "type", "op", "sha", "tha", "htype", "ptype",
                                              "hlen", "plen", "ttl", "tos", "id", "frag",
                                              "fragment", "len", "ihl", "version", "options",
                                              "code", "seq", "mtu", "rest", "sport", "dport",
                                              "flags", "ack", "win", "urg", "off", "reserved",
                                              "mss", "wscale", "sack", "ts", "opt", "bytes",
                                              "hex", NULL };
    (void)scn;
    *hosts = false;
    if (is(f, "src") || is(f, "dst") || is(f, "spa") || is(f, "tpa")) {
        *hosts = true;  /* an address is dotted or a host's name */
        return inj_none;
    }
    if (is(f, "unreach"))
        return unreach;
    if (is(f, "exceeded"))
        return exceeded;
    if (is(f, "csum"))
        return csum;
    if (is(f, "proto"))
        return proto;
    for (size_t i = 0; with_value[i] != NULL; i++)
        if (is(f, with_value[i]))
            return inj_none;
    return NULL;
}

/* `inject ...`: k words typed. */
static void
cands_inject(const struct scenario *scn, char w[][CMDLINE_WORD_LEN], int k, const char *prefix,
             struct cmdline_cands *c)
{
    if (k == 1) {
        offer(c, prefix, "on", "");
        offer(c, prefix, "into", "");
        return;
    }
    /* where the layers begin: after `on A B [to END]` or `into HOST` */
    int first;
    if (is(w[1], "into")) {
        if (k == 2) {
            offer_hosts(c, scn, prefix, "");
            return;
        }
        first = 3;
    } else if (is(w[1], "on")) {
        if (k <= 3) {
            offer_ends(c, scn, prefix);
            return;
        }
        if (k == 4) {
            offer(c, prefix, "to", "");
            offer_list(c, prefix, inj_after_eth);
            offer(c, prefix, "eth", "");
            return;
        }
        if (is(w[4], "to")) {
            if (k == 5) {
                offer_ends(c, scn, prefix);
                return;
            }
            first = 6;
        } else {
            first = 4;
        }
    } else {
        return;
    }
    if (k == first) {
        offer(c, prefix, "eth", "");
        offer_list(c, prefix, inj_after_eth);
        return;
    }
    /* the layer being written: the last layer word typed (a quote's
     * datagram is written with the same words, from `ipv4` on) */
    const struct inject_layer *layer = NULL;
    for (int i = first; i < k; i++) {
        if (is(w[i], "quote")) {
            layer = NULL;
            continue;
        }
        for (size_t j = 0; j < N_INJECT_LAYERS; j++)
            if (is(w[i], inject_layers[j].word) &&
                !(i > first && inject_values(scn, w[i - 1], &(bool){ false }) != NULL))
                layer = &inject_layers[j];
    }
    if (is(w[k - 1], "quote")) {
        offer(c, prefix, "whole", "");
        offer(c, prefix, "ipv4", "");
        return;
    }
    if (is(w[k - 1], "whole")) {
        offer(c, prefix, "ipv4", "");
        return;
    }
    bool hosts;
    const char *const *vals = inject_values(scn, w[k - 1], &hosts);
    if (vals != NULL && layer != NULL) {
        if (hosts)
            offer_hosts(c, scn, prefix, "");
        offer_list(c, prefix, vals);
        return;
    }
    if (layer == NULL)
        return;
    offer_list(c, prefix, layer->fields);
    offer_list(c, prefix, layer->next);
}

/* `replay FILE [on A B [to END]]`: k words typed. */
static void
cands_replay(const struct scenario *scn, char w[][CMDLINE_WORD_LEN], int k, const char *prefix,
             struct cmdline_cands *c)
{
    if (k == 2)
        offer(c, prefix, "on", "");
    else if ((k == 3 || k == 4) && is(w[2], "on"))
        offer_ends(c, scn, prefix);
    else if (k == 5 && is(w[2], "on"))
        offer(c, prefix, "to", "");
    else if (k == 6 && is(w[2], "on") && is(w[5], "to"))
        offer_ends(c, scn, prefix);
}

/* A statement that starts at w[0], k words typed before the one being
 * completed. */
static void
cands_statement(const struct scenario *scn, char w[][CMDLINE_WORD_LEN], int k,
                const char *prefix, struct cmdline_cands *c)
{
    if (k == 0) {
        offer_hosts(c, scn, prefix, ":");
        offer_list(c, prefix, statement_words);
        return;
    }
    int h = call_host(scn, w[0]);
    if (h >= 0) {
        cands_call(scn, h, w, k, prefix, c);
        return;
    }
    if (is(w[0], "at")) {
        if (k >= 2)
            cands_statement(scn, w + 2, k - 2, prefix, c);
        return;
    }
    if (is(w[0], "ping") || is(w[0], "traceroute")) {
        static const char *const ping_opts[] = { "count", "size", "interval", "timeout", "df",
                                                 "ttl", "->", NULL };
        static const char *const tr_opts[] = { "max-hops", "probes", "wait", NULL };
        if (k <= 2)
            offer_hosts(c, scn, prefix, "");
        else
            offer_list(c, prefix, is(w[0], "ping") ? ping_opts : tr_opts);
        return;
    }
    if (is(w[0], "expect")) {
        if (k == 1) {
            offer_hosts(c, scn, prefix, "");
            offer_dvars(c, scn, prefix);
            offer(c, prefix, "time", "");
            return;
        }
        int eh = scenario_host_find(scn, w[1]);
        if (eh >= 0 && k == 2) {
            static const char *const host_checks[] = { "counter", "arp", "route", NULL };
            offer_socks(c, scn, eh, prefix);
            offer_list(c, prefix, host_checks);
        } else if (eh >= 0 && k == 3) {
            static const char *const sock_checks[] = { "state", "error", "tcb", NULL };
            offer_list(c, prefix, sock_checks);
        }
        return;
    }
    if (is(w[0], "set")) {
        if (k == 1)
            offer_hosts(c, scn, prefix, "");
        else if (k == 2)
            for (int i = 0; i < SCN_SET_KEY_COUNT; i++)
                offer(c, prefix, scn_set_key_name((enum scn_set_key)i), "");
        return;
    }
    if (is(w[0], "wait")) {
        if (k == 1)
            offer_socks(c, scn, -1, prefix);
        return;
    }
    if (is(w[0], "link")) {
        if (k <= 2) {
            offer_hosts(c, scn, prefix, "");
            for (size_t i = 0; i < scn->n_switches; i++)
                offer(c, prefix, scn->switches[i].name, "");
        } else if (k == 3) {
            offer(c, prefix, "down", "");
            offer(c, prefix, "up", "");
        }
        return;
    }
    if (is(w[0], "inject")) {
        cands_inject(scn, w, k, prefix, c);
        return;
    }
    if (is(w[0], "replay")) {
        cands_replay(scn, w, k, prefix, c);
        return;
    }
    if (is(w[0], "drop") || is(w[0], "duplicate") || is(w[0], "corrupt") || is(w[0], "delay")) {
        if (k >= 2 && (is(w[k - 1], "from") || is(w[k - 1], "to")))
            offer_hosts(c, scn, prefix, "");
        else if (k >= 2)
            offer_list(c, prefix, filter_words);
        return;
    }
}

void
cmdline_candidates(const struct scenario *scn, const char *text, struct cmdline_cands *out)
{
    char words[WORDS_MAX][CMDLINE_WORD_LEN];
    memset(out, 0, sizeof *out);
    out->space = true;
    int k = split_words(text, words, &out->start);
    if (k < 0 || k > WORDS_MAX)
        return;
    cands_statement(scn, words, k, text + out->start, out);
}

void
cmdline_complete(struct cmdline *cl, const struct scenario *scn)
{
    struct cmdline_cands c;
    cmdline_candidates(scn, cl->text, &c);
    cl->msg_error = false;
    cl->err_col = 0;
    if (c.n == 0) {
        snprintf(cl->msg, sizeof cl->msg, "nothing to complete here");
        return;
    }
    /* what every candidate shares */
    size_t common = strlen(c.word[0]);
    for (size_t i = 1; i < c.n; i++) {
        size_t k = 0;
        while (k < common && c.word[i][k] == c.word[0][k])
            k++;
        common = k;
    }
    char line[CMDLINE_LEN];
    snprintf(line, sizeof line, "%.*s%.*s%s", (int)c.start, cl->text, (int)common, c.word[0],
             c.n == 1 && c.space ? " " : "");
    set_text(cl, line);
    cl->msg[0] = '\0';
    if (c.n == 1)
        return;
    size_t used = 0;
    for (size_t i = 0; i < c.n && used + 1 < sizeof cl->msg; i++) {
        int w = snprintf(cl->msg + used, sizeof cl->msg - used, "%s%s", i ? "  " : "",
                         c.word[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---- what a line asks for ------------------------------------------------ */

enum cmdline_cmd
cmdline_command(const char *text, const char **arg)
{
    while (*text == ' ')
        text++;
    *arg = "";
    if (strcmp(text, "q") == 0 || strncmp(text, "q ", 2) == 0)
        return CMDLINE_QUIT;
    if (strcmp(text, "w") == 0 || strncmp(text, "w ", 2) == 0) {
        const char *a = text + 1;
        while (*a == ' ')
            a++;
        *arg = a;
        return CMDLINE_WRITE;
    }
    return CMDLINE_STATEMENT;
}

void
cmdline_set_error(struct cmdline *cl, const struct scn_diag *diag)
{
    const char *m = diag->n_kept > 0 ? diag->errors[0].msg : "error: the statement did not run";
    const char *e = strstr(m, "error: ");
    snprintf(cl->msg, sizeof cl->msg, "%s", e != NULL ? e : m);
    cl->msg_error = true;
    cl->err_col = diag->n_kept > 0 ? diag->errors[0].col : 0;
}

/* ---- saving -------------------------------------------------------------- */

/* Whether the line at p (up to its newline) is a `seed` statement. */
static bool
is_seed_line(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return strncmp(p, "seed", 4) == 0 && (p[4] == ' ' || p[4] == '\t');
}

/* orig with its `seed` line saying the seed the view ran with (--seed), or
 * such a line first if it had none. */
static void
write_reseeded(FILE *f, const char *orig, uint64_t seed)
{
    char line[96];
    snprintf(line, sizeof line, "seed %llu   # the view ran with --seed %llu\n",
             (unsigned long long)seed, (unsigned long long)seed);
    bool found = false;
    const char *p = orig;
    while (!found && p != NULL) {
        found = is_seed_line(p);
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    if (!found)
        fputs(line, f);
    for (p = orig; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
        if (found && is_seed_line(p)) {
            fputs(line, f);
            found = false;  /* only the first */
        } else {
            fwrite(p, 1, len, f);
        }
        p += len;
    }
}

int
cmdline_save(const char *path, const char *orig, const struct scenario *scn, size_t first_live,
             bool seed_given, uint64_t seed, char *err, size_t err_len)
{
    if (path[0] == '\0') {
        snprintf(err, err_len, "':w' needs a file name, like ':w session.scn'");
        return -1;
    }
    size_t files = 0;
    for (size_t i = 0; i < scn->n_files; i++)
        files += strcmp(scn->files[i], SCN_LIVE_FILE) != 0;
    uint64_t file_seed = scn->has_seed ? scn->seed : 1;
    bool verbatim = orig != NULL && files == 1;
    bool reseed = seed_given && seed != file_seed;

    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, err_len, "%s: the name is too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    if (verbatim) {
        size_t n = strlen(orig);
        if (reseed)
            write_reseeded(f, orig, seed);
        else
            fputs(orig, f);
        if (n > 0 && orig[n - 1] != '\n')
            fputc('\n', f);
        if (first_live < scn->n_steps)
            fputs("\n# typed on the command line of netstep ui\n", f);
        for (size_t i = first_live; i < scn->n_steps; i++)
            fprintf(f, "%s\n", scn->steps[i].text);
    } else {
        /* One file that says everything: the includes inlined, the seed
         * the view ran with. */
        struct scenario whole = *scn;
        whole.has_seed = true;
        whole.seed = seed;
        scenario_print(&whole, f);
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, err_len, "%s: cannot write: %s", tmp, strerror(errno ? errno : EIO));
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, err_len, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}
