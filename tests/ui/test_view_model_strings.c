/* SPDX-License-Identifier: BSD-2-Clause
 *
 * test_view_model_strings.c - a socket snapshot's proto, state and timers
 * are the model's interned strings: one copy of each distinct string however
 * many snapshots show it, each the text inspect_*() gave, cut where the
 * fixed fields of a snapshot used to cut it.
 *
 * The view takes a snapshot of a host's sockets at every delivery, so a bulk
 * transfer takes one every few events; with the strings copied into each,
 * they were a fifth of the model's memory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view_model.h"

START_TEST(test_snapshot_strings_are_shared)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", NETSTEP_SCENARIO_DIR, "tcp/slow-start.scn");
    struct scn_diag diag;
    struct scenario *scn = scenario_parse_file(path, &diag);
    ck_assert_msg(scn != NULL, "%s", diag.first);
    struct view_model *m = calloc(1, sizeof *m);
    char err[256];
    ck_assert_int_eq(view_model_build(m, scn, false, 0, err, sizeof err), 0);
    ck_assert_uint_gt(m->n_snaps, 20);

    /* every distinct string the snapshots hold, by the first pointer seen */
    const char *seen[64];
    size_t n_seen = 0, socks = 0;
    bool saw_established = false, saw_timers = false;
    /* the ARP entries' states are interned too (a snapshot names them by
     * their id), and copied out into vm_arp.state */
    char arp_states[8][16];
    size_t n_arp_states = 0;
    static struct vm_snap_buf buf;
    size_t snaps = 0;
    for (size_t n = 0, h = 0; h < vm_n_hosts(m); h++, n = 0) {
        for (const struct vm_snap *sn; (sn = vm_snap_nth(m, (int)h, n, &buf)) != NULL; n++) {
            snaps++;
            for (size_t k = 0; k < sn->n_arp; k++) {
                size_t j = 0;
                while (j < n_arp_states && strcmp(arp_states[j], sn->arp[k].state) != 0)
                    j++;
                if (j == n_arp_states) {
                    ck_assert_uint_lt(n_arp_states, 8);
                    memcpy(arp_states[n_arp_states++], sn->arp[k].state, 16);
                }
            }
            for (size_t k = 0; k < sn->n_socks; k++) {
                const struct vm_sock *so = &sn->socks[k];
                const char *strs[3] = { so->proto, so->state, so->timers };
                ck_assert_ptr_nonnull(so->proto);
                ck_assert_ptr_nonnull(so->state);
                ck_assert_ptr_nonnull(so->timers);
                ck_assert_uint_lt(strlen(so->proto), 8);
                ck_assert_uint_lt(strlen(so->state), 16);
                ck_assert_uint_lt(strlen(so->timers), 48);
                if (!so->has_tcb)
                    ck_assert_str_eq(so->timers, "");
                saw_established |= strcmp(so->state, "ESTABLISHED") == 0;
                saw_timers |= so->timers[0] != '\0' && strcmp(so->timers, "-") != 0;
                for (int s = 0; s < 3; s++) {
                    size_t j = 0;
                    while (j < n_seen && strcmp(seen[j], strs[s]) != 0)
                        j++;
                    if (j == n_seen) {
                        ck_assert_uint_lt(n_seen, 64);
                        seen[n_seen++] = strs[s];
                    } else {
                        /* an equal string is the same copy */
                        ck_assert_ptr_eq(seen[j], strs[s]);
                    }
                }
                socks++;
            }
        }
        ck_assert_uint_eq(vm_snap_count(m, (int)h), n);
    }
    ck_assert_uint_eq(snaps, m->n_snaps);
    ck_assert_uint_gt(n_arp_states, 0);
    ck_assert(saw_established);
    ck_assert(saw_timers);
    /* many sockets shown, few strings kept */
    ck_assert_uint_gt(socks, 10 * n_seen);
    ck_assert_uint_eq(m->n_strs, n_seen + n_arp_states);
    view_model_destroy(m);
    free(m);
    scenario_free(scn);
}
END_TEST

static Suite *
strings_suite(void)
{
    Suite *s = suite_create("view_model_strings");
    TCase *tc = tcase_create("strings");
    tcase_add_test(tc, test_snapshot_strings_are_shared);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(strings_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
