/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd.h - packetdrill scripts: the script model, the parser and the runner.
 *
 * A packetdrill script (docs/packetdrill.md) makes socket calls on a local
 * TCP stack, injects segments from a scripted peer (`<` lines) and states
 * what the stack must send and when (`>` lines). netstep reads the language
 * as the FreeBSD tcp-testsuite and Google's suite use it: pd_parse.c turns
 * the text into a struct pd_script; pd_run.c plays it against a netstep host
 * in a simulated world (the peer is the script), deterministically.
 */
#ifndef NETSTEP_SIM_PACKETDRILL_PD_H
#define NETSTEP_SIM_PACKETDRILL_PD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PD_MSG_LEN 1024
#define PD_MAX_OPTS 16
#define PD_MAX_ARGS 8
#define PD_MAX_DEFINES 8

/* When an event happens. Times are microseconds from the script's start,
 * as packetdrill keeps them. */
enum pd_time_kind {
    PD_TIME_ABSOLUTE,        /* 0.100 */
    PD_TIME_RELATIVE,        /* +0.100: after the previous event */
    PD_TIME_ANY,             /* *: whenever it happens */
    PD_TIME_ABSOLUTE_RANGE,  /* 0.1~0.2 */
    PD_TIME_RELATIVE_RANGE,  /* +0.1~+0.2 */
};

struct pd_time {
    enum pd_time_kind kind;  /* how the script wrote it */
    int64_t start_us;        /* as written (relative ones are offsets) */
    int64_t end_us;          /* ranges: the end; else start_us */
    bool has_block_end;      /* a blocking call's `T1...T2`: it returns at T2 */
    int64_t block_end_us;    /* T2, as written */
    bool block_end_relative; /* ...+T2 */
};

/* One TCP option as the script lists it (order and padding kept). */
enum pd_opt_kind {
    PD_OPT_EOL,
    PD_OPT_NOP,
    PD_OPT_MSS,
    PD_OPT_WSCALE,
    PD_OPT_SACKOK,
    PD_OPT_SACK,
    PD_OPT_TS,
    PD_OPT_MD5,       /* md5 ... (TCP-MD5, RFC 2385): not modelled */
    PD_OPT_FASTOPEN,  /* FO ...: not modelled */
};

struct pd_opt {
    enum pd_opt_kind kind;  /* which option */
    uint32_t val;           /* MSS, shift, TS val */
    uint32_t ecr;           /* TS ecr */
    uint8_t n_blocks;       /* SACK: blocks */
    uint32_t left[4];       /* SACK: block starts (script numbers) */
    uint32_t right[4];      /* SACK: block ends */
};

/* A TCP segment line: `< S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,eol,eol>`. */
struct pd_segment {
    bool has_ports;         /* `SPORT > DPORT` given: the connection it belongs to */
    uint16_t sport;         /* the source port as written */
    uint16_t dport;         /* the destination port */
    uint8_t flags;          /* wire/tcp.h TCP_* bits */
    uint32_t seq;           /* start, script numbers (relative to the ISN) */
    uint32_t seq_end;       /* end as written */
    uint32_t len;           /* (len) */
    bool seq_any;           /* `...(len)`: any sequence number */
    bool has_ack;           /* `ack N` given */
    uint32_t ack;           /* script number */
    bool has_win;           /* `win N` given; else not checked / 65535 sent */
    uint32_t win;           /* the raw 16-bit window */
    bool has_ttl;           /* (ttl N) given */
    uint8_t ttl;            /* the IP TTL */
    bool has_tos;           /* (tos 0xNN) given */
    uint8_t tos;            /* the IP TOS byte */
    bool has_opts;          /* an option list <...> is present */
    bool opts_any;          /* <...>: any options */
    unsigned n_opts;        /* entries of opts */
    struct pd_opt opts[PD_MAX_OPTS];  /* the list, in order */
};

/* ICMP types and codes by the names packetdrill gives them. */
struct pd_icmp {
    uint8_t type;           /* 3 unreachable, 11 time exceeded, ... */
    uint8_t code;           /* code */
    uint16_t mtu;           /* frag_needed's next-hop MTU */
    uint32_t quoted_seq;    /* [seq:end(len)] of the quoted TCP segment */
    uint32_t quoted_len;    /* its length */
};

/* A system call argument or result, as far as the suites use them. */
enum pd_expr_kind {
    PD_EXPR_ELLIPSIS,  /* ... */
    PD_EXPR_INT,       /* 42, -1, 0x02 */
    PD_EXPR_WORD,      /* SOCK_STREAM, O_NONBLOCK, ECONNRESET */
    PD_EXPR_OR,        /* O_RDWR | O_NONBLOCK: value holds the OR of the words */
    PD_EXPR_LIST,      /* [65536]: one element, kept in value / word */
    PD_EXPR_STRUCT,    /* {...}: kept as text only */
    PD_EXPR_STRING,    /* "..." */
};

/* One struct pollfd of poll()'s list: {fd=3, events=POLLIN, revents=0}. */
struct pd_pollfd {
    int fd;                  /* fd */
    uint32_t events;         /* what to wait for (POLLIN 1, POLLOUT 4) */
    uint32_t revents;        /* what the script expects back */
};

#define PD_MAX_POLLFDS 4

struct pd_expr {
    enum pd_expr_kind kind;  /* what it is */
    int64_t value;           /* INT; OR: the OR; LIST: the element's value */
    bool value_known;        /* WORD/LIST of a word: the word is a known name */
    char word[48];           /* WORD (or the LIST's word), "" otherwise */
    bool list_ellipsis;      /* LIST of `...` */
    bool is_pollfd;          /* STRUCT with fd=, events=, revents= */
    struct pd_pollfd pollfd; /* that struct */
    unsigned n_pollfds;      /* LIST of pollfd structs: how many */
    struct pd_pollfd pollfds[PD_MAX_POLLFDS];  /* them */
};

struct pd_syscall {
    char name[24];                    /* "connect" */
    unsigned n_args;                  /* entries of args */
    struct pd_expr args[PD_MAX_ARGS]; /* as written */
    int64_t result;                   /* expected return value */
    char errno_name[24];              /* "EINPROGRESS" for `= -1 EINPROGRESS (...)`, "" if none */
};

enum pd_event_kind {
    PD_EV_PACKET_IN,   /* < TCP */
    PD_EV_PACKET_OUT,  /* > TCP */
    PD_EV_ICMP_IN,     /* < icmp ... */
    PD_EV_ICMP_OUT,    /* > icmp ... */
    PD_EV_SYSCALL,     /* socket(...) = 3 */
    PD_EV_SHELL,       /* `sysctl -w ...` */
};

struct pd_event {
    enum pd_event_kind kind;  /* which */
    unsigned line;            /* where, 1-based */
    struct pd_time time;      /* when */
    struct pd_segment seg;    /* PACKET_* */
    struct pd_icmp icmp;      /* ICMP_* */
    struct pd_syscall call;   /* SYSCALL */
    char *shell;              /* SHELL: the command (malloc'd) */
    char unsupported[96];     /* a feature netstep lacks this line uses, "" if none */
};

struct pd_script {
    char *path;                 /* as given (malloc'd) */
    struct pd_event *events;    /* in order */
    size_t n_events;            /* used */
    size_t cap_events;          /* allocated */
    int64_t tolerance_us;       /* --tolerance_usecs, default 4000 */
    bool ipv6;                  /* --ip_version=ipv6 (or ipv4-mapped-ipv6) */
    unsigned mtu;               /* --mtu: the local interface's MTU, 0: default 1500 */
    char unsupported[160];      /* why the whole script cannot run here, "" if it can */
};

/* Who watches a run line by line (the view: ui/pd_view.c). */
struct pd_observer {
    void *ctx;                             /* the watcher's own */
    void (*line)(void *ctx, size_t event); /* sc->events[event] is about to run */
    /* What script line `line` did, in words ("netstep sent S. 0:0(0) ...",
     * "MISMATCH: ..."); may be NULL. */
    void (*note)(void *ctx, unsigned line, const char *text);
};

/* What the runner is told besides the script. */
struct pd_options {
    const char *personality;        /* "netstep" (NULL), "freebsd", "linux" */
    int64_t tolerance_us;           /* >= 0: overrides the script's --tolerance_usecs */
    const char *defines[PD_MAX_DEFINES];  /* names #ifdef takes as defined */
    unsigned n_defines;             /* entries */
    uint64_t seed;                  /* the world's seed */
    bool verbose;                   /* print every event as it runs */
    bool trace;                     /* print netstep's trace of the run */
    bool narrate;                   /* put each line's outcome on the trace bus
                                       as a NOTE ("line 14: netstep sent ...") */
    const struct pd_observer *observer;  /* told each line as it starts, or NULL */
    uint32_t step_of_event;         /* 0: a call's cause names its script line ("step
                                       LINE"); else the step of event i is
                                       i + step_of_event (the view's numbering) */
};

/* The verdicts, and the exit status each gives `netstep packetdrill`. */
enum pd_verdict {
    PD_PASS = 0,      /* every line held */
    PD_FAIL = 1,      /* a line did not: the message says which and why */
    PD_ERROR = 2,     /* the script could not be read or parsed */
    PD_SKIP = 77,     /* the script needs a feature netstep lacks (ECN, ...) */
};

/* Read and parse the script at path (#ifdef NAME blocks taken when NAME is
 * in defines). NULL with msg "FILE:LINE:COL: error: ..." on a bad script. */
struct pd_script *pd_script_load(const char *path, const char *const *defines,
                                 unsigned n_defines, char *msg, size_t msg_len);
/* Parse text (named path in messages). */
struct pd_script *pd_script_parse(const char *path, const char *text, const char *const *defines,
                                  unsigned n_defines, char *msg, size_t msg_len);
void pd_script_free(struct pd_script *sc);

/* Personalities and sysctls (pd_personality.c). */
struct host;
/* Defaults the runner gives each socket the script opens (0: the stack's). */
struct pd_sockdefaults {
    uint32_t rcvbuf;  /* SO_RCVBUF */
    uint32_t sndbuf;  /* SO_SNDBUF */
};
bool pd_personality_known(const char *name);
/* "netstep, freebsd, linux" */
const char *pd_personality_names(void);
/* Apply personality name (NULL: netstep) to h: -1 if unknown. */
int pd_personality_apply(const char *name, struct host *h, struct pd_sockdefaults *sd);
/* "tcp.rto_min 30ms, ..., rcvbuf 65536, sndbuf 32768": -1 if unknown. */
int pd_personality_describe(const char *name, char *buf, size_t n);
/* A shell line: 1 when it was applied to h or sd (or netstep already
 * behaves as it asks), 0 when not modelled, with the reason in why. */
int pd_shell_apply(const char *cmd, struct host *h, struct pd_sockdefaults *sd, char *why,
                   size_t n);

/* The outcome of one run. */
struct pd_result {
    enum pd_verdict verdict;  /* PASS, FAIL or SKIP */
    char msg[PD_MSG_LEN];     /* FAIL: packetdrill's kind of message; SKIP: the reason */
    char notes[PD_MSG_LEN];   /* what was not modelled (shell lines), "" if nothing */
    unsigned not_modelled;    /* shell lines that had no netstep counterpart */
};

/* Play sc against a netstep host. Lines of the run (verbose, trace) go to
 * out. Deterministic: the same script, options and seed give the same
 * result and the same output. */
void pd_run(const struct pd_script *sc, const struct pd_options *o, FILE *out,
            struct pd_result *res);
/* The same in a world the caller built (the view's), on host h, whose first
 * interface (192.0.2.2/24, no link) becomes the script's: the world is left
 * as the run left it, for the caller to show. */
struct sim;
void pd_run_in(const struct pd_script *sc, const struct pd_options *o, FILE *out,
               struct pd_result *res, struct sim *s, struct host *h);
/* A NOTE from the script (no host) on s's trace bus, at the App layer. */
void pd_note(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
