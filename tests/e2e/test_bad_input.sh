#!/usr/bin/env bash
# Every bad input a user can give: one clear line on stderr, a non-zero exit, and nothing
# left attached (the kernel's BPF programs and links are counted before and after).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap 'rm -rf "$TMP"' EXIT

bpf_objects() { echo "$(bpftool prog show 2>/dev/null | grep -c '^[0-9]') $(bpftool link show 2>/dev/null | grep -c '^[0-9]')"; }

# expect_refusal NAME PATTERN ARGS...: hoptrace ARGS must exit non-zero with one stderr
# line matching PATTERN, and leave the kernel's BPF programs and links as they were.
expect_refusal() {
	local name=$1 pattern=$2 before after rc lines
	shift 2
	before=$(bpf_objects)
	$AS_USER "$HOPTRACE" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	after=$(bpf_objects)
	lines=$(grep -vc '^Try ' "$TMP/$name.err")
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" "$TMP/$name.err" &&
		[ "${after% *}" -le "${before% *}" ] && [ "${after#* }" -le "${before#* }" ]; then
		echo "PASS e2e bad_input_$name"
	else
		echo "FAIL e2e bad_input_$name (exit $rc, $lines lines, bpf $before -> $after)"
		sed 's/^/    /' "$TMP/$name.err"
		TESTS_FAILED=1
	fi
}

expect_refusal bad_address "invalid --pod-ip address or CIDR '10.0.0.256'" --pod-ip 10.0.0.256
expect_refusal bad_prefix "invalid --pod-ip address or CIDR '10.0.0.0/33'" --pod-ip 10.0.0.0/33
expect_refusal bad_ipv6 "invalid --peer address" --pod-ip 10.0.0.1 --peer fd00::/129
expect_refusal no_pod_ip "--pod-ip is required" --duration 1
expect_refusal unknown_option "unknown option '--frobnicate'" --frobnicate
expect_refusal option_typo "unknown option '--pod-iq' (did you mean --pod-ip?)" --pod-iq 10.0.0.1
expect_refusal ambiguous_option "option '--po' is ambiguous: --pod-ip --pod --pod-json --port" --po 1
expect_refusal flag_with_value "option '--json' takes no value" --pod-ip 10.0.0.1 --json=yes
expect_refusal missing_value "option '--pod-ip' needs a value" --pod-ip
expect_refusal bad_proto "invalid --proto 'tcpp'" --pod-ip 10.0.0.1 --proto tcpp
expect_refusal bad_port "invalid --port '70000'" --pod-ip 10.0.0.1 --port 70000
expect_refusal bad_duration "invalid --duration '5parsecs'" --pod-ip 10.0.0.1 --duration 5parsecs
expect_refusal bad_snaplen "invalid --snaplen '4096'" --pod-ip 10.0.0.1 --snaplen 4096
expect_refusal empty_command "no command after '--'" --pod-ip 10.0.0.1 --
expect_refusal missing_command "command not found: no-such-command-here" \
	--pod-ip 10.0.0.1 -- no-such-command-here
expect_refusal unknown_netns "no such network namespace" --pod-ip 10.0.0.1 --netns nope-$$
expect_refusal only_netns_empty_name "invalid --only-netns 'a,,b'" --pod-ip 10.0.0.1 --only-netns a,,b
expect_refusal only_netns_unknown "--only-netns nope-$$: no such network namespace" --pod-ip 10.0.0.1 --only-netns nope-$$
expect_refusal node_name_space "invalid --node-name 'a b'" --pod-ip 10.0.0.1 --node-name 'a b'
expect_refusal bad_filter "syntax error" --pod-ip 10.0.0.1 'udp port'
expect_refusal unwritable_output "cannot create '/nonexistent/x.pcapng'" \
	--pod-ip 10.0.0.1 -w /nonexistent/x.pcapng -- true
touch "$TMP/exists.pcapng"
expect_refusal existing_output "File exists" --pod-ip 10.0.0.1 -w "$TMP/exists.pcapng" -- true
expect_refusal bundle_unwritable "--bundle: cannot create '/proc/nope/x'" \
	--pod-ip 10.0.0.1 --bundle /proc/nope/x -- true
expect_refusal bundle_no_parent "--bundle: cannot create '/nonexistent/b': No such file or directory" \
	--pod-ip 10.0.0.1 --bundle /nonexistent/b -- true
mkdir -p "$TMP/full-bundle" && touch "$TMP/full-bundle/x"
expect_refusal bundle_not_empty "--bundle: '$TMP/full-bundle' exists and is not empty" \
	--pod-ip 10.0.0.1 --bundle "$TMP/full-bundle" -- true
touch "$TMP/exists.tar.gz"
expect_refusal bundle_tarball_exists "--bundle: '$TMP/exists.tar.gz' exists (remove it" \
	--pod-ip 10.0.0.1 --bundle "$TMP/exists.tar.gz" -- true
[ -z "$(find "$TMP" -maxdepth 1 -name '.hoptrace-bundle.*')" ] &&
	echo "PASS e2e bad_input_bundle_nothing_left" ||
	{ echo "FAIL e2e bad_input_bundle_nothing_left"; TESTS_FAILED=1; }
expect_refusal bad_pod_ref "invalid --pod 'web_1' (NAMESPACE/NAME, or NAME in default)" --pod web_1
mkdir -p "$TMP/no-pods"
expect_refusal unknown_pod "no pod default/nope on this node: read runtime state ($TMP/no-pods: 0 sandboxes)" \
	--pod nope --runtime-state "$TMP/no-pods" -- true
expect_refusal unreadable_runtime_state "cannot read the pods of this node: runtime state (/nonexistent-$$: not present)" \
	--pod nope --runtime-state /nonexistent-$$ -- true
printf '{"kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"nodeName":"worker-2"},"status":{"podIP":"192.0.2.7"}}' >"$TMP/web.json"
expect_refusal pod_on_other_node "pod default/web runs on node worker-2, not here (from --pod-json)" \
	--pod web --runtime-state "$TMP/no-pods" --pod-json "$TMP/web.json" -- true
expect_refusal unknown_subcommand "unknown subcommand 'frob'" frob
expect_refusal subcommand_typo "unknown subcommand 'hoks' (did you mean 'hooks'?)" hoks
expect_refusal option_before_subcommand "the subcommand 'demo' must come first" -q demo nosuch
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	AS_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all" \
		expect_refusal not_root "needs root" --pod-ip 10.0.0.1 -- true
	# Without privileges every trial load fails: hooks says so instead of blaming the kernel.
	AS_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all" \
		expect_refusal hooks_not_root \
		"hoptrace hooks: needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN) to probe the kernel" \
		hooks
else
	echo "SKIP e2e bad_input_not_root: no 'nobody' user or setpriv here"
	echo "SKIP e2e bad_input_hooks_not_root: no 'nobody' user or setpriv here"
fi
exit $TESTS_FAILED
