/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apperr.c - names, sentences and RFC tags of the application codecs' errors.
 */
#include "stack/app/apperr.h"

#include <stddef.h>

static const struct {
    const char *name;
    const char *sentence;
    const char *rfc;
} app_errs[] = {
#define APP_ERR_ROW(name, sentence, rfc) { #name, sentence, rfc },
    APP_ERRORS(APP_ERR_ROW)
#undef APP_ERR_ROW
};

const char *
app_err_name(enum app_err e)
{
    return (unsigned)e < APP_ERR_COUNT ? app_errs[e].name : "?";
}

const char *
app_err_str(enum app_err e)
{
    return (unsigned)e < APP_ERR_COUNT ? app_errs[e].sentence : "unknown error";
}

const char *
app_err_rfc(enum app_err e)
{
    return (unsigned)e < APP_ERR_COUNT ? app_errs[e].rfc : NULL;
}
