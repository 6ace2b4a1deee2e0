#!/usr/bin/env bash
# hooks-branch.sh BRANCH FROM PATCH...: make BRANCH in the test tree = FROM
# plus PATCHes (as git am would): the rig-only hooks of tests/kernel/ (NOT
# part of the series; inert until a test writes to their /proc files), and
# a mutant of tests/mutants/ on top of them. Only the branch is made: the
# tree's files are written when a build checks it out (commit_mails).
. "$(dirname "$0")/../scripts/lib.sh"
branch=$1 from=$2; shift 2
# A branch that is checked out is not moved under its files.
[ "$(git -C "$RIG_TREE" symbolic-ref -q HEAD)" != "refs/heads/$branch" ] ||
	git -C "$RIG_TREE" checkout -q --detach
if ! top=$(commit_mails "$RIG_TREE" "$from" "$@"); then
	# No branch rather than last run's: nothing builds or boots it.
	git -C "$RIG_TREE" branch -q -D "$branch" 2>/dev/null || true
	die "does not apply on $from"
fi
git -C "$RIG_TREE" branch -f "$branch" "$top"
git -C "$RIG_TREE" log --oneline "$from..$branch"
