/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * record_fmt.h - the event log's sentence formats (private to sim/record.c):
 * what a printf format's arguments are, packing them into a kept form,
 * comparing a kept form with an event's arguments, and replaying a kept
 * form to the text vsnprintf() would have made.
 *
 * A kept form is [u16 length of the rest][tag][the format pointer][the
 * packed arguments]; record.c owns the tags and the arena the forms live
 * in, this file only what the arguments look like packed.
 * Called by: sim/record.c. Calls: the trace formatters (stack/trace.h).
 */
#ifndef NETSTEP_SIM_RECORD_FMT_H
#define NETSTEP_SIM_RECORD_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Formats remembered with what their arguments are (a power of two). */
#define RECORD_FMTS 2048u
/* Arguments a format may take for its sentence to be kept unbuilt. */
#define RECORD_FMT_ARGS 24
/* A format's forms kept or found last, compared with the event's arguments
 * before anything is packed (a bulk transfer's Ethernet lines alternate
 * between a data frame's and an ACK's). */
#define RECORD_FMT_RECENT 2

/* What an argument of a format is, as va_arg() must read it. */
enum fmt_arg {
    ARG_INT = 1,  /* int (and char, short: promoted), a '*' width too */
    ARG_WIDE,     /* long, long long, size_t, intmax_t, ptrdiff_t */
    ARG_DOUBLE,   /* double */
    ARG_STR,      /* const char * (copied: it may be the caller's buffer) */
    ARG_PTR,      /* void * (%p) */
    ARG_TCP,      /* TRACE_TCP's size_t: nothing kept, the frame's header
                     is read again when the sentence is built */
};

/* A format, and its arguments in order. */
struct record_fmt {
    const char *fmt;  /* the format (its pointer names it), NULL: slot free */
    bool ok;          /* every conversion is one we can keep and replay */
    bool has_tcp;     /* one of them is TRACE_TCP */
    uint8_t n;        /* arguments */
    uint8_t arg[RECORD_FMT_ARGS];
    uint16_t misses;  /* kept forms that matched no recent one, in a row */
    uint16_t skipped; /* forms kept unlooked-up since misses got that high */
    uint32_t recent[RECORD_FMT_RECENT]; /* its forms kept or found last, newest
                                           first (text references; 0: none) */
};

/* What fmt's arguments are, from the table at *table (RECORD_FMTS slots,
 * allocated the first time), parsing fmt the first time it is seen. NULL
 * when the table is full or memory runs out: such sentences are built at
 * once. */
struct record_fmt *record_fmt_of(struct record_fmt **table, const char *fmt);

/* The arguments ap holds for f, packed at out (room n). Returns the bytes
 * used, SIZE_MAX if they do not fit. A TRACE_TCP argument takes no room: it is
 * checked instead, *tcp_ok false if one differs from what the segment's
 * own header says (payload, SIZE_MAX: the event has no segment). *hash
 * mixes in the values (said_mix()) as they go by. */
size_t pack_args(const struct record_fmt *f, va_list ap, uint8_t *out, size_t n, size_t payload,
                 bool *tcp_ok, uint64_t *hash);

/* Whether the arguments ap holds for f are the ones packed in the kept
 * form `kept` (of f, tag `tag`). */
bool same_args(const struct record_fmt *f, va_list ap, const uint8_t *kept, uint8_t tag,
               size_t payload);

/* The sentence fmt would have made of the arguments packed at v, into buf
 * (TRACE_TEXT_LEN bytes); its TRACE_TCP conversions read seg[0..seg_len)
 * (NULL: none kept). */
void replay_fmt(const char *fmt, const uint8_t *v, char *buf, const uint8_t *seg, size_t seg_len);

/* One more value into hash h (a multiply per word). Inline: record.c mixes
 * the tag and format pointer in before pack_args() mixes the values. */
static inline uint64_t
said_mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0xC2B2AE3D27D4EB4Full;
}

/* Remember ref as f's newest form. */
static inline void
fmt_recent_put(struct record_fmt *f, uint32_t ref)
{
    if (f->recent[0] == ref)
        return;
    for (size_t j = RECORD_FMT_RECENT - 1; j > 0; j--)
        f->recent[j] = f->recent[j - 1];
    f->recent[0] = ref;
}

#endif
