/* SPDX-License-Identifier: GPL-2.0 */
/* `hoptrace check`: the troubleshooting roadmap of pod networking, layer by layer, done from
 * the node: the pod, pod to pod, the Service, the CNI's overlay, the kernel. Each line is
 * ok, warn or fail with the fact that decided it; a fail line that explains a drop reason
 * is linked to it (check__explains). */
#ifndef CHECK_CHECK_H
#define CHECK_CHECK_H

#include <stdbool.h>
#include <stdio.h>

enum check_status { CHECK_OK, CHECK_WARN, CHECK_FAIL };

#define CHECK_MAX_LINES 64

struct check_line {
	const char *layer; /* "pod", "pod-to-pod", "service", "overlay", "kernel" */
	const char *item;  /* a stable name: "route_to_peer", "overlay_mtu", ... */
	char where[80];	   /* the namespace (or device) it was read in */
	enum check_status status;
	char fact[320];
	unsigned int netns; /* the namespace's inode, for the kernel items; 0 otherwise */
};

/* What is known of one side (the pod, or the peer when this node holds it). */
struct check_side {
	char addr[64];	    /* the pod's address, as given */
	int family;	    /* AF_INET, AF_INET6 */
	char pod_path[256]; /* a path that enters its network namespace; "" when none */
	char pod_name[80];  /* that namespace's name */
	char pod_dev[16];   /* the device holding the address */
	int pod_mtu;
	char gateway[64];    /* its default route's gateway, "" when none */
	char node_path[256]; /* the namespace of the host side of its veth */
	char node_name[80];
	unsigned int node_netns; /* its inode, 0 when unknown */
	char host_veth[16];
	char tunnel_dev[16];	/* the node's VXLAN/Geneve device towards the other side, "" */
	int tunnel_vni;		/* -1 when none */
	char node_tunnel[16];	/* the node's tunnel device that traffic from the other side
			       * arrives on when the other side tunnels, "" */
	const char *proxy_mode; /* kube-proxy's mode as the node's rules show it */
	bool peer_is_service;	/* the node's rules translate the peer's address (DNAT) */
};

struct check_report {
	struct check_side pod, peer;
	bool has_peer;	 /* --peer given */
	bool peer_local; /* the peer's namespace is on this node too */
	struct check_line lines[CHECK_MAX_LINES];
	int count;
};

/**
 * check__run() - check the path of a pod's packets from this node
 * @r: zeroed
 * @pod_addr: the pod's address
 * @peer_addr: the other end (a pod, a Service address), or NULL
 *
 * Return: 0, or -1 with the reason on stderr (an address that is not one).
 */
int check__run(struct check_report *r, const char *pod_addr, const char *peer_addr);

/* Adds a line; the fact is printf-formatted. */
void check__add(struct check_report *r, const char *layer, const char *item, const char *where,
		enum check_status status, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The fail line that explains a drop reason (the kernel's name without SKB_DROP_REASON_),
 * or NULL: IP_INNOROUTES the missing route, PKT_TOO_BIG the MTU, IP_RPFILTER strict
 * reverse-path filtering, VXLAN_VNI_NOT_FOUND the VNI, conntrack's own drop (ct_refused:
 * its table full, or an insert failure at confirm) the conntrack item. Without a reason
 * (before 5.17) or with NOT_SPECIFIED (vxlan before 6.8), the function that freed it
 * (location, "ip_error+0x7d") stands for it: ip_error the route, ip_forward the MTU,
 * vxlan_rcv the VNI, ip_rcv_finish_core rp_filter; the item must still have failed. */
const struct check_line *check__explains(const struct check_report *r, const char *reason,
					 const char *location, bool ct_refused);

/* The tracer saw conntrack refuse new entries in namespace `netns` (named `where`; found by
 * that name when netns is 0) during the trace, its table full or an insert failing: the
 * check taken at start cannot have seen what happened later, so its conntrack line there
 * becomes a fail with this fact (one is added when the check did not look there). */
void check__saw_conntrack_refuse(struct check_report *r, unsigned int netns, const char *where,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The report as text lines, or as one JSON object {"checks":[...]} (the bundle's
 * check.json). */
void check__write_text(const struct check_report *r, FILE *f);
void check__write_json(const struct check_report *r, FILE *f);

/* The same object as a member (key) or array element (NULL) of what w is writing. */
struct json_writer;
void check__json_object(struct json_writer *w, const char *key, const struct check_report *r);

/* How many lines have this status. */
int check__count(const struct check_report *r, enum check_status status);

const char *check__status_name(enum check_status s);

#endif /* CHECK_CHECK_H */
