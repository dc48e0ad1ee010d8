// SPDX-License-Identifier: GPL-2.0
/* A plain mutex: the calls it guards are netlink round trips, never on a packet's path. */
#include <pthread.h>
#include "host/nftlib_lock.h"

static pthread_mutex_t nftlib_mutex = PTHREAD_MUTEX_INITIALIZER;

void nftlib__lock(void)
{
	pthread_mutex_lock(&nftlib_mutex);
}

void nftlib__unlock(void)
{
	pthread_mutex_unlock(&nftlib_mutex);
}
