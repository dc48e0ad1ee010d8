#!/usr/bin/env bash
# The benchmark of issue 7: what hoptrace costs the traffic. UDP between two namespaces
# joined by a bridge in a third, all made here; A/B runs interleaved, ratios taken within
# each round, medians and min-max reported; one table printed, BENCHMARKS.md written.
# `run.sh traffic ...` is the internal step that runs one sender/receiver pair; it is what
# hoptrace and bpftrace launch as their command, so it starts only after they attached.
set -u

SELF=$(readlink -f "$0")
BENCH_DIR=$(dirname "$SELF")
UDP_PORT=9000
PKT_SIZE=64

usage() {
	cat <<EOF
Usage: bench/run.sh [--smoke] [--hoptrace PATH] [--tools DIR] [--report FILE]
                    [--before FILE] [--compare PATH] [--only LIST] [--keep]
  --smoke        one short round of every measurement (for tests)
  --hoptrace     the hoptrace binary (default build/hoptrace)
  --tools        where udpblast, runstat and floor are (default build/bench)
  --report FILE  also write the results as Markdown to FILE
  --before FILE  a previous report (read at the start): its figures go beside the new ones
  --compare PATH another hoptrace binary (an older build) run in the same rounds as
                 hoptrace: its idle and traced pps ratios beside the new ones
  --only LIST    only these measurements, comma-separated: idle, traced, cost, sweep,
                 startup (for a quick look; the table then has gaps)
  --keep         keep the work folder (per-run outputs) for a look afterwards
EOF
}

log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# ---- the traffic step (runs as hoptrace's or bpftrace's command) ----

# prog_stats PID: one "name run_time_ns run_cnt" line per BPF program PID holds open.
# fdinfo of a program fd carries the kernel's accounting; link fds have no prog_type.
# One grep over every fd and one bpftool for the names: a fork per fd or per program
# made a snapshot take seconds on a busy machine, in the middle of the measured window.
prog_stats() {
	local pid=$1
	{
		bpftool prog show 2>/dev/null | sed -n 's/^\([0-9]*\): .*  name \([^ ]*\) .*/name \1 \2/p'
		# grep goes on past an fd that closed meanwhile; -H names the fd of each line.
		grep -H -E '^(prog_type|prog_id|run_time_ns|run_cnt):' /proc/"$pid"/fdinfo/* 2>/dev/null
	} | awk -F'[:\t ]+' '
		$1 == "name" { name[$2] = $3; next }
		$2 == "prog_type" { prog[$1] = 1 }
		$2 == "prog_id" { id[$1] = $3 }
		$2 == "run_time_ns" { t[$1] = $3 }
		$2 == "run_cnt" { c[$1] = $3 }
		END {
			for (f in prog) {
				if (!(f in id) || seen[id[f]]++) continue
				n = (id[f] in name) ? name[id[f]] : "prog" id[f]
				print n, t[f] + 0, c[f] + 0
			}
		}'
}

# The counters of the tracer that launched this step, and of the floor program.
stats_snapshot() {
	prog_stats "$PPID"
	[ -n "${BENCH_FLOOR_PID:-}" ] && prog_stats "$BENCH_FLOOR_PID"
}

# ns the softirq threads have run (scheduler clock): the packet work the sender's own
# thread did not carry.
softirqd_ns() {
	local p
	for p in $(pgrep -x 'ksoftirqd/[0-9]+'); do
		cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}

# CPU ticks (user + system) the process PID has used itself, children apart.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null; }

# traffic OUT RATE STATS: receiver in the rx namespace, sender in the tx namespace for
# BENCH_RUN_S seconds (RATE 0: flat out). Results go to OUT.send, OUT.recv and, with
# STATS=1, the parent's program counters before and after to OUT.stats0/OUT.stats1.
traffic() {
	local out=$1 rate=$2 stats=$3 ready rpid
	ready=$out.ready
	rm -f "$ready"
	# The receiver stops 0.3 s after the last datagram; its --duration only ends a wait
	# for datagrams that never come, so it is a guard as long as the caller's timeout.
	$BENCH_PIN_RX ip netns exec "$BENCH_NS_RX" "$BENCH_TOOLS/udpblast" recv \
		--addr "$BENCH_DST:$UDP_PORT" --size "$PKT_SIZE" \
		--duration "$((BENCH_RUN_S + 120))" --ready "$ready" >"$out.recv" 2>>"$out.err" &
	rpid=$!
	# Until the receiver is bound or gone: how long it takes to start is the machine's
	# business (a fixed wait failed runs on a loaded machine); the caller's timeout is
	# the guard against a hang.
	until [ -e "$ready" ]; do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.05
	done
	[ -e "$ready" ] || { echo "receiver not ready (it exited)" >>"$out.err"; return 1; }
	[ "$stats" = 1 ] && stats_snapshot >"$out.stats0"
	# BENCH_PERF_OUT: hoptrace (the parent) sampled for the traffic window.
	local perf_pid=""
	if [ -n "${BENCH_PERF_OUT:-}" ]; then
		perf record -q -F 997 -p "$PPID" -o "$BENCH_PERF_OUT" >/dev/null 2>>"$out.err" &
		perf_pid=$!
	fi
	cpu_ticks "$PPID" >"$out.cpu0"
	softirqd_ns >"$out.busy0"
	$BENCH_PIN_TX ip netns exec "$BENCH_NS_TX" "$BENCH_TOOLS/udpblast" send \
		--addr "$BENCH_DST:$UDP_PORT" --size "$PKT_SIZE" --duration "$BENCH_RUN_S" \
		--rate "$rate" >"$out.send" 2>>"$out.err"
	[ "$stats" = 1 ] && stats_snapshot >"$out.stats1"
	cpu_ticks "$PPID" >"$out.cpu1"
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid" 2>/dev/null
		wait "$perf_pid" 2>/dev/null
	fi
	wait "$rpid"
	softirqd_ns >"$out.busy1"
}

if [ "${1:-}" = traffic ]; then
	shift
	traffic "$@"
	exit
fi

# ---- options ----

SMOKE=0
HOPTRACE=build/hoptrace
TOOLS=build/bench
REPORT=""
BEFORE=""
COMPARE=""
ONLY=""
COMPARE_WHAT=${BENCH_COMPARE_WHAT:-}
KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1 ;;
	--hoptrace) HOPTRACE=$2; shift ;;
	--tools) TOOLS=$2; shift ;;
	--report) REPORT=$2; shift ;;
	--before) BEFORE=$2; shift ;;
	--compare) COMPARE=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--keep) KEEP=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

if [ "$SMOKE" = 1 ]; then
	RUN_S=1 ROUNDS=1 IDLE_ROUNDS=1 IDLE_PACED_PPS=20000 COST_ROUNDS=1 STARTUP_RUNS=2 SWEEP_KEVS="200"
else
	# The idle ratio is judged against a 3% budget: more rounds than the rest.
	RUN_S=3 ROUNDS=5 IDLE_ROUNDS=9 IDLE_PACED_PPS=60000 COST_ROUNDS=3 STARTUP_RUNS=7 SWEEP_KEVS="100 200 300 400"
fi
# The budget rate is checked this many times; the other sweep rates once.
BUDGET_KEVS=200
BUDGET_REPEAT=$((SMOKE ? 1 : 3))

[ "$(id -u)" -eq 0 ] || die "needs root (BPF, network namespaces)"
HOPTRACE=$(readlink -f "$HOPTRACE")
TOOLS=$(readlink -f "$TOOLS")
[ -x "$HOPTRACE" ] || die "no hoptrace at $HOPTRACE (make first)"
if [ -n "$COMPARE" ]; then
	COMPARE=$(readlink -f "$COMPARE")
	[ -x "$COMPARE" ] || die "no hoptrace to compare at $COMPARE"
fi
for tool in udpblast runstat floor floor.bpf.o; do
	[ -e "$TOOLS/$tool" ] || die "no $tool in $TOOLS (make bench-tools)"
done
for cmd in ip bpftool taskset timeout awk; do
	command -v "$cmd" >/dev/null || die "$cmd not found (make deps)"
done

want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

# ---- topology and cleanup ----

PREFIX=hb$$
NET=$((20 + $$ % 200))
IP_TX=10.213.$NET.1
IP_RX=10.213.$NET.2
IP_UNUSED=10.214.$NET.9
NS_TX=$PREFIX-tx NS_RX=$PREFIX-rx NS_BR=$PREFIX-br
WORK=$(mktemp -d /tmp/hoptrace-bench.XXXXXX)
BG_PIDS=()

cleanup() {
	local ns pid
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	for ns in "$NS_TX" "$NS_RX" "$NS_BR"; do ip netns del "$ns" 2>/dev/null; done
	if [ "$KEEP" = 1 ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

topo_up() {
	local ns
	for ns in "$NS_TX" "$NS_RX" "$NS_BR"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		# IPv6 off: no router solicitations or MLD reports in the measured traffic.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$NS_BR" link add br0 type bridge &&
		ip -n "$NS_BR" link set br0 up &&
		ip -n "$NS_BR" link add vtx type veth peer name eth0 netns "$NS_TX" &&
		ip -n "$NS_BR" link add vrx type veth peer name eth0 netns "$NS_RX" || return 1
	for ns in vtx vrx; do
		ip -n "$NS_BR" link set "$ns" master br0 && ip -n "$NS_BR" link set "$ns" up || return 1
	done
	ip -n "$NS_TX" addr add "$IP_TX/24" dev eth0 && ip -n "$NS_TX" link set eth0 up &&
		ip -n "$NS_RX" addr add "$IP_RX/24" dev eth0 && ip -n "$NS_RX" link set eth0 up &&
		ip netns exec "$NS_TX" ping -c1 -W2 -q "$IP_RX" >/dev/null
}

# Sender and receiver each get a CPU of their own when there are two or more.
NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then
	PIN_TX="taskset -c 0" PIN_RX="taskset -c $((NCPU - 1))"
else
	PIN_TX="" PIN_RX=""
fi
export BENCH_NS_TX=$NS_TX BENCH_NS_RX=$NS_RX BENCH_DST=$IP_RX BENCH_TOOLS=$TOOLS
export BENCH_RUN_S=$RUN_S BENCH_PIN_TX=$PIN_TX BENCH_PIN_RX=$PIN_RX
# hoptrace's options that put netfilter links in the namespaces the traffic crosses.
NF_ON_PATH=(--netns "$NS_TX" --netns "$NS_RX")

# ---- what else the machine does meanwhile ----

# The numbers are only as good as the machine is quiet. Every 5 s: the 1-minute load
# average, and the CPU time of user processes outside this run's session (other users'
# builds and tests; kernel threads are left out, they carry this very traffic's softirq
# work). With the hypervisor's steal time, summarised in the report's header.
SID=$(ps -o sid= -p $$ | tr -d ' ')
proc_ticks() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v me="$SID" '{
		c = $0; sub(/^[0-9]+ \(/, "", c); sub(/\) [^)]*$/, "", c); gsub(/[ \t]/, "_", c)
		r = $0; sub(/.*\) /, "", r); split(r, f, " ")
		if (f[4] != me && f[4] != 0) print $1, f[12] + f[13], c }'
}
steal_ticks() { awk '$1 == "cpu" { print $9 + 0; exit }' /proc/stat; }

load_sampler() {
	proc_ticks >"$WORK/ticks.prev"
	while sleep 5; do
		proc_ticks >"$WORK/ticks.cur"
		awk 'FILENAME == ARGV[1] { p[$1] = $2; next }
			{ d = $2 - ($1 in p ? p[$1] : 0); if (d > 0) print $3, d }' \
			"$WORK/ticks.prev" "$WORK/ticks.cur" >>"$WORK/foreign"
		mv "$WORK/ticks.cur" "$WORK/ticks.prev"
		cut -d' ' -f1 /proc/loadavg >>"$WORK/loadavg"
	done
}

load_start() {
	STEAL_START=$(steal_ticks)
	: >"$WORK/foreign"
	: >"$WORK/loadavg"
	load_sampler &
	SAMPLER_PID=$!
	BG_PIDS+=("$SAMPLER_PID")
}

load_stop() {
	kill "$SAMPLER_PID" 2>/dev/null
	wait "$SAMPLER_PID" 2>/dev/null
}

# One line: other processes' CPU time over the run, the busiest of them, the sampled load.
load_line() {
	local secs=$1 hz
	hz=$(getconf CLK_TCK)
	awk -v hz="$hz" -v secs="$secs" -v ncpu="$NCPU" -v steal="$(($(steal_ticks) - STEAL_START))" '
		FILENAME ~ /foreign$/ { t[$1] += $2; tot += $2; next }
		{ l[n++] = $1; if ($1 > lmax) lmax = $1 }
		END {
			for (i = 1; i < n; i++) for (j = i; j > 0 && l[j - 1] > l[j]; j--) {
				x = l[j]; l[j] = l[j - 1]; l[j - 1] = x }
			printf "other processes: %.0f CPU-s in %d s (%.1f%% of %d CPUs)", tot / hz, secs,
				100 * tot / hz / secs / ncpu, ncpu
			for (k = 0; k < 3; k++) {
				best = ""; bv = 0
				for (c in t) if (t[c] > bv) { bv = t[c]; best = c }
				if (best == "" || bv / hz < 1) break
				printf "%s %s %.0f s", k ? "," : "; busiest:", best, bv / hz
				delete t[best]
			}
			printf "; steal %.1f%%", 100 * steal / hz / secs / ncpu
			if (n) printf "; 1-min load every 5 s: median %s, max %s (n=%d)",
				l[int((n - 1) / 2)], lmax, n
			print "" }' "$WORK/foreign" "$WORK/loadavg"
}

# ---- the previous report, for the before column ----

# A row's key, to find it in another report: the label without its "(raw N ns)" part,
# prefixed by the section it is in (a program's name appears in the non-matching and the
# matching section).
ROW_KEY='function row_key(l) {
		sub(/^ +/, "", l); sub(/ [(]raw [^)]*[)]$/, "", l)
		if (l ~ /^ns per run/) sec = l ~ /non-matching/ ? "non-matching: " : "matching: "
		else if (l ~ /^[0-9][.] /) sec = ""
		return sec l }'

# before.tsv: "key TAB median, min-max" of every row of a previous report.
read_before() {
	[ -n "$BEFORE" ] && [ -s "$BEFORE" ] || return 0
	cp "$BEFORE" "$WORK/before.md"
	awk -F' [|] ' "$ROW_KEY"'
		/^[|] measurement / { for (i = 1; i <= NF; i++) {
				if ($i ~ /^(after: )?median$/) m = i
				if ($i ~ /^(after: )?min–max$/) r = i }
			next }
		m && /^[|] / && !/^[|] ---/ { l = $1; sub(/^[|] /, "", l); k = row_key(l)
			if ($m != "" && $m != "-") printf "%s\t%s, %s\n", k, $m, $r }' \
		"$WORK/before.md" >"$WORK/before.tsv"
	# The header's identity and load lines, to say what "before" was.
	sed -n '/^```$/,/^```$/{ /^hoptrace: /p; /^load average: /p; /^other processes: /p; }' \
		"$WORK/before.md" | sed 's/^/  /' >"$WORK/before.head"
}

# Rows measured now in a setup that was the default before take their before figure from
# the row named after the tab, when the previous report lacks the row itself.
BEFORE_AS="same, netfilter links on the path (--netns)	1. idle path: pps ratio, filter matches nothing"

# with_before TABLE: the table with a sixth field, the previous report's figure.
with_before() {
	touch "$WORK/before.tsv"
	awk -F'\t' -v OFS='\t' -v as="$BEFORE_AS" "$ROW_KEY"'
		BEGIN { split(as, a, "\t"); alias[a[1]] = a[2] }
		FILENAME == ARGV[1] { b[$1] = $2; next }
		{ k = row_key($1)
			if (!(k in b) && (k in alias)) k = alias[k]
			$6 = (k in b) ? b[k] : ""; print }' "$WORK/before.tsv" "$1"
}

# ---- one run of each kind; each leaves OUT.send, OUT.recv and more ----

RESULTS=$WORK/results
: >"$RESULTS"
RUN_N=0
# next_run VAR: a fresh output prefix for one run, in VAR.
next_run() { RUN_N=$((RUN_N + 1)); printf -v "$1" '%s/run%d' "$WORK" "$RUN_N"; }
record() { echo "$1 $2" >>"$RESULTS"; }
# record_pair SINK EVENTS LOST: one run's offered events/s and losses, for the loss budget.
record_pair() {
	echo "pair.$1 $(awk -v e="$2" -v l="$3" -v s="$RUN_S" 'BEGIN { print (e + l) / s }') $3" \
		>>"$RESULTS"
}
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1" 2>/dev/null; }
# A guard against a hung run, not a budget: a run's start-up and wind-down are forks and
# BPF loads, which a busy machine (or a sanitizer build) makes many times slower.
safety_timeout() { echo $((RUN_S + 120)); }

run_plain() {
	local out=$1 rate=$2
	timeout -k 5 "$(safety_timeout)" "$SELF" traffic "$out" "$rate" 0
}

# floor_launch OUT [--empty]: bench/floor in the background, output to OUT, its pid in
# FLOOR_PID; returns once it says "attached", or stops the benchmark when it exits first
# (or, as a guard against a hang only, has not attached after 120 s).
floor_launch() {
	local out=$1 start=$SECONDS
	shift
	# OUT exists before floor starts: the background job opens it only once it runs, and
	# on a busy machine the poll below used to come first and find no file.
	: >"$out"
	"$TOOLS/floor" "$TOOLS/floor.bpf.o" "$@" >"$out" 2>&1 &
	FLOOR_PID=$!
	BG_PIDS+=("$FLOOR_PID")
	until grep -q attached "$out"; do
		kill -0 "$FLOOR_PID" 2>/dev/null && ((SECONDS - start < 120)) ||
			die "floor program: $(cat "$out")"
		sleep 0.05
	done
}

floor_kill() {
	kill "$FLOOR_PID" 2>/dev/null
	wait "$FLOOR_PID" 2>/dev/null
}

# run_empty OUT [RATE]: the traffic with empty programs on hoptrace's six tracepoints
# (floor.bpf.c), the reference for what any tracer on those hooks leaves.
run_empty() {
	local out=$1 rate=${2:-0} rc
	floor_launch "$out.empty" --empty
	grep -q "attached 6" "$out.empty" || die "empty programs: $(cat "$out.empty")"
	run_plain "$out" "$rate"
	rc=$?
	floor_kill
	return $rc
}

# run_hoptrace OUT RATE POD_IP STATS [EXTRA OPTIONS]: default settings, text output to a
# file; the summary line gives events consumed and events lost.
run_hoptrace() {
	local out=$1 rate=$2 pod=$3 stats=$4
	shift 4
	timeout -k 5 "$(safety_timeout)" "${RUN_BINARY:-$HOPTRACE}" --pod-ip "$pod" -q --linger 0 "$@" \
		-- "$SELF" traffic "$out" "$rate" "$stats" >"$out.trace" 2>>"$out.err"
	local rc=$?
	grep -E '^summary: |^\{"type":"summary"|^  rules: ' "$out.trace" >"$out.summary"
	rm -f "$out.trace"
	return $rc
}

# Events consumed and lost, from the text summary or the JSON summary line.
summary_counts() {
	sed -n -e 's/^summary: [^,]*, \([0-9]*\) events\{0,1\}, \([0-9]*\) lost.*/\1 \2/p' \
		-e 's/^{"type":"summary","events":\([0-9]*\),"lost_events":\([0-9]*\).*/\1 \2/p' "$1"
}

# Rule decisions read and times the kernel dropped rule messages, from the text summary.
rule_counts() {
	sed -n 's/^  rules: traced in [0-9]* namespaces\{0,1\}, \([0-9]*\) decisions\{0,1\} read, kernel dropped messages \([0-9]*\) time.*/\1 \2/p' "$1"
}

ip_as_u32_le() { local IFS=.; set -- $1; echo $(($1 | $2 << 8 | $3 << 16 | $4 << 24)); }

# The peer: bpftrace on the two tracepoints, same address filter, one line per event.
# tracefs is mounted in a private mount namespace for it, so the host is left as it was.
# bpftrace -c runs only ELF files, hence bash named.
run_bpftrace() {
	local out=$1 rate=$2 addr
	addr=$(ip_as_u32_le "$IP_TX")
	timeout -k 5 "$(safety_timeout)" unshare -m sh -c \
		'mount -t tracefs nodev /sys/kernel/tracing && exec "$@"' sh \
		bpftrace -c "$(command -v bash) $SELF traffic $out $rate 0" "$BENCH_DIR/peer.bt" "$addr" \
		>"$out.trace" 2>>"$out.err"
	local rc=$?
	grep -c '^[0-9]' "$out.trace" >"$out.lines"
	grep -o 'Lost [0-9]* events' "$out.trace" "$out.err" | awk '{ n += $2 } END { print n + 0 }' \
		>"$out.lost"
	rm -f "$out.trace"
	return $rc
}

pps_of() { field "$1.recv" pps; }
# The tracer's own CPU time over the traffic window, as a share of one CPU.
cpu_of() {
	awk -v hz="$(getconf CLK_TCK)" -v s="$RUN_S" 'NR == 1 { a = $1 } NR == 2 { b = $1 }
		END { print (b - a) / hz / s }' "$1.cpu0" "$1.cpu1"
}
sent_of() { field "$1.send" sent; }
# CPU time per packet sent, in ns, of the threads that carry the traffic: the sender (with
# the softirq work it runs on its way out), the receiver and the softirq threads.
busy_pp_of() {
	awk -v s="$(field "$1.send" cpu_ns)" -v r="$(field "$1.recv" cpu_ns)" \
		-v n="$(sent_of "$1")" 'NR == 1 { a = $1 } NR == 2 { b = $1 }
		END { print (s + r + b - a) / n }' "$1.busy0" "$1.busy1"
}
check_run() { [ -s "$1.recv" ] && [ -s "$1.send" ] || { sed 's/^/  /' "$1.err" >&2; die "run $1 failed"; }; }

# ---- the measurements ----

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print b / a }'; }

# run_round KIND...: one run of each kind (plain, idle, traced, peer), the order turned
# by one each round so no kind always runs first; the output prefixes land in RUN_OF.
declare -A RUN_OF
run_round() {
	local round=$1 n i k out
	shift
	n=$#
	local kinds=("$@")
	for ((i = 0; i < n; i++)); do
		k=${kinds[$(((i + round) % n))]}
		next_run out
		case $k in
		plain) run_plain "$out" 0 ;;
		empty) run_empty "$out" ;;
		plain_paced) run_plain "$out" "$IDLE_PACED_PPS" ;;
		idle_paced) run_hoptrace "$out" "$IDLE_PACED_PPS" "$IP_UNUSED" 0 ;;
		empty_paced) run_empty "$out" "$IDLE_PACED_PPS" ;;
		idle) run_hoptrace "$out" 0 "$IP_UNUSED" 0 ;;
		idle_nf) run_hoptrace "$out" 0 "$IP_UNUSED" 0 "${NF_ON_PATH[@]}" ;;
		idle_rules) run_hoptrace "$out" 0 "$IP_UNUSED" 0 "${NF_ON_PATH[@]}" --rules ;;
		traced_rules) run_hoptrace "$out" 0 "$IP_TX" 0 "${NF_ON_PATH[@]}" --rules ;;
		idle_cmp) RUN_BINARY=$COMPARE run_hoptrace "$out" 0 "$IP_UNUSED" 0 ;;
		traced_cmp) RUN_BINARY=$COMPARE run_hoptrace "$out" 0 "$IP_TX" 0 ;;
		traced) run_hoptrace "$out" 0 "$IP_TX" 0 ;;
		traced_json) run_hoptrace "$out" 0 "$IP_TX" 0 --json ;;
		peer) run_bpftrace "$out" 0 ;;
		esac
		check_run "$out"
		RUN_OF[$k]=$out
	done
}

# 1. Idle path: hoptrace filters an address the traffic never uses. As it comes (netfilter
# links only in the initial namespace, which this traffic never enters, and where a traced
# address lives: nowhere here), and with netfilter links in the sender's and receiver's
# namespaces (--netns), as on a node whose pod traffic crosses the host namespace, and as
# every pod-shaped namespace had them before hoptrace linked only where traced addresses are.
measure_idle() {
	local r base busy kinds=(plain idle idle_nf idle_rules empty plain_paced idle_paced empty_paced)
	[ -n "$COMPARE" ] && kinds+=(idle_cmp)
	for ((r = 1; r <= IDLE_ROUNDS; r++)); do
		run_round "$r" "${kinds[@]}"
		# The same at a paced rate the machine keeps up with: CPU time per packet, which
		# the host's noise moves much less than a flat-out rate.
		busy=$(busy_pp_of "${RUN_OF[plain_paced]}")
		record idle.busy_base "$busy"
		record idle.busy_added "$(awk -v a="$busy" -v b="$(busy_pp_of "${RUN_OF[idle_paced]}")" \
			'BEGIN { print b - a }')"
		record idle.busy_added_empty "$(awk -v a="$busy" \
			-v b="$(busy_pp_of "${RUN_OF[empty_paced]}")" 'BEGIN { print b - a }')"
		record idle.busy_ratio "$(ratio "$(busy_pp_of "${RUN_OF[idle_paced]}")" "$busy")"
		record idle.busy_ratio_empty "$(ratio "$(busy_pp_of "${RUN_OF[empty_paced]}")" "$busy")"
		base=$(pps_of "${RUN_OF[plain]}")
		record idle.base_pps "$base"
		record idle.hop_pps "$(pps_of "${RUN_OF[idle]}")"
		record idle.ratio "$(ratio "$base" "$(pps_of "${RUN_OF[idle]}")")"
		record idle.nf_ratio "$(ratio "$base" "$(pps_of "${RUN_OF[idle_nf]}")")"
		# --rules: a marking table in each namespace (rules evaluated for every packet,
		# nothing marked: the address is unused) and the kernel's rule tracing turned on.
		record idle.rules_ratio "$(ratio "$base" "$(pps_of "${RUN_OF[idle_rules]}")")"
		record idle.empty_ratio "$(ratio "$base" "$(pps_of "${RUN_OF[empty]}")")"
		# hoptrace against empty programs on the same hooks: what its own code costs.
		record idle.vs_empty "$(ratio "$(pps_of "${RUN_OF[empty]}")" "$(pps_of "${RUN_OF[idle]}")")"
		[ -n "$COMPARE" ] &&
			record idle.cmp_ratio "$(ratio "$base" "$(pps_of "${RUN_OF[idle_cmp]}")")"
	done
}

# 3. Traced path, 4. the peer: baseline, hoptrace, bpftrace in each round, flat out.
measure_traced() {
	local r h p ev lost base kinds=(plain traced traced_json traced_rules)
	[ "$HAVE_BPFTRACE" = 1 ] && kinds+=(peer)
	[ -n "$COMPARE" ] && kinds+=(traced_cmp)
	for ((r = 1; r <= ROUNDS; r++)); do
		run_round "$r" "${kinds[@]}"
		h=${RUN_OF[traced]}
		base=$(pps_of "${RUN_OF[plain]}")
		record traced.base_pps "$base"
		record traced.hop_pps "$(pps_of "$h")"
		record traced.hop_ratio "$(ratio "$base" "$(pps_of "$h")")"
		read -r ev lost <<<"$(summary_counts "$h.summary")"
		[ -n "$ev" ] || die "no summary from hoptrace in $h"
		record traced.hop_evps "$(awk -v e="$ev" -v s="$RUN_S" 'BEGIN { print e / s }')"
		record traced.hop_lost "$lost"
		record traced.hop_cpu "$(cpu_of "$h")"
		record_pair text "$ev" "$lost"
		record traced.hop_epp "$(awk -v e="$ev" -v l="$lost" -v n="$(sent_of "$h")" \
			'BEGIN { print (e + l) / n }')"
		# What user space could consume with a CPU of its own: the rate over the share of
		# a CPU it took. The flat-out rate is the sender's, slowed by the programs.
		record traced.text_capacity "$(awk -v e="$ev" -v s="$RUN_S" -v c="$(cpu_of "$h")" \
			'BEGIN { if (c > 0) print e / s / c }')"
		h=${RUN_OF[traced_json]}
		read -r ev lost <<<"$(summary_counts "$h.summary")"
		[ -n "$ev" ] || die "no summary from hoptrace --json in $h"
		record traced.json_evps "$(awk -v e="$ev" -v s="$RUN_S" 'BEGIN { print e / s }')"
		record traced.json_lost "$lost"
		record traced.json_cpu "$(cpu_of "$h")"
		record traced.json_capacity "$(awk -v e="$ev" -v s="$RUN_S" -v c="$(cpu_of "$h")" \
			'BEGIN { if (c > 0) print e / s / c }')"
		if [ -n "$COMPARE" ]; then
			h=${RUN_OF[traced_cmp]}
			record traced.cmp_ratio "$(ratio "$base" "$(pps_of "$h")")"
			read -r ev lost <<<"$(summary_counts "$h.summary")"
			record traced.cmp_epp "$(awk -v e="$ev" -v l="$lost" -v n="$(sent_of "$h")" \
				'BEGIN { print (e + l) / n }')"
			# A build that loses events skips the ring work for them: its pps ratio is
			# only comparable beside its losses.
			record traced.cmp_lost "$lost"
		fi
		# --rules on a flood: every packet is marked, and every rule decision about it is a
		# netlink message hoptrace reads.
		h=${RUN_OF[traced_rules]}
		record traced.rules_ratio "$(ratio "$base" "$(pps_of "$h")")"
		read -r ev lost <<<"$(summary_counts "$h.summary")"
		record traced.rules_events_lost "$lost"
		read -r ev lost <<<"$(rule_counts "$h.summary")"
		[ -n "$ev" ] || die "no rules line in hoptrace's summary in $h"
		record traced.rules_msgps "$(awk -v e="$ev" -v s="$RUN_S" 'BEGIN { print e / s }')"
		record traced.rules_lost "$lost"
		record traced.rules_cpu "$(cpu_of "$h")"
		[ "$HAVE_BPFTRACE" = 1 ] || continue
		p=${RUN_OF[peer]}
		record traced.bt_pps "$(pps_of "$p")"
		record traced.bt_ratio "$(ratio "$base" "$(pps_of "$p")")"
		record traced.bt_evps "$(awk -v e="$(cat "$p.lines")" -v s="$RUN_S" 'BEGIN { print e / s }')"
		record traced.bt_lost "$(cat "$p.lost")"
	done
}

# Per-program ns/run between the two snapshots of one run: "name ns cnt". Programs of
# one name (a netfilter program per hook position, say) are summed.
stats_delta() {
	awk 'NR == FNR { t[$1] -= $2; c[$1] -= $3; next } { t[$1] += $2; c[$1] += $3 }
		END { for (n in c) if (c[n] > 0) printf "%s %.1f %d\n", n, t[n] / c[n], c[n] }' \
		"$1.stats0" "$1.stats1"
}


# The empty program whose ns/run is the accounting's own share (floor.bpf.c).
floor_start() {
	floor_launch "$WORK/floor.out"
	export BENCH_FLOOR_PID=$FLOOR_PID
}

floor_stop() {
	floor_kill
	unset BENCH_FLOOR_PID
}

# record_cost KIND OUT: per program, raw ns/run and net of the floor of the same run.
# A program that ran less than once per ten packets sent ran for other traffic (other
# users' tests on the machine: drops, TCP reads): it is named apart, not measured.
record_cost() {
	local kind=$1 out=$2 floor name ns cnt sent ev
	[ -s "$out.stats0" ] && [ -s "$out.stats1" ] || die "no BPF program counters read ($out)"
	sent=$(sent_of "$out")
	stats_delta "$out" | awk -v n="$sent" -v other="$out.other" '
		$1 == "bench_floor" || $3 >= 0.1 * n { print; next }
		{ print $1 >>other }' >"$out.cost"
	[ -s "$out.other" ] && sort -u "$out.other" | sed "s/^/cost.other /" >>"$RESULTS"
	floor=$(awk '$1 == "bench_floor" { print $2 }' "$out.cost")
	[ -n "$floor" ] || die "no floor measured ($out)"
	record "cost.floor" "$floor"
	# All of hoptrace's programs together, per packet sent: how many runs, how long.
	record "cost.${kind}_runs_pp" "$(awk -v n="$(sent_of "$out")" \
		'$1 != "bench_floor" { c += $3 } END { print c / n }' "$out.cost")"
	record "cost.${kind}_ns_pp" "$(awk -v n="$(sent_of "$out")" -v f="$floor" \
		'$1 != "bench_floor" { t += ($2 - f) * $3 } END { print t / n }' "$out.cost")"
	while read -r name ns cnt; do
		[ "$name" = bench_floor ] && continue
		record "cost.$kind.$name" "$(awk -v a="$ns" -v f="$floor" 'BEGIN { print a - f }')"
		record "cost.${kind}_raw.$name" "$ns"
		record "cost.${kind}_cnt.$name" "$cnt"
	done <"$out.cost"
	# Matching: the same time per hop recorded (an event is a hop), the figure the
	# matching budget is about; a packet's hops vary with the path, a hop's cost less.
	case $kind in match*)
		read -r ev _ <<<"$(summary_counts "$out.summary")"
		[ -n "$ev" ] && [ "$ev" -gt 0 ] || die "no events in the matching run ($out)"
		record "cost.${kind}_ns_per_hop" "$(awk -v n="$(sent_of "$out")" -v f="$floor" \
			-v ev="$ev" '$1 != "bench_floor" { t += ($2 - f) * $3 } END { print t / ev }' \
			"$out.cost")" ;;
	esac
}

# 2. Per-invocation cost from the kernel's accounting, non-matching (flat out) and
# matching (at the budget rate, where every event is delivered). Non-matching with the
# netfilter links on the path (--netns, as in the idle variant), so that every program is
# measured, and as it comes, for the per-packet total the idle ratio pays.
measure_cost() {
	local r n m d p pps=$1
	floor_start
	for ((r = 1; r <= COST_ROUNDS; r++)); do
		next_run n; run_hoptrace "$n" 0 "$IP_UNUSED" 1 "${NF_ON_PATH[@]}"; check_run "$n"
		next_run d; run_hoptrace "$d" 0 "$IP_UNUSED" 1; check_run "$d"
		# Paced, as the idle CPU rows: between batches the caches cool, and each run
		# costs more than flat out.
		next_run p; run_hoptrace "$p" "$IDLE_PACED_PPS" "$IP_UNUSED" 1; check_run "$p"
		next_run m; run_hoptrace "$m" "$pps" "$IP_TX" 1; check_run "$m"
		record_cost nonmatch "$n"
		record_cost nonmatch_default "$d"
		record_cost nonmatch_paced "$p"
		record_cost match "$m"
		# The older build's matching path in the same rounds: a change to the programs is
		# judged against it, not against another day's machine.
		if [ -n "$COMPARE" ]; then
			next_run c; RUN_BINARY=$COMPARE run_hoptrace "$c" "$pps" "$IP_TX" 1
			check_run "$c"
			record_cost match_cmp "$c"
		fi
	done
	floor_stop
	measure_parts "$pps"
}

# The price of each kind of work a matching hop does (floor.bpf.c's bench_part_*), each
# alone on the transmit tracepoint, net of the floor, at the matching runs' packet rate:
# beside a matching hop's net cost, where its time goes.
measure_parts() {
	local r out pps=$1 name ns cnt floor
	for ((r = 1; r <= COST_ROUNDS; r++)); do
		floor_launch "$WORK/parts.out" --parts
		export BENCH_FLOOR_PID=$FLOOR_PID
		next_run out
		timeout -k 5 "$(safety_timeout)" "$SELF" traffic "$out" "$pps" 1
		check_run "$out"
		floor_kill
		unset BENCH_FLOOR_PID
		floor=$(stats_delta "$out" | awk '$1 == "bench_floor" { print $2 }')
		[ -n "$floor" ] || die "no floor measured in the parts run ($out)"
		while read -r name ns cnt; do
			case $name in bench_part_*) ;; *) continue ;; esac
			record "cost.part.${name#bench_part_}" \
				"$(awk -v a="$ns" -v f="$floor" 'BEGIN { print a - f }')"
		done < <(stats_delta "$out")
	done
}

# The idle ratio that hoptrace's own code alone would give, from the kernel's accounting
# (precise) instead of pps (noisy here): per cost round, the baseline's time per packet
# over that plus the programs' net time per packet. The dispatch of each program, which
# empty programs pay too, is left out.
model_idle_ratio() {
	local base v
	base=$(stat idle.base_pps | awk '{ print $1 }')
	[ "$base" != - ] || return 0
	for v in $(awk '$1 == "cost.nonmatch_default_ns_pp" { print $2 }' "$RESULTS"); do
		record idle.model_ratio "$(awk -v p="$base" -v v="$v" \
			'BEGIN { t = 1e9 / p; print t / (t + v) }')"
	done
}

# User space per event, by part: one flat-out run per sink with hoptrace sampled by perf
# (apart from the rounds: sampling costs), its samples grouped by the function they fell in
# (profile_group).
# The groups follow the pipeline: the ring's records read and decoded, the timeline (packets
# from hops, copies, reuse, headers), judging (verdict, hop views, names), formatting
# (the sink's own code, printf, the JSON writer, string copies), writing (the calls), memory
# (malloc/free), the kernel's side of the system calls; the rest is "other". Times are the
# run's CPU per event split by the samples' shares.
profile_group() {
	awk '
	function group(where, sym) {
		if (where == "[k]")
			return "kernel"
		if (sym ~ /ringbuf_|decode__|on_event|ring_buffer__|epoll|poll_round|tracer__poll/)
			return "read"
		if (sym ~ /timeline__|skb_reuse|last_skb_hop|last_identity|packet_(find|unlink|end|rekey|hold)|copy_|copies_|head_(link|unlink)|address_unlink|headers__|tunnel_at|ip_tuple|identity__|dev_names__|hop_append|netns_inherit|settle_update|wait_|flow_|park|handoff/)
			return "timeline"
		if (sym ~ /verdict__|judged_packet__|hopview__|packet_fate__|hook__row|enrich__|processed__|bpf_blame|icmp__|kallsyms__|netns_names__|podns__|pod_tuple|drop_reasons__|rule_trail__|chain_names__|sock_owner/)
			return "judge"
		if (sym ~ /json__|output_json|json_blame|text_packet|print_view|text_|line__|printf|_IO_|xsputn|strchrnul|hack_digit|itoa|inet_ntop|__mpn_|read_int|fputc|fputs|fwrite|strlen|memmove|memcpy/)
			return "format"
		if (sym ~ /^write$|libc_write|^__write/)
			return "write"
		if (sym ~ /malloc|_int_free|cfree|^free$|unlink_chunk|sysmalloc|brk/)
			return "memory"
		return "other"
	}
	$1 ~ /%$/ { share[group($2, $NF)] += $1 + 0 }
	END { for (g in share) printf "%s %s\n", g, share[g] / 100 }'
}

measure_profile() {
	local sink opt out ev lost cpu data
	command -v perf >/dev/null || { log "perf not installed: no profile (make deps)"; return 0; }
	for sink in text json; do
		opt=""
		[ "$sink" = json ] && opt=--json
		next_run out
		data=$WORK/profile.$sink.data
		BENCH_PERF_OUT=$data run_hoptrace "$out" 0 "$IP_TX" 0 $opt
		check_run "$out"
		[ -s "$data" ] || { log "perf recorded nothing for $sink"; continue; }
		read -r ev lost <<<"$(summary_counts "$out.summary")"
		cpu=$(cpu_of "$out")
		record "profile.$sink.ns_per_event" "$(awk -v e="$ev" -v s="$RUN_S" -v c="$cpu" \
			'BEGIN { if (e > 0) print c * s * 1e9 / e }')"
		perf report -i "$data" --no-children --sort sym --stdio -q -g none 2>/dev/null |
			profile_group | awk -v sink="$sink" \
			-v per="$(stat "profile.$sink.ns_per_event" | awk '{ print $1 }')" \
			'{ printf "profile.%s.%s %s\n", sink, $1, $2 * per }' >>"$RESULTS"
	done
}

# Offered events/s (consumed + lost) and lost, at paced packet rates: where loss starts,
# with the default text sink and with --json (the sink scripts read).
measure_sweep() {
	local epp=$1 sink kevs out ev lost i n pps opt
	for sink in text json; do
		opt=""
		[ "$sink" = json ] && opt=--json
		for kevs in $SWEEP_KEVS; do
			n=1
			[ "$kevs" = "$BUDGET_KEVS" ] && [ "$sink" = text ] && n=$BUDGET_REPEAT
			pps=$(awk -v k="$kevs" -v e="$epp" 'BEGIN { printf "%d", k * 1000 / e }')
			for ((i = 1; i <= n; i++)); do
				next_run out
				run_hoptrace "$out" "$pps" "$IP_TX" 0 $opt
				check_run "$out"
				read -r ev lost <<<"$(summary_counts "$out.summary")"
				[ -n "$ev" ] || die "no summary from hoptrace in $out"
				record "sweep.$sink.$kevs.offered" "$(awk -v e="$ev" \
					-v l="$lost" -v s="$RUN_S" 'BEGIN { print (e + l) / s }')"
				record "sweep.$sink.$kevs.lost" "$lost"
				record "sweep.$sink.$kevs.cpu" "$(cpu_of "$out")"
				record_pair "$sink" "$ev" "$lost"
			done
		done
	done
}

# 5. Start-up: the whole `hoptrace --pod-ip X -- true` process, and its peak RSS.
measure_startup() {
	local i line total
	for ((i = 1; i <= STARTUP_RUNS; i++)); do
		: >"$WORK/startup.phases"
		line=$(HOPTRACE_PHASES=1 "$TOOLS/runstat" -- "$HOPTRACE" --pod-ip "$IP_UNUSED" -q \
			--linger 0 -- true 2>"$WORK/startup.phases" | tail -n 1)
		[ "$(echo "$line" | awk '{ print $6 }')" = 0 ] || die "hoptrace -- true failed: $line"
		record startup.seconds "$(echo "$line" | awk '{ print $2 }')"
		record startup.rss_kb "$(echo "$line" | awk '{ print $4 }')"
		# HOPTRACE_PHASES: "phases: name=12.3ms/+456KiB ... total=...": each phase's time
		# and change of resident memory, in the order they ran.
		grep '^phases: ' "$WORK/startup.phases" | tail -n 1 | tr ' ' '\n' |
			sed -n 's/^\([a-z_]*\)=\([0-9.]*\)ms\/\([-+0-9]*\)KiB$/\1 \2 \3/p' |
			while read -r name ms kib; do
				grep -q "^$name\$" "$WORK/phase.order" 2>/dev/null ||
					echo "$name" >>"$WORK/phase.order"
				record "startup.phase_ms.$name" "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')"
				record "startup.phase_kb.$name" "$kib"
			done
		# The process's time outside the phases: exec, the dynamic linker, the exit.
		total=$(sed -n 's/^phases: .* total=\([0-9.]*\)ms .*/\1/p' "$WORK/startup.phases" |
			tail -n 1)
		[ -n "$total" ] && record startup.outside "$(awk -v s="$(echo "$line" |
			awk '{ print $2 }')" -v t="$total" 'BEGIN { print s - t / 1000 }')"
		cat "$WORK/startup.phases" >>"$WORK/startup.err"
	done
}

# ---- the report ----

# stat METRIC: "median min max count" over the values recorded for METRIC.
stat() {
	awk -v m="$1" '$1 == m { v[n++] = $2 }
		END {
			if (!n) { print "- - - 0"; exit }
			for (i = 1; i < n; i++) for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			med = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
			print med, v[0], v[n - 1], n
		}' "$RESULTS"
}

# fmt VALUE KIND: ratio (3 decimals), int, k (thousands), ms, mb.
fmt() {
	awk -v v="$1" -v k="$2" 'BEGIN {
		if (v == "-") { print "-"; exit }
		if (k == "ratio") printf "%.3f", v
		else if (k == "k") printf "%.0fk", v / 1000
		else if (k == "ms") printf "%.0f ms", v * 1000
		else if (k == "ms1") printf "%.1f ms", v * 1000
		else if (k == "mb") printf "%.1f MiB", v / 1024
		else if (k == "ns") printf "%.0f ns", v
		else if (k == "pct") printf "%.0f%%", v * 100
		else printf "%.0f", v }'
}

# row LABEL METRIC KIND [BUDGET OP LIMIT]: one table row, the verdict from the median.
row() {
	local label=$1 metric=$2 kind=$3 budget=${4:-} op=${5:-} limit=${6:-} med min max n verdict=""
	read -r med min max n <<<"$(stat "$metric")"
	if [ -n "$op" ] && [ "$med" != "-" ]; then
		if awk -v m="$med" -v l="$limit" -v op="$op" \
			'BEGIN { exit !((op == ">=" && m >= l) || (op == "<=" && m <= l)) }'; then
			verdict=met
		else
			verdict=MISSED
		fi
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$(fmt "$med" "$kind")" \
		"$(fmt "$min" "$kind")–$(fmt "$max" "$kind") (n=$n)" "$budget" "$verdict"
}

# The loss budget, over every text-sink run (sweep and flat out): met when some run offered
# at least 95% of the budget rate without loss and no run at or below it lost; "not
# reached" when tracing slowed the sender so much that no run offered that much.
loss_row() {
	local b=$((BUDGET_KEVS * 1000))
	awk -v b="$b" -v label="   no loss at ${BUDGET_KEVS}k ev/s, default settings" '
		$1 == "pair.text" { n++
			if ($3 > 0 && $2 <= 1.05 * b) bad++
			if ($3 == 0 && $2 >= 0.95 * b) good++
			if ($3 == 0 && $2 > best) best = $2 }
		END {
			v = bad ? "MISSED" : good ? "met" : "not reached"
			printf "%s\t%d lossy\t%d runs, lossless up to %.0fk offered\tno loss\t%s\n",
				label, bad, n, best / 1000, v }' "$RESULTS"
}

# Loss onset per sink: the lowest offered rate of the sweep that lost events, and the
# highest that did not.
onset_rows() {
	local sink=$1 kevs off lost cpu ok="-" bad="none"
	for kevs in $SWEEP_KEVS; do
		read -r off _ _ _ <<<"$(stat "sweep.$sink.$kevs.offered")"
		read -r _ _ lost _ <<<"$(stat "sweep.$sink.$kevs.lost")"
		read -r cpu _ _ _ <<<"$(stat "sweep.$sink.$kevs.cpu")"
		if [ "$lost" = 0 ]; then
			ok=$(fmt "$off" k)
		elif [ "$bad" = none ]; then
			bad=$(fmt "$off" k)
		fi
		printf '%s\t%s\t%s\t%s\t%s\n' "     $sink sink, ${kevs}k ev/s asked: offered, lost" \
			"$(fmt "$off" k)" "lost $lost, hoptrace at $(fmt "$cpu" pct) of a CPU" "" ""
	done
	printf '%s\t%s\t%s\t%s\t%s\n' "   $sink sink: loss starts at (offered ev/s)" "$bad" \
		"highest lossless $ok" "reported" ""
}

# User space's CPU per event, and its split by part (measure_profile), text and --json.
profile_rows() {
	local g label
	[ "$(stat profile.text.ns_per_event | awk '{ print $4 }')" != 0 ] || return 0
	echo -e "   user space per event, by part (perf, one flat-out run each): text; --json\t\t\t\t"
	for g in all read timeline judge format write memory kernel other; do
		case $g in
		all) label="CPU per event, all of it" ;;
		read) label="reading the ring, decoding" ;;
		timeline) label="timeline: packets from hops, copies, headers" ;;
		judge) label="judging: verdict, hop views, names" ;;
		format) label="formatting: the sink, printf, the JSON writer" ;;
		write) label="writing: the write calls" ;;
		kernel) label="in the kernel: reading, polling, writing (system calls)" ;;
		memory) label="memory: malloc and free" ;;
		other) label="the rest" ;;
		esac
		local t j
		if [ "$g" = all ]; then
			t=$(stat profile.text.ns_per_event | awk '{ print $1 }')
			j=$(stat profile.json.ns_per_event | awk '{ print $1 }')
		else
			t=$(stat "profile.text.$g" | awk '{ print $1 }')
			j=$(stat "profile.json.$g" | awk '{ print $1 }')
		fi
		printf '%s\t%s\t%s\t\t\n' "     $label" "$(fmt "$t" ns)" "--json $(fmt "$j" ns)"
	done
}

# The start-up by phase (HOPTRACE_PHASES), in the order the phases ran: the time of each and
# what it left resident (the median change; a phase that frees shows a negative one).
phase_rows() {
	local name ms kb
	[ -s "$WORK/phase.order" ] || return 0
	echo -e "   by phase (HOPTRACE_PHASES): time, and resident memory it added\t\t\t\t"
	while read -r name; do
		read -r ms _ _ _ <<<"$(stat "startup.phase_ms.$name")"
		read -r kb _ _ _ <<<"$(stat "startup.phase_kb.$name")"
		row "     $name ($(awk -v k="$kb" 'BEGIN { printf "%+.1f MiB", k / 1024 }'))" \
			"startup.phase_ms.$name" ms1
	done <"$WORK/phase.order"
	row "     outside the phases: exec, dynamic linking, exit" startup.outside ms1
}

# cost_rows KIND [BUDGET OP LIMIT]: one row per program, net of the floor, raw beside it.
# cost_rows KIND [BUDGET OP LIMIT [TAG]]: a row per program; TAG tells rows of one program
# in different sections apart (the "before" column matches rows by their label).
cost_rows() {
	local kind=$1 budget=${2:-} op=${3:-} limit=${4:-} tag=${5:-} name raw
	for name in $(awk -v k="cost.$kind." 'index($1, k) == 1 { sub(k, "", $1); print $1 }' \
		"$RESULTS" | sort -u); do
		raw=$(stat "cost.${kind}_raw.$name" | awk '{ printf "%.0f", $1 }')
		row "  $name$tag (raw $raw ns)" "cost.$kind.$name" ns "$budget" "$op" "$limit"
	done
}

build_table() {
	row "baseline pps (idle rounds, nothing attached)" idle.base_pps k
	row "1. idle path: pps ratio, filter matches nothing" idle.ratio ratio "≥ 0.97" ">=" 0.97
	row "   same, netfilter links on the path (--netns)" idle.nf_ratio ratio "≥ 0.97" ">=" 0.97
	row "   same, with --rules (marking tables on the path, rule tracing on)" idle.rules_ratio ratio
	[ -n "$COMPARE" ] && row "   older build, same rounds (--compare)" idle.cmp_ratio ratio
	row "   reference: empty programs on the same six tracepoints" idle.empty_ratio ratio
	row "   hoptrace / empty programs, same rounds" idle.vs_empty ratio "≥ 0.97" ">=" 0.97
	row "   paced ($((IDLE_PACED_PPS / 1000))k pps): CPU per packet, nothing attached" idle.busy_base ns
	row "   CPU per packet added by hoptrace" idle.busy_added ns
	row "   CPU per packet added by empty programs on the same hooks" idle.busy_added_empty ns
	row "   CPU ratio (nothing / hoptrace): the pps ratio a CPU-bound path would see" idle.busy_ratio ratio "≥ 0.97" ">=" 0.97
	row "   same for the empty programs" idle.busy_ratio_empty ratio
	row "   from the accounting: baseline ns/packet over that + programs' net ns/packet" idle.model_ratio ratio
	row "2. accounting floor: empty program, ns per run" cost.floor ns
	echo -e "   ns per run net of the floor, non-matching path (--netns)\t\t\t\t"
	cost_rows nonmatch "≤ 60 ns" "<=" 60
	row "   all programs: runs per packet, non-matching" cost.nonmatch_runs_pp ratio
	local other
	other=$(awk '$1 == "cost.other" { if (!s[$2]++) o = o (o ? ", " : "") $2 } END { print o }' \
		"$RESULTS")
	[ -n "$other" ] &&
		echo -e "   ran only for others' traffic (not measured): $other\t\t\t\t"
	row "   all programs: ns per packet net, non-matching" cost.nonmatch_ns_pp ns
	row "   without nf links on the path: runs per packet" cost.nonmatch_default_runs_pp ratio
	row "   without nf links on the path: ns per packet net" cost.nonmatch_default_ns_pp ns
	row "   same, paced at $((IDLE_PACED_PPS / 1000))k pps: ns per packet net" cost.nonmatch_paced_ns_pp ns
	echo -e "   ns per run net of the floor, non-matching, paced at $((IDLE_PACED_PPS / 1000))k pps (caches cooler)\t\t\t\t"
	cost_rows nonmatch_paced "" "" "" ", paced"
	echo -e "   ns per run net of the floor, matching path (${BUDGET_KEVS}k ev/s)\t\t\t\t"
	cost_rows match
	row "   all programs: ns per packet net, matching" cost.match_ns_pp ns
	row "   matching hop: all programs' net ns over the events recorded" cost.match_ns_per_hop ns \
		"≤ 400 ns" "<=" 400
	echo -e "   the price of each kind of work a hop does, alone, net of the floor (floor --parts)\t\t\t\t"
	row "     clock read (bpf_ktime_get_ns)" cost.part.clock ns
	row "     one field by probe read (raw_tp programs)" cost.part.probe_read ns
	row "     one field by plain load (tp_btf, netfilter programs)" cost.part.direct_read ns
	row "     device name and kind (two string reads)" cost.part.device ns
	row "     snap: 128 bytes of the packet copied" cost.part.snap ns
	row "     tracking map lookup (LRU hash, 64k entries)" cost.part.lookup ns
	row "     ring buffer: a hop-sized record reserved and submitted" cost.part.ring ns
	if [ -n "$COMPARE" ]; then
		row "   older build, same rounds: ns per packet net, matching" cost.match_cmp_ns_pp ns
		row "   older build, same rounds: matching hop" cost.match_cmp_ns_per_hop ns
	fi
	row "3. traced path: pps ratio, all traffic matches" traced.hop_ratio ratio
	row "   baseline pps (traced rounds)" traced.base_pps k
	row "   events/s consumed by user space" traced.hop_evps k "≥ 1M" ">=" 1000000
	row "   lost events per ${RUN_S}s run, flat out" traced.hop_lost int
	row "   hoptrace's own CPU, share of one CPU" traced.hop_cpu pct
	row "   user space capacity, text: events/s over hoptrace's share of a CPU" \
		traced.text_capacity k "≥ 1M" ">=" 1000000
	row "   --json, flat out: events/s consumed by user space" traced.json_evps k \
		"≥ 500k" ">=" 500000
	row "   --json: lost events per ${RUN_S}s run" traced.json_lost int
	row "   --json: hoptrace's own CPU, share of one CPU" traced.json_cpu pct
	row "   user space capacity, --json: events/s over hoptrace's share of a CPU" \
		traced.json_capacity k "≥ 500k" ">=" 500000
	profile_rows
	row "   events per packet" traced.hop_epp ratio
	row "   with --rules (--netns on the path): pps ratio" traced.rules_ratio ratio
	row "   rule messages/s read by user space" traced.rules_msgps k
	row "   times the kernel dropped rule messages per ${RUN_S}s run" traced.rules_lost int
	row "   hoptrace's own CPU with --rules, share of one CPU" traced.rules_cpu pct
	row "   lost events per ${RUN_S}s run with --rules" traced.rules_events_lost int
	if [ -n "$COMPARE" ] && want traced; then
		row "   older build, same rounds: pps ratio" traced.cmp_ratio ratio
		row "   older build: events per packet" traced.cmp_epp ratio
		row "   older build: lost events per ${RUN_S}s run" traced.cmp_lost int
	fi
	loss_row
	onset_rows text
	onset_rows json
	if [ "$HAVE_BPFTRACE" = 1 ]; then
		row "4. peer bpftrace: pps ratio, flat out" traced.bt_ratio ratio
		row "   vs hoptrace pps ratio, same rounds" traced.hop_ratio ratio
		row "   bpftrace lines/s written" traced.bt_evps k
		row "   bpftrace lost events per run" traced.bt_lost int
	else
		echo -e "4. peer bpftrace\tskipped\t$BPFTRACE_WHY\t\t"
	fi
	row "5. start-up: hoptrace --pod-ip X -- true" startup.seconds ms "≤ 150 ms" "<=" 0.150
	row "   peak RSS" startup.rss_kb mb "≤ 20 MiB" "<=" 20480
	phase_rows
}

print_table() {
	awk -F'\t' '{ printf "%-52s %-12s %-38s %-9s %-7s %s\n", $1, $2, $3, $4, $5,
		$6 == "" ? "" : "before " $6 }' "$1"
}

markdown_table() {
	if [ -s "$WORK/before.tsv" ]; then
		echo "| measurement | before: median, min–max | after: median | after: min–max | budget | verdict |"
		echo "| --- | --- | --- | --- | --- | --- |"
		awk -F'\t' '{ gsub(/^ +/, "", $1)
			printf "| %s | %s | %s | %s | %s | %s |\n", $1, $6, $2, $3, $4, $5 }' "$1"
	else
		echo "| measurement | median | min–max | budget | verdict |"
		echo "| --- | --- | --- | --- | --- |"
		awk -F'\t' '{ gsub(/^ +/, "", $1)
			printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$1"
	fi
}

machine_lines() {
	echo "machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $NCPU CPUs," \
		"$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"$(lscpu 2>/dev/null | awk -F': *' '/^Hypervisor vendor/ { v = $2 " guest" }
			END { print v ? v : "no hypervisor seen" }')"
	echo "kernel: $(uname -r) ($(uname -m))"
	echo "hoptrace: $HOPTRACE_ID"
	[ -n "$COMPARE" ] && echo "compared with (--compare, same rounds): $COMPARE, $("$COMPARE" version 2>/dev/null)${COMPARE_WHAT:+, $COMPARE_WHAT}"
	echo "traffic: UDP, $PKT_SIZE-byte payload, sendmmsg/recvmmsg, tx ns -> veth -> bridge ns -> veth -> rx ns; sender on CPU 0, receiver on CPU $((NCPU - 1))"
	echo "runs: ${RUN_S}s each, $IDLE_ROUNDS idle rounds, $ROUNDS traced rounds (A/B/peer), interleaved; $COST_ROUNDS cost rounds, $STARTUP_RUNS start-ups"
	[ -n "$FOREIGN" ] && echo "note: BPF tracing programs of others were attached during the run, paid by every run alike: $FOREIGN"
	echo "load average: $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	load_line "$(($(date +%s) - START))"
	if [ -s "$WORK/before.head" ]; then
		echo "before (the previous report):"
		cat "$WORK/before.head"
	fi
	echo "attach plan:"
	cat "$WORK/plan"
}

write_report() {
	local file=$1 table=$2 machine=$3
	{
		echo "# hoptrace benchmarks"
		echo
		echo "What tracing costs the traffic, measured by \`make bench\` (bench/run.sh; issue 7)."
		echo "Generated file: run \`make bench\` to refresh it on the machine at hand."
		echo
		echo '```'
		cat "$machine"
		echo '```'
		echo
		markdown_table "$table"
		echo
		cat "$BENCH_DIR/method.md"
	} >"$file"
}

# ---- main ----

HAVE_BPFTRACE=0 BPFTRACE_WHY="bpftrace not installed (make deps)"
if command -v bpftrace >/dev/null && command -v unshare >/dev/null; then
	HAVE_BPFTRACE=1
fi
# Tracing programs already attached by others: named in the report, not removed.
FOREIGN=$(bpftool prog show 2>/dev/null | awk '/^[0-9]+: (tracing|raw_tracepoint|tracepoint|kprobe|netfilter|type 32) / {
		for (i = 1; i <= NF; i++) if ($i == "name") { if (!n[$(i + 1)]++) o[k++] = $(i + 1); t++ } }
	END { for (i = 0; i < k; i++) s = s (i ? ", " : "") o[i] (n[o[i]] > 1 ? " x" n[o[i]] : "")
		if (t) printf "%d programs: %s", t, s }')

START=$(date +%s)
# Which hoptrace, taken now: the tree may move on while the benchmark runs.
HOPTRACE_ID="$("$HOPTRACE" version 2>/dev/null)$(git -C "$BENCH_DIR/.." describe --always --dirty 2>/dev/null | sed 's/^/, commit /')"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
"$HOPTRACE" hooks 2>"$WORK/plan.err" | sed -n '/^hooks:/,$p' | tail -n +2 >"$WORK/plan"
[ -s "$WORK/plan" ] ||
	echo "  (hoptrace hooks said nothing: $(head -n 1 "$WORK/plan.err"))" >"$WORK/plan"
read_before
load_start
topo_up || die "cannot build the namespaces"
log "namespaces $NS_TX, $NS_BR, $NS_RX; ${RUN_S}s runs; work in $WORK"
run_plain "$WORK/warmup" 0 && check_run "$WORK/warmup"

if want idle; then
	log "1/5 idle path ($IDLE_ROUNDS rounds)"
	measure_idle
fi
if want traced; then
	log "3,4/5 traced path and peer ($ROUNDS rounds)"
	measure_traced
	measure_profile
fi
EPP=$(stat traced.hop_epp | awk '{ print $1 }')
# Without the traced rounds: events per packet as this version had them (8).
[ -n "$EPP" ] && [ "$EPP" != - ] || EPP=8
if want cost; then
	log "2/5 per-invocation cost ($COST_ROUNDS rounds, BPF run-time stats on)"
	measure_cost "$(awk -v k="$BUDGET_KEVS" -v e="$EPP" 'BEGIN { printf "%d", k * 1000 / e }')"
	model_idle_ratio
fi
if want sweep; then
	log "3/5 loss onset sweep (${SWEEP_KEVS// /, }k ev/s)"
	measure_sweep "$EPP"
fi
if want startup; then
	log "5/5 start-up ($STARTUP_RUNS runs)"
	measure_startup
fi

load_stop
machine_lines >"$WORK/machine"
build_table >"$WORK/table.now"
with_before "$WORK/table.now" >"$WORK/table"
echo
cat "$WORK/machine"
echo
print_table "$WORK/table"
echo
echo "bench: done in $(($(date +%s) - START))s"
if [ -n "$REPORT" ]; then
	write_report "$REPORT" "$WORK/table" "$WORK/machine"
	echo "bench: wrote $REPORT"
fi
