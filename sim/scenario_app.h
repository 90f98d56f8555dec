/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario_app.h - the bytes of the scenario language's application payloads
 * (websocket-accept, ws-frame, dns-query, dns-answer), built with the
 * stack's codecs in stack/app/.
 */
#ifndef NETSTEP_SIM_SCENARIO_APP_H
#define NETSTEP_SIM_SCENARIO_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"

/* What the data variable a payload reads (`websocket-accept from DVAR`,
 * `dns-answer to DVAR`) holds when the payload is built. */
struct scn_app_source {
    const char *name;     /* the variable's name, for messages */
    bool set;             /* something was received into it */
    const uint8_t *data;  /* those bytes */
    size_t len;           /* how many */
};

/* The bytes pl (an application payload kind) stands for, in a malloc'd
 * buffer with one NUL after them, and their count in *len. src is the data
 * variable pl->app.from_dvar names (ignored without one). NULL with a
 * sentence in why when they cannot be built: nothing was received, or what
 * was received is not the request or query the payload answers. */
uint8_t *scn_app_payload_build(const struct scn_payload *pl, const struct scn_app_source *src,
                               size_t *len, char *why, size_t why_len);

#endif
