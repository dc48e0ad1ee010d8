#!/usr/bin/env bash
# Builds hoptrace's container image offline, with Debian's tools only (tar, gzip, sha256sum):
# an OCI image archive (oci-layout, index.json, blobs/) that `ctr image import`, `podman
# load` and `docker load` (25 and later) read. No registry, no base image: the image holds
# the built binary, the shared libraries it is linked against (found with ldd, so the image
# runs on any distribution's node whatever its own libraries), and Debian's static busybox
# for a shell, `sleep` (the idle agent), `tar` (what `kubectl cp` runs to copy a -w file
# back) and `mount` (the plugin binds the node's /run into a `kubectl debug` pod).
#
#   deploy/build-image.sh [-b BINARY] [-o ARCHIVE] [-t IMAGE-NAME] [--demo-tools]
#
# -b  the hoptrace binary (default build/hoptrace; run make first)
# -o  the archive to write (default build/hoptrace-image.tar)
# -t  the image name recorded in the archive (default localhost/hoptrace:VERSION)
# --demo-tools  also ip, bridge, tc, iptables (nft backend), nft, sysctl, ping and conntrack with their
#               libraries: what `hoptrace demo` and `hoptrace selftest` run to build their
#               throwaway cluster. A tracing agent does not need them.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=build/hoptrace
out=build/hoptrace-image.tar
name=""
demo_tools=0
while [ $# -gt 0 ]; do
	case $1 in
	-b) binary=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	-t) name=$2; shift 2 ;;
	--demo-tools) demo_tools=1; shift ;;
	-h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-image: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
[ -x "$binary" ] || { echo "build-image: no binary at $binary (run make first)" >&2; exit 1; }
version=$("$binary" --version | awk '{ print $2 }')
[ -n "$name" ] || name=localhost/hoptrace:$version
busybox=$(command -v busybox) || { echo "build-image: install busybox-static" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "build-image: $busybox is not static (install busybox-static)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/hoptrace-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,usr/local/bin,usr/sbin,usr/bin,tmp,proc,sys,dev,run/netns,etc}
chmod 1777 "$root/tmp"
# Runtimes record network namespaces as /var/run/netns/cni-... too: the same files.
mkdir -p "$root/var" && ln -s ../run "$root/var/run"

# copy_with_libs FILE DEST: FILE at DEST in the image, and every library ldd lists for it
# at the path it was found (the loader too), so the image's own loader finds them.
copy_with_libs() {
	local file=$1 dest=$2 lib
	install -D -m 0755 "$file" "$root$dest"
	ldd "$file" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' |
		while read -r lib; do
			[ -e "$root$lib" ] && continue
			install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
		done
}

copy_with_libs "$binary" /usr/local/bin/hoptrace
# The libraries hoptrace opens on first use (user/util/lazy_lib.h), listed beside the
# binary: ldd does not see them.
lazy=$(dirname "$binary")/lazy-libs
[ -f "$lazy" ] || { echo "build-image: no $lazy beside the binary (run make first)" >&2; exit 1; }
while read -r so; do
	# awk reads to the end: leaving early would kill ldconfig with SIGPIPE, and pipefail
	# would end this script without a word.
	lib=$(ldconfig -p | awk -v so="$so" '$1 == so && !found { print $NF; found = 1 }')
	[ -n "$lib" ] || { echo "build-image: $so is not installed (make deps)" >&2; exit 1; }
	[ -e "$root$lib" ] || copy_with_libs "$lib" "$lib"
done <"$lazy"
cp "$busybox" "$root/bin/busybox"
for applet in sh sleep tar cat ls mkdir rm mount; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
# libnftables and libpcap name protocols and services from these (Debian's netbase).
for f in /etc/protocols /etc/services; do [ -f "$f" ] && cp "$f" "$root$f"; done

if [ $demo_tools -eq 1 ]; then
	for tool in ip bridge tc nft sysctl conntrack xtables-nft-multi; do
		copy_with_libs "$(command -v "$tool")" "/usr/sbin/$tool"
	done
	copy_with_libs "$(command -v ping)" /usr/bin/ping
	# The demo's scripts run under /bin/sh; busybox's shell would run its own applets (a
	# reduced ip among them) before the tools above, so /bin/sh is Debian's dash here.
	rm "$root/bin/sh"
	copy_with_libs /bin/dash /bin/sh
	for t in iptables ip6tables iptables-save ip6tables-save iptables-restore; do
		ln -s xtables-nft-multi "$root/usr/sbin/$t"
	done
	# iptables' matches and targets are plugins it loads at run time.
	xt=/usr/lib/x86_64-linux-gnu/xtables
	if [ -d "$xt" ]; then
		mkdir -p "$root$xt"
		for so in "$xt"/*.so; do copy_with_libs "$so" "$so"; done
	fi
fi

# One layer, reproducible: sorted names, root's ids, a fixed time.
mkdir -p "$work/oci/blobs/sha256"
tar -C "$root" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -9 "$work/layer.tar"

# blob FILE: moves FILE into the layout under its digest; prints "DIGEST SIZE".
blob() {
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$work/oci/blobs/sha256/$d"
	echo "$d $s"
}
read -r layer_digest layer_size < <(blob "$work/layer.tar.gz")

cat >"$work/config.json" <<-JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
"config":{"Env":["PATH=/usr/local/bin:/usr/sbin:/usr/bin:/bin"],"Entrypoint":["/usr/local/bin/hoptrace"],"Cmd":["help"],"WorkingDir":"/tmp","Labels":{"org.opencontainers.image.title":"hoptrace","org.opencontainers.image.version":"$version"}},
"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/build-image.sh"}]}
JSON
read -r config_digest config_size < <(blob "$work/config.json")

cat >"$work/manifest.json" <<-JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$layer_digest","size":$layer_size}]}
JSON
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")

# io.containerd.image.name: the name ctr image import gives it; ref.name: the OCI tag.
cat >"$work/oci/index.json" <<-JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$manifest_digest","size":$manifest_size,
"platform":{"architecture":"amd64","os":"linux"},
"annotations":{"io.containerd.image.name":"$name","org.opencontainers.image.ref.name":"${name##*:}"}}]}
JSON
printf '{"imageLayoutVersion":"1.0.0"}\n' >"$work/oci/oci-layout"
mkdir -p "$(dirname "$out")"
tar -C "$work/oci" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out" .
echo "build-image: $out: $name ($(du -h "$out" | cut -f1), layer sha256:$layer_digest)"
