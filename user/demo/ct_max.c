// SPDX-License-Identifier: GPL-2.0
/* Writing the conntrack maximum through an fd opened in the initial namespace. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "demo/ct_max.h"

int demo_ct_max__open(void)
{
	return open(CT_MAX_PATH, O_WRONLY | O_CLOEXEC);
}

int demo_ct_max__set(int fd, long value)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld\n", value);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

int demo_ct_max__write(long value)
{
	int fd = demo_ct_max__open(), err;

	if (fd < 0)
		return -1;
	err = demo_ct_max__set(fd, value);
	close(fd);
	return err;
}
