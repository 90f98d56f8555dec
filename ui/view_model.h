/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view_model.h - the classroom view's model: a whole lesson, recorded.
 *
 * view_model_build() runs the scenario headless, start to end, with the event
 * log (sim/record.h) attached, remembering at which event each step begins and
 * snapshotting every host's sockets and ARP cache (inspect_*()) whenever an
 * event may have changed them (kept as what changed since the host's
 * previous one, and decoded by vm_snap_get()). The view is then a cursor
 * over the log:
 * stepping forward or back moves the cursor, and every pane is a pure
 * function of (model, cursor, size) (docs/architecture.md, "The trace bus
 * and the event log"). Nothing here draws.
 *
 * The world stays alive after the script, and the log keeps growing: a
 * statement typed on the view's command line runs in it (vm_live_call), and
 * in TAP mode frames from the real wire arrive as time passes (vm_live_poll).
 * The panes still read only the log and the snapshots, never the world.
 */
#ifndef NETSTEP_UI_VIEW_MODEL_H
#define NETSTEP_UI_VIEW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/record.h"
#include "sim/scenario.h"

struct scn_runner;
struct vm_snapper;

/* A vm_sock's address family: IPv4; IPv6 (laddr/faddr name interned
 * text); IPv4 on an AF_INET6 socket, written ::ffff:a.b.c.d. */
enum { VM_SOCK_V4 = 0, VM_SOCK_V6 = 1, VM_SOCK_MAPPED = 2 };

/* One socket as inspect_socket() showed it, or a connection its listener
 * made that accept() has not taken yet (inspect_tcb_pending()). */
struct vm_sock {
    int fd;              /* descriptor; -1 for a pending connection, and for
                            one close() left to the stack (an orphan: FIN_WAIT,
                            CLOSING, LAST_ACK, TIME_WAIT), whose listen_fd is -1 */
    int listen_fd;       /* pending: the listener's descriptor; else -1 */
    const char *proto;   /* "udp", "icmp", "tcp" (the model's interned
                            copy, as are state and timers: a snapshot is
                            taken at every delivery, and the same few
                            strings would otherwise be copied each time) */
    uint32_t laddr;      /* local address, host order; VM_SOCK_V6: the
                            address's text, vm_addr6_text(m, laddr), so an
                            IPv4 socket costs what it did */
    uint16_t lport;      /* local port */
    uint8_t family;      /* VM_SOCK_V4, VM_SOCK_V6 or VM_SOCK_MAPPED */
    uint32_t faddr;      /* foreign address, as laddr */
    uint16_t fport;      /* foreign port */
    bool bound;          /* has a local port */
    bool connected;      /* has a fixed peer */
    const char *state;   /* "UNCONN", "ESTAB", a TCP state (at most 15 chars) */
    size_t rcvq_bytes;   /* bytes waiting to be read */
    size_t rcvq_count;   /* datagrams waiting */
    /* TCP only, as inspect_tcb() showed it; sequence numbers relative to the
     * initial ones, as Wireshark shows them */
    bool has_tcb;           /* the fields below are set */
    uint32_t snd_una;       /* oldest unacknowledged, minus ISS */
    uint32_t snd_nxt;       /* next to send, minus ISS */
    uint32_t snd_wnd;       /* the peer's window */
    uint32_t rcv_nxt;       /* next expected, minus IRS */
    uint32_t rcv_wnd;       /* the window advertised */
    uint32_t cwnd;          /* congestion window */
    uint32_t ssthresh;      /* slow-start threshold */
    uint64_t srtt_ns;       /* smoothed round-trip time */
    uint64_t rto_ns;        /* retransmission timeout */
    size_t sndq_bytes;      /* bytes in the send buffer */
    const char *timers;     /* "rexmt,delack" or "-" (at most 47 chars); ""
                               without a TCB */
};

/* One ARP cache entry as inspect_arp() showed it. */
struct vm_arp {
    uint32_t ip;            /* protocol address */
    uint8_t mac[6];         /* hardware address, zero while incomplete */
    char state[16];         /* "REACHABLE", "INCOMPLETE", ... */
    unsigned queued;        /* packets waiting on it */
};

/* A host's sockets and ARP cache right after event `at`, as vm_snap_get()
 * decodes it (the model keeps each snapshot as its difference from the
 * host's previous one, view_model.c). */
struct vm_snap {
    size_t at;              /* event index */
    int host;               /* host index */
    size_t n_socks;         /* entries of socks */
    struct vm_sock *socks;  /* in fd order */
    size_t n_arp;           /* entries of arp */
    struct vm_arp *arp;     /* in cache order */
};

/* The most sockets and ARP entries a snapshot holds. */
#define VM_SNAP_SOCKS_MAX 64
#define VM_SNAP_ARP_MAX 64
/* 32-bit words a snapshot flattens to (its two counts, then 26 a socket
 * and 5 an ARP entry), which the differences are taken between. */
#define VM_SOCK_WORDS 26
#define VM_ARP_WORDS 5
#define VM_SNAP_WORDS (2 + VM_SNAP_SOCKS_MAX * VM_SOCK_WORDS + VM_SNAP_ARP_MAX * VM_ARP_WORDS)

/* Where vm_snap_get() decodes a snapshot: the caller's, so two can be
 * held at once (the sockets pane compares the cursor's with the step's
 * first) and readers share nothing. */
struct vm_snap_buf {
    struct vm_snap snap;
    struct vm_sock socks[VM_SNAP_SOCKS_MAX];
    struct vm_arp arp[VM_SNAP_ARP_MAX];
    uint32_t words[VM_SNAP_WORDS];
};

/* One host's snapshots (view_model.c). */
struct vm_hsnaps;

/* A frame on a link: from its WIRE event to its arrival (or loss). 16
 * bytes: event indexes fit 32 bits (vm_update() stops the log before
 * they would not). */
struct vm_wire {
    uint32_t at;      /* the WIRE event */
    uint32_t end;     /* the event that took it off the link (RX or DROP), or
                         n_events if it was still in flight at the end */
    int32_t from;     /* sending host index, or -1 */
    int32_t to;       /* receiving host index, or -1 */
};

/* What the filter and the layers pane ask of every event, packed in 4 bytes,
 * so that finding the next matching event reads 4 bytes an event. */
struct vm_key {
    uint16_t where;   /* index into view_model.wheres */
    uint8_t kl;       /* kind << 4 | layer */
    uint8_t protos;   /* VM_P_* bits: the headers the frame holds */
};

/* The headers a frame holds, by the first word of the packet pane's heading
 * for each ("Ethernet", "IPv4", ...); VM_P_OTHER: one not in this list. */
enum {
    VM_P_ETH = 1u << 0,
    VM_P_IPV4 = 1u << 1,
    VM_P_ARP = 1u << 2,
    VM_P_ICMP = 1u << 3,
    VM_P_UDP = 1u << 4,
    VM_P_TCP = 1u << 5,
    VM_P_DATA = 1u << 6,
    VM_P_OTHER = 1u << 7,
};

/* Event indexes in increasing order, about a byte each: in blocks of
 * VM_LIST_BLOCK, each block's first kept whole (so a query is a binary
 * search over the blocks, then at most a block's differences added up)
 * and the rest as LEB128 differences from the one before (view_index.c). */
#define VM_LIST_BLOCK 64
struct vm_list_block {
    uint32_t first;   /* the block's first index */
    uint32_t off;     /* where its differences start in code */
};
struct vm_list {
    struct vm_list_block *blocks;  /* [n / VM_LIST_BLOCK rounded up] */
    size_t cap_blocks;             /* slots in blocks */
    uint8_t *code;                 /* the differences */
    size_t code_len, code_cap;
    size_t n;                      /* entries */
    uint32_t last;                 /* the latest entry */
};

/* Reading a vm_list from its first entry on. */
struct vm_list_iter {
    const struct vm_list *l;
    size_t k;             /* entries read */
    uint32_t cur;         /* the latest read */
    const uint8_t *p;     /* the next difference */
};
void vm_list_iter_init(struct vm_list_iter *it, const struct vm_list *l);
/* The next entry into *out; false after the last. */
bool vm_list_next(struct vm_list_iter *it, size_t *out);

/* One TCP connection of one host, and the log's events carrying its TCB. */
struct vm_conn {
    int host;              /* host index */
    uint32_t laddr;        /* local address (0 over IPv6) */
    uint32_t faddr;        /* foreign address (0 over IPv6) */
    bool v6;               /* over IPv6: the addresses are laddr6/faddr6 */
    bool mapped;           /* IPv4 for an AF_INET6 socket: shown ::ffff:a.b.c.d */
    uint8_t laddr6[16];    /* v6: local address, network order */
    uint8_t faddr6[16];    /* v6: foreign address */
    uint16_t lport;        /* local port */
    uint16_t fport;        /* foreign port */
    struct vm_list events; /* events with this TCB's snapshot */
};

struct view_model {
    const struct scenario *scn;  /* the lesson (not owned) */
    struct record rec;           /* the event log */
    size_t n_events;             /* record_count(&rec) */
    size_t n_steps;              /* scn->n_steps */
    size_t *step_start;          /* n_steps + 1 entries: first event of step i;
                                    step_start[n_steps] == n_events */
    struct vm_hsnaps *hsnaps;    /* [host]: its snapshots, as differences */
    size_t n_hsnaps;             /* hosts in hsnaps */
    size_t n_snaps;              /* snapshots kept, all hosts */
    struct vm_wire *wires;       /* in event order */
    size_t n_wires;              /* entries of wires */
    size_t cap_wires;            /* slots in wires */
    uint64_t seed;               /* the seed the run used */
    unsigned expects_passed;     /* verdicts of the headless run */
    unsigned expects_failed;
    size_t cap_steps;            /* slots in step_start (live calls add steps) */
    size_t first_open_wire;      /* wires before it have their end */
    struct vm_frame *frames;     /* frame id -> its sender and wire in flight
                                    (view_model.c), so wires are indexed in
                                    one pass over the log */
    size_t n_frames;             /* entries used */
    size_t cap_frames;           /* slots (a power of two, or 0) */
    bool frames_dropped;         /* given back after the script: rebuilt
                                    from the log when it grows again */
    struct scn_runner *runner;   /* the world, alive after the script */
    struct vm_snapper *snapper;  /* the sink that snapshots hosts */
    unsigned n_live;             /* statements run from the command line */
    bool failed;                 /* memory ran out while recording */
    /* Indexes over the log (view_index.c), so that no key has to read every
     * event: built by vm_index_extend() as the log grows. */
    size_t n_indexed;            /* events indexed */
    struct vm_key *keys;         /* per event */
    size_t cap_keys;             /* slots in keys */
    const char **wheres;         /* distinct `where` names (the record's own strings) */
    size_t n_wheres;             /* entries of wheres */
    size_t cap_wheres;           /* slots in wheres */
    size_t n_hosts_indexed;      /* hosts the per-host lists have room for */
    struct vm_list *by_layer;    /* [host * LAYER_COUNT + layer]: its events */
    struct vm_list *tcp_states;  /* [host + 1]: TCP state changes ([0]: any host) */
    struct vm_conn *conns;       /* TCP connections seen in TCB snapshots */
    size_t n_conns;              /* entries of conns */
    size_t cap_conns;            /* slots in conns */
    size_t wire_life;            /* the most events a frame spent on a link */
    size_t wires_lived;          /* wires whose (final) life wire_life counts */
    bool held;                   /* TAP mode: the script waits at a `pause` while
                                    the world runs on (the view sets it) */
    char **strs;                 /* the sockets' strings, interned (vm_sock) */
    size_t n_strs;               /* strings held */
    size_t cap_strs;             /* slots in strs and str_slots' half */
    uint32_t *str_slots;         /* open addressing by hash: 1 + index, 0 free */
#define VM_STR_RECENT 8
    uint32_t str_recent[VM_STR_RECENT];  /* ids interned last, tried first */
    unsigned str_recent_next;    /* the slot the next one takes */
};

/* Run scn headless and record it. seed_given overrides the file's seed.
 * 0, or -1 with a message in err (a runner error, or memory). */
int view_model_build(struct view_model *m, const struct scenario *scn, bool seed_given,
                     uint64_t seed, char *err, size_t err_len);
void view_model_destroy(struct view_model *m);

/* The world built and the log attached, no step run yet (so a TAP device
 * can be attached to m->runner first: scn_runner_attach_tap_arg). */
int view_model_open(struct view_model *m, const struct scenario *scn, bool seed_given,
                    uint64_t seed, char *err, size_t err_len);
/* Run and record the script's next step. false when none was left. */
bool vm_run_step(struct view_model *m);

/* Run text, one statement typed on the command line, after the script (every
 * step of which has run): scn_runner_live(). scn is m->scn, writable. The
 * new step's events start at m->step_start[returned index]; result (may be
 * NULL) gets the last line the runner printed about it ("=> 0", a verdict).
 * -1 with diag holding the parser's (or runner's) error when it did not run. */
long vm_live_call(struct view_model *m, struct scenario *scn, const char *text,
                  struct scn_diag *diag, char *result, size_t result_len);

/* TAP mode: the world runs in real time (a device was attached). */
bool vm_realtime(const struct view_model *m);
/* Its devices' descriptors (up to max), for the view's poll(). */
size_t vm_live_fds(const struct view_model *m, int *fds, size_t max);
/* Milliseconds until something is due in the world after the script, 0 if
 * now, -1 if nothing is (or the script still runs, or not TAP mode). */
int vm_live_timeout_ms(const struct view_model *m);
/* After the script, in TAP mode: run what the wall clock and the wire bring
 * (never blocks) and record it. true if the log grew. */
bool vm_live_poll(struct view_model *m);
/* Where the model's memory goes, in bytes: the log's parts, and the rest
 * (socket snapshots, wire pairs, indexes). */
struct vm_memory {
    size_t index;               /* the log's entries */
    size_t text;                /* the log's sentences */
    size_t packet;              /* the log's packet bytes */
    size_t tcb;                 /* the log's TCB snapshots */
    size_t model;               /* the model's snapshots, wires (and the
                                   frame table pairing them), steps,
                                   strings and indexes */
    size_t total;               /* everything, arena slack included */
    size_t events_with_packet;  /* events that carry a packet */
};
void view_model_memory(const struct view_model *m, struct vm_memory *out);

/* Index events from m->n_indexed to m->n_events, and the snapshots and
 * wires taken since the last call. 0, or -1 when memory runs out. */
int vm_index_extend(struct view_model *m);
void vm_index_free(struct view_model *m);
/* Give back the indexes' slack (the script is recorded; more may come). */
void vm_index_compact(struct view_model *m);
/* Bytes the indexes take. */
size_t vm_index_memory(const struct view_model *m);
/* The latest event of host at layer at or before event i, or SIZE_MAX. */
size_t vm_last_at_layer(const struct view_model *m, int host, enum trace_layer layer, size_t i);
/* The latest TCP state change at or before i, on host (-1: any), or SIZE_MAX. */
size_t vm_last_tcp_state(const struct view_model *m, int host, size_t i);
/* The last event at or before i carrying connection c's TCB (IPv4 or
 * IPv6; an unchosen local address matches any), or SIZE_MAX. */
size_t vm_conn_last(const struct view_model *m, const struct vm_conn *c, size_t i);
/* c's foreign end as `ss` writes it: "192.0.2.2:80", "[2001:db8::2]:80",
 * "[::ffff:192.0.2.2]:80" (IPv4 for an AF_INET6 socket).
 * buf holds VM_ENDPOINT_STRLEN. */
#define VM_ENDPOINT_STRLEN 56
char *vm_conn_foreign(const struct vm_conn *c, char *buf);
/* The latest event at or before i carrying the TCB of host's connection
 * laddr:lport - faddr:fport (laddr 0 matches any), or SIZE_MAX. */
size_t vm_last_tcb(const struct view_model *m, int host, uint32_t laddr, uint16_t lport,
                   uint32_t faddr, uint16_t fport, size_t i);

/* Event i; false past the end. */
bool vm_event(const struct view_model *m, size_t i, struct record_event *out);
/* Event i without its sentence (text ""), which is then not built. */
bool vm_event_facts(const struct view_model *m, size_t i, struct record_event *out);
/* The step (0-based) event i belongs to; 0 when there are no steps. */
size_t vm_step_of(const struct view_model *m, size_t i);
/* The latest snapshot of host taken at or before event i, decoded into
 * buf (and pointing into it), or NULL (nothing had happened on it yet). */
const struct vm_snap *vm_snap_get(const struct view_model *m, int host, size_t i,
                                  struct vm_snap_buf *buf);
/* Host's snapshots kept (the k-th: vm_snap_nth()), for tests and tools. */
size_t vm_snap_count(const struct view_model *m, int host);
const struct vm_snap *vm_snap_nth(const struct view_model *m, int host, size_t k,
                                  struct vm_snap_buf *buf);
/* The host's name, or "?". */
const char *vm_host_name(const struct view_model *m, int host);
/* The text of a VM_SOCK_V6 socket's laddr or faddr ("2001:db8::1"). */
const char *vm_addr6_text(const struct view_model *m, uint32_t ref);
size_t vm_n_hosts(const struct view_model *m);

#endif
