#!/usr/bin/env bash
# Install every host tool the rig needs on Debian 12 (bookworm).
# QEMU 10.0 comes from bookworm-backports; everything else from bookworm.
# Idempotent: a second run installs nothing new.
. "$(dirname "$0")/lib.sh"
need_root_or_sudo

PKGS_MAIN=(
	build-essential bc bison flex libssl-dev libelf-dev cpio kmod
	python3 perl git rsync xz-utils zstd file
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	acpica-tools sparse ccache
	qemu-efi-aarch64 ovmf
	python3-ply python3-git python3-yaml python3-sphinx python3-docutils
)
PKGS_BPO=(qemu-system-arm qemu-system-x86)

have_all() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || return 1
	done
}

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null || return 1
	qemu-system-aarch64 --version | head -n1 | grep -Eq 'version (1[0-9])\.'
}

if have_all "${PKGS_MAIN[@]}" "${PKGS_BPO[@]}" && qemu_ok; then
	say "host tools already installed"
	exit 0
fi

mirror=$(debian_mirror)
bpo=/etc/apt/sources.list.d/rig-bookworm-backports.sources
if ! grep -qs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*; then
	say "adding bookworm-backports (from the bookworm mirror already configured)"
	$SUDO tee "$bpo" >/dev/null <<EOS
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || die "apt-get update failed"
$SUDO apt-get install -q -y --no-install-recommends "${PKGS_MAIN[@]}" ||
	die "apt-get install failed for: ${PKGS_MAIN[*]}"
$SUDO apt-get install -q -y --no-install-recommends -t bookworm-backports "${PKGS_BPO[@]}" ||
	die "apt-get install from bookworm-backports failed for: ${PKGS_BPO[*]} (QEMU 10.0 is needed)"
qemu_ok || die "qemu-system-aarch64 is not version 10 or later: $(qemu-system-aarch64 --version | head -n1)"
say "host tools installed: $(qemu-system-aarch64 --version | head -n1)"
