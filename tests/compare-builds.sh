#!/usr/bin/env bash
# Compares what two builds of hoptrace say about the same traffic: runs the end-to-end
# scripts and the selftest with each binary, keeps every JSON output a case checks,
# normalises what differs from run to run (timestamps, skb addresses, namespace inodes and
# the random namespace prefixes, ports the kernel picks, code offsets) and diffs the rest.
# Usage (root): tests/compare-builds.sh OLD_BINARY NEW_BINARY [E2E_SCRIPT...]
set -u
cd "$(dirname "$0")/.." || exit 1
old=$1 new=$2
shift 2
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=(tests/e2e/test_core.sh tests/e2e/test_overlay.sh
	tests/e2e/test_pcapng.sh)
out=$(mktemp -d /tmp/hoptrace-compare.XXXXXX)

normalise() {
	jq -S -c 'walk(if type == "array" and (.[0]|type) == "object" and (.[0]|has("hook")) then sort_by(.hook) elif type == "object" then
		with_entries(select(.key | test("^(ts|ts_ns|wall|time|seconds|skb|netns|cpu|id|packet|flow|location|started|ended|events|kernel_events|ip_id|count|pkt|prog|hop_names|synthetic_hop_names)$") | not))
		else . end)' "$1" 2>/dev/null |
		sed -E -e 's/ht[a-z]?[0-9]+-/NS-/g' -e 's/"(sport|dport)":[0-9]{4,5}/"\1":P/g' |
		sort
}

for which in old new; do
	bin=$old
	[ "$which" = new ] && bin=$new
	for s in "${scripts[@]}"; do
		HOPTRACE=$(realpath "$bin") HOPTRACE_KEEP_OUTPUT=$out/$which bash "$s" >"$out/$which.$(basename "$s").log" 2>&1
	done
	"$bin" selftest --json >"$out/$which/selftest.jsonl" 2>/dev/null
done

status=0
for f in "$out"/old/*; do
	g=$out/new/$(basename "$f")
	if [ ! -f "$g" ]; then
		echo "only in the old build's run: $(basename "$f")"
		status=1
		continue
	fi
	if ! diff <(normalise "$f") <(normalise "$g") >"$out/diff" 2>&1; then
		echo "differs: $(basename "$f")"
		head -20 "$out/diff"
		status=1
	fi
done
echo "compared $(ls "$out/old" | wc -l) outputs in $out"
exit $status
