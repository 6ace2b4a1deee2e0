#!/usr/bin/env bash
# build-at.sh ARCH REV OUT [--plain] [--save NAME] [--config FRAG]...:
# check REV out in the test tree and build it in OUT with the debug configuration
# every kernel of the series is tested with (configs/debug.config), or with
# --plain without it; with --save, keep the image (and its banner) as
# $RIG_CACHE/test/images/NAME, for the boots, since OUT moves on, with
# NAME.key, what it was built from (below).
. "$(dirname "$0")/../scripts/lib.sh"
arch=$1 rev=$2 out=$3; shift 3
save=
debug=--debug plain=
if [ "${1:-}" = --plain ]; then debug= plain=", plain,"; shift; fi
if [ "${1:-}" = --save ]; then save=$2; shift 2; fi
images=$RIG_CACHE/test/images
mkdir -p "$images"
at=$(git -C "$RIG_TREE" log --oneline -1 "$rev") || die "no commit $rev"
# What a build without --save proves, that this tree builds warning-free
# with this configuration and compiler, holds for as long as none of them
# changes: a tree already built so in OUT is not built again, and the
# test is reported as skipped, saying when it was built (a warm run after
# an edit to patch N builds patches N.. only). The key is the tree
# (not the commit: a rebase that leaves a patch's tree alone keeps it),
# the configuration fragments, build.sh (and the ccache of its first
# builds) and the compiler's version.
case "$arch" in arm64) cc=aarch64-linux-gnu-gcc ;; *) cc=gcc ;; esac
frags=("$RIG_TOP"/configs/*.config)
for a in "$@"; do [ -f "$a" ] && frags+=("$a"); done
key=$({ echo "$arch $debug $*"; git -C "$RIG_TREE" rev-parse "$rev^{tree}"; cat "${frags[@]}" \
	"$RIG_TOP/scripts/build.sh" "$RIG_TOP/scripts/first-build/ccache"
	"$cc" --version | head -n1; } | sha256sum | cut -c1-24)
if [ -z "$save" ] && [ -f "$out/.rig-built/$key" ]; then
	echo "$arch$plain${1:+ $*} at $at:" \
		"this tree was built warning-free in $out with this configuration" \
		"($(cat "$out/.rig-built/$key")); not built again"
	exit 77
fi
# The same holds for a saved image: one built from this key is the image
# this build would make, but for its build number and time. It is kept,
# and the boots (and the 7.3 boots remembered by tests/once.sh, which
# name it by its key) use it.
if [ -n "$save" ] && [ -s "$images/$save" ] && [ -s "$images/$save.banner" ] &&
	[ "$(cat "$images/$save.key" 2>/dev/null)" = "$key" ]; then
	echo "$arch$plain${1:+ $*} at $at:" \
		"$images/$save was built from this tree with this configuration" \
		"($(cat "$images/$save.banner")); not built again"
	exit 77
fi
[ -n "$save" ] && rm -f "$images/$save" "$images/$save.banner" "$images/$save.key"
# Only a build checks REV out: a checkout writes the files that differ,
# and each is then newer than the objects of every build directory.
git -C "$RIG_TREE" checkout -q --detach "$rev" || die "cannot check out $rev"
echo "building $arch$plain${1:+ $*} at $at"
# A build that only proves a tree builds stops at vmlinux.
link=--link-only
[ -n "$save" ] && link=
img=$("$RIG_TOP/scripts/build.sh" "$arch" $debug $link --tree "$RIG_TREE" --out "$out" "$@" | tail -n1)
mkdir -p "$out/.rig-built"
date -u +"%F %T UTC" > "$out/.rig-built/$key"
[ -n "$save" ] || exit 0
cp "$img" "$images/$save"
cp "$img.banner" "$images/$save.banner"
echo "$key" > "$images/$save.key"
echo "image: $images/$save ($(cat "$images/$save.banner"))"
