/* SPDX-License-Identifier: GPL-2.0 */
/* nf_tables rule tracing in one network namespace: a table of hoptrace's own
 * ("inet hoptrace_<pid>") whose base chains run before every other (prerouting and output)
 * sets nftrace on packets of the traced addresses, and a listener on the NFTRACE netlink
 * group turns each trace message into a rule event. The table is owned by the listener's
 * socket (NFT_TABLE_F_OWNER, Linux 5.12+): the kernel removes it when the process ends, by
 * any signal. On older kernels nft_trace__cleanup_dead removes tables of dead pids. */
#ifndef HOST_NFT_TRACE_H
#define HOST_NFT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "host/rule_event.h"

#define NFT_TRACE_TABLE_PREFIX "hoptrace_"

struct nft_trace;

/* Installs the marking table and opens the listener in the namespace at netns_path (inode
 * netns, filled into every event). NULL with one phrase in err when anything fails; then
 * no table is left. */
struct nft_trace *nft_trace__start(const char *netns_path, __u32 netns, pid_t pid,
				   const struct rule_mark *mark, char *err, size_t errsize);

int nft_trace__fd(const struct nft_trace *t);

/* Hands every event waiting now to fn (without blocking). Returns how many, or -errno. */
int nft_trace__read(struct nft_trace *t, rule_event_fn fn, void *ctx);

/* Messages the kernel could not queue to the listener (its buffer was full). */
unsigned long nft_trace__lost(const struct nft_trace *t);

/* Whether the table is owned by the listener (removed by the kernel if hoptrace dies). */
bool nft_trace__owned(const struct nft_trace *t);

/* Deletes the table and closes the listener. NULL is a no-op. */
void nft_trace__stop(struct nft_trace *t);

/* Deletes hoptrace_<pid> tables whose process no longer runs, in that namespace. Returns
 * how many, or -errno. */
int nft_trace__cleanup_dead(const char *netns_path);

#endif /* HOST_NFT_TRACE_H */
