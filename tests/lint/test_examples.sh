#!/usr/bin/env bash
# Every example the documentation gives (README.md, docs/*.md, `hoptrace --help`, a man page
# once there is one; tests/examples/extract.sh says what counts) has a line in
# tests/examples/registry saying how it is checked, and each line there still names an
# example: a new or changed example without a test fails here. Fenced blocks must be tagged
# (sh, console or text) so that none escapes the count. Needs no root: nothing is run.
cd "$(dirname "$0")/../.." || exit 1
HOPTRACE=${HOPTRACE:-$PWD/build/hoptrace}
. tests/examples/extract.sh
E2E=tests/e2e/test_examples.sh
status=0

result() {
	local name=$1 problems=$2
	if [ -z "$problems" ]; then
		echo "PASS lint $name"
	else
		echo "FAIL lint $name:"
		printf '%s\n' "$problems" | sed '/^$/d; s/^/    /'
		status=1
	fi
}

# The extraction must find what it is for, in each kind of source.
selftest() {
	local tmp got want
	tmp=$(mktemp -d)
	cat >"$tmp/doc.md" <<'EOF'
```sh
sudo hoptrace --pod-ip 10.0.0.1 \
        --json > x.jsonl      # a comment
# a comment line
make  thing
```
```console
$ sudo hoptrace demo mtu
hoptrace demo: mtu - output, not a command
```
```text
hoptrace --not-an-example
```
```
hoptrace --hidden
```
EOF
	printf '.TH X 8\n.EX\nhoptrace \\-\\-pod\\-ip 10.0.0.2 \\e\n  \\-j\n.EE\nhoptrace --prose\n' \
		>"$tmp/x.8"
	got=$({ examples__markdown "$tmp/doc.md"; examples__man "$tmp/x.8"; } | sed "s|$tmp/||")
	want=$(printf '%s\t%s\n' doc.md 'hoptrace --pod-ip 10.0.0.1 --json > x.jsonl' \
		doc.md 'make thing' doc.md 'hoptrace demo mtu' UNTAGGED doc.md:14 \
		x.8 'hoptrace --pod-ip 10.0.0.2 -j')
	rm -rf "$tmp"
	[ "$got" = "$want" ] || { printf 'got:\n%s\nwanted:\n%s\n' "$got" "$want"; return 1; }
}

problems=$(selftest)
result examples_extract_selftest "$problems"

all=$(examples__all "$HOPTRACE")
[ -n "$(printf '%s\n' "$all" | grep -v '^UNTAGGED')" ] || {
	echo "FAIL lint examples: no example found at all (is $HOPTRACE built?)"
	exit 1
}
result examples_blocks_tagged "$(printf '%s\n' "$all" | awk -F'\t' '$1 == "UNTAGGED" {
	print $2 ": fenced block without a tag (sh: commands, console: $ prompt and output, text)" }')"

registry=$(examples__registry)
commands=$(printf '%s\n' "$all" | grep -v '^UNTAGGED' | cut -f2 | sort -u)

problems=""
while IFS=$'\t' read -r source cmd; do
	[ "$source" = UNTAGGED ] && continue
	printf '%s\n' "$registry" | cut -f1 | grep -qxF -- "$cmd" ||
		problems="$problems"$'\n'"$source: no test for: $cmd (add it to $EXAMPLES_REGISTRY)"
done <<<"$all"
result examples_covered "$problems"

problems=""
while IFS=$'\t' read -r cmd action; do
	if [ "$cmd" = BAD ]; then
		problems="$problems"$'\n'"malformed line (COMMAND => ACTION): $action"
		continue
	fi
	printf '%s\n' "$commands" | grep -qxF -- "$cmd" ||
		problems="$problems"$'\n'"no longer an example anywhere: $cmd"
	case $action in
	"run "?*)
		grep -q "^example_${action#run }() {" "$E2E" ||
			problems="$problems"$'\n'"$cmd: $E2E has no example_${action#run }()"
		;;
	"elsewhere "?*)
		[ -f "${action#elsewhere }" ] && grep -qF -- "${cmd#hoptrace }" "${action#elsewhere }" ||
			problems="$problems"$'\n'"$cmd: ${action#elsewhere } does not run it"
		;;
	"skip "?*) ;;
	*) problems="$problems"$'\n'"$cmd: unknown action '$action' (run NAME, elsewhere FILE, skip REASON)" ;;
	esac
done <<<"$registry"
result examples_registry "$problems"
exit $status
