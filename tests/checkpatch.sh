#!/usr/bin/env bash
# checkpatch.sh PATCH: scripts/checkpatch.pl --strict must report nothing.
. "$(dirname "$0")/../scripts/lib.sh"
out=$(cd "$RIG_TREE" && perl scripts/checkpatch.pl --strict --terse --showfile "$1" 2>&1) && rc=0 || rc=$?
echo "$out"
[ "$rc" = 0 ] || die "checkpatch exited $rc"
# --terse prints one line per finding and a total line.
grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out" || die "checkpatch is not clean"
