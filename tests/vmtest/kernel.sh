# shellcheck shell=bash
# Sourced by tests/vmtest/boot.sh: finds a Debian kernel package, downloads it and unpacks it
# into the cache. Needs CACHE, TEMPS (removed on exit) and die() from the caller.
#
# Every kernel comes through a private apt configuration under $CACHE/apt-<suite>: its own
# sources, package lists and archives. /etc/apt and the host's package lists stay as they
# are, and the host need not be the suite the kernel comes from (5.10 is bullseye's, the
# host is bookworm or anything else with apt). Once the lists are there, no network is
# needed until a download fails: then the lists are refreshed once, since Debian's
# security archive drops a kernel's .deb soon after the next upload.

MIRROR=${HOPTRACE_VMTEST_MIRROR:-http://deb.debian.org}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# suite_of ALIAS: the Debian release whose newest kernel of that series we take.
suite_of() {
	case $1 in
	5.10) echo bullseye ;;
	6.1 | 6.12) echo bookworm ;;
	*) return 1 ;;
	esac
}

# meta_of ALIAS: the metapackage that depends on that series' newest image. Generic
# flavour only: the cloud flavours have no 9p, so the guest could not mount its root.
meta_of() {
	case $1 in
	5.10 | 6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	esac
}

# apt_private SUITE COMMAND...: runs an apt command against the suite's private config.
apt_private() {
	local suite=$1 dir=$CACHE/apt-$1
	shift
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	[ -f "$dir/sources.list" ] || cat >"$dir/sources.list" <<-EOF
		deb [signed-by=$KEYRING] $MIRROR/debian $suite main
		deb [signed-by=$KEYRING] $MIRROR/debian-security $suite-security main
	EOF
	"$@" -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" \
		-o Dir::Cache::Archives="$dir/archives" -o Acquire::Languages=none \
		-o APT::Architecture=amd64 -o APT::Architectures=amd64
}

apt_refresh() {
	echo "vmtest: fetching the $1 package lists" >&2
	apt_private "$1" apt-get -qq update >&2 || die "apt-get update for $1 failed (no network to $MIRROR?)"
}

have_lists() { compgen -G "$CACHE/apt-$1/lists/*Packages*" >/dev/null; }

# image_of SUITE META: "PACKAGE VERSION" of the image the metapackage depends on.
image_of() {
	local pkg ver
	pkg=$(apt_private "$1" apt-cache depends "$2" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$pkg" ] || return 1
	ver=$(apt_private "$1" apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || return 1
	echo "$pkg $ver"
}

# download SUITE PACKAGE VERSION DIR: the .deb into DIR, its path on stdout.
download() {
	local suite=$1 pkg=$2 ver=$3 dir=$4
	# apt drops privileges to _apt for downloads; it needs to write here.
	chown _apt "$dir" 2>/dev/null || true
	(cd "$dir" && apt_private "$suite" apt-get -qq download "$pkg=$ver") >&2 || return 1
	compgen -G "$dir/${pkg}_*.deb" | head -n 1
}

# unpack DEB DIR: the package's files into DIR, with modules.dep (Debian's packages ship
# none; modprobe, in the guest and for the initramfs, needs it). All or nothing: a
# half-unpacked kernel never looks finished.
unpack() {
	local deb=$1 dir=$2 tmp=$2.tmp v base
	rm -rf "$tmp"
	mkdir -p "$tmp"
	TEMPS+=("$tmp")
	dpkg -x "$deb" "$tmp" || die "dpkg -x $deb failed"
	for v in "$tmp"/lib/modules/* "$tmp"/usr/lib/modules/*; do
		[ -d "$v" ] || continue
		base=${v%/lib/modules/*}
		depmod -b "$base" "$(basename "$v")" || die "depmod for $(basename "$v") failed"
	done
	rm -rf "$dir"
	mv "$tmp" "$dir"
}

# kernel_dir ALIAS|DEB: sets KDIR to the unpacked kernel package (boot/vmlinuz-*,
# lib/modules/*) in the cache, fetched and unpacked on first use.
kernel_dir() {
	local spec=$1 suite meta found pkg ver deb
	if [[ $spec == *.deb ]]; then
		[ -f "$spec" ] || die "no such package: $spec"
		KDIR=$CACHE/kernels/$(basename "$spec" .deb)
		[ -d "$KDIR" ] || unpack "$spec" "$KDIR"
		return
	fi
	suite=$(suite_of "$spec") || die "unknown kernel '$spec' (5.10, 6.1, 6.12 or a linux-image .deb)"
	meta=$(meta_of "$spec")
	if ! have_lists "$suite" || [ -n "${HOPTRACE_VMTEST_REFRESH:-}" ]; then
		apt_refresh "$suite"
	fi
	found=$(image_of "$suite" "$meta") || die "$meta not found in $suite's package lists"
	read -r pkg ver <<<"$found"
	case $pkg in
	"linux-image-$spec".*) ;;
	*) die "$meta in $suite depends on $pkg, not a $spec kernel" ;;
	esac
	KDIR=$CACHE/kernels/${pkg}_$ver
	[ -d "$KDIR" ] && return

	mkdir -p "$CACHE/debs"
	echo "vmtest: downloading $pkg $ver" >&2
	if ! deb=$(download "$suite" "$pkg" "$ver" "$CACHE/debs"); then
		apt_refresh "$suite"
		found=$(image_of "$suite" "$meta") || die "$meta vanished from $suite's package lists"
		read -r pkg ver <<<"$found"
		KDIR=$CACHE/kernels/${pkg}_$ver
		[ -d "$KDIR" ] && return
		deb=$(download "$suite" "$pkg" "$ver" "$CACHE/debs") || die "apt-get download $pkg=$ver failed"
	fi
	unpack "$deb" "$KDIR"
	# The unpacked tree is the cache; the .deb would only double its size.
	rm -f "$deb"
}
