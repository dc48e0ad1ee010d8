// SPDX-License-Identifier: GPL-2.0
/* The names of rule verdicts and decision types, one table for every output. */
#include "host/rule_event.h"

const char *rule_verdict__name(int verdict)
{
	switch (verdict) {
	case RULE_VERDICT_DROP:
		return "drop";
	case RULE_VERDICT_ACCEPT:
		return "accept";
	case RULE_VERDICT_STOLEN:
		return "stolen";
	case RULE_VERDICT_QUEUE:
		return "queue";
	case RULE_VERDICT_REPEAT:
		return "repeat";
	case RULE_VERDICT_CONTINUE:
		return "continue";
	case RULE_VERDICT_BREAK:
		return "break";
	case RULE_VERDICT_JUMP:
		return "jump";
	case RULE_VERDICT_GOTO:
		return "goto";
	case RULE_VERDICT_RETURN:
		return "return";
	default:
		return "unknown";
	}
}

const char *rule_event__type_name(enum rule_event_type type)
{
	switch (type) {
	case RULE_EV_RETURN:
		return "return";
	case RULE_EV_POLICY:
		return "policy";
	default:
		return "rule";
	}
}
