/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario_run.h - run a parsed scenario: build its world, then its steps.
 *
 * The runner is the "application" above the socket facade. It turns each step
 * into socket calls on a host; a call that would block lets simulated time run
 * (frames fly, timers fire) until the call can complete or its timeout passes,
 * which is how a blocking call looks from above. Every step is announced on
 * the trace bus (a NOTE at the App layer), so the event log knows where each
 * step begins, and every expect is judged against the stack's own state.
 *
 * The runner prints what a person following the lesson wants to see (steps,
 * results, narration, ping's output, expect verdicts) to `out`; the packet
 * trace goes to whatever sinks the caller attached to runner->sim.trace.
 */
#ifndef NETSTEP_SIM_SCENARIO_RUN_H
#define NETSTEP_SIM_SCENARIO_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario.h"
#include "sim/sim.h"

/* How long a blocking call waits when the step names no timeout. */
#define SCN_RUN_TIMEOUT_DEFAULT_NS (5ull * 1000 * 1000 * 1000)
/* `listen VAR` without a backlog: Linux's SOMAXCONN of old. */
#define SCN_RUN_BACKLOG_DEFAULT 128

/* The answer the stack gave to an `ask` (sim/scenario/ask.c). */
struct scn_ask_answer {
    bool answered;         /* false: the answer never came */
    char text[64];         /* the answer as the class would say it: "520276264",
                              "bob", "yes", a choice's text */
    unsigned choice;       /* the choice it is (1-based), 0 when not one of them */
    bool from_stack;       /* read from an event; false for a fixed answer */
    uint64_t event;        /* the event that gave it: its number on the trace bus
                              (1 = the first event of the run), 0 for a fixed one */
    uint64_t t_ns;         /* when that event happened */
    char event_text[TRACE_TEXT_LEN + 48];  /* "bob-alice wire #3 TCP ..." */
    char why[192];         /* not answered: why, as a phrase ("no frame answered
                              it before the script ended") */
};

struct scn_run_opts {
    bool seed_given;     /* --seed overrides the file's seed */
    uint64_t seed;       /* that seed */
    FILE *out;           /* where steps, results and verdicts go; NULL: nowhere */
    bool quiet;          /* only failed expects and errors */
    bool trace_shown;    /* a trace goes to the same output: steps and `say`
                            appear there as App notes, so print only results */
    /* `pause`: called with the pause's text (NULL if none) when a pause step
     * runs; NULL ignores pauses (headless). The view and `run --pause` wait
     * for the presenter here. */
    void (*on_pause)(void *ctx, const char *text);
    void *pause_ctx;     /* passed to on_pause */
    bool no_tap;         /* build the world but open no TAP device (`netstep
                            check`): a tap's interface stays unplugged */
    /* `ask`: on_ask is called when the question is asked (before anything it
     * asks about happens), on_answer when the stack has given the answer or
     * when it never will (answer->answered false). NULL: not told. */
    void (*on_ask)(void *ctx, const struct scn_step *st, size_t step_no);
    void (*on_answer)(void *ctx, const struct scn_step *st, size_t step_no,
                      const struct scn_ask_answer *answer);
    void *ask_ctx;       /* passed to both */
};

/* Questions asked one after another wait together, at most this many. */
#define SCN_ASK_WAIT_MAX 8

/* A question waiting for its answer. */
struct scn_ask_wait {
    const struct scn_step *st;   /* the ask, or NULL when none waits */
    size_t step_no;              /* 1-based */
    int phase;                   /* 0: waiting for the frame; 1: the frame is out,
                                    waiting for its fate; 2: decided */
    uint64_t pkt_id;             /* phase 1: the frame's packet */
    struct scn_ask_answer ans;   /* the answer so far */
};

/* A blocking call in progress: started by a step, finished when its socket
 * lets it (maybe while later steps run, for a background call) or when its
 * timeout passes. */
/* A SHA-256 digest being computed over bytes as they arrive [FIPS 180-4]. */
struct scn_sha256 {
    uint32_t h[8];      /* the hash value so far */
    uint8_t blk[64];    /* a block not yet full */
    size_t n;           /* bytes in blk */
    uint64_t total;     /* bytes hashed */
};

void scn_sha256_init(struct scn_sha256 *c);
void scn_sha256_update(struct scn_sha256 *c, const uint8_t *data, size_t len);
void scn_sha256_final(struct scn_sha256 *c, uint8_t out[32]);

struct scn_job {
    bool active;                 /* started and not finished */
    const struct scn_step *st;   /* the call */
    size_t step_no;              /* 1-based, for causes and messages */
    uint64_t deadline_ns;        /* when it gives up */
    bool background;             /* `&` or `at`: later steps run meanwhile */
    bool started;                /* connect, close: the first call was made */
    bool traced_pending;         /* its call line was traced as pending (`...`) */
    uint8_t *buf;                /* recv: bytes so far; send: the payload */
    size_t len;                  /* bytes in buf (send: payload length) */
    size_t cap;                  /* recv: allocated bytes of buf */
    size_t off;                  /* send: bytes taken so far */
    bool owned;                  /* buf is ours to free */
    unsigned events;             /* SOCK_POLL* bits it waits for */
    bool generated;              /* send of `bytes N`: made as it is sent, buf unused */
    bool streamed;               /* recv all whose bytes no expect needs: counted
                                    (and hashed if `hashed`), buf reused */
    bool hashed;                 /* streamed, and an `expect ... sha256` reads the
                                    digest: sha is kept up to date */
    uint64_t total;              /* recv all: bytes so far */
    uint64_t vcap;               /* streamed recv all: the buffer a kept one would
                                    have now (it offers the same sizes to recv) */
    struct scn_sha256 sha;       /* recv all: their digest so far */
    uint8_t head[64];            /* streamed recv all: the first bytes, for the
                                    result line (fmt_bytes shows 60) */
    size_t head_len;             /* bytes in head */
};

/* A statement `at TIME` scheduled when its line was reached. */
struct scn_at {
    struct scn_runner *r;        /* the runner (the callback's context) */
    const struct scn_step *st;   /* the statement */
    size_t step_no;              /* 1-based */
    bool ran;                    /* the time came */
};

/* The 4-tuple a closed TCP socket had, so `expect HOST VAR state` can find
 * the connection it left behind (FIN_WAIT_2, TIME_WAIT). */
struct scn_closed {
    bool known;      /* the socket was closed while it had a peer */
    uint32_t laddr;  /* local address */
    uint16_t lport;  /* local port */
    uint32_t faddr;  /* foreign address */
    uint16_t fport;  /* foreign port */
};

/* Frames seen on every wire that match one expect's filter. */
struct scn_count {
    const struct scn_filter *filter;  /* the expect's filter */
    uint64_t n;                       /* matches so far */
};

/* What a data variable holds now. */
struct scn_value {
    bool set;       /* written at least once */
    uint8_t *data;  /* bytes (malloc'd, one extra NUL), NULL when empty or
                       not kept */
    size_t len;     /* bytes received (in data, when kept) */
    bool hashed;    /* digest holds their SHA-256 (recv all computes it as
                       the bytes arrive) */
    uint8_t digest[32];
};

/* A connection an echo server accepted: what it read and has not yet
 * written back. */
struct scn_echo_conn {
    int fd;             /* the accepted socket, or -1 once closed */
    uint8_t buf[4096];  /* bytes read, not yet all sent back */
    size_t len;         /* bytes in buf */
    size_t off;         /* bytes of buf sent back so far */
};

/* A running `HOST: echo tcp|udp PORT`. */
struct scn_echo {
    const struct scn_step *st;   /* the statement */
    size_t step_no;              /* 1-based, for causes */
    int fd;                      /* the listening (tcp) or bound (udp) socket */
    struct scn_echo_conn *conns; /* tcp: the connections accepted so far */
    size_t n_conns;              /* entries of conns */
    uint64_t bytes;              /* bytes echoed so far (tcp and udp) */
};

struct scn_runner {
    struct sim sim;               /* the world */
    const struct scenario *scn;   /* the script (not owned) */
    struct scn_run_opts opts;     /* as given */
    uint64_t seed;                /* the seed in force */
    struct host **hosts;          /* hosts[i] is scn->hosts[i] in the world */
    struct link **links;          /* links[i] is scn->links[i] in the world */
    struct lan_switch **switches; /* switches[i] is scn->switches[i] */
    int *sock_fd;                 /* per socket variable: its fd, or -1 */
    int *sock_err;                /* per socket variable: the last call's error (ERR_*) */
    struct scn_value *values;     /* per data variable */
    size_t next_step;             /* index of the step to run next */
    unsigned expects_passed;      /* verdicts so far */
    unsigned expects_failed;
    struct scn_job *jobs;         /* per socket variable: its blocking call, if any */
    struct scn_at **ats;          /* `at` statements scheduled so far */
    size_t n_ats;                 /* entries of ats */
    size_t cap_ats;               /* allocated entries of ats */
    struct scn_count *counts;     /* per step: the packet count of an expect packets */
    struct trace_sink counter;    /* the sink that counts frames for expect packets */
    struct scn_closed *closed;    /* per socket variable: its 4-tuple after close */
    bool ended;                   /* scn_runner_finish() ran */
    struct scn_ask_wait asks[SCN_ASK_WAIT_MAX]; /* questions waiting, in the order asked */
    size_t n_asks;                /* entries of asks */
    bool ask_group;               /* the last step that did something was an ask: a
                                     new ask joins the waiting ones */
    bool ask_settle_pending;      /* a call is scheduled to read outcomes */
    const struct host *ask_tx_host; /* the host of the last Ethernet TX, */
    uint64_t ask_tx_pkt;          /* and its packet: who sent a wire frame */
    struct trace_sink ask_sink;   /* watches the bus for them (if the script asks) */
    bool ask_attached;            /* ask_sink is on the bus */
    unsigned asks_answered;       /* questions the stack answered */
    unsigned asks_unanswered;     /* questions whose answer never came (errors) */
    bool draining;                /* the script ended; the world runs on until every
                                     connection delivered what was sent: `at`
                                     statements and background calls wait */
    bool drained;                 /* that ran (once, after the last step) */
    struct scn_echo *echoes;      /* echo servers started so far */
    size_t n_echoes;              /* entries of echoes */
};

/* Does the frame f[0..len) (Ethernet first) match filt? With scn (may be
 * NULL), a `from`/`to` written as a host's name matches any of that host's
 * addresses (a router's eth1 as well as its eth0). */
bool scn_filter_match(const struct scenario *scn, const struct scn_filter *filt, const uint8_t *f,
                      size_t len);

/* Check what the parser cannot (error and counter names, features this build
 * lacks), then build the world; a `tap` puts its interface on its TAP device
 * (unless opts->no_tap), which makes the world real-time. On a problem (a
 * device that cannot be opened too), writes "FILE:LINE:COL: error: MESSAGE"
 * into err (if not NULL) and returns -1 with nothing built. */
int scn_runner_init(struct scn_runner *r, const struct scenario *scn,
                    const struct scn_run_opts *opts, char *err, size_t err_len);

/* `--tap HOST=DEV` on the command line: put HOST's eth0 on TAP device DEV
 * after scn_runner_init() built the world (a link on it goes down). Returns
 * 0, or -1 with a sentence for a person in err ("--tap bob=x: ..."). */
int scn_runner_attach_tap_arg(struct scn_runner *r, const char *arg, char *err, size_t err_len);

/* Run the next step. Returns false when there was none. */
bool scn_runner_step(struct scn_runner *r);

/* Run every remaining step, then scn_runner_finish(). The scenario ends with
 * its last step: frames still in flight then are not delivered (end a lesson
 * with `sleep` to see them arrive). */
void scn_runner_run(struct scn_runner *r);

/* After the last step: report background calls that never finished and
 * `at` statements whose time never came (an expect among them fails). */
void scn_runner_finish(struct scn_runner *r);

/* Step index (0-based) of the step that runs next, or n_steps at the end. */
size_t scn_runner_next(const struct scn_runner *r);

/* After the script, a world on a TAP device goes on: run every event due by
 * the wall clock and the frames the devices hold, then move background calls
 * along. Never blocks; does nothing in a simulated world (its clock moves
 * only when a step lets it). true if an event ran. */
bool scn_runner_poll(struct scn_runner *r);

/* When something is next due: an event, or a background call's timeout
 * (virtual ns; UINT64_MAX when nothing is). */
uint64_t scn_runner_next_due(const struct scn_runner *r);

/* One more statement, typed while the world runs (the view's command line):
 * parse text as the next line of scn, which r runs and whose every step has
 * run (scenario_parse_step: line numbers it in messages), check it as
 * scn_runner_init checks a file's steps, and run it as a step: a blocking
 * call lets time run until it completes or times out, as it would in a file.
 * Returns the new step's index, or -1 with diag holding the error (nothing
 * ran; scn is as it was). */
long scn_runner_live(struct scn_runner *r, struct scenario *scn, const char *text, unsigned line,
                     struct scn_diag *diag);

/* Free the world and the runner's tables. */
void scn_runner_destroy(struct scn_runner *r);

#endif
