// SPDX-License-Identifier: GPL-2.0
/* A .tar.gz bundle: POSIX ustar, through zlib (which hoptrace links already), so that the
 * receiver needs nothing but tar. Only regular files: tar makes their directories. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "bundle/bundle_priv.h"

#define TAR_BLOCK 512

struct ustar_header {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], checksum[8], type;
	char linkname[100], magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8],
		prefix[155], pad[12];
};

_Static_assert(sizeof(struct ustar_header) == TAR_BLOCK, "a ustar header is one block");

/* Names past 100 bytes are split at a slash into prefix and name, as ustar allows. */
static int set_name(struct ustar_header *h, const char *path)
{
	size_t n = strlen(path);
	const char *cut;

	if (n <= sizeof(h->name)) {
		memcpy(h->name, path, n);
		return 0;
	}
	for (cut = path + n - 1; cut > path; cut--) {
		if (*cut == '/' && (size_t)(cut - path) <= sizeof(h->prefix) &&
		    n - (cut - path) - 1 <= sizeof(h->name)) {
			memcpy(h->prefix, path, cut - path);
			memcpy(h->name, cut + 1, n - (cut - path) - 1);
			return 0;
		}
	}
	return -ENAMETOOLONG;
}

static int write_header(gzFile gz, const char *path, unsigned long long size, time_t mtime)
{
	struct ustar_header h;
	unsigned int sum = 0;

	memset(&h, 0, sizeof(h));
	if (set_name(&h, path))
		return -ENAMETOOLONG;
	snprintf(h.mode, sizeof(h.mode), "%07o", 0644);
	snprintf(h.uid, sizeof(h.uid), "%07o", 0);
	snprintf(h.gid, sizeof(h.gid), "%07o", 0);
	snprintf(h.size, sizeof(h.size), "%011llo", size);
	snprintf(h.mtime, sizeof(h.mtime), "%011llo", (unsigned long long)mtime);
	h.type = '0';
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	memset(h.checksum, ' ', sizeof(h.checksum));
	for (size_t i = 0; i < sizeof(h); i++)
		sum += ((unsigned char *)&h)[i];
	snprintf(h.checksum, sizeof(h.checksum), "%06o", sum);
	return gzwrite(gz, &h, sizeof(h)) == sizeof(h) ? 0 : -EIO;
}

static int write_file(gzFile gz, const char *dir, const char *rel)
{
	static const char zeros[TAR_BLOCK];
	char path[PATH_MAX], buf[65536];
	unsigned long long written = 0;
	struct stat st;
	size_t n;
	int err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st)) {
		err = -errno;
		fclose(f);
		return err;
	}
	err = write_header(gz, rel, st.st_size, st.st_mtime);
	/* The size in the header is the one written: a file does not change once closed. */
	while (!err && written < (unsigned long long)st.st_size &&
	       (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (written + n > (unsigned long long)st.st_size)
			n = st.st_size - written;
		written += n;
		if (gzwrite(gz, buf, n) != (int)n)
			err = -EIO;
	}
	fclose(f);
	if (!err && written != (unsigned long long)st.st_size)
		err = -EIO;
	if (!err && written % TAR_BLOCK &&
	    gzwrite(gz, zeros, TAR_BLOCK - written % TAR_BLOCK) !=
		    (int)(TAR_BLOCK - written % TAR_BLOCK))
		err = -EIO;
	return err;
}

int bundle_tar__write(const char *dir, char *const *files, int count, const char *target)
{
	static const char zeros[2 * TAR_BLOCK];
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), err = 0;
	gzFile gz;

	if (fd < 0)
		return -errno;
	gz = gzdopen(fd, "wb");
	if (!gz) {
		close(fd);
		unlink(target);
		return -ENOMEM;
	}
	for (int i = 0; i < count && !err; i++)
		err = write_file(gz, dir, files[i]);
	/* Two zero blocks end the archive. */
	if (!err && gzwrite(gz, zeros, sizeof(zeros)) != sizeof(zeros))
		err = -EIO;
	if (gzclose(gz) != Z_OK && !err)
		err = -EIO;
	if (err)
		unlink(target);
	return err;
}
