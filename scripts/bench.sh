#!/usr/bin/env bash
# Benchmark: unpatched 7.3 against the series, side by side in one run.
# Deterministic instruction counts: QEMU -icount shift=0 (one virtual ns
# per guest instruction) on one vCPU. arm64: the guest reads the 1 GHz
# generic timer around each SEA (guest/bench_sea.c); x86: the rig-only hook
# reads the TSC around each NMI it sends (guest/bench_nmi.c). TLB
# maintenance costs one instruction here, however slow it is on hardware.
#
# The kernels are built without the debug options of the test suite, from
# the suite's tree with the rig-only hooks (inert but for the x86 NMI
# sender), in build directories of their own.
. "$(dirname "$0")/lib.sh"
export RIG_TREE=$RIG_CACHE/test/linux
S=$RIG_TOP/scripts
T=$RIG_TOP/tests
out=$RIG_CACHE/bench
mkdir -p "$out"
FORCE=1 "$S/series.sh" tree >/dev/null
"$T/hooks-branch.sh" base-hooks base "$T"/kernel/*.patch >/dev/null
"$T/hooks-branch.sh" rig-hooks series "$T"/kernel/*.patch >/dev/null

declare -A img
for arch in arm64 x86_64; do
	for k in base series; do
		rev=base-hooks; [ "$k" = series ] && rev=rig-hooks
		git -C "$RIG_TREE" checkout -q --detach "$rev"
		img[$k-$arch]=$("$S/build.sh" "$arch" --tree "$RIG_TREE" \
			--out "$RIG_CACHE/test/bench-build-$arch-$k" | tail -n1) ||
			die "bench: $arch $k build failed"
	done
done

run() {	# run KERNEL ARCH SETUP PROGRAM MODE -> the median
	local k=$1 arch=$2 setup=$3 prog=$4 mode=$5 log="$out/$1-$2-$4-$3-$5.log"
	# loglevel=1: the console stays quiet (the table upgrade is not checked
	# there; the guest checks the HEST it finds)
	export RIG_SMP=1 RIG_APPEND="loglevel=1 rig.bench=$mode" RIG_TIMEOUT=600 RIG_EXPECT=
	case "$setup" in
	ras)	RIG_MACHINE=ras=on "$S/boot.sh" "$arch" "${img[$k-$arch]}" "$log" "$prog" \
			-- -icount shift=0 ;;
	*)	RIG_HEST=$setup "$T/hest-boot.sh" "$arch" "${img[$k-$arch]}" "$log" "$prog" \
			-- -icount shift=0 ;;
	esac >/dev/null || { echo "bench boot failed: $log" >&2; return 1; }
	tr -d '\r' < "$log" | sed -n 's/^RIG-BENCH: .* median=\([0-9]*\).*/\1/p' | head -n1
}

row() {	# row LABEL ARCH SETUP PROGRAM MODE
	local b s
	b=$(run base "$2" "$3" "$4" "$5") && s=$(run series "$2" "$3" "$4" "$5") || exit 1
	[ -n "$b" ] && [ -n "$s" ] || die "no figure for $1 (logs in $out)"
	printf '| %-50s | %9s | %9s | %5s |\n' "$1" "$b" "$s" \
		"$(awk -v b="$b" -v s="$s" 'BEGIN { printf "%.2fx", s / b }')"
}

echo "Linux $(cat "$RIG_CACHE/base/VERSION") vs Linux $(cat "$RIG_CACHE/base/VERSION") + series ($(git -C "$RIG_TREE" rev-list --count base..series) patches)"
echo "guest instructions, median of 41 (QEMU -icount shift=0, 1 vCPU)"
echo "arm64: from the load that raises an SEA to the SIGBUS handler"
echo "x86_64: from sending an NMI (an IPI to the CPU itself) to its end"
echo
printf '| %-50s | %9s | %9s | %5s |\n' "case" "7.3" "series" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..52})" "-----------" "-----------" "-------"
row "arm64: SEA finds its record, 1 SEA source" arm64 ras bench_sea found
row "arm64: SEA finds its record, 64 SEA sources" arm64 "--sea 64" bench_sea found
row "arm64: SEA finds nothing (not mine), 64 SEA sources" arm64 "--sea 64" bench_sea notmine
row "x86_64: NMI not for GHES, 1 NMI source" x86_64 "--sea 0 --nmi 1" bench_nmi -
row "x86_64: NMI not for GHES, 16 NMI sources" x86_64 "--sea 0 --nmi 16" bench_nmi -

echo
echo "static memory and address space (from the built vmlinux files):"
symsize() { echo $((0x$("$1" -S "$2" | awk -v s="$3" '$4 == s { print $2 }'))); }
for arch in arm64 x86_64; do
	nm=nm size=size
	[ "$arch" = arm64 ] && nm=aarch64-linux-gnu-nm size=aarch64-linux-gnu-size
	vb=$RIG_CACHE/test/bench-build-$arch-base/vmlinux
	vs=$RIG_CACHE/test/bench-build-$arch-series/vmlinux
	pages=$(sed -n 's/^CONFIG_ACPI_APEI_GHES_NMI_PAGES=//p' "$RIG_CACHE/test/bench-build-$arch-series/.config")
	if [ "$arch" = arm64 ]; then
		b=$(symsize "$nm" "$vb" bm_pte) s=$(symsize "$nm" "$vs" bm_pte)
		echo "- arm64 fixmap page tables (bm_pte): 7.3 $b bytes, series $s bytes (+$((s - b)) for $pages pages of NMI-like GHES windows)"
	else
		echo "- x86_64: $pages fixmap pages of NMI-like GHES windows, within the fixmap's existing page tables"
	fi
	echo "- $arch vmlinux text, data and bss: 7.3 $("$size" "$vb" | awk 'NR == 2 { print $4 }') bytes, series $("$size" "$vs" | awk 'NR == 2 { print $4 }') bytes"
done
echo "- per NMI-like source: a struct ghes_nmi_src (kzalloc) and, for a block of up to a page, 4 fixmap pages of address space; no RAM for the mapping"
