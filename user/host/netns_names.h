/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespace inodes to human names: "host", ip-netns names, or a process inside. */
#ifndef HOPTRACE_NETNS_H
#define HOPTRACE_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct netns_names;

/* Scans named namespaces (/run/netns/ and /var/run/netns/: st_ino of each file -> its name),
 * the initial namespace (inode of /proc/1/ns/net -> "host") and processes
 * (/proc/<pid>/ns/net -> "pid:<pid>(<comm>)" for namespaces not otherwise named, first pid
 * wins). Returns NULL with errno set on failure. */
struct netns_names *netns_names__load(void);

/* Like netns_names__load() with other roots, for tests: run_netns_dir (NULL for none)
 * replaces both /run/netns and /var/run/netns, proc_dir replaces /proc. */
struct netns_names *netns_names__load_from(const char *run_netns_dir, const char *proc_dir);

/* Frees nn and every name it returned; NULL is allowed. */
void netns_names__free(struct netns_names *nn);

/* The name for inode, or NULL when none is known. On a miss, rescans at most once per
 * second, since namespaces appear while tracing. A name, once given, stays valid and
 * unchanged until netns_names__free(). */
const char *netns_names__name(struct netns_names *nn, __u32 inode);

/* The inode of the namespace called name: "host", a name under the run_netns directories,
 * or "pid:<pid>". Returns 0 if there is none. */
__u32 netns_names__inode(struct netns_names *nn, const char *name);

/* A path that enters the namespace with this inode (for setns): its /run/netns file, or
 * /proc/<pid>/ns/net of a process inside. Returns 0, or -ENOENT when none is known now. */
int netns_names__path(struct netns_names *nn, __u32 inode, char *buf, size_t size);

/* Whether name, as given here, is an ip-netns name (a file under /run/netns): the names
 * --netns takes. "host" and "pid:<pid>(<comm>)" are not. */
bool netns_names__is_ip_netns(const char *name);

#endif /* HOPTRACE_NETNS_H */
