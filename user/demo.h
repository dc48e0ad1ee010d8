/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace demo`: a throwaway broken cluster in network namespaces, traced and explained. */
#ifndef DEMO_H
#define DEMO_H

int demo__main(int argc, char **argv);

#endif /* DEMO_H */
