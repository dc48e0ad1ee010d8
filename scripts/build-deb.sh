#!/usr/bin/env bash
# Builds BUILD/hoptrace_VERSION_ARCH.deb with Debian's own tools (`make deb` runs it):
#   - the files are those of `make install PREFIX=/usr` into a staging folder, the binary
#     stripped, the man page compressed (gzip -9n, as Debian policy asks);
#   - /usr/share/doc/hoptrace/ gains copyright (packaging/debian/copyright) and
#     changelog.Debian.gz, one entry for this version written here;
#   - dpkg-shlibdeps computes Depends from the libraries the binary links, plus the packages
#     of those it opens on first use (BUILD/lazy-libs), dpkg-gencontrol
#     writes DEBIAN/control from packaging/debian/control (Installed-Size included),
#     dpkg-deb builds the package with files owned by root.
# The maintainer is DEB_MAINTAINER, else the last commit's author.
# lintian: no errors. Its one warning, initial-upload-closes-no-bugs, asks the first
# upload to Debian's archive to close an ITP bug: this package is built for nodes, not
# uploaded, so there is no such bug to close.
# Usage: scripts/build-deb.sh BUILD VERSION   (VERSION: upstream-revision, e.g. 0.1.0-1)
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 2 ] || { echo "usage: $0 BUILD VERSION" >&2; exit 2; }
build=$1 version=$2
for tool in dpkg-deb dpkg-shlibdeps dpkg-gencontrol strip; do
	command -v "$tool" >/dev/null || {
		echo "build-deb: $tool is missing (make deps installs it)" >&2
		exit 1
	}
done
arch=$(dpkg --print-architecture)
work=$(realpath -m "$build/deb")
# debian/hoptrace: where dpkg-shlibdeps expects a package's files.
stage=$work/src/debian/hoptrace
deb=$build/hoptrace_${version}_$arch.deb
maintainer=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || { echo "build-deb: set DEB_MAINTAINER='Name <email>'" >&2; exit 1; }
# The date of the last commit: the same tree gives the same package.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
commit=$(git log -1 --format=%h 2>/dev/null || echo unknown)

lazy_libs=$(realpath "$build/lazy-libs")
rm -rf "$work"
mkdir -p "$work/src/debian"
umask 022
"${MAKE:-make}" -s --no-print-directory install BUILD="$build" DESTDIR="$stage" PREFIX=/usr
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$stage/usr/sbin/hoptrace"
gzip -9n "$stage/usr/share/man/man8/hoptrace.8"

doc=$stage/usr/share/doc/hoptrace
install -m 0644 packaging/debian/copyright "$doc/copyright"
cat >"$work/src/debian/changelog" <<EOF
hoptrace ($version) unstable; urgency=medium

  * Package of hoptrace ${version%-*}, built from commit $commit.

 -- $maintainer  $(date -u -R -d "@$epoch")
EOF
gzip -9n <"$work/src/debian/changelog" >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
cp packaging/debian/control "$work/src/debian/control"

(
	cd "$work/src"
	# DEBIAN/ first: dpkg-shlibdeps finds the package's folder by it.
	mkdir -p "$stage/DEBIAN"
	dpkg-shlibdeps -Tdebian/substvars debian/hoptrace/usr/sbin/hoptrace
	# The libraries hoptrace opens on first use (BUILD/lazy-libs) are not linked, so
	# dpkg-shlibdeps cannot see them: their packages are added to the same Depends.
	extra=
	while read -r so; do
		file=$(readlink -f "$(${CC:-cc} -print-file-name="$so")")
		pkg=$(dpkg-query -S "$file" | awk -F: 'NR == 1 { print $1 }')
		[ -n "$pkg" ] || { echo "build-deb: no package holds $so" >&2; exit 1; }
		extra="$extra, $pkg"
	done <"$lazy_libs"
	sed -i "s/^shlibs:Depends=.*/&$extra/" debian/substvars
	dpkg-gencontrol -phoptrace -P"$stage" -Tdebian/substvars -fdebian/files \
		-V"hoptrace:Maintainer=$maintainer"
)
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -exec touch -h -d "@$epoch" {} +
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
