#!/usr/bin/env bash
# hoptrace leaves the kernel as it found it, however it ends: Ctrl-C, SIGTERM, a closed
# output pipe, kill -9, and with two instances tracing at once; and it exits as a Unix tool
# does (130 after Ctrl-C, the command's status with "--", quietly when "| head" closed its
# output). And under a flood larger than the ring buffer, losses are counted, reported and
# marked, never hidden.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

# hoptrace's programs still loaded anywhere (links hold their programs, so this counts
# leftover links too). Their names come from the hook table (hoptrace hooks --json).
PROGS=$("$HOPTRACE" hooks --json | jq -r '[.hooks[].prog | select(.)] | join("|")')
ours() {
	bpftool prog show --json 2>/dev/null | jq --arg progs "$PROGS" '[.[] | select(.name // "" |
		test("^(" + $progs + ")"))] | length'
}

# Waits (bounded) until the programs of one more instance are loaded.
wait_attached() {
	local want=$1
	for _ in $(seq 100); do
		[ "$(ours)" -ge "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

wait_gone() {
	for _ in $(seq 50); do
		[ "$(ours)" -le "$1" ] && return 0
		sleep 0.1
	done
	echo "programs left: $(ours), expected at most $1"
	return 1
}

# stop_case SIGNAL STATUS: the signal sent to hoptrace alone; it must exit with STATUS.
stop_case() {
	local sig=$1 want=$2 base pid rc
	base=$(ours)
	"$HOPTRACE" --pod-ip "$IP_A" --json >"$TMP/out.jsonl" 2>"$TMP/err" &
	pid=$!
	wait_tracing "$TMP/err" $pid || return 1
	nsx "$NS_A" ping -c1 -W2 -q "$IP_B" >/dev/null
	sleep 0.3
	kill -"$sig" $pid
	wait $pid
	rc=$?
	wait_gone "$base" || return 1
	[ $rc -eq "$want" ] || { echo "exit $rc after SIG$sig, expected $want"; cat "$TMP/err"; return 1; }
	expect_jq "$TMP/out.jsonl" '.[-1].type == "summary" and .[-1].delivered >= 2' \
		"the summary still closes the output, with the packets traced before SIG$sig"
}

case_sigint_detaches_and_summarises() { stop_case INT 130; }
case_sigterm_detaches_and_summarises() { stop_case TERM 143; }

# closed_pipe_case DESCRIPTION HOPTRACE-ARGS... | READER: the reader leaves early; hoptrace
# must end with 141 (or 0), nothing on stderr, and nothing left loaded. The command after
# "--" writes nothing, so that stderr holds only what hoptrace says.
closed_pipe_case() {
	local reader=$1 base rc
	shift
	base=$(ours)
	"$HOPTRACE" "$@" 2>"$TMP/err" | $reader >/dev/null
	rc=${PIPESTATUS[0]}
	wait_gone "$base" || return 1
	[ $rc -eq 141 ] || [ $rc -eq 0 ] || { echo "exit $rc, expected 141 or 0"; cat "$TMP/err"; return 1; }
	[ ! -s "$TMP/err" ] || { echo "expected nothing on stderr, got:"; cat "$TMP/err"; return 1; }
}

QUIET_PINGS=(-- sh -c "ip netns exec $NS_A ping -c 20 -i 0.05 -q $IP_B >/dev/null 2>&1")

# HOPTRACE_PHASES=1: one line with each phase of the start-up and the wind-down (make bench
# breaks the start-up down by it); without it, none.
case_phases_reported() {
	HOPTRACE_PHASES=1 "$HOPTRACE" --pod-ip "$IP_A" -q -- true >/dev/null 2>"$TMP/err" || return 1
	[ "$(grep -c '^phases: ' "$TMP/err")" = 1 ] || { echo "no phases line"; cat "$TMP/err"; return 1; }
	for phase in main btf_features shared_maps bpf_open bpf_load ring attach ready traced detach cleanup; do
		grep -q "^phases:.* $phase=[0-9.]*ms/[-+][0-9]*KiB" "$TMP/err" ||
			{ echo "phase $phase missing: $(cat "$TMP/err")"; return 1; }
	done
	grep -q ' total=[0-9.]*ms rss=[0-9]*KiB$' "$TMP/err" || { echo "no total"; return 1; }
	"$HOPTRACE" --pod-ip "$IP_A" -q -- true >/dev/null 2>"$TMP/err" || return 1
	! grep -q 'phases' "$TMP/err" || { echo "phases without HOPTRACE_PHASES"; return 1; }
}

# Where there are two CPUs the programs load as two objects at once (load/tracer.c), where
# there is one as one object: the same hooks see the same ping either way.
case_one_cpu_loads_the_same() {
	local run
	for run in one_cpu all_cpus; do
		local pin=()
		[ $run = one_cpu ] && pin=(taskset -c 0)
		"${pin[@]}" "$HOPTRACE" --pod-ip "$IP_A" --json -q -- \
			ip netns exec "$NS_A" ping -c1 -W2 -q "$IP_B" >"$TMP/$run.jsonl" || return 1
		expect_jq "$TMP/$run.jsonl" '[.[] | select(.type=="packet") | .fate] == ["delivered", "delivered"]' \
			"$run: the echo request and its reply are delivered" || return 1
		jq -c 'select(.type=="hop") | [.hook, .ifname, .netns_name]' "$TMP/$run.jsonl" |
			sort -u >"$TMP/$run.hops"
	done
	diff "$TMP/one_cpu.hops" "$TMP/all_cpus.hops" ||
		{ echo "expectation failed: the same hooks, devices and namespaces on one CPU"; return 1; }
	grep -q '"kfree_skb"\|"consume_skb"' "$TMP/one_cpu.hops" && grep -q '"veth_xmit"\|"dev_xmit"' "$TMP/one_cpu.hops" ||
		{ echo "expectation failed: hops of both objects' programs"; cat "$TMP/one_cpu.hops"; return 1; }
}

case_closed_pipe() {
	closed_pipe_case "head -c 100" --pod-ip "$IP_A" --json -q "${QUIET_PINGS[@]}"
}

case_closed_pipe_text_head() {
	closed_pipe_case "head -n 1" --pod-ip "$IP_A" -q "${QUIET_PINGS[@]}"
}

# The reader leaves before a single packet was written: hoptrace sees it gone without
# waiting for a write (here none would come before --duration).
case_closed_pipe_before_any_output() {
	local start=$SECONDS
	closed_pipe_case true --pod-ip "$IP_A" -q --duration 30 || return 1
	[ $((SECONDS - start)) -lt 20 ] || { echo "hoptrace ran on for $((SECONDS - start)) s"; return 1; }
}

# ctrl_c_case WANT-STATUS WAIT-FOR-REGEX HOPTRACE-ARGS...: types Ctrl-C on the terminal
# hoptrace runs on (its whole foreground process group gets SIGINT, as in a shell) once a
# line matches; hoptrace must exit with WANT-STATUS, after the summary, detached.
ctrl_c_case() {
	local want=$1 regex=$2 base rc
	shift 2
	base=$(ours)
	python3 tests/e2e/ctrl_c.py "$regex" "$HOPTRACE" "$@" >"$TMP/tty.out"
	rc=$?
	wait_gone "$base" || return 1
	[ $rc -eq "$want" ] || { echo "exit $rc, expected $want"; tail -20 "$TMP/tty.out"; return 1; }
	grep -q "^summary: " "$TMP/tty.out" || { echo "no summary:"; tail -20 "$TMP/tty.out"; return 1; }
}

case_ctrl_c_alone_exits_130() {
	ctrl_c_case 130 "^hoptrace: tracing" --pod-ip "$IP_A"
}

# The command dies of the SIGINT the terminal sent it: 130, the command's status.
case_ctrl_c_on_command_killed_by_it() {
	ctrl_c_case 130 "^ready" --pod-ip "$IP_A" -q -- sh -c 'echo ready; exec sleep 30'
}

# A command that takes a moment to clean up after Ctrl-C gets that moment, and its own
# status is hoptrace's (it used to be killed with SIGTERM meanwhile: 143).
case_ctrl_c_on_command_that_cleans_up() {
	ctrl_c_case 5 "^ready" --pod-ip "$IP_A" -q -- python3 -c '
import signal, sys, time
signal.signal(signal.SIGINT, lambda *_: (time.sleep(0.5), sys.exit(5)))
print("ready", flush=True)
time.sleep(30)'
}

# ping catches Ctrl-C, prints its statistics and exits 0 when replies came: hoptrace exits
# 0 too, with the pings traced up to the end.
case_ctrl_c_on_ping() {
	ctrl_c_case 0 "icmp_seq=3 " --pod-ip "$IP_A" -q -- ip netns exec "$NS_A" ping -i 0.2 "$IP_B" ||
		return 1
	[ "$(grep -c "=> delivered" "$TMP/tty.out")" -ge 6 ] ||
		{ echo "expected 3 traced echo requests and replies"; tail -30 "$TMP/tty.out"; return 1; }
}

# SIGINT sent to hoptrace alone (kill, not the terminal) is passed on to the command.
case_sigint_to_hoptrace_reaches_command() {
	local base pid rc
	base=$(ours)
	"$HOPTRACE" --pod-ip "$IP_A" -q -- sh -c 'echo ready >&2; exec sleep 30' \
		>"$TMP/out.txt" 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q ready "$TMP/err" && break
		sleep 0.1
	done
	kill -INT $pid
	wait $pid
	rc=$?
	wait_gone "$base" || return 1
	[ $rc -eq 130 ] || { echo "exit $rc, expected 130 (sleep killed by the SIGINT)"; cat "$TMP/err"; return 1; }
	grep -q "^summary: " "$TMP/out.txt" || { echo "no summary"; return 1; }
}

case_kill9_leaves_nothing() {
	local base pid
	base=$(ours)
	"$HOPTRACE" --pod-ip "$IP_A" -q >/dev/null 2>&1 &
	pid=$!
	wait_attached $((base + 1)) || return 1
	kill -9 $pid
	wait $pid 2>/dev/null
	wait_gone "$base"
}

case_two_instances_at_once() {
	local base p1 p2
	base=$(ours)
	"$HOPTRACE" --pod-ip "$IP_A" --json --duration 6 >"$TMP/one.jsonl" 2>"$TMP/one.err" &
	p1=$!
	"$HOPTRACE" --pod-ip "$IP_A" --json --duration 6 >"$TMP/two.jsonl" 2>"$TMP/two.err" &
	p2=$!
	wait_tracing "$TMP/one.err" $p1 && wait_tracing "$TMP/two.err" $p2 || return 1
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7778 -j DROP
	nsx "$NS_A" bash -c "echo x > /dev/udp/$IP_D/7778"
	wait $p1 && wait $p2 || { cat "$TMP/one.err" "$TMP/two.err"; return 1; }
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7778 -j DROP
	wait_gone "$base" || return 1
	for f in one two; do
		expect_jq "$TMP/$f.jsonl" '[.[] | select(.type=="packet" and .fate=="dropped"
			and .drop.reason=="NETFILTER_DROP")] | length == 1' \
			"instance $f saw the drop" || return 1
	done
}

case_flood_losses_counted() {
	local try
	# The reader stalls on a full pipe for two seconds while the flood goes on: the 64 KiB
	# ring overflows whatever the machine's speed. A loss marks the packets open when it is
	# noticed (at a poll round); a flood's packets live microseconds, so a round may find
	# none open: up to three floods for one that does.
	for try in 1 2 3; do
		set -o pipefail
		"$HOPTRACE" --pod-ip "$IP_A" --json -q --ring-size 64K --snaplen 512 -- \
			ip netns exec "$NS_A" ping -f -c 3000 -q "$IP_B" 2>"$TMP/err" |
			{ sleep 2; cat; } >"$TMP/out.jsonl" || { set +o pipefail; cat "$TMP/err"; return 1; }
		set +o pipefail
		expect_jq "$TMP/out.jsonl" '.[-1].type == "summary" and .[-1].lost_events > 0' \
			"a 64 KiB ring cannot hold a 3000-packet flood: losses are counted" || return 1
		[ "$(jq -s '[.[] | select(.type=="packet" and .incomplete)] | length' "$TMP/out.jsonl")" -gt 0 ] &&
			break
		echo "flood $try: no packet was open when the loss was noticed"
	done
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet" and .incomplete)] | length > 0' \
		"packets alive during the losses are marked incomplete" || return 1
	grep -q "events lost" "$TMP/err" || { echo "no loss report on stderr"; return 1; }
	grep -q "events lost (ring buffer full).*; try --ring-size 256K$" "$TMP/err" ||
		{ echo "the loss report does not suggest a larger --ring-size:"; cat "$TMP/err"; return 1; }
}

# Once attached, hoptrace keeps CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_NET_ADMIN and CAP_NET_RAW
# only, and still traces.
case_drops_capabilities_and_still_traces() {
	local pid caps
	"$HOPTRACE" --pod-ip "$IP_A" --json --duration 5 >"$TMP/out.jsonl" 2>"$TMP/err" &
	pid=$!
	wait_tracing "$TMP/err" $pid || return 1
	# Capabilities are dropped just after the start line: give it a moment (bounded).
	for _ in $(seq 20); do
		caps=$(awk '/^CapEff/ {print $2}' /proc/$pid/status)
		[ "$caps" = 0000000000283000 ] && break
		sleep 0.1
	done
	nsx "$NS_A" ping -c1 -W2 -q "$IP_B" >/dev/null
	wait $pid || { cat "$TMP/err"; return 1; }
	echo "effective capabilities while tracing: $caps"
	[ "$caps" = 0000000000283000 ] || { echo "expected only SYS_ADMIN, SYS_PTRACE, NET_ADMIN and NET_RAW"; return 1; }
	expect_jq "$TMP/out.jsonl" '[.[] | select(.type=="packet" and .fate=="delivered")]
		| length >= 2' "the ping sent after the drop is traced"
}

topo_up || { echo "FAIL e2e lifecycle_topology: could not build the namespaces"; exit 1; }
run_case phases_reported case_phases_reported
run_case one_cpu_loads_the_same case_one_cpu_loads_the_same
run_case sigint_detaches_and_summarises case_sigint_detaches_and_summarises
run_case sigterm_detaches_and_summarises case_sigterm_detaches_and_summarises
run_case closed_pipe case_closed_pipe
run_case closed_pipe_text_head case_closed_pipe_text_head
run_case closed_pipe_before_any_output case_closed_pipe_before_any_output
run_case ctrl_c_alone_exits_130 case_ctrl_c_alone_exits_130
run_case ctrl_c_on_command_killed_by_it case_ctrl_c_on_command_killed_by_it
run_case ctrl_c_on_command_that_cleans_up case_ctrl_c_on_command_that_cleans_up
run_case ctrl_c_on_ping case_ctrl_c_on_ping
run_case sigint_to_hoptrace_reaches_command case_sigint_to_hoptrace_reaches_command
run_case kill9_leaves_nothing case_kill9_leaves_nothing
run_case two_instances_at_once case_two_instances_at_once
run_case flood_losses_counted case_flood_losses_counted
run_case drops_capabilities_and_still_traces case_drops_capabilities_and_still_traces
exit $TESTS_FAILED
