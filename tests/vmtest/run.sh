#!/usr/bin/env bash
# `make vmtest`: the same binary on other kernels. For each kernel, boots it under qemu
# (tests/vmtest/boot.sh), runs tests/vmtest/guest.sh inside, judges the results on the host against
# tests/vmtest/expect-<kernel>.json, and prints the plan and a PASS/FAIL line per case;
# then one summary table. Exits non-zero when any case failed or a guest did not finish.
# The guests boot --jobs at a time (default 1: each emulates 2 CPUs, and on a 2-core host
# two side by side took longer than one after the other, docs/kernels.md), and are judged
# in the order given once all have finished.
# Usage: run.sh [--hoptrace PATH] [--vmtest PATH] [--out DIR] [--timeout SECS] [--jobs N]
#        [--selftest quick|all|none] KERNEL...
#   --selftest: which demo scenarios each guest runs through `hoptrace selftest`: the
#   kernel's expectation lists a quick set (.selftest_quick, what make test runs); all of
#   them is make vmtest-full (docs/kernels.md says which and why).
#   KERNEL: anything boot.sh takes (5.10, 6.1, 6.12, a linux-image .deb), or `host` for this
#   machine's kernel without qemu (expectation: expect-<major.minor>.json).
cd "$(dirname "$0")/../.." || exit 1
hoptrace=build/hoptrace
vmtest=tests/vmtest/boot.sh
outroot=build/vmtest
timeout=600
jobs=1
selftest=quick
cases=(plan closed_port netfilter_drop rules_named vxlan udp_delivered bpf_culprit)

while [ $# -gt 0 ]; do
	case $1 in
	--hoptrace) hoptrace=$2; shift 2 ;;
	--vmtest) vmtest=$2; shift 2 ;;
	--out) outroot=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--selftest) selftest=$2; shift 2 ;;
	-*) echo "vmtest: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [options] KERNEL..." >&2; exit 2; }
case $selftest in quick | all | none) ;; *) echo "vmtest: --selftest quick, all or none" >&2; exit 2 ;; esac
[ -x "$hoptrace" ] || { echo "vmtest: no binary at $hoptrace (run make)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "vmtest: needs root (qemu, namespaces, BPF)" >&2; exit 2; }
hoptrace=$(realpath "$hoptrace")

declare -A result release seconds
status=0

# boot KERNEL OUTDIR LOG SCENARIOS: runs the guest script on that kernel; its exit status.
boot() {
	local kernel=$1 out=$2 log=$3 scenarios=$4
	if [ "$kernel" = host ]; then
		HOPTRACE=$hoptrace PREFIX=vmt$$ VMTEST_SELFTEST=$scenarios \
			bash tests/vmtest/guest.sh "$out" >"$log" 2>&1
	else
		[ -x "$vmtest" ] || { echo "vmtest: $vmtest not found (--vmtest PATH)" >"$log"; return 125; }
		HOPTRACE=$hoptrace VMTEST_SELFTEST=$scenarios "$vmtest" -t "$timeout" "$kernel" -- \
			bash tests/vmtest/guest.sh "$out" >"$log" 2>&1
	fi
}

# selftest_scenarios KERNEL: what the guest runs through hoptrace selftest ("all", names,
# or nothing), by --selftest and the kernel's expectation.
selftest_scenarios() {
	local expect
	case $selftest in
	none) return ;;
	all) echo all; return ;;
	esac
	if [ "$1" = host ]; then
		expect=tests/vmtest/expect-$(uname -r | cut -d. -f1-2).json
	else
		expect=tests/vmtest/expect-$1.json
	fi
	[ -r "$expect" ] && jq -r '.selftest_quick // [] | join(" ")' "$expect"
}

# expectation KERNEL OUTDIR: the file that says what this kernel should give.
expectation() {
	local kernel=$1 rel
	if [ "$kernel" = host ]; then
		rel=$(cat "$2/release" 2>/dev/null || uname -r)
		kernel=$(echo "$rel" | cut -d. -f1-2)
	fi
	echo "tests/vmtest/expect-$kernel.json"
}

# The Debian package version in /proc/version ("... Debian 6.1.192-2 (date)"), if any.
debian_version() {
	sed -n 's/.* Debian \([^ ]*\) .*/ (Debian \1)/p' "$1/version" 2>/dev/null
}

# boot_kernel KERNEL: its guest run, in OUTROOT/KERNEL; the exit status and seconds taken
# are left in .rc and .seconds there (it runs in the background, beside the others).
boot_kernel() {
	local kernel=$1 out=$outroot/$1 log=$outroot/$1.log rc start=$SECONDS scenarios
	rm -rf "$out" && mkdir -p "$out"
	scenarios=$(selftest_scenarios "$kernel")
	printf '%s\n' "$scenarios" >"$out/.selftest"
	boot "$kernel" "$out" "$log" "$scenarios"
	rc=$?
	# Under TCG a guest kernel now and then oopses while booting (seen: 6.12, int3 in
	# sched_clock_cpu while patching code). That says nothing about hoptrace: boot again,
	# once, if the guest script never started.
	if [ $rc -eq 125 ] && [ ! -e "$out/timing" ]; then
		{
			echo "vmtest: $kernel died while booting, before the guest script; booting again"
			grep -m1 -i 'oops\|panic\|bug:' "$log" | sed 's/^/    /'
		} >"$outroot/$kernel.reboot"
		mv "$log" "$log.1"
		boot "$kernel" "$out" "$log" "$scenarios"
		rc=$?
	fi
	echo $rc >"$out/.rc"
	echo $((SECONDS - start)) >"$out/.seconds"
}

run_kernel() {
	local kernel=$1 out=$outroot/$1 log=$outroot/$1.log rc label expect lines
	[ -s "$outroot/$kernel.reboot" ] && cat "$outroot/$kernel.reboot"
	rc=$(cat "$out/.rc" 2>/dev/null || echo 125)
	seconds[$kernel]=$(cat "$out/.seconds" 2>/dev/null || echo "?")
	release[$kernel]=$(cat "$out/release" 2>/dev/null || echo "?")
	expect=$(expectation "$kernel" "$out")
	label=$kernel
	[ "$kernel" = host ] && label=$(basename "$expect" .json | sed 's/^expect-//')
	echo "== kernel $kernel: ${release[$kernel]}$(debian_version "$out") (${seconds[$kernel]} s)"
	[ -s "$out/hooks.txt" ] && sed 's/^/  /' "$out/hooks.txt"
	if [ $rc -ne 0 ]; then
		echo "vmtest: the guest on $kernel exited $rc$( [ $rc -eq 124 ] && echo ' (timeout)')$(
			[ $rc -eq 125 ] && echo ' (the VM died)'), last lines of $log:"
		tail -20 "$log" | sed 's/^/    /'
		status=1
	fi
	lines=$(bash tests/vmtest/check.sh "$label" "$expect" "$out" "$(cat "$out/.selftest" 2>/dev/null)") ||
		status=1
	printf '%s\n' "$lines"
	for c in "${cases[@]}"; do
		result[$kernel,$c]=$(printf '%s\n' "$lines" |
			awk -v n="vmtest_${label}_$c" '$3 == n { print $1 }')
		[ -n "${result[$kernel,$c]}" ] || result[$kernel,$c]=FAIL
	done
	# The selftest's scenarios, one column: how many passed of how many.
	result[$kernel,selftest]=$(printf '%s\n' "$lines" | awk -v p="vmtest_${label}_selftest_" '
		index($3, p) == 1 { n++; ok += $1 == "PASS" }
		END { print (n && ok == n) ? "PASS(" n ")" : (ok + 0) "/" (n + 0) }')
}

summary() {
	echo
	echo "vmtest summary"
	printf '%-8s %-24s' kernel release
	printf ' %-14s' "${cases[@]}" selftest
	printf ' %s\n' time
	for k in "$@"; do
		printf '%-8s %-24s' "$k" "${release[$k]}"
		for c in "${cases[@]}" selftest; do printf ' %-14s' "${result[$k,$c]}"; done
		printf ' %ss\n' "${seconds[$k]}"
	done
}

mkdir -p "$outroot"
total=$SECONDS
# The kernel packages are fetched one at a time (boot.sh locks its cache); the guests then
# run side by side.
running=0
for k in "$@"; do
	rm -f "$outroot/$k.reboot"
	boot_kernel "$k" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
for k in "$@"; do
	run_kernel "$k"
done
summary "$@"
echo "vmtest: $# kernel(s) in $((SECONDS - total)) s: $([ $status -eq 0 ] && echo all passed || echo FAILED)"
exit $status
