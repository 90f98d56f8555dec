/*
 * view_model.h - the classroom view's model: a whole lesson, recorded.
 *
 * view_model_build() runs the scenario headless, start to end, with the event
 * log (sim/record.h) attached, remembering at which event each step begins and
 * snapshotting every host's sockets and ARP cache (inspect_*()) whenever an
 * event may have changed them. The view is then a cursor over the log:
 * stepping forward or back moves the cursor, and every pane is a pure
 * function of (model, cursor, size) [DESIGN 6]. Nothing here draws, and
 * nothing here holds a pointer into the stack once the build returns.
 */
#ifndef NETSTEP_UI_VIEW_MODEL_H
#define NETSTEP_UI_VIEW_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/record.h"
#include "sim/scenario.h"

/* One socket as inspect_socket() showed it. */
struct vm_sock {
    int fd;              /* descriptor */
    char proto[8];       /* "udp", "icmp", "tcp" */
    uint32_t laddr;      /* local address, host order */
    uint16_t lport;      /* local port */
    uint32_t faddr;      /* foreign address */
    uint16_t fport;      /* foreign port */
    bool bound;          /* has a local port */
    bool connected;      /* has a fixed peer */
    char state[16];      /* "UNCONN", "ESTAB", a TCP state */
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
    char timers[48];        /* "rexmt,delack" or "-" */
};

/* One ARP cache entry as inspect_arp() showed it. */
struct vm_arp {
    uint32_t ip;            /* protocol address */
    uint8_t mac[6];         /* hardware address, zero while incomplete */
    char state[16];         /* "REACHABLE", "INCOMPLETE", ... */
    unsigned queued;        /* packets waiting on it */
};

/* A host's sockets and ARP cache right after event `at`. */
struct vm_snap {
    size_t at;              /* event index */
    int host;               /* host index */
    size_t n_socks;         /* entries of socks */
    struct vm_sock *socks;  /* in fd order */
    size_t n_arp;           /* entries of arp */
    struct vm_arp *arp;     /* in cache order */
};

/* A frame on a link: from its WIRE event to its arrival (or loss). */
struct vm_wire {
    size_t at;        /* the WIRE event */
    size_t end;       /* the event that took it off the link (RX or DROP), or
                         n_events if it was still in flight at the end */
    int from;         /* sending host index, or -1 */
    int to;           /* receiving host index, or -1 */
};

struct view_model {
    const struct scenario *scn;  /* the lesson (not owned) */
    struct record rec;           /* the event log */
    size_t n_events;             /* record_count(&rec) */
    size_t n_steps;              /* scn->n_steps */
    size_t *step_start;          /* n_steps + 1 entries: first event of step i;
                                    step_start[n_steps] == n_events */
    struct vm_snap *snaps;       /* in event order */
    size_t n_snaps;              /* entries of snaps */
    size_t cap_snaps;            /* slots in snaps */
    struct vm_wire *wires;       /* in event order */
    size_t n_wires;              /* entries of wires */
    uint64_t seed;               /* the seed the run used */
    unsigned expects_passed;     /* verdicts of the headless run */
    unsigned expects_failed;
};

/* Run scn headless and record it. seed_given overrides the file's seed.
 * 0, or -1 with a message in err (a runner error, or memory). */
int view_model_build(struct view_model *m, const struct scenario *scn, bool seed_given,
                     uint64_t seed, char *err, size_t err_len);
void view_model_destroy(struct view_model *m);

/* Where the model's memory goes, in bytes: the log's parts, and the rest
 * (socket snapshots, wire pairs, indexes). */
struct vm_memory {
    size_t index;               /* the log's entries */
    size_t text;                /* the log's sentences */
    size_t packet;              /* the log's packet bytes */
    size_t tcb;                 /* the log's TCB snapshots */
    size_t model;               /* snapshots, wires, indexes of the model */
    size_t total;               /* everything, arena slack included */
    size_t events_with_packet;  /* events that carry a packet */
};
void view_model_memory(const struct view_model *m, struct vm_memory *out);

/* Event i; false past the end. */
bool vm_event(const struct view_model *m, size_t i, struct record_event *out);
/* The step (0-based) event i belongs to; 0 when there are no steps. */
size_t vm_step_of(const struct view_model *m, size_t i);
/* The latest snapshot of host taken at or before event i, or NULL (nothing
 * had happened on it yet). */
const struct vm_snap *vm_snap_at(const struct view_model *m, int host, size_t i);
/* The host's name, or "?". */
const char *vm_host_name(const struct view_model *m, int host);
size_t vm_n_hosts(const struct view_model *m);

#endif
