#!/usr/bin/env bash
# expect-fail.sh CMD...: a negative control. Passes only if CMD fails, and
# shows CMD's output either way, so a control that fails for the wrong
# reason can be seen in the log.
if "$@"; then
	echo "expected this to fail, and it passed: $*"
	exit 1
fi
echo "failed, as it must: $*"
