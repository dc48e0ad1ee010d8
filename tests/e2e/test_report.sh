#!/usr/bin/env bash
# hoptrace report end to end, read by a real browser: a netfilter drop's page rendered by
# headless Chromium has the drop mark in the node namespace's box with its device, reason
# and verdict, makes a real screenshot, prints to PDF, and makes no request (Chromium's own
# net log, with a control page proving the log sees a page's requests); a healthy ping's
# page has no drop and counts the packets delivered; the pcapng of the same trace gives the
# same drop; a bundle directory's unexplained counter rise and failed check are shown; bad
# inputs write nothing, say one line and exit 1; docs/report.md's commands run as given.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
trap topo_down EXIT
trap 'exit 130' INT TERM

. tests/e2e/browser_lib.sh

# expect_facts NAME FILTER MESSAGE: the jq filter over the page's facts yields true.
expect_facts() {
	local name=$1 filter=$2 msg=$3
	if [ "$(jq "$filter" "$TMP/$name.facts.json")" != "true" ]; then
		echo "expectation failed: $msg"
		echo "  jq '$filter'"
		jq . "$TMP/$name.facts.json" | head -60 | sed 's/^/    /'
		return 1
	fi
}

# A UDP datagram from pod a to the routed pod d, dropped by an iptables rule in the node
# namespace: the trace as JSON Lines and, of the same run, as pcapng.
trace_drop() {
	[ -s "$TMP/drop.jsonl" ] && [ -s "$TMP/drop.pcapng" ] && return 0
	nsx "$NS_NODE" iptables -w -I FORWARD -d "$IP_D" -p udp --dport 7790 -j DROP || return 1
	"$HOPTRACE" --pod-ip "$IP_A" --netns "$NS_NODE" --json -q -w "$TMP/drop.pcapng" -- \
		ip netns exec "$NS_A" bash -c "echo report-me > /dev/udp/$IP_D/7790" \
		>"$TMP/drop.jsonl"
	local rc=$?
	nsx "$NS_NODE" iptables -w -D FORWARD -d "$IP_D" -p udp --dport 7790 -j DROP
	[ $rc -eq 0 ] || return 1
	expect_jq "$TMP/drop.jsonl" "[.[] | select(.type==\"packet\" and .fate==\"dropped\"
		and .drop.reason==\"NETFILTER_DROP\" and .drop.netns_name==\"$NS_NODE\"
		and .flow_tuple.dport==7790)] | length == 1" "the trace has the drop"
}

# The drop as the trace says it: its namespace, device, reason and verdict line.
drop_of_trace() {
	jq -c -s '[.[] | select(.type=="packet" and .fate=="dropped")][0]
		| {netns: .drop.netns_name, dev: .drop.ifname, reason: .drop.reason, verdict}' \
		"$TMP/drop.jsonl"
}

case_drop_page_in_chromium() {
	chromium_present || return 77
	trace_drop || return 1
	"$HOPTRACE" report "$TMP/drop.jsonl" -o "$TMP/r.html" || return 1
	render "$TMP/r.html" drop || return 1
	local want
	want=$(drop_of_trace)
	echo "the trace's drop: $want"
	expect_facts drop "$want as \$w | [.drops[] | select(.netns == \"$NS_NODE\"
		and .box == \"$NS_NODE\" and .dev == \$w.dev and .dev != null and .dev != \"\"
		and .reason == \"NETFILTER_DROP\")] | length == 1" \
		"one drop mark, in the node namespace's box, with the device and reason" ||
		return 1
	expect_facts drop ".drops | length == 1" "no other drop mark" || return 1
	expect_facts drop "$want as \$w | (\$w.verdict | gsub(\"\\\\s+\"; \" \")) as \$v
		| [.verdicts[] | select(. == \$v)] | length >= 1 and (\$v | startswith(\"DROPPED\"))" \
		"the packet's verdict text is on the page" || return 1
	expect_facts drop '.fates.dropped >= 1' "the summary counts the drop" || return 1
	# A real image: a PNG's signature and more than a few KB of it.
	timeout 60 unshare -n chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$TMP/chr" \
		--screenshot="$TMP/r.png" --window-size=1280,2000 "file://$TMP/r.html" \
		2>>"$TMP/chromium.err" >/dev/null || { tail -20 "$TMP/chromium.err"; return 1; }
	[ "$(head -c 8 "$TMP/r.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ echo "the screenshot is not a PNG"; return 1; }
	[ "$(stat -c %s "$TMP/r.png")" -gt 20000 ] ||
		{ echo "the screenshot is $(stat -c %s "$TMP/r.png") bytes: blank?"; return 1; }
	# Printed: Chromium's print to PDF makes a real document of it.
	timeout 60 unshare -n chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$TMP/chr" \
		--no-pdf-header-footer --print-to-pdf="$TMP/r.pdf" "file://$TMP/r.html" \
		2>>"$TMP/chromium.err" >/dev/null || { tail -20 "$TMP/chromium.err"; return 1; }
	[ "$(head -c 5 "$TMP/r.pdf")" = "%PDF-" ] && [ "$(stat -c %s "$TMP/r.pdf")" -gt 5000 ] ||
		{ echo "the page does not print to a PDF"; return 1; }
	# No request: then a control page that fetches proves the net log would show one.
	echo "requests of the page: $(cat "$TMP/drop.requests.json")"
	[ "$(jq 'length' "$TMP/drop.requests.json")" = 0 ] || return 1
	grep -q "Content-Security-Policy" "$TMP/r.html" || return 1
	printf '<!DOCTYPE html><img src="http://127.0.0.1:9/control.png">\n' >"$TMP/control.html"
	render "$TMP/control.html" control || return 1
	jq -e 'any(.[]; startswith("http://127.0.0.1:9/"))' "$TMP/control.requests.json" ||
		{ echo "the net log did not show the control page's request"; return 1; }
}

case_healthy_page_has_no_drop() {
	chromium_present || return 77
	"$HOPTRACE" --pod-ip "$IP_A" --json -q -- \
		ip netns exec "$NS_A" ping -c2 -i0.2 -W2 -q "$IP_D" >"$TMP/ping.jsonl" || return 1
	local delivered
	delivered=$(jq -s '[.[] | select(.type=="packet" and .fate=="delivered")] | length' \
		"$TMP/ping.jsonl")
	[ "$delivered" -ge 2 ] || { echo "the trace has $delivered delivered packets"; return 1; }
	"$HOPTRACE" report "$TMP/ping.jsonl" -o "$TMP/ping.html" || return 1
	render "$TMP/ping.html" ping || return 1
	expect_facts ping '.drops | length == 0' "no drop mark" || return 1
	expect_facts ping ".fates.delivered == $delivered and .fates.dropped == 0" \
		"the fate counts say delivered" || return 1
	expect_facts ping '.verdicts | length >= 1 and all(startswith("delivered"))' \
		"every verdict shown says delivered" || return 1
	expect_facts ping "[.netns_boxes[] | select(. == \"$NS_A\" or . == \"$NS_D\")] | length >= 2" \
		"the path's boxes name pod a's and pod d's namespaces" || return 1
	[ "$(jq 'length' "$TMP/ping.requests.json")" = 0 ]
}

case_pcapng_gives_the_same_drop() {
	chromium_present || return 77
	trace_drop || return 1
	"$HOPTRACE" report "$TMP/drop.jsonl" -o "$TMP/j.html" || return 1
	"$HOPTRACE" report "$TMP/drop.pcapng" -o "$TMP/p.html" || return 1
	render "$TMP/j.html" fromjson || return 1
	render "$TMP/p.html" frompcapng || return 1
	expect_facts frompcapng '.drops | length == 1' "the pcapng page has the drop" || return 1
	[ "$(jq -c '[.drops, .verdicts, .fates]' "$TMP/fromjson.facts.json")" = \
		"$(jq -c '[.drops, .verdicts, .fates]' "$TMP/frompcapng.facts.json")" ] ||
		{ echo "expectation failed: the pcapng page differs from the JSON Lines one"; return 1; }
}

case_bundle_shows_rise_and_check() {
	chromium_present || return 77
	trace_drop || return 1
	local b=$TMP/bundle
	mkdir -p "$b" && cp "$TMP/drop.jsonl" "$b/trace.jsonl" || return 1
	cat >"$b/counters.json" <<EOT
{"rises":[
 {"netns":"$NS_NODE","kind":"qdisc","name":"pfifo_fast drops","device":"veth-d","start":0,"end":3,"rise":3,"traced_drops":0,"unexplained":3},
 {"netns":"$NS_NODE","kind":"netfilter","name":"FORWARD rule 1","device":null,"start":10,"end":11,"rise":1,"traced_drops":1,"unexplained":0}
]}
EOT
	cat >"$b/check.json" <<EOT
{"checks":[
 {"layer":"node","item":"ip_forward","status":"ok","fact":"forwarding is on","explains_drop":false},
 {"layer":"node","item":"iptables FORWARD","status":"fail","fact":"a rule drops <udp> port 7790 & more","explains_drop":true}
]}
EOT
	"$HOPTRACE" report "$b" -o "$TMP/b.html" || return 1
	render "$TMP/b.html" bundle || return 1
	expect_facts bundle '.unexplained | length == 1 and (.[0] | contains("pfifo_fast drops")
		and contains("a drop no hook saw"))' "the unexplained rise is called out" || return 1
	expect_facts bundle '[.checks[] | select(.status == "fail"
		and (.text | contains("a rule drops <udp> port 7790 & more")))] | length == 1' \
		"the failed check is shown, its text intact" || return 1
	expect_facts bundle '.drops | length == 1' "the bundle's trace is drawn" || return 1
	grep -q "no manifest.json" "$TMP/bundle.dom.html" ||
		{ echo "expectation failed: the absent manifest is not mentioned"; return 1; }
	# Without the optional files the page says what is missing.
	rm "$b/counters.json" "$b/check.json"
	"$HOPTRACE" report "$b" >"$TMP/bare.html" || return 1
	grep -q "no counters.json" "$TMP/bare.html" && grep -q "no check.json" "$TMP/bare.html" ||
		{ echo "expectation failed: absent bundle files are not mentioned"; return 1; }
}

# expect_refused NAME OUTPUT ARGS...: hoptrace report ARGS exits 1 with one line on stderr
# and leaves no OUTPUT (nor a temporary file beside it).
expect_refused() {
	local name=$1 out=$2 rc lines
	shift 2
	"$HOPTRACE" report "$@" >"$TMP/$name.stdout" 2>"$TMP/$name.stderr"
	rc=$?
	lines=$(wc -l <"$TMP/$name.stderr")
	echo "$name: exit $rc: $(cat "$TMP/$name.stderr")"
	[ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q '^hoptrace report: ' "$TMP/$name.stderr" ||
		{ echo "expectation failed: $name: exit 1 and one line"; return 1; }
	[ ! -s "$TMP/$name.stdout" ] && [ ! -e "$out" ] &&
		[ -z "$(ls "$(dirname "$out")" 2>/dev/null | grep -F "$(basename "$out")")" ] ||
		{ echo "expectation failed: $name: an output was written"; return 1; }
}

case_bad_inputs_write_nothing() {
	trace_drop || return 1
	mkdir -p "$TMP/bad" "$TMP/notbundle" || return 1
	head -c $(($(stat -c %s "$TMP/drop.jsonl") - 40)) "$TMP/drop.jsonl" >"$TMP/bad/cut.jsonl"
	printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$TMP/bad/foreign.png"
	expect_refused truncated "$TMP/bad/out1.html" "$TMP/bad/cut.jsonl" -o "$TMP/bad/out1.html" ||
		return 1
	grep -q "cut short\|truncated" "$TMP/truncated.stderr" || return 1
	expect_refused foreign "$TMP/bad/out2.html" "$TMP/bad/foreign.png" -o "$TMP/bad/out2.html" ||
		return 1
	grep -q "not a hoptrace trace" "$TMP/foreign.stderr" || return 1
	expect_refused no_dir "$TMP/no/such/dir/r.html" "$TMP/drop.jsonl" -o "$TMP/no/such/dir/r.html" ||
		return 1
	expect_refused not_bundle "$TMP/bad/out3.html" "$TMP/notbundle" -o "$TMP/bad/out3.html" ||
		return 1
	grep -q "without trace.jsonl" "$TMP/not_bundle.stderr" || return 1
	# A wrong command line: 2.
	"$HOPTRACE" report 2>/dev/null
	[ $? -eq 2 ] || { echo "no input: not exit 2"; return 1; }
	"$HOPTRACE" report --bogus "$TMP/drop.jsonl" 2>/dev/null
	[ $? -eq 2 ] || { echo "unknown option: not exit 2"; return 1; }
}

# The commands docs/report.md gives, as it gives them, in a folder of their files.
case_docs_examples() {
	trace_drop || return 1
	local d=$TMP/docs
	mkdir -p "$d/bundle" && cp "$TMP/drop.jsonl" "$d/trace.jsonl" &&
		cp "$TMP/drop.pcapng" "$d/drop.pcapng" && cp "$TMP/drop.jsonl" "$d/bundle/trace.jsonl" ||
		return 1
	(
		cd "$d" || exit 1
		"$HOPTRACE" report trace.jsonl -o report.html && grep -q 'class="drop"' report.html &&
			rm report.html || exit 1
		"$HOPTRACE" report drop.pcapng -o report.html && grep -q 'class="drop"' report.html &&
			rm report.html || exit 1
		"$HOPTRACE" report bundle/ -o report.html && grep -q 'class="drop"' report.html &&
			grep -q "no counters.json" report.html
	)
}

topo_up || { echo "FAIL e2e report_topology: could not build the namespaces"; exit 1; }
run_case drop_page_in_chromium case_drop_page_in_chromium
run_case healthy_page_has_no_drop case_healthy_page_has_no_drop
run_case pcapng_gives_the_same_drop case_pcapng_gives_the_same_drop
run_case bundle_shows_rise_and_check case_bundle_shows_rise_and_check
run_case bad_inputs_write_nothing case_bad_inputs_write_nothing
run_case docs_examples case_docs_examples
exit $TESTS_FAILED
