#!/usr/bin/env bash
# checkpatch.sh PATCH: scripts/checkpatch.pl --strict must report nothing.
. "$(dirname "$0")/../scripts/lib.sh"
p=$(realpath "$1")
out=$(cd "$RIG_TREE" && perl scripts/checkpatch.pl --strict "$p" 2>&1) && rc=0 || rc=$?
echo "$out"
[ "$rc" = 0 ] || die "checkpatch exited $rc"
# The summary line counts every finding.
grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out" || die "checkpatch is not clean"
