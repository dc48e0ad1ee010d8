/* SPDX-License-Identifier: GPL-2.0 */
/* Which iptables-legacy (x_tables) tables exist in the calling thread's network namespace:
 * there is nothing to read or trace of legacy rules where none does. */
#ifndef HOST_XT_TABLES_H
#define HOST_XT_TABLES_H

#include <stdbool.h>

/* Whether the table (NULL: any table) of family (HOP_AF_INET, HOP_AF_INET6) exists. Reads
 * /proc/thread-self/net: /proc/self/net is the main thread's namespace, not the one a
 * thread entered. False on a kernel without x_tables. */
bool xt_tables__present(int family, const char *table);

#endif /* HOST_XT_TABLES_H */
