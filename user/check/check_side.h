/* SPDX-License-Identifier: GPL-2.0 */
/* Finding a side of the checked path on this node. */
#ifndef CHECK_CHECK_SIDE_H
#define CHECK_CHECK_SIDE_H

struct check_side;

/* Fills s for addr: its namespace (pod_path "" when no namespace here holds it), device,
 * MTU, gateway, and its node's namespace. Returns 0, or -1 when addr is not an address. */
int check_side__find(struct check_side *s, const char *addr);

#endif /* CHECK_CHECK_SIDE_H */
