#!/usr/bin/env bash
# End-to-end: `hoptrace selftest` on this kernel. One PASS/FAIL line per demo scenario
# (its verdict checked by the selftest itself), then what a run must leave behind:
# none of its namespaces, and the conntrack maximum as it was.
cd "$(dirname "$0")/../.." || exit 1
HOPTRACE=${HOPTRACE:-$PWD/build/hoptrace}
TMP=$(mktemp -d /tmp/hoptrace-selftest.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
failed=0

ct_max() { cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null; }

ct_before=$(ct_max)
"$HOPTRACE" selftest --json >"$TMP/out.jsonl" 2>"$TMP/err" &
pid=$!
wait $pid
rc=$?

if [ "$(jq -s '[.[] | select(.type=="scenario")] | length > 0' "$TMP/out.jsonl" 2>/dev/null)" \
	!= "true" ]; then
	echo "FAIL e2e selftest: no scenario was reported (exit $rc)"
	sed 's/^/    /' "$TMP/err" | tail -20
	exit 1
fi

while IFS=$'\t' read -r name pass expected found why; do
	case_name=selftest_${name//-/_}
	if [ "$pass" = "true" ]; then
		echo "PASS e2e $case_name"
	else
		echo "FAIL e2e $case_name"
		echo "    expected: $expected"
		echo "    found:    $found"
		echo "    differs:  $why"
		failed=1
	fi
done < <(jq -r 'select(.type=="scenario") | [.name, .pass, (.expected | tostring),
	(.found | tostring), (.mismatch // "")] | @tsv' "$TMP/out.jsonl")

summary_ok=$(jq -s '(map(select(.type=="scenario" and .pass==false)) | length) as $failed
	| map(select(.type=="summary")) | length == 1 and .[0].failed == $failed' \
	"$TMP/out.jsonl" 2>/dev/null)
plan_ok=$(jq -s '.[0].type == "attach_plan" and (.[0].plan.hooks | length) > 0' \
	"$TMP/out.jsonl" 2>/dev/null)
if [ "$summary_ok" = "true" ] && [ "$plan_ok" = "true" ] &&
	{ { [ $rc -eq 0 ] && [ $failed -eq 0 ]; } || { [ $rc -eq 1 ] && [ $failed -eq 1 ]; }; }; then
	echo "PASS e2e selftest_report"
else
	echo "FAIL e2e selftest_report: attach plan, summary and exit status ($rc) must agree"
	failed=1
fi

left=$(ip netns list | grep -c "^htd$pid-")
if [ "$left" -eq 0 ] && [ ! -e "/run/hoptrace-demo/htd$pid-conntrack" ]; then
	echo "PASS e2e selftest_leaves_nothing"
else
	echo "FAIL e2e selftest_leaves_nothing: $left namespaces of run $pid remain"
	failed=1
fi

if [ "$(ct_max)" = "$ct_before" ]; then
	echo "PASS e2e selftest_conntrack_max_restored"
else
	echo "FAIL e2e selftest_conntrack_max_restored: was $ct_before, now $(ct_max)"
	failed=1
fi
exit $failed
