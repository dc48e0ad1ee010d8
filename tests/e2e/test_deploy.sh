#!/usr/bin/env bash
# End-to-end: the packaging for a cluster (deploy/). The DaemonSet manifest parses and has
# what the agent needs (host PID and network, the capabilities, the mounts, no API access);
# kubectl-hoptrace's command lines, against a fake kubectl first on PATH that records its
# arguments and answers what a real one prints (tests/fixtures/kubectl), with an agent on
# the pod's node and without one; and the image: built offline by deploy/build-image.sh,
# imported into a real containerd (tests/k8s/containerd_env.sh), its hoptrace runs there,
# and `hoptrace selftest` passes from the image with the host's network namespace. Nothing
# here talks to a real cluster.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
. tests/k8s/containerd_env.sh
deploy_down() {
	ctrd_stop
	topo_down
}
trap deploy_down EXIT
trap 'exit 130' INT TERM

PLUGIN=$PWD/deploy/kubectl-hoptrace
FIXTURES=$PWD/tests/fixtures/kubectl
# Debian's python3 has python3-yaml (scripts/install-deps.sh).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

case_manifest() {
	"$PY" - deploy/daemonset.yaml <<-'PYEOF'
	import sys, yaml
	docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
	bad = []
	def need(cond, what):
	    if not cond:
	        bad.append(what)
	for d in docs:
	    need(d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name"),
	         "every object has apiVersion, kind and metadata.name: %r" % d)
	kinds = {d["kind"]: d for d in docs}
	ds = kinds.get("DaemonSet")
	need(ds is not None, "a DaemonSet")
	if ds:
	    need(ds["apiVersion"] == "apps/v1", "DaemonSet is apps/v1")
	    spec = ds["spec"]
	    tmpl = spec["template"]
	    need(spec["selector"]["matchLabels"].get("app") == "hoptrace" and
	         tmpl["metadata"]["labels"].get("app") == "hoptrace",
	         "selector and pod labels app=hoptrace (the plugin's selector)")
	    ps = tmpl["spec"]
	    need(ps.get("hostPID") is True, "hostPID: true")
	    need(ps.get("hostNetwork") is True, "hostNetwork: true")
	    need(ps.get("automountServiceAccountToken") is False, "no API token in the agent")
	    c = ps["containers"][0]
	    need(c.get("image") and c.get("command"), "the container has an image and a command")
	    sc = c.get("securityContext", {})
	    caps = set(sc.get("capabilities", {}).get("add", []))
	    want = {"BPF", "NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE", "PERFMON"}
	    need(want <= caps, "capabilities add %s (has %s)" % (sorted(want), sorted(caps)))
	    need(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities drop ALL")
	    need(sc.get("privileged") is not True, "not privileged")
	    vols = {v["name"]: v for v in ps["volumes"]}
	    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
	    for path in ("/sys/kernel/btf", "/run/netns", "/run/containerd"):
	        m = mounts.get(path)
	        need(m is not None, "mount at " + path)
	        if m:
	            need(m.get("readOnly") is True, path + " read-only")
	            v = vols.get(m["name"], {})
	            need(v.get("hostPath", {}).get("path") == path, path + " from the host's " + path)
	    need(mounts.get("/run/netns", {}).get("mountPropagation") == "HostToContainer",
	         "/run/netns sees namespaces made after the agent started")
	    for m in c["volumeMounts"]:
	        need(m["name"] in vols, "mount %s has a volume" % m["name"])
	# The agent's account is bound to nothing: hoptrace reads only node-local state.
	for d in docs:
	    if d["kind"] in ("RoleBinding", "ClusterRoleBinding"):
	        for s in d.get("subjects", []):
	            need(s.get("name") != "hoptrace" or s.get("kind") != "ServiceAccount",
	                 "no role bound to the agent's ServiceAccount")
	if bad:
	    print("expectation failed: " + "\nexpectation failed: ".join(bad))
	    sys.exit(1)
	PYEOF
}

# A fake kubectl: records each call as one line of [arg][arg]... in $TMP/kubectl.log and
# answers as a real one would: FAKE_NODE is the pod's node ("" = not scheduled), FAKE_AGENT
# the agent pod on it ("" = none).
fake_kubectl() {
	mkdir -p "$TMP/bin"
	cat >"$TMP/bin/kubectl" <<-EOF
	#!/bin/sh
	printf '[%s]' "\$@" >>"$TMP/kubectl.log"
	echo >>"$TMP/kubectl.log"
	case "\$1 \$2" in
	"config view") exit 0 ;;
	"get pod") printf '%s' "\$FAKE_NODE" ;;
	"get pods") printf '%s' "\$FAKE_AGENT" ;;
	"debug "*) cat "$FIXTURES/debug.out" ;;
	"wait "*) cat "$FIXTURES/wait.out" ;;
	"delete pod") echo "pod \\"\$3\\" deleted" ;;
	"cp "*) echo "pcapng from \$2" >"\$3" ;;
	"exec "*) case "\$*" in *" -- hoptrace "*) cat "$FIXTURES/trace.out" ;; esac ;;
	*) echo "fake kubectl: unexpected call: \$*" >&2; exit 1 ;;
	esac
	EOF
	chmod +x "$TMP/bin/kubectl"
	: >"$TMP/kubectl.log"
}

# expect_call LINE: the fake kubectl was called with exactly these arguments.
expect_call() {
	grep -qxF -- "$1" "$TMP/kubectl.log" && return 0
	echo "expectation failed: no kubectl call $1; the calls were:"
	sed 's/^/    /' "$TMP/kubectl.log"
	return 1
}

plugin() { PATH="$TMP/bin:$PATH" "$PLUGIN" "$@"; }

case_plugin_agent() {
	fake_kubectl
	(cd "$TMP" && FAKE_NODE=node-2 FAKE_AGENT=hoptrace-x9k2m plugin web-1 -n shop -- \
		--json -q -f 'udp and port 53' -w out.pcapng </dev/null >"$TMP/plugin.out" 2>"$TMP/plugin.err") ||
		{ echo "expectation failed: the plugin failed:"; cat "$TMP/plugin.err"; return 1; }
	local remote
	remote=$(sed -n 's/.*\[-w\]\[\(\/tmp\/hoptrace-[0-9]*-out.pcapng\)\].*/\1/p' "$TMP/kubectl.log" | head -1)
	[ -n "$remote" ] || { echo "expectation failed: -w names a file in the agent's /tmp"; cat "$TMP/kubectl.log"; return 1; }
	expect_call "[get][pod][web-1][-n][shop][-o][jsonpath={.spec.nodeName}]" &&
		expect_call "[get][pods][-n][hoptrace][-l][app=hoptrace][--field-selector][spec.nodeName=node-2,status.phase=Running][-o][jsonpath={.items[0].metadata.name}]" &&
		expect_call "[exec][-i][-n][hoptrace][hoptrace-x9k2m][--][hoptrace][--pod][shop/web-1][--json][-q][-f][udp and port 53][-w][$remote]" &&
		expect_call "[cp][hoptrace/hoptrace-x9k2m:$remote][out.pcapng]" &&
		expect_call "[exec][-n][hoptrace][hoptrace-x9k2m][--][rm][-f][$remote]" || return 1
	cmp -s "$TMP/plugin.out" "$FIXTURES/trace.out" ||
		{ echo "expectation failed: the trace is streamed back as it is"; cat "$TMP/plugin.out"; return 1; }
	grep -qx "pcapng from hoptrace/hoptrace-x9k2m:$remote" "$TMP/out.pcapng" ||
		{ echo "expectation failed: the -w file is copied back to out.pcapng"; return 1; }
	if grep -q '^\[debug\]' "$TMP/kubectl.log"; then
		echo "expectation failed: no debug pod when an agent is there"
		return 1
	fi
}

case_plugin_debug() {
	fake_kubectl
	(cd "$TMP" && FAKE_NODE=node-2 FAKE_AGENT="" HOPTRACE_IMAGE=registry.example/hoptrace:1 \
		plugin web-1 -n shop -- --json </dev/null >"$TMP/plugin.out" 2>"$TMP/plugin.err") ||
		{ echo "expectation failed: the plugin failed:"; cat "$TMP/plugin.err"; return 1; }
	local pod=node-debugger-node-2-k7x2q
	grep -q '^\[debug\]\[node/node-2\]\[-n\]\[shop\]\[--profile=sysadmin\]\[--image=registry.example/hoptrace:1\]\[--\]\[/bin/sh\]\[-c\]' \
		"$TMP/kubectl.log" || { echo "expectation failed: a sysadmin debug pod on node-2"; cat "$TMP/kubectl.log"; return 1; }
	expect_call "[wait][--for=condition=Ready][pod/$pod][-n][shop][--timeout=120s]" &&
		expect_call "[exec][-i][-n][shop][$pod][--][hoptrace][--pod][shop/web-1][--json]" &&
		expect_call "[delete][pod][$pod][-n][shop][--wait=false]" || return 1
	grep -q "no hoptrace agent on node node-2" "$TMP/plugin.err" ||
		{ echo "expectation failed: it says why it starts a debug pod"; cat "$TMP/plugin.err"; return 1; }
}

case_plugin_errors() {
	fake_kubectl
	local err
	err=$(FAKE_NODE="" plugin web-1 -n shop 2>&1 </dev/null) &&
		{ echo "expectation failed: an unscheduled pod is an error"; return 1; }
	[ "$err" = "kubectl-hoptrace: pod shop/web-1 is not scheduled on a node yet" ] ||
		{ echo "expectation failed: one clear line, was: $err"; return 1; }
	err=$(plugin shop/web-1 2>&1 </dev/null) &&
		{ echo "expectation failed: NS/POD is refused"; return 1; }
	echo "$err" | grep -q 'name the namespace with -n' ||
		{ echo "expectation failed: says to use -n, was: $err"; return 1; }
	plugin >/dev/null 2>&1 </dev/null
	[ $? -eq 2 ] || { echo "expectation failed: no pod: usage, exit 2"; return 1; }
	# -n omitted: the context's namespace, else default.
	fake_kubectl
	FAKE_NODE=node-1 FAKE_AGENT=hoptrace-a plugin web-1 </dev/null >/dev/null 2>&1 || return 1
	expect_call "[exec][-i][-n][hoptrace][hoptrace-a][--][hoptrace][--pod][default/web-1]"
}

# The image holds what the agent and the plugin run: hoptrace, sleep, tar, mount, and
# /var/run as /run (runtimes record netns paths under either).
case_image() {
	deploy/build-image.sh -o "$TMP/image.tar" >"$TMP/build.log" 2>&1 ||
		{ echo "expectation failed: build-image failed:"; cat "$TMP/build.log"; return 1; }
	ctr_ image import "$TMP/image.tar" >/dev/null || return 1
	local name version
	name=$(sed -n 's/^build-image: [^:]*: \([^ ]*\) .*/\1/p' "$TMP/build.log")
	version=$(ctrd_run --rm --cgroup "" "$name" img-version /usr/local/bin/hoptrace --version) ||
		{ echo "expectation failed: hoptrace --version in the image"; return 1; }
	[ "$version" = "$("$HOPTRACE" --version)" ] ||
		{ echo "expectation failed: the image's hoptrace is this build's: $version"; return 1; }
	# /var/run is the image's own relative link to /run, as on Debian.
	local check='test -x /bin/sleep && test -x /bin/tar && test -x /bin/mount && test "$(readlink /var/run)" = ../run' # repo-paths: ok
	ctrd_run --rm --cgroup "" "$name" img-tools /bin/sh -c "$check" ||
		{ echo "expectation failed: sleep, tar, mount and the /var/run link in the image"; return 1; }
}

# hoptrace selftest from the image (with the demo's tools), in the host's network namespace
# with the capabilities it needs: the demo's namespaces are made inside the container's own
# /run/netns, so they go with it.
case_image_selftest() {
	deploy/build-image.sh --demo-tools -t localhost/hoptrace:demo -o "$TMP/image-demo.tar" \
		>"$TMP/build-demo.log" 2>&1 || { cat "$TMP/build-demo.log"; return 1; }
	ctr_ image import "$TMP/image-demo.tar" >/dev/null || return 1
	ctrd_run --rm --cgroup "" --privileged --net-host \
		--mount type=bind,src=/sys/kernel/btf,dst=/sys/kernel/btf,options=rbind:ro \
		localhost/hoptrace:demo img-selftest /usr/local/bin/hoptrace selftest >"$TMP/selftest.out" 2>&1
	local rc=$?
	cat "$TMP/selftest.out"
	[ $rc -eq 0 ] && grep -qE '^([0-9]+) of \1 scenarios passed' "$TMP/selftest.out" ||
		{ echo "expectation failed: selftest passes from the image"; return 1; }
}

run_case manifest case_manifest
run_case plugin_agent case_plugin_agent
run_case plugin_debug case_plugin_debug
run_case plugin_errors case_plugin_errors
if ! ctrd_start >"$TMP/ctrd.log" 2>&1; then
	echo "FAIL e2e deploy_image: containerd"
	sed 's/^/    /' "$TMP/ctrd.log"
	exit 1
fi
run_case image case_image
run_case image_selftest case_image_selftest
exit $TESTS_FAILED
