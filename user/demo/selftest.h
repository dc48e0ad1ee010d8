/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace selftest`: every demo scenario run on this kernel, each verdict checked. */
#ifndef SELFTEST_H
#define SELFTEST_H

/* `hoptrace selftest [--json] [SCENARIO...]`; argv[0] is "selftest". Prints the attach
 * plan and a table (or JSON Lines) of scenario, expected, found, pass/fail. Returns 0
 * only when every scenario passed; 1 otherwise, 2 for a usage error, 128+signal if
 * interrupted. */
int selftest__main(int argc, char **argv);

#endif /* SELFTEST_H */
