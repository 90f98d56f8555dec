/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_tap_open.c - Check suite for opening a TAP device, without a device
 * and without privilege (nothing is created, even as root).
 *
 * A name that is no device is an error that says how to make one (`ip
 * tuntap add ... user $USER`, scripts/tap-lab.sh, --tap-create), and no
 * device appears. The sentence for a /dev/net/tun that cannot be opened
 * says why: the driver is missing (modprobe tun), or the node's mode and
 * owner do not let this user in (chmod 0666, once, as root).
 */
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/drv_tap.h"
#include "sim/realtime.h"
#include "sim/sim.h"
#include "stack/err.h"
#include "stack/host.h"
#include "stack/iface.h"

/* A name no machine has: if_nametoindex() says 0 before and after. */
#define NO_SUCH_DEV "nsXnone7"

START_TEST(test_missing_device_is_an_error_that_says_how_to_make_it)
{
    ck_assert_uint_eq(if_nametoindex(NO_SUCH_DEV), 0);
    drv_tap_allow_create(false);
    struct sim s;
    sim_init(&s, 1);
    struct host *h = sim_add_host(&s, "bob");
    struct iface *ifc = sim_host_add_iface(&s, h, 0xc0000202u, 24, 1500, NULL);
    char err[600];
    ck_assert_int_eq(sim_attach_tap(&s, ifc, NO_SUCH_DEV, err, sizeof err), -ERR_NOENT);
    ck_assert_msg(strstr(err, "TAP device " NO_SUCH_DEV " does not exist") == err, "%s", err);
    ck_assert_msg(strstr(err, "`sudo ip tuntap add dev " NO_SUCH_DEV " mode tap user $USER`"),
                  "%s", err);
    ck_assert_msg(strstr(err, "scripts/tap-lab.sh") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "--tap-create") != NULL, "%s", err);
    ck_assert_ptr_null(drv_tap_of_iface(ifc));
    ck_assert_ptr_null(s.rt == NULL ? NULL : s.rt->taps[0]);
    ck_assert_uint_eq(if_nametoindex(NO_SUCH_DEV), 0);  /* nothing was created */
    sim_destroy(&s);
}
END_TEST

START_TEST(test_tun_node_without_permission_says_mode_owner_and_fix)
{
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_mode = S_IFCHR | 0600;
    st.st_uid = 0;
    st.st_gid = 0;
    char err[600];
    drv_tap_tun_error(EACCES, &st, err, sizeof err);
    ck_assert_msg(strstr(err, "cannot open /dev/net/tun: Permission denied: it is mode 0600, "
                              "owner uid 0, group gid 0") == err, "%s", err);
    ck_assert_msg(strstr(err, "as root, once: chmod 0666 /dev/net/tun") != NULL, "%s", err);
}
END_TEST

START_TEST(test_tun_driver_missing_says_modprobe)
{
    char err[600];
    drv_tap_tun_error(ENOENT, NULL, err, sizeof err);
    ck_assert_msg(strstr(err, "cannot open /dev/net/tun: No such file or directory") == err, "%s",
                  err);
    ck_assert_msg(strstr(err, "modprobe tun") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "mknod /dev/net/tun c 10 200") != NULL, "%s", err);
    drv_tap_tun_error(ENODEV, NULL, err, sizeof err);
    ck_assert_msg(strstr(err, "modprobe tun") != NULL, "%s", err);
}
END_TEST

static Suite *
tap_open_suite(void)
{
    Suite *s = suite_create("sim/tap_open");
    TCase *tc = tcase_create("open");
    tcase_add_test(tc, test_missing_device_is_an_error_that_says_how_to_make_it);
    tcase_add_test(tc, test_tun_node_without_permission_says_mode_owner_and_fix);
    tcase_add_test(tc, test_tun_driver_missing_says_modprobe);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(tap_open_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
