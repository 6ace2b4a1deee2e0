#!/usr/bin/env bash
# The rig's test suite, "make test". Ends with "N passed, M failed" and
# exits non-zero on any failure; prints the time of each phase before that.
#
# It installs what it needs, fetches the base, and works in a tree and
# build directories of its own under $RIG_CACHE/test, never in the
# developer's. Every kernel of the series it builds has the debug
# configuration (lockdep, KASAN, UBSAN: configs/debug.config), so every
# boot of the series is also judged for their reports. Per architecture,
# one build directory goes from the base (with the rig-only hooks)
# through the patches before the fixmap change, without the debug
# options, and another from that change through the series (with the
# hooks) and its variants: a kernel that failed to build is never booted,
# as the images the boots use are taken from each build. The flow: base
# -> series -> build -> boot -> inject -> verdict.
. "$(dirname "$0")/../scripts/lib.sh"
. "$RIG_TOP/tests/lib.sh"

# --full: also build the final series in the configurations the bots
# build (arm64 without ACPI, arm64 and x86_64 without GHES and without
# KUnit), boot on 7.3 the scenarios that pass there, and build and boot
# the series without CONFIG_ACPI_APEI_SEI (sei-nosei, and sei-live, which
# must fail there). Each bot build is a full rebuild (about 9 minutes cold
# on 2 cores), which a cold run cannot afford within its budget; the
# no-SEI variant (an incremental config change there and back, and two
# boots, about a minute) is what a warm run after an edit to one patch
# could not afford within its 10 minutes, and, like the bots'
# configurations, only a Kconfig, #ifdef or stub change can break it.
# The 7.3 boots of the "pass" rows check a label (the scenario proves no
# regression only), which changes only with the base or the scenario's
# guest program, not with the series; the rows that must fail on 7.3 run
# in every "make test". "make test-full"
# runs before the series is posted, after any change to a Kconfig, an
# #ifdef or a stub, and after a change to the base or a "pass" scenario.
full=
[ "${1:-}" = --full ] && full=1
TT=$RIG_CACHE/test
export RIG_TREE=$TT/linux
S=$RIG_TOP/scripts
T=$RIG_TOP/tests
IMG=$TT/images
mkdir -p "$TT" "$IMG"

t_phase "setup: host tools and the base"
"$S/setup-host.sh" || die "host set-up failed"
# The guest's packages come while the base is unpacked and committed
# (mostly one CPU's work); they are not needed before the boots.
"$S/fetch-guest-debs.sh" > "$TT/fetch-guest-debs.log" 2>&1 &
debs=$!
"$S/fetch-base.sh" || die "cannot fetch the base"
wait "$debs" && debs_rc=0 || debs_rc=$?
cat "$TT/fetch-guest-debs.log"
[ "$debs_rc" = 0 ] || die "cannot fetch the guest's Debian packages"
echo "base: Linux $(cat "$RIG_CACHE/base/VERSION") ($(cat "$RIG_CACHE/base/DEB_VERSION"))"

t_phase "hygiene: the rig's judges, the patches, the docs"
t_run series-applies env FORCE=1 "$S/series.sh" tree
t_passed series-applies || { t_summary; exit 1; }
t_run rig-selftest "$T/rig-selftest.sh"
mapfile -t patches < <("$S/series.sh" list)
mapfile -t commits < <(git -C "$RIG_TREE" rev-list --reverse base..series)
[ "${#patches[@]}" = "${#commits[@]}" ] || die "patches/ and the tree disagree"
echo "series: ${#patches[@]} patches"
# checkpatch reads the tree (MAINTAINERS) but changes nothing: the
# patches are checked side by side, one per CPU.
for p in "${patches[@]}"; do
	t_bg "checkpatch-$(basename "$p" | cut -c1-4)" "$T/checkpatch.sh" "$p"
done
t_wait
t_run docs "$T/docs.sh"
hooks=("$T"/kernel/*.patch)
t_run hooks-apply-base "$T/hooks-branch.sh" base-hooks base "${hooks[@]}"
t_run hooks-apply-series "$T/hooks-branch.sh" rig-hooks series "${hooks[@]}"

# Does commit $1 change a file that ARCH $2 compiles?
compiles() {
	git -C "$RIG_TREE" diff --name-only "$1^" "$1" |
		grep -vE '^(Documentation/|MAINTAINERS$|tools/testing/selftests/)' |
		if [ "$2" = arm64 ]; then grep -q .; else grep -qvE '^arch/arm64/'; fi
}

# A test by name, on image $2: how the mutants reuse the suite's tests.
test_cmd() {	# test_cmd NAME IMAGE -> the command, on stdout, NUL-separated
	local name=$1 img=$2 arch rest
	case "$name" in
	kunit-ghes-*) arch=${name#kunit-ghes-}
		printf '%s\0' "$T/kunit-boot.sh" "$arch" "$img" "$T_LOGS/console-$name-$(basename "$img").log" ;;
	boot-*) rest=${name#boot-}; arch=${rest%%-*}; [ "$arch" = x86 ] && arch=x86_64
		rest=${rest#"$arch"-}
		printf '%s\0' "$T/scenario.sh" "$arch" "$rest" "$img" "$T_LOGS/console-$name-$(basename "$img").log" ;;
	*) die "no test named $name" ;;
	esac
}

# A boot of 7.3 learns nothing new while its inputs stay the same: the
# image (named by its build key: the tree, configuration and compiler),
# the scenario's line, its guest program and the command, the rig that boots and judges it (every
# file of this repository but the series, the mutants, the prose, and what
# only builds or only runs the suite), QEMU, edk2, and what goes into the
# guest from outside the rig (the KVM selftests, Debian's rasdaemon).
# tests/once.sh runs it again only when one changes, which an edit to the
# series does not: a warm run after one skips them, each saying when it
# passed.
rig_inputs=$(cd "$RIG_TOP" && git ls-files -z -- . ':!patches' ':!series' ':!tests/mutants' \
	':!*.md' ':!Makefile' ':!.ci' ':!.gitignore' ':!configs' ':!tests/configs' ':!tests/scenarios' \
	':!guest/*.c' \
	':!tests/run.sh' ':!tests/lib.sh' ':!tests/rig-selftest.sh' ':!tests/docs.sh' \
	':!tests/checkpatch.sh' ':!tests/sparse.sh' ':!tests/build-at.sh' \
	':!tests/hooks-branch.sh' ':!scripts/build.sh' ':!scripts/first-build' ':!scripts/series.sh' \
	':!scripts/bench.sh' ':!scripts/demo.sh' ':!scripts/setup-host.sh' |
	xargs -0 sha256sum | sha256sum | cut -c1-64)
on73_key() {	# on73_key ARCH NAME IMAGE -> a hash of the boot's inputs
	{
		echo "$1 $2 $rig_inputs"
		awk -F'|' -v a="$1" -v n="$2" '{ x = $1; y = $2; gsub(/[ \t]/, "", x)
			gsub(/[ \t]/, "", y) } x == n && y == a' "$T/scenarios"
		prog=$("$T/scenario.sh" --field "$1" "$2" 3)
		prog=${prog%%:*}
		cat "$RIG_TOP/guest/init.c" "$RIG_TOP/guest/$prog.c"
		cat "$3.key" 2>/dev/null || echo "no image"
		dpkg-query -W qemu-system-arm qemu-system-x86 qemu-efi-aarch64 ovmf 2>/dev/null || true
		cat "$RIG_CACHE/guest-arm64-root/.rig-packages" 2>/dev/null || true
		[ ! -d "$TT/kselftest-$1/usr" ] ||
			find "$TT/kselftest-$1/usr" -type f -exec sha256sum {} + | LC_ALL=C sort
	} | sha256sum | cut -c1-24
}

# Every scenario of tests/scenarios for ARCH on the series; on 7.3 (if
# BASE-IMAGE is given) those that must fail there, and with --full those
# that pass there too.
scenarios() {	# scenarios ARCH SERIES-IMAGE [BASE-IMAGE]
	local arch=$1 img=$2 base=${3:-} name on73 re
	for name in $("$T/scenario.sh" --list "$arch"); do
		on73=$("$T/scenario.sh" --field "$arch" "$name" 6)
		[ "$on73" = nosei ] && continue
		t_bg "boot-$arch-$name" "$T/scenario.sh" "$arch" "$name" "$img" \
			"$T_LOGS/console-$arch-$name.log"
		[ -n "$base" ] || continue
		inputs=$(on73_key "$arch" "$name" "$base")
		case "$on73" in
		pass|pass\ always)
			[ -n "$full" ] || [ "$on73" = "pass always" ] || continue
			t_bg "boot-$arch-$name-on-7.3" "$T/once.sh" "$TT/passed-on-7.3" "$inputs" \
				"$T/scenario.sh" "$arch" "$name" "$base" \
				"$T_LOGS/console-$arch-$name-on-7.3.log" ;;
		fail\ *) re=${on73#fail }
			t_bg "boot-$arch-$name-fails-on-7.3" "$T/once.sh" "$TT/passed-on-7.3" "$inputs" \
				"$T/expect-fail.sh" "$re" "$T/scenario.sh" "$arch" "$name" "$base" \
				"$T_LOGS/console-$arch-$name-on-7.3.log" ;;
		*)	die "scenario $name ($arch): on 7.3 is '$on73'" ;;
		esac
	done
}

# The mutants of tests/mutants that name tests of ARCH: each built on the
# series with the hooks (mutant_builds), and each named test must fail on
# it, with its log matching the reason given (Must-fail), or still pass
# (Must-survive) (mutant_tests).
mutants_of() {	# mutants_of ARCH -> the mutant patches that name its tests
	grep -lE "^Must-(fail|survive): ([^ ]*-$1|boot-$1-[^ ]*)( |$)" "$T"/mutants/*.patch || true
}

mutant_builds() {	# mutant_builds ARCH
	local arch=$1 m n
	for m in $(mutants_of "$arch"); do
		n=$(basename "$m" | cut -c1-4)
		t_run "mutant-$n-apply-$arch" "$T/hooks-branch.sh" "mutant-$n" rig-hooks "$m"
		t_run "build-$arch-mutant-$n" "$T/build-at.sh" "$arch" "mutant-$n" "$TT/build-$arch" \
			--save "mutant-$n-$arch"
	done
}

mutant_tests() {	# mutant_tests ARCH
	local arch=$1 m n line what name re cmd
	for m in $(mutants_of "$arch"); do
		n=$(basename "$m" | cut -c1-4)
		while IFS= read -r line; do
			what=${line%%:*} line=${line#*: } name=${line%% *} re=${line#"$name"}
			re=${re# }
			[[ "$name" == *-"$arch" || "$name" == boot-"$arch"-* ]] || continue
			mapfile -d '' -t cmd < <(test_cmd "$name" "$IMG/mutant-$n-$arch")
			if [ "$what" = Must-fail ]; then
				t_bg "mutant-$n-fails-$name" "$T/expect-fail.sh" "$re" "${cmd[@]}"
			else
				t_bg "mutant-$n-survives-$name" "${cmd[@]}"
			fi
		done < <(grep -E '^Must-(fail|survive): ' "$m")
	done
}

# The first commit of the series that changes ARCH's fixmap.h, a header
# nearly every file includes: the build directories change there.
fixmap_commit() {	# fixmap_commit ARCH
	local karch=$1 c
	[ "$karch" = x86_64 ] && karch=x86
	for c in "${commits[@]}"; do
		git -C "$RIG_TREE" diff --quiet "$c^" "$c" -- "arch/$karch/include/asm/fixmap.h" ||
			{ echo "$c"; return; }
	done
}

# builds ARCH: 7.3 (arm64), every patch that changes a file ARCH
# compiles, the series and its variants, the mutants.
builds() {
	local arch=$1 A B with73= split dir plain i c n
	# Two build directories per architecture, so that no run walks a
	# directory back and forth across the fixmap change (a near-full
	# rebuild each way): $A builds 7.3 and the patches before that change,
	# without the debug options (its builds prove that each patch builds,
	# and its 7.3 images are booted only by scenarios that must fail
	# there, or, with --full, that show no regression); $B builds the rest
	# of the series and every kernel the series is tested with, with them.
	# On x86_64, $A (a full build of its own, 7.3's x86_64 rows, the
	# x86_64 builds of the patches before the fixmap change, which change
	# only ghes.c, built on arm64 in every run, and sparse, which needs
	# 7.3's warnings) is in --full only: a cold run cannot afford it, and
	# the x86_64 scenarios are shown to fail on the mutants every run.
	A=$TT/build-$arch-7.3 B=$TT/build-$arch
	[ "$arch" = arm64 ] || [ -n "$full" ] && with73=1
	split=$(fixmap_commit "$arch")
	if [ -n "$with73" ]; then
		t_run "build-$arch-base" "$T/build-at.sh" "$arch" base-hooks "$A" --plain \
			--save "base-$arch"
		t_run "sparse-$arch-at-base" "$T/sparse.sh" "$arch" base "$A" --plain
	fi
	dir=$A plain=--plain
	for i in "${!commits[@]}"; do
		c=${commits[$i]} n=$(basename "${patches[$i]}" | cut -c1-4)
		[ "$c" = "$split" ] && dir=$B plain=
		[ -n "$with73" ] || [ "$dir" = "$B" ] || continue
		compiles "$c" "$arch" || continue
		t_run "build-$arch-$n" "$T/build-at.sh" "$arch" "$c" "$dir" $plain
	done
	[ -n "$with73" ] && t_run "sparse-$arch-no-new-warnings" "$T/sparse.sh" "$arch" series "$B"
	t_run "build-$arch-series" "$T/build-at.sh" "$arch" rig-hooks "$B" --save "series-$arch"

	if [ "$arch" = arm64 ]; then
		[ -z "$full" ] || t_run build-arm64-series-nosei "$T/build-at.sh" arm64 rig-hooks "$B" \
			--save series-nosei-arm64 --config "$T/configs/no-sei.config"
		# The series' KVM selftest and upstream's external_aborts, for
		# the kvm-selftests scenario (on the series and on 7.3).
		t_run build-arm64-kvm-selftests "$T/kvm-selftests.sh" series "$TT/kselftest-arm64"
	fi
	mutant_builds "$arch"
}

# boots ARCH: every boot of ARCH, side by side (t_bg): the series, 7.3,
# the series without SEI, the mutants. arm64 one more than the CPUs: the
# boots keep both CPUs busy (five side by side took as long, at 99%).
# x86_64 one per CPU: with one more, its debug kernel twice took a device
# interrupt in identify_cpu(), before ACPI is up, that KASAN reported as a
# wild access in handle_edge_irq() (7.3's code, the boots' timing); its
# boots are a minute either way.
boots() {
	local arch=$1 base=
	T_JOBS=$(($(nproc) + 1))
	[ "$arch" = x86_64 ] && T_JOBS=$(nproc)
	[ "$arch" = arm64 ] || [ -n "$full" ] && base=$IMG/base-$arch
	t_bg "kunit-ghes-$arch" "$T/kunit-boot.sh" "$arch" "$IMG/series-$arch" \
		"$T_LOGS/console-$arch-kunit.log"
	scenarios "$arch" "$IMG/series-$arch" "$base"
	if [ "$arch" = arm64 ] && [ -n "$full" ]; then
		t_bg boot-arm64-sei-nosei "$T/scenario.sh" arm64 sei-nosei \
			"$IMG/series-nosei-arm64" "$T_LOGS/console-arm64-sei-nosei.log"
		t_bg boot-arm64-sei-live-fails-without-sei "$T/expect-fail.sh" \
			'record: source 1 block not cleared' \
			"$T/scenario.sh" arm64 sei-live "$IMG/series-nosei-arm64" \
			"$T_LOGS/console-arm64-sei-live-nosei.log"
	fi
	mutant_tests "$arch"
}

# bots ARCH (--full): the final series in the configurations the bots build.
bots() {
	local arch=$1 cfg
	for cfg in no-ghes no-kunit; do
		t_run "build-$arch-series-$cfg" "$T/build-at.sh" "$arch" series "$TT/build-$arch" \
			--config "$T/configs/$cfg.config"
	done
	[ "$arch" = arm64 ] && t_run build-arm64-series-no-acpi "$T/build-at.sh" arm64 series \
		"$TT/build-arm64" --config "$T/configs/no-acpi.config"
	return 0
}

for arch in arm64 x86_64; do
	t_phase "$arch: builds: 7.3, every patch, the series, its variants"
	builds "$arch"
	t_phase "$arch: boots: the series, 7.3, the mutants"
	boots "$arch"
	t_wait
	[ -n "$full" ] || continue
	t_phase "$arch: the configurations the bots build"
	bots "$arch"
done

t_summary
