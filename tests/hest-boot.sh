#!/usr/bin/env bash
# hest-boot.sh ARCH IMAGE LOG TEST... [-- QEMU-OPTIONS]: boot with the rig's
# own HEST: on arm64 64 SEA sources, on x86_64 one NMI source; both with a
# polled GHESv2 and a polled GHES v1.
#
# tests/hest/mkhest.py writes the table (64 SEA GHESv2 sources, a polled
# GHESv2 and a polled GHES v1) and the registers firmware would leave;
# iasl compiles the table (and the SDEI table mkhest.py writes when asked
# for SDEI sources); the initrd carries them to the kernel's ACPI table
# upgrade. The registers and blocks live in a 16 MiB cold-plugged
# DIMM at 0xC0000000, which edk2 leaves out of the EFI memory map (so the
# kernel maps it as device memory, as it does real firmware regions), and
# QEMU's loader device preloads the register page before firmware runs.
. "$(dirname "$0")/../scripts/lib.sh"
arch=$1 img=$2 log=$3; shift 3
tests=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do tests+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
command -v iasl >/dev/null || die "iasl not found (run: make setup)"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# The DIMM lands right after RAM's hotplug alignment: 0xC0000000 on virt
# with 2 GiB, 0x100000000 on q35 (all 2 GiB below 4 GiB).
case "$arch" in
arm64) base=0xC0000000 srcs=(--sea 64) ;;
x86_64) base=0x100000000 srcs=(--sea 0 --nmi 1) ;;
esac
# RIG_HEST: other mkhest.py source options, e.g. "--sea 1 --sei 2"
[ -n "${RIG_HEST:-}" ] && read -ra srcs <<<"$RIG_HEST"
python3 "$RIG_TOP/tests/hest/mkhest.py" "$d" "${srcs[@]}" --base "$base"
mkdir -p "$d/acpi"
for t in hest sdei; do	# the SDEI table only with SDEI sources
	[ -f "$d/$t.asl" ] || continue
	(cd "$d" && iasl -tc "$t.asl" >iasl.log 2>&1) || { cat "$d/iasl.log"; die "iasl could not compile $t.asl"; }
	cp "$d/$t.aml" "$d/acpi/"
done
RIG_ACPI_DIR=$d/acpi RIG_MEM="2G,slots=2,maxmem=4G" \
RIG_EXPECT=${RIG_EXPECT-'ACPI: Table Upgrade: install \[HEST'} \
	"$RIG_TOP/scripts/boot.sh" "$arch" "$img" "$log" "${tests[@]}" -- "$@" \
	-object memory-backend-ram,id=fwmem,size=16M -device pc-dimm,memdev=fwmem \
	-device "loader,file=$d/regs.bin,addr=$base,force-raw=on"
