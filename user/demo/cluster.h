/* SPDX-License-Identifier: GPL-2.0 */
/* The demo's throwaway cluster: two flannel-like nodes in network namespaces, built by
 * embedded shell scripts, torn down on every way out; and the one global setting a
 * scenario may change (the conntrack maximum), always put back. */
#ifndef DEMO_CLUSTER_H
#define DEMO_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>

/* The cluster's addresses: one definition for the scripts and for the probes. */
#define DEMO_NODE1_IP "172.18.0.2"
#define DEMO_NODE2_IP "172.18.0.3"
#define DEMO_GW1_IP "10.244.1.1"
#define DEMO_POD_A_IP "10.244.1.2"
#define DEMO_POD_B_IP "10.244.1.3"
#define DEMO_GW2_IP "10.244.2.1"
#define DEMO_POD_C_IP "10.244.2.2"
#define DEMO_SERVICE_IP "10.96.0.10"
#define DEMO_SERVICE_PORT "80"
#define DEMO_TARGET_PORT "8080"

/* Every name the demo makes starts with "htd<pid>-". */
#define DEMO_PREFIX_FMT "htd%d-"
#define DEMO_PREFIX_SIZE 24

struct demo_cluster {
	char prefix[DEMO_PREFIX_SIZE];
	bool built;	     /* namespaces may exist: tear down */
	int run_lock_fd;     /* held while this run lives: tells other runs it is alive */
	bool ct_lowered;     /* the conntrack maximum may be lowered: restore */
	long ct_max_saved;   /* the maximum before the demo lowered it */
	long ct_max_lowered; /* what it was lowered to */
	int ct_lock_fd;	     /* serialises lowering between runs */
	char ct_state[128];  /* the file that lets a later run restore it after a kill */
};

/* The namespace roles of the cluster, in tear-down order. */
extern const char *const demo_cluster_roles[];

/* Names this process's cluster and marks the run alive (a lock other runs can test);
 * no namespace is created yet. Returns 0, or -1 with the reason on stderr. */
int demo_cluster__init(struct demo_cluster *c);

/* Tears down (demo_cluster__down) and drops the run's lock. */
void demo_cluster__free(struct demo_cluster *c);

/* "<prefix><role>" into buf, e.g. "htd4242-node1". Returns buf. */
const char *demo_cluster__netns(const struct demo_cluster *c, const char *role, char *buf,
				size_t size);

/* Builds both nodes, the three pods, the overlay and the Service, then sends a little
 * traffic so no neighbour lookup is pending when the trace starts. Returns 0, or -1 with
 * the reason on stderr (what was built is torn down by demo_cluster__down). */
int demo_cluster__up(struct demo_cluster *c);

/* Runs script with /bin/sh after the cluster's shell helpers, with $P set to the prefix.
 * what names the step in an error message. Returns 0, or -1 with the script's output
 * on stderr. Bounded in time. */
int demo_cluster__script(const struct demo_cluster *c, const char *what, const char *script);

/* Deletes every namespace of the cluster (with their devices and rules) and puts the
 * conntrack maximum back. Safe to call twice. */
void demo_cluster__down(struct demo_cluster *c);

/* Removes what runs that no longer live left behind: namespaces named with their
 * prefix, a conntrack maximum still lowered. Returns how many namespaces it removed. */
int demo_cluster__clean_leftovers(void);

/* Current count of conntrack entries in the namespace role, or -1. */
long demo_cluster__ct_count(const struct demo_cluster *c, const char *role);

/* Takes the lock that lets one run at a time fill conntrack and lower the maximum (two
 * at once would save each other's lowered value as the one to restore); waits for it a
 * bounded time. Released by demo_cluster__down. Returns 0 or -1 with errno set. */
int demo_cluster__ct_lock(struct demo_cluster *c);

/* Records that the conntrack maximum will be lowered to lowered (so that a later run
 * can restore it if this one is killed) and keeps the current value. Returns 0 or -1. */
int demo_cluster__ct_prepare(struct demo_cluster *c, long lowered);

#endif /* DEMO_CLUSTER_H */
