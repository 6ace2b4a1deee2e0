#!/usr/bin/env bash
# expect-fail.sh REGEX CMD...: a negative control. Passes only if CMD fails
# AND its output matches REGEX (an extended regex, grep -E), the failure
# this control is for: a control that fails for another reason (a missing
# image, a timeout, a typo) proves nothing, and fails. CMD's output is shown
# either way. A boot stops as soon as its console shows REGEX on a line
# that reports a failure (RIG_STOP_ON, scripts/boot.sh): a failure once
# shown cannot be undone, and a control that waits for a hang's timeout
# costs minutes.
re=$1; shift
export RIG_STOP_ON=$re
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if "$@" >"$out" 2>&1; then
	cat "$out"
	echo "expected this to fail, and it passed: $*"
	exit 1
fi
cat "$out"
if ! grep -qE -- "$re" "$out"; then
	echo "it failed, but not for the reason expected: no /$re/ in its output"
	exit 1
fi
echo "failed, as it must, with /$re/: $*"
