/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace merge`: per-node traces joined into one timeline (user/merge). */
#ifndef CLI_MERGE_CMD_H
#define CLI_MERGE_CMD_H

/* Runs the subcommand; argv[0] is "merge". Returns the exit status: 0, 1 for an input it
 * cannot merge (one line on stderr, nothing written), 2 for a wrong command line. */
int merge_cmd__main(int argc, char **argv);

#endif /* CLI_MERGE_CMD_H */
