#!/usr/bin/env bash
# Sparse (C=2) on every C file the series touches, at base and at the head
# of the series, for each arch that builds the file. Fails when the head
# has a warning the base does not (line numbers are ignored in the match).
. "$(dirname "$0")/../scripts/lib.sh"
TT=$RIG_CACHE/test
mapfile -t files < <(git -C "$RIG_TREE" diff --name-only base series -- '*.c')
if [ ${#files[@]} = 0 ]; then echo "the series touches no C file"; exit 0; fi
echo "files: ${files[*]}"

run() {	# run REV ARCH -> normalized warnings on stdout
	local rev=$1 arch=$2 objs=() f
	git -C "$RIG_TREE" checkout -q --detach "$rev"
	for f in "${files[@]}"; do
		case "$arch:$f" in
		arm64:arch/x86/*|x86_64:arch/arm64/*) continue ;;
		esac
		# only files built as objects (not .c files included by others)
		[ -f "$RIG_TREE/$f" ] &&
			grep -qw "$(basename "${f%.c}").o" "$RIG_TREE/$(dirname "$f")/Makefile" &&
			objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	"$RIG_TOP/scripts/build.sh" "$arch" --tree "$RIG_TREE" --out "$TT/build-$arch" \
		--sparse "${objs[@]}" > "$TT/sparse.out" 2>&1 ||
		{ cat "$TT/sparse.out" >&2; die "sparse run failed at $rev ($arch)"; }
	# only what sparse says about the touched files (prerequisites such as
	# the vDSO may be rebuilt, and checked, along the way)
	{ grep -E ': (warning|error):' "$TT/sparse.out" || true; } |
		{ grep -F -f <(printf '%s:\n' "${files[@]}") || true; } |
		sed "s|^$RIG_TREE/||" |
		sed -E 's/:[0-9]+:[0-9]+:/:/' | LC_ALL=C sort
}

bad=0
for arch in arm64 x86_64; do
	before=$(run base "$arch") || exit 1
	after=$(run series "$arch") || exit 1
	echo "== $arch: $(grep -c . <<<"$before") warnings at base, $(grep -c . <<<"$after") with the series"
	new=$(LC_ALL=C comm -13 <(echo "$before") <(echo "$after"))
	if [ -n "$new" ]; then
		echo "new sparse warnings ($arch):"; echo "$new"; bad=1
	fi
done
exit $bad
