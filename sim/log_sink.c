/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log_sink.c - the text trace: one deterministic line per trace event.
 *
 * Both a trace sink (lines to a FILE* as the run goes) and a formatter that
 * views and golden-trace tests share. Time is printed with integer arithmetic
 * (seconds and truncated microseconds), so the text never depends on how a
 * libc rounds floating point.
 * Called by: trace_emit() through the sink, views. Calls: trace_layer_name(),
 * drop_reason_sentence(), drop_reason_name(), socket_call_name(),
 * timer_kind_name().
 */
#include "sim/log_sink.h"

#include <inttypes.h>
#include <string.h>

#include "sim/record.h"
#include "stack/drop.h"
#include "stack/host.h"

/* Room for one line; text is at most TRACE_TEXT_LEN, so this is plenty. */
#define LOG_LINE_LEN 512

/* A string being built into a bounded buffer; `len` counts what the whole
 * string would take, as snprintf's return value does. */
struct log_buf {
    char *buf;   /* destination */
    size_t cap;  /* its size */
    size_t len;  /* length of the full string so far */
};

static void
lb_putc(struct log_buf *b, char c)
{
    if (b->len + 1 < b->cap)
        b->buf[b->len] = c;
    b->len++;
}

static void
lb_puts(struct log_buf *b, const char *s)
{
    while (*s)
        lb_putc(b, *s++);
}

/* Text from an event: control characters become "\n", "\t" or "\xNN", so
 * one event is always one line. */
static void
lb_put_text(struct log_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') {
            lb_puts(b, "\\n");
        } else if (c == '\t') {
            lb_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            lb_puts(b, "\\x");
            lb_putc(b, hex[c >> 4]);
            lb_putc(b, hex[c & 15]);
        } else {
            lb_putc(b, (char)c);
        }
    }
}

/* s, then spaces up to width. */
static void
lb_put_padded(struct log_buf *b, const char *s, size_t width)
{
    size_t start = b->len;
    lb_put_text(b, s);
    while (b->len - start < width)
        lb_putc(b, ' ');
}

static int
lb_finish(struct log_buf *b)
{
    if (b->cap > 0)
        b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
    return b->len > INT32_MAX ? INT32_MAX : (int)b->len;
}

const char *
log_dir_name(enum trace_kind kind)
{
    switch (kind) {
    case TRACE_RX:      return "in";
    case TRACE_TX:      return "out";
    case TRACE_DELIVER: return "deliver";
    case TRACE_DROP:    return "drop";
    case TRACE_STATE:   return "state";
    case TRACE_TIMER:   return "timer";
    case TRACE_CACHE:   return "cache";
    case TRACE_WIRE:    return "wire";
    case TRACE_CALL:    return "call";
    case TRACE_NOTE:    return "note";
    case TRACE_KIND_COUNT:
        break;
    }
    return "?";
}

int
log_format_cause(const struct trace_cause *c, char *buf, size_t n)
{
    switch ((enum cause_kind)c->kind) {
    case CAUSE_CALL:
        /* a frame an inject or replay step put on the wire: which line */
        if (c->call == CALL_NONE && c->origin == ORIGIN_INJECT)
            return snprintf(buf, n, "inject step %" PRIu32 ", line %" PRIu32, c->step, c->line);
        if (c->call == CALL_NONE && c->origin == ORIGIN_REPLAY)
            return snprintf(buf, n, "replay step %" PRIu32 ", line %" PRIu32 ", frame %" PRIu32,
                            c->step, c->line, c->frame);
        if (c->call == CALL_NONE)  /* a scenario step that is no socket call */
            return c->step ? snprintf(buf, n, "step %" PRIu32, c->step) : snprintf(buf, n, "%s", "");
        if (c->step != 0)
            return snprintf(buf, n, "%s() step %" PRIu32,
                            socket_call_name((enum socket_call)c->call), c->step);
        return snprintf(buf, n, "%s()", socket_call_name((enum socket_call)c->call));
    case CAUSE_TIMER:
        return snprintf(buf, n, "%s timer", timer_kind_name((enum timer_kind)c->timer));
    case CAUSE_ARRIVAL:
        return snprintf(buf, n, "arrival of #%" PRIu64, c->pkt_id);
    case CAUSE_NONE:
        break;
    }
    return snprintf(buf, n, "%s", "");
}

/* The fields a line shows, from either kind of event. */
struct log_fields {
    uint64_t t_ns;                    /* virtual time */
    enum trace_kind kind;             /* gives the direction column */
    enum trace_layer layer;           /* layer column */
    const char *where;                /* host or link name, or NULL */
    uint64_t pkt_id;                  /* 0: no packet */
    int reason;                       /* enum drop_reason for DROP */
    const char *rfc;                  /* tag or NULL */
    const struct trace_cause *cause;  /* why, or NULL */
    const char *text;                 /* the layer's sentence, or NULL */
};

static int
log_format_fields(const struct log_fields *f, char *buf, size_t n)
{
    struct log_buf b = { .buf = buf, .cap = n, .len = 0 };
    char tmp[64];

    /* "%12.6f" in integers: seconds and truncated microseconds */
    snprintf(tmp, sizeof tmp, "%" PRIu64 ".%06" PRIu64, f->t_ns / 1000000000u,
             f->t_ns % 1000000000u / 1000u);
    for (size_t pad = strlen(tmp); pad < 12; pad++)
        lb_putc(&b, ' ');
    lb_puts(&b, tmp);
    lb_putc(&b, ' ');

    lb_put_padded(&b, f->where && f->where[0] ? f->where : "-", 8);
    lb_putc(&b, ' ');
    lb_put_padded(&b, trace_layer_name(f->layer), 6);
    lb_putc(&b, ' ');
    lb_put_padded(&b, log_dir_name(f->kind), 5);
    lb_putc(&b, ' ');

    if (f->pkt_id != 0) {
        snprintf(tmp, sizeof tmp, "#%" PRIu64 " ", f->pkt_id);
        lb_puts(&b, tmp);
    }

    if (f->kind == TRACE_DROP && (f->text == NULL || f->text[0] == '\0')) {
        enum drop_reason r = (enum drop_reason)f->reason;
        lb_puts(&b, drop_reason_sentence(r));
        lb_puts(&b, " (");
        lb_puts(&b, drop_reason_name(r));
        lb_putc(&b, ')');
    } else if (f->text != NULL) {
        lb_put_text(&b, f->text);
    }

    if (f->rfc != NULL) {
        lb_puts(&b, " [");
        lb_puts(&b, f->rfc);
        lb_putc(&b, ']');
    }

    if (f->cause != NULL && log_format_cause(f->cause, tmp, sizeof tmp) > 0) {
        lb_puts(&b, "  (cause: ");
        lb_puts(&b, tmp);
        lb_putc(&b, ')');
    }
    return lb_finish(&b);
}

int
log_format_event(const struct trace_event *ev, char *buf, size_t n)
{
    const char *where = ev->where;
    if ((where == NULL || where[0] == '\0') && ev->host != NULL)
        where = ev->host->name;
    struct log_fields f = {
        .t_ns = ev->t_ns,
        .kind = ev->kind,
        .layer = ev->layer,
        .where = where,
        .pkt_id = ev->pkt ? ev->pkt->id : 0,
        .reason = ev->reason,
        .rfc = ev->rfc,
        .cause = &ev->cause,
        .text = ev->text,
    };
    return log_format_fields(&f, buf, n);
}

int
log_format_record(const struct record_event *ev, char *buf, size_t n)
{
    struct log_fields f = {
        .t_ns = ev->t_ns,
        .kind = ev->kind,
        .layer = ev->layer,
        .where = ev->where,
        .pkt_id = ev->pkt_id,
        .reason = ev->reason,
        .rfc = ev->rfc,
        .cause = &ev->cause,
        .text = ev->text,
    };
    return log_format_fields(&f, buf, n);
}

static void
log_sink_emit(void *ctx, const struct trace_event *ev)
{
    struct log_sink *ls = ctx;
    char line[LOG_LINE_LEN];
    log_format_event(ev, line, sizeof line);
    if (fputs(line, ls->out) == EOF || fputc('\n', ls->out) == EOF)
        ls->error = true;
    ls->lines++;
}

void
log_sink_init(struct log_sink *ls, FILE *out)
{
    memset(ls, 0, sizeof *ls);
    ls->out = out;
    ls->sink.emit = log_sink_emit;
    ls->sink.ctx = ls;
}

void
log_sink_attach(struct log_sink *ls, struct trace *tr)
{
    if (ls->tr != NULL)
        return;
    trace_attach(tr, &ls->sink);
    ls->tr = tr;
}

void
log_sink_detach(struct log_sink *ls)
{
    if (ls->tr == NULL)
        return;
    trace_detach(ls->tr, &ls->sink);
    ls->tr = NULL;
}
