#!/usr/bin/env bash
# `make vmtest`: the same binary on other kernels. For each kernel, boots it under qemu
# (tests/vmtest/boot.sh), runs tests/vmtest/guest.sh inside, judges the results on the host against
# tests/vmtest/expect-<kernel>.json, and prints the plan and a PASS/FAIL line per case;
# then one summary table. Exits non-zero when any case failed or a guest did not finish.
# Usage: run.sh [--hoptrace PATH] [--vmtest PATH] [--out DIR] [--timeout SECS] KERNEL...
#   KERNEL: anything boot.sh takes (5.10, 6.1, 6.12, a linux-image .deb), or `host` for this
#   machine's kernel without qemu (expectation: expect-<major.minor>.json).
cd "$(dirname "$0")/../.." || exit 1
hoptrace=build/hoptrace
vmtest=tests/vmtest/boot.sh
outroot=build/vmtest
timeout=600
cases=(plan closed_port netfilter_drop rules_named vxlan udp_delivered bpf_culprit)

while [ $# -gt 0 ]; do
	case $1 in
	--hoptrace) hoptrace=$2; shift 2 ;;
	--vmtest) vmtest=$2; shift 2 ;;
	--out) outroot=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	-*) echo "vmtest: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [options] KERNEL..." >&2; exit 2; }
[ -x "$hoptrace" ] || { echo "vmtest: no binary at $hoptrace (run make)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "vmtest: needs root (qemu, namespaces, BPF)" >&2; exit 2; }
hoptrace=$(realpath "$hoptrace")

declare -A result release seconds
status=0

# boot KERNEL OUTDIR LOG: runs the guest script on that kernel; its exit status.
boot() {
	local kernel=$1 out=$2 log=$3
	if [ "$kernel" = host ]; then
		HOPTRACE=$hoptrace PREFIX=vmt$$ bash tests/vmtest/guest.sh "$out" >"$log" 2>&1
	else
		[ -x "$vmtest" ] || { echo "vmtest: $vmtest not found (--vmtest PATH)" >"$log"; return 125; }
		HOPTRACE=$hoptrace "$vmtest" -t "$timeout" "$kernel" -- \
			bash tests/vmtest/guest.sh "$out" >"$log" 2>&1
	fi
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

run_kernel() {
	local kernel=$1 out=$outroot/$1 log=$outroot/$1.log rc start label expect lines
	rm -rf "$out" && mkdir -p "$out"
	start=$SECONDS
	boot "$kernel" "$out" "$log"
	rc=$?
	# Under TCG a guest kernel now and then oopses while booting (seen: 6.12, int3 in
	# sched_clock_cpu while patching code). That says nothing about hoptrace: boot again,
	# once, if the guest script never started.
	if [ $rc -eq 125 ] && [ ! -e "$out/timing" ]; then
		echo "vmtest: $kernel died while booting, before the guest script; booting again"
		grep -m1 -i 'oops\|panic\|bug:' "$log" | sed 's/^/    /'
		mv "$log" "$log.1"
		boot "$kernel" "$out" "$log"
		rc=$?
	fi
	seconds[$kernel]=$((SECONDS - start))
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
	lines=$(bash tests/vmtest/check.sh "$label" "$expect" "$out") || status=1
	printf '%s\n' "$lines"
	for c in "${cases[@]}"; do
		result[$kernel,$c]=$(printf '%s\n' "$lines" |
			awk -v n="vmtest_${label}_$c" '$3 == n { print $1 }')
		[ -n "${result[$kernel,$c]}" ] || result[$kernel,$c]=FAIL
	done
}

summary() {
	echo
	echo "vmtest summary"
	printf '%-8s %-24s' kernel release
	printf ' %-14s' "${cases[@]}"
	printf ' %s\n' time
	for k in "$@"; do
		printf '%-8s %-24s' "$k" "${release[$k]}"
		for c in "${cases[@]}"; do printf ' %-14s' "${result[$k,$c]}"; done
		printf ' %ss\n' "${seconds[$k]}"
	done
}

mkdir -p "$outroot"
total=$SECONDS
for k in "$@"; do
	run_kernel "$k"
done
summary "$@"
echo "vmtest: $# kernel(s) in $((SECONDS - total)) s: $([ $status -eq 0 ] && echo all passed || echo FAILED)"
exit $status
