#!/usr/bin/env bash
# build-at.sh ARCH REV OUT [--plain] [--save NAME] [--config FRAG]...: check
# REV out in the test tree and build it in OUT with the debug configuration
# every kernel of the series is tested with (configs/debug.config), or with
# --plain without it; with --save, keep the image (and its banner) as
# $RIG_CACHE/test/images/NAME, for the boots, since OUT moves on.
. "$(dirname "$0")/../scripts/lib.sh"
arch=$1 rev=$2 out=$3; shift 3
save=
debug=--debug
if [ "${1:-}" = --plain ]; then debug=; shift; fi
if [ "${1:-}" = --save ]; then save=$2; shift 2; fi
images=$RIG_CACHE/test/images
mkdir -p "$images"
[ -n "$save" ] && rm -f "$images/$save" "$images/$save.banner"
git -C "$RIG_TREE" checkout -q --detach "$rev" || die "cannot check out $rev"
echo "building $arch${debug:-, plain,}${1:+ $*} at $(git -C "$RIG_TREE" log --oneline -1)"
img=$("$RIG_TOP/scripts/build.sh" "$arch" $debug --tree "$RIG_TREE" --out "$out" "$@" | tail -n1)
[ -n "$save" ] || exit 0
cp "$img" "$images/$save"
cp "$img.banner" "$images/$save.banner"
echo "image: $images/$save ($(cat "$images/$save.banner"))"
