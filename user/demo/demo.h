/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace demo`: a throwaway broken cluster in network namespaces, traced and explained. */
#ifndef DEMO_H
#define DEMO_H

/* `hoptrace demo [SCENARIO|--list]`; argv[0] is "demo". Returns the exit status: 0 when
 * the scenario ran, 1 when it could not, 2 for a usage error, 128+signal if interrupted.
 * `demo --probe ...` is the demo's own client traffic (see demo_probe.h). */
int demo__main(int argc, char **argv);

/* Checks what every demo run needs (privileges, ip, bridge, iptables, sysctl). Returns 0,
 * or -1 with one line on stderr. */
int demo__preflight(void);

#endif /* DEMO_H */
