#!/usr/bin/env bash
# What README.md and docs/*.md point a reader to must be in the repository: every file or
# folder they cite exists here, and they refer to no document that is not (the notes the
# project was designed from stay outside it). Needs no root and no build.
#   - markdown link targets, taken from the citing file's folder;
#   - paths whose first part is one of the repository's top-level folders
#     (user/host/watched_netns.c, tests/vmtest/, vmlinux/<arch>/vmlinux.h: <...> and * match
#     any name), taken from the top;
#   - bare file names of sources and documents (judge.c, BENCHMARKS.md): some file of the
#     repository has that name;
#   - absolute paths on a developer's machine (/work/..., /home/...). repo-paths: ok (named to refuse them)
cd "$(dirname "$0")/../.." || exit 1
failed=0
problems=""

tracked() {
	git ls-files 2>/dev/null || find . -path ./build -prune -o -path ./.git -prune -o \
		\( -type f -o -type l \) -print | sed 's|^\./||'
}
FILES=$(tracked)
TOP_DIRS=$(printf '%s\n' "$FILES" | grep / | cut -d/ -f1 | sort -u)

note() { problems="$problems"$'\n'"    $1"; }

# exists PATTERN: a tracked file is PATTERN or lies under it; <name> and * match any name.
exists() {
	local re
	re=$(printf '%s' "${1%/}" | sed -e 's/[.[\^$+?(){}|]/\\&/g' -e 's/<[^>]*>/[^\/]*/g' \
		-e 's/\*/[^\/]*/g')
	printf '%s\n' "$FILES" | grep -qE "^$re(/|$)"
}

# check_links DOC: markdown link targets, relative to DOC's folder.
check_links() {
	local doc=$1 dir target
	dir=$(dirname "$doc")
	while read -r target; do
		case $target in http://* | https://* | mailto:* | "#"* | "") continue ;; esac
		target=${target%%#*}
		target=$(realpath -m --relative-to=. "$dir/$target")
		exists "$target" || note "$doc: link to $target, which is not in the repository"
	done < <(grep -oE '\]\([^) ]+\)' "$doc" | sed -E 's/^\]\((.*)\)$/\1/')
}

# check_repo_paths DOC: a/b/c paths starting with a top-level folder, from the top.
check_repo_paths() {
	local doc=$1 path top
	while read -r path; do
		path=${path%.}
		top=${path%%/*}
		printf '%s\n' "$TOP_DIRS" | grep -qxF -- "$top" || continue
		exists "$path" || note "$doc: cites $path, which is not in the repository"
	done < <(grep -oE '(^|[^A-Za-z0-9_./:<>*-])[A-Za-z0-9_.<>*-]+(/[A-Za-z0-9_.<>*-]*)+' "$doc" |
		sed -E 's/^[^A-Za-z0-9_.<>*-]//')
}

# check_bare_names DOC: file.c, NAME.md without a folder: some tracked file has that name.
check_bare_names() {
	local doc=$1 name
	while read -r name; do
		printf '%s\n' "$FILES" | grep -qE "(^|/)$(printf '%s' "$name" | sed 's/\./\\./g')$" ||
			note "$doc: cites $name, and no file of the repository has that name"
	done < <(grep -oE '(^|[^A-Za-z0-9_./<>*-])[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(md|c|h|sh|mk)\b' \
		"$doc" | sed -E 's/^[^A-Za-z0-9_-]//' | sort -u)
}

# check_outside DOC: machine paths and the design notes the repository does not hold.
check_outside() {
	local doc=$1 hit
	while read -r hit; do
		note "$doc: refers to something outside the repository: $hit"
	done < <(grep -noiE "(^|[^A-Za-z0-9_.-])/(work|home)/[A-Za-z0-9_./-]+|the design('s)?\b|design (card|doc|document|notes)\b" \
		"$doc")
}

for doc in README.md docs/*.md; do
	check_links "$doc"
	check_repo_paths "$doc"
	check_bare_names "$doc"
	check_outside "$doc"
done

if [ -z "$problems" ]; then
	echo "PASS lint doc_paths"
else
	echo "FAIL lint doc_paths:$problems"
	failed=1
fi
exit $failed
