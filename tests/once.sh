#!/usr/bin/env bash
# once.sh DIR INPUTS CMD...: run CMD unless it has already passed with the
# same inputs, which a file in DIR, named by a hash of INPUTS (a hash of
# what CMD reads) and of CMD itself, remembers: the stamp. When CMD passes,
# the stamp records when, with its output; when it fails, no stamp is
# written, and the next run tries again. Found the stamp: the test is
# skipped (exit 77), saying when it passed and where its output is.
#
# For the boots of 7.3 only (tests/run.sh): their inputs (the image's
# build key, the scenario, the rig's scripts and guest programs) do not
# change when the series does, so a warm run after an edit to the series
# has nothing new to learn from them.
dir=$1 inputs=$2; shift 2
# The command as this checkout of the rig names it: another checkout's
# path does not make it another command.
top=$(cd "$(dirname "$0")/.." && pwd)
stamp=$dir/$(printf '%s\n' "$inputs" "${@//$top/RIG}" | sha256sum | cut -c1-24)
if [ -f "$stamp" ]; then
	echo "passed with these inputs on $(head -n1 "$stamp"); not run again" \
		"(its output: $stamp)"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$@" >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" = 0 ] || exit "$rc"
mkdir -p "$dir"
{ date -u +"%F %T UTC"; echo "\$ $*"; cat "$out"; } > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
