#!/usr/bin/env bash
# End-to-end: hoptrace installed as a system tool (mk/install.mk, packaging/).
#   install_tree      make install DESTDIR=... PREFIX=/usr writes exactly the listed files,
#                     the default PREFIX is /usr/local, make uninstall leaves no file
#   man_options       hoptrace(8) lists the same options and subcommands as --help and
#                     each subcommand's own --help (and the comparison catches one missing)
#   man_lint          groff -ww, mandoc -T lint and man -l render the page without a warning
#   bash_completion   the installed script loads, completes subcommands, options (those of
#                     --help), demo scenarios, pods (of a --pod-json on the line) and a
#                     network namespace this test creates
#   zsh_completion    zsh -n, and the function's candidates with zsh's builtins stubbed
#   deb               make deb: lintian has no error; dpkg -i installs it, /usr/sbin/hoptrace
#                     runs; dpkg --purge leaves none of its files. The machine's package
#                     database is restored on every exit, and a hoptrace already there (a
#                     package or files by hand) is never touched: the case is skipped.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

BUILD_DIR=$(dirname "$HOPTRACE")
VERSION=$(cat VERSION)
# Outside $TMP: the installed docs quote the "malformed events" line lib.sh looks for.
ROOT=$(mktemp -d /tmp/hoptrace-install.XXXXXX)
NETNS=$PREFIX-compl
DEB_INSTALLED=0

cleanup() {
	if [ "$DEB_INSTALLED" = 1 ]; then
		dpkg --purge hoptrace >/dev/null 2>&1
	fi
	ip netns del "$NETNS" 2>/dev/null
	rm -rf "$ROOT"
	topo_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -o: the binary under test is never rebuilt here (make sanitize runs this on its own build).
mk() { make -s --no-print-directory BUILD="$BUILD_DIR" -o "$BUILD_DIR/hoptrace" "$@"; }

# The files an install under PREFIX must write, relative to DESTDIR, sorted.
expected_files() {
	local p=${1#/} f zsh=site-functions
	[ "$1" = /usr ] && zsh=vendor-completions
	{
		echo "$p/sbin/hoptrace"
		echo "$p/share/man/man8/hoptrace.8"
		echo "$p/share/bash-completion/completions/hoptrace"
		echo "$p/share/zsh/$zsh/_hoptrace"
		echo "$p/share/doc/hoptrace/README.md"
		for f in docs/*.md; do echo "$p/share/doc/hoptrace/$f"; done
	} | sort
}

files_under() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

case_install_tree() {
	local dest=$ROOT/tree got
	mk install DESTDIR="$dest" PREFIX=/usr || { echo "make install failed"; return 1; }
	got=$(files_under "$dest")
	if [ "$got" != "$(expected_files /usr)" ]; then
		echo "installed files differ from the list (< expected, > installed):"
		diff <(expected_files /usr) <(printf '%s\n' "$got")
		return 1
	fi
	cmp "$BUILD_DIR/hoptrace" "$dest/usr/sbin/hoptrace" || return 1
	[ "$(stat -c %a "$dest/usr/sbin/hoptrace")" = 755 ] || { echo "binary not 0755"; return 1; }
	[ "$("$dest/usr/sbin/hoptrace" --version)" = "hoptrace $VERSION" ] || return 1
	grep -q "/usr/share/doc/hoptrace/docs/output.md" "$dest/usr/share/man/man8/hoptrace.8" ||
		{ echo "the man page does not point to the installed docs/output.md"; return 1; }
	mk uninstall DESTDIR="$dest" PREFIX=/usr || { echo "make uninstall failed"; return 1; }
	got=$(files_under "$dest")
	[ -z "$got" ] || { echo "make uninstall left:"; echo "$got"; return 1; }
	[ ! -e "$dest/usr/share/doc/hoptrace" ] || { echo "the doc folder is still there"; return 1; }

	# Without PREFIX: /usr/local.
	dest=$ROOT/default
	mk install DESTDIR="$dest" || return 1
	got=$(files_under "$dest")
	[ "$got" = "$(expected_files /usr/local)" ] ||
		{ echo "default PREFIX:"; diff <(expected_files /usr/local) <(printf '%s\n' "$got"); return 1; }
	mk uninstall DESTDIR="$dest" || return 1
	[ -z "$(files_under "$dest")" ] || { echo "uninstall under /usr/local left files"; return 1; }
}

# The tests below read the page and scripts as installed.
install_for_reading() {
	[ -e "$ROOT/inst/usr/sbin/hoptrace" ] || mk install DESTDIR="$ROOT/inst" PREFIX=/usr
}
MAN=$ROOT/inst/usr/share/man/man8/hoptrace.8

# help_options: "-p, --pod-ip ADDR[,ADDR..]" per option line of a help text (stdin).
help_options() {
	sed -nE 's/^  ((-[A-Za-z0-9], )?--[a-z][a-z0-9-]*( [A-Z][^ ]*)?).*/\1/p;
		s/^      (--[a-z][a-z0-9-]*( [A-Z][^ ]*)?).*/\1/p' | sort
}

# man_text: the page rendered as plain text.
man_text() { groff -man -Tascii -P-cbou "$MAN" 2>/dev/null; }

# man_section TEXT NAME: the lines of section NAME (a heading at column 0).
man_section() {
	awk -v name="$2" '/^[A-Z]/ { on = ($0 == name); next } on' <<<"$1"
}

# man_subsection TEXT NAME: the lines of subsection "hoptrace NAME" (indented 3).
man_subsection() {
	awk -v name="   hoptrace $2" '/^[A-Z]/ || /^   [^ ]/ { on = ($0 == name); next } on' <<<"$1"
}

# man_options: the option tags of a rendered section (stdin), as help_options gives them.
# A tag is alone on its line (none is shorter than the indent of its text), which tells
# it from prose that wraps to start with an option.
man_options() {
	sed -nE 's/^       ((-[A-Za-z0-9], )?--[a-z][a-z0-9-]*( [A-Z][^ ]*)?)$/\1/p' | sort
}

# man_items: the tags of a rendered list (stdin): a word at indent 7 with its text beside
# it ("help   show this help") or below it at indent 14; not prose that wraps.
man_items() {
	awk '/^              [^ ]/ && prev ~ /^       [a-z]/ { split(prev, w, " "); print w[1] }
		/^       [a-z][a-z0-9-]*   +[^ ]/ { print $1 }
		{ prev = $0 }'
}

# same_list WHAT WANT GOT: fails with the difference when the two lists differ.
same_list() {
	[ "$2" = "$3" ] && return 0
	echo "$1 differ (< --help, > man page):"
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$3")
	return 1
}

# compare_man_help TEXT: every option and subcommand of --help in the rendered page TEXT,
# and none more.
compare_man_help() {
	local text=$1 sub want got subs_help subs_man rc=0
	want=$("$HOPTRACE" --help | awk '/^Options:/ { on = 1; next } on && /^$/ { exit } on' |
		help_options)
	got=$(man_section "$text" OPTIONS | man_options)
	[ -n "$want" ] || { echo "no option found in --help"; return 1; }
	same_list "trace options" "$want" "$got" || rc=1
	subs_help=$("$HOPTRACE" --help | awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit }
		on { print $1 }')
	subs_man=$(man_section "$text" SUBCOMMANDS | awk '/^   [^ ]/ { exit } { print }' |
		man_items)
	same_list subcommands "$subs_help" "$subs_man" || rc=1
	for sub in $subs_help; do
		"$HOPTRACE" "$sub" --help >"$TMP/sub.help" 2>/dev/null || continue
		head -n1 "$TMP/sub.help" | grep -q "^Usage: hoptrace $sub\b" || continue
		grep -qx "   hoptrace $sub" <<<"$text" || { echo "no subsection for $sub"; rc=1; }
		want=$(help_options <"$TMP/sub.help")
		got=$(man_subsection "$text" "$sub" | man_options)
		same_list "options of $sub" "$want" "$got" || rc=1
	done
	return $rc
}

case_man_options() {
	local text doctored
	install_for_reading || return 1
	text=$(man_text)
	[ -n "$text" ] || { echo "groff rendered nothing"; return 1; }
	compare_man_help "$text" || return 1
	# The comparison must see an option missing from either side.
	doctored=$(grep -v -- '--ring-size BYTES$' <<<"$text")
	if compare_man_help "$doctored" >/dev/null; then
		echo "an option taken out of the page went unnoticed"
		return 1
	fi
	doctored=$(grep -v -- '--json$' <<<"$text")
	if compare_man_help "$doctored" >/dev/null; then
		echo "a subcommand's option taken out of the page went unnoticed"
		return 1
	fi
	for section in NAME SYNOPSIS DESCRIPTION SUBCOMMANDS OPTIONS OUTPUT "EXIT STATUS" \
		"KERNEL REQUIREMENTS" EXAMPLES FILES "SEE ALSO"; do
		grep -qx "$section" <<<"$text" || { echo "no $section section"; return 1; }
	done
}

case_man_lint() {
	local out
	install_for_reading || return 1
	out=$(groff -man -ww -z "$MAN" 2>&1) || { echo "groff failed: $out"; return 1; }
	[ -z "$out" ] || { echo "groff -ww: $out"; return 1; }
	out=$(MANWIDTH=80 man -l "$MAN" 2>&1 >/dev/null)
	[ -z "$out" ] || { echo "man -l: $out"; return 1; }
	if ! command -v mandoc >/dev/null; then
		SKIP_REASON="groff and man -l are clean; mandoc is not installed (make deps)"
		return 77
	fi
	# Every level, style notes included.
	out=$(mandoc -T lint "$MAN" 2>&1) || { echo "mandoc: $out"; return 1; }
	[ -z "$out" ] || { echo "mandoc: $out"; return 1; }
}

# complete_bash WORD...: the completions for the words (the last one being completed).
complete_bash() {
	PATH=$ROOT/inst/usr/sbin:$PATH bash --norc --noprofile -c '
		. "$0" || exit 1
		complete -p hoptrace | grep -q -- "-F _hoptrace" || { echo "not registered"; exit 1; }
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_hoptrace
		printf "%s\n" "${COMPREPLY[@]}"' \
		"$ROOT/inst/usr/share/bash-completion/completions/hoptrace" "$@"
}

# has LIST WORD...: every WORD is a line of LIST.
has() {
	local list=$1 w
	shift
	for w; do
		grep -qxF -- "$w" <<<"$list" || { echo "missing '$w' in: $(echo $list)"; return 1; }
	done
}

# A kubectl get pod -o json of one pod on another node, for --pod's completion.
write_pods_json() {
	cat >"$ROOT/pods.json" <<-'EOF'
		{"apiVersion": "v1", "kind": "List", "items": [{"metadata": {"namespace": "shop",
		 "name": "web-1", "uid": "1"}, "spec": {"nodeName": "elsewhere"},
		 "status": {"podIP": "10.200.9.9", "podIPs": [{"ip": "10.200.9.9"}]}}]}
	EOF
}

case_bash_completion() {
	local got want
	install_for_reading || return 1
	got=$(complete_bash hoptrace me) || { echo "$got"; return 1; }
	[ "$got" = merge ] || { echo "'hoptrace me' completed to: $got"; return 1; }
	got=$(complete_bash hoptrace "") && has "$got" trace merge check report demo pods || return 1
	# Every long option of --help, and only those.
	want=$("$HOPTRACE" --help | grep -oE '^  (-[A-Za-z0-9], |    )--[a-z][a-z0-9-]*' |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort)
	got=$(complete_bash hoptrace --) || return 1
	same_list "long options completed" "$want" "$(sort <<<"$got")" || return 1
	got=$(complete_bash hoptrace check --p) && has "$got" --pod-ip --peer || return 1
	got=$(complete_bash hoptrace demo --l) && [ "$got" = --list ] ||
		{ echo "'demo --l': $got"; return 1; }
	want=$("$HOPTRACE" demo --list | awk '{ print $1 }')
	[ -n "$want" ] || { echo "hoptrace demo --list listed nothing"; return 1; }
	got=$(complete_bash hoptrace selftest "") || return 1
	same_list "scenarios" "$want" "$got" || return 1
	got=$(complete_bash hoptrace --proto ic) && has "$got" icmp icmp6 || return 1
	# Pods as hoptrace pods lists them, from a --pod-json given before --pod.
	write_pods_json
	got=$(complete_bash hoptrace --pod-json "$ROOT/pods.json" --pod sh) &&
		[ "$got" = shop/web-1 ] || { echo "--pod sh: $got"; return 1; }
	ip netns add "$NETNS" || return 1
	got=$(complete_bash hoptrace --netns "$PREFIX") && [ "$got" = "$NETNS" ] ||
		{ echo "--netns $PREFIX: $got"; return 1; }
	got=$(complete_bash hoptrace --only-netns "host,$PREFIX") &&
		[ "$got" = "host,$NETNS" ] || { echo "--only-netns host,$PREFIX: $got"; return 1; }
	ip netns del "$NETNS"
}

case_zsh_completion() {
	local file=$ROOT/inst/usr/share/zsh/vendor-completions/_hoptrace got
	if ! command -v zsh >/dev/null; then
		SKIP_REASON="zsh is not installed (make deps installs it)"
		return 77
	fi
	install_for_reading || return 1
	zsh -n "$file" || { echo "zsh -n failed"; return 1; }
	write_pods_json
	# zsh's completion builtins stubbed: compadd prints the candidates it is given.
	got=$(PATH=$ROOT/inst/usr/sbin:$PATH zsh -f -c '
		compadd() { if [[ $1 == -a ]]; then print -rl -- "${(@P)2}"; else print -rl -- "$@"; fi }
		compset() { return 1 }
		_files() { print FILES }
		_message() { : }
		_normal() { print "NORMAL ${words[1]}" }
		_call_program() { shift; "$@" }
		source "$1" >/dev/null 2>&1
		words=(hoptrace me); CURRENT=2; _hoptrace; print -r -- @@
		words=(hoptrace demo m); CURRENT=3; _hoptrace; print -r -- @@
		words=(hoptrace merge -); CURRENT=3; _hoptrace; print -r -- @@
		words=(hoptrace -p 1.2.3.4 -- ip); CURRENT=5; _hoptrace; print -r -- @@
		words=(hoptrace --pod-json "$2" --pod ""); CURRENT=5; _hoptrace' zsh "$file" \
		"$ROOT/pods.json") ||
		{ echo "zsh: $got"; return 1; }
	has "$(awk '/^@@$/ { n++; next } n == 0' <<<"$got")" merge trace demo || return 1
	has "$(awk '/^@@$/ { n++; next } n == 1' <<<"$got")" mtu healthy || return 1
	has "$(awk '/^@@$/ { n++; next } n == 2' <<<"$got")" -w --pcapng --json || return 1
	has "$(awk '/^@@$/ { n++; next } n == 3' <<<"$got")" "NORMAL ip" || return 1
	has "$(awk '/^@@$/ { n++; next } n == 4' <<<"$got")" shop/web-1 || return 1
}

case_deb() {
	local deb f left="" files
	deb=$BUILD_DIR/hoptrace_$VERSION-1_$(dpkg --print-architecture).deb
	for tool in dpkg-deb dpkg-shlibdeps lintian; do
		command -v $tool >/dev/null || { SKIP_REASON="$tool is missing (make deps)"; return 77; }
	done
	if dpkg-query -W -f='${Status}' hoptrace 2>/dev/null | grep -q installed ||
		[ -e /usr/sbin/hoptrace ] || [ -e /usr/share/man/man8/hoptrace.8.gz ]; then
		SKIP_REASON="hoptrace is installed on this machine already: not replacing it"
		return 77
	fi
	rm -f "$deb"
	[ "$(mk deb)" = "$deb" ] && [ -f "$deb" ] || { echo "make deb made no $deb"; return 1; }
	lintian --fail-on error "$deb" || { echo "lintian found errors"; return 1; }
	[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION-1" ] || return 1
	[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || return 1
	# libpcap, libnftables and libcrypto are opened on first use, not linked: their packages
	# are in Depends all the same.
	for pkg in libpcap0.8 libnftables1 "$(dpkg-query -S "$(readlink -f "$(cc -print-file-name=libcrypto.so)")" | cut -d: -f1)"; do
		dpkg-deb -f "$deb" Depends | tr ',' '\n' | grep -q "^ *$pkg\b" ||
			{ echo "Depends lacks $pkg: $(dpkg-deb -f "$deb" Depends)"; return 1; }
	done
	files=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	has "$files" ./usr/share/man/man8/hoptrace.8.gz ./usr/share/doc/hoptrace/copyright \
		./usr/share/doc/hoptrace/changelog.Debian.gz ./usr/sbin/hoptrace || return 1

	DEB_INSTALLED=1
	dpkg -i "$deb" >/dev/null || { echo "dpkg -i failed"; return 1; }
	[ "$(/usr/sbin/hoptrace --version)" = "hoptrace $VERSION" ] || return 1
	# The stripped binary still loads its BPF programs (trial loads of the attach plan).
	/usr/sbin/hoptrace hooks --json | jq -e '.hooks | length > 0' >/dev/null ||
		{ echo "the installed hoptrace hooks --json failed"; return 1; }
	man -aw hoptrace | grep -qx /usr/share/man/man8/hoptrace.8.gz ||
		{ echo "man -aw hoptrace does not find the package's page"; return 1; }
	files=$(dpkg -L hoptrace)
	dpkg --purge hoptrace >/dev/null || { echo "dpkg --purge failed"; return 1; }
	DEB_INSTALLED=0
	while read -r f; do
		# Shared folders (/usr/sbin) stay; files and hoptrace's own folders go.
		[ -d "$f" ] && [ "$f" != /usr/share/doc/hoptrace ] && continue
		[ -e "$f" ] && left="$left $f"
	done <<<"$files"
	[ -z "$left" ] || { echo "left after purge:$left"; return 1; }
	! dpkg-query -W hoptrace >/dev/null 2>&1 || { echo "dpkg still knows hoptrace"; return 1; }
}

# make writes beside the binary (build/man, build/deb): only a build of this checkout.
case_outside_build() {
	SKIP_REASON="$HOPTRACE is not a build of this checkout: make install/deb write beside it"
	return 77
}
for c in install_tree man_options man_lint bash_completion zsh_completion deb; do
	case $(realpath "$BUILD_DIR") in
	"$PWD"/*) run_case $c case_$c ;;
	*) run_case $c case_outside_build ;;
	esac
done
exit $TESTS_FAILED
