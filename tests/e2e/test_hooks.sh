#!/usr/bin/env bash
# `hoptrace hooks` against what this machine really allows, established independently:
# tracepoint prototypes in the kernel's BTF, the kprobe PMU, and netfilter links really
# present in the kernel while a trace runs.
cd "$(dirname "$0")/../.." || exit 1
HOPTRACE=${HOPTRACE:-$PWD/build/hoptrace}
failed=0
plan=$("$HOPTRACE" hooks --json)
btf_types=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -o "'btf_trace_[a-z_0-9]*'")

verdict() {
	if [ "$2" = ok ]; then echo "PASS e2e hooks_$1"; else echo "FAIL e2e hooks_$1: $2"; failed=1; fi
}

# Each tracepoint hook takes tp_btf exactly when its prototype is in the BTF.
for row in $(jq -r '.hooks[] | select(.target // "" | test("/")) | "\(.hook)=\(.method)=\(.target)"' \
	<<<"$plan"); do
	IFS== read -r hook method target <<<"$row"
	want=raw_tp
	grep -q "'btf_trace_${target#*/}'" <<<"$btf_types" && want=tp_btf
	if [ "$method" = "$want" ]; then verdict "$hook" ok
	else verdict "$hook" "method $method, expected $want"; fi
done

kprobes=false
[ -e /sys/bus/event_source/devices/kprobe/type ] && kprobes=true
[ "$(jq -r .features.kprobes <<<"$plan")" = $kprobes ] && verdict kprobes ok ||
	verdict kprobes "plan says $(jq -r .features.kprobes <<<"$plan"), the PMU says $kprobes"

# Headers are read through bpf_rdonly_cast exactly when the kernel's BTF has the kfunc, and
# that build then really loads (no fallback warning).
cast=false
bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_rdonly_cast'" &&
	cast=true
if [ "$(jq -r .features.rdonly_cast <<<"$plan")" != $cast ]; then
	verdict rdonly_cast "plan says $(jq -r .features.rdonly_cast <<<"$plan"), the BTF says $cast"
elif ! "$HOPTRACE" --pod-ip 192.0.2.1 --duration 0.2 >/dev/null 2>"${TMPDIR:-/tmp}/hooks-cast.$$"; then
	verdict rdonly_cast "a trace did not run: $(cat "${TMPDIR:-/tmp}/hooks-cast.$$")"
elif grep -q "did not load" "${TMPDIR:-/tmp}/hooks-cast.$$"; then
	verdict rdonly_cast "$(grep "did not load" "${TMPDIR:-/tmp}/hooks-cast.$$")"
else
	verdict rdonly_cast ok
fi
rm -f "${TMPDIR:-/tmp}/hooks-cast.$$"

# With netfilter links claimed, a running trace must really hold netfilter-type links (a
# type libbpf 1.1's bpftool prints as its number, 10).
if [ "$(jq -r .features.netfilter_link <<<"$plan")" = true ]; then
	before=$(bpftool link show --json | jq '[.[] | select(.type == 10 or .type == "netfilter")] | length')
	"$HOPTRACE" --pod-ip 192.0.2.1 -q --duration 2 >/dev/null 2>&1 &
	pid=$!
	during=$before
	for _ in $(seq 30); do
		sleep 0.1
		during=$(bpftool link show --json | jq '[.[] | select(.type == 10 or .type == "netfilter")] | length')
		[ "$during" -gt "$before" ] && break
	done
	wait $pid
	[ "$during" -gt "$before" ] && [ "$(jq -r '.hooks[] | select(.hook=="netfilter") | .method' \
		<<<"$plan")" = nf_link ] && verdict netfilter_links ok ||
		verdict netfilter_links "no netfilter links appeared ($before -> $during)"
else
	echo "SKIP e2e hooks_netfilter_links: the plan reports no BPF netfilter links on this kernel"
fi
exit $failed
