# Headless Chromium for the tests that read hoptrace report's page (sourced after lib.sh):
# render() leaves the rendered DOM, the net log and the facts tests/e2e/report_page.py reads
# from them in $TMP.
PAGE=tests/e2e/report_page.py
# Chromium refuses to run as root without --no-sandbox (this test runs as root: it builds
# namespaces). Its background services (updates, sync, time) are turned off, and it runs in
# a network namespace of its own with only a loopback that is down, so whatever it still
# tries cannot leave the machine; the requests the page itself makes are still in its net
# log, which is what the test reads (the control page shows they are).
CHROMIUM_FLAGS=(--headless=new --no-sandbox --disable-gpu --disable-background-networking
	--disable-component-update --disable-sync --disable-default-apps --no-first-run
	"--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication")

chromium_present() {
	command -v chromium >/dev/null && return 0
	SKIP_REASON="chromium is not installed (scripts/install-deps.sh installs it)"
	return 1
}

# render HTML NAME: Chromium's rendered DOM of the page ($TMP/NAME.dom.html), its net log
# ($TMP/NAME.net.json) and the facts report_page.py reads from them ($TMP/NAME.facts.json,
# $TMP/NAME.requests.json). Each browser run is bounded.
render() {
	local html=$1 name=$2
	rm -rf "$TMP/chr"
	timeout 60 unshare -n chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$TMP/chr" \
		--log-net-log="$TMP/$name.net.json" --net-log-capture-mode=Everything \
		--dump-dom "file://$html" >"$TMP/$name.dom.html" 2>>"$TMP/chromium.err" ||
		{ echo "chromium --dump-dom failed:"; tail -20 "$TMP/chromium.err"; return 1; }
	python3 "$PAGE" dom "$TMP/$name.dom.html" >"$TMP/$name.facts.json" &&
		python3 "$PAGE" requests "$TMP/$name.net.json" >"$TMP/$name.requests.json" ||
		return 1
	echo "$name: $(cat "$TMP/$name.facts.json")"
}
