/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim/scenario/stmt_table.c - the statement table: every statement of the
 * language in one row.
 *
 * A row says how a statement is written (its word; `HOST: WORD` for a call,
 * `HOST: VAR = WORD` for socket and accept), where it may stand (the world
 * section, a step, after `at TIME`, a live `:` line), and which functions
 * parse, print, compare, copy, clear and run it, with a one-line help. The
 * parser finds a line's statement here (statement.c, calls.c), the printer,
 * equality and step helpers find a step's functions here (stmt_of_kind), and
 * so does the runner (run_step.c, run_jobs.c). Adding a statement is one
 * file with its functions and one row; docs/contributing.md ("Adding a statement") walks
 * through it.
 */
#include "sim/scenario/parse.h"
#include "sim/scenario/run.h"

#include <string.h>

/* What a live line gets for a statement that describes the world. */
#define NOT_LIVE_WORLD                                                                      \
    "describes the world, which is built already; the command line runs steps (a host's "   \
    "calls, ping, traceroute, sleep, say, expect, set, drop, wait, at)"
#define NOT_LIVE_BLOCK "needs a block of lines; the command line runs one statement at a time"

/* World statements take no step: adapters to the row's parse signature. */
static int
row_title(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_title(p, c, kw);
}

static int
row_about(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_about(p, c, kw);
}

static int
row_seed(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_seed(p, c, kw);
}

static int
row_host(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_host(p, c, kw);
}

static int
row_switch(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_switch(p, c, kw);
}

static int
row_tap(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_tap_statement(p, c, kw);
}

static int
row_repeat(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_repeat(p, c, kw);
}

static int
row_repeat_end(struct parser *p, struct cur *c, const struct tok *kw, struct scn_step *st)
{
    (void)st;
    return parse_repeat_end(p, c, kw);
}

/* The table. The statements that start a line come first, in the order
 * "did you mean" prefers them; then the calls, in the same order for the
 * calls' own suggestions. */
const struct stmt_def stmt_table[] = {
    { .word = "title", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_title, .help = "title \"TEXT\": the lesson's name" },
    { .word = "about", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_about, .help = "about \"TEXT\": what the lesson shows" },
    { .word = "seed", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_seed, .help = "seed N: the random numbers' seed" },
    { .word = "host", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_host, .help = "host NAME ADDR/LEN... [mtu N] [mac MAC]: a host" },
    { .word = "link", .kind = SCN_STEP_LINK_STATE, .where = STMT_AT, .parse =
      parse_link_statement, .print = print_link_state, .eq = eq_link_state,
      .run = run_link_state_step,
      .help = "link A B [OPTIONS]: a cable; link A B down|up: cut or mend it" },
    { .word = "ping", .kind = SCN_STEP_PING, .where = STMT_STEP, .parse = parse_ping,
      .init = init_ping, .print = print_ping, .eq = eq_ping, .peer = peer_ping,
      .run = run_ping_step, .help = "ping HOST DEST [count N] ...: ping(8)" },
    { .word = "sleep", .kind = SCN_STEP_SLEEP, .where = STMT_STEP, .parse = parse_sleep,
      .print = print_sleep, .eq = eq_sleep, .run = run_sleep_step,
      .help = "sleep DUR: let the world run" },
    { .word = "say", .kind = SCN_STEP_SAY, .where = STMT_STEP | STMT_AT, .parse = parse_say,
      .print = print_say, .eq = eq_say, .copy = copy_say, .clear = clear_say,
      .run = run_say_step, .help = "say \"TEXT\": narrate" },
    { .word = "expect", .claims = expect_bytes_claims, .kind = SCN_STEP_EXPECT_BYTES,
      .where = STMT_STEP | STMT_AT | STMT_CHECKS, .parse = parse_expect_bytes,
      .init = init_expect_bytes, .print = print_expect_bytes, .eq = eq_expect_bytes,
      .copy = copy_expect_bytes, .clear = clear_expect_bytes, .run = run_expect_bytes_step,
      .help = "expect VAR == file PATH | expect VAR sha256 HEX: the data, byte for byte" },
    { .word = "expect", .kind = SCN_STEP_EXPECT, .where = STMT_STEP | STMT_AT | STMT_CHECKS,
      .parse = parse_expect, .init = init_expect, .print = print_expect, .eq = eq_expect,
      .copy = copy_expect, .clear = clear_expect, .run = run_expect,
      .help = "expect ...: a check that must hold" },
    { .word = "pause", .kind = SCN_STEP_PAUSE, .where = STMT_STEP,
      .not_live = "stops a script for the presenter; on the command line there is nothing to "
                  "pause",
      .parse = parse_pause, .print = print_pause, .eq = eq_say, .copy = copy_say,
      .clear = clear_say, .run = run_pause_step,
      .help = "pause [\"TEXT\"]: stop for the presenter" },
    { .word = "ask", .kind = SCN_STEP_ASK, .where = STMT_STEP,
      .not_live = "asks the class and waits for the stack's answer; a script asks, the command "
                  "line does not",
      .parse = parse_ask, .init = init_ask, .print = print_ask, .eq = eq_ask, .copy = copy_ask,
      .clear = clear_ask, .run = run_ask_step,
      .help = "ask \"QUESTION\" [choices \"A\" ...] answer N | next FILTER field F|host|accepted "
              "| HOST VAR FIELD after next FILTER: predict, then reveal" },
    { .word = "wait", .kind = SCN_STEP_WAIT, .where = STMT_STEP, .parse = parse_wait,
      .help = "wait VAR: join a background call" },
    { .word = "at", .kind = -1, .where = 0, .parse = parse_at,
      .help = "at TIME STATEMENT: run a statement at a virtual time" },
    { .word = "repeat", .kind = -1, .where = 0, .not_live = NOT_LIVE_BLOCK,
      .parse = row_repeat, .help = "repeat N {: repeat the lines up to '}'" },
    { .word = "include", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .help = "include \"FILE\": read another file's lines here" },
    { .word = "set", .kind = SCN_STEP_SET, .where = STMT_STEP | STMT_AT, .parse = parse_set,
      .print = print_set, .eq = eq_set, .run = run_set_step,
      .help = "set HOST KEY VALUE: a per-host tunable" },
    { .word = "drop", .kind = SCN_STEP_DROP, .where = STMT_STEP | STMT_AT, .parse = parse_drop,
      .init = init_drop, .print = print_drop, .eq = eq_drop, .run = run_drop_step,
      .help = "drop NTH FILTER: lose one frame" },
    { .word = "inject", .kind = SCN_STEP_INJECT, .where = STMT_STEP | STMT_AT,
      .parse = parse_inject, .print = print_inject, .eq = eq_inject, .copy = copy_inject,
      .clear = clear_inject, .run = run_inject_step,
      .help = "inject on A B [to B] | into HOST [eth ...] arp ...|ipv4 ... [icmp|udp|tcp ...] "
              "[PAYLOAD]: a crafted frame" },
    { .word = "replay", .kind = SCN_STEP_REPLAY, .where = STMT_STEP | STMT_AT,
      .parse = parse_replay, .print = print_replay, .eq = eq_replay, .copy = copy_replay,
      .clear = clear_replay, .run = run_replay_step,
      .help = "replay FILE [on A B [to B]]: a capture's frames on a link, at their times" },
    { .word = "router", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_host, .help = "router NAME ADDR/LEN...: a host that forwards" },
    { .word = "switch", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_switch, .help = "switch NAME: a learning switch" },
    { .word = "hub", .kind = -1, .where = STMT_WORLD, .not_live = NOT_LIVE_WORLD,
      .parse = row_switch, .help = "hub NAME: a hub (every frame to every port)" },
    { .word = "advertise", .kind = SCN_STEP_ADVERTISE, .where = STMT_STEP | STMT_AT,
      .parse = parse_advertise, .init = init_advertise, .print = print_advertise,
      .eq = eq_advertise, .run = run_advertise_step,
      .help = "advertise ROUTER ethN PREFIX/LEN [lifetime DUR] [mtu N] ...: router "
              "advertisements [RFC 4861 6.2]" },
    { .word = "address", .kind = SCN_STEP_ADDRESS, .where = STMT_STEP | STMT_AT,
      .parse = parse_address, .print = print_address, .eq = eq_address,
      .run = run_address_step,
      .help = "address HOST ethN ADDR6/LEN: give an interface an IPv6 address now (DAD "
              "runs) [RFC 4862 5.4]" },
    { .word = "traceroute", .kind = SCN_STEP_TRACEROUTE, .where = STMT_STEP,
      .parse = parse_traceroute, .print = print_traceroute, .eq = eq_traceroute,
      .peer = peer_traceroute, .run = run_traceroute_step,
      .help = "traceroute HOST DEST [...]: traceroute(8) -n" },
    { .word = "duplicate", .kind = SCN_STEP_DROP, .where = STMT_STEP | STMT_AT,
      .parse = parse_drop, .help = "duplicate NTH FILTER: send one frame twice" },
    { .word = "corrupt", .kind = SCN_STEP_DROP, .where = STMT_STEP | STMT_AT,
      .parse = parse_drop, .help = "corrupt NTH FILTER: flip a bit of one frame" },
    { .word = "delay", .kind = SCN_STEP_DROP, .where = STMT_STEP | STMT_AT,
      .parse = parse_drop, .help = "delay NTH FILTER by DUR: hold one frame back" },
    { .word = "tap", .kind = -1, .where = STMT_AT, .parse = row_tap,
      .help = "tap HOST[:ethN] DEV [OPTIONS]: an interface on a Linux TAP device" },
    { .word = "}", .kind = -1, .where = 0, .not_live = NOT_LIVE_BLOCK,
      .parse = row_repeat_end, .help = "}: ends a repeat block" },

    /* HOST: ... */
    { .word = "socket", .kind = SCN_STEP_SOCKET, .where = STMT_ASSIGN, .print = print_socket,
      .eq = eq_socket, .run = run_call_step, .call = call_socket,
      .help = "HOST: VAR = socket TYPE: a new socket" },
    { .word = "bind", .kind = SCN_STEP_BIND, .where = STMT_CALL, .n_args = 2,
      .needs = "bind needs a socket and a port", .parse = parse_call_bind, .init = init_bind,
      .print = print_bind, .eq = eq_bind, .run = run_call_step, .call = call_bind,
      .help = "HOST: bind VAR [ADDR:]PORT" },
    { .word = "connect", .kind = SCN_STEP_CONNECT, .where = STMT_CALL | STMT_BLOCKS,
      .n_args = 2, .needs = "connect needs a socket and a destination",
      .parse = parse_call_connect, .init = init_connect, .print = print_connect,
      .eq = eq_connect, .peer = peer_connect, .run = run_call_step, .job = job_connect,
      .help = "HOST: connect VAR DEST:PORT" },
    { .word = "send", .kind = SCN_STEP_SEND, .where = STMT_CALL | STMT_BLOCKS, .n_args = 2,
      .needs = "send needs a socket and a payload", .parse = parse_call_send,
      .init = init_send, .print = print_send, .eq = eq_send, .copy = copy_send,
      .clear = clear_send, .run = run_call_step, .job = job_send,
      .help = "HOST: send VAR PAYLOAD" },
    { .word = "sendto", .kind = SCN_STEP_SENDTO, .where = STMT_CALL | STMT_BLOCKS, .n_args = 3,
      .needs = "sendto needs a socket, a destination and a payload",
      .parse = parse_call_sendto, .init = init_send, .print = print_sendto, .eq = eq_send,
      .copy = copy_send, .clear = clear_send, .peer = peer_sendto, .run = run_call_step,
      .job = job_send, .help = "HOST: sendto VAR DEST:PORT PAYLOAD" },
    { .word = "recv", .kind = SCN_STEP_RECV, .where = STMT_CALL | STMT_BLOCKS, .n_args = 2,
      .needs = "recv needs a socket and a byte count", .parse = parse_call_recv,
      .print = print_recv, .eq = eq_recv, .run = run_call_step, .job = job_recv,
      .help = "HOST: recv VAR N|all [-> NAME]" },
    { .word = "recvfrom", .kind = SCN_STEP_RECVFROM, .where = STMT_CALL | STMT_BLOCKS,
      .n_args = 2, .needs = "recvfrom needs a socket and a byte count",
      .parse = parse_call_recv, .print = print_recv, .eq = eq_recv, .run = run_call_step,
      .job = job_recv, .help = "HOST: recvfrom VAR N [-> NAME]" },
    { .word = "close", .kind = SCN_STEP_CLOSE, .where = STMT_CALL | STMT_BLOCKS, .n_args = 1,
      .needs = "close needs a socket", .parse = parse_call_close, .print = print_close,
      .run = run_call_step, .job = job_close, .help = "HOST: close VAR" },
    { .word = "listen", .kind = SCN_STEP_LISTEN, .where = STMT_CALL, .n_args = 1,
      .needs = "listen needs a socket", .parse = parse_call_listen, .print = print_listen,
      .eq = eq_listen, .run = run_call_step, .call = call_listen,
      .help = "HOST: listen VAR [BACKLOG]" },
    { .word = "echo", .kind = SCN_STEP_ECHO, .where = STMT_CALL, .n_args = 2,
      .needs = "echo needs tcp or udp and a port", .parse = parse_call_echo,
      .print = print_echo, .eq = eq_echo, .run = run_call_step, .call = call_echo,
      .help = "HOST: echo tcp|udp PORT: send back all it receives, until the end" },
    { .word = "accept", .kind = SCN_STEP_ACCEPT, .where = STMT_ASSIGN | STMT_BLOCKS,
      .init = init_accept, .print = print_accept, .eq = eq_accept, .run = run_call_step,
      .job = job_accept, .help = "HOST: VAR2 = accept VAR: the next connection" },
    { .word = "shutdown", .kind = SCN_STEP_SHUTDOWN, .where = STMT_CALL, .n_args = 2,
      .needs = "shutdown needs a socket and rd, wr or rdwr", .parse = parse_call_shutdown,
      .print = print_shutdown, .eq = eq_shutdown, .run = run_call_step,
      .call = call_shutdown, .help = "HOST: shutdown VAR rd|wr|rdwr" },
    { .word = "setsockopt", .kind = SCN_STEP_SETSOCKOPT, .where = STMT_CALL, .n_args = 3,
      .needs = "setsockopt needs a socket, an option and a value",
      .parse = parse_call_setsockopt, .print = print_setsockopt, .eq = eq_setsockopt,
      .run = run_call_step, .call = call_setsockopt,
      .help = "HOST: setsockopt VAR OPTION VALUE" },
    { .word = "wait", .kind = SCN_STEP_WAIT, .where = STMT_CALL | STMT_JOINS, .n_args = 1,
      .needs = "wait needs the socket of a background call", .parse = parse_call_wait,
      .print = print_wait, .run = run_call_step, .call = call_wait,
      .help = "HOST: wait VAR: join a background call" },
    { .word = "route", .kind = SCN_STEP_ROUTE_ADD, .where = STMT_CALL, .parse = parse_call_route,
      .print = print_route_add, .eq = eq_route_add, .run = run_route_add_step,
      .help = "HOST: route [-6] add DEST/LEN|default [via GW] [dev ethN]" },
    { .word = "ip", .kind = SCN_STEP_ROUTE_SHOW, .where = STMT_CALL, .parse = parse_call_route,
      .print = print_route_show, .eq = eq_route_add, .run = run_route_show_step,
      .help = "HOST: ip [-6] route: print the route table" },
};

const size_t stmt_table_len = sizeof stmt_table / sizeof stmt_table[0];

const struct stmt_def *
stmt_find(const struct tok *t)
{
    for (size_t i = 0; i < stmt_table_len; i++)
        if ((stmt_table[i].where & (STMT_CALL | STMT_ASSIGN)) == 0 &&
            word_is(t, stmt_table[i].word))
            return &stmt_table[i];
    return NULL;
}

const struct stmt_def *
stmt_find_at(const struct line *ln, size_t i)
{
    const struct tok *t = &ln->toks[i];

    for (size_t k = 0; k < stmt_table_len; k++)
        if ((stmt_table[k].where & (STMT_CALL | STMT_ASSIGN)) == 0 &&
            word_is(t, stmt_table[k].word) &&
            (stmt_table[k].claims == NULL || stmt_table[k].claims(ln, i)))
            return &stmt_table[k];
    return NULL;
}

const struct stmt_def *
stmt_find_call(const struct tok *t)
{
    for (size_t i = 0; i < stmt_table_len; i++)
        if ((stmt_table[i].where & STMT_CALL) != 0 && word_is(t, stmt_table[i].word))
            return &stmt_table[i];
    return NULL;
}

const struct stmt_def *
stmt_of_kind(enum scn_step_kind k)
{
    for (size_t i = 0; i < stmt_table_len; i++)
        if (stmt_table[i].kind == (int)k && stmt_table[i].print != NULL)
            return &stmt_table[i];
    return NULL;
}
