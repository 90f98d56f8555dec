/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pd_cmd.h - `netstep packetdrill FILE.pkt...`: run packetdrill scripts
 * against netstep's TCP (docs/packetdrill.md).
 */
#ifndef NETSTEP_UI_PD_CMD_H
#define NETSTEP_UI_PD_CMD_H

/* argv[0] is "packetdrill". Exit status: 0 every script passed; 1 one failed;
 * 2 usage error or a script that cannot be parsed; 77 every script was
 * skipped (needs a feature netstep lacks) and none failed. */
int pd_cmd_main(int argc, char **argv);

#endif
