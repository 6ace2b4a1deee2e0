#!/usr/bin/env bash
# checkpatch.sh PATCH: scripts/checkpatch.pl --strict must report nothing,
# and every tool it runs must work.
#
# One finding is answered rather than reported: FILE_PATH_CHANGES ("added,
# moved or deleted file(s), does MAINTAINERS need updating?"). It is
# accepted only when scripts/get_maintainer.pl, run in the tree with the
# whole series applied, finds a maintainer entry (not the fallback list)
# for every file the patch adds; otherwise it fails like any finding.
#
# UNKNOWN_COMMIT_ID cannot be judged here: the base is one commit without
# history, so no commit a Fixes: tag names is known to the tree. It is
# ignored only while the base has no history, and every id the patch
# names is listed for the submitter to check.
. "$(dirname "$0")/../scripts/lib.sh"
p=$(realpath "$1")
args=(--strict --show-types)
if [ "$(git -C "$RIG_TREE" rev-list --count base)" = 1 ]; then
	args+=(--ignore UNKNOWN_COMMIT_ID)
	grep -E '^Fixes: ' "$p" | sed 's/^/not checkable without history: /' || true
fi
out=$(cd "$RIG_TREE" && perl scripts/checkpatch.pl "${args[@]}" "$p" 2>&1) && rc=0 || rc=$?
echo "$out"
# checkpatch runs helpers (spdxcheck.py, ...) and hides how they fail: a
# traceback, a missing module or command fails the check.
if grep -qE 'Traceback \(most recent call last\)|No module named|command not found|Can.t locate' <<<"$out"; then
	die "a tool checkpatch runs is broken or missing (see above)"
fi
total=$(grep -E '^total: ' <<<"$out" || true)
[ -n "$total" ] || die "checkpatch printed no summary (exit $rc)"
[ "$total" != "${total#total: 0 errors, 0 warnings, 0 checks}" ] && exit 0

# Anything but exactly one FILE_PATH_CHANGES warning fails.
findings=$(grep -cE '^(ERROR|WARNING|CHECK):' <<<"$out" || true)
if [ "$findings" = 1 ] && grep -q '^WARNING:FILE_PATH_CHANGES:' <<<"$out"; then
	mapfile -t added < <(awk '/^diff --git / { f = $4; sub(/^b\//, "", f) }
		/^new file mode/ { print f }' "$p")
	[ ${#added[@]} -gt 0 ] || die "FILE_PATH_CHANGES for a patch that adds no file"
	for f in "${added[@]}"; do
		m=$(cd "$RIG_TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-tree -f "$f" 2>/dev/null | grep -E '\((maintainer|supporter|odd fixer):' | grep -v ':THE REST)' || true)
		[ -n "$m" ] || die "$f is added but no MAINTAINERS entry covers it"
		echo "MAINTAINERS already covers $f: $(head -n1 <<<"$m")"
	done
	exit 0
fi
die "checkpatch is not clean"
