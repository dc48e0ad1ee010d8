#!/usr/bin/env bash
# Runs libFuzzer targets: first replays every saved regression input of a target, then
# fuzzes it for a while from its seed corpus (and the regressions). Prints one line per
# target and exits non-zero when any target crashed, leaked, hung or broke a check.
# Usage: run.sh SECONDS BUILD_DIR TARGET...   (FUZZ_SAVE=1: copy new crashes into
# tests/fuzz/regressions/<target>/ so that they are replayed from then on)
cd "$(dirname "$0")/../.." || exit 1
seconds=$1 build=$2
shift 2
failed=0
# Stack traces for undefined behaviour too; the build already makes every finding fatal.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# Replays the inputs one by one so a failure names its file; stderr shows the report.
replay() {
	local bin=$1 dir=$2 input
	[ -d "$dir" ] || return 0
	for input in "$dir"/*; do
		[ -f "$input" ] || continue
		if ! "$bin" -runs=1 "$input" >"$build/$target.replay.log" 2>&1; then
			echo "FAIL fuzz $target: regression $input"
			tail -n 40 "$build/$target.replay.log"
			return 1
		fi
	done
}

# Copies what the fuzzer saved for a failure into the regressions, once per content.
save_artifacts() {
	local artifacts=$1 regress=$2 f
	for f in "$artifacts"/*; do
		[ -f "$f" ] || continue
		mkdir -p "$regress"
		cp -n "$f" "$regress/$(basename "$f")"
		echo "  saved $regress/$(basename "$f"); commit it with the fix"
	done
}

for target in "$@"; do
	bin=$build/$target
	corpus=tests/fuzz/corpus/$target
	regress=tests/fuzz/regressions/$target
	work=$build/corpus/$target
	artifacts=$build/artifacts/$target
	log=$build/$target.log
	mkdir -p "$work" "$artifacts"
	rm -f "$artifacts"/*
	replay "$bin" "$regress" || { failed=1; continue; }
	dict=()
	[ -f "tests/fuzz/$target.dict" ] && dict=("-dict=tests/fuzz/$target.dict")
	dirs=("$work")
	[ -d "$corpus" ] && dirs+=("$corpus")
	[ -d "$regress" ] && dirs+=("$regress")
	start=$SECONDS
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$artifacts/" \
		"${dict[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $rc -ne 0 ]; then
		echo "FAIL fuzz $target: exit $rc after $((SECONDS - start))s (log $log)"
		grep -m1 -E 'ERROR: |fuzz check failed|runtime error' "$log" | sed 's/^/  /'
		ls "$artifacts" | sed "s|^|  artifact $artifacts/|"
		[ "${FUZZ_SAVE:-0}" = 1 ] && save_artifacts "$artifacts" "$regress"
		failed=1
	else
		echo "PASS fuzz $target: ${runs:-?} runs in $((SECONDS - start))s"
	fi
done
exit $failed
