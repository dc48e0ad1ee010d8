/* SPDX-License-Identifier: GPL-2.0 */
/* Libraries opened the first time one of their functions is called, not at exec: libpcap
 * (a --filter expression), libnftables (rule lookups) and libcrypto (bundle checksums) are
 * needed by few runs, yet loading them and what they pull in (dbus, systemd, gmp, ...) was
 * 9 ms and 3.4 MiB of every start. user/util/lazy_*.c define the functions hoptrace calls
 * with the libraries' own prototypes and forward each to the library's, loaded here; the
 * binary does not link them (Makefile: LAZY_LIBS), the package and the image still carry
 * them (scripts/build-deb.sh, deploy/build-image.sh). */
#ifndef UTIL_LAZY_LIB_H
#define UTIL_LAZY_LIB_H

#include <stdbool.h>

struct lazy_lib {
	const char *soname;	  /* as the build linked against: "libpcap.so.0.8" */
	const char *const *names; /* the functions, NULL-terminated */
	void **slots;		  /* one address per name, filled by lazy_lib__open */
	int state;		  /* 0: not tried, 1: open, -1: failed (said once) */
};

/* Opens lib and resolves every name, once; later calls return the first answer. On failure,
 * one line on stderr says which library and why, and false comes back: the caller's
 * function then returns its library's failure value. Thread-safe. */
bool lazy_lib__open(struct lazy_lib *lib);

#endif /* UTIL_LAZY_LIB_H */
