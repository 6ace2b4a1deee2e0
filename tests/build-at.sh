#!/usr/bin/env bash
# build-at.sh ARCH REV OUT [--debug]: check REV out in the test tree and
# build it.
. "$(dirname "$0")/../scripts/lib.sh"
arch=$1 rev=$2 out=$3; shift 3
git -C "$RIG_TREE" checkout -q --detach "$rev" || die "cannot check out $rev"
echo "building $arch${1:+ $1} at $(git -C "$RIG_TREE" log --oneline -1)"
"$RIG_TOP/scripts/build.sh" "$arch" --tree "$RIG_TREE" --out "$out" "$@"
