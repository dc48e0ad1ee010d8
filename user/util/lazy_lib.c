// SPDX-License-Identifier: GPL-2.0
/* Opening a library on first use (util/lazy_lib.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "util/lazy_lib.h"

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

static int open_now(struct lazy_lib *lib)
{
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!handle) {
		fprintf(stderr, "hoptrace: cannot load %s: %s\n", lib->soname, dlerror());
		return -1;
	}
	for (int i = 0; lib->names[i]; i++) {
		lib->slots[i] = dlsym(handle, lib->names[i]);
		if (!lib->slots[i]) {
			fprintf(stderr, "hoptrace: %s has no %s: %s\n", lib->soname, lib->names[i],
				dlerror());
			dlclose(handle);
			return -1;
		}
	}
	return 1; /* the handle stays open for the life of the process */
}

bool lazy_lib__open(struct lazy_lib *lib)
{
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (!state) {
		pthread_mutex_lock(&lazy_lock);
		state = lib->state;
		if (!state) {
			state = open_now(lib);
			__atomic_store_n(&lib->state, state, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&lazy_lock);
	}
	return state > 0;
}
