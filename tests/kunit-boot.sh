#!/usr/bin/env bash
# kunit-boot.sh IMAGE LOG: boot the arm64 kernel on QEMU virt with ras=on
# (a HEST with a GHES source, so the estatus pool exists), run the "ghes"
# KUnit suite at boot and judge it with the tree's kunit.py parse.
# Fails on any failed or skipped case, or if the suite did not run.
. "$(dirname "$0")/../scripts/lib.sh"
img=$1 log=$2
rc=0
RIG_MACHINE=ras=on RIG_APPEND="kunit.enable=1 kunit.autorun=1 kunit.filter_glob=ghes" \
	"$RIG_TOP/scripts/boot.sh" arm64 "$img" "$log" || rc=$?
tr -d '\r' < "$log" > "$log.clean"
python3 "$RIG_TREE/tools/testing/kunit/kunit.py" parse "$log.clean" || rc=1
summary=$(grep -E '# ghes: pass:' "$log.clean" || true)
echo "suite: ${summary:-did not run}"
case "$summary" in
*"pass:0 "*|"") die "the ghes suite did not run or passed nothing" ;;
*"fail:0 skip:0 "*) ;;
*) die "the ghes suite failed or skipped cases: $summary" ;;
esac
exit $rc
