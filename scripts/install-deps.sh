#!/usr/bin/env bash
# Installs the Debian packages hoptrace needs to build, test and demo, only those missing.
# Called by make (deps target) and by .ci/run; safe to run again.
set -euo pipefail

packages=(
	clang llvm clang-format make gcc pkg-config
	libbpf-dev bpftool libelf-dev zlib1g-dev libpcap-dev
	libssl-dev # --bundle: the manifest's SHA-256 sums (libcrypto)
	libmnl-dev libnftnl-dev libnftables-dev libnetfilter-log-dev libcjson-dev # rule attribution: nf_tables trace and rulesets, the legacy TRACE log
	iproute2 iptables nftables conntrack netcat-openbsd
	ethtool # --bundle: a device's own counters (ethtool -S) where its driver answers
	tshark python3 jq iputils-ping procps
	python3-yaml # tests/e2e/test_deploy.sh reads deploy/daemonset.yaml
	chromium fonts-liberation # tests/e2e/test_report.sh renders hoptrace report's page headless (the fonts are only recommended)
	bpftrace
	linux-perf # make bench: where user space's time per event goes (perf record)
	dpkg-dev lintian # make deb: dpkg-shlibdeps and dpkg-gencontrol build it, tests/e2e/test_install.sh lints it
	groff-base man-db mandoc zsh # tests/e2e/test_install.sh: the man page linted (groff -ww, mandoc -T lint), the zsh completion read
	libclang-rt-dev # libFuzzer and the sanitizer runtimes: make fuzz, make sanitize
	containerd runc # a real containerd for the pod tests (tests/k8s/containerd_env.sh) and the image test
	qemu-system-x86 busybox-static kmod cpio xz-utils debian-archive-keyring # make vmtest (tests/vmtest/boot.sh)
)

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
