#!/usr/bin/env bash
# The build and the tests must need nothing outside the repository: a fresh clone has no
# sibling folders and no developer's machine around it. Fails when a Makefile, mk/*.mk or
# any file under tests/, scripts/, bench/ or .ci/ names a path outside the repository:
#   - a relative path whose parent steps climb above the repository's top, resolved
#     against the repository's top (where make and every script here run) or, when glued
#     to an expression such as $(dirname "$0") or __FILE__'s folder, against the file's
#     own folder;
#   - an absolute path under the folder that holds this clone (unless that is a system
#     folder such as /tmp), or under /work or /home.
# A line that must name such a path on purpose (a refused input in a unit test) carries
# the marker "repo-paths: ok" and the reason.
# Usage: check_paths.sh [--root DIR]   (default: this repository). Needs no root.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = --root ]; then
	root=$(cd "$2" && pwd)
fi

# files ROOT: the text files under the checked places, relative to ROOT.
files() {
	(cd "$1" && find Makefile mk tests scripts bench .ci -type f 2>/dev/null |
		xargs -r grep -Il '' | sort)
}

# findings ROOT: one "file:line: path" line per path that leaves ROOT.
findings() {
	local top=$1 parent f
	parent=$(dirname "$top")
	# A clone in a system folder (/tmp, /opt, /root...) makes that folder's paths no
	# sign of anything: /tmp/... is where the tests' scratch files go.
	case $parent in
	/ | /tmp | /var | /var/tmp | /usr | /usr/local | /usr/src | /opt | /srv | /mnt | /media | /root | /run | /dev/shm)
		parent=/ ;;
	esac
	while read -r f; do
		awk -v dir="$(dirname "$f")" -v file="$f" -v parent="$parent" '
			# escapes(BASE, PATH): 1 when PATH, taken from the folder BASE (relative to
			# the top, "." for the top itself), climbs above the top.
			function escapes(base, path,   b, s, n, i, depth) {
				depth = base == "." ? 0 : split(base, b, "/")
				n = split(path, s, "/")
				for (i = 1; i <= n; i++) {
					if (s[i] == "..") { if (--depth < 0) return 1 } # repo-paths: ok
					else if (s[i] != "" && s[i] != ".") depth++
				}
				return 0
			}
			# beside(LINE, PREFIX): 1 when a path in LINE starts with PREFIX.
			function beside(l, p,   i) {
				while ((i = index(l, p)) > 0) {
					if (i == 1 || substr(l, i - 1, 1) !~ /[A-Za-z0-9_.$}-]/) return 1
					l = substr(l, i + 1)
				}
				return 0
			}
			function report(what) { printf "%s:%d: %s\n", file, FNR, what }
			index($0, "repo-paths: ok") { next }
			{
				line = $0
				while (match(line, /[A-Za-z0-9_.\/-]*\.\.[A-Za-z0-9_.\/-]*/)) {
					tok = substr(line, RSTART, RLENGTH)
					before = RSTART > 1 ? substr(line, RSTART - 1, 1) : ""
					line = substr(line, RSTART + RLENGTH)
					# Glued to an expression ($(dirname "$0")/, $here/, %s/ before it): the
					# expression is taken as the file'"'"'s folder, and a word of it that
					# the match caught ($here) is dropped.
					if (substr(tok, 1, 1) == "/" || before !~ /^$|[ \t"'"'"'=(:,`<>\[]/) {
						base = dir
						if (substr(tok, 1, 1) != "/") sub(/^[^\/]*/, "", tok)
					} else {
						base = "."
					}
					if (escapes(base, tok)) report("climbs out of the repository: " tok)
				}
				if (parent != "/" && beside($0, parent "/"))
					report("absolute path beside the repository: " parent "/...")
				else if (match($0, /(^|[^A-Za-z0-9_.$}-])\/(work|home)\/[A-Za-z0-9_.\/-]+/))
					report("absolute path on a developer machine: " \
						substr($0, RSTART + (substr($0, RSTART, 1) != "/"), RLENGTH))
			}' "$top/$f"
	done < <(files "$top")
}

# The check must catch what it is for: a tree whose make file calls a script in a
# sibling folder, as mk/vmtest.mk once did, must fail it.
selftest() {
	local tmp rc=0
	tmp=$(mktemp -d)
	mkdir -p "$tmp/repo/mk" "$tmp/repo/tests/e2e"
	# The sibling's name is put together so that this file itself names no outside path.
	local sibling=sha
	echo "VMTEST ?= ../${sibling}red/tools/vmtest.sh" >"$tmp/repo/mk/vmtest.mk" # repo-paths: ok
	echo 'cd "$(dirname "$0")/../.." || exit 1' >"$tmp/repo/tests/e2e/test_x.sh" # repo-paths: ok
	[ "$(findings "$tmp/repo" | cut -d: -f1)" = mk/vmtest.mk ] || rc=1
	rm -rf "$tmp"
	return $rc
}

status=0
if selftest; then
	echo "PASS lint repo_paths_selftest"
else
	echo "FAIL lint repo_paths_selftest: a path into a sibling folder went unnoticed"
	status=1
fi
found=$(findings "$root")
if [ -z "$found" ]; then
	echo "PASS lint repo_paths"
else
	echo "FAIL lint repo_paths: these name paths outside the repository ($root):"
	printf '%s\n' "$found" | sed 's/^/    /'
	status=1
fi
exit $status
