/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace check`: the layer-by-layer check of a pod's path from this node (user/check). */
#ifndef CLI_CHECK_CMD_H
#define CLI_CHECK_CMD_H

/* Runs the subcommand; argv[0] is "check". Returns 0 when no line failed, 1 when one did
 * (or the check could not run), 2 for a wrong command line. */
int check_cmd__main(int argc, char **argv);

#endif /* CLI_CHECK_CMD_H */
