#!/usr/bin/env bash
# kunit-boot.sh ARCH IMAGE LOG: boot with a HEST that has a GHES source
# notified like an NMI (arm64: QEMU virt ras=on, an SEA source; x86_64:
# the rig's own HEST, an NMI source), so that the estatus pool the tests
# use exists; run the "ghes" KUnit suite at boot and judge it with the
# tree's kunit.py parse. Fails on any failed or skipped case, or if the
# suite did not run. kunit-boot.sh --check LOG judges a log only (the
# rig's self-test feeds it known-bad ones).
. "$(dirname "$0")/../scripts/lib.sh"

judge() {	# judge LOG: kunit.py's verdict, and the suite's own summary line
	local log=$1 rc=0 summary
	tr -d '\r' < "$log" > "$log.clean"
	python3 "$RIG_TREE/tools/testing/kunit/kunit.py" parse "$log.clean" || rc=1
	summary=$(grep -E '# ghes: pass:' "$log.clean" || true)
	echo "suite: ${summary:-did not run}"
	case "$summary" in
	*"pass:0 "*|"") die "the ghes suite did not run or passed nothing" ;;
	*"fail:0 skip:0 "*) ;;
	*) die "the ghes suite failed or skipped cases: $summary" ;;
	esac
	[ "$rc" = 0 ] || die "kunit.py parse found a failure"
}

if [ "${1:-}" = --check ]; then
	judge "$2"
	exit 0
fi

arch=$1 img=$2 log=$3
rc=0
export RIG_APPEND="kunit.enable=1 kunit.autorun=1 kunit.filter_glob=ghes"
case "$arch" in
arm64) RIG_MACHINE=ras=on "$RIG_TOP/scripts/boot.sh" arm64 "$img" "$log" || rc=$? ;;
x86_64) "$RIG_TOP/tests/hest-boot.sh" x86_64 "$img" "$log" || rc=$? ;;
*) die "kunit-boot.sh: ARCH must be arm64 or x86_64" ;;
esac
judge "$log"
exit $rc
