/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario.h - a scenario file as a checked syntax tree, and the parser's API.
 *
 * A scenario (docs/scenario-language.md) describes a small world
 * (hosts and the links between them) and a script of steps (socket calls,
 * pings, sleeps, narration and expectations). scenario_parse_file() reads one,
 * checks every name and value, and returns the tree below; the runner
 * (sim/scenario/run_*.c) executes it and the view shows `steps[i].text` with the
 * current step marked. Nothing here touches the stack: the parser only reads
 * text, so a scenario with an error never runs at all.
 *
 * Shape of the tree: the world tables (hosts, links) and the name tables
 * (sockets, data variables) are arrays in `struct scenario`; steps refer to
 * them by index, never by pointer, so a runner can keep parallel arrays
 * ("the fd of socket i", "the bytes of data variable j"). An index of -1 means
 * "none". Addresses are host byte order; times are nanoseconds; rates are bits
 * per second; probabilities are parts per million (exact, no floating point,
 * so a run replays identically).
 *
 * Growing the language: a new statement is a row of the statement table
 * (sim/scenario/stmt_table.c) and, if it is a step, a new `enum
 * scn_step_kind` value (added before SCN_STEP_KIND_COUNT) plus, if it needs
 * one, a new member of the anonymous union in `struct scn_step`; a new
 * expectation is a new `enum scn_expect_kind` value. Existing values and
 * fields keep their meaning. docs/contributing.md ("Adding a statement") walks through it.
 */
#ifndef NETSTEP_SIM_SCENARIO_H
#define NETSTEP_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/wire/addr.h"
#include "stack/wire/ipv6.h"

/* Longest host, socket or data-variable name, without the NUL (matches the
 * stack's HOST_NAME_LEN of 32). */
#define SCN_NAME_MAX     31
/* Longest counter name in `expect HOST counter NAME ...`, without the NUL. */
#define SCN_COUNTER_MAX  63
/* Largest byte count a step may name (`recv s N`, `bytes N`): 16 MiB. */
#define SCN_LEN_MAX      (16u * 1024 * 1024)
/* The most one stream call moves (`bytes N` on a stream, `recv all`): its
 * result is an int, as send(2)'s and recv(2)'s are at most SSIZE_MAX. */
#define SCN_STREAM_MAX   2147483647u
/* Most times a `repeat` block may run, and most steps a file may expand to. */
#define SCN_REPEAT_MAX   100000u
#define SCN_STEPS_MAX    1000000u
/* The largest IPv6 ping payload: 65535 bytes of IPv6 payload less the
 * ICMPv6 header; beyond the path MTU the source fragments it [RFC 8200 4.5]. */
#define SCN_PING6_SIZE_MAX 65527

/* Deepest chain of `include`s. */
#define SCN_INCLUDE_DEPTH_MAX 16
/* Longest TCP state or TCB field name in an expect, without the NUL. */
#define SCN_FIELD_MAX    31

/* Largest ICMP echo payload in one IPv4 datagram: 65535 - 20 - 8. */
#define SCN_PING_SIZE_MAX 65507u
/* One million parts per million: a loss of 100%. */
#define SCN_PPM_ONE      1000000u
/* Largest `listen VAR BACKLOG`. */
#define SCN_BACKLOG_MAX  4096u

/* Defaults for what a scenario may leave out. */
#define SCN_MTU_DEFAULT          1500u
#define SCN_LINK_LIMIT_DEFAULT   1000u                  /* packets, as netem's limit */
#define SCN_PING_COUNT_DEFAULT   1u
#define SCN_PING_SIZE_DEFAULT    56u                    /* as ping(8) */
#define SCN_PING_INTERVAL_DEFAULT_NS (1000ull * 1000 * 1000)  /* 1 s, as ping(8) */
#define SCN_PING_TIMEOUT_DEFAULT_NS  (1000ull * 1000 * 1000)  /* 1 s per reply */

/* ---------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------- */

/* Room for one message, NUL included. */
#define SCN_MSG_LEN      512
/* Messages kept; errors past this are counted but not stored. */
#define SCN_DIAG_MAX     20
/* Bytes of a message's source line kept for showing it, NUL included. */
#define SCN_SRC_LEN      256

/* One error, exactly as a command line prints it (without the newline):
 * "demo.scn:4:1: error: unknown statement 'hots' (did you mean 'host'?)",
 * or "demo.scn: error: cannot open: No such file or directory". */
struct scn_error {
    unsigned line;          /* 1-based line, 0 for an error about the whole file */
    unsigned col;           /* 1-based column (bytes; a tab is one), 0 with line 0 */
    char msg[SCN_MSG_LEN];  /* the full message, file name and position included */
    char src[SCN_SRC_LEN];  /* the line it is about, as written ("" if none) */
};

/* What went wrong, filled by the parse functions (which clear it first). */
struct scn_diag {
    unsigned n_errors;                     /* errors found; may exceed SCN_DIAG_MAX */
    unsigned n_kept;                       /* entries of errors[] filled (<= SCN_DIAG_MAX) */
    char first[SCN_MSG_LEN];               /* copy of errors[0].msg, "" when no error */
    struct scn_error errors[SCN_DIAG_MAX]; /* in file order */
    unsigned n_warnings;                   /* warnings found (only when there is no error) */
    unsigned n_warn_kept;                  /* entries of warnings[] filled */
    struct scn_error warnings[SCN_DIAG_MAX]; /* "FILE:LINE:COL: warning: MESSAGE" */
};

/* ---------------------------------------------------------------------------
 * The world
 * ------------------------------------------------------------------------- */

/* Most interfaces a host or router may have (the stack's HOST_MAX_IFACES). */
#define SCN_IFACE_MAX    8
/* Longest traceroute: traceroute(8)'s -m limit. */
#define SCN_HOPS_MAX     255u
#define SCN_TRACEROUTE_HOPS_DEFAULT   30u                 /* as traceroute(8) */
#define SCN_TRACEROUTE_PROBES_DEFAULT 3u                  /* as traceroute(8) */
#define SCN_TRACEROUTE_WAIT_DEFAULT_NS (5000ull * 1000 * 1000)  /* 5 s, as traceroute(8) */

/* `host NAME ADDR/LEN [ADDR/LEN ...] [mtu N] [mac MAC]`, or `router ...` (the
 * same, with forwarding on): one node with one interface per address, named
 * eth0, eth1, ... in the order written. */
struct scn_host {
    char name[SCN_NAME_MAX + 1];  /* [a-z_][a-z0-9_-]*, unique */
    uint32_t addr;                /* eth0's address, host order (== if_addr[0]) */
    unsigned prefix_len;          /* eth0's prefix, 0..32 (== if_prefix[0]) */
    unsigned n_ifaces;            /* interfaces, 1..SCN_IFACE_MAX */
    uint32_t if_addr[SCN_IFACE_MAX];   /* ethN's address; unique in the scenario */
    unsigned if_prefix[SCN_IFACE_MAX]; /* ethN's prefix length */
    bool if_has_addr6[SCN_IFACE_MAX];  /* ethN has an IPv6 address (given after its IPv4 one) */
    struct ip6_addr if_addr6[SCN_IFACE_MAX];  /* ethN's IPv6 address; unique in the scenario */
    unsigned if_prefix6[SCN_IFACE_MAX];       /* its prefix length, 1..128 */
    bool ipv6;                    /* any IPv6 address: the host speaks IPv6 (docs/ipv6.md) */
    bool router;                  /* `router`: ipv4.forwarding on from the start */
    unsigned mtu;                 /* 68..65535, SCN_MTU_DEFAULT if not given */
    bool has_mac;                 /* mac was given; else the runner picks one */
    uint8_t mac[ETH_ALEN];        /* unicast, unique among given ones; zero if !has_mac */
    unsigned line;                /* where the name is */
    unsigned col;                 /* column of the name */
};

/* `switch NAME` or `hub NAME`: an Ethernet segment links attach to. */
struct scn_switch {
    char name[SCN_NAME_MAX + 1];  /* as a host name; no host or switch has it too */
    bool hub;                     /* repeat to every port instead of learning */
    unsigned line;                /* where the name is */
    unsigned col;                 /* column of the name */
};

/* `link A B [OPTIONS]`: a point-to-point link; the options (netem's words)
 * apply to both directions. An end is a host's interface (`alice`,
 * `r1:eth1`) or a port of a switch or hub. */
struct scn_link {
    int a;                 /* host index of the first end, or -1 for a switch */
    int b;                 /* host index of the second end, or -1 for a switch */
    int a_if;              /* interface of host a (0 for eth0); 0 for a switch */
    int b_if;              /* interface of host b */
    int a_sw;              /* switch index of the first end, or -1 for a host */
    int b_sw;              /* switch index of the second end, or -1 */
    uint64_t delay_ns;     /* one-way propagation delay, default 0 */
    uint64_t jitter_ns;    /* `delay DUR JITTER`: uniform variation, default 0 */
    uint64_t rate_bps;     /* bits per second, 0 = unlimited (the default) */
    uint32_t loss_ppm;     /* chance a frame is lost, parts per million (0..1000000) */
    bool gemodel;          /* `loss gemodel P R [1-H [1-K]]`: Gilbert-Elliott */
    uint32_t ge_p_ppm;     /* chance good -> bad per frame */
    uint32_t ge_r_ppm;     /* chance bad -> good per frame */
    uint32_t ge_1h_ppm;    /* loss in the bad state, default 100% */
    uint32_t ge_1k_ppm;    /* loss in the good state, default 0% */
    uint32_t duplicate_ppm;  /* chance a frame is sent twice */
    uint32_t reorder_ppm;  /* chance a frame skips the delay */
    uint32_t reorder_gap;  /* netem's gap, default 1 */
    uint32_t corrupt_ppm;  /* chance a frame is damaged */
    bool corrupt_l2;       /* `corrupt P l2`: as a bad FCS, not a bad checksum */
    unsigned mtu;          /* 0, or 68..65535: both interfaces' MTU */
    uint32_t limit;        /* frames the queue holds, >= 1, default 1000 */
    unsigned line;         /* where `link` is */
    unsigned col;          /* column of `link` */
};

/* Longest TAP device name: Linux's IFNAMSIZ without the NUL. */
#define SCN_TAP_DEV_MAX  15
/* Most `tap` statements one scenario may hold (the real-time loop's
 * REALTIME_TAPS_MAX, sim/realtime.h). */
#define SCN_TAPS_MAX     8

/* `tap HOST[:ethN] DEV [OPTIONS]`: the interface is on the Linux TAP device
 * DEV instead of a simulated link (TAP mode, docs/tap-mode.md); the kernel is
 * on the other side. OPTIONS are link's netem words except `mtu`, applied to
 * the frames of both directions between the host and the device. An
 * interface is on a link or on a TAP device, never both; a host with several
 * interfaces may have some on links and one on a TAP device. */
struct scn_tap {
    int host;                       /* host index */
    int ifc;                        /* its interface: 0 for eth0 (the default) */
    char dev[SCN_TAP_DEV_MAX + 1];  /* the device's name, "nstap0" */
    struct scn_link wire;           /* the impairments, as a link's fields delay_ns
                                       .. limit; a, b, a_sw, b_sw are -1, a_if,
                                       b_if and mtu are 0, line/col are the tap's */
    unsigned line;                  /* where `tap` is */
    unsigned col;                   /* column of `tap` */
};

/* ---------------------------------------------------------------------------
 * Names the script defines
 * ------------------------------------------------------------------------- */

enum scn_sock_type {
    SCN_SOCK_UDP,   /* `socket udp`: AF_INET, SOCK_DGRAM */
    SCN_SOCK_TCP,   /* `socket tcp`: AF_INET, SOCK_STREAM (the runner may refuse it for now) */
    SCN_SOCK_ICMP,  /* `socket icmp`: a ping socket, as Linux has */
    SCN_SOCK_LOCAL_STREAM,  /* `socket local stream`: AF_LOCAL, SOCK_STREAM, named by a path */
    SCN_SOCK_LOCAL_DGRAM,   /* `socket local dgram`: AF_LOCAL, SOCK_DGRAM, named by a path */
    SCN_SOCK_TYPE_COUNT
};

/* Longest path of a local socket, without the NUL (the stack's
 * SOCK_PATH_MAX, Linux's sizeof(sun_path), less one). */
#define SCN_PATH_MAX 107

/* A socket variable: `alice: s = socket udp` defines alice's `s`. Socket
 * variables belong to one host; bob's `s` is another variable. */
struct scn_sock {
    char name[SCN_NAME_MAX + 1];  /* [a-z_][a-zA-Z0-9_]* */
    int host;                     /* owning host index */
    enum scn_sock_type type;      /* as written in the defining step */
    bool inet6;                   /* `socket tcp6` / `socket udp6`: AF_INET6 */
    unsigned line;                /* where it is defined */
    unsigned col;                 /* column of the variable in that line */
};

enum scn_dvar_kind {
    SCN_DVAR_DATA,  /* bytes from recv / recvfrom */
    SCN_DVAR_PING,  /* a ping's summary (the runner defines its text) */
    SCN_DVAR_KIND_COUNT
};

/* A data variable: global, defined by `-> NAME` after recv, recvfrom or ping.
 * Several steps may write the same name (the latest value counts), but only
 * with the same kind. Never the name of a host. */
struct scn_dvar {
    char name[SCN_NAME_MAX + 1];  /* [a-z_][a-zA-Z0-9_]* */
    enum scn_dvar_kind kind;      /* what it holds */
    unsigned line;                /* first definition */
    unsigned col;                 /* column of NAME there */
};

/* ---------------------------------------------------------------------------
 * Values inside steps
 * ------------------------------------------------------------------------- */

enum scn_addr_kind {
    SCN_ADDR_NONE,    /* not written: `bind s 7` (the wildcard address, 0) */
    SCN_ADDR_DOTTED,  /* written as 192.0.2.2 */
    SCN_ADDR_HOST,    /* written as a host name */
    SCN_ADDR_KIND_COUNT
};

/* An IPv4 address as the script wrote it. `addr` is always usable: for a
 * host name it is that host's address (hosts are declared before use). */
struct scn_addr {
    enum scn_addr_kind kind;  /* how it was written */
    uint32_t addr;            /* host order; 0 for SCN_ADDR_NONE */
    int host;                 /* SCN_ADDR_HOST: the host index; else -1 */
    bool v6;                  /* an IPv6 address: written [2001:db8::2], or a host name
                                 for an AF_INET6 socket (its first IPv6 address) */
    struct ip6_addr addr6;    /* v6: the address */
};

/* ADDR:PORT, or a bare PORT for bind; for a local socket, a PATH. */
struct scn_endpoint {
    struct scn_addr addr;  /* the address part */
    uint16_t port;         /* 1..65535; 0 with a path */
    char path[SCN_PATH_MAX + 1];  /* a local socket's path ("/tmp/echo.sock"), else "" */
};

enum scn_payload_kind {
    SCN_PAYLOAD_TEXT,  /* "a quoted text", escapes decoded */
    SCN_PAYLOAD_FILL,  /* `bytes N`: the runner makes up N bytes */
    SCN_PAYLOAD_FILE,  /* `file PATH`: the runner reads the file */
    SCN_PAYLOAD_DATA,  /* NAME: the bytes a data variable holds when the step runs
                          (app.from_dvar names it) */
    /* Application payloads the stack's codecs build (stack/app/, sim/scenario_app.c) */
    SCN_PAYLOAD_WS_ACCEPT,   /* websocket-accept "KEY" | websocket-accept from DVAR */
    SCN_PAYLOAD_WS_FRAME,    /* ws-frame OPCODE [DATA] [mask 0xHHHHHHHH] [more] */
    SCN_PAYLOAD_DNS_QUERY,   /* dns-query ID NAME TYPE */
    SCN_PAYLOAD_DNS_ANSWER,  /* dns-answer (ID NAME | to DVAR) (A ADDR | nxdomain) [ttl DUR] */
    SCN_PAYLOAD_KIND_COUNT
};

/* The words of an application payload, as written. */
struct scn_app_payload {
    int from_dvar;       /* WS_ACCEPT `from DVAR`, DNS_ANSWER `to DVAR`: the data
                            variable the runner reads at send time; else -1 */
    uint8_t ws_opcode;   /* WS_FRAME: WS_OP_TEXT, ... (stack/app/websocket.h) */
    bool ws_more;        /* WS_FRAME: `more`: FIN clear, more fragments follow */
    bool ws_masked;      /* WS_FRAME: `mask` given */
    uint32_t ws_mask;    /* WS_FRAME: the masking key, as written */
    bool ws_fill;        /* WS_FRAME: the data is `bytes N` (payload len N) */
    bool ws_has_code;    /* WS_FRAME close: a status code given */
    uint16_t ws_code;    /* WS_FRAME close: that code [RFC 6455 7.4] */
    uint16_t dns_id;     /* DNS_QUERY, DNS_ANSWER without `to`: the ID */
    char *dns_name;      /* ... the name asked about; NULL with `to DVAR` */
    uint16_t dns_type;   /* DNS_QUERY: QTYPE */
    bool dns_nxdomain;   /* DNS_ANSWER: `nxdomain` instead of `A ADDR` */
    uint32_t dns_addr;   /* DNS_ANSWER: the A record's address, host order */
    uint32_t dns_ttl_s;  /* DNS_ANSWER: its TTL in seconds (default 300) */
};

/* What send and sendto send. */
struct scn_payload {
    enum scn_payload_kind kind;  /* which form */
    uint8_t *data;               /* TEXT: the bytes (may hold NULs; one extra NUL
                                    follows them); NULL otherwise */
    size_t len;                  /* TEXT: bytes in data; FILL: N (0..SCN_LEN_MAX);
                                    FILE: 0 */
    char *path;                  /* FILE: the path as written; NULL otherwise */
    char *full_path;             /* FILE: path joined to the scenario's directory
                                    (or path itself if absolute); NULL otherwise */
    struct scn_app_payload app;  /* WS_*, DNS_*: the words; data/len hold the
                                    KEY of websocket-accept and the text of
                                    ws-frame (close: the reason) */
};

/* ---------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------- */

enum scn_step_kind {
    SCN_STEP_SOCKET,    /* HOST: VAR = socket TYPE */
    SCN_STEP_BIND,      /* HOST: bind VAR [ADDR:]PORT */
    SCN_STEP_CONNECT,   /* HOST: connect VAR DEST:PORT [timeout DUR] */
    SCN_STEP_SEND,      /* HOST: send VAR PAYLOAD [timeout DUR] */
    SCN_STEP_SENDTO,    /* HOST: sendto VAR DEST:PORT PAYLOAD [timeout DUR] */
    SCN_STEP_RECV,      /* HOST: recv VAR N [timeout DUR] [-> DVAR] */
    SCN_STEP_RECVFROM,  /* HOST: recvfrom VAR N [timeout DUR] [-> DVAR] [from DVAR] */
    SCN_STEP_CLOSE,     /* HOST: close VAR */
    SCN_STEP_PING,      /* ping HOST DEST [count N] [size N] [interval DUR] [timeout DUR]
                           [-> DVAR] */
    SCN_STEP_SLEEP,     /* sleep DUR */
    SCN_STEP_SAY,       /* say "TEXT" */
    SCN_STEP_EXPECT,    /* expect ... (see struct scn_expect) */
    SCN_STEP_PAUSE,     /* pause ["TEXT"]: a presenter stop */
    SCN_STEP_WAIT,      /* wait VAR | HOST: wait VAR: join a background call */
    SCN_STEP_LISTEN,    /* HOST: listen VAR [BACKLOG] */
    SCN_STEP_ACCEPT,    /* HOST: VAR2 = accept VAR [timeout DUR] */
    SCN_STEP_SHUTDOWN,  /* HOST: shutdown VAR rd|wr|rdwr */
    SCN_STEP_SETSOCKOPT,/* HOST: setsockopt VAR OPTION VALUE */
    SCN_STEP_SET,       /* set HOST KEY VALUE: a per-host tunable */
    SCN_STEP_DROP,      /* drop|duplicate|corrupt NTH FILTER, delay NTH FILTER by DUR */
    SCN_STEP_ROUTE_ADD, /* HOST: route add DEST/LEN|default via GW [dev IF] */
    SCN_STEP_ROUTE_SHOW,/* HOST: ip route: print the table as `ip route` does */
    SCN_STEP_TRACEROUTE,/* traceroute HOST DEST [max-hops N] [probes N] [wait DUR] */
    SCN_STEP_LINK_STATE,/* link A B down|up (a step, usually under `at`) */
    SCN_STEP_EXPECT_BYTES,/* expect VAR == file PATH | expect VAR sha256 HEX */
    SCN_STEP_ASK,       /* ask "QUESTION" [choices "A" "B"...] answer ... */
    SCN_STEP_ECHO,      /* HOST: echo tcp|udp PORT */
    SCN_STEP_INJECT,    /* inject on A B [to END] LAYERS | inject into HOST[:ethN] LAYERS */
    SCN_STEP_REPLAY,    /* replay FILE [on A B [to END]]: a capture's frames on a link */
    SCN_STEP_ADVERTISE, /* advertise ROUTER ethN PREFIX/LEN [OPTIONS] | advertise ROUTER ethN stop */
    SCN_STEP_ADDRESS,   /* address HOST ethN ADDR6/LEN: an IPv6 address given now */
    SCN_STEP_KIND_COUNT
};

enum scn_cmp {
    SCN_CMP_EQ,        /* == */
    SCN_CMP_NE,        /* != */
    SCN_CMP_LT,        /* <  */
    SCN_CMP_LE,        /* <= */
    SCN_CMP_GT,        /* >  */
    SCN_CMP_GE,        /* >= */
    SCN_CMP_CONTAINS,  /* contains (DATA only: the text occurs in the data) */
    SCN_CMP_COUNT
};

/* SCN_STEP_SOCKET. The new socket is the step's `sock`. */
struct scn_socket_args {
    enum scn_sock_type type;  /* same as socks[step.sock].type */
    bool inet6;               /* same as socks[step.sock].inet6 */
};

/* SCN_STEP_BIND. */
struct scn_bind_args {
    struct scn_endpoint local;  /* addr.kind SCN_ADDR_NONE for `bind s PORT` */
};

/* SCN_STEP_CONNECT. */
struct scn_connect_args {
    struct scn_endpoint dest;  /* the peer; never SCN_ADDR_NONE */
};

/* SCN_STEP_SEND and SCN_STEP_SENDTO. */
struct scn_send_args {
    struct scn_endpoint dest;    /* SENDTO: the destination; SEND: kind SCN_ADDR_NONE, port 0 */
    int dest_dvar;               /* SENDTO to NAME: the data variable whose address
                                    (`from NAME` of recvfrom/accept) is the
                                    destination when the step runs; else -1 */
    struct scn_payload payload;  /* what to send */
};

/* SCN_STEP_RECV and SCN_STEP_RECVFROM. The data goes to the step's `dvar`. */
struct scn_recv_args {
    size_t max_len;  /* N: the buffer size offered to the call, 1..SCN_LEN_MAX; 0 with all */
    bool all;        /* `recv VAR all`: read until the end of the stream */
};

/* SCN_STEP_ECHO: a background echo server [RFC 862]. */
struct scn_echo_args {
    bool tcp;        /* tcp (stream) or udp (datagrams) */
    uint16_t port;   /* 1..65535 */
};

/* SCN_STEP_LISTEN. */
struct scn_listen_args {
    bool has_backlog;  /* BACKLOG was written */
    uint32_t backlog;  /* 0..SCN_BACKLOG_MAX */
};

/* SCN_STEP_ACCEPT: the step's `sock` is the listener; the connection goes to
 * the new socket variable `new_sock`. */
struct scn_accept_args {
    int new_sock;  /* socket index of VAR2 (the listener's type: tcp or local stream) */
};

enum scn_shut {
    SCN_SHUT_RD,    /* rd */
    SCN_SHUT_WR,    /* wr */
    SCN_SHUT_RDWR,  /* rdwr */
    SCN_SHUT_COUNT
};

/* SCN_STEP_SHUTDOWN. */
struct scn_shutdown_args {
    enum scn_shut how;  /* which direction */
};

enum scn_sockopt {
    SCN_OPT_NODELAY,     /* nodelay on|off          TCP_NODELAY */
    SCN_OPT_RCVBUF,      /* rcvbuf N                SO_RCVBUF */
    SCN_OPT_SNDBUF,      /* sndbuf N                SO_SNDBUF */
    SCN_OPT_KEEPALIVE,   /* keepalive on|off        SO_KEEPALIVE */
    SCN_OPT_LINGER,      /* linger off|DUR          SO_LINGER (whole seconds) */
    SCN_OPT_REUSEADDR,   /* reuseaddr on|off        SO_REUSEADDR */
    SCN_OPT_BROADCAST,   /* broadcast on|off        SO_BROADCAST */
    SCN_OPT_CONGESTION,  /* congestion ALGO         TCP_CONGESTION */
    SCN_OPT_V6ONLY,      /* v6only on|off           IPV6_V6ONLY (tcp6, udp6) */
    SCN_OPT_COUNT
};

/* Congestion control algorithms, as `congestion` and `set HOST tcp.cc` name them. */
enum scn_cc {
    SCN_CC_TAHOE,
    SCN_CC_RENO,
    SCN_CC_NEWRENO,
    SCN_CC_CUBIC,
    SCN_CC_COUNT
};

/* SCN_STEP_SETSOCKOPT. */
struct scn_setsockopt_args {
    enum scn_sockopt opt;  /* which option */
    int64_t value;         /* on/off: 1/0; bytes; linger: -1 off or seconds;
                              congestion: enum scn_cc */
};

/* The tunables `set HOST KEY VALUE` knows (docs/scenario-language.md lists
 * them with their units). */
enum scn_set_key {
    SCN_SET_TCP_MSL,          /* tcp.msl DUR */
    SCN_SET_TCP_RTO_MIN,      /* tcp.rto_min DUR */
    SCN_SET_TCP_RTO_INITIAL,  /* tcp.rto_initial DUR */
    SCN_SET_TCP_RTO_MAX,      /* tcp.rto_max DUR */
    SCN_SET_TCP_DELACK,       /* tcp.delack on|off|DUR */
    SCN_SET_TCP_KEEPIDLE,     /* tcp.keepidle DUR */
    SCN_SET_TCP_KEEPINTVL,    /* tcp.keepintvl DUR */
    SCN_SET_TCP_KEEPCNT,      /* tcp.keepcnt N */
    SCN_SET_TCP_SYN_RETRIES,  /* tcp.syn_retries N */
    SCN_SET_TCP_RETRIES2,     /* tcp.retries2 N */
    SCN_SET_TCP_IW,           /* tcp.iw N (segments) */
    SCN_SET_TCP_SACK,         /* tcp.sack on|off */
    SCN_SET_TCP_TIMESTAMPS,   /* tcp.timestamps on|off */
    SCN_SET_TCP_WSCALE,       /* tcp.wscale on|off */
    SCN_SET_TCP_CC,           /* tcp.cc ALGO (for new sockets) */
    SCN_SET_TCP_ISS,          /* tcp.iss N: every connection starts at ISS N */
    SCN_SET_IPV4_FORWARDING,  /* ipv4.forwarding on|off */
    SCN_SET_TCP_SYNCOOKIES,   /* tcp.syncookies on|off */
    SCN_SET_TCP_SOMAXCONN,    /* tcp.somaxconn 1..4096 */
    SCN_SET_TCP_RETRIES1,     /* tcp.retries1 N */
    SCN_SET_HOST_NOFILE,      /* host.nofile 4..1048576 */
    SCN_SET_IPV4_MIN_PMTU,    /* ipv4.min_pmtu 68..65535 */
    SCN_SET_TCP_BSD_OPTIONS,  /* tcp.bsd_options on|off */
    SCN_SET_TCP_WSCALE_BUF,   /* tcp.wscale_buf BYTES (0: the socket's buffer) */
    SCN_SET_TCP_RCVBUF_ROUND, /* tcp.rcvbuf_round on|off */
    SCN_SET_IPV6_DAD_TRANSMITS, /* ipv6.dad_transmits N */
    SCN_SET_KEY_COUNT
};

/* SCN_STEP_SET. */
struct scn_set_args {
    enum scn_set_key key;  /* which tunable */
    uint64_t value;        /* ns for durations (tcp.delack: 0 = off, and `on` is
                              SCN_DELACK_ON); counts; 1/0 for on/off; enum scn_cc */
};

/* `tcp.delack on`: the stack's default delay. */
#define SCN_DELACK_ON UINT64_MAX

enum scn_proto {
    SCN_PROTO_ANY,   /* no protocol word: every frame */
    SCN_PROTO_ARP,   /* arp */
    SCN_PROTO_IPV4,  /* ip: any IPv4 datagram */
    SCN_PROTO_ICMP,  /* icmp */
    SCN_PROTO_UDP,   /* udp */
    SCN_PROTO_TCP,   /* tcp */
    SCN_PROTO_ICMP6, /* icmp6: ICMPv6, neighbour discovery included (docs/ipv6.md) */
    SCN_PROTO_IP6,   /* ip6: any IPv6 packet, fragments included */
    SCN_PROTO_COUNT
};

/* Which frames on a wire a packet count or a drop rule means:
 * `[PROTO] [from ADDR] [to ADDR] [port N] [flags FLAGS] [len OP N]`. Every
 * part given must match. `from`/`to` compare IPv4 source/destination (ARP:
 * sender/target protocol address; icmp6: the IPv6 ones, a host name meaning
 * the IPv6 address the scenario gave it); `port` either port; `flags` TCP flags that
 * must all be set; `len` the payload bytes above the transport header (UDP,
 * TCP, ICMP echo data; for other frames the IPv4 payload, 0 for ARP). */
struct scn_filter {
    enum scn_proto proto;  /* protocol, SCN_PROTO_ANY if not given */
    bool has_from;         /* from ADDR given */
    struct scn_addr from;  /* the source */
    bool has_to;           /* to ADDR given */
    struct scn_addr to;    /* the destination */
    uint16_t port;         /* 0 = any port */
    uint8_t flags;         /* TCP flags (wire/tcp.h bits) that must be set, 0 = any */
    bool has_len;          /* len OP N given */
    enum scn_cmp len_cmp;  /* its comparison */
    uint64_t len;          /* its number */
    bool has_type;         /* icmp6 type N given */
    uint8_t icmp_type;     /* that ICMPv6 type */
};

enum scn_rule_action {
    SCN_RULE_DROP,       /* drop: lost on the wire */
    SCN_RULE_DELAY,      /* delay ... by DUR: arrives DUR later */
    SCN_RULE_DUPLICATE,  /* duplicate: sent twice */
    SCN_RULE_CORRUPT,    /* corrupt: one octet damaged */
    SCN_RULE_ACTION_COUNT
};

/* SCN_STEP_DROP: from the moment the step runs, each link counts the frames
 * that match and acts on its Nth one (on the wire, as if the link did it). */
struct scn_drop_args {
    uint32_t nth;              /* 1 = the first match */
    struct scn_filter filter;  /* which frames count */
    enum scn_rule_action action;  /* what happens to it */
    uint64_t delay_ns;         /* SCN_RULE_DELAY: how much later */
};

/* SCN_STEP_ROUTE_ADD, for the step's host. */
struct scn_route_args {
    uint32_t dst;          /* network, host order, host bits zero; 0 for default */
    unsigned prefix_len;   /* 0..32 (0 for default) */
    bool has_gw;           /* `via GW` was written */
    struct scn_addr gw;    /* the gateway: on one of the host's subnets */
    int dev;               /* `dev ethN`: interface index, or -1 */
    bool v6;               /* an IPv6 route (route6.c), or `ip -6 route` */
    struct ip6_addr dst6;  /* v6: the prefix, host bits zero (::/0 for default) */
    struct ip6_addr gw6;   /* v6 with has_gw: the gateway (a host name: its address
                              on a prefix this host shares) */
};

/* SCN_STEP_TRACEROUTE: UDP probes to ports 33434 and up, TTL 1, 2, ... */
struct scn_traceroute_args {
    struct scn_addr dest;  /* never SCN_ADDR_NONE */
    uint32_t max_hops;     /* 1..255, default 30 */
    uint32_t probes;       /* per hop, 1..10, default 3 */
    uint64_t wait_ns;      /* wait for each probe's answer, default 5 s */
    bool v6;               /* to an IPv6 destination: ICMPv6 echo probes, as
                              traceroute -6 -I does (run_ping6.c) */
    struct ip6_addr dest6; /* v6: an IPv6 literal, or (`HOST ipv6`) the host's IPv6 address */
};

/* What an `ask` takes its answer from (sim/scenario/ask.c). */
enum scn_ask_kind {
    SCN_ASK_FIXED,     /* answer N: a choice's number, or a number without choices */
    SCN_ASK_FIELD,     /* answer next FILTER field F: a header field of that frame */
    SCN_ASK_HOST,      /* answer next FILTER host: the host that sent that frame */
    SCN_ASK_ACCEPTED,  /* answer next FILTER accepted: does its receiver take it (yes/no) */
    SCN_ASK_TCB,       /* answer HOST VAR FIELD after next FILTER: the TCB value after it */
    SCN_ASK_KIND_COUNT
};

/* SCN_STEP_ASK: a question for the class. The answer is fixed, or read from
 * the first frame on a wire matching `filter` after the question is asked. */
struct scn_ask_args {
    char *question;            /* the question's text */
    char **choices;            /* `choices "A" "B" ...`, or NULL */
    size_t n_choices;          /* entries of choices */
    enum scn_ask_kind kind;    /* where the answer comes from */
    uint64_t number;           /* FIXED: the choice's number (1-based) or the number */
    struct scn_filter filter;  /* not FIXED: which frame answers */
    uint16_t arp_op;           /* `next arp request|reply`: ARP_OP_*, 0 = any */
    char field[SCN_FIELD_MAX + 1]; /* FIELD: the header field; TCB: the TCB field */
    int tcb_host;              /* TCB: whose socket (also the step's host) */
    int tcb_sock;              /* TCB: which socket variable */
};

/* SCN_STEP_EXPECT_BYTES: received data byte for byte against a file's
 * bytes, or against a SHA-256 digest (sim/scenario/expect_bytes.c). */
struct scn_expect_bytes_args {
    int var;                 /* the data variable checked */
    bool sha256;             /* `sha256 HEX`; else `== file PATH` */
    uint8_t digest[32];      /* sha256: the digest wanted */
    char *path;              /* file: the path as written; else NULL */
    char *full_path;         /* file: joined to the scenario's directory (or path
                                itself if absolute); else NULL */
};

/* SCN_STEP_INJECT: one crafted frame, field by field
 * (sim/scenario/inject.c, sim/craft.h). What the line says lives in `spec`,
 * which the step owns: the layers, the fields written and which were left
 * to the runner's defaults (MACs and addresses of the link's ends, lengths,
 * checksums), and where the frame goes. */
struct scn_inject;
struct scn_inject_args {
    struct scn_inject *spec;  /* owned; never NULL in a parsed step */
};

/* SCN_STEP_REPLAY: the frames of a capture file, read when the scenario is
 * checked, put on a link at their recorded relative times
 * (sim/scenario/replay.c). The step owns `spec`. */
struct scn_replay;
struct scn_replay_args {
    struct scn_replay *spec;  /* owned; never NULL in a parsed step */
};

/* SCN_STEP_ADVERTISE: the step's host (a router) sends router
 * advertisements on one interface [RFC 4861 6.2]. -1 in a field: the
 * router's default [6.2.1]. */
struct scn_advertise_args {
    int ifc;                   /* interface index */
    bool stop;                 /* `stop`: the interface stops advertising */
    struct ip6_addr prefix;    /* the prefix advertised (host bits zero) */
    unsigned prefix_len;       /* its length, 1..128 */
    int64_t lifetime_s;        /* `lifetime DUR`: the router lifetime */
    int64_t valid_s;           /* `valid DUR|infinity` (0xffffffff for infinity) */
    int64_t preferred_s;       /* `preferred DUR|infinity` */
    int64_t interval_s;        /* `interval DUR`: MaxRtrAdvInterval */
    uint32_t mtu;              /* `mtu N`, or 0 */
    bool managed, other;       /* `managed`, `other`: the M and O flags */
    bool no_autoconf;          /* `no-autoconf`: the A flag clear */
    bool off_link;             /* `off-link`: the L flag clear */
};

/* SCN_STEP_ADDRESS: the step's host gets an IPv6 address on one interface
 * while the world runs (IPv6 turned on there first if it was off); it goes
 * through duplicate address detection [RFC 4862 5.4]. */
struct scn_address_args {
    int ifc;                   /* interface index */
    struct ip6_addr addr;      /* the address */
    unsigned prefix_len;       /* its prefix length, 1..128 */
};

/* SCN_STEP_LINK_STATE. */
struct scn_link_state_args {
    int link;              /* index into scenario.links */
    bool down;             /* down, or up */
};

/* SCN_STEP_PING: `count` echo requests from the step's `host` to `dest`,
 * `interval_ns` apart, each waiting up to `timeout_ns` for its reply. The
 * summary goes to the step's `dvar`. */
struct scn_ping_args {
    struct scn_addr dest;   /* never SCN_ADDR_NONE */
    uint32_t count;         /* requests, >= 1, default 1 */
    uint32_t size;          /* ICMP payload bytes, 0..65507, default 56 */
    uint64_t interval_ns;   /* between requests, default 1 s */
    uint64_t timeout_ns;    /* wait for each reply, default 1 s */
    bool df;                /* `df`: set Don't Fragment (ping -M do) */
    uint32_t ttl;           /* `ttl N` (1..255), 0 = the host's default (ping -t) */
    bool v6;                /* an IPv6 ping (ping -6): to dest6 */
    struct ip6_addr dest6;  /* v6: an IPv6 literal, or (`HOST ipv6`) the host's IPv6 address */
};

/* SCN_STEP_SLEEP: let simulated time run. */
struct scn_sleep_args {
    uint64_t duration_ns;  /* how long */
};

/* SCN_STEP_SAY: narration for the viewer. */
struct scn_say_args {
    char *text;  /* escapes decoded; never holds a NUL byte */
};

enum scn_expect_kind {
    SCN_EXPECT_DATA,     /* expect DVAR OP "TEXT"         OP: == != contains */
    SCN_EXPECT_LENGTH,   /* expect DVAR length OP N       OP: == != < <= > >= */
    SCN_EXPECT_ERROR,    /* expect HOST VAR error [==] E  (the last call on VAR) */
    SCN_EXPECT_COUNTER,  /* expect HOST counter NAME OP N OP: == != < <= > >= */
    SCN_EXPECT_ARP,      /* expect HOST arp ADDR [==] STATE */
    SCN_EXPECT_STATE,    /* expect HOST VAR state [==] NAME   (socket or TCP state) */
    SCN_EXPECT_TCB,      /* expect HOST VAR tcb FIELD OP N    (a TCB field) */
    SCN_EXPECT_ROUTE,    /* expect HOST route DEST [==] via ADDR | direct | none */
    SCN_EXPECT_PACKETS,  /* expect packets FILTER OP N        (frames seen on the wires) */
    SCN_EXPECT_TIME,     /* expect time OP DUR                (the simulated clock) */
    SCN_EXPECT_KIND_COUNT
};


enum scn_arp_state {
    SCN_ARP_MAC,         /* an entry with exactly this MAC (resolved) */
    SCN_ARP_ABSENT,      /* no entry at all */
    SCN_ARP_INCOMPLETE,  /* a request is out, no answer yet */
    SCN_ARP_PRESENT,     /* a resolved entry, whatever its MAC */
    SCN_ARP_STATE_COUNT
};

enum scn_route_kind {
    SCN_ROUTE_VIA,     /* via ADDR: through that gateway */
    SCN_ROUTE_DIRECT,  /* direct: on a connected subnet */
    SCN_ROUTE_NONE,    /* none: no route at all */
    SCN_ROUTE_KIND_COUNT
};

/* SCN_STEP_EXPECT. The host and socket (ERROR, COUNTER, ARP, STATE, TCB,
 * ROUTE) are the step's `host` and `sock`; only the fields of `kind` are
 * meaningful. */
struct scn_expect {
    enum scn_expect_kind kind;          /* which check */
    enum scn_cmp cmp;                   /* ERROR and ARP: always SCN_CMP_EQ */
    int dvar;                           /* DATA, LENGTH: the data variable; else -1 */
    uint8_t *text;                      /* DATA: the bytes to compare (extra NUL
                                           after them); else NULL */
    size_t text_len;                    /* DATA: bytes in text */
    struct scn_payload rhs;             /* DATA compared with an application payload
                                           (`expect r == dns-answer ...`): that
                                           payload, built when the expect runs;
                                           kind TEXT (unused) otherwise */
    uint64_t number;                    /* LENGTH, COUNTER: the right-hand side */
    char counter[SCN_COUNTER_MAX + 1];  /* COUNTER: "udp.rx", "drop.UDP_NO_SOCKET" */
    char err_name[SCN_NAME_MAX + 1];    /* ERROR: "none" or "E..." (unchecked name) */
    struct scn_addr arp_addr;           /* ARP: the protocol address looked up */
    enum scn_arp_state arp_state;       /* ARP: what the entry should be */
    uint8_t arp_mac[ETH_ALEN];          /* ARP with SCN_ARP_MAC: the MAC */
    char field[SCN_FIELD_MAX + 1];      /* STATE: "ESTABLISHED"; TCB: "cwnd" */
    struct scn_addr route_dest;         /* ROUTE: the destination looked up */
    enum scn_route_kind route_kind;     /* ROUTE: what the answer should be */
    struct scn_addr route_gw;           /* ROUTE with SCN_ROUTE_VIA: the gateway */
    struct scn_filter filter;           /* PACKETS: which frames count */
};

/* One line of the script. Fields above the union are common to every kind. */
struct scn_step {
    enum scn_step_kind kind;  /* which statement */
    int host;                 /* the host acting (a call's HOST:, ping's HOST,
                                 an expect's HOST), or -1 */
    int sock;                 /* the socket acted on or checked, or -1 */
    int dvar;                 /* the data variable written (`-> NAME`), or -1 */
    int from_dvar;            /* recvfrom/accept `from NAME`: the data variable
                                 that keeps the peer's address, or -1 */
    bool has_timeout;         /* a blocking call carried `timeout DUR` */
    uint64_t timeout_ns;      /* that duration; 0 = "do not wait at all" */
    bool background;          /* a call ending in `&`: runs on while later steps run */
    bool has_at;              /* `at TIME STATEMENT`: scheduled, not run in line */
    uint64_t at_ns;           /* TIME: absolute simulated time */
    unsigned file;            /* index into scenario.files: where the line is */
    unsigned line;            /* 1-based line in that file */
    unsigned col;             /* column of the line's first token */
    char *text;               /* the line without indentation, comment or
                                 trailing blanks, for display */
    union {
        struct scn_socket_args socket;    /* SCN_STEP_SOCKET */
        struct scn_bind_args bind;        /* SCN_STEP_BIND */
        struct scn_connect_args connect;  /* SCN_STEP_CONNECT */
        struct scn_send_args send;        /* SCN_STEP_SEND, SCN_STEP_SENDTO */
        struct scn_recv_args recv;        /* SCN_STEP_RECV, SCN_STEP_RECVFROM */
        struct scn_listen_args listen;    /* SCN_STEP_LISTEN */
        struct scn_echo_args echo;        /* SCN_STEP_ECHO */
        struct scn_accept_args accept;    /* SCN_STEP_ACCEPT */
        struct scn_shutdown_args shutdown;/* SCN_STEP_SHUTDOWN */
        struct scn_setsockopt_args sockopt; /* SCN_STEP_SETSOCKOPT */
        struct scn_set_args set;          /* SCN_STEP_SET */
        struct scn_drop_args drop;        /* SCN_STEP_DROP */
        struct scn_route_args route;      /* SCN_STEP_ROUTE_ADD */
        struct scn_traceroute_args traceroute; /* SCN_STEP_TRACEROUTE */
        struct scn_link_state_args link_state; /* SCN_STEP_LINK_STATE */
        struct scn_ping_args ping;        /* SCN_STEP_PING */
        struct scn_sleep_args sleep;      /* SCN_STEP_SLEEP */
        struct scn_say_args say;          /* SCN_STEP_SAY, SCN_STEP_PAUSE (text may be NULL) */
        struct scn_expect expect;         /* SCN_STEP_EXPECT */
        struct scn_expect_bytes_args bytes; /* SCN_STEP_EXPECT_BYTES */
        struct scn_ask_args ask;          /* SCN_STEP_ASK */
        struct scn_inject_args inject;    /* SCN_STEP_INJECT */
        struct scn_replay_args replay;    /* SCN_STEP_REPLAY */
        struct scn_advertise_args advertise; /* SCN_STEP_ADVERTISE */
        struct scn_address_args address;  /* SCN_STEP_ADDRESS */
    };
};

/* ---------------------------------------------------------------------------
 * The scenario
 * ------------------------------------------------------------------------- */

struct scenario {
    char *name;              /* file name as given, used in messages */
    char **files;            /* files[0] is name; then each included file, as
                                messages name it (its path joined to the
                                including file's directory) */
    size_t n_files;          /* entries of files */
    char *dir;               /* directory `file PATH` payloads are relative to */
    char *title;             /* `title`, or NULL */
    char *about;             /* `about` paragraphs joined with "\n", or NULL */
    bool has_seed;           /* `seed` was given */
    uint64_t seed;           /* the seed; 0 if not given */
    struct scn_host *hosts;  /* in declaration order */
    size_t n_hosts;          /* entries of hosts */
    struct scn_link *links;  /* in declaration order */
    size_t n_links;          /* entries of links */
    struct scn_switch *switches;  /* switches and hubs, in declaration order */
    size_t n_switches;       /* entries of switches */
    struct scn_sock *socks;  /* socket variables, in definition order */
    size_t n_socks;          /* entries of socks */
    struct scn_dvar *dvars;  /* data variables, in first-definition order */
    size_t n_dvars;          /* entries of dvars */
    struct scn_step *steps;  /* the script, in file order */
    size_t n_steps;          /* entries of steps */
    struct scn_tap *taps;    /* `tap` statements, in declaration order */
    size_t n_taps;           /* entries of taps (0..SCN_TAPS_MAX) */
};

/* ---------------------------------------------------------------------------
 * API
 * ------------------------------------------------------------------------- */

/* Read and check the scenario at `path`. Returns a scenario the caller frees
 * with scenario_free(), or NULL when there was any error; `diag` (may be NULL)
 * is cleared and then says what went wrong. Messages name the file as `path`
 * is spelled; `file` payloads are relative to path's directory. */
struct scenario *scenario_parse_file(const char *path, struct scn_diag *diag);

/* Read the whole file at path into a fresh NUL-terminated buffer the caller
 * frees. Returns it with *len set, or NULL with why (an errno-style sentence,
 * "cannot open: ...") filled. The parser reads scenario files with it; the
 * view reads the lesson's text again with it for `:w`. */
char *scenario_read_file(const char *path, size_t *len, char *why, size_t why_len);

/* The same for text in memory. `name` (NULL means "<string>") is the file name
 * messages use, and its directory is the one `file` payloads are relative to
 * ("." if it has none). */
struct scenario *scenario_parse_string(const char *name, const char *text,
                                       struct scn_diag *diag);

/* Free scn and everything it owns. NULL is fine. */
void scenario_free(struct scenario *scn);

/* Write scn back as scenario text in canonical form: header, hosts, links, then
 * the steps in order, one per line, defaults left out. Parsing the output gives
 * a scenario equal (scenario_equal) to scn. Returns 0, or -1 on a write error. */
int scenario_print(const struct scenario *scn, FILE *out);

/* Whether a and b say the same thing, ignoring where it was said (lines,
 * columns, step text, file name and directory). */
bool scenario_equal(const struct scenario *a, const struct scenario *b);

/* Print every kept message of diag as a compiler does: its line, then the
 * source line and a caret under the column; then a line saying how many more
 * there were if some were not kept. Colour (bold position, red "error",
 * green caret) when out is a terminal and NO_COLOR is unset or empty
 * (scn_diag_colour). Returns 0, or -1 on a write error. */
int scn_diag_print(const struct scn_diag *diag, FILE *out);
/* The same for the warnings (stderr, by convention; they do not fail), one
 * line each: no source line under them. */
int scn_diag_print_warnings(const struct scn_diag *diag, FILE *out);
/* The same with the colour decided by the caller: the errors, or with
 * warnings set, the warnings. */
int scn_diag_write(const struct scn_diag *diag, FILE *out, bool warnings, bool colour);
/* Whether messages to out are coloured: out is a terminal and the NO_COLOR
 * environment variable (no-color.org) is unset or empty. */
bool scn_diag_colour(FILE *out);

/* Index of the host called name, or -1. */
int scenario_host_find(const struct scenario *scn, const char *name);

/* Names as the language spells them. */
const char *scn_step_kind_name(enum scn_step_kind k);  /* "sendto" */
const char *scn_sock_type_name(enum scn_sock_type t);  /* "udp" */
const char *scn_cmp_name(enum scn_cmp c);              /* "<=" */
const char *scn_arp_state_name(enum scn_arp_state s);  /* "incomplete"; "mac" for SCN_ARP_MAC */
const char *scn_sockopt_name(enum scn_sockopt o);      /* "nodelay" */
const char *scn_cc_name(enum scn_cc c);                /* "newreno" */
const char *scn_set_key_name(enum scn_set_key k);      /* "tcp.msl" */
/* What `set HOST KEY VALUE` does to h, value as struct scn_set_args holds
 * it; also used by `netstep packetdrill`'s personalities and sysctls. */
struct host;
void scn_set_apply(struct host *h, enum scn_set_key key, uint64_t value);
const char *scn_shut_name(enum scn_shut h);            /* "rdwr" */
const char *scn_proto_name(enum scn_proto p);          /* "tcp"; "" for ANY */
const char *scn_rule_action_name(enum scn_rule_action a); /* "duplicate" */

/* Whether addr is in a documentation range (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24 [RFC 5737]). A simulated world may use any address, since
 * nothing leaves the process; a host on a TAP device must use these, as its
 * frames reach a real kernel. */
bool scenario_addr_is_documentation(uint32_t addr);
/* The same for IPv6: 2001:db8::/32 [RFC 3849]. A host's link-local
 * addresses (fe80::/10) never leave the link, so they need no check. */
bool scenario_addr6_is_documentation(const struct ip6_addr *addr);

/* The tap statement that puts interface ifc of host h on a TAP device, or
 * NULL: that interface is on a link or unplugged. */
const struct scn_tap *scenario_tap_of(const struct scenario *scn, int h, int ifc);

/* Index of the switch or hub called name, or -1. */
int scenario_switch_find(const struct scenario *scn, const char *name);

/* ---------------------------------------------------------------------------
 * Live statements: one line at a time, into a scenario that already runs
 * ------------------------------------------------------------------------- */

/* The file name live statements carry: their messages read
 * "command line:LINE:COL: error: ...", and scn->files gains this name. */
#define SCN_LIVE_FILE "command line"

/* Parse `text` (one line) as the next statement of scn, in the names scn
 * defines by its end: its hosts, links, socket and data variables (those of
 * earlier live statements too), and the background calls `wait` may join.
 * The step is appended to scn->steps, with file = the SCN_LIVE_FILE entry of
 * scn->files and line = `line`; a socket or data variable it defines is
 * appended to scn->socks or scn->dvars, for later statements to use.
 * Only steps may be written: what describes the world (title, about, seed,
 * host, router, switch, hub, link A B ..., include) or the shape of a script
 * (repeat, }, pause) is refused, and so is `expect packets`, which counts
 * frames from the start of a run. Returns the new step's index, or -1 with
 * scn unchanged and diag (may be NULL) holding the error in the parser's
 * words (the view's command line, ui/cmdline.c). */
long scenario_parse_step(struct scenario *scn, const char *text, unsigned line,
                         struct scn_diag *diag);

/* Forget the steps from n_steps on and the socket and data variables from
 * n_socks and n_dvars on (undoing live statements a runner then refused). */
void scenario_truncate(struct scenario *scn, size_t n_steps, size_t n_socks, size_t n_dvars);

#endif
