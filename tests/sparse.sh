#!/usr/bin/env bash
# sparse.sh ARCH base|series OUT [--plain]: sparse (C=2) on every C file the
# series touches that ARCH builds, in the test tree checked out at 7.3
# with the rig's hooks (base) or at the series, with the suite's build
# directory OUT and its configuration (see build-at.sh). "base" saves the warnings; "series" fails
# when there is one the base did not have (line numbers are ignored).
# sparse.sh --compare BEFORE AFTER compares two saved lists only (the
# rig's self-test feeds it known-bad ones).
. "$(dirname "$0")/../scripts/lib.sh"

compare() {	# compare BEFORE-FILE AFTER-TEXT
	local new
	new=$(LC_ALL=C comm -13 <(LC_ALL=C sort "$1") <(printf '%s\n' "$2" | LC_ALL=C sort))
	echo "$(grep -c . "$1") warnings at base, $(grep -c . <<<"$2") with the series"
	if [ -n "$new" ]; then
		echo "new sparse warnings:"
		echo "$new"
		return 1
	fi
}

if [ "${1:-}" = --compare ]; then
	compare "$2" "$(cat "$3")"
	exit
fi
arch=$1 what=$2 build=$3 debug=--debug
[ "${4:-}" = --plain ] && debug=
TT=$RIG_CACHE/test
saved=$TT/sparse-$arch-base.txt
mapfile -t files < <(git -C "$RIG_TREE" diff --name-only base series -- '*.c')
# The tree checked: 7.3 with the rig's hooks, as the build of $build
# before it, or the series.
rev=series
[ "$what" = base ] && rev=$(git -C "$RIG_TREE" rev-parse -q --verify base-hooks || echo base)
# 7.3's warnings change only with its tree, the files the series touches,
# sparse, the configuration and the compiler: with none changed, they are
# not looked for again, and 7.3's tree is not checked out (which would
# write every file the series changes, and make each build directory
# compile all that include them again).
case "$arch" in arm64) cc=aarch64-linux-gnu-gcc ;; *) cc=gcc ;; esac
key=$({ echo "$arch $debug"; git -C "$RIG_TREE" rev-parse "$rev^{tree}"; printf '%s\n' "${files[@]}"
	sparse --version 2>&1; "$cc" --version | head -n1
	cat "$RIG_TOP"/configs/*.config "$RIG_TOP/scripts/build.sh" "$0"; } | sha256sum | cut -c1-24)
if [ "$what" = base ] && [ -f "$saved" ] && [ "$(cat "$saved.key" 2>/dev/null)" = "$key" ]; then
	echo "7.3's sparse warnings ($arch) are those found before, from the same inputs: $(grep -c . "$saved")"
	exit 0
fi
git -C "$RIG_TREE" checkout -q --detach "$rev" || die "cannot check out $rev"
objs=()
for f in "${files[@]}"; do
	case "$arch:$f" in
	arm64:arch/x86/*|x86_64:arch/arm64/*) continue ;;
	esac
	# only files built as objects (not .c files included by others)
	[ -f "$RIG_TREE/$f" ] &&
		grep -qw "$(basename "${f%.c}").o" "$RIG_TREE/$(dirname "$f")/Makefile" &&
		objs+=("${f%.c}.o")
done
echo "at $(git -C "$RIG_TREE" log --oneline -1): ${objs[*]:-nothing to check}"
out=$TT/sparse-$arch.out
: > "$out"
if [ ${#objs[@]} -gt 0 ]; then
	"$RIG_TOP/scripts/build.sh" "$arch" $debug --tree "$RIG_TREE" --out "$build" \
		--sparse "${objs[@]}" > "$out" 2>&1 || { cat "$out"; die "sparse run failed ($arch)"; }
fi
# only what sparse says about the touched files (prerequisites may be
# rebuilt, and checked, along the way)
warnings=$({ grep -E ': (warning|error):' "$out" || true; } |
	{ grep -F -f <(printf '%s:\n' "${files[@]}") || true; } |
	sed "s|^$RIG_TREE/||; s|^\.\./linux/||" | sed -E 's/:[0-9]+:[0-9]+:/:/' | LC_ALL=C sort)
if [ "$what" = base ]; then
	printf '%s\n' "$warnings" > "$saved"
	echo "$key" > "$saved.key"
	echo "$(grep -c . <<<"$warnings") warnings at base ($arch)"
	exit 0
fi
[ -f "$saved" ] || die "no sparse warnings saved for $arch at base"
compare "$saved" "$warnings"
