#!/usr/bin/env bash
# scenario.sh ARCH NAME IMAGE LOG: boot IMAGE with the scenario NAME of
# tests/scenarios (one guest program, and how to boot it) and judge it.
# scenario.sh --list ARCH prints the names, in order; --field ARCH NAME N
# prints field N (1-6) of its line.
. "$(dirname "$0")/../scripts/lib.sh"
table=$RIG_TOP/tests/scenarios

line() {	# line ARCH NAME -> the table line, fields trimmed, "|"-separated
	awk -F'|' -v a="$1" -v n="$2" '
		/^#/ || NF < 6 { next }
		{ for (i = 7; i <= NF; i++) $6 = $6 "|" $i	# a regex may hold "|"
		  for (i = 1; i <= 6; i++) gsub(/^[ \t]+|[ \t]+$/, "", $i) }
		$1 == n && $2 == a { print $1 "|" $2 "|" $3 "|" $4 "|" $5 "|" $6; found = 1; exit }
		END { exit !found }' "$table"
}

case "${1:-}" in
--list)
	awk -F'|' -v a="$2" '/^#/ || NF < 6 { next }
		{ gsub(/[ \t]/, "", $1); gsub(/[ \t]/, "", $2); if ($2 == a) print $1 }' "$table"
	exit 0 ;;
--field)
	l=$(line "$2" "$3") || die "no scenario $3 for $2 in $table"
	[ "$4" = 6 ] && set -- "$1" "$2" "$3" 6-
	cut -d'|' -f"$4" <<<"$l"
	exit 0 ;;
esac

arch=$1 name=$2 img=$3 log=$4
l=$(line "$arch" "$name") || die "no scenario $name for $arch in $table"
IFS='|' read -r _ _ program machine append _ <<<"$l"
read -r kind hest <<<"$machine"
export RIG_APPEND="${append}${RIG_APPEND:+ $RIG_APPEND}"
case "$kind" in
el2)
	export RIG_MACHINE=virtualization=on
	RIG_APPEND="kvm-arm.mode=none id_aa64mmfr1.vh=0 $RIG_APPEND"
	export RIG_EXPECT='rig-serror: EL2 vSError injector ready' ;;
sdei)	# as el2, the EL2 stub playing SDEI firmware (the SDEI table tells it)
	export RIG_MACHINE=virtualization=on
	RIG_APPEND="kvm-arm.mode=none id_aa64mmfr1.vh=0 $RIG_APPEND"
	export RIG_EXPECT='rig-sdei: EL2 SDEI firmware stand-in ready' ;;
kvm)	# the kernel at EL2, a KVM host (VHE unless the append says nvhe)
	export RIG_MACHINE=virtualization=on
	export RIG_EXPECT='rig-kvm: guest hvc #0x5e1 becomes an SError exit' ;;
esac
case "$program" in
ras_daemon)	# Debian's rasdaemon and sqlite3 go into the initramfs
	"$RIG_TOP/scripts/fetch-guest-debs.sh" || die "cannot fetch the guest packages"
	export RIG_GUEST_ROOT=$RIG_CACHE/guest-arm64-root ;;
kvm_selftests)	# the KVM selftests tests/kvm-selftests.sh built from the series
	export RIG_GUEST_ROOT=$RIG_CACHE/test/kselftest-arm64
	[ -x "$RIG_GUEST_ROOT/usr/bin/external_aborts" ] ||
		die "no KVM selftests in $RIG_GUEST_ROOT (tests/kvm-selftests.sh builds them)" ;;
esac
case "$program" in
sei:*|kvm_serror:*)	# a row that ends in a panic: tests/sei-boot.sh checks it in order
	export RIG_HEST=$hest
	exec "$RIG_TOP/tests/sei-boot.sh" "${program#*:}" "$img" "$log" ;;
esac
case "$kind" in
ras)	exec env RIG_MACHINE=ras=on "$RIG_TOP/scripts/boot.sh" "$arch" "$img" "$log" "$program" ;;
plain)	exec "$RIG_TOP/scripts/boot.sh" "$arch" "$img" "$log" "$program" ;;
hest|el2|sdei|kvm)
	[ "$program" = nmi_x86 ] && export RIG_DRIVER="$RIG_TOP/tests/qmp-nmi.py"
	exec env RIG_HEST="$hest" "$RIG_TOP/tests/hest-boot.sh" "$arch" "$img" "$log" "$program" ;;
*)	die "scenario $name: unknown machine '$machine'" ;;
esac
