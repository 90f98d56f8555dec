/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/parse.h - what the scenario parser's files share (internal).
 *
 * The parser is cut the way the language is: the lexer (lex.c), parser state
 * and name lookups (parser.c), values (values.c), the world statements
 * (world.c), one file per family of steps (calls.c, ping.c, faults.c,
 * flow.c, narrate.c, expect.c), the statement table (stmt_table.c), whole
 * lines and warnings (statement.c), files and entry points (file.c), the
 * printer (print.c) and equality (equal.c). Nothing outside sim/scenario/
 * includes this header: the public API is sim/scenario.h.
 */
#ifndef NETSTEP_SIM_SCENARIO_PARSE_INTERNAL_H
#define NETSTEP_SIM_SCENARIO_PARSE_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>

#include "sim/scenario.h"

struct scn_runner;
struct scn_job;
struct host;

#define SHOW_MAX 40  /* bytes of a token quoted in a message */
#define EDIT_MAX 40  /* longest word edit_distance() compares */

/* The closest candidate seen so far for one misspelt word. */
struct suggest {
    const char *word;  /* what was written */
    const char *best;  /* closest candidate, or NULL */
    unsigned best_d;   /* its distance */
};

enum tok_kind {
    TOK_WORD,    /* a run of non-blank characters */
    TOK_STRING,  /* "a quoted text" */
};

struct tok {
    enum tok_kind kind;  /* word or quoted text */
    unsigned col;        /* 1-based column of its first byte */
    const char *raw;     /* its spelling in the line, quotes included */
    size_t raw_len;      /* bytes of raw */
    char *text;          /* word: the word; string: the decoded bytes; NUL-terminated */
    size_t len;          /* bytes of text without the NUL */
};

struct line {
    unsigned file;     /* index into scenario.files */
    unsigned lineno;   /* 1-based, in that file */
    const char *src;   /* the line, NUL-terminated, without its newline */
    struct tok *toks;  /* the tokens */
    size_t n_toks;     /* entries of toks */
    char *arena;       /* storage for every token's text */
    unsigned err_col;  /* a lexing error's column, 0 if none */
    char *err;         /* a lexing error's message, or NULL */
    size_t text_off;   /* the statement text: offset of the first token */
    size_t text_len;   /* ... up to the end of the last token */
};

struct parser {
    struct scenario *scn;       /* what is being built */
    struct scn_diag *diag;      /* where errors go (never NULL here) */
    const char *name;           /* file name for messages */
    struct line *lines;         /* every line, lexed */
    size_t n_lines;             /* entries of lines */
    size_t cur_line;            /* index of the line being parsed */
    unsigned title_line;        /* where title was set, 0 if not yet */
    unsigned title_col;         /* its column */
    unsigned seed_line;         /* where seed was set, 0 if not yet */
    unsigned seed_col;          /* its column */
    size_t cap_hosts;           /* allocated entries of scn->hosts */
    size_t cap_links;           /* ... scn->links */
    size_t cap_switches;        /* ... scn->switches */
    size_t cap_taps;            /* ... scn->taps */
    size_t cap_socks;           /* ... scn->socks */
    size_t cap_dvars;           /* ... scn->dvars */
    size_t cap_steps;           /* ... scn->steps */
    size_t cap_lines;           /* allocated entries of lines */
    size_t cap_files;           /* ... scn->files */
    char **bufs;                /* texts of included files (lines point into them) */
    size_t n_bufs;              /* entries of bufs */
    struct repeat_open *repeats;/* `repeat N {` blocks not closed yet, innermost last */
    size_t n_repeats;           /* entries of repeats */
    size_t cap_repeats;         /* allocated entries of repeats */
    struct bg_call *bgs;        /* (host, socket) pairs a background call named */
    size_t n_bgs;               /* entries of bgs */
    size_t cap_bgs;             /* allocated entries of bgs */
    bool in_at;                 /* parsing the statement after `at TIME` */
    const struct tok *call_amp; /* a call's trailing `&` while its row parses, or NULL */
    struct reported *reported;  /* unknown names already reported (said once only) */
    size_t n_reported;          /* entries of reported */
    size_t cap_reported;        /* allocated entries of reported */
};

/* An open `repeat N {`: the steps from first_step on are its body. A
 * counted one (`repeat N as i {`) is parsed again for each value of its
 * counter instead, `$i` in its lines standing for the value. */
struct repeat_open {
    uint64_t count;     /* N */
    size_t first_step;  /* index of the body's first step */
    unsigned file;      /* where `repeat` is */
    unsigned line;
    unsigned col;
    char counter[SCN_NAME_MAX + 1];  /* `as NAME`, or "" for a plain repeat */
    uint64_t value;     /* the counter's value in this pass, 1..count */
    size_t body_line;   /* index in parser.lines of the body's first line */
};

/* A socket a background call (`&`, or a call under `at`) runs on: what
 * `wait VAR` may join. */
struct bg_call {
    int host;  /* host index */
    int sock;  /* the socket variable the call is known by */
};

/* An unknown name that has had its error: a host ('h'), a socket of one
 * host ('s') or a data variable ('d'). Later uses fail without another
 * message, so one typo gives one error. */
struct reported {
    char kind;                     /* 'h', 's' or 'd' */
    int host;                      /* the socket's host, else -1 */
    char name[SCN_NAME_MAX + 1];   /* the name, cut to SCN_NAME_MAX bytes */
};

/* Walks the tokens of one line. */
struct cur {
    const struct line *ln;  /* the line */
    size_t i;               /* next token */
};

/* How a token looks in a message: 'word' or "text", shortened. */
struct shown {
    char s[SHOW_MAX + 8];  /* quotes, "..." and the NUL */
};

enum num_status {
    NUM_OK,        /* parsed */
    NUM_BAD,       /* not a number */
    NUM_RANGE,     /* too large for 64 bits */
    NUM_FRACTION,  /* finer than the unit can hold */
};

/* A unit and the power of ten it multiplies by. */
struct unit {
    const char *name;  /* as written */
    unsigned exp10;    /* value = number * 10^exp10 */
};

/* The tunables of `set`, in enum scn_set_key order, with the kind of value. */
enum set_value { SETV_DUR, SETV_COUNT, SETV_ON_OFF, SETV_DELACK, SETV_CC, SETV_U32 };

/* One tunable of `set` and the kind of value it takes. */
struct set_key_def {
    const char *name;      /* "tcp.msl" */
    enum set_value value;  /* how its value is written */
    uint64_t lo, hi;       /* SETV_COUNT: the range taken (0, 0: 0..1000000) */
};

extern const struct set_key_def set_keys[SCN_SET_KEY_COUNT];

/* lex.c */
bool is_digit(char ch);
bool is_lower(char ch);
bool is_upper(char ch);
char fold(char ch);
bool is_host_name(const char *s);
bool is_var_name(const char *s);
void suggest_init(struct suggest *sg, const char *word);
void suggest_try(struct suggest *sg, const char *cand);
void suggest_list(struct suggest *sg, const char *const *cands);
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_dup_n(const char *s, size_t n);
int lex_line(struct line *ln);
/* statement.c: the line with each `$COUNTER` of an enclosing counted repeat
 * replaced by its value; 0 (and *out untouched) when it names none. */
int subst_counters(struct parser *p, const struct line *ln, struct line *out);
int hex_value(char ch);

/* parser.c */
const struct tok *cur_peek(const struct cur *c);
const struct tok *cur_peek2(const struct cur *c);
const struct tok *cur_next(struct cur *c);
void diag_clear(struct scn_diag *d);
struct scn_error *diag_warn(struct scn_diag *d, const char *name, unsigned line, unsigned col,
                            const char *msg);
struct scn_error *diag_add(struct scn_diag *d, const char *name, unsigned line, unsigned col,
                           const char *msg);
unsigned cur_lineno(const struct parser *p);
int perr(struct parser *p, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning at column col of the current line (the scenario still runs). */
void pwarn(struct parser *p, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int perr_oom(struct parser *p);
struct shown show(const struct tok *t);
bool word_is(const struct tok *t, const char *w);
int expect_end(struct parser *p, struct cur *c);
void *reserve(void *arr, size_t n, size_t *cap, size_t el);
int sock_find(const struct scenario *scn, int host, const char *name);
int dvar_find(const struct scenario *scn, const char *name);
const struct tok *host_defined_later(const struct parser *p, const char *name, unsigned *line);
int err_unknown_host(struct parser *p, const char *s, size_t n, unsigned col);
int check_name(struct parser *p, const struct tok *t, bool host);
int get_host(struct parser *p, const struct tok *t, int *out);
int get_sock(struct parser *p, const struct tok *t, int h, int *out);
int def_dvar(struct parser *p, const struct tok *arrow, const struct tok *t,
             enum scn_dvar_kind kind,
             int *out);
void diag_set_src(struct scn_error *e, const char *src);
const char *line_src(const struct parser *p, unsigned file, unsigned lineno);
bool name_reported(struct parser *p, char kind, int host, const char *s, size_t n);

/* values.c */
enum num_status parse_u64(const char *s, size_t n, uint64_t *out);
extern const struct unit time_units[];
int get_dur(struct parser *p, const struct tok *t, uint64_t *out);
int get_rate(struct parser *p, const struct tok *t, uint64_t *out);
int get_pct(struct parser *p, const struct tok *t, uint32_t *out);
int get_uint(struct parser *p, const struct tok *t, const char *what, uint64_t lo, uint64_t hi,
             const char *why, uint64_t *out);
int get_port(struct parser *p, const char *s, size_t n, unsigned col, uint16_t *out);
int get_addr(struct parser *p, const char *s, size_t n, unsigned col, struct scn_addr *out);
int get_endpoint(struct parser *p, const struct tok *t, bool bare_port_ok,
                 struct scn_endpoint *out);
int get_text(struct parser *p, const struct tok *t, const char *after, char **out);
int get_payload(struct parser *p, struct cur *c, struct scn_payload *out);
bool is_app_payload_word(const struct tok *t);
int get_app_payload(struct parser *p, struct cur *c, const struct tok *kw, struct scn_payload *out);

/* world.c */
int parse_title(struct parser *p, struct cur *c, const struct tok *kw);
int parse_about(struct parser *p, struct cur *c, const struct tok *kw);
int parse_seed(struct parser *p, struct cur *c, const struct tok *kw);
int parse_host(struct parser *p, struct cur *c, const struct tok *kw);
int parse_switch(struct parser *p, struct cur *c, const struct tok *kw);
int host_iface_on(const struct scn_host *h, uint32_t addr);
int parse_link(struct parser *p, struct cur *c, const struct tok *kw);
int parse_tap_statement(struct parser *p, struct cur *c, const struct tok *kw);
int get_link_end(struct parser *p, const struct tok *t, int *host, int *ifc, int *sw);

/* steps.c */
void step_clear(struct scn_step *st);
int step_copy(struct scn_step *dst, const struct scn_step *src);
void step_init(struct scn_step *st, enum scn_step_kind kind);
bool step_is_call(enum scn_step_kind k);
bool step_blocks(enum scn_step_kind k);
int step_job_sock(const struct scn_step *st);
int bg_add(struct parser *p, int host, int sock);
int parse_call_options(struct parser *p, struct cur *c, const struct tok *call,
                       struct scn_step *st);
void payload_free(struct scn_payload *pl);
bool payload_copy(struct scn_payload *dst, const struct scn_payload *src);

/* calls.c */
int get_on_off(struct parser *p, const struct tok *t, const char *what, int64_t *out);
extern const char *const cc_names[];
int get_cc(struct parser *p, const struct tok *t, int64_t *out);
extern const char *const sockopt_names[];
int parse_wait_var(struct parser *p, const struct tok *t, int h, struct scn_step *st);
int parse_call(struct parser *p, struct cur *c, const struct tok *tp, struct scn_step *st);
bool sock_type_is_stream(enum scn_sock_type t);
int parse_call_bind(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_connect(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_send(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_sendto(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_recv(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_close(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_listen(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_shutdown(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_setsockopt(struct parser *p, struct cur *c, const struct tok *kw,
                          struct scn_step *st);
int parse_call_wait(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_call_route(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void init_bind(struct scn_step *st);
void init_connect(struct scn_step *st);
void init_send(struct scn_step *st);
void init_accept(struct scn_step *st);
void print_socket(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_bind(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_connect(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_send(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_sendto(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_recv(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_close(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_listen(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_accept(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_shutdown(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_setsockopt(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_wait(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_route_add(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_route_show(FILE *out, const struct scenario *scn, const struct scn_step *st);
/* route6.c: IPv6 routes (`route add 2001:db8:2::/64 via ...`, `ip -6 route`) */
bool route6_tok_is_v6(const struct tok *t);
bool tok_is_minus6(const struct tok *t);
int parse_route6_add(struct parser *p, struct cur *c, const struct tok *td, int h,
                     struct scn_step *st);
void print_route6_add(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_route6_add(const struct scn_step *a, const struct scn_step *b);
bool eq_socket(const struct scn_step *a, const struct scn_step *b);
bool eq_bind(const struct scn_step *a, const struct scn_step *b);
bool eq_connect(const struct scn_step *a, const struct scn_step *b);
bool eq_send(const struct scn_step *a, const struct scn_step *b);
bool eq_recv(const struct scn_step *a, const struct scn_step *b);
bool eq_listen(const struct scn_step *a, const struct scn_step *b);
bool eq_accept(const struct scn_step *a, const struct scn_step *b);
bool eq_shutdown(const struct scn_step *a, const struct scn_step *b);
bool eq_setsockopt(const struct scn_step *a, const struct scn_step *b);
bool eq_route_add(const struct scn_step *a, const struct scn_step *b);
int copy_send(struct scn_step *dst, const struct scn_step *src);
void clear_send(struct scn_step *st);
const struct scn_addr *peer_connect(const struct scn_step *st);
const struct scn_addr *peer_sendto(const struct scn_step *st);

/* ping.c */
int parse_ping(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_traceroute(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void init_ping(struct scn_step *st);
void print_ping(FILE *out, const struct scenario *scn, const struct scn_step *st);
void print_traceroute(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_ping(const struct scn_step *a, const struct scn_step *b);
bool eq_traceroute(const struct scn_step *a, const struct scn_step *b);
const struct scn_addr *peer_ping(const struct scn_step *st);
const struct scn_addr *peer_traceroute(const struct scn_step *st);

/* faults.c */
int parse_link_state(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_drop(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void init_drop(struct scn_step *st);
void print_drop(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_drop(const struct scn_step *a, const struct scn_step *b);
int parse_link_statement(struct parser *p, struct cur *c, const struct tok *kw,
                         struct scn_step *st);
void print_link_state(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_link_state(const struct scn_step *a, const struct scn_step *b);

/* flow.c */
int parse_sleep(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_pause(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_wait(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_repeat(struct parser *p, struct cur *c, const struct tok *kw);
int parse_repeat_end(struct parser *p, struct cur *c, const struct tok *kw);
int check_not_in_repeat(struct parser *p, const struct tok *kw);
int parse_at(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_sleep(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_sleep(const struct scn_step *a, const struct scn_step *b);
void print_pause(FILE *out, const struct scenario *scn, const struct scn_step *st);

/* narrate.c */
int parse_say(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
int parse_set(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_say(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_say(const struct scn_step *a, const struct scn_step *b);
int copy_say(struct scn_step *dst, const struct scn_step *src);
void clear_say(struct scn_step *st);
void print_set(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_set(const struct scn_step *a, const struct scn_step *b);

/* expect.c */
extern const char *const cmp_names[];
extern const char *const proto_names[];
int parse_filter(struct parser *p, struct cur *c, struct scn_filter *f);
int parse_expect(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_expect(FILE *out, const struct scenario *scn, const struct scn_step *st);
void init_expect(struct scn_step *st);
int copy_expect(struct scn_step *dst, const struct scn_step *src);
void clear_expect(struct scn_step *st);
bool eq_expect(const struct scn_step *a, const struct scn_step *b);

/* expect_bytes.c */
bool expect_bytes_claims(const struct line *ln, size_t i);
int parse_expect_bytes(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_expect_bytes(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_expect_bytes(const struct scn_step *a, const struct scn_step *b);
int copy_expect_bytes(struct scn_step *dst, const struct scn_step *src);
void clear_expect_bytes(struct scn_step *st);
void init_expect_bytes(struct scn_step *st);
void run_expect_bytes_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                           bool scheduled);

/* ask.c */
int parse_ask(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void init_ask(struct scn_step *st);
void print_ask(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_ask(const struct scn_step *a, const struct scn_step *b);
int copy_ask(struct scn_step *dst, const struct scn_step *src);
void clear_ask(struct scn_step *st);
void run_ask_step(struct scn_runner *r, const struct scn_step *st, size_t step_no, bool scheduled);
bool ask_frame_field(const uint8_t *b, size_t len, const char *field, char *out, size_t n);

/* statement.c */
int parse_statement(struct parser *p, struct cur *c, struct scn_step *st);
void parse_line(struct parser *p, const struct line *ln);
void check_repeats_closed(struct parser *p);
void find_warnings(struct parser *p);

/* print.c */
void print_cstr(FILE *out, const char *s);
void print_dur(FILE *out, uint64_t ns);
void print_addr(FILE *out, const struct scenario *scn, const struct scn_addr *a);
void print_endpoint(FILE *out, const struct scenario *scn, const struct scn_endpoint *ep);
void print_payload(FILE *out, const struct scenario *scn, const struct scn_payload *pl);
void print_filter(FILE *out, const struct scenario *scn, const struct scn_filter *f);
void print_link_end(FILE *out, const struct scenario *scn, int h, int ifc, int sw);

/* equal.c */
bool str_eq(const char *a, const char *b);
bool addr_eq(const struct scn_addr *a, const struct scn_addr *b);
bool endpoint_eq(const struct scn_endpoint *a, const struct scn_endpoint *b);
bool payload_eq(const struct scn_payload *a, const struct scn_payload *b);
bool filter_eq(const struct scn_filter *a, const struct scn_filter *b);
bool expect_eq(const struct scn_expect *a, const struct scn_expect *b);

/* ---------------------------------------------------------------------------
 * The statement table (stmt_table.c): one row per statement word
 * ------------------------------------------------------------------------- */

/* Where a statement may stand and how it is written. */
enum stmt_where {
    STMT_WORLD = 1u << 0,   /* describes the world: not inside a repeat */
    STMT_STEP = 1u << 1,    /* a step: parse fills the step it is given */
    STMT_AT = 1u << 2,      /* may follow `at TIME` */
    STMT_CALL = 1u << 3,    /* written `HOST: WORD ...` */
    STMT_ASSIGN = 1u << 4,  /* written `HOST: VAR = WORD ...` */
    STMT_BLOCKS = 1u << 5,  /* a call that can block: takes `timeout DUR` and `&` */
    STMT_JOINS = 1u << 6,   /* joins a background call (wait) */
    STMT_CHECKS = 1u << 7,  /* a check: counts as an expect (one that never ran fails) */
};

/* Parse what follows the statement's word kw. Returns -1 on a mistake (one
 * error reported), 0 when no step was made, 1 when st was filled (a row
 * with STMT_STEP may return 0 for that). */
typedef int (*stmt_parse_fn)(struct parser *p, struct cur *c, const struct tok *kw,
                             struct scn_step *st);

/* One statement. A kind has one row that owns its step functions (init
 * through job); further rows for the same kind (another spelling, or the
 * same statement in another place) leave them NULL. */
struct stmt_def {
    const char *word;       /* the first word; for a call, the word after `HOST:` */
    /* Rows that share a word: whether this one takes the line whose word is
     * ln->toks[i] (it sees the words after it); NULL takes every line. The
     * first row that takes it wins, so such a row stands before the row it
     * narrows, with the same `where`. */
    bool (*claims)(const struct line *ln, size_t i);
    int kind;               /* enum scn_step_kind, or -1 for no step */
    unsigned where;         /* enum stmt_where bits */
    unsigned n_args;        /* calls: words it needs after the call word */
    const char *needs;      /* calls: the message when they are missing */
    const char *not_live;   /* why a live `:` line cannot be this, or NULL */
    stmt_parse_fn parse;    /* NULL: handled before parsing (include) */
    void (*init)(struct scn_step *st);  /* defaults beyond step_init()'s */
    void (*print)(FILE *out, const struct scenario *scn, const struct scn_step *st);
    bool (*eq)(const struct scn_step *a, const struct scn_step *b);   /* NULL: equal */
    int (*copy)(struct scn_step *dst, const struct scn_step *src);    /* what it owns */
    void (*clear)(struct scn_step *st);                               /* frees that */
    const struct scn_addr *(*peer)(const struct scn_step *st);  /* where it sends */
    void (*run)(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                bool scheduled);
    int (*call)(struct scn_runner *r, const struct scn_step *st, size_t step_no, char *res,
                size_t res_len);    /* a call that never blocks: its result */
    bool (*job)(struct scn_runner *r, struct scn_job *j, struct host *h, int fd, int *rc,
                char *res, size_t res_len);  /* one try of a blocking call */
    const char *help;       /* one line for `netstep check` and the docs */
};

extern const struct stmt_def stmt_table[];
extern const size_t stmt_table_len;

/* The row of a statement word (not a call), or NULL; of the rows sharing
 * the word, the first. */
const struct stmt_def *stmt_find(const struct tok *t);
/* The row of the statement whose word is ln->toks[i], asking the rows that
 * share the word which takes the line; or NULL. */
const struct stmt_def *stmt_find_at(const struct line *ln, size_t i);
/* The row of a call word after `HOST:` (flags STMT_CALL), or NULL. */
const struct stmt_def *stmt_find_call(const struct tok *t);
/* The row that owns the step functions of kind k. */
const struct stmt_def *stmt_of_kind(enum scn_step_kind k);

/* echo.c: HOST: echo tcp|udp PORT */
int parse_call_echo(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_echo(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_echo(const struct scn_step *a, const struct scn_step *b);

/* inject.c: inject on A B [to END] LAYERS | inject into HOST LAYERS */
int link_by_trace_name(const struct scenario *scn, const struct tok *t);
/* After `on`: the link as its two ends (either order) or as the trace
 * names it ("alice-bob"), then an optional `to END`: *link, and *to_a
 * whether the frames go toward its a end (toward the second end written,
 * or b, without `to`). `example` ends the message when the ends are
 * missing. -1 after an error. Shared by inject and replay. */
int parse_link_on(struct parser *p, struct cur *c, const struct tok *on, const char *example,
                  int *link, bool *to_a);
int parse_inject(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_inject(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_inject(const struct scn_step *a, const struct scn_step *b);
int copy_inject(struct scn_step *dst, const struct scn_step *src);
void clear_inject(struct scn_step *st);
void run_inject_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                     bool scheduled);

/* replay.c: replay FILE [on A B [to END]] */
int parse_replay(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_replay(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_replay(const struct scn_step *a, const struct scn_step *b);
int copy_replay(struct scn_step *dst, const struct scn_step *src);
void clear_replay(struct scn_step *st);
void run_replay_step(struct scn_runner *r, const struct scn_step *st, size_t step_no,
                     bool scheduled);

/* advertise.c: `advertise ROUTER ethN PREFIX/LEN [OPTIONS]` [RFC 4861 6.2]. */
int parse_advertise(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void init_advertise(struct scn_step *st);
void print_advertise(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_advertise(const struct scn_step *a, const struct scn_step *b);
/* advertise.c: `address HOST ethN ADDR6/LEN` (an IPv6 address, now). */
int parse_address(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st);
void print_address(FILE *out, const struct scenario *scn, const struct scn_step *st);
bool eq_address(const struct scn_step *a, const struct scn_step *b);

#endif
