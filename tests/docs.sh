#!/usr/bin/env bash
# docs.sh: the series' documentation builds with the kernel's own tooling,
# with no warning the base does not have (line numbers ignored):
#  - Sphinx (make htmldocs SPHINXDIRS=...) for each Documentation/ top
#    directory whose .rst files the series touches;
#  - scripts/kernel-doc -none -Wall on every source file it touches.
# A missing tool, or a Python traceback, fails the test.
. "$(dirname "$0")/../scripts/lib.sh"
TT=$RIG_CACHE/test
out=$TT/docs
mkdir -p "$out"
mapfile -t rst < <(git -C "$RIG_TREE" diff --name-only base series -- 'Documentation/*.rst')
mapfile -t src < <(git -C "$RIG_TREE" diff --name-only base series -- '*.c' '*.h')
dirs=$(printf '%s\n' "${rst[@]}" | sed -E 's|^Documentation/||; s|/[^/]*\.rst$||' |
	awk -F/ 'NF { d = $1; if (d == "arch") d = $1 "/" $2; print d }' | LC_ALL=C sort -u | tr '\n' ' ')
echo "touched: ${#rst[@]} .rst files (Sphinx dirs: ${dirs:-none}), ${#src[@]} source files"
command -v sphinx-build >/dev/null || die "sphinx-build not found (run: make setup)"

warnings() {	# warnings REV -> normalized warnings on stdout
	git -C "$RIG_TREE" checkout -q --detach "$1"
	local f
	if [ -n "$dirs" ]; then
		rm -rf "$out/build"
		make -s -C "$RIG_TREE" O="$out/build" SPHINXDIRS="$dirs" htmldocs \
			> "$out/sphinx-$1.log" 2>&1 || { cat "$out/sphinx-$1.log" >&2; die "htmldocs failed at $1"; }
		if grep -qE 'Traceback|No module named|command not found' "$out/sphinx-$1.log"; then
			cat "$out/sphinx-$1.log" >&2; die "the documentation tooling broke at $1"
		fi
		grep -E '(WARNING|ERROR|CRITICAL)' "$out/sphinx-$1.log" |
			grep -E "Documentation/($(echo "$dirs" | sed 's/ *$//; s/ /|/g'))/" || true
	fi
	for f in "${src[@]}"; do
		[ -f "$RIG_TREE/$f" ] || continue
		o=$(cd "$RIG_TREE" && scripts/kernel-doc -none -Wall "$f" 2>&1) || true
		if grep -qE 'Traceback|No module named' <<<"$o"; then
			echo "TOOL BROKE on $f"
		fi
		if [ -n "$o" ]; then printf '%s\n' "$o"; fi
	done
}
norm() { sed -E "s|$RIG_TREE/||g; s|:[0-9]+(:[0-9]+)?([: ])|\2|g" | LC_ALL=C sort -u; }
# 7.3's warnings change only with the base, the files the series touches,
# this script and the tooling: kept, by a hash of those, for the next run.
key=$({ git -C "$RIG_TREE" rev-parse base^{tree}; echo "$dirs ${src[*]}"; cat "$0"
	sphinx-build --version; } 2>&1 | sha256sum | cut -c1-24)
if [ -f "$out/base-warnings-$key" ]; then
	before=$(cat "$out/base-warnings-$key")
	echo "7.3's warnings: as found on $(date -u -r "$out/base-warnings-$key" +"%F %T UTC")"
else
	before=$(warnings base | norm)
	printf '%s\n' "$before" > "$out/base-warnings-$key"
fi
after=$(warnings series | norm)
if grep -q 'TOOL BROKE' <<<"$after$before"; then
	echo "$after"; die "kernel-doc broke"
fi
echo "$(grep -c . <<<"$before") warnings at base, $(grep -c . <<<"$after") with the series"
new=$(LC_ALL=C comm -13 <(echo "$before") <(echo "$after"))
if [ -n "$new" ]; then
	echo "new documentation warnings:"
	echo "$new"
	exit 1
fi
echo "no new documentation warnings"
