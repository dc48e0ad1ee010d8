/* SPDX-License-Identifier: GPL-2.0 */
/* The monotonic clock, in the two units the code measures with. */
#ifndef CLOCK_H
#define CLOCK_H

#include <time.h>

static inline long long clock__mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline double clock__mono_s(void)
{
	return clock__mono_ns() / 1e9;
}

#endif /* CLOCK_H */
