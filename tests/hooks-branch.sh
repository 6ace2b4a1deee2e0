#!/usr/bin/env bash
# hooks-branch.sh: make branch rig-hooks in the test tree = the series plus
# the rig-only test hooks of tests/kernel/ (NOT part of the series; they
# are inert unless their command-line switch is given).
. "$(dirname "$0")/../scripts/lib.sh"
git -C "$RIG_TREE" checkout -q -f -B rig-hooks series
for p in "$RIG_TOP"/tests/kernel/*.patch; do
	git -C "$RIG_TREE" am -q "$p" || {
		git -C "$RIG_TREE" am --abort
		die "rig-only hook does not apply on the series: $(basename "$p")"
	}
done
git -C "$RIG_TREE" log --oneline series..rig-hooks
