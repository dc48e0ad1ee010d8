# Sourced by tests/lint/test_examples.sh and tests/e2e/test_examples.sh: the examples the
# documentation gives, and how the tests check each (tests/examples/registry).
#
# An example is a command line in
#   - a fenced block of README.md or docs/*.md tagged `sh` (every line a command) or
#     `console` (commands after a `$ ` prompt, their output below them);
#   - the "Examples:" section of `hoptrace --help`;
#   - a man page's .EX/.EE example blocks (packaging/hoptrace.8.in, the source of hoptrace(8);
#     man/*.[1-8] or docs/*.[1-8], when there are any).
# Every other fenced block must be tagged `text`, so that no example hides in an untagged one.
# Commands are normalised: continuation lines joined, `$ ` and `sudo ` dropped, a trailing
# `# comment` dropped, blanks squeezed. Run from the repository's top.

EXAMPLES_REGISTRY=tests/examples/registry

# The awk program shared by every source: reads markdown-style fences, prints
# "SOURCE<TAB>COMMAND" per example, and "UNTAGGED<TAB>SOURCE:LINE" per untagged block.
EXAMPLES_AWK='
function flush() {
	if (cmd == "") return
	sub(/[ \t]+# .*$/, "", cmd)
	gsub(/[ \t]+/, " ", cmd)
	sub(/^ /, "", cmd); sub(/ $/, "", cmd)
	sub(/^sudo /, "", cmd)
	if (cmd != "") printf "%s\t%s\n", source, cmd
	cmd = ""
}
/^[ \t]*```/ {
	if (!inb) {
		inb = 1
		tag = $0
		sub(/^[ \t]*```/, "", tag)
		gsub(/[ \t]/, "", tag)
		if (tag == "") printf "UNTAGGED\t%s:%d\n", source, FNR
	} else {
		flush(); inb = 0; more = 0
	}
	next
}
!inb || (tag != "sh" && tag != "console") { next }
{
	line = $0
	sub(/^[ \t]+/, "", line)
	if (!more) {
		if (tag == "console") {
			if (substr(line, 1, 2) != "$ ") next
			line = substr(line, 3)
		}
		if (line == "" || substr(line, 1, 1) == "#") next
	}
	more = sub(/[ \t]*\\$/, "", line)
	cmd = cmd " " line
	if (!more) flush()
}
END { flush() }
'

# examples__markdown FILE...: the examples of markdown files, and their untagged blocks.
examples__markdown() {
	local f
	for f in "$@"; do
		awk -v source="$f" "$EXAMPLES_AWK" "$f"
	done
}

# examples__help HOPTRACE: the "Examples:" section of --help (up to its first blank line).
examples__help() {
	"$1" --help | awk '/^Examples:/ { on = 1; print "```sh"; next }
		on && /^$/ { exit } on { print } END { if (on) print "```" }' |
		awk -v source=--help "$EXAMPLES_AWK"
}

# examples__man FILE...: a man page's .EX/.EE blocks, roff escapes undone.
examples__man() {
	local f
	for f in "$@"; do
		awk '/^\.EX/ { print "```sh"; next } /^\.EE/ { print "```"; next } { print }' "$f" |
			sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g' |
			awk -v source="$f" "$EXAMPLES_AWK"
	done
}

# examples__all HOPTRACE: every example of every source (and UNTAGGED lines).
examples__all() {
	local man
	examples__markdown README.md docs/*.md
	examples__help "$1"
	man=$(ls packaging/*.[1-8].in man/*.[1-8] docs/*.[1-8] 2>/dev/null)
	[ -z "$man" ] || examples__man $man
}

# examples__registry: "COMMAND<TAB>ACTION" per registry line ("COMMAND => ACTION").
examples__registry() {
	awk '/^[ \t]*(#|$)/ { next }
		{ i = index($0, " => ")
		  if (!i) { printf "BAD\t%s\n", $0; next }
		  printf "%s\t%s\n", substr($0, 1, i - 1), substr($0, i + 4) }' "$EXAMPLES_REGISTRY"
}

# examples__action COMMAND: the registry's action for COMMAND, empty when it has none.
examples__action() {
	examples__registry | awk -F'\t' -v cmd="$1" '$1 == cmd { print $2; exit }'
}
