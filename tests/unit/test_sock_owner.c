// SPDX-License-Identifier: GPL-2.0
/* Unit tests of socket owners: a fake /proc in a temp dir (fd links "socket:[N]", comm,
 * cgroup), then the container id parser alone. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "host/sock_owner.h"
#include "pipeline/sock_phrase.h"

#define CID "3f2a1b9c0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

static char root[] = "/tmp/hoptrace-sockowner-XXXXXX";

static void put_file(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void put_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(mkdir(path, 0755) == 0);
}

/* An fd link: its text is what readlink gives, as /proc/PID/fd/N's are. */
static void put_fd(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(symlink(target, path) == 0);
}

static void put_process(const char *pid, const char *comm, const char *cgroup)
{
	char rel[64];

	put_dir(pid);
	snprintf(rel, sizeof(rel), "%s/fd", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "%s/comm", pid);
	put_file(rel, comm);
	snprintf(rel, sizeof(rel), "%s/cgroup", pid);
	put_file(rel, cgroup);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_tree(void)
{
	CHECK(mkdtemp(root) != NULL);
	put_dir("self"); /* not a pid: skipped */
	/* pid 1: the host's init, a socket that is not the one sought and a file. */
	put_process("1", "systemd\n", "0::/init.scope\n");
	put_fd("1/fd/0", "/dev/null");
	put_fd("1/fd/3", "socket:[999]");
	/* pid 1234: a container's process, with a containerd-like cgroup path. */
	put_process("1234", "python3\n",
		    "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12_34."
		    "slice/cri-containerd-" CID ".scope\n");
	put_fd("1234/fd/0", "pipe:[77]");
	put_fd("1234/fd/5", "socket:[123]");
	/* pid 2000: a second holder of 123 (a fork) and a process without fds we may read. */
	put_process("2000", "worker\n", "0::/\n");
	put_fd("2000/fd/4", "socket:[123]");
	put_dir("3000");
}

static void test_lookup(void)
{
	struct sock_owners *so = sock_owners__new(root);
	const struct sock_owner *o;

	CHECK(so != NULL);
	o = sock_owners__lookup(so, 123);
	CHECK(o != NULL);
	if (o) {
		/* Either holder is an owner; readdir order decides, so accept both. */
		CHECK(o->pid == 1234 || o->pid == 2000);
		if (o->pid == 1234) {
			CHECK_STR(o->comm, "python3");
			CHECK_STR(o->container_id, CID);
		} else {
			CHECK_STR(o->comm, "worker");
			CHECK_STR(o->container_id, "");
		}
	}
	o = sock_owners__lookup(so, 999);
	CHECK(o && o->pid == 1);
	if (o) {
		CHECK_STR(o->comm, "systemd");
		CHECK_STR(o->container_id, "");
	}
	CHECK(sock_owners__lookup(so, 12) == NULL);   /* "socket:[123]" is not 12 */
	CHECK(sock_owners__lookup(so, 4242) == NULL); /* nobody holds it */
	CHECK(sock_owners__lookup(so, 0) == NULL);
	sock_owners__free(so);
}

/* An inode is looked up once: the answer stays after /proc changes, found or not, and the
 * owner handed out stays at its address while the table grows. */
static void test_cached(void)
{
	struct sock_owners *so = sock_owners__new(root);
	const struct sock_owner *first, *again;
	char path[512];

	first = sock_owners__lookup(so, 999);
	CHECK(first && first->pid == 1);
	CHECK(sock_owners__lookup(so, 555) == NULL);
	put_fd("1/fd/9", "socket:[555]");
	snprintf(path, sizeof(path), "%s/1/fd/3", root);
	CHECK(unlink(path) == 0);
	for (__u64 ino = 10000; ino < 10100; ino++) /* grows the table past its first size */
		CHECK(sock_owners__lookup(so, ino) == NULL);
	again = sock_owners__lookup(so, 999);
	CHECK(again == first && again->pid == 1);
	CHECK(sock_owners__lookup(so, 555) == NULL);
	sock_owners__free(so);
	/* A new table sees the new /proc. */
	so = sock_owners__new(root);
	CHECK(sock_owners__lookup(so, 999) == NULL);
	again = sock_owners__lookup(so, 555);
	CHECK(again && again->pid == 1);
	sock_owners__free(so);
	sock_owners__free(NULL);
}

static void test_container_id(void)
{
	char id[SOCK_OWNER_CONTAINER_ID_LEN + 1], short_path[96];

	CHECK(sock_owner__container_id("0::/system.slice/docker-" CID ".scope\n", id, sizeof(id)) ==
	      1);
	CHECK_STR(id, CID);
	/* cri-o and a cgroup v1 file: several lines, the same id. */
	CHECK(sock_owner__container_id("12:pids:/kubepods/burstable/pod1/crio-" CID
				       "\n0::/kubepods/burstable/pod1/crio-" CID ".scope\n",
				       id, sizeof(id)) == 1);
	CHECK_STR(id, CID);
	CHECK(sock_owner__container_id("0::/docker/" CID "\n", id, sizeof(id)) == 1);
	CHECK_STR(id, CID);
	/* Not a container: no id, and 63 or 65 hex digits are none. */
	CHECK(sock_owner__container_id("0::/user.slice/user-1000.slice/session-3.scope\n", id,
				       sizeof(id)) == 0);
	CHECK_STR(id, "");
	CHECK(sock_owner__container_id("0::/x/" CID "f\n", id, sizeof(id)) == 0);
	snprintf(short_path, sizeof(short_path), "0::/x/%.63s.scope", CID);
	CHECK(sock_owner__container_id(short_path, id, sizeof(id)) == 0);
	CHECK(sock_owner__container_id("", id, sizeof(id)) == 0);
	CHECK(sock_owner__container_id(NULL, id, sizeof(id)) == 0);
	CHECK(sock_owner__container_id("0::/docker/" CID, id, 10) == 0); /* too small */
}

/* The real /proc: this process's own socket is found as its own. */
static void test_real_proc(void)
{
	struct sock_owners *so = sock_owners__new(NULL);
	const struct sock_owner *o;
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	o = sock_owners__lookup(so, st.st_ino);
	CHECK(o != NULL);
	if (o)
		CHECK(o->pid == getpid());
	close(fd);
	sock_owners__free(so);
}

/* The verdict's words for each kind of socket drop, with and without an owner. */
static void test_phrase(void)
{
	struct sock_owner o = { .pid = 1234, .comm = "iperf3", .container_id = CID };
	struct verdict_socket s = { .kind = VERDICT_SOCK_BUFFER,
				    .named = true,
				    .inode = 77,
				    .owner = &o,
				    .limit = 212992,
				    .fill = 213760 };
	char buf[256];

	sock_phrase__verdict(&s, "default/web", buf, sizeof(buf));
	CHECK_STR(buf, "socket of pid 1234 (iperf3) [container 3f2a1b9c...] in pod default/web: "
		       "receive buffer 212992 bytes, 213760 in use");
	o.container_id[0] = 0;
	s.kind = VERDICT_SOCK_LISTEN;
	s.limit = 1;
	s.fill = 2;
	sock_phrase__verdict(&s, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "socket of pid 1234 (iperf3): listen queue full, 2 waiting of at most 1");
	s.owner = NULL;
	s.kind = VERDICT_SOCK_BUFFER;
	sock_phrase__verdict(&s, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "socket (inode 77, held by no process now): receive "
		       "buffer 1 bytes, 2 in use");
	s.named = false;
	sock_phrase__verdict(&s, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "socket not named by this kernel (6.11+ names it)");
	s.kind = VERDICT_SOCK_NO_SOCKET;
	sock_phrase__verdict(&s, "default/web", buf, sizeof(buf));
	CHECK_STR(buf, "no socket on that port");
	s.kind = VERDICT_SOCK_NONE;
	CHECK(sock_phrase__verdict(&s, NULL, buf, sizeof(buf)) == 0 && !buf[0]);
	/* A short buffer is cut, never overrun. */
	s.kind = VERDICT_SOCK_BUFFER;
	s.named = true;
	s.owner = &o;
	CHECK(sock_phrase__verdict(&s, NULL, buf, 10) >= 10 && strlen(buf) == 9);
}

int main(void)
{
	make_tree();
	RUN(test_lookup);
	RUN(test_cached);
	RUN(test_container_id);
	RUN(test_real_proc);
	RUN(test_phrase);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	CHECK_EXIT();
}
