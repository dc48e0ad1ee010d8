#!/usr/bin/env bash
# The docs and the code must not disagree: every option --help lists is documented, and
# every logical hook and hop name the binary knows appears in docs/hooks.md or docs/output.md.
# The names come from the hook table, whatever this kernel allows; listing it probes the
# kernel, which needs root: without, those two checks are skipped and say so.
cd "$(dirname "$0")/../.." || exit 1
HOPTRACE=${HOPTRACE:-$PWD/build/hoptrace}
failed=0

check() {
	local name=$1 missing=$2
	if [ -z "$missing" ]; then
		echo "PASS lint docs_$name"
	else
		echo "FAIL lint docs_$name: not documented: $missing"
		failed=1
	fi
}

missing=""
for opt in $("$HOPTRACE" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -qF -- "$opt" README.md docs/*.md || missing="$missing $opt"
done
check options "$missing"

if ! plan=$("$HOPTRACE" hooks --json 2>/dev/null); then
	why=$("$HOPTRACE" hooks --json 2>&1 >/dev/null | head -n 1)
	echo "SKIP lint docs_hooks: $why"
	echo "SKIP lint docs_hop_names: $why"
	exit $failed
fi

missing=""
for hook in $(jq -r '.hooks[].hook' <<<"$plan"); do
	grep -qF -- "\`$hook\`" docs/hooks.md || missing="$missing $hook"
done
check hooks "$missing"

# The names come from the hook table through the binary, never from a copy here.
missing=""
names=$(jq -r '(.hooks[].hop_names[], .synthetic_hop_names[])' <<<"$plan")
[ -n "$names" ] || missing="(hoptrace hooks --json listed no hop names)"
for name in $names; do
	grep -qF -- "$name" docs/output.md || missing="$missing $name"
done
check hop_names "$missing"
exit $failed
