#!/usr/bin/env bash
# Build the guest programs for ARCH and pack an initramfs:
#   guest.sh ARCH OUT.cpio [--acpi DIR] [--root DIR]
# /init is guest/init.c; every other guest/*.c becomes /bin/<name>, except
# those marked "// rig-arch: <other arch>".
# With --acpi, the *.aml files in DIR are put in an uncompressed cpio in
# front (kernel/firmware/acpi/), which CONFIG_ACPI_TABLE_UPGRADE installs.
# With --root, DIR is a tree of unpacked Debian packages for ARCH (e.g.
# $RIG_CACHE/guest-arm64-root from scripts/fetch-guest-debs.sh): the ELF
# programs of its usr/bin, usr/sbin, bin and sbin go into the initramfs at
# the same paths, with their program interpreter and the shared libraries
# they need (transitively, symlinks kept), plus empty /tmp, /run, /var/lib
# and /var/tmp. Nothing else of DIR is copied (no docs, scripts, /etc).
. "$(dirname "$0")/lib.sh"

usage="usage: guest.sh ARCH OUT.cpio [--acpi DIR] [--root DIR]"
arch=${1:-}; out=${2:-}; shift 2 || die "$usage"
acpi='' root=''
while [ $# -gt 0 ]; do
	case "$1" in
	--acpi) [ $# -ge 2 ] || die "$usage"; acpi=$2; shift 2 ;;
	--root) [ $# -ge 2 ] || die "$usage"; root=$2; shift 2 ;;
	*) die "$usage" ;;
	esac
done
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
# A test run boots some fifty times: each program is compiled once per
# source (with the guest's headers), compiler and flags, and kept in
# $RIG_CACHE/guest-bin (written under another name, then renamed, as
# boots run side by side).
bins=$RIG_CACHE/guest-bin/$arch
mkdir -p "$bins"
ccver=$("$cc" --version | head -n1)
for src in "$RIG_TOP"/guest/*.c; do
	name=$(basename "$src" .c)
	# "// rig-arch: A" limits a program to one architecture
	only=$(sed -n 's|^// rig-arch: *||p' "$src" | head -n1)
	[ -z "$only" ] || [ "$only" = "$arch" ] || continue
	dst=$stage/root/bin/$name
	[ "$name" = init ] && dst=$stage/root/init
	key=$({ cat "$src" "$RIG_TOP"/guest/*.h; echo "$ccver ${CFLAGS[*]}"; } | sha256sum | cut -c1-20)
	bin=$bins/$name-$key
	if [ ! -x "$bin" ]; then
		"$cc" "${CFLAGS[@]}" -o "$bin.$$" "$src" || die "guest program $name did not build for $arch"
		mv -f "$bin.$$" "$bin"
	fi
	cp "$bin" "$dst"
done
if [ -n "$root" ]; then
	[ -d "$root" ] || die "--root $root is not a directory"
	case "$arch" in arm64) machine=AArch64 ;; x86_64) machine='Advanced Micro Devices X86-64' ;; esac
	progs=()
	for d in usr/bin usr/sbin bin sbin; do
		# a merged /usr has bin -> usr/bin: look at each directory once
		[ -d "$root/$d" ] && [ ! -L "$root/$d" ] || continue
		for f in "$root/$d"/*; do
			[ -f "$f" ] && [ ! -L "$f" ] || continue
			head -c4 "$f" | cmp -s - <(printf '\177ELF') || continue
			m=$(readelf -hW "$f" | sed -n 's/^ *Machine: *//p')
			[ "$m" = "$machine" ] || die "$f is for $m, not $arch"
			progs+=("$d/${f##*/}")
		done
	done
	[ ${#progs[@]} -gt 0 ] || die "--root $root holds no ELF program in usr/bin, usr/sbin, bin or sbin"
	files=$(elf_closure "$root" "${progs[@]}") || die "--root $root lacks a library (above)"
	for f in $files; do
		[ ! -e "$stage/root/$f" ] && [ ! -L "$stage/root/$f" ] ||
			die "$root/$f would replace the rig's own /$f"
		(cd "$root" && cp -a --parents "$f" "$stage/root/")
	done
	mkdir -p "$stage/root/tmp" "$stage/root/run" "$stage/root/var/lib" "$stage/root/var/tmp"
	chmod 1777 "$stage/root/tmp" "$stage/root/var/tmp"
fi
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
