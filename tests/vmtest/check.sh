#!/usr/bin/env bash
# Judges what tests/vmtest/guest.sh left in OUTDIR against tests/vmtest/expect-<kernel>.json
# and prints one PASS/FAIL line per case (as the end-to-end tests do), with the reasons
# under each failure. Runs on the host, where jq is cheap.
# Usage: check.sh LABEL EXPECT.json OUTDIR [SCENARIOS]   (exit status: failed cases, capped)
#   SCENARIOS: the selftest scenarios the guest ran ("all", or names; default none)
set -u
label=$1 expect=$2 out=$3 asked=${4:-}
failed=0
cases=(plan closed_port netfilter_drop rules_named vxlan udp_delivered bpf_culprit)

# problems CASE JQ-PROGRAM [JQ-ARGS...]: runs the program over CASE.jsonl (slurped), with
# the expectation as $e and the namespace names as $n1, $n2; prints the problems it lists.
problems() {
	local name=$1 prog=$2
	shift 2
	jq -r -s --slurpfile exp "$expect" --arg n1 "$N1" --arg n2 "$N2" --arg p2 "$P2" "$@" \
		"\$exp[0] as \$e | $prog | .[]" "$out/$name.jsonl" 2>&1
}

# The trace itself must have run: its exit status, and any attach error. Returns 1 when it
# did not run, so the case says why once instead of listing every missing hop.
trace_problems() {
	local name=$1 rc
	rc=$(cat "$out/$name.rc" 2>/dev/null) || { echo "not run (the guest stopped first)"; return 1; }
	grep 'attach failed\|did not load' "$out/$name.err"
	[ "$rc" = 0 ] && return 0
	echo "hoptrace exited $rc:"
	grep '^hoptrace: \|^libbpf: ' "$out/$name.err" | head -6
	return 1
}

# The end of libbpf's log for the program that failed to load: the verifier's last words,
# or the CO-RE relocation that failed.
verifier_summary() {
	local log=$1
	[ -s "$log" ] || return 0
	echo "libbpf's log (hoptrace -vv), the end of it:"
	grep -B10 -- '-- END PROG LOAD LOG --' "$log" | tail -11 | cut -c1-150
	grep "prog '.*': failed\|no matching targets\|CO-RE.*fail\|unknown#195896080" "$log" |
		head -4 | cut -c1-150
}

# One dropped packet to $port, with the reason, location (function), namespace, layer and
# netfilter attribution that the expectation's $case entry names.
drop_prog() {
	cat <<-'EOF'
		[.[] | select(.type == "packet" and .fate == "dropped" and .flow_tuple.dport == $port)]
		  as $d
		| $e[$case] as $x
		| if ($d | length) != 1 then
			["expected 1 dropped packet, got \($d | length)"]
		  else $d[0].drop as $g | [
			(if $g.reason != $x.reason then
				"reason \($g.reason) (expected \($x.reason))" else empty end),
			(if ($g.location // "" | startswith($x.location + "+") | not) then
				"location \($g.location) (expected \($x.location)+...)" else empty end),
			(if $g.netns_name != $n1 then
				"namespace \($g.netns_name) (expected \($n1))" else empty end),
			(if $x.layer and $g.layer != $x.layer then
				"layer \($g.layer) (expected \($x.layer))" else empty end),
			(if ($x | has("nf")) and $x.nf == null and $g.nf != null then
				"netfilter attribution \($g.nf | tojson) where the kernel has no way to give it"
			 else empty end),
			($x.nf // {} | to_entries[] | select($g.nf[.key] != .value)
				| "nf.\(.key) \($g.nf[.key]) (expected \(.value))")
		  ] end
	EOF
}

case_closed_port() {
	trace_problems closed_port || return
	problems closed_port "$(drop_prog)" --argjson port 9 --arg case closed_port
}

case_netfilter_drop() {
	trace_problems netfilter_drop || return
	problems netfilter_drop "$(drop_prog)" --argjson port 9999 --arg case netfilter_drop
}

# The netfilter drop traced with --rules: node 1's FORWARD rule #1, named from the kernel's
# rule trace, and no hoptrace table left after it.
case_rules_named() {
	trace_problems rules_named || return
	problems rules_named '
		[.[] | select(.type == "packet" and .fate == "dropped" and .flow_tuple.dport == 9999)
			| .drop.nf] as $nf
		| [
		(if ($nf | length) != 1 then "expected 1 dropped packet, got \($nf | length)"
		 elif ($nf[0] | .chain == "FORWARD" and .rule_index == 1 and .rule_source == "nftrace"
			and (.rule | test("--dport 9999 -j DROP"))) | not
			then "the rule is not named: \($nf[0] | tojson)" else empty end)
		]'
	grep hoptrace_ "$out/rules_named.tables" | sed 's/^/marking table left: /'
}

case_vxlan() {
	trace_problems vxlan || return
	problems vxlan '
		[.[] | select(.type == "hop")] as $h
		| [.[] | select(.type == "packet" and .fate == "delivered"
			and .flow_tuple.src == "10.244.1.2" and .flow_tuple.dst == "10.244.2.2")] as $p
		| [
		(if [$h[] | select(.hook == "vxlan_encap" and .netns_name == $n1
			and .layer == "overlay" and .vxlan.vni == $e.vxlan.vni
			and .vxlan.outer.dport == 4789 and .vxlan.outer.dst == "172.31.77.2")]
			| length < 1 then "no vxlan_encap hop on node 1 (VNI \($e.vxlan.vni))"
		 else empty end),
		(if [$h[] | select(.hook == "vxlan_decap" and .netns_name == $n2
			and .layer == "overlay" and .vxlan.vni == $e.vxlan.vni)] | length < 1
			then "no vxlan_decap hop on node 2" else empty end),
		(if [$p[] | select(.reply == false)] | length < 1
			then "the echo request was not delivered" else empty end),
		(if [$p[] | select(.reply == true)] | length < 1
			then "the echo reply was not delivered" else empty end)
		]'
}

# A datagram pod 2's socket took: delivered, with the socket's hop in pod 2.
case_udp_delivered() {
	trace_problems udp_delivered || return
	problems udp_delivered '
		[.[] | select(.type == "packet" and .flow_tuple.dport == 5353)] as $p
		| [.[] | select(.type == "hop" and .hook == "sock_queue" and .netns_name == $p2
			and .socket.proto == 17)] as $q
		| [
		(if [$p[] | select(.fate == "delivered")] | length != 1
			then "not one delivered datagram: \([$p[].fate])" else empty end),
		(if $q | length != 1 then "no sock_queue hop in pod 2" else empty end)
		]'
}

# Two cls_bpf programs on the server's ingress, the second dropping UDP to 7777. Where the
# expectation says fexit: the dropped packet's hops show, before the drop, the passing
# program returning TC_ACT_UNSPEC (-1) and the dropping one TC_ACT_SHOT (2), by the ids the
# loader printed. Elsewhere: no bpf_prog hop, the rung refused for fentry, and the drop
# still named by its reason.
case_bpf_culprit() {
	local pass drop
	if [ ! -e "$out/bpf_topology.ok" ]; then
		echo "the veth pair or its programs did not come up:"
		cat "$out/bpf_topology.err" "$out"/bpf_pass.err "$out"/bpf_drop.err 2>&1 | head -8
		return
	fi
	trace_problems bpf_culprit || return
	pass=$(sed -n 's/^attached id=//p' "$out/bpf_pass.id")
	drop=$(sed -n 's/^attached id=//p' "$out/bpf_drop.id")
	problems bpf_culprit '
		[.[] | select(.type == "packet" and .fate == "dropped" and .flow_tuple.dport == 7777)]
		  as $d
		| $e.bpf_culprit as $x
		| if ($d | length) != 1 then ["expected 1 dropped packet, got \($d | length)"]
		  else $d[0].pkt as $pkt
		  | [.[] | select(.type == "hop" and .pkt == $pkt)] as $h
		  | (([$h | to_entries[] | select(.value.hook == "kfree_skb") | .key] | first)
			// ($h | length)) as $at
		  | [$h[:$at][] | select(.hook == "bpf_prog") | .bpf] as $b
		  | [
			(if $x.reason and $d[0].drop.reason != $x.reason then
				"reason \($d[0].drop.reason) (expected \($x.reason))" else empty end),
			# The verdict: both programs in run order; the culprit seen where fexit
			# works (without drop reasons, that sighting is what points at tc), else
			# candidates.
			($d[0].drop.bpf as $v
			 | if $x.reason == null and ($x.fexit | not) then
				(if $v then "a bpf verdict without a drop reason: \($v | tojson)" else empty end)
			   elif ([$v.programs[]?.id] != [$pass, $drop]) then
				"verdict programs \([$v.programs[]?.id]) (expected [\($pass), \($drop)])"
			   elif $x.fexit and ($v.how != "fexit" or $v.culprit.id != $drop) then
				"verdict \($v.how) culprit \($v.culprit.id) (expected fexit, \($drop))"
			   elif ($x.fexit | not) and $v.how != "candidates" then
				"verdict \($v.how) (expected candidates)"
			   else empty end),
			(if $x.fexit then
				(if [$b[] | select(.prog_id == $drop and .ret == 2
					and .ret_name == "TC_ACT_SHOT" and .attach == "tc_ingress")]
					| length != 1
				 then "no bpf_prog hop of the dropping program \($drop) returning 2 before the drop: \($b | tojson)"
				 else empty end),
				(if [$b[] | select(.prog_id == $pass and .ret == -1)] | length != 1
				 then "no bpf_prog hop of the passing program \($pass) returning -1: \($b | tojson)"
				 else empty end)
			 elif [$h[] | select(.hook == "bpf_prog")] | length > 0
				then "bpf_prog hops where the expectation has no fexit" else empty end)
		  ] end' --argjson pass "${pass:-0}" --argjson drop "${drop:-0}"
	if jq -e '.bpf_culprit.fexit' "$expect" >/dev/null; then
		grep -q '^hoptrace: bpf_prog: 2 programs watched' "$out/bpf_culprit.err" ||
			echo "-v does not say that both programs were watched: $(
				grep '^hoptrace: bpf_prog' "$out/bpf_culprit.err" | head -2)"
	else
		jq -r '.hooks[] | select(.hook == "bpf_prog") | .rejected // ""' "$out/hooks.json" |
			grep -q 'fexit: fentry refused here' ||
			echo "the plan does not say that fexit is refused for bpf_prog"
	fi
}

# The plan: features and the method of every hook as `hooks --json` gives them, then the
# hook lines of the vxlan trace's -v log, which say what really attached.
case_plan() {
	jq -r --slurpfile exp "$expect" '$exp[0] as $e | .features as $f
		| ([.hooks[] | {key: .hook, value: .method}] | from_entries) as $got
		| ($e.features | to_entries[] | select($f[.key] != .value)
			| "feature \(.key): \($f[.key]) (expected \(.value))"),
		  (($e.hooks | keys) - ($got | keys) | .[] | "hook \(.) missing from the plan"),
		  (($got | keys) - ($e.hooks | keys) | .[] | "hook \(.) not in the expectation"),
		  ($e.hooks | to_entries[] | . as $h | select($got | has($h.key)) | select($got[.key] != .value)
			| "hook \(.key): \($got[.key] // "none") (expected \(.value // "none"))"),
		  (.hooks[] | select(.attach_error) | "hook \(.hook): \(.attach_error)")' \
		"$out/hooks.json" 2>&1
	if ! trace_problems vxlan; then
		verifier_summary "$out/vxlan-vv.err"
		return
	fi
	while read -r hook method; do
		if [ "$method" = - ]; then
			grep -q "^hoptrace: hook $hook skipped: no way to attach" "$out/vxlan.err" ||
				echo "hook $hook: no \"skipped: no way to attach\" line in the -v log"
		else
			grep -q "^hoptrace: hook $hook via $method " "$out/vxlan.err" ||
				echo "hook $hook: no \"via $method\" line in the -v log"
		fi
	done < <(jq -r '.hooks | to_entries[] | "\(.key) \(.value // "-")"' "$expect")
}

run() {
	local name=$1 log
	log=$("case_$name" 2>&1)
	if [ -z "$log" ]; then
		echo "PASS e2e vmtest_${label}_$name"
	else
		echo "FAIL e2e vmtest_${label}_$name"
		printf '%s\n' "$log" | awk '!seen[$0]++' | sed 's/^/    /' | head -30
		failed=$((failed + 1))
	fi
}

if [ ! -r "$expect" ]; then
	echo "FAIL e2e vmtest_${label}_plan"
	echo "    no expectation file $expect"
	exit 1
fi
if [ ! -r "$out/names" ]; then
	for c in "${cases[@]}"; do
		echo "FAIL e2e vmtest_${label}_$c"
		echo "    not run: the guest left no results in $out"
	done
	exit 4
fi
. "$out/names"
if [ ! -e "$out/topology.ok" ]; then
	echo "FAIL e2e vmtest_${label}_topology"
	sed 's/^/    /' "$out/topology.err" | head -20
	failed=1
fi
for c in "${cases[@]}"; do
	run "$c"
done

# The selftest: every scenario of the demo, each verdict against this kernel's expectation
# (.selftest.SCENARIO): "pass" is what the selftest itself must conclude; "found" lists
# members its verdict must hold exactly, which is where a kernel that cannot give a fact
# says what hoptrace must say instead (degraded, never wrong); "check" the path check's item
# that must explain the drop even so.
selftest_problems() {
	local name=$1
	[ -s "$out/selftest.rc" ] || { echo "not run (the guest stopped first)"; return; }
	jq -r -s --slurpfile exp "$expect" --arg s "$name" '
		def sub($a; $b): if ($a | type) == "object"
			then ($b | type) == "object" and all($a | to_entries[]; sub(.value; $b[.key]))
			else $a == $b end;
		$exp[0].selftest[$s] as $x
		| [.[] | select(.type == "scenario" and .name == $s)] as $r
		| if $x == null then ["no expectation for this scenario in \($exp[0].kernel)"]
		  elif ($r | length) != 1 then ["the selftest did not report this scenario"]
		  else $r[0] as $g | [
			(if $g.pass != $x.pass then
				"the selftest says \(if $g.pass then "pass" else "fail (\($g.mismatch))" end), expected \(if $x.pass then "pass" else "fail" end)"
			 else empty end),
			($x.found // {} | to_entries[] | select(sub(.value; $g.found[.key]) | not)
				| "found.\(.key): \($g.found[.key] | tojson) (expected \(.value | tojson))"),
			(if ($x | has("check")) and $g.check.explains != $x.check then
				"the path check names \($g.check.explains // "no item") (expected \($x.check))"
			 else empty end)
		  ] end | .[]' "$out/selftest.jsonl" 2>&1
}

# Every scenario asked for must have been judged; one that ran unasked is judged too.
case $asked in
all) asked=$(jq -r '.selftest // {} | keys[]' "$expect") ;;
esac
scenarios=$({
	printf '%s\n' $asked
	jq -r 'select(.type == "scenario") | .name' "$out/selftest.jsonl" 2>/dev/null
} | awk 'NF && !seen[$0]++')
for sc in $scenarios; do
	log=$(selftest_problems "$sc")
	if [ -z "$log" ]; then
		echo "PASS e2e vmtest_${label}_selftest_$sc"
	else
		echo "FAIL e2e vmtest_${label}_selftest_$sc"
		printf '%s\n' "$log" | sed 's/^/    /' | head -10
		failed=$((failed + 1))
	fi
done
exit $((failed > 100 ? 100 : failed))
