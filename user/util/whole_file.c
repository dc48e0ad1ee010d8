// SPDX-License-Identifier: GPL-2.0
/* Output files written whole or not at all (merge's pcapng, report's page). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/whole_file.h"

int whole_file__write(const char *path, int (*write)(FILE *f, const void *ctx), const void *ctx)
{
	char tmp[4096];
	FILE *f;
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	/* mkstemp makes it 0600; an output is for reading. */
	fchmod(fd, 0644 & ~umask(umask(0)));
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	ret = write(f, ctx);
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
