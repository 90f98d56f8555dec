/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_scenario.c - libFuzzer target: the scenario parser on any text, and
 * the print -> parse round trip on every text it accepts.
 *
 * A text the parser refuses must come with at least one error that names a
 * place and says something. A text it accepts is printed in canonical form
 * (scenario_print), and the print must parse again to an equal scenario
 * (scenario_equal) whose own print is the same text, as the round-trip test
 * of tests/sim/test_scenario_parse.c asserts for the hand-written cases.
 *
 * The input is named as a file in a folder that does not exist, so an
 * `include` or `file` payload with a relative path finds nothing. Inputs
 * naming a device or a kernel file (/dev, /proc, /sys) are skipped: reading
 * /dev/zero is a question for the file reader's size bound, not the parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#define FZ_TEXT_MAX (64u * 1024)   /* longer inputs teach the parser nothing new */

_Noreturn static void
fail(const char *what, const char *text, const char *printed)
{
    fprintf(stderr, "fuzz_scenario: %s\n--- input ---\n%s\n--- printed ---\n%s\n", what, text,
            printed != NULL ? printed : "(none)");
    abort();
}

static char *
print_to_string(const struct scenario *scn, const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        fail("open_memstream failed", text, NULL);
    if (scenario_print(scn, f) != 0)
        fail("scenario_print failed on a scenario the parser accepted", text, NULL);
    if (fclose(f) != 0)
        fail("fclose of the memory stream failed", text, NULL);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_TEXT_MAX)
        return 0;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strstr(text, "dev/") != NULL || strstr(text, "proc/") != NULL ||
        strstr(text, "sys/") != NULL) {
        free(text);
        return 0;
    }

    struct scn_diag d;
    struct scenario *a = scenario_parse_string("/nonexistent-netstep-fuzz/input.scn", text, &d);
    if (a == NULL) {
        if (d.n_errors == 0 || d.first[0] == '\0')
            fail("refused without an error message", text, NULL);
        free(text);
        return 0;
    }
    char *printed = print_to_string(a, text);
    struct scenario *b = scenario_parse_string("/nonexistent-netstep-fuzz/printed.scn", printed, &d);
    if (b == NULL) {
        fprintf(stderr, "fuzz_scenario: the print does not parse: %s\n", d.first);
        fail("printed text does not parse", text, printed);
    }
    if (!scenario_equal(a, b))
        fail("print -> parse changed the scenario", text, printed);
    char *again = print_to_string(b, text);
    if (strcmp(printed, again) != 0)
        fail("printing the reparsed scenario gave another text", text, printed);
    free(again);
    free(printed);
    scenario_free(b);
    scenario_free(a);
    free(text);
    return 0;
}
