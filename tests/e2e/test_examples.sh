#!/usr/bin/env bash
# End-to-end: the examples README.md, docs/*.md and `hoptrace --help` give, run as printed
# and checked against what the text around them promises. tests/examples/registry says how
# each is checked (tests/lint/test_examples.sh makes sure every example is there): "run
# NAME" runs the command here, its addresses and namespaces mapped onto this test's
# (EXAMPLE_MAP), and example_NAME checks the promise; "skip" prints the reason.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/examples/extract.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# What the documentation's names stand for here. An example naming an address or namespace
# not listed fails: add it, with what it stands for.
EXAMPLE_MAP=(
	"10.244.1.5" "$IP_A"                # the traced pod: pod a
	"10.244.2.0/24" "10.200.2.0/24"     # the other node's pod range: pod d's
	"10.96.0.10" "$IP_D"                # the DNS Service: pod d, reached without NAT here
	"--netns node1" "--netns $NS_NODE"  # the node the pod sits on
	"netns exec pod-a " "netns exec $NS_A " # the client pod
)

# example_command EXAMPLE: the example as run here (mapped; hoptrace is the binary tested).
example_command() {
	local cmd=$1 i
	for ((i = 0; i < ${#EXAMPLE_MAP[@]}; i += 2)); do
		cmd=${cmd//"${EXAMPLE_MAP[i]}"/"${EXAMPLE_MAP[i + 1]}"}
	done
	if grep -qE "10\.244\.|10\.96\.|(^|[ '\"])(pod-[a-z]|node[0-9])([ '\"]|$)" <<<"$cmd"; then
		echo "unmapped address or namespace in: $cmd (add it to EXAMPLE_MAP)"
		return 1
	fi
	case $cmd in
	hoptrace | "hoptrace "*) cmd="$(printf %q "$HOPTRACE")${cmd#hoptrace}" ;;
	esac
	printf '%s\n' "$cmd"
}

fail() {
	echo "expectation failed: $*"
	return 1
}

# show FILE: the file in the case's log, for when it fails.
show() {
	echo "--- $(basename "$1"):"
	cat "$1"
}

# run_here: the example in its folder (files it names land there), with no input (as
# from a script), output in out and err.
run_here() {
	(cd "$EXDIR" && timeout 60 bash -c "$EXCMD") </dev/null >"$EXDIR/out" 2>"$EXDIR/err"
	RC=$?
	show "$EXDIR/out"
	show "$EXDIR/err"
	return 0
}

# start_bg: the example started in the background (pid in BG), once its hooks are attached.
start_bg() {
	(cd "$EXDIR" && exec bash -c "exec $EXCMD") </dev/null >"$EXDIR/out" 2>"$EXDIR/err" &
	BG=$!
	wait_tracing "$EXDIR/err" $BG
}

# wait_bg SECONDS: waits (bounded) for the background example to end; its status in RC.
wait_bg() {
	for _ in $(seq $(($1 * 10))); do
		kill -0 $BG 2>/dev/null || break
		sleep 0.1
	done
	kill -0 $BG 2>/dev/null && { kill -KILL $BG; wait $BG; fail "still running after $1 s"; return 1; }
	wait $BG
	RC=$?
	show "$EXDIR/out"
	show "$EXDIR/err"
}

# stop_bg: Ctrl-C for the background example, then wait_bg.
stop_bg() {
	kill -INT $BG && wait_bg 10
}

udp_from_a() { nsx "$NS_A" bash -c "echo x > /dev/udp/$1/$2"; }

# flows FILE: the text timeline's flow lines.
flows() { grep '^flow ' "$1"; }

# normal: what differs between two runs left out (namespace prefix, code offsets, skb
# addresses, hop counts and times), blanks squeezed.
normal() {
	sed -E -e 's/htd[0-9]+-/htd*-/g' -e 's/\+0x[0-9a-f]+/+0x*/g' -e 's/0xffff[0-9a-f]+/0x*/g' \
		-e 's/[0-9]+ hops/N hops/' -e 's/[0-9.]+s\b/Ts/g' -e 's/^[ \t]+//' -e 's/[ \t]+/ /g'
}

# "trace until Ctrl-C": it runs until interrupted, then prints what it saw and its summary.
example_until_interrupted() {
	start_bg || return 1
	grep -q '^hoptrace: tracing: .*Ctrl-C to stop' "$EXDIR/err" ||
		fail "the start line says Ctrl-C stops it" || return 1
	nsx "$NS_A" ping -c1 -W2 -q "$IP_B" >/dev/null || return 1
	sleep 1
	kill -0 $BG 2>/dev/null || fail "it stopped before Ctrl-C" || return 1
	stop_bg || return 1
	flows "$EXDIR/out" | grep -q "icmp $IP_A.* -> $IP_B" || fail "pod a's ping is a flow" ||
		return 1
	grep -q '=> delivered' "$EXDIR/out" || fail "with a delivered verdict" || return 1
	grep -q '^summary: ' "$EXDIR/out" || fail "a summary closes the timeline"
}

# "JSON Lines (docs/output.md)": trace.jsonl holds one JSON object per line, the ping as
# delivered packets, and the summary last; nothing else goes to standard output.
example_json_to_file() {
	start_bg || return 1
	nsx "$NS_A" ping -c1 -W2 -q "$IP_B" >/dev/null || return 1
	sleep 0.5
	stop_bg || return 1
	local file=$EXDIR/trace.jsonl
	[ -s "$file" ] && [ ! -s "$EXDIR/out" ] || fail "the trace goes to trace.jsonl" || return 1
	[ "$(jq -c 'select(type == "object" and (.type | type) == "string")' "$file" | wc -l)" = \
		"$(wc -l <"$file")" ] || fail "every line is one JSON object with a type" || return 1
	expect_jq "$file" "([.[] | select(.type==\"packet\" and .fate==\"delivered\"
		and .flow_tuple.src==\"$IP_A\" and .flow_tuple.dst==\"$IP_B\")] | length >= 1)
		and .[-1].type == \"summary\"" "the ping delivered, the summary last"
}

# --peer 10.244.2.0/24 --proto udp --port 53 --duration 10: UDP port 53 between pod a and
# that range only, for ten seconds; it stops by itself.
example_narrowed_for_duration() {
	local started ended
	start_bg || return 1
	started=$(date +%s%N)
	udp_from_a "$IP_D" 53 && udp_from_a "$IP_B" 53 && udp_from_a "$IP_D" 54 || return 1
	nsx "$NS_A" ping -c1 -W2 -q "$IP_D" >/dev/null
	wait_bg 20 || return 1
	ended=$(date +%s%N)
	[ "$RC" -eq 0 ] || fail "exit 0 at the end of the duration" || return 1
	[ $(((ended - started) / 1000000)) -ge 9000 ] && [ $(((ended - started) / 1000000)) -le 15000 ] ||
		fail "it ran about 10 s ($(((ended - started) / 1000000)) ms)" || return 1
	flows "$EXDIR/out" | grep -q "udp $IP_A:[0-9]* -> $IP_D:53\$" ||
		fail "the datagram to pod d's port 53 is a flow" || return 1
	! flows "$EXDIR/out" | grep -qE "$IP_B|:54\$|icmp" ||
		fail "nothing outside the peer range, port 53 or UDP"
}

# "-- COMMAND: trace one command, exit with its status", written as pcapng too: nc sends
# one datagram to port 53, which the node drops here (as the file's name has it), watched
# there through --netns.
example_command_to_pcapng() {
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 53 -j DROP || return 1
	run_here
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 53 -j DROP
	[ "$RC" -eq 0 ] || fail "hoptrace exits with nc's status, 0" || return 1
	flows "$EXDIR/out" | grep -q "udp $IP_A:[0-9]* -> $IP_D:53\$" ||
		fail "nc's datagram was traced" || return 1
	! flows "$EXDIR/out" | grep -qv ':53$' || fail "'udp port 53' keeps only port 53" || return 1
	grep '=> DROPPED' "$EXDIR/out" | grep -q 'NETFILTER_DROP.*FORWARD, table filter' ||
		fail "the verdict names the node's FORWARD hook and filter table" || return 1
	tshark -r "$EXDIR/drop.pcapng" -T fields -e frame.comment >"$EXDIR/comments" ||
		fail "tshark reads drop.pcapng" || return 1
	show "$EXDIR/comments"
	grep -q 'verdict: DROPPED.*table filter' "$EXDIR/comments" ||
		fail "drop.pcapng carries the verdict in a frame comment"
}

# "how each hook attaches here, and why": each hook with its way, and why a way was
# passed over where one was.
example_hooks() {
	local hook method why
	run_here
	[ "$RC" -eq 0 ] || return 1
	while IFS=$'\t' read -r hook method why; do
		grep -qE "^ +$hook +$method( |\$)" "$EXDIR/out" || fail "$hook via $method listed" ||
			return 1
		[ -z "$why" ] || grep -qF -- "$why" "$EXDIR/out" || fail "why: $why" || return 1
	done < <("$HOPTRACE" hooks --json | jq -r '.hooks[] | [.hook, .method // "none",
		.rejected // ""] | @tsv')
}

# demo_names: the scenarios, in order, from `hoptrace demo --list`.
demo_names() { "$HOPTRACE" demo --list | awk '{ print $1 }'; }

# "the first scenario, then the list of the others" (docs/demo.md); README.md shows its
# output ("Its real output on this kernel"): the same verdict line.
example_demo_first() {
	local first name readme
	run_here
	[ "$RC" -eq 0 ] || return 1
	first=$(demo_names | head -1)
	grep -q "^hoptrace demo: $first " "$EXDIR/out" || fail "the first scenario, $first" ||
		return 1
	for name in $(demo_names | tail -n +2); do
		sed -n '/^Other scenarios/,$p' "$EXDIR/out" | grep -qE "^ +$name " ||
			fail "$name in the list of the others" || return 1
	done
	readme=$(grep -m1 '^ *=> ' README.md | normal)
	[ "$(grep -m1 '^ *=> ' "$EXDIR/out" | normal)" = "$readme" ] ||
		fail "README.md's sample verdict: $readme"
}

# "the scenarios": the same as docs/demo.md's table of scenarios.
example_demo_list() {
	local documented
	run_here
	[ "$RC" -eq 0 ] || return 1
	documented=$(sed -n 's/^| `\([a-z-]*\)` |.*/\1/p' docs/demo.md | sort)
	[ -n "$documented" ] && [ "$(awk '{ print $1 }' "$EXDIR/out" | sort)" = "$documented" ] ||
		fail "the scenarios of docs/demo.md's table: $documented"
}

# "one scenario": its verdict as docs/demo.md's table expects it.
example_demo_one() {
	local name=${EXAMPLE##* } expected
	run_here
	[ "$RC" -eq 0 ] || return 1
	expected=$(grep "^| \`$name\` |" docs/demo.md | awk -F'|' '{ print $5 }' | tr -d '`' |
		sed -E 's/^ +| +$//g')
	[ "$(grep -c '^hoptrace demo: ' "$EXDIR/out")" = 1 ] && grep -q "^hoptrace demo: $name " \
		"$EXDIR/out" || fail "that one scenario, $name" || return 1
	[ -n "$expected" ] && grep -qF "hoptrace's verdict: $expected" "$EXDIR/out" ||
		fail "the verdict docs/demo.md expects: $expected"
}

# sample_output FILE COMMAND: the lines after "$ [sudo ]COMMAND" in FILE's console block.
sample_output() {
	awk -v cmd="$2" '$0 == "$ " cmd || $0 == "$ sudo " cmd { on = 1; next }
		on && /^```/ { exit } on { print }' "$1"
}

# docs/demo.md's "real run" of this command: its header, fault, traffic, what the client
# saw and the verdict come out the same here (but for the namespaces' prefix and offsets).
example_demo_sample() {
	local line
	run_here
	[ "$RC" -eq 0 ] || return 1
	sample_output docs/demo.md "$EXAMPLE" | normal |
		grep -E "^(hoptrace demo:|Broken:|Traffic:|flow |=> |pod-a saw:|hoptrace's verdict:)" \
			>"$EXDIR/promised"
	[ -s "$EXDIR/promised" ] || fail "docs/demo.md shows this run's output" || return 1
	normal <"$EXDIR/out" >"$EXDIR/normal"
	while read -r line; do
		grep -qxF -- "$line" "$EXDIR/normal" || fail "as docs/demo.md shows: $line" ||
			return 1
	done <"$EXDIR/promised"
}

# "every scenario, checked; exit 0 only if all pass".
example_selftest_all() {
	local n name
	run_here
	n=$(demo_names | wc -l)
	[ "$RC" -eq 0 ] && grep -q "^$n of $n scenarios passed" "$EXDIR/out" ||
		fail "all $n scenarios pass, exit 0" || return 1
	for name in $(demo_names); do
		grep -qE "^$name +pass " "$EXDIR/out" || fail "$name: pass" || return 1
	done
}

# "some of them": those named, and only those.
example_selftest_some() {
	local names=${EXAMPLE#hoptrace selftest } n name
	n=$(wc -w <<<"$names")
	run_here
	[ "$RC" -eq 0 ] && grep -q "^$n of $n scenarios passed" "$EXDIR/out" ||
		fail "the $n named scenarios pass" || return 1
	for name in $names; do
		grep -qE "^$name +pass " "$EXDIR/out" || fail "$name: pass" || return 1
	done
	[ "$(grep -cE '^[a-z-]+ +(pass|FAIL|fail) ' "$EXDIR/out")" = "$n" ] ||
		fail "no other scenario ran"
}

# "The frames of netfilter drops in a capture": on a trace with a netfilter drop and a
# delivered ping, the command lists the drop's frames, and only those.
example_tshark_finds_drops() {
	local listed want total
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7791 -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" -q -w "$EXDIR/trace.pcapng" -- \
		ip netns exec "$NS_A" bash -c "echo x > /dev/udp/$IP_D/7791; ping -c1 -W2 -q $IP_B" \
		>/dev/null 2>&1
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7791 -j DROP
	run_here
	[ "$RC" -eq 0 ] || return 1
	listed=$(grep -c . "$EXDIR/out")
	want=$(tshark -r "$EXDIR/trace.pcapng" -T fields -e frame.comment | grep -c NETFILTER_DROP)
	total=$(tshark -r "$EXDIR/trace.pcapng" | grep -c .)
	[ "$listed" -ge 1 ] && [ "$listed" = "$want" ] && [ "$total" -gt "$listed" ] ||
		fail "the $want frames of the drop out of $total, listed $listed"
}

# "name the rule behind each drop": a datagram a FORWARD rule of the node drops is
# reported with that rule, its number and text.
example_rules_named() {
	local rc
	nsx "$NS_NODE" iptables -w -A FORWARD -d "$IP_D" -p udp --dport 7792 -j DROP || return 1
	start_bg
	rc=$?
	[ $rc -eq 0 ] && udp_from_a "$IP_D" 7792 && sleep 0.5
	[ $rc -eq 0 ] && stop_bg
	rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7792 -j DROP
	[ $rc -eq 0 ] || return 1
	grep -q 'DROPPED in node .*table filter: chain FORWARD rule #1 (handle [0-9]*) "-d 10.200.2.2/32 -p udp -m udp --dport 7792 -j DROP"' \
		"$EXDIR/out" || fail "the drop names the node's FORWARD rule #1 and its text" || return 1
	if nsx "$NS_NODE" nft list tables | grep -q hoptrace_; then
		fail "the marking table is gone"
		return 1
	fi
}

# "what a killed --rules trace left": a table of a hoptrace that no longer runs is removed,
# and the count says so.
example_cleanup() {
	nsx "$NS_NODE" nft add table inet hoptrace_4000001 || return 1
	run_here
	[ "$RC" -eq 0 ] || return 1
	grep -q "^hoptrace cleanup: [1-9][0-9]* left-over marking" "$EXDIR/out" ||
		fail "it says what it removed" || return 1
	if nsx "$NS_NODE" nft list tables | grep -q hoptrace_4000001; then
		fail "the dead trace's table is gone"
		return 1
	fi
}

# run_example EXAMPLE ACTION: one example as its registry line says.
run_example() {
	local name=${2#run }
	case $2 in
	"run "*)
		EXAMPLE=$1
		EXDIR=$TMP/example_$name
		mkdir -p "$EXDIR"
		if ! EXCMD=$(example_command "$1"); then
			echo "FAIL e2e example_$name: $EXCMD"
			TESTS_FAILED=1
			return
		fi
		run_case "example_$name" "example_$name"
		;;
	"skip "*) echo "SKIP e2e example '$1': ${2#skip }" ;;
	"elsewhere "*) ;; # that test counts it
	*)
		echo "FAIL e2e examples: no test for '$1' (tests/examples/registry)"
		TESTS_FAILED=1
		;;
	esac
}

topo_up || { echo "FAIL e2e examples_setup"; exit 1; }
mapfile -t EXAMPLES < <(examples__all "$HOPTRACE" | grep -v '^UNTAGGED' | cut -f2 | awk '!seen[$0]++')
[ ${#EXAMPLES[@]} -gt 0 ] || { echo "FAIL e2e examples: none found"; exit 1; }
for example in "${EXAMPLES[@]}"; do
	run_example "$example" "$(examples__action "$example")"
done
exit $TESTS_FAILED
