#!/usr/bin/env bash
# The rig's test suite. Run through "make test" (which installs the tools
# and fetches the base first). Ends with "N passed, M failed" and exits
# non-zero on any failure.
#
# It works in its own tree and build directories under $RIG_CACHE/test, so
# it never touches the developer's tree ($RIG_CACHE/work/linux).
. "$(dirname "$0")/../scripts/lib.sh"
. "$RIG_TOP/tests/lib.sh"

TT=$RIG_CACHE/test
export RIG_TREE=$TT/linux
S=$RIG_TOP/scripts
mkdir -p "$TT"
echo "base: Linux $(cat "$RIG_CACHE/base/VERSION") ($(cat "$RIG_CACHE/base/DEB_VERSION"))"

# --- the rig itself ----------------------------------------------------
t_run rig-selftest "$RIG_TOP/tests/rig-selftest.sh"

# --- the series applies --------------------------------------------------
t_run series-applies env FORCE=1 "$S/series.sh" tree
if [ "$T_FAIL" -gt 0 ] && [[ " ${T_FAILED[*]} " == *" series-applies "* ]]; then
	t_summary; exit 1
fi
mapfile -t patches < <("$S/series.sh" list)
mapfile -t commits < <(git -C "$RIG_TREE" rev-list --reverse base..series)
[ "${#patches[@]}" = "${#commits[@]}" ] || die "patches/ and the tree disagree"
echo "series: ${#patches[@]} patches"

for p in "${patches[@]}"; do
	t_run "checkpatch-$(basename "$p" | cut -c1-4)" "$RIG_TOP/tests/checkpatch.sh" "$p"
done

# --- unpatched 7.3: the tracer must pass there too ------------------------
t_run build-arm64-base "$RIG_TOP/tests/build-at.sh" arm64 base "$TT/build-arm64-base"
t_run boot-arm64-base-sea-tracer env RIG_MACHINE=ras=on \
	"$S/boot.sh" arm64 "$TT/build-arm64-base/arch/arm64/boot/Image" \
	"$T_LOGS/console-arm64-base-sea-tracer.log" sea_tracer

t_run boot-arm64-base-ghes-multi "$RIG_TOP/tests/hest-boot.sh" arm64 \
	"$TT/build-arm64-base/arch/arm64/boot/Image" \
	"$T_LOGS/console-arm64-base-ghes-multi.log" ghes_multi

# --- sparse: nothing new on the files the series touches -----------------
t_run sparse-no-new-warnings "$RIG_TOP/tests/sparse.sh"

# --- every patch builds on its own ---------------------------------------
for i in "${!commits[@]}"; do
	c=${commits[$i]} n=$(basename "${patches[$i]}" | cut -c1-4)
	t_run "build-arm64-$n" "$RIG_TOP/tests/build-at.sh" arm64 "$c" "$TT/build-arm64"
	# x86_64 too when the patch touches anything outside arm64-only files
	if git -C "$RIG_TREE" diff --name-only "$c^" "$c" | grep -qvE '^(arch/arm64/|Documentation/)'; then
		t_run "build-x86_64-$n" "$RIG_TOP/tests/build-at.sh" x86_64 "$c" "$TT/build-x86_64"
	fi
done
# The boots below need the whole series built for both arches.
t_run build-arm64-series "$RIG_TOP/tests/build-at.sh" arm64 series "$TT/build-arm64"
t_run build-x86_64-series "$RIG_TOP/tests/build-at.sh" x86_64 series "$TT/build-x86_64"

# --- boots of the patched kernel -----------------------------------------
t_run kunit-ghes-arm64 "$RIG_TOP/tests/kunit-boot.sh" arm64 \
	"$TT/build-arm64/arch/arm64/boot/Image" "$T_LOGS/console-arm64-kunit.log"
t_run boot-arm64-sea-tracer env RIG_MACHINE=ras=on \
	"$S/boot.sh" arm64 "$TT/build-arm64/arch/arm64/boot/Image" \
	"$T_LOGS/console-arm64-sea-tracer.log" sea_tracer
t_run boot-arm64-ghes-multi "$RIG_TOP/tests/hest-boot.sh" arm64 \
	"$TT/build-arm64/arch/arm64/boot/Image" "$T_LOGS/console-arm64-ghes-multi.log" ghes_multi
t_run boot-arm64-ghes-rebind env RIG_TIMEOUT=200 "$RIG_TOP/tests/hest-boot.sh" arm64 \
	"$TT/build-arm64/arch/arm64/boot/Image" "$T_LOGS/console-arm64-ghes-rebind.log" ghes_rebind
t_run kunit-ghes-x86_64 "$RIG_TOP/tests/kunit-boot.sh" x86_64 \
	"$TT/build-x86_64/arch/x86/boot/bzImage" "$T_LOGS/console-x86_64-kunit.log"
t_run boot-x86_64-smoke "$S/boot.sh" x86_64 "$TT/build-x86_64/arch/x86/boot/bzImage" \
	"$T_LOGS/console-x86_64-smoke.log" smoke
t_run boot-x86_64-nmi env RIG_DRIVER="$RIG_TOP/tests/qmp-nmi.py" \
	"$RIG_TOP/tests/hest-boot.sh" x86_64 "$TT/build-x86_64/arch/x86/boot/bzImage" \
	"$T_LOGS/console-x86_64-nmi.log" nmi_x86

# --- nesting: a real SEA while the poll path holds another source -------
# The rig-only hook of tests/kernel/ holds the poll path; see ghes_nest.c.
t_run rig-hooks-apply "$RIG_TOP/tests/hooks-branch.sh"
t_run build-arm64-series-hooks "$RIG_TOP/tests/build-at.sh" arm64 rig-hooks "$TT/build-arm64"
t_run boot-arm64-ghes-nest env RIG_APPEND=rig_hold=1 "$RIG_TOP/tests/hest-boot.sh" arm64 \
	"$TT/build-arm64/arch/arm64/boot/Image" "$T_LOGS/console-arm64-ghes-nest.log" ghes_nest

# --- SEI: real virtual SErrors raised from EL2 --------------------------
# The rig-only injector of tests/kernel/ raises them; see guest/sei.c for
# the rows of the decision table and tests/sei-boot.sh for the checks.
img=$TT/build-arm64/arch/arm64/boot/Image
for row in live fatal-el1 fatal-el0 uer-el1 uer-el0 norec-el1 norec-el0; do
	t_run "boot-arm64-sei-$row" "$RIG_TOP/tests/sei-boot.sh" "$row" "$img" \
		"$T_LOGS/console-arm64-sei-$row.log"
done
# Without CONFIG_ACPI_APEI_SEI: the SEI sources are refused with the option
# named, and nothing else changes. The "live" row must fail there.
t_run build-arm64-series-hooks-nosei "$RIG_TOP/tests/build-at.sh" arm64 rig-hooks \
	"$TT/build-arm64-nosei" --config "$RIG_TOP/tests/configs/no-sei.config"
nimg=$TT/build-arm64-nosei/arch/arm64/boot/Image
t_run boot-arm64-sei-nosei "$RIG_TOP/tests/sei-boot.sh" nosei "$nimg" \
	"$T_LOGS/console-arm64-sei-nosei.log"
t_run boot-arm64-sei-live-fails-without-sei "$RIG_TOP/tests/expect-fail.sh" \
	"$RIG_TOP/tests/sei-boot.sh" live "$nimg" "$T_LOGS/console-arm64-sei-live-nosei.log"

# --- the same boots on debug kernels: lockdep (PROVE_LOCKING) and KASAN ---
# Built from rig-hooks, so that the nesting test runs there too; the hook
# is inert without rig_hold=1.
t_run build-arm64-debug-series "$RIG_TOP/tests/build-at.sh" arm64 rig-hooks "$TT/build-arm64-debug" --debug
t_run build-x86_64-debug-series "$RIG_TOP/tests/build-at.sh" x86_64 series "$TT/build-x86_64-debug" --debug
dimg=$TT/build-arm64-debug/arch/arm64/boot/Image
t_run debug-kunit-ghes-arm64 env RIG_TIMEOUT=300 "$RIG_TOP/tests/kunit-boot.sh" arm64 "$dimg" "$T_LOGS/console-debug-arm64-kunit.log"
t_run debug-boot-arm64-sea-tracer env RIG_TIMEOUT=300 RIG_MACHINE=ras=on \
	"$S/boot.sh" arm64 "$dimg" "$T_LOGS/console-debug-arm64-sea-tracer.log" sea_tracer
t_run debug-boot-arm64-ghes-multi env RIG_TIMEOUT=300 "$RIG_TOP/tests/hest-boot.sh" arm64 "$dimg" \
	"$T_LOGS/console-debug-arm64-ghes-multi.log" ghes_multi
t_run debug-boot-arm64-ghes-nest env RIG_TIMEOUT=300 RIG_APPEND=rig_hold=1 "$RIG_TOP/tests/hest-boot.sh" arm64 \
	"$dimg" "$T_LOGS/console-debug-arm64-ghes-nest.log" ghes_nest
t_run debug-boot-arm64-ghes-rebind env RIG_TIMEOUT=400 "$RIG_TOP/tests/hest-boot.sh" arm64 "$dimg" \
	"$T_LOGS/console-debug-arm64-ghes-rebind.log" ghes_rebind
t_run debug-boot-arm64-sei-live env RIG_TIMEOUT=300 "$RIG_TOP/tests/sei-boot.sh" live "$dimg" \
	"$T_LOGS/console-debug-arm64-sei-live.log"
t_run debug-boot-arm64-sei-uer-el1 env RIG_TIMEOUT=300 "$RIG_TOP/tests/sei-boot.sh" uer-el1 "$dimg" \
	"$T_LOGS/console-debug-arm64-sei-uer-el1.log"
t_run debug-kunit-ghes-x86_64 env RIG_TIMEOUT=300 "$RIG_TOP/tests/kunit-boot.sh" x86_64 \
	"$TT/build-x86_64-debug/arch/x86/boot/bzImage" "$T_LOGS/console-debug-x86_64-kunit.log"
t_run debug-boot-x86_64-nmi env RIG_TIMEOUT=300 RIG_DRIVER="$RIG_TOP/tests/qmp-nmi.py" \
	"$RIG_TOP/tests/hest-boot.sh" x86_64 "$TT/build-x86_64-debug/arch/x86/boot/bzImage" \
	"$T_LOGS/console-debug-x86_64-nmi.log" nmi_x86

t_summary
