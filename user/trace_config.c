// SPDX-License-Identifier: GPL-2.0
/* Defaults of a trace, in one place for every caller. */
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "host/pods.h"
#include "trace_config.h"

#define LINGER_DEFAULT_S 0.5

void trace_config__defaults(struct trace_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->snaplen = HOPTRACE_SNAPLEN_DEFAULT;
	cfg->ring_size = HOPTRACE_RING_DEFAULT;
	cfg->linger_s = LINGER_DEFAULT_S;
}

void trace_config__free(struct trace_config *cfg)
{
	free(cfg->filter_expr);
	cfg->filter_expr = NULL;
	pods__free(cfg->pod_list);
	free(cfg->pod_list);
	cfg->pod_list = NULL;
}
