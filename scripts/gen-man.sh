#!/usr/bin/env bash
# Writes hoptrace(8) to stdout: packaging/hoptrace.8.in, its prose written by hand, with the
# parts that describe the command line generated from the binary's own help, so the page
# and --help cannot disagree:
#   @SYNOPSIS@     one line per row of `hoptrace --help`'s subcommand table
#   @SUBCOMMANDS@  that table, then, for each subcommand with a help of its own
#                  (`hoptrace SUB --help` starting "Usage: hoptrace SUB"), that help whole
#   @OPTIONS@      the "Options:" of `hoptrace --help` (generated from user/cli/options.c's
#                  table) and the paragraphs after it, up to "Examples:"
#   @VERSION@ @DATE@ @DOCDIR@  the VERSION file's, the date of the last commit (or today),
#                  the installed documentation's folder
# Usage: scripts/gen-man.sh HOPTRACE TEMPLATE VERSION DOCDIR
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 HOPTRACE TEMPLATE VERSION DOCDIR" >&2; exit 2; }
bin=$1 template=$2 version=$3 docdir=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A reproducible date: the last commit's, when the tree is a git checkout.
date=$(git log -1 --format=%cs 2>/dev/null || true)
[ -n "$date" ] || date=$(date -u +%F)

"$bin" --help >"$tmp/main"

# The roff conversion shared by every part. Help lines are one of:
#   an option   "  -p, --pod-ip ADDR  text" or "      --rules  text" (ARG: one word in
#               capitals, after one space; then the text)
#   an item     "  networkpolicy   text" (a name, two or more spaces, the text)
#   a follow-on more indented text continuing the option or item above
#   prose       anything else; a blank line ends a paragraph
ROFF_AWK='
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	gsub(/\047/, "\\(aq", s)
	sub(/^\./, "\\\\\\&.", s)
	return s
}
# "-p, --pod-ip ADDR" -> bold names, italic argument.
function tag(spec,    n, w, i, out, t) {
	n = split(spec, w, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		t = w[i]
		if (t ~ /^-/) {
			sub(/,$/, "", t)
			out = out (out == "" ? "" : (prev_opt ? ", " : " ")) "\\fB" esc(t) "\\fR"
			prev_opt = 1
		} else {
			out = out " \\fI" esc(t) "\\fR"
			prev_opt = 0
		}
	}
	prev_opt = 0
	return out
}
# Text lines of at most 80 bytes, as man page sources keep them (mandoc -T lint).
function emit_text(s,    cut) {
	sub(/^ +/, "", s)
	s = esc(s)
	while (length(s) > 80) {
		for (cut = 81; cut > 1 && substr(s, cut, 1) != " "; cut--)
			;
		if (cut == 1)
			break
		print substr(s, 1, cut - 1)
		s = substr(s, cut + 1)
		sub(/^\./, "\\\&.", s)
	}
	print s
}
{
	line = $0
	if (line == "") {
		in_item = 0
		need_pp = 1
		next
	}
	if (match(line, /^  (-[A-Za-z0-9], |    )--[a-z][a-z0-9-]*( [A-Z][^ ]*)?/)) {
		spec = substr(line, 3, RLENGTH - 2)
		sub(/^ +/, "", spec)
		text = substr(line, RLENGTH + 1)
		print ".TP"
		print tag(spec)
		emit_text(text)
		in_item = 1
		need_pp = 0
		next
	}
	if (match(line, /^  [a-z][a-z0-9-]*  +/)) {
		name = substr(line, 3)
		sub(/ .*/, "", name)
		print ".TP"
		print "\\fB" esc(name) "\\fR"
		emit_text(substr(line, RLENGTH + 1))
		in_item = 1
		need_pp = 0
		next
	}
	if (in_item && line ~ /^    /) {
		emit_text(line)
		next
	}
	if (need_pp) {
		print ".PP"
		need_pp = 0
		in_item = 0
	}
	emit_text(line)
}
'
roff() { awk "$ROFF_AWK"; }

# The subcommand table: "  NAME     ARGS...  HELP", ARGS padded to one column. HELP's
# column is the first where every row has a word start (rows without ARGS, as "help",
# leave none before it).
awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit } on { print }' "$tmp/main" >"$tmp/table"
[ -s "$tmp/table" ] || { echo "gen-man: no Subcommands: table in '$bin --help'" >&2; exit 1; }
help_col=$(awk '{ row[NR] = $0; if (length($0) > max) max = length($0) }
	END {
		for (c = 4; c <= max; c++) {
			for (i = 1; i <= NR; i++)
				if (substr(row[i], c - 1, 1) != " " || substr(row[i], c, 1) == " " ||
				    substr(row[i], c, 1) == "")
					break
			if (i > NR) { print c; exit }
		}
		print 0
	}' "$tmp/table")
[ "$help_col" -gt 10 ] || { echo "gen-man: cannot find the subcommand table's columns" >&2; exit 1; }

# Each row as NAME, ARGS, HELP joined by the unit separator (ARGS may be empty: a tab, being
# white space to read, would fold two separators into one).
awk -v col="$help_col" '{
	name = $1
	args = substr($0, 3 + length(name), col - 3 - length(name))
	gsub(/^ +| +$/, "", args)
	help = substr($0, col)
	if (substr($0, col - 1, 1) != " " || help ~ /^ /) {
		print "gen-man: a row of the subcommand table is out of its columns: " $0 > "/dev/stderr"
		exit 1
	}
	printf "%s\037%s\037%s\n", name, args, help
}' "$tmp/table" >"$tmp/rows"

# Roff for one word list as in a synopsis: words starting with "-" bold, the rest roman.
synopsis_args() { printf '%s\n' "$1" | awk "$ROFF_AWK" | sed -n '1p'; }

{
	while IFS=$'\x1f' read -r name args help; do
		[ "$name" = trace ] && continue
		printf '.br\n.B hoptrace %s\n' "$name"
		[ -z "$args" ] || synopsis_args "$args"
	done <"$tmp/rows"
} >"$tmp/synopsis"
# The trace first: it is what "hoptrace" alone runs.
trace_args=$(awk -F'\037' '$1 == "trace" { print $2 }' "$tmp/rows")
{
	printf '.B hoptrace\n'
	synopsis_args "$trace_args"
	cat "$tmp/synopsis"
} >"$tmp/synopsis.all"

{
	while IFS=$'\x1f' read -r name args help; do
		printf '.TP\n\\fB%s\\fR' "$name"
		[ -z "$args" ] || printf ' %s' "$(synopsis_args "$args")"
		printf '\n'
		printf '%s\n' "$help" | roff
	done <"$tmp/rows"
	while IFS=$'\x1f' read -r name args help; do
		"$bin" "$name" --help >"$tmp/sub" 2>/dev/null || continue
		head -n1 "$tmp/sub" | grep -q "^Usage: hoptrace $name\b" || continue
		printf '.SS hoptrace %s\n' "$name"
		# The usage lines, one per line, then the rest of the help.
		awk 'NR == 1 { sub(/^Usage: /, "") } /^$/ { exit } { sub(/^ +/, ""); print }' \
			"$tmp/sub" | while IFS= read -r usage; do
			# .SS starts a line already: .br only between usage lines.
			[ "${first:-1}" = 1 ] || printf '.br\n'
			first=0
			printf '%s\n' "$usage" | roff | sed '1s/^hoptrace /\\fBhoptrace\\fR /'
		done
		printf '.PP\n'
		awk 'seen { print } /^$/ { seen = 1 }' "$tmp/sub" | sed '1{/^$/d}' | roff
	done <"$tmp/rows"
} >"$tmp/subcommands"

# Options: the block after "Options:", then the prose up to "Examples:".
awk '/^Options:/ { on = 1; next } /^Examples:/ { exit } on { print }' "$tmp/main" | roff \
	>"$tmp/options"
grep -q '^\.TP' "$tmp/options" || { echo "gen-man: no options in '$bin --help'" >&2; exit 1; }

awk -v version="$version" -v date="$date" -v docdir="$docdir" -v dir="$tmp" '
function splice(file,    l) {
	while ((getline l < file) > 0)
		print l
	close(file)
}
/^@SYNOPSIS@$/ { splice(dir "/synopsis.all"); next }
/^@SUBCOMMANDS@$/ { splice(dir "/subcommands"); next }
/^@OPTIONS@$/ { splice(dir "/options"); next }
{
	gsub(/@VERSION@/, version)
	gsub(/@DATE@/, date)
	gsub(/@DOCDIR@/, docdir)
	print
}' "$template"
