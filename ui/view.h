/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view.h - the classroom view's panes: pure renderers from (model, cursor,
 * size) to a character grid.
 *
 * struct view_state is everything a person can change (the cursor, the
 * filter, the focused pane, play and speed); struct view_opts is what the
 * command line chose (line drawing, layer model). view_render() lays the
 * screen out for the grid's size and calls each pane's renderer with its
 * rectangle; the same inputs always give the same grid, so stepping back
 * shows exactly what was shown before. No curses here (tui_curses.c blits).
 */
#ifndef NETSTEP_UI_VIEW_H
#define NETSTEP_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/cmdline.h"
#include "ui/grid.h"
#include "ui/view_model.h"

enum view_pane {
    PANE_EVENTS,
    PANE_PACKET,
    PANE_BYTES,
    PANE_SOCKETS,
    PANE_COUNT
};

/* Play speeds: events a second, from slowest. */
#define VIEW_SPEEDS 6
extern const unsigned view_speed_eps[VIEW_SPEEDS];

#define VIEW_FILTER_LEN 32
#define VIEW_TIME_LEN 24
#define VIEW_NOTE_LEN 96
/* Bookmarks are named by the letters a to z, as marks are in vi and less. */
#define VIEW_MARKS 26
/* The longest answer typed on a question card (a number, a host name, flags). */
#define VIEW_ANSWER_LEN 64

/* A card over the screen, closed by any key: the lesson's introduction
 * (its `about` text), the text of a `pause` play stopped at, or why the
 * world halted (a storm; tui.c stops play at the halt and shows it). */
enum view_card {
    VIEW_CARD_NONE,
    VIEW_CARD_ABOUT,
    VIEW_CARD_PAUSE,
    VIEW_CARD_ASK,      /* an `ask`: the question large, until it is revealed */
    VIEW_CARD_HALT,
};

struct view_state {
    size_t cursor;                  /* the selected event */
    bool playing;                   /* advancing on its own */
    int speed;                      /* index into view_speed_eps */
    enum view_pane focus;           /* where up/down/enter go */
    bool bottom_sockets;            /* narrow screens: sockets, not bytes */
    bool help;                      /* the help screen is up */
    bool tcp_states;                /* the TCP state diagram replaces the packet panes */
    bool ladder;                    /* the ladder diagram replaces them (view_ladder.c) */
    bool plot;                      /* the cwnd plot replaces them (view_plot.c) */
    bool map;                       /* the topology map replaces them (view_map.c) */
    bool editing_filter;            /* typing after '/' */
    char filter[VIEW_FILTER_LEN];   /* host, layer or protocol; "" = all */
    int field;                      /* selected line of the packet pane */
    int sock_sel;                   /* selected socket or ARP entry of the
                                       sockets pane (up/down when it has
                                       the focus) */
    unsigned collapsed;             /* packet pane: bit per layer (0..3) the
                                       person folded away */
    int host_first;                 /* first host column shown */
    struct cmdline cmd;             /* the ':' command line (ui/cmdline.h) */
    int pending;                    /* 'm' or '\'' waiting for its letter, else 0 */
    bool editing_time;              /* typing a time after '@' */
    char time_input[VIEW_TIME_LEN]; /* what was typed so far */
    char note[VIEW_NOTE_LEN];       /* the answer to the last key ("mark a set
                                       at event 12"); the key bar shows it
                                       until the next key */
    size_t marks[VIEW_MARKS];       /* bookmark a..z: an event index */
    uint32_t marks_set;             /* bit per letter in use */
    size_t jump_from;               /* where the last jump left from ('' goes back) */
    bool have_jump;                 /* jump_from is set */
    enum view_card card;            /* the card shown, or VIEW_CARD_NONE */
    size_t card_step;               /* VIEW_CARD_PAUSE, VIEW_CARD_ASK: the step */
    unsigned card_choice;           /* VIEW_CARD_ASK: the choice typed (1-9), 0 none */
    char card_typed[VIEW_ANSWER_LEN]; /* VIEW_CARD_ASK: the answer a student
                                       typed ("SA", "bob", "14618"), "" none */
    bool osi_flip;                  /* 'o': the other layer model than --model */
    bool projector;                 /* 'P' or --projector: the layout for a
                                       projector (large fonts, 80x24 to 100x30) */
    bool conn_table;                /* 'T': every TCP connection in one table
                                       replaces the packet panes */
};

struct view_printed;

struct view_opts {
    bool utf8;      /* box drawing and arrows; else ASCII */
    bool osi;       /* OSI names beside the TCP/IP rows */
    const char *file;  /* the lesson as named on the command line */
    const struct view_printed *printed;  /* what ping and traceroute printed
                                            (ui/view_printed.h), or NULL */
    size_t recording;  /* events recorded so far while the lesson is still
                          being recorded behind the view (ui/view_bg.h);
                          0 once it is all recorded */
};

/* The start state: cursor on the first event, paused. */
void view_state_init(struct view_state *st);
/* The start state of a lesson opening in the view: view_state_init(), with
 * the lesson's introduction as a card when it has one. */
void view_state_open(const struct view_model *m, struct view_state *st);

/* The text of the pause at step s, or NULL (not a pause, or no text). */
const char *view_pause_text(const struct view_model *m, size_t s);
/* The first `pause` step after event `from` up to event `to` (the steps
 * the cursor entered going from one to the other), or SIZE_MAX. */
size_t view_pause_between(const struct view_model *m, size_t from, size_t to);
/* The event that answered the `ask` at step s (its "answer to step" note
 * names it), with the answer's text in answer[0..n); SIZE_MAX if the stack
 * never answered it (or s is not an ask, or its answer is the lesson's own:
 * then answer still holds it and the note's own event is returned). */
size_t view_ask_answer(const struct view_model *m, size_t s, char *answer, size_t n);
/* Whether the lesson's own answer to step s (an `ask ... answer N`) is
 * still the card's to reveal: the cursor has not reached the note that
 * gives it. The events and script panes show it only then, so the class
 * cannot read it off the screen before the reveal. An answer the stack
 * gives is an event of its own, shown as the events happen. */
bool view_fixed_answer_hidden(const struct view_model *m, const struct view_state *st,
                              size_t s);
/* Step s's text as the panes show it: as written, but for a lesson's own
 * answer that view_fixed_answer_hidden() keeps back ("answer ?"). */
const char *view_step_text(const struct view_model *m, const struct view_state *st, size_t s,
                           char *buf, size_t n);
/* The same for a trace event: a runner's note "answer to step N: ..."
 * whose answer view_fixed_answer_hidden() keeps back. */
bool view_event_hides_answer(const struct view_model *m, const struct view_state *st,
                             const struct record_event *ev);
/* The projector layout of the whole screen (view_projector.c): view_render()
 * calls it when st->projector is set, header drawn. */
void view_render_projector(const struct view_model *m, const struct view_state *st,
                           const struct view_opts *o, struct grid *g);
/* The card (introduction or pause) over rectangle r. */
void view_render_card(const struct view_model *m, const struct view_state *st,
                      const struct view_opts *o, struct grid *g, struct grid_rect r);

/* The whole screen into g (its size decides the layout). */
void view_render(const struct view_model *m, const struct view_state *st,
                 const struct view_opts *o, struct grid *g);

/* The panes, each into rectangle r of g (frame included). */
void view_render_header(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
void view_render_keybar(const struct view_state *st, struct grid *g, struct grid_rect r);
/* The key bar's line while a mark or time key waits for input (the marks in
 * use, the time typed so far), or the note answering the last key; false
 * (nothing drawn) when there is none of these. */
bool view_render_jumpbar(const struct view_model *m, const struct view_state *st, struct grid *g,
                         struct grid_rect r);
void view_render_script(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
void view_render_layers(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
/* Lines the layers pane's sentence (the selected event's, with its RFC)
 * takes wrapped in a pane w wide. */
int view_layers_sentence_lines(const struct view_model *m, const struct view_state *st, int w);
void view_render_events(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
void view_render_packet(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
void view_render_bytes(const struct view_model *m, const struct view_state *st,
                       const struct view_opts *o, struct grid *g, struct grid_rect r);
void view_render_sockets(const struct view_model *m, const struct view_state *st,
                         const struct view_opts *o, struct grid *g, struct grid_rect r);
/* How many sockets and ARP entries the sockets pane lists as of the cursor
 * (the range of st->sock_sel). */
int view_sockets_items(const struct view_model *m, const struct view_state *st);
void view_render_help(const struct view_opts *o, struct grid *g, struct grid_rect r);
/* The TCP state diagram with the last transition at or before the cursor. */
void view_render_tcp_states(const struct view_model *m, const struct view_state *st,
                            const struct view_opts *o, struct grid *g, struct grid_rect r);

/* The ladder diagram around the cursor, the cursor's event lit (view_ladder.c). */
void view_render_ladder(const struct view_model *m, const struct view_state *st,
                        const struct view_opts *o, struct grid *g, struct grid_rect r);
/* cwnd against time for every TCP sender, a line at the cursor's time
 * (view_plot.c). */
void view_render_plot(const struct view_model *m, const struct view_state *st,
                      const struct view_opts *o, struct grid *g, struct grid_rect r);

/* The topology with the frames on its links as of the cursor (view_map.c). */
void view_render_map(const struct view_model *m, const struct view_state *st,
                     const struct view_opts *o, struct grid *g, struct grid_rect r);

/* Every TCP connection as of the cursor, one row each until it is CLOSED
 * (view_conns.c); and how many rows that is. */
void view_render_conns(const struct view_model *m, const struct view_state *st,
                       const struct view_opts *o, struct grid *g, struct grid_rect r);
int view_conns_count(const struct view_model *m, const struct view_state *st);

/* Whether event ev passes filter f ("" passes everything): f names a host
 * or link, a layer ("ipv4", "udp", "socket"...), a protocol the frame
 * carries ("arp", "icmp", "udp", "tcp"), or is "#N": packet N's events on
 * every host and link it crossed. Case does not matter. */
bool view_filter_match(const struct view_model *m, const struct record_event *ev,
                       const char *f);

/* A filter made ready to test many events by their index: the model's
 * per-event keys (view_model.h) instead of decoding frames. */
struct view_filter {
    const char *f;            /* the filter ("" passes everything) */
    bool all;                 /* f is "" */
    uint8_t where_ok[256];    /* by where id (below 256): the name is f */
    uint16_t layers;          /* bit per trace layer f names */
    bool drops;               /* f is "drop" */
    uint64_t pkt_id;          /* f is "#N": packet N's events, else 0 */
    unsigned protos;          /* VM_P_* bits f names */
};
void view_filter_init(struct view_filter *vf, const struct view_model *m, const char *f);
/* view_filter_match() for event i, reading 4 bytes unless its frame holds a
 * header the key does not name. */
bool view_filter_hit(const struct view_model *m, const struct view_filter *vf, size_t i);
/* The first event that passes vf from event i on (dir 1) or back (dir -1),
 * i included, or SIZE_MAX. */
size_t view_filter_find(const struct view_model *m, const struct view_filter *vf, size_t i,
                        int dir);

/* The event that caused event i: for an arrival, the packet's latest
 * event before it on the same host (any host if none there); for a timer,
 * the timer's expiry on the host before it; for a socket call, the call's
 * own event in its step (logged when the call returns), else the step's
 * first event. SIZE_MAX when the log holds none. */
size_t view_cause_event(const struct view_model *m, size_t i);
/* Wrap the `say` steps in [begin, end) of scn into lines of at most w:
 * consecutive says that continue one sentence (the first does not end in
 * . ! or ?) are wrapped as one paragraph, so a sentence split over two
 * `say` lines never shows as separate fragments; a sentence the last say
 * in the range leaves open is completed from the says after it. Returns
 * the line count. */
int view_wrap_says(const struct scenario *scn, size_t begin, size_t end, int w,
                   void (*out)(void *ctx, const char *line, size_t len), void *ctx);
/* For a blocking call shown as the script wrote it (a pending line
 * `connect(3, ...) ...` and its return): the detail a student may ask for,
 * into buf: when it returned or how long it blocked, and the non-blocking
 * mechanics underneath. 0 and "" for any other event. */
int view_call_detail(const struct view_model *m, size_t i, char *buf, size_t n);
/* Whether call event i is the return of a blocking call whose pending line
 * came first (the same call, not a second one: a picture marks it once). */
bool view_call_returns(const struct view_model *m, size_t i);

/* Moves: each returns the new cursor. */
size_t view_next_event(const struct view_model *m, const struct view_state *st);
size_t view_prev_event(const struct view_model *m, const struct view_state *st);
size_t view_next_step(const struct view_model *m, size_t cursor);
size_t view_prev_step(const struct view_model *m, size_t cursor);

/* A time as typed after '@': "1.5s", "250ms", "20us", "900ns", "2" (seconds),
 * or relative to now_ns with a sign ("+10ms", "-1s"; a time before 0 is 0).
 * Blanks around the number and unit are allowed. false if s is not a time. */
bool view_parse_time(const char *s, uint64_t now_ns, uint64_t *out_ns);
/* The first event at or after t_ns that passes st's filter; past the end of
 * the lesson, the last one that passes it; st->cursor if none does. */
size_t view_time_event(const struct view_model *m, const struct view_state *st, uint64_t t_ns);

/* ---- packet decoding (view_packet.c), shared with tests ---------------- */

/* Layers of a decoded frame, outermost first; also bits of `collapsed`. */
enum pkt_layer {
    PL_LINK,       /* Ethernet */
    PL_NET,        /* IPv4 or ARP */
    PL_TRANSPORT,  /* ICMP, UDP, TCP */
    PL_DATA,       /* the payload */
    PL_COUNT
};

#define PKT_LINE_TEXT 96
#define PKT_LINES_MAX 64

/* One line of the packet pane: a layer heading or one field of it. */
struct pkt_line {
    enum pkt_layer layer;        /* which layer */
    bool heading;                /* the layer's summary line */
    char text[PKT_LINE_TEXT];    /* "ttl 64", or the heading */
    char meaning[PKT_LINE_TEXT]; /* one line saying what it means */
    int off;                     /* the field's first byte in the event's bytes */
    int len;                     /* its length (0: no bytes of its own) */
};

/* Decode the bytes of ev field by field, outermost header first, from the
 * first layer the bytes still hold. Returns the number of lines. */
int view_decode(const struct record_event *ev, struct pkt_line *lines, int max);
/* The VM_P_* bits of the headings view_decode() gives ev; of one heading
 * (by its first word); of a filter word (case does not matter; "ip" and
 * "eth" as well). */
unsigned view_frame_protos(const struct record_event *ev);
unsigned view_heading_protos(const char *heading);
unsigned view_word_protos(const char *word);
/* Whether ev is about a packet: it has an id, and its bytes (if it carries
 * any) had a header at some layer. A local socket's bytes never do: they go
 * socket to socket, and the id the stack's buffer has names no packet. */
bool view_event_is_packet(const struct record_event *ev);
/* The layer unfolded by default for ev: its own, or the first the bytes hold. */
int view_packet_layer_own(const struct record_event *ev, const struct pkt_line *lines, int n);
/* Lines the packet pane has for the cursor's event (to bound st->field),
 * with the selected one in *sel; and the layer of the selected line (for
 * folding), or -1. */
int view_packet_lines(const struct view_model *m, const struct view_state *st, int *sel);
int view_packet_layer_at(const struct view_model *m, const struct view_state *st);

#endif
