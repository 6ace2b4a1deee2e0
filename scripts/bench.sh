#!/usr/bin/env bash
# Benchmark: unpatched 7.3 against the series, side by side in one run.
# Deterministic instruction counts: QEMU -icount shift=0 (one virtual ns
# per guest instruction) on one vCPU; the guest reads the 1 GHz generic
# timer around each SEA (guest/bench_sea.c), so deltas are guest
# instructions. TLB maintenance costs one instruction here, however slow
# it is on hardware: these figures undercount the series' gain there.
. "$(dirname "$0")/lib.sh"
export RIG_TREE=$RIG_CACHE/test/linux
S=$RIG_TOP/scripts
T=$RIG_TOP/tests
FORCE=1 "$S/series.sh" tree >/dev/null
"$T/build-at.sh" arm64 base "$RIG_CACHE/test/build-arm64-base" >/dev/null
"$T/build-at.sh" arm64 series "$RIG_CACHE/test/build-arm64" >/dev/null
img_base=$RIG_CACHE/test/build-arm64-base/arch/arm64/boot/Image
img_series=$RIG_CACHE/test/build-arm64/arch/arm64/boot/Image
out=$RIG_CACHE/bench
mkdir -p "$out"

run() {	# run KERNEL-NAME SETUP MODE -> median instructions
	local img=$1 setup=$2 mode=$3 log="$out/$1-$2-$3.log" k
	k=$img_base; [ "$img" = series ] && k=$img_series
	# loglevel=1: the console stays quiet, so the table upgrade message is not
	# there to check; the guest checks the HEST it finds instead.
	export RIG_SMP=1 RIG_APPEND="loglevel=1 rig.bench=$mode" RIG_TIMEOUT=300 RIG_EXPECT=
	if [ "$setup" = 1 ]; then
		RIG_MACHINE=ras=on "$S/boot.sh" arm64 "$k" "$log" bench_sea -- -icount shift=0 >/dev/null
	else
		"$T/hest-boot.sh" arm64 "$k" "$log" bench_sea -- -icount shift=0 >/dev/null
	fi || { echo "bench boot failed: $log" >&2; return 1; }
	tr -d '\r' < "$log" | sed -n "s/^RIG-BENCH: $mode sources=$setup median=\([0-9]*\).*/\1/p"
}

row() {	# row LABEL SETUP MODE
	local b s
	b=$(run base "$2" "$3") && s=$(run series "$2" "$3") || exit 1
	[ -n "$b" ] && [ -n "$s" ] || die "no figure for $1 (logs in $out)"
	printf '| %-44s | %9s | %9s | %5s |\n' "$1" "$b" "$s" \
		"$(awk -v b="$b" -v s="$s" 'BEGIN { printf "%.2fx", s / b }')"
}

echo "Linux $(cat "$RIG_CACHE/base/VERSION") vs Linux $(cat "$RIG_CACHE/base/VERSION") + series ($(git -C "$RIG_TREE" rev-list --count base..series) patches)"
echo "guest instructions per SEA, load to SIGBUS handler, median of 41 (QEMU -icount shift=0, 1 vCPU)"
echo
printf '| %-44s | %9s | %9s | %5s |\n' "case" "7.3" "series" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "-----------" "-----------" "-------"
row "SEA finds its record, 1 SEA source" 1 found
row "SEA finds its record, 64 SEA sources" 64 found
row "SEA finds nothing (not mine), 64 SEA sources" 64 notmine

echo
echo "static memory and address space (arm64, from the built vmlinux files):"
symsize() { echo $((0x$(aarch64-linux-gnu-nm -S "$1" | awk -v s="$2" '$4 == s { print $2 }'))); }
nmb=$(symsize "$RIG_CACHE/test/build-arm64-base/vmlinux" bm_pte)
nms=$(symsize "$RIG_CACHE/test/build-arm64/vmlinux" bm_pte)
pages=$(sed -n 's/^CONFIG_ACPI_APEI_GHES_FIXMAP_PAGES=//p' "$RIG_CACHE/test/build-arm64/.config")
echo "- fixmap static page tables (bm_pte): 7.3 $nmb bytes, series $nms bytes (+$((nms - nmb)) for $pages GHES fixmap pages)"
echo "- per source: no RAM allocated for the mapping; VA = the pages its block can span (2 for a block of up to one page)"
echo "- 7.3 also ioremap()s block_status of each SEA/NMI source (a vmalloc-area page each); the series drops that"
