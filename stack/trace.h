/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace.h - the trace bus: the stack's only window out.
 *
 * Every layer boundary emits one event: trace_rx() right after a layer parsed
 * its header, trace_tx() right before it hands the packet down, pkt_drop() when
 * a packet dies, and state, cache, timer and call events in between. Each event
 * says which host, which layer, what the layer decided (a sentence with its RFC
 * tag) and its cause. Sinks (the event log, the text trace, the capture, a test
 * recorder) subscribe with trace_attach(); the stack never knows who listens.
 * An event borrows its packet for the duration of the call only.
 *
 * The sentence is built only when a sink reads it: a sink says what it needs
 * (trace_attach_need()). Sinks that print need the text; the event log keeps
 * the format and its arguments and builds the sentence when something shows
 * it; a capture needs the frames and causes only. When no sink needs the
 * text, ev->text is empty and nothing is formatted.
 */
#ifndef NETSTEP_STACK_TRACE_H
#define NETSTEP_STACK_TRACE_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/trace_cause.h"

struct host;
struct pkt;

enum trace_kind {
    TRACE_RX,       /* a layer accepted and parsed a packet on the way up */
    TRACE_TX,       /* a layer built its header and hands the packet down */
    TRACE_DELIVER,  /* data reached a socket's receive queue */
    TRACE_DROP,     /* a packet was discarded; `reason` says why */
    TRACE_STATE,    /* a socket or TCB changed state */
    TRACE_TIMER,    /* a timer was armed, fired or stopped */
    TRACE_CACHE,    /* the ARP cache changed */
    TRACE_WIRE,     /* a frame entered, left or was lost on a link */
    TRACE_CALL,     /* a socket call was made and returned */
    TRACE_NOTE,     /* narration: a scenario `say`, or a step boundary */
    TRACE_KIND_COUNT
};

enum trace_layer {
    LAYER_NONE,
    LAYER_APP,     /* the scenario: the application above the socket */
    LAYER_SOCKET,  /* the facade */
    LAYER_TCP,
    LAYER_UDP,
    LAYER_ICMP,
    LAYER_IPV4,
    LAYER_ARP,
    LAYER_ETH,
    LAYER_WIRE,    /* the link between two interfaces */
    LAYER_IPV6,    /* IPv6 and its extension headers [RFC 8200] */
    LAYER_ICMPV6,  /* ICMPv6 [RFC 4443] and neighbour discovery [RFC 4861] */
    LAYER_COUNT
};

/* A small snapshot of the TCB a TCP event touched (docs/architecture.md,
 * "The trace bus and the event log"): the numbers
 * the view's TCB pane shows, as of the event. A connection over IPv6 names
 * its ends in laddr6/faddr6 (network order, as on the wire) and leaves
 * laddr/faddr 0; an IPv4 one leaves laddr6/faddr6 all zero. */
struct trace_tcb {
    const char *state;   /* "ESTABLISHED" (a static string) */
    bool v6;             /* over IPv6 [RFC 8200]: the addresses are laddr6/faddr6 */
    bool mapped;         /* over IPv4 for an AF_INET6 socket: its ends read as
                            IPv4-mapped addresses [RFC 4291 2.5.5.2] */
    uint32_t laddr;      /* which connection: local address, */
    uint32_t faddr;      /* foreign address, */
    uint8_t laddr6[16];  /* v6: local address (all zero: any, a listener) */
    uint8_t faddr6[16];  /* v6: foreign address */
    uint16_t lport;      /* local port */
    uint16_t fport;      /* and foreign port */
    uint32_t iss;        /* initial send sequence number */
    uint32_t irs;        /* initial receive sequence number (0 before the SYN) */
    uint32_t snd_una;    /* oldest unacknowledged */
    uint32_t snd_nxt;    /* next to send */
    uint32_t snd_wnd;    /* peer's window, bytes */
    uint32_t rcv_nxt;    /* next expected */
    uint32_t rcv_wnd;    /* our advertised window, bytes */
    uint32_t cwnd;       /* congestion window, bytes */
    uint32_t ssthresh;   /* slow-start threshold, bytes */
    uint64_t srtt_ns;    /* smoothed RTT, 0 before a sample */
    uint64_t rto_ns;     /* current RTO with back-off */
    uint64_t rtt_ns;     /* the last RTT sample R [RFC 6298 2], 0 before one */
    uint64_t rtt_at_ns;  /* when that sample was taken */
    uint32_t rtt_samples; /* how many samples so far */
};

/* Conversions a sentence's format may hold beside printf's own, so that a
 * layer passes an address as the number it already has and the text is made
 * only when something reads the sentence (the event log keeps the number:
 * 4 bytes, not a 16-byte string formatted for every packet):
 *   TRACE_IPV4  a uint32_t IPv4 address in host order, read "192.0.2.1";
 *   TRACE_MAC   a MAC address packed by trace_mac(), read "02:00:5e:00:53:01".
 * They are printf conversions with the ' flag, so the compiler checks each
 * argument's type as for any other; only the bus's formatter reads them so
 * (trace_vformat()). A sink reads a sentence with trace_event_text(), never
 * with vsnprintf() of ev->fmt. No width or precision goes with them. */
#define TRACE_IPV4 "%'u"
#define TRACE_MAC "%'" PRIu64

/* One more such conversion stands for a whole header, so that TCP passes no
 * string for the segment it sends or receives (describing it cost more than
 * handling it):
 *   TRACE_TCP  the TCP segment of the event's own packet (the header at the
 *              packet's l4 offset, or at its data when it has none), in
 *              tcp_describe()'s words: "80 > 49152: Flags [S.], seq 7, ack 1,
 *              win 65535, options [mss 1460], length 0". Its argument is the
 *              segment's payload length, a size_t.
 *   TRACE_TCP_CUT(n)  the same words cut to at most n characters (n a
 *              literal), as a description written into an n + 1 byte buffer
 *              was.
 * A text sink formats it when the event is emitted, from the packet the
 * event borrows; the event log keeps nothing for it and reads the header
 * again from the frame bytes it keeps. Formatted without a packet
 * (trace_vformat()) it reads "(no TCP segment)". */
#define TRACE_TCP "%'zu"
#define TRACE_TCP_CUT(n) "%'." #n "zu"

/* The six bytes of a MAC address as one number for TRACE_MAC. */
static inline uint64_t
trace_mac(const uint8_t mac[6])
{
    return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
           (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | (uint64_t)mac[5];
}

/* vsnprintf() that also reads TRACE_IPV4 and TRACE_MAC: the same text, cut
 * the same way, the same return value. */
int trace_vformat(char *buf, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* vsnprintf() without printf's machinery for a format whose conversions
 * are all plain %d, %u, %zu, %lld or %s (no flags, width or precision) and
 * %%: the same text, cut the same way, the same return value; any other
 * format goes to vsnprintf(). For the socket calls' argument lists, built
 * for every call traced (vsnprintf() was most of that). */
int trace_vformat_plain(char *buf, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* trace_vformat() for an event whose TRACE_TCP conversions read the segment
 * seg[0..seg_len) (its TCP header first; NULL: the event has none). */
int trace_vformat_seg(char *buf, size_t n, const char *fmt, va_list ap, const uint8_t *seg,
                      size_t seg_len) __attribute__((format(printf, 3, 0)));
/* The text of a TRACE_TCP conversion whose spec is [spec, spec + len) in
 * the format: -1 if it is not one, else the most characters it may take
 * (its precision; INT32_MAX without one). */
int trace_tcp_conv_cut(const char *spec, size_t len);

/* What a printf conversion's value is, as va_arg() must read it. */
enum trace_conv_arg {
    TRACE_CONV_PERCENT,  /* "%%": no value */
    TRACE_CONV_INT,      /* int (and char, short: promoted) */
    TRACE_CONV_LONG,
    TRACE_CONV_LLONG,
    TRACE_CONV_SIZE,
    TRACE_CONV_INTMAX,
    TRACE_CONV_PTRDIFF,
    TRACE_CONV_DOUBLE,
    TRACE_CONV_LDOUBLE,
    TRACE_CONV_STR,
    TRACE_CONV_PTR,
    TRACE_CONV_BAD,      /* %n, %ls, a positional one: not in the stack's
                            sentences */
};

/* The printf conversion at p (a '%'): where it ends, its '*'s in *stars
 * (int arguments before the value) and its value's class in *arg. The bus's
 * own formatter and the event log (sim/record_fmt.c) read formats with it,
 * so both take a format's arguments alike. */
const char *trace_conv_parse(const char *p, int *stars, enum trace_conv_arg *arg);
/* The text of one TRACE_TCP conversion (spec NUL-terminated, as in the
 * format) for the segment seg[0..seg_len) carrying payload_len bytes of
 * data: at most n bytes written, NUL-terminated (when n > 0); returns the
 * length of the whole text, -1 if spec is not TRACE_TCP. */
int trace_format_tcp(char *buf, size_t n, const char *spec, const uint8_t *seg, size_t seg_len,
                     size_t payload_len);
/* The payload bytes the segment seg[0..seg_len) carries, as its header's
 * data offset says: what a TRACE_TCP argument should be. SIZE_MAX when no
 * header can be read there. */
size_t trace_tcp_payload(const uint8_t *seg, size_t seg_len);
/* The segment a TRACE_TCP conversion of an event about p reads: p's bytes
 * from its l4 offset (from its data when it has none). false, and
 * *seg NULL, when p is NULL or that offset lies outside its bytes. */
bool trace_pkt_segment(const struct pkt *p, const uint8_t **seg, size_t *seg_len);
/* The text of one such conversion: spec is its text as in the format
 * ("%'u"), v the argument. Writes at most n bytes, NUL-terminated (when n >
 * 0), and returns the length of the whole text; -1 if spec is neither. */
int trace_format_number(char *buf, size_t n, const char *spec, uint64_t v);

/* Size of the `text` sentence an event carries: room for a Wire line with
 * TCP timestamps, an application summary and " on LINK". */
#define TRACE_TEXT_LEN 256

struct trace_event {
    uint64_t t_ns;               /* virtual time */
    enum trace_kind kind;        /* what happened */
    enum trace_layer layer;      /* where */
    const struct host *host;     /* on which host, or NULL on a link */
    const char *where;           /* host or link name for sinks that print */
    const struct pkt *pkt;       /* borrowed for the call, or NULL */
    int reason;                  /* enum drop_reason for TRACE_DROP, else 0 */
    const char *rfc;             /* "RFC 791 3.2" or NULL */
    struct trace_cause cause;    /* why */
    bool has_tcb;                /* a TCP event: tcb holds the snapshot */
    struct trace_tcb tcb;        /* the TCB as of this event */
    char text[TRACE_TEXT_LEN];   /* what the layer decided, in words; "" when
                                    no sink needs it (the sentence is then
                                    fmt and args) */
    const char *fmt;             /* the sentence's printf format (a string
                                    literal: it may be read after the call), or
                                    NULL when text was written directly */
    va_list *args;               /* fmt's arguments: a sink that reads them
                                    va_copy()s them first; NULL with fmt */
    bool frame_text;             /* the sentence is frame_describe() of the
                                    packet, then fmt's text, in TRACE_TEXT_LEN
                                    (trace_emit_frame()) */
};

/* What a sink reads of the events it is given. */
enum trace_need {
    TRACE_NEED_TEXT,    /* everything, the sentence in text included */
    TRACE_NEED_FORMAT,  /* everything, the sentence as fmt and args (it
                           builds the text itself, if ever) */
    TRACE_NEED_FRAMES,  /* no sentence at all: kinds, packets, causes */
    TRACE_NEED_WIRE,    /* frames alone (a capture): the Ethernet layer's
                           events and the wire's; no other event is built
                           while only such sinks listen */
};

/* A subscriber. `emit` must not keep ev or ev->pkt past the call. */
struct trace_sink {
    void (*emit)(void *ctx, const struct trace_event *ev);
    void *ctx;                /* the sink's own state */
    struct trace_sink *next;  /* next subscriber; the bus owns the list order */
    enum trace_need need;     /* set by trace_attach_need() */
};

/* The bus: a short list of sinks, in attach order. */
struct trace {
    struct trace_sink *sinks;  /* first attached first */
    uint64_t events;           /* events emitted so far */
    unsigned text_sinks;       /* sinks attached with TRACE_NEED_TEXT */
    unsigned sentence_sinks;   /* with TRACE_NEED_TEXT or TRACE_NEED_FORMAT */
    unsigned event_sinks;      /* with anything but TRACE_NEED_WIRE */
    uint64_t sentences;        /* sentences the helpers formatted (for tests:
                                  a run nobody reads builds none) */
    bool frame_busy;           /* frame_ev is being delivered */
    struct trace_event frame_ev; /* trace_frame()'s event, zeroed by
                                    trace_init(): a frame sets its few fields */
};

void trace_init(struct trace *tr);
/* Subscribe s (owned by the caller, who keeps it alive), needing the text. */
void trace_attach(struct trace *tr, struct trace_sink *s);
/* Subscribe s, needing what `need` says. */
void trace_attach_need(struct trace *tr, struct trace_sink *s, enum trace_need need);
void trace_detach(struct trace *tr, struct trace_sink *s);

/* Start an event: every field but the TCB snapshot (read only when has_tcb
 * says so) and the text past its first byte (the sentence is "" while that
 * is NUL). Field by field: an initializer would zero the 256 bytes of text
 * and the snapshot for every event, which cost more than the event's own
 * work with the log on. The caller then sets what differs (reason, rfc,
 * the snapshot with has_tcb, the sentence). */
static inline void
trace_event_start(struct trace_event *ev, uint64_t t_ns, enum trace_kind kind,
                  enum trace_layer layer, const struct host *host, const char *where,
                  const struct pkt *p, struct trace_cause cause)
{
    ev->t_ns = t_ns;
    ev->kind = kind;
    ev->layer = layer;
    ev->host = host;
    ev->where = where;
    ev->pkt = p;
    ev->reason = 0;
    ev->rfc = NULL;
    ev->cause = cause;
    ev->has_tcb = false;
    ev->text[0] = '\0';
    ev->fmt = NULL;
    ev->args = NULL;
    ev->frame_text = false;
}

/* v in decimal, written backwards so that it ends just before `end`:
 * where it starts (at most 20 digits). For sentences built without
 * printf's machinery. */
char *trace_decimal(char *end, uint64_t v);

/* Deliver ev to every sink. tr may be NULL (a host with nobody listening). */
void trace_emit(struct trace *tr, const struct trace_event *ev);

/* Whether any sink listens on tr. A layer may skip building the sentence of
 * an event nobody will read (describing a header costs more than handling
 * it); it still calls trace_rx()/trace_tx(), which count the packet either
 * way and format nothing when nobody listens. */
static inline bool
trace_wanted(const struct trace *tr)
{
    return tr != NULL && tr->sinks != NULL;
}

/* Whether a sink reads the sentence, as text or as format and arguments. A
 * layer that describes a header before its trace call (the arguments of its
 * sentence) skips that work when not; it still calls the helper if the
 * event's packet is a frame a capture wants (trace_frame()). */
static inline bool
trace_wants_sentence(const struct trace *tr)
{
    return tr != NULL && tr->sentence_sinks > 0;
}

/* Whether a sink reads events other than frames: if not (a capture alone),
 * the helpers build only the Ethernet layer's events, and a layer may skip
 * work that only feeds the others (a TCB snapshot). */
static inline bool
trace_wants_events(const struct trace *tr)
{
    return tr != NULL && tr->event_sinks > 0;
}

/* Whether a sink reads ev->text: if not, an event's sentence need not be
 * written out (its format and arguments go with the event instead). */
static inline bool
trace_wants_text(const struct trace *tr)
{
    return tr != NULL && tr->text_sinks > 0;
}

/* Emit ev (its other fields set, text and fmt unset) whose sentence is
 * frame_describe() of ev->pkt followed by the text of fmt: the suffix is
 * kept whole and the description cut short to fit TRACE_TEXT_LEN. The text
 * is built only when a sink needs it. */
void trace_emit_frame(struct trace *tr, struct trace_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The sentence of a frame_text event whose text was not built, from the
 * frame's bytes and the text of its fmt (suffix): exactly what the bus would
 * have written into text. buf holds TRACE_TEXT_LEN bytes. */
void trace_format_frame_text(const uint8_t *frame, size_t len, const char *suffix,
                             char buf[TRACE_TEXT_LEN]);

/* The sentence of ev as a text sink would have read it: ev->text when the
 * bus built it, else made now from ev->fmt and ev->args (a sink attached
 * for TRACE_NEED_FORMAT builds only the sentences it looks at). Returns
 * ev->text or buf (TRACE_TEXT_LEN bytes). */
const char *trace_event_text(const struct trace_event *ev, char buf[TRACE_TEXT_LEN]);

/* The helpers each layer calls. `fmt` (printf-style, may be NULL) is the
 * sentence the view shows for this layer's decision. The cause is the packet's
 * if it has one, else the host's current cause. */
void trace_rx(struct host *h, enum trace_layer layer, const struct pkt *p,
              const char *rfc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void trace_tx(struct host *h, enum trace_layer layer, const struct pkt *p,
              const char *rfc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* What the helpers above do when nobody listens: count an RX or TX (any
 * other kind counts nothing). A hot path that skips its sentence with
 * trace_wanted() calls this instead, so the counters stay the same. */
void trace_count(struct host *h, enum trace_kind kind, enum trace_layer layer);
/* What the helpers above do when no sink reads the sentence: count, and
 * give the sinks that read frames (a capture) the event without one. */
void trace_frame(struct host *h, enum trace_kind kind, enum trace_layer layer,
                 const struct pkt *p);
/* Any other kind (STATE, CACHE, TIMER, DELIVER, CALL, NOTE). */
void trace_event(struct host *h, enum trace_kind kind, enum trace_layer layer,
                 const struct pkt *p, const char *rfc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A TCP event of any kind carrying a TCB snapshot (tcb may be NULL). */
void trace_tcp(struct host *h, enum trace_kind kind, const struct pkt *p,
               const struct trace_tcb *tcb, const char *rfc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* trace_tcp() for a helper that takes its own arguments (fmt a literal). */
void trace_vtcp(struct host *h, enum trace_kind kind, const struct pkt *p,
                const struct trace_tcb *tcb, const char *rfc, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

const char *trace_kind_name(enum trace_kind k);    /* "RX" */
const char *trace_layer_name(enum trace_layer l);  /* "IPv4" */

#endif
