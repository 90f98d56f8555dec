/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_view.h - a packetdrill script in the classroom view: `netstep ui
 * FILE.pkt`. The script runs once, headless, in a world of one host
 * ("local"), with the view's event log attached; each line of the script is
 * a step of the view (docs/packetdrill.md, "In the view").
 */
#ifndef NETSTEP_UI_PD_VIEW_H
#define NETSTEP_UI_PD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scenario;
struct view_model;

/* Whether path names a packetdrill script (it ends in ".pkt"). */
bool pd_view_is_script(const char *path);

/* Run the script at path (personality NULL: netstep's; seed_given false:
 * seed 1) into m, recorded as the view records a lesson. *scn gets the
 * lesson the view shows (one step a script line, and a last step with the
 * verdict): free it with scenario_free() after view_model_destroy(m).
 * 0; 2 with a message in err (a bad script: FILE:LINE:COL: error: ...). */
int pd_view_open(struct view_model *m, struct scenario **scn, const char *path,
                 const char *personality, bool seed_given, uint64_t seed, char *err,
                 size_t err_len);

#endif
