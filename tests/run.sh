#!/usr/bin/env bash
# Runs every unit test binary and every end-to-end script, counts their PASS/FAIL/SKIP
# lines, and closes with one "N passed, N failed, N skipped" line. Exits non-zero when a
# case failed, a runner crashed, or nothing ran at all.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
log=$(mktemp /tmp/hoptrace-tests.XXXXXX)
trap 'rm -f "$log"' EXIT

# A runner that exits non-zero without printing a FAIL line crashed: count it as a failure.
run() {
	local what=$1 out rc
	shift
	out=$(mktemp /tmp/hoptrace-run.XXXXXX)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	cat "$out" >>"$log"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$out"; then
		echo "FAIL runner $what (exit $rc)" | tee -a "$log"
	fi
	rm -f "$out"
}

# Nothing the build or the tests use may lie outside the repository (no root needed).
run check_paths bash tests/check_paths.sh

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done

# Lint-like checks (docs against the binary's tables, formatting) need no privileges.
for t in tests/lint/test_*.sh; do
	HOPTRACE=$PWD/$BUILD/hoptrace run "$(basename "$t")" bash "$t"
done

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/e2e/test_*.sh; do
		HOPTRACE=$PWD/$BUILD/hoptrace run "$(basename "$t")" bash "$t"
	done
else
	echo "SKIP e2e all: end-to-end tests need root (real BPF, real namespaces)" | tee -a "$log"
fi

# make test also runs the suite again under AddressSanitizer and UBSan, each fuzz target
# briefly, and the kernel matrix; their lines are counted here, under names of their own.
if [ "${HOPTRACE_TEST_EXTRAS:-0}" = 1 ]; then
	run sanitize bash -c 'HOPTRACE_TEST_EXTRAS=0 make -s --no-print-directory sanitize 2>&1 |
		sed -u -e "s/^\(PASS\|FAIL\|SKIP\) \([a-z]*\) /\1 \2-asan /" -e "/^[0-9]* passed, /d"
		exit ${PIPESTATUS[0]}'
	run fuzz_smoke make -s --no-print-directory fuzz-smoke
	# The same binary under Debian's 5.10, 6.1 and 6.12 kernels (qemu, docs/kernels.md).
	run vmtest make -s --no-print-directory vmtest KERNELS="${VMTEST_KERNELS:-5.10 6.1 6.12}"
fi

passed=$(grep -c '^PASS' "$log")
failed=$(grep -c '^FAIL' "$log")
skipped=$(grep -c '^SKIP' "$log")
echo
grep '^SKIP' "$log" | sed 's/^/  /'
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
