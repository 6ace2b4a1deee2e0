#!/usr/bin/env bash
# The main job: build the patched arm64 kernel (the series, with the rig's
# test-only hooks, which stay inert until a test uses them) and boot it in
# QEMU with firmware-first errors injected, to show what the series adds:
#  - an SError that firmware reports with a recoverable record: the page
#    goes offline, the system goes on; and an SEA taken inside the SEI
#    handler, with both records reported;
#  - an SEA with many error sources, one at a time and several at once;
#  - Debian's rasdaemon storing the records of an SEA and of an SEI;
#  - the record of an SEA on QEMU's own HEST, end to end.
# Each is one of the test suite's scenarios (tests/scenarios); the full
# console logs stay under $RIG_CACHE/demo.
. "$(dirname "$0")/lib.sh"
export RIG_TREE=$RIG_CACHE/demo/linux
S=$RIG_TOP/scripts
T=$RIG_TOP/tests
D=$RIG_CACHE/demo
"$S/setup-host.sh"
"$S/fetch-base.sh"
FORCE=1 "$S/series.sh" tree
"$T/hooks-branch.sh" rig-hooks series "$T"/kernel/*.patch >/dev/null
git -C "$RIG_TREE" checkout -q --detach rig-hooks
img=$("$S/build.sh" arm64 --tree "$RIG_TREE" --out "$D/build-arm64" | tail -n1)
echo
echo "== arm64, QEMU virt, edk2, Linux $(cat "$RIG_CACHE/base/VERSION") + $(git -C "$RIG_TREE" rev-list --count base..series) patches"

summary=()
scenario() {	# scenario NAME TITLE EXCERPT-REGEX
	local log=$D/console-$1.log rc=0
	echo
	echo "== $2"
	"$T/scenario.sh" arm64 "$1" "$img" "$log" > "$D/verdict-$1.txt" 2>&1 || rc=$?
	tr -d '\r' < "$log" | grep -E "$3" | grep -vE 'RIG-(RUN|EXIT)' | head -n 24 | sed 's/^/   /'
	echo "   (full console log: $log)"
	if [ "$rc" = 0 ]; then
		summary+=("PASS  $1: $2")
	else
		summary+=("FAIL  $1: $2 (see $D/verdict-$1.txt)")
	fi
}

scenario sei-live "SEI: SErrors with firmware records, from EL1 and EL0; an SEA inside the SEI handler" \
	'RIG-INFO|RIG-OK|RIG-FAIL|rig-serror: SEA inside SEI'
scenario ghes-multi "SEA with 64 SEA sources, one at a time and eight at once, and two polled sources" \
	'RIG-INFO|RIG-OK|RIG-FAIL'
scenario ras-daemon "The operator's view: Debian's rasdaemon records an SEA and an SEI" \
	'RIG-INFO|RIG-OK|RIG-FAIL|^\s*[0-9]+\|'
scenario sea-tracer "SEA on QEMU's own HEST: a recoverable memory error, end to end" \
	'RIG-INFO|RIG-OK|RIG-FAIL|Hardware Error\]: (event severity|  physical)|Memory failure'

echo
echo "== summary"
printf '   %s\n' "${summary[@]}"
[[ "${summary[*]}" != *FAIL* ]]
