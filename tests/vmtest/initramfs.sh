# shellcheck shell=bash
# Sourced by tests/vmtest/boot.sh: the initramfs for one kernel, built once and cached.
# Needs CACHE, HERE, TEMPS (removed on exit) and die() from the caller.
#
# Debian builds virtio_pci (before 6.12), 9p, 9pnet_virtio, overlay and virtio_console as
# modules, so a bare kernel cannot mount the host's root: the initramfs holds busybox
# (static: there is no libc in it) and exactly those modules with their dependencies, in
# load order, decompressed (busybox insmod reads no .ko.xz).

BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay virtio_console)

# modules_base MODDIR: the directory modprobe -d wants (MODDIR is BASE/lib/modules/VER).
modules_base() { echo "${1%/lib/modules/*}"; }

# boot_modules MODDIR: the .ko files to load, dependencies first, each once.
boot_modules() {
	local moddir=$1 base ver m
	base=$(modules_base "$moddir")
	ver=$(basename "$moddir")
	for m in 9p 9pnet_virtio; do
		modprobe -d "$base" -S "$ver" --show-depends "$m" >/dev/null 2>&1 ||
			die "kernel $ver has no $m (a cloud flavour? they lack 9p: use the generic amd64 one)"
	done
	# A built-in one shows as "builtin NAME": nothing to load.
	for m in "${BOOT_MODULES[@]}"; do
		modprobe -d "$base" -S "$ver" --show-depends "$m" 2>/dev/null || true
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# add_module KO DIR: KO into DIR, decompressed; prints its new name.
add_module() {
	local ko=$1 dir=$2 name
	name=$(basename "$ko")
	case $ko in
	*.xz) name=${name%.xz}; xz -dc "$ko" >"$dir/$name" ;;
	*.zst) name=${name%.zst}; zstd -qdc "$ko" >"$dir/$name" ;;
	*.gz) name=${name%.gz}; gzip -dc "$ko" >"$dir/$name" ;;
	*) cp "$ko" "$dir/$name" ;;
	esac || die "cannot decompress $ko"
	echo "$name"
}

# initramfs_path MODDIR: the cached image's name. The key covers what goes in: the init
# script, this file, the kernel's modules and busybox. Change any, get a new image.
initramfs_path() {
	local moddir=$1 key
	key=$(cat "$HERE/init" "$HERE/initramfs.sh" "$moddir/modules.dep" "$(command -v busybox)" |
		sha256sum | cut -c1-16)
	echo "$CACHE/initramfs/$(basename "$moddir")-$key.cpio.gz"
}

# initramfs MODDIR: sets INITRD to the image for this kernel, built when missing.
initramfs() {
	local moddir=$1 root ko
	INITRD=$(initramfs_path "$moddir")
	[ -f "$INITRD" ] && return
	root=$(mktemp -d "$CACHE/initramfs.XXXXXX")
	TEMPS+=("$root" "$INITRD.tmp")
	mkdir -p "$root"/{bin,dev,proc,sys,mods,lower,rw,newroot}
	cp "$(command -v busybox)" "$root/bin/busybox"
	cp "$HERE/init" "$root/init"
	chmod 755 "$root/init"
	: >"$root/mods/order"
	# A plain call, not a pipeline: its die() must end this shell, not a subshell.
	boot_modules "$moddir" >"$root/mods.list"
	while read -r ko; do
		add_module "$ko" "$root/mods" >>"$root/mods/order"
	done <"$root/mods.list"
	rm "$root/mods.list"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD.tmp" ||
		die "cannot write the initramfs $INITRD"
	mv "$INITRD.tmp" "$INITRD"
	# Images of this kernel from older inputs are dead weight now.
	find "$CACHE/initramfs" -maxdepth 1 -name "$(basename "$moddir")-*.cpio.gz" \
		! -path "$INITRD" -delete
}
