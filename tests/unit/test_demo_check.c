// SPDX-License-Identifier: GPL-2.0
/* Unit tests of a scenario's verdict check (demo_run__check): the fields it compares, and
 * an expected netfilter hook given as alternatives ("PREROUTING|OUTPUT"). */
#include <string.h>

#include "check.h"
#include "demo/scenario_run.h"
#include "demo/scenarios.h"

static const struct demo_scenario conntrack_full = {
	.name = "test",
	.expect = { .fate = "dropped",
		    .reason = "NETFILTER_DROP",
		    .layer = "kernel",
		    .nf_family = "ipv4",
		    .nf_hook = "PREROUTING|OUTPUT",
		    .nf_table = "conntrack",
		    .ct_table_full = true },
};

static struct demo_found found_at(const char *hook)
{
	struct demo_found f = { .seen = true, .nf = true, .ct_table_full = true };

	strcpy(f.fate, "dropped");
	strcpy(f.reason, "NETFILTER_DROP");
	strcpy(f.layer, "kernel");
	strcpy(f.nf_family, "ipv4");
	strcpy(f.nf_hook, hook);
	strcpy(f.nf_table, "conntrack");
	return f;
}

static bool passes(const struct demo_found *f, char *why, size_t size)
{
	return demo_run__check(NULL, &conntrack_full, f, why, size);
}

static void test_hook_alternatives(void)
{
	struct demo_found f;
	char why[256];

	f = found_at("PREROUTING");
	CHECK(passes(&f, why, sizeof(why)));
	f = found_at("OUTPUT");
	CHECK(passes(&f, why, sizeof(why)));
	/* Neither another hook nor a part of a listed one. */
	f = found_at("INPUT");
	CHECK(!passes(&f, why, sizeof(why)));
	CHECK(strstr(why, "netfilter: expected ipv4 PREROUTING|OUTPUT conntrack") != NULL);
	f = found_at("PRE");
	CHECK(!passes(&f, why, sizeof(why)));
	f = found_at("OUTPUTS");
	CHECK(!passes(&f, why, sizeof(why)));
	f = found_at("");
	CHECK(!passes(&f, why, sizeof(why)));
}

static void test_other_fields(void)
{
	struct demo_found f = found_at("PREROUTING");
	char why[256];

	f.ct_table_full = false;
	CHECK(!passes(&f, why, sizeof(why)));
	CHECK(strstr(why, "conntrack table full") != NULL);
	f = found_at("PREROUTING");
	strcpy(f.nf_table, "filter");
	CHECK(!passes(&f, why, sizeof(why)));
	f = found_at("PREROUTING");
	f.seen = false;
	CHECK(!passes(&f, why, sizeof(why)));
	CHECK(strstr(why, "no packet") != NULL);
}

int main(void)
{
	RUN(test_hook_alternatives);
	RUN(test_other_fields);
	CHECK_EXIT();
}
