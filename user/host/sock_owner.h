/* SPDX-License-Identifier: GPL-2.0 */
/* The process that owns a socket, found by the socket's inode: the first process with a
 * file descriptor on "socket:[INODE]" under /proc, its command and its container. */
#ifndef SOCK_OWNER_H
#define SOCK_OWNER_H

#include <stddef.h>
#include <linux/types.h>

#define SOCK_OWNER_CONTAINER_ID_LEN 64

struct sock_owner {
	int pid;
	char comm[16]; /* /proc/PID/comm, as the kernel cuts it */
	char container_id[SOCK_OWNER_CONTAINER_ID_LEN + 1]; /* "" outside a container */
};

struct sock_owners;

/* A lookup table over proc_dir ("/proc" when NULL). NULL on allocation failure. */
struct sock_owners *sock_owners__new(const char *proc_dir);

/* Frees the table and every owner it returned; NULL is allowed. */
void sock_owners__free(struct sock_owners *so);

/* The owner of the socket with this inode, or NULL when no process holds it (closed, or
 * owned by the kernel) or inode is 0. Each inode is looked up once per table: the answer,
 * found or not, is kept, since a drop's socket is judged for every packet dropped there.
 * The scan is bounded (processes and descriptors), so a huge node cannot stall the trace. */
const struct sock_owner *sock_owners__lookup(struct sock_owners *so, __u64 inode);

/* The container id in a /proc/PID/cgroup text: the last run of 64 hex digits in a path
 * ("/kubepods/.../cri-containerd-<id>.scope", "/docker/<id>", "crio-<id>.scope"), copied
 * into id. Returns 1 when found, else 0 (id set to ""). */
int sock_owner__container_id(const char *cgroup_text, char *id, size_t size);

#endif /* SOCK_OWNER_H */
