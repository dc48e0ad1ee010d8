/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace report`: a trace or a bundle as one self-contained HTML page (user/report). */
#ifndef CLI_REPORT_CMD_H
#define CLI_REPORT_CMD_H

/* Runs the subcommand; argv[0] is "report". Returns the exit status: 0, 1 for an input it
 * cannot read or an output it cannot write (one line on stderr, nothing written), 2 for a
 * wrong command line. */
int report_cmd__main(int argc, char **argv);

#endif /* CLI_REPORT_CMD_H */
