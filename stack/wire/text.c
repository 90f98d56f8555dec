/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text.c - the appending snprintf of text.h.
 */
#include "stack/wire/text.h"

#include <stdarg.h>
#include <stdio.h>

void
text_init(struct text *t, char *buf, size_t n)
{
    t->buf = buf;
    t->n = n;
    t->len = 0;
    if (n > 0)
        buf[0] = '\0';
}

void
text_add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    size_t room = t->len < t->n ? t->n - t->len : 0;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(room > 0 ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (r > 0)
        t->len += (size_t)r;
}

char *
text_end(const struct text *t)
{
    return t->len < t->n ? t->buf + t->len : NULL;
}

size_t
text_room(const struct text *t)
{
    return t->len < t->n ? t->n - t->len : 0;
}

void
text_took(struct text *t, int r)
{
    if (r > 0)
        t->len += (size_t)r;
}
