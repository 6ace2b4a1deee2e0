#!/usr/bin/env bash
# Build the guest programs for ARCH and pack an initramfs:
#   guest.sh ARCH OUT.cpio [--acpi DIR]
# /init is guest/init.c; every other guest/*.c becomes /bin/<name>, except
# those marked "// rig-arch: <other arch>".
# With --acpi, the *.aml files in DIR are put in an uncompressed cpio in
# front (kernel/firmware/acpi/), which CONFIG_ACPI_TABLE_UPGRADE installs.
. "$(dirname "$0")/lib.sh"

arch=${1:-}; out=${2:-}; shift 2 || die "usage: guest.sh ARCH OUT.cpio [--acpi DIR]"
acpi=
[ "${1:-}" = --acpi ] && acpi=$2
case "$arch" in
arm64) cc=aarch64-linux-gnu-gcc ;;
x86_64) cc=gcc ;;
*) die "guest.sh: ARCH must be arm64 or x86_64" ;;
esac
command -v "$cc" >/dev/null || die "$cc not found (run: make setup)"
command -v cpio >/dev/null || die "cpio not found (run: make setup)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root/bin" "$stage/root/dev" "$stage/root/proc" "$stage/root/sys"
CFLAGS=(-static -O2 -Wall -Wextra -Werror -Wno-unused-function)
for src in "$RIG_TOP"/guest/*.c; do
	name=$(basename "$src" .c)
	# "// rig-arch: A" limits a program to one architecture
	only=$(sed -n 's|^// rig-arch: *||p' "$src" | head -n1)
	[ -z "$only" ] || [ "$only" = "$arch" ] || continue
	dst=$stage/root/bin/$name
	[ "$name" = init ] && dst=$stage/root/init
	"$cc" "${CFLAGS[@]}" -o "$dst" "$src" || die "guest program $name did not build for $arch"
done
(cd "$stage/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$stage/main.cpio"
if [ -n "$acpi" ]; then
	mkdir -p "$stage/acpi/kernel/firmware/acpi"
	cp "$acpi"/*.aml "$stage/acpi/kernel/firmware/acpi/" || die "no .aml files in $acpi"
	(cd "$stage/acpi" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$stage/acpi.cpio"
	cat "$stage/acpi.cpio" "$stage/main.cpio" > "$out.tmp"
else
	cp "$stage/main.cpio" "$out.tmp"
fi
mv "$out.tmp" "$out"
