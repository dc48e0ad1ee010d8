#!/usr/bin/env bash
# End-to-end: one short round of every benchmark measurement (make bench-smoke), checking
# that each yields a number and that the run leaves no namespace behind. The
# budgets themselves are judged by `make bench`, not here: one 1 s round is too noisy.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

BUILD_DIR=$(dirname "$HOPTRACE")

# expect_row LABEL: the table row starting with LABEL has a number as its median (the
# second column, at character 54 of bench/run.sh's print_table; a label longer than the
# column, given whole, has it right after it).
expect_row() {
	if ! awk -v l="$1" 'index($0, l) == 1 && (substr($0, 54, 1) ~ /[0-9]/ ||
		substr($0, length(l) + 1) ~ /^ +-?[0-9]/) { ok = 1 }
		END { exit !ok }' "$TMP/bench.out"; then
		echo "no number in the row '$1'"
		return 1
	fi
}

case_bench_smoke() {
	local ns
	[ -x "$HOPTRACE" ] || { echo "no hoptrace at $HOPTRACE"; return 1; }
	make -s BUILD="$BUILD_DIR" bench-tools || return 1
	# The smoke is bounded by its work: a fixed number of 1 s runs, each under its own
	# guard in bench/run.sh. How long the forks and BPF loads around them take is up to
	# the machine's load and the build (4x longer under ASan on a busy host), so the limit
	# here only catches a hang; a budget in seconds made this test fail with the load.
	timeout -k 5 900 bench/run.sh --smoke --hoptrace "$HOPTRACE" --tools "$BUILD_DIR/bench" \
		>"$TMP/bench.out" 2>&1
	local rc=$?
	cat "$TMP/bench.out"
	ns=$(sed -n 's/^bench: namespaces \(hb[0-9]*\)-tx.*/\1/p' "$TMP/bench.out")
	if [ $rc -ne 0 ]; then
		echo "bench/run.sh --smoke exited $rc"
		# Killed past its timeout, it could not clean up: do it here.
		[ -n "$ns" ] && for n in tx br rx; do ip netns del "$ns-$n" 2>/dev/null; done
		return 1
	fi
	expect_row "1. idle path: pps ratio" || return 1
	expect_row "2. accounting floor" || return 1
	expect_row "  dev_xmit_tp_btf" || return 1
	expect_row "3. traced path: pps ratio" || return 1
	expect_row "   events/s consumed" || return 1
	expect_row "   matching hop: all programs' net ns over the events recorded" || return 1
	expect_row "     ring buffer: a hop-sized record reserved and submitted" || return 1
	expect_row "   user space capacity, text: events/s over hoptrace's share of a CPU" ||
		return 1
	expect_row "   user space capacity, --json: events/s over hoptrace's share of a CPU" ||
		return 1
	expect_row "5. start-up" || return 1
	expect_row "     bpf_load" || return 1
	if command -v perf >/dev/null; then
		expect_row "     CPU per event, all of it" || return 1
	fi
	if command -v bpftrace >/dev/null; then
		expect_row "4. peer bpftrace: pps ratio" || return 1
	fi
	[ -n "$ns" ] || { echo "the run did not name its namespaces"; return 1; }
	if ip netns list | grep -q "^$ns-"; then
		echo "namespaces $ns-* left behind"
		return 1
	fi
}

if ! command -v taskset >/dev/null; then
	echo "SKIP e2e bench_smoke: taskset not installed"
	exit 0
fi
run_case bench_smoke case_bench_smoke
exit $TESTS_FAILED
