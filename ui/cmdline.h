/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdline.h - the view's command line (`:`): editing, completion, and what a
 * finished line asks for.
 *
 * A person types a statement in the scenario language ("alice: c = socket
 * tcp", "ping alice bob"), or `:w FILE` / `:q`. Everything here is a pure
 * function of the line and the scenario's name tables, so tests drive it
 * without a terminal; running the statement is the model's job
 * (vm_live_call), and saving the session is cmdline_save(). No curses here.
 */
#ifndef NETSTEP_UI_CMDLINE_H
#define NETSTEP_UI_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"

#define CMDLINE_LEN 256       /* longest line, NUL included */
#define CMDLINE_MSG_LEN 512   /* longest message, NUL included */
#define CMDLINE_HISTORY 16    /* lines Up can bring back */
#define CMDLINE_CANDS_MAX 64  /* completions offered at most */
#define CMDLINE_WORD_LEN 48   /* longest completion, NUL included */

struct cmdline {
    bool active;                    /* the line is open (after ':') */
    bool submitted;                 /* Enter was pressed: text waits to be carried out */
    char text[CMDLINE_LEN];         /* what was typed, without the ':' */
    size_t len;                     /* bytes of text */
    char msg[CMDLINE_MSG_LEN];      /* an error, the completions, or what a line did */
    bool msg_error;                 /* msg is an error */
    unsigned err_col;               /* the error's column in text (1-based), 0 if none */
    char history[CMDLINE_HISTORY][CMDLINE_LEN]; /* earlier lines, newest first */
    unsigned n_history;             /* entries of history */
    int recalled;                   /* history entry shown by Up, -1 if none */
};

/* The words that may complete the word being typed. */
struct cmdline_cands {
    size_t n;                                       /* candidates */
    char word[CMDLINE_CANDS_MAX][CMDLINE_WORD_LEN]; /* in the order offered */
    size_t start;                                   /* where the word begins in the line */
    bool space;                                     /* a space follows a unique completion
                                                       (not after "bob:" in "bob:80") */
};

/* Keys the command line understands, beyond characters: the view's VK_
 * codes are passed in as these (ui/tui.h maps them). */
enum cmdline_key {
    CMDLINE_KEY_ENTER = -1,
    CMDLINE_KEY_ESC = -2,
    CMDLINE_KEY_BACKSPACE = -3,
    CMDLINE_KEY_TAB = -4,
    CMDLINE_KEY_UP = -5,
    CMDLINE_KEY_DOWN = -6,
    CMDLINE_KEY_KILL = 21,  /* Ctrl-U: clear the line */
};

/* Open an empty line (the history is kept). */
void cmdline_open(struct cmdline *cl);

/* One key while the line is open: a byte to insert (0x20..0xff, not 0x7f)
 * or a CMDLINE_KEY_*. Enter sets cl->submitted (an empty line just closes);
 * Esc closes; Tab completes against scn. */
void cmdline_key(struct cmdline *cl, const struct scenario *scn, int key);

/* What may stand where text ends, from scn's hosts, switches, sockets, data
 * variables and the language's words, given the words before it. */
void cmdline_candidates(const struct scenario *scn, const char *text, struct cmdline_cands *out);

/* Tab: a unique completion replaces the word (and a space follows); several
 * extend it to what they share and are listed in msg; none says so. */
void cmdline_complete(struct cmdline *cl, const struct scenario *scn);

enum cmdline_cmd {
    CMDLINE_STATEMENT,  /* a statement of the scenario language */
    CMDLINE_WRITE,      /* w FILE: save the session */
    CMDLINE_QUIT,       /* q */
};

/* What a finished line asks for; for CMDLINE_WRITE, *arg is the file name
 * ("" if none was given). */
enum cmdline_cmd cmdline_command(const char *text, const char **arg);

/* Set msg to the error in diag, in the parser's words, with its column:
 * "error: unknown host 'alcie' (did you mean 'alice'?)". */
void cmdline_set_error(struct cmdline *cl, const struct scn_diag *diag);

/* Save the session as a scenario: the file's own text (orig, as loaded;
 * its `seed` line made to say `seed`, the seed the view ran with, if --seed
 * changed it), then the statements typed on the command line (scn->steps
 * from first_live on), so that `netstep run` replays it to the same end.
 * When the file includes others (whose paths are relative to it), the whole
 * scenario is written in canonical form instead (scenario_print), with the
 * seed. Written to PATH.tmp, then renamed over PATH. 0, or -1 with a
 * sentence in err. */
int cmdline_save(const char *path, const char *orig, const struct scenario *scn,
                 size_t first_live, bool seed_given, uint64_t seed, char *err, size_t err_len);

#endif
