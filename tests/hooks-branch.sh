#!/usr/bin/env bash
# hooks-branch.sh BRANCH FROM PATCH...: make BRANCH in the test tree = FROM
# plus PATCHes (git am): the rig-only hooks of tests/kernel/ (NOT part of
# the series; inert until a test writes to their /proc files), and a
# mutant of tests/mutants/ on top of them.
. "$(dirname "$0")/../scripts/lib.sh"
branch=$1 from=$2; shift 2
git -C "$RIG_TREE" checkout -q -f -B "$branch" "$from"
for p in "$@"; do
	git -C "$RIG_TREE" am -q "$p" || {
		git -C "$RIG_TREE" am --abort
		die "does not apply on $from: $(basename "$p")"
	}
done
git -C "$RIG_TREE" log --oneline "$from..$branch"
