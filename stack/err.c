/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * err.c - names and sentences for the ERR_* codes of err.h.
 */
#include "stack/err.h"

#include <string.h>

static const char *const err_names[ERR_COUNT] = {
#define ERR_NAME(name, ename, sentence) ename,
    ERR_LIST(ERR_NAME)
#undef ERR_NAME
};

static const char *const err_sentences[ERR_COUNT] = {
#define ERR_SENTENCE(name, ename, sentence) sentence,
    ERR_LIST(ERR_SENTENCE)
#undef ERR_SENTENCE
};

static int
err_index(int err)
{
    if (err < 0)
        err = -err;
    return err < ERR_COUNT ? err : -1;
}

const char *
err_name(int err)
{
    int i = err_index(err);
    return i < 0 ? "E?" : err_names[i];
}

const char *
err_sentence(int err)
{
    int i = err_index(err);
    return i < 0 ? "Unknown error" : err_sentences[i];
}

int
err_lookup(const char *name)
{
    for (int i = 0; i < ERR_COUNT; i++)
        if (strcmp(err_names[i], name) == 0)
            return i;
    if (strcmp(name, "EWOULDBLOCK") == 0)
        return ERR_AGAIN;
    return -1;
}
